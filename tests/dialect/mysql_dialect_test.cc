// The MySQL family (MariaDB 10.11, MySQL 8.0): lexing, the grammar's MySQL constructs and refusals, and name
// resolution. Every expectation is a fact seen on a real MariaDB 10.11.19 server (the transcripts were taken with
// libmariadb's mysql_real_query, so the server received exactly these bytes).
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/dialect/dialect.h"
#include "lib/dialect/mysql_dialect.h"
#include "lib/names/resolver.h"
#include "lib/parser/parser.h"
#include "rewriter/scope.h"
#include "tests/support/lex_tokens.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Dialect& Maria() { return *Dialect::Find("mariadb"); }

const Dialect& MariaWith(Dialect::Options options) {
  auto d = Dialect::Make("mariadb", options);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? **d : Maria();
}

// "kind:text" per token, without the end token (tests/support/lex_tokens.h).
std::vector<std::string> Lex(std::string_view sql, const Dialect& d = Maria()) { return testing::LexTokens(d, sql); }

TEST(MySqlLexerTest, DashDashIsACommentOnlyBeforeWhitespace) {
  EXPECT_THAT(Lex("SELECT 1--1"), ElementsAre("id:SELECT", "int:1", "op:-", "op:-", "int:1"));  // 2
  EXPECT_THAT(Lex("SELECT 1-- 1"), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1--\t1"), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1--"), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 --x"), ElementsAre("id:SELECT", "int:1", "op:-", "op:-", "id:x"));
  // `--` and `#` comments end at \n only: `SELECT 1#x\r2` is 1.
  EXPECT_THAT(Lex("SELECT 1#x\r2"), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 -- x\r2"), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 # c\n+1"), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
}

