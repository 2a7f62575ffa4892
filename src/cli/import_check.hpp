#pragma once
// Import rows → posts: every check `post add` makes (time and zone, text per
// platform, media, accounts), plus the import's own (status, idempotency
// keys within the file and against the store). Used twice per import: the
// check pass reports problems and writes nothing; the write pass rebuilds the
// posts of a file the check pass accepted, without asking the store.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "core/ids.hpp"
#include "core/model.hpp"
#include "importer/columns.hpp"
#include "importer/key_ledger.hpp"

namespace postsched::cli {

struct ImportSettings {
    std::string file_name;     // for notes
    std::string default_zone;  // --tz, else the configured zone, else the system's
    Instant now{};             // one instant for the whole import
};

struct PlannedPost {
    Post post;
    std::vector<Account> accounts;
    std::vector<Target> targets;  // write pass only
};

class ImportChecker {
  public:
    ImportChecker(Context& ctx, ImportSettings settings, importer::KeyLedger& keys);

    // The check pass: reports each problem of the row and returns false when
    // it had one. A row whose idempotency key was used already with the same
    // text is valid but marked skipped in the ledger.
    bool check(const importer::Row& row, importer::ProblemSink& problems, PlannedPost& out);

    // The write pass: the post (new ids) and targets of a row check()
    // accepted. Only uses accounts check() looked up; throws
    // Error(Exit::software) if the row no longer builds.
    void build(const importer::Row& row, PlannedPost& out);

  private:
    struct Parse;
    bool parse(const importer::Row& row, Parse& p, PlannedPost& out);
    bool parse_time(const importer::Row& row, Parse& p, PlannedPost& out);
    bool parse_accounts(const importer::Row& row, Parse& p, PlannedPost& out);
    bool parse_media(const importer::Row& row, Parse& p, PlannedPost& out);
    bool parse_extras(const importer::Row& row, Parse& p, PlannedPost& out);
    void check_key(const importer::Row& row, Parse& p, const PlannedPost& out);
    const Account* account(const std::string& name, bool may_ask_store);

    Context& m_ctx;
    ImportSettings m_settings;
    importer::KeyLedger& m_keys;
    std::map<std::string, std::optional<Account>> m_accounts;
    UuidV7Sequence m_ids;  // in order: each post and target goes to the end of its indexes
};

}  // namespace postsched::cli
