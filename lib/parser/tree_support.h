// What the generated parser (grammar/PostgresParser.g4) is built on, beside the ANTLR runtime:
//
// - The memory of one parse tree. Rule contexts and terminal nodes are bump-allocated from per-thread arenas and
//   released together when the parse is over, instead of one heap allocation and one free per node (about 990
//   contexts and 320 terminal nodes per corpus query; in the profile, allocation and freeing were a third of the
//   parse, and at 100 KB and more glibc's consolidation of the freed chunks grew faster than the query).
// - Child accessors without run-time type information. The runtime's getRuleContext<T>, getToken and friends test
//   each child with dynamic_cast, and so did the transform; with the nodes in arenas, "is this child a terminal" is
//   a question of address, and "is it a context of rule R" one of its rule index.
// - The parser's per-rule bookkeeping without dynamic_cast and std::function (ArenaParser).
//
// The grammar names these classes (`contextSuperClass = ArenaContext; superClass = ArenaParser;` and
// `@parser::postinclude`); lib/parser/parser.cc owns the memory (one TreeMemory per ParserSlot, i.e. per thread)
// and hands it to its parser. ANTLR headers stay inside the parser front end: nothing outside lib/parser and the
// generated parser includes this file.
//
// Lifetimes. ArenaTracker (the generated parser's `_tracker`) constructs every context in the arena and, after a
// failed parse, runs their destructors (a failed rule's context holds its exception); the arena's memory is reused
// only after that. A terminal node holds no heap memory (its children vector stays empty), so nothing records or
// destroys it. The memory must outlive the parser that allocates from it (ParserSlot declares it first). Nodes find
// their memory through pointers (the parser's, each context's), not through thread-local storage, which costs a
// __tls_get_addr call per access where rlsq is a shared object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <functional>
#include <vector>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "antlr4-runtime.h"

namespace rlsq::parser_internal {

class TreeArena {
 public:
  TreeArena() = default;
  TreeArena(const TreeArena&) = delete;
  TreeArena& operator=(const TreeArena&) = delete;
  ~TreeArena() {
    while (head_ != nullptr) {
      Block* prev = head_->prev;
      std::free(head_);
      head_ = prev;
    }
  }

  void* Allocate(size_t n) {
    n = (n + kAlign - 1) & ~(kAlign - 1);
    if (n > static_cast<size_t>(end_ - next_)) Grow(n);
    void* p = next_;
    next_ += n;
    return p;
  }

  // Forgets every allocation. Keeps the largest block of at most kKeepBytes (so that a thread's next parse of a
  // query of similar size allocates nothing) and frees the others.
  void Release() {
    Block* keep = nullptr;
    for (Block* b = head_; b != nullptr;) {
      Block* prev = b->prev;
      if (b->size <= kKeepBytes && (keep == nullptr || b->size > keep->size)) {
        if (keep != nullptr) std::free(keep);
        keep = b;
      } else {
        std::free(b);
      }
      b = prev;
    }
    head_ = keep;
    if (keep != nullptr) {
      keep->prev = nullptr;
      next_ = reinterpret_cast<char*>(keep) + kHeader;
      end_ = reinterpret_cast<char*>(keep) + keep->size;
    } else {
      next_ = end_ = nullptr;
    }
  }

  // Whether `p` points into memory this arena handed out since its last Release (or into a kept block).
  bool Contains(const void* p) const {
    std::less<const void*> before;
    for (const Block* b = head_; b != nullptr; b = b->prev) {
      if (!before(p, b) && before(p, reinterpret_cast<const char*>(b) + b->size)) return true;
    }
    return false;
  }

  // Bytes held (for tests).
  size_t capacity() const {
    size_t total = 0;
    for (Block* b = head_; b != nullptr; b = b->prev) total += b->size;
    return total;
  }

