// What the fenced placement costs on PostgreSQL 15 (issue 11, section 6 "The error side channel").
//
//   plain/qNN    rlsq's rewrite of TPC-H query NN with PlacementMode::kPlain: predicates ANDed into WHERE / ON
//   fenced/qNN   the rewrite with PlacementMode::kFenced (the default): every filtered read becomes
//                (SELECT * FROM t WHERE predicate OFFSET 0) AS alias, which the planner does not push the query's
//                own conditions through
//   native/qNN   the original query, run by a role on which the same predicates are native RLS policies (one
//                RESTRICTIVE policy per term plus one PERMISSIVE USING (true), as rls_differential_test installs)
//
// Set-up, before any benchmark runs: a throwaway PostgreSQL 15 server (tests/support/pg_server.h), database tpch,
// LoadTpch at the scale factor RLSQ_FENCE_SF (or --fence_sf=; default 0.1) plus ANALYZE, a Superset-style policy
// with filters on all eight TPC-H tables (an ORed group on orders), the three forms of each query run once: plain
// and fenced must return the same rows and native the same rows as plain, or that query's benchmarks fail (and the
// program exits 1). That run also warms the caches and sizes the rounds.
//
// Timing: the time of one query is the client-side wall time of one PQexec (planning, execution and the transfer
// of the few result rows; one connection per role, so SET ROLE is outside it), reported as manual time. The
// forms of a query are measured together when its first benchmark runs, in R interleaved rounds (the order of the
// forms rotates from round to round), and each benchmark reports its own R samples. R = clamp(budget / time of one
// round, 3, 15) per query; budget is RLSQ_FENCE_BUDGET / --fence_budget= seconds per query (default 5), or fix R
// with RLSQ_FENCE_ROUNDS / --fence_rounds=. RLSQ_FENCE_TIMEOUT_MS / --fence_timeout_ms= is the server's
// statement_timeout (default 15000): a form slower than that is reported as such (its benchmark errors, the
// summary counts it at the timeout, a lower bound) without failing the program. RLSQ_FENCE_JIT / --fence_jit=on|off
// sets jit for every session (default: the server's, on). Google Benchmark's own flags work as usual
// (--benchmark_filter: only the forms it selects are set up and measured; --benchmark_format,
// --benchmark_out, ...). The whole run at the defaults takes about 3 minutes on a 2-core machine.
//
// At the end, on stderr: per query the median of each form, fenced/plain and native/plain, which forms' plans are
// JIT-compiled, whether the fenced plan differs from the plain one (EXPLAIN without costs: node types, scans and
// their order), the geometric means of the ratios, and the full EXPLAIN (not ANALYZE) of one query in both forms:
// the query with the highest fenced/plain ratio, or RLSQ_FENCE_EXPLAIN / --fence_explain=qNN.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "bench/common/bench_corpus.h"
#include "bench/common/median.h"
#include "lib/common/str_cat.h"
#include "lib/names/table_name.h"
#include "lib/policy/policy.h"
#include "rewriter/engine.h"
#include "tests/support/pg_server.h"

