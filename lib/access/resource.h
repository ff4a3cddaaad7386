// Flask-AppBuilder view menu (resource) names, parsed with a Boost.Spirit X3 grammar.
//
// Grammar (no whitespace is skipped anywhere):
//   resource   := bracketed | plain
//   bracketed  := part ( '.' part ){0,2} [ '(id:' digits ')' ]      -- 1 to 3 parts; the id needs 2 or 3 parts
//   part       := '[' ( ']]' | any byte except ']' and control bytes 0x00-0x1f )+ ']'
//   plain      := ( any byte except '[' ']' and control bytes )+      -- no leading or trailing space
// Inside brackets `]]` stands for one `]` (so a name containing `]` round-trips); every other byte, spaces and dots
// included, is part of the raw name and is compared exactly. The id is a decimal number (at most 19 digits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace rlsq::access {

struct Resource {
  enum class Kind { kPlain, kBracketed };
  Kind kind = Kind::kPlain;
  std::string plain;               // kPlain: the whole name ("Dashboard", "all_datasource_access", "DAG:example")
  std::vector<std::string> parts;  // kBracketed: 1 to 3 raw names, `]]` already unescaped to `]`
  std::optional<uint64_t> id;      // kBracketed: the (id:N) suffix, if written

  bool bracketed() const { return kind == Kind::kBracketed; }
  // Canonical text: the plain name, or the bracketed parts (`]` escaped as `]]`) and the id suffix.
  std::string ToString() const;
  bool operator==(const Resource&) const = default;
};

// InvalidArgument naming the problem and its byte position, e.g. `resource "[db].[s": unterminated '[' at 5`.
absl::StatusOr<Resource> ParseResource(std::string_view text);

}  // namespace rlsq::access
