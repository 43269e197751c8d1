/* rank.c: ranking the trigger points most likely to refer a presentation's pain. */
#include "rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The model's parameters: probability that a region is painful given that a trigger point
** refers there (essential zone, spillover zone, the point's own region) or not at all. */
#define P_ESSENTIAL 0.55
#define P_SPILLOVER 0.25
#define P_LOCAL     0.25
#define P_OUTSIDE   0.03
/* Zone regions the client did not mark count against a point, tempered because a drawing
** rarely shows a whole zone and the regions of one zone are not independent. */
#define MISS_TEMPER 0.35
#define CONTEXT_BONUS 0.6   /* per perpetuating activity that matches, up to 2 */
#define QUALITY_MATCH 0.25  /* a quality the point is known to give */
#define QUALITY_ODD  -0.35  /* burning, tingling or numbness from a point not known for it */
#define SAME_SIDE    0.05   /* a point on the side of the pain, where zones reach both sides */

enum { C_ESS = 0, C_SPILL, C_LOCAL, N_CLASSES };

#define WORDS 4   /* bitsets of up to 256 regions or activities */
typedef struct bits { uint64_t w[WORDS]; } bits;
static void bit_set(bits *b, int i) { b->w[i >> 6] |= 1ULL << (i & 63); }
static int bit_has(const bits *b, int i) { return (int)(b->w[i >> 6] >> (i & 63) & 1); }

typedef struct cand {
  bits zone[N_CLASSES];  /* concrete regions by class */
  bits activities;
} cand;

/* A posting: candidate index << 3 | (point on the region's side) << 2 | class. */
typedef uint32_t posting;

struct rank {
  const kb *k;
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
  int n_hit_words;
};

static const double p_class[N_CLASSES] = {P_ESSENTIAL, P_SPILLOVER, P_LOCAL};

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

rank *rank_new(const kb *k) {
  rank *r = xcalloc(1, sizeof *r);
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
    r->gain_a[cl] = (float)(log(p_class[cl]) - log(P_OUTSIDE));
    r->gain_b[cl] = (float)(MISS_TEMPER * (log(1 - p_class[cl]) - log(1 - P_OUTSIDE)));
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
      double cost = 0;
      for (int cl = 0; cl < N_CLASSES; cl++)
        cost += popcount_bits(&c->zone[cl]) * (log(1 - p_class[cl]) - log(1 - P_OUTSIDE));
      r->base[ci] = (float)(prior(tp->frequency) + MISS_TEMPER * cost);
      for (int i = 0; i < tp->n_perpetuating; i++) if (tp->perpetuating[i] < WORDS * 64) bit_set(&c->activities, tp->perpetuating[i]);
      for (int q = 1; q < N_QUALITIES; q++) {
        int known = 0;
        for (int i = 0; i < tp->n_sensations; i++) known |= tp->sensations[i] == sens_q[q];
        if (q == Q_ACHE && tp->n_sensations == 0) known = 1;   /* ache is the default */
        r->quality[ci * N_QUALITIES + q] = known ? QUALITY_MATCH
                      : (q == Q_BURNING || q == Q_TINGLING || q == Q_NUMBNESS) ? QUALITY_ODD : 0;
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
          r->postings[r->post_start[i] + fill[i]++] = (posting)c << 3 | same << 2 | (posting)cl;
        }
  free(fill);
  r->acc = xcalloc((size_t)r->n_cands + 1, sizeof *r->acc);
  r->n_hit_words = (r->n_cands + 63) / 64;
  r->hit = xcalloc((size_t)r->n_hit_words + 1, sizeof *r->hit);
  return r;
}

void rank_free(rank *r) {
  if (!r) return;
  free(r->cands); free(r->post_start); free(r->postings);
  free(r->base); free(r->side); free(r->key); free(r->tp); free(r->quality);
  free(r->acc); free(r->hit);
  free(r);
}

/* Offer muscle-side best point c with score s to the top list (best first, an earlier
** offer wins a tie).  Returns whether the list is now full, so its last score is the bar. */
static inline int offer(const rank *r, rank_result *out, int top, int c, float s) {
  int pos;
  if (out->n < top) pos = out->n++;
  else if (top > 0 && s > out->cand[top - 1].score) pos = top - 1;
  else return out->n == top && top > 0;
  while (pos > 0 && out->cand[pos - 1].score < s) { out->cand[pos] = out->cand[pos - 1]; pos--; }
  out->cand[pos].tp = r->tp[c];
  out->cand[pos].side = r->side[c];
  out->cand[pos].score = s;
  out->cand[pos].cand = c;
  return out->n == top;
}

static double weight(int intensity) { return intensity < 0 ? 1.0 : 0.6 + 0.08 * intensity; }

void rank_run(rank *r, const present *p, int top, rank_result *out) {
  if (top > RANK_MAX) top = RANK_MAX;
  if (top < 0) top = 0;
  float *acc = r->acc;
  uint64_t *hit = r->hit;
  /* acc and hit are all zero between runs: the walk below clears what it reads */
  /* each painful region adds its gain to every candidate whose zones hold it (no branches) */
  for (int i = 0; i < p->n_pain; i++) {
    int reg = p->pain[i].region, q = p->pain[i].quality;
    float w = (float)weight(p->pain[i].intensity);
    float gain[8] = {0};
    for (int cl = 0; cl < N_CLASSES; cl++) {
      gain[cl] = w * r->gain_a[cl] - r->gain_b[cl];
      gain[4 + cl] = gain[cl] + (float)SAME_SIDE;
    }
    const posting *po = r->postings + r->post_start[reg], *end = r->postings + r->post_start[reg + 1];
    if (q) {
      const float *qual = r->quality + q;
      for (; po < end; po++) {
        unsigned c = *po >> 3;
        acc[c] += gain[*po & 7] + qual[c * N_QUALITIES];
        hit[c >> 6] |= 1ULL << (c & 63);
      }
    } else {
      for (; po < end; po++) {
        unsigned c = *po >> 3;
        acc[c] += gain[*po & 7];
        hit[c >> 6] |= 1ULL << (c & 63);
      }
    }
  }
  bits ctx = {{0}};
  for (int i = 0; i < p->n_context; i++) if (p->context[i] < WORDS * 64) bit_set(&ctx, p->context[i]);
  /* walk the touched candidates in order: one muscle-side's points are adjacent, so its
  ** best point is found in passing; then keep the `top` best by insertion, ties by index */
  out->n = 0;
  out->n_considered = 0;
  int has_ctx = p->n_context > 0;
  /* thr: the score a point must beat to enter the list (the last kept, once it is full) */
  float thr = -INFINITY;
  int cur_key = -1, cur_c = -1;
  float cur_s = thr;
  for (int wi = 0; wi < r->n_hit_words; wi++) {
    uint64_t bw = hit[wi];
    hit[wi] = 0;
    for (; bw; bw &= bw - 1) {
      int c = wi * 64 + __builtin_ctzll(bw), key = r->key[c];
      float s = acc[c] + r->base[c];
      acc[c] = 0;
      if (has_ctx) {
        const cand *cd = &r->cands[c];
        int m = 0;
        for (int w = 0; w < WORDS; w++) m += __builtin_popcountll(ctx.w[w] & cd->activities.w[w]);
        s += (float)(CONTEXT_BONUS * (m > 2 ? 2 : m));
      }
      if (key != cur_key) {
        if (cur_c >= 0 && offer(r, out, top, cur_c, cur_s)) thr = out->cand[top - 1].score;
        out->n_considered++;
        cur_key = key;
        cur_c = -1;
        cur_s = thr;
      }
      if (s > cur_s) { cur_s = s; cur_c = c; }
    }
  }
  if (cur_c >= 0) offer(r, out, top, cur_c, cur_s);
}

void rank_explain_candidate(const rank *r, const present *p, const rank_candidate *rc, rank_explain *out) {
  out->n_essential = out->n_spillover = out->n_local = out->n_unexplained = out->n_context = 0;
  if (rc->cand < 0 || rc->cand >= r->n_cands) return;
  const cand *c = &r->cands[rc->cand];
  for (int i = 0; i < p->n_pain; i++) {
    int reg = p->pain[i].region;
    if (bit_has(&c->zone[C_ESS], reg)) out->essential[out->n_essential++] = i;
    else if (bit_has(&c->zone[C_SPILL], reg)) out->spillover[out->n_spillover++] = i;
    else if (bit_has(&c->zone[C_LOCAL], reg)) out->local[out->n_local++] = i;
    else out->unexplained[out->n_unexplained++] = i;
  }
  for (int i = 0; i < p->n_context; i++)
    if (p->context[i] < WORDS * 64 && bit_has(&c->activities, p->context[i])) out->context[out->n_context++] = p->context[i];
}
