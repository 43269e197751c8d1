/* fuzz_restore.c: libFuzzer target for the backup reader (store_restore with record.c's row
** checks) into an empty SQLite database: any input must be restored whole or refused with a
** message that names a line, never crash; what a refusal started is undone (the next input
** finds the database empty), and a restore's row count is the rows the database then holds.
** Each input runs inside an outer transaction that is rolled back, so nothing stays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "kb.h"
#include "record.h"
#include "store.h"
#include "util.h"

/* The rows the database holds (the sum of `db info`'s counts). */
static long rows_held(store *db) {
  buf b;
  buf_init(&b);
  if (store_counts(db, &b)) abort();
  long n = 0;
  for (const char *p = b.data; p && *p;) {
    const char *sp = strchr(p, ' ');
    if (!sp) abort();
    n += strtol(sp + 1, NULL, 10);
    const char *nl = strchr(p, '\n');
    p = nl ? nl + 1 : NULL;
  }
  buf_free(&b);
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kb *k = fuzz_kb();
  store *db = fuzz_db();
  if (store_begin(db)) abort();   /* the outer transaction: rolled back below */
  long rows = -1;
  int rc = store_restore(db, (const char *)data, size, record_row_check, k, &rows);
  if (rc == 0) {
    if (rows != rows_held(db)) abort();  /* every row counted is there, and no other */
  } else {
    const char *m = store_error(db);
    if (rows != 0 || strncmp(m, "line ", 5)) abort();   /* a refusal names its line */
  }
  store_rollback(db);
  if (rows_held(db) != 0) abort();       /* nothing is left for the next input */
  return 0;
}
