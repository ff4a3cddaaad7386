#include "tests/support/pg_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "libpq-fe.h"
#include "tests/support/corpus.h"

namespace rlsq::testing {
namespace {

// Runs argv (no shell), output appended to `log_path`. When we are root, runs it as the postgres user.
absl::Status RunCommand(std::vector<std::string> argv, const std::string& log_path) {
  if (geteuid() == 0) {
    argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  }
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "), " failed with status ", status,
                                          "; see ", log_path));
}

std::string TailOfFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

absl::Status ErrorFromResult(const PGresult* res, PGconn* conn, std::string_view sql) {
  std::string message = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* pos = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : nullptr;
  std::string out = absl::StrCat("PostgreSQL: ", message);
  if (state) absl::StrAppend(&out, " [SQLSTATE ", state, "]");
  if (pos) {
    // Show a bit of the statement around the error position (1-based character offset).
    size_t p = static_cast<size_t>(std::max(1, std::atoi(pos))) - 1;
    size_t from = p > 60 ? p - 60 : 0;
    if (from < sql.size()) {
      std::string excerpt(sql.substr(from, 120));  // std::string_view -> std::string (absl::string_view differs)
      absl::StrAppend(&out, " near: ", absl::StrReplaceAll(excerpt, {{"\n", " "}}));
    }
  }
  return absl::InvalidArgumentError(out);
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// PgResult

std::vector<PgResult::Row> PgResult::SortedRows() const {
  std::vector<Row> out = rows;
  std::sort(out.begin(), out.end());
  return out;
}

std::string PgResult::ToString(size_t max_rows) const {
  std::string out = absl::StrJoin(columns, "|");
  out += "\n";
  size_t n = std::min(max_rows, rows.size());
  for (size_t i = 0; i < n; ++i) {
    out += absl::StrJoin(rows[i], "|", [](std::string* o, const std::optional<std::string>& c) {
      o->append(c ? *c : "<NULL>");
    });
    out += "\n";
  }
  if (rows.size() > n) absl::StrAppend(&out, "... (", rows.size(), " rows)\n");
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// PgConnection

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

absl::Status PgConnection::Exec(std::string_view sql) {
  std::string text(sql);
  PGresult* res = PQexec(conn_, text.c_str());
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  absl::Status out = absl::OkStatus();
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    out = ErrorFromResult(res, conn_, sql);
  }
  PQclear(res);
  return out;
}

absl::Status PgConnection::ExecFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  absl::Status s = Exec(ss.str());
  if (!s.ok()) return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
  return s;
}

absl::StatusOr<PgResult> PgConnection::Query(std::string_view sql) {
  std::string text(sql);
  PGresult* res = PQexec(conn_, text.c_str());
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    absl::Status err = ErrorFromResult(res, conn_, sql);
    PQclear(res);
    return err;
  }
  PgResult out;
  int ncols = PQnfields(res);
  int nrows = PQntuples(res);
  out.columns.reserve(ncols);
  for (int c = 0; c < ncols; ++c) out.columns.emplace_back(PQfname(res, c));
  out.rows.reserve(nrows);
  for (int r = 0; r < nrows; ++r) {
    PgResult::Row row;
    row.reserve(ncols);
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(res, r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
      }
    }
    out.rows.push_back(std::move(row));
  }
  PQclear(res);
  return out;
}

absl::StatusOr<PgResult> PgConnection::QueryWithoutRowSecurity(std::string_view sql) {
  if (absl::Status s = Exec("SET row_security = off"); !s.ok()) return s;
  absl::StatusOr<PgResult> out = Query(sql);
  absl::Status reset = Exec("RESET row_security");
  if (out.ok() && !reset.ok()) return reset;
  return out;
}

absl::StatusOr<PgResult> PgConnection::QueryAsRole(std::string_view role, std::string_view sql) {
  std::string quoted = absl::StrCat("\"", absl::StrReplaceAll(std::string(role), {{"\"", "\"\""}}), "\"");
  if (absl::Status s = Exec("SET ROLE " + quoted); !s.ok()) return s;
  absl::StatusOr<PgResult> out = Query(sql);
  absl::Status reset = Exec("RESET ROLE");
  if (out.ok() && !reset.ok()) return reset;
  return out;
}

