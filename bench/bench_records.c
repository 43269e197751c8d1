/* bench_records.c: the record store under load (`make bench`).  Stores SESSIONS session logs
** (the example log of docs/examples/session.json with its own date and pain per visit) for
** clients of VISITS visits each, in three phases: the clients and their intakes (every
** twentieth visit's day); each client's session logs made, read, checked and stored at once as
** `myomap log CLIENT FILE...` stores them (record_logs_read: a transaction a client; PostgreSQL's
** COPY), or with BENCH_IMPORT=1 all of a job's clients in one import as `myomap log --batch` stores
** them (record_import), by BENCH_JOBS jobs at once (default 1; each its own connection and
** clients); then the
** measures (every fifth visit), as `myomap intake` and `measure` store them.  The sessions'
** rate times the middle phase (making the logs' text included); the rate with everything is
** printed beside it.  Then it times single acknowledged writes (one transaction each,
** record_log_add) and a client's progress (outcome_load + outcome_text, as `myomap progress`
** prints it) over VISITS visits.
**   bench_records DB LOG [SESSIONS [VISITS]]
** DB must be empty (a new SQLite path, or a PostgreSQL URI whose schema is empty). */
#include "kb.h"
#include "outcome.h"
#include "present.h"
#include "record.h"
#include "store.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* The machine's busy and idle time so far (/proc/stat, in its ticks), or 0s where there is none. */
static void machine(double *busy, double *idle) {
  FILE *f = fopen("/proc/stat", "r");
  double v[8] = {0};
  if (f) {
    if (fscanf(f, "cpu %lf %lf %lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
      memset(v, 0, sizeof v);
    fclose(f);
  }
  *busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  *idle = v[3] + v[4];
}

/* The CPU seconds so far of the PostgreSQL server process serving s, when it runs on this machine
** (its /proc/PID/stat); -1 where that cannot be read (SQLite, a server elsewhere). */
static double server_cpu(store *s) {
  if (strcmp(store_backend(s), "postgresql")) return -1;
  store_rows r;
  if (store_exec(s, "SELECT pg_backend_pid()", NULL, &r)) return -1;
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/stat", store_cell(&r, 0, 0) ? store_cell(&r, 0, 0) : "0");
  store_rows_free(&r);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  size_t n = fread(line, 1, sizeof line - 1, f);
  fclose(f);
  line[n] = 0;
  const char *p = strrchr(line, ')');   /* after the command's name: state, then 10 fields, then utime stime */
  double ut, st;
  if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lf %lf", &ut, &st) != 2) return -1;
  return (ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The log template with visit v's date and pain: the template is cut once at each "2026-11-22T"
** and at its pain line, then each log is its pieces with the day and the pain between them. */
#define PIECES 64
typedef struct tpl_cut { const char *at[PIECES]; size_t len[PIECES]; int what[PIECES], n; } tpl_cut;
static const char pain_from[] = "\"pain_pre\":6,\"pain_post\":3", day_from[] = "2026-11-22T";

static void cut(const char *tpl, tpl_cut *c) {
  const char *p = tpl;
  c->n = 0;
  while (c->n < PIECES - 1) {
    const char *d = strstr(p, day_from), *f = strstr(p, pain_from);
    const char *next = d && (!f || d < f) ? d : f;
    c->at[c->n] = p;
    c->len[c->n] = next ? (size_t)(next - p) : strlen(p);
    c->what[c->n++] = !next ? 0 : next == d ? 1 : 2;
    if (!next) break;
    p = next == d ? d + 10 : f + sizeof pain_from - 1;
  }
}

static char *make_log(const tpl_cut *c, int v, int pre, int post) {
  time_t t = 1577836800 + (time_t)v * 86400 * 3;  /* 2020-01-01, every third day */
  struct tm tm;
  gmtime_r(&t, &tm);
  char day[16], to[64];
  strftime(day, sizeof day, "%Y-%m-%d", &tm);
  int tn = snprintf(to, sizeof to, "\"pain_pre\":%d,\"pain_post\":%d", pre, post);
  buf b;
  buf_init(&b);
  for (int i = 0; i < c->n; i++) {
    buf_append(&b, c->at[i], c->len[i]);
    if (c->what[i] == 1) buf_append(&b, day, 10);
    else if (c->what[i] == 2) buf_append(&b, to, (size_t)tn);
  }
  return b.data;
}

static void date_of(int v, char out[11]) {
  time_t t = 1577836800 + (time_t)v * 86400 * 3;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Client c's number of visits (the last client may have fewer). */
static int visits_of(long c, long sessions, int visits) {
  long left = sessions - c * visits;
  return left < visits ? (int)left : visits;
}

/* A job of the sessions' phase: clients j, j + jobs, ... on a connection of its own. */
typedef struct job {
  int j, jobs;
  long clients, sessions;
  int visits;
  const kb *k;
  const tpl_cut *tc;
  const long *ids;
  long *vids;
  store *s;
  char err[600];
  int rc;
  double server;   /* its server process's CPU seconds over the job (-1: not known) */
  int import;      /* its clients in one import (record_import), else a transaction each */
  pthread_t thread;
} job;

static void *job_run(void *arg) {
  job *w = arg;
  char **texts = xcalloc((size_t)w->visits, sizeof *texts);
  size_t *lens = xcalloc((size_t)w->visits, sizeof *lens);
  double s0 = server_cpu(w->s);
  record_import *im = NULL;   /* an import: the job's clients in one transaction, as `myomap log --batch` */
  if (w->import && record_import_begin(w->s, w->k, 0, &im, w->err, sizeof w->err)) w->rc = 1;
  for (long c = w->j; c < w->clients && !w->rc; c += w->jobs) {
    int nv = visits_of(c, w->sessions, w->visits), at;
    for (int v = 0; v < nv; v++) {
      int pre = 8 - (v * 6) / w->visits, post = pre > 2 ? pre - 2 : 0;
      texts[v] = make_log(w->tc, v, pre, post);
      lens[v] = strlen(texts[v]);
    }
    long *vids = &w->vids[c * w->visits];
    if (im ? record_import_logs(im, w->ids[c], nv, (const char *const *)texts, lens, vids, &at, w->err, sizeof w->err)
           : record_logs_read(w->s, w->k, w->ids[c], 0, nv, (const char *const *)texts, lens, vids, &at, w->err,
                              sizeof w->err))
      w->rc = 1;
    for (int v = 0; v < nv; v++) free(texts[v]);
  }
  if (im && record_import_end(im, !w->rc, w->err, sizeof w->err)) w->rc = 1;
  double s1 = s0 < 0 ? -1 : server_cpu(w->s);
  w->server = s1 < 0 ? -1 : s1 - s0;
  free(texts);
  free(lens);
  return NULL;
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
  long clients = (sessions + visits - 1) / visits, *ids = xcalloc((size_t)clients, sizeof *ids);
  long *vids = xcalloc((size_t)clients * visits, sizeof *vids);
  static const char *const regions[] = {"temple-l", "neck-back-l", "shoulder-top-l", "upper-back-l", "jaw-l"};
  tpl_cut tc;
  cut(tpl, &tc);
  double t0 = now();
  /* 1. the clients and their intakes (every 20th visit's day), a transaction each */
  for (long c = 0; c < clients; c++) {
    record_client rc;
    record_client_init(&rc);
    char name[64];
    snprintf(name, sizeof name, "Bench Client %ld", c + 1);
    rc.name = name;
    rc.birth = "1970-05-05";
    if (record_client_add(s, k, &rc, &ids[c], err, sizeof err) || store_begin(s)) { fprintf(stderr, "%s\n", err); return 1; }
    for (int v = 0; v < visits_of(c, sessions, visits); v += 20) {
      int pre = 8 - (v * 6) / visits;
      char day[11];
      date_of(v, day);
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
    if (store_commit(s)) { fprintf(stderr, "%s\n", store_error(s)); return 1; }
  }
  /* 2. the sessions: each client's logs made, read, checked and stored at once, as `myomap log
  **    CLIENT FILE...` does; by `jobs` jobs at once (each its own connection and clients), as
  **    that many `myomap log` processes would */
  int jobs = getenv("BENCH_JOBS") ? atoi(getenv("BENCH_JOBS")) : 1;
  if (jobs < 1 || jobs > 16) jobs = 1;
  int import = getenv("BENCH_IMPORT") && !strcmp(getenv("BENCH_IMPORT"), "1");
  job *jb = xcalloc((size_t)jobs, sizeof *jb);
  double t1 = now(), c1 = cpu(), busy1, idle1, busy2, idle2;
  machine(&busy1, &idle1);
  for (int j = 0; j < jobs; j++) {
    jb[j].j = j; jb[j].jobs = jobs; jb[j].clients = clients; jb[j].sessions = sessions; jb[j].visits = visits;
    jb[j].k = k; jb[j].tc = &tc; jb[j].ids = ids; jb[j].vids = vids; jb[j].import = import;
    if (store_clone(s, &jb[j].s, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    pthread_create(&jb[j].thread, NULL, job_run, &jb[j]);
  }
  int failed = 0;
  double server = 0;
  for (int j = 0; j < jobs; j++) {
    pthread_join(jb[j].thread, NULL);
    if (jb[j].rc) { fprintf(stderr, "%s\n", jb[j].err); failed = 1; }
    server = server < 0 || jb[j].server < 0 ? -1 : server + jb[j].server;
    store_close(jb[j].s);
  }
  if (failed) return 1;
  double in_sessions = now() - t1, cpu_sessions = cpu() - c1;
  machine(&busy2, &idle2);
  double busy = busy2 - busy1, all = busy + idle2 - idle1;
  /* 3. the measures, every 5th visit, a transaction per client */
  for (long c = 0; c < clients; c++) {
    if (store_begin(s)) { fprintf(stderr, "%s\n", store_error(s)); return 1; }
    for (int v = 0; v < visits_of(c, sessions, visits); v += 5) {
      record_measure m[4];
      char w[64], day[11];
      date_of(v, day);
      snprintf(w, sizeof w, "reach overhead=%d", 2 + (v * 7) / visits);
      record_measure_parse("psfs", w, &m[0], err, sizeof err);
      snprintf(w, sizeof w, "%d", 30 - (v * 20) / visits);
      record_measure_parse("ndi", w, &m[1], err, sizeof err);
      snprintf(w, sizeof w, "cervical:rotation-l=%d", 50 + (v * 30) / visits);
      record_measure_parse("rom", w, &m[2], err, sizeof err);
      if (record_measure_add(s, ids[c], day, vids[c * visits + v], m, 3, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    }
    if (store_commit(s)) { fprintf(stderr, "%s\n", store_error(s)); return 1; }
  }
  double bulk = now() - t0;
  long stored = sessions;
  printf("%s: stored %ld sessions for %ld clients (%d visits each, with measures every 5th visit and an "
         "intake every 20th) in %.1f s: %.0f sessions/s with their intakes and measures; the sessions alone "
         "(%s, %d job%s at once) "
         "in %.2f s: %.0f sessions/s (this process's CPU %.2f s of it; the machine's cores %.0f%% busy)",
         be, stored, clients, visits, bulk, stored / bulk,
         import ? "a job's clients' logs made, read, checked and stored in one import, as `myomap log --batch`"
                : "a client's logs made, read, checked and stored at once, as `myomap log CLIENT FILE...`",
         jobs, jobs == 1 ? "" : "s", in_sessions,
         stored / in_sessions, cpu_sessions, all > 0 ? 100 * busy / all : 0.0);
  if (server >= 0) printf("; the server processes' CPU %.2f s", server);
  printf("\n");
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
    char *text = make_log(&tc, v, 5, 3);
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
