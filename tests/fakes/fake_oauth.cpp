// The fake OAuth authorization server (see fake_oauth.hpp).
#include "fakes/fake_oauth.hpp"
#include "fakes/loopback_bind.hpp"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace postsched::fakes {
namespace {

using nlohmann::json;
using Params = std::multimap<std::string, std::string>;
using Auth = FakeOAuthOptions::Auth;

std::string b64(std::string_view bytes, bool url) {
    static const char* std_abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char* url_abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char* abc = url ? url_abc : std_abc;
    std::string out;
    unsigned val = 0;
    int bits = -6;
    for (unsigned char c : bytes) {
        val = (val << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out += abc[(val >> bits) & 63];
            bits -= 6;
        }
    }
    if (bits > -6)
        out += abc[((val << 8) >> (bits + 8)) & 63];
    if (!url)
        while (out.size() % 4)
            out += '=';
    return out;
}

std::string b64_decode(const std::string& in) {
    std::string out;
    unsigned val = 0;
    int bits = -8;
    for (char c : in) {
        int d;
        if (c >= 'A' && c <= 'Z')
            d = c - 'A';
        else if (c >= 'a' && c <= 'z')
            d = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            d = c - '0' + 52;
        else if (c == '+' || c == '-')
            d = 62;
        else if (c == '/' || c == '_')
            d = 63;
        else
            break;
        val = (val << 6) + static_cast<unsigned>(d);
        bits += 6;
        if (bits >= 0) {
            out += static_cast<char>((val >> bits) & 0xFF);
            bits -= 8;
        }
    }
    return out;
}

// Computed here with OpenSSL, independently of the product's PKCE code.
std::string s256(const std::string& verifier) {
    unsigned char digest[32];
    unsigned int n = 0;
    EVP_Digest(verifier.data(), verifier.size(), digest, &n, EVP_sha256(), nullptr);
    return b64(std::string_view(reinterpret_cast<char*>(digest), n), true);
}

std::string random_token(const char* prefix) {
    unsigned char raw[18];
    RAND_bytes(raw, sizeof raw);
    return prefix + b64(std::string_view(reinterpret_cast<char*>(raw), sizeof raw), true);
}

std::string param(const Params& p, const std::string& k) {
    auto it = p.find(k);
    return it == p.end() ? "" : it->second;
}

std::string url_decode(const std::string& s) {
    return httplib::detail::decode_url(s, true);
}

void oauth_error(httplib::Response& res, int status, const std::string& error,
                 const std::string& description) {
    res.status = status;
    res.set_content(json{{"error", error}, {"error_description", description}}.dump(),
                    "application/json");
}

struct Code {
    std::string client_id, redirect_uri, challenge, method;
    Instant issued{};
    bool used = false;
};

struct Grant {
    std::string refresh;          // current
    std::set<std::string> spent;  // rotated away
    std::set<std::string> access;
    bool revoked = false;
};

}  // namespace

struct FakeOAuth::Impl {
    FakeOAuthOptions o;
    httplib::Server server;
    std::thread thread;
    int port = 0;
    mutable std::mutex mutex;
    FakeOAuth::Consent consent = FakeOAuth::Consent::approve;
    std::function<Instant()> now = [] {
        return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
    };
    bool down = false;
    Millis delay{0}, lateness{0};
    std::string forward;
    std::function<void(const std::string&)> hook;
    std::map<std::string, Code> codes;
    std::vector<Grant> grants;
    std::map<std::string, std::pair<std::string, std::string>> apps;  // id → secret, redirect
    int token_requests = 0, refresh_requests = 0, codes_issued = 0;
    std::vector<std::string> refusals;
    std::string last_authorize;
    std::string pages = "[]";

    void me_accounts(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        std::string h = req.get_header_value("Authorization");
        if (h.rfind("Bearer ", 0) != 0 || !grant_of_access(h.substr(7))) {
            refuse("me/accounts without a valid token");
            return graph_error(res);
        }
        res.set_content(json{{"data", json::parse(pages)}}.dump(), "application/json");
    }

    void refuse(const std::string& why) { refusals.push_back(why); }

