/* plan.c: building a session plan: phases, techniques, holds, danger zones, and what the
** contraindications block or change. */
#include "plan.h"

#include <stdio.h>
#include <string.h>

static const char *const phase_names[PLAN_N_PHASES] = {
  "assess", "prepare", "release", "stretch", "integrate", "recheck"};

const char *plan_phase_name(int p) { return p >= 0 && p < PLAN_N_PHASES ? phase_names[p] : "?"; }

/* 1 if the trigger point `tp` placed on `side` lies in concrete region `region`. */
static int lies_in(const kb *k, int tp, int side, int region) {
  int r[2];
  kb_zone_ref z = {kb_tp_at(k, tp)->region, KB_SAME};
  int n = kb_zone_regions(k, z, side, r);
  for (int i = 0; i < n; i++) if (r[i] == region) return 1;
  return 0;
}

/* 1 if any of the muscle's trigger points on `side` lies in `region`. */
int plan_muscle_lies_in(const kb *k, int muscle, int side, int region) {
  const kb_muscle *m = kb_muscle_at(k, muscle);
  for (int t = m->first_tp; t < m->first_tp + m->n_tps; t++)
    if (lies_in(k, t, side, region)) return 1;
  return 0;
}

/* 1 if the trigger point `tp` placed on `side` lies within the reach of local contraindication pc. */
static int reached(const kb *k, const plan_contra *pc, int tp, int side) {
  int r[2];
  kb_zone_ref z = {kb_tp_at(k, tp)->region, KB_SAME};
  int n = kb_zone_regions(k, z, side, r);
  const kb_term *c = kb_term_at(k, KB_CONTRA, pc->contra);
  for (int i = 0; i < n; i++) if (kb_contra_reaches(k, c, pc->region, r[i])) return 1;
  return 0;
}

int plan_muscle_reached(const kb *k, const plan_contra *pc, int muscle, int side) {
  const kb_muscle *m = kb_muscle_at(k, muscle);
  for (int t = m->first_tp; t < m->first_tp + m->n_tps; t++)
    if (reached(k, pc, t, side)) return 1;
  return 0;
}

int plan_forbidden(const kb *k, const plan *p, const int *moves, int n_moves, int *contra) {
  for (int i = 0; i < p->n_modifiers; i++) {
    const kb_term *c = kb_term_at(k, KB_CONTRA, p->modifiers[i]);
    for (int j = 0; j < c->n_forbid; j++)
      for (int m = 0; m < n_moves; m++)
        if (moves[m] == c->forbid[j]) { if (contra) *contra = p->modifiers[i]; return moves[m]; }
  }
  return -1;
}

/* 1 if the point's base region is one the modifying contraindication says to avoid. */
static int avoided(const kb_term *c, int base) {
  for (int i = 0; i < c->n_regions; i++) if (c->regions[i] == base) return 1;
  return 0;
}

static int excluded(const kb *k, const plan *p, int technique) {
  for (int i = 0; i < p->n_modifiers; i++) {
    const kb_term *c = kb_term_at(k, KB_CONTRA, p->modifiers[i]);
    for (int j = 0; j < c->n_exclude; j++) if (c->exclude[j] == technique) return p->modifiers[i];
  }
  return -1;
}

static plan_block *block(plan *p, int tp, int side, int muscle, int phase, int contra, int region, const char *why) {
  if (p->n_blocked >= (int)(sizeof p->blocked / sizeof p->blocked[0])) return NULL;
  plan_block *b = &p->blocked[p->n_blocked++];
  b->tp = tp; b->side = side; b->muscle = muscle; b->phase = phase;
  b->contra = contra; b->region = region; b->technique = -1; b->movement = -1; b->why = why;
  return b;
}

static plan_step *step(plan *p, int phase, int muscle, int tp, int side) {
  if (p->n_steps >= (int)(sizeof p->steps / sizeof p->steps[0])) return NULL;
  plan_step *s = &p->steps[p->n_steps++];
  memset(s, 0, sizeof *s);
  s->phase = phase; s->muscle = muscle; s->tp = tp; s->side = side;
  s->treat = -1; s->technique = -1;
  s->avoid_contra = s->avoid_region = -1;
  return s;
}

/* The modifying contraindications whose caution regions hold the step's point (or, for a
** muscle step, any of the muscle's points). */
static void cautions_of(const kb *k, const plan *p, plan_step *s) {
  const kb_muscle *m = kb_muscle_at(k, s->muscle);
  int lo = s->tp >= 0 ? s->tp : m->first_tp, hi = s->tp >= 0 ? s->tp + 1 : m->first_tp + m->n_tps;
  for (int i = 0; i < p->n_modifiers; i++) {
    const kb_term *c = kb_term_at(k, KB_CONTRA, p->modifiers[i]);
    int hit = 0;
    for (int t = lo; t < hi && !hit; t++)
      for (int j = 0; j < c->n_caution; j++) hit |= c->caution[j] == kb_tp_at(k, t)->region;
    if (hit && s->n_cautions < PLAN_MAX_CONTRAS) s->cautions[s->n_cautions++] = p->modifiers[i];
  }
}

