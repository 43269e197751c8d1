/* auth.c: web accounts (argon2id under a counting semaphore, a common-password list), login
** sessions and refused-login counts in the store, setup codes, access to clients, the audit log. */
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "record.h"
#include "util.h"

_Static_assert(crypto_pwhash_STRBYTES <= sizeof(((auth_attempt *)0)->hash), "auth_attempt.hash holds a hash");

struct auth {
  char dummy[crypto_pwhash_STRBYTES];   /* verified against for unknown emails */
};

/* ---- argon2id, at most one per core at once ------------------------------------------------
** Hashing is memory-hard CPU work (64 MiB, ~50 ms): more at once than there are cores only
** makes every login slower and starves the other requests, so the rest wait here, in order
** of arrival as sem_wait gives it.  One semaphore for the process: it counts cores, not users. */

static sem_t hash_slots;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_init(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  sem_init(&hash_slots, 0, n < 1 ? 1 : n > 64 ? 64 : (unsigned)n);
}

static void hash_enter(void) {
  pthread_once(&hash_once, hash_init);
  while (sem_wait(&hash_slots) && errno == EINTR) {}
}

static void hash_leave(void) { sem_post(&hash_slots); }

static int pwhash(char *out, const char *pw, size_t n) {
  hash_enter();
  int rc = crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  hash_leave();
  return rc;
}

auth *auth_new(void) {
  if (sodium_init() < 0) return NULL;
  auth *a = xcalloc(1, sizeof *a);
  char pw[33];
  randombytes_buf(pw, 16);
  sodium_bin2hex(pw, sizeof pw, (const unsigned char *)pw, 16);
  if (pwhash(a->dummy, pw, strlen(pw))) {
    free(a);
    return NULL;
  }
  return a;
}

void auth_free(auth *a) {
  if (!a) return;
  sodium_memzero(a, sizeof *a);
  free(a);
}

static int bad(char *err, size_t errlen, const char *msg) {
  snprintf(err, errlen, "%s", msg);
  return RECORD_EBAD;
}

static int dberr(store *s, char *err, size_t errlen) {
  snprintf(err, errlen, "database error: %s; nothing was written", store_error(s));
  return RECORD_ESTORE;
}

/* Copy src lower-cased into dst (cap bytes with the NUL), cut on a UTF-8 character boundary. */
static void lower(char *dst, size_t cap, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < cap; i++) dst[i] = (char)tolower((unsigned char)src[i]);
  if (src && src[i])   /* cut: don't end inside a character */
    while (i && ((unsigned char)dst[i] & 0xC0) == 0x80) i--;
  dst[i] = 0;
}

/* ---- the password policy ------------------------------------------------------------------- */

/* Is the lower-cased `w` (n bytes) a line of kb/passwords.txt? */
static int common(const char *w, size_t n) {
  const builtin_file *f = builtin_find("kb/passwords.txt");
  if (!f || !n) return 0;
  for (const char *p = (const char *)f->data, *end = p + f->len; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = (size_t)((nl ? nl : end) - p);
    if (len && p[len - 1] == '\r') len--;
    if (len == n && *p != '#' && !memcmp(p, w, n)) return 1;
    p = nl ? nl + 1 : end;
  }
  return 0;
}

int auth_password_ok(const char *password, char *err, size_t errlen) {
  size_t n = password ? strlen(password) : 0;
  if (n < AUTH_PASSWORD_MIN) {
    snprintf(err, errlen, "a password needs at least %d characters (this one has %zu): a few unrelated words "
             "make a good one", AUTH_PASSWORD_MIN, n);
    return RECORD_EBAD;
  }
  if (n > AUTH_PASSWORD_MAX) return bad(err, errlen, "a password may have at most 200 characters");
  size_t sp = 0;
  while (sp < n && isspace((unsigned char)password[sp])) sp++;
  if (sp == n) return bad(err, errlen, "a password of only spaces is no password: choose a few unrelated words");
  char low[AUTH_PASSWORD_MAX + 1];
  lower(low, sizeof low, password);
  size_t m = strlen(low);
  while (m && (isdigit((unsigned char)low[m - 1]) || strchr("!.?*#@$_-", low[m - 1]))) m--;
  if (common(low, strlen(low)) || common(low, m)) {
    snprintf(err, errlen, "this password is on the list of the most common passwords%s: "
             "choose another, e.g. a few unrelated words", m < strlen(low) ? " (with some digits added)" : "");
    return RECORD_EBAD;
  }
  return 0;
}

