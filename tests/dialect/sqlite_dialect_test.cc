// SQLite 3.40: lexing, the grammar's SQLite constructs and refusals, and name resolution, each against the real
// library (Debian 12's libsqlite3 3.40.1). The core is a read differential: for every text below that rlsq accepts,
// the tables it reads are exactly those SQLite's authorizer reports while preparing the same text on a database that
// has every table named (main, an attached `aux`); every text in the refused lists is refused by rlsq, and each is
// text SQLite accepts (so the refusal is a decision, not an accident of the fixture).
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/common/ascii.h"
#include "lib/common/str_cat.h"
#include "lib/dialect/dialect.h"
#include "lib/names/resolver.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "rewriter/engine.h"
#include "rewriter/scope.h"
#include "tests/support/sqlite_db.h"
#include "tests/support/lex_tokens.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Dialect& Sqlite() { return *Dialect::Find("sqlite"); }

// "kind:text" per token, without the end token (tests/support/lex_tokens.h).
std::vector<std::string> Lex(std::string_view sql) { return testing::LexTokens(Sqlite(), sql); }

TEST(SqliteLexerTest, Comments) {
  // `--` needs no space and runs to \n only; /* */ does not nest; an unterminated /* with text after it runs to the
  // end (a bare /* at the very end is `/` `*` in SQLite, a syntax error: an error here too).
  EXPECT_THAT(Lex("SELECT 1--1"), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 -- x\r2"), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /* /* */ 2"), ElementsAre("id:SELECT", "int:1", "int:2"));
  EXPECT_THAT(Lex("SELECT 1 /* JOIN secret"), ElementsAre("id:SELECT", "int:1"));
  EXPECT_THAT(Lex("SELECT 1 /*")[0], HasSubstr("unterminated"));
  EXPECT_THAT(Lex("SELECT 1 # x")[0], HasSubstr("syntax error"));  // `#` starts a parameter, and needs a name
}

TEST(SqliteLexerTest, NamesAndStrings) {
  EXPECT_THAT(Lex("SELECT [a b], `c``d`, \"e\"\"f\", g$h FROM [t]"),
              ElementsAre("id:SELECT", "qid:a b", "p:,", "qid:c`d", "p:,", "qid:e\"f", "p:,", "id:g$h", "id:FROM",
                          "qid:t"));
  EXPECT_THAT(Lex("SELECT [a]]b]"), ElementsAre("id:SELECT", "qid:a", "p:]", "id:b", "p:]"));  // no escape in [...]
  EXPECT_THAT(Lex("SELECT [x")[0], HasSubstr("unterminated"));
  // No escapes in strings; N'x', B'01' and E'x' are a name and a string.
  EXPECT_THAT(Lex("SELECT 'a\\'"), ElementsAre("id:SELECT", "str:a\\"));
  EXPECT_THAT(Lex("SELECT 'it''s'"), ElementsAre("id:SELECT", "str:it's"));
  EXPECT_THAT(Lex("SELECT N'x', E'y'"), ElementsAre("id:SELECT", "id:N", "str:x", "p:,", "id:E", "str:y"));
  EXPECT_THAT(Lex("SELECT X'4142', x''"), ElementsAre("id:SELECT", "hex:4142", "p:,", "hex:"));
  EXPECT_THAT(Lex("SELECT X'414'")[0], HasSubstr("even number"));
  // Names keep their case (SQLite compares them without ASCII case).
  EXPECT_THAT(Lex("SELECT Ab FROM T"), ElementsAre("id:SELECT", "id:Ab", "id:FROM", "id:T"));
  // A byte order mark where a token starts is white space; inside a word it is part of it.
  EXPECT_THAT(Lex("SELECT \xEF\xBB\xBFx"), ElementsAre("id:SELECT", "id:x"));
  EXPECT_THAT(Lex("SELECT x\xEF\xBB\xBFy"), ElementsAre("id:SELECT", "id:x\xEF\xBB\xBFy"));
  EXPECT_THAT(Lex("SELECT \v1")[0], HasSubstr("syntax error"));  // \v is no white space where a token starts
}

