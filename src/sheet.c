/* sheet.c: plans, conditions and home programs as text, JSON and an HTML handout. */
#include "sheet.h"
#include "hold.h"

#include <stdio.h>
#include <string.h>

/* What each general phase step says (the procedure of Travell & Simons vol 1 ch 3 and
** Simons 2002, in our words). */
static const char *const phase_text[PLAN_N_PHASES] = {
  [PLAN_ASSESS] = "Palpate across the fibres for the taut band and its most tender spot; confirm the point when pressure reproduces the client's recognisable pain.",
  [PLAN_PREPARE] = "Warm the tissue with broad strokes (gliding, kneading) for two to three minutes before any sustained pressure.",
  [PLAN_RELEASE] = "Sustained pressure on the point, guided by the client's 0-10: productive, never sharp, never so strong they brace or hold their breath.",
  [PLAN_STRETCH] = "Lengthen the muscle in more than one direction of its fibres, slowly, with the breath.",
  [PLAN_INTEGRATE] = "Finish with softer, broad strokes over the treated areas to settle the tissue.",
  [PLAN_RECHECK] = "Recheck against the start: pain on 0-10, range of motion, and strength.",
};

/* What a myofascial release step says, for the prepare and the stretch phase (Barnes 1990;
** Ajimsha et al. 2015, in our words). */
static const char *const fascial_text[PLAN_N_PHASES] = {
  [PLAN_PREPARE] = "Then a sustained fascial hold over the muscle: light, unforced pressure held until the tissue yields, so the deeper points release with less guarding.",
  [PLAN_STRETCH] = "Lengthen the fascia over the muscle in several directions, waiting at each barrier for it to yield.",
};

/* The same in French (fr-CA), for a plan in French. */
static const char *const phase_text_fr[PLAN_N_PHASES] = {
  [PLAN_ASSESS] = "Palpez en travers des fibres pour trouver la bande tendue et son point le plus sensible; confirmez le point quand la pression reproduit la douleur reconnaissable du client.",
  [PLAN_PREPARE] = "Réchauffez le tissu par de larges manœuvres (effleurage, pétrissage) pendant deux à trois minutes avant toute pression soutenue.",
  [PLAN_RELEASE] = "Pression soutenue sur le point, guidée par le 0 à 10 du client : productive, jamais vive, jamais au point qu'il se crispe ou retienne son souffle.",
  [PLAN_STRETCH] = "Allongez le muscle dans plus d'une direction de ses fibres, lentement, avec la respiration.",
  [PLAN_INTEGRATE] = "Terminez par des manœuvres larges et plus douces sur les régions traitées pour calmer le tissu.",
  [PLAN_RECHECK] = "Réévaluez par rapport au départ : douleur sur 0 à 10, amplitude de mouvement et force.",
};
static const char *const fascial_text_fr[PLAN_N_PHASES] = {
  [PLAN_PREPARE] = "Puis un maintien fascial soutenu sur le muscle : une pression légère, sans forcer, maintenue jusqu'à ce que le tissu cède, pour que les points plus profonds se relâchent avec moins de protection.",
  [PLAN_STRETCH] = "Allongez le fascia sur le muscle dans plusieurs directions, en attendant à chaque barrière qu'il cède.",
};


static const char *step_text(const plan_step *s) { return s->fascial && fascial_text[s->phase] ? fascial_text[s->phase] : phase_text[s->phase]; }
static const char *step_text_lang(const plan_step *s, const char *lang) {
  if (!kb_lang_fr(lang)) return step_text(s);
  return s->fascial && fascial_text_fr[s->phase] ? fascial_text_fr[s->phase] : phase_text_fr[s->phase];
}

/* The technique's position and how for a step: the muscle's [treat] stanza, or for a generic
** technique its own how with the muscle's usual position. */
static const char *step_position(const kb *k, const plan_step *s) {
  const kb_muscle *m = kb_muscle_at(k, s->muscle);
  if (s->treat >= 0) return m->treats[s->treat].position;
  return m->n_treats ? m->treats[0].position : "comfortable and supported";
}
static const char *step_how(const kb *k, const plan_step *s) {
  if (s->treat >= 0) return kb_muscle_at(k, s->muscle)->treats[s->treat].how;
  return kb_term_at(k, KB_TECHNIQUE, s->technique)->text;
}
/* In `lang`, from kb/LANG/: the muscle's [treat] position and how, or a generic technique's how. */
static const char *step_position_lang(const kb *k, const plan_step *s, const char *lang) {
  const kb_muscle *m = kb_muscle_at(k, s->muscle);
  if (s->treat >= 0) return kb_treat_text(k, lang, s->muscle, s->treat, "position");
  if (m->n_treats) return kb_treat_text(k, lang, s->muscle, 0, "position");
  return kb_lang_name(lang) && !strcmp(kb_lang_name(lang), "fr") ? "confortable et soutenu" : step_position(k, s);
}
static const char *step_how_lang(const kb *k, const plan_step *s, const char *lang) {
  if (s->treat >= 0) return kb_treat_text(k, lang, s->muscle, s->treat, "how");
  return kb_term_text(k, lang, KB_TECHNIQUE, s->technique, "how");
}

static const char *side_word(int side) {
  static const char *const w[] = {"", "left", "right"};
  return side >= 0 && side <= 2 ? w[side] : "";
}

static void key(buf *b, const char *k) { buf_json_str(b, k); buf_putc(b, ':'); }
static void str_or_null(buf *b, const char *s) { if (s) buf_json_str(b, s); else buf_lit(b, "null"); }

static void cites_json(buf *b, const kb *k, const kb_cite *c, int n) {
  buf_putc(b, '[');
  for (int i = 0; i < n; i++) {
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"key\":"); buf_json_str(b, kb_term_at(k, KB_SOURCE, c[i].source)->id);
    buf_lit(b, ",\"locator\":"); buf_json_str(b, c[i].locator);
    buf_putc(b, '}');
  }
  buf_putc(b, ']');
}

static void cites_text(buf *b, const kb *k, const kb_cite *c, int n) {
  for (int i = 0; i < n; i++) {
    buf_puts(b, i ? "; " : "");
    buf_puts(b, kb_term_at(k, KB_SOURCE, c[i].source)->id);
    if (*c[i].locator) { buf_putc(b, ' '); buf_puts(b, c[i].locator); }
  }
}

static const char *region_id(const kb *k, int r) { return r >= 0 ? body_at(kb_body(k), r)->id : NULL; }

/* "upper trapezius TrP1, upper border (left)" */
static void point_name(buf *b, const kb *k, int muscle, int tp, int side) {
  buf_puts(b, kb_muscle_at(k, muscle)->name);
  if (tp >= 0) { buf_lit(b, ", "); buf_puts(b, kb_tp_at(k, tp)->name); }
  if (side > 0) { buf_lit(b, " ("); buf_puts(b, side_word(side)); buf_putc(b, ')'); }
}

/* ---- plans ---- */
/* The step's other techniques of the same phase that the plan allows: KB_TECHNIQUE indices. */
static int alternatives(const kb *k, const plan *p, const plan_step *s, int *out) {
  const kb_muscle *m = kb_muscle_at(k, s->muscle);
  int n = 0;
  for (int i = 0; i < m->n_treats; i++) {
    int tech = m->treats[i].technique;
    if (i != s->treat && kb_term_at(k, KB_TECHNIQUE, tech)->scope == kb_term_at(k, KB_TECHNIQUE, s->technique)->scope &&
        plan_allows(k, p, tech))
      out[n++] = tech;
  }
  return n;
}

/* Why a point or a phase is not treated (plan.c's words), in French for a plan in French; any
** other text (the screen's reason to refer) as it is. */
static const struct { const char *en, *fr; } why_fr[] = {
  {"no treatment today", "aucun traitement aujourd'hui"},
  {"the point lies in the area of a contraindication", "le point se trouve dans la région d'une contre-indication"},
  {"the point lies in an area this contraindication says to avoid", "le point se trouve dans une région que cette contre-indication dit d'éviter"},
  {"no release technique allowed for this muscle", "aucune technique de relâchement permise pour ce muscle"},
  {"the technique takes the body into a movement a contraindication forbids", "la technique amène le corps dans un mouvement qu'une contre-indication interdit"},
  {"technique ruled out by a contraindication", "technique exclue par une contre-indication"},
  {"stretching the muscle would load the area of a contraindication", "étirer le muscle mettrait en tension la région d'une contre-indication"},
};
static const char *why_lang(const char *why, const char *lang) {
  for (size_t i = 0; why && kb_lang_fr(lang) && i < sizeof why_fr / sizeof why_fr[0]; i++)
    if (!strcmp(why, why_fr[i].en)) return why_fr[i].fr;
  return why;
}

