/* test_outcome.c: unit tests of the outcome report: baseline and change, the thresholds of
** clinically important change right at their edges, PSFS, NDI, ROM, the drawing's spread, and
** the text, JSON and SVG written from a temporary SQLite record database. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb.h"
#include "chart.h"
#include "outcome.h"
#include "store.h"
#include "util.h"
#include "testdb.h"

static char dir[64];
static char path[128];
static store *db;
static kb *K;
static int n_started;

static void setup(void) {
  strcpy(dir, "/tmp/myomap-outcome-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/test.db", dir);
  char err[512];
  cr_assert_eq(store_open(&db, path, err, sizeof err), 0, "store_open: %s", err);
  K = test_kb();
}

static void teardown(void) {
  store_close(db);
  kb_free(K);
  static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    char p[160];
    snprintf(p, sizeof p, "%s%s", path, suffix[i]);
    unlink(p);
  }
  rmdir(dir);
}

TestSuite(outcome, .init = setup, .fini = teardown);

/* ---- writing records ---- */

static long insert(const char *sql, const store_args *a) {
  long id = 0;
  cr_assert_eq(store_exec_long(db, sql, a, &id), 0, "%s: %s", sql, store_error(db));
  return id;
}

static long new_client(void) {
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, "Test Client");
  return insert("INSERT INTO client (name, birth, created, updated) VALUES ($1, '1980-05-01', '2024-01-01T00:00:00Z',"
                " '2024-01-01T00:00:00Z') RETURNING id", &a);
}

/* A measure; visit 0 means none. */
static void measure(long client, const char *date, const char *kind, const char *item, double v, long visit) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  if (visit) store_arg_int(&a, visit);
  else store_arg_text(&a, NULL);
  store_arg_text(&a, date);
  store_arg_text(&a, kind);
  store_arg_text(&a, item);
  store_arg_real(&a, v);
  cr_assert_eq(store_exec(db, "INSERT INTO measure (client_id, visit_id, date, kind, item, value, created)"
                              " VALUES ($1, $2, $3, $4, $5, $6, '2024-01-01T00:00:00Z')", &a, NULL), 0,
               "measure: %s", store_error(db));
}

/* A visit with pain_pre and pain_post (-1: NULL). */
static long new_visit(long client, const char *date, int pre, int post) {
  char started[64];
  snprintf(started, sizeof started, "%sT10:00:%02dZ", date, n_started++ % 60);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_arg_text(&a, date);
  store_arg_text(&a, started);
  if (pre >= 0) store_arg_int(&a, pre);
  else store_arg_text(&a, NULL);
  if (post >= 0) store_arg_int(&a, post);
  else store_arg_text(&a, NULL);
  return insert("INSERT INTO visit (client_id, date, started, log, pain_pre, pain_post, created)"
                " VALUES ($1, $2, $3, '{}', $4, $5, '2024-01-01T00:00:00Z') RETURNING id", &a);
}

static long new_intake(long client, const char *date) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_arg_text(&a, date);
  return insert("INSERT INTO intake (client_id, date, created) VALUES ($1, $2, '2024-01-01T00:00:00Z') RETURNING id", &a);
}

static void pain(long intake, const char *region, int intensity) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, intake);
  store_arg_text(&a, region);
  store_arg_int(&a, intensity);
  cr_assert_eq(store_exec(db, "INSERT INTO pain (intake_id, region, intensity, quality) VALUES ($1, $2, $3, 'ache')",
                          &a, NULL), 0, "pain: %s", store_error(db));
}

/* ---- reading outcomes ---- */

static outcome *load(long client) {
  outcome *o = NULL;
  char err[512] = "";
  cr_assert_eq(outcome_load(db, K, client, &o, err, sizeof err), 0, "outcome_load: %s", err);
  cr_assert_not_null(o);
  return o;
}

/* The bit of the flag for measure and rule (which must exist in kb/outcomes.tsv). */
static unsigned bit(const outcome *o, int measure, const char *rule) {
  for (int i = 0; i < o->n_flags; i++)
    if (o->flags[i].measure == measure && strcmp(o->flags[i].rule, rule) == 0) return 1u << i;
  cr_assert_fail("no flag %d %s in kb/outcomes.tsv", measure, rule);
  return 0;
}

