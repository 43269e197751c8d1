/* chart.c: the body chart: where each region sits in the front and back views, drawn as SVG. */
#include "chart.h"
#include "builtin.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct ellipse {
  double cx, cy, rx, ry;
  int shown;            /* drawn in this view */
} ellipse;

struct chart {
  const body *b;
  int n;                /* body_n(b) */
  ellipse *e;           /* [region * 2 + view] */
};

/* ---------------------------------------------------------------- loading */

static const char *const view_names[2] = {"front", "back"};

/* Whether base region `base` is shown in view v according to the body model. */
static int base_in_view(const body *b, int base, int v) {
  const char *view = body_at(b, body_concrete(b, base, BODY_L))->view;
  return strcmp(view, "both") == 0 || strcmp(view, view_names[v]) == 0;
}

static int parse_number(const char *s, double *v) {
  char *end;
  if (!*s) return -1;
  *v = strtod(s, &end);
  return *end || !isfinite(*v) ? -1 : 0;
}

/* Check and store one line's fields; the ellipse goes to per_base[base * 2 + view]. */
static void load_line(util_errors *L, const body *b, char **f, int line, ellipse *per_base, int *first_line) {
  int base = body_find_base(b, f[0]);
  if (base < 0) {
    int concrete = body_find(b, f[0]);
    if (concrete >= 0) {
      util_error_at(L, line, "\"%s\" is a sided id: give the base region \"%s\" (the patient's left; the right is its mirror)",
               f[0], body_at(b, concrete)->base);
    } else {
      const char *s = body_suggest_base(b, f[0]);
      if (s) util_error_at(L, line, "unknown region \"%s\" (did you mean \"%s\"?)", f[0], s);
      else util_error_at(L, line, "unknown region \"%s\" (expected a region id of regions.tsv)", f[0]);
    }
    return;
  }
  int v = strcmp(f[1], "front") == 0 ? CHART_FRONT : strcmp(f[1], "back") == 0 ? CHART_BACK : -1;
  if (v < 0) { util_error_at(L, line, "view must be front or back, not \"%s\"", f[1]); return; }
  if (!base_in_view(b, base, v)) {
    util_error_at(L, line, "%s is not shown in the %s view (regions.tsv says %s)", f[0], f[1],
             body_at(b, body_concrete(b, base, BODY_L))->view);
    return;
  }
  static const char *const names[4] = {"cx", "cy", "rx", "ry"};
  double x[4];
  for (int i = 0; i < 4; i++)
    if (parse_number(f[2 + i], &x[i])) {
      util_error_at(L, line, "%s must be a number, not \"%s\"", names[i], f[2 + i]);
      return;
    }
  if (x[2] <= 0 || x[3] <= 0) { util_error_at(L, line, "the radii rx and ry must be positive"); return; }
  if (x[0] - x[2] < 0 || x[0] + x[2] > CHART_W || x[1] - x[3] < 0 || x[1] + x[3] > CHART_H) {
    util_error_at(L, line, "the ellipse must lie inside the %d x %d view box", CHART_W, CHART_H);
    return;
  }
  double mid = CHART_W / 2.0;
  if (!body_base_paired(b, base) && x[0] != mid) {
    util_error_at(L, line, "%s lies on the midline: its centre must be at x = %g", f[0], mid);
    return;
  }
  if (body_base_paired(b, base) && (v == CHART_FRONT ? x[0] <= mid : x[0] >= mid)) {
    util_error_at(L, line, "give %s for the patient's left side: x %s %g in the %s view", f[0],
             v == CHART_FRONT ? ">" : "<", mid, f[1]);
    return;
  }
  int k = base * 2 + v;
  if (first_line[k]) {
    util_error_at(L, line, "a second line for %s in the %s view (the first is line %d)", f[0], f[1], first_line[k]);
    return;
  }
  first_line[k] = line;
  per_base[k] = (ellipse){x[0], x[1], x[2], x[3], 1};
}

