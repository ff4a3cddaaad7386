// ParseQuery / ParseExpression: lexing, the refusals decided on the token stream (statements that are not
// read-only queries, several statements, nesting depth), two-stage ANTLR parsing (SLL with bail-out, full LL only
// after an SLL failure), error messages, and the transform to the rlsq AST.
#include "lib/common/ascii.h"
#include "lib/parser/parser.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "PostgresParser.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "lib/common/str_cat.h"
#include "antlr4-runtime.h"
#include "lib/common/status.h"
#include "lib/parser/token_source.h"
#include "lib/parser/tree_support.h"
#include "lib/parser/transform.h"

namespace rlsq {

ParserStats& GlobalParserStats() {
  static ParserStats stats;
  return stats;
}

namespace {

using parser_internal::ArenaContext;
using parser_internal::P;
using parser_internal::RlsqTokenSource;
using parser_internal::RlsqTokenStream;
using parser_internal::TransformError;
using parser_internal::Transformer;

constexpr std::string_view kOnlyOneQuery = "rlsq accepts only one read-only query";

// Thrown by the error listener on the first syntax error of the full-LL pass.
struct SyntaxAbort {
  size_t token_index;
};

class FirstErrorListener : public antlr4::BaseErrorListener {
 public:
  bool enabled = false;
  void syntaxError(antlr4::Recognizer*, antlr4::Token* offending, size_t, size_t, const std::string&,
                   std::exception_ptr) override {
    if (!enabled) return;
    throw SyntaxAbort{offending ? offending->getTokenIndex() : SIZE_MAX};
  }
};

// The generated parser with the runtime's per-rule bookkeeping made cheaper. Parser::enterRule, exitRule and
// enterOuterAlt in the 4.9 runtime find the parent context with dynamic_cast (exitRule is not virtual: the grammar's
// @parser::members hides it) (about 150 instructions each, on every
// rule of the about 17-level expression chain); every context in a parse tree is a ParserRuleContext, so a
// static_cast is exact. Token access goes straight to the (final) RlsqTokenStream. Behaviour is otherwise that of
// the runtime's versions (parse listeners are still notified, though rlsq registers none).
class FastParser final : public P {
 public:
  FastParser(RlsqTokenStream* stream, parser_internal::TreeMemory* memory)
      : P(stream), stream_(stream), memory_(memory) {
    _tracker.set_memory(memory);
  }

  // After a failed parse: the contexts' destructors (a failed rule's context holds its exception).
  void DestroyTree() { _tracker.DestroyAll(); }
  // After a successful parse: nothing to destroy (parser_internal::ArenaTracker).
  void ForgetTree() { _tracker.ForgetAll(); }

  void enterRule(antlr4::ParserRuleContext* localctx, size_t state, size_t /*rule_index*/) override {
    setState(state);
    _ctx = localctx;
    _ctx->start = stream_->LT(1);
    if (_buildParseTrees && _ctx->parent != nullptr) {
      static_cast<ArenaContext*>(_ctx->parent)->AddChild(_ctx);
    }
    if (!_parseListeners.empty()) triggerEnterRuleEvent();
  }

  // The runtime's consume() with the terminal node (or, in error recovery, the error node) allocated in the parse's
  // terminal arena (lib/parser/tree_support.h), which is what makes TreeMemory::IsTerminal exact: the runtime creates
  // terminal nodes only here.
  antlr4::Token* consume() override {
    antlr4::Token* o = stream_->LT(1);
    if (o->getType() != antlr4::Token::EOF) stream_->consume();
    if (_buildParseTrees || !_parseListeners.empty()) {
      if (_errHandler->inErrorRecoveryMode(this)) {
        antlr4::tree::ErrorNode* node =
            ::new (memory_->terminals.Allocate(sizeof(parser_internal::ArenaErrorNode))) parser_internal::ArenaErrorNode(o);
        node->setParent(_ctx);
        static_cast<ArenaContext*>(_ctx)->AddChild(node);
        for (auto* listener : _parseListeners) listener->visitErrorNode(node);
      } else {
        antlr4::tree::TerminalNode* node =
            ::new (memory_->terminals.Allocate(sizeof(parser_internal::ArenaTerminal))) parser_internal::ArenaTerminal(o, _ctx);
        static_cast<ArenaContext*>(_ctx)->AddChild(node);
        for (auto* listener : _parseListeners) listener->visitTerminal(node);
      }
    }
    return o;
  }

