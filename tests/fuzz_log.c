/* fuzz_log.c: libFuzzer target for the session-log reader that `myomap log` stores from
** (record_log_parse): any input must be accepted as a log or refused with a message, never
** crash; an accepted log has a real start date.  And the tree json_tree (json.c) reads the input
** into is jansson's json_loadb's: both none, or the same (json_equal, and written the same, in
** the same member order); json_tree_fast never reads what jansson refuses. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"   /* (after jansson.h: json_tree alone) */
#include "record.h"
#include "util.h"
#include "fuzz.h"

/* a and b both NULL, or the same tree written the same */
static int same_tree(json_t *a, json_t *b) {
  if (!a || !b) return a == b;
  char *x = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER), *y = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
  int same = json_equal(a, b) && x && y && !strcmp(x, y);
  free(x);
  free(y);
  return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *want = json_loadb((const char *)data, size, 0, NULL), *got = json_tree((const char *)data, size, NULL),
         *fast = json_tree_fast((const char *)data, size);
  if (!same_tree(want, got) || (fast && !same_tree(want, fast))) abort();
  json_decref(want);
  json_decref(got);
  json_decref(fast);
  kb *k = fuzz_kb();
  record_log *l = NULL;
  char err[600];
  err[0] = 0;
  if (record_log_parse(k, (const char *)data, size, &l, err, sizeof err) == 0) {
    char day[11];
    memcpy(day, record_log_started(l), 10);
    day[10] = 0;
    if (!util_date_ok(day)) abort();
    record_log_free(l);
  } else if (!err[0]) abort();  /* a refusal always says why */
  return 0;
}