int chart_load(chart **out, const body *b, const char *text, size_t len, buf *errors) {
  util_errors L = {errors, "chart.tsv", 0};
  int n_bases = body_n_bases(b);
  ellipse *per_base = xcalloc((size_t)n_bases * 2, sizeof *per_base);
  int *first_line = xcalloc((size_t)n_bases * 2, sizeof *first_line);
  char *copy = xstrndup(text, len);
  int line = 0;
  for (char *at = copy, *s; (s = util_line(&at));) {
    line++;
    if (!*s || s[0] == '#') continue;
    char *f[6];
    if (util_split_tabs(s, f, 6) != 6) {
      util_error_at(&L, line, "expected 6 tab-separated fields: region view cx cy rx ry");
      continue;
    }
    load_line(&L, b, f, line, per_base, first_line);
  }
  free(copy);
  for (int base = 0; base < n_bases; base++)
    for (int v = 0; v < 2; v++)
      if (base_in_view(b, base, v) && !first_line[base * 2 + v])
        util_error_at(&L, line ? line : 1, "no ellipse for %s in the %s view (regions.tsv shows it there)",
                 body_base_id(b, base), view_names[v]);
  free(first_line);
  if (L.n) { free(per_base); return -1; }

  chart *c = xcalloc(1, sizeof *c);
  c->b = b;
  c->n = body_n(b);
  c->e = xcalloc((size_t)c->n * 2, sizeof *c->e);
  for (int i = 0; i < c->n; i++) {
    const body_region *r = body_at(b, i);
    for (int v = 0; v < 2; v++) {
      ellipse e = per_base[r->base_index * 2 + v];
      if (r->side == BODY_R) e.cx = CHART_W - e.cx;
      c->e[i * 2 + v] = e;
    }
  }
  free(per_base);
  *out = c;
  return 0;
}

int chart_load_builtin(chart **out, const body *b, buf *errors) {
  const builtin_file *f = builtin_find("kb/chart.tsv");
  if (!f) { buf_puts(errors, "kb/chart.tsv: not embedded in this binary\n"); return -1; }
  return chart_load(out, b, (const char *)f->data, f->len, errors);
}

void chart_free(chart *c) {
  if (!c) return;
  free(c->e);
  free(c);
}

int chart_point(const chart *c, int region, int view, double *x, double *y) {
  if (region < 0 || region >= c->n || view < 0 || view > 1) return -1;
  const ellipse *e = &c->e[region * 2 + view];
  if (!e->shown) return -1;
  *x = e->cx;
  *y = e->cy;
  return 0;
}

/* ---------------------------------------------------------------- drawing */

/* The body outline is given for the patient's left half, in units of the view box, as
** d = distance from the midline toward the patient's left (x = 100 + d in the front view,
** 100 - d in the back view) and y; each shape is drawn for both sides.  The figure stands with
** the arms a little away from the trunk, palms forward (anatomical position). */

/* The contour of the neck, arm and trunk and leg of one half, from under the chin down the
** outer arm, back up to the armpit and down to the crotch: {d, y, sharp corner}.  The other
** half is its mirror; the contour is drawn as a smooth closed curve. */
static const double outline_pts[][3] = {
  {12.5, 56, 0}, {13.2, 68, 0}, {15, 78.5, 0}, {21, 85, 0}, {31, 89, 0}, {40, 92.5, 0},
  {46.5, 96.5, 0}, {51.5, 104, 0}, {56.9, 125.1, 0}, {60.5, 147.9, 0}, {64.1, 170.8, 0},
  {66, 180.5, 0}, {67.6, 201, 0}, {69.9, 225.2, 0}, {71.6, 243.3, 1}, {60.4, 244.7, 1},
  {56.3, 220.9, 0}, {52.1, 197, 0}, {50, 183.5, 0}, {46.2, 164, 0}, {41.4, 141.4, 0},
  {38.6, 124.5, 0}, {37.8, 128, 0}, {36.5, 140, 0}, {34, 160, 0}, {32.5, 177, 0}, {35, 194, 0},
  {39.5, 209, 0}, {43, 226, 0}, {42.5, 245, 0}, {40, 270, 0}, {36.5, 298, 0}, {34, 318, 0},
  {34, 332, 0}, {35, 348, 0}, {34, 364, 0}, {30, 381, 0}, {27.5, 393, 0}, {27, 400, 1},
  {15, 400, 1}, {14.2, 392, 0}, {11.5, 376, 0}, {9.5, 356, 0}, {10.5, 336, 0}, {11, 320, 0},
  {8, 296, 0}, {4, 270, 0}, {1.5, 253, 0}, {0, 247, 1},
};
#define N_OUTLINE ((int)(sizeof outline_pts / sizeof outline_pts[0]))

