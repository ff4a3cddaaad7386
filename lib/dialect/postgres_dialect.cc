// PostgreSQL 15 dialect. Keyword list and categories: PostgreSQL 15's kwlist.h (as reported by
// pg_get_keywords() on a 15.x server). Lexical rules: scan.l, configured through LexerConfig.
#include "lib/common/ascii.h"
#include "lib/dialect/postgres_dialect.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace rlsq {
namespace {

using K = KeywordCategory;

struct KeywordEntry {
  std::string_view word;
  KeywordCategory category;
};

// Sorted by word.
constexpr KeywordEntry kKeywords[] = {
    {"abort", K::kUnreserved}, {"absolute", K::kUnreserved}, {"access", K::kUnreserved},
    {"action", K::kUnreserved}, {"add", K::kUnreserved}, {"admin", K::kUnreserved}, {"after", K::kUnreserved},
    {"aggregate", K::kUnreserved}, {"all", K::kReserved}, {"also", K::kUnreserved}, {"alter", K::kUnreserved},
    {"always", K::kUnreserved}, {"analyse", K::kReserved}, {"analyze", K::kReserved}, {"and", K::kReserved},
    {"any", K::kReserved}, {"array", K::kReserved}, {"as", K::kReserved}, {"asc", K::kReserved},
    {"asensitive", K::kUnreserved}, {"assertion", K::kUnreserved}, {"assignment", K::kUnreserved},
    {"asymmetric", K::kReserved}, {"at", K::kUnreserved}, {"atomic", K::kUnreserved}, {"attach", K::kUnreserved},
    {"attribute", K::kUnreserved}, {"authorization", K::kTypeFuncName}, {"backward", K::kUnreserved},
    {"before", K::kUnreserved}, {"begin", K::kUnreserved}, {"between", K::kColName}, {"bigint", K::kColName},
    {"binary", K::kTypeFuncName}, {"bit", K::kColName}, {"boolean", K::kColName}, {"both", K::kReserved},
    {"breadth", K::kUnreserved}, {"by", K::kUnreserved}, {"cache", K::kUnreserved}, {"call", K::kUnreserved},
    {"called", K::kUnreserved}, {"cascade", K::kUnreserved}, {"cascaded", K::kUnreserved}, {"case", K::kReserved},
    {"cast", K::kReserved}, {"catalog", K::kUnreserved}, {"chain", K::kUnreserved}, {"char", K::kColName},
    {"character", K::kColName}, {"characteristics", K::kUnreserved}, {"check", K::kReserved},
    {"checkpoint", K::kUnreserved}, {"class", K::kUnreserved}, {"close", K::kUnreserved},
    {"cluster", K::kUnreserved}, {"coalesce", K::kColName}, {"collate", K::kReserved},
    {"collation", K::kTypeFuncName}, {"column", K::kReserved}, {"columns", K::kUnreserved},
    {"comment", K::kUnreserved}, {"comments", K::kUnreserved}, {"commit", K::kUnreserved},
    {"committed", K::kUnreserved}, {"compression", K::kUnreserved}, {"concurrently", K::kTypeFuncName},
    {"configuration", K::kUnreserved}, {"conflict", K::kUnreserved}, {"connection", K::kUnreserved},
    {"constraint", K::kReserved}, {"constraints", K::kUnreserved}, {"content", K::kUnreserved},
    {"continue", K::kUnreserved}, {"conversion", K::kUnreserved}, {"copy", K::kUnreserved},
    {"cost", K::kUnreserved}, {"create", K::kReserved}, {"cross", K::kTypeFuncName}, {"csv", K::kUnreserved},
    {"cube", K::kUnreserved}, {"current", K::kUnreserved}, {"current_catalog", K::kReserved},
    {"current_date", K::kReserved}, {"current_role", K::kReserved}, {"current_schema", K::kTypeFuncName},
    {"current_time", K::kReserved}, {"current_timestamp", K::kReserved}, {"current_user", K::kReserved},
    {"cursor", K::kUnreserved}, {"cycle", K::kUnreserved}, {"data", K::kUnreserved}, {"database", K::kUnreserved},
    {"day", K::kUnreserved}, {"deallocate", K::kUnreserved}, {"dec", K::kColName}, {"decimal", K::kColName},
    {"declare", K::kUnreserved}, {"default", K::kReserved}, {"defaults", K::kUnreserved},
    {"deferrable", K::kReserved}, {"deferred", K::kUnreserved}, {"definer", K::kUnreserved},
    {"delete", K::kUnreserved}, {"delimiter", K::kUnreserved}, {"delimiters", K::kUnreserved},
    {"depends", K::kUnreserved}, {"depth", K::kUnreserved}, {"desc", K::kReserved}, {"detach", K::kUnreserved},
    {"dictionary", K::kUnreserved}, {"disable", K::kUnreserved}, {"discard", K::kUnreserved},
    {"distinct", K::kReserved}, {"do", K::kReserved}, {"document", K::kUnreserved}, {"domain", K::kUnreserved},
    {"double", K::kUnreserved}, {"drop", K::kUnreserved}, {"each", K::kUnreserved}, {"else", K::kReserved},
    {"enable", K::kUnreserved}, {"encoding", K::kUnreserved}, {"encrypted", K::kUnreserved}, {"end", K::kReserved},
    {"enum", K::kUnreserved}, {"escape", K::kUnreserved}, {"event", K::kUnreserved}, {"except", K::kReserved},
    {"exclude", K::kUnreserved}, {"excluding", K::kUnreserved}, {"exclusive", K::kUnreserved},
    {"execute", K::kUnreserved}, {"exists", K::kColName}, {"explain", K::kUnreserved},
    {"expression", K::kUnreserved}, {"extension", K::kUnreserved}, {"external", K::kUnreserved},
    {"extract", K::kColName}, {"false", K::kReserved}, {"family", K::kUnreserved}, {"fetch", K::kReserved},
    {"filter", K::kUnreserved}, {"finalize", K::kUnreserved}, {"first", K::kUnreserved}, {"float", K::kColName},
    {"following", K::kUnreserved}, {"for", K::kReserved}, {"force", K::kUnreserved}, {"foreign", K::kReserved},
    {"forward", K::kUnreserved}, {"freeze", K::kTypeFuncName}, {"from", K::kReserved}, {"full", K::kTypeFuncName},
    {"function", K::kUnreserved}, {"functions", K::kUnreserved}, {"generated", K::kUnreserved},
    {"global", K::kUnreserved}, {"grant", K::kReserved}, {"granted", K::kUnreserved}, {"greatest", K::kColName},
    {"group", K::kReserved}, {"grouping", K::kColName}, {"groups", K::kUnreserved}, {"handler", K::kUnreserved},
    {"having", K::kReserved}, {"header", K::kUnreserved}, {"hold", K::kUnreserved}, {"hour", K::kUnreserved},
    {"identity", K::kUnreserved}, {"if", K::kUnreserved}, {"ilike", K::kTypeFuncName},
    {"immediate", K::kUnreserved}, {"immutable", K::kUnreserved}, {"implicit", K::kUnreserved},
    {"import", K::kUnreserved}, {"in", K::kReserved}, {"include", K::kUnreserved}, {"including", K::kUnreserved},
    {"increment", K::kUnreserved}, {"index", K::kUnreserved}, {"indexes", K::kUnreserved},
    {"inherit", K::kUnreserved}, {"inherits", K::kUnreserved}, {"initially", K::kReserved},
    {"inline", K::kUnreserved}, {"inner", K::kTypeFuncName}, {"inout", K::kColName}, {"input", K::kUnreserved},
    {"insensitive", K::kUnreserved}, {"insert", K::kUnreserved}, {"instead", K::kUnreserved}, {"int", K::kColName},
    {"integer", K::kColName}, {"intersect", K::kReserved}, {"interval", K::kColName}, {"into", K::kReserved},
    {"invoker", K::kUnreserved}, {"is", K::kTypeFuncName}, {"isnull", K::kTypeFuncName},
    {"isolation", K::kUnreserved}, {"join", K::kTypeFuncName}, {"key", K::kUnreserved}, {"label", K::kUnreserved},
    {"language", K::kUnreserved}, {"large", K::kUnreserved}, {"last", K::kUnreserved}, {"lateral", K::kReserved},
    {"leading", K::kReserved}, {"leakproof", K::kUnreserved}, {"least", K::kColName}, {"left", K::kTypeFuncName},
    {"level", K::kUnreserved}, {"like", K::kTypeFuncName}, {"limit", K::kReserved}, {"listen", K::kUnreserved},
    {"load", K::kUnreserved}, {"local", K::kUnreserved}, {"localtime", K::kReserved},
    {"localtimestamp", K::kReserved}, {"location", K::kUnreserved}, {"lock", K::kUnreserved},
    {"locked", K::kUnreserved}, {"logged", K::kUnreserved}, {"mapping", K::kUnreserved}, {"match", K::kUnreserved},
    {"matched", K::kUnreserved}, {"materialized", K::kUnreserved}, {"maxvalue", K::kUnreserved},
    {"merge", K::kUnreserved}, {"method", K::kUnreserved}, {"minute", K::kUnreserved},
    {"minvalue", K::kUnreserved}, {"mode", K::kUnreserved}, {"month", K::kUnreserved}, {"move", K::kUnreserved},
    {"name", K::kUnreserved}, {"names", K::kUnreserved}, {"national", K::kColName}, {"natural", K::kTypeFuncName},
    {"nchar", K::kColName}, {"new", K::kUnreserved}, {"next", K::kUnreserved}, {"nfc", K::kUnreserved},
    {"nfd", K::kUnreserved}, {"nfkc", K::kUnreserved}, {"nfkd", K::kUnreserved}, {"no", K::kUnreserved},
    {"none", K::kColName}, {"normalize", K::kColName}, {"normalized", K::kUnreserved}, {"not", K::kReserved},
    {"nothing", K::kUnreserved}, {"notify", K::kUnreserved}, {"notnull", K::kTypeFuncName},
    {"nowait", K::kUnreserved}, {"null", K::kReserved}, {"nullif", K::kColName}, {"nulls", K::kUnreserved},
    {"numeric", K::kColName}, {"object", K::kUnreserved}, {"of", K::kUnreserved}, {"off", K::kUnreserved},
    {"offset", K::kReserved}, {"oids", K::kUnreserved}, {"old", K::kUnreserved}, {"on", K::kReserved},
    {"only", K::kReserved}, {"operator", K::kUnreserved}, {"option", K::kUnreserved}, {"options", K::kUnreserved},
    {"or", K::kReserved}, {"order", K::kReserved}, {"ordinality", K::kUnreserved}, {"others", K::kUnreserved},
    {"out", K::kColName}, {"outer", K::kTypeFuncName}, {"over", K::kUnreserved}, {"overlaps", K::kTypeFuncName},
    {"overlay", K::kColName}, {"overriding", K::kUnreserved}, {"owned", K::kUnreserved}, {"owner", K::kUnreserved},
    {"parallel", K::kUnreserved}, {"parameter", K::kUnreserved}, {"parser", K::kUnreserved},
    {"partial", K::kUnreserved}, {"partition", K::kUnreserved}, {"passing", K::kUnreserved},
    {"password", K::kUnreserved}, {"placing", K::kReserved}, {"plans", K::kUnreserved}, {"policy", K::kUnreserved},
    {"position", K::kColName}, {"preceding", K::kUnreserved}, {"precision", K::kColName},
    {"prepare", K::kUnreserved}, {"prepared", K::kUnreserved}, {"preserve", K::kUnreserved},
    {"primary", K::kReserved}, {"prior", K::kUnreserved}, {"privileges", K::kUnreserved},
    {"procedural", K::kUnreserved}, {"procedure", K::kUnreserved}, {"procedures", K::kUnreserved},
    {"program", K::kUnreserved}, {"publication", K::kUnreserved}, {"quote", K::kUnreserved},
    {"range", K::kUnreserved}, {"read", K::kUnreserved}, {"real", K::kColName}, {"reassign", K::kUnreserved},
    {"recheck", K::kUnreserved}, {"recursive", K::kUnreserved}, {"ref", K::kUnreserved},
    {"references", K::kReserved}, {"referencing", K::kUnreserved}, {"refresh", K::kUnreserved},
    {"reindex", K::kUnreserved}, {"relative", K::kUnreserved}, {"release", K::kUnreserved},
    {"rename", K::kUnreserved}, {"repeatable", K::kUnreserved}, {"replace", K::kUnreserved},
    {"replica", K::kUnreserved}, {"reset", K::kUnreserved}, {"restart", K::kUnreserved},
    {"restrict", K::kUnreserved}, {"return", K::kUnreserved}, {"returning", K::kReserved},
    {"returns", K::kUnreserved}, {"revoke", K::kUnreserved}, {"right", K::kTypeFuncName}, {"role", K::kUnreserved},
    {"rollback", K::kUnreserved}, {"rollup", K::kUnreserved}, {"routine", K::kUnreserved},
    {"routines", K::kUnreserved}, {"row", K::kColName}, {"rows", K::kUnreserved}, {"rule", K::kUnreserved},
    {"savepoint", K::kUnreserved}, {"schema", K::kUnreserved}, {"schemas", K::kUnreserved},
    {"scroll", K::kUnreserved}, {"search", K::kUnreserved}, {"second", K::kUnreserved},
    {"security", K::kUnreserved}, {"select", K::kReserved}, {"sequence", K::kUnreserved},
    {"sequences", K::kUnreserved}, {"serializable", K::kUnreserved}, {"server", K::kUnreserved},
    {"session", K::kUnreserved}, {"session_user", K::kReserved}, {"set", K::kUnreserved}, {"setof", K::kColName},
    {"sets", K::kUnreserved}, {"share", K::kUnreserved}, {"show", K::kUnreserved}, {"similar", K::kTypeFuncName},
    {"simple", K::kUnreserved}, {"skip", K::kUnreserved}, {"smallint", K::kColName}, {"snapshot", K::kUnreserved},
    {"some", K::kReserved}, {"sql", K::kUnreserved}, {"stable", K::kUnreserved}, {"standalone", K::kUnreserved},
    {"start", K::kUnreserved}, {"statement", K::kUnreserved}, {"statistics", K::kUnreserved},
    {"stdin", K::kUnreserved}, {"stdout", K::kUnreserved}, {"storage", K::kUnreserved}, {"stored", K::kUnreserved},
    {"strict", K::kUnreserved}, {"strip", K::kUnreserved}, {"subscription", K::kUnreserved},
    {"substring", K::kColName}, {"support", K::kUnreserved}, {"symmetric", K::kReserved},
    {"sysid", K::kUnreserved}, {"system", K::kUnreserved}, {"table", K::kReserved}, {"tables", K::kUnreserved},
    {"tablesample", K::kTypeFuncName}, {"tablespace", K::kUnreserved}, {"temp", K::kUnreserved},
    {"template", K::kUnreserved}, {"temporary", K::kUnreserved}, {"text", K::kUnreserved}, {"then", K::kReserved},
    {"ties", K::kUnreserved}, {"time", K::kColName}, {"timestamp", K::kColName}, {"to", K::kReserved},
    {"trailing", K::kReserved}, {"transaction", K::kUnreserved}, {"transform", K::kUnreserved},
    {"treat", K::kColName}, {"trigger", K::kUnreserved}, {"trim", K::kColName}, {"true", K::kReserved},
    {"truncate", K::kUnreserved}, {"trusted", K::kUnreserved}, {"type", K::kUnreserved}, {"types", K::kUnreserved},
    {"uescape", K::kUnreserved}, {"unbounded", K::kUnreserved}, {"uncommitted", K::kUnreserved},
    {"unencrypted", K::kUnreserved}, {"union", K::kReserved}, {"unique", K::kReserved},
    {"unknown", K::kUnreserved}, {"unlisten", K::kUnreserved}, {"unlogged", K::kUnreserved},
    {"until", K::kUnreserved}, {"update", K::kUnreserved}, {"user", K::kReserved}, {"using", K::kReserved},
    {"vacuum", K::kUnreserved}, {"valid", K::kUnreserved}, {"validate", K::kUnreserved},
    {"validator", K::kUnreserved}, {"value", K::kUnreserved}, {"values", K::kColName}, {"varchar", K::kColName},
    {"variadic", K::kReserved}, {"varying", K::kUnreserved}, {"verbose", K::kTypeFuncName},
    {"version", K::kUnreserved}, {"view", K::kUnreserved}, {"views", K::kUnreserved}, {"volatile", K::kUnreserved},
    {"when", K::kReserved}, {"where", K::kReserved}, {"whitespace", K::kUnreserved}, {"window", K::kReserved},
    {"with", K::kReserved}, {"within", K::kUnreserved}, {"without", K::kUnreserved}, {"work", K::kUnreserved},
    {"wrapper", K::kUnreserved}, {"write", K::kUnreserved}, {"xml", K::kUnreserved},
    {"xmlattributes", K::kColName}, {"xmlconcat", K::kColName}, {"xmlelement", K::kColName},
    {"xmlexists", K::kColName}, {"xmlforest", K::kColName}, {"xmlnamespaces", K::kColName},
    {"xmlparse", K::kColName}, {"xmlpi", K::kColName}, {"xmlroot", K::kColName}, {"xmlserialize", K::kColName},
    {"xmltable", K::kColName}, {"year", K::kUnreserved}, {"yes", K::kUnreserved}, {"zone", K::kUnreserved},
};

const absl::flat_hash_map<std::string_view, KeywordCategory>& KeywordMap() {
  static const auto* const kMap = [] {
    auto* m = new absl::flat_hash_map<std::string_view, KeywordCategory>();
    m->reserve(std::size(kKeywords));
    for (const KeywordEntry& e : kKeywords) m->emplace(e.word, e.category);
    return m;
  }();
  return *kMap;
}

LexerConfig MakePostgresLexerConfig() {
  LexerConfig c;  // the defaults are PostgreSQL 15's rules; spelled out here so this file is the reference
  c.vertical_tab_is_space = false;  // PG 15 scan.l: space [ \t\n\r\f]  (\v was added in PG 16)
  c.nested_block_comments = true;
  c.hash_comments = false;
  c.identifier_quotes = "\"";
  c.dollar_in_identifiers = true;
  c.empty_quoted_identifier_is_error = true;
  c.identifier_case = IdentifierCase::kLower;
  c.max_identifier_bytes = 63;  // NAMEDATALEN - 1
  c.backslash_escapes_in_strings = false;  // standard_conforming_strings = on
  c.escape_strings = true;
  c.dollar_quoted_strings = true;
  c.unicode_escapes = true;
  c.national_strings = true;
  c.bit_strings = true;
  c.hex_strings = true;
  c.newline_string_continuation = true;
  c.trailing_junk_after_number_is_error = true;  // PG 15
  c.dollar_parameters = true;
  c.operator_chars = "~!@#^&|`?+-*/%<>=";
  c.non_sql_operator_chars = "~!@#^&|`?%";
  c.max_operator_bytes = 63;
  return c;
}

}  // namespace

