#include "lib/policy/policy.h"

#include <fstream>
#include <functional>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "lib/common/str_cat.h"
#include "lib/ast/ast_util.h"
#include "lib/common/status.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "lib/safety/function_check.h"

namespace rlsq::policy {

namespace {

using json::Value;

absl::Status Bad(std::string_view where, std::string_view what) {
  return absl::FailedPreconditionError(Cat("bad policy: ", where, ": ", what));
}
std::string At(const Value& v) { return Cat(" (line ", v.line, ", column ", v.column, ")"); }

// Rejects members other than `allowed`: a misspelled key would otherwise silently change what is enforced.
absl::Status CheckKeys(const Value& obj, std::string_view where, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.members) {
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

absl::StatusOr<const Value*> Member(const Value& obj, std::string_view key, Value::Type type, std::string_view where,
                                    bool required) {
  const Value* v = obj.Find(key);
  if (!v || (v->is_null() && !required)) {
    if (required) return Bad(where, Cat("missing field \"", key, "\"", At(obj)));
    return nullptr;
  }
  if (v->type != type)
    return Bad(where, Cat("field \"", key, "\" must be a ", json::TypeName(type), ", not a ",
                                   json::TypeName(v->type), At(*v)));
  return v;
}

absl::StatusOr<std::string> StringMember(const Value& obj, std::string_view key, std::string_view where,
                                         bool required) {
  RLSQ_ASSIGN_OR_RETURN(const Value* v, Member(obj, key, Value::Type::kString, where, required));
  return v ? v->text : std::string();
}

// Counts the column references a clause template must qualify: unqualified, non-star, outside subqueries.
size_t CountQualifiable(const ast::Node& n) {
  if (n.Is<ast::SubqueryExpr>()) {
    const auto& s = n.Cast<ast::SubqueryExpr>();
    return s.lhs ? CountQualifiable(*s.lhs) : 0;
  }
  if (const auto* c = n.As<ast::ColumnRef>()) return c->parts.size() == 1 && !c->star ? 1 : 0;
  size_t count = 0;
  ast::EnumerateChildren(const_cast<ast::Node&>(n), [&](ast::Node& child) { count += CountQualifiable(child); });
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

}  // namespace

void ClauseTemplate::Render(std::string_view qualifier, std::string* out) const {
  for (size_t i = 0; i < text.size(); ++i) {
    if (i) out->append(qualifier);
    out->append(text[i]);
  }
}

void Predicate::Render(std::string_view qualifier, std::string* out) const {
  for (size_t t = 0; t < terms.size(); ++t) {
    if (t) out->append(" AND ");
    const Term& term = terms[t];
    if (term.filters.size() > 1) out->push_back('(');
    for (size_t f = 0; f < term.filters.size(); ++f) {
      if (f) out->append(" OR ");
      out->push_back('(');
      term.filters[f]->printed.Render(qualifier, out);
      out->push_back(')');
    }
    if (term.filters.size() > 1) out->push_back(')');
  }
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromJson(std::string_view text, const Dialect& dialect) {
  auto doc = json::Parse(text);
  if (!doc.ok()) return Bad("JSON", ToStd(doc.status().message()));
  std::shared_ptr<Policy> p(new Policy());
  p->dialect_ = &dialect;
  RLSQ_RETURN_IF_ERROR(p->Load(*doc));
  return std::shared_ptr<const Policy>(std::move(p));
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromFile(const std::string& path, const Dialect& dialect) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(Cat("bad policy: cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return FromJson(ss.str(), dialect);
}

absl::Status Policy::Load(const Value& doc) {
  if (!doc.is_object()) return Bad("document", "must be a JSON object");
  RLSQ_RETURN_IF_ERROR(CheckKeys(doc, "document",
                                 {"default_schema", "default_database", "role_family", "public_role",
                                  "public_role_like", "roles", "users", "rls_filters"}));
  RLSQ_ASSIGN_OR_RETURN(default_database_, StringMember(doc, "default_database", "document", false));
  RLSQ_ASSIGN_OR_RETURN(std::string schema, StringMember(doc, "default_schema", "document", false));
  if (!schema.empty()) {
    // The default schema is written as a SQL identifier: `public`, or `"Sales"` for a case-sensitive one.
    auto parsed = ParseTableName(schema, *dialect_, "");
    if (!parsed.ok() || !parsed->catalog.empty() || !parsed->schema.empty())
      return Bad("default_schema", Cat("\"", schema, "\" is not a schema name"));
    default_schema_ = parsed->name;
  }
  RLSQ_RETURN_IF_ERROR(LoadRoles(doc));
  public_role_set_ = InternRoleSet({permissions_->public_role_id()});
  RLSQ_RETURN_IF_ERROR(LoadUsers(doc));
  RLSQ_RETURN_IF_ERROR(LoadFilters(doc));
  IndexFilters();
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

  std::vector<access::RoleSpec> specs;
  RLSQ_ASSIGN_OR_RETURN(const Value* roles, Member(doc, "roles", Value::Type::kArray, "document", false));
  if (roles) {
    for (const Value& r : roles->items) {
      if (!r.is_object()) return Bad("roles", Cat("each role must be an object", At(r)));
      RLSQ_RETURN_IF_ERROR(CheckKeys(r, "role", {"name", "permissions", "extends"}));
      access::RoleSpec role;
      RLSQ_ASSIGN_OR_RETURN(role.name, StringMember(r, "name", "role", true));
      std::string where = Cat("role \"", role.name, "\"");
      if (role.name.empty()) return Bad("role", Cat("empty name", At(r)));
      for (const auto& existing : specs)
        if (existing.name == role.name) return Bad(where, "defined twice");
      RLSQ_ASSIGN_OR_RETURN(const Value* perms, Member(r, "permissions", Value::Type::kArray, where, false));
      if (perms) {
        for (const Value& p : perms->items) {
          if (!p.is_array() || p.items.size() != 2 || !p.items[0].is_string() || !p.items[1].is_string())
            return Bad(where, Cat("each permission must be a [permission, view_menu] pair of strings", At(p)));
          role.permissions.emplace_back(p.items[0].text, p.items[1].text);
        }
      }
      RLSQ_ASSIGN_OR_RETURN(const Value* extends, Member(r, "extends", Value::Type::kArray, where, false));
      if (extends) {
        for (const Value& e : extends->items) {
          if (!e.is_string()) return Bad(where, Cat("extends must list role names", At(e)));
          role.extends.push_back(e.text);
        }
      }
      specs.push_back(std::move(role));
    }
  }
  auto model = access::PermissionModel::Build(specs, options);
  if (!model.ok()) return Bad("roles", ToStd(model.status().message()));
  permissions_ = std::move(*model);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint32_t>> Policy::RoleIds(const Value& list, std::string_view where) const {
  std::vector<uint32_t> ids;
  for (const Value& r : list.items) {
    if (!r.is_string()) return Bad(where, Cat("roles must be strings", At(r)));
    std::optional<uint32_t> id = permissions_->RoleId(r.text);
    if (!id) return Bad(where, Cat("unknown role \"", r.text, "\"", At(r)));
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

absl::Status Policy::LoadUsers(const Value& doc) {
  RLSQ_ASSIGN_OR_RETURN(const Value* users, Member(doc, "users", Value::Type::kArray, "document", false));
  if (!users) return absl::OkStatus();
  for (const Value& u : users->items) {
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
        user.id = std::stoll(id->text, &used);
        if (used != id->text.size()) throw std::invalid_argument("not an integer");
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
    if (attrs) user.attributes = attrs->members;
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
  std::string sentinel_quoted;
  dialect_->AppendIdentifier("\x01", &sentinel_quoted);
  for (const Value& f : filters->items) {
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
    if (tables->items.empty()) return Bad(where, "applies to no table (\"tables\" is empty)");
    for (const Value& t : tables->items) {
      if (!t.is_string()) return Bad(where, Cat("tables must be strings", At(t)));
      auto name = ParseTableName(t.text, *dialect_, default_schema_);
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
    // The clause must be exactly one expression; it is injected as printed from its AST, never as written.
    if (filter.clause_text.find('\x01') != std::string::npos)
      return Bad(where, "clause contains a control character U+0001");
    ParseOptions options;
    options.dialect = dialect_;
    auto clause = ParseExpression(filter.clause_text, arena_, options);
    if (!clause.ok()) return Bad(Cat(where, " clause"), ToStd(clause.status().message()));
    filter.clause = *clause;
    auto denied = CheckFunctionCalls(filter.clause_text, *filter.clause, *dialect_);
    if (!denied.ok()) return Bad(Cat(where, " clause"), ToStd(denied.message()));
    if (const ast::ColumnRef* q = FindQualified(*filter.clause)) {
      return Bad(Cat(where, " clause"),
                 Cat(LocationAt(filter.clause_text, q->span.begin).line, ":",
                              LocationAt(filter.clause_text, q->span.begin).column,
                              ": column references must be unqualified (rlsq qualifies them with the alias of the "
                              "table it filters)"));
    }
    PrintOptions print;
    print.dialect = dialect_;
    print.qualify_columns_with = "\x01";
    std::string printed = Print(*filter.clause, print);
    size_t pos = 0;
    for (;;) {
      size_t next = printed.find(sentinel_quoted, pos);
      filter.printed.text.push_back(printed.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
      if (next == std::string::npos) break;
      pos = next + sentinel_quoted.size();
    }
    if (filter.printed.text.size() - 1 != CountQualifiable(*filter.clause))
      return Bad(Cat(where, " clause"), "cannot be qualified unambiguously");
    clause_memo.emplace(filter.clause_text, filters_.size());
    filters_.push_back(std::move(filter));
  }
  return absl::OkStatus();
}

void Policy::IndexFilters() {
  for (uint32_t f = 0; f < filters_.size(); ++f) {
    for (const TableName& t : filters_[f].tables) {
      auto [it, inserted] = table_ids_.emplace(t.Key(), static_cast<uint32_t>(filters_by_table_.size()));
      if (inserted) filters_by_table_.emplace_back();
      auto& list = filters_by_table_[it->second];
      if (list.empty() || list.back() != f) list.push_back(f);  // a filter naming one table twice counts once
    }
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

const User* Policy::FindUser(std::string_view username) const {
  int i = UserIndex(username);
  return i < 0 ? nullptr : &users_[i];
}

int Policy::UserIndex(std::string_view username) const {
  auto it = user_index_.find(ToAbsl(username));
  return it == user_index_.end() ? -1 : static_cast<int>(it->second);
}

}  // namespace rlsq::policy
