// A throwaway PostgreSQL 15 server for tests: initdb into a fresh temp dir, unix socket in that dir, no TCP.
// The server is stopped and its dir removed when the PgServer is destroyed (or when Start fails half way).
//
//   RLSQ_ASSERT_OK_AND_ASSIGN(auto server, PgServer::Start());
//   RLSQ_ASSERT_OK(server->CreateDatabase("tpch"));
//   RLSQ_ASSERT_OK_AND_ASSIGN(auto db, server->Connect("tpch"));
//   RLSQ_ASSERT_OK(LoadTpch(*db));                        // schema + deterministic data
//   RLSQ_ASSERT_OK_AND_ASSIGN(PgResult r, db->Query("SELECT count(*) FROM lineitem"));
//
// Runs initdb/pg_ctl as the `postgres` system user when the process is root (initdb refuses root).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct pg_conn;

namespace rlsq::testing {

// Rows of one query result in PostgreSQL's text output format. NULL is std::nullopt.
struct PgResult {
  using Row = std::vector<std::optional<std::string>>;
  std::vector<std::string> columns;
  std::vector<Row> rows;

  size_t column_count() const { return columns.size(); }
  // Rows sorted (NULL first), for comparing results as multisets.
  std::vector<Row> SortedRows() const;
  // One line per row, cells separated by '|', NULL written as "<NULL>". For failure messages.
  std::string ToString(size_t max_rows = 20) const;
};

// One libpq connection. Not thread-safe.
class PgConnection {
 public:
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one or more statements (simple query protocol); stops at the first error. Results are discarded.
  absl::Status Exec(std::string_view sql);
  // Exec() of a whole file, e.g. /work/shared/corpus/tpch_schema.sql.
  absl::Status ExecFile(const std::string& path);
  // Runs one query and returns its rows. Errors carry PostgreSQL's message and SQLSTATE.
  absl::StatusOr<PgResult> Query(std::string_view sql);
  // Query() with row-level security switched off for this one query (`SET row_security = off`, then reset).
  // With row_security off, a query that would be filtered by a policy fails instead (PostgreSQL semantics).
  absl::StatusOr<PgResult> QueryWithoutRowSecurity(std::string_view sql);
  // Query() as another role (`SET ROLE role`, then `RESET ROLE`), e.g. a role restricted by RLS policies.
  absl::StatusOr<PgResult> QueryAsRole(std::string_view role, std::string_view sql);
  // The EXPLAIN (plain text) plan of `sql`, one line per row. Fails when PostgreSQL cannot plan the query.
  absl::StatusOr<std::string> Explain(std::string_view sql);

  const std::string& database() const { return database_; }
  pg_conn* raw() { return conn_; }

 private:
  friend class PgServer;
  PgConnection(pg_conn* conn, std::string database) : conn_(conn), database_(std::move(database)) {}
  pg_conn* conn_;
  std::string database_;
};

struct PgServerOptions {
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
  std::string temp_parent;                // where the temp dir is created; empty means $TMPDIR or /tmp
  int statement_timeout_ms = 60000;       // server default for every session; 0 disables
  bool deterministic_plans = true;        // max_parallel_workers_per_gather = 0 (stable float sums, fewer procs)
};

class PgServer {
 public:
  static absl::StatusOr<std::unique_ptr<PgServer>> Start(const PgServerOptions& options = {});
  ~PgServer();  // stops the server (immediate mode) and removes the temp dir
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // The connection string for libpq / psql: "host=<dir> port=<port> user=postgres dbname=<db>".
  std::string ConnectionString(std::string_view database, std::string_view user = "postgres") const;
  absl::StatusOr<std::unique_ptr<PgConnection>> Connect(std::string_view database = "postgres",
                                                        std::string_view user = "postgres") const;
  absl::Status CreateDatabase(std::string_view name);

  const std::string& dir() const { return dir_; }         // temp dir; holds the socket, data/ and server.log
  const std::string& socket_dir() const { return dir_; }
  int port() const { return port_; }
  std::string ServerLogTail(size_t max_bytes = 4000) const;

 private:
  PgServer() = default;
  absl::Status StartImpl(const PgServerOptions& options);
  void Stop();

  PgServerOptions options_;
  std::string dir_;
  int port_ = 5432;
  bool running_ = false;
};

// The TPC-H schema of the shared corpus (tpch_schema.sql, looked up in the corpus dir).
std::string TpchSchemaPath();

// SQL that fills the eight (empty) TPC-H tables with deterministic data: generate_series plus an integer hash,
// so every run produces identical rows. Keys are consistent with the foreign keys and values use the TPC-H
// domains (real region/nation names, Brand#MN, containers, types, ship modes, priorities, segments, dates
// 1992-1998, ...). `scale` is the TPC-H scale factor (0.01 = 100 suppliers, 2000 parts, 1500 customers,
// 15000 orders, ~60000 lineitems). Helper functions live in a schema that the script drops at its end.
std::string TpchDataSql(double scale = 0.01);

// Creates the TPC-H schema (TpchSchemaPath()) in the connected database, fills it (TpchDataSql(scale)) and
// runs ANALYZE.
absl::Status LoadTpch(PgConnection& db, double scale = 0.01);

// The eight TPC-H tables' rows of `db` as INSERT statements for another database (500 rows each, every value a
// string literal with ' doubled, and \ too when `backslash_escapes`: MySQL), in foreign-key order, for the
// differential tests that copy the PostgreSQL generator's data.
absl::StatusOr<std::vector<std::string>> TpchInserts(PgConnection& db, bool backslash_escapes);

// The oracle set-up of the RLS comparison tests: a throwaway server with database "tpch" (LoadTpch) and a NOLOGIN
// role "probe" that may read every table of schema public. Native RLS policies are then created TO probe, the
// original query runs with QueryAsRole("probe", ...) and rlsq's rewrite with QueryWithoutRowSecurity(...).
absl::Status StartTpchWithProbe(std::unique_ptr<PgServer>* server, std::unique_ptr<PgConnection>* db);

}  // namespace rlsq::testing
