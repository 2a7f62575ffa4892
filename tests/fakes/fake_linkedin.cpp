// The fake LinkedIn REST API: versioned headers, tokens, posts, images, faults.
#include "fakes/fake_linkedin.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "fakes/fake_faults.hpp"

namespace postsched::fakes {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_commentary = 3000;
const std::string k_reserved = "\\|{}@[]()<>#*_~";

struct Member {
    std::string sub;
    std::string name;
    std::vector<std::string> scopes;
    bool expired = false;
};

void answer(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

void fail(httplib::Response& res, int status, const std::string& message,
          const std::string& code = "") {
    json body = {{"message", message}, {"status", status}};
    if (!code.empty())
        body["code"] = code;
    answer(res, status, body);
}

bool has(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::size_t utf16_units(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80)
            n += c >= 0xF0 ? 2 : 1;
    }
    return n;
}

}  // namespace

std::string linkedin_shown_text(const std::string& c) {
    std::string out;
    for (std::size_t i = 0; i < c.size();) {
        const bool at_word_start = i == 0 || std::isspace(static_cast<unsigned char>(c[i - 1]));
        if (c[i] == '\\' && i + 1 < c.size()) {
            out += c[i + 1];
            i += 2;
        } else if ((i == 0 || !std::isalnum(static_cast<unsigned char>(c[i - 1]))) &&
                   (c.compare(i, 7, "http://") == 0 || c.compare(i, 8, "https://") == 0)) {
            while (i < c.size() && !std::isspace(static_cast<unsigned char>(c[i])) && c[i] != '\\')
                out += c[i++];
        } else if (c[i] == '#' && at_word_start && i + 1 < c.size() &&
                   (std::isalnum(static_cast<unsigned char>(c[i + 1])) ||
                    static_cast<unsigned char>(c[i + 1]) >= 0x80)) {
            out += c[i++];
        } else if (k_reserved.find(c[i]) != std::string::npos) {
            break;  // LinkedIn accepts the post and drops the rest
        } else {
            out += c[i++];
        }
    }
    return out;
}

struct FakeLinkedIn::Impl {
    httplib::Server server;
    std::thread thread;
    int port = -1;
    FaultBook book;

