#include "lib/common/ascii.h"
#include "lib/lint/sat.h"

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "lib/ast/ast_util.h"
#include "lib/common/str_cat.h"
#include "lib/printer/printer.h"

namespace rlsq::lint {

namespace {

int Sign(const Constant& c) { return c.digits.empty() ? 0 : (c.negative ? -1 : 1); }

// Exact comparison of two numbers: -1, 0, 1.
int CompareExact(const Constant& a, const Constant& b) {
  int sa = Sign(a), sb = Sign(b);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  // Magnitude: the position of the most significant digit, then the digits (no trailing zeros, so a shorter
  // string that is a prefix of the other is the smaller number).
  int64_t ma = static_cast<int64_t>(a.digits.size()) + a.exponent;
  int64_t mb = static_cast<int64_t>(b.digits.size()) + b.exponent;
  int m = ma != mb ? (ma < mb ? -1 : 1) : a.digits.compare(b.digits);
  m = m < 0 ? -1 : (m > 0 ? 1 : 0);
  return sa < 0 ? -m : m;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string TrimLower(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return AsciiLower(s);
}

bool IsPrefixOf(std::string_view s, std::string_view word) { return !s.empty() && word.substr(0, s.size()) == s; }

// A string that can only be a text value: compared with a column of another type (numbers, dates, booleans,
// uuids, intervals, ...) it would be read as that type, and two different spellings could be the same value
// ('4' and '04', 't' and 'true', '2020-01-01' and '2020-1-1'). Plain words have no digits, start with a letter and
// are not a boolean spelling or a special value word.
bool IsPlainText(std::string_view s) {
  std::string t = TrimLower(s);
  if (t.empty()) return true;
  for (char c : t)
    if (c >= '0' && c <= '9') return false;
  unsigned char first = static_cast<unsigned char>(t[0]);
  if (!((first >= 'a' && first <= 'z') || first >= 0x80)) return false;
  // PostgreSQL's boolean input accepts any prefix of true, false, yes, no, and of on / off from two letters on.
  for (std::string_view w : {"true", "false", "yes", "no"})
    if (IsPrefixOf(t, w)) return false;
  if (t.size() >= 2 && (IsPrefixOf(t, "on") || IsPrefixOf(t, "off"))) return false;
  for (std::string_view w : {"inf", "infinity", "nan", "epoch", "now", "today", "tomorrow", "yesterday", "allballs"})
    if (t == w) return false;
  if (t.size() >= 32 && t.find_first_not_of("abcdef-{}") == std::string::npos) return false;  // a uuid
  return true;
}

// A template marker in a string literal: `$` and 7 digits (lib/policy/template.h, MarkerText).
bool HasMarker(std::string_view s) {
  for (size_t i = s.find('$'); i != std::string_view::npos; i = s.find('$', i + 1)) {
    size_t k = i + 1;
    while (k < s.size() && s[k] >= '0' && s[k] <= '9') ++k;
    if (k - i - 1 >= 7) return true;
  }
  return false;
}

const ast::Expr& StripParens(const ast::Expr& e) {
  const ast::Expr* p = &e;
  while (const auto* paren = p->As<ast::Paren>()) p = paren->expr;
  return *p;
}

// Expressions whose two occurrences may differ (volatile functions, subqueries over changing data): never
// identified with each other as free atoms.
bool MayDiffer(const ast::Node& n) {
  if (n.Is<ast::FuncCall>() || n.Is<ast::SpecialFunc>() || n.Is<ast::SubqueryExpr>()) return true;
  bool found = false;
  ast::EnumerateChildren(const_cast<ast::Node&>(n), [&](ast::Node& child) { found = found || MayDiffer(child); });
  return found;
}

Atom::Kind ComparisonKind(std::string_view op) {
  if (op == "=") return Atom::Kind::kEq;
  if (op == "<>") return Atom::Kind::kNe;
  if (op == "<") return Atom::Kind::kLt;
  if (op == "<=") return Atom::Kind::kLe;
  if (op == ">") return Atom::Kind::kGt;
  if (op == ">=") return Atom::Kind::kGe;
  return Atom::Kind::kFree;
}

Atom::Kind Negate(Atom::Kind k) {
  switch (k) {
    case Atom::Kind::kEq: return Atom::Kind::kNe;
    case Atom::Kind::kNe: return Atom::Kind::kEq;
    case Atom::Kind::kLt: return Atom::Kind::kGe;
    case Atom::Kind::kLe: return Atom::Kind::kGt;
    case Atom::Kind::kGt: return Atom::Kind::kLe;
    case Atom::Kind::kGe: return Atom::Kind::kLt;
    default: return k;
  }
}

// `c op x` as `x op' c`.
Atom::Kind Mirror(Atom::Kind k) {
  switch (k) {
    case Atom::Kind::kLt: return Atom::Kind::kGt;
    case Atom::Kind::kLe: return Atom::Kind::kGe;
    case Atom::Kind::kGt: return Atom::Kind::kLt;
    case Atom::Kind::kGe: return Atom::Kind::kLe;
    default: return k;
  }
}

bool IsRange(Atom::Kind k) {
  return k == Atom::Kind::kLt || k == Atom::Kind::kLe || k == Atom::Kind::kGt || k == Atom::Kind::kGe;
}

// Does `x = c` definitely violate `a`? (False when it might hold.)
bool Violates(const Constant& c, const Atom& a) {
  auto order = [&](const Constant& v) { return Compare(c, v); };
  auto differs = [](Order o) { return o == Order::kLess || o == Order::kGreater || o == Order::kDistinct; };
  switch (a.kind) {
    case Atom::Kind::kEq: return differs(order(a.values[0]));
    case Atom::Kind::kNe: return order(a.values[0]) == Order::kEqual;
    case Atom::Kind::kLt: { Order o = order(a.values[0]); return o == Order::kEqual || o == Order::kGreater; }
    case Atom::Kind::kLe: return order(a.values[0]) == Order::kGreater;
    case Atom::Kind::kGt: { Order o = order(a.values[0]); return o == Order::kEqual || o == Order::kLess; }
    case Atom::Kind::kGe: return order(a.values[0]) == Order::kLess;
    case Atom::Kind::kIn:
      for (const Constant& v : a.values)
        if (!differs(order(v))) return false;
      return true;
    case Atom::Kind::kNotIn:
      for (const Constant& v : a.values)
        if (order(v) == Order::kEqual) return true;
      return false;
    default: return false;
  }
}

bool Allowed(const Constant& c, const std::vector<const Atom*>& atoms) {
  for (const Atom* a : atoms)
    if (Violates(c, *a)) return false;
  return true;
}

// Can one column satisfy all of `atoms` at once? False only when provably not. Numbers are dense (the column's
// type is unknown: numeric has a value between any two), other domains unbounded.
bool ColumnSatisfiable(const std::vector<const Atom*>& atoms) {
  bool is_null = false, other = false;
  for (const Atom* a : atoms) (a->kind == Atom::Kind::kNull ? is_null : other) = true;
  if (is_null) return !other;  // every other atom needs a value
  // A value pinned to a finite set: some candidate of the smallest such set must survive every atom.
  const std::vector<Constant>* pinned = nullptr;
  for (const Atom* a : atoms)
    if ((a->kind == Atom::Kind::kEq || a->kind == Atom::Kind::kIn) && (!pinned || a->values.size() < pinned->size()))
      pinned = &a->values;
  if (pinned) {
    for (const Constant& c : *pinned)
      if (Allowed(c, atoms)) return true;
    return false;
  }
  // Ranges: intervals on a line meet when every two of them meet. When a lower and an upper bound meet in one
  // point, that point must survive the exclusions (<>, NOT IN).
  for (const Atom* lo : atoms) {
    if (lo->kind != Atom::Kind::kGt && lo->kind != Atom::Kind::kGe) continue;
    for (const Atom* hi : atoms) {
      if (hi->kind != Atom::Kind::kLt && hi->kind != Atom::Kind::kLe) continue;
      Order o = Compare(lo->values[0], hi->values[0]);
      if (o == Order::kGreater) return false;
      if (o == Order::kEqual) {
        if (lo->kind == Atom::Kind::kGt || hi->kind == Atom::Kind::kLt) return false;
        if (!Allowed(lo->values[0], atoms)) return false;
      }
    }
  }
  return true;
}

}  // namespace

Order Compare(const Constant& a, const Constant& b) {
  if (a.kind != b.kind) return Order::kUnknown;
  switch (a.kind) {
    case Constant::Kind::kNumber: {
      int exact = CompareExact(a, b);
      // A float column compares doubles: decimals that round to the same double (or disagree in order) may be
      // equal there.
      int approx = a.approx < b.approx ? -1 : (a.approx > b.approx ? 1 : 0);
      if (exact != approx) return Order::kUnknown;
      return exact < 0 ? Order::kLess : (exact > 0 ? Order::kGreater : Order::kEqual);
    }
    case Constant::Kind::kBool: return a.boolean == b.boolean ? Order::kEqual : Order::kDistinct;
    case Constant::Kind::kString:
      if (a.text == b.text) return Order::kEqual;
      if (!IsPlainText(a.text) || !IsPlainText(b.text)) return Order::kUnknown;
      // Case-insensitive collations, citext and char(n) padding could make these equal.
      if (TrimLower(a.text) == TrimLower(b.text)) return Order::kUnknown;
      return Order::kDistinct;
  }
  return Order::kUnknown;
}

bool ParseNumber(std::string_view text, bool negate, Constant* out) {
  std::string mantissa;
  int64_t exponent = 0;
  size_t i = 0;
  bool dot = false, any = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      mantissa.push_back(c);
      if (dot) --exponent;
      any = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return false;
    ++i;
    bool minus = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) minus = text[i++] == '-';
    size_t start = i;
    int64_t e = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (i - start >= 9) return false;  // absurd exponents: not modelled
      e = e * 10 + (text[i] - '0');
    }
    if (i == start || i != text.size()) return false;
    exponent += minus ? -e : e;
  }
  size_t lead = mantissa.find_first_not_of('0');
  if (lead == std::string::npos) {
    mantissa.clear();
  } else {
    mantissa.erase(0, lead);
    size_t trail = mantissa.find_last_not_of('0');
    exponent += static_cast<int64_t>(mantissa.size() - trail - 1);
    mantissa.erase(trail + 1);
  }
  out->kind = Constant::Kind::kNumber;
  out->digits = std::move(mantissa);
  out->exponent = exponent;
  out->negative = negate && !out->digits.empty();
  double d = std::strtod(std::string(text).c_str(), nullptr);
  out->approx = negate ? -d : d;
  return true;
}

