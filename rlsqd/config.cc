#include "rlsqd/config.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lib/common/status.h"
#include "lib/common/str_cat.h"

namespace rlsqd {

using rlsq::Cat;

namespace {

absl::StatusOr<uint64_t> Number(const std::string& flag, const std::string& v, uint64_t min, uint64_t max) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 12)
    return absl::InvalidArgumentError(Cat(flag, ": expected a whole number, not \"", v, "\""));
  const uint64_t n = std::strtoull(v.c_str(), nullptr, 10);
  if (n < min || n > max) return absl::InvalidArgumentError(Cat(flag, ": ", n, " is outside ", min, "..", max));
  return n;
}

// A token file: its first line, without the line end; empty or unreadable is an error.
absl::StatusOr<std::string> ReadToken(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(Cat(flag, ": cannot read ", path));
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ' || token.back() == '\t')) token.pop_back();
  if (token.size() < 16) return absl::InvalidArgumentError(Cat(flag, ": the token in ", path, " is shorter than 16 bytes"));
  return token;
}

}  // namespace

std::string HelpText() {
  return R"(usage: rlsqd (--policy FILE | --policy-db URI [--policy-settings FILE]) [options]

rlsqd serves rlsq's rewrites over HTTP/1.1 (keep-alive) for BI backends in any language: POST /v1/rewrite,
POST /v1/check, GET /v1/policy, POST /v1/reload, GET /livez, GET /readyz, GET /metrics (README "rlsqd").

policy:
  --policy FILE             a policy file, JSON or YAML (.yaml/.yml)
  --policy-db URI           Superset's metadata database: sqlite:///PATH, postgresql://..., mysql://...
  --policy-settings FILE    with --policy-db: the keys the metadata does not hold (JSON or YAML)
  --dialect NAME            the SQL dialect of the policy and the queries: postgres, mysql, mariadb (default:
                            the policy's "dialect", else postgres)
  --dialect-option K=V      a server setting of the dialect (sql_mode, lower_case_table_names, server_version);
                            repeatable (default: the policy's "dialect_options")
  --watch-interval-ms N     poll the policy's change fingerprint every N ms; 0: only SIGHUP and /v1/reload
                            (default 2000)

listening:
  --listen HOST:PORT        TCP address (default 127.0.0.1:8181; "" for none). Loopback only unless --allow-remote
  --unix-socket PATH        also (or only) listen on this unix socket
  --allow-remote            allow a --listen address that is not loopback
  --threads N               worker threads over the one engine (default 2)

security:
  --api-token-file FILE     require "Authorization: Bearer TOKEN" (the file's first line) on /v1/* and /metrics
  --reload-token-file FILE  require this other token on /v1/reload (default: the API token, if any)

limits:
  --max-header-bytes N      request line and headers (default 8192; more: 431)
  --max-body-bytes N        request body (default 1048576; more: 413)
  --max-connections N       open connections (default 1024; more are answered 503 and closed)
  --idle-timeout-ms N       time for a request's header after the previous response (default 30000)
  --request-timeout-ms N    time for a request's body once its header is in (default 10000)
  --shutdown-timeout-ms N   on SIGTERM, time for requests in flight to finish (default 10000)
  --plan-cache N            plan-cache entries per policy version (default 4096)

audit:
  --audit off|stderr|FILE   one JSON line per decision (default off)

signals: SIGHUP reloads the policy; SIGTERM and SIGINT stop accepting, finish requests in flight, and exit.
exit status: 0 after a clean shutdown, 1 on a usage or startup error.
)";
}

absl::StatusOr<Config> ParseFlags(const std::vector<std::string>& args, bool* help) {
  Config c;
  *help = false;
  bool listen_given = false;
  std::string dialect_name;
  rlsq::Dialect::Options dialect_options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    bool has_value = false;
    if (size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      *help = true;
      return c;
    }
    if (flag == "--allow-remote") {
      c.allow_remote = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(Cat(flag, " needs a value (rlsqd --help)"));
      value = args[++i];
    }
    auto number = [&](uint64_t min, uint64_t max) { return Number(flag, value, min, max); };
    if (flag == "--policy") {
      c.policy_file = value;
    } else if (flag == "--policy-db") {
      c.policy_db = value;
    } else if (flag == "--policy-settings") {
      c.policy_settings = value;
    } else if (flag == "--dialect") {
      dialect_name = value;
    } else if (flag == "--dialect-option") {
      size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0)
        return absl::InvalidArgumentError(Cat("--dialect-option: expected KEY=VALUE, not \"", value, "\""));
      dialect_options.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (flag == "--watch-interval-ms") {
      auto n = number(0, 86400000);
      if (!n.ok()) return n.status();
      c.watch_interval = std::chrono::milliseconds(*n);
    } else if (flag == "--listen") {
      c.listen = value;
      listen_given = true;
    } else if (flag == "--unix-socket") {
      c.unix_socket = value;
    } else if (flag == "--threads") {
      auto n = number(1, 256);
      if (!n.ok()) return n.status();
      c.threads = static_cast<int>(*n);
    } else if (flag == "--api-token-file") {
      auto t = ReadToken(flag, value);
      if (!t.ok()) return t.status();
      c.api_token = *t;
    } else if (flag == "--reload-token-file") {
      auto t = ReadToken(flag, value);
      if (!t.ok()) return t.status();
      c.reload_token = *t;
    } else if (flag == "--max-header-bytes") {
      auto n = number(512, 1 << 20);
      if (!n.ok()) return n.status();
      c.max_header_bytes = *n;
    } else if (flag == "--max-body-bytes") {
      auto n = number(64, 64u << 20);
      if (!n.ok()) return n.status();
      c.max_body_bytes = *n;
    } else if (flag == "--max-connections") {
      auto n = number(1, 100000);
      if (!n.ok()) return n.status();
      c.max_connections = *n;
    } else if (flag == "--idle-timeout-ms" || flag == "--request-timeout-ms" || flag == "--shutdown-timeout-ms") {
      auto n = number(10, 3600000);
      if (!n.ok()) return n.status();
      (flag == "--idle-timeout-ms"      ? c.idle_timeout
       : flag == "--request-timeout-ms" ? c.request_timeout
                                        : c.shutdown_timeout) = std::chrono::milliseconds(*n);
    } else if (flag == "--plan-cache") {
      auto n = number(1, 1 << 24);
      if (!n.ok()) return n.status();
      c.plan_cache_capacity = *n;
    } else if (flag == "--audit") {
      c.audit = value;
    } else {
      return absl::InvalidArgumentError(Cat("unknown option ", flag, " (rlsqd --help)"));
    }
  }
  if (c.policy_file.empty() == c.policy_db.empty())
    return absl::InvalidArgumentError("give exactly one of --policy FILE and --policy-db URI (rlsqd --help)");
  if (!c.policy_settings.empty() && c.policy_db.empty())
    return absl::InvalidArgumentError("--policy-settings goes with --policy-db");
  if (listen_given && c.listen.empty() && c.unix_socket.empty())
    return absl::InvalidArgumentError("nothing to listen on: give --listen HOST:PORT or --unix-socket PATH");
  if (!c.unix_socket.empty() && !listen_given) c.listen.clear();  // a unix socket alone unless --listen is given too
  if (c.audit.empty()) return absl::InvalidArgumentError("--audit: off, stderr or a file path");
  if (!dialect_name.empty()) {
    auto d = rlsq::Dialect::Make(dialect_name, dialect_options);
    if (!d.ok()) return absl::InvalidArgumentError(Cat("--dialect: ", rlsq::ToStd(d.status().message())));
    c.dialect = *d;
  } else if (!dialect_options.empty()) {
    return absl::InvalidArgumentError("--dialect-option goes with --dialect");
  }
  return c;
}

}  // namespace rlsqd
