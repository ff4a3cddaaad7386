// Parser front end: AST shapes and spans for every construct, refusals, error messages and positions, depth limits.
#include "lib/parser/parser.h"

#include <string>
#include <thread>

#include "lib/ast/ast_util.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;
using namespace ast;  // NOLINT

std::unique_ptr<ParsedQuery> Parse(std::string_view sql) {
  auto r = ParseQuery(sql);
  EXPECT_TRUE(r.ok()) << sql << "\n" << r.status();
  return r.ok() ? std::move(r).value() : nullptr;
}

// The text a span covers.
std::string_view At(const ParsedQuery& q, Span s) { return std::string_view(q.sql).substr(s.begin, s.end - s.begin); }

SelectNode& Sel(ParsedQuery& q) { return q.query->Cast<SelectNode>(); }
Expr* Target(ParsedQuery& q, size_t i = 0) { return Sel(q).targets.at(i)->expr; }

// Parses `SELECT <expr>` and returns the expression.
struct ExprParse {
  std::unique_ptr<ParsedQuery> q;
  Expr* e = nullptr;
  std::string_view Text(const Node* n) const { return At(*q, n->span); }
};
ExprParse E(std::string_view expr) {
  ExprParse p;
  p.q = Parse(std::string("SELECT ") + std::string(expr));
  if (p.q) p.e = Target(*p.q);
  return p;
}

std::string Error(std::string_view sql, const ParseOptions& options = {}) {
  auto r = ParseQuery(sql, options);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? "" : std::string(r.status().message());
}

// ---- basic SELECT, spans -----------------------------------------------------------------------------------------

TEST(Parser, SimpleSelectWithJoinAndSpans) {
  auto q = Parse("SELECT a, t.b AS x, u.* FROM t JOIN u ON t.id = u.id WHERE a > 1;");
  ASSERT_TRUE(q);
  auto& s = Sel(*q);
  EXPECT_EQ(At(*q, q->statement), "SELECT a, t.b AS x, u.* FROM t JOIN u ON t.id = u.id WHERE a > 1");
  ASSERT_EQ(s.targets.size(), 3u);
  auto& a = s.targets[0]->expr->Cast<ColumnRef>();
  EXPECT_EQ(a.parts[0].text, "a");
  auto& tb = s.targets[1]->expr->Cast<ColumnRef>();
  ASSERT_EQ(tb.parts.size(), 2u);
  EXPECT_EQ(At(*q, tb.span), "t.b");
  EXPECT_EQ(At(*q, tb.parts[1].span), "b");
  EXPECT_TRUE(s.targets[1]->has_alias);
  EXPECT_EQ(s.targets[1]->alias.text, "x");
  auto& star = s.targets[2]->expr->Cast<ColumnRef>();
  EXPECT_TRUE(star.star);
  EXPECT_EQ(At(*q, star.span), "u.*");
  ASSERT_EQ(s.from.size(), 1u);
  auto& j = s.from[0]->Cast<JoinRef>();
  EXPECT_EQ(j.join_kind, JoinKind::kInner);
  EXPECT_EQ(At(*q, j.span), "t JOIN u ON t.id = u.id");
  EXPECT_EQ(j.left->Cast<BaseTableRef>().name[0].text, "t");
  EXPECT_EQ(At(*q, j.on->span), "t.id = u.id");
  EXPECT_EQ(At(*q, s.from_span), "FROM t JOIN u ON t.id = u.id");
  EXPECT_EQ(At(*q, s.where_span), "WHERE a > 1");
  EXPECT_EQ(At(*q, s.where->span), "a > 1");
  EXPECT_EQ(s.where->Cast<BinaryOp>().op, ">");
}

TEST(Parser, NoFromNoWhereSpansEmpty) {
  auto q = Parse("SELECT 1");
  ASSERT_TRUE(q);
  EXPECT_TRUE(Sel(*q).from_span.empty());
  EXPECT_TRUE(Sel(*q).where_span.empty());
  EXPECT_EQ(Target(*q)->Cast<Literal>().literal_kind, LiteralKind::kInteger);
}

TEST(Parser, IdentifiersFoldedAndQuoted) {
  auto q = Parse(R"(SELECT "MixedCase", Plain FROM "My Table" AS "T")");
  ASSERT_TRUE(q);
  auto& s = Sel(*q);
  auto& m = s.targets[0]->expr->Cast<ColumnRef>();
  EXPECT_EQ(m.parts[0].text, "MixedCase");
  EXPECT_TRUE(m.parts[0].quoted);
  EXPECT_EQ(At(*q, m.parts[0].span), "\"MixedCase\"");
  EXPECT_EQ(s.targets[1]->expr->Cast<ColumnRef>().parts[0].text, "plain");
  auto& t = s.from[0]->Cast<BaseTableRef>();
  EXPECT_EQ(t.name[0].text, "My Table");
  EXPECT_TRUE(t.alias->as_keyword);
  EXPECT_EQ(t.alias->name.text, "T");
}

TEST(Parser, QualifiedTableNamesOnlyAndStar) {
  auto q = Parse("SELECT * FROM public.orders o, ONLY db.s.t, u * x");
  ASSERT_TRUE(q);
  auto& s = Sel(*q);
  ASSERT_EQ(s.from.size(), 3u);
  auto& a = s.from[0]->Cast<BaseTableRef>();
  EXPECT_EQ(JoinName(a.name), "public.orders");
  EXPECT_EQ(a.alias->name.text, "o");
  EXPECT_FALSE(a.alias->as_keyword);
  auto& b = s.from[1]->Cast<BaseTableRef>();
  EXPECT_TRUE(b.only);
  EXPECT_EQ(b.name.size(), 3u);
  EXPECT_TRUE(s.from[2]->Cast<BaseTableRef>().star);
  EXPECT_THAT(Error("SELECT * FROM a.b.c.d"), HasSubstr("too many dotted names"));
}

TEST(Parser, AliasRules) {
  // Without AS: identifiers and bare-label keywords; col_name and reserved keywords need AS.
  auto q = Parse("SELECT a b, a AS select, a value, a \"from\" FROM t");
  ASSERT_TRUE(q);
  EXPECT_EQ(Sel(*q).targets[1]->alias.text, "select");
  EXPECT_EQ(Sel(*q).targets[2]->alias.text, "value");
  EXPECT_EQ(Sel(*q).targets[3]->alias.text, "from");
  EXPECT_THAT(Error("SELECT a from"), HasSubstr("syntax error at end of input"));
  EXPECT_EQ(Error("SELECT a over FROM t"), "1:10: syntax error at or near \"over\"");  // as PostgreSQL
  // Table aliases: ColId (no AS needed for unreserved / col_name keywords); type_func_name keywords are join words.
  auto j = Parse("SELECT * FROM t year LEFT JOIN u ON true");
  ASSERT_TRUE(j);
  EXPECT_EQ(Sel(*j).from[0]->Cast<JoinRef>().left->alias->name.text, "year");
  // Reserved words are not column names; unreserved and col_name keywords are.
  EXPECT_TRUE(Parse("SELECT year, name, position FROM t"));
  EXPECT_THAT(Error("SELECT select FROM t"), HasSubstr("1:8: syntax error at or near \"select\""));
  // type_func_name keywords are function names but not column names.
  EXPECT_TRUE(Parse("SELECT left(a, 2), right(a, 1) FROM t"));
  EXPECT_THAT(Error("SELECT left FROM t"), HasSubstr("syntax error"));
}

