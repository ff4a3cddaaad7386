// The policy model: roles (Flask-AppBuilder permissions, lib/access), users, and Superset-style RLS filters, loaded
// from a JSON file. Loading validates everything (unknown roles, malformed permissions, bad table names, clauses that
// are not exactly one boolean expression, denied functions), interns names to ids (roles, role sets, filtered
// tables) and indexes filters by table. A loaded Policy is immutable apart from its internal lock-free caches, so
// any number of threads may share it (the engine swaps whole policies on reload).
//
// Superset semantics (../shared/seeds/superset-security.md):
//   - a Regular filter applies to users who hold any of its roles;
//   - a Base filter applies to every user except those who hold one of its roles;
//   - applicable filters that share a non-empty group_key are ORed; groups and ungrouped filters are ANDed;
//   - each clause is parenthesised.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "lib/access/permission_model.h"
#include "lib/ast/ast.h"
#include "lib/common/arena.h"
#include "lib/dialect/dialect.h"
#include "lib/json/json.h"
#include "lib/names/resolver.h"
#include "lib/names/table_name.h"
#include "lib/policy/predicate_cache.h"
#include "lib/policy/template.h"

namespace rlsq::policy {

enum class FilterType : uint8_t { kRegular, kBase };

// Where a filtered table's predicate goes (README "The error side channel"):
//   kPlain:  (the default) the predicate is ANDed into the WHERE or ON that sees the table (wrapped only where that
//            is not exact); PostgreSQL may evaluate the query's own conditions on hidden rows first, so a condition
//            that raises an error can reveal that a hidden row exists;
//   kFenced: every filtered read becomes (SELECT * FROM t WHERE predicate OFFSET 0) AS alias; PostgreSQL does not
//            push the query's own conditions below OFFSET, so they never run on rows the predicate hides. It also
//            keeps join and correlation conditions out of the table's scan (fence_bench measures the cost).
enum class PlacementMode : uint8_t { kFenced, kPlain };
const char* ToString(PlacementMode m);
absl::StatusOr<PlacementMode> ParsePlacementMode(std::string_view text);  // "fenced" | "plain"

// A table read inside a clause's subqueries, bound where the clause is written (at load): resolved on the policy's
// search path and printed schema-qualified, so no CTE, alias or table of the user's query can capture it. At each
// request it receives the caller's own predicate for that table, as PostgreSQL applies policies to the tables its
// policy expressions read.
struct NestedRead {
  TableName table;
  std::string key;        // TableName::Key()
  std::string table_sql;  // [ONLY ]schema.name[ *], quoted
  std::string alias_sql;  // " AS alias" (with its column list), or " AS name" when the reference had no alias
  std::string qualifier;  // the bare table name, quoted: its predicate's columns inside the wrapper
  bool system = false;    // an allowed system relation: no permission needed, never filtered
};

struct Predicate;

// The predicate of a table read inside a clause, for the caller of one request (its role filters and guest
// rules), or null when none applies.
class NestedPredicates {
 public:
  virtual ~NestedPredicates() = default;
  virtual const Predicate* For(const NestedRead& read) const = 0;
};

struct Bindings;

// What rendering a predicate needs besides the qualifier: the request's template values and, for clauses with
// subqueries, the caller's predicates of the tables they read.
struct RenderContext {
  const Bindings* bindings = nullptr;
  const NestedPredicates* nested = nullptr;
  int depth = 0;  // nesting of clauses inside clauses (bounded: kMaxClauseDepth)
};
inline constexpr int kMaxClauseDepth = 16;

// A clause printed from its AST, with a slot before every column reference that must be qualified by the alias of
// the table being filtered, a slot for every template value (lib/policy/template.h) and a slot for every table its
// subqueries read: text[0] SLOT text[1] SLOT ... text[n]; slots[i] is -1 for a qualifier, >= 0 for the index of a
// value, <= -2 for nested read -2 - slots[i].
struct ClauseTemplate {
  std::vector<std::string> text;
  std::vector<int32_t> slots;
  std::vector<TemplateValue> values;
  std::vector<NestedRead> nested;
  bool has_values() const { return !values.empty(); }
  // `bound` holds the rendered text of each value (required when has_values()); `ctx.nested` is required when
  // `nested` is not empty.
  [[nodiscard]] absl::Status Render(std::string_view qualifier, std::string* out, const std::string* bound,
                                    const RenderContext& ctx) const;
};

struct RlsFilter;

// The values of the templated filters of one request, rendered and validated before anything is spliced.
struct Bindings {
  std::vector<std::pair<const RlsFilter*, std::vector<std::string>>> filters;
  const std::string* For(const RlsFilter* f) const {
    for (const auto& [filter, values] : filters)
      if (filter == f) return values.data();
    return nullptr;
  }
  // Renders the values of every filter of `p` that has some and is not bound yet, for `user`, and of the
  // predicates `nested` gives for the tables their clauses read, recursively. Errors (nothing of that filter is
  // bound) are RenderValue's, prefixed with `filter "name": `.
  absl::Status Bind(const Predicate& p, const UserContext& user, const Dialect& dialect,
                    const NestedPredicates* nested = nullptr, int depth = 0);
};

struct RlsFilter {
  std::string name;
  FilterType type = FilterType::kRegular;
  std::vector<TableName> tables;
  std::vector<uint32_t> roles;  // role ids (access::PermissionModel), sorted
  std::string group_key;
  std::string clause_text;  // as written in the policy (never injected)
  std::string description;
  const ast::Expr* clause = nullptr;  // parsed, in the policy's arena
  ClauseTemplate printed;              // what is injected
};

struct User {
  std::string username;
  int64_t id = 0;
  bool has_id = false;
  std::string email;
  std::vector<uint32_t> roles;  // role ids (access::PermissionModel), sorted, unique
  uint32_t role_set = 0;        // interned role set
  std::vector<std::pair<std::string, json::Value>> attributes;
};

// What one user must see of one table: terms ANDed; each term is one filter or a group of filters ORed.
struct Predicate {
  struct Term {
    std::string group_key;  // empty for an ungrouped filter
    std::vector<const RlsFilter*> filters;
  };
  std::vector<Term> terms;
  bool empty() const { return terms.empty(); }
  // Appends the predicate text: (c1) AND ((c2) OR (c3)) ..., columns qualified with `qualifier` (already quoted);
  // template values from `ctx.bindings`, tables read by clause subqueries filtered by `ctx.nested`.
  // FailedPrecondition (and `out` is not usable) when a filter has values that the bindings do not hold, or
  // clauses nest deeper than kMaxClauseDepth.
  [[nodiscard]] absl::Status Render(std::string_view qualifier, std::string* out, const RenderContext& ctx = {}) const;
  bool has_values() const;
  // Some clause reads a table in a subquery: the read must be wrapped (its subquery must not see the query's other
  // tables) and the tables it reads need the caller's access and predicates.
  bool has_nested() const;
};

// A policy file's name says YAML (.yaml, .yml).
bool IsYamlPath(std::string_view path);
// The whole file. FailedPrecondition "bad policy: cannot read PATH".
absl::StatusOr<std::string> ReadPolicyFile(const std::string& path);

// A Superset dataset id written as digits ("12"), or -1 for any other text (a table name, a sign, a fraction, more
// than 18 digits).
int64_t ParseDatasetId(std::string_view text);

// A table named in a policy (a filter's or a guest rule's), resolved on `resolver`'s search path; a system
// relation is refused (filters apply to datasets).
absl::StatusOr<TableName> ResolvePolicyTable(const NameResolver& resolver, std::string_view text);

// The column references of a clause that belong to the filtered table: unqualified, not `*`, outside subqueries
// (the left side of `x IN (SELECT ...)` included). These are the ones the printed clause qualifies with the table's
// alias; the linter checks them against the table's columns.
void ForEachTableColumn(const ast::Expr& clause, const std::function<void(const ast::ColumnRef&)>& f);

// The dialect a policy document is read in: its `dialect` configured by its `dialect_options`, or, when it states
// none, `requested` (PostgreSQL when that is null too). A caller that requests a dialect gets it only if the
// document agrees: another dialect, or other settings than the document's, is an error. A side that states no
// settings takes the other's (a document without `dialect_options`, a caller naming the dialect without
// settings). `dialect_options` without `dialect` is an error.
absl::StatusOr<const Dialect*> ChoosePolicyDialect(const json::Value& doc, const Dialect* requested);

class Policy {
 public:
  // Parses and validates a policy document. Errors are FailedPrecondition statuses naming the offending entry.
  // `requested` is the caller's dialect, or null for the document's own (ChoosePolicyDialect).
  static absl::StatusOr<std::shared_ptr<const Policy>> FromJson(std::string_view text,
                                                                 const Dialect* requested = nullptr);
  static absl::StatusOr<std::shared_ptr<const Policy>> FromJson(std::string_view text, const Dialect& requested) {
    return FromJson(text, &requested);
  }
  // The same document in YAML (lib/json/yaml.h): the same keys, the same strictness, line:column errors.
  static absl::StatusOr<std::shared_ptr<const Policy>> FromYaml(std::string_view text,
                                                                 const Dialect* requested = nullptr);
  static absl::StatusOr<std::shared_ptr<const Policy>> FromYaml(std::string_view text, const Dialect& requested) {
    return FromYaml(text, &requested);
  }
  // A file: YAML when its name ends in .yaml or .yml, JSON otherwise.
  static absl::StatusOr<std::shared_ptr<const Policy>> FromFile(const std::string& path,
                                                                 const Dialect* requested = nullptr);
  static absl::StatusOr<std::shared_ptr<const Policy>> FromFile(const std::string& path, const Dialect& requested) {
    return FromFile(path, &requested);
  }
  // A document built by a policy source (lib/sources: Superset's metadata database), with the digest of what it
  // was read from.
  static absl::StatusOr<std::shared_ptr<const Policy>> FromDocument(const json::Value& doc, std::string digest,
                                                                     const Dialect* requested);
  static absl::StatusOr<std::shared_ptr<const Policy>> FromDocument(const json::Value& doc, std::string digest,
                                                                     const Dialect& requested) {
    return FromDocument(doc, std::move(digest), &requested);
  }

