/* store_sqlite.c: the embedded SQLite backend of the record store: one file, owner-only, WAL,
** foreign keys, synchronous FULL. */
#include "storeint.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p the directory part of `path`, new directories with mode 0700. */
static int make_parent(store *s, const char *path) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir) return 0;
  *slash = 0;
  for (char *p = dir + 1;; p++) {
    if (*p == '/' || !*p) {
      char c = *p;
      *p = 0;
      if (mkdir(dir, 0700) && errno != EEXIST)
        return store_fail(s, "cannot create the directory %s: %s", dir, strerror(errno));
      if (!c) break;
      *p = c;
    }
  }
  return 0;
}

/* The connection and its prepared statements: each single statement is prepared once and kept,
** keyed by its SQL text (the callers' SQL is constant text), the least recently used dropped. */
#define STMTS 48
typedef struct lite {
  sqlite3 *db;
  struct { char *sql; sqlite3_stmt *st; unsigned long used; } stmts[STMTS];
  unsigned long clock;
} lite;
#define LITE_MMAP "PRAGMA mmap_size=2147418112"

static int lite_open(store *s, const char *path) {
  snprintf(s->where, sizeof s->where, "%s", path);
  if (make_parent(s, path)) return -1;
  /* Create the file owner-only before SQLite opens it; SQLite gives the -wal and -shm files
  ** the database file's permissions. */
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) close(fd);
  else if (errno != EEXIST) return store_fail(s, "cannot create %s: %s", path, strerror(errno));
  sqlite3 *h = NULL;
  int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK) {
    store_fail(s, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
    sqlite3_close(h);
    return -1;
  }
  lite *l = xcalloc(1, sizeof *l);
  l->db = h;
  s->h = l;
  sqlite3_busy_timeout(h, 10000);
  sqlite3_extended_result_codes(h, 1);
  char *msg = NULL;
  rc = sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                       "PRAGMA trusted_schema=OFF; PRAGMA cache_size=-16384; " LITE_MMAP ";", NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    store_fail(s, "%s: not a usable SQLite database: %s", path, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

static void lite_close(store *s) {
  lite *l = s->h;
  for (int i = 0; i < STMTS; i++) { sqlite3_finalize(l->stmts[i].st); free(l->stmts[i].sql); }
  sqlite3_close_v2(l->db);
  free(l);
  s->h = NULL;
}

static int lite_error(store *s, const char *what) {
  lite *l = s->h;
  return store_fail(s, "%s: %s", what, sqlite3_errmsg(l->db));
}

/* The kept statement of `sql`, or NULL (then prepare it and keep it with keep()). */
static sqlite3_stmt *kept(lite *l, const char *sql) {
  for (int i = 0; i < STMTS; i++)
    if (l->stmts[i].st && !strcmp(l->stmts[i].sql, sql)) { l->stmts[i].used = ++l->clock; return l->stmts[i].st; }
  return NULL;
}

static void keep(lite *l, const char *sql, sqlite3_stmt *st) {
  int k = 0;
  for (int i = 0; i < STMTS; i++) {
    if (!l->stmts[i].st) { k = i; break; }
    if (l->stmts[i].used < l->stmts[k].used) k = i;
  }
  sqlite3_finalize(l->stmts[k].st);
  free(l->stmts[k].sql);
  l->stmts[k].sql = xstrdup(sql);
  l->stmts[k].st = st;
  l->stmts[k].used = ++l->clock;
}

static int lite_exec(store *s, const char *sql, const store_args *a, store_rows *out) {
  lite *l = s->h;
  sqlite3 *h = l->db;
  const char *tail = sql;
  while (tail && *tail) {
    sqlite3_stmt *st = tail == sql ? kept(l, sql) : NULL;
    int cached = st != NULL;
    if (!st) {
      const char *start = tail;
      if (sqlite3_prepare_v2(h, tail, -1, &st, &tail) != SQLITE_OK) return lite_error(s, "SQL");
      if (!st) break;  /* only white space or a comment was left */
      /* keep a whole single statement (not one of several) for the next call */
      if (start == sql && strspn(tail, " \t\n;") == strlen(tail)) { keep(l, sql, st); cached = 1; }
    } else tail = "";
    int rc = SQLITE_OK;
    for (int i = 0; a && i < a->n && rc == SQLITE_OK; i++) {
      char name[16];
      snprintf(name, sizeof name, "$%d", i + 1);
      int idx = sqlite3_bind_parameter_index(st, name);
      if (idx)
        rc = !a->v[i] ? sqlite3_bind_null(st, idx)
           : a->len[i] >= 0 ? sqlite3_bind_blob(st, idx, a->v[i], a->len[i], SQLITE_STATIC)
           : sqlite3_bind_text(st, idx, a->v[i], -1, SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) {
      lite_error(s, "bind");
      if (cached) { sqlite3_reset(st); sqlite3_clear_bindings(st); } else sqlite3_finalize(st);
      return -1;
    }
    int ncol = sqlite3_column_count(st);
    if (out && ncol && !out->ncol) {
      store_rows_free(out);
      out->ncol = ncol;
      out->names = xcalloc((size_t)ncol, sizeof(char *));
      for (int j = 0; j < ncol; j++) out->names[j] = xstrdup(sqlite3_column_name(st, j));
    }
    const char *cells[64];
    size_t lens[64];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (!out || ncol != out->ncol || ncol > 64) continue;
      for (int j = 0; j < ncol; j++) {
        cells[j] = sqlite3_column_type(st, j) == SQLITE_BLOB ? (const char *)sqlite3_column_blob(st, j)
                                                              : (const char *)sqlite3_column_text(st, j);
        lens[j] = (size_t)sqlite3_column_bytes(st, j);
        if (!cells[j] && sqlite3_column_type(st, j) == SQLITE_BLOB) cells[j] = "";  /* an empty blob */
      }
      store_rows_add(out, cells, lens, ncol);
    }
    if (rc != SQLITE_DONE) {
      lite_error(s, "SQL");
      if (cached) { sqlite3_reset(st); sqlite3_clear_bindings(st); } else sqlite3_finalize(st);
      return -1;
    }
    if (cached) { sqlite3_reset(st); sqlite3_clear_bindings(st); } else sqlite3_finalize(st);
  }
  return 0;
}

static int lite_each(store *s, const char *sql, const store_args *a, store_row_fn fn, void *ctx) {
  sqlite3 *h = ((lite *)s->h)->db;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK || !st) return lite_error(s, "SQL");
  for (int i = 0; a && i < a->n; i++) {
    char name[16];
    snprintf(name, sizeof name, "$%d", i + 1);
    int idx = sqlite3_bind_parameter_index(st, name);
    if (idx && (!a->v[i] ? sqlite3_bind_null(st, idx)
                : a->len[i] >= 0 ? sqlite3_bind_blob(st, idx, a->v[i], a->len[i], SQLITE_STATIC)
                : sqlite3_bind_text(st, idx, a->v[i], -1, SQLITE_STATIC)) != SQLITE_OK) {
      sqlite3_finalize(st);
      return lite_error(s, "bind");
    }
  }
  int ncol = sqlite3_column_count(st), rc, stop = 0;
  const char **names = xcalloc((size_t)ncol + 1, sizeof *names), **cells = xcalloc((size_t)ncol + 1, sizeof *cells);
  size_t *lens = xcalloc((size_t)ncol + 1, sizeof *lens);
  for (int j = 0; j < ncol; j++) names[j] = sqlite3_column_name(st, j);
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int j = 0; j < ncol; j++) {
      int blob = sqlite3_column_type(st, j) == SQLITE_BLOB;
      cells[j] = blob ? (const char *)sqlite3_column_blob(st, j) : (const char *)sqlite3_column_text(st, j);
      lens[j] = (size_t)sqlite3_column_bytes(st, j);
      if (!cells[j] && blob) cells[j] = "";   /* an empty blob */
    }
    stop = fn(ctx, ncol, names, cells, lens);
  }
  if (!stop && rc != SQLITE_DONE) stop = lite_error(s, "SQL");
  free(names);
  free(cells);
  free(lens);
  sqlite3_finalize(st);
  return stop;
}

