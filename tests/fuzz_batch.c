/* fuzz_batch.c: libFuzzer target: a batch line (any bytes) must give a result or an error
** object, never a crash; results are ranked and formatted as `where --batch` does (and as --compact, for all 64,
** by rank_run and by rank_run_list: the same line). */
#include "fuzz.h"
#include "kb.h"
#include "present.h"
#include "rank.h"
#include "report.h"
#include "screen.h"

#include <stdint.h>
#include <string.h>

static rank *r;
static report *rp;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kb *k = fuzz_kb();
  if (!r) {
    r = rank_new(k);
    rp = report_new(k, r);
  }
  present p;
  char err[256];
  buf out;
  buf_init(&out);
  int rc = present_parse_json(k, (const char *)data, size, &p, err, sizeof err);
  if (rc) report_error_json(&out, 1, "bad-input", err);
  else {
    screen_result s;
    rank_result res;
    screen_run(k, &p, &s);
    rank_run(r, &p, 10, &res);
    report_where_json(&out, rp, &p, &s, &res);
    buf_reset(&out);
    rank_run(r, &p, RANK_MAX, &res);   /* the compact line writes unchecked into room it reserves */
    report_where_compact(&out, rp, &p, &s, &res);
    /* rank_run_list (what `where --batch --compact` ranks with) writes the same line */
    buf lean;
    buf_init(&lean);
    rank_run_list(r, &p, RANK_MAX, &res);
    report_where_compact(&lean, rp, &p, &s, &res);
    if (lean.len != out.len || memcmp(lean.data, out.data, out.len) != 0) __builtin_trap();
    buf_free(&lean);
  }
  buf_free(&out);
  return 0;
}
