/* store.c: the record database: backend dispatch, schema migrations, transactions, integrity
** check, and backup and restore as JSON lines. */
#include "storeint.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the schema ---------------------------------------------------------------------------
** Each migration is applied once, in order, in its own transaction; "{id}" is replaced by the
** backend's auto-numbered primary key type.  Never edit a released migration: add one. */
static const char *const migrations[] = {
  /* 1: the clinical record */
  "CREATE TABLE therapist ("
  " id {id}, name TEXT NOT NULL, email TEXT UNIQUE,"
  " role TEXT NOT NULL DEFAULT 'therapist' CHECK (role IN ('therapist','admin')),"
  " created TEXT NOT NULL);"
  "CREATE TABLE client ("
  " id {id}, therapist_id BIGINT REFERENCES therapist(id),"
  " name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
  " birth TEXT NOT NULL, phone TEXT, email TEXT,"
  " consent INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0,1)), consent_date TEXT,"
  " history TEXT, created TEXT NOT NULL, updated TEXT NOT NULL);"
  "CREATE TABLE client_contra ("
  " client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " contra TEXT NOT NULL, region TEXT NOT NULL DEFAULT '',"
  " PRIMARY KEY (client_id, contra, region));"
  "CREATE TABLE intake ("
  " id {id}, client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " date TEXT NOT NULL, goals TEXT, activities TEXT, onset TEXT, flags TEXT, factors TEXT,"
  " desk_hours DOUBLE PRECISION CHECK (desk_hours BETWEEN 0 AND 24),"
  " training_hours DOUBLE PRECISION CHECK (training_hours BETWEEN 0 AND 168),"
  " sleep_hours DOUBLE PRECISION CHECK (sleep_hours BETWEEN 0 AND 24),"
  " stress INTEGER CHECK (stress BETWEEN 0 AND 10), created TEXT NOT NULL);"
  "CREATE TABLE pain ("
  " intake_id BIGINT NOT NULL REFERENCES intake(id) ON DELETE CASCADE,"
  " region TEXT NOT NULL, intensity INTEGER NOT NULL CHECK (intensity BETWEEN 0 AND 10),"
  " quality TEXT, PRIMARY KEY (intake_id, region));"
  "CREATE TABLE visit ("
  " id {id}, client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " therapist_id BIGINT REFERENCES therapist(id), date TEXT NOT NULL, started TEXT NOT NULL,"
  " pain_pre INTEGER CHECK (pain_pre BETWEEN 0 AND 10),"
  " pain_post INTEGER CHECK (pain_post BETWEEN 0 AND 10), created TEXT NOT NULL,"
  " soap_s TEXT, soap_o TEXT, soap_a TEXT, soap_p TEXT,"
  " log TEXT NOT NULL,"  /* last: the long text, so reading the short columns never walks it */
  " UNIQUE (client_id, started));"
  "CREATE TABLE treatment ("
  " visit_id BIGINT NOT NULL REFERENCES visit(id) ON DELETE CASCADE, seq INTEGER NOT NULL,"
  " phase TEXT NOT NULL, muscle TEXT NOT NULL, tp TEXT, side TEXT, technique TEXT NOT NULL,"
  " seconds DOUBLE PRECISION, outcome TEXT, reason TEXT, confirmed INTEGER NOT NULL DEFAULT 0,"
  " PRIMARY KEY (visit_id, seq));"
  "CREATE TABLE assessment ("
  " id {id}, client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " visit_id BIGINT REFERENCES visit(id) ON DELETE SET NULL, date TEXT NOT NULL,"
  " muscle TEXT NOT NULL, tp TEXT NOT NULL, side TEXT NOT NULL,"
  " state TEXT NOT NULL CHECK (state IN ('active','latent')),"
  " referral INTEGER NOT NULL DEFAULT 0 CHECK (referral IN (0,1)),"
  " ppt DOUBLE PRECISION CHECK (ppt > 0 AND ppt <= 20), created TEXT NOT NULL);"
  "CREATE TABLE measure ("
  " id {id}, client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " visit_id BIGINT REFERENCES visit(id) ON DELETE SET NULL, date TEXT NOT NULL,"
  " kind TEXT NOT NULL CHECK (kind IN ('nprs','psfs','ndi','rom')),"
  " item TEXT NOT NULL DEFAULT '', value DOUBLE PRECISION NOT NULL, created TEXT NOT NULL);"
  "CREATE TABLE homeprog ("
  " id {id}, client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " visit_id BIGINT REFERENCES visit(id) ON DELETE SET NULL, date TEXT NOT NULL,"
  " program TEXT NOT NULL, created TEXT NOT NULL);"
  "CREATE INDEX client_name ON client (name);"
  "CREATE INDEX intake_client ON intake (client_id, date);"
  "CREATE INDEX visit_client ON visit (client_id, date);"
  "CREATE INDEX assessment_client ON assessment (client_id, date);"
  "CREATE INDEX measure_client ON measure (client_id, date);"
  "CREATE INDEX homeprog_client ON homeprog (client_id, date);",
  /* 2: web accounts (an argon2id password hash) and the audit log of who read or changed what */
  "ALTER TABLE therapist ADD COLUMN pwhash TEXT;"
  "CREATE TABLE audit ("
  " id {id}, at TEXT NOT NULL, therapist_id BIGINT REFERENCES therapist(id) ON DELETE SET NULL,"
  " action TEXT NOT NULL, client_id BIGINT, detail TEXT NOT NULL DEFAULT '');"
  "CREATE INDEX audit_client ON audit (client_id, at);",
  /* 3: the treatment sessions running in the session room (live.h): a row each, and the log
  ** of its commands, replayed to rebuild it after a restart or on another server */
  "CREATE TABLE live_session ("
  " id TEXT PRIMARY KEY, token TEXT UNIQUE,"
  " client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " therapist_id BIGINT NOT NULL REFERENCES therapist(id),"
  " created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL,"
  " state TEXT NOT NULL CHECK (state IN ('open','ended','cancelled')),"
  " seq INTEGER NOT NULL, step INTEGER, phone INTEGER NOT NULL DEFAULT 0,"
  " visit_id BIGINT REFERENCES visit(id) ON DELETE SET NULL);"
  "CREATE TABLE live_cmd ("
  " session_id TEXT NOT NULL REFERENCES live_session(id) ON DELETE CASCADE,"
  " seq INTEGER NOT NULL, at DOUBLE PRECISION NOT NULL, cmd TEXT NOT NULL,"
  " PRIMARY KEY (session_id, seq));"
  "CREATE INDEX live_session_open ON live_session (state, therapist_id);"
  "CREATE INDEX live_session_client ON live_session (client_id, state);",
  /* 5: each knowledge-base version once (kbver: its texts, compressed, under their hash), and
  ** visits that keep what was done: the session log compressed (logz) without the plan, and
  ** the home program as the intake's factors it was made with (ctx), both re-derived from the
  ** kb version they name (record.c).  Rows stored before keep their text and are rewritten by
  ** record_upgrade. */
  "CREATE TABLE kbver (id {id}, hash TEXT NOT NULL UNIQUE, kb {blob} NOT NULL, created TEXT NOT NULL);"
  "ALTER TABLE visit ADD COLUMN kbver_id BIGINT REFERENCES kbver(id);"
  "ALTER TABLE visit ADD COLUMN logz {blob};"
  "ALTER TABLE homeprog ADD COLUMN kbver_id BIGINT REFERENCES kbver(id);"
  "ALTER TABLE homeprog ADD COLUMN ctx TEXT;"
  "CREATE INDEX visit_legacy ON visit (id) WHERE logz IS NULL;"
  "CREATE INDEX homeprog_legacy ON homeprog (id) WHERE ctx IS NULL;",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* Tables parents first (backup, restore, counts), with their auto-numbered id if any. */
static const struct { const char *name; int has_id; const char *order; } tables[] = {
  {"therapist", 1, "id"}, {"client", 1, "id"}, {"client_contra", 0, "client_id, contra, region"},
  {"intake", 1, "id"}, {"pain", 0, "intake_id, region"}, {"kbver", 1, "id"}, {"visit", 1, "id"},
  {"treatment", 0, "visit_id, seq"}, {"assessment", 1, "id"}, {"measure", 1, "id"},
  {"homeprog", 1, "id"}, {"audit", 1, "id"}, {"live_session", 0, "id"}, {"live_cmd", 0, "session_id, seq"},
};
#define N_TABLES ((int)(sizeof tables / sizeof tables[0]))

/* Every reference from a child row to its parent, for the orphan check. */
static const struct { const char *table, *column, *parent; } links[] = {
  {"client", "therapist_id", "therapist"}, {"client_contra", "client_id", "client"},
  {"intake", "client_id", "client"}, {"pain", "intake_id", "intake"},
  {"visit", "client_id", "client"}, {"visit", "therapist_id", "therapist"},
  {"treatment", "visit_id", "visit"}, {"assessment", "client_id", "client"},
  {"assessment", "visit_id", "visit"}, {"measure", "client_id", "client"},
  {"measure", "visit_id", "visit"}, {"homeprog", "client_id", "client"},
  {"homeprog", "visit_id", "visit"}, {"audit", "therapist_id", "therapist"},
  {"live_session", "client_id", "client"}, {"live_session", "therapist_id", "therapist"},
  {"live_session", "visit_id", "visit"}, {"live_cmd", "session_id", "live_session"},
  {"visit", "kbver_id", "kbver"}, {"homeprog", "kbver_id", "kbver"},
};

/* The blob columns: in a backup as base64 text. */
static const struct { const char *table, *column; } blobs[] = {{"kbver", "kb"}, {"visit", "logz"}};

static int is_blob(const char *table, const char *column) {
  for (size_t i = 0; i < sizeof blobs / sizeof blobs[0]; i++)
    if (!strcmp(blobs[i].table, table) && !strcmp(blobs[i].column, column)) return 1;
  return 0;
}
#define N_LINKS ((int)(sizeof links / sizeof links[0]))

int store_schema_version(void) { return N_MIGRATIONS; }

/* ---- small helpers ------------------------------------------------------------------------ */

int store_fail(store *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->err, sizeof s->err, fmt, ap);
  va_end(ap);
  return -1;
}

