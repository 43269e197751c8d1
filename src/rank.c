/* rank.c: ranking the trigger points most likely to refer a presentation's pain. */
#include "rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The fitted parameters: `build/test_cases --fit` over the case files in tests/cases (coordinate search on all
** the case files; `--cv 5` gives the held-out figures of the same procedure). */
static const rank_params DEFAULTS = {
  .p_essential = 0.7, .p_spillover = 0.35, .p_local = 0.18, .p_outside = 0.08, .prior_weight = 0.5,
  .miss_temper = 0.7, .idf = 0.25, .unexplained = 0.0,
  .context_bonus = 1.6, .quality_match = 1.2, .quality_odd = -0.7,
  .part_threshold = 2.0, .temperature = 0.5,
};
#define SAME_SIDE    0.05   /* a point on the side of the pain, where zones reach both sides */
#define POOL 10             /* the best candidates the differential reorders */
#define SELECT_COUNT 64     /* up to this many muscle-sides, the pool is chosen by counting */
#define PART_MEMO 4096      /* the part terms remembered (a power of 2) */
typedef float v4f __attribute__((vector_size(16)));   /* (GCC and clang vectors) */
typedef int v4i __attribute__((vector_size(16)));
typedef uint64_t v2u __attribute__((vector_size(16)));
/* The hot functions (run, with what it inlines, and place_desc) twice where GCC can pick one as
** the program starts (ifunc): for the CPUs of x86-64-v3 (AVX2: three-operand vector forms, no
** copies; 5% fewer instructions a batch line) and for any x86-64.  The same arithmetic either
** way: no contraction into FMAs (ISO C: -ffp-contract=off), no reordering.  -DMYOMAP_NO_CLONES
** builds the one for any x86-64 alone. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(MYOMAP_BOOTSTRAP) && !defined(MYOMAP_NO_CLONES)
#define HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define HOT
#endif

/* c ? a : b, by bits: a mask the compiler cannot see through (it would make a branch of a
** select, and where c is a coin toss that branch is mispredicted half the time) */
static inline uint32_t mask_of(int c) {
  uint32_t m = -(uint32_t)(c != 0);
  __asm__("" : "+r"(m));
  return m;
}
static inline int isel(int c, int a, int b) {
  uint32_t m = mask_of(c);
  return (int)(((uint32_t)a & m) | ((uint32_t)b & ~m));
}
static inline float fsel(int c, float a, float b) {
  uint32_t ua, ub, mask = mask_of(c);
  memcpy(&ua, &a, sizeof ua);
  memcpy(&ub, &b, sizeof ub);
  ua = (ua & mask) | (ub & ~mask);
  memcpy(&a, &ua, sizeof a);
  return a;
}

void rank_params_default(rank_params *p) { *p = DEFAULTS; }

enum { C_ESS = 0, C_SPILL, C_LOCAL, N_CLASSES };

#define WORDS 4   /* bitsets of up to 256 regions or activities */
typedef struct bits { uint64_t w[WORDS]; } bits;
static void bit_set(bits *b, int i) { b->w[i >> 6] |= 1ULL << (i & 63); }
static int bit_has(const bits *b, int i) { return (int)(b->w[i >> 6] >> (i & 63) & 1); }

typedef struct cand {
  bits zone[N_CLASSES];  /* concrete regions by class */
  bits any;              /* their union */
  bits activities;
} cand;

/* A posting: candidate index << 3 | class << 1 | (point on the region's side); without the side,
** posting >> 1 is candidate index * 4 + class. */
typedef uint32_t posting;

struct rank {
  const kb *k;
  rank_params pm;
  float *idf;             /* per concrete region: its weight (rank_params.idf) */
  unsigned char *reached; /* per concrete region: some point's zones hold it */
  cand *cands; int n_cands;
  int *post_start;        /* per concrete region: postings[post_start[r] .. post_start[r+1]) */
  posting *postings;
  /* hot, compact copies for rank_run */
  float *base;            /* per candidate: prior + tempered cost of the zone's regions */
  unsigned char *side;    /* per candidate */
  float *quality;         /* per candidate x quality */
  int *key;               /* per candidate: muscle * 3 + side, for one per muscle-side */
  int *tp;                /* per candidate */
  float gain_a[N_CLASSES], gain_b[N_CLASSES];   /* gain = w * a - b */
  /* scratch */
  float *acc;             /* per candidate: gains of this run (zero between runs) */
  uint64_t *hit;          /* bitset of candidates some painful region touched */
  uint64_t *reg_hit;      /* per concrete region: the bitset of the candidates its postings name
                          ** (hit_pairs * 2 words; made from the postings with the scratch) */
  int hit_pairs;          /* the words of hit and of a reg_hit row, in pairs */
  float *qual_t;          /* quality by quality, then candidate: qual_t[q * (n_cands + 1) + c]
                          ** (made with the scratch) */
  uint64_t *em;           /* per candidate c, em[c * 4 + class]: the entries (< 64) of this run's
                          ** presentation its zones of that class hold (zero between runs); indexed
                          ** by a posting >> 1 */
  int n_hit_words;
  float (*val)[PRESENT_MAX_PAIN];  /* the differential's [pool candidate][observation] gains */
  unsigned *ustamp;       /* per candidate: the last CHOIR unit that credited it, and how much */
  float *ubest;
  unsigned stamp;
  float *ms_s;            /* per touched muscle-side of a run: its best point's score and index */
  int *ms_c;
  unsigned char *slot;    /* per candidate: its place in the differential's pool + 1, else 0 */
  unsigned char (*cls)[RANK_MAX + 1];   /* the differential's [observation][slot] classes */
  uint64_t *slot_bit;     /* per slot: 0, then each pool candidate's bit */
  struct part_memo { uint32_t key; float val; } *part;   /* the differential's part terms
                          ** remembered (PART_MEMO of them): by a leader's score's bits, inverted
                          ** (so 0, a NAN's, is a slot not set) */
  float *sel_s;           /* select_pool's scores kept, and their muscle-sides */
  int *sel_i;
  int image;   /* 1: the index above is the constant tables of build/kbdata.inc (rank_free
               ** frees only the scratch) */
};

