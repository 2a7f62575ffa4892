// postsched keys generate | rotate
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <map>

#include "cli/context.hpp"
#include "core/errors.hpp"
#include "crypto/vault.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

using store::AccountSecrets;
using Json = nlohmann::json;

int run_generate(Context& ctx, const std::string& file) {
    std::string path = file.empty() ? ctx.config().key_file : file;
    if (std::filesystem::exists(path))
        throw Error(Exit::cant_create, "key file " + path +
                                           " already exists; use `postsched keys rotate` to put "
                                           "a new key first in it");
    crypto::write_new_key_file(path);
    std::cout << "wrote key file " << path << " (mode 0600)\n";
    return 0;
}

// Calls `visit` on every sealed string in settings (keys ending in "_enc").
void each_sealed(Json& j, const std::function<void(Json&)>& visit) {
    if (!j.is_object())
        return;
    for (auto& [k, v] : j.items()) {
        if (v.is_string() && k.size() > 4 && k.ends_with("_enc"))
            visit(v);
        else
            each_sealed(v, visit);
    }
}

// The same secrets sealed under the vault's first key; counts what changed.
AccountSecrets reseal(const crypto::Vault& vault, const AccountSecrets& in,
                      const std::string& account, int& changed) {
    auto one = [&](const std::string& sealed, const std::string& what) -> std::string {
        if (sealed.empty() || vault.encrypted_with_first_key(sealed))
            return sealed;
        ++changed;
        return vault.encrypt(vault.decrypt(sealed, what + " of account \"" + account + "\""));
    };
    AccountSecrets out = in;
    out.access_token_enc = one(in.access_token_enc, "access token");
    out.refresh_token_enc = one(in.refresh_token_enc, "refresh token");
    Json settings = Json::parse(in.settings.empty() ? "{}" : in.settings, nullptr, false);
    if (!settings.is_discarded()) {
        bool touched = false;
        each_sealed(settings, [&](Json& v) {
            std::string before = v.get<std::string>();
            std::string after = one(before, "sealed setting");
            if (after != before) {
                v = after;
                touched = true;
            }
        });
        if (touched)
            out.settings = settings.dump();
    }
    return out;
}

// Decrypts every stored secret: fails (naming the key source) before anything changes.
void check_all_decrypt(const crypto::Vault& vault, const std::vector<AccountSecrets>& all,
                       const std::map<std::string, std::string>& names) {
    for (const auto& s : all) {
        const std::string& name = names.at(s.account_id);
        if (!s.access_token_enc.empty())
            vault.decrypt(s.access_token_enc, "access token of account \"" + name + "\"");
        if (!s.refresh_token_enc.empty())
            vault.decrypt(s.refresh_token_enc, "refresh token of account \"" + name + "\"");
    }
}

int run_rotate(Context& ctx) {
    auto& store = ctx.store();
    const auto& config = ctx.config();
    std::map<std::string, std::string> names;
    for (const auto& a : store.list_accounts())
        names[a.id] = a.name;
    check_all_decrypt(ctx.vault(), store.account_secrets(), names);
    bool from_env = !config.secret_key_env.empty();
    if (!from_env) {
        auto key = crypto::FernetKey::generate();
        crypto::prepend_key_to_file(config.key_file, key);
        ctx.reload_vault();
        std::cout << "key file " << config.key_file << ": new key " << key.fingerprint()
                  << " first; older keys still decrypt until you delete their lines\n";
    } else {
        std::cout << "keys come from the " << ctx.vault().source()
                  << ": re-encrypting under its first key "
                  << ctx.vault().keys().front().fingerprint() << "\n";
    }
    const auto& vault = ctx.vault();
    // A refresh that stores new tokens meanwhile makes the rewrite refuse;
    // read and try again.
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto all = store.account_secrets();
        std::vector<std::pair<AccountSecrets, AccountSecrets>> work;
        int changed = 0;
        for (const auto& s : all) {
            int before = changed;
            AccountSecrets after = reseal(
                vault, s, names.count(s.account_id) ? names[s.account_id] : s.account_id, changed);
            if (changed != before)
                work.emplace_back(s, std::move(after));
        }
        if (store.rewrite_account_secrets(work)) {
            std::cout << "re-encrypted " << changed << " secret(s) of " << work.size()
                      << " account(s) in one transaction\n";
            return 0;
        }
    }
    throw Error(Exit::temp_fail,
                "the accounts kept changing while re-encrypting (tokens being refreshed); run "
                "`postsched keys rotate` again");
}

}  // namespace

void register_keys(CLI::App& app, Context& ctx) {
    auto* keys = app.add_subcommand("keys", "manage the encryption keys of stored tokens");
    keys->require_subcommand(1);
    static std::string file;
    auto* g = keys->add_subcommand("generate", "write a new key file (0600); never overwrites");
    g->add_option("--file", file, "where to write it (default: security.key_file)");
    g->callback([&ctx] { ctx.action = [&ctx] { return run_generate(ctx, file); }; });
    auto* r = keys->add_subcommand(
        "rotate", "put a new key first and re-encrypt every stored secret under it");
    r->callback([&ctx] { ctx.action = [&ctx] { return run_rotate(ctx); }; });
}

}  // namespace postsched::cli
