/* note.c: the SOAP note of one visit from the stored record (see note.h). */
#include "note.h"
#include "sheet.h"
#include "record.h"

#include <jansson.h>
#include <sodium.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- words -------------------------------------------------------------------------------- */

/* The note's fixed words in French (fr-CA): each English text as the code writes it and its
** translation, with the same %-conversions.  A language is one more column. */
static const struct { const char *en, *fr; } note_words[] = {
  {"left", "côté gauche"}, {"right", "côté droit"}, {"left ", "gauche"}, {"right ", "droite"},
  {"released", "relâché"}, {"Released", "Relâchés"},
  {"not released within the longest hold", "non relâché dans le maintien le plus long"},
  {"Not released within the longest hold", "Non relâchés dans le maintien le plus long"},
  {"stopped", "arrêté"}, {"Stopped", "Arrêtés"},
  {"stopped at the client's request", "arrêté à la demande du client"},
  {"Stopped at the client's request", "Arrêtés à la demande du client"},
  {"too sensitive to treat", "trop sensible pour être traité"}, {"Too sensitive to treat", "Trop sensibles pour être traités"},
  {"interrupted", "interrompu"}, {"Interrupted", "Interrompus"},
  {"sharp pain", "douleur vive"}, {"shooting pain", "douleur fulgurante"}, {"numbness", "engourdissement"},
  {"tingling", "picotements"}, {"too sensitive", "trop sensible"}, {"consent withdrawn", "consentement retiré"},
  {"active", "actif"}, {"latent", "latent"},
  {"gradual", "graduel"}, {"sudden", "soudain"}, {"after exercise", "après l'exercice"}, {"injury", "blessure"},
  {"weakness", "faiblesse"}, {"shooting", "douleur fulgurante"}, {"fever", "fièvre"}, {"weight loss", "perte de poids"},
  {"night pain", "douleur nocturne"}, {"bowel or bladder change", "troubles intestinaux ou urinaires"}, {"trauma", "traumatisme"},
  {"No intake on record on or before %s.\n", "Aucun questionnaire d'accueil au dossier au plus tard le %s.\n"},
  {"Pain drawing (intake %s): no painful regions marked.\n", "Schéma de la douleur (questionnaire du %s) : aucune région douloureuse marquée.\n"},
  {"Pain drawing (intake %s): ", "Schéma de la douleur (questionnaire du %s) : "},
  {"Pain before treatment: %s/10 (NPRS).\n", "Douleur avant le traitement : %s/10 (NPRS).\n"},
  {"Pain before treatment: not rated.\n", "Douleur avant le traitement : non évaluée.\n"},
  {"Function (PSFS, 0-10, 10 = as before the problem): ", "Fonction (PSFS, 0-10, 10 = comme avant le problème) : "},
  {"Neck Disability Index: ", "Indice d'incapacité cervicale (NDI) : "},
  {"Goals: %s.\n", "Objectifs : %s.\n"}, {"Activities: ", "Activités : "},
  {"desk work %s h a day", "travail de bureau %s h par jour"}, {"training %s h a week", "entraînement %s h par semaine"},
  {"sleep %s h a night", "sommeil %s h par nuit"}, {"stress %s/10", "stress %s/10"},
  {"Perpetuating factors reported: %s.\n", "Facteurs d'entretien rapportés : %s.\n"},
  {"Perpetuating factors: none reported.\n", "Facteurs d'entretien : aucun rapporté.\n"},
  {"Onset: ", "Début : "}, {"Red-flag questions at intake: ", "Questions sur les signaux d'alarme à l'accueil : "},
  {"yes", "oui"}, {"no", "non"}, {"not asked", "non posée"}, {"Flags noted at intake: ", "Signaux d'alarme notés à l'accueil : "},
  {"range of motion", "amplitude de mouvement"}, {"strength", "force"}, {"note", "note"},
  {"Recheck after treatment (session log): ", "Réévaluation après le traitement (journal de séance) : "},
  {"No trigger points palpated on record for this visit.\n", "Aucun point gâchette palpé au dossier pour cette visite.\n"},
  {"Trigger points assessed by palpation:\n", "Points gâchettes évalués par palpation :\n"},
  {", recognised referral reproduced", ", douleur référée reconnue reproduite"},
  {", referral not reproduced", ", douleur référée non reproduite"},
  {"Range of motion: ", "Amplitude de mouvement : "}, {" degrees", " degrés"},
  {"No holds recorded for this visit.\n", "Aucun maintien enregistré pour cette visite.\n"},
  {"Treatment: %d hold%s:\n", "Traitement : %d maintien%s :\n"},
  {"outcome not recorded", "résultat non enregistré"},
  {"; recognised referral reproduced", "; douleur référée reconnue reproduite"},
  {"unchanged", "inchangée"}, {"%.15g point%s lower", "%.15g point%s de moins"}, {"%.15g point%s higher", "%.15g point%s de plus"},
  {" (%ld%%)", " (%ld %%)"},
  {"Pain %s/10 before and %s/10 after the session: ", "Douleur %s/10 avant et %s/10 après la séance : "},
  {"Pain was rated only %s the session (%s/10).\n", "La douleur n'a été évaluée qu'%s la séance (%s/10).\n"},
  {"before", "avant"}, {"after", "après"},
  {"Pain was not rated before or after the session.\n", "La douleur n'a été évaluée ni avant ni après la séance.\n"},
  {", for %s", ", pour %s"},
  {"No trigger point holds with a recorded outcome.\n", "Aucun maintien de point gâchette avec un résultat enregistré.\n"},
  {"No earlier pain rating to compare with.\n", "Aucune évaluation antérieure de la douleur pour comparer.\n"},
  {"This visit's %s/10 is the first pain rating on record: the baseline for progress.\n",
   "Le %s/10 de cette visite est la première évaluation de la douleur au dossier : la référence pour le suivi.\n"},
  {"before this session", "avant cette séance"}, {"after it", "après celle-ci"},
  {"Since the first pain rating (%.15g/10 on %s): pain ", "Depuis la première évaluation de la douleur (%.15g/10 le %s) : douleur "},
  {"exercise", "exercice"}, {", hold %ld-%ld s", ", maintenir %ld à %ld s"}, {", hold %ld s", ", maintenir %ld s"},
  {"No home program recorded for this visit.\n", "Aucun programme d'autotraitement enregistré pour cette visite.\n"},
  {"A home program is on record but could not be read.\n", "Un programme d'autotraitement est au dossier, mais n'a pas pu être lu.\n"},
  {"Referral advised: the home program asks the client to see a doctor before self-treatment.\n",
   "Orientation conseillée : le programme d'autotraitement demande au client de consulter un médecin avant tout autotraitement.\n"},
  {"Home program:\n", "Programme d'autotraitement :\n"}, {"Left out of the home program: ", "Retiré du programme d'autotraitement : "},
  {"No self-care exercises in the home program.\n", "Aucun exercice d'autotraitement dans le programme.\n"},
  {"Self-care pressure at most %lld/10.\n", "Pression d'autotraitement d'au plus %lld/10.\n"},
  {"Self-care holds at most %lld s.\n", "Maintiens d'autotraitement d'au plus %lld s.\n"},
  {"Do not press: ", "Ne pas appuyer : "},
  {"Recheck at the next visit: pain (NPRS)", "À réévaluer à la prochaine visite : douleur (NPRS)"},
  {", the points treated today: ", ", les points traités aujourd'hui : "},
  {"; and range of motion", "; et l'amplitude de mouvement"}, {", and range of motion", ", et l'amplitude de mouvement"},
  {": ", " : "},
  {"The red-flag screen said refer", "Le dépistage des signaux d'alarme indiquait d'orienter le client"},
  {"; cleared for treatment by: %s.\n", "; traitement autorisé par : %s.\n"},
  {"Consent for treatment of the %s withdrawn", "Consentement au traitement (%s) retiré"},
  {"Consent for treatment of the %s obtained %s", "Consentement au traitement (%s) obtenu %s"},
  {"in writing", "par écrit"}, {"verbally", "verbalement"}, {" at %s UTC", " à %s UTC"},
  {"a sensitive area", "une zone sensible"},
  {"S (subjective)", "S (subjectif)"}, {"O (objective)", "O (objectif)"}, {"A (assessment)", "A (analyse)"}, {"P (plan)", "P (plan)"},
};

