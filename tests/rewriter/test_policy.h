// The policy the rewriter tests share.
#pragma once

namespace rlsq::testing {

inline constexpr const char* kTestPolicy = R"json({
  "default_schema": "public",
  "default_database": "tpch",
  "roles": [
    {"name": "Reader", "permissions": [["schema_access", "[tpch].[public]"], ["schema_access", "[tpch].[other]"]]},
    {"name": "Finance", "permissions": [["datasource_access", "[tpch].[public].[orders]"]]},
    {"name": "Sales", "permissions": []},
    {"name": "Admin"}
  ],
  "users": [
    {"username": "alice", "id": 7, "email": "alice@example.com", "roles": ["Reader", "Finance"],
     "attributes": {"region": "EUROPE"}},
    {"username": "bob", "roles": ["Reader", "Finance", "Sales"]},
    {"username": "root", "roles": ["Admin"]},
    {"username": "nobody", "roles": ["Reader"]},
    {"username": "orders_only", "roles": ["Finance"]}
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