  // The runtime's left-recursion support adds children to the runtime's own vector, which an ArenaContext keeps
  // empty (tree_support.h); the grammar has no left-recursive rule, and one added later fails here, at its first
  // parse, rather than building a tree the accessors cannot see.
  void enterRecursionRule(antlr4::ParserRuleContext*, size_t, size_t, int) override { NoLeftRecursion(); }
  void enterRecursionRule(antlr4::ParserRuleContext*, size_t) override { NoLeftRecursion(); }
  void pushNewRecursionContext(antlr4::ParserRuleContext*, size_t, size_t) override { NoLeftRecursion(); }
  void unrollRecursionContexts(antlr4::ParserRuleContext*) override { NoLeftRecursion(); }

  // The runtime's version also calls localctx->setAltNumber(alt), which only RuleContextWithAltNum implements (the
  // generated contexts, ArenaContexts, keep no alternative number).
  void enterOuterAlt(antlr4::ParserRuleContext* localctx, size_t /*alt*/) override {
    if (_buildParseTrees && _ctx != localctx) {
      auto* parent = static_cast<ArenaContext*>(_ctx->parent);
      if (parent != nullptr) {
        parent->removeLastChild();
        parent->AddChild(localctx);
      }
    }
    _ctx = localctx;
  }

 private:
  [[noreturn]] static void NoLeftRecursion() {
    throw std::logic_error("rlsq's parse tree does not support left-recursive grammar rules (lib/parser/tree_support.h)");
  }

  RlsqTokenStream* stream_;
  parser_internal::TreeMemory* memory_;  // the slot's, where the tree lives
};

// Adaptive prediction with a fast path for the warm case: walk the shared DFA with lookahead only (no input
// seek/mark, no std::function, no clearing of the merge cache, whose hash table keeps the bucket array of its
// largest use and is memset on every clear). Only a DFA accept state that needs neither full context nor
// predicates answers here; anything else (missing edge, error state, conflicts) goes to the runtime's
// adaptivePredict, which computes and caches the missing states exactly as before.
//
// The runtime guards the shared DFA with two process-wide locks (_stateLock, _edgeLock), taken twice per lookup; with
// two threads parsing, their mutex was a cache line every DFA step wrote from both cores. So each simulator (one per
// thread) keeps its own copy of the start states and edges it has read: a DFA state is never freed while the parser
// exists and an edge, once added, never changes its target (the runtime adds states through a canonicalizing set), so
// a copy stays right. Only edges not seen by this thread yet are read under the runtime's locks; missing edges are not
// remembered (another thread may add them).
class FastSimulator final : public antlr4::atn::ParserATNSimulator {
 public:
  FastSimulator(antlr4::Parser* parser, const antlr4::atn::ATN& atn, std::vector<antlr4::dfa::DFA>& dfas,
                antlr4::atn::PredictionContextCache& cache)
      : ParserATNSimulator(parser, atn, dfas, cache) {}

  size_t adaptivePredict(antlr4::TokenStream* input, size_t decision,
                         antlr4::ParserRuleContext* outer) override {
    antlr4::dfa::DFA& dfa = decisionToDFA[decision];
    antlr4::dfa::DFAState* s = StartState(dfa);
    if (s != nullptr) {
      for (ssize_t i = 1;; ++i) {
        s = Edge(s, input->LA(i));
        if (s == nullptr || s == ERROR.get() || s->requiresFullContext) break;
        if (s->isAcceptState) {
          if (s->predicates.empty()) return s->prediction;
          break;
        }
      }
    }
    slow_ = true;
    return ParserATNSimulator::adaptivePredict(input, decision, outer);
  }