    std::string secret_of(const std::string& id) const {
        if (o.mastodon) {
            auto it = apps.find(id);
            return it == apps.end() ? std::string() : it->second.first;
        }
        return id == o.client_id ? o.client_secret : std::string();
    }
    std::string redirect_of(const std::string& id) const {
        if (o.mastodon) {
            auto it = apps.find(id);
            return it == apps.end() ? std::string() : it->second.second;
        }
        return o.redirect_uri;
    }

    // Issues an access (and refresh) token on grant `g`.
    json issue(std::size_t g, bool with_refresh) {
        std::string access = random_token("AT-");
        grants[g].access.insert(access);
        json j = {{"token_type", "bearer"}, {"access_token", access}};
        if (o.expires_in > 0)
            j["expires_in"] = o.expires_in;
        if (with_refresh) {
            if (!grants[g].refresh.empty())
                grants[g].spent.insert(grants[g].refresh);
            grants[g].refresh = random_token("RT-");
            j["refresh_token"] = grants[g].refresh;
        }
        if (hook)
            hook(access);
        return j;
    }

    // The client's authentication, in the configured style; empty: refused (answered).
    std::string client(const httplib::Request& req, const Params& body, httplib::Response& res) {
        std::string id, secret;
        if (o.auth == Auth::basic) {
            std::string h = req.get_header_value("Authorization");
            if (h.rfind("Basic ", 0) == 0) {
                std::string pair = b64_decode(h.substr(6));
                auto colon = pair.find(':');
                if (colon != std::string::npos) {
                    id = url_decode(pair.substr(0, colon));
                    secret = url_decode(pair.substr(colon + 1));
                }
            }
            if (id.empty()) {
                refuse("no basic authorization");
                oauth_error(res, 401, "unauthorized_client", "Missing valid authorization header");
                return "";
            }
        } else {
            const Params& where = o.auth == Auth::query ? req.params : body;
            id = param(where, "client_id");
            secret = param(where, "client_secret");
        }
        if (id.empty() || secret_of(id).empty() || secret != secret_of(id)) {
            refuse("client authentication failed");
            oauth_error(res, 401, "invalid_client", "Client authentication failed");
            return "";
        }
        return id;
    }

    void authorize(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        std::string q;
        for (const auto& [k, v] : req.params)
            q += (q.empty() ? "" : "&") + k + "=" + v;
        last_authorize = q;
        std::string id = param(req.params, "client_id");
        std::string redirect = param(req.params, "redirect_uri");
        auto page = [&](const std::string& why) {
            refuse(why);
            res.status = 400;
            res.set_content("<p>" + why + "</p>", "text/html");
        };
        if (param(req.params, "response_type") != "code")
            return page("response_type must be code");
        if (id.empty() || secret_of(id).empty())
            return page("unknown client_id");
        if (redirect != redirect_of(id))
            return page("redirect_uri mismatch");
        if (param(req.params, "state").empty())
            return page("state missing");
        std::string challenge = param(req.params, "code_challenge");
        std::string method = param(req.params, "code_challenge_method");
        if (o.require_pkce && (challenge.empty() || method != "S256"))
            return page("PKCE S256 required");
        std::string state = param(req.params, "state");
        std::string sep = redirect.find('?') == std::string::npos ? "?" : "&";
        if (consent == FakeOAuth::Consent::deny) {
            res.set_redirect(redirect + sep +
                             "error=access_denied&error_description=The+user+denied+access&state=" +
                             httplib::detail::encode_query_param(state));
            return;
        }
        std::string code = random_token("C-");
        codes[code] = {id, redirect, challenge, method, now()};
        ++codes_issued;
        if (consent == FakeOAuth::Consent::forge_state)
            state = "forged-" + state.substr(0, 4);
        res.set_redirect(redirect + sep + "code=" + code +
                         "&state=" + httplib::detail::encode_query_param(state));
    }

    bool held(httplib::Response& res) {
        ++token_requests;
        if (down) {
            res.status = 503;
            res.set_content(R"({"error":"temporarily_unavailable"})", "application/json");
            return true;
        }
        return false;
    }

