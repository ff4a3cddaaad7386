// rlsq::Engine: the library entry point. Built from a policy; rewrite() and can() are thread-safe and lock-free;
// Reload() swaps the whole policy atomically.
//
//   auto engine = rlsq::Engine::FromPolicyFile("policy.json");
//   auto result = (*engine)->rewrite(sql, rlsq::Caller{"alice"}, {});
//
// Status codes: InvalidArgument = SQL that does not parse or is not one read-only query (CLI exit 2);
// NotFound = unknown user or role, or a user field / attribute a template needs is missing (exit 3); PermissionDenied = the caller lacks data access to some table (exit 3);
// FailedPrecondition = bad policy (exit 4).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/dialect/dialect.h"
#include "lib/json/json.h"
#include "lib/names/table_name.h"
#include "lib/parser/parser.h"
#include "lib/policy/policy.h"
#include "rewriter/plan.h"
#include "rewriter/plan_cache.h"
#include "rewriter/snapshot.h"

namespace rlsq {

// A caller authenticated elsewhere (a BI backend or proxy), given inline rather than as a user of the policy.
// Templates read its fields; its roles (names of the policy's roles) decide its filters and data access.
struct CallerIdentity {
  std::string username;
  std::optional<int64_t> id;
  std::optional<std::string> email;
  std::vector<std::string> roles;
  std::vector<std::pair<std::string, json::Value>> attributes;
};

struct Caller {
  std::string username;    // a user of the policy
  bool anonymous = false;  // no user: the policy's public role (AUTH_ROLE_PUBLIC)
  std::shared_ptr<const CallerIdentity> identity = nullptr;  // set: an inline caller (username and anonymous are ignored)
};

// Parses `{"username": .., "id": .., "email": .., "roles": [..], "attributes": {..}}`; every key optional, unknown
// keys are errors (InvalidArgument).
absl::StatusOr<CallerIdentity> ParseCallerJson(std::string_view json);

// A guest-token rule (Superset embedded dashboards): `clause` ANDed after the role filters on `dataset`, or on
// every table when `dataset` is empty. `dataset` is a table name, or a Superset dataset id (digits) that the
// policy's `datasets` key maps to a table of a database (a rule for another database's dataset is skipped). Clauses are validated like policy clauses and may hold templates.
struct GuestRule {
  std::string dataset;
  std::string clause;
};

// Parses `[{"dataset": "public.orders", "clause": ".."}, {"clause": ".."}]`; unknown keys are errors
// (InvalidArgument): a mistyped "dataset" would otherwise turn a scoped rule into a global one.
absl::StatusOr<std::vector<GuestRule>> ParseGuestRules(std::string_view json);

struct RewriteOptions {
  std::string database;              // the database the query runs against; empty: the policy's default_database
  // The query's dialect; it must be the policy's (its clauses are written in it). Null: the policy's.
  const Dialect* dialect = nullptr;
  bool explain = false;              // fill Rewrite::reads
  bool verify = false;               // re-parse the output and fail if it does not parse (tests turn this on)
  bool use_plan_cache = true;        // false: parse and analyse afresh (benchmarks of the uncached path)
  // true: only a query whose plan is cached is rewritten; any other fails with Unavailable before parsing. A
  // binding that holds a lock (Python's GIL) tries this first and releases the lock only for the slow path.
  bool plan_cache_only = false;
  std::vector<GuestRule> guest_rules;  // ANDed after the role filters of the tables they name
  // The connection's search path (normalized schema names), when it differs from the policy's (a proxy following
  // SET search_path); empty: the policy's `search_path`.
  std::vector<std::string> search_path;
  // The connection's search path is not known (Superset's SQL_QUERY_MUTATOR cannot see the schema a connection
  // sets): unqualified relation names in the query are refused (NameResolver::set_search_path_unknown).
  bool search_path_unknown = false;
  // Where predicates go (README "The error side channel"); unset: the policy's `placement` (default plain).
  std::optional<policy::PlacementMode> placement;
  // The connection's client_encoding, as PostgreSQL names it (lib/common/encoding.h): the text is lexed as the
  // server will read it, and encodings whose multibyte characters can hold ASCII bytes are refused.
  std::string client_encoding = "UTF8";
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
  bool system = false;  // an allowed system relation (metadata): no permission needed, never filtered
  rewriter::Placement placement = rewriter::Placement::kWhere;
  bool fenced = false;  // wrapped with OFFSET 0 (the fenced placement)
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

// A failed call's status, as bindings report it (the C API, the Python module).
struct ErrorInfo {
  enum class Kind {
    kQueryRefused,  // InvalidArgument: SQL rlsq cannot read exactly, or that is not one read-only query
    kAccessDenied,  // PermissionDenied: tables lacking access (`tables`), or a system relation that is not allowed
    kUnknownUser,   // NotFound: unknown user or role, or a user field a template needs
    kPolicyError,   // FailedPrecondition: a bad policy
    kInternal,      // anything else
  };
  Kind kind = Kind::kInternal;
  std::string message;
  uint32_t line = 0, column = 0;    // where in the SQL, when the message starts with "line:column: "; else 0
  // The SQLSTATE a server would report (the sidecar's and the proxy's errors): 42601 syntax_error for SQL rlsq
  // refuses, 0A000 feature_not_supported when the refusal is of a construct rlsq does not model, 42501
  // insufficient_privilege, 28000 invalid_authorization_specification (unknown user), F0000 config_file_error
  // (a bad policy), XX000 internal_error.
  std::string sqlstate;
  std::vector<std::string> tables;  // kAccessDenied: the tables lacking access ("schema.table")
};
ErrorInfo DescribeError(const absl::Status& status);

namespace sources {
class PolicyWatcher;
struct SourceOptions;
}  // namespace sources

// What a watching engine reports (Engine::Watch).
struct WatchStatus {
  bool watching = false;
  std::string source;  // "file policy.json", "superset metadata postgresql://u:***@/superset"
  uint64_t polls = 0, reloads = 0, failures = 0;
  std::string last_error;             // of the last failed poll or load ("" when none)
  std::vector<std::string> warnings;  // what the last load of a metadata database left out
};

class Engine {
 public:
  // `dialect`: the caller's; null for the policy's own `dialect` (PostgreSQL when it states none). A requested
  // dialect the policy contradicts is an error (policy::ChoosePolicyDialect).
  static absl::StatusOr<std::unique_ptr<Engine>> FromPolicyJson(std::string_view json, const Dialect* dialect = nullptr);
  static absl::StatusOr<std::unique_ptr<Engine>> FromPolicyJson(std::string_view json, const Dialect& dialect) {
    return FromPolicyJson(json, &dialect);
  }
  static absl::StatusOr<std::unique_ptr<Engine>> FromPolicyFile(const std::string& path,
                                                                const Dialect* dialect = nullptr);
  static absl::StatusOr<std::unique_ptr<Engine>> FromPolicyFile(const std::string& path, const Dialect& dialect) {
    return FromPolicyFile(path, &dialect);
  }
  // A policy file or Superset's metadata database (lib/sources/policy_source.h), loaded once; Watch() follows it.
  static absl::StatusOr<std::unique_ptr<Engine>> FromSource(const sources::SourceOptions& source,
                                                            const Dialect* dialect = nullptr);
  static absl::StatusOr<std::unique_ptr<Engine>> FromSource(const sources::SourceOptions& source,
                                                            const Dialect& dialect) {
    return FromSource(source, &dialect);
  }
  // `limits`: the parser's resource limits (input bytes, tokens, nesting depth) for every query of this engine.
  explicit Engine(std::shared_ptr<const policy::Policy> policy, size_t plan_cache_capacity = 4096,
                  ParseOptions limits = {});
  ~Engine();

