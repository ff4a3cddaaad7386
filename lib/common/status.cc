#include "lib/common/status.h"

namespace rlsq {

SourceLocation LocationAt(std::string_view text, uint32_t offset) {
  SourceLocation loc;
  loc.offset = offset;
  if (offset > text.size()) offset = static_cast<uint32_t>(text.size());
  for (uint32_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++loc.line;
      loc.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count code points, not continuation bytes
      ++loc.column;
    }
  }
  return loc;
}

absl::Status SqlErrorAt(const SourceLocation& loc, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(loc.line, ":", loc.column, ": ", std::string(message)));
}

absl::Status WithLocation(const absl::Status& status, std::string_view text, uint32_t offset) {
  if (status.ok()) return status;
  SourceLocation loc = LocationAt(text, offset);
  return absl::Status(status.code(), absl::StrCat(loc.line, ":", loc.column, ": ", status.message()));
}

}  // namespace rlsq
