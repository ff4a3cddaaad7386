// libFuzzer target: rlsqd's request path without sockets. The input is the raw bytes a client sends; Beast parses
// them (rlsqd's header and body limits), and each complete request goes to the endpoint handler (rlsqd/api.h) of a
// service with the example policy. Properties: nothing crashes or leaks; every answer has a status of the contract
// and a JSON body (or Prometheus text for /metrics) that the strict reader accepts; a 200 rewrite carries "sql" and
// the version in force; an error carries a code and a five-character SQLSTATE.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "lib/json/json.h"
#include "rlsqd/api.h"
#include "rlsqd/service.h"

namespace {

namespace http = boost::beast::http;

rlsqd::Service& TheService() {
  static rlsqd::Service* service = [] {
    rlsqd::Config c;
    c.policy_file = RLSQ_SOURCE_DIR "/examples/policy.json";
    c.watch_interval = std::chrono::milliseconds(0);
    c.max_body_bytes = 64 * 1024;
    auto created = rlsqd::Service::Create(c);
    rlsqd::Service* s = created.ok() ? created->release() : nullptr;  // lives as long as the process
    if (!s || !s->current()) {
      std::fprintf(stderr, "fuzz_http: the example policy did not load\n");
      std::abort();
    }
    return s;
  }();
  return *service;
}

void Check(bool ok, const char* what, const std::string& body) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_http: %s\n%s\n", what, body.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rlsqd::Service& service = TheService();
  const char* p = reinterpret_cast<const char*>(data);
  size_t left = size;
  for (int requests = 0; left > 0 && requests < 4; ++requests) {  // pipelined requests, as a session reads them
    http::request_parser<http::string_body> parser;
    parser.header_limit(8192);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    size_t used = 0;
    while (!ec && !parser.is_done() && used < left) {
      const size_t n = parser.put(boost::asio::buffer(p + used, left - used), ec);
      if (n == 0 && !ec) break;  // needs more bytes than there are
      used += n;
    }
    if (ec || !parser.is_done()) return 0;  // the session answers 400/413/431 or waits: nothing to handle
    p += used;
    left -= used;
    const auto& req = parser.get();
    rlsqd::ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    if (auto a = req.find(http::field::authorization); a != req.end()) request.authorization = std::string(a->value());
    request.body = req.body();
    const rlsqd::ApiResponse r = rlsqd::Handle(service, request);
    static const int kStatuses[] = {200, 400, 401, 403, 404, 405, 413, 422, 431, 500, 503};
    bool known = false;
    for (int s : kStatuses) known = known || s == r.status;
    Check(known, "a status outside the contract", r.body);
    Check(r.status != 500, "an internal error", r.body);
    if (r.content_type != "application/json") {
      Check(r.endpoint == rlsqd::Endpoint::kMetrics && r.status == 200, "a non-JSON answer", r.body);
      continue;
    }
    auto body = rlsq::json::Parse(r.body);
    Check(body.ok() && body->is_object(), "an answer that is not a JSON object", r.body);
    if (r.status == 200 && r.endpoint == rlsqd::Endpoint::kRewrite) {
      Check(body->Find("sql") && body->Find("sql")->is_string(), "a 200 rewrite without sql", r.body);
      Check(body->Find("policy_version")->text() == service.current()->version, "another version", r.body);
    }
    if (r.status != 200) {
      const rlsq::json::Value* e = body->Find("error");
      Check(e && e->Find("code") && e->Find("sqlstate") && e->Find("sqlstate")->text().size() == 5,
            "an error without code and SQLSTATE", r.body);
      Check(!body->Find("sql"), "an error that returns SQL", r.body);
    }
  }
  return 0;
}