/* `en` in language `lang` (kb_lang_name), or `en` itself. */
static const char *W(const char *lang, const char *en) {
  lang = kb_lang_name(lang);
  if (!lang || strcmp(lang, "fr")) return en;
  for (size_t i = 0; i < sizeof note_words / sizeof note_words[0]; i++)
    if (strcmp(note_words[i].en, en) == 0) return note_words[i].fr;
  return en;
}

static const char *str(const char *s) { return s ? s : ""; }

static const char *side_word(const char *side) {
  if (!side) return NULL;
  if (!strcmp(side, "l")) return "left";
  if (!strcmp(side, "r")) return "right";
  return NULL;
}

/* A stored number in its shortest form: "6", "2.5". */
static void num(buf *b, const char *v) { buf_printf(b, "%.15g", v ? strtod(v, NULL) : 0); }

/* "left temple", "sternum" ("la tempe (gauche)" in French); an id not in the body model as it is. */
static void region_words(buf *b, const kb *k, const char *lang, const char *id) {
  const body *bd = kb_body(k);
  int r = body_find(bd, id);
  if (r < 0) { buf_puts(b, id); return; }
  const body_region *br = body_at(bd, r);
  if (kb_lang_fr(lang)) {
    buf_puts(b, kb_region_label(k, lang, r));
    if (br->side != BODY_MID) buf_printf(b, " (%s)", W(lang, br->side == BODY_L ? "left " : "right "));
    return;
  }
  if (br->side == BODY_L) buf_puts(b, "left ");
  if (br->side == BODY_R) buf_puts(b, "right ");
  buf_puts(b, br->label);
}

/* "left upper trapezius (TrP1, upper border, ...)" ("trapèze supérieur, côté gauche (PG1, ...)"
** in French); without a point, the side and muscle. */
static void point_words(buf *b, const kb *k, const char *lang, const char *muscle, const char *tp, const char *side) {
  int fr = kb_lang_fr(lang);
  if (side_word(side) && !fr) buf_printf(b, "%s ", side_word(side));
  int m = kb_find_muscle(k, str(muscle));
  buf_puts(b, m >= 0 ? kb_text(k, lang, "muscle", kb_muscle_at(k, m)->id, "name", kb_muscle_at(k, m)->name) : str(muscle));
  if (side_word(side) && fr) buf_printf(b, ", %s", W(lang, side_word(side)));
  if (tp && *tp) {
    int t = kb_find_tp(k, tp);
    buf_printf(b, " (%s)", t >= 0 ? kb_tp_text(k, lang, t, "name") : tp);
  }
}

/* A kb id with its hyphens read as spaces: "after-exercise" -> "after exercise". */
static void id_words(buf *b, const char *id) {
  for (const char *p = id; *p; p++) buf_putc(b, *p == '-' ? ' ' : *p);
}

/* id_words for each id of a list (commas, semicolons or spaces between), in `lang`'s words. */
static void ids_words(buf *b, const char *lang, const char *list) {
  if (!kb_lang_fr(lang)) { id_words(b, list); return; }
  char *copy = xstrdup(list), *save = NULL;
  int n = 0;
  for (char *w = strtok_r(copy, ",; \t\n", &save); w; w = strtok_r(NULL, ",; \t\n", &save)) {
    buf one;
    buf_init(&one);
    id_words(&one, w);
    buf_printf(b, "%s%s", n++ ? ", " : "", W(lang, one.data));
    buf_free(&one);
  }
  free(copy);
}

/* A list of kb ids (separated by commas, semicolons or spaces) as their labels in `vocab`; a
** text that is not such a list is kept as written. */
static void terms_words(buf *b, const kb *k, const char *lang, int vocab, const char *text) {
  char *copy = xstrdup(text), *save = NULL;
  int n = 0, known = 1;
  for (char *w = strtok_r(copy, ",; \t\n", &save); w; w = strtok_r(NULL, ",; \t\n", &save), n++)
    if (kb_find_term(k, vocab, w) < 0) known = 0;
  free(copy);
  if (!n || !known) { buf_puts(b, text); return; }
  copy = xstrdup(text);
  save = NULL;
  n = 0;
  for (char *w = strtok_r(copy, ",; \t\n", &save); w; w = strtok_r(NULL, ",; \t\n", &save))
    buf_printf(b, "%s%s", n++ ? "; " : "", kb_term_text(k, lang, vocab, kb_find_term(k, vocab, w), "label"));
  free(copy);
}

/* How a hold's outcome reads, and the group heading it gets in the assessment. */
static const struct { const char *outcome, *words, *group; } outcomes[] = {
  {"released", "released", "Released"},
  {"max-hold", "not released within the longest hold", "Not released within the longest hold"},
  {"stopped", "stopped", "Stopped"},
  {"client-stop", "stopped at the client's request", "Stopped at the client's request"},
  {"too-sensitive", "too sensitive to treat", "Too sensitive to treat"},
  {"interrupted", "interrupted", "Interrupted"},
};
#define N_OUTCOMES ((int)(sizeof outcomes / sizeof outcomes[0]))

/* Why a hold was stopped, in words. */
static const struct { const char *reason, *words; } reasons[] = {
  {"sharp", "sharp pain"}, {"shooting", "shooting pain"}, {"numb", "numbness"},
  {"tingling", "tingling"}, {"too-sensitive", "too sensitive"}, {"consent-withdrawn", "consent withdrawn"},
};

static const char *reason_words(const char *lang, const char *r) {
  for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
    if (!strcmp(reasons[i].reason, r)) return W(lang, reasons[i].words);
  return r;
}