static const outcome_date *on(const outcome *o, const char *date) {
  for (int i = 0; i < o->n_dates; i++)
    if (strcmp(o->dates[i].date, date) == 0) return &o->dates[i];
  cr_assert_fail("no row for %s", date);
  return NULL;
}

#define near(a, b) (fabs((a) - (b)) < 1e-9)

/* The flags of the second of two values of `kind` (baseline first). */
static unsigned two_values(const char *kind, const char *item, double base, double v) {
  long c = new_client();
  measure(c, "2024-01-01", kind, item, base, 0);
  measure(c, "2024-02-01", kind, item, v, 0);
  outcome *o = load(c);
  cr_assert_eq(o->n_dates, 2);
  unsigned f = o->dates[1].flags;
  if (strcmp(kind, "psfs") == 0) f |= o->dates[1].psfs_items[0].flags;
  outcome_free(o);
  return f;
}

/* ---- the numbers ---- */

Test(outcome, nprs_baseline_change_and_post_session) {
  long c = new_client();
  measure(c, "2024-01-10", "nprs", "", 8, 0);
  long v = new_visit(c, "2024-01-17", -1, -1);
  measure(c, "2024-01-17", "nprs", "pre", 6, v);
  measure(c, "2024-01-17", "nprs", "post", 3, v);
  measure(c, "2024-02-01", "nprs", "", 4, 0);
  outcome *o = load(c);
  cr_assert_eq(o->n_dates, 3);
  cr_assert_eq(o->base[OUTCOME_NPRS], 0);
  cr_assert_eq(o->last[OUTCOME_NPRS], 2);
  const outcome_date *d = on(o, "2024-01-17");
  cr_assert_eq(d->visit, v);
  cr_assert(d->has_nprs && near(d->nprs, 6), "the session's pre value counts: %g", d->nprs);
  cr_assert(d->has_post && near(d->post, 3), "post reported apart: %g", d->post);
  cr_assert(near(d->nprs_change, -2), "change %g", d->nprs_change);
  cr_assert(near(d->nprs_percent, -25), "percent %g", d->nprs_percent);
  cr_assert(d->flags & bit(o, OUTCOME_NPRS, "important"), "2 points is clinically important");
  cr_assert_not(d->flags & bit(o, OUTCOME_NPRS, "success"), "25%% is not 50%% relief");
  d = on(o, "2024-02-01");
  cr_assert(near(d->nprs_change, -4) && near(d->nprs_percent, -50));
  cr_assert(d->flags & bit(o, OUTCOME_NPRS, "success"), "50%% relief");
  cr_assert_eq(o->dates[0].flags, 0, "no flag on the baseline itself");
  outcome_free(o);
}

Test(outcome, nprs_flags_at_the_thresholds) {
  outcome *o;
  long c = new_client();   /* only to read the flag bits */
  o = load(c);
  unsigned imp = bit(o, OUTCOME_NPRS, "important"), suc = bit(o, OUTCOME_NPRS, "success");
  outcome_free(o);
  /* 2 points: on at exactly 2 (20% of 10), off at 1.9 (19%). */
  cr_assert(two_values("nprs", "", 10, 8) & imp);
  cr_assert_not(two_values("nprs", "", 10, 8.1) & imp);
  /* 30%: on at exactly 30% (1.5 of 5), off just under it (1.4 points, 28%). */
  cr_assert(two_values("nprs", "", 5, 3.5) & imp);
  cr_assert_not(two_values("nprs", "", 5, 3.6) & imp);
  /* 50%: on at exactly half, off just above it. */
  cr_assert(two_values("nprs", "", 6, 3) & suc);
  cr_assert_not(two_values("nprs", "", 6, 3.1) & suc);
  /* More pain never meets an improvement flag. */
  cr_assert_eq(two_values("nprs", "", 3, 7), 0);
}

