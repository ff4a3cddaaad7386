/* Rewrites one query for one user with the installed rlsq (the C API).  consumer_c POLICY.json USER "SQL" */
#include <stdio.h>
#include <string.h>

#include "rlsq/rlsq.h"

int main(int argc, char** argv) {
  rlsq_result* err = NULL;
  rlsq_engine* engine;
  rlsq_request request = RLSQ_REQUEST_INIT;
  rlsq_result* r;
  int rc;
  if (argc != 4) {
    fprintf(stderr, "usage: consumer_c POLICY.json USER SQL\n");
    return 2;
  }
  engine = rlsq_engine_from_file(argv[1], NULL, &err);
  if (!engine) {
    fprintf(stderr, "%s\n", rlsq_result_error_message(err));
    rlsq_result_free(err);
    return 1;
  }
  request.user = argv[2];
  r = rlsq_rewrite(engine, argv[3], strlen(argv[3]), &request);
  rc = rlsq_result_error_code(r) == RLSQ_OK ? 0 : 1;
  if (rc == 0) {
    puts(rlsq_result_sql(r));
  } else {
    fprintf(stderr, "error %d at %u:%u: %s\n", (int)rlsq_result_error_code(r), (unsigned)rlsq_result_error_line(r),
            (unsigned)rlsq_result_error_column(r), rlsq_result_error_message(r));
  }
  rlsq_result_free(r);
  rlsq_engine_free(engine);
  return rc;
}
