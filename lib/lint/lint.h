// The policy linter (`rlsq lint`): mistakes a policy loads fine with but that make it enforce something else than
// its author meant. Every finding has a stable code (README "Linting a policy: rlsq lint"):
//
//   error    unsatisfiable_predicate       two or more filters that apply together to some user (on one table)
//                                          can never all be TRUE: those users see no rows of that table
//   warning  unsatisfiable_filter          one filter's own clause can never be TRUE (and reads columns)
//   info     deny_all_filter               one filter's clause is constant FALSE (`1 = 0`, Superset's documented
//                                          deny-by-default idiom): intentional, shown for the record
//   warning  filter_applies_to_no_user     a Regular filter none of whose roles any user holds
//   warning  filter_applies_to_no_reader   the users a filter applies to can read none of its tables
//   warning  base_filter_exempts_everyone  every user holds one of a Base filter's roles
//   warning  unreadable_table              none of the roles users hold can read a filtered table
//   warning  group_key_lookalike           group keys on one table that differ only in case or spaces (Superset
//                                          ORs identical keys only, so these are ANDed)
//   error    unknown_column                a clause reads a column its table does not have (needs a schema)
//   warning  table_not_in_schema           a filtered table the schema does not define (needs a schema)
//   error    missing_template_value        a template needs a user field or attribute (without a default) that a
//                                          user the filter applies to lacks: that user's requests fail
//   error    invalid_template_value        a user's attribute cannot stand where the template puts it (a list
//                                          outside an IN list, an object): that user's requests fail
//   info     no_users                      the policy lists no users: the checks about who holds which roles
//                                          were skipped
//
// "Users" are the policy's users, and the anonymous caller (the public role), shown as "(anonymous)", when the
// public role can read some filtered table. Every check works per distinct role set that some user holds and per
// table, never per pair of everything, so a policy of 10k roles, 100k filters and 10k tables lints in seconds
// (bench/lint).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "lib/names/table_name.h"
#include "lib/policy/policy.h"

namespace rlsq::lint {

enum class Severity : uint8_t { kError, kWarning, kInfo };
const char* ToString(Severity s);  // "error", "warning", "info"

struct Finding {
  Severity severity = Severity::kWarning;
  std::string code;
  std::string message;
  std::string table;                 // schema.name as SQL; empty when the finding is not about one table
  std::vector<std::string> filters;  // filter names
  std::vector<std::string> roles;    // role names
  std::vector<std::string> users;    // the first LintOptions::max_users affected users, in policy order
  size_t user_count = 0;             // all affected users
};

// The relations of the database and their columns, by TableName::Key().
struct Schema {
  struct Relation {
    TableName name;
    bool columns_known = true;  // false for views
    absl::flat_hash_set<std::string> columns;
  };
  absl::flat_hash_map<std::string, Relation> relations;
};

// Reads a DDL file (lib/lint/ddl.h) and resolves its relation names on the policy's search path, as filter tables
// are. InvalidArgument "line:column: message".
absl::StatusOr<Schema> SchemaFromDdl(std::string_view ddl, const policy::Policy& policy);

struct LintOptions {
  const Schema* schema = nullptr;  // the column checks need one
  size_t max_users = 20;           // users listed per finding (user_count has them all)
  size_t solver_budget = 20000;    // search steps per satisfiability question; past it the question is dropped
};

// The findings, errors first, then warnings, then infos; within a severity in a deterministic order.
std::vector<Finding> Lint(const policy::Policy& policy, const LintOptions& options = {});

size_t CountFindings(const std::vector<Finding>& findings, Severity severity);

// One paragraph per finding, then a summary line.
std::string FormatText(const std::vector<Finding>& findings);
// {"findings": [{"severity": .., "code": .., "message": .., "table": .., "filters": [..], "roles": [..],
//   "users": [..], "user_count": N}], "errors": N, "warnings": M, "infos": K}
std::string FormatJson(const std::vector<Finding>& findings);

}  // namespace rlsq::lint
