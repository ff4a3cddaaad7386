// rlsq-proxy's statement rules (proxy/statements.cc): splitting as PostgreSQL's lexer does, and the verdict for each
// statement form.
#include "proxy/statements.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace rlsq_proxy {
namespace {

std::vector<Statement> Split(std::string_view text) { return SplitStatements(text); }

Statement One(std::string_view text) {
  std::vector<Statement> s = SplitStatements(text);
  EXPECT_EQ(s.size(), 1u) << text;
  return s.empty() ? Statement{} : s.front();
}

TEST(ProxyStatements, SplitsAtTopLevelSemicolonsOnly) {
  std::string text = "SELECT ';' AS a; SELECT $x$;$x$ /* ; */ -- ;\n; SELECT \"a;b\" FROM t";
  std::vector<Statement> s = Split(text);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(text.substr(s[0].begin, s[0].end - s[0].begin), "SELECT ';' AS a");
  EXPECT_EQ(s[0].kind, StatementKind::kQuery);
  EXPECT_EQ(s[1].kind, StatementKind::kQuery);
  EXPECT_EQ(text.substr(s[2].begin, s[2].end - s[2].begin), " SELECT \"a;b\" FROM t");
}

TEST(ProxyStatements, EmptyPiecesAreSkippedAndCommentsAreNotStatements) {
  EXPECT_TRUE(Split("").empty());
  EXPECT_TRUE(Split(" ;; /* x */ ;").empty());
  EXPECT_EQ(Split("-- only a comment").size(), 0u);
}

TEST(ProxyStatements, LexingErrorsRefuseTheWholeText) {
  Statement s = One("SELECT 'unterminated");
  EXPECT_EQ(s.kind, StatementKind::kRefused);
  EXPECT_EQ(s.error.sqlstate, "42601");
  // A nested comment PostgreSQL keeps open swallows the ';' and the rest.
  EXPECT_EQ(One("SELECT 1 /* /* */ ; DELETE FROM t */").kind, StatementKind::kQuery);
}

TEST(ProxyStatements, QueriesGoToTheEngine) {
  for (const char* q : {"SELECT 1", "with x as (select 1) select * from x", "VALUES (1)", "TABLE t", "(SELECT 1)",
                        "/* c */ select 1", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"})
    EXPECT_EQ(One(q).kind, StatementKind::kQuery) << q;
}

TEST(ProxyStatements, TransactionStatementsAreSessionStatements) {
  for (const char* q : {"BEGIN", "begin work", "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                        "START TRANSACTION READ ONLY", "BEGIN ISOLATION LEVEL READ COMMITTED NOT DEFERRABLE",
                        "SAVEPOINT s1", "RELEASE SAVEPOINT s1", "RELEASE s1"})
    EXPECT_EQ(One(q).kind, StatementKind::kSession) << q;
  for (const char* q : {"COMMIT", "END", "ROLLBACK", "ABORT", "ROLLBACK TO SAVEPOINT s1", "rollback to s1",
                        "COMMIT AND NO CHAIN", "ROLLBACK AND CHAIN"}) {
    Statement s = One(q);
    EXPECT_EQ(s.kind, StatementKind::kSession) << q;
    EXPECT_TRUE(s.ends_transaction) << q;
  }
  for (const char* q : {"COMMIT PREPARED 'x'", "PREPARE TRANSACTION 'x'", "ROLLBACK PREPARED 'x'"}) {
    Statement s = One(q);
    EXPECT_EQ(s.kind, StatementKind::kRefused) << q;
    EXPECT_EQ(s.error.sqlstate, "0A000") << q;
  }
  EXPECT_EQ(One("BEGIN ISOLATION LEVEL CHAOS").kind, StatementKind::kRefused);
  std::vector<Statement> two = Split("BEGIN; SELECT 1");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].kind, StatementKind::kSession);
  EXPECT_EQ(two[1].kind, StatementKind::kQuery);
}

TEST(ProxyStatements, AllowListedSettings) {
  for (const char* q : {"SET DateStyle TO ISO, MDY", "set extra_float_digits = 3", "SET application_name = 'x'",
                        "SET SESSION statement_timeout TO 1000", "SET LOCAL lock_timeout = '1s'",
                        "SET TIME ZONE 'UTC'", "SET TIME ZONE LOCAL", "SET timezone = DEFAULT",
                        "SET client_encoding = 'UTF8'", "SET NAMES 'utf-8'", "SET standard_conforming_strings = on",
                        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET \"DateStyle\" = 'ISO'",
                        "SET extra_float_digits = -1", "RESET DateStyle", "RESET TIME ZONE", "SHOW search_path",
                        "SHOW ALL", "SHOW TRANSACTION ISOLATION LEVEL", "show server_version", "DISCARD PLANS",
                        "DEALLOCATE ALL", "DEALLOCATE PREPARE s1"})
    EXPECT_EQ(One(q).kind, StatementKind::kSession) << q;
}

TEST(ProxyStatements, SearchPathChangesAreMarked) {
  for (const char* q : {"SET search_path = other, public", "SET search_path TO \"Sales\"", "SET SCHEMA 'other'",
                        "RESET search_path", "RESET ALL", "DISCARD ALL", "SET LOCAL search_path = x",
                        "set search_path = default"}) {
    Statement s = One(q);
    EXPECT_EQ(s.kind, StatementKind::kSession) << q;
    EXPECT_TRUE(s.changes_search_path) << q;
  }
  EXPECT_FALSE(One("SET DateStyle = ISO").changes_search_path);
  EXPECT_TRUE(One("DISCARD ALL").drops_statements);
  EXPECT_EQ(One("DEALLOCATE s1").deallocates, "s1");
}

TEST(ProxyStatements, IdentityAndLexingSettingsAreRefused) {
  struct Case {
    const char* sql;
    const char* sqlstate;
  };
  for (const Case& c : std::vector<Case>{{"SET ROLE admin", "42501"},
                                         {"SET SESSION AUTHORIZATION admin", "42501"},
                                         {"SET LOCAL ROLE admin", "42501"},
                                         {"RESET ROLE", "42501"},
                                         {"RESET SESSION AUTHORIZATION", "42501"},
                                         {"SET row_security = off", "42501"},
                                         {"SET rlsq.user = 'admin'", "42501"},
                                         {"SET session_replication_role = replica", "42501"},
                                         {"SET client_encoding = 'LATIN1'", "0A000"},
                                         {"SET NAMES 'SJIS'", "0A000"},
                                         {"SET standard_conforming_strings = off", "0A000"},
                                         {"SET search_path FROM CURRENT", "0A000"},
                                         {"SET search_path = (SELECT 1)", "42601"},
                                         {"SET TRANSACTION SNAPSHOT '0001'", "0A000"}}) {
    Statement s = One(c.sql);
    EXPECT_EQ(s.kind, StatementKind::kRefused) << c.sql;
    EXPECT_EQ(s.error.sqlstate, c.sqlstate) << c.sql << ": " << s.error.message;
  }
}

TEST(ProxyStatements, WritesAndUnmodelledStatementsAreRefused) {
  struct Case {
    const char* sql;
    const char* sqlstate;
  };
  for (const Case& c : std::vector<Case>{{"INSERT INTO t VALUES (1)", "42501"},
                                         {"update t set a = 1", "42501"},
                                         {"DELETE FROM t", "42501"},
                                         {"CREATE TABLE x (a int)", "42501"},
                                         {"DROP TABLE t", "42501"},
                                         {"TRUNCATE t", "42501"},
                                         {"GRANT SELECT ON t TO u", "42501"},
                                         {"VACUUM", "42501"},
                                         {"COPY t TO STDOUT", "0A000"},
                                         {"COPY t FROM PROGRAM 'id'", "0A000"},
                                         {"LISTEN ch", "0A000"},
                                         {"NOTIFY ch", "0A000"},
                                         {"DO $$ BEGIN END $$", "0A000"},
                                         {"PREPARE p AS SELECT 1", "0A000"},
                                         {"EXECUTE p", "0A000"},
                                         {"DECLARE c CURSOR FOR SELECT 1", "0A000"},
                                         {"EXPLAIN SELECT 1", "0A000"},
                                         {"frobnicate", "42601"},
                                         {"42", "42601"}}) {
    Statement s = One(c.sql);
    EXPECT_EQ(s.kind, StatementKind::kRefused) << c.sql;
    EXPECT_EQ(s.error.sqlstate, c.sqlstate) << c.sql << ": " << s.error.message;
    EXPECT_GT(s.error.position, 0) << c.sql;
  }
}

TEST(ProxyStatements, PositionsCountCharactersOfTheWholeText) {
  std::vector<Statement> s = Split("SELECT 'é'; DELETE FROM t");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].kind, StatementKind::kRefused);
  EXPECT_EQ(s[1].error.position, 13);  // "SELECT 'é'; " is 12 characters
}

TEST(ProxyStatements, EncodingNamesAsPostgresReadsThem) {
  for (const char* n : {"UTF8", "utf8", "UTF-8", "utf_8", "Unicode"}) EXPECT_TRUE(IsUtf8EncodingName(n)) << n;
  for (const char* n : {"LATIN1", "SQL_ASCII", "auto", "", "utf16"}) EXPECT_FALSE(IsUtf8EncodingName(n)) << n;
}

}  // namespace
}  // namespace rlsq_proxy
