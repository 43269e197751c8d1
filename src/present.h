/* present.h: a presentation (pain drawing plus onset, context and screening answers), and
** reading one from JSON or from command-line words. */
#ifndef MYOMAP_PRESENT_H
#define MYOMAP_PRESENT_H

#include "choir.h"
#include "kb.h"
#include "util.h"

#define PRESENT_MAX_PAIN 192   /* >= every concrete region: a CHOIR drawing may cover them all */
#define PRESENT_MAX_CONTEXT 16
#define PRESENT_MAX_CHOIR CHOIR_N_SEGMENTS

enum present_quality { Q_NONE = 0, Q_ACHE, Q_BURNING, Q_SHARP, Q_TINGLING, Q_NUMBNESS, N_QUALITIES };
enum present_onset { ONSET_NONE = 0, ONSET_GRADUAL, ONSET_SUDDEN, ONSET_AFTER_EXERCISE, ONSET_INJURY, N_ONSETS };
enum present_tender { TENDER_NONE = 0, TENDER_SPOT, TENDER_DIFFUSE, N_TENDERS };
/* Screening answers (bits of present.flags): the red flags of the screen. */
enum present_flag {
  FLAG_NUMBNESS = 1 << 0, FLAG_WEAKNESS = 1 << 1, FLAG_SHOOTING = 1 << 2, FLAG_FEVER = 1 << 3,
  FLAG_WEIGHT_LOSS = 1 << 4, FLAG_NIGHT_PAIN = 1 << 5, FLAG_BOWEL_BLADDER = 1 << 6,
  FLAG_TRAUMA = 1 << 7
};
#define N_FLAGS 8

/* Error codes of the parsers. */
enum { PRESENT_EBAD = -1, PRESENT_EREGION = -2 };

typedef struct present_pain {
  int region;     /* concrete region index */
  int intensity;  /* 0-10, or -1 when not given */
  int quality;    /* enum present_quality */
  int unit;       /* -1: marked itself; else the index in present.choir of the CHOIR segment it
                  ** came from: the regions of one segment are one observation, "pain somewhere
                  ** in it", explained when any of them is */
} present_pain;

typedef struct present {
  present_pain pain[PRESENT_MAX_PAIN];
  int n_pain;
  int onset;        /* enum present_onset */
  int onset_hours;  /* hours since onset, or -1 */
  int tender;       /* enum present_tender */
  unsigned flags;   /* enum present_flag bits: the questions answered yes */
  unsigned answered;   /* enum present_flag bits: the questions answered at all (yes or no); a
                       ** question in neither was not asked */
  int context[PRESENT_MAX_CONTEXT];  /* KB_ACTIVITY term indices */
  int n_context;
  int choir[PRESENT_MAX_CHOIR];   /* the CHOIR segment ids given, in order */
  int n_choir;
  int choir_map;    /* enum choir_map of those ids, or -1 when none were given */
} present;

/* An empty presentation. */
void present_init(present *p);

/* Add a painful region (merging a repeat: the higher intensity and the given quality win).
** Returns 0, or PRESENT_EBAD when the drawing is full or the values are out of range. */
int present_add(present *p, int region, int intensity, int quality);

/* Add CHOIR segment `id` of `map` from table `ch`: its regions become painful regions (no
** intensity or quality) of one unit; a region already in the drawing keeps its own entry.
** Returns 0, PRESENT_EREGION for an id the map lacks, PRESENT_EBAD for a drawing on two maps
** or a full drawing, with a message in err[errlen]. */
int present_add_choir(present *p, const choir *ch, int map, int id, char *err, size_t errlen);
/* Add a comma-separated CHOIR id list ("128,117,107") on `map`.  Same returns. */
int present_add_choir_list(present *p, const choir *ch, int map, const char *list, char *err, size_t errlen);

/* Parse one presentation from JSON text, e.g.
**   {"pain":[{"region":"temple-l","intensity":6,"quality":"ache"},"neck-side-l"],
**    "onset":"gradual","onset_hours":72,"tender":"spot","context":["desk-work"],
**    "flags":["fever"]}
** into *out.  Returns 0, PRESENT_EREGION for an unknown region, PRESENT_EBAD for anything
** else wrong; on error writes a message naming the bad input into err[errlen].  A CHOIR drawing
** is {"choir":"128,117,107","map":"female"} (or "choir":[128,117,107]; map male by default),
** with or without "pain"; its segments are read with choir_builtin(). */
int present_parse_json(const kb *k, const char *text, size_t len, present *out, char *err, size_t errlen);
/* The whole number of the object text's top-level member `key` into *out: def when it is absent or
** null (or the text is not an object); -1 when it is not a whole number lo-hi.  Beside
** present_parse_json, for a presentation's other members (POST /api/where's "top"). */
int present_json_int(const char *text, size_t len, const char *key, int lo, int hi, int def, int *out);
/* The same with the CHOIR table `ch` (as loaded with --kb DIR). */
int present_parse_json_choir(const kb *k, const choir *ch, const char *text, size_t len, present *out,
                             char *err, size_t errlen);

/* Parse one command-line pain word "REGION[:INTENSITY[:QUALITY]]" and add it to *p.  Same
** return codes as present_parse_json. */
int present_parse_word(const kb *k, const char *word, present *p, char *err, size_t errlen);

/* Add a context activity, onset, tenderness or flag by name.  Return 0 or PRESENT_EBAD with
** a message listing the valid names. */
int present_add_context(const kb *k, const char *name, present *p, char *err, size_t errlen);
int present_set_onset(const char *name, present *p, char *err, size_t errlen);
int present_set_tender(const char *name, present *p, char *err, size_t errlen);
/* present_add_flag takes "NAME" or "NAME=yes" (answered yes), "NAME=no" (answered no) or
** "NAME=not-asked" (no answer, as if not named). */
int present_add_flag(const char *name, present *p, char *err, size_t errlen);
/* The screening answers as an intake stores them, every question once, comma separated: the
** yes names, then "NAME=no" for each answered no, then "NAME=not-asked", appended to out.
** present_add_flag reads each item back; an old intake's plain list of yes names (from before
** answers were kept, recognisable by having no '=') reads the same way, its other questions
** as not asked. */
void present_flags_text(const present *p, buf *out);

/* Names: "ache", "gradual", "spot", "fever", ...  (index by enum; flags by bit number). */
const char *present_quality_name(int q);
const char *present_onset_name(int o);
const char *present_tender_name(int t);
const char *present_flag_name(int bit);
/* An onset as a phrase for the client ("it came on suddenly"); "" for ONSET_NONE. */
const char *present_onset_label(int o);
/* The same in language `lang` ("fr"; NULL, "en" or another: English).  Static text. */
const char *present_onset_label_lang(int o, const char *lang);
/* Index of a quality by name, or -1. */
int present_find_quality(const char *name, size_t n);

#endif
