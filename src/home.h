/* home.h: the client's home program after a session: a self-care exercise per treated muscle
** (or why there is none), with the contraindications and the session's stopped points taken
** into account, and the danger zones not to press.  No I/O. */
#ifndef MYOMAP_HOME_H
#define MYOMAP_HOME_H

#include "kb.h"
#include "plan.h"

#define HOME_MAX_DANGERS 24

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
} home;

/* Build the home program for the points and contraindications of `in`; stopped[i] is the
** hold event that stopped point i in the session, or -1 (stopped may be NULL). */
void home_build(const kb *k, const plan_input *in, const int *stopped, home *out);

#endif
