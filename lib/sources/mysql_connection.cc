// The MySQL / MariaDB backend (libmariadb): utf8mb4, a read-only session; a snapshot is a REPEATABLE READ
// transaction started WITH CONSISTENT SNAPSHOT (InnoDB: every read of it sees the same committed state).
#include <mysql.h>

#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/sources/connection.h"

namespace rlsq::sources {
namespace {

class MysqlConnection : public Connection {
 public:
  explicit MysqlConnection(MYSQL* db) : db_(db) {}
  ~MysqlConnection() override { mysql_close(db_); }
  Backend backend() const override { return Backend::kMysql; }

  absl::StatusOr<std::vector<Row>> Query(std::string_view sql) override {
    if (mysql_real_query(db_, sql.data(), sql.size()) != 0) return Error();
    MYSQL_RES* res = mysql_store_result(db_);
    std::vector<Row> rows;
    if (!res) {
      if (mysql_field_count(db_) != 0) return Error();
      return rows;  // a statement without rows
    }
    const unsigned columns = mysql_num_fields(res);
    while (MYSQL_ROW r = mysql_fetch_row(res)) {
      unsigned long* lengths = mysql_fetch_lengths(res);
      Row row(columns);
      for (unsigned c = 0; c < columns; ++c)
        if (r[c]) row[c] = std::string(r[c], lengths[c]);
      rows.push_back(std::move(row));
    }
    mysql_free_result(res);
    return rows;
  }

  absl::StatusOr<bool> HasTable(std::string_view table) override {
    RLSQ_ASSIGN_OR_RETURN(auto rows, Query(Cat("SELECT 1 FROM information_schema.tables WHERE table_schema = "
                                               "DATABASE() AND table_name = ", Literal(table))));
    return !rows.empty();
  }

  absl::StatusOr<std::vector<std::string>> Columns(std::string_view table) override {
    RLSQ_ASSIGN_OR_RETURN(auto rows, Query(Cat("SELECT lower(column_name) FROM information_schema.columns WHERE "
                                               "table_schema = DATABASE() AND table_name = ", Literal(table))));
    std::vector<std::string> out;
    for (const Row& r : rows)
      if (r[0]) out.push_back(*r[0]);
    return out;
  }

  absl::Status BeginSnapshot() override {
    RLSQ_RETURN_IF_ERROR(Query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ").status());
    return Query("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT").status();
  }
  absl::Status End() override { return Query("COMMIT").status(); }

  // CHECKSUM TABLE: the server's checksum of each table's rows (InnoDB computes it with one scan).
  absl::StatusOr<std::string> ChangeFingerprint(const std::vector<std::string>& tables) override {
    std::string sql = "CHECKSUM TABLE ";
    for (size_t i = 0; i < tables.size(); ++i) Append(&sql, i ? ", " : "", Identifier(tables[i]));
    RLSQ_ASSIGN_OR_RETURN(auto rows, Query(sql));
    std::string out;
    for (const Row& r : rows)
      for (const auto& v : r) Append(&out, v ? *v : "", "/");
    return out;
  }

 private:
  std::string Literal(std::string_view s) {
    std::string out(s.size() * 2 + 3, '\0');
    out[0] = '\'';
    unsigned long n = mysql_real_escape_string(db_, out.data() + 1, s.data(), s.size());
    out.resize(n + 1);
    out.push_back('\'');
    return out;
  }
  static std::string Identifier(std::string_view s) {
    std::string out = "`";
    for (char c : s) {
      if (c == '`') out.push_back('`');
      out.push_back(c);
    }
    out.push_back('`');
    return out;
  }
  absl::Status Error() const { return absl::UnavailableError(Cat("mysql: ", mysql_error(db_))); }
  MYSQL* db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> ConnectMysql(const DatabaseUri& uri) {
  MYSQL* db = mysql_init(nullptr);
  if (!db) return absl::UnavailableError("mysql: out of memory");
  mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  unsigned int timeout = 10;
  mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  const std::string* socket = uri.Param("unix_socket");
  const char* host = uri.host.empty() ? (socket ? "localhost" : "127.0.0.1") : uri.host.c_str();
  if (!mysql_real_connect(db, host, uri.user.empty() ? nullptr : uri.user.c_str(),
                          uri.password.empty() ? nullptr : uri.password.c_str(),
                          uri.database.empty() ? nullptr : uri.database.c_str(), uri.port ? *uri.port : 0,
                          socket ? socket->c_str() : nullptr, 0)) {
    std::string msg = mysql_error(db);
    mysql_close(db);
    return absl::UnavailableError(Cat("mysql: cannot connect to ", uri.Redacted(), ": ", msg));
  }
  auto conn = std::unique_ptr<Connection>(new MysqlConnection(db));
  RLSQ_RETURN_IF_ERROR(conn->Query("SET SESSION TRANSACTION READ ONLY").status());
  return conn;
}

}  // namespace rlsq::sources
