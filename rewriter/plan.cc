#include "rewriter/plan.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "lib/common/str_cat.h"
#include "lib/common/status.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"

namespace rlsq::rewriter {

namespace {

std::string QuotedName(const ast::List<ast::Ident>& parts, const Dialect& d) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    d.AppendIdentifier(parts[i].text, &out);
  }
  return out;
}

std::string QuotedIdent(std::string_view ident, const Dialect& d) {
  std::string out;
  d.AppendIdentifier(ident, &out);
  return out;
}

// `AS alias (c1, c2)`, or `AS <bare table name>` when the reference had no alias.
std::string AliasText(const ast::BaseTableRef& ref, const Dialect& d) {
  std::string out = " AS ";
  if (!ref.alias) {
    d.AppendIdentifier(ref.name.back().text, &out);
    return out;
  }
  d.AppendIdentifier(ref.alias->name.text, &out);
  if (!ref.alias->columns.empty()) {
    out += " (";
    for (size_t i = 0; i < ref.alias->columns.size(); ++i) {
      if (i) out += ", ";
      d.AppendIdentifier(ref.alias->columns[i].text, &out);
    }
    out += ')';
  }
  return out;
}

std::string FromText(const ast::BaseTableRef& ref, const Dialect& d) {
  std::string out = "SELECT * FROM ";
  if (ref.only) out += "ONLY ";
  out += QuotedName(ref.name, d);
  if (ref.star) out += " *";
  // The sample is taken of the table, then filtered: as PostgreSQL applies a policy to a sample scan.
  PrintOptions options;
  options.dialect = &d;
  PrintTableSample(ref, options, &out);
  out += " WHERE ";
  return out;
}

// Every offset of a plan with the side of its token it stands on, for the shape level of the plan cache: an offset
// where two tokens touch (`WHERE(x`) is one offset in this text and two in another (`WHERE ( x`), and the side says
// which is meant. `f(offset, end)` gets each offset (a reference, const or not as the plan is).
template <class Edit, class F>
void ForEachEditOffset(Edit& e, F&& f) {
  switch (e.kind) {
    case PlanEdit::kOpenParen:  // an insertion before a condition (begin == end)
      f(e.begin, false);
      f(e.end, false);
      break;
    case PlanEdit::kCloseAnd:     // an insertion after a condition
    case PlanEdit::kInsertWhere:  // an insertion after a FROM list
      f(e.begin, true);
      f(e.end, true);
      break;
    case PlanEdit::kReplace:  // a table reference, or TABLE t
      f(e.begin, false);
      f(e.end, true);
      break;
    case PlanEdit::kDropQualifier:  // from the schema's first token to the table name's
      f(e.begin, false);
      f(e.end, false);
      break;
  }
}

// A span [b, e) stands from a token's begin to a token's end; an empty span (where a WHERE is inserted after the
// FROM list) at a token's end.
template <class S, class F>
void ForEachSpanOffset(S& span, F&& f) {
  const bool empty = span.begin == span.end;
  f(span.begin, empty);
  f(span.end, true);
}

// The edits, the reads' spans and refusal locations, and the targets' anchors.
template <class P, class F>
void ForEachPlanOffset(P& plan, F&& f) {
  for (auto& e : plan.edits) ForEachEditOffset(e, f);
  for (auto& r : plan.reads) {
    ForEachSpanOffset(r.span, f);
    if (!r.wrap_refusal.empty()) f(r.wrap_refusal_at, false);
  }
  for (auto& t : plan.targets) ForEachSpanOffset(t.anchor, f);
}

// Moves offsets of a plan built on the text of `shape` to the same token boundaries of a text whose tokens are
// `tokens` (of the same shape); `ok` turns false at an offset that is no boundary.
struct OffsetMover {
  const QueryShape& shape;
  std::span<const Token> tokens;
  bool ok = true;
  OffsetMover(const QueryShape& s, std::span<const Token> t) : shape(s), tokens(t) {}
  void operator()(uint32_t& offset, bool end) {
    uint32_t out = 0;
    ok = shape.MapOffset(offset, end, tokens, &out) && ok;
    offset = out;
  }
};

