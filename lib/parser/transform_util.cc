// Shared helpers of the Transformer: spans, identifiers, keyword text, errors and depth bounds.
#include <cctype>
#include <string>

#include "lib/common/str_cat.h"
#include "lib/common/status.h"
#include "lib/parser/transform.h"

namespace rlsq::parser_internal {

ast::Span Transformer::SpanOf(antlr4::Token* a, antlr4::Token* b) const {
  const Token& first = Tok(a);
  const Token& last = Tok(b);
  return ast::Span{first.begin, last.end > first.begin ? last.end : first.end};
}

ast::Span Transformer::SpanOf(antlr4::ParserRuleContext* ctx) const {
  antlr4::Token* stop = ctx->getStop();
  if (stop == nullptr || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) {
    const Token& t = Tok(ctx->getStart());
    return ast::Span{t.begin, t.begin};
  }
  return SpanOf(ctx->getStart(), stop);
}

ast::Span Transformer::SpanOf(antlr4::tree::TerminalNode* n) const {
  const Token& t = Tok(n);
  return ast::Span{t.begin, t.end};
}

ast::Ident Transformer::IdentOf(antlr4::tree::TerminalNode* n) const {
  const Token& t = Tok(n);
  ast::Ident id;
  id.text = t.text;
  id.quoted = t.kind == TokenKind::kQuotedIdent;
  id.double_quoted = id.quoted && dialect_.double_quoted_names_may_be_strings() && sql_[t.begin] == '"';
  id.span = ast::Span{t.begin, t.end};
  return id;
}

ast::Ident Transformer::IdentOf(antlr4::ParserRuleContext* ctx) const {
  const Token& t = Tok(ctx->getStart());
  ast::Ident id;
  id.text = t.text;
  id.quoted = t.kind == TokenKind::kQuotedIdent;
  id.double_quoted = id.quoted && dialect_.double_quoted_names_may_be_strings() && sql_[t.begin] == '"';
  id.span = ast::Span{t.begin, t.end};
  return id;
}

std::string_view Transformer::Upper(antlr4::tree::TerminalNode* n) {
  std::string_view text = Tok(n).text;
  std::string s(text);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return Intern(s);
}

void Transformer::Fail(uint32_t offset, std::string_view message) const {
  throw TransformError{SqlErrorAt(sql_, offset, message)};
}

void Transformer::Fail(antlr4::Token* at, std::string_view message) const {
  const Token& t = Tok(at);
  throw TransformError{SqlErrorAt(SourceLocation{t.begin, t.line, t.column}, message)};
}

void Transformer::Need(Dialect::Feature feature, antlr4::Token* at) const {
  if (!dialect_.Has(feature)) Fail(at, Cat(Dialect::Describe(feature), " is not supported in ", dialect_.name()));
}

std::string Transformer::TooDeepMessage() const {
  return Cat("query is nested too deeply (more than ", max_depth_, " levels)");
}

void Transformer::CheckChain(size_t length, antlr4::Token* at) const {
  uint64_t limit = uint64_t{max_depth_} * 25;
  if (length + depth_ > limit) {
    Fail(at, Cat("expression has too many chained operators (more than ", limit, ")"));
  }
}

}  // namespace rlsq::parser_internal
