// libFuzzer target: user-aware clauses (issue 5's template renderer), end to end.
//
// Input: a filter clause (bytes before the first NUL), optionally followed by an inline caller as JSON (the bytes
// after it, `--caller-json` syntax). Without a NUL, or when that JSON is refused, a fixed caller whose values are
// hostile (quotes, backslashes, comment openers, a NUL-free `' OR 1=1 --`, unicode, huge and negative numbers) is
// used.
//
// The clause is loaded as a Regular filter on `orders` (Policy::FromJson; refusals must be InvalidArgument or
// FailedPrecondition) and `SELECT o_orderkey FROM orders` is rewritten for the caller. A refusal must be NotFound (a
// value the template needs is missing) or InvalidArgument (a value that cannot be a literal there). A success must
// satisfy the template property, checked structurally on the ASTs:
//   - the output re-parses and its WHERE is exactly the clause, parenthesised (under the fenced placement, used for
//     even-sized inputs, the WHERE of the OFFSET 0 derived table; odd-sized ones use the plain placement);
//   - the clause's AST with its template regions as parameter markers (PrepareClause) matches the injected AST node
//     for node, except that a marker outside a string matched a value (a literal, possibly signed or
//     parenthesised), a marker list in IN (...) matched a list of values, and a string literal holding markers
//     matched a string literal. So a template can only ever have produced values, never SQL structure;
//   - a string-valued macro in a value position (current_username(), current_user_email(), user_attr with a string
//     value) produced a literal whose decoded value is exactly the caller's value.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/ast/ast_util.h"
#include "lib/json/json.h"
#include "lib/parser/parser.h"
#include "lib/policy/template.h"
#include "rewriter/engine.h"

namespace {

using rlsq::ast::Node;

constexpr std::string_view kQuery = "SELECT o_orderkey FROM orders";

constexpr std::string_view kHostileCaller = R"json({
  "username": "o'brien\\ */ -- ",
  "id": -9223372036854775807,
  "email": "a\"b'c@example.com",
  "roles": ["R", "R2"],
  "attributes": {"region": "x' OR 1=1 --", "list": ["EU", "it's", 3, -4.5e10], "level": 3, "neg": -5,
                 "big": 1e308, "null": null, "flag": true, "uni": "\u00e9\u2028$$ $a$", "empty": [],
                 "nested": [[1]], "obj": {"a": 1}}
})json";

[[noreturn]] void Fail(const char* what, std::string_view detail, std::string_view clause, std::string_view out) {
  std::fprintf(stderr, "TEMPLATE PROPERTY VIOLATED: %s: %.*s\nclause:\n%.*s\noutput:\n%.*s\n", what,
               static_cast<int>(detail.size()), detail.data(), static_cast<int>(clause.size()), clause.data(),
               static_cast<int>(out.size()), out.data());
  std::abort();
}

std::vector<Node*> Children(Node& n) {
  std::vector<Node*> c;
  rlsq::ast::EnumerateChildren(n, [&](Node& child) { c.push_back(&child); });
  return c;
}

const rlsq::ast::Expr* StripParens(const rlsq::ast::Expr* e) {
  while (auto* p = e->As<rlsq::ast::Paren>()) e = p->expr;
  return e;
}

// A literal value as the renderer writes it: 'text', 42, -5, 1e308, TRUE, NULL, possibly parenthesised.
bool IsValue(const rlsq::ast::Expr* e) {
  e = StripParens(e);
  if (auto* u = e->As<rlsq::ast::UnaryOp>()) {
    auto* lit = StripParens(u->operand)->As<rlsq::ast::Literal>();
    return (u->op == "-" || u->op == "+") && lit &&
           (lit->literal_kind == rlsq::ast::LiteralKind::kInteger ||
            lit->literal_kind == rlsq::ast::LiteralKind::kNumeric);
  }
  return e->Is<rlsq::ast::Literal>();
}

struct Matcher {
  const rlsq::policy::PreparedClause& prepared;
  const rlsq::CallerIdentity& caller;
  std::string_view clause, out;

  const rlsq::policy::Macro* MacroOf(const rlsq::ast::Param& p) const {
    if (p.index < prepared.marker_base || p.index - prepared.marker_base >= prepared.macros.size()) return nullptr;
    return &prepared.macros[p.index - prepared.marker_base];
  }

