#include "lib/json/json.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <vector>
#include <cstdio>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "lib/common/str_cat.h"
#include "lib/common/status.h"
#include "lib/common/utf8.h"

namespace rlsq::json {

static_assert(sizeof(Value) == 24, "a policy document has millions of values");

// The parser's access to a value's representation.
class ValueBuilder {
 public:
  // Text that is viewed (borrow), copied into `arena`, or else copied to the heap.
  static void SetText(Value* v, Value::Type type, std::string_view text, bool borrow, Arena* arena = nullptr) {
    v->Release();
    v->type_ = type;
    if (borrow || text.empty()) {
      v->str_ = text.data();
    } else if (arena) {
      v->str_ = arena->Intern(text).data();
      v->flags_ = Value::kInArena;
    } else {
      char* p = new char[text.size()];
      std::memcpy(p, text.data(), text.size());
      v->str_ = p;
      v->flags_ = Value::kOwnsText;
    }
    v->size_ = static_cast<uint32_t>(text.size());
  }
  static void SetBool(Value* v, bool b) {
    v->Release();
    v->type_ = Value::Type::kBool;
    v->boolean_ = b;
  }
  static void SetNull(Value* v) { v->Release(); }
  static Document MakeDocument(std::unique_ptr<Arena> arena, Value root) {
    Document d;
    d.arena_ = std::move(arena);
    d.root_ = std::move(root);
    return d;
  }
  // An array or object of the values stack[first..]: moved into one block of exactly their number, in `arena`
  // (whose values are all in it) or on the heap.
  static void SetChildren(Value* v, Value::Type type, std::vector<Value>* stack, size_t first, Arena* arena) {
    v->Release();
    v->type_ = type;
    const size_t n = stack->size() - first;
    if (n == 0) return;
    if (arena) {
      v->kids_ = static_cast<Value*>(arena->resource()->allocate(n * sizeof(Value), alignof(Value)));
      v->flags_ = Value::kInArena;
    } else {
      v->kids_ = Value::Allocate(n);
    }
    for (size_t k = 0; k < n; ++k) new (v->kids_ + k) Value(std::move((*stack)[first + k]));
    v->size_ = static_cast<uint32_t>(n);
    stack->resize(first);
  }
};

Value Value::Bool(bool b) {
  Value v;
  ValueBuilder::SetBool(&v, b);
  return v;
}
Value Value::Number(std::string_view source_text) {
  Value v;
  ValueBuilder::SetText(&v, Type::kNumber, source_text, false);
  return v;
}
Value Value::String(std::string_view s) {
  Value v;
  ValueBuilder::SetText(&v, Type::kString, s, false);
  return v;
}
Value Value::BorrowedString(std::string_view s) {
  Value v;
  ValueBuilder::SetText(&v, Type::kString, s, true);
  return v;
}
Value Value::Array() {
  Value v;
  v.type_ = Type::kArray;
  return v;
}
Value Value::Object() {
  Value v;
  v.type_ = Type::kObject;
  return v;
}

void Value::Release() {
  if (flags_ & kInArena) {
    // The arena frees it all at once.
  } else if (is_array() || is_object()) {
    if (kids_) {  // a reserved block may hold no value yet
      std::destroy_n(kids_, size_);
      Free();
    }
  } else if (flags_ & kOwnsText) {
    delete[] str_;
  }
  str_ = nullptr;
  size_ = 0;
  type_ = Type::kNull;
  boolean_ = false;
  flags_ = 0;
}

// A grown block keeps its capacity in the word before its first value; an exact block holds size_ values.
constexpr size_t kCapacityWord = sizeof(size_t);
static_assert(alignof(Value) <= kCapacityWord);

Value* Value::Allocate(size_t n) { return static_cast<Value*>(::operator new(n * sizeof(Value))); }

Value* Value::AllocateGrown(size_t capacity) {
  char* p = static_cast<char*>(::operator new(kCapacityWord + capacity * sizeof(Value)));
  std::memcpy(p, &capacity, sizeof capacity);
  return reinterpret_cast<Value*>(p + kCapacityWord);
}

void Value::Free() {
  if (flags_ & kGrown) {
    ::operator delete(reinterpret_cast<char*>(kids_) - kCapacityWord);
  } else {
    ::operator delete(kids_);
  }
}

size_t Value::capacity() const {
  if (!kids_ || (flags_ & kInArena)) return (flags_ & kInArena) ? size_ : 0;
  if (!(flags_ & kGrown)) return size_;
  size_t cap;
  std::memcpy(&cap, reinterpret_cast<const char*>(kids_) - kCapacityWord, sizeof cap);
  return cap;
}

Value::Value(const Value& o) : str_(nullptr), line_(o.line_), column_(o.column_) {
  if (o.is_array() || o.is_object()) {
    type_ = o.type_;
    if (o.size_ > 0) {
      kids_ = Allocate(o.size_);
      std::uninitialized_copy_n(o.kids_, o.size_, kids_);
      size_ = o.size_;
    }
  } else if (o.is_string() || o.is_number()) {
    ValueBuilder::SetText(this, o.type_, o.text(), false);
  } else {
    type_ = o.type_;
    boolean_ = o.boolean_;
  }
}

Value::Value(Value&& o) noexcept
    : str_(o.str_), size_(o.size_), line_(o.line_), column_(o.column_), type_(o.type_), boolean_(o.boolean_),
      flags_(o.flags_) {
  o.str_ = nullptr;
  o.size_ = 0;
  o.type_ = Type::kNull;
  o.flags_ = 0;
}

Value& Value::operator=(const Value& o) {
  if (this != &o) *this = Value(o);
  return *this;
}

Value& Value::operator=(Value&& o) noexcept {
  if (this != &o) {
    Release();
    str_ = o.str_;
    size_ = o.size_;
    line_ = o.line_;
    column_ = o.column_;
    type_ = o.type_;
    boolean_ = o.boolean_;
    flags_ = o.flags_;
    o.str_ = nullptr;
    o.size_ = 0;
    o.type_ = Type::kNull;
    o.flags_ = 0;
  }
  return *this;
}

void Value::Reserve(size_t n) {
  const size_t old = capacity();
  if (n <= old) return;
  if (n > UINT32_MAX) throw std::length_error("json::Value: too many elements");
  const size_t cap = std::max({n, 2 * old, size_t{4}});  // doubling: appends are amortized O(1)
  Value* block = AllocateGrown(cap);
  if (kids_) {
    for (size_t k = 0; k < size_; ++k) new (block + k) Value(std::move(kids_[k]));
    std::destroy_n(kids_, size_);
    if (!(flags_ & kInArena)) Free();
  }
  kids_ = block;
  flags_ = kGrown;  // the block is ours now (arena children moved into it own nothing either)
}

void Value::ReserveItems(size_t n) {
  if (is_array()) Reserve(n);
  if (is_object()) Reserve(2 * n);
}

void Value::Append(Value item) {
  if (!is_array()) *this = Array();
  if (size_ == capacity()) Reserve(size_ + 1);
  new (kids_ + size_) Value(std::move(item));
  ++size_;
}

void Value::Add(std::string_view key, Value value) {
  if (!is_object()) *this = Object();
  if (size_ + 2 > capacity()) Reserve(size_ + 2);
  new (kids_ + size_) Value(String(key));
  new (kids_ + size_ + 1) Value(std::move(value));
  size_ += 2;
}

const Value* Value::Find(std::string_view key) const {
  for (const auto& [k, v] : members())
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
  // With an arena, values view the text where they can and live in the arena (a Document); without, they own
  // their memory.
  Reader(std::string_view text, Arena* arena) : s_(text), arena_(arena), borrow_(arena != nullptr) {}

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
    v->set_position(line_, column_);
    char c = s_[i_];
    if (c == '{') return ParseObject(v, depth);
    if (c == '[') return ParseArray(v, depth);
    if (c == '"') return ParseStringValue(v);
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(v);
    if (s_.substr(i_, 4) == "true") {
      ValueBuilder::SetBool(v, true);
      i_ += 4;
      return absl::OkStatus();
    }
    if (s_.substr(i_, 5) == "false") {
      ValueBuilder::SetBool(v, false);
      i_ += 5;
      return absl::OkStatus();
    }
    if (s_.substr(i_, 4) == "null") {
      ValueBuilder::SetNull(v);
      i_ += 4;
      return absl::OkStatus();
    }
    return Error("invalid JSON value");
  }

