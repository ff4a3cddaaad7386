#include "lib/common/ascii.h"
#include "lib/policy/policy.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "lib/common/digest.h"
#include "lib/json/yaml.h"
#include "lib/common/str_cat.h"
#include "lib/ast/ast_util.h"
#include "lib/common/status.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "lib/safety/function_check.h"
#include "rewriter/scope.h"

namespace rlsq::policy {

namespace {

using json::Value;

absl::Status Bad(std::string_view where, std::string_view what) {
  return absl::FailedPreconditionError(Cat("bad policy: ", where, ": ", what));
}
std::string At(const Value& v) { return Cat(" (line ", v.line(), ", column ", v.column(), ")"); }

// Rejects members other than `allowed`: a misspelled key would otherwise silently change what is enforced.
absl::Status CheckKeys(const Value& obj, std::string_view where, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.members()) {
    bool ok = false;
    for (auto a : allowed) ok = ok || a == key;
    if (!ok)
    {
      std::string expected;
      for (auto a : allowed) Append(&expected, expected.empty() ? "" : ", ", a);
      return Bad(where, Cat("unknown field \"", key, "\"", At(value), "; expected one of: ", expected));
    }
  }
  return absl::OkStatus();
}

const char* Article(Value::Type t) { return t == Value::Type::kArray || t == Value::Type::kObject ? "an " : "a "; }

absl::StatusOr<const Value*> Member(const Value& obj, std::string_view key, Value::Type type, std::string_view where,
                                    bool required) {
  const Value* v = obj.Find(key);
  if (!v || (v->is_null() && !required)) {
    if (required) return Bad(where, Cat("missing field \"", key, "\"", At(obj)));
    return nullptr;
  }
  if (v->type() != type)
    return Bad(where, Cat("field \"", key, "\" must be ", Article(type), json::TypeName(type), ", not ",
                          Article(v->type()), json::TypeName(v->type()), At(*v)));
  return v;
}

absl::StatusOr<std::string> StringMember(const Value& obj, std::string_view key, std::string_view where,
                                         bool required) {
  RLSQ_ASSIGN_OR_RETURN(const Value* v, Member(obj, key, Value::Type::kString, where, required));
  return v ? std::string(v->text()) : std::string();
}

void VisitTableColumns(const ast::Node& n, const std::function<void(const ast::ColumnRef&)>& f) {
  if (n.Is<ast::SubqueryExpr>()) {
    const auto& s = n.Cast<ast::SubqueryExpr>();
    if (s.lhs) VisitTableColumns(*s.lhs, f);
    return;
  }
  if (const auto* c = n.As<ast::ColumnRef>()) {
    if (c->parts.size() == 1 && !c->star) f(*c);
    return;
  }
  ast::EnumerateChildren(const_cast<ast::Node&>(n), [&](ast::Node& child) { VisitTableColumns(child, f); });
}

// Counts the column references a clause template must qualify (ForEachTableColumn).
size_t CountQualifiable(const ast::Expr& n) {
  size_t count = 0;
  ForEachTableColumn(n, [&](const ast::ColumnRef&) { ++count; });
  return count;
}

// First qualified or star column reference outside subqueries, or null.
const ast::ColumnRef* FindQualified(const ast::Node& n) {
  if (const auto* s = n.As<ast::SubqueryExpr>()) return s->lhs ? FindQualified(*s->lhs) : nullptr;
  if (const auto* c = n.As<ast::ColumnRef>()) return c->parts.size() != 1 || c->star ? c : nullptr;
  const ast::ColumnRef* found = nullptr;
  ast::EnumerateChildren(const_cast<ast::Node&>(n), [&](ast::Node& child) {
    if (!found) found = FindQualified(child);
  });
  return found;
}

// SQLite: a double-quoted one-part column name inside a subquery (`inside`), or null.
const ast::ColumnRef* FindDoubleQuotedInSubquery(const ast::Node& n, bool inside) {
  if (const auto* s = n.As<ast::SubqueryExpr>()) {
    if (s->lhs)
      if (const ast::ColumnRef* c = FindDoubleQuotedInSubquery(*s->lhs, inside)) return c;
    return s->query ? FindDoubleQuotedInSubquery(*s->query, true) : nullptr;
  }
  if (const auto* c = n.As<ast::ColumnRef>())
    return inside && c->parts.size() == 1 && c->parts[0].double_quoted ? c : nullptr;
  const ast::ColumnRef* found = nullptr;
  ast::EnumerateChildren(const_cast<ast::Node&>(n), [&](ast::Node& child) {
    if (!found) found = FindDoubleQuotedInSubquery(child, inside);
  });
  return found;
}

}  // namespace

void ForEachTableColumn(const ast::Expr& clause, const std::function<void(const ast::ColumnRef&)>& f) {
  VisitTableColumns(clause, f);
}