Test(outcome, nprs_sources_in_order_of_preference) {
  long c = new_client();
  /* A visit's pain_pre counts when no 'pre' measure is there, before a standalone value. */
  new_visit(c, "2024-01-01", 7, 5);
  measure(c, "2024-01-01", "nprs", "", 9, 0);
  /* A 'pre' measure wins over the visit's pain_pre; the last of one kind counts. */
  long v = new_visit(c, "2024-01-08", 6, 4);
  measure(c, "2024-01-08", "nprs", "pre", 2, v);
  measure(c, "2024-01-08", "nprs", "pre", 5, v);
  /* Only a standalone value. */
  measure(c, "2024-01-15", "nprs", "", 3, 0);
  /* Off the scale or an unknown item: left out and counted. */
  measure(c, "2024-01-15", "nprs", "", 11, 0);
  measure(c, "2024-01-15", "nprs", "during", 1, 0);
  outcome *o = load(c);
  const outcome_date *d = on(o, "2024-01-01");
  cr_assert(near(d->nprs, 7) && near(d->post, 5), "visit pain_pre/post: %g %g", d->nprs, d->post);
  d = on(o, "2024-01-08");
  cr_assert(near(d->nprs, 5), "the last 'pre' measure: %g", d->nprs);
  cr_assert(near(d->post, 4), "the visit's pain_post: %g", d->post);
  d = on(o, "2024-01-15");
  cr_assert(near(d->nprs, 3) && !d->has_post);
  cr_assert(near(d->nprs_change, -4) && near(d->nprs_percent, -400.0 / 7));
  cr_assert_eq(o->n_skipped, 2);
  outcome_free(o);
}

Test(outcome, same_day_visits_are_rows_of_their_own) {
  long c = new_client();
  long v1 = new_visit(c, "2024-03-01", 6, 4);
  long v2 = new_visit(c, "2024-03-01", 5, 2);   /* started a few seconds after v1 */
  measure(c, "2024-03-01", "psfs", "walk", 4, v1);
  measure(c, "2024-03-01", "psfs", "walk", 7, v2);
  measure(c, "2024-03-01", "ndi", "", 20, 0);    /* linked to no visit: the date's first row */
  long v3 = new_visit(c, "2024-03-08", 3, 2);
  measure(c, "2024-03-09", "nprs", "pre", 1, v3);  /* dated the day after, but taken at visit 3 */
  outcome *o = load(c);
  cr_assert_eq(o->n_dates, 3, "two rows for 2024-03-01 and one for visit 3: %d", o->n_dates);
  const outcome_date *a = &o->dates[0], *b = &o->dates[1], *d = &o->dates[2];
  cr_assert(!strcmp(a->date, "2024-03-01") && !strcmp(b->date, "2024-03-01"));
  cr_assert_eq(a->visit, v1);
  cr_assert_eq(b->visit, v2);
  cr_assert(strlen(a->started) == 20 && strcmp(a->started, b->started) < 0, "%s %s", a->started, b->started);
  cr_assert(near(a->nprs, 6) && near(a->post, 4) && near(b->nprs, 5) && near(b->post, 2));
  cr_assert(a->n_psfs == 1 && near(a->psfs, 4) && b->n_psfs == 1 && near(b->psfs, 7));
  cr_assert(a->has_ndi && !b->has_ndi, "the visit-less NDI goes to the date's first row");
  cr_assert(near(b->nprs_change, -1) && near(b->psfs_change, 3));
  cr_assert(!strcmp(d->date, "2024-03-08") && d->visit == v3 && !*d->started, "one visit: a plain date row");
  cr_assert(near(d->nprs, 1), "the visit's 'pre' measure dated by the visit: %g", d->nprs);
  buf j;
  buf_init(&j);
  outcome_json(&j, o);
  cr_assert(strstr(j.data, "\"started\":\"2024-03-01T10:00:") && strstr(j.data, "\"started\":null"), "%s", j.data);
  buf_free(&j);
  outcome_free(o);
}

