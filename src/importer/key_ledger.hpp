#pragma once
// What an import remembers about idempotency keys between its passes, kept
// in a private temporary SQLite database (on disk, a small page cache) so
// memory does not grow with the file.
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

namespace postsched::importer {

class KeyLedger {
  public:
    KeyLedger();
    ~KeyLedger();
    KeyLedger(const KeyLedger&) = delete;
    KeyLedger& operator=(const KeyLedger&) = delete;

    struct FirstUse {
        std::size_t line;
        bool same_text;
    };
    // The earlier row of this file that used `key`, and whether its text was
    // `text`; nullopt for the first use, which is remembered.
    std::optional<FirstUse> first_use(std::string_view key, std::size_t line,
                                      std::string_view text);
    // Marks the row on `line` as adding nothing.
    void skip(std::size_t line);
    std::size_t skip_count() const;

    // Starts reading the skipped lines again from the top (each pass).
    void rewind();
    // Whether `line` was marked; ask in increasing line order after rewind().
    bool skipped(std::size_t line);

  private:
    struct Impl;
    std::unique_ptr<Impl> m;  // opened on first use: files without keys never pay
};

}  // namespace postsched::importer
