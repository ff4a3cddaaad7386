#include "lib/safety/function_check.h"

#include <functional>

#include "absl/container/inlined_vector.h"
#include "lib/ast/ast_util.h"
#include "lib/common/status.h"

namespace rlsq {

absl::Status CheckFunctionCall(std::string_view sql, const ast::FuncCall& call, const NameResolver& resolver) {
  if (call.name.empty()) return absl::OkStatus();
  absl::InlinedVector<std::string_view, 3> parts;
  for (const ast::Ident& p : call.name) parts.push_back(p.text);
  absl::Status s = resolver.CheckFunction(parts);
  if (s.ok()) return s;
  return WithLocation(s, sql, call.span.begin);
}

absl::Status CheckFunctionCalls(std::string_view sql, const ast::Node& node, const NameResolver& resolver) {
  absl::Status status;
  std::function<void(ast::Node&)> walk = [&](ast::Node& n) {
    if (!status.ok()) return;
    if (const auto* call = n.As<ast::FuncCall>()) {
      status = CheckFunctionCall(sql, *call, resolver);
      if (!status.ok()) return;
    }
    ast::EnumerateChildren(n, walk);
  };
  walk(const_cast<ast::Node&>(node));
  return status;
}

}  // namespace rlsq
