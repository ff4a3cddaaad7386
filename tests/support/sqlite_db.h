// A SQLite connection for tests (Debian's libsqlite3): a database file or ":memory:", statements, rows, and the
// tables a statement reads as SQLite itself reports them (its authorizer's SQLITE_READ calls while preparing).
//
//   RLSQ_ASSERT_OK_AND_ASSIGN(auto db, SqliteDb::Open(":memory:"));
//   RLSQ_ASSERT_OK(db->Exec("CREATE TABLE t (a); ATTACH ':memory:' AS aux"));
//   auto reads = db->Reads("SELECT * FROM t");   // {"main.t"}
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

struct sqlite3;

namespace rlsq::testing {

class SqliteDb {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs statements (several, separated by ';'); stops at the first error.
  absl::Status Exec(std::string_view sql) const;
  // One row; each value as sqlite3_column_text gives it (REAL values with 15 significant digits); NULL is
  // std::nullopt.
  using Row = std::vector<std::optional<std::string>>;
  // Runs one query (the whole text must be one statement) and returns its rows. A failure is an InternalError with
  // SQLite's message.
  absl::StatusOr<std::vector<Row>> Query(std::string_view sql) const;
  // The tables the statement reads, "schema.table" in lower case, as the authorizer reports them while SQLite
  // prepares it (reads inside views included, reported under the view's own tables); an error when SQLite refuses
  // to prepare the text.
  absl::StatusOr<std::set<std::string>> Reads(std::string_view sql) const;

  // Whether two results are the same multiset of rows, REAL values compared with a relative tolerance of 1e-9 (two
  // plans may add up a SUM in different orders).
  static bool SameRows(std::vector<Row> a, std::vector<Row> b);

  sqlite3* handle() const { return db_; }

 private:
  SqliteDb() = default;
  sqlite3* db_ = nullptr;
};

}  // namespace rlsq::testing
