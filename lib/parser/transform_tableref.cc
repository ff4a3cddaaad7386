// FROM items: base tables, derived tables, table functions, joins (also parenthesised join trees).
#include "lib/parser/transform.h"

namespace rlsq::parser_internal {

namespace {
using antlr4::tree::TerminalNode;
}  // namespace

ast::TableRef* Transformer::FromItem(P::FromItemContext* ctx) {
  ast::TableRef* left = TableRef(ctx->tableRef());
  return JoinChain(left, ctx->joinPart());
}

ast::TableRef* Transformer::JoinChain(ast::TableRef* left, const std::vector<P::JoinPartContext*>& parts) {
  if (parts.size() > 1) CheckChain(parts.size(), parts[0]->getStart());
  for (auto* part : parts) {
    auto* j = New<ast::JoinRef>(ast::Span{left->span.begin, SpanOf(part).end});
    j->left = left;
    P::JoinTypeContext* type = nullptr;
    if (auto* c = As<P::JpCrossContext>(part)) {
      j->join_kind = ast::JoinKind::kCross;
      j->right = TableRef(c->tableRef());
    } else if (auto* s = As<P::JpStraightContext>(part)) {
      // MySQL: STRAIGHT_JOIN is an inner join that reads its left table first; without ON, a cross join.
      j->join_kind = s->K_ON() ? ast::JoinKind::kInner : ast::JoinKind::kCross;
      j->right = TableRef(s->tableRef());
      if (auto* on = s->expr()) j->on = Expr(on);
    } else if (auto* n = As<P::JpNaturalContext>(part)) {
      j->natural = true;
      type = n->joinType();
      j->right = TableRef(n->tableRef());
    } else {
      auto* q = static_cast<P::JpQualifiedContext*>(part);
      type = q->joinType();
      j->right = TableRef(q->tableRef());
      // `a JOIN b JOIN c ON x ON y` is `a JOIN (b JOIN c ON x) ON y` (PostgreSQL's gram.y: a qualified join's right
      // operand is any table_ref, joins included). The nested join is marked as the parenthesised form it means, so
      // that scopes see the same tree and the printer writes the parentheses.
      if (!q->joinPart().empty()) {
        DepthGuard guard(this, q);
        j->right = JoinChain(j->right, q->joinPart());
        if (auto* nested = j->right->As<ast::JoinRef>()) nested->parenthesized = true;
      }
      auto* qual = q->joinQual();
      if (auto* on = As<P::JqOnContext>(qual)) {
        j->on = Expr(on->expr());
      } else {
        auto* u = static_cast<P::JqUsingContext*>(qual);
        j->has_using = true;
        NameList(u->nameList(), &j->using_columns);
        if (auto* a = u->colId()) {
          auto* alias = New<ast::AliasClause>(ast::Span{SpanOf(u->K_AS()).begin, SpanOf(a).end});
          alias->name = IdentOf(a);
          alias->as_keyword = true;
          j->using_alias = alias;
        }
      }
    }
    if (type) {
      if (type->K_LEFT()) j->join_kind = ast::JoinKind::kLeft;
      else if (type->K_RIGHT()) j->join_kind = ast::JoinKind::kRight;
      else if (type->K_FULL()) j->join_kind = ast::JoinKind::kFull;
      else j->join_kind = ast::JoinKind::kInner;
    }
    left = j;
  }
  return left;
}

ast::TableRef* Transformer::TableRef(P::TableRefContext* ctx) {
  DepthGuard guard(this, ctx);
  ast::Span span = SpanOf(ctx);
  if (auto* b = As<P::TrBaseContext>(ctx)) {
    ast::BaseTableRef* t = RelationExpr(b->relationExpr());
    t->span = span;
    if (auto* a = b->aliasClause()) {
      t->alias = Alias(a);
      if (a->nameList()) Need(Dialect::Feature::kTableAliasColumns, a->nameList()->getStart());
    }
    if (auto* p = b->partitionSelection()) {
      Need(Dialect::Feature::kPartitionSelection, p->getStart());
      NameList(p->nameList(), &t->partitions);
    }
    for (auto* h : b->indexHint())
      Need(h->K_INDEXED() ? Dialect::Feature::kIndexedBy : Dialect::Feature::kIndexHints, h->getStart());
    if (auto* s = b->tablesampleClause()) {
      for (auto* child : Children(s->funcName())) {
        if (!AsTerminal(child)) t->sample_method.push_back(IdentOf(static_cast<antlr4::ParserRuleContext*>(child)));
      }
      // A wrapped read carries the clause into its wrapper (rewriter/plan.cc FromText): the plan holds these
      // constants, so they are not left out of the shape.
      bool pinned = pin_values;
      pin_values = true;
      ExprList(s->exprList(), &t->sample_args);
      if (auto* r = s->expr()) t->sample_repeatable = Expr(r);
      pin_values = pinned;
    }
    return t;
  }
  if (auto* d = As<P::TrDerivedContext>(ctx)) {
    auto* t = New<ast::DerivedTableRef>(span);
    t->lateral = d->K_LATERAL() != nullptr;
    if (t->lateral) Need(Dialect::Feature::kLateral, d->K_LATERAL()->getSymbol());
    t->query = SelectStmt(d->selectStmt());
    if (auto* a = d->aliasClause()) {
      t->alias = Alias(a);
      if (a->nameList()) Need(Dialect::Feature::kDerivedColumnList, a->nameList()->getStart());
    }
    return t;
  }
  if (auto* f = As<P::TrFunctionContext>(ctx)) {
    ast::FunctionTableRef* t = FuncTable(f->funcTable());
    t->span = span;
    t->lateral = f->K_LATERAL() != nullptr;
    if (t->lateral) Need(Dialect::Feature::kLateral, f->K_LATERAL()->getSymbol());
    return t;
  }
  auto* p = static_cast<P::TrParenJoinContext*>(ctx);
  ast::TableRef* inner = JoinedTable(p->joinedTable());
  auto* j = inner->As<ast::JoinRef>();
  if (j == nullptr) Fail(ctx->getStart(), "syntax error: parenthesised FROM item is not a join");
  j->parenthesized = true;
  j->span = span;
  if (auto* a = p->aliasClause()) {
    j->alias = Alias(a);
    if (a->nameList()) Need(Dialect::Feature::kTableAliasColumns, a->nameList()->getStart());
  }
  return j;
}

ast::TableRef* Transformer::JoinedTable(P::JoinedTableContext* ctx) {
  DepthGuard guard(this, ctx);
  if (auto* inner = ctx->joinedTable()) {
    ast::TableRef* t = JoinedTable(inner);
    if (auto* j = t->As<ast::JoinRef>()) j->parenthesized = true;
    return t;
  }
  ast::TableRef* left = TableRef(ctx->tableRef());
  return JoinChain(left, ctx->joinPart());
}

ast::BaseTableRef* Transformer::RelationExpr(P::RelationExprContext* ctx) {
  auto* t = New<ast::BaseTableRef>(SpanOf(ctx));
  t->only = ctx->K_ONLY() != nullptr;
  t->star = ctx->STAR() != nullptr;
  QualifiedName(ctx->qualifiedName(), &t->name);
  return t;
}

void Transformer::QualifiedName(P::QualifiedNameContext* ctx, ast::List<ast::Ident>* out) {
  for (auto* child : Children(ctx)) {
    if (!AsTerminal(child)) out->push_back(IdentOf(static_cast<antlr4::ParserRuleContext*>(child)));
  }
  if (out->size() > 3) Fail(ctx->getStart(), "improper qualified name (too many dotted names)");
}

ast::FunctionTableRef* Transformer::FuncTable(P::FuncTableContext* ctx) {
  auto* t = New<ast::FunctionTableRef>(SpanOf(ctx));
  t->rows_from = ctx->K_ROWS() != nullptr;
  t->with_ordinality = ctx->K_ORDINALITY() != nullptr;
  for (auto* f : ctx->tableFunction()) {
    if (auto* fc = f->funcCall()) {
      t->functions.push_back(FuncCall(fc));
    } else {
      t->functions.push_back(SpecialFunc(f->specialFunc()));
    }
  }
  if (auto* a = ctx->aliasClause()) t->alias = Alias(a);  // ROWS FROM (...) alias
  if (auto* fa = ctx->funcAliasClause()) {
    if (auto* plain = As<P::FaAliasContext>(fa)) {
      t->alias = Alias(plain->aliasClause());
    } else {
      // Column definition list: AS [name] (column type, ...).
      auto* a = New<ast::AliasClause>(SpanOf(fa));
      std::vector<P::ColumnDefContext*> defs;
      if (auto* named = As<P::FaNamedDefsContext>(fa)) {
        a->as_keyword = named->K_AS() != nullptr;
        a->name = IdentOf(named->colId());
        defs = named->columnDef();
      } else {
        a->as_keyword = true;
        defs = static_cast<P::FaDefsContext*>(fa)->columnDef();
      }
      if (t->with_ordinality) Fail(fa->getStart(), "WITH ORDINALITY cannot be used with a column definition list");
      for (auto* d : defs) {
        a->columns.push_back(IdentOf(d->colId()));
        a->column_types.push_back(TypeName(d->typeName()));
      }
      t->alias = a;
    }
  }
  return t;
}

ast::AliasClause* Transformer::Alias(P::AliasClauseContext* ctx) {
  auto* a = New<ast::AliasClause>(SpanOf(ctx));
  a->as_keyword = ctx->K_AS() != nullptr;
  a->name = IdentOf(ctx->colId());
  if (auto* nl = ctx->nameList()) NameList(nl, &a->columns);
  return a;
}

void Transformer::NameList(P::NameListContext* ctx, ast::List<ast::Ident>* out) {
  for (auto* id : ctx->colId()) out->push_back(IdentOf(id));
}

}  // namespace rlsq::parser_internal
