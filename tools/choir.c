/* choir.c: generator, run by hand once: writes kb/choir.tsv, each CHOIR Body Map segment as the
** set of our chart regions its outline covers (the method is written at the top of the output).
** Usage: choir CHOIR_DIR KB_DIR > kb/choir.tsv
**   CHOIR_DIR holds segments.tsv and the four *_poly_coords_df.csv outlines (CHOIRBM, MIT);
**   KB_DIR holds regions.tsv and chart.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXV 128      /* vertices of one outline */
#define MAXR 128      /* base regions */
#define COVER 0.25    /* share of a region's ellipse inside a segment that counts as covered */

typedef struct { double x, y; } pt;
typedef struct { int id; char name[64], view[8], side; } segment;
typedef struct { char id[32]; int paired; } base;
typedef struct { int base; int back; double cx, cy, rx, ry; } ellipse;   /* as written: patient's left */
typedef struct { int id; pt v[MAXV]; int n; } poly;

static segment segs[80]; static int n_segs;
static base bases[MAXR]; static int n_bases;
static ellipse ells[2 * MAXR]; static int n_ells;

static void die(const char *what, const char *path) { fprintf(stderr, "choir: %s: %s\n", path, what); exit(1); }

static FILE *open_in(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open", path);
  return f;
}

static int find_base(const char *id) {
  for (int i = 0; i < n_bases; i++) if (!strcmp(bases[i].id, id)) return i;
  return -1;
}

static const segment *find_seg(int id) {
  for (int i = 0; i < n_segs; i++) if (segs[i].id == id) return &segs[i];
  return NULL;
}

/* The female map numbers six front segments differently (CHOIRBM convert_bodymap). */
static int female_to_standard(int id) {
  static const int from[] = {112, 113, 114, 115, 116, 117}, to[] = {116, 117, 112, 113, 114, 115};
  for (int i = 0; i < 6; i++) if (id == from[i]) return to[i];
  return id;
}

static int load_polys(const char *dir, const char *file, poly *out) {
  FILE *f = open_in(dir, file);
  char line[256];
  int n = 0;
  if (!fgets(line, sizeof line, f)) die("empty", file);
  while (fgets(line, sizeof line, f)) {
    int id; double x, y;
    if (sscanf(line, "\"%d\",%lf,%lf", &id, &x, &y) != 3) die("bad line", file);
    if (!n || out[n - 1].id != id) { out[n].id = id; out[n].n = 0; n++; }
    poly *p = &out[n - 1];
    if (p->n >= MAXV) die("outline too long", file);
    p->v[p->n++] = (pt){x, y};
  }
  fclose(f);
  return n;
}

/* Area centroid of a polygon (shoelace). */
static pt centroid(const poly *p) {
  double a = 0, cx = 0, cy = 0;
  for (int i = 0; i < p->n; i++) {
    pt u = p->v[i], w = p->v[(i + 1) % p->n];
    double c = u.x * w.y - w.x * u.y;
    a += c; cx += (u.x + w.x) * c; cy += (u.y + w.y) * c;
  }
  return (pt){cx / (3 * a), cy / (3 * a)};
}

static int inside(const poly *p, pt q) {
  int in = 0;
  for (int i = 0, j = p->n - 1; i < p->n; j = i++) {
    pt a = p->v[i], b = p->v[j];
    if ((a.y > q.y) != (b.y > q.y) && q.x < (b.x - a.x) * (q.y - a.y) / (b.y - a.y) + a.x) in = !in;
  }
  return in;
}

/* A region's ellipse on a side: the chart writes the patient's left; the right is x -> 200 - x. */
static ellipse on_side(const ellipse *e, char side) {
  ellipse r = *e;
  if (side == 'r' && bases[e->base].paired) r.cx = 200 - e->cx;
  return r;
}

