/* report.c: formatting results as JSON or readable text into a buffer (never printing). */
#include "report.h"
#include "choir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char NOTE[] = "Candidates to assess by palpation, not a diagnosis.";
static const char NOTE_FR[] = "Des candidats à évaluer par la palpation, pas un diagnostic.";

struct report {
  const kb *k;
  const rank *r;
  buf *tp_head;     /* per point: "muscle":..,"muscle_name":..,"trigger_point":..,"trigger_point_name":.. */
  buf *tp_tail;     /* per point: "sources":[..] */
  buf *region;      /* per concrete region: its id as a JSON string */
  struct compact *compact;   /* the compact line's pieces, or NULL until one is written */
  const choir *ch;  /* the CHOIR table, or NULL */
  uint64_t (*segs)[2];  /* per concrete region: the male map's segments that cover it (bit = slot) */
  unsigned char *rgroup;  /* per concrete region: the index of its body group in gnames */
  const char *gnames[64]; int n_gnames;   /* the body groups ("head", "low-back", ...) */
};

/* 101-136 -> 0-35, 201-238 -> 36-73 */
static int choir_slot(int id) { return id < 200 ? id - 101 : id - 201 + 36; }
static int choir_id(int s) { return s < 36 ? 101 + s : 201 + s - 36; }

static void json_sources(buf *out, const kb *k, const kb_cite *c, int n, int full);
static void compact_free(struct compact *c);

report *report_new(const kb *k, const rank *r) {
  report *rp = xcalloc(1, sizeof *rp);
  rp->k = k;
  rp->r = r;
  int n = kb_n_tps(k), nr = body_n(kb_body(k));
  rp->tp_head = xcalloc((size_t)n + 1, sizeof *rp->tp_head);   /* made when first needed */
  rp->tp_tail = xcalloc((size_t)n + 1, sizeof *rp->tp_tail);
  rp->region = xcalloc((size_t)nr + 1, sizeof *rp->region);
  rp->rgroup = xcalloc((size_t)nr + 1, 1);
  for (int i = 0; i < nr; i++) {
    const char *g = body_at(kb_body(k), i)->group;
    int j = 0;
    while (j < rp->n_gnames && rp->gnames[j] != g) j++;   /* the tables share each group's text */
    if (j == rp->n_gnames) for (j = 0; j < rp->n_gnames && strcmp(rp->gnames[j], g); j++) {}
    if (j == rp->n_gnames && rp->n_gnames < 64) rp->gnames[rp->n_gnames++] = g;
    rp->rgroup[i] = (unsigned char)(j < 64 ? j : 63);
  }
  rp->ch = choir_builtin();
  rp->segs = xcalloc((size_t)nr + 1, sizeof *rp->segs);
  for (int sl = 0; sl < CHOIR_N_SEGMENTS && rp->ch; sl++) {
    const int *regs;
    int m = choir_segment(rp->ch, CHOIR_MALE, choir_id(sl), &regs);
    for (int j = 0; j < m; j++) rp->segs[regs[j]][sl >> 6] |= 1ULL << (sl & 63);
  }
  return rp;
}

/* A point's "muscle":..,"muscle_name":..,"trigger_point":..,"trigger_point_name":.. and its
** "sources":[..], made on first use and kept. */
static const buf *tp_head(report *rp, int t) {
  buf *h = &rp->tp_head[t];
  if (!h->len) {
    const kb_tp *tp = kb_tp_at(rp->k, t);
    const kb_muscle *m = kb_muscle_at(rp->k, tp->muscle);
    buf_lit(h, "\"muscle\":");
    buf_json_str(h, m->id);
    buf_lit(h, ",\"muscle_name\":");
    buf_json_str(h, m->name);
    buf_lit(h, ",\"trigger_point\":");
    buf_json_str(h, tp->id);
    buf_lit(h, ",\"trigger_point_name\":");
    buf_json_str(h, tp->name);
  }
  return h;
}

static const buf *tp_tail(report *rp, int t) {
  buf *h = &rp->tp_tail[t];
  if (!h->len) {
    const kb_tp *tp = kb_tp_at(rp->k, t);
    buf_lit(h, "\"sources\":");
    json_sources(h, rp->k, tp->sources, tp->n_sources, 0);
  }
  return h;
}

/* A concrete region's id as a JSON string, made on first use and kept. */
static const buf *region_json(report *rp, int reg) {
  buf *q = &rp->region[reg];
  if (!q->len) buf_json_str(q, body_at(kb_body(rp->k), reg)->id);
  return q;
}

void report_free(report *rp) {
  if (!rp) return;
  /* the ones made (most are not, in a one-shot) */
  for (int t = 0; t < kb_n_tps(rp->k); t++) { free(rp->tp_head[t].data); free(rp->tp_tail[t].data); }
  compact_free(rp->compact);
  for (int i = 0; i < body_n(kb_body(rp->k)); i++) free(rp->region[i].data);
  free(rp->tp_head); free(rp->tp_tail); free(rp->region); free(rp->segs); free(rp->rgroup);
  free(rp);
}

static void json_regions(buf *out, report *rp, const present *p, const int *idx, int n) {
  buf_putc(out, '[');
  for (int i = 0; i < n; i++) {
    if (i) buf_putc(out, ',');
    const buf *q = region_json(rp, p->pain[idx[i]].region);
    buf_append(out, q->data, q->len);
  }
  buf_putc(out, ']');
}

static void json_key(buf *out, const char *key) {
  buf_putc(out, '"');
  buf_puts(out, key);
  buf_append(out, "\":", 2);
}

