/* api.h: the web app's JSON API (docs/api.md) as a function from a request to a response,
** with no HTTP library in sight: routing by a static table, accounts and CSRF, access to
** clients, the audit log, and the handlers over the core (ranking, plans, records, the
** session room).  http.c carries the requests to it.  Thread-safe: the store is used under
** one mutex, the ranking with a pool of rankers.  Nothing is printed. */
#ifndef MYOMAP_API_H
#define MYOMAP_API_H

#include <stddef.h>

#include "kb.h"
#include "live.h"
#include "store.h"
#include "util.h"

#define API_MAX_BODY (64 * 1024)

typedef struct api api;

/* A request.  Strings may be NULL when the header is absent. */
typedef struct api_req {
  const char *method;          /* "GET", "POST", ... */
  const char *path;            /* "/api/where", without the query */
  const char *(*query)(void *ctx, const char *name);   /* a query parameter, or NULL */
  void *ctx;
  const char *body; size_t body_len;
  const char *content_type;
  const char *cookie;          /* the value of the myomap_session cookie */
  const char *csrf;            /* X-CSRF-Token */
  const char *origin, *host;   /* Origin and Host */
  const char *ip;              /* the peer's address */
  const char *last_event_id;   /* Last-Event-ID (an event stream reconnecting) */
  const char *if_none_match;   /* If-None-Match */
  const char *accept_language; /* Accept-Language (the language when there is no ?lang=) */
  double now;                  /* seconds since the epoch */
} api_req;

typedef struct api_resp {
  int status;                  /* HTTP status */
  const char *type;            /* Content-Type */
  buf body;
  char cookie[160];            /* a Set-Cookie value, or "" */
  long retry_after;            /* seconds for Retry-After, or 0 */
  char stream[LIVE_ID_LEN + 1];  /* non-empty: answer with the server-sent events of this session */
  unsigned long stream_from;   /* ... those after this many (see live_poll) */
  char etag[200];              /* an ETag for the answer, or "" (304 has no body) */
  int vary_lang;               /* the answer depends on Accept-Language: send Vary */
} api_resp;

/* An API over the knowledge base `k` and the open store `s` (both owned by the caller and
** outliving the api).  public_url: the base of the phone's join links ("http://host:port"),
** or NULL to take it from the request's Host.  Returns NULL when libsodium or the chart fail. */
api *api_new(const kb *k, store *s, const char *public_url);
void api_free(api *a);

/* Served over HTTPS (secure != 0): the session cookie is Secure and, without a public_url, the
** join links are https://HOST.  Call before the first request. */
void api_set_secure(api *a, int secure);

/* The live sessions (for http.c's event streams). */
live_set *api_live(api *a);

/* Answer one request: rs is initialised here (free rs->body with buf_free). */
void api_handle(api *a, const api_req *rq, api_resp *rs);

/* 1 when the request's route hashes a password (argon2id): a front end should answer it off
** the threads that serve the other requests (http.c has workers for it). */
int api_slow(const api_req *rq);

/* The routes, one "METHOD PATH" per line ("*" is one path segment), for --help and docs. */
void api_routes(buf *out);

#endif
