// The Flask-AppBuilder permission model (Superset, Airflow) and the data-access check, built for the hot path.
//
// Build() interns every permission, view menu and (permission, view menu) pair to dense integer ids, expands the
// presets and `extends`, and stores each role as a compressed bitmap (64-bit words of pair ids, keyed by word index;
// pair ids are assigned role by role so one role's pairs are mostly contiguous). The model is immutable afterwards;
// the only mutable part is the Resolve() cache, which is sharded and lock-protected, so a model can be shared by any
// number of threads (wrap it in std::shared_ptr<const PermissionModel> and swap the pointer on reload).
//
// Resolve() merges the roles of one distinct role set once into a PermissionSet (an open-addressing hash of bitmap
// words, load <= 1/2) and caches it; a hit costs a sort of the ids on the stack and one shared-locked hash lookup,
// with no heap allocation (up to 64 roles per caller). A check is then a few hash probes that do not depend on the
// number of roles, grants or tables.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "lib/access/resource.h"
#include "lib/names/table_name.h"

namespace rlsq::access {

// The payload of CheckTables' PermissionDenied status: the tables lacking access, one per line, as in the message.
inline constexpr std::string_view kMissingTablesPayload = "type.rlsq.dev/missing-tables";

inline constexpr uint32_t kNoPair = UINT32_MAX;

struct RoleSpec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> permissions;  // (permission, view menu)
  std::vector<std::string> extends;  // preset or other role names whose permissions are included
  // More grants, as views of text the caller keeps alive during Build (a policy document): no copies.
  std::vector<std::pair<std::string_view, std::string_view>> permission_views = {};
};

struct ModelOptions {
  std::string family = "superset";   // presets: "superset" (Admin, Alpha, Gamma, sql_lab, Public) or "airflow"
  std::string public_role = "Public";  // AUTH_ROLE_PUBLIC: the role an anonymous caller gets
  std::string public_role_like;        // PUBLIC_ROLE_LIKE: when set, the public role also gets this role's grants
  // The family's built-in roles (Admin, Alpha, Gamma, ...) with their standard grants. Off when the roles come from a
  // metadata database: each role then has exactly the grants listed for it, an empty one none (Superset honours the
  // database, whatever `superset init` once wrote there).
  bool presets = true;
  // Another spelling of a view menu: called once per (permission, view menu) pair not seen before, it returns the
  // view menu to intern instead (the policy's [db].[table](id:N) -> [db].[schema].[table](id:N)), or "" for the view
  // as written; an error is the role's. The written view then names the same resource (PairId, Can accept it).
  std::function<absl::StatusOr<std::string>(std::string_view permission, std::string_view view)> translate_view;
};

// The effective permissions of one distinct set of roles. Immutable; owned by the model's cache.
class PermissionSet {
 public:
  bool Has(uint32_t pair) const {
    if (pair == kNoPair) return false;
    const uint32_t word = pair >> 6;
    uint32_t i = (word * 0x9E3779B1u) >> shift_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.word == word) return (s.bits >> (pair & 63)) & 1;
      if (s.word == kEmpty) return false;
      i = (i + 1) & mask_;
    }
  }
  bool all_datasource_access() const { return all_datasource_; }
  bool all_database_access() const { return all_database_; }
  size_t pair_count() const;  // counts the bits (not for the hot path)
  size_t MemoryBytes() const { return sizeof(*this) + (size_t{mask_} + 1) * sizeof(Slot); }

 private:
  friend class PermissionModel;
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint32_t word;  // pair id / 64, or kEmpty
    uint64_t bits;
  };
  std::unique_ptr<Slot[]> slots_;  // mask_ + 1 slots, at most half full
  uint32_t mask_ = 0;
  uint32_t shift_ = 32;
  bool all_datasource_ = false;
  bool all_database_ = false;
};

