#include "rewriter/engine.h"

#include <array>

#include "absl/container/inlined_vector.h"
#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/json/json.h"
#include "lib/parser/parser.h"

namespace rlsq {

// What readers use, published as a whole: the policy and the plan caches bound to it (one per database; plans hold
// the policy's table ids and the access model's pair ids, so they belong to one snapshot).
struct Engine::Snapshot {
  struct DatabaseCache {
    DatabaseCache(std::string db, size_t capacity) : database(std::move(db)), cache(capacity) {}
    std::string database;
    rewriter::PlanCache cache;
  };
  static constexpr size_t kDatabases = 16;

  Snapshot(std::shared_ptr<const policy::Policy> p, size_t capacity) : policy(std::move(p)), cache_capacity(capacity) {}
  ~Snapshot() {
    for (auto& c : caches) delete c.load();
  }

  // The plan cache for `database`, created on first use; null when kDatabases databases already have one.
  rewriter::PlanCache* CacheFor(std::string_view database) const {
    for (auto& c : caches) {
      DatabaseCache* d = c.load(std::memory_order_acquire);
      if (!d) break;
      if (d->database == database) return &d->cache;
    }
    std::lock_guard<std::mutex> lock(mu);
    for (auto& c : caches) {
      DatabaseCache* d = c.load(std::memory_order_acquire);
      if (d && d->database == database) return &d->cache;
      if (!d) {
        d = new DatabaseCache(std::string(database), cache_capacity);
        c.store(d, std::memory_order_release);
        return &d->cache;
      }
    }
    return nullptr;
  }

  std::shared_ptr<const policy::Policy> policy;
  size_t cache_capacity;
  mutable std::array<std::atomic<DatabaseCache*>, kDatabases> caches{};
  mutable std::mutex mu;  // creation of a database's cache only
};

namespace {

// The plan for `sql`, bound to the snapshot's policy and `database`.
absl::StatusOr<std::shared_ptr<const rewriter::Plan>> PlanFor(const Engine::Snapshot& snap, std::string_view sql,
                                                              const Dialect& dialect, std::string_view database,
                                                              bool use_cache) {
  const policy::Policy& policy = *snap.policy;
  rewriter::PlanCache* cache =
      use_cache && &dialect == &policy.dialect() ? snap.CacheFor(database) : nullptr;
  if (cache)
    if (auto plan = cache->Find(sql)) return plan;
  RLSQ_ASSIGN_OR_RETURN(std::shared_ptr<rewriter::Plan> plan,
                        rewriter::BuildPlan(sql, dialect, policy.default_schema()));
  plan->table_ids.reserve(plan->reads.size());
  plan->table_access.reserve(plan->reads.size());
  for (const rewriter::PlanRead& read : plan->reads) {
    plan->table_ids.push_back(policy.TableId(read.key));
    // A table named in another database grants nothing (PostgreSQL cannot read it anyway): fail closed.
    bool other_database = !read.table.catalog.empty() && read.table.catalog != database;
    plan->table_access.push_back(
        other_database ? access::TableAccess{}
                       : policy.permissions().LookupTable(database, read.table.schema, read.table.name));
  }
  std::shared_ptr<const rewriter::Plan> bound = std::move(plan);
  if (cache) cache->Insert(sql, bound);
  return bound;
}

// The caller's role set, or NotFound.
absl::StatusOr<uint32_t> RoleSetOf(const policy::Policy& policy, const Caller& caller) {
  if (caller.anonymous) return policy.public_role_set();
  int user = policy.UserIndex(caller.username);
  if (user < 0) return absl::NotFoundError(Cat("unknown user \"", caller.username, "\""));
  return policy.users()[user].role_set;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::FromPolicyJson(std::string_view json, const Dialect& dialect) {
  RLSQ_ASSIGN_OR_RETURN(auto policy, policy::Policy::FromJson(json, dialect));
  return std::make_unique<Engine>(std::move(policy));
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::FromPolicyFile(const std::string& path, const Dialect& dialect) {
  RLSQ_ASSIGN_OR_RETURN(auto policy, policy::Policy::FromFile(path, dialect));
  return std::make_unique<Engine>(std::move(policy));
}

Engine::Engine(std::shared_ptr<const policy::Policy> policy, size_t plan_cache_capacity)
    : plan_cache_capacity_(plan_cache_capacity),
      snapshots_(std::make_unique<Snapshot>(std::move(policy), plan_cache_capacity)) {}

Engine::~Engine() = default;

void Engine::Reload(std::shared_ptr<const policy::Policy> policy) {
  snapshots_.Publish(std::make_unique<Snapshot>(std::move(policy), plan_cache_capacity_));
}

absl::Status Engine::ReloadFromFile(const std::string& path) {
  const Dialect* dialect;
  {
    rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
    dialect = &snap->policy->dialect();
  }
  RLSQ_ASSIGN_OR_RETURN(auto policy, policy::Policy::FromFile(path, *dialect));
  Reload(std::move(policy));
  return absl::OkStatus();
}

std::shared_ptr<const policy::Policy> Engine::policy() const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  return snap->policy;
}

uint64_t Engine::plan_cache_hits() const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  uint64_t n = 0;
  for (auto& c : snap->caches)
    if (auto* d = c.load()) n += d->cache.hits();
  return n;
}

uint64_t Engine::plan_cache_misses() const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  uint64_t n = 0;
  for (auto& c : snap->caches)
    if (auto* d = c.load()) n += d->cache.misses();
  return n;
}

absl::StatusOr<bool> Engine::can(const Caller& caller, std::string_view permission, std::string_view resource) const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  const policy::Policy& policy = *snap->policy;
  RLSQ_ASSIGN_OR_RETURN(uint32_t role_set, RoleSetOf(policy, caller));
  return policy.permissions().Can(policy.permission_set(role_set), permission, resource);
}

absl::StatusOr<Rewrite> Engine::rewrite(std::string_view sql, const Caller& caller,
                                        const RewriteOptions& options) const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  const policy::Policy& policy = *snap->policy;
  const Dialect& dialect = options.dialect ? *options.dialect : policy.dialect();
  std::string_view database = options.database.empty() ? policy.default_database() : options.database;
  RLSQ_ASSIGN_OR_RETURN(uint32_t role_set, RoleSetOf(policy, caller));
  RLSQ_ASSIGN_OR_RETURN(auto plan, PlanFor(*snap, sql, dialect, database, options.use_plan_cache));

  // Data access first: every table read needs a grant; otherwise nothing is rewritten.
  const access::PermissionSet& perms = policy.permission_set(role_set);
  bool denied = false;
  for (const access::TableAccess& t : plan->table_access) denied = denied || !access::PermissionModel::CanReadTable(perms, t);
  if (denied) {
    std::vector<TableName> missing;
    for (size_t i = 0; i < plan->reads.size(); ++i)
      if (!access::PermissionModel::CanReadTable(perms, plan->table_access[i])) missing.push_back(plan->reads[i].table);
    absl::Status status = policy.permissions().CheckTables(perms, database, missing);
    if (status.ok()) status = absl::PermissionDeniedError("You need access to the following tables");
    return status;
  }

  std::vector<std::unique_ptr<policy::Predicate>> overflow;  // only when the predicate cache is full
  absl::InlinedVector<const policy::Predicate*, 16> applied(plan->reads.size());
  for (size_t i = 0; i < plan->reads.size(); ++i) applied[i] = policy.PredicateFor(role_set, plan->table_ids[i], &overflow);
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