// Every edit the plan may make, sorted by position. At one offset: closings first (inner before outer; an ON before
// the WHERE inserted right after its FROM list), then replacements, then openings (outer before inner).
void LayOutEdits(Plan& plan, const Analysis& analysis, std::string_view sql);

// `schema.table.column` (or `catalog.schema.table.column`, `schema.table.*`) names the unaliased read `ref`.
bool QualifiesWith(const ast::ColumnRef& c, const ast::BaseTableRef& ref) {
  size_t q = c.star ? c.parts.size() : c.parts.size() - 1;  // the qualifier's parts
  const auto& n = ref.name;
  if (q < 2 || n.size() < 2) return false;
  if (c.parts[q - 1].text != n[n.size() - 1].text || c.parts[q - 2].text != n[n.size() - 2].text) return false;
  return q < 3 || n.size() < 3 || c.parts[q - 3].text == n[n.size() - 3].text;
}

// A wrapped table is visible under its bare name only: the schema of the column references that name it with its
// schema is dropped (exact when no other relation of the query is visible under that bare name), or, when another
// is, wrapping it is refused.
void PlanSchemaQualifiedColumns(Plan& plan, const Analysis& analysis, std::string_view sql) {
  absl::flat_hash_map<const ast::ColumnRef*, int> group_of;
  for (size_t r = 0; r < analysis.reads.size(); ++r) {
    const ast::BaseTableRef& ref = *analysis.reads[r].ref;
    if (ref.alias || ref.name.size() < 2) continue;
    std::vector<const ast::ColumnRef*> columns;
    for (const ast::ColumnRef* c : analysis.schema_qualified_columns)
      if (QualifiesWith(*c, ref)) columns.push_back(c);
    if (columns.empty()) continue;
    // Other FROM items visible under the same bare name: every unaliased read of this same table is one of them.
    size_t same = 0, named = 0;
    for (std::string_view name : analysis.relation_names) named += name == ref.name.back().text;
    for (const TableRead& other : analysis.reads)
      same += !other.ref->alias && other.ref->name.size() >= 2 && other.table == analysis.reads[r].table;
    if (named > same) {
      plan.reads[r].wrap_refusal_at = columns[0]->span.begin;
      plan.reads[r].wrap_refusal =
          Cat("the column reference names table ", plan.reads[r].table_sql,
              " with its schema and another relation of the query is also called \"", ref.name.back().text,
              "\": rlsq cannot wrap the table in a filtered subquery exactly; give the table an alias");
      continue;
    }
    for (const ast::ColumnRef* c : columns) {
      auto [it, inserted] = group_of.emplace(c, static_cast<int>(plan.drop_groups.size()));
      if (inserted) plan.drop_groups.emplace_back();
      plan.drop_groups[it->second].push_back(plan.reads[r].wrap_target);
    }
  }
  for (const auto& [c, group] : group_of) {
    size_t q = c->star ? c->parts.size() : c->parts.size() - 1;
    plan.edits.push_back({c->parts[0].span.begin, c->parts[q - 1].span.begin, PlanEdit::kDropQualifier, group});
  }
}

