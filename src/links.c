/* links.c: the client's own links (intake, home program) in the store: random tokens kept as
** hashes, with their expiry, revocation and use. */
#include "links.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[] = {NULL, "intake", "home"};

const char *links_kind_name(int kind) { return kind == LINKS_INTAKE || kind == LINKS_HOME ? kind_names[kind] : ""; }

int links_kind_find(const char *name) {
  if (!name) return 0;
  if (!strcmp(name, "intake")) return LINKS_INTAKE;
  if (!strcmp(name, "home")) return LINKS_HOME;
  return 0;
}

void links_token_new(char *out) {
  unsigned char raw[LINKS_TOKEN_LEN / 2];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, LINKS_TOKEN_LEN + 1, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
}

int links_token_ok(const char *token) {
  if (!token || strlen(token) != LINKS_TOKEN_LEN) return 0;
  for (const char *p = token; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
  return 1;
}

void links_token_hash(const char *token, char *out) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
  sodium_bin2hex(out, 65, h, sizeof h);
}

void links_time(double t, char *out) {
  time_t s = (time_t)t;
  struct tm tm;
  gmtime_r(&s, &tm);
  strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

#define COLS "id, client_id, therapist_id, intake_id, kind, created, expires, used, revoked, uses, token_hash"

static double cell_num(const store_rows *r, int i, int j) {
  const char *v = store_cell(r, i, j);
  return v ? strtod(v, NULL) : 0;
}

static void row_link(const store_rows *r, int i, links_link *l) {
  memset(l, 0, sizeof *l);
  l->id = (long)cell_num(r, i, 0);
  l->client = (long)cell_num(r, i, 1);
  l->therapist = (long)cell_num(r, i, 2);
  l->intake = (long)cell_num(r, i, 3);
  l->kind = links_kind_find(store_cell(r, i, 4));
  l->created = cell_num(r, i, 5);
  l->expires = cell_num(r, i, 6);
  l->used = cell_num(r, i, 7);
  l->revoked = cell_num(r, i, 8);
  l->uses = (long)cell_num(r, i, 9);
}

int links_create(store *s, long client, long therapist, int kind, double now, char *token, links_link *out) {
  if (kind != LINKS_INTAKE && kind != LINKS_HOME) return LINKS_ENOTFOUND;
  char th[65];
  links_token_new(token);
  links_token_hash(token, th);
  double expires = now + (kind == LINKS_INTAKE ? LINKS_INTAKE_SECONDS : LINKS_HOME_SECONDS);
  store_args a, q;
  store_args_init(&q);
  store_arg_int(&q, client);
  store_arg_real(&q, now);
  store_args_init(&a);
  store_arg_text(&a, th);
  store_arg_int(&a, client);
  if (therapist > 0) store_arg_int(&a, therapist); else store_arg_text(&a, NULL);
  store_arg_text(&a, links_kind_name(kind));
  store_arg_real(&a, now);
  store_arg_real(&a, expires);
  long n = 0, id = 0;
  if (store_begin(s)) return LINKS_ESTORE;
  /* expired links are of no use to anyone: pruned (revoked and used ones are kept until then) */
  if (store_exec(s, "DELETE FROM client_link WHERE client_id = $1 AND expires <= $2", &q, NULL) ||
      store_exec_long(s, "SELECT COUNT(*) FROM client_link WHERE client_id = $1 AND expires > $2 AND revoked IS NULL "
                         "AND (kind = 'home' OR used IS NULL)", &q, &n)) {
    store_rollback(s);
    return LINKS_ESTORE;
  }
  if (n >= LINKS_PER_CLIENT) { store_rollback(s); return LINKS_ELIMIT; }
  if (store_exec_long(s, "INSERT INTO client_link (token_hash, client_id, therapist_id, kind, created, expires) "
                         "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", &a, &id) ||
      store_commit(s)) {
    store_rollback(s);
    return LINKS_ESTORE;
  }
  memset(out, 0, sizeof *out);
  out->id = id;
  out->client = client;
  out->therapist = therapist > 0 ? therapist : 0;
  out->kind = kind;
  out->created = now;
  out->expires = expires;
  return 0;
}

int links_find(store *s, const char *token, int kind, double now, links_link *out, const char **why) {
  *why = NULL;
  if (!links_token_ok(token)) return LINKS_ENOTFOUND;
  char th[65];
  links_token_hash(token, th);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, th);
  store_rows r;
  if (store_exec(s, "SELECT " COLS " FROM client_link WHERE token_hash = $1", &a, &r)) return LINKS_ESTORE;
  const char *stored = store_cell(&r, 0, 10);
  int found = r.nrow == 1 && stored && strlen(stored) == 64 && sodium_memcmp(stored, th, 64) == 0;
  if (found) row_link(&r, 0, out);
  store_rows_free(&r);
  if (!found || out->kind != kind) return LINKS_ENOTFOUND;
  if (out->revoked > 0) *why = "revoked";
  else if (out->expires <= now) *why = "expired";
  else if (kind == LINKS_INTAKE && out->used > 0) *why = "used";
  return *why ? LINKS_EGONE : 0;
}

