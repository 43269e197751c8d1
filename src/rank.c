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
  int tp, side, key;     /* key: muscle * 3 + side, for one-per-muscle-side */
  float base;            /* prior + tempered cost of the zone's regions */
  bits zone[N_CLASSES];  /* concrete regions by class */
  bits activities;
  float quality[N_QUALITIES];
} cand;

typedef struct posting { int cand; int cls; } posting;

struct rank {
  const kb *k;
  cand *cands; int n_cands;
  int *post_start;        /* per concrete region: postings[post_start[r] .. post_start[r+1]) */
  posting *postings;
  /* scratch */
  float *acc; unsigned *stamp; unsigned gen;
  int *touched;
  float *best; int *best_cand; unsigned *key_stamp; int *keys;
  int n_keys;
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
  int sens_q[N_QUALITIES];
  for (int q = 1; q < N_QUALITIES; q++) sens_q[q] = kb_find_term(k, KB_SENSATION, present_quality_name(q));
  for (int t = 0; t < kb_n_tps(k); t++) {
    const kb_tp *tp = kb_tp_at(k, t);
    const kb_muscle *m = kb_muscle_at(k, tp->muscle);
    static const int paired_sides[] = {BODY_L, BODY_R}, mid_side[] = {BODY_MID};
    const int *sides = m->paired ? paired_sides : mid_side;
    for (int si = 0; si < (m->paired ? 2 : 1); si++) {
      cand *c = &r->cands[r->n_cands++];
      c->tp = t; c->side = sides[si]; c->key = tp->muscle * 3 + c->side;
      int out[2];
      for (int i = 0; i < tp->n_essential; i++)
        for (int j = 0, n = kb_zone_regions(k, tp->essential[i], c->side, out); j < n; j++) bit_set(&c->zone[C_ESS], out[j]);
      for (int i = 0; i < tp->n_spillover; i++)
        for (int j = 0, n = kb_zone_regions(k, tp->spillover[i], c->side, out); j < n; j++)
          if (!bit_has(&c->zone[C_ESS], out[j])) bit_set(&c->zone[C_SPILL], out[j]);
      kb_zone_ref self = {tp->region, KB_SAME};
      for (int j = 0, n = kb_zone_regions(k, self, c->side, out); j < n; j++)
        if (!bit_has(&c->zone[C_ESS], out[j]) && !bit_has(&c->zone[C_SPILL], out[j])) bit_set(&c->zone[C_LOCAL], out[j]);
      double cost = 0;
      for (int cl = 0; cl < N_CLASSES; cl++)
        cost += popcount_bits(&c->zone[cl]) * (log(1 - p_class[cl]) - log(1 - P_OUTSIDE));
      c->base = (float)(prior(tp->frequency) + MISS_TEMPER * cost);
      for (int i = 0; i < tp->n_perpetuating; i++) if (tp->perpetuating[i] < WORDS * 64) bit_set(&c->activities, tp->perpetuating[i]);
      for (int q = 1; q < N_QUALITIES; q++) {
        int known = 0;
        for (int i = 0; i < tp->n_sensations; i++) known |= tp->sensations[i] == sens_q[q];
        if (q == Q_ACHE && tp->n_sensations == 0) known = 1;   /* ache is the default */
        c->quality[q] = known ? QUALITY_MATCH
                      : (q == Q_BURNING || q == Q_TINGLING || q == Q_NUMBNESS) ? QUALITY_ODD : 0;
      }
    }
  }
  /* inverted index: region -> (candidate, class) */
  r->post_start = xcalloc((size_t)nr + 1, sizeof *r->post_start);
  for (int c = 0; c < r->n_cands; c++)
    for (int cl = 0; cl < N_CLASSES; cl++)
      for (int i = 0; i < nr; i++) if (bit_has(&r->cands[c].zone[cl], i)) r->post_start[i + 1]++;
  for (int i = 0; i < nr; i++) r->post_start[i + 1] += r->post_start[i];
  r->postings = xmalloc((size_t)r->post_start[nr] * sizeof *r->postings + 1);
  int *fill = xcalloc((size_t)nr, sizeof *fill);
  for (int c = 0; c < r->n_cands; c++)
    for (int cl = 0; cl < N_CLASSES; cl++)
      for (int i = 0; i < nr; i++)
        if (bit_has(&r->cands[c].zone[cl], i)) {
          posting *p = &r->postings[r->post_start[i] + fill[i]++];
          p->cand = c; p->cls = cl;
        }
  free(fill);
  r->acc = xcalloc((size_t)r->n_cands + 1, sizeof *r->acc);
  r->stamp = xcalloc((size_t)r->n_cands + 1, sizeof *r->stamp);
  r->touched = xcalloc((size_t)r->n_cands + 1, sizeof *r->touched);
  int nk = kb_n_muscles(k) * 3 + 1;
  r->best = xcalloc((size_t)nk, sizeof *r->best);
  r->best_cand = xcalloc((size_t)nk, sizeof *r->best_cand);
  r->key_stamp = xcalloc((size_t)nk, sizeof *r->key_stamp);
  r->keys = xcalloc((size_t)nk, sizeof *r->keys);
  return r;
}

