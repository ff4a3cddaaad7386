// Live reload (lib/sources/policy_source.h): the metadata database (or the file) changes while threads rewrite;
// every rewrite reflects one snapshot, old or new, never a mix; a snapshot that fails to load leaves the old one in
// force and is reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "lib/common/str_cat.h"
#include "lib/sources/policy_source.h"
#include "rewriter/engine.h"
#include "tests/sources/superset_fixture.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using namespace std::chrono_literals;
using sources::Backend;

constexpr const char* kQuery = "SELECT count(*) FROM orders";
// alice on tpch, in the two states the writer toggles between. State B changes two rows in one transaction (the
// clause of filter 1, and filter 10 attached to alice's role too): a reader that saw half of it would get either
// the new clause alone or the old clause with filter 10.
constexpr const char* kStateA = "SELECT count(*) FROM orders WHERE (orders.o_orderpriority IN ('1-URGENT', '2-HIGH'))";
constexpr const char* kStateB =
    "SELECT count(*) FROM orders WHERE (orders.o_orderpriority = '3-MEDIUM') AND (orders.o_orderstatus = 'F')";

std::vector<std::string> ToState(bool b, Backend backend) {
  const char* q = backend == Backend::kMysql ? "`" : "\"";
  auto id = [&](const char* n) { return Cat(q, n, q); };
  std::vector<std::string> s = {
      Cat("UPDATE ", id("row_level_security_filters"), " SET ", id("clause"), " = ",
          b ? "'o_orderpriority = ''3-MEDIUM'''" : "'o_orderpriority IN (''1-URGENT'', ''2-HIGH'')'", " WHERE ",
          id("id"), " = 1")};
  if (b)
    s.push_back(Cat("INSERT INTO ", id("rls_filter_roles"), " (", id("role_id"), ", ", id("rls_filter_id"), ") VALUES (2, 10)"));
  else
    s.push_back(Cat("DELETE FROM ", id("rls_filter_roles"), " WHERE ", id("role_id"), " = 2 AND ", id("rls_filter_id"), " = 10"));
  return s;
}

// Readers rewrite kQuery as alice until stopped, recording every distinct outcome.
class Readers {
 public:
  explicit Readers(const Engine& e) {
    for (int t = 0; t < 2; ++t)
      threads_.emplace_back([&] {
        RewriteOptions o;
        o.database = "tpch";
        while (!stop_.load()) {
          auto r = e.rewrite(kQuery, Caller{"alice"}, o);
          std::string got = r.ok() ? r->sql : Cat("ERROR ", ToStd(r.status().message()));
          rewrites_.fetch_add(1);
          std::lock_guard<std::mutex> lock(mu_);
          seen_.insert(std::move(got));
        }
      });
  }
  std::set<std::string> Stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    return seen_;
  }
  uint64_t rewrites() const { return rewrites_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> rewrites_{0};
  std::mutex mu_;
  std::set<std::string> seen_;
  std::vector<std::thread> threads_;
};

std::string Current(const Engine& e) {
  RewriteOptions o;
  o.database = "tpch";
  auto r = e.rewrite(kQuery, Caller{"alice"}, o);
  return r.ok() ? r->sql : std::string(ToStd(r.status().message()));
}