const char *store_error(const store *s) { return s->err; }
const char *store_backend(const store *s) { return s->be->name; }
const char *store_where(const store *s) { return s->where; }

void store_args_init(store_args *a) { a->n = 0; }

void store_arg_text(store_args *a, const char *v) {
  if (a->n >= STORE_MAX_ARGS) return;
  a->len[a->n] = -1;
  a->v[a->n++] = v;
}

void store_arg_blob(store_args *a, const void *data, size_t len) {
  if (a->n >= STORE_MAX_ARGS) return;
  a->len[a->n] = (int)len;
  a->v[a->n++] = data ? data : "";
}

void store_arg_int(store_args *a, long v) {
  if (a->n >= STORE_MAX_ARGS) return;
  snprintf(a->num[a->n], sizeof a->num[0], "%ld", v);
  a->len[a->n] = -1;
  a->v[a->n] = a->num[a->n];
  a->n++;
}

void store_arg_real(store_args *a, double v) {
  if (a->n >= STORE_MAX_ARGS) return;
  snprintf(a->num[a->n], sizeof a->num[0], "%.17g", v);
  a->len[a->n] = -1;
  a->v[a->n] = a->num[a->n];
  a->n++;
}

void store_rows_free(store_rows *r) {
  for (int i = 0; i < r->nrow * r->ncol; i++) free(r->cell[i]);
  for (int j = 0; j < r->ncol; j++) free(r->names[j]);
  free(r->cell);
  free(r->len);
  free(r->names);
  memset(r, 0, sizeof *r);
}

