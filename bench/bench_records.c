/* bench_records.c: the record store under load (`make bench`).  Stores SESSIONS session logs
** (the example log of docs/examples/session.json with its own date and pain per visit, in
** batches of 1000 per transaction) for clients of VISITS visits each, with measures every
** fifth visit and an intake every twentieth, as `myomap log`, `measure` and `intake` store
** them; then times single acknowledged writes (one transaction each) and a client's progress
** (outcome_load + outcome_text, as `myomap progress` prints it) over VISITS visits.
**   bench_records DB LOG [SESSIONS [VISITS]]
** DB must be empty (a new SQLite path, or a PostgreSQL URI whose schema is empty). */
#include "kb.h"
#include "outcome.h"
#include "present.h"
#include "record.h"
#include "store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The log template with visit v's date and pain: replace the start time and the pain line. */
static char *make_log(const char *tpl, int v, int pre, int post) {
  time_t t = 1577836800 + (time_t)v * 86400 * 3;  /* 2020-01-01, every third day */
  struct tm tm;
  gmtime_r(&t, &tm);
  char day[16], from[64], to[64];
  strftime(day, sizeof day, "%Y-%m-%d", &tm);
  buf b;
  buf_init(&b);
  const char *p = tpl;
  snprintf(from, sizeof from, "\"pain_pre\":6,\"pain_post\":3");
  snprintf(to, sizeof to, "\"pain_pre\":%d,\"pain_post\":%d", pre, post);
  while (*p) {
    if (*p != '2' && *p != '"') { const char *q = p; while (*q && *q != '2' && *q != '"') q++; buf_append(&b, p, (size_t)(q - p)); p = q; continue; }
    if (!strncmp(p, "2026-11-22T", 11)) { buf_puts(&b, day); p += 10; }
    else if (!strncmp(p, from, strlen(from))) { buf_puts(&b, to); p += strlen(from); }
    else buf_putc(&b, *p++);
  }
  return b.data;
}

