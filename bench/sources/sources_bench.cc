// Policy sources at Superset's scale: a metadata database of N filters, N/10 roles of 100 dataset grants each,
// N/10 datasets and N/10 users (each of 1 or 2 roles), generated inside SQLite, a throwaway PostgreSQL and a
// throwaway MariaDB server; and the same policy as JSON and YAML files. For each source:
//
//   load_ms         open, read one snapshot, validate into a Policy (what a reload costs), median of `repeat`
//   cold_ms         the same as the first load of a fresh process (a service or CLI start): `repeat` processes
//                   (this program with --load-once), the median of what each measured around its load
//   fingerprint_ms  the change poll of a watcher (Connection::ChangeFingerprint; a file's stat)
//   rss_mb          resident memory a loaded policy holds (RSS growth of the first load, the source's own
//                   memory freed)
// and once, on the loaded policy: lint_ms (rlsq lint, lib/lint).
//
//   sources_bench [--filters N] [--repeat K] [--only sqlite,postgres,mariadb,json,yaml] [--keep DIR]
//   sources_bench --load-once FILE|URI     (one load, its milliseconds on stdout)
// Prints one JSON object per source and size, then a table.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <malloc.h>
#include <string>
#include <vector>

#include "lib/common/str_cat.h"
#include "lib/json/json.h"
#include "lib/lint/lint.h"
#include "lib/policy/policy.h"
#include "lib/sources/policy_source.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/pg_server.h"

#include <sqlite3.h>