namespace {

using rlsq::Append;
using rlsq::Cat;
using rlsq::bench::Median;
using rlsq::testing::PgConnection;
using rlsq::testing::PgResult;
using rlsq::testing::PgServer;

// ------------------------------------------------------------------------------------------------------------
// Configuration: environment first, then our own --fence_* flags (removed before Google Benchmark sees argv).

struct Config {
  double sf = 0.1;
  double budget_s = 5.0;  // measuring time per query, all forms together
  int rounds = 0;         // > 0: fixed number of rounds
  int min_rounds = 3;
  int max_rounds = 15;
  int timeout_ms = 15000;
  std::string explain;  // qNN to EXPLAIN; empty: the highest fenced/plain ratio
  std::string jit;      // "on" / "off": SET jit for every session; empty: the server's default (on)
};

Config& Cfg() {
  static Config c;
  return c;
}

void SetOption(const std::string& key, const std::string& value) {
  Config& c = Cfg();
  if (key == "sf") c.sf = std::atof(value.c_str());
  else if (key == "budget") c.budget_s = std::atof(value.c_str());
  else if (key == "rounds") c.rounds = std::atoi(value.c_str());
  else if (key == "timeout_ms") c.timeout_ms = std::atoi(value.c_str());
  else if (key == "explain") c.explain = value;
  else if (key == "jit") c.jit = value;
  else {
    std::fprintf(stderr, "fence_bench: unknown flag --fence_%s\n", key.c_str());
    std::exit(2);
  }
}

void ReadOptions(int* argc, char** argv) {
  const std::pair<const char*, const char*> env[] = {{"RLSQ_FENCE_SF", "sf"},
                                                     {"RLSQ_FENCE_BUDGET", "budget"},
                                                     {"RLSQ_FENCE_ROUNDS", "rounds"},
                                                     {"RLSQ_FENCE_TIMEOUT_MS", "timeout_ms"},
                                                     {"RLSQ_FENCE_EXPLAIN", "explain"},
                                                     {"RLSQ_FENCE_JIT", "jit"}};
  for (const auto& [var, key] : env)
    if (const char* v = std::getenv(var); v && *v) SetOption(key, v);
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--fence_")) {
      size_t eq = a.find('=');
      if (eq == std::string_view::npos) {
        std::fprintf(stderr, "fence_bench: %s needs =value\n", argv[i]);
        std::exit(2);
      }
      SetOption(std::string(a.substr(8, eq - 8)), std::string(a.substr(eq + 1)));
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  if (!Cfg().jit.empty() && Cfg().jit != "on" && Cfg().jit != "off") {
    std::fprintf(stderr, "fence_bench: jit must be on or off\n");
    std::exit(2);
  }
  if (!(Cfg().sf > 0) || !(Cfg().budget_s > 0)) {
    std::fprintf(stderr, "fence_bench: the scale factor and the budget must be positive\n");
    std::exit(2);
  }
}

// ------------------------------------------------------------------------------------------------------------
// The policy: Superset-style filters on every TPC-H table, for one analyst.

constexpr const char* kPolicy = R"json({"default_schema": "public", "default_database": "tpch",
  "roles": [{"name": "Reader", "permissions": [["schema_access", "[tpch].[public]"]]}, {"name": "Sales"}],
  "users": [{"username": "analyst", "roles": ["Reader", "Sales"]}],
  "rls_filters": [
    {"name": "region_scope", "filter_type": "Regular", "tables": ["region"], "roles": ["Sales"], "group_key": "",
     "clause": "r_name IN ('AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST')"},
    {"name": "nation_scope", "filter_type": "Regular", "tables": ["nation"], "roles": ["Sales"], "group_key": "",
     "clause": "n_regionkey IN (1, 2, 3, 4)"},
    {"name": "customer_segments", "filter_type": "Regular", "tables": ["customer"], "roles": ["Sales"],
     "group_key": "", "clause": "c_mktsegment IN ('AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY')"},
    {"name": "orders_recent", "filter_type": "Regular", "tables": ["orders"], "roles": ["Sales"],
     "group_key": "orders_scope", "clause": "o_orderdate >= DATE '1993-01-01'"},
    {"name": "orders_priority", "filter_type": "Regular", "tables": ["orders"], "roles": ["Sales"],
     "group_key": "orders_scope", "clause": "o_orderpriority IN ('1-URGENT', '2-HIGH')"},
    {"name": "lineitem_shipmodes", "filter_type": "Regular", "tables": ["lineitem"], "roles": ["Sales"],
     "group_key": "", "clause": "l_shipmode IN ('AIR', 'MAIL', 'RAIL', 'SHIP', 'TRUCK')"},
    {"name": "supplier_active", "filter_type": "Regular", "tables": ["supplier"], "roles": ["Sales"],
     "group_key": "", "clause": "s_acctbal > -500"},
    {"name": "part_sizes", "filter_type": "Regular", "tables": ["part"], "roles": ["Sales"], "group_key": "",
     "clause": "p_size <= 45"},
    {"name": "partsupp_available", "filter_type": "Regular", "tables": ["partsupp"], "roles": ["Sales"],
     "group_key": "", "clause": "ps_availqty > 100"}]})json";

