// The versioned Graph request shared by the Meta adapters.
#include "adapters/meta/graph.hpp"

#include <cctype>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"

namespace postsched::adapters::meta {

using nlohmann::json;
using Kind = Outcome::Kind;

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

std::string string_field(const json& object, const char* key) {
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

net::HttpResponse Graph::send(const std::string& method, const std::string& path,
                              const Params& params, std::string_view what, Call call_kind) const {
    net::HttpRequest request;
    request.method = method;
    request.url = base + "/" + version + path;
    request.timeout = timeout;
    request.headers.emplace_back("Accept", "application/json");
    // The header keeps the token out of URLs (and so out of any log line).
    request.headers.emplace_back("Authorization", "Bearer " + token);
    if (method == "POST") {
        request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        request.body = net::form_encode(params);
    } else if (!params.empty()) {
        request.url += (path.find('?') == std::string::npos ? "?" : "&") + net::form_encode(params);
    }
    return exchange(request, what, call_kind);
}

net::HttpResponse Graph::exchange(net::HttpRequest& request, std::string_view what,
                                  Call call_kind) const {
    try {
        return http.send(request);
    } catch (const net::TransportError& error) {
        throw Stop{classify_transport(error, platform, what, call_kind)};
    } catch (const Error& error) {
        throw Stop{Outcome::failure(Kind::permanent, error.what())};  // refused URL
    }
}

json Graph::upload(const std::string& path, const std::vector<net::MultipartPart>& parts,
                   std::string_view what, Call call_kind) const {
    net::MultipartBody body = net::build_multipart(parts);
    net::HttpRequest request;
    request.method = "POST";
    request.url = base + "/" + version + path;
    request.timeout = timeout;
    request.headers = {{"Accept", "application/json"},
                       {"Authorization", "Bearer " + token},
                       {"Content-Type", body.content_type}};
    request.body = std::move(body.body);
    return object_or_stop(exchange(request, what, call_kind), what, call_kind);
}

json Graph::call(const std::string& method, const std::string& path, const Params& params,
                 std::string_view what, Call call_kind) const {
    return object_or_stop(send(method, path, params, what, call_kind), what, call_kind);
}

json Graph::object_or_stop(const net::HttpResponse& response, std::string_view what,
                           Call call_kind) const {
    if (response.status == 200) {
        json body = json::parse(response.body, nullptr, false);
        if (body.is_object())
            return body;
    }
    throw Stop{classify(response, what, call_kind)};
}

Outcome Graph::classify(const net::HttpResponse& response, std::string_view what,
                        Call call_kind) const {
    return classify_graph(response, platform, account, what, call_kind, clock.now());
}

Graph make_graph(net::HttpClient& http, const Clock& clock, const config::PlatformConfig& platform,
                 std::string_view name, std::string_view default_base,
                 std::string_view default_version, const Account& account, std::string token) {
    std::string base = platform.api_base.empty() ? std::string(default_base) : platform.api_base;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    std::string version =
        platform.graph_version.empty() ? std::string(default_version) : platform.graph_version;
    return Graph{http,
                 clock,
                 std::string(name),
                 std::move(base),
                 std::move(version),
                 std::move(token),
                 platform.timeout,
                 account.name};
}

std::optional<Instant> parse_graph_time(std::string_view text) {
    std::string s(text);
    // "+0000" → "+00:00"
    if (s.size() > 5 && (s[s.size() - 5] == '+' || s[s.size() - 5] == '-') &&
        s.find(':', s.size() - 5) == std::string::npos) {
        s.insert(s.size() - 2, ":");
    }
    return parse_offset_instant(s);
}

void throw_for_account(const Outcome& outcome) {
    switch (outcome.kind) {
        case Kind::auth_expired:
            throw Error(Exit::no_perm, outcome.message);
        case Kind::permanent:
        case Kind::duplicate:
            throw Error(Exit::data, outcome.message);
        default:
            throw Error(Exit::unavailable, outcome.message);
    }
}

AccountProfile read_profile(const Graph& graph, const std::string& node, const std::string& fields,
                            const char* username_key) {
    json body;
    try {
        body = graph.call("GET", "/" + net::url_encode(node), {{"fields", fields}},
                          "the account lookup", Call::read);
    } catch (const Stop& stop) {
        throw_for_account(stop.outcome);
    }
    AccountProfile profile;
    profile.platform_account_id = string_field(body, "id");
    if (profile.platform_account_id.empty()) {
        throw Error(Exit::unavailable, graph.platform + " answered the lookup of account " +
                                           in_quotes(graph.account) + " without an id");
    }
    profile.username = string_field(body, username_key);
    profile.display_name = string_field(body, "name");
    return profile;
}

}  // namespace postsched::adapters::meta
