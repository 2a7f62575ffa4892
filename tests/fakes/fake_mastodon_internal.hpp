#pragma once
// Helpers of the fake Mastodon that do not touch the server: the length rule,
// status HTML and JSON. Private to tests/fakes/.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_mastodon.hpp"

namespace postsched::fakes::mastodon_rules {

// StatusLengthValidator, written independently of the adapter's counter:
// graphemes of spoiler + text after URLs → 23 x's and @user@domain → @user.
std::size_t status_length(const std::string& spoiler, const std::string& text);

// Mastodon-like HTML: <p>, <br />, links split into invisible spans, mentions
// as h-card links.
std::string render_content(const std::string& text);

// "2026-01-02T03:05:00.000000Z" (the X-RateLimit-Reset form) and
// "2026-01-02T03:05:00.000Z" (created_at).
std::string iso_micro(Instant at);
std::string iso_millis(Instant at);

// Entities as JSON text.
std::string status_json(const FakeStatus& status, const std::string& base_url,
                        const std::string& username);
std::string media_json(const FakeMedia& media, const std::string& base_url, bool ready);

// The parameters of POST /api/v1/statuses.
struct StatusParams {
    std::string status;
    std::string in_reply_to_id;
    std::string visibility;
    std::string spoiler_text;
    std::string language;
    bool sensitive = false;
    std::vector<std::string> media_ids;
};
// From a JSON body; nullopt when it is not a JSON object.
std::optional<StatusParams> status_params_from_json(const std::string& body);
// From form or multipart fields; `values` gives every value of a field name.
StatusParams status_params_from_fields(
    const std::function<std::vector<std::string>(const std::string&)>& values);
// Mastodon's checks of a new status (media, blank text, visibility, length):
// the 422 error text, or "" when the status is valid.
std::string invalid_status(const StatusParams& params, const std::vector<FakeMedia>& media,
                           const std::string& account_id, std::size_t max_characters);

}  // namespace postsched::fakes::mastodon_rules