static void block_json(buf *b, const kb *k, const plan_block *bl, const char *lang) {
  buf_lit(b, "{\"phase\":"); buf_json_str(b, plan_phase_name(bl->phase));
  buf_lit(b, ",\"muscle\":"); str_or_null(b, bl->muscle >= 0 ? kb_muscle_at(k, bl->muscle)->id : NULL);
  buf_lit(b, ",\"tp\":"); str_or_null(b, bl->tp >= 0 ? kb_tp_at(k, bl->tp)->id : NULL);
  buf_lit(b, ",\"side\":"); str_or_null(b, bl->side >= 0 ? body_side_name(bl->side) : NULL);
  buf_lit(b, ",\"contraindication\":"); str_or_null(b, bl->contra >= 0 ? kb_term_at(k, KB_CONTRA, bl->contra)->id : NULL);
  buf_lit(b, ",\"region\":"); str_or_null(b, region_id(k, bl->region));
  buf_lit(b, ",\"technique\":"); str_or_null(b, bl->technique >= 0 ? kb_term_at(k, KB_TECHNIQUE, bl->technique)->id : NULL);
  if (bl->movement >= 0) { buf_lit(b, ",\"movement\":"); buf_json_str(b, kb_term_at(k, KB_MOVEMENT, bl->movement)->id); }
  buf_lit(b, ",\"why\":"); buf_json_str(b, why_lang(bl->why, lang));
  if (kb_lang_fr(lang)) {   /* the names in the plan's language (English keeps the ids only) */
    if (bl->muscle >= 0) {
      const kb_muscle *m = kb_muscle_at(k, bl->muscle);
      buf_lit(b, ",\"muscle_name\":"); buf_json_str(b, kb_text(k, lang, "muscle", m->id, "name", m->name));
    }
    if (bl->tp >= 0) { buf_lit(b, ",\"tp_name\":"); buf_json_str(b, kb_tp_text(k, lang, bl->tp, "name")); }
    if (bl->technique >= 0) { buf_lit(b, ",\"technique_label\":"); buf_json_str(b, kb_term_text(k, lang, KB_TECHNIQUE, bl->technique, "label")); }
    if (bl->movement >= 0) { buf_lit(b, ",\"movement_label\":"); buf_json_str(b, kb_term_text(k, lang, KB_MOVEMENT, bl->movement, "label")); }
    if (bl->contra >= 0) { buf_lit(b, ",\"contraindication_label\":"); buf_json_str(b, kb_term_text(k, lang, KB_CONTRA, bl->contra, "label")); }
  }
  buf_lit(b, ",\"advice\":"); str_or_null(b, bl->contra >= 0 ? kb_term_text(k, lang, KB_CONTRA, bl->contra, "advice") : NULL);
  buf_putc(b, '}');
}

static void step_json(buf *b, const kb *k, const plan *p, const plan_step *s, int n, const char *lang) {
  int fr = kb_lang_fr(lang);
  buf_lit(b, "{\"n\":"); buf_int(b, n + 1);
  buf_lit(b, ",\"phase\":"); buf_json_str(b, plan_phase_name(s->phase));
  buf_lit(b, ",\"muscle\":"); str_or_null(b, s->muscle >= 0 ? kb_muscle_at(k, s->muscle)->id : NULL);
  buf_lit(b, ",\"tp\":"); str_or_null(b, s->tp >= 0 ? kb_tp_at(k, s->tp)->id : NULL);
  if (fr && s->muscle >= 0) {   /* the muscle's name in the plan's language (English keeps its id only) */
    const kb_muscle *m = kb_muscle_at(k, s->muscle);
    buf_lit(b, ",\"muscle_name\":"); buf_json_str(b, kb_text(k, lang, "muscle", m->id, "name", m->name));
    if (s->tp >= 0) { buf_lit(b, ",\"tp_name\":"); buf_json_str(b, kb_tp_text(k, lang, s->tp, "name")); }
  }
  buf_lit(b, ",\"side\":"); str_or_null(b, s->muscle >= 0 ? body_side_name(s->side) : NULL);
  buf_lit(b, ",\"text\":"); buf_json_str(b, step_text_lang(s, lang));
  if (s->tp >= 0) { buf_lit(b, ",\"location\":"); buf_json_str(b, kb_tp_text(k, lang, s->tp, "location")); }
  buf_lit(b, ",\"timed\":"); buf_puts(b, s->timed ? "true" : "false");
  buf_lit(b, ",\"sensitive\":[");
  for (int i = 0; i < s->n_sensitive; i++) {
    if (i) buf_putc(b, ',');
    buf_json_str(b, kb_term_at(k, KB_SENSITIVE, s->sensitive[i])->id);
  }
  buf_putc(b, ']');
  if (s->technique >= 0) {
    const kb_term *tech = kb_term_at(k, KB_TECHNIQUE, s->technique);
    buf_lit(b, ",\"fascial\":"); buf_puts(b, s->fascial ? "true" : "false");
    buf_lit(b, ",\"technique\":{\"id\":"); buf_json_str(b, tech->id);
    buf_lit(b, ",\"label\":"); buf_json_str(b, kb_term_text(k, lang, KB_TECHNIQUE, s->technique, "label"));
    buf_lit(b, "},\"position\":"); buf_json_str(b, step_position_lang(k, s, lang));
    buf_lit(b, ",\"how\":"); buf_json_str(b, step_how_lang(k, s, lang));
    buf_lit(b, ",\"hold\":["); buf_int(b, s->hold_min); buf_putc(b, ','); buf_int(b, s->hold_max);
    buf_lit(b, "],\"band\":["); buf_int(b, s->band_lo); buf_putc(b, ','); buf_int(b, s->band_hi);
    buf_lit(b, "],\"modified\":"); buf_puts(b, s->modified ? "true" : "false");
    if (s->treat >= 0) { const kb_treat *t = &kb_muscle_at(k, s->muscle)->treats[s->treat]; buf_lit(b, ",\"sources\":"); cites_json(b, k, t->sources, t->n_sources); }
    else { buf_lit(b, ",\"sources\":"); cites_json(b, k, tech->sources, tech->n_sources); }
    buf_lit(b, ",\"alternatives\":[");
    int alt[16], n = s->treat >= 0 ? alternatives(k, p, s, alt) : 0;
    for (int i = 0; i < n; i++) { if (i) buf_putc(b, ','); buf_json_str(b, kb_term_at(k, KB_TECHNIQUE, alt[i])->id); }
    buf_putc(b, ']');
    if (fr) {   /* their labels, in the same order */
      buf_lit(b, ",\"alternative_labels\":[");
      for (int i = 0; i < n; i++) { if (i) buf_putc(b, ','); buf_json_str(b, kb_term_text(k, lang, KB_TECHNIQUE, alt[i], "label")); }
      buf_putc(b, ']');
    }
  }
  if (s->muscle >= 0 && s->phase != PLAN_ASSESS) {
    buf_lit(b, ",\"dangers\":[");
    for (int i = 0; i < s->n_dangers; i++) {
      const kb_term *d = kb_term_at(k, KB_DANGER, s->dangers[i]);
      if (i) buf_putc(b, ',');
      buf_lit(b, "{\"id\":"); buf_json_str(b, d->id);
      buf_lit(b, ",\"label\":"); buf_json_str(b, kb_term_text(k, lang, KB_DANGER, s->dangers[i], "label"));
      buf_lit(b, ",\"why\":"); buf_json_str(b, kb_term_text(k, lang, KB_DANGER, s->dangers[i], "why"));
      buf_putc(b, '}');
    }
    buf_putc(b, ']');
  }
  if (s->n_cautions) {
    buf_lit(b, ",\"cautions\":[");
    for (int i = 0; i < s->n_cautions; i++) {
      const kb_term *c = kb_term_at(k, KB_CONTRA, s->cautions[i]);
      if (i) buf_putc(b, ',');
      buf_lit(b, "{\"contraindication\":"); buf_json_str(b, c->id);
      if (fr) { buf_lit(b, ",\"label\":"); buf_json_str(b, kb_term_text(k, lang, KB_CONTRA, s->cautions[i], "label")); }
      buf_lit(b, ",\"text\":"); buf_json_str(b, kb_term_text(k, lang, KB_CONTRA, s->cautions[i], "caution-note"));
      buf_putc(b, '}');
    }
    buf_putc(b, ']');
  }
  if (s->avoid_contra >= 0) {
    buf_lit(b, ",\"keep_clear\":{\"contraindication\":"); buf_json_str(b, kb_term_at(k, KB_CONTRA, s->avoid_contra)->id);
    buf_lit(b, ",\"region\":"); str_or_null(b, region_id(k, s->avoid_region));
    buf_putc(b, '}');
  }
  buf_putc(b, '}');
}

