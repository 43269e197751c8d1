/* record.c: the clinical record over the store: validation first, then one transaction per
** change. */
#include "record.h"

#include "body.h"
#include "home.h"
#include "kbver.h"
#include "pack.h"
#include "session.h"
#include "sheet.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return RECORD_EBAD;
}

/* A database failure: roll back and report. */
static int failed(store *s, char *err, size_t errlen) {
  snprintf(err, errlen, "database error (%s): %s; nothing was written", store_backend(s), store_error(s));
  store_rollback(s);
  return RECORD_ESTORE;
}

/* Free text: at most `max` bytes, no control characters but newline and tab. */
static int text_ok(const char *what, const char *t, size_t max, char *err, size_t errlen) {
  if (!t) return 0;
  if (strlen(t) > max) return bad(err, errlen, "%s is too long (%zu characters; at most %zu)", what, strlen(t), max);
  for (const unsigned char *p = (const unsigned char *)t; *p; p++)
    if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
      return bad(err, errlen, "%s holds a control character", what);
  return 0;
}

/* date a calendar day, not in the future (a day of grace for time zones ahead of UTC). */
static int date_valid(const char *date, char *err, size_t errlen) {
  char today[11];
  util_today(today);
  if (!util_date_ok(date)) return bad(err, errlen, "bad date \"%s\": expected YYYY-MM-DD, a real calendar day", date);
  if (strcmp(date, today) > 0) {
    time_t t = time(NULL) + 86400;
    struct tm tm;
    char tomorrow[16];
    gmtime_r(&t, &tm);
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
    if (strcmp(date, tomorrow) > 0) return bad(err, errlen, "date %s is in the future", date);
  }
  return 0;
}

/* date (NULL: today) checked against the client's birth date and today.  Writes it to out. */
static int date_check(store *s, long client, const char *date, char out[11], char *err, size_t errlen) {
  char today[11];
  util_today(today);
  if (!date) date = today;
  if (!util_date_ok(date)) return bad(err, errlen, "bad date \"%s\": expected YYYY-MM-DD, a real calendar day", date);
  if (strcmp(date, today) > 0) {
    /* one day of grace for time zones ahead of UTC */
    time_t t = time(NULL) + 86400;
    struct tm tm;
    char tomorrow[16];
    gmtime_r(&t, &tm);
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
    if (strcmp(date, tomorrow) > 0) return bad(err, errlen, "date %s is in the future", date);
  }
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_rows r;
  if (store_exec(s, "SELECT birth FROM client WHERE id = $1", &a, &r)) return failed(s, err, errlen);
  int rc = 0;
  const char *birth = store_cell(&r, 0, 0);
  if (!birth) rc = bad(err, errlen, "no client %ld", client), rc = RECORD_ENOTFOUND;
  else if (strcmp(date, birth) < 0)
    rc = bad(err, errlen, "date %s is before the client's birth date (%s)", date, birth);
  store_rows_free(&r);
  if (!rc) snprintf(out, 11, "%s", date);
  return rc;
}

/* ---- therapists --------------------------------------------------------------------------- */

int record_therapist_add(store *s, const char *name, const char *email, const char *role, long *id,
                         char *err, size_t errlen) {
  if (!name || !*name) return bad(err, errlen, "a therapist needs a name");
  if (text_ok("the name", name, 200, err, errlen) || text_ok("the email", email, 200, err, errlen)) return RECORD_EBAD;
  if (email && !strchr(email, '@')) return bad(err, errlen, "email \"%s\" has no @", email);
  if (!role) role = "therapist";
  if (strcmp(role, "therapist") && strcmp(role, "admin"))
    return bad(err, errlen, "role \"%s\": expected therapist or admin", role);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, name);
  store_arg_text(&a, email);
  store_arg_text(&a, role);
  char now[32];
  util_now(now);
  store_arg_text(&a, now);
  if (email) {
    store_args q;
    store_args_init(&q);
    store_arg_text(&q, email);
    long n = 0;
    if (store_exec_long(s, "SELECT COUNT(*) FROM therapist WHERE email = $1", &q, &n)) return failed(s, err, errlen);
    if (n) return bad(err, errlen, "a therapist with email %s already exists", email);
  }
  if (store_begin(s) ||
      store_exec_long(s, "INSERT INTO therapist (name, email, role, created) VALUES ($1, $2, $3, $4) RETURNING id", &a, id) ||
      store_commit(s))
    return failed(s, err, errlen);
  return 0;
}

int record_therapist_list(store *s, buf *out, int json) {
  store_rows r;
  if (store_exec(s, "SELECT id, name, email, role FROM therapist ORDER BY id", NULL, &r)) return RECORD_ESTORE;
  if (json) buf_putc(out, '[');
  for (int i = 0; i < r.nrow; i++) {
    const char *email = store_cell(&r, i, 2);
    if (json) {
      buf_printf(out, "%s{\"id\":%s,\"name\":", i ? "," : "", store_cell(&r, i, 0));
      buf_json_str(out, store_cell(&r, i, 1));
      buf_puts(out, ",\"email\":");
      if (email) buf_json_str(out, email); else buf_puts(out, "null");
      buf_puts(out, ",\"role\":");
      buf_json_str(out, store_cell(&r, i, 3));
      buf_putc(out, '}');
    } else
      buf_printf(out, "%-5s %-30s %-30s %s\n", store_cell(&r, i, 0), store_cell(&r, i, 1), email ? email : "-",
                 store_cell(&r, i, 3));
  }
  if (json) buf_puts(out, "]\n");
  else if (!r.nrow) buf_puts(out, "no therapists yet: add one with `myomap therapist add NAME`\n");
  store_rows_free(&r);
  return 0;
}

/* ---- clients ------------------------------------------------------------------------------ */

void record_client_init(record_client *c) {
  memset(c, 0, sizeof *c);
  c->consent = -1;
}

static int therapist_exists(store *s, long id, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  long n = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM therapist WHERE id = $1", &a, &n)) return failed(s, err, errlen);
  if (!n) return bad(err, errlen, "no therapist %ld (`myomap therapist list`)", id);
  return 0;
}

static int client_check(store *s, const kb *k, const record_client *c, int adding, char *err, size_t errlen) {
  char today[11];
  util_today(today);
  if (adding && (!c->name || !*c->name)) return bad(err, errlen, "a client needs a name (--name)");
  if (adding && !c->birth) return bad(err, errlen, "a client needs a date of birth (--birth YYYY-MM-DD)");
  if (c->name && !*c->name) return bad(err, errlen, "the name cannot be empty");
  if (text_ok("the name", c->name, 200, err, errlen) || text_ok("the phone", c->phone, 40, err, errlen) ||
      text_ok("the email", c->email, 200, err, errlen) || text_ok("the health history", c->history, 20000, err, errlen))
    return RECORD_EBAD;
  if (c->name && strchr(c->name, '\n')) return bad(err, errlen, "the name is one line");
  if (c->birth && !util_date_ok(c->birth))
    return bad(err, errlen, "bad date of birth \"%s\": expected YYYY-MM-DD, a real calendar day", c->birth);
  if (c->birth && strcmp(c->birth, today) > 0) return bad(err, errlen, "date of birth %s is in the future", c->birth);
  if (c->consent_date && !util_date_ok(c->consent_date))
    return bad(err, errlen, "bad consent date \"%s\": expected YYYY-MM-DD", c->consent_date);
  if (c->email && *c->email && !strchr(c->email, '@')) return bad(err, errlen, "email \"%s\" has no @", c->email);
  if (c->phone)
    for (const char *p = c->phone; *p; p++)
      if (!isdigit((unsigned char)*p) && !strchr(" +-().", *p))
        return bad(err, errlen, "phone \"%s\": digits, spaces and + - ( ) . only", c->phone);
  for (int i = 0; i < c->n_contras; i++) {
    const kb_term *t = kb_term_at(k, KB_CONTRA, c->contras[i].contra);
    if (!t) return bad(err, errlen, "unknown contraindication");
    if (t->scope == KB_SCOPE_LOCAL && c->contras[i].region < 0)
      return bad(err, errlen, "%s is local: say where, e.g. %s:calf-l", t->id, t->id);
  }
  if (c->therapist > 0) return therapist_exists(s, c->therapist, err, errlen);
  return 0;
}

static int write_contras(store *s, const kb *k, long id, const record_client *c) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  if (store_exec(s, "DELETE FROM client_contra WHERE client_id = $1", &a, NULL)) return -1;
  for (int i = 0; i < c->n_contras; i++) {
    store_args_init(&a);
    store_arg_int(&a, id);
    store_arg_text(&a, kb_term_at(k, KB_CONTRA, c->contras[i].contra)->id);
    store_arg_text(&a, c->contras[i].region >= 0 ? body_at(kb_body(k), c->contras[i].region)->id : "");
    if (store_exec(s, "INSERT INTO client_contra (client_id, contra, region) VALUES ($1, $2, $3) "
                      "ON CONFLICT DO NOTHING", &a, NULL))
      return -1;
  }
  return 0;
}

