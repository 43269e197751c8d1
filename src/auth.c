/* auth.c: web accounts (argon2id), in-memory login sessions with CSRF tokens, login rate
** limiting, access to clients, and the audit log. */
#include "auth.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "util.h"

#define MAX_SESSIONS 1024
#define MAX_LIMITS 1024

typedef struct sess {
  char token[AUTH_TOKEN_LEN + 1];
  double expires;           /* 0: free slot */
  auth_user u;
} sess;

/* Failed logins for one key ("ip:ADDR" or "email:ADDR"). */
typedef struct limit {
  char key[232];
  double first;             /* start of the window */
  int fails;
} limit;

struct auth {
  pthread_mutex_t mu;
  sess sessions[MAX_SESSIONS];
  limit limits[MAX_LIMITS];
  char dummy[crypto_pwhash_STRBYTES];   /* verified against for unknown emails */
};

auth *auth_new(void) {
  if (sodium_init() < 0) return NULL;
  auth *a = xcalloc(1, sizeof *a);
  pthread_mutex_init(&a->mu, NULL);
  char pw[33];
  randombytes_buf(pw, 16);
  sodium_bin2hex(pw, sizeof pw, (const unsigned char *)pw, 16);
  if (crypto_pwhash_str(a->dummy, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE)) {
    free(a);
    return NULL;
  }
  return a;
}

void auth_free(auth *a) {
  if (!a) return;
  pthread_mutex_destroy(&a->mu);
  sodium_memzero(a, sizeof *a);
  free(a);
}

static int bad(char *err, size_t errlen, const char *msg) {
  snprintf(err, errlen, "%s", msg);
  return RECORD_EBAD;
}

int auth_hash(const char *password, char *out, size_t outlen, char *err, size_t errlen) {
  size_t n = password ? strlen(password) : 0;
  if (n < AUTH_PASSWORD_MIN) return bad(err, errlen, "a password needs at least 8 characters");
  if (n > AUTH_PASSWORD_MAX) return bad(err, errlen, "a password may have at most 200 characters");
  if (outlen < crypto_pwhash_STRBYTES) return bad(err, errlen, "hash buffer too small");
  if (sodium_init() < 0) return bad(err, errlen, "libsodium failed to start");
  if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE))
    return bad(err, errlen, "out of memory hashing the password");
  return 0;
}

static void lower(char *dst, size_t cap, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < cap; i++) dst[i] = (char)tolower((unsigned char)src[i]);
  dst[i] = 0;
}

int auth_user_add(store *s, const char *name, const char *email, const char *password, const char *role,
                  long *id, char *err, size_t errlen) {
  if (!email || !*email) return bad(err, errlen, "an account needs an email to log in with");
  if (strlen(email) > 200) return bad(err, errlen, "the email is longer than 200 characters");
  char em[201];
  lower(em, sizeof em, email);
  char hash[crypto_pwhash_STRBYTES];
  int rc = auth_hash(password, hash, sizeof hash, err, errlen);
  if (rc) return rc;
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, em);
  store_rows r;
  if (store_exec(s, "SELECT id, pwhash FROM therapist WHERE email = $1", &a, &r)) {
    snprintf(err, errlen, "database error: %s", store_error(s));
    return RECORD_ESTORE;
  }
  long have = r.nrow ? atol(store_cell(&r, 0, 0)) : 0;
  int has_pw = r.nrow && store_cell(&r, 0, 1);
  store_rows_free(&r);
  if (has_pw) {
    snprintf(err, errlen, "an account with email %s exists already", em);
    return RECORD_EBAD;
  }
  if (!have && (rc = record_therapist_add(s, name, em, role, &have, err, errlen))) return rc;
  store_args_init(&a);
  store_arg_text(&a, hash);
  store_arg_int(&a, have);
  if (store_begin(s) || store_exec(s, "UPDATE therapist SET pwhash = $1 WHERE id = $2", &a, NULL) || store_commit(s)) {
    snprintf(err, errlen, "database error: %s; nothing was written", store_error(s));
    store_rollback(s);
    return RECORD_ESTORE;
  }
  *id = have;
  return 0;
}

int auth_count(store *s, long *n) {
  return store_exec_long(s, "SELECT COUNT(*) FROM therapist WHERE pwhash IS NOT NULL", NULL, n) ? RECORD_ESTORE : 0;
}