int auth_hash(const char *password, char *out, size_t outlen, char *err, size_t errlen) {
  int rc = auth_password_ok(password, err, errlen);
  if (rc) return rc;
  if (outlen < crypto_pwhash_STRBYTES) return bad(err, errlen, "hash buffer too small");
  if (sodium_init() < 0) return bad(err, errlen, "libsodium failed to start");
  if (pwhash(out, password, strlen(password))) return bad(err, errlen, "out of memory hashing the password");
  return 0;
}

/* ---- accounts ------------------------------------------------------------------------------ */

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
  if (store_exec(s, "SELECT id, pwhash FROM therapist WHERE email = $1", &a, &r)) return dberr(s, err, errlen);
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
    store_rollback(s);
    return dberr(s, err, errlen);
  }
  *id = have;
  return 0;
}

int auth_count(store *s, long *n) {
  return store_exec_long(s, "SELECT COUNT(*) FROM therapist WHERE pwhash IS NOT NULL AND disabled = 0", NULL, n)
           ? RECORD_ESTORE : 0;
}

int auth_therapists(store *s, long *n) {
  return store_exec_long(s, "SELECT COUNT(*) FROM therapist", NULL, n) ? RECORD_ESTORE : 0;
}

static int truth(const char *c) { return c && (!strcmp(c, "1") || !strcmp(c, "t")); }

int auth_user_list(store *s, buf *out) {
  store_rows r;
  if (store_exec(s, "SELECT id, name, email, role, pwhash IS NOT NULL, disabled FROM therapist ORDER BY id", NULL, &r))
    return RECORD_ESTORE;
  buf_puts(out, "{\"users\":[");
  for (int i = 0; i < r.nrow; i++) {
    buf_printf(out, "%s{\"id\":%s,\"name\":", i ? "," : "", store_cell(&r, i, 0));
    buf_json_str(out, store_cell(&r, i, 1));
    buf_puts(out, ",\"email\":");
    if (store_cell(&r, i, 2)) buf_json_str(out, store_cell(&r, i, 2)); else buf_puts(out, "null");
    buf_puts(out, ",\"role\":");
    buf_json_str(out, store_cell(&r, i, 3));
    int off = truth(store_cell(&r, i, 5));
    buf_printf(out, ",\"can_log_in\":%s,\"disabled\":%s}", truth(store_cell(&r, i, 4)) && !off ? "true" : "false",
               off ? "true" : "false");
  }
  buf_puts(out, "]}");
  store_rows_free(&r);
  return 0;
}

int auth_user_find(store *s, const char *email, long *id) {
  char em[201];
  lower(em, sizeof em, email ? email : "");
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, em);
  store_rows r;
  if (store_exec(s, "SELECT id FROM therapist WHERE email = $1", &a, &r)) return RECORD_ESTORE;
  int rc = r.nrow ? 0 : RECORD_ENOTFOUND;
  if (r.nrow) *id = atol(store_cell(&r, 0, 0));
  store_rows_free(&r);
  return rc;
}

/* The account whose `where` column is arg: 0 with *u (and its hash, its disabled flag), or
** RECORD_ENOTFOUND (none, or no password), RECORD_ESTORE. */
static int load_user(store *s, const char *where, const char *arg, auth_user *u, char *hash, size_t hashlen,
                     int *disabled) {
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT id, name, email, role, pwhash, disabled FROM therapist WHERE %s = $1", where);
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
    if (disabled) *disabled = truth(store_cell(&r, 0, 5));
    rc = 0;
  }
  store_rows_free(&r);
  return rc;
}

/* ---- refused logins, counted in the store ----------------------------------------------------
** One row per (address, email) and window: its count of failures, the window's start, the
** last.  An address is locked when its rows in the window sum to AUTH_FAIL_LIMIT, an email
** likewise over every address; nothing is ever evicted to make room, so flooding the table
** unlocks nothing, and the counts survive a restart and are shared between servers.  Refusals
** while locked are counted in the address's row for the email "*" (never part of a sum). */

#define LOCKED_KEY "*"