int record_client_add(store *s, const kb *k, const record_client *c, long *id, char *err, size_t errlen) {
  int rc = client_check(s, k, c, 1, err, errlen);
  if (rc) return rc;
  char now[32], today[11];
  util_now(now);
  util_today(today);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, c->name);
  store_arg_text(&a, c->birth);
  store_arg_text(&a, c->phone);
  store_arg_text(&a, c->email);
  store_arg_int(&a, c->consent == 1);
  store_arg_text(&a, c->consent == 1 ? (c->consent_date ? c->consent_date : today) : NULL);
  store_arg_text(&a, c->history);
  store_arg_text(&a, now);
  if (c->therapist > 0) store_arg_int(&a, c->therapist); else store_arg_text(&a, NULL);
  if (store_begin(s) ||
      store_exec_long(s, "INSERT INTO client (name, birth, phone, email, consent, consent_date, history, created, "
                         "updated, therapist_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id", &a, id) ||
      write_contras(s, k, *id, c) || store_commit(s))
    return failed(s, err, errlen);
  return 0;
}

int record_client_edit(store *s, const kb *k, long id, const record_client *c, char *err, size_t errlen) {
  int rc = client_check(s, k, c, 0, err, errlen);
  if (rc) return rc;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows r;
  if (store_exec(s, "SELECT MIN(d) FROM (SELECT date AS d FROM intake WHERE client_id = $1 UNION ALL "
                    "SELECT date FROM visit WHERE client_id = $1 UNION ALL SELECT date FROM measure "
                    "WHERE client_id = $1 UNION ALL SELECT date FROM assessment WHERE client_id = $1) x", &a, &r))
    return failed(s, err, errlen);
  const char *first = store_cell(&r, 0, 0);
  if (c->birth && first && strcmp(c->birth, first) > 0) {
    rc = bad(err, errlen, "date of birth %s is after the client's first record (%s)", c->birth, first);
    store_rows_free(&r);
    return rc;
  }
  store_rows_free(&r);
  static const char *const cols[] = {"name", "birth", "phone", "email", "history", "consent_date"};
  const char *vals[] = {c->name, c->birth, c->phone, c->email, c->history, c->consent_date};
  char now[32];
  util_now(now);
  if (store_begin(s)) return failed(s, err, errlen);
  long n = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM client WHERE id = $1", &a, &n)) return failed(s, err, errlen);
  if (!n) { store_rollback(s); snprintf(err, errlen, "no client %ld", id); return RECORD_ENOTFOUND; }
  for (int i = 0; i < 6; i++) {
    if (!vals[i]) continue;
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE client SET %s = $2 WHERE id = $1", cols[i]);
    store_args_init(&a);
    store_arg_int(&a, id);
    store_arg_text(&a, *vals[i] || i < 2 ? vals[i] : NULL);  /* "" clears an optional field */
    if (store_exec(s, sql, &a, NULL)) return failed(s, err, errlen);
  }
  store_args_init(&a);
  store_arg_int(&a, id);
  store_arg_text(&a, now);
  if (c->consent >= 0) store_arg_int(&a, c->consent); else store_arg_text(&a, NULL);
  if (c->therapist > 0) store_arg_int(&a, c->therapist); else store_arg_text(&a, NULL);
  char today[11];
  util_today(today);
  store_arg_text(&a, today);
  if (store_exec(s, "UPDATE client SET updated = $2, consent = COALESCE($3, consent), "
                    "therapist_id = COALESCE($4, therapist_id), "
                    "consent_date = CASE WHEN consent = 1 THEN COALESCE(consent_date, $5) ELSE NULL END "
                    "WHERE id = $1", &a, NULL) ||
      (c->set_contras && write_contras(s, k, id, c)) || store_commit(s))
    return failed(s, err, errlen);
  return 0;
}

int record_client_find(store *s, const char *ref, long *id, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  char *end;
  long n = strtol(ref, &end, 10);
  int numeric = *ref && !*end && n > 0;
  store_rows r;
  if (numeric) {
    store_arg_int(&a, n);
    if (store_exec(s, "SELECT id, name FROM client WHERE id = $1", &a, &r)) return failed(s, err, errlen);
  } else {
    store_arg_text(&a, ref);
    if (store_exec(s, "SELECT id, name FROM client WHERE lower(name) = lower($1) ORDER BY id", &a, &r))
      return failed(s, err, errlen);
  }
  int rc = 0;
  if (r.nrow == 1) *id = strtol(store_cell(&r, 0, 0), NULL, 10);
  else if (!r.nrow) {
    snprintf(err, errlen, "no client %s%s (`myomap client list` shows them)", numeric ? "" : "named ", ref);
    rc = RECORD_ENOTFOUND;
  } else {
    buf ids;
    buf_init(&ids);
    for (int i = 0; i < r.nrow; i++) buf_printf(&ids, "%s%s", i ? ", " : "", store_cell(&r, i, 0));
    rc = bad(err, errlen, "%d clients are named %s (ids %s): give the id", r.nrow, ref, ids.data);
    buf_free(&ids);
  }
  store_rows_free(&r);
  return rc;
}

int record_client_list(store *s, long therapist, buf *out, int json) {
  store_rows r;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, therapist);
  if (store_exec(s, "SELECT c.id, c.name, c.birth, (SELECT COUNT(*) FROM visit v WHERE v.client_id = c.id), "
                    "(SELECT MAX(date) FROM visit v WHERE v.client_id = c.id) FROM client c "
                    "WHERE CAST($1 AS BIGINT) = 0 OR c.therapist_id = CAST($1 AS BIGINT) ORDER BY c.name, c.id",
                 &a, &r))
    return RECORD_ESTORE;
  if (json) buf_putc(out, '[');
  else if (r.nrow) buf_printf(out, "%-5s %-32s %-10s %6s  %s\n", "id", "name", "born", "visits", "last visit");
  for (int i = 0; i < r.nrow; i++) {
    const char *last = store_cell(&r, i, 4);
    if (json) {
      buf_printf(out, "%s{\"id\":%s,\"name\":", i ? "," : "", store_cell(&r, i, 0));
      buf_json_str(out, store_cell(&r, i, 1));
      buf_puts(out, ",\"birth\":");
      buf_json_str(out, store_cell(&r, i, 2));
      buf_printf(out, ",\"visits\":%s,\"last_visit\":", store_cell(&r, i, 3));
      if (last) buf_json_str(out, last); else buf_puts(out, "null");
      buf_putc(out, '}');
    } else
      buf_printf(out, "%-5s %-32s %-10s %6s  %s\n", store_cell(&r, i, 0), store_cell(&r, i, 1),
                 store_cell(&r, i, 2), store_cell(&r, i, 3), last ? last : "-");
  }
  if (json) buf_puts(out, "]\n");
  else if (!r.nrow) buf_puts(out, "no clients yet: add one with `myomap client add --name NAME --birth YYYY-MM-DD`\n");
  store_rows_free(&r);
  return 0;
}

static void json_field(buf *out, const char *key, const char *v, int first) {
  if (!first) buf_putc(out, ',');
  buf_json_str(out, key);
  buf_putc(out, ':');
  if (v) buf_json_str(out, v); else buf_puts(out, "null");
}

/* A number stored as text, printed the same on both backends. */
static void num(buf *out, const char *v) {
  if (!v) { buf_puts(out, "null"); return; }
  double d = strtod(v, NULL);
  if (d == floor(d) && fabs(d) < 1e15) buf_printf(out, "%.0f", d); else buf_printf(out, "%g", d);
}

