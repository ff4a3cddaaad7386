#include "tests/sources/superset_fixture.h"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "lib/common/str_cat.h"
#include "lib/json/json.h"

namespace rlsq::testing {
namespace {

using sources::Backend;

struct Db {
  int id;
  const char* name;
};
struct Dataset {
  int id, db;
  const char* schema;  // null: the connection's default
  const char* table;
  const char* sql;     // virtual when set
};
struct Grant {
  int role;
  const char* permission;
  std::string view;
};
struct Role {
  int id;
  const char* name;
};
struct Group {
  int id;
  const char* name;
  std::vector<int> roles;
};
struct User {
  int id;
  const char* username;
  const char* email;
  bool active;
  std::vector<int> roles, groups;
};
struct Filter {
  int id;
  const char* name;
  const char* type;
  const char* group_key;
  const char* clause;
  std::vector<int> tables, roles;
};

const std::vector<Db> kDbs = {{1, "tpch"}, {2, "staging"}};
const std::vector<Dataset> kDatasets = {
    {1, 1, "public", "orders", nullptr},    {2, 1, "public", "lineitem", nullptr},
    {3, 1, "public", "customer", nullptr},  {4, 1, nullptr, "nation", nullptr},
    {5, 1, "public", "region", nullptr},    {6, 1, "public", "supplier", nullptr},
    {7, 1, "public", "part", nullptr},      {8, 1, "public", "partsupp", nullptr},
    {11, 2, "public", "orders", nullptr},   {12, 2, "public", "customer", nullptr},
    {13, 2, "public", "lineitem", nullptr},
    {20, 1, "public", "big_orders", "SELECT * FROM orders WHERE o_totalprice > 100000"},
};
const std::vector<Role> kRoles = {{1, "Admin"}, {2, "Analyst"}, {3, "Sales"}, {4, "EU"},
                                  {5, "Virtual"}, {6, "Gamma"}, {7, "Public"}};
const std::vector<Group> kGroups = {{1, "emea", {4}}, {2, "sales-team", {3}}};
const std::vector<User> kUsers = {
    {1, "alice", "alice@example.com", true, {2}, {}},   {2, "bob", "bob@example.com", true, {4}, {2}},
    {3, "carol", "carol@example.com", true, {}, {1}},   {4, "dave", "dave@example.com", true, {2, 3}, {}},
    {5, "erin", "erin@example.com", false, {2}, {}},    {6, "frank", "frank@example.com", true, {5}, {}},
    {7, "admin", "admin@example.com", true, {1}, {}},   {8, "Mixed.Case", "mc@example.com", true, {2}, {1}},
};
const std::vector<Filter> kFilters = {
    {1, "analyst orders", "Regular", nullptr, "o_orderpriority IN ('1-URGENT', '2-HIGH')", {1}, {2}},
    {2, "segment", "Regular", "cust", "c_mktsegment = 'BUILDING'", {3, 12}, {2}},
    {3, "nations", "Regular", "cust", "c_nationkey < 10", {3}, {3}},
    {4, "lineitem base", "Base", nullptr, "l_quantity < 25", {2, 13}, {3, 1}},
    {5, "staging orders", "Regular", nullptr, "o_custkey < 500", {11}, {2}},
    {6, "eu nations", "Regular", "region", "n_regionkey = 3", {4}, {4}},
    {7, "eu regions", "Regular", "region", "r_regionkey = 3", {5}, {4}},
    {8, "supplier self", "Regular", nullptr, "s_name <> '{{ current_username() }}'", {6}, {4}},
    {9, "virtual only", "Regular", nullptr, "1 = 1", {20}, {5}},
    {10, "orders by status", "Regular", "Prio", "o_orderstatus = 'F'", {1}, {3}},
    {11, "base nobody", "Base", "x", "o_totalprice < 200000", {1, 11}, {1, 2, 3}},
};

const char* DbName(int id) {
  for (const Db& d : kDbs)
    if (d.id == id) return d.name;
  std::abort();
}
std::string DatasetPerm(const Dataset& d) { return Cat("[", DbName(d.db), "].[", d.table, "](id:", d.id, ")"); }

// The grants: permission names and view menus as Superset writes them.
std::vector<Grant> Grants() {
  auto ds = [](int id) {
    for (const Dataset& d : kDatasets)
      if (d.id == id) return DatasetPerm(d);
    std::abort();
  };
  std::vector<Grant> g = {
      {1, "all_database_access", "all_database_access"}, {1, "all_datasource_access", "all_datasource_access"},
      {1, "can_read", "Dashboard"},
      {2, "datasource_access", ds(1)}, {2, "datasource_access", ds(2)}, {2, "datasource_access", ds(3)},
      {2, "datasource_access", ds(4)}, {2, "datasource_access", ds(5)}, {2, "schema_access", "[staging].[public]"},
      {3, "database_access", "[tpch].(id:1)"},
      {4, "datasource_access", ds(4)}, {4, "datasource_access", ds(5)}, {4, "datasource_access", ds(6)},
      {4, "datasource_access", "[tpch].[old_name](id:99)"},  // a deleted dataset's: grants nothing
      {5, "datasource_access", ds(20)},                       // a virtual dataset's: grants no table
      {6, "can_read", "Dashboard"},
  };
  return g;
}

std::string Q(Backend b, std::string_view name) {
  const char quote = b == Backend::kMysql ? '`' : '"';
  return Cat(std::string(1, quote), name, std::string(1, quote));
}
std::string Lit(const char* s) {
  if (!s) return "NULL";
  std::string out = "'";
  for (const char* p = s; *p; ++p) {
    if (*p == '\'') out.push_back('\'');
    out.push_back(*p);
  }
  return out + "'";
}
std::string Lit(const std::string& s) { return Lit(s.c_str()); }

}  // namespace

std::vector<std::string> SupersetFixtureUsers() {
  std::vector<std::string> out;
  for (const User& u : kUsers)
    if (u.active) out.push_back(u.username);
  return out;
}
std::vector<std::string> SupersetFixtureDatabases() { return {"tpch", "staging"}; }

std::vector<std::string> SupersetMetadataSql(Backend b, const SupersetFixtureOptions& o) {
  auto q = [&](std::string_view n) { return Q(b, n); };
  const std::string text = b == Backend::kMysql ? "MEDIUMTEXT" : "TEXT";
  std::vector<std::string> s;
  auto table = [&](std::string_view name, std::string columns) {
    s.push_back(Cat("CREATE TABLE ", q(name), " (", columns, ")"));
  };
  // Junction tables: with a synthetic id, or (after 2bee73611e32) a composite primary key.
  auto junction = [&](std::string_view name, std::string_view a, std::string_view b2) {
    if (o.junction_ids)
      table(name, Cat(q("id"), " INTEGER PRIMARY KEY, ", q(a), " INTEGER, ", q(b2), " INTEGER"));
    else
      table(name, Cat(q(a), " INTEGER NOT NULL, ", q(b2), " INTEGER NOT NULL, PRIMARY KEY (", q(a), ", ", q(b2), ")"));
  };
  int junction_id = 0;
  auto link = [&](std::string_view name, std::string_view a, std::string_view b2, int x, int y) {
    if (o.junction_ids)
      s.push_back(Cat("INSERT INTO ", q(name), " (", q("id"), ", ", q(a), ", ", q(b2), ") VALUES (", ++junction_id,
                      ", ", x, ", ", y, ")"));
    else
      s.push_back(Cat("INSERT INTO ", q(name), " (", q(a), ", ", q(b2), ") VALUES (", x, ", ", y, ")"));
  };

  table("dbs", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("database_name"), " VARCHAR(250) NOT NULL, ", q("verbose_name"),
                   " VARCHAR(250), ", q("sqlalchemy_uri"), " VARCHAR(1024) NOT NULL, ", q("extra"), " ", text));
  table("tables", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("table_name"), " VARCHAR(250) NOT NULL, ", q("schema"),
                      " VARCHAR(255), ", o.catalog_column ? Cat(q("catalog"), " VARCHAR(256), ") : "", q("database_id"),
                      " INTEGER NOT NULL, ", q("sql"), " ", text, ", ", q("is_sqllab_view"), " BOOLEAN, ", q("perm"),
                      " VARCHAR(1000), ", q("schema_perm"), " VARCHAR(1000)"));
  table("ab_permission", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("name"), " VARCHAR(100) NOT NULL"));
  table("ab_view_menu", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("name"), " VARCHAR(250) NOT NULL"));
  table("ab_permission_view", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("permission_id"), " INTEGER, ",
                                  q("view_menu_id"), " INTEGER"));
  table("ab_role", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("name"), " VARCHAR(64) NOT NULL"));
  table("ab_user", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("first_name"), " VARCHAR(64) NOT NULL, ", q("last_name"),
                       " VARCHAR(64) NOT NULL, ", q("username"), " VARCHAR(128) NOT NULL, ", q("password"),
                       " VARCHAR(256), ", q("active"), " BOOLEAN, ", q("email"), " VARCHAR(320) NOT NULL, ",
                       q("login_count"), " INTEGER"));
  table("ab_permission_view_role", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("permission_view_id"), " INTEGER, ",
                                       q("role_id"), " INTEGER"));
  table("ab_user_role", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("user_id"), " INTEGER, ", q("role_id"), " INTEGER"));
  if (o.groups) {
    table("ab_group", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("name"), " VARCHAR(100) NOT NULL, ", q("label"),
                          " VARCHAR(150), ", q("description"), " VARCHAR(512)"));
    table("ab_user_group", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("user_id"), " INTEGER, ", q("group_id"), " INTEGER"));
    table("ab_group_role", Cat(q("id"), " INTEGER PRIMARY KEY, ", q("group_id"), " INTEGER, ", q("role_id"), " INTEGER"));
  }
  table("row_level_security_filters",
        Cat(q("id"), " INTEGER PRIMARY KEY, ", o.filter_names ? Cat(q("name"), " VARCHAR(255) NOT NULL, ", q("description"), " ", text, ", ") : "",
            q("filter_type"), " VARCHAR(255), ", q("group_key"), " VARCHAR(255), ", q("clause"), " ", text,
            " NOT NULL, ", q("created_on"), " TIMESTAMP NULL, ", q("changed_on"), " TIMESTAMP NULL"));
  junction("rls_filter_roles", "role_id", "rls_filter_id");
  junction("rls_filter_tables", "table_id", "rls_filter_id");

  for (const Db& d : kDbs)
    s.push_back(Cat("INSERT INTO ", q("dbs"), " (", q("id"), ", ", q("database_name"), ", ", q("sqlalchemy_uri"),
                    ") VALUES (", d.id, ", ", Lit(d.name), ", 'postgresql://warehouse/", d.name, "')"));
  for (const Dataset& d : kDatasets)
    s.push_back(Cat("INSERT INTO ", q("tables"), " (", q("id"), ", ", q("table_name"), ", ", q("schema"), ", ",
                    o.catalog_column ? Cat(q("catalog"), ", ") : "", q("database_id"), ", ", q("sql"), ", ", q("perm"),
                    ") VALUES (", d.id, ", ", Lit(d.table), ", ", Lit(d.schema), ", ", o.catalog_column ? "NULL, " : "",
                    d.db, ", ", Lit(d.sql), ", ", Lit(DatasetPerm(d)), ")"));
  // Permissions and view menus, interned as FAB does.
  std::vector<std::string> perms, views;
  auto intern = [](std::vector<std::string>* list, const std::string& v) {
    for (size_t i = 0; i < list->size(); ++i)
      if ((*list)[i] == v) return static_cast<int>(i) + 1;
    list->push_back(v);
    return static_cast<int>(list->size());
  };
  std::vector<std::pair<int, int>> pvs;  // (permission id, view id)
  int pvr_id = 0;
  std::vector<std::string> pvr_rows;
  for (const Grant& g : Grants()) {
    int p = intern(&perms, g.permission), v = intern(&views, g.view);
    int pv = 0;
    for (size_t i = 0; i < pvs.size(); ++i)
      if (pvs[i] == std::make_pair(p, v)) pv = static_cast<int>(i) + 1;
    if (!pv) {
      pvs.emplace_back(p, v);
      pv = static_cast<int>(pvs.size());
    }
    pvr_rows.push_back(Cat("INSERT INTO ", q("ab_permission_view_role"), " VALUES (", ++pvr_id, ", ", pv, ", ", g.role, ")"));
  }
  // A permission_view row no role holds, and one whose view menu was deleted (dangling): grant nothing.
  int unused_view = intern(&views, "[tpch].[part](id:7)");
  pvs.emplace_back(1, unused_view);
  for (size_t i = 0; i < perms.size(); ++i)
    s.push_back(Cat("INSERT INTO ", q("ab_permission"), " VALUES (", i + 1, ", ", Lit(perms[i]), ")"));
  for (size_t i = 0; i < views.size(); ++i)
    s.push_back(Cat("INSERT INTO ", q("ab_view_menu"), " VALUES (", i + 1, ", ", Lit(views[i]), ")"));
  for (size_t i = 0; i < pvs.size(); ++i)
    s.push_back(Cat("INSERT INTO ", q("ab_permission_view"), " VALUES (", i + 1, ", ", pvs[i].first, ", ",
                    pvs[i].second, ")"));
  s.push_back(Cat("INSERT INTO ", q("ab_permission_view"), " VALUES (", pvs.size() + 1, ", 1, 999)"));
  s.push_back(Cat("INSERT INTO ", q("ab_permission_view_role"), " VALUES (", ++pvr_id, ", ", pvs.size() + 1, ", 2)"));
  s.insert(s.end(), pvr_rows.begin(), pvr_rows.end());
  for (const Role& r : kRoles)
    s.push_back(Cat("INSERT INTO ", q("ab_role"), " VALUES (", r.id, ", ", Lit(r.name), ")"));
  int ur = 0, ug = 0, gr = 0;
  for (const User& u : kUsers) {
    s.push_back(Cat("INSERT INTO ", q("ab_user"), " (", q("id"), ", ", q("first_name"), ", ", q("last_name"), ", ",
                    q("username"), ", ", q("active"), ", ", q("email"), ") VALUES (", u.id, ", 'F', 'L', ",
                    Lit(u.username), ", ", u.active ? "TRUE" : "FALSE", ", ", Lit(u.email), ")"));
    for (int r : u.roles) s.push_back(Cat("INSERT INTO ", q("ab_user_role"), " VALUES (", ++ur, ", ", u.id, ", ", r, ")"));
    if (o.groups)
      for (int g : u.groups)
        s.push_back(Cat("INSERT INTO ", q("ab_user_group"), " VALUES (", ++ug, ", ", u.id, ", ", g, ")"));
  }
  if (o.groups)
    for (const Group& g : kGroups) {
      s.push_back(Cat("INSERT INTO ", q("ab_group"), " (", q("id"), ", ", q("name"), ") VALUES (", g.id, ", ",
                      Lit(g.name), ")"));
      for (int r : g.roles)
        s.push_back(Cat("INSERT INTO ", q("ab_group_role"), " VALUES (", ++gr, ", ", g.id, ", ", r, ")"));
    }
  for (const Filter& f : kFilters) {
    if (o.filter_names)
      s.push_back(Cat("INSERT INTO ", q("row_level_security_filters"), " (", q("id"), ", ", q("name"), ", ",
                      q("filter_type"), ", ", q("group_key"), ", ", q("clause"), ") VALUES (", f.id, ", ", Lit(f.name),
                      ", ", Lit(f.type), ", ", Lit(f.group_key), ", ", Lit(f.clause), ")"));
    else
      s.push_back(Cat("INSERT INTO ", q("row_level_security_filters"), " (", q("id"), ", ", q("filter_type"), ", ",
                      q("group_key"), ", ", q("clause"), ") VALUES (", f.id, ", ", Lit(f.type), ", ",
                      Lit(f.group_key), ", ", Lit(f.clause), ")"));
    for (int t : f.tables) link("rls_filter_tables", "table_id", "rls_filter_id", t, f.id);
    for (int r : f.roles) link("rls_filter_roles", "role_id", "rls_filter_id", r, f.id);
  }
  return s;
}

