// Generic operations on AST nodes, derived from each node's single Fields() list:
// Equals (structure, ignoring spans), EnumerateChildren (the one place that lists a node's children),
// ToJson (the AST dump with byte spans), and New<T> (arena construction).
#pragma once

#include <functional>
#include <string>

#include "absl/functional/function_ref.h"
#include "lib/ast/ast.h"
#include "lib/common/arena.h"

namespace rlsq::ast {

template <class T>
T* New(Arena& arena) {
  return arena.New<T>(arena.resource());
}

// Structural equality: same kinds, same fields, same children, recursively. Spans are ignored.
bool Equals(const Node* a, const Node* b);

// Calls f on each direct child node, in source order. Null children are skipped. f is only borrowed for the call
// (absl::FunctionRef: a capturing lambda costs no allocation, as it did in a std::function on every tree walk).
void EnumerateChildren(Node& node, absl::FunctionRef<void(Node&)> f);

// The AST as JSON: {"kind": ..., "span": [begin, end], fields...}.
std::string ToJson(const Node* node);

// Text of an identifier list joined by dots, without quoting ("public.orders").
std::string JoinName(const List<Ident>& parts);

}  // namespace rlsq::ast
