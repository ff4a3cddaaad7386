// Expressions: one function per precedence layer of the grammar, then primaries, function calls and types.
#include <charconv>
#include <string>

#include "lib/common/ascii.h"
#include "lib/common/str_cat.h"
#include "lib/parser/transform.h"

namespace rlsq::parser_internal {

namespace {

using antlr4::tree::ParseTree;
using antlr4::tree::TerminalNode;

size_t TypeOf(ParseTree* t) {
  auto* n = AsTerminal(t);
  return n ? n->getSymbol()->getType() : 0;
}

std::string LowerJoin(const std::vector<std::string_view>& words) {
  std::string s;
  for (std::string_view w : words) {
    if (!s.empty()) s += ' ';
    AppendAsciiLower(w, &s);
  }
  return s;
}

}  // namespace

// The flat operator lists of the grammar's expr, otherOpExpr and addExpr rules: operand i (0-based) is preceded by
// operator op[i] of precedence level[i] (i >= 1; a higher level binds tighter). FoldLevels builds the tree that one
// grammar rule per level would give: left-deep chains per level, with the same spans and the same chain-length
// checks (CheckChain with the chain's operator count at the chain's first token; `early` levels check after the
// first operand, the others after the second, as the per-level transforms did).
struct FlatOps {
  std::vector<int> level;
  std::vector<std::string_view> op;
  std::vector<antlr4::Token*> start;  // first token of each operand
};

template <class Operand>
static ast::Expr* FoldLevels(Transformer* t, const FlatOps& f, int level, int top, int early, size_t lo, size_t hi,
                             Operand& operand) {
  while (level <= top) {
    size_t count = 0;
    for (size_t i = lo + 1; i <= hi; ++i) count += f.level[i] == level;
    if (count > 0) break;
    ++level;
  }
  if (level > top) return operand(lo);
  size_t count = 0;
  for (size_t i = lo + 1; i <= hi; ++i) count += f.level[i] == level;
  ast::Expr* left = nullptr;
  size_t seg = lo;
  size_t made = 0;
  for (size_t i = lo + 1; i <= hi + 1; ++i) {
    if (i <= hi && f.level[i] != level) continue;
    ast::Expr* right = FoldLevels(t, f, level + 1, top, early, seg, i - 1, operand);
    if (left == nullptr) {
      left = right;
      if (level == early) t->CheckChain(count, f.start[lo]);
    } else {
      if (level != early && ++made == 1) t->CheckChain(count, f.start[lo]);
      auto* b = t->New<ast::BinaryOp>(ast::Span{left->span.begin, right->span.end});
      b->op = f.op[seg];
      b->left = left;
      b->right = right;
      left = b;
    }
    seg = i;
  }
  return left;
}

// Prefix operators (NOT, OP, or + -) before an operand whose last token is `operand_stop`: innermost last, each
// spanning from its token to the operand's end. Each level counts as one transform nesting level (as the recursive rules
// did) while the operand is transformed.
template <class F>
static ast::Expr* WithPrefixes(Transformer* t, const std::vector<antlr4::tree::TerminalNode*>& prefixes,
                               antlr4::Token* operand_stop, bool keyword_not, uint32_t* depth,
                               uint64_t depth_limit, F&& operand) {
  if (prefixes.empty()) return operand();
  size_t entered = 0;
  struct Restore {
    uint32_t* depth;
    size_t* entered;
    ~Restore() { *depth -= static_cast<uint32_t>(*entered); }
  } restore{depth, &entered};
  for (auto* p : prefixes) {
    ++entered;
    if (++*depth > depth_limit) t->Fail(p->getSymbol(), t->TooDeepMessage());
  }
  ast::Expr* e = operand();
  for (size_t i = prefixes.size(); i-- > 0;) {
    auto* u = t->New<ast::UnaryOp>(t->SpanOf(prefixes[i]->getSymbol(), operand_stop));
    u->op = keyword_not ? std::string_view("NOT") : t->Tok(prefixes[i]).text;
    u->operand = e;
    e = u;
  }
  return e;
}

ast::Expr* Transformer::Expr(P::ExprContext* ctx) {
  DepthGuard guard(this, ctx);
  const auto& children = Children(ctx);
  if (children.size() == 1) return CmpExpr(static_cast<P::CmpExprContext*>(children[0]));
  // K_NOT* cmpExpr isSuffix* ((K_AND | K_OR | K_XOR) K_NOT* cmpExpr isSuffix*)*: OR is level 1, XOR (MySQL) 2,
  // AND 3.
  struct Operand {
    std::vector<TerminalNode*> nots;
    P::CmpExprContext* cmp = nullptr;
    std::vector<P::IsSuffixContext*> suffixes;
  };
  FlatOps f;
  std::vector<Operand> operands(1);
  f.level.push_back(0);
  f.op.emplace_back();
  for (auto* child : children) {
    if (auto* term = AsTerminal(child)) {
      size_t type = term->getSymbol()->getType();
      if (type == P::K_NOT) {
        if (operands.back().nots.empty()) f.start.push_back(term->getSymbol());
        operands.back().nots.push_back(term);
      } else {
        f.level.push_back(type == P::K_AND ? 3 : type == P::K_XOR ? 2 : 1);
        f.op.push_back(type == P::K_AND ? "AND" : type == P::K_XOR ? "XOR" : "OR");
        operands.emplace_back();
      }
      continue;
    }
    Operand& o = operands.back();
    if (o.cmp == nullptr) {
      o.cmp = static_cast<P::CmpExprContext*>(child);
      if (o.nots.empty()) f.start.push_back(o.cmp->getStart());
    } else {
      o.suffixes.push_back(static_cast<P::IsSuffixContext*>(child));
    }
  }
  uint64_t limit = uint64_t{max_depth_} * kGuardFactor + 16;
  auto operand = [&](size_t i) {
    Operand& o = operands[i];
    antlr4::Token* stop = o.suffixes.empty() ? o.cmp->getStop() : o.suffixes.back()->getStop();
    return WithPrefixes(this, o.nots, stop, true, &depth_, limit, [&] { return IsTests(o.cmp, o.suffixes); });
  };
  return FoldLevels(this, f, 1, 3, /*early=*/0, 0, operands.size() - 1, operand);
}

void Transformer::ExprList(P::ExprListContext* ctx, ast::List<ast::Expr*>* out) {
  for (auto* e : ctx->expr()) out->push_back(Expr(e));
}

ast::Expr* Transformer::IsTests(P::CmpExprContext* operand, const std::vector<P::IsSuffixContext*>& suffixes) {
  ast::Expr* e = CmpExpr(operand);
  if (suffixes.empty()) return e;
  if (suffixes.size() > 1) CheckChain(suffixes.size(), operand->getStart());
  for (auto* suffix : suffixes) {
    auto* t = New<ast::IsTest>(ast::Span{e->span.begin, SpanOf(suffix).end});
    t->expr = e;
    if (suffix->K_ISNULL()) {
      t->test = ast::IsTestKind::kIsNullPostfix;
    } else if (suffix->K_NOTNULL()) {
      t->test = ast::IsTestKind::kNotNullPostfix;
    } else {
      t->negated = suffix->K_NOT() != nullptr;
      auto* test = suffix->isTest();
      if (test->K_NULL()) t->test = ast::IsTestKind::kNull;
      else if (test->K_TRUE()) t->test = ast::IsTestKind::kTrue;
      else if (test->K_FALSE()) t->test = ast::IsTestKind::kFalse;
      else if (test->K_UNKNOWN()) t->test = ast::IsTestKind::kUnknown;
      else if (test->K_DISTINCT()) {
        t->test = ast::IsTestKind::kDistinctFrom;
        t->rhs = CmpExpr(test->cmpExpr());
      } else {  // SQLite: a IS [NOT] b, null-safe equality
        Need(Dialect::Feature::kIsComparison, test->getStart());
        t->test = ast::IsTestKind::kIs;
        t->rhs = CmpExpr(test->cmpExpr());
      }
    }
    e = t;
  }
  return e;
}

ast::Expr* Transformer::Quantified(ast::Expr* lhs, std::string_view op, P::QuantifiedRhsContext* q,
                                   uint32_t end_unused) {
  ast::Span span{lhs->span.begin, SpanOf(q).end};
  size_t qt = TypeOf(Children(q)[0]);
  if (auto* sel = q->selectStmt()) {
    auto* s = New<ast::SubqueryExpr>(span);
    s->subquery_kind = qt == P::K_ALL ? ast::SubqueryKind::kAll
                       : qt == P::K_SOME ? ast::SubqueryKind::kSome
                                          : ast::SubqueryKind::kAny;
    s->lhs = lhs;
    s->op = op;
    s->query = SelectStmt(sel);
    return s;
  }
  auto* n = New<ast::Quantified>(span);
  n->lhs = lhs;
  n->op = op;
  n->quantifier = qt == P::K_ALL ? ast::Quantifier::kAll : qt == P::K_SOME ? ast::Quantifier::kSome
                                                                            : ast::Quantifier::kAny;
  n->rhs = Expr(q->expr());
  return n;
}

ast::Expr* Transformer::CmpExpr(P::CmpExprContext* ctx) {
  ast::Expr* left = LikeExpr(ctx->lhs);
  if (ctx->op == nullptr) return left;
  auto* opterm = static_cast<TerminalNode*>(Children(ctx->op)[0]);
  std::string_view op = opterm->getSymbol()->getType() == P::NEQ ? "<>" : Tok(opterm).text;
  if (ctx->q != nullptr) return Quantified(left, op, ctx->q, 0);
  ast::Expr* right = LikeExpr(ctx->rhs);
  auto* b = New<ast::BinaryOp>(ast::Span{left->span.begin, right->span.end});
  b->op = op;
  b->left = left;
  b->right = right;
  return b;
}

ast::Expr* Transformer::LikeExpr(P::LikeExprContext* ctx) {
  ast::Expr* left = OtherOpExpr(static_cast<P::OtherOpExprContext*>(Children(ctx)[0]));
  if (Children(ctx).size() == 1) return left;
  bool negated = Children(ctx).size() == 3;
  auto* tail = static_cast<P::LikeTailContext*>(Children(ctx).back());
  ast::Span span = SpanOf(ctx);
  if (auto* bt = As<P::LtBetweenContext>(tail)) {
    auto ops = bt->otherOpExpr();
    auto* b = New<ast::Between>(span);
    b->expr = left;
    b->negated = negated;
    b->symmetric = bt->K_SYMMETRIC() != nullptr;
    b->low = OtherOpExpr(ops[0]);
    b->high = OtherOpExpr(ops[1]);
    return b;
  }
  if (auto* in = As<P::LtInContext>(tail)) {
    auto* rhs = in->inRhs();
    if (auto* sq = As<P::InSubqueryContext>(rhs)) {
      auto* s = New<ast::SubqueryExpr>(span);
      s->subquery_kind = ast::SubqueryKind::kIn;
      s->lhs = left;
      s->negated = negated;
      s->query = SelectStmt(sq->selectStmt());
      return s;
    }
    auto* l = New<ast::InList>(span);
    l->expr = left;
    l->negated = negated;
    ExprList(static_cast<P::InListContext*>(rhs)->exprList(), &l->list);
    return l;
  }
  if (auto* sl = As<P::LtSoundsLikeContext>(tail)) {  // MySQL: a SOUNDS LIKE b
    if (negated) Fail(sl->getStart(), "syntax error at or near \"SOUNDS\"");
    auto* b = New<ast::BinaryOp>(span);
    b->op = "SOUNDS LIKE";
    b->left = left;
    b->right = OtherOpExpr(sl->otherOpExpr());
    return b;
  }
  auto* lt = static_cast<P::LtLikeContext*>(tail);
  auto* lop = lt->likeOp();
  if (lop->K_GLOB() || lop->K_MATCH()) {  // SQLite: a [NOT] GLOB b, a [NOT] MATCH b
    Need(Dialect::Feature::kGlobMatch, lop->getStart());
    const bool glob = lop->K_GLOB() != nullptr;
    if (lt->quantifiedRhs() || lt->K_ESCAPE())
      Fail(lop->getStart(), Cat(glob ? "GLOB" : "MATCH", " takes one pattern and no ESCAPE"));
    auto* b = New<ast::BinaryOp>(span);
    b->op = glob ? (negated ? "NOT GLOB" : "GLOB") : (negated ? "NOT MATCH" : "MATCH");
    b->left = left;
    b->right = OtherOpExpr(lt->otherOpExpr(0));
    return b;
  }
  if (lop->K_REGEXP() || lop->K_RLIKE()) {  // MySQL and SQLite: a [NOT] REGEXP b
    if (lt->quantifiedRhs() || lt->K_ESCAPE()) Fail(lop->getStart(), "REGEXP takes one pattern");
    auto* b = New<ast::BinaryOp>(span);
    b->op = negated ? "NOT REGEXP" : "REGEXP";
    b->left = left;
    b->right = OtherOpExpr(lt->otherOpExpr(0));
    return b;
  }
  ast::LikeKind kind = lop->K_LIKE() ? ast::LikeKind::kLike
                       : lop->K_ILIKE() ? ast::LikeKind::kILike
                                        : ast::LikeKind::kSimilarTo;
  if (auto* q = lt->quantifiedRhs()) {
    if (kind == ast::LikeKind::kSimilarTo) Fail(lop->getStart(), "SIMILAR TO cannot be used with ANY, SOME or ALL");
    std::string_view op = kind == ast::LikeKind::kLike ? (negated ? "NOT LIKE" : "LIKE")
                                                       : (negated ? "NOT ILIKE" : "ILIKE");
    return Quantified(left, op, q, 0);
  }
  auto ops = lt->otherOpExpr();
  auto* l = New<ast::Like>(span);
  l->like_kind = kind;
  l->negated = negated;
  l->expr = left;
  l->pattern = OtherOpExpr(ops[0]);
  if (ops.size() > 1) l->escape = OtherOpExpr(ops[1]);
  return l;
}

static std::string_view QualOpText(Transformer* t, P::QualOpContext* q) {
  if (q->K_OPERATOR() == nullptr) {
    auto* term = AsTerminal(Children(q)[0]);
    return t->Tok(term).text;
  }
  // OPERATOR(schema.op): normalized as OPERATOR(schema.op) with no spaces.
  std::string s = "OPERATOR(";
  for (auto* c : Children(q->anyOperator())) {
    if (auto* term = AsTerminal(c)) {
      s += term->getSymbol()->getType() == P::NEQ ? std::string_view("<>") : t->Tok(term).text;
    } else {
      const Token& tok = t->Tok(static_cast<antlr4::ParserRuleContext*>(c)->getStart());
      if (tok.kind == TokenKind::kQuotedIdent) {
        s += '"';
        for (char ch : tok.text) {
          if (ch == '"') s += '"';
          s += ch;
        }
        s += '"';
      } else {
        s += tok.text;
      }
    }
  }
  s += ')';
  return t->Intern(s);
}

ast::Expr* Transformer::OtherOpExpr(P::OtherOpExprContext* ctx) {
  const auto& children = Children(ctx);
  if (children.size() == 1) return AddExpr(static_cast<P::AddExprContext*>(children[0]));
  // OP* addExpr (qualOp (quantifiedRhs | OP* addExpr))*: one left-deep chain.
  std::vector<TerminalNode*> prefixes;
  size_t ops = 0;
  for (auto* child : children) {
    if (As<P::QualOpContext>(child)) ++ops;
  }
  uint64_t limit = uint64_t{max_depth_} * kGuardFactor + 16;
  ast::Expr* left = nullptr;
  std::string_view op;
  bool checked = false;
  for (auto* child : children) {
    if (auto* term = AsTerminal(child)) {
      prefixes.push_back(term);
      continue;
    }
    if (auto* q = As<P::QualOpContext>(child)) {
      op = QualOpText(this, q);
      if (dialect_.IsPrefixOnlyOperator(op))
        Fail(q->getStart(), Cat("syntax error at or near \"", op, "\": ", op, " is a prefix operator in ",
                                dialect_.name()));
      continue;
    }
    if (auto* q = As<P::QuantifiedRhsContext>(child)) {
      left = Quantified(left, op, q, 0);
      continue;
    }
    auto* add = static_cast<P::AddExprContext*>(child);
    ast::Expr* right = WithPrefixes(this, prefixes, add->getStop(), false, &depth_, limit, [&] { return AddExpr(add); });
    prefixes.clear();
    if (left == nullptr) {
      left = right;
      if (!checked && ops > 0) CheckChain(ops, ctx->getStart());
      checked = true;
      continue;
    }
    auto* b = New<ast::BinaryOp>(ast::Span{left->span.begin, right->span.end});
    b->op = op;
    b->left = left;
    b->right = right;
    left = b;
  }
  return left;
}

ast::Expr* Transformer::CollateExpr(const std::vector<TerminalNode*>& signs, P::PrimaryContext* primary,
                                     const std::vector<P::PostfixOpContext*>& ops,
                                     const std::vector<P::CollationNameContext*>& names, antlr4::Token* start) {
  uint64_t limit = uint64_t{max_depth_} * kGuardFactor + 16;
  antlr4::Token* stop = ops.empty() ? primary->getStop() : ops.back()->getStop();
  ast::Expr* e = WithPrefixes(this, signs, stop, false, &depth_, limit, [&] { return PostfixExpr(primary, ops); });
  if (names.empty()) return e;
  if (names.size() > 1) CheckChain(names.size(), start);
  for (auto* name : names) {
    auto* c = New<ast::Collate>(ast::Span{e->span.begin, SpanOf(name).end});
    c->expr = e;
    if (auto* str = name->STRING()) {  // MySQL: COLLATE 'utf8mb4_bin'
      Need(Dialect::Feature::kStringAlias, str->getSymbol());
      c->collation.push_back(IdentOf(str));
      c->collation.back().quoted = true;
    } else {
      for (auto* child : Children(name->anyName())) {
        if (!AsTerminal(child)) c->collation.push_back(IdentOf(static_cast<antlr4::ParserRuleContext*>(child)));
      }
    }
    e = c;
  }
  return e;
}

ast::Expr* Transformer::AddExpr(P::AddExprContext* ctx) {
  const auto& children = Children(ctx);
  if (children.size() == 1) return Primary(static_cast<P::PrimaryContext*>(children[0]));
  // (+|-)* primary postfixOp* (K_COLLATE anyName)* (op (+|-)* primary postfixOp* (K_COLLATE anyName)*)*, levels: + - 1,
  // * / % 2, ^ 3, AT TIME ZONE 4 (whose chain length was checked after its first operand). A + or - where an
  // operand is expected is a sign.
  struct Operand {
    std::vector<TerminalNode*> signs;
    P::PrimaryContext* primary = nullptr;
    std::vector<P::PostfixOpContext*> ops;
    std::vector<P::CollationNameContext*> names;
  };
  FlatOps f;
  std::vector<Operand> operands(1);
  f.level.push_back(0);
  f.op.emplace_back();
  bool expect_operand = true;
  bool after_collate = false;  // in the current operand: rule children after a COLLATE are names
  for (size_t i = 0; i < children.size(); ++i) {
    auto* child = children[i];
    if (auto* term = AsTerminal(child)) {
      size_t type = term->getSymbol()->getType();
      if (type == P::K_COLLATE) {
        after_collate = true;
        continue;
      }
      if (expect_operand) {  // a sign
        if (operands.back().signs.empty()) f.start.push_back(term->getSymbol());
        operands.back().signs.push_back(term);
        continue;
      }
      switch (type) {
        case P::K_AT:
          f.level.push_back(4);
          f.op.push_back("AT TIME ZONE");
          i += 2;  // TIME ZONE
          break;
        case P::PLUS:
        case P::MINUS:
          f.level.push_back(1);
          f.op.push_back(Tok(term).text);
          break;
        case P::CARET:
          f.level.push_back(3);
          f.op.push_back(Tok(term).text);
          break;
        case P::K_DIV:
        case P::K_MOD:
          f.level.push_back(2);
          f.op.push_back(type == P::K_DIV ? "DIV" : "MOD");
          break;
        default:  // * / %
          f.level.push_back(2);
          f.op.push_back(Tok(term).text);
          break;
      }
      operands.emplace_back();
      expect_operand = true;
      after_collate = false;
      continue;
    }
    Operand& o = operands.back();
    if (expect_operand) {
      o.primary = static_cast<P::PrimaryContext*>(child);
      if (o.signs.empty()) f.start.push_back(o.primary->getStart());
      expect_operand = false;
    } else if (after_collate) {
      o.names.push_back(static_cast<P::CollationNameContext*>(child));
    } else {
      o.ops.push_back(static_cast<P::PostfixOpContext*>(child));
    }
  }
  auto operand = [&](size_t i) {
    Operand& o = operands[i];
    return CollateExpr(o.signs, o.primary, o.ops, o.names, f.start[i]);
  };
  return FoldLevels(this, f, 1, 4, /*early=*/4, 0, operands.size() - 1, operand);
}

ast::Expr* Transformer::PostfixExpr(P::PrimaryContext* primary, const std::vector<P::PostfixOpContext*>& ops) {
  ast::Expr* e = Primary(primary);
  if (ops.empty()) return e;
  if (ops.size() > 1) CheckChain(ops.size(), primary->getStart());
  // `.name` / `.*` directly after a column name extend the ColumnRef (t.c, s.t.c, t.*); after anything else they
  // are field selections.
  auto* column = e->As<ast::ColumnRef>();
  // PostgreSQL 15's gram.y takes an indirection (`[...]`, `.field`, `.*`) only after a column reference, a parameter,
  // a parenthesised expression or a scalar subquery (c_expr's opt_indirection), and after another indirection:
  // `'x'.a`, `5 .i`, `ARRAY[1][1]`, `f(x).a` and `x::t.a` are syntax errors there, and here.
  bool indirection_ok = column || e->Is<ast::Param>() || e->Is<ast::Paren>() ||
                        (e->Is<ast::SubqueryExpr>() &&
                         e->Cast<ast::SubqueryExpr>().subquery_kind == ast::SubqueryKind::kScalar);
  for (auto* op : ops) {
    ast::Span span{e->span.begin, SpanOf(op).end};
    if (As<P::PoCastContext>(op) == nullptr && !indirection_ok)
      Fail(op->getStart(), Cat("syntax error at or near \"", Tok(op->getStart()).text, "\""));
    if (As<P::PoCastContext>(op)) indirection_ok = false;
    if (column != nullptr && !column->star) {
      if (auto* f = As<P::PoFieldContext>(op)) {
        column->parts.push_back(IdentOf(f->colLabel()));
        column->span = span;
        if (column->parts.size() > 4) Fail(op->getStart(), "improper qualified name (too many dotted names)");
        continue;
      }
      if (As<P::PoFieldStarContext>(op)) {
        column->star = true;
        column->span = span;
        continue;
      }
    }
    column = nullptr;
    if (auto* s = As<P::PoSubscriptContext>(op)) {
      auto* n = New<ast::Subscript>(span);
      n->expr = e;
      n->lower = Expr(s->expr());
      e = n;
    } else if (auto* sl = As<P::PoSliceContext>(op)) {
      auto* n = New<ast::Subscript>(span);
      n->expr = e;
      n->slice = true;
      if (sl->lower) n->lower = Expr(sl->lower);
      if (sl->upper) n->upper = Expr(sl->upper);
      e = n;
    } else if (auto* c = As<P::PoCastContext>(op)) {
      auto* n = New<ast::Cast>(span);
      n->expr = e;
      n->type = TypeName(c->typeName());
      n->postgres_style = true;
      e = n;
    } else if (auto* f = As<P::PoFieldContext>(op)) {
      auto* n = New<ast::FieldAccess>(span);
      n->expr = e;
      n->field = IdentOf(f->colLabel());
      e = n;
    } else {
      auto* n = New<ast::FieldAccess>(span);
      n->expr = e;
      n->star = true;
      e = n;
    }
  }
  return e;
}

static ast::Literal* MakeLiteral(Transformer* t, TerminalNode* term) {
  const Token& tok = t->Tok(term);
  auto* l = t->New<ast::Literal>(ast::Span{tok.begin, tok.end});
  l->value = t->ValueText(term);
  switch (term->getSymbol()->getType()) {
    case P::INTEGER: l->literal_kind = ast::LiteralKind::kInteger; break;
    case P::NUMERIC: l->literal_kind = ast::LiteralKind::kNumeric; break;
    case P::STRING: l->literal_kind = ast::LiteralKind::kString; break;
    case P::BITSTRING: l->literal_kind = ast::LiteralKind::kBitString; break;
    case P::HEXSTRING: l->literal_kind = ast::LiteralKind::kHexString; break;
    case P::K_TRUE: l->literal_kind = ast::LiteralKind::kBoolean; l->value = "true"; break;
    case P::K_FALSE: l->literal_kind = ast::LiteralKind::kBoolean; l->value = "false"; break;
    default: l->literal_kind = ast::LiteralKind::kNull; l->value = {}; break;
  }
  return l;
}

ast::Expr* Transformer::Primary(P::PrimaryContext* ctx) {
  ast::Span span = SpanOf(ctx);
  if (auto* c = As<P::PrColumnRefContext>(ctx)) {
    auto* n = New<ast::ColumnRef>(span);
    n->parts.push_back(IdentOf(c->colId()));
    return n;
  }
  if (auto* c = As<P::PrLiteralContext>(ctx)) {
    return Literal(c->literal());
  }
  if (auto* c = As<P::PrFuncCallContext>(ctx)) return FuncCall(c->funcCall());
  if (auto* c = As<P::PrParenContext>(ctx)) {
    auto exprs = c->expr();
    if (exprs.size() == 1) {
      auto* p = New<ast::Paren>(span);
      p->expr = Expr(exprs[0]);
      return p;
    }
    auto* r = New<ast::RowCtor>(span);
    for (auto* e : exprs) r->elements.push_back(Expr(e));
    return r;
  }
  if (auto* c = As<P::PrSpecialFuncContext>(ctx)) return SpecialFunc(c->specialFunc());
  if (auto* c = As<P::PrTypedLiteralContext>(ctx)) return TypedLiteral(c->typedLiteral());
  if (auto* c = As<P::PrCaseContext>(ctx)) {
    auto* ce = c->caseExpr();
    auto* n = New<ast::Case>(span);
    bool after_else = false;
    for (auto* child : Children(ce)) {
      if (auto* term = AsTerminal(child)) {
        if (term->getSymbol()->getType() == P::K_ELSE) after_else = true;
        continue;
      }
      if (auto* w = As<P::CaseWhenContext>(child)) {
        auto* cw = New<ast::CaseWhen>(SpanOf(w));
        cw->when = Expr(w->expr(0));
        cw->then = Expr(w->expr(1));
        n->whens.push_back(cw);
      } else if (after_else) {
        n->else_expr = Expr(static_cast<P::ExprContext*>(child));
      } else {
        n->operand = Expr(static_cast<P::ExprContext*>(child));
      }
    }
    return n;
  }
  if (auto* c = As<P::PrCastContext>(ctx)) {
    auto* n = New<ast::Cast>(span);
    n->expr = Expr(c->expr());
    n->type = c->typeName() ? TypeName(c->typeName()) : MySqlCastType(c->mysqlCastType());
    return n;
  }
  if (auto* c = As<P::PrVariableContext>(ctx)) {
    // MySQL's @name / @@[scope.]name: the variable's value (a SpecialFunc without parentheses, named by its text).
    const Token& tok = Tok(c->VARIABLE());
    for (char ch : tok.text)
      if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
            ch == '.' || ch == '$' || ch == '@'))
        Fail(c->getStart(), "a quoted variable name is not supported");
    auto* n = New<ast::SpecialFunc>(span);
    n->name = tok.text;
    n->parens = false;
    return n;
  }
  if (auto* c = As<P::PrIntervalContext>(ctx)) {  // MySQL: INTERVAL expr unit
    Need(Dialect::Feature::kIntervalExprUnit, c->K_INTERVAL()->getSymbol());
    auto* n = New<ast::SpecialFunc>(span);
    n->name = "INTERVAL";
    n->parens = false;
    n->keywords.push_back({});
    n->args.push_back(OtherOpExpr(c->otherOpExpr()));
    n->keywords.push_back(Upper(AsTerminal(Children(c->intervalUnit())[0])));
    return n;
  }
  if (auto* c = As<P::PrParamContext>(ctx)) {
    auto* n = New<ast::Param>(span);
    std::string_view digits = Tok(c->PARAM()).text;
    if (!digits.empty() && (digits[0] < '0' || digits[0] > '9')) {
      // SQLite's forms (?, ?NNN, :name, @name, $name, #name): kept as written, names compared as text (`$01` and
      // `$1` are two parameters there). `$N` without a leading zero is numbered as PostgreSQL's (template markers).
      bool numbered = digits.size() > 1 && digits[0] == '$' && digits[1] != '0';
      for (size_t i = 1; i < digits.size(); ++i) numbered = numbered && digits[i] >= '0' && digits[i] <= '9';
      if (!numbered) {
        n->name = digits;
        return n;
      }
      digits.remove_prefix(1);
    }
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || v > UINT32_MAX) Fail(c->getStart(), "parameter number out of range");
    n->index = static_cast<uint32_t>(v);
    return n;
  }
  if (auto* c = As<P::PrSubqueryContext>(ctx)) {
    auto* s = New<ast::SubqueryExpr>(span);
    s->subquery_kind = ast::SubqueryKind::kScalar;
    s->query = SelectStmt(c->selectStmt());
    return s;
  }
  if (auto* c = As<P::PrExistsContext>(ctx)) {
    auto* s = New<ast::SubqueryExpr>(span);
    s->subquery_kind = ast::SubqueryKind::kExists;
    s->query = SelectStmt(c->selectStmt());
    return s;
  }
  if (auto* c = As<P::PrArraySubqueryContext>(ctx)) {
    auto* s = New<ast::SubqueryExpr>(span);
    s->subquery_kind = ast::SubqueryKind::kArray;
    s->query = SelectStmt(c->selectStmt());
    return s;
  }
  if (auto* c = As<P::PrArrayContext>(ctx)) {
    return ArrayBrackets(c->arrayBrackets(), true, span.begin);
  }
  if (auto* c = As<P::PrRowContext>(ctx)) {
    auto* r = New<ast::RowCtor>(span);
    r->explicit_row = true;
    if (auto* l = c->exprList()) ExprList(l, &r->elements);
    return r;
  }
  Fail(ctx->getStart(), "unsupported expression");
}

