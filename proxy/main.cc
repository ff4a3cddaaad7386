// rlsq-proxy: a PostgreSQL wire-protocol proxy that rewrites every query for the authenticated user (README
// "rlsq-proxy").
#include <signal.h>

#include <cstdio>
#include <string>

#include "lib/common/str_cat.h"
#include "proxy/config.h"
#include "proxy/context.h"
#include "proxy/server.h"
#include "rewriter/engine.h"

namespace {

int Fail(const absl::Status& s, int code) {
  std::string line = rlsq::Cat("rlsq-proxy: ", s.message(), "\n");
  fwrite(line.data(), 1, line.size(), stderr);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  absl::StatusOr<rlsq_proxy::Config> config = rlsq_proxy::ParseArgs(argc, argv);
  if (!config.ok()) return Fail(config.status(), 2);
  absl::StatusOr<rlsq_proxy::Upstream> upstream = rlsq_proxy::ParseUpstream(config->upstream);
  if (!upstream.ok()) return Fail(upstream.status(), 2);
  absl::StatusOr<std::unique_ptr<rlsq::Engine>> engine = rlsq::Engine::FromPolicyFile(config->policy_path);
  if (!engine.ok()) return Fail(engine.status(), 4);
  if (&(*engine)->policy()->dialect() != &rlsq::Dialect::Postgres() &&
      (*engine)->policy()->dialect().name() != rlsq::Dialect::Postgres().name())
    return Fail(absl::InvalidArgumentError("the policy's dialect must be PostgreSQL's"), 4);
  std::shared_ptr<const rlsq_proxy::UserStore> users;
  if (!config->users_path.empty()) {
    absl::StatusOr<std::shared_ptr<const rlsq_proxy::UserStore>> loaded = rlsq_proxy::LoadUsers(config->users_path);
    if (!loaded.ok()) return Fail(loaded.status(), 4);
    users = *std::move(loaded);
  }
  rlsq_proxy::ProxyContext context(*std::move(config), *std::move(upstream), *std::move(engine), users);
  rlsq_proxy::ProxyServer server(context);
  if (absl::Status s = server.Listen(); !s.ok()) return Fail(s, 1);
  std::string ready = "rlsq-proxy: ready";
  if (server.tcp_port() >= 0) ready += rlsq::Cat(" tcp ", context.config().listen_host, ":", server.tcp_port());
  if (!context.config().socket_dir.empty())
    ready += rlsq::Cat(" socket ", context.config().socket_dir, "/.s.PGSQL.", context.config().socket_port);
  ready += "\n";
  fwrite(ready.data(), 1, ready.size(), stderr);
  fflush(stderr);
  server.Run();
  return 0;
}