    void token(const httplib::Request& req, httplib::Response& res) {
        if (delay.count() > 0)
            std::this_thread::sleep_for(delay);
        std::lock_guard lock(mutex);
        if (held(res))
            return;
        Params body;
        if (req.method == "POST") {
            if (req.get_header_value("Content-Type")
                    .rfind("application/x-www-form-urlencoded", 0) != 0) {
                refuse("token body is not form-encoded");
                return oauth_error(res, 400, "invalid_request", "Content-Type must be form");
            }
            httplib::detail::parse_query_text(req.body, body);
        } else if (o.auth != Auth::query) {
            refuse("token request must be POST");
            return oauth_error(res, 405, "invalid_request", "use POST");
        }
        const Params& p = req.method == "POST" ? body : req.params;
        std::string id = client(req, body, res);
        if (id.empty())
            return;
        std::string grant_type = param(p, "grant_type");
        if (o.auth == Auth::query && grant_type.empty() && !param(p, "code").empty())
            grant_type = "authorization_code";  // Facebook's GET form
        if (grant_type == "authorization_code")
            return code_grant(p, id, res);
        if (grant_type == "refresh_token")
            return refresh_grant(param(p, "refresh_token"), res);
        if (grant_type == "fb_exchange_token")
            return long_lived(param(p, "fb_exchange_token"), res);
        refuse("unsupported grant_type " + grant_type);
        oauth_error(res, 400, "unsupported_grant_type", "grant_type not supported");
    }

    void code_grant(const Params& p, const std::string& id, httplib::Response& res) {
        auto invalid = [&](const std::string& why) {
            refuse(why);
            oauth_error(res, 400, "invalid_request",
                        "Value passed for the authorization code was invalid.");
        };
        auto it = codes.find(param(p, "code"));
        if (it == codes.end())
            return invalid("unknown code");
        Code& c = it->second;
        if (c.used)
            return invalid("code reused");
        c.used = true;
        if (now() + lateness - c.issued > o.code_lifetime)
            return invalid("code expired");
        if (c.client_id != id)
            return invalid("code of another client");
        if (param(p, "redirect_uri") != c.redirect_uri)
            return invalid("redirect_uri differs from the authorization request");
        if (!c.challenge.empty() && s256(param(p, "code_verifier")) != c.challenge)
            return invalid("code_verifier does not match the code_challenge");
        grants.push_back({});
        res.set_content(issue(grants.size() - 1, o.issue_refresh).dump(), "application/json");
    }

    void refresh_grant(const std::string& token, httplib::Response& res) {
        ++refresh_requests;
        auto dead = [&](const std::string& why) {
            refuse(why);
            oauth_error(res, 400, "invalid_request", "Value passed for the token was invalid.");
        };
        for (std::size_t g = 0; g < grants.size(); ++g) {
            Grant& gr = grants[g];
            if (gr.spent.count(token)) {
                // Reuse of a rotated token: the whole family dies (X).
                gr.revoked = true;
                gr.access.clear();
                gr.refresh.clear();
                return dead("spent refresh token reused: grant revoked");
            }
            if (!gr.revoked && !token.empty() && gr.refresh == token) {
                if (!o.rotate_refresh) {
                    json j = issue(g, false);
                    j["refresh_token"] = gr.refresh;
                    return res.set_content(j.dump(), "application/json");
                }
                return res.set_content(issue(g, true).dump(), "application/json");
            }
        }
        dead("unknown refresh token");
    }

    std::optional<std::size_t> grant_of_access(const std::string& token) const {
        for (std::size_t g = 0; g < grants.size(); ++g)
            if (!grants[g].revoked && grants[g].access.count(token))
                return g;
        return std::nullopt;
    }

    void graph_error(httplib::Response& res) {
        res.status = 400;
        res.set_content(
            R"({"error":{"message":"Error validating access token","type":"OAuthException","code":190}})",
            "application/json");
    }

    void long_lived(const std::string& token, httplib::Response& res) {
        auto g = grant_of_access(token);
        if (!g) {
            refuse("exchange of an unknown token");
            return graph_error(res);
        }
        json j = issue(*g, false);
        j["expires_in"] = 5183944;
        res.set_content(j.dump(), "application/json");
    }