constexpr const char* kUser = "analyst";
constexpr const char* kTables[] = {"region", "nation", "supplier", "customer", "part", "partsupp", "orders",
                                   "lineitem"};

// The engine's effective predicates for kUser as native policies TO probe (rls_differential_test's InstallNative).
std::string NativePoliciesSql(const rlsq::Engine& engine) {
  std::shared_ptr<const rlsq::policy::Policy> policy = engine.policy();
  int user = policy->UserIndex(kUser);
  std::string sql;
  for (const char* table : kTables) {
    const rlsq::policy::Predicate* pred = policy->PredicateFor(user, rlsq::TableName{"", "public", table}.Key());
    if (!pred) continue;
    Append(&sql, "ALTER TABLE ", table, " ENABLE ROW LEVEL SECURITY; CREATE POLICY allow_all ON ", table,
           " AS PERMISSIVE FOR SELECT TO probe USING (true); ");
    for (size_t t = 0; t < pred->terms.size(); ++t) {
      rlsq::policy::Predicate one;
      one.terms.push_back(pred->terms[t]);
      std::string text;
      if (absl::Status s = one.Render(table, &text); !s.ok()) {
        std::fprintf(stderr, "fence_bench: rendering the predicate of %s: %s\n", table, std::string(s.message()).c_str());
        std::exit(2);
      }
      Append(&sql, "CREATE POLICY term", t, " ON ", table, " AS RESTRICTIVE FOR SELECT TO probe USING (", text, "); ");
    }
  }
  return sql;
}

// ------------------------------------------------------------------------------------------------------------
// Queries and their measurements.

enum Form { kPlain = 0, kFenced = 1, kNative = 2 };
constexpr const char* kFormNames[] = {"plain", "fenced", "native"};
constexpr int kForms = 3;

struct Case {
  std::string name;             // q01
  std::string sql[kForms];      // plain rewrite, fenced rewrite, original (run as probe)
  bool wanted[kForms] = {};     // selected by --benchmark_filter
  bool checked = false;         // the set-up ran it
  std::string error[kForms];    // non-empty: that benchmark fails with this message
  bool timed_out[kForms] = {};  // the error is the statement timeout (a measurement, not a failure)
  size_t rows = 0;
  double check_s[kForms] = {};  // the set-up run's time
  int rounds = 3;
  std::vector<double> pending[kForms];  // samples measured, not yet reported (seconds)
  std::vector<double> all[kForms];      // every sample, for the summary
  std::string plan[kForms];             // EXPLAIN (COSTS OFF) of plain and fenced
  bool jit[kForms] = {};                // the form's plan is JIT-compiled (EXPLAIN shows a JIT section)
};

struct State {
  std::unique_ptr<PgServer> server;
  std::unique_ptr<PgConnection> admin;  // postgres (superuser: RLS does not apply) runs plain and fenced
  std::unique_ptr<PgConnection> probe;  // probe runs the originals under native RLS
  std::vector<Case> cases;
  bool failed = false;
};

State& S() {
  static State s;
  return s;
}

PgConnection& ConnectionFor(Form f) { return f == kNative ? *S().probe : *S().admin; }

// One PQexec, timed on the client.
absl::StatusOr<double> TimeQuery(PgConnection& c, const std::string& sql, PgResult* result) {
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<PgResult> r = c.Query(sql);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.ok()) return r.status();
  if (result) *result = std::move(*r);
  return s;
}

std::string ErrorText(const absl::Status& s) { return std::string(s.message()); }

