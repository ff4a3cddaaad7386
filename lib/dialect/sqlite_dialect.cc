// SQLite 3.40. Lexical rules (tokenize.c; each checked on Debian 12's libsqlite3 3.40.1: tests/lexer/
// sqlite_lexer_test.cc), configured through LexerConfig; keywords (parse.y, mkkeywordhash.c); quoting; the catalog.
#include "lib/dialect/sqlite_dialect.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "lib/common/ascii.h"
#include "lib/common/str_cat.h"

namespace rlsq {

namespace catalog_data {
extern const std::string_view kSqliteRelations;
extern const std::string_view kSqliteFunctions;
extern const std::string_view kSqliteMetadataRelations;
extern const std::string_view kSqliteExtensionRelations;
extern const std::string_view kSqliteOperators;
extern const std::string_view kSqliteTableFunctions;
}  // namespace catalog_data

namespace {

using K = KeywordCategory;

// The SQLite keywords its SELECT syntax uses. Reserved: SQLite's parser never takes them for a name (JOIN_KW words
// only as a table name, which rlsq refuses). Unreserved: parse.y's %fallback ID list (a name wherever the keyword
// does not fit). WINDOW, OVER and FILTER are keywords only in context (tokenize.c analyzeWindowKeyword ...); rlsq
// reads them as keywords everywhere, which refuses their other uses.
constexpr std::pair<std::string_view, KeywordCategory> kWords[] = {
    {"all", K::kReserved},        {"and", K::kReserved},        {"as", K::kReserved},
    {"asc", K::kUnreserved},      {"between", K::kReserved},    {"by", K::kUnreserved},
    {"case", K::kReserved},       {"cast", K::kUnreserved},     {"collate", K::kReserved},
    {"cross", K::kReserved},      {"current", K::kUnreserved},  {"current_date", K::kUnreserved},
    {"current_time", K::kUnreserved}, {"current_timestamp", K::kUnreserved}, {"desc", K::kUnreserved},
    {"distinct", K::kReserved},   {"else", K::kReserved},       {"end", K::kUnreserved},
    {"escape", K::kReserved},     {"except", K::kReserved},     {"exclude", K::kUnreserved},
    {"exists", K::kReserved},     {"filter", K::kReserved},     {"first", K::kUnreserved},
    {"following", K::kUnreserved}, {"from", K::kReserved},      {"full", K::kReserved},
    {"glob", K::kUnreserved},     {"group", K::kReserved},      {"groups", K::kUnreserved},
    {"having", K::kReserved},     {"in", K::kReserved},         {"indexed", K::kReserved},
    {"inner", K::kReserved},      {"intersect", K::kReserved},  {"is", K::kReserved},
    {"isnull", K::kReserved},     {"join", K::kReserved},       {"last", K::kUnreserved},
    {"left", K::kReserved},       {"like", K::kUnreserved},     {"limit", K::kReserved},
    {"match", K::kUnreserved},    {"materialized", K::kUnreserved}, {"natural", K::kReserved},
    {"no", K::kUnreserved},       {"not", K::kReserved},        {"notnull", K::kReserved},
    {"null", K::kReserved},       {"nulls", K::kUnreserved},    {"offset", K::kUnreserved},
    {"on", K::kReserved},         {"or", K::kReserved},         {"order", K::kReserved},
    {"others", K::kUnreserved},   {"outer", K::kReserved},      {"over", K::kReserved},
    {"partition", K::kUnreserved}, {"preceding", K::kUnreserved}, {"range", K::kUnreserved},
    {"recursive", K::kUnreserved}, {"regexp", K::kUnreserved},  {"right", K::kReserved},
    {"row", K::kUnreserved},      {"rows", K::kUnreserved},     {"select", K::kReserved},
    {"then", K::kReserved},       {"ties", K::kUnreserved},     {"unbounded", K::kUnreserved},
    {"union", K::kReserved},      {"using", K::kReserved},      {"values", K::kReserved},
    {"when", K::kReserved},       {"where", K::kReserved},      {"window", K::kReserved},
    {"with", K::kUnreserved},
};

// SQLite's reserved words that no read-only query uses (no %fallback: SQLite never reads them as names). rlsq
// refuses them wherever they stand unquoted, so that no statement or clause it does not model slips through as a
// name.
constexpr std::string_view kRefusedWords[] = {
    "add", "alter", "autoincrement", "check", "commit", "constraint", "create", "default", "deferrable", "delete",
    "drop", "foreign", "index", "insert", "into", "nothing", "primary", "references", "returning", "set", "table",
    "to", "transaction", "unique", "update"};

// Every keyword of SQLite 3.40 (sqlite3_keyword_name): a name spelled as one is written quoted.
constexpr std::string_view kAllKeywords[] = {
    "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach",
    "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate", "column",
    "commit", "conflict", "constraint", "create", "cross", "current", "current_date", "current_time",
    "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct",
    "do", "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail",
    "filter", "first", "following", "for", "foreign", "from", "full", "generated", "glob", "group", "groups",
    "having", "if", "ignore", "immediate", "in", "index", "indexed", "initially", "inner", "insert", "instead",
    "intersect", "into", "is", "isnull", "join", "key", "last", "left", "like", "limit", "match", "materialized",
    "natural", "no", "not", "nothing", "notnull", "null", "nulls", "of", "offset", "on", "or", "order", "others",
    "outer", "over", "partition", "plan", "pragma", "preceding", "primary", "query", "raise", "range", "recursive",
    "references", "regexp", "reindex", "release", "rename", "replace", "restrict", "returning", "right",
    "rollback", "row", "rows", "savepoint", "select", "set", "table", "temp", "temporary", "then", "ties", "to",
    "transaction", "trigger", "unbounded", "union", "unique", "update", "using", "vacuum", "values", "view",
    "virtual", "when", "where", "window", "with", "without"};

const absl::flat_hash_map<std::string_view, KeywordCategory>& WordMap() {
  static const auto* const kMap = [] {
    auto* m = new absl::flat_hash_map<std::string_view, KeywordCategory>();
    for (const auto& [w, c] : kWords) m->emplace(w, c);
    return m;
  }();
  return *kMap;
}

const absl::flat_hash_set<std::string_view>& Set(const std::string_view* begin, const std::string_view* end) {
  auto* s = new absl::flat_hash_set<std::string_view>(begin, end);
  return *s;
}

constexpr std::string_view kOperators[] = {"-", "->", "->>", "+", "*", "/", "%", "=", "==", "<", "<=", "<>",
                                           "<<", ">", ">=", ">>", "!=", "|", "||", "&", "~"};

LexerConfig MakeLexerConfig() {
  LexerConfig c;
  c.vertical_tab_is_space = false;  // tokenize.c's aiClass: 0x0B is CC_ILLEGAL (sqlite3Isspace would say space)
  c.nested_block_comments = false;
  c.line_comment_ends_at_cr = false;  // "--" runs to '\n' only
  c.hash_comments = false;
  c.identifier_quotes = "\"`";
  c.bracket_identifiers = true;
  c.dollar_in_identifiers = true;  // IdChar: letters, digits, '_', '$' and bytes >= 0x80
  c.empty_quoted_identifier_is_error = true;  // SQLite accepts "" as a name: rlsq refuses it
  c.identifier_case = IdentifierCase::kPreserve;
  c.max_identifier_bytes = 0;
  c.backslash_escapes_in_strings = false;
  c.escape_strings = false;
  c.dollar_quoted_strings = false;
  c.unicode_escapes = false;
  c.national_strings = false;  // N'x' is the name N followed by a string
  c.bit_strings = false;       // so is B'01'
  c.hex_strings = true;
  c.hex_strings_need_even_digits = true;
  c.newline_string_continuation = false;
  c.trailing_junk_after_number_is_error = true;  // 123abc, 1e5x, 1.5e: "unrecognized token"
  c.hex_integers = true;
  c.dollar_parameters = false;
  c.sqlite_parameters = true;
  c.typecast_operator = false;
  c.block_comment_may_end_at_eof = true;
  c.double_equals = true;
  c.bom_is_space = true;  // FROM <U+FEFF>t reads t
  c.operator_chars = "-+*/%=<>!|&~";
  c.non_sql_operator_chars = "";
  c.fixed_operators.assign(std::begin(kOperators), std::end(kOperators));
  return c;
}

}  // namespace

SqliteDialect::SqliteDialect() : lexer_(MakeLexerConfig()) {}

absl::Status SqliteDialect::Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const {
  return lexer_.Tokenize(sql, arena, out);
}

KeywordCategory SqliteDialect::Keyword(std::string_view folded_word) const {
  auto it = WordMap().find(folded_word);
  return it == WordMap().end() ? KeywordCategory::kNone : it->second;
}

void SqliteDialect::AppendIdentifier(std::string_view ident, std::string* out) const {
  static const auto& keywords = Set(std::begin(kAllKeywords), std::end(kAllKeywords));
  bool safe = !ident.empty() && ((ident[0] >= 'a' && ident[0] <= 'z') || (ident[0] >= 'A' && ident[0] <= 'Z') ||
                                 ident[0] == '_');
  for (char ch : ident)
    safe = safe && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_');
  if (safe && keywords.contains(AsciiLower(ident))) safe = false;
  if (safe) {
    out->append(ident);
    return;
  }
  AppendQuotedIdentifier(ident, out);
}

void SqliteDialect::AppendQuotedIdentifier(std::string_view ident, std::string* out) const {
  out->push_back('`');
  for (char ch : ident) {
    if (ch == '`') out->push_back('`');
    out->push_back(ch);
  }
  out->push_back('`');
}

void SqliteDialect::AppendStringLiteral(std::string_view value, std::string* out) const {
  if (value.find('\0') != std::string_view::npos) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out->append("CAST(X'");
    for (char ch : value) {
      unsigned char c = static_cast<unsigned char>(ch);
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
    out->append("' AS TEXT)");
    return;
  }
  out->push_back('\'');
  for (char ch : value) {
    if (ch == '\'') out->push_back('\'');
    out->push_back(ch);
  }
  out->push_back('\'');
}

const SystemCatalog& SqliteDialect::catalog() const { return SqliteCatalog(); }

absl::Status SqliteDialect::CheckSearchPath(const std::vector<std::string>& path) const {
  if (path.empty() || path[0] != "main")
    return absl::InvalidArgumentError(
        "SQLite looks a name up in temp, then main, then the attached databases in ATTACH order: the search path "
        "starts with main and lists the attached databases after it");
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == "temp")
      return absl::InvalidArgumentError("temp is searched first by SQLite itself; leave it out of the search path");
    for (size_t j = 0; j < i; ++j)
      if (path[j] == path[i]) return absl::InvalidArgumentError(Cat("\"", path[i], "\" is listed twice"));
  }
  return absl::OkStatus();
}

