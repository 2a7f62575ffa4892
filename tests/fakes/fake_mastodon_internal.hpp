#pragma once
// Helpers of the fake Mastodon that do not touch the server: the length rule,
// status HTML and JSON. Private to tests/fakes/.
#include <cstddef>
#include <string>

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

}  // namespace postsched::fakes::mastodon_rules
