// The plan cache's shape level (lib/parser/shape.h, rewriter/plan_cache.h): texts that differ only in constants,
// whitespace and comments share one plan, rebased onto each text's offsets, and the rewrite is exactly what a fresh
// parse of that text gives. The corpus test generates the variants: every literal of every TPC-H, TPC-DS and chart
// query replaced by a random value of its kind, and the space between tokens by random whitespace and comments.
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/common/arena.h"
#include "lib/common/str_cat.h"
#include "lib/dialect/dialect.h"
#include "lib/parser/parser.h"
#include "lib/parser/shape.h"
#include "rewriter/engine.h"
#include "rewriter/scope.h"
#include "tests/rewriter/test_policy.h"
#include "tests/support/corpus.h"

namespace rlsq {
namespace {

std::vector<Token> Lex(std::string_view sql, Arena& arena, const Dialect& dialect = Dialect::Postgres()) {
  std::vector<Token> tokens;
  absl::Status s = dialect.Tokenize(sql, arena, &tokens);
  EXPECT_TRUE(s.ok()) << s;
  return tokens;
}

std::string Key(std::string_view sql) {
  Arena arena;
  std::string key;
  AppendShapeKey(Lex(sql, arena), &key);
  return key;
}

TEST(ShapeKeyTest, LeavesOutConstantsWhitespaceAndComments) {
  EXPECT_EQ(Key("SELECT a FROM t WHERE x = 1 AND y = 'a'"),
            Key("select  a\nFROM t /* c */ WHERE x = 123456 AND y = 'it''s' -- c"));
  EXPECT_EQ(Key("SELECT 1.5, B'01', X'ff', DATE '1995-01-01'"), Key("SELECT 2.25, B'1', X'0', DATE '2001-12-31'"));
  EXPECT_EQ(Key("SELECT a FROM T"), Key("SELECT A FROM t"));  // unquoted names fold: the parser sees the same
}

TEST(ShapeKeyTest, KeepsEverythingElse) {
  EXPECT_NE(Key("SELECT a FROM t"), Key("SELECT b FROM t"));
  EXPECT_NE(Key("SELECT a FROM t"), Key("SELECT \"a\" FROM t"));  // quoted and unquoted are different tokens
  EXPECT_NE(Key("SELECT \"A\" FROM t"), Key("SELECT \"a\" FROM t"));
  EXPECT_NE(Key("SELECT 1"), Key("SELECT 1.0"));           // integer and numeric are different kinds
  EXPECT_NE(Key("SELECT 'a'"), Key("SELECT E'a'"));        // and so are the string forms
  EXPECT_NE(Key("SELECT 'a'"), Key("SELECT $$a$$"));
  EXPECT_NE(Key("SELECT a < b"), Key("SELECT a <= b"));
  EXPECT_NE(Key("SELECT $1"), Key("SELECT $2"));           // parameters are not constants
  EXPECT_NE(Key("SELECT x IN (1, 2)"), Key("SELECT x IN (1, 2, 3)"));  // lists of other lengths: other shapes
  // A quoted name's text is its decoded value, with its escapes and UESCAPE resolved by the lexer.
  EXPECT_NE(Key("SELECT U&\"t!0061\" UESCAPE '!'"), Key("SELECT U&\"t!0061\" UESCAPE '#'"));
  EXPECT_EQ(Key("SELECT U&\"t!0061\" UESCAPE '!'"), Key("SELECT \"ta\""));
  // Length-prefixed texts: no two token sequences run together into one key.
  EXPECT_NE(Key("SELECT ab"), Key("SELECT a b"));
}

TEST(ShapeKeyTest, ValueTokensComeFromTheParse) {
  ParseOptions options;
  options.shape = true;
  auto parsed = ParseQuery("SELECT INTERVAL '1' SECOND(3), 42, varchar(10) 'x' FROM t LIMIT 5", options);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  // SECOND(3)'s precision becomes part of a type, not a constant: pinned. The rest are values.
  ASSERT_EQ((*parsed)->shape.pinned.size(), 1u);
  EXPECT_EQ((*parsed)->shape.pinned[0].second, "3");
}

class ShapeCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::FromPolicyJson(testing::kTestPolicy);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }

