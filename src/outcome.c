/* outcome.c: a client's progress over time (NPRS, PSFS, NDI, ROM, pain drawings) against the
** thresholds of clinically important change in kb/outcomes.tsv; as text, JSON and SVG. */
#include "outcome.h"
#include "builtin.h"
#include "chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9
#define TABLE "kb/outcomes.tsv"

/* ---------------------------------------------------------------- scales */

/* The scales that thresholds apply to, indexed by enum outcome_measure. */
static const struct measure_def {
  const char *id, *label;
  int lower_better;
  double lo, hi;
} measures[OUTCOME_N_MEASURES] = {
  [OUTCOME_NPRS] = {"nprs", "NPRS", 1, 0, 10},
  [OUTCOME_PSFS] = {"psfs", "PSFS", 0, 0, 10},
  [OUTCOME_PSFS_ITEM] = {"psfs-item", "PSFS activity", 0, 0, 10},
  [OUTCOME_NDI] = {"ndi", "NDI", 1, 0, 50},
};

/* The kinds of the measure table and the values they accept. */
enum kind { KIND_NPRS, KIND_PSFS, KIND_NDI, KIND_ROM };
static const struct kind_def { const char *kind; double lo, hi; } kinds[] = {
  [KIND_NPRS] = {"nprs", 0, 10}, [KIND_PSFS] = {"psfs", 0, 10}, [KIND_NDI] = {"ndi", 0, 50},
  [KIND_ROM] = {"rom", -360, 360},
};
#define N_KINDS ((int)(sizeof kinds / sizeof kinds[0]))

/* Where a date's pain value comes from, in order of preference for the session value (pre)
** and for the value after it (post). */
enum { SRC_PRE, SRC_VISIT_PRE, SRC_ALONE, SRC_POST, SRC_VISIT_POST, N_SRC };
static const struct { const char *item; int src; } nprs_items[] = {
  {"", SRC_ALONE}, {"pre", SRC_PRE}, {"post", SRC_POST},
};

/* Range of motion is in degrees except where this table says otherwise. */
static const struct { const char *item, *unit; } rom_units[] = {
  {"jaw:opening", "mm"},
};

static const char *rom_unit(const char *item) {
  for (size_t i = 0; i < sizeof rom_units / sizeof rom_units[0]; i++)
    if (strcmp(item, rom_units[i].item) == 0) return rom_units[i].unit;
  return "deg";
}

/* ---------------------------------------------------------------- memory */

typedef struct pool {
  void **p;
  int n, cap;
} pool;

static void *pnew(pool *m, size_t n) {
  void *x = xcalloc(1, n ? n : 1);
  if (m->n == m->cap) {
    m->cap = m->cap ? 2 * m->cap : 64;
    m->p = xrealloc(m->p, sizeof *m->p * (size_t)m->cap);
  }
  m->p[m->n++] = x;
  return x;
}

static char *pstr(pool *m, const char *s) {
  size_t l = strlen(s);
  char *x = pnew(m, l + 1);
  memcpy(x, s, l + 1);
  return x;
}

static void pool_free(pool *m) {
  if (!m) return;
  for (int i = 0; i < m->n; i++) free(m->p[i]);
  free(m->p);
  free(m);
}

/* ---------------------------------------------------------------- the thresholds table */


static int kebab(const char *s) {
  if (!*s || *s == '-') return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-')) return 0;
  return s[-1] != '-';
}

static const char header[] = "measure\trule\tvalue\tunit\tmeaning\tsources";

/* The flags of one table under construction. */
typedef struct tflag {
  outcome_flag f;
  int line, points_line, percent_line;
  int sources[16];
} tflag;

static void parse_line(util_errors *L, const kb *k, char **f, int line, tflag *fl, int *n_fl) {
  int m = -1;
  for (int i = 0; i < OUTCOME_N_MEASURES; i++)
    if (strcmp(f[0], measures[i].id) == 0) m = i;
  if (m < 0) {
    const char *near = util_nearest(f[0], &measures[0].id, OUTCOME_N_MEASURES, sizeof measures[0]);
    util_error_at(L, line, "unknown measure \"%s\" (%s%s%s)", f[0], near ? "did you mean \"" : "expected nprs, psfs, psfs-item or ndi",
         near ? near : "", near ? "\"?" : "");
    return;
  }
  if (!kebab(f[1])) { util_error_at(L, line, "the rule must be a kebab-case name such as \"important\", not \"%s\"", f[1]); return; }
  char *end;
  double v = strtod(f[2], &end);
  if (!*f[2] || *end || !isfinite(v) || v <= 0) { util_error_at(L, line, "the value must be a number above 0, not \"%s\"", f[2]); return; }
  int percent = strcmp(f[3], "percent") == 0;
  if (!percent && strcmp(f[3], "points") != 0) { util_error_at(L, line, "the unit must be points or percent, not \"%s\"", f[3]); return; }
  if (!*f[4]) { util_error_at(L, line, "the meaning is empty"); return; }
  int src[16], ns = 0, bad = 0;
  char *save = NULL;
  for (char *w = strtok_r(f[5], " ", &save); w; w = strtok_r(NULL, " ", &save)) {
    int t = kb_find_term(k, KB_SOURCE, w);
    if (t < 0) {
      const char *near = kb_suggest_term(k, KB_SOURCE, w);
      util_error_at(L, line, "unknown source \"%s\"%s%s%s", w, near ? " (did you mean \"" : " (expected a key of kb/sources.kb)",
           near ? near : "", near ? "\"?)" : "");
      bad = 1;
    } else if (ns < 16) {
      src[ns++] = t;
    }
  }
  if (bad) return;
  if (!ns) { util_error_at(L, line, "no source: give at least one key of kb/sources.kb"); return; }

  tflag *t = NULL;
  for (int i = 0; i < *n_fl; i++)
    if (fl[i].f.measure == m && strcmp(fl[i].f.rule, f[1]) == 0) t = &fl[i];
  if (!t) {
    if (*n_fl == OUTCOME_MAX_FLAGS) { util_error_at(L, line, "more than %d measure and rule pairs", OUTCOME_MAX_FLAGS); return; }
    t = &fl[(*n_fl)++];
    memset(t, 0, sizeof *t);
    t->f.measure = m;
    t->f.rule = xstrdup(f[1]);
    t->f.meaning = xstrdup(f[4]);
    t->f.points = t->f.percent = NAN;
    t->line = line;
  } else if (strcmp(t->f.meaning, f[4]) != 0) {
    util_error_at(L, line, "the meaning differs from line %d's (\"%s\"): one flag has one meaning", t->line, t->f.meaning);
    return;
  }
  int *seen = percent ? &t->percent_line : &t->points_line;
  if (*seen) { util_error_at(L, line, "a second %s threshold for %s %s (the first is line %d)", f[3], f[0], f[1], *seen); return; }
  *seen = line;
  if (percent) t->f.percent = v;
  else t->f.points = v;
  for (int i = 0; i < ns; i++) {
    int dup = 0;
    for (int j = 0; j < t->f.n_sources; j++) dup |= t->sources[j] == src[i];
    if (!dup && t->f.n_sources < 16) t->sources[t->f.n_sources++] = src[i];
  }
}

/* Parse a table into fl[0..*n_fl) (rule and meaning newly allocated: free with
** free_tflags).  Returns the number of errors. */
static int parse_table(const kb *k, const char *text, size_t len, tflag *fl, int *n_fl, buf *errors) {
  util_errors L = {errors, TABLE, 0};
  *n_fl = 0;
  char *copy = xstrndup(text, len);
  int line = 0, seen_header = 0;
  for (char *at = copy, *s; (s = util_line(&at));) {
    line++;
    if (!*s || s[0] == '#') continue;
    if (!seen_header) {
      seen_header = 1;
      if (strcmp(s, header) != 0) util_error_at(&L, line, "expected the header line: measure, rule, value, unit, meaning, sources (tab-separated)");
      continue;
    }
    char *f[6];
    if (util_split_tabs(s, f, 6) != 6) { util_error_at(&L, line, "expected 6 tab-separated fields: measure rule value unit meaning sources"); continue; }
    parse_line(&L, k, f, line, fl, n_fl);
  }
  if (!seen_header) util_error_at(&L, line ? line : 1, "no header line: the table is empty");
  free(copy);
  return L.n;
}

static void free_tflags(tflag *fl, int n) {
  for (int i = 0; i < n; i++) {
    free((char *)fl[i].f.rule);
    free((char *)fl[i].f.meaning);
  }
}

