/* live.h: the treatment sessions running in the web app's session room: each a session record
** (session.h) with its plan, the running hold and its clock, the client's phone link, and a
** queue of events for the screens that watch it.
**
** The store holds them, not memory: every change is a command (start, pain, hold, event,
** stop, a clock tick that changed something, the phone joining, end, cancel) appended to the
** session's log in the store in one short transaction, and a session is its commands
** replayed in order, so a server that restarts, or another server on the same PostgreSQL
** database, rebuilds exactly the same state (the hold clock runs on from the stored start).
** Memory keeps a cache of recently used sessions, caught up from the store before each use
** where several processes may share it.  Thread-safe (one mutex); nothing is printed. */
#ifndef MYOMAP_LIVE_H
#define MYOMAP_LIVE_H

#include <stddef.h>

#include "kb.h"
#include "plan.h"
#include "store.h"
#include "util.h"

#define LIVE_ID_LEN 32      /* hex characters of a session id or a phone token (128 bits) */
#define LIVE_PER_THERAPIST 8     /* open sessions one therapist may hold at once */
#define LIVE_IDLE (12 * 3600)    /* an open session idle this long is ended as interrupted */
#define LIVE_CHANNEL "myomap_live"   /* the store notification channel of session changes */
#define LIVE_MAX_AREAS 16        /* sensitive areas named in one consent */

/* Error codes: bad input, no such session (or token), the session has ended, the store
** failed (nothing changed), a limit was reached, the client has an open session already, a
** hold in a sensitive area without the client's consent. */
enum { LIVE_EBAD = -1, LIVE_ENOTFOUND = -2, LIVE_EGONE = -3, LIVE_ESTORE = -4, LIVE_ELIMIT = -5,
       LIVE_EOPEN = -6, LIVE_ECONSENT = -7 };

typedef struct live_set live_set;

/* Sessions over the knowledge base `k` kept in the store `s`, a connection of their own (both
** owned by the caller and outliving the set; the set uses `s` only under its mutex). */
live_set *live_new(const kb *k, store *s);
void live_free(live_set *ls);

/* Start a session for `client` treated by `therapist` at `now` (seconds since the epoch): its
** plan is built from `in`.  `cleared` (NULL: none) says who cleared a red-flag screen that
** said refer, and `refer` that screen's reasons in words; both are kept in the start command
** and the session log ("cleared").  Writes the session id and the phone token (LIVE_ID_LEN +
** 1 each).  Unless `another`, a client with an open session already gives LIVE_EOPEN with
** that session's id in `id`.  Returns 0, LIVE_EBAD with the plan's message, LIVE_ELIMIT when
** the therapist has LIVE_PER_THERAPIST open sessions, LIVE_ESTORE. */
int live_create(live_set *ls, long client, long therapist, const plan_input *in, int another, const char *cleared,
                const char *refer, double now, char *id, char *token, char *err, size_t errlen);

/* The open sessions of `therapist` (0: everyone's), newest first, as
** {"sessions":[{"id","client","client_name","therapist","started","updated","step","phone"}]}
** where step is the current or last plan step (1-based) or null.  Ends idle ones first. */
int live_list(live_set *ls, long therapist, double now, buf *out, char *err, size_t errlen);

/* The phone token of session `id` (LIVE_ID_LEN + 1): 0, LIVE_ENOTFOUND, or LIVE_EGONE. */
int live_token(live_set *ls, const char *id, char *token);

/* The client and therapist of session `id`: 0, or LIVE_ENOTFOUND. */
int live_owner(live_set *ls, const char *id, long *client, long *therapist);

/* The session's state as JSON (see docs/api.md): its plan, pain before and after, the running
** hold, the holds done, whether a phone has joined, whether it has ended.  Ticks the clock. */
int live_state(live_set *ls, const char *id, double now, buf *out);
/* The same with its words in language `lang` (a tag as for kb_lang_name; NULL: English): the
** plan as sheet_plan_json_lang, the holds' muscle names and technique labels.  Only the answer
** is in that language; the session's log and record stay as they are. */
int live_state_lang(live_set *ls, const char *id, double now, buf *out, const char *lang);

/* Pain before (pre) or after (post) treatment, 0-10; post also takes the recheck in words
** (NULL leaves a field as it is). */
int live_pain(live_set *ls, const char *id, int post, int pain, const char *rom, const char *strength,
              const char *note, double now, char *err, size_t errlen);

