// A small strict JSON reader (RFC 8259) for policy files, with line:column errors, and a string escaper for
// JSON output. Numbers keep their source text; objects keep member order and reject duplicate keys.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace rlsq::json {

// The text of a string or number value. Parse() gives values that own their text; ParseBorrowing() gives values whose
// text, when written without escapes, is a view of the document (no allocation: a policy has millions of strings).
// A copy always owns its text, so a value copied out of a borrowing document stays valid after it.
class Text {
 public:
  Text() = default;
  Text(std::string s) : owned_(std::make_unique<std::string>(std::move(s))) {}  // NOLINT: a Text is a string
  Text(const char* s) : Text(std::string(s)) {}                                  // NOLINT
  Text(std::string_view s) : Text(std::string(s)) {}                             // NOLINT
  static Text Borrow(std::string_view s) {
    Text t;
    t.data_ = s.data();
    t.size_ = s.size();
    return t;
  }
  Text(const Text& o) : Text(std::string(o.view())) {}
  Text(Text&& o) noexcept = default;
  Text& operator=(const Text& o) {
    if (this != &o) *this = Text(o);
    return *this;
  }
  Text& operator=(Text&& o) noexcept = default;

  std::string_view view() const { return owned_ ? std::string_view(*owned_) : std::string_view(data_, size_); }
  operator std::string_view() const { return view(); }  // NOLINT
  std::string str() const { return std::string(view()); }
  // Owned text, to append to while parsing.
  std::string* mutable_owned() {
    if (!owned_) owned_ = std::make_unique<std::string>();
    return owned_.get();
  }

  const char* data() const { return view().data(); }
  size_t size() const { return view().size(); }
  bool empty() const { return view().empty(); }
  char front() const { return view().front(); }
  char back() const { return view().back(); }
  char operator[](size_t i) const { return view()[i]; }
  size_t find(std::string_view s, size_t pos = 0) const { return view().find(s, pos); }
  size_t find(char c, size_t pos = 0) const { return view().find(c, pos); }
  size_t rfind(char c, size_t pos = std::string_view::npos) const { return view().rfind(c, pos); }
  size_t find_first_not_of(std::string_view s, size_t pos = 0) const { return view().find_first_not_of(s, pos); }
  std::string_view substr(size_t pos, size_t n = std::string_view::npos) const { return view().substr(pos, n); }
  auto begin() const { return view().begin(); }
  auto end() const { return view().end(); }
  friend bool operator==(const Text& a, const Text& b) { return a.view() == b.view(); }
  friend bool operator==(const Text& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) { return a.view() == b; }
  friend bool operator==(const Text& a, const std::string& b) { return a.view() == b; }

 private:
  // 24 bytes: a policy document has millions of values. Owned text lives on the heap, so moving a Text never
  // moves its bytes; borrowed text is data_/size_.
  const char* data_ = nullptr;
  size_t size_ = 0;
  std::unique_ptr<std::string> owned_;
};

struct Value {
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  uint32_t line = 1, column = 1;                       // where the value starts
  Text text;  // string value, or number source text
  std::vector<Value> items;                            // array
  std::vector<std::pair<std::string, Value>> members;  // object, in source order

  // Special members out of line: clang (with libstdc++) needs Value complete before vector<pair<string, Value>>'s
  // destructor is instantiated (the libFuzzer build uses clang-14).
  Value();
  ~Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;

  const Value* Find(std::string_view key) const;
  bool is_string() const { return type == Type::kString; }
  bool is_array() const { return type == Type::kArray; }
  bool is_object() const { return type == Type::kObject; }
  bool is_null() const { return type == Type::kNull; }
  bool is_number() const { return type == Type::kNumber; }
};

const char* TypeName(Value::Type t);

// A document's text (JSON or YAML) must be strict UTF-8 without NUL bytes: InvalidArgument "line:column: ..." at
// the first bad byte.
absl::Status CheckDocumentText(std::string_view text);

// Parses one JSON document, which must be strict UTF-8 without NUL bytes. Errors: InvalidArgument
// "line:column: message".
absl::StatusOr<Value> Parse(std::string_view text);
// The same, with string and number values that are views of `text` where they can be (see Text): `text` must
// outlive the result and every value moved out of it.
absl::StatusOr<Value> ParseBorrowing(std::string_view text);

// Appends `s` as a JSON string literal (with quotes).
void AppendString(std::string_view s, std::string* out);

// Appends `v` as JSON text (members in their order, numbers as written): equal values, equal text.
void AppendValue(const Value& v, std::string* out);

}  // namespace rlsq::json
