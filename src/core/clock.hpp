#pragma once
// Time is passed in, never read from the system directly, so tests control it.
#include <chrono>
#include <memory>

namespace postsched {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;
using Millis = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;

class Clock {
  public:
    virtual ~Clock() = default;
    virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
  public:
    Instant now() const override;
};

// A clock pinned to one instant; tests (and POSTSCHED_NOW) use it.
class FixedClock final : public Clock {
  public:
    explicit FixedClock(Instant at) : m_at(at) {}
    Instant now() const override { return m_at; }
    void set(Instant at) { m_at = at; }

  private:
    Instant m_at;
};

// The process clock: the system clock, unless POSTSCHED_NOW holds an ISO-8601
// instant (a documented testing aid, used by the integration tests).
std::unique_ptr<Clock> make_process_clock();

}  // namespace postsched
