/* rlsq: row-level security for the SQL a BI tool sends, as a C API (C99; usable from any FFI).
 *
 * An engine is built from a policy (JSON text or a file); rlsq_rewrite() checks the caller's data access to every
 * table the query reads and injects the caller's row-level filters, or refuses the query. Every call returns a
 * result object that holds either the SQL or an error (code, message, line and column in the SQL, the tables the
 * caller lacks access to); free it with rlsq_result_free().
 *
 *   rlsq_result* err = NULL;
 *   rlsq_engine* e = rlsq_engine_from_file("policy.json", NULL, &err);
 *   if (!e) { fprintf(stderr, "%s\n", rlsq_result_error_message(err)); rlsq_result_free(err); return 1; }
 *   rlsq_request req = RLSQ_REQUEST_INIT;
 *   req.user = "alice";
 *   rlsq_result* r = rlsq_rewrite(e, sql, strlen(sql), &req);
 *   if (rlsq_result_error_code(r) == RLSQ_OK) puts(rlsq_result_sql(r));
 *   rlsq_result_free(r);
 *   rlsq_engine_free(e);
 *
 * Threads: an engine may be used by any number of threads at once (rewrite, can, cache key) and reloaded while
 * they run; a reload swaps the whole policy atomically. A result belongs to the caller that got it.
 * Strings: every string argument is UTF-8 and NUL-terminated unless a length is given; every returned string is
 * owned by the result (or is static) and stays valid until the result is freed.
 * Failure: nothing is thrown across this interface and no call aborts on bad input. A NULL engine, SQL or
 * out-pointer where one is required gives RLSQ_ERR_ARGUMENT.
 */
#ifndef RLSQ_RLSQ_H_
#define RLSQ_RLSQ_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define RLSQ_API __declspec(dllexport)
#else
#define RLSQ_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version ("0.1.0"); RLSQ_VERSION_* are the header's. */
#define RLSQ_VERSION_MAJOR 0
#define RLSQ_VERSION_MINOR 1
#define RLSQ_VERSION_PATCH 0
RLSQ_API const char* rlsq_version(void);

/* What went wrong. The numbers are part of the ABI. */
typedef enum rlsq_error_code {
  RLSQ_OK = 0,
  RLSQ_ERR_QUERY_REFUSED = 1, /* SQL rlsq cannot read exactly, or that is not one read-only query */
  RLSQ_ERR_ACCESS_DENIED = 2, /* the caller lacks access to tables (rlsq_result_missing_table), or a system relation */
  RLSQ_ERR_UNKNOWN_USER = 3,  /* unknown user or role, or a user field a template needs is missing */
  RLSQ_ERR_POLICY = 4,        /* a bad policy */
  RLSQ_ERR_ARGUMENT = 5,      /* misuse of this API: NULL where a value is required, bad caller or guest-rule JSON */
  RLSQ_ERR_INTERNAL = 6       /* anything else (out of memory, ...) */
} rlsq_error_code;

typedef struct rlsq_engine rlsq_engine;
typedef struct rlsq_result rlsq_result;

/* Engines. `dialect`: "postgres", "mysql" or "mariadb", which the policy must not contradict, or NULL for the
 * policy's own `dialect` and `dialect_options` (PostgreSQL when it states none). On failure: NULL, and *error (when `error` is not NULL) is set
 * to a result holding the error, which the caller frees. */
RLSQ_API rlsq_engine* rlsq_engine_from_json(const char* json, size_t json_len, const char* dialect,
                                           rlsq_result** error);
RLSQ_API rlsq_engine* rlsq_engine_from_file(const char* path, const char* dialect, rlsq_result** error);
/* Superset's metadata database as the policy: `uri` as Superset's SQLALCHEMY_DATABASE_URI (sqlite:///PATH,
 * postgresql://..., mysql://...); `settings_json` the policy keys the metadata does not hold (search_path,
 * default_database, placement, ...), or NULL. */
RLSQ_API rlsq_engine* rlsq_engine_from_policy_db(const char* uri, const char* settings_json, const char* dialect,
                                                rlsq_result** error);
RLSQ_API void rlsq_engine_free(rlsq_engine* engine);

/* Follows the source an engine was built from (a file or a metadata database): a thread polls it every
 * `interval_ms` (PostgreSQL: also wakes on NOTIFY, scripts/superset-notify-trigger.sql) and swaps in each new
 * policy; one that fails to load leaves the current policy in force and is counted. RLSQ_ERR_POLICY for an engine
 * built from JSON text or already watching. The thread stops in rlsq_engine_free. */
