// rlsqd: rlsq's HTTP sidecar (README "rlsqd"). rlsqd --help lists the flags.
#include <cstdio>
#include <string>
#include <vector>

#include "lib/common/str_cat.h"
#include "lib/dialect/dialect.h"
#include "rlsqd/config.h"
#include "rlsqd/server.h"
#include "rlsqd/service.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool help = false;
  auto config = rlsqd::ParseFlags(args, &help);
  if (help) {
    std::fputs(rlsqd::HelpText().c_str(), stdout);
    return 0;
  }
  if (!config.ok()) {
    std::fprintf(stderr, "rlsqd: %s\n", std::string(rlsq::ToStd(config.status().message())).c_str());
    return 1;
  }
  auto service = rlsqd::Service::Create(*config);
  if (!service.ok()) {
    std::fprintf(stderr, "rlsqd: %s\n", std::string(rlsq::ToStd(service.status().message())).c_str());
    return 1;
  }
  rlsqd::Server server(**service, *config);
  if (absl::Status s = server.Listen(); !s.ok()) {
    std::fprintf(stderr, "rlsqd: %s\n", std::string(rlsq::ToStd(s.message())).c_str());
    return 1;
  }
  server.Run();
  return 0;
}
