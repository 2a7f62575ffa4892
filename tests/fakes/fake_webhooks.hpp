#pragma once
// Strict fakes of a Discord incoming webhook, a Slack incoming webhook and a
// generic JSON receiver, on one HTTP server bound to 127.0.0.1 on a free port
// (started in the constructor, stopped in the destructor).
//
//   Discord  POST /api/webhooks/<id>/<token>[?wait=true]   JSON or multipart
//            (payload_json + files[n]); 401/404/400 answers as Discord gives
//            them; a message object with a snowflake id when wait=true, else 204.
//   Slack    POST /services/<team>/<bot>/<secret>   JSON {"text"}; 200 "ok";
//            404 no_service, 400 invalid_payload / no_text.
//   JSON     POST /hooks/<anything>   JSON; 200 {"id","url"}; a repeated
//            Idempotency-Key is the same delivery (same id, nothing recorded).
//
// Faults replace the normal answers of the next requests; everything received
// can be inspected. httplib stays in the .cpp.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postsched::fakes {

enum class HookKind { discord, slack, json };

// A canned answer for the next matching requests.
struct HookFault {
    std::optional<HookKind> kind;  // only requests to this receiver; nullopt: any
    std::size_t times = 1;         // how many requests get it
    std::size_t skip = 0;          // matching requests answered normally first
    int status = 500;
    std::string body;
    std::string content_type = "text/plain";
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds delay{0};  // before answering
    bool drop_connection = false;        // send headers, then close without a body
    bool deliver = false;  // handle and record the request normally, answer with the fault
};

// One message a receiver accepted.
struct ReceivedHook {
    HookKind kind = HookKind::json;
    std::string path;
    std::string text;                       // Discord content, Slack text, JSON "text"
    std::string username;                   // Discord "username", when given
    std::string idempotency_key;            // JSON: the Idempotency-Key header
    std::size_t files = 0;                  // Discord files[n] uploads; JSON media items
    std::vector<std::string> file_types;    // Discord: content type of each upload
    std::vector<std::string> descriptions;  // Discord: attachment descriptions (alt text)
    std::string body;                       // the JSON payload (payload_json for multipart)
    std::string id;                         // the id answered
};

class FakeWebhooks {
  public:
    static constexpr std::string_view k_discord_id = "112233445566778899";
    static constexpr std::string_view k_discord_token =
        "fAkEdIsCoRdToKeN-0123456789abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOP";
    static constexpr std::string_view k_slack_team = "T0FAKE0001";
    static constexpr std::string_view k_slack_bot = "B0FAKE0001";
    static constexpr std::string_view k_slack_secret = "fakeSlackSecret0123456789";
    static constexpr std::string_view k_json_secret = "json-receiver-secret-0123456789";

    FakeWebhooks();
    ~FakeWebhooks();
    FakeWebhooks(const FakeWebhooks&) = delete;
    FakeWebhooks& operator=(const FakeWebhooks&) = delete;

    // "http://127.0.0.1:<port>".
    std::string base_url() const;
    // Valid webhook URLs of each receiver.
    std::string discord_url() const;
    std::string slack_url() const;
    std::string json_url() const;
    // A Discord URL with any id and token (for the 401/404 answers).
    std::string discord_url(std::string_view id, std::string_view token) const;

    // Queues a fault; faults apply in the order added.
    void add_fault(HookFault fault);
    // Delays every answer (faults add their own delay on top).
    void set_delay(std::chrono::milliseconds delay);

    // Messages accepted by one receiver, in arrival order.
    std::vector<ReceivedHook> received(HookKind kind) const;
    // Requests that reached one receiver: accepted, refused and faulted.
    std::size_t request_count(HookKind kind) const;
    // Forgets messages, counts, faults and the delay.
    void reset();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace postsched::fakes
