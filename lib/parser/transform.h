// Parse tree -> rlsq AST. Private to lib/parser (includes the generated ANTLR parser).
//
// The Transformer builds nodes of lib/ast/ast.h in the arena, with byte spans taken from the rlsq tokens behind
// the ANTLR terminals (the ANTLR token index equals the rlsq token index). Errors (refusals the grammar only
// recognises, depth limits, unsupported forms) are raised as TransformError and turned into a Status by
// parser.cc; no exception leaves lib/parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "PostgresParser.h"
#include "absl/status/status.h"
#include "lib/ast/ast.h"
#include "lib/ast/ast_util.h"
#include "lib/common/arena.h"
#include "lib/dialect/dialect.h"
#include "lib/lexer/token.h"

namespace rlsq::parser_internal {

using P = rlsq_antlr::PostgresParser;

// A child of a parse-tree node as a terminal node, or nullptr if it is a rule context (exact, without run-time type
// information: lib/parser/tree_support.h).
inline antlr4::tree::TerminalNode* AsTerminal(antlr4::tree::ParseTree* t) { return ArenaContext::AsTerminal(t); }

struct TransformError {
  absl::Status status;
};

class Transformer {
 public:
  Transformer(std::string_view sql, const std::vector<Token>& tokens, Arena& arena, uint32_t max_depth,
              const Dialect& dialect)
      : sql_(sql), tokens_(tokens), arena_(arena), max_depth_(max_depth), dialect_(dialect) {}

  // Entry points (throw TransformError).
  ast::QueryNode* Root(P::RootContext* ctx);
  ast::Expr* ExprRoot(P::ExprRootContext* ctx);

  // ---- queries (transform_query.cc) ----
  ast::QueryNode* SelectStmt(P::SelectStmtContext* ctx);
  ast::QueryNode* SetExpr(P::SetExprContext* ctx);
  ast::QueryNode* SetTerm(P::SetTermContext* ctx);
  ast::QueryNode* SetPrimary(P::SetPrimaryContext* ctx);
  ast::SelectNode* SimpleSelect(P::SimpleSelectContext* ctx);
  ast::ValuesNode* Values(P::ValuesClauseContext* ctx);
  ast::WithClause* With(P::WithClauseContext* ctx);
  void OrderBy(P::OrderByClauseContext* ctx, ast::List<ast::OrderItem*>* out);
  ast::OrderItem* SortItem(P::SortItemContext* ctx);
  ast::Expr* GroupItem(P::GroupItemContext* ctx);
  ast::WindowSpec* WindowSpecification(P::WindowSpecificationContext* ctx);
  void QueryTail(P::QueryTailContext* ctx, ast::QueryNode* q);

  // ---- table references (transform_tableref.cc) ----
  ast::TableRef* FromItem(P::FromItemContext* ctx);
  ast::TableRef* TableRef(P::TableRefContext* ctx);
  ast::TableRef* JoinedTable(P::JoinedTableContext* ctx);
  ast::TableRef* JoinChain(ast::TableRef* left, const std::vector<P::JoinPartContext*>& parts);
  ast::BaseTableRef* RelationExpr(P::RelationExprContext* ctx);
  ast::FunctionTableRef* FuncTable(P::FuncTableContext* ctx);
  ast::AliasClause* Alias(P::AliasClauseContext* ctx);
  void NameList(P::NameListContext* ctx, ast::List<ast::Ident>* out);
  void QualifiedName(P::QualifiedNameContext* ctx, ast::List<ast::Ident>* out);

  // ---- expressions (transform_expr.cc) ----
  ast::Expr* Expr(P::ExprContext* ctx);
  ast::Expr* IsTests(P::CmpExprContext* operand, const std::vector<P::IsSuffixContext*>& suffixes);
  ast::Expr* CmpExpr(P::CmpExprContext* ctx);
  ast::Expr* LikeExpr(P::LikeExprContext* ctx);
  ast::Expr* OtherOpExpr(P::OtherOpExprContext* ctx);
  ast::Expr* AddExpr(P::AddExprContext* ctx);
  ast::Expr* CollateExpr(const std::vector<antlr4::tree::TerminalNode*>& signs, P::PrimaryContext* primary,
                         const std::vector<P::PostfixOpContext*>& ops,
                         const std::vector<P::CollationNameContext*>& names,
                         antlr4::Token* start);
  ast::Expr* PostfixExpr(P::PrimaryContext* primary, const std::vector<P::PostfixOpContext*>& ops);
  ast::Expr* Primary(P::PrimaryContext* ctx);
  ast::Expr* Quantified(ast::Expr* lhs, std::string_view op, P::QuantifiedRhsContext* q, uint32_t end_begin);
  ast::Expr* FuncCall(P::FuncCallContext* ctx);
  ast::Expr* SpecialFunc(P::SpecialFuncContext* ctx);
  ast::Expr* TypedLiteral(P::TypedLiteralContext* ctx);
  ast::Expr* Literal(P::LiteralContext* ctx);
  ast::Expr* ArrayBrackets(P::ArrayBracketsContext* ctx, bool keyword, uint32_t begin);
  ast::TypeName* TypeName(P::TypeNameContext* ctx);
  ast::TypeName* SimpleTypeName(P::SimpleTypeNameContext* ctx);
  ast::TypeName* ConstTypeName(P::ConstTypeNameContext* ctx);
  ast::TypeName* KeywordTypeName(P::KeywordTypeNameContext* ctx);
  ast::TypeName* MySqlCastType(P::MysqlCastTypeContext* ctx);
  void ExprList(P::ExprListContext* ctx, ast::List<ast::Expr*>* out);
  std::string_view IntervalFields(P::IntervalQualifierContext* ctx, ast::List<ast::Expr*>* modifiers);

