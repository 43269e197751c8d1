/* store.h: the clinical record database behind one interface, on two backends: an embedded
** SQLite file (the default, store_sqlite.c) and a PostgreSQL server through libpq
** (store_pg.c).  This layer runs SQL with bound parameters, keeps the schema migrated, wraps
** writes in transactions, checks integrity, and dumps and loads the whole database as JSON
** lines (backup and restore, also across backends).  The clinical meaning lives in record.c.
** No printing; errors come back as messages. */
#ifndef MYOMAP_STORE_H
#define MYOMAP_STORE_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

typedef struct store store;

/* The schema version this build writes (the number of migrations). */
int store_schema_version(void);

/* The default database: $XDG_DATA_HOME/myomap/myomap.db, or ~/.local/share/myomap/myomap.db.
** Writes the path to out (at most outlen bytes).  Returns 0, or -1 when neither XDG_DATA_HOME
** nor HOME is set. */
int store_default_path(char *out, size_t outlen);

/* Open the database named by `target`: "postgresql://..." or "postgres://..." (a libpq
** connection URI) for PostgreSQL, "sqlite:PATH" or a plain PATH for SQLite, NULL for the
** default path ("" and "sqlite:" are errors, never the default).  A new SQLite file is created readable and writable by its owner only, in a
** directory made with mode 0700; it runs in WAL mode with foreign keys on and synchronous
** FULL.  Pending migrations are applied, each in one transaction (under a lock, so several
** processes may open at once).  Returns 0 and sets *out (close with store_close), or -1 with
** a message in err that names the database but never its password. */
int store_open(store **out, const char *target, char *err, size_t errlen);
void store_close(store *s);

/* Open another connection to the database of `s` (for a thread of its own): as store_open. */
int store_clone(store *s, store **out, char *err, size_t errlen);

/* Notifications between server processes on one database (PostgreSQL LISTEN/NOTIFY).
** store_shared: 1 when several processes may serve one database (PostgreSQL), 0 for SQLite,
** whose one process needs none.  store_listen subscribes this connection to `channel` (1 and
** nothing done where there are none); store_notify sends `payload` on `channel`, delivered at
** the commit of the transaction it is sent in (a no-op returning 0 on SQLite); store_wait
** blocks up to `timeout` seconds on a listening connection: 1 with the payload copied (at most
** cap - 1 bytes), 0 when none came, -1 when the connection failed (it is reset: listen again). */
int store_shared(const store *s);
int store_listen(store *s, const char *channel);
int store_notify(store *s, const char *channel, const char *payload);
int store_wait(store *s, double timeout, char *payload, size_t cap);

/* "sqlite" or "postgresql". */
const char *store_backend(const store *s);
/* Where the data lives: the SQLite path, or the PostgreSQL URI with any password masked. */
const char *store_where(const store *s);
/* The message of the last failed call (empty when none). */
const char *store_error(const store *s);

/* Query results: nrow rows of ncol text cells, row-major; a SQL NULL is a NULL pointer.
** Free with store_rows_free (which leaves it empty). */
typedef struct store_rows {
  int nrow, ncol;
  char **cell;   /* each NUL-terminated; a blob cell holds its bytes (and a NUL after them) */
  size_t *len;   /* the byte length of each cell (0 for NULL), row-major as cell */
  char **names;  /* the ncol column names */
} store_rows;
void store_rows_free(store_rows *r);
/* The cell at row i, column j (NULL for SQL NULL or out of range). */
const char *store_cell(const store_rows *r, int i, int j);
/* Its length in bytes (a blob's may hold NUL bytes); 0 for NULL. */
size_t store_cell_len(const store_rows *r, int i, int j);

/* Bound parameters, passed as text (or as bytes, store_arg_blob): $1, $2, ... in the SQL in
** the order added.  A blob column is declared "{blob}" in a migration (BLOB on SQLite, BYTEA on
** PostgreSQL) and reads back as its bytes on both. */
#define STORE_MAX_ARGS 120
typedef struct store_args {
  int n;
  const char *v[STORE_MAX_ARGS];
  int len[STORE_MAX_ARGS];   /* -1 text, else the length of a blob */
  char num[STORE_MAX_ARGS][24];
} store_args;
void store_args_init(store_args *a);
void store_arg_text(store_args *a, const char *s);   /* NULL binds SQL NULL */
void store_arg_int(store_args *a, long v);
void store_arg_real(store_args *a, double v);        /* %.17g */
void store_arg_blob(store_args *a, const void *data, size_t len);   /* bytes, not copied */

/* Run one SQL statement with parameters ($1..$n, both backends).  When `out` is not NULL the
** rows are returned there (the caller frees them).  Returns 0, or -1 with store_error set. */
int store_exec(store *s, const char *sql, const store_args *a, store_rows *out);
/* The first cell of the first row as a long (the id from INSERT ... RETURNING id, a count).
** Returns 0 and sets *v, or -1 on an error or an empty result. */
int store_exec_long(store *s, const char *sql, const store_args *a, long *v);