struct Analyzer::Operand {
  enum class Kind : uint8_t { kColumn, kConst, kNull, kOther };
  Kind kind = Kind::kOther;
  uint32_t column = 0;
  Constant value;
};

Analyzer::Operand Analyzer::Classify(const ast::Expr& expr, bool templated) {
  const ast::Expr& e = StripParens(expr);
  Operand op;
  if (const auto* c = e.As<ast::ColumnRef>()) {
    if (c->parts.size() == 1 && !c->star) {
      op.kind = Operand::Kind::kColumn;
      op.column = ColumnId(c->parts[0].text);
    }
    return op;
  }
  const ast::Literal* lit = e.As<ast::Literal>();
  bool negate = false;
  if (const auto* u = e.As<ast::UnaryOp>(); u && (u->op == "-" || u->op == "+")) {
    lit = StripParens(*u->operand).As<ast::Literal>();
    negate = u->op == "-";
    if (lit && lit->literal_kind != ast::LiteralKind::kInteger && lit->literal_kind != ast::LiteralKind::kNumeric)
      return op;
  }
  if (!lit) return op;
  switch (lit->literal_kind) {
    case ast::LiteralKind::kInteger:
    case ast::LiteralKind::kNumeric:
      if (ParseNumber(lit->value, negate, &op.value)) op.kind = Operand::Kind::kConst;
      break;
    case ast::LiteralKind::kString:
      if (templated && HasMarker(lit->value)) break;  // a value bound per request
      op.kind = Operand::Kind::kConst;
      op.value.kind = Constant::Kind::kString;
      op.value.text = std::string(lit->value);
      break;
    case ast::LiteralKind::kBoolean:
      op.kind = Operand::Kind::kConst;
      op.value.kind = Constant::Kind::kBool;
      op.value.boolean = lit->value == "true";
      break;
    case ast::LiteralKind::kNull: op.kind = Operand::Kind::kNull; break;
    default: break;
  }
  return op;
}