TEST(SqliteLexerTest, Numbers) {
  EXPECT_THAT(Lex("SELECT 0x1F, 0X1f, 0x1G"),
              ElementsAre("id:SELECT", "int:0x1F", "p:,", "int:0X1f", "p:,", "int:0x1", "id:G"));
  EXPECT_THAT(Lex("SELECT .5, 5., 1e5, 1.5E-3"),
              ElementsAre("id:SELECT", "num:.5", "p:,", "num:5.", "p:,", "num:1e5", "p:,", "num:1.5E-3"));
  for (const char* bad : {"SELECT 123abc", "SELECT 1e5x", "SELECT 1.5x", "SELECT 0x", "SELECT 1e", "SELECT 1.5e"})
    EXPECT_THAT(Lex(bad)[0], HasSubstr("error")) << bad;
}

TEST(SqliteLexerTest, ParametersAndOperators) {
  EXPECT_THAT(Lex("SELECT ?, ?12, :a, @b, $c, #d, $e::f(g)"),
              ElementsAre("id:SELECT", "param:?", "p:,", "param:?12", "p:,", "param::a", "p:,", "param:@b", "p:,",
                          "param:$c", "p:,", "param:#d", "p:,", "param:$e::f(g)"));
  EXPECT_THAT(Lex("SELECT $a(b c)")[0], HasSubstr("unrecognized token"));
  for (const char* bad : {"SELECT :", "SELECT @", "SELECT $", "SELECT 1 ! 2", "SELECT 1 ^ 2"})
    EXPECT_THAT(Lex(bad)[0], HasSubstr("syntax error")) << bad;
  EXPECT_THAT(Lex("a==b != c <> d || e -> f ->> g << h"),
              ElementsAre("id:a", "op:=", "id:b", "op:!=", "id:c", "op:<>", "id:d", "op:||", "id:e", "op:->", "id:f",
                          "op:->>", "id:g", "op:<<", "id:h"));
}

// The fixture database: tables in main and in an attached `aux` (aux.t is shadowed by main.t), a table named after a
// join keyword, a one-column table for `x IN table`, an index.
class SqliteReadsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = testing::SqliteDb::Open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = db->release();
    RLSQ_ASSERT_OK(db_->Exec(
        "CREATE TABLE t (a, b); CREATE TABLE u (a, c); CREATE TABLE \"Mixed\" (k); CREATE TABLE one (x);"
        "CREATE TABLE \"left\" (a); CREATE INDEX t_a ON t (a);"
        "ATTACH ':memory:' AS aux; CREATE TABLE aux.t (a, b); CREATE TABLE aux.w (a);"
        "CREATE TABLE ac (x INTEGER PRIMARY KEY AUTOINCREMENT); INSERT INTO ac VALUES (NULL); ANALYZE"));
    model_ = new DatabaseModel();
    model_->search_path = {"main", "aux"};
    model_->relations_known = true;
    for (const char* r : {"main.t", "main.u", "main.mixed", "main.one", "main.left", "main.ac", "aux.t", "aux.w"})
      model_->relations.insert(r);
  }
  static void TearDownTestSuite() {
    delete db_;
    delete model_;
  }

  // rlsq's reads ("schema.table", lower case, SQLite's alias names mapped to the table they stand for), or the error.
  static absl::StatusOr<std::set<std::string>> RlsqReads(const std::string& sql) {
    ParseOptions options;
    options.dialect = &Sqlite();
    auto parsed = ParseQuery(sql, options);
    if (!parsed.ok()) return parsed.status();
    NameResolver resolver(Sqlite(), *model_);
    auto analysis = rewriter::AnalyzeScopes((*parsed)->sql, *(*parsed)->query, resolver);
    if (!analysis.ok()) return analysis.status();
    std::set<std::string> out;
    for (const auto& r : analysis->reads) {
      std::string name = AsciiLower(Cat(r.table.schema, ".", r.table.name));
      if (r.table.name == "sqlite_schema") name = Cat(r.table.schema, ".sqlite_master");
      if (r.table.name == "sqlite_temp_schema") name = "temp.sqlite_temp_master";
      out.insert(name);
    }
    return out;
  }

  static testing::SqliteDb* db_;
  static DatabaseModel* model_;
};