// The pair ids that grant read access to one table; look it up once (e.g. when a query plan is cached) and check it
// against any PermissionSet in a few nanoseconds. Valid while its model lives.
struct TableAccess {
  uint32_t database_pair = kNoPair;  // database_access on [db]
  uint32_t schema_pair = kNoPair;    // schema_access on [db].[schema]
  const uint32_t* table_pairs = nullptr;  // datasource_access on [db].[schema].[table] with any (id:N), or none
  uint32_t table_pair_count = 0;
};

class PermissionModel {
 public:
  // Errors are FailedPrecondition naming the role and the offending entry: a malformed view menu, an unknown
  // permission name, a data permission on the wrong kind of view menu, an unknown extended role, a cycle, a
  // duplicate role, or an unknown PUBLIC_ROLE_LIKE role.
  //
  // Roles: the family's presets exist unless the policy redefines them; a spec named like a preset with no
  // permissions and no extends IS that preset; with permissions or extends it replaces the preset. The public role
  // (options.public_role, created empty if nothing defines it) holds its own spec's grants plus, when
  // public_role_like is set, the grants of that role. The built-in "Public" preset is NOT given to the anonymous
  // role by default (as in Superset, where it applies only with PUBLIC_ROLE_LIKE = "Public"): when the public role's
  // own name is "Public", PUBLIC_ROLE_LIKE = "Public" names the preset.
  static absl::StatusOr<std::shared_ptr<const PermissionModel>> Build(const std::vector<RoleSpec>& roles,
                                                                      const ModelOptions& options);
  ~PermissionModel();

  std::optional<uint32_t> RoleId(std::string_view name) const;
  uint32_t public_role_id() const { return public_role_id_; }
  size_t role_count() const { return roles_.size(); }
  const std::string& role_name(uint32_t id) const { return roles_[id].name; }
  const ModelOptions& options() const { return options_; }

  // The effective permissions of a role set (order, duplicates and unknown ids are ignored). Cached per distinct
  // set; thread-safe; no heap allocation on a hit when the set has at most 64 ids.
  const PermissionSet& Resolve(std::span<const uint32_t> role_ids) const;
  // The same set computed without the cache (for benchmarks and tests).
  std::unique_ptr<PermissionSet> ComputeUncached(std::span<const uint32_t> role_ids) const;

  // Generic check: does the set hold `permission` on `resource`? Data permissions follow the hierarchy
  // (datasource_access on a table is also granted by schema_access on its schema, database_access on its database,
  // all_database_access and all_datasource_access; schema_access by database_access and the all_* ones;
  // database_access by the all_* ones). DAG permissions on "DAG:<id>" are also granted by the same permission on the
  // all-DAGs wildcards "DAGs" and "all_dags", with can_dag_read ~ can_read and can_dag_edit ~ can_edit.
  bool Can(const PermissionSet& p, std::string_view permission, std::string_view resource) const;

  // Data access for one table: all_datasource_access, all_database_access, database_access on [database],
  // schema_access on [database].[schema], or datasource_access on [database].[schema].[table] (any (id:N)).
  bool CanReadTable(const PermissionSet& p, std::string_view database, std::string_view schema,
                    std::string_view table) const;
  TableAccess LookupTable(std::string_view database, std::string_view schema, std::string_view table) const;
  static bool CanReadTable(const PermissionSet& p, const TableAccess& t) {
    if (p.all_datasource_access() || p.all_database_access()) return true;
    if (p.Has(t.database_pair) || p.Has(t.schema_pair)) return true;
    for (uint32_t i = 0; i < t.table_pair_count; ++i)
      if (p.Has(t.table_pairs[i])) return true;
    return false;
  }

  // PermissionDenied "You need access to the following tables: public.a, public.b" listing every table that lacks
  // access (in order, deduplicated), or OK. A table whose catalog is written and differs from `database` is denied.
  absl::Status CheckTables(const PermissionSet& p, std::string_view database,
                           const std::vector<TableName>& tables) const;

  // Interned ids, for callers that want to skip string hashing.
  uint32_t PairId(std::string_view permission, std::string_view resource) const;

  size_t pair_count() const { return pair_count_; }
  size_t MemoryBytes() const;  // approximate: interning tables, roles, indexes and the cached sets