void sheet_plan_json(buf *b, const kb *k, const plan *p) { sheet_plan_json_lang(b, k, p, NULL); }

void sheet_plan_json_lang(buf *b, const kb *k, const plan *p, const char *lang) {
  buf_lit(b, "{\"refer\":"); buf_puts(b, p->refer ? "true" : "false");
  buf_lit(b, ",\"refer_why\":"); str_or_null(b, p->refer_why);
  buf_lit(b, ",\"limits\":{\"band_max\":");
  if (p->band_max) buf_int(b, p->band_max); else buf_lit(b, "null");
  buf_lit(b, ",\"hold_max\":");
  if (p->hold_max) buf_int(b, p->hold_max); else buf_lit(b, "null");
  buf_lit(b, "},\"modifications\":[");
  for (int i = 0; i < p->n_modifiers; i++) {
    const kb_term *c = kb_term_at(k, KB_CONTRA, p->modifiers[i]);
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"id\":"); buf_json_str(b, c->id);
    buf_lit(b, ",\"label\":"); buf_json_str(b, kb_term_text(k, lang, KB_CONTRA, p->modifiers[i], "label"));
    buf_lit(b, ",\"advice\":"); buf_json_str(b, kb_term_text(k, lang, KB_CONTRA, p->modifiers[i], "advice"));
    buf_lit(b, ",\"sources\":"); cites_json(b, k, c->sources, c->n_sources);
    buf_putc(b, '}');
  }
  buf_lit(b, "],\"blocked\":[");
  for (int i = 0; i < p->n_blocked; i++) { if (i) buf_putc(b, ','); block_json(b, k, &p->blocked[i], lang); }
  buf_lit(b, "],\"steps\":[");
  for (int i = 0; i < p->n_steps; i++) { if (i) buf_putc(b, ','); step_json(b, k, p, &p->steps[i], i, lang); }
  if (kb_lang_fr(lang))
    buf_lit(b, "],\"note\":\"Un plan pour les points retenus après la palpation; le classement qui les a proposés est une liste de candidats, pas un diagnostic.\",\"lang\":\"fr\"}");
  else
    buf_lit(b, "],\"note\":\"A plan for the points chosen after palpation; the ranking behind them is a list of candidates, not a diagnosis.\"}");
}

/* text wrapped at about 92 columns: the first line after `lead`, the rest indented as wide. */
/* Characters (not bytes) of the first n bytes of UTF-8 text s. */
static size_t u8len(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

static void wrap(buf *b, const char *lead, const char *text) {
  size_t col = u8len(lead, strlen(lead)), width = 92;
  buf_puts(b, lead);
  const char *p = text;
  size_t at = col;
  while (*p) {
    const char *w = p;
    while (*p && *p != ' ') p++;
    size_t nb = (size_t)(p - w), n = u8len(w, nb);
    if (at > col && at + 1 + n > width) {
      buf_putc(b, '\n');
      for (size_t i = 0; i < col; i++) buf_putc(b, ' ');
      at = col;
    } else if (at > col) { buf_putc(b, ' '); at++; }
    buf_append(b, w, nb);
    at += n;
    while (*p == ' ') p++;
  }
  buf_putc(b, '\n');
}

void sheet_step_text(buf *b, const kb *k, const plan *p, int n) {
  const plan_step *s = &p->steps[n];
  buf_printf(b, "%2d. [%s] ", n + 1, plan_phase_name(s->phase));
  if (s->muscle >= 0) point_name(b, k, s->muscle, s->tp, s->side);
  else buf_puts(b, s->phase == PLAN_INTEGRATE ? "all treated areas" : "the whole session");
  buf_putc(b, '\n');
  if (s->phase == PLAN_ASSESS) {
    wrap(b, "      ", kb_tp_at(k, s->tp)->location);
    wrap(b, "      ", phase_text[s->phase]);
  } else if (s->technique >= 0) {
    if (s->fascial) wrap(b, "      ", step_text(s));
    buf_printf(b, "      %s: hold %d-%d s, target ", kb_term_at(k, KB_TECHNIQUE, s->technique)->label, s->hold_min, s->hold_max);
    if (s->band_lo == s->band_hi) buf_printf(b, "%d/10", s->band_hi); else buf_printf(b, "%d-%d/10", s->band_lo, s->band_hi);
    buf_puts(b, s->modified ? " (lowered by a contraindication)\n" : "\n");
    wrap(b, "      Position: ", step_position(k, s));
    wrap(b, "      How: ", step_how(k, s));
    int alts[16], n = s->treat >= 0 ? alternatives(k, p, s, alts) : 0;
    buf alt;
    buf_init(&alt);
    for (int i = 0; i < n; i++) { buf_puts(&alt, i ? "; " : ""); buf_puts(&alt, kb_term_at(k, KB_TECHNIQUE, alts[i])->label); }
    if (n) wrap(b, "      Or: ", alt.data);
    buf_free(&alt);
  } else {
    wrap(b, "      ", phase_text[s->phase]);
  }
 for (int i = 0; i < s->n_sensitive; i++)
    buf_printf(b, "      ! Sensitive area (%s): ask for and record the client's consent first.\n",
               kb_term_at(k, KB_SENSITIVE, s->sensitive[i])->label);
  for (int i = 0; i < s->n_cautions; i++) {
    const kb_term *c = kb_term_at(k, KB_CONTRA, s->cautions[i]);
    char lead[96];
    snprintf(lead, sizeof lead, "      ! Caution (%s): ", c->id);
    wrap(b, lead, c->caution_text);
  }
  if (s->avoid_contra >= 0)
    buf_printf(b, "      Keep clear of %s at %s.\n", kb_term_at(k, KB_CONTRA, s->avoid_contra)->label,
               body_at(kb_body(k), s->avoid_region)->label);
  for (int i = 0; s->phase != PLAN_ASSESS && i < s->n_dangers; i++) {
    const kb_term *d = kb_term_at(k, KB_DANGER, s->dangers[i]);
    buf_printf(b, "      ! Danger zone: %s.\n", d->label);
    if (s->phase == PLAN_RELEASE) wrap(b, "        ", d->text);
  }
}

void sheet_plan_text(buf *b, const kb *k, const plan *p) {
  if (p->refer) {
    buf_lit(b, "NO TREATMENT TODAY: refer first.\n");
    if (p->refer_why) { buf_lit(b, "  "); buf_puts(b, p->refer_why); buf_putc(b, '\n'); }
    for (int i = 0; i < p->n_blocked; i++) {
      const plan_block *bl = &p->blocked[i];
      if (bl->contra < 0) continue;
      const kb_term *c = kb_term_at(k, KB_CONTRA, bl->contra);
      buf_printf(b, "  %s: %s\n", c->label, c->text);
    }
    return;
  }
  buf_lit(b, "Treatment plan (for the points chosen after palpation; not a diagnosis)\n");
  if (p->n_modifiers) {
    buf_lit(b, "\nModified for:\n");
    for (int i = 0; i < p->n_modifiers; i++) {
      const kb_term *c = kb_term_at(k, KB_CONTRA, p->modifiers[i]);
      buf_printf(b, "  - %s: %s\n", c->label, c->text);
    }
  }
  if (p->n_blocked) {
    buf_lit(b, "\nNot treated:\n");
    for (int i = 0; i < p->n_blocked; i++) {
      const plan_block *bl = &p->blocked[i];
      buf_lit(b, "  - ");
      if (bl->technique >= 0) { buf_puts(b, kb_term_at(k, KB_TECHNIQUE, bl->technique)->label); buf_lit(b, " for "); }
      else if (bl->phase == PLAN_STRETCH) buf_lit(b, "stretch of ");
      if (bl->muscle >= 0) point_name(b, k, bl->muscle, bl->tp, bl->side);
      buf_lit(b, ": "); buf_puts(b, bl->why);
      if (bl->movement >= 0) { buf_lit(b, ", "); buf_puts(b, kb_term_at(k, KB_MOVEMENT, bl->movement)->label); }
      if (bl->contra >= 0) { buf_lit(b, " ("); buf_puts(b, kb_term_at(k, KB_CONTRA, bl->contra)->label);
        if (bl->region >= 0) { buf_lit(b, " at "); buf_puts(b, body_at(kb_body(k), bl->region)->label);
          buf_lit(b, ", "); buf_puts(b, body_at(kb_body(k), bl->region)->id); }
        buf_putc(b, ')'); }
      buf_putc(b, '\n');
    }
  }
  int phase = -1;
  for (int i = 0; i < p->n_steps; i++) {
    if (p->steps[i].phase != phase) {
      phase = p->steps[i].phase;
      static const char *const titles[PLAN_N_PHASES] = {"Assess and map", "Prepare the tissue", "Release",
                                                          "Stretch", "Integrate", "Recheck"};
      buf_printf(b, "\n%s\n", titles[phase]);
    }
    sheet_step_text(b, k, p, i);
  }
}

/* ---- conditions ---- */
void sheet_condition_json(buf *b, const kb *k, int ci) { sheet_condition_json_lang(b, k, ci, NULL); }

void sheet_condition_json_lang(buf *b, const kb *k, int ci, const char *lang) {
  const kb_condition *c = kb_condition_at(k, ci);
  buf_lit(b, "{\"id\":"); buf_json_str(b, c->id);
  buf_lit(b, ",\"name\":"); buf_json_str(b, kb_condition_text(k, lang, ci, "name"));
  buf_lit(b, ",\"note\":"); str_or_null(b, c->note ? kb_condition_text(k, lang, ci, "note") : NULL);
  buf_lit(b, ",\"muscles\":[");
  for (int i = 0; i < c->n_muscles; i++) {
    const kb_muscle *m = kb_muscle_at(k, c->muscles[i]);
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"rank\":"); buf_int(b, i + 1);
    buf_lit(b, ",\"id\":"); buf_json_str(b, m->id);
    buf_lit(b, ",\"name\":"); buf_json_str(b, kb_text(k, lang, "muscle", m->id, "name", m->name));
    buf_putc(b, '}');
  }
  buf_lit(b, "],\"sources\":"); cites_json(b, k, c->sources, c->n_sources);
  buf_putc(b, '}');
}