// ---- DISTINCT, GROUP BY, HAVING, ORDER BY, LIMIT --------------------------------------------------------------

TEST(Parser, DistinctAndDistinctOn) {
  auto q = Parse("SELECT DISTINCT ON (a, b) a, c FROM t");
  ASSERT_TRUE(q);
  EXPECT_EQ(Sel(*q).distinct, DistinctKind::kDistinctOn);
  EXPECT_EQ(Sel(*q).distinct_on.size(), 2u);
  EXPECT_EQ(Sel(*Parse("SELECT DISTINCT a FROM t")).distinct, DistinctKind::kDistinct);
  EXPECT_EQ(Sel(*Parse("SELECT ALL a FROM t")).distinct, DistinctKind::kAll);
}

TEST(Parser, GroupingSetsRollupCube) {
  auto q = Parse("SELECT a FROM t GROUP BY ROLLUP (a, (b, c)), CUBE (d), GROUPING SETS ((a), (), b), (), e HAVING count(*) > 1");
  ASSERT_TRUE(q);
  auto& g = Sel(*q).group_by;
  ASSERT_EQ(g.size(), 5u);
  auto& r = g[0]->Cast<GroupingSet>();
  EXPECT_EQ(r.set_kind, GroupingSetKind::kRollup);
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[1]->Cast<RowCtor>().elements.size(), 2u);
  EXPECT_EQ(g[1]->Cast<GroupingSet>().set_kind, GroupingSetKind::kCube);
  auto& sets = g[2]->Cast<GroupingSet>();
  EXPECT_EQ(sets.set_kind, GroupingSetKind::kSets);
  ASSERT_EQ(sets.elements.size(), 3u);
  EXPECT_TRUE(sets.elements[0]->Is<Paren>());
  EXPECT_EQ(sets.elements[1]->Cast<GroupingSet>().set_kind, GroupingSetKind::kEmpty);
  EXPECT_EQ(g[3]->Cast<GroupingSet>().set_kind, GroupingSetKind::kEmpty);
  EXPECT_TRUE(g[4]->Is<ColumnRef>());
  EXPECT_TRUE(Sel(*q).having->Is<BinaryOp>());
  EXPECT_FALSE(Sel(*q).group_by_distinct);
  auto d = Parse("SELECT a, b FROM t GROUP BY DISTINCT ROLLUP (a, b), CUBE (a)");
  ASSERT_TRUE(d);
  EXPECT_TRUE(Sel(*d).group_by_distinct);
  EXPECT_EQ(Sel(*d).group_by.size(), 2u);
  auto all = Parse("SELECT a FROM t GROUP BY ALL a");
  ASSERT_TRUE(all);
  EXPECT_FALSE(Sel(*all).group_by_distinct);
}

TEST(Parser, OrderByLimitOffsetFetch) {
  auto q = Parse("SELECT a FROM t ORDER BY a DESC NULLS LAST, b ASC, c USING <, d NULLS FIRST LIMIT 10 OFFSET 5");
  ASSERT_TRUE(q);
  auto& o = q->query->order_by;
  ASSERT_EQ(o.size(), 4u);
  EXPECT_EQ(o[0]->dir, SortDir::kDesc);
  EXPECT_EQ(o[0]->nulls, NullsOrder::kLast);
  EXPECT_EQ(o[1]->dir, SortDir::kAsc);
  EXPECT_EQ(o[2]->dir, SortDir::kUsing);
  EXPECT_EQ(o[2]->using_op, "<");
  EXPECT_EQ(o[3]->nulls, NullsOrder::kFirst);
  EXPECT_EQ(q->query->limit_syntax, LimitSyntax::kLimit);
  EXPECT_EQ(q->query->limit->Cast<Literal>().value, "10");
  EXPECT_EQ(q->query->offset->Cast<Literal>().value, "5");
  EXPECT_EQ(At(*q, q->query->span), q->sql);

  auto all = Parse("SELECT a FROM t LIMIT ALL");
  EXPECT_EQ(all->query->limit_syntax, LimitSyntax::kLimitAll);
  EXPECT_EQ(all->query->limit, nullptr);
  auto f = Parse("SELECT a FROM t ORDER BY a OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY");
  EXPECT_EQ(f->query->limit_syntax, LimitSyntax::kFetchFirst);
  EXPECT_EQ(f->query->limit->Cast<Literal>().value, "3");
  auto ties = Parse("SELECT a FROM t ORDER BY a FETCH NEXT ROW WITH TIES");
  EXPECT_EQ(ties->query->limit_syntax, LimitSyntax::kFetchFirstWithTies);
  EXPECT_EQ(ties->query->limit, nullptr);
  EXPECT_THAT(Error("SELECT a FROM t LIMIT 1 LIMIT 2"), HasSubstr("multiple LIMIT clauses not allowed"));
  EXPECT_THAT(Error("(SELECT a FROM t ORDER BY a) ORDER BY a"), HasSubstr("multiple ORDER BY clauses"));
}

// ---- set operations, VALUES, TABLE, WITH -----------------------------------------------------------------------

TEST(Parser, SetOperationsPrecedenceAndParens) {
  auto q = Parse("SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3 EXCEPT DISTINCT (SELECT 4 ORDER BY 1 LIMIT 1) ORDER BY 1 LIMIT 2");
  ASSERT_TRUE(q);
  auto& top = q->query->Cast<SetOpNode>();
  EXPECT_EQ(top.op, SetOpKind::kExcept);
  EXPECT_TRUE(top.distinct_keyword);
  EXPECT_EQ(top.order_by.size(), 1u);
  EXPECT_EQ(top.limit_syntax, LimitSyntax::kLimit);
  auto& u = top.left->Cast<SetOpNode>();
  EXPECT_EQ(u.op, SetOpKind::kUnion);
  EXPECT_TRUE(u.all);
  EXPECT_EQ(u.right->Cast<SetOpNode>().op, SetOpKind::kIntersect);
  auto& right = top.right->Cast<SelectNode>();
  EXPECT_TRUE(right.parenthesized);
  EXPECT_EQ(right.order_by.size(), 1u);
  EXPECT_EQ(At(*q, right.span), "(SELECT 4 ORDER BY 1 LIMIT 1)");
}

