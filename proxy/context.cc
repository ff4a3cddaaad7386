#include "proxy/context.h"

#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

namespace rlsq_proxy {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");  // no entropy: nothing safe to do but stop
  return out;
}

namespace {
std::string Hex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}
}  // namespace

std::pair<int32_t, int32_t> CancelRegistry::Register(ServerKey server) {
  std::lock_guard<std::mutex> lock(mu_);
  for (;;) {
    std::string r = RandomBytes(8);
    int32_t pid, secret;
    memcpy(&pid, r.data(), 4);
    memcpy(&secret, r.data() + 4, 4);
    pid &= 0x7fffffff;  // drivers print it as a process id
    if (pid == 0 || entries_.contains(pid)) continue;
    entries_.emplace(pid, Entry{secret, server});
    return {pid, secret};
  }
}

void CancelRegistry::Unregister(int32_t pid) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(pid);
}

std::optional<CancelRegistry::ServerKey> CancelRegistry::Find(int32_t pid, int32_t secret) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(pid);
  if (it == entries_.end()) return std::nullopt;
  // Constant time in the secret: a cancel key is a credential.
  if (!auth::ConstantTimeEquals(std::string_view(reinterpret_cast<const char*>(&it->second.secret), 4),
                                std::string_view(reinterpret_cast<const char*>(&secret), 4)))
    return std::nullopt;
  return it->second.server;
}

ProxyContext::ProxyContext(Config config, Upstream upstream, std::unique_ptr<rlsq::Engine> engine,
                           std::shared_ptr<const UserStore> users)
    : config_(std::move(config)),
      upstream_(std::move(upstream)),
      engine_(std::move(engine)),
      users_(std::move(users)),
      refusal_marker_("rlsq_refused_" + Hex(RandomBytes(8))),
      mock_secret_(RandomBytes(32)) {}

std::shared_ptr<const UserStore> ProxyContext::users() const {
  std::lock_guard<std::mutex> lock(users_mu_);
  return users_;
}

void ProxyContext::set_users(std::shared_ptr<const UserStore> users) {
  std::lock_guard<std::mutex> lock(users_mu_);
  users_ = std::move(users);
}

}  // namespace rlsq_proxy
