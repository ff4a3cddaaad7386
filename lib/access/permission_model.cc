#include "lib/access/permission_model.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <mutex>
#include <span>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/cord.h"
#include "lib/access/presets.h"
#include "lib/common/status.h"
#include "lib/common/str_cat.h"

namespace rlsq::access {
namespace {

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status RoleError(std::string_view role, std::string_view what) {
  return absl::FailedPreconditionError(Cat("role \"", role, "\": ", what));
}

bool IsDagPermission(std::string_view perm) {
  return perm == "can_read" || perm == "can_edit" || perm == "can_delete" || perm == "can_dag_read" ||
         perm == "can_dag_edit";
}
// Airflow 1.10 and 2 spell the DAG-level permissions differently.
std::string_view DagAlias(std::string_view perm) {
  if (perm == "can_read") return "can_dag_read";
  if (perm == "can_dag_read") return "can_read";
  if (perm == "can_edit") return "can_dag_edit";
  if (perm == "can_dag_edit") return "can_edit";
  return {};
}

// The view menu a data permission must name; empty when `r` fits `perm`, else the expected form.
std::string_view DataShapeProblem(std::string_view perm, const Resource& r) {
  if (perm == "datasource_access") {
    if (!r.bracketed() || r.parts.size() != 3) return "datasource_access needs [database].[schema].[table](id:N)";
  } else if (perm == "schema_access") {
    if (!r.bracketed() || r.parts.size() < 2 || r.id)
      return "schema_access needs [database].[schema] or [database].[catalog].[schema]";
  } else if (perm == "catalog_access") {
    if (!r.bracketed() || r.parts.size() != 2 || r.id) return "catalog_access needs [database].[catalog]";
  } else if (perm == "database_access") {
    if (!r.bracketed() || r.parts.size() != 1) return "database_access needs [database]";
  } else if (perm == "all_datasource_access" || perm == "all_database_access" || perm == "all_query_access") {
    if (r.bracketed() || r.plain != perm) {
      if (perm == "all_datasource_access") return "all_datasource_access needs the view menu all_datasource_access";
      if (perm == "all_database_access") return "all_database_access needs the view menu all_database_access";
      return "all_query_access needs the view menu all_query_access";
    }
  }
  return {};
}

template <class M>
size_t MapBytes(const M& m) {
  return m.capacity() * (sizeof(typename M::value_type) + 1);
}
size_t HeapBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

}  // namespace

// A short-string hash (names are a few bytes): 8 bytes per multiply, then a final avalanche for the map's H1/H2.
size_t PermissionModel::NameHash::operator()(const NameView& v) const {
  uint64_t h = 0x243F6A8885A308D3ull;
  for (std::string_view s : {v.a, v.b, v.c}) {
    const char* p = s.data();
    size_t n = s.size();
    h = (h ^ n) * 0x9E3779B97F4A7C15ull;
    for (; n >= 8; n -= 8, p += 8) {
      uint64_t x;
      std::memcpy(&x, p, 8);
      h = (h ^ x) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    if (n > 0) {
      uint64_t x = 0;
      std::memcpy(&x, p, n);
      h = (h ^ x) * 0x94D049BB133111EBull;
      h ^= h >> 29;
    }
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return static_cast<size_t>(h);
}

PermissionModel::~PermissionModel() = default;

size_t PermissionSet::pair_count() const {
  size_t n = 0;
  for (size_t i = 0; i <= mask_; ++i)
    if (slots_[i].word != kEmpty) n += std::popcount(slots_[i].bits);
  return n;
}

absl::StatusOr<std::shared_ptr<const PermissionModel>> PermissionModel::Build(const std::vector<RoleSpec>& specs,
                                                                              const ModelOptions& options) {
  if (options.family != "superset" && options.family != "airflow")
    return absl::FailedPreconditionError(Cat("unknown role family \"", options.family, "\" (superset or airflow)"));
  if (options.public_role.empty()) return absl::FailedPreconditionError("the public role name is empty");
  std::shared_ptr<PermissionModel> m(new PermissionModel());
  m->options_ = options;
  m->options_.translate_view = nullptr;  // used during Build only (it may point into the caller)

  // 1. Role definitions: presets, then the policy's roles (replacing or naming presets), then the public role.
  struct Def {
    std::string name;
    std::vector<std::pair<std::string_view, std::string_view>> grants;  // into the specs or the static presets
    // A spec's permission_views, read in place after `grants` (a million grants at full scale are not copied).
    const std::vector<std::pair<std::string_view, std::string_view>>* spec_views = nullptr;
    std::vector<std::string> extends;
    bool all_pairs = false;
  };
  std::vector<Def> defs;
  absl::flat_hash_map<std::string, size_t> def_index;
  static const std::vector<Preset> kNoPresets;
  const std::vector<Preset>& presets = options.presets ? PresetsFor(options.family) : kNoPresets;
  const Preset* shadowed_public_preset = nullptr;  // the "Public" preset when the anonymous role is named Public
  for (const Preset& p : presets) {
    Def d{std::string(p.name), {}, nullptr, {}, p.all_pairs};
    if (p.name == options.public_role && p.name == "Public") {
      shadowed_public_preset = &p;  // applies only through PUBLIC_ROLE_LIKE = "Public"
    } else {
      d.grants = p.grants;
    }
    def_index[d.name] = defs.size();
    defs.push_back(std::move(d));
  }
  auto SpecDef = [](const RoleSpec& s) {  // its permissions, then its permission_views read in place
    Def d{s.name, {}, &s.permission_views, s.extends, false};
    d.grants.reserve(s.permissions.size());
    for (const auto& [p, v] : s.permissions) d.grants.emplace_back(p, v);
    return d;
  };
  absl::flat_hash_set<std::string> spec_names;
  for (size_t i = 0; i < specs.size(); ++i) {
    const RoleSpec& s = specs[i];
    if (s.name.empty()) return absl::FailedPreconditionError(Cat("role #", i + 1, " has no name"));
    if (!spec_names.insert(s.name).second) return RoleError(s.name, "defined twice");
    auto it = def_index.find(s.name);
    if (it != def_index.end()) {
      if (s.permissions.empty() && s.permission_views.empty() && s.extends.empty()) continue;  // names the preset
      defs[it->second] = SpecDef(s);
      continue;
    }
    def_index[s.name] = defs.size();
    defs.push_back(SpecDef(s));
  }
  if (!def_index.contains(options.public_role)) {
    def_index[options.public_role] = defs.size();
    defs.push_back(Def{options.public_role, {}, nullptr, {}, false});
  }
  if (!options.public_role_like.empty()) {
    Def& pub = defs[def_index[options.public_role]];
    if (options.public_role_like == options.public_role) {
      if (shadowed_public_preset == nullptr)
        return absl::FailedPreconditionError(
            Cat("PUBLIC_ROLE_LIKE \"", options.public_role_like, "\" names the public role itself"));
      for (const Grant& g : shadowed_public_preset->grants) pub.grants.emplace_back(g.first, g.second);
    } else if (def_index.contains(options.public_role_like)) {
      pub.extends.push_back(options.public_role_like);
    } else {
      return absl::FailedPreconditionError(Cat("PUBLIC_ROLE_LIKE names unknown role \"", options.public_role_like, "\""));
    }
  }

  // 2. Validate and intern every grant. Pair ids are assigned in role order, so a role's pairs cluster.
  // The tables grow with the distinct pairs (amortized linear), not with the grants: most grants repeat a pair, and
  // a table sized for every grant (1M at full scale) would make each probe a cache miss.
  std::vector<std::vector<uint32_t>> direct(defs.size());
  std::vector<uint32_t> perm_of_pair;
  std::vector<Resource> data_resource;  // parsed view menu of each data pair (others: default)
  std::vector<uint32_t> data_pairs;
  std::vector<char> pair_is_data;
  std::string_view last_perm;  // the fast path's memo of the permission id
  uint32_t last_perm_id = kNoPair;
  for (size_t d = 0; d < defs.size(); ++d) {
    using GrantList = std::span<const std::pair<std::string_view, std::string_view>>;
    const GrantList lists[2] = {defs[d].grants, defs[d].spec_views ? GrantList(*defs[d].spec_views) : GrantList()};
    for (const GrantList list : lists) {
      for (const auto& [perm, view] : list) {
        // A pair already interned was validated when first seen: two lookups (most grants repeat a pair: every role
        // that reads a dataset names the same view menu).
        if (auto known_view = m->resource_ids_.find(AV(view)); known_view != m->resource_ids_.end()) {
          if (perm != last_perm) {  // grants mostly repeat one permission name: look it up when it changes
            auto known_perm = m->permission_ids_.find(AV(perm));
            last_perm = perm;
            last_perm_id = known_perm == m->permission_ids_.end() ? kNoPair : known_perm->second;
          }
          if (last_perm_id != kNoPair) {
            auto q = m->pair_ids_.find((uint64_t{last_perm_id} << 32) | known_view->second);
            if (q != m->pair_ids_.end()) {
              direct[d].push_back(q->second);
              continue;
            }
          }
        }
        last_perm = {};  // the slow path may add the permission
        std::string translated;
        if (options.translate_view) {
          auto t = options.translate_view(perm, view);
          if (!t.ok()) return RoleError(defs[d].name, ToStd(t.status().message()));
          translated = std::move(*t);
        }
        const std::string_view written = view;
        const std::string_view interned = translated.empty() ? view : std::string_view(translated);
        if (perm.empty() || !IsKnownPermissionName(options.family, perm))
          return RoleError(defs[d].name, Cat("unknown permission \"", perm, "\" (on \"", view, "\")"));
        // A view menu already interned (by its canonical text) was validated before; data permissions always parse
        // theirs, since their shape depends on the permission.
        const bool data = IsDataObjectPermission(perm) || perm.substr(0, 4) == "all_";
        auto rit = m->resource_ids_.find(AV(interned));
        absl::StatusOr<Resource> r = Resource{};
        if (rit == m->resource_ids_.end() || data) {
          r = ParseResource(interned);
          if (!r.ok())
            return RoleError(defs[d].name, Cat("permission \"", perm, "\": ", ToStd(r.status().message())));
          if (std::string_view problem = DataShapeProblem(perm, *r); !problem.empty())
            return RoleError(defs[d].name, Cat("permission \"", perm, "\" on \"", interned, "\": ", problem));
          if (rit == m->resource_ids_.end()) {
            std::string canonical = r->ToString();
            rit = m->resource_ids_.find(canonical);
            if (rit == m->resource_ids_.end())
              rit = m->resource_ids_.emplace(std::move(canonical), static_cast<uint32_t>(m->resource_ids_.size()))
                        .first;
          }
        }
        const uint32_t resource_id = rit->second;  // before the emplace below, which may rehash
        if (interned != written) m->resource_ids_.emplace(std::string(written), resource_id);  // the other spelling
        auto pit = m->permission_ids_.find(AV(perm));
        if (pit == m->permission_ids_.end())
          pit = m->permission_ids_.emplace(std::string(perm), static_cast<uint32_t>(m->permission_ids_.size())).first;
        uint64_t key = (uint64_t{pit->second} << 32) | resource_id;
        auto [qit, qnew] = m->pair_ids_.try_emplace(key, static_cast<uint32_t>(m->pair_ids_.size()));
        if (qnew) {
          perm_of_pair.push_back(pit->second);
          pair_is_data.push_back(IsDataObjectPermission(perm));
          if (pair_is_data.back()) {
            data_pairs.push_back(qit->second);
            data_resource.resize(m->pair_ids_.size());
            data_resource[qit->second] = std::move(*r);
          }
        }
        direct[d].push_back(qit->second);
      }
    }
  }
  // Exact-size tables for the lookups done at check time.
  m->resource_ids_.rehash(0);
  m->pair_ids_.rehash(0);
  m->pair_count_ = m->pair_ids_.size();
  data_resource.resize(m->pair_count_);

  // Admin: every pair of the model (Superset: except the per-object data permissions).
  for (size_t d = 0; d < defs.size(); ++d) {
    if (!defs[d].all_pairs) continue;
    for (uint32_t pid = 0; pid < m->pair_count_; ++pid)
      if (options.family != "superset" || !pair_is_data[pid]) direct[d].push_back(pid);
  }

  // 3. Expand `extends` (depth first, with cycle detection).
  std::vector<int> state(defs.size(), 0);  // 0 new, 1 in progress, 2 done
  std::vector<std::vector<uint32_t>> effective(defs.size());
  std::vector<size_t> path;
  std::function<absl::Status(size_t)> expand = [&](size_t d) -> absl::Status {
    if (state[d] == 2) return absl::OkStatus();
    state[d] = 1;
    path.push_back(d);
    std::vector<uint32_t> pairs = direct[d];
    for (const std::string& ext : defs[d].extends) {
      auto it = def_index.find(ext);
      if (it == def_index.end()) return RoleError(defs[d].name, Cat("extends unknown role \"", ext, "\""));
      size_t e = it->second;
      if (state[e] == 1) {
        std::string cycle;
        auto start = std::find(path.begin(), path.end(), e);
        for (auto p = start; p != path.end(); ++p) Append(&cycle, defs[*p].name, " -> ");
        Append(&cycle, defs[e].name);
        return RoleError(defs[d].name, Cat("extends \"", ext, "\", which forms a cycle: ", cycle));
      }
      RLSQ_RETURN_IF_ERROR(expand(e));
      pairs.insert(pairs.end(), effective[e].begin(), effective[e].end());
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    effective[d] = std::move(pairs);
    state[d] = 2;
    path.pop_back();
    return absl::OkStatus();
  };
  for (size_t d = 0; d < defs.size(); ++d) RLSQ_RETURN_IF_ERROR(expand(d));

  m->roles_.reserve(defs.size());
  m->role_words_begin_.reserve(defs.size() + 1);
  for (size_t d = 0; d < defs.size(); ++d) {
    Role role;
    role.name = defs[d].name;
    role.pair_count = effective[d].size();
    const size_t begin = m->role_words_.size();
    m->role_words_begin_.push_back(static_cast<uint32_t>(begin));
    for (uint32_t pid : effective[d]) {
      uint32_t w = pid >> 6;
      if (m->role_words_.size() == begin || m->role_words_.back().word != w) m->role_words_.push_back({w, 0});
      m->role_words_.back().bits |= uint64_t{1} << (pid & 63);
    }
    std::vector<uint32_t>().swap(effective[d]);
    m->role_ids_[role.name] = static_cast<uint32_t>(m->roles_.size());
    m->roles_.push_back(std::move(role));
  }
  m->role_words_begin_.push_back(static_cast<uint32_t>(m->role_words_.size()));
  m->role_words_.shrink_to_fit();
  m->public_role_id_ = m->role_ids_.at(options.public_role);

  // 4. Data-access indexes.
  m->all_datasource_pair_ = m->PairId("all_datasource_access", "all_datasource_access");
  m->all_database_pair_ = m->PairId("all_database_access", "all_database_access");
  const uint32_t ds_perm = m->permission_ids_.contains("datasource_access") ? m->permission_ids_.at("datasource_access") : kNoPair;
  const uint32_t schema_perm = m->permission_ids_.contains("schema_access") ? m->permission_ids_.at("schema_access") : kNoPair;
  const uint32_t db_perm = m->permission_ids_.contains("database_access") ? m->permission_ids_.at("database_access") : kNoPair;
  NameMap<std::vector<uint32_t>> table_lists;
  for (uint32_t pid : data_pairs) {
    const Resource& r = data_resource[pid];
    uint32_t perm = perm_of_pair[pid];
    if (perm == db_perm) {
      m->databases_[NameKey{r.parts[0], "", ""}] = pid;
    } else if (perm == schema_perm && r.parts.size() == 2) {
      m->schemas_[NameKey{r.parts[0], r.parts[1], ""}].schema_pair = pid;
    } else if (perm == ds_perm) {
      table_lists[NameKey{r.parts[0], r.parts[1], r.parts[2]}].push_back(pid);
    }
    // schema_access on [db].[catalog].[schema] and catalog_access are checked by Can() only: a query names no
    // catalog, so they never grant a table read (fail closed).
  }
  for (auto& [key, entry] : m->schemas_) {
    auto it = m->databases_.find(NameView{key.a, "", ""});
    if (it != m->databases_.end()) entry.database_pair = it->second;
  }
  for (auto& [key, list] : table_lists) {
    TableEntry e;
    if (auto s = m->schemas_.find(NameView{key.a, key.b, ""}); s != m->schemas_.end()) e.schema = s->second;
    else if (auto db = m->databases_.find(NameView{key.a, "", ""}); db != m->databases_.end())
      e.schema.database_pair = db->second;
    e.first = static_cast<uint32_t>(m->table_pairs_.size());
    e.count = static_cast<uint32_t>(list.size());
    m->table_pairs_.insert(m->table_pairs_.end(), list.begin(), list.end());
    m->table_index_.emplace(Cat(key.a, std::string_view("\0", 1), key.b, std::string_view("\0", 1), key.c),
                            static_cast<uint32_t>(m->table_entries_.size()));
    m->table_entries_.push_back(e);
  }
  return std::shared_ptr<const PermissionModel>(std::move(m));
}

std::optional<uint32_t> PermissionModel::RoleId(std::string_view name) const {
  auto it = role_ids_.find(AV(name));
  if (it == role_ids_.end()) return std::nullopt;
  return it->second;
}

uint32_t PermissionModel::PairId(std::string_view permission, std::string_view resource) const {
  auto p = permission_ids_.find(AV(permission));
  if (p == permission_ids_.end()) return kNoPair;
  auto r = resource_ids_.find(AV(resource));
  if (r == resource_ids_.end()) {
    // Another spelling of a bracketed name (e.g. an escaped `]]`): compare its canonical form.
    if (resource.empty() || resource.front() != '[') return kNoPair;
    absl::StatusOr<Resource> parsed = ParseResource(resource);
    if (!parsed.ok()) return kNoPair;
    r = resource_ids_.find(parsed->ToString());
    if (r == resource_ids_.end()) return kNoPair;
  }
  auto q = pair_ids_.find((uint64_t{p->second} << 32) | r->second);
  return q == pair_ids_.end() ? kNoPair : q->second;
}

std::unique_ptr<PermissionSet> PermissionModel::ComputeUncached(std::span<const uint32_t> role_ids) const {
  auto set = std::unique_ptr<PermissionSet>(new PermissionSet());
  const uint32_t n = static_cast<uint32_t>(roles_.size());
  size_t words = 0;
  for (uint32_t id : role_ids) {
    if (id >= n) continue;
    words += role_words_begin_[id + 1] - role_words_begin_[id];
    __builtin_prefetch(role_words_.data() + role_words_begin_[id]);  // the roles' bitmaps are far apart: overlap the misses
  }
  const size_t cap = std::bit_ceil(std::max<size_t>(2, words * 2));
  set->slots_.reset(new PermissionSet::Slot[cap]);
  for (size_t i = 0; i < cap; ++i) set->slots_[i] = {PermissionSet::kEmpty, 0};
  set->mask_ = static_cast<uint32_t>(cap - 1);
  set->shift_ = 32 - static_cast<uint32_t>(std::countr_zero(cap));
  PermissionSet::Slot* slots = set->slots_.get();
  for (uint32_t id : role_ids) {
    if (id >= n) continue;
    for (uint32_t k = role_words_begin_[id], end = role_words_begin_[id + 1]; k < end; ++k) {
      const WordBits wb = role_words_[k];
      uint32_t i = (wb.word * 0x9E3779B1u) >> set->shift_;
      while (slots[i].word != wb.word && slots[i].word != PermissionSet::kEmpty) i = (i + 1) & set->mask_;
      slots[i].word = wb.word;
      slots[i].bits |= wb.bits;
    }
  }
  set->all_datasource_ = set->Has(all_datasource_pair_);
  set->all_database_ = set->Has(all_database_pair_);
  return set;
}

const PermissionSet& PermissionModel::Resolve(std::span<const uint32_t> role_ids) const {
  // Callers that keep their role ids sorted (and unique) skip the copy and the sort.
  bool canonical = role_ids.empty() || role_ids.back() < roles_.size();
  for (size_t i = 1; canonical && i < role_ids.size(); ++i) canonical = role_ids[i - 1] < role_ids[i];
  absl::InlinedVector<uint32_t, 64> sorted;
  absl::Span<const uint32_t> span(role_ids.data(), role_ids.size());
  if (!canonical) {
    sorted.assign(role_ids.begin(), role_ids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    while (!sorted.empty() && sorted.back() >= roles_.size()) sorted.pop_back();  // unknown ids grant nothing
    span = absl::Span<const uint32_t>(sorted.data(), sorted.size());
  }
  const size_t h = CacheKeyHash{}(span);
  CacheShard& shard = (*cache_)[(h >> 57) % kShards];
  {
    std::shared_lock lock(shard.mu);
    auto it = shard.sets.find(span);
    if (it != shard.sets.end()) return *it->second;
  }
  std::unique_ptr<PermissionSet> set = ComputeUncached(std::span<const uint32_t>(span.data(), span.size()));
  std::unique_lock lock(shard.mu);
  auto [it, inserted] = shard.sets.try_emplace(std::vector<uint32_t>(span.begin(), span.end()), nullptr);
  if (inserted) it->second = std::move(set);
  return *it->second;
}

bool PermissionModel::HasPair(const PermissionSet& p, uint32_t perm, std::string_view resource) const {
  auto r = resource_ids_.find(AV(resource));
  if (r == resource_ids_.end()) {
    if (resource.empty() || resource.front() != '[') return false;
    absl::StatusOr<Resource> parsed = ParseResource(resource);
    if (!parsed.ok()) return false;
    r = resource_ids_.find(parsed->ToString());
    if (r == resource_ids_.end()) return false;
  }
  auto q = pair_ids_.find((uint64_t{perm} << 32) | r->second);
  return q != pair_ids_.end() && p.Has(q->second);
}

bool PermissionModel::CanSchema(const PermissionSet& p, std::string_view database, std::string_view schema) const {
  if (p.all_datasource_access() || p.all_database_access()) return true;
  if (auto s = schemas_.find(NameView{database, schema, ""}); s != schemas_.end())
    return p.Has(s->second.database_pair) || p.Has(s->second.schema_pair);
  auto d = databases_.find(NameView{database, "", ""});
  return d != databases_.end() && p.Has(d->second);
}

bool PermissionModel::Can(const PermissionSet& p, std::string_view permission, std::string_view resource) const {
  if (permission == "datasource_access" || permission == "schema_access" || permission == "database_access") {
    if (p.all_datasource_access() || p.all_database_access()) return true;
    absl::StatusOr<Resource> r = ParseResource(resource);
    if (!r.ok() || !r->bracketed()) return false;
    if (permission == "database_access" && r->parts.size() == 1) {
      auto d = databases_.find(NameView{r->parts[0], "", ""});
      return d != databases_.end() && p.Has(d->second);
    }
    if (permission == "schema_access" && r->parts.size() == 2 && !r->id) return CanSchema(p, r->parts[0], r->parts[1]);
    if (permission == "datasource_access" && r->parts.size() == 3)
      return CanReadTable(p, r->parts[0], r->parts[1], r->parts[2]);
    // [db].[catalog].[schema]: the exact grant, or database_access on [db].
    if (auto d = databases_.find(NameView{r->parts[0], "", ""}); d != databases_.end() && p.Has(d->second)) return true;
  }
  auto perm = permission_ids_.find(AV(permission));
  if (perm != permission_ids_.end() && HasPair(p, perm->second, resource)) return true;
  if (resource.size() > 4 && resource.substr(0, 4) == "DAG:" && IsDagPermission(permission)) {
    // The all-DAGs wildcards, in both spellings of the permission.
    for (std::string_view name : {permission, DagAlias(permission)}) {
      if (name.empty()) continue;
      auto id = permission_ids_.find(AV(name));
      if (id == permission_ids_.end()) continue;
      if (HasPair(p, id->second, resource) || HasPair(p, id->second, "DAGs") || HasPair(p, id->second, "all_dags"))
        return true;
    }
  }
  return false;
}

TableAccess PermissionModel::LookupTable(std::string_view database, std::string_view schema,
                                         std::string_view table) const {
  TableAccess t;
  // PostgreSQL names are at most 63 bytes, so the joined key fits the stack buffer; longer ones use the heap.
  char buf[256];
  std::string heap;
  const size_t len = database.size() + schema.size() + table.size() + 2;
  absl::string_view key;
  if (len <= sizeof buf) {
    char* p = buf;
    std::memcpy(p, database.data(), database.size());
    p += database.size();
    *p++ = '\0';
    std::memcpy(p, schema.data(), schema.size());
    p += schema.size();
    *p++ = '\0';
    std::memcpy(p, table.data(), table.size());
    key = absl::string_view(buf, len);
  } else {
    heap = Cat(database, std::string_view("\0", 1), schema, std::string_view("\0", 1), table);
    key = absl::string_view(heap.data(), heap.size());
  }
  if (auto it = table_index_.find(key); it != table_index_.end()) {
    const TableEntry& e = table_entries_[it->second];
    t.database_pair = e.schema.database_pair;
    t.schema_pair = e.schema.schema_pair;
    t.table_pairs = table_pairs_.data() + e.first;
    t.table_pair_count = e.count;
  } else if (auto s = schemas_.find(NameView{database, schema, ""}); s != schemas_.end()) {
    t.database_pair = s->second.database_pair;
    t.schema_pair = s->second.schema_pair;
  } else if (auto d = databases_.find(NameView{database, "", ""}); d != databases_.end()) {
    t.database_pair = d->second;
  }
  return t;
}

bool PermissionModel::CanReadTable(const PermissionSet& p, std::string_view database, std::string_view schema,
                                   std::string_view table) const {
  if (p.all_datasource_access() || p.all_database_access()) return true;
  return CanReadTable(p, LookupTable(database, schema, table));
}

absl::Status PermissionModel::CheckTables(const PermissionSet& p, std::string_view database,
                                          const std::vector<TableName>& tables) const {
  auto allowed = [&](const TableName& t) {
    if (!t.catalog.empty() && t.catalog != database) return false;
    return CanReadTable(p, database, t.schema, t.name);
  };
  bool all = true;
  for (const TableName& t : tables)
    if (!allowed(t)) {
      all = false;
      break;
    }
  if (all) return absl::OkStatus();
  std::vector<std::string> missing;
  for (const TableName& t : tables) {
    if (allowed(t)) continue;
    std::string name = t.catalog.empty() || t.catalog == database ? Cat(t.schema, ".", t.name)
                                                                  : Cat(t.catalog, ".", t.schema, ".", t.name);
    if (std::find(missing.begin(), missing.end(), name) == missing.end()) missing.push_back(std::move(name));
  }
  std::string msg = "You need access to the following tables: ";
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) {
    Append(&msg, i ? ", " : "", missing[i]);
    Append(&list, i ? "\n" : "", missing[i]);
  }
  absl::Status denied = absl::PermissionDeniedError(msg);
  denied.SetPayload(ToAbsl(kMissingTablesPayload), absl::Cord(std::move(list)));
  return denied;
}

size_t PermissionModel::MemoryBytes() const {
  size_t n = sizeof(*this);
  for (const StringMap* mp : {&permission_ids_, &resource_ids_, &role_ids_}) {
    n += MapBytes(*mp);
    for (const auto& [k, v] : *mp) n += HeapBytes(k);
  }
  n += MapBytes(pair_ids_);
  for (const Role& r : roles_) n += HeapBytes(r.name);
  n += roles_.capacity() * sizeof(Role) + role_words_begin_.capacity() * 4 + role_words_.capacity() * sizeof(WordBits);
  auto key_bytes = [](const NameKey& k) { return HeapBytes(k.a) + HeapBytes(k.b) + HeapBytes(k.c); };
  n += MapBytes(databases_) + MapBytes(schemas_) + MapBytes(table_index_) + table_pairs_.capacity() * 4 +
       table_entries_.capacity() * sizeof(TableEntry);
  for (const auto& [k, v] : databases_) n += key_bytes(k);
  for (const auto& [k, v] : schemas_) n += key_bytes(k);
  for (const auto& [k, v] : table_index_) n += HeapBytes(k);
  for (const CacheShard& shard : *cache_) {
    std::shared_lock lock(shard.mu);
    n += MapBytes(shard.sets);
    for (const auto& [k, v] : shard.sets) n += k.capacity() * 4 + v->MemoryBytes();
  }
  return n;
}

}  // namespace rlsq::access