TEST(Parser, ValuesAndTable) {
  auto q = Parse("VALUES (1, 'a'), (2, 'b') ORDER BY 1");
  ASSERT_TRUE(q);
  auto& v = q->query->Cast<ValuesNode>();
  ASSERT_EQ(v.rows.size(), 2u);
  EXPECT_EQ(v.rows[1]->elements[1]->Cast<Literal>().value, "b");
  EXPECT_EQ(v.order_by.size(), 1u);
  auto t = Parse("TABLE public.orders");
  EXPECT_EQ(JoinName(t->query->Cast<TableQueryNode>().table->name), "public.orders");
  auto f = Parse("SELECT * FROM (VALUES (1), (2)) AS v(x)");
  auto& d = Sel(*f).from[0]->Cast<DerivedTableRef>();
  EXPECT_TRUE(d.query->Is<ValuesNode>());
  EXPECT_EQ(d.alias->columns.size(), 1u);
}

TEST(Parser, WithRecursiveMaterialized) {
  auto q = Parse("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), "
                 "m AS MATERIALIZED (SELECT 1), nm AS NOT MATERIALIZED (SELECT 2) SELECT * FROM r");
  ASSERT_TRUE(q);
  auto* w = q->query->with;
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->recursive);
  ASSERT_EQ(w->ctes.size(), 3u);
  EXPECT_EQ(w->ctes[0]->name.text, "r");
  EXPECT_EQ(w->ctes[0]->columns.size(), 1u);
  EXPECT_TRUE(w->ctes[0]->query->Is<SetOpNode>());
  EXPECT_EQ(w->ctes[1]->materialized, Materialized::kMaterialized);
  EXPECT_EQ(w->ctes[2]->materialized, Materialized::kNotMaterialized);
  EXPECT_EQ(At(*q, q->query->span), q->sql);
  auto nested = Parse("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) y");
  EXPECT_NE(Sel(*nested).from[0]->Cast<DerivedTableRef>().query->with, nullptr);
}

// ---- joins ------------------------------------------------------------------------------------------------------

TEST(Parser, EveryJoinKind) {
  auto q = Parse("SELECT * FROM a LEFT OUTER JOIN b ON a.x = b.x RIGHT JOIN c USING (x, y) FULL JOIN d ON true "
                 "CROSS JOIN e NATURAL LEFT JOIN f INNER JOIN g USING (z) AS j, h");
  ASSERT_TRUE(q);
  auto& s = Sel(*q);
  ASSERT_EQ(s.from.size(), 2u);
  auto& g = s.from[0]->Cast<JoinRef>();
  EXPECT_EQ(g.join_kind, JoinKind::kInner);
  EXPECT_TRUE(g.has_using);
  ASSERT_NE(g.using_alias, nullptr);
  EXPECT_EQ(g.using_alias->name.text, "j");
  auto& f = g.left->Cast<JoinRef>();
  EXPECT_TRUE(f.natural);
  EXPECT_EQ(f.join_kind, JoinKind::kLeft);
  auto& e = f.left->Cast<JoinRef>();
  EXPECT_EQ(e.join_kind, JoinKind::kCross);
  auto& d = e.left->Cast<JoinRef>();
  EXPECT_EQ(d.join_kind, JoinKind::kFull);
  auto& c = d.left->Cast<JoinRef>();
  EXPECT_EQ(c.join_kind, JoinKind::kRight);
  EXPECT_EQ(c.using_columns.size(), 2u);
  auto& b = c.left->Cast<JoinRef>();
  EXPECT_EQ(b.join_kind, JoinKind::kLeft);
  EXPECT_EQ(At(*q, b.span), "a LEFT OUTER JOIN b ON a.x = b.x");
}

TEST(Parser, ParenthesizedJoinTreesAndLateral) {
  auto q = Parse("SELECT * FROM (a JOIN (b JOIN c ON true) ON true) AS abc(x, y), "
                 "LATERAL (SELECT * FROM d WHERE d.x = a.x) l, LATERAL generate_series(1, a.n) AS g(i)");
  ASSERT_TRUE(q);
  auto& s = Sel(*q);
  auto& abc = s.from[0]->Cast<JoinRef>();
  EXPECT_TRUE(abc.parenthesized);
  EXPECT_EQ(abc.alias->name.text, "abc");
  EXPECT_EQ(abc.alias->columns.size(), 2u);
  EXPECT_EQ(At(*q, abc.span), "(a JOIN (b JOIN c ON true) ON true) AS abc(x, y)");
  EXPECT_TRUE(abc.right->Cast<JoinRef>().parenthesized);
  auto& l = s.from[1]->Cast<DerivedTableRef>();
  EXPECT_TRUE(l.lateral);
  EXPECT_EQ(l.alias->name.text, "l");
  auto& g = s.from[2]->Cast<FunctionTableRef>();
  EXPECT_TRUE(g.lateral);
  EXPECT_EQ(g.functions[0]->Cast<FuncCall>().name[0].text, "generate_series");
  EXPECT_EQ(g.alias->columns[0].text, "i");
}

TEST(Parser, NestedJoinsWithoutParentheses) {
  // PostgreSQL reads a JOIN b JOIN c ON x ON y as a JOIN (b JOIN c ON x) ON y.
  auto q = Parse("SELECT * FROM a LEFT JOIN b JOIN c ON c.k = b.k ON b.k = a.k JOIN d ON d.k = a.k");
  ASSERT_TRUE(q);
  auto& top = Sel(*q).from[0]->Cast<JoinRef>();  // (a LEFT JOIN (b JOIN c ...) ON ...) JOIN d ON ...
  EXPECT_EQ(top.right->Cast<BaseTableRef>().name[0].text, "d");
  EXPECT_EQ(At(*q, top.on->span), "d.k = a.k");
  auto& outer = top.left->Cast<JoinRef>();
  EXPECT_EQ(outer.join_kind, JoinKind::kLeft);
  EXPECT_EQ(outer.left->Cast<BaseTableRef>().name[0].text, "a");
  EXPECT_EQ(At(*q, outer.on->span), "b.k = a.k");
  auto& inner = outer.right->Cast<JoinRef>();
  EXPECT_TRUE(inner.parenthesized);  // the form it means
  EXPECT_EQ(inner.join_kind, JoinKind::kInner);
  EXPECT_EQ(At(*q, inner.on->span), "c.k = b.k");
  // Three deep, and USING inside.
  auto deep = Parse("SELECT * FROM a JOIN b JOIN c JOIN d USING (k) ON c.k = b.k ON b.k = a.k");
  ASSERT_TRUE(deep);
  auto& d1 = Sel(*deep).from[0]->Cast<JoinRef>().right->Cast<JoinRef>().right->Cast<JoinRef>();
  EXPECT_TRUE(d1.has_using);
  // Each qualified join needs its own condition, as in PostgreSQL.
  EXPECT_THAT(Error("SELECT * FROM a JOIN b JOIN c ON true"), HasSubstr("syntax error at end of input"));
  EXPECT_THAT(Error("SELECT * FROM a JOIN b CROSS JOIN c"), HasSubstr("syntax error at end of input"));
}