  // After a parse that needed the runtime's prediction: drop the merge cache's grown hash table.
  void ShrinkAfterParse() {
    if (!slow_) return;
    slow_ = false;
    mergeCache = antlr4::atn::PredictionContextMergeCache();
  }

 private:
  // Keys: (DFA state, token type) for edges; (DFA, precedence) for precedence start states; (DFA, kStart) otherwise.
  using Key = std::pair<const void*, size_t>;
  static constexpr size_t kStart = ~size_t{0} - 1;  // no token type or precedence takes this value

  antlr4::dfa::DFAState* StartState(antlr4::dfa::DFA& dfa) {
    bool precedence = dfa.isPrecedenceDfa();
    Key key{&dfa, precedence ? static_cast<size_t>(parser->getPrecedence()) : kStart};
    if (auto it = known_.find(key); it != known_.end()) return it->second;
    antlr4::dfa::DFAState* s;
    if (precedence) {
      _edgeLock.readLock();
      s = dfa.getPrecedenceStartState(parser->getPrecedence());
      _edgeLock.readUnlock();
    } else {
      _stateLock.readLock();
      s = dfa.s0;
      _stateLock.readUnlock();
    }
    if (s != nullptr) known_.emplace(key, s);
    return s;
  }

  antlr4::dfa::DFAState* Edge(antlr4::dfa::DFAState* from, size_t token) {
    Key key{from, token};
    if (auto it = known_.find(key); it != known_.end()) return it->second;
    antlr4::dfa::DFAState* to = getExistingTargetState(from, token);  // under the runtime's edge lock
    if (to != nullptr) known_.emplace(key, to);
    return to;
  }

  bool slow_ = false;
  absl::flat_hash_map<Key, antlr4::dfa::DFAState*> known_;
};

// One ANTLR pipeline per thread, reused across calls. The ATN and its DFA cache are static in the generated
// parser, so prediction stays warm across calls and threads.
struct ParserSlot {
  // First member: the parser's trees live in it, so it is destroyed after the parser (whose tracker destroys a failed
  // parse's contexts).
  parser_internal::TreeMemory tree;
  RlsqTokenSource source;
  RlsqTokenStream stream{&source};
  FastParser parser{&stream, &tree};
  FastSimulator* sim = nullptr;  // owned by the parser
  FirstErrorListener listener;
  std::shared_ptr<antlr4::BailErrorStrategy> bail = std::make_shared<antlr4::BailErrorStrategy>();
  std::shared_ptr<antlr4::DefaultErrorStrategy> recover = std::make_shared<antlr4::DefaultErrorStrategy>();
  std::vector<Token> tokens;
  const Dialect* vocabulary_dialect = nullptr;  // the dialect `vocabulary` is for
  const parser_internal::Vocabulary* vocabulary = nullptr;

  const parser_internal::Vocabulary& VocabularyFor(const Dialect& d) {
    if (vocabulary_dialect != &d) {
      vocabulary = &parser_internal::Vocabulary::For(d);
      vocabulary_dialect = &d;
    }
    return *vocabulary;
  }

  // Destroys the parse tree and then reuses its memory.
  void ResetTree() {
    parser.DestroyTree();
    parser.reset();
    tree.Release();
  }

  // The same after a successful parse, whose contexts hold nothing to destroy (tree_support.h, ArenaTracker).
  void DropTree() {
    parser.ForgetTree();
    ResetTree();
  }