  static constexpr size_t kAlign = alignof(std::max_align_t);
  static constexpr size_t kFirstBlockBytes = size_t{64} << 10;
  static constexpr size_t kMaxBlockBytes = size_t{4} << 20;
  static constexpr size_t kKeepBytes = size_t{1} << 20;

 private:
  struct Block {
    Block* prev;
    size_t size;  // bytes, header included
  };
  static constexpr size_t kHeader = (sizeof(Block) + kAlign - 1) & ~(kAlign - 1);

  void Grow(size_t n) {
    size_t size = head_ == nullptr ? kFirstBlockBytes : head_->size * 2;
    if (size > kMaxBlockBytes) size = kMaxBlockBytes;
    if (size < n + kHeader) size = n + kHeader;
    auto* b = static_cast<Block*>(std::malloc(size));
    if (b == nullptr) throw std::bad_alloc();
    b->prev = head_;
    b->size = size;
    head_ = b;
    next_ = reinterpret_cast<char*>(b) + kHeader;
    end_ = reinterpret_cast<char*>(b) + size;
  }

  char* next_ = nullptr;
  char* end_ = nullptr;
  Block* head_ = nullptr;
};

// The memory of one thread's parse trees: rule contexts in one arena, terminal nodes in another, so that whether a
// node is a terminal is a question of address (TreeMemory::IsTerminal), not of run-time type information.
struct TreeMemory {
  TreeArena contexts;
  TreeArena terminals;

  // Exact for every node of an rlsq parse tree: FastParser::consume (lib/parser/parser.cc) creates every terminal
  // node, error nodes included, in `terminals`, and only there; every other node is a generated rule context.
  bool IsTerminal(const antlr4::tree::ParseTree* node) const { return terminals.Contains(node); }

  void Release() {
    contexts.Release();
    terminals.Release();
  }
};

// The children of a rule context, in the context arena (ArenaContext::children_).
class ChildList {
 public:
  using value_type = antlr4::tree::ParseTree*;
  using const_iterator = antlr4::tree::ParseTree* const*;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  const_iterator begin() const { return data_; }
  const_iterator end() const { return data_ + size_; }
  const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
  const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  antlr4::tree::ParseTree* operator[](size_t i) const { return data_[i]; }
  antlr4::tree::ParseTree* back() const { return data_[size_ - 1]; }

 private:
  friend class ArenaContext;
  void PushBack(antlr4::tree::ParseTree* child, TreeArena& arena) {
    if (size_ == capacity_) {
      size_t capacity = capacity_ == 0 ? 4 : size_t{capacity_} * 2;
      auto** data = static_cast<antlr4::tree::ParseTree**>(arena.Allocate(capacity * sizeof(antlr4::tree::ParseTree*)));
      if (size_ != 0) std::memcpy(data, data_, size_ * sizeof(antlr4::tree::ParseTree*));
      data_ = data;  // the old array stays in the arena until the parse is over
      capacity_ = static_cast<uint32_t>(capacity);
    }
    data_[size_++] = child;
  }
  void PopBack() { --size_; }

  antlr4::tree::ParseTree** data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;
};

// The base class of every generated rule context.
//
// Children. The runtime keeps a context's children in ParseTree::children, a std::vector: one more heap allocation
// (and reallocation as it grows) per context. An ArenaContext keeps them in a ChildList in the arena instead, and
// the runtime's vector stays empty: FastParser (lib/parser/parser.cc) is the only code that adds children (enterRule,
// enterOuterAlt, consume; the grammar has no left-recursive rule, whose runtime functions would add them too), and
// every reader goes through Children(): the generated accessors (getRuleContext<T>, getToken, ... below), getText,
// toStringTree, and rlsq's transform. The runtime's vector is hidden here (`children` is a private member of this
// class), so that naming it through a generated context does not compile.
//
// Accessors. The runtime's getRuleContext<T>, getToken and friends test each child with dynamic_cast (a quarter of a
// parse's instructions went to __dynamic_cast); these ask the address (terminal or not) and the rule index, which
// give the same answers (a child context is of rule R exactly when it is an object of R's context class or of one
// of its labelled-alternative subclasses, which all report R's index).
class ArenaContext : public antlr4::ParserRuleContext {
 public:
  using antlr4::ParserRuleContext::ParserRuleContext;
  // Contexts are constructed in the arena by ArenaTracker (the generated parser's `_tracker`, with a placement
  // ::new) and nowhere else.
  static void* operator new(size_t) = delete;
  static void operator delete(void*) noexcept {}  // the arena's memory is released as a whole