int outcome_check_table(const kb *k, const char *text, size_t len, buf *errors) {
  tflag fl[OUTCOME_MAX_FLAGS];
  int n;
  int rc = parse_table(k, text, len, fl, &n, errors);
  free_tflags(fl, n);
  return rc;
}

/* Append v with at most `dec` decimals and no trailing zeros ("-" for NAN). */
static void num_dec(buf *o, double v, int dec) {
  if (isnan(v)) buf_putc(o, '-');
  else buf_dec(o, v, dec);
}

static void num(buf *o, double v) { num_dec(o, v, 2); }

/* Copy the parsed flags into the outcome's pool, with their tests in words. */
static outcome_flag *keep_flags(pool *m, const tflag *fl, int n) {
  outcome_flag *out = pnew(m, sizeof *out * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    out[i] = fl[i].f;
    out[i].rule = pstr(m, fl[i].f.rule);
    out[i].meaning = pstr(m, fl[i].f.meaning);
    int *src = pnew(m, sizeof *src * (size_t)fl[i].f.n_sources);
    memcpy(src, fl[i].sources, sizeof *src * (size_t)fl[i].f.n_sources);
    out[i].sources = src;
    buf t;
    buf_init(&t);
    buf_puts(&t, measures[fl[i].f.measure].label);
    if (!isnan(fl[i].f.points)) { buf_lit(&t, " >= "); num(&t, fl[i].f.points); buf_lit(&t, " points"); }
    if (!isnan(fl[i].f.percent)) {
      buf_puts(&t, isnan(fl[i].f.points) ? " >= " : " or >= ");
      num(&t, fl[i].f.percent);
      buf_putc(&t, '%');
    }
    out[i].test = pstr(m, t.data);
    buf_free(&t);
  }
  return out;
}

/* ---------------------------------------------------------------- loading */

/* A growable list of (item, value) for one date. */
typedef struct ival { const char *item; double value; } ival;
typedef struct ilist { ival *v; int n, cap; } ilist;

static void ilist_set(ilist *l, const char *item, double value) {
  for (int i = 0; i < l->n; i++)
    if (strcmp(l->v[i].item, item) == 0) { l->v[i].value = value; return; }
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 4;
    l->v = xrealloc(l->v, sizeof *l->v * (size_t)l->cap);
  }
  l->v[l->n++] = (ival){item, value};
}

/* What one date gathers while the rows are read; item strings point into the query rows. */
typedef struct acc {
  int has[N_SRC];
  double v[N_SRC];
  ilist psfs, rom, pain;   /* pain: region and intensity */
  int has_ndi, has_drawing;
  double ndi;
  long visit;
} acc;

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int cmp_pain(const void *a, const void *b) {
  return strcmp(((const outcome_pain *)a)->region, ((const outcome_pain *)b)->region);
}

static int date_index(const char *const *dates, int n, const char *d) {
  if (!d) return -1;
  const char *const *p = bsearch(&d, dates, (size_t)n, sizeof *dates, cmp_str);
  return p ? (int)(p - dates) : -1;
}

static int parse_real(const char *s, double *v) {
  if (!s || !*s) return -1;
  char *end;
  *v = strtod(s, &end);
  return *end || !isfinite(*v) ? -1 : 0;
}

/* Whether flag f is met by value v against baseline b. */
static int flag_met(const outcome_flag *f, double b, double v) {
  double imp = measures[f->measure].lower_better ? b - v : v - b;
  if (imp <= EPS) return 0;
  if (!isnan(f->points) && imp >= f->points - EPS) return 1;
  if (!isnan(f->percent) && b > 0 && imp * 100 >= f->percent * b - EPS) return 1;
  return 0;
}

static unsigned flags_met(const outcome *o, int measure, double b, double v) {
  unsigned bits = 0;
  for (int i = 0; i < o->n_flags; i++)
    if (o->flags[i].measure == measure && flag_met(&o->flags[i], b, v)) bits |= 1u << i;
  return bits;
}

/* The first value of each item seen so far (PSFS activities, ROM directions). */
static double item_base(ilist *bases, const char *item, double v) {
  for (int i = 0; i < bases->n; i++)
    if (strcmp(bases->v[i].item, item) == 0) return bases->v[i].value;
  ilist_set(bases, item, v);
  return v;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* Turn the gathered values into the dates of o, then compare each with its baseline. */
static void compute(outcome *o, pool *m, const char *const *dnames, const char *const *started, acc *a, int n) {
  const body *b = kb_body(o->k);
  outcome_date *dates = pnew(m, sizeof *dates * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    outcome_date *d = &dates[i];
    acc *x = &a[i];
    snprintf(d->date, sizeof d->date, "%s", dnames[i]);
    snprintf(d->started, sizeof d->started, "%s", started[i] ? started[i] : "");
    d->visit = x->visit;
    static const int pre_order[] = {SRC_PRE, SRC_VISIT_PRE, SRC_ALONE}, post_order[] = {SRC_POST, SRC_VISIT_POST};
    for (int j = 2; j >= 0; j--)
      if (x->has[pre_order[j]]) { d->has_nprs = 1; d->nprs = x->v[pre_order[j]]; }
    for (int j = 1; j >= 0; j--)
      if (x->has[post_order[j]]) { d->has_post = 1; d->post = x->v[post_order[j]]; }
    d->nprs_change = d->nprs_percent = d->psfs_change = d->ndi_change = NAN;
    if (x->psfs.n) {
      outcome_item *it = pnew(m, sizeof *it * (size_t)x->psfs.n);
      double sum = 0;
      for (int j = 0; j < x->psfs.n; j++) {
        it[j] = (outcome_item){pstr(m, x->psfs.v[j].item), x->psfs.v[j].value, NAN, "points", 0};
        sum += x->psfs.v[j].value;
      }
      d->psfs_items = it;
      d->n_psfs = x->psfs.n;
      d->psfs = sum / x->psfs.n;
    }
    d->has_ndi = x->has_ndi;
    d->ndi = x->ndi;
    if (x->rom.n) {
      outcome_item *it = pnew(m, sizeof *it * (size_t)x->rom.n);
      for (int j = 0; j < x->rom.n; j++) {
        char *item = pstr(m, x->rom.v[j].item);
        it[j] = (outcome_item){item, x->rom.v[j].value, NAN, rom_unit(item), 0};
      }
      d->rom = it;
      d->n_rom = x->rom.n;
    }
    d->has_drawing = x->has_drawing;
    if (x->pain.n) {
      outcome_pain *p = pnew(m, sizeof *p * (size_t)x->pain.n);
      for (int j = 0; j < x->pain.n; j++) {
        char *r = pstr(m, x->pain.v[j].item);
        p[j] = (outcome_pain){r, body_find(b, r), (int)x->pain.v[j].value};
        d->pain_total += p[j].intensity;
      }
      qsort(p, (size_t)x->pain.n, sizeof *p, cmp_pain);
      d->pain = p;
      d->n_pain = x->pain.n;
    }
  }
  o->dates = dates;
  o->n_dates = n;

  for (int j = 0; j < OUTCOME_N_MEASURES; j++) o->base[j] = o->last[j] = -1;
  o->base_drawing = o->last_drawing = -1;
  ilist psfs_bases = {0}, rom_bases = {0};
  for (int i = 0; i < n; i++) {
    outcome_date *d = &dates[i];
    if (d->has_nprs) {
      if (o->base[OUTCOME_NPRS] < 0) o->base[OUTCOME_NPRS] = i;
      double base = dates[o->base[OUTCOME_NPRS]].nprs;
      d->nprs_change = d->nprs - base;
      d->nprs_percent = base > 0 ? 100 * d->nprs_change / base : NAN;
      d->flags |= flags_met(o, OUTCOME_NPRS, base, d->nprs);
      o->last[OUTCOME_NPRS] = i;
    }
    if (d->n_psfs) {
      if (o->base[OUTCOME_PSFS] < 0) o->base[OUTCOME_PSFS] = i;
      double base = dates[o->base[OUTCOME_PSFS]].psfs;
      d->psfs_change = d->psfs - base;
      d->flags |= flags_met(o, OUTCOME_PSFS, base, d->psfs);
      o->last[OUTCOME_PSFS] = i;
      outcome_item *it = (outcome_item *)d->psfs_items;
      for (int j = 0; j < d->n_psfs; j++) {
        double ib = item_base(&psfs_bases, it[j].item, it[j].value);
        it[j].change = it[j].value - ib;
        it[j].flags = flags_met(o, OUTCOME_PSFS_ITEM, ib, it[j].value);
        d->flags |= it[j].flags;
      }
    }
    if (d->has_ndi) {
      if (o->base[OUTCOME_NDI] < 0) o->base[OUTCOME_NDI] = i;
      double base = dates[o->base[OUTCOME_NDI]].ndi;
      d->ndi_change = d->ndi - base;
      d->flags |= flags_met(o, OUTCOME_NDI, base, d->ndi);
      o->last[OUTCOME_NDI] = i;
    }
    outcome_item *rom = (outcome_item *)d->rom;
    for (int j = 0; j < d->n_rom; j++) rom[j].change = rom[j].value - item_base(&rom_bases, rom[j].item, rom[j].value);
    if (d->has_drawing) {
      if (o->last_drawing >= 0) {
        const outcome_date *p = &dates[o->last_drawing];
        const char **nw = pnew(m, sizeof *nw * (size_t)(d->n_pain + 1));
        const char **rs = pnew(m, sizeof *rs * (size_t)(p->n_pain + 1));
        /* Both lists are sorted by region id: merge them. */
        int a1 = 0, b1 = 0;
        while (a1 < d->n_pain || b1 < p->n_pain) {
          int c = a1 == d->n_pain ? 1 : b1 == p->n_pain ? -1 : strcmp(d->pain[a1].region, p->pain[b1].region);
          if (c < 0) nw[d->n_new++] = d->pain[a1++].region;
          else if (c > 0) rs[d->n_resolved++] = p->pain[b1++].region;
          else a1++, b1++;
        }
        d->new_regions = nw;
        d->resolved = rs;
      }
      if (o->base_drawing < 0) o->base_drawing = i;
      o->last_drawing = i;
    }
  }
  free(psfs_bases.v);
  free(rom_bases.v);
}

static int row_of(const int *first, const int *count, const long *rvisit, int di, long visit) {
  for (int r = first[di]; visit && count[di] > 1 && r < first[di] + count[di]; r++)
    if (rvisit[r] == visit) return r;
  return first[di];
}

int outcome_stamp(store *s, long client, char *out, size_t cap) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_rows r;
  if (store_exec(s, "SELECT (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM visit WHERE client_id = $1),"
                    " (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM measure WHERE client_id = $1),"
                    " (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM intake WHERE client_id = $1),"
                    " (SELECT updated FROM client WHERE id = $1)", &a, &r))
    return -1;
  snprintf(out, cap, "%s/%s/%s/%s", store_cell(&r, 0, 0) ? store_cell(&r, 0, 0) : "", store_cell(&r, 0, 1) ? store_cell(&r, 0, 1) : "",
           store_cell(&r, 0, 2) ? store_cell(&r, 0, 2) : "", store_cell(&r, 0, 3) ? store_cell(&r, 0, 3) : "none");
  store_rows_free(&r);
  return 0;
}