void SqliteDialect::FoldRelationName(std::string* name) const { AsciiLowerInPlace(name); }

std::string_view SqliteDialect::RefusedToken(const Token& token) const {
  static const auto& refused = Set(std::begin(kRefusedWords), std::end(kRefusedWords));
  if (token.kind != TokenKind::kIdent || token.text.size() < 2 || token.text.size() > 13) return {};
  if (!refused.contains(AsciiLower(token.text))) return {};
  return "a reserved word of SQLite that no read-only query uses: rlsq accepts only one read-only query (quote it "
         "if it is a name)";
}

std::string_view SqliteDialect::KeywordOperatorFunction(std::string_view op) const {
  // x GLOB y, x MATCH y and x REGEXP y call the functions glob(y, x), match(y, x) and regexp(y, x); SQLite itself
  // defines only glob() (match() only for full-text tables, regexp() not at all: the application registers them).
  if (op == "GLOB" || op == "NOT GLOB") return "glob";
  if (op == "MATCH" || op == "NOT MATCH") return "match";
  if (op == "REGEXP" || op == "NOT REGEXP") return "regexp";
  return {};
}

bool SqliteDialect::Has(Feature f) const {
  switch (f) {
    case Feature::kLimitComma:
    case Feature::kStringAlias:
    case Feature::kStarAfterItems:
    case Feature::kIndexedBy:
    case Feature::kIsComparison:
    case Feature::kGlobMatch:
      return true;
    default:
      return false;
  }
}

