// rlsq-proxy's command line, and the upstream connection string (read with libpq's own conninfo parser).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rlsq_proxy {

struct Config {
  std::string policy_path;       // --policy: a JSON or YAML policy file
  std::string database;          // --database: the policy's database the upstream is; empty: the policy's default
  std::string upstream;          // --upstream: a libpq connection string for the service role
  std::string listen_host;       // --listen HOST:PORT (TCP)
  int listen_port = -1;
  std::string socket_dir;        // --socket-dir DIR: a unix socket DIR/.s.PGSQL.<port>
  int socket_port = 5432;        // --port N: the number in the socket's name (default: the --listen port, or 5432)
  std::string users_path;        // --users: "name" "SCRAM-SHA-256$..." lines
  bool trust_local = false;      // --trust-local: clients on the unix socket need no password
  std::string tls_cert, tls_key;  // --tls-cert, --tls-key: PEM files; an SSLRequest is then answered 'S' 
  int threads = 1;               // --threads: I/O threads (one, as PgBouncer: a session is I/O bound)
  size_t max_message_bytes = 8u << 20;  // --max-message-bytes: a larger client message is a protocol violation
  int max_clients = 1000;        // --max-clients: further connections get 53300
  size_t plan_cache = 4096;      // --plan-cache: the engine's plan cache entries per snapshot
};

// Parses argv; InvalidArgument with a usage line for anything wrong or missing.
absl::StatusOr<Config> ParseArgs(int argc, char** argv);
std::string Usage();

// The upstream server, from the connection string.
struct Upstream {
  bool unix_socket = false;
  std::string socket_path;  // unix: <host>/.s.PGSQL.<port>
  std::string host;         // tcp
  int port = 5432;
  std::string dbname;
  std::string user;
  std::string password;
  std::string application_name;
};
absl::StatusOr<Upstream> ParseUpstream(const std::string& conninfo);

}  // namespace rlsq_proxy