void LayOutEdits(Plan& plan, const Analysis& analysis, std::string_view sql) {
  plan.target_reads.assign(plan.targets.size(), {});
  for (size_t r = 0; r < plan.reads.size(); ++r) {
    plan.target_reads[plan.reads[r].target].push_back(static_cast<int>(r));
    if (plan.reads[r].wrap_target != plan.reads[r].target)
      plan.target_reads[plan.reads[r].wrap_target].push_back(static_cast<int>(r));
  }
  struct Ranked {
    PlanEdit edit;
    int rank;
  };
  std::vector<Ranked> ranked;
  for (size_t t = 0; t < plan.targets.size(); ++t) {
    const PlanTarget& target = plan.targets[t];
    const ast::Span a = target.anchor;
    int id = static_cast<int>(t);
    switch (target.placement) {
      case Placement::kWhere:
      case Placement::kJoinOn:
        if (target.has_condition) {
          ranked.push_back({{a.begin, a.begin, PlanEdit::kOpenParen, id}, 3000 + target.depth});
          ranked.push_back({{a.end, a.end, PlanEdit::kCloseAnd, id}, 1000 - 2 * target.depth});
        } else {
          ranked.push_back({{a.end, a.end, PlanEdit::kInsertWhere, id}, 1000 - 2 * target.depth + 1});
        }
        break;
      case Placement::kWrap:
      case Placement::kTableStatement:
        ranked.push_back({{a.begin, a.end, PlanEdit::kReplace, id}, 2000});
        break;
    }
  }
  plan.edits.clear();
  PlanSchemaQualifiedColumns(plan, analysis, sql);
  for (const PlanEdit& e : plan.edits) ranked.push_back({e, 4000});  // after an opening at the same offset
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) {
    return x.edit.begin != y.edit.begin ? x.edit.begin < y.edit.begin : x.rank < y.rank;
  });
  plan.edits.clear();
  for (const Ranked& r : ranked) plan.edits.push_back(r.edit);
}

}  // namespace

std::string DescribeTarget(const PlanTarget& t) {
  switch (t.placement) {
    case Placement::kWhere: return Cat("WHERE of query block ", t.query_block);
    case Placement::kJoinOn: return Cat("ON of the join at bytes ", t.anchor.begin, "-", t.anchor.end);
    case Placement::kWrap: return "table reference wrapped in a filtered subquery";
    case Placement::kTableStatement: return "TABLE statement rewritten as a filtered SELECT";
  }
  return "?";
}

absl::StatusOr<std::shared_ptr<Plan>> BuildPlan(std::string_view sql, const NameResolver& resolver,
                                                const ParseOptions& limits) {
  const Dialect& dialect = resolver.dialect();
  ParseOptions options = limits;
  options.dialect = &dialect;
  options.shape = true;
  RLSQ_ASSIGN_OR_RETURN(auto parsed, ParseQuery(sql, options));
  RLSQ_ASSIGN_OR_RETURN(Analysis analysis, AnalyzeScopes(parsed->sql, *parsed->query, resolver));

  auto plan = std::make_shared<Plan>();
  plan->dialect = std::string(dialect.name());
  plan->sql_size = sql.size();
  plan->sql.assign(sql);
  absl::flat_hash_map<const void*, int> target_of;  // SELECT or JOIN node -> target index
  auto add_target = [&](PlanTarget t) {
    plan->targets.push_back(std::move(t));
    return static_cast<int>(plan->targets.size()) - 1;
  };
  // The reference replaced by a filtered subquery: (SELECT * FROM t WHERE p) AS alias, fenced with the dialect's
  // FenceClause (PostgreSQL: OFFSET 0).
  auto wrap = [&](const TableRead& r) {
    PlanTarget t;
    t.placement = Placement::kWrap;
    t.depth = r.depth;
    t.query_block = r.query_block;
    t.anchor = r.ref->span;
    t.prefix = t.fenced_prefix = "(" + FromText(*r.ref, dialect);
    std::string alias = AliasText(*r.ref, dialect);
    t.suffix = ")" + alias;
    t.fenced_suffix = Cat(dialect.FenceClause(), ")", alias);
    return t;
  };

  for (const TableRead& r : analysis.reads) {
    PlanRead pr;
    pr.table = r.table;
    pr.system = r.system;
    pr.key = r.table.Key();
    pr.table_sql = r.table.ToSql(dialect);
    pr.span = r.ref->span;
    pr.alias = r.ref->alias ? std::string(r.ref->alias->name.text) : std::string();
    pr.query_block = r.query_block;
    const void* shared_key = r.placement == Placement::kWhere    ? static_cast<const void*>(r.select)
                             : r.placement == Placement::kJoinOn ? static_cast<const void*>(r.join)
                                                                 : nullptr;
    if (shared_key) {
      auto it = target_of.find(shared_key);
      if (it != target_of.end()) pr.target = it->second;
    }
    if (pr.target < 0) {
      PlanTarget t;
      t.placement = r.placement;
      t.depth = r.depth;
      t.query_block = r.query_block;
      switch (r.placement) {
        case Placement::kWhere:
          if (r.select->where) {
            t.anchor = r.select->where->span;
            t.has_condition = true;
          } else {
            t.anchor = {r.select->from_span.end, r.select->from_span.end};
          }
          break;
        case Placement::kJoinOn:
          t.anchor = r.join->on->span;
          t.has_condition = true;
          break;
        case Placement::kWrap:
          t = wrap(r);
          break;
        case Placement::kTableStatement: {
          // TABLE t -> SELECT * FROM t WHERE p; fenced: SELECT * FROM (SELECT * FROM t WHERE p OFFSET 0) AS t.
          t.anchor = {r.table_query->keyword.begin, r.ref->span.end};
          t.prefix = FromText(*r.ref, dialect);
          t.fenced_prefix = "SELECT * FROM (" + t.prefix;
          t.fenced_suffix = Cat(dialect.FenceClause(), ")", AliasText(*r.ref, dialect));
          break;
        }
      }
      pr.target = add_target(std::move(t));
      if (shared_key) target_of[shared_key] = pr.target;
    }
    // Columns are qualified with the name the table is visible under at the injection point.
    bool inside_wrapper = r.placement == Placement::kWrap || r.placement == Placement::kTableStatement;
    pr.qualifier = QuotedIdent(!inside_wrapper && r.ref->alias ? r.ref->alias->name.text : r.ref->name.back().text,
                               dialect);
    if (inside_wrapper) {
      pr.wrap_target = pr.target;
      pr.wrap_qualifier = pr.qualifier;
    } else {
      pr.wrap_target = add_target(wrap(r));
      pr.wrap_qualifier = QuotedIdent(r.ref->name.back().text, dialect);
    }
    plan->reads.push_back(std::move(pr));
  }
  LayOutEdits(*plan, analysis, parsed->sql);
  // Shared by every text of its shape when each offset is a token boundary on its side.
  bool boundaries = true;
  ForEachPlanOffset(std::as_const(*plan), [&](uint32_t offset, bool end) {
    boundaries = boundaries && parsed->shape.IsBoundary(offset, end);
  });
  if (boundaries) plan->shape = std::make_shared<const QueryShape>(std::move(parsed->shape));
  return plan;
}