Test(outcome, psfs_mean_and_activities) {
  long c = new_client();
  measure(c, "2024-01-01", "psfs", "walking 30 min", 2, 0);
  measure(c, "2024-01-01", "psfs", "lifting a child", 4, 0);
  measure(c, "2024-02-01", "psfs", "walking 30 min", 5, 0);
  measure(c, "2024-02-01", "psfs", "lifting a child", 5, 0);
  outcome *o = load(c);
  const outcome_date *d0 = on(o, "2024-01-01"), *d = on(o, "2024-02-01");
  cr_assert_eq(d0->n_psfs, 2);
  cr_assert(near(d0->psfs, 3), "mean %g", d0->psfs);
  cr_assert(near(d->psfs, 5) && near(d->psfs_change, 2));
  cr_assert(d->flags & bit(o, OUTCOME_PSFS, "important"), "mean +2 is clinically important");
  cr_assert_str_eq(d->psfs_items[0].item, "walking 30 min");
  cr_assert(near(d->psfs_items[0].change, 3));
  cr_assert(d->psfs_items[0].flags & bit(o, OUTCOME_PSFS_ITEM, "important"), "one activity +3");
  cr_assert(near(d->psfs_items[1].change, 1));
  cr_assert_eq(d->psfs_items[1].flags, 0);
  outcome_free(o);

  o = load(c);
  unsigned mean = bit(o, OUTCOME_PSFS, "important"), item = bit(o, OUTCOME_PSFS_ITEM, "important");
  outcome_free(o);
  cr_assert(two_values("psfs", "stairs", 4, 6) & mean);
  cr_assert_not(two_values("psfs", "stairs", 4, 5.9) & mean);
  cr_assert(two_values("psfs", "stairs", 4, 7) & item);
  cr_assert_not(two_values("psfs", "stairs", 4, 6.9) & item);
}

Test(outcome, ndi_change_and_thresholds) {
  long c = new_client();
  measure(c, "2024-01-01", "ndi", "", 24, 0);
  measure(c, "2024-02-01", "ndi", "", 16, 0);
  outcome *o = load(c);
  const outcome_date *d = on(o, "2024-02-01");
  cr_assert(d->has_ndi && near(d->ndi, 16) && near(d->ndi_change, -8));
  unsigned imp = bit(o, OUTCOME_NDI, "important"), err = bit(o, OUTCOME_NDI, "beyond-error");
  cr_assert(d->flags & imp);
  cr_assert_not(d->flags & err);
  outcome_free(o);
  cr_assert(two_values("ndi", "", 24, 16.5) & imp);
  cr_assert_not(two_values("ndi", "", 24, 16.6) & imp);
  cr_assert(two_values("ndi", "", 30, 19.8) & err);
  cr_assert_not(two_values("ndi", "", 30, 19.9) & err);
}

Test(outcome, rom_change_per_direction) {
  long c = new_client();
  measure(c, "2024-01-01", "rom", "cervical:rotation-l", 45, 0);
  measure(c, "2024-01-01", "rom", "jaw:opening", 30, 0);
  measure(c, "2024-01-20", "rom", "cervical:rotation-r", 70, 0);
  measure(c, "2024-02-01", "rom", "cervical:rotation-l", 60, 0);
  measure(c, "2024-02-01", "rom", "jaw:opening", 38, 0);
  outcome *o = load(c);
  const outcome_date *d = on(o, "2024-02-01");
  cr_assert_eq(d->n_rom, 2);
  cr_assert_str_eq(d->rom[0].item, "cervical:rotation-l");
  cr_assert(near(d->rom[0].change, 15));
  cr_assert_str_eq(d->rom[0].unit, "deg");
  cr_assert_str_eq(d->rom[1].item, "jaw:opening");
  cr_assert(near(d->rom[1].change, 8));
  cr_assert_str_eq(d->rom[1].unit, "mm");
  cr_assert(near(on(o, "2024-01-20")->rom[0].change, 0), "a first value has no change");
  outcome_free(o);
}

Test(outcome, drawing_spread_new_and_resolved) {
  long c = new_client();
  long i1 = new_intake(c, "2024-01-01");
  pain(i1, "temple-l", 6);
  pain(i1, "temple-r", 4);
  pain(i1, "neck-side-l", 5);
  pain(i1, "jaw-l", 0);              /* drawn without pain: not a region of the spread */
  long i2 = new_intake(c, "2024-02-01");
  pain(i2, "temple-l", 3);
  pain(i2, "shoulder-top-l", 2);
  long i3 = new_intake(c, "2024-02-01");   /* a second intake that day: merged, highest kept */
  pain(i3, "temple-l", 5);
  new_intake(c, "2024-03-01");       /* nothing drawn: every region resolved */
  outcome *o = load(c);
  const outcome_date *d = on(o, "2024-01-01");
  cr_assert(d->has_drawing);
  cr_assert_eq(d->n_pain, 3);
  cr_assert_eq(d->pain_total, 15);
  cr_assert_eq(d->n_new + d->n_resolved, 0, "nothing new on the first drawing");
  d = on(o, "2024-02-01");
  cr_assert_eq(d->n_pain, 2);
  cr_assert_eq(d->pain_total, 7);
  cr_assert_eq(d->n_new, 1);
  cr_assert_str_eq(d->new_regions[0], "shoulder-top-l");
  cr_assert_eq(d->n_resolved, 2);
  cr_assert_str_eq(d->resolved[0], "neck-side-l");
  cr_assert_str_eq(d->resolved[1], "temple-r");
  cr_assert_geq(d->pain[0].index, 0, "known regions are placed on the body model");
  d = on(o, "2024-03-01");
  cr_assert(d->has_drawing && d->n_pain == 0 && d->n_resolved == 2);
  cr_assert_eq(o->base_drawing, 0);
  cr_assert_eq(o->last_drawing, 2);
  outcome_free(o);
}

