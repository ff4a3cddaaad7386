// rlsq._rlsq: the native half of the Python package `rlsq` (python/rlsq/__init__.py re-exports it).
//
// One class, Engine, over rlsq::Engine (rewriter/engine.h). Arguments are converted to C++ values while the GIL is
// held; the engine call itself runs with the GIL released (all but can(), a sub-microsecond lookup), so threads
// sharing one engine rewrite in parallel.
// Failures never cross as C++ exceptions: an absl::Status becomes one of the Python exception classes that
// rlsq/__init__.py defines and registers here at import (_register_errors); bad Python arguments raise ValueError
// or TypeError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "lib/common/str_cat.h"
#include "lib/dialect/dialect.h"
#include "lib/names/resolver.h"
#include "lib/policy/policy.h"
#include "lib/sources/policy_source.h"
#include "rewriter/engine.h"

#ifndef RLSQ_VERSION
#define RLSQ_VERSION "0.0.0"
#endif

namespace py = pybind11;

namespace rlsq::python {
namespace {

// The exception classes of rlsq/__init__.py, registered once at import. Strong references that are never released:
// the classes live as long as the interpreter, and dropping them at exit would run after Python is finalized.
struct ErrorClasses {
  PyObject* error = nullptr;
  PyObject* query_refused = nullptr;
  PyObject* access_denied = nullptr;
  PyObject* unknown_user = nullptr;
  PyObject* policy_error = nullptr;
  PyObject* unknown_dialect = nullptr;  // also a ValueError
};
ErrorClasses g_errors;

// json.dumps / json.loads, looked up once.
PyObject* g_json_dumps = nullptr;
PyObject* g_json_loads = nullptr;

void EnsureJson() {
  if (g_json_dumps) return;
  py::module_ json = py::module_::import("json");
  g_json_dumps = py::object(json.attr("dumps")).release().ptr();
  g_json_loads = py::object(json.attr("loads")).release().ptr();
}

void RegisterErrors(py::object error, py::object query_refused, py::object access_denied, py::object unknown_user,
                    py::object policy_error, py::object unknown_dialect) {
  for (const py::object* cls :
       {&error, &query_refused, &access_denied, &unknown_user, &policy_error, &unknown_dialect}) {
    if (!PyType_Check(cls->ptr()) || !PyObject_IsSubclass(cls->ptr(), PyExc_Exception))
      throw py::type_error("_register_errors: every argument must be an Exception subclass");
  }
  g_errors = ErrorClasses{error.release().ptr(), query_refused.release().ptr(), access_denied.release().ptr(),
                          unknown_user.release().ptr(), policy_error.release().ptr(),
                          unknown_dialect.release().ptr()};
}

py::str ToPyStr(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

// The UTF-8 text of `s`, owned by `s` (cached in the object): valid while `s` lives, with or without the GIL, since
// a str is immutable. Only str is taken for text the engine reads without the GIL: pybind11's std::string_view
// caster also takes a bytearray, whose buffer another thread could resize meanwhile.
std::string_view Utf8View(const py::str& s) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
  if (!data) throw py::error_already_set();  // e.g. UnicodeEncodeError for a lone surrogate
  return std::string_view(data, static_cast<size_t>(size));
}

py::object OptionalNumber(uint32_t n) { return n ? py::object(py::int_(n)) : py::object(py::none()); }

// Raises the Python exception for a failed status: the class of its ErrorInfo::Kind, or PolicyError for any failure
// of loading a policy (`loading`). The instance carries `message` and, by class, line/column or tables.
[[noreturn]] void Raise(const absl::Status& status, bool loading = false) {
  ErrorInfo info = DescribeError(status);
  PyObject* cls = nullptr;
  py::dict kwargs;
  if (loading) {
    cls = g_errors.policy_error;
  } else {
    switch (info.kind) {
      case ErrorInfo::Kind::kQueryRefused:
        cls = g_errors.query_refused;
        kwargs["line"] = OptionalNumber(info.line);
        kwargs["column"] = OptionalNumber(info.column);
        break;
      case ErrorInfo::Kind::kAccessDenied: {
        cls = g_errors.access_denied;
        py::list tables;
        for (const std::string& t : info.tables) tables.append(py::str(t));
        kwargs["tables"] = std::move(tables);
        break;
      }
      case ErrorInfo::Kind::kUnknownUser: cls = g_errors.unknown_user; break;
      case ErrorInfo::Kind::kPolicyError: cls = g_errors.policy_error; break;
      case ErrorInfo::Kind::kInternal: cls = g_errors.error; break;
    }
  }
  // The message is UTF-8 from rlsq, but it may quote bytes of a policy or query: decode with replacement rather
  // than fail.
  py::object message = py::reinterpret_steal<py::object>(
      PyUnicode_DecodeUTF8(info.message.data(), static_cast<Py_ssize_t>(info.message.size()), "replace"));
  if (!message) throw py::error_already_set();
  if (!cls) {  // the native module used without the package: plain RuntimeError
    PyErr_SetObject(PyExc_RuntimeError, message.ptr());
    throw py::error_already_set();
  }
  py::object exc = py::reinterpret_borrow<py::object>(cls)(message, **kwargs);
  PyErr_SetObject(cls, exc.ptr());
  throw py::error_already_set();
}

[[noreturn]] void RaiseUnknownDialect(const std::string& message) {
  if (!g_errors.unknown_dialect) throw py::value_error(message);
  py::object exc = py::reinterpret_borrow<py::object>(g_errors.unknown_dialect)(ToPyStr(message));
  PyErr_SetObject(g_errors.unknown_dialect, exc.ptr());
  throw py::error_already_set();
}

// The dialect named `name` ("postgres", "mysql", "mariadb") configured by `options` (the policy's
// `dialect_options`: {"sql_mode": "ANSI_QUOTES", "lower_case_table_names": 1, ...}), or UnknownDialect (a
// ValueError and an rlsq.Error) for an unknown name, option or value.
const Dialect& DialectNamed(const std::string& name, const std::optional<py::dict>& options = std::nullopt) {
  Dialect::Options stated;
  if (options) {
    for (const auto& [key, value] : *options) {
      if (!py::isinstance<py::str>(key)) throw py::type_error("dialect_options: keys must be strings");
      if (py::isinstance<py::bool_>(value) ||
          !(py::isinstance<py::str>(value) || py::isinstance<py::int_>(value)))
        throw py::type_error("dialect_options: values must be strings or integers");
      stated.emplace_back(key.cast<std::string>(), py::str(value).cast<std::string>());
    }
  }
  auto d = Dialect::Make(name, stated);
  if (!d.ok()) RaiseUnknownDialect(std::string(ToStd(d.status().message())));
  return **d;
}

// The dialect a constructor was asked for: null (the policy's own) when neither argument is given.
const Dialect* RequestedDialect(const std::optional<std::string>& name, const std::optional<py::dict>& options) {
  if (!name) {
    if (options) throw py::value_error("dialect_options goes with dialect");
    return nullptr;
  }
  return &DialectNamed(*name, options);
}

// `obj` as JSON text (json.dumps).
std::string ToJson(const py::handle& obj) {
  EnsureJson();
  py::object text = py::reinterpret_borrow<py::object>(g_json_dumps)(obj);
  return text.cast<std::string>();
}

// Everything a call needs, converted from Python while the GIL is held.
struct CallArgs {
  Caller caller;
  RewriteOptions options;
};

CallArgs Convert(const Engine& engine, const std::optional<std::string>& user,
                 const std::optional<py::dict>& caller, const std::optional<std::string>& dialect,
                 const std::optional<std::string>& database, const std::optional<py::list>& guest_rules,
                 const std::optional<std::vector<std::string>>& search_path, bool search_path_unknown = false) {
  CallArgs a;
  if (search_path && search_path_unknown) throw py::value_error("give search_path or search_path_unknown, not both");
  a.options.search_path_unknown = search_path_unknown;
  if (user && caller) throw py::value_error("give either user or caller, not both");
  if (user) {
    a.caller.username = *user;
  } else if (caller) {
    auto identity = ParseCallerJson(ToJson(*caller));
    if (!identity.ok()) throw py::value_error(std::string(ToStd(identity.status().message())));
    a.caller.identity = std::make_shared<const CallerIdentity>(std::move(*identity));
  } else {
    a.caller.anonymous = true;
  }
  if (dialect) a.options.dialect = &DialectNamed(*dialect);
  if (database) a.options.database = *database;
  if (guest_rules) {
    auto rules = ParseGuestRules(ToJson(*guest_rules));
    if (!rules.ok()) throw py::value_error(std::string(ToStd(rules.status().message())));
    a.options.guest_rules = std::move(*rules);
  }
  if (search_path) {
    // Schema names as the catalog stores them (current_schemas(false)), not SQL identifiers; checked as the
    // library checks a search path: "$user" and pg_temp cannot be modelled.
    const Dialect& d = a.options.dialect ? *a.options.dialect : engine.policy()->dialect();
    for (const std::string& s : *search_path) {
      if (s.empty() || s.find('"') != std::string::npos)
        throw py::value_error(
            Cat("search_path: \"", s, "\" is not a schema name (give names, not SQL identifiers)"));
      std::string quoted;
      d.AppendQuotedIdentifier(s, &quoted);
      auto schema = ParseSearchPathEntry(quoted, d);
      if (!schema.ok()) throw py::value_error(Cat("search_path: ", ToStd(schema.status().message())));
      a.options.search_path.push_back(std::move(*schema));
    }
    if (a.options.search_path.empty()) throw py::value_error("search_path: name at least one schema");
  }
  return a;
}

std::unique_ptr<Engine> Load(absl::StatusOr<std::unique_ptr<Engine>> engine) {
  if (!engine.ok()) Raise(engine.status(), /*loading=*/true);
  return std::move(*engine);
}

std::unique_ptr<Engine> FromJson(const py::str& text_obj, const std::optional<std::string>& dialect,
                                 const std::optional<py::dict>& dialect_options) {
  const Dialect* d = RequestedDialect(dialect, dialect_options);
  const std::string_view text = Utf8View(text_obj);
  absl::StatusOr<std::unique_ptr<Engine>> engine;
  {
    py::gil_scoped_release release;
    engine = Engine::FromPolicyJson(text, d);
  }
  return Load(std::move(engine));
}

std::unique_ptr<Engine> FromFile(const std::filesystem::path& path, const std::optional<std::string>& dialect,
                                 const std::optional<py::dict>& dialect_options) {
  const Dialect* d = RequestedDialect(dialect, dialect_options);
  absl::StatusOr<std::unique_ptr<Engine>> engine;
  {
    py::gil_scoped_release release;
    engine = Engine::FromPolicyFile(path.string(), d);
  }
  return Load(std::move(engine));
}

std::unique_ptr<Engine> FromPolicyDb(const std::string& uri, const std::optional<py::object>& settings,
                                     const std::optional<std::string>& dialect,
                                     const std::optional<py::dict>& dialect_options) {
  const Dialect* d = RequestedDialect(dialect, dialect_options);
  rlsq::sources::SourceOptions o;
  o.policy_db = uri;
  if (settings && !settings->is_none()) {
    if (py::isinstance<py::str>(*settings)) {
      o.settings_json = settings->cast<std::string>();
    } else if (py::isinstance<py::dict>(*settings)) {
      EnsureJson();
      o.settings_json = py::module_::import("json").attr("dumps")(*settings).cast<std::string>();
    } else {
      throw py::type_error("settings must be a dict or a JSON string");
    }
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine;
  {
    py::gil_scoped_release release;
    engine = Engine::FromSource(o, d);
  }
  return Load(std::move(engine));
}

void Watch(Engine& engine, double interval) {
  if (!(interval > 0) || interval > 86400) throw py::value_error("watch: interval must be between 0 and 86400 seconds");
  absl::Status s = engine.Watch(std::chrono::milliseconds(std::max<int64_t>(1, static_cast<int64_t>(interval * 1000))));
  if (!s.ok()) Raise(s, /*loading=*/true);
}

py::dict WatchStatusOf(const Engine& engine) {
  rlsq::WatchStatus w = engine.watch_status();
  py::dict d;
  d["watching"] = w.watching;
  d["source"] = w.source;
  d["polls"] = w.polls;
  d["reloads"] = w.reloads;
  d["failures"] = w.failures;
  d["last_error"] = w.last_error;
  d["warnings"] = w.warnings;
  return d;
}

py::str RewriteSql(const Engine& engine, const py::str& sql_obj, const std::optional<std::string>& user,
                   const std::optional<py::dict>& caller, const std::optional<std::string>& dialect,
                   const std::optional<std::string>& database, const std::optional<py::list>& guest_rules,
                   const std::optional<std::vector<std::string>>& search_path, bool search_path_unknown) {
  CallArgs a = Convert(engine, user, caller, dialect, database, guest_rules, search_path, search_path_unknown);
  const std::string_view sql = Utf8View(sql_obj);
  // A query whose plan is cached is rewritten in about a microsecond with the GIL held: handing the GIL to another
  // thread and back costs more than that and serializes threads on the hit path. Only a miss (parse and analysis,
  // tens to hundreds of microseconds) runs with the GIL released.
  a.options.plan_cache_only = true;
  absl::StatusOr<Rewrite> result = engine.rewrite(sql, a.caller, a.options);
  if (!result.ok() && result.status().code() == absl::StatusCode::kUnavailable) {
    a.options.plan_cache_only = false;
    py::gil_scoped_release release;
    result = engine.rewrite(sql, a.caller, a.options);
  }
  if (!result.ok()) Raise(result.status());
  return ToPyStr(result->sql);
}

py::object Explain(const Engine& engine, const py::str& sql_obj, const std::optional<std::string>& user,
                   const std::optional<py::dict>& caller, const std::optional<std::string>& dialect,
                   const std::optional<std::string>& database, const std::optional<py::list>& guest_rules,
                   const std::optional<std::vector<std::string>>& search_path, bool search_path_unknown) {
  CallArgs a = Convert(engine, user, caller, dialect, database, guest_rules, search_path, search_path_unknown);
  a.options.explain = true;
  const std::string_view sql = Utf8View(sql_obj);
  absl::StatusOr<Rewrite> result;
  std::string report;
  {
    py::gil_scoped_release release;
    result = engine.rewrite(sql, a.caller, a.options);
    if (result.ok()) report = result->ExplainJson();
  }
  if (!result.ok()) Raise(result.status());
  EnsureJson();
  return py::reinterpret_borrow<py::object>(g_json_loads)(ToPyStr(report));
}

bool Can(const Engine& engine, const std::optional<std::string>& user, const std::string& permission,
         const std::string& resource, const std::optional<py::dict>& caller) {
  CallArgs a = Convert(engine, user, caller, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
  // A lookup of well under a microsecond: the GIL stays held (releasing it would cost more than the call, and make
  // threads calling can() hand the GIL back and forth).
  absl::StatusOr<bool> result = engine.can(a.caller, permission, resource);
  if (!result.ok()) Raise(result.status());
  return *result;
}

py::str CacheKey(const Engine& engine, const std::optional<std::string>& user, const std::optional<py::dict>& caller,
                 const std::optional<py::list>& guest_rules, const std::optional<std::string>& database,
                 const std::optional<std::string>& dialect,
                 const std::optional<std::vector<std::string>>& search_path, bool search_path_unknown) {
  CallArgs a = Convert(engine, user, caller, dialect, database, guest_rules, search_path, search_path_unknown);
  absl::StatusOr<std::string> result;
  {
    py::gil_scoped_release release;
    result = engine.cache_key(a.caller, a.options);
  }
  if (!result.ok()) Raise(result.status());
  return ToPyStr(*result);
}

void Reload(Engine& engine, const std::optional<std::filesystem::path>& path, const std::optional<std::string>& json) {
  if (path.has_value() == json.has_value()) throw py::value_error("reload: give exactly one of path and json");
  absl::Status status;
  {
    py::gil_scoped_release release;
    status = path ? engine.ReloadFromFile(path->string()) : engine.ReloadFromJson(*json);
  }
  if (!status.ok()) Raise(status, /*loading=*/true);
}

constexpr const char* kModuleDoc = R"(Native core of rlsq (use the package ``rlsq``, which re-exports it).)";

constexpr const char* kEngineDoc = R"(A row-level-security rewriting engine built from one policy.

An engine is immutable apart from :meth:`reload`, which swaps the whole policy atomically; every method may be
called from any number of threads at once (the GIL is released while the engine works).

Build one with :meth:`Engine.from_file` or :meth:`Engine.from_json`.)";

constexpr const char* kFromFileDoc = R"(Load the policy file ``path`` (JSON) and build an engine.

:param path: the policy file.
:param dialect: the SQL dialect of the policy's clauses and of the queries (``"postgres"``, ``"mysql"``,
    ``"mariadb"``); None: the policy's own ``dialect`` (``"postgres"`` when it states none).
:param dialect_options: the server settings of the dialect (``{"sql_mode": "ANSI_QUOTES", "lower_case_table_names":
    1, "server_version": "10.11.6"}``); None: the policy's ``dialect_options``.
:raises PolicyError: the file cannot be read, the policy is invalid, or it states another dialect.
:raises UnknownDialect: unknown dialect, option or value (a ValueError).)";

constexpr const char* kFromJsonDoc = R"(Build an engine from the policy document ``text`` (JSON).

:param text: the policy (roles, users, rls_filters, ...).
:param dialect: the SQL dialect (``"postgres"``, ``"mysql"``, ``"mariadb"``); None: the policy's own.
:param dialect_options: the dialect's server settings (as in :meth:`from_file`); None: the policy's.
:raises PolicyError: the policy is invalid, or it states another dialect.
:raises UnknownDialect: unknown dialect, option or value (a ValueError).)";

