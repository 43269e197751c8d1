/* body.c: the body model: canonical regions, their sides and mirroring. */
#include "body.h"
#include "builtin.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_SIZE 1024   /* a power of two, well above the number of regions */

static unsigned hash_id(const char *s, size_t n) { return body_hash(s, n); }

/* A hash slot: the concrete index + 1 in the low 10 bits, the id's length (up to HASH_LEN_MAX,
** which stands for that or more) in the next 7 and 14 more bits of the hash above them, so that a
** probe compares only an id of the right length and nearly always only the right id. */
#define HASH_LEN_MAX 127
static int hash_key(size_t n, unsigned hash) {
  return (int)((n < HASH_LEN_MAX ? n : HASH_LEN_MAX) << 10 | (hash >> 18 & 0x3fff) << 17);
}
static int hash_entry(int i, size_t n, unsigned hash) { return (i + 1) | hash_key(n, hash); }

/* Whether a[0..n) and b[0..n) are the same bytes, compared a word at a time. */
static int same_bytes(const char *a, const char *b, size_t n) {
  uint64_t x, y;
  if (n < 8) {
    if (n >= 4) {
      uint32_t u, v, u2, v2;
      memcpy(&u, a, 4); memcpy(&v, b, 4); memcpy(&u2, a + n - 4, 4); memcpy(&v2, b + n - 4, 4);
      return ((u ^ v) | (u2 ^ v2)) == 0;
    }
    return n == 0 || memcmp(a, b, n) == 0;
  }
  for (size_t i = 0; i + 8 < n; i += 8) {
    memcpy(&x, a + i, 8); memcpy(&y, b + i, 8);
    if (x != y) return 0;
  }
  memcpy(&x, a + n - 8, 8); memcpy(&y, b + n - 8, 8);
  return x == y;
}

typedef struct base {
  char *id, *label, *view, *group;
  int paired;
  int left, right;  /* concrete indices; for midline both are the one region */
} base;

struct body {
  base *bases;
  int n_bases;
  body_region *regions;  /* sorted by id */
  int n_regions;
  int *base_order;       /* base indices sorted by base id */
  int hash[HASH_SIZE];   /* open addressing: hash_entry (index + 1 and length), or 0 */
};

static int cmp_region(const void *a, const void *b) {
  return strcmp(((const body_region *)a)->id, ((const body_region *)b)->id);
}

static const body *cmp_body;
static int cmp_base(const void *a, const void *b) {
  return strcmp(cmp_body->bases[*(const int *)a].id, cmp_body->bases[*(const int *)b].id);
}

void body_free(body *b) {
  if (!b) return;
  for (int i = 0; i < b->n_bases; i++) {
    free(b->bases[i].id); free(b->bases[i].label);
    free(b->bases[i].view); free(b->bases[i].group);
  }
  for (int i = 0; i < b->n_regions; i++) free((char *)b->regions[i].id);
  free(b->bases);
  free(b->regions);
  free(b->base_order);
  free(b);
}

