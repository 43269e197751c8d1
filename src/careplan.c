/* careplan.c: the plan of care and the progress against it (see careplan.h). */
#include "careplan.h"

#include "outcome.h"
#include "record.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const frequencies[] = {"daily", "twice-weekly", "weekly", "every-2-weeks", "monthly"};
#define N_FREQ ((int)(sizeof frequencies / sizeof frequencies[0]))

/* A refused input: the message in err, RECORD_EBAD returned. */
#define bad(err, errlen, ...) util_fail(RECORD_EBAD, err, errlen, __VA_ARGS__)

static int store_failed(store *s, char *err, size_t errlen) {
  snprintf(err, errlen, "database error: %s; nothing was written", store_error(s));
  store_rollback(s);
  return RECORD_ESTORE;
}

static int text_ok(const char *t, size_t max) {
  if (strlen(t) > max) return 0;
  for (const unsigned char *p = (const unsigned char *)t; *p; p++)
    if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) return 0;
  return 1;
}

void careplan_init(careplan_in *in) {
  memset(in, 0, sizeof *in);
  in->target = -1;
}

int careplan_set(store *s, long client, long therapist, const careplan_in *in, long *id, char *err, size_t errlen) {
  char today[11], now[32];
  util_today(today);
  util_now(now);
  const char *start = in->start ? in->start : today;
  if (in->kind != CAREPLAN_NPRS && in->kind != CAREPLAN_PSFS) return bad(err, errlen, "the target is nprs or psfs");
  if (!(in->target >= 0 && in->target <= 10))
    return bad(err, errlen, "give the target: an NPRS or PSFS value 0-10");
  if (in->kind == CAREPLAN_NPRS && in->target != floor(in->target))
    return bad(err, errlen, "an NPRS target is a whole number 0-10");
  if (in->kind == CAREPLAN_PSFS && (!in->activity || !*in->activity))
    return bad(err, errlen, "a PSFS target names its activity");
  if (in->kind == CAREPLAN_NPRS && in->activity) return bad(err, errlen, "an NPRS target has no activity");
  if (in->activity && (!text_ok(in->activity, 127) || strchr(in->activity, '\n')))
    return bad(err, errlen, "the activity is one line of at most 127 characters");
  if (in->goals && !text_ok(in->goals, 4000)) return bad(err, errlen, "the goals are at most 4,000 characters of text");
  if (in->visits < 1 || in->visits > 100) return bad(err, errlen, "the planned visits are 1-100");
  int f = -1;
  for (int i = 0; i < N_FREQ && in->frequency; i++) if (!strcmp(in->frequency, frequencies[i])) f = i;
  if (f < 0) return bad(err, errlen, "frequency \"%.40s\": daily, twice-weekly, weekly, every-2-weeks or monthly",
                        in->frequency ? in->frequency : "");
  if (!util_date_ok(start)) return bad(err, errlen, "start \"%.20s\": expected YYYY-MM-DD", start);
  if (strcmp(start, today) > 0) return bad(err, errlen, "start %s is in the future", start);
  if (!in->reassess || !util_date_ok(in->reassess))
    return bad(err, errlen, "give the reassessment date (YYYY-MM-DD)");
  if (strcmp(in->reassess, start) < 0) return bad(err, errlen, "the reassessment %s is before the start %s", in->reassess, start);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_rows r;
  if (store_exec(s, "SELECT birth, (SELECT goals FROM intake WHERE client_id = $1 AND goals IS NOT NULL "
                    "ORDER BY date DESC, id DESC LIMIT 1) FROM client WHERE id = $1", &a, &r))
    return store_failed(s, err, errlen);
  if (!r.nrow) { store_rows_free(&r); snprintf(err, errlen, "no client %ld", client); return RECORD_ENOTFOUND; }
  if (strcmp(start, store_cell(&r, 0, 0)) < 0) {
    store_rows_free(&r);
    return bad(err, errlen, "start %s is before the client's birth date", start);
  }
  char *goals = xstrdup(in->goals ? in->goals : store_cell(&r, 0, 1) ? store_cell(&r, 0, 1) : "");
  store_rows_free(&r);
  store_args_init(&a);
  store_arg_int(&a, client);
  if (therapist > 0) store_arg_int(&a, therapist); else store_arg_text(&a, NULL);
  store_arg_text(&a, start);
  store_arg_text(&a, *goals ? goals : NULL);
  store_arg_text(&a, in->kind == CAREPLAN_NPRS ? "nprs" : "psfs");
  store_arg_real(&a, in->target);
  store_arg_text(&a, in->activity);
  store_arg_int(&a, in->visits);
  store_arg_text(&a, frequencies[f]);
  store_arg_text(&a, in->reassess);
  store_arg_text(&a, now);
  int rc = 0;
  if (store_begin(s) ||
      store_exec_long(s, "INSERT INTO care_plan (client_id, therapist_id, start, goals, target_kind, target_value, "
                         "target_activity, visits, frequency, reassess, created) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                         "$8, $9, $10, $11) RETURNING id", &a, id) || store_commit(s))
    rc = store_failed(s, err, errlen);
  free(goals);
  return rc;
}

/* The plans of the client, newest first: id, start, goals, kind, value, activity, visits,
** frequency, reassess, therapist name, created. */
static int plans(store *s, long client, store_rows *r, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  long n = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM client WHERE id = $1", &a, &n)) return store_failed(s, err, errlen);
  if (!n) { snprintf(err, errlen, "no client %ld", client); return RECORD_ENOTFOUND; }
  if (store_exec(s, "SELECT p.id, p.start, p.goals, p.target_kind, p.target_value, p.target_activity, p.visits, "
                    "p.frequency, p.reassess, t.name, p.created FROM care_plan p LEFT JOIN therapist t ON "
                    "t.id = p.therapist_id WHERE p.client_id = $1 ORDER BY p.id DESC", &a, r))
    return store_failed(s, err, errlen);
  return 0;
}

/* Progress against plan row 0 of r. */
typedef struct progress {
  int has_base, has_latest;
  char base_date[11], latest_date[11];
  double base, latest, relief;    /* relief: NAN when there is no NPRS baseline above 0 */
  int reached, met, used, planned, due, not_working;
  const char *status, *advice;
} progress;

static int progress_of(store *s, const kb *k, long client, const store_rows *r, progress *p, char *err, size_t errlen) {
  memset(p, 0, sizeof *p);
  p->relief = NAN;
  const char *kind = store_cell(r, 0, 3), *act = store_cell(r, 0, 5);
  double target = strtod(store_cell(r, 0, 4), NULL);
  outcome *o;
  if (outcome_load(s, k, client, &o, err, errlen)) return RECORD_ESTORE;
  int bi = o->base[OUTCOME_NPRS], li = o->last[OUTCOME_NPRS];
  if (bi >= 0 && li >= 0 && o->dates[bi].nprs > 0)
    p->relief = 100 * (o->dates[bi].nprs - o->dates[li].nprs) / o->dates[bi].nprs;
  if (!strcmp(kind, "nprs")) {
    if (bi >= 0) { p->has_base = 1; p->base = o->dates[bi].nprs; snprintf(p->base_date, 11, "%s", o->dates[bi].date); }
    if (li >= 0) { p->has_latest = 1; p->latest = o->dates[li].nprs; snprintf(p->latest_date, 11, "%s", o->dates[li].date); }
    p->reached = p->has_latest && p->latest <= target + 1e-9;
  } else {
    for (int i = 0; i < o->n_dates; i++)
      for (int j = 0; j < o->dates[i].n_psfs; j++) {
        const outcome_item *it = &o->dates[i].psfs_items[j];
        if (strcmp(it->item, act ? act : "")) continue;
        if (!p->has_base) { p->has_base = 1; p->base = it->value; snprintf(p->base_date, 11, "%s", o->dates[i].date); }
        p->has_latest = 1;
        p->latest = it->value;
        snprintf(p->latest_date, 11, "%s", o->dates[i].date);
      }
    p->reached = p->has_latest && p->latest >= target - 1e-9;
  }
  outcome_free(o);
  p->met = p->reached || (p->relief == p->relief && p->relief >= 50 - 1e-9);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_arg_text(&a, store_cell(r, 0, 1));
  long used = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM visit WHERE client_id = $1 AND date >= $2", &a, &used))
    return store_failed(s, err, errlen);
  p->used = (int)used;
  p->planned = (int)strtol(store_cell(r, 0, 6), NULL, 10);
  char today[11];
  util_today(today);
  p->due = strcmp(today, store_cell(r, 0, 8)) >= 0;
  p->not_working = !p->met && p->used >= p->planned;
  p->status = p->met ? "met" : p->not_working ? "not-working" : p->due ? "reassess" : "on-track";
  p->advice = p->met ? "The success mark is met: reassess and plan discharge or new goals."
            : p->not_working ? "The planned visits are used up without meeting the target: change course or refer."
            : p->due ? "The reassessment date has come: reassess and update the plan."
            : "On track: carry on with the plan.";
  return 0;
}

static void jstr(buf *b, const char *v) { if (v) buf_json_str(b, v); else buf_lit(b, "null"); }

static void jnum(buf *b, double v) {
  if (v != v) buf_lit(b, "null");
  else buf_printf(b, "%.15g", round(v * 10) / 10);
}

static void plan_json(buf *b, const store_rows *r, int i) {
  buf_printf(b, "{\"id\":%s,\"start\":", store_cell(r, i, 0));
  jstr(b, store_cell(r, i, 1));
  buf_lit(b, ",\"goals\":");
  jstr(b, store_cell(r, i, 2));
  buf_lit(b, ",\"target\":{\"measure\":");
  jstr(b, store_cell(r, i, 3));
  buf_lit(b, ",\"value\":");
  jnum(b, strtod(store_cell(r, i, 4), NULL));
  buf_lit(b, ",\"activity\":");
  jstr(b, store_cell(r, i, 5));
  buf_printf(b, "},\"visits\":%s,\"frequency\":", store_cell(r, i, 6));
  jstr(b, store_cell(r, i, 7));
  buf_lit(b, ",\"reassess\":");
  jstr(b, store_cell(r, i, 8));
  buf_lit(b, ",\"therapist\":");
  jstr(b, store_cell(r, i, 9));
  buf_lit(b, ",\"created\":");
  jstr(b, store_cell(r, i, 10));
  buf_putc(b, '}');
}

int careplan_json(store *s, const kb *k, long client, buf *out, char *err, size_t errlen) {
  store_rows r;
  int rc = plans(s, client, &r, err, errlen);
  if (rc) return rc;
  progress p;
  if (r.nrow && (rc = progress_of(s, k, client, &r, &p, err, errlen))) { store_rows_free(&r); return rc; }
  buf_lit(out, "{\"plan\":");
  if (!r.nrow) buf_lit(out, "null,\"progress\":null");
  else {
    plan_json(out, &r, 0);
    buf_lit(out, ",\"progress\":{\"baseline\":");
    if (p.has_base) { buf_lit(out, "{\"date\":"); jstr(out, p.base_date); buf_lit(out, ",\"value\":"); jnum(out, p.base); buf_putc(out, '}'); }
    else buf_lit(out, "null");
    buf_lit(out, ",\"latest\":");
    if (p.has_latest) { buf_lit(out, "{\"date\":"); jstr(out, p.latest_date); buf_lit(out, ",\"value\":"); jnum(out, p.latest); buf_putc(out, '}'); }
    else buf_lit(out, "null");
    buf_lit(out, ",\"relief_percent\":");
    jnum(out, p.relief);
    buf_printf(out, ",\"target_reached\":%s,\"met\":%s,\"visits_used\":%d,\"visits_planned\":%d,"
                    "\"reassessment_due\":%s,\"not_working\":%s,\"status\":\"%s\",\"advice\":",
               p.reached ? "true" : "false", p.met ? "true" : "false", p.used, p.planned, p.due ? "true" : "false",
               p.not_working ? "true" : "false", p.status);
    jstr(out, p.advice);
    buf_putc(out, '}');
  }
  buf_lit(out, ",\"history\":[");
  for (int i = 0; i < r.nrow; i++) {
    if (i) buf_putc(out, ',');
    plan_json(out, &r, i);
  }
  buf_lit(out, "]}");
  store_rows_free(&r);
  return 0;
}

/* The target in words: "pain (NPRS) at most 3/10", "\"reach overhead\" (PSFS) at least 7/10". */
static void target_words(buf *b, const store_rows *r, int i) {
  double v = strtod(store_cell(r, i, 4), NULL);
  if (!strcmp(store_cell(r, i, 3), "nprs")) buf_printf(b, "pain (NPRS) at most %g/10", v);
  else buf_printf(b, "\"%s\" (PSFS) at least %g/10", store_cell(r, i, 5) ? store_cell(r, i, 5) : "", v);
}

int careplan_text(store *s, const kb *k, long client, buf *out, char *err, size_t errlen) {
  store_rows r;
  int rc = plans(s, client, &r, err, errlen);
  if (rc) return rc;
  if (!r.nrow) {
    buf_printf(out, "client %ld has no plan of care yet (`myomap careplan %ld --nprs N --visits N --frequency weekly "
                    "--reassess DATE`)\n", client, client);
    store_rows_free(&r);
    return 0;
  }
  progress p;
  if ((rc = progress_of(s, k, client, &r, &p, err, errlen))) { store_rows_free(&r); return rc; }
  buf_printf(out, "Plan of care %s (from %s, by %s)\n  goals: %s\n  target: ", store_cell(&r, 0, 0), store_cell(&r, 0, 1),
             store_cell(&r, 0, 9) ? store_cell(&r, 0, 9) : "-", store_cell(&r, 0, 2) ? store_cell(&r, 0, 2) : "-");
  target_words(out, &r, 0);
  buf_printf(out, ", or 50%% pain relief\n  visits: %s, %s; reassess on %s\n", store_cell(&r, 0, 6), store_cell(&r, 0, 7),
             store_cell(&r, 0, 8));
  buf_printf(out, "Progress: %s, %d of %d visits used", p.status, p.used, p.planned);
  if (p.has_latest) buf_printf(out, "; latest %g on %s", p.latest, p.latest_date);
  if (p.relief == p.relief) buf_printf(out, "; pain relief %.0f%%", p.relief);
  buf_printf(out, "\n  %s\n", p.advice);
  if (r.nrow > 1) buf_printf(out, "(%d earlier plans kept)\n", r.nrow - 1);
  store_rows_free(&r);
  return 0;
}

int careplan_html(store *s, const kb *k, long client, buf *out, char *err, size_t errlen) {
  store_rows r;
  if (plans(s, client, &r, err, errlen)) return -1;
  if (!r.nrow) { store_rows_free(&r); return 0; }
  progress p;
  if (progress_of(s, k, client, &r, &p, err, errlen)) { store_rows_free(&r); return -1; }
  buf t;
  buf_init(&t);
  target_words(&t, &r, 0);
  buf_lit(out, "<h2>Plan of care</h2>\n<table class=\"grid careplan\"><tr><th>Goals</th><td>");
  buf_xml(out, store_cell(&r, 0, 2) ? store_cell(&r, 0, 2) : "not stated");
  buf_lit(out, "</td></tr><tr><th>Target</th><td>");
  buf_xml(out, t.data);
  buf_lit(out, ", or 50% pain relief</td></tr><tr><th>Visits</th><td>");
  buf_xml(out, store_cell(&r, 0, 6));
  buf_lit(out, ", ");
  buf_xml(out, store_cell(&r, 0, 7));
  buf_lit(out, " from ");
  buf_xml(out, store_cell(&r, 0, 1));
  buf_lit(out, "</td></tr><tr><th>Reassessment</th><td>");
  buf_xml(out, store_cell(&r, 0, 8));
  buf_printf(out, "</td></tr><tr><th>Progress</th><td>%d of %d visits used; ", p.used, p.planned);
  buf_xml(out, p.advice);
  buf_lit(out, "</td></tr></table>\n");
  buf_free(&t);
  store_rows_free(&r);
  return 0;
}
