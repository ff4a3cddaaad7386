// The DDL reader of `rlsq lint --schema` (lib/lint/ddl.h): PostgreSQL's identifier rules, what is skipped, and what
// is refused with line:column.
#include "lib/lint/ddl.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace rlsq::lint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<std::vector<DdlRelation>> Read(std::string_view ddl) { return ParseDdl(ddl, Dialect::Postgres()); }

std::string ErrorOf(std::string_view ddl) {
  auto r = Read(ddl);
  EXPECT_FALSE(r.ok()) << ddl;
  return r.ok() ? std::string() : std::string(r.status().message());
}

TEST(DdlTest, ColumnsAndConstraints) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto rels, Read(R"(
    CREATE TABLE orders (
      o_id integer PRIMARY KEY,
      "Mixed Case" text NOT NULL DEFAULT 'a,b)',
      UPPER_NAME numeric(12, 2) CHECK (UPPER_NAME > 0),
      tags text[],
      CONSTRAINT pos CHECK (o_id > 0),
      PRIMARY KEY (o_id),
      UNIQUE (tags),
      FOREIGN KEY (o_id) REFERENCES other (id)
    );)"));
  ASSERT_EQ(rels.size(), 1u);
  EXPECT_THAT(rels[0].name, ElementsAre("orders"));
  EXPECT_THAT(rels[0].columns, ElementsAre("o_id", "Mixed Case", "upper_name", "tags"));
  EXPECT_TRUE(rels[0].columns_known);
  EXPECT_EQ(rels[0].line, 2u);
  EXPECT_EQ(rels[0].column, 18u);
}

TEST(DdlTest, NamesFoldUnlessQuoted) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto rels, Read("CREATE TABLE Sales.\"Orders\" (A int);\n"
                                            "CREATE TABLE IF NOT EXISTS DB.Public.T (\"A\" int, a int);\n"
                                            "CREATE UNLOGGED TABLE u ();\n"
                                            "CREATE FOREIGN TABLE f (x int) SERVER s OPTIONS (table_name 'f');"));
  ASSERT_EQ(rels.size(), 4u);
  EXPECT_THAT(rels[0].name, ElementsAre("sales", "Orders"));
  EXPECT_THAT(rels[0].columns, ElementsAre("a"));
  EXPECT_THAT(rels[1].name, ElementsAre("db", "public", "t"));
  EXPECT_TRUE(rels[1].if_not_exists);
  EXPECT_THAT(rels[1].columns, ElementsAre("A", "a"));
  EXPECT_TRUE(rels[2].columns.empty());
  EXPECT_THAT(rels[3].columns, ElementsAre("x"));
}

TEST(DdlTest, SkipsCommentsAndOtherStatements) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto rels, Read(R"(-- a pg_dump header; CREATE TABLE nope (x int);
\restrict abc123
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
/* a /* nested */ comment; CREATE TABLE nope (x int); */
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; CREATE TABLE nope (x int); $$;
CREATE TABLE public.t (a int, b text) WITH (fillfactor = 70) PARTITION BY RANGE (a);
COMMENT ON TABLE public.t IS 'rows; and more';
CREATE INDEX t_a ON public.t USING btree (a);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (a);
ALTER TABLE public.t ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME public.t_a_seq);
ALTER TABLE public.t OWNER TO admin;
CREATE OR REPLACE VIEW public.v AS SELECT a FROM public.t;
CREATE MATERIALIZED VIEW mv AS SELECT 1;
)"));
  ASSERT_EQ(rels.size(), 3u);
  EXPECT_THAT(rels[0].name, ElementsAre("public", "t"));
  EXPECT_THAT(rels[0].columns, ElementsAre("a", "b"));
  EXPECT_THAT(rels[1].name, ElementsAre("public", "v"));
  EXPECT_FALSE(rels[1].columns_known);
  EXPECT_THAT(rels[2].name, ElementsAre("mv"));
}

TEST(DdlTest, RefusesWhatItCannotRead) {
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a int, a text);"), "1:24: column \"a\" is defined twice");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (\n  select int);"),
            "2:3: \"select\" is a reserved word and cannot be a column name unless quoted");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a);"), "1:18: column \"a\" has no type");
  EXPECT_EQ(ErrorOf("CREATE TABLE user (a int);"),
            "1:14: \"user\" is a reserved word and cannot be a table name unless quoted");
  EXPECT_THAT(ErrorOf("CREATE TABLE t AS SELECT 1;"), HasSubstr("1:16: cannot read the columns of CREATE TABLE ... AS"));
  EXPECT_THAT(ErrorOf("CREATE TABLE t OF mytype;"), HasSubstr("1:16: cannot read the columns of CREATE TABLE ... OF"));
  EXPECT_THAT(ErrorOf("CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);"),
              HasSubstr("1:17: cannot read the columns of CREATE TABLE ... PARTITION"));
  EXPECT_THAT(ErrorOf("CREATE TABLE t (LIKE s INCLUDING ALL);"), HasSubstr("1:17: cannot read the columns"));
  EXPECT_THAT(ErrorOf("CREATE TABLE c (x int) INHERITS (p);"), HasSubstr("1:24: cannot read the columns"));
  EXPECT_THAT(ErrorOf("CREATE TABLE t (a int"), HasSubstr("unterminated column definition"));
  EXPECT_THAT(ErrorOf("CREATE TABLE t a int;"), HasSubstr("1:16: expected \"(\""));
  EXPECT_THAT(ErrorOf("CREATE TABLE (a int);"), HasSubstr("1:14: expected a table name"));
  EXPECT_THAT(ErrorOf("CREATE TABLE a.b.c.d (x int);"), HasSubstr("at most three parts"));
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a int);\nCREATE TABLE t (b int);"),
            "2:14: relation \"t\" is defined twice (first at 1:14)");
  EXPECT_THAT(ErrorOf("/* never closed"), HasSubstr("1:1:"));
  for (std::string_view alter : {"ALTER TABLE t ADD COLUMN b int;", "ALTER TABLE t ADD b int;",
                                 "ALTER TABLE t DROP COLUMN b;", "ALTER TABLE t DROP b;",
                                 "ALTER TABLE t RENAME COLUMN a TO b;", "ALTER TABLE t RENAME TO u;",
                                 "ALTER TABLE t SET SCHEMA other;", "ALTER TABLE t OWNER TO x, ADD COLUMN c int;"})
    EXPECT_THAT(ErrorOf(alter), HasSubstr("ALTER TABLE changes a table's columns or name")) << alter;
  EXPECT_THAT(ErrorOf("ALTER TABLE t OWNER TO x, ADD COLUMN c int;"), HasSubstr("1:27:"));
}

TEST(DdlTest, IfNotExistsKeepsTheFirstDefinition) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto rels, Read("CREATE TABLE t (a int); CREATE TABLE IF NOT EXISTS t (b int);"));
  ASSERT_EQ(rels.size(), 1u);
  EXPECT_THAT(rels[0].columns, ElementsAre("a"));
}

}  // namespace
}  // namespace rlsq::lint
