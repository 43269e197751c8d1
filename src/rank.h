/* rank.h: ranking the trigger points most likely to refer a presentation's pain. */
#ifndef MYOMAP_RANK_H
#define MYOMAP_RANK_H

#include "kb.h"
#include "present.h"

#include <stdint.h>

typedef struct rank rank;

#define RANK_MAX 64   /* most candidates one call returns */

typedef struct rank_candidate {
  int tp;        /* trigger point index in the kb */
  int side;      /* BODY_L, BODY_R or BODY_MID */
  double score;  /* log-likelihood ratio against "no referral": higher is better */
  int cand;      /* the ranking's own index of this point-and-side (for rank_explain_candidate) */
} rank_candidate;

typedef struct rank_result {
  rank_candidate cand[RANK_MAX];
  int n;
  int n_considered;  /* muscle-sides that explained any of the pain */
} rank_result;

/* How one candidate's zones account for the painful regions: indices into present.pain. */
typedef struct rank_explain {
  int essential[PRESENT_MAX_PAIN]; int n_essential;
  int spillover[PRESENT_MAX_PAIN]; int n_spillover;
  int local[PRESENT_MAX_PAIN]; int n_local;   /* pain where the point itself lies */
  int unexplained[PRESENT_MAX_PAIN]; int n_unexplained;
  int context[PRESENT_MAX_CONTEXT]; int n_context;   /* matching perpetuating activities */
} rank_explain;

/* Build the ranking index for a knowledge base (which must outlive it).  Free with rank_free. */
rank *rank_new(const kb *k);
void rank_free(rank *r);

/* Rank the trigger points for presentation p, best first, one candidate per muscle and side
** (its best point), at most `top` (<= RANK_MAX) of them, into *out.  Only points whose zones
** (or own location) cover some painful region are candidates.  The model: each region of a
** point's essential zone is painful with high probability, of its spillover zone with lower
** probability, and any other region rarely; the score is the log-likelihood ratio of the
** drawing (painful regions weighted by intensity, the zones' non-painful regions counting
** against with a tempering factor) plus a prior from the literature frequency, plus bonuses
** for matching perpetuating activities and sensation quality.  Not thread-safe per rank
** object (it keeps scratch space); use one rank per thread. */
void rank_run(rank *r, const present *p, int top, rank_result *out);

/* Explain one candidate against p. */
void rank_explain_candidate(const rank *r, const present *p, const rank_candidate *c, rank_explain *out);

#endif
