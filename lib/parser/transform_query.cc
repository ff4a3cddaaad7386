// Queries: SELECT, set operations, VALUES, TABLE, WITH, ORDER BY, LIMIT/OFFSET/FETCH, GROUP BY, WINDOW; and the
// refusals that the grammar only recognises (SELECT INTO, FOR UPDATE/SHARE, data-modifying statements).
#include <algorithm>
#include <string>

#include "lib/common/str_cat.h"
#include "lib/parser/transform.h"

namespace rlsq::parser_internal {

namespace {
using antlr4::tree::ParseTree;
using antlr4::tree::TerminalNode;
}  // namespace

ast::QueryNode* Transformer::Root(P::RootContext* ctx) {
  root_select = ctx->selectStmt();
  return SelectStmt(ctx->selectStmt());
}

ast::Expr* Transformer::ExprRoot(P::ExprRootContext* ctx) { return Expr(ctx->expr()); }

ast::QueryNode* Transformer::SelectStmt(P::SelectStmtContext* ctx) {
  DepthGuard guard(this, ctx);
  ast::WithClause* with = nullptr;
  if (auto* w = ctx->wc) {
    const bool open = statement_options_open;
    statement_options_open = false;  // a CTE's SELECT is not the statement's first
    with = With(w);
    statement_options_open = open;
  }
  if (ctx == root_select) statement_options_open = true;
  ast::QueryNode* q = SetExpr(ctx->se);
  // Modifiers written after a parenthesised query apply to it (as in PostgreSQL); each may be given once.
  if (with) {
    if (q->with) Fail(ctx->getStart(), "multiple WITH clauses not allowed");
    q->with = with;
  }
  if (auto* ob = ctx->ob) {
    if (!q->order_by.empty()) Fail(ob->getStart(), "multiple ORDER BY clauses not allowed");
    OrderBy(ob, &q->order_by);
  }
  if (auto* tail = ctx->qt) QueryTail(tail, q);
  if (with || ctx->ob || ctx->qt) {
    ast::Span s = SpanOf(ctx);
    q->span = ast::Span{std::min(s.begin, q->span.begin), std::max(s.end, q->span.end)};
  }
  return q;
}

void Transformer::QueryTail(P::QueryTailContext* ctx, ast::QueryNode* q) {
  for (auto* child : Children(ctx)) {
    if (auto* l = As<P::LockingClauseContext>(child)) {
      if (l->K_READ()) continue;  // FOR READ ONLY: no locking
      std::string what = "FOR";
      for (auto* c : Children(l)) {
        auto* term = AsTerminal(c);
        if (!term) break;
        size_t type = term->getSymbol()->getType();
        if (type == P::K_OF || type == P::K_NOWAIT || type == P::K_SKIP) break;
        if (type == P::K_FOR) continue;
        Append(&what, " ", Upper(term));
      }
      Fail(l->getStart(), Cat(what, " is not allowed: rlsq accepts only read-only queries"));
    }
    if (auto* o = As<P::OffsetPartContext>(child)) {
      if (q->offset) Fail(o->getStart(), "multiple OFFSET clauses not allowed");
      q->offset = Expr(o->expr());
      continue;
    }
    if (q->limit_syntax != ast::LimitSyntax::kNone) {
      Fail(static_cast<antlr4::ParserRuleContext*>(child)->getStart(), "multiple LIMIT clauses not allowed");
    }
    if (auto* l = As<P::LpLimitContext>(child)) {
      if (l->K_ALL()) {
        q->limit_syntax = ast::LimitSyntax::kLimitAll;
      } else if (l->COMMA()) {  // MySQL: LIMIT offset, count
        Need(Dialect::Feature::kLimitComma, l->COMMA()->getSymbol());
        if (q->offset) Fail(l->getStart(), "multiple OFFSET clauses not allowed");
        q->limit_syntax = ast::LimitSyntax::kLimit;
        q->offset = Expr(l->expr(0));
        q->limit = Expr(l->expr(1));
      } else {
        q->limit_syntax = ast::LimitSyntax::kLimit;
        q->limit = Expr(l->expr(0));
      }
    } else if (auto* f = As<P::LpFetchContext>(child)) {
      q->limit_syntax = f->K_TIES() ? ast::LimitSyntax::kFetchFirstWithTies : ast::LimitSyntax::kFetchFirst;
      if (auto* fc = f->fetchCount()) {
        if (auto* e = fc->expr()) {
          auto* p = New<ast::Paren>(SpanOf(fc));
          p->expr = Expr(e);
          q->limit = p;
        } else if (auto* param = fc->PARAM()) {
          auto* n = New<ast::Param>(SpanOf(param));
          std::string_view digits = Tok(param).text;
          uint64_t v = 0;
          for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
          n->index = static_cast<uint32_t>(v);
          q->limit = n;
        } else {
          auto* num = fc->INTEGER() ? fc->INTEGER() : fc->NUMERIC();
          auto* lit = New<ast::Literal>(SpanOf(num));
          lit->literal_kind = fc->INTEGER() ? ast::LiteralKind::kInteger : ast::LiteralKind::kNumeric;
          lit->value = ValueText(num);
          if (fc->MINUS() || fc->PLUS()) {
            auto* u = New<ast::UnaryOp>(SpanOf(fc));
            u->op = fc->MINUS() ? "-" : "+";
            u->operand = lit;
            q->limit = u;
          } else {
            q->limit = lit;
          }
        }
      }
    }
  }
}

ast::QueryNode* Transformer::SetExpr(P::SetExprContext* ctx) {
  auto terms = ctx->setTerm();
  ast::QueryNode* left = SetTerm(terms[0]);
  if (terms.size() == 1) return left;
  CheckChain(terms.size() - 1, ctx->getStart());
  size_t next = 1;
  ast::SetOpNode* pending = nullptr;
  for (auto* child : Children(ctx)) {
    if (auto* term = AsTerminal(child)) {
      size_t type = term->getSymbol()->getType();
      if (type == P::K_UNION || type == P::K_EXCEPT) {
        pending = New<ast::SetOpNode>(ast::Span{});
        pending->op = type == P::K_UNION ? ast::SetOpKind::kUnion : ast::SetOpKind::kExcept;
      }
      continue;
    }
    if (auto* q = As<P::SetQuantifierContext>(child)) {
      pending->all = q->K_ALL() != nullptr;
      pending->distinct_keyword = q->K_DISTINCT() != nullptr;
      continue;
    }
    if (child == terms[0]) continue;
    ast::QueryNode* right = SetTerm(terms[next++]);
    pending->left = left;
    pending->right = right;
    pending->span = ast::Span{left->span.begin, right->span.end};
    left = pending;
    pending = nullptr;
  }
  return left;
}

ast::QueryNode* Transformer::SetTerm(P::SetTermContext* ctx) {
  auto prims = ctx->setPrimary();
  ast::QueryNode* left = SetPrimary(prims[0]);
  if (prims.size() == 1) return left;
  CheckChain(prims.size() - 1, ctx->getStart());
  size_t next = 1;
  ast::SetOpNode* pending = nullptr;
  for (auto* child : Children(ctx)) {
    if (AsTerminal(child)) {
      pending = New<ast::SetOpNode>(ast::Span{});
      pending->op = ast::SetOpKind::kIntersect;
      continue;
    }
    if (auto* q = As<P::SetQuantifierContext>(child)) {
      pending->all = q->K_ALL() != nullptr;
      pending->distinct_keyword = q->K_DISTINCT() != nullptr;
      continue;
    }
    if (child == prims[0]) continue;
    ast::QueryNode* right = SetPrimary(prims[next++]);
    pending->left = left;
    pending->right = right;
    pending->span = ast::Span{left->span.begin, right->span.end};
    left = pending;
    pending = nullptr;
  }
  return left;
}

ast::QueryNode* Transformer::SetPrimary(P::SetPrimaryContext* ctx) {
  if (auto* c = As<P::SpSelectContext>(ctx)) return SimpleSelect(c->simpleSelect());
  if (auto* c = As<P::SpParenContext>(ctx)) {
    ast::QueryNode* q = SelectStmt(c->selectStmt());
    q->parenthesized = true;
    q->span = SpanOf(ctx);
    return q;
  }
  if (auto* c = As<P::SpValuesContext>(ctx)) return Values(c->valuesClause());
  if (auto* c = As<P::SpTableContext>(ctx)) {
    Need(Dialect::Feature::kTableStatement, c->K_TABLE()->getSymbol());
    auto* t = New<ast::TableQueryNode>(SpanOf(ctx));
    t->keyword = SpanOf(c->K_TABLE());
    t->table = RelationExpr(c->relationExpr());
    return t;
  }
  auto* dml = static_cast<P::SpDmlContext*>(ctx)->dmlStatement();
  auto* kw = AsTerminal(Children(dml)[0]);
  Fail(kw->getSymbol(), Cat(Upper(kw), " is not allowed: rlsq accepts only one read-only query"));
}

ast::SelectNode* Transformer::SimpleSelect(P::SimpleSelectContext* ctx) {
  auto* s = New<ast::SelectNode>(SpanOf(ctx));
  const bool statement_first = statement_options_open;
  statement_options_open = false;
  std::vector<size_t> seen_options;
  for (auto* option : ctx->selectOption()) {
    const size_t type = option->getStart()->getType();
    if (std::find(seen_options.begin(), seen_options.end(), type) != seen_options.end())
      Fail(option->getStart(), Cat("syntax error at or near \"", option->getText(), "\": given twice"));
    seen_options.push_back(type);
    if (!statement_first && (type == P::K_SQL_CACHE || type == P::K_SQL_NO_CACHE || type == P::K_SQL_CALC_FOUND_ROWS ||
                             type == P::K_HIGH_PRIORITY))
      Fail(option->getStart(), Cat(Upper(AsTerminal(Children(option)[0])), " is allowed only in the statement's first "
                                   "SELECT (not in a WITH, a subquery or a later UNION arm)"));
  }
  if (auto* d = ctx->dc) {
    if (d->K_ALL()) {
      s->distinct = ast::DistinctKind::kAll;
    } else if (d->K_ON()) {
      Need(Dialect::Feature::kDistinctOn, d->K_ON()->getSymbol());
      s->distinct = ast::DistinctKind::kDistinctOn;
      ExprList(d->exprList(), &s->distinct_on);
    } else {
      s->distinct = ast::DistinctKind::kDistinct;
    }
  }
  if (auto* tl = ctx->tl) {
    for (auto* item : tl->targetItem()) {
      auto* si = New<ast::SelectItem>(SpanOf(item));
      if (As<P::TiStarContext>(item)) {
        if (!s->targets.empty()) Need(Dialect::Feature::kStarAfterItems, item->getStart());
        auto* star = New<ast::ColumnRef>(SpanOf(item));
        star->star = true;
        si->expr = star;
      } else {
        auto* e = static_cast<P::TiExprContext*>(item);
        si->expr = Expr(e->expr());
        if (auto* l = e->colLabel()) {
          si->alias = IdentOf(l);
          si->has_alias = true;
        } else if (auto* b = e->bareColLabel()) {
          si->alias = IdentOf(b);
          si->has_alias = true;
        } else if (auto* str = e->STRING()) {  // MySQL: AS 'x', 'x'
          Need(Dialect::Feature::kStringAlias, str->getSymbol());
          si->alias = IdentOf(str);
          si->alias.quoted = true;
          si->has_alias = true;
        }
      }
      s->targets.push_back(si);
    }
  } else {
    Need(Dialect::Feature::kEmptySelectList, ctx->getStart());
  }
  if (auto* into = ctx->ic) {
    Fail(into->getStart(), "SELECT INTO is not allowed: rlsq accepts only one read-only query");
  }
  if (auto* f = ctx->fc) {
    for (auto* item : f->fromItem()) s->from.push_back(FromItem(item));  // FROM DUAL: none
    s->from_span = SpanOf(f);
  }
  if (auto* w = ctx->wc) {
    s->where = Expr(w->expr());
    s->where_span = SpanOf(w);
  }
  if (auto* g = ctx->gc) {
    // GROUP BY DISTINCT drops duplicate grouping sets after the expansion of ROLLUP / CUBE / GROUPING SETS: it
    // reads nothing and happens after WHERE, so it changes no read and no placement.
    if (auto* q = g->setQuantifier(); q && q->K_DISTINCT()) s->group_by_distinct = true;
    for (auto* item : g->groupItem()) s->group_by.push_back(GroupItem(item));
    if (auto* rollup = g->K_ROLLUP()) {  // MySQL: GROUP BY a, b WITH ROLLUP, i.e. ROLLUP(a, b)
      Need(Dialect::Feature::kWithRollup, rollup->getSymbol());
      auto* set = New<ast::GroupingSet>(SpanOf(g));
      set->set_kind = ast::GroupingSetKind::kRollup;
      for (auto* e : s->group_by) set->elements.push_back(e);
      s->group_by.clear();
      s->group_by.push_back(set);
    }
  }
  if (auto* h = ctx->hc) s->having = Expr(h->expr());
  if (auto* w = ctx->wn) {
    for (auto* def : w->windowDefinition()) {
      auto* wd = New<ast::WindowDef>(SpanOf(def));
      wd->name = IdentOf(def->colId());
      wd->spec = WindowSpecification(def->windowSpecification());
      s->windows.push_back(wd);
    }
  }
  return s;
}

ast::Expr* Transformer::GroupItem(P::GroupItemContext* ctx) {
  if (auto* e = As<P::GiExprContext>(ctx)) return Expr(e->expr());
  DepthGuard guard(this, ctx);
  auto* g = New<ast::GroupingSet>(SpanOf(ctx));
  if (As<P::GiEmptyContext>(ctx)) {
    g->set_kind = ast::GroupingSetKind::kEmpty;
  } else if (auto* r = As<P::GiRollupContext>(ctx)) {
    g->set_kind = ast::GroupingSetKind::kRollup;
    ExprList(r->exprList(), &g->elements);
  } else if (auto* c = As<P::GiCubeContext>(ctx)) {
    g->set_kind = ast::GroupingSetKind::kCube;
    ExprList(c->exprList(), &g->elements);
  } else {
    g->set_kind = ast::GroupingSetKind::kSets;
    for (auto* item : static_cast<P::GiSetsContext*>(ctx)->groupItem()) g->elements.push_back(GroupItem(item));
  }
  return g;
}

ast::ValuesNode* Transformer::Values(P::ValuesClauseContext* ctx) {
  auto* v = New<ast::ValuesNode>(SpanOf(ctx));
  for (auto* row : ctx->valuesRow()) {
    auto* r = New<ast::RowCtor>(SpanOf(row));
    if (auto* kw = row->K_ROW()) Need(Dialect::Feature::kValuesRow, kw->getSymbol());
    ExprList(row->exprList(), &r->elements);
    v->rows.push_back(r);
  }
  return v;
}

ast::WithClause* Transformer::With(P::WithClauseContext* ctx) {
  auto* w = New<ast::WithClause>(SpanOf(ctx));
  w->recursive = ctx->K_RECURSIVE() != nullptr;
  for (auto* c : ctx->commonTableExpr()) {
    auto* cte = New<ast::CommonTableExpr>(SpanOf(c));
    cte->name = IdentOf(c->colId());
    if (auto* nl = c->nameList()) NameList(nl, &cte->columns);
    if (c->K_MATERIALIZED()) {
      cte->materialized = c->K_NOT() ? ast::Materialized::kNotMaterialized : ast::Materialized::kMaterialized;
    }
    cte->query = SelectStmt(c->selectStmt());
    if (auto* s = c->searchClause()) {
      if (!w->recursive) Fail(s->getStart(), "SEARCH needs WITH RECURSIVE");
      cte->search = true;
      cte->search_breadth_first = s->K_BREADTH() != nullptr;
      NameList(s->nameList(), &cte->search_by);
      cte->search_set = IdentOf(s->colId());
    }
    if (auto* y = c->cycleClause()) {
      if (!w->recursive) Fail(y->getStart(), "CYCLE needs WITH RECURSIVE");
      cte->cycle = true;
      NameList(y->nameList(), &cte->cycle_columns);
      auto ids = y->colId();  // SET column, [TO ... DEFAULT ...,] USING column
      cte->cycle_set = IdentOf(ids.front());
      cte->cycle_using = IdentOf(ids.back());
      auto values = y->cycleValue();
      if (values.size() == 2) {
        auto value = [&](P::CycleValueContext* v) -> ast::Expr* {
          if (auto* t = v->typedLiteral()) return TypedLiteral(t);
          return Literal(v->literal());
        };
        cte->cycle_to = value(values[0]);
        cte->cycle_default = value(values[1]);
      }
    }
    w->ctes.push_back(cte);
  }
  return w;
}

void Transformer::OrderBy(P::OrderByClauseContext* ctx, ast::List<ast::OrderItem*>* out) {
  for (auto* item : ctx->sortItem()) out->push_back(SortItem(item));
}

ast::OrderItem* Transformer::SortItem(P::SortItemContext* ctx) {
  auto* o = New<ast::OrderItem>(SpanOf(ctx));
  o->expr = Expr(ctx->expr());
  if (ctx->K_ASC()) o->dir = ast::SortDir::kAsc;
  if (ctx->K_DESC()) o->dir = ast::SortDir::kDesc;
  if (auto* op = ctx->qualAllOp()) {
    o->dir = ast::SortDir::kUsing;
    if (op->K_OPERATOR()) {
      std::string s = "OPERATOR(";
      for (auto* c : Children(op->anyOperator())) {
        if (auto* term = AsTerminal(c)) s += term->getSymbol()->getType() == P::NEQ ? std::string_view("<>") : Tok(term).text;
        else s += Tok(static_cast<antlr4::ParserRuleContext*>(c)->getStart()).text;
      }
      s += ')';
      o->using_op = Intern(s);
    } else {
      auto* term = AsTerminal(Children(op->allOp())[0]);
      o->using_op = term->getSymbol()->getType() == P::NEQ ? std::string_view("<>") : Tok(term).text;
    }
  }
  if (ctx->K_NULLS()) o->nulls = ctx->K_FIRST() ? ast::NullsOrder::kFirst : ast::NullsOrder::kLast;
  return o;
}

static ast::FrameBoundKind BoundKind(P::FrameBoundContext* b) {
  if (b->K_UNBOUNDED()) {
    return b->K_PRECEDING() ? ast::FrameBoundKind::kUnboundedPreceding : ast::FrameBoundKind::kUnboundedFollowing;
  }
  if (b->K_CURRENT()) return ast::FrameBoundKind::kCurrentRow;
  return b->K_PRECEDING() ? ast::FrameBoundKind::kPreceding : ast::FrameBoundKind::kFollowing;
}

ast::WindowSpec* Transformer::WindowSpecification(P::WindowSpecificationContext* ctx) {
  auto* w = New<ast::WindowSpec>(SpanOf(ctx));
  if (auto* ref = ctx->colId()) w->ref_name = IdentOf(ref);
  if (auto* p = ctx->partitionClause()) ExprList(p->exprList(), &w->partition_by);
  if (auto* o = ctx->orderByClause()) OrderBy(o, &w->order_by);
  if (auto* f = ctx->frameClause()) {
    w->frame_mode = f->K_ROWS() ? ast::FrameMode::kRows : f->K_RANGE() ? ast::FrameMode::kRange
                                                                      : ast::FrameMode::kGroups;
    auto bounds = f->frameBound();
    w->frame_between = f->K_BETWEEN() != nullptr;
    w->start_kind = BoundKind(bounds[0]);
    if (auto* e = bounds[0]->expr()) w->start_offset = Expr(e);
    if (bounds.size() > 1) {
      w->end_kind = BoundKind(bounds[1]);
      if (auto* e = bounds[1]->expr()) w->end_offset = Expr(e);
    }
    if (auto* x = f->frameExclusion()) {
      w->exclusion = x->K_CURRENT() ? ast::FrameExclusion::kCurrentRow
                     : x->K_GROUP() ? ast::FrameExclusion::kGroup
                     : x->K_TIES()  ? ast::FrameExclusion::kTies
                                    : ast::FrameExclusion::kNoOthers;
    }
  }
  return w;
}

}  // namespace rlsq::parser_internal
