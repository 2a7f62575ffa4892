// ContentVerdict's refusals: the wording of the checks every adapter's
// check_text makes before it counts the text.
#include "adapters/adapter.hpp"
#include "core/errors.hpp"
#include "core/text_count.hpp"

namespace postsched::adapters {

ContentVerdict& ContentVerdict::refuse(std::string why) {
    ok = false;
    message = std::move(why);
    return *this;
}

bool ContentVerdict::check_options(const std::function<void()>& parse_options) {
    try {
        parse_options();
    } catch (const Error& error) {
        refuse(error.what());
        return false;
    }
    return true;
}

bool ContentVerdict::check_utf8(std::string_view text) {
    if (is_valid_utf8(text))
        return true;
    refuse("text is not valid UTF-8");
    return false;
}

}  // namespace postsched::adapters
