/* plan.h: the treatment plan for a session, from the chosen trigger points and the client's
** screen: phases in order, for each point its technique, position, hold and target band and
** the danger zones near it, and what the contraindications block or change.  No I/O. */
#ifndef MYOMAP_PLAN_H
#define MYOMAP_PLAN_H

#include "kb.h"

#define PLAN_MAX_POINTS 32
#define PLAN_MAX_CONTRAS 16
#define PLAN_MAX_DANGERS 8
#define PLAN_MAX_SENSITIVE 4

enum plan_phase {
  PLAN_ASSESS = 0,   /* palpate, confirm each point by its recognisable pain */
  PLAN_PREPARE,      /* warm the tissue with broad strokes */
  PLAN_RELEASE,      /* sustained pressure (or the muscle's main release technique) per point */
  PLAN_STRETCH,      /* pin-and-stretch, stretch, contract-relax per muscle */
  PLAN_INTEGRATE,    /* softer strokes over the treated areas */
  PLAN_RECHECK,      /* pain, range of motion and strength against the start */
  PLAN_N_PHASES
};

typedef struct plan_point { int tp, side; } plan_point;          /* kb tp index, BODY_L/R/MID */
typedef struct plan_contra { int contra, region; } plan_contra;   /* KB_CONTRA index; concrete region or -1 */

typedef struct plan_input {
  plan_point points[PLAN_MAX_POINTS]; int n_points;
  plan_contra contras[PLAN_MAX_CONTRAS]; int n_contras;
  const char *refer;   /* non-NULL: the red-flag screen says refer first (its reason) */
  int fascial;         /* 1: add myofascial release: a sustained fascial hold per muscle in the
                       ** prepare phase, a multi-directional fascial stretch in the stretch phase */
} plan_input;

typedef struct plan_step {
  int phase;                 /* enum plan_phase */
  int muscle, tp, side;      /* -1 for a step over the whole session */
  int treat;                 /* index into the muscle's treats, or -1 */
  int technique;             /* KB_TECHNIQUE index, or -1 */
  int hold_min, hold_max;    /* seconds, after modifications (0 when not timed) */
  int band_lo, band_hi;      /* target on 0-10, after modifications */
  int modified;              /* 1 if a contraindication lowered the band or the hold */
  int dangers[PLAN_MAX_DANGERS]; int n_dangers;   /* KB_DANGER indices */
  int timed;                 /* 1: run as a hold */
  int avoid_contra, avoid_region;  /* prepare: a local contraindication on the muscle to keep clear of, or -1 */
  int fascial;               /* 1: a myofascial release step (a care.kb technique with `generic = yes`
                             ** when treat is -1: its how, the muscle's usual position) */
  int cautions[PLAN_MAX_CONTRAS]; int n_cautions;  /* KB_CONTRA indices whose caution regions hold the point */
  int sensitive[PLAN_MAX_SENSITIVE]; int n_sensitive;  /* KB_SENSITIVE areas the step works in: those
                             ** whose regions hold its point (a muscle step: any of the muscle's
                             ** points), in knowledge-base order; each needs the client's consent */
} plan_step;

/* Something the plan does not do, and why. */
typedef struct plan_block {
  int tp, side;              /* the point (or -1 for the whole session) */
  int muscle;                /* the muscle, or -1 */
  int phase;                 /* the phase blocked (PLAN_RELEASE for a point, PLAN_STRETCH) */
  int contra;                /* the KB_CONTRA index, or -1 (the screen, or no allowed technique) */
  int region;                /* where, or -1 */
  int technique;             /* a technique ruled out, or -1 */
  int movement;              /* the KB_MOVEMENT that ruled it out, or -1 */
  const char *why;           /* a short static reason */
} plan_block;

typedef struct plan {
  plan_step steps[6 * PLAN_MAX_POINTS + 8]; int n_steps;
  plan_block blocked[6 * PLAN_MAX_POINTS + PLAN_MAX_CONTRAS]; int n_blocked;
  int refer;                 /* 1: no treatment today (a session-wide contraindication, or the screen) */
  const char *refer_why;     /* the screen's reason, or NULL (see the blocks for contraindications) */
  int band_max, hold_max;    /* the lowest limits the modifying contraindications set (0: none) */
  int modifiers[PLAN_MAX_CONTRAS]; int n_modifiers;   /* KB_CONTRA indices of scope modify */
} plan;

/* Build the plan.  Returns 0, or -1 with a message in err when the input is invalid (a local
** contraindication without a region, a point index out of range). */
int plan_build(const kb *k, const plan_input *in, plan *out, char *err, size_t errlen);

/* 1 if the plan step works in sensitive area `area` (a KB_SENSITIVE index). */
int plan_step_sensitive(const plan_step *s, int area);

/* 1 if the plan treats (has a release or stretch step at) concrete region `region`. */
int plan_treats_region(const kb *k, const plan *p, int region);

/* 1 if any of the muscle's trigger points placed on `side` lies in concrete region `region`. */
int plan_muscle_lies_in(const kb *k, int muscle, int side, int region);

/* 1 if any of the muscle's trigger points placed on `side` lies within the reach of local
** contraindication `pc` (its region, or its whole limb: kb_contra_reaches). */
int plan_muscle_reached(const kb *k, const plan_contra *pc, int muscle, int side);

/* The first movement of `moves` that a modifying contraindication of the plan forbids
** (a KB_MOVEMENT index), or -1; *contra is set to that contraindication. */
int plan_forbidden(const kb *k, const plan *p, const int *moves, int n_moves, int *contra);

/* 1 if no modifying contraindication of the plan rules technique `technique` out. */
int plan_allows(const kb *k, const plan *p, int technique);

const char *plan_phase_name(int phase);

#endif
