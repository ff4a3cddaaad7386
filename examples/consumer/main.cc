// Rewrites one query for one user with the installed rlsq (C++ wrapper over the C API).
//   consumer POLICY.json USER "SQL"
#include <iostream>

#include "rlsq/rlsq.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: consumer POLICY.json USER SQL\n";
    return 2;
  }
  try {
    auto engine = rlsq::api::Engine::FromFile(argv[1]);
    rlsq::api::Request request;
    request.user = argv[2];
    std::cout << engine.Rewrite(argv[3], request).sql << "\n";
    return 0;
  } catch (const rlsq::api::Error& e) {
    std::cerr << "rlsq " << rlsq::api::Version() << ": error " << e.code() << ": " << e.what() << "\n";
    for (const std::string& t : e.tables()) std::cerr << "  missing access: " << t << "\n";
    return 1;
  }
}