int links_use(store *s, long id, long intake, double now) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_arg_real(&a, now);
  if (intake > 0) store_arg_int(&a, intake); else store_arg_text(&a, NULL);
  store_rows r;
  /* the conditions in the UPDATE itself: a second use at the same moment finds no row */
  if (store_exec(s, "UPDATE client_link SET used = $2, uses = uses + 1, intake_id = COALESCE($3, intake_id) "
                    "WHERE id = $1 AND revoked IS NULL AND expires > $2 AND (kind = 'home' OR used IS NULL) "
                    "RETURNING id", &a, &r))
    return LINKS_ESTORE;
  int n = r.nrow;
  store_rows_free(&r);
  return n ? 0 : LINKS_EGONE;
}

int links_revoke(store *s, long client, long id, double now) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_arg_int(&a, client);
  store_arg_real(&a, now);
  store_rows r;
  if (store_exec(s, "UPDATE client_link SET revoked = COALESCE(revoked, $3) WHERE id = $1 AND client_id = $2 "
                    "RETURNING id", &a, &r))
    return LINKS_ESTORE;
  int n = r.nrow;
  store_rows_free(&r);
  return n ? 0 : LINKS_ENOTFOUND;
}

int links_get(store *s, long id, links_link *out) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows r;
  if (store_exec(s, "SELECT " COLS " FROM client_link WHERE id = $1", &a, &r)) return LINKS_ESTORE;
  int n = r.nrow;
  if (n) row_link(&r, 0, out);
  store_rows_free(&r);
  return n ? 0 : LINKS_ENOTFOUND;
}

static void time_or_null(buf *out, double t) {
  char ts[21];
  if (t <= 0) { buf_lit(out, "null"); return; }
  links_time(t, ts);
  buf_printf(out, "\"%s\"", ts);
}

void links_json(buf *out, const links_link *l, double now) {
  const char *state = l->revoked > 0 ? "revoked" : l->expires <= now ? "expired"
                    : l->kind == LINKS_INTAKE && l->used > 0 ? "used" : "usable";
  buf_printf(out, "{\"id\":%ld,\"kind\":\"%s\",\"created\":", l->id, links_kind_name(l->kind));
  time_or_null(out, l->created);
  buf_lit(out, ",\"expires\":");
  time_or_null(out, l->expires);
  buf_lit(out, ",\"used\":");
  time_or_null(out, l->used);
  buf_printf(out, ",\"uses\":%ld,\"revoked\":", l->uses);
  time_or_null(out, l->revoked);
  buf_lit(out, ",\"intake\":");
  if (l->intake > 0) buf_printf(out, "%ld", l->intake); else buf_lit(out, "null");
  buf_printf(out, ",\"state\":\"%s\"}", state);
}

int links_list(store *s, long client, double now, buf *out) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_rows r;
  if (store_exec(s, "SELECT " COLS " FROM client_link WHERE client_id = $1 ORDER BY created DESC, id DESC", &a, &r))
    return LINKS_ESTORE;
  buf_lit(out, "{\"links\":[");
  for (int i = 0; i < r.nrow; i++) {
    links_link l;
    row_link(&r, i, &l);
    if (i) buf_putc(out, ',');
    links_json(out, &l, now);
  }
  buf_lit(out, "]}");
  store_rows_free(&r);
  return 0;
}
