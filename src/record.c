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
#include "json.h"   /* (after jansson.h: json_tree alone) */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A refused input: the message in err, RECORD_EBAD returned. */
#define bad(err, errlen, ...) util_fail(RECORD_EBAD, err, errlen, __VA_ARGS__)

/* A database failure: roll back and report. */
static int failed(store *s, char *err, size_t errlen) {
  snprintf(err, errlen, "database error (%s): %s; nothing was written", store_backend(s), store_error(s));
  store_rollback(s);
  return RECORD_ESTORE;
}

/* Free text: valid UTF-8 of at most `max` characters, no control characters but newline and
** tab.  A refusal gives the position of the byte at fault (counting from 1). */
static int text_ok(const char *what, const char *t, size_t max, char *err, size_t errlen) {
  if (!t) return 0;
  size_t n = strlen(t), chars = 0;
  long u = util_utf8_bad(t, n);
  if (u >= 0)
    return bad(err, errlen, "%s is not valid UTF-8: byte %ld of %zu (0x%02x) does not begin or continue a "
               "UTF-8 character; give the text as UTF-8", what, u + 1, n, (unsigned char)t[u]);
  for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
    if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
      return bad(err, errlen, "%s holds a control character (byte %zu, 0x%02x)", what,
                 (size_t)(p - (const unsigned char *)t) + 1, *p);
    chars += (*p & 0xc0) != 0x80;
  }
  if (chars > max) return bad(err, errlen, "%s is too long (%zu characters; at most %zu)", what, chars, max);
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
  int rc = date_valid(date, err, errlen);
  if (rc) return rc;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_rows r;
  if (store_exec(s, "SELECT birth FROM client WHERE id = $1", &a, &r)) return failed(s, err, errlen);
  const char *birth = store_cell(&r, 0, 0);
  if (!birth) rc = bad(err, errlen, "no client %ld", client), rc = RECORD_ENOTFOUND;
  else if (strcmp(date, birth) < 0)
    rc = bad(err, errlen, "date %s is before the client's birth date (%s)", date, birth);
  store_rows_free(&r);
  if (!rc) snprintf(out, 11, "%s", date);
  return rc;
}

/* What adding a client's dated entries (findings, measures) starts with: the date (NULL: today)
** checked and written to d, at least one entry (none: the message `none`), the visit (0: none)
** one of the client's, the time now, and a transaction begun. */
static int entries_begin(store *s, long client, const char *date, long *visit, int n, const char *none,
                         char d[11], char now[32], char *err, size_t errlen) {
  int rc = date_check(s, client, date, d, err, errlen);
  if (rc) return rc;
  if (n < 1) return bad(err, errlen, "%s", none);
  if (*visit && (rc = record_visit_find(s, client, NULL, *visit, visit, err, errlen))) return rc;
  util_now(now);
  return store_begin(s) ? failed(s, err, errlen) : 0;
}

/* An entry's first three arguments: the client, the visit (NULL when none) and the date. */
static void entry_args(store_args *a, long client, long visit, const char *d) {
  store_args_init(a);
  store_arg_int(a, client);
  if (visit) store_arg_int(a, visit); else store_arg_text(a, NULL);
  store_arg_text(a, d);
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
  c->archive = -1;
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
  if (c->consent_date && strcmp(c->consent_date, today) > 0)
    return bad(err, errlen, "consent date %s is in the future", c->consent_date);
  for (int i = 0; i < c->n_contras + c->n_add + c->n_end; i++) {
    const plan_contra *pc = i < c->n_contras ? &c->contras[i] : i < c->n_contras + c->n_add
                          ? &c->add[i - c->n_contras].c : &c->end[i - c->n_contras - c->n_add].c;
    const char *d = i < c->n_contras ? NULL : i < c->n_contras + c->n_add ? c->add[i - c->n_contras].date
                  : c->end[i - c->n_contras - c->n_add].date;
    const kb_term *t = kb_term_at(k, KB_CONTRA, pc->contra);
    if (!t) return bad(err, errlen, "unknown contraindication");
    if (t->scope == KB_SCOPE_LOCAL && pc->region < 0)
      return bad(err, errlen, "%s is local: say where, e.g. %s:calf-l", t->id, t->id);
    if (d && !util_date_ok(d)) return bad(err, errlen, "bad date \"%s\" for %s: expected YYYY-MM-DD", d, t->id);
    if (d && strcmp(d, today) > 0) return bad(err, errlen, "date %s for %s is in the future", d, t->id);
  }
  if (c->therapist > 0) return therapist_exists(s, c->therapist, err, errlen);
  return 0;
}

/* The region id of a contraindication ("" when it has none). */
static const char *contra_region(const kb *k, const plan_contra *pc) {
  return pc->region >= 0 ? body_at(kb_body(k), pc->region)->id : "";
}

/* Start contraindication pc on `date` (kept as it is when current already). */
static int contra_start(store *s, const kb *k, long id, const plan_contra *pc, const char *date) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_arg_text(&a, kb_term_at(k, KB_CONTRA, pc->contra)->id);
  store_arg_text(&a, contra_region(k, pc));
  store_arg_text(&a, date);
  return store_exec(s, "INSERT INTO client_contra (client_id, contra, region, started) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT DO NOTHING", &a, NULL);
}

/* End contraindication pc on `date`: it moves to client_contra_past.  1 when it was not
** current, 2 when `date` is before the day it started, 0 when ended, -1 when the store failed. */
static int contra_stop(store *s, const kb *k, long id, const plan_contra *pc, const char *date) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_arg_text(&a, kb_term_at(k, KB_CONTRA, pc->contra)->id);
  store_arg_text(&a, contra_region(k, pc));
  store_rows r;
  if (store_exec(s, "SELECT started FROM client_contra WHERE client_id = $1 AND contra = $2 AND region = $3", &a, &r))
    return -1;
  int found = r.nrow > 0;
  char started[16] = "";
  if (found && store_cell(&r, 0, 0)) snprintf(started, sizeof started, "%s", store_cell(&r, 0, 0));
  store_rows_free(&r);
  if (!found) return 1;
  if (*started && strcmp(date, started) < 0) return 2;
  char now[32];
  util_now(now);
  store_args b;
  store_args_init(&b);
  store_arg_int(&b, id);
  store_arg_text(&b, kb_term_at(k, KB_CONTRA, pc->contra)->id);
  store_arg_text(&b, contra_region(k, pc));
  store_arg_text(&b, *started ? started : NULL);
  store_arg_text(&b, date);
  store_arg_text(&b, now);
  if (store_exec(s, "INSERT INTO client_contra_past (client_id, contra, region, started, ended, created) "
                    "VALUES ($1, $2, $3, $4, $5, $6)", &b, NULL) ||
      store_exec(s, "DELETE FROM client_contra WHERE client_id = $1 AND contra = $2 AND region = $3", &a, NULL))
    return -1;
  return 0;
}

/* Make the current contraindications those of c: the others end today, the new start today. */
static int write_contras(store *s, const kb *k, long id, const record_client *c) {
  char today[11];
  util_today(today);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows r;
  if (store_exec(s, "SELECT contra, region FROM client_contra WHERE client_id = $1", &a, &r)) return -1;
  int rc = 0;
  for (int i = 0; i < r.nrow && !rc; i++) {
    int keep = 0;
    for (int j = 0; j < c->n_contras; j++)
      keep |= !strcmp(kb_term_at(k, KB_CONTRA, c->contras[j].contra)->id, store_cell(&r, i, 0)) &&
              !strcmp(contra_region(k, &c->contras[j]), store_cell(&r, i, 1));
    plan_contra pc = {kb_find_term(k, KB_CONTRA, store_cell(&r, i, 0)), -1};
    const char *rg = store_cell(&r, i, 1);
    if (rg && *rg) pc.region = body_find(kb_body(k), rg);
    if (!keep && pc.contra >= 0 && (!*rg || pc.region >= 0)) rc = contra_stop(s, k, id, &pc, today) < 0;
    else if (!keep) {   /* an id this knowledge base lacks: end it as stored */
      store_args b;
      store_args_init(&b);
      store_arg_int(&b, id);
      store_arg_text(&b, store_cell(&r, i, 0));
      store_arg_text(&b, rg);
      rc = store_exec(s, "DELETE FROM client_contra WHERE client_id = $1 AND contra = $2 AND region = $3", &b, NULL);
    }
  }
  store_rows_free(&r);
  for (int i = 0; i < c->n_contras && !rc; i++) rc = contra_start(s, k, id, &c->contras[i], today);
  return rc ? -1 : 0;
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
  return record_client_update(s, k, id, c, NULL, err, errlen);
}

/* Is the optional text field's new value (""=NULL) different from the stored one? */
static int differs(const char *now, const char *want) {
  if (want && !*want) want = NULL;
  if (!now || !want) return (now == NULL) != (want == NULL);
  return strcmp(now, want) != 0;
}

static void note_change(buf *changed, const char *field) {
  if (!changed) return;
  for (const char *p = changed->data ? strstr(changed->data, field) : NULL; p; p = strstr(p + 1, field))
    if ((p == changed->data || p[-1] == ',') && (p[strlen(field)] == ',' || !p[strlen(field)])) return;
  buf_printf(changed, "%s%s", changed->len ? "," : "", field);
}

