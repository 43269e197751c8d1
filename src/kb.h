/* kb.h: the trigger point knowledge base: muscles, trigger points, referral zones, sources. */
#ifndef MYOMAP_KB_H
#define MYOMAP_KB_H

#include "body.h"
#include "util.h"

typedef struct kb kb;

/* How a zone entry is placed relative to the side of its trigger point. */
enum kb_rel { KB_SAME = 0, KB_OPP = 1, KB_BOTH = 2 };

/* Literature frequency of a trigger point, used as a prior by the ranking. */
enum kb_freq { KB_FREQ_NONE = 0, KB_FREQ_RARE, KB_FREQ_OCCASIONAL, KB_FREQ_COMMON, KB_FREQ_VERY_COMMON };

/* The controlled vocabularies (see kb/vocab.kb) and the bibliography. */
enum kb_vocab {
  KB_SENSATION = 0, KB_ACTIVITY, KB_MIMIC, KB_SOURCE,
  KB_TECHNIQUE,   /* clinician techniques: ischemic-compression, pin-and-stretch, ... */
  KB_TOOL,        /* self-care tools: tennis-ball, foam-roller, ... */
  KB_DANGER,      /* danger zones: anterior-neck, femoral-triangle, ... */
  KB_CONTRA,      /* contraindications: open-wound, anticoagulants, ... */
  KB_ADVICE,      /* home-program advice: safety, what to expect, aftercare, when to seek care */
  KB_CORRECT,     /* corrective advice for a perpetuating activity (kb/correct.kb): id = the activity's */
  KB_MOVEMENT,    /* movements a stretch takes the body into, that a contraindication can forbid */
  KB_SENSITIVE,   /* sensitive areas that need the client's consent before each treatment there */
  KB_N_VOCABS
};

/* Where a technique belongs in a session. */
enum kb_phase {
  KB_PHASE_RELEASE = 0, KB_PHASE_STRETCH,
  KB_PHASE_PREPARE   /* a broad or sustained fascial technique that readies the tissue for pressure */
};

/* The groups of home-program advice. */
enum kb_advice_group { KB_ADVICE_SAFETY = 0, KB_ADVICE_EXPECT, KB_ADVICE_AFTERCARE, KB_ADVICE_SEEK, KB_N_ADVICE_GROUPS };

/* How far a contraindication reaches. */
enum kb_scope {
  KB_SCOPE_NONE = 0,
  KB_SCOPE_SESSION,  /* no treatment today: refer */
  KB_SCOPE_LOCAL,    /* no treatment at the region it is given with */
  KB_SCOPE_MODIFY    /* treatment goes on, gentler (band-max, hold-max) and away from `regions` */
};

typedef struct kb_cite {
  int source;           /* index into the KB_SOURCE vocabulary */
  const char *locator;  /* "ch 6", may be "" */
} kb_cite;

typedef struct kb_term {
  const char *id;
  const char *label;  /* the label, or for a source its full citation */
  const char *text;   /* technique: how; danger, sensitive: why; contra: advice; else NULL */
  const int *regions; int n_regions;  /* danger, sensitive: base regions it covers; contra: regions to avoid */
  int scope;          /* contra: enum kb_scope; technique: enum kb_phase; advice: enum kb_advice_group */
  int lo, hi;         /* technique: default hold range in s; contra: band-max, hold-max (0: none);
                      ** correct: desk-hours (given from this many desk hours a day) and sleep-hours
                      ** (given below this many hours of sleep a night), 0: none */
  int band_lo, band_hi;  /* technique: default target band 0-10 */
  const int *exclude; int n_exclude;  /* contra: KB_TECHNIQUE indices it rules out */
  const int *forbid; int n_forbid;    /* contra: KB_MOVEMENT indices no stretch may use */
  const int *exclude_tools; int n_exclude_tools;  /* contra: KB_TOOL indices self-care may not use */
  const int *caution; int n_caution;  /* contra: base regions to treat with care (a warning, no block) */
  const char *caution_text;           /* contra: what to say at those regions, or NULL */
  const char *limited;                /* advice: the line to print instead when a contraindication
                                      ** lowers a limit it states ({band}, {hold}, {because}), or NULL */
  const char *question;               /* contra: the plain yes/no question a client answers on their
                                      ** own intake form ("Do you take blood thinners ...?"), or NULL */
  int limb;                           /* contra (local): the region given stands for its whole limb */
  int generic;                        /* technique: applies to any muscle (myofascial release) */
  const char *const *also; int n_also;  /* activity: other words clients use for it */
  const kb_cite *sources; int n_sources;
} kb_term;