static void date_of(int v, char out[11]) {
  time_t t = 1577836800 + (time_t)v * 86400 * 3;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: bench_records DB LOG [SESSIONS [VISITS]]\n"); return 1; }
  long sessions = argc > 3 ? atol(argv[3]) : 100000;
  int visits = argc > 4 ? atoi(argv[4]) : 200;
  char err[600], *tpl;
  size_t tlen;
  if (util_read_file(argv[2], &tpl, &tlen)) { perror(argv[2]); return 1; }
  kb *k;
  buf kerr;
  buf_init(&kerr);
  if (kb_load_builtin(&k, &kerr)) { fprintf(stderr, "%s", kerr.data); return 1; }
  store *s;
  if (store_open(&s, argv[1], err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
  const char *be = store_backend(s);
  long clients = (sessions + visits - 1) / visits, stored = 0, *ids = xcalloc((size_t)clients, sizeof *ids);
  static const char *const regions[] = {"temple-l", "neck-back-l", "shoulder-top-l", "upper-back-l", "jaw-l"};
  double t0 = now(), last = t0;
  int batch = 1000;
  if (store_begin(s)) { fprintf(stderr, "%s\n", store_error(s)); return 1; }
  for (long c = 0; c < clients && stored < sessions; c++) {
    record_client rc;
    record_client_init(&rc);
    char name[64];
    snprintf(name, sizeof name, "Bench Client %ld", c + 1);
    rc.name = name;
    rc.birth = "1970-05-05";
    if (record_client_add(s, k, &rc, &ids[c], err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    for (int v = 0; v < visits && stored < sessions; v++) {
      int pre = 8 - (v * 6) / visits, post = pre > 2 ? pre - 2 : 0;
      char *text = make_log(tpl, v, pre, post), day[11];
      date_of(v, day);
      record_log *l;
      long visit;
      if (record_log_parse(k, text, strlen(text), &l, err, sizeof err) ||
          record_log_add(s, k, ids[c], 0, l, &visit, err, sizeof err)) {
        fprintf(stderr, "session %ld: %s\n", stored, err);
        return 1;
      }
      record_log_free(l);
      free(text);
      if (v % 5 == 0) {
        record_measure m[4];
        char w[64];
        snprintf(w, sizeof w, "reach overhead=%d", 2 + (v * 7) / visits);
        record_measure_parse("psfs", w, &m[0], err, sizeof err);
        snprintf(w, sizeof w, "%d", 30 - (v * 20) / visits);
        record_measure_parse("ndi", w, &m[1], err, sizeof err);
        snprintf(w, sizeof w, "cervical:rotation-l=%d", 50 + (v * 30) / visits);
        record_measure_parse("rom", w, &m[2], err, sizeof err);
        if (record_measure_add(s, ids[c], day, visit, m, 3, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
      }
      if (v % 20 == 0) {
        present p;
        present_init(&p);
        for (int r = 0; r < 2 + v % 3; r++) {
          char w[48];
          snprintf(w, sizeof w, "%s:%d", regions[(r + v / 20) % 5], pre > 0 ? pre : 1);
          present_parse_word(k, w, &p, err, sizeof err);
        }
        record_intake in;
        record_intake_init(&in);
        in.date = day;
        in.drawing = &p;
        long id;
        if (record_intake_add(s, k, ids[c], &in, &id, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
      }
      if (++stored % batch == 0) {
        if (store_commit(s) || store_begin(s)) { fprintf(stderr, "%s\n", store_error(s)); return 1; }
        if (stored % 20000 == 0) {
          double t = now();
          fprintf(stderr, "  %s: %ld sessions stored (%.0f/s over the last 20000)\n", be, stored, 20000 / (t - last));
          last = t;
        }
      }
    }
  }
  if (store_commit(s)) { fprintf(stderr, "%s\n", store_error(s)); return 1; }
  double bulk = now() - t0;
  printf("%s: stored %ld sessions for %ld clients (%d visits each, with measures every 5th visit and an "
         "intake every 20th) in %.1f s: %.0f sessions/s, in batches of %d per transaction\n",
         be, stored, clients, visits, bulk, stored / bulk, batch);
  buf info;
  buf_init(&info);
  store_counts(s, &info);
  for (char *p = info.data; p && *p; p++) if (*p == '\n') *p = ',';
  printf("%s: rows %s\n", be, info.data ? info.data : "");
  store_rows r;
  double bytes = -1;
  if (!strcmp(be, "sqlite")) {
    /* the whole file, after the WAL is copied back into it */
    store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL);
    struct stat st;
    if (!stat(store_where(s), &st)) {
      bytes = (double)st.st_size;
      printf("%s: database file %.1f MB\n", be, bytes / 1048576.0);
    }
  } else if (!store_exec(s, "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n"
                            " ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'", NULL, &r)) {
    bytes = atof(store_cell(&r, 0, 0));
    printf("%s: tables with their indexes and TOAST (pg_total_relation_size) %.1f MB\n", be, bytes / 1048576.0);
    store_rows_free(&r);
  }
  if (bytes > 0)
    printf("%s: %.0f bytes per stored session (%s / %ld sessions, with their measures and intakes)%s\n", be,
           bytes / stored, !strcmp(be, "sqlite") ? "file size" : "tables' total size", stored,
           !strcmp(be, "sqlite") ? (bytes / stored <= 2048 ? ": target <= 2 KB met" : ": target <= 2 KB NOT MET") : "");
  /* Acknowledged single writes: each session its own transaction, durable at commit. */
  int singles = 300;
  double *lat = xcalloc((size_t)singles, sizeof *lat);
  record_client rc;
  record_client_init(&rc);
  rc.name = "Bench Single";
  rc.birth = "1970-05-05";
  long single;
  record_client_add(s, k, &rc, &single, err, sizeof err);
  for (int v = 0; v < singles; v++) {
    char *text = make_log(tpl, v, 5, 3);
    double a = now();
    record_log *l;
    long visit;
    if (record_log_parse(k, text, strlen(text), &l, err, sizeof err) ||
        record_log_add(s, k, single, 0, l, &visit, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    lat[v] = (now() - a) * 1000;
    record_log_free(l);
    free(text);
  }
  qsort(lat, (size_t)singles, sizeof *lat, cmp);
  double sum = 0;
  for (int i = 0; i < singles; i++) sum += lat[i];
  printf("%s: one session per transaction (parse, check, write, commit): mean %.2f ms, p50 %.2f ms, p99 %.2f ms "
         "over %d sessions: target p99 < 10 ms %s\n", be, sum / singles, lat[singles / 2], lat[singles * 99 / 100], singles,
         lat[singles * 99 / 100] < 10 ? "met" : "NOT MET");

  /* Progress over VISITS visits: load + table, as `myomap progress` prints it. */
  int runs = 200;
  double *pt = xcalloc((size_t)runs, sizeof *pt), *st = xcalloc((size_t)runs, sizeof *st);
  buf out;
  buf_init(&out);
  int n_dates = 0;
  for (int i = 0; i < runs; i++) {
    long c = ids[(i * 7919) % (clients > 1 ? clients - 1 : 1)];  /* full clients, spread over the table */
    double a = now();
    outcome *o;
    if (outcome_load(s, k, c, &o, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    buf_reset(&out);
    outcome_text(&out, o);
    pt[i] = (now() - a) * 1000;
    a = now();
    buf_reset(&out);
    outcome_json(&out, o);
    outcome_svg(&out, o);
    st[i] = (now() - a) * 1000 + pt[i];
    n_dates = o->n_dates;
    outcome_free(o);
  }
  qsort(pt, (size_t)runs, sizeof *pt, cmp);
  qsort(st, (size_t)runs, sizeof *st, cmp);
  sum = 0;
  for (int i = 0; i < runs; i++) sum += pt[i];
  printf("%s: progress of a client with %d visits (%d dates; load + table): mean %.2f ms, p50 %.2f ms, p99 %.2f ms, "
         "max %.2f ms over %d runs: target < 10 ms %s\n", be, visits, n_dates, sum / runs, pt[runs / 2],
         pt[runs * 99 / 100], pt[runs - 1], runs, pt[runs * 99 / 100] < 10 ? "met" : "NOT MET");
  printf("%s: the same with the JSON and the SVG charts too: p50 %.2f ms, p99 %.2f ms\n", be, st[runs / 2],
         st[runs * 99 / 100]);
  store_close(s);
  kb_free(k);
  return 0;
}
