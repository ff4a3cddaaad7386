// Printer tests on hand-built ASTs: every node kind, quoting, the parentheses the printer adds for trees that have
// no Paren nodes, and qualify_columns_with.
#include "lib/printer/printer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/printer/ast_builder.h"

namespace rlsq {
namespace {

using namespace ast;  // NOLINT
using ::rlsq::testing::AstBuilder;

class PrinterTest : public ::testing::Test {
 protected:
  std::string P(const Node* n, const PrintOptions& o = {}) { return Print(*n, o); }
  AstBuilder b;
};

// ---- quoting ------------------------------------------------------------------------------------------------------

TEST_F(PrinterTest, IdentifiersAreQuotedOnlyWhereNeeded) {
  EXPECT_EQ(P(b.Col({"orders", "o_orderkey"})), "orders.o_orderkey");
  EXPECT_EQ(P(b.Col({"Orders"})), "\"Orders\"");
  EXPECT_EQ(P(b.Col({"SUM(o_totalprice)"})), "\"SUM(o_totalprice)\"");
  EXPECT_EQ(P(b.Col({"a\"b"})), "\"a\"\"b\"");
  EXPECT_EQ(P(b.Col({"two words"})), "\"two words\"");
  EXPECT_EQ(P(b.Col({"1abc"})), "\"1abc\"");
  // `"orders"` is the same identifier as `orders`: written bare.
  auto* quoted = b.New<ColumnRef>();
  quoted->parts.push_back(b.Id("orders", /*quoted=*/true));
  EXPECT_EQ(P(quoted), "orders");
}

TEST_F(PrinterTest, KeywordsAsIdentifiers) {
  // Reserved keywords are always quoted as column names; after a dot any keyword is a valid label.
  EXPECT_EQ(P(b.Col({"select"})), "\"select\"");
  EXPECT_EQ(P(b.Col({"t", "select"})), "t.select");
  EXPECT_EQ(P(b.Col({"from", "x"})), "\"from\".x");
  // Unreserved keywords need no quotes.
  EXPECT_EQ(P(b.Col({"year"})), "year");
  // Type/function-name keywords are valid function names but not column names.
  EXPECT_EQ(P(b.Func("left", {b.Col({"s"}), b.Int("2")})), "left(s, 2)");
  EXPECT_EQ(P(b.Col({"left"})), "\"left\"");
  // Column-name keywords are valid column names but not function names.
  EXPECT_EQ(P(b.Col({"position"})), "position");
  EXPECT_EQ(P(b.Func("position", {})), "\"position\"()");
  // Any keyword is a valid select-list label after AS.
  auto* s = b.Select({});
  s->targets.push_back(b.Item(b.Int("1"), "from"));
  s->targets.push_back(b.Item(b.Int("2"), "Total Sales"));
  EXPECT_EQ(P(s), "SELECT 1 AS from, 2 AS \"Total Sales\"");
  // Table aliases are ColId: a reserved word is quoted.
  EXPECT_EQ(P(b.Table({"orders"}, "order")), "orders AS \"order\"");
}

TEST_F(PrinterTest, StringLiterals) {
  EXPECT_EQ(P(b.Str("abc")), "'abc'");
  EXPECT_EQ(P(b.Str("it's")), "'it''s'");
  EXPECT_EQ(P(b.Str("")), "''");
  // standard_conforming_strings: a backslash is an ordinary character in '...'.
  std::string backslash = P(b.Str("a\\b"));
  EXPECT_TRUE(backslash == "'a\\b'" || backslash == "E'a\\\\b'") << backslash;
  std::string both = P(b.Str("it's a \\ test"));
  EXPECT_TRUE(both == "'it''s a \\ test'" || both == "E'it\\'s a \\\\ test'" || both == "E'it''s a \\\\ test'")
      << both;
}

TEST_F(PrinterTest, NumbersBitStringsBooleansNull) {
  EXPECT_EQ(P(b.Int("42")), "42");
  EXPECT_EQ(P(b.Lit(LiteralKind::kNumeric, "1.5e3")), "1.5e3");
  EXPECT_EQ(P(b.Lit(LiteralKind::kNumeric, ".5")), ".5");
  EXPECT_EQ(P(b.Lit(LiteralKind::kBitString, "0101")), "B'0101'");
  EXPECT_EQ(P(b.Lit(LiteralKind::kHexString, "1F")), "X'1F'");
  EXPECT_EQ(P(b.Lit(LiteralKind::kBoolean, "true")), "TRUE");
  EXPECT_EQ(P(b.Lit(LiteralKind::kBoolean, "false")), "FALSE");
  EXPECT_EQ(P(b.Lit(LiteralKind::kNull, "")), "NULL");
}

TEST_F(PrinterTest, NeverPastesTextThatIsNotWhatTheNodeSays) {
  // A "number" that is not a number is written as a string, not spliced into the SQL.
  EXPECT_EQ(P(b.Int("1 OR 1=1")), "'1 OR 1=1'");
  EXPECT_EQ(P(b.Lit(LiteralKind::kBitString, "01' OR '1")), "'01'' OR ''1'");
  // An operator that is not an operator becomes a quoted identifier: a syntax error, never a new clause.
  EXPECT_EQ(P(b.Bin("= 1; DROP TABLE t; --", b.Col({"a"}), b.Int("1"))), "a \"= 1; DROP TABLE t; --\" 1");
  auto* sf = b.New<SpecialFunc>();
  sf->name = "CURRENT_DATE; DELETE";
  sf->parens = false;
  EXPECT_EQ(P(sf), "\"CURRENT_DATE; DELETE\"");
}

// ---- expressions and precedence ---------------------------------------------------------------------------------

TEST_F(PrinterTest, ParenNodesPrintTheirParentheses) {
  auto* e = b.Bin("*", b.Par(b.Bin("+", b.Col({"a"}), b.Col({"b"}))), b.Col({"c"}));
  EXPECT_EQ(P(e), "(a + b) * c");
  EXPECT_EQ(P(b.Par(b.Par(b.Col({"a"})))), "((a))");
}

TEST_F(PrinterTest, NoParenthesesWhereThePrecedenceAlreadyGivesTheTree) {
  EXPECT_EQ(P(b.Bin("+", b.Col({"a"}), b.Bin("*", b.Col({"b"}), b.Col({"c"})))), "a + b * c");
  EXPECT_EQ(P(b.Bin("-", b.Bin("-", b.Col({"a"}), b.Col({"b"})), b.Col({"c"}))), "a - b - c");
  EXPECT_EQ(P(b.Bin("OR", b.Bin("AND", b.Col({"a"}), b.Col({"b"})), b.Col({"c"}))), "a AND b OR c");
  EXPECT_EQ(P(b.Bin("AND", b.Bin("=", b.Col({"a"}), b.Int("1")), b.Bin("<>", b.Col({"b"}), b.Int("2")))),
            "a = 1 AND b <> 2");
  EXPECT_EQ(P(b.Un("NOT", b.Bin("=", b.Col({"a"}), b.Int("1")))), "NOT a = 1");
  EXPECT_EQ(P(b.Bin("||", b.Col({"a"}), b.Bin("+", b.Col({"b"}), b.Int("1")))), "a || b + 1");
}

TEST_F(PrinterTest, AddsParenthesesAHandBuiltTreeNeeds) {
  // (a OR b) AND c, built without a Paren node (as the rewriter does when it ANDs a policy onto a WHERE).
  EXPECT_EQ(P(b.Bin("AND", b.Bin("OR", b.Col({"a"}), b.Col({"b"})), b.Col({"c"}))), "(a OR b) AND c");
  EXPECT_EQ(P(b.Bin("AND", b.Col({"c"}), b.Bin("OR", b.Col({"a"}), b.Col({"b"})))), "c AND (a OR b)");
  EXPECT_EQ(P(b.Bin("AND", b.Col({"a"}), b.Bin("AND", b.Col({"b"}), b.Col({"c"})))), "a AND (b AND c)");
  EXPECT_EQ(P(b.Bin("-", b.Col({"a"}), b.Bin("-", b.Col({"b"}), b.Col({"c"})))), "a - (b - c)");
  EXPECT_EQ(P(b.Bin("*", b.Bin("+", b.Col({"a"}), b.Col({"b"})), b.Col({"c"}))), "(a + b) * c");
  EXPECT_EQ(P(b.Bin("=", b.Bin("=", b.Col({"a"}), b.Col({"b"})), b.Lit(LiteralKind::kBoolean, "true"))),
            "(a = b) = TRUE");
  EXPECT_EQ(P(b.Un("NOT", b.Bin("AND", b.Col({"a"}), b.Col({"b"})))), "NOT (a AND b)");
  EXPECT_EQ(P(b.Un("-", b.Bin("+", b.Col({"a"}), b.Col({"b"})))), "-(a + b)");
  auto* cast = b.New<Cast>();
  cast->expr = b.Bin("+", b.Col({"a"}), b.Int("1"));
  cast->type = b.Type("text");
  cast->postgres_style = true;
  EXPECT_EQ(P(cast), "(a + 1)::text");
  cast->expr = b.Int("-1");
  EXPECT_EQ(P(cast), "(-1)::text");
  auto* is = b.New<IsTest>();
  is->expr = b.Bin("AND", b.Col({"a"}), b.Col({"b"}));
  EXPECT_EQ(P(is), "(a AND b) IS NULL");
  auto* chained = b.New<IsTest>();
  chained->expr = is;
  chained->test = IsTestKind::kTrue;
  chained->negated = true;
  EXPECT_EQ(P(chained), "(a AND b) IS NULL IS NOT TRUE");
  auto* like = b.New<Like>();
  like->expr = b.Bin("||", b.Col({"a"}), b.Col({"b"}));
  like->pattern = b.Str("x%");
  EXPECT_EQ(P(like), "a || b LIKE 'x%'");
  like->expr = b.Bin("=", b.Col({"a"}), b.Col({"b"}));
  EXPECT_EQ(P(like), "(a = b) LIKE 'x%'");
}

TEST_F(PrinterTest, UnaryOperatorsNeverFormComments) {
  EXPECT_EQ(P(b.Un("-", b.Int("-1"))), "- -1");
  EXPECT_EQ(P(b.Un("-", b.Un("-", b.Col({"a"})))), "- -a");
  EXPECT_EQ(P(b.Bin("-", b.Col({"a"}), b.Int("-1"))), "a - -1");
  EXPECT_EQ(P(b.Un("-", b.Col({"a"}))), "-a");
  EXPECT_EQ(P(b.Un("@", b.Int("-1"))), "@ -1");
  // An operator-level prefix operator may open the right operand of an operator; its operand spans + - * /.
  EXPECT_EQ(P(b.Bin("||", b.Col({"a"}), b.Un("~", b.Col({"b"})))), "a || ~b");
  EXPECT_EQ(P(b.Un("~", b.Bin("+", b.Col({"a"}), b.Col({"b"})))), "~a + b");
  EXPECT_EQ(P(b.Un("~", b.Bin("||", b.Col({"a"}), b.Col({"b"})))), "~(a || b)");
  EXPECT_EQ(P(b.Bin("+", b.Col({"a"}), b.Un("~", b.Col({"b"})))), "a + (~b)");
}

TEST_F(PrinterTest, FunctionsAndAggregates) {
  auto* count = b.Func("count", {});
  count->star = true;
  EXPECT_EQ(P(count), "count(*)");
  auto* agg = b.Func("string_agg", {b.Col({"a"}), b.Str(",")});
  agg->distinct = true;
  agg->order_by.push_back(b.Order(b.Col({"a"}), SortDir::kDesc));
  agg->filter = b.Bin(">", b.Col({"x"}), b.Int("0"));
  EXPECT_EQ(P(agg), "string_agg(DISTINCT a, ',' ORDER BY a DESC) FILTER (WHERE x > 0)");
  auto* pct = b.Func("percentile_cont", {b.Lit(LiteralKind::kNumeric, "0.5")});
  pct->has_within_group = true;
  pct->within_group.push_back(b.Order(b.Col({"v"})));
  EXPECT_EQ(P(pct), "percentile_cont(0.5) WITHIN GROUP (ORDER BY v)");
  auto* qualified = b.Func("f", {b.Col({"a"}), b.Col({"b"})});
  qualified->name.insert(qualified->name.begin(), b.Id("My Schema"));
  qualified->variadic = true;
  EXPECT_EQ(P(qualified), "\"My Schema\".f(a, VARIADIC b)");
  auto* named = b.New<NamedArg>();
  named->name = b.Id("x");
  named->value = b.Int("1");
  EXPECT_EQ(P(b.Func("make_interval", {named})), "make_interval(x => 1)");
}

TEST_F(PrinterTest, WindowFunctions) {
  auto* f = b.Func("sum", {b.Col({"x"})});
  auto* w = b.New<WindowSpec>();
  w->partition_by.push_back(b.Col({"a"}));
  w->order_by.push_back(b.Order(b.Col({"d"})));
  w->frame_mode = FrameMode::kRows;
  w->frame_between = true;
  w->start_kind = FrameBoundKind::kPreceding;
  w->start_offset = b.Int("6");
  w->end_kind = FrameBoundKind::kCurrentRow;
  w->exclusion = FrameExclusion::kTies;
  f->over = w;
  f->has_over = true;
  EXPECT_EQ(P(f), "sum(x) OVER (PARTITION BY a ORDER BY d ROWS BETWEEN 6 PRECEDING AND CURRENT ROW EXCLUDE TIES)");
  w->frame_mode = FrameMode::kRange;
  w->frame_between = false;
  w->start_kind = FrameBoundKind::kUnboundedPreceding;
  w->exclusion = FrameExclusion::kNone;
  w->partition_by.clear();
  w->ref_name = b.Id("w");
  EXPECT_EQ(P(f), "sum(x) OVER (w ORDER BY d RANGE UNBOUNDED PRECEDING)");
  auto* g = b.Func("rank", {});
  g->has_over = true;
  g->over_name = b.Id("w");
  EXPECT_EQ(P(g), "rank() OVER w");
  auto* s = b.Select({g});
  auto* def = b.New<WindowDef>();
  def->name = b.Id("w");
  def->spec = b.New<WindowSpec>();
  def->spec->order_by.push_back(b.Order(b.Col({"x"}), SortDir::kAsc));
  def->spec->order_by.back()->nulls = NullsOrder::kLast;
  s->windows.push_back(def);
  EXPECT_EQ(P(s), "SELECT rank() OVER w WINDOW w AS (ORDER BY x ASC NULLS LAST)");
}

TEST_F(PrinterTest, SpecialFunctions) {
  auto special = [&](std::string_view name, std::initializer_list<std::string_view> kws,
                     std::initializer_list<Expr*> args, bool parens = true) {
    auto* s = b.New<SpecialFunc>();
    s->name = b.arena.Intern(name);
    s->parens = parens;
    for (auto k : kws) s->keywords.push_back(b.arena.Intern(k));
    for (auto* a : args) s->args.push_back(a);
    return s;
  };
  EXPECT_EQ(P(special("EXTRACT", {"", "FROM"}, {b.Str("year"), b.Col({"d"})})), "EXTRACT(YEAR FROM d)");
  EXPECT_EQ(P(special("SUBSTRING", {"", "FROM", "FOR"}, {b.Col({"s"}), b.Int("1"), b.Int("3")})),
            "SUBSTRING(s FROM 1 FOR 3)");
  EXPECT_EQ(P(special("TRIM", {"BOTH FROM"}, {b.Col({"s"})})), "TRIM(BOTH FROM s)");
  EXPECT_EQ(P(special("TRIM", {"LEADING", "FROM"}, {b.Str("x"), b.Col({"s"})})), "TRIM(LEADING 'x' FROM s)");
  EXPECT_EQ(P(special("POSITION", {"", "IN"}, {b.Str("a"), b.Col({"s"})})), "POSITION('a' IN s)");
  EXPECT_EQ(P(special("COALESCE", {}, {b.Col({"a"}), b.Int("0")})), "COALESCE(a, 0)");
  EXPECT_EQ(P(special("NULLIF", {"", ""}, {b.Col({"a"}), b.Int("0")})), "NULLIF(a, 0)");
  EXPECT_EQ(P(special("CURRENT_DATE", {}, {}, false)), "CURRENT_DATE");
  EXPECT_EQ(P(special("CURRENT_TIMESTAMP", {}, {b.Int("3")})), "CURRENT_TIMESTAMP(3)");
  EXPECT_EQ(P(special("OVERLAY", {"", "PLACING", "FROM", "FOR"}, {b.Col({"s"}), b.Str("x"), b.Int("2"), b.Int("1")})),
            "OVERLAY(s PLACING 'x' FROM 2 FOR 1)");
}

TEST_F(PrinterTest, TypesAndCasts) {
  auto cast = [&](Expr* e, TypeName* t, bool pg) {
    auto* c = b.New<Cast>();
    c->expr = e;
    c->type = t;
    c->postgres_style = pg;
    return c;
  };
  EXPECT_EQ(P(cast(b.Col({"a"}), b.Type("numeric", {b.Int("10"), b.Int("2")}), false)), "CAST(a AS NUMERIC(10, 2))");
  EXPECT_EQ(P(cast(b.Col({"a"}), b.Type("double precision"), true)), "a::DOUBLE PRECISION");
  EXPECT_EQ(P(cast(b.Col({"a"}), b.Type("integer"), true)), "a::INTEGER");
  EXPECT_EQ(P(cast(b.Col({"a"}), b.Type("text"), true)), "a::text");
  EXPECT_EQ(P(cast(b.Col({"a"}), b.Type("character varying", {b.Int("20")}), true)), "a::CHARACTER VARYING(20)");
  EXPECT_EQ(P(cast(b.Col({"a"}), b.Type("timestamp with time zone", {b.Int("3")}), true)),
            "a::TIMESTAMP(3) WITH TIME ZONE");
  auto* arr = b.Type("int");
  arr->array_dims = 2;
  EXPECT_EQ(P(cast(b.Col({"a"}), arr, true)), "a::INT[][]");
  auto* iv = b.Type("interval");
  iv->interval_fields = "day to second";
  EXPECT_EQ(P(cast(b.Col({"a"}), iv, false)), "CAST(a AS INTERVAL DAY TO SECOND)");
  auto* user = b.New<TypeName>();
  user->name.push_back(b.Id("myschema"));
  user->name.push_back(b.Id("MyType"));
  EXPECT_EQ(P(cast(b.Col({"a"}), user, true)), "a::myschema.\"MyType\"");
  // A quoted "int" is a user type of that name, not the keyword type.
  auto* quoted_int = b.New<TypeName>();
  quoted_int->name.push_back(b.Id("int", true));
  EXPECT_EQ(P(cast(b.Col({"a"}), quoted_int, true)), "a::\"int\"");
}

TEST_F(PrinterTest, TypedLiterals) {
  auto typed = [&](TypeName* t, std::string_view v) {
    auto* l = b.New<TypedLiteral>();
    l->type = t;
    l->value = b.arena.Intern(v);
    return l;
  };
  EXPECT_EQ(P(typed(b.Type("date"), "1995-01-01")), "date '1995-01-01'");
  EXPECT_EQ(P(typed(b.Type("timestamp"), "1995-01-01 00:00:00")), "TIMESTAMP '1995-01-01 00:00:00'");
  auto* day = b.Type("interval");
  day->interval_fields = "day";
  EXPECT_EQ(P(typed(day, "1")), "INTERVAL '1' DAY");
  EXPECT_EQ(P(typed(b.Type("interval"), "3 months")), "INTERVAL '3 months'");
  EXPECT_EQ(P(typed(b.Type("interval", {b.Int("3")}), "1 day")), "INTERVAL(3) '1 day'");
  EXPECT_EQ(P(typed(b.Type("text"), "it's")), "text 'it''s'");
}

TEST_F(PrinterTest, PredicatesAndConstructors) {
  auto* in = b.New<InList>();
  in->expr = b.Col({"a"});
  in->negated = true;
  in->list = {b.Int("1"), b.Int("2")};
  EXPECT_EQ(P(in), "a NOT IN (1, 2)");
  auto* bt = b.New<Between>();
  bt->expr = b.Col({"a"});
  bt->symmetric = true;
  bt->low = b.Int("1");
  bt->high = b.Bin("+", b.Col({"b"}), b.Int("1"));
  EXPECT_EQ(P(bt), "a BETWEEN SYMMETRIC 1 AND b + 1");
  auto* is = b.New<IsTest>();
  is->expr = b.Col({"a"});
  is->test = IsTestKind::kDistinctFrom;
  is->negated = true;
  is->rhs = b.Col({"b"});
  EXPECT_EQ(P(is), "a IS NOT DISTINCT FROM b");
  is->test = IsTestKind::kUnknown;
  is->negated = false;
  EXPECT_EQ(P(is), "a IS UNKNOWN");
  is->test = IsTestKind::kNotNullPostfix;
  EXPECT_EQ(P(is), "a NOTNULL");
  auto* like = b.New<Like>();
  like->expr = b.Col({"a"});
  like->like_kind = LikeKind::kSimilarTo;
  like->negated = true;
  like->pattern = b.Str("x_");
  like->escape = b.Str("!");
  EXPECT_EQ(P(like), "a NOT SIMILAR TO 'x_' ESCAPE '!'");
  auto* q = b.New<Quantified>();
  q->lhs = b.Col({"a"});
  q->op = "=";
  q->quantifier = Quantifier::kAll;
  auto* arr = b.New<ArrayCtor>();
  auto* inner = b.New<ArrayCtor>();
  inner->keyword = false;
  inner->elements = {b.Int("1"), b.Int("2")};
  arr->elements = {inner};
  q->rhs = arr;
  EXPECT_EQ(P(q), "a = ALL (ARRAY[[1, 2]])");
  auto* row = b.New<RowCtor>();
  row->elements = {b.Col({"a"}), b.Col({"b"})};
  EXPECT_EQ(P(row), "(a, b)");
  row->explicit_row = true;
  EXPECT_EQ(P(row), "ROW(a, b)");
  auto* sub = b.New<Subscript>();
  sub->expr = b.Col({"arr"});
  sub->lower = b.Int("1");
  sub->slice = true;
  EXPECT_EQ(P(sub), "arr[1:]");
  sub->expr = b.Bin("||", b.Col({"a"}), b.Col({"b"}));
  EXPECT_EQ(P(sub), "(a || b)[1:]");
  auto* cast = b.New<Cast>();
  cast->expr = b.Col({"x"});
  cast->type = b.Type("int");
  cast->postgres_style = true;
  sub->expr = cast;
  EXPECT_EQ(P(sub), "(x::INT)[1:]");
  auto* fa = b.New<FieldAccess>();
  fa->expr = b.Par(b.Col({"c"}));
  fa->field = b.Id("Street");
  EXPECT_EQ(P(fa), "(c).\"Street\"");
  fa->star = true;
  EXPECT_EQ(P(fa), "(c).*");
  auto* col = b.New<Collate>();
  col->expr = b.Col({"name"});
  col->collation.push_back(b.Id("C"));
  EXPECT_EQ(P(col), "name COLLATE \"C\"");
  auto* prm = b.New<Param>();
  prm->index = 2;
  EXPECT_EQ(P(b.Bin("=", b.Col({"a"}), prm)), "a = $2");
  auto* cs = b.New<Case>();
  auto* w = b.New<CaseWhen>();
  w->when = b.Int("1");
  w->then = b.Str("one");
  cs->operand = b.Col({"x"});
  cs->whens.push_back(w);
  cs->else_expr = b.Str("many");
  EXPECT_EQ(P(cs), "CASE x WHEN 1 THEN 'one' ELSE 'many' END");
  EXPECT_EQ(P(b.Col({"t"}, true)), "t.*");
  EXPECT_EQ(P(b.Col({}, true)), "*");
}

TEST_F(PrinterTest, Subqueries) {
  auto* sq = b.New<SubqueryExpr>();
  sq->query = b.Select({b.Int("1")});
  EXPECT_EQ(P(sq), "(SELECT 1)");
  sq->subquery_kind = SubqueryKind::kExists;
  EXPECT_EQ(P(b.Un("NOT", sq)), "NOT EXISTS (SELECT 1)");
  sq->subquery_kind = SubqueryKind::kArray;
  EXPECT_EQ(P(sq), "ARRAY(SELECT 1)");
  sq->subquery_kind = SubqueryKind::kIn;
  sq->lhs = b.Col({"a"});
  sq->negated = true;
  EXPECT_EQ(P(sq), "a NOT IN (SELECT 1)");
  sq->subquery_kind = SubqueryKind::kAny;
  sq->op = ">";
  EXPECT_EQ(P(sq), "a > ANY (SELECT 1)");
}

// ---- queries ------------------------------------------------------------------------------------------------------

TEST_F(PrinterTest, SelectClauses) {
  auto* s = b.Select({b.Col({"a"})}, {b.Table({"public", "orders"}, "o")}, b.Bin(">", b.Col({"a"}), b.Int("1")));
  s->distinct = DistinctKind::kDistinctOn;
  s->distinct_on.push_back(b.Col({"a"}));
  s->group_by.push_back(b.Col({"a"}));
  auto* gs = b.New<GroupingSet>();
  gs->set_kind = GroupingSetKind::kSets;
  auto* empty = b.New<GroupingSet>();
  auto* pair = b.New<RowCtor>();
  pair->elements = {b.Col({"a"}), b.Col({"b"})};
  gs->elements = {pair, empty};
  s->group_by.push_back(gs);
  auto* count_star = b.Func("count", {});
  count_star->star = true;
  s->having = b.Bin(">", count_star, b.Int("1"));
  s->order_by.push_back(b.Order(b.Col({"a"}), SortDir::kDesc));
  s->order_by.back()->nulls = NullsOrder::kFirst;
  s->limit_syntax = LimitSyntax::kLimit;
  s->limit = b.Int("10");
  s->offset = b.Int("5");
  EXPECT_EQ(P(s),
            "SELECT DISTINCT ON (a) a FROM public.orders AS o WHERE a > 1 GROUP BY a, GROUPING SETS ((a, b), ()) "
            "HAVING count(*) > 1 ORDER BY a DESC NULLS FIRST LIMIT 10 OFFSET 5");
  s->limit_syntax = LimitSyntax::kFetchFirstWithTies;
  EXPECT_EQ(P(s).substr(P(s).find(" ORDER")), " ORDER BY a DESC NULLS FIRST OFFSET 5 ROWS FETCH FIRST 10 ROWS WITH TIES");
  s->limit_syntax = LimitSyntax::kLimitAll;
  s->limit = nullptr;
  s->offset = nullptr;
  EXPECT_TRUE(P(s).ends_with(" LIMIT ALL"));
  auto* rollup = b.New<GroupingSet>();
  rollup->set_kind = GroupingSetKind::kRollup;
  rollup->elements = {b.Col({"a"}), b.Col({"b"})};
  EXPECT_EQ(P(rollup), "ROLLUP (a, b)");
  rollup->set_kind = GroupingSetKind::kCube;
  EXPECT_EQ(P(rollup), "CUBE (a, b)");
  auto* none = b.Select({});
  none->from.push_back(b.Table({"t"}));
  EXPECT_EQ(P(none), "SELECT FROM t");
}

TEST_F(PrinterTest, WithValuesTable) {
  auto* cte = b.New<CommonTableExpr>();
  cte->name = b.Id("Top");
  cte->columns = {b.Id("k")};
  cte->materialized = Materialized::kNotMaterialized;
  auto* values = b.New<ValuesNode>();
  auto* r1 = b.New<RowCtor>();
  r1->elements = {b.Int("1")};
  auto* r2 = b.New<RowCtor>();
  r2->elements = {b.Int("2")};
  values->rows = {r1, r2};
  cte->query = values;
  auto* with = b.New<WithClause>();
  with->recursive = true;
  with->ctes.push_back(cte);
  auto* tq = b.New<TableQueryNode>();
  tq->table = b.Table({"Top"});
  tq->with = with;
  EXPECT_EQ(P(tq), "WITH RECURSIVE \"Top\"(k) AS NOT MATERIALIZED (VALUES (1), (2)) TABLE \"Top\"");
}

TEST_F(PrinterTest, SetOperations) {
  auto setop = [&](SetOpKind k, QueryNode* l, QueryNode* r, bool all = false) {
    auto* s = b.New<SetOpNode>();
    s->op = k;
    s->left = l;
    s->right = r;
    s->all = all;
    return s;
  };
  auto one = [&](const char* v) { return b.Select({b.Int(v)}); };
  EXPECT_EQ(P(setop(SetOpKind::kUnion, setop(SetOpKind::kUnion, one("1"), one("2")), one("3"), true)),
            "SELECT 1 UNION SELECT 2 UNION ALL SELECT 3");
  // Right-nested or looser operands need parentheses to keep the tree.
  EXPECT_EQ(P(setop(SetOpKind::kExcept, one("1"), setop(SetOpKind::kUnion, one("2"), one("3")))),
            "SELECT 1 EXCEPT (SELECT 2 UNION SELECT 3)");
  EXPECT_EQ(P(setop(SetOpKind::kIntersect, setop(SetOpKind::kUnion, one("1"), one("2")), one("3"))),
            "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
  EXPECT_EQ(P(setop(SetOpKind::kUnion, one("1"), setop(SetOpKind::kIntersect, one("2"), one("3")))),
            "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3");
  // An operand with its own ORDER BY / LIMIT is parenthesized; the set operation's own ORDER BY follows.
  auto* limited = one("2");
  limited->order_by.push_back(b.Order(b.Int("1")));
  limited->limit_syntax = LimitSyntax::kLimit;
  limited->limit = b.Int("1");
  auto* u = setop(SetOpKind::kUnion, one("1"), limited);
  u->distinct_keyword = true;
  u->order_by.push_back(b.Order(b.Int("1")));
  EXPECT_EQ(P(u), "SELECT 1 UNION DISTINCT (SELECT 2 ORDER BY 1 LIMIT 1) ORDER BY 1");
  auto* paren = one("4");
  paren->parenthesized = true;
  EXPECT_EQ(P(setop(SetOpKind::kUnion, paren, one("5"))), "(SELECT 4) UNION SELECT 5");
}

TEST_F(PrinterTest, TableReferences) {
  auto* only = b.Table({"orders"});
  only->only = true;
  EXPECT_EQ(P(only), "ONLY orders");
  auto* star = b.Table({"orders"});
  star->star = true;
  EXPECT_EQ(P(star), "orders *");
  auto* dt = b.New<DerivedTableRef>();
  dt->lateral = true;
  dt->query = b.Select({b.Int("1")});
  dt->alias = b.Alias("x", {"a"});
  EXPECT_EQ(P(dt), "LATERAL (SELECT 1) AS x(a)");
  auto* ft = b.New<FunctionTableRef>();
  ft->functions.push_back(b.Func("generate_series", {b.Int("1"), b.Int("3")}));
  ft->with_ordinality = true;
  ft->alias = b.Alias("g", {"n", "i"});
  EXPECT_EQ(P(ft), "generate_series(1, 3) WITH ORDINALITY AS g(n, i)");
  ft->rows_from = true;
  ft->lateral = true;
  ft->functions.push_back(b.Func("unnest", {b.Col({"arr"})}));
  EXPECT_EQ(P(ft), "LATERAL ROWS FROM (generate_series(1, 3), unnest(arr)) WITH ORDINALITY AS g(n, i)");
}

TEST_F(PrinterTest, Joins) {
  auto join = [&](JoinKind k, TableRef* l, TableRef* r, Expr* on = nullptr) {
    auto* j = b.New<JoinRef>();
    j->join_kind = k;
    j->left = l;
    j->right = r;
    j->on = on;
    return j;
  };
  auto* j1 = join(JoinKind::kInner, b.Table({"a"}), b.Table({"b"}), b.Bin("=", b.Col({"a", "x"}), b.Col({"b", "x"})));
  EXPECT_EQ(P(j1), "a JOIN b ON a.x = b.x");
  auto* j2 = join(JoinKind::kLeft, j1, b.Table({"c"}));
  j2->has_using = true;
  j2->using_columns = {b.Id("x"), b.Id("y")};
  j2->using_alias = b.Alias("j");
  EXPECT_EQ(P(j2), "a JOIN b ON a.x = b.x LEFT JOIN c USING (x, y) AS j");
  auto* nat = join(JoinKind::kFull, b.Table({"a"}), b.Table({"b"}));
  nat->natural = true;
  EXPECT_EQ(P(nat), "a NATURAL FULL JOIN b");
  auto* cross = join(JoinKind::kCross, b.Table({"a"}), b.Table({"b"}));
  EXPECT_EQ(P(cross), "a CROSS JOIN b");
  // A join on the right of a join is parenthesized; a parenthesized join may carry an alias.
  auto* right = join(JoinKind::kRight, b.Table({"a"}), join(JoinKind::kCross, b.Table({"b"}), b.Table({"c"})),
                     b.Lit(LiteralKind::kBoolean, "true"));
  EXPECT_EQ(P(right), "a RIGHT JOIN (b CROSS JOIN c) ON TRUE");
  auto* aliased = join(JoinKind::kInner, b.Table({"a"}), b.Table({"b"}), b.Lit(LiteralKind::kBoolean, "true"));
  aliased->parenthesized = true;
  aliased->alias = b.Alias("j");
  EXPECT_EQ(P(aliased), "(a JOIN b ON TRUE) AS j");
}

// ---- qualify_columns_with -----------------------------------------------------------------------------------------

TEST_F(PrinterTest, QualifyColumnsWith) {
  PrintOptions o;
  o.qualify_columns_with = "o";
  auto* e = b.Bin("AND", b.Bin("=", b.Col({"region"}), b.Str("EU")), b.Bin("=", b.Col({"t", "x"}), b.Col({"y"})));
  EXPECT_EQ(P(e, o), "o.region = 'EU' AND t.x = o.y");
  o.qualify_columns_with = "My Orders";
  EXPECT_EQ(P(b.Col({"region"}), o), "\"My Orders\".region");
  o.qualify_columns_with = "select";
  EXPECT_EQ(P(b.Col({"from"}), o), "\"select\".from");
  // Stars, qualified names and columns inside subqueries are left alone.
  o.qualify_columns_with = "o";
  EXPECT_EQ(P(b.Col({}, true), o), "*");
  auto* sq = b.New<SubqueryExpr>();
  sq->subquery_kind = SubqueryKind::kIn;
  sq->lhs = b.Col({"cust"});
  sq->query = b.Select({b.Col({"id"})}, {b.Table({"customers"})}, b.Bin("=", b.Col({"region"}), b.Str("EU")));
  EXPECT_EQ(P(sq, o), "o.cust IN (SELECT id FROM customers WHERE region = 'EU')");
  auto* exists = b.New<SubqueryExpr>();
  exists->subquery_kind = SubqueryKind::kExists;
  exists->query = b.Select({b.Int("1")}, {}, b.Bin("=", b.Col({"a"}), b.Col({"b"})));
  EXPECT_EQ(P(b.Bin("OR", b.Col({"flag"}), exists), o), "o.flag OR EXISTS (SELECT 1 WHERE a = b)");
  // Inside function calls, CASE, casts ... (not subqueries) columns are qualified.
  auto* f = b.Func("lower", {b.Col({"name"})});
  EXPECT_EQ(P(b.Bin("=", f, b.Col({"x"})), o), "lower(o.name) = o.x");
  // Without the option nothing is qualified.
  EXPECT_EQ(P(e), "region = 'EU' AND t.x = y");
}

}  // namespace
}  // namespace rlsq