static void alloc_scratch(rank *r) {
  r->acc = xcalloc((size_t)r->n_cands + 1, sizeof *r->acc);
  r->ustamp = xcalloc((size_t)r->n_cands + 1, sizeof *r->ustamp);
  r->ubest = xcalloc((size_t)r->n_cands + 1, sizeof *r->ubest);
  r->val = xmalloc(RANK_MAX * sizeof *r->val);   /* written before it is read */
  r->n_hit_words = (r->n_cands + 63) / 64;
  r->hit_pairs = (r->n_hit_words + 1) / 2;
  r->hit = xcalloc((size_t)r->hit_pairs * 2 + 1, sizeof *r->hit);
  int nr = body_n(kb_body(r->k)), nc1 = r->n_cands + 1;
  r->reg_hit = xcalloc((size_t)(nr + 1) * (size_t)r->hit_pairs * 2, sizeof *r->reg_hit);
  for (int reg = 0; reg < nr; reg++)
    for (int j = r->post_start[reg]; j < r->post_start[reg + 1]; j++) {
      unsigned c = r->postings[j] >> 3;
      r->reg_hit[(size_t)reg * (size_t)r->hit_pairs * 2 + (c >> 6)] |= 1ULL << (c & 63);
    }
  r->qual_t = xcalloc((size_t)nc1 * N_QUALITIES, sizeof *r->qual_t);
  for (int c = 0; c < nc1; c++)
    for (int q = 0; q < N_QUALITIES; q++) r->qual_t[q * nc1 + c] = r->quality[c * N_QUALITIES + q];
  r->em = xcalloc(((size_t)r->n_cands + 1) * 4, sizeof *r->em);
  r->ms_s = xcalloc((size_t)r->n_cands + RANK_MAX + 4, sizeof *r->ms_s);
  r->slot = xcalloc((size_t)r->n_cands + 1, 1);
  r->cls = xcalloc(PRESENT_MAX_PAIN, sizeof *r->cls);
  r->slot_bit = xcalloc(RANK_MAX + 1, sizeof *r->slot_bit);
  for (int i = 1; i <= RANK_MAX; i++) r->slot_bit[i] = 1ULL << (i - 1);
  r->part = xcalloc(PART_MEMO, sizeof *r->part);
  r->sel_s = xcalloc((size_t)r->n_cands + 4, sizeof *r->sel_s);
  r->sel_i = xcalloc((size_t)r->n_cands + 4, sizeof *r->sel_i);
  r->ms_c = xcalloc((size_t)r->n_cands + 1, sizeof *r->ms_c);
  r->stamp = 0;
}

#ifndef MYOMAP_BOOTSTRAP
/* rank_data: the index of the embedded kb with the default parameters, written by
** tools/kbgen.c with rank_write_c */
#define KBDATA_RANK
#include "kbdata.inc"
#endif

static double prior(int freq) {
  switch (freq) {
  case KB_FREQ_VERY_COMMON: return 1.0;
  case KB_FREQ_COMMON: return 0.5;
  case KB_FREQ_OCCASIONAL: return -0.2;
  case KB_FREQ_RARE: return -0.7;
  default: return 0.0;
  }
}

static int popcount_bits(const bits *b) {
  int n = 0;
  for (int i = 0; i < WORDS; i++) n += __builtin_popcountll(b->w[i]);
  return n;
}

rank *rank_new(const kb *k) { return rank_new_params(k, &DEFAULTS); }

rank *rank_new_params(const kb *k, const rank_params *pm) {
#ifndef MYOMAP_BOOTSTRAP
  if (kb_is_builtin(k) && memcmp(pm, &DEFAULTS, sizeof *pm) == 0) {
    rank *r = xmalloc(sizeof *r);
    *r = rank_data;
    r->k = k;
    alloc_scratch(r);
    return r;
  }
#endif
  rank *r = xcalloc(1, sizeof *r);
  r->pm = *pm;
  const double p_class[N_CLASSES] = {pm->p_essential, pm->p_spillover, pm->p_local};
  const body *b = kb_body(k);
  int nr = body_n(b);
  r->k = k;
  r->cands = xcalloc((size_t)kb_n_tps(k) * 2 + 1, sizeof *r->cands);
  r->base = xcalloc((size_t)kb_n_tps(k) * 2 + 1, sizeof *r->base);
  r->side = xcalloc((size_t)kb_n_tps(k) * 2 + 1, sizeof *r->side);
  r->key = xcalloc((size_t)kb_n_tps(k) * 2 + 1, sizeof *r->key);
  r->tp = xcalloc((size_t)kb_n_tps(k) * 2 + 1, sizeof *r->tp);
  r->quality = xcalloc(((size_t)kb_n_tps(k) * 2 + 1) * N_QUALITIES, sizeof *r->quality);
  for (int cl = 0; cl < N_CLASSES; cl++) {
    r->gain_a[cl] = (float)(log(p_class[cl]) - log(pm->p_outside));
    r->gain_b[cl] = (float)(pm->miss_temper * (log(1 - p_class[cl]) - log(1 - pm->p_outside)));
  }

  int sens_q[N_QUALITIES];
  for (int q = 1; q < N_QUALITIES; q++) sens_q[q] = kb_find_term(k, KB_SENSATION, present_quality_name(q));
  /* candidates in muscle, side, point order, so one muscle-side's points are adjacent */
  for (int mi = 0; mi < kb_n_muscles(k); mi++) {
    const kb_muscle *m = kb_muscle_at(k, mi);
    for (int si = 0; si < (m->paired ? 2 : 1); si++)
    for (int t = m->first_tp; t < m->first_tp + m->n_tps; t++) {
      const kb_tp *tp = kb_tp_at(k, t);
      int ci = r->n_cands++, side = m->paired ? (si ? BODY_R : BODY_L) : BODY_MID;
      cand *c = &r->cands[ci];
      r->tp[ci] = t;
      r->side[ci] = (unsigned char)side;
      r->key[ci] = mi * 3 + side;
      int out[2];
      for (int i = 0; i < tp->n_essential; i++)
        for (int j = 0, n = kb_zone_regions(k, tp->essential[i], side, out); j < n; j++) bit_set(&c->zone[C_ESS], out[j]);
      for (int i = 0; i < tp->n_spillover; i++)
        for (int j = 0, n = kb_zone_regions(k, tp->spillover[i], side, out); j < n; j++)
          if (!bit_has(&c->zone[C_ESS], out[j])) bit_set(&c->zone[C_SPILL], out[j]);
      kb_zone_ref self = {tp->region, KB_SAME};
      for (int j = 0, n = kb_zone_regions(k, self, side, out); j < n; j++)
        if (!bit_has(&c->zone[C_ESS], out[j]) && !bit_has(&c->zone[C_SPILL], out[j])) bit_set(&c->zone[C_LOCAL], out[j]);
      for (int w = 0; w < WORDS; w++) c->any.w[w] = c->zone[C_ESS].w[w] | c->zone[C_SPILL].w[w] | c->zone[C_LOCAL].w[w];
      double cost = 0;
      for (int cl = 0; cl < N_CLASSES; cl++)
        cost += popcount_bits(&c->zone[cl]) * (log(1 - p_class[cl]) - log(1 - pm->p_outside));
      r->base[ci] = (float)(pm->prior_weight * prior(tp->frequency) + pm->miss_temper * cost);
      for (int i = 0; i < tp->n_perpetuating; i++) if (tp->perpetuating[i] < WORDS * 64) bit_set(&c->activities, tp->perpetuating[i]);
      for (int q = 1; q < N_QUALITIES; q++) {
        int known = 0;
        for (int i = 0; i < tp->n_sensations; i++) known |= tp->sensations[i] == sens_q[q];
        if (q == Q_ACHE && tp->n_sensations == 0) known = 1;   /* ache is the default */
        r->quality[ci * N_QUALITIES + q] = (float)(known ? pm->quality_match
                      : (q == Q_BURNING || q == Q_TINGLING || q == Q_NUMBNESS) ? pm->quality_odd : 0);
      }
    }
  }
  /* inverted index: region -> (candidate, class) */
  r->post_start = xcalloc((size_t)nr + 1, sizeof *r->post_start);
  for (int c = 0; c < r->n_cands; c++)
    for (int cl = 0; cl < N_CLASSES; cl++)
      for (int w = 0; w < WORDS; w++)
        for (uint64_t bw = r->cands[c].zone[cl].w[w]; bw; bw &= bw - 1) r->post_start[w * 64 + __builtin_ctzll(bw) + 1]++;
  for (int i = 0; i < nr; i++) r->post_start[i + 1] += r->post_start[i];
  r->postings = xmalloc((size_t)r->post_start[nr] * sizeof *r->postings + 1);
  int *fill = xcalloc((size_t)nr, sizeof *fill);
  for (int c = 0; c < r->n_cands; c++)
    for (int cl = 0; cl < N_CLASSES; cl++)
      for (int w = 0; w < WORDS; w++)
        for (uint64_t bw = r->cands[c].zone[cl].w[w]; bw; bw &= bw - 1) {
          int i = w * 64 + __builtin_ctzll(bw);
          posting same = r->side[c] == body_at(b, i)->side;
          r->postings[r->post_start[i] + fill[i]++] = (posting)c << 3 | (posting)cl << 1 | same;
        }
  free(fill);
  /* a region's weight from its reach: how many point-sides' zones hold it */
  r->idf = xcalloc((size_t)nr + 1, sizeof *r->idf);
  r->reached = xcalloc((size_t)nr + 1, 1);
  double sum = 0;
  int n_reached = 0;
  for (int i = 0; i < nr; i++)
    if (r->post_start[i + 1] > r->post_start[i]) { sum += r->post_start[i + 1] - r->post_start[i]; n_reached++; }
  for (int i = 0; i < nr; i++) {
    int df = r->post_start[i + 1] - r->post_start[i];
    r->reached[i] = df > 0;
    double w = df > 0 ? pow(sum / n_reached / df, pm->idf) : 1;
    r->idf[i] = (float)(w < 0.25 ? 0.25 : w > 4 ? 4 : w);
  }
  alloc_scratch(r);
  return r;
}