 private:
  struct Role {
    std::string name;
    size_t pair_count = 0;
  };
  struct WordBits {
    uint32_t word;  // pair id / 64
    uint64_t bits;
  };
  struct SchemaEntry {
    uint32_t database_pair = kNoPair;
    uint32_t schema_pair = kNoPair;
  };
  struct TableEntry {
    SchemaEntry schema;
    uint32_t first = 0;  // into table_pairs_
    uint32_t count = 0;
  };
  // Up to three names (database, schema, table) as one key, with heterogeneous lookup by string_view.
  struct NameKey {
    std::string a, b, c;
  };
  struct NameView {
    std::string_view a, b, c;
  };
  struct NameHash {
    using is_transparent = void;
    size_t operator()(const NameView& v) const;
    size_t operator()(const NameKey& k) const { return (*this)(NameView{k.a, k.b, k.c}); }
  };
  struct NameEq {
    using is_transparent = void;
    static NameView V(const NameView& v) { return v; }
    static NameView V(const NameKey& k) { return NameView{k.a, k.b, k.c}; }
    template <class A, class B>
    bool operator()(const A& x, const B& y) const {
      NameView l = V(x), r = V(y);
      return l.a == r.a && l.b == r.b && l.c == r.c;
    }
  };
  template <class V>
  using NameMap = absl::flat_hash_map<NameKey, V, NameHash, NameEq>;
  using StringMap = absl::flat_hash_map<std::string, uint32_t>;

  struct CacheKeyHash {
    using is_transparent = void;
    size_t operator()(absl::Span<const uint32_t> s) const { return absl::Hash<absl::Span<const uint32_t>>{}(s); }
    size_t operator()(const std::vector<uint32_t>& v) const { return (*this)(absl::MakeConstSpan(v)); }
  };
  struct CacheKeyEq {
    using is_transparent = void;
    static absl::Span<const uint32_t> S(absl::Span<const uint32_t> s) { return s; }
    static absl::Span<const uint32_t> S(const std::vector<uint32_t>& v) { return absl::MakeConstSpan(v); }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return S(a) == S(b);
    }
  };
  struct CacheShard {
    mutable std::shared_mutex mu;
    absl::flat_hash_map<std::vector<uint32_t>, std::unique_ptr<PermissionSet>, CacheKeyHash, CacheKeyEq> sets;
  };
  static constexpr size_t kShards = 16;

  PermissionModel() = default;
  bool HasPair(const PermissionSet& p, uint32_t perm, std::string_view resource) const;
  bool CanSchema(const PermissionSet& p, std::string_view database, std::string_view schema) const;

  ModelOptions options_;
  StringMap permission_ids_;
  StringMap resource_ids_;
  absl::flat_hash_map<uint64_t, uint32_t> pair_ids_;  // permission id << 32 | resource id
  size_t pair_count_ = 0;
  std::vector<Role> roles_;
  std::vector<uint32_t> role_words_begin_;  // role i's words: role_words_[begin[i], begin[i + 1])
  std::vector<WordBits> role_words_;        // every role's pair bitmap, 64-bit words sorted by word index
  StringMap role_ids_;
  uint32_t public_role_id_ = 0;
  uint32_t all_datasource_pair_ = kNoPair;
  uint32_t all_database_pair_ = kNoPair;
  NameMap<uint32_t> databases_;   // (db) -> database_access pair
  NameMap<SchemaEntry> schemas_;  // (db, schema)
  // (db, schema, table) joined with 0 bytes (names hold no control bytes) -> index into table_entries_: one
  // contiguous key, so a lookup is one short-string hash and one memcmp, and the map stays small.
  absl::flat_hash_map<std::string, uint32_t> table_index_;
  std::vector<TableEntry> table_entries_;
  std::vector<uint32_t> table_pairs_;
  std::unique_ptr<std::array<CacheShard, kShards>> cache_ = std::make_unique<std::array<CacheShard, kShards>>();
};

}  // namespace rlsq::access