int outcome_load(store *s, const kb *k, long client, outcome **out, char *err, size_t errlen) {
  const builtin_file *tf = builtin_find(TABLE);
  if (!tf) return fail(err, errlen, TABLE ": not embedded in this binary");
  tflag fl[OUTCOME_MAX_FLAGS];
  int n_fl;
  buf terrs;
  buf_init(&terrs);
  if (parse_table(k, (const char *)tf->data, tf->len, fl, &n_fl, &terrs)) {
    char *nl = strchr(terrs.data, '\n');
    if (nl) *nl = 0;
    fail(err, errlen, "%s", terrs.data);
    buf_free(&terrs);
    free_tflags(fl, n_fl);
    return -1;
  }
  buf_free(&terrs);

  store_args arg;
  store_args_init(&arg);
  store_arg_int(&arg, client);
  store_rows cl, ms, vs, ps;
  memset(&ms, 0, sizeof ms);
  memset(&vs, 0, sizeof vs);
  memset(&ps, 0, sizeof ps);
  int rc = -1;
  if (store_exec(s, "SELECT id FROM client WHERE id = $1", &arg, &cl)) {
    store_rows_free(&cl);
    fail(err, errlen, "reading client %ld: %s", client, store_error(s));
    free_tflags(fl, n_fl);
    return -1;
  }
  int found = cl.nrow > 0;
  store_rows_free(&cl);
  if (!found) { free_tflags(fl, n_fl); return fail(err, errlen, "no client %ld", client); }
  if (store_exec(s, "SELECT COALESCE(v.date, m.date), m.kind, m.item, m.value, m.visit_id FROM measure m "
                    "LEFT JOIN visit v ON v.id = m.visit_id WHERE m.client_id = $1 ORDER BY 1, m.id", &arg, &ms) ||
      store_exec(s, "SELECT id, date, pain_pre, pain_post, started FROM visit WHERE client_id = $1 "
                    "ORDER BY date, started, id", &arg, &vs) ||
      store_exec(s, "SELECT i.date, p.region, p.intensity FROM intake i LEFT JOIN pain p ON p.intake_id = i.id"
                    " WHERE i.client_id = $1 ORDER BY i.date, i.id, p.region", &arg, &ps)) {
    fail(err, errlen, "reading the outcomes of client %ld: %s", client, store_error(s));
    goto done;
  }

  /* Every date with a measure, a visit's pain value or a drawing, sorted and distinct. */
  const char **dn = xmalloc(sizeof *dn * (size_t)(ms.nrow + vs.nrow + ps.nrow + 1));
  int nd = 0;
  for (int i = 0; i < ms.nrow; i++)
    if (util_date_ok(store_cell(&ms, i, 0))) dn[nd++] = store_cell(&ms, i, 0);
  for (int i = 0; i < vs.nrow; i++)
    if (util_date_ok(store_cell(&vs, i, 1)) && (store_cell(&vs, i, 2) || store_cell(&vs, i, 3))) dn[nd++] = store_cell(&vs, i, 1);
  for (int i = 0; i < ps.nrow; i++)
    if (util_date_ok(store_cell(&ps, i, 0))) dn[nd++] = store_cell(&ps, i, 0);
  qsort(dn, (size_t)nd, sizeof *dn, cmp_str);
  int n = 0;
  for (int i = 0; i < nd; i++)
    if (!n || strcmp(dn[n - 1], dn[i]) != 0) dn[n++] = dn[i];

  /* The rows: a date each, or a row per visit on a date with two or more (vs is in date and
  ** start order).  first[d] is the first row of date d, count[d] its rows. */
  int *first = xcalloc((size_t)(n ? n : 1), sizeof *first), *count = xcalloc((size_t)(n ? n : 1), sizeof *count);
  const char **rname = xmalloc(sizeof *rname * (size_t)(n + vs.nrow + 1));
  const char **rstart = xmalloc(sizeof *rstart * (size_t)(n + vs.nrow + 1));
  long *rvisit = xcalloc((size_t)(n + vs.nrow + 1), sizeof *rvisit);
  int nr = 0;
  for (int d = 0, j = 0; d < n; d++) {
    while (j < vs.nrow && (!util_date_ok(store_cell(&vs, j, 1)) || strcmp(store_cell(&vs, j, 1), dn[d]) < 0)) j++;
    int k0 = j;
    while (j < vs.nrow && util_date_ok(store_cell(&vs, j, 1)) && !strcmp(store_cell(&vs, j, 1), dn[d])) j++;
    first[d] = nr;
    if (j - k0 >= 2)
      for (int q = k0; q < j; q++) {
        rname[nr] = dn[d];
        rstart[nr] = store_cell(&vs, q, 4);
        rvisit[nr++] = strtol(store_cell(&vs, q, 0), NULL, 10);
      }
    else { rname[nr] = dn[d]; rstart[nr] = NULL; rvisit[nr++] = 0; }
    count[d] = nr - first[d];
  }
  outcome *o = xcalloc(1, sizeof *o);
  pool *m = xcalloc(1, sizeof *m);
  o->mem = m;
  o->client = client;
  o->k = k;
  o->flags = keep_flags(m, fl, n_fl);
  o->n_flags = n_fl;
  acc *a = xcalloc((size_t)(nr ? nr : 1), sizeof *a);
  /* the row of date index di for visit `visit` (0 or a visit without a row of its own: the
  ** date's first row) */
#define ROW(di, visit) row_of(first, count, rvisit, (di), (visit))

  for (int i = 0; i < ms.nrow; i++) {
    int di = date_index(dn, n, store_cell(&ms, i, 0));
    if (di >= 0) di = ROW(di, store_cell(&ms, i, 4) ? strtol(store_cell(&ms, i, 4), NULL, 10) : 0);
    const char *kind = store_cell(&ms, i, 1), *item = store_cell(&ms, i, 2);
    int kd = -1;
    for (int j = 0; j < N_KINDS && kind; j++)
      if (strcmp(kind, kinds[j].kind) == 0) kd = j;
    double v;
    if (di < 0 || kd < 0 || !item || parse_real(store_cell(&ms, i, 3), &v) || v < kinds[kd].lo || v > kinds[kd].hi) {
      o->n_skipped++;
      continue;
    }
    acc *x = &a[di];
    switch (kd) {
    case KIND_NPRS: {
      int src = -1;
      for (size_t j = 0; j < sizeof nprs_items / sizeof nprs_items[0]; j++)
        if (strcmp(item, nprs_items[j].item) == 0) src = nprs_items[j].src;
      if (src < 0) { o->n_skipped++; break; }
      x->has[src] = 1;
      x->v[src] = v;
      break;
    }
    case KIND_PSFS:
    case KIND_ROM:
      if (!*item) { o->n_skipped++; break; }
      ilist_set(kd == KIND_PSFS ? &x->psfs : &x->rom, item, v);
      break;
    case KIND_NDI:
      x->has_ndi = 1;
      x->ndi = v;
      break;
    }
  }
  for (int i = 0; i < vs.nrow; i++) {
    int di = date_index(dn, n, store_cell(&vs, i, 1));
    if (di < 0) continue;
    di = ROW(di, strtol(store_cell(&vs, i, 0), NULL, 10));
    acc *x = &a[di];
    if (!x->visit) x->visit = strtol(store_cell(&vs, i, 0), NULL, 10);
    static const int src[2] = {SRC_VISIT_PRE, SRC_VISIT_POST};
    for (int j = 0; j < 2; j++) {
      double v;
      if (!x->has[src[j]] && !parse_real(store_cell(&vs, i, 2 + j), &v)) {
        x->has[src[j]] = 1;
        x->v[src[j]] = v;
      }
    }
  }
  for (int i = 0; i < ps.nrow; i++) {
    int di = date_index(dn, n, store_cell(&ps, i, 0));
    if (di < 0) continue;
    di = first[di];
    acc *x = &a[di];
    x->has_drawing = 1;
    const char *region = store_cell(&ps, i, 1), *inten = store_cell(&ps, i, 2);
    long v = inten ? strtol(inten, NULL, 10) : 0;
    if (!region || v < 1 || v > 10) continue;
    int seen = 0;
    for (int j = 0; j < x->pain.n; j++)
      if (strcmp(x->pain.v[j].item, region) == 0) {
        seen = 1;
        if (v > x->pain.v[j].value) x->pain.v[j].value = (double)v;
      }
    if (!seen) ilist_set(&x->pain, region, (double)v);
  }

#undef ROW
  compute(o, m, rname, rstart, a, nr);
  for (int i = 0; i < nr; i++) {
    free(a[i].psfs.v);
    free(a[i].rom.v);
    free(a[i].pain.v);
  }
  free(a);
  free(dn);
  free(first), free(count), free(rname), free(rstart), free(rvisit);
  *out = o;
  rc = 0;
done:
  free_tflags(fl, n_fl);
  store_rows_free(&ms);
  store_rows_free(&vs);
  store_rows_free(&ps);
  return rc;
}