static int outcome_index(const char *o) {
  for (int i = 0; i < N_OUTCOMES; i++)
    if (o && !strcmp(outcomes[i].outcome, o)) return i;
  return -1;
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct ctx {
  store *s;
  const kb *k;
  const char *lang;        /* the note's language (kb_lang_name), NULL: English */
  long visit, client;
  const char *date;        /* the visit's date (in v) */
  store_rows v;            /* client_id, date, started, log, pain_pre, pain_post */
  store_rows intake;       /* id, date, goals, activities, onset, flags, factors, desk, training, sleep, stress */
  store_rows pain;         /* region, intensity, quality */
  store_rows day;          /* that day's measures: kind, item, value */
  store_rows first;        /* the first NPRS: date, value */
  store_rows points;       /* that day's assessments: muscle, tp, side, state, referral, ppt */
  store_rows holds;        /* seq, phase, muscle, tp, side, technique, seconds, outcome, reason, confirmed */
  store_rows home;         /* id */
  buf log;                 /* the visit's session log (without its plan) */
  buf program;             /* that day's home program (JSON), when c->home has a row */
  char msg[512];           /* what failed when reading, if not the store */
  char pre[32], post[32];  /* pain before and after, "" when not recorded */
} ctx;

static void ctx_free(ctx *c) {
  store_rows *all[] = {&c->v, &c->intake, &c->pain, &c->day, &c->first, &c->points, &c->holds, &c->home};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) store_rows_free(all[i]);
  buf_free(&c->log);
  buf_free(&c->program);
}

/* "That day": rows of the visit, or the client's rows on its date with no visit. */
#define THAT_DAY "client_id = $1 AND (visit_id = $2 OR (visit_id IS NULL AND date = $3))"

static int read_all(ctx *c) {
  store *s = c->s;
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, c->visit);
  if (store_exec(s, "SELECT client_id, date, started, '' AS log, pain_pre, pain_post FROM visit WHERE id = $1",
                 &a, &c->v))
    return -1;
  if (c->v.nrow == 0) return 1;
  char e[512];
  if (record_visit_log(s, c->k, c->visit, 0, &c->log, e, sizeof e)) { snprintf(c->msg, sizeof c->msg, "%s", e); return -1; }
  c->client = strtol(store_cell(&c->v, 0, 0), NULL, 10);
  c->date = store_cell(&c->v, 0, 1);
  store_args d;  /* $1 client, $2 visit, $3 date */
  store_args_init(&d);
  store_arg_int(&d, c->client);
  store_arg_int(&d, c->visit);
  store_arg_text(&d, c->date);
  store_args cd;  /* $1 client, $2 date */
  store_args_init(&cd);
  store_arg_int(&cd, c->client);
  store_arg_text(&cd, c->date);
  if (store_exec(s, "SELECT id, date, goals, activities, onset, flags, factors, desk_hours,"
                    " training_hours, sleep_hours, stress FROM intake"
                    " WHERE client_id = $1 AND date <= $2 ORDER BY date DESC, id DESC LIMIT 1", &cd, &c->intake) ||
      store_exec(s, "SELECT kind, item, value FROM measure WHERE " THAT_DAY " ORDER BY id", &d, &c->day) ||
      store_exec(s, "SELECT date, value FROM (SELECT date, value, 0 AS o, id FROM measure"
                    " WHERE client_id = $1 AND kind = 'nprs' UNION ALL SELECT date, pain_pre, 1, id"
                    " FROM visit WHERE client_id = $1 AND pain_pre IS NOT NULL) x WHERE date <= $2"
                    " ORDER BY date, o, id LIMIT 1", &cd, &c->first) ||
      /* A point palpated again the same day (a corrected finding) counts once: its latest row. */
      store_exec(s, "SELECT muscle, tp, side, state, referral, ppt FROM assessment a WHERE " THAT_DAY
                    " AND NOT EXISTS (SELECT 1 FROM assessment b WHERE b.client_id = a.client_id"
                    " AND b.date = a.date AND b.tp = a.tp AND b.side = a.side AND b.id > a.id"
                    " AND (b.visit_id = a.visit_id OR (b.visit_id IS NULL AND a.visit_id IS NULL)))"
                    " ORDER BY id", &d, &c->points) ||
      store_exec(s, "SELECT seq, phase, muscle, tp, side, technique, seconds, outcome, reason, confirmed"
                    " FROM treatment WHERE visit_id = $1 ORDER BY seq", &a, &c->holds) ||
      store_exec(s, "SELECT id FROM homeprog WHERE " THAT_DAY
                    " ORDER BY CASE WHEN visit_id IS NULL THEN 1 ELSE 0 END, id DESC LIMIT 1", &d, &c->home))
    return -1;
  if (c->home.nrow &&
      record_home_load(s, c->k, strtol(store_cell(&c->home, 0, 0), NULL, 10), &c->program, NULL, NULL, e, sizeof e) < 0)
    { snprintf(c->msg, sizeof c->msg, "%s", e); return -1; }
  if (c->intake.nrow) {
    store_args i;
    store_args_init(&i);
    store_arg_text(&i, store_cell(&c->intake, 0, 0));
    if (store_exec(s, "SELECT region, intensity, quality FROM pain WHERE intake_id = $1"
                      " ORDER BY intensity DESC, region", &i, &c->pain))
      return -1;
  }
  return 0;
}

/* That day's measure of `kind` and `item`, or NULL. */
static const char *day_value(const ctx *c, const char *kind, const char *item) {
  for (int i = 0; i < c->day.nrow; i++)
    if (!strcmp(str(store_cell(&c->day, i, 0)), kind) && !strcmp(str(store_cell(&c->day, i, 1)), item))
      return store_cell(&c->day, i, 2);
  return NULL;
}

static void set_pain(char out[32], const char *stored, const char *measured) {
  const char *v = stored ? stored : measured;
  out[0] = 0;
  if (v) snprintf(out, 32, "%.15g", strtod(v, NULL));
}

/* ---- the sections ------------------------------------------------------------------------- */

/* From the session log: who cleared a red-flag screen that said refer, if anyone. */
static void cleared_words(buf *b, const char *L, const char *log) {
  json_t *j = log ? json_loads(log, 0, NULL) : NULL;
  json_t *cl = json_object_get(j, "cleared");
  const char *by = json_string_value(json_object_get(cl, "by")), *refer = json_string_value(json_object_get(cl, "refer"));
  if (by && *by) {
    buf_puts(b, W(L, "The red-flag screen said refer"));
    if (refer && *refer && !kb_lang_fr(L)) buf_printf(b, " (%s)", refer);
    else if (refer && *refer) { buf_puts(b, " ("); ids_words(b, L, refer); buf_putc(b, ')'); }
    buf_printf(b, W(L, "; cleared for treatment by: %s.\n"), by);   /* `by` as the therapist wrote it */
  }
  json_decref(j);
}

