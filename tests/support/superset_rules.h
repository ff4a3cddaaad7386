// Superset's row-level-security rules, computed independently of rlsq: the oracle side of the differential tests
// (the filtered views they compare rlsq's rewrites with), and the random Superset-style policies they draw.
#pragma once

#include <functional>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace rlsq::testing {

struct RlsFilter {
  std::string table;
  bool base = false;  // Base: applies to users in none of `roles`; Regular: to users in any
  std::set<std::string> roles;
  std::string group;  // group_key; empty: none
  std::string clause;
};

// The predicate Superset's rules give `table` for a user with `user_roles` (empty: none): Regular filters of the
// user's roles, Base filters of none of them; filters sharing a group key ORed, the groups and ungrouped filters
// ANDed, each clause in parentheses.
std::string SupersetPredicate(const std::vector<RlsFilter>& filters, const std::set<std::string>& user_roles,
                              const std::string& table);

struct TableClauses {
  std::string table;
  std::vector<std::string> clauses;
};

// A random policy's user and filters over roles R1..R4: the user `probe` has role Reader (which the caller's document
// defines, with the data grants) and each of R1..R4 with probability 1/2; each table carries no filter with
// probability 0.3, else 1 to 3 filters (Base with probability 0.3, each role with 0.4, a group key g1 or g2 with 1/2,
// a clause of the table's). `spell(table, form)` writes the table's name in the filter, `form` drawn from [0, forms).
struct RandomRls {
  std::set<std::string> user_roles;
  std::vector<RlsFilter> filters;
  std::string json;  // `"users": [...], "rls_filters": [...]`, to close a policy document with
};
RandomRls DrawRandomRls(std::mt19937& rng, const std::vector<TableClauses>& tables, int forms,
                        const std::function<std::string(const std::string& table, int form)>& spell);

// A result's rows for a failure message, sorted (as the multiset comparisons see them), one per line with `|`
// between values and <NULL> for NULL; past `max_rows`, their count.
std::string ShowSortedRows(std::vector<std::vector<std::optional<std::string>>> rows, size_t max_rows = 15);

}  // namespace rlsq::testing