static int note(store *s, const char *address, const char *email, double now, int *first) {
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, address);
  store_arg_text(&a, email);
  store_arg_real(&a, now);
  store_arg_real(&a, now - AUTH_FAIL_WINDOW);
  long n = 0;
  if (store_exec_long(s, "INSERT INTO login_failure (address, email, fails, first_at, last_at) VALUES ($1, $2, 1, $3, $3)"
                         " ON CONFLICT (address, email) DO UPDATE SET"
                         " fails = CASE WHEN login_failure.first_at <= $4 THEN 1 ELSE login_failure.fails + 1 END,"
                         " first_at = CASE WHEN login_failure.first_at <= $4 THEN $3 ELSE login_failure.first_at END,"
                         " last_at = $3 RETURNING fails", &a, &n))
    return RECORD_ESTORE;
  *first = n == 1;
  if (*first) {   /* a new key: prune the windows that are over */
    store_args_init(&a);
    store_arg_real(&a, now - AUTH_FAIL_WINDOW);
    if (store_exec(s, "DELETE FROM login_failure WHERE first_at <= $1", &a, NULL)) return RECORD_ESTORE;
  }
  return 0;
}

/* Seconds left of the lock on `value` of `column` (address or email), or 0 when not locked. */
static int locked_for(store *s, const char *column, const char *value, double now, long *left) {
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT COALESCE(SUM(fails), 0), MAX(first_at) FROM login_failure"
           " WHERE %s = $1 AND email <> '" LOCKED_KEY "' AND first_at > $2", column);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, value);
  store_arg_real(&a, now - AUTH_FAIL_WINDOW);
  store_rows r;
  if (store_exec(s, sql, &a, &r)) return RECORD_ESTORE;
  long fails = store_cell(&r, 0, 0) ? atol(store_cell(&r, 0, 0)) : 0;
  double last = store_cell(&r, 0, 1) ? atof(store_cell(&r, 0, 1)) : now;
  store_rows_free(&r);
  *left = 0;
  if (fails >= AUTH_FAIL_LIMIT) {
    *left = (long)(last + AUTH_FAIL_WINDOW - now) + 1;
    if (*left < 1) *left = 1;
    if (*left > AUTH_FAIL_WINDOW) *left = AUTH_FAIL_WINDOW;
  }
  return 0;
}

int auth_login_check(store *s, const char *email, const char *ip, double now, auth_attempt *t, long *retry_after) {
  memset(t, 0, sizeof *t);
  lower(t->email, sizeof t->email, email ? email : "");
  snprintf(t->address, sizeof t->address, "%s", ip && *ip ? ip : "?");
  long l1, l2 = 0;
  if (locked_for(s, "address", t->address, now, &l1) || (t->email[0] && locked_for(s, "email", t->email, now, &l2)))
    return RECORD_ESTORE;
  if (l1 || l2) {
    *retry_after = l1 > l2 ? l1 : l2;
    return note(s, t->address, LOCKED_KEY, now, &t->first) ? RECORD_ESTORE : AUTH_ELIMITED;
  }
  int rc = load_user(s, "email", t->email, &t->u, t->hash, sizeof t->hash, NULL);
  if (rc == RECORD_ESTORE) return rc;
  t->found = rc == 0;
  return 0;
}

int auth_verify(auth *a, const auth_attempt *t, const char *password) {
  size_t n = password ? strlen(password) : 0;
  if (n > AUTH_PASSWORD_MAX) return 0;
  hash_enter();
  int ok = crypto_pwhash_str_verify(t->found ? t->hash : a->dummy, password ? password : "", n) == 0;
  hash_leave();
  return ok && t->found;
}

int auth_login_failed(store *s, auth_attempt *t, double now) {
  return note(s, t->address, t->email, now, &t->first);
}

int auth_login_ok(store *s, auth_attempt *t, double now, char *token, auth_user *u) {
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, t->address);
  store_arg_text(&a, t->email);
  if (store_exec(s, "DELETE FROM login_failure WHERE address = $1 OR email = $2", &a, NULL)) return RECORD_ESTORE;
  return auth_start(s, t->u.id, t->address, now, token, u);
}

int auth_login(auth *a, store *s, const char *email, const char *password, const char *ip, double now,
               char *token, auth_user *u, long *retry_after) {
  auth_attempt t;
  int rc = auth_login_check(s, email, ip, now, &t, retry_after);
  if (rc) return rc;
  if (!auth_verify(a, &t, password)) return auth_login_failed(s, &t, now) ? RECORD_ESTORE : AUTH_EDENIED;
  return auth_login_ok(s, &t, now, token, u);
}

/* ---- sessions, in the store ------------------------------------------------------------------ */