ast::Expr* Transformer::ArrayBrackets(P::ArrayBracketsContext* ctx, bool keyword, uint32_t begin) {
  DepthGuard guard(this, ctx);
  auto* a = New<ast::ArrayCtor>(ast::Span{begin, SpanOf(ctx).end});
  a->keyword = keyword;
  for (auto* el : ctx->arrayElement()) {
    if (auto* inner = el->arrayBrackets()) {
      a->elements.push_back(ArrayBrackets(inner, false, SpanOf(inner).begin));
    } else {
      a->elements.push_back(Expr(el->expr()));
    }
  }
  return a;
}

// ---- function calls ---------------------------------------------------------------------------------------------

ast::Expr* Transformer::FuncCall(P::FuncCallContext* ctx) {
  auto* f = New<ast::FuncCall>(SpanOf(ctx));
  for (auto* child : Children(ctx->fn)) {
    if (!AsTerminal(child)) f->name.push_back(IdentOf(static_cast<antlr4::ParserRuleContext*>(child)));
  }
  if (auto* args = ctx->args) {
    if (args->STAR()) {
      f->star = true;
    } else {
      if (auto* q = args->setQuantifier()) f->distinct = q->K_DISTINCT() != nullptr;
      f->variadic = args->K_VARIADIC() != nullptr;
      for (auto* a : args->funcArg()) {
        if (auto* named = As<P::FaNamedContext>(a)) {
          auto* n = New<ast::NamedArg>(SpanOf(a));
          n->name = IdentOf(named->typeFunctionName());
          n->value = Expr(named->expr());
          f->args.push_back(n);
        } else {
          f->args.push_back(Expr(static_cast<P::FaPlainContext*>(a)->expr()));
        }
      }
      if (auto* ob = args->orderByClause()) OrderBy(ob, &f->order_by);
      if (auto* sep = args->STRING()) {  // MySQL: GROUP_CONCAT(x SEPARATOR ', '), a last NamedArg "separator"
        auto* n = New<ast::NamedArg>(ast::Span{SpanOf(args->K_SEPARATOR()).begin, SpanOf(sep).end});
        n->name = IdentOf(args->K_SEPARATOR());
        n->value = MakeLiteral(this, sep);
        f->separator = n;
      }
    }
  }
  if (dialect_.case_insensitive_builtins() && f->name.size() == 1 && !f->name[0].quoted) {
    // MySQL without IGNORE_SPACE reads `count (x)` (a space before the parenthesis) as a call of a stored function
    // `count` of the current database, not of the built-in: refused, since rlsq could not tell them apart.
    const Token& name = Tok(ctx->fn->getStop());
    const Token& paren = Tok(ctx->LPAREN());
    if (paren.begin != name.end)
      Fail(ctx->LPAREN()->getSymbol(),
           "a space between a function's name and its '(' is not supported: MySQL then calls a stored function of "
           "that name instead of the built-in one; write the call without it");
  }
  if (auto* wg = ctx->wg) {
    f->has_within_group = true;
    OrderBy(wg->orderByClause(), &f->within_group);
  }
  if (auto* fc = ctx->fl) f->filter = Expr(fc->expr());
  if (auto* oc = ctx->ov) {
    f->has_over = true;
    if (auto* ws = oc->windowSpecification()) {
      f->over = WindowSpecification(ws);
    } else {
      f->over_name = IdentOf(oc->colId());
    }
  }
  return f;
}

