/* links.h: the links a client opens on their own phone, with no account: the intake link (filled
** once before a visit) and the home program link (read until it expires).  A link is a random
** token of 128 bits that the store keeps only as its BLAKE2b hash, with the link's client, kind,
** expiry, revocation and use; the token itself is shown once, when the link is made.  No I/O
** but the store's; answers go into caller-owned buffers. */
#ifndef MYOMAP_LINKS_H
#define MYOMAP_LINKS_H

#include "store.h"
#include "util.h"

#define LINKS_TOKEN_LEN 32                   /* hex characters of a token: 128 random bits */
#define LINKS_INTAKE_SECONDS (7 * 86400)     /* an intake link lives 7 days, and is used once */
#define LINKS_HOME_SECONDS (30 * 86400)      /* a home program link 30 days, opened any number of times */
#define LINKS_PER_CLIENT 50                  /* usable links a client may have at once */

enum links_kind { LINKS_INTAKE = 1, LINKS_HOME = 2 };

/* Error codes: no link has this token (or it is of another kind); the link exists but has
** expired, was revoked or (an intake link) was used; the database failed; too many links. */
enum { LINKS_ENOTFOUND = -2, LINKS_ESTORE = -3, LINKS_EGONE = -4, LINKS_ELIMIT = -5 };

typedef struct links_link {
  long id, client, therapist, intake;   /* therapist, intake: 0 when none */
  int kind;                             /* enum links_kind */
  double created, expires, used, revoked;   /* seconds since 1970; used, revoked: 0 when not */
  long uses;                            /* times it was used (intake) or opened (home) */
} links_link;

/* "intake" or "home"; the kind of a name, or 0. */
const char *links_kind_name(int kind);
int links_kind_find(const char *name);

/* A new token: LINKS_TOKEN_LEN lowercase hex digits of libsodium randombytes_buf, into
** out[LINKS_TOKEN_LEN + 1]. */
void links_token_new(char *out);
/* Does `token` look like one (LINKS_TOKEN_LEN lowercase hex digits)?  1 or 0. */
int links_token_ok(const char *token);
/* The hex BLAKE2b-256 (crypto_generichash) of a token into out[65]: what the store keeps. */
void links_token_hash(const char *token, char *out);

/* Make a link of `kind` for `client`, made by `therapist`, at `now`: draws its token into
** token[LINKS_TOKEN_LEN + 1] and stores its hash with the expiry (now + 7 or 30 days).  Links
** of the client that have expired are pruned first.  Sets *out.  Returns 0, LINKS_ELIMIT when the
** client has LINKS_PER_CLIENT usable links already, or LINKS_ESTORE. */
int links_create(store *s, long client, long therapist, int kind, double now, char *token, links_link *out);

/* The link of `token` and `kind`, if it is usable at `now`: 0 and *out; LINKS_ENOTFOUND when no
** link of that kind has the token (a malformed token included); LINKS_EGONE with *out filled
** when it expired, was revoked, or is an intake link used already (*why says which: "expired",
** "revoked", "used"); LINKS_ESTORE.  The token's hash is found by the store's index, then
** compared with the stored one in constant time (sodium_memcmp). */
int links_find(store *s, const char *token, int kind, double now, links_link *out, const char **why);

/* Use link `id` at `now`: an intake link once (it must be unused, unrevoked, unexpired: the
** row is changed only then, so of two requests at once one wins), a home link any number of
** times until it expires (uses counted, `used` the latest).  `intake` (0: none) is the intake
** the use stored.  Runs inside the caller's transaction when there is one.  Returns 0,
** LINKS_EGONE when the link could not be used, or LINKS_ESTORE. */
int links_use(store *s, long id, long intake, double now);

/* Revoke link `id` of `client` at `now`.  Returns 0 (also when it was revoked already: the
** first time stays), LINKS_ENOTFOUND when the client has no such link, or LINKS_ESTORE. */
int links_revoke(store *s, long client, long id, double now);

/* The link `id`: 0 and *out, LINKS_ENOTFOUND or LINKS_ESTORE. */
int links_get(store *s, long id, links_link *out);

/* The client's links, newest first, as JSON appended to out: {"links":[{"id","kind","created",
** "expires","used","uses","revoked","intake","state"}]} with times as "2026-12-01T09:45:00Z" or
** null and state one of "usable", "used", "expired", "revoked".  Never the token or its hash.
** Returns 0 or LINKS_ESTORE. */
int links_list(store *s, long client, double now, buf *out);

/* One link as the JSON object links_list writes, appended to out. */
void links_json(buf *out, const links_link *l, double now);

/* A time in seconds since 1970 as "2026-12-01T09:45:00Z" into out[21]. */
void links_time(double t, char *out);

#endif