static void json_sources(buf *out, const kb *k, const kb_cite *c, int n, int full) {
  buf_putc(out, '[');
  for (int i = 0; i < n; i++) {
    if (i) buf_putc(out, ',');
    const kb_term *t = kb_term_at(k, KB_SOURCE, c[i].source);
    if (full) {
      buf_lit(out, "{\"key\":");
      buf_json_str(out, t->id);
      buf_lit(out, ",\"locator\":");
      buf_json_str(out, c[i].locator);
      buf_lit(out, ",\"cite\":");
      buf_json_str(out, t->label);
      buf_putc(out, '}');
    } else {
      buf_putc(out, '"');
      buf_puts(out, t->id);
      if (*c[i].locator) { buf_putc(out, ' '); buf_puts(out, c[i].locator); }
      buf_putc(out, '"');
    }
  }
  buf_putc(out, ']');
}

/* (lang: the reasons and advice in French when it is fr, else as written) */
static void json_screen(buf *out, const screen_result *s, const char *lang) {
  buf_lit(out, "{\"level\":\"");
  buf_puts(out, screen_level_name(s->level));
  buf_lit(out, "\",\"refer\":");
  buf_puts(out, s->level >= SCREEN_REFER ? "true" : "false");
  buf_lit(out, ",\"flags\":[");
  for (int i = 0; i < s->n_items; i++) {
    if (i) buf_putc(out, ',');
    buf_lit(out, "{\"id\":\"");
    buf_puts(out, s->items[i].id);
    buf_lit(out, "\",\"level\":\"");
    buf_puts(out, screen_level_name(s->items[i].level));
    buf_lit(out, "\",\"reason\":");
    buf_json_str(out, screen_reason(&s->items[i], lang));
    buf_lit(out, ",\"advice\":");
    buf_json_str(out, screen_advice(&s->items[i], lang));
    buf_putc(out, '}');
  }
  buf_lit(out, "],\"not_asked\":[");
  for (int i = 0; i < s->n_not_asked; i++) { if (i) buf_putc(out, ','); buf_json_str(out, s->not_asked[i]); }
  buf_lit(out, "],\"soreness\":{\"verdict\":\"");
  buf_puts(out, screen_favours_name(s->verdict));
  buf_lit(out, "\",\"comparison\":[");
  for (int i = 0; i < s->n_compare; i++) {
    if (i) buf_putc(out, ',');
    buf_lit(out, "{\"characteristic\":\"");
    buf_puts(out, s->compare[i].characteristic);
    buf_lit(out, "\",\"finding\":");
    buf_json_str(out, s->compare[i].finding);
    buf_lit(out, ",\"favours\":\"");
    buf_puts(out, screen_favours_name(s->compare[i].favours));
    buf_lit(out, "\"}");
  }
  buf_lit(out, "]}}");
}

/* The part of the body a group's regions lie in: its one or two main region groups
** ("head and neck", "low back"), by weight. */
static void group_label(buf *out, const report *rp, const present *p, const rank_result *res, int g) {
  double w[64];
  for (int j = 0; j < rp->n_gnames; j++) w[j] = 0;
  for (int i = 0; i < p->n_pain; i++)
    if (res->pain_group[i] == g)
      w[rp->rgroup[p->pain[i].region]] += p->pain[i].intensity < 0 ? 1 : 0.6 + 0.08 * p->pain[i].intensity;
  int a = -1, c = -1;
  for (int j = 0; j < rp->n_gnames; j++) {
    if (w[j] <= 0) continue;
    if (a < 0 || w[j] > w[a]) { c = a; a = j; }
    else if (c < 0 || w[j] > w[c]) c = j;
  }
  for (int pass = 0; pass < 2; pass++) {
    int j = pass ? c : a;
    if (j < 0) break;
    if (pass) buf_lit(out, " and ");
    for (const char *q = rp->gnames[j]; *q; q++) buf_putc(out, *q == '-' ? ' ' : *q);
  }
  if (a < 0) buf_lit(out, "other");
}

/* The drawing's CHOIR Body Map segments: the ones given, else those covering its regions. */
static void json_choir(buf *out, const report *rp, const present *p) {
  buf_lit(out, "{\"map\":\"");
  buf_puts(out, choir_map_name(p->n_choir ? p->choir_map : CHOIR_MALE));
  buf_lit(out, "\",\"segments\":[");
  uint64_t m[2] = {0, 0};
  if (p->n_choir) for (int i = 0; i < p->n_choir; i++) { int sl = choir_slot(p->choir[i]); m[sl >> 6] |= 1ULL << (sl & 63); }
  else for (int i = 0; i < p->n_pain; i++) { m[0] |= rp->segs[p->pain[i].region][0]; m[1] |= rp->segs[p->pain[i].region][1]; }
  int first = 1;
  for (int w = 0; w < 2; w++)
    for (uint64_t bw = m[w]; bw; bw &= bw - 1) {
      if (!first) buf_putc(out, ',');
      first = 0;
      buf_int(out, choir_id(w * 64 + __builtin_ctzll(bw)));
    }
  buf_lit(out, "]}");
}

void report_where_json(buf *out, report *rp, const present *p, const screen_result *s,
                       const rank_result *res) {
  report_where_json_lang(out, rp, p, s, res, NULL);
}