  // The first schema of the search path: where names written in the policy without a schema are resolved first.
  const std::string& default_schema() const { return model_.search_path.front(); }
  // The search path, the relations known to exist and the grants beyond the dialect's allow-lists.
  const DatabaseModel& database_model() const { return model_; }
  PlacementMode placement() const { return placement_; }
  const std::string& default_database() const { return default_database_; }
  const Dialect& dialect() const { return *dialect_; }
  const access::PermissionModel& permissions() const { return *permissions_; }
  const std::vector<User>& users() const { return users_; }
  const std::vector<RlsFilter>& filters() const { return filters_; }

  // SHA-256 (hex) of the policy document as loaded: equal texts, equal digests, in every process.
  const std::string& digest() const { return digest_; }
  // Some filter's clause has templates (user fields, attributes): its predicate depends on more than the role set.
  bool has_templates() const { return has_templates_; }

  // Datasets: Superset's dataset ids (the `datasets` key: `{"id": 12, "database": "tpch", "schema": "public",
  // "table": "orders"}` with the names as Superset stores them, or `"table": "public.orders"` as an SQL name),
  // which permissions ([tpch].[orders](id:12)), filters and guest-token rules name. Null for an undeclared id.
  struct Dataset {
    int64_t id = 0;
    std::string database;  // the policy's default_database when not given
    TableName table;       // resolved on the policy's search path
    std::string perm;            // Superset's view menu of the dataset: [database].[table](id:N)
    std::string qualified_perm;  // the same with the schema, as the permission model interns it
  };
  const Dataset* FindDataset(int64_t id) const;

