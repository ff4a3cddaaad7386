// Writes the Superset metadata fixture (tests/sources/superset_fixture.h) to a SQLite file, for tests of the
// bindings (the C API test, the Python tests): write_superset_fixture PATH.
#include <cstdio>
#include <filesystem>

#include "tests/sources/superset_fixture.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_superset_fixture PATH.db\n");
    return 2;
  }
  std::filesystem::remove(argv[1]);
  rlsq::testing::ExecSqliteOrDie(argv[1], rlsq::testing::SupersetMetadataSql(rlsq::sources::Backend::kSqlite));
  std::printf("%s\n", rlsq::testing::SupersetFixtureJson().c_str());  // its JSON twin, for comparisons
  return 0;
}