void report_where_json_lang(buf *out, report *rp, const present *p, const screen_result *s,
                            const rank_result *res, const char *lang) {
  const kb *k = rp->k;
  const char *fr = kb_lang_name(lang);
  if (fr && !strcmp(fr, "en")) fr = NULL;
  buf_lit(out, "{\"screen\":");
  json_screen(out, s, fr);
  buf_lit(out, ",\"candidates\":[");
  for (int i = 0; i < res->n; i++) {
    const rank_candidate *c = &res->cand[i];
    rank_explain ex;
    rank_explain_candidate(rp->r, p, c, &ex);
    if (i) buf_putc(out, ',');
    buf_lit(out, "{\"rank\":");
    buf_int(out, i + 1);
    buf_putc(out, ',');
    const buf *head = tp_head(rp, c->tp);
    if (fr) {   /* the muscle's and the point's names in the language (the cached head is the English) */
      const kb_tp *tp = kb_tp_at(k, c->tp);
      const kb_muscle *m = kb_muscle_at(k, tp->muscle);
      buf_lit(out, "\"muscle\":");
      buf_json_str(out, m->id);
      buf_lit(out, ",\"muscle_name\":");
      buf_json_str(out, kb_text(k, fr, "muscle", m->id, "name", m->name));
      buf_lit(out, ",\"trigger_point\":");
      buf_json_str(out, tp->id);
      buf_lit(out, ",\"trigger_point_name\":");
      buf_json_str(out, kb_tp_text(k, fr, c->tp, "name"));
    } else buf_append(out, head->data, head->len);
    buf_lit(out, ",\"side\":\"");
    buf_puts(out, body_side_name(c->side));
    buf_lit(out, "\",\"score\":");
    buf_fixed3(out, c->score);
    buf_lit(out, ",\"added\":");
    buf_fixed3(out, c->added);
    buf_lit(out, ",\"group\":");
    buf_int(out, c->group);
    buf_lit(out, ",\"relative\":");
    buf_fixed3(out, exp(c->score - res->cand[0].score));
    buf_lit(out, ",\"essential\":");
    json_regions(out, rp, p, ex.essential, ex.n_essential);
    buf_lit(out, ",\"spillover\":");
    json_regions(out, rp, p, ex.spillover, ex.n_spillover);
    buf_lit(out, ",\"local\":");
    json_regions(out, rp, p, ex.local, ex.n_local);
    buf_lit(out, ",\"unexplained\":");
    json_regions(out, rp, p, ex.unexplained, ex.n_unexplained);
    buf_lit(out, ",\"context\":[");
    for (int j = 0; j < ex.n_context; j++) {
      if (j) buf_putc(out, ',');
      buf_json_str(out, kb_term_at(k, KB_ACTIVITY, ex.context[j])->id);
    }
    buf_lit(out, "],");
    const buf *tail = tp_tail(rp, c->tp);
    buf_append(out, tail->data, tail->len);
    buf_putc(out, '}');
  }
  buf_lit(out, "],\"groups\":[");
  for (int g = 0; g < res->n_groups; g++) {
    if (g) buf_putc(out, ',');
    buf_lit(out, "{\"part\":\"");
    group_label(out, rp, p, res, g);
    buf_lit(out, "\",\"regions\":[");
    int first = 1;
    for (int i = 0; i < p->n_pain; i++)
      if (res->pain_group[i] == g) {
        if (!first) buf_putc(out, ',');
        first = 0;
        const buf *q = region_json(rp, p->pain[i].region);
        buf_append(out, q->data, q->len);
      }
    buf_lit(out, "],\"share\":");
    buf_fixed3(out, res->group[g].share);
    buf_lit(out, ",\"candidates\":[");
    for (int j = 0; j < res->group[g].n_cand; j++) {
      if (j) buf_putc(out, ',');
      buf_int(out, res->group[g].cand[j] + 1);
    }
    buf_lit(out, "]}");
  }
  buf_lit(out, "],\"explained\":");
  buf_fixed3(out, res->explained);
  buf_lit(out, ",\"explained_best\":");
  buf_fixed3(out, res->explained_best);
  buf_lit(out, ",\"choir\":");
  json_choir(out, rp, p);
  buf_lit(out, ",\"note\":\"");
  buf_puts(out, fr ? NOTE_FR : NOTE);
  buf_lit(out, "\"}");
}

/* The compact line's pieces, made once (on the first compact line): each region's id as a
** JSON string and each point-side's ["POINT","SIDE", in one text, every piece padded with
** zeros to a multiple of PIECE bytes so it is copied in whole PIECE-byte moves. */
enum { PIECE = 32 };
typedef struct piece { unsigned off, len; } piece;
struct compact {
  char *text;           /* the pieces, PIECE-aligned */
  piece *region;        /* per concrete region */
  piece *head;          /* per point x side */
  piece level[SCREEN_URGENT + 1];       /* per screen level: {"screen":"LEVEL","flags":[ */
  piece favours[FAVOURS_SORENESS + 1];  /* per verdict: ],"soreness":"VERDICT","candidates":[ */
  size_t region_max, head_max, ends_max;   /* the longest of each, rounded up to PIECE */
  char frac[1000][4];   /* per thousandths: ".DDD" */
};

static void add_piece(buf *t, piece *pc, const buf *s, size_t *max) {
  pc->off = (unsigned)t->len;
  pc->len = (unsigned)s->len;
  buf_append(t, s->data, s->len);
  size_t pad = (PIECE - s->len % PIECE) % PIECE;
  for (size_t i = 0; i < pad; i++) buf_putc(t, 0);
  if (s->len + pad > *max) *max = s->len + pad;
}

static struct compact *compact_pieces(report *rp) {
  if (rp->compact) return rp->compact;
  struct compact *c = xcalloc(1, sizeof *c);
  int nr = body_n(kb_body(rp->k)), nh = kb_n_tps(rp->k) * 3;
  buf t, s;
  buf_init(&t);
  buf_init(&s);
  c->region = xcalloc((size_t)nr + 1, sizeof *c->region);
  c->head = xcalloc((size_t)nh + 1, sizeof *c->head);
  for (int i = 0; i < nr; i++) {
    buf_reset(&s);
    buf_json_str(&s, body_at(kb_body(rp->k), i)->id);
    add_piece(&t, &c->region[i], &s, &c->region_max);
  }
  for (int h = 0; h < nh; h++) {
    buf_reset(&s);
    buf_lit(&s, "[\"");
    buf_puts(&s, kb_tp_at(rp->k, h / 3)->id);
    buf_lit(&s, "\",\"");
    buf_puts(&s, body_side_name(h % 3));
    buf_lit(&s, "\",");
    add_piece(&t, &c->head[h], &s, &c->head_max);
  }
  for (int l = 0; l <= SCREEN_URGENT; l++) {
    buf_reset(&s);
    buf_printf(&s, "{\"screen\":\"%s\",\"flags\":[", screen_level_name(l));
    add_piece(&t, &c->level[l], &s, &c->ends_max);
  }
  for (int f = 0; f <= FAVOURS_SORENESS; f++) {
    buf_reset(&s);
    buf_printf(&s, "],\"soreness\":\"%s\",\"candidates\":[", screen_favours_name(f));
    add_piece(&t, &c->favours[f], &s, &c->ends_max);
  }
  for (int f = 0; f < 1000; f++) {
    c->frac[f][0] = '.';
    c->frac[f][1] = (char)('0' + f / 100);
    c->frac[f][2] = (char)('0' + f / 10 % 10);
    c->frac[f][3] = (char)('0' + f % 10);
  }
  buf_reserve(&t, PIECE);   /* so a copy may always read whole pieces */
  c->text = t.data;
  buf_free(&s);
  rp->compact = c;
  return c;
}