int64_t ParseDatasetId(std::string_view text) {
  if (text.empty() || text.size() > 18) return -1;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

absl::StatusOr<TableName> ResolvePolicyTable(const NameResolver& resolver, std::string_view text) {
  RLSQ_ASSIGN_OR_RETURN(std::vector<std::string> parts, ParseNameParts(text, resolver.dialect()));
  std::vector<std::string_view> views(parts.begin(), parts.end());
  auto name = resolver.ResolveName(views);
  if (!name.ok()) return absl::InvalidArgumentError(Cat("table \"", text, "\": ", ToStd(name.status().message())));
  if (resolver.dialect().catalog().IsSystemSchema(name->schema))
    return absl::InvalidArgumentError(Cat("table \"", text, "\" is a system relation: filters apply to datasets"));
  return name;
}

const char* ToString(PlacementMode m) { return m == PlacementMode::kFenced ? "fenced" : "plain"; }

absl::StatusOr<PlacementMode> ParsePlacementMode(std::string_view text) {
  if (text == "fenced") return PlacementMode::kFenced;
  if (text == "plain") return PlacementMode::kPlain;
  return absl::InvalidArgumentError(Cat("placement must be \"fenced\" or \"plain\", not \"", text, "\""));
}

absl::Status ClauseTemplate::Render(std::string_view qualifier, std::string* out, const std::string* bound,
                                    const RenderContext& ctx) const {
  for (size_t i = 0; i < text.size(); ++i) {
    if (i) {
      int32_t slot = slots[i - 1];
      if (slot == -1) {
        out->append(qualifier);
      } else if (slot >= 0) {
        out->append(bound[slot]);
      } else {
        // A table the clause reads: the caller's own predicate on it, in a wrapper its subquery cannot see past.
        const NestedRead& read = nested[-2 - slot];
        const Predicate* p = ctx.nested ? ctx.nested->For(read) : nullptr;
        if (!ctx.nested && !read.system)
          return absl::FailedPreconditionError("rlsq internal error: a clause with subqueries rendered without the "
                                               "caller's predicates for the tables they read");
        if (!p) {
          Append(out, read.table_sql, read.alias_sql);
        } else {
          if (ctx.depth + 1 >= kMaxClauseDepth)
            return absl::FailedPreconditionError(
                Cat("clauses nest deeper than ", kMaxClauseDepth, " levels (or form a cycle) at ", read.table_sql));
          Append(out, "(SELECT * FROM ", read.table_sql, " WHERE ");
          RenderContext inner = ctx;
          ++inner.depth;
          RLSQ_RETURN_IF_ERROR(p->Render(read.qualifier, out, inner));
          Append(out, ")", read.alias_sql);
        }
      }
    }
    out->append(text[i]);
  }
  return absl::OkStatus();
}

absl::Status Predicate::Render(std::string_view qualifier, std::string* out, const RenderContext& ctx) const {
  for (size_t t = 0; t < terms.size(); ++t) {
    if (t) out->append(" AND ");
    const Term& term = terms[t];
    if (term.filters.size() > 1) out->push_back('(');
    for (size_t f = 0; f < term.filters.size(); ++f) {
      if (f) out->append(" OR ");
      out->push_back('(');
      const RlsFilter* filter = term.filters[f];
      const std::string* bound = nullptr;
      if (filter->printed.has_values()) {
        bound = ctx.bindings ? ctx.bindings->For(filter) : nullptr;
        if (!bound)
          return absl::FailedPreconditionError(
              Cat("rlsq internal error: filter \"", filter->name, "\" rendered without its template values"));
      }
      RLSQ_RETURN_IF_ERROR(filter->printed.Render(qualifier, out, bound, ctx));
      out->push_back(')');
    }
    if (term.filters.size() > 1) out->push_back(')');
  }
  return absl::OkStatus();
}

absl::Status Bindings::Bind(const Predicate& p, const UserContext& user, const Dialect& dialect,
                            const NestedPredicates* nested, int depth) {
  if (depth >= kMaxClauseDepth)
    return absl::FailedPreconditionError(Cat("clauses nest deeper than ", kMaxClauseDepth, " levels (or form a cycle)"));
  for (const auto& term : p.terms) {
    for (const RlsFilter* f : term.filters) {
      if (f->printed.has_values() && !For(f)) {
        std::vector<std::string> values(f->printed.values.size());
        for (size_t v = 0; v < values.size(); ++v) {
          absl::Status s = RenderValue(f->printed.values[v], user, dialect, &values[v]);
          if (!s.ok()) return absl::Status(s.code(), Cat("filter \"", f->name, "\": ", ToStd(s.message())));
        }
        filters.emplace_back(f, std::move(values));
      }
      if (!nested) continue;
      for (const NestedRead& read : f->printed.nested)
        if (const Predicate* inner = nested->For(read))
          RLSQ_RETURN_IF_ERROR(Bind(*inner, user, dialect, nested, depth + 1));
    }
  }
  return absl::OkStatus();
}

bool Predicate::has_nested() const {
  for (const Term& t : terms)
    for (const RlsFilter* f : t.filters)
      if (!f->printed.nested.empty()) return true;
  return false;
}

bool Predicate::has_values() const {
  for (const Term& t : terms)
    for (const RlsFilter* f : t.filters)
      if (f->printed.has_values()) return true;
  return false;
}

absl::StatusOr<const Dialect*> ChoosePolicyDialect(const json::Value& doc, const Dialect* requested) {
  if (!doc.is_object()) return requested ? requested : &Dialect::Postgres();
  RLSQ_ASSIGN_OR_RETURN(const Value* name, Member(doc, "dialect", Value::Type::kString, "document", false));
  RLSQ_ASSIGN_OR_RETURN(const Value* options, Member(doc, "dialect_options", Value::Type::kObject, "document", false));
  if (!name) {
    if (options) return Bad("document", Cat("\"dialect_options\" needs \"dialect\"", At(*options)));
    return requested ? requested : &Dialect::Postgres();
  }
  Dialect::Options stated;
  if (options) {
    for (const auto& [key, value] : options->members()) {
      if (!value.is_string() && !value.is_number())
        return Bad("dialect_options", Cat("\"", key, "\" must be a string or a number", At(value)));
      stated.emplace_back(std::string(key), std::string(value.text()));
    }
  }
  absl::StatusOr<const Dialect*> made = Dialect::Make(name->text(), stated);
  if (!made.ok()) return Bad("document", Cat(made.status().message(), At(*name)));
  if (!requested || requested == *made) return *made;
  if (requested->name() != (*made)->name())
    return Bad("document", Cat("the policy is written for ", (*made)->name(), At(*name), " but the caller asked for ",
                               requested->name()));
  // A side that states no settings takes the other's.
  if (!options) return requested;
  if (requested == Dialect::Find(requested->name())) return *made;
  return Bad("document", Cat("the caller's dialect settings (", requested->configuration(),
                             ") differ from the policy's (", (*made)->configuration(), ")", At(*name)));
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromJson(std::string_view text, const Dialect* requested) {
  // The digest is computed beside the parse and load (a large policy takes tens of milliseconds to hash).
  const std::string asked = requested ? requested->configuration() : "";
  std::string digest;
  std::optional<std::jthread> hasher;
  if (text.size() >= (size_t{1} << 20)) {
    hasher.emplace([&] { digest = Sha256Hex({"rlsq policy", asked, text}); });
  } else {
    digest = Sha256Hex({"rlsq policy", asked, text});
  }
  auto doc = json::ParseBorrowing(text);  // text outlives doc; Load copies what it keeps
  if (!doc.ok()) return Bad("JSON", ToStd(doc.status().message()));
  std::shared_ptr<Policy> p(new Policy());
  RLSQ_ASSIGN_OR_RETURN(p->dialect_, ChoosePolicyDialect(doc->root(), requested));
  RLSQ_RETURN_IF_ERROR(p->Load(doc->root()));
  hasher.reset();  // joins
  p->digest_ = std::move(digest);
  return std::shared_ptr<const Policy>(std::move(p));
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromYaml(std::string_view text, const Dialect* requested) {
  auto doc = json::ParseYaml(text);
  if (!doc.ok()) return Bad("YAML", ToStd(doc.status().message()));
  return FromDocument(*doc, Sha256Hex({"rlsq policy", requested ? requested->configuration() : "", text}),
                      requested);
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromDocument(const json::Value& doc, std::string digest,
                                                                   const Dialect* requested) {
  std::shared_ptr<Policy> p(new Policy());
  RLSQ_ASSIGN_OR_RETURN(p->dialect_, ChoosePolicyDialect(doc, requested));
  RLSQ_RETURN_IF_ERROR(p->Load(doc));
  p->digest_ = std::move(digest);
  return std::shared_ptr<const Policy>(std::move(p));
}

bool IsYamlPath(std::string_view path) {
  auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  return ends(".yaml") || ends(".yml") || ends(".YAML") || ends(".YML");
}

absl::StatusOr<std::string> ReadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(Cat("bad policy: cannot read ", path));
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > 0) {
    text.resize(static_cast<size_t>(size));
    in.seekg(0, std::ios::beg);
    in.read(text.data(), size);
    text.resize(static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return absl::FailedPreconditionError(Cat("bad policy: cannot read ", path));
  return text;
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromFile(const std::string& path, const Dialect* requested) {
  RLSQ_ASSIGN_OR_RETURN(std::string text, ReadPolicyFile(path));
  return IsYamlPath(path) ? FromYaml(text, requested) : FromJson(text, requested);
}

absl::Status Policy::Load(const Value& doc) {
  if (!doc.is_object()) return Bad("document", "must be a JSON object");
  RLSQ_RETURN_IF_ERROR(CheckKeys(doc, "document",
                                 {"dialect", "dialect_options", "default_schema", "search_path", "relations", "allow_relations", "allow_functions",
                                  "functions", "operators", "types", "allow_types",
                                  "placement", "default_database", "role_family", "presets", "public_role", "public_role_like",
                                  "roles", "users", "rls_filters", "datasets"}));
  RLSQ_ASSIGN_OR_RETURN(default_database_, StringMember(doc, "default_database", "document", false));
  RLSQ_RETURN_IF_ERROR(LoadDatabaseModel(doc));
  RLSQ_RETURN_IF_ERROR(LoadDatasets(doc));  // before the roles: permissions may name datasets by id
  RLSQ_RETURN_IF_ERROR(LoadRoles(doc));
  public_role_set_ = InternRoleSet({permissions_->public_role_id()});
  RLSQ_RETURN_IF_ERROR(LoadUsers(doc));
  RLSQ_RETURN_IF_ERROR(LoadFilters(doc));
  for (const RlsFilter& f : filters_) has_templates_ = has_templates_ || f.printed.has_values();
  RLSQ_RETURN_IF_ERROR(CheckClauseCycles());
  IndexFilters();
  role_sets_.reserve(role_sets_.size() + kMaxDynamicRoleSets);
  return absl::OkStatus();
}

// The search path (or its one-schema shorthand default_schema), the relations that exist, the grants beyond the
// dialect's allow-lists, and the placement.
absl::Status Policy::LoadDatabaseModel(const Value& doc) {
  RLSQ_ASSIGN_OR_RETURN(std::string schema, StringMember(doc, "default_schema", "document", false));
  RLSQ_ASSIGN_OR_RETURN(const Value* path, Member(doc, "search_path", Value::Type::kArray, "document", false));
  if (path && doc.Find("default_schema"))
    return Bad("document", "give \"search_path\" or its one-schema shorthand \"default_schema\", not both");
  model_.search_path = {std::string(dialect_->default_schema())};
  if (!schema.empty()) {
    // The default schema is written as a SQL identifier: `public`, or `"Sales"` for a case-sensitive one.
    auto parsed = ParseSearchPathEntry(schema, *dialect_);
    if (!parsed.ok()) return Bad("default_schema", ToStd(parsed.status().message()));
    model_.search_path = {*parsed};
  }
  if (path) {
    model_.search_path.clear();
    for (const Value& e : path->items()) {
      if (!e.is_string()) return Bad("search_path", Cat("entries must be schema names (strings)", At(e)));
      auto parsed = ParseSearchPathEntry(e.text(), *dialect_);
      if (!parsed.ok()) return Bad("search_path", Cat(ToStd(parsed.status().message()), At(e)));
      model_.search_path.push_back(*parsed);
    }
    if (model_.search_path.empty()) return Bad("search_path", "is empty: name at least one schema");
  }
  if (absl::Status s = dialect_->CheckSearchPath(model_.search_path); !s.ok())
    return Bad(path ? "search_path" : "default_schema", ToStd(s.message()));
  // Qualified names ("schema.name") in a list key, as catalog keys.
  // Relation names are folded as the dialect compares them (SQLite, MySQL with lower_case_table_names), as the
  // names of queries are.
  auto names = [&](std::string_view key, absl::flat_hash_set<std::string>* out, bool relations = false) -> absl::Status {
    RLSQ_ASSIGN_OR_RETURN(const Value* list, Member(doc, key, Value::Type::kArray, "document", false));
    if (!list) return absl::OkStatus();
    for (const Value& e : list->items()) {
      if (!e.is_string()) return Bad(key, Cat("entries must be qualified names (strings)", At(e)));
      auto parts = ParseNameParts(e.text(), *dialect_);
      if (!parts.ok()) return Bad(key, Cat(ToStd(parts.status().message()), At(e)));
      if (parts->size() != 2) return Bad(key, Cat("\"", e.text(), "\" must be written as schema.name", At(e)));
      if (relations && dialect_->folds_relation_names())
        for (std::string& part : *parts) dialect_->FoldRelationName(&part);
      out->insert(SystemCatalog::Key((*parts)[0], (*parts)[1]));
    }
    return absl::OkStatus();
  };
  // The user relations, functions, operators and types that exist: a list (possibly empty) means known, an absent or
  // null key unknown.
  auto known = [&](std::string_view key) { return doc.Find(key) != nullptr && !doc.Find(key)->is_null(); };
  RLSQ_RETURN_IF_ERROR(names("relations", &model_.relations, /*relations=*/true));
  model_.relations_known = known("relations");
  RLSQ_RETURN_IF_ERROR(names("allow_relations", &model_.allow_relations, /*relations=*/true));
  RLSQ_RETURN_IF_ERROR(names("allow_functions", &model_.allow_functions));
  RLSQ_RETURN_IF_ERROR(names("functions", &model_.functions));
  model_.functions_known = known("functions");
  RLSQ_RETURN_IF_ERROR(names("types", &model_.types));
  model_.types_known = known("types");
  RLSQ_RETURN_IF_ERROR(names("allow_types", &model_.allow_types));
  // Operators: "schema.symbol", the schema a SQL identifier, the symbol an operator name (no dots).
  RLSQ_ASSIGN_OR_RETURN(const Value* operators, Member(doc, "operators", Value::Type::kArray, "document", false));
  model_.operators_known = operators != nullptr;
  if (operators) {
    for (const Value& e : operators->items()) {
      size_t dot = e.is_string() ? e.text().rfind('.') : std::string::npos;
      std::string_view symbol = dot == std::string::npos ? std::string_view() : std::string_view(e.text()).substr(dot + 1);
      if (symbol.empty() || symbol.find_first_not_of("+-*/<>=~!@#%^&|`?") != std::string_view::npos)
        return Bad("operators", Cat("entries must be written as schema.symbol, e.g. \"public.+\"", At(e)));
      auto parts = ParseNameParts(std::string_view(e.text()).substr(0, dot), *dialect_);
      if (!parts.ok() || parts->size() != 1)
        return Bad("operators", Cat("\"", e.text(), "\" must be written as schema.symbol", At(e)));
      model_.operators.insert(SystemCatalog::Key((*parts)[0], symbol));
    }
  }
  RLSQ_ASSIGN_OR_RETURN(std::string placement, StringMember(doc, "placement", "document", false));
  if (!placement.empty()) {
    auto mode = ParsePlacementMode(placement);
    if (!mode.ok()) return Bad("placement", ToStd(mode.status().message()));
    placement_ = *mode;
  }
  return absl::OkStatus();
}

absl::Status Policy::LoadRoles(const Value& doc) {
  access::ModelOptions options;
  RLSQ_ASSIGN_OR_RETURN(std::string family, StringMember(doc, "role_family", "document", false));
  if (!family.empty()) options.family = family;
  if (options.family != "superset" && options.family != "airflow")
    return Bad("role_family", Cat("must be \"superset\" or \"airflow\", not \"", options.family, "\""));
  RLSQ_ASSIGN_OR_RETURN(std::string public_role, StringMember(doc, "public_role", "document", false));
  if (!public_role.empty()) options.public_role = public_role;
  RLSQ_ASSIGN_OR_RETURN(options.public_role_like, StringMember(doc, "public_role_like", "document", false));
  RLSQ_ASSIGN_OR_RETURN(const Value* presets, Member(doc, "presets", Value::Type::kBool, "document", false));
  if (presets) options.presets = presets->boolean();

  std::vector<access::RoleSpec> specs;
  absl::flat_hash_set<std::string_view> names;
  RLSQ_ASSIGN_OR_RETURN(const Value* roles, Member(doc, "roles", Value::Type::kArray, "document", false));
  if (roles) {
    specs.reserve(roles->items().size());
    for (const Value& r : roles->items()) {
      if (!r.is_object()) return Bad("roles", Cat("each role must be an object", At(r)));
      RLSQ_RETURN_IF_ERROR(CheckKeys(r, "role", {"name", "permissions", "extends"}));
      access::RoleSpec role;
      RLSQ_ASSIGN_OR_RETURN(role.name, StringMember(r, "name", "role", true));
      std::string where = Cat("role \"", role.name, "\"");
      if (role.name.empty()) return Bad("role", Cat("empty name", At(r)));
      if (!names.insert(r.Find("name")->text()).second) return Bad(where, "defined twice");
      RLSQ_ASSIGN_OR_RETURN(const Value* perms, Member(r, "permissions", Value::Type::kArray, where, false));
      if (perms) {
        role.permission_views.reserve(perms->items().size());
        for (const Value& p : perms->items()) {
          if (!p.is_array() || p.items().size() != 2 || !p.items()[0].is_string() || !p.items()[1].is_string())
            return Bad(where, Cat("each permission must be a [permission, view_menu] pair of strings", At(p)));
          role.permission_views.emplace_back(p.items()[0].text(), p.items()[1].text());  // the document outlives Build
        }
      }
      RLSQ_ASSIGN_OR_RETURN(const Value* extends, Member(r, "extends", Value::Type::kArray, where, false));
      if (extends) {
        for (const Value& e : extends->items()) {
          if (!e.is_string()) return Bad(where, Cat("extends must list role names", At(e)));
          role.extends.push_back(std::string(e.text()));
        }
      }
      specs.push_back(std::move(role));
    }
  }
  // Datasets named by id ([db].[table](id:N)): translated once per distinct view menu, while the model interns it.
  options.translate_view = [this](std::string_view perm, std::string_view view) -> absl::StatusOr<std::string> {
    if (perm != "datasource_access") return std::string();
    RLSQ_ASSIGN_OR_RETURN(std::string_view qualified, DatasetPermission(view));
    return qualified == view ? std::string() : std::string(qualified);
  };
  auto model = access::PermissionModel::Build(specs, options);
  if (!model.ok()) return Bad("roles", ToStd(model.status().message()));
  permissions_ = std::move(*model);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint32_t>> Policy::RoleIds(const Value& list, std::string_view where) const {
  std::vector<uint32_t> ids;
  for (const Value& r : list.items()) {
    if (!r.is_string()) return Bad(where, Cat("roles must be strings", At(r)));
    std::optional<uint32_t> id = permissions_->RoleId(r.text());
    if (!id) return Bad(where, Cat("unknown role \"", r.text(), "\"", At(r)));
    ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

uint32_t Policy::InternRoleSet(std::vector<uint32_t> roles) {
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  auto it = role_set_index_.find(roles);
  if (it != role_set_index_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(role_sets_.size());
  const access::PermissionSet* perms = &permissions_->Resolve(roles);
  role_set_index_.emplace(roles, id);
  role_sets_.push_back({std::move(roles), perms});
  return id;
}

absl::Status Policy::LoadDatasets(const Value& doc) {
  RLSQ_ASSIGN_OR_RETURN(const Value* list, Member(doc, "datasets", Value::Type::kArray, "document", false));
  if (!list) return absl::OkStatus();
  NameResolver resolver(*dialect_, model_);
  for (const Value& d : list->items()) {
    if (!d.is_object()) return Bad("datasets", Cat("each dataset must be an object", At(d)));
    RLSQ_RETURN_IF_ERROR(CheckKeys(d, "dataset", {"id", "table", "schema", "database"}));
    RLSQ_ASSIGN_OR_RETURN(const Value* id, Member(d, "id", Value::Type::kNumber, "dataset", true));
    Dataset ds;
    const int64_t n = ParseDatasetId(id->text());
    if (n < 0) return Bad("dataset", Cat("\"id\" must be a non-negative integer", At(*id)));
    ds.id = n;
    const std::string where = Cat("dataset ", n);
    RLSQ_ASSIGN_OR_RETURN(std::string table, StringMember(d, "table", where, true));
    RLSQ_ASSIGN_OR_RETURN(const Value* schema, Member(d, "schema", Value::Type::kString, where, false));
    absl::StatusOr<TableName> name;
    if (schema || d.Find("schema")) {
      // Superset's columns: `schema` and `table` are the names as stored (exact case, no quoting); a null schema
      // is the connection's default, the search path.
      if (table.empty()) return Bad(where, Cat("empty table name", At(d)));
      std::vector<std::string_view> parts;
      if (schema) {
        if (schema->text().empty()) return Bad(where, Cat("empty schema name", At(*schema)));
        parts.push_back(schema->text());
      }
      parts.push_back(table);
      name = resolver.ResolveName(parts);
      if (name.ok() && dialect_->catalog().IsSystemSchema(name->schema))
        name = absl::InvalidArgumentError(Cat("table \"", table, "\" is a system relation: filters apply to datasets"));
    } else {
      name = ResolvePolicyTable(resolver, table);  // an SQL name: public.orders, "Sales".orders
    }
    if (!name.ok()) return Bad(where, ToStd(name.status().message()));
    if (!name->catalog.empty()) return Bad(where, Cat("name the database with \"database\", not in \"table\"", At(d)));
    ds.table = std::move(*name);
    RLSQ_ASSIGN_OR_RETURN(ds.database, StringMember(d, "database", where, false));
    if (ds.database.empty()) ds.database = default_database_;
    if (ds.database.empty())
      return Bad(where, Cat("names no database (give \"database\" or the policy's \"default_database\")", At(d)));
    // The view menu Superset names the dataset's permissions by: [database].[table_name](id:N).
    access::Resource perm;
    perm.kind = access::Resource::Kind::kBracketed;
    perm.parts = {ds.database, ds.table.name};
    perm.id = static_cast<uint64_t>(n);
    ds.perm = perm.ToString();
    perm.parts = {ds.database, ds.table.schema, ds.table.name};
    ds.qualified_perm = perm.ToString();
    if (!datasets_.emplace(n, std::move(ds)).second) return Bad("datasets", Cat("dataset id ", n, " is listed twice"));
  }
  return absl::OkStatus();
}

// Superset names a dataset's permission by the dataset's id, without its schema: datasource_access on
// [db].[table](id:N). The datasets key says which table that is; the permission model interns it as
// [db].[schema].[table](id:N). The view must be exactly the dataset's (Superset compares the strings): one that
// names another database or table, or an undeclared id, is an error rather than a grant of nothing.
absl::StatusOr<std::string_view> Policy::DatasetPermission(std::string_view view) const {
  if (view.size() < 2 || view.front() != '[' || view.back() != ')') return view;
  auto r = access::ParseResource(view);
  if (!r.ok() || !r->bracketed() || r->parts.size() != 2 || !r->id) return view;  // the model reports the shape
  const Dataset* ds = FindDataset(static_cast<int64_t>(*r->id));
  if (!ds)
    return absl::FailedPreconditionError(Cat("permission datasource_access on \"", view, "\" names dataset id ", *r->id,
                                             ", which \"datasets\" does not declare"));
  if (view != ds->perm)
    return absl::FailedPreconditionError(
        Cat("permission datasource_access on \"", view, "\": dataset ", ds->id, " is \"", ds->perm, "\""));
  return std::string_view(ds->qualified_perm);
}

const Policy::Dataset* Policy::FindDataset(int64_t id) const {
  auto it = datasets_.find(id);
  return it == datasets_.end() ? nullptr : &it->second;
}

absl::Status Policy::LoadUsers(const Value& doc) {
  RLSQ_ASSIGN_OR_RETURN(const Value* users, Member(doc, "users", Value::Type::kArray, "document", false));
  if (!users) return absl::OkStatus();
  for (const Value& u : users->items()) {
    if (!u.is_object()) return Bad("users", Cat("each user must be an object", At(u)));
    RLSQ_RETURN_IF_ERROR(CheckKeys(u, "user", {"username", "id", "email", "roles", "attributes"}));
    User user;
    RLSQ_ASSIGN_OR_RETURN(user.username, StringMember(u, "username", "user", true));
    std::string where = Cat("user \"", user.username, "\"");
    if (user.username.empty()) return Bad("user", Cat("empty username", At(u)));
    if (user_index_.contains(user.username)) return Bad(where, "defined twice");
    RLSQ_ASSIGN_OR_RETURN(const Value* id, Member(u, "id", Value::Type::kNumber, where, false));
    if (id) {
      try {
        size_t used = 0;
        user.id = std::stoll(std::string(id->text()), &used);
        if (used != id->text().size()) throw std::invalid_argument("not an integer");
        user.has_id = true;
      } catch (const std::exception&) {
        return Bad(where, Cat("id must be an integer", At(*id)));
      }
    }
    RLSQ_ASSIGN_OR_RETURN(user.email, StringMember(u, "email", where, false));
    RLSQ_ASSIGN_OR_RETURN(const Value* roles, Member(u, "roles", Value::Type::kArray, where, false));
    if (roles) {
      RLSQ_ASSIGN_OR_RETURN(user.roles, RoleIds(*roles, where));
    }
    user.role_set = InternRoleSet(user.roles);
    RLSQ_ASSIGN_OR_RETURN(const Value* attrs, Member(u, "attributes", Value::Type::kObject, where, false));
    if (attrs)
      for (const auto& [key, value] : attrs->members()) user.attributes.emplace_back(std::string(key), value);
    user_index_[user.username] = static_cast<uint32_t>(users_.size());
    users_.push_back(std::move(user));
  }
  return absl::OkStatus();
}

absl::Status Policy::LoadFilters(const Value& doc) {
  RLSQ_ASSIGN_OR_RETURN(const Value* filters, Member(doc, "rls_filters", Value::Type::kArray, "document", false));
  if (!filters) return absl::OkStatus();
  absl::flat_hash_set<std::string> names;
  absl::flat_hash_map<std::string, size_t> clause_memo;  // clause text -> first filter with it
  const NameResolver resolver(*dialect_, model_);
  filters_.reserve(filters_.size() + filters->items().size());  // a filter is large: no moves while growing
  for (const Value& f : filters->items()) {
    if (!f.is_object()) return Bad("rls_filters", Cat("each filter must be an object", At(f)));
    RLSQ_RETURN_IF_ERROR(
        CheckKeys(f, "filter", {"name", "filter_type", "tables", "roles", "group_key", "clause", "description"}));
    RlsFilter filter;
    RLSQ_ASSIGN_OR_RETURN(filter.name, StringMember(f, "name", "filter", true));
    std::string where = Cat("filter \"", filter.name, "\"");
    if (filter.name.empty()) return Bad("filter", Cat("empty name", At(f)));
    if (!names.insert(filter.name).second) return Bad(where, "defined twice");

    RLSQ_ASSIGN_OR_RETURN(std::string type, StringMember(f, "filter_type", where, true));
    if (type == "Regular") {
      filter.type = FilterType::kRegular;
    } else if (type == "Base") {
      filter.type = FilterType::kBase;
    } else {
      return Bad(where, Cat("filter_type must be \"Regular\" or \"Base\", not \"", type, "\""));
    }

    RLSQ_ASSIGN_OR_RETURN(const Value* tables, Member(f, "tables", Value::Type::kArray, where, true));
    if (tables->items().empty()) return Bad(where, "applies to no table (\"tables\" is empty)");
    for (const Value& t : tables->items()) {
      if (t.is_number()) {
        // A dataset id, as Superset attaches filters (rls_filter_tables.table_id): that table of that database.
        const int64_t id = ParseDatasetId(t.text());
        const Dataset* ds = id < 0 ? nullptr : FindDataset(id);
        if (!ds) return Bad(where, Cat("table ", t.text(), " is not a dataset id that \"datasets\" declares", At(t)));
        TableName name = ds->table;
        name.catalog = ds->database;
        filter.tables.push_back(std::move(name));
        continue;
      }
      if (!t.is_string()) return Bad(where, Cat("tables must be table names (strings) or dataset ids", At(t)));
      auto name = ResolvePolicyTable(resolver, t.text());
      if (!name.ok()) return Bad(where, ToStd(name.status().message()));
      filter.tables.push_back(std::move(*name));
    }

    RLSQ_ASSIGN_OR_RETURN(const Value* roles, Member(f, "roles", Value::Type::kArray, where, false));
    if (roles) {
      RLSQ_ASSIGN_OR_RETURN(filter.roles, RoleIds(*roles, where));
    }
    RLSQ_ASSIGN_OR_RETURN(filter.group_key, StringMember(f, "group_key", where, false));
    RLSQ_ASSIGN_OR_RETURN(filter.description, StringMember(f, "description", where, false));
    RLSQ_ASSIGN_OR_RETURN(filter.clause_text, StringMember(f, "clause", where, true));

    // Filters often share a clause: parse and validate each distinct text once.
    if (auto same = clause_memo.find(filter.clause_text); same != clause_memo.end()) {
      filter.clause = filters_[same->second].clause;
      filter.printed = filters_[same->second].printed;
      filters_.push_back(std::move(filter));
      continue;
    }
    RLSQ_RETURN_IF_ERROR(CompileClause(resolver, arena_, where, &filter));
    clause_memo.emplace(filter.clause_text, filters_.size());
    filters_.push_back(std::move(filter));
  }
  return absl::OkStatus();
}

namespace {

struct FoundSlot {
  size_t pos, len;
  int32_t slot;
};

// Finds the single occurrence of `needle` in `text`, or npos when it occurs zero or several times.
size_t FindOnce(const std::string& text, std::string_view needle) {
  size_t first = text.find(needle);
  if (first == std::string::npos || text.find(needle, first + 1) != std::string::npos) return std::string::npos;
  return first;
}

}  // namespace

absl::Status Policy::CompileClause(const NameResolver& resolver, Arena& arena, std::string_view where,
                                   RlsFilter* filter) {
  const Dialect& dialect = resolver.dialect();
  const std::string& text = filter->clause_text;
  const std::string cwhere = Cat(where, " clause");
  // The clause must be exactly one expression; it is injected as printed from its AST, never as written.
  if (text.find('\x01') != std::string::npos) return Bad(where, "clause contains a control character U+0001");
  if (text.find('\x02') != std::string::npos) return Bad(where, "clause contains a control character U+0002");
  auto prepared = PrepareClause(text, dialect);
  if (!prepared.ok()) return Bad(cwhere, ToStd(prepared.status().message()));
  const std::string& sql = prepared->sql;
  const bool templated = !prepared->macros.empty();
  ParseOptions options;
  options.dialect = &dialect;
  auto clause = ParseExpression(sql, arena, options);
  if (!clause.ok())
    return Bad(cwhere, templated ? Cat(ToStd(clause.status().message()), " (in the clause with each template replaced "
                                                                          "by a value: ", sql, ")")
                                 : std::string(ToStd(clause.status().message())));
  filter->clause = *clause;
  auto denied = CheckFunctionCalls(sql, *filter->clause, resolver);
  if (!denied.ok()) return Bad(cwhere, ToStd(denied.message()));
  // The tables its subqueries read, bound here: resolved on the policy's search path, printed qualified.
  auto reads = rewriter::AnalyzeExpression(sql, *filter->clause, resolver);
  if (!reads.ok()) return Bad(cwhere, ToStd(reads.status().message()));
  absl::flat_hash_map<const ast::BaseTableRef*, int32_t> nested_slot;
  std::vector<NestedRead> nested;
  for (const rewriter::TableRead& r : reads->reads) {
    if (r.placement == rewriter::Placement::kTableStatement)
      return Bad(cwhere, Cat(LocationAt(sql, r.ref->span.begin).line, ":", LocationAt(sql, r.ref->span.begin).column,
                             ": TABLE queries are not supported in clauses; write SELECT * FROM ..."));
    NestedRead n;
    n.table = r.table;
    n.key = r.table.Key();
    n.system = r.system;
    if (r.ref->only) n.table_sql = "ONLY ";
    n.table_sql += r.table.ToSql(dialect);
    if (r.ref->star) n.table_sql += " *";
    n.alias_sql = " AS ";
    dialect.AppendIdentifier(r.ref->alias ? r.ref->alias->name.text : r.ref->name.back().text, &n.alias_sql);
    if (r.ref->alias && !r.ref->alias->columns.empty()) {
      n.alias_sql += " (";
      for (size_t i = 0; i < r.ref->alias->columns.size(); ++i) {
        if (i) n.alias_sql += ", ";
        dialect.AppendIdentifier(r.ref->alias->columns[i].text, &n.alias_sql);
      }
      n.alias_sql += ')';
    }
    dialect.AppendIdentifier(r.ref->name.back().text, &n.qualifier);
    nested_slot[r.ref] = static_cast<int32_t>(nested.size());
    nested.push_back(std::move(n));
  }
  if (const ast::ColumnRef* q = FindQualified(*filter->clause)) {
    return Bad(cwhere, Cat(LocationAt(sql, q->span.begin).line, ":", LocationAt(sql, q->span.begin).column,
                           ": column references must be unqualified (rlsq qualifies them with the alias of the "
                           "table it filters)"));
  }
  // SQLite reads "x" as the string 'x' where no column x is in scope. At the clause's top level rlsq qualifies the
  // name (t."x" is always a column); in a subquery it stays unqualified, and a column of an enclosing level of the
  // caller's query could stand in for it.
  if (dialect.double_quoted_names_may_be_strings()) {
    if (const ast::ColumnRef* dq = FindDoubleQuotedInSubquery(*filter->clause, false))
      return Bad(cwhere, Cat(LocationAt(sql, dq->span.begin).line, ":", LocationAt(sql, dq->span.begin).column,
                             ": a double-quoted name in a subquery of the clause is a string in ", dialect.name(),
                             " when no column of that name is in scope, and the query could supply one: write a string "
                             "in single quotes, a name bare or in [brackets]"));
  }

  // Template values: parameters standing for regions outside strings, string literals holding regions.
  ClauseTemplate& tpl = filter->printed;
  tpl = ClauseTemplate();
  const size_t regions = prepared->macros.size();
  std::vector<int> found(regions, 0);
  std::vector<std::pair<std::string, int32_t>> needles;  // printed text of each value, and its value index
  absl::Status error;
  const uint32_t base = prepared->marker_base;
  std::function<void(ast::Node&, const ast::Node*)> visit = [&](ast::Node& n, const ast::Node* parent) {
    if (!error.ok()) return;
    if (const auto* p = n.As<ast::Param>()) {
      uint32_t i = p->index - base;
      if (!templated || p->index < base || i >= regions || prepared->in_string[i] || found[i]++) {
        error = Bad(cwhere, Cat("parameters ($", p->index, ") are not allowed in clauses"));
        return;
      }
      TemplateValue v;
      const auto* in = parent ? parent->As<ast::InList>() : nullptr;
      v.context = in && in->list.size() == 1 && in->list[0] == &n ? TemplateValue::Context::kList
                                                                  : TemplateValue::Context::kScalar;
      v.macros.push_back(prepared->macros[i]);
      if (v.context == TemplateValue::Context::kScalar && v.macros[0].kind == MacroKind::kRoles) {
        error = Bad(cwhere, "current_user_roles() is a list: use it as the whole IN list, "
                            "column IN {{ current_user_roles() }}");
        return;
      }
      needles.emplace_back(MarkerText(base, i), static_cast<int32_t>(tpl.values.size()));
      tpl.values.push_back(std::move(v));
      return;
    }
    // A string literal, plain or typed (DATE '...'), holding markers.
    std::string_view string_value;
    bool is_string = false;
    if (const auto* l = n.As<ast::Literal>(); l && l->literal_kind == ast::LiteralKind::kString) {
      string_value = l->value;
      is_string = true;
    } else if (const auto* t = n.As<ast::TypedLiteral>()) {
      string_value = t->value;
      is_string = true;
    }
    if (is_string && templated && string_value.find(prepared->marker_prefix) != std::string_view::npos) {
      TemplateValue v;
      v.context = TemplateValue::Context::kString;
      std::string_view rest = string_value;
      const size_t len = MarkerText(base, 0).size();
      std::string part;
      for (;;) {
        size_t at = rest.find(prepared->marker_prefix);
        if (at == std::string_view::npos) break;
        part.append(rest.substr(0, at));
        uint32_t index = 0;
        bool digits = rest.size() >= at + len;
        for (size_t k = at + 1; digits && k < at + len; ++k) {
          digits = rest[k] >= '0' && rest[k] <= '9';
          if (digits) index = index * 10 + (rest[k] - '0');
        }
        uint32_t i = index - base;
        if (!digits || index < base || i >= regions || !prepared->in_string[i] || found[i]++) {
          error = Bad(cwhere, "a string literal holds text that looks like a template marker");
          return;
        }
        if (prepared->macros[i].kind == MacroKind::kRoles) {
          error = Bad(cwhere, "current_user_roles() is a list and cannot stand inside a string literal");
          return;
        }
        v.text.push_back(std::move(part));
        part.clear();
        v.macros.push_back(prepared->macros[i]);
        rest.remove_prefix(at + len);
      }
      part.append(rest);
      v.text.push_back(std::move(part));
      std::string printed_literal;
      dialect.AppendStringLiteral(string_value, &printed_literal);
      needles.emplace_back(std::move(printed_literal), static_cast<int32_t>(tpl.values.size()));
      tpl.values.push_back(std::move(v));
      return;
    }
    ast::EnumerateChildren(n, [&](ast::Node& child) { visit(child, &n); });
  };
  visit(const_cast<ast::Expr&>(*filter->clause), nullptr);
  if (!error.ok()) return error;
  for (size_t i = 0; i < regions; ++i)
    if (found[i] != 1) return Bad(cwhere, "a template does not stand for exactly one value");

  std::string sentinel_quoted;
  dialect.AppendIdentifier("\x01", &sentinel_quoted);
  PrintOptions print;
  print.dialect = &dialect;
  print.qualify_columns_with = "\x01";
  print.table_ref = [&](const ast::BaseTableRef& ref, std::string* out) {
    auto it = nested_slot.find(&ref);
    if (it == nested_slot.end()) return false;  // a CTE of the clause's own
    Append(out, "\x02", it->second, "\x02");
    return true;
  };
  std::string printed = Print(*filter->clause, print);
  std::vector<FoundSlot> slots;
  for (size_t pos = printed.find(sentinel_quoted); pos != std::string::npos;
       pos = printed.find(sentinel_quoted, pos + sentinel_quoted.size()))
    slots.push_back({pos, sentinel_quoted.size(), -1});
  size_t qualifiers = slots.size();
  // The markers are \x02<digits>\x02. The clause text holds no \x02, but an identifier can (U&"\0002"): anything
  // else between two \x02 bytes, or a marker number out of range, is refused rather than misread.
  for (size_t pos = printed.find('\x02'); pos != std::string::npos;) {
    size_t end = printed.find('\x02', pos + 1);
    if (end == std::string::npos || end == pos + 1 || end - pos > 8)
      return Bad(cwhere, "cannot place a table read unambiguously (a control character U+0002 in a name?)");
    int32_t index = 0;
    for (size_t k = pos + 1; k < end; ++k) {
      if (printed[k] < '0' || printed[k] > '9')
        return Bad(cwhere, "cannot place a table read unambiguously (a control character U+0002 in a name?)");
      index = index * 10 + (printed[k] - '0');
    }
    if (static_cast<size_t>(index) >= nested.size())
      return Bad(cwhere, "cannot place a table read unambiguously (a control character U+0002 in a name?)");
    slots.push_back({pos, end + 1 - pos, -2 - index});
    pos = printed.find('\x02', end + 1);
  }
  if (slots.size() - qualifiers != nested.size()) return Bad(cwhere, "cannot place a table read unambiguously");
  tpl.nested = std::move(nested);
  for (const auto& [needle, value] : needles) {
    size_t pos = FindOnce(printed, needle);
    if (pos == std::string::npos) return Bad(cwhere, "cannot place a template value unambiguously");
    slots.push_back({pos, needle.size(), value});
  }
  std::sort(slots.begin(), slots.end(), [](const FoundSlot& a, const FoundSlot& b) { return a.pos < b.pos; });
  size_t pos = 0;
  for (const FoundSlot& s : slots) {
    if (s.pos < pos) return Bad(cwhere, "cannot place a template value unambiguously");
    tpl.text.push_back(printed.substr(pos, s.pos - pos));
    tpl.slots.push_back(s.slot);
    pos = s.pos + s.len;
  }
  tpl.text.push_back(printed.substr(pos));
  // A scalar value the printed clause already parenthesises is bound bare; otherwise it brings its own parentheses.
  for (size_t i = 0; i < tpl.slots.size(); ++i) {
    if (tpl.slots[i] < 0) continue;
    TemplateValue& v = tpl.values[tpl.slots[i]];
    v.parenthesised = !tpl.text[i].empty() && tpl.text[i].back() == '(' && !tpl.text[i + 1].empty() &&
                      tpl.text[i + 1].front() == ')';
  }
  if (qualifiers != CountQualifiable(*filter->clause)) return Bad(cwhere, "cannot be qualified unambiguously");
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> Policy::RoleSetForNames(const std::vector<std::string>& role_names) const {
  std::vector<uint32_t> ids;
  for (const std::string& name : role_names) {
    std::optional<uint32_t> id = permissions_->RoleId(name);
    if (!id) return absl::NotFoundError(Cat("unknown role \"", name, "\""));
    ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  {
    std::shared_lock<std::shared_mutex> lock(role_set_mu_);
    auto it = role_set_index_.find(ids);
    if (it != role_set_index_.end()) return it->second;
  }
  std::unique_lock<std::shared_mutex> lock(role_set_mu_);
  auto it = role_set_index_.find(ids);
  if (it != role_set_index_.end()) return it->second;
  if (role_sets_.size() == role_sets_.capacity())
    return absl::ResourceExhaustedError("too many distinct role sets given inline; reload the policy");
  uint32_t id = static_cast<uint32_t>(role_sets_.size());
  const access::PermissionSet* perms = &permissions_->Resolve(ids);
  role_sets_.push_back({ids, perms});
  role_set_index_.emplace(std::move(ids), id);
  return id;
}

UserContext Policy::ContextOf(const User& user) const {
  UserContext c;
  c.username = &user.username;
  if (user.has_id) c.id = user.id;
  c.email = &user.email;
  for (uint32_t r : user.roles) c.roles.push_back(permissions_->role_name(r));
  c.attributes = &user.attributes;
  return c;
}

UserContext Policy::AnonymousContext() const {
  UserContext c;
  c.roles.push_back(permissions_->role_name(permissions_->public_role_id()));
  return c;
}

// PostgreSQL refuses a policy whose expression reads, through other policies, the table it protects ("infinite
// recursion detected in policy"); rlsq refuses such a policy at load, whichever roles the filters name.
absl::Status Policy::CheckClauseCycles() const {
  struct Edge {
    std::string to;
    const RlsFilter* filter;
  };
  absl::flat_hash_map<std::string, std::vector<Edge>> edges;
  absl::flat_hash_map<std::string, const TableName*> names;
  for (const RlsFilter& f : filters_)
    for (const TableName& t : f.tables) {
      names.emplace(t.Key(), &t);
      for (const NestedRead& n : f.printed.nested) {
        edges[t.Key()].push_back({n.key, &f});
        names.emplace(n.key, &n.table);
      }
    }
  absl::flat_hash_map<std::string, int> state;  // 1: on the current path, 2: done
  std::vector<std::string> stack;               // the tables of the current path
  std::vector<const RlsFilter*> via;            // via[i]: the filter whose clause led to stack[i]
  std::function<absl::Status(const std::string&)> visit = [&](const std::string& key) -> absl::Status {
    state[key] = 1;
    stack.push_back(key);
    for (const Edge& e : edges[key]) {
      if (state[e.to] == 1) {
        size_t start = std::find(stack.begin(), stack.end(), e.to) - stack.begin();
        std::string shown = names[e.to]->ToSql(*dialect_), by;
        for (size_t i = start + 1; i < stack.size(); ++i) {
          Append(&shown, " -> ", names[stack[i]]->ToSql(*dialect_));
          Append(&by, by.empty() ? "" : ", ", "\"", via[i - 1]->name, "\"");
        }
        Append(&shown, " -> ", names[e.to]->ToSql(*dialect_));
        Append(&by, by.empty() ? "" : ", ", "\"", e.filter->name, "\"");
        return Bad("rls_filters", Cat("the clauses of filters ", by, " read each other's tables in a cycle (", shown,
                                      "): PostgreSQL refuses such policies as infinite recursion"));
      }
      if (state[e.to] == 0) {
        via.push_back(e.filter);
        RLSQ_RETURN_IF_ERROR(visit(e.to));
        via.pop_back();
      }
    }
    stack.pop_back();
    state[key] = 2;
    return absl::OkStatus();
  };
  std::vector<std::string> starts;
  for (const auto& [key, list] : edges) starts.push_back(key);
  std::sort(starts.begin(), starts.end());  // a deterministic message
  for (const std::string& key : starts)
    if (state[key] == 0) RLSQ_RETURN_IF_ERROR(visit(key));
  return absl::OkStatus();
}

namespace {
// The interned key of a table for the filters that name its database: database, U+001E, TableName::Key(). The
// database is compared without ASCII case: the name in a filter is an SQL identifier (folded unless quoted), the
// request's is Superset's database_name as written ("Examples"); matching more names filters more, never less.
std::string DatabaseTableKey(std::string_view database, std::string_view table_key) {
  std::string key = Cat(database, std::string_view("\x1e", 1), table_key);
  for (size_t i = 0; i < database.size(); ++i) key[i] = AsciiLowerChar(key[i]);
  return key;
}
}  // namespace

void Policy::IndexFilters() {
  // Filters that name no database: one id per table. Filters that name one: one id per database and table, whose
  // list also holds the table's filters that name no database (in filter order, as if written together).
  std::vector<std::pair<uint32_t, std::string>> scoped;  // (id, the table's key without the database)
  for (uint32_t f = 0; f < filters_.size(); ++f) {
    for (const TableName& t : filters_[f].tables) {
      std::string key = t.catalog.empty() ? t.Key() : DatabaseTableKey(t.catalog, t.Key());
      auto [it, inserted] = table_ids_.emplace(key, static_cast<uint32_t>(filters_by_table_.size()));
      if (inserted) {
        filters_by_table_.emplace_back();
        if (!t.catalog.empty()) scoped.emplace_back(it->second, t.Key());
      }
      auto& list = filters_by_table_[it->second];
      if (list.empty() || list.back() != f) list.push_back(f);  // a filter naming one table twice counts once
    }
  }
  has_scoped_filters_ = !scoped.empty();
  for (const auto& [id, key] : scoped) {
    auto generic = table_ids_.find(key);
    if (generic == table_ids_.end()) continue;
    std::vector<uint32_t>& list = filters_by_table_[id];
    const std::vector<uint32_t>& all = filters_by_table_[generic->second];
    std::vector<uint32_t> merged;
    std::merge(list.begin(), list.end(), all.begin(), all.end(), std::back_inserter(merged));
    merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
    list = std::move(merged);
  }
  // Room for every known role set on every filtered table, bounded (16 bytes a slot).
  size_t want = 2 * role_sets_.size() * std::max<size_t>(1, filters_by_table_.size());
  predicate_cache_ = std::make_unique<InsertOnlyCache<Predicate>>(std::min<size_t>(want, size_t{1} << 20));
}

void Policy::ComputePredicate(uint32_t role_set, int32_t table_id, Predicate* out) const {
  out->terms.clear();
  if (table_id < 0 || static_cast<size_t>(table_id) >= filters_by_table_.size()) return;
  const std::vector<uint32_t>& held = role_sets_[role_set].roles;  // sorted
  for (uint32_t fi : filters_by_table_[table_id]) {
    const RlsFilter& f = filters_[fi];
    bool holds_one = false;
    for (uint32_t r : f.roles)
      if (std::binary_search(held.begin(), held.end(), r)) {
        holds_one = true;
        break;
      }
    bool applies = f.type == FilterType::kRegular ? holds_one : !holds_one;
    if (!applies) continue;
    Predicate::Term* term = nullptr;
    if (!f.group_key.empty())
      for (auto& existing : out->terms)
        if (existing.group_key == f.group_key) term = &existing;
    if (!term) {
      out->terms.push_back({f.group_key, {}});
      term = &out->terms.back();
    }
    term->filters.push_back(&f);
  }
}

const Predicate* Policy::PredicateFor(uint32_t role_set, int32_t table_id,
                                      std::vector<std::unique_ptr<Predicate>>* overflow) const {
  if (table_id < 0) return nullptr;
  const uint64_t key = (uint64_t{role_set} + 1) << 32 | static_cast<uint32_t>(table_id);
  const Predicate* p = predicate_cache_->Find(key);
  if (!p) {
    auto computed = std::make_unique<Predicate>();
    ComputePredicate(role_set, table_id, computed.get());
    p = predicate_cache_->Insert(key, std::move(computed));
    if (!p) {  // cache full: computed per request, kept by the caller
      overflow->push_back(std::make_unique<Predicate>());
      ComputePredicate(role_set, table_id, overflow->back().get());
      p = overflow->back().get();
    }
  }
  return p->empty() ? nullptr : p;
}

const Predicate* Policy::PredicateFor(int user_index, std::string_view table_key) const {
  if (user_index < 0 || static_cast<size_t>(user_index) >= users_.size()) return nullptr;
  std::lock_guard<std::mutex> lock(overflow_mu_);  // the overflow entries live as long as the policy
  return PredicateFor(users_[user_index].role_set, TableId(table_key), &overflow_);
}

int32_t Policy::TableId(std::string_view table_key) const {
  auto it = table_ids_.find(ToAbsl(table_key));
  return it == table_ids_.end() ? -1 : static_cast<int32_t>(it->second);
}

int32_t Policy::TableId(std::string_view database, std::string_view table_key) const {
  if (has_scoped_filters_ && !database.empty()) {
    auto it = table_ids_.find(ToAbsl(DatabaseTableKey(database, table_key)));
    if (it != table_ids_.end()) return static_cast<int32_t>(it->second);
  }
  return TableId(table_key);
}

const User* Policy::FindUser(std::string_view username) const {
  int i = UserIndex(username);
  return i < 0 ? nullptr : &users_[i];
}

int Policy::UserIndex(std::string_view username) const {
  auto it = user_index_.find(ToAbsl(username));
  return it == user_index_.end() ? -1 : static_cast<int>(it->second);
}

}  // namespace rlsq::policy
