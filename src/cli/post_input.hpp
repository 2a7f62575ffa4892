#pragma once
// Turning command-line input into a valid Post: text and thread parts, the
// schedule time with its zone, media with alt text, per-platform options —
// and checking it against every target account before anything is stored.
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "core/errors.hpp"
#include "core/model.hpp"

namespace postsched::cli {

struct TextInput {
    std::string text;                // positional TEXT, or "-" for stdin
    std::string file;                // --file
    std::vector<std::string> parts;  // --part (more thread parts)
    bool given() const { return !text.empty() || !file.empty() || !parts.empty(); }
};

struct TimeInput {
    std::string at;  // --at
    std::string tz;  // --tz
    bool now = false;
    bool given() const { return !at.empty() || now; }
};

struct MediaInput {
    std::vector<std::string> sources;  // --media
    std::vector<std::string> alts;     // --alt, in order
};

struct OptionInput {
    std::vector<std::string> pairs;  // --option platform.key=value
    std::string visibility, content_warning, language;
    bool sensitive = false;
    bool given() const {
        return !pairs.empty() || !visibility.empty() || !content_warning.empty() ||
               !language.empty() || sensitive;
    }
};

// Thread parts from the text input: a line holding only "---" separates parts.
// Throws Error(Exit::data/no_input) for empty or invalid text.
std::vector<std::string> read_parts(const TextInput& in);
// Thread parts from one text (a CSV cell), checked and normalised like
// read_parts. Throws Error(Exit::data).
std::vector<std::string> parse_thread_text(const std::string& text);

// The schedule instant and zone. Prints a note to stderr for a DST overlap.
// Throws for a past time (unless --now), a DST gap, or a bad zone.
struct Schedule {
    Instant at;
    std::string zone;
};
Schedule read_schedule(Context& ctx, const TimeInput& in);
// The zone for local times: `tz` when given, else the configured one, else
// the system's. Throws Error(Exit::data) for an unknown zone.
std::string default_zone(Context& ctx, const std::string& tz);

std::vector<MediaRef> read_media(const MediaInput& in);
// Options JSON, merged over `base` (a post's existing options when editing).
std::string read_options(const OptionInput& in, const std::string& base = "{}");

// Accounts named by --to (comma-separated or repeated); throws naming the
// unknown one.
std::vector<Account> resolve_accounts(Context& ctx, const std::vector<std::string>& names);

// Checks parts, media and options for every account with its platform's own
// rules. Throws Error(Exit::data) with one line naming account, part and limit.
void validate_post(Context& ctx, const Post& post, const std::vector<Account>& accounts);
// One check of a post against one account: a text part (part 1..n), or the
// post as a whole (part 0: threads not supported, media). `problem` is the
// one-line message naming account, part and limit when !verdict.ok.
struct Verdict {
    Account account;
    int part = 0;
    adapters::ContentVerdict verdict;
    std::string problem;
    Exit code = Exit::data;  // no_input: a local media file that cannot be read
};
// Every verdict, problems and all (postsched validate).
std::vector<Verdict> check_content(Context& ctx, const Post& post,
                                   const std::vector<Account>& accounts);
std::vector<Verdict> check_media(Context& ctx, const Post& post,
                                 const std::vector<Account>& accounts);
// The two halves of validate_post: threads and text length; media count,
// type, size and source. Each throws the first problem.
void validate_content(Context& ctx, const Post& post, const std::vector<Account>& accounts);
void validate_media(Context& ctx, const Post& post, const std::vector<Account>& accounts);

std::vector<Target> make_targets(Context& ctx, const Post& post,
                                 const std::vector<Account>& accounts);

}  // namespace postsched::cli