int auth_user_list(store *s, buf *out) {
  store_rows r;
  if (store_exec(s, "SELECT id, name, email, role, pwhash IS NOT NULL FROM therapist ORDER BY id", NULL, &r))
    return RECORD_ESTORE;
  buf_puts(out, "{\"users\":[");
  for (int i = 0; i < r.nrow; i++) {
    buf_printf(out, "%s{\"id\":%s,\"name\":", i ? "," : "", store_cell(&r, i, 0));
    buf_json_str(out, store_cell(&r, i, 1));
    buf_puts(out, ",\"email\":");
    if (store_cell(&r, i, 2)) buf_json_str(out, store_cell(&r, i, 2)); else buf_puts(out, "null");
    buf_puts(out, ",\"role\":");
    buf_json_str(out, store_cell(&r, i, 3));
    const char *pw = store_cell(&r, i, 4);
    buf_printf(out, ",\"can_log_in\":%s}", pw && (!strcmp(pw, "1") || !strcmp(pw, "t")) ? "true" : "false");
  }
  buf_puts(out, "]}");
  store_rows_free(&r);
  return 0;
}

/* ---- rate limiting (caller holds the mutex) ------------------------------------------------ */

static limit *limit_find(auth *a, const char *key, double now, int create) {
  limit *free_slot = NULL, *oldest = NULL;
  for (int i = 0; i < MAX_LIMITS; i++) {
    limit *l = &a->limits[i];
    if (l->fails && now - l->first >= AUTH_FAIL_WINDOW) l->fails = 0;   /* window over */
    if (l->fails && !strcmp(l->key, key)) return l;
    if (!l->fails && !free_slot) free_slot = l;
    if (!oldest || l->first < oldest->first) oldest = l;
  }
  if (!create) return NULL;
  limit *l = free_slot ? free_slot : oldest;
  memset(l, 0, sizeof *l);
  snprintf(l->key, sizeof l->key, "%s", key);
  l->first = now;
  return l;
}

static long locked_for(auth *a, const char *key, double now) {
  limit *l = limit_find(a, key, now, 0);
  if (!l || l->fails < AUTH_FAIL_LIMIT) return 0;
  long left = (long)(l->first + AUTH_FAIL_WINDOW - now) + 1;
  return left > 0 ? left : 1;
}

static void note_failure(auth *a, const char *key, double now) {
  limit *l = limit_find(a, key, now, 1);
  l->fails++;
}

static void clear_failures(auth *a, const char *key, double now) {
  limit *l = limit_find(a, key, now, 0);
  if (l) l->fails = 0;
}

/* ---- sessions ------------------------------------------------------------------------------ */

static void new_token(char out[AUTH_TOKEN_LEN + 1]) {
  unsigned char raw[AUTH_TOKEN_LEN / 2];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, AUTH_TOKEN_LEN + 1, raw, sizeof raw);
}

static void session_add(auth *a, const auth_user *u, double now, char *token, auth_user *out) {
  pthread_mutex_lock(&a->mu);
  sess *slot = NULL;
  for (int i = 0; i < MAX_SESSIONS; i++) {
    sess *x = &a->sessions[i];
    if (x->expires <= now) { slot = x; break; }
    if (!slot || x->expires < slot->expires) slot = x;   /* full: replace the oldest */
  }
  memset(slot, 0, sizeof *slot);
  slot->u = *u;
  new_token(slot->token);
  new_token(slot->u.csrf);
  slot->expires = now + AUTH_SESSION_SECONDS;
  memcpy(token, slot->token, AUTH_TOKEN_LEN + 1);
  *out = slot->u;
  pthread_mutex_unlock(&a->mu);
}

static int load_user(store *s, const char *where, const char *arg, auth_user *u, char *hash, size_t hashlen) {
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT id, name, email, role, pwhash FROM therapist WHERE %s = $1", where);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, arg);
  store_rows r;
  if (store_exec(s, sql, &a, &r)) return RECORD_ESTORE;
  int rc = RECORD_ENOTFOUND;
  if (r.nrow && store_cell(&r, 0, 4)) {
    memset(u, 0, sizeof *u);
    u->id = atol(store_cell(&r, 0, 0));
    snprintf(u->name, sizeof u->name, "%s", store_cell(&r, 0, 1));
    snprintf(u->email, sizeof u->email, "%s", store_cell(&r, 0, 2) ? store_cell(&r, 0, 2) : "");
    u->admin = !strcmp(store_cell(&r, 0, 3), "admin");
    if (hash) snprintf(hash, hashlen, "%s", store_cell(&r, 0, 4));
    rc = 0;
  }
  store_rows_free(&r);
  return rc;
}

