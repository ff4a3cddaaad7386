// The printed form of every corpus query behaves like the original on PostgreSQL 15:
//  - TPC-H and charts: Print(*ParseQuery(sql)->query) returns the same columns and the same rows as the original on a
//    generated TPC-H data set (compared as sorted row lists; in order when the outermost query has an ORDER BY);
//  - TPC-DS: EXPLAIN of the original and of the printed form both succeed on the TPC-DS schema.
// One server for the whole binary, started on first use. Every query is checked; each failure names the query.
#include <chrono>
#include <cstdio>

#include <gtest/gtest.h>

#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "tests/support/corpus.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq::testing {
namespace {

struct Shared {
  std::unique_ptr<PgServer> server;
  std::unique_ptr<PgConnection> tpch;
  std::unique_ptr<PgConnection> tpcds;
};
Shared* g_shared = nullptr;

void Die(const absl::Status& s) {
  std::fprintf(stderr, "PostgreSQL test server setup failed: %s\n", std::string(s.message()).c_str());
  std::abort();
}

PgServer& Server() {
  if (g_shared == nullptr) {
    auto server = PgServer::Start();
    if (!server.ok()) Die(server.status());
    g_shared = new Shared{std::move(*server), nullptr, nullptr};
  }
  return *g_shared->server;
}

// A database created and filled on first use (each ctest process runs one test, so load only what it needs).
PgConnection& Database(const char* name) {
  PgServer& server = Server();
  std::unique_ptr<PgConnection>& conn = std::string(name) == "tpch" ? g_shared->tpch : g_shared->tpcds;
  if (conn) return *conn;
  auto t0 = std::chrono::steady_clock::now();
  if (absl::Status s = server.CreateDatabase(name); !s.ok()) Die(s);
  auto c = server.Connect(name);
  if (!c.ok()) Die(c.status());
  conn = std::move(*c);
  absl::Status s = std::string(name) == "tpch" ? LoadTpch(*conn) : conn->ExecFile(RLSQ_TPCDS_SCHEMA);
  if (!s.ok()) Die(s);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  std::printf("[pg] database %s loaded in %lld ms\n", name, static_cast<long long>(ms.count()));
  return *conn;
}

class SharedServerEnv : public ::testing::Environment {
 public:
  void TearDown() override {
    delete g_shared;
    g_shared = nullptr;
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new SharedServerEnv);

std::string Excerpt(const std::string& s, size_t max = 3000) {
  return s.size() <= max ? s : s.substr(0, max) + "\n... (" + std::to_string(s.size()) + " bytes)";
}

// Parses and prints one query. On failure records a test failure naming the query and returns false.
bool ParseAndPrint(const CorpusQuery& q, std::string* printed, bool* has_order_by) {
  absl::StatusOr<std::unique_ptr<ParsedQuery>> parsed = ParseQuery(q.sql);
  if (!parsed.ok()) {
    ADD_FAILURE() << q.set << "/" << q.name << ": ParseQuery failed: " << parsed.status();
    return false;
  }
  if ((*parsed)->query == nullptr) {
    ADD_FAILURE() << q.set << "/" << q.name << ": ParseQuery returned no query";
    return false;
  }
  *printed = Print(*(*parsed)->query);
  if (has_order_by) *has_order_by = !(*parsed)->query->order_by.empty();
  return true;
}

void CheckSameRows(const std::string& set) {
  PgConnection& db = Database("tpch");
  std::vector<CorpusQuery> queries = LoadCorpus(set);
  ASSERT_FALSE(queries.empty());
  int same = 0, ordered = 0, rows_total = 0;
  for (const CorpusQuery& q : queries) {
    SCOPED_TRACE(q.set + "/" + q.name);
    std::string printed;
    bool has_order_by = false;
    if (!ParseAndPrint(q, &printed, &has_order_by)) continue;
    absl::StatusOr<PgResult> want = db.Query(q.sql);
    if (!want.ok()) {
      ADD_FAILURE() << q.name << ": the ORIGINAL query fails on PostgreSQL: " << want.status();
      continue;
    }
    absl::StatusOr<PgResult> got = db.Query(printed);
    if (!got.ok()) {
      ADD_FAILURE() << q.name << ": the printed query fails on PostgreSQL: " << got.status()
                    << "\n--- printed ---\n" << Excerpt(printed);
      continue;
    }
    bool ok = true;
    if (got->columns != want->columns) {
      ADD_FAILURE() << q.name << ": column names differ\n original: " << want->ToString(0)
                    << " printed:  " << got->ToString(0) << "--- printed ---\n" << Excerpt(printed);
      ok = false;
    }
    if (got->SortedRows() != want->SortedRows()) {
      ADD_FAILURE() << q.name << ": rows differ (" << want->rows.size() << " vs " << got->rows.size()
                    << " rows)\n--- original result ---\n" << want->ToString() << "--- printed result ---\n"
                    << got->ToString() << "--- printed ---\n" << Excerpt(printed);
      ok = false;
    } else if (has_order_by && got->rows != want->rows) {
      ADD_FAILURE() << q.name << ": same rows but in a different order although the query has an ORDER BY\n"
                    << "--- original result ---\n" << want->ToString() << "--- printed result ---\n"
                    << got->ToString() << "--- printed ---\n" << Excerpt(printed);
      ok = false;
    }
    if (ok) {
      ++same;
      if (has_order_by) ++ordered;
      rows_total += static_cast<int>(want->rows.size());
    }
  }
  std::printf("[corpus] %s: %d/%zu queries return the same rows when printed (%d compared in order, %d rows)\n",
              set.c_str(), same, queries.size(), ordered, rows_total);
  EXPECT_EQ(same, static_cast<int>(queries.size()));
}

TEST(CorpusOnPostgres, TpchPrintedFormReturnsSameRows) { CheckSameRows("tpch"); }

TEST(CorpusOnPostgres, ChartsPrintedFormReturnsSameRows) { CheckSameRows("charts"); }

TEST(CorpusOnPostgres, TpcdsOriginalAndPrintedFormPlan) {
  PgConnection& db = Database("tpcds");
  std::vector<CorpusQuery> queries = LoadCorpus("tpcds");
  ASSERT_EQ(queries.size(), 99u);
  int planned = 0;
  for (const CorpusQuery& q : queries) {
    SCOPED_TRACE("tpcds/" + q.name);
    absl::StatusOr<std::string> want = db.Explain(q.sql);
    if (!want.ok()) {
      ADD_FAILURE() << q.name << ": EXPLAIN of the ORIGINAL query fails: " << want.status();
      continue;
    }
    std::string printed;
    if (!ParseAndPrint(q, &printed, nullptr)) continue;
    absl::StatusOr<std::string> got = db.Explain(printed);
    if (!got.ok()) {
      ADD_FAILURE() << q.name << ": EXPLAIN of the printed query fails: " << got.status() << "\n--- printed ---\n"
                    << Excerpt(printed);
      continue;
    }
    ++planned;
  }
  std::printf("[corpus] tpcds: %d/%zu printed queries plan on PostgreSQL\n", planned, queries.size());
  EXPECT_EQ(planned, 99);
}

}  // namespace
}  // namespace rlsq::testing