uint32_t Analyzer::ColumnId(std::string_view name) {
  auto [it, inserted] = columns_.emplace(std::string(name), static_cast<uint32_t>(columns_.size()));
  return it->second;
}

const Formula* Analyzer::MakeAtom(Atom atom) {
  atoms_.push_back(std::move(atom));
  Formula& f = formulas_.emplace_back();
  f.kind = Formula::Kind::kAtom;
  f.atom = static_cast<uint32_t>(atoms_.size() - 1);
  return &f;
}

const Formula* Analyzer::Column(Atom::Kind kind, uint32_t column, std::vector<Constant> values) {
  Atom a;
  a.kind = kind;
  a.subject = column;
  a.values = std::move(values);
  return MakeAtom(std::move(a));
}

const Formula* Analyzer::Free(const ast::Expr& e, Truth want) {
  uint32_t id;
  if (MayDiffer(e)) {
    id = next_free_++;
  } else {
    PrintOptions print;
    print.dialect = &dialect_;
    auto [it, inserted] = free_atoms_.emplace(Print(e, print), next_free_);
    if (inserted) ++next_free_;
    id = it->second;
  }
  Atom a;
  a.kind = Atom::Kind::kFree;
  a.subject = id;
  a.truth = want;
  return MakeAtom(std::move(a));
}