Test(outcome, unknown_client_is_an_error) {
  outcome *o = NULL;
  char err[256] = "";
  cr_assert_eq(outcome_load(db, K, 4242, &o, err, sizeof err), -1);
  cr_assert_null(o);
  cr_assert_str_eq(err, "no client 4242");
}

Test(outcome, a_client_without_records_writes_empty_reports) {
  outcome *o = load(new_client());
  cr_assert_eq(o->n_dates, 0);
  buf b;
  buf_init(&b);
  outcome_text(&b, o);
  cr_assert(strstr(b.data, "no outcome measures"), "%s", b.data);
  buf_reset(&b);
  outcome_json(&b, o);
  json_error_t je;
  json_t *j = json_loads(b.data, 0, &je);
  cr_assert_not_null(j, "%s: %s", je.text, b.data);
  cr_assert_eq(json_array_size(json_object_get(j, "visits")), 0);
  cr_assert(json_is_null(json_object_get(json_object_get(j, "baseline"), "nprs")));
  json_decref(j);
  buf_reset(&b);
  outcome_svg(&b, o);
  cr_assert(strstr(b.data, "no pain drawing recorded"));
  buf_free(&b);
  outcome_free(o);
}

/* ---- the reports ---- */

static long demo_client(void) {
  long c = new_client();
  long i1 = new_intake(c, "2024-01-10");
  pain(i1, "temple-l", 6);
  pain(i1, "neck-side-l", 5);
  measure(c, "2024-01-10", "nprs", "", 8, 0);
  measure(c, "2024-01-10", "psfs", "reading \"an hour\"\n<b>", 3, 0);
  measure(c, "2024-01-10", "ndi", "", 24, 0);
  measure(c, "2024-01-10", "rom", "cervical:rotation-l", 45, 0);
  long v = new_visit(c, "2024-01-17", 6, 3);
  measure(c, "2024-01-17", "nprs", "pre", 6, v);
  measure(c, "2024-01-17", "nprs", "post", 3, v);
  long i2 = new_intake(c, "2024-02-07");
  pain(i2, "temple-l", 2);
  measure(c, "2024-02-07", "nprs", "", 3, 0);
  measure(c, "2024-02-07", "psfs", "reading \"an hour\"\n<b>", 6, 0);
  measure(c, "2024-02-07", "ndi", "", 14, 0);
  measure(c, "2024-02-07", "rom", "cervical:rotation-l", 65, 0);
  return c;
}

Test(outcome, text_table_and_summary) {
  outcome *o = load(demo_client());
  buf b;
  buf_init(&b);
  outcome_text(&b, o);
  const char *want[] = {
    "Outcomes of client", "2024-01-10 8", "baseline", "-2 (-25%)", "-5 (-62.5%)",
    "clinically important improvement (NPRS >= 2 points or >= 30%)",
    "substantial improvement (NPRS >= 50%)",
    "clinically important improvement (NDI >= 7.5 points)",
    "ROM cervical:rotation-l: 45 on 2024-01-10 -> 65 on 2024-02-07: +20 deg",
    "drawing: 1 region, total intensity 2; resolved: neck-side-l",
    "farrar2001: Farrar JT", "not a diagnosis",
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) cr_assert(strstr(b.data, want[i]), "missing \"%s\" in:\n%s", want[i], b.data);
  cr_assert_null(strstr(b.data, "cure"));
  cr_assert_null(strstr(b.data, "\n<b>"), "control characters of user text are blanked");
  buf_free(&b);
  outcome_free(o);
}