  // The rewrite through the cache equals the rewrite of a fresh parse: text, changed flag, explanation, or error.
  // Plain first (a shape hit moves the edits only), then explained (a shape hit rebases the whole plan).
  void ExpectFresh(const std::string& sql, const std::string& user, RewriteOptions options = {}) {
    RewriteOptions uncached = options;
    uncached.use_plan_cache = false;
    auto plain = engine_->rewrite(sql, Caller{user}, options);
    auto plain_fresh = engine_->rewrite(sql, Caller{user}, uncached);
    ASSERT_EQ(plain.ok(), plain_fresh.ok()) << sql;
    if (plain.ok()) EXPECT_EQ(plain->sql, plain_fresh->sql);
    if (!plain.ok()) EXPECT_EQ(plain.status(), plain_fresh.status());
    options.explain = true;
    auto cached = engine_->rewrite(sql, Caller{user}, options);
    options.use_plan_cache = false;
    auto fresh = engine_->rewrite(sql, Caller{user}, options);
    ASSERT_EQ(cached.ok(), fresh.ok()) << sql << "\n" << (cached.ok() ? fresh.status() : cached.status());
    if (!fresh.ok()) {
      EXPECT_EQ(cached.status(), fresh.status()) << sql;
      return;
    }
    EXPECT_EQ(cached->sql, fresh->sql);
    EXPECT_EQ(cached->changed, fresh->changed);
    EXPECT_EQ(cached->ExplainJson(), fresh->ExplainJson()) << sql;
  }

  std::unique_ptr<Engine> engine_;
};

TEST_F(ShapeCacheTest, ConstantsWhitespaceAndCommentsShareAPlan) {
  const std::vector<std::vector<std::string>> families = {
      {"SELECT * FROM orders WHERE o_totalprice > 100", "SELECT * FROM orders WHERE o_totalprice > 123456789",
       "SELECT *\nFROM orders -- c\nWHERE o_totalprice>1"},
      // Touching tokens in one text, apart in the other: each edit keeps its side of the token.
      {"SELECT * FROM orders WHERE(o_totalprice>7)", "SELECT * FROM orders WHERE ( o_totalprice > 100 ) "},
      {"SELECT count(*) FROM orders", "select count(*)from orders", "SELECT count(*) FROM orders /* c */"},
      {"SELECT o_orderkey FROM orders o LEFT JOIN nation n ON n.n_nationkey = o.o_custkey AND n.n_name = 'FRANCE'",
       "SELECT o_orderkey FROM orders o LEFT JOIN nation n ON n.n_nationkey = o.o_custkey AND n.n_name = 'it''s'",
       "SELECT o_orderkey FROM orders o LEFT JOIN nation n ON n.n_nationkey=o.o_custkey AND n.n_name=''"},
      {"TABLE orders", "TABLE  orders", "/* c */ TABLE orders"},
      {"WITH t AS (SELECT * FROM orders WHERE o_orderdate > DATE '1995-01-01') SELECT * FROM t, nation",
       "WITH t AS (SELECT * FROM orders WHERE o_orderdate > DATE '2020-02-29') SELECT * FROM t,nation"},
      {"SELECT public.orders.o_orderkey FROM public.orders WHERE public.orders.o_totalprice > 10",
       "SELECT public . orders . o_orderkey FROM public.orders WHERE public /* x */ .orders.o_totalprice > 1000"},
      {"SELECT n_name FROM nation WHERE n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name = 'ASIA')",
       "SELECT n_name FROM nation WHERE n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name = $$EUROPE$$)"},
  };
  uint64_t expected_shape_hits = 0;
  for (const auto& family : families) {
    for (size_t i = 0; i < family.size(); ++i) {
      for (const char* user : {"alice", "bob", "nobody"}) {
        for (auto placement : {policy::PlacementMode::kPlain, policy::PlacementMode::kFenced}) {
          RewriteOptions options;
          options.placement = placement;
          SCOPED_TRACE(family[i]);
          ExpectFresh(family[i], user, options);
        }
      }
      // The first text of a family parses; each other one is a hit on its shape the first time ($$...$$ is
      // another string form than '...': another shape).
      // (Twice: the plain rewrite moves the edits, the explained one rebases the plan and caches the text.)
      if (i > 0 && family[i].find("$$") == std::string::npos) expected_shape_hits += 2;
      EXPECT_EQ(engine_->plan_cache_shape_hits(), expected_shape_hits) << family[i];
    }
  }
  EXPECT_EQ(engine_->plan_cache_shape_hits(), expected_shape_hits);
}

