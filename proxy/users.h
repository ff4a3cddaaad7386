// The proxy's own user store (--users): one user per line, in PgBouncer's userlist.txt form,
//   "alice" "SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>"
// with the verifier as PostgreSQL stores it in pg_authid.rolpassword (never a password). Inside quotes, "" is a
// quote. Blank lines and lines starting with ';' or '#' are ignored.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "proxy/scram.h"

namespace rlsq_proxy {

struct UserStore {
  absl::flat_hash_map<std::string, auth::ScramVerifier> verifiers;
  const auth::ScramVerifier* Find(std::string_view user) const {
    auto it = verifiers.find(absl::string_view(user.data(), user.size()));
    return it == verifiers.end() ? nullptr : &it->second;
  }
};

// InvalidArgument "path:line:column: ..." for a malformed line, a verifier that is not SCRAM-SHA-256, or a user
// listed twice.
absl::StatusOr<std::shared_ptr<const UserStore>> ParseUsers(std::string_view text, std::string_view path);
absl::StatusOr<std::shared_ptr<const UserStore>> LoadUsers(const std::string& path);

}  // namespace rlsq_proxy
