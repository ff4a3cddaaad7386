#include "tests/support/mariadb_server.h"

#include <fcntl.h>
#include <mysql.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "lib/common/str_cat.h"

namespace rlsq::testing {
namespace {

// Starts argv (no shell) as the mysql user when root, output to `log`; returns the pid.
pid_t Spawn(std::vector<std::string> argv, const std::string& log) {
  if (geteuid() == 0) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "mysql", "--"});
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    setpgid(0, 0);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MariaDbServer>> MariaDbServer::Start() {
  std::unique_ptr<MariaDbServer> s(new MariaDbServer());
  absl::Status st = s->StartImpl();
  if (!st.ok()) return st;
  return s;
}

absl::Status MariaDbServer::StartImpl() {
  const char* tmp = getenv("TMPDIR");
  std::string tmpl = Cat(tmp && *tmp ? tmp : "/tmp", "/rlsq-mariadb.XXXXXX");
  if (!mkdtemp(tmpl.data())) return absl::InternalError("mkdtemp failed");
  dir_ = tmpl;
  socket_ = dir_ + "/mysql.sock";
  if (geteuid() == 0) {
    struct passwd* pw = getpwnam("mysql");
    if (!pw) return absl::FailedPreconditionError("no mysql user (install mariadb-server)");
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) return absl::InternalError("chown failed");
  }
  const std::string log = dir_ + "/server.log";
  pid_t install = Spawn({"/usr/bin/mariadb-install-db", "--no-defaults", "--datadir=" + dir_ + "/data",
                         "--auth-root-authentication-method=normal", "--skip-test-db"},
                        log);
  int status = Wait(install);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return absl::InternalError(Cat("mariadb-install-db failed; ", ErrorLogTail()));
  pid_ = Spawn({"/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + dir_ + "/data", "--socket=" + socket_,
                "--skip-networking", "--pid-file=" + dir_ + "/mariadbd.pid", "--log-error=" + log,
                "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M", "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci"},
               log);
  for (int i = 0; i < 300; ++i) {
    if (Exec("SELECT 1").ok()) return absl::OkStatus();
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(Cat("mariadbd exited; ", ErrorLogTail()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::DeadlineExceededError(Cat("mariadbd did not start; ", ErrorLogTail()));
}

namespace {

// A root connection to the server's socket, in `database` when given, with `init` run first when not empty.
absl::StatusOr<MYSQL*> Open(const std::string& socket, std::string_view database, unsigned long flags,
                            const std::string& init) {
  MYSQL* db = mysql_init(nullptr);
  if (!db) return absl::InternalError("mysql_init");
  mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!init.empty()) mysql_options(db, MYSQL_INIT_COMMAND, init.c_str());
  std::string dbname(database);
  if (!mysql_real_connect(db, "localhost", "root", nullptr, dbname.empty() ? nullptr : dbname.c_str(), 0,
                          socket.c_str(), flags)) {
    std::string msg = mysql_error(db);
    mysql_close(db);
    return absl::UnavailableError(Cat("MariaDB: ", msg));
  }
  return db;
}

absl::Status Failed(MYSQL* db) { return absl::InternalError(Cat("MariaDB ", mysql_errno(db), ": ", mysql_error(db))); }

}  // namespace

absl::Status MariaDbServer::Exec(std::string_view sql, std::string_view database) const {
  auto opened = Open(socket_, database, CLIENT_MULTI_STATEMENTS, "");
  if (!opened.ok()) return opened.status();
  MYSQL* db = *opened;
  absl::Status out;
  if (mysql_real_query(db, sql.data(), sql.size()) != 0) {
    out = Failed(db);
  } else {
    for (;;) {
      if (MYSQL_RES* r = mysql_store_result(db)) mysql_free_result(r);
      int next = mysql_next_result(db);
      if (next > 0) {
        out = Failed(db);
        break;
      }
      if (next < 0) break;
    }
  }
  mysql_close(db);
  return out;
}

absl::StatusOr<std::vector<MariaDbServer::Row>> MariaDbServer::Query(std::string_view sql, std::string_view database,
                                                                     const char* sql_mode) const {
  auto opened = Open(socket_, database, 0, sql_mode ? Cat("SET SESSION sql_mode = '", sql_mode, "'") : "");
  if (!opened.ok()) return opened.status();
  MYSQL* db = *opened;
  std::vector<Row> rows;
  absl::Status out;
  if (mysql_real_query(db, sql.data(), sql.size()) != 0) {
    out = Failed(db);
  } else if (MYSQL_RES* r = mysql_store_result(db)) {
    const unsigned n = mysql_num_fields(r);
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
      unsigned long* lengths = mysql_fetch_lengths(r);
      Row values(n);
      for (unsigned i = 0; i < n; ++i)
        if (row[i]) values[i] = std::string(row[i], lengths[i]);
      rows.push_back(std::move(values));
    }
    mysql_free_result(r);
  } else if (mysql_field_count(db) != 0) {
    out = Failed(db);
  }
  mysql_close(db);
  if (!out.ok()) return out;
  return rows;
}

std::string MariaDbServer::Uri(std::string_view database, std::string_view user, std::string_view password) const {
  return Cat("mysql://", user, password.empty() ? "" : ":", password, "@localhost/", database,
             "?unix_socket=", socket_);
}

std::string MariaDbServer::ErrorLogTail(size_t max_bytes) const {
  std::ifstream in(dir_ + "/server.log");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

void MariaDbServer::Stop() {
  if (pid_ > 0) {
    // The child is runuser (or mariadbd): signal the whole process group.
    kill(-pid_, SIGTERM);
    for (int i = 0; i < 300; ++i) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (pid_ > 0) {
      kill(-pid_, SIGKILL);
      Wait(pid_);
      pid_ = -1;
    }
  }
}

MariaDbServer::~MariaDbServer() {
  Stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

}  // namespace rlsq::testing
