#pragma once
// One scheduling pass (design.md §5): recover expired leases, claim a batch,
// publish through a bounded worker pool (one account's targets in order),
// record each outcome in its own short transaction. The caller holds the
// run lock.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "config/config.hpp"
#include "store/store.hpp"

namespace postsched {
namespace crypto {
class Vault;
}
namespace net {
class HttpClient;
}
namespace media {
class MediaCache;
}
namespace oauth {
class Refresher;
}

namespace scheduler {

struct PassOptions {
    int limit = 0;     // 0: config batch size
    Millis budget{0};  // 0: config time budget
    bool dry_run = false;
};

struct TargetResult {
    std::string post_id;
    std::string target_id;
    std::string account;
    std::string platform;
    std::string status;  // the target's status after the pass
    std::string url;
    std::string error;
};

struct PassReport {
    int recovered = 0;  // expired claims released + sending targets settled
    int claimed = 0;
    int posted = 0;
    int failed = 0;
    int deferred = 0;
    int released = 0;
    int unknown = 0;
    int skipped_late = 0;
    int refreshed = 0;  // idle accounts whose tokens were refreshed
    std::vector<TargetResult> results;
    std::vector<store::Claimed> would_publish;  // dry run only
};

class Pass {
  public:
    Pass(store::Store& store, const crypto::Vault& vault, const config::Config& config,
         net::HttpClient& http, const Clock& clock);
    ~Pass();
    PassReport run(const PassOptions& options);
    // Publishes one post's pending targets now, whatever their due time (post
    // publish). Targets of held accounts stay pending; no pass row is written.
    PassReport publish_post(const std::string& post_id);

  private:
    struct Work {
        store::Claimed item;
        bool settling;
    };
    adapters::Adapter& adapter_for(const std::string& platform);
    void publish_all(std::vector<Work> work, const std::string& token, PassReport& report,
                     std::chrono::steady_clock::time_point deadline);
    // publish_all, then gives back what was claimed and not sent, also when
    // a problem no target can get past (wrong key, store lost) stops it.
    void publish_and_release(std::vector<Work> work, const std::string& token, PassReport& report,
                             std::chrono::steady_clock::time_point deadline);
    TargetResult process(const Work& work, const std::string& token);
    // Refreshes the token before publishing when it expires within the
    // margin; an outcome when the target cannot go now (reconnect, busy,
    // token endpoint down with the token already expired).
    std::optional<adapters::Outcome> fresh_token(const Account& account,
                                                 adapters::PublishRequest& request);
    // After auth_expired: one refresh and one retry where the platform refreshes.
    adapters::Outcome retry_after_refresh(const Account& account, adapters::PublishRequest& request,
                                          const adapters::SaveState& save,
                                          adapters::Outcome refused);
    void count(PassReport& report, const TargetResult& r);

    store::Store& m_store;
    const crypto::Vault& m_vault;
    const config::Config& m_config;
    net::HttpClient& m_http;
    const Clock& m_clock;
    std::unique_ptr<media::MediaCache> m_media;
    std::unique_ptr<oauth::Refresher> m_refresher;
    std::mutex m_mutex;
    std::map<std::string, std::unique_ptr<adapters::Adapter>> m_adapters;
};

}  // namespace scheduler
}  // namespace postsched
