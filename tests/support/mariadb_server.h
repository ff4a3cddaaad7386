// A throwaway MariaDB 10.11 server for tests: mariadb-install-db into a fresh temp dir, mariadbd on a unix socket in
// that dir with networking off, run as the `mysql` user when we are root (mariadbd refuses root). Stopped and its
// dir removed when the MariaDbServer is destroyed.
//
//   RLSQ_ASSERT_OK_AND_ASSIGN(auto server, MariaDbServer::Start());
//   RLSQ_ASSERT_OK(server->Exec("CREATE DATABASE superset"));
//   std::string uri = server->Uri("superset");   // mysql://root@localhost/superset?unix_socket=...
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace rlsq::testing {

class MariaDbServer {
 public:
  static absl::StatusOr<std::unique_ptr<MariaDbServer>> Start();
  ~MariaDbServer();
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  // Runs statements (several, separated by ';') as root, in `database` when given; stops at the first error.
  absl::Status Exec(std::string_view sql, std::string_view database = "") const;
  // One row of a result, each value in MariaDB's text protocol form; NULL is std::nullopt.
  using Row = std::vector<std::optional<std::string>>;
  // Runs one query as root, in `database` when given (and with the session's sql_mode set to `sql_mode` when that
  // is not null), and returns its rows. A failure is an InternalError whose message starts with
  // "MariaDB <errno>: ".
  absl::StatusOr<std::vector<Row>> Query(std::string_view sql, std::string_view database = "",
                                         const char* sql_mode = nullptr) const;
  // A SQLAlchemy-style URI for rlsq's policy sources.
  std::string Uri(std::string_view database, std::string_view user = "root", std::string_view password = "") const;
  const std::string& socket() const { return socket_; }
  std::string ErrorLogTail(size_t max_bytes = 4000) const;

 private:
  MariaDbServer() = default;
  absl::Status StartImpl();
  void Stop();
  std::string dir_, socket_;
  int pid_ = -1;
};

}  // namespace rlsq::testing
