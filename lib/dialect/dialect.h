// A SQL dialect: everything that differs between databases lives behind this interface, one class per dialect
// (lib/dialect/<name>_dialect.cc). Lexical rules, identifier folding, quoting of identifiers and literals for
// output, keyword classes, and the catalog of the database's own relations and functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
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

  // The dialect registered under `name` ("postgres", "postgresql"), or null.
  static const Dialect* Find(std::string_view name);
  static const Dialect& Postgres();
};

}  // namespace rlsq
