// User-aware clauses: `{{ macro(args) }}` regions in RLS clauses (Superset's Jinja macros), compiled once at policy
// load. A template yields only values (literals), never SQL structure: each region becomes a value slot of the
// printed clause, bound per request with the dialect's literal quoting.
//
//   {{ current_username() }}  {{ current_user_id() }}  {{ current_user_email() }}  {{ current_user_roles() }}
//   {{ user_attr('region') }}  {{ user_attr("region", 'NONE') }}  {{ user_attr('level', 3) }}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/dialect/dialect.h"
#include "lib/json/json.h"

namespace rlsq::policy {

enum class MacroKind : uint8_t { kUsername, kUserId, kEmail, kRoles, kAttr };

struct Macro {
  MacroKind kind = MacroKind::kUsername;
  std::string key;  // kAttr: the attribute name
  bool has_default = false;
  bool default_is_number = false;
  std::string default_value;  // string value, or number text
};

// Parses the text between `{{` and `}}` (Boost.Spirit X3). InvalidArgument naming the problem.
absl::StatusOr<Macro> ParseMacro(std::string_view text);

// One value slot of a compiled clause.
struct TemplateValue {
  enum class Context : uint8_t {
    kScalar,  // a value in an expression: one literal, parenthesised
    kList,    // the only element of an IN list: the literals comma-separated (empty: NULL)
    kString,  // a whole string literal: text parts and macros concatenated, then quoted as one literal
  };
  Context context = Context::kScalar;
  bool parenthesised = false;     // kScalar: the printed clause has ( ) right around the slot
  std::vector<std::string> text;  // kString: text[0] macros[0] text[1] ... text[n]
  std::vector<Macro> macros;      // kScalar / kList: exactly one
};

// Who is asking, as templates see it. Absent fields are errors for the request when a template needs them.
struct UserContext {
  const std::string* username = nullptr;
  std::optional<int64_t> id;
  const std::string* email = nullptr;
  std::vector<std::string_view> roles;  // role names
  const std::vector<std::pair<std::string, json::Value>>* attributes = nullptr;
};

// Appends the SQL text of one value slot. Errors (nothing useful is appended): NotFound for a missing user field or
// attribute without a default; InvalidArgument for a value that cannot be a literal there (NUL byte, an object, a
// list outside IN, a nested list).
absl::Status RenderValue(const TemplateValue& value, const UserContext& user, const Dialect& dialect,
                         std::string* out);

// The regions of a clause replaced by parameter markers, ready to parse as SQL.
struct PreparedClause {
  std::string sql;          // the clause with regions replaced: `($N)` outside strings, `$N` inside them
  uint32_t marker_base = 0;  // region i is marker `$` + (marker_base + i); all markers have 7 digits
  std::vector<Macro> macros;      // per region
  std::vector<bool> in_string;    // per region
  std::string marker_prefix;      // `$` + the first 3 digits: occurs in `sql` only as a marker
};

// Finds every `{{ ... }}` region, parses its macro and decides, by lexing with the dialect, whether it stands
// inside a string literal. Errors are InvalidArgument "line:column: message" about the clause.
absl::StatusOr<PreparedClause> PrepareClause(std::string_view clause, const Dialect& dialect);

// The marker text of region i.
std::string MarkerText(uint32_t base, size_t i);

}  // namespace rlsq::policy
