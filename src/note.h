/* note.h: the SOAP note of one visit, written in plain clinical English from the stored record
** (intake and pain drawing, measures, palpated points, holds, home program), and saved back
** into the visit.  Trigger points are described as assessed and treated, never diagnosed. */
#ifndef MYOMAP_NOTE_H
#define MYOMAP_NOTE_H

#include <stddef.h>

#include "kb.h"
#include "store.h"
#include "util.h"

/* The four sections, each a malloc'd NUL-terminated text of one or more lines separated by
** '\n' (no trailing newline).  Owned by the note: release with note_free. */
typedef struct note {
  char *s;  /* subjective */
  char *o;  /* objective */
  char *a;  /* assessment */
  char *p;  /* plan */
} note;

/* Write the note of visit `visit` into *out (every field set; free with note_free).  "That
** day" below means rows linked to the visit, or the client's rows with no visit on its date.
**  S: the pain drawing of the latest intake on or before the visit's date ("left temple 6/10
**     (ache)"), the pain before treatment (visit.pain_pre, else that day's NPRS item "pre"),
**     that day's PSFS and NDI, and from that intake the goals, the perpetuating factors (kb
**     activity ids become their labels; desk, training and sleep hours, stress), onset and flags.
**  O: that day's palpated points (active or latent, recognised referral reproduced, PPT in
**     kg/cm²), that day's range of motion, every hold of the visit's treatment rows in order
**     (point or muscle and side, technique label, seconds, outcome and reason), and the recheck
**     in words from the session log (visit.log "rom", "strength", "note") when present.
**  A: pain before -> after and the change in points; the treated points grouped by outcome
**     (released, not released within the longest hold, stopped and why, ...); the change
**     from the client's first NPRS rating on or before the visit date (measures and visits'
**     pain_pre) to the latest rating of this visit, in points and per cent.
**  P: the home program of that day (homeprog.program, the JSON of sheet_home_json): referral
**     advice, each exercise with its hold and frequency, points left out and why, limits, places
**     not to press; then what to recheck at the next visit.
** A part with no data says so ("No intake on record on or before 2026-11-22.").
** Returns 0, or -1 with a message in err (the visit does not exist, the database failed);
** *out is then all NULL. */
int note_build(store *s, const kb *k, long visit, note *out, char *err, size_t errlen);

/* Error codes of the calls below (note_build and note_save's -1 is NOTE_ESTORE or a missing
** visit, as before). */
enum { NOTE_ESTORE = -1, NOTE_ESIGNED = -2, NOTE_EFORBIDDEN = -3, NOTE_ENOTFOUND = -4, NOTE_EBAD = -5,
       NOTE_EUNSIGNED = -6 };

/* Store the note's four sections in visit.soap_s, soap_o, soap_a and soap_p, in one
** transaction.  Returns 0, or -1 with a message in err (nothing is written when the visit
** does not exist or the database fails; NOTE_ESIGNED, and nothing written, once it is signed). */
int note_save(store *s, long visit, const note *n, char *err, size_t errlen);

/* Append the note as text: "S (subjective)", its lines, a blank line, then O, A and P the
** same way; the text ends in a newline.  A NULL section is shown as empty. */
void note_text(buf *out, const note *n);

/* What a printed or signed note carries beside its text: who and when. */
typedef struct note_head {
  long visit, client, therapist_id;          /* therapist_id 0: the visit has none */
  long client_therapist_id;                  /* the client's therapist, 0 when none */
  char client_name[256], birth[16], date[16], started[40], therapist[256], clinic[256];
  int saved;                                 /* the four sections are stored */
  int is_signed;
  char signed_by[256], signed_at[40], hash[72];  /* hash: 64 hex digits of SHA-256 */
} note_head;

/* Fill *h for visit `visit` (the clinic's name from the settings, "myomap" by default).
** Returns 0, NOTE_ENOTFOUND or NOTE_ESTORE (message in err). */
int note_head_read(store *s, long visit, note_head *h, char *err, size_t errlen);

/* The note of the visit as stored when saved, else as note_build writes it (free with
** note_free).  Returns 0, or -1 with a message. */
int note_current(store *s, const kb *k, long visit, note *out, char *err, size_t errlen);

/* The SHA-256 (libsodium crypto_hash_sha256) of the bytes of text, as 64 lower-case hex
** digits and a NUL. */
void note_sha256(const char *text, size_t len, char out[65]);

/* Sign the note of visit `visit` as therapist `therapist` (who must be the visit's therapist,
** or, for a visit stored without one, the client's: NOTE_EFORBIDDEN otherwise) named `name`: the note as it stands (saved, else built from the
** record and saved now) is hashed (SHA-256 of note_text) and the signature stored with the
** time, in one transaction.  From then on note_save refuses (NOTE_ESIGNED).  Returns 0,
** NOTE_ESIGNED (signed already), NOTE_EFORBIDDEN, NOTE_ENOTFOUND or NOTE_ESTORE. */
int note_sign(store *s, const kb *k, long visit, long therapist, const char *name, char *err, size_t errlen);

/* Add an addendum to the signed note of visit `visit`, by therapist `therapist` named `name`,
** dated now and signed with the SHA-256 of its text: 1-10,000 characters of UTF-8, no control
** characters but newline and tab.  Returns 0, NOTE_EBAD, NOTE_EUNSIGNED (the note is not
** signed: edit it instead), NOTE_ENOTFOUND or NOTE_ESTORE. */
int note_addendum(store *s, long visit, long therapist, const char *name, const char *text,
                  char *err, size_t errlen);

/* The addenda of the visit, oldest first: rows of (name, at, text, hash).  Free with
** store_rows_free.  Returns 0 or NOTE_ESTORE. */
int note_addenda(store *s, long visit, store_rows *out);

/* Free the four sections and set them to NULL (safe on a zeroed or already freed note). */
void note_free(note *n);

#endif
