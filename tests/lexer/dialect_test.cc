// PostgreSQL dialect: registry, keywords, folding, quoting, deny list.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/dialect/dialect.h"
#include "lib/dialect/postgres_dialect.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

const Dialect& Pg() { return Dialect::Postgres(); }

std::string Ident(std::string_view s) {
  std::string out;
  Pg().AppendIdentifier(s, &out);
  return out;
}
std::string Literal(std::string_view s) {
  std::string out;
  Pg().AppendStringLiteral(s, &out);
  return out;
}

TEST(DialectRegistryTest, Find) {
  EXPECT_EQ(Dialect::Find("postgres"), &Dialect::Postgres());
  EXPECT_EQ(Dialect::Find("postgresql"), &Dialect::Postgres());
  EXPECT_EQ(Dialect::Find("PostgreSQL"), &Dialect::Postgres());
  ASSERT_NE(Dialect::Find("mysql"), nullptr);
  EXPECT_EQ(Dialect::Find("mysql")->name(), "mysql");
  ASSERT_NE(Dialect::Find("MariaDB"), nullptr);
  EXPECT_EQ(Dialect::Find("MariaDB")->name(), "mariadb");
  EXPECT_EQ(Dialect::Find("mariadb"), Dialect::Find("MARIADB"));  // one instance per configuration
  EXPECT_EQ(Dialect::Find("oracle"), nullptr);
  EXPECT_EQ(Dialect::Find(""), nullptr);
  EXPECT_EQ(Pg().name(), "postgres");
}

TEST(PostgresKeywordsTest, Categories) {
  EXPECT_EQ(Pg().Keyword("select"), KeywordCategory::kReserved);
  EXPECT_EQ(Pg().Keyword("from"), KeywordCategory::kReserved);
  EXPECT_EQ(Pg().Keyword("user"), KeywordCategory::kReserved);
  EXPECT_EQ(Pg().Keyword("abort"), KeywordCategory::kUnreserved);
  EXPECT_EQ(Pg().Keyword("name"), KeywordCategory::kUnreserved);
  EXPECT_EQ(Pg().Keyword("uescape"), KeywordCategory::kUnreserved);
  EXPECT_EQ(Pg().Keyword("between"), KeywordCategory::kColName);
  EXPECT_EQ(Pg().Keyword("coalesce"), KeywordCategory::kColName);
  EXPECT_EQ(Pg().Keyword("int"), KeywordCategory::kColName);
  EXPECT_EQ(Pg().Keyword("left"), KeywordCategory::kTypeFuncName);
  EXPECT_EQ(Pg().Keyword("ilike"), KeywordCategory::kTypeFuncName);
  EXPECT_EQ(Pg().Keyword("authorization"), KeywordCategory::kTypeFuncName);
  EXPECT_EQ(Pg().Keyword("merge"), KeywordCategory::kUnreserved);  // new in 15
  EXPECT_EQ(Pg().Keyword("orders"), KeywordCategory::kNone);
  EXPECT_EQ(Pg().Keyword("SELECT"), KeywordCategory::kNone);  // folded input only
}

TEST(PostgresFoldTest, Fold) {
  EXPECT_EQ(Pg().FoldIdentifier("Orders"), "orders");
  EXPECT_EQ(Pg().FoldIdentifier("\xc3\x89t\xc3\xa9"), "\xc3\x89t\xc3\xa9");  // ASCII only
  EXPECT_EQ(Pg().FoldIdentifier(std::string(70, 'X')), std::string(63, 'x'));
  EXPECT_EQ(Pg().FoldIdentifier(std::string(62, 'a') + "\xc3\xa9"), std::string(62, 'a'));
}

TEST(PostgresQuoteTest, Identifiers) {
  EXPECT_EQ(Ident("orders"), "orders");
  EXPECT_EQ(Ident("Orders"), "\"Orders\"");
  EXPECT_EQ(Ident("select"), "\"select\"");
  EXPECT_EQ(Ident("between"), "\"between\"");    // col_name keyword
  EXPECT_EQ(Ident("left"), "\"left\"");          // type_func_name keyword
  EXPECT_EQ(Ident("name"), "name");              // unreserved keyword
  EXPECT_EQ(Ident("_x1"), "_x1");
  EXPECT_EQ(Ident("1x"), "\"1x\"");
  EXPECT_EQ(Ident("a$b"), "\"a$b\"");            // quote_identifier does not accept '$'
  EXPECT_EQ(Ident("a b"), "\"a b\"");
  EXPECT_EQ(Ident("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(Ident("\xc3\xa9t\xc3\xa9"), "\"\xc3\xa9t\xc3\xa9\"");
  EXPECT_EQ(Ident(""), "\"\"");
  std::string out = "x.";
  Pg().AppendIdentifier("Y", &out);
  EXPECT_EQ(out, "x.\"Y\"");
}

// Every quoted identifier reads back through the lexer as the same identifier.
TEST(PostgresQuoteTest, IdentifiersRoundTrip) {
  for (std::string_view ident : {"orders", "Orders", "select", "a\"b", "a b", "\xc3\xa9", "x$", "\"\"", "UESCAPE"}) {
    Arena arena;
    std::vector<Token> tokens;
    std::string sql = Ident(ident);
    ASSERT_TRUE(Pg().Tokenize(sql, arena, &tokens).ok()) << sql;
    ASSERT_EQ(tokens.size(), 2u) << sql;
    EXPECT_EQ(tokens[0].text, ident) << sql;
  }
}

TEST(PostgresQuoteTest, StringLiterals) {
  EXPECT_EQ(Literal("abc"), "'abc'");
  EXPECT_EQ(Literal("it's"), "'it''s'");
  EXPECT_EQ(Literal("a\\b"), "'a\\b'");  // standard_conforming_strings: backslash is ordinary
  EXPECT_EQ(Literal(""), "''");
  EXPECT_EQ(Literal("a\nb\tc"), "'a\nb\tc'");
  EXPECT_EQ(Literal("a\rb\\'"), "E'a\\rb\\\\'''");
  EXPECT_EQ(Literal("\x01"), "E'\\x01'");
}

TEST(PostgresQuoteTest, StringLiteralsRoundTrip) {
  for (std::string_view v : {"abc", "it's", "a\\b", "", "a\nb", "\r\n", "\x1b[31m", "x\\'y", "\xc3\xa9\x7f",
                             "$$", "'\n'"}) {
    Arena arena;
    std::vector<Token> tokens;
    std::string sql = Literal(v);
    ASSERT_TRUE(Pg().Tokenize(sql, arena, &tokens).ok()) << sql;
    ASSERT_EQ(tokens.size(), 2u) << sql;
    EXPECT_EQ(tokens[0].kind, TokenKind::kString);
    EXPECT_EQ(tokens[0].text, v) << sql;
  }
}

}  // namespace
}  // namespace rlsq
