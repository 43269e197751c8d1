/* script.h: running a session plan from a script of events instead of a terminal, so that
** sessions can be replayed and tested.  No I/O: the caller reads the file and writes the
** transcript and the log.
**
** The script is one directive a line; '#' starts a comment:
**   start 2026-11-22T10:00:00Z   when the session began (default: the time given by the caller)
**   pre N | post N               pain before / after, 0-10
**   hold                         begin the next timed step of the plan (a release or a stretch)
**   skip [WHY]                   skip the next timed step
**   T EVENT                      during a hold, T seconds after it began (T rising): EVENT is a
**                                number 0-10 (the client's feedback) or more, less, good,
**                                bracing, sharp, shooting, numb, tingling, referral, released, stop
**   wait S                       S seconds pass between holds (preparation, stretching by hand)
**   consent AREA... verbal|written  the client's consent for sensitive areas (kb/care.kb
**                                [sensitive] ids); a hold on a step in one needs it first
**   withdraw AREA...             the client withdraws it
**   rom TEXT | strength TEXT | note TEXT   the recheck in words
**   quit                         the therapist ends the session here
** A hold with no ending event runs to its longest hold.  Timed steps never reached are logged
** as skipped. */
#ifndef MYOMAP_SCRIPT_H
#define MYOMAP_SCRIPT_H

#include "session.h"
#include "util.h"

/* Run session `s` (already initialised with its plan) on the script `text`; `name` is used in
** messages, `now` (seconds since the epoch) is the default start.  Appends a readable
** transcript to `out`.  Returns 0, or -1 with "NAME:LINE: message" in err (nothing half-done
** is reported as complete: the caller should not write a log on error). */
int script_run(const kb *k, session *s, const char *name, const char *text, size_t len, double now,
               buf *out, char *err, size_t errlen);

/* The transcript line for one advice at t seconds: "  00:12  text". */
void script_advice_line(buf *out, double t, int advice);

#endif
