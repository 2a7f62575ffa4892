// The X API client (Bearer or OAuth 1.0a signed), resume state and the text
// form used to recognise a post already published.
#include <nlohmann/json.hpp>

#include "adapters/x/x_credentials.hpp"
#include "adapters/x/x_internal.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "text/twitter_text.hpp"

namespace postsched::adapters::x {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// Builds a new string (std::string::replace trips GCC 12's -Wrestrict).
std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
    std::string out;
    std::size_t start = 0;
    for (auto at = s.find(from); at != std::string_view::npos; at = s.find(from, start)) {
        out.append(s.substr(start, at - start)).append(to);
        start = at + from.size();
    }
    out.append(s.substr(start));
    return out;
}

}  // namespace

Api make_api(net::HttpClient& http, const Clock& clock, std::string base, const std::string& token,
             Millis timeout) {
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    Api api{http, clock, std::move(base), {}, oauth1_from_token(token), timeout};
    if (!api.oauth1)
        api.bearer = token;
    return api;
}

net::HttpResponse Api::send(const std::string& method, const std::string& path,
                            std::string_view what, std::string body,
                            const std::string& content_type) const {
    net::HttpRequest request;
    request.method = method;
    request.url = base + path;
    request.timeout = timeout;
    request.headers.emplace_back("Accept", "application/json");
    try {
        // JSON and multipart bodies are not part of an OAuth 1.0a signature.
        const std::string authorization =
            oauth1
                ? net::oauth1_authorization(method, request.url, {}, *oauth1, net::oauth1_nonce(),
                                            std::to_string(to_unix_seconds(clock.now())))
                : "Bearer " + bearer;
        request.headers.emplace_back("Authorization", authorization);
        if (!content_type.empty())
            request.headers.emplace_back("Content-Type", content_type);
        request.body = std::move(body);
        return http.send(request);
    } catch (const net::TransportError& error) {
        throw Stop{classify_transport(error, what)};
    } catch (const Error& error) {
        throw Stop{Outcome::failure(Kind::permanent, error.what())};  // refused URL
    }
}

ResumeState parse_state(std::string_view text) {
    const json state = json::parse(text, nullptr, false);
    const auto bad = [] { return Error(Exit::data, "the saved x state is unreadable"); };
    if (state.is_discarded() || !state.is_object())
        throw bad();
    ResumeState out;
    try {
        for (const auto& id : state.value("parts", json::array()))
            out.parts.push_back(id.get<std::string>());
        for (const auto& m : state.value("media", json::array())) {
            out.media.push_back({m.at("id").get<std::string>(), m.value("next_segment", 0u),
                                 m.value("finalized", false), m.value("ready", false),
                                 m.value("expires_at", 0LL), m.value("described", false)});
        }
        if (state.contains("inflight"))
            out.inflight = state["inflight"].get<std::size_t>();
        out.inflight_at = state.value("inflight_at", 0LL);
    } catch (const json::exception&) {
        throw bad();
    }
    return out;
}

std::string dump_state(const ResumeState& state) {
    json media = json::array();
    for (const auto& m : state.media) {
        media.push_back({{"id", m.id},
                         {"next_segment", m.next_segment},
                         {"finalized", m.finalized},
                         {"ready", m.ready},
                         {"expires_at", m.expires_at},
                         {"described", m.described}});
    }
    json out = {{"parts", state.parts}, {"media", media}};
    if (state.inflight) {
        out["inflight"] = *state.inflight;
        out["inflight_at"] = state.inflight_at;
    }
    return out.dump();
}

std::string comparable(std::string_view text) {
    // X returns text with &, < and > as entities.
    const std::string s =
        replace_all(replace_all(replace_all(text, "&lt;", "<"), "&gt;", ">"), "&amp;", "&");
    // URLs come back as t.co links: compare them as a placeholder. The
    // extractor's offsets are UTF-16; rebuild around the UTF-8 URL texts.
    std::string out;
    std::size_t from = 0;
    for (const auto& url : text::extract_urls(s)) {
        const auto at = s.find(url.url, from);
        if (at == std::string::npos)
            continue;
        out.append(s, from, at - from).append("\x01");
        from = at + url.url.size();
    }
    out.append(s, from);
    std::string collapsed;
    for (char c : out) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (space && (collapsed.empty() || collapsed.back() == ' '))
            continue;
        collapsed += space ? ' ' : c;
    }
    while (!collapsed.empty() && collapsed.back() == ' ')
        collapsed.pop_back();
    return collapsed;
}

}  // namespace postsched::adapters::x