    // GET /access_token (Threads exchange), GET /refresh_access_token (IG/Threads).
    void meta_get(const httplib::Request& req, httplib::Response& res, bool refresh) {
        std::lock_guard lock(mutex);
        if (held(res))
            return;
        std::string grant = param(req.params, "grant_type");
        bool ok = refresh ? (grant == "ig_refresh_token" || grant == "th_refresh_token")
                          : (grant == "th_exchange_token" || grant == "ig_exchange_token");
        if (!ok) {
            refuse("bad grant_type " + grant);
            return graph_error(res);
        }
        if (!refresh && param(req.params, "client_secret") != o.client_secret) {
            refuse("exchange without the client secret");
            return graph_error(res);
        }
        if (refresh)
            ++refresh_requests;
        auto g = grant_of_access(param(req.params, "access_token"));
        if (!g) {
            refuse("unknown access token");
            return graph_error(res);
        }
        json j = issue(*g, false);
        j["expires_in"] = 5183944;
        res.set_content(j.dump(), "application/json");
    }

    std::string jwt(Instant exp) {
        json payload = {
            {"exp",
             std::chrono::duration_cast<std::chrono::seconds>(exp.time_since_epoch()).count()},
            {"jti", random_token("")}};
        return b64(R"({"alg":"HS256","typ":"JWT"})", true) + "." + b64(payload.dump(), true) +
               ".sig";
    }

    void bluesky_refresh(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        if (held(res))
            return;
        ++refresh_requests;
        std::string h = req.get_header_value("Authorization");
        if (h.rfind("Bearer ", 0) != 0) {
            res.status = 401;
            return res.set_content(R"({"error":"AuthMissing","message":"Authentication Required"})",
                                   "application/json");
        }
        std::string token = h.substr(7);
        for (auto& gr : grants) {
            if (!gr.revoked && gr.refresh == token) {
                gr.spent.insert(token);
                gr.refresh = jwt(now() + std::chrono::hours(24 * 90));
                std::string access = jwt(now() + std::chrono::hours(2));
                gr.access.insert(access);
                json j = {{"accessJwt", access},
                          {"refreshJwt", gr.refresh},
                          {"handle", "alice.test"},
                          {"did", "did:plc:alice"}};
                return res.set_content(j.dump(), "application/json");
            }
        }
        refuse("bluesky refresh with a revoked token");
        res.status = 400;
        res.set_content(R"({"error":"ExpiredToken","message":"Token has been revoked"})",
                        "application/json");
    }

    void register_app(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        json body = json::parse(req.body, nullptr, false);
        if (!body.is_object() || !body.contains("client_name") || !body.contains("redirect_uris") ||
            !body["redirect_uris"].is_string()) {
            res.status = 422;
            return res.set_content(
                R"({"error":"Validation failed: Redirect URI must be an absolute URI."})",
                "application/json");
        }
        std::string id = random_token("app-"), secret = random_token("appsecret-");
        apps[id] = {secret, body["redirect_uris"].get<std::string>()};
        res.set_content(json{{"id", "1"},
                             {"name", body["client_name"]},
                             {"redirect_uri", body["redirect_uris"]},
                             {"client_id", id},
                             {"client_secret", secret}}
                            .dump(),
                        "application/json");
    }

    void proxy(const httplib::Request& req, httplib::Response& res) {
        std::string target;
        {
            std::lock_guard lock(mutex);
            target = forward;
        }
        if (target.empty()) {
            res.status = 404;
            return res.set_content(R"({"error":"Record not found"})", "application/json");
        }
        httplib::Client cli(target);
        httplib::Headers h;
        for (const auto& [k, v] : req.headers)
            if (k == "Authorization" || k == "Idempotency-Key")
                h.emplace(k, v);
        std::string path = req.target;
        httplib::Result r = req.method == "GET"
                                ? cli.Get(path, h)
                                : cli.Post(path, h, req.body, req.get_header_value("Content-Type"));
        if (!r) {
            res.status = 502;
            return;
        }
        res.status = r->status;
        res.set_content(r->body, r->get_header_value("Content-Type"));
        for (const auto& [k, v] : r->headers)
            if (k.rfind("X-RateLimit", 0) == 0)
                res.set_header(k, v);
    }
};

