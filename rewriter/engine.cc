#include "rewriter/engine.h"

#include "lib/sources/policy_source.h"

#include "absl/strings/match.h"
#include "lib/common/digest.h"

#include <algorithm>
#include <array>
#include <optional>

#include "absl/container/inlined_vector.h"
#include "lib/common/encoding.h"
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

// A plan for one request: from the plan cache (valid until this thread's next plan-cache call, i.e. for the rest of
// the request) or built for it (owned).
struct PlanRef {
  const rewriter::Plan* plan = nullptr;
  std::shared_ptr<const rewriter::Plan> owned;
  // A hit on the text's shape: the plan's edits moved onto this text (ApplyPlan's `moved`).
  std::optional<rewriter::MovedEdits> moved;
  const rewriter::MovedEdits* edits() const { return moved ? &*moved : nullptr; }
  const rewriter::Plan* operator->() const { return plan; }
  const rewriter::Plan& operator*() const { return *plan; }
};

// The plan cache's key for a database and search path (the policy's path when `search_path` is empty).
std::string CacheKey(std::string_view database, const std::vector<std::string>& search_path) {
  std::string key(database);
  for (const std::string& s : search_path) Append(&key, std::string_view("\0", 1), s);
  return key;
}

// The plan for `sql`, bound to the snapshot's policy, `database` and search path.
// The plan of a text whose shape is cached: the text is lexed (as the parse would: a text the lexer or the limits
// refuse has no shape and goes on to the parse, which reports it), its shape key looked up, and the cached plan's
// edits moved onto its offsets. The whole plan is rebased and cached under the text instead when the report needs
// every span (`explain`), and when this thread met the same text on a shape hit recently: a text sent again (a
// dashboard refreshed, another viewer) then costs a text hit from its third request on, while a text seen once costs
// no plan copy. Nothing when there is no cached shape.
std::optional<PlanRef> PlanOfShape(rewriter::PlanCache& cache, std::string_view sql, size_t text_hash,
                                   const Dialect& dialect, const ParseOptions& limits, bool count_miss, bool explain) {
  if (sql.size() > limits.max_input_bytes) return std::nullopt;
  thread_local char arena_buffer[8192];  // folded and decoded token texts of one request
  thread_local Arena arena(arena_buffer, sizeof arena_buffer);
  thread_local std::vector<Token> tokens;
  thread_local std::string key;
  arena.Release();
  key.clear();
  if (!dialect.Tokenize(sql, arena, &tokens).ok() || tokens.empty() || tokens.size() - 1 > limits.max_tokens)
    return std::nullopt;
  AppendShapeKey(tokens, &key);
  std::shared_ptr<const rewriter::Plan> source = cache.FindShape(key, tokens, count_miss);
  if (!source) return std::nullopt;
  // Texts met on shape hits of this cache, by hash (direct-mapped; a collision only makes a text be cached early or
  // late).
  thread_local std::array<size_t, 256> seen{};
  const size_t h = (text_hash ^ (cache.id() * 0x9E3779B97F4A7C15ull)) | 1;  // never 0, the empty slot
  const bool again = seen[h % seen.size()] == h;
  seen[h % seen.size()] = h;
  PlanRef ref;
  if (explain || again) {
    std::shared_ptr<const rewriter::Plan> plan = rewriter::RebasePlan(*source, sql, tokens);
    if (!plan) return std::nullopt;
    cache.Insert(plan);
    ref.plan = plan.get();
    ref.owned = std::move(plan);
    return ref;
  }
  ref.moved.emplace();
  if (!rewriter::MoveEdits(*source, tokens, sql.size(), &*ref.moved)) return std::nullopt;
  ref.plan = source.get();
  ref.owned = std::move(source);
  return ref;
}

