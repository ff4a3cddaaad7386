#include "lib/common/ascii.h"
#include "lib/lint/lint.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "lib/ast/ast_util.h"
#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/json/json.h"
#include "lib/lint/ddl.h"
#include "lib/lint/sat.h"
#include "lib/names/resolver.h"

namespace rlsq::lint {

using policy::FilterType;
using policy::Policy;
using policy::RlsFilter;

const char* ToString(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "?";
}

absl::StatusOr<Schema> SchemaFromDdl(std::string_view ddl, const Policy& policy) {
  RLSQ_ASSIGN_OR_RETURN(std::vector<DdlRelation> relations, ParseDdl(ddl, policy.dialect()));
  const NameResolver resolver(policy.dialect(), policy.database_model());
  Schema schema;
  absl::flat_hash_map<std::string, std::pair<uint32_t, uint32_t>> defined_at;
  for (DdlRelation& r : relations) {
    std::vector<std::string_view> parts(r.name.begin(), r.name.end());
    auto name = resolver.ResolveName(parts);
    if (!name.ok())
      return absl::InvalidArgumentError(Cat(r.line, ":", r.column, ": ", ToStd(name.status().message())));
    std::string key = name->Key();
    if (auto it = defined_at.find(key); it != defined_at.end()) {
      if (r.if_not_exists) continue;
      return absl::InvalidArgumentError(Cat(r.line, ":", r.column, ": relation ", name->ToSql(policy.dialect()),
                                            " is defined twice (first at ", it->second.first, ":",
                                            it->second.second, ")"));
    }
    defined_at.emplace(key, std::make_pair(r.line, r.column));
    Schema::Relation& rel = schema.relations[key];
    rel.name = std::move(*name);
    rel.columns_known = r.columns_known;
    for (std::string& c : r.columns) rel.columns.insert(std::move(c));
  }
  return schema;
}

namespace {

constexpr std::string_view kAnonymous = "(anonymous)";

// Someone whose requests the policy filters: a policy user, or the anonymous caller.
struct Subject {
  std::string_view name;
  uint32_t role_set = 0;             // the policy's interned role set
  const policy::User* user = nullptr;  // null for the anonymous caller
};

struct TableInfo {
  const TableName* name = nullptr;
  std::string sql;       // schema.name, quoted as needed
  std::string database;  // the table's own, or the policy's default; empty: unknown
  bool readable_by_any = true;
};

bool ReadsAnyColumn(const ast::Node& n) {
  if (n.Is<ast::ColumnRef>()) return true;
  bool found = false;
  ast::EnumerateChildren(const_cast<ast::Node&>(n), [&](ast::Node& child) { found = found || ReadsAnyColumn(child); });
  return found;
}

std::string Quoted(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) Append(&out, i ? ", " : "", "\"", names[i], "\"");
  return out;
}

class Linter {
 public:
  Linter(const Policy& policy, const LintOptions& options)
      : p_(policy), options_(options), analyzer_(policy.dialect()) {}

