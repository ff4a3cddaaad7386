// libFuzzer target: ParseQuery (and ParseExpression) on arbitrary bytes. Each input must parse or be refused with
// InvalidArgument; a parsed query's spans lie inside the text and scope analysis of it must not fail otherwise.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "lib/ast/ast_util.h"
#include "lib/common/arena.h"
#include "lib/parser/parser.h"
#include "rewriter/scope.h"

namespace {

void Die(const char* what, const absl::Status& st) {
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  std::abort();
}

void CheckSpans(rlsq::ast::Node& n, size_t size) {
  if (n.span.end < n.span.begin || n.span.end > size) std::abort();
  rlsq::ast::EnumerateChildren(n, [&](rlsq::ast::Node& c) { CheckSpans(c, size); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  auto parsed = rlsq::ParseQuery(sql);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) Die("ParseQuery", parsed.status());
  } else {
    CheckSpans(*(*parsed)->query, (*parsed)->sql.size());
    static const rlsq::DatabaseModel model;
    auto scopes = rlsq::rewriter::AnalyzeScopes((*parsed)->sql, *(*parsed)->query,
                                                rlsq::NameResolver(rlsq::Dialect::Postgres(), model));
    if (!scopes.ok() && scopes.status().code() != absl::StatusCode::kInvalidArgument &&
        scopes.status().code() != absl::StatusCode::kPermissionDenied)
      Die("AnalyzeScopes", scopes.status());
  }
  rlsq::Arena arena;
  auto expr = rlsq::ParseExpression(sql, arena);
  if (!expr.ok() && expr.status().code() != absl::StatusCode::kInvalidArgument) Die("ParseExpression", expr.status());
  return 0;
}
