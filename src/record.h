/* record.h: the clinical record: therapists, clients with their health history and
** contraindications, intakes with the pain drawing, palpation findings, treatment sessions
** (their logs), outcome measures and home programs.  Every call validates its input against
** the knowledge base and the client's dates first, then writes in one transaction: bad input
** writes nothing.  Output goes into caller-owned buffers; nothing is printed. */
#ifndef MYOMAP_RECORD_H
#define MYOMAP_RECORD_H

#include "home.h"
#include "kb.h"
#include "plan.h"
#include "present.h"
#include "screen.h"
#include "store.h"
#include "util.h"

/* Error codes: the input is wrong (nothing written), what it names does not exist, the
** database failed (nothing written). */
enum { RECORD_EBAD = -1, RECORD_ENOTFOUND = -2, RECORD_ESTORE = -3 };

/* ---- therapists --------------------------------------------------------------------------- */
/* Add a therapist (role "therapist" or "admin").  Sets *id.  Email, when given, is unique. */
int record_therapist_add(store *s, const char *name, const char *email, const char *role, long *id,
                         char *err, size_t errlen);
int record_therapist_list(store *s, buf *out, int json);

/* ---- clients ------------------------------------------------------------------------------ */
typedef struct record_client {
  const char *name;          /* 1-200 characters, no control characters */
  const char *birth;         /* YYYY-MM-DD, not in the future */
  const char *phone, *email, *history;   /* optional (NULL) */
  int consent;               /* 1 given, 0 refused, -1 not said (add: 0; edit: unchanged) */
  const char *consent_date;  /* YYYY-MM-DD, or NULL (today when consent is 1) */
  long therapist;            /* the client's therapist id, 0 for none (edit: unchanged) */
  plan_contra contras[PLAN_MAX_CONTRAS]; int n_contras;  /* KB_CONTRA with region or -1 */
  int set_contras;           /* edit: replace the contraindications with these (those left out
                             ** are ended today, the new ones start today) */
  int archive;               /* edit: 1 archive, 0 bring back, -1 unchanged (init) */
  /* edit: contraindications to add (started on `date`, NULL: today) and to end (on `date`,
  ** NULL: today; it must be current).  Ended ones move to the client's history. */
  struct record_contra { plan_contra c; const char *date; } add[PLAN_MAX_CONTRAS], end[PLAN_MAX_CONTRAS];
  int n_add, n_end;
} record_client;

/* An empty record_client (consent -1, everything else unset). */
void record_client_init(record_client *c);
int record_client_add(store *s, const kb *k, const record_client *c, long *id, char *err, size_t errlen);
/* Change the fields of c that are set (non-NULL, consent >= 0, therapist > 0, set_contras). */
int record_client_edit(store *s, const kb *k, long id, const record_client *c, char *err, size_t errlen);
/* As record_client_edit, and appends to `changed` (when not NULL) the names of the fields whose
** value changed, comma-separated ("name,birth,contraindications,archived"): names only, never
** the values.  Every change bumps client.updated (the progress stamp) in the same transaction. */
int record_client_update(store *s, const kb *k, long id, const record_client *c, buf *changed,
                         char *err, size_t errlen);
/* The client named by `ref`: an id number, or a name (case-insensitive; must be unique). */
int record_client_find(store *s, const char *ref, long *id, char *err, size_t errlen);
/* The clients (of therapist `therapist` only, unless 0), by name. */
int record_client_list(store *s, long therapist, buf *out, int json);
/* As record_client_list, searched and filtered: `q` (NULL or "": all; 1-100 characters)
** matches a part of the name (case-insensitive), the start of the birth date (1984, 1984-03)
** or, when it holds digits, a part of the phone number's digits; archived clients are left out
** unless `archived` is 1.  The JSON rows also hold "phone" and "archived" (a time or null).
** Returns 0, RECORD_EBAD (a bad q, with a message) or RECORD_ESTORE. */
int record_client_search(store *s, long therapist, const char *q, int archived, buf *out, int json,
                         char *err, size_t errlen);
