// The policy model: roles (Flask-AppBuilder permissions), users, and Superset-style RLS filters, loaded from a JSON
// file. Loading validates everything (unknown roles, bad table names, clauses that are not exactly one boolean
// expression, denied functions) and pre-computes, per user and table, the predicate to inject.
//
// Superset semantics (../shared/seeds/superset-security.md):
//   - a Regular filter applies to users who hold any of its roles;
//   - a Base filter applies to every user except those who hold one of its roles;
//   - applicable filters that share a non-empty group_key are ORed; groups and ungrouped filters are ANDed;
//   - each clause is parenthesised.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "lib/ast/ast.h"
#include "lib/common/arena.h"
#include "lib/dialect/dialect.h"
#include "lib/json/json.h"
#include "lib/names/table_name.h"

namespace rlsq::policy {

enum class FilterType : uint8_t { kRegular, kBase };

// A clause printed from its AST, with a slot before every column reference that must be qualified by the alias of
// the table being filtered: text[0] SLOT text[1] SLOT ... text[n].
struct ClauseTemplate {
  std::vector<std::string> text;
  void Render(std::string_view qualifier, std::string* out) const;
};

struct RlsFilter {
  std::string name;
  FilterType type = FilterType::kRegular;
  std::vector<TableName> tables;
  std::vector<uint32_t> roles;  // role ids
  std::string group_key;
  std::string clause_text;  // as written in the policy (never injected)
  std::string description;
  const ast::Expr* clause = nullptr;  // parsed, in the policy's arena
  ClauseTemplate printed;              // what is injected
};

struct Role {
  std::string name;
  std::vector<std::pair<std::string, std::string>> permissions;  // (permission, view menu)
};

struct User {
  std::string username;
  int64_t id = 0;
  std::string email;
  std::vector<uint32_t> roles;  // role ids
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
  // Appends the predicate text: (c1) AND ((c2) OR (c3)) ..., columns qualified with `qualifier` (already quoted).
  void Render(std::string_view qualifier, std::string* out) const;
};

class Policy {
 public:
  // Parses and validates a policy document. Errors are FailedPrecondition statuses naming the offending entry.
  static absl::StatusOr<std::shared_ptr<const Policy>> FromJson(std::string_view text, const Dialect& dialect);
  static absl::StatusOr<std::shared_ptr<const Policy>> FromFile(const std::string& path, const Dialect& dialect);

  const std::string& default_schema() const { return default_schema_; }
  const Dialect& dialect() const { return *dialect_; }
  const std::vector<Role>& roles() const { return roles_; }
  const std::vector<User>& users() const { return users_; }
  const std::vector<RlsFilter>& filters() const { return filters_; }

  // The user with this username, or null.
  const User* FindUser(std::string_view username) const;
  int UserIndex(std::string_view username) const;  // -1 when unknown
  // The predicate for user `user_index` on the table with key `table_key` (TableName::Key()), or null if none.
  const Predicate* PredicateFor(int user_index, std::string_view table_key) const;

 private:
  Policy() = default;
  absl::Status Load(const json::Value& doc);
  absl::Status LoadRoles(const json::Value& doc);
  absl::Status LoadUsers(const json::Value& doc);
  absl::Status LoadFilters(const json::Value& doc);
  void BuildPredicates();

  const Dialect* dialect_ = nullptr;
  std::string default_schema_ = "public";
  Arena arena_;
  std::vector<Role> roles_;
  std::vector<User> users_;
  std::vector<RlsFilter> filters_;
  absl::flat_hash_map<std::string, uint32_t> role_index_;
  absl::flat_hash_map<std::string, uint32_t> user_index_;
  // per user: table key -> predicate
  std::vector<absl::flat_hash_map<std::string, Predicate>> predicates_;
};

}  // namespace rlsq::policy