absl::StatusOr<std::string> PgConnection::Explain(std::string_view sql) {
  absl::StatusOr<PgResult> r = Query(absl::StrCat("EXPLAIN ", std::string(sql)));
  if (!r.ok()) return r.status();
  std::string out;
  for (const auto& row : r->rows) {
    if (!row.empty() && row[0]) absl::StrAppend(&out, *row[0], "\n");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// PgServer

absl::StatusOr<std::unique_ptr<PgServer>> PgServer::Start(const PgServerOptions& options) {
  std::unique_ptr<PgServer> server(new PgServer());
  absl::Status s = server->StartImpl(options);
  if (!s.ok()) {
    std::string log = server->ServerLogTail(2000);
    server.reset();  // stops whatever was started and removes the dir
    if (!log.empty()) return absl::Status(s.code(), absl::StrCat(s.message(), "\n--- server log ---\n", log));
    return s;
  }
  return server;
}

absl::Status PgServer::StartImpl(const PgServerOptions& options) {
  options_ = options;
  std::string parent = options.temp_parent;
  if (parent.empty()) {
    const char* t = std::getenv("TMPDIR");
    parent = (t && *t) ? t : "/tmp";
  }
  std::string templ = parent + "/rlsq-pg-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", templ, ": ", std::strerror(errno)));
  }
  dir_ = templ;
  if (geteuid() == 0) {
    struct passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return absl::FailedPreconditionError("running as root but there is no `postgres` user");
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return absl::InternalError(absl::StrCat("chown ", dir_, ": ", std::strerror(errno)));
    }
  }
  const std::string data = dir_ + "/data";
  const std::string cmd_log = dir_ + "/commands.log";
  {
    // Create the command log ourselves, writable by the postgres user too.
    int fd = open(cmd_log.c_str(), O_WRONLY | O_CREAT, 0666);
    if (fd >= 0) {
      fchmod(fd, 0666);
      close(fd);
    }
  }
  absl::Status s = RunCommand({options.bin_dir + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E",
                               "UTF8", "--locale=C", "--no-sync"},
                              cmd_log);
  if (!s.ok()) return absl::Status(s.code(), absl::StrCat(s.message(), "\n", TailOfFile(cmd_log, 2000)));

  {
    std::ofstream conf(data + "/postgresql.conf", std::ios::app);
    conf << "\n# rlsq test server\n"
         << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << dir_ << "'\n"
         << "port = " << port_ << "\n"
         << "fsync = off\n"
         << "synchronous_commit = off\n"
         << "full_page_writes = off\n"
         << "max_connections = 20\n"
         << "shared_buffers = 64MB\n"
         << "client_min_messages = warning\n";
    if (options.statement_timeout_ms > 0) conf << "statement_timeout = " << options.statement_timeout_ms << "\n";
    if (options.deterministic_plans) conf << "max_parallel_workers_per_gather = 0\n";
    if (!conf) return absl::InternalError("cannot write postgresql.conf");
  }
  s = RunCommand({options.bin_dir + "/pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", dir_ + "/server.log"},
                 cmd_log);
  running_ = true;  // pg_ctl may have started the postmaster even if waiting failed; Stop() copes with both
  if (!s.ok()) return absl::Status(s.code(), absl::StrCat(s.message(), "\n", TailOfFile(cmd_log, 2000)));
  return absl::OkStatus();
}

void PgServer::Stop() {
  if (!running_) return;
  running_ = false;
  const std::string data = dir_ + "/data";
  absl::Status s =
      RunCommand({options_.bin_dir + "/pg_ctl", "stop", "-w", "-t", "30", "-m", "immediate", "-D", data},
                 dir_ + "/commands.log");
  if (!s.ok()) {
    // Fall back to signalling the postmaster directly (SIGQUIT = immediate shutdown).
    std::ifstream pidfile(data + "/postmaster.pid");
    long pid = 0;
    if (pidfile >> pid && pid > 0) {
      kill(static_cast<pid_t>(pid), SIGQUIT);
      for (int i = 0; i < 100 && kill(static_cast<pid_t>(pid), 0) == 0; ++i) usleep(50 * 1000);
    }
  }
}