/* The sensitive areas the step works in (see plan_step.sensitive). */
static void sensitive_of(const kb *k, plan_step *s) {
  if (s->muscle < 0) return;
  const kb_muscle *m = kb_muscle_at(k, s->muscle);
  int lo = s->tp >= 0 ? s->tp : m->first_tp, hi = s->tp >= 0 ? s->tp + 1 : m->first_tp + m->n_tps;
  for (int a = 0; a < kb_n_terms(k, KB_SENSITIVE) && s->n_sensitive < PLAN_MAX_SENSITIVE; a++) {
    int hit = 0;
    for (int t = lo; t < hi && !hit; t++) hit = avoided(kb_term_at(k, KB_SENSITIVE, a), kb_tp_at(k, t)->region);
    if (hit) s->sensitive[s->n_sensitive++] = a;
  }
}

int plan_step_sensitive(const plan_step *s, int area) {
  for (int i = 0; i < s->n_sensitive; i++) if (s->sensitive[i] == area) return 1;
  return 0;
}

static void add_danger(plan_step *s, int d) {
  for (int i = 0; i < s->n_dangers; i++) if (s->dangers[i] == d) return;
  if (s->n_dangers < PLAN_MAX_DANGERS) s->dangers[s->n_dangers++] = d;
}

/* The danger zones near a point: its muscle's, and those whose regions hold the point. */
static void dangers_of(const kb *k, plan_step *s) {
  const kb_muscle *m = kb_muscle_at(k, s->muscle);
  for (int i = 0; i < m->n_dangers; i++) add_danger(s, m->dangers[i]);
  int lo = s->tp >= 0 ? s->tp : m->first_tp, hi = s->tp >= 0 ? s->tp + 1 : m->first_tp + m->n_tps;
  for (int t = lo; t < hi; t++)
    for (int d = 0; d < kb_n_terms(k, KB_DANGER); d++)
      if (avoided(kb_term_at(k, KB_DANGER, d), kb_tp_at(k, t)->region)) add_danger(s, d);
}

static int kb_phase_of(int phase) {
  return phase == PLAN_STRETCH ? KB_PHASE_STRETCH : phase == PLAN_PREPARE ? KB_PHASE_PREPARE : KB_PHASE_RELEASE;
}

/* The muscle's first technique of `phase` that no modifier rules out, by technique or by a
** movement it forbids; each one ruled out is recorded as a block. */
static int choose(const kb *k, plan *p, int muscle, int tp, int side, int phase) {
  const kb_muscle *m = kb_muscle_at(k, muscle);
  for (int i = 0; i < m->n_treats; i++) {
    int tech = m->treats[i].technique;
    if (kb_term_at(k, KB_TECHNIQUE, tech)->scope != kb_phase_of(phase)) continue;
    int c = excluded(k, p, tech), mv = -1;
    if (c < 0) mv = plan_forbidden(k, p, m->treats[i].moves, m->treats[i].n_moves, &c);
    if (c < 0) return i;
    plan_block *b = block(p, tp, side, muscle, phase, c, -1,
                          mv >= 0 ? "the technique takes the body into a movement a contraindication forbids"
                                  : "technique ruled out by a contraindication");
    if (b) { b->technique = tech; b->movement = mv; }
  }
  return -1;
}

/* The first generic (myofascial) technique of `phase` that no modifier rules out and that is
** not `other`, or -1. */
static int choose_generic(const kb *k, const plan *p, int phase, int other) {
  for (int t = 0; t < kb_n_terms(k, KB_TECHNIQUE); t++) {
    const kb_term *tt = kb_term_at(k, KB_TECHNIQUE, t);
    if (tt->generic && tt->scope == kb_phase_of(phase) && t != other && excluded(k, p, t) < 0) return t;
  }
  return -1;
}

/* A timed generic technique step: the technique's hold and band within the plan's limits. */
static void set_generic(const kb *k, const plan *p, plan_step *s, int tech) {
  const kb_term *t = kb_term_at(k, KB_TECHNIQUE, tech);
  s->technique = tech;
  s->fascial = 1;
  s->timed = 1;
  s->hold_min = t->lo; s->hold_max = t->hi;
  s->band_lo = t->band_lo; s->band_hi = t->band_hi;
  if (p->hold_max && s->hold_max > p->hold_max) { s->hold_max = p->hold_max; s->modified = 1; }
  if (s->hold_min > s->hold_max) s->hold_min = s->hold_max;
  if (p->band_max && s->band_hi > p->band_max) { s->band_hi = p->band_max; s->modified = 1; }
  if (s->band_lo > s->band_hi) s->band_lo = s->band_hi;
}

