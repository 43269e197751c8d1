/* hold.h: the state machine of one sustained hold (a pressure release or a stretch), driven by
** the client's 0-10 feedback, the client's and therapist's keys, and the clock.  No I/O and no
** clock of its own: every call says how many seconds have passed since the hold began.
**
** The rules, in the order they are applied to an event at time t:
**   R1  t past the longest hold: the hold ends at the longest hold (outcome max-hold); the
**       event is not applied (hold_event returns HOLD_ADV_LATE).
**   R2  sharp, shooting, numbness or tingling: stop this point at once (outcome stopped, the
**       event is the reason); do not return to it today.
**   R3  the client says stop: the hold ends (outcome client-stop).
**   R4  released (the tissue softened, or the client says it let go): the hold ends (outcome
**       released), early if before the shortest hold.
**   R5  referral reproduced: the point is confirmed; the hold goes on.
**   R6  bracing or breath-holding, feedback at or above 8, or feedback above the target band:
**       ease off.  The third ease-off in one hold stops the point (outcome too-sensitive); an
**       ease-off within HOLD_EASE_WINDOW seconds of the last one counted is advised but not
**       counted again (a client titrating 7, less, 5 in a few seconds is one ease-off).
**   R7  feedback in the target band, or the client's "good": productive, hold steady.
**   R8  feedback below the band after a reading in the band: the tissue is yielding, follow it
**       to the new barrier (take up the slack); below the band otherwise: a little more
**       pressure is fine.
**   R9  the client's "more": add pressure slowly, unless the last reading was at the top of the
**       band or higher (then hold); "less": ease off (counts as R6).
** On the clock (hold_tick):
**   T1  the longest hold reached: the hold ends (outcome max-hold).
**   T2  the shortest hold reached (once): release when the tissue softens.
**   T3  no feedback for hold_ask_every seconds (HOLD_ASK_EVERY, or a tenth of the longest hold
**       when that is longer, so a five-minute fascial hold asks every 30 s): ask for a 0-10. */
#ifndef MYOMAP_HOLD_H
#define MYOMAP_HOLD_H

#define HOLD_ASK_EVERY 10.0   /* seconds without feedback before asking */
#define HOLD_EASE_LIMIT 3     /* ease-offs in one hold that stop the point */
#define HOLD_EASE_WINDOW 10.0 /* seconds after a counted ease-off in which another is not counted */
#define HOLD_GUARD 8          /* feedback at or above this means guarding */
#define HOLD_MAX_LOG 256      /* samples, events and advice kept per hold */

enum hold_event_kind {
  HOLD_EV_FEEDBACK = 0,   /* value 0-10 */
  HOLD_EV_MORE, HOLD_EV_LESS, HOLD_EV_GOOD,
  HOLD_EV_BRACING,
  HOLD_EV_SHARP, HOLD_EV_SHOOTING, HOLD_EV_NUMB, HOLD_EV_TINGLING,
  HOLD_EV_REFERRAL, HOLD_EV_RELEASED, HOLD_EV_STOP,
  HOLD_N_EVENTS
};

enum hold_outcome {
  HOLD_OPEN = 0, HOLD_RELEASED, HOLD_MAXED, HOLD_STOPPED, HOLD_CLIENT_STOP, HOLD_TOO_SENSITIVE,
  HOLD_INTERRUPTED, HOLD_N_OUTCOMES
};