// Keyword-syntax functions: args[i] is preceded by keywords[i]; a comma-separated argument has an empty keyword.
static void SpecialArgs(Transformer* t, ParseTree* node, std::string* pending, ast::SpecialFunc* f, bool top) {
  auto* rc = static_cast<antlr4::ParserRuleContext*>(node);
  for (size_t i = 0; i < Children(rc).size(); ++i) {
    ParseTree* child = Children(rc)[i];
    if (auto* term = AsTerminal(child)) {
      size_t type = term->getSymbol()->getType();
      if (top && i == 0) continue;  // the function's own name
      if (type == P::LPAREN || type == P::RPAREN || type == P::COMMA) continue;
      if (!pending->empty()) *pending += ' ';
      *pending += t->Upper(term);
      continue;
    }
    if (auto* e = As<P::ExprContext>(child)) {
      f->keywords.push_back(t->Intern(*pending));
      f->args.push_back(t->Expr(e));
      pending->clear();
    } else if (auto* o = As<P::OtherOpExprContext>(child)) {
      f->keywords.push_back(t->Intern(*pending));
      f->args.push_back(t->OtherOpExpr(o));
      pending->clear();
    } else {
      SpecialArgs(t, child, pending, f, false);
    }
  }
}

ast::Expr* Transformer::SpecialFunc(P::SpecialFuncContext* ctx) {
  auto* f = New<ast::SpecialFunc>(SpanOf(ctx));
  auto* first = AsTerminal(Children(ctx)[0]);
  f->name = Upper(first);
  if (As<P::SfNiladicContext>(ctx)) {
    f->parens = false;
    return f;
  }
  if (auto* c = As<P::SfTimeContext>(ctx)) {
    f->parens = c->LPAREN() != nullptr;
    if (f->parens) {
      f->keywords.push_back({});
      f->args.push_back(MakeLiteral(this, c->INTEGER()));
    }
    return f;
  }
  if (auto* c = As<P::SfCollationForContext>(ctx)) {
    f->name = "COLLATION FOR";
    f->keywords.push_back({});
    f->args.push_back(Expr(c->expr()));
    return f;
  }
  if (auto* c = As<P::SfConvertContext>(ctx)) {
    if (auto* cs = c->anyName()) {  // CONVERT(x USING charset): the charset as a string ('utf8mb4')
      if (Children(cs).size() != 1) Fail(cs->getStart(), "a character set name has one part");
      f->keywords.push_back({});
      f->args.push_back(Expr(c->expr()));
      auto* lit = New<ast::Literal>(SpanOf(cs));
      lit->literal_kind = ast::LiteralKind::kString;
      lit->value = IdentOf(cs).text;
      f->keywords.push_back("USING");
      f->args.push_back(lit);
      return f;
    }
    auto* n = New<ast::Cast>(SpanOf(ctx));  // CONVERT(x, type) is CAST(x AS type)
    n->expr = Expr(c->expr());
    n->type = c->typeName() ? TypeName(c->typeName()) : MySqlCastType(c->mysqlCastType());
    return n;
  }
  if (auto* c = As<P::SfMatchContext>(ctx)) {
    // MATCH (columns) AGAINST (expr [mode]): args are the columns, then the search expression; keywords has one
    // more entry, the mode.
    ExprList(c->exprList(), &f->args);
    for (size_t i = 0; i < f->args.size(); ++i) f->keywords.push_back({});
    f->keywords.push_back("AGAINST");
    f->args.push_back(OtherOpExpr(c->otherOpExpr()));
    std::string mode;
    if (auto* m = c->matchMode()) {
      for (auto* child : Children(m)) Append(&mode, mode.empty() ? "" : " ", Upper(AsTerminal(child)));
    }
    f->keywords.push_back(Intern(mode));
    return f;
  }
  if (auto* c = As<P::SfExtractContext>(ctx)) {
    auto* field = c->extractField();
    const Token& tok = Tok(field->getStart());
    auto* lit = New<ast::Literal>(ast::Span{tok.begin, tok.end});
    lit->literal_kind = ast::LiteralKind::kString;
    lit->value = field->STRING() ? ValueText(field->STRING()) : tok.text;
    f->keywords.push_back({});
    f->args.push_back(lit);
    f->keywords.push_back("FROM");
    f->args.push_back(Expr(c->expr()));
    return f;
  }
  std::string pending;
  SpecialArgs(this, ctx, &pending, f, true);
  if (!pending.empty()) Fail(ctx->getStart(), "malformed function arguments");
  return f;
}

