// Runs the built `rlsq` binary and checks stdout, stderr and the exit code.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/run_rlsq.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CliTest, ParsePrintsNormalizedSql) {
  Result r = RunRlsq({"parse", "--sql", "select a,b from t where a=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT a, b FROM t WHERE a = 1\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliTest, ParseReadsStdin) {
  Result r = RunRlsq({"parse"}, "SELECT \"Total\"\nFROM orders -- trailing comment\n;\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT \"Total\" FROM orders\n");
}

TEST(CliTest, ParseWithDialectAndEqualsForm) {
  Result r = RunRlsq({"parse", "--dialect", "postgres", "--sql=SELECT 1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT 1\n");
  r = RunRlsq({"parse", "--dialect=postgresql", "--sql", "SELECT 2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT 2\n");
}

TEST(CliTest, ParseWithDialectOptions) {
  // MariaDB's default sql_mode: "t" is a string; ANSI_QUOTES: an identifier.
  Result r = RunRlsq({"parse", "--dialect", "mariadb", "--sql", "SELECT \"t\""});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT 't'\n");
  r = RunRlsq({"parse", "--dialect", "mariadb", "--dialect-option", "sql_mode=ANSI_QUOTES", "--tables", "--default-schema",
               "shop", "--sql", "SELECT * FROM \"t\""});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "shop.t\n");
  // Two options, one in the --name=VALUE form.
  r = RunRlsq({"parse", "--dialect", "mariadb", "--dialect-option=sql_mode=NO_BACKSLASH_ESCAPES", "--dialect-option",
               "server_version=10.11.6", "--sql", "SELECT 'a\\' /*!100000 + 1 */"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT 'a\\' + 1\n");
}

TEST(CliTest, ParseJsonPrintsTheAst) {
  Result r = RunRlsq({"parse", "--json", "--sql", "SELECT a FROM t"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("{"));
  EXPECT_THAT(r.out, HasSubstr("\"kind\""));
  EXPECT_THAT(r.out, HasSubstr("Select"));
  EXPECT_THAT(r.out, HasSubstr("BaseTable"));
  EXPECT_EQ(r.out.back(), '\n');
}

TEST(CliTest, RefusesWritesWithExitCode2) {
  Result r = RunRlsq({"parse", "--sql", "INSERT INTO t VALUES (1)"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("rlsq: 1:1: "));
  EXPECT_THAT(r.err, HasSubstr("INSERT"));
}

TEST(CliTest, RefusesSeveralStatements) {
  Result r = RunRlsq({"parse", "--sql", "SELECT 1; SELECT 2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("rlsq: 1:"));
  EXPECT_THAT(r.err, HasSubstr("statement"));
}

TEST(CliTest, SyntaxErrorHasLineAndColumn) {
  Result r = RunRlsq({"parse"}, "SELECT a\nFORM t");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("rlsq: 2:"));
  EXPECT_THAT(r.err, HasSubstr("syntax error"));
}

TEST(CliTest, LexerErrorHasLineAndColumn) {
  Result r = RunRlsq({"parse", "--sql", "SELECT 'unterminated"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("rlsq: 1:8: "));
  EXPECT_THAT(r.err, HasSubstr("unterminated"));
  r = RunRlsq({"parse", "--sql", "SELECT 1 /* never closed"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("rlsq: 1:10: "));
}

TEST(CliTest, EmptyInputIsRefused) {
  Result r = RunRlsq({"parse"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("rlsq: "));
}

TEST(CliTest, Help) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"help"}, {"-h"}}) {
    Result r = RunRlsq(args);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_THAT(r.out, HasSubstr("usage: rlsq"));
    EXPECT_THAT(r.out, HasSubstr("parse"));
    EXPECT_EQ(r.err, "");
  }
  Result r = RunRlsq({"parse", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("usage: rlsq parse"));
  EXPECT_THAT(r.out, HasSubstr("--json"));
  EXPECT_THAT(r.out, HasSubstr("--sql"));
  EXPECT_THAT(r.out, HasSubstr("--dialect"));
  r = RunRlsq({"help", "parse"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("usage: rlsq parse"));
}

TEST(CliTest, UsageErrorsExitWith1) {
  Result r = RunRlsq({});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("usage: rlsq"));
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"frobnicate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("rlsq: unknown command 'frobnicate'"));
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"--verbose"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("unknown option"));

  r = RunRlsq({"parse", "--frob", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("rlsq: unknown option '--frob'"));
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"parse", "--sql"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("rlsq: option '--sql' needs a value"));
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"parse", "--dialect", "oracle", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("rlsq: unknown dialect \"oracle\" (known: postgres, mysql, mariadb, sqlite)"));
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"parse", "--dialect-option", "sql_mode=ANSI_QUOTES", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("rlsq: --dialect-option goes with --dialect"));
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"parse", "--dialect", "mariadb", "--dialect-option", "sql_mode", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("rlsq: --dialect-option 'sql_mode': expected KEY=VALUE"));

  r = RunRlsq({"parse", "--dialect", "mariadb", "--dialect-option", "colour=blue", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("colour"));
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"parse", "stray", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("unexpected argument 'stray'"));

  r = RunRlsq({"parse", "--json=yes", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("takes no value"));

  r = RunRlsq({"help", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'nope'"));
}

TEST(CliTest, ExampleQueryParses) {
  std::string sql = ReadAll(std::filesystem::path(RLSQ_SOURCE_DIR) / "examples" / "query.sql");
  ASSERT_FALSE(sql.empty());
  Result r = RunRlsq({"parse"}, sql);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("WITH "));
  // The printed form parses again to the same text.
  Result again = RunRlsq({"parse", "--sql", r.out});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, r.out);
}

}  // namespace
}  // namespace rlsq
