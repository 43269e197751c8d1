/* store.c: the record database: backend dispatch, schema migrations, transactions, integrity
** check, and backup and restore as JSON lines. */
#include "storeint.h"

#include <errno.h>
#include <jansson.h>
#include "json.h"   /* (after jansson.h: json_tree alone) */
#include <sodium.h>
#include <pthread.h>
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
  /* 4: logins kept in the store (a hash of the token, never the token), refused logins counted
  **    per address and email, accounts that can be disabled, the one-time setup codes, and the
  **    audit log listed by user and action (GET /api/audit's filters) */
  "ALTER TABLE therapist ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1));"
  "CREATE TABLE login ("
  " token_hash TEXT PRIMARY KEY,"
  " therapist_id BIGINT NOT NULL REFERENCES therapist(id) ON DELETE CASCADE,"
  " csrf TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,"
  " expires DOUBLE PRECISION NOT NULL, address TEXT NOT NULL DEFAULT '');"
  "CREATE INDEX login_user ON login (therapist_id, created);"
  "CREATE INDEX login_expires ON login (expires);"
  "CREATE TABLE login_failure ("
  " address TEXT NOT NULL, email TEXT NOT NULL, fails BIGINT NOT NULL,"
  " first_at DOUBLE PRECISION NOT NULL, last_at DOUBLE PRECISION NOT NULL,"
  " PRIMARY KEY (address, email));"
  "CREATE INDEX login_failure_email ON login_failure (email, first_at);"
  "CREATE INDEX login_failure_first ON login_failure (first_at);"
  "CREATE TABLE setup_code (code_hash TEXT PRIMARY KEY, expires DOUBLE PRECISION NOT NULL);"
  "CREATE INDEX audit_user ON audit (therapist_id, id);"
  "CREATE INDEX audit_action ON audit (action, id);",
  /* 5: the record kept over time: a client archived (when), a contraindication's start date
  ** and the ones ended (with both dates), the clinic's settings (its name), a visit's note
  ** signed by its therapist (name, time, SHA-256 of the text) with dated, signed addenda, and
  ** the plan of care, a new row per change */
  "ALTER TABLE client ADD COLUMN archived TEXT;"
  "ALTER TABLE client_contra ADD COLUMN started TEXT;"
  "CREATE TABLE client_contra_past ("
  " id {id}, client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " contra TEXT NOT NULL, region TEXT NOT NULL DEFAULT '', started TEXT, ended TEXT NOT NULL,"
  " created TEXT NOT NULL);"
  "CREATE TABLE setting (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE note_signature ("
  " visit_id BIGINT PRIMARY KEY REFERENCES visit(id) ON DELETE CASCADE,"
  " therapist_id BIGINT REFERENCES therapist(id), name TEXT NOT NULL, at TEXT NOT NULL,"
  " hash TEXT NOT NULL);"
  "CREATE TABLE addendum ("
  " id {id}, visit_id BIGINT NOT NULL REFERENCES visit(id) ON DELETE CASCADE,"
  " therapist_id BIGINT REFERENCES therapist(id), name TEXT NOT NULL, at TEXT NOT NULL,"
  " hash TEXT NOT NULL, text TEXT NOT NULL);"
  "CREATE TABLE care_plan ("
  " id {id}, client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " therapist_id BIGINT REFERENCES therapist(id), start TEXT NOT NULL, goals TEXT,"
  " target_kind TEXT NOT NULL CHECK (target_kind IN ('nprs','psfs')),"
  " target_value DOUBLE PRECISION NOT NULL CHECK (target_value BETWEEN 0 AND 10),"
  " target_activity TEXT, visits INTEGER NOT NULL CHECK (visits BETWEEN 1 AND 100),"
  " frequency TEXT NOT NULL, reassess TEXT NOT NULL, created TEXT NOT NULL);"
  "CREATE INDEX client_contra_past_client ON client_contra_past (client_id);"
  "CREATE INDEX addendum_visit ON addendum (visit_id, id);"
  "CREATE INDEX care_plan_client ON care_plan (client_id, id);",
  /* 6: the links a client opens on their own phone (the intake before a visit, the home
  **    program after): a hash of the token, never the token, with the link's kind, expiry,
  **    revocation and use; and an intake's source, 'client' when the client filled it */
  "CREATE TABLE client_link ("
  " id {id}, token_hash TEXT NOT NULL UNIQUE,"
  " client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
  " therapist_id BIGINT REFERENCES therapist(id) ON DELETE SET NULL,"
  " kind TEXT NOT NULL CHECK (kind IN ('intake','home')),"
  " created DOUBLE PRECISION NOT NULL, expires DOUBLE PRECISION NOT NULL,"
  " used DOUBLE PRECISION, uses BIGINT NOT NULL DEFAULT 0, revoked DOUBLE PRECISION,"
  " intake_id BIGINT REFERENCES intake(id) ON DELETE SET NULL);"
  "CREATE INDEX client_link_client ON client_link (client_id, created);"
  "ALTER TABLE intake ADD COLUMN source TEXT NOT NULL DEFAULT 'therapist'"
  " CHECK (source IN ('therapist','client'));",
  /* 7: each knowledge-base version once (kbver: its texts, compressed, under their hash), and
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
  {"client_contra_past", 1, "id"}, {"setting", 0, "name"}, {"note_signature", 0, "visit_id"},
  {"addendum", 1, "id"}, {"care_plan", 1, "id"},
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
  {"login", "therapist_id", "therapist"},
  {"client_contra_past", "client_id", "client"}, {"note_signature", "visit_id", "visit"},
  {"note_signature", "therapist_id", "therapist"}, {"addendum", "visit_id", "visit"},
  {"addendum", "therapist_id", "therapist"}, {"care_plan", "client_id", "client"},
  {"care_plan", "therapist_id", "therapist"},
  {"client_link", "client_id", "client"},
  {"client_link", "therapist_id", "therapist"}, {"client_link", "intake_id", "intake"},
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

/* SQLite has one writer at a time.  The threads of this process take turns at this lock
** before BEGIN IMMEDIATE instead of meeting SQLITE_BUSY, whose handler sleeps (up to 100 ms a
** try) and under load serves writers slowly and out of turn; another process's writer is
** still waited for by the busy timeout. */
static pthread_mutex_t sqlite_writer = PTHREAD_MUTEX_INITIALIZER;

