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
  s->h = h;
  sqlite3_busy_timeout(h, 10000);
  sqlite3_extended_result_codes(h, 1);
  char *msg = NULL;
  rc = sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                       "PRAGMA trusted_schema=OFF; PRAGMA cache_size=-16384; PRAGMA mmap_size=2147418112;", NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    store_fail(s, "%s: not a usable SQLite database: %s", path, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

/* Prepared statements kept by their SQL text (one statement each), reset after every use so
** that none holds a read transaction open. */
#define LITE_SLOTS 512   /* a power of two; at most half used */
typedef struct lite_cache { struct { char *sql; unsigned hash; sqlite3_stmt *st; } slot[LITE_SLOTS]; int n; } lite_cache;

static unsigned sql_hash(const char *p) {
  unsigned h = 2166136261u;
  for (; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  return h;
}

static sqlite3_stmt *cache_find(store *s, const char *sql, unsigned h) {
  lite_cache *c = s->priv;
  if (!c) return NULL;
  for (unsigned i = h & (LITE_SLOTS - 1); c->slot[i].sql; i = (i + 1) & (LITE_SLOTS - 1))
    if (c->slot[i].hash == h && !strcmp(c->slot[i].sql, sql)) return c->slot[i].st;
  return NULL;
}

static int cache_add(store *s, const char *sql, unsigned h, sqlite3_stmt *st) {
  lite_cache *c = s->priv;
  if (!c) s->priv = c = xcalloc(1, sizeof *c);
  if (c->n >= LITE_SLOTS / 2) return 0;
  unsigned i = h & (LITE_SLOTS - 1);
  while (c->slot[i].sql) i = (i + 1) & (LITE_SLOTS - 1);
  c->slot[i].sql = xstrdup(sql);
  c->slot[i].hash = h;
  c->slot[i].st = st;
  c->n++;
  return 1;
}

static void lite_close(store *s) {
  lite_cache *c = s->priv;
  for (int i = 0; c && i < LITE_SLOTS; i++)
    if (c->slot[i].sql) { sqlite3_finalize(c->slot[i].st); free(c->slot[i].sql); }
  free(c);
  s->priv = NULL;
  sqlite3_close_v2(s->h);
  s->h = NULL;
}

static int lite_error(store *s, const char *what) {
  sqlite3 *h = s->h;
  return store_fail(s, "%s: %s", what, sqlite3_errmsg(h));
}

static int lite_exec(store *s, const char *sql, const store_args *a, store_rows *out) {
  sqlite3 *h = s->h;
  const char *tail = sql;
  unsigned hash = sql_hash(sql);
  while (tail && *tail) {
    sqlite3_stmt *st = tail == sql ? cache_find(s, sql, hash) : NULL;
    int cached = st != NULL;
    if (cached) tail = NULL;
    else {
      const char *start = tail;
      if (sqlite3_prepare_v3(h, tail, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail) != SQLITE_OK) return lite_error(s, "SQL");
      if (!st) break;  /* only white space or a comment was left */
      /* a statement alone in its text is kept for the next call */
      if (start == sql && !tail[strspn(tail, " \n\t;")]) cached = cache_add(s, sql, hash, st);
    }
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
    if (rc != SQLITE_DONE) lite_error(s, "SQL");
    if (cached) { sqlite3_reset(st); sqlite3_clear_bindings(st); } else sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return -1;
  }
  return 0;
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
  "sqlite", "INTEGER PRIMARY KEY", "BLOB", "BEGIN IMMEDIATE", NULL,
  lite_open, lite_close, lite_exec, NULL, 0, lite_check, NULL, NULL, NULL,
};
