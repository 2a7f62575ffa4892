// postsched account add | list | show | remove
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <iterator>

#include "cli/account_name.hpp"
#include "cli/bluesky_login.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/x_secrets.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "crypto/vault.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

struct AddOptions {
    std::string platform, name, token_env, refresh_env, expires_at, platform_id, username,
        display_name, instance, command, handle, app_password_env;
    bool token_stdin = false, no_verify = false, app_password_stdin = false;
    XSecretEnv x_env;
};

std::string secret_from_env(const std::string& var, const char* what) {
    const char* v = std::getenv(var.c_str());
    if (!v || !*v)
        throw Error(Exit::usage,
                    std::string(what) + ": environment variable " + var + " is not set or empty");
    return v;
}

std::string secret_from_stdin(const char* option = "--token-stdin") {
    std::string s(std::istreambuf_iterator<char>(std::cin), {});
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    if (s.empty())
        throw Error(Exit::usage, std::string(option) + ": standard input was empty");
    return s;
}

int run_add(Context& ctx, const AddOptions& o) {
    const auto* info = adapters::find_adapter(o.platform);
    if (!info) {
        std::string names;
        for (const auto& i : adapters::registry())
            names += (names.empty() ? "" : ", ") + std::string(i.name);
        throw Error(Exit::usage, "unknown platform \"" + o.platform + "\" (known: " + names + ")");
    }
    check_account_name(o.name);
    if (!o.token_env.empty() && o.token_stdin)
        throw Error(Exit::usage, "give the token with --token-env or --token-stdin, not both");
    std::string token;
    if (!o.token_env.empty())
        token = secret_from_env(o.token_env, "--token-env");
    if (o.token_stdin)
        token = secret_from_stdin();
    if (o.platform == "x" && token.empty())
        token = x_oauth1_token(o.x_env);
    // Bluesky: an app password logs in; only the session's tokens are kept.
    std::optional<adapters::BlueskySession> session;
    if (!o.app_password_env.empty() || o.app_password_stdin) {
        if (!token.empty() || !o.refresh_env.empty() || o.token_stdin ||
            (!o.app_password_env.empty() && o.app_password_stdin))
            throw Error(Exit::usage,
                        "give one of --token-env, --token-stdin, --app-password-env "
                        "and --app-password-stdin");
        std::string password = o.app_password_stdin
                                   ? secret_from_stdin("--app-password-stdin")
                                   : secret_from_env(o.app_password_env, "--app-password-env");
        session = bluesky_login(ctx, {o.platform, o.handle, o.instance, std::move(password)});
        token = session->access_jwt;
    }
    if (info->needs_token && token.empty())
        throw Error(Exit::usage, o.platform + " needs a token: --token-env VAR or --token-stdin");
    if (info->needs_instance && o.instance.empty())
        throw Error(Exit::usage, o.platform + " needs --instance URL");
    if (o.platform == "exec" && o.command.empty())
        throw Error(Exit::usage, "exec needs --command 'CMD' (run by /bin/sh -c)");
    auto& store = ctx.store();
    if (store.find_account(o.name))
        throw Error(Exit::data, "an account named \"" + o.name + "\" already exists");

    Account a;
    a.id = new_uuid_v7(ctx.clock().now());
    a.platform = o.platform;
    a.name = o.name;
    a.instance_url = o.instance;
    while (!a.instance_url.empty() && a.instance_url.back() == '/')
        a.instance_url.pop_back();
    a.platform_account_id = o.platform_id;
    a.username = o.username;
    a.display_name = o.display_name;
    a.created_at = ctx.clock().now();
    if (!o.command.empty())
        a.settings = nlohmann::json{{"command", o.command}}.dump();
    if (!o.expires_at.empty()) {
        a.token_expiry = parse_offset_instant(o.expires_at);
        if (!a.token_expiry)
            throw Error(Exit::usage, "--expires-at \"" + o.expires_at +
                                         "\" is not an ISO-8601 instant with offset");
    }
    if (session) {
        a.instance_url = session->pds;
        a.platform_account_id = session->did;
        a.username = session->handle;
        a.token_expiry = session->access_expiry;
        if (session->refresh_expiry) {  // idle refresh keeps the session alive (oauth/refresh)
            auto settings = nlohmann::json::parse(a.settings);
            settings["refresh_token_expiry"] = format_instant(*session->refresh_expiry);
            a.settings = settings.dump();
        }
    }
    if (!o.no_verify) {
        auto profile = ctx.adapter(o.platform).verify_account(a, token);
        if (a.platform_account_id.empty())
            a.platform_account_id = profile.platform_account_id;
        if (a.username.empty())
            a.username = profile.username;
        if (a.display_name.empty())
            a.display_name = profile.display_name;
        auto merged = nlohmann::json::parse(a.settings);
        merged.update(nlohmann::json::parse(profile.settings));
        a.settings = merged.dump();
    }
    if (!token.empty())
        a.access_token_enc = ctx.vault().encrypt(token);
    if (session)
        a.refresh_token_enc = ctx.vault().encrypt(session->refresh_jwt);
    if (!o.refresh_env.empty())
        a.refresh_token_enc =
            ctx.vault().encrypt(secret_from_env(o.refresh_env, "--refresh-token-env"));
    store.add_account(a);
    std::cout << "added " << a.platform << " account \"" << a.name << "\""
              << (a.username.empty() ? "" : " (" + a.username + ")") << "\n";
    return 0;
}