/* Round-capped strokes {d0, y0, d1, y1, width}: the palm, four fingers and thumb. */
typedef struct capsule { double d0, y0, d1, y1, w; } capsule;
static const capsule hand_caps[] = {
  {67, 252, 69.2, 267, 17},
  {61.4, 274, 60.4, 290, 4.2},
  {65.5, 276, 65.7, 298, 4.6},
  {69.9, 276, 70.9, 301, 4.8},
  {74.2, 275, 76, 297, 4.6},
  {76.8, 258, 82.2, 279, 5.2},
};

/* The foot below the ankle, as a smooth closed curve {d, y, corner}: in front its top with the
** toes at the bottom; from behind its sole, seen with the heel up and the toes down. */
static const double foot_front[][3] = {
  {15.5, 397, 0}, {14, 405, 0}, {11.5, 415, 0}, {10.5, 424, 0}, {12, 430, 0}, {17, 433, 0},
  {24, 433.5, 0}, {30.5, 432, 0}, {34, 428, 0}, {33.5, 420, 0}, {30.5, 409, 0}, {27.5, 397, 0},
  {21.5, 395, 0},
};
static const double foot_back[][3] = {
  {15.5, 397, 0}, {14.8, 406, 0}, {13, 416, 0}, {11.8, 426, 0}, {13, 433, 0}, {17.5, 437.5, 0},
  {24, 438.3, 0}, {30, 436.5, 0}, {33, 431, 0}, {32.2, 421, 0}, {29.5, 408, 0}, {27, 397, 0},
  {21, 394.5, 0},
};
#define N_FOOT ((int)(sizeof foot_front / sizeof foot_front[0]))

#define HEAD_CY 40
#define HEAD_RX 21
#define HEAD_RY 28
#define EAR_D 22.5
#define EAR_CY 42
#define EAR_RX 3.2
#define EAR_RY 6.5

#define OUTLINE_W 1.3          /* width of the outline outside the silhouette */
#define INK "#475569"
#define SKIN "#f8fafc"

/* Append v with at most two decimals and no trailing zeros. */
static void num(buf *o, double v) { buf_dec(o, v, 2); }

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */

/* Append s escaped for XML text or a quoted attribute; control characters become spaces and
** bytes that are not UTF-8 become U+FFFD, so any caller's text keeps the document valid. */

static double to_x(int view, double d) { return view == CHART_FRONT ? CHART_W / 2.0 + d : CHART_W / 2.0 - d; }

/* Append a smooth closed path through n points {d, y, corner} (Catmull-Rom, sharp at
** corners), with d mirrored when side is -1. */
static void smooth_path(buf *o, int view, const double (*p)[3], int n, int side) {
  buf_lit(o, "M");
  num(o, to_x(view, side * p[0][0])); buf_putc(o, ' '); num(o, p[0][1]);
  for (int i = 0; i < n; i++) {
    const double *a = p[(i + n - 1) % n], *b = p[i], *c = p[(i + 1) % n], *d = p[(i + 2) % n];
    double t1 = b[2] ? 0 : 1.0 / 6, t2 = c[2] ? 0 : 1.0 / 6;
    double pts[3][2] = {
      {b[0] + (c[0] - a[0]) * t1, b[1] + (c[1] - a[1]) * t1},
      {c[0] - (d[0] - b[0]) * t2, c[1] - (d[1] - b[1]) * t2},
      {c[0], c[1]},
    };
    buf_putc(o, 'C');
    for (int k = 0; k < 3; k++) {
      if (k) buf_putc(o, ' ');
      num(o, to_x(view, side * pts[k][0])); buf_putc(o, ' '); num(o, pts[k][1]);
    }
  }
  buf_putc(o, 'Z');
}