  std::vector<Finding> Run() {
    IndexTables();
    IndexSubjects();
    IndexReadableTables();
    CheckFilterClauses();
    if (subjects_.empty()) {
      Finding f;
      f.severity = Severity::kInfo;
      f.code = "no_users";
      f.message = "the policy lists no users (callers may be given inline): the checks that depend on who holds which "
                  "roles (unsatisfiable predicates, filters applying to no one, templates) were skipped";
      out_.push_back(std::move(f));
    } else {
      CheckPredicates();
      CheckWhoFiltersApplyTo();
      CheckTemplates();
    }
    CheckUnreadableTables();
    CheckGroupKeys();
    if (options_.schema) CheckColumns();
    std::stable_sort(out_.begin(), out_.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.severity, a.code, a.table, a.filters, a.message) <
             std::tie(b.severity, b.code, b.table, b.filters, b.message);
    });
    return std::move(out_);
  }

 private:
  // ---- indexes ----

  void IndexTables() {
    tables_.resize(p_.filtered_table_count());
    for (const RlsFilter& f : p_.filters())
      for (const TableName& t : f.tables) {
        int32_t id = t.catalog.empty() ? p_.TableId(t.Key()) : p_.TableId(t.catalog, t.Key());
        if (id < 0 || tables_[id].name) continue;
        TableInfo& info = tables_[id];
        info.name = &t;
        info.sql = t.ToSql(p_.dialect());
        info.database = t.catalog.empty() ? p_.default_database() : t.catalog;
      }
  }

  // What the roles users hold can read together: a table none of them reads is read by no one (grants only add
  // up). Roles nobody holds do not count: the presets (Admin reads everything) always exist. Without users, every
  // role counts.
  void IndexReadableTables() {
    std::vector<uint32_t> held;
    for (uint32_t r = 0; r < holders_.size(); ++r)
      if (subjects_.empty() || !holders_[r].empty()) held.push_back(r);
    const access::PermissionSet& any = p_.permissions().Resolve(held);
    for (TableInfo& t : tables_)
      if (t.name && !t.database.empty()) t.readable_by_any = CanRead(any, t);
  }

  bool CanRead(const access::PermissionSet& set, const TableInfo& t) const {
    return p_.permissions().CanReadTable(set, t.database, t.name->schema, t.name->name);
  }
  bool CanRead(uint32_t local_set, const TableInfo& t) const {
    return CanRead(p_.permission_set(role_sets_[local_set]), t);
  }

  void IndexSubjects() {
    for (const policy::User& u : p_.users()) subjects_.push_back({u.username, u.role_set, &u});
    // The anonymous caller counts where it can read something: otherwise its requests are refused before any
    // filter matters.
    const access::PermissionSet& pub = p_.permission_set(p_.public_role_set());
    for (const TableInfo& t : tables_)
      if (t.name && !t.database.empty() && CanRead(pub, t)) {
        subjects_.push_back({kAnonymous, p_.public_role_set(), nullptr});
        break;
      }
    absl::flat_hash_map<uint32_t, uint32_t> local;
    for (uint32_t s = 0; s < subjects_.size(); ++s) {
      auto [it, inserted] = local.emplace(subjects_[s].role_set, static_cast<uint32_t>(role_sets_.size()));
      if (inserted) {
        role_sets_.push_back(subjects_[s].role_set);
        members_.emplace_back();
      }
      members_[it->second].push_back(s);
      subject_set_.push_back(it->second);
    }
    holders_.resize(p_.permissions().role_count());
    for (uint32_t l = 0; l < role_sets_.size(); ++l)
      for (uint32_t r : p_.role_set(role_sets_[l])) holders_[r].push_back(l);
    stamp_.assign(role_sets_.size(), 0);
  }

  // The local role sets holding any of `f`'s roles, stamped with the returned stamp.
  uint32_t Holders(const RlsFilter& f, std::vector<uint32_t>* out) {
    out->clear();
    const uint32_t stamp = ++stamp_counter_;
    for (uint32_t r : f.roles)
      for (uint32_t l : holders_[r])
        if (stamp_[l] != stamp) {
          stamp_[l] = stamp;
          out->push_back(l);
        }
    return stamp;
  }

  // The local role sets `f` applies to (Superset: Regular to holders of one of its roles, Base to the others).
  std::vector<uint32_t> AppliesTo(const RlsFilter& f) {
    std::vector<uint32_t> holders;
    const uint32_t stamp = Holders(f, &holders);
    if (f.type == FilterType::kRegular) return holders;
    std::vector<uint32_t> rest;
    for (uint32_t l = 0; l < role_sets_.size(); ++l)
      if (stamp_[l] != stamp) rest.push_back(l);
    return rest;
  }

  bool Applies(const RlsFilter& f, uint32_t local_set) const {
    const std::vector<uint32_t>& held = p_.role_set(role_sets_[local_set]);
    bool holds = false;
    for (uint32_t r : f.roles) holds = holds || std::binary_search(held.begin(), held.end(), r);
    return f.type == FilterType::kRegular ? holds : !holds;
  }

  // Lists the users of `subjects` (indexes, any order) in policy order, capped.
  void SetUsers(std::vector<uint32_t> subjects, Finding* f) const {
    std::sort(subjects.begin(), subjects.end());
    subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
    f->user_count = subjects.size();
    for (size_t i = 0; i < subjects.size() && i < options_.max_users; ++i)
      f->users.emplace_back(subjects_[subjects[i]].name);
  }
  void SetUsersOfSets(const std::vector<uint32_t>& local_sets, Finding* f) const {
    std::vector<uint32_t> subjects;
    for (uint32_t l : local_sets) subjects.insert(subjects.end(), members_[l].begin(), members_[l].end());
    SetUsers(std::move(subjects), f);
  }

  std::vector<std::string> RoleNames(const std::vector<uint32_t>& ids) const {
    std::vector<std::string> names;
    for (uint32_t r : ids) names.push_back(p_.permissions().role_name(r));
    return names;
  }

  std::string TablesOf(const RlsFilter& f) const {
    std::string out;
    for (const TableName& t : f.tables) Append(&out, out.empty() ? "" : ", ", t.ToSql(p_.dialect()));
    return out;
  }

  // ---- satisfiability ----

  const Formula* FormulaOf(uint32_t filter) {
    const RlsFilter& f = p_.filters()[filter];
    return analyzer_.WhenTrue(*f.clause, f.printed.has_values());
  }

  Satisfiability Check(const std::vector<const Formula*>& conjuncts) const {
    return analyzer_.Check(conjuncts, options_.solver_budget);
  }

  // Filters whose own clause can never be TRUE: reported once each, as the deny-all idiom (info) or a broken clause
  // (warning); never as an error, since Superset documents a Base filter `1 = 0` as the way to deny by default.
  void CheckFilterClauses() {
    absl::flat_hash_map<const ast::Expr*, bool> unsat_by_clause;
    filter_unsat_.assign(p_.filters().size(), false);
    for (uint32_t i = 0; i < p_.filters().size(); ++i) {
      const RlsFilter& f = p_.filters()[i];
      auto [it, inserted] = unsat_by_clause.emplace(f.clause, false);
      if (inserted) it->second = Check({FormulaOf(i)}) == Satisfiability::kUnsatisfiable;
      if (!it->second) continue;
      filter_unsat_[i] = true;
      Finding out;
      const bool constant = !ReadsAnyColumn(*f.clause);
      out.severity = constant ? Severity::kInfo : Severity::kWarning;
      out.code = constant ? "deny_all_filter" : "unsatisfiable_filter";
      out.message = constant
                        ? Cat("filter \"", f.name, "\" is constant false (", f.clause_text,
                              "): the users it applies to see no rows of ", TablesOf(f),
                              " (the deny-by-default idiom)")
                        : Cat("the clause of filter \"", f.name, "\" can never be true (", f.clause_text,
                              "): the users it applies to see no rows of ", TablesOf(f),
                              "; write 1 = 0 if denying every row is intended");
      out.table = TablesOf(f);
      out.filters = {f.name};
      out.roles = RoleNames(f.roles);
      if (!subjects_.empty()) SetUsersOfSets(AppliesTo(f), &out);
      out_.push_back(std::move(out));
    }
  }

  // Per filtered table and per distinct effective predicate among the role sets users hold: a predicate that can
  // never be TRUE, reported with a minimal set of its terms that already cannot be.
  void CheckPredicates() {
    struct Pending {
      std::vector<uint32_t> local_sets;
    };
    // (table id, the core's terms, flattened with kSep) -> affected role sets
    std::map<std::pair<int32_t, std::vector<uint32_t>>, Pending> found;
    std::vector<uint32_t> touched;
    policy::Predicate predicate;
    for (int32_t tid = 0; tid < static_cast<int32_t>(tables_.size()); ++tid) {
      if (!tables_[tid].name) continue;
      // Role sets holding a role some filter of the table names get their own predicates; all the others share
      // one (the table's Base filters).
      const uint32_t stamp = ++stamp_counter_;
      touched.clear();
      for (uint32_t fi : p_.table_filters(tid))
        for (uint32_t r : p_.filters()[fi].roles)
          for (uint32_t l : holders_[r])
            if (stamp_[l] != stamp) {
              stamp_[l] = stamp;
              touched.push_back(l);
            }
      absl::flat_hash_map<std::vector<uint32_t>, std::vector<uint32_t>> groups;  // predicate key -> role sets
      auto add = [&](uint32_t l) {
        p_.ComputePredicate(role_sets_[l], tid, &predicate);
        if (predicate.empty()) return;
        groups[Key(predicate)].push_back(l);
      };
      for (uint32_t l : touched) add(l);
      std::vector<uint32_t> others;
      for (uint32_t l = 0; l < role_sets_.size(); ++l)
        if (stamp_[l] != stamp) others.push_back(l);
      if (!others.empty()) {
        p_.ComputePredicate(role_sets_[others[0]], tid, &predicate);
        if (!predicate.empty()) {
          auto& g = groups[Key(predicate)];
          g.insert(g.end(), others.begin(), others.end());
        }
      }
      for (auto& [key, sets] : groups) {
        std::vector<uint32_t> core = Core(key);
        if (core.empty()) continue;
        auto& pending = found[{tid, std::move(core)}];
        pending.local_sets.insert(pending.local_sets.end(), sets.begin(), sets.end());
      }
    }
    for (auto& [where, pending] : found) {
      const auto& [tid, core] = where;
      Finding out;
      out.severity = Severity::kError;
      out.code = "unsatisfiable_predicate";
      out.table = tables_[tid].sql;
      std::string shown;
      std::vector<uint32_t> regular_roles, base_roles;
      size_t terms = 0;
      for (size_t i = 0; i < core.size();) {
        size_t end = std::find(core.begin() + static_cast<std::ptrdiff_t>(i), core.end(), kSep) - core.begin();
        Append(&shown, terms++ ? " AND " : "", end - i > 1 ? "(" : "");
        for (size_t k = i; k < end; ++k) {
          const RlsFilter& f = p_.filters()[core[k]];
          Append(&shown, k > i ? " OR " : "", "\"", f.name, "\"");
          out.filters.push_back(f.name);
          auto& roles = f.type == FilterType::kRegular ? regular_roles : base_roles;
          roles.insert(roles.end(), f.roles.begin(), f.roles.end());
        }
        Append(&shown, end - i > 1 ? ")" : "");
        i = end + 1;
      }
      // The roles that bring the core's Regular filters in, as the affected users hold them.
      std::sort(regular_roles.begin(), regular_roles.end());
      std::vector<uint32_t> held;
      for (uint32_t l : pending.local_sets)
        for (uint32_t r : p_.role_set(role_sets_[l]))
          if (std::binary_search(regular_roles.begin(), regular_roles.end(), r)) held.push_back(r);
      std::sort(held.begin(), held.end());
      held.erase(std::unique(held.begin(), held.end()), held.end());
      out.roles = RoleNames(held);
      std::sort(base_roles.begin(), base_roles.end());
      base_roles.erase(std::unique(base_roles.begin(), base_roles.end()), base_roles.end());
      std::string who = held.empty() ? "the users" : Cat("users holding ", Quoted(out.roles));
      if (!base_roles.empty()) Append(&who, held.empty() ? " holding none of " : " and none of ", Quoted(RoleNames(base_roles)));
      out.message = Cat("the filters ", shown, " on ", out.table, " can never all be true together: ", who,
                        " see no rows of the table");
      SetUsersOfSets(pending.local_sets, &out);
      out_.push_back(std::move(out));
    }
  }

  static constexpr uint32_t kSep = UINT32_MAX;

  // The predicate's terms as filter indexes, terms separated by kSep.
  std::vector<uint32_t> Key(const policy::Predicate& p) const {
    std::vector<uint32_t> key;
    for (size_t t = 0; t < p.terms.size(); ++t) {
      if (t) key.push_back(kSep);
      for (const RlsFilter* f : p.terms[t].filters) key.push_back(static_cast<uint32_t>(f - p_.filters().data()));
    }
    return key;
  }

  // A minimal set of the predicate's terms (flattened like Key) that cannot be TRUE, or empty when the predicate
  // can be TRUE (or the search gave up), or when a single term's filters already cannot be TRUE each on their own
  // (reported by CheckFilterClauses).
  std::vector<uint32_t> Core(const std::vector<uint32_t>& key) {
    std::vector<std::vector<uint32_t>> terms(1);
    for (uint32_t f : key) {
      if (f == kSep) {
        terms.emplace_back();
      } else {
        terms.back().push_back(f);
      }
    }
    std::vector<const Formula*> formulas;
    for (const auto& t : terms) {
      std::vector<const Formula*> alternatives;
      for (uint32_t f : t) alternatives.push_back(FormulaOf(f));
      formulas.push_back(analyzer_.Or(std::move(alternatives)));
    }
    if (Check(formulas) != Satisfiability::kUnsatisfiable) return {};
    std::vector<size_t> keep;
    // One term that cannot be TRUE alone explains it best; otherwise drop terms greedily while the rest still
    // cannot be TRUE.
    for (size_t i = 0; i < formulas.size() && keep.empty(); ++i)
      if (Check({formulas[i]}) == Satisfiability::kUnsatisfiable) keep = {i};
    if (keep.empty()) {
      for (size_t i = 0; i < formulas.size(); ++i) keep.push_back(i);
      for (size_t i = 0; i < formulas.size() && keep.size() > 1; ++i) {
        std::vector<size_t> trial;
        std::vector<const Formula*> trial_formulas;
        for (size_t k : keep)
          if (k != i) {
            trial.push_back(k);
            trial_formulas.push_back(formulas[k]);
          }
        if (Check(trial_formulas) == Satisfiability::kUnsatisfiable) keep = std::move(trial);
      }
    }
    if (keep.size() == 1) {
      bool each_alone = true;
      for (uint32_t f : terms[keep[0]]) each_alone = each_alone && filter_unsat_[f];
      if (each_alone) return {};
    }
    std::vector<uint32_t> core;
    for (size_t k : keep) {
      if (!core.empty()) core.push_back(kSep);
      core.insert(core.end(), terms[k].begin(), terms[k].end());
    }
    return core;
  }

  // ---- who the filters apply to ----

  void CheckWhoFiltersApplyTo() {
    std::vector<uint32_t> holders;
    for (const RlsFilter& f : p_.filters()) {
      const uint32_t stamp = Holders(f, &holders);
      if (f.type == FilterType::kRegular && holders.empty()) {
        Finding out;
        out.code = "filter_applies_to_no_user";
        out.message = f.roles.empty()
                          ? Cat("Regular filter \"", f.name, "\" names no role, so it applies to no user")
                          : Cat("Regular filter \"", f.name, "\" applies to no user: no user holds ",
                                f.roles.size() == 1 ? "its role " : "any of its roles ", Quoted(RoleNames(f.roles)));
        out.table = TablesOf(f);
        out.filters = {f.name};
        out.roles = RoleNames(f.roles);
        out_.push_back(std::move(out));
        continue;
      }
      if (f.type == FilterType::kBase && holders.size() == role_sets_.size()) {
        Finding out;
        out.code = "base_filter_exempts_everyone";
        out.message = Cat("Base filter \"", f.name, "\" applies to no user: every user holds one of its roles ",
                          Quoted(RoleNames(f.roles)), ", which exempt them");
        out.table = TablesOf(f);
        out.filters = {f.name};
        out.roles = RoleNames(f.roles);
        SetUsersOfSets(holders, &out);
        out_.push_back(std::move(out));
        continue;
      }
      // The users it applies to can read none of its tables (tables no role reads are unreadable_table findings).
      std::vector<const TableInfo*> tables;
      bool known = true, someone_reads = false;
      for (const TableName& t : f.tables) {
        int32_t id = t.catalog.empty() ? p_.TableId(t.Key()) : p_.TableId(t.catalog, t.Key());
        const TableInfo& info = tables_[id];
        known = known && !info.database.empty();
        someone_reads = someone_reads || info.readable_by_any;
        tables.push_back(&info);
      }
      if (!known || !someone_reads) continue;
      bool reader = false;
      auto reads = [&](uint32_t l) {
        for (const TableInfo* t : tables)
          if (CanRead(l, *t)) return true;
        return false;
      };
      for (uint32_t l = 0; l < role_sets_.size() && !reader; ++l) {
        const bool holds = stamp_[l] == stamp;
        if ((f.type == FilterType::kRegular) == holds) reader = reads(l);
      }
      if (reader) continue;
      Finding out;
      out.code = "filter_applies_to_no_reader";
      out.message = Cat("filter \"", f.name, "\" never filters anything: none of the users it applies to can read ",
                        f.tables.size() == 1 ? "its table " : "any of its tables ", TablesOf(f));
      out.table = TablesOf(f);
      out.filters = {f.name};
      out.roles = RoleNames(f.roles);
      SetUsersOfSets(AppliesTo(f), &out);
      out_.push_back(std::move(out));
    }
  }

  void CheckUnreadableTables() {
    for (const TableInfo& t : tables_) {
      if (!t.name || t.database.empty() || t.readable_by_any) continue;
      int32_t id = static_cast<int32_t>(&t - tables_.data());
      Finding out;
      out.code = "unreadable_table";
      out.table = t.sql;
      for (uint32_t fi : p_.table_filters(id)) out.filters.push_back(p_.filters()[fi].name);
      out.message = Cat("no user's roles can read ", t.sql, " in database \"", t.database, "\", so its filters ",
                        Quoted(out.filters), " never apply (a misspelled table, or a missing grant?)");
      out_.push_back(std::move(out));
    }
  }

  // ---- group keys ----

  static std::string NormalizedKey(std::string_view key) {
    std::string out;
    for (char c : key) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
      out.push_back(AsciiLowerChar(c));
    }
    return out;
  }

  void CheckGroupKeys() {
    for (int32_t tid = 0; tid < static_cast<int32_t>(tables_.size()); ++tid) {
      if (!tables_[tid].name) continue;
      std::map<std::string, std::map<std::string, std::vector<std::string>>> by_normal;  // normal -> key -> filters
      for (uint32_t fi : p_.table_filters(tid)) {
        const RlsFilter& f = p_.filters()[fi];
        if (!f.group_key.empty()) by_normal[NormalizedKey(f.group_key)][f.group_key].push_back(f.name);
      }
      for (const auto& [normal, keys] : by_normal) {
        if (keys.size() < 2) continue;
        Finding out;
        out.code = "group_key_lookalike";
        out.table = tables_[tid].sql;
        std::vector<std::string> shown;
        for (const auto& [key, filters] : keys) {
          shown.push_back(key);
          out.filters.insert(out.filters.end(), filters.begin(), filters.end());
        }
        out.message = Cat("group keys ", Quoted(shown), " on ", out.table,
                          " differ only in case or spaces: Superset ORs filters of identical keys only, so these "
                          "groups are ANDed");
        out_.push_back(std::move(out));
      }
    }
  }

  // ---- templates ----

  void CheckTemplates() {
    struct Failure {
      uint32_t subject;
      bool missing;  // NotFound: a field or attribute without a default
      std::string what;
    };
    absl::flat_hash_map<const ast::Expr*, std::vector<Failure>> by_clause;
    std::string scratch;
    for (const RlsFilter& f : p_.filters()) {
      if (!f.printed.has_values()) continue;
      auto [it, inserted] = by_clause.emplace(f.clause, std::vector<Failure>());
      if (inserted) {
        // The request's own rule (RenderValue) decides, for every user, once per distinct clause.
        for (uint32_t s = 0; s < subjects_.size(); ++s) {
          const Subject& subject = subjects_[s];
          policy::UserContext ctx = subject.user ? p_.ContextOf(*subject.user) : p_.AnonymousContext();
          for (const policy::TemplateValue& v : f.printed.values) {
            scratch.clear();
            absl::Status st = policy::RenderValue(v, ctx, p_.dialect(), &scratch);
            if (!st.ok()) {
              it->second.push_back({s, absl::IsNotFound(st), std::string(ToStd(st.message()))});
              break;
            }
          }
        }
      }
      std::map<std::pair<bool, std::string>, std::vector<uint32_t>> grouped;  // (missing, message) -> subjects
      for (const Failure& failure : it->second)
        if (Applies(f, subject_set_[failure.subject])) grouped[{failure.missing, failure.what}].push_back(failure.subject);
      for (auto& [what, subjects] : grouped) {
        Finding out;
        out.severity = Severity::kError;
        out.code = what.first ? "missing_template_value" : "invalid_template_value";
        out.message = Cat("filter \"", f.name, "\": ", what.second, ": the requests of these users on ", TablesOf(f),
                          " fail");
        out.table = TablesOf(f);
        out.filters = {f.name};
        out.roles = RoleNames(f.roles);
        SetUsers(std::move(subjects), &out);
        out_.push_back(std::move(out));
      }
    }
  }

  // ---- columns ----

  void CheckColumns() {
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> not_in_schema;  // key -> (sql, filters)
    for (const RlsFilter& f : p_.filters()) {
      std::vector<std::string> read;
      policy::ForEachTableColumn(*f.clause, [&](const ast::ColumnRef& c) {
        std::string name(c.parts[0].text);
        if (std::find(read.begin(), read.end(), name) == read.end()) read.push_back(std::move(name));
      });
      for (const TableName& t : f.tables) {
        auto it = options_.schema->relations.find(t.Key());
        if (it == options_.schema->relations.end()) {
          auto& entry = not_in_schema[t.Key()];
          entry.first = t.ToSql(p_.dialect());
          if (entry.second.empty() || entry.second.back() != f.name) entry.second.push_back(f.name);
          continue;
        }
        if (!it->second.columns_known) continue;
        std::vector<std::string> missing;
        for (const std::string& c : read)
          if (!it->second.columns.contains(c)) missing.push_back(c);
        if (missing.empty()) continue;
        Finding out;
        out.severity = Severity::kError;
        out.code = "unknown_column";
        out.table = t.ToSql(p_.dialect());
        out.filters = {f.name};
        out.roles = RoleNames(f.roles);
        std::string shown;
        for (const std::string& m : missing) {
          Append(&shown, shown.empty() ? "" : ", ");
          p_.dialect().AppendIdentifier(m, &shown);
        }
        out.message = Cat("the clause of filter \"", f.name, "\" reads ", missing.size() == 1 ? "column " : "columns ",
                          shown, ", which ", out.table, " does not have: every query on it fails");
        out_.push_back(std::move(out));
      }
    }
    for (auto& [key, entry] : not_in_schema) {
      Finding out;
      out.code = "table_not_in_schema";
      out.table = entry.first;
      out.filters = std::move(entry.second);
      out.message = Cat("the schema does not define ", out.table, ", which filters ", Quoted(out.filters),
                        " name (a misspelled table?)");
      out_.push_back(std::move(out));
    }
  }

  const Policy& p_;
  const LintOptions& options_;
  Analyzer analyzer_;
  std::vector<TableInfo> tables_;               // by the policy's table id
  std::vector<Subject> subjects_;
  std::vector<uint32_t> subject_set_;           // subject -> local role set
  std::vector<uint32_t> role_sets_;             // local role set -> the policy's role set id
  std::vector<std::vector<uint32_t>> members_;  // local role set -> subjects
  std::vector<std::vector<uint32_t>> holders_;  // role id -> local role sets holding it
  std::vector<uint32_t> stamp_;                 // per local role set (Holders, CheckPredicates)
  uint32_t stamp_counter_ = 0;
  std::vector<bool> filter_unsat_;
  std::vector<Finding> out_;
};

}  // namespace