TEST_F(ShapeCacheTest, AShapeHitMovesTheEditsAndATextSentAgainIsCached) {
  ASSERT_TRUE(engine_->rewrite("SELECT * FROM orders WHERE o_custkey = 1", Caller{"alice"}).ok());
  const std::string text = "SELECT * FROM orders WHERE o_custkey = 22";
  auto second = engine_->rewrite(text, Caller{"alice"});
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(second->sql, ::testing::StartsWith("SELECT * FROM orders WHERE (o_custkey = 22) AND "));
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 1u);
  // A first shape hit copies no plan: the edits are moved for the request, nothing is cached under the text. The
  // second (the same text again) rebases the plan and caches it under the text; the third is a text hit.
  auto again = engine_->rewrite(text, Caller{"alice"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sql, second->sql);
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 2u);
  ASSERT_TRUE(engine_->rewrite(text, Caller{"alice"}).ok());
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 2u);  // the text's own entry now
  EXPECT_EQ(engine_->plan_cache_hits(), 3u);
  // An explained shape hit rebases the whole plan at once (the report needs its spans) and caches it.
  const std::string other = "SELECT * FROM orders WHERE o_custkey = 333";
  RewriteOptions explain;
  explain.explain = true;
  auto explained = engine_->rewrite(other, Caller{"alice"}, explain);
  ASSERT_TRUE(explained.ok());
  EXPECT_THAT(explained->sql, ::testing::StartsWith("SELECT * FROM orders WHERE (o_custkey = 333) AND "));
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 3u);
  ASSERT_TRUE(engine_->rewrite(other, Caller{"alice"}).ok());
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 3u);
  EXPECT_EQ(engine_->plan_cache_hits(), 5u);
  EXPECT_EQ(engine_->plan_cache_misses(), 1u);
}

TEST_F(ShapeCacheTest, APinnedValueIsPartOfThePlan) {
  ASSERT_TRUE(engine_->rewrite("SELECT INTERVAL '1' SECOND(3) FROM orders", Caller{"alice"}).ok());
  ASSERT_TRUE(engine_->rewrite("SELECT INTERVAL '2' SECOND(3) FROM orders", Caller{"alice"}).ok());
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 1u);
  ASSERT_TRUE(engine_->rewrite("SELECT INTERVAL '2' SECOND(4) FROM orders", Caller{"alice"}).ok());
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 1u);
  EXPECT_EQ(engine_->plan_cache_misses(), 2u);
}

TEST_F(ShapeCacheTest, TableSampleConstantsArePinned) {
  // A wrapped sampled read prints its TABLESAMPLE clause into the wrapper: the plan holds those constants.
  RewriteOptions fenced;
  fenced.placement = policy::PlacementMode::kFenced;
  auto a = engine_->rewrite("SELECT * FROM orders TABLESAMPLE BERNOULLI (10) REPEATABLE (1) WHERE o_custkey = 1",
                            Caller{"alice"}, fenced);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->sql, ::testing::HasSubstr("(SELECT * FROM orders TABLESAMPLE bernoulli (10) REPEATABLE (1) "
                                           "WHERE "));
  auto b = engine_->rewrite("SELECT * FROM orders TABLESAMPLE BERNOULLI (10) REPEATABLE (1) WHERE o_custkey = 2",
                            Caller{"alice"}, fenced);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 1u);  // another constant outside the clause: the same plan
  auto c = engine_->rewrite("SELECT * FROM orders TABLESAMPLE BERNOULLI (20) REPEATABLE (1) WHERE o_custkey = 2",
                            Caller{"alice"}, fenced);
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(c->sql, ::testing::HasSubstr("TABLESAMPLE bernoulli (20) REPEATABLE (1) WHERE "));
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 1u);  // another sample: another plan
  EXPECT_EQ(engine_->plan_cache_misses(), 2u);
  ExpectFresh("SELECT * FROM orders TABLESAMPLE BERNOULLI (20) REPEATABLE (9) WHERE o_custkey = 2", "alice", fenced);
}

