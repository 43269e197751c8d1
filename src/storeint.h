/* storeint.h: what store.c and its two backends (store_sqlite.c, store_pg.c) share: the
** backend table and the store handle.  Not for use outside the store modules. */
#ifndef MYOMAP_STOREINT_H
#define MYOMAP_STOREINT_H

#include "store.h"

typedef struct store_driver {
  const char *name;          /* "sqlite", "postgresql" */
  const char *id_ddl;        /* the column type of an auto-numbered primary key */
  const char *blob_ddl;      /* the column type of bytes ("{blob}" in a migration) */
  const char *begin_sql;     /* a write transaction that holds its lock from the start */
  const char *lock_sql;      /* run first inside the migration transaction, or NULL */
  const char *snapshot_sql;  /* a read-only transaction that sees one snapshot and blocks no writer */
  const char *snapshot_end;  /* run after that transaction has ended (NULL: nothing) */
  /* Connect to `target` (a path or URI); set s->h and s->where.  0, or -1 with s->err. */
  int (*open)(store *s, const char *target);
  void (*close)(store *s);
  /* One statement with $1..$n text parameters (a->n may be 0, a may be NULL); rows into out
  ** when it is not NULL.  A call without parameters may hold several statements. */
  int (*exec)(store *s, const char *sql, const store_args *a, store_rows *out);
  /* n statements in one round trip where the protocol allows (NULL: store.c runs them one by
  ** one); `begin` first sends begin_sql, `commit` ends with COMMIT (s->in_tx is then 0 unless a
  ** statement before it failed).  Rows of statement i into out[i] when out and out[i] are not
  ** NULL.  0, or -1 with s->err from the first that failed (the others are not run; no rows
  ** are kept). */
  int (*batch)(store *s, int n, const char *const *sql, const store_args *const *a, store_rows *const *out,
               int begin, int commit);
  /* (at most STORE_BATCH_MAX statements: store.c runs more one by one) */
  int lazy_begin;            /* begin is sent with the first statement of the transaction */
  /* Backend integrity check: lines into report; 0 when well, -1 when not. */
  int (*check)(store *s, buf *report);
  /* After a restore wrote explicit ids into `table`: move its id counter past them. */
  int (*restored)(store *s, const char *table);
  /* Notifications between processes on one database (NULL where the backend has none):
  ** listen subscribes this connection to `channel`; wait blocks up to `timeout` seconds for
  ** one, copying its payload: 1 got one, 0 none, -1 the connection failed. */
  int (*listen)(store *s, const char *channel);
  int (*wait)(store *s, double timeout, char *payload, size_t cap);
  /* One SELECT whose rows are handed to fn one at a time as they arrive (store_each). */
  int (*each)(store *s, const char *sql, const store_args *a, store_row_fn fn, void *ctx);
  /* COPY FROM STDIN (NULL where the backend has none: store.c then INSERTs row by row), by
  ** phase: COPY_START runs `data` ("COPY t (cols) FROM STDIN"), COPY_DATA sends len bytes of rows
  ** as COPY text, COPY_END sends the end without waiting, COPY_POLL reads what has come without
  ** waiting (1: the result is in, 0: not yet), COPY_RESULT waits for the COPY's result.  0 (or
  ** COPY_POLL's 1), or -1 with s->err. */
  int (*copy)(store *s, int phase, const char *data, size_t len);
  /* n new ids of a table ($1: n; %s: the table), each in a row; run inside a write transaction */
  const char *ids_sql;
} store_driver;

struct store {
  const store_driver *be;
  void *h;                  /* sqlite3 * or PGconn * */
  void *priv;               /* the backend's own state (PostgreSQL: its prepared statements) */
  char *target;             /* what store_open was given, for store_clone */
  char where[1024];
  char err[512];
  char id[40];              /* the database's identity (meta.database), read at open */
  int in_tx;
  int writer;               /* holds the process's SQLite write lock (store.c) */
  int begin_pending;        /* lazy_begin: BEGIN not sent yet */
  /* store_copy_*: the INSERT (no COPY) or the rows not sent yet (COPY), its column count; its
  ** end sent, its result not read yet (sent) */
  buf copy;
  char *copy_sql;
  int copy_cols, copying, copy_sent;
  /* store_ids: the table and the last id it gave in this transaction */
  char ids_table[64];
  long ids_last;
};
enum { COPY_START, COPY_DATA, COPY_END, COPY_POLL, COPY_RESULT };
enum { STORE_BATCH_MAX = 64 };   /* the statements of one driver batch */

extern const store_driver store_sqlite;
extern const store_driver store_pg;

/* Set s->err from a format (printf-style); returns -1. */
int store_fail(store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a row of n cells (copied; NULL stays NULL) of lens[j] bytes (lens NULL: strlen) to
** r, whose ncol must be n. */
void store_rows_add(store_rows *r, const char *const *cells, const size_t *lens, int n);

#endif