int record_client_show(store *s, const kb *k, long id, buf *out, int json, char *err, size_t errlen) {
  (void)k;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows c, ct, in, pn, v, m;
  if (store_exec(s, "SELECT c.id, c.name, c.birth, c.phone, c.email, c.consent, c.consent_date, c.history, "
                    "t.name, c.created, c.updated FROM client c LEFT JOIN therapist t ON t.id = c.therapist_id "
                    "WHERE c.id = $1", &a, &c))
    return failed(s, err, errlen);
  if (!c.nrow) {
    store_rows_free(&c);
    snprintf(err, errlen, "no client %ld", id);
    return RECORD_ENOTFOUND;
  }
  memset(&ct, 0, sizeof ct), memset(&in, 0, sizeof in), memset(&pn, 0, sizeof pn), memset(&v, 0, sizeof v);
  memset(&m, 0, sizeof m);
  int rc = 0;
  if (store_exec(s, "SELECT contra, region FROM client_contra WHERE client_id = $1 ORDER BY contra, region", &a, &ct) ||
      store_exec(s, "SELECT id, date, goals, activities, factors, desk_hours, training_hours, sleep_hours, stress "
                    "FROM intake WHERE client_id = $1 ORDER BY date, id", &a, &in) ||
      store_exec(s, "SELECT p.intake_id, p.region, p.intensity, p.quality FROM pain p JOIN intake i ON i.id = p.intake_id "
                    "WHERE i.client_id = $1 ORDER BY i.date, i.id, p.region", &a, &pn) ||
      store_exec(s, "SELECT v.id, v.date, v.pain_pre, v.pain_post, (SELECT COUNT(*) FROM treatment t WHERE "
                    "t.visit_id = v.id), CASE WHEN v.soap_a IS NULL THEN 0 ELSE 1 END FROM visit v WHERE v.client_id = $1 ORDER BY v.date, v.id",
                 &a, &v) ||
      store_exec(s, "SELECT date, kind, item, value FROM measure WHERE client_id = $1 ORDER BY date, id", &a, &m)) {
    rc = failed(s, err, errlen);
    goto done;
  }
  static const char *const ckeys[] = {"id", "name", "birth", "phone", "email", "consent", "consent_date", "history",
                                      "therapist", "created", "updated"};
  if (json) {
    buf_puts(out, "{\"client\":{");
    for (int j = 0; j < 11; j++) {
      if (j == 0 || j == 5) { buf_printf(out, "%s\"%s\":", j ? "," : "", ckeys[j]); num(out, store_cell(&c, 0, j)); }
      else json_field(out, ckeys[j], store_cell(&c, 0, j), 0);
    }
    buf_puts(out, "},\"contraindications\":[");
    for (int i = 0; i < ct.nrow; i++) {
      buf_puts(out, i ? ",{" : "{");
      json_field(out, "id", store_cell(&ct, i, 0), 1);
      const char *rg = store_cell(&ct, i, 1);
      json_field(out, "region", rg && *rg ? rg : NULL, 0);
      buf_putc(out, '}');
    }
    buf_puts(out, "],\"intakes\":[");
    for (int i = 0; i < in.nrow; i++) {
      buf_printf(out, "%s{\"id\":%s", i ? "," : "", store_cell(&in, i, 0));
      json_field(out, "date", store_cell(&in, i, 1), 0);
      json_field(out, "goals", store_cell(&in, i, 2), 0);
      json_field(out, "activities", store_cell(&in, i, 3), 0);
      json_field(out, "factors", store_cell(&in, i, 4), 0);
      static const char *const nk[] = {"desk_hours", "training_hours", "sleep_hours", "stress"};
      for (int j = 0; j < 4; j++) { buf_printf(out, ",\"%s\":", nk[j]); num(out, store_cell(&in, i, 5 + j)); }
      buf_puts(out, ",\"pain\":[");
      int first = 1;
      for (int p = 0; p < pn.nrow; p++) {
        if (strcmp(store_cell(&pn, p, 0), store_cell(&in, i, 0))) continue;
        buf_puts(out, first ? "{" : ",{");
        first = 0;
        json_field(out, "region", store_cell(&pn, p, 1), 1);
        buf_puts(out, ",\"intensity\":");
        num(out, store_cell(&pn, p, 2));
        json_field(out, "quality", store_cell(&pn, p, 3), 0);
        buf_putc(out, '}');
      }
      buf_puts(out, "]}");
    }
    buf_puts(out, "],\"visits\":[");
    for (int i = 0; i < v.nrow; i++) {
      buf_printf(out, "%s{\"id\":%s", i ? "," : "", store_cell(&v, i, 0));
      json_field(out, "date", store_cell(&v, i, 1), 0);
      buf_puts(out, ",\"pain_pre\":");
      num(out, store_cell(&v, i, 2));
      buf_puts(out, ",\"pain_post\":");
      num(out, store_cell(&v, i, 3));
      buf_printf(out, ",\"holds\":%s,\"note\":%s}", store_cell(&v, i, 4),
                 strtol(store_cell(&v, i, 5), NULL, 10) ? "true" : "false");
    }
    buf_puts(out, "],\"measures\":[");
    for (int i = 0; i < m.nrow; i++) {
      buf_puts(out, i ? ",{" : "{");
      json_field(out, "date", store_cell(&m, i, 0), 1);
      json_field(out, "kind", store_cell(&m, i, 1), 0);
      json_field(out, "item", store_cell(&m, i, 2), 0);
      buf_puts(out, ",\"value\":");
      num(out, store_cell(&m, i, 3));
      buf_putc(out, '}');
    }
    buf_puts(out, "]}\n");
    goto done;
  }
  const char *phone = store_cell(&c, 0, 3), *email = store_cell(&c, 0, 4), *hist = store_cell(&c, 0, 7);
  const char *ther = store_cell(&c, 0, 8), *cdate = store_cell(&c, 0, 6);
  buf_printf(out, "Client %s: %s, born %s\n", store_cell(&c, 0, 0), store_cell(&c, 0, 1), store_cell(&c, 0, 2));
  if (phone || email) buf_printf(out, "  contact: %s%s%s\n", phone ? phone : "", phone && email ? ", " : "", email ? email : "");
  buf_printf(out, "  consent: %s%s%s\n", strcmp(store_cell(&c, 0, 5), "1") ? "not recorded" : "given",
             cdate ? " on " : "", cdate ? cdate : "");
  if (ther) buf_printf(out, "  therapist: %s\n", ther);
  if (hist) buf_printf(out, "  health history: %s\n", hist);
  buf_puts(out, "  contraindications:");
  for (int i = 0; i < ct.nrow; i++) {
    const char *rg = store_cell(&ct, i, 1);
    buf_printf(out, "%s %s%s%s", i ? "," : "", store_cell(&ct, i, 0), rg && *rg ? " at " : "", rg && *rg ? rg : "");
  }
  buf_puts(out, ct.nrow ? "\n" : " none recorded\n");
  buf_printf(out, "\nIntakes (%d):\n", in.nrow);
  for (int i = 0; i < in.nrow; i++) {
    buf_printf(out, "  %s  #%s ", store_cell(&in, i, 1), store_cell(&in, i, 0));
    for (int p = 0, first = 1; p < pn.nrow; p++) {
      if (strcmp(store_cell(&pn, p, 0), store_cell(&in, i, 0))) continue;
      buf_printf(out, "%s%s:%s", first ? " " : ", ", store_cell(&pn, p, 1), store_cell(&pn, p, 2));
      if (store_cell(&pn, p, 3)) buf_printf(out, ":%s", store_cell(&pn, p, 3));
      first = 0;
    }
    if (store_cell(&in, i, 2)) buf_printf(out, "\n      goals: %s", store_cell(&in, i, 2));
    buf_putc(out, '\n');
  }
  buf_printf(out, "\nVisits (%d):\n", v.nrow);
  for (int i = 0; i < v.nrow; i++) {
    const char *pre = store_cell(&v, i, 2), *post = store_cell(&v, i, 3);
    buf_printf(out, "  %s  visit %s: pain %s -> %s, %s holds%s\n", store_cell(&v, i, 1), store_cell(&v, i, 0),
               pre ? pre : "-", post ? post : "-", store_cell(&v, i, 4),
               strtol(store_cell(&v, i, 5), NULL, 10) ? ", SOAP note" : "");
  }
  buf_printf(out, "\nMeasures (%d):\n", m.nrow);
  for (int i = 0; i < m.nrow; i++) {
    const char *item = store_cell(&m, i, 2);
    buf_printf(out, "  %s  %-5s %s%s", store_cell(&m, i, 0), store_cell(&m, i, 1), item, *item ? " " : "");
    num(out, store_cell(&m, i, 3));
    buf_putc(out, '\n');
  }
done:
  store_rows_free(&c), store_rows_free(&ct), store_rows_free(&in), store_rows_free(&pn), store_rows_free(&v);
  store_rows_free(&m);
  return rc;
}

int record_client_contras(store *s, long id, plan_input *in, const kb *k, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows r;
  if (store_exec(s, "SELECT contra, region FROM client_contra WHERE client_id = $1 ORDER BY contra, region", &a, &r))
    return failed(s, err, errlen);
  for (int i = 0; i < r.nrow && in->n_contras < PLAN_MAX_CONTRAS; i++) {
    int ci = kb_find_term(k, KB_CONTRA, store_cell(&r, i, 0));
    const char *rg = store_cell(&r, i, 1);
    if (ci < 0) continue;
    in->contras[in->n_contras].contra = ci;
    in->contras[in->n_contras++].region = rg && *rg ? body_find(kb_body(k), rg) : -1;
  }
  store_rows_free(&r);
  return 0;
}

/* ---- intake ------------------------------------------------------------------------------- */

void record_intake_init(record_intake *in) {
  memset(in, 0, sizeof *in);
  in->desk_hours = in->training_hours = in->sleep_hours = -1;
  in->stress = in->nprs = -1;
}

static void arg_opt_real(store_args *a, double v) {
  if (v < 0) store_arg_text(a, NULL); else store_arg_real(a, v);
}