  // ---- helpers ----
  const Token& Tok(antlr4::Token* t) const { return tokens_[t->getTokenIndex()]; }
  const Token& Tok(antlr4::tree::TerminalNode* n) const { return Tok(n->getSymbol()); }
  // The text of a literal token that becomes only the value of an ast::Literal or ast::TypedLiteral; the token is
  // recorded in value_tokens (lib/parser/shape.h: such values are left out of the query's shape). Every other use
  // of a literal token's text goes through Tok() and pins its value.
  std::string_view ValueText(antlr4::tree::TerminalNode* n) {
    if (!pin_values) value_tokens.push_back(static_cast<uint32_t>(n->getSymbol()->getTokenIndex()));
    return Tok(n).text;
  }
  std::vector<uint32_t> value_tokens;
  // Set while transforming a clause whose text the plan writes (TABLESAMPLE): its constants stay pinned.
  bool pin_values = false;
  // MySQL's statement-level SELECT options (SQL_CACHE, SQL_NO_CACHE, SQL_CALC_FOUND_ROWS, HIGH_PRIORITY) stand only
  // in the statement's first SELECT (not in a WITH, a subquery or a later UNION arm: MariaDB's ERROR 1234). True
  // from the start of the statement's body until its first SELECT is entered.
  const void* root_select = nullptr;
  bool statement_options_open = false;
  // Set for ParseExpression (policy clauses, which are printed into queries).
  bool expression_mode = false;
  ast::Span SpanOf(antlr4::ParserRuleContext* ctx) const;
  ast::Span SpanOf(antlr4::tree::TerminalNode* n) const;
  ast::Span SpanOf(antlr4::Token* a, antlr4::Token* b) const;
  ast::Ident IdentOf(antlr4::ParserRuleContext* ctx) const;  // colId, colLabel, typeFunctionName ...
  ast::Ident IdentOf(antlr4::tree::TerminalNode* n) const;
  std::string_view SourceText(const Token& t) const { return sql_.substr(t.begin, t.end - t.begin); }
  // Upper-case keyword text of a terminal (static storage or arena).
  std::string_view Upper(antlr4::tree::TerminalNode* n);
  std::string_view Intern(std::string_view s) { return arena_.Intern(s); }
  [[noreturn]] void Fail(antlr4::Token* at, std::string_view message) const;
  [[noreturn]] void Fail(uint32_t offset, std::string_view message) const;
  // Refuses a construct of the shared grammar that the dialect does not have (lib/dialect/dialect.h Feature).
  void Need(Dialect::Feature feature, antlr4::Token* at) const;
  template <class T>
  T* New(ast::Span span) {
    T* n = ast::New<T>(arena_);
    n->span = span;
    return n;
  }

  // RAII depth guard for the transform recursion.
  class DepthGuard {
   public:
    DepthGuard(Transformer* t, antlr4::ParserRuleContext* ctx) : t_(t) {
      if (++t_->depth_ > uint64_t{t_->max_depth_} * kGuardFactor + 16) t_->Fail(ctx->getStart(), t_->TooDeepMessage());
    }
    ~DepthGuard() { --t_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Transformer* t_;
  };
  // The token pre-check in parser.cc bounds source nesting to max_depth; one nesting level costs at most a few
  // guarded transform calls, so the guard allows a multiple of it (it is the second line of defence).
  static constexpr uint64_t kGuardFactor = 4;
  std::string TooDeepMessage() const;
  // Left-deep operator chains (a AND b AND c ...) build deep trees without nesting in the source; their length
  // counts towards this bound so that later tree walks stay shallow.
  void CheckChain(size_t length, antlr4::Token* at) const;

  std::string_view sql_;
  const std::vector<Token>& tokens_;
  Arena& arena_;
  uint32_t max_depth_;
  const Dialect& dialect_;
  uint32_t depth_ = 0;
};

}  // namespace rlsq::parser_internal