testing::SqliteDb* SqliteReadsTest::db_ = nullptr;
DatabaseModel* SqliteReadsTest::model_ = nullptr;

std::string Show(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) Append(&out, out.empty() ? "" : " ", x);
  return "{" + out + "}";
}

TEST_F(SqliteReadsTest, ReadsAsSqliteDoes) {
  const std::vector<std::string> queries = {
      "SELECT * FROM t", "SELECT * FROM T", "select * from MAIN.T", "SELECT * FROM w", "SELECT * FROM aux.t",
      "SELECT * FROM Aux.W", "SELECT * FROM [t], `u`, \"Mixed\"", "SELECT * FROM mixed", "SELECT * FROM MIXED m",
      // CTEs: every entry sees the whole list (a forward reference is the later CTE), recursion needs no RECURSIVE,
      // a nested WITH sees the outer one, a qualified name is never a CTE, names compare without case.
      "WITH a AS (SELECT * FROM b), b AS (SELECT * FROM t) SELECT * FROM a",
      "WITH t AS (SELECT * FROM u) SELECT * FROM t",
      "WITH T AS (SELECT * FROM u) SELECT * FROM t",
      "WITH x AS (SELECT 1 AS a UNION ALL SELECT a + 1 FROM x WHERE a < 3) SELECT * FROM x",
      "WITH c AS (SELECT * FROM t) SELECT * FROM (WITH d AS (SELECT * FROM c) SELECT * FROM d)",
      "WITH u AS (SELECT * FROM t) SELECT * FROM main.u, u",
      "WITH u AS (SELECT * FROM aux.t) SELECT * FROM (SELECT * FROM u) AS s WHERE s.a IN (SELECT a FROM u)",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r, t",
      "WITH m AS MATERIALIZED (SELECT * FROM t), n AS NOT MATERIALIZED (SELECT * FROM u) SELECT * FROM m, n",
      // Joins, subqueries, compounds.
      "SELECT * FROM t LEFT JOIN u ON t.a = u.a RIGHT JOIN aux.w ON 1 = 1 FULL JOIN \"Mixed\" m ON 1",
      "SELECT * FROM t NATURAL JOIN u", "SELECT * FROM t JOIN u USING (a)", "SELECT * FROM t CROSS JOIN u",
      "SELECT * FROM t WHERE a IN (SELECT a FROM u) AND EXISTS (SELECT 1 FROM aux.w WHERE w.a = t.a)",
      "SELECT (SELECT count(*) FROM u), a FROM t",
      "SELECT * FROM (SELECT * FROM t) JOIN (SELECT * FROM u) ON 1",
      "SELECT * FROM (t AS x JOIN u AS y ON x.a = y.a)",
      "SELECT a FROM t UNION SELECT a FROM u EXCEPT SELECT a FROM aux.w ORDER BY 1 LIMIT 5",
      "SELECT a FROM t INTERSECT SELECT a FROM u", "VALUES (1), (2)", "SELECT 1",
      // SQLite's syntax.
      "SELECT * FROM t INDEXED BY t_a WHERE a > 0", "SELECT * FROM t AS x NOT INDEXED",
      "SELECT * FROM t LIMIT 1, 2", "SELECT * FROM t LIMIT 2 OFFSET 1",
      "SELECT a FROM t WHERE b GLOB 'x*' AND b NOT GLOB 'y' AND a IS NOT NULL AND a IS 1 AND b IS NOT 'x'",
      "SELECT a FROM t WHERE a IS DISTINCT FROM b OR a IS NOT DISTINCT FROM 2 OR a ISNULL OR b NOTNULL",
      "SELECT * FROM t WHERE a == 1 OR a <> 2 OR a != 3 OR b || 'x' = 'y' OR a << 1 > 0",
      "SELECT iif(a > 1, 'x', 'y'), coalesce(a, b), ifnull(a, 0), substr(b, 1, 2), printf('%d', a) FROM t",
      "SELECT count(*) FILTER (WHERE a > 1) OVER (PARTITION BY b ORDER BY a ROWS BETWEEN UNBOUNDED PRECEDING AND "
      "CURRENT ROW) FROM t",
      "SELECT sum(a) OVER w FROM t WINDOW w AS (PARTITION BY b)",
      "SELECT a FROM t ORDER BY a NULLS LAST, b DESC NULLS FIRST",
      "SELECT CAST(a AS VARCHAR(10)), CAST(b AS anything), CAST(a AS INTEGER) FROM t",
      "SELECT a COLLATE NOCASE, b FROM t WHERE b = 'X' COLLATE nocase",
      "SELECT json_extract(b, '$.x'), b -> '$.y', b ->> 'z' FROM t",
      "SELECT * FROM t WHERE a = ? OR a = :x OR a = @y OR a = $z OR a = ?2",
      "SELECT 0x1G FROM t", "SELECT * FROM t -- JOIN u ON 1\n JOIN u ON 1", "SELECT * FROM t /* JOIN u ON 1",
      "SELECT * FROM \xEF\xBB\xBFt", "SELECT current_date, current_timestamp FROM t",
      // A double-quoted name that matches no column is a string: no table either way.
      "SELECT \"nosuch\" FROM t", "SELECT * FROM t WHERE \"a\" = 1 OR b = \"lit\"",
      "SELECT * FROM t AS \"x\" JOIN u AS [y] ON x.a = y.a", "SELECT 1 AS 'label', 2 'other' FROM t",
      // Names that are keywords elsewhere: identifiers in SQLite.
      "SELECT replace(b, 'a', 'b'), a AS temp, a AS \"if\" FROM t AS only",
      // SQLite's own relations that hold metadata, and table-valued functions.
      "SELECT * FROM sqlite_master", "SELECT * FROM sqlite_schema", "SELECT * FROM main.sqlite_master",
      "SELECT * FROM aux.sqlite_master", "SELECT * FROM sqlite_temp_master", "SELECT * FROM SQLITE_MASTER",
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  };
  int checked = 0;
  for (const std::string& q : queries) {
    auto theirs = db_->Reads(q);
    ASSERT_TRUE(theirs.ok()) << q << ": " << theirs.status();
    auto ours = RlsqReads(q);
    ASSERT_TRUE(ours.ok()) << q << ": " << ours.status();
    // The authorizer names no schema for some reads ("?.t"): those match a read of that table in any schema.
    std::set<std::string> expected;
    for (const std::string& r : *theirs) {
      if (r.rfind("?.", 0) != 0) {
        expected.insert(r);
        continue;
      }
      std::string match = r;
      for (const std::string& o : *ours)
        if (o.substr(o.find('.')) == r.substr(1)) match = o;
      expected.insert(match);
    }
    EXPECT_EQ(Show(*ours), Show(expected)) << q;
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(queries.size()));
  std::printf("[sqlite reads] %d queries read exactly as SQLite's authorizer reports\n", checked);
}