PgServer::~PgServer() {
  Stop();
  if (!dir_.empty() && std::getenv("RLSQ_KEEP_PG_DIR") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string PgServer::ServerLogTail(size_t max_bytes) const {
  if (dir_.empty()) return "";
  return TailOfFile(dir_ + "/server.log", max_bytes);
}

std::string PgServer::ConnectionString(std::string_view database, std::string_view user) const {
  return absl::StrCat("host=", dir_, " port=", port_, " user=", std::string(user), " dbname=", std::string(database),
                      " application_name=rlsq_test");
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgServer::Connect(std::string_view database,
                                                                 std::string_view user) const {
  std::string conninfo = ConnectionString(database, user);
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return absl::InternalError("PQconnectdb returned null");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    return absl::UnavailableError(absl::StrCat("cannot connect (", conninfo, "): ", msg));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn, std::string(database)));
}

absl::Status PgServer::CreateDatabase(std::string_view name) {
  absl::StatusOr<std::unique_ptr<PgConnection>> admin = Connect("postgres");
  if (!admin.ok()) return admin.status();
  std::string quoted = absl::StrCat("\"", absl::StrReplaceAll(std::string(name), {{"\"", "\"\""}}), "\"");
  return (*admin)->Exec(absl::StrCat("CREATE DATABASE ", quoted, " TEMPLATE template0 ENCODING 'UTF8'"));
}

// ---------------------------------------------------------------------------------------------------------------
// TPC-H data

std::string TpchSchemaPath() { return CorpusDir() + "/tpch_schema.sql"; }

std::string TpchDataSql(double scale) {
  auto count = [&](double per_sf, long minimum) {
    return std::max(minimum, static_cast<long>(std::llround(per_sf * scale)));
  };
  long suppliers = count(10000, 8);
  suppliers -= suppliers % 4;  // keeps the four suppliers of a part distinct
  // The generator's text: tests/support/tpch_data.sql (the proxy's Python tests read it too).
  std::ifstream in(std::string(RLSQ_SOURCE_DIR) + "/tests/support/tpch_data.sql", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty()) return "SELECT 'tests/support/tpch_data.sql is missing' :: int";  // fails loudly
  return absl::StrReplaceAll(text, {{"{S}", absl::StrCat(suppliers)},
                                            {"{P}", absl::StrCat(count(200000, 20))},
                                            {"{C}", absl::StrCat(count(150000, 30))},
                                            {"{O}", absl::StrCat(count(1500000, 100))},
                                            {"{K}", absl::StrCat(count(1000, 50))}});
}

absl::StatusOr<std::vector<std::string>> TpchInserts(PgConnection& db, bool backslash_escapes) {
  std::vector<std::string> out;
  for (const char* table : {"region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"}) {
    absl::StatusOr<PgResult> rows = db.Query(absl::StrCat("SELECT * FROM ", table));
    if (!rows.ok()) return rows.status();
    for (size_t start = 0; start < rows->rows.size(); start += 500) {
      std::string insert = absl::StrCat("INSERT INTO ", table, " VALUES ");
      for (size_t i = start; i < std::min(rows->rows.size(), start + 500); ++i) {
        insert += i == start ? "(" : ", (";
        for (size_t c = 0; c < rows->rows[i].size(); ++c) {
          const auto& v = rows->rows[i][c];
          if (c) insert += ", ";
          if (!v) {
            insert += "NULL";
            continue;
          }
          insert += '\'';
          for (char ch : *v) {
            if (ch == '\'' || (ch == '\\' && backslash_escapes)) insert += ch;
            insert += ch;
          }
          insert += '\'';
        }
        insert += ')';
      }
      out.push_back(std::move(insert));
    }
  }
  return out;
}

absl::Status LoadTpch(PgConnection& db, double scale) {
  if (absl::Status s = db.ExecFile(TpchSchemaPath()); !s.ok()) return s;
  if (absl::Status s = db.Exec(TpchDataSql(scale)); !s.ok()) return s;
  return db.Exec("ANALYZE");
}

absl::Status StartTpchWithProbe(std::unique_ptr<PgServer>* server, std::unique_ptr<PgConnection>* db) {
  auto started = PgServer::Start();
  if (!started.ok()) return started.status();
  if (absl::Status s = (*started)->CreateDatabase("tpch"); !s.ok()) return s;
  auto connected = (*started)->Connect("tpch");
  if (!connected.ok()) return connected.status();
  if (absl::Status s = LoadTpch(**connected); !s.ok()) return s;
  if (absl::Status s = (*connected)->Exec("CREATE ROLE probe NOLOGIN; GRANT USAGE ON SCHEMA public TO probe; "
                                          "GRANT SELECT ON ALL TABLES IN SCHEMA public TO probe;");
      !s.ok())
    return s;
  *server = std::move(*started);
  *db = std::move(*connected);
  return absl::OkStatus();
}

}  // namespace rlsq::testing
