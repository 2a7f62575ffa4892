// PostgresStore: posts and their targets.
#include <algorithm>
#include <map>

#include "store/postgres_internal.hpp"
#include "store/sqlite_rows.hpp"

namespace postsched::store {
using namespace pg;
namespace {

// Posts read per round trip when streaming (each_post).
constexpr int k_fetch = 200;

bool is_id_prefix(std::string_view s) {
    if (s.size() < 4)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
            return false;
    return true;
}

void insert_targets(pqxx::work& tx, const std::vector<Target>& targets, Instant now) {
    if (targets.empty())
        return;
    std::string sql =
        "INSERT INTO post_targets (id, post_id, account_id, status, next_attempt_at, "
        "adapter_state, created_at, updated_at) VALUES ";
    Params params{instant(now)};
    for (const auto& t : targets) {
        auto n = params.size();
        auto p = [&](std::size_t i) { return "$" + std::to_string(n + i); };
        sql += std::string(n > 1 ? ", " : "") + "(" + p(1) + ", " + p(2) + ", " + p(3) + ", " +
               p(4) + ", " + p(5) + "::timestamptz, " + p(6) + "::jsonb, $1::timestamptz, " +
               "$1::timestamptz)";
        params.insert(params.end(), {text(t.id), text(t.post_id), text(t.account_id),
                                     text(std::string(to_string(t.status))),
                                     instant(t.next_attempt_at), json_object(t.adapter_state)});
    }
    exec(tx, sql, params);
}

}  // namespace

void PostgresStore::insert_post(pqxx::work& tx, const Post& p, const std::vector<Target>& targets) {
    auto r = exec(
        tx,
        "INSERT INTO scheduled_posts (id, content, parts, media_urls, media_alt, "
        "options, scheduled_at, timezone, status, max_lateness_ms, idempotency_key, "
        "created_at, updated_at, approved_at) VALUES ($1, $2, $3::jsonb, $4::jsonb, "
        "$5::jsonb, $6::jsonb, $7::timestamptz, $8, $9, $10::bigint, $11, "
        "$12::timestamptz, $13::timestamptz, $14::timestamptz) ON CONFLICT "
        "(idempotency_key) DO NOTHING RETURNING id",
        {text(p.id), text(p.parts.empty() ? std::string() : p.parts[0]), text(rows::parts_json(p)),
         text(rows::media_urls_json(p)), text(rows::media_alt_json(p)), json_object(p.options),
         instant(p.scheduled_at), text(p.timezone), text(std::string(to_string(p.status))),
         p.max_lateness ? integer(p.max_lateness->count()) : Param(),
         p.idempotency_key ? text(*p.idempotency_key) : Param(), instant(p.created_at),
         instant(p.updated_at), opt_instant(p.approved_at)});
    if (r.empty()) {
        // Only the idempotency key can conflict quietly; the transaction stays usable.
        auto holder = exec(tx, "SELECT id FROM scheduled_posts WHERE idempotency_key = $1",
                           {text(*p.idempotency_key)});
        throw Error(Exit::data, "idempotency key \"" + *p.idempotency_key +
                                    "\" is already used by post " +
                                    (holder.empty() ? std::string("?") : str(holder[0][0])));
    }
    insert_targets(tx, targets, p.created_at);
}

void PostgresStore::add_post(const Post& p, const std::vector<Target>& targets) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) { insert_post(tx, p, targets); });
}

// Holds the store mutex and one transaction for its lifetime.
class PostgresStore::Bulk final : public BulkInsert {
  public:
    explicit Bulk(PostgresStore& s) : m_s(s), m_lock(s.m_mutex) {
        guard([&] { m_tx = std::make_unique<pqxx::work>(m_s.connection()); });
    }
    void add(const Post& post, const std::vector<Target>& targets) override {
        guard([&] { m_s.insert_post(live(), post, targets); });
    }
    void commit() override {
        guard([&] { live().commit(); });
    }

  private:
    pqxx::work& live() {
        if (!m_tx)
            throw Error(Exit::software, "the bulk write was rolled back after an error");
        return *m_tx;
    }
    template <typename F>
    void guard(F&& body) {
        try {
            body();
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            m_tx.reset();  // before fail() may drop the connection under it
            m_s.fail(e);
        }
    }
    PostgresStore& m_s;
    std::unique_lock<std::mutex> m_lock;
    std::unique_ptr<pqxx::work> m_tx;
};

std::unique_ptr<BulkInsert> PostgresStore::bulk_insert(Instant) {
    return std::make_unique<Bulk>(*this);
}

