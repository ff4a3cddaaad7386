// rlsq-proxy's I/O layer (Boost.Asio): the TCP and unix-socket listeners, one Connection per client with its
// upstream connection (session mode), each on its own strand, and the signals (SIGHUP reloads the policy and the
// user store; SIGINT/SIGTERM stop). The protocol is in proxy/session.h; this file only moves bytes.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "proxy/context.h"

namespace rlsq_proxy {

class ProxyServer {
 public:
  explicit ProxyServer(ProxyContext& context);
  ~ProxyServer();

  // Opens the listeners (--listen, --socket-dir). Errors name the address.
  absl::Status Listen();
  // Serves on config().threads threads until Stop() or SIGINT/SIGTERM.
  void Run();
  void Stop();
  // Reloads the policy file and the user store (what SIGHUP does). A file that fails to load leaves the one in
  // force and is logged.
  absl::Status Reload();
  // The TCP port listened on (--listen with port 0 picks one).
  int tcp_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rlsq_proxy