static void new_token(char out[AUTH_TOKEN_LEN + 1]) {
  unsigned char raw[AUTH_TOKEN_LEN / 2];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, AUTH_TOKEN_LEN + 1, raw, sizeof raw);
}

/* The hex BLAKE2b of a token or code: what the store keeps instead of it. */
static void token_hash(const char *token, char out[65]) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
  sodium_bin2hex(out, 65, h, sizeof h);
}

static int token_ok(const char *token) {
  if (!token || strlen(token) != AUTH_TOKEN_LEN) return 0;
  for (const char *p = token; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
  return 1;
}

int auth_start(store *s, long id, const char *ip, double now, char *token, auth_user *u) {
  char ids[32], th[65];
  snprintf(ids, sizeof ids, "%ld", id);
  auth_user found;
  int disabled = 0;
  int rc = load_user(s, "id", ids, &found, NULL, 0, &disabled);
  if (rc) return rc;
  if (disabled) return AUTH_EDISABLED;
  new_token(token);
  new_token(found.csrf);
  token_hash(token, th);
  char addr[65];
  snprintf(addr, sizeof addr, "%s", ip ? ip : "");
  store_args prune, ins, cap;
  store_args_init(&prune);
  store_arg_real(&prune, now);
  store_args_init(&ins);
  store_arg_text(&ins, th);
  store_arg_int(&ins, id);
  store_arg_text(&ins, found.csrf);
  store_arg_real(&ins, now);
  store_arg_real(&ins, now + AUTH_SESSION_SECONDS);
  store_arg_text(&ins, addr);
  store_args_init(&cap);
  store_arg_int(&cap, id);
  store_arg_int(&cap, AUTH_SESSIONS_PER_USER);
  if (store_begin(s) ||
      store_exec(s, "DELETE FROM login WHERE expires <= $1", &prune, NULL) ||
      store_exec(s, "INSERT INTO login (token_hash, therapist_id, csrf, created, last_seen, expires, address)"
                    " VALUES ($1, $2, $3, $4, $4, $5, $6)", &ins, NULL) ||
      store_exec(s, "DELETE FROM login WHERE therapist_id = $1 AND token_hash NOT IN (SELECT token_hash FROM login"
                    " WHERE therapist_id = $1 ORDER BY created DESC, token_hash LIMIT $2)", &cap, NULL) ||
      store_commit(s)) {
    store_rollback(s);
    return RECORD_ESTORE;
  }
  *u = found;
  return 0;
}

int auth_session(store *s, const char *token, double now, auth_user *u) {
  if (!token_ok(token)) return -1;
  char th[65];
  token_hash(token, th);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, th);
  store_arg_real(&a, now);
  store_rows r;
  if (store_exec(s, "SELECT t.id, t.name, t.email, t.role, l.csrf, l.last_seen FROM login l"
                    " JOIN therapist t ON t.id = l.therapist_id"
                    " WHERE l.token_hash = $1 AND l.expires > $2 AND t.disabled = 0 AND t.pwhash IS NOT NULL", &a, &r))
    return RECORD_ESTORE;
  if (!r.nrow) { store_rows_free(&r); return -1; }
  memset(u, 0, sizeof *u);
  u->id = atol(store_cell(&r, 0, 0));
  snprintf(u->name, sizeof u->name, "%s", store_cell(&r, 0, 1));
  snprintf(u->email, sizeof u->email, "%s", store_cell(&r, 0, 2) ? store_cell(&r, 0, 2) : "");
  u->admin = !strcmp(store_cell(&r, 0, 3), "admin");
  snprintf(u->csrf, sizeof u->csrf, "%s", store_cell(&r, 0, 4));
  double seen = atof(store_cell(&r, 0, 5));
  store_rows_free(&r);
  if (now - seen >= 60) {   /* last seen, to the minute: not a write per request */
    store_args_init(&a);
    store_arg_real(&a, now);
    store_arg_text(&a, th);
    store_exec(s, "UPDATE login SET last_seen = $1 WHERE token_hash = $2", &a, NULL);   /* best effort */
  }
  return 0;
}

int auth_logout(store *s, const char *token) {
  if (!token_ok(token)) return 0;
  char th[65];
  token_hash(token, th);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, th);
  return store_exec(s, "DELETE FROM login WHERE token_hash = $1", &a, NULL) ? RECORD_ESTORE : 0;
}

