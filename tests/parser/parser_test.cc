#include "lib/parser/parser.h"

#include "lib/ast/ast_util.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

TEST(ParserSmoke, SimpleSelect) {
  auto r = ParseQuery("SELECT a, b FROM t JOIN u ON t.id = u.id WHERE a > 1");
  RLSQ_ASSERT_OK(r);
}

}  // namespace
}  // namespace rlsq
