// The fake Bluesky PDS: sessions, records, blobs, handles and faults.
#include "fakes/fake_bluesky.hpp"

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "crypto/fernet.hpp"
#include "fakes/fake_bluesky_rules.hpp"
#include "fakes/fake_faults.hpp"

namespace postsched::fakes {
namespace {

using nlohmann::json;
using namespace bluesky_rules;

constexpr const char* k_post = "app.bsky.feed.post";
constexpr std::size_t k_upload_limit = 5 * 1024 * 1024;  // the PDS's generic body limit

void answer(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

void xrpc_error(httplib::Response& res, int status, const std::string& error,
                const std::string& message) {
    answer(res, status, {{"error", error}, {"message", message}});
}

long long epoch(Instant at) {
    return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

struct Session {
    std::string did;
    long long exp = 0;
    bool refresh = false;
};

}  // namespace

struct FakeBluesky::Impl {
    httplib::Server server;
    std::thread thread;
    int port = -1;
    FaultBook book;

    mutable std::mutex mutex;
    std::function<Instant()> now = [] {
        return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
    };
    std::size_t max_image_bytes = 1000000;
    std::map<std::string, std::pair<std::string, std::string>> accounts;  // handle → did, password
    std::map<std::string, std::string> handles;                           // handle → did
    std::map<std::string, Session> tokens;
    std::vector<FakeRecord> records;
    std::vector<FakeBlob> blobs;
    std::vector<std::string> put_bodies;
    int created = 0;
    int serial = 0;

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port); }

    std::string jwt(const std::string& did, bool refresh, long long exp) {
        const json header = {{"typ", refresh ? "refresh+jwt" : "at+jwt"}, {"alg", "HS256"}};
        const json claims = {{"scope", refresh ? "com.atproto.refresh" : "com.atproto.appPass"},
                             {"sub", did},
                             {"iat", epoch(now())},
                             {"exp", exp},
                             {"jti", std::to_string(++serial)}};
        std::string token = crypto::urlsafe_b64encode(header.dump()) + "." +
                            crypto::urlsafe_b64encode(claims.dump()) + ".c2lnbmF0dXJl";
        token.erase(std::remove(token.begin(), token.end(), '='), token.end());
        tokens[token] = {did, exp, refresh};
        return token;
    }

    void rate_headers(httplib::Response& res) {
        res.set_header("ratelimit-limit", "3000");
        res.set_header("ratelimit-remaining", "2999");
        res.set_header("ratelimit-reset", std::to_string(epoch(now()) + 300));
        res.set_header("ratelimit-policy", "3000;w=300");
    }

    // Under the lock: the DID of a valid access token, else answers and "".
    std::string authorize(const httplib::Request& req, httplib::Response& res) {
        const std::string header = req.get_header_value("Authorization");
        if (!header.starts_with("Bearer ")) {
            xrpc_error(res, 401, "AuthMissing", "Authentication Required");
            return "";
        }
        const auto it = tokens.find(header.substr(7));
        if (it == tokens.end() || it->second.refresh) {
            xrpc_error(res, 400, "InvalidToken", "Token could not be verified");
            return "";
        }
        if (it->second.exp <= epoch(now())) {
            xrpc_error(res, 400, "ExpiredToken", "Token has expired");
            return "";
        }
        rate_headers(res);
        return it->second.did;
    }

    void create_session(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const json body = json::parse(req.body, nullptr, false);
        if (!req.get_header_value("Content-Type").starts_with("application/json") ||
            !body.is_object() || !body.value("identifier", json()).is_string() ||
            !body.value("password", json()).is_string())
            return xrpc_error(res, 400, "InvalidRequest",
                              "Input must have the property \"identifier\"");
        std::string id = body["identifier"];
        for (const auto& [handle, account] : accounts) {
            if ((id == handle || id == account.first) && body["password"] == account.second) {
                const long long t = epoch(now());
                return answer(res, 200,
                              {{"accessJwt", jwt(account.first, false, t + 7200)},
                               {"refreshJwt", jwt(account.first, true, t + 90 * 86400)},
                               {"handle", handle},
                               {"did", account.first},
                               {"didDoc",
                                {{"id", account.first},
                                 {"service",
                                  {{{"id", "#atproto_pds"},
                                    {"type", "AtprotoPersonalDataServer"},
                                    {"serviceEndpoint", base_url()}}}}}},
                               {"active", true}});
            }
        }
        xrpc_error(res, 401, "AuthenticationRequired", "Invalid identifier or password");
    }

