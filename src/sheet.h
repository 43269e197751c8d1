/* sheet.h: formatting plans, conditions and home programs as text, JSON and a printable HTML
** handout, into a buffer (never printing). */
#ifndef MYOMAP_SHEET_H
#define MYOMAP_SHEET_H

#include "chart.h"
#include "home.h"
#include "kb.h"
#include "plan.h"
#include "util.h"

/* The plan as one JSON object: {"refer":...,"limits":...,"blocked":[...],"steps":[...]}. */
void sheet_plan_json(buf *out, const kb *k, const plan *p);
/* The same in language `lang` (a tag as for kb_lang_name; NULL or "en": English, as above): the
** techniques' labels and generic how, the danger zones, the contraindications' labels and
** cautions from kb/LANG/ (kb_term_text, English where one is missing), the phases' texts and the
** note from sheet.c; each step that names a muscle gains "muscle_name", the plan "lang":"fr".
** A muscle's own [treat] position and how, trigger point locations, a block's why and a
** contraindication's advice stay English. */
void sheet_plan_json_lang(buf *out, const kb *k, const plan *p, const char *lang);
/* The plan for the terminal: numbered steps by phase, blocked points and modifications. */
void sheet_plan_text(buf *out, const kb *k, const plan *p);
/* One step, as the session runner shows it before it begins (number n of the plan). */
void sheet_step_text(buf *out, const kb *k, const plan *p, int n);

/* Conditions: one, or the list of all. */
void sheet_condition_json(buf *out, const kb *k, int condition);
void sheet_condition_text(buf *out, const kb *k, int condition);
void sheet_conditions_json(buf *out, const kb *k);
/* The same in `lang` (the name, the note and the muscles' names from kb/LANG/, else English). */
void sheet_condition_json_lang(buf *out, const kb *k, int condition, const char *lang);
void sheet_conditions_json_lang(buf *out, const kb *k, const char *lang);
void sheet_conditions_text(buf *out, const kb *k);

/* The home program. */
void sheet_home_json(buf *out, const kb *k, const home *h);
void sheet_home_text(buf *out, const kb *k, const home *h);
/* A self-contained printable HTML page (inline CSS and SVG, no scripts, no external
** references) with the body chart marking where to press and where not to. */
void sheet_home_html(buf *out, const kb *k, const chart *c, const home *h, const char *title);
/* The same in the client's language `lang` (a tag as for kb_lang_name; NULL or "en": English,
** as the three above): the fixed words from sheet.c's table, the kb's texts from its
** translations (kb_text, English where one is missing), the handout as <html lang="fr-CA">
** with the chart's words and region labels in French; the JSON gains "lang":"fr".
** Citations stay as the sources write them. */
void sheet_home_json_lang(buf *out, const kb *k, const home *h, const char *lang);
void sheet_home_text_lang(buf *out, const kb *k, const home *h, const char *lang);
void sheet_home_html_lang(buf *out, const kb *k, const chart *c, const home *h, const char *title, const char *lang);
/* One of the home program's fixed English texts (home.c's reasons for no self-care included) in
** `lang`, or `english` itself when it has no translation.  Static text. */
const char *sheet_home_word(const char *lang, const char *english);

#endif