static int lite_check(store *s, buf *report) {
  store_rows r;
  int bad = 0;
  if (store_exec(s, "PRAGMA integrity_check", NULL, &r)) {
    buf_printf(report, "error: integrity_check failed to run: %s\n", s->err);
    return -1;
  }
  for (int i = 0; i < r.nrow; i++) {
    const char *c = store_cell(&r, i, 0);
    if (c && !strcmp(c, "ok")) buf_puts(report, "ok: SQLite integrity_check\n");
    else { buf_printf(report, "error: integrity_check: %s\n", c ? c : "?"); bad = 1; }
  }
  store_rows_free(&r);
  if (store_exec(s, "PRAGMA foreign_key_check", NULL, &r)) {
    buf_printf(report, "error: foreign_key_check failed to run: %s\n", s->err);
    return -1;
  }
  if (r.nrow) { buf_printf(report, "error: foreign_key_check: %d rows break a foreign key\n", r.nrow); bad = 1; }
  else buf_puts(report, "ok: SQLite foreign_key_check\n");
  store_rows_free(&r);
  return bad ? -1 : 0;
}

const store_driver store_sqlite = {
  /* A deferred BEGIN takes no lock; its first SELECT starts a WAL read transaction: a snapshot
  ** that writers go on committing past.  The backup reads without the memory map, whose pages of
  ** a file read end to end would all count as the process's memory (a 555 MB file: 546 MB). */
  "sqlite", "INTEGER PRIMARY KEY", "BLOB", "BEGIN IMMEDIATE", NULL, "PRAGMA mmap_size=0; BEGIN", LITE_MMAP,
  lite_open, lite_close, lite_exec, NULL, 0, lite_check, NULL, NULL, NULL, lite_each, NULL,
  /* the write lock is held: the ids SQLite itself would give next */
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < CAST($1 AS INTEGER))"
  " SELECT (SELECT COALESCE(MAX(id), 0) FROM %s) + i FROM n ORDER BY i",
};
