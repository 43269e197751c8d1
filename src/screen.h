/* screen.h: the screens that come before any candidate: red flags that need a doctor, and
** trigger point pain versus general muscle soreness. */
#ifndef MYOMAP_SCREEN_H
#define MYOMAP_SCREEN_H

#include "kb.h"
#include "present.h"

enum screen_level { SCREEN_CAUTION = 1, SCREEN_REFER, SCREEN_URGENT };
enum screen_favours { FAVOURS_NEITHER = 0, FAVOURS_TRIGGER_POINT, FAVOURS_SORENESS };

typedef struct screen_item {
  const char *id;      /* "fever", "bowel-bladder", "chest-pain", ... */
  const char *reason;  /* why it matters */
  const char *advice;  /* what to do */
  int level;           /* enum screen_level */
} screen_item;

typedef struct screen_compare {
  const char *characteristic;  /* "sensation", "location", "pattern", "onset" */
  const char *finding;         /* what this presentation shows (static text) */
  int favours;                 /* enum screen_favours */
} screen_compare;

typedef struct screen_result {
  screen_item items[16];
  int n_items;
  int level;                   /* the highest level among items, 0 if none */
  screen_compare compare[4];
  int n_compare;
  int verdict;                 /* enum screen_favours: FAVOURS_NEITHER means unclear */
  const char *source;          /* source keys for the screens, e.g. "finucane2020 cheung2003" */
  const char *not_asked[N_FLAGS]; int n_not_asked;   /* the red-flag questions with no answer (neither
                               ** yes nor no, and not implied by the drawing), in order */
} screen_result;

/* Screen presentation p: red flags from its answers and pain qualities, and the comparison
** of trigger point pain with general muscle soreness (sensation, location, pattern, onset
** 12-48 h after exercise), and which red-flag questions were not asked (p->answered).  Fills
** *out; never fails. */
void screen_run(const kb *k, const present *p, screen_result *out);

/* Red flag `bit` (a present_flag bit number, 0 .. N_FLAGS-1; present_flag_name names it) as a
** plain yes/no question put to the client, or NULL for another number.  Static text. */
const char *screen_question(int bit);
/* The same in language `lang` ("fr"; NULL, "en" or another: English).  Static text. */
const char *screen_question_lang(int bit, const char *lang);

/* "caution", "refer", "urgent"; "trigger-point", "soreness", "unclear". */
const char *screen_level_name(int level);
const char *screen_favours_name(int favours);

/* Red flag `bit` (present.flags bit order: numbness ... trauma): its item (id, reason, advice,
** level) and the question that asks for it; NULL when bit is out of range.  Static data. */
const screen_item *screen_flag(int bit);
const char *screen_flag_question(int bit);
/* The same in language `lang` ("fr"; NULL, "en" or another: English).  Static text. */
const char *screen_flag_question_lang(int bit, const char *lang);

/* Every screen item, the red flags (in bit order) then the cautions (saddle, tingling, sharp,
** chest-pain): screen_n_items() of them, screen_item_at(i) NULL out of range.  Static data. */
int screen_n_items(void);
const screen_item *screen_item_at(int i);
/* An item's short name ("bowel or bladder change"), its reason and its advice in language
** `lang` ("fr"; NULL, "en" or another: English).  Static text. */
const char *screen_label(const screen_item *it, const char *lang);
const char *screen_reason(const screen_item *it, const char *lang);
const char *screen_advice(const screen_item *it, const char *lang);

#endif