/* The whole contour: the half-outline, then its mirror in reverse, each midline point once. */
static void contour_path(buf *o, int view) {
  double p[2 * N_OUTLINE][3];
  int n = 0;
  for (int i = 0; i < N_OUTLINE; i++) memcpy(p[n++], outline_pts[i], sizeof p[0]);
  for (int i = N_OUTLINE - 1; i >= 0; i--) {
    if (outline_pts[i][0] == 0) continue;
    memcpy(p[n], outline_pts[i], sizeof p[0]);
    p[n++][0] = -outline_pts[i][0];
  }
  smooth_path(o, view, (const double (*)[3])p, n, 1);
}

static void capsule_svg(buf *o, int view, const capsule *c, double extra, const char *color) {
  for (int side = -1; side <= 1; side += 2) {
    buf_lit(o, "<line x1=\"");
    num(o, to_x(view, side * c->d0)); buf_lit(o, "\" y1=\""); num(o, c->y0);
    buf_lit(o, "\" x2=\""); num(o, to_x(view, side * c->d1)); buf_lit(o, "\" y2=\""); num(o, c->y1);
    buf_printf(o, "\" stroke=\"%s\" stroke-width=\"", color);
    num(o, c->w + extra);
    buf_lit(o, "\" stroke-linecap=\"round\"/>");
  }
  buf_putc(o, '\n');
}

static void ellipse_svg(buf *o, double cx, double cy, double rx, double ry) {
  buf_lit(o, "cx=\""); num(o, cx);
  buf_lit(o, "\" cy=\""); num(o, cy);
  buf_lit(o, "\" rx=\""); num(o, rx);
  buf_lit(o, "\" ry=\""); num(o, ry);
  buf_putc(o, '"');
}

/* Open a filled path; in the ink pass (extra > 0) also stroked `extra` wide. */
static void path_open(buf *o, const char *color, double extra) {
  buf_printf(o, "<path fill=\"%s\"", color);
  if (extra > 0) buf_printf(o, " stroke=\"%s\" stroke-width=\"%g\" stroke-linejoin=\"round\"", color, extra);
  buf_lit(o, " d=\"");
}

/* The silhouette: every shape first in ink, widened by the outline, then in skin colour, so
** overlapping shapes merge into one figure with one outline. */
static void figure_svg(buf *o, int view) {
  for (int pass = 0; pass < 2; pass++) {
    const char *color = pass ? SKIN : INK;
    double extra = pass ? 0 : 2 * OUTLINE_W;
    path_open(o, color, extra);
    contour_path(o, view);
    buf_lit(o, "\"/>\n");
    for (int side = -1; side <= 1; side += 2) {   /* apart: overlapping subpaths could cancel */
      path_open(o, color, extra);
      smooth_path(o, view, view ? foot_back : foot_front, N_FOOT, side);
      buf_lit(o, "\"/>\n");
    }
    for (size_t i = 0; i < sizeof hand_caps / sizeof hand_caps[0]; i++) capsule_svg(o, view, &hand_caps[i], extra, color);
    for (int side = -1; side <= 1; side += 2) {
      buf_printf(o, "<ellipse fill=\"%s\" ", color);
      ellipse_svg(o, to_x(view, side * EAR_D), EAR_CY, EAR_RX + extra / 2, EAR_RY + extra / 2);
      buf_lit(o, "/>");
    }
    buf_printf(o, "\n<ellipse fill=\"%s\" ", color);
    ellipse_svg(o, CHART_W / 2.0, HEAD_CY, HEAD_RX + extra / 2, HEAD_RY + extra / 2);
    buf_lit(o, "/>\n");
  }
}