TEST(Parser, SearchAndCycleClauses) {
  auto q = Parse("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SEARCH BREADTH FIRST BY n SET o "
                 "CYCLE n SET c TO 'y' DEFAULT 'n' USING p SELECT * FROM t");
  ASSERT_TRUE(q);
  const CommonTableExpr& cte = *q->query->with->ctes[0];
  EXPECT_TRUE(cte.search);
  EXPECT_TRUE(cte.search_breadth_first);
  ASSERT_EQ(cte.search_by.size(), 1u);
  EXPECT_EQ(cte.search_set.text, "o");
  EXPECT_TRUE(cte.cycle);
  EXPECT_EQ(cte.cycle_columns[0].text, "n");
  EXPECT_EQ(cte.cycle_set.text, "c");
  EXPECT_EQ(cte.cycle_using.text, "p");
  EXPECT_EQ(cte.cycle_to->Cast<Literal>().value, "y");
  EXPECT_EQ(cte.cycle_default->Cast<Literal>().value, "n");
  auto plain = Parse("WITH RECURSIVE t(n) AS (SELECT 1) SELECT * FROM t");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->query->with->ctes[0]->search);
  EXPECT_FALSE(plain->query->with->ctes[0]->cycle);
  EXPECT_THAT(Error("WITH t(n) AS (SELECT 1) CYCLE n SET c USING p SELECT * FROM t"),
              HasSubstr("1:25: CYCLE needs WITH RECURSIVE"));
}

TEST(Parser, ColumnDefinitionLists) {
  auto q = Parse("SELECT * FROM json_to_recordset(x) AS r(a int, b text), json_to_record(y) AS (c date)");
  ASSERT_TRUE(q);
  const auto& r = Sel(*q).from[0]->Cast<FunctionTableRef>();
  EXPECT_EQ(r.alias->name.text, "r");
  ASSERT_EQ(r.alias->column_types.size(), 2u);
  EXPECT_EQ(r.alias->columns[1].text, "b");
  EXPECT_EQ(r.alias->column_types[1]->name[0].text, "text");
  const auto& c = Sel(*q).from[1]->Cast<FunctionTableRef>();
  EXPECT_TRUE(c.alias->name.text.empty());
  EXPECT_EQ(c.alias->columns[0].text, "c");
  auto names = Parse("SELECT * FROM unnest(x) AS u(a, b)");  // a plain column alias list still
  ASSERT_TRUE(names);
  EXPECT_TRUE(Sel(*names).from[0]->Cast<FunctionTableRef>().alias->column_types.empty());
  EXPECT_THAT(Error("SELECT * FROM json_to_recordset(x) WITH ORDINALITY AS r(a int)"),
              HasSubstr("WITH ORDINALITY cannot be used with a column definition list"));
  EXPECT_THAT(Error("SELECT * FROM t AS r(a int)"), HasSubstr("syntax error"));  // only on functions
}

TEST(Parser, TableFunctions) {
  auto q = Parse("SELECT * FROM unnest(ARRAY[1,2]) WITH ORDINALITY AS u(v, n), "
                 "ROWS FROM (generate_series(1, 2), unnest(ARRAY['a'])) WITH ORDINALITY r");
  ASSERT_TRUE(q);
  auto& u = Sel(*q).from[0]->Cast<FunctionTableRef>();
  EXPECT_TRUE(u.with_ordinality);
  EXPECT_FALSE(u.rows_from);
  EXPECT_EQ(u.alias->columns.size(), 2u);
  auto& r = Sel(*q).from[1]->Cast<FunctionTableRef>();
  EXPECT_TRUE(r.rows_from);
  EXPECT_EQ(r.functions.size(), 2u);
  EXPECT_TRUE(r.with_ordinality);
}

// ---- expressions ------------------------------------------------------------------------------------------------

TEST(ParserExpr, OperatorPrecedence) {
  auto p = E("a OR b AND NOT c = d + e * f ^ g");
  auto& o = p.e->Cast<BinaryOp>();
  EXPECT_EQ(o.op, "OR");
  auto& a = o.right->Cast<BinaryOp>();
  EXPECT_EQ(a.op, "AND");
  auto& n = a.right->Cast<UnaryOp>();
  EXPECT_EQ(n.op, "NOT");
  auto& eq = n.operand->Cast<BinaryOp>();
  EXPECT_EQ(eq.op, "=");
  auto& plus = eq.right->Cast<BinaryOp>();
  EXPECT_EQ(plus.op, "+");
  auto& mul = plus.right->Cast<BinaryOp>();
  EXPECT_EQ(mul.op, "*");
  EXPECT_EQ(mul.right->Cast<BinaryOp>().op, "^");
  // Left associativity, unary minus binds tighter than ^, :: tighter than unary minus.
  auto l = E("a - b - c");
  EXPECT_EQ(p.Text(l.e->Cast<BinaryOp>().left) == "", false);
  EXPECT_EQ(l.Text(l.e->Cast<BinaryOp>().left), "a - b");
  auto m = E("- 2 ^ 2");
  EXPECT_EQ(m.e->Cast<BinaryOp>().left->Cast<UnaryOp>().op, "-");
  auto c = E("-x::int");
  EXPECT_TRUE(c.e->Cast<UnaryOp>().operand->Is<Cast>());
  // Other operators sit between comparison and +: a < b || c means a < (b || c); a || b + c means a || (b + c).
  auto o2 = E("a < b || c");
  EXPECT_EQ(o2.e->Cast<BinaryOp>().right->Cast<BinaryOp>().op, "||");
  auto o3 = E("a || b + c");
  EXPECT_EQ(o3.e->Cast<BinaryOp>().right->Cast<BinaryOp>().op, "+");
  // IS binds looser than comparison.
  auto is = E("a = b IS NULL");
  EXPECT_TRUE(is.e->Cast<IsTest>().expr->Is<BinaryOp>());
  // != is normalized to <>.
  EXPECT_EQ(E("a != b").e->Cast<BinaryOp>().op, "<>");
  // Prefix operators bind like other operators; AT TIME ZONE; COLLATE.
  auto pre = E("~ a + b");
  EXPECT_EQ(pre.e->Cast<UnaryOp>().op, "~");
  EXPECT_TRUE(pre.e->Cast<UnaryOp>().operand->Is<BinaryOp>());
  auto tz = E("ts AT TIME ZONE 'UTC'");
  EXPECT_EQ(tz.e->Cast<BinaryOp>().op, "AT TIME ZONE");
  auto col = E("name COLLATE \"C\" < 'b'");
  auto& coll = col.e->Cast<BinaryOp>().left->Cast<Collate>();
  EXPECT_EQ(coll.collation[0].text, "C");
  auto op = E("a OPERATOR(pg_catalog.+) b");
  EXPECT_EQ(op.e->Cast<BinaryOp>().op, "OPERATOR(pg_catalog.+)");
}

