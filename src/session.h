/* session.h: the record of one treatment session (its plan, every hold with its feedback and
** outcome, pain before and after, the recheck), written as a JSON session log, and read back
** for the home program.  No I/O: the caller supplies the times and reads or writes the files. */
#ifndef MYOMAP_SESSION_H
#define MYOMAP_SESSION_H

#include "hold.h"
#include "kb.h"
#include "plan.h"
#include "util.h"

typedef struct session_hold {
  int step;               /* the plan step */
  char start[32], end[32];  /* ISO 8601 UTC times */
  hold h;                 /* its record: samples, events, advice, outcome */
} session_hold;

typedef struct session_skip { int step; const char *why; } session_skip;

/* The client's consent for a sensitive area (KB_SENSITIVE), given or withdrawn at a time. */
typedef struct session_consent {
  int area;               /* KB_SENSITIVE index */
  int written;            /* 1 written, 0 verbal (a withdrawal: 0) */
  int withdrawn;          /* 1: this record withdraws the area's consent */
  char at[32];            /* ISO 8601 UTC */
} session_consent;

typedef struct session {
  plan_input in;
  plan plan;
  const char *mode;        /* "interactive" or "scripted" */
  char started[32], ended[32];
  int pain_pre, pain_post; /* 0-10, or -1 when not asked */
  char *rom, *strength, *note;   /* the recheck in words (malloc'd), or NULL */
  session_hold *holds; int n_holds, cap_holds;
  session_skip skips[4 * PLAN_MAX_POINTS + 8]; int n_skips;
  int interrupted;         /* the therapist quit before the end of the plan */
  session_consent *consents; int n_consents, cap_consents;   /* in the order given */
  char *cleared;           /* who cleared a red-flag screen that said refer (malloc'd), or NULL */
  char *cleared_refer;     /* that screen's reasons in words (malloc'd), or NULL */
} session;

/* A new session record for `in` (its plan is built here).  Returns 0, or -1 with the plan's
** message in err. */
int session_init(session *s, const kb *k, const plan_input *in, const char *mode, char *err, size_t errlen);
void session_free(session *s);
/* Append a hold for plan step `step` and return it (started with the step's hold and band). */
session_hold *session_add_hold(session *s, int step);
/* Why plan step `step` should not be done in this session (an earlier hold on the same muscle
** and side was stopped for sharp or nerve pain, or as too sensitive), or NULL. */
const char *session_should_skip(const session *s, int step);
/* Record consent for sensitive area `area` (KB_SENSITIVE) given (written or verbal) or
** withdrawn at `epoch` seconds. */
void session_add_consent(session *s, int area, int written, int withdrawn, double epoch);
/* 1 if the client's consent for `area` stands (its latest record gives it), else 0. */
int session_consented(const session *s, int area);
/* Set a malloc'd copy of a text field (rom, strength, note). */
void session_set_text(char **field, const char *text);

/* The session log: one JSON object, pretty enough to read, ending in a newline. */
void session_json(buf *out, const kb *k, const session *s);

/* What the home program needs from a session log. */
typedef struct session_summary {
  plan_input in;                          /* the points and contraindications */
  int stopped[PLAN_MAX_POINTS];           /* per point: hold event that stopped it, or -1 */
  int pain_pre, pain_post;
  char started[32];
} session_summary;

/* Read a session log (JSON text).  Returns 0, or -1 with a message naming the problem in err. */
int session_read(const kb *k, const char *text, size_t len, session_summary *out, char *err, size_t errlen);
/* The same over a parsed log (a jansson object, not changed or freed here). */
struct json_t;
int session_read_json(const kb *k, const struct json_t *root, session_summary *out, char *err, size_t errlen);

/* "2026-11-22T10:00:00Z" for a time in seconds since the epoch (UTC). */
void session_time(char out[32], double epoch_seconds);

#endif
