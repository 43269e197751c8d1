/* audit.c: the audit log's group commit (leader and followers, as a database's WAL commits). */
#include "audit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct audit_log {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  audit_row *pending; int n_pending, cap_pending;
  unsigned long filling;       /* the number of the batch new rows join */
  unsigned long done;          /* batches up to this one have finished */
  unsigned long failed[8];     /* the last failed batch numbers (a ring) */
  int flushing;
  unsigned long batches, rows;
};

audit_log *audit_new(void) {
  audit_log *q = xcalloc(1, sizeof *q);
  pthread_mutex_init(&q->mu, NULL);
  pthread_cond_init(&q->cv, NULL);
  q->filling = 1;
  return q;
}

void audit_free(audit_log *q) {
  if (!q) return;
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->cv);
  free(q->pending);
  free(q);
}

void audit_row_set(audit_row *r, long user, const char *action, long client, const char *detail) {
  r->user = user;
  snprintf(r->action, sizeof r->action, "%s", action ? action : "");
  r->client = client;
  size_t n = detail ? strlen(detail) : 0;
  if (n > AUDIT_DETAIL_MAX) {
    n = AUDIT_DETAIL_MAX;
    while (n && ((unsigned char)detail[n] & 0xC0) == 0x80) n--;   /* not inside a character */
  }
  if (n) memcpy(r->detail, detail, n);
  r->detail[n] = 0;
}

static int write_batch(store *s, const audit_row *rows, int n) {
  char now[32];
  util_now(now);
  if (store_begin(s)) return -1;
  for (int i = 0; i < n; i++) {
    store_args a;
    store_args_init(&a);
    store_arg_text(&a, now);
    if (rows[i].user > 0) store_arg_int(&a, rows[i].user); else store_arg_text(&a, NULL);
    store_arg_text(&a, rows[i].action);
    if (rows[i].client > 0) store_arg_int(&a, rows[i].client); else store_arg_text(&a, NULL);
    store_arg_text(&a, rows[i].detail);
    if (store_exec(s, "INSERT INTO audit (at, therapist_id, action, client_id, detail) VALUES ($1, $2, $3, $4, $5)",
                   &a, NULL)) {
      store_rollback(s);
      return -1;
    }
  }
  return store_commit(s);
}

static int was_failed(const audit_log *q, unsigned long batch) {
  for (int i = 0; i < 8; i++) if (q->failed[i] == batch) return 1;
  return 0;
}

int audit_write(audit_log *q, store *s, const audit_row *rows, int n) {
  if (n <= 0) return 0;
  pthread_mutex_lock(&q->mu);
  if (q->n_pending + n > q->cap_pending) {
    q->cap_pending = (q->n_pending + n) * 2;
    q->pending = xrealloc(q->pending, sizeof *q->pending * (size_t)q->cap_pending);
  }
  memcpy(q->pending + q->n_pending, rows, sizeof *rows * (size_t)n);
  q->n_pending += n;
  unsigned long mine = q->filling;
  while (q->done < mine) {
    if (q->flushing) { pthread_cond_wait(&q->cv, &q->mu); continue; }
    /* Lead: take what has gathered (this batch) and commit it with our connection. */
    q->flushing = 1;
    unsigned long batch = q->filling++;
    audit_row *take = q->pending;
    int nt = q->n_pending;
    q->pending = NULL;
    q->n_pending = q->cap_pending = 0;
    pthread_mutex_unlock(&q->mu);
    int rc = write_batch(s, take, nt);
    free(take);
    pthread_mutex_lock(&q->mu);
    if (rc) q->failed[batch % 8] = batch;
    else { q->batches++; q->rows += (unsigned long)nt; }
    q->done = batch;
    q->flushing = 0;
    pthread_cond_broadcast(&q->cv);
  }
  int failed = was_failed(q, mine);
  pthread_mutex_unlock(&q->mu);
  return failed ? -1 : 0;
}

void audit_stats(audit_log *q, unsigned long *batches, unsigned long *rows) {
  pthread_mutex_lock(&q->mu);
  *batches = q->batches;
  *rows = q->rows;
  pthread_mutex_unlock(&q->mu);
}
