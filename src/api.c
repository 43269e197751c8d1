/* api.c: the JSON API of the web app: the route table, accounts and CSRF, access and audit,
** and one handler per route over the core. */
#include "api.h"

#include <jansson.h>
#include <pthread.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "body.h"
#include "careplan.h"
#include "chart.h"
#include "doc.h"
#include "export.h"
#include "home.h"
#include "links.h"
#include "note.h"
#include "outcome.h"
#include "plan.h"
#include "present.h"
#include "rank.h"
#include "record.h"
#include "report.h"
#include "hold.h"
#include "screen.h"
#include "session.h"
#include "sheet.h"

#define POOL 64              /* rankers, and store connections: one per server thread at most */

typedef struct ranker { rank *r; report *rp; } ranker;

#define PROGRESS_CACHE 64
#define PROGRESS_STAMP 160
typedef struct progress_entry {
  long client;
  int svg;
  char stamp[PROGRESS_STAMP];
  buf body;
  unsigned long used;
} progress_entry;

struct api {
  const kb *k;
  store *s;
  chart *chart;
  buf chart_svg;                /* the bare chart, made once */
  buf chart_svg_fr;             /* ... and in French (the region labels of kb/fr/) */
  auth *auth;
  live_set *live;
  store *live_store;            /* the live sessions' own connection */
  char *public_url;
  audit_log *audit;             /* the group commit of the audit rows */
  pthread_mutex_t stores_mu;    /* the free connections: one per request at a time */
  store *stores[POOL]; int n_stores, n_open;
  pthread_cond_t stores_cv;
  int secure;                   /* served over HTTPS: Secure cookies, https:// join links */
  pthread_mutex_t pool_mu;
  ranker pool[POOL]; int n_pool;
  pthread_mutex_t progress_mu;  /* the progress made last, per client (see cached_progress) */
  progress_entry progress[PROGRESS_CACHE];
  unsigned long progress_clock;
};

/* One request being answered. */
typedef struct ctx {
  api *a;
  const api_req *rq;
  api_resp *rs;
  auth_user user;
  int authed;
  char param[128];              /* the path's "*" segment */
  const char *lang;             /* the answer's language, "en" or "fr" (a LANG route; see pick_lang) */
  json_t *body;                 /* the parsed JSON body of a POST, or NULL */
  store *s;                     /* this request's own connection */
  audit_row audit[8]; int n_audit;   /* written (group commit) before the answer goes */
  int audit_failed;
} ctx;

/* ---- answers ------------------------------------------------------------------------------- */

static const struct { int status; const char *code; } codes[] = {
  {400, "bad-request"}, {401, "unauthenticated"}, {403, "forbidden"}, {404, "not-found"},
  {405, "method-not-allowed"}, {409, "conflict"}, {410, "gone"}, {413, "too-large"},
  {415, "unsupported-media-type"}, {429, "rate-limited"}, {500, "internal"}, {503, "store"},
};

static void fail_code(ctx *c, int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Is s valid UTF-8 (as jansson, and so a JSON reader, sees it)? */
static int utf8_ok(const char *s) {
  json_t *j = json_string(s);
  json_decref(j);
  return j != NULL;
}

static void fail_code(ctx *c, int status, const char *code, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!utf8_ok(msg))   /* echoed input (a path, a name) that is not UTF-8 */
    for (unsigned char *p = (unsigned char *)msg; *p; p++)
      if (*p >= 0x80) *p = '?';
  if (!code) {
    code = "internal";
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
      if (codes[i].status == status) code = codes[i].code;
  }
  c->rs->status = status;
  c->rs->type = "application/json";
  buf_reset(&c->rs->body);
  buf_lit(&c->rs->body, "{\"error\":{\"code\":");
  buf_json_str(&c->rs->body, code);
  buf_lit(&c->rs->body, ",\"message\":");
  buf_json_str(&c->rs->body, msg);
  buf_lit(&c->rs->body, "}}");
}

#define FAIL(c, status, ...) fail_code(c, status, NULL, __VA_ARGS__)

/* Map a record/auth/live error code to a status. */
static void fail_rc(ctx *c, int rc, const char *msg) {
  switch (rc) {
  case RECORD_EBAD: FAIL(c, 400, "%s", msg); break;
  case RECORD_ENOTFOUND: FAIL(c, 404, "%s", msg); break;
  case AUTH_EFORBIDDEN: FAIL(c, 403, "%s", msg); break;
  default: FAIL(c, 503, "%s", msg && *msg ? msg : "the database failed; nothing was written"); break;
  }
}

static void ok_json(ctx *c) {
  c->rs->status = 200;
  c->rs->type = "application/json";
}

static void ok_lit(ctx *c, const char *json) {
  ok_json(c);
  buf_reset(&c->rs->body);
  buf_puts(&c->rs->body, json);
}

/* ---- request fields ------------------------------------------------------------------------ */

/* A string field: 0 and *out (NULL when absent), or -1 with a 400 for another type. */
static int field_str(ctx *c, const char *key, const char **out) {
  json_t *v = c->body ? json_object_get(c->body, key) : NULL;
  *out = NULL;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_string(v)) { FAIL(c, 400, "\"%s\" must be a string", key); return -1; }
  *out = json_string_value(v);
  return 0;
}

/* An integer field in lo..hi: 0 and *out (def when absent), or -1 with a 400. */
static int field_int(ctx *c, const char *key, long lo, long hi, long def, long *out) {
  json_t *v = c->body ? json_object_get(c->body, key) : NULL;
  *out = def;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
    FAIL(c, 400, "\"%s\" must be a whole number %ld-%ld", key, lo, hi);
    return -1;
  }
  *out = (long)json_integer_value(v);
  return 0;
}

static int field_num(ctx *c, const char *key, double lo, double hi, double def, double *out) {
  json_t *v = c->body ? json_object_get(c->body, key) : NULL;
  *out = def;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
    FAIL(c, 400, "\"%s\" must be a number %g-%g", key, lo, hi);
    return -1;
  }
  *out = json_number_value(v);
  return 0;
}

/* The path parameter as a positive id: 0 and *id, or -1 with a 404. */
static int param_id(ctx *c, long *id) {
  char *end;
  long v = strtol(c->param, &end, 10);
  if (!c->param[0] || *end || v <= 0) { FAIL(c, 404, "no record \"%s\"", c->param); return -1; }
  *id = v;
  return 0;
}

/* ---- access -------------------------------------------------------------------------------- */

/* Queue an audit row of this request as `user` (0: nobody logged in); api_handle makes the rows
** durable before it answers.  The detail (the path by default) is cut to AUDIT_DETAIL_MAX
** bytes on a character boundary, as everything a request brings may be long. */
static void audit_as(ctx *c, long user, const char *action, long client, const char *detail) {
  if (c->n_audit == (int)(sizeof c->audit / sizeof c->audit[0])) {   /* full: write what we have */
    if (audit_write(c->a->audit, c->s, c->audit, c->n_audit)) c->audit_failed = 1;
    c->n_audit = 0;
  }
  audit_row_set(&c->audit[c->n_audit++], user, action, client, detail ? detail : c->rq->path);
}

static void audit(ctx *c, const char *action, long client, const char *detail) { audit_as(c, c->user.id, action, client, detail); }

/* May the user see client `id`?  0, or -1 with the answer set. */
static int client_access(ctx *c, long id) {
  int rc = auth_can_see(c->s, &c->user, id);
  if (rc == RECORD_ENOTFOUND) FAIL(c, 404, "no client %ld", id);
  else if (rc == AUTH_EFORBIDDEN) {
    audit(c, "denied", id, NULL);
    FAIL(c, 403, "client %ld is another therapist's", id);
  } else if (rc) FAIL(c, 503, "the database failed: %s", store_error(c->s));
  return rc ? -1 : 0;
}

/* The client of the path: parsed, visible to the user, and the read audited. */
static int path_client(ctx *c, long *id, const char *action) {
  if (param_id(c, id) || client_access(c, *id)) return -1;
  audit(c, action, *id, NULL);
  return 0;
}

/* ---- accounts ------------------------------------------------------------------------------ */

static void user_json(buf *b, const auth_user *u) {
  buf_printf(b, "{\"user\":{\"id\":%ld,\"name\":", u->id);
  buf_json_str(b, u->name);
  buf_lit(b, ",\"email\":");
  buf_json_str(b, u->email);
  buf_printf(b, ",\"role\":\"%s\"},\"csrf\":\"%s\"}", u->admin ? "admin" : "therapist", u->csrf);
}

static void set_session(ctx *c, const char *token, const auth_user *u) {
  snprintf(c->rs->cookie, sizeof c->rs->cookie, "myomap_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s",
           token, AUTH_SESSION_SECONDS, c->a->secure ? "; Secure" : "");
  ok_json(c);
  buf_reset(&c->rs->body);
  user_json(&c->rs->body, u);
}

static void h_health(ctx *c) { ok_lit(c, "{\"ok\":true,\"version\":\"" MYOMAP_VERSION "\"}"); }

/* {"needed": no account can log in yet, "code": the setup code from the server's console is
** needed too (therapists exist, none can log in)}. */
static void h_setup_get(ctx *c) {
  long n, all;
  if (auth_count(c->s, &n) || auth_therapists(c->s, &all)) {
    FAIL(c, 503, "the database failed: %s", store_error(c->s));
    return;
  }
  ok_lit(c, n ? "{\"needed\":false,\"code\":false}" : all ? "{\"needed\":true,\"code\":true}" : "{\"needed\":true,\"code\":false}");
}