/* The landmarks: a segment (standard numbering, the patient's right one for a pair; its mirror
** is paired with the mirror point) and the chart regions whose centres it corresponds to. */
typedef struct { int right, left; const char *regions; } landmark;
static const landmark front_marks[] = {
  {101, 102, "forehead"}, {103, 104, "cheek jaw eye"}, {105, 106, "neck-front neck-side"},
  {107, 110, "shoulder-front shoulder-side"}, {108, 109, "chest abdomen-upper"}, {111, 112, "upper-arm-front"},
  {113, 114, "elbow-front"}, {115, 118, "forearm-front"}, {116, 117, "abdomen-lower"}, {119, 124, "wrist-front"},
  {120, 123, "hip-lateral"}, {121, 122, "groin"}, {125, 128, "palm middle-finger"}, {126, 127, "thigh-front"},
  {129, 130, "knee-front"}, {131, 132, "shin leg-outer"}, {133, 134, "ankle-front"}, {135, 136, "foot-top toes"},
};
static const landmark back_marks[] = {
  {202, 201, "occiput"}, {204, 203, "mastoid suboccipital"}, {206, 205, "neck-back neck-side"},
  {210, 207, "shoulder-back scapula"}, {209, 208, "interscapular"}, {214, 211, "upper-arm-back"},
  {213, 212, "mid-back"}, {216, 215, "elbow-back"}, {220, 217, "forearm-back"}, {219, 218, "low-back"},
  {226, 221, "wrist-back"}, {225, 222, "hip-lateral"}, {224, 223, "buttock"}, {230, 227, "hand-back middle-finger"},
  {229, 228, "thigh-back"}, {232, 231, "knee-back"}, {234, 233, "calf"}, {236, 235, "ankle-inner ankle-outer"},
  {238, 237, "sole heel"},
};

typedef struct { pt from, to; } pair;
typedef struct { double a[6]; pair *marks; int n; } warp;

static pt affine(const double *a, pt p) { return (pt){a[0] * p.x + a[1] * p.y + a[2], a[3] * p.x + a[4] * p.y + a[5]}; }

/* Solve the 3x3 system m x = v (Gaussian elimination with pivoting). */
static void solve3(double m[3][3], double v[3], double x[3]) {
  for (int c = 0; c < 3; c++) {
    int piv = c;
    for (int r = c + 1; r < 3; r++) if (fabs(m[r][c]) > fabs(m[piv][c])) piv = r;
    for (int k = 0; k < 3; k++) { double t = m[c][k]; m[c][k] = m[piv][k]; m[piv][k] = t; }
    double t = v[c]; v[c] = v[piv]; v[piv] = t;
    for (int r = c + 1; r < 3; r++) {
      double f = m[r][c] / m[c][c];
      for (int k = c; k < 3; k++) m[r][k] -= f * m[c][k];
      v[r] -= f * v[c];
    }
  }
  for (int c = 2; c >= 0; c--) {
    double s = v[c];
    for (int k = c + 1; k < 3; k++) s -= m[c][k] * x[k];
    x[c] = s / m[c][c];
  }
}

/* The least-squares affine map of the landmarks, then the residuals spread by inverse squared
** distance (Shepard), so each landmark lands exactly on its chart point. */
static void warp_fit(warp *w) {
  for (int out = 0; out < 2; out++) {
    double m[3][3] = {{0}}, v[3] = {0}, x[3];
    for (int i = 0; i < w->n; i++) {
      double row[3] = {w->marks[i].from.x, w->marks[i].from.y, 1}, t = out ? w->marks[i].to.y : w->marks[i].to.x;
      for (int r = 0; r < 3; r++) { for (int c = 0; c < 3; c++) m[r][c] += row[r] * row[c]; v[r] += row[r] * t; }
    }
    solve3(m, v, x);
    for (int c = 0; c < 3; c++) w->a[out * 3 + c] = x[c];
  }
}

static pt warp_apply(const warp *w, pt p) {
  pt q = affine(w->a, p);
  double sw = 0, dx = 0, dy = 0;
  for (int i = 0; i < w->n; i++) {
    pt f = w->marks[i].from, t = w->marks[i].to, af = affine(w->a, f);
    double d2 = (p.x - f.x) * (p.x - f.x) + (p.y - f.y) * (p.y - f.y);
    if (d2 < 1e-9) return t;
    double wt = 1 / (d2 * d2);
    sw += wt; dx += wt * (t.x - af.x); dy += wt * (t.y - af.y);
  }
  return (pt){q.x + dx / sw, q.y + dy / sw};
}