    // A refresh JWT as Bearer: a new pair; the old refresh JWT is spent.
    void refresh_session(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const std::string header = req.get_header_value("Authorization");
        const auto it =
            header.starts_with("Bearer ") ? tokens.find(header.substr(7)) : tokens.end();
        if (it == tokens.end() || !it->second.refresh)
            return xrpc_error(res, 400, "InvalidToken", "Token could not be verified");
        if (it->second.exp <= epoch(now()))
            return xrpc_error(res, 400, "ExpiredToken", "Token has been revoked");
        const std::string did = it->second.did;
        it->second.exp = 0;
        std::string handle;
        for (const auto& [h, account] : accounts)
            if (account.first == did)
                handle = h;
        const long long t = epoch(now());
        answer(res, 200,
               {{"accessJwt", jwt(did, false, t + 7200)},
                {"refreshJwt", jwt(did, true, t + 90 * 86400)},
                {"handle", handle},
                {"did", did},
                {"active", true}});
    }

    void get_session(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const std::string did = authorize(req, res);
        if (did.empty())
            return;
        for (const auto& [handle, account] : accounts) {
            if (account.first == did)
                return answer(res, 200, {{"handle", handle}, {"did", did}, {"active", true}});
        }
        xrpc_error(res, 400, "InvalidRequest", "account not found");
    }

    FakeRecord* find(const std::string& did, const std::string& rkey) {
        for (auto& r : records) {
            if (r.did == did && r.rkey == rkey)
                return &r;
        }
        return nullptr;
    }

    std::string repo_did(const std::string& repo) const {
        if (const auto it = handles.find(repo); it != handles.end())
            return it->second;
        return repo;
    }

    // putRecord (put=true) and createRecord.
    void write(const httplib::Request& req, httplib::Response& res, bool put) {
        std::lock_guard lock(mutex);
        const std::string did = authorize(req, res);
        if (did.empty())
            return;
        if (put)
            put_bodies.push_back(req.body);
        const json body = json::parse(req.body, nullptr, false);
        if (!req.get_header_value("Content-Type").starts_with("application/json") ||
            !body.is_object() || !body.value("repo", json()).is_string() ||
            !body.value("record", json()).is_object())
            return xrpc_error(res, 400, "InvalidRequest",
                              "Input must have the property \"record\"");
        if (repo_did(body["repo"]) != did)
            return xrpc_error(res, 401, "AuthRequiredError", "Invalid did");
        if (body.value("collection", "") != k_post)
            return xrpc_error(res, 400, "InvalidRequest", "Unsupported collection");
        const std::string rkey = body.value("rkey", put ? "" : "3aaaaaaaaaaa2");
        if (!valid_tid(rkey))
            return xrpc_error(res, 400, "InvalidRequest", "Invalid rkey: " + rkey);
        Lookups lookups{[&](const std::string& cid) -> std::optional<std::size_t> {
                            for (const auto& b : blobs)
                                if (b.did == did && b.cid == cid)
                                    return b.size;
                            return std::nullopt;
                        },
                        [&](const std::string& uri) {
                            for (const auto& r : records)
                                if (r.uri == uri)
                                    return r.cid;
                            return std::string();
                        },
                        max_image_bytes};
        if (const std::string why = invalid_post(body["record"], lookups); !why.empty())
            return xrpc_error(res, 400, "InvalidRequest",
                              "Invalid app.bsky.feed.post record: " + why);
        const std::string value = body["record"].dump();
        const std::string cid = fake_cid(value);
        const bool swap_null = body.contains("swapRecord") && body["swapRecord"].is_null();
        FakeRecord* existing = find(did, rkey);
        if (existing && !put)  // the MST add throws: a plain 500, not a conflict
            return xrpc_error(res, 500, "InternalServerError", "Internal Server Error");
        if (existing && existing->cid != cid && swap_null)
            return xrpc_error(res, 400, "InvalidSwap", "Record was at " + existing->cid);
        if (existing) {  // identical: a no-op; else overwritten (no swap asked)
            existing->cid = cid;
            existing->value = value;
        } else {
            records.push_back(
                {did, rkey, "at://" + did + "/" + k_post + "/" + rkey, cid, value, swap_null});
            ++created;
            existing = &records.back();
        }
        answer(res, 200,
               {{"uri", existing->uri},
                {"cid", existing->cid},
                {"commit", {{"cid", fake_cid(value, "bafyreic")}, {"rev", "3l6ovee"}}},
                {"validationStatus", "valid"}});
    }

    void get_record(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const std::string repo = repo_did(req.get_param_value("repo"));
        const std::string rkey = req.get_param_value("rkey");
        if (req.get_param_value("collection") != k_post || rkey.empty())
            return xrpc_error(res, 400, "InvalidRequest", "Error: Params must have collection");
        if (const FakeRecord* r = find(repo, rkey))
            return answer(res, 200,
                          {{"uri", r->uri}, {"cid", r->cid}, {"value", json::parse(r->value)}});
        xrpc_error(res, 400, "RecordNotFound",
                   "Could not locate record: at://" + repo + "/" + k_post + "/" + rkey);
    }