static void set_treat(const kb *k, const plan *p, plan_step *s, int treat) {
  const kb_treat *t = &kb_muscle_at(k, s->muscle)->treats[treat];
  s->treat = treat;
  s->technique = t->technique;
  s->timed = 1;
  s->hold_min = t->hold_min; s->hold_max = t->hold_max;
  s->band_lo = t->band_lo; s->band_hi = t->band_hi;
  if (p->hold_max && s->hold_max > p->hold_max) { s->hold_max = p->hold_max; s->modified = 1; }
  if (s->hold_min > s->hold_max) s->hold_min = s->hold_max;
  if (p->band_max && s->band_hi > p->band_max) { s->band_hi = p->band_max; s->modified = 1; }
  if (s->band_lo > s->band_hi) s->band_lo = s->band_hi;
}

int plan_build(const kb *k, const plan_input *in, plan *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (in->n_points < 0 || in->n_points > PLAN_MAX_POINTS || in->n_contras < 0 || in->n_contras > PLAN_MAX_CONTRAS) {
    snprintf(err, errlen, "too many points or contraindications (at most %d and %d)", PLAN_MAX_POINTS, PLAN_MAX_CONTRAS);
    return -1;
  }
  for (int i = 0; i < in->n_points; i++)
    if (in->points[i].tp < 0 || in->points[i].tp >= kb_n_tps(k)) { snprintf(err, errlen, "no such trigger point"); return -1; }
  for (int i = 0; i < in->n_contras; i++) {
    const plan_contra *pc = &in->contras[i];
    if (pc->contra < 0 || pc->contra >= kb_n_terms(k, KB_CONTRA)) { snprintf(err, errlen, "no such contraindication"); return -1; }
    const kb_term *c = kb_term_at(k, KB_CONTRA, pc->contra);
    if (c->scope == KB_SCOPE_LOCAL && (pc->region < 0 || pc->region >= body_n(kb_body(k)))) {
      snprintf(err, errlen, "%s is local: say where, e.g. %s:calf-l", c->id, c->id);
      return -1;
    }
    if (c->scope == KB_SCOPE_SESSION) {
      out->refer = 1;
      block(out, -1, -1, -1, PLAN_RELEASE, pc->contra, -1, "no treatment today");
    } else if (c->scope == KB_SCOPE_MODIFY) {
      int dup = 0;
      for (int j = 0; j < out->n_modifiers; j++) dup |= out->modifiers[j] == pc->contra;
      if (dup) continue;
      out->modifiers[out->n_modifiers++] = pc->contra;
      if (c->lo && (!out->band_max || c->lo < out->band_max)) out->band_max = c->lo;
      if (c->hi && (!out->hold_max || c->hi < out->hold_max)) out->hold_max = c->hi;
    }
  }
  if (in->refer) {
    out->refer = 1;
    out->refer_why = in->refer;
    block(out, -1, -1, -1, PLAN_RELEASE, -1, -1, in->refer);
  }
  if (out->refer) return 0;

  /* which points go ahead */
  int ok[PLAN_MAX_POINTS];
  for (int i = 0; i < in->n_points; i++) {
    const plan_point *pt = &in->points[i];
    const kb_tp *t = kb_tp_at(k, pt->tp);
    ok[i] = 1;
    for (int j = 0; j < i; j++) if (in->points[j].tp == pt->tp && in->points[j].side == pt->side) ok[i] = 0;
    if (!ok[i]) continue;
    for (int c = 0; c < in->n_contras && ok[i]; c++) {
      const plan_contra *pc = &in->contras[c];
      const kb_term *ct = kb_term_at(k, KB_CONTRA, pc->contra);
      if (ct->scope == KB_SCOPE_LOCAL && reached(k, pc, pt->tp, pt->side)) {
        block(out, pt->tp, pt->side, t->muscle, PLAN_RELEASE, pc->contra, pc->region, "the point lies in the area of a contraindication");
        ok[i] = 0;
      } else if (ct->scope == KB_SCOPE_MODIFY && avoided(ct, t->region)) {
        block(out, pt->tp, pt->side, t->muscle, PLAN_RELEASE, pc->contra, -1, "the point lies in an area this contraindication says to avoid");
        ok[i] = 0;
      }
    }
  }

  /* assess: every point that goes ahead */
  for (int i = 0; i < in->n_points; i++)
    if (ok[i]) step(out, PLAN_ASSESS, kb_tp_at(k, in->points[i].tp)->muscle, in->points[i].tp, in->points[i].side);

  /* the muscle-sides treated, in the order first named */
  int ms[PLAN_MAX_POINTS][2], n_ms = 0;
  for (int i = 0; i < in->n_points; i++) {
    if (!ok[i]) continue;
    int m = kb_tp_at(k, in->points[i].tp)->muscle, side = in->points[i].side, dup = 0;
    for (int j = 0; j < n_ms; j++) dup |= ms[j][0] == m && ms[j][1] == side;
    if (!dup) { ms[n_ms][0] = m; ms[n_ms][1] = side; n_ms++; }
  }
  for (int j = 0; j < n_ms; j++) {
    plan_step *s = step(out, PLAN_PREPARE, ms[j][0], -1, ms[j][1]);
    if (!s) break;
    dangers_of(k, s);
    for (int c = 0; c < in->n_contras && s->avoid_contra < 0; c++) {
      const plan_contra *pc = &in->contras[c];
      if (kb_term_at(k, KB_CONTRA, pc->contra)->scope == KB_SCOPE_LOCAL && plan_muscle_reached(k, pc, ms[j][0], ms[j][1])) {
        s->avoid_contra = pc->contra;
        s->avoid_region = pc->region;
      }
    }
    cautions_of(k, out, s);
    if (!in->fascial) continue;
    /* myofascial release: the muscle's own prepare technique, else a generic sustained hold */
    int tr = choose(k, out, ms[j][0], -1, ms[j][1], PLAN_PREPARE), g = tr < 0 ? choose_generic(k, out, PLAN_PREPARE, -1) : -1;
    if (tr < 0 && g < 0) continue;
    plan_step *f = step(out, PLAN_PREPARE, ms[j][0], -1, ms[j][1]);
    if (!f) break;
    if (tr >= 0) { set_treat(k, out, f, tr); f->fascial = 1; } else set_generic(k, out, f, g);
    f->avoid_contra = s->avoid_contra; f->avoid_region = s->avoid_region;
    dangers_of(k, f);
    cautions_of(k, out, f);
  }

  /* release: each point with its muscle's main release technique */
  int released = 0;
  for (int i = 0; i < in->n_points; i++) {
    if (!ok[i]) continue;
    int tp = in->points[i].tp, side = in->points[i].side, m = kb_tp_at(k, tp)->muscle;
    int tr = choose(k, out, m, tp, side, PLAN_RELEASE);
    if (tr < 0) { block(out, tp, side, m, PLAN_RELEASE, -1, -1, "no release technique allowed for this muscle"); continue; }
    plan_step *s = step(out, PLAN_RELEASE, m, tp, side);
    if (!s) break;
    set_treat(k, out, s, tr);
    dangers_of(k, s);
    cautions_of(k, out, s);
    released++;
  }

  /* stretch: each muscle-side, unless a local contraindication lies anywhere on it */
  for (int j = 0; j < n_ms; j++) {
    int m = ms[j][0], side = ms[j][1], bad = -1;
    for (int c = 0; c < in->n_contras && bad < 0; c++) {
      const plan_contra *pc = &in->contras[c];
      if (kb_term_at(k, KB_CONTRA, pc->contra)->scope == KB_SCOPE_LOCAL && plan_muscle_reached(k, pc, m, side)) bad = c;
    }
    if (bad >= 0) {
      block(out, -1, side, m, PLAN_STRETCH, in->contras[bad].contra, in->contras[bad].region,
            "stretching the muscle would load the area of a contraindication");
      continue;
    }
    int tr = choose(k, out, m, -1, side, PLAN_STRETCH), main_tech = -1;
    if (tr >= 0) {
      plan_step *s = step(out, PLAN_STRETCH, m, -1, side);
      if (!s) break;
      set_treat(k, out, s, tr);
      dangers_of(k, s);
      main_tech = s->technique;
    }
    if (!in->fascial) continue;
    /* myofascial release: lengthen the fascia in several directions after the muscle's stretch */
    int g = choose_generic(k, out, PLAN_STRETCH, main_tech);
    if (g < 0) continue;
    plan_step *f = step(out, PLAN_STRETCH, m, -1, side);
    if (!f) break;
    set_generic(k, out, f, g);
    dangers_of(k, f);
  }

  if (released) step(out, PLAN_INTEGRATE, -1, -1, -1);
  step(out, PLAN_RECHECK, -1, -1, -1);
  for (int i = 0; i < out->n_steps; i++) sensitive_of(k, &out->steps[i]);
  return 0;
}

int plan_allows(const kb *k, const plan *p, int technique) { return excluded(k, p, technique) < 0; }

int plan_treats_region(const kb *k, const plan *p, int region) {
  for (int i = 0; i < p->n_steps; i++) {
    const plan_step *s = &p->steps[i];
    if (s->phase == PLAN_RELEASE && lies_in(k, s->tp, s->side, region)) return 1;
    if (s->phase == PLAN_STRETCH && plan_muscle_lies_in(k, s->muscle, s->side, region)) return 1;
  }
  return 0;
}