const char *store_cell(const store_rows *r, int i, int j) {
  if (i < 0 || j < 0 || i >= r->nrow || j >= r->ncol) return NULL;
  return r->cell[(size_t)i * r->ncol + j];
}

size_t store_cell_len(const store_rows *r, int i, int j) {
  if (i < 0 || j < 0 || i >= r->nrow || j >= r->ncol || !r->len) return 0;
  return r->len[(size_t)i * r->ncol + j];
}

void store_rows_add(store_rows *r, const char *const *cells, const size_t *lens, int n) {
  r->cell = xrealloc(r->cell, sizeof(char *) * (size_t)(r->nrow + 1) * n);
  r->len = xrealloc(r->len, sizeof(size_t) * (size_t)(r->nrow + 1) * n);
  for (int j = 0; j < n; j++) {
    size_t at = (size_t)r->nrow * n + j, l = cells[j] ? (lens ? lens[j] : strlen(cells[j])) : 0;
    char *c = NULL;
    if (cells[j]) { c = xmalloc(l + 1); memcpy(c, cells[j], l); c[l] = 0; }
    r->cell[at] = c;
    r->len[at] = l;
  }
  r->nrow++;
}

/* A lazy BEGIN goes out before the transaction's first statement. */
static int send_begin(store *s) {
  if (!s->begin_pending) return 0;
  s->begin_pending = 0;
  if (s->be->exec(s, s->be->begin_sql, NULL, NULL)) { s->in_tx = 0; return -1; }
  return 0;
}

