// MySQL 8.0 and MariaDB 10.11. Lexical rules (sql_lex.cc of both servers, every rule checked on MariaDB 10.11.19:
// tests/lexer/mysql_lexer_test.cc), configured through LexerConfig; keywords; quoting; settings; the catalog.
#include "lib/common/ascii.h"
#include "lib/dialect/mysql_dialect.h"

#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "lib/common/str_cat.h"

namespace rlsq {

namespace catalog_data {
extern const std::string_view kMariaDbRelations;
extern const std::string_view kMariaDbFunctions;
extern const std::string_view kMariaDbMetadataRelations;
extern const std::string_view kMariaDbOperators;
extern const std::string_view kMariaDbTypes;
extern const std::string_view kMariaDbKeywords;
}  // namespace catalog_data

namespace {

using K = KeywordCategory;

// The words the shared grammar reads as keywords in the MySQL family: the keywords of the constructs MySQL has
// (and of the refusals), with MySQL 8.0's reserved status. Every other word is an identifier, as in MySQL: `full`,
// `only`, `user`, `current_date`, `char`, `date` ... (`t1 full JOIN t2` is t1 AS full, `FROM only t` reads `only`,
// `CURRENT_DATE()` and `CHAR(65)` are function calls, `DATE 'x'` a typed literal).
struct Word {
  std::string_view word;
  KeywordCategory category;
  bool mysql_only = false;  // not a keyword of MariaDB 10.11 (it is an identifier there)
};
constexpr Word kWords[] = {
    {"against", K::kUnreserved}, {"all", K::kReserved}, {"and", K::kReserved}, {"any", K::kUnreserved},
    {"as", K::kReserved}, {"asc", K::kReserved}, {"between", K::kReserved}, {"boolean", K::kUnreserved},
    {"both", K::kReserved}, {"by", K::kReserved}, {"case", K::kReserved}, {"cast", K::kUnreserved},
    {"coalesce", K::kUnreserved}, {"collate", K::kReserved}, {"convert", K::kReserved}, {"cross", K::kReserved},
    {"current", K::kUnreserved}, {"day", K::kUnreserved}, {"day_hour", K::kReserved},
    {"day_microsecond", K::kReserved}, {"day_minute", K::kReserved}, {"day_second", K::kReserved},
    {"desc", K::kReserved}, {"distinct", K::kReserved}, {"distinctrow", K::kReserved}, {"div", K::kReserved},
    {"dual", K::kReserved}, {"else", K::kReserved}, {"end", K::kUnreserved}, {"escape", K::kUnreserved},
    {"except", K::kReserved}, {"exists", K::kReserved}, {"expansion", K::kUnreserved}, {"extract", K::kUnreserved},
    {"false", K::kReserved}, {"following", K::kUnreserved}, {"for", K::kReserved}, {"force", K::kReserved},
    {"from", K::kReserved}, {"greatest", K::kUnreserved}, {"group", K::kReserved}, {"having", K::kReserved},
    {"high_priority", K::kReserved}, {"hour", K::kUnreserved}, {"hour_microsecond", K::kReserved},
    {"hour_minute", K::kReserved}, {"hour_second", K::kReserved}, {"ignore", K::kReserved}, {"in", K::kReserved},
    {"index", K::kReserved}, {"inner", K::kReserved}, {"intersect", K::kReserved}, {"interval", K::kReserved},
    {"is", K::kReserved}, {"join", K::kReserved}, {"key", K::kReserved}, {"language", K::kUnreserved},
    {"lateral", K::kReserved, true}, {"leading", K::kReserved}, {"least", K::kUnreserved}, {"left", K::kReserved},
    {"like", K::kReserved}, {"limit", K::kReserved}, {"lock", K::kReserved}, {"match", K::kReserved},
    {"microsecond", K::kUnreserved}, {"minute", K::kUnreserved}, {"minute_microsecond", K::kReserved},
    {"minute_second", K::kReserved}, {"mod", K::kReserved}, {"mode", K::kUnreserved}, {"month", K::kUnreserved},
    {"natural", K::kReserved}, {"not", K::kReserved}, {"null", K::kReserved}, {"nullif", K::kUnreserved},
    {"offset", K::kUnreserved}, {"on", K::kReserved}, {"or", K::kReserved}, {"order", K::kReserved},
    {"outer", K::kReserved}, {"over", K::kReserved}, {"partition", K::kReserved}, {"position", K::kUnreserved},
    {"preceding", K::kUnreserved}, {"primary", K::kReserved}, {"quarter", K::kUnreserved},
    {"query", K::kUnreserved}, {"range", K::kReserved}, {"recursive", K::kReserved}, {"regexp", K::kReserved},
    {"right", K::kReserved}, {"rlike", K::kReserved}, {"rollup", K::kUnreserved}, {"row", K::kReserved},
    {"rows", K::kReserved}, {"second", K::kUnreserved}, {"second_microsecond", K::kReserved},
    {"select", K::kReserved}, {"separator", K::kReserved}, {"share", K::kUnreserved}, {"signed", K::kUnreserved},
    {"some", K::kUnreserved}, {"sounds", K::kUnreserved}, {"sql_big_result", K::kReserved},
    {"sql_buffer_result", K::kUnreserved}, {"sql_cache", K::kUnreserved}, {"sql_calc_found_rows", K::kReserved},
    {"sql_no_cache", K::kUnreserved}, {"sql_small_result", K::kReserved}, {"straight_join", K::kReserved},
    {"substring", K::kUnreserved}, {"table", K::kReserved, true}, {"then", K::kReserved},
    {"trailing", K::kReserved}, {"trim", K::kUnreserved}, {"true", K::kReserved}, {"unbounded", K::kUnreserved},
    {"union", K::kReserved}, {"unknown", K::kUnreserved}, {"unsigned", K::kReserved}, {"update", K::kReserved},
    {"use", K::kReserved}, {"using", K::kReserved}, {"values", K::kReserved}, {"week", K::kUnreserved},
    {"when", K::kReserved}, {"where", K::kReserved}, {"window", K::kReserved}, {"with", K::kReserved},
    {"xor", K::kReserved}, {"year", K::kUnreserved}, {"year_month", K::kReserved},
};

const absl::flat_hash_map<std::string_view, KeywordCategory>& WordMap(bool mariadb) {
  auto build = [](bool maria) {
    auto* m = new absl::flat_hash_map<std::string_view, KeywordCategory>();
    for (const Word& w : kWords)
      if (!(maria && w.mysql_only)) m->emplace(w.word, w.category);
    return m;
  };
  static const auto* const kMySql = build(false);
  static const auto* const kMariaDb = build(true);
  return mariadb ? *kMariaDb : *kMySql;
}

// Every keyword of the server (information_schema.KEYWORDS): an identifier spelled as one is written quoted.
const absl::flat_hash_set<std::string>& ServerKeywords() {
  static const auto* const kSet = [] {
    auto* s = new absl::flat_hash_set<std::string>();
    std::string_view text = catalog_data::kMariaDbKeywords;
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line[0] != '#') s->emplace(line);
      start = end + 1;
    }
    return s;
  }();
  return *kSet;
}