absl::StatusOr<PlanRef> PlanFor(const Engine::Snapshot& snap, std::string_view sql, const Dialect& dialect,
                                std::string_view database, const RewriteOptions& options, const ParseOptions& limits) {
  const policy::Policy& policy = *snap.policy;
  std::string cache_key = options.search_path.empty() ? std::string(database) : CacheKey(database, options.search_path);
  if (options.search_path_unknown) cache_key.append("\0\1", 2).append("unknown search path");
  rewriter::PlanCache* cache =
      options.use_plan_cache && &dialect == &policy.dialect() ? snap.CacheFor(cache_key) : nullptr;
  if (cache) {
    size_t text_hash = 0;
    if (const rewriter::Plan* plan = cache->Find(sql, /*count_miss=*/false, &text_hash)) {
      PlanRef ref;
      ref.plan = plan;
      return ref;
    }
    if (auto ref = PlanOfShape(*cache, sql, text_hash, dialect, limits, /*count_miss=*/!options.plan_cache_only,
                               options.explain))
      return std::move(*ref);
  }
  if (options.plan_cache_only) return absl::UnavailableError("the query's plan is not cached");
  NameResolver resolver(dialect, policy.database_model(), options.search_path);
  resolver.set_search_path_unknown(options.search_path_unknown);
  RLSQ_ASSIGN_OR_RETURN(std::shared_ptr<rewriter::Plan> plan, rewriter::BuildPlan(sql, resolver, limits));
  plan->table_ids.reserve(plan->reads.size());
  plan->table_access.reserve(plan->reads.size());
  for (const rewriter::PlanRead& read : plan->reads) {
    // An allowed system relation is never filtered and needs no data permission (its table_access is unused).
    plan->table_ids.push_back(read.system ? -1 : policy.TableId(database, read.key));
    // A table named in another database grants nothing (PostgreSQL cannot read it anyway): fail closed.
    bool other_database = !read.table.catalog.empty() && read.table.catalog != database;
    plan->table_access.push_back(
        other_database || read.system ? access::TableAccess{}
                                      : policy.permissions().LookupTable(database, read.table.schema, read.table.name));
  }
  std::shared_ptr<const rewriter::Plan> bound = std::move(plan);
  if (cache) cache->Insert(bound);
  const rewriter::Plan* raw = bound.get();
  PlanRef ref;
  ref.plan = raw;
  ref.owned = std::move(bound);
  return ref;
}

// The caller's role set, or NotFound.
absl::StatusOr<uint32_t> RoleSetOf(const policy::Policy& policy, const Caller& caller) {
  if (caller.identity) return policy.RoleSetForNames(caller.identity->roles);
  if (caller.anonymous) return policy.public_role_set();
  int user = policy.UserIndex(caller.username);
  if (user < 0) return absl::NotFoundError(Cat("unknown user \"", caller.username, "\""));
  return policy.users()[user].role_set;
}

// What templates see of the caller (pointers into the caller or the policy).
policy::UserContext ContextOf(const policy::Policy& policy, const Caller& caller) {
  if (const CallerIdentity* id = caller.identity.get()) {
    policy::UserContext c;
    c.username = &id->username;
    c.id = id->id;
    c.email = id->email ? &*id->email : nullptr;
    for (const std::string& r : id->roles) c.roles.push_back(r);
    std::sort(c.roles.begin(), c.roles.end());
    c.roles.erase(std::unique(c.roles.begin(), c.roles.end()), c.roles.end());
    c.attributes = &id->attributes;
    return c;
  }
  if (caller.anonymous) return policy.AnonymousContext();
  return policy.ContextOf(*policy.FindUser(caller.username));  // RoleSetOf checked the user exists
}

absl::Status BadInput(std::string_view what, const absl::Status& s) {
  return absl::InvalidArgumentError(Cat(what, ToStd(s.message())));
}

// Guest rules compiled for one request.
struct GuestRules {
  Arena arena;
  std::vector<std::unique_ptr<policy::RlsFilter>> filters;
  std::vector<std::string> table_keys;  // empty: every table
  std::vector<std::unique_ptr<policy::Predicate>> combined;
};

