/* store_pg.c: the PostgreSQL backend of the record store, through libpq: for a clinic whose
** therapists share one server. */
#include "storeint.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lazy.h"

/* libpq, opened on first use (lazy.h): its functions, called through this table under their
** own names. */
static struct {
  __typeof__(&PQconnectdb) PQconnectdb;
  __typeof__(&PQstatus) PQstatus;
  __typeof__(&PQerrorMessage) PQerrorMessage;
  __typeof__(&PQsetNoticeProcessor) PQsetNoticeProcessor;
  __typeof__(&PQexec) PQexec;
  __typeof__(&PQexecParams) PQexecParams;
  __typeof__(&PQresultStatus) PQresultStatus;
  __typeof__(&PQresultErrorField) PQresultErrorField;
  __typeof__(&PQclear) PQclear;
  __typeof__(&PQreset) PQreset;
  __typeof__(&PQntuples) PQntuples;
  __typeof__(&PQnfields) PQnfields;
  __typeof__(&PQgetvalue) PQgetvalue;
  __typeof__(&PQgetisnull) PQgetisnull;
  __typeof__(&PQfname) PQfname;
  __typeof__(&PQfinish) PQfinish;
  __typeof__(&PQconsumeInput) PQconsumeInput;
  __typeof__(&PQisBusy) PQisBusy;
  __typeof__(&PQnotifies) PQnotifies;
  __typeof__(&PQsocket) PQsocket;
  __typeof__(&PQfreemem) PQfreemem;
  __typeof__(&PQescapeIdentifier) PQescapeIdentifier;
  __typeof__(&PQprepare) PQprepare;
  __typeof__(&PQexecPrepared) PQexecPrepared;
  __typeof__(&PQftype) PQftype;
  __typeof__(&PQenterPipelineMode) PQenterPipelineMode;
  __typeof__(&PQexitPipelineMode) PQexitPipelineMode;
  __typeof__(&PQpipelineSync) PQpipelineSync;
  __typeof__(&PQsendQueryParams) PQsendQueryParams;
  __typeof__(&PQsendQueryPrepared) PQsendQueryPrepared;
  __typeof__(&PQgetResult) PQgetResult;
  __typeof__(&PQsetSingleRowMode) PQsetSingleRowMode;
  __typeof__(&PQgetCancel) PQgetCancel;
  __typeof__(&PQcancel) PQcancel;
  __typeof__(&PQfreeCancel) PQfreeCancel;
  __typeof__(&PQputCopyData) PQputCopyData;
  __typeof__(&PQputCopyEnd) PQputCopyEnd;
} pq;

static const lazy_sym pq_syms[] = {
#define S(f) {#f, offsetof(__typeof__(pq), f)}
  S(PQconnectdb),
  S(PQstatus),
  S(PQerrorMessage),
  S(PQsetNoticeProcessor),
  S(PQexec),
  S(PQexecParams),
  S(PQresultStatus),
  S(PQresultErrorField),
  S(PQclear),
  S(PQreset),
  S(PQntuples),
  S(PQnfields),
  S(PQgetvalue),
  S(PQgetisnull),
  S(PQfname),
  S(PQfinish),
  S(PQconsumeInput),
  S(PQisBusy),
  S(PQnotifies),
  S(PQsocket),
  S(PQfreemem),
  S(PQescapeIdentifier),
  S(PQprepare),
  S(PQexecPrepared),
  S(PQftype),
  S(PQenterPipelineMode),
  S(PQexitPipelineMode),
  S(PQpipelineSync),
  S(PQsendQueryParams),
  S(PQsendQueryPrepared),
  S(PQgetResult),
  S(PQsetSingleRowMode),
  S(PQgetCancel),
  S(PQcancel),
  S(PQfreeCancel),
  S(PQputCopyData),
  S(PQputCopyEnd),
#undef S
};
static const char *const pq_names[] = {"libpq.so.5", "libpq.so", NULL};
static lazy_lib pq_lib = {pq_names, "libpq5", pq_syms, sizeof pq_syms / sizeof pq_syms[0], &pq, 0, ""};