TEST_F(ShapeCacheTest, ErrorsOfARebasedPlanPointIntoItsOwnText) {
  // Fenced, the read of public.orders is wrapped; its schema-qualified column cannot be kept exact while another
  // relation is also visible as "orders": refused at the column reference, wherever the new text puts it.
  RewriteOptions fenced;
  fenced.placement = policy::PlacementMode::kFenced;
  const std::string a = "SELECT public.orders.o_orderkey FROM public.orders, other.orders WHERE o_custkey = 1";
  const std::string b = "SELECT\n\n   public.orders.o_orderkey FROM public.orders, other.orders WHERE o_custkey = 12";
  auto first = engine_->rewrite(a, Caller{"alice"}, fenced);
  ASSERT_FALSE(first.ok());
  EXPECT_THAT(std::string(first.status().message()), ::testing::StartsWith("1:8: "));
  auto second = engine_->rewrite(b, Caller{"alice"}, fenced);  // the moved edits' refusal location
  EXPECT_THAT(std::string(second.status().message()), ::testing::StartsWith("3:4: "));
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 1u);
  ExpectFresh(b, "alice", fenced);  // and the rebased plan's
}

TEST_F(ShapeCacheTest, TextsTheLexerOrTheLimitsRefuseAreNeverHits) {
  ASSERT_TRUE(engine_->rewrite("SELECT * FROM orders WHERE o_comment = 'a'", Caller{"alice"}).ok());
  auto bad = engine_->rewrite("SELECT * FROM orders WHERE o_comment = 'a", Caller{"alice"});  // unterminated
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(engine_->plan_cache_shape_hits(), 0u);
}

// ---- the corpus, with random constants, whitespace and comments ---------------------------------------------------

// A random value of the literal token's kind and form, as SQL text in `dialect` (the MySQL family's strings have
// backslash escapes, and its and SQLite's X'..' need an even number of digits).
std::string RandomLiteral(const Token& t, std::mt19937& rng, const Dialect& dialect) {
  const bool mysql = dialect.name() == "mariadb" || dialect.name() == "mysql";
  const bool even_hex = mysql || dialect.name() == "sqlite";
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto digits = [&](int max_len) {
    std::string s(1, static_cast<char>('1' + pick(9)));
    for (int i = pick(max_len); i > 0; --i) s += static_cast<char>('0' + pick(10));
    return s;
  };
  static const std::vector<std::string> kPieces = {"a", "Z", " ", "''", "%", "_", "é", "1995-01-01", "--", "/*", ";",
                                                   "\"", "\\", "select", "$", "\n"};
  auto chars = [&](bool allow_quote, bool allow_dollar, bool allow_backslash) {
    std::string s;
    for (int i = pick(12); i > 0; --i) {
      const std::string& p = kPieces[pick(static_cast<int>(kPieces.size()))];
      if ((!allow_quote && p == "''") || (!allow_dollar && p == "$") || (!allow_backslash && p == "\\")) continue;
      s += p;
    }
    return s;
  };
  switch (t.kind) {
    case TokenKind::kInteger: return digits(8);  // at most 9 digits: always an integer token
    case TokenKind::kNumeric: return digits(4) + "." + digits(4);
    case TokenKind::kBitString: {
      std::string s = "B'";
      for (int i = pick(8); i >= 0; --i) s += static_cast<char>('0' + pick(2));
      return s + "'";
    }
    case TokenKind::kHexString: {
      std::string s = "X'";
      for (int i = pick(8); i >= 0; --i) {
        s += "0123456789abcdefABCDEF"[pick(22)];
        if (even_hex) s += "0123456789abcdefABCDEF"[pick(22)];
      }
      return s + "'";
    }
    case TokenKind::kString:
      switch (t.string_form) {
        case StringForm::kStandard: return "'" + chars(true, true, !mysql) + "'";
        case StringForm::kEscape: return "E'" + chars(true, true, false) + "'";
        case StringForm::kDollar: return "$$" + chars(true, false, true) + "$$";
        case StringForm::kNational: return "N'" + chars(true, true, !mysql) + "'";
        case StringForm::kUnicode: return "U&'" + chars(true, true, false) + "'";
      }
      break;
    default: break;
  }
  return "";
}