std::string SupersetFixtureJson(const SupersetFixtureOptions& o) {
  using rlsq::json::AppendString;
  auto str = [](std::string_view s) {
    std::string out;
    AppendString(s, &out);
    return out;
  };
  auto role_name = [](int id) {
    for (const Role& r : kRoles)
      if (r.id == id) return r.name;
    std::abort();
  };
  std::string doc = R"({"presets": false, "datasets": [)";
  bool first = true;
  for (const Dataset& d : kDatasets) {
    if (d.sql) continue;  // virtual: not a table
    Append(&doc, first ? "" : ", ", "{\"id\": ", d.id, ", \"database\": ", str(DbName(d.db)), ", \"schema\": ",
           d.schema ? str(d.schema) : "null", ", \"table\": ", str(d.table), "}");
    first = false;
  }
  doc += R"(], "roles": [)";
  for (size_t i = 0; i < kRoles.size(); ++i) {
    Append(&doc, i ? ", " : "", "{\"name\": ", str(kRoles[i].name), ", \"permissions\": [");
    bool firstp = true;
    for (const Grant& g : Grants()) {
      if (g.role != kRoles[i].id) continue;
      std::string view = g.view;
      if (view == "[tpch].(id:1)") view = "[tpch]";  // database_access names the database
      if (view.find("old_name") != std::string::npos || view.find("big_orders") != std::string::npos) continue;
      Append(&doc, firstp ? "" : ", ", "[", str(g.permission), ", ", str(view), "]");
      firstp = false;
    }
    doc += "]}";
  }
  doc += R"(], "users": [)";
  first = true;
  for (const User& u : kUsers) {
    if (!u.active) continue;
    Append(&doc, first ? "" : ", ", "{\"username\": ", str(u.username), ", \"id\": ", u.id, ", \"email\": ",
           str(u.email), ", \"roles\": [");
    std::vector<int> roles = u.roles;
    if (o.groups)
      for (int g : u.groups)
        for (const Group& group : kGroups)
          if (group.id == g) roles.insert(roles.end(), group.roles.begin(), group.roles.end());
    for (size_t i = 0; i < roles.size(); ++i) Append(&doc, i ? ", " : "", str(role_name(roles[i])));
    doc += "]}";
    first = false;
  }
  doc += R"(], "rls_filters": [)";
  first = true;
  for (const Filter& f : kFilters) {
    if (f.id == 9) continue;  // only on a virtual dataset
    Append(&doc, first ? "" : ", ", "{\"name\": ", str(o.filter_names ? std::string(f.name) : Cat("rls-", f.id)),
           ", \"filter_type\": ", str(f.type), ", \"tables\": [");
    for (size_t i = 0; i < f.tables.size(); ++i) Append(&doc, i ? ", " : "", f.tables[i]);
    doc += "], \"roles\": [";
    for (size_t i = 0; i < f.roles.size(); ++i) Append(&doc, i ? ", " : "", str(role_name(f.roles[i])));
    doc += "]";
    if (f.group_key) Append(&doc, ", \"group_key\": ", str(f.group_key));
    Append(&doc, ", \"clause\": ", str(f.clause), "}");
    first = false;
  }
  doc += "]}";
  return doc;
}

void ExecSqliteOrDie(const std::string& path, const std::vector<std::string>& statements) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite open %s failed\n", path.c_str());
    std::abort();
  }
  for (const std::string& s : statements) {
    char* err = nullptr;
    if (sqlite3_exec(db, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s\n  in: %s\n", err ? err : "?", s.c_str());
      std::abort();
    }
  }
  sqlite3_close(db);
}

}  // namespace rlsq::testing
