// `account add bluesky`: com.atproto.server.createSession with an app
// password (platforms doc §4). Only the tokens it returns are kept.
#include "adapters/bluesky/bluesky_adapter.hpp"
#include "adapters/bluesky/bluesky_internal.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "crypto/fernet.hpp"
#include "net/http_client.hpp"
#include "oauth/token.hpp"

namespace postsched::adapters {
namespace {

using nlohmann::json;

std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The #atproto_pds service endpoint of a DID document, if it is https (or
// a loopback test server).
std::string pds_endpoint(const json& body) {
    const auto doc = body.find("didDoc");
    if (doc == body.end() || !doc->is_object() || !doc->contains("service") ||
        !(*doc)["service"].is_array()) {
        return {};
    }
    for (const auto& service : (*doc)["service"]) {
        if (!service.is_object() || !string_field(service, "id").ends_with("#atproto_pds"))
            continue;
        std::string endpoint = string_field(service, "serviceEndpoint");
        while (!endpoint.empty() && endpoint.back() == '/')
            endpoint.pop_back();
        if (endpoint.starts_with("https://") || endpoint.starts_with("http://127.0.0.1:"))
            return endpoint;
    }
    return {};
}

}  // namespace

BlueskySession create_bluesky_session(net::HttpClient& http, const std::string& base,
                                      const std::string& identifier, const std::string& password,
                                      Millis timeout) {
    net::HttpRequest request;
    request.method = "POST";
    request.url = base + "/xrpc/com.atproto.server.createSession";
    request.timeout = timeout;
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    request.body = json{{"identifier", identifier}, {"password", password}}.dump();
    const std::string who = "bluesky account " + in_quotes(identifier);
    net::HttpResponse response;
    try {
        response = http.send(request);
    } catch (const net::TransportError& error) {
        throw Error(Exit::unavailable,
                    "cannot reach " + base + " to log in " + who + ": " + error.what());
    }
    if (response.status == 401 || response.status == 400) {
        throw Error(Exit::no_perm, "bluesky refused the app password for " + who + ": " +
                                       bluesky::error_text(response));
    }
    if (response.status != 200) {
        throw Error(Exit::unavailable, "bluesky answered HTTP " + std::to_string(response.status) +
                                           " to createSession for " + who + ": " +
                                           bluesky::error_text(response));
    }
    const json body = json::parse(response.body, nullptr, false);
    BlueskySession session;
    if (body.is_object()) {
        session.access_jwt = string_field(body, "accessJwt");
        session.refresh_jwt = string_field(body, "refreshJwt");
        session.did = string_field(body, "did");
        session.handle = string_field(body, "handle");
        session.pds = pds_endpoint(body);
    }
    if (session.access_jwt.empty() || session.refresh_jwt.empty() || session.did.empty()) {
        throw Error(Exit::unavailable,
                    "bluesky answered createSession for " + who + " with an unreadable body");
    }
    if (session.pds.empty())
        session.pds = base;
    session.access_expiry = oauth::jwt_expiry(session.access_jwt);
    session.refresh_expiry = oauth::jwt_expiry(session.refresh_jwt);
    return session;
}

}  // namespace postsched::adapters