namespace {

using rlsq::Append;
using rlsq::Cat;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

size_t RssBytes() {
  std::ifstream in("/proc/self/statm");
  size_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// The schema (the columns rlsq reads and a few it does not) and the generated rows, in one backend's SQL. `seq(n)`
// is a relation of the integers 1..n in column i.
std::vector<std::string> Script(char quote, const std::function<std::string(int)>& seq, const std::string& concat_open,
                                const std::string& sep, const std::string& concat_close, int n, bool mysql) {
  const std::string div = mysql ? " DIV " : " / ";  // integer division
  auto q = [&](std::string_view s) { return Cat(std::string(1, quote), s, std::string(1, quote)); };
  // cat(a, b, ...) in the backend's spelling: a || b (SQLite, PostgreSQL) or CONCAT(a, b) (MySQL).
  auto cat = [&](std::initializer_list<std::string> parts) {
    std::string out = concat_open;
    bool first = true;
    for (const auto& p : parts) {
      Append(&out, first ? "" : sep, p);
      first = false;
    }
    return out + concat_close;
  };
  const int roles = n / 10, datasets = n / 10, users = n / 10;
  const std::string text = mysql ? "MEDIUMTEXT" : "TEXT";
  std::vector<std::string> s = {
      Cat("CREATE TABLE ", q("dbs"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("database_name"), " VARCHAR(250))"),
      Cat("CREATE TABLE ", q("tables"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("table_name"), " VARCHAR(250), ",
          q("schema"), " VARCHAR(255), ", q("catalog"), " VARCHAR(256), ", q("database_id"), " INTEGER, ", q("sql"), " ",
          text, ", ", q("perm"), " VARCHAR(1000))"),
      Cat("CREATE TABLE ", q("ab_permission"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("name"), " VARCHAR(100))"),
      Cat("CREATE TABLE ", q("ab_view_menu"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("name"), " VARCHAR(250))"),
      Cat("CREATE TABLE ", q("ab_permission_view"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("permission_id"),
          " INTEGER, ", q("view_menu_id"), " INTEGER)"),
      Cat("CREATE TABLE ", q("ab_permission_view_role"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("permission_view_id"),
          " INTEGER, ", q("role_id"), " INTEGER)"),
      Cat("CREATE TABLE ", q("ab_role"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("name"), " VARCHAR(64))"),
      Cat("CREATE TABLE ", q("ab_user"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("username"), " VARCHAR(128), ",
          q("email"), " VARCHAR(320), ", q("active"), " BOOLEAN)"),
      Cat("CREATE TABLE ", q("ab_user_role"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("user_id"), " INTEGER, ",
          q("role_id"), " INTEGER)"),
      Cat("CREATE TABLE ", q("row_level_security_filters"), " (", q("id"), " INTEGER PRIMARY KEY, ", q("name"),
          " VARCHAR(255), ", q("description"), " ", text, ", ", q("filter_type"), " VARCHAR(255), ", q("group_key"),
          " VARCHAR(255), ", q("clause"), " ", text, ")"),
      Cat("CREATE TABLE ", q("rls_filter_roles"), " (", q("role_id"), " INTEGER, ", q("rls_filter_id"), " INTEGER)"),
      Cat("CREATE TABLE ", q("rls_filter_tables"), " (", q("table_id"), " INTEGER, ", q("rls_filter_id"), " INTEGER)"),
      Cat("INSERT INTO ", q("dbs"), " VALUES (1, 'db')"),
      Cat("INSERT INTO ", q("ab_permission"), " VALUES (1, 'datasource_access')"),
      Cat("INSERT INTO ", q("tables"), " (", q("id"), ", ", q("table_name"), ", ", q("schema"), ", ", q("database_id"),
          ", ", q("perm"), ") SELECT i, ", cat({"'t'", "i"}), ", ", cat({"'s'", "(i % 100)"}), ", 1, ",
          cat({"'[db].[t'", "i", "'](id:'", "i", "')'"}), " FROM ", seq(datasets)),
      Cat("INSERT INTO ", q("ab_view_menu"), " SELECT i, ", cat({"'[db].[t'", "i", "'](id:'", "i", "')'"}), " FROM ",
          seq(datasets)),
      Cat("INSERT INTO ", q("ab_permission_view"), " SELECT i, 1, i FROM ", seq(datasets)),
      Cat("INSERT INTO ", q("ab_role"), " SELECT i, ", cat({"'R'", "i"}), " FROM ", seq(roles)),
      // Role r holds datasets ((r * 100 + g) mod D) + 1 for g in 0..99.
      Cat("INSERT INTO ", q("ab_permission_view_role"), " SELECT i, ((((i - 1)", div, "100) * 100 + ((i - 1) % 100)) % ",
          datasets, ") + 1, ((i - 1)", div, "100) + 1 FROM ", seq(roles * 100)),
      Cat("INSERT INTO ", q("ab_user"), " SELECT i, ", cat({"'user'", "i"}), ", ", cat({"'user'", "i", "'@example.com'"}),
          ", TRUE FROM ", seq(users)),
      Cat("INSERT INTO ", q("ab_user_role"), " SELECT i, ((i - 1) % ", users, ") + 1, ((i * 7919) % ", roles,
          ") + 1 FROM ", seq(users + users / 2)),
      Cat("INSERT INTO ", q("row_level_security_filters"), " (", q("id"), ", ", q("name"), ", ", q("filter_type"), ", ",
          q("group_key"), ", ", q("clause"), ") SELECT i, ", cat({"'f'", "i"}),
          ", CASE WHEN i % 4 = 0 THEN 'Base' ELSE 'Regular' END, CASE WHEN i % 3 = 0 THEN ", cat({"'g'", "(i % 5)"}),
          " ELSE NULL END, ", cat({"'c'", "(i % 20)", "' = '", "(i % 100)"}), " FROM ", seq(n)),
      Cat("INSERT INTO ", q("rls_filter_tables"), " SELECT (i % ", datasets, ") + 1, i FROM ", seq(n)),
      Cat("INSERT INTO ", q("rls_filter_roles"), " SELECT ((i * 31) % ", roles, ") + 1, i FROM ", seq(n)),
      Cat("INSERT INTO ", q("rls_filter_roles"), " SELECT ((i * 17 + 1) % ", roles, ") + 1, i FROM ", seq(n),
          " WHERE ((i * 17 + 1) % ", roles, ") <> ((i * 31) % ", roles, ")"),
  };
  return s;
}

struct Figure {
  std::string source;
  int filters = 0;
  double load_ms = 0, cold_ms = 0, fingerprint_ms = 0, rss_mb = 0, lint_ms = -1;
  size_t policy_filters = 0, users = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The source a --load-once argument names: a metadata database URI, or a policy file.
rlsq::sources::SourceOptions SourceFor(const std::string& spec) {
  rlsq::sources::SourceOptions o;
  if (spec.find("://") != std::string::npos) {
    o.policy_db = spec;
  } else {
    o.policy_file = spec;
  }
  return o;
}

// --load-once: one load in this fresh process; prints its milliseconds.
int LoadOnce(const std::string& spec) {
  auto t0 = Clock::now();
  auto source = rlsq::sources::OpenPolicySource(SourceFor(spec), rlsq::Dialect::Postgres());
  if (!source.ok()) return std::fprintf(stderr, "%s\n", std::string(source.status().message()).c_str()), 1;
  auto p = (*source)->Load();
  const double ms = Ms(Clock::now() - t0);
  if (!p.ok()) return std::fprintf(stderr, "%s\n", std::string(p.status().message()).c_str()), 1;
  std::printf("%.1f\n", ms);
  std::fflush(stdout);
  std::_Exit(0);  // the load is measured; the teardown is not
}

// The first load of `repeat` fresh processes, median.
double ColdLoadMs(const rlsq::sources::SourceOptions& o, int repeat) {
  const std::string spec = o.policy_db.empty() ? o.policy_file : o.policy_db;
  std::vector<double> ms;
  for (int k = 0; k < repeat; ++k) {
    auto quoted = [](std::string_view word) {  // for sh -c
      std::string q = "'";
      for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return q + "'";
    };
    static const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();  // not the shell's
    FILE* child = popen(Cat(quoted(self), " --load-once ", quoted(spec)).c_str(), "r");
    double v = -1;
    if (!child || std::fscanf(child, "%lf", &v) != 1) v = -1;
    if (child && pclose(child) != 0) v = -1;
    if (v < 0) {
      std::fprintf(stderr, "--load-once %s failed\n", spec.c_str());
      std::exit(1);
    }
    ms.push_back(v);
  }
  return Median(ms);
}

// Loads `source` `repeat` times; memory from the first load.
Figure Measure(const std::string& name, int n, int repeat, rlsq::sources::SourceOptions options, bool lint) {
  Figure f;
  f.source = name;
  f.filters = n;
  auto source = rlsq::sources::OpenPolicySource(options, rlsq::Dialect::Postgres());
  if (!source.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), std::string(source.status().message()).c_str());
    std::exit(1);
  }
  std::vector<double> loads, prints;
  std::shared_ptr<const rlsq::policy::Policy> kept;
  for (int k = 0; k < repeat; ++k) {
    auto t0 = Clock::now();
    auto fp = (*source)->Fingerprint();
    auto t1 = Clock::now();
    if (!fp.ok()) std::fprintf(stderr, "fingerprint: %s\n", std::string(fp.status().message()).c_str());
    malloc_trim(0);
    const size_t before = RssBytes();
    auto t2 = Clock::now();
    auto p = (*source)->Load();
    auto t3 = Clock::now();
    if (!p.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), std::string(p.status().message()).c_str());
      std::exit(1);
    }
    malloc_trim(0);
    if (k == 0) f.rss_mb = static_cast<double>(RssBytes() - before) / (1 << 20);
    loads.push_back(Ms(t3 - t2));
    prints.push_back(Ms(t1 - t0));
    if (k == 0) kept = std::move(*p);
  }
  f.load_ms = Median(loads);
  f.cold_ms = ColdLoadMs(options, repeat);
  f.fingerprint_ms = Median(prints);
  f.policy_filters = kept->filters().size();
  f.users = kept->users().size();
  if (lint) {
    auto t0 = Clock::now();
    auto findings = rlsq::lint::Lint(*kept);
    f.lint_ms = Ms(Clock::now() - t0);
  }
  std::printf("{\"source\": \"%s\", \"filters\": %d, \"load_ms\": %.1f, \"cold_ms\": %.1f, \"fingerprint_ms\": %.2f, "
              "\"rss_mb\": %.1f, \"lint_ms\": %.1f, \"policy_filters\": %zu, \"users\": %zu}\n",
              f.source.c_str(), n, f.load_ms, f.cold_ms, f.fingerprint_ms, f.rss_mb, f.lint_ms, f.policy_filters,
              f.users);
  std::fflush(stdout);
  return f;
}

// Block-style YAML of a JSON value (strings always quoted, as JSON writes them: valid YAML scalars).
void Yaml(const rlsq::json::Value& v, int indent, std::string* out) {
  using T = rlsq::json::Value::Type;
  const std::string pad(indent, ' ');
  if (v.type() == T::kObject) {
    for (const auto& [k, m] : v.members()) {
      Append(out, pad, k, ":");
      if ((m.type() == T::kObject && !m.members().empty()) || (m.type() == T::kArray && !m.items().empty())) {
        out->push_back('\n');
        Yaml(m, indent + 2, out);
      } else {
        out->push_back(' ');
        rlsq::json::AppendValue(m, out);
        out->push_back('\n');
      }
    }
  } else if (v.type() == T::kArray) {
    for (const auto& item : v.items()) {
      if (item.type() == T::kObject && !item.members().empty()) {
        std::string inner;
        Yaml(item, indent + 2, &inner);
        inner.replace(indent, 1, "-");  // "- " replaces the first item's indentation
        out->append(inner);
      } else {
        Append(out, pad, "- ");
        rlsq::json::AppendValue(item, out);  // scalars and the [permission, view] pairs in flow style
        out->push_back('\n');
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {10000, 30000, 100000};
  int repeat = 3;
  std::string only = "sqlite,postgres,mariadb,json,yaml";
  std::string keep;  // --keep DIR: leave the generated files there
  if (argc == 3 && std::string(argv[1]) == "--load-once") return LoadOnce(argv[2]);
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--filters") sizes = {std::atoi(argv[i + 1])};
    else if (a == "--repeat") repeat = std::atoi(argv[i + 1]);
    else if (a == "--only") only = argv[i + 1];
    else if (a == "--keep") keep = argv[i + 1];
  }
  auto want = [&](const char* s) { return only.find(s) != std::string::npos; };
  std::vector<Figure> figures;
  const std::string dir =
      keep.empty() ? Cat(std::filesystem::temp_directory_path().string(), "/rlsq-sources-bench-", getpid()) : keep;
  std::filesystem::create_directories(dir);

  std::unique_ptr<rlsq::testing::PgServer> pg;
  std::unique_ptr<rlsq::testing::MariaDbServer> maria;
  if (want("postgres")) {
    auto s = rlsq::testing::PgServer::Start();
    if (!s.ok()) return std::fprintf(stderr, "%s\n", std::string(s.status().message()).c_str()), 1;
    pg = std::move(*s);
  }
  if (want("mariadb")) {
    auto s = rlsq::testing::MariaDbServer::Start();
    if (!s.ok()) return std::fprintf(stderr, "%s\n", std::string(s.status().message()).c_str()), 1;
    maria = std::move(*s);
  }
  for (int n : sizes) {
    // SQLite: the rows generated by a recursive CTE.
    const std::string db = Cat(dir, "/superset-", n, ".db");
    {
      sqlite3* h = nullptr;
      sqlite3_open(db.c_str(), &h);
      sqlite3_exec(h, "BEGIN", nullptr, nullptr, nullptr);
      auto seq = [](int m) { return Cat("(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ", m, ") SELECT i FROM s)"); };
      for (const std::string& s : Script('"', seq, "(", " || ", ")", n, false)) {
        char* err = nullptr;
        if (sqlite3_exec(h, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK)
          return std::fprintf(stderr, "sqlite: %s\n%s\n", err, s.c_str()), 1;
      }
      sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
      sqlite3_close(h);
    }
    rlsq::sources::SourceOptions sqlite;
    sqlite.policy_db = Cat("sqlite:///", db);
    if (want("sqlite")) figures.push_back(Measure("sqlite", n, repeat, sqlite, /*lint=*/n == sizes.back()));
    // The same policy as files, written first and measured once the document that made them is freed (a file
    // load is measured in a process without another policy's worth of live memory, as a service starts).
    std::vector<std::string> unused;
    auto doc = rlsq::sources::ExportSupersetPolicy(sqlite, &unused);
    if (!doc.ok()) return std::fprintf(stderr, "%s\n", std::string(doc.status().message()).c_str()), 1;
    const std::string json_file = Cat(dir, "/policy-", n, ".json"), yaml_file = Cat(dir, "/policy-", n, ".yaml");
    if (want("json")) {
      std::string text;
      rlsq::json::AppendValue(*doc, &text);
      std::ofstream(json_file) << text;
    }
    if (want("yaml")) {
      std::string text;
      Yaml(*doc, 0, &text);
      std::ofstream(yaml_file) << text;
    }
    doc = rlsq::json::Value();
    malloc_trim(0);
    for (const auto& [kind, file] : {std::pair{"json", json_file}, std::pair{"yaml", yaml_file}}) {
      if (!want(kind)) continue;
      rlsq::sources::SourceOptions o;
      o.policy_file = file;
      figures.push_back(Measure(Cat(kind, " file"), n, repeat, o, false));
    }
    if (pg) {
      const std::string name = Cat("superset", n);
      if (!pg->CreateDatabase(name).ok()) return 1;
      auto conn = pg->Connect(name);
      auto seq = [](int m) { return Cat("generate_series(1, ", m, ") AS g(i)"); };
      for (const std::string& s : Script('"', seq, "(", " || ", ")", n, false))
        if (auto st = (*conn)->Exec(s); !st.ok()) return std::fprintf(stderr, "%s\n", std::string(st.message()).c_str()), 1;
      (void)(*conn)->Exec("ANALYZE");
      rlsq::sources::SourceOptions o;
      o.policy_db = Cat("postgresql://postgres@/", name, "?host=", pg->socket_dir(), "&port=", pg->port());
      figures.push_back(Measure("postgresql", n, repeat, o, false));
    }
    if (maria) {
      const std::string name = Cat("superset", n);
      if (!maria->Exec(Cat("CREATE DATABASE ", name)).ok()) return 1;
      auto seq = [](int m) { return Cat("(SELECT seq AS i FROM seq_1_to_", m, ") AS g"); };
      std::string fixed;
      for (const std::string& s : Script('`', seq, "CONCAT(", ", ", ")", n, true)) Append(&fixed, s, ";\n");
      if (auto st = maria->Exec(fixed, name); !st.ok())
        return std::fprintf(stderr, "%s\n", std::string(st.message()).c_str()), 1;
      rlsq::sources::SourceOptions o;
      o.policy_db = maria->Uri(name);
      figures.push_back(Measure("mariadb", n, repeat, o, false));
    }
  }
  std::printf(
      "\n| source | filters | load (reload) ms | first load, fresh process ms | fingerprint ms | RSS MB | lint ms |\n"
      "|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Figure& f : figures)
    std::printf("| %s | %d | %.0f | %.0f | %.1f | %.0f | %s |\n", f.source.c_str(), f.filters, f.load_ms, f.cold_ms,
                f.fingerprint_ms, f.rss_mb, f.lint_ms < 0 ? "" : Cat(static_cast<int>(f.lint_ms)).c_str());
  if (keep.empty()) std::filesystem::remove_all(dir);
  return 0;
}