constexpr const char* kCallerArgsDoc = R"(
:param user: a username of the policy. With neither ``user`` nor ``caller``: the policy's public role.
:param caller: an inline caller authenticated elsewhere, a dict with the optional keys ``username`` (str),
    ``id`` (int), ``email`` (str), ``roles`` (list of role names of the policy) and ``attributes`` (dict).
:param dialect: the query's dialect, which must be the policy's (``"postgres"``); None: the policy's.
:param database: the database the query runs against; None: the policy's ``default_database``.
:param guest_rules: guest-token rules, a list of dicts ``{"dataset": str | int | None, "clause": str}``; each
    clause is ANDed after the role filters of ``dataset`` (a table name, or a dataset id the policy's
    ``datasets`` key maps to a table), or of every table when ``dataset`` is None or absent.
:param search_path: the connection's search path: schema names as the catalog stores them (what
    ``current_schemas(false)`` returns; case-sensitive, not SQL identifiers). ``$user`` and ``pg_temp`` are
    refused. None: the policy's ``search_path``.
:param search_path_unknown: True when the connection's search path is not known (a hook such as Superset's
    SQL_QUERY_MUTATOR, whose connection may set its own): unqualified relation names are refused.
:raises ValueError: both ``user`` and ``caller``; a malformed ``caller`` or ``guest_rules``.
:raises UnknownDialect: an unknown dialect name (a ValueError, and an rlsq.Error).)";