ast::Expr* Transformer::Literal(P::LiteralContext* ctx) {
  if (ctx->INTRODUCER()) {
    // MySQL's _charset 'x': the value is read as in that character set. Kept out of policy clauses, whose printing
    // would drop it.
    if (expression_mode) Fail(ctx->getStart(), "a character set introducer is not supported in a policy clause");
  }
  auto strings = ctx->STRING();
  if (strings.size() > 1) {  // MySQL: 'a' 'b' is 'ab'
    Need(Dialect::Feature::kAdjacentStrings, strings[1]->getSymbol());
    std::string value;
    for (auto* s : strings) value += ValueText(s);
    auto* lit = New<ast::Literal>(SpanOf(ctx));
    lit->literal_kind = ast::LiteralKind::kString;
    lit->value = Intern(value);
    return lit;
  }
  for (auto* child : Children(ctx))
    if (TypeOf(child) != P::INTRODUCER) return MakeLiteral(this, AsTerminal(child));
  Fail(ctx->getStart(), "malformed literal");
}

ast::TypeName* Transformer::MySqlCastType(P::MysqlCastTypeContext* ctx) {
  auto* t = New<ast::TypeName>(SpanOf(ctx));
  std::string name = ctx->K_SIGNED() ? "signed" : "unsigned";
  if (auto* word = ctx->IDENT()) {
    std::string w = AsciiLower(Tok(word).text);
    if (w != "int" && w != "integer") Fail(word->getSymbol(), Cat("syntax error at or near \"", Tok(word).text, "\""));
    // SIGNED INTEGER is SIGNED
  }
  ast::Ident id;
  id.text = Intern(name);
  id.span = SpanOf(ctx);
  t->name.push_back(id);
  return t;
}