// Records a failed run of form `f`: a statement timeout marks the form as slower than the timeout; anything else
// fails the program.
void RecordError(Case& c, Form f, const absl::Status& s) {
  if (s.code() == absl::StatusCode::kOk) return;
  std::string text = ErrorText(s);
  if (text.find("57014") != std::string::npos) {
    c.timed_out[f] = true;
    c.error[f] = Cat(kFormNames[f], " ", c.name, ": timed out (statement_timeout ", Cfg().timeout_ms, " ms)");
  } else {
    c.error[f] = Cat(kFormNames[f], " ", c.name, ": ", text);
    S().failed = true;
  }
}

// Measures the rounds of one query: every wanted form (and `also`), interleaved, the order rotating per round.
void Measure(Case& c, Form also) {
  std::vector<Form> forms;
  for (int f = 0; f < kForms; ++f)
    if ((c.wanted[f] || f == also) && c.error[f].empty()) forms.push_back(static_cast<Form>(f));
  for (int r = 0; r < c.rounds; ++r) {
    for (size_t k = 0; k < forms.size(); ++k) {
      Form f = forms[(r + k) % forms.size()];
      if (!c.error[f].empty()) continue;
      absl::StatusOr<double> t = TimeQuery(ConnectionFor(f), c.sql[f], nullptr);
      if (!t.ok()) {
        RecordError(c, f, t.status());
        continue;
      }
      c.pending[f].push_back(*t);
      c.all[f].push_back(*t);
    }
  }
}

void RunCase(benchmark::State& state, Case* c, Form f) {
  if (c->error[f].empty() && c->pending[f].size() < static_cast<size_t>(state.max_iterations)) Measure(*c, f);
  if (!c->error[f].empty()) {
    state.SkipWithError(c->error[f].c_str());
    for (auto _ : state) {
    }
    return;
  }
  std::vector<double>& p = c->pending[f];
  size_t i = 0;
  for (auto _ : state) state.SetIterationTime(p[std::min(i++, p.size() - 1)]);
  p.erase(p.begin(), p.begin() + std::min(i, p.size()));
  state.counters["rows"] = static_cast<double>(c->rows);
}

// --benchmark_filter as Google Benchmark reads it: a regular expression searched in the name, "-" negates it,
// empty and "all" select everything.
bool FilterSelects(const std::string& name) {
  std::string spec = benchmark::GetBenchmarkFilter();
  if (spec.empty() || spec == "all") return true;
  bool negative = spec[0] == '-';
  if (negative) spec.erase(0, 1);
  try {
    bool m = std::regex_search(name, std::regex(spec, std::regex::extended));
    return negative ? !m : m;
  } catch (const std::regex_error&) {
    return true;  // Google Benchmark reports the bad expression itself
  }
}

// ------------------------------------------------------------------------------------------------------------
// Plans: the shape of an EXPLAIN (COSTS OFF): node types in plan order with the relation each scan reads, without
// the fence's own Subquery Scan nodes; sub-plans and init-plans as markers.

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> PlanShape(const std::string& plan) {
  std::vector<std::string> out;
  size_t pos = 0;
  bool first = true;
  static const std::regex scan(R"(^(.* on [^ ]+).*$)");
  while (pos < plan.size()) {
    size_t nl = plan.find('\n', pos);
    if (nl == std::string::npos) nl = plan.size();
    std::string line = plan.substr(pos, nl - pos);
    pos = nl + 1;
    std::string node;
    size_t arrow = line.find("->");
    std::string trimmed = Trim(line);
    if (first) {
      node = trimmed;
      first = false;
    } else if (arrow != std::string::npos) {
      node = Trim(std::string_view(line).substr(arrow + 2));
    } else if (trimmed.starts_with("SubPlan") || trimmed.starts_with("InitPlan")) {
      out.push_back(trimmed.substr(0, trimmed.find(' ')));
      continue;
    } else {
      continue;  // Filter:, Hash Cond:, Sort Key: ...
    }
    if (node.starts_with("Subquery Scan")) continue;
    std::smatch m;
    if (std::regex_match(node, m, scan)) node = m[1];
    out.push_back(node);
  }
  return out;
}

