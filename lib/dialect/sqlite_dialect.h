// SQLite 3.40 (Debian 12's libsqlite3): everything that differs for SQLite in one place (lexer rules, keywords,
// quoting, the catalog). Each rule is checked against the real library in tests/dialect/sqlite_dialect_test.cc and
// the differential tests; README "SQLite" states them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/dialect/dialect.h"
#include "lib/lexer/lexer.h"

namespace rlsq {

class SqliteDialect final : public Dialect {
 public:
  SqliteDialect();

  std::string_view name() const override { return "sqlite"; }
  absl::Status Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const override;
  // The SQLite keywords that its SELECT syntax uses, as the shared grammar reads them: reserved unless SQLite's
  // parser lets them fall back to an identifier (parse.y %fallback ID). Every other word is an identifier, as in
  // SQLite (`replace`, `temp`, `if`, `true`, `only`, `lateral` ...).
  KeywordCategory Keyword(std::string_view folded_word) const override;
  std::string FoldIdentifier(std::string_view word) const override { return std::string(word); }
  // Bare only when it matches [A-Za-z_][A-Za-z0-9_]* and is no SQLite keyword; otherwise in backticks.
  void AppendIdentifier(std::string_view ident, std::string* out) const override;
  // Backticks, '`' doubled: a backticked name is always a name (a double-quoted one that matches no column is a
  // string in SQLite, so a misspelt column in a filter would silently become a constant).
  void AppendQuotedIdentifier(std::string_view ident, std::string* out) const override;
  // '...' with ' doubled (SQLite has no escapes); a value holding NUL as CAST(X'..' AS TEXT).
  void AppendStringLiteral(std::string_view value, std::string* out) const override;
  const SystemCatalog& catalog() const override;

  bool preserves_identifier_case() const override { return true; }
  size_t max_relation_name_parts() const override { return 2; }
  // SQLite compares schema, table and CTE names without ASCII case (sqlite3StrICmp).
  bool folds_relation_names() const override { return true; }
  void FoldRelationName(std::string* name) const override;
  bool case_insensitive_builtins() const override { return true; }
  // A subquery with LIMIT is not given the outer query's WHERE terms (pushDownWhereTerms), and one with OFFSET is
  // never flattened into it (flattenSubquery restriction 14).
  std::string_view FenceClause() const override { return " LIMIT -1 OFFSET 0"; }
  bool IsPrefixOnlyOperator(std::string_view op) const override { return op == "~"; }
  bool Has(Feature f) const override;
  std::string_view RefusedToken(const Token& token) const override;
  std::string_view default_schema() const override { return "main"; }
  // main first, then the attached databases in ATTACH order; never temp (implicit, and modelled as empty).
  absl::Status CheckSearchPath(const std::vector<std::string>& path) const override;
  bool ctes_see_whole_with_list() const override { return true; }
  bool double_quoted_names_may_be_strings() const override { return true; }
  std::string_view KeywordOperatorFunction(std::string_view op) const override;

 private:
  Lexer lexer_;
};

// The SQLite 3.40 catalog (lib/dialect/sqlite/, scripts/gen-sqlite-catalog.sh).
const SystemCatalog& SqliteCatalog();

}  // namespace rlsq