ast::Expr* Transformer::TypedLiteral(P::TypedLiteralContext* ctx) {
  auto* n = New<ast::TypedLiteral>(SpanOf(ctx));
  n->value = ValueText(ctx->STRING());
  if (auto* c = ctx->keywordTypeName()) {
    n->type = KeywordTypeName(c);
    return n;
  }
  if (auto* fn = ctx->funcName()) {
    auto* t = New<ast::TypeName>(SpanOf(fn));
    for (auto* child : Children(fn)) {
      if (!AsTerminal(child)) t->name.push_back(IdentOf(static_cast<antlr4::ParserRuleContext*>(child)));
    }
    n->type = t;
    return n;
  }
  // INTERVAL forms
  auto* kw = ctx->K_INTERVAL();
  auto* t = New<ast::TypeName>(SpanOf(kw));
  ast::Ident id = IdentOf(kw);
  id.text = "interval";
  t->name.push_back(id);
  if (auto* i = ctx->INTEGER()) {
    t->modifiers.push_back(MakeLiteral(this, i));
    t->span.end = SpanOf(ctx->RPAREN()).end;
  }
  if (auto* q = ctx->intervalQualifier()) t->interval_fields = IntervalFields(q, &t->modifiers);
  n->type = t;
  return n;
}

std::string_view Transformer::IntervalFields(P::IntervalQualifierContext* ctx, ast::List<ast::Expr*>*) {
  std::string s;
  std::vector<antlr4::tree::TerminalNode*> terms;
  std::vector<ParseTree*> stack(Children(ctx).rbegin(), Children(ctx).rend());
  while (!stack.empty()) {
    ParseTree* p = stack.back();
    stack.pop_back();
    if (auto* term = AsTerminal(p)) {
      size_t type = term->getSymbol()->getType();
      if (type == P::LPAREN) s += '(';
      else if (type == P::RPAREN) s += ')';
      else if (type == P::INTEGER) s += Tok(term).text;
      else {
        if (!s.empty()) s += ' ';
        AppendAsciiLower(Tok(term).text, &s);
      }
      continue;
    }
    auto* rc = static_cast<antlr4::ParserRuleContext*>(p);
    for (auto it = Children(rc).rbegin(); it != Children(rc).rend(); ++it) stack.push_back(*it);
  }
  return Intern(s);
}