// Waits until the engine shows `want`; returns how long that took.
std::chrono::milliseconds WaitFor(const Engine& e, const std::string& want, std::chrono::milliseconds limit) {
  auto start = std::chrono::steady_clock::now();
  while (Current(e) != want && std::chrono::steady_clock::now() - start < limit) std::this_thread::sleep_for(2ms);
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

struct Watched {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<sources::PolicyWatcher> watcher;
  std::atomic<int> errors{0};
};

std::unique_ptr<Watched> Watch(sources::SourceOptions options, std::chrono::milliseconds interval) {
  auto w = std::make_unique<Watched>();
  auto source = sources::OpenPolicySource(options, Dialect::Postgres());
  EXPECT_TRUE(source.ok()) << source.status();
  if (!source.ok()) return nullptr;
  auto fingerprint = (*source)->Fingerprint();
  EXPECT_TRUE(fingerprint.ok()) << fingerprint.status();
  auto policy = (*source)->Load();
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok() || !fingerprint.ok()) return nullptr;
  w->engine = std::make_unique<Engine>(*policy);
  Engine* engine = w->engine.get();
  Watched* raw = w.get();
  w->watcher = std::make_unique<sources::PolicyWatcher>(
      std::move(*source), *fingerprint, (*policy)->digest(), [engine](auto p) { engine->Reload(std::move(p)); },
      [raw](const absl::Status&) { raw->errors.fetch_add(1); }, sources::PolicyWatcher::Options{interval});
  return w;
}

// Toggles the state `toggles` times under load; every outcome is A or B, and both are seen.
void ToggleUnderLoad(Watched& w, const std::function<void(bool)>& write, int toggles, std::chrono::milliseconds limit,
                     std::vector<long>* latencies) {
  ASSERT_EQ(Current(*w.engine), kStateA);
  Readers readers(*w.engine);
  for (int i = 0; i < toggles; ++i) {
    const bool b = i % 2 == 0;
    write(b);
    auto took = WaitFor(*w.engine, b ? kStateB : kStateA, limit);
    ASSERT_EQ(Current(*w.engine), b ? kStateB : kStateA) << "no reload after " << took.count() << " ms";
    latencies->push_back(took.count());
  }
  std::set<std::string> seen = readers.Stop();
  EXPECT_GT(readers.rewrites(), 100u);
  EXPECT_EQ(seen, (std::set<std::string>{kStateA, kStateB}));
}

TEST(ReloadTest, SqliteMetadataUnderLoadNeverMixesSnapshots) {
  const std::string path = Cat(::testing::TempDir(), "/rlsq-reload-", getpid(), ".db");
  std::filesystem::remove(path);
  testing::ExecSqliteOrDie(path, testing::SupersetMetadataSql(Backend::kSqlite, {}));
  sources::SourceOptions o;
  o.policy_db = Cat("sqlite:///", path);
  auto w = Watch(o, 20ms);
  ASSERT_TRUE(w);
  std::vector<long> latencies;
  ToggleUnderLoad(
      *w,
      [&](bool b) {
        std::vector<std::string> tx = {"BEGIN IMMEDIATE"};
        for (auto& s : ToState(b, Backend::kSqlite)) tx.push_back(s);
        tx.push_back("COMMIT");
        testing::ExecSqliteOrDie(path, tx);
      },
      8, 10s, &latencies);
  EXPECT_EQ(w->watcher->reloads(), 8u);
  EXPECT_EQ(w->errors.load(), 0);

  // A change that does not load (a NULL filter_type) keeps the policy in force and is reported; the fix reloads.
  const uint64_t failures = w->watcher->failures();
  testing::ExecSqliteOrDie(path, {"UPDATE row_level_security_filters SET filter_type = NULL WHERE id = 3"});
  auto start = std::chrono::steady_clock::now();
  while (w->watcher->failures() == failures && std::chrono::steady_clock::now() - start < 10s)
    std::this_thread::sleep_for(5ms);
  EXPECT_GT(w->watcher->failures(), failures);
  EXPECT_THAT(w->watcher->last_error(), ::testing::HasSubstr("has no filter_type (NULL)"));
  EXPECT_EQ(Current(*w->engine), kStateA);
  testing::ExecSqliteOrDie(path, {"UPDATE row_level_security_filters SET filter_type = 'Regular' WHERE id = 3"});
  // The document is then equal to the one in force: nothing is handed over, nothing fails.
  const uint64_t reloads = w->watcher->reloads(), polls = w->watcher->polls();
  start = std::chrono::steady_clock::now();
  while (w->watcher->polls() < polls + 3 && std::chrono::steady_clock::now() - start < 10s)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(w->watcher->reloads(), reloads);
  EXPECT_EQ(Current(*w->engine), kStateA);
  w.reset();
  std::filesystem::remove(path);
}