/* The client's details, contraindications, intakes, visits and latest measures. */
int record_client_show(store *s, const kb *k, long id, buf *out, int json, char *err, size_t errlen);
/* The client's contraindications as plan input (for plans and home programs). */
int record_client_contras(store *s, long id, plan_input *in, const kb *k, char *err, size_t errlen);

/* ---- intake: the pain drawing and what keeps the pain going ------------------------------- */
typedef struct record_intake {
  const char *date;          /* YYYY-MM-DD, NULL for today */
  const present *drawing;    /* painful regions (at least one), activities, onset, red-flag answers */
  const char *goals, *factors;   /* free text, optional */
  double desk_hours, training_hours, sleep_hours;   /* per day, per week, per night; -1 not asked */
  int stress;                /* 0-10, -1 not asked */
  int nprs;                  /* pain now 0-10, stored as a measure; -1 not asked */
  int by_client;             /* 1: the client filled it on their own (source 'client'), else 0 */
} record_intake;
void record_intake_init(record_intake *in);
int record_intake_add(store *s, const kb *k, long client, const record_intake *in, long *id,
                      char *err, size_t errlen);

/* The red-flag screen of client `client`'s latest intake (the latest date, then the latest
** stored), run again on its stored drawing (regions, intensities, qualities), onset and
** answers.  Returns 1 and fills *out (and *intake with its id when not NULL), 0 when the client
** has no intake, or -1 when the store fails. */
int record_intake_screen(store *s, const kb *k, long client, screen_result *out, long *intake);

/* ---- palpation findings ------------------------------------------------------------------- */
typedef struct record_finding {
  int tp, side;              /* a trigger point (kb index) and its side: BODY_L, BODY_R, BODY_MID */
  int active;                /* 1 active (reproduces the client's pain), 0 latent */
  int referral;              /* 1: pressure reproduced the referral */
  double ppt;                /* pressure pain threshold in kg/cm2, 0 when not measured */
} record_finding;
/* Parse "TP:SIDE:active|latent[:referral][:ppt=KG]" (side omitted for a midline muscle). */
int record_finding_parse(const kb *k, const char *word, record_finding *f, char *err, size_t errlen);
int record_assess_add(store *s, const kb *k, long client, const char *date, long visit,
                      const record_finding *f, int n, char *err, size_t errlen);
/* Append the client's stored findings to out as a JSON array, newest date first and, within a
** date, the latest stored first (so the first row of a point on a date is its current finding):
** [{"date","visit":N|null,"muscle","tp","side":"l"|"r"|"mid","state":"active"|"latent",
** "referral":bool,"ppt":KG|null}].  Returns 0, RECORD_ENOTFOUND (no such client; nothing
** appended) or RECORD_ESTORE, with a message. */
int record_assess_list(store *s, long client, buf *out, char *err, size_t errlen);

/* ---- treatment sessions ------------------------------------------------------------------- */
typedef struct record_log record_log;
#define RECORD_LOG_MAX (1 << 20)          /* bytes of a session log */
#define RECORD_LOG_TEXT_MAX (64 * 1024)   /* bytes of its note, rom, strength */
#define RECORD_LOG_HOLDS 1000             /* holds in one session */
/* Read and check a session log (the JSON that `session run` and the session room write), as
** the session room checks a session: at most RECORD_LOG_MAX bytes of valid UTF-8 (a refusal
** names the byte, its line and column), JSON, "version" 1, known points, muscles, points and
** techniques, "started" and "ended" (when given) times like 2026-11-22T10:00:00Z in order,
** every hold's start and end between them (start <= end), at most RECORD_LOG_HOLDS holds and
** HOLD_MAX_LOG feedback samples, events and advice per hold, feedback values 0-10, seconds
** 0-3600, pain before and after 0-10, the note, rom and strength at most RECORD_LOG_TEXT_MAX
** bytes.  Returns 0 and sets *out (free with record_log_free), or RECORD_EBAD with a message. */
int record_log_parse(const kb *k, const char *text, size_t len, record_log **out, char *err, size_t errlen);
void record_log_free(record_log *l);
/* The log's start time ("2026-11-22T10:00:00Z"). */
const char *record_log_started(const record_log *l);
/* The perpetuating factors of client `client`'s latest intake dated on or before `date`
** (YYYY-MM-DD; NULL: the latest of all): its activities and its desk and sleep hours, for
** home_perpetuating.  Returns 1 and fills *out when there is such an intake, 0 when there is
** none (*out is then home_context_init'ed), or -1 when the store fails. */
int record_home_context(store *s, const kb *k, long client, const char *date, home_context *out);

