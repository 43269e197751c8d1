/* cases.c: data-driven clinical cases: runs each vignette of tests/cases/ *.test through the
** ranking and reports top-1 and top-3 accuracy (right muscle on the right side).
** Usage: test_cases [-v] [--min-top1 P] [--min-top3 P] FILE...
** A case is three lines: "# description", a presentation as JSON, "muscle-id side".
** Exit 0 when the accuracy meets both minimums, 1 otherwise. */
#include "kb.h"
#include "present.h"
#include "rank.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int verbose = 0;
  double min1 = 60, min3 = 90;
  buf errors;
  buf_init(&errors);
  kb *k;
  if (kb_load_builtin(&k, &errors)) { fputs(errors.data, stderr); return 2; }
  rank *r = rank_new(k);
  int n = 0, top1 = 0, top3 = 0, bad = 0;
  for (int a = 1; a < argc; a++) {
    if (!strcmp(argv[a], "-v")) { verbose = 1; continue; }
    if (!strcmp(argv[a], "--min-top1") && a + 1 < argc) { min1 = atof(argv[++a]); continue; }
    if (!strcmp(argv[a], "--min-top3") && a + 1 < argc) { min3 = atof(argv[++a]); continue; }
    FILE *f = fopen(argv[a], "r");
    if (!f) { perror(argv[a]); return 2; }
    char line[8192], desc[1024] = "", json[8192] = "";
    int lineno = 0, state = 0, case_line = 0;
    while (fgets(line, sizeof line, f)) {
      lineno++;
      line[strcspn(line, "\r\n")] = 0;
      if (!line[0]) { state = 0; continue; }
      if (line[0] == '#') { snprintf(desc, sizeof desc, "%.1000s", line); state = 1; continue; }
      if (state <= 1) { memcpy(json, line, sizeof json); case_line = lineno; state = 2; continue; }
      /* expected answer */
      char muscle[128], side[8];
      if (sscanf(line, "%127s %7s", muscle, side) != 2) {
        fprintf(stderr, "%s:%d: expected \"muscle-id side\"\n", argv[a], lineno);
        bad++;
        state = 0;
        continue;
      }
      present p;
      char err[256];
      if (present_parse_json(k, json, strlen(json), &p, err, sizeof err)) {
        fprintf(stderr, "%s:%d: %s\n", argv[a], case_line, err);
        bad++;
        state = 0;
        continue;
      }
      if (kb_find_muscle(k, muscle) < 0) {
        fprintf(stderr, "%s:%d: unknown muscle %s\n", argv[a], lineno, muscle);
        bad++;
        state = 0;
        continue;
      }
      rank_result res;
      rank_run(r, &p, 10, &res);
      int pos = 0;
      for (int i = 0; i < res.n && !pos; i++) {
        const kb_tp *tp = kb_tp_at(k, res.cand[i].tp);
        if (!strcmp(kb_muscle_at(k, tp->muscle)->id, muscle) && !strcmp(body_side_name(res.cand[i].side), side)) pos = i + 1;
      }
      n++;
      top1 += pos == 1;
      top3 += pos >= 1 && pos <= 3;
      if (verbose && pos != 1) {
        printf("%s:%d: %s\n    expected %s %s at %s; got", argv[a], case_line, desc, muscle, side,
               pos ? (char[]){(char)('0' + pos), 0} : "none");
        for (int i = 0; i < res.n && i < 3; i++)
          printf(" %s-%s", kb_tp_at(k, res.cand[i].tp)->id, body_side_name(res.cand[i].side));
        printf("\n");
      }
      state = 0;
    }
    fclose(f);
  }
  rank_free(r);
  kb_free(k);
  if (!n) { fprintf(stderr, "no cases\n"); return 2; }
  double p1 = 100.0 * top1 / n, p3 = 100.0 * top3 / n;
  printf("cases: %d vignettes, top-1 %.1f%% (%d), top-3 %.1f%% (%d); minimums %.0f%% and %.0f%%\n",
         n, p1, top1, p3, top3, min1, min3);
  if (bad) printf("cases: %d malformed case(s)\n", bad);
  return (p1 >= min1 && p3 >= min3 && !bad) ? 0 : 1;
}
