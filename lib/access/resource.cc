#include "lib/access/resource.h"

#include <boost/spirit/home/x3.hpp>

#include "lib/common/str_cat.h"

namespace rlsq::access {
namespace {

namespace x3 = boost::spirit::x3;

// Bytes 0x00-0x1f never appear in a name. `char` is signed here, so UTF-8 bytes (negative) are not in this range.
const auto control = x3::char_('\0', '\x1f');

// One bracketed part: `]]` is an escaped `]`; the part is not empty.
const auto part = x3::rule<struct PartTag, std::string>{"part"} =
    x3::lit('[') >> +((x3::lit("]]") >> x3::attr(']')) | (x3::char_ - ']' - control)) >> x3::lit(']');

const auto parts = x3::rule<struct PartsTag, std::vector<std::string>>{"parts"} = part % '.';

// The `(id:N)` suffix.
const auto id_suffix = x3::rule<struct IdTag, uint64_t>{"id"} = x3::lit("(id:") >> x3::uint_parser<uint64_t, 10, 1, 19>{} >> ')';

const auto plain = x3::rule<struct PlainTag, std::string>{"plain"} = +(x3::char_ - '[' - ']' - control);

absl::Status Malformed(std::string_view text, size_t pos, std::string_view what) {
  return absl::InvalidArgumentError(Cat("resource \"", text, "\": ", what, " at ", pos));
}

// Explains why `text` (which starts with '[') is not a bracketed name; called only after the grammar rejected it.
absl::Status DiagnoseBracketed(std::string_view text) {
  size_t i = 0;
  int count = 0;
  while (true) {
    if (i >= text.size() || text[i] != '[') return Malformed(text, i, "expected '['");
    size_t start = i++;
    size_t len = 0;
    while (true) {
      if (i >= text.size()) return Malformed(text, start, "unterminated '['");
      char c = text[i];
      if (c >= 0 && c <= 0x1f) return Malformed(text, i, "control character in name");
      if (c == ']') {
        if (i + 1 < text.size() && text[i + 1] == ']') {
          i += 2;
          ++len;
          continue;
        }
        break;
      }
      ++i;
      ++len;
    }
    if (len == 0) return Malformed(text, start, "empty name in brackets");
    ++i;  // ']'
    ++count;
    if (i < text.size() && text[i] == '.') {
      ++i;
      continue;
    }
    break;
  }
  if (count > 3) return Malformed(text, 0, "more than 3 bracketed parts");
  if (i < text.size() && text[i] == '(') return Malformed(text, i, "expected (id:N) with a decimal id");
  return Malformed(text, i, "unexpected text after the bracketed parts");
}

}  // namespace

absl::StatusOr<Resource> ParseResource(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("resource name is empty");
  Resource r;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (text.front() == '[') {
    r.kind = Resource::Kind::kBracketed;
    uint64_t id = 0;
    const char* it = first;
    bool ok = x3::parse(it, last, parts, r.parts);
    if (ok && it != last) {
      ok = x3::parse(it, last, id_suffix, id);
      if (ok) r.id = id;
    }
    if (!ok || it != last || r.parts.size() > 3) return DiagnoseBracketed(text);
    if (r.id && r.parts.size() < 2) return Malformed(text, 0, "(id:N) needs [database].[schema].[table]");
    return r;
  }
  const char* it = first;
  if (!x3::parse(it, last, plain, r.plain) || it != last) {
    return Malformed(text, static_cast<size_t>(it - first),
                     it != last && (*it == '[' || *it == ']') ? "bracket in a plain name" : "control character in name");
  }
  if (text.front() == ' ' || text.back() == ' ') return Malformed(text, 0, "leading or trailing space");
  return r;
}

std::string Resource::ToString() const {
  if (kind == Kind::kPlain) return plain;
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back('.');
    out.push_back('[');
    for (char c : parts[i]) {
      out.push_back(c);
      if (c == ']') out.push_back(']');
    }
    out.push_back(']');
  }
  if (id) Append(&out, "(id:", *id, ")");
  return out;
}

}  // namespace rlsq::access
