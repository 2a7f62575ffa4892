#pragma once
// The Adapter interface (design.md §6): one implementation per platform, found
// through the registry table. Adapters get HttpClient& and Clock& from the
// context; no libcurl or store types cross this interface.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/model.hpp"

namespace postsched {
namespace net {
class HttpClient;
}
namespace config {
struct PlatformConfig;
}

namespace adapters {

// What an adapter answered. The pass turns each kind into a target state
// (design.md §4/§6); `message` keeps the platform's own error text.
struct Outcome {
    // waiting: the platform is still working on it (media processing): the
    // target stays pending until retry_at, no attempt counted, nothing else held.
    enum class Kind {
        posted,
        rate_limited,
        paused,
        transient,
        permanent,
        duplicate,
        auth_expired,
        unknown,
        waiting
    };
    Kind kind = Kind::permanent;
    std::string platform_post_id;
    std::string url;
    std::string message;
    std::optional<Instant> retry_at;  // rate limits and pauses: when to try again

    static Outcome posted(std::string id, std::string url);
    static Outcome failure(Kind kind, std::string message, std::optional<Instant> retry_at = {});
};
std::string_view to_string(Outcome::Kind kind);

// A media item fetched for this pass: bytes in memory, type sniffed.
struct FetchedMedia {
    std::string source;  // original URL or path
    std::string alt;
    std::string content_type;  // sniffed: image/jpeg, image/png, image/gif, image/webp, video/mp4
    std::string bytes;         // empty when the adapter takes URLs (Instagram, Threads)
};

// Everything an adapter needs to publish one target. Secrets are decrypted
// only into this struct, in memory, for the duration of the call.
struct PublishRequest {
    const Account& account;
    std::string access_token;  // decrypted; for webhooks, the URL
    std::string post_id;
    // Stable platform-side idempotency key: the target id, or for a post with
    // an idempotency key one derived from it and the account, so that a
    // fresh store (a CI runner) sends the same key again.
    std::string target_id;
    std::vector<std::string> parts;
    std::vector<FetchedMedia> media;
    std::string options = "{}";        // post options JSON
    std::string adapter_state = "{}";  // JSON saved by earlier attempts
    bool resuming = false;             // an earlier attempt may have reached the platform
};

// Adapters call this to persist their resume state (thread part ids, record
// keys, media ids) as soon as it exists, before the next request.
using SaveState = std::function<void(const std::string& adapter_state_json)>;

// Content limits an adapter enforces before any request.
struct MediaRules {
    std::size_t max_items = 4;
    std::size_t min_items = 0;  // 1: media required (Instagram)
    std::size_t max_bytes = 8 * 1024 * 1024;
    std::vector<std::string> types = {"image/jpeg", "image/png", "image/gif", "image/webp"};
    std::size_t max_alt_chars = 0;  // alt text length in code points; 0: no limit
    bool urls_only = false;         // the platform fetches media itself (Instagram, Threads)
    bool supported = true;          // false: the platform takes no media at all

    // Exceptions by type, first match wins: an exact type ("image/gif") or a
    // family ("video/"). X: a GIF up to 15 MiB or a video up to 512 MiB, each
    // alone in its post, beside images up to 5 MiB.
    struct TypeRule {
        std::string type;
        std::string label;          // "GIF", "video": names the rule in messages
        std::size_t max_bytes = 0;  // 0: max_bytes
        bool alone = false;         // must be the post's only media item
    };
    std::vector<TypeRule> by_type;

    const TypeRule* rule_for(std::string_view type) const;
    std::size_t max_bytes_for(std::string_view type) const;
    // Lowers every cap to `cap` (a configured media_max_bytes); 0 changes nothing.
    void cap_bytes(std::size_t cap);
    // Why items of these types cannot share one post ("takes one GIF or one
    // video per post, with no other media"), or "" when they can.
    std::string mix_problem(const std::vector<std::string>& types) const;
};

struct ContentVerdict {
    bool ok = true;
    std::size_t count = 0;  // length as the platform counts it
    std::size_t limit = 0;
    std::string unit = "characters";
    std::string message;  // why not ok, naming the limit

    // Refuses the text for `why`. Returns the verdict, so that a check can end
    // with `return verdict.refuse(...)` and keep the count and limit it found.
    ContentVerdict& refuse(std::string why);
    // The checks before counting, shared so that every adapter words them
    // alike. check_options runs the adapter's options parser, which throws
    // Error naming the bad option; check_utf8 refuses text that is not UTF-8.
    // False: refused with the reason.
    bool check_options(const std::function<void()>& parse_options);
    bool check_utf8(std::string_view text);
};

// What `account add` learns from the platform about an account.
struct AccountProfile {
    std::string platform_account_id;
    std::string username;
    std::string display_name;
    std::string settings = "{}";  // JSON kept on the account (e.g. instance limits)
};

class Adapter {
  public:
    virtual ~Adapter() = default;
    // Checks the credentials against the platform (account add) and returns what
    // it says about the account. Throws Error naming the account on rejection.
    virtual AccountProfile verify_account(const Account& account,
                                          const std::string& access_token) = 0;
    // Checks one text part (and the options) for this account, before any request.
    virtual ContentVerdict check_text(const Account& account, std::string_view text,
                                      std::string_view options_json) const = 0;
    virtual MediaRules media_rules(const Account& account) const = 0;
    // Whether a post with several parts can be published (as a thread).
    virtual bool supports_threads() const = 0;
    // Publishes one target. Never throws for platform answers: classifies them.
    virtual Outcome publish(const PublishRequest& request, const SaveState& save) = 0;
    // Settles a target whose earlier attempt was interrupted while `sending`:
    // retry with the same platform-side key while the platform still knows it,
    // else look it up, else Kind::unknown. `sending_since` is when it started.
    virtual Outcome settle(const PublishRequest& request, const SaveState& save,
                           Instant sending_since) = 0;
    // Before the first publish of a post with an idempotency key (a re-run CI
    // job, perhaps on a fresh store): looks for the post among the account's
    // recent posts and, when found, finishes it (remaining thread parts) and
    // returns the outcome. nullopt: not found, or the platform has no lookup.
    virtual std::optional<Outcome> find_published(const PublishRequest& request,
                                                  const SaveState& save) {
        (void)request;
        (void)save;
        return std::nullopt;
    }
};

struct AdapterContext {
    net::HttpClient& http;
    const Clock& clock;
    const config::PlatformConfig& platform;
};

struct AdapterInfo {
    std::string_view name;         // platform name used in config and --to accounts
    std::string_view description;  // one line for help and man
    bool needs_token;              // account add requires --token-env/--token-stdin
    bool needs_instance;           // account add requires --instance
    std::function<std::unique_ptr<Adapter>(const AdapterContext&)> make;
};

// The registry table: one row per platform, in help order.
const std::vector<AdapterInfo>& registry();
const AdapterInfo* find_adapter(std::string_view platform);

}  // namespace adapters
}  // namespace postsched