TEST_F(SqliteReadsTest, TableValuedFunctionsReadNoTable) {
  for (const char* q : {"SELECT * FROM json_each('[1,2]')", "SELECT * FROM t, json_each(t.b) AS j",
                        "SELECT name FROM pragma_table_info('t')", "SELECT * FROM pragma_table_list",
                        "SELECT * FROM pragma_index_list('t')"}) {
    RLSQ_ASSERT_OK(db_->Reads(q).status());  // SQLite runs it
    auto ours = RlsqReads(q);
    if (std::string(q).find("pragma_table_list") != std::string::npos) {
      // Without arguments the name is looked up as a table first: rlsq takes it for one (the relations the policy
      // lists do not hold it, so it is refused here).
      EXPECT_FALSE(ours.ok()) << q;
      continue;
    }
    ASSERT_TRUE(ours.ok()) << q << ": " << ours.status();
    EXPECT_TRUE(ours->empty() || *ours == std::set<std::string>{"main.t"}) << q << " " << Show(*ours);
  }
}

TEST_F(SqliteReadsTest, RefusesWhatItDoesNotModel) {
  // Each text runs on SQLite; rlsq refuses it, with the reason in the message.
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"SELECT * FROM temp.sqlite_master", "temporary schema"},
      {"SELECT * FROM dbstat", "dbstat"},
      {"SELECT * FROM dbstat('main')", "reads raw storage pages"},
      {"SELECT * FROM sqlite_stmt", "holds more than metadata"},
      {"SELECT * FROM sqlite_sequence", "holds more than metadata"},
      {"SELECT * FROM sqlite_stat1", "holds more than metadata"},
      {"SELECT * FROM aux.sqlite_stat1", "holds more than metadata"},
      {"SELECT load_extension('x')", "load_extension is not allowed"},
      {"SELECT fts3_tokenizer('simple')", "fts3_tokenizer is not allowed"},
      {"SELECT * FROM pragma_optimize", "pragma_optimize"},
      {"SELECT * FROM pragma_integrity_check", "pragma_integrity_check"},
      {"SELECT * FROM pragma_foreign_key_check('t')", "not allowed"},
      // A call in FROM names a table first (a virtual table takes arguments): only the built-in table-valued
      // functions are read as functions, and not where a listed relation has the name.
      {"SELECT * FROM lower('x')", "reads a table of that name"},
      {"SELECT * FROM main.json_each('[1]')", "reads a table of that name"},
      {"SELECT * FROM t, u(t.a) AS x", "reads a table of that name"},
      {"SELECT * FROM 't'", "syntax error"},
      {"SELECT * FROM t AS 'x'", "syntax error"},
      {"WITH 'c' AS (SELECT 1) SELECT * FROM c", "syntax error"},
      {"SELECT 'a'.a FROM t AS a", "syntax error"},
      {"SELECT * FROM left", "syntax error"},
      {"SELECT a FROM t WHERE a IN one", "syntax error"},
      {"SELECT a FROM t WHERE a IN main.one", "syntax error"},
      {"SELECT * FROM t, u ON t.a = u.a", "syntax error"},
      {"SELECT * FROM t JOIN u", "syntax error"},
      {"SELECT * FROM t LEFT RIGHT JOIN u ON 1", "syntax error"},
      {"SELECT a AS \"\" FROM t", "zero-length"},
      {"SELECT * FROM t; SELECT * FROM u", "several statements"},
      {"PRAGMA table_info(t)", "PRAGMA is not allowed"},
      {"ATTACH ':memory:' AS z", "ATTACH is not allowed"},
      {"WITH x AS (SELECT 1) DELETE FROM t", "reserved word"},
      {"SELECT a FROM t WHERE a = 1 AND a NOT IN (SELECT x FROM one) INTO", "reserved word"},
  };
  for (const auto& [q, why] : refused) {
    auto ours = RlsqReads(q);
    EXPECT_FALSE(ours.ok()) << q << " read " << (ours.ok() ? Show(*ours) : "");
    if (!ours.ok()) EXPECT_THAT(ours.status().message(), HasSubstr(why)) << q;
  }
  // REGEXP calls regexp(), which only the application defines; SQLite itself has none.
  auto re = RlsqReads("SELECT * FROM t WHERE b REGEXP 'x'");
  ASSERT_FALSE(re.ok());
  EXPECT_THAT(re.status().message(), HasSubstr("regexp"));
  EXPECT_FALSE(db_->Reads("SELECT * FROM t WHERE b REGEXP 'x'").ok());
  // The temporary schema holds only what the connection creates, which rlsq does not model.
  auto tmp = RlsqReads("SELECT * FROM temp.t");
  ASSERT_FALSE(tmp.ok());
  EXPECT_THAT(tmp.status().message(), HasSubstr("temporary schema"));
  // A NUL byte ends SQLite's input silently: rlsq refuses it.
  EXPECT_FALSE(RlsqReads(std::string("SELECT * FROM t\0 JOIN u ON 1", 28)).ok());
}