const Formula* Analyzer::And(std::vector<const Formula*> children) {
  std::vector<const Formula*> kept;
  for (const Formula* c : children) {
    if (c->kind == Formula::Kind::kFalse) return &false_;
    if (c->kind == Formula::Kind::kTrue) continue;
    if (c->kind == Formula::Kind::kAnd) {
      kept.insert(kept.end(), c->children.begin(), c->children.end());
    } else {
      kept.push_back(c);
    }
  }
  if (kept.empty()) return &true_;
  if (kept.size() == 1) return kept[0];
  Formula& f = formulas_.emplace_back();
  f.kind = Formula::Kind::kAnd;
  f.children = std::move(kept);
  return &f;
}

const Formula* Analyzer::Or(std::vector<const Formula*> children) {
  std::vector<const Formula*> kept;
  for (const Formula* c : children) {
    if (c->kind == Formula::Kind::kTrue) return &true_;
    if (c->kind == Formula::Kind::kFalse) continue;
    if (c->kind == Formula::Kind::kOr) {
      kept.insert(kept.end(), c->children.begin(), c->children.end());
    } else {
      kept.push_back(c);
    }
  }
  if (kept.empty()) return &false_;
  if (kept.size() == 1) return kept[0];
  Formula& f = formulas_.emplace_back();
  f.kind = Formula::Kind::kOr;
  f.children = std::move(kept);
  return &f;
}

const Formula* Analyzer::WhenTrue(const ast::Expr& clause, bool templated) {
  auto it = true_cache_.find(&clause);
  if (it != true_cache_.end()) return it->second;
  translate_limit_ = formulas_.size() + 100000;
  const Formula* f = Want(clause, kT, templated);
  true_cache_.emplace(&clause, f);
  return f;
}