/* A red flag by name, in words where its id does not read as English by itself. */
static const struct { const char *id, *words; } flag_names[] = {
  {"bowel-bladder", "bowel or bladder change"},
};
/* flags_words: a list of red-flag ids (commas or spaces between) in `lang`'s words. */
static void flags_words(buf *b, const char *lang, const char *list) {
  char *copy = xstrdup(list), *save = NULL;
  int n = 0;
  for (char *w = strtok_r(copy, ", \t\n", &save); w; w = strtok_r(NULL, ", \t\n", &save)) {
    const char *words = NULL;
    for (size_t i = 0; i < sizeof flag_names / sizeof *flag_names && !words; i++)
      if (!strcmp(w, flag_names[i].id)) words = flag_names[i].words;
    buf one;
    buf_init(&one);
    if (words) buf_puts(&one, words); else id_words(&one, w);
    buf_printf(b, "%s%s", n++ ? ", " : "", W(lang, one.data));
    buf_free(&one);
  }
  free(copy);
}

/* The red-flag answers of an intake that kept them ("fever,weight-loss=no,numbness=not-asked"):
** "Red-flag questions at intake: yes: fever; no: weight loss; not asked: numbness." */
static void flag_answers(buf *b, const char *lang, const char *flags) {
  static const char *const kinds[3] = {"", "=no", "=not-asked"}, *const words[3] = {"yes", "no", "not asked"};
  buf_puts(b, W(lang, "Red-flag questions at intake: "));
  int parts = 0;
  for (int kind = 0; kind < 3; kind++) {
    int n = 0;
    const char *p = flags;
    while (*p) {
      size_t len = strcspn(p, ",");
      const char *eq = memchr(p, '=', len);
      size_t name = eq ? (size_t)(eq - p) : len;
      int is = kind == 0 ? !eq : eq && len - name == strlen(kinds[kind]) && !strncmp(eq, kinds[kind], len - name);
      if (is) {
        buf_puts(b, n++ ? ", " : parts++ ? "; " : "");
        if (n == 1) buf_printf(b, "%s%s ", W(lang, words[kind]), kb_lang_fr(lang) ? " :" : ":");
        char one[64];
        snprintf(one, sizeof one, "%.*s", (int)(name < 63 ? name : 63), p);
        flags_words(b, lang, one);
      }
      p += len;
      if (*p) p++;
    }
  }
  buf_puts(b, ".\n");
}

static void subjective(buf *b, const ctx *c) {
  const kb *k = c->k;
  const char *L = c->lang;
  if (!c->intake.nrow) buf_printf(b, W(L, "No intake on record on or before %s.\n"), c->date);
  else if (!c->pain.nrow) buf_printf(b, W(L, "Pain drawing (intake %s): no painful regions marked.\n"), store_cell(&c->intake, 0, 1));
  else {
    buf_printf(b, W(L, "Pain drawing (intake %s): "), store_cell(&c->intake, 0, 1));
    for (int i = 0; i < c->pain.nrow; i++) {
      const char *q = store_cell(&c->pain, i, 2);
      if (i) buf_puts(b, W(L, "; "));
      region_words(b, k, L, str(store_cell(&c->pain, i, 0)));
      buf_printf(b, W(L, " %s/10"), str(store_cell(&c->pain, i, 1)));
      int qs = q && *q ? kb_find_term(k, KB_SENSATION, q) : -1;
      if (q && *q) buf_printf(b, " (%s)", qs >= 0 && L ? kb_term_text(k, L, KB_SENSATION, qs, "label") : q);
    }
    buf_puts(b, W(L, ".\n"));
  }
  if (*c->pre) buf_printf(b, W(L, "Pain before treatment: %s/10 (NPRS).\n"), c->pre);
  else buf_puts(b, W(L, "Pain before treatment: not rated.\n"));
  int first = 1;
  for (int i = 0; i < c->day.nrow; i++) {
    const char *kind = str(store_cell(&c->day, i, 0));
    if (strcmp(kind, "psfs")) continue;
    buf_puts(b, first ? W(L, "Function (PSFS, 0-10, 10 = as before the problem): ") : "; ");
    buf_printf(b, "%s%s", str(store_cell(&c->day, i, 1)), W(L, ": "));
    num(b, store_cell(&c->day, i, 2));
    buf_puts(b, W(L, "/10"));
    first = 0;
  }
  if (!first) buf_puts(b, W(L, ".\n"));
  const char *ndi = day_value(c, "ndi", "");
  if (ndi) { buf_puts(b, W(L, "Neck Disability Index: ")); num(b, ndi); buf_puts(b, W(L, "/50.\n")); }
  if (!c->intake.nrow) return;
  const char *goals = store_cell(&c->intake, 0, 2), *acts = store_cell(&c->intake, 0, 3);
  const char *onset = store_cell(&c->intake, 0, 4), *flags = store_cell(&c->intake, 0, 5);
  const char *factors = store_cell(&c->intake, 0, 6);
  if (goals && *goals) buf_printf(b, W(L, "Goals: %s.\n"), goals);
  if (acts && *acts) { buf_puts(b, W(L, "Activities: ")); terms_words(b, k, L, KB_ACTIVITY, acts); buf_puts(b, W(L, ".\n")); }
  static const struct { int col; const char *fmt; } hours[] = {
    {7, "desk work %s h a day"}, {8, "training %s h a week"}, {9, "sleep %s h a night"}, {10, "stress %s/10"},
  };
  buf f;
  buf_init(&f);
  if (factors && *factors) terms_words(&f, k, L, KB_ACTIVITY, factors);
  for (size_t i = 0; i < sizeof hours / sizeof hours[0]; i++) {
    const char *v = store_cell(&c->intake, 0, hours[i].col);
    if (!v) continue;
    buf n;
    buf_init(&n);
    num(&n, v);
    if (f.len) buf_puts(&f, W(L, "; "));
    buf_printf(&f, W(L, hours[i].fmt), n.data);
    buf_free(&n);
  }
  if (f.len) buf_printf(b, W(L, "Perpetuating factors reported: %s.\n"), f.data);
  else buf_puts(b, W(L, "Perpetuating factors: none reported.\n"));
  buf_free(&f);
  if (onset && *onset) { buf_puts(b, W(L, "Onset: ")); ids_words(b, L, onset); buf_puts(b, W(L, ".\n")); }
  if (flags && strchr(flags, '=')) flag_answers(b, L, flags);
  else if (flags && *flags) { buf_puts(b, W(L, "Flags noted at intake: ")); flags_words(b, L, flags); buf_puts(b, W(L, ".\n")); }
  if (c->v.nrow) cleared_words(b, L, c->log.data);
}

/* The recheck in words from the session log, if the log has one. */
static void recheck(buf *b, const char *L, const char *log) {
  json_t *j = log ? json_loads(log, 0, NULL) : NULL;
  static const struct { const char *key, *label; } parts[] = {
    {"rom", "range of motion"}, {"strength", "strength"}, {"note", "note"},
  };
  int n = 0;
  for (size_t i = 0; j && i < sizeof parts / sizeof parts[0]; i++) {
    const char *t = json_string_value(json_object_get(j, parts[i].key));
    if (!t || !*t) continue;
    buf_printf(b, "%s%s%s%s", n++ ? "; " : W(L, "Recheck after treatment (session log): "), W(L, parts[i].label), W(L, ": "), t);
  }
  if (n) buf_puts(b, W(L, ".\n"));
  json_decref(j);
}