const std::string kRewriteDoc = std::string(R"(Rewrite one read-only query for a caller and return the SQL to run.

Every table the query reads must be accessible to the caller (else AccessDenied, listing every table lacking
access, and nothing is rewritten); the caller's row-level-security filters are injected where each table is read.
)") + kCallerArgsDoc + R"(
:raises QueryRefused: the SQL does not parse or is not exactly one read-only query (``line``/``column`` say where).
:raises AccessDenied: the caller lacks data access to some tables (``tables``).
:raises UnknownUser: unknown user or role, or a user field a filter's template needs is missing.)";

const std::string kExplainDoc = std::string(R"(Rewrite like :meth:`rewrite`, and return a report (a dict) instead.

The report holds the rewritten ``sql`` and one entry per table reference: the table, its alias, where its
predicate went and the filters applied. The arguments and errors are :meth:`rewrite`'s.
)") + kCallerArgsDoc;

constexpr const char* kCanDoc = R"(Does the caller hold ``permission`` on ``resource`` (Flask-AppBuilder)?

For example ``engine.can("alice", "can_read", "Dashboard")`` or
``engine.can("alice", "datasource_access", "[tpch].[public].[orders]")``.

:param user: a username of the policy, or None (with ``caller``, or alone: the public role).
:param caller: an inline caller dict, as in :meth:`rewrite`.
:raises UnknownUser: unknown user or role.
:raises ValueError: both ``user`` and ``caller``.)";

