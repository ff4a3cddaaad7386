#include "rlsqd/api.h"

#include <openssl/crypto.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>

#include "lib/common/digest.h"
#include "lib/common/str_cat.h"
#include "lib/json/json.h"

namespace rlsqd {

using rlsq::Append;
using rlsq::Cat;
using rlsq::json::Value;

namespace {

constexpr std::string_view kJson = "application/json";

std::string Quoted(std::string_view s) {
  std::string out;
  rlsq::json::AppendString(s, &out);
  return out;
}

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms % 1000));
  return Cat(buf, frac);
}

// Request bytes echoed in a message (an unknown path): printable ASCII kept, anything else percent-encoded, so that
// the answer stays valid UTF-8 JSON whatever the client sent.
std::string Printable(std::string_view raw) {
  std::string out;
  for (unsigned char c : raw.substr(0, 200)) {
    if (c >= 0x20 && c < 0x7f && c != '%') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  if (raw.size() > 200) out += "...";
  return out;
}

ApiResponse Json(int status, Outcome outcome, std::string body) {
  ApiResponse r;
  r.status = status;
  r.outcome = outcome;
  r.body = std::move(body);
  return r;
}

ApiResponse BadRequest(std::string_view message) {
  return ErrorResponse(400, Outcome::kBadRequest, "bad_request", "08P01", message);
}

// The request body as a JSON object whose keys are all in `allowed`.
absl::StatusOr<Value> ParseBody(const ApiRequest& req, std::initializer_list<std::string_view> allowed) {
  auto v = rlsq::json::Parse(req.body);
  if (!v.ok()) return absl::InvalidArgumentError(Cat("the body is not JSON: ", rlsq::ToStd(v.status().message())));
  if (!v->is_object()) return absl::InvalidArgumentError("the body must be a JSON object");
  for (const auto& [key, unused] : v->members()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) Append(&list, list.empty() ? "" : ", ", a);
      return absl::InvalidArgumentError(Cat("unknown key \"", key, "\"; expected ", list));
    }
  }
  return v;
}

absl::StatusOr<std::string_view> StringKey(const Value& body, std::string_view key, bool required) {
  const Value* v = body.Find(key);
  if (!v || v->is_null()) {
    if (required) return absl::InvalidArgumentError(Cat("\"", key, "\" is required"));
    return std::string_view();
  }
  if (!v->is_string()) return absl::InvalidArgumentError(Cat("\"", key, "\" must be a string"));
  return v->text();
}

absl::StatusOr<bool> BoolKey(const Value& body, std::string_view key) {
  const Value* v = body.Find(key);
  if (!v || v->is_null()) return false;
  if (!v->is_bool()) return absl::InvalidArgumentError(Cat("\"", key, "\" must be true or false"));
  return v->boolean();
}

// Who asks: "user" (a user of the policy), "caller" (an identity given inline) or "anonymous": true, exactly one.
absl::StatusOr<rlsq::Caller> CallerOf(const Value& body) {
  const Value* user = body.Find("user");
  const Value* caller = body.Find("caller");
  auto anonymous = BoolKey(body, "anonymous");
  if (!anonymous.ok()) return anonymous.status();
  const int given = (user && !user->is_null()) + (caller && !caller->is_null()) + (*anonymous ? 1 : 0);
  if (given != 1) return absl::InvalidArgumentError("give exactly one of \"user\", \"caller\" and \"anonymous\": true");
  rlsq::Caller c;
  if (*anonymous) {
    c.anonymous = true;
  } else if (user && !user->is_null()) {
    if (!user->is_string() || user->text().empty())
      return absl::InvalidArgumentError("\"user\" must be a user name (a non-empty string)");
    c.username = std::string(user->text());
  } else {
    if (!caller->is_object()) return absl::InvalidArgumentError("\"caller\" must be an object");
    std::string text;
    rlsq::json::AppendValue(*caller, &text);
    auto identity = rlsq::ParseCallerJson(text);
    if (!identity.ok()) return identity.status();
    c.identity = std::make_shared<const rlsq::CallerIdentity>(std::move(*identity));
  }
  return c;
}

