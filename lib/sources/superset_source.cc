#include "lib/sources/superset_source.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "lib/access/presets.h"
#include "lib/access/resource.h"
#include "lib/common/status.h"
#include "lib/common/str_cat.h"

namespace rlsq::sources {
namespace {

using json::Value;

absl::Status Schema(std::string_view what) {
  return absl::FailedPreconditionError(Cat("bad policy: Superset metadata database: ", what));
}
absl::Status BadRow(std::string_view what) {
  return absl::FailedPreconditionError(Cat("bad policy: Superset metadata: ", what));
}

Value Str(std::string_view s) { return Value::String(s); }
Value Num(int64_t n) { return Value::Number(Cat(n)); }
Value Null() { return Value(); }
Value Array() { return Value::Array(); }
Value Object() { return Value::Object(); }
void Put(Value* obj, std::string_view key, Value v) { obj->Add(key, std::move(v)); }

// An integer column (ids): NULL or text that is not a decimal integer is refused.
absl::StatusOr<int64_t> Int(const std::optional<std::string>& v, std::string_view what) {
  if (!v || v->empty() || v->size() > 18) return BadRow(Cat(what, " is ", v ? Cat("\"", *v, "\"") : "NULL"));
  int64_t n = 0;
  size_t i = (*v)[0] == '-' ? 1 : 0;
  if (i == v->size()) return BadRow(Cat(what, " is \"", *v, "\""));
  for (; i < v->size(); ++i) {
    char c = (*v)[i];
    if (c < '0' || c > '9') return BadRow(Cat(what, " is \"", *v, "\""));
    n = n * 10 + (c - '0');
  }
  return (*v)[0] == '-' ? -n : n;
}

// A boolean column as each backend prints it: 1/0 (SQLite, MySQL), t/f (PostgreSQL).
bool Truthy(const std::optional<std::string>& v) { return v && (*v == "1" || *v == "t" || *v == "true"); }

bool Blank(const std::optional<std::string>& v) {
  return !v || v->find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string Bracketed(std::vector<std::string> parts, std::optional<uint64_t> id = std::nullopt) {
  access::Resource r;
  r.kind = access::Resource::Kind::kBracketed;
  r.parts = std::move(parts);
  r.id = id;
  return r.ToString();
}

constexpr const char* kRequired[] = {"dbs", "tables", "ab_role", "ab_user", "ab_user_role", "ab_permission",
                                     "ab_view_menu", "ab_permission_view", "ab_permission_view_role",
                                     "row_level_security_filters", "rls_filter_roles", "rls_filter_tables"};
constexpr const char* kGroupTables[] = {"ab_group", "ab_user_group", "ab_group_role"};

struct Columns {
  std::set<std::string> names;
  bool has(std::string_view c) const { return names.contains(std::string(c)); }
};

// Bounded warnings: the first few of each kind, then a count.
class Warnings {
 public:
  void Add(const std::string& kind, std::string text) {
    int& n = counts_[kind];
    if (++n <= 5) out_.push_back(std::move(text));
  }
  std::vector<std::string> Take() {
    for (const auto& [kind, n] : counts_)
      if (n > 5) out_.push_back(Cat("... and ", n - 5, " more: ", kind));
    return std::move(out_);
  }

 private:
  std::map<std::string, int> counts_;
  std::vector<std::string> out_;
};

}  // namespace

std::vector<std::string> SupersetTables(bool groups) {
  std::vector<std::string> out(std::begin(kRequired), std::end(kRequired));
  if (groups) out.insert(out.end(), std::begin(kGroupTables), std::end(kGroupTables));
  return out;
}

absl::StatusOr<SupersetSnapshot> ReadSupersetMetadata(Connection& conn, const Value& settings) {
  // The settings: every policy key the metadata does not hold.
  if (!settings.is_null() && !settings.is_object()) return BadRow("the settings must be an object");
  for (const auto& [key, unused] : settings.members())
    if (key == "roles" || key == "users" || key == "datasets" || key == "rls_filters" || key == "presets")
      return absl::FailedPreconditionError(
          Cat("bad policy: settings: \"", key, "\" comes from the Superset metadata database, not the settings"));

  RLSQ_RETURN_IF_ERROR(conn.BeginSnapshot());
  struct EndOnExit {
    Connection& c;
    bool ended = false;
    ~EndOnExit() {
      if (!ended) (void)c.End();
    }
  } end_on_exit{conn};

  // 1. The schema: which Superset version wrote it.
  std::vector<std::string> missing;
  for (const char* t : kRequired) {
    RLSQ_ASSIGN_OR_RETURN(bool has, conn.HasTable(t));
    if (!has) missing.push_back(t);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) Append(&list, list.empty() ? "" : ", ", m);
    return Schema(Cat("missing tables ", list, " (is this Superset's SQLALCHEMY_DATABASE_URI, upgraded with "
                                              "`superset db upgrade`?)"));
  }
  int groups = 0;
  for (const char* t : kGroupTables) {
    RLSQ_ASSIGN_OR_RETURN(bool has, conn.HasTable(t));
    groups += has;
  }
  if (groups != 0 && groups != 3) return Schema("some but not all of ab_group, ab_user_group, ab_group_role exist");
  auto columns = [&](const char* table, std::initializer_list<const char*> required) -> absl::StatusOr<Columns> {
    RLSQ_ASSIGN_OR_RETURN(std::vector<std::string> names, conn.Columns(table));
    Columns c{std::set<std::string>(names.begin(), names.end())};
    std::string absent;
    for (const char* r : required)
      if (!c.has(r)) Append(&absent, absent.empty() ? "" : ", ", r);
    if (!absent.empty()) return Schema(Cat("table ", table, " has no column ", absent));
    return c;
  };
  RLSQ_ASSIGN_OR_RETURN(Columns tables_cols, columns("tables", {"id", "table_name", "schema", "database_id"}));
  RLSQ_ASSIGN_OR_RETURN(Columns filter_cols, columns("row_level_security_filters", {"id", "filter_type", "clause"}));
  RLSQ_ASSIGN_OR_RETURN(Columns user_cols, columns("ab_user", {"id", "username"}));
  RLSQ_RETURN_IF_ERROR(columns("dbs", {"id", "database_name"}).status());
  RLSQ_RETURN_IF_ERROR(columns("ab_role", {"id", "name"}).status());
  RLSQ_RETURN_IF_ERROR(columns("ab_user_role", {"user_id", "role_id"}).status());
  RLSQ_RETURN_IF_ERROR(columns("rls_filter_roles", {"role_id", "rls_filter_id"}).status());
  RLSQ_RETURN_IF_ERROR(columns("rls_filter_tables", {"table_id", "rls_filter_id"}).status());
  RLSQ_RETURN_IF_ERROR(columns("ab_permission", {"id", "name"}).status());
  RLSQ_RETURN_IF_ERROR(columns("ab_view_menu", {"id", "name"}).status());
  RLSQ_RETURN_IF_ERROR(columns("ab_permission_view", {"id", "permission_id", "view_menu_id"}).status());
  RLSQ_RETURN_IF_ERROR(columns("ab_permission_view_role", {"permission_view_id", "role_id"}).status());
  if (groups) {
    RLSQ_RETURN_IF_ERROR(columns("ab_user_group", {"user_id", "group_id"}).status());
    RLSQ_RETURN_IF_ERROR(columns("ab_group_role", {"group_id", "role_id"}).status());
  }
  SupersetSnapshot out;
  out.schema = Cat("catalog column: ", tables_cols.has("catalog") ? "yes" : "no",
                   ", groups: ", groups ? "yes" : "no", ", filter names: ", filter_cols.has("name") ? "yes" : "no");
  Warnings warn;

