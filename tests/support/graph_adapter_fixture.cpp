#include "support/graph_adapter_fixture.hpp"

#include "media/media.hpp"
#include "net/curl_http_client.hpp"

namespace postsched::testing {

GraphAdapterFixture::GraphAdapterFixture(Instant start, const std::string& platform_name,
                                         const std::string& name, const std::string& user_id)
    : clock(start),
      http(net::make_curl_http_client(std::chrono::milliseconds(2000))),
      context{*http, clock, platform} {
    platform.name = platform_name;
    platform.api_base = fake.base_url();
    platform.timeout = std::chrono::milliseconds(5000);
    platform.poll_interval = std::chrono::milliseconds(1);
    fake.set_clock([this] { return clock.now(); });
    for (const char* path : {"/a.jpg", "/b.jpg", "/c.jpg"})
        files.put(path, fakes::tiny_jpeg(), "image/jpeg");
    account.id = "acc-" + platform_name;
    account.platform = platform_name;
    account.name = name;
    account.platform_account_id = user_id;
}

adapters::FetchedMedia GraphAdapterFixture::url(const std::string& path) const {
    return {files.url(path), "", media::type_from_extension(path), ""};
}

}  // namespace postsched::testing
