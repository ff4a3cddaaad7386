// rlsq's SQLite lexer and grammar against the real library (Debian 12's libsqlite3 3.40.1), on random text.
//
// Each case is `SELECT` and a random list of items built from SQLite's lexing traps (`--` with and without a space,
// `/* */` with and without its end, an unterminated `/*` at the end, `[x]`, backticks, double-quoted text that is a
// name or, when no column matches, a string, '' inside strings, a backslash (no escape in SQLite), X'..', 0x1G, 1e5,
// parameters of every form, `==`, `||`, `->`, a byte order mark, CR line ends, N'x', 'a' 'b') around reads of three
// tables (t1 and t2 in main, t3 in an attached `aux`). SQLite prepares the text and its authorizer reports every
// table the statement reads; rlsq parses it and resolves its reads. When both accept, rlsq's reads must be exactly
// SQLite's, and rlsq's printed form must read the same tables and return the same rows. Text rlsq refuses is fine
// (fail closed); text rlsq accepts and SQLite rejects (other than for an unknown column, which rlsq cannot know) is
// counted and must stay rare.
//
// RLSQ_SQLITE_LEXER_DIFF_CASES (default 30000) and RLSQ_SQLITE_LEXER_DIFF_SEED.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/common/ascii.h"
#include "lib/common/str_cat.h"
#include "lib/dialect/dialect.h"
#include "lib/names/resolver.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "rewriter/scope.h"
#include "tests/support/sqlite_db.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using testing::SqliteDb;

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
    if (Coin(0.25)) sql += One({" FROM t1", " FROM [t2] AS x", " FROM aux.t3", " FROM \"T1\" JOIN t2 ON 1"});
    return sql;
  }

 private:
  bool Coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  const char* One(std::initializer_list<const char*> a) { return a.begin()[Pick(static_cast<int>(a.size()))]; }

  std::string Read() {
    return One({"(SELECT a FROM t1)", "(SELECT a FROM [t2])", "(SELECT a FROM aux.t3)", "(SELECT a FROM `T2`)",
                "(SELECT a FROM \"t1\")", "(SELECT a FROM T3)"});
  }

  // Text that may hide or expose what follows: characters that matter to one lexer or another.
  std::string Soup(int max_len) {
    static const char* const kBits[] = {"a", " ", "'", "\"", "`", "\\", "''", "-", "--", "/*", "*/", "*", "[", "]",
                                        "\n", "\r", "%", "_", "0", "x", "1", "e", ",", "(", ")", "$", ":", "?", "#",
                                        "@", "\xEF\xBB\xBF"};
    std::string out;
    const int n = Pick(max_len + 1);
    for (int i = 0; i < n; ++i) out += kBits[Pick(static_cast<int>(std::size(kBits)))];
    return out;
  }

  std::string Item() {
    switch (Pick(12)) {
      case 0:
      case 1:
      case 2:
        return Read();
      case 3:
        return Cat("'", Soup(6), "'");
      case 4:
        return Cat("\"", Soup(4), "\"");
      case 5:
        return Cat("[", Soup(3), "]");
      case 6:
        return One({"1e5x", "1e5", "1.5e", ".5", "5.", "123abc", "0x41", "0x4G", "0X41", "0x", "x'41'", "X'4'",
                    "N'x'", "E'y'", "B'01'", "1--1", "1- -1", "1==1", "1 || 0", "'a' 'b'", "'a'\n'b'", "?", "?2",
                    ":p", "@p", "$p", "$p::q(r)", "#p", "'x' -> '$'", "1 IS 1", "1 IS NOT 2", "1 GLOB 1",
                    "\xEF\xBB\xBF" "1", "a$b", "`x``y`", "[a]]b]", "'it''s'", "'\\'", "current_date"});
      case 7:
        return Cat("coalesce(", Read(), ", ", Read(), ")");
      case 8:
        return Cat("'", Soup(3), "' ", Pick(2) ? "AS" : "", " c", Pick(9));
      default:
        return std::to_string(Pick(100));
    }
  }

  std::string Noise() {
    switch (Pick(11)) {
      case 0:
        return Cat(" -- ", Soup(4), Read(), "\n, ");
      case 1:
        return Cat(" --", Soup(3), "\n, ");  // no space needed after --
      case 2:
        return Cat(" --", Soup(3), "\r, ");  // \r does not end a comment
      case 3:
        return Cat(" /* ", Soup(4), Read(), " */, ");
      case 4:
        return Cat(" /* ", Read());  // unterminated: a comment to the end
      case 5:
        return Cat(" -- ", Read());
      case 6:
        return Cat("-", Pick(2) ? "-" : "", Pick(3), ", ");
      case 7:
        return " /*, ";  // runs to the end
      case 8:
        return Cat(" \xEF\xBB\xBF, ");
      default:
        return Cat(" ", Soup(3), " ");
    }
  }

  std::mt19937 rng_;
};

