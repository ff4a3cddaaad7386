// Runs a libFuzzer target's entry point over files, in an ordinary build: tests/proxy's proxy_fuzz_replay runs
// fuzz/fuzz_proxy.cc over its seeds and fuzz/regressions/*.pgwire with the Release build, so the target compiles and
// its properties hold on every CI run, not only in the instrumented build.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  int n = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 2;
    }
    std::stringstream s;
    s << in.rdbuf();
    const std::string d = s.str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(d.data()), d.size());
    ++n;
  }
  std::printf("%d inputs ran clean\n", n);
  return n > 0 ? 0 : 1;
}
