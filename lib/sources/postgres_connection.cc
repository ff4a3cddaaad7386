// The PostgreSQL backend (libpq): a session whose transactions are read-only; a snapshot is a REPEATABLE READ,
// READ ONLY transaction; notifications are LISTEN / NOTIFY.
#include <libpq-fe.h>
#include <poll.h>

#include <memory>

#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/sources/connection.h"

namespace rlsq::sources {
namespace {

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

class PostgresConnection : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  Backend backend() const override { return Backend::kPostgres; }

  absl::StatusOr<std::vector<Row>> Query(std::string_view sql) override {
    return Rows(Result(PQexec(conn_, std::string(sql).c_str())));
  }

  absl::StatusOr<bool> HasTable(std::string_view table) override {
    RLSQ_ASSIGN_OR_RETURN(auto rows, QueryWith("SELECT to_regclass($1) IS NOT NULL", table));
    return !rows.empty() && rows[0][0] && *rows[0][0] == "t";
  }

  absl::StatusOr<std::vector<std::string>> Columns(std::string_view table) override {
    RLSQ_ASSIGN_OR_RETURN(auto rows, QueryWith("SELECT lower(attname) FROM pg_attribute WHERE attrelid = "
                                               "to_regclass($1) AND attnum > 0 AND NOT attisdropped",
                                               table));
    std::vector<std::string> out;
    for (const Row& r : rows)
      if (r[0]) out.push_back(*r[0]);
    return out;
  }

  absl::Status BeginSnapshot() override {
    return Query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").status();
  }
  absl::Status End() override { return Query("COMMIT").status(); }

  // The rows' content: a count and an order-independent sum of row hashes per table, computed by the server (one
  // scan of each table, a few bytes back).
  absl::StatusOr<std::string> ChangeFingerprint(const std::vector<std::string>& tables) override {
    std::string sql;
    for (const std::string& t : tables) {
      if (!sql.empty()) sql += " UNION ALL ";
      std::string id = Identifier(t);
      Append(&sql, "SELECT ", Literal(t), ", count(*), coalesce(sum(hashtext(x::text)::bigint), 0) FROM ", id, " x");
    }
    RLSQ_ASSIGN_OR_RETURN(auto rows, Query(sql));
    std::string out;
    for (const Row& r : rows)
      for (const auto& v : r) Append(&out, v ? *v : "", "/");
    return out;
  }

  bool has_notifications() const override { return true; }

  absl::StatusOr<bool> WaitForNotification(std::string_view channel, std::chrono::milliseconds timeout) override {
    if (listening_ != channel) {
      RLSQ_RETURN_IF_ERROR(Query(Cat("LISTEN ", Identifier(channel))).status());
      listening_ = std::string(channel);
    }
    if (Drain()) return true;
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    if (fd.fd < 0) return absl::UnavailableError("postgresql: connection lost");
    int n = poll(&fd, 1, static_cast<int>(timeout.count()));
    if (n < 0) return false;  // interrupted: the caller waits again
    if (n > 0 && !PQconsumeInput(conn_)) return Error("postgresql: connection lost");
    return Drain();
  }

 private:
  bool Drain() {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  }
  absl::StatusOr<std::vector<Row>> QueryWith(const char* sql, std::string_view param) {
    std::string p(param);
    const char* values[1] = {p.c_str()};
    return Rows(Result(PQexecParams(conn_, sql, 1, nullptr, values, nullptr, nullptr, 0)));
  }
  absl::StatusOr<std::vector<Row>> Rows(Result r) {
    ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Error("postgresql", r.get());
    std::vector<Row> rows;
    const int n = PQntuples(r.get()), m = PQnfields(r.get());
    rows.reserve(n);
    for (int i = 0; i < n; ++i) {
      Row row(m);
      for (int j = 0; j < m; ++j)
        if (!PQgetisnull(r.get(), i, j)) row[j] = std::string(PQgetvalue(r.get(), i, j), PQgetlength(r.get(), i, j));
      rows.push_back(std::move(row));
    }
    return rows;
  }
  std::string Identifier(std::string_view s) {
    char* q = PQescapeIdentifier(conn_, s.data(), s.size());
    std::string out = q ? q : "";
    PQfreemem(q);
    return out;
  }
  std::string Literal(std::string_view s) {
    char* q = PQescapeLiteral(conn_, s.data(), s.size());
    std::string out = q ? q : "''";
    PQfreemem(q);
    return out;
  }
  absl::Status Error(std::string_view what, const PGresult* r = nullptr) const {
    std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return absl::UnavailableError(Cat(what, ": ", msg));
  }

  PGconn* conn_;
  std::string listening_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> ConnectPostgres(const DatabaseUri& uri) {
  // Read-only sessions and UTF-8 text, whatever the server's defaults (options are passed at connection time, so
  // no statement runs before them).
  const char* keys[] = {"dbname", "options", "client_encoding", "application_name", nullptr};
  const char* values[] = {uri.libpq.c_str(), "-c default_transaction_read_only=on", "UTF8", "rlsq", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) return absl::UnavailableError("postgresql: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return absl::UnavailableError(Cat("postgresql: cannot connect to ", uri.Redacted(), ": ", msg));
  }
  return std::unique_ptr<Connection>(new PostgresConnection(conn));
}

}  // namespace rlsq::sources