    mutable std::mutex mutex;
    long long now_ms = 1764331200000;  // 2025-11-28T12:00:00Z
    std::vector<std::string> versions = {"202508", "202510", "202601", "202606",
                                         "202608", "202611", "202612"};
    std::map<std::string, Member> members;  // by token
    std::map<std::string, std::pair<std::string, std::vector<std::string>>>
        orgs;                                                    // id → name, admins
    std::map<std::string, std::pair<std::string, bool>> images;  // urn → owner, uploaded
    std::vector<FakeLinkedInPost> posts;
    std::vector<std::string> seen_versions;
    long long next_id = 7045020441609936898;

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port); }

    // Under the lock: the member of a valid token, else answers 401.
    const Member* authorize(const httplib::Request& req, httplib::Response& res) {
        const std::string header = req.get_header_value("Authorization");
        const auto it =
            header.starts_with("Bearer ") ? members.find(header.substr(7)) : members.end();
        if (it == members.end()) {
            answer(res, 401,
                   {{"status", 401},
                    {"serviceErrorCode", 65600},
                    {"code", "INVALID_ACCESS_TOKEN"},
                    {"message", "Invalid access token"}});
            return nullptr;
        }
        if (it->second.expired) {
            answer(res, 401,
                   {{"status", 401},
                    {"serviceErrorCode", 65602},
                    {"code", "EXPIRED_ACCESS_TOKEN"},
                    {"message", "The token used in the request has expired"}});
            return nullptr;
        }
        return &it->second;
    }

    // Under the lock: the /rest/ headers, else answers 400/426.
    bool versioned(const httplib::Request& req, httplib::Response& res) {
        const std::string version = req.get_header_value("LinkedIn-Version");
        seen_versions.push_back(version);
        if (version.empty()) {
            res.set_header("X-Restli-Gateway-Error", "true");
            fail(res, 400,
                 "A version must be present. Please specify a version by adding the "
                 "LinkedIn-Version header.",
                 "VERSION_MISSING");
            return false;
        }
        if (!has(versions, version)) {
            fail(res, 426, "Requested version " + version + " is not active",
                 "NONEXISTENT_VERSION");
            return false;
        }
        if (req.get_header_value("X-Restli-Protocol-Version") != "2.0.0") {
            fail(res, 400, "Restli protocol version 1.0.0 is not supported by this resource");
            return false;
        }
        return true;
    }

    // The member may write as `author`; else answers 403.
    bool may_author(const Member& m, const std::string& author, const std::string& method,
                    httplib::Response& res) {
        bool ok = false;
        if (author == "urn:li:person:" + m.sub) {
            ok = has(m.scopes, "w_member_social");
        } else if (author.starts_with("urn:li:organization:")) {
            const auto org = orgs.find(author.substr(20));
            ok = org != orgs.end() && has(org->second.second, m.sub) &&
                 has(m.scopes, "w_organization_social");
        }
        if (!ok) {
            answer(res, 403,
                   {{"serviceErrorCode", 100},
                    {"message", "Not enough permissions to access: " + method},
                    {"status", 403}});
        }
        return ok;
    }

    std::string missing_fields(const json& body) const {
        std::string out;
        for (const char* key :
             {"author", "commentary", "visibility", "distribution", "lifecycleState"}) {
            if (!body.contains(key))
                out += std::string("ERROR :: /") + key +
                       " :: field is required but not found and has no default value\n";
        }
        return out;
    }

    // Image ids (and alt texts) of content.media or content.multiImage; false if unknown.
    bool read_content(const json& body, const std::string& author, FakeLinkedInPost& post) {
        if (!body.contains("content"))
            return true;
        const json& content = body["content"];
        json items = json::array();
        if (content.contains("media"))
            items.push_back(content["media"]);
        if (content.contains("multiImage"))
            items = content["multiImage"].value("images", json::array());
        for (const auto& item : items) {
            const std::string id = item.value("id", "");
            const auto it = images.find(id);
            if (it == images.end() || it->second.first != author || !it->second.second)
                return false;
            post.images.push_back(id);
            post.alt_texts.push_back(item.value("altText", ""));
        }
        return !post.images.empty();
    }

    void create_post(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const Member* m = authorize(req, res);
        if (!m || !versioned(req, res))
            return;
        const json body = json::parse(req.body, nullptr, false);
        if (!req.get_header_value("Content-Type").starts_with("application/json") ||
            !body.is_object())
            return fail(res, 400, "Unable to parse the request body");
        if (const std::string missing = missing_fields(body); !missing.empty())
            return fail(res, 422, missing);
        const std::string author = body.value("author", "");
        if (!may_author(*m, author, "POST /rest/posts", res))
            return;
        const std::string visibility = body.value("visibility", "");
        if (visibility != "PUBLIC" && visibility != "CONNECTIONS")
            return fail(res, 422,
                        "ERROR :: /visibility :: \"" + visibility + "\" is not an enum symbol");
        const json& dist = body["distribution"];
        if (!dist.is_object() || dist.value("feedDistribution", "") != "MAIN_FEED" ||
            body.value("lifecycleState", "") != "PUBLISHED")
            return fail(res, 422, "ERROR :: /distribution :: invalid");
        FakeLinkedInPost post;
        post.author = author;
        post.commentary = body.value("commentary", "");
        if (utf16_units(post.commentary) > k_max_commentary)
            return fail(res, 422, "ERROR :: /commentary :: length of commentary exceeds 3000");
        if (!read_content(body, author, post))
            return fail(res, 422, "ERROR :: /content/media/id :: image is not available");
        for (const auto& old : posts) {
            if (old.author == author && old.commentary == post.commentary &&
                old.images == post.images)
                return fail(res, 422, "Content is a duplicate of " + old.urn);
        }
        post.urn = "urn:li:share:" + std::to_string(next_id++);
        post.shown = linkedin_shown_text(post.commentary);
        post.visibility = visibility;
        post.created_at_ms = now_ms;
        posts.push_back(post);
        res.status = 201;
        res.set_header("x-restli-id", post.urn);
    }

    void find_posts(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const Member* m = authorize(req, res);
        if (!m || !versioned(req, res))
            return;
        if (req.get_param_value("q") != "author" || !req.has_param("author") ||
            req.get_header_value("X-RestLi-Method") != "FINDER")
            return fail(res, 400, "Invalid query parameters passed to request");
        const std::string author = req.get_param_value("author");
        if (!may_author(*m, author, "GET /rest/posts", res))
            return;
        std::size_t count = req.has_param("count") ? std::stoul(req.get_param_value("count")) : 10;
        json elements = json::array();
        for (auto it = posts.rbegin(); it != posts.rend() && elements.size() < count; ++it) {
            if (it->author == author)
                elements.push_back({{"id", it->urn},
                                    {"author", it->author},
                                    {"commentary", it->commentary},
                                    {"createdAt", it->created_at_ms},
                                    {"lifecycleState", "PUBLISHED"},
                                    {"visibility", it->visibility}});
        }
        answer(res, 200, {{"elements", elements}, {"paging", {{"start", 0}, {"count", count}}}});
    }

    void init_upload(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const Member* m = authorize(req, res);
        if (!m || !versioned(req, res))
            return;
        const json body = json::parse(req.body, nullptr, false);
        if (req.get_param_value("action") != "initializeUpload" || !body.is_object() ||
            !body.contains("initializeUploadRequest"))
            return fail(res, 400, "Invalid request body");
        const std::string owner = body["initializeUploadRequest"].value("owner", "");
        if (!may_author(*m, owner, "POST /rest/images", res))
            return;
        const std::string id = "C4E10AQ" + std::to_string(next_id++);
        images["urn:li:image:" + id] = {owner, false};
        answer(res, 200,
               {{"value",
                 {{"uploadUrlExpiresAt", now_ms + 3600000},
                  {"uploadUrl", base_url() + "/dms-uploads/" + id},
                  {"image", "urn:li:image:" + id}}}});
    }

    void upload(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        if (!authorize(req, res))
            return;
        const auto it = images.find("urn:li:image:" + std::string(req.matches[1]));
        if (it == images.end())
            return fail(res, 404, "Not Found");
        if (req.body.empty())
            return fail(res, 400, "empty upload");
        it->second.second = true;
        res.status = 201;
    }

    void userinfo(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const Member* m = authorize(req, res);
        if (!m)
            return;
        if (!has(m->scopes, "openid") || !has(m->scopes, "profile"))
            return answer(res, 403,
                          {{"serviceErrorCode", 100},
                           {"message", "Not enough permissions to access: GET /userinfo"},
                           {"status", 403}});
        answer(res, 200,
               {{"sub", m->sub},
                {"name", m->name},
                {"email", m->sub + "@example.com"},
                {"email_verified", true},
                {"locale", {{"country", "US"}, {"language", "en"}}}});
    }

    void organization(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const Member* m = authorize(req, res);
        if (!m || !versioned(req, res))
            return;
        const auto org = orgs.find(req.matches[1]);
        if (org == orgs.end())
            return fail(res, 404, "Not Found");
        if (!has(org->second.second, m->sub))
            return answer(res, 403,
                          {{"serviceErrorCode", 100},
                           {"message", "Not enough permissions to access: GET /organizations"},
                           {"status", 403}});
        answer(res, 200,
               {{"id", std::stoll(org->first)},
                {"localizedName", org->second.first},
                {"vanityName", "page-" + org->first}});
    }

    void add_routes() {
        using R = const httplib::Request&;
        using W = httplib::Response&;
        server.Post("/rest/posts", book.wrap(k_posts, [this](R q, W s) { create_post(q, s); }));
        server.Get("/rest/posts", book.wrap(k_find_posts, [this](R q, W s) { find_posts(q, s); }));
        server.Post("/rest/images",
                    book.wrap(k_init_upload, [this](R q, W s) { init_upload(q, s); }));
        server.Put(R"(/dms-uploads/(\w+))",
                   book.wrap(k_upload, [this](R q, W s) { upload(q, s); }));
        server.Get("/v2/userinfo", book.wrap(k_userinfo, [this](R q, W s) { userinfo(q, s); }));
        server.Get(R"(/rest/organizations/(\d+))",
                   book.wrap(k_organization, [this](R q, W s) { organization(q, s); }));
    }
};