/* Store a parsed log as a visit of `client` (therapist 0 for none): the visit, each hold as a
** treatment, the pain before and after as NPRS measures, and the home program built from it
** (with the perpetuating factors of the client's latest intake up to the visit's date).
** A log already stored for this client (same start time) is refused.  Sets *visit. */
int record_log_add(store *s, const kb *k, long client, long therapist, const record_log *l,
                   long *visit, char *err, size_t errlen);
/* Store n session logs of one client, given as their texts (lens[i] bytes each), as
** record_log_parse reads each and record_log_add stores it (the same rows), all or none: each is
** read and checked as it comes (the same checks, and no start time twice), in one transaction,
** a chunk of logs at a time, each table's rows of a chunk at once (store_copy: PostgreSQL's COPY),
** the next logs read while the server takes the last rows (an import of one client).  A bad log stops it and nothing is
** stored.  Sets visits[0..n); on a refusal *at is the log at fault (-1 when none is). */
int record_logs_read(store *s, const kb *k, long client, long therapist, int n, const char *const *texts,
                     const size_t *lens, long *visits, int *at, char *err, size_t errlen);
/* An import: the session logs of many clients (therapist 0 for none) stored in one transaction,
** all or none, each client's as record_logs_read stores them, the rows of one client's logs
** written beside the reading of the next's.  begin opens the transaction; logs reads client's n
** logs (texts may be freed once it returns) and sets visits[0..n) (theirs once end commits); a
** refusal (*at the log at fault, -1 when none is) or a failure leaves only end; end commits
** (commit 1) or rolls back everything.  Each returns 0, or RECORD_EBAD, RECORD_ENOTFOUND or
** RECORD_ESTORE with a message. */
typedef struct record_import record_import;
int record_import_begin(store *s, const kb *k, long therapist, record_import **out, char *err, size_t errlen);
int record_import_logs(record_import *im, long client, int n, const char *const *texts, const size_t *lens,
                       long *visits, int *at, char *err, size_t errlen);
int record_import_end(record_import *im, int commit, char *err, size_t errlen);

/* The session log of stored visit `visit` (JSON) appended to out: as it was stored, its plan
** (with_plan) derived again from the knowledge-base version it was planned with; without it
** when with_plan is 0 (what notes and home programs read).  k is the running kb.  Returns 0,
** RECORD_ENOTFOUND or RECORD_ESTORE, with a message. */
int record_visit_log(store *s, const kb *k, long visit, int with_plan, buf *out, char *err, size_t errlen);

/* The home program of homeprog row `id`: its JSON appended to json (when not NULL), exactly as
** it was made.  Returns 1 when it is derived from the kb version it was made with: *h (when h
** is not NULL) holds the program and *hk (when not NULL) that kb (owned by kbver.c or k itself);
** 0 when its text is stored (only json is filled); RECORD_ENOTFOUND or RECORD_ESTORE. */
int record_home_load(store *s, const kb *k, long id, buf *json, home *h, const kb **hk, char *err, size_t errlen);

/* Rewrite visits and home programs stored before migration 7 into their stored form (see
** record.c), in transactions of 200 rows: a log whose plan the embedded kb gives back loses its
** plan, a home program it gives back byte for byte keeps only its context; the others are kept
** whole.  k: the running kb (NULL or an edited copy: the embedded one is loaded).  Quick when
** there is nothing to do.  Sets how many were rewritten.  Returns 0 or RECORD_ESTORE. */
int record_upgrade(store *s, const kb *k, long *visits, long *programs, char *err, size_t errlen);
/* How many visits record_upgrade has still to rewrite (a count in migration 7's partial index).
** Returns 0, or -1 when the store fails. */
int record_upgrade_pending(store *s, long *visits);

