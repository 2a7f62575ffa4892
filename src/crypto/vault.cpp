#include "crypto/vault.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>

#include "core/errors.hpp"

namespace postsched::crypto {
namespace {

constexpr std::string_view k_whitespace = " \t\r\n";
constexpr std::string_view k_key_file_header =
    "# postsched encryption keys (Fernet). The first key encrypts, all keys decrypt.\n"
    "# Keep this file secret: mode 0600, never in version control.\n";

// Closes the descriptor it owns.
class UniqueFd {
  public:
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }
    int get() const { return m_fd; }
    // Closes now and reports whether close() succeeded (it can report a
    // deferred write error).
    bool reset() {
        const int fd = m_fd;
        m_fd = -1;
        return fd < 0 || ::close(fd) == 0;
    }

  private:
    int m_fd;
};

// strerror, lowercased to fit our messages ("permission denied").
std::string describe(int error) {
    std::string text = std::strerror(error);
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') {
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
    }
    return text;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(k_whitespace);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(k_whitespace);
    return text.substr(first, last - first + 1);
}

FernetKey key_from_entry(std::string_view entry) {
    if (auto key = FernetKey::from_base64(entry)) {
        return *key;
    }
    return FernetKey::derive(entry);
}

// Keys from `text` split at `separator`; '#' lines are comments when
// `comments` is set (the key file, not the variable).
std::vector<FernetKey> parse_keys(std::string_view text, char separator, bool comments) {
    std::vector<FernetKey> keys;
    while (!text.empty()) {
        const auto end = text.find(separator);
        const std::string_view entry = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!entry.empty() && !(comments && entry.front() == '#')) {
            keys.push_back(key_from_entry(entry));
        }
    }
    return keys;
}

std::string no_key_message(const std::string& key_file) {
    std::string message = "no encryption key: set SECRET_KEY or POSTSCHED_SECRET_KEY, or run ";
    message += "`postsched init` to create ";
    return message + (key_file.empty() ? "a key file" : "key file " + key_file);
}

bool read_all(int fd, std::string& out) {
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) {
            return true;
        }
        if (n < 0 && errno != EINTR) {
            return false;
        }
        if (n > 0) {
            out.append(buffer, static_cast<std::size_t>(n));
        }
    }
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno != EINTR) {
            return false;
        }
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    return true;
}

// The key file's content, after checking that only its owner may access it.
std::string read_key_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR) {
            throw Error(Exit::config, no_key_message(path));
        }
        throw Error(Exit::no_perm, "cannot read key file " + path + ": " + describe(error));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        throw Error(Exit::config, "key file " + path + " is not a regular file");
    }
    if ((info.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        throw Error(Exit::no_perm, "key file " + path + " is accessible by group or others (mode " +
                                       mode + "); run `chmod 600 " + path + "`");
    }
    std::string content;
    if (!read_all(fd.get(), content)) {
        throw Error(Exit::no_perm, "cannot read key file " + path + ": " + describe(errno));
    }
    return content;
}

// Creates the missing directories above `path`, mode 0700.
void create_parent_dirs(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::filesystem::path prefix;
    for (const auto& part : parent) {
        prefix /= part;
        if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
            throw Error(Exit::cant_create, "cannot create directory " + prefix.string() +
                                               " for key file " + path + ": " + describe(errno));
        }
    }
}

// Writes `content` to `fd`, flushes it to disk and closes it; errno on failure.
bool write_sync_close(UniqueFd& fd, std::string_view content) {
    if (!write_all(fd.get(), content) || ::fsync(fd.get()) != 0) {
        return false;
    }
    return fd.reset();
}

// `content` with the line `key` before its first non-comment line.
std::string with_key_first(std::string_view content, std::string_view key) {
    std::size_t at = 0;
    while (at < content.size()) {
        const auto end = content.find('\n', at);
        const auto line = trim(content.substr(at, end == std::string_view::npos ? end : end - at));
        if (!line.empty() && line.front() != '#') {
            break;
        }
        at = end == std::string_view::npos ? content.size() : end + 1;
    }
    std::string head(content.substr(0, at));
    if (!head.empty() && head.back() != '\n') {
        head += '\n';
    }
    return head + std::string(key) + "\n" + std::string(content.substr(at));
}

