// The Store contract. Written against the interface so the same cases run on
// every implementation (SQLite here; PostgreSQL joins with its own store).
#include <boost/test/unit_test.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <set>
#include <thread>

#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

using namespace postsched;
using namespace postsched::store;

namespace {

const Instant k_t0 = *parse_utc_instant("2026-11-28T12:00:00Z");
const Millis k_lease{300000};
const Millis k_late{6 * 3600000};

struct Fixture {
    std::string dir;
    std::string url;
    std::unique_ptr<Store> s;
    Fixture() {
        dir = (std::filesystem::temp_directory_path() / ("store-" + random_hex(6))).string();
        url = "sqlite://" + dir + "/s.db";
        s = open_store(url);
        s->migrate();
    }
    ~Fixture() { std::filesystem::remove_all(dir); }

    Account account(const std::string& name) {
        Account a;
        a.id = new_uuid_v7(k_t0);
        a.platform = "exec";
        a.name = name;
        a.created_at = k_t0;
        s->add_account(a);
        return a;
    }
    // A post due at `at` targeting `accounts`; returns the post id.
    std::string post(const std::vector<Account>& accounts, Instant at,
                     PostStatus status = PostStatus::pending, std::optional<Millis> late = {}) {
        Post p;
        p.id = new_uuid_v7(k_t0);
        p.parts = {"hello"};
        p.scheduled_at = at;
        p.timezone = "UTC";
        p.status = status;
        p.max_lateness = late;
        p.created_at = p.updated_at = k_t0;
        std::vector<Target> ts;
        for (const auto& a : accounts) {
            Target t;
            t.id = new_uuid_v7(k_t0);
            t.post_id = p.id;
            t.account_id = a.id;
            t.next_attempt_at = at;
            ts.push_back(t);
        }
        s->add_post(p, ts);
        return p.id;
    }
    ClaimResult claim(Instant now, const std::string& token, int limit = 100) {
        return s->claim_due(now, limit, now + k_lease, token, k_late);
    }
    PostView view(const std::string& id) { return *s->get_post(id); }
};

TargetUpdate posted() {
    TargetUpdate u;
    u.status = TargetStatus::posted;
    u.platform_post_id = "1";
    u.url = "https://example.org/1";
    u.posted_at = k_t0;
    return u;
}

TargetUpdate failed() {
    TargetUpdate u;
    u.status = TargetStatus::failed;
    u.error_message = "rejected";
    return u;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_contract_test)

BOOST_FIXTURE_TEST_CASE(migrations_apply_once_and_are_recorded, Fixture) {
    BOOST_TEST(s->migrate() == 0);
    auto applied = s->applied_migrations();
    BOOST_REQUIRE(!applied.empty());
    BOOST_TEST(applied.back().version == s->latest_version());
    s->require_current_schema();
}

BOOST_FIXTURE_TEST_CASE(a_store_from_a_newer_version_is_refused, Fixture) {
    {
        SQLite::Database db(dir + "/s.db", SQLite::OPEN_READWRITE);
        db.exec("INSERT INTO schema_migrations VALUES (999, '0999_future', 'x')");
    }
    auto again = open_store(url);
    try {
        again->require_current_schema();
        BOOST_FAIL("a newer schema was accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("written by a newer postsched") != std::string::npos);
    }
    BOOST_CHECK_THROW(again->migrate(), Error);
}

BOOST_FIXTURE_TEST_CASE(account_names_are_unique, Fixture) {
    account("a");
    BOOST_CHECK_EXCEPTION(account("a"), Error, [](const Error& e) {
        return std::string(e.what()) == "an account named \"a\" already exists";
    });
    BOOST_TEST(s->find_account("a").has_value());
    BOOST_TEST(!s->find_account("b").has_value());
}

BOOST_FIXTURE_TEST_CASE(posts_are_found_by_id_prefix_and_idempotency_key, Fixture) {
    auto a = account("a");
    std::string id = post({a}, k_t0);
    BOOST_TEST(s->get_post(id.substr(0, 30))->post.id == id);
    BOOST_TEST(!s->get_post("zzzz").has_value());
    Post p = view(id).post;
    p.id = new_uuid_v7(k_t0);
    p.idempotency_key = "release-1.2";
    s->add_post(p, {});
    BOOST_TEST(s->find_post_by_key("release-1.2")->post.id == p.id);
    p.id = new_uuid_v7(k_t0);
    BOOST_CHECK_THROW(s->add_post(p, {}), Error);
}

BOOST_FIXTURE_TEST_CASE(claim_takes_due_pending_targets_once, Fixture) {
    auto a = account("a"), b = account("b");
    std::string due = post({a, b}, k_t0);
    post({a}, k_t0 + Millis{60000});           // not yet due
    post({b}, k_t0, PostStatus::draft);        // a draft is never claimed
    auto first = claim(k_t0, "tok1");
    BOOST_TEST(first.claimed.size() == 2u);
    for (const auto& c : first.claimed) BOOST_TEST(c.post.id == due);
    BOOST_TEST(claim(k_t0, "tok2").claimed.empty());
    BOOST_TEST((view(due).post.status == PostStatus::posting));
    BOOST_TEST(s->release_claims("tok1") == 2);
    BOOST_TEST(claim(k_t0, "tok3").claimed.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(concurrent_claims_from_two_connections_never_overlap, Fixture) {
    auto a = account("a");
    for (int i = 0; i < 200; ++i) post({a}, k_t0);
    auto other = open_store(url);
    std::vector<std::string> got1, got2;
    std::thread t1([&] {
        for (int i = 0; i < 20; ++i)
            for (auto& c : s->claim_due(k_t0, 7, k_t0 + k_lease, "x", k_late).claimed)
                got1.push_back(c.target.id);
    });
    std::thread t2([&] {
        for (int i = 0; i < 20; ++i)
            for (auto& c : other->claim_due(k_t0, 7, k_t0 + k_lease, "y", k_late).claimed)
                got2.push_back(c.target.id);
    });
    t1.join();
    t2.join();
    std::set<std::string> all(got1.begin(), got1.end());
    for (const auto& id : got2) BOOST_TEST(all.insert(id).second, "claimed twice: " << id);
    BOOST_TEST(all.size() == 200u);
}

BOOST_FIXTURE_TEST_CASE(expired_claims_return_and_expired_sends_are_taken_for_settling, Fixture) {
    auto a = account("a"), b = account("b");
    post({a, b}, k_t0);
    auto c = claim(k_t0, "tok").claimed;
    BOOST_REQUIRE(c.size() == 2u);
    BOOST_TEST(s->mark_sending(c[0].target.id, "tok", k_t0, k_t0 + k_lease));
    BOOST_TEST(!s->mark_sending(c[1].target.id, "wrong-token", k_t0, k_t0 + k_lease));
    Instant later = k_t0 + k_lease + Millis{1000};
    BOOST_TEST(s->release_expired_claims(k_t0) == 0);  // leases still held
    BOOST_TEST(s->release_expired_claims(later) == 1);  // the claimed one
    auto settling = s->take_expired_sending(later, later + k_lease, "tok2", 10);
    BOOST_REQUIRE(settling.size() == 1u);
    BOOST_TEST(settling[0].target.id == c[0].target.id);
    BOOST_TEST(settling[0].target.sending_at.has_value());
    BOOST_TEST(!s->record_outcome(c[0].target.id, "tok", posted(), later));  // old token lost it
    BOOST_TEST(s->record_outcome(c[0].target.id, "tok2", posted(), later));
}

BOOST_FIXTURE_TEST_CASE(posts_settle_from_their_targets, Fixture) {
    auto a = account("a"), b = account("b");
    std::string partial = post({a, b}, k_t0);
    std::string all_failed = post({a}, k_t0);
    auto c = claim(k_t0, "tok").claimed;
    for (const auto& x : c) {
        bool ok = x.post.id == partial && x.account.name == "a";
        s->mark_sending(x.target.id, "tok", k_t0, k_t0 + k_lease);
        s->record_outcome(x.target.id, "tok", ok ? posted() : failed(), k_t0);
    }
    BOOST_TEST((view(partial).post.status == PostStatus::posted));
    BOOST_TEST((view(all_failed).post.status == PostStatus::failed));
    BOOST_TEST(s->find_account("a")->last_used.has_value());
}

BOOST_FIXTURE_TEST_CASE(rate_limits_hold_an_account_until_reset, Fixture) {
    auto a = account("a"), b = account("b");
    post({a}, k_t0);
    post({b}, k_t0);
    s->set_rate_limit({a.id, "publish", "rate_limited", k_t0 + Millis{60000}, "429"}, k_t0);
    auto c = claim(k_t0, "tok").claimed;
    BOOST_REQUIRE(c.size() == 1u);
    BOOST_TEST(c[0].account.name == "b");
    BOOST_TEST(s->active_rate_limits(k_t0).size() == 1u);
    BOOST_TEST(claim(k_t0 + Millis{61000}, "tok2").claimed.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(late_targets_are_skipped_not_claimed, Fixture) {
    auto a = account("a");
    std::string id = post({a}, k_t0, PostStatus::pending, Millis{3600000});
    auto r = claim(k_t0 + Millis{2 * 3600000}, "tok");
    BOOST_TEST(r.claimed.empty());
    BOOST_TEST(r.skipped_late == 1);
    auto v = view(id);
    BOOST_TEST((v.targets[0].status == TargetStatus::skipped));
    BOOST_TEST((v.post.status == PostStatus::failed));
}

BOOST_FIXTURE_TEST_CASE(cancel_settles_and_edit_stops_once_claimed, Fixture) {
    auto a = account("a");
    std::string id = post({a}, k_t0 + Millis{60000});
    Post p = view(id).post;
    p.parts = {"edited"};
    BOOST_TEST(s->update_unsent_post(p, nullptr, k_t0));
    BOOST_TEST(view(id).post.parts[0] == "edited");
    BOOST_TEST(claim(k_t0 + Millis{60000}, "tok").claimed.size() == 1u);
    BOOST_TEST(!s->update_unsent_post(p, nullptr, k_t0));
    std::string other = post({a}, k_t0 + Millis{60000});
    BOOST_TEST(s->cancel_post(other, k_t0) == 1);
    BOOST_TEST((view(other).post.status == PostStatus::cancelled));
}

BOOST_FIXTURE_TEST_CASE(removing_an_account_settles_its_posts, Fixture) {
    auto a = account("a"), b = account("b");
    std::string both = post({a, b}, k_t0 + Millis{60000});
    std::string only_a = post({a}, k_t0 + Millis{60000});
    BOOST_TEST(s->count_unsent_targets(a.id) == 2);
    s->remove_account(a.id, k_t0);
    BOOST_TEST(!s->find_account("a").has_value());
    BOOST_TEST((view(only_a).post.status == PostStatus::cancelled));
    BOOST_TEST(view(both).targets.size() == 1u);
    BOOST_TEST((view(both).post.status == PostStatus::pending));
}

BOOST_FIXTURE_TEST_CASE(bulk_inserts_are_all_or_nothing, Fixture) {
    auto a = account("a");
    auto make = [&](const std::string& key) {
        Post p;
        p.id = new_uuid_v7(k_t0);
        p.parts = {"bulk " + key};
        p.scheduled_at = k_t0;
        p.timezone = "UTC";
        p.idempotency_key = key;
        p.created_at = p.updated_at = k_t0;
        Target t;
        t.id = new_uuid_v7(k_t0);
        t.post_id = p.id;
        t.account_id = a.id;
        t.next_attempt_at = k_t0;
        return std::pair{p, std::vector<Target>{t}};
    };
    {
        auto bulk = s->bulk_insert(k_t0);
        auto [p, t] = make("k1");
        bulk->add(p, t);
    }  // no commit: rolled back
    BOOST_TEST(s->list_posts({}).empty());
    {
        auto bulk = s->bulk_insert(k_t0);
        for (const char* k : {"k1", "k2", "k3"}) {
            auto [p, t] = make(k);
            bulk->add(p, t);
        }
        auto [p, t] = make("k2");
        BOOST_CHECK_THROW(bulk->add(p, t), Error);
        bulk->commit();
    }
    BOOST_TEST(s->list_posts({}).size() == 3u);
    int seen = 0;
    s->each_post({}, [&](const PostView& v) {
        ++seen;
        BOOST_TEST(v.targets.size() == 1u);
    });
    BOOST_TEST(seen == 3);
}

BOOST_AUTO_TEST_SUITE_END()