std::string CallerName(const rlsq::Caller& c) {
  if (c.identity) return c.identity->username;
  return c.anonymous ? std::string("(anonymous)") : c.username;
}

// An engine error as the HTTP status and JSON error of the contract (the SQLSTATE is the engine's, DescribeError).
ApiResponse EngineError(const rlsq::ErrorInfo& e) {
  switch (e.kind) {
    case rlsq::ErrorInfo::Kind::kQueryRefused:
      return ErrorResponse(422, Outcome::kRefused, e.sqlstate == "0A000" ? "unsupported" : "query_refused", e.sqlstate,
                           e.message, &e);
    case rlsq::ErrorInfo::Kind::kAccessDenied:
      return ErrorResponse(403, Outcome::kDenied, "access_denied", e.sqlstate, e.message, &e);
    case rlsq::ErrorInfo::Kind::kUnknownUser:
      return ErrorResponse(404, Outcome::kNotFound, "unknown_user", e.sqlstate, e.message, &e);
    case rlsq::ErrorInfo::Kind::kPolicyError:
      return ErrorResponse(500, Outcome::kError, "policy_error", e.sqlstate, e.message, &e);
    case rlsq::ErrorInfo::Kind::kInternal:
      break;
  }
  return ErrorResponse(500, Outcome::kError, "internal", e.sqlstate, e.message, &e);
}

ApiResponse NoPolicy(std::string_view message = "no policy is loaded") {
  return ErrorResponse(503, Outcome::kUnavailable, "no_policy", "57P03", message);
}

void Audit(Service& service, std::string_view endpoint, const rlsq::Caller* caller, std::string_view sql,
           const std::vector<std::string>& tables, const std::vector<std::string>& filters, const Loaded* loaded,
           const ApiResponse& r, std::string_view detail) {
  if (!service.audit().enabled()) return;
  std::string line = Cat("{\"time\":", Quoted(Rfc3339(std::chrono::system_clock::now())), ",\"endpoint\":",
                         Quoted(endpoint), ",\"caller\":", caller ? Quoted(CallerName(*caller)) : "null");
  if (!sql.empty()) Append(&line, ",\"query_fingerprint\":", Quoted(rlsq::Sha256Hex({"rlsqd query", sql}).substr(0, 16)));
  if (!detail.empty()) Append(&line, ",", detail);
  line += ",\"tables\":[";
  for (size_t i = 0; i < tables.size(); ++i) Append(&line, i ? "," : "", Quoted(tables[i]));
  line += "],\"filters\":[";
  for (size_t i = 0; i < filters.size(); ++i) Append(&line, i ? "," : "", Quoted(filters[i]));
  Append(&line, "],\"policy_version\":", loaded ? Quoted(loaded->version) : "null", ",\"outcome\":",
         Quoted(OutcomeName(r.outcome)), ",\"status\":", r.status, "}");
  service.audit().Write(line);
}

