/* report.h: formatting results as JSON or readable text into a buffer (never printing). */
#ifndef MYOMAP_REPORT_H
#define MYOMAP_REPORT_H

#include "kb.h"
#include "present.h"
#include "rank.h"
#include "screen.h"

/* A formatter for `where` results over one kb and its ranking (both must outlive it): it
** keeps the JSON of each trigger point's names and sources once made, for the batch path (so
** one report per thread, as for a rank).  Free with report_free. */
typedef struct report report;
report *report_new(const kb *k, const rank *r);
void report_free(report *rp);

/* The `where` result: screens first, then the candidates with their explanations.  JSON is
** one line with no trailing newline: {"screen":{...},"candidates":[...],"note":"..."}. */
void report_where_json(buf *out, report *rp, const present *p, const screen_result *s,
                       const rank_result *res);
/* The same with the muscles' names in language `lang` (a tag as for kb_lang_name; NULL or "en":
** English, as above); the rest (trigger point names, explanations, the note) stays English. */
void report_where_json_lang(buf *out, report *rp, const present *p, const screen_result *s,
                            const rank_result *res, const char *lang);
/* The same result in short (`where --batch --compact`), one line with no trailing newline:
** {"screen":LEVEL,"flags":[ID,...],"soreness":VERDICT,"candidates":[[TRIGGER_POINT,SIDE,SCORE,
** [ESSENTIAL...],[SPILLOVER...]],...]}: the screen's level, red-flag ids and soreness verdict
** as their codes (screen_level_name, screen_favours_name), and per candidate in the order of
** report_where_json its point's id, side, score with three decimals and the painful regions
** its essential and spillover zones cover. */
void report_where_compact(buf *out, report *rp, const present *p, const screen_result *s,
                          const rank_result *res);
void report_where_text(buf *out, const report *rp, const present *p, const screen_result *s,
                       const rank_result *res, int color);

/* One muscle with all its trigger points. */
void report_muscle_json(buf *out, const kb *k, int muscle);
/* The same in `lang`: the names, the trigger points' names and locations, the techniques' position
** and how and the self-care texts from kb/LANG/ (the notes, symptoms and frequencies as written). */
void report_muscle_json_lang(buf *out, const kb *k, int muscle, const char *lang);
void report_muscle_text(buf *out, const kb *k, int muscle);

/* The region list. */
void report_regions_json(buf *out, const body *b);
/* The same with each label in language `lang` (kb_region_label of kb `k`, the kb of body `b`). */
void report_regions_json_lang(buf *out, const body *b, const kb *k, const char *lang);
void report_regions_text(buf *out, const body *b);

/* The whole knowledge base, each point on the patient's left side with concrete zones. */
void report_export_json(buf *out, const kb *k);
void report_export_text(buf *out, const kb *k);

/* An error object for a batch line: {"line":N,"error":{"code":C,"message":M}} */
void report_error_json(buf *out, long line, const char *code, const char *message);

#endif