void sheet_condition_text(buf *b, const kb *k, int ci) {
  const kb_condition *c = kb_condition_at(k, ci);
  buf_printf(b, "%s (%s)\n", c->name, c->id);
  if (c->note) wrap(b, "  ", c->note);
  buf_lit(b, "\nMuscles to check, most often involved first (candidates to palpate, not a diagnosis):\n");
  for (int i = 0; i < c->n_muscles; i++) {
    const kb_muscle *m = kb_muscle_at(k, c->muscles[i]);
    buf_printf(b, "  %2d. %-28s %s\n", i + 1, m->name, m->id);
  }
  buf_lit(b, "\nSources: ");
  cites_text(b, k, c->sources, c->n_sources);
  buf_putc(b, '\n');
}

void sheet_conditions_json(buf *b, const kb *k) { sheet_conditions_json_lang(b, k, NULL); }

void sheet_conditions_json_lang(buf *b, const kb *k, const char *lang) {
  buf_putc(b, '[');
  for (int i = 0; i < kb_n_conditions(k); i++) { if (i) buf_putc(b, ','); sheet_condition_json_lang(b, k, i, lang); }
  buf_putc(b, ']');
}

void sheet_conditions_text(buf *b, const kb *k) {
  for (int i = 0; i < kb_n_conditions(k); i++) {
    const kb_condition *c = kb_condition_at(k, i);
    buf_printf(b, "%-24s %s (%d muscles)\n", c->id, c->name, c->n_muscles);
  }
}

/* ---- home program ---- */
/* The home program's fixed words in French (fr-CA): each English text as the code writes it,
** and its translation with the same %-conversions.  A language is one more column. */
static const struct { const char *en, *fr; } home_words[] = {
  {"left", "côté gauche"}, {"right", "côté droit"},
  {"you mentioned it", "vous l'avez mentionné"},
  {"%g hours a day at a desk", "%g heures par jour au bureau"},
  {"%g hours of sleep a night", "%g heures de sommeil par nuit"},
  {"keeps ", "entretient les points gâchettes : "}, {" trigger points going", ""}, {" and ", " et "},
  {"\nWhat keeps it coming back:\n", "\nCe qui fait revenir la douleur :\n"},
  {"  If you do any of these:\n", "  Si vous faites l'une de ces activités :\n"},
  {"Doing it safely", "En toute sécurité"}, {"What to expect", "À quoi vous attendre"},
  {"For the next day", "Pour le lendemain"}, {"Stop and get help if", "Arrêtez et consultez si"},
  {"Because of ", "En raison de : "}, {": press lightly", " : appuyez doucement"},
  {" (no more than %d out of 10)", " (pas plus de %d sur 10)"},
  {" and hold no longer than %d seconds", " et ne maintenez pas plus de %d secondes"},
  {"No pressing at home here: it lies in a danger zone (", "Pas de pression à la maison ici : le point se trouve dans une zone à risque ("},
  {"No pressing at home here because of ", "Pas de pression à la maison ici en raison de : "},
  {"A stretch is left out because of ", "Un étirement est retiré en raison de : "},
  {"An exercise with a tool is left out because of ", "Un exercice avec un outil est retiré en raison de : "},
  {"YOUR HOME PROGRAM\n", "VOTRE PROGRAMME D'AUTOTRAITEMENT\n"},
  {"\nNo self-treatment until a doctor has cleared you.\n", "\nAucun autotraitement avant l'accord d'un médecin.\n"},
  {"No self-treatment until a doctor has cleared you.", "Aucun autotraitement avant l'accord d'un médecin."},
  {"   No self-treatment: ", "   Aucun autotraitement : "},
  {"      Set up: ", "      Position : "}, {"      Do: ", "      À faire : "},
  {"      Hold: %d s.  ", "      Maintenir : %d s.  "}, {"      Hold: %d-%d s.  ", "      Maintenir : %d à %d s.  "},
  {"      Should feel: ", "      Sensation attendue : "}, {"      Avoid: ", "      À éviter : "},
  {"\nDo not press:\n", "\nN'appuyez pas :\n"},
  {"Your home program", "Votre programme d'autotraitement"},
  {"Self-care between visits, from your treatment session. Green dots on the chart mark where to press; red hatching marks where not to.",
   "Vos soins entre les visites, à la suite de votre séance de traitement. Les points verts sur le schéma indiquent où appuyer; les hachures rouges, où ne pas appuyer."},
  {"Where to press (green) and where not to (red)", "Où appuyer (vert) et où ne pas appuyer (rouge)"},
  {"Your exercises", "Vos exercices"}, {"No self-treatment:", "Aucun autotraitement :"},
  {"Tool", "Outil"}, {"Set up", "Position"}, {"Do", "À faire"}, {"Hold", "Maintenir"},
  {"%d seconds. ", "%d secondes. "}, {"%d to %d seconds. ", "%d à %d secondes. "},
  {"Should feel", "Sensation attendue"}, {"Avoid", "À éviter"}, {"Do not press", "N'appuyez pas"},
  {"What keeps it coming back", "Ce qui fait revenir la douleur"},
  {"If you do any of these:", "Si vous faites l'une de ces activités :"},
  {"Sources: ", "Sources : "},
  {"Made with myomap. This program is for the muscles your therapist found and treated; it is not a diagnosis.",
   "Préparé avec myomap. Ce programme porte sur les muscles que votre thérapeute a trouvés et traités; ce n'est pas un diagnostic."},
  /* home.c's reasons for no self-care */
  {"it gave sharp or nerve-like pain during treatment: leave it until your therapist has rechecked it",
   "il a donné une douleur vive ou de type nerveux pendant le traitement : n'y touchez pas avant que votre thérapeute l'ait réévalué"},
  {"no self-treatment until a doctor has cleared you", "aucun autotraitement avant l'accord d'un médecin"},
  {"not over or near this area until it has healed or been cleared", "pas sur cette région ni près d'elle avant sa guérison ou l'accord d'un médecin"},
  {"its exercises press where self-care never presses or take the neck into a position you should avoid: leave it to your therapist",
   "ses exercices appuient là où l'autotraitement n'appuie jamais ou amènent le cou dans une position à éviter : laissez-le à votre thérapeute"},
  {"it lies in a danger zone, where self-care never presses: leave it to your therapist",
   "il se trouve dans une zone à risque, où l'autotraitement n'appuie jamais : laissez-le à votre thérapeute"},
  {"not at home while this caution applies: leave it to your therapist",
   "pas à la maison tant que cette précaution s'applique : laissez-le à votre thérapeute"},
  {"its stretches take the neck into a position you should avoid: leave it to your therapist",
   "ses étirements amènent le cou dans une position à éviter : laissez-le à votre thérapeute"},
  {"its exercises use a tool you should not use for now: leave it to your therapist",
   "ses exercices utilisent un outil à éviter pour l'instant : laissez-le à votre thérapeute"},
};