std::vector<TargetView> PostgresStore::query_targets(pqxx::work& tx, const std::string& where,
                                                     const Params& params,
                                                     const std::string& tail) {
    std::vector<TargetView> out;
    for (const auto& r : exec(tx,
                              "SELECT " + target_columns("t") +
                                  ", a.name, a.platform FROM post_targets t JOIN social_accounts "
                                  "a ON a.id = t.account_id WHERE " +
                                  where + " ORDER BY t.id" + tail,
                              params)) {
        TargetView v;
        static_cast<Target&>(v) = read_target(r);
        v.account_name = str(r[k_target_width]);
        v.platform = str(r[k_target_width + 1]);
        out.push_back(std::move(v));
    }
    return out;
}

// Post views for rows of post_columns("p"), their targets read in one query.
std::vector<PostView> PostgresStore::with_targets(pqxx::work& tx, const pqxx::result& posts) {
    std::vector<PostView> out;
    std::vector<std::string> ids;
    for (const auto& r : posts) {
        out.push_back({read_post(r), {}});
        ids.push_back(out.back().post.id);
    }
    if (ids.empty())
        return out;
    std::map<std::string, std::vector<TargetView>> by_post;
    for (auto& t : query_targets(tx, "t.post_id = ANY($1::text[])", {text_array(ids)}))
        by_post[t.post_id].push_back(std::move(t));
    for (auto& v : out)
        v.targets = std::move(by_post[v.post.id]);
    return out;
}

std::optional<PostView> PostgresStore::get_post(std::string_view id_or_prefix) {
    if (!is_id_prefix(id_or_prefix))
        return std::nullopt;
    std::string key(id_or_prefix);
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) -> std::optional<PostView> {
        auto r = exec(tx,
                      "SELECT " + post_columns("p") +
                          " FROM scheduled_posts p WHERE p.id = $1 OR (length($1) < 36 AND p.id "
                          "LIKE $2) ORDER BY p.id LIMIT 2",
                      {text(key), text(key + "%")});
        if (r.empty())
            return std::nullopt;
        if (r.size() > 1)
            throw Error(Exit::data, "post id prefix \"" + key + "\" is ambiguous: type more of it");
        return with_targets(tx, r)[0];
    });
}

std::optional<PostView> PostgresStore::find_post_by_key(std::string_view key) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) -> std::optional<PostView> {
        auto r = exec(
            tx,
            "SELECT " + post_columns("p") + " FROM scheduled_posts p WHERE p.idempotency_key = $1",
            {text(std::string(key))});
        if (r.empty())
            return std::nullopt;
        return with_targets(tx, r)[0];
    });
}

void PostgresStore::each_post(const PostFilter& f,
                              const std::function<void(const PostView&)>& visit) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        std::string sql =
            "DECLARE each_post NO SCROLL CURSOR FOR SELECT " + post_columns("p") +
            " FROM scheduled_posts p WHERE ($1::text IS NULL OR p.status = $1) AND "
            "($2::timestamptz IS NULL OR p.scheduled_at >= $2) AND ($3::timestamptz IS NULL OR "
            "p.scheduled_at < $3) AND ($4::text IS NULL AND $5::text IS NULL OR EXISTS (SELECT 1 "
            "FROM post_targets t JOIN social_accounts a ON a.id = t.account_id WHERE t.post_id = "
            "p.id AND ($4 IS NULL OR a.name = $4) AND ($5 IS NULL OR t.status = $5))) ORDER BY "
            "p.scheduled_at, p.id";
        if (f.limit)
            sql += " LIMIT " + std::to_string(f.limit);
        exec(tx, sql,
             {f.status ? text(std::string(to_string(*f.status))) : Param(), opt_instant(f.since),
              opt_instant(f.until), opt_text(f.account_name),
              f.target_status ? text(std::string(to_string(*f.target_status))) : Param()});
        for (;;) {
            auto batch = tx.exec("FETCH " + std::to_string(k_fetch) + " FROM each_post");
            if (batch.empty())
                break;
            for (const auto& v : with_targets(tx, batch))
                visit(v);
        }
    });
}

std::vector<PostView> PostgresStore::list_posts(const PostFilter& f) {
    std::vector<PostView> out;
    each_post(f, [&](const PostView& v) { out.push_back(v); });
    return out;
}

