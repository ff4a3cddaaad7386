// rlsqd's endpoints, apart from HTTP transport: a request (method, path, the headers that matter, body) in, a
// status, headers and body out. The server (server.h) parses and writes HTTP; everything an endpoint decides is here
// (README "rlsqd" lists the endpoints, bodies and statuses).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rewriter/engine.h"
#include "rlsqd/metrics.h"
#include "rlsqd/service.h"

namespace rlsqd {

struct ApiRequest {
  std::string method;         // "GET", "POST", ...
  std::string target;         // path and query, as sent
  std::string authorization;  // the Authorization header, "" when absent
  std::string content_type;
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, WWW-Authenticate)
  Endpoint endpoint = Endpoint::kOther;
  Outcome outcome = Outcome::kOk;
};

// Answers one request. Never throws; anything unexpected is a 500 with a JSON error.
ApiResponse Handle(Service& service, const ApiRequest& request);

// The error body every endpoint uses: {"error": {"code", "sqlstate", "message", "line", "column"[, "tables"]}};
// line, column and tables from `where` (an engine error), else null and absent.
ApiResponse ErrorResponse(int status, Outcome outcome, std::string_view code, std::string_view sqlstate,
                          std::string_view message, const rlsq::ErrorInfo* where = nullptr);

// Compares a presented secret with the configured one in time independent of where they differ (or of their
// lengths: both are hashed first).
bool SecretEquals(std::string_view presented, std::string_view expected);

}  // namespace rlsqd
