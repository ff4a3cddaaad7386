// libFuzzer target: the full rewrite with a fixed policy, for a user with filters on several tables (incl. a
// self-joined and an aliased case) and for an admin with a Base filter, under both placements (fenced when bit 3
// of the input's size is set, plain otherwise). Every input must be rewritten or refused
// (InvalidArgument). When a rewrite succeeds, CheckRewriteProperty must hold (see rewrite_property.h): the output
// re-parses, reads the same base tables, and every read of a filtered table carries its predicate.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/rewrite_property.h"
#include "rewriter/engine.h"

namespace {

constexpr const char* kPolicy = R"json({
  "default_schema": "public",
  "roles": [{"name": "Finance", "permissions": [["all_datasource_access", "all_datasource_access"]]},
            {"name": "Sales", "permissions": [["all_datasource_access", "all_datasource_access"]]},
            {"name": "Admin", "permissions": [["all_datasource_access", "all_datasource_access"]]}],
  "users": [
    {"username": "alice", "roles": ["Finance"]},
    {"username": "bob", "roles": ["Finance", "Sales"]},
    {"username": "root", "roles": ["Admin"]}
  ],
  "rls_filters": [
    {"name": "urgent", "filter_type": "Regular", "tables": ["orders"], "roles": ["Finance"],
     "clause": "o_orderpriority = '1-URGENT' -- trailing comment"},
    {"name": "cheap", "filter_type": "Regular", "tables": ["public.lineitem", "part"], "roles": ["Finance"],
     "clause": "1 = 1 AND true"},
    {"name": "europe", "filter_type": "Regular", "tables": ["nation"], "roles": ["Finance"], "group_key": "region",
     "clause": "n_regionkey = 3"},
    {"name": "asia", "filter_type": "Regular", "tables": ["NATION"], "roles": ["Sales"], "group_key": "region",
     "clause": "n_regionkey = 2 OR n_name LIKE 'J%'"},
    {"name": "no_building", "filter_type": "Base", "tables": ["customer"], "roles": ["Finance"],
     "clause": "c_mktsegment <> 'BUILDING'"},
    {"name": "quoted", "filter_type": "Regular", "tables": ["\"Weird Table\"", "s.t"], "roles": ["Sales", "Admin"],
     "clause": "\"Col\" IS NOT NULL"}
  ]
})json";

struct Fixture {
  std::unique_ptr<rlsq::Engine> engine;
  Fixture() {
    auto e = rlsq::Engine::FromPolicyJson(kPolicy);
    if (!e.ok()) {
      std::fprintf(stderr, "policy: %s\n", e.status().ToString().c_str());
      std::abort();
    }
    engine = std::move(*e);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture f;
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  for (const char* user : {"alice", "bob", "root"}) {
    rlsq::RewriteOptions options;
    options.use_plan_cache = (size & 7) != 0;  // mostly one parse for the three users; sometimes uncached
    options.placement = (size & 8) ? rlsq::policy::PlacementMode::kFenced : rlsq::policy::PlacementMode::kPlain;
    auto r = f.engine->rewrite(sql, rlsq::Caller{user}, options);
    if (!r.ok()) {
      if (r.status().code() != absl::StatusCode::kInvalidArgument &&
          r.status().code() != absl::StatusCode::kPermissionDenied) {
        std::fprintf(stderr, "rewrite as %s: %s\n", user, r.status().ToString().c_str());
        std::abort();
      }
      return 0;  // refused for one user: refused for all (the policy does not change what parses)
    }
    absl::Status p = rlsq::fuzz::CheckRewriteProperty(sql, r->sql, rlsq::fuzz::AsPolicy(f.engine->policy()),
                                                      rlsq::fuzz::AsPolicy(f.engine->policy()).UserIndex(user));
    if (!p.ok()) {
      std::fprintf(stderr, "PROPERTY VIOLATED as %s: %s\ninput:\n%.*s\noutput:\n%s\n", user, p.ToString().c_str(),
                   static_cast<int>(sql.size()), sql.data(), r->sql.c_str());
      std::abort();
    }
  }
  return 0;
}
