/* outcome.h: a client's progress over time, read from the record database: pain (NPRS),
** function (PSFS), neck disability (NDI), range of motion and the spread of the pain drawing,
** one row per date, each compared with the client's first value and with the thresholds of
** clinically important change in kb/outcomes.tsv; written as text, JSON and SVG.  A threshold
** reached is a reading of the scores against published marks, never a diagnosis. */
#ifndef MYOMAP_OUTCOME_H
#define MYOMAP_OUTCOME_H

#include <stddef.h>

#include "kb.h"
#include "store.h"
#include "util.h"

/* The scales that thresholds apply to: the `measure` column of kb/outcomes.tsv. */
enum outcome_measure {
  OUTCOME_NPRS = 0,    /* "nprs": pain 0-10, lower is better */
  OUTCOME_PSFS,        /* "psfs": the mean over one date's PSFS activities, 0-10, higher is better */
  OUTCOME_PSFS_ITEM,   /* "psfs-item": one PSFS activity, 0-10, higher is better */
  OUTCOME_NDI,         /* "ndi": Neck Disability Index raw score 0-50, lower is better */
  OUTCOME_N_MEASURES
};

/* At most this many flags (distinct measure and rule pairs) in kb/outcomes.tsv. */
#define OUTCOME_MAX_FLAGS 32

/* One flag of clinically important change: the lines of kb/outcomes.tsv that share measure
** and rule.  It is met on a date when the improvement from the baseline (the first value:
** of the client for NPRS, PSFS and NDI, of that activity for psfs-item) is at least `points`
** on the measure's scale, or at least `percent` percent of a baseline above 0; a threshold the
** table does not give is NAN.  Improvement is the baseline minus the value where lower is
** better, the value minus the baseline otherwise.  Numbers are compared with a tolerance of
** 1e-9, so a change exactly at a threshold meets it. */
typedef struct outcome_flag {
  int measure;            /* enum outcome_measure */
  const char *rule;       /* "important", "success", ... */
  const char *meaning;    /* "clinically important improvement" */
  const char *test;       /* the thresholds in words: "NPRS >= 2 points or >= 30%" */
  double points, percent; /* or NAN */
  const int *sources; int n_sources;  /* KB_SOURCE term indices of the kb given to outcome_load */
} outcome_flag;

/* A PSFS activity or a range-of-motion direction on one date. */
typedef struct outcome_item {
  const char *item;   /* the activity's text, or "joint:direction" such as "cervical:rotation-l" */
  double value;
  double change;      /* value minus the item's first value (0 on that first date) */
  const char *unit;   /* "points" for PSFS; for ROM "mm" (jaw:opening) or "deg" */
  unsigned flags;     /* PSFS: bit f set when flags[f] (a psfs-item flag) is met; ROM: 0 */
} outcome_item;

/* One region of a pain drawing. */
typedef struct outcome_pain {
  const char *region; /* the concrete region id as stored, e.g. "temple-l" */
  int index;          /* its body_find index in kb_body(kb), or -1 when the body model lacks it */
  int intensity;      /* 1-10 (a region drawn with 0 is left out) */
} outcome_pain;

/* Everything measured on one date.  A value missing on the date has its has_ flag 0 (count 0
** for lists); changes are NAN when the measure has no baseline value. */
typedef struct outcome_date {
  char date[11];            /* YYYY-MM-DD */
  /* One row per date, except that a date with two or more visits has a row per visit (in the
  ** order they started): the row's measures are those linked to its visit, and the date's
  ** measures and drawings linked to no visit go to its first row.  A measure linked to a visit
  ** is dated by the visit (its session), whatever date the measure carries. */
  long visit;               /* the row's visit; else the first visit of the date (lowest id), 0 when none */
  char started[32];         /* the visit's start time when the date has a row per visit, else "" */
  /* Pain: the session's 'pre' measure, else the visit's pain_pre, else a standalone value
  ** (item ''); within one kind, the last recorded (highest id) counts. */
  int has_nprs; double nprs;
  int has_post; double post;  /* the session's 'post' measure, else the visit's pain_post */
  double nprs_change;       /* nprs minus the baseline */
  double nprs_percent;      /* 100 * nprs_change / baseline; NAN when the baseline is 0 */
  /* PSFS: the mean over the date's activities and the activities themselves. */
  int n_psfs; double psfs, psfs_change;
  const outcome_item *psfs_items;   /* n_psfs of them, in the order first recorded */
  int has_ndi; double ndi, ndi_change;
  const outcome_item *rom; int n_rom;  /* in the order first recorded */
  /* The pain drawing: every intake of the date merged (a region's highest intensity). */
  int has_drawing;
  const outcome_pain *pain; int n_pain;   /* sorted by region id */
  int pain_total;                         /* the sum of the intensities */
  /* Regions drawn now but not in the previous drawing, and the reverse (both empty on the
  ** first drawing); the strings belong to this date's or the previous drawing's pain[]. */
  const char *const *new_regions; int n_new;
  const char *const *resolved; int n_resolved;
  unsigned flags;           /* bit f set when flags[f] is met on this date (for psfs-item: by
                            ** any activity) */
} outcome_date;