static int end_sessions(store *s, long user, const char *keep_token) {
  char th[65] = "";
  if (token_ok(keep_token)) token_hash(keep_token, th);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, user);
  store_arg_text(&a, th);
  return store_exec(s, "DELETE FROM login WHERE therapist_id = $1 AND token_hash <> $2", &a, NULL);
}

int auth_end_sessions(store *s, long user, const char *keep_token, long *ended) {
  long before = 0, after = 0;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, user);
  if (store_exec_long(s, "SELECT COUNT(*) FROM login WHERE therapist_id = $1", &a, &before) ||
      end_sessions(s, user, keep_token) ||
      store_exec_long(s, "SELECT COUNT(*) FROM login WHERE therapist_id = $1", &a, &after))
    return RECORD_ESTORE;
  if (ended) *ended = before - after;
  return 0;
}

int auth_password_set(store *s, long user, const char *hash, const char *keep_token) {
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, hash);
  store_arg_int(&a, user);
  long n = 0;
  if (store_begin(s) || store_exec_long(s, "UPDATE therapist SET pwhash = $1 WHERE id = $2 RETURNING id", &a, &n)) {
    int missing = !strcmp(store_error(s), "no row returned");
    store_rollback(s);
    return missing ? RECORD_ENOTFOUND : RECORD_ESTORE;
  }
  if (end_sessions(s, user, keep_token) || store_commit(s)) {
    store_rollback(s);
    return RECORD_ESTORE;
  }
  return 0;
}

int auth_user_disable(store *s, const auth_user *by, long id, int disable, char *err, size_t errlen) {
  if (disable && by && by->id == id)
    return bad(err, errlen, "you cannot disable your own account: another admin can");
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows r;
  if (store_begin(s)) return dberr(s, err, errlen);
  if (store_exec(s, "SELECT role, disabled FROM therapist WHERE id = $1", &a, &r)) {
    store_rollback(s);
    return dberr(s, err, errlen);
  }
  if (!r.nrow) {
    store_rows_free(&r);
    store_rollback(s);
    snprintf(err, errlen, "no account %ld", id);
    return RECORD_ENOTFOUND;
  }
  int admin = !strcmp(store_cell(&r, 0, 0), "admin"), off = truth(store_cell(&r, 0, 1));
  store_rows_free(&r);
  long admins = 0;
  if (disable && admin && !off) {
    if (store_exec_long(s, "SELECT COUNT(*) FROM therapist WHERE role = 'admin' AND disabled = 0 AND pwhash IS NOT NULL",
                        NULL, &admins)) {
      store_rollback(s);
      return dberr(s, err, errlen);
    }
    if (admins <= 1) {
      store_rollback(s);
      return bad(err, errlen, "this is the last admin who can log in: make another admin first");
    }
  }
  store_args u;
  store_args_init(&u);
  store_arg_int(&u, disable ? 1 : 0);
  store_arg_int(&u, id);
  if (store_exec(s, "UPDATE therapist SET disabled = $1 WHERE id = $2", &u, NULL) ||
      (disable && end_sessions(s, id, NULL)) || store_commit(s)) {
    store_rollback(s);
    return dberr(s, err, errlen);
  }
  return 0;
}

int auth_csrf_ok(const auth_user *u, const char *header) {
  return header && strlen(header) == AUTH_TOKEN_LEN && sodium_memcmp(u->csrf, header, AUTH_TOKEN_LEN) == 0;
}

/* ---- setup codes ----------------------------------------------------------------------------- */

/* Letters and digits that read unambiguously aloud and on a console (no 0 O 1 I L U). */
static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

/* The code's 16 characters, upper-cased, without dashes and spaces; "" when malformed. */
static void code_norm(const char *code, char out[17]) {
  size_t n = 0;
  for (const char *p = code ? code : ""; *p; p++) {
    if (*p == '-' || *p == ' ') continue;
    char ch = (char)toupper((unsigned char)*p);
    if (!strchr(code_alphabet, ch) || !ch || n == 16) { out[0] = 0; return; }
    out[n++] = ch;
  }
  out[n == 16 ? n : 0] = 0;
}

