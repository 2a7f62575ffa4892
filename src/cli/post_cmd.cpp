// postsched post add | list | show | edit | approve | cancel | reschedule
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/output.hpp"
#include "cli/post_input.hpp"
#include "cli/publish_cmd.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "core/zoned_time.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

struct PostOptions {
    TextInput text;
    TimeInput time;
    MediaInput media;
    OptionInput options;
    std::vector<std::string> to;
    std::string max_lateness, idempotency_key;
    bool draft = false, json = false, clear_media = false, publish = false;
    bool text_given = false;  // TEXT was on the command line, even if empty
};

void add_text_options(CLI::App* c, PostOptions& o) {
    c->add_option("text", o.text.text, "the text, or - to read it from stdin")
        ->each([&o](const std::string&) { o.text_given = true; });
    c->add_option("-f,--file", o.text.file, "read the text from a file");
    c->add_option("--part", o.text.parts,
                  "a further thread part (repeat); in text, a line "
                  "holding only --- also separates parts")
        ->allow_extra_args(false);
}

void add_time_options(CLI::App* c, PostOptions& o) {
    c->add_option("--at", o.time.at,
                  "when: ISO-8601 with offset (2026-12-01T09:30+01:00), or local time in --tz");
    c->add_option("--tz", o.time.tz, "IANA zone for a local --at, kept for display");
    c->add_flag("--now", o.time.now, "due at once: the next pass publishes it");
}

void add_content_options(CLI::App* c, PostOptions& o) {
    c->add_option("--to", o.to, "account name(s), repeat or comma-separate")
        ->delimiter(',')
        ->allow_extra_args(false);
    c->add_option("--media", o.media.sources, "image/video URL or local path (repeat)")
        ->allow_extra_args(false);
    c->add_option("--alt", o.media.alts, "alt text for the media, in order (repeat)")
        ->allow_extra_args(false);
    c->add_option("--option", o.options.pairs, "per-platform option PLATFORM.KEY=VALUE (repeat)")
        ->allow_extra_args(false);
    c->add_option("--visibility", o.options.visibility,
                  "mastodon visibility: public, unlisted, private, direct");
    c->add_option("--content-warning", o.options.content_warning, "mastodon content warning");
    c->add_option("--language", o.options.language, "mastodon language code, e.g. en");
    c->add_flag("--sensitive", o.options.sensitive, "mark media sensitive (mastodon)");
    c->add_option("--max-lateness", o.max_lateness,
                  "skip instead of publishing when found later than this (e.g. 2h)");
}

std::optional<Millis> lateness(const std::string& text) {
    if (text.empty())
        return std::nullopt;
    auto d = parse_duration(text);
    if (!d)
        throw Error(Exit::usage, "--max-lateness \"" + text + "\" is not a duration (like 2h)");
    return d;
}

store::PostView require_post(Context& ctx, const std::string& id) {
    auto v = ctx.store().get_post(id);
    if (!v)
        throw Error(Exit::data, "no post \"" + id + "\" (see `postsched post list`)");
    return *v;
}

