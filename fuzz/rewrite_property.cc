#include "fuzz/rewrite_property.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/ast/ast_util.h"
#include "lib/common/str_cat.h"
#include "lib/parser/parser.h"
#include "rewriter/scope.h"

namespace rlsq::fuzz {
namespace {

using ast::Node;

// Quoting is presentation: compare identifiers by their normalized text only.
void ClearQuotedFlags(Node& n) {
  if (auto* c = n.As<ast::ColumnRef>()) {
    for (ast::Ident& id : c->parts) id.quoted = false;
  }
  ast::EnumerateChildren(n, [](Node& child) { ClearQuotedFlags(child); });
}

std::string AsciiLower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

const ast::Expr* StripParens(const ast::Expr* e) {
  while (e && e->Is<ast::Paren>()) e = e->As<ast::Paren>()->expr;
  return e;
}

// AND-conjuncts of e, looking through parentheses.
void Conjuncts(const ast::Expr* e, std::vector<const ast::Expr*>* out) {
  e = StripParens(e);
  if (!e) return;
  if (auto* b = e->As<ast::BinaryOp>(); b && AsciiLower(b->op) == "and") {
    Conjuncts(b->left, out);
    Conjuncts(b->right, out);
    return;
  }
  out->push_back(e);
}

bool Contains(const std::vector<const ast::Expr*>& haystack, const ast::Expr* needle) {
  for (const ast::Expr* e : haystack)
    if (ast::Equals(e, needle)) return true;
  return false;
}

bool ContainsAll(const ast::Expr* where, const std::vector<const ast::Expr*>& needles) {
  std::vector<const ast::Expr*> have;
  Conjuncts(where, &have);
  for (const ast::Expr* n : needles)
    if (!Contains(have, n)) return false;
  return true;
}

void BuildParents(Node& n, std::unordered_map<const Node*, const Node*>* parent) {
  ast::EnumerateChildren(n, [&](Node& child) {
    (*parent)[&child] = &n;
    BuildParents(child, parent);
  });
}

std::vector<std::string> TableKeys(const rewriter::Analysis& a) {
  std::vector<std::string> keys;
  for (const auto& r : a.reads) keys.push_back(r.table.Key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) Append(&s, s.empty() ? "" : ", ", x);
  return s;
}

}  // namespace

absl::Status CheckRewriteProperty(std::string_view input_sql, std::string_view output_sql,
                                  const policy::Policy& policy, int user_index) {
  const Dialect& dialect = policy.dialect();
  ParseOptions po;
  po.dialect = &dialect;
  po.max_depth = 100000;  // the injected text adds a few levels; depth is not what is checked here
  auto in = ParseQuery(input_sql, po);
  if (!in.ok()) return absl::InternalError(Cat("input no longer parses: ", in.status().ToString()));
  auto out = ParseQuery(output_sql, po);
  if (!out.ok()) return absl::InternalError(Cat("rewrite does not re-parse: ", out.status().ToString()));
  const NameResolver resolver(dialect, policy.database_model());
  auto in_scopes = rewriter::AnalyzeScopes((*in)->sql, *(*in)->query, resolver);
  if (!in_scopes.ok()) return absl::InternalError(Cat("input scopes: ", in_scopes.status().ToString()));
  auto out_scopes = rewriter::AnalyzeScopes((*out)->sql, *(*out)->query, resolver);
  if (!out_scopes.ok()) return absl::InternalError(Cat("output scopes: ", out_scopes.status().ToString()));
  std::vector<std::string> in_keys = TableKeys(*in_scopes), out_keys = TableKeys(*out_scopes);
  if (in_keys != out_keys)
    return absl::InternalError(Cat("base tables differ: input [", Joined(in_keys), "] output [", Joined(out_keys), "]"));

  ClearQuotedFlags(*(*out)->query);
  std::unordered_map<const Node*, const Node*> parent;
  BuildParents(*(*out)->query, &parent);

  for (const rewriter::TableRead& r : out_scopes->reads) {
    const policy::Predicate* pred = policy.PredicateFor(user_index, r.table.Key());
    if (!pred || pred->empty()) continue;
    const ast::BaseTableRef* ref = r.ref;
    std::string where = Cat(r.table.Key(), " at byte ", ref->span.begin, " of the output");
    if (r.placement == rewriter::Placement::kTableStatement)
      return absl::InternalError(Cat("TABLE statement of filtered table ", where, " left unfiltered"));
    // The predicate as the rewriter must have written it: qualified with the visible name.
    std::string_view visible = ref->alias ? ref->alias->name.text : ref->name.back().text;
    std::string text;
    std::string qualifier = "\"";
    for (char c : visible) {
      if (c == '"') qualifier += '"';
      qualifier += c;
    }
    qualifier += '"';
    // Template values as the engine binds them for this user (a rewrite that succeeded rendered them all).
    policy::Bindings bindings;
    if (pred->has_values()) {
      absl::Status bound = bindings.Bind(*pred, policy.ContextOf(policy.users()[user_index]), dialect);
      if (!bound.ok())
        return absl::InternalError(Cat("a rewrite succeeded although its values cannot be bound: ",
                                       ToStd(bound.message())));
    }
    policy::RenderContext ctx;
    ctx.bindings = &bindings;
    if (absl::Status s = pred->Render(qualifier, &text, ctx); !s.ok()) return s;
    Arena arena;
    auto expr = ParseExpression(text, arena, po);
    if (!expr.ok()) return absl::InternalError(Cat("predicate does not parse: ", text));
    ClearQuotedFlags(**expr);
    std::vector<const ast::Expr*> needles;
    Conjuncts(*expr, &needles);

    // Walk up from the read: joins on the way may carry it in ON (if the read is on a filtered side); the first
    // SELECT reached may carry it in WHERE. Anything else (a read in a FROM-less position) fails.
    bool ok = false;
    const Node* child = ref;
    for (const Node* p = parent.count(child) ? parent[child] : nullptr; p && !ok;
         child = p, p = parent.count(p) ? parent[p] : nullptr) {
      if (auto* j = p->As<ast::JoinRef>()) {
        bool left_side = static_cast<const Node*>(j->left) == child;
        bool filtered_side = j->join_kind == ast::JoinKind::kInner || j->join_kind == ast::JoinKind::kCross ||
                             (j->join_kind == ast::JoinKind::kLeft && !left_side) ||
                             (j->join_kind == ast::JoinKind::kRight && left_side);
        if (filtered_side && j->on && ContainsAll(j->on, needles)) ok = true;
        continue;
      }
      if (auto* s = p->As<ast::SelectNode>()) {
        if (s->where && ContainsAll(s->where, needles)) ok = true;
        break;  // the first SELECT is the one whose FROM holds the read
      }
      if (p->Is<ast::DerivedTableRef>() || p->Is<ast::FunctionTableRef>()) break;
    }
    if (!ok) return absl::InternalError(Cat("read of filtered table ", where, " does not carry ", text));
  }
  return absl::OkStatus();
}

}  // namespace rlsq::fuzz
