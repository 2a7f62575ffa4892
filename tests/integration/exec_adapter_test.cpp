// The exec adapter (design.md §8a) running real commands under /bin/sh.
#include <fcntl.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/exec/exec_adapter.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "net/http_client.hpp"

namespace {

using namespace postsched;
using namespace std::chrono_literals;
using adapters::Outcome;
namespace fs = std::filesystem;

const Instant k_now{std::chrono::sys_days{std::chrono::year{2027} / 1 / 15}};

class NoHttp final : public net::HttpClient {
  public:
    net::HttpResponse send(const net::HttpRequest&) override {
        throw std::logic_error("the exec adapter must not speak HTTP");
    }
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string kind(const Outcome& o) {
    return std::string(adapters::to_string(o.kind));
}

struct Fixture {
    NoHttp http;
    FixedClock clock{k_now};
    config::PlatformConfig platform;
    Account account;
    fs::path dir;
    adapters::SaveState save = [](const std::string&) {};

    Fixture() {
        platform.timeout = 10s;
        account.id = "acc-1";
        account.name = "my-script";
        account.platform = "exec";
        account.platform_account_id = "my-script";
        std::string tmpl = (fs::temp_directory_path() / "postsched-exec-XXXXXX").string();
        dir = ::mkdtemp(tmpl.data());
    }
    ~Fixture() { fs::remove_all(dir); }