Test(outcome, json_holds_the_same_numbers) {
  long c = demo_client();
  outcome *o = load(c);
  buf b;
  buf_init(&b);
  outcome_json(&b, o);
  json_error_t je;
  json_t *j = json_loads(b.data, 0, &je);
  cr_assert_not_null(j, "not JSON: %s\n%s", je.text, b.data);
  cr_assert_eq(json_integer_value(json_object_get(j, "client")), c);
  json_t *base = json_object_get(j, "baseline");
  cr_assert_str_eq(json_string_value(json_object_get(json_object_get(base, "nprs"), "date")), "2024-01-10");
  cr_assert(near(json_number_value(json_object_get(json_object_get(base, "nprs"), "value")), 8));
  json_t *visits = json_object_get(j, "visits");
  cr_assert_eq(json_array_size(visits), 3);
  json_t *v1 = json_array_get(visits, 1), *n1 = json_object_get(v1, "nprs");
  cr_assert(near(json_number_value(json_object_get(n1, "change")), -2));
  cr_assert(near(json_number_value(json_object_get(n1, "percent")), -25));
  cr_assert(near(json_number_value(json_object_get(n1, "post")), 3));
  cr_assert_str_eq(json_string_value(json_array_get(json_object_get(n1, "flags"), 0)), "important");
  cr_assert(json_is_integer(json_object_get(v1, "visit")));
  json_t *v2 = json_array_get(visits, 2);
  json_t *item = json_array_get(json_object_get(json_object_get(v2, "psfs"), "items"), 0);
  cr_assert_str_eq(json_string_value(json_object_get(item, "activity")), "reading \"an hour\"\n<b>");
  cr_assert(near(json_number_value(json_object_get(item, "change")), 3));
  cr_assert(near(json_number_value(json_object_get(json_object_get(v2, "ndi"), "change")), -10));
  cr_assert(near(json_number_value(json_object_get(json_array_get(json_object_get(v2, "rom"), 0), "change")), 20));
  json_t *dr = json_object_get(v2, "drawing");
  cr_assert_eq(json_integer_value(json_object_get(dr, "total")), 2);
  cr_assert_str_eq(json_string_value(json_array_get(json_object_get(dr, "resolved"), 0)), "neck-side-l");
  json_t *th = json_object_get(j, "thresholds");
  int found = 0;
  for (size_t i = 0; i < json_array_size(th); i++) {
    json_t *t = json_array_get(th, i);
    if (strcmp(json_string_value(json_object_get(t, "measure")), "nprs") ||
        strcmp(json_string_value(json_object_get(t, "rule")), "important")) continue;
    found = 1;
    cr_assert(near(json_number_value(json_object_get(t, "points")), 2));
    cr_assert(near(json_number_value(json_object_get(t, "percent")), 30));
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(t, "sources"), 0)), "farrar2001");
  }
  cr_assert(found, "the NPRS threshold is listed");
  cr_assert_gt(json_array_size(json_object_get(j, "sources")), 0);
  json_decref(j);
  buf_free(&b);
  outcome_free(o);
}

static int count(const char *s, const char *w) {
  int n = 0;
  for (const char *p = s; (p = strstr(p, w)); p += strlen(w)) n++;
  return n;
}