  // 2. Databases and datasets.
  // Every name quoted as the backend quotes identifiers (MySQL reserves SCHEMA, for one).
  auto q = [&](std::string_view name) { return conn.QuoteIdentifier(name); };
  auto opt = [&](const Columns& c, std::string_view name) { return c.has(name) ? q(name) : std::string("NULL"); };
  RLSQ_ASSIGN_OR_RETURN(auto db_rows, conn.Query(Cat("SELECT ", q("id"), ", ", q("database_name"), " FROM ", q("dbs"))));
  absl::flat_hash_map<int64_t, std::string> db_names;
  absl::flat_hash_map<std::string, std::string> database_perms;  // [name].(id:N) -> [name]
  for (const Row& r : db_rows) {
    RLSQ_ASSIGN_OR_RETURN(int64_t id, Int(r[0], "dbs.id"));
    if (!r[1] || r[1]->empty()) return BadRow(Cat("database ", id, " has no database_name"));
    db_names[id] = *r[1];
    database_perms[Cat(Bracketed({*r[1]}), ".(id:", id, ")")] = Bracketed({*r[1]});
  }
  std::string table_sql = Cat("SELECT ", q("id"), ", ", q("table_name"), ", ", q("schema"), ", ", q("database_id"),
                              ", ", opt(tables_cols, "sql"), ", ", opt(tables_cols, "perm"), " FROM ", q("tables"));
  RLSQ_ASSIGN_OR_RETURN(auto table_rows, conn.Query(table_sql));
  struct Dataset {
    std::string database, schema, table;
    bool has_schema = false, is_virtual = false;
  };
  std::map<int64_t, Dataset> datasets;
  absl::flat_hash_map<std::string, int64_t> dataset_perms;  // view menu -> dataset id
  for (const Row& r : table_rows) {
    RLSQ_ASSIGN_OR_RETURN(int64_t id, Int(r[0], "tables.id"));
    RLSQ_ASSIGN_OR_RETURN(int64_t db, Int(r[3], Cat("tables.database_id of dataset ", id)));
    auto name = db_names.find(db);
    if (name == db_names.end()) return BadRow(Cat("dataset ", id, " names database id ", db, ", which dbs lacks"));
    if (!r[1] || r[1]->empty()) return BadRow(Cat("dataset ", id, " has no table_name"));
    Dataset d;
    d.database = name->second;
    d.table = *r[1];
    d.has_schema = r[2] && !r[2]->empty();
    if (d.has_schema) d.schema = *r[2];
    d.is_virtual = !Blank(r[4]);
    const std::string perm = Bracketed({d.database, d.table}, static_cast<uint64_t>(id));
    dataset_perms[perm] = id;
    if (r[5] && !r[5]->empty()) dataset_perms[*r[5]] = id;  // Superset checks the stored string
    datasets[id] = std::move(d);
  }
  Value datasets_doc = Array();
  for (const auto& [id, d] : datasets) {
    if (d.is_virtual) continue;
    Value e = Object();
    Put(&e, "id", Num(id));
    Put(&e, "database", Str(d.database));
    Put(&e, "schema", d.has_schema ? Str(d.schema) : Null());
    Put(&e, "table", Str(d.table));
    datasets_doc.Append(std::move(e));
  }

