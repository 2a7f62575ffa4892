#include "cli/post_input.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/text_count.hpp"
#include "core/time_format.hpp"
#include "core/zoned_time.hpp"
#include "media/media.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

std::string read_source(const TextInput& in) {
    if (!in.file.empty() && !in.text.empty())
        throw Error(Exit::usage, "give the text as an argument or with --file, not both");
    if (!in.file.empty()) {
        std::ifstream f(in.file, std::ios::binary);
        if (!f)
            throw Error(Exit::no_input, "cannot read text file \"" + in.file + "\"");
        return std::string(std::istreambuf_iterator<char>(f), {});
    }
    if (in.text == "-")
        return std::string(std::istreambuf_iterator<char>(std::cin), {});
    return in.text;
}

std::string trim_newlines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    size_t start = 0;
    while (start < s.size() && (s[start] == '\n' || s[start] == '\r'))
        ++start;
    return s.substr(start);
}

// Splits at lines holding only "---" (a CR before the LF is allowed).
std::vector<std::string> split_parts(const std::string& text) {
    std::vector<std::string> parts(1);
    std::string_view rest(text);
    bool first_line = true;
    while (!rest.empty()) {
        auto nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        std::string_view bare = line;
        if (!bare.empty() && bare.back() == '\r')
            bare.remove_suffix(1);
        if (bare == "---") {
            parts.emplace_back();
            first_line = true;
            continue;
        }
        if (!first_line)
            parts.back() += '\n';
        parts.back() += line;
        first_line = false;
    }
    return parts;
}

bool is_ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

nlohmann::json scalar(const std::string& v) {
    if (v == "true")
        return true;
    if (v == "false")
        return false;
    return v;
}

// Each part valid UTF-8, in NFC, without blank lines around it, not empty.
void normalise_parts(std::vector<std::string>& parts) {
    for (size_t i = 0; i < parts.size(); ++i) {
        if (!is_valid_utf8(parts[i]))
            throw Error(Exit::data, "the text is not valid UTF-8");
        parts[i] = trim_newlines(parts[i]);
        if (!is_ascii(parts[i]))  // ASCII is NFC already; ICU costs a bulk import dearly
            parts[i] = nfc(parts[i]);
        bool blank = parts[i].find_first_not_of(" \t\r\n") == std::string::npos;
        if (blank)
            throw Error(Exit::data, parts.size() == 1
                                        ? std::string("the text is empty")
                                        : "part " + std::to_string(i + 1) + " of " +
                                              std::to_string(parts.size()) + " is empty");
    }
}

}  // namespace

std::vector<std::string> read_parts(const TextInput& in) {
    std::vector<std::string> parts;
    if (!in.text.empty() || !in.file.empty()) {
        std::string src = read_source(in);
        if (!is_valid_utf8(src))
            throw Error(Exit::data, "the text is not valid UTF-8");
        parts = split_parts(src);
    }
    for (std::size_t i = 0; i < in.parts.size(); ++i) {
        // A "---" line is the thread separator in TEXT, files and CSV: inside
        // one part it would split it when the post is exported and imported.
        if (split_parts(in.parts[i]).size() > 1)
            throw Error(Exit::data, "--part " + std::to_string(i + 1) +
                                        " has a line holding only \"---\", which separates "
                                        "thread parts: give each part its own --part");
        parts.push_back(in.parts[i]);
    }
    if (parts.empty())
        throw Error(Exit::usage, "no text: give TEXT, - (stdin) or --file FILE");
    normalise_parts(parts);
    return parts;
}

std::vector<std::string> parse_thread_text(const std::string& text) {
    if (!is_valid_utf8(text))
        throw Error(Exit::data, "the text is not valid UTF-8");
    auto parts = split_parts(text);
    normalise_parts(parts);
    return parts;
}

std::string default_zone(Context& ctx, const std::string& tz) {
    std::string zone = tz;
    if (zone.empty())
        zone = ctx.config().default_timezone;
    if (zone.empty())
        zone = system_zone_name();
    require_zone(zone);
    return zone;
}

Schedule read_schedule(Context& ctx, const TimeInput& in) {
    std::string zone = default_zone(ctx, in.tz);
    Instant now = ctx.clock().now();
    if (in.now && !in.at.empty())
        throw Error(Exit::usage, "give --at or --now, not both");
    if (in.now)
        return {now, zone};
    if (in.at.empty())
        throw Error(Exit::usage, "say when: --at TIME or --now");
    ScheduleTime t = parse_schedule_time(in.at, zone);
    if (!t.note.empty())
        std::cerr << "postsched: note: " << t.note << "\n";
    if (t.instant < now)
        throw Error(Exit::data, "--at \"" + in.at + "\" is in the past (" +
                                    format_instant(t.instant) + " < now " + format_instant(now) +
                                    "); use --now to publish at once");
    return {t.instant, zone};
}

std::vector<MediaRef> read_media(const MediaInput& in) {
    if (in.alts.size() > in.sources.size())
        throw Error(Exit::usage, "more --alt texts than --media items");
    std::vector<MediaRef> out;
    for (size_t i = 0; i < in.sources.size(); ++i) {
        std::string src = in.sources[i];
        if (!media::is_url(src)) {
            std::error_code ec;
            auto abs = std::filesystem::absolute(src, ec);
            if (!ec)
                src = abs.lexically_normal().string();
        }
        out.push_back({src, i < in.alts.size() ? in.alts[i] : std::string()});
    }
    return out;
}