int record_client_update(store *s, const kb *k, long id, const record_client *c, buf *changed,
                         char *err, size_t errlen) {
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
  char now[32], today[11];
  util_now(now);
  util_today(today);
  if (store_begin(s)) return failed(s, err, errlen);
  store_rows old;
  if (store_exec(s, "SELECT name, birth, phone, email, history, consent_date, consent, therapist_id, archived "
                    "FROM client WHERE id = $1", &a, &old)) return failed(s, err, errlen);
  if (!old.nrow) {
    store_rows_free(&old);
    store_rollback(s);
    snprintf(err, errlen, "no client %ld", id);
    return RECORD_ENOTFOUND;
  }
  const char *birth = store_cell(&old, 0, 1);
  const char *cdate = c->consent_date && *c->consent_date ? c->consent_date : NULL;
  if (cdate && strcmp(cdate, c->birth ? c->birth : birth) < 0) {
    store_rows_free(&old);
    store_rollback(s);
    return bad(err, errlen, "consent date %s is before the date of birth", cdate);
  }
  for (int i = 0; i < c->n_add + c->n_end; i++) {
    const char *d = i < c->n_add ? c->add[i].date : c->end[i - c->n_add].date;
    if (d && strcmp(d, c->birth ? c->birth : birth) < 0) {
      store_rows_free(&old);
      store_rollback(s);
      return bad(err, errlen, "contraindication date %s is before the date of birth", d);
    }
  }
  for (int i = 0; i < 6; i++) {
    if (!vals[i]) continue;
    if (differs(store_cell(&old, 0, i), vals[i])) note_change(changed, cols[i]);
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE client SET %s = $2 WHERE id = $1", cols[i]);
    store_args_init(&a);
    store_arg_int(&a, id);
    store_arg_text(&a, *vals[i] || i < 2 ? vals[i] : NULL);  /* "" clears an optional field */
    if (store_exec(s, sql, &a, NULL)) { store_rows_free(&old); return failed(s, err, errlen); }
  }
  if (c->consent >= 0 && c->consent != (int)strtol(store_cell(&old, 0, 6), NULL, 10)) note_change(changed, "consent");
  if (c->therapist > 0 && (!store_cell(&old, 0, 7) || c->therapist != strtol(store_cell(&old, 0, 7), NULL, 10)))
    note_change(changed, "therapist");
  if (c->archive >= 0 && c->archive != (store_cell(&old, 0, 8) != NULL)) note_change(changed, "archived");
  store_rows_free(&old);
  store_args_init(&a);
  store_arg_int(&a, id);
  store_arg_text(&a, now);
  if (c->consent >= 0) store_arg_int(&a, c->consent); else store_arg_text(&a, NULL);
  if (c->therapist > 0) store_arg_int(&a, c->therapist); else store_arg_text(&a, NULL);
  store_arg_text(&a, today);
  store_arg_int(&a, c->archive);
  if (store_exec(s, "UPDATE client SET updated = $2, consent = COALESCE($3, consent), "
                    "therapist_id = COALESCE($4, therapist_id), "
                    "consent_date = CASE WHEN COALESCE(CAST($3 AS INTEGER), consent) = 1 THEN COALESCE(consent_date, $5) ELSE NULL END, "
                    "archived = CASE WHEN CAST($6 AS INTEGER) = 1 THEN COALESCE(archived, $2) "
                    "WHEN CAST($6 AS INTEGER) = 0 THEN NULL ELSE archived END "
                    "WHERE id = $1", &a, NULL))
    return failed(s, err, errlen);
  if (c->set_contras) {
    store_args_init(&a);
    store_arg_int(&a, id);
    long before = 0, after = 0;
    store_rows cur;
    if (store_exec(s, "SELECT contra || ':' || region FROM client_contra WHERE client_id = $1 ORDER BY contra, region",
                   &a, &cur)) return failed(s, err, errlen);
    buf was;
    buf_init(&was);
    for (int i = 0; i < cur.nrow; i++) buf_printf(&was, "%s;", store_cell(&cur, i, 0));
    before = cur.nrow;
    store_rows_free(&cur);
    if (write_contras(s, k, id, c) ||
        store_exec(s, "SELECT contra || ':' || region FROM client_contra WHERE client_id = $1 ORDER BY contra, region",
                   &a, &cur)) { buf_free(&was); return failed(s, err, errlen); }
    buf is;
    buf_init(&is);
    for (int i = 0; i < cur.nrow; i++) buf_printf(&is, "%s;", store_cell(&cur, i, 0));
    after = cur.nrow;
    store_rows_free(&cur);
    if (before != after || (was.len && strcmp(was.data, is.data))) note_change(changed, "contraindications");
    buf_free(&was);
    buf_free(&is);
  }
  for (int i = 0; i < c->n_end; i++) {
    int r2 = contra_stop(s, k, id, &c->end[i].c, c->end[i].date ? c->end[i].date : today);
    if (r2 < 0) return failed(s, err, errlen);
    if (r2 > 0) {
      store_rollback(s);
      const plan_contra *pc = &c->end[i].c;
      return bad(err, errlen, r2 == 1 ? "%s%s%s is not a current contraindication of client %ld"
                                      : "%s%s%s cannot end before the day it started (client %ld)",
                 kb_term_at(k, KB_CONTRA, pc->contra)->id, pc->region >= 0 ? ":" : "", contra_region(k, pc), id);
    }
    note_change(changed, "contraindications");
  }
  for (int i = 0; i < c->n_add; i++) {
    store_args_init(&a);
    store_arg_int(&a, id);
    store_arg_text(&a, kb_term_at(k, KB_CONTRA, c->add[i].c.contra)->id);
    store_arg_text(&a, contra_region(k, &c->add[i].c));
    long n = 0;
    if (store_exec_long(s, "SELECT COUNT(*) FROM client_contra WHERE client_id = $1 AND contra = $2 AND region = $3",
                        &a, &n) ||
        (!n && contra_start(s, k, id, &c->add[i].c, c->add[i].date ? c->add[i].date : today)))
      return failed(s, err, errlen);
    if (!n) note_change(changed, "contraindications");
  }
  return store_commit(s) ? failed(s, err, errlen) : 0;
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
  char err[256];
  return record_client_search(s, therapist, NULL, 0, out, json, err, sizeof err);
}

int record_client_search(store *s, long therapist, const char *q, int archived, buf *out, int json,
                         char *err, size_t errlen) {
  if (q && *q) {
    if (strlen(q) > 100) return bad(err, errlen, "the search is at most 100 characters");
    if (text_ok("the search", q, 100, err, errlen)) return RECORD_EBAD;
  }
  /* The search as LIKE patterns with % and _ escaped: a part of the name, the start of the
  ** birth date, a part of the phone's digits (only when the search holds a digit). */
  buf like, digits;
  buf_init(&like);
  buf_init(&digits);
  buf_putc(&like, '%');
  for (const char *p = q ? q : ""; *p; p++) {
    if (*p == '%' || *p == '_' || *p == '\\') buf_putc(&like, '\\');
    buf_putc(&like, *p);
    if (isdigit((unsigned char)*p)) buf_putc(&digits, *p);
  }
  buf_putc(&like, '%');
  store_rows r;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, therapist);
  store_arg_text(&a, q && *q ? like.data : NULL);
  store_arg_text(&a, q && *q ? like.data + 1 : NULL);   /* the birth date: a prefix */
  buf_printf(&digits, "%%");
  char dl[128];
  snprintf(dl, sizeof dl, "%%%s", digits.data);
  store_arg_text(&a, q && *q && digits.len > 1 ? dl : NULL);
  store_arg_int(&a, archived ? 1 : 0);
  int rc = store_exec(s, "SELECT c.id, c.name, c.birth, (SELECT COUNT(*) FROM visit v WHERE v.client_id = c.id), "
                    "(SELECT MAX(date) FROM visit v WHERE v.client_id = c.id), c.phone, c.archived FROM client c "
                    "WHERE (CAST($1 AS BIGINT) = 0 OR c.therapist_id = CAST($1 AS BIGINT)) "
                    "AND (CAST($5 AS INTEGER) = 1 OR c.archived IS NULL) "
                    "AND (CAST($2 AS TEXT) IS NULL OR lower(c.name) LIKE lower(CAST($2 AS TEXT)) ESCAPE '\\' "
                    "OR c.birth LIKE CAST($3 AS TEXT) ESCAPE '\\' "
                    "OR (CAST($4 AS TEXT) IS NOT NULL AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE("
                    "COALESCE(c.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', '') "
                    "LIKE CAST($4 AS TEXT))) ORDER BY c.name, c.id",
                 &a, &r);
  buf_free(&like);
  buf_free(&digits);
  if (rc) { snprintf(err, errlen, "%s", store_error(s)); return RECORD_ESTORE; }
  if (json) buf_putc(out, '[');
  else if (r.nrow) buf_printf(out, "%-5s %-32s %-10s %6s  %s\n", "id", "name", "born", "visits", "last visit");
  for (int i = 0; i < r.nrow; i++) {
    const char *last = store_cell(&r, i, 4), *arch = store_cell(&r, i, 6);
    if (json) {
      buf_printf(out, "%s{\"id\":%s,\"name\":", i ? "," : "", store_cell(&r, i, 0));
      buf_json_str(out, store_cell(&r, i, 1));
      buf_puts(out, ",\"birth\":");
      buf_json_str(out, store_cell(&r, i, 2));
      buf_printf(out, ",\"visits\":%s,\"last_visit\":", store_cell(&r, i, 3));
      if (last) buf_json_str(out, last); else buf_puts(out, "null");
      buf_puts(out, ",\"phone\":");
      if (store_cell(&r, i, 5)) buf_json_str(out, store_cell(&r, i, 5)); else buf_puts(out, "null");
      buf_puts(out, ",\"archived\":");
      if (arch) buf_json_str(out, arch); else buf_puts(out, "null");
      buf_putc(out, '}');
    } else
      buf_printf(out, "%-5s %-32s %-10s %6s  %s%s\n", store_cell(&r, i, 0), store_cell(&r, i, 1),
                 store_cell(&r, i, 2), store_cell(&r, i, 3), last ? last : "-", arch ? "  (archived)" : "");
  }
  if (json) buf_puts(out, "]\n");
  else if (!r.nrow && q && *q) buf_printf(out, "no client matches \"%s\"\n", q);
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

/* Contraindication rows (id, region, started[, ended]) as JSON objects, comma-separated. */
static void contras_json(buf *out, const store_rows *r, int ended) {
  for (int i = 0; i < r->nrow; i++) {
    buf_puts(out, i ? ",{" : "{");
    json_field(out, "id", store_cell(r, i, 0), 1);
    const char *rg = store_cell(r, i, 1);
    json_field(out, "region", rg && *rg ? rg : NULL, 0);
    json_field(out, "started", store_cell(r, i, 2), 0);
    if (ended) json_field(out, "ended", store_cell(r, i, 3), 0);
    buf_putc(out, '}');
  }
}

