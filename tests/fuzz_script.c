/* fuzz_script.c: libFuzzer target for the session script reader (script_run) over a fixed
** two-point plan: any input must give a transcript or a line-numbered error, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kb *k = fuzz_kb();
  plan_input in;
  memset(&in, 0, sizeof in);
  in.points[0].tp = kb_find_tp(k, "upper-trapezius-tp1");
  in.points[0].side = BODY_L;
  in.points[1].tp = kb_find_tp(k, "gastrocnemius-tp1");
  in.points[1].side = BODY_R;
  in.n_points = 2;
  session s;
  char err[256];
  if (session_init(&s, k, &in, "scripted", err, sizeof err)) abort();
  buf out, log;
  buf_init(&out);
  buf_init(&log);
  if (script_run(k, &s, "fuzz", (const char *)data, size, 1.7e9, &out, err, sizeof err) == 0) session_json(&log, k, &s);
  buf_free(&out);
  buf_free(&log);
  session_free(&s);
  return 0;
}
