#pragma once
// Publishing one post now (post publish, post add --publish).
#include <string>

namespace postsched::cli {

class Context;

// Publishes the post's targets that are not posted yet: failed and skipped
// ones are tried again, pending ones whatever their due time; unknown ones
// are left for `retry --force` or `target resolve`. Prints one line per
// target (or JSON). Returns 0 when every target is posted, 75 when some wait
// (rate limit, pause, account held, claimed by a running pass), 1 when some
// failed or are unknown.
int publish_now(Context& ctx, const std::string& post_id_or_prefix, bool json);

}  // namespace postsched::cli
