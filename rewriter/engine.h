// rlsq::Engine: the library entry point. Built from a policy; rewrite() is thread-safe.
//
//   auto engine = rlsq::Engine::FromPolicyFile("policy.json");
//   auto result = (*engine)->rewrite(sql, {.username = "alice"}, {});
//
// Status codes: InvalidArgument = SQL that does not parse or is not one read-only query (CLI exit 2);
// NotFound = unknown user (exit 3); FailedPrecondition = bad policy (exit 4).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/dialect/dialect.h"
#include "lib/names/table_name.h"
#include "lib/policy/policy.h"
#include "rewriter/plan.h"
#include "rewriter/plan_cache.h"

namespace rlsq {

struct Caller {
  std::string username;
};

struct RewriteOptions {
  std::string database;              // the database the query runs against (used by permission checks)
  const Dialect* dialect = nullptr;  // null: the policy's dialect
  bool explain = false;              // fill Rewrite::reads
  bool verify = false;               // re-parse the output and fail if it does not parse (tests turn this on)
  bool use_plan_cache = true;        // false: parse and analyse afresh (benchmarks of the uncached path)
};

struct AppliedFilter {
  std::string name;
  std::string group_key;
};

// One table reference found in the query, for --explain.
struct TableReadReport {
  ast::Span span;
  TableName table;
  std::string table_sql;
  std::string alias;
  rewriter::Placement placement = rewriter::Placement::kWhere;
  int query_block = -1;
  ast::Span target_span;  // the condition (WHERE/ON) or the replaced text (wrap, TABLE)
  std::vector<AppliedFilter> filters;  // empty: nothing injected for this read
};

struct Rewrite {
  std::string sql;
  bool changed = false;
  std::vector<TableReadReport> reads;  // filled when RewriteOptions::explain
  std::string ExplainJson() const;
};

class Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> FromPolicyJson(std::string_view json,
                                                                const Dialect& dialect = Dialect::Postgres());
  static absl::StatusOr<std::unique_ptr<Engine>> FromPolicyFile(const std::string& path,
                                                                const Dialect& dialect = Dialect::Postgres());
  explicit Engine(std::shared_ptr<const policy::Policy> policy, size_t plan_cache_capacity = 4096);

  absl::StatusOr<Rewrite> rewrite(std::string_view sql, const Caller& caller, const RewriteOptions& options = {}) const;

  const policy::Policy& policy() const { return *policy_; }
  const rewriter::PlanCache& plan_cache() const { return cache_; }

 private:
  absl::StatusOr<std::shared_ptr<const rewriter::Plan>> PlanFor(std::string_view sql, const Dialect& dialect,
                                                               bool use_cache) const;

  std::shared_ptr<const policy::Policy> policy_;
  mutable rewriter::PlanCache cache_;
};

}  // namespace rlsq
