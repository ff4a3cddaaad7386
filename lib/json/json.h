// A small strict JSON reader (RFC 8259) for policy files, with line:column errors, and a string escaper for
// JSON output. Numbers keep their source text; objects keep member order and reject duplicate keys.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace rlsq::json {

struct Value {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // string value, or number source text
  std::vector<Value> items;                            // array
  std::vector<std::pair<std::string, Value>> members;  // object, in source order
  uint32_t line = 1, column = 1;                       // where the value starts

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

// Parses one JSON document, which must be strict UTF-8 without NUL bytes. Errors: InvalidArgument
// "line:column: message".
absl::StatusOr<Value> Parse(std::string_view text);

// Appends `s` as a JSON string literal (with quotes).
void AppendString(std::string_view s, std::string* out);

// Appends `v` as JSON text (members in their order, numbers as written): equal values, equal text.
void AppendValue(const Value& v, std::string* out);

}  // namespace rlsq::json