RLSQ_API rlsq_result* rlsq_engine_watch(rlsq_engine* engine, uint32_t interval_ms);
/* Polls and loads of the watch that failed (the old policy stayed), and the last failure's message ("" if none;
 * valid until the next call on this engine from this thread). */
RLSQ_API uint64_t rlsq_engine_watch_failures(const rlsq_engine* engine);
RLSQ_API const char* rlsq_engine_watch_last_error(const rlsq_engine* engine);

/* Replaces the engine's policy; on error the old one stays. Returns a result (RLSQ_OK or the error). */
RLSQ_API rlsq_result* rlsq_engine_reload_json(rlsq_engine* engine, const char* json, size_t json_len);
RLSQ_API rlsq_result* rlsq_engine_reload_file(rlsq_engine* engine, const char* path);
/* How many times the policy was replaced. */
RLSQ_API uint64_t rlsq_engine_reloads(const rlsq_engine* engine);

/* Who asks and how. Initialize with RLSQ_REQUEST_INIT (or zero it and set struct_size), then set what applies;
 * NULL members mean "not given". struct_size lets later versions add members without breaking callers. */
typedef struct rlsq_request {
  size_t struct_size;           /* sizeof(rlsq_request) */
  const char* user;             /* a user of the policy; with caller_json NULL too: the policy's public role */
  const char* caller_json;      /* or an inline caller: {"username", "id", "email", "roles", "attributes"} */
  const char* database;         /* the database the query runs against (NULL: the policy's default_database) */
  const char* guest_rules_json; /* guest-token rules: [{"dataset": "public.orders" or 12, "clause": "..."}] */
  const char* search_path;      /* the connection's search path, comma-separated schema identifiers */
  const char* placement;        /* "plain" or "fenced" (NULL: the policy's) */
  const char* client_encoding;  /* as PostgreSQL names it (NULL: UTF8); SQL in, SQL out in this encoding */
  int explain;                  /* non-zero: fill rlsq_result_explain_json */
} rlsq_request;
#define RLSQ_REQUEST_INIT {sizeof(rlsq_request), NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0}

/* Rewrites one query for the request's caller (`request` NULL: the public role, defaults). `sql` need not be
 * NUL-terminated. Returns a result; NULL only when memory for it cannot be had. */
RLSQ_API rlsq_result* rlsq_rewrite(const rlsq_engine* engine, const char* sql, size_t sql_len,
                                   const rlsq_request* request);

/* Does the caller hold `permission` on `resource` (Flask-AppBuilder: "can_read", "Dashboard";
 * "datasource_access", "[db].[schema].[table]")? 1 yes, 0 no, -1 error (then *error, when not NULL, holds it). */
RLSQ_API int rlsq_can(const rlsq_engine* engine, const rlsq_request* request, const char* permission,
                      const char* resource, rlsq_result** error);

/* A key for caches of query results: equal for two requests only when every filter they get is the same, stable
 * across processes. The result's text (rlsq_result_sql) is the key (64 hex digits). */
RLSQ_API rlsq_result* rlsq_cache_key(const rlsq_engine* engine, const rlsq_request* request);

/* Results. */
RLSQ_API rlsq_error_code rlsq_result_error_code(const rlsq_result* result);
/* The rewritten SQL (or the cache key); NULL when the result is an error. */
RLSQ_API const char* rlsq_result_sql(const rlsq_result* result);
RLSQ_API size_t rlsq_result_sql_len(const rlsq_result* result);
/* 1 when the SQL differs from the input (some filter was injected). */
RLSQ_API int rlsq_result_changed(const rlsq_result* result);
/* The explain JSON (request.explain), else NULL. */
RLSQ_API const char* rlsq_result_explain_json(const rlsq_result* result);
/* The error message ("" for RLSQ_OK), e.g. "1:15: relation orders is ambiguous on the search path ...". */
RLSQ_API const char* rlsq_result_error_message(const rlsq_result* result);
/* Where in the SQL the error is (1-based; 0 when it has no place). */
RLSQ_API uint32_t rlsq_result_error_line(const rlsq_result* result);
RLSQ_API uint32_t rlsq_result_error_column(const rlsq_result* result);
/* RLSQ_ERR_ACCESS_DENIED: every table the caller lacks access to ("schema.table"). */
RLSQ_API size_t rlsq_result_missing_table_count(const rlsq_result* result);
RLSQ_API const char* rlsq_result_missing_table(const rlsq_result* result, size_t index);
RLSQ_API void rlsq_result_free(rlsq_result* result);

#ifdef __cplusplus
}
#endif

#endif /* RLSQ_RLSQ_H_ */