TEST(ParserExpr, BetweenInLikeIs) {
  auto b = E("a NOT BETWEEN SYMMETRIC 1 AND 2 AND c");
  auto& and_ = b.e->Cast<BinaryOp>();
  EXPECT_EQ(and_.op, "AND");
  auto& bt = and_.left->Cast<Between>();
  EXPECT_TRUE(bt.negated);
  EXPECT_TRUE(bt.symmetric);
  EXPECT_EQ(b.Text(&bt), "a NOT BETWEEN SYMMETRIC 1 AND 2");
  auto in = E("a NOT IN (1, 2, 3)");
  EXPECT_TRUE(in.e->Cast<InList>().negated);
  EXPECT_EQ(in.e->Cast<InList>().list.size(), 3u);
  auto sq = E("a IN (SELECT x FROM t)");
  EXPECT_EQ(sq.e->Cast<SubqueryExpr>().subquery_kind, SubqueryKind::kIn);
  auto like = E("a NOT ILIKE 'x%' ESCAPE '!'");
  auto& lk = like.e->Cast<Like>();
  EXPECT_EQ(lk.like_kind, LikeKind::kILike);
  EXPECT_TRUE(lk.negated);
  EXPECT_NE(lk.escape, nullptr);
  EXPECT_EQ(E("a SIMILAR TO 'x'").e->Cast<Like>().like_kind, LikeKind::kSimilarTo);
  EXPECT_EQ(E("a IS NOT NULL").e->Cast<IsTest>().negated, true);
  EXPECT_EQ(E("a IS UNKNOWN").e->Cast<IsTest>().test, IsTestKind::kUnknown);
  EXPECT_EQ(E("a IS NOT TRUE").e->Cast<IsTest>().test, IsTestKind::kTrue);
  EXPECT_EQ(E("a ISNULL").e->Cast<IsTest>().test, IsTestKind::kIsNullPostfix);
  EXPECT_EQ(E("a NOTNULL").e->Cast<IsTest>().test, IsTestKind::kNotNullPostfix);
  auto d = E("a IS DISTINCT FROM b");
  EXPECT_EQ(d.e->Cast<IsTest>().test, IsTestKind::kDistinctFrom);
  EXPECT_NE(d.e->Cast<IsTest>().rhs, nullptr);
}

TEST(ParserExpr, QuantifiedAndSubqueries) {
  auto any = E("a = ANY (ARRAY[1, 2])");
  auto& q = any.e->Cast<Quantified>();
  EXPECT_EQ(q.op, "=");
  EXPECT_EQ(q.quantifier, Quantifier::kAny);
  EXPECT_TRUE(q.rhs->Is<ArrayCtor>());
  auto all = E("a > ALL (SELECT x FROM t)");
  EXPECT_EQ(all.e->Cast<SubqueryExpr>().subquery_kind, SubqueryKind::kAll);
  EXPECT_EQ(all.e->Cast<SubqueryExpr>().op, ">");
  EXPECT_EQ(E("a <> SOME (SELECT 1)").e->Cast<SubqueryExpr>().subquery_kind, SubqueryKind::kSome);
  auto like_any = E("a LIKE ANY (ARRAY['x%'])");
  EXPECT_EQ(like_any.e->Cast<Quantified>().op, "LIKE");
  auto ex = E("NOT EXISTS (SELECT 1 FROM t)");
  EXPECT_EQ(ex.e->Cast<UnaryOp>().operand->Cast<SubqueryExpr>().subquery_kind, SubqueryKind::kExists);
  auto sc = E("(SELECT max(x) FROM t) + 1");
  auto& s = sc.e->Cast<BinaryOp>().left->Cast<SubqueryExpr>();
  EXPECT_EQ(s.subquery_kind, SubqueryKind::kScalar);
  EXPECT_EQ(sc.Text(&s), "(SELECT max(x) FROM t)");
  EXPECT_EQ(E("ARRAY(SELECT 1)").e->Cast<SubqueryExpr>().subquery_kind, SubqueryKind::kArray);
}

TEST(ParserExpr, CaseCastTypedLiterals) {
  auto c = E("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END");
  auto& cs = c.e->Cast<Case>();
  EXPECT_EQ(cs.operand, nullptr);
  EXPECT_EQ(cs.whens.size(), 2u);
  EXPECT_NE(cs.else_expr, nullptr);
  auto c2 = E("CASE x WHEN 1 THEN 'a' END");
  EXPECT_NE(c2.e->Cast<Case>().operand, nullptr);
  EXPECT_EQ(c2.e->Cast<Case>().else_expr, nullptr);

  auto cast = E("CAST(a AS numeric(10, 2))");
  auto& ct = cast.e->Cast<Cast>();
  EXPECT_FALSE(ct.postgres_style);
  EXPECT_EQ(ct.type->name[0].text, "numeric");
  EXPECT_EQ(ct.type->modifiers.size(), 2u);
  auto pg = E("a::double precision");
  EXPECT_TRUE(pg.e->Cast<Cast>().postgres_style);
  EXPECT_EQ(pg.e->Cast<Cast>().type->name[0].text, "double precision");
  EXPECT_EQ(E("a::TIMESTAMP(3)  WITH  TIME ZONE").e->Cast<Cast>().type->name[0].text, "timestamp with time zone");
  EXPECT_EQ(E("a::timestamp without time zone").e->Cast<Cast>().type->name[0].text, "timestamp without time zone");
  EXPECT_EQ(E("a::Character Varying(20)").e->Cast<Cast>().type->name[0].text, "character varying");
  auto arr = E("a::int[]");
  EXPECT_EQ(arr.e->Cast<Cast>().type->name[0].text, "int");
  EXPECT_EQ(arr.e->Cast<Cast>().type->array_dims, 1);
  EXPECT_EQ(E("a::pg_catalog.text").e->Cast<Cast>().type->name.size(), 2u);

  auto d = E("DATE '1995-01-01'");
  auto& dl = d.e->Cast<TypedLiteral>();
  EXPECT_EQ(dl.type->name[0].text, "date");
  EXPECT_EQ(dl.value, "1995-01-01");
  EXPECT_EQ(E("TIMESTAMP '2020-01-01 00:00'").e->Cast<TypedLiteral>().type->name[0].text, "timestamp");
  auto iv = E("INTERVAL '1' DAY");
  EXPECT_EQ(iv.e->Cast<TypedLiteral>().type->name[0].text, "interval");
  EXPECT_EQ(iv.e->Cast<TypedLiteral>().type->interval_fields, "day");
  auto iv2 = E("INTERVAL '3 months'");
  EXPECT_EQ(iv2.e->Cast<TypedLiteral>().value, "3 months");
  EXPECT_TRUE(iv2.e->Cast<TypedLiteral>().type->interval_fields.empty());
  EXPECT_EQ(E("INTERVAL '1-2' YEAR TO MONTH").e->Cast<TypedLiteral>().type->interval_fields, "year to month");
}

