#include "lib/json/yaml.h"

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/exceptions.h"
#include "yaml-cpp/mark.h"
#include "yaml-cpp/parser.h"

namespace rlsq::json {
namespace {

constexpr int kMaxDepth = 64;
constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

// A problem found while handling events: thrown out of the handler, caught by ParseYaml.
struct YamlError {
  uint32_t line, column;
  std::string message;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// JSON's number syntax: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (IsDigit(s[i])) {
    while (i < s.size() && IsDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

// What the YAML 1.2 core schema reads as an int or a float (a superset of JSON numbers).
bool IsYamlNumber(std::string_view s) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  std::string_view u = s;
  if (!u.empty() && (u[0] == '+' || u[0] == '-')) u.remove_prefix(1);
  if (u == ".inf" || u == ".Inf" || u == ".INF") return true;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    for (char c : s.substr(2))
      if (!(IsDigit(c) || (s[1] == 'x' && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))))) return false;
    return true;
  }
  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  size_t i = 0;
  size_t digits = 0;
  while (i < u.size() && IsDigit(u[i])) ++i, ++digits;
  if (i < u.size() && u[i] == '.') {
    ++i;
    while (i < u.size() && IsDigit(u[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < u.size() && (u[i] == 'e' || u[i] == 'E')) {
    ++i;
    if (i < u.size() && (u[i] == '+' || u[i] == '-')) ++i;
    size_t e = 0;
    while (i < u.size() && IsDigit(u[i])) ++i, ++e;
    if (e == 0) return false;
  }
  return i == u.size();
}

class Builder : public YAML::EventHandler {
 public:
  std::optional<Value> root;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    NoAnchor(mark, anchor);
    Add(mark, At(mark, Value()), std::nullopt);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    Fail(mark, "YAML aliases (*name) are not supported in policies: write the value out");
  }

  void OnAnchor(const YAML::Mark& mark, const std::string&) override {
    Fail(mark, "YAML anchors (&name) are not supported in policies: write the value out");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    NoAnchor(mark, anchor);
    Value v;
    if (tag == "?") {
      v = At(mark, Resolve(mark, value));  // a plain scalar: typed by the core schema
    } else if (tag == "!" || tag == kStrTag) {
      v = At(mark, Value::String(value));  // quoted, literal, folded, or !!str
    } else {
      Fail(mark, Cat("unsupported YAML tag \"", tag, "\""));
    }
    Add(mark, std::move(v), value);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, tag, anchor, Value::Type::kArray);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, tag, anchor, Value::Type::kObject);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    Value value;
    std::optional<std::string> key;  // in a mapping: the key whose value comes next
  };

  [[noreturn]] static void Fail(const YAML::Mark& mark, std::string message) {
    throw YamlError{static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1),
                    std::move(message)};
  }
  static void NoAnchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) Fail(mark, "YAML anchors (&name) are not supported in policies: write the value out");
  }
  static Value At(const YAML::Mark& mark, Value v) {
    v.set_position(static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1));
    return v;
  }

  static Value Resolve(const YAML::Mark& mark, const std::string& s) {
    if (s == "null" || s == "Null" || s == "NULL" || s == "~" || s.empty()) return Value();
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
      return Value::Bool(s[0] == 't' || s[0] == 'T');
    if (IsJsonNumber(s)) return Value::Number(s);
    if (IsYamlNumber(s))
      Fail(mark, Cat("YAML reads ", s, " as a number that JSON cannot write: write it as a decimal number, or "
                                       "quote it for a string"));
    return Value::String(s);
  }

  void Open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, Value::Type type) {
    NoAnchor(mark, anchor);
    if (tag != "?" && tag != "!" && !tag.empty()) Fail(mark, Cat("unsupported YAML tag \"", tag, "\""));
    if (!stack_.empty() && stack_.back().value.is_object() && !stack_.back().key)
      Fail(mark, "a mapping key must be a scalar");
    if (stack_.size() >= kMaxDepth) Fail(mark, "YAML nested too deeply");
    Frame f;
    f.value = At(mark, type == Value::Type::kArray ? Value::Array() : Value::Object());
    stack_.push_back(std::move(f));
  }

  void Close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    YAML::Mark mark;
    mark.line = static_cast<int>(f.value.line()) - 1;
    mark.column = static_cast<int>(f.value.column()) - 1;
    Add(mark, std::move(f.value), std::nullopt);
  }

  // Adds a finished value where it belongs: the document, an item, a mapping's key, or the value of that key.
  // `scalar` is the scalar's text (keys must be scalars).
  void Add(const YAML::Mark& mark, Value v, const std::optional<std::string>& scalar) {
    if (stack_.empty()) {
      root = std::move(v);
      return;
    }
    Frame& top = stack_.back();
    if (top.value.is_array()) {
      top.value.Append(std::move(v));
      return;
    }
    if (!top.key) {
      if (!scalar || v.is_null()) Fail(mark, "a mapping key must be a non-null scalar");
      for (const auto& [k, unused] : top.value.members())
        if (k == *scalar) Fail(mark, Cat("duplicate key \"", *scalar, "\" in YAML mapping"));
      top.key = *scalar;
      return;
    }
    top.value.Add(*top.key, std::move(v));
    top.key.reset();
  }

  std::vector<Frame> stack_;
};

}  // namespace

absl::StatusOr<Value> ParseYaml(std::string_view text) {
  // Policy values end up in SQL: UTF-8 only (yaml-cpp would also accept UTF-16 and UTF-32 with a byte-order mark).
  RLSQ_RETURN_IF_ERROR(CheckDocumentText(text));
  std::istringstream in{std::string(text)};
  try {
    YAML::Parser parser(in);
    Builder builder;
    if (!parser.HandleNextDocument(builder) || !builder.root)
      return absl::InvalidArgumentError("1:1: empty YAML document");
    Builder second;
    if (parser.HandleNextDocument(second)) return absl::InvalidArgumentError("more than one YAML document");
    return std::move(*builder.root);
  } catch (const YamlError& e) {
    return absl::InvalidArgumentError(Cat(e.line, ":", e.column, ": ", e.message));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(Cat(e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
}

}  // namespace rlsq::json
