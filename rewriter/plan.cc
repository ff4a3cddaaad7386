#include "rewriter/plan.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "lib/common/str_cat.h"
#include "lib/common/status.h"
#include "lib/parser/parser.h"

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
  out += " WHERE ";
  return out;
}

// The TABLE keyword that starts a TABLE t query: the first word at or after `from` (skipping '(' and spaces).
absl::StatusOr<uint32_t> FindTableKeyword(std::string_view sql, uint32_t from, uint32_t limit) {
  uint32_t i = from;
  while (i < limit && (sql[i] == '(' || absl::ascii_isspace(static_cast<unsigned char>(sql[i])))) ++i;
  if (i + 5 <= limit && absl::EqualsIgnoreCase(ToAbsl(sql.substr(i, 5)), "table")) return i;
  return absl::InternalError("rlsq internal error: cannot locate the TABLE keyword of a TABLE query");
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

absl::StatusOr<std::shared_ptr<const Plan>> BuildPlan(std::string_view sql, const Dialect& dialect,
                                                      std::string_view default_schema) {
  ParseOptions options;
  options.dialect = &dialect;
  RLSQ_ASSIGN_OR_RETURN(auto parsed, ParseQuery(sql, options));
  RLSQ_ASSIGN_OR_RETURN(Analysis analysis, AnalyzeScopes(parsed->sql, *parsed->query, dialect, default_schema));

  auto plan = std::make_shared<Plan>();
  plan->dialect = std::string(dialect.name());
  plan->sql_size = sql.size();
  absl::flat_hash_map<const void*, int> target_of;  // SELECT or JOIN node -> target index

  for (const TableRead& r : analysis.reads) {
    PlanRead pr;
    pr.table = r.table;
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
          t.anchor = r.ref->span;
          t.prefix = "(" + FromText(*r.ref, dialect);
          t.suffix = ")" + AliasText(*r.ref, dialect);
          break;
        case Placement::kTableStatement: {
          RLSQ_ASSIGN_OR_RETURN(uint32_t begin, FindTableKeyword(parsed->sql, r.table_query->span.begin, r.ref->span.begin));
          t.anchor = {begin, r.ref->span.end};
          t.prefix = FromText(*r.ref, dialect);
          break;
        }
      }
      pr.target = static_cast<int>(plan->targets.size());
      plan->targets.push_back(std::move(t));
      if (shared_key) target_of[shared_key] = pr.target;
    }
    // Columns are qualified with the name the table is visible under at the injection point.
    bool inside_wrapper = r.placement == Placement::kWrap || r.placement == Placement::kTableStatement;
    pr.qualifier = QuotedIdent(!inside_wrapper && r.ref->alias ? r.ref->alias->name.text : r.ref->name.back().text,
                               dialect);
    plan->reads.push_back(std::move(pr));
  }
  return std::shared_ptr<const Plan>(std::move(plan));
}

absl::StatusOr<std::string> ApplyPlan(const Plan& plan, std::string_view sql,
                                      const std::vector<std::string>& predicates) {
  if (sql.size() != plan.sql_size || predicates.size() != plan.reads.size())
    return absl::InternalError("rlsq internal error: plan applied to a different text");
  // Collect each target's predicate: the reads' predicates ANDed, in source order.
  std::vector<std::string> combined(plan.targets.size());
  for (size_t i = 0; i < plan.reads.size(); ++i) {
    if (predicates[i].empty()) continue;
    std::string& c = combined[plan.reads[i].target];
    if (!c.empty()) c += " AND ";
    c += predicates[i];
  }
  struct Edit {
    uint32_t begin, end;
    int rank;  // at one offset: closings (inner first; an ON before the WHERE that follows its FROM), replacements,
               // then openings (outer first)
    std::string text;
  };
  std::vector<Edit> edits;
  for (size_t t = 0; t < plan.targets.size(); ++t) {
    if (combined[t].empty()) continue;
    const PlanTarget& target = plan.targets[t];
    const ast::Span a = target.anchor;
    switch (target.placement) {
      case Placement::kWhere:
      case Placement::kJoinOn:
        if (target.has_condition) {
          edits.push_back({a.begin, a.begin, 3000 + target.depth, "("});
          edits.push_back({a.end, a.end, 1000 - 2 * target.depth, ") AND " + combined[t]});
        } else {
          // The FROM list may end with an ON condition that receives a predicate at this same offset.
          edits.push_back({a.end, a.end, 1000 - 2 * target.depth + 1, " WHERE " + combined[t]});
        }
        break;
      case Placement::kWrap:
      case Placement::kTableStatement:
        edits.push_back({a.begin, a.end, 2000, target.prefix + combined[t] + target.suffix});
        break;
    }
  }
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& x, const Edit& y) {
    return x.begin != y.begin ? x.begin < y.begin : x.rank < y.rank;
  });
  std::string out;
  size_t extra = 0;
  for (const Edit& e : edits) extra += e.text.size();
  out.reserve(sql.size() + extra);
  uint32_t cursor = 0;
  for (const Edit& e : edits) {
    if (e.begin < cursor || e.end < e.begin || e.end > sql.size())
      return absl::InternalError("rlsq internal error: overlapping edits in an injection plan");
    out.append(sql.substr(cursor, e.begin - cursor));
    out.append(e.text);
    cursor = e.end;
  }
  out.append(sql.substr(cursor));
  return out;
}

}  // namespace rlsq::rewriter
