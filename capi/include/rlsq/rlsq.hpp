// rlsq for C++ programs: a header-only wrapper over the C API (<rlsq/rlsq.h>), so that the library's ABI is the C
// one and no C++ type of the engine crosses it. Failures throw rlsq::api::Error.
//
//   auto engine = rlsq::api::Engine::FromFile("policy.json");
//   rlsq::api::Request req;
//   req.user = "alice";
//   std::string sql = engine.Rewrite("SELECT * FROM orders", req).sql;
#ifndef RLSQ_RLSQ_HPP_
#define RLSQ_RLSQ_HPP_

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rlsq/rlsq.h"

namespace rlsq::api {

class Error : public std::runtime_error {
 public:
  Error(rlsq_error_code code, const std::string& message, uint32_t line, uint32_t column,
        std::vector<std::string> tables)
      : std::runtime_error(message), code_(code), line_(line), column_(column), tables_(std::move(tables)) {}
  rlsq_error_code code() const { return code_; }
  uint32_t line() const { return line_; }      // 0: no place in the SQL
  uint32_t column() const { return column_; }
  const std::vector<std::string>& tables() const { return tables_; }  // RLSQ_ERR_ACCESS_DENIED

 private:
  rlsq_error_code code_;
  uint32_t line_, column_;
  std::vector<std::string> tables_;
};

// Who asks and how; unset members are not given (rlsq_request).
struct Request {
  std::optional<std::string> user;
  std::optional<std::string> caller_json;
  std::optional<std::string> database;
  std::optional<std::string> guest_rules_json;
  std::optional<std::string> search_path;
  std::optional<std::string> placement;
  std::optional<std::string> client_encoding;
  bool explain = false;
};

struct Result {
  std::string sql;
  bool changed = false;
  std::string explain_json;  // when Request::explain
};

namespace detail {

// Owns an rlsq_result.
class ResultPtr {
 public:
  explicit ResultPtr(rlsq_result* r) : r_(r) {}
  ResultPtr(const ResultPtr&) = delete;
  ResultPtr& operator=(const ResultPtr&) = delete;
  ~ResultPtr() { rlsq_result_free(r_); }
  rlsq_result* get() const { return r_; }

 private:
  rlsq_result* r_;
};

[[noreturn]] inline void Throw(const rlsq_result* r) {
  if (!r) throw std::bad_alloc();
  std::vector<std::string> tables;
  for (size_t i = 0; i < rlsq_result_missing_table_count(r); ++i) tables.emplace_back(rlsq_result_missing_table(r, i));
  throw Error(rlsq_result_error_code(r), rlsq_result_error_message(r), rlsq_result_error_line(r),
              rlsq_result_error_column(r), std::move(tables));
}

inline const rlsq_result* Check(const ResultPtr& r) {
  if (!r.get() || rlsq_result_error_code(r.get()) != RLSQ_OK) Throw(r.get());
  return r.get();
}

inline const char* Opt(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

inline rlsq_request ToC(const Request& r) {
  rlsq_request c = RLSQ_REQUEST_INIT;
  c.user = Opt(r.user);
  c.caller_json = Opt(r.caller_json);
  c.database = Opt(r.database);
  c.guest_rules_json = Opt(r.guest_rules_json);
  c.search_path = Opt(r.search_path);
  c.placement = Opt(r.placement);
  c.client_encoding = Opt(r.client_encoding);
  c.explain = r.explain ? 1 : 0;
  return c;
}

}  // namespace detail

inline std::string Version() { return rlsq_version(); }

// A policy loaded into an engine. Movable, not copyable; thread-safe as rlsq_engine is.
class Engine {
 public:
  static Engine FromJson(std::string_view json, const char* dialect = nullptr) {
    rlsq_result* err = nullptr;
    rlsq_engine* e = rlsq_engine_from_json(json.data(), json.size(), dialect, &err);
    if (!e) {
      detail::ResultPtr owned(err);
      detail::Throw(owned.get());
    }
    return Engine(e);
  }
  static Engine FromFile(const std::string& path, const char* dialect = nullptr) {
    rlsq_result* err = nullptr;
    rlsq_engine* e = rlsq_engine_from_file(path.c_str(), dialect, &err);
    if (!e) {
      detail::ResultPtr owned(err);
      detail::Throw(owned.get());
    }
    return Engine(e);
  }
  // Superset's metadata database (a SQLAlchemy URI); `settings_json` may be empty.
  static Engine FromPolicyDb(const std::string& uri, const std::string& settings_json = "",
                             const char* dialect = nullptr) {
    rlsq_result* err = nullptr;
    rlsq_engine* e = rlsq_engine_from_policy_db(uri.c_str(), settings_json.empty() ? nullptr : settings_json.c_str(),
                                                dialect, &err);
    if (!e) {
      detail::ResultPtr owned(err);
      detail::Throw(owned.get());
    }
    return Engine(e);
  }
  Engine(Engine&& o) noexcept : e_(std::exchange(o.e_, nullptr)) {}
  Engine& operator=(Engine&& o) noexcept {
    std::swap(e_, o.e_);
    return *this;
  }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine() { rlsq_engine_free(e_); }

  Result Rewrite(std::string_view sql, const Request& request = {}) const {
    rlsq_request c = detail::ToC(request);
    detail::ResultPtr r(rlsq_rewrite(e_, sql.data(), sql.size(), &c));
    const rlsq_result* ok = detail::Check(r);
    Result out;
    out.sql.assign(rlsq_result_sql(ok), rlsq_result_sql_len(ok));
    out.changed = rlsq_result_changed(ok) != 0;
    if (const char* x = rlsq_result_explain_json(ok)) out.explain_json = x;
    return out;
  }
  bool Can(const Request& request, const std::string& permission, const std::string& resource) const {
    rlsq_request c = detail::ToC(request);
    rlsq_result* err = nullptr;
    int yes = rlsq_can(e_, &c, permission.c_str(), resource.c_str(), &err);
    if (yes < 0) {
      detail::ResultPtr owned(err);
      detail::Throw(owned.get());
    }
    return yes == 1;
  }
  std::string CacheKey(const Request& request = {}) const {
    rlsq_request c = detail::ToC(request);
    detail::ResultPtr r(rlsq_cache_key(e_, &c));
    return rlsq_result_sql(detail::Check(r));
  }
  void ReloadJson(std::string_view json) {
    detail::ResultPtr r(rlsq_engine_reload_json(e_, json.data(), json.size()));
    detail::Check(r);
  }
  void ReloadFile(const std::string& path) {
    detail::ResultPtr r(rlsq_engine_reload_file(e_, path.c_str()));
    detail::Check(r);
  }
  uint64_t reloads() const { return rlsq_engine_reloads(e_); }
  // Follows the engine's file or metadata database (rlsq_engine_watch).
  void Watch(uint32_t interval_ms) {
    detail::ResultPtr r(rlsq_engine_watch(e_, interval_ms));
    detail::Check(r);
  }
  uint64_t watch_failures() const { return rlsq_engine_watch_failures(e_); }
  std::string watch_last_error() const { return rlsq_engine_watch_last_error(e_); }
  rlsq_engine* get() const { return e_; }

 private:
  explicit Engine(rlsq_engine* e) : e_(e) {}
  rlsq_engine* e_;
};

}  // namespace rlsq::api

#endif  // RLSQ_RLSQ_HPP_
