/* choir.c: the CHOIR Body Map (74 segments, ids 101-136 front and 201-238 back) as sets of
** our body regions (kb/choir.tsv), for ranking a CHOIR drawing and naming a drawing's segments. */
#include "choir.h"
#include "builtin.h"

#include <stdlib.h>
#include <string.h>

typedef struct seg {
  int id;           /* 0 when the map lacks it */
  char *name;
  int regions[CHOIR_MAX_REGIONS];
  int n_regions;
} seg;

struct choir {
  const body *b;
  seg segs[CHOIR_N_MAPS][CHOIR_N_SEGMENTS];
};

static const char *const map_names[CHOIR_N_MAPS] = {"male", "female"};

const char *choir_map_name(int map) { return map >= 0 && map < CHOIR_N_MAPS ? map_names[map] : ""; }

int choir_find_map(const char *name, size_t n) {
  for (int i = 0; i < CHOIR_N_MAPS; i++)
    if (strlen(map_names[i]) == n && !memcmp(map_names[i], name, n)) return i;
  return -1;
}

/* 101-136 -> 0-35, 201-238 -> 36-73, else -1 */
static int slot(int id) {
  if (id >= 101 && id <= 136) return id - 101;
  if (id >= 201 && id <= 238) return id - 201 + 36;
  return -1;
}

static int slot_id(int s) { return s < 36 ? 101 + s : 201 + s - 36; }

void choir_free(choir *c) {
  if (!c) return;
  for (int m = 0; m < CHOIR_N_MAPS; m++)
    for (int s = 0; s < CHOIR_N_SEGMENTS; s++) free(c->segs[m][s].name);
  free(c);
}

/* the next tab-separated field of line [*p, end), NUL-terminated in place */
static char *field(char **p, char *end) {
  if (*p >= end) return NULL;
  char *s = *p, *t = memchr(s, '\t', (size_t)(end - s));
  if (!t) t = end;
  *t = 0;
  *p = t + 1;
  return s;
}

int choir_load(choir **out, const body *b, const char *name, const char *text, size_t len, buf *errors) {
  choir *c = xcalloc(1, sizeof *c);
  c->b = b;
  char *copy = xstrndup(text, len), *p = copy, *end = copy + len;
  int bad = 0, lineno = 0;
#define ERR(...) do { if (bad++ < 30) { buf_printf(errors, "%s:%d: ", name, lineno); buf_printf(errors, __VA_ARGS__); buf_putc(errors, '\n'); } } while (0)
  while (p < end) {
    char *nl = memchr(p, '\n', (size_t)(end - p)), *line = p;
    if (!nl) nl = end;
    *nl = 0;
    p = nl + 1;
    lineno++;
    if (nl > line && nl[-1] == '\r') nl[-1] = 0;
    if (!*line || *line == '#') continue;
    char *q = line, *lend = line + strlen(line);
    char *fm = field(&q, lend), *fid = field(&q, lend), *fview = field(&q, lend), *fside = field(&q, lend),
         *fname = field(&q, lend), *fregs = field(&q, lend);
    if (!fregs) { ERR("expected 6 tab-separated columns: map, id, view, side, name, regions"); continue; }
    int map = choir_find_map(fm, strlen(fm));
    if (map < 0) { ERR("unknown map \"%s\" (use male or female)", fm); continue; }
    char *e;
    long id = strtol(fid, &e, 10);
    int s = *e ? -1 : slot((int)id);
    if (s < 0) { ERR("segment id \"%s\" is not one of 101-136 or 201-238", fid); continue; }
    if ((s < 36) != !strcmp(fview, "front") || (strcmp(fview, "front") && strcmp(fview, "back"))) {
      ERR("segment %ld: view \"%s\" should be %s", id, fview, s < 36 ? "front" : "back"); continue;
    }
    int side = !strcmp(fside, "l") ? BODY_L : !strcmp(fside, "r") ? BODY_R : -1;
    if (side < 0) { ERR("segment %ld: side \"%s\" should be l or r", id, fside); continue; }
    seg *sg = &c->segs[map][s];
    if (sg->id) { ERR("segment %ld given twice for the %s map", id, fm); continue; }
    if (!*fname) { ERR("segment %ld has no name", id); continue; }
    sg->id = (int)id;
    sg->name = xstrdup(fname);
    char *save = NULL;
    for (char *r = strtok_r(fregs, " ", &save); r; r = strtok_r(NULL, " ", &save)) {
      int ri = body_find(b, r);
      if (ri < 0) {
        const char *hint = body_suggest(b, r);
        ERR("segment %ld: unknown region \"%s\"%s%s%s", id, r, hint ? " (did you mean \"" : "", hint ? hint : "", hint ? "\"?)" : "");
        continue;
      }
      if (body_at(b, ri)->side != BODY_MID && body_at(b, ri)->side != side) {
        ERR("segment %ld is on the %s side but region %s is not", id, side == BODY_L ? "left" : "right", r);
        continue;
      }
      int dup = 0;
      for (int i = 0; i < sg->n_regions; i++) dup |= sg->regions[i] == ri;
      if (dup) { ERR("segment %ld: region %s twice", id, r); continue; }
      if (sg->n_regions >= CHOIR_MAX_REGIONS) { ERR("segment %ld: more than %d regions", id, CHOIR_MAX_REGIONS); break; }
      sg->regions[sg->n_regions++] = ri;
    }
    if (!sg->n_regions) ERR("segment %ld covers no region", id);
  }
  lineno = 0;
  for (int m = 0; m < CHOIR_N_MAPS; m++)
    for (int s = 0; s < CHOIR_N_SEGMENTS; s++)
      if (!c->segs[m][s].id) ERR("the %s map lacks segment %d", map_names[m], slot_id(s));
#undef ERR
  free(copy);
  if (bad) { choir_free(c); *out = NULL; return bad; }
  *out = c;
  return 0;
}

const choir *choir_builtin(void) {
  static choir *shared;
  if (!shared) {
    const builtin_file *f = builtin_find("kb/choir.tsv");
    const body *b = body_builtin();
    buf err;
    buf_init(&err);
    if (!f || !b || choir_load(&shared, b, "kb/choir.tsv", (const char *)f->data, f->len, &err)) shared = NULL;
    buf_free(&err);
  }
  return shared;
}

static const seg *find(const choir *c, int map, int id) {
  int s = slot(id);
  if (!c || map < 0 || map >= CHOIR_N_MAPS || s < 0 || !c->segs[map][s].id) return NULL;
  return &c->segs[map][s];
}

int choir_segment(const choir *c, int map, int id, const int **regions) {
  const seg *sg = find(c, map, id);
  if (!sg) return -1;
  *regions = sg->regions;
  return sg->n_regions;
}

const char *choir_segment_name(const choir *c, int map, int id) {
  const seg *sg = find(c, map, id);
  return sg ? sg->name : NULL;
}

int choir_segments_of(const choir *c, int map, int region, int *ids, int max) {
  int n = 0;
  if (!c || map < 0 || map >= CHOIR_N_MAPS) return 0;
  for (int s = 0; s < CHOIR_N_SEGMENTS && n < max; s++) {
    const seg *sg = &c->segs[map][s];
    for (int i = 0; i < sg->n_regions; i++)
      if (sg->regions[i] == region) { ids[n++] = sg->id; break; }
  }
  return n;
}
