#include "oauth/token.hpp"

#include <nlohmann/json.hpp>

#include "crypto/fernet.hpp"
#include "net/http_client.hpp"

namespace postsched::oauth {
namespace {

using nlohmann::json;
using Fields = std::vector<std::pair<std::string, std::string>>;

std::string platform_of(const Client& c) {
    return c.provider ? std::string(c.provider->platform) : std::string("the platform");
}

// "error: description" from an OAuth, Graph or XRPC error body.
std::string error_text(const std::string& body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return "";
    auto str = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
    if (j.contains("error") && j["error"].is_object()) {  // Graph: {"error":{"message",...}}
        const json& e = j["error"];
        std::string out = e.contains("message") ? str(e["message"]) : e.dump();
        if (e.contains("code"))
            out += " (code " + str(e["code"]) + ")";
        return out;
    }
    std::string out = j.contains("error") ? str(j["error"]) : "";
    for (const char* k : {"error_description", "message"})
        if (j.contains(k))
            out += (out.empty() ? "" : ": ") + str(j[k]);
    return out;
}

TokenSet parse_tokens(const std::string& body, const std::string& platform) {
    json j = json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("data") && j["data"].is_array() && !j["data"].empty())
        j = j["data"][0];  // Instagram Login sometimes wraps the answer
    auto str = [&](const char* k) {
        return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>()
                                                                  : std::string();
    };
    TokenSet t;
    t.access_token = str("access_token");
    if (t.access_token.empty())
        throw TokenError(false, platform + " token endpoint answered without an access token");
    t.refresh_token = str("refresh_token");
    t.scope = str("scope");
    t.user_id = str("user_id");
    if (t.user_id.empty() && j.contains("user_id") && j["user_id"].is_number())
        t.user_id = j["user_id"].dump();
    if (j.contains("expires_in") && j["expires_in"].is_number() &&
        j["expires_in"].get<long long>() > 0)
        t.expires_in = Seconds(j["expires_in"].get<long long>());
    return t;
}

// Sends and classifies: rejected (400/401/403 with an error), unavailable, or the body.
std::string call(net::HttpClient& http, net::HttpRequest req, const std::string& platform,
                 const std::string& what) {
    net::HttpResponse res;
    try {
        res = http.send(req);
    } catch (const net::TransportError& e) {
        throw TokenError(false,
                         platform + " token endpoint unreachable (" + what + "): " + e.what());
    }
    if (res.status >= 200 && res.status < 300)
        return res.body;
    std::string detail = error_text(res.body);
    std::string tail =
        " (HTTP " + std::to_string(res.status) + ")" + (detail.empty() ? "" : ": " + detail);
    if (res.status == 400 || res.status == 401 || res.status == 403)
        throw TokenError(true, platform + " refused the " + what + tail);
    throw TokenError(false, platform + " token endpoint failed (" + what + ")" + tail);
}

std::string basic_auth(const Client& c) {
    std::string b64 = crypto::urlsafe_b64encode(net::url_encode(c.client_id) + ":" +
                                                net::url_encode(c.client_secret));
    for (char& ch : b64)
        ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    return "Basic " + b64;
}

// POST form or GET query, with the client's authentication style.
net::HttpRequest token_request(const Client& c, const std::string& url, Fields fields,
                               Millis timeout) {
    net::HttpRequest req;
    req.timeout = timeout;
    req.headers.push_back({"Accept", "application/json"});
    switch (c.provider ? c.provider->client_auth : ClientAuth::body) {
        case ClientAuth::basic:
            fields.push_back({"client_id", c.client_id});
            if (!c.client_secret.empty())
                req.headers.push_back({"Authorization", basic_auth(c)});
            break;
        case ClientAuth::body:
        case ClientAuth::query:
            fields.push_back({"client_id", c.client_id});
            if (!c.client_secret.empty())
                fields.push_back({"client_secret", c.client_secret});
            break;
    }
    if (c.provider && c.provider->client_auth == ClientAuth::query) {
        req.method = "GET";
        req.url = url + (url.find('?') == std::string::npos ? "?" : "&") + net::form_encode(fields);
    } else {
        req.method = "POST";
        req.url = url;
        req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
        req.body = net::form_encode(fields);
    }
    return req;
}

}  // namespace

