// rlsq's MySQL-family lexer against a real MariaDB 10.11, on random text.
//
// Each case is `SELECT` and a random list of items built from the lexing traps (comments of every kind, with and
// without their end, executable comments for versions around the server's, strings with quotes and backslashes,
// double-quoted text, backticks, digit-leading words, hex and bit literals, introducers, `--` next to digits,
// `||`, CR line ends) around reads of two tables whose values name them (`t1.a` is 'T1', `t2.a` is 'T2'). The
// server runs the text; rlsq, configured with the server's version and the session's sql_mode, parses it. When both
// accept, rlsq must have seen exactly the reads the server made (the table names in the server's row are the tables
// in rlsq's reads), and rlsq's printed form of the query must return the server's row. Text rlsq refuses is fine
// (fail closed); text rlsq accepts and the server rejects is counted (a usability gap) and must stay rare.
//
// RLSQ_LEXER_DIFF_CASES (default 2500 per sql_mode) and RLSQ_LEXER_DIFF_SEED.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "lib/dialect/dialect.h"
#include "lib/names/resolver.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "rewriter/scope.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using testing::MariaDbServer;

// The pieces random text is made of. Items yield one column each when read as SQL; noise sits between items.
class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  std::string Query() {
    std::string sql = "SELECT ";
    const int items = 1 + Pick(4);
    for (int i = 0; i < items; ++i) {
      if (i) sql += Coin(0.85) ? ", " : Noise();
      if (Coin(0.3)) sql += Noise();
      sql += Item();
    }
    if (Coin(0.35)) sql += Noise();
    if (Coin(0.2)) sql += Pick(2) ? " FROM t1" : " FROM DUAL";
    return sql;
  }

 private:
  bool Coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  template <size_t N>
  const char* One(const char* const (&a)[N]) {
    return a[Pick(static_cast<int>(N))];
  }

  std::string Read() { return Pick(2) ? "(SELECT a FROM t1)" : "(SELECT a FROM `t2`)"; }

  // Text that may hide or expose what follows: characters that matter to one lexer or another.
  std::string Soup(int max_len) {
    static const char* const kBits[] = {"a", " ", "'", "\"", "`", "\\", "\\'", "-", "--", "-- ", "#", "/*", "*/",
                                        "*", "!", "\n", "\r", "%", "_", "0", "x", "1", "e", ",", "(", ")"};
    std::string out;
    const int n = Pick(max_len + 1);
    for (int i = 0; i < n; ++i) out += One(kBits);
    return out;
  }

  std::string Item() {
    switch (Pick(12)) {
      case 0:
      case 1:
        return Read();
      case 2:
        return Cat("'", Soup(6), "'");
      case 3:
        return Cat("\"", Soup(5), "\"");
      case 4: {
        static const char* const kNumbers[] = {"1e5x", "1e5", "1.5e", ".5", "123abc", "0x41", "0x4G", "0X41",
                                               "x'41'", "X'4'", "b'01'", "0b01", "0b2", "N'x'", "_utf8mb4'x'",
                                               "_latin1 'y'", "1--1", "1- -1", "1---1", "2 DIV 3", "7 MOD 4",
                                               "1 <=> NULL", "1 || 0", "!1", "1 && 0", "'a' 'b'", "'a'\n'b'",
                                               "@v", "@@max_allowed_packet", "1 XOR 1", "$x", "1$", "`x``y`"};
        return One(kNumbers);
      }
      case 5:
        return Cat("CONCAT(", Read(), ", ", Read(), ")");
      case 6:
        return Cat("'", Soup(3), "' ", Pick(2) ? "AS" : "", " c", Pick(9));
      default:
        return std::to_string(Pick(100));
    }
  }

  std::string Noise() {
    switch (Pick(14)) {
      case 0:
        return Cat(" -- ", Soup(4), Read(), "\n, ");
      case 1:
        return Cat(" --", Soup(3), "\n, ");  // a comment only before whitespace or a control character
      case 2:
        return Cat(" #", Soup(4), "\r, ");  // \r does not end a comment
      case 3:
        return Cat(" /* ", Soup(4), Read(), " */, ");
      case 4:
        return Cat(" /*!", Pick(2) ? "" : "100000", " , ", Read(), " */, ");
      case 5:
        return Cat(" /*!50700 , ", Read(), " */, ");  // MariaDB skips 50700-99999
      case 6:
        return Cat(" /*!999999 , ", Read(), " */, ");  // a later version: skipped
      case 7:
        return Cat(" /*M!100000 , ", Read(), " */, ");
      case 8:
        return Cat(" /*M!999999 , ", Read(), " */, ");
      case 9:
        return Cat(" /*!1000 , ", Read(), " */, ");  // four digits: not a version
      case 10:
        return Cat(" -- ", Read());  // a comment to the end of the text
      case 11:
        return Cat(" /* ", Read());  // unterminated
      case 12:
        return Cat("-", Pick(2) ? "-" : "", Pick(3), ", ");
      default:
        return Cat(" ", Soup(3), " ");
    }
  }

  std::mt19937 rng_;
};

class MariaDbLexerDifferentialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = MariaDbServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    maria_ = server->release();
    RLSQ_ASSERT_OK(maria_->Exec("CREATE DATABASE lx; USE lx; CREATE TABLE t1 (a VARCHAR(4)); CREATE TABLE t2 "
                                "(a VARCHAR(4)); INSERT INTO t1 VALUES ('T1'); INSERT INTO t2 VALUES ('T2')"));
  }
  static void TearDownTestSuite() {
    delete maria_;
    maria_ = nullptr;
  }
  static MariaDbServer* maria_;
};