int run_add(Context& ctx, PostOptions& o) {
    Post p;
    Instant now = ctx.clock().now();
    p.id = new_uuid_v7(now);
    if (o.text_given && o.text.text.empty())
        throw Error(Exit::data, "the text is empty");
    if (o.publish && o.draft)
        throw Error(Exit::usage, "--publish and --draft do not go together");
    if (o.publish && !o.time.given())
        o.time.now = true;
    p.parts = read_parts(o.text);
    auto when = read_schedule(ctx, o.time);
    p.scheduled_at = when.at;
    p.timezone = when.zone;
    p.media = read_media(o.media);
    p.options = read_options(o.options);
    p.max_lateness = lateness(o.max_lateness);
    if (!o.idempotency_key.empty()) {
        p.idempotency_key = o.idempotency_key;
        if (auto existing = ctx.store().find_post_by_key(o.idempotency_key)) {
            // A re-run of the same command (a retried CI job) adds nothing.
            if (existing->post.parts != p.parts)
                throw Error(Exit::data, "idempotency key \"" + o.idempotency_key +
                                            "\" is already used by post " + existing->post.id +
                                            " with a different text");
            std::cerr << "postsched: note: idempotency key \"" << o.idempotency_key
                      << "\" already added post " << existing->post.id << "; nothing added\n";
            if (o.publish)
                return publish_now(ctx, existing->post.id, o.json);
            if (o.json)
                std::cout << post_json(*existing, true) << "\n";
            else
                std::cout << existing->post.id << "\n";
            return 0;
        }
    }
    p.status = o.draft ? PostStatus::draft : PostStatus::pending;
    p.created_at = p.updated_at = now;
    if (!o.draft)
        p.approved_at = now;
    auto accounts = resolve_accounts(ctx, o.to);
    validate_post(ctx, p, accounts);
    ctx.store().add_post(p, make_targets(ctx, p, accounts));
    if (o.publish) {
        if (!o.json)
            std::cout << "post " << p.id << "\n";
        return publish_now(ctx, p.id, o.json);
    }
    if (o.json)
        std::cout << post_json(*ctx.store().get_post(p.id), true) << "\n";
    else
        std::cout << p.id << "\n";
    return 0;
}

std::string target_summary(const store::PostView& v) {
    std::string s;
    for (const auto& t : v.targets)
        s += (s.empty() ? "" : ", ") + t.account_name + ":" + std::string(to_string(t.status));
    return s;
}

int run_list(Context& ctx, const std::string& status, const std::string& account,
             const std::string& since, const std::string& until, std::size_t limit, bool json) {
    store::PostFilter f;
    if (!status.empty()) {
        f.status = post_status_from(status);
        f.target_status =
            status == "unknown" || status == "skipped" ? target_status_from(status) : std::nullopt;
        if (f.target_status)
            f.status.reset();
        if (!f.status && !f.target_status)
            throw Error(Exit::usage, "--status \"" + status +
                                         "\": use draft, pending, posting, posted, failed, "
                                         "cancelled, unknown or skipped");
    }
    f.account_name = account;
    auto instant_of = [](const std::string& flag, const std::string& v) -> std::optional<Instant> {
        if (v.empty())
            return std::nullopt;
        auto t = parse_offset_instant(v);
        if (!t)
            throw Error(Exit::usage,
                        flag + " \"" + v + "\" is not an ISO-8601 instant with offset");
        return t;
    };
    f.since = instant_of("--since", since);
    f.until = instant_of("--until", until);
    f.limit = limit;
    auto posts = ctx.store().list_posts(f);
    if (json) {
        std::cout << posts_json(posts) << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : posts)
        rows.push_back({v.post.id, format_in_zone(v.post.scheduled_at, v.post.timezone),
                        std::string(to_string(v.post.status)), target_summary(v),
                        preview(v.post.parts[0], 40)});
    print_table(std::cout, {"ID", "SCHEDULED", "STATUS", "TARGETS", "TEXT"}, rows);
    return 0;
}

int run_show(Context& ctx, const std::string& id, bool json) {
    auto v = require_post(ctx, id);
    if (json) {
        std::cout << post_json(v, true) << "\n";
        return 0;
    }
    const Post& p = v.post;
    std::cout << "id:        " << p.id << "\n"
              << "status:    " << to_string(p.status) << "\n"
              << "scheduled: " << format_in_zone(p.scheduled_at, p.timezone) << " [" << p.timezone
              << "] = " << format_instant(p.scheduled_at) << "\n";
    if (p.idempotency_key)
        std::cout << "key:       " << *p.idempotency_key << "\n";
    for (size_t i = 0; i < p.parts.size(); ++i) {
        if (p.parts.size() > 1)
            std::cout << "--- part " << i + 1 << "\n";
        std::cout << p.parts[i] << "\n";
    }
    for (const auto& m : p.media)
        std::cout << "media:     " << m.source << (m.alt.empty() ? "" : "  [alt: " + m.alt + "]")
                  << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : v.targets)
        rows.push_back({t.id, t.account_name, t.platform, std::string(to_string(t.status)),
                        std::to_string(t.attempts), t.platform_post_url,
                        preview(t.error_message, 60)});
    std::cout << "\n";
    print_table(std::cout, {"TARGET", "ACCOUNT", "PLATFORM", "STATUS", "ATTEMPTS", "URL", "ERROR"},
                rows);
    return 0;
}