  ParserSlot() {
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);
    parser.setBuildParseTree(true);
    // The generated parser's simulator shares the static DFA cache; ours shares the same one.
    auto* old = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
    sim = new FastSimulator(&parser, parser.getATN(), old->decisionToDFA, old->getSharedContextCache());
    parser.setInterpreter(sim);  // deletes the old simulator
  }
};

ParserSlot& Slot() {
  thread_local ParserSlot slot;
  return slot;
}

// Called with each successful parse's tree before it is dropped (CheckParseTreeInvariants sets it, for tests).
thread_local absl::FunctionRef<void(antlr4::ParserRuleContext*)>* tree_observer = nullptr;

absl::Status ErrorAt(const Token& t, std::string_view message) {
  return SqlErrorAt(SourceLocation{t.begin, t.line, t.column}, message);
}

// First words of statements that are not read-only queries.
const absl::flat_hash_set<std::string_view>& RefusedStatementWords() {
  static const auto* words = new absl::flat_hash_set<std::string_view>{
      "insert", "update", "delete", "merge", "upsert", "replace", "create", "alter", "drop", "truncate", "grant",
      "revoke", "comment", "security", "set", "reset", "show", "copy", "do", "call", "explain", "prepare",
      "execute", "deallocate", "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release",
      "vacuum", "analyze", "analyse", "lock", "listen", "notify", "unlisten", "load", "discard", "checkpoint",
      "cluster", "reindex", "refresh", "import", "close", "declare", "fetch", "move", "reassign", "use", "pragma",
      "attach", "detach"};
  return *words;
}

// A word token spelled `lower` (ASCII case-insensitive: dialects that keep identifier case leave keywords as
// written).
bool WordIs(const Token& t, std::string_view lower) {
  return t.kind == TokenKind::kIdent && AsciiEqualsIgnoreCase(t.text, lower);
}

std::string UpperText(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return u;
}

bool IsOperandEnd(const Token& t) {
  switch (t.kind) {
    case TokenKind::kQuotedIdent:
    case TokenKind::kString:
    case TokenKind::kBitString:
    case TokenKind::kHexString:
    case TokenKind::kInteger:
    case TokenKind::kNumeric:
    case TokenKind::kParam:
      return true;
    case TokenKind::kIdent:
      return !WordIs(t, "not") && !WordIs(t, "and") && !WordIs(t, "or");
    case TokenKind::kPunct:
      return t.text == ")" || t.text == "]";
    default:
      return false;
  }
}

// Bounds nesting before ANTLR recurses: open parentheses / brackets / CASE, plus runs of prefix operators
// (NOT NOT ..., - - ...), must stay within max_depth. Returns the index of the offending token or SIZE_MAX.
size_t FindTooDeep(const std::vector<Token>& tokens, size_t limit, uint32_t max_depth) {
  uint32_t nest = 0;
  uint32_t prefix_run = 0;
  for (size_t i = 0; i < limit; ++i) {
    const Token& t = tokens[i];
    bool prefix = false;
    if (t.kind == TokenKind::kPunct && t.text.size() == 1) {
      char c = t.text[0];
      if (c == '(' || c == '[') ++nest;
      else if ((c == ')' || c == ']') && nest > 0) --nest;
    } else if (t.kind == TokenKind::kIdent) {
      if (WordIs(t, "case")) ++nest;
      else if (WordIs(t, "end") && nest > 0) --nest;
      else if (WordIs(t, "not")) prefix = true;
    } else if (t.kind == TokenKind::kOperator) {
      prefix = i == 0 || !IsOperandEnd(tokens[i - 1]) || prefix_run > 0;
    }
    prefix_run = prefix ? prefix_run + 1 : 0;
    if (nest + prefix_run > max_depth) return i;
  }
  return SIZE_MAX;
}

// Checks on the token stream that need no grammar. `limit` receives the index of the token that ends the
// statement (the kEof token, or a trailing ';').
absl::Status PreCheck(const std::vector<Token>& tokens, bool query, uint32_t max_depth, const Dialect& dialect,
                      size_t* limit) {
  const Token& first = tokens[0];
  if (query && first.kind == TokenKind::kIdent && RefusedStatementWords().contains(AsciiLower(first.text))) {
    return ErrorAt(first, Cat(UpperText(first.text), " is not allowed: ", kOnlyOneQuery));
  }
  size_t end = tokens.size() - 1;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (std::string_view why = dialect.RefusedToken(t); !why.empty()) return ErrorAt(t, why);
    if (t.kind == TokenKind::kPunct && t.text == ";") {
      if (!query) return ErrorAt(t, "syntax error at or near \";\"");
      if (tokens[i + 1].kind != TokenKind::kEof) {
        return ErrorAt(tokens[i + 1], Cat("several statements in one string: ", kOnlyOneQuery));
      }
      end = i;
      break;
    }
  }
  size_t deep = FindTooDeep(tokens, end, max_depth);
  if (deep != SIZE_MAX) {
    return ErrorAt(tokens[deep], Cat("query is nested too deeply (more than ", max_depth, " levels)"));
  }
  *limit = query ? tokens.size() - 1 : end;  // the grammar's root accepts the trailing ';' itself
  return absl::OkStatus();
}

