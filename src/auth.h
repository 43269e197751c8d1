/* auth.h: therapist accounts for the web app: argon2id password hashes (libsodium, at most one
** hash per core at once, the rest queued), a password policy with a list of common passwords,
** login sessions kept in the store (only a hash of the token), refused logins counted per
** address and email in the store, one-time setup codes, who may see which client, and the
** audit log.  Every call that needs the database takes the caller's store; nothing about a
** login lives only in memory, so several servers on one database share their logins.  The
** store calls are the caller's to serialise per connection.  Nothing is printed. */
#ifndef MYOMAP_AUTH_H
#define MYOMAP_AUTH_H

#include <stddef.h>

#include "store.h"

/* Error codes beside RECORD_E*: wrong email or password; too many failures (wait); the
** record belongs to another therapist; the account is disabled. */
enum { AUTH_EDENIED = -10, AUTH_ELIMITED = -11, AUTH_EFORBIDDEN = -12, AUTH_EDISABLED = -13 };

#define AUTH_TOKEN_LEN 64          /* hex characters of a session token or CSRF token */
#define AUTH_SESSION_SECONDS (12 * 3600)
#define AUTH_SESSIONS_PER_USER 20  /* a user's 21st login ends their own oldest session */
#define AUTH_FAIL_LIMIT 5          /* failed logins per address or per email ... */
#define AUTH_FAIL_WINDOW (15 * 60) /* ... within this many seconds lock both for the window */
#define AUTH_PASSWORD_MIN 10
#define AUTH_PASSWORD_MAX 200
#define AUTH_DETAIL_MAX 200        /* bytes of an email kept in the failure counts and audit */
#define AUTH_SETUP_CODE_LEN 19     /* "XXXX-XXXX-XXXX-XXXX" */
#define AUTH_SETUP_CODE_SECONDS (24 * 3600)

typedef struct auth auth;

/* A logged-in therapist, as a request sees them. */
typedef struct auth_user {
  long id;
  int admin;                       /* role admin: sees every client */
  char name[201], email[201];
  char csrf[AUTH_TOKEN_LEN + 1];   /* the value X-CSRF-Token must carry */
} auth_user;

/* Initialise libsodium and the dummy hash that unknown emails are checked against.  Returns
** NULL if libsodium fails.  Free with auth_free. */
auth *auth_new(void);
void auth_free(auth *a);

/* Is `password` acceptable?  AUTH_PASSWORD_MIN..MAX bytes, not only whitespace, and not one
** of the common passwords embedded from kb/passwords.txt (compared lower-cased, as given and
** with its trailing digits and !.?*#@$_- stripped: "Summer2024" is "summer").  Returns 0, or
** RECORD_EBAD with a message saying why (the password itself is never echoed). */
int auth_password_ok(const char *password, char *err, size_t errlen);

/* Check `password` with auth_password_ok, then hash it with argon2id at libsodium's
** interactive limits into out (at least 128 bytes, crypto_pwhash_STRBYTES).  Waits while as
** many hashes as there are cores run.  Returns 0, or RECORD_EBAD with a message. */
int auth_hash(const char *password, char *out, size_t outlen, char *err, size_t errlen);

/* Create a therapist account with a password (role "therapist" or "admin"), or give an
** existing therapist with this email and no password yet their password.  Sets *id.
** Returns 0, RECORD_EBAD (bad name, email, password or role; the email has a password
** already), or RECORD_ESTORE.  Hashes inside (see auth_hash). */
int auth_user_add(store *s, const char *name, const char *email, const char *password, const char *role,
                  long *id, char *err, size_t errlen);

/* Set *n to the number of accounts that can log in (a password, not disabled). */
int auth_count(store *s, long *n);
/* Set *therapists to the number of therapist rows (with or without a password). */
int auth_therapists(store *s, long *therapists);

/* The accounts, as {"users":[{"id","name","email","role","can_log_in","disabled"}]}. */
int auth_user_list(store *s, buf *out);

/* The account with this email (any case): 0 and *id, RECORD_ENOTFOUND, RECORD_ESTORE. */
int auth_user_find(store *s, const char *email, long *id);

/* ---- logging in, in three steps so that argon2id runs with no store in hand ----------------- */

/* One login attempt between its steps (caller-owned, on the stack). */
typedef struct auth_attempt {
  char email[AUTH_DETAIL_MAX + 1];  /* lower-cased, cut to 200 bytes on a character boundary */
  char address[65];
  int found;                        /* the email is an account with a password */
  char hash[128];                   /* its argon2id hash */
  auth_user u;                      /* its user (when found) */
  int first;                        /* the refusal just counted is its key's first in the window */
} auth_attempt;