bool MoveEdits(const Plan& plan, std::span<const Token> tokens, size_t sql_size, MovedEdits* out) {
  if (!plan.shape || tokens.size() != plan.shape->begins.size()) return false;
  OffsetMover move(*plan.shape, tokens);
  out->sql_size = sql_size;
  out->edits.assign(plan.edits.begin(), plan.edits.end());
  for (PlanEdit& e : out->edits) ForEachEditOffset(e, move);
  out->refusal_at.assign(plan.reads.size(), 0);
  for (size_t r = 0; r < plan.reads.size(); ++r) {
    out->refusal_at[r] = plan.reads[r].wrap_refusal_at;
    if (!plan.reads[r].wrap_refusal.empty()) move(out->refusal_at[r], false);
  }
  return move.ok;
}

std::shared_ptr<Plan> RebasePlan(const Plan& plan, std::string_view sql, std::span<const Token> tokens) {
  if (!plan.shape || tokens.size() != plan.shape->begins.size()) return nullptr;
  auto out = std::make_shared<Plan>(plan);
  OffsetMover move(*plan.shape, tokens);
  ForEachPlanOffset(*out, move);
  if (!move.ok) return nullptr;
  out->shape = nullptr;
  out->sql.assign(sql);
  out->sql_size = sql.size();
  return out;
}

int TargetOf(const Plan& plan, size_t read, const policy::Predicate* predicate, policy::PlacementMode mode) {
  if (!predicate || predicate->empty()) return -1;
  const PlanRead& r = plan.reads[read];
  // A clause with subqueries is always wrapped: its subqueries then see only the filtered table, never the
  // query's other tables or columns.
  if (mode == policy::PlacementMode::kFenced || predicate->has_nested()) return r.wrap_target;
  return r.target;
}