int store_exec(store *s, const char *sql, const store_args *a, store_rows *out) {
  if (out) memset(out, 0, sizeof *out);
  s->err[0] = 0;
  if (send_begin(s)) return -1;
  return s->be->exec(s, sql, a, out);
}

static int exec_batch(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *out, int commit) {
  if (out) memset(out, 0, sizeof *out);
  s->err[0] = 0;
  if (s->be->batch) {
    int begin = s->begin_pending;
    s->begin_pending = 0;
    int rc = s->be->batch(s, n, sql, a, out, begin, commit);
    if (rc && begin && !s->in_tx) return -1;
    return rc;
  }
  for (int i = 0; i < n; i++)
    if (store_exec(s, sql[i], a[i], i == 0 ? out : NULL)) { if (i == 0 && out) store_rows_free(out); return -1; }
  if (commit && store_exec(s, "COMMIT", NULL, NULL)) { if (out) store_rows_free(out); return -1; }
  if (commit) s->in_tx = 0;
  return 0;
}

int store_exec_batch(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *out) {
  return exec_batch(s, n, sql, a, out, 0);
}

int store_exec_batch_commit(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *out) {
  if (s->in_tx != 1) {   /* inside a caller's batch, or no transaction: commit as usual */
    if (store_exec_batch(s, n, sql, a, out)) { store_rollback(s); return -1; }
    if (store_commit(s)) { if (out) store_rows_free(out); return -1; }
    return 0;
  }
  if (exec_batch(s, n, sql, a, out, 1)) {
    char keep[sizeof s->err];
    memcpy(keep, s->err, sizeof keep);
    store_rollback(s);
    memcpy(s->err, keep, sizeof keep);
    return -1;
  }
  return 0;
}

int store_exec_long(store *s, const char *sql, const store_args *a, long *v) {
  store_rows r;
  if (store_exec(s, sql, a, &r)) return -1;
  const char *c = store_cell(&r, 0, 0);
  int rc = -1;
  if (c) { *v = strtol(c, NULL, 10); rc = 0; }
  else store_fail(s, "no row returned");
  store_rows_free(&r);
  return rc;
}

int store_begin(store *s) {
  if (s->in_tx) { s->in_tx++; return 0; }   /* inside a caller's batch */
  if (s->be->lazy_begin) { s->in_tx = 1; s->begin_pending = 1; return 0; }
  if (store_exec(s, s->be->begin_sql, NULL, NULL)) return -1;
  s->in_tx = 1;
  return 0;
}

int store_commit(store *s) {
  if (s->in_tx > 1) { s->in_tx--; return 0; }
  if (s->begin_pending) { s->begin_pending = 0; s->in_tx = 0; return 0; }   /* nothing was sent */
  if (store_exec(s, "COMMIT", NULL, NULL)) {
    char keep[sizeof s->err];
    memcpy(keep, s->err, sizeof keep);
    store_rollback(s);
    memcpy(s->err, keep, sizeof keep);
    return -1;
  }
  s->in_tx = 0;
  return 0;
}

void store_rollback(store *s) {
  if (!s->in_tx) return;
  if (s->begin_pending) { s->begin_pending = 0; s->in_tx = 0; return; }
  /* A failure inside a batch rolls back the whole batch. */
  char keep[sizeof s->err];
  memcpy(keep, s->err, sizeof keep);
  s->be->exec(s, "ROLLBACK", NULL, NULL);
  memcpy(s->err, keep, sizeof keep);
  s->in_tx = 0;
}