int record_client_show(store *s, const kb *k, long id, buf *out, int json, char *err, size_t errlen) {
  (void)k;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows c, ct, in, pn, v, m, past;
  if (store_exec(s, "SELECT c.id, c.name, c.birth, c.phone, c.email, c.consent, c.consent_date, c.history, "
                    "t.name, c.created, c.updated, c.archived FROM client c LEFT JOIN therapist t ON t.id = c.therapist_id "
                    "WHERE c.id = $1", &a, &c))
    return failed(s, err, errlen);
  if (!c.nrow) {
    store_rows_free(&c);
    snprintf(err, errlen, "no client %ld", id);
    return RECORD_ENOTFOUND;
  }
  memset(&ct, 0, sizeof ct), memset(&in, 0, sizeof in), memset(&pn, 0, sizeof pn), memset(&v, 0, sizeof v);
  memset(&m, 0, sizeof m), memset(&past, 0, sizeof past);
  int rc = 0;
  if (store_exec(s, "SELECT contra, region, started FROM client_contra WHERE client_id = $1 ORDER BY contra, region", &a, &ct) ||
      store_exec(s, "SELECT contra, region, started, ended FROM client_contra_past WHERE client_id = $1 "
                    "ORDER BY ended, id", &a, &past) ||
      store_exec(s, "SELECT id, date, goals, activities, factors, desk_hours, training_hours, sleep_hours, stress, "
                    "onset, flags, source "
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
                                      "therapist", "created", "updated", "archived"};
  if (json) {
    buf_puts(out, "{\"client\":{");
    for (int j = 0; j < 12; j++) {
      if (j == 0 || j == 5) { buf_printf(out, "%s\"%s\":", j ? "," : "", ckeys[j]); num(out, store_cell(&c, 0, j)); }
      else json_field(out, ckeys[j], store_cell(&c, 0, j), 0);
    }
    buf_puts(out, "},\"contraindications\":[");
    contras_json(out, &ct, 0);
    buf_puts(out, "],\"contraindications_ended\":[");
    contras_json(out, &past, 1);
    buf_puts(out, "],\"intakes\":[");
    for (int i = 0; i < in.nrow; i++) {
      buf_printf(out, "%s{\"id\":%s", i ? "," : "", store_cell(&in, i, 0));
      json_field(out, "date", store_cell(&in, i, 1), 0);
      json_field(out, "goals", store_cell(&in, i, 2), 0);
      json_field(out, "activities", store_cell(&in, i, 3), 0);
      json_field(out, "factors", store_cell(&in, i, 4), 0);
      static const char *const nk[] = {"desk_hours", "training_hours", "sleep_hours", "stress"};
      for (int j = 0; j < 4; j++) { buf_printf(out, ",\"%s\":", nk[j]); num(out, store_cell(&in, i, 5 + j)); }
      json_field(out, "onset", store_cell(&in, i, 9), 0);
      json_field(out, "flags", store_cell(&in, i, 10), 0);
      json_field(out, "source", store_cell(&in, i, 11), 0);
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
  if (store_cell(&c, 0, 11)) buf_printf(out, "  archived: %s\n", store_cell(&c, 0, 11));
  if (hist) buf_printf(out, "  health history: %s\n", hist);
  buf_puts(out, "  contraindications:");
  for (int i = 0; i < ct.nrow; i++) {
    const char *rg = store_cell(&ct, i, 1);
    buf_printf(out, "%s %s%s%s", i ? "," : "", store_cell(&ct, i, 0), rg && *rg ? " at " : "", rg && *rg ? rg : "");
    if (store_cell(&ct, i, 2)) buf_printf(out, " (since %s)", store_cell(&ct, i, 2));
  }
  buf_puts(out, ct.nrow ? "\n" : " none recorded\n");
  for (int i = 0; i < past.nrow; i++) {
    const char *rg = store_cell(&past, i, 1), *st = store_cell(&past, i, 2);
    buf_printf(out, "  ended: %s%s%s, %s%s to %s\n", store_cell(&past, i, 0), rg && *rg ? " at " : "", rg && *rg ? rg : "",
               st ? "from " : "", st ? st : "", store_cell(&past, i, 3));
  }
  buf_printf(out, "\nIntakes (%d):\n", in.nrow);
  for (int i = 0; i < in.nrow; i++) {
    buf_printf(out, "  %s  #%s ", store_cell(&in, i, 1), store_cell(&in, i, 0));
    for (int p = 0, first = 1; p < pn.nrow; p++) {
      if (strcmp(store_cell(&pn, p, 0), store_cell(&in, i, 0))) continue;
      buf_printf(out, "%s%s:%s", first ? " " : ", ", store_cell(&pn, p, 1), store_cell(&pn, p, 2));
      if (store_cell(&pn, p, 3)) buf_printf(out, ":%s", store_cell(&pn, p, 3));
      first = 0;
    }
    if (!strcmp(store_cell(&in, i, 11), "client")) buf_puts(out, "  (filled by the client)");
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
  store_rows_free(&m), store_rows_free(&past);
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
  present_flags_text(p, &flags);   /* yes names, then NAME=no; a question left out was not asked */
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
  store_arg_text(&a, in->by_client ? "client" : "therapist");
  rc = 0;
  if (store_begin(s) ||
      store_exec_long(s, "INSERT INTO intake (client_id, date, goals, activities, onset, flags, factors, desk_hours, "
                         "training_hours, sleep_hours, stress, created, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                         "$9, $10, $11, $12, $13) RETURNING id", &a, id))
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

int record_intake_screen(store *s, const kb *k, long client, screen_result *out, long *intake) {
  memset(out, 0, sizeof *out);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_rows r;
  if (store_exec(s, "SELECT id, onset, flags FROM intake WHERE client_id = $1 ORDER BY date DESC, id DESC LIMIT 1", &a, &r))
    return -1;
  if (!r.nrow) { store_rows_free(&r); return 0; }
  long id = strtol(store_cell(&r, 0, 0), NULL, 10);
  present p;
  present_init(&p);
  char err[160];
  const char *onset = store_cell(&r, 0, 1), *flags = store_cell(&r, 0, 2);
  if (onset) present_set_onset(onset, &p, err, sizeof err);
  char *copy = xstrdup(flags ? flags : ""), *save = NULL;
  for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) present_add_flag(w, &p, err, sizeof err);
  free(copy);
  store_rows_free(&r);
  store_args_init(&a);
  store_arg_int(&a, id);
  if (store_exec(s, "SELECT region, intensity, quality FROM pain WHERE intake_id = $1 ORDER BY region", &a, &r)) return -1;
  for (int i = 0; i < r.nrow; i++) {
    int region = body_find(kb_body(k), store_cell(&r, i, 0));
    const char *q = store_cell(&r, i, 2);
    int quality = q ? present_find_quality(q, strlen(q)) : 0;
    if (region >= 0) present_add(&p, region, store_cell(&r, i, 1) ? atoi(store_cell(&r, i, 1)) : -1, quality < 0 ? 0 : quality);
  }
  store_rows_free(&r);
  screen_run(k, &p, out);
  if (intake) *intake = id;
  return 1;
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
  char d[11], now[32];
  int rc = entries_begin(s, client, date, &visit, n, "no findings: give at least one TP:SIDE:active|latent", d, now, err, errlen);
  if (rc) return rc;
  for (int i = 0; i < n; i++) {
    const kb_tp *t = kb_tp_at(k, f[i].tp);
    store_args a;
    entry_args(&a, client, visit, d);
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
  json_t *root;             /* the log (NULL once read, when packed is set) */
  char *text;               /* the log's text (NULL when packed is set) */
  char *words;              /* the holds' words when the tree is gone */
  char *packed;             /* the log without its plan, compact, when the plan is the embedded kb's
                            ** own for its points (read without parsing it: see plan_text), or NULL */
  session_summary sum;
  char date[11];
  log_hold *holds;
  int n_holds;
};

void record_log_free(record_log *l) {
  if (!l) return;
  json_decref(l->root);
  free(l->text);
  free(l->packed);
  free(l->words);
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

/* 1 when t is a time written as session_time writes one, 2026-11-22T10:00:00Z. */
static int time_ok(const char *t) {
  if (!t || strlen(t) != 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z') return 0;
  char day[11];
  memcpy(day, t, 10);
  day[10] = 0;
  for (int i = 11; i < 19; i++) if (i != 13 && i != 16 && (t[i] < '0' || t[i] > '9')) return 0;
  return util_date_ok(day) && atoi(t + 11) < 24 && atoi(t + 14) < 60 && atoi(t + 17) < 61;
}

/* An optional text field of the log: a string of at most RECORD_LOG_TEXT_MAX bytes, or null. */
static int log_text(json_t *root, const char *key, char *err, size_t errlen) {
  json_t *v = json_object_get(root, key);
  if (!v || json_is_null(v)) return 0;
  if (!json_is_string(v)) return bad(err, errlen, "\"%s\" must be text or null", key);
  if (json_string_length(v) > RECORD_LOG_TEXT_MAX)
    return bad(err, errlen, "\"%s\" is %zu bytes long; at most %d KiB", key, json_string_length(v), RECORD_LOG_TEXT_MAX / 1024);
  return 0;
}

/* A hold's times, samples, events and advice, as the session room records them. */
static int log_hold_check(json_t *h, size_t i, const char *started, const char *ended, char *err, size_t errlen) {
  const char *start = json_string_value(json_object_get(h, "start")), *end = json_string_value(json_object_get(h, "end"));
  if (!time_ok(start) || !time_ok(end))
    return bad(err, errlen, "holds[%zu]: \"start\" and \"end\" must be times like 2026-11-22T10:00:00Z", i);
  if (strcmp(start, started) < 0)
    return bad(err, errlen, "holds[%zu]: starts at %s, before the session (%s)", i, start, started);
  if (strcmp(end, start) < 0) return bad(err, errlen, "holds[%zu]: ends at %s, before its start (%s)", i, end, start);
  if (ended && strcmp(end, ended) > 0)
    return bad(err, errlen, "holds[%zu]: ends at %s, after the session's end (%s)", i, end, ended);
  static const char *const lists[] = {"feedback", "events", "advice"};
  for (int k = 0; k < 3; k++) {
    json_t *a = json_object_get(h, lists[k]), *x;
    if (!a || json_is_null(a)) continue;
    if (!json_is_array(a)) return bad(err, errlen, "holds[%zu].%s must be a list", i, lists[k]);
    if (json_array_size(a) > HOLD_MAX_LOG)
      return bad(err, errlen, "holds[%zu].%s has %zu entries; a hold keeps at most %d", i, lists[k], json_array_size(a), HOLD_MAX_LOG);
    size_t j;
    json_array_foreach(a, j, x) {
      json_t *t = json_object_get(x, "t");
      if (!json_is_number(t) || json_number_value(t) < 0 || json_number_value(t) > 3600)
        return bad(err, errlen, "holds[%zu].%s[%zu]: \"t\" must be the seconds into the hold, 0-3600", i, lists[k], j);
      if (k == 0) {
        json_t *v = json_object_get(x, "value");
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 10)
          return bad(err, errlen, "holds[%zu].feedback[%zu]: the value %s%g is not the client's 0-10", i, j,
                     json_is_number(v) ? "" : "(missing) ", json_is_number(v) ? json_number_value(v) : 0.0);
      } else {
        const char *w = json_string_value(json_object_get(x, k == 1 ? "event" : "advice"));
        if (!w || strlen(w) > 64) return bad(err, errlen, "holds[%zu].%s[%zu]: a name of at most 64 bytes is needed", i, lists[k], j);
      }
    }
  }
  return 0;
}

/* ---- a log's plan, read as text ---------------------------------------------------------
** A stored visit keeps its log without the plan when the plan is the one the embedded kb builds
** for its points (log_pack).  The plan is two thirds of a log's bytes, so it is not parsed for
** that: its text, without whitespace, is compared with the canonical plan's (the last one kept
** per thread, as a course of visits repeats its points); equal texts are equal values, and the
** rest of the log is parsed alone.  Any other log (a plan that differs, or is written otherwise,
** or a text this scanner does not follow) is read whole, as before. */

/* The end of the JSON value at p (before end), or NULL when it is not one this scanner follows
** (the full parser then judges it). */
static const char *value_end(const char *p, const char *end) {
  if (p == end) return NULL;
  if (*p != '{' && *p != '[' && *p != '"') {   /* a number, true, false or null */
    while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') p++;
    return p;
  }
  int depth = 0;
  while (p < end) {
    char c = *p++;
    if (c == '"') {
      while (p < end && *p != '"') p += *p == '\\' ? 2 : 1;
      if (p >= end) return NULL;
      p++;
    } else if (c == '{' || c == '[') depth++;
    else if (c == '}' || c == ']') depth--;
    if (!depth) return p;
  }
  return NULL;
}

static const char *skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
  return p;
}

/* A byte of a number or of true, false, null. */
static int scalar_byte(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-'; }

/* Text without its whitespace outside strings, appended to b; -1 when whitespace parts two bytes of
** what would then read as one number or word ("1 0"), which the parser refuses and the text
** without it would not show. */
static int minify(buf *b, const char *p, const char *end) {
  buf_reserve(b, (size_t)(end - p) + 1);
  char *o = b->data + b->len, *o0 = b->data;
  int rc = 0;
  while (p < end) {
    char c = *p++;
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      const char *q = skip_ws(p, end);
      if (o > o0 && q < end && scalar_byte(o[-1]) && scalar_byte(*q)) rc = -1;
      p = q;
      continue;
    }
    *o++ = c;
    if (c == '"')
      while (p < end) { char d = *p++; *o++ = d; if (d == '\\' && p < end) *o++ = *p++; else if (d == '"') break; }
  }
  b->len = (size_t)(o - b->data);
  b->data[b->len] = 0;
  return rc;
}

/* The log's top-level "plan" member: its value's span [*vs, *ve) and the log without the member
** (compact) into rest.  0 when found once in an object this scanner follows, else -1.  When the
** plan's text begins with `hint` (a whole compact JSON value: the last canonical plan) its value
** is taken to be that text, not scanned, and *hinted is set. */
static int plan_split(const char *text, size_t len, const buf *hint, const char **vs, const char **ve, buf *rest,
                      int *hinted) {
  const char *p = skip_ws(text, text + len), *end = text + len, *ms = NULL, *me = NULL;
  *hinted = 0;
  if (p == end || *p != '{') return -1;
  p = skip_ws(p + 1, end);
  const char *prev_end = p;   /* where the member before this one ended (after its value) */
  int first = 1;
  while (p < end && *p != '}') {
    if (!first) { if (*p != ',') return -1; p = skip_ws(p + 1, end); }
    const char *ks = p, *kv = value_end(p, end);
    if (!kv || *ks != '"') return -1;
    p = skip_ws(kv, end);
    if (p == end || *p != ':') return -1;
    int plan = kv - ks == 6 && !memcmp(ks, "\"plan\"", 6);
    const char *v0 = skip_ws(p + 1, end), *v1;
    if (plan && hint && hint->len && (size_t)(end - v0) >= hint->len && !memcmp(v0, hint->data, hint->len))
      v1 = v0 + hint->len, *hinted = 1;
    else v1 = value_end(v0, end);
    if (!v1 || v1 == v0) return -1;
    if (plan) {
      if (ms) return -1;   /* twice */
      *vs = v0; *ve = v1;
      ms = first ? ks : prev_end; me = v1;   /* from the comma before it, or the key when first */
      if (first) { const char *q = skip_ws(v1, end); if (q < end && *q == ',') me = q + 1; }
    }
    prev_end = v1;
    p = skip_ws(v1, end);
    first = 0;
  }
  if (!ms || p == end || skip_ws(p + 1, end) != end) return -1;
  return minify(rest, text, ms) | minify(rest, me, end);
}

static int same_input(const plan_input *a, const plan_input *b) {
  if (a->n_points != b->n_points || a->n_contras != b->n_contras || a->refer || b->refer) return 0;
  for (int i = 0; i < a->n_points; i++)
    if (a->points[i].tp != b->points[i].tp || a->points[i].side != b->points[i].side) return 0;
  for (int i = 0; i < a->n_contras; i++)
    if (a->contras[i].contra != b->contras[i].contra || a->contras[i].region != b->contras[i].region) return 0;
  return 1;
}

/* The canonical plan k builds for `in`: its compact text, and its tree once one is asked for
** (plan_derivable); the last one is kept per thread, as visits of a course of treatment repeat
** their points. */
typedef struct canon_plan { plan_input in; buf text; json_t *tree; int ok; unsigned gen; } canon_plan;
static _Thread_local canon_plan canon_last;   /* gen: counts its rebuilds */

/* The canonical plan for `in`, or NULL when it cannot be built. */
static canon_plan *plan_canon(const kb *k, const plan_input *in) {
  canon_plan *c = &canon_last;
  if (c->ok && same_input(&c->in, in)) return c;
  c->ok = 0;
  c->gen++;
  json_decref(c->tree);
  c->tree = NULL;
  plan pl;
  char e[256];
  if (plan_build(k, in, &pl, e, sizeof e)) return NULL;
  buf b;
  buf_init(&b);
  sheet_plan_json(&b, k, &pl);
  c->text.len = 0;
  minify(&c->text, b.data, b.data + b.len);
  buf_free(&b);
  c->in = *in;
  c->ok = 1;
  return c;
}

/* The log read without its plan when that plan is the embedded kb's for its points: its root,
** summary and compact text set in l; 0, or -1 to read it whole.  The plan's extent is first
** taken from the last canonical plan (a course of visits repeats its points): when this log's
** canonical plan turns out to be another, it is read again without that hint. */
static int log_read_planless(const kb *k, const char *text, size_t len, record_log *l, int use_hint) {
  const char *vs = NULL, *ve = NULL;
  buf rest;
  buf_init(&rest);
  unsigned gen = canon_last.gen;
  int hinted;
  if (!kb_is_embedded(k) || plan_split(text, len, use_hint && canon_last.ok ? &canon_last.text : NULL, &vs, &ve, &rest,
                                       &hinted)) { buf_free(&rest); return -1; }
  json_t *root = json_tree_scratch(rest.data, rest.len, NULL);   /* dropped by record_log_parse */
  char e[256];
  const canon_plan *canon = root && json_is_object(root) && !session_read_json(k, root, &l->sum, e, sizeof e)
                          ? plan_canon(k, &l->sum.in) : NULL;
  int same = 0;
  if (canon && hinted && canon->gen != gen) {   /* the hint was another plan's */
    json_decref(root);
    buf_free(&rest);
    return log_read_planless(k, text, len, l, 0);
  }
  if (canon && hinted) same = 1;   /* its text is the canonical text */
  else if (canon && canon->text.len == (size_t)(ve - vs) && !memcmp(vs, canon->text.data, canon->text.len)) same = 1;
  else if (canon && canon->text.len < (size_t)(ve - vs)) {
    buf mine;
    buf_init(&mine);
    same = !minify(&mine, vs, ve) && mine.len == canon->text.len && !memcmp(mine.data, canon->text.data, mine.len);
    buf_free(&mine);
  }
  if (!same) { json_decref(root); buf_free(&rest); return -1; }
  l->root = root;
  l->packed = rest.data;
  return 0;
}

int record_log_parse(const kb *k, const char *text, size_t len, record_log **out, char *err, size_t errlen) {
  if (len > RECORD_LOG_MAX)
    return bad(err, errlen, "the log is %zu bytes long; a session log is at most %d MiB", len, RECORD_LOG_MAX >> 20);
  long u = util_utf8_bad(text, len);
  if (u >= 0) {
    long line = 1, col = 1;
    for (long i = 0; i < u; i++) { if (text[i] == '\n') { line++; col = 1; } else col++; }
    return bad(err, errlen, "byte %ld (line %ld, column %ld) is 0x%02x, not valid UTF-8: a session log is UTF-8 JSON",
               u + 1, line, col, (unsigned char)text[u]);
  }
  record_log *l = xcalloc(1, sizeof *l);
  int rc = 0;
  json_error_t je;
  int planless = !log_read_planless(k, text, len, l, 1);   /* (with l->sum read) */
  if (!planless) l->root = json_tree(text, len, &je);
  if (!l->root) { rc = bad(err, errlen, "not valid JSON: line %d: %s", je.line, je.text); goto done; }
  if (!planless && session_read_json(k, l->root, &l->sum, err, errlen)) { rc = RECORD_EBAD; goto done; }
  json_t *ver = json_object_get(l->root, "version");
  if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
    rc = json_is_integer(ver) ? bad(err, errlen, "session log version %lld: this myomap reads version 1", (long long)json_integer_value(ver))
                              : bad(err, errlen, "a session log needs \"version\":1");
    goto done;
  }
  const char *st = l->sum.started;
  if (!time_ok(st) || !time_ok(json_string_value(json_object_get(l->root, "started")))) {
    rc = bad(err, errlen, "\"started\" must be a time like 2026-11-22T10:00:00Z");
    goto done;
  }
  memcpy(l->date, st, 10);
  l->date[10] = 0;
  json_t *endv = json_object_get(l->root, "ended");
  const char *ended = json_string_value(endv);
  if (ended && !*ended) ended = NULL;   /* not ended (an old log) */
  if ((endv && !json_is_null(endv) && !json_is_string(endv)) || (ended && !time_ok(ended))) {
    rc = bad(err, errlen, "\"ended\" must be a time like 2026-11-22T10:05:00Z");
    goto done;
  }
  if (ended && strcmp(ended, st) < 0) { rc = bad(err, errlen, "the session ends at %s, before its start (%s)", ended, st); goto done; }
  if ((rc = log_text(l->root, "note", err, errlen)) || (rc = log_text(l->root, "rom", err, errlen)) ||
      (rc = log_text(l->root, "strength", err, errlen)) || (rc = log_text(l->root, "mode", err, errlen)))
    goto done;
  if ((rc = pain_field(l->root, "pain_pre", err, errlen)) || (rc = pain_field(l->root, "pain_post", err, errlen))) goto done;
  json_t *holds = json_object_get(l->root, "holds");
  if (holds && !json_is_array(holds)) { rc = bad(err, errlen, "\"holds\" must be a list"); goto done; }
  size_t n = json_array_size(holds), i;
  if (n > RECORD_LOG_HOLDS) { rc = bad(err, errlen, "%zu holds; a session log has at most %d", n, RECORD_LOG_HOLDS); goto done; }
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
    else rc = log_hold_check(h, i, st, ended, err, errlen);
    if (rc) goto done;
    l->n_holds++;
  }
  if (l->packed) {
    /* All that is stored now comes from packed, sum and holds: the tree (json_tree_scratch's)
    ** is dropped here, the holds' words copied out of it first. */
    size_t bytes = 0;
    for (int pass = 0; pass < 2; pass++) {
      char *o = pass ? (l->words = xmalloc(bytes + 1)) : NULL;
      for (int j = 0; j < l->n_holds; j++) {
        log_hold *x = &l->holds[j];
        const char **w[] = {&x->phase, &x->muscle, &x->tp, &x->side, &x->technique, &x->outcome, &x->reason};
        for (size_t m = 0; m < sizeof w / sizeof *w; m++) {
          if (!*w[m]) continue;
          size_t len1 = strlen(*w[m]) + 1;
          if (!pass) { bytes += len1; continue; }
          memcpy(o, *w[m], len1);
          *w[m] = o;
          o += len1;
        }
      }
    }
    l->root = NULL;   /* json_tree_scratch's: dropped whole */
  } else l->text = xstrndup(text, len);
done:
  if (rc) { record_log_free(l); return rc; }
  *out = l;
  return 0;
}

/* The perpetuating factors of the intake in row `row` of r, its activities in column col and its
** desk and sleep hours in the two after it, into *hc (home_context_init'ed first). */
static void intake_factors(const kb *k, const store_rows *r, int row, int col, home_context *hc) {
  home_context_init(hc);
  home_context_activities(k, store_cell(r, row, col), hc);
  if (store_cell(r, row, col + 1)) hc->desk_hours = strtod(store_cell(r, row, col + 1), NULL);
  if (store_cell(r, row, col + 2)) hc->sleep_hours = strtod(store_cell(r, row, col + 2), NULL);
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
  if (found) intake_factors(k, &r, 0, 0, out);
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
** Rows stored before migration 7 hold the text (log, program) until record_upgrade. */


/* The log's plan (as a tree: its text differs from the canonical one's, see plan_split) is the
** one k (the embedded kb) builds from its points and contraindications. */
static int plan_derivable(const kb *k, json_t *root, const plan_input *in) {
  json_t *p = json_object_get(root, "plan");
  canon_plan *c = p ? plan_canon(k, in) : NULL;
  if (!c) return 0;
  if (!c->tree) c->tree = json_loadb(c->text.data, c->text.len, 0, NULL);
  return c->tree && json_equal(p, c->tree);
}

/* The stored form of log `root` (its text `text`) into out; returns 1 when its plan is derived
** (kb is the embedded one and gives back the same plan), 0 when the log is kept whole. */
static int log_pack(const kb *k, json_t *root, const char *text, size_t len, const char *packed, const plan_input *in,
                    buf *out) {
  if (packed) { pack_deflate('P', PACK_DICT_LOG1, packed, strlen(packed), out); return 1; }
  if (kb_is_embedded(k) && plan_derivable(k, root, in)) {
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

/* A stored visit's home program: with the embedded kb the intake's factors it is made with
** (into ctx; hc NULL when there was no intake), else the program's JSON (into prog). */
static void visit_home(const kb *k, const record_log *l, const home_context *hc, buf *prog, buf *ctx) {
  if (kb_is_embedded(k)) ctx_text(ctx, k, hc);
  else {
    home hp;
    home_build(k, &l->sum.in, l->sum.stopped, &hp);
    home_perpetuating(k, hc, &hp);
    sheet_home_json(prog, k, &hp);
  }
}

/* A hold's treatment values after its visit: seq, phase, muscle, tp, side, technique, seconds,
** outcome, reason, confirmed. */
static void hold_args(store_args *t, int seq, const log_hold *h) {
  store_arg_int(t, seq);
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

/* The visit's own row in a statement that writes its children. */
#define THE_VISIT "(SELECT id FROM visit WHERE client_id = $1 AND started = $2)"

int record_log_add(store *s, const kb *k, long client, long therapist, const record_log *l,
                   long *visit, char *err, size_t errlen) {
  int rc = date_valid(l->date, err, errlen);
  if (rc) return rc;
  if (therapist > 0 && (rc = therapist_exists(s, therapist, err, errlen))) return rc;
  const char *date = l->date;
  int builtin = kb_is_embedded(k);
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
  int has_intake = store_cell(&r, 0, 6) != NULL;
  if (has_intake) intake_factors(k, &r, 0, 3, &hc);
  store_rows_free(&r);
  if (rc) return rc;
  buf prog, z, ctx;
  buf_init(&prog);
  buf_init(&z);
  buf_init(&ctx);
  visit_home(k, l, has_intake ? &hc : NULL, &prog, &ctx);
  int derived = log_pack(k, l->root, l->text, l->text ? strlen(l->text) : 0, l->packed, &l->sum.in, &z);
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
      hold_args(t, j + 1, h);
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

/* ---- many sessions at once -------------------------------------------------------------------
** An import: the same rows as record_log_add writes, for the logs of one client after another,
** in one transaction.  Each client's logs come with what their checks need, read first (three
** queries in one round trip: the client's birth date, its stored start times, its intakes) and
** the visits' ids drawn; each log is then read, checked and packed, and waits with the others
** read (the pending logs, of any client) for the next chunk.  A chunk is every pending log, each
** table's rows of it in one COPY (store_copy); while the server takes a COPY's rows the next logs
** are read, as many as it leaves time for, so the chunks grow while the server is the slower,
** and the logs read last wait for the next client's call (or the end) to be written beside its
** reading. */

/* The logs read before anything is written, where nothing is pending to write beside them. */
#define IMPORT_FIRST 16

/* A client of an import: what its logs' checks and home programs need. */
typedef struct imp_client {
  long client;
  char birth[16];
  store_rows stored, in;   /* the start times stored (with their visits) and the intakes, ordered */
  char (*seen)[32];        /* an open-addressing set of the start times given (nseen), of `cap` slots */
  int cap, nseen;
} imp_client;

/* A log read and checked, waiting to be written. */
typedef struct pend {
  record_log *l;
  buf z;          /* its stored form, packed when it was read */
  int derived;    /* and whether its plan is derived (log_pack) */
  int intake;     /* the row of c->in its home program is made with, or -1 */
  long id;        /* its visit's id */
  imp_client *c;
} pend;

struct record_import {
  store *s;
  const kb *k;
  long therapist, kv;
  char now[32];
  int failed;              /* refused or the store failed: only record_import_end (a rollback) is left */
  int sent;                /* a COPY's rows sent and its result not read yet (store_copy_end) */
  pend *p;                 /* the pending logs p[0..np), in order */
  int np, cap;
  imp_client **cl;         /* every client given so far (a client given again is the same) */
  int ncl;
  buf prog, ctx;
};

/* Row j of a pending log's rows in a table into a (0: it has no row j). */
static int visit_row(record_import *im, const pend *e, int j, store_args *a) {
  const record_log *l = e->l;
  if (j) return 0;
  store_arg_int(a, e->id);
  store_arg_int(a, e->c->client);
  if (im->therapist > 0) store_arg_int(a, im->therapist); else store_arg_text(a, NULL);
  store_arg_text(a, l->date);
  store_arg_text(a, l->sum.started);
  store_arg_text(a, "");
  store_arg_blob(a, e->z.data, e->z.len);
  if (l->sum.pain_pre >= 0) store_arg_int(a, l->sum.pain_pre); else store_arg_text(a, NULL);
  if (l->sum.pain_post >= 0) store_arg_int(a, l->sum.pain_post); else store_arg_text(a, NULL);
  store_arg_text(a, im->now);
  if (e->derived) store_arg_int(a, im->kv); else store_arg_text(a, NULL);
  return 1;
}

static int hold_row(record_import *im, const pend *e, int j, store_args *a) {
  (void)im;
  if (j >= e->l->n_holds) return 0;
  store_arg_int(a, e->id);
  hold_args(a, j + 1, &e->l->holds[j]);
  return 1;
}

static int pain_row(record_import *im, const pend *e, int j, store_args *a) {
  static const char *const items[2] = {"pre", "post"};
  const record_log *l = e->l;
  int vals[2] = {l->sum.pain_pre, l->sum.pain_post}, k = 0;
  while (k < 2 && (vals[k] < 0 || j-- > 0)) k++;   /* the j-th of the two that were given */
  if (k == 2) return 0;
  store_arg_int(a, e->c->client);
  store_arg_int(a, e->id);
  store_arg_text(a, l->date);
  store_arg_text(a, "nprs");
  store_arg_text(a, items[k]);
  store_arg_int(a, vals[k]);
  store_arg_text(a, im->now);
  return 1;
}

static int home_row(record_import *im, const pend *e, int j, store_args *a) {
  const record_log *l = e->l;
  if (j) return 0;
  home_context hc;
  if (e->intake >= 0) intake_factors(im->k, &e->c->in, e->intake, 1, &hc);
  im->prog.len = im->ctx.len = 0;
  visit_home(im->k, l, e->intake >= 0 ? &hc : NULL, &im->prog, &im->ctx);
  int builtin = kb_is_embedded(im->k);
  store_arg_int(a, e->c->client);
  store_arg_int(a, e->id);
  store_arg_text(a, l->date);
  store_arg_text(a, builtin ? "" : im->prog.data);
  store_arg_text(a, im->now);
  if (builtin) store_arg_int(a, im->kv); else store_arg_text(a, NULL);
  store_arg_text(a, builtin ? im->ctx.data : "");
  return 1;
}

/* The tables an import writes, parents first: the visits, their home programs, their pain before
** and after, their holds (last, as they are the server's most work: a call returns with their
** COPY under way, taken while the caller makes the next client's logs ready). */
static const struct imp_table {
  const char *name, *cols;
  int ncols;
  int (*row)(record_import *, const pend *, int, store_args *);
} imp_tables[] = {
  {"visit", "id, client_id, therapist_id, date, started, log, logz, pain_pre, pain_post, created, kbver_id", 11, visit_row},
  {"homeprog", "client_id, visit_id, date, program, created, kbver_id, ctx", 7, home_row},
  {"measure", "client_id, visit_id, date, kind, item, value, created", 7, pain_row},
  {"treatment", "visit_id, seq, phase, muscle, tp, side, technique, seconds, outcome, reason, confirmed", 11, hold_row},
};

static void client_free(imp_client *c) {
  store_rows_free(&c->stored);
  store_rows_free(&c->in);
  free(c->seen);
  free(c);
}

/* What the checks of a client's logs need from the store, read before any is written (the three
** queries in one round trip). */
static int imp_read(store *s, long client, imp_client *c, char *err, size_t errlen) {
  c->client = client;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  /* (start times and dates have one fixed form: ordered alike by any collation and by strcmp) */
  static const char *const sql[3] = {
    "SELECT birth FROM client WHERE id = $1",
    "SELECT started, id FROM visit WHERE client_id = $1 ORDER BY started",
    "SELECT date, activities, desk_hours, sleep_hours FROM intake WHERE client_id = $1 ORDER BY date, id"};
  const store_args *args[3] = {&a, &a, &a};
  store_rows r, *out[3] = {&r, &c->stored, &c->in};
  if (store_exec_all(s, 3, sql, args, out)) return failed(s, err, errlen);
  const char *birth = store_cell(&r, 0, 0);
  if (birth) snprintf(c->birth, sizeof c->birth, "%s", birth);
  store_rows_free(&r);
  if (!birth) { snprintf(err, errlen, "no client %ld", client); return RECORD_ENOTFOUND; }
  return 0;
}

/* Start time st added to c's set of those given: 0, or 1 when it is there already. */
static int seen_add(imp_client *c, const char *st) {
  if (2 * (c->nseen + 1) > c->cap) {   /* grown to keep it at most half full */
    int cap = c->cap ? 2 * c->cap : 64;
    char (*old)[32] = c->seen, (*nw)[32] = xcalloc((size_t)cap, sizeof *nw);
    for (int i = 0; i < c->cap; i++) {
      if (!old[i][0]) continue;
      unsigned j = util_hash(old[i]) & (unsigned)(cap - 1);
      while (nw[j][0]) j = (j + 1) & (unsigned)(cap - 1);
      memcpy(nw[j], old[i], sizeof nw[j]);
    }
    free(old);
    c->seen = nw;
    c->cap = cap;
  }
  for (unsigned i = util_hash(st) & (unsigned)(c->cap - 1);; i = (i + 1) & (unsigned)(c->cap - 1)) {
    if (!c->seen[i][0]) { snprintf(c->seen[i], sizeof c->seen[i], "%s", st); c->nseen++; return 0; }
    if (!strcmp(c->seen[i], st)) return 1;
  }
}

/* Log l of client c checked as record_log_add checks one (its date, the birth date, a visit
** already stored) and against the logs before it (the same start twice); sets *intake to the row
** of c->in its home program is made with (-1: none). */
static int log_check(imp_client *c, const record_log *l, int *intake, char *err, size_t errlen) {
  int rc = date_valid(l->date, err, errlen);
  if (rc) return rc;
  if (strcmp(l->date, c->birth) < 0) return bad(err, errlen, "date %s is before the client's birth date (%s)", l->date, c->birth);
  const char *st = l->sum.started;
  int lo = 0, hi = c->stored.nrow;   /* the first stored start time >= st */
  while (lo < hi) { int m = (lo + hi) / 2; if (strcmp(store_cell(&c->stored, m, 0), st) < 0) lo = m + 1; else hi = m; }
  if (lo < c->stored.nrow && !strcmp(store_cell(&c->stored, lo, 0), st))
    return bad(err, errlen, "this session (started %s) is already stored as visit %s", st, store_cell(&c->stored, lo, 1));
  if (seen_add(c, st)) return bad(err, errlen, "this session (started %s) is given twice", st);
  lo = 0, hi = c->in.nrow;   /* the first intake dated after the visit: the one before it is the latest */
  while (lo < hi) { int m = (lo + hi) / 2; if (strcmp(store_cell(&c->in, m, 0), l->date) <= 0) lo = m + 1; else hi = m; }
  *intake = lo - 1;
  return 0;
}

/* The logs of the call under way: texts[0..n) of client c, [0, got) read; ids[i] log i's visit. */
typedef struct imp_call {
  const char *const *texts;
  const size_t *lens;
  int n, got;
  const long *ids;
  imp_client *c;
  int refused;   /* log `got` was refused */
} imp_call;

/* The call's next log read, checked, packed and made pending.  0, or the refusal. */
static int read_one(record_import *im, imp_call *r, char *err, size_t errlen) {
  record_log *l;
  int i = r->got, intake = -1;
  int rc = record_log_parse(im->k, r->texts[i], r->lens[i], &l, err, errlen);
  if (!rc && (rc = log_check(r->c, l, &intake, err, errlen))) record_log_free(l);
  if (rc) { r->refused = 1; return rc; }
  if (im->np == im->cap) {
    im->cap = im->cap ? 2 * im->cap : 64;
    im->p = xrealloc(im->p, (size_t)im->cap * sizeof *im->p);
  }
  pend *e = &im->p[im->np++];
  e->l = l;
  buf_init(&e->z);
  e->derived = log_pack(im->k, l->root, l->text, l->text ? strlen(l->text) : 0, l->packed, &l->sum.in, &e->z);
  e->intake = intake;
  e->id = r->ids ? r->ids[i] : 0;   /* (0: drawn after) */
  e->c = r->c;
  r->got++;
  return 0;
}

/* The pending logs p[0..m) freed and dropped (written, or given up). */
static void pend_drop(record_import *im, int m) {
  for (int i = 0; i < m; i++) {
    record_log_free(im->p[i].l);
    buf_free(&im->p[i].z);
  }
  memmove(im->p, im->p + m, (size_t)(im->np - m) * sizeof *im->p);
  im->np -= m;
}

/* The last COPY's result read, when one is under way.  0, or the store's failure. */
static int imp_settle(record_import *im, char *err, size_t errlen) {
  if (!im->sent) return 0;
  im->sent = 0;
  if (store_copy_end(im->s)) { im->failed = 1; return failed(im->s, err, errlen); }
  return 0;
}

/* One chunk written: every pending log, a COPY a table.  While the server takes each table's rows,
** the call's next logs are read (r: NULL at the end, when there are none) until it is done.  The
** last table's result is left unread (im->sent) when r has nothing more to read.  0, or the
** refusal or failure (im->failed set). */
static int write_chunk(record_import *im, imp_call *r, char *err, size_t errlen) {
  store *s = im->s;
  int m = im->np, rc = 0, nt = (int)(sizeof imp_tables / sizeof *imp_tables);
  if ((rc = imp_settle(im, err, errlen))) return rc;
  for (int t = 0; t < nt && !rc; t++) {
    const struct imp_table *bt = &imp_tables[t];
    if (store_copy_begin(s, bt->name, bt->cols, bt->ncols)) { rc = failed(s, err, errlen); break; }
    int db = 0;
    for (int i = 0; !db && i < m; i++)
      for (int j = 0; !db; j++) {
        store_args a;
        store_args_init(&a);
        if (!bt->row(im, &im->p[i], j, &a)) break;
        db = store_copy_row(s, &a) != 0;
      }
    if (!db && store_copy_send(s)) db = 1;
    /* while the server takes these rows: the call's next logs read, one at a time, until it is done */
    while (!db && !rc && r && r->got < r->n && !store_copy_ready(s)) rc = read_one(im, r, err, errlen);
    if (!db && !rc && t == nt - 1 && !(r && r->got < r->n)) { im->sent = 1; break; }   /* (read at the next settle) */
    if (store_copy_end(s)) db = 1;   /* (its message the first failure's) */
    if (db) rc = failed(s, err, errlen);
  }
  if (rc) im->failed = 1;
  pend_drop(im, m);   /* (given up after a failure: the rollback drops their rows) */
  return rc;
}

int record_import_begin(store *s, const kb *k, long therapist, record_import **out, char *err, size_t errlen) {
  *out = NULL;
  int rc;
  if (therapist > 0 && (rc = therapist_exists(s, therapist, err, errlen))) return rc;
  record_import *im = xcalloc(1, sizeof *im);
  im->s = s;
  im->k = k;
  im->therapist = therapist;
  util_now(im->now);
  if (store_begin(s)) { free(im); return failed(s, err, errlen); }
  if (kb_is_embedded(k) && kbver_current(s, &im->kv)) {   /* (its row found, or made) */
    free(im);
    return failed(s, err, errlen);
  }
  *out = im;
  return 0;
}

int record_import_logs(record_import *im, long client, int n, const char *const *texts, const size_t *lens,
                       long *visits, int *at, char *err, size_t errlen) {
  *at = -1;
  if (im->failed) return bad(err, errlen, "%s", "the import has already failed");
  if (n < 1) return 0;
  int rc = imp_settle(im, err, errlen);
  if (rc) return rc;
  imp_client *c = NULL;   /* a client given again: its start times given so far are still checked */
  for (int i = 0; i < im->ncl && !c; i++) if (im->cl[i]->client == client) c = im->cl[i];
  if (!c) {
    c = xcalloc(1, sizeof *c);
    im->cl = xrealloc(im->cl, (size_t)(im->ncl + 1) * sizeof *im->cl);
    im->cl[im->ncl++] = c;
    rc = imp_read(im->s, client, c, err, errlen);
  }
  imp_call r = {texts, lens, n, 0, visits, c, 0};
  /* the ids drawn once the first logs are read, where nothing is pending to write beside them (a
  ** sequence's numbers are not given back by a rollback: a log refused early costs none) */
  int early = !rc && !im->np;
  for (r.ids = early ? NULL : visits; !rc && early && r.got < n && r.got < IMPORT_FIRST;)
    rc = read_one(im, &r, err, errlen);
  if (!rc && store_ids(im->s, "visit", n, visits)) rc = failed(im->s, err, errlen);
  for (int i = 0; !rc && early && i < r.got; i++) im->p[im->np - r.got + i].id = visits[i];
  r.ids = visits;
  while (!rc && r.got < n) {
    /* nothing pending (the first call, or SQLite, where nothing is read beside a COPY): a few
    ** read now, then written while more are read */
    int to = im->np ? r.got : r.got + IMPORT_FIRST < n ? r.got + IMPORT_FIRST : n;
    while (!rc && r.got < to) rc = read_one(im, &r, err, errlen);
    if (!rc) rc = write_chunk(im, &r, err, errlen);
  }
  if (r.refused) *at = r.got;
  if (rc) im->failed = 1;
  return rc;
}

int record_import_end(record_import *im, int commit, char *err, size_t errlen) {
  if (!im) return 0;
  int rc = 0;
  if (commit && im->failed) rc = bad(err, errlen, "%s", "the import has failed; nothing was stored");
  if (commit && !rc) {
    while (!rc && im->np) rc = write_chunk(im, NULL, err, errlen);
    if (!rc) rc = imp_settle(im, err, errlen);
    if (!rc && store_commit(im->s)) rc = failed(im->s, err, errlen);
  }
  if (!commit || rc) {
    if (im->sent) store_copy_end(im->s);   /* (the connection out of COPY; its result dropped) */
    store_rollback(im->s);
  }
  pend_drop(im, im->np);
  for (int i = 0; i < im->ncl; i++) client_free(im->cl[i]);
  free(im->cl);
  free(im->p);
  buf_free(&im->prog);
  buf_free(&im->ctx);
  free(im);
  return rc;
}

int record_logs_read(store *s, const kb *k, long client, long therapist, int n, const char *const *texts,
                     const size_t *lens, long *visits, int *at, char *err, size_t errlen) {
  *at = -1;
  if (n < 1) return 0;
  record_import *im;
  int rc = record_import_begin(s, k, therapist, &im, err, errlen);
  if (!rc) rc = record_import_logs(im, client, n, texts, lens, visits, at, err, errlen);
  if (rc) record_import_end(im, 0, NULL, 0);
  else rc = record_import_end(im, 1, err, errlen);
  return rc;
}

/* ---- upgrading visits stored before migration 7 --------------------------------------------- */

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
                  ? log_pack(k, root, text, strlen(text), NULL, &sum.in, &z)
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
  /* The common case: nothing left (two lookups in the partial indexes of migration 7). */
  store_rows r;
  if (store_exec(s, "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM visit WHERE logz IS NULL LIMIT 1) x),"
                    " (SELECT COUNT(*) FROM (SELECT 1 FROM homeprog WHERE ctx IS NULL LIMIT 1) y)", NULL, &r))
    return failed(s, err, errlen);
  int todo = strcmp(store_cell(&r, 0, 0), "0") || strcmp(store_cell(&r, 0, 1), "0");
  store_rows_free(&r);
  if (!todo) return 0;
  kb *own = NULL;
  if (!k || !kb_is_embedded(k)) {
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
  char d[11], now[32];
  int rc = entries_begin(s, client, date, &visit, n, "no measures given", d, now, err, errlen);
  if (rc) return rc;
  for (int i = 0; i < n; i++) {
    store_args a;
    entry_args(&a, client, visit, d);
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

/* ---- restore: a backup's rows checked as the write path checks them ----------------------- */

enum { V_TEXT, V_NAME, V_DATE, V_TIME, V_INT, V_REAL, V_ENUM, V_JSON, V_JSON0, V_JSONV, V_HEX, V_PACK };
#define TEXT_BIG (1 << 20)
static const struct col_rule {
  const char *table, *column;
  int kind;
  double lo, hi;          /* V_INT, V_REAL: the range; V_TEXT, V_NAME, V_JSON: characters, at most hi */
  const char *words;      /* V_ENUM: the values, space separated */
} col_rules[] = {
  {"therapist", "name", V_NAME, 1, 200, NULL}, {"therapist", "email", V_TEXT, 0, 200, NULL},
  {"therapist", "role", V_ENUM, 0, 0, "therapist admin"}, {"therapist", "created", V_TIME, 0, 0, NULL},
  {"therapist", "pwhash", V_TEXT, 0, 512, NULL},
  {"client", "name", V_NAME, 1, 200, NULL}, {"client", "birth", V_DATE, 0, 0, NULL},
  {"client", "phone", V_TEXT, 0, 40, NULL}, {"client", "email", V_TEXT, 0, 200, NULL},
  {"client", "consent", V_ENUM, 0, 0, "0 1"}, {"client", "consent_date", V_DATE, 0, 0, NULL},
  {"client", "history", V_TEXT, 0, 20000, NULL}, {"client", "created", V_TIME, 0, 0, NULL},
  {"client", "updated", V_TIME, 0, 0, NULL},
  {"client_contra", "contra", V_TEXT, 1, 64, NULL}, {"client_contra", "region", V_TEXT, 0, 64, NULL},
  {"intake", "date", V_DATE, 0, 0, NULL}, {"intake", "goals", V_TEXT, 0, 4000, NULL},
  {"intake", "activities", V_TEXT, 0, 4000, NULL}, {"intake", "onset", V_TEXT, 0, 64, NULL},
  {"intake", "flags", V_TEXT, 0, 4000, NULL}, {"intake", "factors", V_TEXT, 0, 4000, NULL},
  {"intake", "desk_hours", V_REAL, 0, 24, NULL}, {"intake", "training_hours", V_REAL, 0, 168, NULL},
  {"intake", "sleep_hours", V_REAL, 0, 24, NULL}, {"intake", "stress", V_INT, 0, 10, NULL},
  {"intake", "created", V_TIME, 0, 0, NULL}, {"intake", "source", V_ENUM, 0, 0, "therapist client"},
  {"pain", "region", V_TEXT, 1, 64, NULL}, {"pain", "intensity", V_INT, 0, 10, NULL},
  {"pain", "quality", V_TEXT, 0, 64, NULL},
  {"visit", "date", V_DATE, 0, 0, NULL}, {"visit", "started", V_TIME, 0, 0, NULL},
  {"visit", "pain_pre", V_INT, 0, 10, NULL}, {"visit", "pain_post", V_INT, 0, 10, NULL},
  {"visit", "created", V_TIME, 0, 0, NULL}, {"visit", "soap_s", V_TEXT, 0, 65536, NULL},
  {"visit", "soap_o", V_TEXT, 0, 65536, NULL}, {"visit", "soap_a", V_TEXT, 0, 65536, NULL},
  {"visit", "soap_p", V_TEXT, 0, 65536, NULL}, {"visit", "log", V_JSON0, 0, TEXT_BIG, NULL},
  {"visit", "logz", V_PACK, 0, TEXT_BIG, NULL},
  {"treatment", "seq", V_INT, 1, 1e6, NULL}, {"treatment", "phase", V_TEXT, 1, 64, NULL},
  {"treatment", "muscle", V_TEXT, 1, 64, NULL}, {"treatment", "tp", V_TEXT, 0, 64, NULL},
  {"treatment", "side", V_ENUM, 0, 0, "l r mid"}, {"treatment", "technique", V_TEXT, 1, 64, NULL},
  {"treatment", "seconds", V_REAL, 0, 3600, NULL}, {"treatment", "outcome", V_TEXT, 0, 64, NULL},
  {"treatment", "reason", V_TEXT, 0, 64, NULL}, {"treatment", "confirmed", V_ENUM, 0, 0, "0 1"},
  {"assessment", "date", V_DATE, 0, 0, NULL}, {"assessment", "muscle", V_TEXT, 1, 64, NULL},
  {"assessment", "tp", V_TEXT, 1, 64, NULL}, {"assessment", "side", V_ENUM, 0, 0, "l r mid"},
  {"assessment", "state", V_ENUM, 0, 0, "active latent"}, {"assessment", "referral", V_ENUM, 0, 0, "0 1"},
  {"assessment", "ppt", V_REAL, 1e-9, 20, NULL}, {"assessment", "created", V_TIME, 0, 0, NULL},
  {"measure", "date", V_DATE, 0, 0, NULL}, {"measure", "kind", V_ENUM, 0, 0, "nprs psfs ndi rom"},
  {"measure", "item", V_TEXT, 0, 127, NULL}, {"measure", "value", V_REAL, -1e9, 1e9, NULL},
  {"measure", "created", V_TIME, 0, 0, NULL},
  {"homeprog", "date", V_DATE, 0, 0, NULL}, {"homeprog", "program", V_JSON0, 0, TEXT_BIG, NULL},
  {"homeprog", "ctx", V_JSONV, 0, 65536, NULL},
  {"homeprog", "created", V_TIME, 0, 0, NULL},
  {"kbver", "hash", V_HEX, 64, 64, NULL}, {"kbver", "kb", V_PACK, 0, 64 << 20, NULL},
  {"kbver", "created", V_TIME, 0, 0, NULL},
  {"audit", "at", V_TIME, 0, 0, NULL}, {"audit", "action", V_TEXT, 1, 64, NULL},
  {"audit", "detail", V_TEXT, 0, 4000, NULL},
  {"live_session", "id", V_TEXT, 1, 64, NULL}, {"live_session", "token", V_TEXT, 0, 128, NULL},
  {"live_session", "created", V_REAL, 0, 1e11, NULL}, {"live_session", "updated", V_REAL, 0, 1e11, NULL},
  {"live_session", "state", V_ENUM, 0, 0, "open ended cancelled"}, {"live_session", "seq", V_INT, 0, 1e9, NULL},
  {"live_session", "step", V_INT, -1, 1e6, NULL}, {"live_session", "phone", V_ENUM, 0, 0, "0 1"},
  {"live_cmd", "session_id", V_TEXT, 1, 64, NULL}, {"live_cmd", "seq", V_INT, 0, 1e9, NULL},
  {"live_cmd", "at", V_REAL, 0, 1e11, NULL}, {"live_cmd", "cmd", V_JSON, 0, TEXT_BIG, NULL},
};
#define N_COL_RULES ((int)(sizeof col_rules / sizeof col_rules[0]))

static int word_in(const char *v, const char *words) {
  size_t n = strlen(v);
  for (const char *p = words; *p;) {
    size_t w = strcspn(p, " ");
    if (w == n && !strncmp(p, v, n)) return 1;
    p += w + (p[w] == ' ');
  }
  return 0;
}

/* A number as SQLite or PostgreSQL writes one ("6", "6.0", "2.4", "1e+15"). */
static int number_text(const char *v, double *d) {
  char *end;
  *d = strtod(v, &end);
  return *v && !*end && *d == *d;
}

static int value_check(const struct col_rule *r, const char *v, char *err, size_t errlen) {
  double d;
  switch (r->kind) {
    case V_DATE:
      if (!util_date_ok(v)) return bad(err, errlen, "%s \"%.40s\" is not a date: expected YYYY-MM-DD, a real calendar day", r->column, v);
      return 0;
    case V_TIME: {
        char day[11];
        snprintf(day, sizeof day, "%.10s", v);
        if (strlen(v) < 20 || strlen(v) > 32 || v[10] != 'T' || !util_date_ok(day))
          return bad(err, errlen, "%s \"%.40s\" is not a time like 2026-11-22T10:00:00Z", r->column, v);
      return 0;
    }
    case V_INT:
      if (!number_text(v, &d) || d != floor(d) || d < r->lo || d > r->hi)
        return bad(err, errlen, "%s \"%.40s\": expected a whole number %g-%g", r->column, v, r->lo, r->hi);
      return 0;
    case V_REAL:
      if (!number_text(v, &d) || d < r->lo || d > r->hi)
        return bad(err, errlen, "%s \"%.40s\": expected a number %g-%g", r->column, v, r->lo < 1e-6 && r->lo > 0 ? 0 : r->lo, r->hi);
      return 0;
    case V_ENUM:
      if (!word_in(v, r->words)) return bad(err, errlen, "%s \"%.40s\": expected one of: %s", r->column, v, r->words);
      return 0;
    case V_NAME:
      if (!*v) return bad(err, errlen, "%s is empty: a name has 1-%g characters", r->column, r->hi);
      if (strchr(v, '\n')) return bad(err, errlen, "%s holds a newline: a name is one line", r->column);
      return text_ok(r->column, v, (size_t)r->hi, err, errlen);
    case V_HEX:
      if (strlen(v) != (size_t)r->hi || strspn(v, "0123456789abcdef") != strlen(v))
        return bad(err, errlen, "%s \"%.70s\": expected %g lower-case hex digits", r->column, v, r->hi);
      return 0;
    case V_PACK: {   /* a blob, base64 in a backup: a packing that unpacks (pack.h) */
      size_t tl = strlen(v), bl = 0;
      if (tl > (size_t)r->hi / 3 * 4 + 4) return bad(err, errlen, "%s is longer than %g bytes", r->column, r->hi);
      unsigned char *b = xmalloc(tl / 4 * 3 + 3);
      buf t;
      buf_init(&t);
      int tag = 0, ok = !sodium_base642bin(b, tl / 4 * 3 + 3, v, tl, NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL) &&
                        !pack_inflate(b, bl, &tag, &t);
      if (ok && !strcmp(r->column, "logz")) {   /* a session log: 'P' without its plan, 'L' whole */
        json_t *j = (tag == 'P' || tag == 'L') ? json_tree(t.data, t.len, NULL) : NULL;
        ok = json_is_object(j);
        json_decref(j);
      }
      free(b);
      buf_free(&t);
      if (!ok) return bad(err, errlen, "%s is not a packing of myomap's (base64 of a compressed %s)", r->column,
                          strcmp(r->column, "logz") ? "knowledge base" : "session log");
      return 0;
    }
    case V_JSON0:   /* kept as its packing or context instead (logz, ctx): empty */
      if (!*v) return 0;
      /* fall through */
    case V_JSONV:
    case V_JSON: {
      if (text_ok(r->column, v, (size_t)r->hi, err, errlen)) return RECORD_EBAD;
      if (r->kind == V_JSONV) {   /* an object or null; "" where the program is kept as text */
        if (!*v) return 0;
        json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
        int ok = json_is_object(j) || json_is_null(j);
        json_decref(j);
        return ok ? 0 : bad(err, errlen, "%s is not a JSON object or null", r->column);
      }
      json_error_t je;
      json_t *j = json_tree(v, strlen(v), &je);   /* (json_loads' tree and errors) */
      int ok = json_is_object(j);
      json_decref(j);
      if (!ok) return bad(err, errlen, "%s is not a JSON object%s%s", r->column, j ? "" : ": ", j ? "" : je.text);
      return 0;
    }
    default:
      return text_ok(r->column, v, (size_t)r->hi, err, errlen);
  }
}

int record_row_check(void *kb_, const char *table, int n, const char *const *cols, const char *const *vals,
                     char *err, size_t errlen) {
  const kb *k = kb_;
  const char *kind = NULL, *item = NULL, *value = NULL;
  for (int j = 0; j < n; j++) {
    const char *c = cols[j], *v = vals[j];
    if (!v) continue;
    const struct col_rule *r = NULL;
    for (int i = 0; i < N_COL_RULES && !r; i++)   /* (first letters first: a restore checks every cell) */
      if (col_rules[i].column[0] == c[0] && col_rules[i].table[0] == table[0] && !strcmp(col_rules[i].column, c) &&
          !strcmp(col_rules[i].table, table))
        r = &col_rules[i];
    size_t cl = strlen(c);
    if (!r && (!strcmp(c, "id") || (cl > 3 && !strcmp(c + cl - 3, "_id")))) {
      /* the numbered ids and the references to them */
      double d;
      if (!number_text(v, &d) || d != floor(d) || d < 1 || d > 1e15)
        return bad(err, errlen, "%s \"%.40s\": expected an id, a whole number above 0", c, v);
      continue;
    }
    if (r ? value_check(r, v, err, errlen) : text_ok(c, v, TEXT_BIG, err, errlen)) return RECORD_EBAD;
    if (k && !strcmp(c, "region") && *v && body_find(kb_body(k), v) < 0)
      return bad(err, errlen, "region \"%.64s\" is not a body region (`myomap regions` lists them)", v);
    if (k && !strcmp(c, "muscle") && kb_find_muscle(k, v) < 0) return bad(err, errlen, "unknown muscle \"%.64s\"", v);
    if (k && !strcmp(table, "assessment") && !strcmp(c, "tp") && kb_find_tp(k, v) < 0)
      return bad(err, errlen, "unknown trigger point \"%.64s\"", v);
    if (k && !strcmp(c, "contra") && kb_find_term(k, KB_CONTRA, v) < 0)
      return bad(err, errlen, "unknown contraindication \"%.64s\"", v);
    if (!strcmp(c, "kind")) kind = v;
    else if (!strcmp(c, "item")) item = v;
    else if (!strcmp(c, "value")) value = v;
  }
  if (!strcmp(table, "client")) {
    char tomorrow[16];
    time_t t = time(NULL) + 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
    for (int j = 0; j < n; j++)
      if (vals[j] && !strcmp(cols[j], "birth") && strcmp(vals[j], tomorrow) > 0)
        return bad(err, errlen, "birth %s is in the future", vals[j]);
  }
  if (!strcmp(table, "visit") || !strcmp(table, "homeprog")) {
    /* what was done is kept once: as text (log, program), or packed (logz) / as its context (ctx) */
    const char *text = NULL, *kept = NULL, *ver = NULL;
    int visit = !strcmp(table, "visit");
    for (int j = 0; j < n; j++) {
      if (!strcmp(cols[j], visit ? "log" : "program")) text = vals[j];
      else if (!strcmp(cols[j], visit ? "logz" : "ctx")) kept = vals[j];
      else if (!strcmp(cols[j], "kbver_id")) ver = vals[j];
    }
    if (kept && !*kept) kept = NULL;   /* ctx "": a program kept as its text */
    if (!kept && (!text || !*text))
      return bad(err, errlen, "%s is empty and there is no %s: the %s is missing", visit ? "log" : "program",
                 visit ? "logz" : "ctx", visit ? "session log" : "home program");
    if (kept && text && *text)
      return bad(err, errlen, "both %s and %s: a %s is kept once", visit ? "log" : "program", visit ? "logz" : "ctx",
                 visit ? "session log" : "home program");
    if (kept && !visit && !ver) return bad(err, errlen, "a home program kept as its context needs its kbver_id");
  }
  if (!strcmp(table, "measure") && kind && value) {
    /* the measure's own rules: nprs 0-10, ndi 0-50, psfs 0-10, rom per joint */
    char word[200];
    record_measure m;
    int plain = !strcmp(kind, "nprs") || !strcmp(kind, "ndi");
    snprintf(word, sizeof word, "%s%s%s", plain ? "" : item ? item : "", plain ? "" : "=", value);
    if (record_measure_parse(kind, word, &m, err, errlen)) return RECORD_EBAD;
  }
  return 0;
}

/* ---- visit history ------------------------------------------------------------------------ */

int record_visit_list(store *s, const kb *k, long client, buf *out, char *err, size_t errlen) {
  return record_visit_list_lang(s, k, client, NULL, out, err, errlen);
}

int record_visit_list_lang(store *s, const kb *k, long client, const char *lang, buf *out, char *err, size_t errlen) {
  int fr = kb_lang_name(lang) && !strcmp(kb_lang_name(lang), "fr");
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  long n = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM client WHERE id = $1", &a, &n)) return failed(s, err, errlen);
  if (!n) { snprintf(err, errlen, "no client %ld", client); return RECORD_ENOTFOUND; }
  store_rows v, t;
  if (store_exec(s, "SELECT v.id, v.date, v.started, th.name, v.pain_pre, v.pain_post, ns.name, ns.at, "
                    "(SELECT COUNT(*) FROM treatment x WHERE x.visit_id = v.id) FROM visit v "
                    "LEFT JOIN therapist th ON th.id = v.therapist_id LEFT JOIN note_signature ns ON ns.visit_id = v.id "
                    "WHERE v.client_id = $1 ORDER BY v.started DESC, v.id DESC", &a, &v))
    return failed(s, err, errlen);
  if (store_exec(s, "SELECT t.visit_id, t.muscle, t.tp, t.side FROM treatment t JOIN visit v ON v.id = t.visit_id "
                    "WHERE v.client_id = $1 ORDER BY t.visit_id, t.seq", &a, &t)) {
    store_rows_free(&v);
    return failed(s, err, errlen);
  }
  buf_putc(out, '[');
  for (int i = 0; i < v.nrow; i++) {
    const char *id = store_cell(&v, i, 0);
    buf_printf(out, "%s{\"id\":%s", i ? "," : "", id);
    json_field(out, "date", store_cell(&v, i, 1), 0);
    json_field(out, "started", store_cell(&v, i, 2), 0);
    json_field(out, "therapist", store_cell(&v, i, 3), 0);
    buf_puts(out, ",\"points\":[");
    int np = 0;
    for (int j = 0; j < t.nrow; j++) {
      if (strcmp(store_cell(&t, j, 0), id)) continue;
      const char *mu = store_cell(&t, j, 1), *tp = store_cell(&t, j, 2), *sd = store_cell(&t, j, 3);
      int seen = 0;   /* a point once, however many holds */
      for (int q = j - 1; q >= 0 && !seen && !strcmp(store_cell(&t, q, 0), id); q--)   /* rows are by visit */
        seen = !strcmp(store_cell(&t, q, 1), mu) &&
               !strcmp(tp ? tp : "", store_cell(&t, q, 2) ? store_cell(&t, q, 2) : "") &&
               !strcmp(sd ? sd : "", store_cell(&t, q, 3) ? store_cell(&t, q, 3) : "");
      if (seen) continue;
      buf_puts(out, np++ ? ",{" : "{");
      json_field(out, "muscle", mu, 1);
      json_field(out, "tp", tp, 0);
      json_field(out, "side", sd, 0);
      int m = kb_find_muscle(k, mu), ti = tp ? kb_find_tp(k, tp) : -1;
      buf buf_name;
      buf_init(&buf_name);
      const char *mname = m >= 0 ? kb_text(k, lang, "muscle", kb_muscle_at(k, m)->id, "name", kb_muscle_at(k, m)->name) : mu;
      const char *tname = ti >= 0 ? kb_tp_text(k, lang, ti, "name") : "";
      if (fr)   /* "temporal, gauche (PG4, fibres postérieures)" */
        buf_printf(&buf_name, "%s%s%s%s%s", mname, sd && !strcmp(sd, "l") ? ", gauche" : sd && !strcmp(sd, "r") ? ", droite" : "",
                   ti >= 0 ? " (" : "", tname, ti >= 0 ? ")" : "");
      else
        buf_printf(&buf_name, "%s%s%s%s%s", sd && !strcmp(sd, "l") ? "left " : sd && !strcmp(sd, "r") ? "right " : "",
                   mname, ti >= 0 ? " (" : "", tname, ti >= 0 ? ")" : "");
      json_field(out, "name", buf_name.data, 0);
      buf_free(&buf_name);
      buf_putc(out, '}');
    }
    buf_printf(out, "],\"holds\":%s,\"pain_pre\":", store_cell(&v, i, 8));
    num(out, store_cell(&v, i, 4));
    buf_puts(out, ",\"pain_post\":");
    num(out, store_cell(&v, i, 5));
    if (store_cell(&v, i, 6)) {
      buf_puts(out, ",\"note\":\"signed\",\"signed\":{");
      json_field(out, "by", store_cell(&v, i, 6), 1);
      json_field(out, "at", store_cell(&v, i, 7), 0);
      buf_puts(out, "}}");
    } else
      buf_puts(out, ",\"note\":\"draft\",\"signed\":null}");
  }
  buf_putc(out, ']');
  store_rows_free(&v);
  store_rows_free(&t);
  return 0;
}

int record_visit_show(store *s, const kb *k, long visit, buf *out, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, visit);
  store_rows v, t, h;
  if (store_exec(s, "SELECT v.id, v.client_id, v.date, v.started, th.name, v.pain_pre, v.pain_post, "
                    "(SELECT COUNT(*) FROM note_signature ns WHERE ns.visit_id = v.id) FROM visit v "
                    "LEFT JOIN therapist th ON th.id = v.therapist_id WHERE v.id = $1", &a, &v))
    return failed(s, err, errlen);
  if (!v.nrow) { store_rows_free(&v); snprintf(err, errlen, "no visit %ld", visit); return RECORD_ENOTFOUND; }
  if (store_exec(s, "SELECT seq, phase, muscle, tp, side, technique, seconds, outcome, reason, confirmed FROM treatment "
                    "WHERE visit_id = $1 ORDER BY seq", &a, &t)) { store_rows_free(&v); return failed(s, err, errlen); }
  if (store_exec(s, "SELECT id FROM homeprog WHERE visit_id = $1 ORDER BY id DESC LIMIT 1", &a, &h)) {
    store_rows_free(&v), store_rows_free(&t);
    return failed(s, err, errlen);
  }
  buf_printf(out, "{\"id\":%s,\"client\":%s", store_cell(&v, 0, 0), store_cell(&v, 0, 1));
  json_field(out, "date", store_cell(&v, 0, 2), 0);
  json_field(out, "started", store_cell(&v, 0, 3), 0);
  json_field(out, "therapist", store_cell(&v, 0, 4), 0);
  buf_puts(out, ",\"pain_pre\":");
  num(out, store_cell(&v, 0, 5));
  buf_puts(out, ",\"pain_post\":");
  num(out, store_cell(&v, 0, 6));
  buf_printf(out, ",\"note\":\"%s\",\"holds\":[", strcmp(store_cell(&v, 0, 7), "0") ? "signed" : "draft");
  static const char *const keys[] = {"phase", "muscle", "tp", "side", "technique"};
  for (int i = 0; i < t.nrow; i++) {
    buf_printf(out, "%s{\"seq\":%s", i ? "," : "", store_cell(&t, i, 0));
    for (int j = 0; j < 5; j++) json_field(out, keys[j], store_cell(&t, i, 1 + j), 0);
    buf_puts(out, ",\"seconds\":");
    num(out, store_cell(&t, i, 6));
    json_field(out, "outcome", store_cell(&t, i, 7), 0);
    json_field(out, "reason", store_cell(&t, i, 8), 0);
    buf_printf(out, ",\"confirmed\":%s}", strcmp(store_cell(&t, i, 9) ? store_cell(&t, i, 9) : "0", "0") ? "true" : "false");
  }
  buf_puts(out, "],\"home\":");
  buf prog;   /* the home program, derived again from its kb version and context (record_home_load) */
  buf_init(&prog);
  int rc = h.nrow ? record_home_load(s, k, strtol(store_cell(&h, 0, 0), NULL, 10), &prog, NULL, NULL, err, errlen) : 0;
  if (rc < 0) {
    buf_free(&prog);
    store_rows_free(&v), store_rows_free(&t), store_rows_free(&h);
    return rc;
  }
  if (h.nrow) {
    size_t n = prog.len;
    while (n && (prog.data[n - 1] == '\n' || prog.data[n - 1] == ' ')) n--;
    buf_append(out, prog.data, n);
  } else buf_puts(out, "null");
  buf_free(&prog);
  buf_putc(out, '}');
  store_rows_free(&v), store_rows_free(&t), store_rows_free(&h);
  return 0;
}

/* ---- settings ----------------------------------------------------------------------------- */

int record_setting_get(store *s, const char *name, const char *def, char *out, size_t cap) {
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, name);
  store_rows r;
  if (store_exec(s, "SELECT value FROM setting WHERE name = $1", &a, &r)) return RECORD_ESTORE;
  snprintf(out, cap, "%s", r.nrow && store_cell(&r, 0, 0) ? store_cell(&r, 0, 0) : def);
  store_rows_free(&r);
  return 0;
}

int record_setting_set(store *s, const char *name, const char *value, char *err, size_t errlen) {
  if (strcmp(name, RECORD_CLINIC_NAME)) return bad(err, errlen, "unknown setting \"%s\"", name);
  if (!value || !*value) return bad(err, errlen, "the clinic's name cannot be empty");
  if (text_ok("the clinic's name", value, 200, err, errlen)) return RECORD_EBAD;
  if (strchr(value, '\n') || strchr(value, '\t')) return bad(err, errlen, "the clinic's name is one line");
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, name);
  store_arg_text(&a, value);
  if (store_begin(s) ||
      store_exec(s, "INSERT INTO setting (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = $2",
                 &a, NULL) || store_commit(s))
    return failed(s, err, errlen);
  return 0;
}
