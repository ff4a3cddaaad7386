#include "lib/common/ascii.h"
#include "lib/parser/token_source.h"

#include <memory>
#include <mutex>
#include <string>

#include "PostgresParser.h"
#include "absl/container/flat_hash_map.h"
#include "lib/common/str_cat.h"

namespace rlsq::parser_internal {

using P = rlsq_antlr::PostgresParser;

namespace {

// The grammar's keywords: every symbolic token name K_<WORD>, as the lower-case word.
const std::vector<std::pair<std::string, size_t>>& GrammarKeywords() {
  static const auto* list = [] {
    auto* l = new std::vector<std::pair<std::string, size_t>>();
    P parser(nullptr);  // the vocabulary is static; a parser without input is the way to reach it
    const antlr4::dfa::Vocabulary& vocab = parser.getVocabulary();
    for (size_t type = 1; type <= vocab.getMaxTokenType(); ++type) {
      std::string name = vocab.getSymbolicName(type);
      if (name.size() < 3 || name[0] != 'K' || name[1] != '_') continue;
      std::string word = AsciiLower(std::string_view(name).substr(2));
      l->emplace_back(std::move(word), type);
    }
    return l;
  }();
  return *list;
}

size_t OperatorType(std::string_view op) {
  switch (op.size()) {
    case 1:
      switch (op[0]) {
        case '=': return P::EQ;
        case '<': return P::LT;
        case '>': return P::GT;
        case '+': return P::PLUS;
        case '-': return P::MINUS;
        case '*': return P::STAR;
        case '/': return P::SLASH;
        case '%': return P::PERCENT;
        case '^': return P::CARET;
      }
      break;
    case 2:
      if (op == "<>" || op == "!=") return P::NEQ;
      if (op == "<=") return P::LE;
      if (op == ">=") return P::GE;
      if (op == "||") return P::CONCAT;
      if (op == "=>") return P::EQUALS_GREATER;
      if (op == ":=") return P::COLON_EQUALS;
      break;
  }
  return P::OP;
}

size_t PunctType(std::string_view p) {
  if (p.size() == 1) {
    switch (p[0]) {
      case '(': return P::LPAREN;
      case ')': return P::RPAREN;
      case '[': return P::LBRACKET;
      case ']': return P::RBRACKET;
      case ',': return P::COMMA;
      case ';': return P::SEMI;
      case '.': return P::DOT;
      case ':': return P::COLON;
    }
  }
  // Operators the lexer may classify as punctuation.
  return OperatorType(p);
}

}  // namespace

Vocabulary::Vocabulary(const Dialect& dialect) : fold_(dialect.preserves_identifier_case()) {
  for (const auto& [word, type] : GrammarKeywords())
    if (dialect.Keyword(word) != KeywordCategory::kNone) keywords_.emplace(word, type);
  auto keyword_of = [&](std::string_view op) -> size_t {
    std::string_view word = dialect.OperatorKeyword(op);
    return word.empty() ? 0 : KeywordType(word);
  };
  pipes_ = keyword_of("||");
  ampersands_ = keyword_of("&&");
}

const Vocabulary& Vocabulary::For(const Dialect& dialect) {
  // Dialect instances live as long as the process (lib/dialect/dialect.h), and so do their vocabularies.
  static std::mutex mu;
  static auto* made = new absl::flat_hash_map<const Dialect*, std::unique_ptr<Vocabulary>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = (*made)[&dialect];
  if (!slot) slot.reset(new Vocabulary(dialect));
  return *slot;
}

size_t Vocabulary::KeywordType(std::string_view word) const {
  char lower[32];  // no keyword is longer than 32 bytes; longer words are identifiers
  if (fold_) {     // the dialect keeps the case of words: keywords match without ASCII case
    if (word.size() > sizeof(lower)) return 0;
    bool upper = false;
    for (size_t i = 0; i < word.size(); ++i) {
      char c = word[i];
      upper |= c >= 'A' && c <= 'Z';
      lower[i] = AsciiLowerChar(c);
    }
    if (upper) word = std::string_view(lower, word.size());
  }
  auto it = keywords_.find(ToAbsl(word));
  return it == keywords_.end() ? 0 : it->second;
}

size_t Vocabulary::TokenType(const Token& token) const {
  switch (token.kind) {
    case TokenKind::kEof: return antlr4::Token::EOF;
    case TokenKind::kIdent: {
      size_t kw = KeywordType(token.text);
      return kw ? kw : P::IDENT;
    }
    case TokenKind::kQuotedIdent: return P::QIDENT;
    case TokenKind::kString: return P::STRING;
    case TokenKind::kBitString: return P::BITSTRING;
    case TokenKind::kHexString: return P::HEXSTRING;
    case TokenKind::kInteger: return P::INTEGER;
    case TokenKind::kNumeric: return P::NUMERIC;
    case TokenKind::kParam: return P::PARAM;
    case TokenKind::kOperator:
      if (token.text.size() == 2 && (pipes_ | ampersands_)) {
        if (token.text == "||" && pipes_) return pipes_;
        if (token.text == "&&" && ampersands_) return ampersands_;
      }
      return OperatorType(token.text);
    case TokenKind::kPunct: return PunctType(token.text);
    case TokenKind::kTypecast: return P::TYPECAST;
    case TokenKind::kDotDot: return P::DOTDOT;
    case TokenKind::kVariable: return P::VARIABLE;
    case TokenKind::kIntroducer: return P::INTRODUCER;
  }
  return P::OP;
}

RlsqTokenSource::RlsqTokenSource() { GrammarKeywords(); }

void RlsqTokenSource::Reset(const std::vector<Token>* tokens, size_t limit, const Vocabulary* vocabulary) {
  tokens_ = tokens;
  vocabulary_ = vocabulary;
  limit_ = limit;
  next_ = 0;
}

std::unique_ptr<antlr4::Token> RlsqTokenSource::nextToken() {
  size_t i = next_;
  if (i < limit_) ++next_;
  const Token& t = (*tokens_)[i < tokens_->size() ? i : tokens_->size() - 1];
  size_t type = i >= limit_ || !vocabulary_ ? antlr4::Token::EOF : vocabulary_->TokenType(t);
  auto tok = std::make_unique<antlr4::CommonToken>(std::make_pair(static_cast<antlr4::TokenSource*>(this),
                                                                  static_cast<antlr4::CharStream*>(nullptr)),
                                                   type, antlr4::Token::DEFAULT_CHANNEL, t.begin,
                                                   t.end > t.begin ? t.end - 1 : t.begin);
  tok->setLine(t.line);
  tok->setCharPositionInLine(t.column > 0 ? t.column - 1 : 0);
  return tok;
}

size_t RlsqTokenSource::getLine() const {
  if (!tokens_ || tokens_->empty()) return 1;
  return (*tokens_)[next_ < tokens_->size() ? next_ : tokens_->size() - 1].line;
}

size_t RlsqTokenSource::getCharPositionInLine() {
  if (!tokens_ || tokens_->empty()) return 0;
  const Token& t = (*tokens_)[next_ < tokens_->size() ? next_ : tokens_->size() - 1];
  return t.column > 0 ? t.column - 1 : 0;
}

antlr4::TokenFactory<antlr4::CommonToken>* RlsqTokenSource::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

std::string RlsqAntlrToken::getText() const {
  if (type == EOF) return "<EOF>";
  return std::string(sql.substr(start, stop + 1 - start));
}

std::string RlsqAntlrToken::toString() const {
  return Cat("[@", index, ",", start, ":", stop, "='", getText(), "',<", type, ">,", line, ":", column, "]");
}

void RlsqTokenStream::Reset(const std::vector<Token>& tokens, size_t limit, std::string_view sql,
                            const Vocabulary& vocabulary) {
  sql_ = sql;
  p_ = 0;
  tokens_.resize(limit + 1);
  for (size_t i = 0; i <= limit; ++i) {
    const Token& t = tokens[i < tokens.size() ? i : tokens.size() - 1];
    RlsqAntlrToken& a = tokens_[i];
    a.type = i >= limit ? antlr4::Token::EOF : vocabulary.TokenType(t);
    a.index = i;
    a.start = t.begin;
    a.stop = t.end > t.begin ? t.end - 1 : t.begin;
    a.line = t.line;
    a.column = t.column > 0 ? t.column - 1 : 0;
    a.sql = sql;
    a.source = source_;
  }
}

void RlsqTokenStream::Clear() {
  tokens_.clear();
  sql_ = {};
  p_ = 0;
}

void RlsqTokenStream::consume() {
  if (p_ >= tokens_.size() || tokens_[p_].type == antlr4::Token::EOF) {
    throw antlr4::IllegalStateException("cannot consume EOF");
  }
  ++p_;
}

antlr4::Token* RlsqTokenStream::get(size_t index) const {
  if (index >= tokens_.size()) throw antlr4::IndexOutOfBoundsException("token index out of range");
  return const_cast<RlsqAntlrToken*>(&tokens_[index]);
}

std::string RlsqTokenStream::TextBetween(size_t first, size_t last) const {
  if (tokens_.empty() || first > last || first >= tokens_.size()) return "";
  if (last >= tokens_.size()) last = tokens_.size() - 1;
  std::string out;
  for (size_t i = first; i <= last; ++i) {
    if (tokens_[i].type == antlr4::Token::EOF) break;
    out += tokens_[i].getText();
  }
  return out;
}

std::string RlsqTokenStream::getText(const antlr4::misc::Interval& interval) {
  if (interval.a < 0 || interval.b < 0) return "";
  return TextBetween(static_cast<size_t>(interval.a), static_cast<size_t>(interval.b));
}

std::string RlsqTokenStream::getText() { return tokens_.empty() ? "" : TextBetween(0, tokens_.size() - 1); }

std::string RlsqTokenStream::getText(antlr4::RuleContext* ctx) { return getText(ctx->getSourceInterval()); }

std::string RlsqTokenStream::getText(antlr4::Token* start, antlr4::Token* stop) {
  if (start == nullptr || stop == nullptr) return "";
  return TextBetween(start->getTokenIndex(), stop->getTokenIndex());
}

}  // namespace rlsq::parser_internal