void outcome_free(outcome *o) {
  if (!o) return;
  pool_free(o->mem);
  free(o);
}

/* ---------------------------------------------------------------- text */

/* Append user text with control characters as spaces, so it cannot break the table. */
static void put_text(buf *o, const char *s) {
  for (; *s; s++) buf_putc(o, (unsigned char)*s < 0x20 ? ' ' : *s);
}

static void signed_num(buf *o, double v) {
  if (!isnan(v) && v > 0) buf_putc(o, '+');
  num(o, v);
}

/* Append the flags of `bits` belonging to `measure` as "meaning (test)", separated by "; ".
** Returns how many. */
static int flag_words(buf *o, const outcome *oc, unsigned bits, int measure, int with_test) {
  int n = 0;
  for (int i = 0; i < oc->n_flags; i++) {
    if (!(bits & (1u << i)) || oc->flags[i].measure != measure) continue;
    if (n++) buf_lit(o, "; ");
    buf_puts(o, oc->flags[i].meaning);
    if (with_test) { buf_lit(o, " ("); buf_puts(o, oc->flags[i].test); buf_putc(o, ')'); }
  }
  return n;
}

/* Pad the text appended since `start` to `width` columns (bytes; the cells are ASCII). */
static void pad(buf *o, size_t start, size_t width) {
  while (o->len - start < width) buf_putc(o, ' ');
  buf_putc(o, ' ');
}

static void text_row(buf *o, const outcome *oc, int i) {
  const outcome_date *d = &oc->dates[i];
  size_t s = o->len;
  buf_puts(o, d->date);
  pad(o, s, 10);
  s = o->len;
  if (d->has_nprs) num(o, d->nprs); else buf_putc(o, '-');
  pad(o, s, 4);
  s = o->len;
  if (d->has_post) num(o, d->post); else buf_putc(o, '-');
  pad(o, s, 4);
  s = o->len;
  if (!d->has_nprs) buf_putc(o, '-');
  else if (i == oc->base[OUTCOME_NPRS]) buf_lit(o, "baseline");
  else {
    signed_num(o, d->nprs_change);
    if (!isnan(d->nprs_percent)) { buf_lit(o, " ("); signed_num(o, round(d->nprs_percent * 10) / 10); buf_lit(o, "%)"); }
  }
  pad(o, s, 15);
  s = o->len;
  if (d->n_psfs) num(o, d->psfs); else buf_putc(o, '-');
  pad(o, s, 5);
  s = o->len;
  if (!d->n_psfs) buf_putc(o, '-');
  else if (i == oc->base[OUTCOME_PSFS]) buf_lit(o, "baseline");
  else signed_num(o, d->psfs_change);
  pad(o, s, 8);
  s = o->len;
  if (d->has_ndi) num(o, d->ndi); else buf_putc(o, '-');
  pad(o, s, 4);
  if (!d->has_ndi) buf_putc(o, '-');
  else if (i == oc->base[OUTCOME_NDI]) buf_lit(o, "baseline");
  else signed_num(o, d->ndi_change);
  while (o->len && o->data[o->len - 1] == ' ') o->data[--o->len] = 0;
  buf_putc(o, '\n');

  if (d->flags) {
    buf_lit(o, "            improvement:");
    for (int m = 0; m < OUTCOME_N_MEASURES; m++) {
      if (m == OUTCOME_PSFS_ITEM) continue;   /* shown with the activities */
      size_t at = o->len;
      buf_putc(o, ' ');
      buf_puts(o, measures[m].label);
      buf_lit(o, " ");
      if (!flag_words(o, oc, d->flags, m, 0)) { o->len = at; o->data[at] = 0; }
      else buf_putc(o, '.');
    }
    buf_putc(o, '\n');
  }
  if (d->n_psfs) {
    buf_lit(o, "            PSFS:");
    for (int j = 0; j < d->n_psfs; j++) {
      const outcome_item *it = &d->psfs_items[j];
      buf_puts(o, j ? ", \"" : " \"");
      put_text(o, it->item);
      buf_lit(o, "\" ");
      num(o, it->value);
      if (it->change != 0) { buf_lit(o, " ("); signed_num(o, it->change); buf_putc(o, ')'); }
      if (it->flags) { buf_lit(o, " ["); flag_words(o, oc, it->flags, OUTCOME_PSFS_ITEM, 0); buf_putc(o, ']'); }
    }
    buf_putc(o, '\n');
  }
  if (d->n_rom) {
    buf_lit(o, "            ROM:");
    for (int j = 0; j < d->n_rom; j++) {
      const outcome_item *it = &d->rom[j];
      buf_puts(o, j ? ", " : " ");
      put_text(o, it->item);
      buf_putc(o, ' ');
      num(o, it->value);
      buf_printf(o, " %s", it->unit);
      if (it->change != 0) { buf_lit(o, " ("); signed_num(o, it->change); buf_putc(o, ')'); }
    }
    buf_putc(o, '\n');
  }
  if (d->has_drawing) {
    buf_printf(o, "            drawing: %d region%s, total intensity %d", d->n_pain, d->n_pain == 1 ? "" : "s",
               d->pain_total);
    static const char *const what[2] = {"new", "resolved"};
    for (int w = 0; w < 2; w++) {
      const char *const *list = w ? d->resolved : d->new_regions;
      int nl = w ? d->n_resolved : d->n_new;
      if (!nl) continue;
      buf_printf(o, "; %s:", what[w]);
      for (int j = 0; j < nl; j++) { buf_putc(o, ' '); put_text(o, list[j]); }
    }
    buf_putc(o, '\n');
  }
}