int run_edit(Context& ctx, const std::string& id, PostOptions& o) {
    auto v = require_post(ctx, id);
    Post p = v.post;
    if (o.text.given())
        p.parts = read_parts(o.text);
    if (o.time.given() || !o.time.tz.empty()) {
        if (!o.time.given())
            throw Error(Exit::usage, "--tz needs --at");
        TimeInput in = o.time;
        if (in.tz.empty())
            in.tz = p.timezone;  // a local time is read in the post's own zone
        auto when = read_schedule(ctx, in);
        p.scheduled_at = when.at;
        p.timezone = when.zone;
    }
    if (o.media.sources.empty() && !o.media.alts.empty())
        throw Error(Exit::usage, "--alt goes with --media");
    if (o.clear_media)
        p.media.clear();
    if (!o.media.sources.empty())
        p.media = read_media(o.media);
    if (o.options.given())
        p.options = read_options(o.options, p.options);
    if (!o.max_lateness.empty())
        p.max_lateness = lateness(o.max_lateness);
    std::vector<Account> accounts;
    if (!o.to.empty()) {
        accounts = resolve_accounts(ctx, o.to);
    } else {
        for (const auto& t : v.targets)
            if (auto a = ctx.store().find_account(t.account_name))
                accounts.push_back(*a);
    }
    validate_post(ctx, p, accounts);
    std::vector<Target> targets;
    if (!o.to.empty())
        targets = make_targets(ctx, p, accounts);
    if (!ctx.store().update_unsent_post(p, o.to.empty() ? nullptr : &targets, ctx.clock().now()))
        throw Error(Exit::data, "post " + p.id + " is " + std::string(to_string(v.post.status)) +
                                    " or being sent: only draft and pending posts not yet sent "
                                    "can change");
    std::cout << p.id << "\n";
    return 0;
}

int run_simple(Context& ctx, const std::string& id, const std::string& what) {
    auto v = require_post(ctx, id);
    Instant now = ctx.clock().now();
    if (what == "approve") {
        if (!ctx.store().approve_post(v.post.id, now))
            throw Error(Exit::data, "post " + v.post.id + " is " +
                                        std::string(to_string(v.post.status)) + ", not a draft");
        std::cout << "approved " << v.post.id << "\n";
        return 0;
    }
    if (v.post.status != PostStatus::draft && v.post.status != PostStatus::pending &&
        v.post.status != PostStatus::posting)
        throw Error(Exit::data,
                    "post " + v.post.id + " is already " + std::string(to_string(v.post.status)));
    int n = ctx.store().cancel_post(v.post.id, now);
    auto after = require_post(ctx, v.post.id);
    std::cout << "cancelled " << n << " target(s) of " << v.post.id << "; post is now "
              << to_string(after.post.status) << "\n";
    return 0;
}

}  // namespace

