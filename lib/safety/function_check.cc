#include "lib/safety/function_check.h"

#include "lib/common/str_cat.h"
#include "lib/ast/ast_util.h"
#include "lib/common/status.h"

namespace rlsq {

absl::Status CheckFunctionCall(std::string_view sql, const ast::FuncCall& call, const Dialect& dialect) {
  if (call.name.empty()) return absl::OkStatus();
  std::string_view name = call.name.back().text;
  std::string_view schema = call.name.size() >= 2 ? call.name[call.name.size() - 2].text : std::string_view();
  if (!dialect.IsDeniedFunction(schema, name)) return absl::OkStatus();
  return SqlErrorAt(sql, call.span.begin,
                    Cat("function ", ast::JoinName(call.name),
                                 " is not allowed: it can run SQL given as text, reach files or other servers, "
                                 "or change session state"));
}

absl::Status CheckFunctionCalls(std::string_view sql, const ast::Node& node, const Dialect& dialect) {
  absl::Status status;
  std::function<void(ast::Node&)> walk = [&](ast::Node& n) {
    if (!status.ok()) return;
    if (const auto* call = n.As<ast::FuncCall>()) {
      status = CheckFunctionCall(sql, *call, dialect);
      if (!status.ok()) return;
    }
    ast::EnumerateChildren(n, walk);
  };
  walk(const_cast<ast::Node&>(node));
  return status;
}

}  // namespace rlsq