TEST(ParserExpr, Literals) {
  EXPECT_EQ(E("1.5e3").e->Cast<Literal>().literal_kind, LiteralKind::kNumeric);
  EXPECT_EQ(E("1.5e3").e->Cast<Literal>().value, "1.5e3");
  EXPECT_EQ(E("'it''s'").e->Cast<Literal>().value, "it's");
  EXPECT_EQ(E("TRUE").e->Cast<Literal>().value, "true");
  EXPECT_EQ(E("NULL").e->Cast<Literal>().literal_kind, LiteralKind::kNull);
  EXPECT_EQ(E("B'0101'").e->Cast<Literal>().literal_kind, LiteralKind::kBitString);
  EXPECT_EQ(E("X'1F'").e->Cast<Literal>().literal_kind, LiteralKind::kHexString);
  EXPECT_EQ(E("$2").e->Cast<Param>().index, 2u);
}

TEST(ParserExpr, FunctionCalls) {
  auto f = E("count(DISTINCT a ORDER BY b) FILTER (WHERE c > 0) OVER (PARTITION BY d ORDER BY e ROWS BETWEEN "
             "UNBOUNDED PRECEDING AND 1 FOLLOWING EXCLUDE TIES)");
  auto& fc = f.e->Cast<FuncCall>();
  EXPECT_TRUE(fc.distinct);
  EXPECT_EQ(fc.order_by.size(), 1u);
  EXPECT_NE(fc.filter, nullptr);
  ASSERT_NE(fc.over, nullptr);
  EXPECT_TRUE(fc.has_over);
  auto& w = *fc.over;
  EXPECT_EQ(w.partition_by.size(), 1u);
  EXPECT_EQ(w.frame_mode, FrameMode::kRows);
  EXPECT_TRUE(w.frame_between);
  EXPECT_EQ(w.start_kind, FrameBoundKind::kUnboundedPreceding);
  EXPECT_EQ(w.end_kind, FrameBoundKind::kFollowing);
  EXPECT_NE(w.end_offset, nullptr);
  EXPECT_EQ(w.exclusion, FrameExclusion::kTies);
  EXPECT_EQ(f.Text(&fc), f.q->sql.substr(7));

  EXPECT_TRUE(E("count(*)").e->Cast<FuncCall>().star);
  auto wg = E("percentile_cont(0.5) WITHIN GROUP (ORDER BY x)");
  EXPECT_TRUE(wg.e->Cast<FuncCall>().has_within_group);
  EXPECT_EQ(wg.e->Cast<FuncCall>().within_group.size(), 1u);
  auto named = E("make_interval(days => 1, hours := 2)");
  EXPECT_EQ(named.e->Cast<FuncCall>().args[0]->Cast<NamedArg>().name.text, "days");
  EXPECT_EQ(named.e->Cast<FuncCall>().args[1]->Cast<NamedArg>().name.text, "hours");
  auto var = E("concat_ws(',', VARIADIC ARRAY['a'])");
  EXPECT_TRUE(var.e->Cast<FuncCall>().variadic);
  auto q = E("pg_catalog.lower(x)");
  EXPECT_EQ(q.e->Cast<FuncCall>().name.size(), 2u);
  auto ow = E("rank() OVER w");
  EXPECT_EQ(ow.e->Cast<FuncCall>().over_name.text, "w");
  auto ref = E("sum(x) OVER (w ORDER BY y RANGE CURRENT ROW)");
  EXPECT_EQ(ref.e->Cast<FuncCall>().over->ref_name.text, "w");
  EXPECT_EQ(ref.e->Cast<FuncCall>().over->frame_mode, FrameMode::kRange);
  EXPECT_EQ(ref.e->Cast<FuncCall>().over->start_kind, FrameBoundKind::kCurrentRow);
  EXPECT_EQ(E("sum(x) OVER (GROUPS 2 PRECEDING)").e->Cast<FuncCall>().over->frame_mode, FrameMode::kGroups);
}

TEST(ParserExpr, WindowClause) {
  auto q = Parse("SELECT sum(x) OVER w FROM t WINDOW w AS (PARTITION BY a), w2 AS (w ORDER BY b)");
  ASSERT_TRUE(q);
  ASSERT_EQ(Sel(*q).windows.size(), 2u);
  EXPECT_EQ(Sel(*q).windows[0]->name.text, "w");
  EXPECT_EQ(Sel(*q).windows[1]->spec->ref_name.text, "w");
}