const SystemCatalog& SqliteCatalog() {
  static const SystemCatalog* const kCatalog = [] {
    auto* c = new SystemCatalog();
    // `temp` holds only what the connection creates, and rlsq serves read-only connections: it is modelled as
    // holding SQLite's own schema table only (README "SQLite"). Names starting with sqlite_ belong to SQLite in every
    // schema.
    c->implicit_schemas = {"temp"};
    c->system_schemas = {"temp"};
    c->temporary_schema = "temp";
    c->reserved_name_prefix = "sqlite_";
    c->reserved_name_schema = "main";
    c->free_type_names = true;
    c->from_calls_name_tables = true;
    absl::Status s = c->LoadRelations(catalog_data::kSqliteRelations, "lib/dialect/sqlite/relations.tsv");
    if (s.ok())
      s = c->LoadMetadataRelations(catalog_data::kSqliteMetadataRelations, "lib/dialect/sqlite/metadata_relations.txt");
    if (s.ok())
      s = c->LoadExtensionRelations(catalog_data::kSqliteExtensionRelations,
                                    "lib/dialect/sqlite/extension_relations.txt");
    if (s.ok()) s = c->LoadFunctions(catalog_data::kSqliteFunctions, "lib/dialect/sqlite/functions.tsv");
    if (s.ok()) s = c->LoadOperators(catalog_data::kSqliteOperators, "lib/dialect/sqlite/operators.txt");
    if (s.ok())
      s = c->LoadTableFunctions(catalog_data::kSqliteTableFunctions, "lib/dialect/sqlite/table_functions.txt");
    if (s.ok() && c->table_functions.empty()) s = absl::InternalError("no table-valued functions");
    RequireBuiltInCatalog(*c, s, "SQLite 3.40");
    return c;
  }();
  return *kCatalog;
}

}  // namespace rlsq