absl::Status SyntaxErrorStatus(std::string_view sql, const std::vector<Token>& tokens, size_t index) {
  if (index >= tokens.size()) index = tokens.size() - 1;
  const Token& t = tokens[index];
  if (t.kind == TokenKind::kEof) return ErrorAt(t, "syntax error at end of input");
  std::string_view text = sql.substr(t.begin, t.end - t.begin);
  return ErrorAt(t, Cat("syntax error at or near \"", text, "\""));
}

// Runs the grammar rule `rule` (root or exprRoot) with SLL first, then full LL after a failure, and transforms
// the tree with `transform`. Everything ANTLR allocated is released when the slot is next reset.
template <class Rule, class Transform>
absl::Status RunParser(ParserSlot& slot, std::string_view sql, size_t limit, const Dialect& dialect, Rule rule,
                       Transform transform) {
  GlobalParserStats().parses.fetch_add(1, std::memory_order_relaxed);
  const parser_internal::Vocabulary& vocabulary = slot.VocabularyFor(dialect);
  // A failed parse before this one left its tree; setTokenStream then resets the parser.
  slot.parser.DestroyTree();
  slot.tree.Release();
  slot.source.Reset(&slot.tokens, limit, &vocabulary);
  slot.stream.Reset(slot.tokens, limit, sql, vocabulary);
  slot.parser.setTokenStream(&slot.stream);
  auto* interp = slot.sim;

  interp->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  slot.parser.setErrorHandler(slot.bail);
  slot.listener.enabled = false;
  typename std::invoke_result_t<Rule, P&> tree = nullptr;
  try {
    tree = rule(slot.parser);
  } catch (const antlr4::ParseCancellationException&) {
    tree = nullptr;
  } catch (const antlr4::RecognitionException&) {
    tree = nullptr;
  }
  if (tree == nullptr) {
    GlobalParserStats().sll_fallbacks.fetch_add(1, std::memory_order_relaxed);
    slot.ResetTree();
    interp->setPredictionMode(antlr4::atn::PredictionMode::LL);
    slot.parser.setErrorHandler(slot.recover);
    slot.listener.enabled = true;
    try {
      tree = rule(slot.parser);
    } catch (const SyntaxAbort& abort) {
      slot.listener.enabled = false;
      return SyntaxErrorStatus(sql, slot.tokens, abort.token_index);
    } catch (const antlr4::RecognitionException& e) {
      slot.listener.enabled = false;
      return SyntaxErrorStatus(sql, slot.tokens, e.getOffendingToken() ? e.getOffendingToken()->getTokenIndex()
                                                                        : limit);
    }
    slot.listener.enabled = false;
  }
  // Both passes end a parse at its first syntax error (BailErrorStrategy, FirstErrorListener), so a tree comes back
  // only from an error-free parse. Should the runtime ever recover silently, the tree would hold error nodes: refuse.
  if (slot.parser.getNumberOfSyntaxErrors() != 0) {
    slot.ResetTree();
    return absl::InternalError("the parser recovered from a syntax error; rlsq refuses the query");
  }
  absl::Status status;
  try {
    transform(tree);
  } catch (const TransformError& e) {
    status = e.status;
  }
  if (tree_observer != nullptr && status.ok()) (*tree_observer)(tree);
  // Release the parse tree and the ANTLR tokens now rather than at the thread's next parse.
  slot.DropTree();
  slot.source.Reset(&slot.tokens, 0, nullptr);
  slot.stream.Clear();
  slot.sim->ShrinkAfterParse();
  return status;
}