TEST(ParserExpr, SpecialFunctions) {
  auto ex = E("EXTRACT(YEAR FROM d)");
  auto& x = ex.e->Cast<SpecialFunc>();
  EXPECT_EQ(x.name, "EXTRACT");
  ASSERT_EQ(x.args.size(), 2u);
  EXPECT_EQ(x.keywords[1], "FROM");
  EXPECT_EQ(x.args[0]->Cast<Literal>().value, "year");
  auto sub = E("SUBSTRING(s FROM 2 FOR 3)");
  auto& s = sub.e->Cast<SpecialFunc>();
  EXPECT_EQ(s.keywords.size(), 3u);
  EXPECT_EQ(s.keywords[1], "FROM");
  EXPECT_EQ(s.keywords[2], "FOR");
  auto subc = E("substring(s, 2, 3)");
  EXPECT_EQ(subc.e->Cast<SpecialFunc>().keywords[1], "");
  auto tr = E("TRIM(BOTH 'x' FROM s)");
  EXPECT_EQ(tr.e->Cast<SpecialFunc>().keywords[0], "BOTH");
  EXPECT_EQ(tr.e->Cast<SpecialFunc>().keywords[1], "FROM");
  auto tr2 = E("trim(leading from s)");
  EXPECT_EQ(tr2.e->Cast<SpecialFunc>().keywords[0], "LEADING FROM");
  auto pos = E("POSITION('a' IN s)");
  EXPECT_EQ(pos.e->Cast<SpecialFunc>().keywords[1], "IN");
  auto ov = E("OVERLAY(s PLACING 'x' FROM 2 FOR 1)");
  EXPECT_EQ(ov.e->Cast<SpecialFunc>().args.size(), 4u);
  EXPECT_EQ(ov.e->Cast<SpecialFunc>().keywords[1], "PLACING");
  auto co = E("COALESCE(a, b, 0)");
  EXPECT_EQ(co.e->Cast<SpecialFunc>().name, "COALESCE");
  EXPECT_EQ(co.e->Cast<SpecialFunc>().args.size(), 3u);
  EXPECT_EQ(E("NULLIF(a, 0)").e->Cast<SpecialFunc>().name, "NULLIF");
  EXPECT_EQ(E("GREATEST(a, b)").e->Cast<SpecialFunc>().name, "GREATEST");
  EXPECT_EQ(E("LEAST(a, b)").e->Cast<SpecialFunc>().name, "LEAST");
  auto cd = E("CURRENT_DATE");
  EXPECT_FALSE(cd.e->Cast<SpecialFunc>().parens);
  auto cts = E("CURRENT_TIMESTAMP(3)");
  EXPECT_TRUE(cts.e->Cast<SpecialFunc>().parens);
  EXPECT_EQ(cts.e->Cast<SpecialFunc>().args.size(), 1u);
  for (const char* n : {"LOCALTIMESTAMP", "CURRENT_USER", "SESSION_USER", "CURRENT_SCHEMA", "LOCALTIME"}) {
    EXPECT_EQ(E(n).e->Cast<SpecialFunc>().name, n);
  }
  EXPECT_EQ(E("GROUPING(a, b)").e->Cast<SpecialFunc>().name, "GROUPING");
}

TEST(ParserExpr, ArraysRowsSubscriptsFields) {
  auto a = E("ARRAY[[1, 2], [3, 4]]");
  auto& ac = a.e->Cast<ArrayCtor>();
  EXPECT_TRUE(ac.keyword);
  EXPECT_FALSE(ac.elements[0]->Cast<ArrayCtor>().keyword);
  auto r = E("ROW(1, 2)");
  EXPECT_TRUE(r.e->Cast<RowCtor>().explicit_row);
  auto r2 = E("(1, 2)");
  EXPECT_FALSE(r2.e->Cast<RowCtor>().explicit_row);
  auto p = E("(a + b)");
  EXPECT_TRUE(p.e->Is<Paren>());
  auto s = E("x[1]");
  EXPECT_FALSE(s.e->Cast<Subscript>().slice);
  auto sl = E("x[1:2]");
  EXPECT_TRUE(sl.e->Cast<Subscript>().slice);
  auto sl2 = E("x[:2]");
  EXPECT_EQ(sl2.e->Cast<Subscript>().lower, nullptr);
  auto f = E("(x).f");
  EXPECT_EQ(f.e->Cast<FieldAccess>().field.text, "f");
  EXPECT_TRUE(E("(x).*").e->Cast<FieldAccess>().star);
  auto cf = E("t.arr[1]");
  EXPECT_EQ(cf.e->Cast<Subscript>().expr->Cast<ColumnRef>().parts.size(), 2u);
}

TEST(ParserExpr, ParseExpressionEntryPoint) {
  Arena arena;
  std::string text = "region = 'EU' AND current_user = owner";
  auto r = ParseExpression(text, arena);
  RLSQ_ASSERT_OK(r);
  auto& b = (*r)->Cast<BinaryOp>();
  EXPECT_EQ(b.op, "AND");
  EXPECT_EQ(b.span.begin, 0u);
  EXPECT_EQ(b.span.end, text.size());
  text.assign(text.size(), 'x');  // the result does not point into the caller's string
  EXPECT_EQ(b.left->Cast<BinaryOp>().left->Cast<ColumnRef>().parts[0].text, "region");
  Arena a2;
  EXPECT_THAT(ParseExpression("a = 1; DROP TABLE t", a2), StatusIs(absl::StatusCode::kInvalidArgument, "1:6:"));
  EXPECT_THAT(ParseExpression("a = ", a2), StatusIs(absl::StatusCode::kInvalidArgument, "syntax error at end of input"));
  EXPECT_THAT(ParseExpression("a = 1 b", a2), StatusIs(absl::StatusCode::kInvalidArgument, "1:7: syntax error at or near \"b\""));
}

// ---- refusals ---------------------------------------------------------------------------------------------------

TEST(ParserRefusal, StatementsThatAreNotQueries) {
  EXPECT_EQ(Error("INSERT INTO t VALUES (1)"), "1:1: INSERT is not allowed: rlsq accepts only one read-only query");
  for (const char* sql : {"UPDATE t SET a = 1", "DELETE FROM t", "MERGE INTO t USING u ON true WHEN MATCHED THEN DELETE",
                          "CREATE TABLE t (a int)", "ALTER TABLE t ADD b int", "DROP TABLE t", "TRUNCATE t",
                          "GRANT SELECT ON t TO u", "REVOKE ALL ON t FROM u", "COMMENT ON TABLE t IS 'x'",
                          "SET search_path = x", "RESET ALL", "SHOW ALL", "COPY t TO STDOUT", "DO $$ BEGIN END $$",
                          "CALL p()", "EXPLAIN SELECT 1", "PREPARE p AS SELECT 1", "EXECUTE p", "DEALLOCATE p",
                          "BEGIN", "COMMIT", "ROLLBACK", "START TRANSACTION", "VACUUM", "ANALYZE t", "LOCK t",
                          "LISTEN c", "NOTIFY c", "  \n  delete from t"}) {
    std::string e = Error(sql);
    EXPECT_THAT(e, HasSubstr("is not allowed: rlsq accepts only one read-only query")) << sql;
  }
  EXPECT_EQ(Error("  \n  delete from t"), "2:3: DELETE is not allowed: rlsq accepts only one read-only query");
}