  const ChildList& Children() const { return children_; }
  void AddChild(antlr4::tree::ParseTree* child) { children_.PushBack(child, memory_->contexts); }
  void removeLastChild() override {
    if (!children_.empty()) children_.PopBack();
  }

  // Whether a node of an rlsq parse tree is a terminal. A terminal always has a parent, an ArenaContext, which knows
  // the tree's memory; a node without a parent is the root, a rule context.
  static bool IsTerminal(const antlr4::tree::ParseTree* node) {
    return node->parent != nullptr && static_cast<const ArenaContext*>(node->parent)->memory_->IsTerminal(node);
  }

  // The child's terminal node, or nullptr if it is a rule context.
  static antlr4::tree::TerminalNode* AsTerminal(antlr4::tree::ParseTree* child) {
    return IsTerminal(child) ? static_cast<antlr4::tree::TerminalNode*>(child) : nullptr;
  }

  antlr4::tree::TerminalNode* getToken(size_t ttype, size_t i) override {
    const TreeMemory& memory = *memory_;
    for (antlr4::tree::ParseTree* child : children_) {
      if (!memory.IsTerminal(child)) continue;
      auto* t = static_cast<antlr4::tree::TerminalNode*>(child);
      if (t->getSymbol()->getType() == ttype && i-- == 0) return t;
    }
    return nullptr;
  }

  std::vector<antlr4::tree::TerminalNode*> getTokens(size_t ttype) override {
    const TreeMemory& memory = *memory_;
    std::vector<antlr4::tree::TerminalNode*> tokens;
    for (antlr4::tree::ParseTree* child : children_) {
      if (!memory.IsTerminal(child)) continue;
      auto* t = static_cast<antlr4::tree::TerminalNode*>(child);
      if (t->getSymbol()->getType() == ttype) tokens.push_back(t);
    }
    return tokens;
  }

  template <typename T>
  T* getRuleContext(size_t i) {
    const TreeMemory& memory = *memory_;
    const size_t rule = RuleIndexOf<T>();
    for (antlr4::tree::ParseTree* child : children_) {
      if (memory.IsTerminal(child)) continue;
      if (static_cast<antlr4::RuleContext*>(child)->getRuleIndex() == rule && i-- == 0) return static_cast<T*>(child);
    }
    return nullptr;
  }

  template <typename T>
  std::vector<T*> getRuleContexts() {
    const TreeMemory& memory = *memory_;
    const size_t rule = RuleIndexOf<T>();
    std::vector<T*> contexts;
    for (antlr4::tree::ParseTree* child : children_) {
      if (memory.IsTerminal(child)) continue;
      if (static_cast<antlr4::RuleContext*>(child)->getRuleIndex() == rule) contexts.push_back(static_cast<T*>(child));
    }
    return contexts;
  }

  // The rule index of a rule's context class (a generated constant of the class, read once from an unattached
  // instance).
  template <typename T>
  static size_t RuleIndexOf() {
    static const size_t index = T(nullptr, 0).getRuleIndex();
    return index;
  }