int record_intake_add(store *s, const kb *k, long client, const record_intake *in, long *id,
                      char *err, size_t errlen) {
  char date[11];
  int rc = date_check(s, client, in->date, date, err, errlen);
  if (rc) return rc;
  const present *p = in->drawing;
  if (!p || !p->n_pain) return bad(err, errlen, "an intake needs the pain drawing: at least one REGION[:INTENSITY[:QUALITY]]");
  for (int i = 0; i < p->n_pain; i++)
    if (p->pain[i].intensity < 0 || p->pain[i].intensity > 10)
      return bad(err, errlen, "%s: give the intensity 0-10, e.g. %s:5", body_at(kb_body(k), p->pain[i].region)->id,
                 body_at(kb_body(k), p->pain[i].region)->id);
  if (in->desk_hours > 24) return bad(err, errlen, "desk hours %g: at most 24 a day", in->desk_hours);
  if (in->sleep_hours > 24) return bad(err, errlen, "sleep hours %g: at most 24 a night", in->sleep_hours);
  if (in->training_hours > 168) return bad(err, errlen, "training hours %g: at most 168 a week", in->training_hours);
  if (in->stress > 10) return bad(err, errlen, "stress %d: 0-10", in->stress);
  if (in->nprs > 10) return bad(err, errlen, "pain %d: 0-10", in->nprs);
  if (text_ok("the goals", in->goals, 4000, err, errlen) || text_ok("the factors", in->factors, 4000, err, errlen))
    return RECORD_EBAD;
  buf acts, flags;
  buf_init(&acts);
  buf_init(&flags);
  for (int i = 0; i < p->n_context; i++)
    buf_printf(&acts, "%s%s", i ? "," : "", kb_term_at(k, KB_ACTIVITY, p->context[i])->id);
  for (int b = 0; b < N_FLAGS; b++)
    if (p->flags & (1u << b)) buf_printf(&flags, "%s%s", flags.len ? "," : "", present_flag_name(b));
  char now[32];
  util_now(now);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_arg_text(&a, date);
  store_arg_text(&a, in->goals);
  store_arg_text(&a, acts.len ? acts.data : NULL);
  store_arg_text(&a, p->onset ? present_onset_name(p->onset) : NULL);
  store_arg_text(&a, flags.len ? flags.data : NULL);
  store_arg_text(&a, in->factors);
  arg_opt_real(&a, in->desk_hours);
  arg_opt_real(&a, in->training_hours);
  arg_opt_real(&a, in->sleep_hours);
  if (in->stress >= 0) store_arg_int(&a, in->stress); else store_arg_text(&a, NULL);
  store_arg_text(&a, now);
  rc = 0;
  if (store_begin(s) ||
      store_exec_long(s, "INSERT INTO intake (client_id, date, goals, activities, onset, flags, factors, desk_hours, "
                         "training_hours, sleep_hours, stress, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                         "$10, $11, $12) RETURNING id", &a, id))
    rc = failed(s, err, errlen);
  for (int i = 0; !rc && i < p->n_pain; i++) {
    store_args_init(&a);
    store_arg_int(&a, *id);
    store_arg_text(&a, body_at(kb_body(k), p->pain[i].region)->id);
    store_arg_int(&a, p->pain[i].intensity);
    store_arg_text(&a, p->pain[i].quality ? present_quality_name(p->pain[i].quality) : NULL);
    if (store_exec(s, "INSERT INTO pain (intake_id, region, intensity, quality) VALUES ($1, $2, $3, $4)", &a, NULL))
      rc = failed(s, err, errlen);
  }
  if (!rc && in->nprs >= 0) {
    store_args_init(&a);
    store_arg_int(&a, client);
    store_arg_text(&a, date);
    store_arg_int(&a, in->nprs);
    store_arg_text(&a, now);
    if (store_exec(s, "INSERT INTO measure (client_id, date, kind, item, value, created) VALUES ($1, $2, 'nprs', '', "
                      "$3, $4)", &a, NULL))
      rc = failed(s, err, errlen);
  }
  if (!rc && store_commit(s)) rc = failed(s, err, errlen);
  buf_free(&acts);
  buf_free(&flags);
  return rc;
}

/* ---- palpation findings ------------------------------------------------------------------- */

int record_finding_parse(const kb *k, const char *word, record_finding *f, char *err, size_t errlen) {
  memset(f, 0, sizeof *f);
  char *copy = xstrdup(word), *save = NULL;
  char *tp = strtok_r(copy, ":", &save);
  int rc = 0, state = -1;
  f->tp = tp ? kb_find_tp(k, tp) : -1;
  if (f->tp < 0) {
    rc = bad(err, errlen, "unknown trigger point \"%s\" (`myomap muscle NAME` lists a muscle's points)", tp ? tp : "");
    goto done;
  }
  int paired = kb_muscle_at(k, kb_tp_at(k, f->tp)->muscle)->paired;
  f->side = paired ? -1 : BODY_MID;
  for (char *w = strtok_r(NULL, ":", &save); w && !rc; w = strtok_r(NULL, ":", &save)) {
    if (!strcmp(w, "l") || !strcmp(w, "r")) {
      if (!paired) rc = bad(err, errlen, "%s lies on the midline: give no side", tp);
      f->side = *w == 'l' ? BODY_L : BODY_R;
    } else if (!strcmp(w, "active")) state = 1;
    else if (!strcmp(w, "latent")) state = 0;
    else if (!strcmp(w, "referral")) f->referral = 1;
    else if (!strncmp(w, "ppt=", 4)) {
      char *end;
      f->ppt = strtod(w + 4, &end);
      if (*end || !(f->ppt > 0 && f->ppt <= 20))
        rc = bad(err, errlen, "pressure pain threshold \"%s\": kg/cm2 above 0 and at most 20", w + 4);
    } else rc = bad(err, errlen, "\"%s\" in %s: expected l, r, active, latent, referral or ppt=KG", w, word);
  }
  if (!rc && f->side < 0) rc = bad(err, errlen, "%s: give the side, e.g. %s:l:active", word, tp);
  if (!rc && state < 0) rc = bad(err, errlen, "%s: say active or latent, e.g. %s:active", word, word);
  f->active = state == 1;
done:
  free(copy);
  return rc;
}

int record_assess_add(store *s, const kb *k, long client, const char *date, long visit,
                      const record_finding *f, int n, char *err, size_t errlen) {
  char d[11];
  int rc = date_check(s, client, date, d, err, errlen);
  if (rc) return rc;
  if (n < 1) return bad(err, errlen, "no findings: give at least one TP:SIDE:active|latent");
  if (visit && (rc = record_visit_find(s, client, NULL, visit, &visit, err, errlen))) return rc;
  char now[32];
  util_now(now);
  if (store_begin(s)) return failed(s, err, errlen);
  for (int i = 0; i < n; i++) {
    const kb_tp *t = kb_tp_at(k, f[i].tp);
    store_args a;
    store_args_init(&a);
    store_arg_int(&a, client);
    if (visit) store_arg_int(&a, visit); else store_arg_text(&a, NULL);
    store_arg_text(&a, d);
    store_arg_text(&a, kb_muscle_at(k, t->muscle)->id);
    store_arg_text(&a, t->id);
    store_arg_text(&a, body_side_name(f[i].side));
    store_arg_text(&a, f[i].active ? "active" : "latent");
    store_arg_int(&a, f[i].referral);
    if (f[i].ppt > 0) store_arg_real(&a, f[i].ppt); else store_arg_text(&a, NULL);
    store_arg_text(&a, now);
    if (store_exec(s, "INSERT INTO assessment (client_id, visit_id, date, muscle, tp, side, state, referral, ppt, "
                      "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", &a, NULL))
      return failed(s, err, errlen);
  }
  return store_commit(s) ? failed(s, err, errlen) : 0;
}

int record_assess_list(store *s, long client, buf *out, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  long n = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM client WHERE id = $1", &a, &n)) return failed(s, err, errlen);
  if (!n) { snprintf(err, errlen, "no client %ld", client); return RECORD_ENOTFOUND; }
  store_rows r;
  /* id DESC within a date: a point palpated again that day was corrected, and its latest row is
  ** the one a reader should take */
  if (store_exec(s, "SELECT date, visit_id, muscle, tp, side, state, referral, ppt FROM assessment "
                    "WHERE client_id = $1 ORDER BY date DESC, id DESC", &a, &r))
    return failed(s, err, errlen);
  buf_putc(out, '[');
  for (int i = 0; i < r.nrow; i++) {
    buf_puts(out, i ? ",{" : "{");
    json_field(out, "date", store_cell(&r, i, 0), 1);
    buf_puts(out, ",\"visit\":");
    num(out, store_cell(&r, i, 1));
    json_field(out, "muscle", store_cell(&r, i, 2), 0);
    json_field(out, "tp", store_cell(&r, i, 3), 0);
    json_field(out, "side", store_cell(&r, i, 4), 0);
    json_field(out, "state", store_cell(&r, i, 5), 0);
    buf_puts(out, strcmp(store_cell(&r, i, 6), "1") ? ",\"referral\":false,\"ppt\":" : ",\"referral\":true,\"ppt\":");
    num(out, store_cell(&r, i, 7));
    buf_putc(out, '}');
  }
  buf_putc(out, ']');
  store_rows_free(&r);
  return 0;
}

/* ---- session logs ------------------------------------------------------------------------- */

typedef struct log_hold {
  const char *phase, *muscle, *tp, *side, *technique, *outcome, *reason;
  double seconds;
  int confirmed;
} log_hold;

struct record_log {
  json_t *root;
  char *text;
  session_summary sum;
  char date[11];
  log_hold *holds;
  int n_holds;
};

void record_log_free(record_log *l) {
  if (!l) return;
  json_decref(l->root);
  free(l->text);
  free(l->holds);
  free(l);
}

const char *record_log_started(const record_log *l) { return l->sum.started; }

static int pain_field(json_t *root, const char *key, char *err, size_t errlen) {
  json_t *v = json_object_get(root, key);
  if (!v || json_is_null(v)) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 10)
    return bad(err, errlen, "%s must be a whole number 0-10 or null", key);
  return 0;
}