ApiResponse Rewrite(Service& service, const ApiRequest& req) {
  auto body = ParseBody(req, {"sql", "user", "caller", "anonymous", "dialect", "database", "guest_rules", "explain",
                              "search_path"});
  if (!body.ok()) return BadRequest(rlsq::ToStd(body.status().message()));
  auto sql = StringKey(*body, "sql", true);
  if (!sql.ok()) return BadRequest(rlsq::ToStd(sql.status().message()));
  auto caller = CallerOf(*body);
  if (!caller.ok()) return BadRequest(rlsq::ToStd(caller.status().message()));
  auto explain = BoolKey(*body, "explain");
  if (!explain.ok()) return BadRequest(rlsq::ToStd(explain.status().message()));
  rlsq::RewriteOptions options;
  options.explain = true;  // the reads are in every answer and in the audit log
  auto dialect = StringKey(*body, "dialect", false);
  if (!dialect.ok()) return BadRequest(rlsq::ToStd(dialect.status().message()));
  if (!dialect->empty()) {
    options.dialect = rlsq::Dialect::Find(*dialect);
    if (!options.dialect) return BadRequest(Cat("unknown dialect \"", *dialect, "\""));
  }
  auto database = StringKey(*body, "database", false);
  if (!database.ok()) return BadRequest(rlsq::ToStd(database.status().message()));
  options.database = std::string(*database);
  if (const Value* rules = body->Find("guest_rules"); rules && !rules->is_null()) {
    std::string text;
    rlsq::json::AppendValue(*rules, &text);
    auto parsed = rlsq::ParseGuestRules(text);
    if (!parsed.ok()) return BadRequest(rlsq::ToStd(parsed.status().message()));
    options.guest_rules = std::move(*parsed);
  }
  if (const Value* path = body->Find("search_path"); path && !path->is_null()) {
    if (!path->is_array() || path->items().empty())
      return BadRequest("\"search_path\" must be a non-empty array of schema names");
    for (const Value& s : path->items()) {
      if (!s.is_string() || s.text().empty()) return BadRequest("\"search_path\" must list schema names (strings)");
      options.search_path.emplace_back(s.text());
    }
  }

  std::shared_ptr<const Loaded> loaded = service.current();
  if (!loaded) return NoPolicy();
  auto result = loaded->engine->rewrite(*sql, *caller, options);
  std::vector<std::string> tables, filters;
  ApiResponse r;
  if (result.ok()) {
    std::string out = Cat("{\"sql\":", Quoted(result->sql), ",\"changed\":", result->changed ? "true" : "false",
                          ",\"policy_version\":", Quoted(loaded->version), ",\"reads\":[");
    for (size_t i = 0; i < result->reads.size(); ++i) {
      const rlsq::TableReadReport& read = result->reads[i];
      tables.push_back(read.table.schema.empty() ? read.table.name : Cat(read.table.schema, ".", read.table.name));
      Append(&out, i ? "," : "", "{\"table\":", Quoted(read.table_sql), ",\"schema\":", Quoted(read.table.schema),
             ",\"name\":", Quoted(read.table.name), ",\"alias\":", read.alias.empty() ? "null" : Quoted(read.alias),
             ",\"system\":", read.system ? "true" : "false", ",\"filters\":[");
      for (size_t f = 0; f < read.filters.size(); ++f) {
        Append(&out, f ? "," : "", Quoted(read.filters[f].name));
        filters.push_back(read.filters[f].name);
      }
      out += "]}";
    }
    out += "]";
    if (*explain) Append(&out, ",\"explain\":", result->ExplainJson());
    out += "}";
    r = Json(200, Outcome::kOk, std::move(out));
  } else {
    const rlsq::ErrorInfo e = rlsq::DescribeError(result.status());
    r = EngineError(e);
    tables = e.tables;
  }
  Audit(service, "/v1/rewrite", &*caller, *sql, tables, filters, loaded.get(), r, "");
  return r;
}

ApiResponse Check(Service& service, const ApiRequest& req) {
  auto body = ParseBody(req, {"user", "caller", "anonymous", "permission", "resource"});
  if (!body.ok()) return BadRequest(rlsq::ToStd(body.status().message()));
  auto caller = CallerOf(*body);
  if (!caller.ok()) return BadRequest(rlsq::ToStd(caller.status().message()));
  auto permission = StringKey(*body, "permission", true);
  if (!permission.ok()) return BadRequest(rlsq::ToStd(permission.status().message()));
  auto resource = StringKey(*body, "resource", true);
  if (!resource.ok()) return BadRequest(rlsq::ToStd(resource.status().message()));
  std::shared_ptr<const Loaded> loaded = service.current();
  if (!loaded) return NoPolicy();
  auto allowed = loaded->engine->can(*caller, *permission, *resource);
  ApiResponse r = allowed.ok() ? Json(200, Outcome::kOk,
                                      Cat("{\"allowed\":", *allowed ? "true" : "false", ",\"permission\":",
                                          Quoted(*permission), ",\"resource\":", Quoted(*resource),
                                          ",\"policy_version\":", Quoted(loaded->version), "}"))
                               : EngineError(rlsq::DescribeError(allowed.status()));
  Audit(service, "/v1/check", &*caller, "", {}, {}, loaded.get(), r,
        Cat("\"permission\":", Quoted(*permission), ",\"resource\":", Quoted(*resource),
            allowed.ok() ? Cat(",\"allowed\":", *allowed ? "true" : "false") : ""));
  return r;
}