/* Run n statements in order, as store_exec each, in one round trip to the server where the
** protocol allows (PostgreSQL's pipeline mode); rows of the first statement into `out` (when
** not NULL).  Stops at the first that fails: returns 0, or -1 with store_error set (inside a
** transaction, roll back). */
int store_exec_batch(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *out);
/* store_exec_batch with the rows of every statement: statement i's into out[i] (when not NULL).
** On a failure none are kept. */
int store_exec_all(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *const *out);
/* store_exec_batch, then store_commit, the COMMIT in the same round trip when this commit ends
** the transaction.  Returns 0, or -1 with store_error set (the transaction is rolled back). */
int store_exec_batch_commit(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *out);
/* Run one SELECT and hand its rows to fn as they are read, one at a time (SQLite steps the
** statement; PostgreSQL runs it in single-row mode), so a result of any size needs the memory of
** one row.  names[j], cells[j] (NULL for SQL NULL) and lens[j] (its length in bytes: a blob's
** cell holds bytes, text is NUL-terminated) are valid during the call only.  fn returns
** 0 to go on, nonzero to stop (the rest of the query is dropped).  Returns 0, fn's nonzero value,
** or -1 with store_error set. */
typedef int (*store_row_fn)(void *ctx, int ncol, const char *const *names, const char *const *cells,
                            const size_t *lens);
int store_each(store *s, const char *sql, const store_args *a, store_row_fn fn, void *ctx);

/* Many rows into one table in one go, inside a transaction: PostgreSQL's COPY FROM STDIN (the
** rows streamed as text, a round trip for the lot), elsewhere an INSERT a row.  `cols` names the
** ncols columns ("a, b, c"; from the program, never from input); each row gives their values in
** that order, bound as store_exec binds them (text, numbers, NULL, blobs).  Between begin and
** end no other statement may run on s.  The rows' errors (a constraint) may show only at
** store_copy_end.  Each returns 0, or -1 with store_error set (then roll back). */
int store_copy_begin(store *s, const char *table, const char *cols, int ncols);
int store_copy_row(store *s, const store_args *a);
int store_copy_end(store *s);
/* The rows' end sent without waiting for the server to take them (store_copy_end then waits):
** the caller may work meanwhile, but run no statement on s. */
int store_copy_send(store *s);
/* After store_copy_send: 1 when the server has taken the rows (store_copy_end will not wait), 0
** while it is still at them.  Never waits; 1 where nothing is under way (no COPY, or SQLite). */
int store_copy_ready(store *s);
/* n new ids for rows of `table` (one with an auto-numbered id) that the caller then writes with
** them (store_copy), inside a write transaction: ids[0..n), past any given before in the same
** transaction whether written yet or not.  0, or -1 with store_error set. */
int store_ids(store *s, const char *table, int n, long *ids);

/* Transactions: begin takes the write lock at once (SQLite BEGIN IMMEDIATE), so a write
** never fails half way for a lock.  rollback is safe to call after any error.  A begin inside
** a transaction joins it (a batch: the record calls inside commit with the outer commit, and
** a rollback anywhere undoes the whole batch). */
int store_begin(store *s);
int store_commit(store *s);
void store_rollback(store *s);

/* Check the database: the backend's own integrity check (SQLite integrity_check and
** foreign_key_check), the schema version, and that no row points at a missing parent.
** Appends one line per finding to `report` ("ok: ..." or "error: ...").  Returns 0 when all
** is well, -1 otherwise. */
int store_check(store *s, buf *report);

/* Counts of rows per table, appended to `out` as "table N" lines. */
int store_counts(store *s, buf *out);

/* Backup: the whole database as JSON lines, streamed in the memory of a few rows, from one
** read-only snapshot that no writer waits for (SQLite: a WAL read transaction; PostgreSQL:
** REPEATABLE READ READ ONLY).  Format 2 (docs/records.md):
**   {"myomap":"backup","format":2,"version":SCHEMA,"backend":B,"database":ID,"taken":TIME,"tables":[...]}
**   {"table":T,"row":{column:value,...}}      one per row, the tables in the header's order,
**                                            each table in its key's order; values text or null
**   {"myomap":"end","lines":N,"rows":{T:COUNT,...},"sha256":HEX}
** where N counts the lines before the trailer and HEX is the SHA-256 of those lines' bytes (with
** their newlines).  The text goes to `write` (0 on success, nonzero to stop: store_backup then
** fails) in pieces of about 64 KiB.  A stored text that is not valid UTF-8 stops the backup with
** a message naming its row (such a backup could not be restored).  Returns 0 and sets *rows (the
** rows written), or -1 with store_error set. */
typedef int (*store_write_fn)(void *ctx, const char *data, size_t len);
int store_backup(store *s, store_write_fn write, void *ctx, long *rows);

/* A value check for restore: the row of `table` with n columns cols[] and values vals[] (NULL
** for null); returns 0 when it may be stored, else nonzero with a message in err ("column
** birth: ..."). */
typedef int (*store_row_check)(void *ctx, const char *table, int n, const char *const *cols,
                               const char *const *vals, char *err, size_t errlen);

/* Restore a format 2 backup into an empty database, in one transaction: every line is checked
** (valid UTF-8, JSON, a known table in the header's order, ids increasing, `check` on its
** values when not NULL) and the trailer's row counts and checksum are compared before the
** commit, so a file that is cut short (at a line boundary or inside a line), reordered or edited
** writes nothing, and the message names the line at fault ("line 12: ...").  Refused too when
** the database already holds records.  store_restore_file reads `f` line by line (memory of one
** line); store_restore reads `len` bytes of `text`.  Returns 0 and sets *rows, or -1 with
** store_error set. */
int store_restore_file(store *s, FILE *f, store_row_check check, void *ctx, long *rows);
int store_restore(store *s, const char *text, size_t len, store_row_check check, void *ctx, long *rows);

/* The database's identity: 32 hex digits drawn at random when the database was created (or first
** opened by a myomap that keeps one), kept in the table meta (key 'database'). */
const char *store_database_id(const store *s);

#endif