  // The runtime's versions read ParseTree::children.
  std::string getText() override {
    std::string text;
    for (antlr4::tree::ParseTree* child : children_) text += child->getText();
    return text;
  }
  std::string toStringTree(antlr4::Parser* recog, bool pretty = false) override {
    return toStringTree(recog->getRuleNames(), pretty);
  }
  std::string toStringTree(bool pretty = false) override { return toStringTree(std::vector<std::string>{}, pretty); }
  // LISP form, `(rule child ...)`, for debugging: the runtime's layout, without its escaping of tabs and newlines in
  // token text, and on one line (`pretty` is not honoured).
  std::string toStringTree(const std::vector<std::string>& rule_names, bool /*pretty*/ = false) {
    std::string out;
    AppendTree(this, rule_names, *memory_, &out);
    return out;
  }
  std::string toStringTree(std::vector<std::string>& rule_names, bool pretty = false) override {
    return toStringTree(static_cast<const std::vector<std::string>&>(rule_names), pretty);
  }

  // A labelled alternative's context takes over the rule's generic one. The runtime's version moves only error nodes
  // across; the generic context has no children at all here (labelled contexts are created as the alternative is
  // entered, before anything is matched, and rlsq's parses stop at their first error), so this copies what there is.
  void copyFrom(antlr4::ParserRuleContext* ctx) override {
    antlr4::ParserRuleContext::copyFrom(ctx);
    for (antlr4::tree::ParseTree* child : static_cast<ArenaContext*>(ctx)->children_) {
      child->parent = this;
      AddChild(child);
    }
  }

 private:
  static void AppendTree(antlr4::tree::ParseTree* t, const std::vector<std::string>& rule_names,
                         const TreeMemory& memory, std::string* out) {
    std::string node = antlr4::tree::Trees::getNodeText(t, rule_names);
    if (memory.IsTerminal(t) || static_cast<ArenaContext*>(t)->children_.empty()) {
      *out += node;
      return;
    }
    *out += "(" + node;
    for (antlr4::tree::ParseTree* child : static_cast<ArenaContext*>(t)->children_) {
      *out += ' ';
      AppendTree(child, rule_names, memory, out);
    }
    *out += ')';
  }

  friend class ArenaTracker;
  using antlr4::ParserRuleContext::children;  // always empty: see "Children" above
  ChildList children_;
  TreeMemory* memory_ = nullptr;  // where this context lives (set by ArenaTracker)
};

// `node` as a T (a generated context class), or nullptr: dynamic_cast<T*>'s answer without its cost (the transform
// dispatches on labelled alternatives with it).
template <class T>
T* As(antlr4::tree::ParseTree* node) {
  if (node == nullptr || ArenaContext::IsTerminal(node)) return nullptr;
  if constexpr (std::is_constructible_v<T, antlr4::ParserRuleContext*, size_t>) {
    // A rule's context class: its objects and those of its labelled alternatives report its rule index.
    bool of_rule = static_cast<antlr4::RuleContext*>(node)->getRuleIndex() == ArenaContext::RuleIndexOf<T>();
    return of_rule ? static_cast<T*>(node) : nullptr;
  } else {
    // A labelled alternative's class (constructed only from its rule's context): ANTLR derives nothing from it.
    return typeid(*node) == typeid(T) ? static_cast<T*>(node) : nullptr;
  }
}

// The children of a rule context (every context of an rlsq parse tree is an ArenaContext).
inline const ChildList& Children(antlr4::ParserRuleContext* ctx) { return static_cast<ArenaContext*>(ctx)->Children(); }

// A terminal node (FastParser::consume), and the error node of error recovery, in the terminal arena.
class ArenaTerminal final : public antlr4::tree::TerminalNodeImpl {
 public:
  // What TerminalNodeImpl::setParent does, without the virtual call.
  ArenaTerminal(antlr4::Token* token, antlr4::ParserRuleContext* parent_context) : TerminalNodeImpl(token) {
    parent = parent_context;
  }
  // Constructed in TreeMemory::terminals by FastParser::consume and nowhere else.
  static void* operator new(size_t) = delete;
  static void operator delete(void*) noexcept {}
};

class ArenaErrorNode final : public antlr4::tree::ErrorNodeImpl {
 public:
  // TerminalNodeImpl is a virtual base of ErrorNodeImpl: the most derived class constructs it.
  explicit ArenaErrorNode(antlr4::Token* token) : antlr4::tree::TerminalNodeImpl(token), ErrorNodeImpl(token) {}
  static void* operator new(size_t) = delete;
  static void operator delete(void*) noexcept {}
};

// The generated parser's `_tracker` (ArenaParser hides the runtime's ParseTreeTracker with it): constructs every
// rule context in the context arena and remembers it, so that a failed parse's contexts can be destroyed (a rule that
// fails stores its exception in its context). After a successful parse nothing is destroyed: the contexts own
// nothing (their runtime `children` vector stays empty, the generated contexts' other members are pointers, and no
// rule of a successful parse stored an exception); their memory goes back with the arena.
class ArenaTracker {
 public:
  ArenaTracker() = default;
  ArenaTracker(const ArenaTracker&) = delete;
  ArenaTracker& operator=(const ArenaTracker&) = delete;
  ~ArenaTracker() { DestroyAll(); }