TEST(ParserRefusal, SelectIntoLockingAndDataModifyingCtes) {
  EXPECT_EQ(Error("SELECT a, b INTO new_t FROM t"),
            "1:13: SELECT INTO is not allowed: rlsq accepts only one read-only query");
  EXPECT_THAT(Error("SELECT * FROM t FOR UPDATE"), HasSubstr("1:17: FOR UPDATE is not allowed"));
  EXPECT_THAT(Error("SELECT * FROM t FOR NO KEY UPDATE OF t NOWAIT"), HasSubstr("FOR NO KEY UPDATE is not allowed"));
  EXPECT_THAT(Error("SELECT * FROM t FOR SHARE SKIP LOCKED"), HasSubstr("FOR SHARE is not allowed"));
  EXPECT_THAT(Error("SELECT * FROM t FOR KEY SHARE"), HasSubstr("FOR KEY SHARE is not allowed"));
  EXPECT_THAT(Error("SELECT * FROM (SELECT * FROM t FOR UPDATE) x"), HasSubstr("FOR UPDATE is not allowed"));
  EXPECT_EQ(Error("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"),
            "1:12: DELETE is not allowed: rlsq accepts only one read-only query");
  EXPECT_THAT(Error("WITH x AS (INSERT INTO t VALUES (1) RETURNING (a)) SELECT 1"), HasSubstr("1:12: INSERT is not allowed"));
  EXPECT_THAT(Error("WITH x AS (SELECT 1) UPDATE t SET a = 1"), HasSubstr("1:22: UPDATE is not allowed"));
  EXPECT_THAT(Error("WITH x AS (SELECT 1) DELETE FROM t"), HasSubstr("DELETE is not allowed"));
}

TEST(ParserRefusal, SeveralStatements) {
  EXPECT_EQ(Error("SELECT 1;SELECT 2"), "1:10: several statements in one string: rlsq accepts only one read-only query");
  EXPECT_THAT(Error("SELECT 1; DROP TABLE t"), HasSubstr("1:11: several statements"));
  EXPECT_THAT(Error("SELECT 1;;"), HasSubstr("1:10: several statements"));
  auto q = Parse("SELECT 1 ; -- done\n");
  ASSERT_TRUE(q);
  EXPECT_EQ(At(*q, q->statement), "SELECT 1");
}

// ---- syntax errors ----------------------------------------------------------------------------------------------

TEST(ParserErrors, MessagesAndPositions) {
  EXPECT_EQ(Error("SELECT * FORM t"), "1:10: syntax error at or near \"FORM\"");
  EXPECT_EQ(Error("SELECT a,\n  FROM t"), "2:3: syntax error at or near \"FROM\"");
  EXPECT_EQ(Error("SELECT (a + b"), "1:14: syntax error at end of input");
  EXPECT_THAT(Error(""), HasSubstr("syntax error at end of input"));
  EXPECT_THAT(Error("   -- only a comment"), HasSubstr("syntax error at end of input"));
  EXPECT_THAT(Error("SELECT a FROM t WHERE"), HasSubstr("1:22: syntax error at end of input"));
  EXPECT_THAT(Error("SELECT 'unterminated"), HasSubstr("1:8:"));  // lexer errors pass through
  EXPECT_THAT(Error("SELECT a = b = c"), HasSubstr("syntax error at or near \"=\""));  // comparison is non-associative
  EXPECT_THAT(Error("SELECT f(x) OVER (ROWS BETWEEN 1 PRECEDING)"), HasSubstr("syntax error"));
}

// ---- depth limits -----------------------------------------------------------------------------------------------

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ParserDepth, AbsurdNestingIsAnErrorNotACrash) {
  const size_t n = 100000;
  EXPECT_THAT(Error("SELECT " + Repeat("(", n) + "1" + Repeat(")", n)), HasSubstr("nested too deeply"));
  EXPECT_THAT(Error("SELECT " + Repeat("NOT ", n) + "true"), HasSubstr("nested too deeply"));
  EXPECT_THAT(Error("SELECT " + Repeat("- ", n) + "1"), HasSubstr("nested too deeply"));
  EXPECT_THAT(Error("SELECT " + Repeat("CASE WHEN a THEN ", n) + "1" + Repeat(" END", n)), HasSubstr("nested too deeply"));
  EXPECT_THAT(Error("SELECT " + Repeat("(SELECT ", n) + "1" + Repeat(")", n)), HasSubstr("nested too deeply"));
  EXPECT_THAT(Error("SELECT * FROM " + Repeat("(SELECT * FROM ", n) + "t" + Repeat(") x", n)), HasSubstr("nested too deeply"));
  EXPECT_THAT(Error("SELECT " + Repeat("ARRAY[", n) + "1" + Repeat("]", n)), HasSubstr("nested too deeply"));
  // Long flat chains build deep left-leaning trees; they are bounded too.
  EXPECT_THAT(Error("SELECT 1" + Repeat(" + 1", n)), HasSubstr("too many chained operators"));
  EXPECT_THAT(Error("SELECT 1 WHERE a" + Repeat(" OR a", n)), HasSubstr("too many chained operators"));
}

TEST(ParserDepth, LimitIsConfigurableAndReasonableNestingWorks) {
  EXPECT_TRUE(Parse("SELECT " + Repeat("(", 150) + "1" + Repeat(")", 150)));
  EXPECT_TRUE(Parse("SELECT 1 WHERE a" + Repeat(" OR a", 1000)));
  ParseOptions small;
  small.max_depth = 10;
  EXPECT_THAT(Error("SELECT " + Repeat("(", 11) + "1" + Repeat(")", 11), small), HasSubstr("1:18: query is nested too deeply (more than 10 levels)"));
  EXPECT_TRUE(ParseQuery("SELECT " + Repeat("(", 9) + "1" + Repeat(")", 9), small).ok());
}

TEST(ParserDepth, DeepNestingAtTheLimitOnASmallThreadStack) {
  // The full default depth must parse on a thread, not only on the main thread.
  std::string sql = "SELECT " + Repeat("(", 199) + "1" + Repeat(")", 199);
  bool ok = false;
  std::thread t([&] { ok = ParseQuery(sql).ok(); });
  t.join();
  EXPECT_TRUE(ok);
}

// ---- threads and stats ------------------------------------------------------------------------------------------

TEST(ParserThreads, ConcurrentParsesAgree) {
  std::string sql = "SELECT a, sum(b) FROM t JOIN u USING (id) WHERE c BETWEEN 1 AND 2 GROUP BY a ORDER BY 2 DESC";
  auto expected = Parse(sql);
  ASSERT_TRUE(expected);
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        auto r = ParseQuery(sql);
        if (!r.ok() || !Equals((*r)->query, expected->query)) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(ParserStatsTest, CountsParses) {
  uint64_t before = GlobalParserStats().parses.load();
  ASSERT_TRUE(Parse("SELECT 1"));
  EXPECT_EQ(GlobalParserStats().parses.load(), before + 1);
}

}  // namespace
}  // namespace rlsq