/* The mean centre of the named regions on a side of a view. */
static pt chart_point(const char *names, int back, char side) {
  char copy[128], *save = NULL;
  snprintf(copy, sizeof copy, "%s", names);
  double x = 0, y = 0; int n = 0;
  for (char *s = strtok_r(copy, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
    int b = find_base(s), found = 0;
    for (int i = 0; i < n_ells; i++)
      if (ells[i].base == b && ells[i].back == back) { ellipse e = on_side(&ells[i], side); x += e.cx; y += e.cy; n++; found = 1; }
    if (!found) die("landmark region not on this view of the chart", s);
  }
  return (pt){x / n, y / n};
}

static const char *const maps[2] = {"male", "female"};
static const char *const views[2] = {"front", "back"};

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: choir CHOIR_DIR KB_DIR > kb/choir.tsv\n"); return 1; }
  char line[512];
  FILE *f = open_in(argv[1], "segments.tsv");
  if (!fgets(line, sizeof line, f)) die("empty", "segments.tsv");
  while (fgets(line, sizeof line, f)) {
    segment *s = &segs[n_segs];
    char key[8];
    if (sscanf(line, "%d\t%7s\t%63[^\t]\t%7s\t%c", &s->id, key, s->name, s->view, &s->side) != 5) die("bad line", "segments.tsv");
    n_segs++;
  }
  fclose(f);
  f = open_in(argv[2], "regions.tsv");
  while (fgets(line, sizeof line, f)) {
    char id[32], label[128], view[8], paired[8];
    if (line[0] == '#' || sscanf(line, "%31[^\t]\t%127[^\t]\t%7[^\t]\t%7[^\t]", id, label, view, paired) != 4 || !strcmp(id, "id")) continue;
    snprintf(bases[n_bases].id, sizeof bases[n_bases].id, "%s", id);
    bases[n_bases++].paired = !strcmp(paired, "yes");
  }
  fclose(f);
  f = open_in(argv[2], "chart.tsv");
  while (fgets(line, sizeof line, f)) {
    char id[32], view[8];
    ellipse e;
    if (line[0] == '#' || sscanf(line, "%31s %7s %lf %lf %lf %lf", id, view, &e.cx, &e.cy, &e.rx, &e.ry) != 6) continue;
    if ((e.base = find_base(id)) < 0) die("unknown region in chart.tsv", id);
    e.back = !strcmp(view, "back");
    ells[n_ells++] = e;
  }
  fclose(f);

  printf("# choir.tsv: the CHOIR Body Map's 74 segments (ids 101-136 front, 201-238 back) as sets of our\n"
         "# regions, for `myomap where --choir`.  Generated by tools/choir.c from the segment outlines of\n"
         "# CHOIRBM (Eric Cramer, MIT licence: Copyright (c) 2021 Eric Cramer; permission is granted to use,\n"
         "# copy, modify and distribute with this notice) and the segment names of the REDCap image-map\n"
         "# painmap (Copyright 2017 University of Florida, Apache License 2.0), against kb/chart.tsv.\n"
         "# Method: per map (male, female) and view, each segment's outline is moved into the chart's\n"
         "# 200 x 440 box by a warp fitted on landmarks (all %d front and %d back segments: a segment's area\n"
         "# centroid and the mean centre of the chart regions it corresponds to, e.g. Knee (front-right)\n"
         "# and knee-front-r):\n"
         "# the least-squares affine map of the landmarks, plus their residuals spread by inverse distance\n"
         "# to the fourth power.  Each region's ellipse on that view is sampled on a 21 x 21 grid; a region is\n"
         "# covered by a segment when at least %.0f%% of its samples fall inside the warped outline and the\n"
         "# sides agree (a midline region goes with either side), or when the segment holds more of it than\n"
         "# any other segment does.  A segment that covers no region that way takes the region whose\n"
         "# ellipse it holds most of.  Female maps use their own outlines and numbering (their ids 112-117\n"
         "# are 116, 117, 112, 113, 114, 115 of the standard map).\n"
         "# A coarse segment means \"pain somewhere in it\" to the ranking: its regions are one unit.\n"
         "# Columns: map, id, view, side (the patient's l or r), name, the regions it covers.\n",
         (int)(sizeof front_marks / sizeof front_marks[0]) * 2, (int)(sizeof back_marks / sizeof back_marks[0]) * 2, COVER * 100);
  static poly polys[80];
  for (int mi = 0; mi < 2; mi++)
  for (int vi = 0; vi < 2; vi++) {
    char file[64];
    snprintf(file, sizeof file, "%s_%s_poly_coords_df.csv", maps[mi], views[vi]);
    int np = load_polys(argv[1], file, polys);
    /* landmarks */
    const landmark *lm = vi ? back_marks : front_marks;
    int nl = vi ? (int)(sizeof back_marks / sizeof *back_marks) : (int)(sizeof front_marks / sizeof *front_marks);
    pair marks[64];
    warp w = {{0}, marks, 0};
    for (int i = 0; i < nl; i++)
      for (int s = 0; s < 2; s++) {
        int std = s ? lm[i].left : lm[i].right;
        const poly *p = NULL;
        for (int j = 0; j < np; j++) if ((mi ? female_to_standard(polys[j].id) : polys[j].id) == std) p = &polys[j];
        if (!p) { fprintf(stderr, "choir: %s: no outline for landmark %d\n", file, std); return 1; }
        marks[w.n].from = centroid(p);
        marks[w.n].to = chart_point(lm[i].regions, vi, s ? 'l' : 'r');
        w.n++;
      }
    warp_fit(&w);
    poly warped[80];
    for (int j = 0; j < np; j++) {
      warped[j].id = polys[j].id;
      warped[j].n = polys[j].n;
      for (int k = 0; k < polys[j].n; k++) warped[j].v[k] = warp_apply(&w, polys[j].v[k]);
    }
    /* share of each side-region's ellipse inside each segment */
    static double share[80][2 * MAXR][2];
    memset(share, 0, sizeof share);
    for (int e = 0; e < n_ells; e++) {
      if (ells[e].back != vi) continue;
      for (int s = 0; s < 2; s++) {
        if (s && !bases[ells[e].base].paired) continue;
        ellipse el = on_side(&ells[e], s ? 'r' : 'l');
        int total = 0;
        for (int gx = 0; gx < 21; gx++)
          for (int gy = 0; gy < 21; gy++) {
            double u = (gx - 10) / 10.0, v = (gy - 10) / 10.0;
            if (u * u + v * v > 1) continue;
            total++;
            pt q = {el.cx + u * el.rx, el.cy + v * el.ry};
            for (int j = 0; j < np; j++) if (inside(&warped[j], q)) share[j][e][s]++;
          }
        for (int j = 0; j < np; j++) share[j][e][s] /= total;
      }
    }
    for (int j = 0; j < np; j++) {
      int std = mi ? female_to_standard(polys[j].id) : polys[j].id;
      const segment *sg = find_seg(std);
      if (!sg) { fprintf(stderr, "choir: %s: segment %d not in segments.tsv\n", file, polys[j].id); return 1; }
      printf("%s\t%d\t%s\t%c\t%s\t", maps[mi], polys[j].id, sg->view, sg->side, sg->name);
      int n = 0, best_e = -1, best_s = 0;
      double best = 0;
      for (int e = 0; e < n_ells; e++) {
        if (ells[e].back != vi) continue;
        for (int s = 0; s < 2; s++) {
          int paired = bases[ells[e].base].paired;
          if (s && !paired) continue;
          char side = paired ? (s ? 'r' : 'l') : 0;
          if (side && side != sg->side) continue;
          double sh = share[j][e][s];
          if (sh > best) { best = sh; best_e = e; best_s = s; }
          int most = sh > 0;
          for (int k = 0; k < np && most; k++) if (k != j && share[k][e][s] > sh) most = 0;
          if (sh >= COVER || most) {
            printf("%s%s%s", n++ ? " " : "", bases[ells[e].base].id, side == 'l' ? "-l" : side == 'r' ? "-r" : "");
          }
        }
      }
      if (!n && best_e >= 0) {
        int paired = bases[ells[best_e].base].paired;
        printf("%s%s", bases[ells[best_e].base].id, !paired ? "" : best_s ? "-r" : "-l");
        n++;
      }
      if (!n) { fprintf(stderr, "choir: %s: segment %d covers no region\n", file, polys[j].id); return 1; }
      printf("\n");
    }
  }
  return 0;
}