  void set_memory(TreeMemory* memory) { memory_ = memory; }

  template <typename T, typename... Args>
  T* createInstance(Args&&... args) {
    static_assert(std::is_base_of_v<ArenaContext, T>, "every generated context is an ArenaContext");
    static_assert(alignof(T) <= TreeArena::kAlign);
    T* node = ::new (memory_->contexts.Allocate(sizeof(T))) T(std::forward<Args>(args)...);
    node->memory_ = memory_;
    created_.push_back(node);
    return node;
  }

  // Runs the destructor of every context created since the last call (a failed parse's tree).
  void DestroyAll() {
    for (ArenaContext* c : created_) c->~ArenaContext();
    created_.clear();
  }
  // Forgets them (a successful parse's tree: nothing to destroy).
  void ForgetAll() { created_.clear(); }

 private:
  TreeMemory* memory_ = nullptr;
  std::vector<ArenaContext*> created_;
};

// The base class of the generated parser. Its members hide the runtime's (name lookup in the generated rule
// functions finds them first):
// - getInterpreter<ParserATNSimulator>(), called before every prediction, is a dynamic_cast in the runtime. A parser's
//   interpreter is always a ParserATNSimulator (the generated constructor creates one; ParserSlot replaces it with
//   its FastSimulator, a subclass), so the conversion is static.
// - finally(lambda), the exit action of every rule, takes a std::function in the runtime; this one keeps the lambda.
// - _tracker, through which the generated rules create their contexts: ArenaTracker, in the arena. (The runtime's
//   tracker stays empty.)
class ArenaParser : public antlr4::Parser {
 public:
  using antlr4::Parser::Parser;

 protected:
  ArenaTracker _tracker;

 public:

  template <class T>
  T* getInterpreter() const {
    static_assert(std::is_same_v<T, antlr4::atn::ParserATNSimulator>, "a parser's interpreter is a ParserATNSimulator");
    return static_cast<T*>(_interpreter);
  }

  template <class F>
  class OnExit {
   public:
    explicit OnExit(F f) : f_(std::move(f)) {}
    OnExit(const OnExit&) = delete;
    OnExit& operator=(const OnExit&) = delete;
    ~OnExit() { f_(); }

   private:
    F f_;
  };

  template <class F>
  static OnExit<F> finally(F f) {
    return OnExit<F>(std::move(f));
  }
};

}  // namespace rlsq::parser_internal

// The generated parser's namespace (grammar/CMakeLists.txt, -package rlsq_antlr) names the option's class.
namespace rlsq_antlr {
using ArenaContext = rlsq::parser_internal::ArenaContext;
using ArenaParser = rlsq::parser_internal::ArenaParser;
}
