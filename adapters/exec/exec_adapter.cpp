// The exec adapter (design.md §8a): runs the account's command through
// `/bin/sh -c`, text on stdin, metadata in POSTSCHED_* variables, nothing else
// inherited: only PATH, HOME, LANG and TZ from our environment, no descriptor
// but 0, 1 and 2, default signal dispositions, its own process group (so a
// time-out kills the whole group). Process handling is in exec_process.cpp.
#include "adapters/exec/exec_adapter.hpp"
#include "core/text_count.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "adapters/exec/exec_process.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"

namespace postsched::adapters {

namespace {

using Kind = Outcome::Kind;

constexpr std::size_t k_max_message_chars = 500;
constexpr int k_exit_transient = 75;  // EX_TEMPFAIL
constexpr Millis k_default_timeout{30000};
constexpr std::size_t k_default_media_bytes = 50 * 1024 * 1024;
constexpr std::size_t k_max_media = 100;
constexpr std::string_view k_part_separator = "\n---\n";
constexpr const char* k_passed_through[] = {"PATH", "HOME", "LANG", "TZ"};

struct ExecSettings {
    std::string command;
    bool idempotent = false;
    std::optional<std::size_t> max_chars;
};

ExecSettings parse_settings(const std::string& text) {
    ExecSettings s;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        return s;
    if (const auto it = j.find("command"); it != j.end() && it->is_string()) {
        s.command = it->get<std::string>();
    }
    if (const auto it = j.find("idempotent"); it != j.end() && it->is_boolean()) {
        s.idempotent = it->get<bool>();
    }
    if (const auto it = j.find("max_chars"); it != j.end() && it->is_number_unsigned()) {
        s.max_chars = it->get<std::size_t>();
    }
    return s;
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return std::string(s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1));
}

std::string first_line(std::string_view s) {
    const std::string t = trim(s);
    return trim(std::string_view(t).substr(0, t.find('\n')));
}

bool looks_like_url(std::string_view s) {
    const auto sep = s.find("://");
    if (sep == std::string_view::npos || sep == 0)
        return false;
    return std::isalpha(static_cast<unsigned char>(s[0])) &&
           std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(sep), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
                      c == '.';
           });
}

// "5s", "0.3s", "1.25s".
std::string format_seconds(Millis timeout) {
    std::string out = std::to_string(timeout.count() / 1000);
    if (const auto ms = timeout.count() % 1000; ms != 0) {
        std::string frac = std::to_string(1000 + ms).substr(1);
        frac.erase(frac.find_last_not_of('0') + 1);
        out += "." + frac;
    }
    return out + "s";
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0)
            out += separator;
        out += items[i];
    }
    return out;
}

std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\r', ' ');
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

// The child's whole environment (design.md §8: no secret but these).
std::vector<std::string> child_environment(const PublishRequest& request) {
    std::vector<std::string> env;
    for (const char* name : k_passed_through) {
        if (const char* value = std::getenv(name))
            env.push_back(std::string(name) + "=" + value);
    }
    std::vector<std::string> sources;
    std::vector<std::string> alts;
    for (const auto& m : request.media) {
        sources.push_back(m.source);
        alts.push_back(one_line(m.alt));
    }
    env.push_back("POSTSCHED_POST_ID=" + request.post_id);
    env.push_back("POSTSCHED_TARGET_ID=" + request.target_id);
    env.push_back("POSTSCHED_ACCOUNT=" + request.account.name);
    env.push_back("POSTSCHED_PLATFORM_ACCOUNT_ID=" + request.account.platform_account_id);
    env.push_back("POSTSCHED_PART_COUNT=" + std::to_string(request.parts.size()));
    env.push_back("POSTSCHED_MEDIA=" + join(sources, "\n"));
    env.push_back("POSTSCHED_MEDIA_ALT=" + join(alts, "\n"));
    env.push_back("POSTSCHED_OPTIONS=" + request.options);
    if (request.resuming)
        env.push_back("POSTSCHED_RESUMING=1");
    return env;
}

// "killed by signal 15 (Terminated)".
std::string describe_signal(int signal) {
    const char* text = ::strsignal(signal);
    std::string out = "killed by signal " + std::to_string(signal);
    return text ? out + " (" + text + ")" : out;
}