// The character sets an introducer may name (SHOW CHARACTER SET of MariaDB 10.11, and MySQL 8.0's utf8mb3 alias).
constexpr std::string_view kCharsets[] = {
    "armscii8", "ascii", "big5", "binary", "cp1250", "cp1251", "cp1256", "cp1257", "cp850", "cp852", "cp866",
    "cp932", "dec8", "eucjpms", "euckr", "gb18030", "gb2312", "gbk", "geostd8", "greek", "hebrew", "hp8", "keybcs2",
    "koi8r", "koi8u", "latin1", "latin2", "latin5", "latin7", "macce", "macroman", "sjis", "swe7", "tis620", "ucs2",
    "ujis", "utf16", "utf16le", "utf32", "utf8", "utf8mb3", "utf8mb4"};

constexpr std::string_view kOperators[] = {"!", "!=", "%", "&", "&&", "*", "+", "-", "/", "<", "<<", "<=", "<=>",
                                           "<>", "=", ">", ">=", ">>", "^", "|", "||", "~"};
constexpr std::string_view kJsonOperators[] = {"->", "->>"};  // MySQL 5.7+ only

LexerConfig MakeLexerConfig(const MySqlSettings& s) {
  const bool maria = s.flavor == MySqlSettings::Flavor::kMariaDb;
  LexerConfig c;
  c.vertical_tab_is_space = true;  // my_isspace: \t \n \v \f \r and space
  c.nested_block_comments = false;
  c.hash_comments = true;
  c.line_comment_ends_at_cr = false;  // `SELECT 1#x\r2` is 1
  c.dash_dash_needs_space = true;     // `1--1` is 1 - -1
  c.executable_comments = maria ? LexerConfig::ExecutableComments::kMariaDb : LexerConfig::ExecutableComments::kMySql;
  c.server_version = s.version;
  c.server_version_min = s.version_min;
  c.identifier_quotes = s.ansi_quotes ? "`\"" : "`";
  c.double_quoted_strings = !s.ansi_quotes;
  c.dollar_in_identifiers = true;
  c.dollar_starts_identifiers = true;
  c.empty_quoted_identifier_is_error = true;
  c.identifier_case = IdentifierCase::kPreserve;
  c.max_identifier_bytes = 0;  // longer names are the server's error, never truncated
  c.backslash_escapes_in_strings = !s.no_backslash_escapes;
  c.mysql_backslash_escapes = true;
  c.escape_strings = false;
  c.dollar_quoted_strings = false;
  c.unicode_escapes = false;
  c.national_strings = true;
  c.bit_strings = true;
  c.hex_strings = true;
  c.newline_string_continuation = false;  // adjacent strings are concatenated by the grammar, on any spacing
  c.trailing_junk_after_number_is_error = false;
  c.digit_leading_identifiers = true;
  c.hex_bit_numbers = true;
  c.mysql_literal_rules = true;
  c.dollar_parameters = false;
  c.typecast_operator = false;
  c.at_variables = true;
  c.operator_chars = "!%&*+-/<=>^|~";
  c.non_sql_operator_chars = "";
  c.fixed_operators.assign(std::begin(kOperators), std::end(kOperators));
  if (!maria) c.fixed_operators.insert(c.fixed_operators.end(), std::begin(kJsonOperators), std::end(kJsonOperators));
  c.charset_introducers.assign(std::begin(kCharsets), std::end(kCharsets));
  return c;
}