std::vector<std::string> account_row(const Account& a) {
    return {a.name,
            a.platform,
            a.username,
            a.is_active ? "yes" : "no",
            a.needs_reconnect ? "yes" : "no",
            optional_instant(a.token_expiry),
            optional_instant(a.last_used)};
}

int run_list(Context& ctx, bool json) {
    auto accounts = ctx.store().list_accounts();
    if (json) {
        std::cout << accounts_json(accounts) << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : accounts)
        rows.push_back(account_row(a));
    print_table(
        std::cout,
        {"NAME", "PLATFORM", "USERNAME", "ACTIVE", "RECONNECT", "TOKEN EXPIRES", "LAST USED"},
        rows);
    return 0;
}

int run_show(Context& ctx, const std::string& name, bool json) {
    Account a = require_account(ctx, name);
    if (json) {
        std::cout << account_json(a) << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows = {
        {"name", a.name},
        {"platform", a.platform},
        {"id", a.id},
        {"platform account id", a.platform_account_id},
        {"username", a.username},
        {"display name", a.display_name},
        {"instance", a.instance_url},
        {"active", a.is_active ? "yes" : "no"},
        {"needs reconnect", a.needs_reconnect ? "yes" : "no"},
        {"access token", a.access_token_enc.empty() ? "(none)" : "stored, encrypted"},
        {"refresh token", a.refresh_token_enc.empty() ? "(none)" : "stored, encrypted"},
        {"token expires", optional_instant(a.token_expiry)},
        {"last used", optional_instant(a.last_used)},
        {"unsent targets", std::to_string(ctx.store().count_unsent_targets(a.id))}};
    print_table(std::cout, {"FIELD", "VALUE"}, rows);
    return 0;
}

int run_remove(Context& ctx, const std::string& name, bool force) {
    Account a = require_account(ctx, name);
    int unsent = ctx.store().count_unsent_targets(a.id);
    if (unsent > 0 && !force)
        throw Error(Exit::data, "account \"" + name + "\" has " + std::to_string(unsent) +
                                    " unsent target(s); cancel them first or use --force");
    ctx.store().remove_account(a.id, ctx.clock().now());
    std::cout << "removed account \"" << name << "\"";
    if (unsent > 0)
        std::cout << " and its " << unsent << " unsent target(s)";
    std::cout << "\n";
    return 0;
}

}  // namespace

void register_account(CLI::App& app, Context& ctx) {
    auto* account = app.add_subcommand("account", "manage the accounts posts go to");
    account->require_subcommand(1);

    static AddOptions add;
    auto* a = account->add_subcommand("add", "add an account with a token you already have");
    std::string platforms;
    for (const auto& i : adapters::registry())
        platforms += (platforms.empty() ? "" : ", ") + std::string(i.name);
    a->add_option("platform", add.platform, "platform: " + platforms)->required();
    a->add_option("--name", add.name, "the name --to uses; unique")->required();
    a->add_option("--token-env", add.token_env,
                  "read the access token (or webhook URL) from this variable");
    a->add_flag("--token-stdin", add.token_stdin,
                "read the access token (or webhook URL) from stdin");
    a->add_option("--refresh-token-env", add.refresh_env,
                  "read a refresh token from this variable");
    a->add_option("--expires-at", add.expires_at, "when the access token expires (ISO-8601)");
    a->add_option("--platform-account-id", add.platform_id, "the platform's id of the account");
    a->add_option("--username", add.username, "the account's username");
    a->add_option("--display-name", add.display_name, "the account's display name");
    a->add_option("--instance", add.instance, "instance base URL (mastodon; bluesky: the PDS)");
    a->add_option("--handle", add.handle, "bluesky: the handle (or email) to log in with");
    a->add_option("--app-password-env", add.app_password_env,
                  "bluesky: read an app password from this variable (used once, never stored)");
    a->add_flag("--app-password-stdin", add.app_password_stdin,
                "bluesky: read an app password from stdin (used once, never stored)");
    a->add_option("--command", add.command, "exec: the command that publishes (run by /bin/sh -c)");
    a->add_flag("--no-verify", add.no_verify, "do not check the token with the platform");
    add_x_secret_options(*a, add.x_env);
    a->callback([&ctx] { ctx.action = [&ctx] { return run_add(ctx, add); }; });

    static bool list_json = false;
    auto* l = account->add_subcommand("list", "list accounts");
    l->add_flag("--json", list_json, "JSON output");
    l->callback([&ctx] { ctx.action = [&ctx] { return run_list(ctx, list_json); }; });

    static std::string show_name;
    static bool show_json = false;
    auto* s = account->add_subcommand("show", "show one account (tokens never shown)");
    s->add_option("name", show_name, "account name")->required();
    s->add_flag("--json", show_json, "JSON output");
    s->callback([&ctx] { ctx.action = [&ctx] { return run_show(ctx, show_name, show_json); }; });

    static std::string rm_name;
    static bool rm_force = false;
    auto* r = account->add_subcommand("remove", "remove an account");
    r->add_option("name", rm_name, "account name")->required();
    r->add_flag("--force", rm_force, "also remove its unsent targets");
    r->callback([&ctx] { ctx.action = [&ctx] { return run_remove(ctx, rm_name, rm_force); }; });

    register_account_oauth(*account, ctx);
}

}  // namespace postsched::cli
