// The webhook adapter (Discord, Slack, generic JSON) against the fake
// receivers of tests/fakes/fake_webhooks, through the real libcurl client.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "adapters/webhook/webhook_adapter.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "fakes/fake_webhooks.hpp"
#include "net/curl_http_client.hpp"

namespace {

using namespace postsched;
using namespace std::chrono_literals;
using adapters::Outcome;
using adapters::WebhookFlavor;
using fakes::FakeWebhooks;
using fakes::HookFault;
using fakes::HookKind;
using Kind = Outcome::Kind;

// 2027-01-15T08:00:00Z
const Instant k_now{std::chrono::sys_days{std::chrono::year{2027} / 1 / 15} + 8h};

// Fails the test when `text` holds any part of a fake's secret URLs.
void check_no_secret(const std::string& text) {
    for (const auto secret : {FakeWebhooks::k_discord_token, FakeWebhooks::k_slack_secret,
                              FakeWebhooks::k_json_secret}) {
        BOOST_TEST(text.find(secret) == std::string::npos, "secret in: " << text);
    }
    for (const auto* path : {"/api/webhooks/", "/services/", "/hooks/"}) {
        BOOST_TEST(text.find(path) == std::string::npos, "URL path in: " << text);
    }
}

struct Fixture {
    FakeWebhooks fake;
    std::unique_ptr<net::HttpClient> http = net::make_curl_http_client(2s);
    FixedClock clock{k_now};
    config::PlatformConfig platform;
    Account account;
    std::vector<std::string> saves;
    adapters::SaveState save = [this](const std::string& state) { saves.push_back(state); };

    Fixture() {
        platform.timeout = 5s;
        account.id = "acc-1";
        account.name = "team-chat";
    }
    std::unique_ptr<adapters::Adapter> adapter(WebhookFlavor flavor) {
        return adapters::make_webhook_adapter({*http, clock, platform}, flavor);
    }
    adapters::PublishRequest request(std::string url, std::vector<std::string> parts) {
        return adapters::PublishRequest{
            account, std::move(url), "post-1", "target-1", std::move(parts), {}, "{}", "{}", false};
    }
    std::vector<std::string> texts(HookKind kind) const {
        std::vector<std::string> out;
        for (const auto& hook : fake.received(kind))
            out.push_back(hook.text);
        return out;
    }
    Outcome publish(WebhookFlavor flavor, const std::string& url, const std::string& text) {
        return adapter(flavor)->publish(request(url, {text}), save);
    }
    // Publishes "hello" after queueing `fault`; checks no secret leaked.
    Outcome publish_with_fault(WebhookFlavor flavor, const std::string& url, HookFault fault) {
        fake.add_fault(std::move(fault));
        Outcome outcome = publish(flavor, url, "hello");
        check_no_secret(outcome.message);
        return outcome;
    }
};

HookFault fault(int status, std::string body, std::string content_type = "application/json") {
    HookFault f;
    f.status = status;
    f.body = std::move(body);
    f.content_type = std::move(content_type);
    return f;
}

// Throws with the URL in every message, as a careless client might.
class LeakyClient final : public net::HttpClient {
  public:
    explicit LeakyClient(bool as_transport, bool maybe = false)
        : m_transport(as_transport), m_maybe(maybe) {}
    net::HttpResponse send(const net::HttpRequest& request) override {
        BOOST_TEST(request.secret_url);
        if (m_transport)
            throw net::TransportError("POST " + request.url + " failed", m_maybe);
        throw Error(Exit::data, "refusing " + request.url);
    }

