// The reference every rlsq benchmark is measured against in the same run: PostgreSQL's own parser through
// libpg_query's public API (`pg_query_parse`: the parse tree as JSON, then freed). Shared by parse_bench,
// rewrite_bench and scaling_bench; link ${PG_QUERY_LIB}.
#pragma once

#include <benchmark/benchmark.h>
#include <pg_query.h>

#include <string>

namespace rlsq::bench {

inline void PgQueryParseLoop(benchmark::State& state, const std::string& sql) {
  for (auto _ : state) {
    PgQueryParseResult result = pg_query_parse(sql.c_str());
    bool failed = result.error != nullptr;
    pg_query_free_parse_result(result);
    if (failed) {
      state.SkipWithError("pg_query_parse failed");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sql.size()));
}

}  // namespace rlsq::bench
