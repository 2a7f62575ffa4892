#include "support/graph_adapter_fixture.hpp"

#include "media/media.hpp"

namespace postsched::testing {

GraphAdapterFixture::GraphAdapterFixture(Instant start, const std::string& platform_name,
                                         const std::string& name, const std::string& user_id)
    : AdapterFixture(start, platform_name, std::chrono::milliseconds(5000)) {
    platform.api_base = fake.base_url();
    platform.poll_interval = std::chrono::milliseconds(1);
    fake.set_clock([this] { return clock.now(); });
    for (const char* path : {"/a.jpg", "/b.jpg", "/c.jpg"})
        files.put(path, fakes::tiny_jpeg(), "image/jpeg");
    account.id = "acc-" + platform_name;
    account.name = name;
    account.platform_account_id = user_id;
}

adapters::FetchedMedia GraphAdapterFixture::url(const std::string& path) const {
    return {files.url(path), "", media::type_from_extension(path), ""};
}

}  // namespace postsched::testing