  // Users.
  const User* FindUser(std::string_view username) const;
  int UserIndex(std::string_view username) const;  // -1 when unknown

  // Role sets: every distinct set of roles a caller can hold, interned at load (the users' sets and the public role's).
  uint32_t public_role_set() const { return public_role_set_; }
  const std::vector<uint32_t>& role_set(uint32_t id) const { return role_sets_[id].roles; }
  const access::PermissionSet& permission_set(uint32_t role_set) const { return *role_sets_[role_set].permissions; }

  // Tables that some filter names, interned: -1 when no filter names `table_key` (TableName::Key()). A filter whose
  // table names its database (`staging.public.orders`) applies only to queries against that database; one without
  // a database applies to every database.
  int32_t TableId(std::string_view table_key) const;  // the filters that name no database
  // The filters of `table_key` for a query against `database`: those naming that database and those naming none.
  int32_t TableId(std::string_view database, std::string_view table_key) const;
  size_t filtered_table_count() const { return filters_by_table_.size(); }
  // The filters of a table id (indexes into filters(), in order; with a database's own filters and those naming no
  // database merged), for tools that walk every filtered table (the linter).
  const std::vector<uint32_t>& table_filters(int32_t table_id) const { return filters_by_table_[table_id]; }

  // The predicate of role set `role_set` on table `table_id`, or null when no filter applies. Cached per
  // (role set, table) without locks; no allocation on a hit. When the cache is full the predicate is computed per
  // request into a new entry of `*overflow`, which the caller keeps for as long as it uses the result.
  const Predicate* PredicateFor(uint32_t role_set, int32_t table_id,
                                std::vector<std::unique_ptr<Predicate>>* overflow) const;
  // Convenience for tests and tools: by user index and table key (kept alive by the policy).
  const Predicate* PredicateFor(int user_index, std::string_view table_key) const;
  // The predicate computed without the cache (benchmarks of the miss path).
  void ComputePredicate(uint32_t role_set, int32_t table_id, Predicate* out) const;
  size_t cached_predicates() const { return predicate_cache_ ? predicate_cache_->size() : 0; }

