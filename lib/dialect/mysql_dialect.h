// MySQL 8.0 and MariaDB 10.11: everything that differs for the MySQL family in one place (the server settings that
// change lexing and name resolution, the lexer rules, keywords, quoting, the catalog). The facts, each checked
// against a real MariaDB 10.11 server, are in tests/lexer/mysql_lexer_test.cc and tests/dialect/mysql_dialect_test.cc;
// README "MySQL and MariaDB" states them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/dialect/dialect.h"
#include "lib/lexer/lexer.h"

namespace rlsq {

// The server settings a policy states (`dialect_options`).
struct MySqlSettings {
  enum class Flavor : uint8_t { kMySql, kMariaDb };
  Flavor flavor = Flavor::kMariaDb;
  // sql_mode flags that change how text is read.
  bool ansi_quotes = false;           // "x" is an identifier
  bool no_backslash_escapes = false;  // a backslash is an ordinary character in strings
  bool pipes_as_concat = false;       // || concatenates (otherwise it is OR)
  bool ignore_space = false;          // a built-in function name may be followed by spaces before its '('
  int lower_case_table_names = 0;     // 0: names as written, case-sensitive; 1 and 2: compared in lower case
  // The server's version (MAJOR*10000 + MINOR*100 + PATCH), known to lie in [version_min, version]: the defaults
  // are a whole series (MariaDB 10.11.x, MySQL 8.0.x), and an executable comment whose reading depends on the patch
  // level is refused until server_version is stated.
  uint32_t version_min = 101100, version = 101199;

  // Parses `dialect_options` ({"sql_mode": "ANSI_QUOTES,...", "lower_case_table_names": "1", "server_version":
  // "10.11.6"}) for `flavor`. Unknown keys, sql_mode flags and values are errors; so are modes rlsq does not model
  // (MariaDB's ORACLE and MSSQL).
  static absl::StatusOr<MySqlSettings> Parse(Flavor flavor, const Dialect::Options& options);
  // The canonical text of the settings (equal settings, equal text).
  std::string Canonical() const;
};

class MySqlDialect final : public Dialect {
 public:
  explicit MySqlDialect(const MySqlSettings& settings);

  std::string_view name() const override;
  std::string configuration() const override { return settings_.Canonical(); }
  absl::Status Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const override;
  // The words the shared grammar reads as keywords in the MySQL family (those of its constructs that MySQL has),
  // with MySQL's reserved-word status; every other word is an identifier, as MySQL reads it.
  KeywordCategory Keyword(std::string_view folded_word) const override;
  std::string FoldIdentifier(std::string_view word) const override;
  // Bare only when it matches [A-Za-z][A-Za-z0-9_]* and is no keyword of the server (information_schema.KEYWORDS);
  // otherwise in backticks, '`' doubled.
  void AppendIdentifier(std::string_view ident, std::string* out) const override;
  void AppendQuotedIdentifier(std::string_view ident, std::string* out) const override;
  // '...' with ' doubled, and, unless NO_BACKSLASH_ESCAPES, \ doubled and NUL as \0. A value with a NUL byte under
  // NO_BACKSLASH_ESCAPES is written as a hex literal.
  void AppendStringLiteral(std::string_view value, std::string* out) const override;
  const SystemCatalog& catalog() const override;

  bool preserves_identifier_case() const override { return true; }
  std::string_view OperatorKeyword(std::string_view op) const override;
  size_t max_relation_name_parts() const override { return 2; }
  bool folds_relation_names() const override { return settings_.lower_case_table_names != 0; }
  void FoldRelationName(std::string* name) const override;
  bool case_insensitive_builtins() const override { return true; }
  // A derived table with LIMIT is neither merged into the outer query nor given its conditions (MySQL's and
  // MariaDB's derived_merge and condition pushdown both skip it); the count is MySQL's own "all rows" idiom.
  std::string_view FenceClause() const override { return " LIMIT 18446744073709551615"; }
  bool IsPrefixOnlyOperator(std::string_view op) const override { return op == "!" || op == "~"; }
  bool nested_with_hides_outer_ctes() const override { return true; }
  bool Has(Feature f) const override;
  std::string_view RefusedToken(const Token& token) const override;

  const MySqlSettings& settings() const { return settings_; }

 private:
  MySqlSettings settings_;
  Lexer lexer_;
};

// The MariaDB 10.11 catalog (lib/dialect/mariadb/, scripts/gen-mariadb-catalog.sh), used for both flavors: a MySQL
// function MariaDB lacks is refused.
const SystemCatalog& MariaDbCatalog();

}  // namespace rlsq