void rank_free(rank *r) {
  if (!r) return;
  if (!r->image) {
    free(r->cands); free(r->post_start); free(r->postings);
    free(r->base); free(r->side); free(r->key); free(r->tp); free(r->quality);
    free(r->idf); free(r->reached);
  }
  free(r->acc); free(r->hit); free(r->reg_hit); free(r->qual_t); free(r->em); free(r->ustamp); free(r->ubest); free(r->val); free(r->ms_s); free(r->ms_c); free(r->part); free(r->sel_s); free(r->sel_i); free(r->slot); free(r->cls); free(r->slot_bit);
  free(r);
}

/* floats and doubles as hexadecimal literals: exact */
static void c_floats(buf *out, const char *type, const char *name, const float *v, int n) {
  buf_printf(out, "static const %s %s[%d] = {", type, name, n);
  for (int i = 0; i < n; i++) buf_printf(out, "%s%a", !i ? "\n  " : i % 8 ? "," : ",\n  ", (double)v[i]);
  buf_lit(out, "};\n");
}

/* a rank or rank_params that grows fails the build here (64-bit) until rank_write_c writes it */
#if UINTPTR_MAX == 0xffffffffffffffffu
_Static_assert(sizeof(rank_params) == 13 * sizeof(double) && sizeof(cand) == 160 && sizeof(struct rank) == 384,
               "write the new field in rank_write_c (and update the size here)");
#endif

void rank_write_c(const rank *r, buf *out) {
  int nr = body_n(kb_body(r->k)), nc = r->n_cands;
  buf_printf(out, "static const cand rank_cands[%d] = {", nc + 1);
  for (int c = 0; c <= nc; c++) {   /* the +1 of rank_new's allocation: zeros */
    const cand *cd = &r->cands[c];
    const bits *set[5] = {&cd->zone[0], &cd->zone[1], &cd->zone[2], &cd->any, &cd->activities};
    buf_lit(out, "\n  {");
    for (int j = 0; j < 5; j++) {
      buf_puts(out, j == 3 ? "}}}, {{" : j == 4 ? "}}, {{" : j ? "}}, {{" : "{{{");
      for (int w = 0; w < WORDS; w++) buf_printf(out, "%s0x%llxu", w ? "," : "", c < nc ? (unsigned long long)set[j]->w[w] : 0ULL);
    }
    buf_lit(out, "}}},");
  }
  buf_lit(out, "};\n");
  c_floats(out, "float", "rank_idf", r->idf, nr + 1);
  c_floats(out, "float", "rank_base", r->base, nc + 1);
  c_floats(out, "float", "rank_quality", r->quality, (nc + 1) * N_QUALITIES);
  buf_printf(out, "static const unsigned char rank_reached[%d] = {", nr + 1);
  for (int i = 0; i <= nr; i++) buf_printf(out, "%s%d", i ? "," : "", r->reached[i]);
  buf_printf(out, "};\nstatic const unsigned char rank_side[%d] = {", nc + 1);
  for (int i = 0; i <= nc; i++) buf_printf(out, "%s%d", i ? "," : "", r->side[i]);
  buf_printf(out, "};\nstatic const int rank_key[%d] = {", nc + 1);
  for (int i = 0; i <= nc; i++) buf_printf(out, "%s%d", i ? "," : "", r->key[i]);
  buf_printf(out, "};\nstatic const int rank_tp[%d] = {", nc + 1);
  for (int i = 0; i <= nc; i++) buf_printf(out, "%s%d", i ? "," : "", r->tp[i]);
  buf_printf(out, "};\nstatic const int rank_post_start[%d] = {", nr + 1);
  for (int i = 0; i <= nr; i++) buf_printf(out, "%s%d", i ? "," : "", r->post_start[i]);
  int np = r->post_start[nr];
  buf_printf(out, "};\nstatic const posting rank_postings[%d] = {", np + 1);
  for (int i = 0; i < np; i++) buf_printf(out, "%s%uu", !i ? "\n  " : i % 16 ? "," : ",\n  ", r->postings[i]);
  buf_lit(out, "};\nstatic const rank rank_data = {\n  .pm = {");
  const double *pv = &r->pm.p_essential;
  for (size_t i = 0; i < sizeof r->pm / sizeof(double); i++) buf_printf(out, "%s%a", i ? ", " : "", pv[i]);
  buf_printf(out, "},\n  .idf = (float *)rank_idf, .reached = (unsigned char *)rank_reached,\n"
                  "  .cands = (cand *)rank_cands, .n_cands = %d,\n"
                  "  .post_start = (int *)rank_post_start, .postings = (posting *)rank_postings,\n"
                  "  .base = (float *)rank_base, .side = (unsigned char *)rank_side, .quality = (float *)rank_quality,\n"
                  "  .key = (int *)rank_key, .tp = (int *)rank_tp,\n  .gain_a = {", nc);
  for (int i = 0; i < N_CLASSES; i++) buf_printf(out, "%s%a", i ? ", " : "", (double)r->gain_a[i]);
  buf_lit(out, "}, .gain_b = {");
  for (int i = 0; i < N_CLASSES; i++) buf_printf(out, "%s%a", i ? ", " : "", (double)r->gain_b[i]);
  buf_lit(out, "},\n  .image = 1};\n");
}

/* The pool being filled: scores and candidate indices, best first (an earlier offer wins a
** tie).  Offer candidate c with score s; returns whether the pool is now full, so its last
** score is the bar. */
typedef struct pool { float s[RANK_MAX]; int c[RANK_MAX]; int n; } pool;
static inline int offer(pool *pl, int top, int c, float s) {
  int pos;
  if (pl->n < top) pos = pl->n++;
  else if (top > 0 && s > pl->s[top - 1]) pos = top - 1;
  else return pl->n == top && top > 0;
  while (pos > 0 && pl->s[pos - 1] < s) { pl->s[pos] = pl->s[pos - 1]; pl->c[pos] = pl->c[pos - 1]; pos--; }
  pl->s[pos] = s;
  pl->c[pos] = c;
  return pl->n == top;
}

