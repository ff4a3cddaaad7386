// The SQLite backend (libsqlite3): the file opened read-only; a snapshot is a deferred transaction, whose first
// read takes the shared lock (rollback journal) or the WAL snapshot that every later read of it sees.
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>

#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/sources/connection.h"

namespace rlsq::sources {
namespace {

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db), serial_(next_serial_.fetch_add(1)) {}
  ~SqliteConnection() override { sqlite3_close_v2(db_); }
  Backend backend() const override { return Backend::kSqlite; }

  absl::StatusOr<std::vector<Row>> Query(std::string_view sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
      return Error("prepare");
    std::vector<Row> rows;
    const int columns = sqlite3_column_count(stmt);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row(columns);
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) continue;
        const unsigned char* text = sqlite3_column_text(stmt, c);
        row[c] = std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, c));
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return Error("query");
    return rows;
  }

  absl::StatusOr<bool> HasTable(std::string_view table) override {
    RLSQ_ASSIGN_OR_RETURN(auto rows, Query(Cat("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND "
                                             "lower(name) = ", Literal(table))));
    return !rows.empty();
  }

  absl::StatusOr<std::vector<std::string>> Columns(std::string_view table) override {
    RLSQ_ASSIGN_OR_RETURN(auto rows, Query(Cat("SELECT lower(name) FROM pragma_table_info(", Literal(table), ")")));
    std::vector<std::string> out;
    for (const Row& r : rows)
      if (r[0]) out.push_back(*r[0]);
    return out;
  }

  absl::Status BeginSnapshot() override { return Exec("BEGIN DEFERRED"); }
  absl::Status End() override { return Exec("COMMIT"); }

  // PRAGMA data_version changes whenever another connection commits to the file, but its values mean something only
  // on this connection: the fingerprint names the connection (a process-wide serial), so a new connection's first
  // fingerprint differs from any earlier one and the watcher loads (an unchanged document is then not swapped).
  // The file's identity catches a file replaced by another (a restore).
  absl::StatusOr<std::string> ChangeFingerprint(const std::vector<std::string>&) override {
    RLSQ_ASSIGN_OR_RETURN(auto rows, Query("PRAGMA data_version"));
    struct stat st {};
    const char* file = sqlite3_db_filename(db_, "main");
    if (!file || stat(file, &st) != 0) return absl::UnavailableError("sqlite: cannot stat the database file");
    return Cat("connection ", serial_, "/", rows.empty() || !rows[0][0] ? "" : *rows[0][0], "/",
               static_cast<uint64_t>(st.st_dev), "/", static_cast<uint64_t>(st.st_ino));
  }

 private:
  // Table names are constants of superset_source.cc; quoted anyway.
  static std::string Literal(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'') out.push_back('\'');
      out.push_back(c);
    }
    out.push_back('\'');
    return out;
  }
  absl::Status Exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string text = msg ? msg : sqlite3_errmsg(db_);
      sqlite3_free(msg);
      return absl::UnavailableError(Cat("sqlite: ", text));
    }
    return absl::OkStatus();
  }
  absl::Status Error(std::string_view what) const {
    return absl::UnavailableError(Cat("sqlite ", what, ": ", sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  const uint64_t serial_;
  static inline std::atomic<uint64_t> next_serial_{1};
};

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> ConnectSqlite(const DatabaseUri& uri) {
  struct stat st {};
  if (stat(uri.path.c_str(), &st) != 0)
    return absl::UnavailableError(Cat("sqlite: no database file ", uri.path));  // never create one
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(uri.path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return absl::UnavailableError(Cat("sqlite: cannot open ", uri.path, ": ", msg));
  }
  sqlite3_busy_timeout(db, 5000);  // Superset writing: wait for its lock rather than fail the load
  return std::unique_ptr<Connection>(new SqliteConnection(db));
}

}  // namespace rlsq::sources