int record_log_parse(const kb *k, const char *text, size_t len, record_log **out, char *err, size_t errlen) {
  record_log *l = xcalloc(1, sizeof *l);
  int rc = 0;
  json_error_t je;
  l->root = json_loadb(text, len, 0, &je);
  if (!l->root) { rc = bad(err, errlen, "not valid JSON: line %d: %s", je.line, je.text); goto done; }
  if (session_read_json(k, l->root, &l->sum, err, errlen)) { rc = RECORD_EBAD; goto done; }
  const char *st = l->sum.started;
  if (strlen(st) < 20 || st[10] != 'T' || (memcpy(l->date, st, 10), l->date[10] = 0, !util_date_ok(l->date))) {
    rc = bad(err, errlen, "\"started\" must be a time like 2026-11-22T10:00:00Z");
    goto done;
  }
  if ((rc = pain_field(l->root, "pain_pre", err, errlen)) || (rc = pain_field(l->root, "pain_post", err, errlen))) goto done;
  json_t *holds = json_object_get(l->root, "holds");
  if (holds && !json_is_array(holds)) { rc = bad(err, errlen, "\"holds\" must be a list"); goto done; }
  size_t n = json_array_size(holds), i;
  l->holds = xcalloc(n + 1, sizeof *l->holds);
  json_t *h;
  json_array_foreach(holds, i, h) {
    log_hold *x = &l->holds[l->n_holds];
    x->phase = json_string_value(json_object_get(h, "phase"));
    x->muscle = json_string_value(json_object_get(h, "muscle"));
    x->tp = json_string_value(json_object_get(h, "tp"));
    x->side = json_string_value(json_object_get(h, "side"));
    x->technique = json_string_value(json_object_get(h, "technique"));
    x->outcome = json_string_value(json_object_get(h, "outcome"));
    x->reason = json_string_value(json_object_get(h, "reason"));
    json_t *sec = json_object_get(h, "seconds");
    x->seconds = json_number_value(sec);
    x->confirmed = json_is_true(json_object_get(h, "confirmed"));
    if (!x->phase || !x->muscle || kb_find_muscle(k, x->muscle) < 0)
      rc = bad(err, errlen, "holds[%zu]: unknown or missing muscle", i);
    else if (x->tp && kb_find_tp(k, x->tp) < 0) rc = bad(err, errlen, "holds[%zu]: unknown trigger point %s", i, x->tp);
    else if (!x->technique || kb_find_term(k, KB_TECHNIQUE, x->technique) < 0)
      rc = bad(err, errlen, "holds[%zu]: unknown or missing technique", i);
    else if (x->side && strcmp(x->side, "l") && strcmp(x->side, "r") && strcmp(x->side, "mid"))
      rc = bad(err, errlen, "holds[%zu]: side must be l, r or mid", i);
    else if (!json_is_number(sec) || x->seconds < 0 || x->seconds > 3600)
      rc = bad(err, errlen, "holds[%zu]: seconds must be a number 0-3600", i);
    if (rc) goto done;
    l->n_holds++;
  }
  l->text = xstrndup(text, len);
done:
  if (rc) { record_log_free(l); return rc; }
  *out = l;
  return 0;
}

int record_home_context(store *s, const kb *k, long client, const char *date, home_context *out) {
  home_context_init(out);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_arg_text(&a, date && *date ? date : "9999-12-31");
  store_rows r;
  if (store_exec(s, "SELECT activities, desk_hours, sleep_hours FROM intake WHERE client_id = $1 AND date <= $2"
                    " ORDER BY date DESC, id DESC LIMIT 1", &a, &r)) return -1;
  int found = r.nrow > 0;
  if (found) {
    home_context_activities(k, store_cell(&r, 0, 0), out);
    if (store_cell(&r, 0, 1)) out->desk_hours = strtod(store_cell(&r, 0, 1), NULL);
    if (store_cell(&r, 0, 2)) out->sleep_hours = strtod(store_cell(&r, 0, 2), NULL);
  }
  store_rows_free(&r);
  return found;
}

/* ---- the stored form of a visit ----------------------------------------------------------
** A visit made with the embedded knowledge base keeps what happened: its log without the plan,
** compressed (logz, tag 'P'), and the kb version it was planned with (kbver_id); the plan is
** derived again from that version and the log's points and contraindications, and the stored
** form is only chosen when that gives back the log's own plan.  Any other log is kept whole,
** compressed (tag 'L').  Its home program keeps the intake's factors it was made with (ctx: "null"
** when there was no intake, else {"activities":"id,...","desk_hours":H,"sleep_hours":H}) and
** the same kb version, program '' (derived); or, when made with an edited kb, its JSON text.
** Rows stored before migration 5 hold the text (log, program) until record_upgrade. */

static int same_input(const plan_input *a, const plan_input *b) {
  if (a->n_points != b->n_points || a->n_contras != b->n_contras || a->refer || b->refer) return 0;
  for (int i = 0; i < a->n_points; i++)
    if (a->points[i].tp != b->points[i].tp || a->points[i].side != b->points[i].side) return 0;
  for (int i = 0; i < a->n_contras; i++)
    if (a->contras[i].contra != b->contras[i].contra || a->contras[i].region != b->contras[i].region) return 0;
  return 1;
}

/* The log's plan is the one k (the embedded kb) builds from its points and contraindications.
** The last plan built is kept per thread: visits of a course of treatment repeat their points. */
static int plan_derivable(const kb *k, json_t *root, const plan_input *in) {
  static _Thread_local struct { plan_input in; json_t *plan; } last;
  json_t *p = json_object_get(root, "plan");
  if (!p) return 0;
  if (!last.plan || !same_input(&last.in, in)) {
    plan pl;
    char e[256];
    if (plan_build(k, in, &pl, e, sizeof e)) return 0;
    buf b;
    buf_init(&b);
    sheet_plan_json(&b, k, &pl);
    json_decref(last.plan);
    last.plan = json_loadb(b.data, b.len, 0, NULL);
    last.in = *in;
    buf_free(&b);
  }
  return last.plan && json_equal(p, last.plan);
}

/* The stored form of log `root` (its text `text`) into out; returns 1 when its plan is derived
** (kb is the embedded one and gives back the same plan), 0 when the log is kept whole. */
static int log_pack(const kb *k, json_t *root, const char *text, size_t len, const plan_input *in, buf *out) {
  if (kb_is_builtin(k) && plan_derivable(k, root, in)) {
    json_t *c = json_copy(root);
    json_object_del(c, "plan");
    char *t = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(c);
    if (t) {
      pack_deflate('P', PACK_DICT_LOG1, t, strlen(t), out);
      free(t);
      return 1;
    }
  }
  pack_deflate('L', PACK_DICT_LOG1, text, len, out);
  return 0;
}

/* The context of a home program as stored in homeprog.ctx. */
static void ctx_text(buf *b, const kb *k, const home_context *hc) {
  if (!hc) { buf_puts(b, "null"); return; }
  buf_puts(b, "{\"activities\":\"");
  for (int i = 0; i < hc->n_activities; i++)
    buf_printf(b, "%s%s", i ? "," : "", kb_term_at(k, KB_ACTIVITY, hc->activities[i])->id);
  buf_printf(b, "\",\"desk_hours\":%.17g,\"sleep_hours\":%.17g}", hc->desk_hours, hc->sleep_hours);
}

/* Parse ctx: 1 with *hc filled, 0 for "null" (no intake), -1 when it is not such a text. */
static int ctx_parse(const kb *k, const char *text, home_context *hc) {
  home_context_init(hc);
  json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
  int rc = -1;
  if (json_is_null(j)) rc = 0;
  else if (json_is_object(j) && json_is_string(json_object_get(j, "activities"))) {
    home_context_activities(k, json_string_value(json_object_get(j, "activities")), hc);
    hc->desk_hours = json_number_value(json_object_get(j, "desk_hours"));
    hc->sleep_hours = json_number_value(json_object_get(j, "sleep_hours"));
    rc = 1;
  }
  json_decref(j);
  return rc;
}

