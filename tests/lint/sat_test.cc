// Satisfiability of clauses (lib/lint/sat.h): what the linter may call "can never be TRUE", under SQL's
// three-valued logic, and what it must leave alone.
#include "lib/lint/sat.h"

#include <gtest/gtest.h>

#include "lib/common/arena.h"
#include "lib/parser/parser.h"

namespace rlsq::lint {
namespace {

// The AND of `clauses`, each parsed as one expression.
Satisfiability Sat(std::vector<std::string> clauses, size_t budget = 20000) {
  Arena arena;
  Analyzer analyzer(Dialect::Postgres());
  std::vector<const Formula*> conjuncts;
  for (const std::string& c : clauses) {
    auto e = ParseExpression(c, arena);
    EXPECT_TRUE(e.ok()) << c << ": " << e.status();
    if (!e.ok()) return Satisfiability::kUnknown;
    conjuncts.push_back(analyzer.WhenTrue(**e));
  }
  return analyzer.Check(conjuncts, budget);
}

constexpr auto kSat = Satisfiability::kSatisfiable;
constexpr auto kUnsat = Satisfiability::kUnsatisfiable;

TEST(SatTest, Equalities) {
  EXPECT_EQ(Sat({"client_id = 4 AND client_id = 5"}), kUnsat);
  EXPECT_EQ(Sat({"client_id = 4", "client_id = 5"}), kUnsat);
  EXPECT_EQ(Sat({"client_id = 4", "client_id = 4"}), kSat);
  EXPECT_EQ(Sat({"client_id = 4", "other = 5"}), kSat);
  EXPECT_EQ(Sat({"4 = client_id", "client_id <> 4"}), kUnsat);  // constant on the left
  EXPECT_EQ(Sat({"client_id <> 4", "client_id <> 5"}), kSat);
  EXPECT_EQ(Sat({"client_id = -3", "client_id < -2"}), kSat);
  EXPECT_EQ(Sat({"client_id = -3", "client_id > -2"}), kUnsat);
}

TEST(SatTest, NumbersWrittenDifferentlyAreEqual) {
  EXPECT_EQ(Sat({"x = 4", "x = 4.0"}), kSat);
  EXPECT_EQ(Sat({"x = 4", "x = 40e-1"}), kSat);
  EXPECT_EQ(Sat({"x = 1e2", "x = 100"}), kSat);
  EXPECT_EQ(Sat({"x = 0.50", "x = .5"}), kSat);
  EXPECT_EQ(Sat({"x = -0", "x = 0"}), kSat);
  EXPECT_EQ(Sat({"x = 007", "x = 7"}), kSat);
  EXPECT_EQ(Sat({"x = 4", "x = 4.5"}), kUnsat);
  EXPECT_EQ(Sat({"x = 4", "x <> 4.0"}), kUnsat);
  // Decimals that differ but round to the same double may be equal in a float column.
  EXPECT_EQ(Sat({"x = 0.1", "x = 0.10000000000000000001"}), kSat);
}

TEST(SatTest, AndOrNot) {
  EXPECT_EQ(Sat({"(x = 1 OR x = 2) AND x = 3"}), kUnsat);
  EXPECT_EQ(Sat({"(x = 1 OR x = 2) AND x = 2"}), kSat);
  EXPECT_EQ(Sat({"(x = 1 OR y = 2) AND x = 3"}), kSat);
  EXPECT_EQ(Sat({"((x = 1)) AND (((x = 2)))"}), kUnsat);  // parentheses
  EXPECT_EQ(Sat({"NOT (x = 1 OR x = 2)", "x = 2"}), kUnsat);
  EXPECT_EQ(Sat({"NOT NOT (x = 1)", "x = 2"}), kUnsat);
  EXPECT_EQ(Sat({"(x = 1 AND y = 1) OR (x = 2 AND y = 2)", "x = 1", "y = 2"}), kUnsat);
  EXPECT_EQ(Sat({"(x = 1 AND y = 1) OR (x = 2 AND y = 2)", "x = 2", "y = 2"}), kSat);
}

TEST(SatTest, NotIsThreeValued) {
  // NOT (x = 1) is TRUE only when x is not null and x <> 1.
  EXPECT_EQ(Sat({"NOT (x = 1)", "x IS NULL"}), kUnsat);
  EXPECT_EQ(Sat({"NOT (x = 1)", "x = 2"}), kSat);
  EXPECT_EQ(Sat({"NOT (x = 1)", "x = 1"}), kUnsat);
  EXPECT_EQ(Sat({"NOT (x IS NOT NULL)", "x = 1"}), kUnsat);
  EXPECT_EQ(Sat({"NOT (x = 1 AND y = 2)", "x = 1", "y = 2"}), kUnsat);
  EXPECT_EQ(Sat({"NOT (x = 1 AND y = 2)", "x = 1"}), kSat);
  // x = 1 is TRUE and y = 2 is NULL: the AND is NULL, and so is its NOT.
  EXPECT_EQ(Sat({"NOT (x = 1 AND y = 2)", "x = 1", "y IS NULL"}), kUnsat);
  EXPECT_EQ(Sat({"NOT (x = 1 OR y = 2)", "y IS NULL"}), kUnsat);
  EXPECT_EQ(Sat({"x <> 1", "x IS NULL"}), kUnsat);
  // IS [NOT] TRUE / FALSE / UNKNOWN are never NULL themselves.
  EXPECT_EQ(Sat({"(x = 1) IS NOT TRUE", "x = 1"}), kUnsat);
  EXPECT_EQ(Sat({"(x = 1) IS NOT TRUE", "x IS NULL"}), kSat);
  EXPECT_EQ(Sat({"(x = 1) IS UNKNOWN", "x = 2"}), kUnsat);
  EXPECT_EQ(Sat({"(x = 1) IS UNKNOWN", "x IS NULL"}), kSat);
  EXPECT_EQ(Sat({"(x = 1) IS FALSE", "x IS NULL"}), kUnsat);
  EXPECT_EQ(Sat({"(x = 1 AND y = 1) IS NULL", "x = 1", "y = 1"}), kUnsat);
  EXPECT_EQ(Sat({"(x = 1 AND y = 1) IS NULL", "x = 1", "y IS NULL"}), kSat);
}

TEST(SatTest, InLists) {
  EXPECT_EQ(Sat({"x IN (1, 2)", "x IN (3, 4)"}), kUnsat);
  EXPECT_EQ(Sat({"x IN (1, 2)", "x IN (2, 3)"}), kSat);
  EXPECT_EQ(Sat({"x IN (1, 2)", "x NOT IN (1, 2)"}), kUnsat);
  EXPECT_EQ(Sat({"x IN (1, 2)", "x NOT IN (1)"}), kSat);
  EXPECT_EQ(Sat({"x IN (1, 2)", "x = 3"}), kUnsat);
  EXPECT_EQ(Sat({"x IN (1, 2)", "x <> 1", "x <> 2.0"}), kUnsat);
  EXPECT_EQ(Sat({"NOT (x IN (1, 2))", "x = 1"}), kUnsat);
  // NULL in a list: x IN (1, NULL) is TRUE only for 1; x NOT IN (1, NULL) is never TRUE.
  EXPECT_EQ(Sat({"x IN (1, NULL)", "x = 2"}), kUnsat);
  EXPECT_EQ(Sat({"x IN (1, NULL)", "x = 1"}), kSat);
  EXPECT_EQ(Sat({"x NOT IN (1, NULL)"}), kUnsat);
  EXPECT_EQ(Sat({"x IN (NULL)"}), kUnsat);
  EXPECT_EQ(Sat({"x IN ('EUROPE', 'ASIA')", "x IN ('AFRICA')"}), kUnsat);
}

TEST(SatTest, BetweenAndRanges) {
  EXPECT_EQ(Sat({"x > 5 AND x < 3"}), kUnsat);
  EXPECT_EQ(Sat({"x > 5", "x < 5"}), kUnsat);
  EXPECT_EQ(Sat({"x > 5", "x <= 5"}), kUnsat);
  EXPECT_EQ(Sat({"x >= 5", "x < 5"}), kUnsat);
  EXPECT_EQ(Sat({"x >= 5", "x <= 5"}), kSat);
  EXPECT_EQ(Sat({"x >= 5", "x <= 5", "x <> 5"}), kUnsat);
  EXPECT_EQ(Sat({"x >= 5", "x <= 5.0", "x NOT IN (5)"}), kUnsat);
  EXPECT_EQ(Sat({"x > 1", "x < 2"}), kSat);  // the column's type is unknown: numeric has values in between
  EXPECT_EQ(Sat({"x >= 1", "x <= 3", "x <> 2"}), kSat);
  EXPECT_EQ(Sat({"x > 5", "x = 5"}), kUnsat);
  EXPECT_EQ(Sat({"x >= 5", "x = 5"}), kSat);
  EXPECT_EQ(Sat({"x BETWEEN 1 AND 5", "x > 5"}), kUnsat);
  EXPECT_EQ(Sat({"x BETWEEN 1 AND 5", "x >= 5"}), kSat);
  EXPECT_EQ(Sat({"x BETWEEN 5 AND 1"}), kUnsat);  // an empty range
  EXPECT_EQ(Sat({"x BETWEEN SYMMETRIC 5 AND 1", "x = 3"}), kSat);
  EXPECT_EQ(Sat({"x NOT BETWEEN 1 AND 5", "x = 3"}), kUnsat);
  EXPECT_EQ(Sat({"x NOT BETWEEN 1 AND 5", "x = 6"}), kSat);
  EXPECT_EQ(Sat({"x NOT BETWEEN 1 AND 5", "x IS NULL"}), kUnsat);
  EXPECT_EQ(Sat({"NOT (x > 5)", "x > 6"}), kUnsat);
}

TEST(SatTest, IsNull) {
  EXPECT_EQ(Sat({"x IS NULL", "x = 1"}), kUnsat);
  EXPECT_EQ(Sat({"x IS NULL", "x IS NOT NULL"}), kUnsat);
  EXPECT_EQ(Sat({"x ISNULL", "x > 0"}), kUnsat);
  EXPECT_EQ(Sat({"x NOTNULL", "x IS NULL"}), kUnsat);
  EXPECT_EQ(Sat({"x IS NULL", "y = 1"}), kSat);
  EXPECT_EQ(Sat({"x IS NULL", "x IN (1, 2)"}), kUnsat);
  EXPECT_EQ(Sat({"x IS DISTINCT FROM 1", "x IS NULL"}), kSat);
  EXPECT_EQ(Sat({"x IS NOT DISTINCT FROM 1", "x IS NULL"}), kUnsat);
  EXPECT_EQ(Sat({"x IS NOT DISTINCT FROM NULL", "x = 1"}), kUnsat);
  EXPECT_EQ(Sat({"x = NULL"}), kUnsat);  // NULL, never TRUE
}

TEST(SatTest, Strings) {
  EXPECT_EQ(Sat({"region = 'EUROPE'", "region = 'ASIA'"}), kUnsat);
  EXPECT_EQ(Sat({"region = 'EUROPE'", "region = 'EUROPE'"}), kSat);
  EXPECT_EQ(Sat({"region = 'EUROPE'", "region <> 'EUROPE'"}), kUnsat);
  EXPECT_EQ(Sat({"region IN ('EUROPE', 'ASIA')", "region = 'AFRICA'"}), kUnsat);
  EXPECT_EQ(Sat({"region = 'New York'", "region = 'Boston'"}), kUnsat);
  // Different spellings of one value of a non-text type, case-insensitive collations, char(n) padding: maybe equal.
  EXPECT_EQ(Sat({"code = '4'", "code = '04'"}), kSat);
  EXPECT_EQ(Sat({"d = '2020-01-01'", "d = '2020-1-1'"}), kSat);
  EXPECT_EQ(Sat({"flag = 't'", "flag = 'true'"}), kSat);
  EXPECT_EQ(Sat({"f = 'yes'", "f = 'on'"}), kSat);
  EXPECT_EQ(Sat({"region = 'Europe'", "region = 'EUROPE'"}), kSat);
  EXPECT_EQ(Sat({"region = 'EUROPE'", "region = 'EUROPE '"}), kSat);
  EXPECT_EQ(Sat({"x = 'infinity'", "x = 'Infinity'"}), kSat);
  // A string and a number are never assumed distinct ('4' is 4 for an integer column).
  EXPECT_EQ(Sat({"x = '4'", "x = 4"}), kSat);
  EXPECT_EQ(Sat({"x = 'EUROPE'", "x = 4"}), kSat);
  // String order depends on the collation: not modelled.
  EXPECT_EQ(Sat({"region < 'B'", "region > 'C'"}), kSat);
  EXPECT_EQ(Sat({"region BETWEEN 'C' AND 'B'"}), kSat);
}

TEST(SatTest, ConstantsAndBooleans) {
  EXPECT_EQ(Sat({"1 = 0"}), kUnsat);
  EXPECT_EQ(Sat({"1 = 1"}), kSat);
  EXPECT_EQ(Sat({"1 <> 1"}), kUnsat);
  EXPECT_EQ(Sat({"2 < 1"}), kUnsat);
  EXPECT_EQ(Sat({"NOT (1 = 0)"}), kSat);
  EXPECT_EQ(Sat({"'a' = 'b'"}), kUnsat);
  EXPECT_EQ(Sat({"TRUE"}), kSat);
  EXPECT_EQ(Sat({"FALSE"}), kUnsat);
  EXPECT_EQ(Sat({"NULL"}), kUnsat);
  EXPECT_EQ(Sat({"NOT NULL::boolean IS NULL"}), kSat);
  EXPECT_EQ(Sat({"1 = 0 OR x = 1"}), kSat);
  EXPECT_EQ(Sat({"1 = 0 OR FALSE OR NULL"}), kUnsat);
  EXPECT_EQ(Sat({"active", "NOT active"}), kUnsat);
  EXPECT_EQ(Sat({"active", "active IS NULL"}), kUnsat);
  EXPECT_EQ(Sat({"active = TRUE", "active IS FALSE"}), kUnsat);
  EXPECT_EQ(Sat({"active", "active IS NOT FALSE"}), kSat);
}

TEST(SatTest, FreeAtomsAreNeverProvedFalse) {
  EXPECT_EQ(Sat({"lower(name) = 'a'", "lower(name) = 'b'"}), kSat);
  EXPECT_EQ(Sat({"a = b", "a <> b"}), kSat);
  EXPECT_EQ(Sat({"x::int = 1", "x::int = 2"}), kSat);
  EXPECT_EQ(Sat({"x = (SELECT 1)", "x = (SELECT 2)"}), kSat);
  EXPECT_EQ(Sat({"x IN (SELECT a FROM t)", "x IS NULL"}), kSat);
  EXPECT_EQ(Sat({"name LIKE 'a%'", "name LIKE 'b%'"}), kSat);
  EXPECT_EQ(Sat({"x = y + 1", "x = 2", "y = 5"}), kSat);
  EXPECT_EQ(Sat({"x = DATE '2020-01-01'", "x = DATE '2020-1-1'"}), kSat);
  EXPECT_EQ(Sat({"x IN (1, y)", "x = 2"}), kSat);
  // The very same expression cannot be TRUE and FALSE at once, unless it may differ between evaluations.
  EXPECT_EQ(Sat({"name LIKE 'a%'", "NOT (name LIKE 'a%')"}), kUnsat);
  EXPECT_EQ(Sat({"random() > 0.5", "NOT (random() > 0.5)"}), kSat);
}

TEST(SatTest, GivesUpPastTheBudget) {
  EXPECT_EQ(Sat({"(x = 1 OR x = 2)", "x = 3"}, /*budget=*/1), Satisfiability::kUnknown);
  EXPECT_EQ(Sat({"(x = 1 OR x = 2)", "x = 3"}), kUnsat);
  // Many independent splits: bounded, answered either way but never wrongly "unsatisfiable".
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i) many.push_back("(a" + std::to_string(i) + " = 1 OR a" + std::to_string(i) + " = 2)");
  many.push_back("z = 1 OR z = 2");
  EXPECT_NE(Sat(many, 1000), kUnsat);
}

TEST(SatTest, CompareConstants) {
  Constant a, b;
  ASSERT_TRUE(ParseNumber("4", false, &a));
  ASSERT_TRUE(ParseNumber("4.000", false, &b));
  EXPECT_EQ(Compare(a, b), Order::kEqual);
  ASSERT_TRUE(ParseNumber("12", false, &b));
  EXPECT_EQ(Compare(a, b), Order::kLess);
  ASSERT_TRUE(ParseNumber("12", true, &b));
  EXPECT_EQ(Compare(a, b), Order::kGreater);
  ASSERT_TRUE(ParseNumber("1.5e1", false, &b));
  EXPECT_EQ(Compare(a, b), Order::kLess);
  EXPECT_FALSE(ParseNumber("1_000", false, &b));
  EXPECT_FALSE(ParseNumber("0x1F", false, &b));
  EXPECT_FALSE(ParseNumber("1e", false, &b));
}

}  // namespace
}  // namespace rlsq::lint