bool IsScan(const std::string& node) { return node.find(" Scan") != std::string::npos; }

// The scans one shape has and the other lacks (as multisets), e.g. "Index Scan using orders_pkey on orders".
std::vector<std::string> ScansOnlyIn(std::vector<std::string> a, std::vector<std::string> b) {
  std::vector<std::string> out;
  for (const std::string& n : a) {
    if (!IsScan(n)) continue;
    auto it = std::find(b.begin(), b.end(), n);
    if (it != b.end()) b.erase(it);
    else out.push_back(n);
  }
  return out;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) Append(&out, i ? sep : "", v[i]);
  return out;
}

// "same", or what differs: scans, else join methods or order.
std::string PlanNote(const Case& c) {
  if (c.plan[kPlain].empty() || c.plan[kFenced].empty()) return "-";
  std::vector<std::string> p = PlanShape(c.plan[kPlain]), f = PlanShape(c.plan[kFenced]);
  if (p == f) return "same";
  std::vector<std::string> only_p = ScansOnlyIn(p, f), only_f = ScansOnlyIn(f, p);
  auto count = [](const std::vector<std::string>& v, const char* kind) {
    return std::count_if(v.begin(), v.end(), [&](const std::string& n) { return n.starts_with(kind); });
  };
  if (only_p.empty() && only_f.empty()) return "differs: join order/method";
  std::string note = "differs: scans";
  long idx_p = count(only_p, "Index") + count(only_p, "Bitmap"), idx_f = count(only_f, "Index") + count(only_f, "Bitmap");
  if (idx_p > idx_f) Append(&note, ", plain has ", idx_p - idx_f, " more index scan(s)");
  else if (idx_f > idx_p) Append(&note, ", fenced has ", idx_f - idx_p, " more index scan(s)");
  return note;
}

// ------------------------------------------------------------------------------------------------------------
// Set-up.