absl::StatusOr<uint32_t> ParseVersion(std::string_view v, bool maria) {
  // "10.11.6", "10.11.6-MariaDB-0+deb12u1", "8.0.36"
  uint32_t parts[3] = {0, 0, 0};
  size_t i = 0;
  for (int k = 0; k < 3; ++k) {
    size_t start = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9' && i - start < 3) parts[k] = parts[k] * 10 + (v[i++] - '0');
    if (i == start) return absl::InvalidArgumentError(Cat("server_version \"", v, "\" is not MAJOR.MINOR.PATCH"));
    if (k < 2) {
      if (i >= v.size() || v[i] != '.')
        return absl::InvalidArgumentError(Cat("server_version \"", v, "\" is not MAJOR.MINOR.PATCH"));
      ++i;
    }
  }
  if (i < v.size() && v[i] != '-')
    return absl::InvalidArgumentError(Cat("server_version \"", v, "\" is not MAJOR.MINOR.PATCH"));
  if (parts[1] > 99 || parts[2] > 99)
    return absl::InvalidArgumentError(Cat("server_version \"", v, "\": minor and patch are at most 99"));
  if (maria ? parts[0] < 10 || parts[0] > 11 : parts[0] < 5 || parts[0] > 8)
    return absl::InvalidArgumentError(Cat("server_version \"", v, "\" is not a ", maria ? "MariaDB 10 or 11" : "MySQL 5.7 or 8",
                                          " version"));
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

}  // namespace