/* `en` in language `lang` (kb_lang_name), or `en` itself. */
static const char *W(const char *lang, const char *en) {
  lang = kb_lang_name(lang);
  if (!lang || strcmp(lang, "fr")) return en;
  for (size_t i = 0; i < sizeof home_words / sizeof home_words[0]; i++)
    if (strcmp(home_words[i].en, en) == 0) return home_words[i].fr;
  return en;
}

const char *sheet_home_word(const char *lang, const char *english) { return W(lang, english); }

/* ":" before a list, " :" in French. */
static int is_fr(const char *lang) { const char *l = kb_lang_name(lang); return l && strcmp(l, "fr") == 0; }
static const char *colon(const char *lang) { return is_fr(lang) ? " :" : ":"; }

/* The kb's texts a client reads, in the client's language. */
#define MNAME(m) kb_text(k, lang, "muscle", kb_muscle_at(k, m)->id, "name", kb_muscle_at(k, m)->name)
#define SC(m, j, f) kb_selfcare_text(k, lang, m, j, #f, kb_muscle_at(k, m)->selfcare[j].f)
#define TERM(v, i) kb_term_text(k, lang, v, i, "label")

/* Why an item has no self-care, in the client's language (a muscle's selfcare-none, or a reason of home.c). */
static const char *skip_text(const kb *k, const char *lang, const home_item *it) {
  const kb_muscle *m = kb_muscle_at(k, it->muscle);
  if (it->skip && m->selfcare_none && it->skip == m->selfcare_none) return kb_text(k, lang, "muscle", m->id, "selfcare-none", it->skip);
  return it->skip ? W(lang, it->skip) : NULL;
}

/* The hold a client should use: the exercise's, capped by a modifying contraindication. */
static void hold_range(const home *h, const kb_selfcare *sc, int *lo, int *hi) {
  home_hold_range(h, sc->hold_min, sc->hold_max, lo, hi);
}


/* ---- what keeps it coming back: the perpetuating factors' corrective advice ---- */
static const char *const why_names[] = {"reported", "hours", "point"};

/* The factor's reason in words: "you mentioned it; keeps the Upper trapezius going". */
static void factor_why(buf *b, const kb *k, const char *lang, const home *h, const home_factor *f) {
  const char *sep = "";
  if (f->why & HOME_REPORTED) { buf_puts(b, W(lang, "you mentioned it")); sep = "; "; }
  if (f->why & HOME_HOURS) {
    const kb_term *t = kb_term_at(k, KB_CORRECT, f->correct);
    buf_puts(b, sep);
    if (t->lo && h->desk_hours >= t->lo) buf_printf(b, W(lang, "%g hours a day at a desk"), h->desk_hours);
    else buf_printf(b, W(lang, "%g hours of sleep a night"), h->sleep_hours);
    sep = "; ";
  }
  if (f->n_muscles) {
    buf_puts(b, sep);
    buf_puts(b, W(lang, "keeps "));
    for (int i = 0; i < f->n_muscles; i++) {
      buf_puts(b, i ? (i == f->n_muscles - 1 ? W(lang, " and ") : ", ") : "");
      buf_puts(b, MNAME(f->muscles[i]));
    }
    buf_puts(b, W(lang, " trigger points going"));
  }
}

static void factors_json(buf *b, const kb *k, const char *lang, const home *h) {
  buf_lit(b, ",\"perpetuating\":{\"intake\":");
  if (h->has_context) {
    buf_lit(b, "{\"desk_hours\":");
    if (h->desk_hours >= 0) buf_printf(b, "%g", h->desk_hours); else buf_lit(b, "null");
    buf_lit(b, ",\"sleep_hours\":");
    if (h->sleep_hours >= 0) buf_printf(b, "%g", h->sleep_hours); else buf_lit(b, "null");
    buf_putc(b, '}');
  } else buf_lit(b, "null");
  buf_lit(b, ",\"advice\":[");
  for (int i = 0; i < h->n_factors; i++) {
    const home_factor *f = &h->factors[i];
    const kb_term *a = kb_term_at(k, KB_ACTIVITY, f->activity), *c = kb_term_at(k, KB_CORRECT, f->correct);
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"activity\":"); buf_json_str(b, a->id);
    buf_lit(b, ",\"label\":"); buf_json_str(b, TERM(KB_ACTIVITY, f->activity));
    buf_lit(b, ",\"advice\":"); buf_json_str(b, TERM(KB_CORRECT, f->correct));
    buf_lit(b, ",\"why\":[");
    for (int w = 0, n = 0; w < 3; w++)
      if (f->why & (1u << w)) { if (n++) buf_putc(b, ','); buf_json_str(b, why_names[w]); }
    buf_lit(b, "],\"muscles\":[");
    for (int m = 0; m < f->n_muscles; m++) { if (m) buf_putc(b, ','); buf_json_str(b, kb_muscle_at(k, f->muscles[m])->id); }
    buf_lit(b, "],\"sources\":"); cites_json(b, k, c->sources, c->n_sources);
    buf_putc(b, '}');
  }
  buf_lit(b, "]}");
}

/* The factors the client reported (or whose hours call for them), then the others. */
static int factor_reported(const home_factor *f) { return (f->why & (HOME_REPORTED | HOME_HOURS)) != 0; }

static void factors_text(buf *b, const kb *k, const char *lang, const home *h) {
  if (!h->n_factors) return;
  buf_puts(b, W(lang, "\nWhat keeps it coming back:\n"));
  buf t;
  buf_init(&t);
  for (int pass = 0; pass < 2; pass++) {
    int any = 0;
    for (int i = 0; i < h->n_factors; i++) {
      const home_factor *f = &h->factors[i];
      if (factor_reported(f) != !pass) continue;
      if (pass && !any++) buf_puts(b, W(lang, "  If you do any of these:\n"));
      const kb_term *c = kb_term_at(k, KB_CORRECT, f->correct);
      buf_reset(&t);
      buf_puts(&t, TERM(KB_ACTIVITY, f->activity));
      buf_lit(&t, " (");
      factor_why(&t, k, lang, h, f);
      if (t.data[t.len - 1] == '(') { t.len -= 2; t.data[t.len] = 0; } else buf_putc(&t, ')');
      buf_puts(&t, colon(lang)); buf_putc(&t, ' ');
      buf_puts(&t, TERM(KB_CORRECT, f->correct));
      buf_lit(&t, " [");
      cites_text(&t, k, c->sources, c->n_sources);
      buf_putc(&t, ']');
      wrap(b, "  - ", t.data);
    }
  }
  buf_free(&t);
}

void sheet_home_json(buf *b, const kb *k, const home *h) { sheet_home_json_lang(b, k, h, NULL); }

static void limits_sentence(buf *b, const kb *k, const char *lang, const home *h);

