// libFuzzer target: the PostgreSQL lexer. Any byte string must be tokenized or refused with a positioned
// InvalidArgument; tokens must lie inside the input and end with exactly one kEof.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "lib/common/arena.h"
#include "lib/dialect/dialect.h"
#include "lib/lexer/token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  rlsq::Arena arena;
  std::vector<rlsq::Token> tokens;
  absl::Status st = rlsq::Dialect::Postgres().Tokenize(sql, arena, &tokens);
  if (!st.ok()) {
    if (st.code() != absl::StatusCode::kInvalidArgument) {
      std::fprintf(stderr, "lexer returned %s\n", st.ToString().c_str());
      std::abort();
    }
    return 0;
  }
  if (tokens.empty() || tokens.back().kind != rlsq::TokenKind::kEof) std::abort();
  uint32_t last_end = 0;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const rlsq::Token& t = tokens[i];
    // Tokens are in order, do not overlap and lie inside the input; only the last one is kEof.
    if (t.kind == rlsq::TokenKind::kEof || t.begin < last_end || t.end < t.begin || t.end > size) std::abort();
    last_end = t.end;
  }
  return 0;
}
