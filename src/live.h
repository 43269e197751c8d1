/* live.h: the treatment sessions running in the web app's session room: each a session record
** (session.h) with its plan, the running hold and its clock, the client's phone link, and a
** queue of events for the screens that watch it.  Held in memory; ending one gives its
** session log to store.  Thread-safe (one mutex); nothing is printed. */
#ifndef MYOMAP_LIVE_H
#define MYOMAP_LIVE_H

#include <stddef.h>

#include "kb.h"
#include "plan.h"
#include "util.h"

#define LIVE_ID_LEN 32      /* hex characters of a session id or a phone token (128 bits) */
#define LIVE_MAX 64         /* sessions held at once */
#define LIVE_KEEP (12 * 3600)   /* an unfinished session is dropped after this many seconds */

/* Error codes: bad input, no such session (or token), the session has ended. */
enum { LIVE_EBAD = -1, LIVE_ENOTFOUND = -2, LIVE_EGONE = -3 };

typedef struct live_set live_set;

/* An empty set of sessions over the knowledge base `k` (which must outlive it). */
live_set *live_new(const kb *k);
void live_free(live_set *ls);

/* Start a session for `client` treated by `therapist` at `now` (seconds since the epoch): its
** plan is built from `in`.  Writes the session id and the phone token (LIVE_ID_LEN + 1 each).
** Returns 0, or LIVE_EBAD with the plan's message, or when LIVE_MAX sessions are running. */
int live_create(live_set *ls, long client, long therapist, const plan_input *in, double now,
                char *id, char *token, char *err, size_t errlen);

/* The phone token of session `id` (LIVE_ID_LEN + 1): 0, LIVE_ENOTFOUND, or LIVE_EGONE. */
int live_token(live_set *ls, const char *id, char *token);

/* The client and therapist of session `id`: 0, or LIVE_ENOTFOUND. */
int live_owner(live_set *ls, const char *id, long *client, long *therapist);

/* The session's state as JSON (see docs/api.md): its plan, pain before and after, the running
** hold, the holds done, whether a phone has joined, whether it has ended.  Ticks the clock. */
int live_state(live_set *ls, const char *id, double now, buf *out);

/* Pain before (pre) or after (post) treatment, 0-10; post also takes the recheck in words
** (NULL leaves a field as it is). */
int live_pain(live_set *ls, const char *id, int post, int pain, const char *rom, const char *strength,
              const char *note, char *err, size_t errlen);

/* Start a hold on plan step `step` (1-based, a timed step) at `now`, ending a running hold
** first (interrupted).  LIVE_EBAD when the step is not timed, or should not be done today
** (an earlier hold on it was stopped), with the reason. */
int live_hold(live_set *ls, const char *id, int step, double now, char *err, size_t errlen);

/* Apply event `event` ("feedback" with value 0-10, "more", "less", "good", "released", "stop",
** and for the therapist also "bracing", "sharp", "shooting", "numb", "tingling", "referral")
** to the running hold at `now`.  from_phone limits the events to the phone's six.  Appends
** {"advice":{...}|null,"hold":{...}} to out.  LIVE_EBAD for an unknown event or no running
** hold. */
int live_event(live_set *ls, const char *id, const char *event, int value, int from_phone, double now,
               buf *out, char *err, size_t errlen);

/* The therapist ends the running hold (interrupted); no hold running is fine. */
int live_stop(live_set *ls, const char *id, double now);

/* End the session at `now`: a running hold is interrupted, timed steps never reached are
** listed as skipped, the phone token dies, and the session log (session_json) is appended
** to `log`.  LIVE_EGONE if it had ended already. */
int live_finish(live_set *ls, const char *id, double now, buf *log);

/* Record that the finished session was stored as `visit` (tells the watchers: an end event). */
void live_stored(live_set *ls, const char *id, long visit);

/* The phone: find the session of `token`.  Appends {"active":true,"hold":...} to out and
** marks the phone joined (a phone event for the watchers).  LIVE_ENOTFOUND, LIVE_EGONE. */
int live_phone_state(live_set *ls, const char *token, double now, buf *out);

/* The phone sends an event: as live_event with from_phone, found by token. */
int live_phone_event(live_set *ls, const char *token, const char *event, int value, double now,
                     char *err, size_t errlen);

/* The events of session `id` after *cursor (0 at first), with the hold's clock run to now,
** appended to `out` as server-sent events ("event: NAME\ndata: JSON\n\n"); *cursor moves past
** them (a watcher more than 256 events behind misses the oldest).  Returns 0 (out may be
** empty), LIVE_ENOTFOUND, or LIVE_EGONE once the session has ended, was stored, and every
** event was given.  Does not block. */
int live_poll(live_set *ls, const char *id, unsigned long *cursor, buf *out);

/* Block until any session queues an event (the count of all events differs from `seen`) or
** `timeout` seconds pass; returns the count now.  For a watcher thread that wakes streams. */
unsigned long live_changed(live_set *ls, unsigned long seen, double timeout);

#endif