std::string read_options(const OptionInput& in, const std::string& base) {
    nlohmann::json o = nlohmann::json::parse(base);
    for (const auto& pair : in.pairs) {
        auto eq = pair.find('=');
        auto dot = pair.find('.');
        if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 ||
            eq == dot + 1)
            throw Error(Exit::usage, "--option \"" + pair + "\": use PLATFORM.KEY=VALUE");
        o[pair.substr(0, dot)][pair.substr(dot + 1, eq - dot - 1)] = scalar(pair.substr(eq + 1));
    }
    if (!in.visibility.empty())
        o["mastodon"]["visibility"] = in.visibility;
    if (!in.content_warning.empty())
        o["mastodon"]["spoiler_text"] = in.content_warning;
    if (!in.language.empty())
        o["mastodon"]["language"] = in.language;
    if (in.sensitive)
        o["mastodon"]["sensitive"] = true;
    return o.dump();
}

std::vector<Account> resolve_accounts(Context& ctx, const std::vector<std::string>& names) {
    if (names.empty())
        throw Error(Exit::usage, "say where: --to ACCOUNT (see `postsched account list`)");
    std::vector<Account> out;
    std::set<std::string> seen;
    for (const auto& n : names) {
        if (!seen.insert(n).second)
            continue;
        auto a = ctx.store().find_account(n);
        if (!a)
            throw Error(Exit::data,
                        "--to: no account named \"" + n + "\" (see `postsched account list`)");
        if (!adapters::find_adapter(a->platform))
            throw Error(Exit::data, "--to: account \"" + n + "\" is on platform \"" + a->platform +
                                        "\", which this postsched cannot publish to");
        if (!a->is_active)  // as import refuses it: a post for it would only wait
            throw Error(Exit::data, "--to: account \"" + n +
                                        "\" is disabled (`postsched account enable " + n +
                                        "` first)");
        out.push_back(*a);
    }
    return out;
}

void validate_post(Context& ctx, const Post& post, const std::vector<Account>& accounts) {
    validate_content(ctx, post, accounts);
    validate_media(ctx, post, accounts);
}

std::vector<Verdict> check_content(Context& ctx, const Post& post,
                                   const std::vector<Account>& accounts) {
    std::vector<Verdict> out;
    for (const auto& a : accounts) {
        auto& adapter = ctx.adapter(a.platform);
        std::string who = a.platform + " account \"" + a.name + "\"";
        if (post.parts.size() > 1 && !adapter.supports_threads()) {
            adapters::ContentVerdict v;
            v.ok = false;
            v.message = who + " cannot publish threads (this post has " +
                        std::to_string(post.parts.size()) + " parts)";
            out.push_back({a, 0, v, v.message});
            continue;
        }
        for (size_t i = 0; i < post.parts.size(); ++i) {
            auto v = adapter.check_text(a, post.parts[i], post.options);
            std::string part =
                post.parts.size() > 1 ? "part " + std::to_string(i + 1) + " " : "text ";
            out.push_back({a, static_cast<int>(i + 1), v, part + "for " + who + ": " + v.message});
        }
    }
    return out;
}

std::vector<Verdict> check_media(Context& ctx, const Post& post,
                                 const std::vector<Account>& accounts) {
    std::vector<Verdict> out;
    for (const auto& a : accounts) {
        auto& adapter = ctx.adapter(a.platform);
        std::string who = a.platform + " account \"" + a.name + "\"";
        auto rules = adapter.media_rules(a);
        adapters::ContentVerdict v;
        v.unit = "media items";
        v.count = post.media.size();
        v.limit = rules.supported ? rules.max_items : 0;
        if (!post.media.empty() && !rules.supported)
            v.message =
                who + " takes no media (this post has " + std::to_string(post.media.size()) + ")";
        else if (post.media.size() < rules.min_items)
            v.message = who + " needs at least " + std::to_string(rules.min_items) +
                        " image or video (this post has " + std::to_string(post.media.size()) + ")";
        else if (!post.media.empty() && post.media.size() > rules.max_items)
            v.message = who + " takes at most " + std::to_string(rules.max_items) +
                        " media items (this post has " + std::to_string(post.media.size()) + ")";
        Exit code = Exit::data;
        std::vector<std::string> types;
        if (v.message.empty())
            for (const auto& m : post.media) {
                try {
                    types.push_back(media::check_for_account(m, rules, a));
                } catch (const Error& e) {
                    v.message = e.what();
                    code = e.code();
                    break;
                }
            }
        if (const std::string mix = rules.mix_problem(types); v.message.empty() && !mix.empty())
            v.message = who + " " + mix + " (this post has " + std::to_string(types.size()) +
                        " media items)";
        v.ok = v.message.empty();
        out.push_back({a, 0, v, v.message, code});
    }
    return out;
}

namespace {
void throw_first_problem(const std::vector<Verdict>& verdicts) {
    for (const auto& v : verdicts)
        if (!v.verdict.ok)
            throw Error(v.code, v.problem);
}
}  // namespace

void validate_content(Context& ctx, const Post& post, const std::vector<Account>& accounts) {
    throw_first_problem(check_content(ctx, post, accounts));
}

void validate_media(Context& ctx, const Post& post, const std::vector<Account>& accounts) {
    throw_first_problem(check_media(ctx, post, accounts));
}

std::vector<Target> make_targets(Context& ctx, const Post& post,
                                 const std::vector<Account>& accounts) {
    std::vector<Target> out;
    for (const auto& a : accounts) {
        Target t;
        t.id = new_uuid_v7(ctx.clock().now());
        t.post_id = post.id;
        t.account_id = a.id;
        t.next_attempt_at = post.scheduled_at;
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace postsched::cli
