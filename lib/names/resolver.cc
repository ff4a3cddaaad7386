#include "lib/common/ascii.h"
#include "lib/names/resolver.h"

#include "lib/common/str_cat.h"
#include "lib/common/status.h"

namespace rlsq {

namespace {

std::string Quoted(const Dialect& d, std::string_view schema, std::string_view name) {
  std::string out;
  if (!schema.empty()) {
    d.AppendIdentifier(schema, &out);
    out += '.';
  }
  d.AppendIdentifier(name, &out);
  return out;
}

std::string PathText(const Dialect& d, std::span<const std::string_view> path) {
  std::string out;
  for (std::string_view s : path) {
    if (!out.empty()) out += ", ";
    d.AppendIdentifier(s, &out);
  }
  return out;
}

bool Contains(std::span<const std::string> path, std::string_view schema) {
  for (const std::string& s : path)
    if (s == schema) return true;
  return false;
}

}  // namespace

NameResolver::NameResolver(const Dialect& dialect, const DatabaseModel& model, std::span<const std::string> search_path)
    : dialect_(dialect),
      catalog_(dialect.catalog()),
      model_(model),
      path_(search_path.empty() ? std::span<const std::string>(model.search_path) : search_path) {}

std::vector<std::string_view> NameResolver::EffectivePath() const {
  std::vector<std::string_view> out;
  for (const std::string& s : catalog_.implicit_schemas)
    if (!Contains(path_, s)) out.push_back(s);
  for (const std::string& s : path_) out.push_back(s);
  return out;
}

absl::StatusOr<TableName> NameResolver::ResolveName(std::span<const std::string_view> parts) const {
  if (parts.empty() || parts.size() > 3) return absl::InvalidArgumentError("improper relation name");
  if (parts.size() > dialect_.max_relation_name_parts()) {
    return absl::InvalidArgumentError(Cat("relation name with ", parts.size(), " parts: ", dialect_.name(),
                                          " names a table as database.table"));
  }
  TableName t;
  t.name = std::string(parts.back());
  if (dialect_.folds_relation_names()) dialect_.FoldRelationName(&t.name);
  if (parts.size() >= 2) {
    t.schema = std::string(parts[parts.size() - 2]);
    if (dialect_.folds_relation_names()) dialect_.FoldRelationName(&t.schema);
    if (dialect_.case_insensitive_builtins()) {
      // MySQL: the system databases are matched without case (information_schema always; the others are refused
      // in any spelling), and so are information_schema's tables.
      std::string lower = AsciiLower(t.schema);
      if (catalog_.IsSystemSchema(lower)) {
        t.schema = lower;
        t.name = AsciiLower(t.name);
      }
    }
    if (parts.size() == 3) t.catalog = std::string(parts[0]);
    if (!catalog_.temporary_schema.empty() && t.schema == catalog_.temporary_schema &&
        !catalog_.relations.contains(SystemCatalog::Key(t.schema, t.name)))
      return absl::InvalidArgumentError(Cat("relation ", Quoted(dialect_, t.schema, t.name),
                                            " is in the session's temporary schema, which rlsq does not model"));
    return t;
  }
  if (path_unknown_)
    return absl::InvalidArgumentError(
        Cat("relation ", Quoted(dialect_, "", t.name),
            " is not schema-qualified, and the connection's search path is not known to rlsq, so the server could "
            "read it from any schema; qualify the name (e.g. ",
            Quoted(dialect_, path_.empty() ? dialect_.default_schema() : std::string_view(path_.front()), t.name),
            ")"));
  // Unqualified: the first schema of the effective path that holds the name.
  const std::vector<std::string_view> path = EffectivePath();
  const bool reserved = catalog_.IsReservedName(t.name);
  for (size_t i = 0; i < path.size(); ++i) {
    std::string_view schema = path[i];
    std::string key = SystemCatalog::Key(schema, t.name);
    if (catalog_.IsSystemSchema(schema) || reserved) {  // such a schema, or such a name, holds only the catalog's
      if (catalog_.relations.contains(key)) {
        t.schema = std::string(schema);
        return t;
      }
      continue;  // a system schema holds only what the catalog lists
    }
    if (model_.relations_known) {
      if (model_.relations.contains(key)) {
        t.schema = std::string(schema);
        return t;
      }
      continue;
    }
    // rlsq does not know which tables this schema holds: it may resolve here only if no later schema could.
    std::vector<std::string_view> candidates{schema};
    for (size_t j = i + 1; j < path.size(); ++j) {
      bool could = catalog_.IsSystemSchema(path[j]) ? catalog_.relations.contains(SystemCatalog::Key(path[j], t.name))
                                                    : true;
      if (could) candidates.push_back(path[j]);
    }
    if (candidates.size() > 1) {
      std::string list;
      for (std::string_view c : candidates) Append(&list, list.empty() ? "" : " or ", Quoted(dialect_, c, t.name));
      return absl::InvalidArgumentError(
          Cat("relation ", Quoted(dialect_, "", t.name), " is ambiguous on the search path (", PathText(dialect_, path),
              "): it could be ", list,
              " and rlsq does not know which tables exist; qualify the name, or list the database's relations in the "
              "policy (\"relations\")"));
    }
    t.schema = std::string(schema);
    return t;
  }
  return absl::InvalidArgumentError(Cat("relation ", Quoted(dialect_, "", t.name),
                                        " does not exist on the search path (", PathText(dialect_, path), ")"));
}

absl::StatusOr<NameResolver::Relation> NameResolver::Classify(TableName name) const {
  Relation r;
  std::string key = SystemCatalog::Key(name.schema, name.name);
  const std::string shown = Quoted(dialect_, name.schema, name.name);
  const bool granted = model_.allow_relations.contains(key);
  const bool reserved = catalog_.IsReservedName(name.name) && !catalog_.IsSystemSchema(name.schema);
  if (reserved) key = SystemCatalog::Key(catalog_.reserved_name_schema, name.name);  // every database's is alike
  if (catalog_.IsSystemSchema(name.schema) || reserved) {
    r.system = true;
    r.name = std::move(name);
    if (granted || catalog_.metadata_relations.contains(key)) return r;
    if (!catalog_.relations.contains(key) && !catalog_.implicit_schemas.empty() &&
        (reserved || r.name.schema == catalog_.implicit_schemas[0] || catalog_.system_schemas[0] == r.name.schema))
      return absl::PermissionDeniedError(Cat("relation ", shown, " is not a system relation of ", dialect_.name()));
    return absl::PermissionDeniedError(
        Cat("reading ", shown,
            " is not allowed: it is a system relation that holds more than metadata (other tables' values, "
            "credentials, server activity or files); rlsq lets through only the metadata relations drivers and BI "
            "tools read, and the policy can grant others (\"allow_relations\")"));
  }
  if (!granted && (catalog_.extension_names.contains(name.name) || catalog_.extension_qualified.contains(key)))
    return absl::PermissionDeniedError(
        Cat("reading ", shown,
            " is not allowed: it is the relation of an extension that exposes other tables' data, statement texts or "
            "server activity; the policy can grant it (\"allow_relations\")"));
  r.name = std::move(name);
  return r;
}

absl::StatusOr<NameResolver::Relation> NameResolver::ResolveRelation(std::span<const std::string_view> parts) const {
  RLSQ_ASSIGN_OR_RETURN(TableName name, ResolveName(parts));
  return Classify(std::move(name));
}

absl::Status NameResolver::CheckFunction(std::span<const std::string_view> parts) const {
  if (parts.empty() || parts.size() > 3) return absl::InvalidArgumentError("improper function name");
  std::string_view name = parts.back();
  if (dialect_.case_insensitive_builtins()) {
    // MySQL: an unqualified name is a built-in function (any case) before a stored function or UDF; a qualified one
    // is a stored function of that database, allowed only by the policy.
    std::string lower = AsciiLower(name);
    if (parts.size() == 1) {
      auto it = catalog_.functions.find(lower);
      if (it != catalog_.functions.end()) {
        if (it->second == FunctionClass::kSafe) return absl::OkStatus();
        return absl::InvalidArgumentError(Cat("function ", lower, " is not allowed: ", Describe(it->second)));
      }
      for (const std::string& schema : path_)
        if (model_.allow_functions.contains(SystemCatalog::Key(schema, name))) return absl::OkStatus();
      return absl::InvalidArgumentError(
          Cat("function ", Quoted(dialect_, "", name), " is not allowed: it is not a built-in function of ",
              dialect_.name(), " (a stored function or UDF runs code rlsq cannot see); the policy can allow it by "
              "database and name (\"allow_functions\")"));
    }
    std::string_view schema = parts[parts.size() - 2];
    if (parts.size() == 2 && model_.allow_functions.contains(SystemCatalog::Key(schema, name))) return absl::OkStatus();
    return absl::InvalidArgumentError(
        Cat("function ", Quoted(dialect_, schema, name),
            " is not allowed: a stored function runs code rlsq cannot see; the policy can allow it by database and "
            "name (\"allow_functions\")"));
  }
  auto builtin = [&]() -> absl::Status {
    auto it = catalog_.functions.find(ToAbsl(name));
    if (it == catalog_.functions.end() || it->second == FunctionClass::kSafe) return absl::OkStatus();
    return absl::InvalidArgumentError(
        Cat("function ", Quoted(dialect_, catalog_.function_schema, name), " is not allowed: ", Describe(it->second)));
  };
  auto allowed = [&](std::string_view schema) { return model_.allow_functions.contains(SystemCatalog::Key(schema, name)); };
  if (parts.size() >= 2) {
    std::string_view schema = parts[parts.size() - 2];
    if (schema == catalog_.function_schema) {
      if (!catalog_.functions.contains(ToAbsl(name)))
        return absl::InvalidArgumentError(Cat("function ", Quoted(dialect_, schema, name), " is not a built-in function of ",
                                              dialect_.name()));
      return builtin();
    }
    if (allowed(schema)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        Cat("function ", Quoted(dialect_, schema, name),
            " is not allowed: rlsq runs only the built-in functions that are safe in a read-only query, and those "
            "the policy allows by schema and name (\"allow_functions\")"));
  }
  // Unqualified: a built-in (the function schema is searched first unless the path lists it later) or, for any
  // other name, a function the policy allows in every schema of the path (any of them could hold an overload).
  const std::vector<std::string_view> path = EffectivePath();
  if (model_.functions_known) {
    // The policy lists the user functions: every user schema of the path that defines the name must have it
    // allowed, since PostgreSQL may pick its overload over the built-in one (by argument types, before or after
    // the built-in schema).
    bool defined = false;
    for (std::string_view schema : path) {
      if (catalog_.IsSystemSchema(schema) || !model_.functions.contains(SystemCatalog::Key(schema, name))) continue;
      defined = true;
      if (allowed(schema)) continue;
      if (catalog_.functions.contains(ToAbsl(name)))
        return absl::InvalidArgumentError(
            Cat("function ", Quoted(dialect_, "", name), " is ambiguous: ", Quoted(dialect_, schema, name),
                " on the search path overloads the built-in function, and PostgreSQL picks among overloads by "
                "argument types, which rlsq does not model; qualify the call (",
                Quoted(dialect_, catalog_.function_schema, name), ") or allow the user function (\"allow_functions\")"));
      return absl::InvalidArgumentError(
          Cat("function ", Quoted(dialect_, schema, name),
              " is not allowed: rlsq runs only the built-in functions that are safe in a read-only query, and those "
              "the policy allows by schema and name (\"allow_functions\")"));
    }
    if (catalog_.functions.contains(ToAbsl(name))) return builtin();
    if (defined) return absl::OkStatus();
    return absl::InvalidArgumentError(Cat("function ", Quoted(dialect_, "", name),
                                          " does not exist on the search path (", PathText(dialect_, path), ")"));
  }
  if (catalog_.functions.contains(ToAbsl(name))) {
    for (std::string_view schema : path) {
      if (schema == catalog_.function_schema) return builtin();
      if (!allowed(schema))
        return absl::InvalidArgumentError(
            Cat("function ", Quoted(dialect_, "", name), " is ambiguous: the search path lists ",
                Quoted(dialect_, "", schema), " before ", catalog_.function_schema,
                ", which could hold a function of that name; qualify the call"));
    }
    return builtin();
  }
  bool all = !path_.empty();
  for (const std::string& schema : path_) all = all && allowed(schema);
  if (all) return absl::OkStatus();
  return absl::InvalidArgumentError(
      Cat("function ", Quoted(dialect_, "", name), " is not allowed: it is not a built-in function of ",
          dialect_.name(),
          "; the policy can allow a function by schema and name (\"allow_functions\"), and a call of it that is not "
          "qualified needs it allowed in every schema of the search path"));
}

absl::Status NameResolver::CheckTableFunction(std::span<const std::string_view> parts) const {
  if (!catalog_.from_calls_name_tables) return CheckFunction(parts);
  if (parts.empty()) return absl::InvalidArgumentError("improper function name");
  const std::string name = AsciiLower(parts.back());
  if (parts.size() != 1 || !catalog_.table_functions.contains(name))
    return absl::InvalidArgumentError(
        Cat(Quoted(dialect_, parts.size() > 1 ? parts[0] : std::string_view(), parts.back()),
            "(...) in FROM reads a table of that name in ", dialect_.name(),
            " (a virtual table takes arguments): rlsq reads only the built-in table-valued functions there, "
            "unqualified (json_each, json_tree, pragma_table_info, ...)"));
  if (model_.relations_known)
    for (std::string_view schema : EffectivePath())
      if (model_.relations.contains(SystemCatalog::Key(schema, name)))
        return absl::InvalidArgumentError(Cat(Quoted(dialect_, "", parts.back()), "(...) in FROM reads the table ",
                                              Quoted(dialect_, schema, name), ", not the built-in function: ",
                                              "rlsq does not read a table through its arguments"));
  return CheckFunction(parts);
}

absl::Status NameResolver::CheckOperator(std::string_view op) const {
  if (op.empty()) return absl::OkStatus();
  bool keyword = true;
  for (char c : op) keyword = keyword && ((c >= 'A' && c <= 'Z') || c == ' ');
  if (keyword) {
    // A keyword operator is built in, unless the dialect runs it as a function call (SQLite: REGEXP is regexp()).
    std::string_view fn = dialect_.KeywordOperatorFunction(op);
    if (fn.empty()) return absl::OkStatus();
    const std::string_view parts[] = {fn};
    return CheckFunction(parts);
  }
  std::string_view symbol = op;
  bool qualified = false;
  constexpr std::string_view kOperator = "OPERATOR(";
  if (op.substr(0, kOperator.size()) == kOperator && op.back() == ')') {
    std::string_view inner = op.substr(kOperator.size(), op.size() - kOperator.size() - 1);
    size_t dot = inner.rfind('.');
    // The schema part is normalized text; a quoted schema keeps its quotes.
    std::string_view schema = dot == inner.npos ? std::string_view() : inner.substr(0, dot);
    symbol = dot == inner.npos ? inner : inner.substr(dot + 1);
    qualified = !schema.empty();
    if (!schema.empty() && schema != catalog_.function_schema)
      return absl::InvalidArgumentError(
          Cat("operator ", op, " is not allowed: only the built-in operators of ", catalog_.function_schema,
              " may run (an operator is a call of the function behind it)"));
  }
  if (symbol == "!=") symbol = "<>";  // PostgreSQL's lexer reads != as <>
  if (catalog_.operators.contains(ToAbsl(symbol))) {
    if (!qualified) {  // looked up along the path
      std::string_view user = UserOperatorSchema(symbol);
      if (!user.empty())
        return absl::InvalidArgumentError(
            Cat("operator ", op, " is ambiguous: ", Quoted(dialect_, "", user), ".", symbol,
                " on the search path overloads the built-in operator, and PostgreSQL picks among overloads by "
                "argument types, which rlsq does not model; write OPERATOR(", catalog_.function_schema, ".", symbol,
                ")"));
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(Cat("operator ", op, " is not allowed: it is not a built-in operator of ",
                                        dialect_.name(), " (an operator is a call of the function behind it)"));
}

std::string_view NameResolver::UserOperatorSchema(std::string_view symbol) const {
  if (!model_.operators_known) return {};
  for (const std::string& schema : path_)
    if (!catalog_.IsSystemSchema(schema) && model_.operators.contains(SystemCatalog::Key(schema, symbol))) return schema;
  return {};
}

absl::Status NameResolver::CheckImplicitOperator(std::string_view symbol, std::string_view construct) const {
  std::string_view user = UserOperatorSchema(symbol);
  if (user.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      Cat(construct, " is ambiguous: PostgreSQL runs it as the operator ", symbol, ", and ", Quoted(dialect_, "", user), ".",
          symbol, " on the search path overloads the built-in operator (PostgreSQL picks among overloads by argument "
          "types, which rlsq does not model); write it with OPERATOR(", catalog_.function_schema, ".", symbol, ")"));
}

absl::Status NameResolver::CheckType(std::span<const std::string_view> parts, bool quoted) const {
  if (parts.empty() || parts.size() > 3) return absl::InvalidArgumentError("improper type name");
  std::string_view name = parts.back();
  if (catalog_.free_type_names) {  // SQLite: a type name only picks an affinity; no user types, no schemas
    if (parts.size() == 1) return absl::OkStatus();
    return absl::InvalidArgumentError(Cat("type ", Quoted(dialect_, parts[0], name), ": ", dialect_.name(),
                                          " type names have no schema"));
  }
  if (dialect_.case_insensitive_builtins()) {  // MySQL: built-in types only, spelled without quotes, any case
    if (parts.size() == 1 && !quoted && catalog_.keyword_types.contains(AsciiLower(name))) return absl::OkStatus();
    return absl::InvalidArgumentError(Cat("type ", Quoted(dialect_, "", name), " is not a type of ", dialect_.name()));
  }
  if (parts.size() == 1 && !quoted && catalog_.keyword_types.contains(ToAbsl(name))) return absl::OkStatus();
  auto allowed = [&](std::string_view schema) { return model_.allow_types.contains(SystemCatalog::Key(schema, name)); };
  auto user_type = [&](std::string_view schema) {
    return absl::InvalidArgumentError(
        Cat("type ", Quoted(dialect_, schema, name),
            " is not allowed: it is not a built-in type of ", dialect_.name(),
            ", and a cast to a user type runs that type's functions (a domain's CHECK, a user cast); the policy can "
            "allow it (\"allow_types\")"));
  };
  if (parts.size() >= 2) {
    std::string_view schema = parts[parts.size() - 2];
    if (catalog_.IsSystemSchema(schema)) {
      if (catalog_.types.contains(SystemCatalog::Key(schema, name))) return absl::OkStatus();
      return absl::InvalidArgumentError(
          Cat("type ", Quoted(dialect_, schema, name), " is not a built-in type of ", dialect_.name()));
    }
    if (allowed(schema)) return absl::OkStatus();
    return user_type(schema);
  }
  // Unqualified: the first schema of the path that holds the name (types have no overloads).
  const std::vector<std::string_view> path = EffectivePath();
  for (size_t i = 0; i < path.size(); ++i) {
    std::string_view schema = path[i];
    if (catalog_.IsSystemSchema(schema)) {
      if (catalog_.types.contains(SystemCatalog::Key(schema, name))) return absl::OkStatus();
      continue;
    }
    if (model_.types_known) {
      if (!model_.types.contains(SystemCatalog::Key(schema, name))) continue;
      if (allowed(schema)) return absl::OkStatus();
      return user_type(schema);
    }
    // rlsq does not know which types this schema holds: it could be this one or one further on.
    for (size_t j = i; j < path.size(); ++j)
      if (!catalog_.IsSystemSchema(path[j]) && !allowed(path[j])) return user_type(path[j]);
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(Cat("type ", Quoted(dialect_, "", name), " does not exist on the search path (",
                                        PathText(dialect_, path), ")"));
}

absl::StatusOr<std::string> ParseSearchPathEntry(std::string_view text, const Dialect& dialect) {
  if (text == "$user" || text == "\"$user\"")
    return absl::InvalidArgumentError(
        "\"$user\" cannot be resolved by rlsq (it depends on the session's user): write the schema it stands for, or "
        "leave it out when no such schema exists");
  RLSQ_ASSIGN_OR_RETURN(std::vector<std::string> parts, ParseNameParts(text, dialect));
  if (parts.size() != 1) return absl::InvalidArgumentError(Cat("\"", text, "\" is not a schema name"));
  if (dialect.folds_relation_names()) dialect.FoldRelationName(&parts[0]);
  if (parts[0] == "pg_temp" || parts[0].rfind("pg_temp_", 0) == 0)
    return absl::InvalidArgumentError("pg_temp: rlsq does not model the session's temporary schema");
  return parts[0];
}

absl::StatusOr<std::vector<std::string>> ParseSearchPath(std::string_view text, const Dialect& dialect) {
  std::vector<std::string> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '"') quoted = !quoted;
    if (i < text.size() && (text[i] != ',' || quoted)) continue;
    std::string_view e = text.substr(start, i - start);
    while (!e.empty() && (e.front() == ' ' || e.front() == '\t')) e.remove_prefix(1);
    while (!e.empty() && (e.back() == ' ' || e.back() == '\t')) e.remove_suffix(1);
    start = i + 1;
    if (e.empty()) {
      if (i == text.size() && out.empty()) break;
      return absl::InvalidArgumentError("empty schema name in the search path");
    }
    RLSQ_ASSIGN_OR_RETURN(std::string schema, ParseSearchPathEntry(e, dialect));
    out.push_back(std::move(schema));
  }
  if (out.empty()) return absl::InvalidArgumentError("the search path names no schema");
  return out;
}

}  // namespace rlsq
