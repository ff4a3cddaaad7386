// The C API (capi/include/rlsq/rlsq.h) over rlsq::Engine (rewriter/engine.h). Every entry point catches
// everything: no C++ exception crosses the boundary, and a failure is a result with an error code.
#include "rlsq/rlsq.h"

#include <chrono>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "lib/common/str_cat.h"
#include "lib/names/resolver.h"
#include "lib/policy/policy.h"
#include "lib/sources/policy_source.h"
#include "rewriter/engine.h"

struct rlsq_engine {
  std::unique_ptr<rlsq::Engine> engine;
};

struct rlsq_result {
  rlsq_error_code code = RLSQ_OK;
  bool has_sql = false;
  std::string sql;
  bool changed = false;
  bool has_explain = false;
  std::string explain;
  std::string message;
  uint32_t line = 0, column = 0;
  std::vector<std::string> tables;
};

namespace {

rlsq_error_code CodeOf(rlsq::ErrorInfo::Kind kind) {
  switch (kind) {
    case rlsq::ErrorInfo::Kind::kQueryRefused:
      return RLSQ_ERR_QUERY_REFUSED;
    case rlsq::ErrorInfo::Kind::kAccessDenied:
      return RLSQ_ERR_ACCESS_DENIED;
    case rlsq::ErrorInfo::Kind::kUnknownUser:
      return RLSQ_ERR_UNKNOWN_USER;
    case rlsq::ErrorInfo::Kind::kPolicyError:
      return RLSQ_ERR_POLICY;
    case rlsq::ErrorInfo::Kind::kInternal:
      break;
  }
  return RLSQ_ERR_INTERNAL;
}

rlsq_result* NewResult() { return new (std::nothrow) rlsq_result(); }

rlsq_result* Error(rlsq_error_code code, std::string message) {
  rlsq_result* r = NewResult();
  if (!r) return nullptr;
  r->code = code;
  r->message = std::move(message);
  return r;
}

rlsq_result* FromStatus(const absl::Status& status) {
  rlsq::ErrorInfo e = rlsq::DescribeError(status);
  rlsq_result* r = Error(CodeOf(e.kind), std::move(e.message));
  if (!r) return nullptr;
  r->line = e.line;
  r->column = e.column;
  r->tables = std::move(e.tables);
  return r;
}

// Runs `f` (returning rlsq_result*), turning any exception into an error result.
template <typename F>
rlsq_result* Guard(F f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Error(RLSQ_ERR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return Error(RLSQ_ERR_INTERNAL, rlsq::Cat("internal error: ", e.what()));
  } catch (...) {
    return Error(RLSQ_ERR_INTERNAL, "internal error");
  }
}

void SetError(rlsq_result** out, rlsq_result* r) {
  if (out) {
    *out = r;
  } else {
    delete r;
  }
}

// The dialect named `name`, or null (the policy's own) for NULL.
absl::StatusOr<const rlsq::Dialect*> DialectOf(const char* name) {
  if (!name) return nullptr;
  const rlsq::Dialect* d = rlsq::Dialect::Find(name);
  if (!d) return absl::InvalidArgumentError(rlsq::Cat("unknown dialect \"", name, "\""));
  return d;
}

// The caller and options of a request; an error result when they are malformed (RLSQ_ERR_ARGUMENT).
struct Parsed {
  rlsq::Caller caller;
  rlsq::RewriteOptions options;
};

rlsq_result* ParseRequest(const rlsq_engine* engine, const rlsq_request* req, Parsed* out) {
  if (!req) {
    out->caller.anonymous = true;
    return nullptr;
  }
  if (req->struct_size < sizeof(size_t) || req->struct_size > sizeof(rlsq_request))
    return Error(RLSQ_ERR_ARGUMENT, "rlsq_request.struct_size must be sizeof(rlsq_request) (use RLSQ_REQUEST_INIT)");
  // Members beyond what the caller's header knew are absent.
  rlsq_request r = RLSQ_REQUEST_INIT;
  std::memcpy(&r, req, req->struct_size);
  if (r.user && r.caller_json) return Error(RLSQ_ERR_ARGUMENT, "give a user or an inline caller, not both");
  if (r.caller_json) {
    auto id = rlsq::ParseCallerJson(r.caller_json);
    if (!id.ok()) return Error(RLSQ_ERR_ARGUMENT, std::string(rlsq::ToStd(id.status().message())));
    out->caller.identity = std::make_shared<const rlsq::CallerIdentity>(std::move(*id));
  } else if (r.user) {
    out->caller.username = r.user;
  } else {
    out->caller.anonymous = true;
  }
  if (r.database) out->options.database = r.database;
  if (r.guest_rules_json) {
    auto rules = rlsq::ParseGuestRules(r.guest_rules_json);
    if (!rules.ok()) return Error(RLSQ_ERR_ARGUMENT, std::string(rlsq::ToStd(rules.status().message())));
    out->options.guest_rules = std::move(*rules);
  }
  if (r.search_path) {
    auto path = rlsq::ParseSearchPath(r.search_path, engine->engine->policy()->dialect());
    if (!path.ok())
      return Error(RLSQ_ERR_ARGUMENT, rlsq::Cat("search_path: ", rlsq::ToStd(path.status().message())));
    out->options.search_path = std::move(*path);
  }
  if (r.placement) {
    auto mode = rlsq::policy::ParsePlacementMode(r.placement);
    if (!mode.ok()) return Error(RLSQ_ERR_ARGUMENT, rlsq::Cat("placement: ", rlsq::ToStd(mode.status().message())));
    out->options.placement = *mode;
  }
  if (r.client_encoding) out->options.client_encoding = r.client_encoding;
  out->options.explain = r.explain != 0;
  return nullptr;
}

// An engine from `load(dialect)`, or NULL with *error set (when `error` is not NULL). `source` NULL is an argument
// error.
template <typename Load>
rlsq_engine* NewEngine(const char* source, const char* missing, const char* dialect, rlsq_result** error, Load load) {
  if (error) *error = nullptr;
  rlsq_engine* made = nullptr;
  rlsq_result* err = Guard([&]() -> rlsq_result* {
    if (!source) return Error(RLSQ_ERR_ARGUMENT, missing);
    auto d = DialectOf(dialect);
    if (!d.ok()) return Error(RLSQ_ERR_ARGUMENT, std::string(rlsq::ToStd(d.status().message())));
    absl::StatusOr<std::unique_ptr<rlsq::Engine>> engine = load(*d);
    if (!engine.ok()) return FromStatus(engine.status());
    made = new rlsq_engine{std::move(*engine)};
    return nullptr;
  });
  if (err) SetError(error, err);
  return made;
}

}  // namespace