FakeOAuth::FakeOAuth(FakeOAuthOptions options) : m_impl(std::make_unique<Impl>()) {
    Impl* i = m_impl.get();
    i->o = std::move(options);
    auto& s = i->server;
    s.Get("/authorize", [i](const auto& req, auto& res) { i->authorize(req, res); });
    s.Get("/oauth/authorize", [i](const auto& req, auto& res) { i->authorize(req, res); });
    s.Post("/token", [i](const auto& req, auto& res) { i->token(req, res); });
    s.Get("/token", [i](const auto& req, auto& res) { i->token(req, res); });
    s.Post("/oauth/token", [i](const auto& req, auto& res) { i->token(req, res); });
    s.Get("/access_token", [i](const auto& req, auto& res) { i->meta_get(req, res, false); });
    s.Get("/refresh_access_token",
          [i](const auto& req, auto& res) { i->meta_get(req, res, true); });
    s.Post("/xrpc/com.atproto.server.refreshSession",
           [i](const auto& req, auto& res) { i->bluesky_refresh(req, res); });
    s.Get("/me/accounts", [i](const auto& req, auto& res) { i->me_accounts(req, res); });
    if (i->o.mastodon)
        s.Post("/api/v1/apps", [i](const auto& req, auto& res) { i->register_app(req, res); });
    s.Get(".*", [i](const auto& req, auto& res) { i->proxy(req, res); });
    s.Post(".*", [i](const auto& req, auto& res) { i->proxy(req, res); });
    i->port = bind_loopback(s);
    i->thread = std::thread([i] { i->server.listen_after_bind(); });
    while (!s.is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeOAuth::~FakeOAuth() {
    m_impl->server.stop();
    if (m_impl->thread.joinable())
        m_impl->thread.join();
}

std::string FakeOAuth::base_url() const {
    return "http://127.0.0.1:" + std::to_string(m_impl->port);
}

#define LOCKED std::lock_guard lock(m_impl->mutex)

void FakeOAuth::set_pages(const std::string& p) {
    LOCKED;
    m_impl->pages = p;
}
void FakeOAuth::set_redirect_uri(const std::string& uri) {
    LOCKED;
    m_impl->o.redirect_uri = uri;
}
void FakeOAuth::set_consent(Consent c) {
    LOCKED;
    m_impl->consent = c;
}
void FakeOAuth::set_clock(std::function<Instant()> now) {
    LOCKED;
    m_impl->now = std::move(now);
}
void FakeOAuth::set_down(bool down) {
    LOCKED;
    m_impl->down = down;
}
void FakeOAuth::set_token_delay(Millis d) {
    LOCKED;
    m_impl->delay = d;
}
void FakeOAuth::set_exchange_lateness(Millis l) {
    LOCKED;
    m_impl->lateness = l;
}
void FakeOAuth::forward_to(const std::string& base) {
    LOCKED;
    m_impl->forward = base;
}
void FakeOAuth::on_access_token(std::function<void(const std::string&)> hook) {
    LOCKED;
    m_impl->hook = std::move(hook);
}

std::string FakeOAuth::seed_grant() {
    LOCKED;
    m_impl->grants.push_back({});
    return m_impl->issue(m_impl->grants.size() - 1, true)["refresh_token"].get<std::string>();
}

std::string FakeOAuth::seed_access_token() {
    LOCKED;
    m_impl->grants.push_back({});
    return m_impl->issue(m_impl->grants.size() - 1, false)["access_token"].get<std::string>();
}

std::string FakeOAuth::seed_session(Instant refresh_expiry) {
    LOCKED;
    Grant g;
    g.refresh = m_impl->jwt(refresh_expiry);
    m_impl->grants.push_back(g);
    return g.refresh;
}

bool FakeOAuth::access_token_valid(const std::string& t) const {
    LOCKED;
    return m_impl->grant_of_access(t).has_value();
}

bool FakeOAuth::refresh_token_valid(const std::string& t) const {
    LOCKED;
    for (const auto& g : m_impl->grants)
        if (!g.revoked && g.refresh == t)
            return true;
    return false;
}

int FakeOAuth::grants_revoked() const {
    LOCKED;
    int n = 0;
    for (const auto& g : m_impl->grants)
        n += g.revoked ? 1 : 0;
    return n;
}

int FakeOAuth::token_requests() const {
    LOCKED;
    return m_impl->token_requests;
}
int FakeOAuth::refresh_requests() const {
    LOCKED;
    return m_impl->refresh_requests;
}
int FakeOAuth::codes_issued() const {
    LOCKED;
    return m_impl->codes_issued;
}
std::vector<std::string> FakeOAuth::refusals() const {
    LOCKED;
    return m_impl->refusals;
}
std::string FakeOAuth::last_authorize_query() const {
    LOCKED;
    return m_impl->last_authorize;
}

}  // namespace postsched::fakes
