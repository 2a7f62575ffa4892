// Facebook Pages (meta.md §2): text and link posts on /{page-id}/feed, one
// photo on /{page-id}/photos, several photos uploaded unpublished and then
// attached to one feed post. Resume state: the unpublished photo ids, and
// when a publish request went out whose answer was lost, so the post is
// looked up in the Page's feed before any repeat.
#include <nlohmann/json.hpp>

#include "adapters/meta/graph.hpp"
#include "adapters/meta/meta_adapters.hpp"
#include "adapters/meta/meta_text.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "media/media.hpp"

namespace postsched::adapters {
namespace {

using namespace meta;
using nlohmann::json;
using Kind = Outcome::Kind;

constexpr std::string_view k_default_base = "https://graph.facebook.com";
constexpr std::string_view k_default_version = "v26.0";
// Clock skew allowed between our send time and the Page's created_time.
constexpr Millis k_lookup_slack = std::chrono::minutes(2);
constexpr int k_lookup_limit = 25;

struct FacebookState {
    std::vector<std::string> photos;  // unpublished photo ids, in media order
    std::string sent_at;              // a publish request went out at (ISO), answer unknown
    std::string post_id;
    std::string post_url;

    static FacebookState parse(std::string_view text) {
        FacebookState s;
        const json j = json::parse(text, nullptr, false);
        if (!j.is_object())
            return s;
        if (j.contains("photos") && j["photos"].is_array()) {
            for (const auto& id : j["photos"])
                if (id.is_string())
                    s.photos.push_back(id.get<std::string>());
        }
        s.sent_at = string_field(j, "sent_at");
        s.post_id = string_field(j, "post_id");
        s.post_url = string_field(j, "post_url");
        return s;
    }
    std::string dump() const {
        json j = {{"photos", photos}};
        if (!sent_at.empty())
            j["sent_at"] = sent_at;
        if (!post_id.empty())
            j["post_id"] = post_id, j["post_url"] = post_url;
        return j.dump();
    }
};

std::string link_option(std::string_view options) {
    const json j = json::parse(options, nullptr, false);
    if (!j.is_object())
        return {};
    if (j.contains("facebook") && j["facebook"].is_object())
        return string_field(j["facebook"], "link");
    return {};
}

// One publish of one target.
class FacebookPublication {
  public:
    FacebookPublication(Graph graph, const PublishRequest& request, const SaveState& save)
        : m_graph(std::move(graph)),
          m_request(request),
          m_save(save),
          m_state(FacebookState::parse(request.adapter_state)),
          m_page("/" + net::url_encode(request.account.platform_account_id)),
          m_text(request.parts.empty() ? std::string() : request.parts.front()) {}

    Outcome run() {
        try {
            if (!m_state.post_id.empty())
                return Outcome::posted(m_state.post_id, m_state.post_url);
            if (!m_state.sent_at.empty()) {
                if (auto found = look_up())
                    return *found;
                m_state.sent_at.clear();  // not there: the earlier request did not post
            }
            if (m_request.media.size() == 1)
                return publish_single_photo();
            for (std::size_t k = m_state.photos.size(); k < m_request.media.size(); ++k)
                upload_unpublished(k);
            return publish_feed();
        } catch (const Stop& stop) {
            return stop.outcome;
        }
    }

  private:
    std::string media_name(std::size_t k) const {
        return "photo " + std::to_string(k + 1) + " of " + std::to_string(m_request.media.size());
    }

    // url= when the source is a URL (Facebook fetches it), else a multipart upload.
    json post_photo(std::size_t k, Params fields, std::string_view what, Call call) {
        const FetchedMedia& media = m_request.media[k];
        if (media::is_url(media.source)) {
            fields.emplace_back("url", media.source);
            return m_graph.call("POST", m_page + "/photos", fields, what, call);
        }
        std::vector<net::MultipartPart> parts;
        for (auto& [name, value] : fields)
            parts.push_back({name, value, "", ""});
        parts.push_back({"source", media.bytes, "photo", media.content_type});
        return m_graph.upload(m_page + "/photos", parts, what, call);
    }

    void upload_unpublished(std::size_t k) {
        Params fields = {{"published", "false"}};
        if (!m_request.media[k].alt.empty())
            fields.emplace_back("alt_text_custom", m_request.media[k].alt);
        const json body = post_photo(k, fields, media_name(k), Call::create);
        const std::string id = string_field(body, "id");
        if (id.empty()) {
            throw Stop{Outcome::failure(Kind::transient, "facebook answered the upload of " +
                                                             media_name(k) + " without an id")};
        }
        m_state.photos.push_back(id);
        m_save(m_state.dump());  // before the next request: a retry reuses it
    }

    void mark_sent() {
        m_state.sent_at = format_instant(m_graph.clock.now());
        m_save(m_state.dump());
    }

    Outcome publish_single_photo() {
        Params fields = {{"published", "true"}};
        if (!m_text.empty())
            fields.emplace_back("caption", m_text);
        if (!m_request.media[0].alt.empty())
            fields.emplace_back("alt_text_custom", m_request.media[0].alt);
        mark_sent();
        const json body = post_photo(0, fields, "the photo post", Call::publish);
        std::string id = string_field(body, "post_id");
        if (id.empty())
            id = string_field(body, "id");
        return finish(id);
    }