int auth_login(auth *a, store *s, const char *email, const char *password, const char *ip, double now,
               char *token, auth_user *u, long *retry_after) {
  char em[201], kip[232], kem[232];
  lower(em, sizeof em, email ? email : "");
  snprintf(kip, sizeof kip, "ip:%s", ip ? ip : "?");
  snprintf(kem, sizeof kem, "email:%s", em);
  pthread_mutex_lock(&a->mu);
  long l1 = locked_for(a, kip, now), l2 = locked_for(a, kem, now);
  pthread_mutex_unlock(&a->mu);
  if (l1 || l2) { *retry_after = l1 > l2 ? l1 : l2; return AUTH_ELIMITED; }
  char hash[crypto_pwhash_STRBYTES];
  auth_user found;
  int rc = load_user(s, "email", em, &found, hash, sizeof hash);
  if (rc == RECORD_ESTORE) return rc;
  size_t n = password ? strlen(password) : 0;
  int ok = n <= AUTH_PASSWORD_MAX &&
           crypto_pwhash_str_verify(rc ? a->dummy : hash, password ? password : "", n) == 0 && rc == 0;
  if (!ok) {
    pthread_mutex_lock(&a->mu);
    note_failure(a, kip, now);
    note_failure(a, kem, now);
    pthread_mutex_unlock(&a->mu);
    return AUTH_EDENIED;
  }
  pthread_mutex_lock(&a->mu);
  clear_failures(a, kip, now);
  clear_failures(a, kem, now);
  pthread_mutex_unlock(&a->mu);
  session_add(a, &found, now, token, u);
  return 0;
}

int auth_start(auth *a, store *s, long id, double now, char *token, auth_user *u) {
  char ids[32];
  snprintf(ids, sizeof ids, "%ld", id);
  auth_user found;
  int rc = load_user(s, "id", ids, &found, NULL, 0);
  if (rc) return rc;
  session_add(a, &found, now, token, u);
  return 0;
}

int auth_session(auth *a, const char *token, double now, auth_user *u) {
  if (!token || strlen(token) != AUTH_TOKEN_LEN) return -1;
  int rc = -1;
  pthread_mutex_lock(&a->mu);
  for (int i = 0; i < MAX_SESSIONS; i++) {
    sess *x = &a->sessions[i];
    if (x->expires > now && sodium_memcmp(x->token, token, AUTH_TOKEN_LEN) == 0) {
      *u = x->u;
      rc = 0;
      break;
    }
  }
  pthread_mutex_unlock(&a->mu);
  return rc;
}

void auth_logout(auth *a, const char *token) {
  if (!token || strlen(token) != AUTH_TOKEN_LEN) return;
  pthread_mutex_lock(&a->mu);
  for (int i = 0; i < MAX_SESSIONS; i++)
    if (a->sessions[i].expires && sodium_memcmp(a->sessions[i].token, token, AUTH_TOKEN_LEN) == 0)
      memset(&a->sessions[i], 0, sizeof a->sessions[i]);
  pthread_mutex_unlock(&a->mu);
}

int auth_csrf_ok(const auth_user *u, const char *header) {
  return header && strlen(header) == AUTH_TOKEN_LEN && sodium_memcmp(u->csrf, header, AUTH_TOKEN_LEN) == 0;
}

/* ---- access and audit ---------------------------------------------------------------------- */

int auth_can_see(store *s, const auth_user *u, long client) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_rows r;
  if (store_exec(s, "SELECT therapist_id FROM client WHERE id = $1", &a, &r)) return RECORD_ESTORE;
  int rc = !r.nrow ? RECORD_ENOTFOUND
         : u->admin || (store_cell(&r, 0, 0) && atol(store_cell(&r, 0, 0)) == u->id) ? 0 : AUTH_EFORBIDDEN;
  store_rows_free(&r);
  return rc;
}

int auth_audit(store *s, long user, const char *action, long client, const char *detail) {
  char now[32];
  util_now(now);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, now);
  if (user > 0) store_arg_int(&a, user); else store_arg_text(&a, NULL);
  store_arg_text(&a, action);
  if (client > 0) store_arg_int(&a, client); else store_arg_text(&a, NULL);
  store_arg_text(&a, detail ? detail : "");
  return store_exec(s, "INSERT INTO audit (at, therapist_id, action, client_id, detail) VALUES ($1, $2, $3, $4, $5)",
                    &a, NULL) ? RECORD_ESTORE : 0;
}

int auth_audit_list(store *s, int limit, buf *out) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, limit);
  store_rows r;
  if (store_exec(s, "SELECT a.at, t.email, a.action, a.client_id, a.detail FROM audit a "
                    "LEFT JOIN therapist t ON t.id = a.therapist_id ORDER BY a.id DESC LIMIT $1", &a, &r))
    return RECORD_ESTORE;
  buf_puts(out, "{\"audit\":[");
  for (int i = 0; i < r.nrow; i++) {
    buf_puts(out, i ? ",{\"at\":" : "{\"at\":");
    buf_json_str(out, store_cell(&r, i, 0));
    buf_puts(out, ",\"user\":");
    if (store_cell(&r, i, 1)) buf_json_str(out, store_cell(&r, i, 1)); else buf_puts(out, "null");
    buf_puts(out, ",\"action\":");
    buf_json_str(out, store_cell(&r, i, 2));
    buf_printf(out, ",\"client\":%s,\"detail\":", store_cell(&r, i, 3) ? store_cell(&r, i, 3) : "null");
    buf_json_str(out, store_cell(&r, i, 4));
    buf_putc(out, '}');
  }
  buf_puts(out, "]}");
  store_rows_free(&r);
  return 0;
}