void sheet_home_json_lang(buf *b, const kb *k, const home *h, const char *lang) {
  buf_lit(b, "{\"refer\":"); buf_puts(b, h->refer ? "true" : "false");
  if (kb_lang_name(lang) && strcmp(kb_lang_name(lang), "en")) { buf_lit(b, ",\"lang\":"); buf_json_str(b, kb_lang_name(lang)); }
  buf_lit(b, ",\"limits\":{\"band_max\":");
  if (h->band_max) buf_int(b, h->band_max); else buf_lit(b, "null");
  buf_lit(b, ",\"hold_max\":");
  if (h->hold_max) buf_int(b, h->hold_max); else buf_lit(b, "null");
  buf_lit(b, ",\"text\":");
  {
    buf lt;
    buf_init(&lt);
    if (is_fr(lang)) limits_sentence(&lt, k, lang, h);   /* the same sentence, in the client's language */
    else home_limits_text(k, h, &lt);
    if (lt.len) buf_json_str(b, lt.data); else buf_lit(b, "null");
    buf_free(&lt);
  }
  buf_lit(b, "},\"exercises\":[");
  for (int i = 0; i < h->n_items; i++) {
    const home_item *it = &h->items[i];
    const kb_muscle *m = kb_muscle_at(k, it->muscle);
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"muscle\":"); buf_json_str(b, m->id);
    buf_lit(b, ",\"name\":"); buf_json_str(b, MNAME(it->muscle));
    buf_lit(b, ",\"side\":"); buf_json_str(b, body_side_name(it->side));
    buf_lit(b, ",\"tp\":"); buf_json_str(b, kb_tp_at(k, it->tp)->id);
    int r[2];
    kb_zone_ref z = {kb_tp_at(k, it->tp)->region, KB_SAME};
    int nr = kb_zone_regions(k, z, it->side, r);
    buf_lit(b, ",\"press_region\":"); buf_json_str(b, body_at(kb_body(k), r[0])->id);
    (void)nr;
    buf_lit(b, ",\"skip\":"); str_or_null(b, skip_text(k, lang, it));
    if (it->skip_contra >= 0) {
      buf_lit(b, ",\"because\":{\"contraindication\":"); buf_json_str(b, kb_term_at(k, KB_CONTRA, it->skip_contra)->id);
      buf_lit(b, ",\"region\":"); str_or_null(b, region_id(k, it->skip_region)); buf_putc(b, '}');
    }
    if (it->skip_event >= 0) { buf_lit(b, ",\"stopped_by\":"); buf_json_str(b, hold_event_name(it->skip_event)); }
    if (it->leave_out) {
      buf_lit(b, ",\"left_out\":{\"selfcare\":[");
      for (int j = 0, first = 1; j < m->n_selfcare && j < 32; j++)
        if (it->leave_out >> j & 1) { if (!first) buf_putc(b, ','); first = 0; buf_json_str(b, m->selfcare[j].id); }
      buf_lit(b, "],\"danger\":"); str_or_null(b, it->press_danger >= 0 ? kb_term_at(k, KB_DANGER, it->press_danger)->id : NULL);
      buf_lit(b, ",\"caution\":"); str_or_null(b, it->press_caution >= 0 ? kb_term_at(k, KB_CONTRA, it->press_caution)->id : NULL);
      buf_lit(b, ",\"forbidden_by\":"); str_or_null(b, it->forbid_contra >= 0 ? kb_term_at(k, KB_CONTRA, it->forbid_contra)->id : NULL);
      buf_lit(b, ",\"tool_ruled_out_by\":"); str_or_null(b, it->tool_contra >= 0 ? kb_term_at(k, KB_CONTRA, it->tool_contra)->id : NULL);
      buf_putc(b, '}');
    }
    buf_lit(b, ",\"selfcare\":[");
    for (int j = 0, first = 1; !it->skip && j < m->n_selfcare; j++) {
      const kb_selfcare *sc = &m->selfcare[j];
      int lo, hi;
      if (j < 32 && it->leave_out >> j & 1) continue;
      hold_range(h, sc, &lo, &hi);
      if (!first) buf_putc(b, ',');
      first = 0;
      buf_lit(b, "{\"id\":"); buf_json_str(b, sc->id);
      buf_lit(b, ",\"tool\":"); buf_json_str(b, kb_term_at(k, KB_TOOL, sc->tool)->id);
      buf_lit(b, ",\"tool_label\":"); buf_json_str(b, TERM(KB_TOOL, sc->tool));
      buf_lit(b, ",\"position\":"); buf_json_str(b, SC(it->muscle, j, position));
      buf_lit(b, ",\"steps\":"); buf_json_str(b, SC(it->muscle, j, steps));
      buf_lit(b, ",\"hold\":["); buf_int(b, lo); buf_putc(b, ','); buf_int(b, hi);
      buf_lit(b, "],\"frequency\":"); buf_json_str(b, SC(it->muscle, j, frequency));
      buf_lit(b, ",\"feel\":"); buf_json_str(b, SC(it->muscle, j, feel));
      buf_lit(b, ",\"avoid\":"); str_or_null(b, sc->avoid ? SC(it->muscle, j, avoid) : NULL);
      buf_lit(b, ",\"sources\":"); cites_json(b, k, sc->sources, sc->n_sources);
      buf_putc(b, '}');
    }
    buf_lit(b, "]}");
  }
  buf_lit(b, "],\"do_not_press\":[");
  for (int i = 0; i < h->n_dangers; i++) {
    const kb_term *d = kb_term_at(k, KB_DANGER, h->dangers[i]);
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"id\":"); buf_json_str(b, d->id);
    buf_lit(b, ",\"label\":"); buf_json_str(b, TERM(KB_DANGER, h->dangers[i])); buf_putc(b, '}');
  }
  buf_lit(b, "],\"because_of\":[");
  for (int i = 0; i < h->n_modifiers; i++) {
    const kb_term *c = kb_term_at(k, KB_CONTRA, h->modifiers[i]);
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"id\":"); buf_json_str(b, c->id);
    buf_lit(b, ",\"label\":"); buf_json_str(b, TERM(KB_CONTRA, h->modifiers[i])); buf_putc(b, '}');
  }
  buf_putc(b, ']');
  factors_json(b, k, lang, h);
  for (int g = 0; g < KB_N_ADVICE_GROUPS; g++) {
    buf_putc(b, ',');
    key(b, kb_advice_group_name(g));
    buf_putc(b, '[');
    int first = 1;
    for (int i = 0; i < kb_n_terms(k, KB_ADVICE); i++) {
      const kb_term *a = kb_term_at(k, KB_ADVICE, i);
      if (a->scope != g) continue;
      if (!first) buf_putc(b, ',');
      first = 0;
      buf_lit(b, "{\"id\":"); buf_json_str(b, a->id);
      buf line;
      buf_init(&line);
      home_advice_text_lang(k, lang, h, i, &line);
      buf_lit(b, ",\"text\":"); buf_json_str(b, line.data);
      buf_free(&line);
      buf_lit(b, ",\"sources\":"); cites_json(b, k, a->sources, a->n_sources);
      buf_putc(b, '}');
    }
    buf_putc(b, ']');
  }
  buf_putc(b, '}');
}

static const char *const group_titles[KB_N_ADVICE_GROUPS] = {
  "Doing it safely", "What to expect", "For the next day", "Stop and get help if"};

/* "Because of X; Y: press lightly (no more than 4 out of 10) and hold ...", or nothing. */
static void limits_sentence(buf *b, const kb *k, const char *lang, const home *h) {
  if (!h->band_max && !h->hold_max) return;
  buf_puts(b, W(lang, "Because of "));
  for (int i = 0; i < h->n_modifiers; i++) {
    buf_puts(b, i ? "; " : "");
    buf_puts(b, TERM(KB_CONTRA, h->modifiers[i]));
  }
  buf_puts(b, W(lang, ": press lightly"));
  if (h->band_max) buf_printf(b, W(lang, " (no more than %d out of 10)"), h->band_max);
  if (h->hold_max) buf_printf(b, W(lang, " and hold no longer than %d seconds"), h->hold_max);
  buf_putc(b, '.');
}

/* Why an item gets no self-care: "its reason (contraindication, region)." */
/* Why some of an item's exercises are left out: text (with `lead`) or HTML. */
static void html_esc(buf *b, const char *s);
static void left_out_sentence(buf *b, const kb *k, const char *lang, const home_item *it, const char *lead, int html) {
  if (!it->leave_out) return;
  buf t;
  buf_init(&t);
  if (it->press_danger >= 0) {
    buf_puts(&t, W(lang, "No pressing at home here: it lies in a danger zone ("));
    buf_puts(&t, TERM(KB_DANGER, it->press_danger));
    buf_lit(&t, ").");
  } else if (it->press_caution >= 0) {
    const kb_term *c = kb_term_at(k, KB_CONTRA, it->press_caution);
    buf_puts(&t, W(lang, "No pressing at home here because of "));
    buf_puts(&t, TERM(KB_CONTRA, it->press_caution));
    buf_puts(&t, colon(lang)); buf_putc(&t, ' ');
    buf_puts(&t, c->caution_text ? kb_term_text(k, lang, KB_CONTRA, it->press_caution, "caution-note") : "");
  }
  if (it->forbid_contra >= 0) {
    if (t.len) buf_putc(&t, ' ');
    buf_puts(&t, W(lang, "A stretch is left out because of "));
    buf_puts(&t, TERM(KB_CONTRA, it->forbid_contra));
    buf_lit(&t, ".");
  }
  if (it->tool_contra >= 0) {
    if (t.len) buf_putc(&t, ' ');
    buf_puts(&t, W(lang, "An exercise with a tool is left out because of "));
    buf_puts(&t, TERM(KB_CONTRA, it->tool_contra));
    buf_lit(&t, ".");
  }
  if (html) { buf_lit(b, "<p class=\"warn\">"); html_esc(b, t.data); buf_lit(b, "</p>"); }
  else wrap(b, lead, t.data);
  buf_free(&t);
}