  // The caller's value of a string-valued macro, when it has one.
  std::optional<std::string_view> StringValue(const rlsq::policy::Macro& m) const {
    switch (m.kind) {
      case rlsq::policy::MacroKind::kUsername:
        return caller.username;
      case rlsq::policy::MacroKind::kEmail:
        if (caller.email) return *caller.email;
        return std::nullopt;
      case rlsq::policy::MacroKind::kAttr:
        for (const auto& [k, v] : caller.attributes)
          if (k == m.key) return v.is_string() ? std::optional<std::string_view>(v.text()) : std::nullopt;
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  void CheckScalar(const rlsq::ast::Param& p, const rlsq::ast::Expr* o) const {
    if (!IsValue(o)) Fail("a template region produced a non-value", rlsq::ast::ToJson(o), clause, out);
    const rlsq::policy::Macro* m = MacroOf(p);
    if (!m) Fail("a parameter marker that is not a template region", std::to_string(p.index), clause, out);
    if (std::optional<std::string_view> want = StringValue(*m)) {
      auto* lit = StripParens(o)->As<rlsq::ast::Literal>();
      if (!lit || lit->literal_kind != rlsq::ast::LiteralKind::kString || lit->value != *want)
        Fail("a string value was not reproduced exactly", std::string(*want), clause, out);
    }
  }

  void Match(Node& t, Node& o) const {
    // A marker in a value position (`($N)` as prepared).
    const rlsq::ast::Param* marker = t.As<rlsq::ast::Param>();
    if (auto* tp = t.As<rlsq::ast::Paren>()) marker = StripParens(tp)->As<rlsq::ast::Param>();
    if (marker) {
      const rlsq::ast::Expr* oe = nullptr;
      if (auto* x = o.As<rlsq::ast::Paren>()) oe = x;
      if (auto* x = o.As<rlsq::ast::UnaryOp>()) oe = x;
      if (auto* x = o.As<rlsq::ast::Literal>()) oe = x;
      if (!oe) Fail("a template region produced a non-value", rlsq::ast::ToJson(&o), clause, out);
      CheckScalar(*marker, oe);
      return;
    }
    if (t.kind != o.kind) Fail("node kinds differ", rlsq::ast::ToJson(&o), clause, out);
    if (auto* tl = t.As<rlsq::ast::InList>()) {
      auto* ol = o.As<rlsq::ast::InList>();
      if (tl->negated != ol->negated) Fail("IN negation differs", "", clause, out);
      Match(*tl->expr, *ol->expr);
      if (tl->list.size() == 1 && tl->list[0]->Is<rlsq::ast::Param>()) {
        if (ol->list.empty()) Fail("an IN list rendered empty", "", clause, out);
        for (auto* item : ol->list)
          if (!IsValue(item)) Fail("an IN-list region produced a non-value", rlsq::ast::ToJson(item), clause, out);
        return;
      }
      if (tl->list.size() != ol->list.size()) Fail("IN list lengths differ", "", clause, out);
      for (size_t i = 0; i < tl->list.size(); ++i) Match(*tl->list[i], *ol->list[i]);
      return;
    }
    if (auto* tc = t.As<rlsq::ast::ColumnRef>()) {  // the rewriter qualifies columns with the table's name
      auto* oc = o.As<rlsq::ast::ColumnRef>();
      if (tc->star != oc->star || tc->parts.empty() || oc->parts.size() != tc->parts.size() + 1 ||
          tc->parts.back().text != oc->parts.back().text)
        Fail("column differs", rlsq::ast::ToJson(&o), clause, out);
      return;
    }
    if (auto* tl = t.As<rlsq::ast::Literal>()) {
      auto* ol = o.As<rlsq::ast::Literal>();
      bool templated = !prepared.marker_prefix.empty() && tl->literal_kind == rlsq::ast::LiteralKind::kString &&
                       tl->value.find(prepared.marker_prefix) != std::string_view::npos;
      if (templated ? ol->literal_kind != rlsq::ast::LiteralKind::kString
                    : !rlsq::ast::Equals(&t, &o))
        Fail("literal differs", rlsq::ast::ToJson(&o), clause, out);
      return;
    }
    if (auto* tu = t.As<rlsq::ast::UnaryOp>(); tu && tu->op != o.As<rlsq::ast::UnaryOp>()->op)
      Fail("operator differs", tu->op, clause, out);
    if (auto* tb = t.As<rlsq::ast::BinaryOp>(); tb && tb->op != o.As<rlsq::ast::BinaryOp>()->op)
      Fail("operator differs", tb->op, clause, out);
    std::vector<Node*> tc = Children(t), oc = Children(o);
    if (tc.size() != oc.size()) Fail("child counts differ", rlsq::ast::ToJson(&o), clause, out);
    for (size_t i = 0; i < tc.size(); ++i) Match(*tc[i], *oc[i]);
  }
};

std::string PolicyJson(std::string_view clause) {
  std::string j = R"({"default_schema": "public", "roles": [)"
                  R"({"name": "R", "permissions": [["all_datasource_access", "all_datasource_access"]]}, )"
                  R"({"name": "R2"}], "users": [{"username": "u", "roles": ["R"]}], )"
                  R"("rls_filters": [{"name": "f", "filter_type": "Regular", "tables": ["orders"], )"
                  R"("roles": ["R"], "clause": )";
  rlsq::json::AppendString(clause, &j);
  j += "}]}";
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view clause = input.substr(0, nul);

  static const rlsq::CallerIdentity kDefault = [] {
    auto c = rlsq::ParseCallerJson(kHostileCaller);
    if (!c.ok()) std::abort();
    return *c;
  }();
  auto identity = std::make_shared<rlsq::CallerIdentity>(kDefault);
  if (nul != std::string_view::npos) {
    auto c = rlsq::ParseCallerJson(input.substr(nul + 1));
    if (c.ok()) {
      *identity = std::move(*c);
      if (identity->roles.empty()) identity->roles = {"R"};
    } else if (c.status().code() != absl::StatusCode::kInvalidArgument) {
      std::fprintf(stderr, "caller json: %s\n", c.status().ToString().c_str());
      std::abort();
    }
  }

  auto engine = rlsq::Engine::FromPolicyJson(PolicyJson(clause));
  if (!engine.ok()) {
    auto code = engine.status().code();
    if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kFailedPrecondition) {
      std::fprintf(stderr, "policy: %s\n", engine.status().ToString().c_str());
      std::abort();
    }
    return 0;
  }
  rlsq::Caller caller;
  caller.identity = identity;
  rlsq::RewriteOptions options;  // both placements: plain for odd sizes, fenced for even ones
  const bool plain = (size & 1) != 0;
  options.placement = plain ? rlsq::policy::PlacementMode::kPlain : rlsq::policy::PlacementMode::kFenced;
  auto r = (*engine)->rewrite(kQuery, caller, options);
  if (!r.ok()) {
    auto code = r.status().code();
    // NotFound: a needed value is missing (or an unknown role in a fuzzed caller); InvalidArgument: a value that
    // cannot be a literal there; PermissionDenied: a fuzzed caller without role R.
    if (code != absl::StatusCode::kNotFound && code != absl::StatusCode::kInvalidArgument &&
        code != absl::StatusCode::kPermissionDenied) {
      std::fprintf(stderr, "rewrite: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return 0;
  }
  if (r->sql == kQuery) return 0;  // the caller does not hold role R: nothing injected

  const rlsq::Dialect& dialect = rlsq::Dialect::Postgres();
  auto prepared = rlsq::policy::PrepareClause(clause, dialect);
  if (!prepared.ok()) Fail("PrepareClause refuses a clause the policy loaded", prepared.status().ToString(), clause, r->sql);
  rlsq::Arena arena;
  auto t = rlsq::ParseExpression(prepared->sql, arena);
  if (!t.ok()) Fail("the prepared clause does not parse", t.status().ToString(), clause, r->sql);
  auto o = rlsq::ParseQuery(r->sql);
  if (!o.ok()) Fail("the output does not re-parse", o.status().ToString(), clause, r->sql);
  auto* select = (*o)->query->As<rlsq::ast::SelectNode>();
  if (!plain && select) {  // fenced: SELECT o_orderkey FROM (SELECT * FROM orders WHERE (clause) OFFSET 0) AS orders
    auto* derived = select->from.size() == 1 && !select->where ? select->from[0]->As<rlsq::ast::DerivedTableRef>()
                                                               : nullptr;
    select = derived ? derived->query->As<rlsq::ast::SelectNode>() : nullptr;
    auto* offset = select && select->offset ? select->offset->As<rlsq::ast::Literal>() : nullptr;
    if (!offset || offset->value != "0") Fail("the output is not the fenced form", "", clause, r->sql);
  }
  if (!select || !select->where || !select->where->Is<rlsq::ast::Paren>())
    Fail("the output's WHERE is not the parenthesised clause", "", clause, r->sql);
  Matcher{*prepared, *identity, clause, r->sql}.Match(**t, *select->where->As<rlsq::ast::Paren>()->expr);
  return 0;
}