/* ---- open and migrate --------------------------------------------------------------------- */

int store_default_path(char *out, size_t outlen) {
  const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  int n;
  if (xdg && *xdg == '/') n = snprintf(out, outlen, "%s/myomap/myomap.db", xdg);
  else if (home && *home) n = snprintf(out, outlen, "%s/.local/share/myomap/myomap.db", home);
  else return -1;
  return n > 0 && (size_t)n < outlen ? 0 : -1;
}

static int migrate(store *s) {
  long have = 0;
  /* The common case, without any lock: the schema is up to date. */
  if (!store_exec_long(s, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL, &have) &&
      have == N_MIGRATIONS)
    return 0;
  if (store_begin(s)) return -1;
  if ((s->be->lock_sql && store_exec(s, s->be->lock_sql, NULL, NULL)) ||
      store_exec(s, "CREATE TABLE IF NOT EXISTS schema_version ("
                    " version INTEGER PRIMARY KEY, applied TEXT NOT NULL)", NULL, NULL) ||
      store_exec_long(s, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL, &have)) {
    store_rollback(s);
    return -1;
  }
  if (have > N_MIGRATIONS) {
    store_rollback(s);
    return store_fail(s, "the database is at schema version %ld, newer than this myomap "
                         "(version %d): use a newer myomap", have, N_MIGRATIONS);
  }
  for (int v = (int)have + 1; v <= N_MIGRATIONS; v++) {
    buf sql;
    buf_init(&sql);
    for (const char *p = migrations[v - 1]; *p;) {
      if (!strncmp(p, "{id}", 4)) { buf_puts(&sql, s->be->id_ddl); p += 4; }
      else if (!strncmp(p, "{blob}", 6)) { buf_puts(&sql, s->be->blob_ddl); p += 6; }
      else buf_putc(&sql, *p++);
    }
    store_args a;
    store_args_init(&a);
    store_arg_int(&a, v);
    char now[32];
    util_now(now);
    store_arg_text(&a, now);
    int rc = store_exec(s, sql.data, NULL, NULL);
    buf_free(&sql);
    if (rc || store_exec(s, "INSERT INTO schema_version (version, applied) VALUES ($1, $2)", &a, NULL)) {
      char keep[sizeof s->err];
      snprintf(keep, sizeof keep, "migration %d failed: %.400s", v, s->err);
      store_rollback(s);
      return store_fail(s, "%s", keep);
    }
  }
  return store_commit(s);
}

int store_open(store **out, const char *target, char *err, size_t errlen) {
  store *s = xcalloc(1, sizeof *s);
  char path[1024];
  if (!target || !*target) {
    if (store_default_path(path, sizeof path)) {
      snprintf(err, errlen, "no database given and neither XDG_DATA_HOME nor HOME is set: use --db PATH");
      free(s);
      return -1;
    }
    target = path;
  }
  if (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11)) s->be = &store_pg;
  else {
    s->be = &store_sqlite;
    if (!strncmp(target, "sqlite:", 7)) target += 7;
  }
  s->target = xstrdup(target);
  if (s->be->open(s, target) || migrate(s)) {
    snprintf(err, errlen, "%s", s->err);
    store_close(s);
    return -1;
  }
  *out = s;
  return 0;
}

int store_clone(store *s, store **out, char *err, size_t errlen) {
  return store_open(out, s->target, err, errlen);
}

void store_close(store *s) {
  if (!s) return;
  if (s->h) s->be->close(s);
  free(s->target);
  free(s);
}

int store_listen(store *s, const char *channel) {
  if (!s->be->listen) return 1;
  return s->be->listen(s, channel);
}

int store_notify(store *s, const char *channel, const char *payload) {
  if (!s->be->listen) return 0;
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, channel);
  store_arg_text(&a, payload);
  return store_exec(s, "SELECT pg_notify($1, $2)", &a, NULL);
}

int store_wait(store *s, double timeout, char *payload, size_t cap) {
  if (!s->be->wait) return store_fail(s, "%s has no notifications", s->be->name);
  return s->be->wait(s, timeout, payload, cap);
}

int store_shared(const store *s) { return s->be->listen != NULL; }

