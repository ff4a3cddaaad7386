// A SQL dialect: everything that differs between databases lives behind this interface, one class per dialect
// (lib/dialect/<name>_dialect.cc). Lexical rules, identifier folding, quoting of identifiers and literals for
// output, keyword classes, and the catalog of the database's own relations and functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/common/arena.h"
#include "lib/dialect/catalog.h"
#include "lib/lexer/token.h"

namespace rlsq {

// How a word is classified by the dialect's grammar. Mirrors PostgreSQL's keyword categories.
enum class KeywordCategory : uint8_t {
  kNone,          // not a keyword
  kUnreserved,    // usable anywhere as an identifier
  kColName,       // usable as a column/table name, not as a function or type name
  kTypeFuncName,  // usable as a function or type name, not as a column name
  kReserved,      // never usable unquoted as an identifier
};

class Dialect {
 public:
  virtual ~Dialect() = default;

  virtual std::string_view name() const = 0;
  // The dialect and its server settings as one canonical text ("postgres", "mariadb ansi_quotes lctn=1
  // version=101106-101106"): equal for two instances only when they read every text alike. Part of the policy's
  // digest and of messages about mismatched dialects.
  virtual std::string configuration() const { return std::string(name()); }

  // Splits `sql` into tokens, skipping whitespace and comments, ending with one kEof token. Normalized token
  // text that differs from the source is stored in `arena`. Errors are "line:column: message" statuses
  // (unterminated string or comment, NUL byte, invalid UTF-8, bad escape ...).
  virtual absl::Status Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const = 0;

  // Keyword class of a folded word (lower case for PostgreSQL).
  virtual KeywordCategory Keyword(std::string_view folded_word) const = 0;

  // Folds an unquoted identifier as the database does (PostgreSQL: ASCII lower case).
  virtual std::string FoldIdentifier(std::string_view word) const = 0;

  // Appends `ident` (normalized text) to `out`, quoted only where needed to read back as the same identifier.
  virtual void AppendIdentifier(std::string_view ident, std::string* out) const = 0;
  // Appends `ident` always quoted (delimited), even where quoting is not needed: the printer uses it for
  // identifiers that were quoted in the source, so that they read back as quoted. The default is the SQL
  // standard's double quotes with `"` doubled; dialects with other quote characters override it.
  virtual void AppendQuotedIdentifier(std::string_view ident, std::string* out) const {
    out->push_back('"');
    for (char c : ident) {
      if (c == '"') out->push_back('"');
      out->push_back(c);
    }
    out->push_back('"');
  }
  // Appends `value` as a string literal that reads back as exactly `value`.
  virtual void AppendStringLiteral(std::string_view value, std::string* out) const = 0;

  // The database's own schemas, relations and built-in functions (lib/dialect/catalog.h); name resolution and the
  // relation and function allow-lists (lib/names/resolver.h) read it.
  virtual const SystemCatalog& catalog() const = 0;

  // ---- what the shared grammar and resolver ask of a dialect (defaults: PostgreSQL's answers) ----