int record_visit_log(store *s, const kb *k, long visit, int with_plan, buf *out, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, visit);
  store_rows r;
  if (store_exec(s, "SELECT log, logz, kbver_id FROM visit WHERE id = $1", &a, &r)) {
    snprintf(err, errlen, "database error (%s): %s", store_backend(s), store_error(s));
    return RECORD_ESTORE;
  }
  int rc = 0;
  if (!r.nrow) { snprintf(err, errlen, "no visit %ld", visit); rc = RECORD_ENOTFOUND; }
  else if (!store_cell(&r, 0, 1)) buf_puts(out, store_cell(&r, 0, 0) ? store_cell(&r, 0, 0) : "");
  else {
    buf t;
    buf_init(&t);
    int tag = 0;
    if (pack_inflate(store_cell(&r, 0, 1), store_cell_len(&r, 0, 1), &tag, &t) || (tag != 'P' && tag != 'L')) {
      snprintf(err, errlen, "visit %ld: the stored session log is damaged", visit);
      rc = RECORD_ESTORE;
    } else if (tag == 'L' || !with_plan) buf_append(out, t.data, t.len);
    else {
      /* the plan, derived again from the kb version it was made with */
      const kb *kv = store_cell(&r, 0, 2) ? kbver_kb(s, k, strtol(store_cell(&r, 0, 2), NULL, 10), err, errlen) : NULL;
      json_t *root = kv ? json_loadb(t.data, t.len, 0, NULL) : NULL;
      session_summary sum;
      plan pl;
      if (!kv) { if (!store_cell(&r, 0, 2)) snprintf(err, errlen, "visit %ld: no knowledge-base version", visit); rc = RECORD_ESTORE; }
      else if (!root || session_read_json(kv, root, &sum, err, errlen) || plan_build(kv, &sum.in, &pl, err, errlen)) rc = RECORD_ESTORE;
      else {
        buf pj;
        buf_init(&pj);
        sheet_plan_json(&pj, kv, &pl);
        json_object_set_new(root, "plan", json_loadb(pj.data, pj.len, 0, NULL));
        buf_free(&pj);
        char *d = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(1));
        buf_puts(out, d);
        buf_putc(out, '\n');
        free(d);
      }
      json_decref(root);
    }
    buf_free(&t);
  }
  store_rows_free(&r);
  return rc;
}

int record_home_load(store *s, const kb *k, long id, buf *json, home *h, const kb **hk, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows r;
  if (store_exec(s, "SELECT program, kbver_id, ctx, visit_id FROM homeprog WHERE id = $1", &a, &r)) {
    snprintf(err, errlen, "database error (%s): %s", store_backend(s), store_error(s));
    return RECORD_ESTORE;
  }
  int rc;
  const char *prog = store_cell(&r, 0, 0);
  if (!r.nrow) { snprintf(err, errlen, "no home program %ld", id); rc = RECORD_ENOTFOUND; }
  else if (!store_cell(&r, 0, 1) || (prog && *prog)) { if (json) buf_puts(json, prog ? prog : ""); rc = 0; }
  else {
    const kb *kv = kbver_kb(s, k, strtol(store_cell(&r, 0, 1), NULL, 10), err, errlen);
    home_context hc;
    int has = kv ? ctx_parse(kv, store_cell(&r, 0, 2), &hc) : -1;
    buf log;
    buf_init(&log);
    session_summary sum;
    rc = RECORD_ESTORE;
    if (kv && has < 0) snprintf(err, errlen, "home program %ld: its stored context is damaged", id);
    else if (kv && !store_cell(&r, 0, 3)) snprintf(err, errlen, "home program %ld: its visit is gone", id);
    else if (kv && !(rc = record_visit_log(s, k, strtol(store_cell(&r, 0, 3), NULL, 10), 0, &log, err, errlen))) {
      if (session_read(kv, log.data ? log.data : "", log.len, &sum, err, errlen)) rc = RECORD_ESTORE;
      else {
        home hl, *hp = h ? h : &hl;
        home_build(kv, &sum.in, sum.stopped, hp);
        home_perpetuating(kv, has ? &hc : NULL, hp);
        if (json) sheet_home_json(json, kv, hp);
        if (hk) *hk = kv;
        rc = 1;
      }
    }
    buf_free(&log);
  }
  store_rows_free(&r);
  return rc;
}

/* The visit's own row in a statement that writes its children. */
#define THE_VISIT "(SELECT id FROM visit WHERE client_id = $1 AND started = $2)"

int record_log_add(store *s, const kb *k, long client, long therapist, const record_log *l,
                   long *visit, char *err, size_t errlen) {
  int rc = date_valid(l->date, err, errlen);
  if (rc) return rc;
  if (therapist > 0 && (rc = therapist_exists(s, therapist, err, errlen))) return rc;
  const char *date = l->date;
  int builtin = kb_is_builtin(k);
  /* What the checks and the home program need, in one query: the client's birth date, a visit
  ** already stored for this session, the kb version's row, the latest intake up to the visit. */
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_arg_text(&a, l->sum.started);
  store_arg_text(&a, builtin ? kbver_builtin_hash() : "");
  store_arg_text(&a, date);
  store_rows r;
  if (store_exec(s, "SELECT (SELECT birth FROM client WHERE id = $1), (SELECT id FROM visit WHERE client_id = $1 AND started = $2),"
                    " (SELECT id FROM kbver WHERE hash = $3), i.activities, i.desk_hours, i.sleep_hours, i.id"
                    " FROM (SELECT 1 AS one) o LEFT JOIN (SELECT activities, desk_hours, sleep_hours, id FROM intake"
                    " WHERE client_id = $1 AND date <= $4 ORDER BY date DESC, id DESC LIMIT 1) i ON 1 = 1", &a, &r))
    return failed(s, err, errlen);
  const char *birth = store_cell(&r, 0, 0);
  if (!birth) { snprintf(err, errlen, "no client %ld", client); rc = RECORD_ENOTFOUND; }
  else if (strcmp(date, birth) < 0) rc = bad(err, errlen, "date %s is before the client's birth date (%s)", date, birth);
  else if (store_cell(&r, 0, 1))
    rc = bad(err, errlen, "this session (started %s) is already stored as visit %s", l->sum.started, store_cell(&r, 0, 1));
  long kv = store_cell(&r, 0, 2) ? strtol(store_cell(&r, 0, 2), NULL, 10) : 0;
  home_context hc;
  home_context_init(&hc);
  int has_intake = store_cell(&r, 0, 6) != NULL;
  if (has_intake) {
    home_context_activities(k, store_cell(&r, 0, 3), &hc);
    if (store_cell(&r, 0, 4)) hc.desk_hours = strtod(store_cell(&r, 0, 4), NULL);
    if (store_cell(&r, 0, 5)) hc.sleep_hours = strtod(store_cell(&r, 0, 5), NULL);
  }
  store_rows_free(&r);
  if (rc) return rc;
  buf prog, z, ctx;
  buf_init(&prog);
  buf_init(&z);
  buf_init(&ctx);
  if (builtin) ctx_text(&ctx, k, has_intake ? &hc : NULL);
  else {
    home hp;
    home_build(k, &l->sum.in, l->sum.stopped, &hp);
    home_perpetuating(k, has_intake ? &hc : NULL, &hp);
    sheet_home_json(&prog, k, &hp);
  }
  int derived = log_pack(k, l->root, l->text, strlen(l->text), &l->sum.in, &z);
  char now[32];
  util_now(now);
  /* The writes, sent together: the visit, its holds (up to 10 a statement), its pain before and
  ** after, its home program. */
  int n_hold_stmts = (l->n_holds + 9) / 10, n = 0;
  store_args *args = xcalloc((size_t)(n_hold_stmts + 3), sizeof *args);
  const char **sql = xcalloc((size_t)(n_hold_stmts + 3), sizeof *sql);
  const store_args **ap = xcalloc((size_t)(n_hold_stmts + 3), sizeof *ap);
  buf *text = xcalloc((size_t)(n_hold_stmts + 1), sizeof *text);
  int n_text = 0;
  if (store_begin(s) || (builtin && !kv && kbver_current(s, &kv))) { rc = failed(s, err, errlen); goto done; }
  store_args *v = &args[n];
  store_args_init(v);
  store_arg_int(v, client);
  if (therapist > 0) store_arg_int(v, therapist); else store_arg_text(v, NULL);
  store_arg_text(v, date);
  store_arg_text(v, l->sum.started);
  store_arg_blob(v, z.data, z.len);
  if (l->sum.pain_pre >= 0) store_arg_int(v, l->sum.pain_pre); else store_arg_text(v, NULL);
  if (l->sum.pain_post >= 0) store_arg_int(v, l->sum.pain_post); else store_arg_text(v, NULL);
  store_arg_text(v, now);
  if (derived) store_arg_int(v, kv); else store_arg_text(v, NULL);
  sql[n++] = "INSERT INTO visit (client_id, therapist_id, date, started, log, logz, pain_pre, pain_post, created,"
             " kbver_id) VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, $9) RETURNING id";
  for (int i = 0; i < l->n_holds; i += 10) {
    buf *b = &text[n_text++];
    buf_init(b);
    buf_puts(b, "INSERT INTO treatment (visit_id, seq, phase, muscle, tp, side, technique, seconds, outcome, "
                "reason, confirmed) VALUES ");
    store_args *t = &args[n];
    store_args_init(t);
    store_arg_int(t, client);
    store_arg_text(t, l->sum.started);
    for (int j = i; j < l->n_holds && j < i + 10; j++) {
      const log_hold *h = &l->holds[j];
      int o = t->n;
      buf_printf(b, "%s(" THE_VISIT ", $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", j > i ? ", " : "",
                 o + 1, o + 2, o + 3, o + 4, o + 5, o + 6, o + 7, o + 8, o + 9, o + 10);
      store_arg_int(t, j + 1);
      store_arg_text(t, h->phase);
      store_arg_text(t, h->muscle);
      store_arg_text(t, h->tp);
      store_arg_text(t, h->side);
      store_arg_text(t, h->technique);
      store_arg_real(t, h->seconds);
      store_arg_text(t, h->outcome);
      store_arg_text(t, h->reason);
      store_arg_int(t, h->confirmed);
    }
    sql[n++] = b->data;
  }
  static const char *const items[2] = {"pre", "post"};
  int vals[2] = {l->sum.pain_pre, l->sum.pain_post};
  if (vals[0] >= 0 || vals[1] >= 0) {
    buf *b = &text[n_text++];
    buf_init(b);
    store_args *m = &args[n];
    store_args_init(m);
    store_arg_int(m, client);
    store_arg_text(m, l->sum.started);
    store_arg_text(m, date);
    store_arg_text(m, now);
    buf_puts(b, "INSERT INTO measure (client_id, visit_id, date, kind, item, value, created) VALUES ");
    for (int i = 0, c = 0; i < 2; i++) {
      if (vals[i] < 0) continue;
      buf_printf(b, "%s($1, " THE_VISIT ", $3, 'nprs', $%d, $%d, $4)", c++ ? ", " : "", m->n + 1, m->n + 2);
      store_arg_text(m, items[i]);
      store_arg_int(m, vals[i]);
    }
    sql[n++] = b->data;
  }
  store_args *hpa = &args[n];
  store_args_init(hpa);
  store_arg_int(hpa, client);
  store_arg_text(hpa, l->sum.started);
  store_arg_text(hpa, date);
  store_arg_text(hpa, builtin ? "" : prog.data);
  store_arg_text(hpa, now);
  if (builtin) store_arg_int(hpa, kv); else store_arg_text(hpa, NULL);
  store_arg_text(hpa, builtin ? ctx.data : "");
  sql[n++] = "INSERT INTO homeprog (client_id, visit_id, date, program, created, kbver_id, ctx)"
             " VALUES ($1, " THE_VISIT ", $3, $4, $5, $6, $7)";
  for (int i = 0; i < n; i++) ap[i] = &args[i];
  if (store_exec_batch_commit(s, n, sql, ap, &r)) { rc = failed(s, err, errlen); goto done; }
  *visit = store_cell(&r, 0, 0) ? strtol(store_cell(&r, 0, 0), NULL, 10) : 0;
  store_rows_free(&r);
done:
  for (int i = 0; i < n_text; i++) buf_free(&text[i]);
  free(text);
  free(args);
  free(sql);
  free(ap);
  buf_free(&prog);
  buf_free(&z);
  buf_free(&ctx);
  return rc;
}