static void skip_sentence(buf *b, const kb *k, const char *lang, const home_item *it) {
  buf_puts(b, skip_text(k, lang, it));
  if (it->skip_contra >= 0) {
    buf_lit(b, " ("); buf_puts(b, TERM(KB_CONTRA, it->skip_contra));
    if (it->skip_region >= 0) {
      const body_region *sr = body_at(kb_body(k), it->skip_region);
      buf_lit(b, ", "); buf_puts(b, kb_region_label(k, lang, it->skip_region));
      if (sr->side != BODY_MID) { buf_putc(b, ' '); buf_puts(b, W(lang, side_word(sr->side))); }
    }
    buf_putc(b, ')');
  }
  buf_putc(b, '.');
}

void sheet_home_text(buf *b, const kb *k, const home *h) { sheet_home_text_lang(b, k, h, NULL); }

void sheet_home_text_lang(buf *b, const kb *k, const home *h, const char *lang) {
  buf_puts(b, W(lang, "YOUR HOME PROGRAM\n"));
  if (h->refer) buf_puts(b, W(lang, "\nNo self-treatment until a doctor has cleared you.\n"));
  buf t;
  buf_init(&t);
  limits_sentence(&t, k, lang, h);
  if (t.len) { buf_putc(b, '\n'); buf_puts(b, t.data); buf_putc(b, '\n'); }
  int n = 0;
  for (int i = 0; i < h->n_items; i++) {
    const home_item *it = &h->items[i];
    const kb_muscle *m = kb_muscle_at(k, it->muscle);
    buf_printf(b, "\n%d. %s%s%s%s\n", ++n, MNAME(it->muscle), it->side ? " (" : "", W(lang, side_word(it->side)), it->side ? ")" : "");
    if (it->skip) {
      buf_reset(&t);
      skip_sentence(&t, k, lang, it);
      wrap(b, W(lang, "   No self-treatment: "), t.data);
      continue;
    }
    left_out_sentence(b, k, lang, it, "   ", 0);
    for (int j = 0, shown = 0; j < m->n_selfcare; j++) {
      const kb_selfcare *sc = &m->selfcare[j];
      int lo, hi;
      if (j < 32 && it->leave_out >> j & 1) continue;
      hold_range(h, sc, &lo, &hi);
      buf_printf(b, "   %c) %s\n", 'a' + shown++, TERM(KB_TOOL, sc->tool));
      wrap(b, W(lang, "      Set up: "), SC(it->muscle, j, position));
      wrap(b, W(lang, "      Do: "), SC(it->muscle, j, steps));
      if (lo == hi) buf_printf(b, W(lang, "      Hold: %d s.  "), hi); else buf_printf(b, W(lang, "      Hold: %d-%d s.  "), lo, hi);
      buf_puts(b, SC(it->muscle, j, frequency)); buf_putc(b, '\n');
      wrap(b, W(lang, "      Should feel: "), SC(it->muscle, j, feel));
      if (sc->avoid) wrap(b, W(lang, "      Avoid: "), SC(it->muscle, j, avoid));
    }
  }
  if (h->n_dangers) {
    buf_puts(b, W(lang, "\nDo not press:\n"));
    for (int i = 0; i < h->n_dangers; i++) buf_printf(b, "  - %s\n", TERM(KB_DANGER, h->dangers[i]));
  }
  factors_text(b, k, lang, h);
  for (int g = 0; g < KB_N_ADVICE_GROUPS; g++) {
    buf_printf(b, "\n%s%s\n", W(lang, group_titles[g]), colon(lang));
    for (int i = 0; i < kb_n_terms(k, KB_ADVICE); i++) {
      const kb_term *a = kb_term_at(k, KB_ADVICE, i);
      if (a->scope != g) continue;
      buf_reset(&t);
      home_advice_text_lang(k, lang, h, i, &t);
      wrap(b, "  - ", t.data);
    }
  }
  buf_free(&t);
}

/* ---- the HTML handout ---- */
static void html_esc(buf *b, const char *s) {
  for (; *s; s++)
    switch (*s) {
    case '&': buf_lit(b, "&amp;"); break;
    case '<': buf_lit(b, "&lt;"); break;
    case '>': buf_lit(b, "&gt;"); break;
    case '"': buf_lit(b, "&quot;"); break;
    default: buf_putc(b, *s);
    }
}

static const char handout_css[] =
  "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1b1b1b;max-width:48rem;margin:1.5rem auto;padding:0 1rem;line-height:1.45}"
  "h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.15rem;border-bottom:2px solid #2e7d32;padding-bottom:.15rem;margin-top:1.4rem}"
  ".sub{color:#555;margin:0 0 1rem}.chart svg{width:100%;height:auto;max-height:30rem}"
  ".ex{border:1px solid #ccc;border-radius:6px;padding:.5rem .8rem;margin:.6rem 0;break-inside:avoid}"
  ".ex h3{margin:.1rem 0 .4rem;font-size:1.05rem}.num{display:inline-block;background:#2e7d32;color:#fff;border-radius:50%;"
  "width:1.5rem;height:1.5rem;text-align:center;line-height:1.5rem;margin-right:.4rem;font-size:.9rem}"
  ".skip{background:#fff4e5;border-color:#f0a030}.warn{background:#fdecea;border:1px solid #e57373;border-radius:6px;padding:.5rem .8rem}"
  "dt{font-weight:bold;float:left;width:7rem;clear:left}dd{margin:0 0 .3rem 7.5rem}"
  "ul{margin:.3rem 0;padding-left:1.3rem}.src{color:#666;font-size:.8rem}"
  "@media print{body{margin:0;max-width:none}h2{break-after:avoid}.ex{break-inside:avoid}}";

void sheet_home_html(buf *b, const kb *k, const chart *c, const home *h, const char *title) {
  sheet_home_html_lang(b, k, c, h, title, NULL);
}

/* The chart's words in the client's language, and its regions' labels from the kb. */
static const char *chart_region_label(const void *ctx, int region) {
  const void *const *p = ctx;
  return kb_region_label(p[0], p[1], region);
}