  // 3. Roles and their permissions.
  RLSQ_ASSIGN_OR_RETURN(auto role_rows, conn.Query(Cat("SELECT ", q("id"), ", ", q("name"), " FROM ", q("ab_role"))));
  std::map<int64_t, std::string> role_names;
  for (const Row& r : role_rows) {
    RLSQ_ASSIGN_OR_RETURN(int64_t id, Int(r[0], "ab_role.id"));
    if (!r[1] || r[1]->empty()) return BadRow(Cat("role ", id, " has no name"));
    role_names[id] = *r[1];
  }
  // Each (permission, view menu) pair once, translated to what the policy grants; then the roles' pairs by id (a
  // million rows of two integers at 10k roles).
  RLSQ_ASSIGN_OR_RETURN(auto pv_rows,
                        conn.Query(Cat("SELECT pv.", q("id"), ", p.", q("name"), ", v.", q("name"), " FROM ",
                                       q("ab_permission_view"), " pv JOIN ", q("ab_permission"), " p ON p.", q("id"),
                                       " = pv.", q("permission_id"), " JOIN ", q("ab_view_menu"), " v ON v.", q("id"),
                                       " = pv.", q("view_menu_id"), " ORDER BY pv.", q("id"))));
  std::vector<std::pair<std::string, std::string>>& granted = out.strings.grants;  // what each pair grants
  absl::flat_hash_map<int64_t, uint32_t> pair_of_pv;  // permission_view id -> index into `granted`
  std::map<std::pair<std::string, std::string>, uint32_t> pair_index;
  for (const Row& r : pv_rows) {
    if (!r[0] || !r[1] || !r[2]) continue;
    RLSQ_ASSIGN_OR_RETURN(int64_t pv, Int(r[0], "ab_permission_view.id"));
    const std::string& perm = *r[1];
    const std::string& view = *r[2];
    std::pair<std::string, std::string> t;  // empty first: grants nothing
    if (perm == "datasource_access") {
      auto ds = dataset_perms.find(view);
      if (ds == dataset_perms.end()) {
        warn.Add("datasource_access on no dataset",
                 Cat("datasource_access on \"", view, "\" names no dataset (renamed or deleted): it grants nothing"));
      } else if (datasets[ds->second].is_virtual) {
        warn.Add("datasource_access on virtual datasets",
                 Cat("datasource_access on \"", view, "\" is a virtual dataset's: it grants no table"));
      } else {
        const Dataset& d = datasets[ds->second];
        t = {perm, Bracketed({d.database, d.table}, static_cast<uint64_t>(ds->second))};
      }
    } else if (perm == "database_access") {
      auto db = database_perms.find(view);
      if (db == database_perms.end())
        warn.Add("database_access on no database",
                 Cat("database_access on \"", view, "\" names no database (renamed or deleted): it grants nothing"));
      else
        t = {perm, db->second};
    } else if (access::IsKnownPermissionName("superset", perm) && access::ParseResource(view).ok()) {
      t = {perm, view};
    } else {
      warn.Add("unknown permissions", Cat("permission \"", perm, "\" on \"", view, "\" is not one rlsq models: left out"));
    }
    if (t.first.empty()) continue;
    auto [it, added] = pair_index.emplace(t, static_cast<uint32_t>(granted.size()));
    if (added) granted.push_back(std::move(t));
    pair_of_pv[pv] = it->second;
  }
  RLSQ_ASSIGN_OR_RETURN(auto grant_rows, conn.Query(Cat("SELECT ", q("role_id"), ", ", q("permission_view_id"),
                                                        " FROM ", q("ab_permission_view_role"))));
  absl::flat_hash_map<int64_t, std::vector<uint32_t>> grants;
  for (const Row& r : grant_rows) {
    if (!r[0] || !r[1]) continue;
    RLSQ_ASSIGN_OR_RETURN(int64_t role, Int(r[0], "ab_permission_view_role.role_id"));
    RLSQ_ASSIGN_OR_RETURN(int64_t pv, Int(r[1], "ab_permission_view_role.permission_view_id"));
    auto p = pair_of_pv.find(pv);
    if (p == pair_of_pv.end() || !role_names.contains(role)) continue;  // dangling, or grants nothing
    grants[role].push_back(p->second);
  }
  // Ordered by the pairs' text, so that equal metadata gives an equal document (and digest). The strings are
  // borrowed from the snapshot, which keeps them as long as the document.
  std::vector<uint32_t> rank(granted.size());
  {
    uint32_t k = 0;
    for (const auto& [pair, index] : pair_index) rank[index] = k++;
  }
  Value roles_doc = Array();
  for (const auto& [id, name] : role_names) {
    Value role = Object();
    Put(&role, "name", Str(name));
    Value perms = Array();
    auto g = grants.find(id);
    if (g != grants.end()) {
      std::vector<uint32_t>& list = g->second;
      std::sort(list.begin(), list.end(), [&](uint32_t a, uint32_t b) { return rank[a] < rank[b]; });
      list.erase(std::unique(list.begin(), list.end()), list.end());
      perms.ReserveItems(list.size());
      for (uint32_t i : list) {
        Value pair = Array();
        pair.ReserveItems(2);
        pair.Append(Value::BorrowedString(granted[i].first));
        pair.Append(Value::BorrowedString(granted[i].second));
        perms.Append(std::move(pair));
      }
    }
    Put(&role, "permissions", std::move(perms));
    roles_doc.Append(std::move(role));
  }