void rank_free(rank *r) {
  if (!r) return;
  free(r->cands); free(r->post_start); free(r->postings);
  free(r->acc); free(r->stamp); free(r->touched);
  free(r->best); free(r->best_cand); free(r->key_stamp); free(r->keys);
  free(r);
}

static double weight(int intensity) { return intensity < 0 ? 1.0 : 0.6 + 0.08 * intensity; }

void rank_run(rank *r, const present *p, int top, rank_result *out) {
  if (top > RANK_MAX) top = RANK_MAX;
  if (top < 0) top = 0;
  if (++r->gen == 0) {   /* wrapped: clear the stamps */
    memset(r->stamp, 0, (size_t)r->n_cands * sizeof *r->stamp);
    memset(r->key_stamp, 0, (size_t)(kb_n_muscles(r->k) * 3 + 1) * sizeof *r->key_stamp);
    r->gen = 1;
  }
  unsigned gen = r->gen;
  int n_touched = 0;
  static const float lp[N_CLASSES] = {0}; (void)lp;
  for (int i = 0; i < p->n_pain; i++) {
    int reg = p->pain[i].region, q = p->pain[i].quality;
    int rside = body_at(kb_body(r->k), reg)->side;
    double w = weight(p->pain[i].intensity);
    float gain[N_CLASSES];
    for (int cl = 0; cl < N_CLASSES; cl++)
      gain[cl] = (float)(w * (log(p_class[cl]) - log(P_OUTSIDE))
                         - MISS_TEMPER * (log(1 - p_class[cl]) - log(1 - P_OUTSIDE)));
    for (int j = r->post_start[reg]; j < r->post_start[reg + 1]; j++) {
      const posting *po = &r->postings[j];
      int c = po->cand;
      if (r->stamp[c] != gen) {
        r->stamp[c] = gen;
        r->acc[c] = r->cands[c].base;
        r->touched[n_touched++] = c;
      }
      r->acc[c] += gain[po->cls] + r->cands[c].quality[q] + (r->cands[c].side == rside ? (float)SAME_SIDE : 0.0f);
    }
  }
  /* context bonus, then the best point per muscle and side */
  bits ctx = {{0}};
  for (int i = 0; i < p->n_context; i++) if (p->context[i] < WORDS * 64) bit_set(&ctx, p->context[i]);
  int n_keys = 0;
  for (int i = 0; i < n_touched; i++) {
    int c = r->touched[i];
    const cand *cd = &r->cands[c];
    float s = r->acc[c];
    if (p->n_context) {
      int m = 0;
      for (int w = 0; w < WORDS; w++) m += __builtin_popcountll(ctx.w[w] & cd->activities.w[w]);
      s += (float)(CONTEXT_BONUS * (m > 2 ? 2 : m));
    }
    if (r->key_stamp[cd->key] != gen) {
      r->key_stamp[cd->key] = gen;
      r->best[cd->key] = s;
      r->best_cand[cd->key] = c;
      r->keys[n_keys++] = cd->key;
    } else if (s > r->best[cd->key] || (s == r->best[cd->key] && c < r->best_cand[cd->key])) {
      r->best[cd->key] = s;
      r->best_cand[cd->key] = c;
    }
  }
  /* top-k by insertion: best first, ties by candidate order (stable across runs) */
  out->n = 0;
  out->n_considered = n_keys;
  for (int i = 0; i < n_keys; i++) {
    int key = r->keys[i], c = r->best_cand[key];
    float s = r->best[key];
    int pos = out->n;
    while (pos > 0 && (out->cand[pos - 1].score < s ||
                       (out->cand[pos - 1].score == s && r->cands[c].tp * 3 + r->cands[c].side <
                        out->cand[pos - 1].tp * 3 + out->cand[pos - 1].side)))
      pos--;
    if (pos >= top) continue;
    int last = out->n < top ? out->n : top - 1;
    memmove(&out->cand[pos + 1], &out->cand[pos], (size_t)(last - pos) * sizeof out->cand[0]);
    out->cand[pos].tp = r->cands[c].tp;
    out->cand[pos].side = r->cands[c].side;
    out->cand[pos].score = s;
    if (out->n < top) out->n++;
  }
}

void rank_explain_candidate(const rank *r, const present *p, const rank_candidate *rc, rank_explain *out) {
  memset(out, 0, sizeof *out);
  const cand *c = NULL;
  for (int i = 0; i < r->n_cands; i++)
    if (r->cands[i].tp == rc->tp && r->cands[i].side == rc->side) { c = &r->cands[i]; break; }
  if (!c) return;
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