void fsync_directory_of(const std::string& path) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    UniqueFd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() >= 0) {
        ::fsync(fd.get());  // best effort: the rename itself has happened
    }
}

}  // namespace

Vault::Vault(std::vector<FernetKey> keys, std::string source)
    : m_keys(std::move(keys)), m_source(std::move(source)) {
    if (m_keys.empty()) {
        throw Error(Exit::software, "vault built without a key from " + m_source);
    }
}

std::string Vault::encrypt(std::string_view plaintext) const {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
    return encrypt(plaintext, static_cast<std::uint64_t>(seconds));
}

std::string Vault::encrypt(std::string_view plaintext, std::uint64_t unix_seconds) const {
    return crypto::encrypt(m_keys.front(), plaintext, unix_seconds);
}

std::string Vault::decrypt(std::string_view token, std::string_view what) const {
    for (const auto& key : m_keys) {
        if (auto plaintext = crypto::decrypt(key, token)) {
            return std::move(*plaintext);
        }
    }
    const std::string prefix = "cannot decrypt the " + std::string(what) + ": ";
    if (!is_well_formed_token(token)) {
        throw Error(Exit::data, prefix + "the stored value is not a fernet token");
    }
    const std::size_t n = m_keys.size();
    throw Error(Exit::no_perm, prefix + "no key from " + m_source + " matches (tried " +
                                   std::to_string(n) + (n == 1 ? " key)" : " keys)"));
}

bool Vault::encrypted_with_first_key(std::string_view token) const {
    return crypto::decrypt(m_keys.front(), token).has_value();
}

Vault load_vault(const KeySources& sources) {
    if (!sources.env_value.empty()) {
        const std::string source = "environment variable " + sources.env_name;
        auto keys = parse_keys(sources.env_value, ',', false);
        if (keys.empty()) {
            throw Error(Exit::config, "no encryption key: " + source + " holds no key");
        }
        return Vault(std::move(keys), source);
    }
    if (sources.key_file.empty()) {
        throw Error(Exit::config, no_key_message(sources.key_file));
    }
    std::string content = read_key_file(sources.key_file);
    auto keys = parse_keys(content, '\n', true);
    OPENSSL_cleanse(content.data(), content.size());
    if (keys.empty()) {
        throw Error(Exit::config,
                    "no encryption key: key file " + sources.key_file + " holds no key");
    }
    return Vault(std::move(keys), "key file " + sources.key_file);
}

void write_new_key_file(const std::string& path) {
    create_parent_dirs(path);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600));
    if (fd.get() < 0) {
        const int error = errno;
        throw Error(Exit::cant_create,
                    "cannot create key file " + path + ": " +
                        (error == EEXIST ? "it already exists" : describe(error)));
    }
    const std::string content =
        std::string(k_key_file_header) + FernetKey::generate().to_base64() + "\n";
    if (!write_sync_close(fd, content)) {
        const int error = errno;
        ::unlink(path.c_str());
        throw Error(Exit::cant_create, "cannot write key file " + path + ": " + describe(error));
    }
}

void prepend_key_to_file(const std::string& path, const FernetKey& key) {
    const std::string content = with_key_first(read_key_file(path), key.to_base64());
    std::string temp = path + ".XXXXXX";
    UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));  // mode 0600
    if (fd.get() < 0) {
        throw Error(Exit::cant_create, "cannot rewrite key file " + path + ": " + describe(errno));
    }
    if (!write_sync_close(fd, content) || ::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        throw Error(Exit::cant_create, "cannot rewrite key file " + path + ": " + describe(error));
    }
    fsync_directory_of(path);
}

}  // namespace postsched::crypto