// Random whitespace and comments, never empty (nested comments only where they nest: PostgreSQL).
std::string RandomGap(std::mt19937& rng, const Dialect& dialect) {
  static const std::vector<std::string> kGaps = {" ", "  ", "\n", "\t", " /* c */ ", "/**/", " -- line\n",
                                                 "\n\n", " /* nested /* c */ */ "};
  const size_t n = &dialect == &Dialect::Postgres() ? kGaps.size() : kGaps.size() - 1;
  std::string s = kGaps[rng() % n];
  if (rng() % 4 == 0) s += kGaps[rng() % n];
  return s;
}

// `sql` with every constant replaced at random and the gaps between tokens changed (touching tokens stay touching;
// two strings keep a gap without a newline, which would join them into one).
std::string Variant(const std::string& sql, const std::vector<Token>& tokens, std::mt19937& rng,
                    const Dialect& dialect = Dialect::Postgres()) {
  std::string out;
  uint32_t prev_end = 0;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (i > 0) {
      bool gap = t.begin > prev_end;
      bool strings = tokens[i - 1].kind == TokenKind::kString && t.kind == TokenKind::kString;
      if (gap) out += strings ? " " : RandomGap(rng, dialect);
    } else {
      out += RandomGap(rng, dialect);
    }
    out += IsLiteralToken(t.kind) ? RandomLiteral(t, rng, dialect) : sql.substr(t.begin, t.end - t.begin);
    prev_end = t.end;
  }
  return out + sql.substr(prev_end);
}

// Every base table the queries read gets a filter: plain, and every third one with a clause subquery (wrapped).
std::string CorpusPolicy(const std::vector<testing::CorpusQuery>& queries, const Dialect& dialect = Dialect::Postgres()) {
  std::set<std::string> tables;
  const bool postgres = &dialect == &Dialect::Postgres();
  const bool sqlite = dialect.name() == "sqlite";
  DatabaseModel model;
  if (!postgres) model.search_path = {sqlite ? "main" : "tpch"};
  ParseOptions po;
  po.dialect = &dialect;
  for (const auto& q : queries) {
    auto parsed = ParseQuery(q.sql, po);
    if (!parsed.ok()) continue;
    auto a = rewriter::AnalyzeScopes((*parsed)->sql, *(*parsed)->query, NameResolver(dialect, model));
    if (!a.ok()) continue;
    for (const auto& r : a->reads) tables.insert(r.table.name);
  }
  std::string doc = postgres ? "{" : Cat(R"({"dialect": ")", dialect.name(), "\", ", sqlite ? "" : R"("default_schema": "tpch", )");
  doc += R"("roles": [{"name": "A", "permissions": [["all_datasource_access", "all_datasource_access"]]},
    {"name": "B", "permissions": [["all_datasource_access", "all_datasource_access"]]}],
    "users": [{"username": "a", "roles": ["A"]}, {"username": "b", "roles": ["B"]}, {"username": "ab", "roles": ["A", "B"]}],
    "rls_filters": [)";
  int i = 0;
  for (const std::string& t : tables) {
    Append(&doc, i ? ", " : "", R"({"name": "f)", i, R"(", "filter_type": "Regular", "tables": [")", t,
           R"x("], "roles": ["A"], "clause": "tenant_id = 42"})x");
    if (i % 3 == 0)
      Append(&doc, R"(, {"name": "g)", i, R"(", "filter_type": "Regular", "tables": [")", t,
             R"x("], "roles": ["B"], "clause": "region IN (SELECT r FROM allowed)"})x");
    ++i;
  }
  return doc + "]}";
}