  // 4. Users: their own roles and their groups' (FAB's get_user_roles).
  RLSQ_ASSIGN_OR_RETURN(auto user_rows,
                        conn.Query(Cat("SELECT ", q("id"), ", ", q("username"), ", ", opt(user_cols, "email"), ", ",
                                       user_cols.has("active") ? q("active") : "1", " FROM ", q("ab_user"))));
  std::string membership = Cat("SELECT ", q("user_id"), ", ", q("role_id"), " FROM ", q("ab_user_role"));
  if (groups)
    Append(&membership, " UNION SELECT ug.", q("user_id"), ", gr.", q("role_id"), " FROM ", q("ab_user_group"),
           " ug JOIN ", q("ab_group_role"), " gr ON gr.", q("group_id"), " = ug.", q("group_id"));
  RLSQ_ASSIGN_OR_RETURN(auto member_rows, conn.Query(membership));
  std::map<int64_t, std::set<std::string>> user_roles;
  for (const Row& r : member_rows) {
    if (!r[0] || !r[1]) continue;
    RLSQ_ASSIGN_OR_RETURN(int64_t user, Int(r[0], "ab_user_role.user_id"));
    RLSQ_ASSIGN_OR_RETURN(int64_t role, Int(r[1], "ab_user_role.role_id"));
    auto name = role_names.find(role);
    if (name != role_names.end()) user_roles[user].insert(name->second);
  }
  Value users_doc = Array();
  std::set<std::string> usernames;
  for (const Row& r : user_rows) {
    RLSQ_ASSIGN_OR_RETURN(int64_t id, Int(r[0], "ab_user.id"));
    if (!r[1] || r[1]->empty()) return BadRow(Cat("user ", id, " has no username"));
    if (!Truthy(r[3])) continue;  // inactive: cannot log in to Superset, unknown to rlsq
    if (!usernames.insert(*r[1]).second) return BadRow(Cat("username \"", *r[1], "\" appears twice"));
    Value u = Object();
    Put(&u, "username", Str(*r[1]));
    Put(&u, "id", Num(id));
    if (r[2] && !r[2]->empty()) Put(&u, "email", Str(*r[2]));
    Value roles = Array();
    for (const std::string& name : user_roles[id]) roles.Append(Str(name));
    Put(&u, "roles", std::move(roles));
    users_doc.Append(std::move(u));
  }

