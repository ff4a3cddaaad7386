// The function rule applied to the AST (lib/names/resolver.h: the dialect's safe built-ins, and the functions the
// policy allows by schema and name), in queries and in policy clauses alike.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "lib/ast/ast.h"
#include "lib/names/resolver.h"

namespace rlsq {

// InvalidArgument "line:column: function X is not allowed: ..." unless `call` may run.
absl::Status CheckFunctionCall(std::string_view sql, const ast::FuncCall& call, const NameResolver& resolver);

// Checks every function call in the tree rooted at `node`.
absl::Status CheckFunctionCalls(std::string_view sql, const ast::Node& node, const NameResolver& resolver);

}  // namespace rlsq