/* "8 on 2024-01-10 -> 3 on 2024-03-01: -5 points (-62.5%)" and the flags met. */
static void text_change(buf *o, const outcome *oc, const char *label, int m, double b, double v, int bi, int li,
                        unsigned bits) {
  buf_printf(o, "  %s: ", label);
  num(o, b);
  buf_printf(o, " on %s -> ", oc->dates[bi].date);
  num(o, v);
  buf_printf(o, " on %s: ", oc->dates[li].date);
  signed_num(o, v - b);
  buf_lit(o, " points");
  if (m == OUTCOME_NPRS && b > 0) { buf_lit(o, " ("); signed_num(o, round(1000 * (v - b) / b) / 10); buf_lit(o, "%)"); }
  buf_lit(o, "; ");
  if (bi == li) buf_lit(o, "a single value so far");
  else if (!flag_words(o, oc, bits, m, 1)) buf_lit(o, "no threshold of clinically important improvement reached");
  buf_putc(o, '\n');
}

void outcome_text(buf *o, const outcome *oc) {
  if (!oc->n_dates) {
    buf_printf(o, "Client %ld: no outcome measures or pain drawings recorded.\n", oc->client);
    return;
  }
  buf_printf(o, "Outcomes of client %ld: %d date%s from %s to %s\n\n", oc->client, oc->n_dates, oc->n_dates == 1 ? "" : "s",
             oc->dates[0].date, oc->dates[oc->n_dates - 1].date);
  buf_lit(o, "date       NPRS post change          PSFS  change   NDI  change\n");
  for (int i = 0; i < oc->n_dates; i++) text_row(o, oc, i);

  buf_lit(o, "\nBaseline -> latest\n");
  static const struct { int m; const char *label; } rows[] = {
    {OUTCOME_NPRS, "NPRS (pain 0-10)"}, {OUTCOME_PSFS, "PSFS mean (0-10)"}, {OUTCOME_NDI, "NDI (0-50)"},
  };
  int any = 0;
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    int m = rows[r].m, bi = oc->base[m], li = oc->last[m];
    if (bi < 0) continue;
    any = 1;
    const outcome_date *b = &oc->dates[bi], *l = &oc->dates[li];
    double bv = m == OUTCOME_NPRS ? b->nprs : m == OUTCOME_PSFS ? b->psfs : b->ndi;
    double lv = m == OUTCOME_NPRS ? l->nprs : m == OUTCOME_PSFS ? l->psfs : l->ndi;
    text_change(o, oc, rows[r].label, m, bv, lv, bi, li, l->flags);
  }
  /* Each PSFS activity and ROM direction: its first and latest value. */
  for (int kind = 0; kind < 2; kind++) {
    const char **seen = NULL;
    int ns = 0;
    for (int i = 0; i < oc->n_dates; i++) {
      const outcome_date *d = &oc->dates[i];
      int ni = kind ? d->n_rom : d->n_psfs;
      for (int j = 0; j < ni; j++) {
        const outcome_item *it = kind ? &d->rom[j] : &d->psfs_items[j];
        int dup = 0;
        for (int q = 0; q < ns; q++) dup |= strcmp(seen[q], it->item) == 0;
        if (dup) continue;
        seen = xrealloc(seen, sizeof *seen * (size_t)(ns + 1));
        seen[ns++] = it->item;
        /* Find its latest value. */
        const outcome_item *last = it;
        const char *first_date = d->date, *last_date = d->date;
        for (int i2 = i + 1; i2 < oc->n_dates; i2++) {
          const outcome_date *d2 = &oc->dates[i2];
          int n2 = kind ? d2->n_rom : d2->n_psfs;
          for (int j2 = 0; j2 < n2; j2++) {
            const outcome_item *it2 = kind ? &d2->rom[j2] : &d2->psfs_items[j2];
            if (strcmp(it2->item, it->item) == 0) { last = it2; last_date = d2->date; }
          }
        }
        any = 1;
        buf_puts(o, kind ? "  ROM " : "  PSFS \"");
        put_text(o, it->item);
        buf_puts(o, kind ? ": " : "\": ");
        num(o, it->value);
        buf_printf(o, " on %s -> ", first_date);
        num(o, last->value);
        buf_printf(o, " on %s: ", last_date);
        signed_num(o, last->value - it->value);
        buf_printf(o, " %s", last->unit);
        if (!kind && last != it) {
          buf_lit(o, "; ");
          if (!flag_words(o, oc, last->flags, OUTCOME_PSFS_ITEM, 1))
            buf_lit(o, "no threshold of clinically important improvement reached");
        }
        buf_putc(o, '\n');
      }
    }
    free(seen);
  }
  if (oc->base_drawing >= 0) {
    const outcome_date *b = &oc->dates[oc->base_drawing], *l = &oc->dates[oc->last_drawing];
    any = 1;
    buf_printf(o, "  Pain drawing: %d region%s (total intensity %d) on %s -> %d region%s (total %d) on %s\n",
               b->n_pain, b->n_pain == 1 ? "" : "s", b->pain_total, b->date, l->n_pain, l->n_pain == 1 ? "" : "s",
               l->pain_total, l->date);
  }
  if (!any) buf_lit(o, "  (nothing to compare)\n");

  buf_lit(o, "\nThresholds (" TABLE ")\n");
  for (int i = 0; i < oc->n_flags; i++) {
    const outcome_flag *f = &oc->flags[i];
    buf_printf(o, "  %s %s: %s (%s) [", measures[f->measure].id, f->rule, f->meaning, f->test);
    for (int j = 0; j < f->n_sources; j++) {
      if (j) buf_lit(o, ", ");
      buf_puts(o, kb_term_at(oc->k, KB_SOURCE, f->sources[j])->id);
    }
    buf_lit(o, "]\n");
  }
  buf_lit(o, "Sources\n");
  for (int t = 0, n = kb_n_terms(oc->k, KB_SOURCE); t < n; t++) {
    int used = 0;
    for (int i = 0; i < oc->n_flags; i++)
      for (int j = 0; j < oc->flags[i].n_sources; j++) used |= oc->flags[i].sources[j] == t;
    if (used) buf_printf(o, "  %s: %s\n", kb_term_at(oc->k, KB_SOURCE, t)->id, kb_term_at(oc->k, KB_SOURCE, t)->label);
  }
  if (oc->n_skipped)
    buf_printf(o, "%d measure row%s left out: unknown item, a value off its scale or a bad date.\n", oc->n_skipped,
               oc->n_skipped == 1 ? "" : "s");
  buf_lit(o, "A threshold reached compares scores with published marks of clinically important change; it is not "
             "a diagnosis.\n");
}

/* ---------------------------------------------------------------- JSON */

static void jnum(buf *o, double v) {
  if (isnan(v)) buf_lit(o, "null");
  else num_dec(o, v, 3);
}

static void jflags(buf *o, const outcome *oc, unsigned bits, int measure) {
  buf_putc(o, '[');
  int n = 0;
  for (int i = 0; i < oc->n_flags; i++)
    if ((bits & (1u << i)) && oc->flags[i].measure == measure) {
      if (n++) buf_putc(o, ',');
      buf_json_str(o, oc->flags[i].rule);
    }
  buf_putc(o, ']');
}

/* {"date":D,"value":V} of the measure at date index i, or null. */
static void jpoint(buf *o, const outcome *oc, int m, int i, int with_flags) {
  if (i < 0) { buf_lit(o, "null"); return; }
  const outcome_date *d = &oc->dates[i];
  buf_lit(o, "{\"date\":");
  buf_json_str(o, d->date);
  buf_lit(o, ",\"value\":");
  jnum(o, m == OUTCOME_NPRS ? d->nprs : m == OUTCOME_PSFS ? d->psfs : d->ndi);
  if (with_flags) { buf_lit(o, ",\"flags\":"); jflags(o, oc, d->flags, m); }
  buf_putc(o, '}');
}