static void compact_free(struct compact *c) {
  if (!c) return;
  free(c->text);
  free(c->region);
  free(c->head);
  free(c);
}

/* Copy a piece in whole PIECE-byte moves (the room after it is reserved) and step past it. */
static inline char *put_piece(char *w, const char *text, piece pc) {
  const char *src = text + pc.off;
  __builtin_memcpy(w, src, PIECE);   /* most are one piece */
  for (unsigned i = PIECE; i < pc.len; i += PIECE) __builtin_memcpy(w + i, src + i, PIECE);
  return w + pc.len;
}

#define PUT_LIT(w, lit) (memcpy((w), "" lit, sizeof(lit) - 1), (w) + sizeof(lit) - 1)

/* buf_fixed3's digits at w, or NULL when v is out of its fast range (NAN, huge); the point and
** the three decimals from frac. */
static inline char *put_fixed3(char *w, double v, const char (*frac)[4]) {
  int neg = v < 0;
  if (neg) v = -v;
  long m = (long)(v * 1000.0 + 0.5);
  if (m < 0) return NULL;
  *w = '-';   /* (overwritten when not negative) */
  w += neg;
  unsigned long u = (unsigned long)m / 1000, f = (unsigned long)m % 1000;
  if (u < 10) *w++ = (char)('0' + u);   /* most scores */
  else {
    char tmp[24];
    int i = sizeof tmp;
    do { tmp[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    memcpy(w, tmp + i, sizeof tmp - (size_t)i);
    w += sizeof tmp - (size_t)i;
  }
  memcpy(w, frac[f], 4);
  return w + 4;
}

static inline char *put_regions(char *w, const char *text, const piece *region, const present *p,
                                const int *idx, int n) {
  *w++ = '[';
  for (int i = 0; i < n; i++) {
    if (i) *w++ = ',';
    w = put_piece(w, text, region[p->pain[idx[i]].region]);
  }
  *w++ = ']';
  return w;
}

/* The same for the entries of p->pain set in mask (a rank_candidate's ess or spill). */
static inline char *put_region_mask(char *w, const char *text, const piece *region, const present *p, uint64_t mask) {
  *w++ = '[';
  for (uint64_t b = mask; b; b &= b - 1) {
    w = put_piece(w, text, region[p->pain[__builtin_ctzll(b)].region]);
    *w++ = ',';
  }
  w -= mask != 0;   /* (the last comma) */
  *w++ = ']';
  return w;
}

void report_where_compact(buf *out, report *rp, const present *p, const screen_result *s,
                          const rank_result *res) {
  const struct compact *cp = compact_pieces(rp);
  /* the room the line can take: written below without checks */
  size_t room = 2 * cp->ends_max + 8 + (size_t)res->n * (cp->head_max + 40 + 2 * (size_t)p->n_pain * (cp->region_max + 1));
  size_t id_len[sizeof s->items / sizeof s->items[0]];
  int n_items = s->n_items;
  for (int i = 0; i < n_items; i++) room += (id_len[i] = strlen(s->items[i].id)) + 3;
  buf_reserve(out, room + PIECE);
  char *w = out->data + out->len;
  /* (a level or verdict out of range is written as the names write it: as the first) */
  w = put_piece(w, cp->text, cp->level[s->level >= 0 && s->level <= SCREEN_URGENT ? s->level : 0]);
  for (int i = 0; i < n_items; i++) {
    if (i) *w++ = ',';
    *w++ = '"';
    memcpy(w, s->items[i].id, id_len[i]);
    w += id_len[i];
    *w++ = '"';
  }
  w = put_piece(w, cp->text, cp->favours[s->verdict >= 0 && s->verdict <= FAVOURS_SORENESS ? s->verdict : 0]);
  for (int i = 0; i < res->n; i++) {
    const rank_candidate *c = &res->cand[i];
    if (i) *w++ = ',';
    w = put_piece(w, cp->text, cp->head[c->tp * 3 + c->side]);
    char *f = put_fixed3(w, c->score, cp->frac);
    if (!f) {   /* the general writer (it may move the buffer) */
      out->len = (size_t)(w - out->data);
      buf_fixed3(out, c->score);
      buf_reserve(out, room + PIECE);
      f = out->data + out->len;
    }
    w = f;
    *w++ = ',';
    if (p->n_pain <= 64) {   /* (the masks rank_run made: rank_zones_candidate's lists) */
      w = put_region_mask(w, cp->text, cp->region, p, c->ess);
      *w++ = ',';
      w = put_region_mask(w, cp->text, cp->region, p, c->spill);
    } else {
      int ess[PRESENT_MAX_PAIN], spill[PRESENT_MAX_PAIN], n_ess, n_spill;
      rank_zones_candidate(rp->r, p, c, ess, &n_ess, spill, &n_spill);
      w = put_regions(w, cp->text, cp->region, p, ess, n_ess);
      *w++ = ',';
      w = put_regions(w, cp->text, cp->region, p, spill, n_spill);
    }
    *w++ = ']';
  }
  w = PUT_LIT(w, "]}");
  out->len = (size_t)(w - out->data);
  out->data[out->len] = 0;
}

static void text_regions(buf *out, const body *b, const present *p, const int *idx, int n) {
  for (int i = 0; i < n; i++) {
    if (i) buf_lit(out, ", ");
    buf_puts(out, body_at(b, p->pain[idx[i]].region)->id);
  }
}

static const char *side_word(int side) {
  return side == BODY_L ? "left" : side == BODY_R ? "right" : "midline";
}

void report_where_text(buf *out, const report *rp, const present *p, const screen_result *s,
                       const rank_result *res, int color) {
  const kb *k = rp->k;
  const rank *r = rp->r;
  const body *b = kb_body(k);
  const char *bold = color ? "\033[1m" : "", *red = color ? "\033[1;31m" : "",
             *yel = color ? "\033[33m" : "", *off = color ? "\033[0m" : "";
  if (s->n_items) {
    buf_printf(out, "%sScreen first%s\n", bold, off);
    for (int i = 0; i < s->n_items; i++)
      buf_printf(out, "  %s%s%s %s\n    %s\n", s->items[i].level >= SCREEN_REFER ? red : yel,
                 s->items[i].level == SCREEN_URGENT ? "URGENT:" : s->items[i].level == SCREEN_REFER ? "RED FLAG:" : "caution:",
                 off, s->items[i].reason, s->items[i].advice);
    if (s->level >= SCREEN_REFER)
      buf_printf(out, "  %sRefer to a doctor before any trigger point treatment.%s\n", red, off);
    buf_putc(out, '\n');
  }
  if (s->n_not_asked) {
    buf_puts(out, "Red-flag questions not asked: ");
    for (int i = 0; i < s->n_not_asked; i++) { if (i) buf_puts(out, ", "); buf_puts(out, s->not_asked[i]); }
    buf_lit(out, "\n\n");
  }
  buf_printf(out, "%sTrigger point pain or general muscle soreness?%s %s\n", bold, off,
             s->verdict == FAVOURS_SORENESS ? "more like general muscle soreness"
             : s->verdict == FAVOURS_TRIGGER_POINT ? "more like trigger point pain" : "unclear");
  for (int i = 0; i < s->n_compare; i++)
    buf_printf(out, "  %-9s %s (%s)\n", s->compare[i].characteristic, s->compare[i].finding,
               s->compare[i].favours == FAVOURS_NEITHER ? "either" : screen_favours_name(s->compare[i].favours));
  buf_putc(out, '\n');
  if (!res->n) {
    buf_lit(out, "No trigger point in the knowledge base refers pain to these regions.\n");
    return;
  }
  if (res->explained_best < 0.999 && res->n > 1) {
    buf_printf(out, "%sNo one candidate explains the whole drawing%s: the first explains %.0f%%, the %d below together %.0f%%.\n",
               bold, off, 100 * res->explained_best, res->n, 100 * res->explained);
    for (int g = 0; g < res->n_groups; g++) {
      buf_lit(out, "  ");
      group_label(out, rp, p, res, g);
      buf_lit(out, " (");
      int first = 1;
      for (int i = 0; i < p->n_pain; i++)
        if (res->pain_group[i] == g) { buf_printf(out, "%s%s", first ? "" : ", ", body_at(b, p->pain[i].region)->id); first = 0; }
      buf_lit(out, "): ");
      for (int j = 0; j < res->group[g].n_cand; j++) {
        const rank_candidate *c = &res->cand[res->group[g].cand[j]];
        buf_printf(out, "%s%d. %s %s", j ? ", " : "", res->group[g].cand[j] + 1,
                   kb_muscle_at(k, kb_tp_at(k, c->tp)->muscle)->name, side_word(c->side));
      }
      buf_putc(out, '\n');
    }
    buf_putc(out, '\n');
  }
  buf_printf(out, "%sCandidates to assess by palpation%s (a list to check, not a diagnosis)\n", bold, off);
  for (int i = 0; i < res->n; i++) {
    const rank_candidate *c = &res->cand[i];
    const kb_tp *tp = kb_tp_at(k, c->tp);
    const kb_muscle *m = kb_muscle_at(k, tp->muscle);
    rank_explain ex;
    rank_explain_candidate(r, p, c, &ex);
    buf_printf(out, "%2d. %s%s%s, %s: %s  [score %.2f, fit %.0f%%]\n", i + 1, bold, m->name, off,
               side_word(c->side), tp->name, c->score, 100.0 * exp(c->score - res->cand[0].score));
    if (ex.n_essential) { buf_lit(out, "    essential zone covers: "); text_regions(out, b, p, ex.essential, ex.n_essential); buf_putc(out, '\n'); }
    if (ex.n_spillover) { buf_lit(out, "    spillover zone covers: "); text_regions(out, b, p, ex.spillover, ex.n_spillover); buf_putc(out, '\n'); }
    if (ex.n_local) { buf_lit(out, "    the point itself lies at: "); text_regions(out, b, p, ex.local, ex.n_local); buf_putc(out, '\n'); }
    if (ex.n_unexplained) { buf_printf(out, "    %snot explained:%s ", yel, off); text_regions(out, b, p, ex.unexplained, ex.n_unexplained); buf_putc(out, '\n'); }
    if (ex.n_context) {
      buf_lit(out, "    perpetuated by: ");
      for (int j = 0; j < ex.n_context; j++) buf_printf(out, "%s%s", j ? ", " : "", kb_term_at(k, KB_ACTIVITY, ex.context[j])->label);
      buf_putc(out, '\n');
    }
    buf_printf(out, "    find it: %s (%s)\n", tp->location, body_base_id(b, tp->region));
    buf_lit(out, "    source: ");
    for (int j = 0; j < tp->n_sources; j++)
      buf_printf(out, "%s%s %s", j ? "; " : "", kb_term_at(k, KB_SOURCE, tp->sources[j].source)->id, tp->sources[j].locator);
    buf_putc(out, '\n');
  }
}

/* ---- zones as concrete regions ---- */
static void json_zone(buf *out, const kb *k, const kb_zone_ref *z, int n, int side) {
  const body *b = kb_body(k);
  buf_putc(out, '[');
  int first = 1;
  for (int i = 0; i < n; i++) {
    int r[2];
    int m = kb_zone_regions(k, z[i], side, r);
    for (int j = 0; j < m; j++) {
      if (!first) buf_putc(out, ',');
      first = 0;
      buf_json_str(out, body_at(b, r[j])->id);
    }
  }
  buf_putc(out, ']');
}

static void json_relative(buf *out, const kb *k, const kb_zone_ref *z, int n) {
  static const char *const pre[] = {"", "opp:", "both:"};
  buf_putc(out, '[');
  for (int i = 0; i < n; i++) {
    if (i) buf_putc(out, ',');
    buf_putc(out, '"');
    buf_puts(out, pre[z[i].rel]);
    buf_puts(out, body_base_id(kb_body(k), z[i].base));
    buf_putc(out, '"');
  }
  buf_putc(out, ']');
}

static void json_terms(buf *out, const kb *k, int vocab, const int *v, int n) {
  buf_putc(out, '[');
  for (int i = 0; i < n; i++) {
    if (i) buf_putc(out, ',');
    buf_json_str(out, kb_term_at(k, vocab, v[i])->id);
  }
  buf_putc(out, ']');
}

static void json_opt_str(buf *out, const char *key, const char *v) {
  buf_putc(out, ',');
  json_key(out, key);
  if (v) buf_json_str(out, v); else buf_lit(out, "null");
}

static void json_tp(buf *out, const kb *k, int t, const char *lang) {
  const kb_tp *tp = kb_tp_at(k, t);
  const kb_muscle *m = kb_muscle_at(k, tp->muscle);
  int side = m->paired ? BODY_L : BODY_MID;
  buf_lit(out, "{\"id\":");
  buf_json_str(out, tp->id);
  buf_lit(out, ",\"muscle\":");
  buf_json_str(out, m->id);
  json_opt_str(out, "name", kb_tp_text(k, lang, t, "name"));
  buf_lit(out, ",\"side\":\"");
  buf_puts(out, body_side_name(side));
  buf_lit(out, "\",\"region\":");
  int r[2];
  kb_zone_ref self = {tp->region, KB_SAME};
  kb_zone_regions(k, self, side, r);
  buf_json_str(out, body_at(kb_body(k), r[0])->id);
  json_opt_str(out, "location", kb_tp_text(k, lang, t, "location"));
  buf_lit(out, ",\"referral\":{\"essential\":");
  json_zone(out, k, tp->essential, tp->n_essential, side);
  buf_lit(out, ",\"spillover\":");
  json_zone(out, k, tp->spillover, tp->n_spillover, side);
  buf_lit(out, ",\"relative\":{\"essential\":");
  json_relative(out, k, tp->essential, tp->n_essential);
  buf_lit(out, ",\"spillover\":");
  json_relative(out, k, tp->spillover, tp->n_spillover);
  buf_lit(out, "}},\"sensations\":");
  json_terms(out, k, KB_SENSATION, tp->sensations, tp->n_sensations);
  buf_lit(out, ",\"perpetuating\":");
  json_terms(out, k, KB_ACTIVITY, tp->perpetuating, tp->n_perpetuating);
  buf_lit(out, ",\"mimics\":");
  json_terms(out, k, KB_MIMIC, tp->mimics, tp->n_mimics);
  json_opt_str(out, "symptoms", tp->symptoms);
  json_opt_str(out, "frequency", kb_freq_name(tp->frequency));
  json_opt_str(out, "frequency_note", tp->frequency_note);
  buf_lit(out, ",\"sources\":");
  json_sources(out, k, tp->sources, tp->n_sources, 1);
  buf_putc(out, '}');
}

static void json_muscle_fields(buf *out, const kb *k, const kb_muscle *m, const char *lang) {
  buf_lit(out, "{\"id\":");
  buf_json_str(out, m->id);
  json_opt_str(out, "name", kb_text(k, lang, "muscle", m->id, "name", m->name));
  json_opt_str(out, "group", m->group);
  buf_lit(out, ",\"paired\":");
  buf_puts(out, m->paired ? "true" : "false");
  buf_lit(out, ",\"perpetuating\":");
  json_terms(out, k, KB_ACTIVITY, m->perpetuating, m->n_perpetuating);
  json_opt_str(out, "perpetuating_note", m->perpetuating_note);
  buf_lit(out, ",\"mimics\":");
  json_terms(out, k, KB_MIMIC, m->mimics, m->n_mimics);
  json_opt_str(out, "symptoms", m->symptoms);
  buf_lit(out, ",\"sources\":");
  json_sources(out, k, m->sources, m->n_sources, 1);
}

void report_muscle_json(buf *out, const kb *k, int muscle) { report_muscle_json_lang(out, k, muscle, NULL); }

void report_muscle_json_lang(buf *out, const kb *k, int muscle, const char *lang) {
  const kb_muscle *m = kb_muscle_at(k, muscle);
  json_muscle_fields(out, k, m, lang);
  buf_lit(out, ",\"trigger_points\":[");
  for (int i = 0; i < m->n_tps; i++) {
    if (i) buf_putc(out, ',');
    json_tp(out, k, m->first_tp + i, lang);
  }
  buf_lit(out, "],\"techniques\":[");
  for (int i = 0; i < m->n_treats; i++) {
    const kb_treat *t = &m->treats[i];
    if (i) buf_putc(out, ',');
    buf_lit(out, "{\"technique\":"); buf_json_str(out, kb_term_at(k, KB_TECHNIQUE, t->technique)->id);
    buf_lit(out, ",\"position\":"); buf_json_str(out, kb_treat_text(k, lang, muscle, i, "position"));
    buf_lit(out, ",\"how\":"); buf_json_str(out, kb_treat_text(k, lang, muscle, i, "how"));
    buf_printf(out, ",\"hold\":[%d,%d],\"band\":[%d,%d],\"sources\":", t->hold_min, t->hold_max, t->band_lo, t->band_hi);
    json_sources(out, k, t->sources, t->n_sources, 1);
    buf_putc(out, '}');
  }
  buf_lit(out, "],\"selfcare\":[");
  for (int i = 0; i < m->n_selfcare; i++) {
    const kb_selfcare *c = &m->selfcare[i];
    if (i) buf_putc(out, ',');
    buf_lit(out, "{\"id\":"); buf_json_str(out, c->id);
    buf_lit(out, ",\"tool\":"); buf_json_str(out, kb_term_at(k, KB_TOOL, c->tool)->id);
    buf_lit(out, ",\"position\":"); buf_json_str(out, kb_selfcare_text(k, lang, muscle, i, "position", c->position));
    buf_lit(out, ",\"steps\":"); buf_json_str(out, kb_selfcare_text(k, lang, muscle, i, "steps", c->steps));
    buf_printf(out, ",\"hold\":[%d,%d],\"frequency\":", c->hold_min, c->hold_max);
    buf_json_str(out, kb_selfcare_text(k, lang, muscle, i, "frequency", c->frequency));
    buf_lit(out, ",\"feel\":"); buf_json_str(out, kb_selfcare_text(k, lang, muscle, i, "feel", c->feel));
    json_opt_str(out, "avoid", c->avoid ? kb_selfcare_text(k, lang, muscle, i, "avoid", c->avoid) : NULL);
    buf_lit(out, ",\"sources\":");
    json_sources(out, k, c->sources, c->n_sources, 1);
    buf_putc(out, '}');
  }
  buf_lit(out, "]");
  json_opt_str(out, "selfcare_none", m->selfcare_none ? kb_text(k, lang, "muscle", m->id, "selfcare-none", m->selfcare_none) : NULL);
  buf_lit(out, ",\"dangers\":");
  json_terms(out, k, KB_DANGER, m->dangers, m->n_dangers);
  buf_putc(out, '}');
}

static void text_zone(buf *out, const kb *k, const kb_zone_ref *z, int n) {
  static const char *const post[] = {"", " (other side)", " (both sides)"};
  for (int i = 0; i < n; i++)
    buf_printf(out, "%s%s%s", i ? ", " : "", body_base_id(kb_body(k), z[i].base), post[z[i].rel]);
  if (!n) buf_lit(out, "none");
}

static void text_terms(buf *out, const kb *k, int vocab, const int *v, int n) {
  for (int i = 0; i < n; i++) buf_printf(out, "%s%s", i ? ", " : "", kb_term_at(k, vocab, v[i])->label);
}

void report_muscle_text(buf *out, const kb *k, int muscle) {
  const kb_muscle *m = kb_muscle_at(k, muscle);
  buf_printf(out, "%s (%s), %s%s\n", m->name, m->id, m->group, m->paired ? "" : ", midline");
  if (m->symptoms) buf_printf(out, "  symptoms: %s\n", m->symptoms);
  if (m->n_mimics) { buf_lit(out, "  mistaken for: "); text_terms(out, k, KB_MIMIC, m->mimics, m->n_mimics); buf_putc(out, '\n'); }
  if (m->n_perpetuating) { buf_lit(out, "  perpetuated by: "); text_terms(out, k, KB_ACTIVITY, m->perpetuating, m->n_perpetuating); buf_putc(out, '\n'); }
  if (m->perpetuating_note) buf_printf(out, "    also: %s\n", m->perpetuating_note);
  for (int i = 0; i < m->n_tps; i++) {
    const kb_tp *tp = kb_tp_at(k, m->first_tp + i);
    buf_printf(out, "\n  %s: %s\n", tp->id, tp->name);
    buf_printf(out, "    lies at: %s (%s)\n", tp->location, body_base_id(kb_body(k), tp->region));
    buf_lit(out, "    essential zone: "); text_zone(out, k, tp->essential, tp->n_essential); buf_putc(out, '\n');
    buf_lit(out, "    spillover zone: "); text_zone(out, k, tp->spillover, tp->n_spillover); buf_putc(out, '\n');
    if (tp->n_sensations) { buf_lit(out, "    feels like: "); text_terms(out, k, KB_SENSATION, tp->sensations, tp->n_sensations); buf_putc(out, '\n'); }
    if (tp->symptoms) buf_printf(out, "    symptoms: %s\n", tp->symptoms);
    if (tp->frequency) buf_printf(out, "    frequency: %s%s%s\n", kb_freq_name(tp->frequency), tp->frequency_note ? ": " : "", tp->frequency_note ? tp->frequency_note : "");
    buf_lit(out, "    sources:\n");
    for (int j = 0; j < tp->n_sources; j++) {
      const kb_term *t = kb_term_at(k, KB_SOURCE, tp->sources[j].source);
      buf_printf(out, "      - %s%s%s\n", t->label, *tp->sources[j].locator ? " " : "", tp->sources[j].locator);
    }
  }
  buf_lit(out, "\n  Techniques:\n");
  for (int i = 0; i < m->n_treats; i++) {
    const kb_treat *t = &m->treats[i];
    buf_printf(out, "    - %s: hold %d-%d s, target %d-%d/10\n", kb_term_at(k, KB_TECHNIQUE, t->technique)->label,
               t->hold_min, t->hold_max, t->band_lo, t->band_hi);
    buf_printf(out, "      position: %s\n      how: %s\n", t->position, t->how);
  }
  buf_lit(out, "\n  Self-care:\n");
  if (m->selfcare_none) buf_printf(out, "    not advised: %s\n", m->selfcare_none);
  for (int i = 0; i < m->n_selfcare; i++) {
    const kb_selfcare *c = &m->selfcare[i];
    buf_printf(out, "    - %s (%s): hold %d-%d s, %s\n", c->id, kb_term_at(k, KB_TOOL, c->tool)->label, c->hold_min, c->hold_max, c->frequency);
    buf_printf(out, "      position: %s\n      steps: %s\n      feel: %s\n", c->position, c->steps, c->feel);
    if (c->avoid) buf_printf(out, "      avoid: %s\n", c->avoid);
  }
  if (m->n_dangers) { buf_lit(out, "\n  Danger zones near it: "); text_terms(out, k, KB_DANGER, m->dangers, m->n_dangers); buf_putc(out, '\n'); }
}

void report_regions_json(buf *out, const body *b) { report_regions_json_lang(out, b, NULL, NULL); }

void report_regions_json_lang(buf *out, const body *b, const kb *k, const char *lang) {
  buf_lit(out, "{\"regions\":[");
  for (int i = 0; i < body_n(b); i++) {
    const body_region *r = body_at(b, i);
    if (i) buf_putc(out, ',');
    buf_lit(out, "{\"id\":");
    buf_json_str(out, r->id);
    buf_lit(out, ",\"base\":");
    buf_json_str(out, r->base);
    buf_lit(out, ",\"label\":");
    buf_json_str(out, k ? kb_region_label(k, lang, i) : r->label);
    buf_lit(out, ",\"view\":");
    buf_json_str(out, r->view);
    buf_lit(out, ",\"group\":");
    buf_json_str(out, r->group);
    buf_lit(out, ",\"side\":\"");
    buf_puts(out, body_side_name(r->side));
    buf_lit(out, "\",\"mirror\":");
    buf_json_str(out, body_at(b, r->mirror)->id);
    buf_putc(out, '}');
  }
  buf_lit(out, "]}");
}

void report_regions_text(buf *out, const body *b) {
  for (int i = 0; i < body_n(b); i++) {
    const body_region *r = body_at(b, i);
    buf_printf(out, "%-22s %-6s %-5s %-10s %s%s\n", r->id, r->view, body_side_name(r->side), r->group, r->label,
               r->side == BODY_L ? " (left)" : r->side == BODY_R ? " (right)" : "");
  }
}

void report_export_json(buf *out, const kb *k) {
  buf_lit(out, "{\"muscles\":[");
  for (int i = 0; i < kb_n_muscles(k); i++) {
    if (i) buf_putc(out, ',');
    const kb_muscle *m = kb_muscle_at(k, i);
    json_muscle_fields(out, k, m, NULL);
    buf_lit(out, ",\"trigger_points\":[");
    for (int j = 0; j < m->n_tps; j++) {
      if (j) buf_putc(out, ',');
      buf_json_str(out, kb_tp_at(k, m->first_tp + j)->id);
    }
    buf_lit(out, "]}");
  }
  buf_lit(out, "],\"trigger_points\":[");
  for (int t = 0; t < kb_n_tps(k); t++) {
    if (t) buf_putc(out, ',');
    json_tp(out, k, t, NULL);
  }
  static const char *const vocab_names[] = {"sensations", "activities", "mimics", "sources",
                                                      "techniques", "tools", "dangers", "contraindications", "advice", "corrective",
                                                      "movements", "sensitive"};
  buf_lit(out, "],\"vocabulary\":{");
  for (int v = 0; v < KB_N_VOCABS; v++) {
    if (v) buf_putc(out, ',');
    json_key(out, vocab_names[v]);
    buf_putc(out, '[');
    for (int i = 0; i < kb_n_terms(k, v); i++) {
      if (i) buf_putc(out, ',');
      buf_lit(out, "{\"id\":");
      buf_json_str(out, kb_term_at(k, v, i)->id);
      buf_puts(out, v == KB_SOURCE ? ",\"cite\":" : ",\"label\":");
      buf_json_str(out, kb_term_at(k, v, i)->label);
      if (kb_term_at(k, v, i)->text) { buf_lit(out, ",\"text\":"); buf_json_str(out, kb_term_at(k, v, i)->text); }
      for (int j = 0; j < kb_term_at(k, v, i)->n_also; j++) { buf_puts(out, j ? "," : ",\"also\":["); buf_json_str(out, kb_term_at(k, v, i)->also[j]); }
      if (kb_term_at(k, v, i)->n_also) buf_putc(out, ']');
      buf_putc(out, '}');
    }
    buf_putc(out, ']');
  }
  buf_lit(out, "}}");
}

void report_export_text(buf *out, const kb *k) {
  buf_lit(out, "# trigger_point\tmuscle\tregion\tessential\tspillover (each on the patient's left side)\n");
  for (int t = 0; t < kb_n_tps(k); t++) {
    const kb_tp *tp = kb_tp_at(k, t);
    const kb_muscle *m = kb_muscle_at(k, tp->muscle);
    int side = m->paired ? BODY_L : BODY_MID;
    buf_printf(out, "%s\t%s\t%s\t", tp->id, m->id, body_base_id(kb_body(k), tp->region));
    for (int pass = 0; pass < 2; pass++) {
      const kb_zone_ref *z = pass ? tp->spillover : tp->essential;
      int n = pass ? tp->n_spillover : tp->n_essential, first = 1;
      for (int i = 0; i < n; i++) {
        int r[2];
        int c = kb_zone_regions(k, z[i], side, r);
        for (int j = 0; j < c; j++) { buf_printf(out, "%s%s", first ? "" : " ", body_at(kb_body(k), r[j])->id); first = 0; }
      }
      buf_putc(out, pass ? '\n' : '\t');
    }
  }
}

void report_error_json(buf *out, long line, const char *code, const char *message) {
  buf_lit(out, "{\"line\":");
  buf_int(out, line);
  buf_lit(out, ",\"error\":{\"code\":");
  buf_json_str(out, code);
  buf_lit(out, ",\"message\":");
  buf_json_str(out, message);
  buf_lit(out, "}}");
}