/* From the session log: the client's consent for each sensitive area, given or withdrawn, in
** order: "Consent for treatment of the gluteal area obtained verbally at 10:04 UTC." */
static void consent_words(buf *b, const kb *k, const char *L, const char *log) {
  json_t *j = log ? json_loads(log, 0, NULL) : NULL, *v;
  size_t i;
  json_array_foreach(json_object_get(j, "consent"), i, v) {
    const char *area = json_string_value(json_object_get(v, "area")), *at = json_string_value(json_object_get(v, "at"));
    const char *how = json_string_value(json_object_get(v, "how"));
    int a = area ? kb_find_term(k, KB_SENSITIVE, area) : -1;
    const char *label = a >= 0 ? kb_term_text(k, L, KB_SENSITIVE, a, "label") : area ? area : W(L, "a sensitive area");
    char hm[6] = "";
    if (at && strlen(at) >= 16) snprintf(hm, sizeof hm, "%.5s", at + 11);
    if (json_is_true(json_object_get(v, "withdrawn"))) buf_printf(b, W(L, "Consent for treatment of the %s withdrawn"), label);
    else buf_printf(b, W(L, "Consent for treatment of the %s obtained %s"), label,
                    W(L, how && !strcmp(how, "written") ? "in writing" : "verbally"));
    if (*hm) buf_printf(b, W(L, " at %s UTC"), hm);
    buf_puts(b, W(L, ".\n"));
  }
  json_decref(j);
}

static void objective(buf *b, const ctx *c) {
  const kb *k = c->k;
  const char *L = c->lang;
  if (!c->points.nrow) buf_puts(b, W(L, "No trigger points palpated on record for this visit.\n"));
  else buf_puts(b, W(L, "Trigger points assessed by palpation:\n"));
  for (int i = 0; i < c->points.nrow; i++) {
    const char *ppt = store_cell(&c->points, i, 5);
    buf_puts(b, W(L, "- "));
    point_words(b, k, L, store_cell(&c->points, i, 0), store_cell(&c->points, i, 1), store_cell(&c->points, i, 2));
    buf_printf(b, "%s%s", W(L, ": "), W(L, str(store_cell(&c->points, i, 3))));
    buf_puts(b, W(L, !strcmp(str(store_cell(&c->points, i, 4)), "1") ? ", recognised referral reproduced"
                                                                      : ", referral not reproduced"));
    if (ppt) { buf_puts(b, W(L, ", PPT ")); num(b, ppt); buf_puts(b, W(L, " kg/cm²")); }
    buf_puts(b, W(L, ".\n"));
  }
  int first = 1;
  for (int i = 0; i < c->day.nrow; i++) {
    if (strcmp(str(store_cell(&c->day, i, 0)), "rom")) continue;
    const char *item = str(store_cell(&c->day, i, 1));
    buf_puts(b, first ? W(L, "Range of motion: ") : "; ");
    buf_printf(b, W(L, "%s "), item);
    num(b, store_cell(&c->day, i, 2));
    buf_puts(b, !strcmp(item, "jaw:opening") ? " mm" : W(L, " degrees"));
    first = 0;
  }
  if (!first) buf_puts(b, W(L, ".\n"));
  consent_words(b, k, L, c->log.data);
  if (!c->holds.nrow) buf_puts(b, W(L, "No holds recorded for this visit.\n"));
  else buf_printf(b, W(L, "Treatment: %d hold%s:\n"), c->holds.nrow, c->holds.nrow == 1 ? "" : "s");
  for (int i = 0; i < c->holds.nrow; i++) {
    const char *tech = store_cell(&c->holds, i, 5), *secs = store_cell(&c->holds, i, 6);
    const char *outcome = store_cell(&c->holds, i, 7), *reason = store_cell(&c->holds, i, 8);
    int t = tech ? kb_find_term(k, KB_TECHNIQUE, tech) : -1, o = outcome_index(outcome);
    buf_puts(b, W(L, "- "));
    point_words(b, k, L, store_cell(&c->holds, i, 2), store_cell(&c->holds, i, 3), store_cell(&c->holds, i, 4));
    buf_printf(b, "%s%s", W(L, ": "), t >= 0 ? kb_term_text(k, L, KB_TECHNIQUE, t, "label") : str(tech));
    if (secs) { buf_puts(b, W(L, ", ")); num(b, secs); buf_puts(b, W(L, " s")); }
    buf_printf(b, ", %s", o >= 0 ? W(L, outcomes[o].words) : outcome ? outcome : W(L, "outcome not recorded"));
    if (reason && *reason) buf_printf(b, W(L, " (%s)"), reason_words(L, reason));
    if (!strcmp(str(store_cell(&c->holds, i, 9)), "1")) buf_puts(b, W(L, "; recognised referral reproduced"));
    buf_puts(b, W(L, ".\n"));
  }
  recheck(b, L, c->log.data);
}

/* "3 points lower (50%)", "unchanged", "2 points higher (40%)". */
static void change_words(buf *b, const char *L, double from, double to) {
  double d = from - to;
  if (d == 0) { buf_puts(b, W(L, "unchanged")); return; }
  buf_printf(b, W(L, d > 0 ? "%.15g point%s lower" : "%.15g point%s higher"), fabs(d), fabs(d) == 1 ? "" : "s");
  if (from > 0) buf_printf(b, W(L, " (%ld%%)"), (long)floor(fabs(d) / from * 100 + 0.5));
}

static void assessment(buf *b, const ctx *c) {
  const kb *k = c->k;
  const char *L = c->lang;
  if (*c->pre && *c->post) {
    buf_printf(b, W(L, "Pain %s/10 before and %s/10 after the session: "), c->pre, c->post);
    change_words(b, L, strtod(c->pre, NULL), strtod(c->post, NULL));
    buf_puts(b, W(L, ".\n"));
  } else if (*c->pre || *c->post) {
    buf_printf(b, W(L, "Pain was rated only %s the session (%s/10).\n"), W(L, *c->pre ? "before" : "after"), *c->pre ? c->pre : c->post);
  } else buf_puts(b, W(L, "Pain was not rated before or after the session.\n"));
  int any = 0;
  for (int g = 0; g < N_OUTCOMES; g++) {
    int n = 0;
    for (int i = 0; i < c->holds.nrow; i++) {
      const char *tp = store_cell(&c->holds, i, 3), *reason = store_cell(&c->holds, i, 8);
      if (!tp || !*tp || outcome_index(store_cell(&c->holds, i, 7)) != g) continue;
      buf_puts(b, n++ ? "; " : W(L, outcomes[g].group));
      if (n == 1) buf_puts(b, W(L, ": "));
      point_words(b, k, L, store_cell(&c->holds, i, 2), tp, store_cell(&c->holds, i, 4));
      if (reason && *reason) buf_printf(b, W(L, ", for %s"), reason_words(L, reason));
    }
    if (n) { buf_puts(b, W(L, ".\n")); any = 1; }
  }
  if (!any && c->holds.nrow) buf_puts(b, W(L, "No trigger point holds with a recorded outcome.\n"));
  /* Against the baseline, as `myomap progress` reads it: the rating before this session is the
  ** visit's score; the one after it shows the session's immediate effect on top. */
  if (!c->first.nrow) {
    buf_puts(b, W(L, "No earlier pain rating to compare with.\n"));
    return;
  }
  const char *first_date = str(store_cell(&c->first, 0, 0));
  double from = strtod(str(store_cell(&c->first, 0, 1)), NULL);
  if (!strcmp(first_date, c->date) && *c->pre) {
    buf_printf(b, W(L, "This visit's %s/10 is the first pain rating on record: the baseline for progress.\n"), c->pre);
    return;
  }
  const char *when[] = {"before this session", "after it"}, *value[] = {c->pre, c->post};
  int said = 0;
  for (int i = 0; i < 2; i++) {
    if (!*value[i]) continue;
    if (said++) buf_puts(b, W(L, "; "));
    else buf_printf(b, W(L, "Since the first pain rating (%.15g/10 on %s): pain "), from, first_date);
    buf_printf(b, "%s %s/10, ", W(L, when[i]), value[i]);
    change_words(b, L, from, strtod(value[i], NULL));
  }
  if (said) buf_puts(b, W(L, ".\n"));
}