/* ---- check, counts ------------------------------------------------------------------------ */

int store_check(store *s, buf *report) {
  int bad = s->be->check(s, report) ? 1 : 0;
  long v = 0;
  if (store_exec_long(s, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL, &v)) {
    buf_printf(report, "error: schema version unreadable: %s\n", s->err);
    bad = 1;
  } else if (v != N_MIGRATIONS) {
    buf_printf(report, "error: schema version %ld, expected %d\n", v, N_MIGRATIONS);
    bad = 1;
  } else buf_printf(report, "ok: schema version %ld\n", v);
  int orphans = 0;
  for (int i = 0; i < N_LINKS; i++) {
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s c WHERE c.%s IS NOT NULL AND NOT EXISTS "
             "(SELECT 1 FROM %s p WHERE p.id = c.%s)", links[i].table, links[i].column,
             links[i].parent, links[i].column);
    long n = 0;
    if (store_exec_long(s, sql, NULL, &n)) {
      buf_printf(report, "error: %s.%s unreadable: %s\n", links[i].table, links[i].column, s->err);
      bad = 1;
    } else if (n) {
      buf_printf(report, "error: %ld %s rows point at a missing %s\n", n, links[i].table, links[i].parent);
      orphans = bad = 1;
    }
  }
  if (!orphans) buf_printf(report, "ok: every reference (%d kinds) has its parent row\n", N_LINKS);
  return bad ? -1 : 0;
}

int store_counts(store *s, buf *out) {
  for (int i = 0; i < N_TABLES; i++) {
    char sql[128];
    long n;
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", tables[i].name);
    if (store_exec_long(s, sql, NULL, &n)) return -1;
    buf_printf(out, "%s %ld\n", tables[i].name, n);
  }
  return 0;
}

/* ---- backup and restore ------------------------------------------------------------------- */

int store_backup(store *s, buf *out) {
  if (store_begin(s)) return -1;
  buf_printf(out, "{\"myomap\":\"backup\",\"version\":%d,\"backend\":", N_MIGRATIONS);
  buf_json_str(out, s->be->name);
  buf_puts(out, ",\"tables\":[");
  for (int i = 0; i < N_TABLES; i++) {
    if (i) buf_putc(out, ',');
    buf_json_str(out, tables[i].name);
  }
  buf_puts(out, "]}\n");
  for (int i = 0; i < N_TABLES; i++) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", tables[i].name, tables[i].order);
    store_rows r;
    if (store_exec(s, sql, NULL, &r)) { store_rollback(s); return -1; }
    for (int row = 0; row < r.nrow; row++) {
      buf_puts(out, "{\"table\":");
      buf_json_str(out, tables[i].name);
      buf_puts(out, ",\"row\":{");
      for (int j = 0; j < r.ncol; j++) {
        if (j) buf_putc(out, ',');
        buf_json_str(out, r.names[j]);
        buf_putc(out, ':');
        const char *c = store_cell(&r, row, j);
        if (c && is_blob(tables[i].name, r.names[j])) {
          size_t n = store_cell_len(&r, row, j), cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
          char *b64 = xmalloc(cap);
          sodium_bin2base64(b64, cap, (const unsigned char *)c, n, sodium_base64_VARIANT_ORIGINAL);
          buf_json_str(out, b64);
          free(b64);
        } else if (c) buf_json_str(out, c);
        else buf_puts(out, "null");
      }
      buf_puts(out, "}}\n");
    }
    store_rows_free(&r);
  }
  store_rollback(s);  /* read only: nothing to commit */
  return 0;
}

static int table_index(const char *name) {
  for (int i = 0; i < N_TABLES; i++) if (!strcmp(tables[i].name, name)) return i;
  return -1;
}

static int ident_ok(const char *k) {
  if (!*k || strlen(k) > 40) return 0;
  for (const char *p = k; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || *p == '_' || (p > k && *p >= '0' && *p <= '9'))) return 0;
  return 1;
}

