#include "oauth/client.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "config/config.hpp"
#include "core/errors.hpp"

namespace postsched::oauth {
namespace {

std::string upper(std::string_view s) {
    std::string out;
    for (char c : s)
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string read_secret_file(const std::string& path, const std::string& key) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw Error(Exit::config, key + ": cannot read \"" + path + "\"");
    if (st.st_mode & 077)
        throw Error(Exit::no_perm,
                    key + ": \"" + path + "\" is accessible by group or others (chmod 600 it)");
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string s = buffer.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    if (!in || s.empty())
        throw Error(Exit::config, key + ": \"" + path + "\" holds no secret");
    return s;
}

std::string or_default(const std::string& configured, std::string_view fallback,
                       const std::string& instance, bool relative) {
    if (!configured.empty())
        return configured;
    if (relative && !fallback.empty())
        return instance + std::string(fallback);
    return std::string(fallback);
}

}  // namespace

Client client_for(const config::Config& config, const Provider& provider,
                  const std::string& instance, bool need_id) {
    const std::string name(provider.platform);
    const auto& pc = config.platform(name);
    Client c;
    c.provider = &provider;
    c.client_id = pc.client_id;
    c.client_secret = pc.client_secret;
    if (c.client_secret.empty() && !pc.client_secret_file.empty())
        c.client_secret =
            read_secret_file(pc.client_secret_file, "platforms." + name + ".client_secret_file");
    c.redirect_uri =
        pc.redirect_uri.empty() ? std::string(provider.default_redirect) : pc.redirect_uri;
    c.authorize_url =
        or_default(pc.auth_url, provider.authorize_url, instance, provider.instance_relative);
    c.token_url =
        or_default(pc.token_url, provider.token_url, instance, provider.instance_relative);
    c.refresh_url =
        or_default(pc.refresh_url, provider.refresh_url, instance, provider.instance_relative);
    if (!need_id)
        return c;
    std::string env = "POSTSCHED_" + upper(name);
    if (c.client_id.empty())
        throw Error(Exit::config,
                    "no OAuth client id for " + name + ": set platforms." + name +
                        ".client_id or " + env + "_CLIENT_ID" +
                        (provider.id_env.empty() ? "" : " or " + std::string(provider.id_env)));
    // X allows public clients (PKCE, no secret); every other platform needs one.
    if (c.client_secret.empty() && provider.client_auth != ClientAuth::basic)
        throw Error(
            Exit::config,
            "no OAuth client secret for " + name + ": set " + env + "_CLIENT_SECRET" +
                (provider.secret_env.empty() ? "" : " or " + std::string(provider.secret_env)) +
                ", or platforms." + name + ".client_secret_file");
    if (c.redirect_uri.empty())
        throw Error(Exit::config, "no redirect URI for " + name + ": set platforms." + name +
                                      ".redirect_uri to the URI registered with the app (" + name +
                                      " needs an https URI)");
    return c;
}

}  // namespace postsched::oauth
