#pragma once
// One publish (or settle) of a target on X: chunked media uploads, a reply
// chain of posts, resume state saved before every request that creates
// something. Private to adapters/x/.
#include <optional>
#include <string>
#include <vector>

#include "adapters/x/x_adapter.hpp"
#include "adapters/x/x_internal.hpp"

namespace postsched::adapters::x {

class Publication {
  public:
    Publication(Api api, const PublishRequest& request, const SaveState& save,
                const XTuning& tuning);
    // Uploads media (first part only), then posts the parts not yet in the
    // resume state as a reply chain. Posted carries the first part.
    // `settling`: a part whose earlier request got no answer and cannot be
    // found among the account's posts is Kind::unknown instead of resent.
    Outcome run(bool settling);

  private:
    std::optional<Outcome> prepare();
    std::optional<Outcome> check_media() const;
    std::optional<Outcome> upload_media();
    std::optional<Outcome> upload_one(std::size_t k);
    // Sends item k's alt text once it is uploaded (images and GIFs).
    std::optional<Outcome> describe(std::size_t k);
    std::optional<Outcome> initialize(std::size_t k);
    std::optional<Outcome> append(std::size_t k);
    std::optional<Outcome> processing(std::size_t k, const net::HttpResponse& response);
    std::optional<Outcome> resolve_inflight(bool settling);
    std::optional<Outcome> post_part(std::size_t i);
    std::optional<std::string> find_sent(std::size_t i);
    std::string tweet_body(std::size_t i) const;
    std::string part_name(std::size_t i) const;
    std::string media_name(std::size_t k) const;
    Outcome answered(const net::HttpResponse& response, std::string_view what) const;
    void save_state() const;
    long long now_seconds() const;

    Api m_api;
    const PublishRequest& m_request;
    const SaveState& m_save;
    XTuning m_tuning;
    std::vector<std::string> m_parts;  // at least one (media-only posts: "")
    ResumeState m_state;
    std::optional<std::size_t> m_prior_inflight;  // as loaded: an earlier attempt's
};

}  // namespace postsched::adapters::x