  private:
    bool m_transport;
    bool m_maybe;
};

std::string rewrite_host(const std::string& url, const std::string& base, const std::string& host) {
    return host + url.substr(base.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(webhook_adapter_test)

BOOST_FIXTURE_TEST_CASE(discord_posts_json_and_returns_message_id, Fixture) {
    const Outcome o = publish(WebhookFlavor::discord, fake.discord_url(), "héllo 😀");
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    const auto got = fake.received(HookKind::discord);
    BOOST_TEST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].text == "héllo 😀");
    BOOST_TEST(got[0].username == "");
    BOOST_TEST(got[0].files == 0u);
    BOOST_TEST(o.platform_post_id == got[0].id);
    BOOST_TEST(o.url == "");
}

BOOST_FIXTURE_TEST_CASE(discord_username_comes_from_options, Fixture) {
    auto r = request(fake.discord_url(), {"hi"});
    r.options = R"({"discord": {"username": "Release Bot"}})";
    BOOST_TEST(adapters::to_string(adapter(WebhookFlavor::discord)->publish(r, save).kind) ==
               "posted");
    r.options = R"({"discord.username": "Flat Bot"})";
    adapter(WebhookFlavor::discord)->publish(r, save);
    const auto got = fake.received(HookKind::discord);
    BOOST_TEST_REQUIRE(got.size() == 2u);
    BOOST_TEST(got[0].username == "Release Bot");
    BOOST_TEST(got[1].username == "Flat Bot");
}

BOOST_FIXTURE_TEST_CASE(discord_uploads_images_as_multipart, Fixture) {
    auto r = request(fake.discord_url(), {"look", "and a second part"});
    r.media = {{"/srv/pics/cat.png", "a cat", "image/png", std::string("\x89PNG\r\n\x1a\n", 8)},
               {"https://cdn.example/x?sig=1", "", "image/jpeg", "\xff\xd8\xff\xe0 jpeg"}};
    const Outcome o = adapter(WebhookFlavor::discord)->publish(r, save);
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    const auto got = fake.received(HookKind::discord);
    BOOST_TEST_REQUIRE(got.size() == 2u);
    BOOST_TEST(got[0].text == "look");
    BOOST_TEST(got[0].files == 2u);
    BOOST_TEST((got[0].file_types == std::vector<std::string>{"image/png", "image/jpeg"}));
    BOOST_TEST((got[0].descriptions == std::vector<std::string>{"a cat", ""}));
    BOOST_TEST(got[1].files == 0u);  // media ride on the first message only
}

BOOST_FIXTURE_TEST_CASE(discord_sends_a_thread_in_order_saving_progress, Fixture) {
    const Outcome o = adapter(WebhookFlavor::discord)
                          ->publish(request(fake.discord_url(), {"one", "two", "three"}), save);
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    BOOST_TEST((texts(HookKind::discord) == std::vector<std::string>{"one", "two", "three"}));
    const auto got = fake.received(HookKind::discord);
    BOOST_TEST(o.platform_post_id == got[0].id);
    BOOST_TEST_REQUIRE(!saves.empty());
    const auto last = nlohmann::json::parse(saves.back());
    BOOST_TEST(last["parts"].size() == 3u);
    BOOST_TEST(last["parts"][2].get<std::string>() == got[2].id);
    BOOST_TEST(!last.contains("sending"));
}

BOOST_FIXTURE_TEST_CASE(discord_thread_resumes_at_first_unsent_part, Fixture) {
    HookFault f = fault(500, R"({"message": "Internal Server Error", "code": 0})");
    f.skip = 1;
    fake.add_fault(f);
    auto r = request(fake.discord_url(), {"one", "two", "three"});
    const Outcome failed = adapter(WebhookFlavor::discord)->publish(r, save);
    BOOST_TEST(adapters::to_string(failed.kind) == "transient");
    BOOST_TEST(failed.message == "part 2 of 3: discord answered HTTP 500: Internal Server Error");
    BOOST_TEST((texts(HookKind::discord) == std::vector<std::string>{"one"}));

    r.adapter_state = saves.back();
    r.resuming = true;
    const Outcome o = adapter(WebhookFlavor::discord)->publish(r, save);
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    BOOST_TEST((texts(HookKind::discord) == std::vector<std::string>{"one", "two", "three"}));
    BOOST_TEST(o.platform_post_id == fake.received(HookKind::discord)[0].id);
}

BOOST_FIXTURE_TEST_CASE(discord_rate_limits_use_retry_after, Fixture) {
    const auto url = fake.discord_url();
    Outcome o = publish_with_fault(
        WebhookFlavor::discord, url,
        fault(
            429,
            R"({"message": "You are being rate limited.", "retry_after": 1.5, "global": false})"));
    BOOST_TEST(adapters::to_string(o.kind) == "rate_limited");
    BOOST_TEST((o.retry_at == k_now + 1500ms));
    HookFault header = fault(429, "slow down", "text/plain");
    header.headers = {{"Retry-After", "7"}};
    o = publish_with_fault(WebhookFlavor::discord, url, header);
    BOOST_TEST(adapters::to_string(o.kind) == "rate_limited");
    BOOST_TEST((o.retry_at == k_now + 7s));
    BOOST_TEST(fake.received(HookKind::discord).empty());
}

BOOST_FIXTURE_TEST_CASE(discord_error_answers_are_classified, Fixture) {
    const auto wrong_id = fake.discord_url("999", FakeWebhooks::k_discord_token);
    Outcome o = publish(WebhookFlavor::discord, wrong_id, "hello");
    BOOST_TEST(adapters::to_string(o.kind) == "permanent");
    BOOST_TEST(o.message ==
               "discord webhook of account \"team-chat\" was deleted or the URL is wrong "
               "(Unknown Webhook)");
    const auto wrong_token = fake.discord_url(FakeWebhooks::k_discord_id, "not-the-token");
    o = publish(WebhookFlavor::discord, wrong_token, "hello");
    BOOST_TEST(o.message ==
               "discord webhook of account \"team-chat\" was refused: Invalid Webhook Token");
    const auto url = fake.discord_url();
    o = publish_with_fault(WebhookFlavor::discord, url,
                           fault(403, R"({"message": "Missing Access", "code": 50001})"));
    BOOST_TEST(adapters::to_string(o.kind) == "permanent");
    BOOST_TEST(o.message == "discord webhook of account \"team-chat\" was refused: Missing Access");
    o = publish(WebhookFlavor::discord, url, std::string(2001, 'x'));
    BOOST_TEST(adapters::to_string(o.kind) == "permanent");
    BOOST_TEST(o.message ==
               "discord refused the message: content: Must be 2000 or fewer in length.");
    o = publish_with_fault(
        WebhookFlavor::discord, url,
        fault(400, R"({"message": "Cannot send an empty message", "code": 50006})"));
    BOOST_TEST(o.message == "discord refused the message: Cannot send an empty message");
    o = publish_with_fault(WebhookFlavor::discord, url, fault(503, "upstream down", "text/plain"));
    BOOST_TEST(adapters::to_string(o.kind) == "transient");
    BOOST_TEST(o.message == "discord answered HTTP 503: upstream down");
    BOOST_TEST(fake.received(HookKind::discord).empty());
}

BOOST_FIXTURE_TEST_CASE(discord_lost_answer_is_unknown, Fixture) {
    HookFault drop;
    drop.deliver = true;
    drop.drop_connection = true;
    const Outcome o = publish_with_fault(WebhookFlavor::discord, fake.discord_url(), drop);
    BOOST_TEST(adapters::to_string(o.kind) == "unknown");
    BOOST_TEST(o.message.find("the message may have been delivered") != std::string::npos);
    BOOST_TEST(fake.received(HookKind::discord).size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(unreachable_webhook_is_transient, Fixture) {
    platform.api_base = "http://127.0.0.1:1";  // nothing listens on port 1
    for (const auto flavor : {WebhookFlavor::discord, WebhookFlavor::slack, WebhookFlavor::json}) {
        const Outcome o = publish(flavor, fake.discord_url(), "hello");
        BOOST_TEST(adapters::to_string(o.kind) == "transient");
        BOOST_TEST(o.message.find("could not reach the ") == 0u, o.message);
        check_no_secret(o.message);
    }
}

BOOST_FIXTURE_TEST_CASE(discord_settle_never_resends_a_recorded_part, Fixture) {
    auto r = request(fake.discord_url(), {"one", "two", "three"});
    auto a = adapter(WebhookFlavor::discord);
    Outcome o = a->settle(r, save, k_now);
    BOOST_TEST(adapters::to_string(o.kind) == "unknown");
    BOOST_TEST(o.message ==
               "discord cannot tell whether the message was delivered; check the channel, then "
               "resolve the target by hand");
    r.adapter_state = R"({"parts": ["111"], "sending": 1})";
    o = a->settle(r, save, k_now);
    BOOST_TEST(adapters::to_string(o.kind) == "unknown");
    BOOST_TEST(o.message.find("discord cannot tell whether part 2 of 3 was delivered (parts 1 to 1 "
                              "were)") == 0u);
    r.adapter_state = R"({"parts": ["111", "222", "333"]})";
    o = a->settle(r, save, k_now);
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    BOOST_TEST(o.platform_post_id == "111");
    BOOST_TEST(fake.request_count(HookKind::discord) == 0u);

    // Interrupted between parts: nothing was in flight, so the rest goes out.
    r.adapter_state = R"({"parts": ["111"]})";
    o = a->settle(r, save, k_now);
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    BOOST_TEST(o.platform_post_id == "111");
    BOOST_TEST((texts(HookKind::discord) == std::vector<std::string>{"two", "three"}));
}

BOOST_FIXTURE_TEST_CASE(slack_posts_text_and_threads_in_order, Fixture) {
    Outcome o = publish(WebhookFlavor::slack, fake.slack_url(), "héllo");
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    BOOST_TEST(o.platform_post_id == "target-1");
    BOOST_TEST(o.url == "");
    o = adapter(WebhookFlavor::slack)
            ->publish(request(fake.slack_url(), {"one", "two", "three"}), save);
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    BOOST_TEST(
        (texts(HookKind::slack) == std::vector<std::string>{"héllo", "one", "two", "three"}));
    BOOST_TEST(nlohmann::json::parse(saves.back())["parts"].size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(slack_error_answers_are_classified, Fixture) {
    const auto url = fake.slack_url();
    const auto wrong = url.substr(0, url.size() - 3) + "xyz";
    Outcome o = publish(WebhookFlavor::slack, wrong, "hello");
    BOOST_TEST(adapters::to_string(o.kind) == "permanent");
    BOOST_TEST(
        o.message ==
        "slack webhook of account \"team-chat\" was removed or the URL is wrong: no_service");
    check_no_secret(o.message);
    o = publish(WebhookFlavor::slack, url, "");  // the fake answers no_text
    BOOST_TEST(o.message == "slack refused the message: no_text");
    o = publish_with_fault(WebhookFlavor::slack, url, fault(400, "invalid_payload", "text/plain"));
    BOOST_TEST(o.message == "slack refused the message: invalid_payload");
    o = publish_with_fault(WebhookFlavor::slack, url, fault(403, "invalid_token", "text/plain"));
    BOOST_TEST(o.message == "slack webhook of account \"team-chat\" was refused: invalid_token");
    o = publish_with_fault(WebhookFlavor::slack, url,
                           fault(403, "action_prohibited", "text/plain"));
    BOOST_TEST(adapters::to_string(o.kind) == "permanent");
    o = publish_with_fault(WebhookFlavor::slack, url,
                           fault(404, "channel_not_found", "text/plain"));
    BOOST_TEST(adapters::to_string(o.kind) == "permanent");
    o = publish_with_fault(WebhookFlavor::slack, url,
                           fault(410, "channel_is_archived", "text/plain"));
    BOOST_TEST(o.message ==
               "slack channel of account \"team-chat\" is archived: channel_is_archived");
    HookFault limited = fault(429, "rate_limited", "text/plain");
    limited.headers = {{"Retry-After", "30"}};
    o = publish_with_fault(WebhookFlavor::slack, url, limited);
    BOOST_TEST(adapters::to_string(o.kind) == "rate_limited");
    BOOST_TEST((o.retry_at == k_now + 30s));
    o = publish_with_fault(WebhookFlavor::slack, url, fault(500, "", "text/plain"));
    BOOST_TEST(adapters::to_string(o.kind) == "transient");
    BOOST_TEST(o.message == "slack answered HTTP 500: ");
    BOOST_TEST(fake.received(HookKind::slack).empty());
}

BOOST_FIXTURE_TEST_CASE(slack_takes_no_media_and_a_lost_answer_is_unknown, Fixture) {
    auto a = adapter(WebhookFlavor::slack);
    BOOST_TEST(!a->media_rules(account).supported);
    auto r = request(fake.slack_url(), {"look"});
    r.media = {{"https://cdn.example/cat.png", "", "image/png", "png"}};
    const Outcome refused = a->publish(r, save);
    BOOST_TEST(refused.message == "slack webhooks take no media");
    BOOST_TEST(fake.request_count(HookKind::slack) == 0u);
    HookFault drop;
    drop.drop_connection = true;
    const Outcome o = publish_with_fault(WebhookFlavor::slack, fake.slack_url(), drop);
    BOOST_TEST(adapters::to_string(o.kind) == "unknown");
    BOOST_TEST(adapters::to_string(a->settle(request(fake.slack_url(), {"x"}), save, k_now).kind) ==
               "unknown");
}

BOOST_FIXTURE_TEST_CASE(json_posts_everything_in_one_request, Fixture) {
    auto r = request(fake.json_url(), {"first", "second"});
    r.media = {{"https://cdn.example/a.png", "alt a", "image/png", ""},
               {"/srv/b.jpg", "alt b", "", ""}};
    const Outcome o = adapter(WebhookFlavor::json)->publish(r, save);
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    const auto got = fake.received(HookKind::json);
    BOOST_TEST_REQUIRE(got.size() == 1u);
    BOOST_TEST(o.platform_post_id == got[0].id);
    BOOST_TEST(o.url == fake.base_url() + "/posts/" + got[0].id);
    BOOST_TEST(got[0].idempotency_key == "target-1");
    const auto body = nlohmann::json::parse(got[0].body);
    BOOST_TEST(body["post_id"] == "post-1");
    BOOST_TEST(body["target_id"] == "target-1");
    BOOST_TEST(body["text"] == "first");
    BOOST_TEST((body["parts"] == nlohmann::json::array({"first", "second"})));
    BOOST_TEST(body["media"][0]["url"] == "https://cdn.example/a.png");
    BOOST_TEST(body["media"][0]["content_type"] == "image/png");
    BOOST_TEST(body["media"][1]["path"] == "/srv/b.jpg");
    BOOST_TEST(body["media"][1]["alt"] == "alt b");
    BOOST_TEST(saves.empty());
}

BOOST_FIXTURE_TEST_CASE(json_without_answer_body_uses_the_target_id, Fixture) {
    const Outcome o = publish_with_fault(WebhookFlavor::json, fake.json_url(), fault(204, ""));
    BOOST_TEST(adapters::to_string(o.kind) == "posted");
    BOOST_TEST(o.platform_post_id == "target-1");
    BOOST_TEST(o.url == "");
}

BOOST_FIXTURE_TEST_CASE(json_error_answers_are_classified, Fixture) {
    const auto url = fake.json_url();
    HookFault dated = fault(429, "");
    dated.headers = {{"Retry-After", "Fri, 15 Jan 2027 08:02:00 GMT"}};
    Outcome o = publish_with_fault(WebhookFlavor::json, url, dated);
    BOOST_TEST(adapters::to_string(o.kind) == "rate_limited");
    BOOST_TEST((o.retry_at == k_now + 2min));
    HookFault seconds = fault(429, "");
    seconds.headers = {{"Retry-After", "120"}};
    o = publish_with_fault(WebhookFlavor::json, url, seconds);
    BOOST_TEST((o.retry_at == k_now + 120s));
    o = publish_with_fault(WebhookFlavor::json, url, fault(429, ""));
    BOOST_TEST((o.retry_at == k_now + 60s));  // no Retry-After: a minute
    o = publish_with_fault(WebhookFlavor::json, url, fault(408, "timeout"));
    BOOST_TEST(adapters::to_string(o.kind) == "transient");
    BOOST_TEST(o.message == "webhook answered HTTP 408: timeout");
    o = publish_with_fault(WebhookFlavor::json, url, fault(502, "bad gateway"));
    BOOST_TEST(adapters::to_string(o.kind) == "transient");
    const std::string long_body = std::string(150, 'a') + std::string(150, 'b');
    o = publish_with_fault(WebhookFlavor::json, url, fault(422, long_body));
    BOOST_TEST(adapters::to_string(o.kind) == "permanent");
    BOOST_TEST(o.message == "webhook refused the post (HTTP 422): " + long_body.substr(0, 200));
    BOOST_TEST(fake.received(HookKind::json).empty());
}

BOOST_FIXTURE_TEST_CASE(json_retries_with_the_same_idempotency_key, Fixture) {
    HookFault drop;
    drop.deliver = true;
    drop.drop_connection = true;
    const Outcome lost = publish_with_fault(WebhookFlavor::json, fake.json_url(), drop);
    BOOST_TEST(adapters::to_string(lost.kind) == "transient");
    BOOST_TEST(lost.message.find("retrying with the same Idempotency-Key") != std::string::npos);
    auto r = request(fake.json_url(), {"hello"});
    r.resuming = true;
    const Outcome settled = adapter(WebhookFlavor::json)->settle(r, save, k_now);
    BOOST_TEST(adapters::to_string(settled.kind) == "posted");
    const auto got = fake.received(HookKind::json);
    BOOST_TEST_REQUIRE(got.size() == 1u);  // the same delivery, not a second post
    BOOST_TEST(settled.platform_post_id == got[0].id);
    BOOST_TEST(fake.request_count(HookKind::json) == 2u);
}

BOOST_FIXTURE_TEST_CASE(api_base_replaces_scheme_host_and_port, Fixture) {
    platform.api_base = fake.base_url() + "/";
    const std::string base = fake.base_url();
    const auto discord = rewrite_host(fake.discord_url(), base, "https://discord.com");
    const auto slack = rewrite_host(fake.slack_url(), base, "https://hooks.slack.com");
    const auto json = rewrite_host(fake.json_url(), base, "https://receiver.example:8443");
    BOOST_TEST(adapters::to_string(publish(WebhookFlavor::discord, discord, "d").kind) == "posted");
    BOOST_TEST(adapters::to_string(publish(WebhookFlavor::slack, slack, "s").kind) == "posted");
    BOOST_TEST(adapters::to_string(publish(WebhookFlavor::json, json, "j").kind) == "posted");
    BOOST_TEST((texts(HookKind::discord) == std::vector<std::string>{"d"}));
    BOOST_TEST((texts(HookKind::slack) == std::vector<std::string>{"s"}));
    BOOST_TEST((texts(HookKind::json) == std::vector<std::string>{"j"}));
}

BOOST_FIXTURE_TEST_CASE(client_messages_are_scrubbed_of_the_url, Fixture) {
    const std::string url = fake.discord_url();
    for (const auto& [transport, maybe, kind] :
         {std::tuple{true, false, "transient"}, std::tuple{true, true, "unknown"},
          std::tuple{false, false, "permanent"}}) {
        LeakyClient leaky(transport, maybe);
        auto a = adapters::make_webhook_adapter({leaky, clock, platform}, WebhookFlavor::discord);
        const Outcome o = a->publish(request(url, {"hello"}), save);
        BOOST_TEST(adapters::to_string(o.kind) == kind);
        check_no_secret(o.message);
        BOOST_TEST(o.message.find("***") != std::string::npos, o.message);
    }
}

BOOST_FIXTURE_TEST_CASE(verify_account_checks_the_url_shape_only, Fixture) {
    auto discord = adapter(WebhookFlavor::discord);
    auto profile = discord->verify_account(account, fake.discord_url());
    BOOST_TEST(profile.platform_account_id == std::string(FakeWebhooks::k_discord_id));
    BOOST_TEST(profile.username == "");
    profile = discord->verify_account(account, "https://discord.com/api/v10/webhooks/42/tok");
    BOOST_TEST(profile.platform_account_id == "42");
    const auto expect_refused = [&](adapters::Adapter& a, const std::string& url,
                                    const std::string& message) {
        try {
            a.verify_account(account, url);
            BOOST_ERROR("accepted " << url);
        } catch (const Error& e) {
            BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(Exit::data));
            BOOST_TEST(e.what() == message);
            BOOST_TEST(std::string(e.what()).find("s3cr3t") == std::string::npos);
        }
    };
    expect_refused(*discord, "http://discord.example/api/webhooks/1/s3cr3t",
                   "account \"team-chat\": the discord webhook URL must use https (plain http "
                   "only to a loopback address)");
    expect_refused(*discord, "https://discord.com/api/hooks/1/s3cr3t",
                   "account \"team-chat\": not a discord webhook URL (expected "
                   "https://discord.com/api/webhooks/<id>/<token>)");
    expect_refused(*discord, "s3cr3t",
                   "account \"team-chat\": the discord webhook URL must use "
                   "https (plain http only to a loopback address)");
    auto slack = adapter(WebhookFlavor::slack);
    BOOST_TEST(slack->verify_account(account, fake.slack_url()).platform_account_id == "");
    expect_refused(*slack, "https://hooks.slack.com/other/s3cr3t",
                   "account \"team-chat\": not a slack webhook URL (expected "
                   "https://hooks.slack.com/services/...)");
    auto json = adapter(WebhookFlavor::json);
    BOOST_TEST(
        json->verify_account(account, "https://example.com/any/s3cr3t").platform_account_id == "");
    BOOST_TEST(json->verify_account(account, fake.json_url()).platform_account_id == "");
    expect_refused(*json, "ftp://example.com/s3cr3t",
                   "account \"team-chat\": the webhook URL must use https (plain http "
                   "only to a loopback address)");
    BOOST_TEST(fake.request_count(HookKind::discord) + fake.request_count(HookKind::slack) +
                   fake.request_count(HookKind::json) ==
               0u);
}

BOOST_FIXTURE_TEST_CASE(check_text_counts_code_points, Fixture) {
    auto discord = adapter(WebhookFlavor::discord);
    std::string text;
    for (int i = 0; i < 2000; ++i)
        text += "😀";
    auto verdict = discord->check_text(account, text, "{}");
    BOOST_TEST(verdict.ok);
    BOOST_TEST(verdict.count == 2000u);
    verdict = discord->check_text(account, text + "é", "{}");
    BOOST_TEST(!verdict.ok);
    BOOST_TEST(verdict.message == "text is 2001 characters; discord allows 2000");
    BOOST_TEST(!discord->check_text(account, "  ", "{}").ok);
    auto slack = adapter(WebhookFlavor::slack);
    BOOST_TEST(slack->check_text(account, std::string(40000, 'a'), "{}").ok);
    BOOST_TEST(!slack->check_text(account, std::string(40001, 'a'), "{}").ok);
    auto json = adapter(WebhookFlavor::json);
    BOOST_TEST(json->check_text(account, std::string(100000, 'a'), "{}").ok);
    BOOST_TEST(json->media_rules(account).urls_only);
    const auto rules = discord->media_rules(account);
    BOOST_TEST(rules.max_items == 10u);
    BOOST_TEST(rules.max_bytes == 8u * 1024 * 1024);
}

BOOST_AUTO_TEST_SUITE_END()
