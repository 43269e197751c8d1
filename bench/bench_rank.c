/* bench_rank.c: ranking speed through the library alone.
** Usage: bench_rank [N] [--write FILE]
** Makes N (default 1,000,000) pseudo-random presentations of 1 to 8 regions (most drawn from
** a random trigger point's zones on a random side, some anywhere), ranks each (top 10) and
** prints presentations per second and peak memory.  With --write, also writes them as batch
** lines (JSON) to FILE for the end-to-end benchmark. */
#include "kb.h"
#include "present.h"
#include "rank.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TOP 5   /* as `myomap where` by default */

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static unsigned next(unsigned n) {
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  long n = 1000000;
  const char *write = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--write") && i + 1 < argc) write = argv[++i];
    else n = atol(argv[i]);
  }
  buf e;
  buf_init(&e);
  kb *k;
  if (kb_load_builtin(&k, &e)) { fputs(e.data, stderr); return 1; }
  const body *b = kb_body(k);
  rank *r = rank_new(k);
  enum { CHUNK = 4096 };
  present *ps = malloc(CHUNK * sizeof *ps);
  static const char *const q[] = {"", "ache", "burning", "sharp", "tingling", "numbness"};
  FILE *f = write ? fopen(write, "w") : NULL;
  if (write && !f) { perror(write); return 1; }
  rank_result res;
  screen_result s;
  long checksum = 0;
  double t_rank = 0, t_both = 0;
  /* presentations are made a chunk at a time (not timed), then ranked (timed) */
  for (long done = 0; done < n; done += CHUNK) {
    int m = n - done < CHUNK ? (int)(n - done) : CHUNK;
    for (int i = 0; i < m; i++) {
      present *p = &ps[i];
      present_init(p);
      int want = 1 + (int)next(8);
      const kb_tp *tp = kb_tp_at(k, (int)next((unsigned)kb_n_tps(k)));
      int side = kb_muscle_at(k, tp->muscle)->paired ? (next(2) ? BODY_R : BODY_L) : BODY_MID;
      for (int tries = 0; p->n_pain < want && tries < 32; tries++) {
        int reg;
        if (next(10) < 7) {
          int nz = tp->n_essential + tp->n_spillover, z = (int)next((unsigned)nz), out[2];
          kb_zone_ref ref = z < tp->n_essential ? tp->essential[z] : tp->spillover[z - tp->n_essential];
          reg = out[next((unsigned)kb_zone_regions(k, ref, side, out))];
        } else reg = (int)next((unsigned)body_n(b));
        present_add(p, reg, next(3) ? (int)next(11) : -1, next(2) ? 1 + (int)next(5) : 0);
      }
      if (f) {
        fputs("{\"pain\":[", f);
        for (int j = 0; j < p->n_pain; j++) {
          fprintf(f, "%s{\"region\":\"%s\"", j ? "," : "", body_at(b, p->pain[j].region)->id);
          if (p->pain[j].intensity >= 0) fprintf(f, ",\"intensity\":%d", p->pain[j].intensity);
          if (p->pain[j].quality) fprintf(f, ",\"quality\":\"%s\"", q[p->pain[j].quality]);
          fputc('}', f);
        }
        fputs("]}\n", f);
      }
    }
    double t0 = now();
    for (int i = 0; i < m; i++) {
      rank_run(r, &ps[i], TOP, &res);
      checksum += res.n ? res.cand[0].tp : 0;
    }
    double t1 = now();
    for (int i = 0; i < m; i++) {
      screen_run(k, &ps[i], &s);
      rank_run(r, &ps[i], TOP, &res);
      checksum += s.verdict;
    }
    t_both += now() - t1;
    t_rank += t1 - t0;
  }
  if (f) fclose(f);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("library: ranked %ld presentations (1-8 regions, top %d) in %.3f s: %.0f presentations/s (%.0f ns each)\n",
         n, TOP, t_rank, n / t_rank, 1e9 * t_rank / n);
  printf("library: screens + ranking: %.0f presentations/s\n", n / t_both);
  printf("library: peak memory %.1f MB  [checksum %ld]\n", ru.ru_maxrss / 1024.0, checksum);
  free(ps);
  rank_free(r);
  kb_free(k);
  return 0;
}