MariaDbServer* MariaDbLexerDifferentialTest::maria_ = nullptr;

std::string ShowRow(const std::vector<MariaDbServer::Row>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) Append(&out, c ? "|" : "", row[c] ? *row[c] : "<NULL>");
    out += "\n";
  }
  return out;
}

TEST_F(MariaDbLexerDifferentialTest, RlsqReadsRandomTextAsTheServerDoes) {
  ASSERT_NE(maria_, nullptr);
  auto version = maria_->Query("SELECT SUBSTRING_INDEX(VERSION(), '-', 1)");
  ASSERT_TRUE(version.ok()) << version.status();
  const std::string server_version = *(*version)[0][0];
  const char* cases_env = std::getenv("RLSQ_LEXER_DIFF_CASES");
  const char* seed_env = std::getenv("RLSQ_LEXER_DIFF_SEED");
  const int cases = cases_env ? std::atoi(cases_env) : 2500;
  const unsigned seed = seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : 1;

  struct Mode {
    const char* sql_mode;     // the session's
    const char* rlsq_option;  // the same for rlsq's dialect_options
  };
  const Mode kModes[] = {{"STRICT_TRANS_TABLES", "STRICT_TRANS_TABLES"},
                         {"ANSI_QUOTES,NO_BACKSLASH_ESCAPES", "ANSI_QUOTES,NO_BACKSLASH_ESCAPES"},
                         {"PIPES_AS_CONCAT", "PIPES_AS_CONCAT"}};
  int both = 0, server_only = 0, rlsq_only = 0, neither = 0, mismatches = 0, unknown_column = 0;
  for (const Mode& mode : kModes) {
    auto dialect = Dialect::Make("mariadb", {{"server_version", server_version}, {"sql_mode", mode.rlsq_option}});
    ASSERT_TRUE(dialect.ok()) << dialect.status();
    Generator gen(seed);
    for (int i = 0; i < cases; ++i) {
      const std::string sql = gen.Query();
      auto server = maria_->Query(sql, "lx", mode.sql_mode);
      ParseOptions po;
      po.dialect = *dialect;
      auto parsed = ParseQuery(sql, po);
      std::set<std::string> reads;
      bool rlsq_ok = parsed.ok();
      if (rlsq_ok) {
        DatabaseModel model;
        model.search_path = {"lx"};
        auto analysis = rewriter::AnalyzeScopes((*parsed)->sql, *(*parsed)->query, NameResolver(**dialect, model));
        rlsq_ok = analysis.ok();
        if (rlsq_ok)
          for (const auto& r : analysis->reads) reads.insert(r.table.name);
      }
      // rlsq does not know the tables' columns: an unknown column (a digit-leading word such as 0b2, which both
      // read as a name) is the server's to report.
      if (!server.ok() && std::string(server.status().message()).find("MariaDB 1054:") != std::string::npos) {
        ++unknown_column;
        continue;
      }
      if (!server.ok()) {
        ++(rlsq_ok ? rlsq_only : neither);
        if (rlsq_ok && rlsq_only <= 5)
          std::printf("[lexer differential] rlsq accepts what MariaDB rejects (%s): %s\n  %s\n", mode.sql_mode,
                      std::string(server.status().message()).c_str(), sql.c_str());
        continue;
      }
      if (!rlsq_ok) {
        if (++server_only <= 5)
          std::printf("[lexer differential] rlsq refuses what MariaDB accepts (%s): %s\n  %s\n", mode.sql_mode,
                      std::string((parsed.ok() ? absl::OkStatus() : parsed.status()).message()).c_str(), sql.c_str());
        continue;
      }
      ++both;
      // A table whose value came back was read by the server: rlsq must have seen it. (A read can also end inside an
      // expression that hides its value, `(SELECT a FROM t2)--2`: the printed form's rows catch the rest.)
      std::set<std::string> seen;
      for (const auto& row : *server)
        for (const auto& v : row) {
          if (!v) continue;
          if (v->find("T1") != std::string::npos) seen.insert("t1");
          if (v->find("T2") != std::string::npos) seen.insert("t2");
        }
      bool missed = false;
      for (const std::string& t : seen) missed = missed || !reads.count(t);
      PrintOptions print;
      print.dialect = *dialect;
      const std::string printed = Print(*(*parsed)->query, print);
      auto again = maria_->Query(printed, "lx", mode.sql_mode);
      const bool same_rows = again.ok() && *again == *server;
      if (missed || !same_rows) {
        ++mismatches;
        std::string rlsq_reads;
        for (const auto& r : reads) Append(&rlsq_reads, r, " ");
        ADD_FAILURE() << "sql_mode " << mode.sql_mode << ": rlsq reads [" << rlsq_reads << "]\ntext: " << sql
                      << "\nserver rows:\n" << ShowRow(*server) << "rlsq's printed form: " << printed << "\n"
                      << (again.ok() ? ShowRow(*again) : std::string(again.status().message()));
        if (mismatches > 10) return;
      }
    }
  }
  std::printf("[lexer differential] %d cases: both accept %d (all read alike: %s), only MariaDB %d (rlsq refuses), "
              "only rlsq %d, neither %d, unknown column %d\n", 3 * cases, both, mismatches ? "no" : "yes", server_only,
              rlsq_only, neither, unknown_column);
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(both, cases / 2);
  EXPECT_LT(rlsq_only, cases / 50);
}

}  // namespace
}  // namespace rlsq
