#pragma once
// Mapping between SQLite rows and model values (shared by the store files).
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>

#include "core/model.hpp"

namespace postsched::store::rows {

// Column lists; the `prefixed` forms qualify each column with a table alias.
std::string prefixed(const char* columns, const char* alias);

inline constexpr const char* k_account_columns =
    "id, platform, name, account_id, account_name, account_username, instance_url, "
    "access_token_encrypted, refresh_token_encrypted, token_expiry, settings, is_active, "
    "needs_reconnect, last_used, created_at";
inline constexpr const char* k_post_columns =
    "id, content, parts, media_urls, media_alt, options, scheduled_at, timezone, status, "
    "max_lateness_ms, idempotency_key, created_at, updated_at, approved_at";
inline constexpr const char* k_target_columns =
    "id, post_id, account_id, status, platform_post_id, platform_post_url, error_message, "
    "posted_at, attempts, next_attempt_at, claimed_until, claim_token, last_error_kind, "
    "adapter_state, sending_at";

// Column readers starting at `first` (the index of the first column above).
Account read_account(SQLite::Statement& q, int first = 0);
Post read_post(SQLite::Statement& q, int first = 0);
Target read_target(SQLite::Statement& q, int first = 0);

std::string text(SQLite::Statement& q, int col);
// The due condition of the claim queries (" FROM … WHERE …"); ?1 is now.
extern const char* const k_due_from;
std::optional<Instant> instant(SQLite::Statement& q, int col);
void bind_opt(SQLite::Statement& q, int index, const std::string& value);
void bind_opt(SQLite::Statement& q, int index, const std::optional<Instant>& value);

// JSON (de)serialisation of the list columns.
std::string parts_json(const Post& post);  // parts after the first
std::string media_urls_json(const Post& post);
std::string media_alt_json(const Post& post);

}  // namespace postsched::store::rows