absl::StatusOr<MySqlSettings> MySqlSettings::Parse(Flavor flavor, const Dialect::Options& options) {
  MySqlSettings s;
  const bool maria = flavor == Flavor::kMariaDb;
  s.flavor = flavor;
  if (!maria) {
    s.version_min = 80000;
    s.version = 80099;
  }
  for (const auto& [key, value] : options) {
    if (key == "sql_mode") {
      std::string flags = AsciiLower(value);
      for (size_t start = 0; start <= flags.size();) {
        size_t end = flags.find(',', start);
        if (end == std::string::npos) end = flags.size();
        std::string f = flags.substr(start, end - start);
        while (!f.empty() && f.front() == ' ') f.erase(0, 1);
        while (!f.empty() && f.back() == ' ') f.pop_back();
        start = end + 1;
        if (f.empty()) continue;
        if (f == "ansi_quotes") {
          s.ansi_quotes = true;
        } else if (f == "no_backslash_escapes") {
          s.no_backslash_escapes = true;
        } else if (f == "pipes_as_concat") {
          s.pipes_as_concat = true;
        } else if (f == "ignore_space") {
          s.ignore_space = true;
        } else if (f == "ansi" || f == "db2" || f == "maxdb" || f == "postgresql" || (!maria && f == "mssql") ||
                   (!maria && f == "oracle")) {
          // Combination modes: each includes PIPES_AS_CONCAT, ANSI_QUOTES and IGNORE_SPACE (and flags that do not
          // change how text is read).
          s.ansi_quotes = s.pipes_as_concat = s.ignore_space = true;
        } else if (f == "oracle" || f == "mssql") {
          return absl::InvalidArgumentError(
              Cat("sql_mode ", f, " is not supported: MariaDB reads another SQL dialect in it, which rlsq does not model"));
        } else if (f == "real_as_float" || f == "only_full_group_by" || f == "no_unsigned_subtraction" ||
                   f == "no_dir_in_create" || f == "no_key_options" || f == "no_table_options" ||
                   f == "no_field_options" || f == "mysql323" || f == "mysql40" || f == "no_auto_value_on_zero" ||
                   f == "strict_trans_tables" || f == "strict_all_tables" || f == "no_zero_in_date" ||
                   f == "no_zero_date" || f == "allow_invalid_dates" || f == "error_for_division_by_zero" ||
                   f == "traditional" || f == "no_auto_create_user" || f == "high_not_precedence" ||
                   f == "no_engine_substitution" || f == "pad_char_to_full_length" || f == "empty_string_is_null" ||
                   f == "simultaneous_assignment" || f == "time_round_fractional" || f == "time_truncate_fractional") {
          // does not change which text is accepted as which tables
        } else {
          return absl::InvalidArgumentError(Cat("unknown sql_mode flag \"", f, "\""));
        }
      }
    } else if (key == "lower_case_table_names") {
      if (value != "0" && value != "1" && value != "2")
        return absl::InvalidArgumentError(Cat("lower_case_table_names must be 0, 1 or 2, not \"", value, "\""));
      s.lower_case_table_names = value[0] - '0';
    } else if (key == "server_version") {
      auto v = ParseVersion(value, maria);
      if (!v.ok()) return v.status();
      s.version_min = s.version = *v;
    } else {
      return absl::InvalidArgumentError(
          Cat("unknown dialect option \"", key, "\" (known: sql_mode, lower_case_table_names, server_version)"));
    }
  }
  return s;
}

std::string MySqlSettings::Canonical() const {
  return Cat(flavor == Flavor::kMariaDb ? "mariadb" : "mysql", ansi_quotes ? " ansi_quotes" : "",
             no_backslash_escapes ? " no_backslash_escapes" : "", pipes_as_concat ? " pipes_as_concat" : "",
             ignore_space ? " ignore_space" : "", " lctn=", lower_case_table_names, " version=", version_min, "-",
             version);
}

MySqlDialect::MySqlDialect(const MySqlSettings& settings) : settings_(settings), lexer_(MakeLexerConfig(settings)) {}

std::string_view MySqlDialect::name() const {
  return settings_.flavor == MySqlSettings::Flavor::kMariaDb ? "mariadb" : "mysql";
}

absl::Status MySqlDialect::Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const {
  return lexer_.Tokenize(sql, arena, out);
}

KeywordCategory MySqlDialect::Keyword(std::string_view folded_word) const {
  const auto& map = WordMap(settings_.flavor == MySqlSettings::Flavor::kMariaDb);
  auto it = map.find(folded_word);
  return it == map.end() ? KeywordCategory::kNone : it->second;
}

std::string MySqlDialect::FoldIdentifier(std::string_view word) const { return std::string(word); }

void MySqlDialect::AppendIdentifier(std::string_view ident, std::string* out) const {
  bool safe = !ident.empty() && ((ident[0] >= 'a' && ident[0] <= 'z') || (ident[0] >= 'A' && ident[0] <= 'Z'));
  for (char ch : ident)
    safe = safe && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_');
  if (safe && ServerKeywords().contains(AsciiLower(ident))) safe = false;
  if (safe) {
    out->append(ident);
    return;
  }
  AppendQuotedIdentifier(ident, out);
}

