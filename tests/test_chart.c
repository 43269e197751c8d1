/* test_chart.c: unit tests of the body chart: kb/chart.tsv against the body model, errors, SVG. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "chart.h"
#include "util.h"

/* kb/chart.tsv as on disk (the tests run from the source tree's root). */
static char *tsv_text(size_t *len) {
  char *text = NULL;
  cr_assert_eq(util_read_file("kb/chart.tsv", &text, len), 0, "cannot read kb/chart.tsv");
  return text;
}

static chart *load_disk(void) {
  size_t len;
  char *text = tsv_text(&len);
  buf err;
  buf_init(&err);
  chart *c = NULL;
  int rc = chart_load(&c, body_builtin(), text, len, &err);
  cr_assert_eq(rc, 0, "kb/chart.tsv does not load:\n%s", err.data ? err.data : "");
  cr_assert_eq(err.len, 0, "no errors expected: %s", err.data);
  buf_free(&err);
  free(text);
  return c;
}

/* Load `text` expecting failure; returns the messages (caller frees). */
static char *load_errors(const char *text) {
  buf err;
  buf_init(&err);
  chart *c = NULL;
  int rc = chart_load(&c, body_builtin(), text, strlen(text), &err);
  cr_assert_eq(rc, -1, "expected an error for:\n%s", text);
  cr_assert_null(c);
  cr_assert_not_null(err.data);
  return err.data;
}

/* The real table with `line` appended (a line ending in \n), or with the line starting with
** `drop` removed. */
static char *edited(const char *append, const char *drop) {
  size_t len;
  char *text = tsv_text(&len);
  buf b;
  buf_init(&b);
  for (char *s = text, *nl; *s; s = nl) {
    nl = strchr(s, '\n');
    nl = nl ? nl + 1 : s + strlen(s);
    if (drop && strncmp(s, drop, strlen(drop)) == 0) continue;
    buf_append(&b, s, (size_t)(nl - s));
  }
  if (append) buf_puts(&b, append);
  free(text);
  return b.data;
}