std::vector<Finding> Lint(const Policy& policy, const LintOptions& options) {
  return Linter(policy, options).Run();
}

size_t CountFindings(const std::vector<Finding>& findings, Severity severity) {
  size_t n = 0;
  for (const Finding& f : findings) n += f.severity == severity;
  return n;
}

namespace {

std::string Listed(const std::vector<std::string>& names, size_t total) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) Append(&out, i ? ", " : "", names[i]);
  if (total > names.size()) Append(&out, " (and ", total - names.size(), " more)");
  return out;
}

std::string Plural(size_t n, std::string_view word) { return Cat(n, " ", word, n == 1 ? "" : "s"); }

}  // namespace

std::string FormatText(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    Append(&out, ToString(f.severity), " ", f.code, ": ", f.message, "\n");
    if (!f.table.empty()) Append(&out, "  table: ", f.table, "\n");
    if (!f.filters.empty()) Append(&out, "  filters: ", Listed(f.filters, f.filters.size()), "\n");
    if (!f.roles.empty()) Append(&out, "  roles: ", Listed(f.roles, f.roles.size()), "\n");
    if (f.user_count) Append(&out, "  users: ", Listed(f.users, f.user_count), "\n");
    out += "\n";
  }
  if (findings.empty()) {
    out += "no findings\n";
  } else {
    Append(&out, Plural(CountFindings(findings, Severity::kError), "error"), ", ",
           Plural(CountFindings(findings, Severity::kWarning), "warning"), ", ",
           Plural(CountFindings(findings, Severity::kInfo), "info"), "\n");
  }
  return out;
}

std::string FormatJson(const std::vector<Finding>& findings) {
  std::string out = "{\"findings\": [";
  auto list = [&](const std::vector<std::string>& items) {
    out += "[";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      json::AppendString(items[i], &out);
    }
    out += "]";
  };
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    out += i ? ",\n  {" : "\n  {";
    out += "\"severity\": ";
    json::AppendString(ToString(f.severity), &out);
    out += ", \"code\": ";
    json::AppendString(f.code, &out);
    out += ", \"message\": ";
    json::AppendString(f.message, &out);
    out += ", \"table\": ";
    json::AppendString(f.table, &out);
    out += ", \"filters\": ";
    list(f.filters);
    out += ", \"roles\": ";
    list(f.roles);
    out += ", \"users\": ";
    list(f.users);
    Append(&out, ", \"user_count\": ", f.user_count, "}");
  }
  Append(&out, findings.empty() ? "]" : "\n]", ", \"errors\": ", CountFindings(findings, Severity::kError),
         ", \"warnings\": ", CountFindings(findings, Severity::kWarning), ", \"infos\": ",
         CountFindings(findings, Severity::kInfo), "}\n");
  return out;
}

}  // namespace rlsq::lint
