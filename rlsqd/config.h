// rlsqd's settings: flags (rlsqd --help), with the defaults a local sidecar wants.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/dialect/dialect.h"

namespace rlsqd {

struct Config {
  // The policy: a file (JSON or YAML), or Superset's metadata database (with optional settings).
  std::string policy_file;
  std::string policy_db;
  std::string policy_settings;
  // --dialect and --dialect-option: the dialect the policy is read in; null: the policy's own (PostgreSQL when it
  // states none). Validated by ParseFlags.
  const rlsq::Dialect* dialect = nullptr;
  std::chrono::milliseconds watch_interval{2000};  // polls of the source's change fingerprint; 0: no watching

  // Where to listen: HOST:PORT on loopback unless --allow-remote, and/or a unix socket path.
  std::string listen = "127.0.0.1:8181";
  std::string unix_socket;
  bool allow_remote = false;
  int threads = 2;

  // Bearer tokens (read from files: a token on the command line is visible to every local user). Empty: none.
  std::string api_token;
  std::string reload_token;

  // Limits.
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  size_t max_connections = 1024;
  std::chrono::milliseconds idle_timeout{30000};     // for the next request's header, after the last response
  std::chrono::milliseconds request_timeout{10000};  // for a request's body, once its header is in
  std::chrono::milliseconds shutdown_timeout{10000};  // in-flight requests get this long after SIGTERM
  size_t plan_cache_capacity = 4096;

  // Audit log: "off", "stderr", or a file path (appended).
  std::string audit = "off";
};

// Parses argv (without argv[0]). InvalidArgument with a message for the user; `*help` set for --help.
absl::StatusOr<Config> ParseFlags(const std::vector<std::string>& args, bool* help);
std::string HelpText();

}  // namespace rlsqd