int body_load(body **out, const char *tsv, size_t len, char *err, size_t errlen) {
  body *b = xcalloc(1, sizeof *b);
  char *text = xstrndup(tsv, len);
  int cap = 0, lineno = 0, rc = 0;
  for (char *at = text, *line; (line = util_line(&at));) {
    lineno++;
    if (!*line || line[0] == '#' || strncmp(line, "id\t", 3) == 0) continue;
    char *f[5];
    if (util_split_tabs(line, f, 5) != 5 || !*f[0]) {
      snprintf(err, errlen, "regions.tsv:%d: expected 5 tab-separated fields: id label view paired group", lineno);
      rc = -1;
      break;
    }
    if (strcmp(f[3], "yes") && strcmp(f[3], "no")) {
      snprintf(err, errlen, "regions.tsv:%d: paired must be yes or no, not \"%s\"", lineno, f[3]);
      rc = -1;
      break;
    }
    if (b->n_bases == cap) {
      cap = cap ? cap * 2 : 128;
      b->bases = xrealloc(b->bases, (size_t)cap * sizeof *b->bases);
    }
    base *ba = &b->bases[b->n_bases++];
    ba->id = xstrdup(f[0]); ba->label = xstrdup(f[1]); ba->view = xstrdup(f[2]);
    ba->group = xstrdup(f[4]);
    ba->paired = strcmp(f[3], "yes") == 0;
  }
  free(text);
  if (rc == 0 && b->n_bases == 0) {
    snprintf(err, errlen, "regions.tsv: no regions");
    rc = -1;
  }
  if (rc) { body_free(b); return rc; }

  int n = 0;
  for (int i = 0; i < b->n_bases; i++) n += b->bases[i].paired ? 2 : 1;
  b->regions = xcalloc((size_t)n, sizeof *b->regions);
  for (int i = 0; i < b->n_bases; i++) {
    base *ba = &b->bases[i];
    for (int s = 0; s < (ba->paired ? 2 : 1); s++) {
      body_region *r = &b->regions[b->n_regions++];
      size_t l = strlen(ba->id);
      char *id = xmalloc(l + 3);
      memcpy(id, ba->id, l + 1);
      if (ba->paired) { id[l] = '-'; id[l + 1] = s ? 'r' : 'l'; id[l + 2] = 0; }
      r->id = id; r->base = ba->id; r->label = ba->label; r->view = ba->view;
      r->group = ba->group; r->base_index = i;
      r->side = ba->paired ? (s ? BODY_R : BODY_L) : BODY_MID;
    }
  }
  qsort(b->regions, (size_t)b->n_regions, sizeof *b->regions, cmp_region);
  for (int i = 1; i < b->n_regions; i++)
    if (strcmp(b->regions[i - 1].id, b->regions[i].id) == 0) {
      snprintf(err, errlen, "regions.tsv: duplicate region \"%s\"", b->regions[i].id);
      body_free(b);
      return -1;
    }
  for (int i = 0; i < b->n_regions; i++) {
    body_region *r = &b->regions[i];
    base *ba = &b->bases[r->base_index];
    if (r->side == BODY_R) ba->right = i;
    else if (r->side == BODY_L) ba->left = i;
    else ba->left = ba->right = i;
  }
  for (int i = 0; i < b->n_regions; i++) {
    body_region *r = &b->regions[i];
    base *ba = &b->bases[r->base_index];
    r->mirror = r->side == BODY_L ? ba->right : r->side == BODY_R ? ba->left : i;
  }
  if (b->n_regions > HASH_SIZE / 2) {
    snprintf(err, errlen, "regions.tsv: too many regions (at most %d)", HASH_SIZE / 2);
    body_free(b);
    return -1;
  }
  for (int i = 0; i < b->n_regions; i++) {
    size_t n = strlen(b->regions[i].id);
    unsigned full = hash_id(b->regions[i].id, n), h = full & (HASH_SIZE - 1);
    while (b->hash[h]) h = (h + 1) & (HASH_SIZE - 1);
    b->hash[h] = hash_entry(i, n, full);
  }
  b->base_order = xmalloc((size_t)b->n_bases * sizeof *b->base_order);
  for (int i = 0; i < b->n_bases; i++) b->base_order[i] = i;
  cmp_body = b;
  qsort(b->base_order, (size_t)b->n_bases, sizeof *b->base_order, cmp_base);
  *out = b;
  return 0;
}

#ifdef MYOMAP_BOOTSTRAP
/* tools/kbgen.c, which writes the tables, parses the embedded text instead */
const body *body_builtin(void) {
  static body *shared;
  if (!shared) {
    const builtin_file *f = builtin_find("kb/regions.tsv");
    char err[256];
    if (!f || body_load(&shared, (const char *)f->data, f->len, err, sizeof err)) return NULL;
  }
  return shared;
}
#else
/* body_data: kb/regions.tsv as constant tables, written by tools/kbgen.c with body_write_c */
#define KBDATA_BODY
#include "kbdata.inc"
const body *body_builtin(void) { return &body_data; }
#endif

/* a body_region or base that grows fails the build here (64-bit) until body_write_c writes it */
#if UINTPTR_MAX == 0xffffffffffffffffu
_Static_assert(sizeof(body_region) == 56 && sizeof(base) == 48, "write the new field in body_write_c");
#endif