int auth_setup_code(store *s, double now, char out[AUTH_SETUP_CODE_LEN + 1]) {
  char raw[17], th[65];
  for (int i = 0; i < 16; i++) raw[i] = code_alphabet[randombytes_uniform(sizeof code_alphabet - 1)];
  raw[16] = 0;
  snprintf(out, AUTH_SETUP_CODE_LEN + 1, "%.4s-%.4s-%.4s-%.4s", raw, raw + 4, raw + 8, raw + 12);
  token_hash(raw, th);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, th);
  store_arg_real(&a, now + AUTH_SETUP_CODE_SECONDS);
  store_args p;
  store_args_init(&p);
  store_arg_real(&p, now);
  if (store_exec(s, "DELETE FROM setup_code WHERE expires <= $1", &p, NULL) ||
      store_exec(s, "INSERT INTO setup_code (code_hash, expires) VALUES ($1, $2)", &a, NULL))
    return RECORD_ESTORE;
  return 0;
}

int auth_setup_code_ok(store *s, const char *code, double now) {
  char norm[17], th[65];
  code_norm(code, norm);
  if (!norm[0]) return 0;
  token_hash(norm, th);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, th);
  store_arg_real(&a, now);
  long n = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM setup_code WHERE code_hash = $1 AND expires > $2", &a, &n))
    return RECORD_ESTORE;
  return n > 0;
}

int auth_setup_done(store *s) {
  return store_exec(s, "DELETE FROM setup_code", NULL, NULL) ? RECORD_ESTORE : 0;
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

int auth_audit_list(store *s, const auth_audit_query *q, buf *out) {
  buf sql;
  buf_init(&sql);
  store_args a;
  store_args_init(&a);
  buf_lit(&sql, "SELECT a.id, a.at, t.email, a.therapist_id, a.action, a.client_id, a.detail FROM audit a"
                " LEFT JOIN therapist t ON t.id = a.therapist_id WHERE 1 = 1");
  char to[40];
  if (q->user) { store_arg_int(&a, q->user); buf_printf(&sql, " AND a.therapist_id = $%d", a.n); }
  if (q->client) { store_arg_int(&a, q->client); buf_printf(&sql, " AND a.client_id = $%d", a.n); }
  if (q->action) { store_arg_text(&a, q->action); buf_printf(&sql, " AND a.action = $%d", a.n); }
  if (q->from) { store_arg_text(&a, q->from); buf_printf(&sql, " AND a.at >= $%d", a.n); }
  if (q->to && strlen(q->to) == 10) {   /* a date: the whole day, so before the next day */
    struct tm tm = {0};
    tm.tm_year = atoi(q->to) - 1900;
    tm.tm_mon = atoi(q->to + 5) - 1;
    tm.tm_mday = atoi(q->to + 8) + 1;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(to, sizeof to, "%Y-%m-%d", &tm);
    store_arg_text(&a, to);
    buf_printf(&sql, " AND a.at < $%d", a.n);
  } else if (q->to) {
    store_arg_text(&a, q->to);
    buf_printf(&sql, " AND a.at <= $%d", a.n);
  }
  if (q->before) { store_arg_int(&a, q->before); buf_printf(&sql, " AND a.id < $%d", a.n); }
  int limit = q->limit < 1 ? 100 : q->limit > 1000 ? 1000 : q->limit;
  store_arg_int(&a, limit + 1);
  buf_printf(&sql, " ORDER BY a.id DESC LIMIT $%d", a.n);
  store_rows r;
  int rc = store_exec(s, sql.data, &a, &r);
  buf_free(&sql);
  if (rc) return RECORD_ESTORE;
  buf_puts(out, "{\"audit\":[");
  int n = r.nrow < limit ? r.nrow : limit;
  for (int i = 0; i < n; i++) {
    buf_printf(out, "%s{\"id\":%s,\"at\":", i ? "," : "", store_cell(&r, i, 0));
    buf_json_str(out, store_cell(&r, i, 1));
    buf_puts(out, ",\"user\":");
    if (store_cell(&r, i, 2)) buf_json_str(out, store_cell(&r, i, 2)); else buf_puts(out, "null");
    buf_printf(out, ",\"user_id\":%s,\"action\":", store_cell(&r, i, 3) ? store_cell(&r, i, 3) : "null");
    buf_json_str(out, store_cell(&r, i, 4));
    buf_printf(out, ",\"client\":%s,\"detail\":", store_cell(&r, i, 5) ? store_cell(&r, i, 5) : "null");
    buf_json_str(out, store_cell(&r, i, 6));
    buf_putc(out, '}');
  }
  buf_puts(out, "],\"next\":");
  if (r.nrow > limit) buf_puts(out, store_cell(&r, limit - 1, 0)); else buf_puts(out, "null");
  buf_putc(out, '}');
  store_rows_free(&r);
  return 0;
}