// ---- types ------------------------------------------------------------------------------------------------------

ast::TypeName* Transformer::TypeName(P::TypeNameContext* ctx) {
  ast::TypeName* t = SimpleTypeName(ctx->simpleTypeName());
  t->span = SpanOf(ctx);
  t->setof = ctx->K_SETOF() != nullptr;
  if (auto* b = ctx->arrayBounds()) {
    size_t dims = b->K_ARRAY() ? 1 : b->LBRACKET().size();
    t->array_dims = static_cast<uint8_t>(dims > 255 ? 255 : dims);
  }
  return t;
}

ast::TypeName* Transformer::SimpleTypeName(P::SimpleTypeNameContext* ctx) {
  if (auto* c = ctx->constTypeName()) return ConstTypeName(c);
  auto* t = New<ast::TypeName>(SpanOf(ctx));
  auto* kw = ctx->K_INTERVAL();
  ast::Ident id = IdentOf(kw);
  id.text = "interval";
  t->name.push_back(id);
  if (auto* i = ctx->INTEGER()) t->modifiers.push_back(MakeLiteral(this, i));
  if (auto* q = ctx->intervalQualifier()) t->interval_fields = IntervalFields(q, &t->modifiers);
  return t;
}

ast::TypeName* Transformer::ConstTypeName(P::ConstTypeNameContext* ctx) {
  auto* t = New<ast::TypeName>(SpanOf(ctx));
  if (auto* g = ctx->genericType()) {
    for (auto* child : Children(g)) {
      if (AsTerminal(child)) continue;
      if (auto* mods = As<P::TypeModifiersContext>(child)) {
        ExprList(mods->exprList(), &t->modifiers);
      } else {
        t->name.push_back(IdentOf(static_cast<antlr4::ParserRuleContext*>(child)));
      }
    }
    return t;
  }
  return KeywordTypeName(ctx->keywordTypeName());
}

