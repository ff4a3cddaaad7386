#include "lib/dialect/catalog.h"

#include <cstdlib>
#include <iostream>

#include "lib/common/ascii.h"
#include "lib/common/str_cat.h"

namespace rlsq {

// The data files' text (generated into the build tree by cmake/EmbedText.cmake, lib/CMakeLists.txt).
namespace catalog_data {
extern const std::string_view kPg15Relations;
extern const std::string_view kPg15Functions;
extern const std::string_view kPg15MetadataRelations;
extern const std::string_view kPg15ExtensionRelations;
extern const std::string_view kPg15Operators;
extern const std::string_view kPg15Types;
}  // namespace catalog_data

namespace {

struct NamedClass {
  std::string_view name;
  FunctionClass value;
  std::string_view description;
};
constexpr NamedClass kClasses[] = {
    {"safe", FunctionClass::kSafe, "safe"},
    {"sql_text", FunctionClass::kSqlText, "it executes SQL given as text"},
    {"file", FunctionClass::kFile, "it reads or lists server files"},
    {"network", FunctionClass::kNetwork, "it reaches another server"},
    {"large_object", FunctionClass::kLargeObject, "it reads or writes large objects"},
    {"raw_page", FunctionClass::kRawPage, "it reads raw storage pages"},
    {"state", FunctionClass::kState, "it changes session or server state"},
    {"lock", FunctionClass::kLock, "it takes locks"},
    {"sleep", FunctionClass::kSleep, "it sleeps"},
    {"secret", FunctionClass::kSecret, "it exposes other sessions' activity, query texts or credentials"},
};

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == s.npos ? s.npos : end - start));
    if (end == s.npos) return out;
    start = end + 1;
  }
}

