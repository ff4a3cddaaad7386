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

namespace {

// The generator. {S}, {P}, {C}, {O}, {K} are substituted with the row counts (suppliers, parts, customers, orders,
// clerks). g.r(k, salt, n) is a deterministic pseudo-random integer in [0, n) from PostgreSQL's built-in 64-bit
// hash, so the data is identical on every run. g.pick(k, salt, array) picks one array element.
constexpr const char* kTpchDataSql = R"sql(
SET client_min_messages = warning;
-- Foreign keys hold by construction (and tests/corpus/pg_server_test.cc checks each one with an anti-join), so the
-- per-row FK triggers are skipped while loading: replica mode, which needs a superuser.
SET session_replication_role = replica;
DROP SCHEMA IF EXISTS rlsq_gen CASCADE;
CREATE SCHEMA rlsq_gen;
CREATE FUNCTION rlsq_gen.r(k bigint, salt bigint, n bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ((hashint8extended(k, salt) % n) + n) % n $$;
CREATE FUNCTION rlsq_gen.pick(k bigint, salt bigint, a text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT a[1 + ((hashint8extended(k, salt) % cardinality(a)) + cardinality(a)) % cardinality(a)] $$;
-- 4096 comment sentences of 3 to 14 TPC-H style words. A comment column joins one of them (cut to the column's
-- length): cm.id = rlsq_gen.r(key, salt, 4096).
CREATE TABLE rlsq_gen.pool AS
SELECT id::bigint AS id, string_agg(rlsq_gen.pick(id * 16 + w, 77, ARRAY['furiously','carefully','quickly','slyly',
         'blithely','regular','special','final','express','pending','ironic','bold','even','silent','unusual',
         'fluffily','requests','deposits','packages','accounts','foxes','theodolites','pinto beans',
         'instructions','dependencies','excuses','platelets','asymptotes','courts','dolphins','ideas','sauternes',
         'warhorses']), ' ' ORDER BY w) AS sentence
FROM generate_series(0, 4095) AS id, generate_series(1, 14) AS w
WHERE w <= 3 + id % 12
GROUP BY id;
ANALYZE rlsq_gen.pool;
CREATE FUNCTION rlsq_gen.phone(k bigint, salt bigint, nationkey int) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (nationkey + 10)::text || '-' || (100 + rlsq_gen.r(k, salt, 900))::text || '-'
        || (100 + rlsq_gen.r(k, salt + 1, 900))::text || '-' || (1000 + rlsq_gen.r(k, salt + 2, 9000))::text $$;
CREATE FUNCTION rlsq_gen.retailprice(partkey bigint) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((90000 + ((partkey / 10) % 20001) + 100 * (partkey % 1000)) / 100.0)::numeric(15,2) $$;

INSERT INTO region (r_regionkey, r_name, r_comment) VALUES
  (0, 'AFRICA', 'lar deposits. blithely final packages cajole'),
  (1, 'AMERICA', 'hs use ironic, even requests'),
  (2, 'ASIA', 'ges. thinly even pinto beans ca'),
  (3, 'EUROPE', 'ly final courts cajole furiously final excuse'),
  (4, 'MIDDLE EAST', 'uickly special accounts cajole carefully blithely close requests');

INSERT INTO nation (n_nationkey, n_name, n_regionkey, n_comment)
SELECT v.k, v.name, v.region, left(cm.sentence, 152)
FROM (VALUES (0, 'ALGERIA', 0), (1, 'ARGENTINA', 1), (2, 'BRAZIL', 1), (3, 'CANADA', 1), (4, 'EGYPT', 4),
             (5, 'ETHIOPIA', 0), (6, 'FRANCE', 3), (7, 'GERMANY', 3), (8, 'INDIA', 2), (9, 'INDONESIA', 2),
             (10, 'IRAN', 4), (11, 'IRAQ', 4), (12, 'JAPAN', 2), (13, 'JORDAN', 4), (14, 'KENYA', 0),
             (15, 'MOROCCO', 0), (16, 'MOZAMBIQUE', 0), (17, 'PERU', 1), (18, 'CHINA', 2), (19, 'ROMANIA', 3),
             (20, 'SAUDI ARABIA', 4), (21, 'VIETNAM', 2), (22, 'RUSSIA', 3), (23, 'UNITED KINGDOM', 3),
             (24, 'UNITED STATES', 1)) AS v(k, name, region), rlsq_gen.pool AS cm
WHERE cm.id = rlsq_gen.r(v.k, 1, 4096);

-- About 5% of suppliers have a comment matching '%Customer%Complaints%' (TPC-H Q16), 5% '%Customer%Recommends%'.
INSERT INTO supplier (s_suppkey, s_name, s_address, s_nationkey, s_phone, s_acctbal, s_comment)
SELECT i, 'Supplier#' || lpad(i::text, 9, '0'),
       left(md5('supplier address ' || i), 10 + rlsq_gen.r(i, 1, 22)::int),
       nk, rlsq_gen.phone(i, 3, nk),
       ((rlsq_gen.r(i, 6, 1099999) - 99999) / 100.0)::numeric(15,2),
       CASE rlsq_gen.r(i, 7, 20)
         WHEN 0 THEN left(c1.sentence, 40) || ' Customer ' || left(c2.sentence, 30) || ' Complaints'
         WHEN 1 THEN left(c1.sentence, 40) || ' Customer ' || left(c2.sentence, 30) || ' Recommends'
         ELSE left(c3.sentence, 101) END
FROM generate_series(1, {S}) AS i, LATERAL (SELECT rlsq_gen.r(i, 2, 25)::int AS nk) AS n,
     rlsq_gen.pool AS c1, rlsq_gen.pool AS c2, rlsq_gen.pool AS c3
WHERE c1.id = rlsq_gen.r(i, 8, 4096) AND c2.id = rlsq_gen.r(i, 9, 4096) AND c3.id = rlsq_gen.r(i, 10, 4096);

INSERT INTO part (p_partkey, p_name, p_mfgr, p_brand, p_type, p_size, p_container, p_retailprice, p_comment)
SELECT i,
       (SELECT string_agg(rlsq_gen.pick(i, 100 + w, ARRAY['almond','antique','aquamarine','azure','beige','bisque',
          'black','blanched','blue','blush','brown','burlywood','burnished','chartreuse','chiffon','chocolate',
          'coral','cornflower','cornsilk','cream','cyan','dark','deep','dim','dodger','drab','firebrick','floral',
          'forest','frosted','gainsboro','ghost','goldenrod','green','grey','honeydew','hot','indian','ivory',
          'khaki','lace','lavender','lawn','lemon','light','lime','linen','magenta','maroon','medium','metallic',
          'midnight','mint','misty','moccasin','navajo','navy','olive','orange','orchid','pale','papaya','peach',
          'peru','pink','plum','powder','puff','purple','red','rose','rosy','royal','saddle','salmon','sandy',
          'seashell','sienna','sky','slate','smoke','snow','spring','steel','tan','thistle','tomato','turquoise',
          'violet','wheat','white','yellow']), ' ' ORDER BY w) FROM generate_series(1, 5) AS w),
       'Manufacturer#' || m,
       'Brand#' || m || (1 + rlsq_gen.r(i, 2, 5)),
       rlsq_gen.pick(i, 3, ARRAY['STANDARD','SMALL','MEDIUM','LARGE','ECONOMY','PROMO']) || ' ' ||
         rlsq_gen.pick(i, 4, ARRAY['ANODIZED','BURNISHED','PLATED','POLISHED','BRUSHED']) || ' ' ||
         rlsq_gen.pick(i, 5, ARRAY['TIN','NICKEL','BRASS','STEEL','COPPER']),
       1 + rlsq_gen.r(i, 6, 50)::int,
       rlsq_gen.pick(i, 7, ARRAY['SM','LG','MED','JUMBO','WRAP']) || ' ' ||
         rlsq_gen.pick(i, 8, ARRAY['CASE','BOX','BAG','JAR','PKG','PACK','CAN','DRUM']),
       rlsq_gen.retailprice(i),
       left(cm.sentence, 23)
FROM generate_series(1, {P}) AS i, LATERAL (SELECT 1 + rlsq_gen.r(i, 1, 5) AS m) AS mm, rlsq_gen.pool AS cm
WHERE cm.id = rlsq_gen.r(i, 9, 4096);

-- Four suppliers per part, as in TPC-H: distinct because j * ({S} / 4) < {S} for j < 4.
INSERT INTO partsupp (ps_partkey, ps_suppkey, ps_availqty, ps_supplycost, ps_comment)
SELECT p, ((p + j * ({S} / 4)) % {S}) + 1,
       1 + rlsq_gen.r(p * 4 + j, 1, 9999)::int,
       ((100 + rlsq_gen.r(p * 4 + j, 2, 99901)) / 100.0)::numeric(15,2),
       left(cm.sentence, 199)
FROM generate_series(1, {P}) AS p, generate_series(0, 3) AS j, rlsq_gen.pool AS cm
WHERE cm.id = rlsq_gen.r(p * 4 + j, 3, 4096);

INSERT INTO customer (c_custkey, c_name, c_address, c_nationkey, c_phone, c_acctbal, c_mktsegment, c_comment)
SELECT i, 'Customer#' || lpad(i::text, 9, '0'),
       left(md5('customer address ' || i), 10 + rlsq_gen.r(i, 1, 22)::int),
       nk, rlsq_gen.phone(i, 3, nk),
       ((rlsq_gen.r(i, 6, 1099999) - 99999) / 100.0)::numeric(15,2),
       rlsq_gen.pick(i, 7, ARRAY['AUTOMOBILE','BUILDING','FURNITURE','MACHINERY','HOUSEHOLD']),
       left(cm.sentence, 117)
FROM generate_series(1, {C}) AS i, LATERAL (SELECT rlsq_gen.r(i, 2, 25)::int AS nk) AS n, rlsq_gen.pool AS cm
WHERE cm.id = rlsq_gen.r(i, 8, 4096);

-- Lineitems first (1 to 7 per order), so that orders can get their total price and status (F, O or P) from them.
-- The order date is a function of the order key: DATE '1992-01-01' + r(o, 2, 2406) (1992-01-01 .. 1998-08-02).
CREATE TABLE rlsq_gen.li AS
SELECT o AS l_orderkey, pk AS l_partkey, ((pk + rlsq_gen.r(k, 2, 4) * ({S} / 4)) % {S}) + 1 AS l_suppkey,
       ln AS l_linenumber, qty::numeric(15,2) AS l_quantity,
       (qty * rlsq_gen.retailprice(pk))::numeric(15,2) AS l_extendedprice,
       (rlsq_gen.r(k, 4, 11) / 100.0)::numeric(15,2) AS l_discount,
       (rlsq_gen.r(k, 5, 9) / 100.0)::numeric(15,2) AS l_tax,
       CASE WHEN receipt <= DATE '1995-06-17' THEN rlsq_gen.pick(k, 6, ARRAY['R','A']) ELSE 'N' END AS l_returnflag,
       CASE WHEN ship > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus,
       ship AS l_shipdate, od + 30 + rlsq_gen.r(k, 7, 61)::int AS l_commitdate, receipt AS l_receiptdate,
       rlsq_gen.pick(k, 8, ARRAY['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN']) AS l_shipinstruct,
       rlsq_gen.pick(k, 9, ARRAY['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB']) AS l_shipmode,
       left(cm.sentence, 44) AS l_comment
FROM generate_series(1, {O}) AS o, generate_series(1, 7) AS ln,
     LATERAL (SELECT o::bigint * 8 + ln AS k, DATE '1992-01-01' + rlsq_gen.r(o, 2, 2406)::int AS od) AS kk,
     LATERAL (SELECT 1 + rlsq_gen.r(k, 1, {P}) AS pk, 1 + rlsq_gen.r(k, 3, 50)::int AS qty,
                     od + 1 + rlsq_gen.r(k, 11, 121)::int AS ship) AS a,
     LATERAL (SELECT ship + 1 + rlsq_gen.r(k, 12, 30)::int AS receipt) AS b,
     rlsq_gen.pool AS cm
WHERE ln <= 1 + rlsq_gen.r(o, 40, 7) AND cm.id = rlsq_gen.r(k, 10, 4096);

-- As in TPC-H, customers whose key is a multiple of 3 place no orders.
INSERT INTO orders (o_orderkey, o_custkey, o_orderstatus, o_totalprice, o_orderdate, o_orderpriority, o_clerk,
                    o_shippriority, o_comment)
SELECT i, CASE WHEN c % 3 = 0 THEN c - 1 ELSE c END, t.status, t.total,
       DATE '1992-01-01' + rlsq_gen.r(i, 2, 2406)::int,
       rlsq_gen.pick(i, 3, ARRAY['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW']),
       'Clerk#' || lpad((1 + rlsq_gen.r(i, 4, {K}))::text, 9, '0'),
       0,
       left(cm.sentence, 79)
FROM generate_series(1, {O}) AS i, LATERAL (SELECT 1 + rlsq_gen.r(i, 1, {C}) AS c) AS cc,
     (SELECT l_orderkey,
             sum(l_extendedprice * (1 + l_tax) * (1 - l_discount))::numeric(15,2) AS total,
             CASE WHEN bool_and(l_linestatus = 'F') THEN 'F' WHEN bool_and(l_linestatus = 'O') THEN 'O' ELSE 'P' END
               AS status
      FROM rlsq_gen.li GROUP BY l_orderkey) AS t,
     rlsq_gen.pool AS cm
WHERE t.l_orderkey = i AND cm.id = rlsq_gen.r(i, 5, 4096);

INSERT INTO lineitem SELECT * FROM rlsq_gen.li ORDER BY l_orderkey, l_linenumber;

DROP SCHEMA rlsq_gen CASCADE;
RESET session_replication_role;
RESET client_min_messages;
)sql";

}  // namespace

std::string TpchDataSql(double scale) {
  auto count = [&](double per_sf, long minimum) {
    return std::max(minimum, static_cast<long>(std::llround(per_sf * scale)));
  };
  long suppliers = count(10000, 8);
  suppliers -= suppliers % 4;  // keeps the four suppliers of a part distinct
  return absl::StrReplaceAll(kTpchDataSql, {{"{S}", absl::StrCat(suppliers)},
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