  // Unquoted identifiers keep their case in tokens (MySQL: table names may be case-sensitive); keywords are then
  // matched without ASCII case. PostgreSQL folds them in the lexer.
  virtual bool preserves_identifier_case() const { return false; }
  // The keyword an operator spelling stands for ("||" -> "or", "&&" -> "and" in MySQL), or empty.
  virtual std::string_view OperatorKeyword(std::string_view op) const { return {}; }
  // The most parts a relation name may have: PostgreSQL 3 (database.schema.table), MySQL 2 (database.table).
  virtual size_t max_relation_name_parts() const { return 3; }
  // Relation names (schema and table, CTE names) as the server compares them: MySQL lowercases them under
  // lower_case_table_names 1 and 2. Applied to names from queries and from policies alike.
  virtual bool folds_relation_names() const { return false; }
  virtual void FoldRelationName(std::string* name) const {}
  // Why a token is refused wherever it stands in this dialect (MySQL: INTO, PROCEDURE, `:=`), or empty. Checked on
  // the token stream before the grammar runs.
  virtual std::string_view RefusedToken(const Token& token) const { return {}; }
  // Built-in function and type names match without ASCII case (MySQL); PostgreSQL's lexer folded them already.
  virtual bool case_insensitive_builtins() const { return false; }
  // What the fenced placement appends inside a filtered read's wrapper, (SELECT * FROM t WHERE p<fence>) AS t, so
  // that the optimizer evaluates the predicate before the query's own conditions (no subquery pull-up). PostgreSQL:
  // " OFFSET 0".
  virtual std::string_view FenceClause() const { return " OFFSET 0"; }
  // An operator that only stands before its operand (MySQL: ! and ~; `a ! b` is a syntax error there).
  virtual bool IsPrefixOnlyOperator(std::string_view op) const { return false; }
  // The schema a policy's names and queries default to when the policy gives no search path (PostgreSQL: public;
  // SQLite: main).
  virtual std::string_view default_schema() const { return "public"; }
  // Whether the database can have `path` as its search path (SQLite: main, then attached databases in ATTACH
  // order).
  virtual absl::Status CheckSearchPath(const std::vector<std::string>& path) const { return absl::OkStatus(); }
  // CTE visibility. PostgreSQL and MySQL: a plain WITH's entry sees the entries before it, WITH RECURSIVE all of
  // them. SQLite: every entry sees the whole list, RECURSIVE or not (a forward reference is the later CTE).
  virtual bool ctes_see_whole_with_list() const { return false; }
  // MariaDB: the CTE bodies of a WITH nested in a derived table or subquery do not see enclosing WITH clauses.
  virtual bool nested_with_hides_outer_ctes() const { return false; }
  // A double-quoted name that matches no column is a string literal (SQLite's DQS fallback): the printer keeps such a
  // name in double quotes, so that it reads as it did.
  virtual bool double_quoted_names_may_be_strings() const { return false; }
  // The function a keyword operator calls, which the function rules then check (SQLite: `x REGEXP y` calls
  // regexp(y, x), which only the application defines), or empty.
  virtual std::string_view KeywordOperatorFunction(std::string_view op) const { return {}; }

  // Constructs the shared grammar reads that only some dialects have. The transform refuses one the dialect lacks
  // ("... is not supported in mysql").
  enum class Feature : uint8_t {
    kLimitComma,          // LIMIT offset, count
    kWithRollup,          // GROUP BY ... WITH ROLLUP
    kIntervalExprUnit,    // INTERVAL expr unit (MySQL's interval expression)
    kPartitionSelection,  // t PARTITION (p0)
    kIndexHints,          // USE / FORCE / IGNORE INDEX (...)
    kValuesRow,           // VALUES ROW(...)
    kAdjacentStrings,     // 'a' 'b' on one line is 'ab'
    kStringAlias,         // SELECT 1 AS 'x', SELECT 1 'x'
    kDistinctOn,          // SELECT DISTINCT ON (...)
    kTableStatement,      // TABLE t
    kLateral,             // LATERAL (subquery)
    kDerivedColumnList,   // (subquery) AS d (a, b)
    kTableAliasColumns,   // t AS x (a, b), (a JOIN b) AS j (c, d)
    kEmptySelectList,     // SELECT FROM t, SELECT
    kStarAfterItems,      // SELECT a, * (an unqualified * after other items)
    kIndexedBy,           // t INDEXED BY i, t NOT INDEXED (SQLite)
    kIsComparison,        // a IS b, a IS NOT b with any operand (SQLite)
    kGlobMatch,           // a [NOT] GLOB b, a [NOT] MATCH b, a [NOT] REGEXP b as SQLite reads them
  };
  virtual bool Has(Feature f) const;
  static std::string_view Describe(Feature f);

  // Options a policy or caller states for its server (`dialect_options`, --dialect-option KEY=VALUE).
  using Options = std::vector<std::pair<std::string, std::string>>;

  // The dialect registered under `name` ("postgres", "postgresql", "mysql", "mariadb", "sqlite"), with its
  // defaults, or null.
  static const Dialect* Find(std::string_view name);
  // The dialect `name` configured by `options` (unknown names, keys or values are errors). Equal configurations
  // share one instance, which lives as long as the process.
  static absl::StatusOr<const Dialect*> Make(std::string_view name, const Options& options);
  static const Dialect& Postgres();
};

}  // namespace rlsq