/* ---- upgrading visits stored before migration 5 --------------------------------------------- */

/* Rewrite one batch of legacy visits (log text) into the stored form; sets *n to how many. */
static int upgrade_visits(store *s, const kb *k, long *n, char *err, size_t errlen) {
  store_rows r;
  *n = 0;
  if (store_begin(s) ||
      store_exec(s, "SELECT id, log FROM visit WHERE logz IS NULL ORDER BY id LIMIT 200", NULL, &r))
    return failed(s, err, errlen);
  long kv = 0;
  int rc = r.nrow && kbver_current(s, &kv) ? failed(s, err, errlen) : 0;
  for (int i = 0; !rc && i < r.nrow; i++) {
    const char *text = store_cell(&r, i, 1) ? store_cell(&r, i, 1) : "";
    session_summary sum;
    char e[256];
    json_t *root = json_loads(text, 0, NULL);
    buf z;
    buf_init(&z);
    int derived = root && !session_read_json(k, root, &sum, e, sizeof e)
                  ? log_pack(k, root, text, strlen(text), &sum.in, &z)
                  : (pack_deflate('L', PACK_DICT_LOG1, text, strlen(text), &z), 0);
    json_decref(root);
    store_args a;
    store_args_init(&a);
    store_arg_blob(&a, z.data, z.len);
    if (derived) store_arg_int(&a, kv); else store_arg_text(&a, NULL);
    store_arg_text(&a, store_cell(&r, i, 0));
    if (store_exec(s, "UPDATE visit SET log = '', logz = $1, kbver_id = $2 WHERE id = $3", &a, NULL))
      rc = failed(s, err, errlen);
    buf_free(&z);
  }
  *n = r.nrow;
  store_rows_free(&r);
  return rc ? rc : store_commit(s) ? failed(s, err, errlen) : 0;
}

/* One batch of legacy home programs: derived when the embedded kb, the session and the
** client's intake up to the visit give back the same bytes, else kept as text (ctx ''). */
static int upgrade_homes(store *s, const kb *k, long *n, char *err, size_t errlen) {
  store_rows r;
  *n = 0;
  if (store_begin(s) ||
      store_exec(s, "SELECT id, program, client_id, visit_id, date FROM homeprog WHERE ctx IS NULL ORDER BY id LIMIT 200",
                 NULL, &r))
    return failed(s, err, errlen);
  long kv = 0;
  int rc = r.nrow && kbver_current(s, &kv) ? failed(s, err, errlen) : 0;
  for (int i = 0; !rc && i < r.nrow; i++) {
    const char *prog = store_cell(&r, i, 1) ? store_cell(&r, i, 1) : "";
    long client = strtol(store_cell(&r, i, 2), NULL, 10);
    buf log, ctx, again;
    buf_init(&log);
    buf_init(&ctx);
    buf_init(&again);
    session_summary sum;
    char e[256];
    int same = 0;
    if (store_cell(&r, i, 3) && !record_visit_log(s, k, strtol(store_cell(&r, i, 3), NULL, 10), 0, &log, e, sizeof e) &&
        !session_read(k, log.data ? log.data : "", log.len, &sum, e, sizeof e)) {
      home h;
      home_build(k, &sum.in, sum.stopped, &h);
      home_context hc;
      int has = record_home_context(s, k, client, store_cell(&r, i, 4), &hc);
      if (has < 0) { rc = failed(s, err, errlen); break; }
      home_perpetuating(k, has ? &hc : NULL, &h);
      sheet_home_json(&again, k, &h);
      same = again.len == strlen(prog) && !memcmp(again.data, prog, again.len);
      if (same) ctx_text(&ctx, k, has ? &hc : NULL);
    }
    store_args a;
    store_args_init(&a);
    store_arg_text(&a, same ? "" : prog);
    if (same) store_arg_int(&a, kv); else store_arg_text(&a, NULL);
    store_arg_text(&a, same ? ctx.data : "");
    store_arg_text(&a, store_cell(&r, i, 0));
    if (store_exec(s, "UPDATE homeprog SET program = $1, kbver_id = $2, ctx = $3 WHERE id = $4", &a, NULL))
      rc = failed(s, err, errlen);
    buf_free(&log);
    buf_free(&ctx);
    buf_free(&again);
  }
  *n = r.nrow;
  store_rows_free(&r);
  return rc ? rc : store_commit(s) ? failed(s, err, errlen) : 0;
}

int record_upgrade_pending(store *s, long *visits) {
  return store_exec_long(s, "SELECT COUNT(*) FROM visit WHERE logz IS NULL", NULL, visits);
}