/* A client's outcomes: read-only for the caller, freed with outcome_free. */
typedef struct outcome {
  long client;
  const kb *k;                          /* the kb given to outcome_load (not owned) */
  const outcome_flag *flags; int n_flags;
  const outcome_date *dates; int n_dates;  /* in date order */
  int base[OUTCOME_N_MEASURES];  /* index in dates of the first value of NPRS, PSFS (mean) and
                                 ** NDI, or -1; base[OUTCOME_PSFS_ITEM] is always -1 */
  int last[OUTCOME_N_MEASURES];  /* index of the latest value, or -1 (likewise) */
  int base_drawing, last_drawing;  /* index of the first and the latest drawing, or -1 */
  int n_skipped;    /* measure rows left out: an nprs item other than '', 'pre' and 'post', an
                    ** empty PSFS activity or ROM item, a value off its scale (NPRS and PSFS
                    ** 0-10, NDI 0-50, ROM -360 to 360) or a date that is not YYYY-MM-DD */
  void *mem;        /* internal: the allocations outcome_free releases */
} outcome;

/* Read client `client`'s measures, visits and pain drawings from `s` (four queries on the
** (client_id, date) indexes) and compute the table above, with the thresholds of the
** embedded kb/outcomes.tsv checked against `k`'s sources and regions placed in kb_body(k).
** `k` must outlive the result.  Returns 0 and sets *out (free with outcome_free), or -1 with a
** message in err[errlen]: "no client N" when there is none, the database's error, or the
** first error of kb/outcomes.tsv. */
int outcome_load(store *s, const kb *k, long client, outcome **out, char *err, size_t errlen);

/* A fingerprint of everything outcome_load reads for `client` (one query): the count and
** highest id of its visits, measures and intakes, and the client row's updated time.  Rows
** are only ever added to those tables; a write path that edits or deletes them in place must
** change this too.  Writes at most cap bytes to out.  Returns 0, or -1 (the database failed;
** "no client" gives a stamp of its own). */
int outcome_stamp(store *s, long client, char *out, size_t cap);

/* Free an outcome from outcome_load (NULL is fine). */
void outcome_free(outcome *o);

/* Check a thresholds table in the format of kb/outcomes.tsv (text of `len` bytes): comment
** lines starting with '#', blank lines, the header line "measure rule value unit meaning
** sources" (tab-separated) and then one line per threshold: a measure of enum
** outcome_measure ("nprs", "psfs", "psfs-item", "ndi"), a kebab-case rule name, a value above
** 0, the unit "points" or "percent", the meaning (the same on every line of one measure and
** rule), and one or more source keys of `k` separated by spaces.  A measure and rule may have
** one points line and one percent line.  Appends one line per error ("kb/outcomes.tsv:LINE:
** what is wrong") to `errors` and returns the number of errors (0: the table is good). */
int outcome_check_table(const kb *k, const char *text, size_t len, buf *errors);

/* Append to `out` a readable report: one row per date (NPRS, post-session NPRS, change from
** baseline in points and percent, PSFS mean and its change, NDI and its change), under it
** the flags met, the PSFS activities, the ROM changes and the drawing's spread (regions,
** total intensity, new and resolved regions); then baseline -> latest for every measure with
** the flags the latest value meets, the thresholds with their source keys, and the sources'
** citations. */
void outcome_text(buf *out, const outcome *o);

/* Append one JSON object: {"client":ID, "baseline":{...}, "latest":{...}, "visits":[...],
** "thresholds":[...], "sources":[...], "skipped":N}; each row of visits also has "started" (the
** visit's start time when its date has a row per visit, else null).  baseline and latest hold, per measure,
** {"date","value"} (nprs, psfs, ndi) or null, {"date","regions","total"} (drawing) or null,
** and objects keyed by item, {"date","value","unit"} for each PSFS activity ("psfs_items")
** and ROM direction ("rom"); latest adds "flags" (the rule names met) to nprs, psfs, ndi and
** each activity.  Each element of visits is one date: {"date","visit" (id or null),
** "nprs":{"value","post","change","percent","flags"} (null when neither a value nor a
** post-session value was recorded; a missing one is null), "psfs":{"mean","change",
** "flags","items":[{"activity","value","change","flags"}]} or null, "ndi":{"value","change",
** "flags"} or null, "rom":[{"item","value","unit","change"}], "drawing":{"regions":[{"region",
** "intensity"}],"count","total","new","resolved"} or null}.  Each threshold is {"measure",
** "rule","points","percent" (null when absent),"meaning","test","sources":[keys]}; each
** source {"key","cite"}.  Numbers without a value (a percent of a 0 baseline) are null. */
void outcome_json(buf *out, const outcome *o);

/* Append a self-contained SVG document (no scripts, no external references, all text
** escaped): NPRS over time on 0-10 (pre-session values joined by a line, post-session values
** as open circles) with a dashed line for each NPRS flag at the level that meets it from the
** baseline (class "threshold", data-rule=RULE); the PSFS mean (0-10) and the NDI (0-50) on
** small plots with the same kind of lines; each plot with labelled axes and dates; then the
** pain drawings in date order as small multiples, one front and back body chart (chart_svg,
** regions filled by intensity) per drawing date in a <g class="drawing" data-date=DATE>. */
void outcome_svg(buf *out, const outcome *o);
/* The same, titled "Outcomes of NAME" (escaped) rather than "Outcomes of client N" (NULL or "":
** the id, as outcome_svg). */
void outcome_svg_named(buf *out, const outcome *o, const char *name);

#endif
