#include "rewriter/engine.h"

#include "lib/common/str_cat.h"
#include "lib/common/status.h"
#include "lib/json/json.h"
#include "lib/parser/parser.h"

namespace rlsq {

absl::StatusOr<std::unique_ptr<Engine>> Engine::FromPolicyJson(std::string_view json, const Dialect& dialect) {
  RLSQ_ASSIGN_OR_RETURN(auto policy, policy::Policy::FromJson(json, dialect));
  return std::make_unique<Engine>(std::move(policy));
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::FromPolicyFile(const std::string& path, const Dialect& dialect) {
  RLSQ_ASSIGN_OR_RETURN(auto policy, policy::Policy::FromFile(path, dialect));
  return std::make_unique<Engine>(std::move(policy));
}

Engine::Engine(std::shared_ptr<const policy::Policy> policy, size_t plan_cache_capacity)
    : policy_(std::move(policy)), cache_(plan_cache_capacity) {}

absl::StatusOr<std::shared_ptr<const rewriter::Plan>> Engine::PlanFor(std::string_view sql, const Dialect& dialect,
                                                                       bool use_cache) const {
  // One cache per engine holds plans of the policy's dialect; other dialects are planned afresh.
  bool cacheable = use_cache && &dialect == &policy_->dialect();
  if (cacheable)
    if (auto plan = cache_.Find(sql)) return plan;
  RLSQ_ASSIGN_OR_RETURN(auto plan, rewriter::BuildPlan(sql, dialect, policy_->default_schema()));
  if (cacheable) cache_.Insert(sql, plan);
  return plan;
}

absl::StatusOr<Rewrite> Engine::rewrite(std::string_view sql, const Caller& caller,
                                        const RewriteOptions& options) const {
  const Dialect& dialect = options.dialect ? *options.dialect : policy_->dialect();
  int user = policy_->UserIndex(caller.username);
  if (user < 0) return absl::NotFoundError(Cat("unknown user \"", caller.username, "\""));
  RLSQ_ASSIGN_OR_RETURN(auto plan, PlanFor(sql, dialect, options.use_plan_cache));

  absl::InlinedVector<const policy::Predicate*, 16> applied(plan->reads.size());
  for (size_t i = 0; i < plan->reads.size(); ++i) applied[i] = policy_->PredicateFor(user, plan->reads[i].key);
  Rewrite out;
  RLSQ_ASSIGN_OR_RETURN(out.sql, rewriter::ApplyPlan(*plan, sql, applied, &out.changed));

  if (options.verify && out.changed) {
    ParseOptions po;
    po.dialect = &dialect;
    auto reparsed = ParseQuery(out.sql, po);
    if (!reparsed.ok())
      return absl::InternalError(
          Cat("rlsq internal error: the rewritten query does not parse: ", ToStd(reparsed.status().message())));
  }
  if (options.explain) {
    for (size_t i = 0; i < plan->reads.size(); ++i) {
      const rewriter::PlanRead& read = plan->reads[i];
      const rewriter::PlanTarget& target = plan->targets[read.target];
      TableReadReport r;
      r.span = read.span;
      r.table = read.table;
      r.table_sql = read.table_sql;
      r.alias = read.alias;
      r.placement = target.placement;
      r.query_block = read.query_block;
      r.target_span = target.anchor;
      if (applied[i])
        for (const auto& term : applied[i]->terms)
          for (const auto* f : term.filters) r.filters.push_back({f->name, f->group_key});
      out.reads.push_back(std::move(r));
    }
  }
  return out;
}

std::string Rewrite::ExplainJson() const {
  std::string out = "{\"changed\":";
  out += changed ? "true" : "false";
  out += ",\"sql\":";
  json::AppendString(sql, &out);
  out += ",\"tables\":[";
  for (size_t i = 0; i < reads.size(); ++i) {
    const TableReadReport& r = reads[i];
    if (i) out += ',';
    Append(&out, "{\"span\":[", r.span.begin, ",", r.span.end, "],\"table\":");
    json::AppendString(r.table_sql, &out);
    out += ",\"schema\":";
    json::AppendString(r.table.schema, &out);
    out += ",\"name\":";
    json::AppendString(r.table.name, &out);
    out += ",\"alias\":";
    if (r.alias.empty()) out += "null";
    else json::AppendString(r.alias, &out);
    out += ",\"filters\":[";
    for (size_t f = 0; f < r.filters.size(); ++f) {
      if (f) out += ',';
      out += "{\"name\":";
      json::AppendString(r.filters[f].name, &out);
      out += ",\"group_key\":";
      if (r.filters[f].group_key.empty()) out += "null";
      else json::AppendString(r.filters[f].group_key, &out);
      out += '}';
    }
    out += "],\"placement\":{\"kind\":";
    json::AppendString(rewriter::ToString(r.placement), &out);
    if (r.placement == rewriter::Placement::kWhere) Append(&out, ",\"query_block\":", r.query_block);
    if (r.placement == rewriter::Placement::kWhere && r.target_span.empty()) {
      Append(&out, ",\"insert_at\":", r.target_span.begin);  // the SELECT had no WHERE: one is inserted here
    } else {
      const char* span_name = r.placement == rewriter::Placement::kWhere    ? "condition_span"
                              : r.placement == rewriter::Placement::kJoinOn ? "join_condition_span"
                                                                            : "replaced_span";
      Append(&out, ",\"", span_name, "\":[", r.target_span.begin, ",", r.target_span.end, "]");
    }
    Append(&out, ",\"applied\":", r.filters.empty() ? "false" : "true", "}}");
  }
  out += "]}";
  return out;
}

}  // namespace rlsq
