// Status helpers. Debian's abseil (20220623) has absl::Status/StatusOr but no RETURN_IF_ERROR-style macros.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

#define RLSQ_STATUS_CONCAT_INNER_(a, b) a##b
#define RLSQ_STATUS_CONCAT_(a, b) RLSQ_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if it is not OK.
#define RLSQ_RETURN_IF_ERROR(expr)                   \
  do {                                               \
    ::absl::Status rlsq_status_ = (expr);            \
    if (!rlsq_status_.ok()) return rlsq_status_;     \
  } while (0)

// RLSQ_ASSIGN_OR_RETURN(auto x, FunctionReturningStatusOr());
#define RLSQ_ASSIGN_OR_RETURN(lhs, rexpr) \
  RLSQ_ASSIGN_OR_RETURN_IMPL_(RLSQ_STATUS_CONCAT_(rlsq_statusor_, __LINE__), lhs, rexpr)
#define RLSQ_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

namespace rlsq {

// A position in SQL text. Lines and columns are 1-based; columns count characters (code points).
struct SourceLocation {
  uint32_t offset = 0;
  uint32_t line = 1;
  uint32_t column = 1;
};

// Computes line and column for a byte offset in `text`.
SourceLocation LocationAt(std::string_view text, uint32_t offset);

// "line:column: message" as an InvalidArgument status (the error form of every SQL error).
absl::Status SqlErrorAt(const SourceLocation& loc, std::string_view message);
inline absl::Status SqlErrorAt(std::string_view text, uint32_t offset, std::string_view message) {
  return SqlErrorAt(LocationAt(text, offset), message);
}

// `status` with "line:column: " before its message, keeping its code (e.g. PermissionDenied for a refused relation).
absl::Status WithLocation(const absl::Status& status, std::string_view text, uint32_t offset);

}  // namespace rlsq
