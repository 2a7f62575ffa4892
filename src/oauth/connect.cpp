#include "oauth/connect.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "config/config.hpp"
#include "net/http_client.hpp"
#include "oauth/authorize.hpp"

namespace postsched::oauth {
namespace {

using nlohmann::json;

constexpr const char* k_oob = "urn:ietf:wg:oauth:2.0:oob";

std::string api_base(const config::Config& config, const std::string& platform,
                     const std::string& fallback) {
    std::string b = config.platform(platform).api_base;
    return b.empty() ? fallback : b;
}

// The code: through the loopback listener where the platform and the
// redirect URI allow it, else pasted back.
std::string obtain_code(const Client& client, const AuthRequest& auth, const config::Config& config,
                        const ConnectOptions& o) {
    std::ostream& err = o.err ? *o.err : std::cerr;
    std::string platform(client.provider->platform);
    bool loopback = !o.no_browser && client.provider->loopback_allowed &&
                    is_loopback_redirect(client.redirect_uri);
    if (!loopback) {
        if (!o.no_browser)
            err << platform << " needs the paste-back flow (redirect URI " << client.redirect_uri
                << " is not a loopback address)\n";
        err << "Open this URL in a browser, approve, then paste the URL you are redirected to"
            << (client.redirect_uri == k_oob ? " (or the code shown)" : "") << ":\n\n"
            << auth.url << "\n\n> " << std::flush;
        launch_browser(o.no_browser ? "" : config.browser, auth.url);
        std::string line;
        std::istream& in = o.in ? *o.in : std::cin;
        std::getline(in, line);
        return code_from_paste(line, auth.state, platform);
    }
    err << "Open this URL in a browser and approve; postsched waits for the redirect to "
        << client.redirect_uri << ":\n\n"
        << auth.url << "\n"
        << std::flush;
    return wait_for_redirect(client.redirect_uri, auth.state, platform, config.connect_timeout,
                             [&] { launch_browser(config.browser, auth.url); });
}

TokenSet authorize(net::HttpClient& http, const Client& client, const config::Config& config,
                   const ConnectOptions& o, const std::string& scopes = "") {
    AuthRequest auth = make_auth_request(client, scopes);
    std::string code = obtain_code(client, auth, config, o);
    // Codes live 30 s on X: exchanged at once.
    return exchange_code(http, client, code, auth.verifier,
                         config.platform(std::string(client.provider->platform)).timeout);
}

json get_json(net::HttpClient& http, const std::string& url, const std::string& token,
              const std::string& what) {
    net::HttpRequest req;
    req.url = url;
    req.headers.push_back({"Authorization", "Bearer " + token});
    net::HttpResponse res;
    try {
        res = http.send(req);
    } catch (const net::TransportError& e) {
        throw Error(Exit::unavailable, what + ": " + e.what());
    }
    json j = json::parse(res.body, nullptr, false);
    if (res.status != 200 || j.is_discarded())
        throw Error(res.status >= 500 ? Exit::unavailable : Exit::data,
                    what + " failed (HTTP " + std::to_string(res.status) + ")" +
                        (j.is_object() && j.contains("error") ? ": " + j["error"].dump() : ""));
    return j;
}

Connected connect_mastodon(net::HttpClient& http, const Provider& p, const config::Config& config,
                           const ConnectOptions& o) {
    if (o.instance.empty())
        throw Error(Exit::usage, "mastodon needs --instance URL (e.g. https://mastodon.social)");
    std::string instance = o.instance;
    while (!instance.empty() && instance.back() == '/')
        instance.pop_back();
    Client client = client_for(config, p, instance, false);
    if (config.platform("mastodon").redirect_uri.empty() && o.no_browser)
        client.redirect_uri = k_oob;
    net::HttpRequest reg;
    reg.method = "POST";
    reg.url = instance + "/api/v1/apps";
    reg.headers.push_back({"Content-Type", "application/json"});
    reg.body = json{{"client_name", "postsched"},
                    {"redirect_uris", client.redirect_uri},
                    {"scopes", std::string(p.scopes)},
                    {"website", "https://github.com/postsched"}}
                   .dump();
    net::HttpResponse res;
    try {
        res = http.send(reg);
    } catch (const net::TransportError& e) {
        throw Error(Exit::unavailable,
                    "cannot register postsched on " + instance + ": " + e.what());
    }
    json app = json::parse(res.body, nullptr, false);
    if (res.status != 200 || !app.is_object() || !app.contains("client_id") ||
        !app.contains("client_secret"))
        throw Error(
            res.status >= 500 ? Exit::unavailable : Exit::data,
            "registering postsched on " + instance + " failed (HTTP " + std::to_string(res.status) +
                ")" + (app.is_object() && app.contains("error") ? ": " + app["error"].dump() : ""));
    client.client_id = app["client_id"].get<std::string>();
    client.client_secret = app["client_secret"].get<std::string>();
    Connected c;
    c.tokens = authorize(http, client, config, o);
    c.instance_url = instance;
    c.app_client_id = client.client_id;
    c.app_client_secret = client.client_secret;
    return c;
}

// Facebook and Instagram: the user token becomes long-lived, then the page's
// token (which does not expire) is the account's.
Connected connect_page(net::HttpClient& http, const Provider& p, const config::Config& config,
                       const ConnectOptions& o) {
    Client client = client_for(config, p);
    TokenSet user = authorize(http, client, config, o);
    TokenSet long_lived = long_lived_exchange(http, client, client.token_url, "fb_exchange_token",
                                              user.access_token, Millis(30000));
    std::string graph =
        api_base(config, std::string(p.platform), "https://graph.facebook.com/v25.0");
    json pages = get_json(http,
                          graph +
                              "/me/accounts?fields=id,name,access_token,"
                              "instagram_business_account&limit=100",
                          long_lived.access_token, "listing your Facebook pages");
    bool instagram = p.platform == "instagram";
    std::vector<json> usable;
    for (const auto& page : pages.value("data", json::array()))
        if (!instagram || page.contains("instagram_business_account"))
            usable.push_back(page);
    if (usable.empty())
        throw Error(Exit::data, instagram ? "none of your Facebook pages has an Instagram "
                                            "professional account connected"
                                          : "your Facebook login manages no page");
    const json* chosen = nullptr;
    for (const auto& page : usable)
        if (page.value("id", "") == o.page_id)
            chosen = &page;
    if (!chosen && o.page_id.empty() && usable.size() == 1)
        chosen = &usable.front();
    if (!chosen) {
        std::string list;
        for (const auto& page : usable)
            list += "\n  " + page.value("id", "") + "  " + page.value("name", "");
        throw Error(Exit::usage,
                    (o.page_id.empty() ? std::string("choose a page")
                                       : "no page " + o.page_id + " among yours; choose one") +
                        ": run connect again with --page ID, one of:" + list);
    }
    Connected c;
    c.tokens.access_token = chosen->value("access_token", "");
    c.display_name = chosen->value("name", "");
    json settings = {{"page_id", chosen->value("id", "")}};
    if (instagram) {
        c.platform_account_id = (*chosen)["instagram_business_account"].value("id", "");
        settings["page_name"] = c.display_name;
    } else {
        c.platform_account_id = chosen->value("id", "");
    }
    c.settings = settings.dump();
    if (c.tokens.access_token.empty())
        throw Error(Exit::data,
                    "Facebook listed the page without a page token (is the "
                    "pages_show_list permission granted?)");
    return c;
}

Connected connect_threads(net::HttpClient& http, const Provider& p, const config::Config& config,
                          const ConnectOptions& o) {
    Client client = client_for(config, p);
    TokenSet short_lived = authorize(http, client, config, o);
    std::string graph = api_base(config, "threads", "https://graph.threads.net");
    Connected c;
    c.tokens = long_lived_exchange(http, client, graph + "/access_token", "th_exchange_token",
                                   short_lived.access_token, Millis(30000));
    c.platform_account_id = short_lived.user_id;
    return c;
}

// "urn:li:organization:2414183" or "2414183" -> the URN; else a usage error.
std::string linkedin_organization(const std::string& page) {
    constexpr std::string_view prefix = "urn:li:organization:";
    std::string number = page.starts_with(prefix) ? page.substr(prefix.size()) : page;
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos)
        throw Error(Exit::usage, "--page \"" + page +
                                     "\": give the LinkedIn organization as "
                                     "urn:li:organization:ID or its number");
    return std::string(prefix) + number;
}

}  // namespace