/* Start a hold on plan step `step` (1-based, a timed step) at `now`, ending a running hold
** first (interrupted) and clearing a pause.  LIVE_EBAD when the step is not timed, or should
** not be done today (an earlier hold on it was stopped), with the reason; LIVE_ECONSENT when
** the step works in a sensitive area whose consent is not recorded (live_consent_needed
** names them), nothing changed. */
int live_hold(live_set *ls, const char *id, int step, double now, char *err, size_t errlen);

/* Record the client's consent for the sensitive areas `areas` (n KB_SENSITIVE indices, 1 to
** LIVE_MAX_AREAS) at `now`: given (`written` 1, or 0 verbal) or, with `withdrawn`, withdrawn,
** which ends a running hold in one of them (interrupted).  A stored command; a "consent" event
** for the watchers.  LIVE_EBAD for no or unknown areas. */
int live_consent(live_set *ls, const char *id, const int *areas, int n, int written, int withdrawn, double now,
                 char *err, size_t errlen);

/* Append to out the JSON array of the sensitive area ids of plan step `step` (1-based) whose
** consent is not recorded now ([] when none).  0, or LIVE_ENOTFOUND. */
int live_consent_needed(live_set *ls, const char *id, int step, buf *out);

/* Apply event `event` ("feedback" with value 0-10, "more", "less", "good", "released", "stop",
** and for the therapist also "bracing", "sharp", "shooting", "numb", "tingling", "referral")
** to the running hold at `now`.  from_phone limits the events to the phone's six.  Appends
** {"advice":{...}|null,"hold":{...}} to out.  LIVE_EBAD for an unknown event or no running
** hold. */
int live_event(live_set *ls, const char *id, const char *event, int value, int from_phone, double now,
               buf *out, char *err, size_t errlen);

/* The therapist ends the running hold (interrupted); no hold running is fine. */
int live_stop(live_set *ls, const char *id, double now, char *err, size_t errlen);

/* End the session at `now` and store it as a visit, in one transaction: a running hold is
** interrupted, timed steps never reached are listed as skipped, the visit is written with its
** holds and home program, and only then is the session marked ended and its phone link dead.
** When the store fails the session stays open and whole (LIVE_ESTORE with the reason): a
** retry stores it once.  Sets *visit.  LIVE_EGONE if it had ended already. */
int live_end(live_set *ls, const char *id, double now, long *visit, char *err, size_t errlen);

/* End the session without storing a visit (the reason is kept with it).  LIVE_EGONE if ended. */
int live_cancel(live_set *ls, const char *id, const char *reason, double now, char *err, size_t errlen);

/* End as interrupted, and store, every open session idle for LIVE_IDLE seconds at `now`.
** Returns how many were ended (a failed one stays open for the next sweep). */
int live_sweep(live_set *ls, double now);

/* The phone: find the session of `token`.  Appends {"active":true,"hold":...} to out and
** marks the phone joined (a phone event for the watchers).  Sets *client when not NULL.
** LIVE_ENOTFOUND, LIVE_EGONE. */
int live_phone_state(live_set *ls, const char *token, double now, long *client, buf *out);

/* The phone sends an event: as live_event with from_phone, found by token; except that "stop"
** with no hold running pauses the session (a stored command: "paused" in the state until the
** next hold, and a "pause" event with an alert for the therapist's screen). */
int live_phone_event(live_set *ls, const char *token, const char *event, int value, double now,
                     long *client, char *err, size_t errlen);

/* The events of session `id` after *cursor (0 at first: the whole history; the state's
** "events" count: only what follows it), with the hold's clock run to now, appended to `out`
** as server-sent events ("id: N\nevent: NAME\ndata: JSON\n\n", N counting from 1, so that a
** reconnecting EventSource's Last-Event-ID is the cursor to go on from); *cursor moves past
** them (a watcher more than 256 events behind misses the oldest).  Returns 0 (out may be
** empty), LIVE_ENOTFOUND, or LIVE_EGONE once the session has ended and every event was given.
** Does not block. */
int live_poll(live_set *ls, const char *id, unsigned long *cursor, buf *out);

/* Block until any session queues an event (the count of all events differs from `seen`) or
** `timeout` seconds pass; returns the count now.  For a watcher thread that wakes streams. */
unsigned long live_changed(live_set *ls, unsigned long seen, double timeout);

/* Another process changed a session (a store notification): watchers should poll again. */
void live_external(live_set *ls);

#endif
