#include "support/adapter_fixture.hpp"

#include "net/curl_http_client.hpp"

namespace postsched::testing {

AdapterFixture::AdapterFixture(Instant start, const std::string& platform_name, Millis timeout)
    : clock(start),
      http(net::make_curl_http_client(std::chrono::milliseconds(2000))),
      context{*http, clock, platform} {
    platform.name = platform_name;
    platform.timeout = timeout;
    account.platform = platform_name;
}

adapters::PublishRequest AdapterFixture::request_with(std::string token,
                                                      std::vector<std::string> parts,
                                                      std::vector<adapters::FetchedMedia> media,
                                                      std::string options, std::string state,
                                                      bool resuming) const {
    return adapters::PublishRequest{
        account,          std::move(token),   post_id,          "target-1", std::move(parts),
        std::move(media), std::move(options), std::move(state), resuming};
}

}  // namespace postsched::testing
