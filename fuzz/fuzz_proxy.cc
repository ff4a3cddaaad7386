// libFuzzer target: rlsq-proxy's protocol state machine (proxy/session.cc) without sockets. After a login as a
// policy user, the input is what a client sends, fed in chunks of the size its first byte gives; a fake server
// (tests/proxy/session_driver.h) answers every message the proxy writes as PostgreSQL would. Properties: nothing
// crashes or leaks; every Query and Parse the proxy sends the server holds only statements the proxy lets through
// (queries, which the engine rewrote, and allow-listed session statements), the proxy's refusal marker, or its own
// search-path query: a refused statement never reaches the server.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "proxy/statements.h"
#include "tests/proxy/session_driver.h"

namespace {

using namespace rlsq_proxy;
using namespace rlsq_proxy::testing;

const std::string& Policy() {
  static const std::string* text = [] {
    std::ifstream in(RLSQ_SOURCE_DIR "/examples/policy.json");
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().empty()) {
      std::fprintf(stderr, "fuzz_proxy: examples/policy.json not found\n");
      std::abort();
    }
    return new std::string(s.str());
  }();
  return *text;
}

void CheckSentToServer(std::string_view bytes, std::string_view marker) {
  for (const auto& [type, body] : Messages(bytes)) {
    std::string_view text;
    if (type == 'Q') {
      text = std::string_view(body).substr(0, body.find('\0'));
    } else if (type == 'P') {
      size_t name_end = body.find('\0');
      if (name_end == std::string::npos) continue;
      text = std::string_view(body).substr(name_end + 1);
      text = text.substr(0, text.find('\0'));
    } else {
      continue;
    }
    if (text == marker || text == "SELECT pg_catalog.current_schemas(false)") continue;
    for (const Statement& st : SplitStatements(text)) {
      if (st.kind == StatementKind::kRefused) {
        std::fprintf(stderr, "fuzz_proxy: a refused statement reached the server: %.*s\n",
                     static_cast<int>(text.size()), text.data());
        std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  SessionDriver d(Policy(), 64 * 1024);
  if (!d.Login("alice")) std::abort();
  const std::string marker = d.context().refusal_marker();
  const size_t chunk = 1 + data[0];
  const char* p = reinterpret_cast<const char*>(data + 1);
  size_t left = size - 1;
  char status = 'I';
  for (int round = 0; left > 0 && !d.session().closing() && round < 256; ++round) {
    const size_t n = std::min(chunk, left);
    d.Client(std::string_view(p, n));
    p += n;
    left -= n;
    // The server answers until the proxy has nothing more to say to it (a search-path read-back sends one more).
    for (int i = 0; i < 4 && !d.session().closing(); ++i) {
      std::string sent = d.TakeServer();
      if (sent.empty()) break;
      CheckSentToServer(sent, marker);
      d.Server(AnswerAsServer(sent, marker, &status));
    }
    d.TakeClient();
  }
  return 0;
}