void Die(const std::string& what, const absl::Status& s) {
  std::fprintf(stderr, "fence_bench: %s: %s\n", what.c_str(), ErrorText(s).c_str());
  std::exit(2);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void SetUp(const rlsq::Engine& engine) {
  State& st = S();
  auto t0 = std::chrono::steady_clock::now();
  rlsq::testing::PgServerOptions options;
  options.statement_timeout_ms = Cfg().timeout_ms;
  auto server = PgServer::Start(options);
  if (!server.ok()) Die("starting PostgreSQL 15", server.status());
  st.server = std::move(*server);
  if (absl::Status s = st.server->CreateDatabase("tpch"); !s.ok()) Die("CREATE DATABASE tpch", s);
  auto admin = st.server->Connect("tpch");
  if (!admin.ok()) Die("connecting", admin.status());
  st.admin = std::move(*admin);
  std::fprintf(stderr, "[fence] server up in %.1f s; loading TPC-H SF %g ...\n", Seconds(t0), Cfg().sf);
  auto t1 = std::chrono::steady_clock::now();
  if (absl::Status s = rlsq::testing::LoadTpch(*st.admin, Cfg().sf); !s.ok()) Die("LoadTpch", s);  // ANALYZEs too
  if (absl::Status s = st.admin->Exec("ANALYZE"); !s.ok()) Die("ANALYZE", s);
  auto counts = st.admin->Query("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM lineitem), "
                                "pg_size_pretty(pg_database_size('tpch'))");
  if (!counts.ok()) Die("counting rows", counts.status());
  std::fprintf(stderr, "[fence] loaded in %.1f s: %s orders, %s lineitems, database %s\n", Seconds(t1),
               counts->rows[0][0]->c_str(), counts->rows[0][1]->c_str(), counts->rows[0][2]->c_str());
  std::string roles = "CREATE ROLE probe LOGIN; GRANT USAGE ON SCHEMA public TO probe; "
                      "GRANT SELECT ON ALL TABLES IN SCHEMA public TO probe; ";
  if (absl::Status s = st.admin->Exec(roles + NativePoliciesSql(engine)); !s.ok()) Die("native policies", s);
  auto probe = st.server->Connect("tpch", "probe");
  if (!probe.ok()) Die("connecting as probe", probe.status());
  st.probe = std::move(*probe);
  if (!Cfg().jit.empty()) {
    for (PgConnection* c : {st.admin.get(), st.probe.get()})
      if (absl::Status s = c->Exec("SET jit = " + Cfg().jit); !s.ok()) Die("SET jit", s);
  }
  auto jit = st.admin->Query("SHOW jit");
  std::string jit_setting = jit.ok() && !jit->rows.empty() ? jit->rows[0][0].value_or("?") : "?";

  // One run of each wanted query in every form: rows compared, caches warmed, rounds sized.
  auto t2 = std::chrono::steady_clock::now();
  for (Case& c : st.cases) {
    if (!c.wanted[kPlain] && !c.wanted[kFenced] && !c.wanted[kNative]) continue;
    c.checked = true;
    PgResult result[kForms];
    for (int f = 0; f < kForms; ++f) {
      absl::StatusOr<double> t = TimeQuery(ConnectionFor(static_cast<Form>(f)), c.sql[f], &result[f]);
      if (!t.ok()) RecordError(c, static_cast<Form>(f), t.status());
      else c.check_s[f] = *t;
    }
    c.rows = result[kPlain].rows.size();
    if (c.error[kPlain].empty() && c.error[kFenced].empty() &&
        result[kPlain].SortedRows() != result[kFenced].SortedRows()) {
      c.error[kPlain] = c.error[kFenced] = Cat(c.name, ": fenced and plain rewrites return different rows (",
                                               result[kFenced].rows.size(), " vs ", c.rows, ")");
      st.failed = true;
    }
    if (c.error[kPlain].empty() && c.error[kNative].empty() &&
        result[kPlain].SortedRows() != result[kNative].SortedRows()) {
      c.error[kNative] = Cat(c.name, ": native RLS returns different rows than the rewrite (",
                             result[kNative].rows.size(), " vs ", c.rows, ")");
      st.failed = true;
    }
    for (int f = 0; f < kForms; ++f)
      if (!c.error[f].empty())
        std::fprintf(stderr, "[fence] %s %s\n", c.timed_out[f] ? "slow:" : "FAILED", c.error[f].c_str());
    double round = 0;
    for (int f = 0; f < kForms; ++f)
      if (c.wanted[f] && c.error[f].empty()) round += c.check_s[f];
    c.rounds = Cfg().rounds > 0 ? Cfg().rounds
                                : std::clamp(static_cast<int>(Cfg().budget_s / std::max(round, 1e-6)),
                                             Cfg().min_rounds, Cfg().max_rounds);
    for (Form f : {kPlain, kFenced}) {
      auto plan = st.admin->Query("EXPLAIN (COSTS OFF) " + c.sql[f]);
      if (plan.ok())
        for (const auto& row : plan->rows) Append(&c.plan[f], row[0].value_or(""), "\n");
    }
    for (int f = 0; f < kForms; ++f) {
      auto plan = ConnectionFor(static_cast<Form>(f)).Explain(c.sql[f]);  // the JIT section needs costs
      c.jit[f] = plan.ok() && plan->find("\nJIT:") != std::string::npos;
    }
  }
  std::fprintf(stderr, "[fence] checked the queries in %.1f s (set-up %.1f s in all; jit = %s)\n", Seconds(t2),
               Seconds(t0), jit_setting.c_str());
}

// ------------------------------------------------------------------------------------------------------------
// Summary.

void PrintSummary() {
  State& st = S();
  std::fprintf(stderr,
               "\nfence_bench: TPC-H SF %g on PostgreSQL 15, medians in ms (client-side wall time of one query: "
               "planning + execution)\n",
               Cfg().sf);
  std::fprintf(stderr, "%-5s %6s %6s %10s %10s %10s %8s %8s %4s  %s\n", "query", "rows", "rounds", "plain", "fenced",
               "native", "fen/pl", "nat/pl", "JIT", "fenced plan vs plain");
  double log_fp = 0, log_np = 0;
  int n_fp = 0, n_np = 0, timeouts = 0, native_timeouts = 0;
  const Case* worst = nullptr;
  double worst_ratio = 0;
  for (const Case& c : st.cases) {
    if (!c.checked) continue;
    double med[kForms];
    for (int f = 0; f < kForms; ++f) med[f] = c.all[f].empty() ? 0 : Median(c.all[f]) * 1e3;
    auto cell = [&](int f) {
      char buf[32];
      if (c.timed_out[f]) std::snprintf(buf, sizeof buf, "%10s", Cat(">", Cfg().timeout_ms).c_str());
      else if (!c.error[f].empty()) std::snprintf(buf, sizeof buf, "%10s", "FAILED");
      else if (c.all[f].empty()) std::snprintf(buf, sizeof buf, "%10s", "-");
      else std::snprintf(buf, sizeof buf, "%10.2f", med[f]);
      return std::string(buf);
    };
    auto ratio = [&](int f, double* log_sum, int* n, int* bounds) {
      char buf[32];
      bool bound = c.timed_out[f] && c.all[f].empty();  // never finished: the timeout is a lower bound
      if (bound) med[f] = Cfg().timeout_ms;
      if (med[f] > 0 && med[kPlain] > 0 && (c.error[f].empty() || bound) && c.error[kPlain].empty()) {
        double r = med[f] / med[kPlain];
        *log_sum += std::log(r);
        ++*n;
        if (bound) ++*bounds;
        if (bound) std::snprintf(buf, sizeof buf, "%8s", Cat(">", static_cast<long>(r)).c_str());
        else std::snprintf(buf, sizeof buf, "%8.2f", r);
        if (f == kFenced && r > worst_ratio) {
          worst_ratio = r;
          worst = &c;
        }
      } else {
        std::snprintf(buf, sizeof buf, "%8s", "-");
      }
      return std::string(buf);
    };
    std::string fp = ratio(kFenced, &log_fp, &n_fp, &timeouts), np = ratio(kNative, &log_np, &n_np, &native_timeouts);
    std::string jit;
    for (int f = 0; f < kForms; ++f)
      if (c.jit[f]) jit += kFormNames[f][0];
    std::fprintf(stderr, "%-5s %6zu %6d %s %s %s %s %s %4s  %s\n", c.name.c_str(), c.rows, c.rounds,
                 cell(kPlain).c_str(), cell(kFenced).c_str(), cell(kNative).c_str(), fp.c_str(), np.c_str(),
                 jit.empty() ? "-" : jit.c_str(), PlanNote(c).c_str());
  }
  if (n_fp)
    std::fprintf(stderr, "geometric mean fenced/plain over %d queries: %s%.3f%s\n", n_fp, timeouts ? ">= " : "",
                 std::exp(log_fp / n_fp),
                 timeouts ? Cat(" (", timeouts, " run(s) hit the timeout and count at it)").c_str() : "");
  if (n_np)
    std::fprintf(stderr, "geometric mean native/plain over %d queries: %s%.3f\n", n_np, native_timeouts ? ">= " : "",
                 std::exp(log_np / n_np));

  const Case* shown = worst;
  if (!Cfg().explain.empty()) {
    shown = nullptr;
    for (const Case& c : st.cases)
      if (c.name == Cfg().explain) shown = &c;
    if (!shown) std::fprintf(stderr, "fence_bench: no query %s to EXPLAIN\n", Cfg().explain.c_str());
  }
  if (!shown && !st.cases.empty()) {
    for (const Case& c : st.cases)
      if (c.checked && !shown) shown = &c;
  }
  if (!shown || !st.admin) return;
  std::fprintf(stderr, "\nEXPLAIN of %s%s:\n", shown->name.c_str(),
               shown == worst ? " (the highest fenced/plain ratio)" : "");
  std::string plans[2];
  for (Form f : {kPlain, kFenced}) {
    auto plan = st.admin->Explain(shown->sql[f]);
    plans[f] = plan.ok() ? *plan : ErrorText(plan.status());
    std::fprintf(stderr, "--- %s ---\n%s", kFormNames[f], plans[f].c_str());
  }
  std::vector<std::string> p = PlanShape(shown->plan[kPlain]), f = PlanShape(shown->plan[kFenced]);
  std::fprintf(stderr, "plan differs: %s\n", p == f ? "no (same node types, scans and order)" : "yes");
  if (p != f) {
    std::vector<std::string> only_p = ScansOnlyIn(p, f), only_f = ScansOnlyIn(f, p);
    std::fprintf(stderr, "  scans only in plain:  %s\n  scans only in fenced: %s\n",
                 only_p.empty() ? "none" : Join(only_p, "; ").c_str(),
                 only_f.empty() ? "none" : Join(only_f, "; ").c_str());
    std::fprintf(stderr, "  plain shape:  %s\n  fenced shape: %s\n", Join(p, " > ").c_str(), Join(f, " > ").c_str());
  }
}

bool HasFlag(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == flag || (a.starts_with(flag) && a.size() > flag.size() && a[flag.size()] == '=' &&
                      a.substr(flag.size() + 1) != "false" && a.substr(flag.size() + 1) != "0"))
      return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // Output piped into `head` must not kill the process before the server is stopped and its temp dir removed.
  std::signal(SIGPIPE, SIG_IGN);
  ReadOptions(&argc, argv);
  bool list_only = HasFlag(argc, argv, "--benchmark_list_tests");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  auto engine = rlsq::Engine::FromPolicyJson(kPolicy);
  if (!engine.ok()) Die("policy", engine.status());
  State& st = S();
  bool any = false;
  for (rlsq::bench::CorpusQuery& q : rlsq::bench::LoadCorpusSet("tpch")) {
    Case c;
    c.name = q.name;
    for (Form f : {kPlain, kFenced}) {
      rlsq::RewriteOptions options;
      options.verify = true;
      options.placement = f == kFenced ? rlsq::policy::PlacementMode::kFenced : rlsq::policy::PlacementMode::kPlain;
      auto r = (*engine)->rewrite(q.sql, rlsq::Caller{kUser}, options);
      if (!r.ok()) Die(Cat("rewriting ", q.name, " (", kFormNames[f], ")"), r.status());
      c.sql[f] = r->sql;
    }
    c.sql[kNative] = q.sql;
    // Google Benchmark matches the full name, "plain/q01/iterations:R/manual_time", and R is known only after the
    // set-up: a form is wanted when the filter selects its name for some possible R.
    int lo = Cfg().rounds > 0 ? Cfg().rounds : Cfg().min_rounds, hi = Cfg().rounds > 0 ? Cfg().rounds : Cfg().max_rounds;
    for (int f = 0; f < kForms; ++f) {
      for (int r = lo; r <= hi && !c.wanted[f]; ++r)
        c.wanted[f] = FilterSelects(Cat(kFormNames[f], "/", c.name, "/iterations:", r, "/manual_time"));
      any = any || c.wanted[f];
    }
    st.cases.push_back(std::move(c));
  }
  if (any && !list_only) SetUp(**engine);

  for (Case& c : st.cases) {
    for (Form f : {kPlain, kFenced, kNative}) {
      benchmark::RegisterBenchmark(Cat(kFormNames[f], "/", c.name).c_str(), RunCase, &c, f)
          ->Iterations(c.rounds)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  if (any && !list_only) PrintSummary();
  benchmark::Shutdown();
  st.probe.reset();
  st.admin.reset();
  st.server.reset();
  return st.failed ? 1 : 0;
}
