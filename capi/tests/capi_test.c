/* The C API from a program compiled as C99 (capi/CMakeLists.txt: -std=c99 -pedantic -Werror), against librlsq.so.
 * Usage: capi_test examples/policy.json [SUPERSET_METADATA.db]. Exit 0 when every check passed; each failure prints its line. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rlsq/rlsq.h"

static int failures = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "capi_test.c:%d: check failed: %s\n", __LINE__, #cond); \
      ++failures;                                                    \
    }                                                                \
  } while (0)

static int contains(const char* s, const char* part) { return s && part && strstr(s, part) != NULL; }

static rlsq_result* rewrite_as(const rlsq_engine* e, const char* user, const char* sql) {
  rlsq_request req = RLSQ_REQUEST_INIT;
  req.user = user;
  return rlsq_rewrite(e, sql, strlen(sql), &req);
}

static void expect_sql(const rlsq_engine* e, const char* user, const char* sql, const char* want) {
  rlsq_result* r = rewrite_as(e, user, sql);
  CHECK(rlsq_result_error_code(r) == RLSQ_OK);
  CHECK(rlsq_result_sql(r) != NULL && strcmp(rlsq_result_sql(r), want) == 0);
  if (rlsq_result_sql(r) && strcmp(rlsq_result_sql(r), want) != 0)
    fprintf(stderr, "  got:  %s\n  want: %s\n", rlsq_result_sql(r), want);
  CHECK(rlsq_result_sql_len(r) == strlen(want));
  CHECK(strcmp(rlsq_result_error_message(r), "") == 0);
  rlsq_result_free(r);
}

/* Threads sharing one engine. */
struct job {
  const rlsq_engine* engine;
  int ok;
};

static void* worker(void* arg) {
  struct job* j = (struct job*)arg;
  int i;
  j->ok = 1;
  for (i = 0; i < 2000; ++i) {
    const char* user = (i % 2) ? "alice" : "carol";
    const char* want = (i % 2) ? "SELECT n_name FROM nation WHERE (nation.n_regionkey IN (3, 4))"
                               : "SELECT n_name FROM nation WHERE ((nation.n_regionkey IN (3, 4)) OR "
                                 "(nation.n_regionkey = 1))";
    rlsq_result* r = rewrite_as(j->engine, user, "SELECT n_name FROM nation");
    if (rlsq_result_error_code(r) != RLSQ_OK || strcmp(rlsq_result_sql(r), want) != 0) j->ok = 0;
    rlsq_result_free(r);
  }
  return NULL;
}