/* A clinician technique for a muscle. */
typedef struct kb_treat {
  int technique;            /* KB_TECHNIQUE index */
  const char *position;     /* the client's position */
  const char *how;          /* what the therapist does */
  int hold_min, hold_max;   /* seconds */
  int band_lo, band_hi;     /* target sensation, 0-10 */
  const int *moves; int n_moves;   /* KB_MOVEMENT indices the technique takes the body into */
  const kb_cite *sources; int n_sources;
} kb_treat;

/* A self-care exercise for a muscle. */
typedef struct kb_selfcare {
  const char *id;           /* local id, e.g. "ball-wall" */
  int tool;                 /* KB_TOOL index */
  const char *position, *steps, *frequency, *feel;
  const char *avoid;        /* or NULL */
  int hold_min, hold_max;   /* seconds */
  const int *moves; int n_moves;   /* KB_MOVEMENT indices the exercise takes the body into */
  const kb_cite *sources; int n_sources;
} kb_selfcare;

/* A condition people come with, and the muscles to check, most often involved first. */
typedef struct kb_condition {
  const char *id, *name, *note;   /* note may be NULL */
  const int *muscles; int n_muscles;
  const kb_cite *sources; int n_sources;
} kb_condition;

typedef struct kb_zone_ref {
  int base;  /* base region index in the body model */
  int rel;   /* enum kb_rel; KB_SAME for a midline region */
} kb_zone_ref;

typedef struct kb_tp {
  const char *id;        /* "upper-trapezius-tp1" */
  const char *local;     /* "tp1" */
  const char *name;      /* "TrP1, upper border" */
  const char *location;  /* where to find it, in words */
  const char *symptoms;  /* the point's own associated symptoms, or NULL */
  const char *frequency_note;  /* or NULL */
  const char *file;      /* the file and line that defined it */
  int line;
  int muscle;            /* index of its muscle */
  int region;            /* base region where it lies */
  int frequency;         /* enum kb_freq */
  const kb_zone_ref *essential; int n_essential;
  const kb_zone_ref *spillover; int n_spillover;
  const int *sensations; int n_sensations;      /* KB_SENSATION indices */
  const int *perpetuating; int n_perpetuating;  /* KB_ACTIVITY, muscle's and point's */
  const int *mimics; int n_mimics;              /* KB_MIMIC, muscle's and point's */
  const kb_cite *sources; int n_sources;        /* the point's, else the muscle's */
} kb_tp;

typedef struct kb_muscle {
  const char *id, *name, *group;
  const char *perpetuating_note, *symptoms;  /* or NULL */
  const char *file;
  int line;
  int paired;               /* 0: its points lie on the midline */
  int first_tp, n_tps;      /* its trigger points are kb_tp_at(first_tp .. first_tp+n_tps-1) */
  const int *perpetuating; int n_perpetuating;
  const int *mimics; int n_mimics;
  const kb_cite *sources; int n_sources;
  const kb_treat *treats; int n_treats;           /* clinician techniques, first is the main one */
  const kb_selfcare *selfcare; int n_selfcare;    /* self-care exercises */
  const char *selfcare_none;  /* why self-treatment is not advised, or NULL */
  const int *dangers; int n_dangers;              /* KB_DANGER indices near it */
} kb_muscle;

/* Load the knowledge base embedded in the binary: constant tables made from kb/ at build time
** (tools/kbgen.c loads the files with kb_load_builtin_text and writes them with kb_write_c), so
** nothing is parsed.  Returns 0 and sets *out (free with kb_free), or a negative count of
** errors, each a line "file:line: message" appended to `errors`, and *out untouched. */
int kb_load_builtin(kb **out, buf *errors);