#define PQconnectdb pq.PQconnectdb
#define PQstatus pq.PQstatus
#define PQerrorMessage pq.PQerrorMessage
#define PQsetNoticeProcessor pq.PQsetNoticeProcessor
#define PQexec pq.PQexec
#define PQexecParams pq.PQexecParams
#define PQresultStatus pq.PQresultStatus
#define PQresultErrorField pq.PQresultErrorField
#define PQclear pq.PQclear
#define PQreset pq.PQreset
#define PQntuples pq.PQntuples
#define PQnfields pq.PQnfields
#define PQgetvalue pq.PQgetvalue
#define PQgetisnull pq.PQgetisnull
#define PQfname pq.PQfname
#define PQfinish pq.PQfinish
#define PQconsumeInput pq.PQconsumeInput
#define PQisBusy pq.PQisBusy
#define PQnotifies pq.PQnotifies
#define PQsocket pq.PQsocket
#define PQfreemem pq.PQfreemem
#define PQescapeIdentifier pq.PQescapeIdentifier
#define PQprepare pq.PQprepare
#define PQexecPrepared pq.PQexecPrepared
#define PQftype pq.PQftype
#define PQenterPipelineMode pq.PQenterPipelineMode
#define PQexitPipelineMode pq.PQexitPipelineMode
#define PQpipelineSync pq.PQpipelineSync
#define PQsendQueryParams pq.PQsendQueryParams
#define PQsendQueryPrepared pq.PQsendQueryPrepared
#define PQgetResult pq.PQgetResult
#define PQsetSingleRowMode pq.PQsetSingleRowMode
#define PQgetCancel pq.PQgetCancel
#define PQcancel pq.PQcancel
#define PQfreeCancel pq.PQfreeCancel
#define PQputCopyData pq.PQputCopyData
#define PQputCopyEnd pq.PQputCopyEnd


static void quiet(void *arg, const char *message) { (void)arg; (void)message; }

/* ---- prepared statements -------------------------------------------------------------------
** Each statement with parameters is prepared once per connection (PQprepare) and then only
** executed (PQexecPrepared: no parse or plan on the server), found again by its SQL text in a
** hash table of the handle.  A reset connection loses them: the table is emptied. */
#define PREP_SLOTS 512   /* a power of two; at most half used */
typedef struct prep { char *sql; unsigned hash; } prep;
typedef struct prep_cache { prep slot[PREP_SLOTS]; int n, next_name; } prep_cache;

static void prep_clear(store *s) {
  prep_cache *pc = s->priv;
  if (!pc) return;
  for (int i = 0; i < PREP_SLOTS; i++) free(pc->slot[i].sql);
  memset(pc, 0, sizeof *pc);
}

/* The name of the prepared statement for `sql` ("s" and its slot), preparing it first when
** this connection has not; NULL when the table is full or preparing failed (the caller then
** sends the statement unprepared, which reports any error). */
static const char *prep_name(store *s, const char *sql, int nparams, char name[16]) {
  prep_cache *pc = s->priv;
  if (!pc) s->priv = pc = xcalloc(1, sizeof *pc);
  unsigned h = util_hash(sql), i = h & (PREP_SLOTS - 1);
  for (; pc->slot[i].sql; i = (i + 1) & (PREP_SLOTS - 1))
    if (pc->slot[i].hash == h && !strcmp(pc->slot[i].sql, sql)) { snprintf(name, 16, "s%u", i); return name; }
  if (pc->n >= PREP_SLOTS / 2) return NULL;
  snprintf(name, 16, "s%u", i);
  PGresult *r = PQprepare(s->h, name, sql, nparams, NULL);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) return NULL;
  pc->slot[i].sql = xstrdup(sql);
  pc->slot[i].hash = h;
  pc->n++;
  return name;
}

