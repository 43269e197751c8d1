/* home.h: the client's home program after a session: a self-care exercise per treated muscle
** (or why there is none), with the contraindications and the session's stopped points taken
** into account, and the danger zones not to press.  No I/O. */
#ifndef MYOMAP_HOME_H
#define MYOMAP_HOME_H

#include "kb.h"
#include "plan.h"
#include "util.h"

#define HOME_MAX_DANGERS 24
#define HOME_MAX_CONTEXT 32    /* activities an intake can name */
#define HOME_MAX_FACTORS 12    /* corrective advice items in one program */
#define HOME_MAX_UNREPORTED 6  /* of them, activities only the treated points list */

/* What the client told the intake about the perpetuating factors. */
typedef struct home_context {
  int activities[HOME_MAX_CONTEXT]; int n_activities;   /* KB_ACTIVITY indices */
  double desk_hours, sleep_hours;                        /* a day, a night; < 0: not asked */
} home_context;

/* Why a perpetuating factor is in the program (bits). */
enum { HOME_REPORTED = 1,   /* the intake names the activity */
       HOME_HOURS = 2,      /* the intake's desk or sleep hours call for it */
       HOME_POINT = 4 };    /* a treated point lists it as perpetuating */

/* One piece of corrective advice. */
typedef struct home_factor {
  int activity;        /* KB_ACTIVITY index */
  int correct;         /* KB_CORRECT index: the advice and its sources */
  unsigned why;        /* HOME_REPORTED | HOME_HOURS | HOME_POINT */
  int muscles[4]; int n_muscles;  /* treated muscles it keeps going (kb muscle indices) */
} home_factor;

typedef struct home_item {
  int muscle, side;
  int tp;              /* the point to press (the first one named for this muscle and side) */
  const char *skip;    /* non-NULL: no self-care for it, and why (static or kb text) */
  int skip_contra;     /* the KB_CONTRA behind `skip`, or -1 */
  int skip_region;     /* its region, or -1 */
  int skip_event;      /* the hold event (sharp, numb, ...) behind `skip`, or -1 */
  unsigned leave_out;  /* bit j set: the muscle's self-care j is left out (see the three below) */
  int press_danger;    /* a KB_DANGER whose regions hold a treated point: nothing presses there, or -1 */
  int press_caution;   /* a KB_CONTRA whose caution regions hold a treated point: nothing presses there, or -1 */
  int forbid_contra;   /* a KB_CONTRA that forbids a movement of a left-out stretch, or -1 */
  int tool_contra;     /* a KB_CONTRA that rules out the tool of a left-out exercise, or -1 */
} home_item;

typedef struct home {
  home_item items[PLAN_MAX_POINTS]; int n_items;
  int dangers[HOME_MAX_DANGERS]; int n_dangers;   /* KB_DANGER indices near the muscles */
  int modifiers[PLAN_MAX_CONTRAS]; int n_modifiers;  /* KB_CONTRA of scope modify */
  int band_max, hold_max;   /* self-care limits from the modifiers (0: none) */
  int refer;                /* a session-wide contraindication: no self-care until cleared */
  int pain_pre, pain_post;
  home_factor factors[HOME_MAX_FACTORS]; int n_factors;   /* see home_perpetuating */
  int has_context;          /* home_perpetuating was given an intake */
  double desk_hours, sleep_hours;   /* the intake's, or -1 */
} home;

/* ---- the one composer of the program's limits: every form of the program (text, JSON, the
** HTML handout, the API's home JSON) takes its limits and the lines that state them from
** these three, so that no general line contradicts a modified limit. ---- */

/* The modified limits in one sentence, appended to out: "Because of anticoagulant medication
** (...): press lightly (no more than 4 out of 10) and hold no longer than 30 seconds."; nothing
** when the program has no band or hold limit. */
void home_limits_text(const kb *k, const home *h, buf *out);

/* The general advice line `advice` (a KB_ADVICE index) as this client should read it,
** appended to out: the advice's label, unless it has a `limited` line whose limit ({band} or
** {hold}) the program sets, which is then given with the limit and the contraindications'
** labels ({because}) filled in. */
void home_advice_text(const kb *k, const home *h, int advice, buf *out);

/* The hold range in seconds a client should use for an exercise of lo-hi seconds: hi capped
** at the program's hold limit, lo at most hi. */
void home_hold_range(const home *h, int lo, int hi, int *out_lo, int *out_hi);

/* home_context with nothing reported (no activities, hours -1). */
void home_context_init(home_context *c);

/* Parse a comma- or space-separated list of activity ids (as an intake stores them) into c;
** unknown ids are skipped.  Returns how many were skipped. */
int home_context_activities(const kb *k, const char *list, home_context *c);

/* Fill h->factors (after home_build) with the corrective advice of kb/correct.kb that applies:
** first the activities the client reported (ctx->activities) or whose hours rule is met
** (desk hours at least the advice's desk-hours, sleep hours below its sleep-hours), those
** that keep a treated point going before the others; then the treated points' other
** perpetuating activities that have advice, in the order of the points, at most
** HOME_MAX_UNREPORTED of these and HOME_MAX_FACTORS in all.  Activities without advice in kb/correct.kb are left out.
** ctx may be NULL (no intake): only the points' activities are used. */
void home_perpetuating(const kb *k, const home_context *ctx, home *h);

/* Build the home program for the points and contraindications of `in`; stopped[i] is the
** hold event that stopped point i in the session, or -1 (stopped may be NULL). */
void home_build(const kb *k, const plan_input *in, const int *stopped, home *out);

#endif
