/* chart.h: the body chart: where each region sits in the front and back views, drawn as SVG. */
#ifndef MYOMAP_CHART_H
#define MYOMAP_CHART_H

#include <stddef.h>

#include "body.h"
#include "util.h"

/* Each view is a box of CHART_W x CHART_H units, x to the right and y down.  The front view
** shows the patient facing the viewer (their left on the viewer's right, x > 100), the back
** view from behind (their left on the viewer's left, x < 100). */
#define CHART_W 200
#define CHART_H 440

enum chart_view { CHART_FRONT = 0, CHART_BACK = 1 };

typedef struct chart chart;

/* Parse chart.tsv text (`len` bytes) against the body model `b`, which must outlive the chart.
** A line is `region<TAB>view<TAB>cx<TAB>cy<TAB>rx<TAB>ry`: a base region id of the body model,
** front or back, and the ellipse of the patient's left instance (x > 100 in the front view,
** x < 100 in the back view; the right instance is the mirror x -> 200 - x) or of a midline
** region (centred on x = 100), lying inside the view box; blank lines and lines starting with
** '#' are skipped.  Every base region needs exactly one line for each view where the body
** model shows it (view front, back, or both) and none for another view.
** Returns 0 and sets *out (free with chart_free), or -1 and appends one line per error to
** `errors` (at most 30), each "chart.tsv:LINE: what is wrong"; a missing region names the last
** line. */
int chart_load(chart **out, const body *b, const char *text, size_t len, buf *errors);

/* chart_load over the copy of kb/chart.tsv embedded in the binary (builtin_find).  Returns as
** chart_load, or -1 with "kb/chart.tsv: not embedded in this binary" when it is missing. */
int chart_load_builtin(chart **out, const body *b, buf *errors);

/* Free a chart from chart_load (NULL is fine).  The body model is not freed. */
void chart_free(chart *c);

/* What a mark shows on a region. */
enum chart_mark_kind {
  CHART_PAIN,    /* the patient's pain: filled red, more opaque for a higher value */
  CHART_ZONE,    /* a referred-pain zone: light orange, hatched */
  CHART_PRESS,   /* where to press: a green dot at the region's centre, with the label */
  CHART_DANGER   /* a danger zone to avoid: red cross-hatched */
};

typedef struct chart_mark {
  int region;         /* concrete region index of the body model (body_find) */
  int kind;           /* enum chart_mark_kind */
  int value;          /* 0-10 intensity for CHART_PAIN (clamped), else ignored */
  const char *label;  /* optional short text, e.g. "1" for a numbered press point, or NULL */
} chart_mark;

/* Append to `out` a self-contained SVG document (no scripts, no external references; all text
** escaped) of the front and back views side by side under `title` (NULL: "Body chart").  It
** holds a neutral body outline, every region shown in a view as a faint
** <ellipse class="region" data-region="ID"> with a <title> giving its label, side and id, the
** `n_marks` marks drawn over the regions (in both views for a region shown in both; a mark
** whose region or kind is out of range is skipped), the patient's R and L beside each view
** and a legend.  Marks ignore the pointer, so a page can make the regions clickable. */
void chart_svg(buf *out, const chart *c, const chart_mark *marks, int n_marks, const char *title);

/* The words chart_svg writes, for a chart in another language: the views' captions, the
** letters of the patient's right and left, the side words of a region's <title>, the legend
** (referred zone, pain, danger zone, press point), and each region's label (NULL: the body
** model's). */
typedef struct chart_words {
  const char *front, *back, *right_letter, *left_letter, *left, *right;
  const char *legend[4];
  const char *(*region_label)(const void *ctx, int region);
  const void *ctx;
} chart_words;

/* chart_svg with the words `w` (NULL: English, as chart_svg). */
void chart_svg_words(buf *out, const chart *c, const chart_mark *marks, int n_marks, const char *title,
                     const chart_words *w);

/* The position of the chart's views in chart_svg's coordinates: view v's box starts at
** (CHART_SVG_X0 + v * CHART_SVG_DX, CHART_SVG_Y0). */
#define CHART_SVG_X0 10
#define CHART_SVG_DX 220
#define CHART_SVG_Y0 56
/* The size of chart_svg's document. */
#define CHART_SVG_W (2 * CHART_SVG_X0 + CHART_SVG_DX + CHART_W)
#define CHART_SVG_H (CHART_SVG_Y0 + CHART_H + 40)

/* Many small charts in one document (a pain drawing per visit): chart_svg_defs appends, once,
** the mark patterns and a <symbol id="myomap-body"> of both views without marks (as chart_svg
** draws them, CHART_SVG_W x CHART_SVG_H units, no title or legend); chart_svg_marks then appends
** one chart: a <use> of that symbol and the marks over it, in the same coordinates. */
void chart_svg_defs(buf *out, const chart *c);
void chart_svg_marks(buf *out, const chart *c, const chart_mark *marks, int n_marks);

/* The centre of concrete region `region` in `view` (CHART_FRONT or CHART_BACK), in the view's
** box.  Returns 0 and sets *x, *y, or -1 if the region is not drawn in that view (or either
** argument is out of range). */
int chart_point(const chart *c, int region, int view, double *x, double *y);

#endif