// The data lines of a file: comments (`#` to the end of the line, at its start or after white space) and blank
// lines dropped, trailing white space trimmed. Calls `line(text, number)`; stops at the first error.
template <typename F>
absl::Status ForEachLine(std::string_view text, F line) {
  int number = 0;
  for (std::string_view l : Split(text, '\n')) {
    ++number;
    size_t hash = std::string_view::npos;
    for (size_t i = 0; i < l.size(); ++i)
      if (l[i] == '#' && (i == 0 || l[i - 1] == ' ' || l[i - 1] == '\t')) {
        hash = i;
        break;
      }
    if (hash != std::string_view::npos) l = l.substr(0, hash);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
    if (l.empty()) continue;
    absl::Status s = line(l, number);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status BadLine(std::string_view file, int line, std::string_view what) {
  return absl::InternalError(Cat(file, ":", line, ": ", what));
}

// "schema.name" with both parts non-empty.
bool IsQualified(std::string_view s) {
  size_t dot = s.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < s.size() && s.find('.', dot + 1) == s.npos;
}

}  // namespace

std::string_view Describe(FunctionClass c) {
  for (const NamedClass& n : kClasses)
    if (n.value == c) return n.description;
  return "?";
}

std::string SystemCatalog::Key(std::string_view schema, std::string_view name) { return Cat(schema, ".", name); }

bool SystemCatalog::IsSystemSchema(std::string_view schema) const {
  for (const std::string& s : system_schemas)
    if (schema == s) return true;
  for (const std::string& p : system_schema_prefixes)
    if (schema.size() >= p.size() && schema.compare(0, p.size(), p) == 0) return true;
  return false;
}

absl::Status SystemCatalog::LoadTableFunctions(std::string_view text, std::string_view file) {
  return ForEachLine(text, [&](std::string_view l, int n) -> absl::Status {
    if (!functions.contains(std::string(l))) return BadLine(file, n, Cat(l, " is not a function of functions.tsv"));
    table_functions.emplace(l);
    return absl::OkStatus();
  });
}

bool SystemCatalog::IsReservedName(std::string_view name) const {
  const std::string& p = reserved_name_prefix;
  if (p.empty() || name.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (AsciiLowerChar(name[i]) != p[i]) return false;
  return true;
}

absl::Status SystemCatalog::LoadRelations(std::string_view tsv, std::string_view file) {
  return ForEachLine(tsv, [&](std::string_view l, int n) -> absl::Status {
    std::vector<std::string_view> f = Split(l, '\t');
    if (f.size() != 3 || f[0].empty() || f[1].empty() || f[2].size() != 1)
      return BadLine(file, n, "expected schema<TAB>name<TAB>relkind");
    relations.emplace(Key(f[0], f[1]), f[2][0]);
    return absl::OkStatus();
  });
}

absl::Status SystemCatalog::LoadMetadataRelations(std::string_view text, std::string_view file) {
  return ForEachLine(text, [&](std::string_view l, int n) -> absl::Status {
    if (!IsQualified(l)) return BadLine(file, n, "expected schema.name");
    if (!relations.contains(std::string(l))) return BadLine(file, n, Cat(l, " is not a system relation"));
    metadata_relations.emplace(l);
    return absl::OkStatus();
  });
}

absl::Status SystemCatalog::LoadExtensionRelations(std::string_view text, std::string_view file) {
  return ForEachLine(text, [&](std::string_view l, int n) -> absl::Status {
    if (l.find_first_of(" \t") != l.npos) return BadLine(file, n, "expected name or schema.name");
    if (l.find('.') == l.npos) {
      extension_names.emplace(l);
    } else {
      if (!IsQualified(l)) return BadLine(file, n, "expected name or schema.name");
      extension_qualified.emplace(l);
    }
    return absl::OkStatus();
  });
}

absl::Status SystemCatalog::LoadFunctions(std::string_view tsv, std::string_view file) {
  return ForEachLine(tsv, [&](std::string_view l, int n) -> absl::Status {
    std::vector<std::string_view> f = Split(l, '\t');
    if (f.size() < 2 || f[0].empty()) return BadLine(file, n, "expected name<TAB>class");
    const NamedClass* found = nullptr;
    for (const NamedClass& c : kClasses)
      if (c.name == f[1]) found = &c;
    if (!found) return BadLine(file, n, Cat("unknown function class \"", f[1], "\""));
    functions.emplace(f[0], found->value);
    return absl::OkStatus();
  });
}

absl::Status SystemCatalog::LoadTypes(std::string_view tsv, std::string_view file) {
  return ForEachLine(tsv, [&](std::string_view l, int n) -> absl::Status {
    std::vector<std::string_view> f = Split(l, '\t');
    if (f.size() != 2 || f[0].empty() || f[1].empty()) return BadLine(file, n, "expected schema<TAB>name");
    types.emplace(Key(f[0], f[1]));
    return absl::OkStatus();
  });
}

absl::Status SystemCatalog::LoadKeywordTypes(std::string_view text, std::string_view file) {
  return ForEachLine(text, [&](std::string_view l, int n) -> absl::Status {
    if (l.find_first_of(" \t.") != l.npos) return BadLine(file, n, "expected one type name");
    keyword_types.emplace(l);
    return absl::OkStatus();
  });
}

absl::Status SystemCatalog::LoadOperators(std::string_view text, std::string_view file) {
  int number = 0;
  for (std::string_view l : Split(text, '\n')) {
    ++number;
    if (l.empty() || l.substr(0, 2) == "# ") continue;
    if (l.find_first_of(" \t") != l.npos) return BadLine(file, number, "expected one operator name");
    operators.emplace(l);
  }
  return absl::OkStatus();
}

void RequireBuiltInCatalog(const SystemCatalog& c, const absl::Status& loaded, std::string_view which) {
  if (loaded.ok() && !c.relations.empty() && !c.functions.empty() && !c.operators.empty()) return;
  std::cerr << "rlsq: corrupt built-in " << which << " catalog data: "
            << (loaded.ok() ? std::string_view("an empty list") : ToStd(loaded.message())) << "\n";
  std::abort();
}

const SystemCatalog& Postgres15Catalog() {
  static const SystemCatalog* const kCatalog = [] {
    auto* c = new SystemCatalog();
    c->implicit_schemas = {"pg_catalog"};
    c->function_schema = "pg_catalog";
    c->system_schema_prefixes = {"pg_"};  // PostgreSQL reserves pg_ schema names (pg_catalog, pg_toast, pg_temp_N)
    c->system_schemas = {"information_schema"};
    c->temporary_schema = "pg_temp";
    // The grammar's keyword types (gram.y SimpleTypename: Numeric, Bit, Character, ConstDatetime, ConstInterval),
    // as the parser normalizes them: each is a fixed pg_catalog type and never looked up on the search path.
    for (const char* k : {"int", "integer", "smallint", "bigint", "real", "float", "double precision", "decimal", "dec",
                          "numeric", "boolean", "bit", "bit varying", "character", "character varying", "char",
                          "char varying", "varchar", "nchar", "nchar varying", "national character",
                          "national character varying", "national char", "national char varying", "timestamp",
                          "timestamp with time zone", "timestamp without time zone", "time", "time with time zone",
                          "time without time zone", "interval"})
      c->keyword_types.emplace(k);
    absl::Status s = c->LoadRelations(catalog_data::kPg15Relations, "lib/dialect/pg15/relations.tsv");
    if (s.ok()) s = c->LoadMetadataRelations(catalog_data::kPg15MetadataRelations, "lib/dialect/pg15/metadata_relations.txt");
    if (s.ok()) s = c->LoadExtensionRelations(catalog_data::kPg15ExtensionRelations, "lib/dialect/pg15/extension_relations.txt");
    if (s.ok()) s = c->LoadFunctions(catalog_data::kPg15Functions, "lib/dialect/pg15/functions.tsv");
    if (s.ok()) s = c->LoadOperators(catalog_data::kPg15Operators, "lib/dialect/pg15/operators.txt");
    if (s.ok()) s = c->LoadTypes(catalog_data::kPg15Types, "lib/dialect/pg15/types.tsv");
    if (s.ok() && c->types.empty()) s = absl::InternalError("no types");
    RequireBuiltInCatalog(*c, s, "PostgreSQL 15");
    return c;
  }();
  return *kCatalog;
}

}  // namespace rlsq