bool PostgresStore::update_unsent_post(const Post& p, const std::vector<Target>* targets,
                                       Instant now) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        // Targets first, as claims lock them: a claim in flight finishes, then we see it.
        exec(tx, "SELECT 1 FROM post_targets WHERE post_id = $1 ORDER BY id FOR UPDATE",
             {text(p.id)});
        auto busy = exec(tx,
                         "SELECT 1 FROM scheduled_posts WHERE id = $1 AND (status NOT IN "
                         "('draft','pending') OR EXISTS (SELECT 1 FROM post_targets WHERE "
                         "post_id = $1 AND status NOT IN ('pending','cancelled')))",
                         {text(p.id)});
        if (!busy.empty())
            return false;
        auto q =
            exec(tx,
                 "UPDATE scheduled_posts SET content = $1, parts = $2::jsonb, media_urls = "
                 "$3::jsonb, media_alt = $4::jsonb, options = $5::jsonb, scheduled_at = "
                 "$6::timestamptz, timezone = $7, max_lateness_ms = $8::bigint, updated_at = "
                 "$9::timestamptz WHERE id = $10",
                 {text(p.parts.empty() ? std::string() : p.parts[0]), text(rows::parts_json(p)),
                  text(rows::media_urls_json(p)), text(rows::media_alt_json(p)),
                  json_object(p.options), instant(p.scheduled_at), text(p.timezone),
                  p.max_lateness ? integer(p.max_lateness->count()) : Param(), instant(now),
                  text(p.id)});
        if (q.affected_rows() != 1)
            return false;
        if (targets) {
            exec(tx, "DELETE FROM post_targets WHERE post_id = $1", {text(p.id)});
            insert_targets(tx, *targets, now);
        } else {
            exec(tx,
                 "UPDATE post_targets SET next_attempt_at = $1::timestamptz, updated_at = "
                 "$2::timestamptz WHERE post_id = $3 AND status = 'pending'",
                 {instant(p.scheduled_at), instant(now), text(p.id)});
        }
        return true;
    });
}

bool PostgresStore::approve_post(std::string_view post_id, Instant now) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        return exec(tx,
                    "UPDATE scheduled_posts SET status = 'pending', approved_at = $1::timestamptz, "
                    "updated_at = $1::timestamptz WHERE id = $2 AND status = 'draft'",
                    {instant(now), text(std::string(post_id))})
                   .affected_rows() == 1;
    });
}

int PostgresStore::cancel_post(std::string_view post_id, Instant now) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        Param id = text(std::string(post_id));
        int n = static_cast<int>(exec(tx,
                                      "UPDATE post_targets SET status = 'cancelled', updated_at = "
                                      "$1::timestamptz, claim_token = NULL, claimed_until = NULL "
                                      "WHERE post_id = $2 AND status = 'pending'",
                                      {instant(now), id})
                                     .affected_rows());
        exec(tx,
             "UPDATE scheduled_posts SET status = 'cancelled', updated_at = $1::timestamptz WHERE "
             "id = $2 AND status = 'draft'",
             {instant(now), id});
        settle_post(tx, std::string(post_id), now);
        return n;
    });
}

void PostgresStore::lock_posts(pqxx::work& tx, std::vector<std::string> post_ids) {
    if (post_ids.empty())
        return;
    // Always in id order, so two runners settling the same posts cannot deadlock.
    exec(tx, "SELECT 1 FROM scheduled_posts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE",
         {text_array(post_ids)});
}

void PostgresStore::settle_post(pqxx::work& tx, const std::string& post_id, Instant now) {
    // Lock the post before counting: two runners recording its last two
    // targets at once then count one after the other, and one of them settles.
    exec(tx, "SELECT 1 FROM scheduled_posts WHERE id = $1 FOR UPDATE", {text(post_id)});
    auto c = exec(tx,
                  "SELECT COUNT(*) FILTER (WHERE status IN ('pending','claimed','sending')), "
                  "COUNT(*) FILTER (WHERE status = 'posted'), COUNT(*) FILTER (WHERE status = "
                  "'cancelled'), COUNT(*) FROM post_targets WHERE post_id = $1",
                  {text(post_id)})[0];
    long open = c[0].as<long>(), posted = c[1].as<long>();
    long cancelled = c[2].as<long>(), total = c[3].as<long>();
    if (open > 0)
        return;
    std::string status = posted > 0                           ? "posted"
                         : (total == 0 || cancelled == total) ? "cancelled"
                                                              : "failed";
    exec(tx,
         "UPDATE scheduled_posts SET status = $1, updated_at = $2::timestamptz WHERE id = $3 AND "
         "status IN ('pending','posting','draft')",
         {text(status), instant(now), text(post_id)});
}

}  // namespace postsched::store