/* "ball wall, hold 30-60 s, 3 to 5 holds, ..."; in French the tool and the frequency from the
** kb's translation of the muscle's exercise. */
static void exercise_words(buf *b, const kb *k, const char *L, const char *muscle, json_t *sc) {
  const char *id = json_string_value(json_object_get(sc, "id"));
  json_t *hold = json_object_get(sc, "hold");
  const char *freq = json_string_value(json_object_get(sc, "frequency"));
  int m = kb_lang_fr(L) && muscle ? kb_find_muscle(k, muscle) : -1, j = -1;
  for (int x = 0; m >= 0 && id && x < kb_muscle_at(k, m)->n_selfcare; x++)
    if (!strcmp(kb_muscle_at(k, m)->selfcare[x].id, id)) j = x;
  if (j >= 0) {
    const kb_selfcare *e = &kb_muscle_at(k, m)->selfcare[j];
    buf_puts(b, kb_term_text(k, L, KB_TOOL, e->tool, "label"));
    freq = kb_selfcare_text(k, L, m, j, "frequency", e->frequency);
  } else id_words(b, id ? id : W(L, "exercise"));
  long lo = (long)json_integer_value(json_array_get(hold, 0)), hi = (long)json_integer_value(json_array_get(hold, 1));
  if (hi > 0 && lo != hi) buf_printf(b, W(L, ", hold %ld-%ld s"), lo, hi);
  else if (hi > 0) buf_printf(b, W(L, ", hold %ld s"), hi);
  if (freq && *freq) buf_printf(b, W(L, ", %s"), freq);
}

/* Why an exercise was left out, from the stored program: in French the muscle's own reason
** from the kb, or the home program's words (sheet_home_word). */
static const char *skip_words(const kb *k, const char *L, const char *muscle, const char *skip) {
  if (!kb_lang_fr(L)) return skip;
  int m = muscle ? kb_find_muscle(k, muscle) : -1;
  const kb_muscle *mu = m >= 0 ? kb_muscle_at(k, m) : NULL;
  if (mu && mu->selfcare_none && !strcmp(mu->selfcare_none, skip)) return kb_text(k, L, "muscle", mu->id, "selfcare-none", skip);
  return sheet_home_word(L, skip);
}

static void plan_section(buf *b, const ctx *c) {
  const kb *k = c->k;
  const char *L = c->lang;
  const char *text = c->home.nrow ? (c->program.data ? c->program.data : "") : NULL;
  json_t *h = text ? json_loads(text, 0, NULL) : NULL;
  if (!text) buf_puts(b, W(L, "No home program recorded for this visit.\n"));
  else if (!json_is_object(h)) buf_puts(b, W(L, "A home program is on record but could not be read.\n"));
  else {
    if (json_is_true(json_object_get(h, "refer")))
      buf_puts(b, W(L, "Referral advised: the home program asks the client to see a doctor before self-treatment.\n"));
    json_t *ex = json_object_get(h, "exercises"), *e;
    size_t i;
    int n = 0;
    json_array_foreach(ex, i, e) {
      const char *skip = json_string_value(json_object_get(e, "skip"));
      json_t *scs = json_object_get(e, "selfcare"), *sc;
      if (skip || !json_array_size(scs)) continue;
      buf_puts(b, n++ ? "" : W(L, "Home program:\n"));
      buf_puts(b, W(L, "- "));
      point_words(b, k, L, json_string_value(json_object_get(e, "muscle")), NULL,
                  json_string_value(json_object_get(e, "side")));
      buf_puts(b, W(L, ": "));
      size_t j;
      json_array_foreach(scs, j, sc) {
        if (j) buf_puts(b, W(L, "; "));
        exercise_words(b, k, L, json_string_value(json_object_get(e, "muscle")), sc);
      }
      buf_puts(b, W(L, ".\n"));
    }
    json_array_foreach(ex, i, e) {
      const char *skip = json_string_value(json_object_get(e, "skip"));
      if (!skip) continue;
      buf_puts(b, W(L, "Left out of the home program: "));
      point_words(b, k, L, json_string_value(json_object_get(e, "muscle")), NULL,
                  json_string_value(json_object_get(e, "side")));
      buf_printf(b, " (%s).\n", skip_words(k, L, json_string_value(json_object_get(e, "muscle")), skip));
    }
    if (!n) buf_puts(b, W(L, "No self-care exercises in the home program.\n"));
    json_t *lim = json_object_get(h, "limits");
    json_int_t band = json_integer_value(json_object_get(lim, "band_max"));
    json_int_t hold = json_integer_value(json_object_get(lim, "hold_max"));
    if (band) buf_printf(b, W(L, "Self-care pressure at most %lld/10.\n"), (long long)band);
    if (hold) buf_printf(b, W(L, "Self-care holds at most %lld s.\n"), (long long)hold);
    json_t *dn = json_object_get(h, "do_not_press"), *d;
    json_array_foreach(dn, i, d) {
      buf_puts(b, i ? "; " : W(L, "Do not press: "));
      int dz = kb_lang_fr(L) ? kb_find_term(k, KB_DANGER, str(json_string_value(json_object_get(d, "id")))) : -1;
      buf_puts(b, dz >= 0 ? kb_term_text(k, L, KB_DANGER, dz, "label") : str(json_string_value(json_object_get(d, "label"))));
      if (i + 1 == json_array_size(dn)) buf_puts(b, W(L, ".\n"));
    }
  }
  json_decref(h);
  /* What to look at next time. */
  buf_puts(b, W(L, "Recheck at the next visit: pain (NPRS)"));
  int n = 0;
  for (int i = 0; i < c->holds.nrow; i++) {
    const char *tp = store_cell(&c->holds, i, 3);
    if (!tp || !*tp) continue;
    buf_puts(b, n++ ? "; " : W(L, ", the points treated today: "));
    point_words(b, k, L, store_cell(&c->holds, i, 2), tp, store_cell(&c->holds, i, 4));
  }
  int rom = 0;
  for (int i = 0; i < c->day.nrow; i++)
    if (!strcmp(str(store_cell(&c->day, i, 0)), "rom")) rom = 1;
  if (rom) buf_puts(b, W(L, n ? "; and range of motion" : ", and range of motion"));
  buf_puts(b, W(L, "."));
}