absl::Status CompileGuestRules(const std::vector<GuestRule>& rules, const policy::Policy& policy,
                               std::string_view database, const NameResolver& resolver, GuestRules* out) {
  for (size_t i = 0; i < rules.size(); ++i) {
    // A rule scoped to a dataset of another database has nothing to filter here (Superset applies a rule to the
    // dataset its id names, and a dataset belongs to one database).
    const int64_t id = policy::ParseDatasetId(rules[i].dataset);
    const policy::Policy::Dataset* ds = id >= 0 ? policy.FindDataset(id) : nullptr;
    if (id >= 0 && !ds)
      return absl::InvalidArgumentError(Cat("bad guest rules: guest rule ", i + 1, " names dataset ", id,
                                            ", which the policy does not declare (\"datasets\")"));
    if (ds && !absl::EqualsIgnoreCase(ToAbsl(ds->database), ToAbsl(database))) continue;
    auto f = std::make_unique<policy::RlsFilter>();
    f->name = Cat("guest rule ", i + 1);
    f->clause_text = rules[i].clause;
    absl::Status s = policy::Policy::CompileClause(resolver, out->arena, f->name, f.get());
    if (!s.ok()) {
      std::string_view m = ToStd(s.message());
      if (m.substr(0, 12) == "bad policy: ") m.remove_prefix(12);
      return absl::InvalidArgumentError(Cat("bad guest rules: ", m));
    }
    std::string key;
    if (ds) {
      f->tables.push_back(ds->table);
      key = ds->table.Key();
    } else if (!rules[i].dataset.empty()) {
      auto name = policy::ResolvePolicyTable(resolver, rules[i].dataset);
      if (!name.ok()) return BadInput(Cat("bad guest rules: ", f->name, " dataset: "), name.status());
      // Another database's table (compared without ASCII case, as filters naming a database are).
      if (!name->catalog.empty() && !absl::EqualsIgnoreCase(ToAbsl(name->catalog), ToAbsl(database))) continue;
      f->tables.push_back(*name);
      key = name->Key();
    }
    out->table_keys.push_back(std::move(key));
    out->filters.push_back(std::move(f));
  }
  return absl::OkStatus();
}

// The predicates of one request: the caller's role filters on a table (cached per role set by the policy) with the
// guest rules that name it ANDed after them. Serves the query's own reads and the tables read inside clauses.
class RequestPredicates final : public policy::NestedPredicates {
 public:
  RequestPredicates(const policy::Policy& policy, std::string_view database, uint32_t role_set,
                    const GuestRules* guests)
      : policy_(policy), database_(database), role_set_(role_set), guests_(guests) {}

  const policy::Predicate* ForTable(int32_t table_id, std::string_view key) const {
    const policy::Predicate* base = policy_.PredicateFor(role_set_, table_id, &overflow_);
    if (!guests_) return base;
    std::unique_ptr<policy::Predicate> combined;
    for (size_t g = 0; g < guests_->filters.size(); ++g) {
      if (!guests_->table_keys[g].empty() && guests_->table_keys[g] != key) continue;
      if (!combined) combined = std::make_unique<policy::Predicate>(base ? *base : policy::Predicate());
      combined->terms.push_back({"", {guests_->filters[g].get()}});
    }
    if (!combined) return base;
    overflow_.push_back(std::move(combined));
    return overflow_.back().get();
  }

  const policy::Predicate* For(const policy::NestedRead& read) const override {
    if (read.system) return nullptr;
    for (const auto& [key, p] : memo_)
      if (key == read.key) return p;
    const policy::Predicate* p = ForTable(policy_.TableId(database_, read.key), read.key);
    memo_.emplace_back(read.key, p);
    return p;
  }

 private:
  const policy::Policy& policy_;
  std::string_view database_;
  uint32_t role_set_;
  const GuestRules* guests_;
  mutable std::vector<std::unique_ptr<policy::Predicate>> overflow_;  // combined predicates, or a full cache's
  mutable std::vector<std::pair<std::string, const policy::Predicate*>> memo_;
};