void body_write_c(const body *b, buf *out) {
  buf_printf(out, "static const base body_bases[%d] = {\n", b->n_bases);
  for (int i = 0; i < b->n_bases; i++) {
    const base *ba = &b->bases[i];
    buf_lit(out, "  {.id = (char *)"); buf_c_str(out, ba->id);
    buf_lit(out, ", .label = (char *)"); buf_c_str(out, ba->label);
    buf_lit(out, ", .view = (char *)"); buf_c_str(out, ba->view);
    buf_lit(out, ", .group = (char *)"); buf_c_str(out, ba->group);
    buf_printf(out, ", .paired = %d, .left = %d, .right = %d},\n", ba->paired, ba->left, ba->right);
  }
  buf_printf(out, "};\nstatic const body_region body_regions[%d] = {\n", b->n_regions);
  for (int i = 0; i < b->n_regions; i++) {
    const body_region *r = &b->regions[i];
    buf_lit(out, "  {.id = "); buf_c_str(out, r->id);
    buf_lit(out, ", .base = "); buf_c_str(out, r->base);
    buf_lit(out, ", .label = "); buf_c_str(out, r->label);
    buf_lit(out, ", .view = "); buf_c_str(out, r->view);
    buf_lit(out, ", .group = "); buf_c_str(out, r->group);
    buf_printf(out, ", .side = %d, .mirror = %d, .base_index = %d},\n", r->side, r->mirror, r->base_index);
  }
  buf_printf(out, "};\nstatic const int body_base_order[%d] = {", b->n_bases);
  for (int i = 0; i < b->n_bases; i++) buf_printf(out, "%s%d", i ? "," : "", b->base_order[i]);
  buf_printf(out, "};\nstatic const body body_data = {\n  .bases = (base *)body_bases, .n_bases = %d,\n"
                  "  .regions = (body_region *)body_regions, .n_regions = %d,\n"
                  "  .base_order = (int *)body_base_order,\n  .hash = {", b->n_bases, b->n_regions);
  for (int i = 0; i < HASH_SIZE; i++) buf_printf(out, "%s%s%d", i ? "," : "", i % 32 ? "" : "\n    ", b->hash[i]);
  buf_lit(out, "}};\n");
}

int body_n(const body *b) { return b->n_regions; }
const body_region *body_at(const body *b, int i) { return &b->regions[i]; }
int body_n_bases(const body *b) { return b->n_bases; }
const char *body_base_id(const body *b, int i) { return b->bases[i].id; }
int body_base_paired(const body *b, int i) { return b->bases[i].paired; }

int body_findn(const body *b, const char *id, size_t n) { return body_findh(b, id, n, hash_id(id, n)); }

int body_findh(const body *b, const char *id, size_t n, unsigned hash) {
  int want = hash_key(n, hash);
  for (unsigned h = hash & (HASH_SIZE - 1); b->hash[h]; h = (h + 1) & (HASH_SIZE - 1)) {
    int e = b->hash[h], i = (e & 0x3ff) - 1;
    if ((e & ~0x3ff) != want) continue;
    const char *m = b->regions[i].id;
    if (n < HASH_LEN_MAX ? same_bytes(m, id, n) : strlen(m) == n && memcmp(m, id, n) == 0) return i;
  }
  return -1;
}

int body_find(const body *b, const char *id) { return body_findn(b, id, strlen(id)); }

int body_find_base(const body *b, const char *id) {
  int lo = 0, hi = b->n_bases - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(id, b->bases[b->base_order[mid]].id);
    if (c == 0) return b->base_order[mid];
    if (c < 0) hi = mid - 1; else lo = mid + 1;
  }
  return -1;
}

int body_concrete(const body *b, int bi, int side) {
  const base *ba = &b->bases[bi];
  if (!ba->paired) return ba->left;
  if (side == BODY_L) return ba->left;
  if (side == BODY_R) return ba->right;
  return -1;
}

int body_mirror(const body *b, int region) { return b->regions[region].mirror; }

const char *body_suggest(const body *b, const char *id) {
  return util_nearest(id, &b->regions[0].id, (size_t)b->n_regions, sizeof(body_region));
}

const char *body_suggest_base(const body *b, const char *id) {
  return util_nearest(id, &b->bases[0].id, (size_t)b->n_bases, sizeof(base));
}