Outcome interpret(const exec::CommandResult& result, const PublishRequest& request,
                  Millis timeout) {
    using End = exec::CommandResult::End;
    if (result.end == End::timed_out) {
        return Outcome::failure(
            Kind::unknown,
            "command timed out after " + format_seconds(timeout) + "; it may have published");
    }
    if (result.end == End::signaled) {
        return Outcome::failure(Kind::unknown, "command was " + describe_signal(result.code) +
                                                   "; it may have published");
    }
    if (result.code == 0) {
        const std::string line = first_line(result.out);
        if (line.empty())
            return Outcome::posted(request.target_id, "");
        if (looks_like_url(line))
            return Outcome::posted(request.target_id, line);
        return Outcome::posted(line, "");
    }
    const std::string status = "command exited with status " + std::to_string(result.code);
    if (result.code == k_exit_transient) {
        const std::string err = truncate_chars(trim(result.err), k_max_message_chars);
        return Outcome::failure(Kind::transient, err.empty() ? status : err);
    }
    const std::string err = truncate_chars(first_line(result.err), k_max_message_chars);
    return Outcome::failure(Kind::permanent, err.empty() ? status : err);
}

class ExecAdapter final : public Adapter {
  public:
    explicit ExecAdapter(const AdapterContext& context) : m_platform(context.platform) {}

    AccountProfile verify_account(const Account& account, const std::string&) override {
        if (trim(parse_settings(account.settings).command).empty()) {
            throw Error(Exit::data, "account " + in_quotes(account.name) +
                                        ": the exec settings have no \"command\"");
        }
        AccountProfile profile;
        profile.platform_account_id = account.name;
        profile.settings = account.settings;
        return profile;
    }

    ContentVerdict check_text(const Account& account, std::string_view text,
                              std::string_view) const override {
        ContentVerdict verdict;
        verdict.count = count_code_points(text);
        const auto max_chars = parse_settings(account.settings).max_chars;
        verdict.limit = max_chars.value_or(0);
        if (trim(text).empty()) {
            verdict.refuse("text is empty");
        } else if (max_chars && verdict.count > *max_chars) {
            verdict.refuse("text is " + std::to_string(verdict.count) +
                           " characters; the \"max_chars\" setting of account " +
                           in_quotes(account.name) + " allows " + std::to_string(*max_chars));
        }
        return verdict;
    }

    MediaRules media_rules(const Account&) const override {
        // The command gets sources, not bytes: any type, local files welcome.
        MediaRules rules;
        rules.max_items = k_max_media;
        rules.max_bytes =
            m_platform.media_max_bytes ? m_platform.media_max_bytes : k_default_media_bytes;
        rules.types.push_back("video/mp4");
        return rules;
    }

    bool supports_threads() const override { return true; }

    Outcome publish(const PublishRequest& request, const SaveState&) override {
        const ExecSettings settings = parse_settings(request.account.settings);
        if (trim(settings.command).empty()) {
            return Outcome::failure(Kind::permanent, "account " + in_quotes(request.account.name) +
                                                         " has no \"command\" in its settings");
        }
        const Millis timeout =
            m_platform.timeout > Millis(0) ? m_platform.timeout : k_default_timeout;
        const std::string input = join(request.parts, k_part_separator);
        try {
            return interpret(
                exec::run_command(settings.command, child_environment(request), input, timeout),
                request, timeout);
        } catch (const Error& e) {
            return Outcome::failure(Kind::transient, e.what());
        }
    }

    Outcome settle(const PublishRequest& request, const SaveState& save, Instant) override {
        // Only the command knows whether it published; it may say it can
        // tell (and skip a second post) by being declared idempotent.
        if (parse_settings(request.account.settings).idempotent) {
            PublishRequest again = request;
            again.resuming = true;
            return publish(again, save);
        }
        return Outcome::failure(Kind::unknown,
                                "the command of account " + in_quotes(request.account.name) +
                                    " was interrupted and cannot tell whether it published "
                                    "(declare \"idempotent\": true in its settings to run it "
                                    "again); resolve the target by hand");
    }

  private:
    config::PlatformConfig m_platform;
};

}  // namespace

std::unique_ptr<Adapter> make_exec_adapter(const AdapterContext& context) {
    return std::make_unique<ExecAdapter>(context);
}

}  // namespace postsched::adapters