// `left op right` for a comparison operator.
const Formula* Analyzer::Compare(const ast::Expr& e, std::string_view op, const ast::Expr& left,
                                 const ast::Expr& right, Truth want, bool templated) {
  Atom::Kind kind = ComparisonKind(op);
  Operand l = Classify(left, templated), r = Classify(right, templated);
  if (l.kind == Operand::Kind::kNull || r.kind == Operand::Kind::kNull) return Const(want == kN);  // strict operators
  if (l.kind == Operand::Kind::kConst && r.kind == Operand::Kind::kColumn) {
    std::swap(l, r);
    kind = Mirror(kind);
  }
  if (l.kind == Operand::Kind::kColumn && r.kind == Operand::Kind::kConst) {
    // String and boolean order depends on the collation or is not meaningful here: not modelled.
    if (IsRange(kind) && r.value.kind != Constant::Kind::kNumber) return Free(e, want);
    if (want == kN) return Column(Atom::Kind::kNull, l.column);
    return Column(want == kT ? kind : Negate(kind), l.column, {r.value});
  }
  if (l.kind == Operand::Kind::kConst && r.kind == Operand::Kind::kConst) {
    Order o = lint::Compare(l.value, r.value);
    int result = -1;  // -1 unknown, 0 false, 1 true
    switch (kind) {
      case Atom::Kind::kEq:
      case Atom::Kind::kNe:
        if (o == Order::kEqual) result = 1;
        if (o == Order::kLess || o == Order::kGreater || o == Order::kDistinct) result = 0;
        if (result >= 0 && kind == Atom::Kind::kNe) result = 1 - result;
        break;
      case Atom::Kind::kLt: result = o == Order::kLess ? 1 : (o == Order::kEqual || o == Order::kGreater ? 0 : -1); break;
      case Atom::Kind::kLe: result = o == Order::kLess || o == Order::kEqual ? 1 : (o == Order::kGreater ? 0 : -1); break;
      case Atom::Kind::kGt: result = o == Order::kGreater ? 1 : (o == Order::kEqual || o == Order::kLess ? 0 : -1); break;
      case Atom::Kind::kGe: result = o == Order::kGreater || o == Order::kEqual ? 1 : (o == Order::kLess ? 0 : -1); break;
      default: break;
    }
    if (result >= 0) return Const(want == kN ? false : (want == kT) == (result == 1));
  }
  return Free(e, want);
}