/* The baseline (last == 0) or latest summary object. */
static void jsummary(buf *o, const outcome *oc, int last) {
  const int *idx = last ? oc->last : oc->base;
  static const int ms[3] = {OUTCOME_NPRS, OUTCOME_PSFS, OUTCOME_NDI};
  buf_putc(o, '{');
  for (int k = 0; k < 3; k++) {
    if (k) buf_putc(o, ',');
    buf_json_str(o, measures[ms[k]].id);
    buf_putc(o, ':');
    jpoint(o, oc, ms[k], idx[ms[k]], last);
  }
  int di = last ? oc->last_drawing : oc->base_drawing;
  buf_lit(o, ",\"drawing\":");
  if (di < 0) buf_lit(o, "null");
  else {
    buf_lit(o, "{\"date\":");
    buf_json_str(o, oc->dates[di].date);
    buf_printf(o, ",\"regions\":%d,\"total\":%d}", oc->dates[di].n_pain, oc->dates[di].pain_total);
  }
  /* ROM and PSFS activities: the first (or latest) value of each item. */
  static const char *const names[2] = {"psfs_items", "rom"};
  for (int kind = 0; kind < 2; kind++) {
    buf_printf(o, ",\"%s\":{", names[kind]);
    const char **seen = NULL;
    int ns = 0;
    for (int i = last ? oc->n_dates - 1 : 0; last ? i >= 0 : i < oc->n_dates; i += last ? -1 : 1) {
      const outcome_date *d = &oc->dates[i];
      int n = kind ? d->n_rom : d->n_psfs;
      for (int j = 0; j < n; j++) {
        const outcome_item *it = kind ? &d->rom[j] : &d->psfs_items[j];
        int dup = 0;
        for (int q = 0; q < ns; q++) dup |= strcmp(seen[q], it->item) == 0;
        if (dup) continue;
        seen = xrealloc(seen, sizeof *seen * (size_t)(ns + 1));
        if (ns) buf_putc(o, ',');
        seen[ns++] = it->item;
        buf_json_str(o, it->item);
        buf_lit(o, ":{\"date\":");
        buf_json_str(o, d->date);
        buf_lit(o, ",\"value\":");
        jnum(o, it->value);
        buf_lit(o, ",\"unit\":");
        buf_json_str(o, it->unit);
        if (last && !kind) { buf_lit(o, ",\"flags\":"); jflags(o, oc, it->flags, OUTCOME_PSFS_ITEM); }
        buf_putc(o, '}');
      }
    }
    free(seen);
    buf_putc(o, '}');
  }
  buf_putc(o, '}');
}

static void jstrings(buf *o, const char *const *s, int n) {
  buf_putc(o, '[');
  for (int i = 0; i < n; i++) {
    if (i) buf_putc(o, ',');
    buf_json_str(o, s[i]);
  }
  buf_putc(o, ']');
}

static void jdate(buf *o, const outcome *oc, const outcome_date *d) {
  buf_lit(o, "{\"date\":");
  buf_json_str(o, d->date);
  buf_lit(o, ",\"visit\":");
  if (d->visit) buf_int(o, d->visit);
  else buf_lit(o, "null");
  buf_lit(o, ",\"started\":");
  if (*d->started) buf_json_str(o, d->started);
  else buf_lit(o, "null");
  buf_lit(o, ",\"nprs\":");
  if (!d->has_nprs && !d->has_post) buf_lit(o, "null");
  else {
    buf_lit(o, "{\"value\":");
    jnum(o, d->has_nprs ? d->nprs : NAN);
    buf_lit(o, ",\"post\":");
    jnum(o, d->has_post ? d->post : NAN);
    buf_lit(o, ",\"change\":");
    jnum(o, d->nprs_change);
    buf_lit(o, ",\"percent\":");
    jnum(o, d->nprs_percent);
    buf_lit(o, ",\"flags\":");
    jflags(o, oc, d->flags, OUTCOME_NPRS);
    buf_putc(o, '}');
  }
  buf_lit(o, ",\"psfs\":");
  if (!d->n_psfs) buf_lit(o, "null");
  else {
    buf_lit(o, "{\"mean\":");
    jnum(o, d->psfs);
    buf_lit(o, ",\"change\":");
    jnum(o, d->psfs_change);
    buf_lit(o, ",\"flags\":");
    jflags(o, oc, d->flags, OUTCOME_PSFS);
    buf_lit(o, ",\"items\":[");
    for (int j = 0; j < d->n_psfs; j++) {
      const outcome_item *it = &d->psfs_items[j];
      if (j) buf_putc(o, ',');
      buf_lit(o, "{\"activity\":");
      buf_json_str(o, it->item);
      buf_lit(o, ",\"value\":");
      jnum(o, it->value);
      buf_lit(o, ",\"change\":");
      jnum(o, it->change);
      buf_lit(o, ",\"flags\":");
      jflags(o, oc, it->flags, OUTCOME_PSFS_ITEM);
      buf_putc(o, '}');
    }
    buf_lit(o, "]}");
  }
  buf_lit(o, ",\"ndi\":");
  if (!d->has_ndi) buf_lit(o, "null");
  else {
    buf_lit(o, "{\"value\":");
    jnum(o, d->ndi);
    buf_lit(o, ",\"change\":");
    jnum(o, d->ndi_change);
    buf_lit(o, ",\"flags\":");
    jflags(o, oc, d->flags, OUTCOME_NDI);
    buf_putc(o, '}');
  }
  buf_lit(o, ",\"rom\":[");
  for (int j = 0; j < d->n_rom; j++) {
    const outcome_item *it = &d->rom[j];
    if (j) buf_putc(o, ',');
    buf_lit(o, "{\"item\":");
    buf_json_str(o, it->item);
    buf_lit(o, ",\"value\":");
    jnum(o, it->value);
    buf_lit(o, ",\"unit\":");
    buf_json_str(o, it->unit);
    buf_lit(o, ",\"change\":");
    jnum(o, it->change);
    buf_putc(o, '}');
  }
  buf_lit(o, "],\"drawing\":");
  if (!d->has_drawing) buf_lit(o, "null");
  else {
    buf_lit(o, "{\"regions\":[");
    for (int j = 0; j < d->n_pain; j++) {
      if (j) buf_putc(o, ',');
      buf_lit(o, "{\"region\":");
      buf_json_str(o, d->pain[j].region);
      buf_printf(o, ",\"intensity\":%d}", d->pain[j].intensity);
    }
    buf_printf(o, "],\"count\":%d,\"total\":%d,\"new\":", d->n_pain, d->pain_total);
    jstrings(o, d->new_regions, d->n_new);
    buf_lit(o, ",\"resolved\":");
    jstrings(o, d->resolved, d->n_resolved);
    buf_putc(o, '}');
  }
  buf_putc(o, '}');
}

void outcome_json(buf *o, const outcome *oc) {
  buf_lit(o, "{\"client\":");
  buf_int(o, oc->client);
  buf_lit(o, ",\"baseline\":");
  jsummary(o, oc, 0);
  buf_lit(o, ",\"latest\":");
  jsummary(o, oc, 1);
  buf_lit(o, ",\"visits\":[");
  for (int i = 0; i < oc->n_dates; i++) {
    if (i) buf_putc(o, ',');
    jdate(o, oc, &oc->dates[i]);
  }
  buf_lit(o, "],\"thresholds\":[");
  for (int i = 0; i < oc->n_flags; i++) {
    const outcome_flag *f = &oc->flags[i];
    if (i) buf_putc(o, ',');
    buf_lit(o, "{\"measure\":");
    buf_json_str(o, measures[f->measure].id);
    buf_lit(o, ",\"rule\":");
    buf_json_str(o, f->rule);
    buf_lit(o, ",\"points\":");
    jnum(o, f->points);
    buf_lit(o, ",\"percent\":");
    jnum(o, f->percent);
    buf_lit(o, ",\"meaning\":");
    buf_json_str(o, f->meaning);
    buf_lit(o, ",\"test\":");
    buf_json_str(o, f->test);
    buf_lit(o, ",\"sources\":[");
    for (int j = 0; j < f->n_sources; j++) {
      if (j) buf_putc(o, ',');
      buf_json_str(o, kb_term_at(oc->k, KB_SOURCE, f->sources[j])->id);
    }
    buf_lit(o, "]}");
  }
  buf_lit(o, "],\"sources\":[");
  int n = 0;
  for (int t = 0, nt = kb_n_terms(oc->k, KB_SOURCE); t < nt; t++) {
    int used = 0;
    for (int i = 0; i < oc->n_flags; i++)
      for (int j = 0; j < oc->flags[i].n_sources; j++) used |= oc->flags[i].sources[j] == t;
    if (!used) continue;
    if (n++) buf_putc(o, ',');
    buf_lit(o, "{\"key\":");
    buf_json_str(o, kb_term_at(oc->k, KB_SOURCE, t)->id);
    buf_lit(o, ",\"cite\":");
    buf_json_str(o, kb_term_at(oc->k, KB_SOURCE, t)->label);
    buf_putc(o, '}');
  }
  buf_printf(o, "],\"skipped\":%d}", oc->n_skipped);
}