enum hold_advice {
  HOLD_ADV_NONE = 0,
  HOLD_ADV_EASE_GUARD,     /* 8+ : ease off */
  HOLD_ADV_EASE_ABOVE,     /* above the band: ease off */
  HOLD_ADV_EASE_BRACE,     /* bracing: ease off, breathe */
  HOLD_ADV_EASE_LESS,      /* the client asked for less */
  HOLD_ADV_IN_BAND,        /* productive: hold steady */
  HOLD_ADV_SLACK,          /* easing: take up the slack */
  HOLD_ADV_BELOW,          /* below the band: a little more is fine */
  HOLD_ADV_MORE,           /* the client asked for more: add slowly */
  HOLD_ADV_MORE_TOP,       /* asked for more at the top of the band: hold */
  HOLD_ADV_CONFIRMED,      /* referral reproduced */
  HOLD_ADV_STOP_NERVE,     /* sharp/shooting/numb/tingling: stop the point */
  HOLD_ADV_STOP_CLIENT,
  HOLD_ADV_TOO_SENSITIVE,
  HOLD_ADV_RELEASED,
  HOLD_ADV_RELEASED_EARLY,
  HOLD_ADV_MAX,            /* longest hold reached */
  HOLD_ADV_MIN,            /* shortest hold reached */
  HOLD_ADV_ASK,            /* ask for a 0-10 */
  HOLD_ADV_LATE,           /* an event after the hold ended (not applied) */
  HOLD_N_ADVICE
};

typedef struct hold_sample { double t; int value; } hold_sample;
typedef struct hold_mark { double t; int kind; } hold_mark;   /* an event or an advice */

typedef struct hold {
  /* set by hold_start */
  int hold_min, hold_max, band_lo, band_hi;
  /* state */
  int outcome;          /* enum hold_outcome; HOLD_OPEN while running */
  int reason;           /* the event that stopped it (R2), HOLD_WHY_CONSENT, or -1 */
  double t_end;         /* when it ended */
  int confirmed;        /* referral reproduced */
  int last;             /* the last feedback, or -1 */
  double t_asked;       /* the last feedback or ask */
  int was_in_band;      /* a reading in the band since the last ease-off */
  int ease_offs;        /* ease-offs counted (R6) */
  double t_eased;       /* when the last counted one was */
  int min_told;
  hold_sample samples[HOLD_MAX_LOG]; int n_samples;
  hold_mark events[HOLD_MAX_LOG]; int n_events;
  hold_mark advice[HOLD_MAX_LOG]; int n_advice;
} hold;

/* Begin a hold: seconds min..max, target band lo..hi on 0-10. */
void hold_start(hold *h, int hold_min, int hold_max, int band_lo, int band_hi);
/* Apply an event at t seconds (value for HOLD_EV_FEEDBACK, 0-10).  Returns the advice (enum
** hold_advice), HOLD_ADV_NONE if none.  After the hold has ended, returns HOLD_ADV_LATE. */
int hold_event(hold *h, double t, int kind, int value);
/* Let the clock run to t.  Returns the advice that falls due (T1-T3) or HOLD_ADV_NONE. */
int hold_tick(hold *h, double t);
/* The therapist ends an open hold at t (skipped, or the session quit): outcome interrupted. */
void hold_abort(hold *h, double t);
/* The same because the client withdrew consent for the area under it: the reason says so. */
#define HOLD_WHY_CONSENT HOLD_N_EVENTS
void hold_abort_why(hold *h, double t, int why);
/* 1 once the hold has ended. */
int hold_done(const hold *h);
/* Seconds without feedback before T3 asks: HOLD_ASK_EVERY or hold_max / 10, the longer. */
double hold_ask_every(const hold *h);

/* Names for logs and scripts: "feedback", "more", ...; "released", "max-hold", ...;
** "ease-off", ...; and the advice sentence shown to the therapist. */
const char *hold_event_name(int kind);
int hold_event_find(const char *name);   /* -1 if unknown */
const char *hold_outcome_name(int outcome);
const char *hold_advice_name(int advice);
const char *hold_advice_text(int advice);
/* The same in language `lang` ("fr"; NULL, "en" or another: English).  Static text. */
const char *hold_advice_text_lang(int advice, const char *lang);
/* Why a hold ended early, as its log and the visit's treatment row keep it: the event's name
** ("sharp"), "consent-withdrawn" for HOLD_WHY_CONSENT, NULL for -1 or another number. */
const char *hold_reason_name(int reason);
/* The advice line's own key ("ease-above"): one per line, where names are shared. */
const char *hold_advice_key(int advice);

#endif
