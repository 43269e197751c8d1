/* fuzz_log.c: libFuzzer target for the session-log reader that `myomap log` stores from
** (record_log_parse): any input must be accepted as a log or refused with a message, never
** crash; an accepted log has a real start date. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
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