/* Parse and check the kb/ texts embedded in the binary (what the tables were made from), for
** `kb check`.  Same contract as kb_load_builtin. */
int kb_load_builtin_text(kb **out, buf *errors);

/* Append C source defining `kb_data`, a constant `kb` holding everything k holds (the tables
** kb_load_builtin returns; its body is body_builtin()).  Two kbs with the same contents write
** the same text, so `kb check` compares the tables with the text this way. */
void kb_write_c(const kb *k, buf *out);

/* Load every *.kb file of directory `dir` (and its muscles.tsv catalogue if present, else the
** embedded one).  Same contract as kb_load_builtin. */
int kb_load_dir(kb **out, const char *dir, buf *errors);

/* Load from named texts in memory: names[i] (used in messages) holds texts[i] of lens[i]
** bytes; `catalogue` is a muscles.tsv text.  Same contract as kb_load_builtin. */
int kb_load_texts(kb **out, int n, const char *const *names, const char *const *texts,
                  const size_t *lens, const char *catalogue, size_t catalogue_len, buf *errors);

void kb_free(kb *k);
/* 1 if k is the embedded kb of kb_load_builtin (its derived tables can be made at build time). */
int kb_is_builtin(const kb *k);
/* 1 if k is the knowledge base embedded in this binary, loaded from its tables (kb_load_builtin)
** or parsed from its text (kb_load_builtin_text, as for --lang): its version is the one records
** name (kbver.h), the same either way. */
int kb_is_embedded(const kb *k);

/* Checks beyond loading, for `kb check`: every muscle of the catalogue must have a stanza,
** at least one technique, and self-care or a reason for none.
** Appends one line per problem to `errors` and returns how many. */
int kb_check_coverage(const kb *k, buf *errors);

const body *kb_body(const kb *k);
int kb_n_muscles(const kb *k);
const kb_muscle *kb_muscle_at(const kb *k, int i);
int kb_n_tps(const kb *k);
const kb_tp *kb_tp_at(const kb *k, int i);
int kb_n_conditions(const kb *k);
const kb_condition *kb_condition_at(const kb *k, int i);
/* Index of a condition by id or name (ignoring case), or -1; nearest id for a hint. */
int kb_find_condition(const kb *k, const char *id_or_name);
const char *kb_suggest_condition(const kb *k, const char *id);

/* Index of the muscle (by id, or by display name ignoring case) or trigger point, or -1. */
int kb_find_muscle(const kb *k, const char *id_or_name);
int kb_find_tp(const kb *k, const char *id);
/* Nearest muscle id for a "did you mean", or NULL. */
const char *kb_suggest_muscle(const kb *k, const char *id);

int kb_n_terms(const kb *k, int vocab);
const kb_term *kb_term_at(const kb *k, int vocab, int i);
/* Index of term `id` in `vocab`, or -1; kb_find_termn takes a length. */
int kb_find_term(const kb *k, int vocab, const char *id);
int kb_find_termn(const kb *k, int vocab, const char *id, size_t n);
const char *kb_suggest_term(const kb *k, int vocab, const char *id);
/* Index of the activity whose id, or one of whose `also` words, is `word`, or -1. */
int kb_find_activity(const kb *k, const char *word);

/* 1 if concrete region `r` lies within the reach of a contraindication given at concrete
** region `at`: the same region or, for a contraindication with `limb = yes`, any region of the
** same limb on the same side: the arm, hand and armpit; or the thigh, knee, leg, foot, groin
** and side of the hip. */
int kb_contra_reaches(const kb *k, const kb_term *contra, int at, int r);

/* The concrete regions a zone entry stands for when its point is on `side` (BODY_L, BODY_R or
** BODY_MID): writes up to 2 region indices to out[] and returns the count. */
int kb_zone_regions(const kb *k, kb_zone_ref z, int side, int out[2]);

/* "session", "local", "modify" or NULL;  "release", "stretch", "prepare";  "safety", "expect",
** "aftercare", "seek-care". */
const char *kb_scope_name(int scope);
const char *kb_phase_name(int phase);
const char *kb_advice_group_name(int group);

/* "very-common", "common", "occasional", "rare" or NULL. */
const char *kb_freq_name(int freq);