    void upload_blob(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const std::string did = authorize(req, res);
        if (did.empty())
            return;
        const std::string type = req.get_header_value("Content-Type");
        if (req.body.empty() || type.empty() || type.starts_with("multipart/") ||
            type.starts_with("application/json"))
            return xrpc_error(res, 400, "InvalidRequest", "request must carry the raw blob");
        if (req.body.size() > k_upload_limit)
            return xrpc_error(res, 413, "PayloadTooLarge", "request entity too large");
        FakeBlob blob{did, fake_cid(req.body, "bafkrei"), type, req.body.size()};
        blobs.push_back(blob);
        answer(res, 200,
               {{"blob",
                 {{"$type", "blob"},
                  {"ref", {{"$link", blob.cid}}},
                  {"mimeType", blob.mime_type},
                  {"size", blob.size}}}});
    }

    void resolve_handle(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const auto it = handles.find(req.get_param_value("handle"));
        if (it == handles.end())
            return xrpc_error(res, 400, "InvalidRequest", "Unable to resolve handle");
        answer(res, 200, {{"did", it->second}});
    }

    void add_routes() {
        using R = const httplib::Request&;
        using W = httplib::Response&;
        const std::string x = "/xrpc/";
        server.Post(x + "com.atproto.server.createSession",
                    book.wrap(k_create_session, [this](R q, W s) { create_session(q, s); }));
        server.Post(x + "com.atproto.server.refreshSession",
                    book.wrap(k_refresh_session, [this](R q, W s) { refresh_session(q, s); }));
        server.Get(x + "com.atproto.server.getSession",
                   book.wrap(k_get_session, [this](R q, W s) { get_session(q, s); }));
        server.Post(x + "com.atproto.repo.putRecord",
                    book.wrap(k_put_record, [this](R q, W s) { write(q, s, true); }));
        server.Post(x + "com.atproto.repo.createRecord",
                    book.wrap(k_create_record, [this](R q, W s) { write(q, s, false); }));
        server.Get(x + "com.atproto.repo.getRecord",
                   book.wrap(k_get_record, [this](R q, W s) { get_record(q, s); }));
        server.Post(x + "com.atproto.repo.uploadBlob",
                    book.wrap(k_upload_blob, [this](R q, W s) { upload_blob(q, s); }));
        server.Get(x + "com.atproto.identity.resolveHandle",
                   book.wrap(k_resolve_handle, [this](R q, W s) { resolve_handle(q, s); }));
    }
};

FakeBluesky::FakeBluesky() : m_impl(std::make_unique<Impl>()) {
    m_impl->add_routes();
    m_impl->port = start_server(m_impl->server, m_impl->thread, "fake bluesky");
}

FakeBluesky::~FakeBluesky() {
    stop_server(m_impl->server, m_impl->thread);
}

std::string FakeBluesky::base_url() const {
    return m_impl->base_url();
}

void FakeBluesky::add_account(const std::string& handle, const std::string& did,
                              const std::string& app_password) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->accounts[handle] = {did, app_password};
    m_impl->handles[handle] = did;
}

void FakeBluesky::add_handle(const std::string& handle, const std::string& did) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->handles[handle] = did;
}

std::string FakeBluesky::issue_token(const std::string& did) {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->jwt(did, false, epoch(m_impl->now()) + 7200);
}

void FakeBluesky::expire_tokens() {
    std::lock_guard lock(m_impl->mutex);
    for (auto& [token, session] : m_impl->tokens) {
        if (!session.refresh)
            session.exp = 0;
    }
}

void FakeBluesky::revoke_refresh_tokens() {
    std::lock_guard lock(m_impl->mutex);
    for (auto& [token, session] : m_impl->tokens) {
        if (session.refresh)
            session.exp = 0;
    }
}

void FakeBluesky::set_clock(std::function<Instant()> now) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->now = std::move(now);
}

void FakeBluesky::set_max_image_bytes(std::size_t bytes) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->max_image_bytes = bytes;
}

void FakeBluesky::inject(const std::string& route, FakeFault fault, int times) {
    m_impl->book.inject(route, fault, times);
}

void FakeBluesky::rate_limit(const std::string& route, long long reset_epoch, int times) {
    FakeFault fault;
    fault.status = 429;
    fault.body = R"({"error":"RateLimitExceeded","message":"Rate Limit Exceeded"})";
    fault.headers = {{"ratelimit-limit", "5000"},
                     {"ratelimit-remaining", "0"},
                     {"ratelimit-reset", std::to_string(reset_epoch)},
                     {"ratelimit-policy", "5000;w=3600"}};
    inject(route, fault, times);
}

std::vector<FakeRecord> FakeBluesky::records() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->records;
}

std::vector<FakeBlob> FakeBluesky::blobs() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->blobs;
}

int FakeBluesky::records_created() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->created;
}

int FakeBluesky::requests(const std::string& route) const {
    return m_impl->book.count(route);
}

std::vector<std::string> FakeBluesky::request_log() const {
    return m_impl->book.log();
}

std::vector<std::string> FakeBluesky::put_bodies() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->put_bodies;
}

}  // namespace postsched::fakes
