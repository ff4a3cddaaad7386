// Builds AST nodes by hand for printer tests (the way the rewriter builds injected predicates).
#pragma once

#include <initializer_list>
#include <string_view>

#include "lib/ast/ast.h"
#include "lib/ast/ast_util.h"
#include "lib/common/arena.h"

namespace rlsq::testing {

class AstBuilder {
 public:
  Arena arena;

  ast::Ident Id(std::string_view text, bool quoted = false) { return ast::Ident{arena.Intern(text), quoted, {}}; }
  template <class T>
  T* New() {
    return ast::New<T>(arena);
  }

  ast::ColumnRef* Col(std::initializer_list<std::string_view> parts, bool star = false) {
    auto* c = New<ast::ColumnRef>();
    for (auto p : parts) c->parts.push_back(Id(p));
    c->star = star;
    return c;
  }
  ast::Literal* Lit(ast::LiteralKind kind, std::string_view value) {
    auto* l = New<ast::Literal>();
    l->literal_kind = kind;
    l->value = arena.Intern(value);
    return l;
  }
  ast::Literal* Int(std::string_view v) { return Lit(ast::LiteralKind::kInteger, v); }
  ast::Literal* Str(std::string_view v) { return Lit(ast::LiteralKind::kString, v); }
  ast::BinaryOp* Bin(std::string_view op, ast::Expr* l, ast::Expr* r) {
    auto* b = New<ast::BinaryOp>();
    b->op = arena.Intern(op);
    b->left = l;
    b->right = r;
    return b;
  }
  ast::UnaryOp* Un(std::string_view op, ast::Expr* e) {
    auto* u = New<ast::UnaryOp>();
    u->op = arena.Intern(op);
    u->operand = e;
    return u;
  }
  ast::Paren* Par(ast::Expr* e) {
    auto* p = New<ast::Paren>();
    p->expr = e;
    return p;
  }
  ast::FuncCall* Func(std::string_view name, std::initializer_list<ast::Expr*> args) {
    auto* f = New<ast::FuncCall>();
    f->name.push_back(Id(name));
    for (auto* a : args) f->args.push_back(a);
    return f;
  }
  ast::TypeName* Type(std::string_view name, std::initializer_list<ast::Expr*> mods = {}) {
    auto* t = New<ast::TypeName>();
    t->name.push_back(Id(name));
    for (auto* m : mods) t->modifiers.push_back(m);
    return t;
  }
  ast::BaseTableRef* Table(std::initializer_list<std::string_view> name, std::string_view alias = {}) {
    auto* t = New<ast::BaseTableRef>();
    for (auto p : name) t->name.push_back(Id(p));
    if (!alias.empty()) t->alias = Alias(alias);
    return t;
  }
  ast::AliasClause* Alias(std::string_view name, std::initializer_list<std::string_view> cols = {}) {
    auto* a = New<ast::AliasClause>();
    a->name = Id(name);
    for (auto c : cols) a->columns.push_back(Id(c));
    return a;
  }
  ast::SelectItem* Item(ast::Expr* e, std::string_view alias = {}) {
    auto* i = New<ast::SelectItem>();
    i->expr = e;
    if (!alias.empty()) {
      i->alias = Id(alias);
      i->has_alias = true;
    }
    return i;
  }
  ast::SelectNode* Select(std::initializer_list<ast::Expr*> targets, std::initializer_list<ast::TableRef*> from = {},
                          ast::Expr* where = nullptr) {
    auto* s = New<ast::SelectNode>();
    for (auto* t : targets) s->targets.push_back(Item(t));
    for (auto* f : from) s->from.push_back(f);
    s->where = where;
    return s;
  }
  ast::OrderItem* Order(ast::Expr* e, ast::SortDir dir = ast::SortDir::kDefault) {
    auto* o = New<ast::OrderItem>();
    o->expr = e;
    o->dir = dir;
    return o;
  }
};

}  // namespace rlsq::testing