TEST(SqliteDialectTest, Quoting) {
  std::string out;
  Sqlite().AppendIdentifier("orders", &out);
  out += ' ';
  Sqlite().AppendIdentifier("Order Items", &out);
  out += ' ';
  Sqlite().AppendIdentifier("select", &out);
  out += ' ';
  Sqlite().AppendIdentifier("temp", &out);
  out += ' ';
  Sqlite().AppendIdentifier("a`b", &out);
  out += ' ';
  Sqlite().AppendStringLiteral("it's", &out);
  out += ' ';
  Sqlite().AppendStringLiteral(std::string("a\0b", 3), &out);
  EXPECT_EQ(out, "orders `Order Items` `select` `temp` `a``b` 'it''s' CAST(X'610062' AS TEXT)");
}

TEST(SqliteDialectTest, SettingsAndSearchPath) {
  EXPECT_EQ(Dialect::Find("SQLite"), &Sqlite());
  EXPECT_EQ(Dialect::Find("sqlite3"), &Sqlite());
  EXPECT_FALSE(Dialect::Make("sqlite", {{"sql_mode", "ANSI"}}).ok());
  EXPECT_EQ(Sqlite().default_schema(), "main");
  RLSQ_EXPECT_OK(Sqlite().CheckSearchPath({"main", "aux"}));
  EXPECT_FALSE(Sqlite().CheckSearchPath({"aux", "main"}).ok());
  EXPECT_FALSE(Sqlite().CheckSearchPath({"main", "temp"}).ok());
  EXPECT_FALSE(Sqlite().CheckSearchPath({"main", "aux", "aux"}).ok());
}