// Every table read inside the clauses of `p`, recursively (the caller's predicates of those tables decide what
// they read in turn), appended once each to `out`.
absl::Status CollectNestedReads(const policy::Predicate& p, const RequestPredicates& source,
                                std::vector<const policy::NestedRead*>* out, int depth = 0) {
  if (depth >= policy::kMaxClauseDepth)
    return absl::FailedPreconditionError(
        Cat("clauses nest deeper than ", policy::kMaxClauseDepth, " levels (or form a cycle through guest rules)"));
  for (const auto& term : p.terms)
    for (const policy::RlsFilter* f : term.filters)
      for (const policy::NestedRead& read : f->printed.nested) {
        bool seen = false;
        for (const policy::NestedRead* r : *out) seen = seen || r->key == read.key;
        if (!seen) out->push_back(&read);
        if (const policy::Predicate* inner = source.For(read))
          RLSQ_RETURN_IF_ERROR(CollectNestedReads(*inner, source, out, depth + 1));
      }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CallerIdentity> ParseCallerJson(std::string_view text) {
  auto doc = json::Parse(text);
  if (!doc.ok()) return BadInput("bad caller JSON: ", doc.status());
  if (!doc->is_object()) return absl::InvalidArgumentError("bad caller JSON: must be an object");
  CallerIdentity id;
  for (const auto& [key, v] : doc->members()) {
    auto type_error = [&key = key](const char* want) {  // clang 14 cannot capture a structured binding implicitly
      return absl::InvalidArgumentError(Cat("bad caller JSON: \"", key, "\" must be ", want));
    };
    if (key == "username") {
      if (!v.is_string()) return type_error("a string");
      id.username = v.text();
    } else if (key == "id") {
      if (v.is_null()) continue;
      if (v.type() != json::Value::Type::kNumber) return type_error("an integer");
      try {
        size_t used = 0;
        id.id = std::stoll(std::string(v.text()), &used);
        if (used != v.text().size()) return type_error("an integer");
      } catch (const std::exception&) {
        return type_error("an integer");
      }
    } else if (key == "email") {
      if (v.is_null()) continue;
      if (!v.is_string()) return type_error("a string");
      id.email = v.text();
    } else if (key == "roles") {
      if (!v.is_array()) return type_error("an array of role names");
      for (const json::Value& r : v.items()) {
        if (!r.is_string()) return type_error("an array of role names");
        id.roles.push_back(std::string(r.text()));
      }
    } else if (key == "attributes") {
      if (!v.is_object()) return type_error("an object");
      for (const auto& [name, value] : v.members()) id.attributes.emplace_back(std::string(name), value);
    } else {
      return absl::InvalidArgumentError(
          Cat("bad caller JSON: unknown key \"", key, "\"; expected username, id, email, roles, attributes"));
    }
  }
  return id;
}

absl::StatusOr<std::vector<GuestRule>> ParseGuestRules(std::string_view text) {
  auto doc = json::Parse(text);
  if (!doc.ok()) return BadInput("bad guest rules: ", doc.status());
  if (!doc->is_array()) return absl::InvalidArgumentError("bad guest rules: must be an array of rules");
  std::vector<GuestRule> rules;
  for (const json::Value& r : doc->items()) {
    std::string where = Cat("bad guest rules: rule ", rules.size() + 1, ": ");
    if (!r.is_object()) return absl::InvalidArgumentError(Cat(where, "must be an object"));
    GuestRule rule;
    bool has_clause = false;
    for (const auto& [key, v] : r.members()) {
      if (key == "dataset") {
        // A table name, or a Superset dataset id (a number or a string of digits); null is no dataset (a global
        // rule), as in Superset.
        if (v.is_null()) continue;
        if (v.is_number() && policy::ParseDatasetId(v.text()) >= 0) {
          rule.dataset = v.text();
          continue;
        }
        if (!v.is_string() || v.text().empty())
          return absl::InvalidArgumentError(
              Cat(where, "\"dataset\" must be a non-empty table name or a dataset id (a non-negative integer)"));
        rule.dataset = v.text();
      } else if (key == "clause") {
        if (!v.is_string()) return absl::InvalidArgumentError(Cat(where, "\"clause\" must be a string"));
        rule.clause = v.text();
        has_clause = true;
      } else {
        return absl::InvalidArgumentError(Cat(where, "unknown key \"", key,
                                              "\" (expected \"dataset\" and \"clause\"; a rule without "
                                              "\"dataset\" applies to every table)"));
      }
    }
    if (!has_clause) return absl::InvalidArgumentError(Cat(where, "missing \"clause\""));
    rules.push_back(std::move(rule));
  }
  return rules;
}

ErrorInfo DescribeError(const absl::Status& status) {
  ErrorInfo e;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      e.kind = ErrorInfo::Kind::kQueryRefused;
      break;
    case absl::StatusCode::kPermissionDenied:
      e.kind = ErrorInfo::Kind::kAccessDenied;
      break;
    case absl::StatusCode::kNotFound:
      e.kind = ErrorInfo::Kind::kUnknownUser;
      break;
    case absl::StatusCode::kFailedPrecondition:
      e.kind = ErrorInfo::Kind::kPolicyError;
      break;
    default:
      e.kind = ErrorInfo::Kind::kInternal;
      break;
  }
  e.message = std::string(ToStd(status.message()));
  switch (e.kind) {
    case ErrorInfo::Kind::kQueryRefused: {
      // Refusals of what rlsq does not model say so in these words (the parser's "... is not supported", the
      // resolver's "rlsq does not model ..."); every other refusal is the query's own fault.
      const bool unsupported = e.message.find(" not supported") != std::string::npos ||
                               e.message.find("unsupported ") != std::string::npos ||
                               e.message.find("does not model") != std::string::npos;
      e.sqlstate = unsupported ? "0A000" : "42601";
      break;
    }
    case ErrorInfo::Kind::kAccessDenied: e.sqlstate = "42501"; break;
    case ErrorInfo::Kind::kUnknownUser: e.sqlstate = "28000"; break;
    case ErrorInfo::Kind::kPolicyError: e.sqlstate = "F0000"; break;
    case ErrorInfo::Kind::kInternal: e.sqlstate = "XX000"; break;
  }
  // SQL errors read "line:column: what" (lib/common/status.h SqlErrorAt, WithLocation).
  if (e.kind == ErrorInfo::Kind::kQueryRefused || e.kind == ErrorInfo::Kind::kAccessDenied) {
    uint64_t numbers[2] = {0, 0};
    size_t i = 0;
    bool ok = true;
    for (int k = 0; k < 2 && ok; ++k) {
      size_t start = i;
      while (i < e.message.size() && i - start < 9 && e.message[i] >= '0' && e.message[i] <= '9')
        numbers[k] = numbers[k] * 10 + (e.message[i++] - '0');
      ok = i > start && i < e.message.size() && e.message[i] == ':';
      ++i;
    }
    if (ok && i < e.message.size() && e.message[i] == ' ' && numbers[0] > 0 && numbers[1] > 0) {
      e.line = static_cast<uint32_t>(numbers[0]);
      e.column = static_cast<uint32_t>(numbers[1]);
    }
  }
  if (auto list = status.GetPayload(ToAbsl(access::kMissingTablesPayload))) {
    std::string text(*list);
    for (size_t start = 0; start <= text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) e.tables.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  }
  return e;
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::FromPolicyJson(std::string_view json, const Dialect* dialect) {
  RLSQ_ASSIGN_OR_RETURN(auto policy, policy::Policy::FromJson(json, dialect));
  auto engine = std::make_unique<Engine>(std::move(policy));
  engine->requested_dialect_ = dialect;
  return engine;
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::FromPolicyFile(const std::string& path, const Dialect* dialect) {
  sources::SourceOptions source;
  source.policy_file = path;
  return FromSource(source, dialect);
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::FromSource(const sources::SourceOptions& options,
                                                          const Dialect* dialect) {
  // A source that cannot be reached is a policy that cannot be loaded (the error kinds of DescribeError).
  auto policy_error = [](const absl::Status& s) {
    return s.code() == absl::StatusCode::kUnavailable
               ? absl::FailedPreconditionError(Cat("bad policy: cannot load: ", ToStd(s.message())))
               : s;
  };
  auto opened = sources::OpenPolicySource(options, dialect);
  if (!opened.ok()) return policy_error(opened.status());
  std::unique_ptr<sources::PolicySource> source = std::move(*opened);
  // The fingerprint before the load: a change during the load is seen at the first poll of Watch().
  auto fingerprint = source->Fingerprint();
  auto policy = source->Load();
  if (!policy.ok()) return policy_error(policy.status());
  auto engine = std::make_unique<Engine>(std::move(*policy));
  engine->source_ = std::make_unique<sources::SourceOptions>(options);
  engine->source_fingerprint_ = fingerprint.ok() ? *fingerprint : std::string();
  engine->source_warnings_ = source->warnings();
  engine->requested_dialect_ = dialect;
  return engine;
}

absl::Status Engine::Watch(std::chrono::milliseconds interval) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  if (!source_) return absl::FailedPreconditionError("this engine was built from policy text: there is no source to watch");
  if (watcher_) return absl::FailedPreconditionError("already watching");
  if (interval < std::chrono::milliseconds(1)) return absl::InvalidArgumentError("the watch interval must be positive");
  RLSQ_ASSIGN_OR_RETURN(std::unique_ptr<sources::PolicySource> source,
                        sources::OpenPolicySource(*source_, requested_dialect_));
  watcher_ = std::make_unique<sources::PolicyWatcher>(
      std::move(source), source_fingerprint_, policy()->digest(), [this](std::shared_ptr<const policy::Policy> p) { Reload(std::move(p)); },
      nullptr, sources::PolicyWatcher::Options{interval});
  return absl::OkStatus();
}

WatchStatus Engine::watch_status() const {
  std::lock_guard<std::mutex> lock(watch_mu_);
  WatchStatus w;
  w.watching = watcher_ != nullptr;
  if (source_) w.source = source_->policy_db.empty() ? Cat("file ", source_->policy_file) : std::string();
  if (watcher_) {
    w.source = watcher_->source_description();
    w.polls = watcher_->polls();
    w.reloads = watcher_->reloads();
    w.failures = watcher_->failures();
    w.last_error = watcher_->last_error();
    w.warnings = watcher_->reloads() ? watcher_->warnings() : source_warnings_;
  } else {
    w.warnings = source_warnings_;
  }
  return w;
}

Engine::Engine(std::shared_ptr<const policy::Policy> policy, size_t plan_cache_capacity, ParseOptions limits)
    : plan_cache_capacity_(plan_cache_capacity),
      limits_(limits),
      snapshots_(std::make_unique<Snapshot>(std::move(policy), plan_cache_capacity)) {}

Engine::~Engine() = default;

void Engine::Reload(std::shared_ptr<const policy::Policy> policy) {
  snapshots_.Publish(std::make_unique<Snapshot>(std::move(policy), plan_cache_capacity_));
}

absl::Status Engine::ReloadFromFile(const std::string& path) {
  RLSQ_ASSIGN_OR_RETURN(auto policy, policy::Policy::FromFile(path, requested_dialect_));
  Reload(std::move(policy));
  return absl::OkStatus();
}

absl::Status Engine::ReloadFromJson(std::string_view json) {
  RLSQ_ASSIGN_OR_RETURN(auto policy, policy::Policy::FromJson(json, requested_dialect_));
  Reload(std::move(policy));
  return absl::OkStatus();
}

std::shared_ptr<const policy::Policy> Engine::policy() const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  return snap->policy;
}

uint64_t Engine::SumPlanCaches(uint64_t (rewriter::PlanCache::*count)() const) const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  uint64_t n = 0;
  for (auto& c : snap->caches)
    if (auto* d = c.load()) n += (d->cache.*count)();
  return n;
}

