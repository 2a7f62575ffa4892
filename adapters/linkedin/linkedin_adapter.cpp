// The Adapter for LinkedIn (x-linkedin.md §2). Publishing lives in
// linkedin_publish.cpp, the text format in linkedin_text.cpp, answer
// classification in linkedin_errors.cpp.
#include "adapters/linkedin/linkedin_adapter.hpp"

#include <nlohmann/json.hpp>

#include "adapters/linkedin/linkedin_internal.hpp"
#include "adapters/linkedin/linkedin_publish.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/text_count.hpp"

namespace postsched::adapters {
namespace {

using namespace linkedin;
using nlohmann::json;

constexpr std::string_view k_default_base = "https://api.linkedin.com";
constexpr std::string_view k_org_prefix = "urn:li:organization:";

class LinkedInAdapter final : public Adapter {
  public:
    explicit LinkedInAdapter(const AdapterContext& context)
        : m_http(context.http), m_clock(context.clock), m_platform(context.platform) {}

    AccountProfile verify_account(const Account& account, const std::string& access_token) override;
    ContentVerdict check_text(const Account& account, std::string_view text,
                              std::string_view options_json) const override;
    MediaRules media_rules(const Account& account) const override;
    bool supports_threads() const override { return false; }
    Outcome publish(const PublishRequest& request, const SaveState& save) override;
    Outcome settle(const PublishRequest& request, const SaveState& save,
                   Instant sending_since) override;

  private:
    Api api(std::string token) const;
    json fetch(const Api& api, const Account& account, const std::string& path) const;

    net::HttpClient& m_http;
    const Clock& m_clock;
    const config::PlatformConfig& m_platform;
};

Api LinkedInAdapter::api(std::string token) const {
    std::string base =
        m_platform.api_base.empty() ? std::string(k_default_base) : m_platform.api_base;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    const std::string version = m_platform.api_version.empty()
                                    ? std::string(k_linkedin_default_version)
                                    : m_platform.api_version;
    return Api{m_http, m_clock, base, std::move(token), version, m_platform.timeout};
}

// A GET for account add: failures become Errors naming the account.
json LinkedInAdapter::fetch(const Api& api, const Account& account, const std::string& path) const {
    const std::string who = "linkedin account " + in_quotes(account.name);
    net::HttpResponse response;
    try {
        response = api.send("GET", path, path);
    } catch (const Stop& stop) {
        throw Error(Exit::unavailable, who + ": " + stop.outcome.message);
    }
    if (response.status == 401 || response.status == 403) {
        throw Error(
            Exit::no_perm,
            "linkedin refused " + path + " for " + who + ": " + error_text(response) +
                (response.status == 403 ? " (check the app's products and scopes: "
                                          "w_member_social, or w_organization_social with an "
                                          "admin role on the page)"
                                        : ""));
    }
    const json body = json::parse(response.body, nullptr, false);
    if (response.status != 200 || !body.is_object()) {
        throw Error(Exit::unavailable, "linkedin answered HTTP " + std::to_string(response.status) +
                                           " to " + path + " for " + who + ": " +
                                           error_text(response));
    }
    return body;
}

// A member: GET /v2/userinfo (OpenID) names the person. A page, chosen with
// --platform-account-id urn:li:organization:ID: the organization lookup.
AccountProfile LinkedInAdapter::verify_account(const Account& account,
                                               const std::string& access_token) {
    const Api with_token = api(access_token);
    AccountProfile profile;
    const std::string& id = account.platform_account_id;
    if (id.starts_with(k_org_prefix)) {
        const std::string number = id.substr(k_org_prefix.size());
        const json org =
            fetch(with_token, account, "/rest/organizations/" + net::url_encode(number));
        profile.platform_account_id = id;
        profile.username = org.value("vanityName", std::string());
        profile.display_name = org.value("localizedName", std::string());
        return profile;
    }
    if (!id.empty() && !id.starts_with("urn:li:person:")) {
        throw Error(Exit::usage, "--platform-account-id " + in_quotes(id) +
                                     ": give urn:li:organization:ID for a page (members are "
                                     "found from the token)");
    }
    const json me = fetch(with_token, account, "/v2/userinfo");
    if (!me.contains("sub") || !me["sub"].is_string()) {
        throw Error(Exit::unavailable, "linkedin answered /v2/userinfo for account " +
                                           in_quotes(account.name) + " without a \"sub\"");
    }
    profile.platform_account_id = "urn:li:person:" + me["sub"].get<std::string>();
    profile.username = me.value("email", std::string());
    profile.display_name = me.value("name", std::string());
    return profile;
}

ContentVerdict LinkedInAdapter::check_text(const Account& account, std::string_view text,
                                           std::string_view options_json) const {
    ContentVerdict verdict;
    verdict.limit = k_max_commentary;
    if (!verdict.check_options([&] { parse_visibility(options_json); }) ||
        !verdict.check_utf8(text)) {
        return verdict;
    }
    verdict.count = commentary_length(text);
    if (verdict.count > k_max_commentary) {
        verdict.refuse("text is " + std::to_string(verdict.count) +
                       " characters as LinkedIn counts them (UTF-16, reserved characters "
                       "escaped), over the limit of " +
                       std::to_string(k_max_commentary) + " for linkedin account " +
                       in_quotes(account.name));
    }
    return verdict;
}

MediaRules LinkedInAdapter::media_rules(const Account&) const {
    MediaRules rules;
    rules.max_items = k_max_images;
    if (m_platform.media_max_bytes != 0)
        rules.max_bytes = m_platform.media_max_bytes;
    rules.types = {"image/jpeg", "image/png", "image/gif"};
    return rules;
}

Outcome LinkedInAdapter::publish(const PublishRequest& request, const SaveState& save) {
    Publication publication(api(request.access_token), request, save);
    return publication.run();
}

Outcome LinkedInAdapter::settle(const PublishRequest& request, const SaveState& save,
                                Instant sending_since) {
    Publication publication(api(request.access_token), request, save);
    return publication.settle(sending_since);
}

}  // namespace

std::unique_ptr<Adapter> make_linkedin_adapter(const AdapterContext& context) {
    return std::make_unique<LinkedInAdapter>(context);
}

}  // namespace postsched::adapters
