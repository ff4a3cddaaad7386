// What every rlsq-proxy session shares: the configuration, the engine (its policy reloads in place), the user
// store, the cancel-key registry and counters. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "proxy/config.h"
#include "proxy/users.h"
#include "rewriter/engine.h"

namespace rlsq_proxy {

// The proxy's BackendKeyData for each client, mapped to its server connection's key.
class CancelRegistry {
 public:
  struct ServerKey {
    int32_t pid = 0;
    int32_t secret = 0;
  };
  // A fresh random (pid, secret) for a client, unique among the live ones.
  std::pair<int32_t, int32_t> Register(ServerKey server);
  void Unregister(int32_t pid);
  // The server key for a client's cancel request; nullopt when the pid is unknown or the secret wrong.
  std::optional<ServerKey> Find(int32_t pid, int32_t secret) const;

 private:
  struct Entry {
    int32_t secret;
    ServerKey server;
  };
  mutable std::mutex mu_;
  absl::flat_hash_map<int32_t, Entry> entries_;
};

struct Counters {
  std::atomic<uint64_t> connections{0}, active{0}, auth_failures{0};
  std::atomic<uint64_t> statements{0}, rewritten{0}, refused{0}, cancels{0};
};

class ProxyContext {
 public:
  ProxyContext(Config config, Upstream upstream, std::unique_ptr<rlsq::Engine> engine,
               std::shared_ptr<const UserStore> users);

  const Config& config() const { return config_; }
  const Upstream& upstream() const { return upstream_; }
  const rlsq::Engine& engine() const { return *engine_; }
  rlsq::Engine& mutable_engine() { return *engine_; }
  std::shared_ptr<const UserStore> users() const;
  void set_users(std::shared_ptr<const UserStore> users);
  CancelRegistry& cancels() { return cancels_; }
  Counters& counters() { return counters_; }
  // The name in the statement the proxy sends the server in place of a refused one (session.cc): random per process,
  // so that no client text can produce an error that passes for the proxy's own.
  const std::string& refusal_marker() const { return refusal_marker_; }
  // The secret the mock SCRAM salts of unknown users are derived from.
  const std::string& mock_secret() const { return mock_secret_; }

 private:
  Config config_;
  Upstream upstream_;
  std::unique_ptr<rlsq::Engine> engine_;
  mutable std::mutex users_mu_;
  std::shared_ptr<const UserStore> users_;
  CancelRegistry cancels_;
  Counters counters_;
  std::string refusal_marker_;
  std::string mock_secret_;
};

// `n` random bytes from OpenSSL's generator.
std::string RandomBytes(size_t n);

}  // namespace rlsq_proxy
