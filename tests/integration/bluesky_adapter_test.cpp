// The Bluesky adapter against the fake PDS on 127.0.0.1: records under saved
// keys (putRecord, swapRecord null), threads, images, link cards, facets,
// every error class, the getRecord check after a conflict, a 500 or a lost
// answer, resume after a crash — and the real binary: account add with an
// app password, post add's limits, and a run publishing a thread with images.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "adapters/bluesky/bluesky_adapter.hpp"
#include "config/config.hpp"
#include "core/time_format.hpp"
#include "fakes/fake_bluesky.hpp"
#include "fakes/fake_files.hpp"
#include "support/adapter_fixture.hpp"
#include "support/sandbox.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using postsched::Instant;
using postsched::adapters::FetchedMedia;
using postsched::adapters::Outcome;
using postsched::adapters::PublishRequest;
using postsched::fakes::FakeBluesky;
using postsched::fakes::FakeFault;
using postsched::testing::is_error;
using postsched::testing::Sandbox;
using Kind = Outcome::Kind;

const char* const k_did = "did:plc:alice7x2";
const char* const k_handle = "alice.test";
const char* const k_app_password = "abcd-efgh-ijkl-mnop";
const Instant k_start = *postsched::parse_utc_instant("2026-11-28T12:00:00Z");
// A UUIDv7 made at 2026-11-28T11:59:00Z.
const char* const k_post_id = "01a22205-dfa0-7abc-8def-0123456789ab";

struct Fixture : postsched::testing::AdapterFixture {
    FakeBluesky fake;
    std::string token;

    ~Fixture() { disconnect(); }  // before the fake stops: see AdapterFixture
    Fixture() : AdapterFixture(k_start, "bluesky", 3000ms) {
        fake.set_clock([this] { return clock.now(); });
        fake.add_account(k_handle, k_did, k_app_password);
        platform.api_base = fake.base_url();
        post_id = k_post_id;
        account.name = "alice";
        account.platform_account_id = k_did;
        account.username = k_handle;
        token = fake.issue_token(k_did);
        adapter = postsched::adapters::make_bluesky_adapter(context);
    }

    PublishRequest request(std::vector<std::string> parts, std::vector<FetchedMedia> media = {},
                           std::string state = "{}", std::string options = "{}") {
        return request_with(token, std::move(parts), std::move(media), std::move(options),
                            std::move(state));
    }
    json record(std::size_t i) const { return json::parse(fake.records().at(i).value); }
};

FetchedMedia png(std::string alt) {
    return {"/pics/square.png", std::move(alt), "image/png", postsched::fakes::tiny_png()};
}

// A JPEG header with a 1280×760 frame.
FetchedMedia jpeg(std::string alt) {
    return {"/pics/wide.jpg", std::move(alt), "image/jpeg",
            std::string("\xFF\xD8\xFF\xE0\x00\x04xx\xFF\xC0\x00\x11\x08\x02\xF8\x05\x00\x03", 18) +
                std::string(200, '\x11')};
}

FakeFault answer(int status, std::string body, bool create = false) {
    FakeFault f;
    f.status = status;
    f.body = std::move(body);
    f.create = create;
    return f;
}

// The microseconds of a TID (13 base32-sortable characters: 53 bits of
// microseconds, then 10 of clock id).
std::uint64_t tid_micros(const std::string& tid) {
    const std::string alphabet = "234567abcdefghijklmnopqrstuvwxyz";
    std::uint64_t v = 0;
    for (char c : tid)
        v = v << 5 | alphabet.find(c);
    return v >> 10;
}

FakeFault pass_through() {
    FakeFault f;
    f.action = FakeFault::Action::none;
    return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bluesky_adapter_test)