/* The first admin account: only while no account can log in, and when therapists exist
** already (added on the command line) only with the one-time code that `myomap serve` printed,
** so that nobody who merely reaches the page first can take a therapist's account. */
static void h_setup(ctx *c) {
  long n, all, id;
  if (auth_count(c->s, &n) || auth_therapists(c->s, &all)) {
    FAIL(c, 503, "the database failed: %s", store_error(c->s));
    return;
  }
  if (n) { FAIL(c, 409, "the first account exists already: log in"); return; }
  const char *name, *email, *pw, *code;
  if (field_str(c, "name", &name) || field_str(c, "email", &email) || field_str(c, "password", &pw) ||
      field_str(c, "code", &code))
    return;
  if (all) {
    auth_attempt t;
    long retry = 0;
    char key[96];   /* wrong codes lock the address, never setup for everyone */
    snprintf(key, sizeof key, " setup %s", c->rq->ip ? c->rq->ip : "?");
    int rc = auth_login_check(c->s, key, c->rq->ip, c->rq->now, &t, &retry);
    if (rc == AUTH_ELIMITED) {
      c->rs->retry_after = retry;
      FAIL(c, 429, "too many wrong setup codes: try again in %ld minutes", (retry + 59) / 60);
      return;
    }
    int ok = rc ? rc : auth_setup_code_ok(c->s, code, c->rq->now);
    if (ok < 0) { FAIL(c, 503, "the database failed: %s", store_error(c->s)); return; }
    if (!ok) {
      auth_login_failed(c->s, &t, c->rq->now);   /* counted as failed logins: audited once a window */
      if (t.first) audit_as(c, 0, "setup-refused", 0, code && *code ? "wrong setup code" : "no setup code");
      FAIL(c, 403, "therapists exist already: give the setup code that `myomap serve` printed on the server's "
                   "console (\"code\")");
      return;
    }
  }
  char err[512], token[AUTH_TOKEN_LEN + 1];
  int rc = auth_user_add(c->s, name, email, pw, "admin", &id, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  if (store_exec(c->s, "UPDATE therapist SET role = 'admin' WHERE id = $1", &a, NULL) || auth_setup_done(c->s)) {
    FAIL(c, 503, "the database failed: %s", store_error(c->s));
    return;
  }
  auth_user u;
  if (auth_start(c->s, id, c->rq->ip, c->rq->now, token, &u)) { FAIL(c, 503, "the database failed"); return; }
  c->user = u;
  audit(c, "setup", 0, all ? "made the first admin account with the setup code" : "created the first account");
  set_session(c, token, &u);
}

/* Without the DB flag: the hash is checked with the store mutex released. */
static void h_login(ctx *c) {
  const char *email, *pw;
  if (field_str(c, "email", &email) || field_str(c, "password", &pw)) return;
  if (!email || !pw) { FAIL(c, 400, "give \"email\" and \"password\""); return; }
  char token[AUTH_TOKEN_LEN + 1];
  auth_user u;
  auth_attempt t;
  long retry = 0;
  int rc = auth_login_check(c->s, email, c->rq->ip, c->rq->now, &t, &retry);
  int ok = !rc && auth_verify(c->a->auth, &t, pw);
  if (!rc) rc = ok ? auth_login_ok(c->s, &t, c->rq->now, token, &u) : auth_login_failed(c->s, &t, c->rq->now);
  if (!rc && !ok) rc = AUTH_EDENIED;
  /* One audit row per address and email and window, not per refusal: the counts are in
  ** login_failure.  The email is cut to 200 bytes. */
  if (rc == AUTH_ELIMITED) {
    c->rs->retry_after = retry;
    FAIL(c, 429, "too many failed logins: try again in %ld minutes", (retry + 59) / 60);
    if (t.first) audit_as(c, 0, "login-limited", 0, t.email);
  } else if (rc == AUTH_EDENIED) {
    FAIL(c, 401, "wrong email or password");
    if (t.first) audit_as(c, 0, "login-failed", 0, t.email);
  } else if (rc == AUTH_EDISABLED) {
    FAIL(c, 403, "this account is disabled: ask the clinic's admin");
    audit_as(c, t.u.id, "login-disabled", 0, "");
  } else if (rc) FAIL(c, 503, "the database failed: %s", store_error(c->s));
  else {
    c->user = u;
    audit(c, "login", 0, "");
    set_session(c, token, &u);
  }
}

static void h_logout(ctx *c) {
  if (auth_logout(c->s, c->rq->cookie)) { FAIL(c, 503, "the database failed: %s", store_error(c->s)); return; }
  snprintf(c->rs->cookie, sizeof c->rs->cookie, "myomap_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  audit(c, "logout", 0, "");
  ok_lit(c, "{\"ok\":true}");
}

static void h_me(ctx *c) {
  ok_json(c);
  user_json(&c->rs->body, &c->user);
}

/* POST /api/me/password {"current","new"}: the user's own password; their other sessions end.
** Without the DB flag (two hashes); a wrong current password counts as a failed login. */
static void h_me_password(ctx *c) {
  const char *cur, *nw;
  if (field_str(c, "current", &cur) || field_str(c, "new", &nw)) return;
  if (!cur || !nw) { FAIL(c, 400, "give \"current\" (your password now) and \"new\""); return; }
  char err[512], hash[128];
  int rc = auth_password_ok(nw, err, sizeof err);
  if (rc) { FAIL(c, 400, "the new password: %s", err); return; }
  auth_attempt t;
  long retry = 0;
  rc = auth_login_check(c->s, c->user.email, c->rq->ip, c->rq->now, &t, &retry);
  if (rc == AUTH_ELIMITED) {
    c->rs->retry_after = retry;
    FAIL(c, 429, "too many wrong passwords: try again in %ld minutes", (retry + 59) / 60);
    return;
  }
  if (rc) { FAIL(c, 503, "the database failed"); return; }
  if (!auth_verify(c->a->auth, &t, cur) || t.u.id != c->user.id) {
    auth_login_failed(c->s, &t, c->rq->now);
    audit(c, "password-change-refused", 0, "wrong current password");
    FAIL(c, 403, "the current password is wrong; nothing was changed");
    return;
  }
  if ((rc = auth_hash(nw, hash, sizeof hash, err, sizeof err))) { fail_rc(c, rc, err); return; }
  rc = auth_password_set(c->s, c->user.id, hash, c->rq->cookie);
  if (!rc) audit(c, "password-change", 0, "own password changed; the other sessions ended");
  if (rc) { fail_rc(c, rc, "the database failed; the password was not changed"); return; }
  ok_lit(c, "{\"ok\":true}");
}

static void h_users(ctx *c) {
  ok_json(c);
  if (auth_user_list(c->s, &c->rs->body)) FAIL(c, 503, "the database failed: %s", store_error(c->s));
}

static void h_user_add(ctx *c) {
  const char *name, *email, *pw, *role;
  if (field_str(c, "name", &name) || field_str(c, "email", &email) || field_str(c, "password", &pw) ||
      field_str(c, "role", &role))
    return;
  char err[512];
  long id;
  int rc = auth_user_add(c->s, name, email, pw, role, &id, err, sizeof err);
  if (rc == RECORD_EBAD && strstr(err, "exists already")) { FAIL(c, 409, "%s", err); return; }
  if (rc) { fail_rc(c, rc, err); return; }
  char d[300];
  snprintf(d, sizeof d, "added account %ld", id);
  audit(c, "create-user", 0, d);
  ok_json(c);
  buf_printf(&c->rs->body, "{\"id\":%ld}", id);
}

/* POST /api/users/ID/password {"new"}: an admin sets an account's password; its sessions end.
** Without the DB flag: hashed before the store is taken. */
static void h_user_password(ctx *c) {
  long id;
  const char *nw;
  if (param_id(c, &id) || field_str(c, "new", &nw)) return;
  if (!nw) { FAIL(c, 400, "give \"new\", the account's new password"); return; }
  char err[512], hash[128], d[64];
  int rc = auth_hash(nw, hash, sizeof hash, err, sizeof err);
  if (rc) { FAIL(c, 400, "the new password: %s", err); return; }
  rc = auth_password_set(c->s, id, hash, id == c->user.id ? c->rq->cookie : NULL);
  snprintf(d, sizeof d, "account %ld", id);
  if (!rc) audit(c, "password-reset", 0, d);
  if (rc == RECORD_ENOTFOUND) FAIL(c, 404, "no account %ld", id);
  else if (rc) FAIL(c, 503, "the database failed; the password was not changed");
  else ok_lit(c, "{\"ok\":true}");
}

static void user_disable(ctx *c, int disable) {
  long id;
  if (param_id(c, &id)) return;
  char err[512], d[64];
  int rc = auth_user_disable(c->s, &c->user, id, disable, err, sizeof err);
  if (rc == RECORD_EBAD) { FAIL(c, 409, "%s", err); return; }
  if (rc) { fail_rc(c, rc, err); return; }
  snprintf(d, sizeof d, "account %ld", id);
  audit(c, disable ? "disable-user" : "enable-user", 0, d);
  ok_lit(c, "{\"ok\":true}");
}

static void h_user_disable(ctx *c) { user_disable(c, 1); }
static void h_user_enable(ctx *c) { user_disable(c, 0); }

/* A query parameter as a positive id: 0 and *v (0 when absent), or -1 with a 400. */
static int query_id(ctx *c, const char *name, long *v) {
  const char *q = c->rq->query ? c->rq->query(c->rq->ctx, name) : NULL;
  *v = 0;
  if (!q) return 0;
  char *end;
  long n = strtol(q, &end, 10);
  if (!*q || *end || n <= 0) { FAIL(c, 400, "?%s= takes a positive whole number, not \"%.40s\"", name, q); return -1; }
  *v = n;
  return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ", as the audit's times are written. */
static int when_ok(const char *s) {
  if (strlen(s) == 10) return util_date_ok(s);
  if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return 0;
  char d[11];
  memcpy(d, s, 10);
  d[10] = 0;
  for (int i = 11; i < 19; i++) if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9')) return 0;
  return util_date_ok(d) && atoi(s + 11) < 24 && atoi(s + 14) < 60 && atoi(s + 17) < 61;
}

/* GET /api/audit?user=&client=&action=&from=&to=&before=&limit=: newest first, paged by id. */
static void h_audit(ctx *c) {
  auth_audit_query q = {0};
  const char *(*qf)(void *, const char *) = c->rq->query;
  long limit;
  if (query_id(c, "user", &q.user) || query_id(c, "client", &q.client) || query_id(c, "before", &q.before) ||
      query_id(c, "limit", &limit))
    return;
  if (limit > 1000 || (qf && qf(c->rq->ctx, "limit") && limit < 1)) {
    FAIL(c, 400, "?limit= takes 1-1000, not %ld", limit);
    return;
  }
  q.limit = limit ? (int)limit : 100;
  q.action = qf ? qf(c->rq->ctx, "action") : NULL;
  q.from = qf ? qf(c->rq->ctx, "from") : NULL;
  q.to = qf ? qf(c->rq->ctx, "to") : NULL;
  if (q.action) {
    size_t n = strspn(q.action, "abcdefghijklmnopqrstuvwxyz-");
    if (!*q.action || q.action[n] || n > 40) {
      FAIL(c, 400, "?action= is an action such as read, login or login-failed (lower-case letters and -)");
      return;
    }
  }
  if ((q.from && !when_ok(q.from)) || (q.to && !when_ok(q.to))) {
    FAIL(c, 400, "?%s= takes a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ, not \"%.40s\"",
         q.from && !when_ok(q.from) ? "from" : "to", q.from && !when_ok(q.from) ? q.from : q.to);
    return;
  }
  if (q.from && q.to && strncmp(q.from, q.to, 10) > 0) { FAIL(c, 400, "?from= is after ?to="); return; }
  ok_json(c);
  if (auth_audit_list(c->s, &q, &c->rs->body)) FAIL(c, 503, "the database failed: %s", store_error(c->s));
}

/* ---- knowledge ----------------------------------------------------------------------------- */

static void h_regions(ctx *c) {
  ok_json(c);
  report_regions_json_lang(&c->rs->body, kb_body(c->a->k), c->a->k, c->lang);
}

static void h_chart(ctx *c) {
  c->rs->status = 200;
  c->rs->type = "image/svg+xml";
  const buf *svg = strcmp(c->lang, "fr") ? &c->a->chart_svg : &c->a->chart_svg_fr;
  buf_append(&c->rs->body, svg->data, svg->len);
}

static ranker take_ranker(api *a) {
  ranker r = {0, 0};
  pthread_mutex_lock(&a->pool_mu);
  if (a->n_pool) r = a->pool[--a->n_pool];
  pthread_mutex_unlock(&a->pool_mu);
  if (!r.r) {
    r.r = rank_new(a->k);
    r.rp = report_new(a->k, r.r);
  }
  return r;
}

static void give_ranker(api *a, ranker r) {
  pthread_mutex_lock(&a->pool_mu);
  if (a->n_pool < POOL) { a->pool[a->n_pool++] = r; r.r = NULL; }
  pthread_mutex_unlock(&a->pool_mu);
  if (r.r) { report_free(r.rp); rank_free(r.r); }
}

/* The zones to draw for each candidate: "TP:SIDE" -> {at, essential, spillover}. */
static void zones_json(buf *b, const kb *k, const rank_result *res) {
  const body *bd = kb_body(k);
  buf_lit(b, "{");
  for (int i = 0; i < res->n; i++) {
    const rank_candidate *cand = &res->cand[i];
    const kb_tp *tp = kb_tp_at(k, cand->tp);
    if (i) buf_putc(b, ',');
    buf_printf(b, "\"%s:%s\":{\"at\":", tp->id, body_side_name(cand->side));
    int at = body_concrete(bd, tp->region, cand->side == BODY_MID ? BODY_L : cand->side);
    if (at < 0) at = body_concrete(bd, tp->region, BODY_MID);
    if (at >= 0) buf_json_str(b, body_at(bd, at)->id); else buf_lit(b, "null");
    for (int z = 0; z < 2; z++) {
      const kb_zone_ref *refs = z ? tp->spillover : tp->essential;
      int n = z ? tp->n_spillover : tp->n_essential;
      buf_puts(b, z ? "],\"spillover\":[" : ",\"essential\":[");
      int first = 1;
      for (int j = 0; j < n; j++) {
        int out[2];
        int m = kb_zone_regions(k, refs[j], cand->side, out);
        for (int q = 0; q < m; q++) {
          if (!first) buf_putc(b, ',');
          first = 0;
          buf_json_str(b, body_at(bd, out[q])->id);
        }
      }
    }
    buf_lit(b, "]}");
  }
  buf_lit(b, "}");
}

/* Rank a presentation and append the where JSON with its zones to out. */
static void where_json(api *a, const present *p, int top, buf *out, const char *lang) {
  ranker r = take_ranker(a);
  screen_result s;
  rank_result res;
  screen_run(a->k, p, &s);
  rank_run(r.r, p, top, &res);
  size_t mark = out->len;
  report_where_json_lang(out, r.rp, p, &s, &res, lang);
  if (out->len > mark && out->data[out->len - 1] == '}') out->len--;   /* reopen the object for "zones" */
  buf_lit(out, ",\"zones\":");
  zones_json(out, a->k, &res);
  buf_putc(out, '}');
  give_ranker(a, r);
}

static int parse_present(ctx *c, present *p) {
  char err[512];
  int rc = present_parse_json(c->a->k, c->rq->body, c->rq->body_len, p, err, sizeof err);
  if (rc == PRESENT_EREGION) FAIL(c, 400, "%s", err);
  else if (rc) FAIL(c, 400, "%s", err);
  return rc ? -1 : 0;
}

/* "top" of a presentation's text (checked by parse_present first): 1-RANK_MAX, 5 if not given. */
static int raw_top(ctx *c, long *top) {
  int t;
  if (present_json_int(c->rq->body, c->rq->body_len, "top", 1, RANK_MAX, 5, &t)) {
    FAIL(c, 400, "\"top\" must be a whole number 1-%d", RANK_MAX);
    return -1;
  }
  *top = t;
  return 0;
}

/* POST /api/where: its body read once, by the presentation's reader (no JSON tree is made). */
static void h_where(ctx *c) {
  present p;
  long top;
  if (parse_present(c, &p) || raw_top(c, &top)) return;
  if (!p.n_pain) { FAIL(c, 400, "mark at least one painful region"); return; }
  ok_json(c);
  where_json(c->a, &p, (int)top, &c->rs->body, c->lang);
}

static void h_muscles(ctx *c) {
  ok_json(c);
  buf *b = &c->rs->body;
  buf_lit(b, "{\"muscles\":[");
  for (int i = 0; i < kb_n_muscles(c->a->k); i++) {
    const kb_muscle *m = kb_muscle_at(c->a->k, i);
    buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    buf_json_str(b, m->id);
    buf_lit(b, ",\"name\":");
    buf_json_str(b, kb_text(c->a->k, c->lang, "muscle", m->id, "name", m->name));
    buf_lit(b, ",\"group\":");
    buf_json_str(b, m->group);
    buf_putc(b, '}');
  }
  buf_lit(b, "]}");
}

static void h_muscle(ctx *c) {
  int m = kb_find_muscle(c->a->k, c->param);
  if (m < 0) {
    const char *hint = kb_suggest_muscle(c->a->k, c->param);
    FAIL(c, 404, "unknown muscle \"%s\"%s%s%s", c->param, hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
    return;
  }
  ok_json(c);
  report_muscle_json_lang(&c->rs->body, c->a->k, m, c->lang);
}

static void h_conditions(ctx *c) {
  ok_json(c);
  sheet_conditions_json_lang(&c->rs->body, c->a->k, c->lang);
}

static void h_condition(ctx *c) {
  int i = kb_find_condition(c->a->k, c->param);
  if (i < 0) { FAIL(c, 404, "unknown condition \"%s\"", c->param); return; }
  ok_json(c);
  sheet_condition_json_lang(&c->rs->body, c->a->k, i, c->lang);
}

static void h_contras(ctx *c) {
  ok_json(c);
  buf *b = &c->rs->body;
  buf_lit(b, "{\"contraindications\":[");
  for (int i = 0; i < kb_n_terms(c->a->k, KB_CONTRA); i++) {
    const kb_term *t = kb_term_at(c->a->k, KB_CONTRA, i);
    const char *scope = kb_scope_name(t->scope);
    buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    buf_json_str(b, t->id);
    buf_lit(b, ",\"label\":");
    buf_json_str(b, kb_term_text(c->a->k, c->lang, KB_CONTRA, i, "label"));
    buf_lit(b, ",\"scope\":");
    buf_json_str(b, scope ? scope : "");
    buf_printf(b, ",\"local\":%s}", t->scope == KB_SCOPE_LOCAL ? "true" : "false");
  }
  buf_lit(b, "]}");
}

/* The intake's vocabularies from the knowledge base and the screens: the perpetuating activities,
** the pain qualities a drawing takes (with the kb's sensation labels), the onsets, the red-flag
** questions, every screen item's words, every advice line of a hold, and the sources with their
** citations, in the asked language. */
static void vocab_terms(buf *b, const kb *k, const char *lang, int vocab, const char *key) {
  buf_printf(b, "\"%s\":[", key);
  for (int i = 0; i < kb_n_terms(k, vocab); i++) {
    const kb_term *t = kb_term_at(k, vocab, i);
    buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    buf_json_str(b, t->id);
    buf_lit(b, ",\"label\":");
    buf_json_str(b, t->label ? kb_term_text(k, lang, vocab, i, "label") : t->id);
    buf_putc(b, '}');
  }
  buf_putc(b, ']');
}

/* A screen item as the vocabulary lists it (i: its place in the list): a red flag with the
** question that asks it {"id","question","reason","level"}; else {"id","label","reason","advice",
** "level"}, in language `lang`. */
static void screen_json(buf *b, const screen_item *f, const char *lang, int i, const char *question) {
  buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
  buf_json_str(b, f->id);
  buf_puts(b, question ? ",\"question\":" : ",\"label\":");
  buf_json_str(b, question ? question : screen_label(f, lang));
  buf_lit(b, ",\"reason\":");
  buf_json_str(b, screen_reason(f, lang));
  if (!question) {
    buf_lit(b, ",\"advice\":");
    buf_json_str(b, screen_advice(f, lang));
  }
  buf_printf(b, ",\"level\":\"%s\"}", screen_level_name(f->level));
}

static void h_vocabulary(ctx *c) {
  const kb *k = c->a->k;
  ok_json(c);
  buf *b = &c->rs->body;
  buf_putc(b, '{');
  vocab_terms(b, k, c->lang, KB_ACTIVITY, "activities");
  buf_lit(b, ",\"qualities\":[");
  for (int q = 1; q < N_QUALITIES; q++) {
    const char *id = present_quality_name(q);
    int t = kb_find_term(k, KB_SENSATION, id);
    buf_puts(b, q > 1 ? ",{\"id\":" : "{\"id\":");
    buf_json_str(b, id);
    buf_lit(b, ",\"label\":");
    buf_json_str(b, t >= 0 && kb_term_at(k, KB_SENSATION, t)->label ? kb_term_text(k, c->lang, KB_SENSATION, t, "label") : id);
    buf_putc(b, '}');
  }
  buf_lit(b, "],\"onsets\":[");
  for (int o = 1; o < N_ONSETS; o++) {
    buf_puts(b, o > 1 ? "," : "");
    buf_json_str(b, present_onset_name(o));
  }
  buf_lit(b, "],\"flags\":[");
  for (int i = 0; i < N_FLAGS; i++) screen_json(b, screen_flag(i), c->lang, i, screen_flag_question_lang(i, c->lang));
  /* every screen item (the red flags and the cautions) and every advice line of a hold, with
  ** their words: the web app shows a ranking's screen and a hold's advice from these */
  buf_lit(b, "],\"screens\":[");
  for (int i = 0; i < screen_n_items(); i++) screen_json(b, screen_item_at(i), c->lang, i, NULL);
  buf_lit(b, "],\"advice\":[");
  for (int a = 1; a < HOLD_N_ADVICE; a++) {
    buf_puts(b, a > 1 ? ",{\"key\":" : "{\"key\":");
    buf_json_str(b, hold_advice_key(a));
    buf_lit(b, ",\"name\":");
    buf_json_str(b, hold_advice_name(a));
    buf_lit(b, ",\"text\":");
    buf_json_str(b, hold_advice_text_lang(a, c->lang));
    buf_putc(b, '}');
  }
  buf_lit(b, "],");
  vocab_terms(b, k, c->lang, KB_SOURCE, "sources");
  buf_putc(b, '}');
}

/* {"points":[{"tp","side"}]} into in->points. */
static int parse_points(ctx *c, plan_input *in) {
  json_t *pts = c->body ? json_object_get(c->body, "points") : NULL;
  if (!json_is_array(pts) || !json_array_size(pts)) { FAIL(c, 400, "give \"points\": [{\"tp\":ID,\"side\":\"l\"}, ...]"); return -1; }
  if (json_array_size(pts) > PLAN_MAX_POINTS) { FAIL(c, 400, "at most %d points", PLAN_MAX_POINTS); return -1; }
  size_t i;
  json_t *v;
  json_array_foreach(pts, i, v) {
    json_t *tpv = json_object_get(v, "tp"), *sv = json_object_get(v, "side");
    if (!json_is_string(tpv)) { FAIL(c, 400, "point %zu: \"tp\" must be a trigger point id", i + 1); return -1; }
    int tp = kb_find_tp(c->a->k, json_string_value(tpv));
    if (tp < 0) { FAIL(c, 400, "unknown trigger point \"%s\"", json_string_value(tpv)); return -1; }
    const char *side = json_is_string(sv) ? json_string_value(sv) : "";
    int paired = kb_muscle_at(c->a->k, kb_tp_at(c->a->k, tp)->muscle)->paired;
    int sd = !strcmp(side, "l") ? BODY_L : !strcmp(side, "r") ? BODY_R : BODY_MID;
    if (paired && sd == BODY_MID) { FAIL(c, 400, "point %s: say the side, \"l\" or \"r\"", json_string_value(tpv)); return -1; }
    if (!paired) sd = BODY_MID;
    int dup = 0;
    for (int j = 0; j < in->n_points; j++) dup |= in->points[j].tp == tp && in->points[j].side == sd;
    if (dup) continue;
    in->points[in->n_points].tp = tp;
    in->points[in->n_points++].side = sd;
  }
  return 0;
}

/* "contraindications": ["id", {"id","region"}] added to in. */
static int parse_contras(ctx *c, json_t *list, plan_input *in) {
  if (!list || json_is_null(list)) return 0;
  if (!json_is_array(list)) { FAIL(c, 400, "\"contraindications\" must be a list"); return -1; }
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    const char *id = json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "id"));
    const char *where = json_is_object(v) ? json_string_value(json_object_get(v, "region")) : NULL;
    int ci = id ? kb_find_term(c->a->k, KB_CONTRA, id) : -1;
    if (ci < 0) { FAIL(c, 400, "unknown contraindication \"%s\"", id ? id : "?"); return -1; }
    int region = -1;
    if (where && (region = body_find(kb_body(c->a->k), where)) < 0) { FAIL(c, 400, "unknown region \"%s\"", where); return -1; }
    if (kb_term_at(c->a->k, KB_CONTRA, ci)->scope == KB_SCOPE_LOCAL && region < 0) {
      FAIL(c, 400, "%s is local: give its \"region\"", id);
      return -1;
    }
    if (in->n_contras == PLAN_MAX_CONTRAS) { FAIL(c, 400, "at most %d contraindications", PLAN_MAX_CONTRAS); return -1; }
    in->contras[in->n_contras].contra = ci;
    in->contras[in->n_contras++].region = region;
  }
  return 0;
}

/* The plan input of a request: points, the client's contraindications (when "client" is
** given and visible), and the request's own. */
static int plan_in(ctx *c, plan_input *in, long *client) {
  memset(in, 0, sizeof *in);
  if (parse_points(c, in)) return -1;
  if (field_int(c, "client", 1, 1L << 50, 0, client)) return -1;
  if (*client) {
    if (client_access(c, *client)) return -1;
    char err[512];
    int rc = record_client_contras(c->s, *client, in, c->a->k, err, sizeof err);
    if (rc) { fail_rc(c, rc, err); return -1; }
  }
  json_t *fascial = c->body ? json_object_get(c->body, "fascial") : NULL;
  if (fascial && !json_is_boolean(fascial)) { FAIL(c, 400, "\"fascial\" must be true or false"); return -1; }
  in->fascial = json_is_true(fascial);   /* add myofascial release to the plan */
  return parse_contras(c, c->body ? json_object_get(c->body, "contraindications") : NULL, in);
}

/* Whether client's latest intake screen says refer (or urgent): 1 with the refer object
** {"level","intake","reasons":[{"id","reason","advice","level"}]} appended to obj and the
** reasons in words to words (either may be NULL), 0 when it does not (or there is no intake),
** -1 with a 503 answer when the store fails. */
static int screen_refer(ctx *c, long client, buf *obj, buf *words) {
  screen_result sr;
  long intake = 0;
  int found = record_intake_screen(c->s, c->a->k, client, &sr, &intake);
  if (found < 0) { FAIL(c, 503, "the database failed: %s", store_error(c->s)); return -1; }
  if (!found || sr.level < SCREEN_REFER) return 0;
  if (obj) {
    buf_lit(obj, "{\"level\":");
    buf_json_str(obj, screen_level_name(sr.level));
    buf_printf(obj, ",\"intake\":%ld,\"reasons\":[", intake);
  }
  for (int i = 0, n = 0; i < sr.n_items; i++) {
    const screen_item *it = &sr.items[i];
    if (it->level < SCREEN_REFER) continue;
    if (obj) {
      buf_puts(obj, n ? ",{\"id\":" : "{\"id\":");
      buf_json_str(obj, it->id);
      buf_lit(obj, ",\"reason\":");
      buf_json_str(obj, it->reason);
      buf_lit(obj, ",\"advice\":");
      buf_json_str(obj, it->advice);
      buf_lit(obj, ",\"level\":");
      buf_json_str(obj, screen_level_name(it->level));
      buf_putc(obj, '}');
    }
    if (words) { if (n) buf_lit(words, " "); buf_puts(words, it->reason); }
    n++;
  }
  if (obj) buf_lit(obj, "]}");
  return 1;
}

static void h_plan(ctx *c) {
  plan_input in;
  long client;
  if (plan_in(c, &in, &client)) return;
  plan p;
  char err[512];
  if (plan_build(c->a->k, &in, &p, err, sizeof err)) { FAIL(c, 400, "%s", err); return; }
  buf refer, words;
  buf_init(&refer);
  buf_init(&words);
  int r = client ? screen_refer(c, client, &refer, &words) : 0;
  if (r >= 0) {
    if (client) audit(c, "plan", client, NULL);
    ok_json(c);
    sheet_plan_json_lang(&c->rs->body, c->a->k, &p, c->lang);
  }
  if (r > 0) {   /* the screen's refer banner in place of "refer": false/true, its reasons as refer_why */
    buf *b = &c->rs->body;
    buf out;
    buf_init(&out);
    const char *lead = p.refer ? "{\"refer\":true" : "{\"refer\":false";
    size_t n = strlen(lead);
    buf_lit(&out, "{\"refer\":");
    buf_append(&out, refer.data, refer.len);
    const char *rest = b->data + n;
    if (!p.refer_why && !strncmp(rest, ",\"refer_why\":null", 17)) {
      buf_lit(&out, ",\"refer_why\":");
      buf_json_str(&out, words.data);
      rest += 17;
    }
    buf_puts(&out, rest);
    buf_free(b);
    *b = out;
  }
  buf_free(&refer);
  buf_free(&words);
}

/* ---- clients and records ------------------------------------------------------------------- */

static void h_clients(ctx *c) {
  const char *q = c->rq->query ? c->rq->query(c->rq->ctx, "q") : NULL;
  const char *ar = c->rq->query ? c->rq->query(c->rq->ctx, "archived") : NULL;
  if (ar && strcmp(ar, "0") && strcmp(ar, "1")) { FAIL(c, 400, "archived is 0 or 1, not \"%.20s\"", ar); return; }
  if (q && !utf8_ok(q)) { FAIL(c, 400, "the search is not UTF-8 text"); return; }
  char err[512];
  ok_json(c);
  buf_lit(&c->rs->body, "{\"clients\":");
  int rc = record_client_search(c->s, c->user.admin ? 0 : c->user.id, q, ar && *ar == '1', &c->rs->body, 1,
                                err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  while (c->rs->body.len && c->rs->body.data[c->rs->body.len - 1] == '\n') c->rs->body.len--;
  buf_putc(&c->rs->body, '}');
  /* the search words may be a name: the audit says that a search was made, not what */
  audit(c, "list", 0, q && *q ? "clients: search" : ar && *ar == '1' ? "clients with archived" : "clients");
}

/* "KEY": [ "id" | {"id","region",DATE_KEY} ] into out (at most PLAN_MAX_CONTRAS). */
static int parse_contras_dated(ctx *c, const char *key, const char *date_key, struct record_contra *out, int *n) {
  json_t *list = json_object_get(c->body, key);
  *n = 0;
  if (!list || json_is_null(list)) return 0;
  if (!json_is_array(list)) { FAIL(c, 400, "\"%s\" must be a list", key); return -1; }
  if (json_array_size(list) > PLAN_MAX_CONTRAS) { FAIL(c, 400, "\"%s\": at most %d", key, PLAN_MAX_CONTRAS); return -1; }
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    plan_input in;
    memset(&in, 0, sizeof in);
    json_t *one = json_array();
    json_array_append(one, v);
    int rc = parse_contras(c, one, &in);
    json_decref(one);
    if (rc) return -1;
    json_t *d = json_is_object(v) ? json_object_get(v, date_key) : NULL;
    if (d && !json_is_null(d) && !json_is_string(d)) { FAIL(c, 400, "\"%s\" of %s must be a date", date_key, key); return -1; }
    out[*n].c = in.contras[0];
    out[(*n)++].date = d ? json_string_value(d) : NULL;
  }
  return 0;
}

static void h_client_edit(ctx *c) {
  long id;
  if (param_id(c, &id) || client_access(c, id)) return;
  record_client rc0;
  record_client_init(&rc0);
  if (field_str(c, "name", &rc0.name) || field_str(c, "birth", &rc0.birth) || field_str(c, "phone", &rc0.phone) ||
      field_str(c, "email", &rc0.email) || field_str(c, "history", &rc0.history) ||
      field_str(c, "consent_date", &rc0.consent_date))
    return;
  static const char *const bools[] = {"consent", "archived"};
  int *dest[] = {&rc0.consent, &rc0.archive};
  for (int i = 0; i < 2; i++) {
    json_t *b = json_object_get(c->body, bools[i]);
    if (b && !json_is_boolean(b)) { FAIL(c, 400, "\"%s\" must be true or false", bools[i]); return; }
    if (b) *dest[i] = json_is_true(b);
  }
  json_t *all = json_object_get(c->body, "contraindications");
  if (all && !json_is_null(all)) {
    plan_input in;
    memset(&in, 0, sizeof in);
    if (parse_contras(c, all, &in)) return;
    memcpy(rc0.contras, in.contras, sizeof in.contras);
    rc0.n_contras = in.n_contras;
    rc0.set_contras = 1;
  }
  if (parse_contras_dated(c, "add_contraindications", "started", rc0.add, &rc0.n_add) ||
      parse_contras_dated(c, "end_contraindications", "ended", rc0.end, &rc0.n_end))
    return;
  if (!rc0.name && !rc0.birth && !rc0.phone && !rc0.email && !rc0.history && !rc0.consent_date && rc0.consent < 0 &&
      rc0.archive < 0 && !rc0.set_contras && !rc0.n_add && !rc0.n_end) {
    FAIL(c, 400, "nothing to change: give one of name, birth, phone, email, history, consent, consent_date, "
                 "archived, contraindications, add_contraindications, end_contraindications");
    return;
  }
  char err[512];
  buf changed;
  buf_init(&changed);
  int rc = record_client_update(c->s, c->a->k, id, &rc0, &changed, err, sizeof err);
  if (rc) { buf_free(&changed); fail_rc(c, rc, err); return; }
  char d[300];
  snprintf(d, sizeof d, "client: %s", changed.len ? changed.data : "no change");
  audit(c, "update", id, d);
  ok_json(c);
  buf_lit(&c->rs->body, "{\"ok\":true,\"changed\":[");
  for (char *p = changed.data, *q; p && *p; p = q ? q + 1 : NULL) {
    q = strchr(p, ',');
    if (q) *q = 0;
    if (p != changed.data) buf_putc(&c->rs->body, ',');
    buf_json_str(&c->rs->body, p);
  }
  buf_lit(&c->rs->body, "]}");
  buf_free(&changed);
}

static void h_visits(ctx *c) {
  long id;
  if (path_client(c, &id, "read")) return;
  char err[512];
  ok_json(c);
  buf_lit(&c->rs->body, "{\"visits\":");
  int rc = record_visit_list_lang(c->s, c->a->k, id, c->lang, &c->rs->body, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  buf_putc(&c->rs->body, '}');
}

static void h_client_add(ctx *c) {
  record_client rc0;
  record_client_init(&rc0);
  if (field_str(c, "name", &rc0.name) || field_str(c, "birth", &rc0.birth) || field_str(c, "phone", &rc0.phone) ||
      field_str(c, "email", &rc0.email) || field_str(c, "history", &rc0.history) ||
      field_str(c, "consent_date", &rc0.consent_date))
    return;
  json_t *cons = json_object_get(c->body, "consent");
  if (cons && !json_is_boolean(cons)) { FAIL(c, 400, "\"consent\" must be true or false"); return; }
  rc0.consent = json_is_true(cons) ? 1 : 0;
  rc0.therapist = c->user.id;
  plan_input in;
  memset(&in, 0, sizeof in);
  if (parse_contras(c, json_object_get(c->body, "contraindications"), &in)) return;
  memcpy(rc0.contras, in.contras, sizeof in.contras);
  rc0.n_contras = in.n_contras;
  char err[512];
  long id;
  int rc = record_client_add(c->s, c->a->k, &rc0, &id, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  audit(c, "create", id, "client");
  ok_json(c);
  buf_printf(&c->rs->body, "{\"id\":%ld}", id);
}

static void intakes_where(ctx *c);

static void h_client(ctx *c) {
  long id;
  if (path_client(c, &id, "read")) return;
  char err[512];
  ok_json(c);
  int rc = record_client_show(c->s, c->a->k, id, &c->rs->body, 1, err, sizeof err);
  if (rc) fail_rc(c, rc, err);
  else intakes_where(c);
}

static void h_intake(ctx *c) {
  long id;
  if (param_id(c, &id) || client_access(c, id)) return;
  present p;
  if (parse_present(c, &p)) return;
  record_intake in;
  record_intake_init(&in);
  in.drawing = &p;
  long stress, nprs;
  if (field_str(c, "date", &in.date) || field_str(c, "goals", &in.goals) || field_str(c, "factors", &in.factors) ||
      field_num(c, "desk_hours", 0, 24, -1, &in.desk_hours) || field_num(c, "training_hours", 0, 168, -1, &in.training_hours) ||
      field_num(c, "sleep_hours", 0, 24, -1, &in.sleep_hours) || field_int(c, "stress", 0, 10, -1, &stress) ||
      field_int(c, "nprs", 0, 10, -1, &nprs))
    return;
  in.stress = (int)stress;
  in.nprs = (int)nprs;
  char err[512];
  long iid;
  int rc = record_intake_add(c->s, c->a->k, id, &in, &iid, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  audit(c, "create", id, "intake");
  ok_json(c);
  buf_printf(&c->rs->body, "{\"id\":%ld,\"where\":", iid);
  where_json(c->a, &p, 5, &c->rs->body, c->lang);
  buf_putc(&c->rs->body, '}');
}

/* A dated list for the path's client ("findings", "measures"): the client visible to the user,
** "date" a string or absent, and `key` an array of 1-64 entries.  The list, or NULL with the
** answer set (`shape` says what an entry looks like). */
static json_t *dated_list(ctx *c, long *id, const char **date, const char *key, const char *shape) {
  if (param_id(c, id) || client_access(c, *id) || field_str(c, "date", date)) return NULL;
  json_t *list = json_object_get(c->body, key);
  if (!json_is_array(list) || !json_array_size(list) || json_array_size(list) > 64) {
    FAIL(c, 400, "give \"%s\": 1-64 %s", key, shape);
    return NULL;
  }
  return list;
}

static void h_findings(ctx *c) {
  long id;
  const char *date;
  json_t *list = dated_list(c, &id, &date, "findings", "strings like \"upper-trapezius-tp1:l:active\"");
  if (!list) return;
  record_finding f[64];
  char err[512];
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    if (!json_is_string(v) || record_finding_parse(c->a->k, json_string_value(v), &f[i], err, sizeof err)) {
      FAIL(c, 400, "finding %zu: %s", i + 1, json_is_string(v) ? err : "must be a string");
      return;
    }
  }
  int rc = record_assess_add(c->s, c->a->k, id, date, 0, f, (int)json_array_size(list), err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  audit(c, "create", id, "findings");
  ok_lit(c, "{\"ok\":true}");
}

static void h_findings_list(ctx *c) {
  long id;
  if (path_client(c, &id, "read")) return;
  char err[512];
  ok_json(c);
  buf_lit(&c->rs->body, "{\"findings\":");
  int rc = record_assess_list(c->s, id, &c->rs->body, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  buf_putc(&c->rs->body, '}');
}

static void h_measures(ctx *c) {
  long id;
  const char *date;
  json_t *list = dated_list(c, &id, &date, "measures", "of {\"kind\":\"nprs\",\"value\":\"6\"}");
  if (!list) return;
  record_measure m[64];
  char err[512];
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    const char *kind = json_string_value(json_object_get(v, "kind"));
    json_t *val = json_object_get(v, "value");
    char num[64];
    const char *word = json_is_string(val) ? json_string_value(val) : NULL;
    if (json_is_number(val)) { snprintf(num, sizeof num, "%g", json_number_value(val)); word = num; }
    if (!kind || !word) { FAIL(c, 400, "measure %zu: give \"kind\" and \"value\"", i + 1); return; }
    if (record_measure_parse(kind, word, &m[i], err, sizeof err)) { FAIL(c, 400, "measure %zu: %s", i + 1, err); return; }
  }
  int rc = record_measure_add(c->s, id, date, 0, m, (int)json_array_size(list), err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  audit(c, "create", id, "measures");
  ok_lit(c, "{\"ok\":true}");
}

/* A client's progress is derived from its records: kept here once made, with the stamp of
** the records it was made from (outcome_stamp), and made again when they change.  The stamp
** is the answer's ETag, so a screen that has the current one gets 304. */
static int cached_progress(api *a, long client, int svg, const char *stamp, buf *out) {
  int hit = 0;
  pthread_mutex_lock(&a->progress_mu);
  for (int i = 0; i < PROGRESS_CACHE && !hit; i++) {
    progress_entry *e = &a->progress[i];
    if (e->client == client && e->svg == svg && !strcmp(e->stamp, stamp)) {
      buf_append(out, e->body.data, e->body.len);
      e->used = ++a->progress_clock;
      hit = 1;
    }
  }
  pthread_mutex_unlock(&a->progress_mu);
  return hit;
}

static void keep_progress(api *a, long client, int svg, const char *stamp, const buf *body) {
  pthread_mutex_lock(&a->progress_mu);
  progress_entry *e = &a->progress[0];
  for (int i = 0; i < PROGRESS_CACHE; i++) {
    progress_entry *x = &a->progress[i];
    if (x->client == client && x->svg == svg) { e = x; break; }
    if (x->used < e->used) e = x;
  }
  e->client = client;
  e->svg = svg;
  snprintf(e->stamp, sizeof e->stamp, "%s", stamp);
  buf_reset(&e->body);
  buf_append(&e->body, body->data, body->len);
  e->used = ++a->progress_clock;
  pthread_mutex_unlock(&a->progress_mu);
}

static void progress(ctx *c, int svg) {
  long id;
  if (path_client(c, &id, "read")) return;
  char stamp[PROGRESS_STAMP], etag[PROGRESS_STAMP + 32];
  if (outcome_stamp(c->s, id, stamp, sizeof stamp)) { FAIL(c, 503, "the database failed: %s", store_error(c->s)); return; }
  snprintf(etag, sizeof etag, "\"%s-%s\"", svg ? "s" : "j", stamp);
  ok_json(c);
  if (svg) c->rs->type = "image/svg+xml";
  snprintf(c->rs->etag, sizeof c->rs->etag, "%s", etag);
  if (c->rq->if_none_match && !strcmp(c->rq->if_none_match, etag)) { c->rs->status = 304; return; }
  if (cached_progress(c->a, id, svg, stamp, &c->rs->body)) return;
  outcome *o;
  char err[512];
  int rc = outcome_load(c->s, c->a->k, id, &o, err, sizeof err);
  if (rc) { c->rs->etag[0] = 0; fail_rc(c, rc, err); return; }
  if (svg) {   /* titled with the client's name (an edit of it changes the stamp) */
    store_args a;
    store_args_init(&a);
    store_arg_int(&a, id);
    store_rows r;
    int named = !store_exec(c->s, "SELECT name FROM client WHERE id = $1", &a, &r);
    outcome_svg_named(&c->rs->body, o, named ? store_cell(&r, 0, 0) : NULL);
    if (named) store_rows_free(&r);
  } else outcome_json(&c->rs->body, o);
  outcome_free(o);
  keep_progress(c->a, id, svg, stamp, &c->rs->body);
}

static void h_progress(ctx *c) { progress(c, 0); }
static void h_progress_svg(ctx *c) { progress(c, 1); }

/* The latest stored home program of the client: its row (visit, date, id). */
static int latest_home(ctx *c, long id, store_rows *r) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  if (store_exec(c->s, "SELECT h.visit_id, h.date, h.id FROM homeprog h WHERE h.client_id = $1 "
                          "ORDER BY h.date DESC, h.id DESC LIMIT 1", &a, r)) {
    FAIL(c, 503, "the database failed: %s", store_error(c->s));
    return -1;
  }
  if (!r->nrow) {
    store_rows_free(r);
    FAIL(c, 404, "no home program yet: it is made when a session is stored");
    return -1;
  }
  return 0;
}

static int load_home(ctx *c, long id, store_rows *r, home *h, const kb **hk);

/* The client's latest home program as JSON: {"visit","date","program"}, or without the visit
** (`bare`: for the client's own link, which shows nothing of the record but the program); in
** another language than English made again in it from the kb version it was made with. */
static void send_home(ctx *c, long id, int bare) {
  store_rows r;
  if (latest_home(c, id, &r)) return;
  buf prog;
  buf_init(&prog);
  if (strcmp(c->lang, "en")) {   /* another language: the program from its kb version, in it */
    home h;
    const kb *hk;
    if (load_home(c, id, &r, &h, &hk)) { buf_free(&prog); return; }
    sheet_home_json_lang(&prog, hk, &h, c->lang);
  } else {                       /* English: exactly as it was given */
    char err[512];
    int rc = record_home_load(c->s, c->a->k, strtol(store_cell(&r, 0, 2), NULL, 10), &prog, NULL, NULL, err, sizeof err);
    if (rc < 0) {
      store_rows_free(&r);
      buf_free(&prog);
      fail_rc(c, rc, err);
      return;
    }
  }
  ok_json(c);
  if (bare) buf_lit(&c->rs->body, "{\"date\":");
  else buf_printf(&c->rs->body, "{\"visit\":%s,\"date\":", store_cell(&r, 0, 0) ? store_cell(&r, 0, 0) : "null");
  buf_json_str(&c->rs->body, store_cell(&r, 0, 1));
  buf_lit(&c->rs->body, ",\"program\":");
  size_t n = prog.len;
  while (n && (prog.data[n - 1] == '\n' || prog.data[n - 1] == ' ')) n--;
  buf_append(&c->rs->body, prog.data, n);
  buf_putc(&c->rs->body, '}');
  store_rows_free(&r);
  buf_free(&prog);
}

static void h_home(ctx *c) {
  long id;
  if (path_client(c, &id, "read")) return;
  send_home(c, id, 0);
}

/* The client's latest home program of row r of latest_home in *h, and in *hk the kb version it
** was made with: derived from that version, or (a program kept as text by an older myomap)
** built again from its session log and the intake up to the visit.  r stays the caller's to
** free.  0, or -1 with r freed and the failure answered. */
static int load_home(ctx *c, long id, store_rows *r, home *h, const kb **hk) {
  char err[512];
  *hk = c->a->k;
  int rc = record_home_load(c->s, c->a->k, strtol(store_cell(r, 0, 2), NULL, 10), NULL, h, hk, err, sizeof err);
  if (rc < 0) {
    store_rows_free(r);
    fail_rc(c, rc, err);
    return -1;
  }
  if (rc > 0) return 0;
  buf log;
  buf_init(&log);
  session_summary sum;
  if (!store_cell(r, 0, 0) ||
      record_visit_log(c->s, c->a->k, strtol(store_cell(r, 0, 0), NULL, 10), 0, &log, err, sizeof err) ||
      session_read(c->a->k, log.data ? log.data : "", log.len, &sum, err, sizeof err)) {
    store_rows_free(r);
    buf_free(&log);
    FAIL(c, 404, "the home program's session log is missing");
    return -1;
  }
  buf_free(&log);
  home_build(c->a->k, &sum.in, sum.stopped, h);
  home_context hc;
  char day[11];
  snprintf(day, sizeof day, "%.10s", sum.started);
  int has_intake = record_home_context(c->s, c->a->k, id, day, &hc);
  home_perpetuating(c->a->k, has_intake > 0 ? &hc : NULL, h);
  return 0;
}

/* The client's latest home program as the printable handout (it names nobody), in c->lang. */
static void send_home_html(ctx *c, long id) {
  store_rows r;
  if (latest_home(c, id, &r)) return;
  home h;
  const kb *hk;
  if (load_home(c, id, &r, &h, &hk)) return;
  store_rows_free(&r);
  c->rs->status = 200;
  c->rs->type = "text/html; charset=utf-8";
  sheet_home_html_lang(&c->rs->body, hk, c->a->chart, &h, NULL, c->lang);
}

static void h_home_html(ctx *c) {
  long id;
  if (path_client(c, &id, "read")) return;
  send_home_html(c, id);
}

static void h_export(ctx *c) {
  long id;
  if (param_id(c, &id) || client_access(c, id)) return;
  const char *f = c->rq->query ? c->rq->query(c->rq->ctx, "format") : NULL;
  int csv = f && !strcmp(f, "csv");
  if (f && !csv && strcmp(f, "fhir")) { FAIL(c, 400, "format \"%s\": use fhir or csv", f); return; }
  audit(c, "export", id, csv ? "csv" : "fhir");
  char err[512];
  c->rs->status = 200;
  c->rs->type = csv ? "text/csv; charset=utf-8" : "application/fhir+json";
  int rc = csv ? export_csv(c->s, c->a->k, id, &c->rs->body, err, sizeof err)
               : export_fhir(c->s, c->a->k, id, &c->rs->body, err, sizeof err);
  if (rc) fail_rc(c, rc == -1 ? RECORD_ESTORE : rc, err);
}

/* The client of visit `visit`, checked for access. */
static int visit_client(ctx *c, long *visit, long *client) {
  if (param_id(c, visit)) return -1;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, *visit);
  if (store_exec_long(c->s, "SELECT client_id FROM visit WHERE id = $1", &a, client)) {
    FAIL(c, 404, "no visit %ld", *visit);
    return -1;
  }
  return client_access(c, *client);
}

static void h_careplan(ctx *c) {
  long id;
  if (path_client(c, &id, "read")) return;
  char err[512];
  ok_json(c);
  int rc = careplan_json(c->s, c->a->k, id, &c->rs->body, err, sizeof err);
  if (rc) fail_rc(c, rc, err);
}

static void h_careplan_put(ctx *c) {
  long id, visits;
  if (param_id(c, &id) || client_access(c, id)) return;
  careplan_in in;
  careplan_init(&in);
  if (field_str(c, "goals", &in.goals) || field_str(c, "frequency", &in.frequency) ||
      field_str(c, "reassess", &in.reassess) || field_str(c, "start", &in.start) ||
      field_int(c, "visits", 1, 100, 0, &visits))
    return;
  in.visits = (int)visits;
  json_t *t = json_object_get(c->body, "target");
  if (!json_is_object(t)) {
    FAIL(c, 400, "give the \"target\": {\"measure\":\"nprs\",\"value\":3} or {\"measure\":\"psfs\",\"activity\":\"...\",\"value\":7}");
    return;
  }
  json_t *m = json_object_get(t, "measure"), *v = json_object_get(t, "value"), *act = json_object_get(t, "activity");
  if (!json_is_string(m) || (strcmp(json_string_value(m), "nprs") && strcmp(json_string_value(m), "psfs"))) {
    FAIL(c, 400, "the target's \"measure\" is \"nprs\" or \"psfs\"");
    return;
  }
  if (!json_is_number(v)) { FAIL(c, 400, "the target's \"value\" is a number 0-10"); return; }
  if (act && !json_is_null(act) && !json_is_string(act)) { FAIL(c, 400, "the target's \"activity\" must be a string"); return; }
  in.kind = strcmp(json_string_value(m), "nprs") ? CAREPLAN_PSFS : CAREPLAN_NPRS;
  in.target = json_number_value(v);
  in.activity = json_string_value(act);
  if (!visits) { FAIL(c, 400, "give \"visits\": the visits planned, 1-100"); return; }
  char err[512];
  long pid;
  int rc = careplan_set(c->s, id, c->user.id, &in, &pid, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  char d[64];
  snprintf(d, sizeof d, "care plan %ld", pid);
  audit(c, "create", id, d);
  ok_json(c);
  rc = careplan_json(c->s, c->a->k, id, &c->rs->body, err, sizeof err);
  if (rc) fail_rc(c, rc, err);
}

/* The note's who and when, signature and addenda as JSON members (after a member). */
static int note_extra_json(ctx *c, long v, buf *b) {
  note_head h;
  char err[512];
  int rc = note_head_read(c->s, v, &h, err, sizeof err);
  store_rows ad;
  if (!rc) rc = note_addenda(c->s, v, &ad);
  if (rc) { FAIL(c, rc == NOTE_ENOTFOUND ? 404 : 503, "%s", rc == NOTE_ENOTFOUND ? err : "the database failed"); return -1; }
  buf_printf(b, ",\"client\":{\"id\":%ld,\"name\":", h.client);
  buf_json_str(b, h.client_name);
  buf_lit(b, ",\"birth\":");
  buf_json_str(b, h.birth);
  buf_lit(b, "},\"date\":");
  buf_json_str(b, h.date);
  buf_lit(b, ",\"started\":");
  buf_json_str(b, h.started);
  buf_lit(b, ",\"therapist\":");
  if (*h.therapist) buf_json_str(b, h.therapist); else buf_lit(b, "null");
  buf_lit(b, ",\"clinic\":");
  buf_json_str(b, h.clinic);
  buf_lit(b, ",\"signed\":");
  if (h.is_signed) {
    buf_lit(b, "{\"by\":");
    buf_json_str(b, h.signed_by);
    buf_lit(b, ",\"at\":");
    buf_json_str(b, h.signed_at);
    buf_lit(b, ",\"hash\":");
    buf_json_str(b, h.hash);
    buf_putc(b, '}');
  } else buf_lit(b, "null");
  buf_lit(b, ",\"addenda\":[");
  for (int i = 0; i < ad.nrow; i++) {
    buf_puts(b, i ? ",{\"by\":" : "{\"by\":");
    buf_json_str(b, store_cell(&ad, i, 0));
    buf_lit(b, ",\"at\":");
    buf_json_str(b, store_cell(&ad, i, 1));
    buf_lit(b, ",\"text\":");
    buf_json_str(b, store_cell(&ad, i, 2));
    buf_lit(b, ",\"hash\":");
    buf_json_str(b, store_cell(&ad, i, 3));
    buf_putc(b, '}');
  }
  buf_putc(b, ']');
  store_rows_free(&ad);
  return 0;
}

static void h_visit(ctx *c) {
  long v, client;
  if (visit_client(c, &v, &client)) return;
  char err[512];
  ok_json(c);
  int rc = record_visit_show(c->s, c->a->k, v, &c->rs->body, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  char d[64];
  snprintf(d, sizeof d, "visit %ld", v);
  audit(c, "read", client, d);
}

static void h_note(ctx *c) {
  long v, client;
  if (visit_client(c, &v, &client)) return;
  audit(c, "read", client, "note");
  note_head h;
  char err[512];
  int rc = note_head_read(c->s, v, &h, err, sizeof err);
  note n = {0, 0, 0, 0};
  if (rc || note_current(c->s, c->a->k, v, &n, err, sizeof err)) {
    FAIL(c, rc == NOTE_ENOTFOUND ? 404 : 503, "%s", err);
    return;
  }
  ok_json(c);
  buf *b = &c->rs->body;
  buf_printf(b, "{\"visit\":%ld,\"saved\":%s", v, h.saved ? "true" : "false");
  const char *sec[4] = {n.s, n.o, n.a, n.p};
  static const char *keys[4] = {"s", "o", "a", "p"};
  for (int i = 0; i < 4; i++) {
    buf_printf(b, ",\"%s\":", keys[i]);
    buf_json_str(b, sec[i]);
  }
  note_free(&n);
  if (note_extra_json(c, v, b)) return;
  buf_putc(b, '}');
}

static void h_note_save(ctx *c) {
  long v, client;
  if (visit_client(c, &v, &client)) return;
  const char *s, *o, *a, *p;
  if (field_str(c, "s", &s) || field_str(c, "o", &o) || field_str(c, "a", &a) || field_str(c, "p", &p)) return;
  if (!s || !o || !a || !p) { FAIL(c, 400, "give all four sections: \"s\", \"o\", \"a\", \"p\""); return; }
  note n = {(char *)s, (char *)o, (char *)a, (char *)p};
  char err[512];
  int rc = note_save(c->s, v, &n, err, sizeof err);
  if (rc == NOTE_ESIGNED) { FAIL(c, 409, "%s", err); return; }
  if (rc) { FAIL(c, 400, "%s", err); return; }
  audit(c, "update", client, "note");
  ok_lit(c, "{\"ok\":true}");
}

static void fail_note(ctx *c, int rc, const char *err) {
  int status = rc == NOTE_ESIGNED || rc == NOTE_EUNSIGNED ? 409 : rc == NOTE_EFORBIDDEN ? 403
             : rc == NOTE_ENOTFOUND ? 404 : rc == NOTE_EBAD ? 400 : 503;
  FAIL(c, status, "%s", err);
}

static void h_note_sign(ctx *c) {
  long v, client;
  if (visit_client(c, &v, &client)) return;
  char err[512];
  int rc = note_sign(c->s, c->a->k, v, c->user.id, c->user.name, err, sizeof err);
  if (rc == NOTE_EFORBIDDEN) audit(c, "denied", client, "sign note: not the visit's therapist");
  if (rc) { fail_note(c, rc, err); return; }
  char d[64];
  snprintf(d, sizeof d, "signed the note of visit %ld", v);
  audit(c, "sign", client, d);
  ok_json(c);
  buf_printf(&c->rs->body, "{\"visit\":%ld", v);
  if (note_extra_json(c, v, &c->rs->body)) return;
  buf_putc(&c->rs->body, '}');
}

static void h_addendum(ctx *c) {
  long v, client;
  if (visit_client(c, &v, &client)) return;
  const char *text;
  if (field_str(c, "text", &text)) return;
  if (!text) { FAIL(c, 400, "give the addendum's \"text\" (1 to 10,000 characters)"); return; }
  char err[512];
  int rc = note_addendum(c->s, v, c->user.id, c->user.name, text, err, sizeof err);
  if (rc) { fail_note(c, rc, err); return; }
  char d[64];
  snprintf(d, sizeof d, "addendum to the note of visit %ld", v);
  audit(c, "create", client, d);
  ok_json(c);
  buf_printf(&c->rs->body, "{\"visit\":%ld", v);
  if (note_extra_json(c, v, &c->rs->body)) return;
  buf_putc(&c->rs->body, '}');
}

static void h_note_html(ctx *c) {
  long v, client;
  if (visit_client(c, &v, &client)) return;
  char err[512];
  c->rs->status = 200;
  c->rs->type = "text/html; charset=utf-8";
  int rc = doc_note_html(c->s, c->a->k, v, &c->rs->body, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  audit(c, "print", client, "note");
}

static void h_record_html(ctx *c) {
  long id;
  if (param_id(c, &id) || client_access(c, id)) return;
  const char *from = c->rq->query ? c->rq->query(c->rq->ctx, "from") : NULL;
  const char *to = c->rq->query ? c->rq->query(c->rq->ctx, "to") : NULL;
  char err[512], d[80];
  c->rs->status = 200;
  c->rs->type = "text/html; charset=utf-8";
  int rc = doc_record_html(c->s, c->a->k, c->a->chart, id, from, to, &c->rs->body, err, sizeof err);
  if (rc) { fail_rc(c, rc, err); return; }
  snprintf(d, sizeof d, "record %.10s to %.10s", from && *from ? from : "start", to && *to ? to : "today");
  audit(c, "print", id, d);
}

/* ---- the session room ---------------------------------------------------------------------- */

static void fail_live(ctx *c, int rc, const char *err) {
  if (rc == LIVE_ENOTFOUND) FAIL(c, 404, "no session %.40s", c->param);
  else if (rc == LIVE_EGONE) FAIL(c, 410, "this session has ended");
  else if (rc == LIVE_ESTORE) FAIL(c, 503, "%s", err && *err ? err : "the database failed; nothing was changed");
  else if (rc == LIVE_ELIMIT) fail_code(c, 429, "limit", "%s", err);
  else FAIL(c, 400, "%s", err);
}

/* The session of the path, if the user may see it: 0, or -1 with the answer. */
static int path_live(ctx *c, long *client) {
  long therapist;
  int rc = live_owner(c->a->live, c->param, client, &therapist);
  if (rc) { fail_live(c, rc, ""); return -1; }
  if (!c->user.admin && therapist != c->user.id) {
    audit(c, "denied", *client, NULL);
    FAIL(c, 403, "this session is another therapist's");
    return -1;
  }
  return 0;
}

/* The audit row of a session-room call: what was done, to which session. */
static void audit_live(ctx *c, const char *action, long client, const char *what) {
  char d[160];
  snprintf(d, sizeof d, "session %.32s%s%s", c->param, what ? ": " : "", what ? what : "");
  audit(c, action, client, d);
}

/* The address the client's phone reaches the server at (BASE of the phone's links), raw:
** --public-url, else the scheme served and the request's Host when that is a plain host[:port]
** (letters, digits, '.', '-', ':' and an IPv6 literal's brackets; http.c has checked it names
** this server), else 127.0.0.1:8080. */
static void base_url(ctx *c, buf *b) {
  if (c->a->public_url) buf_puts(b, c->a->public_url);
  else {
    const char *h = c->rq->host;
    buf_puts(b, c->a->secure ? "https://" : "http://");
    int plain = h && *h && strlen(h) < 262 &&
                strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == strlen(h);
    buf_puts(b, plain ? h : "127.0.0.1:8080");
  }
}

/* The phone's join link, raw (callers escape it for where it goes): BASE/p/TOKEN. */
static void join_url(ctx *c, buf *b, const char *token) {
  base_url(c, b);
  buf_printf(b, "/p/%s", token);
}

/* The join object {"url":...,"token":...} into b, the url JSON-escaped. */
static void join_json(ctx *c, buf *b, const char *token) {
  buf url;
  buf_init(&url);
  join_url(c, &url, token);
  buf_lit(b, "{\"url\":");
  buf_json_str(b, url.data);
  buf_printf(b, ",\"token\":\"%s\"}", token);
  buf_free(&url);
}

static void state(ctx *c) {
  ok_json(c);
  buf_reset(&c->rs->body);
  int rc = live_state_lang(c->a->live, c->param, c->rq->now, &c->rs->body, c->lang);
  if (rc) fail_live(c, rc, "");
}

/* The state with the join link while the session runs. */
static void state_join(ctx *c) {
  state(c);
  char token[LIVE_ID_LEN + 1];
  buf *b = &c->rs->body;
  if (c->rs->status == 200 && b->len && live_token(c->a->live, c->param, token) == 0) {
    b->len--;   /* the state's closing brace */
    buf_lit(b, ",\"join\":");
    join_json(c, b, token);
    buf_putc(b, '}');
  }
}

static void h_sessions(ctx *c) {
  ok_json(c);
  char err[512];
  int rc = live_list(c->a->live, c->user.admin ? 0 : c->user.id, c->rq->now, &c->rs->body, err, sizeof err);
  if (rc) { fail_live(c, rc, err); return; }
  audit(c, "read", 0, "open sessions");
}

/* 1 if s is valid UTF-8 without control characters (a line of text for a person). */
static int text_plain(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) if (*p < 0x20 || *p == 0x7f) return 0;
  return utf8_ok(s);
}

static void h_session_new(ctx *c) {
  plan_input in;
  long client;
  if (plan_in(c, &in, &client)) return;
  if (!client) { FAIL(c, 400, "give the \"client\" the session is for"); return; }
  json_t *another = json_object_get(c->body, "another");
  if (another && !json_is_boolean(another)) { FAIL(c, 400, "\"another\" is true or false"); return; }
  const char *cleared;
  if (field_str(c, "cleared", &cleared)) return;
  if (cleared && (strlen(cleared) < 3 || strlen(cleared) > 500 || !text_plain(cleared))) {
    FAIL(c, 400, "\"cleared\" says who cleared the red-flag screen: 3-500 characters, no control characters");
    return;
  }
  buf refer, words;
  buf_init(&refer);
  buf_init(&words);
  int r = screen_refer(c, client, &refer, &words);
  if (r < 0 || (r > 0 && !cleared)) {
    if (r > 0) {
      audit(c, "denied", client, "session: the red-flag screen says refer");
      fail_code(c, 409, "refer", "the client's latest intake screen says refer: %s Say who cleared the client for "
                "treatment (\"cleared\") to start the session", words.data);
      c->rs->body.len -= 2;   /* the closing braces: add the screen's reasons */
      buf_lit(&c->rs->body, ",\"refer\":");
      buf_append(&c->rs->body, refer.data, refer.len);
      buf_lit(&c->rs->body, "}}");
    }
    buf_free(&refer);
    buf_free(&words);
    return;
  }
  char id[LIVE_ID_LEN + 1] = "", token[LIVE_ID_LEN + 1], err[512];
  int rc = live_create(c->a->live, client, c->user.id, &in, json_is_true(another), r > 0 ? cleared : NULL,
                       r > 0 ? words.data : NULL, c->rq->now, id, token, err, sizeof err);
  buf_free(&refer);
  buf_free(&words);
  if (rc == LIVE_EOPEN) {
    fail_code(c, 409, "open-session", "%s", err);
    c->rs->body.len -= 2;   /* the closing braces: add the open session */
    buf_lit(&c->rs->body, ",\"session\":");
    buf_json_str(&c->rs->body, id);
    buf_lit(&c->rs->body, "}}");
    return;
  }
  if (rc) { fail_live(c, rc, err); return; }
  snprintf(c->param, sizeof c->param, "%s", id);
  audit_live(c, "session-start", client, NULL);
  if (r > 0) audit_live(c, "refer-cleared", client, cleared);
  state(c);
  if (c->rs->status != 200) return;
  buf state;   /* {"id","join","state"} */
  state.data = c->rs->body.data; state.len = c->rs->body.len; state.cap = c->rs->body.cap;
  buf_init(&c->rs->body);
  buf *b = &c->rs->body;
  buf_lit(b, "{\"id\":");
  buf_json_str(b, id);
  buf_lit(b, ",\"join\":");
  join_json(c, b, token);
  buf_lit(b, ",\"state\":");
  buf_append(b, state.data, state.len);
  buf_putc(b, '}');
  buf_free(&state);
}

static void h_session(ctx *c) {
  long client;
  if (path_live(c, &client)) return;
  state_join(c);
  if (c->rs->status == 200) audit_live(c, "read", client, NULL);
}

static void h_session_pain(ctx *c, int post) {
  long client, pain;
  if (path_live(c, &client) || field_int(c, "pain", 0, 10, -1, &pain)) return;
  if (pain < 0) { FAIL(c, 400, "give \"pain\" 0-10"); return; }
  const char *rom = NULL, *strength = NULL, *note = NULL;
  if (post && (field_str(c, "rom", &rom) || field_str(c, "strength", &strength) || field_str(c, "note", &note))) return;
  char err[512];
  int rc = live_pain(c->a->live, c->param, post, (int)pain, rom, strength, note, c->rq->now, err, sizeof err);
  if (rc) { fail_live(c, rc, err); return; }
  audit_live(c, "update", client, post ? "pain after" : "pain before");
  state(c);
}

static void h_session_pre(ctx *c) { h_session_pain(c, 0); }
static void h_session_post(ctx *c) { h_session_pain(c, 1); }

static void h_session_hold(ctx *c) {
  long client, step;
  if (path_live(c, &client) || field_int(c, "step", 1, 1000, 0, &step)) return;
  char err[512], what[32];
  int rc = live_hold(c->a->live, c->param, (int)step, c->rq->now, err, sizeof err);
  if (rc == LIVE_ECONSENT) {
    fail_code(c, 409, "consent-needed", "%s", err);
    c->rs->body.len -= 2;   /* the closing braces: add the areas */
    buf_lit(&c->rs->body, ",\"areas\":");
    if (live_consent_needed(c->a->live, c->param, (int)step, &c->rs->body)) buf_lit(&c->rs->body, "[]");
    buf_lit(&c->rs->body, "}}");
    return;
  }
  if (rc) { fail_live(c, rc, err); return; }
  snprintf(what, sizeof what, "hold step %ld", step);
  audit_live(c, "update", client, what);
  state(c);
}

static void h_session_consent(ctx *c) {
  long client;
  if (path_live(c, &client)) return;
  json_t *list = json_object_get(c->body, "areas"), *w = json_object_get(c->body, "withdrawn"), *v;
  const char *how;
  if (field_str(c, "how", &how)) return;
  if (w && !json_is_boolean(w)) { FAIL(c, 400, "\"withdrawn\" is true or false"); return; }
  int withdrawn = json_is_true(w);
  if (!json_is_array(list) || !json_array_size(list) || json_array_size(list) > LIVE_MAX_AREAS) {
    FAIL(c, 400, "give \"areas\": 1-%d sensitive area ids (GET /api/sensitive-areas lists them)", LIVE_MAX_AREAS);
    return;
  }
  if (!withdrawn && (!how || (strcmp(how, "verbal") && strcmp(how, "written")))) {
    FAIL(c, 400, "say how consent was given: \"how\": \"verbal\" or \"written\"");
    return;
  }
  int areas[LIVE_MAX_AREAS], n = 0;
  size_t i;
  json_array_foreach(list, i, v) {
    int a = json_is_string(v) ? kb_find_term(c->a->k, KB_SENSITIVE, json_string_value(v)) : -1;
    if (a < 0) { FAIL(c, 400, "area %zu: not a sensitive area id (GET /api/sensitive-areas lists them)", i + 1); return; }
    int dup = 0;
    for (int j = 0; j < n; j++) dup |= areas[j] == a;
    if (!dup) areas[n++] = a;
  }
  char err[512];
  int rc = live_consent(c->a->live, c->param, areas, n, how && !strcmp(how, "written"), withdrawn, c->rq->now, err, sizeof err);
  if (rc) { fail_live(c, rc, err); return; }
  buf d;
  buf_init(&d);
  buf_puts(&d, withdrawn ? "consent withdrawn:" : !strcmp(how, "written") ? "written consent:" : "verbal consent:");
  for (int j = 0; j < n; j++) { buf_putc(&d, ' '); buf_puts(&d, kb_term_at(c->a->k, KB_SENSITIVE, areas[j])->id); }
  audit_live(c, "consent", client, d.data);
  buf_free(&d);
  state(c);
}

static void h_sensitive(ctx *c) {
  const kb *k = c->a->k;
  ok_json(c);
  buf *b = &c->rs->body;
  buf_lit(b, "{\"areas\":[");
  for (int a = 0; a < kb_n_terms(k, KB_SENSITIVE); a++) {
    const kb_term *t = kb_term_at(k, KB_SENSITIVE, a);
    buf_puts(b, a ? ",{\"id\":" : "{\"id\":");
    buf_json_str(b, t->id);
    buf_lit(b, ",\"label\":");
    buf_json_str(b, kb_term_text(k, c->lang, KB_SENSITIVE, a, "label"));
    buf_lit(b, ",\"why\":");
    buf_json_str(b, t->text);
    buf_lit(b, ",\"regions\":[");
    for (int r = 0; r < t->n_regions; r++) { if (r) buf_putc(b, ','); buf_json_str(b, body_base_id(kb_body(k), t->regions[r])); }
    buf_lit(b, "],\"sources\":[");
    for (int j = 0; j < t->n_sources; j++) {
      if (j) buf_putc(b, ',');
      buf_json_str(b, kb_term_at(k, KB_SOURCE, t->sources[j].source)->id);
    }
    buf_lit(b, "]}");
  }
  buf_lit(b, "]}");
}

static void h_session_event(ctx *c) {
  long client, value;
  const char *event;
  if (path_live(c, &client) || field_str(c, "event", &event) || field_int(c, "value", 0, 10, -1, &value)) return;
  char err[512];
  ok_json(c);
  int rc = live_event(c->a->live, c->param, event, (int)value, 0, c->rq->now, &c->rs->body, err, sizeof err);
  if (rc) { fail_live(c, rc, err); return; }
  audit_live(c, "update", client, "event");
}

static void h_session_stop(ctx *c) {
  long client;
  if (path_live(c, &client)) return;
  char err[512];
  int rc = live_stop(c->a->live, c->param, c->rq->now, err, sizeof err);
  if (rc) { fail_live(c, rc, err); return; }
  audit_live(c, "update", client, "stop hold");
  state(c);
}

static void h_session_end(ctx *c) {
  long client, visit = 0;
  if (path_live(c, &client)) return;
  char err[512];
  int rc = live_end(c->a->live, c->param, c->rq->now, &visit, err, sizeof err);
  if (rc == LIVE_EGONE) { FAIL(c, 409, "this session has ended and was stored already"); return; }
  if (rc) { fail_live(c, rc, err); return; }
  char d[64];
  snprintf(d, sizeof d, "visit %ld", visit);
  audit_live(c, "create", client, d);
  ok_json(c);
  buf_printf(&c->rs->body, "{\"visit\":%ld}", visit);
}

static void h_session_cancel(ctx *c) {
  long client;
  const char *reason;
  if (path_live(c, &client) || field_str(c, "reason", &reason)) return;
  if (!reason || !*reason || strlen(reason) > 500) {
    FAIL(c, 400, "say why the session is cancelled (\"reason\", up to 500 characters)");
    return;
  }
  char err[512];
  int rc = live_cancel(c->a->live, c->param, reason, c->rq->now, err, sizeof err);
  if (rc) { fail_live(c, rc, err); return; }
  audit_live(c, "session-cancel", client, reason);
  state(c);
}

static void h_session_events(ctx *c) {
  long client;
  if (path_live(c, &client)) return;
  /* where to begin: after the Last-Event-ID of a reconnecting stream, else after ?since=N (the
  ** state's "events", so a screen that has read the state gets only what follows), else all */
  const char *from = c->rq->last_event_id && *c->rq->last_event_id ? c->rq->last_event_id
                   : c->rq->query ? c->rq->query(c->rq->ctx, "since") : NULL;
  if (from) {
    char *end;
    unsigned long n = strtoul(from, &end, 10);
    if (!*from || *end || n > 1000000000UL) { FAIL(c, 400, "since (or Last-Event-ID) is a count of events, not \"%.20s\"", from); return; }
    c->rs->stream_from = n;
  }
  audit_live(c, "read", client, "events");
  c->rs->status = 200;
  c->rs->type = "text/event-stream";
  snprintf(c->rs->stream, sizeof c->rs->stream, "%.32s", c->param);
}

/* The QR code of `text` as SVG appended to b, with `title` (static text, no markup): black
** modules on white with a quiet zone of four.  0, or -1 when libqrencode cannot encode it. */
static int qr_svg(buf *b, const char *text, const char *title) {
  QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q) return -1;
  int w = q->width, m = 4;
  buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
                "<title>%s</title><rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/><path d=\"",
             w + 2 * m, w + 2 * m, title);
  for (int y = 0; y < w; y++)
    for (int x = 0; x < w; x++)
      if (q->data[y * w + x] & 1) buf_printf(b, "M%d %dh1v1h-1z", x + m, y + m);
  buf_lit(b, "\" fill=\"#000\"/></svg>");
  QRcode_free(q);
  return 0;
}

static void h_session_qr(ctx *c) {
  long client;
  if (path_live(c, &client)) return;
  char token[LIVE_ID_LEN + 1];
  if (live_token(c->a->live, c->param, token)) { FAIL(c, 410, "this session has ended"); return; }
  buf url;
  buf_init(&url);
  join_url(c, &url, token);
  buf_reset(&c->rs->body);
  int rc = qr_svg(&c->rs->body, url.data, "Scan to join this session");
  buf_free(&url);
  if (rc) { FAIL(c, 500, "could not make the QR code"); return; }
  audit_live(c, "read", client, "join code");
  c->rs->status = 200;
  c->rs->type = "image/svg+xml";
}

/* The phone's calls are audited as the client's own (no account). */
static void audit_phone(ctx *c, long client, const char *what) { audit(c, "phone", client, what); }

static void h_phone(ctx *c) {
  ok_json(c);
  long client = 0;
  int rc = live_phone_state(c->a->live, c->param, c->rq->now, &client, &c->rs->body);
  if (rc == LIVE_ESTORE) { FAIL(c, 503, "the database failed: try again"); return; }
  if (rc) { FAIL(c, 410, "this link has expired: the session has ended, or the link is wrong"); return; }
  audit_phone(c, client, "joined or read the session");
}

static void h_phone_event(ctx *c) {
  const char *event;
  long value, client = 0;
  if (field_str(c, "event", &event) || field_int(c, "value", 0, 10, -1, &value)) return;
  char err[512];
  int rc = live_phone_event(c->a->live, c->param, event, (int)value, c->rq->now, &client, err, sizeof err);
  if (rc == LIVE_ENOTFOUND) FAIL(c, 410, "this link has expired: the session has ended, or the link is wrong");
  else if (rc) fail_live(c, rc, err);
  else {
    ok_lit(c, "{\"ok\":true}");
    char d[64];
    snprintf(d, sizeof d, "event %.40s", event ? event : "");
    audit_phone(c, client, d);
  }
}

/* ---- the client's own links: the intake before a visit, the home program after -------------
** A link is a random token (links.h) for one client; the store keeps its hash.  The therapist
** makes, lists and revokes them; the client's phone opens them with no account, and what it
** does there is audited as the client's own (user 0, the client's id). */

/* The consent the client agrees to on their own intake form (its id goes to the audit row). */
static const char consent_id[] = "intake-consent-1";
static const char consent_text[] =
  "I agree to myofascial treatment by my therapist, who has told me what it involves. I understand that "
  "pressure on trigger points can be uncomfortable and that I may be sore for a day or two. I will say at "
  "once when something hurts too much, feels sharp, shooting or numb, and I may stop the treatment at any "
  "time. What I have written here is true to the best of my knowledge, and my therapist keeps it in my "
  "record to plan my care.";
/* The same consent in French (fr-CA): the client agrees to what they read. */
static const char consent_text_fr[] =
  "J'accepte de recevoir un traitement myofascial de ma ou mon massothérapeute, qui m'a expliqué en quoi "
  "il consiste. Je comprends que la pression sur les points gâchettes peut être inconfortable et que je "
  "pourrais avoir des courbatures pendant un jour ou deux. Je dirai tout de suite si quelque chose fait "
  "trop mal, ou si je ressens une douleur vive, en éclair ou un engourdissement, et je peux arrêter le "
  "traitement en tout temps. Ce que j'ai écrit ici est vrai au meilleur de ma connaissance, et ma ou mon "
  "massothérapeute le garde dans mon dossier pour planifier mes soins.";
/* Each language's consent: the form gives its id back, and the audit row names the text read. */
static const struct { const char *id, *lang, *text; } consents[] = {
  {consent_id, "en", consent_text}, {"intake-consent-1-fr", "fr", consent_text_fr}};
#define N_CONSENTS ((int)(sizeof consents / sizeof consents[0]))
static int consent_of(const char *lang) {
  for (int i = 0; i < N_CONSENTS; i++) if (!strcmp(consents[i].lang, lang)) return i;
  return 0;
}

/* BASE/i/TOKEN (intake) or BASE/h/TOKEN (home), raw. */
static void link_url(ctx *c, buf *b, int kind, const char *token) {
  base_url(c, b);
  buf_printf(b, "/%c/%s", kind == LINKS_INTAKE ? 'i' : 'h', token);
}

static const char *link_title(int kind) {
  return kind == LINKS_INTAKE ? "Scan to fill in your intake form" : "Scan to open your home program";
}

static void fail_links(ctx *c, int rc) {
  if (rc == LINKS_ELIMIT) fail_code(c, 429, "limit", "this client has %d usable links already: revoke some first", LINKS_PER_CLIENT);
  else if (rc == LINKS_ENOTFOUND) FAIL(c, 404, "no link %.40s", c->param);
  else FAIL(c, 503, "the database failed: %s", store_error(c->s));
}

/* POST /api/clients/ID/intake-link and /home-link: {"id","kind","url","token","expires","qr"};
** the token is shown here once (the store keeps only its hash). */
static void link_new(ctx *c, int kind) {
  long id;
  if (param_id(c, &id) || client_access(c, id)) return;
  char token[LINKS_TOKEN_LEN + 1], ts[21], d[64];
  links_link l;
  int rc = links_create(c->s, id, c->user.id, kind, c->rq->now, token, &l);
  if (rc) { fail_links(c, rc); return; }
  snprintf(d, sizeof d, "%s link %ld", links_kind_name(kind), l.id);
  audit(c, "link-create", id, d);
  buf url;
  buf_init(&url);
  link_url(c, &url, kind, token);
  links_time(l.expires, ts);
  ok_json(c);
  buf *b = &c->rs->body;
  buf_printf(b, "{\"id\":%ld,\"kind\":\"%s\",\"url\":", l.id, links_kind_name(kind));
  buf_json_str(b, url.data);
  buf_printf(b, ",\"token\":\"%s\",\"expires\":\"%s\",\"qr\":", token, ts);
  buf svg;
  buf_init(&svg);
  if (qr_svg(&svg, url.data, link_title(kind))) buf_lit(b, "null"); else buf_json_str(b, svg.data);
  buf_putc(b, '}');
  buf_free(&svg);
  buf_free(&url);
  sodium_memzero(token, sizeof token);
}

static void h_intake_link_new(ctx *c) { link_new(c, LINKS_INTAKE); }
static void h_home_link_new(ctx *c) { link_new(c, LINKS_HOME); }

static void h_links(ctx *c) {
  long id;
  if (path_client(c, &id, "read")) return;
  ok_json(c);
  if (links_list(c->s, id, c->rq->now, &c->rs->body)) FAIL(c, 503, "the database failed: %s", store_error(c->s));
}

/* The link of the path (/api/links/LINKID/...), if the user may see its client: 0, or -1. */
static int path_link(ctx *c, links_link *l) {
  long id;
  if (param_id(c, &id)) return -1;
  int rc = links_get(c->s, id, l);
  if (rc) { fail_links(c, rc); return -1; }
  return client_access(c, l->client);
}

/* POST /api/links/LINKID/revoke: the link is dead at once; answers it as GET .../links lists it. */
static void h_link_revoke(ctx *c) {
  links_link l;
  if (path_link(c, &l)) return;
  int rc = links_revoke(c->s, l.client, l.id, c->rq->now);
  if (!rc) rc = links_get(c->s, l.id, &l);
  if (rc) { fail_links(c, rc); return; }
  char d[64];
  snprintf(d, sizeof d, "%s link %ld", links_kind_name(l.kind), l.id);
  audit(c, "link-revoke", l.client, d);
  ok_json(c);
  links_json(&c->rs->body, &l, c->rq->now);
}

/* GET /api/links/LINKID/qr.svg?token=TOKEN: the link's QR code again (the store has no token to
** make it from: the screen that made the link gives it back). */
static void h_link_qr(ctx *c) {
  links_link l, t;
  if (path_link(c, &l)) return;
  const char *token = c->rq->query ? c->rq->query(c->rq->ctx, "token") : NULL, *why;
  int rc = token ? links_find(c->s, token, l.kind, c->rq->now, &t, &why) : LINKS_ENOTFOUND;
  if (rc == LINKS_ESTORE) { fail_links(c, rc); return; }
  if ((rc && rc != LINKS_EGONE) || t.id != l.id) { FAIL(c, 404, "give the link's token: ?token=... (as made)"); return; }
  if (rc == LINKS_EGONE) { FAIL(c, 410, "this link is %s: make a new one", why); return; }
  buf url;
  buf_init(&url);
  link_url(c, &url, l.kind, token);
  rc = qr_svg(&c->rs->body, url.data, link_title(l.kind));
  buf_free(&url);
  if (rc) { FAIL(c, 500, "could not make the QR code"); return; }
  char d[64];
  snprintf(d, sizeof d, "QR code of %s link %ld", links_kind_name(l.kind), l.id);
  audit(c, "read", l.client, d);
  c->rs->status = 200;
  c->rs->type = "image/svg+xml";
}

/* The client's link of the path's token (public routes): 0 and *l, or -1 with the answer: 404 for
** a token that names no link of this kind (checked: malformed, unknown, or the other kind's), 410
** for one that expired, was revoked or (intake) was sent already, audited as the client's. */
static int path_token(ctx *c, int kind, links_link *l, const char *refused) {
  const char *why;
  int rc = links_find(c->s, c->param, kind, c->rq->now, l, &why);
  if (rc == LINKS_ENOTFOUND) {
    FAIL(c, 404, "no such %s link: check the address, or ask your therapist for a new link",
         kind == LINKS_INTAKE ? "intake" : "home program");
    return -1;
  }
  if (rc == LINKS_ESTORE) { FAIL(c, 503, "the database failed: try again in a moment"); return -1; }
  if (rc == LINKS_EGONE) {
    char d[80];
    snprintf(d, sizeof d, "%s link %ld refused: %s", links_kind_name(kind), l->id, why);
    audit_as(c, 0, refused, l->client, d);
    if (!strcmp(why, "used")) FAIL(c, 410, "this form was sent already, thank you: ask your therapist if something needs changing");
    else if (!strcmp(why, "revoked")) FAIL(c, 410, "this link was withdrawn by your therapist: ask them for a new one");
    else FAIL(c, 410, "this link has expired: ask your therapist for a new one");
    return -1;
  }
  return 0;
}

/* The questions of the client's intake form, from the knowledge base and the screen. */
static void intake_questions(ctx *c, buf *b) {
  const kb *k = c->a->k;
  buf_lit(b, "{\"red_flags\":[");
  for (int i = 0; i < N_FLAGS; i++) {
    buf_printf(b, "%s{\"id\":\"%s\",\"question\":", i ? "," : "", present_flag_name(i));
    buf_json_str(b, screen_question_lang(i, c->lang));
    buf_putc(b, '}');
  }
  buf_lit(b, "],\"qualities\":[");
  for (int q = 1; q < N_QUALITIES; q++) {
    const char *id = present_quality_name(q);
    int t = kb_find_term(k, KB_SENSATION, id);
    buf_printf(b, "%s{\"id\":\"%s\",\"label\":", q > 1 ? "," : "", id);
    buf_json_str(b, t >= 0 ? kb_term_text(k, c->lang, KB_SENSATION, t, "label") : id);
    buf_putc(b, '}');
  }
  buf_lit(b, "],\"activities\":[");
  for (int i = 0; i < kb_n_terms(k, KB_ACTIVITY); i++) {
    const kb_term *t = kb_term_at(k, KB_ACTIVITY, i);
    buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    buf_json_str(b, t->id);
    buf_lit(b, ",\"label\":");
    buf_json_str(b, kb_term_text(k, c->lang, KB_ACTIVITY, i, "label"));
    buf_putc(b, '}');
  }
  buf_lit(b, "],\"onsets\":[");
  for (int o = 1; o < N_ONSETS; o++) {
    buf_printf(b, "%s{\"id\":\"%s\",\"label\":", o > 1 ? "," : "", present_onset_name(o));
    buf_json_str(b, present_onset_label_lang(o, c->lang));
    buf_putc(b, '}');
  }
  buf_lit(b, "],\"contraindications\":[");
  for (int i = 0, first = 1; i < kb_n_terms(k, KB_CONTRA); i++) {
    const kb_term *t = kb_term_at(k, KB_CONTRA, i);
    if (!t->question) continue;
    buf_puts(b, first ? "{\"id\":" : ",{\"id\":");
    first = 0;
    buf_json_str(b, t->id);
    buf_lit(b, ",\"question\":");
    buf_json_str(b, kb_term_text(k, c->lang, KB_CONTRA, i, "question"));
    buf_putc(b, '}');
  }
  buf_printf(b, "],\"consent\":{\"id\":\"%s\",\"text\":", consents[consent_of(c->lang)].id);
  buf_json_str(b, consents[consent_of(c->lang)].text);
  buf_printf(b, "}},\"limits\":{\"regions\":%d,\"activities\":%d,\"goals\":4000,\"history\":20000}", PRESENT_MAX_PAIN,
             PRESENT_MAX_CONTEXT);
}

/* GET /api/intake/TOKEN (public): {"kind","expires","questions":{...},"limits":{...}}: what the
** form asks, nothing of the record. */
static void h_client_intake_get(ctx *c) {
  links_link l;
  if (path_token(c, LINKS_INTAKE, &l, "client-intake-refused")) return;
  char ts[21], d[64];
  links_time(l.expires, ts);
  snprintf(d, sizeof d, "opened intake link %ld", l.id);
  audit_as(c, 0, "client-intake", l.client, d);
  ok_json(c);
  buf_printf(&c->rs->body, "{\"kind\":\"intake\",\"expires\":\"%s\",\"questions\":", ts);
  intake_questions(c, &c->rs->body);
  buf_putc(&c->rs->body, '}');
}

/* Read the client's form into a presentation (as the therapist's intake is read, so with the
** same checks and messages) and the answers beside it.  0, or -1 with a 400. */
typedef struct client_form {
  present p;
  record_intake in;
  int consent;                 /* 1, 0, or -1 not given */
  const char *consent_id;      /* the consent text the client read ("consent_id", else English) */
  const char *history;         /* NULL: not given */
  plan_contra contras[PLAN_MAX_CONTRAS]; int n_contras;   /* answered yes */
  int urgent;                  /* the screen found something urgent */
} client_form;

static int read_form(ctx *c, client_form *f) {
  const kb *k = c->a->k;
  json_t *pain = json_object_get(c->body, "pain"), *flags = json_object_get(c->body, "red_flags"),
         *acts = json_object_get(c->body, "activities"), *onset = json_object_get(c->body, "onset"),
         *contras = json_object_get(c->body, "contraindications"), *cons = json_object_get(c->body, "consent");
  if (!json_is_array(pain) || !json_array_size(pain)) {
    FAIL(c, 400, "mark where it hurts: \"pain\" is a list of {\"region\",\"intensity\" 0-10,\"quality\"}, at least one");
    return -1;
  }
  if (json_array_size(pain) > PRESENT_MAX_PAIN) { FAIL(c, 400, "at most %d painful regions", PRESENT_MAX_PAIN); return -1; }
  if (!json_is_object(flags)) {
    FAIL(c, 400, "answer every question about warning signs: \"red_flags\" is {\"fever\":\"yes\"|\"no\", ...}");
    return -1;
  }
  /* each answer yes or no (true/false too): the client answers every question, so none is
  ** "not asked"; kept as {"fever":"no",...} so that a no is stored apart from not asked */
  json_t *pj = json_object(), *fl = json_object();
  const char *key;
  json_t *v;
  json_object_foreach(flags, key, v) {
    int bit = -1;
    for (int i = 0; i < N_FLAGS; i++) if (!strcmp(key, present_flag_name(i))) bit = i;
    const char *s = json_string_value(v);
    int yes = json_is_true(v) || (s && !strcmp(s, "yes")), no = json_is_false(v) || (s && !strcmp(s, "no"));
    if (bit < 0 || !(yes || no)) {
      FAIL(c, 400, bit < 0 ? "red_flags: \"%.40s\" is not one of the questions" : "red_flags: answer \"%.40s\" yes or no", key);
      json_decref(pj), json_decref(fl);
      return -1;
    }
    json_object_set_new(fl, key, json_string(yes ? "yes" : "no"));
  }
  for (int i = 0; i < N_FLAGS; i++)
    if (!json_object_get(flags, present_flag_name(i))) {
      FAIL(c, 400, "answer every question about warning signs: \"%s\" (%s) is not answered", present_flag_name(i), screen_question(i));
      json_decref(pj), json_decref(fl);
      return -1;
    }
  if (acts && !json_is_null(acts) && (!json_is_array(acts) || json_array_size(acts) > PRESENT_MAX_CONTEXT)) {
    FAIL(c, 400, "\"activities\" is a list of at most %d activity ids", PRESENT_MAX_CONTEXT);
    json_decref(pj), json_decref(fl);
    return -1;
  }
  if (onset && !json_is_null(onset) && !json_is_string(onset)) {
    FAIL(c, 400, "\"onset\" is one of the onset ids");
    json_decref(pj), json_decref(fl);
    return -1;
  }
  json_object_set(pj, "pain", pain);
  json_object_set_new(pj, "flags", fl);
  if (json_is_array(acts)) json_object_set(pj, "context", acts);
  if (json_is_string(onset)) json_object_set(pj, "onset", onset);
  char *text = json_dumps(pj, JSON_COMPACT);
  json_decref(pj);
  char err[512];
  int rc = text ? present_parse_json(k, text, strlen(text), &f->p, err, sizeof err) : -1;
  free(text);
  if (rc) { FAIL(c, 400, "%s", text ? err : "the form could not be read"); return -1; }
  for (int i = 0; i < f->p.n_pain; i++)
    if (f->p.pain[i].intensity < 0) {
      FAIL(c, 400, "pain[%d]: how strong is the pain at %s? give its \"intensity\" 0-10", i,
           body_at(kb_body(k), f->p.pain[i].region)->id);
      return -1;
    }
  record_intake_init(&f->in);
  f->in.drawing = &f->p;
  f->in.by_client = 1;
  long stress, nprs;
  if (field_str(c, "goals", &f->in.goals) || field_str(c, "history", &f->history) ||
      field_num(c, "desk_hours", 0, 24, -1, &f->in.desk_hours) || field_num(c, "training_hours", 0, 168, -1, &f->in.training_hours) ||
      field_num(c, "sleep_hours", 0, 24, -1, &f->in.sleep_hours) || field_int(c, "stress", 0, 10, -1, &stress) ||
      field_int(c, "nprs", 0, 10, -1, &nprs))
    return -1;
  f->in.stress = (int)stress;
  f->in.nprs = (int)nprs;
  if (f->history) {
    size_t chars = 0;
    for (const char *p = f->history; *p; p++) chars += (*p & 0xc0) != 0x80;
    if (chars > 20000) { FAIL(c, 400, "the health history is too long (%zu characters; at most 20000)", chars); return -1; }
  }
  if (cons && !json_is_boolean(cons)) { FAIL(c, 400, "\"consent\" is true (I agree) or false"); return -1; }
  f->consent = cons ? json_is_true(cons) : -1;
  json_t *cid = json_object_get(c->body, "consent_id");
  f->consent_id = consents[0].id;
  if (cid && !json_is_null(cid)) {
    int k = -1;
    for (int i = 0; json_is_string(cid) && i < N_CONSENTS; i++) if (!strcmp(json_string_value(cid), consents[i].id)) k = i;
    if (k < 0) { FAIL(c, 400, "\"consent_id\" is the id of the consent the form gave (%s or %s)", consents[0].id, consents[1].id); return -1; }
    f->consent_id = consents[k].id;
  }
  f->n_contras = 0;
  if (contras && !json_is_null(contras)) {
    if (!json_is_object(contras)) { FAIL(c, 400, "\"contraindications\" is {\"anticoagulants\":true|false, ...}"); return -1; }
    json_object_foreach(contras, key, v) {
      int ci = kb_find_term(k, KB_CONTRA, key);
      if (ci < 0 || !kb_term_at(k, KB_CONTRA, ci)->question) {
        FAIL(c, 400, "contraindications: \"%.40s\" is not one of the questions", key);
        return -1;
      }
      if (!json_is_boolean(v)) { FAIL(c, 400, "contraindications: answer \"%.40s\" true or false", key); return -1; }
      if (json_is_true(v) && f->n_contras < PLAN_MAX_CONTRAS) {
        f->contras[f->n_contras].contra = ci;
        f->contras[f->n_contras++].region = -1;
      }
    }
  }
  screen_result sr;
  screen_run(k, &f->p, &sr);
  f->urgent = sr.level == SCREEN_URGENT;
  return 0;
}

/* The client's answers on the record: consent, the history (added to what the record holds, dated),
** the contraindications answered yes (added to the record's).  Inside the caller's transaction. */
static int form_to_client(ctx *c, long client, const client_form *f, char *err, size_t errlen) {
  if (f->consent < 0 && !f->history && !f->n_contras) return 0;
  record_client rc0;
  record_client_init(&rc0);
  rc0.consent = f->consent;
  buf hist;
  buf_init(&hist);
  int rc = 0;
  if (f->history && *f->history) {
    store_args a;
    store_args_init(&a);
    store_arg_int(&a, client);
    store_rows r;
    if (store_exec(c->s, "SELECT history FROM client WHERE id = $1", &a, &r)) {
      snprintf(err, errlen, "the database failed: %s", store_error(c->s));
      return RECORD_ESTORE;
    }
    const char *old = store_cell(&r, 0, 0);
    char today[11];
    util_today(today);
    if (old && *old) buf_printf(&hist, "%s\n\n", old);
    buf_printf(&hist, "From the client's intake form, %s:\n%s", today, f->history);
    store_rows_free(&r);
    rc0.history = hist.data;
  }
  if (f->n_contras) {
    plan_input in;
    memset(&in, 0, sizeof in);
    rc = record_client_contras(c->s, client, &in, c->a->k, err, errlen);
    for (int i = 0; !rc && i < f->n_contras; i++) {
      int dup = 0;
      for (int j = 0; j < in.n_contras; j++) dup |= in.contras[j].contra == f->contras[i].contra;
      if (!dup && in.n_contras < PLAN_MAX_CONTRAS) in.contras[in.n_contras++] = f->contras[i];
    }
    memcpy(rc0.contras, in.contras, sizeof in.contras);
    rc0.n_contras = in.n_contras;
    rc0.set_contras = 1;
  }
  if (!rc) rc = record_client_edit(c->s, c->a->k, client, &rc0, err, errlen);
  buf_free(&hist);
  return rc;
}

/* POST /api/intake/TOKEN (public): the client's own intake, stored as any intake is (source
** 'client'), their answers on the record, and the link used, in one transaction: bad input, a
** used link or a failed write store nothing and leave the link as it was. */
static void h_client_intake_post(ctx *c) {
  links_link l;
  if (path_token(c, LINKS_INTAKE, &l, "client-intake-refused")) return;
  client_form *f = xcalloc(1, sizeof *f);
  char err[512];
  long iid = 0;
  if (read_form(c, f)) {
    char d[160];
    snprintf(d, sizeof d, "intake link %ld: form refused, nothing stored", l.id);
    audit_as(c, 0, "client-intake-refused", l.client, d);
    free(f);
    return;
  }
  int rc = store_begin(c->s) ? RECORD_ESTORE : 0;
  if (!rc) rc = record_intake_add(c->s, c->a->k, l.client, &f->in, &iid, err, sizeof err);
  if (!rc) {
    int u = links_use(c->s, l.id, iid, c->rq->now);
    if (u == LINKS_EGONE) { store_rollback(c->s); FAIL(c, 410, "this form was sent already, thank you"); free(f); return; }
    if (u) { rc = RECORD_ESTORE; snprintf(err, sizeof err, "the database failed: %s", store_error(c->s)); }
  }
  if (!rc) rc = form_to_client(c, l.client, f, err, sizeof err);
  if (!rc && store_commit(c->s)) { rc = RECORD_ESTORE; snprintf(err, sizeof err, "the database failed: %s", store_error(c->s)); }
  if (rc) {
    store_rollback(c->s);
    char d[160];
    snprintf(d, sizeof d, "intake link %ld: form refused, nothing stored", l.id);
    audit_as(c, 0, "client-intake-refused", l.client, d);
    fail_rc(c, rc, rc == RECORD_ESTORE ? "the database failed; nothing was stored: try again" : err);
    free(f);
    return;
  }
  char d[200];
  snprintf(d, sizeof d, "filled intake %ld from intake link %ld%s%s", iid, l.id,
           f->consent == 1 ? "; consent given (" : f->consent == 0 ? "; consent refused (" : "",
           f->consent >= 0 ? f->consent_id : "");
  if (f->consent >= 0) snprintf(d + strlen(d), sizeof d - strlen(d), ")");
  audit_as(c, 0, "client-intake", l.client, d);
  ok_json(c);
  buf_printf(&c->rs->body, "{\"ok\":true,\"urgent\":%s}", f->urgent ? "true" : "false");
  free(f);
}

/* GET /api/home/TOKEN (public) and /api/home/TOKEN.html: the client's latest home program,
** {"date","expires","program"} or the printable handout; each open counted and audited. */
static void h_client_home(ctx *c) {
  size_t n = strlen(c->param);
  int html = n > 5 && !strcmp(c->param + n - 5, ".html");
  if (html) c->param[n - 5] = 0;
  links_link l;
  if (path_token(c, LINKS_HOME, &l, "client-home-refused")) return;
  int rc = links_use(c->s, l.id, 0, c->rq->now);
  if (rc == LINKS_EGONE) { FAIL(c, 410, "this link has expired: ask your therapist for a new one"); return; }
  if (rc) { FAIL(c, 503, "the database failed: try again in a moment"); return; }
  char d[64];
  snprintf(d, sizeof d, "opened home link %ld (%s)", l.id, html ? "handout" : "program");
  audit_as(c, 0, "client-home", l.client, d);
  if (html) { send_home_html(c, l.client); return; }
  send_home(c, l.client, 1);
  buf *b = &c->rs->body;
  if (c->rs->status == 200 && b->len && b->data[b->len - 1] == '}') {
    char ts[21];
    links_time(l.expires, ts);
    b->len--;
    buf_printf(b, ",\"expires\":\"%s\"}", ts);
  }
}

/* GET /api/clients/ID: each intake with its red-flag screen and ranking ("where", as
** POST .../intakes answers), whoever filled it. */
static void intakes_where(ctx *c) {
  json_t *root = json_loadb(c->rs->body.data, c->rs->body.len, 0, NULL), *ins = json_object_get(root, "intakes");
  size_t i;
  json_t *it;
  json_array_foreach(ins, i, it) {
    json_t *pj = json_object(), *pain = json_array(), *ctxs = json_array(), *fl = json_array(), *e;
    size_t j;
    json_array_foreach(json_object_get(it, "pain"), j, e) {
      json_t *q = json_object_get(e, "quality");
      json_array_append_new(pain, json_pack("{sOsOsO}", "region", json_object_get(e, "region"), "intensity",
                                            json_object_get(e, "intensity"), "quality", q ? q : json_null()));
    }
    for (int k = 0; k < 2; k++) {
      const char *list = json_string_value(json_object_get(it, k ? "flags" : "activities"));
      for (const char *p = list; p && *p;) {
        size_t w = strcspn(p, ",");
        if (w) json_array_append_new(k ? fl : ctxs, json_stringn(p, w));
        p += w + (p[w] == ',');
      }
    }
    json_object_set_new(pj, "pain", pain);
    json_object_set_new(pj, "context", ctxs);
    json_object_set_new(pj, "flags", fl);
    if (json_is_string(json_object_get(it, "onset"))) json_object_set(pj, "onset", json_object_get(it, "onset"));
    char *text = json_dumps(pj, JSON_COMPACT);
    json_decref(pj);
    present p;
    char err[512];
    json_t *w = NULL;
    if (text && !present_parse_json(c->a->k, text, strlen(text), &p, err, sizeof err) && p.n_pain) {
      buf b;
      buf_init(&b);
      where_json(c->a, &p, 5, &b, c->lang);
      w = json_loadb(b.data, b.len, 0, NULL);
      buf_free(&b);
    }
    free(text);
    json_object_set_new(it, "where", w ? w : json_null());
  }
  char *out = root ? json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
  if (out) {
    buf_reset(&c->rs->body);
    buf_puts(&c->rs->body, out);
    buf_putc(&c->rs->body, '\n');
    free(out);
  }
  json_decref(root);
}

/* ---- routes -------------------------------------------------------------------------------- */

/* SLOW: the route hashes a password (argon2id, tens of milliseconds of a core): api_slow tells
** http.c to answer it on a worker of its own, so the server's threads go on serving others. */
/* LANG: the answer is in the language the request asks (pick_lang), with Vary and an ETag of its own;
** WORDS: the same without the ETag, for an answer that changes as it goes (a plan, a session) */
enum { PUBLIC = 1, ADMIN = 2, DB = 4, BODY = 8, PHONE = 16, SLOW = 32, LANG = 64, WORDS = 128, RAW = 256 };

typedef struct route {
  const char *method, *path;
  void (*fn)(ctx *c);
  int flags;
} route;

static const route routes[] = {
  {"GET", "/api/health", h_health, PUBLIC},
  {"GET", "/api/setup", h_setup_get, PUBLIC | DB},
  {"POST", "/api/setup", h_setup, PUBLIC | DB | BODY | SLOW},
  {"POST", "/api/login", h_login, PUBLIC | DB | BODY | SLOW},
  {"POST", "/api/logout", h_logout, DB},
  {"GET", "/api/me", h_me, 0},
  {"POST", "/api/me/password", h_me_password, DB | BODY | SLOW},
  {"GET", "/api/users", h_users, ADMIN | DB},
  {"POST", "/api/users", h_user_add, ADMIN | DB | BODY | SLOW},
  {"POST", "/api/users/*/password", h_user_password, ADMIN | DB | BODY | SLOW},
  {"POST", "/api/users/*/disable", h_user_disable, ADMIN | DB},
  {"POST", "/api/users/*/enable", h_user_enable, ADMIN | DB},
  {"GET", "/api/audit", h_audit, ADMIN | DB},
  {"GET", "/api/regions", h_regions, PUBLIC | LANG},     /* knowledge, no record: the client's phone draws on them */
  {"GET", "/api/chart.svg", h_chart, PUBLIC | LANG},
  {"POST", "/api/where", h_where, BODY | RAW | WORDS},
  {"GET", "/api/muscles", h_muscles, LANG},
  {"GET", "/api/muscles/*", h_muscle, LANG},
  {"GET", "/api/conditions", h_conditions, LANG},
  {"GET", "/api/conditions/*", h_condition, LANG},
  {"GET", "/api/contraindications", h_contras, LANG},
  {"GET", "/api/sensitive-areas", h_sensitive, LANG},
  {"GET", "/api/vocabulary", h_vocabulary, LANG},
  {"POST", "/api/plan", h_plan, DB | BODY | WORDS},
  {"GET", "/api/clients", h_clients, DB},
  {"POST", "/api/clients", h_client_add, DB | BODY},
  {"GET", "/api/clients/*", h_client, DB | WORDS},
  {"PATCH", "/api/clients/*", h_client_edit, DB | BODY},
  {"GET", "/api/clients/*/visits", h_visits, DB | WORDS},
  {"GET", "/api/clients/*/care-plan", h_careplan, DB},
  {"PUT", "/api/clients/*/care-plan", h_careplan_put, DB | BODY},
  {"POST", "/api/clients/*/intakes", h_intake, DB | BODY | WORDS},
  {"GET", "/api/clients/*/findings", h_findings_list, DB},
  {"POST", "/api/clients/*/findings", h_findings, DB | BODY},
  {"POST", "/api/clients/*/measures", h_measures, DB | BODY},
  {"GET", "/api/clients/*/progress", h_progress, DB},
  {"GET", "/api/clients/*/progress.svg", h_progress_svg, DB},
  {"GET", "/api/clients/*/home", h_home, DB | LANG},
  {"GET", "/api/clients/*/home.html", h_home_html, DB | LANG},
  {"GET", "/api/clients/*/export", h_export, DB},
  {"GET", "/api/visits/*", h_visit, DB},
  {"GET", "/api/visits/*/note", h_note, DB},
  {"POST", "/api/visits/*/note", h_note_save, DB | BODY},
  {"POST", "/api/visits/*/note/sign", h_note_sign, DB},
  {"POST", "/api/visits/*/addenda", h_addendum, DB | BODY},
  {"GET", "/api/visits/*/note.html", h_note_html, DB},
  {"GET", "/api/clients/*/record.html", h_record_html, DB},
  {"GET", "/api/sessions", h_sessions, DB},
  {"POST", "/api/sessions", h_session_new, DB | BODY | WORDS},
  {"GET", "/api/sessions/*", h_session, DB | WORDS},
  {"POST", "/api/sessions/*/pre", h_session_pre, DB | BODY | WORDS},
  {"POST", "/api/sessions/*/hold", h_session_hold, DB | BODY | WORDS},
  {"POST", "/api/sessions/*/consent", h_session_consent, DB | BODY | WORDS},
  {"POST", "/api/sessions/*/event", h_session_event, DB | BODY},
  {"POST", "/api/sessions/*/stop", h_session_stop, DB | WORDS},
  {"POST", "/api/sessions/*/post", h_session_post, DB | BODY | WORDS},
  {"POST", "/api/sessions/*/end", h_session_end, DB},
  {"POST", "/api/sessions/*/cancel", h_session_cancel, DB | BODY | WORDS},
  {"GET", "/api/sessions/*/events", h_session_events, DB},
  {"GET", "/api/sessions/*/qr.svg", h_session_qr, DB},
  {"GET", "/api/phone/*", h_phone, PUBLIC | PHONE | DB},
  {"POST", "/api/phone/*", h_phone_event, PUBLIC | PHONE | DB | BODY},
  {"POST", "/api/clients/*/intake-link", h_intake_link_new, DB},
  {"POST", "/api/clients/*/home-link", h_home_link_new, DB},
  {"GET", "/api/clients/*/links", h_links, DB},
  {"POST", "/api/links/*/revoke", h_link_revoke, DB},
  {"GET", "/api/links/*/qr.svg", h_link_qr, DB},
  {"GET", "/api/intake/*", h_client_intake_get, PUBLIC | PHONE | DB | LANG},
  {"POST", "/api/intake/*", h_client_intake_post, PUBLIC | PHONE | DB | BODY},
  {"GET", "/api/home/*", h_client_home, PUBLIC | PHONE | DB | LANG},
};
#define N_ROUTES ((int)(sizeof routes / sizeof routes[0]))

/* Does `path` fit `pattern`?  Copies the "*" segment into param. */
static int match(const char *pattern, const char *path, char *param, size_t plen) {
  while (*pattern && *path) {
    if (*pattern == '*') {
      size_t n = strcspn(path, "/");
      if (!n || n >= plen) return 0;
      memcpy(param, path, n);
      param[n] = 0;
      path += n;
      pattern++;
    } else if (*pattern++ != *path++) return 0;
  }
  return !*pattern && !*path;
}

int api_slow(const api_req *rq) {
  char param[128];
  for (int i = 0; i < N_ROUTES; i++)
    if (!strcmp(routes[i].method, rq->method) && match(routes[i].path, rq->path, param, sizeof param))
      return (routes[i].flags & SLOW) != 0;
  return 0;
}

void api_routes(buf *out) {
  for (int i = 0; i < N_ROUTES; i++) buf_printf(out, "%-5s %s\n", routes[i].method, routes[i].path);
}

static int origin_ok(const api *a, const api_req *rq) {
  if (!rq->origin || !*rq->origin) return 1;
  const char *o = rq->origin;
  if (a->public_url && !strcmp(o, a->public_url)) return 1;
  const char *host = strstr(o, "://");
  return host && rq->host && !strcmp(host + 3, rq->host);
}

/* A connection of its own for one request: a free one, else a new one while fewer than POOL
** are open, else wait for one.  NULL when a new one cannot be opened. */
static store *take_store(api *a) {
  pthread_mutex_lock(&a->stores_mu);
  store *s = NULL;
  while (!s) {
    if (a->n_stores) { s = a->stores[--a->n_stores]; break; }
    if (a->n_open < POOL) {
      a->n_open++;
      pthread_mutex_unlock(&a->stores_mu);
      char err[600];
      if (store_clone(a->s, &s, err, sizeof err)) s = NULL;
      pthread_mutex_lock(&a->stores_mu);
      if (!s) { a->n_open--; break; }
      break;
    }
    pthread_cond_wait(&a->stores_cv, &a->stores_mu);
  }
  pthread_mutex_unlock(&a->stores_mu);
  return s;
}

static void give_store(api *a, store *s) {
  pthread_mutex_lock(&a->stores_mu);
  a->stores[a->n_stores++] = s;
  pthread_cond_signal(&a->stores_cv);
  pthread_mutex_unlock(&a->stores_mu);
}

/* The answer's language: ?lang= (a tag kb_lang_name knows: en, fr, fr-CA...; another is a 400),
** else the Accept-Language language myomap speaks with the highest q (the first on a tie; q=0
** refuses one; at most 32 are read), else English. */
static int pick_lang(ctx *c) {
  c->rs->vary_lang = 1;
  const char *q = c->rq->query ? c->rq->query(c->rq->ctx, "lang") : NULL;
  if (q) {
    const char *l = *q && strlen(q) < 36 ? kb_lang_name(q) : NULL;
    if (!l) { FAIL(c, 400, "?lang=%.40s: myomap speaks en and fr", q); return -1; }
    c->lang = l;
    return 0;
  }
  const char *al = c->rq->accept_language;
  double best = 0;
  for (int n = 0; al && *al && n < 32; n++) {
    size_t len = strcspn(al, ","), t = strspn(al, " \t");
    char tag[40];
    size_t tl = strcspn(al + t, " \t;,");
    double qv = 1;
    const char *semi = memchr(al, ';', len);
    if (semi) {
      const char *p = semi + 1;
      while (*p == ' ' || *p == '\t') p++;
      if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') qv = strtod(p + 2, NULL);
    }
    if (tl && tl < sizeof tag) {
      memcpy(tag, al + t, tl);
      tag[tl] = 0;
      const char *l = strcmp(tag, "*") ? kb_lang_name(tag) : NULL;
      if (l && qv > best) { best = qv; c->lang = l; }
    }
    al += len;
    if (*al == ',') al++;
  }
  return 0;
}

/* A LANG route's answer: an ETag of its language and body (so each language has its own), and
** 304 without the body for a request that has it already. */
static void lang_etag(ctx *c) {
  api_resp *rs = c->rs;
  if (rs->status != 200 || rs->etag[0]) return;
  unsigned long long h = 1469598103934665603ULL;
  for (size_t i = 0; i < rs->body.len; i++) h = (h ^ (unsigned char)rs->body.data[i]) * 1099511628211ULL;
  snprintf(rs->etag, sizeof rs->etag, "\"%s-%016llx\"", c->lang, h);
  if (c->rq->if_none_match && strstr(c->rq->if_none_match, rs->etag)) {
    rs->status = 304;
    buf_reset(&rs->body);
  }
}

void api_handle(api *a, const api_req *rq, api_resp *rs) {
  memset(rs, 0, sizeof *rs);
  buf_init(&rs->body);
  ctx c;
  memset(&c, 0, sizeof c);
  c.a = a;
  c.rq = rq;
  c.rs = rs;
  const route *r = NULL;
  int other_method = 0;
  for (int i = 0; i < N_ROUTES && !r; i++) {
    if (!match(routes[i].path, rq->path, c.param, sizeof c.param)) continue;
    if (!strcmp(routes[i].method, rq->method)) r = &routes[i];
    else other_method = 1;
  }
  if (!r) {
    if (other_method) FAIL(&c, 405, "%s is not allowed on %s", rq->method, rq->path);
    else FAIL(&c, 404, "no such API route: %s", rq->path);
    return;
  }
  int writes = strcmp(rq->method, "GET") != 0;
  /* a connection of the request's own, for the login (read from the store on every request)
  ** and the handler */
  if ((!(r->flags & PUBLIC) || (r->flags & DB)) && !(c.s = take_store(a))) {
    FAIL(&c, 503, "the database cannot be reached: try again in a moment");
    return;
  }
  if (!(r->flags & PUBLIC)) {
    int rc = auth_session(c.s, rq->cookie, rq->now, &c.user);
    if (rc == RECORD_ESTORE) { FAIL(&c, 503, "the database failed reading the login: try again"); give_store(a, c.s); return; }
    if (rc) { FAIL(&c, 401, "log in first"); give_store(a, c.s); return; }
    c.authed = 1;
    if (writes && (!auth_csrf_ok(&c.user, rq->csrf) || !origin_ok(a, rq))) {
      fail_code(&c, 403, "csrf", "missing or wrong X-CSRF-Token: reload the page");
      goto done;
    }
    if ((r->flags & ADMIN) && !c.user.admin) { FAIL(&c, 403, "only the clinic's admin may do this"); goto done; }
  } else if (writes && !(r->flags & PHONE) && !origin_ok(a, rq)) {
    fail_code(&c, 403, "csrf", "a request from another site");
    goto done;
  }
  if (r->flags & BODY) {
    if (rq->body_len > API_MAX_BODY) { FAIL(&c, 413, "the request body is over %d KiB", API_MAX_BODY / 1024); goto done; }
    if (!rq->content_type || strncmp(rq->content_type, "application/json", 16)) {
      FAIL(&c, 415, "send the body as application/json");
      goto done;
    }
    json_error_t je;
    if (r->flags & RAW) goto body_done;   /* the handler's own reader checks the text (present.c) */
    c.body = json_loadb(rq->body ? rq->body : "", rq->body_len, 0, &je);
    if (!c.body) {
      /* jansson refuses text that is not UTF-8 too: name the byte */
      long u = util_utf8_bad(rq->body ? rq->body : "", rq->body_len);
      if (u >= 0) FAIL(&c, 400, "the body is not valid UTF-8: byte %ld is 0x%02x", u + 1, (unsigned char)rq->body[u]);
      else FAIL(&c, 400, "malformed JSON: %s (line %d, column %d)", je.text, je.line, je.column);
      goto done;
    }
    if (!json_is_object(c.body)) { json_decref(c.body); c.body = NULL; FAIL(&c, 400, "the body must be a JSON object"); goto done; }
  }
body_done:
  c.lang = "en";
  if ((r->flags & (LANG | WORDS)) && pick_lang(&c)) goto done;
  rs->status = 500;
  r->fn(&c);
  if (r->flags & LANG) lang_etag(&c);
done:
  if (c.n_audit && !c.s) c.s = take_store(a);
  if (c.n_audit && (!c.s || audit_write(a->audit, c.s, c.audit, c.n_audit))) c.audit_failed = 1;
  if (c.audit_failed) {   /* no answer without its audit row */
    fail_code(&c, 503, "audit", "the audit log could not be written: %s", c.s ? store_error(c.s) : "no connection");
    rs->cookie[0] = 0;
    rs->stream[0] = 0;
  }
  if (c.s) give_store(a, c.s);
  if (c.body) json_decref(c.body);
}

/* ---- setup --------------------------------------------------------------------------------- */

/* A region's French label, for the French chart (the kb's region translations). */
static const char *french_label(const void *k, int region) { return kb_region_label(k, "fr", region); }

api *api_new(const kb *k, store *s, const char *public_url) {
  api *a = xcalloc(1, sizeof *a);
  a->k = k;
  a->s = s;
  buf errs;
  buf_init(&errs);
  a->auth = auth_new();
  char err[600];
  if (store_clone(s, &a->live_store, err, sizeof err)) a->live_store = NULL;
  a->live = a->live_store ? live_new(k, a->live_store) : NULL;
  if (!a->auth || !a->live || chart_load_builtin(&a->chart, kb_body(k), &errs)) {
    buf_free(&errs);
    api_free(a);
    return NULL;
  }
  buf_free(&errs);
  buf_init(&a->chart_svg);
  chart_svg(&a->chart_svg, a->chart, NULL, 0, "Where does it hurt?");
  buf_init(&a->chart_svg_fr);
  chart_words fr = {"Devant", "Dos", "D", "G", "gauche", "droite",
                    {"zone de référence", "douleur (plus foncé : plus forte)", "zone à risque", "point à presser"},
                    french_label, k};
  chart_svg_words(&a->chart_svg_fr, a->chart, NULL, 0, "Où avez-vous mal?", &fr);
  if (public_url) {
    a->public_url = xstrdup(public_url);
    size_t n = strlen(a->public_url);
    while (n && a->public_url[n - 1] == '/') a->public_url[--n] = 0;
  }
  a->audit = audit_new();
  pthread_mutex_init(&a->stores_mu, NULL);
  pthread_cond_init(&a->stores_cv, NULL);
  pthread_mutex_init(&a->pool_mu, NULL);
  pthread_mutex_init(&a->progress_mu, NULL);
  return a;
}

void api_free(api *a) {
  if (!a) return;
  for (int i = 0; i < a->n_pool; i++) { report_free(a->pool[i].rp); rank_free(a->pool[i].r); }
  for (int i = 0; i < a->n_stores; i++) store_close(a->stores[i]);
  audit_free(a->audit);
  for (int i = 0; i < PROGRESS_CACHE; i++) buf_free(&a->progress[i].body);
  auth_free(a->auth);
  live_free(a->live);
  store_close(a->live_store);
  chart_free(a->chart);
  buf_free(&a->chart_svg);
  buf_free(&a->chart_svg_fr);
  free(a->public_url);
  free(a);
}

live_set *api_live(api *a) { return a->live; }

void api_set_secure(api *a, int secure) { a->secure = secure != 0; }