FakeLinkedIn::FakeLinkedIn() : m_impl(std::make_unique<Impl>()) {
    m_impl->add_routes();
    m_impl->port = start_server(m_impl->server, m_impl->thread, "fake linkedin");
}

FakeLinkedIn::~FakeLinkedIn() {
    stop_server(m_impl->server, m_impl->thread);
}

std::string FakeLinkedIn::base_url() const {
    return m_impl->base_url();
}

void FakeLinkedIn::add_member(const std::string& token, const std::string& sub,
                              const std::string& name, std::vector<std::string> scopes) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->members[token] = {sub, name, std::move(scopes), false};
}

void FakeLinkedIn::add_organization(const std::string& id, const std::string& name,
                                    std::vector<std::string> admin_subs) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->orgs[id] = {name, std::move(admin_subs)};
}

void FakeLinkedIn::expire_token(const std::string& token) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->members.at(token).expired = true;
}

void FakeLinkedIn::set_active_versions(std::vector<std::string> versions) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->versions = std::move(versions);
}

void FakeLinkedIn::set_clock_ms(long long now_ms) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->now_ms = now_ms;
}

void FakeLinkedIn::inject(const std::string& route, FakeFault fault, int times) {
    m_impl->book.inject(route, fault, times);
}

std::vector<FakeLinkedInPost> FakeLinkedIn::posts() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->posts;
}

int FakeLinkedIn::images_uploaded() const {
    std::lock_guard lock(m_impl->mutex);
    int n = 0;
    for (const auto& [urn, image] : m_impl->images)
        n += image.second ? 1 : 0;
    return n;
}

int FakeLinkedIn::requests(const std::string& route) const {
    return m_impl->book.count(route);
}

std::vector<std::string> FakeLinkedIn::request_log() const {
    return m_impl->book.log();
}

std::vector<std::string> FakeLinkedIn::versions_seen() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->seen_versions;
}

}  // namespace postsched::fakes