void sheet_home_html_lang(buf *b, const kb *k, const chart *c, const home *h, const char *title, const char *lang) {
  int fr = is_fr(lang);
  if (!title) title = W(lang, "Your home program");
  buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>", fr ? "fr-CA" : "en");
  html_esc(b, title);
  buf_lit(b, "</title><style>");
  buf_puts(b, handout_css);
  buf_lit(b, "</style></head><body>\n<h1>");
  html_esc(b, title);
  buf_lit(b, "</h1><p class=\"sub\">");
  html_esc(b, W(lang, "Self-care between visits, from your treatment session. Green dots on the chart mark where to press; red hatching marks where not to."));
  buf_lit(b, "</p>\n");
  if (h->refer) { buf_lit(b, "<p class=\"warn\"><strong>"); html_esc(b, W(lang, "No self-treatment until a doctor has cleared you.")); buf_lit(b, "</strong></p>\n"); }
  buf t;
  buf_init(&t);
  limits_sentence(&t, k, lang, h);
  if (t.len) { buf_lit(b, "<p class=\"warn\">"); html_esc(b, t.data); buf_lit(b, "</p>\n"); }
  /* the chart: press points numbered, danger zones on both sides */
  chart_mark marks[PLAN_MAX_POINTS + 4 * HOME_MAX_DANGERS];
  char labels[PLAN_MAX_POINTS][8];
  int nm = 0;
  const body *bd = kb_body(k);
  for (int i = 0; i < h->n_dangers; i++) {
    const kb_term *d = kb_term_at(k, KB_DANGER, h->dangers[i]);
    for (int r = 0; r < d->n_regions; r++)
      for (int side = BODY_L; side <= BODY_R; side++) {
        int cr = body_concrete(bd, d->regions[r], side);
        int dup = 0;
        for (int j = 0; j < nm; j++) dup |= marks[j].region == cr;
        if (cr >= 0 && !dup && nm < (int)(sizeof marks / sizeof marks[0]))
          marks[nm++] = (chart_mark){cr, CHART_DANGER, 0, NULL};
      }
  }
  for (int i = 0; i < h->n_items; i++) {
    const home_item *it = &h->items[i];
    if (it->skip || it->press_danger >= 0 || it->press_caution >= 0) continue;   /* no press mark where nothing presses */
    int r[2];
    kb_zone_ref z = {kb_tp_at(k, it->tp)->region, KB_SAME};
    int n = kb_zone_regions(k, z, it->side, r);
    snprintf(labels[i], sizeof labels[i], "%d", i + 1);
    for (int j = 0; j < n && nm < (int)(sizeof marks / sizeof marks[0]); j++)
      marks[nm++] = (chart_mark){r[j], CHART_PRESS, 0, labels[i]};
  }
  buf_lit(b, "<div class=\"chart\">");
  if (fr) {
    const void *ctx[2] = {k, lang};
    chart_words cw = {"Devant", "Dos", "D", "G", "gauche", "droite",
                      {"zone de référence", "douleur (plus foncé : plus forte)", "zone à risque", "point à presser"},
                      chart_region_label, ctx};
    chart_svg_words(b, c, marks, nm, W(lang, "Where to press (green) and where not to (red)"), &cw);
  } else chart_svg(b, c, marks, nm, "Where to press (green) and where not to (red)");
  buf_lit(b, "</div>\n<h2>"); html_esc(b, W(lang, "Your exercises")); buf_lit(b, "</h2>\n");
  for (int i = 0; i < h->n_items; i++) {
    const home_item *it = &h->items[i];
    const kb_muscle *m = kb_muscle_at(k, it->muscle);
    buf_printf(b, "<div class=\"ex%s\"><h3><span class=\"num\">%d</span>", it->skip ? " skip" : "", i + 1);
    html_esc(b, MNAME(it->muscle));
    if (it->side) { buf_lit(b, " ("); html_esc(b, W(lang, side_word(it->side))); buf_putc(b, ')'); }
    buf_lit(b, "</h3>");
    if (it->skip) {
      buf_reset(&t);
      skip_sentence(&t, k, lang, it);
      buf_lit(b, "<p><strong>"); html_esc(b, W(lang, "No self-treatment:")); buf_lit(b, "</strong> ");
      html_esc(b, t.data);
      buf_lit(b, "</p></div>\n");
      continue;
    }
    left_out_sentence(b, k, lang, it, NULL, 1);
    for (int j = 0; j < m->n_selfcare; j++) {
      const kb_selfcare *sc = &m->selfcare[j];
      int lo, hi;
      if (j < 32 && it->leave_out >> j & 1) continue;
      hold_range(h, sc, &lo, &hi);
      buf_printf(b, "<dl><dt>%s</dt><dd>", W(lang, "Tool")); html_esc(b, TERM(KB_TOOL, sc->tool));
      buf_printf(b, "</dd><dt>%s</dt><dd>", W(lang, "Set up")); html_esc(b, SC(it->muscle, j, position));
      buf_printf(b, "</dd><dt>%s</dt><dd>", W(lang, "Do")); html_esc(b, SC(it->muscle, j, steps));
      buf_printf(b, "</dd><dt>%s</dt><dd>", W(lang, "Hold"));
      if (lo == hi) buf_printf(b, W(lang, "%d seconds. "), hi);
      else buf_printf(b, W(lang, "%d to %d seconds. "), lo, hi);
      html_esc(b, SC(it->muscle, j, frequency));
      buf_printf(b, "</dd><dt>%s</dt><dd>", W(lang, "Should feel")); html_esc(b, SC(it->muscle, j, feel));
      if (sc->avoid) { buf_printf(b, "</dd><dt>%s</dt><dd>", W(lang, "Avoid")); html_esc(b, SC(it->muscle, j, avoid)); }
      buf_lit(b, "</dd></dl>");
    }
    buf_lit(b, "</div>\n");
  }
  if (h->n_dangers) {
    buf_printf(b, "<h2>%s</h2><ul>", W(lang, "Do not press"));
    for (int i = 0; i < h->n_dangers; i++) {
      buf_lit(b, "<li>"); html_esc(b, TERM(KB_DANGER, h->dangers[i])); buf_lit(b, "</li>");
    }
    buf_lit(b, "</ul>\n");
  }
  if (h->n_factors) {
    buf_printf(b, "<h2 id=\"perpetuating\">%s</h2>\n", W(lang, "What keeps it coming back"));
    for (int pass = 0; pass < 2; pass++) {
      int any = 0;
      for (int i = 0; i < h->n_factors; i++) {
        const home_factor *f = &h->factors[i];
        if (factor_reported(f) != !pass) continue;
        if (!any++) {
          if (pass) { buf_lit(b, "<p>"); html_esc(b, W(lang, "If you do any of these:")); buf_lit(b, "</p>"); }
          buf_lit(b, "<ul class=\"factors\">");
        }
        const kb_term *c = kb_term_at(k, KB_CORRECT, f->correct);
        buf_printf(b, "<li data-activity=\"%s\" data-why=\"", kb_term_at(k, KB_ACTIVITY, f->activity)->id);
        for (int w = 0, n = 0; w < 3; w++)
          if (f->why & (1u << w)) { if (n++) buf_putc(b, ' '); buf_puts(b, why_names[w]); }
        buf_lit(b, "\"><strong>");
        html_esc(b, TERM(KB_ACTIVITY, f->activity));
        buf_lit(b, "</strong>");
        buf_reset(&t);
        factor_why(&t, k, lang, h, f);
        if (t.len) { buf_lit(b, " ("); html_esc(b, t.data); buf_putc(b, ')'); }
        buf_puts(b, colon(lang)); buf_putc(b, ' ');
        html_esc(b, TERM(KB_CORRECT, f->correct));
        buf_reset(&t);
        cites_text(&t, k, c->sources, c->n_sources);
        buf_lit(b, " <span class=\"src\">["); html_esc(b, t.data); buf_lit(b, "]</span></li>");
      }
      if (any) buf_lit(b, "</ul>\n");
    }
  }
  for (int g = 0; g < KB_N_ADVICE_GROUPS; g++) {
    buf_printf(b, "<h2>%s</h2><ul>", W(lang, group_titles[g]));
    for (int i = 0; i < kb_n_terms(k, KB_ADVICE); i++) {
      const kb_term *a = kb_term_at(k, KB_ADVICE, i);
      if (a->scope != g) continue;
      buf_reset(&t);
      home_advice_text_lang(k, lang, h, i, &t);
      buf_lit(b, "<li>"); html_esc(b, t.data); buf_lit(b, "</li>");
    }
    buf_lit(b, "</ul>\n");
  }
  buf_printf(b, "<p class=\"src\">%s", W(lang, "Sources: "));
  int first = 1;
  /* each source once, in kb order */
  for (int s = 0; s < kb_n_terms(k, KB_SOURCE); s++) {
    int used = 0;
    for (int i = 0; i < kb_n_terms(k, KB_ADVICE) && !used; i++) {
      const kb_term *a = kb_term_at(k, KB_ADVICE, i);
      for (int j = 0; j < a->n_sources; j++) used |= a->sources[j].source == s;
    }
    for (int i = 0; i < h->n_factors && !used; i++) {
      const kb_term *c = kb_term_at(k, KB_CORRECT, h->factors[i].correct);
      for (int j = 0; j < c->n_sources; j++) used |= c->sources[j].source == s;
    }
    for (int i = 0; i < h->n_items && !used; i++) {
      const kb_muscle *m = kb_muscle_at(k, h->items[i].muscle);
      for (int j = 0; !h->items[i].skip && j < m->n_selfcare; j++)
        if (!(j < 32 && h->items[i].leave_out >> j & 1))
        for (int c2 = 0; c2 < m->selfcare[j].n_sources; c2++) used |= m->selfcare[j].sources[c2].source == s;
    }
    if (!used) continue;
    if (!first) buf_lit(b, " ");
    first = 0;
    html_esc(b, kb_term_at(k, KB_SOURCE, s)->label);
  }
  buf_lit(b, "</p>\n<p class=\"src\">");
  html_esc(b, W(lang, "Made with myomap. This program is for the muscles your therapist found and treated; it is not a diagnosis."));
  buf_lit(b, "</p>\n</body></html>\n");
  buf_free(&t);
}