// A policy in SQLite: main by default, names matched without case, filters written with SQLite's syntax, the fenced
// wrapper with LIMIT -1 OFFSET 0.
TEST(SqliteDialectTest, PolicyRewrite) {
  const std::string policy = R"({"dialect": "sqlite", "default_database": "db",
    "roles": [{"name": "Reader", "permissions": [["schema_access", "[db].[main]"]]}],
    "users": [{"username": "u", "roles": ["Reader"]}],
    "rls_filters": [{"name": "f", "filter_type": "Regular", "tables": ["Orders"], "roles": ["Reader"],
                     "clause": "o_status GLOB 'F*' AND o_custkey IS NOT 3 AND [o_total] > 0x10"}]})";
  auto engine = Engine::FromPolicyJson(policy);
  ASSERT_TRUE(engine.ok()) << engine.status();
  Caller u;
  u.username = "u";
  RewriteOptions options;
  options.verify = true;
  auto plain = (*engine)->rewrite("SELECT count(*) FROM ORDERS o LEFT JOIN customer c ON c.k = o.o_custkey", u,
                                  options);
  // customer is in main too: the schema grant covers it.
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->sql,
            "SELECT count(*) FROM ORDERS o LEFT JOIN customer c ON c.k = o.o_custkey WHERE (o.o_status GLOB 'F*' AND "
            "o.o_custkey IS NOT 3 AND o.o_total > 0x10)");
  options.placement = policy::PlacementMode::kFenced;
  auto fenced = (*engine)->rewrite("SELECT * FROM main.orders", u, options);
  ASSERT_TRUE(fenced.ok()) << fenced.status();
  EXPECT_EQ(fenced->sql,
            "SELECT * FROM (SELECT * FROM main.orders WHERE (orders.o_status GLOB 'F*' AND orders.o_custkey IS NOT 3 "
            "AND orders.o_total > 0x10) LIMIT -1 OFFSET 0) AS orders");
  // Another schema is not granted.
  EXPECT_FALSE((*engine)->rewrite("SELECT * FROM aux.orders", u, options).ok());
  // A search path that SQLite cannot have is an error of the policy, and of a request.
  EXPECT_FALSE(Engine::FromPolicyJson(R"({"dialect": "sqlite", "search_path": ["aux", "main"], "users": []})").ok());
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"aux", "main"}, {"Main"}, {"main", "temp"}}) {
    RewriteOptions request = options;
    request.search_path = bad;
    auto r = (*engine)->rewrite("SELECT * FROM orders", u, request);
    EXPECT_FALSE(r.ok()) << bad[0];
    if (!r.ok()) EXPECT_THAT(r.status().message(), HasSubstr("search path")) << bad[0];
  }
}

