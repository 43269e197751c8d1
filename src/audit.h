/* audit.h: the audit log's group commit.  Every read and change of a record writes a row
** (PHIPA s.10.1, HIPAA 164.312(b)); rows that arrive while another batch is being committed
** wait and go together in the next transaction, so a busy server commits once for many
** requests, and no caller returns before its rows are durable.  Thread-safe; nothing printed. */
#ifndef MYOMAP_AUDIT_H
#define MYOMAP_AUDIT_H

#include "store.h"

#define AUDIT_DETAIL_MAX 200   /* bytes of detail kept (cut at a UTF-8 boundary) */

typedef struct audit_row {
  long user;                   /* 0: nobody logged in */
  char action[32];
  long client;                 /* 0: no client */
  char detail[AUDIT_DETAIL_MAX + 1];
} audit_row;

typedef struct audit_log audit_log;

audit_log *audit_new(void);
void audit_free(audit_log *q);

/* Fill a row: action and detail are cut to fit (detail at a UTF-8 character boundary; NULL is ""). */
void audit_row_set(audit_row *r, long user, const char *action, long client, const char *detail);

/* Write `n` rows through the group commit, using the caller's connection `s` when this call
** leads a batch (the caller must not be inside a transaction on `s`).  Returns once the batch
** holding the rows has committed: 0, or -1 when that batch failed (nothing of it was written). */
int audit_write(audit_log *q, store *s, const audit_row *rows, int n);

/* Batches committed and rows written so far (for tests and the bench). */
void audit_stats(audit_log *q, unsigned long *batches, unsigned long *rows);

#endif
