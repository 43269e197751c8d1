/* careplan.h: the plan of care across visits (goals, a measurable target, the visits planned
** and how often, the reassessment date), kept with its history (a new row per change), and
** the client's progress against it: met, reassessment due, or not working. */
#ifndef MYOMAP_CAREPLAN_H
#define MYOMAP_CAREPLAN_H

#include <stddef.h>

#include "kb.h"
#include "store.h"
#include "util.h"

enum { CAREPLAN_NPRS, CAREPLAN_PSFS };

typedef struct careplan_in {
  const char *goals;      /* up to 4,000 characters; NULL: the goals of the latest intake */
  int kind;               /* CAREPLAN_NPRS (pain at most `target`) or CAREPLAN_PSFS (the
                          ** activity scored at least `target`) */
  double target;          /* 0-10 */
  const char *activity;   /* PSFS: the activity, 1-127 characters; NULL for NPRS */
  int visits;             /* the visits planned, 1-100 */
  const char *frequency;  /* daily, twice-weekly, weekly, every-2-weeks or monthly */
  const char *start;      /* YYYY-MM-DD, NULL: today; not before the birth date nor in the future */
  const char *reassess;   /* YYYY-MM-DD, on or after start */
} careplan_in;

/* An empty careplan_in (kind NPRS, target -1: not given). */
void careplan_init(careplan_in *in);

/* Check and store a new plan of care for `client` by therapist `therapist` (0: none) in one
** transaction; earlier plans are kept as its history.  Sets *id.  Returns 0, RECORD_EBAD (with
** the field that is wrong), RECORD_ENOTFOUND or RECORD_ESTORE. */
int careplan_set(store *s, long client, long therapist, const careplan_in *in, long *id, char *err, size_t errlen);

/* Append {"plan":{...}|null,"progress":{...}|null,"history":[...]}: the current plan
** {"id","start","goals","target":{"measure":"nprs"|"psfs","value","activity"},"visits",
** "frequency","reassess","therapist","created"}, its progress {"baseline":{"date","value"}|null,
** "latest":{"date","value"}|null, "relief_percent", "target_reached", "met" (50% NPRS relief
** from the first rating, or the target reached), "visits_used" (visits on or after start),
** "visits_planned", "reassessment_due" (today is on or after the date), "not_working" (the
** visits used up without meeting it), "status":"met"|"not-working"|"reassess"|"on-track",
** "advice"}, and every plan newest first.  Returns 0, RECORD_ENOTFOUND or RECORD_ESTORE. */
int careplan_json(store *s, const kb *k, long client, buf *out, char *err, size_t errlen);

/* The same in words, for the command line. */
int careplan_text(store *s, const kb *k, long client, buf *out, char *err, size_t errlen);

/* Append the current plan and its progress as an HTML fragment for the printed record (nothing
** when there is no plan).  Returns 0, or -1 when the store fails. */
int careplan_html(store *s, const kb *k, long client, buf *out, char *err, size_t errlen);

#endif