/* A painful region's weight by its intensity (-1: not given), from a table (a branch on whether
** an intensity was given was mispredicted half the time). */
#define W(i) (0.6 + 0.08 * (i))
static const double WEIGHTS[12] = {1.0, W(0), W(1), W(2), W(3), W(4), W(5), W(6), W(7), W(8), W(9), W(10)};
static double weight(int intensity) {
  return (unsigned)(intensity + 1) < 12 ? WEIGHTS[intensity + 1] : intensity < 0 ? 1.0 : W(intensity);
}
#undef W

/* The class (C_ESS, C_SPILL, C_LOCAL) of region reg in candidate c's zones, or -1. */
static inline int zone_class(const cand *c, int reg) {
  if (!bit_has(&c->any, reg)) return -1;
  for (int cl = 0; cl < N_CLASSES; cl++) if (bit_has(&c->zone[cl], reg)) return cl;
  return -1;
}

static double log_sigmoid(double x) { return x > 0 ? -log1p(exp(-x)) : x - log1p(exp(x)); }

/* A part's term, log sigmoid((leader's added - part_threshold) / temperature), remembered by
** the leader's score: scores recur (on bench_rank's million lines six lookups in ten find it),
** and a lookup is a few instructions where exp and log1p are a hundred or so.  (A table of 4,096,
** 32 KB: one of 16,384 found more, but perf put most of its time on the load of its slot.) */
static float part_term(rank *r, float lead, float inv_t) {
  uint32_t bits;
  memcpy(&bits, &lead, sizeof bits);
  uint32_t h = (bits * 0x9e3779b1u) >> (32 - 12);
  _Static_assert(PART_MEMO == 1 << 12, "the hash's bits");
  struct part_memo *pm = &r->part[h];
  if (pm->key == ~bits && lead == lead) return pm->val;
  float v = (float)log_sigmoid((lead - r->pm.part_threshold) * inv_t);
  if (lead == lead) { pm->key = ~bits; pm->val = v; }
  return v;
}

