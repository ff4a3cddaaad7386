#include "tests/support/superset_rules.h"

#include <algorithm>
#include <map>

#include "lib/common/str_cat.h"
#include "lib/json/json.h"

namespace rlsq::testing {

std::string SupersetPredicate(const std::vector<RlsFilter>& filters, const std::set<std::string>& user_roles,
                              const std::string& table) {
  std::map<std::string, std::vector<std::string>> groups;
  std::vector<std::vector<std::string>> terms;
  for (const RlsFilter& f : filters) {
    if (f.table != table) continue;
    bool member = false;
    for (const std::string& r : f.roles) member = member || user_roles.count(r);
    if (f.base == member) continue;
    if (f.group.empty()) {
      terms.push_back({f.clause});
    } else {
      groups[f.group].push_back(f.clause);
    }
  }
  for (auto& [g, clauses] : groups) terms.push_back(clauses);
  std::string out;
  for (const auto& term : terms) {
    std::string ored;
    for (const std::string& c : term) Append(&ored, ored.empty() ? "" : " OR ", "(", c, ")");
    Append(&out, out.empty() ? "" : " AND ", "(", ored, ")");
  }
  return out;
}

RandomRls DrawRandomRls(std::mt19937& rng, const std::vector<TableClauses>& tables, int forms,
                        const std::function<std::string(const std::string& table, int form)>& spell) {
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  static const char* const kRoles[] = {"R1", "R2", "R3", "R4"};
  static const char* const kGroups[] = {"", "", "g1", "g2"};
  RandomRls out;
  std::string user_roles = "\"Reader\"";
  for (const char* r : kRoles)
    if (coin(0.5)) {
      Append(&user_roles, ", \"", r, "\"");
      out.user_roles.insert(r);
    }
  Append(&out.json, R"("users": [{"username": "probe", "roles": [)", user_roles, "]}], \"rls_filters\": [");
  int n = 0;
  for (const TableClauses& t : tables) {
    if (coin(0.3)) continue;  // some tables carry no filter at all
    size_t count = 1 + pick(3);
    for (size_t i = 0; i < count; ++i) {
      RlsFilter f;
      f.table = t.table;
      f.base = coin(0.3);
      for (const char* r : kRoles)
        if (coin(0.4)) f.roles.insert(r);
      f.group = kGroups[pick(4)];
      f.clause = t.clauses[pick(t.clauses.size())];
      std::string roles, clause, name;
      for (const std::string& r : f.roles) Append(&roles, roles.empty() ? "" : ", ", "\"", r, "\"");
      json::AppendString(f.clause, &clause);
      json::AppendString(spell(f.table, static_cast<int>(pick(static_cast<size_t>(forms)))), &name);
      Append(&out.json, n++ ? ", " : "", R"({"name": "f)", n, R"(", "filter_type": ")", f.base ? "Base" : "Regular",
             R"(", "tables": [)", name, R"(], "roles": [)", roles, R"(], "group_key": ")", f.group,
             R"(", "clause": )", clause, "}");
      out.filters.push_back(std::move(f));
    }
  }
  out.json += "]";
  return out;
}

std::string ShowSortedRows(std::vector<std::vector<std::optional<std::string>>> rows, size_t max_rows) {
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (size_t i = 0; i < rows.size() && i < max_rows; ++i) {
    for (size_t c = 0; c < rows[i].size(); ++c) Append(&out, c ? "|" : "", rows[i][c] ? *rows[i][c] : "<NULL>");
    out += "\n";
  }
  if (rows.size() > max_rows) Append(&out, "... ", rows.size(), " rows\n");
  return out;
}

}  // namespace rlsq::testing