absl::Status CheckInputSize(std::string_view sql, const ParseOptions& options) {
  if (sql.size() <= options.max_input_bytes) return absl::OkStatus();
  return SqlErrorAt(SourceLocation{}, Cat("input is too long: ", sql.size(), " bytes (limit ", options.max_input_bytes,
                                         " bytes, ParseOptions::max_input_bytes)"));
}

absl::Status CheckTokenCount(const std::vector<Token>& tokens, const ParseOptions& options) {
  if (tokens.size() - 1 <= options.max_tokens) return absl::OkStatus();
  return ErrorAt(tokens[options.max_tokens], Cat("input has too many tokens: more than ", options.max_tokens,
                                                 " (ParseOptions::max_tokens)"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ParsedQuery>> ParseQuery(std::string_view sql, const ParseOptions& options) {
  const Dialect& dialect = options.dialect ? *options.dialect : Dialect::Postgres();
  RLSQ_RETURN_IF_ERROR(CheckInputSize(sql, options));
  auto result = std::make_unique<ParsedQuery>();
  result->sql.assign(sql);
  ParserSlot& slot = Slot();
  RLSQ_RETURN_IF_ERROR(dialect.Tokenize(result->sql, result->arena, &slot.tokens));
  if (slot.tokens.empty() || slot.tokens.back().kind != TokenKind::kEof) {
    return absl::InternalError("lexer produced no end-of-input token");
  }
  RLSQ_RETURN_IF_ERROR(CheckTokenCount(slot.tokens, options));
  if (slot.tokens.size() == 1) return ErrorAt(slot.tokens[0], "syntax error at end of input: empty query");
  size_t limit = 0;
  RLSQ_RETURN_IF_ERROR(PreCheck(slot.tokens, /*query=*/true, options.max_depth, dialect, &limit));

  const std::vector<Token>& tokens = slot.tokens;
  size_t last = limit;  // the statement ends before a trailing ';' and the end of input
  for (size_t i = 0; i < limit; ++i) {
    if (tokens[i].kind == TokenKind::kPunct && tokens[i].text == ";") {
      last = i;
      break;
    }
  }
  // `;` alone (or `;;`) holds no statement: PostgreSQL runs nothing, and there is nothing to rewrite.
  if (last == 0) return ErrorAt(tokens[0], "syntax error at or near \";\": empty query");
  result->statement = ast::Span{tokens[0].begin, tokens[last - 1].end};

  RLSQ_RETURN_IF_ERROR(RunParser(
      slot, result->sql, limit, dialect, [](P& p) { return p.root(); },
      [&](P::RootContext* tree) {
        Transformer t(result->sql, slot.tokens, result->arena, options.max_depth, dialect);
        result->query = t.Root(tree);
        if (options.shape) result->shape = MakeQueryShape(slot.tokens, t.value_tokens);
      }));
  return result;
}

absl::StatusOr<ast::Expr*> ParseExpression(std::string_view sql, Arena& arena, const ParseOptions& options) {
  const Dialect& dialect = options.dialect ? *options.dialect : Dialect::Postgres();
  RLSQ_RETURN_IF_ERROR(CheckInputSize(sql, options));
  std::string_view text = arena.Intern(sql);
  ParserSlot& slot = Slot();
  RLSQ_RETURN_IF_ERROR(dialect.Tokenize(text, arena, &slot.tokens));
  if (slot.tokens.empty() || slot.tokens.back().kind != TokenKind::kEof) {
    return absl::InternalError("lexer produced no end-of-input token");
  }
  RLSQ_RETURN_IF_ERROR(CheckTokenCount(slot.tokens, options));
  if (slot.tokens.size() == 1) return ErrorAt(slot.tokens[0], "syntax error at end of input: empty expression");
  size_t limit = 0;
  RLSQ_RETURN_IF_ERROR(PreCheck(slot.tokens, /*query=*/false, options.max_depth, dialect, &limit));
  ast::Expr* expr = nullptr;
  RLSQ_RETURN_IF_ERROR(RunParser(
      slot, text, limit, dialect, [](P& p) { return p.exprRoot(); },
      [&](P::ExprRootContext* tree) {
        Transformer t(text, slot.tokens, arena, options.max_depth, dialect);
        t.expression_mode = true;
        expr = t.ExprRoot(tree);
      }));
  return expr;
}

namespace parser_internal {

namespace {

// One node's invariants (see parser.h); recurses into context children.
absl::Status CheckNode(antlr4::ParserRuleContext* ctx, const TreeMemory& memory, size_t* nodes) {
  ++*nodes;
  const antlr4::tree::ParseTree* base = ctx;
  if (!base->children.empty()) return absl::InternalError(Cat("rule ", ctx->getRuleIndex(), ": runtime children"));
  if (ctx->exception != nullptr) return absl::InternalError(Cat("rule ", ctx->getRuleIndex(), ": an exception"));
  const ChildList& children = Children(ctx);
  size_t last_token = 0;
  absl::flat_hash_map<size_t, std::vector<antlr4::tree::TerminalNode*>> by_type;  // the dynamic_cast scan
  for (antlr4::tree::ParseTree* child : children) {
    if (child->parent != ctx) return absl::InternalError(Cat("rule ", ctx->getRuleIndex(), ": a child's parent"));
    auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
    if (memory.IsTerminal(child) != (terminal != nullptr)) {
      return absl::InternalError(Cat("rule ", ctx->getRuleIndex(), ": IsTerminal disagrees with dynamic_cast"));
    }
    if (AsTerminal(child) != terminal) return absl::InternalError("AsTerminal disagrees with dynamic_cast");
    size_t first_token = 0;
    if (terminal != nullptr) {
      ++*nodes;
      first_token = terminal->getSymbol()->getTokenIndex();
      by_type[terminal->getSymbol()->getType()].push_back(terminal);
    } else {
      auto* sub = dynamic_cast<antlr4::ParserRuleContext*>(child);
      if (sub == nullptr) return absl::InternalError("a child that is neither a terminal nor a rule context");
      if (dynamic_cast<ArenaContext*>(child) == nullptr) return absl::InternalError("a context outside the arena");
      if (sub->getStart() == nullptr) return absl::InternalError("a context without a start token");
      first_token = sub->getStart()->getTokenIndex();
      if (sub->getStop() != nullptr && sub->getStop()->getTokenIndex() + 1 < first_token) {
        return absl::InternalError("a context that ends before it starts");
      }
      RLSQ_RETURN_IF_ERROR(CheckNode(sub, memory, nodes));
    }
    // An empty context's start is the next token, so equal indices are in order.
    if (first_token < last_token) return absl::InternalError(Cat("rule ", ctx->getRuleIndex(), ": children out of order"));
    last_token = first_token;
  }
  for (const auto& [type, expected] : by_type) {
    if (ctx->getTokens(type) != expected) return absl::InternalError(Cat("getTokens(", type, ") disagrees"));
    for (size_t i = 0; i <= expected.size(); ++i) {
      antlr4::tree::TerminalNode* want = i < expected.size() ? expected[i] : nullptr;
      if (ctx->getToken(type, i) != want) return absl::InternalError(Cat("getToken(", type, ", ", i, ") disagrees"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<size_t> CheckParseTreeInvariants(std::string_view sql, const ParseOptions& options) {
  size_t nodes = 0;
  absl::Status violation;
  bool observed = false;
  auto check = [&](antlr4::ParserRuleContext* root) {
    observed = true;
    violation = CheckNode(root, Slot().tree, &nodes);
  };
  absl::FunctionRef<void(antlr4::ParserRuleContext*)> observer(check);
  tree_observer = &observer;
  struct Unset {
    ~Unset() { tree_observer = nullptr; }
  } unset;
  auto parsed = ParseQuery(sql, options);
  RLSQ_RETURN_IF_ERROR(parsed.status());
  if (!observed) return absl::InternalError("the parse tree was not observed");
  RLSQ_RETURN_IF_ERROR(violation);
  return nodes;
}

size_t ParseTreeMemoryBytes() {
  const TreeMemory& memory = Slot().tree;
  return memory.contexts.capacity() + memory.terminals.capacity();
}

}  // namespace parser_internal

}  // namespace rlsq
