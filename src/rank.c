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

/* A posting: candidate index << 3 | (point on the region's side) << 2 | class. */
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
  int n_hit_words;
  float (*val)[PRESENT_MAX_PAIN];  /* the differential's [pool candidate][observation] gains */
  unsigned *ustamp;       /* per candidate: the last CHOIR unit that credited it, and how much */
  float *ubest;
  unsigned stamp;
};

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
          r->postings[r->post_start[i] + fill[i]++] = (posting)c << 3 | same << 2 | (posting)cl;
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
  r->acc = xcalloc((size_t)r->n_cands + 1, sizeof *r->acc);
  r->ustamp = xcalloc((size_t)r->n_cands + 1, sizeof *r->ustamp);
  r->ubest = xcalloc((size_t)r->n_cands + 1, sizeof *r->ubest);
  r->val = xcalloc(RANK_MAX, sizeof *r->val);
  r->n_hit_words = (r->n_cands + 63) / 64;
  r->hit = xcalloc((size_t)r->n_hit_words + 1, sizeof *r->hit);
  return r;
}

void rank_free(rank *r) {
  if (!r) return;
  free(r->cands); free(r->post_start); free(r->postings);
  free(r->base); free(r->side); free(r->key); free(r->tp); free(r->quality);
  free(r->acc); free(r->hit); free(r->idf); free(r->reached); free(r->ustamp); free(r->ubest); free(r->val);
  free(r);
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

static double weight(int intensity) { return intensity < 0 ? 1.0 : 0.6 + 0.08 * intensity; }

/* The class (C_ESS, C_SPILL, C_LOCAL) of region reg in candidate c's zones, or -1. */
static inline int zone_class(const cand *c, int reg) {
  if (!bit_has(&c->any, reg)) return -1;
  for (int cl = 0; cl < N_CLASSES; cl++) if (bit_has(&c->zone[cl], reg)) return cl;
  return -1;
}

static double log_sigmoid(double x) { return x > 0 ? -log1p(exp(-x)) : x - log1p(exp(x)); }

/* Observation sets: bit o for observation o (at most PRESENT_MAX_PAIN of them). */
#define OW ((PRESENT_MAX_PAIN + 63) / 64)
typedef struct obits { uint64_t w[OW]; } obits;
#define OB_EACH(set, o) for (int o##_w = 0; o##_w < nw_used; o##_w++) \
  for (uint64_t o##_b = (set).w[o##_w], o; o##_b && ((o = (uint64_t)(o##_w * 64 + __builtin_ctzll(o##_b))), 1); o##_b &= o##_b - 1)

/* Fill out from the pool in its order as one part (the first candidate explains everything). */
static void one_part(const present *p, const rank_candidate *pool, int n_pool, int top, rank_result *out) {
  int n = n_pool < top ? n_pool : top;
  out->n = n;
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

/* The differential over the pool (best first by score): see rank.h. */
static void differential(rank *r, const present *p, const rank_candidate *pool, int n_pool, int top,
                         rank_result *out) {
  const rank_params *pm = &r->pm;
  /* observations: a marked region, or one CHOIR unit (its entries are adjacent) */
  int obs[PRESENT_MAX_PAIN], n_obs = 0;
  float w_obs[PRESENT_MAX_PAIN], pen_obs[PRESENT_MAX_PAIN], wi[PRESENT_MAX_PAIN];
  for (int i = 0; i < p->n_pain; i++) {
    int u = p->pain[i].unit, reg = p->pain[i].region;
    if (u >= 0 && i > 0 && p->pain[i - 1].unit == u) obs[i] = obs[i - 1];
    else { obs[i] = n_obs; w_obs[n_obs] = 0; pen_obs[n_obs] = 0; n_obs++; }
    float w = (float)weight(p->pain[i].intensity);
    wi[i] = w * r->idf[reg];
    float pen = r->reached[reg] ? (float)pm->unexplained * wi[i] : 0;
    if (w > w_obs[obs[i]]) w_obs[obs[i]] = w;
    if (pen > pen_obs[obs[i]]) pen_obs[obs[i]] = pen;
  }
  obits all = {{0}}, cov[RANK_MAX];
  const int nw_used = (n_obs + 63) / 64;   /* the words of an obits in use */
  for (int o = 0; o < n_obs; o++) all.w[o >> 6] |= 1ULL << (o & 63);
  /* fast path: the best candidate explains every observation, so there is one part and the
  ** order is the score's */
  {
    const cand *cd = &r->cands[pool[0].cand];
    obits c0 = {{0}};
    for (int i = 0; i < p->n_pain; i++)
      if (bit_has(&cd->any, p->pain[i].region)) c0.w[obs[i] >> 6] |= 1ULL << (obs[i] & 63);
    int full = 1;
    for (int w = 0; w < OW; w++) full &= c0.w[w] == all.w[w];
    if (full) { one_part(p, pool, n_pool, top, out); return; }
  }
  /* val[c][o]: what candidate c gains for explaining observation o (where cov[c] has o) */
  float (*val)[PRESENT_MAX_PAIN] = r->val;
  uint64_t covby[PRESENT_MAX_PAIN];   /* per observation: the pool candidates that explain it */
  int fresh[RANK_MAX];                /* per candidate: how many observations it explains that no part holds yet */
  memset(covby, 0, (size_t)n_obs * sizeof *covby);
  for (int c = 0; c < n_pool; c++) {
    const cand *cd = &r->cands[pool[c].cand];
    for (int w = 0; w < nw_used; w++) cov[c].w[w] = 0;
    fresh[c] = 0;
    for (int i = 0; i < p->n_pain; i++) {
      int reg = p->pain[i].region, o = obs[i];
      if (!bit_has(&cd->any, reg)) continue;
      int cl = zone_class(cd, reg);
      float v = wi[i] * r->gain_a[cl] + pen_obs[o];
      uint64_t bit = 1ULL << (o & 63);
      if (!(cov[c].w[o >> 6] & bit)) { val[c][o] = v; fresh[c]++; covby[o] |= 1ULL << c; }
      else if (v > val[c][o]) val[c][o] = v;
      cov[c].w[o >> 6] |= bit;
    }
  }
  float m[RANK_MAX], m_at[RANK_MAX_GROUPS][RANK_MAX], lead[RANK_MAX_GROUPS], gsum[RANK_MAX_GROUPS][RANK_MAX];
  uint64_t gcands[RANK_MAX_GROUPS];   /* per part: the pool candidates that explain some of it */
  obits done = {{0}};
  int ogroup[PRESENT_MAX_PAIN], n_g = 0;
  uint64_t leaders = 0;
  for (int c = 0; c < n_pool; c++) m[c] = (float)pool[c].score;
  while (n_g < RANK_MAX_GROUPS) {
    int best = -1;
    for (int c = 0; c < n_pool; c++)
      if (fresh[c] && !(leaders >> c & 1) && (best < 0 || m[c] > m[best])) best = c;
    if (best < 0) break;
    leaders |= 1ULL << best;
    lead[n_g] = m[best];
    memcpy(m_at[n_g], m, (size_t)n_pool * sizeof *m);
    memset(gsum[n_g], 0, (size_t)n_pool * sizeof gsum[n_g][0]);
    obits nw;
    float pen = 0;
    uint64_t who = 0;
    for (int w = 0; w < nw_used; w++) { nw.w[w] = cov[best].w[w] & ~done.w[w]; done.w[w] |= nw.w[w]; }
    OB_EACH(nw, o) {
      ogroup[o] = n_g;
      pen += pen_obs[o];
      who |= covby[o];
      for (uint64_t cb = covby[o]; cb; cb &= cb - 1) {
        int c = __builtin_ctzll(cb);
        gsum[n_g][c] += val[c][o];   /* what c explains of this part, for its assignment below */
        m[c] -= val[c][o];
        fresh[c]--;
      }
    }
    gcands[n_g] = who;
    if (pen != 0) for (int c = 0; c < n_pool; c++) m[c] += pen;
    n_g++;
  }
  /* each candidate's part (the one it explains most of) and key */
  float key[RANK_MAX], part[RANK_MAX_GROUPS], inv_t = (float)(1 / pm->temperature);
  int cgroup[RANK_MAX], order[RANK_MAX];
  for (int g = 0; g < n_g; g++) part[g] = g ? (float)log_sigmoid((lead[g] - pm->part_threshold) * inv_t) : 0;
  for (int c = 0; c < n_pool; c++) {
    int g = -1;
    float most = 0;
    for (int k = 0; k < n_g; k++)
      if ((gcands[k] >> c & 1) && (g < 0 || gsum[k][c] > most)) { most = gsum[k][c]; g = k; }
    if (g < 0) g = n_g - 1;   /* explains only what the last parts left (the part limit) */
    cgroup[c] = g;
    key[c] = part[g] + (m_at[g][c] - lead[g]) * inv_t;
    order[c] = c;
  }
  /* stable insertion sort by key */
  for (int i = 1; i < n_pool; i++) {
    int c = order[i], j = i;
    while (j > 0 && key[order[j - 1]] < key[c]) { order[j] = order[j - 1]; j--; }
    order[j] = c;
  }
  int n = n_pool < top ? n_pool : top, renum[RANK_MAX_GROUPS];
  for (int g = 0; g < RANK_MAX_GROUPS; g++) renum[g] = -1;
  out->n = n;
  out->n_groups = 0;
  obits listed = {{0}};
  for (int i = 0; i < n; i++) {
    int c = order[i], g = cgroup[c];
    out->cand[i] = pool[c];
    out->cand[i].added = m_at[g][c];
    for (int w = 0; w < nw_used; w++) listed.w[w] |= cov[c].w[w];
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
  for (int o = 0; o < n_obs; o++) {
    uint64_t bit = 1ULL << (o & 63);
    total += w_obs[o];
    if (listed.w[o >> 6] & bit) in_list += w_obs[o];
    if (n && cov[order[0]].w[o >> 6] & bit) first += w_obs[o];
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

void rank_run(rank *r, const present *p, int top, rank_result *out) {
  if (top > RANK_MAX) top = RANK_MAX;
  if (top < 0) top = 0;
  const rank_params *pm = &r->pm;
  float *acc = r->acc;
  uint64_t *hit = r->hit;
  float total_pen = 0;
  /* acc and hit are all zero between runs: the walk below clears what it reads */
  /* each painful region adds its gain to every candidate whose zones hold it (no branches);
  ** a CHOIR unit credits each candidate once, for the best of its regions */
  for (int i = 0; i < p->n_pain; i++) {
    int reg = p->pain[i].region, q = p->pain[i].quality, unit = p->pain[i].unit;
    float w = (float)weight(p->pain[i].intensity) * r->idf[reg];
    float pen = r->reached[reg] ? (float)pm->unexplained * w : 0;
    float gain[8] = {0};
    for (int cl = 0; cl < N_CLASSES; cl++) {
      gain[cl] = w * r->gain_a[cl] + pen - r->gain_b[cl];
      gain[4 + cl] = gain[cl] + (float)SAME_SIDE;
    }
    const posting *po = r->postings + r->post_start[reg], *end = r->postings + r->post_start[reg + 1];
    if (unit >= 0) {
      /* one observation: the -gain_b (an unmarked zone region is not a miss here) for every
      ** region of it, the rest for the best one */
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
        unsigned c = *po >> 3, cl = *po & 3;
        float v = gain[*po & 7] + r->gain_b[cl] + (q ? r->quality[c * N_QUALITIES + q] : 0);
        acc[c] -= r->gain_b[cl];
        if (r->ustamp[c] != r->stamp) { r->ustamp[c] = r->stamp; r->ubest[c] = v; acc[c] += v; }
        else if (v > r->ubest[c]) { acc[c] += v - r->ubest[c]; r->ubest[c] = v; }
        hit[c >> 6] |= 1ULL << (c & 63);
      }
      continue;
    }
    total_pen += pen;
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
  ** best point is found in passing; then keep the POOL best by insertion, ties by index */
  pool pl;
  int n_pool = top > POOL ? top : POOL;
  pl.n = 0;
  out->n_considered = 0;
  int has_ctx = p->n_context > 0;
  /* thr: the score a point must beat to enter the list (the last kept, once it is full) */
  float thr = -INFINITY;
  int cur_key = -1, cur_c = -1;
  float cur_s = thr;
  float ctx_bonus = (float)pm->context_bonus;
  for (int wi = 0; wi < r->n_hit_words; wi++) {
    uint64_t bw = hit[wi];
    hit[wi] = 0;
    for (; bw; bw &= bw - 1) {
      int c = wi * 64 + __builtin_ctzll(bw), key = r->key[c];
      float s = acc[c] + r->base[c] - total_pen;
      acc[c] = 0;
      if (has_ctx) {
        const cand *cd = &r->cands[c];
        int m = 0;
        for (int w = 0; w < WORDS; w++) m += __builtin_popcountll(ctx.w[w] & cd->activities.w[w]);
        s += ctx_bonus * (float)(m > 2 ? 2 : m);
      }
      if (key != cur_key) {
        if (cur_c >= 0 && offer(&pl, n_pool, cur_c, cur_s)) thr = pl.s[n_pool - 1];
        out->n_considered++;
        cur_key = key;
        cur_c = -1;
        cur_s = thr;
      }
      if (s > cur_s) { cur_s = s; cur_c = c; }
    }
  }
  if (cur_c >= 0) offer(&pl, n_pool, cur_c, cur_s);
  rank_candidate cands[RANK_MAX];
  int n = pl.n;
  for (int i = 0; i < n; i++) {
    cands[i].tp = r->tp[pl.c[i]];
    cands[i].side = r->side[pl.c[i]];
    cands[i].score = pl.s[i];
    cands[i].cand = pl.c[i];
  }
  if (!n) { out->n = out->n_groups = 0; out->explained = out->explained_best = 0; for (int i = 0; i < p->n_pain; i++) out->pain_group[i] = -1; return; }
  differential(r, p, cands, n, top, out);
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