/* ---------------------------------------------------------------- SVG */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */

/* Append s escaped for XML text or a quoted attribute (bad UTF-8 becomes U+FFFD, control
** characters spaces). */

/* Days since 1970-01-01 of a YYYY-MM-DD date, and back (H. Hinnant's civil calendar). */
static long day_of(const char *date) {
  int y = atoi(date);
  unsigned m = (unsigned)atoi(date + 5), d = (unsigned)atoi(date + 8);
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long)doe - 719468;
}

/* A row's place in time: its day, and for a visit with a row of its own the time of day. */
static double day_at(const outcome_date *d) {
  double day = (double)day_of(d->date);
  const char *t = d->started;
  if (strlen(t) >= 16 && t[10] == 'T') day += (atoi(t + 11) * 60 + atoi(t + 14)) / 1440.0;
  return day;
}

static void date_of(long z, char out[16]) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = (long)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  snprintf(out, 16, "%04u-%02u-%02u", (unsigned)(y + (m <= 2)) % 10000u, m % 100u, d % 100u);
}

typedef struct pt { double day, v; const char *date; } pt;

typedef struct plotdef {
  int measure;              /* its flags are drawn as dashed lines */
  const char *title;        /* above the plot */
  const char *axis;         /* the value axis */
  double lo, hi, step;
  double x, y, w, h;
} plotdef;

#define SVG_W 760
#define INK "#334155"

static double px(const plotdef *p, double day, double d0, double d1) {
  return d1 > d0 ? p->x + (day - d0) / (d1 - d0) * p->w : p->x + p->w / 2;
}

static double py(const plotdef *p, double v) { return p->y + p->h - (v - p->lo) / (p->hi - p->lo) * p->h; }

/* The level a flag is met at from baseline b, the easier of its thresholds; 0 when it falls
** off the plot. */
static int flag_level(const outcome_flag *f, double b, const plotdef *p, double *level) {
  int lower = measures[f->measure].lower_better;
  double best = NAN;
  if (!isnan(f->points)) best = lower ? b - f->points : b + f->points;
  if (!isnan(f->percent) && b > 0) {
    double l = lower ? b * (1 - f->percent / 100) : b * (1 + f->percent / 100);
    if (isnan(best) || (lower ? l > best : l < best)) best = l;
  }
  if (isnan(best) || best < p->lo - EPS || best > p->hi + EPS) return 0;
  *level = best;
  return 1;
}

static void series_svg(buf *o, const plotdef *p, const pt *a, int n, double d0, double d1, int hollow,
                       const char *what) {
  if (!n) return;
  if (!hollow && n > 1) {
    buf_printf(o, "<path class=\"series\" fill=\"none\" stroke=\"#2563eb\" stroke-width=\"1.6\" d=\"");
    for (int i = 0; i < n; i++) {
      buf_putc(o, i ? 'L' : 'M');
      num(o, px(p, a[i].day, d0, d1));
      buf_putc(o, ' ');
      num(o, py(p, a[i].v));
    }
    buf_lit(o, "\"/>\n");
  }
  for (int i = 0; i < n; i++) {
    buf_printf(o, "<circle class=\"%s\" cx=\"", hollow ? "point post" : "point");
    num(o, px(p, a[i].day, d0, d1));
    buf_lit(o, "\" cy=\"");
    num(o, py(p, a[i].v));
    buf_printf(o, "\" r=\"%s\" %s><title>", hollow ? "2.6" : "3",
               hollow ? "fill=\"#ffffff\" stroke=\"#0d9488\" stroke-width=\"1.3\"" : "fill=\"#2563eb\"");
    buf_xml(o, a[i].date);
    buf_printf(o, ": %s ", what);
    num(o, a[i].v);
    buf_lit(o, "</title></circle>\n");
  }
}

/* Append <line .../> with `attrs`. */
static void svg_line(buf *o, double x1, double y1, double x2, double y2, const char *attrs) {
  buf_lit(o, "<line x1=\"");
  num(o, x1);
  buf_lit(o, "\" y1=\"");
  num(o, y1);
  buf_lit(o, "\" x2=\"");
  num(o, x2);
  buf_lit(o, "\" y2=\"");
  num(o, y2);
  buf_printf(o, "\" %s/>", attrs);
}

/* Open a <text> at (x, y) with `attrs`; the caller appends the escaped text and </text>. */
static void svg_text(buf *o, double x, double y, const char *attrs) {
  buf_lit(o, "<text x=\"");
  num(o, x);
  buf_lit(o, "\" y=\"");
  num(o, y);
  buf_printf(o, "\" %s>", attrs);
}

static void plot_svg(buf *o, const outcome *oc, const plotdef *p, const pt *a, int na, const pt *post, int npost,
                     double d0, double d1) {
  buf_printf(o, "<g class=\"plot\" data-measure=\"%s\" font-size=\"9\" fill=\"%s\">\n", measures[p->measure].id, INK);
  svg_text(o, p->x, p->y - 8, "class=\"plot-title\" font-size=\"12\" font-weight=\"bold\"");
  buf_xml(o, p->title);
  buf_lit(o, "</text>\n<rect x=\"");
  num(o, p->x);
  buf_lit(o, "\" y=\"");
  num(o, p->y);
  buf_lit(o, "\" width=\"");
  num(o, p->w);
  buf_lit(o, "\" height=\"");
  num(o, p->h);
  buf_lit(o, "\" fill=\"#ffffff\" stroke=\"#94a3b8\"/>\n");
  /* The value axis: grid lines and labels. */
  for (double v = p->lo; v <= p->hi + EPS; v += p->step) {
    svg_line(o, p->x, py(p, v), p->x + p->w, py(p, v), "stroke=\"#e2e8f0\"");
    svg_text(o, p->x - 5, py(p, v) + 3, "class=\"tick\" text-anchor=\"end\"");
    num(o, v);
    buf_lit(o, "</text>\n");
  }
  buf_lit(o, "<text class=\"axis-title\" text-anchor=\"middle\" transform=\"translate(");
  num(o, p->x - 30);
  buf_putc(o, ' ');
  num(o, p->y + p->h / 2);
  buf_lit(o, ") rotate(-90)\">");
  buf_xml(o, p->axis);
  buf_lit(o, "</text>\n");
  /* The date axis: up to six dates spread over the range. */
  long first = (long)d0, span = (long)(d1 - d0);
  int nt = span == 0 ? 1 : span < 5 ? (int)span + 1 : 6;
  for (int t = 0; t < nt; t++) {
    long day = nt == 1 ? first : first + (long)llround((double)span * t / (nt - 1));
    char ds[16];
    date_of(day, ds);
    double x = px(p, (double)day, d0, d1);
    svg_line(o, x, p->y + p->h, x, p->y + p->h + 4, "stroke=\"#94a3b8\"");
    svg_text(o, x, p->y + p->h + 14, "class=\"date\" text-anchor=\"middle\"");
    buf_printf(o, "%s</text>\n", ds);
  }
  svg_text(o, p->x + p->w / 2, p->y + p->h + 27, "class=\"axis-title\" text-anchor=\"middle\"");
  buf_lit(o, "date</text>\n");
  /* The thresholds, from the baseline. */
  int bi = oc->base[p->measure];
  if (bi >= 0) {
    const outcome_date *b = &oc->dates[bi];
    double bv = p->measure == OUTCOME_NPRS ? b->nprs : p->measure == OUTCOME_PSFS ? b->psfs : b->ndi;
    int drawn = 0;
    for (int i = 0; i < oc->n_flags; i++) {
      const outcome_flag *f = &oc->flags[i];
      double level;
      if (f->measure != p->measure || !flag_level(f, bv, p, &level)) continue;
      int right = drawn++ % 2 == 0;   /* labels alternate ends, so close lines stay readable */
      buf_lit(o, "<g class=\"threshold\" data-rule=\"");
      buf_xml(o, f->rule);
      buf_lit(o, "\"><title>");
      buf_xml(o, f->meaning);
      buf_lit(o, " (");
      buf_xml(o, f->test);
      buf_lit(o, ") from the baseline ");
      num(o, bv);
      buf_lit(o, "</title>");
      svg_line(o, p->x, py(p, level), p->x + p->w, py(p, level), "stroke=\"#ea580c\" stroke-dasharray=\"5 3\"");
      /* The later lines lie further from the baseline: a left label goes on the far side of its line. */
      double ly = py(p, level) - 3;
      if (!right && measures[p->measure].lower_better && py(p, level) + 9 < p->y + p->h) ly = py(p, level) + 9;
      svg_text(o, right ? p->x + p->w - 3 : p->x + 3, ly,
               right ? "text-anchor=\"end\" fill=\"#c2410c\"" : "text-anchor=\"start\" fill=\"#c2410c\"");
      buf_xml(o, f->rule);
      buf_puts(o, measures[p->measure].lower_better ? " \xe2\x89\xa4 " : " \xe2\x89\xa5 ");   /* <= or >= */
      num(o, level);
      buf_lit(o, "</text></g>\n");
    }
  }
  if (!na && !npost) {
    svg_text(o, p->x + p->w / 2, p->y + p->h / 2, "text-anchor=\"middle\" font-size=\"11\" fill=\"#94a3b8\"");
    buf_lit(o, "nothing recorded</text>\n");
  }
  series_svg(o, p, a, na, d0, d1, 0, measures[p->measure].label);
  series_svg(o, p, post, npost, d0, d1, 1, "after the session");
  buf_lit(o, "</g>\n");
}