/* ---- the API ------------------------------------------------------------------------------ */

static char *take(buf *b) {
  while (b->len && b->data[b->len - 1] == '\n') b->data[--b->len] = 0;
  char *s = xstrdup(b->data ? b->data : "");
  buf_free(b);
  return s;
}

int note_build(store *s, const kb *k, long visit, note *out, char *err, size_t errlen) {
  return note_build_lang(s, k, visit, NULL, out, err, errlen);
}

int note_build_lang(store *s, const kb *k, long visit, const char *lang, note *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  ctx c;
  memset(&c, 0, sizeof c);
  c.s = s;
  c.k = k;
  c.lang = kb_lang_fr(lang) ? kb_lang_name(lang) : NULL;
  c.visit = visit;
  int rc = store_begin(s) ? -1 : read_all(&c);  /* one consistent read */
  store_rollback(s);                             /* nothing to commit */
  if (rc) {
    if (rc > 0) snprintf(err, errlen, "visit %ld not found", visit);
    else snprintf(err, errlen, "visit %ld: %s", visit, c.msg[0] ? c.msg : store_error(s));
    ctx_free(&c);
    return -1;
  }
  set_pain(c.pre, store_cell(&c.v, 0, 4), day_value(&c, "nprs", "pre"));
  set_pain(c.post, store_cell(&c.v, 0, 5), day_value(&c, "nprs", "post"));
  if (!*c.pre) set_pain(c.pre, NULL, day_value(&c, "nprs", ""));
  buf b;
  buf_init(&b); subjective(&b, &c); out->s = take(&b);
  buf_init(&b); objective(&b, &c); out->o = take(&b);
  buf_init(&b); assessment(&b, &c); out->a = take(&b);
  buf_init(&b); plan_section(&b, &c); out->p = take(&b);
  ctx_free(&c);
  return 0;
}

int note_save(store *s, long visit, const note *n, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, n->s);
  store_arg_text(&a, n->o);
  store_arg_text(&a, n->a);
  store_arg_text(&a, n->p);
  store_arg_int(&a, visit);
  store_args id;
  store_args_init(&id);
  store_arg_int(&id, visit);
  long found = 0;
  if (store_begin(s) || store_exec_long(s, "SELECT COUNT(*) FROM visit WHERE id = $1", &id, &found)) {
    snprintf(err, errlen, "visit %ld: %s", visit, store_error(s));
    store_rollback(s);
    return -1;
  }
  if (!found) {
    store_rollback(s);
    snprintf(err, errlen, "visit %ld not found", visit);
    return -1;
  }
  long signed_ = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM note_signature WHERE visit_id = $1", &id, &signed_)) {
    snprintf(err, errlen, "visit %ld: %s", visit, store_error(s));
    store_rollback(s);
    return -1;
  }
  if (signed_) {
    store_rollback(s);
    snprintf(err, errlen, "the note of visit %ld is signed: add an addendum instead", visit);
    return NOTE_ESIGNED;
  }
  if (store_exec(s, "UPDATE visit SET soap_s = $1, soap_o = $2, soap_a = $3, soap_p = $4 WHERE id = $5", &a, NULL) ||
      store_commit(s)) {
    snprintf(err, errlen, "visit %ld: %s", visit, store_error(s));
    store_rollback(s);
    return -1;
  }
  return 0;
}

void note_text(buf *out, const note *n) { note_text_lang(out, n, NULL); }

void note_text_lang(buf *out, const note *n, const char *lang) {
  const struct { const char *head, *text; } parts[] = {
    {W(lang, "S (subjective)"), n->s}, {W(lang, "O (objective)"), n->o}, {W(lang, "A (assessment)"), n->a},
    {W(lang, "P (plan)"), n->p},
  };
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    if (i) buf_putc(out, '\n');
    buf_printf(out, "%s\n", parts[i].head);
    if (parts[i].text && *parts[i].text) buf_printf(out, "%s\n", parts[i].text);
  }
}

void note_free(note *n) {
  free(n->s);
  free(n->o);
  free(n->a);
  free(n->p);
  memset(n, 0, sizeof *n);
}

/* ---- who and when, signatures and addenda ------------------------------------------------- */

static void cpy(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

int note_head_read(store *s, long visit, note_head *h, char *err, size_t errlen) {
  memset(h, 0, sizeof *h);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, visit);
  store_rows r;
  if (store_exec(s, "SELECT v.id, v.client_id, v.therapist_id, c.name, c.birth, v.date, v.started, t.name, "
                    "CASE WHEN v.soap_s IS NOT NULL AND v.soap_o IS NOT NULL AND v.soap_a IS NOT NULL AND "
                    "v.soap_p IS NOT NULL THEN 1 ELSE 0 END, ns.name, ns.at, ns.hash, "
                    "(SELECT value FROM setting WHERE name = 'clinic-name'), c.therapist_id FROM visit v "
                    "JOIN client c ON c.id = v.client_id LEFT JOIN therapist t ON t.id = v.therapist_id "
                    "LEFT JOIN note_signature ns ON ns.visit_id = v.id WHERE v.id = $1", &a, &r)) {
    snprintf(err, errlen, "visit %ld: %s", visit, store_error(s));
    return NOTE_ESTORE;
  }
  if (!r.nrow) {
    store_rows_free(&r);
    snprintf(err, errlen, "no visit %ld", visit);
    return NOTE_ENOTFOUND;
  }
  h->visit = visit;
  h->client = strtol(store_cell(&r, 0, 1), NULL, 10);
  h->therapist_id = store_cell(&r, 0, 2) ? strtol(store_cell(&r, 0, 2), NULL, 10) : 0;
  cpy(h->client_name, sizeof h->client_name, store_cell(&r, 0, 3));
  cpy(h->birth, sizeof h->birth, store_cell(&r, 0, 4));
  cpy(h->date, sizeof h->date, store_cell(&r, 0, 5));
  cpy(h->started, sizeof h->started, store_cell(&r, 0, 6));
  cpy(h->therapist, sizeof h->therapist, store_cell(&r, 0, 7));
  h->saved = !strcmp(str(store_cell(&r, 0, 8)), "1");
  h->is_signed = store_cell(&r, 0, 9) != NULL;
  cpy(h->signed_by, sizeof h->signed_by, store_cell(&r, 0, 9));
  cpy(h->signed_at, sizeof h->signed_at, store_cell(&r, 0, 10));
  cpy(h->hash, sizeof h->hash, store_cell(&r, 0, 11));
  cpy(h->clinic, sizeof h->clinic, store_cell(&r, 0, 12) ? store_cell(&r, 0, 12) : "myomap");
  h->client_therapist_id = store_cell(&r, 0, 13) ? strtol(store_cell(&r, 0, 13), NULL, 10) : 0;
  store_rows_free(&r);
  return 0;
}

