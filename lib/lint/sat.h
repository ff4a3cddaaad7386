// Satisfiability of RLS predicates, for the linter (lib/lint/lint.h): can a predicate ever be TRUE for some row?
//
// A WHERE keeps the rows where its condition is TRUE, under SQL's three-valued logic. A clause is translated into a
// formula over atoms: per column, "is null", "is not null", comparisons with a constant (=, <>, <, <=, >, >=), IN and
// NOT IN lists; anything else (functions, column-vs-column, templates, subqueries, LIKE, casts, string ranges,
// whose order depends on the collation) becomes a free atom that may be TRUE, FALSE or NULL. The translation asks
// for each sub-expression "when is it TRUE", "when FALSE", "when NULL" (Want() in sat.cc), so NOT, IS [NOT]
// TRUE/FALSE/UNKNOWN and IS NULL on comparisons follow three-valued logic: NOT (x = 1) is TRUE only when x is not
// null and x <> 1.
//
// The search splits cases on OR (DPLL without learning) and checks each column's constraints when an atom is added.
// It only answers "unsatisfiable" when it has proved it; past its budget it answers kUnknown, which callers treat as
// satisfiable. The value rules are conservative for the same reason (Compare in sat.cc): 4 and 4.0 are equal;
// two strings are distinct only when both read as plain words (not as numbers, dates, booleans, uuids, ...) and
// differ in more than case or surrounding spaces; constants of different kinds are never assumed distinct.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lib/ast/ast.h"
#include "lib/dialect/dialect.h"

namespace rlsq::lint {

// A constant a column is compared with.
struct Constant {
  enum class Kind : uint8_t { kNumber, kString, kBool };
  Kind kind = Kind::kNumber;
  // kNumber: the exact value (-1)^negative * digits * 10^exponent, digits without leading or trailing zeros (empty
  // for zero), and the double PostgreSQL would compare for a float column.
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
  double approx = 0;
  std::string text;      // kString: the value
  bool boolean = false;  // kBool
};

// How two constants compare when they are values of the same column. kDistinct: different, order unknown (or not
// meaningful); kUnknown: they might be equal.
enum class Order : uint8_t { kLess, kEqual, kGreater, kDistinct, kUnknown };
Order Compare(const Constant& a, const Constant& b);

// A number written in SQL (42, 4.0, 1e3, .5), negated when `negate`; false for anything else (hex, underscores).
bool ParseNumber(std::string_view text, bool negate, Constant* out);

struct Atom {
  enum class Kind : uint8_t { kNull, kNotNull, kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn, kFree };
  Kind kind = Kind::kFree;
  uint32_t subject = 0;  // the column id, or the free atom's id
  uint8_t truth = 0;     // kFree: 0 TRUE, 1 FALSE, 2 NULL
  std::vector<Constant> values;  // one for a comparison, the list for IN / NOT IN
};

struct Formula {
  enum class Kind : uint8_t { kTrue, kFalse, kAnd, kOr, kAtom };
  Kind kind = Kind::kTrue;
  std::vector<const Formula*> children;  // kAnd, kOr
  uint32_t atom = 0;                     // kAtom: index into the analyzer's atoms
};

enum class Satisfiability : uint8_t { kSatisfiable, kUnsatisfiable, kUnknown };

// Translates clauses (cached per expression node) and decides conjunctions of them. Not thread-safe. Column names
// are one namespace: use one analyzer per table, or clauses whose columns all belong to the same table.
class Analyzer {
 public:
  explicit Analyzer(const Dialect& dialect) : dialect_(dialect) {}

  // When `clause` is TRUE. `templated`: the clause came from a template (lib/policy/template.h), so its string
  // literals holding template markers are values unknown until a request, i.e. free.
  const Formula* WhenTrue(const ast::Expr& clause, bool templated = false);

  // Formulas combined (simplified: an OR holding TRUE is TRUE, ...).
  const Formula* And(std::vector<const Formula*> children);
  const Formula* Or(std::vector<const Formula*> children);

  // Is the AND of `conjuncts` satisfiable? At most `budget` search steps (case splits and atoms added).
  Satisfiability Check(const std::vector<const Formula*>& conjuncts, size_t budget = 20000) const;

  const Atom& atom(uint32_t i) const { return atoms_[i]; }

 private:
  enum Truth : uint8_t { kT = 0, kF = 1, kN = 2 };
  struct Operand;
  const Formula* Want(const ast::Expr& e, Truth want, bool templated);
  const Formula* Compare(const ast::Expr& e, std::string_view op, const ast::Expr& left, const ast::Expr& right,
                         Truth want, bool templated);
  const Formula* Free(const ast::Expr& e, Truth want);
  Operand Classify(const ast::Expr& e, bool templated);
  uint32_t ColumnId(std::string_view name);
  const Formula* Const(bool value) const { return value ? &true_ : &false_; }
  const Formula* MakeAtom(Atom atom);
  const Formula* Column(Atom::Kind kind, uint32_t column, std::vector<Constant> values = {});

  const Dialect& dialect_;
  Formula true_{Formula::Kind::kTrue, {}, 0};
  Formula false_{Formula::Kind::kFalse, {}, 0};
  std::deque<Formula> formulas_;
  std::vector<Atom> atoms_;
  absl::flat_hash_map<std::string, uint32_t> columns_;
  absl::flat_hash_map<std::string, uint32_t> free_atoms_;  // printed expression -> free atom id
  uint32_t next_free_ = 0;
  size_t translate_limit_ = 0;  // formulas one clause may create (nested IS UNKNOWN tests grow exponentially)
  absl::flat_hash_map<const ast::Expr*, const Formula*> true_cache_;
};

}  // namespace rlsq::lint
