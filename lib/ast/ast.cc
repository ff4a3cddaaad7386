#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/ast/ast_util.h"
#include "lib/json/json.h"

namespace rlsq::ast {

const char* ToString(NodeKind kind) {
  switch (kind) {
#define RLSQ_X(kind, type) \
  case NodeKind::k##kind:  \
    return #kind;
    RLSQ_AST_NODES(RLSQ_X)
#undef RLSQ_X
  }
  return "?";
}

void BadCast(NodeKind have, NodeKind want) {
  std::fprintf(stderr, "rlsq internal error: AST node is %s, expected %s\n", ToString(have), ToString(want));
  std::abort();
}

#define RLSQ_ENUM_NAMES(Enum, ...)                                   \
  const char* ToString(Enum v) {                                     \
    static constexpr const char* kNames[] = {__VA_ARGS__};           \
    auto i = static_cast<size_t>(v);                                 \
    return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "?"; \
  }
RLSQ_ENUM_NAMES(LimitSyntax, "none", "limit", "limit_all", "fetch_first", "fetch_first_with_ties")
RLSQ_ENUM_NAMES(DistinctKind, "none", "all", "distinct", "distinct_on")
RLSQ_ENUM_NAMES(SetOpKind, "union", "intersect", "except")
RLSQ_ENUM_NAMES(JoinKind, "inner", "left", "right", "full", "cross")
RLSQ_ENUM_NAMES(Materialized, "default", "materialized", "not_materialized")
RLSQ_ENUM_NAMES(SortDir, "default", "asc", "desc", "using")
RLSQ_ENUM_NAMES(NullsOrder, "default", "first", "last")
RLSQ_ENUM_NAMES(FrameMode, "none", "rows", "range", "groups")
RLSQ_ENUM_NAMES(FrameBoundKind, "none", "unbounded_preceding", "preceding", "current_row", "following",
                "unbounded_following")
RLSQ_ENUM_NAMES(FrameExclusion, "none", "current_row", "group", "ties", "no_others")
RLSQ_ENUM_NAMES(LiteralKind, "integer", "numeric", "string", "bit_string", "hex_string", "boolean", "null")
RLSQ_ENUM_NAMES(SubqueryKind, "scalar", "exists", "array", "in", "any", "all", "some")
RLSQ_ENUM_NAMES(IsTestKind, "null", "true", "false", "unknown", "distinct_from", "isnull", "notnull", "is")
RLSQ_ENUM_NAMES(LikeKind, "like", "ilike", "similar_to")
RLSQ_ENUM_NAMES(Quantifier, "any", "some", "all")
RLSQ_ENUM_NAMES(GroupingSetKind, "empty", "rollup", "cube", "grouping_sets")
#undef RLSQ_ENUM_NAMES

namespace {

// ---- field equality -------------------------------------------------------------------------------------------
// Identifiers are equal when their normalized text is: `"orders"` and `orders` name the same thing.
bool FieldEq(const Ident& a, const Ident& b) { return a.text == b.text; }
bool FieldEq(std::string_view a, std::string_view b) { return a == b; }
template <class T>
  requires std::is_arithmetic_v<T> || std::is_enum_v<T>
bool FieldEq(T a, T b) {
  return a == b;
}
template <class T>
  requires std::is_base_of_v<Node, T>
bool FieldEq(T* a, T* b) {
  return Equals(a, b);
}
template <class T>
bool FieldEq(const List<T>& a, const List<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!FieldEq(a[i], b[i])) return false;
  return true;
}

// ---- children -------------------------------------------------------------------------------------------------
template <class T>
void ChildrenOf(T&, absl::FunctionRef<void(Node&)>) {}
template <class T>
  requires std::is_base_of_v<Node, T>
void ChildrenOf(T* p, absl::FunctionRef<void(Node&)> f) {
  if (p) f(*p);
}
template <class T>
void ChildrenOf(List<T>& list, absl::FunctionRef<void(Node&)> f) {
  if constexpr (std::is_pointer_v<T>)
    for (auto* p : list)
      if (p) f(*p);
}

// ---- json -----------------------------------------------------------------------------------------------------
void JsonString(std::string& out, std::string_view s) { json::AppendString(s, &out); }
void Json(std::string& out, const Node* n);
void JsonField(std::string& out, const Ident& id) {
  absl::StrAppend(&out, "{\"text\":");
  JsonString(out, id.text);
  absl::StrAppend(&out, ",\"quoted\":", id.quoted ? "true" : "false", ",\"span\":[", id.span.begin, ",",
                  id.span.end, "]}");
}
void JsonField(std::string& out, std::string_view s) { JsonString(out, s); }
void JsonField(std::string& out, bool b) { out += b ? "true" : "false"; }
template <class T>
  requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
void JsonField(std::string& out, T v) {
  absl::StrAppend(&out, v);
}
template <class T>
  requires std::is_enum_v<T>
void JsonField(std::string& out, T v) {
  JsonString(out, ToString(v));
}
template <class T>
  requires std::is_base_of_v<Node, T>
void JsonField(std::string& out, T* p) {
  Json(out, p);
}
template <class T>
void JsonField(std::string& out, const List<T>& list) {
  out += '[';
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    JsonField(out, list[i]);
  }
  out += ']';
}

void Json(std::string& out, const Node* n) {
  if (!n) {
    out += "null";
    return;
  }
  VisitNode(*n, [&](auto& node) {
    absl::StrAppend(&out, "{\"kind\":\"", ToString(node.kind), "\",\"span\":[", node.span.begin, ",",
                    node.span.end, "]");
    auto fields = node.Fields();
    size_t i = 0;
    std::apply(
        [&](auto&... field) {
          ((out += ",\"", out += node.kFieldNames[i++], out += "\":", JsonField(out, field)), ...);
        },
        fields);
    out += '}';
  });
}

}  // namespace

bool Equals(const Node* a, const Node* b) {
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind) return false;
  return VisitNode(*a, [&](auto& x) {
    using T = std::remove_reference_t<decltype(x)>;
    auto& y = const_cast<T&>(static_cast<const T&>(*b));
    auto fa = x.Fields();
    auto fb = y.Fields();
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return (FieldEq(std::get<I>(fa), std::get<I>(fb)) && ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(fa)>>{});
  });
}

void EnumerateChildren(Node& node, absl::FunctionRef<void(Node&)> f) {
  VisitNode(node, [&](auto& n) {
    auto fields = n.Fields();
    std::apply([&](auto&... field) { (ChildrenOf(field, f), ...); }, fields);
  });
}

std::string ToJson(const Node* node) {
  std::string out;
  Json(out, node);
  return out;
}

std::string JoinName(const List<Ident>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    out += parts[i].text;
  }
  return out;
}

}  // namespace rlsq::ast