// A keyword type: the words, lower case, single spaces, as one unquoted Ident; modifiers from the parentheses.
ast::TypeName* Transformer::KeywordTypeName(P::KeywordTypeNameContext* ctx) {
  auto* t = New<ast::TypeName>(SpanOf(ctx));
  std::vector<std::string_view> words;
  ast::Span words_span{SpanOf(ctx).begin, SpanOf(ctx).begin};
  std::vector<ParseTree*> stack(Children(ctx).rbegin(), Children(ctx).rend());
  while (!stack.empty()) {
    ParseTree* p = stack.back();
    stack.pop_back();
    if (auto* term = AsTerminal(p)) {
      size_t type = term->getSymbol()->getType();
      if (type == P::LPAREN || type == P::RPAREN || type == P::COMMA) continue;
      if (type == P::INTEGER) {
        t->modifiers.push_back(MakeLiteral(this, term));
        continue;
      }
      words.push_back(Tok(term).text);
      words_span.end = Tok(term).end;
      continue;
    }
    if (auto* mods = As<P::TypeModifiersContext>(p)) {
      ExprList(mods->exprList(), &t->modifiers);
      continue;
    }
    auto* rc = static_cast<antlr4::ParserRuleContext*>(p);
    for (auto it = Children(rc).rbegin(); it != Children(rc).rend(); ++it) stack.push_back(*it);
  }
  ast::Ident id;
  id.text = Intern(LowerJoin(words));
  id.span = words_span;
  t->name.push_back(id);
  return t;
}

}  // namespace rlsq::parser_internal
