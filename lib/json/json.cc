#include "lib/json/json.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "lib/common/str_cat.h"
#include "lib/common/status.h"
#include "lib/common/utf8.h"

namespace rlsq::json {

Value::Value() = default;
Value::~Value() = default;
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;

const Value* Value::Find(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

const char* TypeName(Value::Type t) {
  switch (t) {
    case Value::Type::kNull: return "null";
    case Value::Type::kBool: return "boolean";
    case Value::Type::kNumber: return "number";
    case Value::Type::kString: return "string";
    case Value::Type::kArray: return "array";
    case Value::Type::kObject: return "object";
  }
  return "?";
}

namespace {

constexpr int kMaxDepth = 64;

class Reader {
 public:
  Reader(std::string_view text, bool borrow) : s_(text), borrow_(borrow) {}

  absl::StatusOr<Value> Document() {
    Value v;
    RLSQ_RETURN_IF_ERROR(ParseValue(&v, 0));
    SkipWs();
    if (i_ != s_.size()) return Error("unexpected text after the JSON document");
    return v;
  }

 private:
  absl::Status Error(std::string_view msg) const { return SqlErrorAt(s_, static_cast<uint32_t>(i_), msg); }

  void SkipWs() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  absl::Status ParseValue(Value* v, int depth) {
    if (depth > kMaxDepth) return Error("JSON nested too deeply");
    SkipWs();
    if (i_ >= s_.size()) return Error("unexpected end of JSON input");
    Advance();
    v->line = line_;
    v->column = column_;
    char c = s_[i_];
    if (c == '{') return ParseObject(v, depth);
    if (c == '[') return ParseArray(v, depth);
    if (c == '"') {
      v->type = Value::Type::kString;
      return ParseStringValue(&v->text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(v);
    if (s_.substr(i_, 4) == "true") {
      v->type = Value::Type::kBool;
      v->boolean = true;
      i_ += 4;
      return absl::OkStatus();
    }
    if (s_.substr(i_, 5) == "false") {
      v->type = Value::Type::kBool;
      i_ += 5;
      return absl::OkStatus();
    }
    if (s_.substr(i_, 4) == "null") {
      v->type = Value::Type::kNull;
      i_ += 4;
      return absl::OkStatus();
    }
    return Error("invalid JSON value");
  }

  absl::Status ParseObject(Value* v, int depth) {
    v->type = Value::Type::kObject;
    ++i_;
    SkipWs();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return absl::OkStatus();
    }
    const size_t first = member_stack_.size();
    for (;;) {
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != '"') return Error("expected a string key in JSON object");
      size_t key_at = i_;
      std::string key;
      RLSQ_RETURN_IF_ERROR(ParseString(&key));
      bool duplicate = false;
      for (size_t k = first; k < member_stack_.size() && !duplicate; ++k) duplicate = member_stack_[k].first == key;
      if (duplicate) {
        i_ = key_at;
        return Error(Cat("duplicate key \"", key, "\" in JSON object"));
      }
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != ':') return Error("expected ':' in JSON object");
      ++i_;
      Value member;
      RLSQ_RETURN_IF_ERROR(ParseValue(&member, depth + 1));
      member_stack_.emplace_back(std::move(key), std::move(member));
      SkipWs();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        TakeFrom(&member_stack_, first, &v->members);
        return absl::OkStatus();
      }
      return Error("expected ',' or '}' in JSON object");
    }
  }

  absl::Status ParseArray(Value* v, int depth) {
    v->type = Value::Type::kArray;
    ++i_;
    SkipWs();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return absl::OkStatus();
    }
    const size_t first = item_stack_.size();
    for (;;) {
      Value item;
      RLSQ_RETURN_IF_ERROR(ParseValue(&item, depth + 1));
      item_stack_.push_back(std::move(item));
      SkipWs();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        TakeFrom(&item_stack_, first, &v->items);
        return absl::OkStatus();
      }
      return Error("expected ',' or ']' in JSON array");
    }
  }

  absl::Status ParseNumber(Value* v) {
    size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digits = [&] {
      size_t b = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ - b;
    };
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (digits() == 0) {
      return Error("invalid JSON number");
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (digits() == 0) return Error("invalid JSON number");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (digits() == 0) return Error("invalid JSON number");
    }
    v->type = Value::Type::kNumber;
    v->text = borrow_ ? Text::Borrow(s_.substr(start, i_ - start)) : Text(s_.substr(start, i_ - start));
    return absl::OkStatus();
  }

  bool Hex4(uint32_t* out) {
    if (i_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_ + k];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return false;
    }
    i_ += 4;
    *out = v;
    return true;
  }

  // A string value: borrowed from the document when it has no escape (and borrowing is on), else decoded.
  absl::Status ParseStringValue(Text* out) {
    if (borrow_) {
      size_t end = i_ + 1;
      while (end < s_.size() && s_[end] != '"' && s_[end] != '\\' && static_cast<unsigned char>(s_[end]) >= 0x20)
        ++end;
      if (end < s_.size() && s_[end] == '"') {
        *out = Text::Borrow(s_.substr(i_ + 1, end - i_ - 1));
        i_ = end + 1;
        return absl::OkStatus();
      }
    }
    return ParseString(out->mutable_owned());
  }

  absl::Status ParseString(std::string* out) {
    ++i_;  // opening quote
    for (;;) {
      if (i_ >= s_.size()) return Error("unterminated JSON string");
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return absl::OkStatus();
      }
      if (c < 0x20) return Error("control character in JSON string");
      if (c != '\\') {
        // A run of plain bytes is appended at once (most strings have no escape at all).
        size_t end = i_ + 1;
        while (end < s_.size() && s_[end] != '"' && s_[end] != '\\' && static_cast<unsigned char>(s_[end]) >= 0x20)
          ++end;
        out->append(s_.data() + i_, end - i_);
        i_ = end;
        continue;
      }
      ++i_;
      if (i_ >= s_.size()) return Error("unterminated JSON string");
      char e = s_[i_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return Error("invalid \\u escape in JSON string");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (s_.substr(i_, 2) != "\\u") return Error("unpaired surrogate in JSON string");
            i_ += 2;
            if (!Hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return Error("unpaired surrogate in JSON string");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error("unpaired surrogate in JSON string");
          }
          if (cp == 0) return Error("NUL character in JSON string");
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Error("invalid escape in JSON string");
      }
    }
  }

  // Moves the line/column bookkeeping forward to i_ (values are visited in increasing offset order, so the whole
  // document is scanned once for positions, not once per value).
  void Advance() {
    if (pos_ >= i_) return;
    const char* b = s_.data() + pos_;
    const char* e = s_.data() + i_;
    // Lines: the newlines in between; the column: the characters (not UTF-8 continuation bytes) after the last.
    const void* nl = memrchr(b, '\n', static_cast<size_t>(e - b));
    if (nl) {
      line_ += static_cast<uint32_t>(std::count(b, e, '\n'));
      column_ = 1;
      b = static_cast<const char*>(nl) + 1;
    }
    uint32_t chars = 0;
    for (const char* p = b; p < e; ++p) chars += (static_cast<unsigned char>(*p) & 0xC0) != 0x80;
    column_ += chars;
    pos_ = i_;
  }

  // Elements are collected on a stack shared by every open array (object), then moved into a vector of exactly
  // their number: one allocation per array instead of one per doubling (a policy has millions of small arrays).
  template <class T>
  static void TakeFrom(std::vector<T>* stack, size_t first, std::vector<T>* out) {
    out->reserve(stack->size() - first);
    for (size_t k = first; k < stack->size(); ++k) out->push_back(std::move((*stack)[k]));
    stack->resize(first);
  }

  std::vector<Value> item_stack_;
  std::vector<std::pair<std::string, Value>> member_stack_;
  std::string_view s_;
  bool borrow_ = false;
  size_t i_ = 0;
  size_t pos_ = 0;  // offset that line_ / column_ describe
  uint32_t line_ = 1, column_ = 1;
};

}  // namespace

