#include "oauth/authorize.hpp"

#include <httplib.h>
#include <spawn.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/errors.hpp"
#include "net/http_client.hpp"
#include "oauth/pkce.hpp"

extern char** environ;

namespace postsched::oauth {
namespace {

struct Redirect {
    std::string host;
    int port = 0;
    std::string path;
};

std::optional<Redirect> parse_loopback(const std::string& uri) {
    for (std::string prefix : {"http://127.0.0.1", "http://localhost"}) {
        if (!uri.starts_with(prefix))
            continue;
        Redirect r;
        r.host = "127.0.0.1";
        std::string rest = uri.substr(prefix.size());
        if (rest.empty() || rest[0] != ':')
            return std::nullopt;  // a fixed port is required: platforms compare it
        std::size_t slash = rest.find('/');
        std::string port =
            rest.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
        try {
            r.port = std::stoi(port);
        } catch (...) {
            return std::nullopt;
        }
        if (r.port <= 0 || r.port > 65535 || std::to_string(r.port) != port)
            return std::nullopt;
        r.path = slash == std::string::npos ? "/" : rest.substr(slash);
        if (auto q = r.path.find('?'); q != std::string::npos)
            r.path.resize(q);
        return r;
    }
    return std::nullopt;
}

std::string url_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
    std::map<std::string, std::string> out;
    std::size_t start = 0;
    while (start < q.size()) {
        std::size_t end = q.find('&', start);
        if (end == std::string_view::npos)
            end = q.size();
        std::string_view pair = q.substr(start, end - start);
        std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos)
            out[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
        start = end + 1;
    }
    return out;
}

bool is_secret_env(std::string_view entry) {
    std::string_view name = entry.substr(0, entry.find('='));
    for (std::string_view bad : {"SECRET", "TOKEN", "PASSWORD", "KEY"})
        if (name.find(bad) != std::string_view::npos)
            return true;
    return false;
}

constexpr const char* k_done_page =
    "<!doctype html><title>postsched</title><p>postsched received the authorization. You can "
    "close this window.</p>";
constexpr const char* k_failed_page =
    "<!doctype html><title>postsched</title><p>The authorization did not succeed; see the "
    "terminal running postsched.</p>";

}  // namespace

AuthRequest make_auth_request(const Client& client, const std::string& scopes) {
    AuthRequest a;
    a.state = make_state();
    std::vector<std::pair<std::string, std::string>> q = {
        {"response_type", "code"},
        {"client_id", client.client_id},
        {"redirect_uri", client.redirect_uri},
        {"scope", scopes.empty() ? std::string(client.provider->scopes) : scopes},
        {"state", a.state}};
    if (client.provider->pkce) {
        a.verifier = make_verifier();
        q.push_back({"code_challenge", s256_challenge(a.verifier)});
        q.push_back({"code_challenge_method", "S256"});
    }
    // form_encode percent-encodes spaces as %20, as X requires for scopes.
    a.url = client.authorize_url +
            (client.authorize_url.find('?') == std::string::npos ? "?" : "&") + net::form_encode(q);
    return a;
}

std::string code_from_query(const std::string& query_or_url, const std::string& state,
                            const std::string& platform) {
    std::string q = query_or_url;
    if (auto hash = q.find('#'); hash != std::string::npos)
        q.resize(hash);  // Instagram appends "#_"
    if (auto mark = q.find('?'); mark != std::string::npos)
        q = q.substr(mark + 1);
    auto params = parse_query(q);
    if (params.count("error")) {
        std::string why = params["error"];
        if (params.count("error_description"))
            why += ": " + params["error_description"];
        throw Error(Exit::no_perm, platform + " did not authorize postsched (" + why +
                                       "); run `postsched account connect` again to retry");
    }
    if (!params.count("state") || !same_secret(params["state"], state))
        throw Error(Exit::data,
                    "the redirect's state does not match this request (a stale or forged "
                    "redirect); nothing was stored, run `postsched account connect` again");
    if (!params.count("code") || params["code"].empty())
        throw Error(Exit::data, "the redirect holds no authorization code");
    return params["code"];
}

std::string code_from_paste(const std::string& pasted, const std::string& state,
                            const std::string& platform) {
    std::string s = pasted;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.erase(s.begin());
    if (s.empty())
        throw Error(Exit::usage, "nothing was pasted: give the final redirect URL or the code");
    if (s.find('?') != std::string::npos || s.find("code=") != std::string::npos ||
        s.find("error=") != std::string::npos)
        return code_from_query(s, state, platform);
    if (s.find_first_of(" \t/") != std::string::npos)
        throw Error(Exit::usage, "what was pasted is neither a redirect URL nor a code");
    return s;  // a bare code (out-of-band): no state to check
}

bool is_loopback_redirect(const std::string& redirect_uri) {
    return parse_loopback(redirect_uri).has_value();
}

std::string wait_for_redirect(const std::string& redirect_uri, const std::string& state,
                              const std::string& platform, Millis timeout,
                              const std::function<void()>& open_browser) {
    auto r = parse_loopback(redirect_uri);
    if (!r)
        throw Error(Exit::usage, "redirect URI \"" + redirect_uri +
                                     "\" is not http://127.0.0.1:PORT/…; use --no-browser to "
                                     "paste the final redirect URL instead");
    httplib::Server server;
    std::mutex mutex;
    std::condition_variable done;
    std::optional<std::string> query;
    server.Get(r->path, [&](const httplib::Request& req, httplib::Response& res) {
        std::string q;
        for (const auto& [k, v] : req.params)
            q += (q.empty() ? "" : "&") + net::url_encode(k) + "=" + net::url_encode(v);
        bool ok = req.has_param("code") && req.get_param_value("state") == state;
        res.set_content(ok ? k_done_page : k_failed_page, "text/html; charset=utf-8");
        std::lock_guard lock(mutex);
        if (!query)
            query = q;
        done.notify_all();
    });
    if (!server.bind_to_port(r->host, r->port))
        throw Error(Exit::unavailable, "cannot listen on 127.0.0.1:" + std::to_string(r->port) +
                                           " for the redirect (port in use?); free it or use "
                                           "--no-browser");
    std::thread listener([&] { server.listen_after_bind(); });
    open_browser();
    std::unique_lock lock(mutex);
    bool arrived = done.wait_for(lock, timeout, [&] { return query.has_value(); });
    lock.unlock();
    // Let the page reach the browser before closing.
    std::this_thread::sleep_for(std::chrono::milliseconds(arrived ? 50 : 0));
    server.stop();
    listener.join();
    if (!arrived)
        throw Error(Exit::temp_fail,
                    "no redirect arrived at " + redirect_uri + " within " +
                        std::to_string(std::chrono::duration_cast<Seconds>(timeout).count()) +
                        " s; run `postsched account connect` again and finish the consent in the "
                        "browser, or use --no-browser to paste the final redirect URL");
    return code_from_query(*query, state, platform);
}

void launch_browser(const std::string& command, const std::string& url) {
    if (command.empty())
        return;
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (!is_secret_env(*e))
            env.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string script = command + " \"$1\"";
    std::vector<std::string> args = {"sh", "-c", script, "sh", url};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        spdlog::warn("could not run the browser command \"{}\": {}", command, std::strerror(rc));
}

}  // namespace postsched::oauth