int main(int argc, char** argv) {
  rlsq_result* err = NULL;
  rlsq_engine* e;
  rlsq_result* r;
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: capi_test POLICY.json [SUPERSET_METADATA.db]\n");
    return 2;
  }
  CHECK(strcmp(rlsq_version(), "0.1.0") == 0);

  /* Engines: from a file; errors for a missing file, bad JSON, a bad dialect, NULL. */
  e = rlsq_engine_from_file(argv[1], NULL, &err);
  CHECK(e != NULL && err == NULL);
  if (!e) {
    fprintf(stderr, "cannot load %s: %s\n", argv[1], rlsq_result_error_message(err));
    return 1;
  }
  CHECK(rlsq_engine_from_file("/nonexistent/policy.json", NULL, &err) == NULL);
  CHECK(rlsq_result_error_code(err) == RLSQ_ERR_POLICY && contains(rlsq_result_error_message(err), "cannot read"));
  rlsq_result_free(err);
  {
    const char* bad = "{\"roles\": 3}";
    CHECK(rlsq_engine_from_json(bad, strlen(bad), NULL, &err) == NULL);
    CHECK(rlsq_result_error_code(err) == RLSQ_ERR_POLICY);
    CHECK(rlsq_result_sql(err) == NULL);
    rlsq_result_free(err);
    CHECK(rlsq_engine_from_json(bad, strlen(bad), "oracle", &err) == NULL);
    CHECK(rlsq_result_error_code(err) == RLSQ_ERR_ARGUMENT && contains(rlsq_result_error_message(err), "dialect"));
    rlsq_result_free(err);
    CHECK(rlsq_engine_from_json(NULL, 0, NULL, NULL) == NULL); /* no out-pointer: nothing leaks */
  }

  /* Rewrites: a user's filters, the OR of a group, no filter for admin; the SQL changes only where filters go. */
  expect_sql(e, "alice", "SELECT n_name FROM nation", "SELECT n_name FROM nation WHERE (nation.n_regionkey IN (3, 4))");
  expect_sql(e, "carol", "SELECT n_name FROM nation",
             "SELECT n_name FROM nation WHERE ((nation.n_regionkey IN (3, 4)) OR (nation.n_regionkey = 1))");
  expect_sql(e, "admin", "SELECT  n_name  FROM nation -- all", "SELECT  n_name  FROM nation -- all");
  r = rewrite_as(e, "alice", "SELECT n_name FROM nation");
  CHECK(rlsq_result_changed(r) == 1 && rlsq_result_explain_json(r) == NULL);
  rlsq_result_free(r);
  r = rewrite_as(e, "admin", "SELECT 1");
  CHECK(rlsq_result_changed(r) == 0);
  rlsq_result_free(r);

  /* SQL need not be NUL-terminated. */
  {
    const char text[] = "SELECT n_name FROM nationXXXX";
    rlsq_request req = RLSQ_REQUEST_INIT;
    req.user = "alice";
    r = rlsq_rewrite(e, text, strlen(text) - 4, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_OK &&
          strcmp(rlsq_result_sql(r), "SELECT n_name FROM nation WHERE (nation.n_regionkey IN (3, 4))") == 0);
    rlsq_result_free(r);
  }

  /* Refusals: a syntax error with its place, DML, two statements. */
  r = rewrite_as(e, "alice", "SELECT n_name\nFROM WHERE x");
  CHECK(rlsq_result_error_code(r) == RLSQ_ERR_QUERY_REFUSED);
  CHECK(rlsq_result_error_line(r) == 2 && rlsq_result_error_column(r) == 6);
  CHECK(contains(rlsq_result_error_message(r), "2:6: syntax error"));
  CHECK(rlsq_result_sql(r) == NULL && rlsq_result_sql_len(r) == 0);
  rlsq_result_free(r);
  r = rewrite_as(e, "alice", "DELETE FROM nation");
  CHECK(rlsq_result_error_code(r) == RLSQ_ERR_QUERY_REFUSED && rlsq_result_sql(r) == NULL);
  rlsq_result_free(r);
  r = rewrite_as(e, "alice", "SELECT 1; SELECT 2");
  CHECK(rlsq_result_error_code(r) == RLSQ_ERR_QUERY_REFUSED);
  rlsq_result_free(r);

  /* Access: every missing table is listed. */
  r = rewrite_as(e, "dave", "SELECT n_name FROM nation JOIN region ON n_regionkey = r_regionkey");
  CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ACCESS_DENIED);
  CHECK(rlsq_result_missing_table_count(r) == 2);
  CHECK(rlsq_result_missing_table(r, 0) && strcmp(rlsq_result_missing_table(r, 0), "public.nation") == 0);
  CHECK(rlsq_result_missing_table(r, 1) && strcmp(rlsq_result_missing_table(r, 1), "public.region") == 0);
  CHECK(rlsq_result_missing_table(r, 2) == NULL);
  CHECK(contains(rlsq_result_error_message(r), "You need access to the following tables: public.nation, public.region"));
  rlsq_result_free(r);

  /* Unknown user; a NULL request is the public role; an inline caller; bad caller JSON; both user and caller. */
  r = rewrite_as(e, "mallory", "SELECT 1");
  CHECK(rlsq_result_error_code(r) == RLSQ_ERR_UNKNOWN_USER && contains(rlsq_result_error_message(r), "mallory"));
  rlsq_result_free(r);
  r = rlsq_rewrite(e, "SELECT n_name FROM nation", 25, NULL);
  CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ACCESS_DENIED); /* Public holds no data access in this policy */
  rlsq_result_free(r);
  {
    rlsq_request req = RLSQ_REQUEST_INIT;
    req.caller_json = "{\"username\": \"sso-bob\", \"roles\": [\"Gamma\", \"Finance\", \"EMEA\"]}";
    r = rlsq_rewrite(e, "SELECT n_name FROM nation", 25, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_OK &&
          strcmp(rlsq_result_sql(r), "SELECT n_name FROM nation WHERE (nation.n_regionkey IN (3, 4))") == 0);
    rlsq_result_free(r);
    req.caller_json = "{\"username\": \"x\", \"rolez\": []}";
    r = rlsq_rewrite(e, "SELECT 1", 8, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ARGUMENT && contains(rlsq_result_error_message(r), "rolez"));
    rlsq_result_free(r);
    req.user = "alice";
    req.caller_json = "{}";
    r = rlsq_rewrite(e, "SELECT 1", 8, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ARGUMENT);
    rlsq_result_free(r);
  }
  /* Guest rules, explain, search path, placement; a bad struct_size. */
  {
    rlsq_request req = RLSQ_REQUEST_INIT;
    req.user = "alice";
    req.guest_rules_json = "[{\"dataset\": \"nation\", \"clause\": \"n_nationkey < 10\"}]";
    req.explain = 1;
    r = rlsq_rewrite(e, "SELECT n_name FROM nation", 25, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_OK);
    CHECK(contains(rlsq_result_sql(r), "(nation.n_regionkey IN (3, 4)) AND (nation.n_nationkey < 10)"));
    CHECK(contains(rlsq_result_explain_json(r), "\"emea_nations\""));
    rlsq_result_free(r);
    req.guest_rules_json = "[{\"datasett\": \"nation\", \"clause\": \"true\"}]";
    r = rlsq_rewrite(e, "SELECT 1", 8, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ARGUMENT && contains(rlsq_result_error_message(r), "datasett"));
    rlsq_result_free(r);
    req.guest_rules_json = NULL;
    req.search_path = "sales, public";
    req.placement = "fenced";
    r = rlsq_rewrite(e, "SELECT n_name FROM public.nation", 32, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_OK && contains(rlsq_result_sql(r), "OFFSET 0"));
    rlsq_result_free(r);
    req.placement = "sideways";
    r = rlsq_rewrite(e, "SELECT 1", 8, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ARGUMENT && contains(rlsq_result_error_message(r), "placement"));
    rlsq_result_free(r);
    req.struct_size = 3;
    r = rlsq_rewrite(e, "SELECT 1", 8, &req);
    CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ARGUMENT && contains(rlsq_result_error_message(r), "struct_size"));
    rlsq_result_free(r);
  }
  /* NULL arguments. */
  r = rlsq_rewrite(NULL, "SELECT 1", 8, NULL);
  CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ARGUMENT);
  rlsq_result_free(r);
  r = rlsq_rewrite(e, NULL, 0, NULL);
  CHECK(rlsq_result_error_code(r) == RLSQ_ERR_ARGUMENT);
  rlsq_result_free(r);
  rlsq_result_free(NULL);
  rlsq_engine_free(NULL);

  /* Permissions. */
  {
    rlsq_request req = RLSQ_REQUEST_INIT;
    req.user = "dave";
    CHECK(rlsq_can(e, &req, "datasource_access", "[tpch].[public].[orders](id:3)", NULL) == 1);
    CHECK(rlsq_can(e, &req, "datasource_access", "[tpch].[public].[nation]", NULL) == 0);
    req.user = "nobody";
    CHECK(rlsq_can(e, &req, "can_read", "Dashboard", &err) == -1);
    CHECK(rlsq_result_error_code(err) == RLSQ_ERR_UNKNOWN_USER);
    rlsq_result_free(err);
  }
  /* Cache keys: equal for the same caller, different for different filters, 64 hex digits. */
  {
    rlsq_request a = RLSQ_REQUEST_INIT, c = RLSQ_REQUEST_INIT;
    rlsq_result *ka, *ka2, *kc;
    a.user = "alice";
    c.user = "carol";
    ka = rlsq_cache_key(e, &a);
    ka2 = rlsq_cache_key(e, &a);
    kc = rlsq_cache_key(e, &c);
    CHECK(rlsq_result_error_code(ka) == RLSQ_OK && rlsq_result_sql_len(ka) == 64);
    CHECK(strcmp(rlsq_result_sql(ka), rlsq_result_sql(ka2)) == 0);
    CHECK(strcmp(rlsq_result_sql(ka), rlsq_result_sql(kc)) != 0);
    rlsq_result_free(ka);
    rlsq_result_free(ka2);
    rlsq_result_free(kc);
  }

  /* Threads share the engine while it is reloaded. */
  {
    pthread_t t[4];
    struct job jobs[4];
    int i;
    for (i = 0; i < 4; ++i) {
      jobs[i].engine = e;
      CHECK(pthread_create(&t[i], NULL, worker, &jobs[i]) == 0);
    }
    for (i = 0; i < 20; ++i) {
      r = rlsq_engine_reload_file(e, argv[1]);
      CHECK(rlsq_result_error_code(r) == RLSQ_OK);
      rlsq_result_free(r);
    }
    for (i = 0; i < 4; ++i) {
      pthread_join(t[i], NULL);
      CHECK(jobs[i].ok);
    }
    CHECK(rlsq_engine_reloads(e) == 20);
  }

  /* A bad reload keeps the old policy. */
  {
    const char* bad = "{\"users\": [{\"username\": \"alice\", \"roles\": [\"Nope\"]}]}";
    r = rlsq_engine_reload_json(e, bad, strlen(bad));
    CHECK(rlsq_result_error_code(r) == RLSQ_ERR_POLICY);
    rlsq_result_free(r);
    CHECK(rlsq_engine_reloads(e) == 20);
    expect_sql(e, "alice", "SELECT n_name FROM nation",
               "SELECT n_name FROM nation WHERE (nation.n_regionkey IN (3, 4))");
  }
  rlsq_engine_free(e);

  /* Superset's metadata database (tests/sources/write_superset_fixture writes one). */
  if (argc == 3) {
    char uri[4096];
    rlsq_engine* m;
    snprintf(uri, sizeof uri, "sqlite:///%s", argv[2]);
    m = rlsq_engine_from_policy_db(uri, "{\"default_database\": \"staging\"}", NULL, &err);
    CHECK(m != NULL && err == NULL);
    if (m) {
      expect_sql(m, "alice", "SELECT count(*) FROM orders", "SELECT count(*) FROM orders WHERE (orders.o_custkey < 500)");
      r = rewrite_as(m, "erin", "SELECT 1"); /* inactive in Superset: unknown */
      CHECK(rlsq_result_error_code(r) == RLSQ_ERR_UNKNOWN_USER);
      rlsq_result_free(r);
      rlsq_engine_free(m);
    }
    CHECK(rlsq_engine_from_policy_db(uri, "{\"roles\": []}", NULL, &err) == NULL);
    CHECK(rlsq_result_error_code(err) == RLSQ_ERR_POLICY && contains(rlsq_result_error_message(err), "comes from the Superset"));
    rlsq_result_free(err);
    CHECK(rlsq_engine_from_policy_db("sqlite:////nonexistent/superset.db", NULL, NULL, &err) == NULL);
    CHECK(rlsq_result_error_code(err) == RLSQ_ERR_POLICY && contains(rlsq_result_error_message(err), "no database file"));
    rlsq_result_free(err);
    CHECK(rlsq_engine_from_policy_db(NULL, NULL, NULL, &err) == NULL);
    CHECK(rlsq_result_error_code(err) == RLSQ_ERR_ARGUMENT);
    rlsq_result_free(err);
  }

  /* Watching a policy file: a new file renamed over it is swapped in. */
  {
    const char* a = "{\"default_database\": \"db\", \"roles\": [{\"name\": \"R\", \"permissions\": "
                    "[[\"schema_access\", \"[db].[public]\"]]}], \"users\": [{\"username\": \"u\", \"roles\": "
                    "[\"R\"]}], \"rls_filters\": [{\"name\": \"f\", \"filter_type\": \"Regular\", \"tables\": "
                    "[\"t\"], \"roles\": [\"R\"], \"clause\": \"a = 1\"}]}";
    char path[512], tmp[600];
    FILE* f;
    rlsq_engine* w;
    int waited = 0;
    snprintf(path, sizeof path, "%s/rlsq-capi-watch-%ld.json", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (long)getpid());
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
      fputs(a, f);
      fclose(f);
    }
    w = rlsq_engine_from_file(path, NULL, &err);
    CHECK(w != NULL);
    if (w) {
      expect_sql(w, "u", "SELECT * FROM t", "SELECT * FROM t WHERE (t.a = 1)");
      r = rlsq_engine_watch(w, 10);
      CHECK(rlsq_result_error_code(r) == RLSQ_OK);
      rlsq_result_free(r);
      r = rlsq_engine_watch(w, 10);
      CHECK(rlsq_result_error_code(r) == RLSQ_ERR_POLICY && contains(rlsq_result_error_message(r), "already watching"));
      rlsq_result_free(r);
      f = fopen(tmp, "w");
      if (f) {
        fputs(a, f);
        fclose(f);
      }
      /* the same policy with a = 2 */
      f = fopen(tmp, "w");
      if (f) {
        const char* at = strstr(a, "a = 1");
        fwrite(a, 1, (size_t)(at - a), f);
        fputs("a = 2", f);
        fputs(at + 5, f);
        fclose(f);
      }
      CHECK(rename(tmp, path) == 0);
      for (waited = 0; waited < 1000; ++waited) {
        rlsq_result* got = rewrite_as(w, "u", "SELECT * FROM t");
        int done = rlsq_result_sql(got) && strcmp(rlsq_result_sql(got), "SELECT * FROM t WHERE (t.a = 2)") == 0;
        rlsq_result_free(got);
        if (done) break;
        {
          struct timespec ts = {0, 10 * 1000 * 1000};
          nanosleep(&ts, NULL);
        }
      }
      CHECK(waited < 1000);
      CHECK(rlsq_engine_watch_failures(w) == 0 && strcmp(rlsq_engine_watch_last_error(w), "") == 0);
      rlsq_engine_free(w);
    }
    remove(path);
    w = rlsq_engine_from_json(a, strlen(a), NULL, &err);
    if (w) {
      r = rlsq_engine_watch(w, 10);
      CHECK(rlsq_result_error_code(r) == RLSQ_ERR_POLICY && contains(rlsq_result_error_message(r), "no source to watch"));
      rlsq_result_free(r);
      rlsq_engine_free(w);
    }
  }
  if (failures) fprintf(stderr, "%d checks failed\n", failures);
  else printf("capi_test: all checks passed\n");
  return failures ? 1 : 0;
}
