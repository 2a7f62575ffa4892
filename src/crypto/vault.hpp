#pragma once
// The vault: the keys that seal account tokens in the store, where they came
// from, and the key file's life cycle (create, load, rotate).
//
// Keys come from an environment variable (comma-separated) or a key file (one
// per line, blank lines and '#' comments ignored). Each entry that is a Fernet
// key is used as is; any other string is a passphrase, turned into a key by
// FernetKey::derive (urlsafe_b64encode(sha256(secret)), as the seed did). The
// first key encrypts; every key is tried when decrypting, so old tokens stay
// readable after `keys rotate` puts a new key first.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/fernet.hpp"

namespace postsched::crypto {

class Vault {
  public:
    // `keys` must not be empty. `source` says where they came from, for
    // messages: "key file /root/.local/share/postsched/secret.key" or
    // "environment variable SECRET_KEY".
    Vault(std::vector<FernetKey> keys, std::string source);

    // A token under the first key, stamped with the current system time (the
    // timestamp is informational: postsched sets no TTL on stored tokens).
    std::string encrypt(std::string_view plaintext) const;
    std::string encrypt(std::string_view plaintext, std::uint64_t unix_seconds) const;

    // The plaintext of `token`, trying every key in order. `what` names the
    // secret for the message, e.g. `access token of account "x"`. Throws
    // Error(Exit::no_perm) when no key matches, Error(Exit::data) when `token`
    // is not a Fernet token at all. Messages never contain token or key bytes.
    std::string decrypt(std::string_view token, std::string_view what) const;

    // True when the first key decrypts `token`: `keys rotate` re-encrypts
    // the tokens for which this is false.
    bool encrypted_with_first_key(std::string_view token) const;

    const std::vector<FernetKey>& keys() const { return m_keys; }
    const std::string& source() const { return m_source; }

  private:
    std::vector<FernetKey> m_keys;
    std::string m_source;
};

struct KeySources {
    std::string env_name;   // the variable that held env_value, for messages
    std::string env_value;  // comma-separated keys; wins when non-empty
    std::string key_file;   // used when env_value is empty
};

// Loads the keys, from the variable when it is set and non-empty, else from
// the key file. Throws Error naming the source:
//   Exit::config   no key anywhere (missing file, or only blanks/comments)
//   Exit::no_perm  the file cannot be read, or group/other may access it
Vault load_vault(const KeySources& sources);

// Creates `path` holding one fresh key (parent directories 0700, file 0600,
// O_EXCL). Throws Error(Exit::cant_create) naming the path if it already
// exists or cannot be created.
void write_new_key_file(const std::string& path);

// Rewrites `path` atomically (temp file in the same directory, 0600, fsync,
// rename) with `key` on the first line and the previous content after it.
// Throws Error(Exit::cant_create) naming the path on failure.
void prepend_key_to_file(const std::string& path, const FernetKey& key);

}  // namespace postsched::crypto
