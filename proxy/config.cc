#include "proxy/config.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "lib/common/str_cat.h"

namespace rlsq_proxy {

std::string Usage() {
  return "usage: rlsq-proxy --policy FILE --upstream CONNINFO [--database NAME] [--listen HOST:PORT] "
         "[--socket-dir DIR] [--port N] [--users FILE] [--trust-local] [--tls-cert FILE --tls-key FILE] [--threads N] "
         "[--max-clients N] "
         "[--max-message-bytes N] [--plan-cache N]";
}

namespace {

bool ParseInt(std::string_view s, long min, long max, long* out) {
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

absl::StatusOr<Config> ParseArgs(int argc, char** argv) {
  Config c;
  bool port_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto need = [&](std::string_view* v) -> absl::Status {
      if (has_value) {
        *v = value;
        return absl::OkStatus();
      }
      if (i + 1 >= argc) return absl::InvalidArgumentError(rlsq::Cat(arg, " needs a value\n", Usage()));
      *v = argv[++i];
      return absl::OkStatus();
    };
    auto number = [&](long min, long max, long* out) -> absl::Status {
      std::string_view v;
      if (absl::Status s = need(&v); !s.ok()) return s;
      if (!ParseInt(v, min, max, out))
        return absl::InvalidArgumentError(rlsq::Cat(arg, ": \"", v, "\" is not a number in [", min, ", ", max, "]"));
      return absl::OkStatus();
    };
    std::string_view v;
    long n = 0;
    absl::Status s;
    if (arg == "--policy") {
      s = need(&v);
      c.policy_path = v;
    } else if (arg == "--database") {
      s = need(&v);
      c.database = v;
    } else if (arg == "--upstream") {
      s = need(&v);
      c.upstream = v;
    } else if (arg == "--listen") {
      s = need(&v);
      if (s.ok()) {
        size_t colon = v.rfind(':');
        if (colon == std::string_view::npos || colon == 0 || !ParseInt(v.substr(colon + 1), 0, 65535, &n))
          return absl::InvalidArgumentError(rlsq::Cat("--listen: expected HOST:PORT, got \"", v, "\""));
        c.listen_host = std::string(v.substr(0, colon));
        if (c.listen_host.size() > 2 && c.listen_host.front() == '[' && c.listen_host.back() == ']')
          c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
        c.listen_port = static_cast<int>(n);
      }
    } else if (arg == "--socket-dir") {
      s = need(&v);
      c.socket_dir = v;
    } else if (arg == "--port") {
      s = number(1, 65535, &n);
      c.socket_port = static_cast<int>(n);
      port_given = true;
    } else if (arg == "--users") {
      s = need(&v);
      c.users_path = v;
    } else if (arg == "--tls-cert") {
      s = need(&v);
      c.tls_cert = v;
    } else if (arg == "--tls-key") {
      s = need(&v);
      c.tls_key = v;
    } else if (arg == "--trust-local") {
      if (has_value) return absl::InvalidArgumentError("--trust-local takes no value");
      c.trust_local = true;
    } else if (arg == "--threads") {
      s = number(1, 64, &n);
      c.threads = static_cast<int>(n);
    } else if (arg == "--max-clients") {
      s = number(1, 100000, &n);
      c.max_clients = static_cast<int>(n);
    } else if (arg == "--max-message-bytes") {
      s = number(1024, 1L << 30, &n);
      c.max_message_bytes = static_cast<size_t>(n);
    } else if (arg == "--plan-cache") {
      s = number(0, 1L << 24, &n);
      c.plan_cache = static_cast<size_t>(n);
    } else if (arg == "--help" || arg == "-h") {
      return absl::InvalidArgumentError(Usage());
    } else {
      return absl::InvalidArgumentError(rlsq::Cat("unknown option ", arg, "\n", Usage()));
    }
    if (!s.ok()) return s;
  }
  if (c.policy_path.empty()) return absl::InvalidArgumentError("--policy is required\n" + Usage());
  if (c.upstream.empty()) return absl::InvalidArgumentError("--upstream is required\n" + Usage());
  if (c.listen_port < 0 && c.socket_dir.empty())
    return absl::InvalidArgumentError("give --listen HOST:PORT and/or --socket-dir DIR\n" + Usage());
  if (!port_given && c.listen_port > 0) c.socket_port = c.listen_port;
  if (c.tls_cert.empty() != c.tls_key.empty())
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together\n" + Usage());
  if (c.users_path.empty() && !(c.trust_local && c.listen_port < 0))
    return absl::InvalidArgumentError(
        "--users is required unless every client is trusted (--trust-local with only --socket-dir)\n" + Usage());
  return c;
}

absl::StatusOr<Upstream> ParseUpstream(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return absl::InvalidArgumentError(rlsq::Cat("--upstream: ", msg));
  }
  Upstream u;
  std::string host, port, hostaddr;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view k = o->keyword;
    if (k == "host") host = o->val;
    else if (k == "hostaddr") hostaddr = o->val;
    else if (k == "port") port = o->val;
    else if (k == "dbname") u.dbname = o->val;
    else if (k == "user") u.user = o->val;
    else if (k == "password") u.password = o->val;
    else if (k == "application_name") u.application_name = o->val;
  }
  PQconninfoFree(opts);
  if (u.password.empty())
    if (const char* env = getenv("PGPASSWORD")) u.password = env;  // as libpq does
  if (host.find(',') != std::string::npos || port.find(',') != std::string::npos)
    return absl::InvalidArgumentError("--upstream: give one host (rlsq-proxy has one upstream server)");
  if (u.user.empty()) return absl::InvalidArgumentError("--upstream: give the service role's user=");
  if (u.dbname.empty()) u.dbname = u.user;
  long p = 5432;
  if (!port.empty() && !ParseInt(port, 1, 65535, &p))
    return absl::InvalidArgumentError(rlsq::Cat("--upstream: invalid port \"", port, "\""));
  u.port = static_cast<int>(p);
  if (!hostaddr.empty()) host = hostaddr;
  if (host.empty()) host = "/var/run/postgresql";
  if (host.front() == '/') {
    u.unix_socket = true;
    u.socket_path = rlsq::Cat(host, "/.s.PGSQL.", u.port);
  } else {
    u.host = host;
  }
  return u;
}

}  // namespace rlsq_proxy