    Outcome publish_feed() {
        Params fields;
        if (!m_text.empty())
            fields.emplace_back("message", m_text);
        if (const std::string link = link_option(m_request.options); !link.empty())
            fields.emplace_back("link", link);
        for (std::size_t k = 0; k < m_state.photos.size(); ++k) {
            fields.emplace_back("attached_media[" + std::to_string(k) + "]",
                                json{{"media_fbid", m_state.photos[k]}}.dump());
        }
        mark_sent();
        const json body = m_graph.call("POST", m_page + "/feed", fields, "the post", Call::publish);
        return finish(string_field(body, "id"));
    }

    // Saves the id before asking for the permalink, so a failure there never reposts.
    Outcome finish(const std::string& id) {
        if (id.empty()) {
            return Outcome::failure(Kind::unknown, "facebook answered the post for account " +
                                                       in_quotes(m_request.account.name) +
                                                       " without an id; check the Page");
        }
        m_state.post_id = id;
        m_state.sent_at.clear();
        m_save(m_state.dump());
        try {
            const json body =
                m_graph.call("GET", "/" + net::url_encode(id), {{"fields", "permalink_url"}},
                             "the permalink", Call::read);
            m_state.post_url = string_field(body, "permalink_url");
            m_save(m_state.dump());
        } catch (const Stop&) {
            // Posted all the same; the URL stays empty rather than made up.
        }
        return Outcome::posted(m_state.post_id, m_state.post_url);
    }

    // The Page's recent posts since the lost request: the one with our text.
    std::optional<Outcome> look_up() {
        const auto since = parse_utc_instant(m_state.sent_at);
        const json body = m_graph.call("GET", m_page + "/feed",
                                       {{"fields", "id,message,created_time,permalink_url"},
                                        {"limit", std::to_string(k_lookup_limit)}},
                                       "the lookup of recent posts", Call::read);
        std::vector<json> matches;
        if (body.contains("data") && body["data"].is_array()) {
            for (const auto& post : body["data"]) {
                const auto created = parse_graph_time(string_field(post, "created_time"));
                if (since && (!created || *created < *since - k_lookup_slack))
                    continue;
                if (trimmed(string_field(post, "message")) == trimmed(m_text))
                    matches.push_back(post);
            }
        }
        if (matches.size() == 1) {
            m_state.post_id = string_field(matches[0], "id");
            m_state.post_url = string_field(matches[0], "permalink_url");
            m_state.sent_at.clear();
            m_save(m_state.dump());
            return Outcome::posted(m_state.post_id, m_state.post_url);
        }
        if (matches.size() > 1) {
            return Outcome::failure(Kind::unknown,
                                    std::to_string(matches.size()) +
                                        " recent posts of facebook account " +
                                        in_quotes(m_request.account.name) +
                                        " match this post; check the Page and resolve by hand");
        }
        return std::nullopt;
    }

    Graph m_graph;
    const PublishRequest& m_request;
    const SaveState& m_save;
    FacebookState m_state;
    std::string m_page;
    std::string m_text;
};

class FacebookAdapter final : public Adapter {
  public:
    explicit FacebookAdapter(const AdapterContext& context)
        : m_http(context.http), m_clock(context.clock), m_platform(context.platform) {}

    AccountProfile verify_account(const Account& account, const std::string& token) override {
        const Graph g = graph(account, token);
        const std::string node =
            account.platform_account_id.empty() ? "me" : account.platform_account_id;
        return read_profile(g, node, "id,name,username", "username");
    }

    ContentVerdict check_text(const Account& account, std::string_view text,
                              std::string_view) const override {
        return check_facebook_text(account, text);
    }

    MediaRules media_rules(const Account&) const override {
        MediaRules rules;
        rules.max_items = 10;
        rules.max_bytes = 4 * 1024 * 1024;
        rules.types = {"image/jpeg", "image/png", "image/gif"};
        if (m_platform.media_max_bytes != 0)
            rules.max_bytes = std::min(rules.max_bytes, m_platform.media_max_bytes);
        return rules;
    }

    bool supports_threads() const override { return false; }

    Outcome publish(const PublishRequest& request, const SaveState& save) override {
        if (request.account.platform_account_id.empty()) {
            return Outcome::failure(Kind::permanent, "facebook account " +
                                                         in_quotes(request.account.name) +
                                                         " has no Page id (--platform-account-id)");
        }
        FacebookPublication publication(graph(request.account, request.access_token), request,
                                        save);
        return publication.run();
    }

    // The state says whether a publish request went out: the flow looks the
    // post up first in that case, and otherwise nothing was sent.
    Outcome settle(const PublishRequest& request, const SaveState& save, Instant) override {
        return publish(request, save);
    }

  private:
    Graph graph(const Account& account, std::string token) const {
        return make_graph(m_http, m_clock, m_platform, "facebook", k_default_base,
                          k_default_version, account, std::move(token));
    }

    net::HttpClient& m_http;
    const Clock& m_clock;
    const config::PlatformConfig& m_platform;
};

}  // namespace

std::unique_ptr<Adapter> make_facebook_adapter(const AdapterContext& context) {
    return std::make_unique<FacebookAdapter>(context);
}

}  // namespace postsched::adapters