/* Observation sets: bit o for observation o (at most PRESENT_MAX_PAIN of them). */
#define OW ((PRESENT_MAX_PAIN + 63) / 64)
typedef struct obits { uint64_t w[OW]; } obits;
#define OB_EACH(set, o) for (int o##_w = 0; o##_w < nw_used; o##_w++) \
  for (uint64_t o##_b = (set).w[o##_w], o; o##_b && ((o = (uint64_t)(o##_w * 64 + __builtin_ctzll(o##_b))), 1); o##_b &= o##_b - 1)

/* Fill out from the pool in its order as one part (the first candidate explains everything);
** lean: the candidates only (see rank_run_list). */
static void one_part(const present *p, const rank_candidate *pool, int n_pool, int top, int lean, rank_result *out) {
  int n = n_pool < top ? n_pool : top;
  out->n = n;
  if (lean) { memcpy(out->cand, pool, (size_t)n * sizeof *pool); return; }
  out->n_groups = n ? 1 : 0;
  out->group[0].n_cand = n;
  out->group[0].share = 1;
  for (int i = 0; i < n; i++) {
    out->cand[i] = pool[i];
    out->cand[i].group = 0;
    out->cand[i].added = pool[i].score;
    out->group[0].cand[i] = i;
  }
  for (int i = 0; i < p->n_pain; i++) out->pain_group[i] = n ? 0 : -1;
  out->explained = out->explained_best = n ? 1 : 0;
}

/* The places of v[0..n) in descending order, ties to the earlier, into at: the place of v[i] is
** how many come before it, those before i not lower and those after i higher, that is n - 1 less
** the others it comes before: those before i lower and those after i not higher.  They are
** counted four i at a time against each v[j] broadcast (once), four j at a time: a compare and a
** subtract each (the compare overwrites the loaded v[j]: no copies); the block's own four j are
** counted by lane.  v has room for 4 more, set here to NAN: it compares false with everything,
** so the last block's extra j count nothing.  No value may be NAN. */
HOT static void place_desc(float *v, int n, int *at) {
  v4f bc[RANK_MAX + 4];
  int cnt[RANK_MAX + 4], nb = (n + 3) / 4;
  for (int j = n; j < n + 4; j++) v[j] = __builtin_nanf("");
  for (int b = 0; b < nb; b++) {
    v4f x;
    memcpy(&x, v + 4 * b, sizeof x);
    bc[4 * b] = (v4f){x[0], x[0], x[0], x[0]};
    bc[4 * b + 1] = (v4f){x[1], x[1], x[1], x[1]};
    bc[4 * b + 2] = (v4f){x[2], x[2], x[2], x[2]};
    bc[4 * b + 3] = (v4f){x[3], x[3], x[3], x[3]};
  }
  /* the diagonal's lanes: i after j (the lower count), i before j (the not higher) */
  const v4i after0 = {0, -1, -1, -1}, after1 = {0, 0, -1, -1}, after2 = {0, 0, 0, -1},
            before1 = {-1, 0, 0, 0}, before2 = {-1, -1, 0, 0}, before3 = {-1, -1, -1, 0};
  for (int b = 0; b < nb; b++) {
    v4f vi;
    memcpy(&vi, v + 4 * b, sizeof vi);
    const v4f *bj = bc + 4 * b;
    v4i k = ((bj[0] < vi) & after0) + (((bj[1] < vi) & after1) | ((bj[1] <= vi) & before1)) +
            (((bj[2] < vi) & after2) | ((bj[2] <= vi) & before2)) + ((bj[3] <= vi) & before3);
    for (const v4f *q = bc; q < bj; q += 4) k += (q[0] < vi) + (q[1] < vi) + (q[2] < vi) + (q[3] < vi);
    for (const v4f *q = bj + 4; q < bc + 4 * nb; q += 4) k += (q[0] <= vi) + (q[1] <= vi) + (q[2] <= vi) + (q[3] <= vi);
    memcpy(cnt + 4 * b, &k, sizeof k);
  }
  for (int i = 0; i < n; i++) at[n - 1 + cnt[i]] = i;
}

/* The differential over the pool (best first by score): see rank.h. */
static inline __attribute__((always_inline)) void differential(rank *r, const present *p, const rank_candidate *pool, const uint64_t *pool_any,
                         int n_pool, int top, int lean, const float *w_in, const float *pen_in, int merged,
                         rank_result *out) {
  const rank_params *pm = &r->pm;
  /* observations: a marked region, or one CHOIR unit (its entries are adjacent) */
  int obs[PRESENT_MAX_PAIN], n_obs = 0;
  float w_obs[PRESENT_MAX_PAIN], pen_obs[PRESENT_MAX_PAIN], wi[PRESENT_MAX_PAIN];
  int rw[PRESENT_MAX_PAIN];          /* per entry: its region's word and bit in a zone's bits */
  uint64_t rbit[PRESENT_MAX_PAIN];
  if (lean && !merged && p->n_pain <= 64) {   /* each entry its own observation: what run made */
    n_obs = p->n_pain;
    memcpy(wi, w_in, (size_t)n_obs * sizeof *wi);
    memcpy(pen_obs, pen_in, (size_t)n_obs * sizeof *pen_obs);
  } else for (int i = 0; i < p->n_pain; i++) {
    int u = p->pain[i].unit, reg = p->pain[i].region;
    rw[i] = reg >> 6;
    rbit[i] = 1ULL << (reg & 63);
    if (u >= 0 && i > 0 && p->pain[i - 1].unit == u) obs[i] = obs[i - 1];
    else { obs[i] = n_obs; w_obs[n_obs] = 0; pen_obs[n_obs] = 0; n_obs++; }
    float w = (float)weight(p->pain[i].intensity);
    wi[i] = w * r->idf[reg];
    float pen = r->reached[reg] ? (float)pm->unexplained * wi[i] : 0;
    if (w > w_obs[obs[i]]) w_obs[obs[i]] = w;
    if (pen > pen_obs[obs[i]]) pen_obs[obs[i]] = pen;
  }
  /* fast path: the best candidate explains every observation, so there is one part and the
  ** order is the score's */
  const int lazy = n_obs == p->n_pain, masks = lazy && p->n_pain <= 64;   /* (pool_any: see rank_run) */
  /* (with lean and masks, obs, w_obs, rw and rbit are not set: nothing below reads them) */
  if (masks) {
    if (pool_any[0] == (p->n_pain == 64 ? ~0ULL : (1ULL << p->n_pain) - 1)) { one_part(p, pool, n_pool, top, lean, out); return; }
  } else {
    const cand *cd = &r->cands[pool[0].cand];
    obits c0 = {{0}}, all = {{0}};
    for (int o = 0; o < n_obs; o++) all.w[o >> 6] |= 1ULL << (o & 63);
    for (int i = 0; i < p->n_pain; i++)
      if (cd->any.w[rw[i]] & rbit[i]) c0.w[obs[i] >> 6] |= 1ULL << (obs[i] & 63);
    int full = 1;
    for (int w = 0; w < OW; w++) full &= c0.w[w] == all.w[w];
    if (full) { one_part(p, pool, n_pool, top, lean, out); return; }
  }
  /* covby[o]: the pool candidates that explain observation o; val[c][o], or its class cls[o][c + 1]
  ** in c's zones: what c gains for explaining it */
  uint64_t covby[PRESENT_MAX_PAIN];
  obits cov[RANK_MAX];   /* per pool candidate: the observations it explains, and how many no part holds yet */
  int fresh[RANK_MAX];
  float (*val)[PRESENT_MAX_PAIN] = r->val;
  unsigned char (*cls)[RANK_MAX + 1] = r->cls;
  if (masks) {
    /* each entry its own observation (no CHOIR unit), and the entries a pool candidate's zones
    ** hold are its masks; what a candidate gains is made from its class (by the masks) where the
    ** parts below read it, once */
    memset(covby, 0, (size_t)n_obs * sizeof *covby);
    for (int c = 0; c < n_pool; c++) {
      uint64_t e = pool_any[c], cb = 1ULL << c;
      int f = 0;
      for (uint64_t b = e; b; b &= b - 1, f++) covby[__builtin_ctzll(b)] |= cb;
      cov[c] = (obits){{e}};
      fresh[c] = f;
    }
  } else if (lazy) {
    /* each entry its own observation (no CHOIR unit): from the regions' postings, each pool
    ** candidate by its slot (its index + 1, 0 for the others); what a candidate gains is made
    ** from its class where the parts below read it, once */
    unsigned char *slot = r->slot;
    const uint64_t *slot_bit = r->slot_bit;
    for (int c = 0; c < n_pool; c++) slot[pool[c].cand] = (unsigned char)(c + 1);
    for (int i = 0; i < p->n_pain; i++) {   /* (nothing read back from memory: no chain) */
      int reg = p->pain[i].region;
      unsigned char *ci = cls[i];
      uint64_t cb = 0;
      for (const posting *po = r->postings + r->post_start[reg], *end = r->postings + r->post_start[reg + 1]; po < end; po++) {
        unsigned sl = slot[*po >> 3];
        cb |= slot_bit[sl];
        ci[sl] = (unsigned char)(*po >> 1 & 3);
      }
      covby[i] = cb;
    }
    for (int c = 0; c < n_pool; c++) slot[pool[c].cand] = 0;
    memset(cov, 0, (size_t)n_pool * sizeof *cov);   /* the same by candidate */
    memset(fresh, 0, (size_t)n_pool * sizeof *fresh);
    for (int o = 0; o < n_obs; o++)
      for (uint64_t cb = covby[o]; cb; cb &= cb - 1) {
        int c = __builtin_ctzll(cb);
        cov[c].w[o >> 6] |= 1ULL << (o & 63);
        fresh[c]++;
      }
  } else {
    memset(covby, 0, (size_t)n_obs * sizeof *covby);
    for (int c = 0; c < n_pool; c++) {
      const cand *cd = &r->cands[pool[c].cand];
      float *vc = val[c];
      obits cv = {{0}};
      int f = 0;
      /* each entry's class in c's zones (as zone_class: any is the union of the three) */
#define ZONE_CLASS(w, rb) ((cd->zone[C_ESS].w[w] & (rb)) ? C_ESS : (cd->zone[C_SPILL].w[w] & (rb)) ? C_SPILL : C_LOCAL)
      for (int i = 0; i < p->n_pain; i++) {
        int w = rw[i];
        uint64_t rb = rbit[i];
        if (!(cd->any.w[w] & rb)) continue;
        int o = obs[i];
        float v = wi[i] * r->gain_a[ZONE_CLASS(w, rb)] + pen_obs[o];
        uint64_t bit = 1ULL << (o & 63);
        if (!(cv.w[o >> 6] & bit)) { vc[o] = v; f++; covby[o] |= 1ULL << c; cv.w[o >> 6] |= bit; }
        else if (v > vc[o]) vc[o] = v;
      }
#undef ZONE_CLASS
      cov[c] = cv;
      fresh[c] = f;
    }
  }
  /* the parts: each leader the candidate with something fresh that adds most */
  float m[RANK_MAX], m_at[RANK_MAX_GROUPS][RANK_MAX], lead[RANK_MAX_GROUPS], gsum[RANK_MAX_GROUPS][RANK_MAX];
  uint64_t gcands[RANK_MAX_GROUPS];   /* per part: the pool candidates that explain some of it */
  uint64_t has_fresh = 0;   /* the pool candidates that explain something no part holds yet */
  obits done = {{0}};
  int ogroup[PRESENT_MAX_PAIN], n_g = 0;
  uint64_t leaders = 0;
  const int nw_used = (n_obs + 63) / 64;   /* the words of an obits in use */
  const int n_copy = n_pool <= 16 ? 16 : RANK_MAX;   /* (whole vectors copied) */
  for (int c = 0; c < n_copy; c++) m[c] = c < n_pool ? (float)pool[c].score : 0;
  for (int o = 0; o < n_obs; o++) has_fresh |= covby[o];
  while (n_g < RANK_MAX_GROUPS) {
    uint64_t can = has_fresh & ~leaders;
    if (!can) break;
    int best = __builtin_ctzll(can);
    float bm = m[best];
    for (int c = best + 1; c < n_pool; c++) {
      int better = (int)(can >> c & 1) & (m[c] > bm);
      best = isel(better, c, best);
      bm = fsel(better, m[c], bm);
    }
    leaders |= 1ULL << best;
    lead[n_g] = bm;
    if (n_copy == 16) {   /* (fixed sizes: moves, not calls) */
      memcpy(m_at[n_g], m, 16 * sizeof *m);
      for (int c = 0; c < 16; c++) gsum[n_g][c] = 0;
    } else {
      memcpy(m_at[n_g], m, RANK_MAX * sizeof *m);
      memset(gsum[n_g], 0, sizeof gsum[n_g]);
    }
    float pen = 0;
    uint64_t who = 0;
    obits nw;   /* what the leader newly explains */
    for (int w = 0; w < nw_used; w++) { nw.w[w] = cov[best].w[w] & ~done.w[w]; done.w[w] |= nw.w[w]; }
    OB_EACH(nw, o) {
      ogroup[o] = n_g;
      pen += pen_obs[o];
      who |= covby[o];
      for (uint64_t cb = covby[o]; cb; cb &= cb - 1) {
        int c = __builtin_ctzll(cb);
        float v = masks ? wi[o] * r->gain_a[C_LOCAL - (C_LOCAL - C_ESS) * (int)(pool[c].ess >> o & 1) - (C_LOCAL - C_SPILL) * (int)(pool[c].spill >> o & 1)] + pen_obs[o]
                  : lazy ? wi[o] * r->gain_a[cls[o][c + 1]] + pen_obs[o] : val[c][o];
        gsum[n_g][c] += v;   /* what c explains of this part, for its assignment below */
        m[c] -= v;
        has_fresh &= ~((uint64_t)(--fresh[c] == 0) << c);
      }
    }
    gcands[n_g] = who;
    if (pen != 0) for (int c = 0; c < n_pool; c++) m[c] += pen;
    n_g++;
  }
  /* each candidate's part (the one it explains most of) and key */
  float key[RANK_MAX + 4], part[RANK_MAX_GROUPS], inv_t = (float)(1 / pm->temperature);
  int cgroup[RANK_MAX + 4], order[RANK_MAX];
  part[0] = 0;
  for (int g = 1; g < n_g; g++) part[g] = part_term(r, lead[g], inv_t);
  /* four candidates at a time: the first part that holds some of what each explains, then any
  ** that holds more; one that explains only what the last parts left (the part limit) goes to
  ** the last (m_at, gsum and gcands are set for whole vectors: see n_copy) */
  const v4i lane_bit = {1, 2, 4, 8};
  v4i nan_v = {0, 0, 0, 0};
  v4f lead_b[RANK_MAX_GROUPS], part_b[RANK_MAX_GROUPS];   /* each part's, broadcast */
  for (int k = 0; k < n_g; k++) {
    lead_b[k] = (v4f){lead[k], lead[k], lead[k], lead[k]};
    part_b[k] = (v4f){part[k], part[k], part[k], part[k]};
  }
  for (int c = 0; c < n_pool; c += 4) {
    const int last = n_g - 1;
    v4i g = {last, last, last, last}, none = {-1, -1, -1, -1};
    v4f most = {0, 0, 0, 0}, at_g, lead_g = lead_b[last], part_g = part_b[last];
    memcpy(&at_g, &m_at[last][c], sizeof at_g);
    for (int k = 0; k < n_g; k++) {
      int b = (int)(gcands[k] >> c & 15);
      v4i in = (lane_bit & (v4i){b, b, b, b}) == lane_bit;
      v4f gs, at_k;
      memcpy(&gs, &gsum[k][c], sizeof gs);
      memcpy(&at_k, &m_at[k][c], sizeof at_k);
      v4i more = in & (none | (gs > most));
      none &= ~more;
      most = (v4f)(((v4i)gs & more) | ((v4i)most & ~more));
      at_g = (v4f)(((v4i)at_k & more) | ((v4i)at_g & ~more));
      lead_g = (v4f)(((v4i)lead_b[k] & more) | ((v4i)lead_g & ~more));
      part_g = (v4f)(((v4i)part_b[k] & more) | ((v4i)part_g & ~more));
      g = ((v4i){k, k, k, k} & more) | (g & ~more);
    }
    v4f kv = part_g + (at_g - lead_g) * inv_t;
    memcpy(&key[c], &kv, sizeof kv);
    memcpy(&cgroup[c], &g, sizeof g);
    int live = n_pool - c >= 4 ? 15 : (1 << (n_pool - c)) - 1;   /* (the lanes in the pool) */
    nan_v |= (kv != kv) & ((lane_bit & (v4i){live, live, live, live}) == lane_bit);
  }
  int nan = (nan_v[0] | nan_v[1] | nan_v[2] | nan_v[3]) != 0;
  if (!nan) place_desc(key, n_pool, order);   /* by key, ties in pool order */
  else {   /* (stable insertion) */
    for (int c = 0; c < n_pool; c++) order[c] = c;
    for (int i = 1; i < n_pool; i++) {
      int c = order[i], j = i;
      while (j > 0 && key[order[j - 1]] < key[c]) { order[j] = order[j - 1]; j--; }
      order[j] = c;
    }
  }
  int n = n_pool < top ? n_pool : top, renum[RANK_MAX_GROUPS];
  out->n = n;
  if (lean) {
    for (int i = 0; i < n; i++) out->cand[i] = pool[order[i]];
    return;
  }
  for (int g = 0; g < RANK_MAX_GROUPS; g++) renum[g] = -1;
  out->n_groups = 0;
  uint64_t listed = 0;   /* the candidates in the list */
  for (int i = 0; i < n; i++) {
    int c = order[i], g = cgroup[c];
    out->cand[i] = pool[c];
    out->cand[i].added = m_at[g][c];
    listed |= 1ULL << c;
    if (renum[g] < 0) {
      renum[g] = out->n_groups++;
      out->group[renum[g]].n_cand = 0;
    }
    int rg = renum[g];
    out->cand[i].group = rg;
    out->group[rg].cand[out->group[rg].n_cand++] = i;
  }
  /* the shares: of the whole drawing, of each group, explained by the list and by the first */
  double total = 0, in_list = 0, first = 0, gshare[RANK_MAX_GROUPS] = {0};
  uint64_t first_bit = n ? 1ULL << order[0] : 0;
  for (int o = 0; o < n_obs; o++) {
    uint64_t bit = 1ULL << (o & 63);
    total += w_obs[o];
    if (covby[o] & listed) in_list += w_obs[o];
    if (covby[o] & first_bit) first += w_obs[o];
    if ((done.w[o >> 6] & bit) && renum[ogroup[o]] >= 0) gshare[renum[ogroup[o]]] += w_obs[o];
  }
  for (int i = 0; i < p->n_pain; i++) {
    int o = obs[i];
    out->pain_group[i] = (done.w[o >> 6] >> (o & 63) & 1) ? renum[ogroup[o]] : -1;
  }
  for (int g = 0; g < out->n_groups; g++) out->group[g].share = total > 0 ? gshare[g] / total : 0;
  out->explained = total > 0 ? in_list / total : 0;
  out->explained_best = total > 0 ? first / total : 0;
}

/* The n_pool best of the n muscle-sides' scores s[0..n), best first, ties to the earlier, into
** placed (indices into s); returns how many (those scoring -INFINITY, the muscle-sides whose points
** all scored -INFINITY or NAN, are never among them).  Without branches on the scores: a bound
** first, from the best of each of 4 * ceil(n_pool / 4) interleaved lanes (the highest of them that
** n_pool of them reach), keeps the scores that reach it; each of those is placed by counting the
** kept scores that beat it (higher, or the same and earlier).  s has room for 64 more floats. */
static inline __attribute__((always_inline)) int select_pool(rank *r, int n, int n_pool, int *placed) {
  float *s = r->ms_s, *ks = s;
  int *kept = NULL, G = (n_pool + 3) / 4, L = 4 * G, nk = n, finite = 0;   /* (all kept above -INFINITY) */
  if (n > L) {
    for (int j = n; j < n + L; j++) s[j] = -INFINITY;
    v4f mx[RANK_MAX / 4];
    for (int g = 0; g < G; g++) memcpy(&mx[g], s + 4 * g, sizeof mx[g]);
    for (int b = L; b < n; b += L)
      for (int g = 0; g < G; g++) {
        v4f v;
        memcpy(&v, s + b + 4 * g, sizeof v);
        v4i gt = v > mx[g];
        mx[g] = (v4f)(((v4i)v & gt) | ((v4i)mx[g] & ~gt));
      }
    /* the bound: the highest lane maximum that n_pool of them reach (each lane holds a score of
    ** its own, so at least n_pool scores reach it), four counted at a time */
    v4f bl[RANK_MAX];   /* each lane maximum broadcast */
    for (int g = 0; g < G; g++) {
      v4f x = mx[g];
      bl[4 * g] = (v4f){x[0], x[0], x[0], x[0]};
      bl[4 * g + 1] = (v4f){x[1], x[1], x[1], x[1]};
      bl[4 * g + 2] = (v4f){x[2], x[2], x[2], x[2]};
      bl[4 * g + 3] = (v4f){x[3], x[3], x[3], x[3]};
    }
    const v4i most_below = {L - n_pool, L - n_pool, L - n_pool, L - n_pool};
    v4f barv = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    for (int g = 0; g < G; g++) {
      v4i below = {0, 0, 0, 0};   /* the lane maxima lower than each (no NAN: the rest reach it) */
      for (int l = 0; l < L; l++) below -= bl[l] < mx[g];
      v4i up = (below <= most_below) & (mx[g] > barv);
      barv = (v4f)(((v4i)mx[g] & up) | ((v4i)barv & ~up));
    }
    float bar = barv[0];
    for (int l = 1; l < 4; l++) bar = barv[l] > bar ? barv[l] : bar;
    ks = r->sel_s;
    kept = r->sel_i;
    nk = 0;
    for (int i = 0; i < n; i++) {
      kept[nk] = i;
      ks[nk] = s[i];
      nk += s[i] >= bar;
    }
    finite = bar > -INFINITY;
  }
  int nv = 0;
  if (nk <= SELECT_COUNT) {
    int at[SELECT_COUNT];
    place_desc(ks, nk, at);
    if (finite) nv = nk;
    else for (int i = 0; i < nk; i++) nv += ks[i] > -INFINITY;
    if (nv > n_pool) nv = n_pool;
    for (int i = 0; i < nv; i++) placed[i] = kept ? kept[at[i]] : at[i];
  } else {   /* many: by insertion */
    pool pl;
    pl.n = 0;
    for (int i = 0; i < nk; i++)
      if (ks[i] > -INFINITY) offer(&pl, n_pool, kept ? kept[i] : i, ks[i]);
    nv = pl.n;
    memcpy(placed, pl.c, (size_t)nv * sizeof *placed);
  }
  return nv;
}

/* Walk the touched candidates in order: one muscle-side's points are adjacent, so its best point
** (the first of the highest score) is found in passing, without a branch on where a muscle-side
** starts, into r->ms_s and r->ms_c; clears acc; returns how many muscle-sides.  (A muscle-side
** whose points all score -INFINITY or NAN scores -INFINITY, and its point is not kept: select_pool
** never places it.)  Inlined twice, with and without context (has_ctx a constant). */
static inline __attribute__((always_inline)) int walk_hits(rank *r, float total_pen, const bits *ctx, float ctx_bonus,
                                                           const int has_ctx) {
  static const float LIM[2] = {INFINITY, -INFINITY};   /* by whether a muscle-side starts */
  float *acc = r->acc, *ms_s = r->ms_s;
  const float *base = r->base;
  const int *keys = r->key;
  int *ms_c = r->ms_c, m = -1, cur_key = -1, cur_c = -1;
  float cur_s = -INFINITY;
  for (int wi = 0; wi < r->n_hit_words; wi++) {
    const int c0 = wi * 64;
    for (uint64_t bw = r->hit[wi]; bw; bw &= bw - 1) {
      int c = c0 + __builtin_ctzll(bw), key = keys[c];
      float s = acc[c] + base[c] - total_pen;
      acc[c] = 0;
      if (has_ctx) {
        const cand *cd = &r->cands[c];
        int mc = 0;
        for (int w = 0; w < WORDS; w++) mc += __builtin_popcountll(ctx->w[w] & cd->activities.w[w]);
        s += ctx_bonus * (float)(mc > 2 ? 2 : mc);
      }
      int fresh = key != cur_key;   /* a new muscle-side */
      m += fresh;
      cur_key = key;
      float lim = LIM[fresh], from = cur_s < lim ? cur_s : lim;   /* (minss: -INFINITY for a new one; cur_s is never NAN) */
      int better = s > from;
      cur_s = s > from ? s : from;   /* (maxss) */
      cur_c = isel(better, c, cur_c);
      ms_s[m] = cur_s;   /* (written again while the muscle-side goes on) */
      ms_c[m] = cur_c;
    }
  }
  return m + 1;
}

HOT static void run(rank *r, const present *p, int top, int lean, rank_result *out) {
  if (top > RANK_MAX) top = RANK_MAX;
  if (top < 0) top = 0;
  const rank_params *pm = &r->pm;
  float *acc = r->acc;
  uint64_t *hit = r->hit, *em = r->em;
  const int nhp = r->hit_pairs;
  float total_pen = 0;
  float w_e[64], pen_e[64];   /* per entry (< 64), for the differential: its weight and max(pen, 0) */
  int merged = 0;             /* some CHOIR unit has more than one entry */
  /* acc and hit are all zero between runs: the walk below clears what it reads (and em after it) */
  /* each painful region adds its gain to every candidate whose zones hold it (no branches);
  ** a CHOIR unit credits each candidate once, for the best of its regions */
  for (int i = 0; i < p->n_pain; i++) {
    int reg = p->pain[i].region, q = p->pain[i].quality, unit = p->pain[i].unit;
    float w = (float)weight(p->pain[i].intensity) * r->idf[reg];
    float pen = r->reached[reg] ? (float)pm->unexplained * w : 0;
    w_e[i & 63] = w;
    pen_e[i & 63] = pen > 0 ? pen : 0;
    float gain[8] = {0};   /* by a posting's class and side */
    for (int cl = 0; cl < N_CLASSES; cl++) {
      gain[2 * cl] = w * r->gain_a[cl] + pen - r->gain_b[cl];
      gain[2 * cl + 1] = gain[2 * cl] + (float)SAME_SIDE;
    }
    const posting *po = r->postings + r->post_start[reg], *end = r->postings + r->post_start[reg + 1];
    uint64_t ebit = i < 64 ? 1ULL << i : 0;
    const float *qual = r->qual_t + (size_t)q * (size_t)(r->n_cands + 1);   /* by candidate */
    const uint64_t *rh = r->reg_hit + (size_t)reg * (size_t)nhp * 2;
    for (int j = 0; j < nhp; j++) {   /* the candidates its postings name, two words a step */
      v2u h, x;
      memcpy(&h, hit + 2 * j, sizeof h);
      memcpy(&x, rh + 2 * j, sizeof x);
      h |= x;
      memcpy(hit + 2 * j, &h, sizeof h);
    }
    if (unit >= 0) {
      /* one observation: the -gain_b (an unmarked zone region is not a miss here) for every
      ** region of it, the rest for the best one */
      merged |= i > 0 && p->pain[i - 1].unit == unit;
      if (i == 0 || p->pain[i - 1].unit != unit) {
        r->stamp++;
        if (!r->stamp) { memset(r->ustamp, 0, (size_t)r->n_cands * sizeof *r->ustamp); r->stamp = 1; }
      }
      float upen = 0;
      for (int j = i; j < p->n_pain && p->pain[j].unit == unit; j++) {
        int rj = p->pain[j].region;
        float pj = r->reached[rj] ? (float)pm->unexplained * (float)weight(p->pain[j].intensity) * r->idf[rj] : 0;
        if (pj > upen) upen = pj;
      }
      if (i == 0 || p->pain[i - 1].unit != unit) total_pen += upen;
      for (; po < end; po++) {
        unsigned c = *po >> 3, cl = *po >> 1 & 3;
        float v = gain[*po & 7] + r->gain_b[cl] + (q ? qual[c] : 0);
        acc[c] -= r->gain_b[cl];
        if (r->ustamp[c] != r->stamp) { r->ustamp[c] = r->stamp; r->ubest[c] = v; acc[c] += v; }
        else if (v > r->ubest[c]) { acc[c] += v - r->ubest[c]; r->ubest[c] = v; }
        em[*po >> 1] |= ebit;
      }
      continue;
    }
    total_pen += pen;
    if (q) {
      for (; po < end; po++) {
        unsigned c = *po >> 3;
        acc[c] += gain[*po & 7] + qual[c];
        em[*po >> 1] |= ebit;
      }
    } else {
      for (; po < end; po++) {
        acc[*po >> 3] += gain[*po & 7];
        em[*po >> 1] |= ebit;
      }
    }
  }
  bits ctx = {{0}};
  for (int i = 0; i < p->n_context; i++) if (p->context[i] < WORDS * 64) bit_set(&ctx, p->context[i]);
  /* the touched candidates' muscle-sides, each by its best point */
  int n_pool = top > POOL ? top : POOL;
  float *ms_s = r->ms_s;
  int *ms_c = r->ms_c;
  int n_ms = p->n_context > 0 ? walk_hits(r, total_pen, &ctx, (float)pm->context_bonus, 1) : walk_hits(r, total_pen, &ctx, 0, 0);
  out->n_considered = n_ms;
  int placed[RANK_MAX], n = select_pool(r, n_ms, n_pool, placed);
  rank_candidate cands[RANK_MAX];
  uint64_t pool_any[RANK_MAX];   /* the entries (< 64) in any of its zones */
  for (int i = 0; i < n; i++) {
    int c = ms_c[placed[i]];
    cands[i].tp = r->tp[c];
    cands[i].side = r->side[c];
    cands[i].score = ms_s[placed[i]];
    cands[i].cand = c;
    cands[i].ess = em[c * 4 + C_ESS];
    cands[i].spill = em[c * 4 + C_SPILL];
    pool_any[i] = cands[i].ess | cands[i].spill | em[c * 4 + C_LOCAL];
  }
  for (int wi = 0; wi < r->n_hit_words; wi++) {   /* em and hit back to zero */
    uint64_t *ew = em + (size_t)wi * 64 * 4;
    for (uint64_t bw = hit[wi]; bw; bw &= bw - 1) memset(ew + ((unsigned)__builtin_ctzll(bw) << 2), 0, N_CLASSES * sizeof *em);
    hit[wi] = 0;
  }
  if (!n) {
    out->n = 0;
    if (lean) return;
    out->n_groups = 0;
    out->explained = out->explained_best = 0;
    for (int i = 0; i < p->n_pain; i++) out->pain_group[i] = -1;
    return;
  }
  differential(r, p, cands, pool_any, n, top, lean, w_e, pen_e, merged, out);
}

void rank_run(rank *r, const present *p, int top, rank_result *out) { run(r, p, top, 0, out); }
void rank_run_list(rank *r, const present *p, int top, rank_result *out) { run(r, p, top, 1, out); }

void rank_explain_candidate(const rank *r, const present *p, const rank_candidate *rc, rank_explain *out) {
  out->n_essential = out->n_spillover = out->n_local = out->n_unexplained = out->n_context = 0;
  if (rc->cand < 0 || rc->cand >= r->n_cands) return;
  const cand *c = &r->cands[rc->cand];
  for (int i = 0; i < p->n_pain; i++) {
    int reg = p->pain[i].region;
    if (bit_has(&c->zone[C_ESS], reg)) out->essential[out->n_essential++] = i;
    else if (bit_has(&c->zone[C_SPILL], reg)) out->spillover[out->n_spillover++] = i;
    else if (bit_has(&c->zone[C_LOCAL], reg)) out->local[out->n_local++] = i;
    else {
      int u = p->pain[i].unit, through = 0;   /* its CHOIR segment explained through another region */
      for (int j = 0; j < p->n_pain && u >= 0 && !through; j++)
        through = p->pain[j].unit == u && zone_class(c, p->pain[j].region) >= 0;
      if (!through) out->unexplained[out->n_unexplained++] = i;
    }
  }
  for (int i = 0; i < p->n_context; i++)
    if (p->context[i] < WORDS * 64 && bit_has(&c->activities, p->context[i])) out->context[out->n_context++] = p->context[i];
}

int rank_zones_candidate(const rank *r, const present *p, const rank_candidate *rc, int *ess, int *n_ess,
                         int *spill, int *n_spill) {
  int ne = 0, ns = 0;
  if (rc->cand >= 0 && rc->cand < r->n_cands) {
    if (p->n_pain <= 64) {   /* from the masks rank_run made (the zones are disjoint) */
      for (uint64_t b = rc->ess; b; b &= b - 1) ess[ne++] = __builtin_ctzll(b);
      for (uint64_t b = rc->spill; b; b &= b - 1) spill[ns++] = __builtin_ctzll(b);
    } else {
      const cand *c = &r->cands[rc->cand];
      for (int i = 0; i < p->n_pain; i++) {   /* without branches: each store kept or not */
        int reg = p->pain[i].region, w = reg >> 6, sh = reg & 63;
        int e = (int)(c->zone[C_ESS].w[w] >> sh & 1), sp = (int)(c->zone[C_SPILL].w[w] >> sh & 1);
        ess[ne] = i;
        ne += e;
        spill[ns] = i;
        ns += sp & !e;
      }
    }
  }
  *n_ess = ne;
  *n_spill = ns;
  return ne + ns;
}
