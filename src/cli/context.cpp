#include "cli/context.hpp"

#include "core/errors.hpp"
#include "crypto/vault.hpp"
#include "net/curl_http_client.hpp"
#include "store/store.hpp"

namespace postsched::cli {

Context::Context(const GlobalOptions& options) : m_options(options) {}
Context::~Context() = default;

const config::Config& Context::config() {
    if (!m_config)
        m_config = std::make_unique<config::Config>(config::load(m_options.config_path));
    return *m_config;
}

store::Store& Context::raw_store() {
    if (!m_store)
        m_store = store::open_store(config().store_url, config().busy_timeout);
    return *m_store;
}

store::Store& Context::store() {
    auto& s = raw_store();
    if (!m_schema_checked) {
        s.require_current_schema();
        m_schema_checked = true;
    }
    return s;
}

const crypto::Vault& Context::vault() {
    if (!m_vault) {
        const auto& c = config();
        std::string env_name;
        for (const auto& o : c.origins)
            if (o.key == "security.secret_key" && o.origin.rfind("env ", 0) == 0)
                env_name = o.origin.substr(4);
        m_vault = std::make_unique<crypto::Vault>(
            crypto::load_vault({env_name, c.secret_key_env, c.key_file}));
    }
    return *m_vault;
}

void Context::reload_vault() {
    m_vault.reset();
}

const Clock& Context::clock() {
    if (!m_clock)
        m_clock = make_process_clock();
    return *m_clock;
}

net::HttpClient& Context::http() {
    if (!m_http)
        m_http = net::make_curl_http_client(std::chrono::seconds(10));
    return *m_http;
}

adapters::Adapter& Context::adapter(const std::string& platform) {
    auto it = m_adapters.find(platform);
    if (it != m_adapters.end())
        return *it->second;
    const auto* info = adapters::find_adapter(platform);
    if (!info)
        throw Error(Exit::data, "unknown platform \"" + platform + "\"");
    adapters::AdapterContext actx{http(), clock(), config().platform(platform)};
    return *m_adapters.emplace(platform, info->make(actx)).first->second;
}

}  // namespace postsched::cli