typedef struct drawn { int region; double area; } drawn;

static int cmp_drawn(const void *a, const void *b) {
  const drawn *x = a, *y = b;
  if (x->area != y->area) return x->area < y->area ? 1 : -1;   /* large first: small ones on top */
  return x->region - y->region;
}

static void regions_svg(buf *o, const chart *c, int view, const chart_words *w) {
  drawn *list = xmalloc((size_t)c->n * sizeof *list);
  int n = 0;
  for (int i = 0; i < c->n; i++) {
    const ellipse *e = &c->e[i * 2 + view];
    if (e->shown) list[n++] = (drawn){i, e->rx * e->ry};
  }
  qsort(list, (size_t)n, sizeof *list, cmp_drawn);
  for (int k = 0; k < n; k++) {
    const body_region *r = body_at(c->b, list[k].region);
    const ellipse *e = &c->e[list[k].region * 2 + view];
    buf_lit(o, "<ellipse class=\"region\" data-region=\"");
    buf_xml(o, r->id);
    buf_lit(o, "\" ");
    ellipse_svg(o, e->cx, e->cy, e->rx, e->ry);
    buf_lit(o, "><title>");
    buf_xml(o, w && w->region_label ? w->region_label(w->ctx, list[k].region) : r->label);
    if (r->side != BODY_MID) { buf_puts(o, ", "); buf_xml(o, r->side == BODY_L ? (w ? w->left : "left") : (w ? w->right : "right")); }
    buf_lit(o, " (");
    buf_xml(o, r->id);
    buf_lit(o, ")</title></ellipse>\n");
  }
  free(list);
}

/* How each kind of mark is drawn over its region's ellipse, in the order of the table (zones
** under pain, press points on top). */
typedef struct mark_style {
  int kind;
  const char *attrs;     /* fill and stroke; pain's opacity is added from the value */
  const char *legend;
} mark_style;

static const mark_style mark_styles[] = {
  {CHART_ZONE, "fill=\"url(#myomap-zone)\" stroke=\"#ea580c\" stroke-width=\"0.7\"", "referred zone"},
  {CHART_PAIN, "fill=\"#dc2626\" stroke=\"#991b1b\" stroke-width=\"0.7\"", "pain (darker: stronger)"},
  {CHART_DANGER, "fill=\"url(#myomap-danger)\" stroke=\"#b91c1c\" stroke-width=\"1\" stroke-dasharray=\"2 1.2\"", "danger zone"},
  {CHART_PRESS, "fill=\"#16a34a\" stroke=\"#ffffff\" stroke-width=\"0.8\"", "press point"},
};
#define N_MARK_STYLES ((int)(sizeof mark_styles / sizeof mark_styles[0]))
#define PRESS_R 4.6

static void mark_shape(buf *o, const mark_style *s, double cx, double cy, double rx, double ry, int value,
                       const char *label) {
  if (s->kind == CHART_PRESS) {
    buf_lit(o, "<circle cx=\""); num(o, cx); buf_lit(o, "\" cy=\""); num(o, cy);
    buf_lit(o, "\" r=\""); num(o, PRESS_R); buf_printf(o, "\" %s/>", s->attrs);
    if (label && *label) {
      buf_lit(o, "<text x=\""); num(o, cx); buf_lit(o, "\" y=\""); num(o, cy + 2.1);
      buf_lit(o, "\" text-anchor=\"middle\" font-size=\"6\" font-weight=\"bold\" fill=\"#ffffff\">");
      buf_xml(o, label);
      buf_lit(o, "</text>");
    }
  } else {
    buf_lit(o, "<ellipse ");
    ellipse_svg(o, cx, cy, rx, ry);
    buf_printf(o, " %s", s->attrs);
    if (s->kind == CHART_PAIN) {
      int v = value < 0 ? 0 : value > 10 ? 10 : value;
      buf_lit(o, " fill-opacity=\""); num(o, 0.25 + 0.07 * v); buf_putc(o, '"');
    }
    buf_lit(o, "/>");
  }
  buf_putc(o, '\n');
}