absl::StatusOr<std::string> ApplyPlan(const Plan& plan, std::string_view sql,
                                      std::span<const policy::Predicate* const> predicates, bool* changed,
                                      policy::PlacementMode mode, const policy::RenderContext& ctx,
                                      const MovedEdits* moved) {
  if (sql.size() != (moved ? moved->sql_size : plan.sql_size) || predicates.size() != plan.reads.size() ||
      (moved && (moved->edits.size() != plan.edits.size() || moved->refusal_at.size() != plan.reads.size())))
    return absl::InternalError("rlsq internal error: plan applied to a different text");
  std::span<const PlanEdit> edits = moved ? std::span<const PlanEdit>(moved->edits) : std::span<const PlanEdit>(plan.edits);
  const bool fenced = mode == policy::PlacementMode::kFenced;
  // Where each read's predicate goes, which targets receive anything, and the size of what they receive (to
  // allocate the output once).
  absl::InlinedVector<int, 16> chosen(plan.reads.size(), -1);
  absl::InlinedVector<bool, 32> active(plan.targets.size(), false);
  size_t extra = 0;
  for (size_t r = 0; r < plan.reads.size(); ++r) {
    chosen[r] = TargetOf(plan, r, predicates[r], mode);
    if (chosen[r] < 0) continue;
    if (chosen[r] == plan.reads[r].wrap_target && !plan.reads[r].wrap_refusal.empty())
      return SqlErrorAt(LocationAt(sql, moved ? moved->refusal_at[r] : plan.reads[r].wrap_refusal_at),
                        plan.reads[r].wrap_refusal);
    const PlanTarget& t = plan.targets[chosen[r]];
    if (!active[chosen[r]]) extra += t.fenced_prefix.size() + t.fenced_suffix.size() + t.prefix.size() + 16;
    active[chosen[r]] = true;
    extra += 64 * predicates[r]->terms.size() + 16;
  }
  std::string out;
  out.reserve(sql.size() + extra);
  // The target's predicate: the predicates of the reads that chose it, ANDed, each qualified with the read's name.
  absl::Status rendered;  // the first Render error (a templated filter without its values): nothing is returned
  auto emit_predicate = [&](int t) {
    bool first = true;
    auto emit = [&](size_t r) {
      if (chosen[r] != t) return;
      if (!first) out += " AND ";
      first = false;
      const PlanRead& read = plan.reads[r];
      absl::Status s = predicates[r]->Render(read.target == t ? read.qualifier : read.wrap_qualifier, &out, ctx);
      if (rendered.ok()) rendered = s;
    };
    for (int r : plan.target_reads[t]) emit(r);
  };
  uint32_t cursor = 0;
  *changed = false;
  auto is_active = [&](const PlanEdit& e) {
    if (e.kind != PlanEdit::kDropQualifier) return bool(active[e.target]);
    for (int t : plan.drop_groups[e.target])
      if (active[t]) return true;
    return false;
  };
  for (const PlanEdit& e : edits) {
    if (!is_active(e)) continue;
    if (e.begin < cursor || e.end < e.begin || e.end > sql.size())
      return absl::InternalError("rlsq internal error: overlapping edits in an injection plan");
    out.append(sql.substr(cursor, e.begin - cursor));
    switch (e.kind) {
      case PlanEdit::kOpenParen:
        out += '(';
        break;
      case PlanEdit::kCloseAnd:
        out += ") AND ";
        emit_predicate(e.target);
        break;
      case PlanEdit::kInsertWhere:
        out += " WHERE ";
        emit_predicate(e.target);
        break;
      case PlanEdit::kReplace: {
        const PlanTarget& target = plan.targets[e.target];
        out += fenced ? target.fenced_prefix : target.prefix;
        emit_predicate(e.target);
        out += fenced ? target.fenced_suffix : target.suffix;
        break;
      }
      case PlanEdit::kDropQualifier:
        break;
    }
    cursor = e.end;
    *changed = true;
  }
  out.append(sql.substr(cursor));
  RLSQ_RETURN_IF_ERROR(rendered);
  return out;
}

}  // namespace rlsq::rewriter
