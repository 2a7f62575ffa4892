#include "importer/key_ledger.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

namespace postsched::importer {

struct KeyLedger::Impl {
    // "" opens a private temporary database, deleted when closed.
    SQLite::Database db{"", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    std::unique_ptr<SQLite::Statement> find, insert, mark, cursor;
    bool in_tx = false;
    bool cursor_row = false;
    std::size_t skips = 0;

    Impl() {
        db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;");
        db.exec(
            "CREATE TABLE keys (key TEXT PRIMARY KEY, line INTEGER, text TEXT) WITHOUT ROWID;"
            "CREATE TABLE skips (line INTEGER PRIMARY KEY)");
        find = std::make_unique<SQLite::Statement>(db,
                                                   "SELECT line, text = ? FROM keys WHERE key = ?");
        insert =
            std::make_unique<SQLite::Statement>(db, "INSERT OR IGNORE INTO keys VALUES (?, ?, ?)");
        mark = std::make_unique<SQLite::Statement>(db, "INSERT OR IGNORE INTO skips VALUES (?)");
    }
    void begin() {
        if (in_tx)
            return;
        cursor.reset();
        db.exec("BEGIN");
        in_tx = true;
    }
};

KeyLedger::KeyLedger() = default;
KeyLedger::~KeyLedger() = default;

std::optional<KeyLedger::FirstUse> KeyLedger::first_use(std::string_view key, std::size_t line,
                                                        std::string_view text) {
    if (!m)
        m = std::make_unique<Impl>();
    m->begin();
    std::string k(key), t(text);
    // Most keys are new: one INSERT OR IGNORE, and a look-up only when it did nothing.
    m->insert->reset();
    m->insert->bind(1, k);
    m->insert->bind(2, static_cast<int64_t>(line));
    m->insert->bind(3, t);
    if (m->insert->exec() == 1)
        return std::nullopt;
    m->find->reset();
    m->find->bind(1, t);
    m->find->bind(2, k);
    m->find->executeStep();
    return FirstUse{static_cast<std::size_t>(m->find->getColumn(0).getInt64()),
                    m->find->getColumn(1).getInt() != 0};
}

void KeyLedger::skip(std::size_t line) {
    if (!m)
        m = std::make_unique<Impl>();
    m->begin();
    m->mark->reset();
    m->mark->bind(1, static_cast<int64_t>(line));
    m->skips += static_cast<std::size_t>(m->mark->exec());
}

std::size_t KeyLedger::skip_count() const {
    return m ? m->skips : 0;
}

void KeyLedger::rewind() {
    if (!m)
        return;
    if (m->in_tx) {
        m->db.exec("COMMIT");
        m->in_tx = false;
    }
    m->cursor = std::make_unique<SQLite::Statement>(m->db, "SELECT line FROM skips ORDER BY line");
    m->cursor_row = m->cursor->executeStep();
}

bool KeyLedger::skipped(std::size_t line) {
    if (!m || !m->cursor)
        return false;
    auto at = [&] { return static_cast<std::size_t>(m->cursor->getColumn(0).getInt64()); };
    while (m->cursor_row && at() < line)
        m->cursor_row = m->cursor->executeStep();
    return m->cursor_row && at() == line;
}

}  // namespace postsched::importer