// When `expr` has the truth value `want`.
const Formula* Analyzer::Want(const ast::Expr& expr, Truth want, bool templated) {
  const ast::Expr& e = StripParens(expr);
  if (formulas_.size() > translate_limit_) return Free(e, want);  // past the translation budget: not modelled
  if (const auto* b = e.As<ast::BinaryOp>()) {
    if (b->op == "AND" || b->op == "OR") {
      // OR is AND with TRUE and FALSE swapped.
      const Truth keep = b->op == "AND" ? kT : kF, kill = b->op == "AND" ? kF : kT;
      const ast::Expr& l = *b->left;
      const ast::Expr& r = *b->right;
      if (want == keep) return And({Want(l, keep, templated), Want(r, keep, templated)});
      if (want == kill) return Or({Want(l, kill, templated), Want(r, kill, templated)});
      // NULL: neither side kills it, and at least one side is NULL.
      return And({Or({Want(l, keep, templated), Want(l, kN, templated)}),
                  Or({Want(r, keep, templated), Want(r, kN, templated)}),
                  Or({Want(l, kN, templated), Want(r, kN, templated)})});
    }
    if (ComparisonKind(b->op) != Atom::Kind::kFree) return Compare(e, b->op, *b->left, *b->right, want, templated);
    return Free(e, want);
  }
  if (const auto* u = e.As<ast::UnaryOp>(); u && u->op == "NOT")
    return Want(*u->operand, want == kT ? kF : (want == kF ? kT : kN), templated);
  if (const auto* in = e.As<ast::InList>()) {
    Operand x = Classify(*in->expr, templated);
    if (x.kind != Operand::Kind::kColumn) return Free(e, want);
    std::vector<Constant> values;
    bool has_null = false;
    for (const ast::Expr* item : in->list) {
      Operand v = Classify(*item, templated);
      if (v.kind == Operand::Kind::kNull) {
        has_null = true;
      } else if (v.kind == Operand::Kind::kConst) {
        values.push_back(std::move(v.value));
      } else {
        return Free(e, want);
      }
    }
    Truth w = in->negated && want != kN ? (want == kT ? kF : kT) : want;
    if (w == kT) return values.empty() ? Const(false) : Column(Atom::Kind::kIn, x.column, values);
    if (w == kF) return has_null ? Const(false) : Column(Atom::Kind::kNotIn, x.column, values);
    // NULL: x is null, or a NULL in the list meets a value that matches none of the others.
    if (!has_null) return Column(Atom::Kind::kNull, x.column);
    if (values.empty()) return Const(true);
    return Or({Column(Atom::Kind::kNull, x.column), Column(Atom::Kind::kNotIn, x.column, values)});
  }
  if (const auto* bt = e.As<ast::Between>()) {
    Operand x = Classify(*bt->expr, templated), lo = Classify(*bt->low, templated), hi = Classify(*bt->high, templated);
    if (x.kind != Operand::Kind::kColumn || lo.kind != Operand::Kind::kConst || hi.kind != Operand::Kind::kConst ||
        lo.value.kind != Constant::Kind::kNumber || hi.value.kind != Constant::Kind::kNumber)
      return Free(e, want);
    if (bt->symmetric) {
      Order o = lint::Compare(lo.value, hi.value);
      if (o == Order::kUnknown) return Free(e, want);
      if (o == Order::kGreater) std::swap(lo, hi);
    }
    if (want == kN) return Column(Atom::Kind::kNull, x.column);
    Truth w = bt->negated ? (want == kT ? kF : kT) : want;
    if (w == kT)
      return And({Column(Atom::Kind::kGe, x.column, {lo.value}), Column(Atom::Kind::kLe, x.column, {hi.value})});
    return Or({Column(Atom::Kind::kLt, x.column, {lo.value}), Column(Atom::Kind::kGt, x.column, {hi.value})});
  }
  if (const auto* is = e.As<ast::IsTest>()) {
    if (want == kN && is->test != ast::IsTestKind::kDistinctFrom) return Const(false);  // IS tests are never NULL
    switch (is->test) {
      case ast::IsTestKind::kNull:
      case ast::IsTestKind::kIsNullPostfix:
      case ast::IsTestKind::kNotNullPostfix: {
        const bool null_test = is->test != ast::IsTestKind::kNotNullPostfix;
        const bool true_when_null = null_test != is->negated;
        const bool want_null = (want == kT) == true_when_null;  // want is kT or kF here
        Operand x = Classify(*is->expr, templated);
        if (x.kind == Operand::Kind::kColumn)
          return Column(want_null ? Atom::Kind::kNull : Atom::Kind::kNotNull, x.column);
        if (x.kind == Operand::Kind::kNull) return Const(want_null);
        if (x.kind == Operand::Kind::kConst) return Const(!want_null);
        if (is->expr->Is<ast::RowCtor>() || StripParens(*is->expr).Is<ast::RowCtor>()) return Free(e, want);
        if (want_null) return Want(*is->expr, kN, templated);
        return Or({Want(*is->expr, kT, templated), Want(*is->expr, kF, templated)});
      }
      case ast::IsTestKind::kTrue:
      case ast::IsTestKind::kFalse:
      case ast::IsTestKind::kUnknown: {
        const Truth target = is->test == ast::IsTestKind::kTrue ? kT : (is->test == ast::IsTestKind::kFalse ? kF : kN);
        const bool want_target = (want == kT) != is->negated;
        if (want_target) return Want(*is->expr, target, templated);
        std::vector<const Formula*> others;
        for (Truth t : {kT, kF, kN})
          if (t != target) others.push_back(Want(*is->expr, t, templated));
        return Or(std::move(others));
      }
      case ast::IsTestKind::kDistinctFrom: {
        if (want == kN) return Const(false);
        if (!is->rhs) return Free(e, want);
        Operand l = Classify(*is->expr, templated), r = Classify(*is->rhs, templated);
        if (l.kind != Operand::Kind::kColumn) std::swap(l, r);
        // want_distinct: the row must be one where the two sides are distinct.
        const bool want_distinct = (want == kT) != is->negated;
        if (l.kind == Operand::Kind::kColumn && r.kind == Operand::Kind::kNull)
          return Column(want_distinct ? Atom::Kind::kNotNull : Atom::Kind::kNull, l.column);
        if (l.kind == Operand::Kind::kColumn && r.kind == Operand::Kind::kConst) {
          if (!want_distinct) return Column(Atom::Kind::kEq, l.column, {r.value});
          return Or({Column(Atom::Kind::kNull, l.column), Column(Atom::Kind::kNe, l.column, {r.value})});
        }
        if (l.kind == Operand::Kind::kNull && r.kind == Operand::Kind::kNull) return Const(!want_distinct);
        if ((l.kind == Operand::Kind::kNull) != (r.kind == Operand::Kind::kNull) &&
            l.kind != Operand::Kind::kOther && r.kind != Operand::Kind::kOther)
          return Const(want_distinct);
        if (l.kind == Operand::Kind::kConst && r.kind == Operand::Kind::kConst) {
          Order o = lint::Compare(l.value, r.value);
          if (o == Order::kEqual) return Const(!want_distinct);
          if (o != Order::kUnknown) return Const(want_distinct);
        }
        return Free(e, want);
      }
    }
  }
  if (const auto* lit = e.As<ast::Literal>()) {
    if (lit->literal_kind == ast::LiteralKind::kBoolean) return Const(want == (lit->value == "true" ? kT : kF));
    if (lit->literal_kind == ast::LiteralKind::kNull) return Const(want == kN);
    return Free(e, want);
  }
  if (const auto* c = e.As<ast::ColumnRef>(); c && c->parts.size() == 1 && !c->star) {
    // A boolean column used as a condition.
    uint32_t column = ColumnId(c->parts[0].text);
    if (want == kN) return Column(Atom::Kind::kNull, column);
    Constant v;
    v.kind = Constant::Kind::kBool;
    v.boolean = want == kT;
    return Column(Atom::Kind::kEq, column, {v});
  }
  return Free(e, want);
}