  // Parses, checks the caller's data access to every table read (fails with the full list of tables lacking
  // access, rewriting nothing), injects the caller's filters and prints.
  absl::StatusOr<Rewrite> rewrite(std::string_view sql, const Caller& caller, const RewriteOptions& options = {}) const;

  // Generic Flask-AppBuilder check: does the caller hold `permission` on `resource` (e.g. "can_read", "Dashboard";
  // "datasource_access", "[tpch].[public].[orders]")? NotFound for an unknown user.
  absl::StatusOr<bool> can(const Caller& caller, std::string_view permission, std::string_view resource) const;

  // A key for caches of query results (Superset's chart cache): equal for two callers only when every filter
  // they get is the same, whatever the query (the policy's digest, the dialect, database, search path and
  // placement, the caller's role set, the caller's fields when the policy has templated clauses, and the guest
  // rules), and stable across processes (SHA-256, hex). NotFound for an unknown user.
  absl::StatusOr<std::string> cache_key(const Caller& caller, const RewriteOptions& options = {}) const;

  // Replaces the policy. Readers in flight finish with the old one; the old one is freed when the last leaves.
  void Reload(std::shared_ptr<const policy::Policy> policy);
  absl::Status ReloadFromFile(const std::string& path);
  // A reload reads the new document as the first load did: in the dialect the caller asked for at construction
  // (a document that contradicts it fails to load), or, when none was asked for, in the document's own.
  absl::Status ReloadFromJson(std::string_view json);

  // Follows the source the engine was built from (FromSource, FromPolicyFile): a thread polls its fingerprint every
  // `interval` (on PostgreSQL it also wakes on NOTIFY, scripts/superset-notify-trigger.sql) and swaps each new
  // policy in; one that fails to load leaves the current one in force and is counted in watch_status().
  // FailedPrecondition for an engine built from text or already watching. The watcher stops with the engine.
  absl::Status Watch(std::chrono::milliseconds interval);
  WatchStatus watch_status() const;

  // The current policy (kept alive by the returned pointer).
  std::shared_ptr<const policy::Policy> policy() const;
  uint64_t reloads() const { return snapshots_.generation(); }
  // Plan-cache hits and misses of the current snapshot. Hits count both levels: the text, and the text's shape (a
  // query that differs from a cached one only in its constants, whitespace and comments); shape hits also alone.
  // A miss is a parse.
  uint64_t plan_cache_hits() const;
  uint64_t plan_cache_misses() const;
  uint64_t plan_cache_shape_hits() const;

  struct Snapshot;

 private:
  // The sum of one counter over the current snapshot's plan caches.
  uint64_t SumPlanCaches(uint64_t (rewriter::PlanCache::*count)() const) const;
  size_t plan_cache_capacity_;
  ParseOptions limits_;
  rewriter::SnapshotHolder<Snapshot> snapshots_;
  std::unique_ptr<sources::SourceOptions> source_;   // what the engine was loaded from, when Watch can follow it
  std::string source_fingerprint_;                     // taken before that load
  std::vector<std::string> source_warnings_;
  // The dialect the caller asked for at construction (null: the document's own); every reload asks for it again.
  const Dialect* requested_dialect_ = nullptr;
  mutable std::mutex watch_mu_;
  std::unique_ptr<sources::PolicyWatcher> watcher_;  // last: stops before the rest of the engine goes
};

}  // namespace rlsq