// Every query of `queries` (in `dialect`) with its constants, whitespace and comments replaced at random, four times:
// each variant's rewrite through the shape cache equals a fresh parse's, for three users and both placements, and so
// does its explanation; at least `min_variants` variants and `min_literals` constants are seen.
void CheckRandomConstants(const std::vector<testing::CorpusQuery>& queries, const Dialect& dialect,
                          size_t min_variants, size_t min_literals) {
  auto engine = Engine::FromPolicyJson(CorpusPolicy(queries, dialect));
  ASSERT_TRUE(engine.ok()) << engine.status();
  std::mt19937 rng(20261202);
  size_t variants = 0, literals = 0;
  struct Explained {
    std::string text, user;
    policy::PlacementMode placement;
    std::string sql, explain;
  };
  std::vector<Explained> explained;
  for (const auto& q : queries) {
    SCOPED_TRACE(q.set + "/" + q.name);
    auto original = (*engine)->rewrite(q.sql, Caller{"ab"});
    if (!original.ok()) continue;  // a query this policy refuses is not planned, so it has no shape to share
    Arena arena;
    std::vector<Token> tokens = Lex(q.sql, arena, dialect);
    for (const Token& t : tokens) literals += IsLiteralToken(t.kind);
    for (int v = 0; v < 4; ++v) {
      std::string text = Variant(q.sql, tokens, rng, dialect);
      ++variants;
      for (const char* user : {"a", "b", "ab"}) {
        for (auto placement : {policy::PlacementMode::kPlain, policy::PlacementMode::kFenced}) {
          RewriteOptions options;
          options.placement = placement;
          RewriteOptions uncached = options;
          uncached.use_plan_cache = false;
          uncached.explain = true;
          auto fresh = (*engine)->rewrite(text, Caller{user}, uncached);
          ASSERT_TRUE(fresh.ok()) << text << "\n" << fresh.status();
          // Plain: a hit on the shape (the edits moved onto this text, then the plan rebased), then on the text.
          auto plain = (*engine)->rewrite(text, Caller{user}, options);
          ASSERT_TRUE(plain.ok()) << text << "\n" << plain.status();
          ASSERT_EQ(plain->sql, fresh->sql) << text;
          ASSERT_EQ(plain->changed, fresh->changed) << text;
          explained.push_back({text, user, placement, fresh->sql, fresh->ExplainJson()});
        }
      }
    }
  }
  // Explained: every text is cached under itself by now (its second plain rewrite rebased the plan); the report's
  // spans are the rebased plan's.
  for (const Explained& e : explained) {
    RewriteOptions options;
    options.placement = e.placement;
    options.explain = true;
    auto cached = (*engine)->rewrite(e.text, Caller{e.user}, options);
    ASSERT_TRUE(cached.ok()) << e.text << "\n" << cached.status();
    ASSERT_EQ(cached->sql, e.sql) << e.text;
    ASSERT_EQ(cached->ExplainJson(), e.explain) << e.text;
  }
  EXPECT_GT(variants, min_variants);
  EXPECT_GT(literals, min_literals);
  // Per variant: the first rewrite moves the edits, the second rebases and caches the plan, the rest hit the text.
  EXPECT_EQ((*engine)->plan_cache_shape_hits(), variants * 2);
}

TEST(ShapeCacheCorpusTest, RandomConstantsGiveTheFreshPlan) {
  std::vector<testing::CorpusQuery> queries;
  for (const char* set : {"tpch", "tpcds", "charts"})
    for (auto& q : testing::LoadCorpus(set)) queries.push_back(std::move(q));
  CheckRandomConstants(queries, Dialect::Postgres(), 400, 1000);
}

// The same in the other dialects, on their own corpora: no constant of theirs changes a plan either (MySQL's "..."
// strings and adjacent strings, SQLite's 'alias' strings and hex integers among them).
TEST(ShapeCacheCorpusTest, RandomConstantsGiveTheFreshPlanInMariaDbAndSqlite) {
  for (const char* name : {"mariadb", "sqlite"}) {
    SCOPED_TRACE(name);
    const std::string family = std::string(name) == "mariadb" ? "mysql" : "sqlite";
    std::vector<testing::CorpusQuery> queries = testing::LoadCorpusFrom(testing::OwnCorpusDir(family), "tpch");
    for (auto& q : testing::LoadCorpusFrom(testing::OwnCorpusDir(family), "charts")) queries.push_back(std::move(q));
    CheckRandomConstants(queries, *Dialect::Find(name), 160, 200);
  }
}

}  // namespace
}  // namespace rlsq