Test(outcome, svg_has_trends_thresholds_and_a_chart_per_drawing) {
  outcome *o = load(demo_client());
  buf b;
  buf_init(&b);
  outcome_svg(&b, o);
  const char *s = b.data;
  cr_assert_eq(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
  cr_assert_null(strstr(s, "<script"));
  cr_assert_eq(count(s, "href="), count(s, "href=\"#myomap-body\""), "self-contained: the only references are to its own body");
  cr_assert(strstr(s, "data-measure=\"nprs\""));
  cr_assert(strstr(s, "data-measure=\"psfs\""));
  cr_assert(strstr(s, "data-measure=\"ndi\""));
  cr_assert(strstr(s, "class=\"threshold\" data-rule=\"important\""));
  cr_assert(strstr(s, "class=\"threshold\" data-rule=\"success\""));
  /* Baseline 8: 30% (5.6) is easier to reach than 2 points (6); 50% is at 4. */
  cr_assert(strstr(s, "important \xe2\x89\xa4 6<"), "the NPRS important line at 6");
  cr_assert(strstr(s, "success \xe2\x89\xa4 4<"));
  cr_assert(strstr(s, "NPRS 0-10, lower is better"));
  cr_assert(strstr(s, ">2024-01-10<"), "dates on the axis");
  cr_assert_eq(count(s, "class=\"point post\""), 1, "one post-session value");
  cr_assert_eq(count(s, "<g class=\"drawing\""), 2, "one chart per drawing date");
  cr_assert(strstr(s, "data-date=\"2024-01-10\""));
  cr_assert(strstr(s, "data-mark=\"pain\" data-region=\"neck-side-l\""));
  cr_assert_eq(count(s, "<defs>"), 1, "the chart patterns are defined once");
  cr_assert_eq(count(s, "<symbol id=\"myomap-body\""), 1, "the body is drawn once");
  cr_assert_eq(count(s, "<use href=\"#myomap-body\""), 2, "and used by each drawing");
  chart *c = NULL;
  buf one, e;
  buf_init(&one);
  buf_init(&e);
  cr_assert_eq(chart_load_builtin(&c, body_builtin(), &e), 0);
  chart_svg(&one, c, NULL, 0, NULL);
  cr_assert_eq(count(s, "class=\"region\""), count(one.data, "class=\"region\""), "the regions of one chart, not two");
  chart_free(c);
  buf_free(&one);
  buf_free(&e);
  cr_assert_eq(count(s, "<svg"), count(s, "</svg>"));
  cr_assert_eq(count(s, "<g"), count(s, "</g>"));
  cr_assert_eq(count(s, "<text"), count(s, "</text>"));
  buf_free(&b);
  outcome_free(o);
}

/* ---- the thresholds table ---- */

static char *table_errors(const char *text) {
  buf e;
  buf_init(&e);
  int n = outcome_check_table(K, text, strlen(text), &e);
  cr_assert_gt(n, 0, "expected an error for:\n%s", text);
  return e.data;
}

#define HEAD "measure\trule\tvalue\tunit\tmeaning\tsources\n"

Test(outcome, the_embedded_table_is_good) {
  size_t len;
  char *text = NULL;
  cr_assert_eq(util_read_file("kb/outcomes.tsv", &text, &len), 0);
  buf e;
  buf_init(&e);
  cr_assert_eq(outcome_check_table(K, text, len, &e), 0, "%s", e.data);
  buf_free(&e);
  free(text);
}

Test(outcome, table_errors_name_the_line_and_the_fix) {
  struct { const char *text, *want; } cases[] = {
    {HEAD "nprss\timportant\t2\tpoints\tx\tfarrar2001\n", "kb/outcomes.tsv:2: unknown measure \"nprss\" (did you mean \"nprs\"?)"},
    {HEAD "nprs\timportant\t2\tpoints\tx\tfarar2001\n", "kb/outcomes.tsv:2: unknown source \"farar2001\" (did you mean \"farrar2001\"?)"},
    {HEAD "nprs\timportant\t2\tpts\tx\tfarrar2001\n", "the unit must be points or percent"},
    {HEAD "nprs\timportant\t-2\tpoints\tx\tfarrar2001\n", "the value must be a number above 0"},
    {HEAD "nprs\tImportant\t2\tpoints\tx\tfarrar2001\n", "kebab-case"},
    {HEAD "nprs\timportant\t2\tpoints\tx\tfarrar2001\nnprs\timportant\t3\tpoints\tx\tfarrar2001\n",
     ":3: a second points threshold for nprs important (the first is line 2)"},
    {HEAD "nprs\timportant\t2\tpoints\tx\tfarrar2001\nnprs\timportant\t30\tpercent\ty\tfarrar2001\n", ":3: the meaning differs"},
    {"nprs\timportant\t2\tpoints\tx\tfarrar2001\n", ":1: expected the header line"},
    {HEAD "nprs\timportant\t2\tpoints\tx\n", ":2: expected 6 tab-separated fields"},
    {HEAD "nprs\timportant\t2\tpoints\tx\tfarrar2001\textra\n", ":2: expected 6 tab-separated fields"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *e = table_errors(cases[i].text);
    cr_assert(strstr(e, cases[i].want), "want \"%s\" in: %s", cases[i].want, e);
    free(e);
  }
}
