#pragma once
// A strict fake LinkedIn REST API on 127.0.0.1 (x-linkedin.md §2–3): the
// LinkedIn-Version (400 VERSION_MISSING, 426 NONEXISTENT_VERSION) and
// X-Restli-Protocol-Version headers, coded 401 bodies, scopes and page roles
// (403), 422 per missing field, 201 with an empty body and x-restli-id, 422
// duplicates naming the live post, images via initializeUpload + PUT, the
// author finder, and the "little" format: an unescaped reserved character
// silently cuts the text, as LinkedIn does. httplib stays in the .cpp.
#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_mastodon.hpp"  // FakeFault

namespace postsched::fakes {

struct FakeLinkedInPost {
    std::string urn;  // urn:li:share:N
    std::string author;
    std::string commentary;  // as sent (little format)
    std::string shown;       // what a reader sees: escapes resolved, cut at a bad character
    std::string visibility;
    std::vector<std::string> images;  // urn:li:image:…
    std::vector<std::string> alt_texts;
    long long created_at_ms = 0;
};

class FakeLinkedIn {
  public:
    static constexpr const char* k_posts = "POST /rest/posts";
    static constexpr const char* k_find_posts = "GET /rest/posts";
    static constexpr const char* k_init_upload = "POST /rest/images";
    static constexpr const char* k_upload = "PUT /dms-uploads";
    static constexpr const char* k_userinfo = "GET /v2/userinfo";
    static constexpr const char* k_organization = "GET /rest/organizations";

    FakeLinkedIn();
    ~FakeLinkedIn();
    FakeLinkedIn(const FakeLinkedIn&) = delete;
    FakeLinkedIn& operator=(const FakeLinkedIn&) = delete;

    std::string base_url() const;

    // A member reachable with `token` ("openid profile w_member_social" style scopes).
    void add_member(const std::string& token, const std::string& sub, const std::string& name,
                    std::vector<std::string> scopes = {"openid", "profile", "email",
                                                       "w_member_social"});
    // A page whose administrators are these members (by sub).
    void add_organization(const std::string& id, const std::string& name,
                          std::vector<std::string> admin_subs);
    void expire_token(const std::string& token);  // 401 EXPIRED_ACCESS_TOKEN from now on
    void set_active_versions(std::vector<std::string> versions);  // default 202508–202612
    void set_clock_ms(long long now_ms);

    void inject(const std::string& route, FakeFault fault, int times = 1);

    std::vector<FakeLinkedInPost> posts() const;
    int images_uploaded() const;
    int requests(const std::string& route) const;
    std::vector<std::string> request_log() const;
    std::vector<std::string> versions_seen() const;  // LinkedIn-Version of each /rest/ request

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

// What LinkedIn shows for a little-format commentary: "\x" is x, links and
// "#tag"s stay, any other unescaped reserved character ends the text.
std::string linkedin_shown_text(const std::string& commentary);

}  // namespace postsched::fakes