static void marks_svg(buf *o, const chart *c, int view, const chart_mark *marks, int n_marks) {
  buf_lit(o, "<g class=\"marks\" pointer-events=\"none\">\n");
  for (int s = 0; s < N_MARK_STYLES; s++)
    for (int i = 0; i < n_marks; i++) {
      const chart_mark *m = &marks[i];
      if (m->kind != mark_styles[s].kind || m->region < 0 || m->region >= c->n) continue;
      const ellipse *e = &c->e[m->region * 2 + view];
      if (!e->shown) continue;
      static const char *const kind_names[] = {"pain", "zone", "press", "danger"};
      buf_printf(o, "<g data-mark=\"%s\" data-region=\"%s\">", kind_names[m->kind], body_at(c->b, m->region)->id);
      mark_shape(o, &mark_styles[s], e->cx, e->cy, e->rx, e->ry, m->value, m->label);
      buf_lit(o, "</g>\n");
    }
  buf_lit(o, "</g>\n");
}

/* Spine, shoulder blades, collarbones and the like: faint lines that tell the views apart. */
static const char *const detail_paths[2] = {
  "M95 98.5 Q84 96 73 97.5 M105 98.5 Q116 96 127 97.5 M98 166 a2 1.5 0 0 0 4 0",
  "M100 86 V244 M61 103 Q74 104 86 110 M139 103 Q126 104 114 110 M79 247 Q89 250.5 98.5 247.5 M121 247 Q111 250.5 101.5 247.5",
};

static const char svg_patterns[] =
  "<pattern id=\"myomap-zone\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
  "<rect width=\"4\" height=\"4\" fill=\"#fed7aa\"/><rect width=\"1.4\" height=\"4\" fill=\"#f97316\"/></pattern>\n"
  "<pattern id=\"myomap-danger\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
  "<rect width=\"4\" height=\"4\" fill=\"#fee2e2\" fill-opacity=\"0.6\"/><rect width=\"1.2\" height=\"4\" fill=\"#dc2626\"/>"
  "<rect width=\"4\" height=\"1.2\" fill=\"#dc2626\"/></pattern>\n";
static const char svg_style[] =
  "<style>"
  ".region{fill:#64748b;fill-opacity:0.06;stroke:#64748b;stroke-opacity:0.45;stroke-width:0.4}"
  ".region:hover{fill:#2563eb;fill-opacity:0.3;stroke:#2563eb;stroke-opacity:1}"
  "</style>\n";

#define SVG_W CHART_SVG_W
#define SVG_H CHART_SVG_H

/* One view's group: its caption, the patient's R and L, the figure, the faint regions and, when
** n_marks >= 0, the marks group. */
static void view_svg(buf *o, const chart *c, int v, const chart_mark *marks, int n_marks, const chart_words *w) {
  const char *captions[2] = {w ? w->front : "Front", w ? w->back : "Back"};
  const char *rl = w ? w->right_letter : "R", *ll = w ? w->left_letter : "L";
  buf_printf(o, "<g class=\"view\" data-view=\"%s\" transform=\"translate(%d %d)\">\n", view_names[v],
             CHART_SVG_X0 + v * CHART_SVG_DX, CHART_SVG_Y0);
  buf_printf(o, "<text x=\"%d\" y=\"-8\" text-anchor=\"middle\" font-size=\"11\" fill=\"#334155\">%s</text>\n",
             CHART_W / 2, captions[v]);
  /* The patient's right and left: the viewer's left and right in front, the reverse behind. */
  buf_printf(o, "<text x=\"6\" y=\"14\" font-size=\"10\" fill=\"#94a3b8\">%s</text>"
             "<text x=\"%d\" y=\"14\" text-anchor=\"end\" font-size=\"10\" fill=\"#94a3b8\">%s</text>\n",
             v == CHART_FRONT ? rl : ll, CHART_W - 6, v == CHART_FRONT ? ll : rl);
  figure_svg(o, v);
  buf_printf(o, "<path d=\"%s\" fill=\"none\" stroke=\"#cbd5e1\" stroke-width=\"0.8\" stroke-linecap=\"round\"/>\n",
             detail_paths[v]);
  buf_lit(o, "<g class=\"regions\">\n");
  regions_svg(o, c, v, w);
  buf_lit(o, "</g>\n");
  if (n_marks >= 0) marks_svg(o, c, v, marks, n_marks);
  buf_lit(o, "</g>\n");
}