/* Send one statement: prepared when it has parameters, with blobs in binary. */
static PGresult *pg_send(store *s, const char *sql, const store_args *a) {
  PGconn *c = s->h;
  if (!a || !a->n) return PQexec(c, sql);
  int lens[STORE_MAX_ARGS], fmts[STORE_MAX_ARGS];
  for (int i = 0; i < a->n; i++) { lens[i] = a->len[i] < 0 ? 0 : a->len[i]; fmts[i] = a->len[i] >= 0; }
  char name[16];
  /* A statement that cannot be prepared (an error in it) fails as it would have unprepared:
  ** it is sent once more unprepared, for the server's message. */
  const char *n = prep_name(s, sql, a->n, name);
  if (n) return PQexecPrepared(c, n, a->n, a->v, lens, fmts, 0);
  return PQexecParams(c, sql, a->n, NULL, a->v, lens, fmts, 0);
}

static int unhex(int ch) {
  return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* Copy a connection URI with the password (user:PASSWORD@) masked. */
static void mask(char *out, size_t outlen, const char *uri) {
  const char *scheme = strstr(uri, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
  const char *colon = NULL;
  if (at)
    for (const char *p = scheme + 3; p < at; p++) if (*p == ':') { colon = p; break; }
  if (colon) snprintf(out, outlen, "%.*s:***%s", (int)(colon - uri), uri, at);
  else snprintf(out, outlen, "%s", uri);
}

/* The first line of libpq's message. */
static int pg_fail(store *s, const char *what, const char *msg) {
  int n = (int)strcspn(msg ? msg : "", "\n");
  return store_fail(s, "%s: %.*s", what, n, msg ? msg : "");
}

static int pg_open(store *s, const char *uri) {
  mask(s->where, sizeof s->where, uri);
  s->h = NULL;
  if (lazy_open(&pq_lib)) return store_fail(s, "PostgreSQL %s: %s", s->where, pq_lib.error);
  PGconn *c = PQconnectdb(uri);
  s->h = c;
  if (!c) return store_fail(s, "PostgreSQL %s: out of memory", s->where);
  if (PQstatus(c) != CONNECTION_OK)
    return pg_fail(s, s->where, PQerrorMessage(c));
  PQsetNoticeProcessor(c, quiet, NULL);
  PGresult *r = PQexec(c, "SET client_min_messages TO warning; SET application_name TO 'myomap'");
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  return ok ? 0 : pg_fail(s, s->where, PQerrorMessage(c));
}

static void pg_close(store *s) {
  if (s->h) PQfinish(s->h);   /* none when libpq could not be opened */
  s->h = NULL;
  prep_clear(s);
  free(s->priv);
  s->priv = NULL;
}

/* A statement that only reads, and so may be sent again after a dropped connection. */
static int reads_only(const char *sql) {
  while (*sql == ' ' || *sql == '\n') sql++;
  return !strncmp(sql, "SELECT", 6) && !strstr(sql, "pg_notify") && !strstr(sql, "nextval");
}

static void take_rows(PGresult *r, store_rows *out) {
  int ncol = PQnfields(r), nrow = PQntuples(r);
  out->ncol = ncol;
  out->names = xcalloc((size_t)ncol ? (size_t)ncol : 1, sizeof(char *));
  for (int j = 0; j < ncol; j++) out->names[j] = xstrdup(PQfname(r, j));
  out->cell = xcalloc((size_t)nrow * ncol + 1, sizeof(char *));
  out->len = xcalloc((size_t)nrow * ncol + 1, sizeof(size_t));
  for (int j = 0; j < ncol; j++) {
    int bytea = PQftype(r, j) == 17;   /* BYTEAOID: sent as \x and hex digits */
    for (int i = 0; i < nrow; i++) {
      size_t at = (size_t)i * ncol + j;
      if (PQgetisnull(r, i, j)) continue;
      const char *v = PQgetvalue(r, i, j);
      if (!bytea) { out->cell[at] = xstrdup(v); out->len[at] = strlen(v); continue; }
      size_t n = strlen(v), k = 0;
      char *b = xmalloc(n / 2 + 1);
      for (size_t p = 2; p + 1 < n; p += 2) {
        int hi = unhex(v[p]), lo = unhex(v[p + 1]);
        if (hi < 0 || lo < 0) break;
        b[k++] = (char)(hi << 4 | lo);
      }
      b[k] = 0;
      out->cell[at] = b;
      out->len[at] = k;
    }
  }
  out->nrow = nrow;
}

static int pg_exec(store *s, const char *sql, const store_args *a, store_rows *out) {
  PGconn *c = s->h;
  PGresult *r;
  ExecStatusType st;
  for (int attempt = 0;; attempt++) {
    r = pg_send(s, sql, a);
    st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) break;
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    pg_fail(s, "SQL", m ? m : PQerrorMessage(c));
    PQclear(r);
    if (PQstatus(c) == CONNECTION_OK) return -1;
    /* The connection dropped (a server restart, a network cut): connect again; a read outside
    ** a transaction is sent once more, anything else fails (it may or may not have run). */
    PQreset(c);
    prep_clear(s);
    int again = attempt == 0 && !s->in_tx && reads_only(sql) && PQstatus(c) == CONNECTION_OK;
    if (PQstatus(c) == CONNECTION_OK) {
      PGresult *q = PQexec(c, "SET client_min_messages TO warning; SET application_name TO 'myomap'");
      PQclear(q);
    }
    if (!again) return -1;
  }
  if (out && st == PGRES_TUPLES_OK) take_rows(r, out);
  PQclear(r);
  return 0;
}

/* Several statements in one round trip: libpq's pipeline mode (PostgreSQL 14 and later), each
** prepared once (before the pipeline) and sent, then one sync and the results read in order. */
static int pg_batch(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *const *out,
                    int begin, int commit) {
  PGconn *c = s->h;
  char names[STORE_BATCH_MAX][16];
  const char *prep[STORE_BATCH_MAX];
  for (int i = 0; i < n; i++) prep[i] = a[i] && a[i]->n ? prep_name(s, sql[i], a[i]->n, names[i]) : NULL;
  if (!PQenterPipelineMode(c)) return pg_fail(s, "pipeline", PQerrorMessage(c));
  int sent = 0, ok = 1;
  if (begin) ok = PQsendQueryParams(c, s->be->begin_sql, 0, NULL, NULL, NULL, NULL, 0), sent++;
  for (int i = 0; ok && i < n; i++, sent++) {
    int lens[STORE_MAX_ARGS], fmts[STORE_MAX_ARGS], np = a[i] ? a[i]->n : 0;
    for (int j = 0; j < np; j++) { lens[j] = a[i]->len[j] < 0 ? 0 : a[i]->len[j]; fmts[j] = a[i]->len[j] >= 0; }
    ok = prep[i] ? PQsendQueryPrepared(c, prep[i], np, a[i]->v, lens, fmts, 0)
                 : PQsendQueryParams(c, sql[i], np, NULL, np ? a[i]->v : NULL, lens, fmts, 0);
  }
  int commit_at = -1;
  if (ok && commit) commit_at = sent, ok = PQsendQueryParams(c, "COMMIT", 0, NULL, NULL, NULL, NULL, 0), sent++;
  if (ok) ok = PQpipelineSync(c);
  int rc = ok ? 0 : pg_fail(s, "pipeline", PQerrorMessage(c));
  if (ok) {
    /* each query's result, then NULL; at the end the sync */
    for (int q = 0; q < sent; q++) {
      PGresult *r;
      while ((r = PQgetResult(c))) {
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !rc) {
          const char *m = st == PGRES_PIPELINE_ABORTED ? "an earlier statement failed" : PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
          rc = pg_fail(s, "SQL", m ? m : PQerrorMessage(c));
          if ((begin && q == 0) || q == commit_at) s->in_tx = 0;   /* no transaction left open */
        } else if (!rc && out && st == PGRES_TUPLES_OK && q - begin >= 0 && q - begin < n && out[q - begin])
          take_rows(r, out[q - begin]);
        PQclear(r);
      }
    }
    PGresult *r = PQgetResult(c);   /* PGRES_PIPELINE_SYNC */
    PQclear(r);
  }
  PQexitPipelineMode(c);
  if (!rc && commit) s->in_tx = 0;
  for (int i = 0; rc && out && i < n; i++) if (out[i]) store_rows_free(out[i]);
  if (PQstatus(c) != CONNECTION_OK) { PQreset(c); prep_clear(s); }
  return rc;
}

