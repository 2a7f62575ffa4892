#pragma once
// The data model of design.md §3 as plain values. JSON-valued columns are kept
// as text here so heavy headers stay out of this widely included file.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace postsched {

enum class PostStatus { draft, pending, posting, posted, failed, cancelled };
enum class TargetStatus { pending, claimed, sending, posted, failed, cancelled, skipped, unknown };

std::string_view to_string(PostStatus s);
std::string_view to_string(TargetStatus s);
std::optional<PostStatus> post_status_from(std::string_view s);
std::optional<TargetStatus> target_status_from(std::string_view s);

struct MediaRef {
    std::string source;  // https URL or absolute local path
    std::string alt;     // alt text, may be empty
};

struct Account {
    std::string id;
    std::string platform;             // registry name: mastodon, discord, exec, ...
    std::string name;                 // what users type in --to; unique
    std::string platform_account_id;  // the platform's own id
    std::string display_name;
    std::string username;
    std::string instance_url;      // Mastodon instance, Bluesky PDS (not secret)
    std::string access_token_enc;  // Fernet tokens; webhook URLs live here too
    std::string refresh_token_enc;
    std::optional<Instant> token_expiry;
    std::string settings = "{}";  // JSON: exec command, instance limits, ...
    bool is_active = true;
    bool needs_reconnect = false;
    std::optional<Instant> last_used;
    Instant created_at{};
};

struct Post {
    std::string id;
    std::vector<std::string> parts;  // parts[0] is `content`; more make a thread
    std::vector<MediaRef> media;
    std::string options = "{}";  // JSON: per-platform options
    Instant scheduled_at{};
    std::string timezone;
    PostStatus status = PostStatus::pending;
    std::optional<Millis> max_lateness;
    std::optional<std::string> idempotency_key;
    Instant created_at{};
    Instant updated_at{};
    std::optional<Instant> approved_at;
};

struct Target {
    std::string id;
    std::string post_id;
    std::string account_id;
    TargetStatus status = TargetStatus::pending;
    std::string platform_post_id;
    std::string platform_post_url;
    std::string error_message;
    std::optional<Instant> posted_at;
    int attempts = 0;
    Instant next_attempt_at{};
    std::optional<Instant> claimed_until;
    std::string claim_token;
    std::string last_error_kind;
    std::string adapter_state = "{}";
    std::optional<Instant> sending_at;  // when the (last) request started
};

}  // namespace postsched
