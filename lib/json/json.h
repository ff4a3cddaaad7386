// A small strict JSON reader (RFC 8259) for policy files, with line:column errors, and a string escaper for
// JSON output. Numbers keep their source text; objects keep member order and reject duplicate keys.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "lib/common/arena.h"

namespace rlsq::json {

class Value;

// One member of an object, as iterating Value::members() yields it.
struct Member {
  std::string_view first;  // the key
  const Value& second;     // the value
};

// A JSON value in 24 bytes: a policy document has millions of them (100k filters and 10k roles of 100 grants are
// about 4M values), and the memory a parse touches is most of its time. A string or number holds its text; an
// array or object holds its elements in one block of exactly their number (an object as key, value, key, value,
// ...). Values from Parse() and built values own their memory; the values of a Document (ParseBorrowing()) view
// its text and live in its arena. Copies are deep and own everything, so a value copied out of a Document stays
// valid after it.
class Value {
 public:
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

  class Members {
   public:
    class iterator {
     public:
      explicit iterator(const Value* p) : p_(p) {}
      Member operator*() const;
      iterator& operator++() {
        p_ += 2;
        return *this;
      }
      friend bool operator==(iterator a, iterator b) { return a.p_ == b.p_; }

     private:
      const Value* p_;
    };
    Members(const Value* kv, size_t n) : kv_(kv), n_(n) {}
    iterator begin() const { return iterator(kv_); }
    iterator end() const { return iterator(kv_ + 2 * n_); }
    size_t size() const { return n_; }
    bool empty() const { return n_ == 0; }
    Member operator[](size_t i) const;

   private:
    const Value* kv_;
    size_t n_;
  };

  Value() : str_(nullptr) {}  // null
  static Value Bool(bool b);
  static Value Number(std::string_view source_text);  // the text must be a JSON number (not checked)
  static Value String(std::string_view s);            // owns a copy of s
  static Value BorrowedString(std::string_view s);    // a view of s: s must outlive the value and its moves
  static Value Array();
  static Value Object();
  ~Value() {
    if ((flags_ & kOwnsText) || (type_ >= Type::kArray && kids_ != nullptr && !(flags_ & kInArena))) Release();
  }
  Value(const Value& o);
  Value(Value&& o) noexcept;
  Value& operator=(const Value& o);
  Value& operator=(Value&& o) noexcept;

  Type type() const { return type_; }
  bool boolean() const { return boolean_; }
  // A string's value or a number's source text; empty for the other types.
  std::string_view text() const {
    return is_string() || is_number() ? std::string_view(str_, size_) : std::string_view();
  }
  // An array's elements; empty for the other types.
  std::span<const Value> items() const {
    return is_array() ? std::span<const Value>(kids_, size_) : std::span<const Value>();
  }
  // An object's members in source order; empty for the other types.
  Members members() const { return is_object() ? Members(kids_, size_ / 2) : Members(nullptr, 0); }
  const Value* Find(std::string_view key) const;

  // Where the value starts in its document (1:1 for built values).
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }
  void set_position(uint32_t line, uint32_t column) {
    line_ = line;
    column_ = column;
  }

  // Building: an element at the end of an array, a member at the end of an object (the key is copied; the caller
  // keeps keys unique).
  void Append(Value item);
  void Add(std::string_view key, Value value);
  // Room for n elements (members of an object) before appending them.
  void ReserveItems(size_t n);

  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_bool() const { return type_ == Type::kBool; }

 private:
  friend class ValueBuilder;  // json.cc: the parser fills values in place
  // kInArena: kids_ (or str_) is in a Document's arena, and so is every value under it: nothing to free.
  enum Flags : uint8_t { kOwnsText = 1, kGrown = 2, kInArena = 4 };

  static Value* Allocate(size_t n);              // raw room for exactly n values
  static Value* AllocateGrown(size_t capacity);  // the same, its capacity recorded (kGrown)
  void Free();                                   // frees the kids_ block (not in an arena)
  size_t capacity() const;                       // values the kids_ block has room for
  void Reserve(size_t n);            // room for n values in kids_
  void Release();           // frees what the value owns; leaves it null

  union {
    const char* str_;  // string or number text (owned when kOwnsText)
    Value* kids_;      // array elements, or object keys and values alternating
  };
  uint32_t size_ = 0;  // bytes of text, or values in kids_
  uint32_t line_ = 1, column_ = 1;
  Type type_ = Type::kNull;
  bool boolean_ = false;
  // kids_ is owned (unless kInArena): exactly size_ values, or (kGrown) a block that records its capacity.
  uint8_t flags_ = 0;
};

inline Member Value::Members::iterator::operator*() const { return Member{p_[0].text(), p_[1]}; }
inline Member Value::Members::operator[](size_t i) const { return Member{kv_[2 * i].text(), kv_[2 * i + 1]}; }

const char* TypeName(Value::Type t);

// A document's text (JSON or YAML) must be strict UTF-8 without NUL bytes: InvalidArgument "line:column: ..." at
// the first bad byte.
absl::Status CheckDocumentText(std::string_view text);

// Parses one JSON document, which must be strict UTF-8 without NUL bytes. Errors: InvalidArgument
// "line:column: message".
absl::StatusOr<Value> Parse(std::string_view text);
// A parsed document for reading once (a policy file): its values view the text where they have no escape and live
// in one arena, so parsing allocates a few large blocks and freeing it walks nothing. The text must outlive it.
class Document {
 public:
  const Value& root() const { return root_; }

 private:
  friend class ValueBuilder;
  std::unique_ptr<Arena> arena_;
  Value root_;  // after arena_: destroyed first
};

// Parses `text` into a Document, with Parse()'s rules and errors.
absl::StatusOr<Document> ParseBorrowing(std::string_view text);

// Appends `s` as a JSON string literal (with quotes).
void AppendString(std::string_view s, std::string* out);

// Appends `v` as JSON text (members in their order, numbers as written): equal values, equal text.
void AppendValue(const Value& v, std::string* out);

}  // namespace rlsq::json