/* Single-row mode: each row is handed over as it arrives, so a table of any size streams in
** the memory of one row.  When fn stops early the rest of the query is cancelled. */
static int pg_each(store *s, const char *sql, const store_args *a, store_row_fn fn, void *ctx) {
  PGconn *c = s->h;
  int lens[STORE_MAX_ARGS], fmts[STORE_MAX_ARGS], np = a ? a->n : 0;
  for (int i = 0; i < np; i++) { lens[i] = a->len[i] < 0 ? 0 : a->len[i]; fmts[i] = a->len[i] >= 0; }
  if (!PQsendQueryParams(c, sql, np, NULL, np ? a->v : NULL, lens, fmts, 0))
    return pg_fail(s, "SQL", PQerrorMessage(c));
  if (!PQsetSingleRowMode(c)) {
    while (1) { PGresult *r = PQgetResult(c); if (!r) break; PQclear(r); }
    return pg_fail(s, "SQL", "single-row mode refused");
  }
  int stop = 0, ncol = -1, cancelled = 0;
  const char **names = NULL, **cells = NULL;
  size_t *clens = NULL;
  char **bytes = NULL;   /* a bytea cell's bytes, decoded from \x and hex digits */
  PGresult *r;
  while ((r = PQgetResult(c))) {
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE && !stop) {
      if (ncol < 0) {
        ncol = PQnfields(r);
        names = xcalloc((size_t)ncol + 1, sizeof *names);
        cells = xcalloc((size_t)ncol + 1, sizeof *cells);
        clens = xcalloc((size_t)ncol + 1, sizeof *clens);
        bytes = xcalloc((size_t)ncol + 1, sizeof *bytes);
      }
      for (int j = 0; j < ncol; j++) {
        names[j] = PQfname(r, j);
        cells[j] = PQgetisnull(r, 0, j) ? NULL : PQgetvalue(r, 0, j);
        clens[j] = cells[j] ? strlen(cells[j]) : 0;
        if (cells[j] && PQftype(r, j) == 17) {   /* BYTEAOID */
          const char *v = cells[j];
          size_t n = clens[j], k = 0;
          char *b = bytes[j] = xrealloc(bytes[j], n / 2 + 1);
          for (size_t p = 2; p + 1 < n; p += 2) {
            int hi = unhex(v[p]), lo = unhex(v[p + 1]);
            if (hi < 0 || lo < 0) break;
            b[k++] = (char)(hi << 4 | lo);
          }
          b[k] = 0;
          cells[j] = b;
          clens[j] = k;
        }
      }
      stop = fn(ctx, ncol, names, cells, clens);
      if (stop && !cancelled) {
        PGcancel *k = PQgetCancel(c);
        char why[256];
        if (k) { PQcancel(k, why, sizeof why); PQfreeCancel(k); }
        cancelled = 1;
      }
    } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !stop) {
      const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
      stop = pg_fail(s, "SQL", m ? m : PQerrorMessage(c));
    }
    PQclear(r);
  }
  for (int j = 0; bytes && j < ncol; j++) free(bytes[j]);
  free(bytes);
  free(clens);
  free(names);
  free(cells);
  return stop;
}

