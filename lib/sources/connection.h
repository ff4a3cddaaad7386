// Read-only connections to a metadata database (Superset's own: SQLite, PostgreSQL, MySQL/MariaDB), named by a
// SQLAlchemy-style URI as Superset's SQLALCHEMY_DATABASE_URI. One small interface, one backend per client library
// (lib/sources/{sqlite,postgres,mysql}_connection.cc); everything above it (superset_source.cc) is written once.
//
//   sqlite:///relative/path.db   sqlite:////absolute/path.db          (SQLAlchemy: three slashes, then the path)
//   postgresql://user:password@host:5432/superset?host=/run/sock     (also postgres://, postgresql+psycopg2://)
//   mysql://user:password@host:3306/superset?unix_socket=/run/sock   (also mariadb://, mysql+pymysql://, ...)
//
// Every statement the source sends is a constant SELECT written in this module; no text from the metadata is ever
// pasted into one.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace rlsq::sources {

enum class Backend { kSqlite, kPostgres, kMysql };
const char* ToString(Backend b);

// A URI taken apart. Percent-escapes are decoded in the user, password, database and query values.
struct DatabaseUri {
  Backend backend = Backend::kSqlite;
  std::string scheme;  // as written ("postgresql+psycopg2")
  std::string user, password, host, database;
  std::optional<int> port;
  std::vector<std::pair<std::string, std::string>> query;  // in order
  std::string path;     // sqlite: the file
  std::string libpq;    // postgres: the URI as libpq takes it (postgresql://..., driver suffix removed)
  const std::string* Param(std::string_view key) const;
  // The URI with its password replaced by "***" (for messages and logs).
  std::string Redacted() const;
};
// InvalidArgument naming the problem (never echoing the password).
absl::StatusOr<DatabaseUri> ParseDatabaseUri(std::string_view uri);
// The text looks like a database URI (a scheme this module reads), not a file name.
bool IsDatabaseUri(std::string_view text);

using Row = std::vector<std::optional<std::string>>;  // NULL is nullopt

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  // An identifier quoted as the backend needs (`x` on MySQL, "x" elsewhere).
  std::string QuoteIdentifier(std::string_view name) const;
  // Runs one constant SELECT; every value as text (integers in decimal, booleans as the backend prints them).
  virtual absl::StatusOr<std::vector<Row>> Query(std::string_view sql) = 0;
  // Whether a table exists where the connection's unqualified names resolve (the search path on PostgreSQL, the
  // connected database on MySQL, the main schema on SQLite), and its columns (lower case).
  virtual absl::StatusOr<bool> HasTable(std::string_view table) = 0;
  virtual absl::StatusOr<std::vector<std::string>> Columns(std::string_view table) = 0;
  // A read-only transaction that sees one snapshot of the whole database until End().
  virtual absl::Status BeginSnapshot() = 0;
  virtual absl::Status End() = 0;
  // A cheap value that changes whenever a committed write changes one of `tables` (see each backend). Outside a
  // snapshot.
  virtual absl::StatusOr<std::string> ChangeFingerprint(const std::vector<std::string>& tables) = 0;
  // PostgreSQL LISTEN: whether the backend has notifications, and a wait of up to `timeout` for one on `channel`
  // (true when one arrived; the first call subscribes). Backends without them return false at once.
  virtual bool has_notifications() const { return false; }
  virtual absl::StatusOr<bool> WaitForNotification(std::string_view channel, std::chrono::milliseconds timeout);
};

// Opens a connection (read-only where the backend can enforce it: SQLite opens the file read-only; PostgreSQL and
// MySQL sessions are set to read-only transactions). Errors name the URI without its password.
absl::StatusOr<std::unique_ptr<Connection>> Connect(const DatabaseUri& uri);

// The backends (one file each).
absl::StatusOr<std::unique_ptr<Connection>> ConnectSqlite(const DatabaseUri& uri);
absl::StatusOr<std::unique_ptr<Connection>> ConnectPostgres(const DatabaseUri& uri);
absl::StatusOr<std::unique_ptr<Connection>> ConnectMysql(const DatabaseUri& uri);

}  // namespace rlsq::sources