void register_post(CLI::App& app, Context& ctx) {
    auto* post = app.add_subcommand("post", "add and manage scheduled posts");
    post->require_subcommand(1);

    static PostOptions add;
    auto* a = post->add_subcommand("add", "schedule a post to one or more accounts");
    add_text_options(a, add);
    add_time_options(a, add);
    add_content_options(a, add);
    a->add_flag("--draft", add.draft, "keep as a draft until `post approve`");
    a->add_option("--idempotency-key", add.idempotency_key,
                  "a re-run with the same key and text adds nothing (prints the existing id); "
                  "a different text is refused");
    a->add_flag("--publish", add.publish,
                "publish at once and print each target's URL; exit 0 when all are posted, "
                "75 when some wait, 1 when some failed (with --idempotency-key, a re-run "
                "publishes only what is not posted yet)");
    a->add_flag("--json", add.json, "print the created post (with --publish, the summary) as JSON");
    a->callback([&ctx] { ctx.action = [&ctx] { return run_add(ctx, add); }; });

    static std::string status, account, since, until;
    static std::size_t limit = 0;
    static bool list_json = false;
    auto* l = post->add_subcommand("list", "list posts, earliest first");
    l->add_option("--status", status,
                  "draft, pending, posting, posted, failed, cancelled, "
                  "or a target status: unknown, skipped");
    l->add_option("--account", account, "only posts to this account");
    l->add_option("--since", since, "scheduled at or after this instant");
    l->add_option("--until", until, "scheduled before this instant");
    l->add_option("--limit", limit, "at most this many");
    l->add_flag("--json", list_json, "JSON output");
    l->callback([&ctx] {
        ctx.action = [&ctx] {
            return run_list(ctx, status, account, since, until, limit, list_json);
        };
    });

    static std::string show_id;
    static bool show_json = false;
    auto* s = post->add_subcommand("show", "show one post with its targets");
    s->add_option("id", show_id, "post id (or a unique prefix)")->required();
    s->add_flag("--json", show_json, "JSON output");
    s->callback([&ctx] { ctx.action = [&ctx] { return run_show(ctx, show_id, show_json); }; });

    static std::string edit_id;
    static PostOptions edit;
    auto* e = post->add_subcommand("edit", "change a post that has not been sent yet");
    e->add_option("id", edit_id, "post id (or a unique prefix)")->required();
    e->add_option("--text", edit.text.text, "new text, or - to read it from stdin");
    e->add_option("-f,--file", edit.text.file, "read the new text from a file");
    add_time_options(e, edit);
    add_content_options(e, edit);
    e->add_flag("--clear-media", edit.clear_media, "remove all media");
    e->callback([&ctx] { ctx.action = [&ctx] { return run_edit(ctx, edit_id, edit); }; });

    static std::string resched_id;
    static PostOptions resched;
    auto* r = post->add_subcommand("reschedule", "move a post that has not been sent yet");
    r->add_option("id", resched_id, "post id (or a unique prefix)")->required();
    add_time_options(r, resched);
    r->callback([&ctx] {
        ctx.action = [&ctx] {
            if (!resched.time.given())
                throw Error(Exit::usage, "say when: --at TIME or --now");
            return run_edit(ctx, resched_id, resched);
        };
    });

    static std::string publish_id;
    static bool publish_json = false;
    auto* pub = post->add_subcommand(
        "publish", "publish one post now, bypassing its schedule, and print each target's result");
    pub->add_option("id", publish_id, "post id (or a unique prefix)")->required();
    pub->add_flag("--json", publish_json, "JSON output");
    pub->callback(
        [&ctx] { ctx.action = [&ctx] { return publish_now(ctx, publish_id, publish_json); }; });

    static std::string simple_id;
    for (const char* what : {"approve", "cancel"}) {
        auto* c =
            post->add_subcommand(what, std::string(what) == "approve"
                                           ? "turn a draft into a pending post"
                                           : "cancel every target a pass has not claimed yet");
        c->add_option("id", simple_id, "post id (or a unique prefix)")->required();
        std::string w = what;
        c->callback(
            [&ctx, w] { ctx.action = [&ctx, w] { return run_simple(ctx, simple_id, w); }; });
    }
}

}  // namespace postsched::cli
