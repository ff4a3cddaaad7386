// The dialect's deny list applied to the AST: calls of functions that run SQL given as text, reach files or other
// servers, or change session state are refused, both in queries and in policy clauses.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "lib/ast/ast.h"
#include "lib/dialect/dialect.h"

namespace rlsq {

// InvalidArgument "line:column: function X is not allowed ..." if `call` is denied by `dialect`.
absl::Status CheckFunctionCall(std::string_view sql, const ast::FuncCall& call, const Dialect& dialect);

// Checks every function call in the tree rooted at `node`.
absl::Status CheckFunctionCalls(std::string_view sql, const ast::Node& node, const Dialect& dialect);

}  // namespace rlsq