/* The mark patterns and the regions' style; with `body`, also both views without marks as the
** symbol chart_svg_marks uses. */
static void defs_svg(buf *o, const chart *c, int body) {
  buf_lit(o, "<defs>\n");
  buf_puts(o, svg_patterns);
  if (body) {
    buf_printf(o, "<symbol id=\"myomap-body\" viewBox=\"0 0 %d %d\">\n", SVG_W, SVG_H);
    for (int v = 0; v < 2; v++) view_svg(o, c, v, NULL, -1, NULL);
    buf_lit(o, "</symbol>\n");
  }
  buf_lit(o, "</defs>\n");
  buf_puts(o, svg_style);
}

void chart_svg_defs(buf *o, const chart *c) { defs_svg(o, c, 1); }

void chart_svg_marks(buf *o, const chart *c, const chart_mark *marks, int n_marks) {
  buf_printf(o, "<use href=\"#myomap-body\" width=\"%d\" height=\"%d\"/>\n", SVG_W, SVG_H);
  for (int v = 0; v < 2; v++) {
    buf_printf(o, "<g data-view=\"%s\" transform=\"translate(%d %d)\">\n", view_names[v],
               CHART_SVG_X0 + v * CHART_SVG_DX, CHART_SVG_Y0);
    marks_svg(o, c, v, marks, n_marks);
    buf_lit(o, "</g>\n");
  }
}

void chart_svg(buf *o, const chart *c, const chart_mark *marks, int n_marks, const char *title) {
  chart_svg_words(o, c, marks, n_marks, title, NULL);
}

void chart_svg_words(buf *o, const chart *c, const chart_mark *marks, int n_marks, const char *title,
                     const chart_words *w) {
  if (!title) title = "Body chart";
  buf_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
             "font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">\n<title>", SVG_W, SVG_H, SVG_W, SVG_H);
  buf_xml(o, title);
  buf_lit(o, "</title>\n");
  defs_svg(o, c, 0);
  buf_printf(o, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", SVG_W, SVG_H);
  buf_printf(o, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\" fill=\"#1e293b\">",
             SVG_W / 2);
  buf_xml(o, title);
  buf_lit(o, "</text>\n");
  for (int v = 0; v < 2; v++) view_svg(o, c, v, marks, n_marks < 0 ? 0 : n_marks, w);
  /* The legend, centred under the views; a text's width is estimated at 4.6 units a letter. */
  double width[N_MARK_STYLES], total = 0;
  const char *legend[N_MARK_STYLES];
  for (int s = 0; s < N_MARK_STYLES; s++) legend[s] = w ? w->legend[s] : mark_styles[s].legend;
  for (int s = 0; s < N_MARK_STYLES; s++) total += width[s] = 4.6 * (double)strlen(legend[s]) + 34;
  buf_lit(o, "<g class=\"legend\" font-size=\"9\" fill=\"#334155\" transform=\"translate(");
  num(o, (SVG_W - total) / 2 + 8);
  buf_printf(o, " %d)\">\n", CHART_SVG_Y0 + CHART_H + 26);
  double x = 0;
  for (int s = 0; s < N_MARK_STYLES; s++) {
    mark_shape(o, &mark_styles[s], x, -3, 6, 4.5, 7, mark_styles[s].kind == CHART_PRESS ? "1" : NULL);
    buf_lit(o, "<text x=\""); num(o, x + 10); buf_lit(o, "\" y=\"0\">");
    buf_xml(o, legend[s]);
    buf_lit(o, "</text>\n");
    x += width[s];
  }
  buf_lit(o, "</g>\n</svg>\n");
}