TokenSet exchange_code(net::HttpClient& http, const Client& client, const std::string& code,
                       const std::string& verifier, Millis timeout) {
    Fields f = {{"grant_type", "authorization_code"},
                {"code", code},
                {"redirect_uri", client.redirect_uri}};
    if (!verifier.empty())
        f.push_back({"code_verifier", verifier});
    std::string platform = platform_of(client);
    return parse_tokens(call(http, token_request(client, client.token_url, f, timeout), platform,
                             "authorization code"),
                        platform);
}

TokenSet refresh_grant(net::HttpClient& http, const Client& client,
                       const std::string& refresh_token, Millis timeout) {
    Fields f = {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
    std::string platform = platform_of(client);
    return parse_tokens(
        call(http, token_request(client, client.token_url, f, timeout), platform, "refresh token"),
        platform);
}

TokenSet long_lived_exchange(net::HttpClient& http, const Client& client,
                             const std::string& exchange_url, const std::string& grant_type,
                             const std::string& short_token, Millis timeout) {
    Fields f = {{"grant_type", grant_type}, {"client_secret", client.client_secret}};
    if (grant_type == "fb_exchange_token") {
        f.push_back({"client_id", client.client_id});
        f.push_back({"fb_exchange_token", short_token});
    } else {
        f.push_back({"access_token", short_token});
    }
    net::HttpRequest req;
    req.timeout = timeout;
    req.url = exchange_url + (exchange_url.find('?') == std::string::npos ? "?" : "&") +
              net::form_encode(f);
    std::string platform = platform_of(client);
    return parse_tokens(call(http, req, platform, "long-lived token exchange"), platform);
}

TokenSet refresh_long_lived(net::HttpClient& http, const Client& client,
                            const std::string& grant_type, const std::string& token,
                            Millis timeout) {
    net::HttpRequest req;
    req.timeout = timeout;
    req.url = client.refresh_url + "?" +
              net::form_encode({{"grant_type", grant_type}, {"access_token", token}});
    std::string platform = platform_of(client);
    return parse_tokens(call(http, req, platform, "long-lived token"), platform);
}

std::optional<Instant> jwt_expiry(const std::string& jwt) {
    auto first = jwt.find('.');
    auto second = jwt.find('.', first + 1);
    if (first == std::string::npos || second == std::string::npos)
        return std::nullopt;
    auto payload = crypto::urlsafe_b64decode(jwt.substr(first + 1, second - first - 1));
    if (!payload)
        return std::nullopt;
    json j = json::parse(*payload, nullptr, false);
    if (!j.is_object() || !j.contains("exp") || !j["exp"].is_number())
        return std::nullopt;
    return Instant(Seconds(j["exp"].get<long long>()));
}

TokenSet refresh_bluesky(net::HttpClient& http, const std::string& url,
                         const std::string& refresh_jwt, Instant now, Millis timeout) {
    net::HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.timeout = timeout;
    req.headers.push_back({"Authorization", "Bearer " + refresh_jwt});
    std::string body = call(http, req, "bluesky", "session refresh token");
    json j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("accessJwt") || !j["accessJwt"].is_string() ||
        !j.contains("refreshJwt") || !j["refreshJwt"].is_string())
        throw TokenError(false, "bluesky refreshSession answered without accessJwt/refreshJwt");
    TokenSet t;
    t.access_token = j["accessJwt"].get<std::string>();
    t.refresh_token = j["refreshJwt"].get<std::string>();
    if (auto exp = jwt_expiry(t.access_token))
        t.expires_in = std::chrono::duration_cast<Seconds>(*exp - now);
    return t;
}

}  // namespace postsched::oauth