Connected connect(net::HttpClient& http, const Clock& clock, const config::Config& config,
                  const ConnectOptions& o) {
    const Provider* p = find_provider(o.platform);
    if (!p || !p->browser_flow)
        throw Error(Exit::usage, "\"" + o.platform + "\" has no browser connect");
    Connected c;
    if (p->platform == "mastodon")
        c = connect_mastodon(http, *p, config, o);
    else if (p->platform == "facebook" || p->platform == "instagram")
        c = connect_page(http, *p, config, o);
    else if (p->platform == "threads")
        c = connect_threads(http, *p, config, o);
    else if (p->platform == "linkedin" && !o.page_id.empty()) {
        // A page the member administers: posting as it takes w_organization_social.
        c.platform_account_id = linkedin_organization(o.page_id);
        c.tokens = authorize(http, client_for(config, *p), config, o,
                             std::string(p->scopes) + " w_organization_social");
    } else
        c.tokens = authorize(http, client_for(config, *p), config, o);
    if (c.tokens.expires_in)
        c.token_expiry = clock.now() + *c.tokens.expires_in;
    spdlog::info("{}: authorization complete{}", o.platform,
                 c.tokens.refresh_token.empty() ? "" : " (with a refresh token)");
    return c;
}

std::vector<std::string> browser_platforms() {
    std::vector<std::string> out;
    for (const auto& p : providers())
        if (p.browser_flow)
            out.emplace_back(p.platform);
    return out;
}

}  // namespace postsched::oauth