    void set_command(const std::string& command, bool idempotent = false) {
        account.settings = nlohmann::json{{"command", command}, {"idempotent", idempotent}}.dump();
    }
    std::unique_ptr<adapters::Adapter> adapter() {
        return adapters::make_exec_adapter({http, clock, platform});
    }
    adapters::PublishRequest request(std::vector<std::string> parts = {"hello"}) {
        return adapters::PublishRequest{account, "",   "post-1", "target-1", std::move(parts),
                                        {},      "{}", "{}",     false};
    }
    Outcome run(const std::string& command, std::vector<std::string> parts = {"hello"}) {
        set_command(command);
        return adapter()->publish(request(std::move(parts)), save);
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(exec_adapter_test)

BOOST_FIXTURE_TEST_CASE(exit_zero_first_line_is_url_or_id, Fixture) {
    Outcome o = run("cat >/dev/null; echo ' https://example.com/p/1 '; echo more");
    BOOST_TEST(kind(o) == "posted");
    BOOST_TEST(o.url == "https://example.com/p/1");
    BOOST_TEST(o.platform_post_id == "target-1");
    o = run("echo '  post-42  '");
    BOOST_TEST(kind(o) == "posted");
    BOOST_TEST(o.platform_post_id == "post-42");
    BOOST_TEST(o.url == "");
    o = run("true");
    BOOST_TEST(kind(o) == "posted");
    BOOST_TEST(o.platform_post_id == "target-1");
    BOOST_TEST(o.url == "");
}

BOOST_FIXTURE_TEST_CASE(exit_75_is_transient_with_stderr, Fixture) {
    const Outcome o = run("echo ' service busy, try later ' >&2; exit 75");
    BOOST_TEST(kind(o) == "transient");
    BOOST_TEST(o.message == "service busy, try later");
    BOOST_TEST(run("exit 75").message == "command exited with status 75");
}

BOOST_FIXTURE_TEST_CASE(other_exits_are_permanent_with_first_stderr_line, Fixture) {
    Outcome o = run("printf '\\n  text rejected: too rude  \\nsecond line\\n' >&2; exit 2");
    BOOST_TEST(kind(o) == "permanent");
    BOOST_TEST(o.message == "text rejected: too rude");
    o = run("exit 3");
    BOOST_TEST(kind(o) == "permanent");
    BOOST_TEST(o.message == "command exited with status 3");
    o = run("head -c 2000 /dev/zero | tr '\\0' 'e' >&2; exit 1");
    BOOST_TEST(o.message == std::string(500, 'e'));
    o = run("/nonexistent/command");
    BOOST_TEST(kind(o) == "permanent");
    BOOST_TEST(o.message.find("not found") != std::string::npos, o.message);
}

BOOST_FIXTURE_TEST_CASE(time_limit_kills_the_group_and_is_unknown, Fixture) {
    platform.timeout = 300ms;
    const auto started = std::chrono::steady_clock::now();
    const Outcome o = run("sleep 5 & sleep 5");
    const auto took = std::chrono::steady_clock::now() - started;
    BOOST_TEST(kind(o) == "unknown");
    BOOST_TEST(o.message == "command timed out after 0.3s; it may have published");
    BOOST_TEST(took < 2s);
}

BOOST_FIXTURE_TEST_CASE(killed_by_a_signal_is_unknown, Fixture) {
    const Outcome o = run("kill -TERM $$");
    BOOST_TEST(kind(o) == "unknown");
    BOOST_TEST(o.message == "command was killed by signal 15 (Terminated); it may have published");
}

BOOST_FIXTURE_TEST_CASE(environment_holds_only_the_documented_variables, Fixture) {
    ::setenv("SECRET_KEY", "hunter2-secret", 1);
    ::setenv("POSTSCHED_SECRET_KEY", "hunter3-secret", 1);
    ::setenv("MASTODON_TOKEN", "hunter4-secret", 1);
    auto r = request({"one", "two"});
    r.media = {{"/srv/pics/cat.png", "a cat\non two lines", "image/png", ""},
               {"https://cdn.example/dog.jpg", "dog", "image/jpeg", ""}};
    r.options = R"({"lang":"en"})";
    set_command("env > '" + path("env.txt") + "'");
    const Outcome o = adapter()->publish(r, save);
    ::unsetenv("SECRET_KEY");
    ::unsetenv("POSTSCHED_SECRET_KEY");
    ::unsetenv("MASTODON_TOKEN");
    BOOST_TEST(kind(o) == "posted");
    const std::string env = read_file(path("env.txt"));
    BOOST_TEST(env.find("hunter") == std::string::npos, env);
    BOOST_TEST(env.find("SECRET_KEY") == std::string::npos);
    for (const auto* expected :
         {"POSTSCHED_TARGET_ID=target-1\n", "POSTSCHED_POST_ID=post-1\n",
          "POSTSCHED_ACCOUNT=my-script\n", "POSTSCHED_PLATFORM_ACCOUNT_ID=my-script\n",
          "POSTSCHED_PART_COUNT=2\n", "POSTSCHED_OPTIONS={\"lang\":\"en\"}\n",
          "POSTSCHED_MEDIA=/srv/pics/cat.png\nhttps://cdn.example/dog.jpg\n",
          "POSTSCHED_MEDIA_ALT=a cat on two lines\ndog\n"}) {
        BOOST_TEST(env.find(expected) != std::string::npos, expected);
    }
    BOOST_TEST(env.find("POSTSCHED_RESUMING") == std::string::npos);
    if (std::getenv("PATH"))
        BOOST_TEST(env.find("PATH=") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(no_descriptor_is_inherited, Fixture) {
    const std::string file = path("open.txt");
    std::ofstream(file) << "x";
    const int fd = ::open(file.c_str(), O_RDONLY);  // deliberately without O_CLOEXEC
    BOOST_TEST_REQUIRE(fd >= 3);
    // No redirection in the shell itself (dash would keep a saved copy on
    // fd 10) and not the last command (dash would exec ls in its place).
    const Outcome o = run("if [ -e /proc/$$/fd/" + std::to_string(fd) +
                          " ]; then printf 'inherited '; fi; ls -m /proc/$$/fd; true");
    ::close(fd);
    BOOST_TEST(kind(o) == "posted");
    BOOST_TEST(o.platform_post_id == "0, 1, 2");
}

BOOST_FIXTURE_TEST_CASE(stdin_gets_the_text_exactly, Fixture) {
    const Outcome o = run("cat > '" + path("stdin.txt") + "'",
                          {"héllo wörld 😀\nline two", "second part", "third\n"});
    BOOST_TEST(kind(o) == "posted");
    BOOST_TEST(read_file(path("stdin.txt")) ==
               "héllo wörld 😀\nline two\n---\nsecond part\n---\nthird\n");
}

BOOST_FIXTURE_TEST_CASE(large_input_and_output_do_not_deadlock, Fixture) {
    const std::string big(1024 * 1024, 'x');
    Outcome o = run("cat; cat /dev/null >&2", {big});
    BOOST_TEST(kind(o) == "posted");
    BOOST_TEST(o.platform_post_id.size() == 64u * 1024);  // stdout capped at 64 KiB
    o = run("echo done", {big});                          // never reads its stdin
    BOOST_TEST(kind(o) == "posted");
    BOOST_TEST(o.platform_post_id == "done");
}

BOOST_FIXTURE_TEST_CASE(settle_reruns_only_idempotent_commands, Fixture) {
    const std::string marker = path("ran.txt");
    const std::string command =
        "echo \"$POSTSCHED_RESUMING $POSTSCHED_TARGET_ID\" >> '" + marker + "'";
    set_command(command);
    Outcome o = adapter()->settle(request(), save, k_now);
    BOOST_TEST(kind(o) == "unknown");
    BOOST_TEST(o.message.find("cannot tell whether it published") != std::string::npos);
    BOOST_TEST(!fs::exists(marker));
    set_command(command, true);
    o = adapter()->settle(request(), save, k_now);
    BOOST_TEST(kind(o) == "posted");
    BOOST_TEST(read_file(marker) == "1 target-1\n");
}

BOOST_FIXTURE_TEST_CASE(account_checks, Fixture) {
    auto a = adapter();
    account.settings = "{}";
    try {
        a->verify_account(account, "");
        BOOST_ERROR("accepted an account without a command");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(Exit::data));
        BOOST_TEST(e.what() == std::string("account \"my-script\": the exec settings have no "
                                           "\"command\""));
    }
    BOOST_TEST(kind(a->publish(request(), save)) == "permanent");
    account.settings = R"({"command": "cat", "max_chars": 5})";
    BOOST_TEST(a->verify_account(account, "").platform_account_id == "my-script");
    BOOST_TEST(a->check_text(account, "héllo", "{}").ok);
    const auto verdict = a->check_text(account, "héllo!", "{}");
    BOOST_TEST(!verdict.ok);
    BOOST_TEST(verdict.count == 6u);
    BOOST_TEST(!a->check_text(account, " \n", "{}").ok);
    account.settings = R"({"command": "cat"})";
    BOOST_TEST(a->check_text(account, std::string(500000, 'a'), "{}").ok);
    const auto rules = a->media_rules(account);
    BOOST_TEST(rules.supported);
    BOOST_TEST(!rules.urls_only);
    BOOST_TEST(a->supports_threads());
}

BOOST_AUTO_TEST_SUITE_END()