  // 5. RLS filters, attached to datasets by id and to roles.
  RLSQ_ASSIGN_OR_RETURN(
      auto filter_rows,
      conn.Query(Cat("SELECT ", q("id"), ", ", q("filter_type"), ", ", q("clause"), ", ", opt(filter_cols, "name"), ", ",
                     opt(filter_cols, "group_key"), ", ", opt(filter_cols, "description"), " FROM ",
                     q("row_level_security_filters"))));
  RLSQ_ASSIGN_OR_RETURN(auto filter_role_rows, conn.Query(Cat("SELECT ", q("rls_filter_id"), ", ", q("role_id"), " FROM ",
                                                              q("rls_filter_roles"))));
  RLSQ_ASSIGN_OR_RETURN(auto filter_table_rows, conn.Query(Cat("SELECT ", q("rls_filter_id"), ", ", q("table_id"),
                                                               " FROM ", q("rls_filter_tables"))));
  std::map<int64_t, std::set<std::string>> filter_roles;
  for (const Row& r : filter_role_rows) {
    if (!r[0] || !r[1]) continue;  // Superset's migration deletes these; they attach nothing
    RLSQ_ASSIGN_OR_RETURN(int64_t f, Int(r[0], "rls_filter_roles.rls_filter_id"));
    RLSQ_ASSIGN_OR_RETURN(int64_t role, Int(r[1], "rls_filter_roles.role_id"));
    auto name = role_names.find(role);
    if (name != role_names.end()) filter_roles[f].insert(name->second);
  }
  std::map<int64_t, std::set<int64_t>> filter_tables;
  for (const Row& r : filter_table_rows) {
    if (!r[0] || !r[1]) continue;
    RLSQ_ASSIGN_OR_RETURN(int64_t f, Int(r[0], "rls_filter_tables.rls_filter_id"));
    RLSQ_ASSIGN_OR_RETURN(int64_t t, Int(r[1], "rls_filter_tables.table_id"));
    filter_tables[f].insert(t);
  }
  std::map<int64_t, Value> filters_by_id;  // in id order, as Superset sorts them
  for (const Row& r : filter_rows) {
    RLSQ_ASSIGN_OR_RETURN(int64_t id, Int(r[0], "row_level_security_filters.id"));
    const std::string name = r[3] && !r[3]->empty() ? *r[3] : Cat("rls-", id);  // the migration's backfill
    if (!r[1])
      return BadRow(Cat("filter ", id, " (\"", name, "\") has no filter_type (NULL): Superset silently never "
                        "applies such a filter; set it to Regular or Base"));
    if (*r[1] != "Regular" && *r[1] != "Base")
      return BadRow(Cat("filter ", id, " (\"", name, "\") has filter_type \"", *r[1],
                        "\": Superset applies only Regular and Base filters"));
    Value tables = Array();
    int virtual_tables = 0, dangling = 0;
    for (int64_t t : filter_tables[id]) {
      auto ds = datasets.find(t);
      if (ds == datasets.end()) {
        ++dangling;
      } else if (ds->second.is_virtual) {
        ++virtual_tables;
      } else {
        tables.Append(Num(t));
      }
    }
    if (virtual_tables)
      warn.Add("filters on virtual datasets",
               Cat("filter \"", name, "\" is on ", virtual_tables, " virtual dataset(s): Superset applies it to their "
                   "charts itself; rlsq filters tables"));
    if (dangling) warn.Add("filters on deleted datasets", Cat("filter \"", name, "\" names ", dangling, " deleted dataset(s)"));
    if (tables.items().empty()) {
      warn.Add("filters on no table", Cat("filter \"", name, "\" applies to no physical dataset: left out"));
      continue;
    }
    if (!r[2]) return BadRow(Cat("filter ", id, " (\"", name, "\") has no clause"));
    Value f = Object();
    Put(&f, "name", Str(name));
    Put(&f, "filter_type", Str(*r[1]));
    Put(&f, "tables", std::move(tables));
    Value roles = Array();
    for (const std::string& role : filter_roles[id]) roles.Append(Str(role));
    Put(&f, "roles", std::move(roles));
    if (r[4] && !r[4]->empty()) Put(&f, "group_key", Str(*r[4]));
    Put(&f, "clause", Str(*r[2]));
    if (r[5] && !r[5]->empty()) Put(&f, "description", Str(*r[5]));
    filters_by_id.emplace(id, std::move(f));
  }
  Value filters_doc = Array();
  for (auto& [id, f] : filters_by_id) filters_doc.Append(std::move(f));

  // 6. The document: the settings, then what the metadata holds.
  Value doc = Object();
  for (const auto& [key, value] : settings.members()) doc.Add(key, value);
  if (!settings.Find("default_database")) {
    if (db_names.size() == 1) {
      Put(&doc, "default_database", Str(db_names.begin()->second));
    } else if (!db_names.empty()) {
      warn.Add("no default database", Cat("the metadata database has ", db_names.size(),
                                          " databases and the settings name no default_database: each request "
                                          "must name its database"));
    }
  }
  // The roles are the database's, grants and all: no built-in role adds grants the database does not hold (an
  // Alpha role emptied by an administrator grants nothing, as in Superset).
  Put(&doc, "presets", Value::Bool(false));
  Put(&doc, "datasets", std::move(datasets_doc));
  Put(&doc, "roles", std::move(roles_doc));
  Put(&doc, "users", std::move(users_doc));
  Put(&doc, "rls_filters", std::move(filters_doc));
  end_on_exit.ended = true;
  RLSQ_RETURN_IF_ERROR(conn.End());
  out.document = std::move(doc);
  out.warnings = warn.Take();
  return out;
}

}  // namespace rlsq::sources