BOOST_FIXTURE_TEST_CASE(a_post_is_written_under_a_saved_tid_with_swap_record_null, Fixture) {
    const Outcome outcome = publish(request({"hello sky"}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto records = fake.records();
    BOOST_TEST_REQUIRE(records.size() == 1u);
    BOOST_TEST(records[0].swap_record_null);
    BOOST_TEST(record(0)["text"] == "hello sky");
    BOOST_TEST(record(0)["createdAt"] == "2026-11-28T12:00:00.000Z");
    BOOST_TEST(outcome.platform_post_id == records[0].uri);
    BOOST_TEST(outcome.url == "https://bsky.app/profile/alice.test/post/" + records[0].rkey);
    // The key and record were saved before the request, the uri after it.
    BOOST_TEST_REQUIRE(saved.size() == 2u);
    BOOST_TEST(saved[0].find(records[0].rkey) != std::string::npos);
    BOOST_TEST(saved[0].find("\"uri\"") == std::string::npos);
    BOOST_TEST(saved[1].find(records[0].uri) != std::string::npos);
    // The key's time is the post's creation second (the UUIDv7), not the clock.
    BOOST_TEST(tid_micros(records[0].rkey) / 1000000 == 1795867140u);  // 2026-11-28T11:59:00Z
}

BOOST_FIXTURE_TEST_CASE(a_three_part_thread_is_a_reply_chain_with_root_and_parent, Fixture) {
    const Outcome outcome = publish(request({"one", "two", "three"}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto r = fake.records();
    BOOST_TEST_REQUIRE(r.size() == 3u);
    BOOST_TEST(!record(0).contains("reply"));
    BOOST_TEST(record(1)["reply"]["root"]["uri"] == r[0].uri);
    BOOST_TEST(record(1)["reply"]["parent"]["cid"] == r[0].cid);
    BOOST_TEST(record(2)["reply"]["root"]["cid"] == r[0].cid);
    BOOST_TEST(record(2)["reply"]["parent"]["uri"] == r[1].uri);
    BOOST_TEST(r[0].rkey < r[1].rkey);
    BOOST_TEST(r[1].rkey < r[2].rkey);
    BOOST_TEST(outcome.platform_post_id == r[0].uri);
    BOOST_TEST(saved.size() == 6u);  // before and after each part
}

BOOST_FIXTURE_TEST_CASE(two_images_carry_alt_text_blob_refs_and_aspect_ratios, Fixture) {
    const Outcome outcome =
        publish(request({"two pictures https://example.com"}, {png("a dot"), jpeg("a wide one")}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto blobs = fake.blobs();
    BOOST_TEST_REQUIRE(blobs.size() == 2u);
    BOOST_TEST(blobs[0].mime_type == "image/png");
    const json embed = record(0)["embed"];
    BOOST_TEST(embed["$type"] == "app.bsky.embed.images");  // images win over a link card
    BOOST_TEST_REQUIRE(embed["images"].size() == 2u);
    BOOST_TEST(embed["images"][0]["alt"] == "a dot");
    BOOST_TEST(embed["images"][0]["image"]["ref"]["$link"] == blobs[0].cid);
    BOOST_TEST(embed["images"][0]["aspectRatio"] == (json{{"width", 1}, {"height", 1}}));
    BOOST_TEST(embed["images"][1]["alt"] == "a wide one");
    BOOST_TEST(embed["images"][1]["aspectRatio"] == (json{{"width", 1280}, {"height", 760}}));
    // Each blob was saved as it returned, before the record was written.
    BOOST_TEST(saved.size() == 4u);
    BOOST_TEST(saved[1].find(blobs[1].cid) != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_link_without_images_gets_a_card_and_a_link_facet, Fixture) {
    BOOST_TEST(to_string(publish(request({"read https://example.com/a?b=1."})).kind) == "posted");
    const json r = record(0);
    BOOST_TEST(r["embed"]["$type"] == "app.bsky.embed.external");
    BOOST_TEST(r["embed"]["external"]["uri"] == "https://example.com/a?b=1");
    BOOST_TEST(r["embed"]["external"]["title"] == "https://example.com/a?b=1");
    BOOST_TEST(r["facets"][0]["index"] == (json{{"byteStart", 5}, {"byteEnd", 30}}));
}

BOOST_FIXTURE_TEST_CASE(facets_use_byte_offsets_and_unresolvable_mentions_stay_text, Fixture) {
    fake.add_handle("bob.example.com", "did:plc:bob");
    // "Grüße " is 8 bytes: the mention starts at byte 8, not character 6.
    const std::string text =
        "Gr\xC3\xBC\xC3\x9F"
        "e @bob.example.com @ghost.example.com #caf\xC3\xA9";
    BOOST_TEST(to_string(publish(request({text})).kind) == "posted");
    const json facets = record(0)["facets"];
    BOOST_TEST_REQUIRE(facets.size() == 2u);
    BOOST_TEST(facets[0]["index"] == (json{{"byteStart", 8}, {"byteEnd", 24}}));
    BOOST_TEST(facets[0]["features"][0] ==
               (json{{"$type", "app.bsky.richtext.facet#mention"}, {"did", "did:plc:bob"}}));
    BOOST_TEST(facets[1]["index"] == (json{{"byteStart", 44}, {"byteEnd", 50}}));
    BOOST_TEST(facets[1]["features"][0]["tag"] == "caf\xC3\xA9");
    BOOST_TEST(fake.requests(FakeBluesky::k_resolve_handle) == 2);
}

BOOST_FIXTURE_TEST_CASE(a_500_after_the_write_is_checked_with_get_record_and_posted_once, Fixture) {
    fake.inject(
        FakeBluesky::k_put_record,
        answer(500, R"({"error":"InternalServerError","message":"Internal Server Error"})", true));
    const Outcome outcome = publish(request({"exactly once"}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    BOOST_TEST(fake.records_created() == 1);
    BOOST_TEST(fake.requests(FakeBluesky::k_get_record) == 1);
    BOOST_TEST(outcome.platform_post_id == fake.records()[0].uri);
}

BOOST_FIXTURE_TEST_CASE(a_500_before_the_write_is_transient_and_the_retry_posts_once, Fixture) {
    fake.inject(FakeBluesky::k_put_record,
                answer(502, R"({"error":"UpstreamFailure","message":"Upstream Failure"})"));
    const Outcome first = publish(request({"later"}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(first.message ==
               "bluesky answered HTTP 502 to the post for account \"alice\": "
               "UpstreamFailure: Upstream Failure");
    BOOST_TEST(fake.records_created() == 0);
    const Outcome second = publish(request({"later"}, {}, saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.records_created() == 1);
    // The retry wrote the record saved before the first request, unchanged.
    const json first_saved = json::parse(saved.front())["parts"][0];
    BOOST_TEST(first_saved["record"] == record(0));
    BOOST_TEST(first_saved["rkey"] == fake.records()[0].rkey);
}

BOOST_FIXTURE_TEST_CASE(a_lost_answer_is_checked_with_get_record, Fixture) {
    FakeFault drop;
    drop.action = FakeFault::Action::drop;
    drop.create = true;
    fake.inject(FakeBluesky::k_put_record, drop);
    BOOST_TEST(to_string(publish(request({"dropped"})).kind) == "posted");
    BOOST_TEST(fake.records_created() == 1);
}

BOOST_FIXTURE_TEST_CASE(a_conflict_on_our_key_after_lost_state_is_posted_not_duplicated, Fixture) {
    FakeFault drop;
    drop.action = FakeFault::Action::drop;
    drop.create = true;
    fake.inject(FakeBluesky::k_get_record, answer(503, R"({"error":"Unavailable"})"));
    fake.inject(FakeBluesky::k_put_record, drop);
    BOOST_TEST(to_string(publish(request({"conflict"})).kind) == "transient");
    // The state was lost; a minute later the record is rebuilt with another
    // createdAt under the same derived key: the PDS answers InvalidSwap.
    clock.set(k_start + 1min);
    const Outcome outcome = publish(request({"conflict"}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    BOOST_TEST(fake.records_created() == 1);
    BOOST_TEST(fake.request_log().back() == FakeBluesky::k_get_record);
}

BOOST_FIXTURE_TEST_CASE(resume_after_a_crash_mid_thread_posts_no_part_twice, Fixture) {
    // Part 2's write reached the PDS, then the process died before its answer
    // was saved: the last saved state holds part 2's key without a uri.
    FakeFault crash;
    crash.action = FakeFault::Action::drop;
    crash.create = true;
    fake.inject(FakeBluesky::k_put_record, pass_through());
    fake.inject(FakeBluesky::k_put_record, crash);
    fake.inject(FakeBluesky::k_get_record, answer(503, R"({"error":"Unavailable"})"));
    BOOST_TEST(to_string(publish(request({"one", "two", "three"})).kind) == "transient");
    BOOST_TEST(fake.records_created() == 2);
    const std::string state = saved.back();
    BOOST_TEST(json::parse(state)["parts"].size() == 2u);
    BOOST_TEST(!json::parse(state)["parts"][1].contains("uri"));
    const Outcome outcome =
        adapter->settle(request({"one", "two", "three"}, {}, state), save, k_start);
    BOOST_TEST(to_string(outcome.kind) == "posted");
    BOOST_TEST(fake.records_created() == 3);
    BOOST_TEST(fake.put_bodies().size() == 3u);  // part 2 was not written again
    const auto r = fake.records();
    BOOST_TEST(record(2)["reply"]["parent"]["uri"] == r[1].uri);
}

BOOST_FIXTURE_TEST_CASE(images_are_not_uploaded_again_on_retry, Fixture) {
    fake.inject(FakeBluesky::k_upload_blob, pass_through());
    fake.inject(
        FakeBluesky::k_upload_blob,
        answer(503, R"({"error":"InternalServerError","message":"Internal Server Error"})"));
    const Outcome first = publish(request({"pics"}, {png("a"), png("b")}));
    BOOST_TEST(to_string(first.kind) == "transient");
    const Outcome second = publish(request({"pics"}, {png("a"), png("b")}, saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.requests(FakeBluesky::k_upload_blob) == 3);
    BOOST_TEST(record(0)["embed"]["images"].size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(an_expired_access_token_is_auth_expired, Fixture) {
    fake.expire_tokens();
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "auth_expired");
    BOOST_TEST(
        outcome.message ==
        "bluesky rejected the session of account \"alice\": ExpiredToken: Token has expired");
}

BOOST_FIXTURE_TEST_CASE(a_rate_limit_waits_until_the_reset, Fixture) {
    const long long reset = postsched::to_unix_seconds(k_start + 20min);
    fake.rate_limit(FakeBluesky::k_put_record, reset);
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "rate_limited");
    BOOST_TEST_REQUIRE(outcome.retry_at.has_value());
    BOOST_TEST((*outcome.retry_at == k_start + 20min));
}

BOOST_FIXTURE_TEST_CASE(other_client_errors_are_permanent_with_the_platform_text, Fixture) {
    fake.set_max_image_bytes(10);  // the lexicon refuses what the PDS stored
    const Outcome outcome = publish(request({"big"}, {png("x")}));
    BOOST_TEST(to_string(outcome.kind) == "permanent");
    BOOST_TEST(outcome.message ==
               "bluesky answered HTTP 400 to the post for account \"alice\": InvalidRequest: "
               "Invalid app.bsky.feed.post record: Record/embed/images/0/image file too large");
}

BOOST_FIXTURE_TEST_CASE(limits_are_300_graphemes_and_3000_bytes, Fixture) {
    std::string three_hundred;
    for (int i = 0; i < 300; ++i)
        three_hundred += "\xC3\xA9";  // é: 2 bytes, 1 grapheme
    BOOST_TEST(adapter->check_text(account, three_hundred, "{}").ok);
    const auto over = adapter->check_text(account, three_hundred + "!", "{}");
    BOOST_TEST(!over.ok);
    BOOST_TEST(over.message ==
               "text is 301 graphemes, over the limit of 300 for bluesky account \"alice\"");
    std::string families;  // 25 bytes per grapheme
    for (int i = 0; i < 121; ++i)
        families +=
            "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2"
            "\x80\x8D\xF0\x9F\x91\xA6";
    const auto bytes = adapter->check_text(account, families, "{}");
    BOOST_TEST(!bytes.ok);
    BOOST_TEST(bytes.count == 121u);
    BOOST_TEST(bytes.message ==
               "text is 3025 bytes of UTF-8, over the limit of 3000 for bluesky account \"alice\"");
    BOOST_TEST(adapter->media_rules(account).max_bytes == 1000000u);
    BOOST_TEST(adapter->media_rules(account).max_items == 4u);
    platform.media_max_bytes = 2000000;
    BOOST_TEST(adapter->media_rules(account).max_bytes == 2000000u);
}

// ---------------------------------------------------------------- the binary

struct Cli {
    FakeBluesky fake;
    postsched::fakes::FakeFiles files;
    Sandbox box;
    Cli() {
        fake.add_account(k_handle, k_did, k_app_password);
        fake.set_clock([] { return k_start; });
        box.env["SECRET_KEY"] = "correct horse battery staple";
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["BSKY_APP_PASSWORD"] = k_app_password;
        box.write_file("config/postsched/config.toml", "[platforms.bluesky]\napi_base = \"" +
                                                           fake.base_url() +
                                                           "\"\nmax_image_bytes = 5000\n");
        box.ok({"init"});
    }
    void add_account() {
        box.ok({"account", "add", "bluesky", "--name", "sky", "--handle", k_handle,
                "--app-password-env", "BSKY_APP_PASSWORD"});
    }
};

BOOST_AUTO_TEST_CASE(account_add_logs_in_with_an_app_password_and_keeps_only_tokens) {
    Cli c;
    c.add_account();
    const json a = json::parse(c.box.ok({"account", "show", "sky", "--json"}));
    BOOST_TEST(a["platform_account_id"] == k_did);
    BOOST_TEST(a["username"] == k_handle);
    BOOST_TEST(a["token_expiry"] == "2026-11-28T14:00:00.000Z");  // the access JWT's exp
    const std::string dump = postsched::testing::sqlite(c.box.db_path(), ".dump");
    BOOST_TEST(dump.find(k_app_password) == std::string::npos);
    BOOST_TEST(dump.find("eyJ") == std::string::npos);  // no JWT in plain text
    BOOST_TEST(c.fake.requests(FakeBluesky::k_create_session) == 1);
    BOOST_TEST(c.fake.requests(FakeBluesky::k_get_session) == 1);

    // From stdin too; and never together with a token.
    c.box.ok({"account", "add", "bluesky", "--name", "sky2", "--handle", "@alice.test",
              "--app-password-stdin"},
             std::string(k_app_password) + "\n");
    BOOST_TEST(c.fake.requests(FakeBluesky::k_create_session) == 2);
    c.box.env["TOKEN"] = "x";
    BOOST_TEST(
        is_error(c.box.run({"account", "add", "bluesky", "--name", "sky3", "--token-env", "TOKEN",
                            "--handle", k_handle, "--app-password-env", "BSKY_APP_PASSWORD"}),
                 64, {"give one of --token-env"}));
    c.box.env["BSKY_APP_PASSWORD"] = "wrong-pass-word-xxxx";
    const auto r = c.box.run({"account", "add", "bluesky", "--name", "sky2", "--handle", k_handle,
                              "--app-password-env", "BSKY_APP_PASSWORD"});
    BOOST_TEST(is_error(r, 77,
                        {"bluesky refused the app password for bluesky account \"alice.test\": "
                         "AuthenticationRequired: Invalid identifier or password"}));
    BOOST_TEST(r.err.find("wrong-pass") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(run_publishes_a_three_part_thread_with_two_images) {
    Cli c;
    c.add_account();
    c.box.write_file("a.png", postsched::fakes::tiny_png());
    c.box.write_file("b.png", postsched::fakes::tiny_png() + " ");
    std::string id =
        c.box.ok({"post", "add", "first \xF0\x9F\x8C\x85 #sunrise\n---\nsecond\n---\nthird", "--to",
                  "sky", "--now", "--media", c.box.dir() + "/a.png", "--alt", "one", "--media",
                  c.box.dir() + "/b.png", "--alt", "two"});
    id = id.substr(0, id.find('\n'));
    c.box.ok({"run"});
    const auto records = c.fake.records();
    BOOST_TEST_REQUIRE(records.size() == 3u);
    const json first = json::parse(records[0].value);
    BOOST_TEST(first["embed"]["images"].size() == 2u);
    BOOST_TEST(first["embed"]["images"][1]["alt"] == "two");
    BOOST_TEST(first["facets"][0]["index"] == (json{{"byteStart", 11}, {"byteEnd", 19}}));
    BOOST_TEST(json::parse(records[2].value)["reply"]["parent"]["uri"] == records[1].uri);
    const json post = json::parse(c.box.ok({"post", "show", id, "--json"}));
    BOOST_TEST(post["status"] == "posted");
    BOOST_TEST(post["targets"][0]["url"] ==
               "https://bsky.app/profile/alice.test/post/" + records[0].rkey);
    c.box.ok({"run"});
    BOOST_TEST(c.fake.records_created() == 3);
}

BOOST_AUTO_TEST_CASE(post_add_refuses_what_bluesky_would_refuse) {
    Cli c;
    c.add_account();
    c.box.write_file("big.png", postsched::fakes::tiny_png() + std::string(6000, 'x'));
    auto r = c.box.run(
        {"post", "add", "big", "--to", "sky", "--now", "--media", c.box.dir() + "/big.png"});
    BOOST_TEST(is_error(r, 65, {"limit of bluesky account \"sky\""}));
    r = c.box.run({"post", "add", std::string(301, 'a'), "--to", "sky", "--now"});
    BOOST_TEST(is_error(r, 65, {"301 graphemes, over the limit of 300"}));
    r = c.box.run({"post", "add", "five", "--to", "sky", "--now", "--media",
                   "https://e.example/1.png", "--media", "https://e.example/2.png", "--media",
                   "https://e.example/3.png", "--media", "https://e.example/4.png", "--media",
                   "https://e.example/5.png"});
    BOOST_TEST(is_error(r, 65, {"takes at most 4 media items"}));
    BOOST_TEST(c.fake.requests(FakeBluesky::k_put_record) == 0);
}

BOOST_AUTO_TEST_CASE(each_error_class_reaches_its_target_state) {
    Cli c;
    c.add_account();
    const auto add = [&](const std::string& text) {
        std::string id = c.box.ok({"post", "add", text, "--to", "sky", "--now"});
        return id.substr(0, id.find('\n'));
    };
    const auto target = [&](const std::string& id) {
        return json::parse(c.box.ok({"post", "show", id, "--json"}))["targets"][0];
    };
    const long long reset = postsched::to_unix_seconds(k_start + 30min);
    c.fake.rate_limit(FakeBluesky::k_put_record, reset);
    const std::string limited = add("limited");
    c.box.ok({"run"});
    BOOST_TEST(target(limited)["status"] == "pending");
    BOOST_TEST(target(limited)["error_kind"] == "rate_limited");
    BOOST_TEST(target(limited)["next_attempt_at"] == "2026-11-28T12:30:00.000Z");

    c.box.env["POSTSCHED_NOW"] = "2026-11-28T12:31:00Z";
    c.fake.inject(
        FakeBluesky::k_put_record,
        answer(400,
               R"({"error":"InvalidRequest","message":"Invalid app.bsky.feed.post record: bad"})"));
    c.box.ok({"run"});
    BOOST_TEST(target(limited)["status"] == "failed");
    BOOST_TEST(target(limited)["error"] ==
               "bluesky answered HTTP 400 to the post for account \"sky\": InvalidRequest: "
               "Invalid app.bsky.feed.post record: bad");

    c.fake.inject(
        FakeBluesky::k_put_record,
        answer(500, R"({"error":"InternalServerError","message":"Internal Server Error"})", true));
    const std::string once = add("exactly once");
    c.box.ok({"run"});
    BOOST_TEST(target(once)["status"] == "posted");
    BOOST_TEST(c.fake.records_created() == 1);

    // An expired access token (HTTP 400 ExpiredToken): refreshSession, then
    // the same record again, once.
    c.fake.expire_tokens();
    const std::string refreshed = add("after a refresh");
    c.box.ok({"run"});
    BOOST_TEST(target(refreshed)["status"] == "posted");
    BOOST_TEST(c.fake.requests(FakeBluesky::k_refresh_session) == 1);
    BOOST_TEST(c.fake.records_created() == 2);

    // The refresh token revoked too: the account needs reconnecting and its
    // targets wait.
    c.fake.expire_tokens();
    c.fake.revoke_refresh_tokens();
    const std::string expired = add("expired");
    c.box.ok({"run"});
    BOOST_TEST(target(expired)["status"] == "pending");
    BOOST_TEST(target(expired)["error_kind"] == "auth_expired");
    BOOST_TEST(json::parse(c.box.ok({"account", "show", "sky", "--json"}))["needs_reconnect"] ==
               true);
    BOOST_TEST(c.fake.records_created() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
