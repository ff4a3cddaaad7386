// The parser front end: SQL text -> rlsq AST. ANTLR is an implementation detail of this module: no ANTLR header
// is included by this file or by anything outside lib/parser/.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/ast/ast.h"
#include "lib/common/arena.h"
#include "lib/dialect/dialect.h"
#include "lib/parser/shape.h"

namespace rlsq {

// Explicit resource limits: input beyond any of them is refused with an error naming the limit, before it can cost
// much time or stack.
struct ParseOptions {
  const Dialect* dialect = nullptr;       // null means PostgreSQL
  uint32_t max_depth = 200;               // deepest nesting of expressions / queries accepted
  size_t max_input_bytes = size_t{4} << 20;  // longest SQL text accepted (4 MiB)
  size_t max_tokens = size_t{1} << 20;       // most tokens accepted (1,048,576)
  bool shape = false;                        // fill ParsedQuery::shape
};

// One parsed read-only query. Owns its arena and a copy of the text, so spans stay valid.
struct ParsedQuery {
  std::string sql;
  Arena arena;
  ast::QueryNode* query = nullptr;
  ast::Span statement;  // the statement without surrounding whitespace, comments and the optional trailing ';'
  QueryShape shape;     // when ParseOptions::shape: the text's shape (lib/parser/shape.h)
};

// Parses exactly one read-only query (SELECT / VALUES / TABLE / WITH ... SELECT, optionally ending in ';').
// Refuses with a precise "line:column: message" InvalidArgument status: syntax errors, several statements,
// statements that are not read-only queries (DML, DDL, SELECT INTO, FOR UPDATE/SHARE, SET, COPY, DO, CALL,
// EXPLAIN, PREPARE, EXECUTE, data-modifying CTEs ...), nesting beyond max_depth, and lexical errors.
// Thread-safe; parsers are reused per thread and the ANTLR prediction cache is shared across calls and threads.
absl::StatusOr<std::unique_ptr<ParsedQuery>> ParseQuery(std::string_view sql, const ParseOptions& options = {});

// Parses exactly one expression (as used for RLS filter clauses) into `arena`. `sql` must outlive the result's
// string views only if they point into it; all text is copied into `arena`. Same errors as ParseQuery.
absl::StatusOr<ast::Expr*> ParseExpression(std::string_view sql, Arena& arena, const ParseOptions& options = {});

namespace parser_internal {

// For tests (tests/parser/tree_support_test.cc): parses `sql` as ParseQuery does and checks, on every node of the
// ANTLR parse tree, what lib/parser/tree_support.h relies on: the runtime's own child vector is empty; each child's
// parent is the node that lists it; TreeMemory::IsTerminal agrees with dynamic_cast; a context child is a rule
// context; the generated accessors' getToken and getTokens give what a dynamic_cast scan gives; children come in
// token order. Returns the number of nodes checked, or the first violation (or the parse's error).
absl::StatusOr<size_t> CheckParseTreeInvariants(std::string_view sql, const ParseOptions& options = {});

// Bytes the calling thread's parse-tree arenas hold between parses.
size_t ParseTreeMemoryBytes();

}  // namespace parser_internal

// Counters for benchmarks: parses attempted and how many fell back from SLL to full LL prediction.
struct ParserStats {
  std::atomic<uint64_t> parses{0};
  std::atomic<uint64_t> sll_fallbacks{0};
};
ParserStats& GlobalParserStats();

}  // namespace rlsq