// The policy's relations match without case, as SQLite's names do: main.Orders is the first on the path for
// `orders`, and its filter is the one a query of ORDERS gets.
TEST(SqliteDialectTest, PolicyRelationsMatchWithoutCase) {
  auto engine = Engine::FromPolicyJson(R"json({"dialect": "sqlite", "default_database": "db",
    "search_path": ["main", "aux"], "relations": ["main.Orders", "aux.orders", "main.Allowed"],
    "roles": [{"name": "Reader", "permissions": [["all_database_access", "all_database_access"]]}],
    "users": [{"username": "u", "roles": ["Reader"]}],
    "rls_filters": [{"name": "f", "filter_type": "Regular", "tables": ["Orders"], "roles": ["Reader"],
                     "clause": "o_region IN (SELECT r FROM allowed WHERE kind = 'EU') AND \"o_flag\" = 1"}]})json");
  ASSERT_TRUE(engine.ok()) << engine.status();
  Caller u;
  u.username = "u";
  auto r = (*engine)->rewrite("SELECT * FROM ORDERS", u);
  ASSERT_TRUE(r.ok()) << r.status();
  // The clause's table is bound to main at load; its top-level "o_flag" is qualified (never a string).
  EXPECT_THAT(r->sql, HasSubstr("ORDERS.o_region IN (SELECT r FROM main.allowed AS allowed WHERE kind = 'EU') AND "
                                "ORDERS.\"o_flag\" = 1"));
  auto aux = (*engine)->rewrite("SELECT * FROM aux.orders", u);
  ASSERT_TRUE(aux.ok()) << aux.status();
  EXPECT_EQ(aux->sql, "SELECT * FROM aux.orders");
}

// A double-quoted name in a clause's subquery would be a string that the query could replace with a column of its
// own (the subquery is not qualified): refused at load.
TEST(SqliteDialectTest, DoubleQuotedNamesInClauseSubqueriesAreRefused) {
  auto engine = Engine::FromPolicyJson(R"json({"dialect": "sqlite", "users": [],
    "rls_filters": [{"name": "f", "filter_type": "Base", "tables": ["orders"], "roles": [],
                     "clause": "o_region IN (SELECT r FROM allowed WHERE kind = \"EU\")"}]})json");
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(), HasSubstr("double-quoted name in a subquery"));
}

TEST(SqliteDialectTest, ParametersKeepTheirText) {
  ParseOptions options;
  options.dialect = &Sqlite();
  auto parsed = ParseQuery("SELECT $01, $1, ?2, :a FROM t", options);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  PrintOptions print;
  print.dialect = &Sqlite();
  EXPECT_EQ(Print(*(*parsed)->query, print), "SELECT $01, $1, ?2, :a FROM t");
}

}  // namespace
}  // namespace rlsq