static int restore_line(store *s, json_t *line, int lineno, int *last_table) {
  json_t *t = json_object_get(line, "table"), *row = json_object_get(line, "row");
  int ti = json_is_string(t) ? table_index(json_string_value(t)) : -1;
  if (ti < 0 || !json_is_object(row))
    return store_fail(s, "line %d: expected {\"table\":NAME,\"row\":{...}} with a known table", lineno);
  if (ti < *last_table)
    return store_fail(s, "line %d: table %s comes after its children: parents first", lineno, tables[ti].name);
  *last_table = ti;
  buf sql, vals;
  buf_init(&sql);
  buf_init(&vals);
  store_args a;
  store_args_init(&a);
  buf_printf(&sql, "INSERT INTO %s (", tables[ti].name);
  const char *key;
  json_t *v;
  int n = 0, rc = 0;
  unsigned char *bytes[STORE_MAX_ARGS];
  int n_bytes = 0;
  json_object_foreach(row, key, v) {
    if (!ident_ok(key) || n >= STORE_MAX_ARGS || !(json_is_string(v) || json_is_null(v))) {
      rc = store_fail(s, "line %d: bad column %s (names are lower case; values are text or null)", lineno, key);
      break;
    }
    buf_printf(&sql, "%s%s", n ? ", " : "", key);
    buf_printf(&vals, "%s$%d", n ? ", " : "", n + 1);
    if (json_is_string(v) && is_blob(tables[ti].name, key)) {
      size_t tl = json_string_length(v), bl = 0;
      unsigned char *b = bytes[n_bytes++] = xmalloc(tl / 4 * 3 + 3);
      if (sodium_base642bin(b, tl / 4 * 3 + 3, json_string_value(v), tl, NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL)) {
        rc = store_fail(s, "line %d: %s.%s is not base64", lineno, tables[ti].name, key);
        break;
      }
      store_arg_blob(&a, b, bl);
    } else store_arg_text(&a, json_is_null(v) ? NULL : json_string_value(v));
    n++;
  }
  if (!rc) {
    buf_printf(&sql, ") VALUES (%s)", vals.data ? vals.data : "");
    if (store_exec(s, sql.data, &a, NULL)) {
      char keep[sizeof s->err];
      snprintf(keep, sizeof keep, "%.400s", s->err);
      rc = store_fail(s, "line %d (%s): %s", lineno, tables[ti].name, keep);
    }
  }
  for (int i = 0; i < n_bytes; i++) free(bytes[i]);
  buf_free(&sql);
  buf_free(&vals);
  return rc;
}

int store_restore(store *s, const char *text, size_t len, long *rows) {
  *rows = 0;
  if (store_begin(s)) return -1;
  int rc = 0;
  for (int i = 0; i < N_TABLES && !rc; i++) {
    char sql[128];
    long n = 0;
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", tables[i].name);
    if (store_exec_long(s, sql, NULL, &n)) rc = -1;
    else if (n) rc = store_fail(s, "the database already holds records (%ld in %s): restore only "
                                   "into a new, empty database", n, tables[i].name);
  }
  int lineno = 0, last = 0, header = 0;
  const char *p = text, *end = text + len;
  while (!rc && p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lineno++;
    if (n == 0) { p += 1; continue; }
    json_error_t je;
    json_t *line = json_loadb(p, n, 0, &je);
    if (!line) rc = store_fail(s, "line %d: not JSON: %s", lineno, je.text);
    else if (!header) {
      json_t *m = json_object_get(line, "myomap"), *v = json_object_get(line, "version");
      if (!json_is_string(m) || strcmp(json_string_value(m), "backup") || !json_is_integer(v))
        rc = store_fail(s, "line 1: not a myomap backup (expected {\"myomap\":\"backup\",...})");
      else if (json_integer_value(v) != N_MIGRATIONS)
        rc = store_fail(s, "line 1: backup of schema version %lld; this myomap restores version %d",
                        (long long)json_integer_value(v), N_MIGRATIONS);
      header = 1;
    } else if (!restore_line(s, line, lineno, &last)) (*rows)++;
    else rc = -1;
    json_decref(line);
    p += n + (nl ? 1 : 0);
  }
  if (!rc && !header) rc = store_fail(s, "empty backup: no header line");
  for (int i = 0; i < N_TABLES && !rc; i++)
    if (tables[i].has_id && s->be->restored && s->be->restored(s, tables[i].name)) rc = -1;
  if (rc) { store_rollback(s); return -1; }
  return store_commit(s);
}