  // Members go on the stack shared by every open array and object as key, value, key, value.
  absl::Status ParseObject(Value* v, int depth) {
    ++i_;
    SkipWs();
    const size_t first = stack_.size();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      ValueBuilder::SetChildren(v, Value::Type::kObject, &stack_, first, arena_);
      return absl::OkStatus();
    }
    // Duplicate keys: a scan of the keys so far, or a hash set once the object is large (a hostile document of
    // 100k keys must not take 5G comparisons).
    constexpr size_t kScanLimit = 16;
    absl::flat_hash_set<std::string_view> keys;
    for (;;) {
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != '"') return Error("expected a string key in JSON object");
      const size_t key_at = i_;
      // Values are parsed into locals and pushed when done: a nested array or object grows the stack meanwhile.
      Value key_value;
      RLSQ_RETURN_IF_ERROR(ParseStringValue(&key_value));
      const std::string_view key = key_value.text();  // owned text is on the heap, borrowed in the document
      const size_t members = (stack_.size() - first) / 2;
      bool duplicate = false;
      if (members < kScanLimit) {
        for (size_t k = first; k < stack_.size() && !duplicate; k += 2) duplicate = stack_[k].text() == key;
      } else {
        if (keys.empty())
          for (size_t k = first; k < stack_.size(); k += 2) keys.insert(stack_[k].text());
        duplicate = !keys.insert(key).second;
      }
      if (duplicate) {
        i_ = key_at;
        return Error(Cat("duplicate key \"", key, "\" in JSON object"));
      }
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != ':') return Error("expected ':' in JSON object");
      ++i_;
      Value member;
      RLSQ_RETURN_IF_ERROR(ParseValue(&member, depth + 1));
      stack_.push_back(std::move(key_value));
      stack_.push_back(std::move(member));
      SkipWs();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        RLSQ_RETURN_IF_ERROR(CheckCount(stack_.size() - first));
        ValueBuilder::SetChildren(v, Value::Type::kObject, &stack_, first, arena_);
        return absl::OkStatus();
      }
      return Error("expected ',' or '}' in JSON object");
    }
  }

  absl::Status ParseArray(Value* v, int depth) {
    ++i_;
    SkipWs();
    const size_t first = stack_.size();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      ValueBuilder::SetChildren(v, Value::Type::kArray, &stack_, first, arena_);
      return absl::OkStatus();
    }
    for (;;) {
      Value item;
      RLSQ_RETURN_IF_ERROR(ParseValue(&item, depth + 1));
      stack_.push_back(std::move(item));
      SkipWs();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        RLSQ_RETURN_IF_ERROR(CheckCount(stack_.size() - first));
        ValueBuilder::SetChildren(v, Value::Type::kArray, &stack_, first, arena_);
        return absl::OkStatus();
      }
      return Error("expected ',' or ']' in JSON array");
    }
  }

  // A value holds a 32-bit count of its elements and of its text's bytes.
  absl::Status CheckCount(size_t n) const {
    if (n > UINT32_MAX) return Error("JSON array or object too large");
    return absl::OkStatus();
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
    if (i_ - start > UINT32_MAX) return Error("JSON number too long");
    ValueBuilder::SetText(v, Value::Type::kNumber, s_.substr(start, i_ - start), borrow_);
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
  absl::Status ParseStringValue(Value* v) {
    if (borrow_) {
      size_t end = i_ + 1;
      while (end < s_.size() && s_[end] != '"' && s_[end] != '\\' && static_cast<unsigned char>(s_[end]) >= 0x20)
        ++end;
      if (end < s_.size() && s_[end] == '"') {
        if (end - i_ - 1 > UINT32_MAX) return Error("JSON string too long");
        ValueBuilder::SetText(v, Value::Type::kString, s_.substr(i_ + 1, end - i_ - 1), true);
        i_ = end + 1;
        return absl::OkStatus();
      }
    }
    scratch_.clear();
    RLSQ_RETURN_IF_ERROR(ParseString(&scratch_));
    if (scratch_.size() > UINT32_MAX) return Error("JSON string too long");
    ValueBuilder::SetText(v, Value::Type::kString, scratch_, false, arena_);
    return absl::OkStatus();
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

  // Elements are collected on a stack shared by every open array and object, then moved into a block of exactly
  // their number: one allocation per array instead of one per doubling (a policy has millions of small arrays).
  std::vector<Value> stack_;
  std::string scratch_;  // a string with escapes, decoded
  std::string_view s_;
  Arena* arena_ = nullptr;
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
  return Reader(text, nullptr).Document();
}

absl::StatusOr<Document> ParseBorrowing(std::string_view text) {
  RLSQ_RETURN_IF_ERROR(CheckDocumentText(text));
  // The values take about as many bytes as the text: one or two arena blocks, touched only as they fill.
  auto arena = std::make_unique<Arena>(text.size() + 4096);
  RLSQ_ASSIGN_OR_RETURN(Value root, Reader(text, arena.get()).Document());
  return ValueBuilder::MakeDocument(std::move(arena), std::move(root));
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
  switch (v.type()) {
    case Value::Type::kNull:
      *out += "null";
      return;
    case Value::Type::kBool:
      *out += v.boolean() ? "true" : "false";
      return;
    case Value::Type::kNumber:
      *out += v.text();
      return;
    case Value::Type::kString:
      AppendString(v.text(), out);
      return;
    case Value::Type::kArray:
      *out += '[';
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) *out += ',';
        AppendValue(v.items()[i], out);
      }
      *out += ']';
      return;
    case Value::Type::kObject:
      *out += '{';
      bool first = true;
      for (const auto& [key, value] : v.members()) {
        if (!first) *out += ',';
        first = false;
        AppendString(key, out);
        *out += ':';
        AppendValue(value, out);
      }
      *out += '}';
      return;
  }
}

}  // namespace rlsq::json