static void writer_done(store *s) {
  if (s->writer) { s->writer = 0; pthread_mutex_unlock(&sqlite_writer); }
}

/* A lazy BEGIN goes out before the transaction's first statement. */
static int send_begin(store *s) {
  if (!s->begin_pending) return 0;
  s->begin_pending = 0;
  if (s->be->exec(s, s->be->begin_sql, NULL, NULL)) { s->in_tx = 0; writer_done(s); return -1; }
  return 0;
}

int store_exec(store *s, const char *sql, const store_args *a, store_rows *out) {
  if (out) memset(out, 0, sizeof *out);
  s->err[0] = 0;
  if (send_begin(s)) return -1;
  return s->be->exec(s, sql, a, out);
}

static int exec_batch(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *const *out,
                      int commit) {
  for (int i = 0; out && i < n; i++) if (out[i]) memset(out[i], 0, sizeof *out[i]);
  s->err[0] = 0;
  if (s->be->batch && n <= STORE_BATCH_MAX) {   /* (more, as a session of hundreds of holds: one by one) */
    int begin = s->begin_pending;
    s->begin_pending = 0;
    int rc = s->be->batch(s, n, sql, a, out, begin, commit);
    if (!s->in_tx) writer_done(s);   /* committed, or the transaction failed at its BEGIN or COMMIT */
    if (rc && begin && !s->in_tx) return -1;
    return rc;
  }
  int i = 0;
  while (i < n && !store_exec(s, sql[i], a[i], out ? out[i] : NULL)) i++;
  if (i == n && (!commit || !store_exec(s, "COMMIT", NULL, NULL))) {
    if (commit) { s->in_tx = 0; writer_done(s); }
    return 0;
  }
  for (int j = 0; out && j < i && j < n; j++) if (out[j]) store_rows_free(out[j]);
  return -1;
}

/* The rows of the first statement only (out) as the driver's out[] (the others' NULL): its own
** array for n of them, freed by the caller, or NULL when out is. */
static store_rows **first_out(int n, store_rows *out) {
  if (!out || n < 1) return NULL;
  store_rows **outs = xcalloc((size_t)n, sizeof *outs);
  outs[0] = out;
  return outs;
}

int store_exec_batch(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *out) {
  store_rows **outs = first_out(n, out);
  int rc = exec_batch(s, n, sql, a, outs, 0);
  free(outs);
  return rc;
}

int store_exec_all(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *const *out) {
  return exec_batch(s, n, sql, a, out, 0);
}

int store_exec_batch_commit(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *out) {
  if (s->in_tx != 1) {   /* inside a caller's batch, or no transaction: commit as usual */
    if (store_exec_batch(s, n, sql, a, out)) { store_rollback(s); return -1; }
    if (store_commit(s)) { if (out) store_rows_free(out); return -1; }
    return 0;
  }
  store_rows **outs = first_out(n, out);
  int rc = exec_batch(s, n, sql, a, outs, 1);
  free(outs);
  if (rc) {
    char keep[sizeof s->err];
    memcpy(keep, s->err, sizeof keep);
    store_rollback(s);
    memcpy(s->err, keep, sizeof keep);
    return -1;
  }
  return 0;
}

/* ---- many rows at once ----------------------------------------------------------------------
** COPY text: a row's values parted by tabs, ended by a newline; NULL is \N; a backslash, tab,
** newline or carriage return in a value is escaped; a blob is bytea's hex form (\\x and its
** digits, the backslash itself escaped).  The rows go out in pieces of about 64 KiB. */
#define COPY_PIECE 65536

