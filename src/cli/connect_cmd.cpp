// postsched account connect | refresh | enable | disable
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

#include "cli/account_name.hpp"
#include "cli/context.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "crypto/vault.hpp"
#include "oauth/connect.hpp"
#include "oauth/provider.hpp"
#include "oauth/refresh.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

using nlohmann::json;

struct ConnectArgs {
    std::string platform, name, instance, page;
    bool no_browser = false;
};

// Platforms connect can run here: a browser flow and a registered adapter
// (verify_account fetches the profile).
std::vector<std::string> connectable() {
    std::vector<std::string> out;
    for (const auto& p : oauth::browser_platforms())
        if (adapters::find_adapter(p))
            out.push_back(p);
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ", ") + x;
    return s;
}

int run_connect(Context& ctx, const ConnectArgs& o) {
    auto names = connectable();
    if (std::find(names.begin(), names.end(), o.platform) == names.end())
        throw Error(Exit::usage, "unknown platform \"" + o.platform +
                                     "\" for connect (known: " + joined(names) + ")");
    check_account_name(o.name);
    if (!o.page.empty() && o.platform != "facebook" && o.platform != "instagram" &&
        o.platform != "linkedin")
        throw Error(Exit::usage,
                    "--page is for facebook, instagram and linkedin, not " + o.platform);
    auto& store = ctx.store();
    auto existing = store.find_account(o.name);
    if (existing && existing->platform != o.platform)
        throw Error(Exit::data,
                    "an account named \"" + o.name + "\" already exists on " + existing->platform);
    const auto& vault = ctx.vault();  // before the browser: a missing key fails first
    oauth::ConnectOptions opts{o.platform, o.instance, o.page, o.no_browser, &std::cin, &std::cerr};
    if (opts.instance.empty() && existing)
        opts.instance = existing->instance_url;
    oauth::Connected c = oauth::connect(ctx.http(), ctx.clock(), ctx.config(), opts);

    Account a;
    if (existing)
        a = *existing;
    else {
        a.id = new_uuid_v7(ctx.clock().now());
        a.platform = o.platform;
        a.name = o.name;
        a.created_at = ctx.clock().now();
    }
    if (!c.instance_url.empty())
        a.instance_url = c.instance_url;
    a.platform_account_id = c.platform_account_id;
    a.display_name = c.display_name;
    a.token_expiry = c.token_expiry;
    json settings = json::parse(a.settings.empty() ? "{}" : a.settings, nullptr, false);
    if (!settings.is_object())
        settings = json::object();
    settings.update(json::parse(c.settings));
    if (!c.app_client_id.empty())
        settings["oauth_app"] = {{"client_id", c.app_client_id},
                                 {"client_secret_enc", vault.encrypt(c.app_client_secret)}};
    a.settings = settings.dump();
    auto profile = ctx.adapter(o.platform).verify_account(a, c.tokens.access_token);
    if (!profile.platform_account_id.empty())
        a.platform_account_id = profile.platform_account_id;
    if (!profile.username.empty())
        a.username = profile.username;
    if (!profile.display_name.empty())
        a.display_name = profile.display_name;
    settings.update(json::parse(profile.settings));
    a.settings = settings.dump();
    a.access_token_enc = vault.encrypt(c.tokens.access_token);
    a.refresh_token_enc =
        c.tokens.refresh_token.empty() ? "" : vault.encrypt(c.tokens.refresh_token);
    a.needs_reconnect = false;
    if (existing)
        store.update_account_credentials(a);
    else
        store.add_account(a);
    std::cout << (existing ? "reconnected " : "connected ") << a.platform << " account \"" << a.name
              << "\"" << (a.username.empty() ? "" : " (" + a.username + ")")
              << (a.token_expiry ? "; token valid until " + format_instant(*a.token_expiry) : "")
              << "\n";
    return 0;
}

int run_refresh(Context& ctx, const std::string& name) {
    Account a = require_account(ctx, name);
    oauth::Refresher refresher(ctx.store(), ctx.vault(), ctx.config(), ctx.http(), ctx.clock());
    using Status = oauth::RefreshResult::Status;
    auto r = refresher.refresh(a);
    switch (r.status) {
        case Status::refreshed:
            std::cout << r.message << "\n";
            return 0;
        case Status::busy:
        case Status::unavailable:
            throw Error(Exit::temp_fail, r.message);
        case Status::rejected:
            throw Error(Exit::no_perm, r.message);
        case Status::not_refreshable:
            break;
    }
    throw Error(Exit::data, r.message);
}

int run_set_active(Context& ctx, const std::string& name, bool active) {
    Account a = require_account(ctx, name);
    ctx.store().set_account_flags(a.id, active, std::nullopt);
    int unsent = ctx.store().count_unsent_targets(a.id);
    std::cout << (active ? "enabled" : "disabled") << " account \"" << name << "\"";
    if (unsent > 0)
        std::cout << "; its " << unsent << " unsent target(s) "
                  << (active ? "go out when due" : "wait until it is enabled");
    std::cout << "\n";
    return 0;
}

}  // namespace

void register_account_oauth(CLI::App& account, Context& ctx) {
    static ConnectArgs args;
    auto names = connectable();
    auto* c = account.add_subcommand("connect",
                                     "connect an account in the browser (OAuth), or reconnect one");
    c->add_option("platform", args.platform, "platform: " + joined(names))->required();
    c->add_option("--name", args.name, "the name --to uses; an existing one is reconnected")
        ->required();
    c->add_flag("--no-browser", args.no_browser,
                "headless: print the authorization URL, then read the final redirect URL (or "
                "the code) from stdin");
    c->add_option("--instance", args.instance, "instance base URL (mastodon)");
    c->add_option("--page", args.page,
                  "the page to connect: its Facebook page id (facebook, instagram), or a "
                  "LinkedIn organization the member administers (urn:li:organization:ID)");
    c->callback([&ctx] { ctx.action = [&ctx] { return run_connect(ctx, args); }; });

    static std::string refresh_name;
    auto* r = account.add_subcommand("refresh", "refresh an account's token now");
    r->add_option("name", refresh_name, "account name")->required();
    r->callback([&ctx] { ctx.action = [&ctx] { return run_refresh(ctx, refresh_name); }; });

    static std::string enable_name, disable_name;
    auto* e = account.add_subcommand("enable", "let an account's targets go out again");
    e->add_option("name", enable_name, "account name")->required();
    e->callback([&ctx] { ctx.action = [&ctx] { return run_set_active(ctx, enable_name, true); }; });
    auto* d = account.add_subcommand("disable",
                                     "hold an account: its targets wait (they are not failed)");
    d->add_option("name", disable_name, "account name")->required();
    d->callback(
        [&ctx] { ctx.action = [&ctx] { return run_set_active(ctx, disable_name, false); }; });
}

}  // namespace postsched::cli