extern "C" {

const char* rlsq_version(void) { return "0.1.0"; }

rlsq_engine* rlsq_engine_from_json(const char* json, size_t json_len, const char* dialect, rlsq_result** error) {
  return NewEngine(json, "json is NULL", dialect, error, [&](const rlsq::Dialect* d) {
    return rlsq::Engine::FromPolicyJson(std::string_view(json, json_len), d);
  });
}

rlsq_engine* rlsq_engine_from_file(const char* path, const char* dialect, rlsq_result** error) {
  return NewEngine(path, "path is NULL", dialect, error,
                   [&](const rlsq::Dialect* d) { return rlsq::Engine::FromPolicyFile(path, d); });
}

rlsq_engine* rlsq_engine_from_policy_db(const char* uri, const char* settings_json, const char* dialect,
                                       rlsq_result** error) {
  return NewEngine(uri, "uri is NULL", dialect, error, [&](const rlsq::Dialect* d) {
    rlsq::sources::SourceOptions o;
    o.policy_db = uri;
    if (settings_json) o.settings_json = settings_json;
    return rlsq::Engine::FromSource(o, d);
  });
}

void rlsq_engine_free(rlsq_engine* engine) { delete engine; }

rlsq_result* rlsq_engine_watch(rlsq_engine* engine, uint32_t interval_ms) {
  return Guard([&]() -> rlsq_result* {
    if (!engine) return Error(RLSQ_ERR_ARGUMENT, "engine is NULL");
    if (interval_ms == 0) return Error(RLSQ_ERR_ARGUMENT, "interval_ms must be positive");
    absl::Status s = engine->engine->Watch(std::chrono::milliseconds(interval_ms));
    if (s.code() == absl::StatusCode::kFailedPrecondition) return Error(RLSQ_ERR_POLICY, std::string(rlsq::ToStd(s.message())));
    if (!s.ok()) return FromStatus(s);
    return NewResult();
  });
}

uint64_t rlsq_engine_watch_failures(const rlsq_engine* engine) {
  return engine ? engine->engine->watch_status().failures : 0;
}

const char* rlsq_engine_watch_last_error(const rlsq_engine* engine) {
  thread_local std::string last;
  last = engine ? engine->engine->watch_status().last_error : std::string();
  return last.c_str();
}

rlsq_result* rlsq_engine_reload_json(rlsq_engine* engine, const char* json, size_t json_len) {
  return Guard([&]() -> rlsq_result* {
    if (!engine || !json) return Error(RLSQ_ERR_ARGUMENT, "engine or json is NULL");
    absl::Status s = engine->engine->ReloadFromJson(std::string_view(json, json_len));
    if (!s.ok()) return FromStatus(s);
    return NewResult();
  });
}

rlsq_result* rlsq_engine_reload_file(rlsq_engine* engine, const char* path) {
  return Guard([&]() -> rlsq_result* {
    if (!engine || !path) return Error(RLSQ_ERR_ARGUMENT, "engine or path is NULL");
    absl::Status s = engine->engine->ReloadFromFile(path);
    if (!s.ok()) return FromStatus(s);
    return NewResult();
  });
}

uint64_t rlsq_engine_reloads(const rlsq_engine* engine) { return engine ? engine->engine->reloads() : 0; }

rlsq_result* rlsq_rewrite(const rlsq_engine* engine, const char* sql, size_t sql_len, const rlsq_request* request) {
  return Guard([&]() -> rlsq_result* {
    if (!engine || !sql) return Error(RLSQ_ERR_ARGUMENT, "engine or sql is NULL");
    Parsed p;
    if (rlsq_result* bad = ParseRequest(engine, request, &p)) return bad;
    auto rewritten = engine->engine->rewrite(std::string_view(sql, sql_len), p.caller, p.options);
    if (!rewritten.ok()) return FromStatus(rewritten.status());
    rlsq_result* r = NewResult();
    if (!r) return nullptr;
    r->has_sql = true;
    r->changed = rewritten->changed;
    if (p.options.explain) {
      r->has_explain = true;
      r->explain = rewritten->ExplainJson();
    }
    r->sql = std::move(rewritten->sql);
    return r;
  });
}

int rlsq_can(const rlsq_engine* engine, const rlsq_request* request, const char* permission, const char* resource,
             rlsq_result** error) {
  if (error) *error = nullptr;
  int answer = -1;
  rlsq_result* err = Guard([&]() -> rlsq_result* {
    if (!engine || !permission || !resource) return Error(RLSQ_ERR_ARGUMENT, "engine, permission or resource is NULL");
    Parsed p;
    if (rlsq_result* bad = ParseRequest(engine, request, &p)) return bad;
    auto yes = engine->engine->can(p.caller, permission, resource);
    if (!yes.ok()) return FromStatus(yes.status());
    answer = *yes ? 1 : 0;
    return nullptr;
  });
  if (err) {
    answer = -1;
    SetError(error, err);
  }
  return answer;
}

rlsq_result* rlsq_cache_key(const rlsq_engine* engine, const rlsq_request* request) {
  return Guard([&]() -> rlsq_result* {
    if (!engine) return Error(RLSQ_ERR_ARGUMENT, "engine is NULL");
    Parsed p;
    if (rlsq_result* bad = ParseRequest(engine, request, &p)) return bad;
    auto key = engine->engine->cache_key(p.caller, p.options);
    if (!key.ok()) return FromStatus(key.status());
    rlsq_result* r = NewResult();
    if (!r) return nullptr;
    r->has_sql = true;
    r->sql = std::move(*key);
    return r;
  });
}

rlsq_error_code rlsq_result_error_code(const rlsq_result* r) { return r ? r->code : RLSQ_ERR_INTERNAL; }
const char* rlsq_result_sql(const rlsq_result* r) { return r && r->has_sql ? r->sql.c_str() : nullptr; }
size_t rlsq_result_sql_len(const rlsq_result* r) { return r && r->has_sql ? r->sql.size() : 0; }
int rlsq_result_changed(const rlsq_result* r) { return r && r->changed ? 1 : 0; }
const char* rlsq_result_explain_json(const rlsq_result* r) {
  return r && r->has_explain ? r->explain.c_str() : nullptr;
}
const char* rlsq_result_error_message(const rlsq_result* r) {
  return r ? r->message.c_str() : "out of memory";
}
uint32_t rlsq_result_error_line(const rlsq_result* r) { return r ? r->line : 0; }
uint32_t rlsq_result_error_column(const rlsq_result* r) { return r ? r->column : 0; }
size_t rlsq_result_missing_table_count(const rlsq_result* r) { return r ? r->tables.size() : 0; }
const char* rlsq_result_missing_table(const rlsq_result* r, size_t i) {
  return r && i < r->tables.size() ? r->tables[i].c_str() : nullptr;
}
void rlsq_result_free(rlsq_result* r) { delete r; }

}  // extern "C"
