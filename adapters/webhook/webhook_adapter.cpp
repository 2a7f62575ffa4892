// Incoming webhooks: Discord, Slack and a generic JSON receiver. The account's
// access token is the webhook URL, which carries the secret: it is sent with
// `secret_url` and scrubbed from every message.
//
// Delivery guarantees differ by flavor:
// - json sends `Idempotency-Key: <target id>`, so an ambiguous attempt is
//   retried (transient) and settled by sending again; honouring the key is
//   the receiver's job.
// - Discord and Slack have no idempotency: an answer lost after sending is
//   `unknown` and a human decides. A thread goes out part by part; the ids of
//   the parts delivered are saved after each one (adapter_state
//   {"parts": [...], "sending": k}), so a retry resumes at the first unsent
//   part and never sends a recorded part again.
#include "adapters/webhook/webhook_adapter.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/webhook/webhook_internal.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "net/curl_http_client.hpp"

namespace postsched::adapters {

namespace {

using namespace webhook;
using Kind = Outcome::Kind;

constexpr std::size_t k_discord_max_chars = 2000;
constexpr std::size_t k_slack_max_chars = 40000;
constexpr std::size_t k_json_max_chars = 100000;
constexpr std::size_t k_discord_max_files = 10;
constexpr std::size_t k_discord_max_bytes = 8 * 1024 * 1024;
constexpr std::size_t k_json_max_media = 10;

// Progress of a thread sent part by part: ids of the parts delivered, in
// order, and the part whose request is (or was) in flight, if any.
struct ThreadState {
    std::vector<std::string> done;
    std::optional<std::size_t> sending;
};

ThreadState parse_state(const std::string& text) {
    ThreadState state;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        return state;
    if (const auto parts = j.find("parts"); parts != j.end() && parts->is_array()) {
        for (const auto& id : *parts) {
            state.done.push_back(id.is_string() ? id.get<std::string>() : id.dump());
        }
    }
    if (const auto s = j.find("sending"); s != j.end() && s->is_number_unsigned()) {
        state.sending = s->get<std::size_t>();
    }
    return state;
}

std::string to_json(const ThreadState& state) {
    nlohmann::json j = {{"parts", state.done}};
    if (state.sending)
        j["sending"] = *state.sending;
    return j.dump();
}

bool is_blank(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::vector<std::string> path_segments(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        if (end > start)
            out.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The webhook id of /api[/vN]/webhooks/<id>/<token>, or nullopt.
std::optional<std::string> discord_webhook_id(std::string_view path) {
    auto seg = path_segments(path);
    if (seg.size() == 5 && seg[1].size() > 1 && seg[1][0] == 'v' &&
        all_digits(std::string_view(seg[1]).substr(1))) {
        seg.erase(seg.begin() + 1);
    }
    if (seg.size() != 4 || seg[0] != "api" || seg[1] != "webhooks" || !all_digits(seg[2])) {
        return std::nullopt;
    }
    return seg[2];
}

bool is_slack_path(std::string_view path) {
    const auto seg = path_segments(path);
    return seg.size() >= 2 && seg[0] == "services";
}

Outcome with_part(Outcome outcome, std::size_t part, std::size_t count) {
    if (count > 1) {
        outcome.message = "part " + std::to_string(part + 1) + " of " + std::to_string(count) +
                          ": " + outcome.message;
    }
    return outcome;
}

class WebhookAdapter final : public Adapter {
  public:
    WebhookAdapter(const AdapterContext& context, WebhookFlavor flavor)
        : m_http(context.http),
          m_clock(context.clock),
          m_platform(context.platform),
          m_flavor(flavor) {}

    AccountProfile verify_account(const Account& account, const std::string& access_token) override;
    ContentVerdict check_text(const Account& account, std::string_view text,
                              std::string_view options_json) const override;
    MediaRules media_rules(const Account& account) const override;
    bool supports_threads() const override { return true; }
    Outcome publish(const PublishRequest& request, const SaveState& save) override;
    Outcome settle(const PublishRequest& request, const SaveState& save,
                   Instant sending_since) override;

  private:
    std::string name() const { return std::string(flavor_name(m_flavor)); }
    std::size_t max_chars() const;
    Outcome send_part(const PublishRequest& request, std::size_t part);
    Outcome transport_failure(const net::TransportError& error, const PublishRequest& request,
                              const std::vector<std::string>& secrets) const;
    Outcome publish_in_order(const PublishRequest& request, const SaveState& save);

    net::HttpClient& m_http;
    const Clock& m_clock;
    config::PlatformConfig m_platform;
    WebhookFlavor m_flavor;
};

AccountProfile WebhookAdapter::verify_account(const Account& account,
                                              const std::string& access_token) {
    // Shape only: posting a test message would spam the channel.
    const std::string who = "account " + in_quotes(account.name);
    const auto url = parse_url(access_token);
    const bool secure = url && (url->scheme == "https" ||
                                (url->scheme == "http" && net::is_loopback_host(url->host)));
    if (!secure) {
        std::string what =
            name() == std::string("webhook") ? "webhook" : std::string(name()) + " webhook";
        throw Error(Exit::data, who + ": the " + what +
                                    " URL must use https (plain http only to a "
                                    "loopback address)");
    }
    AccountProfile profile;
    profile.settings = account.settings.empty() ? "{}" : account.settings;
    if (m_flavor == WebhookFlavor::discord) {
        const auto id = discord_webhook_id(url->path);
        if (!id) {
            throw Error(Exit::data, who +
                                        ": not a discord webhook URL (expected "
                                        "https://discord.com/api/webhooks/<id>/<token>)");
        }
        profile.platform_account_id = *id;
    } else if (m_flavor == WebhookFlavor::slack && !is_slack_path(url->path)) {
        throw Error(Exit::data, who +
                                    ": not a slack webhook URL (expected "
                                    "https://hooks.slack.com/services/...)");
    }
    return profile;
}

std::size_t WebhookAdapter::max_chars() const {
    switch (m_flavor) {
        case WebhookFlavor::discord:
            return k_discord_max_chars;
        case WebhookFlavor::slack:
            return k_slack_max_chars;
        case WebhookFlavor::json:
            return k_json_max_chars;
    }
    return k_json_max_chars;
}

ContentVerdict WebhookAdapter::check_text(const Account&, std::string_view text,
                                          std::string_view) const {
    ContentVerdict verdict;
    verdict.count = count_code_points(text);
    verdict.limit = max_chars();
    if (m_flavor != WebhookFlavor::json && is_blank(text)) {
        verdict.refuse(name() + " messages cannot be empty");
    } else if (verdict.count > verdict.limit) {
        verdict.refuse("text is " + std::to_string(verdict.count) + " characters; " + name() +
                       " allows " + std::to_string(verdict.limit));
    }
    return verdict;
}

MediaRules WebhookAdapter::media_rules(const Account&) const {
    MediaRules rules;
    switch (m_flavor) {
        case WebhookFlavor::discord:
            rules.max_items = k_discord_max_files;
            rules.max_bytes =
                m_platform.media_max_bytes ? m_platform.media_max_bytes : k_discord_max_bytes;
            break;
        case WebhookFlavor::slack:
            rules.supported = false;
            rules.max_items = 0;
            break;
        case WebhookFlavor::json:
            // Only the source strings are sent: the receiver fetches URLs itself.
            rules.urls_only = true;
            rules.max_items = k_json_max_media;
            rules.types.push_back("video/mp4");
            if (m_platform.media_max_bytes)
                rules.max_bytes = m_platform.media_max_bytes;
            break;
    }
    return rules;
}

Outcome WebhookAdapter::publish(const PublishRequest& request, const SaveState& save) {
    if (request.parts.empty())
        return Outcome::failure(Kind::permanent, "the post has no text");
    if (!parse_url(effective_url(request.access_token, m_platform.api_base))) {
        return Outcome::failure(Kind::permanent, "the " + name() + " webhook URL of account " +
                                                     in_quotes(request.account.name) +
                                                     " is not a URL");
    }
    if (m_flavor == WebhookFlavor::json)
        return send_part(request, 0);
    return publish_in_order(request, save);
}

Outcome WebhookAdapter::publish_in_order(const PublishRequest& request, const SaveState& save) {
    ThreadState state = parse_state(request.adapter_state);
    const std::size_t count = request.parts.size();
    if (state.done.size() > count) {
        return Outcome::failure(Kind::permanent,
                                "the saved progress records " + std::to_string(state.done.size()) +
                                    " parts sent but the post has " + std::to_string(count));
    }
    for (std::size_t part = state.done.size(); part < count; ++part) {
        if (part > 0 && save) {
            state.sending = part;
            save(to_json(state));
        }
        Outcome outcome = send_part(request, part);
        if (outcome.kind != Kind::posted)
            return with_part(std::move(outcome), part, count);
        state.done.push_back(outcome.platform_post_id);
        state.sending.reset();
        if (save)
            save(to_json(state));
    }
    return Outcome::posted(state.done.front(), "");
}

Outcome WebhookAdapter::settle(const PublishRequest& request, const SaveState& save, Instant) {
    if (m_flavor == WebhookFlavor::json)
        return publish(request, save);
    const ThreadState state = parse_state(request.adapter_state);
    const std::size_t count = request.parts.size();
    if (count > 0 && state.done.size() >= count)
        return Outcome::posted(state.done.front(), "");
    if (!state.done.empty() && state.sending != state.done.size()) {
        // Interrupted between two parts: nothing was in flight, so resume.
        return publish_in_order(request, save);
    }
    std::string message = name() + " cannot tell whether the message was delivered";
    if (!state.done.empty()) {
        const std::string done = std::to_string(state.done.size());
        message = name() + " cannot tell whether part " + std::to_string(state.done.size() + 1) +
                  " of " + std::to_string(count) + " was delivered (parts 1 to " + done +
                  " were); check the channel, then resolve the target or retry it with --force "
                  "to resume after part " +
                  done;
    } else {
        message += "; check the channel, then resolve the target by hand";
    }
    return Outcome::failure(Kind::unknown, message);
}

Outcome WebhookAdapter::send_part(const PublishRequest& request, std::size_t part) {
    const std::string url = effective_url(request.access_token, m_platform.api_base);
    const auto secrets = secret_pieces(request.access_token, url);
    try {
        net::HttpRequest http = build_request(m_flavor, request, part, url);
        http.secret_url = true;
        http.timeout = m_platform.timeout;
        const net::HttpResponse response = m_http.send(http);
        Outcome outcome =
            classify(m_flavor, response, {request.account.name, request.target_id, m_clock.now()});
        outcome.message = scrub(std::move(outcome.message), secrets);
        return outcome;
    } catch (const net::TransportError& e) {
        return transport_failure(e, request, secrets);
    } catch (const Error& e) {
        return Outcome::failure(Kind::permanent, scrub(e.what(), secrets));
    }
}

Outcome WebhookAdapter::transport_failure(const net::TransportError& error,
                                          const PublishRequest& request,
                                          const std::vector<std::string>& secrets) const {
    const std::string hook =
        "the " + name() + " webhook of account " + in_quotes(request.account.name);
    const std::string what = scrub(error.what(), secrets);
    if (!error.maybe_delivered()) {
        return Outcome::failure(Kind::transient, "could not reach " + hook + ": " + what);
    }
    if (m_flavor == WebhookFlavor::json) {
        return Outcome::failure(Kind::transient, hook +
                                                     " did not answer; retrying with the same "
                                                     "Idempotency-Key: " +
                                                     what);
    }
    return Outcome::failure(Kind::unknown,
                            hook + " did not answer; the message may have been delivered: " + what);
}

}  // namespace

std::unique_ptr<Adapter> make_webhook_adapter(const AdapterContext& context, WebhookFlavor flavor) {
    return std::make_unique<WebhookAdapter>(context, flavor);
}

}  // namespace postsched::adapters