TEST(MySqlLexerTest, BlockCommentsDoNotNestAndMustEnd) {
  EXPECT_THAT(Lex("SELECT 1 /* /* */ 2 */"), ElementsAre("id:SELECT", "int:1", "int:2", "op:*", "op:/"));
  EXPECT_THAT(Lex("SELECT 1 /* unterminated")[0], HasSubstr("unterminated"));
  EXPECT_THAT(Lex("SELECT 1/*/ 2 */+1"), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
}

TEST(MySqlLexerTest, ExecutableCommentsRunForTheServersVersion) {
  const Dialect& v = MariaWith({{"server_version", "10.11.19"}});
  // No version, or one at most the server's: SQL.
  EXPECT_THAT(Lex("SELECT 1 /*! +1 */", v), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*!50000 +1 */", v), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*!101119 +1 */", v), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
  EXPECT_THAT(Lex("SELECT /*!50000SELECT*/ 1", v), ElementsAre("id:SELECT", "id:SELECT", "int:1"));
  // A later version, and MySQL 5.7+ versions on /*! (MariaDB skips 50700..99999), are comments; /*M! runs them.
  EXPECT_THAT(Lex("SELECT 1 /*!101120 +1 */", v), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*!80000 +1 */", v), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*!50700 +1 */", v), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*!50699 +1 */", v), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*M!80000 +1 */", v), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*m! +1 */", v), ElementsAre("id:SELECT", "int:1"));  // lower-case m: a comment
  // Fewer than five digits are the comment's text; a seventh digit is text too.
  EXPECT_THAT(Lex("SELECT 1 /*!1234 +1 */", v), ElementsAre("id:SELECT", "int:1", "int:1234", "op:+", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*!1000001 */", v), ElementsAre("id:SELECT", "int:1", "int:1"));
  // The text is SQL: a string may hold */.
  EXPECT_THAT(Lex("SELECT /*! 'a*/b' */", v), ElementsAre("id:SELECT", "str:a*/b"));
  // A skipped one ends at the first */ and its text is not lexed.
  EXPECT_THAT(Lex("SELECT 1 /*!99999 -- */ +1", v), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
  // Nested executable comments are the server's syntax error; rlsq refuses what it cannot be sure of.
  EXPECT_THAT(Lex("SELECT /*!50000 /*!50000 +1 */ */", v)[0], HasSubstr("error"));
  EXPECT_THAT(Lex("SELECT 1 /*!99999 /* x */ +1 */", v)[0], HasSubstr("error"));
  EXPECT_THAT(Lex("SELECT 1 /*! +1", v)[0], HasSubstr("unterminated"));
  // Without a stated server_version the patch level is unknown: a version inside 10.11.x is refused.
  EXPECT_THAT(Lex("SELECT 1 /*!101106 +1 */")[0], HasSubstr("server_version"));
  EXPECT_THAT(Lex("SELECT 1 /*!101100 +1 */"), ElementsAre("id:SELECT", "int:1", "op:+", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*!110000 +1 */"), ElementsAre("id:SELECT", "int:1"));
}

TEST(MySqlLexerTest, Strings) {
  EXPECT_THAT(Lex(R"(SELECT "foo", 'it''s', "say ""hi""")"),
              ElementsAre("id:SELECT", "str:foo", "p:,", "str:it's", "p:,", "str:say \"hi\""));
  EXPECT_THAT(Lex(R"(SELECT '\n\t\Z\\\q\%\_\'')"),
              ElementsAre("id:SELECT", std::string("str:\n\t\x1A\\q\\%\\_'")));
  EXPECT_THAT(Lex(R"(SELECT '\0')"), ElementsAre("id:SELECT", std::string("str:\0", 5)));
  const Dialect& nbe = MariaWith({{"sql_mode", "NO_BACKSLASH_ESCAPES"}});
  EXPECT_THAT(Lex(R"(SELECT 'a\')", nbe), ElementsAre("id:SELECT", "str:a\\"));
  const Dialect& ansi = MariaWith({{"sql_mode", "ANSI_QUOTES"}});
  EXPECT_THAT(Lex(R"(SELECT "x" FROM `t`)", ansi), ElementsAre("id:SELECT", "qid:x", "id:FROM", "qid:t"));
  EXPECT_THAT(Lex("SELECT `a``b`"), ElementsAre("id:SELECT", "qid:a`b"));
  EXPECT_THAT(Lex("SELECT N'x', X'41', b'01', 0x41, 0b01"),
              ElementsAre("id:SELECT", "str:x", "p:,", "hex:41", "p:,", "bit:01", "p:,", "hex:41", "p:,", "bit:01"));
  EXPECT_THAT(Lex("SELECT _utf8mb4'x', _LATIN1 'y', _foo'z'"),
              ElementsAre("id:SELECT", "cs:utf8mb4", "str:x", "p:,", "cs:latin1", "str:y", "p:,", "id:_foo", "str:z"));
}

TEST(MySqlLexerTest, NumbersAndIdentifiers) {
  // Digits then identifier characters: an identifier, except a number with an exponent (then a new token).
  EXPECT_THAT(Lex("SELECT 123abc, 1e, 1ea, 0x1Fz, 0X41, 0x, 0b2"),
              ElementsAre("id:SELECT", "id:123abc", "p:,", "id:1e", "p:,", "id:1ea", "p:,", "id:0x1Fz", "p:,",
                          "id:0X41", "p:,", "id:0x", "p:,", "id:0b2"));
  EXPECT_THAT(Lex("SELECT 1e5x, 1.5x, .5x"),
              ElementsAre("id:SELECT", "num:1e5", "id:x", "p:,", "num:1.5", "id:x", "p:,", "num:.5", "id:x"));
  // A decimal whose exponent has no digits is a syntax error (ERROR 1064 for 1.5e, 1.5ex, 1.e, 1.5e+x; 1e is a
  // name), and X'...' needs an even number of digits (X'4' is ERROR 1064).
  for (const char* bad : {"SELECT 1.5e", "SELECT 1.5ex", "SELECT 1.e", "SELECT .5e", "SELECT 1.5e+x", "SELECT X'4'"})
    EXPECT_THAT(Lex(bad)[0], HasSubstr("error: 1:8:")) << bad;
  EXPECT_THAT(Lex("SELECT 1.e1, X'4f', x''"), ElementsAre("id:SELECT", "num:1.e1", "p:,", "hex:4f", "p:,", "hex:"));
  EXPECT_THAT(Lex("SELECT $a, a$b, Ωx"), ElementsAre("id:SELECT", "id:$a", "p:,", "id:a$b", "p:,", "id:Ωx"));
  // Identifiers keep their case (table names may be case-sensitive).
  EXPECT_THAT(Lex("SELECT Orders"), ElementsAre("id:SELECT", "id:Orders"));
}

TEST(MySqlLexerTest, VariablesAndOperators) {
  EXPECT_THAT(Lex("SELECT @a.b, @'x y', @@session.sql_mode, @a-b"),
              ElementsAre("id:SELECT", "var:@a.b", "p:,", "var:@'x y'", "p:,", "var:@@session.sql_mode", "p:,",
                          "var:@a", "op:-", "id:b"));
  EXPECT_THAT(Lex("SELECT @ a")[0], HasSubstr("syntax error"));
  EXPECT_THAT(Lex("SELECT 1<-1, 1!=-1, 1<=>2, !1, a&&b||c, 1<<2"),
              ElementsAre("id:SELECT", "int:1", "op:<", "op:-", "int:1", "p:,", "int:1", "op:!=", "op:-", "int:1",
                          "p:,", "int:1", "op:<=>", "int:2", "p:,", "op:!", "int:1", "p:,", "id:a", "op:&&", "id:b",
                          "op:||", "id:c", "p:,", "int:1", "op:<<", "int:2"));
  // MariaDB has no -> / ->> and no ::.
  EXPECT_THAT(Lex("SELECT c->'$.a'"), ElementsAre("id:SELECT", "id:c", "op:-", "op:>", "str:$.a"));
  EXPECT_THAT(Lex("SELECT 1::int"), ElementsAre("id:SELECT", "int:1", "p::", "p::", "id:int"));
}

// Tables a query reads in the dialect, as "schema.name", or the error.
std::vector<std::string> Reads(std::string_view sql, const Dialect& d = Maria()) {
  ParseOptions po;
  po.dialect = &d;
  auto parsed = ParseQuery(sql, po);
  if (!parsed.ok()) return {std::string("error: ") + std::string(parsed.status().message())};
  DatabaseModel model;
  model.search_path = {"d1"};
  NameResolver resolver(d, model);
  auto analysis = rewriter::AnalyzeScopes((*parsed)->sql, *(*parsed)->query, resolver);
  if (!analysis.ok()) return {std::string("error: ") + std::string(analysis.status().message())};
  std::vector<std::string> out;
  for (const auto& r : analysis->reads) out.push_back(r.table.schema + "." + r.table.name);
  return out;
}

TEST(MySqlScopeTest, NamesAreDatabaseDotTable) {
  EXPECT_THAT(Reads("SELECT * FROM Orders o JOIN d2.Lines l ON o.id = l.oid"), ElementsAre("d1.Orders", "d2.Lines"));
  EXPECT_THAT(Reads("SELECT * FROM a.b.c")[0], HasSubstr("database.table"));
  // FROM DUAL reads nothing; a backticked `dual` is a table.
  EXPECT_THAT(Reads("SELECT 1 FROM DUAL"), ElementsAre());
  EXPECT_THAT(Reads("SELECT 1 FROM `dual`"), ElementsAre("d1.dual"));
  // Words MySQL does not reserve are names: `full` is t1's alias, `only` a table.
  EXPECT_THAT(Reads("SELECT * FROM t1 full JOIN t2 ON 1"), ElementsAre("d1.t1", "d1.t2"));
  EXPECT_THAT(Reads("SELECT * FROM only t"), ElementsAre("d1.only"));
  // lower_case_table_names=1: compared in lower case.
  EXPECT_THAT(Reads("SELECT * FROM D1.Orders", MariaWith({{"lower_case_table_names", "1"}})), ElementsAre("d1.orders"));
  // System databases: information_schema's metadata without case; mysql.* refused in any spelling.
  EXPECT_THAT(Reads("SELECT * FROM INFORMATION_SCHEMA.Tables"), ElementsAre("information_schema.tables"));
  EXPECT_THAT(Reads("SELECT * FROM MYSQL.user")[0], HasSubstr("not allowed"));
  EXPECT_THAT(Reads("SELECT * FROM information_schema.processlist")[0], HasSubstr("not allowed"));
}

TEST(MySqlScopeTest, CteVisibilityAsMariaDbDefinesIt) {
  // CTE names match without case, even where table names are case-sensitive.
  EXPECT_THAT(Reads("WITH Cte AS (SELECT 1 x) SELECT * FROM cte"), ElementsAre());
  EXPECT_THAT(Reads("WITH T1 AS (SELECT 99 x) SELECT * FROM t1"), ElementsAre());
  // Forward and self references in a plain WITH are base tables; WITH RECURSIVE sees the whole list.
  EXPECT_THAT(Reads("WITH a AS (SELECT * FROM b), b AS (SELECT 1 x) SELECT * FROM a"), ElementsAre("d1.b"));
  EXPECT_THAT(Reads("WITH t1 AS (SELECT x+1 AS x FROM t1) SELECT * FROM t1"), ElementsAre("d1.t1"));
  EXPECT_THAT(Reads("WITH RECURSIVE a AS (SELECT * FROM b), b AS (SELECT 1 x) SELECT * FROM a"), ElementsAre());
  // A qualified name is never a CTE.
  EXPECT_THAT(Reads("WITH b AS (SELECT 7 x) SELECT * FROM d1.b"), ElementsAre("d1.b"));
  // The body of a CTE of a WITH nested in a derived table does not see outer CTEs (MariaDB reads the base table):
  // refused. Its main body does see them, and so does a WITH nested in a CTE's definition.
  EXPECT_THAT(Reads("WITH a AS (SELECT 1 x) SELECT * FROM (WITH c AS (SELECT * FROM a) SELECT * FROM c) dt")[0],
              HasSubstr("enclosing WITH"));
  EXPECT_THAT(Reads("WITH a AS (SELECT 1 x) SELECT * FROM (WITH c AS (SELECT 5 x) SELECT * FROM a) dt"),
              ElementsAre());
  EXPECT_THAT(Reads("WITH a AS (SELECT 1 x), c AS (WITH e AS (SELECT * FROM a) SELECT * FROM e) SELECT * FROM c"),
              ElementsAre());
}

TEST(MySqlScopeTest, MySqlConstructs) {
  EXPECT_THAT(Reads("SELECT SQL_NO_CACHE DISTINCTROW a DIV 2, b MOD 3, a XOR b, 'a' 'b' 'c', CAST(a AS SIGNED), "
                    "CONVERT(a, CHAR(3)), CONVERT(a USING utf8mb4), GROUP_CONCAT(DISTINCT a ORDER BY b SEPARATOR ','), "
                    "DATE_SUB(NOW(), INTERVAL 30 DAY), a REGEXP 'x', a SOUNDS LIKE b, @v, _utf8mb4'x' "
                    "FROM t PARTITION (p0) AS t USE INDEX (i) FORCE KEY FOR JOIN (PRIMARY) STRAIGHT_JOIN u ON 1 "
                    "WHERE MATCH (a, b) AGAINST ('x' IN BOOLEAN MODE) GROUP BY a WITH ROLLUP LIMIT 5, 10"),
              ElementsAre("d1.t", "d1.u"));
  EXPECT_THAT(Reads("SELECT * FROM a LEFT JOIN (t PARTITION (p0) JOIN b ON 1) ON 1")[0], HasSubstr("PARTITION"));
  EXPECT_THAT(Reads("SELECT (SELECT 1 FROM s) + INTERVAL (SELECT n FROM s2) DAY FROM t"),
              ElementsAre("d1.s", "d1.s2", "d1.t"));
}

TEST(MySqlScopeTest, Refusals) {
  EXPECT_THAT(Reads("SELECT a INTO @v FROM t")[0], HasSubstr("INTO"));
  EXPECT_THAT(Reads("SELECT * FROM t INTO OUTFILE '/tmp/x'")[0], HasSubstr("INTO"));
  EXPECT_THAT(Reads("SELECT @a := 1")[0], HasSubstr("assignments"));
  EXPECT_THAT(Reads("SELECT * FROM t FOR UPDATE")[0], HasSubstr("not allowed"));
  EXPECT_THAT(Reads("SELECT * FROM t LOCK IN SHARE MODE")[0], HasSubstr("not allowed"));
  EXPECT_THAT(Reads("SELECT * FROM t PROCEDURE ANALYSE()")[0], HasSubstr("PROCEDURE"));
  EXPECT_THAT(Reads("SELECT LOAD_FILE('/etc/passwd')")[0], HasSubstr("not allowed"));
  EXPECT_THAT(Reads("SELECT SLEEP(1)")[0], HasSubstr("not allowed"));
  EXPECT_THAT(Reads("SELECT sys_exec('id')")[0], HasSubstr("not allowed"));
  EXPECT_THAT(Reads("SELECT d1.f(1)")[0], HasSubstr("stored function"));
  // Without IGNORE_SPACE, `count (x)` calls a stored function `count`.
  EXPECT_THAT(Reads("SELECT count (*) FROM t")[0], HasSubstr("space"));
  // MariaDB 10.11 has no LATERAL, TABLE statement or VALUES ROW; MySQL 8.0 has them.
  EXPECT_THAT(Reads("TABLE t")[0], HasSubstr("syntax error"));  // TABLE is no keyword of MariaDB 10.11
  EXPECT_THAT(Reads("TABLE t", *Dialect::Find("mysql")), ElementsAre("d1.t"));
  // Column lists on aliases: MariaDB 10.11 has none (ERROR 1064 near "(a)"), MySQL 8.0 only on a derived table.
  EXPECT_THAT(Reads("SELECT * FROM (SELECT 1) AS d (a)")[0], HasSubstr("column list on a derived table"));
  EXPECT_THAT(Reads("SELECT * FROM (SELECT 1) AS d (a)", *Dialect::Find("mysql")), ElementsAre());
  EXPECT_THAT(Reads("SELECT * FROM t AS x (a)", *Dialect::Find("mysql"))[0], HasSubstr("column list on a table"));
  EXPECT_THAT(Reads("SELECT * FROM (t JOIN u ON 1) AS j (a)")[0], HasSubstr("column list on a table"));
  // Found by the lexer differential test (ERROR 1064 on MariaDB 10.11.19): an empty select list, an unqualified *
  // after other items, ! or ~ between two operands.
  EXPECT_THAT(Reads("SELECT -- all\n")[0], HasSubstr("empty select list"));
  EXPECT_THAT(Reads("SELECT 1, * FROM t")[0], HasSubstr("unqualified * after other select items"));
  EXPECT_THAT(Reads("SELECT *, 1, t.* FROM t"), ElementsAre("d1.t"));
  EXPECT_THAT(Reads("SELECT a ! -2 FROM t")[0], HasSubstr("! is a prefix operator"));
  EXPECT_THAT(Reads("SELECT !a, ~b, a || b FROM t"), ElementsAre("d1.t"));
  EXPECT_THAT(Reads("SELECT a || b FROM t", MariaWith({{"sql_mode", "PIPES_AS_CONCAT"}})), ElementsAre("d1.t"));
  // SQL_CACHE, SQL_NO_CACHE, SQL_CALC_FOUND_ROWS and HIGH_PRIORITY only in the statement's first SELECT (ERROR 1234
  // elsewhere on MariaDB 10.11.19), each once; STRAIGHT_JOIN anywhere.
  EXPECT_THAT(Reads("SELECT SQL_NO_CACHE a FROM t UNION SELECT b FROM u"), ElementsAre("d1.t", "d1.u"));
  EXPECT_THAT(Reads("(SELECT SQL_CALC_FOUND_ROWS a FROM t) UNION (SELECT HIGH_PRIORITY b FROM u)")[0],
              HasSubstr("HIGH_PRIORITY is allowed only in the statement's first SELECT"));
  EXPECT_THAT(Reads("SELECT a FROM t UNION SELECT SQL_NO_CACHE b FROM u")[0], HasSubstr("first SELECT"));
  EXPECT_THAT(Reads("SELECT (SELECT SQL_NO_CACHE 1) FROM t")[0], HasSubstr("first SELECT"));
  EXPECT_THAT(Reads("SELECT * FROM (SELECT SQL_CACHE 1) d")[0], HasSubstr("first SELECT"));
  EXPECT_THAT(Reads("WITH c AS (SELECT SQL_NO_CACHE 1) SELECT * FROM c")[0], HasSubstr("first SELECT"));
  EXPECT_THAT(Reads("WITH c AS (SELECT 1) SELECT SQL_NO_CACHE * FROM c, t"), ElementsAre("d1.t"));
  EXPECT_THAT(Reads("SELECT SQL_NO_CACHE SQL_NO_CACHE 1")[0], HasSubstr("given twice"));
  EXPECT_THAT(Reads("SELECT STRAIGHT_JOIN 1 FROM t UNION SELECT STRAIGHT_JOIN 2 FROM u"), ElementsAre("d1.t", "d1.u"));
}

TEST(MySqlScopeTest, PostgresRefusesTheMySqlConstructs) {
  const Dialect& pg = Dialect::Postgres();
  EXPECT_THAT(Reads("SELECT * FROM t LIMIT 5, 10", pg)[0], HasSubstr("not supported in postgres"));
  EXPECT_THAT(Reads("SELECT a FROM t GROUP BY a WITH ROLLUP", pg)[0], HasSubstr("not supported in postgres"));
  EXPECT_THAT(Reads("SELECT 'a' 'b'", pg)[0], HasSubstr("not supported in postgres"));
  EXPECT_THAT(Reads("SELECT * FROM t FORCE INDEX (i)", pg)[0], HasSubstr("not supported in postgres"));
  EXPECT_THAT(Reads("SELECT a DIV 2 FROM t", pg)[0], HasSubstr("syntax error"));
}

TEST(MySqlDialectTest, SettingsAndQuoting) {
  EXPECT_FALSE(Dialect::Make("mariadb", {{"sql_mode", "ORACLE"}}).ok());
  EXPECT_FALSE(Dialect::Make("mariadb", {{"sql_mode", "BOGUS"}}).ok());
  EXPECT_FALSE(Dialect::Make("mariadb", {{"lower_case_table_names", "3"}}).ok());
  EXPECT_FALSE(Dialect::Make("mariadb", {{"server_version", "8.0.36"}}).ok());
  EXPECT_FALSE(Dialect::Make("mariadb", {{"colour", "blue"}}).ok());
  EXPECT_TRUE(Dialect::Make("mysql", {{"server_version", "8.0.36"}}).ok());
  std::string out;
  Maria().AppendIdentifier("Orders", &out);
  Maria().AppendIdentifier("select", &out);
  Maria().AppendIdentifier("a`b", &out);
  Maria().AppendIdentifier("_utf8", &out);
  Maria().AppendIdentifier("1e5", &out);
  EXPECT_EQ(out, "Orders`select``a``b``_utf8``1e5`");
  out.clear();
  Maria().AppendStringLiteral(std::string("it's a \\ and \0", 14), &out);
  EXPECT_EQ(out, std::string("'it''s a \\\\ and \\0'"));
  out.clear();
  MariaWith({{"sql_mode", "NO_BACKSLASH_ESCAPES"}}).AppendStringLiteral("a\\b", &out);
  EXPECT_EQ(out, "'a\\b'");
}

}  // namespace
}  // namespace rlsq