/* ---- translations of the texts a client reads (kb/LANG/NAME.kb, docs/kb-format.md) ----
** A translation file, in a directory named for its language (kb/fr/), has stanzas keyed as
** the English ([selfcare MUSCLE-LOCAL] for a self-care exercise, [region BASE] for a region's
** label) with the keys that carry a client's text: muscle name and selfcare-none; selfcare
** position, steps, frequency, feel, avoid; tool, activity, sensation, advice, correct and
** region label; danger label and why; contra label, caution-note and question; and those the
** therapist reads: technique label and how; treat position and how ([treat MUSCLE-TECHNIQUE]);
** tp name and location ([tp FULL-ID]); contra advice; condition name and note.  kb_load_* keep these
** files and read them only when kb_load_lang asks for their language (so that a command in
** English does not pay for them). */

/* Read the translation files of language `lang` (a tag as for kb_lang_name) that the kb was
** loaded with, checking each stanza: an unknown stanza kind, id (with the nearest) or key, a
** text that is not UTF-8, translated twice, or whose numbers or {placeholders} differ from the
** English are errors, one line "file:line: message" each appended to `errors`.  Returns 0 (also
** for English, a language without files, or one read before), or a negative count of errors;
** the texts that were right are kept either way.  Call it before the kb is shared between
** threads: the lookups below only read. */
int kb_load_lang(kb *k, const char *lang, buf *errors);

/* kb_load_lang for every language that `like` has read: for another version of the knowledge
** base (kbver.h) read for a program in the client's language.  Returns 0 or a negative count
** of errors, as kb_load_lang. */
int kb_load_langs_of(kb *k, const kb *like, buf *errors);

/* The language a tag names: "fr" for "fr", "fr-CA" or "fr_CA.UTF-8", "en" for an English tag,
** NULL, or "", and NULL for a language the knowledge base cannot be translated into. */
const char *kb_lang_name(const char *tag);
/* 1 when `tag` names French (kb_lang_name gives "fr": "fr", "fr-CA", "FR"...), else 0. */
int kb_lang_fr(const char *tag);

/* The text of `key` in stanza [kind id] in language `lang` (a tag as for kb_lang_name), or
** `english` when the language is English or unknown, was not read by kb_load_lang, or has no
** such translation.  The text is owned by the kb. */
const char *kb_text(const kb *k, const char *lang, const char *kind, const char *id, const char *key,
                    const char *english);
/* The same for self-care exercise j of muscle `muscle` (its field `key` is `english`), for
** `key` ("label", "why", "caution-note" or "question") of term i of `vocab`, and for a concrete region's
** label (the patient's side is not part of it). */
const char *kb_selfcare_text(const kb *k, const char *lang, int muscle, int j, const char *key, const char *english);
const char *kb_term_text(const kb *k, const char *lang, int vocab, int i, const char *key);
const char *kb_region_label(const kb *k, const char *lang, int region);
/* The therapist's texts: `key` ("position" or "how") of technique j of muscle `muscle` (its
** [treat] stanza, translated as [treat MUSCLE-TECHNIQUE]); "name" or "location" of trigger point
** `tp` ([tp FULL-ID]); "name" or "note" of condition i (NULL when it has no note).  A
** contraindication's advice is kb_term_text(.., KB_CONTRA, i, "advice"). */
const char *kb_treat_text(const kb *k, const char *lang, int muscle, int j, const char *key);
const char *kb_tp_text(const kb *k, const char *lang, int tp, const char *key);
const char *kb_condition_text(const kb *k, const char *lang, int i, const char *key);

/* For `kb check`: reads every language the kb has files for (kb_load_lang, its errors
** included), then lists every English text a client reads that one of them lacks, one line each
** ("kb/shoulder.kb:41: [selfcare upper-trapezius-ball] steps has no translation in kb/fr/"),
** in the order of the English files, appended to `errors` (the first 100).  Returns how many
** problems in all. */
int kb_check_translations(kb *k, buf *errors);

/* How many texts are translated into `lang` (once read by kb_load_lang); *n_english (may be
** NULL): how many English texts a client reads there are. */
int kb_n_translations(const kb *k, const char *lang, int *n_english);

#endif