static int pg_check(store *s, buf *report) {
  store_rows r;
  if (store_exec(s, "SELECT current_setting('server_version'), pg_is_in_recovery()::text", NULL, &r)) {
    buf_printf(report, "error: the PostgreSQL server does not answer: %s\n", s->err);
    return -1;
  }
  buf_printf(report, "ok: PostgreSQL %s answering at %s\n", store_cell(&r, 0, 0), s->where);
  store_rows_free(&r);
  return 0;
}

static int pg_restored(store *s, const char *table) {
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
           "COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)", table, table);
  return store_exec(s, sql, NULL, NULL);
}

static int pg_listen(store *s, const char *channel) {
  PGconn *c = s->h;
  char *id = PQescapeIdentifier(c, channel, strlen(channel));
  if (!id) return pg_fail(s, "LISTEN", PQerrorMessage(c));
  char sql[300];
  snprintf(sql, sizeof sql, "LISTEN %s", id);
  PQfreemem(id);
  return pg_exec(s, sql, NULL, NULL);
}

static int pg_wait(store *s, double timeout, char *payload, size_t cap) {
  PGconn *c = s->h;
  for (int round = 0; round < 2; round++) {
    if (!PQconsumeInput(c)) {
      pg_fail(s, "LISTEN", PQerrorMessage(c));
      PQreset(c);
      prep_clear(s);
      return -1;
    }
    PGnotify *n = PQnotifies(c);
    if (n) {
      if (cap) snprintf(payload, cap, "%s", n->extra ? n->extra : "");
      PQfreemem(n);
      return 1;
    }
    if (round) break;
    struct pollfd p = {PQsocket(c), POLLIN, 0};
    if (p.fd < 0) { PQreset(c); prep_clear(s); return store_fail(s, "LISTEN: no connection"); }
    int ms = timeout <= 0 ? 0 : (int)(timeout * 1000);
    if (poll(&p, 1, ms) <= 0) return 0;
  }
  return 0;
}

