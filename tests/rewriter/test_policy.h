// The policy the rewriter tests share.
#pragma once

namespace rlsq::testing {

inline constexpr const char* kTestPolicy = R"json({
  "default_schema": "public",
  "roles": [
    {"name": "Finance", "permissions": [["datasource_access", "[tpch].[public].[orders]"]]},
    {"name": "Sales", "permissions": []},
    {"name": "Admin", "permissions": [["all_datasource_access", "all_datasource_access"]]}
  ],
  "users": [
    {"username": "alice", "id": 7, "email": "alice@example.com", "roles": ["Finance"], "attributes": {"region": "EUROPE"}},
    {"username": "bob", "roles": ["Finance", "Sales"]},
    {"username": "root", "roles": ["Admin"]},
    {"username": "nobody", "roles": []}
  ],
  "rls_filters": [
    {"name": "urgent", "filter_type": "Regular", "tables": ["public.orders"], "roles": ["Finance"],
     "clause": "o_orderpriority = '1-URGENT' -- a trailing comment must not swallow the query"},
    {"name": "europe", "filter_type": "Regular", "tables": ["nation"], "roles": ["Finance"], "group_key": "region",
     "clause": "n_regionkey = 3"},
    {"name": "asia", "filter_type": "Regular", "tables": ["NATION"], "roles": ["Sales"], "group_key": "region",
     "clause": "n_regionkey = 2"},
    {"name": "no_building", "filter_type": "Base", "tables": ["customer"], "roles": ["Admin"],
     "clause": "c_mktsegment <> 'BUILDING'"}
  ]
})json";

}  // namespace rlsq::testing
