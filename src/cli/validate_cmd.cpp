// postsched validate: each target's verdict on a text (and media) before
// anything is stored, with the platform's own counting rule.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/post_input.hpp"
#include "core/errors.hpp"

namespace postsched::cli {
namespace {

struct ValidateOptions {
    TextInput text;
    MediaInput media;
    OptionInput options;
    std::vector<std::string> to;
    bool json = false;
};

// "287/280 weighted characters — too long by 7", "120/500 characters — ok".
std::string summary(const Verdict& v) {
    const auto& c = v.verdict;
    std::string s;
    if (c.limit > 0 || c.count > 0)
        s = std::to_string(c.count) + "/" + std::to_string(c.limit) + " " + c.unit + " — ";
    if (c.ok)
        return s + "ok";
    if (c.limit > 0 && c.count > c.limit && v.part > 0)
        return s + "too long by " + std::to_string(c.count - c.limit) + " (" + c.message + ")";
    return s + (v.part > 0 ? c.message : v.problem);
}

int run_validate(Context& ctx, ValidateOptions& o) {
    if (o.to.empty())
        throw Error(Exit::usage, "say which accounts: --to NAME[,NAME...]");
    Post p;
    p.parts = read_parts(o.text);
    p.media = read_media(o.media);
    p.options = read_options(o.options);
    auto accounts = resolve_accounts(ctx, o.to);
    auto verdicts = check_content(ctx, p, accounts);
    for (auto& v : check_media(ctx, p, accounts))
        if (!p.media.empty() || !v.verdict.ok)  // no media and none needed: nothing to say
            verdicts.push_back(std::move(v));
    bool ok = true;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : verdicts) {
        ok = ok && v.verdict.ok;
        std::string what = v.part > 0 ? (p.parts.size() > 1 ? "part " + std::to_string(v.part)
                                                            : std::string("text"))
                                      : (v.verdict.unit == "media items" ? "media" : "thread");
        if (o.json) {
            list.push_back({{"account", v.account.name},
                            {"platform", v.account.platform},
                            {"what", what},
                            {"ok", v.verdict.ok},
                            {"count", v.verdict.count},
                            {"limit", v.verdict.limit},
                            {"unit", v.verdict.unit},
                            {"message", v.verdict.ok ? "" : v.problem}});
            continue;
        }
        std::cout << v.account.name << " (" << v.account.platform << ") " << what << ": "
                  << summary(v) << "\n";
    }
    if (o.json)
        std::cout << nlohmann::json{{"valid", ok}, {"verdicts", list}}.dump(2) << "\n";
    return ok ? 0 : static_cast<int>(Exit::data);
}

}  // namespace

void register_validate(CLI::App& app, Context& ctx) {
    static ValidateOptions o;
    auto* v = app.add_subcommand(
        "validate",
        "check a text (and media) for each account with its platform's own rules; "
        "exit 65 when any is invalid");
    v->add_option("text", o.text.text, "the text, or - to read it from stdin");
    v->add_option("-f,--file", o.text.file, "read the text from a file");
    v->add_option("--part", o.text.parts, "a further thread part (repeat)")
        ->allow_extra_args(false);
    v->add_option("--to", o.to, "account name(s), repeat or comma-separate")
        ->delimiter(',')
        ->allow_extra_args(false);
    v->add_option("--media", o.media.sources, "image/video URL or local path (repeat)")
        ->allow_extra_args(false);
    v->add_option("--alt", o.media.alts, "alt text for the media, in order (repeat)")
        ->allow_extra_args(false);
    v->add_option("--option", o.options.pairs, "per-platform option PLATFORM.KEY=VALUE (repeat)")
        ->allow_extra_args(false);
    v->add_flag("--json", o.json, "JSON output");
    v->callback([&ctx] { ctx.action = [&ctx] { return run_validate(ctx, o); }; });
}

}  // namespace postsched::cli
