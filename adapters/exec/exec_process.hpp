#pragma once
// Running one command for the exec adapter: `/bin/sh -c <command>` in its own
// process group, with exactly the environment given, descriptors 0-2 only,
// input written to stdin and both outputs captured, under a time limit.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace postsched::adapters::exec {

// How much of stdout and of stderr is kept; the rest is read and dropped.
inline constexpr std::size_t k_capture_limit = 64 * 1024;

struct CommandResult {
    enum class End { exited, signaled, timed_out };
    End end = End::exited;
    int code = 0;     // exit status (exited) or signal number (signaled)
    std::string out;  // first k_capture_limit bytes of stdout
    std::string err;  // first k_capture_limit bytes of stderr
};

// Runs `command` and waits for it, at most `timeout` (real time): past it the
// whole process group is killed with SIGKILL. `environment` holds
// "NAME=value" strings and is all the command sees. Throws Error(Exit::io)
// when the command cannot be started.
CommandResult run_command(const std::string& command, const std::vector<std::string>& environment,
                          std::string_view input, Millis timeout);

}  // namespace postsched::adapters::exec