#define CELL_SCALE 0.54
#define CELL_W 245
#define CELL_H 300
#define CELL_LIFT (40 * CELL_SCALE)  /* the chart's title space, above its views' captions, is not drawn */
#define CELLS_PER_ROW 3
#define PLOTS_H 520

void outcome_svg(buf *o, const outcome *oc) { outcome_svg_named(o, oc, NULL); }

void outcome_svg_named(buf *o, const outcome *oc, const char *name) {
  buf title;
  buf_init(&title);
  if (name && *name) buf_printf(&title, "Outcomes of %s", name);
  else buf_printf(&title, "Outcomes of client %ld", oc->client);
  int n_draw = 0;
  for (int i = 0; i < oc->n_dates; i++) n_draw += oc->dates[i].has_drawing;
  int rows = (n_draw + CELLS_PER_ROW - 1) / CELLS_PER_ROW;
  int height = PLOTS_H + 40 + (rows ? rows * CELL_H : 30) + 10;
  buf_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
             "font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">\n<title>",
             SVG_W, height, SVG_W, height);
  buf_xml(o, title.data);
  buf_lit(o, "</title>\n");
  buf_printf(o, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", SVG_W, height);
  buf_printf(o, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#1e293b\">",
             SVG_W / 2);
  buf_xml(o, title.data);
  buf_lit(o, "</text>\n");
  buf_free(&title);

  /* Every plot shares the date range. */
  double d0 = 0, d1 = 0;
  if (oc->n_dates) {
    d0 = day_at(&oc->dates[0]);
    d1 = day_at(&oc->dates[oc->n_dates - 1]);
  }
  pt *a = xmalloc(sizeof *a * (size_t)(oc->n_dates + 1)), *post = xmalloc(sizeof *post * (size_t)(oc->n_dates + 1));
  static const plotdef plots[] = {
    {OUTCOME_NPRS, "Pain (NPRS)", "NPRS 0-10, lower is better", 0, 10, 2, 70, 60, 660, 200},
    {OUTCOME_PSFS, "Function (PSFS, mean of the activities)", "PSFS 0-10, higher is better", 0, 10, 2, 70, 340, 280, 130},
    {OUTCOME_NDI, "Neck disability (NDI)", "NDI 0-50, lower is better", 0, 50, 10, 450, 340, 280, 130},
  };
  for (size_t k = 0; k < sizeof plots / sizeof plots[0]; k++) {
    const plotdef *p = &plots[k];
    int na = 0, np = 0;
    for (int i = 0; i < oc->n_dates; i++) {
      const outcome_date *d = &oc->dates[i];
      double day = day_at(d);
      int has = p->measure == OUTCOME_NPRS ? d->has_nprs : p->measure == OUTCOME_PSFS ? d->n_psfs > 0 : d->has_ndi;
      double v = p->measure == OUTCOME_NPRS ? d->nprs : p->measure == OUTCOME_PSFS ? d->psfs : d->ndi;
      if (has) a[na++] = (pt){day, v, d->date};
      if (p->measure == OUTCOME_NPRS && d->has_post) post[np++] = (pt){day, d->post, d->date};
    }
    plot_svg(o, oc, p, a, na, post, np, d0, d1);
  }
  free(a);
  free(post);
  buf_lit(o, "<g class=\"legend\" font-size=\"9\" fill=\"" INK "\">"
             "<circle cx=\"76\" cy=\"300\" r=\"3\" fill=\"#2563eb\"/><text x=\"84\" y=\"303\">at the start of a session "
             "or on its own</text><circle cx=\"272\" cy=\"300\" r=\"2.6\" fill=\"#ffffff\" stroke=\"#0d9488\" "
             "stroke-width=\"1.3\"/><text x=\"280\" y=\"303\">after the session</text><line x1=\"372\" x2=\"394\" "
             "y1=\"300\" y2=\"300\" stroke=\"#ea580c\" stroke-dasharray=\"5 3\"/><text x=\"400\" y=\"303\">where a "
             "threshold of clinically important change from the baseline is met</text></g>\n");

  /* The pain drawings as small multiples. */
  buf_printf(o, "<text x=\"20\" y=\"%d\" font-size=\"12\" font-weight=\"bold\" fill=\"%s\">Pain drawings "
             "(darker: stronger)</text>\n", PLOTS_H + 24, INK);
  if (!n_draw) {
    buf_printf(o, "<text x=\"20\" y=\"%d\" font-size=\"11\" fill=\"#94a3b8\">no pain drawing recorded</text>\n",
               PLOTS_H + 50);
  } else {
    buf errs;
    buf_init(&errs);
    chart *c = NULL;
    if (chart_load_builtin(&c, kb_body(oc->k), &errs)) {
      buf_printf(o, "<text x=\"20\" y=\"%d\" font-size=\"11\" fill=\"#b91c1c\">the body chart is missing from this "
                 "build</text>\n", PLOTS_H + 50);
      n_draw = 0;
    }
    buf_free(&errs);
    if (n_draw) chart_svg_defs(o, c);  /* the body once; each drawing is a <use> of it and its marks */
    chart_mark *marks = NULL;
    int cell = 0;
    for (int i = 0; i < oc->n_dates && n_draw; i++) {
      const outcome_date *d = &oc->dates[i];
      if (!d->has_drawing) continue;
      marks = xrealloc(marks, sizeof *marks * (size_t)(d->n_pain + 1));
      int nm = 0;
      for (int j = 0; j < d->n_pain; j++)
        if (d->pain[j].index >= 0) marks[nm++] = (chart_mark){d->pain[j].index, CHART_PAIN, d->pain[j].intensity, NULL};
      int x = 20 + (cell % CELLS_PER_ROW) * CELL_W, y = PLOTS_H + 40 + (cell / CELLS_PER_ROW) * CELL_H;
      buf_printf(o, "<g class=\"drawing\" data-date=\"%s\">\n<title>Pain drawing %s</title><text x=\"%d\" y=\"%d\" "
                 "font-size=\"10\" font-weight=\"bold\" fill=\"%s\">%s</text><text x=\"%d\" y=\"%d\" font-size=\"9\" "
                 "fill=\"%s\">%d region%s, total %d</text>\n<g transform=\"translate(%d %g) scale(%g)\">\n",
                 d->date, d->date, x, y + 10, INK, d->date, x, y + 22, INK, d->n_pain, d->n_pain == 1 ? "" : "s",
                 d->pain_total, x, y + 26 - CELL_LIFT, CELL_SCALE);
      chart_svg_marks(o, c, marks, nm);
      buf_lit(o, "</g>\n</g>\n");
      cell++;
    }
    free(marks);
    chart_free(c);
  }
  buf_lit(o, "</svg>\n");
}