/* The saved sections of the visit: 1 and *out filled when all four are stored, 0 when not,
** -1 when the store failed. */
static int saved_note(store *s, long visit, note *out) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, visit);
  store_rows r;
  if (store_exec(s, "SELECT soap_s, soap_o, soap_a, soap_p FROM visit WHERE id = $1", &a, &r)) return -1;
  int saved = r.nrow && store_cell(&r, 0, 0) && store_cell(&r, 0, 1) && store_cell(&r, 0, 2) && store_cell(&r, 0, 3);
  if (saved) {
    out->s = xstrdup(store_cell(&r, 0, 0));
    out->o = xstrdup(store_cell(&r, 0, 1));
    out->a = xstrdup(store_cell(&r, 0, 2));
    out->p = xstrdup(store_cell(&r, 0, 3));
  }
  store_rows_free(&r);
  return saved;
}

int note_current(store *s, const kb *k, long visit, note *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  int saved = saved_note(s, visit, out);
  if (saved < 0) { snprintf(err, errlen, "visit %ld: %s", visit, store_error(s)); return -1; }
  return saved ? 0 : note_build(s, k, visit, out, err, errlen);
}

void note_sha256(const char *text, size_t len, char out[65]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)text, len);
  sodium_bin2hex(out, 65, h, sizeof h);
}

int note_sign(store *s, const kb *k, long visit, long therapist, const char *name, char *err, size_t errlen) {
  note_head h;
  if (errlen) *err = 0;
  int rc = note_head_read(s, visit, &h, err, errlen);
  if (rc) return rc;
  if (h.is_signed) {
    snprintf(err, errlen, "the note of visit %ld was signed by %s at %s", visit, h.signed_by, h.signed_at);
    return NOTE_ESIGNED;
  }
  long signer = h.therapist_id ? h.therapist_id : h.client_therapist_id;   /* a visit stored without one: the client's */
  if (!signer || signer != therapist) {
    snprintf(err, errlen, "only the visit's therapist%s%s may sign its note", h.therapist_id ? ", " : "",
             h.therapist_id ? h.therapist : "");
    return NOTE_EFORBIDDEN;
  }
  note built = {0};
  if (!h.saved && note_build(s, k, visit, &built, err, errlen)) return NOTE_ESTORE;
  if (store_begin(s)) { note_free(&built); snprintf(err, errlen, "visit %ld: %s", visit, store_error(s)); return NOTE_ESTORE; }
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, visit);
  long n = 0;
  note cur = {0};
  int saved = 0;
  rc = 0;
  if (store_exec_long(s, "SELECT COUNT(*) FROM note_signature WHERE visit_id = $1", &a, &n) ||
      (saved = saved_note(s, visit, &cur)) < 0) rc = NOTE_ESTORE;
  else if (n) { rc = NOTE_ESIGNED; snprintf(err, errlen, "the note of visit %ld is signed already", visit); }
  if (!rc && !saved) {
    if (!built.s) {   /* cleared since it was read (note_build may not run inside a transaction) */
      snprintf(err, errlen, "the note of visit %ld changed while it was signed: try again", visit);
      rc = NOTE_ESTORE;
    } else {
      store_args w;
      store_args_init(&w);
      store_arg_text(&w, built.s);
      store_arg_text(&w, built.o);
      store_arg_text(&w, built.a);
      store_arg_text(&w, built.p);
      store_arg_int(&w, visit);
      if (store_exec(s, "UPDATE visit SET soap_s = $1, soap_o = $2, soap_a = $3, soap_p = $4 WHERE id = $5", &w, NULL))
        rc = NOTE_ESTORE;
      cur = built;
      memset(&built, 0, sizeof built);
    }
  }
  if (!rc) {
    buf text;
    buf_init(&text);
    note_text(&text, &cur);
    char hash[65], now[32];
    note_sha256(text.data, text.len, hash);
    buf_free(&text);
    util_now(now);
    store_args w;
    store_args_init(&w);
    store_arg_int(&w, visit);
    store_arg_int(&w, therapist);
    store_arg_text(&w, name);
    store_arg_text(&w, now);
    store_arg_text(&w, hash);
    if (store_exec(s, "INSERT INTO note_signature (visit_id, therapist_id, name, at, hash) VALUES ($1, $2, $3, $4, $5)",
                   &w, NULL) || store_commit(s))
      rc = NOTE_ESTORE;
  }
  if (rc == NOTE_ESTORE && !*err) snprintf(err, errlen, "visit %ld: %s; nothing was written", visit, store_error(s));
  else if (rc == NOTE_ESTORE) snprintf(err + strlen(err), errlen - strlen(err), "; nothing was written");
  if (rc) store_rollback(s);
  note_free(&cur);
  note_free(&built);
  return rc;
}

int note_addendum(store *s, long visit, long therapist, const char *name, const char *text,
                  char *err, size_t errlen) {
  size_t chars = 0;
  for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
    if ((*p & 0xc0) != 0x80) chars++;
    if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
      snprintf(err, errlen, "the addendum holds a control character");
      return NOTE_EBAD;
    }
  }
  if (chars < 1 || chars > 10000) {
    snprintf(err, errlen, "an addendum is 1 to 10,000 characters (this one has %zu)", chars);
    return NOTE_EBAD;
  }
  note_head h;
  int rc = note_head_read(s, visit, &h, err, errlen);
  if (rc) return rc;
  if (!h.is_signed) {
    snprintf(err, errlen, "the note of visit %ld is not signed yet: edit it, or sign it first", visit);
    return NOTE_EUNSIGNED;
  }
  char hash[65], now[32];
  note_sha256(text, strlen(text), hash);
  util_now(now);
  store_args w;
  store_args_init(&w);
  store_arg_int(&w, visit);
  if (therapist > 0) store_arg_int(&w, therapist); else store_arg_text(&w, NULL);
  store_arg_text(&w, name);
  store_arg_text(&w, now);
  store_arg_text(&w, hash);
  store_arg_text(&w, text);
  if (store_begin(s) ||
      store_exec(s, "INSERT INTO addendum (visit_id, therapist_id, name, at, hash, text) VALUES ($1, $2, $3, $4, $5, $6)",
                 &w, NULL) || store_commit(s)) {
    snprintf(err, errlen, "visit %ld: %s; nothing was written", visit, store_error(s));
    store_rollback(s);
    return NOTE_ESTORE;
  }
  return 0;
}

int note_addenda(store *s, long visit, store_rows *out) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, visit);
  return store_exec(s, "SELECT name, at, text, hash FROM addendum WHERE visit_id = $1 ORDER BY id", &a, out)
           ? NOTE_ESTORE : 0;
}
