// libFuzzer target: the policy loader (JSON parsing, validation, filter clause parsing, predicate building).
// Any document must load or be refused with FailedPrecondition/InvalidArgument; a loaded policy must then be usable:
// every user's rewrite of a small query succeeds (or is refused cleanly) and satisfies CheckRewriteProperty.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fuzz/rewrite_property.h"
#include "rewriter/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto policy = rlsq::policy::Policy::FromJson(json, rlsq::Dialect::Postgres());
  if (!policy.ok()) {
    auto code = policy.status().code();
    if (code != absl::StatusCode::kFailedPrecondition && code != absl::StatusCode::kInvalidArgument) {
      std::fprintf(stderr, "policy: %s\n", policy.status().ToString().c_str());
      std::abort();
    }
    return 0;
  }
  rlsq::Engine engine(*policy, 16);
  static constexpr std::string_view kQuery =
      "SELECT o.o_orderkey, n_name FROM orders o LEFT JOIN customer c ON c.c_custkey = o.o_custkey "
      "JOIN nation ON n_nationkey = c.c_nationkey WHERE EXISTS (SELECT 1 FROM lineitem l WHERE l.l_orderkey = o.o_orderkey)";
  const auto& users = (*policy)->users();
  for (size_t i = 0; i < users.size() && i < 8; ++i) {
    auto r = engine.rewrite(kQuery, rlsq::Caller{users[i].username});
    if (!r.ok()) {
      auto code = r.status().code();
      if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kPermissionDenied &&
          code != absl::StatusCode::kNotFound) {
        std::fprintf(stderr, "rewrite: %s\n", r.status().ToString().c_str());
        std::abort();
      }
      continue;
    }
    absl::Status p = rlsq::fuzz::CheckRewriteProperty(kQuery, r->sql, **policy, static_cast<int>(i));
    if (!p.ok()) {
      std::fprintf(stderr, "PROPERTY VIOLATED for %s: %s\noutput:\n%s\n", users[i].username.c_str(),
                   p.ToString().c_str(), r->sql.c_str());
      std::abort();
    }
  }
  return 0;
}
