#include "cli/bluesky_login.hpp"

#include "cli/context.hpp"
#include "core/errors.hpp"

namespace postsched::cli {

adapters::BlueskySession bluesky_login(Context& ctx, const BlueskyLogin& login) {
    if (login.platform != "bluesky")
        throw Error(Exit::usage, "--app-password-env/--app-password-stdin are for bluesky only");
    if (login.handle.empty())
        throw Error(Exit::usage, "bluesky needs --handle (or the account's email) to log in");
    const auto& platform = ctx.config().platform("bluesky");
    std::string base = !login.instance.empty()      ? login.instance
                       : !platform.api_base.empty() ? platform.api_base
                                                    : std::string(adapters::k_bluesky_default_base);
    if (base.find("://") == std::string::npos)
        base = "https://" + base;
    while (base.back() == '/')
        base.pop_back();
    std::string handle = login.handle;
    if (handle.starts_with("@"))
        handle.erase(0, 1);
    return adapters::create_bluesky_session(ctx.http(), base, handle, login.password,
                                            platform.timeout);
}

}  // namespace postsched::cli