ApiResponse PolicyInfo(Service& service) {
  std::shared_ptr<const Loaded> loaded = service.current();
  std::string out = "{\"loaded\":";
  out += loaded ? "true" : "false";
  if (loaded) {
    const auto policy = loaded->engine->policy();
    Append(&out, ",\"version\":", Quoted(loaded->version), ",\"generation\":", loaded->generation,
           ",\"loaded_at\":", Quoted(Rfc3339(loaded->loaded_at)), ",\"dialect\":", Quoted(policy->dialect().name()),
           ",\"counts\":{\"roles\":", policy->permissions().role_count(), ",\"users\":", policy->users().size(),
           ",\"filters\":", policy->filters().size(), "}");
  }
  Append(&out, ",\"source\":", Quoted(service.source_description()), ",\"reloads\":", service.reloads(),
         ",\"reload_failures\":", service.reload_failures(), ",\"last_error\":",
         service.last_error().empty() ? "null" : Quoted(service.last_error()), ",\"warnings\":[");
  const std::vector<std::string> warnings = service.warnings();
  for (size_t i = 0; i < warnings.size(); ++i) Append(&out, i ? "," : "", Quoted(warnings[i]));
  out += "]}";
  return Json(200, Outcome::kOk, std::move(out));
}

ApiResponse Reload(Service& service) {
  bool changed = false;
  absl::Status s = service.ReloadNow(&changed);
  std::shared_ptr<const Loaded> loaded = service.current();
  if (!s.ok()) {
    ApiResponse r = ErrorResponse(422, Outcome::kRefused, "policy_refused", "F0000",
                                  Cat("the new policy was refused; ",
                                      loaded ? Cat("version ", loaded->version, " stays in force") : "no policy is in force",
                                      ": ", rlsq::ToStd(s.message())));
    return r;
  }
  return Json(200, Outcome::kOk,
              Cat("{\"reloaded\":", changed ? "true" : "false", ",\"policy_version\":",
                  loaded ? Quoted(loaded->version) : "null", ",\"generation\":", loaded ? loaded->generation : 0, "}"));
}

// The bearer token of an Authorization header, or "" when it has none.
std::string_view BearerToken(std::string_view header) {
  if (header.size() < 7) return {};
  std::string scheme(header.substr(0, 7));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return {};
  std::string_view token = header.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

ApiResponse Unauthorized() {
  ApiResponse r = ErrorResponse(401, Outcome::kUnauthorized, "unauthorized", "28000",
                                "this endpoint needs \"Authorization: Bearer TOKEN\" with the right token");
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rlsqd\"");
  return r;
}

