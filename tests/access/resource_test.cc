// The view menu (resource) grammar.
#include <gtest/gtest.h>

#include "lib/access/resource.h"
#include "tests/support/status_matchers.h"

namespace rlsq::access {
namespace {

TEST(ResourceTest, Table) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Resource r, ParseResource("[examples].[public].[orders](id:12)"));
  EXPECT_TRUE(r.bracketed());
  EXPECT_EQ(r.parts, (std::vector<std::string>{"examples", "public", "orders"}));
  ASSERT_TRUE(r.id.has_value());
  EXPECT_EQ(*r.id, 12u);
  EXPECT_EQ(r.ToString(), "[examples].[public].[orders](id:12)");
}

TEST(ResourceTest, SchemaCatalogDatabaseForms) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Resource s, ParseResource("[examples].[public]"));
  EXPECT_EQ(s.parts.size(), 2u);
  EXPECT_FALSE(s.id.has_value());
  RLSQ_ASSERT_OK_AND_ASSIGN(Resource c, ParseResource("[examples].[main].[public]"));
  EXPECT_EQ(c.parts, (std::vector<std::string>{"examples", "main", "public"}));
  RLSQ_ASSERT_OK_AND_ASSIGN(Resource d, ParseResource("[examples]"));
  EXPECT_EQ(d.parts, (std::vector<std::string>{"examples"}));
  RLSQ_ASSERT_OK_AND_ASSIGN(Resource t, ParseResource("[db].[s].[t]"));
  EXPECT_FALSE(t.id.has_value());
}

TEST(ResourceTest, RawNamesKeepSpacesDotsCaseAndUtf8) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Resource r, ParseResource("[My DB].[a.b].[Straße](id:1)"));
  EXPECT_EQ(r.parts, (std::vector<std::string>{"My DB", "a.b", "Straße"}));
}

TEST(ResourceTest, DoubledClosingBracketEscapes) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Resource r, ParseResource("[we]]ird].[s]"));
  EXPECT_EQ(r.parts[0], "we]ird");
  EXPECT_EQ(r.ToString(), "[we]]ird].[s]");
}

TEST(ResourceTest, PlainNames) {
  for (std::string_view name : {"Dashboard", "all_datasource_access", "DAG:example", "DAGs", "Alerts & Report",
                                "DAG Runs"}) {
    RLSQ_ASSERT_OK_AND_ASSIGN(Resource r, ParseResource(name));
    EXPECT_FALSE(r.bracketed());
    EXPECT_EQ(r.plain, name);
    EXPECT_EQ(r.ToString(), name);
  }
}

TEST(ResourceTest, Malformed) {
  struct Case {
    std::string_view text, message;
  };
  const Case cases[] = {
      {"", "empty"},
      {"[db", "unterminated '['"},
      {"[db].[s", "unterminated '['"},
      {"[]", "empty name in brackets"},
      {"[db].[]", "empty name in brackets"},
      {"[db].", "expected '['"},
      {"[db]x", "unexpected text"},
      {"[db].[s].[t](id:)", "expected (id:N)"},
      {"[db].[s].[t](id:12", "expected (id:N)"},
      {"[db].[s].[t](id:-1)", "expected (id:N)"},
      {"[db].[s].[t](id:1)x", "expected (id:N)"},
      {"[a].[b].[c].[d]", "more than 3"},
      {"[db](id:3)", "needs [database].[schema].[table]"},
      {"Dash]board", "bracket in a plain name"},
      {"Dash[board", "bracket in a plain name"},
      {" Dashboard", "leading or trailing space"},
      {"Dashboard ", "leading or trailing space"},
      {"Dash\nboard", "control character"},
      {"[d\tb]", "control character"},
      {"[db].[s].[t](id:99999999999999999999)", "expected (id:N)"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseResource(c.text), StatusIs(absl::StatusCode::kInvalidArgument, c.message)) << c.text;
  }
}

}  // namespace
}  // namespace rlsq::access