const std::string kCacheKeyDoc = std::string(R"(A key for caches of query results (hex SHA-256).

Equal for two calls only when every filter they get is the same, whatever the query: the policy, the dialect,
database and search path, the caller's roles (and fields when the policy has templated clauses) and the guest
rules. Stable across processes.
)") + kCallerArgsDoc + R"(
:raises UnknownUser: unknown user or role.)";

constexpr const char* kReloadDoc = R"(Replace the policy, from the file ``path`` or the JSON text ``json``.

Give exactly one of them.

Calls in flight finish with the old policy. On failure the old policy stays in force.

:raises PolicyError: the new policy cannot be read or is invalid.
:raises ValueError: neither or both of ``path`` and ``json``.)";

}  // namespace
}  // namespace rlsq::python

PYBIND11_MODULE(_rlsq, m) {
  using namespace rlsq::python;
  using rlsq::Engine;
  m.doc() = kModuleDoc;
  m.attr("__version__") = RLSQ_VERSION;

  m.def("_register_errors", &RegisterErrors, py::arg("error"), py::arg("query_refused"), py::arg("access_denied"),
        py::arg("unknown_user"), py::arg("policy_error"), py::arg("unknown_dialect"),
        "Register the exception classes raised for failures (called once by rlsq/__init__.py).");

  py::class_<Engine>(m, "Engine", kEngineDoc)
      .def_static("from_file", &FromFile, py::arg("path"), py::arg("dialect") = py::none(),
                  py::arg("dialect_options") = py::none(), kFromFileDoc)
      .def_static("from_json", &FromJson, py::arg("text"), py::arg("dialect") = py::none(),
                  py::arg("dialect_options") = py::none(), kFromJsonDoc)
      .def_static("from_policy_db", &FromPolicyDb, py::arg("uri"), py::arg("settings") = py::none(),
                  py::arg("dialect") = py::none(), py::arg("dialect_options") = py::none(),
                  "Read the policy from Superset's metadata database: uri as SQLALCHEMY_DATABASE_URI (sqlite:///..., "
                  "postgresql://..., mysql://...); settings (dict or JSON) the keys the metadata does not hold. "
                  "PolicyError when it cannot be read or is invalid.")
      .def("watch", &Watch, py::arg("interval") = 2.0,
           "Follow the policy file or metadata database this engine was built from: a thread polls it every "
           "interval seconds (PostgreSQL: also on NOTIFY) and swaps each new policy in; a policy that fails to "
           "load leaves the current one and is counted in watch_status. PolicyError for an engine built from text "
           "or already watching.")
      .def_property_readonly("watch_status", &WatchStatusOf,
                             "{watching, source, polls, reloads, failures, last_error, warnings} of the watch.")
      .def("rewrite", &RewriteSql, py::arg("sql"), py::arg("user") = py::none(),
           py::arg("caller") = py::none(), py::arg("dialect") = py::none(), py::arg("database") = py::none(),
           py::arg("guest_rules") = py::none(), py::arg("search_path") = py::none(),
           py::arg("search_path_unknown") = false, kRewriteDoc.c_str())
      .def("explain", &Explain, py::arg("sql"), py::arg("user") = py::none(),
           py::arg("caller") = py::none(), py::arg("dialect") = py::none(), py::arg("database") = py::none(),
           py::arg("guest_rules") = py::none(), py::arg("search_path") = py::none(),
           py::arg("search_path_unknown") = false, kExplainDoc.c_str())
      .def("can", &Can, py::arg("user"), py::arg("permission"), py::arg("resource"), py::arg("caller") = py::none(),
           kCanDoc)
      .def("cache_key", &CacheKey, py::arg("user") = py::none(), py::arg("caller") = py::none(),
           py::arg("guest_rules") = py::none(), py::arg("database") = py::none(), py::arg("dialect") = py::none(),
           py::arg("search_path") = py::none(), py::arg("search_path_unknown") = false, kCacheKeyDoc.c_str())
      .def("reload", &Reload, py::arg("path") = py::none(), py::arg("json") = py::none(), kReloadDoc)
      .def_property_readonly(
          "reloads", [](const Engine& e) { return e.reloads(); }, "How many times the policy was replaced (reload).")
      .def_property_readonly(
          "plan_cache_hits", [](const Engine& e) { return e.plan_cache_hits(); },
          "Rewrites that reused a cached plan: of the query text, or of its shape (since the last reload).")
      .def_property_readonly(
          "plan_cache_shape_hits", [](const Engine& e) { return e.plan_cache_shape_hits(); },
          "Rewrites that reused the plan of a query differing only in constants, whitespace and comments (counted in "
          "plan_cache_hits too).")
      .def_property_readonly(
          "plan_cache_misses", [](const Engine& e) { return e.plan_cache_misses(); },
          "Rewrites that parsed and analysed the query afresh (since the last reload).")
      .def("__repr__", [](const Engine& e) {
        auto p = e.policy();
        return rlsq::Cat("<rlsq.Engine dialect=", p->dialect().name(), " users=", p->users().size(),
                         " filters=", p->filters().size(), " reloads=", e.reloads(), ">");
      });
}