std::set<std::string> Normalize(const std::set<std::string>& theirs, const std::set<std::string>& ours) {
  // The authorizer names no schema for some reads ("?.t1"): those match a read of that table in any schema.
  std::set<std::string> out;
  for (const std::string& r : theirs) {
    if (r.rfind("?.", 0) != 0) {
      out.insert(r);
      continue;
    }
    std::string match = r;
    for (const std::string& o : ours)
      if (o.substr(o.find('.')) == r.substr(1)) match = o;
    out.insert(match);
  }
  return out;
}

std::string Show(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) Append(&out, out.empty() ? "" : " ", x);
  return "{" + out + "}";
}

TEST(SqliteLexerDifferentialTest, RlsqReadsRandomTextAsSqliteDoes) {
  auto opened = SqliteDb::Open(":memory:");
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<SqliteDb> db = std::move(*opened);
  RLSQ_ASSERT_OK(db->Exec("CREATE TABLE t1 (a); CREATE TABLE t2 (a); INSERT INTO t1 VALUES ('T1');"
                          "INSERT INTO t2 VALUES ('T2'); ATTACH ':memory:' AS aux; CREATE TABLE aux.t3 (a);"
                          "INSERT INTO aux.t3 VALUES ('T3')"));
  const char* cases_env = std::getenv("RLSQ_SQLITE_LEXER_DIFF_CASES");
  const char* seed_env = std::getenv("RLSQ_SQLITE_LEXER_DIFF_SEED");
  const int cases = cases_env ? std::atoi(cases_env) : 30000;
  const unsigned seed = seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : 1;
  DatabaseModel model;
  model.search_path = {"main", "aux"};
  model.relations_known = true;
  model.relations = {"main.t1", "main.t2", "aux.t3"};
  const Dialect& sqlite = *Dialect::Find("sqlite");

  int both = 0, sqlite_only = 0, rlsq_only = 0, neither = 0, mismatches = 0, unknown_column = 0;
  Generator gen(seed);
  for (int i = 0; i < cases; ++i) {
    const std::string sql = gen.Query();
    auto theirs = db->Reads(sql);
    ParseOptions po;
    po.dialect = &sqlite;
    auto parsed = ParseQuery(sql, po);
    std::set<std::string> ours;
    absl::Status rlsq = parsed.status();
    if (parsed.ok()) {
      auto analysis = rewriter::AnalyzeScopes((*parsed)->sql, *(*parsed)->query, NameResolver(sqlite, model));
      rlsq = analysis.status();
      if (analysis.ok())
        for (const auto& r : analysis->reads) ours.insert(AsciiLower(Cat(r.table.schema, ".", r.table.name)));
    }
    if (!theirs.ok() && (std::string(theirs.status().message()).find("no such column") != std::string::npos ||
                         std::string(theirs.status().message()).find("ambiguous column") != std::string::npos)) {
      ++unknown_column;  // rlsq does not know the tables' columns
      continue;
    }
    if (!theirs.ok()) {
      ++(rlsq.ok() ? rlsq_only : neither);
      if (rlsq.ok() && rlsq_only <= 5)
        std::printf("[sqlite lexer differential] rlsq accepts what SQLite rejects (%s):\n  %s\n",
                    std::string(theirs.status().message()).c_str(), sql.c_str());
      continue;
    }
    if (!rlsq.ok()) {
      if (++sqlite_only <= 5)
        std::printf("[sqlite lexer differential] rlsq refuses what SQLite accepts (%s):\n  %s\n",
                    std::string(rlsq.message()).c_str(), sql.c_str());
      continue;
    }
    ++both;
    const std::set<std::string> expected = Normalize(*theirs, ours);
    PrintOptions print;
    print.dialect = &sqlite;
    const std::string printed = Print(*(*parsed)->query, print);
    auto printed_reads = db->Reads(printed);
    auto rows = db->Query(sql);
    auto printed_rows = db->Query(printed);
    // A run-time error (malformed JSON for ->) must be the printed form's too.
    const bool same = ours == expected && printed_reads.ok() && Normalize(*printed_reads, ours) == expected &&
                      rows.ok() == printed_rows.ok() && (!rows.ok() || SqliteDb::SameRows(*rows, *printed_rows));
    if (!same) {
      ++mismatches;
      ADD_FAILURE() << "text: " << sql << "\nSQLite reads " << Show(expected) << ", rlsq reads " << Show(ours)
                    << "\nrlsq's printed form: " << printed << "\n  reads "
                    << (printed_reads.ok() ? Show(Normalize(*printed_reads, ours))
                                           : std::string(printed_reads.status().message()))
                    << (rows.ok() && printed_rows.ok() && !SqliteDb::SameRows(*rows, *printed_rows) ? ", other rows" : "");
      if (mismatches > 10) return;
    }
  }
  std::printf("[sqlite lexer differential] %d cases: both accept %d (all read alike: %s), only SQLite %d (rlsq "
              "refuses), only rlsq %d, neither %d, unknown or ambiguous column %d\n", cases, both, mismatches ? "no" : "yes",
              sqlite_only, rlsq_only, neither, unknown_column);
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(both, cases / 4);
  EXPECT_LT(rlsq_only, cases / 50);
}

}  // namespace
}  // namespace rlsq
