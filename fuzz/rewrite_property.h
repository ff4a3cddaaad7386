// The security property of a successful rewrite, checked structurally on the ASTs (used by the rewrite fuzz target
// and by tests/adversarial):
//   1. the output parses as one read-only query;
//   2. the output reads the same base tables as the input (multiset of resolved names from AnalyzeScopes; the
//      injected predicates must not add or drop reads);
//   3. every read of a table that has a predicate for the caller carries that predicate: each AND-conjunct of the
//      predicate (qualified with the name the read is visible under) is an AND-conjunct of the WHERE of the SELECT
//      whose FROM holds the read, or of the ON of an enclosing join on whose filtered side the read sits (the inner
//      side of a LEFT/RIGHT join, either side of an inner join). A wrapper (SELECT * FROM t WHERE ...) AS a is the
//      first case.
// Returns OK, or an Internal status describing the violation.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "lib/policy/policy.h"

namespace rlsq::fuzz {

// Engine::policy() as a reference, whether it returns one or a shared_ptr.
template <class P>
const policy::Policy& AsPolicy(const P& p) {
  if constexpr (requires { *p; }) {
    return *p;
  } else {
    return p;
  }
}

absl::Status CheckRewriteProperty(std::string_view input_sql, std::string_view output_sql,
                                  const policy::Policy& policy, int user_index);

}  // namespace rlsq::fuzz