const LexerConfig& PostgresLexerConfig() {
  static const LexerConfig* const kConfig = new LexerConfig(MakePostgresLexerConfig());
  return *kConfig;
}

PostgresDialect::PostgresDialect() : lexer_(PostgresLexerConfig()) {}

absl::Status PostgresDialect::Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const {
  return lexer_.Tokenize(sql, arena, out);
}

KeywordCategory PostgresDialect::Keyword(std::string_view folded_word) const {
  const auto& map = KeywordMap();
  auto it = map.find(folded_word);
  return it == map.end() ? KeywordCategory::kNone : it->second;
}

std::string PostgresDialect::FoldIdentifier(std::string_view word) const {
  // downcase_truncate_identifier(): ASCII only, then truncate to NAMEDATALEN-1 bytes on a character boundary.
  std::string out = AsciiLower(word);
  if (out.size() > 63) {
    size_t cut = 63;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

void PostgresDialect::AppendIdentifier(std::string_view ident, std::string* out) const {
  bool safe = !ident.empty() && ((ident[0] >= 'a' && ident[0] <= 'z') || ident[0] == '_');
  size_t quotes = 0;
  for (char ch : ident) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') continue;
    safe = false;
    if (ch == '"') ++quotes;
  }
  if (safe) {
    KeywordCategory k = Keyword(ident);
    if (k != KeywordCategory::kNone && k != KeywordCategory::kUnreserved) safe = false;
  }
  if (safe) {
    out->append(ident);
    return;
  }
  out->reserve(out->size() + ident.size() + quotes + 2);
  out->push_back('"');
  for (char ch : ident) {
    if (ch == '"') out->push_back('"');
    out->push_back(ch);
  }
  out->push_back('"');
}

void PostgresDialect::AppendStringLiteral(std::string_view value, std::string* out) const {
  bool needs_escape_form = false;
  for (char ch : value) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
      needs_escape_form = true;
      break;
    }
  }
  if (!needs_escape_form) {
    out->push_back('\'');
    for (char ch : value) {
      if (ch == '\'') out->push_back('\'');
      out->push_back(ch);
    }
    out->push_back('\'');
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->append("E'");
  for (char ch : value) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '\'': out->append("''"); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20 || c == 0x7F) {
          // \xHH; a NUL byte (impossible in a PostgreSQL text value) makes the server reject the literal
          out->append("\\x");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('\'');
}

const SystemCatalog& PostgresDialect::catalog() const { return Postgres15Catalog(); }

}  // namespace rlsq
