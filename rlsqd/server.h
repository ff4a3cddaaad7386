// rlsqd's HTTP/1.1 server on Boost.Beast/Asio: keep-alive sessions (one strand each) on a pool of threads, TCP
// (loopback by default, TCP_NODELAY) and/or a unix socket, the limits and timeouts of Config, SIGHUP (reload) and
// SIGTERM/SIGINT (graceful shutdown: stop accepting, close idle connections, let requests in flight finish).
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "rlsqd/config.h"
#include "rlsqd/service.h"

namespace rlsqd {

class Server {
 public:
  Server(Service& service, const Config& config);
  ~Server();
  // Binds the listening sockets; logs "listening on http://HOST:PORT" (the port the system chose for port 0) and
  // "listening on unix:PATH".
  absl::Status Listen();
  // Serves until SIGTERM/SIGINT (or Stop()), then drains; returns when every connection is closed or the shutdown
  // timeout passed.
  void Run();
  void Stop();  // thread-safe: begins the graceful shutdown

  struct Impl;  // server.cc: the io_context, acceptors and sessions

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rlsqd