int store_copy_begin(store *s, const char *table, const char *cols, int ncols) {
  s->err[0] = 0;
  if (s->copying) return store_fail(s, "a COPY is already running on this connection");
  if (!s->in_tx) return store_fail(s, "store_copy outside a transaction");
  if (ncols < 1 || ncols > STORE_MAX_ARGS) return store_fail(s, "store_copy: %d columns", ncols);
  if (send_begin(s)) return -1;
  buf sql;
  buf_init(&sql);
  if (s->be->copy) buf_printf(&sql, "COPY %s (%s) FROM STDIN", table, cols);
  else {
    buf_printf(&sql, "INSERT INTO %s (%s) VALUES (", table, cols);
    for (int j = 0; j < ncols; j++) buf_printf(&sql, "%s$%d", j ? ", " : "", j + 1);
    buf_putc(&sql, ')');
  }
  if (s->be->copy && s->be->copy(s, COPY_START, sql.data, 0)) { buf_free(&sql); return -1; }
  free(s->copy_sql);
  s->copy_sql = sql.data;
  s->copy_cols = ncols;
  s->copying = 1;
  s->copy_sent = 0;
  s->copy.len = 0;
  return 0;
}

static void copy_text(buf *b, const char *v, size_t n) {
  static const char esc[256] = {['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r'};
  buf_reserve(b, n * 2 + 1);
  char *o = b->data + b->len;
  for (size_t i = 0; i < n; i++) {
    char e = esc[(unsigned char)v[i]];
    if (e) { *o++ = '\\'; *o++ = e; } else *o++ = v[i];
  }
  b->len = (size_t)(o - b->data);
}

int store_copy_row(store *s, const store_args *a) {
  if (!s->copying || s->copy_sent) return store_fail(s, "store_copy_row without store_copy_begin");
  if (a->n != s->copy_cols) return store_fail(s, "store_copy_row: %d values for %d columns", a->n, s->copy_cols);
  if (!s->be->copy) return s->be->exec(s, s->copy_sql, a, NULL);
  buf *b = &s->copy;
  for (int j = 0; j < a->n; j++) {
    if (j) buf_putc(b, '\t');
    if (!a->v[j]) { buf_puts(b, "\\N"); continue; }
    if (a->len[j] < 0) { copy_text(b, a->v[j], strlen(a->v[j])); continue; }
    size_t n = (size_t)a->len[j];
    buf_puts(b, "\\\\x");
    buf_reserve(b, n * 2 + 1);
    sodium_bin2hex(b->data + b->len, n * 2 + 1, (const unsigned char *)a->v[j], n);
    b->len += n * 2;
  }
  buf_putc(b, '\n');
  if (b->len < COPY_PIECE) return 0;
  int rc = s->be->copy(s, COPY_DATA, b->data, b->len);
  b->len = 0;
  return rc;
}

int store_copy_send(store *s) {
  if (!s->copying) return store_fail(s, "store_copy_send without store_copy_begin");
  if (s->copy_sent || !s->be->copy) return 0;
  s->copy_sent = 1;
  int rc = s->err[0] ? -1 : 0;   /* a row failed already (store_copy_begin cleared the message) */
  if (!rc && s->copy.len) rc = s->be->copy(s, COPY_DATA, s->copy.data, s->copy.len);
  s->copy.len = 0;
  /* ended even after a failure, so the connection leaves COPY mode; the first message is kept */
  char keep[sizeof s->err];
  memcpy(keep, s->err, sizeof keep);
  int end = s->be->copy(s, COPY_END, NULL, 0);
  if (rc) { memcpy(s->err, keep, sizeof keep); return -1; }
  return end;
}

int store_copy_ready(store *s) {
  if (!s->copying || !s->copy_sent || !s->be->copy) return 1;
  return s->be->copy(s, COPY_POLL, NULL, 0) != 0;   /* (a failure: store_copy_end reports it) */
}

int store_copy_end(store *s) {
  if (!s->copying) return store_fail(s, "store_copy_end without store_copy_begin");
  int rc = s->err[0] ? -1 : 0;
  if (!s->copy_sent && store_copy_send(s)) rc = -1;
  s->copying = s->copy_sent = 0;
  if (!s->be->copy) return rc;
  char keep[sizeof s->err];
  memcpy(keep, s->err, sizeof keep);
  int result = s->be->copy(s, COPY_RESULT, NULL, 0);
  if (rc) { memcpy(s->err, keep, sizeof keep); return -1; }
  return result;
}

int store_ids(store *s, const char *table, int n, long *ids) {
  if (!s->in_tx) return store_fail(s, "store_ids outside a transaction");
  if (n < 1) return 0;
  char sql[300];
  snprintf(sql, sizeof sql, s->be->ids_sql, table);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, n);
  store_rows r;
  if (store_exec(s, sql, &a, &r)) return -1;
  int rc = r.nrow == n ? 0 : store_fail(s, "%d ids asked for, %d given", n, r.nrow);
  for (int i = 0; i < n && !rc; i++) ids[i] = strtol(store_cell(&r, i, 0), NULL, 10);
  store_rows_free(&r);
  /* past those given before in this transaction and not written yet (SQLite's are the table's
  ** largest id and up: a sequence's never come back) */
  long shift = !rc && !strcmp(s->ids_table, table) && ids[0] <= s->ids_last ? s->ids_last - ids[0] + 1 : 0;
  for (int i = 0; i < n && shift; i++) ids[i] += shift;
  if (!rc) { snprintf(s->ids_table, sizeof s->ids_table, "%s", table); s->ids_last = ids[n - 1]; }
  return rc;
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

int store_each(store *s, const char *sql, const store_args *a, store_row_fn fn, void *ctx) {
  s->err[0] = 0;
  if (send_begin(s)) return -1;
  return s->be->each(s, sql, a, fn, ctx);
}

int store_begin(store *s) {
  if (s->in_tx) { s->in_tx++; return 0; }   /* inside a caller's batch */
  s->ids_last = 0;
  if (s->be == &store_sqlite) { pthread_mutex_lock(&sqlite_writer); s->writer = 1; }
  if (s->be->lazy_begin) { s->in_tx = 1; s->begin_pending = 1; return 0; }   /* sent with the first statement */
  if (store_exec(s, s->be->begin_sql, NULL, NULL)) { writer_done(s); return -1; }
  s->in_tx = 1;
  return 0;
}

int store_commit(store *s) {
  if (s->in_tx > 1) { s->in_tx--; return 0; }
  if (s->begin_pending) { s->begin_pending = 0; s->in_tx = 0; writer_done(s); return 0; }   /* nothing was sent */
  if (store_exec(s, "COMMIT", NULL, NULL)) {
    char keep[sizeof s->err];
    memcpy(keep, s->err, sizeof keep);
    store_rollback(s);
    memcpy(s->err, keep, sizeof keep);
    return -1;
  }
  s->in_tx = 0;
  writer_done(s);
  return 0;
}

void store_rollback(store *s) {
  if (!s->in_tx) return;
  if (s->begin_pending) { s->begin_pending = 0; s->in_tx = 0; writer_done(s); return; }
  /* A failure inside a batch rolls back the whole batch. */
  char keep[sizeof s->err];
  memcpy(keep, s->err, sizeof keep);
  s->be->exec(s, "ROLLBACK", NULL, NULL);
  memcpy(s->err, keep, sizeof keep);
  s->in_tx = 0;
  writer_done(s);
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

/* The database's identity into s->id: 0, or -1 when the schema is not this myomap's or there is
** no identity yet (or no table meta). */
static int read_id(store *s) {
  store_rows r;
  s->id[0] = 0;
  if (store_exec(s, "SELECT (SELECT COALESCE(MAX(version), 0) FROM schema_version),"
                    " (SELECT value FROM meta WHERE key = 'database')", NULL, &r)) return -1;
  const char *v = store_cell(&r, 0, 0), *id = store_cell(&r, 0, 1);
  int ok = v && atol(v) == N_MIGRATIONS && id;
  if (ok) snprintf(s->id, sizeof s->id, "%s", id);
  store_rows_free(&r);
  return ok ? 0 : -1;
}

/* The table meta (key, value) lives outside the numbered migrations, so it needs no number that
** another branch's migration might take: it is made, with the database's random identity, the
** first time a myomap that keeps it opens the database, under the migration lock. */
static int make_meta(store *s) {
  unsigned char raw[16];
  char hex[33];
  if (sodium_init() < 0) return store_fail(s, "libsodium failed to start");
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, hex);
  if (store_exec(s, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", NULL, NULL) ||
      store_exec(s, "INSERT INTO meta (key, value) VALUES ('database', $1) ON CONFLICT DO NOTHING", &a, NULL)) {
    char keep[400];
    snprintf(keep, sizeof keep, "%.399s", s->err);
    return store_fail(s, "cannot keep the database's identity (table meta): %s", keep);
  }
  return 0;
}

static int migrate(store *s) {
  long have = 0;
  /* The common case, without any lock: the schema is up to date and the identity kept. */
  if (!read_id(s)) return 0;
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
  if (make_meta(s)) { store_rollback(s); return -1; }
  if (store_commit(s)) return -1;
  if (read_id(s)) {
    char keep[400];
    snprintf(keep, sizeof keep, "%.399s", s->err[0] ? s->err : "no row");
    return store_fail(s, "the database's identity cannot be read: %s", keep);
  }
  return 0;
}

int store_open(store **out, const char *target, char *err, size_t errlen) {
  if (target && !*target) {
    snprintf(err, errlen, "no database named (an empty name): give a path or a postgresql:// URI");
    return -1;
  }
  store *s = xcalloc(1, sizeof *s);
  char path[1024];
  if (!target) {
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
    if (!*target) {
      snprintf(err, errlen, "sqlite: names no file: give sqlite:PATH");
      free(s);
      return -1;
    }
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
  free(s->copy_sql);
  buf_free(&s->copy);
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

const char *store_database_id(const store *s) { return s->id; }

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

/* ---- backup and restore -------------------------------------------------------------------
** Format 2 (store.h): a header, one line per row, a trailer with the row counts and the SHA-256
** of every line before it.  The backup streams: rows are written as they are read, through a
** 64 KiB buffer that is hashed as it is handed to the writer. */
#define BACKUP_FORMAT 2
#define BACKUP_CHUNK (64 * 1024)

typedef struct backup_out {
  store *s;
  store_write_fn write;
  void *ctx;
  buf b;
  crypto_hash_sha256_state h;
  long lines, rows, count;   /* lines and rows so far; count: rows of this table */
  int table;
} backup_out;

static int backup_flush(backup_out *o, int hash) {
  if (!o->b.len) return 0;
  if (hash) crypto_hash_sha256_update(&o->h, (const unsigned char *)o->b.data, o->b.len);
  if (o->write(o->ctx, o->b.data, o->b.len)) return store_fail(o->s, "the backup could not be written");
  buf_reset(&o->b);
  return 0;
}

static int backup_row(void *ctx, int ncol, const char *const *names, const char *const *cells, const size_t *lens) {
  backup_out *o = ctx;
  const char *t = tables[o->table].name;
  buf_lit(&o->b, "{\"table\":");
  buf_json_str(&o->b, t);
  buf_lit(&o->b, ",\"row\":{");
  for (int j = 0; j < ncol; j++) {
    if (j) buf_putc(&o->b, ',');
    buf_json_str(&o->b, names[j]);
    buf_putc(&o->b, ':');
    if (!cells[j]) { buf_lit(&o->b, "null"); continue; }
    if (is_blob(t, names[j])) {   /* bytes, as base64 text */
      size_t cap = sodium_base64_ENCODED_LEN(lens[j], sodium_base64_VARIANT_ORIGINAL);
      char *b64 = xmalloc(cap);
      sodium_bin2base64(b64, cap, (const unsigned char *)cells[j], lens[j], sodium_base64_VARIANT_ORIGINAL);
      buf_json_str(&o->b, b64);
      free(b64);
      continue;
    }
    long bad = util_utf8_bad(cells[j], strlen(cells[j]));
    if (bad >= 0) {
      char which[64];
      if (tables[o->table].has_id && cells[0]) snprintf(which, sizeof which, "id %.30s", cells[0]);
      else snprintf(which, sizeof which, "row %ld", o->count + 1);
      return store_fail(o->s, "%s %s, column %s: byte %ld (0x%02x) is not valid UTF-8, so this backup could "
                        "not be restored: correct the value, then back up again", t, which, names[j], bad + 1,
                        (unsigned char)cells[j][bad]);
    }
    buf_json_str(&o->b, cells[j]);
  }
  buf_lit(&o->b, "}}\n");
  o->lines++;
  o->rows++;
  o->count++;
  return o->b.len >= BACKUP_CHUNK ? backup_flush(o, 1) : 0;
}

int store_backup(store *s, store_write_fn write, void *ctx, long *rows) {
  *rows = 0;
  if (s->in_tx) return store_fail(s, "a backup cannot run inside a transaction");
  if (store_exec(s, s->be->snapshot_sql, NULL, NULL)) return -1;
  s->in_tx = 1;
  backup_out o;
  memset(&o, 0, sizeof o);
  o.s = s;
  o.write = write;
  o.ctx = ctx;
  buf_init(&o.b);
  crypto_hash_sha256_init(&o.h);
  long counts[N_TABLES] = {0}, v = 0;
  char now[32];
  util_now(now);
  /* On SQLite this first read starts the snapshot. */
  int rc = store_exec_long(s, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL, &v);
  if (!rc && v != N_MIGRATIONS)
    rc = store_fail(s, "the database is at schema version %ld and this myomap at %d: back it up with the "
                       "matching myomap", v, N_MIGRATIONS);
  if (!rc) {
    buf_printf(&o.b, "{\"myomap\":\"backup\",\"format\":%d,\"version\":%d,\"backend\":", BACKUP_FORMAT, N_MIGRATIONS);
    buf_json_str(&o.b, s->be->name);
    buf_lit(&o.b, ",\"database\":");
    buf_json_str(&o.b, s->id);
    buf_lit(&o.b, ",\"taken\":");
    buf_json_str(&o.b, now);
    buf_lit(&o.b, ",\"tables\":[");
    for (int i = 0; i < N_TABLES; i++) {
      if (i) buf_putc(&o.b, ',');
      buf_json_str(&o.b, tables[i].name);
    }
    buf_lit(&o.b, "]}\n");
    o.lines = 1;
  }
  for (int i = 0; i < N_TABLES && !rc; i++) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", tables[i].name, tables[i].order);
    o.table = i;
    o.count = 0;
    if (store_each(s, sql, NULL, backup_row, &o)) rc = -1;
    counts[i] = o.count;
  }
  if (!rc) rc = backup_flush(&o, 1);
  if (!rc) {
    unsigned char dig[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256_final(&o.h, dig);
    sodium_bin2hex(hex, sizeof hex, dig, sizeof dig);
    buf_printf(&o.b, "{\"myomap\":\"end\",\"lines\":%ld,\"rows\":{", o.lines);
    for (int i = 0; i < N_TABLES; i++) buf_printf(&o.b, "%s\"%s\":%ld", i ? "," : "", tables[i].name, counts[i]);
    buf_printf(&o.b, "},\"sha256\":\"%s\"}\n", hex);
    rc = backup_flush(&o, 0);
  }
  store_rollback(s);   /* read only: nothing to commit */
  if (s->be->snapshot_end) s->be->exec(s, s->be->snapshot_end, NULL, NULL);
  buf_free(&o.b);
  if (!rc) *rows = o.rows;
  return rc ? -1 : 0;
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

typedef struct restore_st {
  store *s;
  store_row_check check;
  void *ctx;
  long lineno, rows, last_id;
  int header, ended, last;   /* last: the table of the latest row */
  long counts[N_TABLES];
  crypto_hash_sha256_state h;
  /* the rows go a COPY a run of one table's rows with the same columns (store_copy): its table
  ** and columns, and the backup's lines it holds (from, to) */
  int copying, copy_table;
  buf copy_cols;
  long copy_from, copy_to;
} restore_st;

/* A refusal naming the current line. */
static int line_fail(restore_st *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int line_fail(restore_st *st, const char *fmt, ...) {
  char msg[480];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return store_fail(st->s, "line %ld: %s", st->lineno, msg);
}

static int restore_header(restore_st *st, json_t *line) {
  json_t *m = json_object_get(line, "myomap"), *f = json_object_get(line, "format"),
         *v = json_object_get(line, "version"), *t = json_object_get(line, "tables");
  if (!json_is_string(m) || strcmp(json_string_value(m), "backup") || !json_is_integer(v))
    return line_fail(st, "not a myomap backup (expected {\"myomap\":\"backup\",\"format\":%d,...})", BACKUP_FORMAT);
  if (!f)
    return line_fail(st, "a format 1 backup (an older myomap's, with no row counts or checksum to check it by): "
                         "restore it with the myomap that wrote it, then back up again with this one");
  if (!json_is_integer(f) || json_integer_value(f) != BACKUP_FORMAT)
    return line_fail(st, "backup format %s: this myomap reads format %d", json_is_integer(f) ? "other than 2" : "not a number",
                     BACKUP_FORMAT);
  /* An older schema's rows are not reshaped here (migration 7 stores visits in another form,
  ** made by record_upgrade with the knowledge base): the older myomap restores them, and this one
  ** upgrades that database when it opens it. */
  if (json_integer_value(v) < N_MIGRATIONS && json_integer_value(v) > 0)
    return line_fail(st, "a backup of schema version %lld, from an older myomap; this myomap restores version %d: "
                         "restore it into a new database with the myomap that wrote it, open that database with "
                         "this myomap (which upgrades it in place), then back up again",
                     (long long)json_integer_value(v), N_MIGRATIONS);
  if (json_integer_value(v) != N_MIGRATIONS)
    return line_fail(st, "a backup of schema version %lld; this myomap restores version %d",
                     (long long)json_integer_value(v), N_MIGRATIONS);
  int same = json_is_array(t) && json_array_size(t) == N_TABLES;
  for (int i = 0; same && i < N_TABLES; i++) {
    const char *n = json_string_value(json_array_get(t, (size_t)i));
    same = n && !strcmp(n, tables[i].name);
  }
  if (!same) return line_fail(st, "the header's \"tables\" are not this myomap's (%s, ... in that order)", tables[0].name);
  st->header = 1;
  return 0;
}

static int restore_trailer(restore_st *st, json_t *line) {
  json_t *n = json_object_get(line, "lines"), *rows = json_object_get(line, "rows"),
         *sum = json_object_get(line, "sha256");
  if (!json_is_integer(n) || !json_is_object(rows) || !json_is_string(sum))
    return line_fail(st, "a trailer needs \"lines\", \"rows\" and \"sha256\"");
  if (json_integer_value(n) != st->lineno - 1)
    return line_fail(st, "the trailer counts %lld lines before it but there are %ld: lines are missing or were added",
                     (long long)json_integer_value(n), st->lineno - 1);
  for (int i = 0; i < N_TABLES; i++) {
    json_t *c = json_object_get(rows, tables[i].name);
    if (!json_is_integer(c) || json_integer_value(c) != st->counts[i])
      return line_fail(st, "the trailer counts %lld %s rows but the file has %ld: rows are missing or were added",
                       json_is_integer(c) ? (long long)json_integer_value(c) : -1LL, tables[i].name, st->counts[i]);
  }
  if (json_object_size(rows) != N_TABLES) return line_fail(st, "the trailer counts the rows of a table the header does not name");
  unsigned char dig[crypto_hash_sha256_BYTES];
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  crypto_hash_sha256_final(&st->h, dig);
  sodium_bin2hex(hex, sizeof hex, dig, sizeof dig);
  if (strcmp(hex, json_string_value(sum)))
    return line_fail(st, "the checksum of lines 1-%ld does not match the trailer's: the file was changed after the "
                         "backup was written", st->lineno - 1);
  st->ended = 1;
  return 0;
}

/* The COPY under way ended; a failure names the lines it held (PostgreSQL reports a COPY's
** failing row at its end, with the row's place in it). */
static int restore_copy_end(restore_st *st) {
  if (!st->copying) return 0;
  st->copying = 0;
  if (!store_copy_end(st->s)) return 0;
  char keep[400];
  snprintf(keep, sizeof keep, "%.399s", st->s->err);
  return store_fail(st->s, "lines %ld-%ld (%s rows): %s", st->copy_from, st->copy_to, tables[st->copy_table].name, keep);
}

static int restore_row(restore_st *st, json_t *line) {
  store *s = st->s;
  json_t *t = json_object_get(line, "table"), *row = json_object_get(line, "row");
  int ti = json_is_string(t) ? table_index(json_string_value(t)) : -1;
  if (ti < 0 || !json_is_object(row) || json_object_size(line) != 2)
    return line_fail(st, "expected {\"table\":NAME,\"row\":{...}} with a table of the header");
  if (ti < st->last)
    return line_fail(st, "a %s row after the %s rows: the tables come in the header's order, so the file was reordered",
                     tables[ti].name, tables[st->last].name);
  if (ti != st->last) st->last_id = 0;
  st->last = ti;
  const char *cols[STORE_MAX_ARGS], *vals[STORE_MAX_ARGS];
  int n = 0;
  const char *key;
  json_t *v;
  json_object_foreach(row, key, v) {
    if (!ident_ok(key) || !(json_is_string(v) || json_is_null(v)))
      return line_fail(st, "%s: bad column \"%.40s\" (names are lower case; values are text or null)", tables[ti].name, key);
    if (n == STORE_MAX_ARGS) return line_fail(st, "%s: more than %d columns", tables[ti].name, STORE_MAX_ARGS);
    cols[n] = key;
    vals[n++] = json_is_null(v) ? NULL : json_string_value(v);
  }
  if (tables[ti].has_id) {
    const char *id = NULL;
    for (int j = 0; j < n; j++) if (!strcmp(cols[j], "id")) id = vals[j];
    char *end = NULL;
    long x = id ? strtol(id, &end, 10) : 0;
    if (!id || !*id || *end || x <= 0)
      return line_fail(st, "%s: the id must be a whole number above 0", tables[ti].name);
    if (x <= st->last_id)
      return line_fail(st, "%s id %ld after id %ld: rows come in the order of their ids, so the file was reordered",
                       tables[ti].name, x, st->last_id);
    st->last_id = x;
  }
  char err[400] = "";
  if (st->check && st->check(st->ctx, tables[ti].name, n, cols, vals, err, sizeof err))
    return line_fail(st, "%s: %s", tables[ti].name, err);
  /* a run of rows with the table and columns of the last goes on in its COPY */
  buf names;
  buf_init(&names);
  for (int j = 0; j < n; j++) buf_printf(&names, "%s%s", j ? ", " : "", cols[j]);
  int rc = 0;
  if (st->copying && (st->copy_table != ti || strcmp(st->copy_cols.data, names.data))) rc = restore_copy_end(st);
  if (!rc && !st->copying) {
    if (store_copy_begin(s, tables[ti].name, names.data, n)) rc = line_fail(st, "%s: %s", tables[ti].name, s->err);
    else {
      st->copying = 1;
      st->copy_table = ti;
      st->copy_cols.len = 0;
      buf_puts(&st->copy_cols, names.data);
      st->copy_from = st->lineno;
    }
  }
  buf_free(&names);
  store_args a;
  store_args_init(&a);
  unsigned char *bytes[STORE_MAX_ARGS];
  int n_bytes = 0;
  for (int j = 0; j < n && !rc; j++) {
    if (vals[j] && is_blob(tables[ti].name, cols[j])) {   /* base64 in the backup */
      size_t tl = strlen(vals[j]), bl = 0;
      unsigned char *b = bytes[n_bytes++] = xmalloc(tl / 4 * 3 + 3);
      if (sodium_base642bin(b, tl / 4 * 3 + 3, vals[j], tl, NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL))
        rc = line_fail(st, "%s: %s is not base64", tables[ti].name, cols[j]);
      else store_arg_blob(&a, b, bl);
    } else store_arg_text(&a, vals[j]);
  }
  if (!rc && store_copy_row(s, &a)) {   /* (SQLite's INSERT, or PostgreSQL's rows sent so far) */
    char keep[400];
    snprintf(keep, sizeof keep, "%.399s", s->err);
    rc = line_fail(st, "%s: %s", tables[ti].name, keep);
  }
  for (int i = 0; i < n_bytes; i++) free(bytes[i]);
  if (!rc) { st->counts[ti]++; st->rows++; st->copy_to = st->lineno; }
  return rc;
}

/* One line of n bytes, without its newline (nl: it had one). */
static int restore_feed(restore_st *st, const char *p, size_t n, int nl) {
  st->lineno++;
  if (st->ended) return line_fail(st, "more after the trailer (line %ld): a backup ends with its trailer", st->lineno - 1);
  if (!nl) return line_fail(st, "cut short inside the line (it has no newline at its end): the file is incomplete");
  if (!n) return line_fail(st, "an empty line (a backup has none)");
  const char *nul = memchr(p, 0, n);
  if (nul) return line_fail(st, "byte %ld is a NUL byte", (long)(nul - p) + 1);
  long bad = util_utf8_bad(p, n);
  if (bad >= 0) return line_fail(st, "byte %ld (0x%02x) is not valid UTF-8", bad + 1, (unsigned char)p[bad]);
  json_error_t je;
  json_t *line = json_tree(p, n, &je);   /* (json_loadb's tree and errors, a cheaper reading) */
  if (!line) return line_fail(st, "not JSON (column %d): %s", je.column, je.text);
  const char *m = json_string_value(json_object_get(line, "myomap"));
  int rc;
  if (!json_is_object(line)) rc = line_fail(st, "not a JSON object");
  else if (!st->header) rc = restore_header(st, line);
  else if (m && !strcmp(m, "end")) rc = restore_trailer(st, line);
  else rc = restore_row(st, line);
  json_decref(line);
  if (!rc && !st->ended) {
    crypto_hash_sha256_update(&st->h, (const unsigned char *)p, n);
    crypto_hash_sha256_update(&st->h, (const unsigned char *)"\n", 1);
  }
  return rc;
}

static int restore_start(restore_st *st, store *s, store_row_check check, void *ctx) {
  memset(st, 0, sizeof *st);
  st->s = s;
  st->check = check;
  st->ctx = ctx;
  crypto_hash_sha256_init(&st->h);
  if (store_begin(s)) return -1;
  for (int i = 0; i < N_TABLES; i++) {
    char sql[128];
    long n = 0;
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", tables[i].name);
    if (store_exec_long(s, sql, NULL, &n) ||
        (n && store_fail(s, "the database already holds records (%ld in %s): restore only into a new, empty "
                            "database", n, tables[i].name))) {
      store_rollback(s);
      return -1;
    }
  }
  return 0;
}

static int restore_finish(restore_st *st, int rc, long *rows) {
  store *s = st->s;
  if (st->copying) {   /* (after a failure: ended all the same, to leave COPY; the first message kept) */
    char keep[sizeof s->err];
    memcpy(keep, s->err, sizeof keep);
    int end = restore_copy_end(st);
    if (rc) memcpy(s->err, keep, sizeof keep);
    else rc = end;
  }
  buf_free(&st->copy_cols);
  if (!rc && !st->header) rc = store_fail(s, "line 1: missing: an empty file is not a backup");
  if (!rc && !st->ended)
    rc = store_fail(s, "line %ld: missing: the backup ends after line %ld without its trailer "
                       "({\"myomap\":\"end\",...}), so it was cut short", st->lineno + 1, st->lineno);
  for (int i = 0; i < N_TABLES && !rc; i++)
    if (tables[i].has_id && s->be->restored && s->be->restored(s, tables[i].name)) rc = -1;
  if (rc) { store_rollback(s); return -1; }
  if (store_commit(s)) return -1;
  *rows = st->rows;
  return 0;
}

int store_restore(store *s, const char *text, size_t len, store_row_check check, void *ctx, long *rows) {
  restore_st st;
  *rows = 0;
  if (restore_start(&st, s, check, ctx)) return -1;
  int rc = 0;
  const char *p = text, *end = text + len;
  while (!rc && p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    rc = restore_feed(&st, p, n, nl != NULL);
    p += n + (nl ? 1 : 0);
  }
  return restore_finish(&st, rc, rows);
}

int store_restore_file(store *s, FILE *f, store_row_check check, void *ctx, long *rows) {
  restore_st st;
  *rows = 0;
  if (restore_start(&st, s, check, ctx)) return -1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  while (!rc && (n = getline(&line, &cap, f)) >= 0) {
    int nl = n > 0 && line[n - 1] == '\n';
    rc = restore_feed(&st, line, (size_t)n - (size_t)nl, nl);
  }
  if (!rc && ferror(f)) rc = store_fail(s, "cannot read the backup after line %ld: %s", st.lineno, strerror(errno));
  free(line);
  return restore_finish(&st, rc, rows);
}