void MySqlDialect::AppendQuotedIdentifier(std::string_view ident, std::string* out) const {
  out->push_back('`');
  for (char ch : ident) {
    if (ch == '`') out->push_back('`');
    out->push_back(ch);
  }
  out->push_back('`');
}

void MySqlDialect::AppendStringLiteral(std::string_view value, std::string* out) const {
  if (settings_.no_backslash_escapes && value.find('\0') != std::string_view::npos) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out->append("X'");
    for (char ch : value) {
      unsigned char c = static_cast<unsigned char>(ch);
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
    out->push_back('\'');
    return;
  }
  out->push_back('\'');
  for (char ch : value) {
    if (ch == '\'') {
      out->append("''");
    } else if (ch == '\\' && !settings_.no_backslash_escapes) {
      out->append("\\\\");
    } else if (ch == '\0') {
      out->append("\\0");
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('\'');
}

const SystemCatalog& MySqlDialect::catalog() const { return MariaDbCatalog(); }

std::string_view MySqlDialect::OperatorKeyword(std::string_view op) const {
  if (op == "&&") return "and";
  if (op == "||" && !settings_.pipes_as_concat) return "or";
  return {};
}

void MySqlDialect::FoldRelationName(std::string* name) const {
  if (settings_.lower_case_table_names == 0) return;
  AsciiLowerInPlace(name);
}

std::string_view MySqlDialect::RefusedToken(const Token& token) const {
  if (token.kind == TokenKind::kOperator && token.text == ":=")
    return "assignments to user variables are not allowed: rlsq accepts only a read-only query";
  if (token.kind != TokenKind::kIdent || token.text.size() < 4 || token.text.size() > 9) return {};
  std::string word = AsciiLower(token.text);
  // Both are reserved words: they can be nothing else.
  if (word == "into")
    return "SELECT ... INTO is not allowed: it writes a file or variables, and rlsq accepts only a read-only query";
  if (word == "procedure")
    return "PROCEDURE is not allowed: rlsq accepts only a read-only query";
  return {};
}

bool MySqlDialect::Has(Feature f) const {
  const bool mysql = settings_.flavor == MySqlSettings::Flavor::kMySql;
  switch (f) {
    case Feature::kLimitComma:
    case Feature::kWithRollup:
    case Feature::kIntervalExprUnit:
    case Feature::kPartitionSelection:
    case Feature::kIndexHints:
    case Feature::kAdjacentStrings:
    case Feature::kStringAlias:
      return true;
    case Feature::kValuesRow:
    case Feature::kTableStatement:
    case Feature::kLateral:
    case Feature::kDerivedColumnList:  // MySQL 8.0.19+; MariaDB 10.11 refuses it (seen on 10.11.19)
      return mysql;
    case Feature::kDistinctOn:
    case Feature::kTableAliasColumns:
    case Feature::kEmptySelectList:
    case Feature::kStarAfterItems:  // ERROR 1064 for SELECT 1, * (SELECT *, 1 is fine)
      return false;
  }
  return false;
}

const SystemCatalog& MariaDbCatalog() {
  static const SystemCatalog* const kCatalog = [] {
    auto* c = new SystemCatalog();
    c->system_schemas = {"information_schema", "mysql", "performance_schema", "sys"};
    absl::Status s = c->LoadRelations(catalog_data::kMariaDbRelations, "lib/dialect/mariadb/relations.tsv");
    if (s.ok())
      s = c->LoadMetadataRelations(catalog_data::kMariaDbMetadataRelations, "lib/dialect/mariadb/metadata_relations.txt");
    if (s.ok()) s = c->LoadFunctions(catalog_data::kMariaDbFunctions, "lib/dialect/mariadb/functions.tsv");
    if (s.ok()) s = c->LoadOperators(catalog_data::kMariaDbOperators, "lib/dialect/mariadb/operators.txt");
    if (s.ok()) s = c->LoadKeywordTypes(catalog_data::kMariaDbTypes, "lib/dialect/mariadb/types.tsv");
    if (s.ok() && c->keyword_types.empty()) s = absl::InternalError("no types");
    RequireBuiltInCatalog(*c, s, "MariaDB 10.11");
    return c;
  }();
  return *kCatalog;
}

}  // namespace rlsq