  // The role set of a caller given inline by role names (NotFound for an unknown role). Role sets not seen at load
  // are interned on first use (thread-safe; a shared lock on the hit path, an exclusive one on the miss path).
  absl::StatusOr<uint32_t> RoleSetForNames(const std::vector<std::string>& role_names) const;

  // Parses and validates one clause exactly as the policy's filters are (one expression, allowed functions,
  // unqualified columns, templates, the tables its subqueries read bound with `resolver`) into `filter->clause`
  // (in `arena`) and `filter->printed`. Errors name `where`.
  static absl::Status CompileClause(const NameResolver& resolver, Arena& arena, std::string_view where,
                                    RlsFilter* filter);

  // The template context of a policy user (kept alive by the policy) or of the anonymous caller.
  UserContext ContextOf(const User& user) const;
  UserContext AnonymousContext() const;

 private:
  struct RoleSet {
    std::vector<uint32_t> roles;  // sorted, unique
    const access::PermissionSet* permissions = nullptr;
  };

  Policy() = default;
  absl::Status Load(const json::Value& doc);
  absl::Status LoadRoles(const json::Value& doc);
  absl::Status LoadUsers(const json::Value& doc);
  absl::Status LoadFilters(const json::Value& doc);
  absl::StatusOr<std::vector<uint32_t>> RoleIds(const json::Value& list, std::string_view where) const;
  uint32_t InternRoleSet(std::vector<uint32_t> roles);
  static constexpr size_t kMaxDynamicRoleSets = 4096;
  void IndexFilters();

  absl::Status LoadDatabaseModel(const json::Value& doc);
  absl::Status CheckClauseCycles() const;

  absl::Status LoadDatasets(const json::Value& doc);
  absl::StatusOr<std::string_view> DatasetPermission(std::string_view view) const;

  const Dialect* dialect_ = nullptr;
  std::string digest_;
  bool has_templates_ = false;
  absl::flat_hash_map<int64_t, Dataset> datasets_;
  DatabaseModel model_;
  PlacementMode placement_ = PlacementMode::kPlain;
  std::string default_database_;
  Arena arena_;
  std::shared_ptr<const access::PermissionModel> permissions_;
  std::vector<User> users_;
  std::vector<RlsFilter> filters_;
  absl::flat_hash_map<std::string, uint32_t> user_index_;
  // Capacity reserved after load so that role sets interned later never move the ones readers index lock-free.
  mutable std::vector<RoleSet> role_sets_;
  mutable absl::flat_hash_map<std::vector<uint32_t>, uint32_t> role_set_index_;
  mutable std::shared_mutex role_set_mu_;  // role sets interned after load
  uint32_t public_role_set_ = 0;
  absl::flat_hash_map<std::string, uint32_t> table_ids_;  // filtered tables (IndexFilters)
  bool has_scoped_filters_ = false;                        // some filter's table names its database
  std::vector<std::vector<uint32_t>> filters_by_table_;   // filter indexes per table id
  std::unique_ptr<InsertOnlyCache<Predicate>> predicate_cache_;
  mutable std::mutex overflow_mu_;                        // PredicateFor(user, key) when the cache is full
  mutable std::vector<std::unique_ptr<Predicate>> overflow_;
};

}  // namespace rlsq::policy