ApiResponse Route(Service& service, const ApiRequest& req, Endpoint* endpoint) {
  std::string_view path = req.target;
  if (size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  struct Route {
    std::string_view path;
    std::string_view method;
    Endpoint endpoint;
  };
  static constexpr Route kRoutes[] = {
      {"/v1/rewrite", "POST", Endpoint::kRewrite}, {"/v1/check", "POST", Endpoint::kCheck},
      {"/v1/policy", "GET", Endpoint::kPolicy},    {"/v1/reload", "POST", Endpoint::kReload},
      {"/livez", "GET", Endpoint::kLivez},         {"/readyz", "GET", Endpoint::kReadyz},
      {"/metrics", "GET", Endpoint::kMetrics},
  };
  const Route* route = nullptr;
  for (const Route& r : kRoutes)
    if (r.path == path) route = &r;
  if (!route) return ErrorResponse(404, Outcome::kNotFound, "not_found", "42704", Cat("no endpoint ", Printable(path)));
  *endpoint = route->endpoint;
  if (req.method != route->method && !(req.method == "HEAD" && route->method == "GET")) {
    ApiResponse r = ErrorResponse(405, Outcome::kBadRequest, "method_not_allowed", "08P01",
                                  Cat(path, " takes ", route->method));
    r.headers.emplace_back("Allow", std::string(route->method));
    return r;
  }
  // Probes need no token; reload takes the reload token when one is set, else the API token.
  const Config& c = service.config();
  const std::string& token = route->endpoint == Endpoint::kReload && !c.reload_token.empty() ? c.reload_token
                                                                                              : c.api_token;
  const bool probe = route->endpoint == Endpoint::kLivez || route->endpoint == Endpoint::kReadyz;
  if (!probe && !token.empty() && !SecretEquals(BearerToken(req.authorization), token)) return Unauthorized();
  switch (route->endpoint) {
    case Endpoint::kRewrite: return Rewrite(service, req);
    case Endpoint::kCheck: return Check(service, req);
    case Endpoint::kPolicy: return PolicyInfo(service);
    case Endpoint::kReload: return Reload(service);
    case Endpoint::kLivez: return Json(200, Outcome::kOk, "{\"status\":\"ok\"}");
    case Endpoint::kReadyz: {
      auto loaded = service.current();
      if (!loaded) return NoPolicy("not ready: no policy is loaded");
      return Json(200, Outcome::kOk, Cat("{\"status\":\"ready\",\"policy_version\":", Quoted(loaded->version), "}"));
    }
    case Endpoint::kMetrics: {
      ApiResponse r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      service.AppendMetrics(&r.body);
      return r;
    }
    case Endpoint::kOther:
    case Endpoint::kCount: break;
  }
  return ErrorResponse(404, Outcome::kNotFound, "not_found", "42704", Cat("no endpoint ", Printable(path)));
}

}  // namespace

bool SecretEquals(std::string_view presented, std::string_view expected) {
  const std::string a = rlsq::Sha256Hex({"rlsqd token", presented});
  const std::string b = rlsq::Sha256Hex({"rlsqd token", expected});
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0 && !presented.empty();
}

ApiResponse ErrorResponse(int status, Outcome outcome, std::string_view code, std::string_view sqlstate,
                          std::string_view message, const rlsq::ErrorInfo* where) {
  ApiResponse r;
  r.status = status;
  r.outcome = outcome;
  const bool placed = where && where->line > 0;
  r.body = Cat("{\"error\":{\"code\":", Quoted(code), ",\"sqlstate\":", Quoted(sqlstate), ",\"message\":",
               Quoted(message), ",\"line\":", placed ? Cat(where->line) : "null", ",\"column\":",
               placed ? Cat(where->column) : "null");
  if (where && !where->tables.empty()) {
    r.body += ",\"tables\":[";
    for (size_t i = 0; i < where->tables.size(); ++i) Append(&r.body, i ? "," : "", Quoted(where->tables[i]));
    r.body += "]";
  }
  r.body += "}}";
  return r;
}

ApiResponse Handle(Service& service, const ApiRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  Endpoint endpoint = Endpoint::kOther;
  ApiResponse r;
  try {
    r = Route(service, request, &endpoint);
  } catch (const std::exception& e) {
    r = ErrorResponse(500, Outcome::kError, "internal", "XX000", Cat("internal error: ", e.what()));
  }
  r.endpoint = endpoint;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
  service.metrics().Record(endpoint, r.outcome, static_cast<uint64_t>(ns.count()));
  return r;
}

}  // namespace rlsqd