uint64_t Engine::plan_cache_hits() const { return SumPlanCaches(&rewriter::PlanCache::hits); }

uint64_t Engine::plan_cache_misses() const { return SumPlanCaches(&rewriter::PlanCache::misses); }

uint64_t Engine::plan_cache_shape_hits() const { return SumPlanCaches(&rewriter::PlanCache::shape_hits); }

namespace {

// The query's dialect: the policy's. A request may name it (with or without its settings) but not change it: the policy's clauses, names and
// literals are written in the policy's dialect and would read otherwise in another.
absl::StatusOr<const Dialect*> QueryDialect(const policy::Policy& policy, const RewriteOptions& options) {
  if (!options.dialect || options.dialect == &policy.dialect()) return &policy.dialect();
  // Naming the policy's dialect without settings is naming the policy's dialect.
  if (options.dialect->name() == policy.dialect().name() && options.dialect == Dialect::Find(options.dialect->name()))
    return &policy.dialect();
  return absl::InvalidArgumentError(Cat("the query's dialect (", options.dialect->configuration(),
                                        ") is not the policy's (", policy.dialect().configuration(),
                                        "): the policy's filters are written in its own dialect"));
}

// A request's own search path (RewriteOptions::search_path) is held to the rules the policy's is: names as the
// dialect compares them, and a path the database can have (SQLite: main first, then attached databases).
absl::Status CheckRequestSearchPath(const Dialect& dialect, const std::vector<std::string>& path) {
  if (path.empty()) return absl::OkStatus();
  if (dialect.folds_relation_names()) {
    for (const std::string& s : path) {
      std::string folded = s;
      dialect.FoldRelationName(&folded);
      if (folded != s)
        return absl::InvalidArgumentError(Cat("search path entry \"", s, "\": ", dialect.name(),
                                              " compares schema names without case; give it as \"", folded, "\""));
    }
  }
  absl::Status s = dialect.CheckSearchPath(path);
  if (!s.ok()) return absl::InvalidArgumentError(Cat("search path: ", s.message()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> Engine::can(const Caller& caller, std::string_view permission, std::string_view resource) const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  const policy::Policy& policy = *snap->policy;
  RLSQ_ASSIGN_OR_RETURN(uint32_t role_set, RoleSetOf(policy, caller));
  return policy.permissions().Can(policy.permission_set(role_set), permission, resource);
}

absl::StatusOr<std::string> Engine::cache_key(const Caller& caller, const RewriteOptions& options) const {
  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  const policy::Policy& policy = *snap->policy;
  RLSQ_ASSIGN_OR_RETURN(uint32_t role_set, RoleSetOf(policy, caller));
  RLSQ_ASSIGN_OR_RETURN(const Dialect* dialect, QueryDialect(policy, options));
  RLSQ_RETURN_IF_ERROR(CheckRequestSearchPath(*dialect, options.search_path));
  const std::string configuration = dialect->configuration();
  std::vector<std::string> owned;
  std::vector<std::string_view> parts = {"rlsq cache key 1", policy.digest(), configuration,
                                         options.database.empty() ? policy.default_database() : options.database};
  for (const std::string& s : options.search_path) parts.push_back(s);
  parts.push_back(options.placement ? policy::ToString(*options.placement) : "");
  parts.push_back(options.search_path_unknown ? "search path unknown" : "");
  parts.push_back("roles");
  for (uint32_t r : policy.role_set(role_set)) owned.push_back(Cat(r));
  // What templates read, when the policy has any: the caller's fields.
  if (policy.has_templates()) {
    const policy::UserContext c = ContextOf(policy, caller);
    owned.push_back("user");
    owned.push_back(c.username ? *c.username : "");
    owned.push_back(c.id ? Cat(*c.id) : "");
    owned.push_back(c.email ? *c.email : "");
    for (std::string_view r : c.roles) owned.push_back(std::string(r));
    if (c.attributes)
      for (const auto& [k, v] : *c.attributes) {
        std::string text;
        json::AppendString(k, &text);
        text += '=';
        json::AppendValue(v, &text);
        owned.push_back(std::move(text));
      }
  }
  owned.push_back("guest rules");
  for (const GuestRule& g : options.guest_rules) {
    owned.push_back(g.dataset);
    owned.push_back(g.clause);
  }
  for (const std::string& s : owned) parts.push_back(s);
  return Sha256Hex(parts);
}

absl::StatusOr<Rewrite> Engine::rewrite(std::string_view sql, const Caller& caller,
                                        const RewriteOptions& options) const {
  // The text as the server will lex it (client_encoding converted to UTF-8), and back at the end.
  RLSQ_ASSIGN_OR_RETURN(encoding::ClientEncoding client, encoding::ParseClientEncoding(options.client_encoding));
  if (client != encoding::ClientEncoding::kUtf8 && client != encoding::ClientEncoding::kSqlAscii) {
    RLSQ_ASSIGN_OR_RETURN(std::string server_text, encoding::ToServer(client, sql));
    RewriteOptions utf8 = options;
    utf8.client_encoding = "UTF8";
    RLSQ_ASSIGN_OR_RETURN(Rewrite out, rewrite(server_text, caller, utf8));
    RLSQ_ASSIGN_OR_RETURN(out.sql, encoding::ToClient(client, out.sql));
    return out;
  }

  rewriter::SnapshotHolder<Snapshot>::Reader snap(snapshots_);
  const policy::Policy& policy = *snap->policy;
  RLSQ_ASSIGN_OR_RETURN(const Dialect* query_dialect, QueryDialect(policy, options));
  RLSQ_RETURN_IF_ERROR(CheckRequestSearchPath(*query_dialect, options.search_path));
  const Dialect& dialect = *query_dialect;
  std::string_view database = options.database.empty() ? policy.default_database() : options.database;
  RLSQ_ASSIGN_OR_RETURN(uint32_t role_set, RoleSetOf(policy, caller));
  RLSQ_ASSIGN_OR_RETURN(auto plan, PlanFor(*snap, sql, dialect, database, options, limits_));

  // Guest rules: ANDed after the role filters of the tables they name (every table when they name none).
  std::unique_ptr<GuestRules> guests;
  if (!options.guest_rules.empty()) {
    guests = std::make_unique<GuestRules>();
    const NameResolver resolver(dialect, policy.database_model(), options.search_path);
    RLSQ_RETURN_IF_ERROR(CompileGuestRules(options.guest_rules, policy, database, resolver, guests.get()));
  }
  RequestPredicates predicates(policy, database, role_set, guests.get());
  absl::InlinedVector<const policy::Predicate*, 16> applied(plan->reads.size());
  bool nested = false;
  for (size_t i = 0; i < plan->reads.size(); ++i) {
    applied[i] = plan->reads[i].system ? nullptr : predicates.ForTable(plan->table_ids[i], plan->reads[i].key);
    nested = nested || (applied[i] && applied[i]->has_nested());
  }
  // The tables the applied clauses read in their subqueries: the caller needs access to them too.
  std::vector<const policy::NestedRead*> nested_reads;
  if (nested)
    for (const policy::Predicate* p : applied)
      if (p) RLSQ_RETURN_IF_ERROR(CollectNestedReads(*p, predicates, &nested_reads));

  // Data access first: every table read needs a grant; otherwise nothing is rewritten.
  const access::PermissionSet& perms = policy.permission_set(role_set);
  auto can_read_nested = [&](const policy::NestedRead& r) {
    if (r.system) return true;
    if (!r.table.catalog.empty() && r.table.catalog != database) return false;
    return access::PermissionModel::CanReadTable(
        perms, policy.permissions().LookupTable(database, r.table.schema, r.table.name));
  };
  bool denied = false;
  for (size_t i = 0; i < plan->reads.size(); ++i)
    denied = denied || (!plan->reads[i].system && !access::PermissionModel::CanReadTable(perms, plan->table_access[i]));
  for (const policy::NestedRead* r : nested_reads) denied = denied || !can_read_nested(*r);
  if (denied) {
    std::vector<TableName> missing;
    for (size_t i = 0; i < plan->reads.size(); ++i)
      if (!plan->reads[i].system && !access::PermissionModel::CanReadTable(perms, plan->table_access[i]))
        missing.push_back(plan->reads[i].table);
    for (const policy::NestedRead* r : nested_reads)
      if (!can_read_nested(*r)) missing.push_back(r->table);
    absl::Status status = policy.permissions().CheckTables(perms, database, missing);
    if (status.ok()) status = absl::PermissionDeniedError("You need access to the following tables");
    return status;
  }

  // Template values: every one rendered and checked before anything is spliced.
  policy::Bindings bindings;
  std::optional<policy::UserContext> context;
  for (const policy::Predicate* p : applied) {
    if (!p || (!p->has_values() && !p->has_nested())) continue;
    if (!context) context = ContextOf(policy, caller);
    RLSQ_RETURN_IF_ERROR(bindings.Bind(*p, *context, dialect, &predicates));
  }
  const policy::PlacementMode mode = options.placement.value_or(policy.placement());
  policy::RenderContext ctx;
  ctx.bindings = &bindings;
  ctx.nested = &predicates;
  Rewrite out;
  RLSQ_ASSIGN_OR_RETURN(out.sql, rewriter::ApplyPlan(*plan, sql, applied, &out.changed, mode, ctx, plan.edits()));

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
      int chosen = rewriter::TargetOf(*plan, i, applied[i], mode);
      const rewriter::PlanTarget& target = plan->targets[chosen < 0 ? read.target : chosen];
      TableReadReport r;
      r.span = read.span;
      r.table = read.table;
      r.table_sql = read.table_sql;
      r.alias = read.alias;
      r.system = read.system;
      r.placement = target.placement;
      r.fenced = chosen >= 0 && mode == policy::PlacementMode::kFenced;
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
    if (r.system) out += ",\"system\":true";
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
    if (r.fenced) out += ",\"fenced\":true";
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
