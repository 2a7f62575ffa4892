// Graph error bodies (code + subcode) and usage headers → Outcome kinds, the
// table of meta.md §5 and §3.4, and the Meta text rules.
#include <boost/test/unit_test.hpp>

#include "adapters/meta/graph.hpp"
#include "adapters/meta/meta_text.hpp"
#include "core/time_format.hpp"

namespace {

using namespace std::chrono_literals;
using postsched::adapters::Outcome;
using postsched::adapters::meta::Call;
using postsched::adapters::meta::classify_graph;
using postsched::net::HttpResponse;

const postsched::Instant k_now = *postsched::parse_utc_instant("2026-01-02T03:00:00Z");

HttpResponse graph_error(long status, int code, int subcode = 0, bool transient = false,
                         postsched::net::Headers headers = {}) {
    std::string body = R"({"error":{"message":"msg )" + std::to_string(code) +
                       R"(","type":"OAuthException","code":)" + std::to_string(code);
    if (subcode)
        body += R"(,"error_subcode":)" + std::to_string(subcode);
    body += std::string(R"(,"is_transient":)") + (transient ? "true" : "false") +
            R"(,"fbtrace_id":"AXS"}})";
    return HttpResponse{status, std::move(headers), body};
}

std::string kind(const HttpResponse& r, Call call = Call::create) {
    return std::string(
        to_string(classify_graph(r, "instagram", "acct", "the post", call, k_now).kind));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(graph_errors_test)

BOOST_AUTO_TEST_CASE(codes_and_subcodes_map_to_outcome_kinds) {
    BOOST_TEST(kind(graph_error(400, 190)) == "auth_expired");
    BOOST_TEST(kind(graph_error(400, 190, 463)) == "auth_expired");
    BOOST_TEST(kind(graph_error(400, 190, 460)) == "auth_expired");
    BOOST_TEST(kind(graph_error(400, 102)) == "auth_expired");
    for (int code : {4, 17, 32, 613, 341, 80000, 80001, 80002, 80014})
        BOOST_TEST(kind(graph_error(403, code)) == "rate_limited", "code " << code);
    BOOST_TEST(kind(graph_error(400, 4, 2207051)) == "permanent");  // spam restriction
    BOOST_TEST(kind(graph_error(400, 9, 2207042)) == "rate_limited");
    BOOST_TEST(kind(graph_error(400, 368)) == "rate_limited");
    BOOST_TEST(kind(graph_error(400, 506)) == "duplicate");
    BOOST_TEST(kind(graph_error(403, 10)) == "permanent");
    BOOST_TEST(kind(graph_error(403, 200)) == "permanent");
    BOOST_TEST(kind(graph_error(403, 299)) == "permanent");
    BOOST_TEST(kind(graph_error(400, 100)) == "permanent");
    BOOST_TEST(kind(graph_error(400, 36000, 2207004)) == "permanent");
    BOOST_TEST(kind(graph_error(500, 1)) == "transient");
    BOOST_TEST(kind(graph_error(500, 2)) == "transient");
    BOOST_TEST(kind(graph_error(400, -1, 2207001)) == "transient");
    BOOST_TEST(kind(graph_error(400, -2, 2207003)) == "transient");
    BOOST_TEST(kind(graph_error(400, 100, 0, true)) == "transient");
    BOOST_TEST(kind(graph_error(400, 9007, 2207027)) == "waiting");
    BOOST_TEST(kind(HttpResponse{502, {}, "<html>Bad gateway</html>"}) == "transient");
    BOOST_TEST(kind(HttpResponse{200, {}, "{not json"}) == "transient");
}

BOOST_AUTO_TEST_CASE(messages_keep_the_platform_text_codes_and_permissions) {
    auto o =
        classify_graph(graph_error(403, 10), "instagram", "acct", "the post", Call::create, k_now);
    BOOST_TEST(o.message.find("instagram answered HTTP 403 (code 10) to the post for account "
                              "\"acct\": msg 10") == 0u);
    BOOST_TEST(o.message.find("instagram_content_publish") != std::string::npos);
    o = classify_graph(graph_error(400, 190, 463), "facebook", "page", "the post", Call::read,
                       k_now);
    BOOST_TEST(o.message ==
               "facebook rejected the token of account \"page\" (code 190/463): the "
               "token has expired: msg 190; reconnect the account");
}

BOOST_AUTO_TEST_CASE(ambiguous_publish_answers_say_the_post_may_exist) {
    auto o =
        classify_graph(graph_error(500, 2), "facebook", "page", "the post", Call::publish, k_now);
    BOOST_TEST(to_string(o.kind) == "transient");
    BOOST_TEST(o.message.find("may have been created") != std::string::npos);
    o = classify_graph(graph_error(500, 2), "facebook", "page", "photo 1", Call::create, k_now);
    BOOST_TEST(o.message.find("may have been created") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(retry_times_come_from_usage_headers) {
    auto at = [](const HttpResponse& r) {
        return classify_graph(r, "facebook", "p", "x", Call::publish, k_now).retry_at;
    };
    BOOST_TEST((at(graph_error(400, 32, 0, false,
                               {{"x-business-use-case-usage",
                                 R"({"1":[{"type":"pages","estimated_time_to_regain_access":3},)"
                                 R"({"type":"pages","estimated_time_to_regain_access":12}]})"}})) ==
                k_now + 12min));
    BOOST_TEST(
        (at(graph_error(403, 4, 0, true,
                        {{"x-app-usage", R"({"call_count":100,"total_time":5})"}})) == k_now + 1h));
    BOOST_TEST((at(graph_error(403, 17)) == k_now + 1h));  // no header: an hour
    BOOST_TEST((at(graph_error(400, 368, 0, false,
                               {{"x-business-use-case-usage",
                                 R"({"1":[{"estimated_time_to_regain_access":600}]})"}})) ==
                k_now + 600min));
    BOOST_TEST((at(graph_error(400, 368)) == k_now + 2h));
}

BOOST_AUTO_TEST_CASE(text_rules_count_hashtags_mentions_links_and_emoji) {
    using namespace postsched::adapters::meta;
    BOOST_TEST(count_hashtags("#a b#c #d_e # #") == 2u);
    BOOST_TEST(count_mentions("@x hi @y_z mail@host.com") == 2u);
    BOOST_TEST(count_links("see https://a.b and http://c.d, xhttp://no") == 2u);
    BOOST_TEST(threads_length("abc") == 3u);
    BOOST_TEST(threads_length("\xC3\xA9") == 1u);                  // é
    BOOST_TEST(threads_length("\xF0\x9F\x98\x80") == 4u);          // 😀
    BOOST_TEST(threads_length("\xE2\x9D\xA4\xEF\xB8\x8F") == 6u);  // ❤️
    postsched::Account a;
    a.platform = "instagram";
    a.name = "ig";
    std::string tags;
    for (int i = 0; i < 31; ++i)
        tags += "#t" + std::to_string(i) + " ";
    auto v = check_instagram_text(a, tags);
    BOOST_TEST(!v.ok);
    BOOST_TEST(v.message ==
               "caption has 31 hashtags, over the limit of 30 for instagram account "
               "\"ig\"");
    std::string mentions;
    for (int i = 0; i < 21; ++i)
        mentions += "@u" + std::to_string(i) + " ";
    BOOST_TEST(!check_instagram_text(a, mentions).ok);
    BOOST_TEST(check_instagram_text(a, std::string(2200, 'x')).ok);
    BOOST_TEST(!check_instagram_text(a, std::string(2201, 'x')).ok);
    a.platform = "threads";
    BOOST_TEST(check_threads_text(a, std::string(500, 'x')).ok);
    BOOST_TEST(!check_threads_text(a, std::string(497, 'x') + "\xF0\x9F\x98\x80").ok);
    v = check_threads_text(a, "https://1 https://2 https://3 https://4 https://5 https://6");
    BOOST_TEST(v.message == "text has 6 links, over the limit of 5 for threads account \"ig\"");
}

BOOST_AUTO_TEST_SUITE_END()