TEST(ReloadTest, PolicyFileReloadsWhenItChanges) {
  const std::string dir = Cat(::testing::TempDir(), "/rlsq-reload-file-", getpid());
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/policy.json";
  auto write = [&](const std::string& text) {
    // As deployment tools do: a new file renamed over the old one.
    std::ofstream(dir + "/policy.json.tmp") << text;
    std::filesystem::rename(dir + "/policy.json.tmp", path);
  };
  const std::string json = testing::SupersetFixtureJson();
  write(json);
  sources::SourceOptions o;
  o.policy_file = path;
  auto w = Watch(o, 20ms);
  ASSERT_TRUE(w);
  std::string b = json;
  auto replace = [&](std::string_view from, std::string_view to) {
    size_t at = b.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    b.replace(at, from.size(), to);
  };
  replace("o_orderpriority IN ('1-URGENT', '2-HIGH')", "o_orderpriority = '3-MEDIUM'");
  replace("\"roles\": [\"Sales\"], \"group_key\": \"Prio\"", "\"roles\": [\"Sales\", \"Analyst\"], \"group_key\": \"Prio\"");
  std::vector<long> latencies;
  ToggleUnderLoad(*w, [&](bool to_b) { write(to_b ? b : json); }, 6, 10s, &latencies);
  write("{\"roles\": [");  // not JSON: kept, reported
  auto start = std::chrono::steady_clock::now();
  while (w->errors.load() == 0 && std::chrono::steady_clock::now() - start < 10s) std::this_thread::sleep_for(5ms);
  EXPECT_GT(w->errors.load(), 0);
  EXPECT_THAT(w->watcher->last_error(), ::testing::HasSubstr("bad policy: JSON"));
  EXPECT_EQ(Current(*w->engine), kStateA);
  std::filesystem::remove_all(dir);
}

// PostgreSQL with the trigger of scripts/superset-notify-trigger.sql: a change reloads on its notification, long
// before the (here one-minute) poll would.
TEST(ReloadTest, PostgresNotifyReloadsAtOnceUnderLoad) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto server, testing::PgServer::Start());
  RLSQ_ASSERT_OK(server->CreateDatabase("superset"));
  RLSQ_ASSERT_OK_AND_ASSIGN(auto conn, server->Connect("superset"));
  for (const std::string& s : testing::SupersetMetadataSql(Backend::kPostgres, {})) RLSQ_ASSERT_OK(conn->Exec(s));
  RLSQ_ASSERT_OK(conn->ExecFile(Cat(RLSQ_SOURCE_DIR, "/scripts/superset-notify-trigger.sql")));
  sources::SourceOptions o;
  o.policy_db = Cat("postgresql://postgres@/superset?host=", server->socket_dir(), "&port=", server->port());
  auto w = Watch(o, 60s);
  ASSERT_TRUE(w);
  std::this_thread::sleep_for(300ms);  // the watcher has subscribed (LISTEN) on its first wait
  std::vector<long> latencies;
  ToggleUnderLoad(
      *w,
      [&](bool b) {
        std::string tx = "BEGIN;";
        for (auto& s : ToState(b, Backend::kPostgres)) Append(&tx, s, ";");
        tx += "COMMIT;";
        ASSERT_TRUE(conn->Exec(tx).ok());
      },
      6, 20s, &latencies);
  for (long ms : latencies) EXPECT_LT(ms, 20000);
  long worst = *std::max_element(latencies.begin(), latencies.end());
  std::printf("notify-to-reload latencies (ms):");
  for (long ms : latencies) std::printf(" %ld", ms);
  std::printf(" (worst %ld)\n", worst);
  EXPECT_EQ(w->watcher->reloads(), 6u);
}

}  // namespace
}  // namespace rlsq
