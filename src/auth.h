/* auth.h: therapist accounts for the web app: argon2id password hashes (libsodium), login
** sessions held in memory with their CSRF tokens, login rate limiting, who may see which
** client, and the audit log.  Thread-safe: one mutex guards the sessions and the limiter; the
** store calls are the caller's to serialise.  Nothing is printed. */
#ifndef MYOMAP_AUTH_H
#define MYOMAP_AUTH_H

#include <stddef.h>

#include "store.h"

/* Error codes beside RECORD_E*: wrong email or password; too many failures (wait); the
** record belongs to another therapist. */
enum { AUTH_EDENIED = -10, AUTH_ELIMITED = -11, AUTH_EFORBIDDEN = -12 };

#define AUTH_TOKEN_LEN 64          /* hex characters of a session token or CSRF token */
#define AUTH_SESSION_SECONDS (12 * 3600)
#define AUTH_FAIL_LIMIT 5          /* failed logins per address or per email ... */
#define AUTH_FAIL_WINDOW (15 * 60) /* ... within this many seconds lock both for the window */
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 200

typedef struct auth auth;

/* A logged-in therapist, as a request sees them. */
typedef struct auth_user {
  long id;
  int admin;                       /* role admin: sees every client */
  char name[201], email[201];
  char csrf[AUTH_TOKEN_LEN + 1];   /* the value X-CSRF-Token must carry */
} auth_user;

/* Initialise libsodium and a new, empty session table.  Returns NULL if libsodium fails. */
auth *auth_new(void);
void auth_free(auth *a);

/* Hash `password` (AUTH_PASSWORD_MIN..MAX bytes) with argon2id at libsodium's interactive
** limits into out (crypto_pwhash_STRBYTES).  Returns 0, or RECORD_EBAD with a message. */
int auth_hash(const char *password, char *out, size_t outlen, char *err, size_t errlen);

/* Create a therapist account with a password (role "therapist" or "admin"), or give an
** existing therapist with this email and no password yet their password.  Sets *id.
** Returns 0, RECORD_EBAD (bad name, email, password or role; the email has a password
** already), or RECORD_ESTORE. */
int auth_user_add(store *s, const char *name, const char *email, const char *password, const char *role,
                  long *id, char *err, size_t errlen);

/* Set *n to the number of accounts that can log in (a therapist with a password). */
int auth_count(store *s, long *n);

/* The accounts, as {"users":[{"id","name","email","role"}]}. */
int auth_user_list(store *s, buf *out);

/* Check `email` and `password` at time `now` (seconds) from address `ip`.  On success
** creates a session: writes its token into token[AUTH_TOKEN_LEN + 1], fills *u, returns 0.
** Otherwise AUTH_EDENIED (the same answer, and about the same time, for an unknown email and
** a wrong password), AUTH_ELIMITED with *retry_after seconds (AUTH_FAIL_LIMIT failures from
** that address or for that email within AUTH_FAIL_WINDOW), or RECORD_ESTORE. */
int auth_login(auth *a, store *s, const char *email, const char *password, const char *ip, double now,
               char *token, auth_user *u, long *retry_after);

/* Start a session for account `id` (after creating the first account).  As auth_login. */
int auth_start(auth *a, store *s, long id, double now, char *token, auth_user *u);

/* The user of the session `token` at time `now`: 0 and *u, or -1 (no such session, expired). */
int auth_session(auth *a, const char *token, double now, auth_user *u);

/* End the session `token` (unknown tokens are ignored). */
void auth_logout(auth *a, const char *token);

/* 1 when `header` (the request's X-CSRF-Token, or NULL) matches the user's CSRF token. */
int auth_csrf_ok(const auth_user *u, const char *header);

/* May `u` see client `client`?  0 yes (an admin, or the client's therapist), AUTH_EFORBIDDEN,
** RECORD_ENOTFOUND, RECORD_ESTORE. */
int auth_can_see(store *s, const auth_user *u, long client);

/* Append to the audit log: user `user` (0: none) did `action` ("read", "create", "update",
** "export", "login", "login-failed", ...) on client `client` (0: none), with `detail`. */
int auth_audit(store *s, long user, const char *action, long client, const char *detail);

/* The newest `limit` audit entries as {"audit":[{"at","user","action","client","detail"}]}. */
int auth_audit_list(store *s, int limit, buf *out);

#endif