/* COPY FROM STDIN, by phase (storeint.h). */
static int pg_copy(store *s, int phase, const char *data, size_t len) {
  PGconn *c = s->h;
  if (phase == COPY_START) {
    PGresult *r = PQexec(c, data);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    if (!ok) {
      const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
      pg_fail(s, "COPY", m ? m : PQerrorMessage(c));
    }
    PQclear(r);
    return ok ? 0 : -1;
  }
  if (phase == COPY_DATA) return PQputCopyData(c, data, (int)len) == 1 ? 0 : pg_fail(s, "COPY", PQerrorMessage(c));
  if (phase == COPY_END) return PQputCopyEnd(c, NULL) == 1 ? 0 : pg_fail(s, "COPY", PQerrorMessage(c));
  if (phase == COPY_POLL) return !PQconsumeInput(c) || !PQisBusy(c);
  int rc = 0;
  PGresult *r;
  while ((r = PQgetResult(c))) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc) {
      /* with the row it failed at ("COPY visit, line 5"): the first line of the context */
      /* and its detail ("Key (visit_id)=(999) is not present ..."), control characters shown as ? */
      const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY), *ctx = PQresultErrorField(r, PG_DIAG_CONTEXT),
                 *d = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
      char msg[480];
      int cl = ctx && !strncmp(ctx, "COPY ", 5) ? (int)strcspn(ctx, "\n") : 0;
      snprintf(msg, sizeof msg, "%s%s%.160s%s%.*s%s", m ? m : PQerrorMessage(c), d ? ": " : "", d ? d : "",
               cl ? " (" : "", cl > 120 ? 120 : cl, ctx ? ctx : "", cl ? ")" : "");
      for (char *q = msg; *q; q++) if ((unsigned char)*q < 0x20) *q = '?';
      rc = pg_fail(s, "COPY", msg);
    }
    PQclear(r);
  }
  if (PQstatus(c) != CONNECTION_OK) { PQreset(c); prep_clear(s); }
  return rc;
}

const store_driver store_pg = {
  "postgresql", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BYTEA", "BEGIN",
  "SELECT pg_advisory_xact_lock(7271403)", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL,
  pg_open, pg_close, pg_exec, pg_batch, 1, pg_check, pg_restored, pg_listen, pg_wait, pg_each, pg_copy,
  /* (the sequence looked up once: as nextval's argument it would be looked up for every id) */
  "SELECT nextval(q.seq) FROM (SELECT pg_get_serial_sequence('%s', 'id')::regclass AS seq OFFSET 0) q, "
  "generate_series(1, $1::int)",
};
