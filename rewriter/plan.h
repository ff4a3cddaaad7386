// The injection plan of one query text: every table read, and the edit points where its predicate goes. A plan is
// independent of the caller, so it is cached by SQL text; applying it for a user is a lookup per read plus a splice.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ast/ast.h"
#include "lib/dialect/dialect.h"
#include "lib/access/permission_model.h"
#include "lib/names/table_name.h"
#include "lib/parser/parser.h"
#include "lib/policy/policy.h"
#include "rewriter/scope.h"

namespace rlsq::rewriter {

// One place that receives predicates: the WHERE of a SELECT, the ON of a join, a wrapped table reference, or a
// TABLE t statement.
struct PlanTarget {
  Placement placement = Placement::kWhere;
  ast::Span anchor;  // kWhere: the condition, or an empty span where " WHERE ..." goes; kJoinOn: the ON condition;
                     // kWrap / kTableStatement: the text that is replaced
  bool has_condition = false;  // kWhere / kJoinOn: there is a condition to parenthesise and AND to
  std::string prefix, suffix;  // kWrap / kTableStatement: text around the predicate
  std::string fenced_prefix, fenced_suffix;  // the same under the fenced placement (OFFSET 0 inside the wrapper)
  int depth = 0;
  int query_block = -1;
};

struct PlanRead {
  TableName table;
  std::string key;        // TableName::Key()
  std::string table_sql;  // resolved name as SQL (schema.name)
  ast::Span span;         // the table reference in the original text
  std::string alias;      // alias as written (normalized), empty when none
  std::string qualifier;  // quoted name the predicate's columns are qualified with at `target`
  int target = -1;        // index into Plan::targets: where the plain placement puts the predicate
  // Where the predicate goes when the read must be wrapped (the fenced placement, or a clause with subqueries):
  // a kWrap or kTableStatement target, and the name its columns are qualified with inside the wrapper.
  int wrap_target = -1;
  std::string wrap_qualifier;
  int query_block = -1;
  bool system = false;  // an allowed system relation: no data permission, no filter
  // Non-empty when the read cannot be wrapped exactly: its columns are referenced with its schema
  // (`public.orders.x`, which a wrapper visible as `orders` does not answer to) while another relation of the query
  // is also visible as `orders`. A rewrite that would wrap it is refused with this message, located at
  // wrap_refusal_at (the first such column reference).
  std::string wrap_refusal;
  uint32_t wrap_refusal_at = 0;
};

// One text edit, laid out when the plan is built so that applying it is a single pass: insert or replace
// [begin, end) with the target's opening text, or with its predicate (and the text around it).
struct PlanEdit {
  // kDropQualifier: deletes [begin, end), the schema of a column reference `schema.table.column` whose table is
  // wrapped (active when any target of Plan::drop_groups[target] is).
  enum Kind : uint8_t { kOpenParen, kCloseAnd, kInsertWhere, kReplace, kDropQualifier };
  uint32_t begin = 0, end = 0;
  Kind kind = kOpenParen;
  int target = -1;
};

struct Plan {
  std::string dialect;
  std::vector<PlanRead> reads;
  std::vector<PlanTarget> targets;
  std::vector<std::vector<int>> target_reads;  // reads that may use each target (plain or wrapped), in source order
  std::vector<PlanEdit> edits;                 // every possible edit, sorted by position
  std::vector<std::vector<int>> drop_groups;   // kDropQualifier edits: the wrap targets any of which activates one
  // Bound by the engine to one policy snapshot and database before the plan is cached: per read, the policy's id
  // of the table (-1: no filter names it) and the pair ids that grant read access to it.
  std::vector<int32_t> table_ids;
  std::vector<access::TableAccess> table_access;
  size_t sql_size = 0;
  std::string sql;  // the text the plan was built from: the plan cache's key
  // The shape of `sql` (lib/parser/shape.h), when every offset above is a token boundary that RebasePlan can map:
  // the plan then serves every text of that shape. Null in a rebased plan (its offsets are another text's).
  std::shared_ptr<const QueryShape> shape;
};

// Parses `sql` (one read-only query), analyses its scopes with `resolver` and lays out the edit points.
// The table bindings (Plan::table_ids, table_access) are left empty for the caller to fill.
// `limits` bounds the input (its dialect field is ignored: the resolver's dialect is used).
absl::StatusOr<std::shared_ptr<Plan>> BuildPlan(std::string_view sql, const NameResolver& resolver,
                                                const ParseOptions& limits = {});

// What ApplyPlan needs of a plan moved onto another text of its shape, without copying the plan: the edits and the
// refusal locations at that text's offsets.
struct MovedEdits {
  std::vector<PlanEdit> edits;       // Plan::edits, same order, offsets of the new text
  std::vector<uint32_t> refusal_at;  // per read, PlanRead::wrap_refusal_at in the new text
  size_t sql_size = 0;
};

// Moves the edits of `plan` onto a text of plan.shape whose tokens are `tokens` (ending with kEof) and whose size is
// `sql_size`. False when `plan` has no shape or the tokens do not fit it.
bool MoveEdits(const Plan& plan, std::span<const Token> tokens, size_t sql_size, MovedEdits* out);

// The plan of `sql`, a text of plan.shape whose tokens are `tokens`: a copy of `plan` with every offset (the edits',
// and the spans --explain reports) moved to the same token boundary of `sql`. Null when MoveEdits fails.
std::shared_ptr<Plan> RebasePlan(const Plan& plan, std::string_view sql, std::span<const Token> tokens);

// Applies the plan to `sql` (the text it was built from) with `predicates[i]` for read i (null or empty: nothing to
// inject for that read); text outside the edit points is copied byte for byte. Under `mode` kFenced every filtered
// read is wrapped with OFFSET 0; under kPlain only reads the placement rule wraps, and reads whose predicate has
// clause subqueries. Sets *changed when anything was injected. One pass, one allocation (the output). With `moved`,
// `sql` is another text of the plan's shape and the edits are moved's.
absl::StatusOr<std::string> ApplyPlan(const Plan& plan, std::string_view sql,
                                      std::span<const policy::Predicate* const> predicates, bool* changed,
                                      policy::PlacementMode mode, const policy::RenderContext& ctx = {},
                                      const MovedEdits* moved = nullptr);

// The target read `read` uses under `mode` with `predicate` (null: none).
int TargetOf(const Plan& plan, size_t read, const policy::Predicate* predicate, policy::PlacementMode mode);

// A description of a target for --explain, e.g. "WHERE of query block 2".
std::string DescribeTarget(const PlanTarget& target);

}  // namespace rlsq::rewriter