static int count_lines(const char *s) {
  int n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

static int shown_in(const body_region *r, int view) {
  return strcmp(r->view, "both") == 0 || strcmp(r->view, view ? "back" : "front") == 0;
}

Test(chart, the_table_covers_every_region_in_the_views_of_regions_tsv) {
  const body *b = body_builtin();
  chart *c = load_disk();
  for (int base = 0; base < body_n_bases(b); base++) {
    int i = body_concrete(b, base, BODY_L);
    double x, y;
    int views = 0;
    for (int v = 0; v < 2; v++) views += chart_point(c, i, v, &x, &y) == 0;
    cr_assert_geq(views, 1, "%s is drawn in no view", body_base_id(b, base));
  }
  for (int i = 0; i < body_n(b); i++) {
    const body_region *r = body_at(b, i);
    for (int v = 0; v < 2; v++) {
      double x = -1, y = -1;
      int rc = chart_point(c, i, v, &x, &y);
      cr_assert_eq(rc, shown_in(r, v) ? 0 : -1, "%s in view %d (regions.tsv: %s)", r->id, v, r->view);
      if (rc == 0) {
        cr_assert(x > 0 && x < CHART_W && y > 0 && y < CHART_H, "%s at %g,%g", r->id, x, y);
      }
    }
  }
  chart_free(c);
}

Test(chart, the_embedded_table_loads) {
  buf err;
  buf_init(&err);
  chart *c = NULL;
  int rc = chart_load_builtin(&c, body_builtin(), &err);
  cr_assert_eq(rc, 0, "%s", err.data ? err.data : "");
  double x, y;
  cr_assert_eq(chart_point(c, body_find(body_builtin(), "calf-l"), CHART_BACK, &x, &y), 0);
  chart_free(c);
  buf_free(&err);
}

Test(chart, the_patients_left_is_on_the_viewers_right_in_front_and_left_behind) {
  const body *b = body_builtin();
  chart *c = load_disk();
  for (int i = 0; i < body_n(b); i++) {
    const body_region *r = body_at(b, i);
    double x, y;
    if (chart_point(c, i, CHART_FRONT, &x, &y) == 0) {
      if (r->side == BODY_L) cr_assert_gt(x, 100, "%s front x %g", r->id, x);
      if (r->side == BODY_R) cr_assert_lt(x, 100, "%s front x %g", r->id, x);
      if (r->side == BODY_MID) cr_assert_eq(x, 100, "%s front x %g", r->id, x);
    }
    if (chart_point(c, i, CHART_BACK, &x, &y) == 0) {
      if (r->side == BODY_L) cr_assert_lt(x, 100, "%s back x %g", r->id, x);
      if (r->side == BODY_R) cr_assert_gt(x, 100, "%s back x %g", r->id, x);
      if (r->side == BODY_MID) cr_assert_eq(x, 100, "%s back x %g", r->id, x);
    }
  }
  chart_free(c);
}

Test(chart, every_right_instance_is_the_mirror_of_the_left) {
  const body *b = body_builtin();
  chart *c = load_disk();
  int checked = 0;
  for (int i = 0; i < body_n(b); i++) {
    if (body_at(b, i)->side != BODY_L) continue;
    int m = body_mirror(b, i);
    for (int v = 0; v < 2; v++) {
      double xl, yl, xr, yr;
      int l = chart_point(c, i, v, &xl, &yl), r = chart_point(c, m, v, &xr, &yr);
      cr_assert_eq(l, r, "%s and its mirror differ in view %d", body_at(b, i)->id, v);
      if (l) continue;
      cr_assert_float_eq(xr, CHART_W - xl, 1e-9, "%s x %g, mirror %g", body_at(b, i)->id, xl, xr);
      cr_assert_float_eq(yr, yl, 1e-9);
      checked++;
    }
  }
  cr_assert_gt(checked, 100);
  chart_free(c);
}

Test(chart, anatomy_spot_checks) {
  const body *b = body_builtin();
  chart *c = load_disk();
  double x1, y1, x2, y2;
  /* The temple is at the side of the head, higher than the jaw joint; the sole is under the
  ** heel in the back view, the calf above it; the big toe is medial to the other toes. */
  cr_assert_eq(chart_point(c, body_find(b, "temple-l"), CHART_FRONT, &x1, &y1), 0);
  cr_assert_eq(chart_point(c, body_find(b, "tmj-l"), CHART_FRONT, &x2, &y2), 0);
  cr_assert_lt(y1, y2);
  cr_assert_eq(chart_point(c, body_find(b, "heel-l"), CHART_BACK, &x1, &y1), 0);
  cr_assert_eq(chart_point(c, body_find(b, "sole-l"), CHART_BACK, &x2, &y2), 0);
  cr_assert_gt(y2, y1);
  cr_assert_eq(chart_point(c, body_find(b, "calf-l"), CHART_BACK, &x2, &y2), 0);
  cr_assert_lt(y2, y1);
  for (int v = 0; v < 2; v++) {
    cr_assert_eq(chart_point(c, body_find(b, "big-toe-l"), v, &x1, &y1), 0);
    cr_assert_eq(chart_point(c, body_find(b, "toes-l"), v, &x2, &y2), 0);
    cr_assert_lt(fabs(x1 - 100), fabs(x2 - 100), "big toe medial in view %d", v);
  }
  /* Out of range or not drawn: -1. */
  cr_assert_eq(chart_point(c, body_find(b, "forehead-l"), CHART_BACK, &x1, &y1), -1);
  cr_assert_eq(chart_point(c, -1, CHART_FRONT, &x1, &y1), -1);
  cr_assert_eq(chart_point(c, body_n(b), CHART_FRONT, &x1, &y1), -1);
  cr_assert_eq(chart_point(c, 0, 2, &x1, &y1), -1);
  chart_free(c);
}

Test(chart, bad_lines_are_reported_with_their_line_number) {
  static const struct { const char *text, *want; } cases[] = {
    {"# comment\n\ntempel\tfront\t118\t32\t2\t5\n", "chart.tsv:3: unknown region \"tempel\" (did you mean \"temple\"?)"},
    {"temple-l\tfront\t118\t32\t2\t5\n", "chart.tsv:1: \"temple-l\" is a sided id: give the base region \"temple\""},
    {"#\ntemple\tside\t118\t32\t2\t5\n", "chart.tsv:2: view must be front or back, not \"side\""},
    {"temple\tfront\t11x8\t32\t2\t5\n", "chart.tsv:1: cx must be a number, not \"11x8\""},
    {"temple\tfront\t118\t\t2\t5\n", "chart.tsv:1: cy must be a number, not \"\""},
    {"temple\tfront\t118\t32\t2\tnan\n", "chart.tsv:1: ry must be a number"},
    {"temple\tfront\t118\t32\t-2\t5\n", "chart.tsv:1: the radii rx and ry must be positive"},
    {"temple\tfront\t199\t32\t2\t5\n", "chart.tsv:1: the ellipse must lie inside the 200 x 440 view box"},
    {"temple\tfront\t118\t32\t2\n", "chart.tsv:1: expected 6 tab-separated fields"},
    {"temple\tfront\t118\t32\t2\t5\t7\n", "chart.tsv:1: expected 6 tab-separated fields"},
    {"forehead\tback\t92\t26\t7\t4\n", "chart.tsv:1: forehead is not shown in the back view (regions.tsv says front)"},
    {"temple\tfront\t82\t32\t2\t5\n", "chart.tsv:1: give temple for the patient's left side: x > 100 in the front view"},
    {"temple\tback\t118\t32\t2\t5\n", "chart.tsv:1: give temple for the patient's left side: x < 100 in the back view"},
    {"sternum\tfront\t101\t119\t4\t15\n", "chart.tsv:1: sternum lies on the midline: its centre must be at x = 100"},
    {"\n\ntemple\tfront\t118\t32\t2\t5\r\ntemple\tfront\t118\t32\t2\t5\n",
     "chart.tsv:4: a second line for temple in the front view (the first is line 3)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *err = load_errors(cases[i].text);
    cr_assert(strstr(err, cases[i].want) != NULL, "case %zu: want \"%s\" in:\n%s", i, cases[i].want, err);
    free(err);
  }
}

Test(chart, errors_in_the_real_table_name_the_line_and_a_missing_region_is_reported) {
  /* An appended bad line is reported on its own line number, and only it. */
  char *text = edited("calve\tback\t79\t356\t8\t15\n", NULL);
  char *err = load_errors(text);
  char want[128];
  snprintf(want, sizeof want, "chart.tsv:%d: unknown region \"calve\" (did you mean \"calf\"?)\n", count_lines(text));
  cr_assert_str_eq(err, want);
  free(err);
  free(text);
  /* A region left out of a view where regions.tsv shows it. */
  text = edited(NULL, "calf\tback\t");
  err = load_errors(text);
  snprintf(want, sizeof want, "chart.tsv:%d: no ellipse for calf in the back view", count_lines(text));
  cr_assert(strstr(err, want) != NULL, "want \"%s\" in:\n%s", want, err);
  cr_assert_eq(count_lines(err), 1, "only calf is missing:\n%s", err);
  free(err);
  free(text);
  /* temple is shown in both views: leaving out its back line is an error too. */
  text = edited(NULL, "temple\tback\t");
  err = load_errors(text);
  cr_assert(strstr(err, "no ellipse for temple in the back view") != NULL, "%s", err);
  free(err);
  free(text);
}

/* Occurrences of `needle` in `s`. */
static int count(const char *s, const char *needle) {
  int n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

/* Whether the tags of `s` nest properly (self-closing tags allowed) and no '<' or '&' is
** left unescaped in text; enough to catch a broken writer without an XML parser. */
static int well_formed(const char *s, char *why, size_t whylen) {
  char stack[64][32];
  int depth = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '&') {
      const char *semi = strchr(p, ';');
      if (!semi || semi - p > 6 || strspn(p + 1, "#abcdefghijklmnopqrstuvwxyz0123456789") != (size_t)(semi - p - 1)) {
        snprintf(why, whylen, "bare & at %.20s", p);
        return 0;
      }
      continue;
    }
    if (*p != '<') continue;
    const char *end = strchr(p, '>');
    if (!end) { snprintf(why, whylen, "unclosed tag at %.20s", p); return 0; }
    if (memchr(p + 1, '<', (size_t)(end - p - 1))) { snprintf(why, whylen, "< inside a tag at %.20s", p); return 0; }
    int closing = p[1] == '/', self = end[-1] == '/';
    const char *name = p + 1 + closing;
    size_t n = strcspn(name, " />\n");
    if (closing) {
      if (!depth || strlen(stack[depth - 1]) != n || strncmp(stack[depth - 1], name, n)) {
        snprintf(why, whylen, "</%.*s> does not close <%s>", (int)n, name, depth ? stack[depth - 1] : "");
        return 0;
      }
      depth--;
    } else if (!self) {
      if (depth == 64 || n >= 32) { snprintf(why, whylen, "too deep"); return 0; }
      memcpy(stack[depth], name, n);
      stack[depth++][n] = 0;
    }
    p = end;
  }
  if (depth) { snprintf(why, whylen, "<%s> left open", stack[depth - 1]); return 0; }
  return 1;
}

/* `cx="X" cy="Y"` as chart_svg writes a centre: at most two decimals, no trailing zeros. */
static void centre_attrs(char *out, size_t n, double x, double y) {
  char v[2][24];
  double xy[2] = {x, y};
  for (int i = 0; i < 2; i++) {
    snprintf(v[i], sizeof v[i], "%.2f", xy[i]);
    char *p = v[i] + strlen(v[i]) - 1;
    while (*p == '0') *p-- = 0;
    if (*p == '.') *p = 0;
  }
  snprintf(out, n, "cx=\"%s\" cy=\"%s\"", v[0], v[1]);
}

/* The text of view v's marks group. */
static char *marks_of_view(const char *svg, int v) {
  const char *p = svg;
  for (int i = 0; i <= v; i++) {
    p = strstr(p, "<g class=\"marks\"");
    cr_assert_not_null(p);
    if (i < v) p++;
  }
  const char *end = strstr(p, "</g>\n</g>\n");   /* the marks group closes (after its marks) */
  return strndup(p, (size_t)(end - p));
}

Test(chart, svg_is_well_formed_and_draws_every_region_once_per_view) {
  const body *b = body_builtin();
  chart *c = load_disk();
  buf o;
  buf_init(&o);
  chart_svg(&o, c, NULL, 0, "Neck & jaw <pain> \"2\"");
  const char *s = o.data;
  cr_assert(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0, "%.60s", s);
  cr_assert_str_eq(s + o.len - strlen("</svg>\n"), "</svg>\n");
  char why[128];
  cr_assert(well_formed(s, why, sizeof why), "%s", why);
  cr_assert(strstr(s, "Neck &amp; jaw &lt;pain&gt; &quot;2&quot;") != NULL);
  cr_assert_null(strstr(s, "<pain>"));
  cr_assert_null(strstr(s, "<script"));
  cr_assert_null(strstr(s, "href"));
  cr_assert_eq(count(s, "data-view=\"front\""), 1);
  cr_assert_eq(count(s, "data-view=\"back\""), 1);
  int total = 0;
  for (int i = 0; i < body_n(b); i++) {
    const body_region *r = body_at(b, i);
    char needle[96];
    snprintf(needle, sizeof needle, "data-region=\"%s\"", r->id);
    int views = shown_in(r, 0) + shown_in(r, 1);
    cr_assert_eq(count(s, needle), views, "%s drawn %d times, want %d", r->id, count(s, needle), views);
    snprintf(needle, sizeof needle, "(%s)</title>", r->id);
    cr_assert_eq(count(s, needle), views, "%s needs a title in each view", r->id);
    total += views;
  }
  cr_assert_eq(count(s, "class=\"region\""), total);
  cr_assert(strstr(s, "<title>temple, left (temple-l)</title>") != NULL);
  cr_assert(strstr(s, "<title>breastbone (sternum)</title>") != NULL);
  /* No marks: the marks groups are empty. */
  for (int v = 0; v < 2; v++) {
    char *m = marks_of_view(s, v);
    cr_assert_null(strstr(m, "<ellipse"));
    cr_assert_null(strstr(m, "<circle"));
    free(m);
  }
  buf_free(&o);
  /* A caller's title with control characters and bytes that are not UTF-8 stays valid text. */
  buf_init(&o);
  chart_svg(&o, c, NULL, 0, "Ren\xc3\xa9" "e\x01 \xff\xc3(");
  cr_assert(strstr(o.data, "<title>Ren\xc3\xa9" "e  \xef\xbf\xbd\xef\xbf\xbd(</title>") != NULL, "%.300s", o.data);
  buf_free(&o);
  chart_free(c);
}

Test(chart, svg_draws_each_kind_of_mark_in_the_views_of_its_region) {
  const body *b = body_builtin();
  chart *c = load_disk();
  const chart_mark marks[] = {
    {body_find(b, "temple-l"), CHART_PAIN, 10, NULL},      /* both views */
    {body_find(b, "forehead-r"), CHART_PAIN, 0, NULL},     /* front only */
    {body_find(b, "occiput-l"), CHART_ZONE, 0, NULL},      /* back only */
    {body_find(b, "scapula-upper-r"), CHART_PRESS, 0, "1<&>"},
    {body_find(b, "throat"), CHART_DANGER, 0, NULL},
    {-5, CHART_PAIN, 3, NULL},                              /* skipped */
    {body_find(b, "calf-l"), 42, 3, NULL},                  /* skipped */
  };
  buf o;
  buf_init(&o);
  chart_svg(&o, c, marks, (int)(sizeof marks / sizeof marks[0]), NULL);
  char why[128];
  cr_assert(well_formed(o.data, why, sizeof why), "%s", why);
  cr_assert(strstr(o.data, "<title>Body chart</title>") != NULL);
  char *front = marks_of_view(o.data, CHART_FRONT), *back = marks_of_view(o.data, CHART_BACK);
  double x, y;
  char at[96];
  /* temple-l: strong pain in both views, at its centre in each. */
  cr_assert_eq(chart_point(c, body_find(b, "temple-l"), CHART_FRONT, &x, &y), 0);
  centre_attrs(at, sizeof at, x, y);
  cr_assert(strstr(front, at) != NULL, "%s not in\n%s", at, front);
  cr_assert_eq(chart_point(c, body_find(b, "temple-l"), CHART_BACK, &x, &y), 0);
  centre_attrs(at, sizeof at, x, y);
  cr_assert(strstr(back, at) != NULL, "%s not in\n%s", at, back);
  cr_assert_eq(count(front, "fill=\"#dc2626\""), 2);  /* temple and forehead */
  cr_assert_eq(count(back, "fill=\"#dc2626\""), 1);   /* temple only */
  cr_assert_eq(count(front, "fill-opacity=\"0.95\""), 1);
  cr_assert_eq(count(front, "fill-opacity=\"0.25\""), 1);
  /* zone, press point and danger only where their region is drawn */
  cr_assert_eq(count(front, "url(#myomap-zone)"), 0);
  cr_assert_eq(count(back, "url(#myomap-zone)"), 1);
  cr_assert_eq(count(front, "<circle"), 0);
  cr_assert_eq(count(back, "<circle"), 1);
  cr_assert(strstr(back, ">1&lt;&amp;&gt;</text>") != NULL, "%s", back);
  cr_assert_eq(count(front, "url(#myomap-danger)"), 1);
  cr_assert_eq(count(back, "url(#myomap-danger)"), 0);
  cr_assert(strstr(o.data, "<pattern id=\"myomap-zone\"") && strstr(o.data, "<pattern id=\"myomap-danger\""));
  free(front);
  free(back);
  buf_free(&o);
  chart_free(c);
}
