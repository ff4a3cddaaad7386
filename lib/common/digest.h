// A stable digest (SHA-256, lower-case hex) for keys that must agree across processes and builds: a policy's
// fingerprint, a caller's cache key. absl::Hash is seeded per process and must not be used for these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rlsq {

// SHA-256 of `parts`, each preceded by its length (so ["ab", "c"] and ["a", "bc"] differ), as 64 hex digits.
std::string Sha256Hex(const std::vector<std::string_view>& parts);

}  // namespace rlsq