int record_upgrade(store *s, const kb *k, long *visits, long *programs, char *err, size_t errlen) {
  long v = 0, h = 0, n;
  *visits = *programs = 0;
  /* The common case: nothing left (two lookups in the partial indexes of migration 5). */
  store_rows r;
  if (store_exec(s, "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM visit WHERE logz IS NULL LIMIT 1) x),"
                    " (SELECT COUNT(*) FROM (SELECT 1 FROM homeprog WHERE ctx IS NULL LIMIT 1) y)", NULL, &r))
    return failed(s, err, errlen);
  int todo = strcmp(store_cell(&r, 0, 0), "0") || strcmp(store_cell(&r, 0, 1), "0");
  store_rows_free(&r);
  if (!todo) return 0;
  kb *own = NULL;
  if (!k || !kb_is_builtin(k)) {
    buf e;
    buf_init(&e);
    if (kb_load_builtin(&own, &e)) {
      snprintf(err, errlen, "the embedded knowledge base failed to load: %.300s", e.data ? e.data : "");
      buf_free(&e);
      return RECORD_ESTORE;
    }
    buf_free(&e);
    k = own;
  }
  int rc = 0;
  do { if ((rc = upgrade_visits(s, k, &n, err, errlen))) break; v += n; } while (n);
  if (!rc) do { if ((rc = upgrade_homes(s, k, &n, err, errlen))) break; h += n; } while (n);
  *visits = v;
  *programs = h;
  kb_free(own);
  return rc;
}

/* ---- measures ----------------------------------------------------------------------------- */

static const char *const kind_names[N_RECORD_KINDS] = {"nprs", "psfs", "ndi", "rom"};
const char *record_kind_name(int kind) { return kind >= 0 && kind < N_RECORD_KINDS ? kind_names[kind] : "?"; }

/* Range of motion: each joint (with its sides when it has them) and the directions measured,
** with the unit and the largest plausible value. */
static const struct rom_joint {
  const char *joint;
  int sided;
  const char *unit;
  double max;
  const char *directions;   /* space separated */
} rom_joints[] = {
  {"cervical", 0, "deg", 120, "flexion extension rotation-l rotation-r side-bend-l side-bend-r"},
  {"thoracic", 0, "deg", 90, "flexion extension rotation-l rotation-r"},
  {"lumbar", 0, "deg", 120, "flexion extension side-bend-l side-bend-r rotation-l rotation-r"},
  {"shoulder", 1, "deg", 200, "flexion extension abduction adduction internal-rotation external-rotation"},
  {"elbow", 1, "deg", 160, "flexion extension pronation supination"},
  {"wrist", 1, "deg", 100, "flexion extension radial-deviation ulnar-deviation"},
  {"hip", 1, "deg", 150, "flexion extension abduction adduction internal-rotation external-rotation straight-leg-raise"},
  {"knee", 1, "deg", 160, "flexion extension"},
  {"ankle", 1, "deg", 90, "dorsiflexion plantarflexion inversion eversion"},
  {"jaw", 0, "mm", 80, "opening protrusion lateral-l lateral-r"},
};
#define N_ROM ((int)(sizeof rom_joints / sizeof rom_joints[0]))

static const struct rom_joint *rom_find(const char *item) {
  const char *colon = strchr(item, ':');
  if (!colon) return NULL;
  size_t jl = (size_t)(colon - item);
  const char *dir = colon + 1;
  for (int i = 0; i < N_ROM; i++) {
    const struct rom_joint *j = &rom_joints[i];
    size_t n = strlen(j->joint);
    if (jl < n || strncmp(item, j->joint, n)) continue;
    if (j->sided ? !(jl == n + 2 && (!strncmp(item + n, "-l", 2) || !strncmp(item + n, "-r", 2))) : jl != n) continue;
    size_t dl = strlen(dir);
    for (const char *p = j->directions; *p;) {
      size_t w = strcspn(p, " ");
      if (w == dl && !strncmp(p, dir, w)) return j;
      p += w + (p[w] == ' ');
    }
  }
  return NULL;
}

const char *record_rom_unit(const char *item) {
  const struct rom_joint *j = rom_find(item);
  return j ? j->unit : NULL;
}

void record_rom_list(buf *out) {
  for (int i = 0; i < N_ROM; i++) {
    const struct rom_joint *j = &rom_joints[i];
    for (const char *p = j->directions; *p;) {
      size_t w = strcspn(p, " ");
      buf_printf(out, "%s%s:%.*s (%s)\n", j->joint, j->sided ? "-l|-r" : "", (int)w, p, j->unit);
      p += w + (p[w] == ' ');
    }
  }
}

int record_measure_parse(const char *kind, const char *word, record_measure *m, char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  m->kind = -1;
  for (int i = 0; i < N_RECORD_KINDS; i++) if (!strcmp(kind, kind_names[i])) m->kind = i;
  if (m->kind < 0) return bad(err, errlen, "unknown measure \"%s\": nprs, psfs, ndi or rom", kind);
  const char *val = word;
  if (m->kind == RECORD_PSFS || m->kind == RECORD_ROM) {
    const char *eq = strrchr(word, '=');
    if (!eq || eq == word)
      return bad(err, errlen, m->kind == RECORD_PSFS ? "psfs \"%s\": expected ACTIVITY=SCORE, e.g. \"reach overhead=4\""
                                                     : "rom \"%s\": expected JOINT:DIRECTION=VALUE, e.g. cervical:rotation-l=60",
                 word);
    size_t n = (size_t)(eq - word);
    if (n >= sizeof m->item) return bad(err, errlen, "%s: the name is too long", kind);
    memcpy(m->item, word, n);
    m->item[n] = 0;
    if (text_ok("the activity", m->item, sizeof m->item - 1, err, errlen)) return RECORD_EBAD;
    val = eq + 1;
  }
  char *end;
  m->value = strtod(val, &end);
  if (!*val || *end || m->value != m->value) return bad(err, errlen, "%s \"%s\": the value is not a number", kind, val);
  switch (m->kind) {
    case RECORD_NPRS:
      if (m->value < 0 || m->value > 10 || m->value != floor(m->value))
        return bad(err, errlen, "nprs %s: pain is a whole number 0-10", val);
      break;
    case RECORD_PSFS:
      if (m->value < 0 || m->value > 10) return bad(err, errlen, "psfs %s: scores run 0 (unable) to 10 (as before)", val);
      break;
    case RECORD_NDI:
      if (m->value < 0 || m->value > 50 || m->value != floor(m->value))
        return bad(err, errlen, "ndi %s: the raw Neck Disability Index is a whole number 0-50", val);
      break;
    case RECORD_ROM: {
      const struct rom_joint *j = rom_find(m->item);
      if (!j) return bad(err, errlen, "rom \"%s\": unknown joint:direction (`myomap measure --rom-list` lists them)", m->item);
      if (m->value < 0 || m->value > j->max)
        return bad(err, errlen, "rom %s=%s: expected 0-%g %s", m->item, val, j->max, j->unit);
      break;
    }
  }
  return 0;
}

int record_measure_add(store *s, long client, const char *date, long visit,
                       const record_measure *m, int n, char *err, size_t errlen) {
  char d[11];
  int rc = date_check(s, client, date, d, err, errlen);
  if (rc) return rc;
  if (n < 1) return bad(err, errlen, "no measures given");
  if (visit && (rc = record_visit_find(s, client, NULL, visit, &visit, err, errlen))) return rc;
  char now[32];
  util_now(now);
  if (store_begin(s)) return failed(s, err, errlen);
  for (int i = 0; i < n; i++) {
    store_args a;
    store_args_init(&a);
    store_arg_int(&a, client);
    if (visit) store_arg_int(&a, visit); else store_arg_text(&a, NULL);
    store_arg_text(&a, d);
    store_arg_text(&a, record_kind_name(m[i].kind));
    store_arg_text(&a, m[i].item);
    store_arg_real(&a, m[i].value);
    store_arg_text(&a, now);
    if (store_exec(s, "INSERT INTO measure (client_id, visit_id, date, kind, item, value, created) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7)", &a, NULL))
      return failed(s, err, errlen);
  }
  return store_commit(s) ? failed(s, err, errlen) : 0;
}

int record_visit_find(store *s, long client, const char *date, long visit, long *id, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_rows r;
  int rc;
  if (visit) {
    store_arg_int(&a, visit);
    rc = store_exec(s, "SELECT id FROM visit WHERE client_id = $1 AND id = $2", &a, &r);
  } else if (date) {
    store_arg_text(&a, date);
    rc = store_exec(s, "SELECT id FROM visit WHERE client_id = $1 AND date = $2 ORDER BY started DESC, id DESC", &a, &r);
  } else
    rc = store_exec(s, "SELECT id FROM visit WHERE client_id = $1 ORDER BY date DESC, started DESC, id DESC", &a, &r);
  if (rc) return failed(s, err, errlen);
  rc = 0;
  if (r.nrow) *id = strtol(store_cell(&r, 0, 0), NULL, 10);
  else {
    if (visit) snprintf(err, errlen, "client %ld has no visit %ld", client, visit);
    else if (date) snprintf(err, errlen, "client %ld has no visit on %s", client, date);
    else snprintf(err, errlen, "client %ld has no visits yet (store one with `myomap log`)", client);
    rc = RECORD_ENOTFOUND;
  }
  store_rows_free(&r);
  return rc;
}