namespace {

// The search: atoms and ANDs are taken first; then the OR with the fewest choices is split.
class Search {
 public:
  Search(const std::vector<Atom>& atoms, size_t budget) : atoms_(atoms), budget_(budget) {}

  bool out_of_budget() const { return out_of_budget_; }

  bool Solve(std::vector<const Formula*> pending) {
    while (true) {
      size_t pick = pending.size();
      for (size_t i = pending.size(); i-- > 0;)
        if (pending[i]->kind != Formula::Kind::kOr) {
          pick = i;
          break;
        }
      if (pick == pending.size()) break;
      const Formula* f = pending[pick];
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
      switch (f->kind) {
        case Formula::Kind::kTrue: break;
        case Formula::Kind::kFalse: return false;
        case Formula::Kind::kAnd: pending.insert(pending.end(), f->children.begin(), f->children.end()); break;
        case Formula::Kind::kAtom:
          if (!Step()) return true;
          trail_.push_back(f->atom);
          if (!Consistent(atoms_[f->atom])) return false;
          break;
        case Formula::Kind::kOr: break;
      }
    }
    if (pending.empty()) return true;
    size_t best = 0;
    for (size_t i = 1; i < pending.size(); ++i)
      if (pending[i]->children.size() < pending[best]->children.size()) best = i;
    const Formula* split = pending[best];
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(best));
    for (const Formula* choice : split->children) {
      if (!Step()) return true;
      size_t saved = trail_.size();
      std::vector<const Formula*> next = pending;
      next.push_back(choice);
      if (Solve(std::move(next))) return true;
      trail_.resize(saved);
    }
    return false;
  }

 private:
  bool Step() {
    if (++steps_ > budget_) out_of_budget_ = true;
    return !out_of_budget_;
  }

  bool Consistent(const Atom& added) {
    if (added.kind == Atom::Kind::kFree) {
      for (uint32_t i : trail_) {
        const Atom& a = atoms_[i];
        if (a.kind == Atom::Kind::kFree && a.subject == added.subject && a.truth != added.truth) return false;
      }
      return true;
    }
    column_.clear();
    for (uint32_t i : trail_) {
      const Atom& a = atoms_[i];
      if (a.kind != Atom::Kind::kFree && a.subject == added.subject) column_.push_back(&a);
    }
    return ColumnSatisfiable(column_);
  }

  const std::vector<Atom>& atoms_;
  size_t budget_;
  size_t steps_ = 0;
  bool out_of_budget_ = false;
  std::vector<uint32_t> trail_;
  std::vector<const Atom*> column_;
};

}  // namespace

Satisfiability Analyzer::Check(const std::vector<const Formula*>& conjuncts, size_t budget) const {
  Search search(atoms_, budget);
  bool sat = search.Solve(conjuncts);
  if (search.out_of_budget()) return Satisfiability::kUnknown;
  return sat ? Satisfiability::kSatisfiable : Satisfiability::kUnsatisfiable;
}

}  // namespace rlsq::lint