/* Step 1: is `ip` or `email` locked (AUTH_FAIL_LIMIT failures within AUTH_FAIL_WINDOW)?  Then
** AUTH_ELIMITED with *retry_after seconds; the refusal is counted (one row per address and
** window, t->first set on its first).  Otherwise 0 with the account's hash in t.  Or
** RECORD_ESTORE. */
int auth_login_check(store *s, const char *email, const char *ip, double now, auth_attempt *t, long *retry_after);
/* Step 2, no store: 1 when `password` matches t's hash (an unknown email is checked against a
** dummy hash, so it takes as long), 0 otherwise. */
int auth_verify(auth *a, const auth_attempt *t, const char *password);
/* Step 3 after a mismatch: count the failure for t's address and email (one row per pair and
** window; t->first set when it is the first, the one to audit).  0 or RECORD_ESTORE. */
int auth_login_failed(store *s, auth_attempt *t, double now);
/* Step 3 after a match: clear the address's and the email's failures and start a session as
** auth_start.  0, AUTH_EDISABLED (the account is disabled: no session), or RECORD_ESTORE. */
int auth_login_ok(store *s, auth_attempt *t, double now, char *token, auth_user *u);

/* The three steps in one, for a caller with a store of its own.  On success writes the new
** session's token into token[AUTH_TOKEN_LEN + 1], fills *u, returns 0.  Otherwise AUTH_EDENIED
** (the same answer, and about the same time, for an unknown email and a wrong password),
** AUTH_EDISABLED, AUTH_ELIMITED with *retry_after, or RECORD_ESTORE. */
int auth_login(auth *a, store *s, const char *email, const char *password, const char *ip, double now,
               char *token, auth_user *u, long *retry_after);

/* Start a session for account `id` from address `ip` at `now`: a new random token (written to
** token[AUTH_TOKEN_LEN + 1]) and CSRF token; the store keeps the token's hash, the CSRF token,
** the user, created, last seen, the expiry (AUTH_SESSION_SECONDS) and the address.  Expired
** sessions are pruned, and the user's own oldest beyond AUTH_SESSIONS_PER_USER are ended.
** Returns 0, RECORD_ENOTFOUND (no such account with a password), AUTH_EDISABLED, RECORD_ESTORE. */
int auth_start(store *s, long id, const char *ip, double now, char *token, auth_user *u);

/* The user of the session `token` at time `now`, read from the store: 0 and *u, -1 (no such
** session, expired, or the account is disabled), RECORD_ESTORE.  Notes the time as last seen
** (at most once a minute). */
int auth_session(store *s, const char *token, double now, auth_user *u);

/* End the session `token` (unknown tokens are ignored).  0 or RECORD_ESTORE. */
int auth_logout(store *s, const char *token);

/* End every session of account `user` but the one of `keep_token` (NULL: all).  Sets *ended
** (may be NULL).  0 or RECORD_ESTORE. */
int auth_end_sessions(store *s, long user, const char *keep_token, long *ended);

/* Give account `user` the argon2id `hash` (from auth_hash) and end all its sessions but
** keep_token's, in one transaction.  0, RECORD_ENOTFOUND, RECORD_ESTORE. */
int auth_password_set(store *s, long user, const char *hash, const char *keep_token);

/* Disable (disable = 1) or enable account `id`.  by: the admin doing it (they cannot disable
** themself), or NULL from the command line.  The last enabled admin cannot be disabled.  A
** disabled account's sessions end at once and it cannot log in.  0, RECORD_EBAD with a
** message, RECORD_ENOTFOUND, RECORD_ESTORE. */
int auth_user_disable(store *s, const auth_user *by, long id, int disable, char *err, size_t errlen);

/* 1 when `header` (the request's X-CSRF-Token, or NULL) matches the user's CSRF token. */
int auth_csrf_ok(const auth_user *u, const char *header);

/* ---- setup codes: the first admin account when therapists exist but none can log in ------- */

/* Make a one-time setup code ("XXXX-XXXX-XXXX-XXXX") into out, valid AUTH_SETUP_CODE_SECONDS
** from `now`; the store keeps only its hash.  0 or RECORD_ESTORE. */
int auth_setup_code(store *s, double now, char out[AUTH_SETUP_CODE_LEN + 1]);
/* 1 when `code` (any case, dashes and spaces ignored) is a valid setup code, 0 when not,
** RECORD_ESTORE. */
int auth_setup_code_ok(store *s, const char *code, double now);
/* Forget every setup code (after the setup).  0 or RECORD_ESTORE. */
int auth_setup_done(store *s);

/* ---- access and audit ---------------------------------------------------------------------- */

/* May `u` see client `client`?  0 yes (an admin, or the client's therapist), AUTH_EFORBIDDEN,
** RECORD_ENOTFOUND, RECORD_ESTORE. */
int auth_can_see(store *s, const auth_user *u, long client);

/* Append to the audit log: user `user` (0: none) did `action` ("read", "create", "update",
** "export", "login", "login-failed", ...) on client `client` (0: none), with `detail`. */
int auth_audit(store *s, long user, const char *action, long client, const char *detail);

/* Which audit entries to list: every field 0 or NULL matches all. */
typedef struct auth_audit_query {
  long user, client;          /* therapist id, client id */
  const char *action;
  const char *from, *to;      /* "YYYY-MM-DD" (to: the whole day) or "YYYY-MM-DDTHH:MM:SSZ" */
  long before;                /* keyset paging: only ids below this */
  int limit;                  /* 1..1000 */
} auth_audit_query;

/* The newest entries matching q, newest (highest id) first, as {"audit":[{"id","at","user",
** "user_id","action","client","detail"}],"next":ID or null}: next is the `before` of the
** following page, null on the last. */
int auth_audit_list(store *s, const auth_audit_query *q, buf *out);

#endif