const char *body_side_name(int side) {
  return side == BODY_L ? "l" : side == BODY_R ? "r" : "mid";
}

/* ---- SNOMED CT body structures (kb/snomed.tsv) ---- */

void body_sct_free(body_sct *t, int n) {
  if (!t) return;
  free((char *)t[n].code);   /* t[n] holds the text every entry points into */
  free(t);
}

static int sct_code_ok(const char *c) {
  size_t n = strlen(c);
  if (n < 6 || n > 18 || c[0] == '0') return 0;
  for (size_t i = 0; i < n; i++) if (c[i] < '0' || c[i] > '9') return 0;
  return 1;
}

int body_sct_load(const body *b, const char *tsv, size_t len, body_sct **out, char *err, size_t errlen) {
  int n = body_n(b);
  body_sct *t = xcalloc((size_t)n + 1, sizeof *t);
  char *text = xstrndup(tsv, len);
  t[n].code = text;   /* keeps the text: every field points into it */
  int *line_of = xcalloc((size_t)n, sizeof *line_of), lineno = 0, rc = 0;
  for (char *at = text, *line; !rc && (line = util_line(&at));) {
    lineno++;
    if (!*line || line[0] == '#' || strncmp(line, "region\t", 7) == 0) continue;
    char *f[5];
    if (util_split_tabs(line, f, 5) != 5) {
      snprintf(err, errlen, "snomed.tsv:%d: expected 5 tab-separated fields: region code display match source", lineno);
      rc = -1; break;
    }
    if (!sct_code_ok(f[1])) { snprintf(err, errlen, "snomed.tsv:%d: \"%s\" is not a SNOMED CT id (6-18 digits)", lineno, f[1]); rc = -1; break; }
    if (strcmp(f[3], "exact") && strcmp(f[3], "broader") && strcmp(f[3], "underlying")) {
      snprintf(err, errlen, "snomed.tsv:%d: match must be exact, broader or underlying, not \"%s\"", lineno, f[3]);
      rc = -1; break;
    }
    if (!*f[2] || !*f[4]) { snprintf(err, errlen, "snomed.tsv:%d: empty display or source", lineno); rc = -1; break; }
    int targets[2], nt = 0, sided = 0;
    int ci = body_find(b, f[0]);
    if (ci >= 0 && body_at(b, ci)->side != BODY_MID) { targets[nt++] = ci; sided = 1; }
    else {
      int bi = body_find_base(b, f[0]);
      if (bi < 0) {
        const char *near = body_suggest_base(b, f[0]);
        snprintf(err, errlen, "snomed.tsv:%d: unknown region \"%s\"%s%s%s", lineno, f[0],
                 near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
        rc = -1; break;
      }
      if (body_base_paired(b, bi)) { targets[nt++] = body_concrete(b, bi, BODY_L); targets[nt++] = body_concrete(b, bi, BODY_R); }
      else targets[nt++] = body_concrete(b, bi, BODY_MID);
    }
    for (int i = 0; i < nt; i++) {
      body_sct *e = &t[targets[i]];
      if (e->code && (e->sided || !sided)) {
        if (e->sided == sided) { snprintf(err, errlen, "snomed.tsv:%d: %s has a code already (line %d)", lineno, f[0], line_of[targets[i]]); rc = -1; }
        continue;   /* a sided row wins over the base row */
      }
      e->code = f[1]; e->display = f[2]; e->match = f[3]; e->source = f[4]; e->sided = sided;
      line_of[targets[i]] = lineno;
    }
  }
  for (int i = 0; i < n && !rc; i++)
    if (!t[i].code) { snprintf(err, errlen, "snomed.tsv: region %s has no SNOMED CT code", body_at(b, i)->id); rc = -1; }
  free(line_of);
  if (rc) { free(text); free(t); return -1; }
  *out = t;
  return 0;
}

const body_sct *body_sct_builtin(void) {
  static body_sct *shared;
  if (!shared) {
    const body *b = body_builtin();
    const builtin_file *f = builtin_find("kb/snomed.tsv");
    char err[256];
    if (!b || !f || body_sct_load(b, (const char *)f->data, f->len, &shared, err, sizeof err)) return NULL;
  }
  return shared;
}
