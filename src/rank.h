/* rank.h: ranking the trigger points most likely to refer a presentation's pain. */
#ifndef MYOMAP_RANK_H
#define MYOMAP_RANK_H

#include "kb.h"
#include "present.h"

#include <stdint.h>

typedef struct rank rank;

#define RANK_MAX 64        /* most candidates one call returns */
#define RANK_MAX_GROUPS 8  /* most parts of one drawing the differential separates */

/* The model's few parameters (rank_params_default gives the fitted ones; tests/cases.c --fit
** and --cv fit them on the case files). */
typedef struct rank_params {
  double p_essential, p_spillover, p_local;  /* P(region painful | the point refers there) */
  double p_outside;      /* P(region painful | the point does not refer there) */
  double prior_weight;   /* times the prior from the literature frequency (very common 1, common
                         ** 0.5, occasional -0.2, rare -0.7, not given 0) */
  double miss_temper;    /* weight of a zone's unmarked regions against the point */
  double idf;            /* a painful region weighs (mean reach / its reach)^idf: the reach of a
                         ** region is how many point-sides' zones hold it */
  double unexplained;    /* per painful region a point cannot explain while another one can */
  double context_bonus;  /* per matching perpetuating activity, up to 2 */
  double quality_match;  /* a pain quality the point is known to give */
  double quality_odd;    /* burning, tingling or numbness from a point not known for it */
  double part_threshold; /* the differential: the added score at which a second part of the
                         ** drawing is as likely real as not */
  double temperature;    /* the differential: score units per unit of log-odds */
} rank_params;

typedef struct rank_candidate {
  int tp;        /* trigger point index in the kb */
  int side;      /* BODY_L, BODY_R or BODY_MID */
  double score;  /* log-likelihood ratio against "no referral": higher is better */
  int cand;      /* the ranking's own index of this point-and-side (for rank_explain_candidate) */
  int group;     /* index in rank_result.group of the part of the drawing it explains */
  double added;  /* what it adds to the candidates of the groups before its own (its score with
                 ** the regions they explain neutral); the score for the first group's */
  uint64_t ess, spill;   /* bit i (i < 64): present.pain[i] is in its essential, spillover zone
                         ** (what rank_zones_candidate lists, for the presentation ranked) */
} rank_candidate;

/* A part of the drawing and the candidates that explain it. */
typedef struct rank_group {
  int cand[RANK_MAX]; int n_cand;   /* indices into rank_result.cand, best first */
  double share;                     /* its share of the drawing (weighted as `explained`) */
} rank_group;

typedef struct rank_result {
  rank_candidate cand[RANK_MAX];  /* the differential's order: see rank_run */
  int n;
  int n_considered;  /* muscle-sides that explained any of the pain */
  rank_group group[RANK_MAX_GROUPS];
  int n_groups;
  int pain_group[PRESENT_MAX_PAIN];  /* per entry of present.pain: its group, or -1 */
  double explained;       /* share of the drawing the returned candidates explain together: each
                          ** painful region (a CHOIR segment counts once) weighted by intensity */
  double explained_best;  /* the share the first candidate explains alone */
} rank_result;

/* How one candidate's zones account for the painful regions: indices into present.pain. */
typedef struct rank_explain {
  int essential[PRESENT_MAX_PAIN]; int n_essential;
  int spillover[PRESENT_MAX_PAIN]; int n_spillover;
  int local[PRESENT_MAX_PAIN]; int n_local;   /* pain where the point itself lies */
  int unexplained[PRESENT_MAX_PAIN]; int n_unexplained;
  int context[PRESENT_MAX_CONTEXT]; int n_context;   /* matching perpetuating activities */
} rank_explain;

/* The fitted parameters. */
void rank_params_default(rank_params *p);

/* Build the ranking index for a knowledge base (which must outlive it) with the default
** parameters, or with *params.  Free with rank_free. */
rank *rank_new(const kb *k);
rank *rank_new_params(const kb *k, const rank_params *params);
void rank_free(rank *r);
/* For the embedded kb with the default parameters, rank_new takes its index from constant
** tables made at build time: rank_write_c appends C source defining `rank_data`, r's index
** (tools/kbgen.c writes it; `kb check` compares it with one computed from the text). */
void rank_write_c(const rank *r, buf *out);

/* Rank the trigger points for presentation p, best first, one candidate per muscle and side
** (its best point), at most `top` (<= RANK_MAX) of them, into *out.  Only points whose zones
** (or own location) cover some painful region are candidates.  The model: each region of a
** point's essential zone is painful with high probability, of its spillover zone with lower
** probability, and any other region rarely; the score is the log-likelihood ratio of the
** drawing (painful regions weighted by intensity, the zones' non-painful regions counting
** against with a tempering factor) plus a prior from the literature frequency, plus bonuses
** for matching perpetuating activities and sensation quality.  A painful region weighs more
** the fewer zones reach it, and a point that cannot explain a region some other point explains
** loses for it.  The regions of one CHOIR segment (present_pain.unit) are one observation,
** explained when any of them is.
** Then the differential over the best candidates: the best one explains a first part of the
** drawing; the candidate that adds most to what is explained (its score with the regions
** already explained neutral) starts the next part with what it newly explains, and so on
** until no candidate explains anything more.  Every other candidate joins the part it
** explains most of.  The list is ordered by the log-odds that a candidate is the source of its
** part: (added - the part leader's added) / temperature, plus, for parts after the first,
** log sigmoid((leader's added - part_threshold) / temperature), the chance that the part is a
** real second problem.  Not thread-safe per rank object (it keeps scratch space); use one
** rank per thread. */
void rank_run(rank *r, const present *p, int top, rank_result *out);

/* rank_run's list alone (for `where --batch --compact`): out->n and out->cand[0..n) with the
** same tp, side, score, cand, ess and spill; the rest of *out (the parts, the shares, the
** candidates' group and added) is not set. */
void rank_run_list(rank *r, const present *p, int top, rank_result *out);

/* Explain one candidate against p (a region of a CHOIR segment the candidate explains through
** another of its regions is not listed as unexplained). */
void rank_explain_candidate(const rank *r, const present *p, const rank_candidate *c, rank_explain *out);

/* The first two lists of rank_explain_candidate alone (for `where --batch --compact`): the
** entries of p->pain in c's essential zone into ess, those in its spillover zone (and not its
** essential one) into spill; returns n_ess + n_spill.  c is a candidate rank_run returned for
** p (up to 64 entries its masks say which). */
int rank_zones_candidate(const rank *r, const present *p, const rank_candidate *c, int *ess, int *n_ess,
                         int *spill, int *n_spill);

#endif