/* ---- outcome measures --------------------------------------------------------------------- */
enum record_kind { RECORD_NPRS, RECORD_PSFS, RECORD_NDI, RECORD_ROM, N_RECORD_KINDS };
typedef struct record_measure {
  int kind;                  /* enum record_kind */
  char item[128];            /* PSFS activity; ROM "joint:direction"; else "" */
  double value;
} record_measure;
/* Parse one measure: kind "nprs" "6", "psfs" "reach overhead=4", "ndi" "18" (raw 0-50),
** "rom" "cervical:rotation-l=60" (degrees; jaw:opening in mm).  Ranges are checked. */
int record_measure_parse(const char *kind, const char *word, record_measure *m, char *err, size_t errlen);
const char *record_kind_name(int kind);
/* The units of a ROM item ("deg" or "mm"), NULL when it is not a known joint:direction. */
const char *record_rom_unit(const char *item);
/* A list of the known joint:direction items, one per line, appended to out. */
void record_rom_list(buf *out);
/* Store n measures taken on `date` (NULL: today), with the visit they belong to (0: none). */
int record_measure_add(store *s, long client, const char *date, long visit,
                       const record_measure *m, int n, char *err, size_t errlen);

/* Append the client's visits as a JSON array, newest first (started, then id):
** [{"id","date","started","therapist":NAME|null,"points":[{"muscle","tp","side","name"}],
** "holds":N,"pain_pre","pain_post","note":"draft"|"signed","signed":{"by","at"}|null}] (a
** point once however many holds; "name" in words).  RECORD_ENOTFOUND when no such client. */
int record_visit_list(store *s, const kb *k, long client, buf *out, char *err, size_t errlen);
/* The same with each point's "name" in `lang` (kb/LANG/'s muscle and point names, the side in its
** words); the stored rows are the same in every language. */
int record_visit_list_lang(store *s, const kb *k, long client, const char *lang, buf *out, char *err, size_t errlen);

/* Append visit `visit` as a JSON object: {"id","client","date","started","therapist":NAME|null,
** "pain_pre","pain_post","note":"draft"|"signed","holds":[{"seq","phase","muscle","tp","side",
** "technique","seconds","outcome","reason","confirmed"}],"home":PROGRAM|null} (the home program
** made from it, as sheet_home_json wrote it, through record_home_load with the running kb k).
** RECORD_ENOTFOUND when there is no such visit. */
int record_visit_show(store *s, const kb *k, long visit, buf *out, char *err, size_t errlen);

/* ---- the clinic's settings ---------------------------------------------------------------- */
/* The setting `name` ("clinic-name") into out (cap bytes), or `def` when it is not set.
** Returns 0, or RECORD_ESTORE. */
int record_setting_get(store *s, const char *name, const char *def, char *out, size_t cap);
/* Set it: the clinic's name is 1-200 characters on one line.  Returns 0, RECORD_EBAD with a
** message, or RECORD_ESTORE. */
int record_setting_set(store *s, const char *name, const char *value, char *err, size_t errlen);
#define RECORD_CLINIC_NAME "clinic-name"
#define RECORD_CLINIC_DEFAULT "myomap"

/* The visit of `client` on `date` (the latest that day), or with id `visit` when it belongs to
** the client.  Returns 0 and sets *id, RECORD_ENOTFOUND, or RECORD_ESTORE. */
int record_visit_find(store *s, long client, const char *date, long visit, long *id, char *err, size_t errlen);

/* ---- restore ------------------------------------------------------------------------------ */
/* A store_row_check (store.h) for restore: a backup's row of `table` checked as the write path
** checks the same values: dates are calendar days and times ISO 8601, names 1-200 characters on
** one line, every text valid UTF-8 without control characters and within its size, numbers in
** their ranges (intensity and pain 0-10, hours, seconds, the measures' own scales), the fixed
** vocabularies (role, side, state, kind, ...), ids whole numbers above 0, the logs and home
** programs JSON objects, and (when kb, a const kb *, is not NULL) regions, muscles, trigger points
** and contraindications known.  Returns 0, or RECORD_EBAD with a message naming the column. */
int record_row_check(void *kb, const char *table, int n, const char *const *cols, const char *const *vals,
                     char *err, size_t errlen);

#endif