absl::Status CheckDocumentText(std::string_view text) {
  if (size_t bad = FindInvalidUtf8(text); bad != text.size())
    return SqlErrorAt(text, static_cast<uint32_t>(bad), InvalidUtf8Message(text, bad));
  return absl::OkStatus();
}

absl::StatusOr<Value> Parse(std::string_view text) {
  // JSON text is UTF-8 (RFC 8259); policy values end up in SQL, which must be valid UTF-8 too.
  RLSQ_RETURN_IF_ERROR(CheckDocumentText(text));
  return Reader(text, /*borrow=*/false).Document();
}

absl::StatusOr<Value> ParseBorrowing(std::string_view text) {
  RLSQ_RETURN_IF_ERROR(CheckDocumentText(text));
  return Reader(text, /*borrow=*/true).Document();
}

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendValue(const Value& v, std::string* out) {
  switch (v.type) {
    case Value::Type::kNull:
      *out += "null";
      return;
    case Value::Type::kBool:
      *out += v.boolean ? "true" : "false";
      return;
    case Value::Type::kNumber:
      *out += v.text;
      return;
    case Value::Type::kString:
      AppendString(v.text, out);
      return;
    case Value::Type::kArray:
      *out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) *out += ',';
        AppendValue(v.items[i], out);
      }
      *out += ']';
      return;
    case Value::Type::kObject:
      *out += '{';
      for (size_t i = 0; i < v.members.size(); ++i) {
        if (i) *out += ',';
        AppendString(v.members[i].first, out);
        *out += ':';
        AppendValue(v.members[i].second, out);
      }
      *out += '}';
      return;
  }
}

}  // namespace rlsq::json
