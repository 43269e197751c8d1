/* home.c: building the home program. */
#include "home.h"
#include "hold.h"

#include <stdio.h>
#include <string.h>

/* The labels of the program's modifiers that set a limit ("a; b"). */
static void because(const kb *k, const home *h, buf *out) {
  for (int i = 0, n = 0; i < h->n_modifiers; i++) {
    const kb_term *c = kb_term_at(k, KB_CONTRA, h->modifiers[i]);
    if (!c->lo && !c->hi) continue;
    if (n++) buf_lit(out, "; ");
    buf_puts(out, c->label);
  }
}

void home_limits_text(const kb *k, const home *h, buf *out) {
  if (!h->band_max && !h->hold_max) return;
  buf_lit(out, "Because of ");
  because(k, h, out);
  buf_lit(out, ": press lightly");
  if (h->band_max) buf_printf(out, " (no more than %d out of 10)", h->band_max);
  if (h->hold_max) buf_printf(out, " and hold no longer than %d seconds", h->hold_max);
  buf_putc(out, '.');
}

void home_advice_text(const kb *k, const home *h, int advice, buf *out) {
  const kb_term *a = kb_term_at(k, KB_ADVICE, advice);
  const char *t = a->limited;
  int band = t && strstr(t, "{band}"), hold = t && strstr(t, "{hold}");
  if (!t || (band && !h->band_max) || (hold && !h->hold_max)) { buf_puts(out, a->label); return; }
  while (*t) {
    if (!strncmp(t, "{band}", 6)) { buf_int(out, h->band_max); t += 6; }
    else if (!strncmp(t, "{hold}", 6)) { buf_int(out, h->hold_max); t += 6; }
    else if (!strncmp(t, "{because}", 9)) { because(k, h, out); t += 9; }
    else buf_putc(out, *t++);
  }
}

void home_hold_range(const home *h, int lo, int hi, int *out_lo, int *out_hi) {
  if (h->hold_max && hi > h->hold_max) hi = h->hold_max;
  if (lo > hi) lo = hi;
  *out_lo = lo;
  *out_hi = hi;
}

static int muscle_avoided(const kb *k, int muscle, const kb_term *c) {
  const kb_muscle *m = kb_muscle_at(k, muscle);
  for (int t = m->first_tp; t < m->first_tp + m->n_tps; t++)
    for (int i = 0; i < c->n_regions; i++) if (c->regions[i] == kb_tp_at(k, t)->region) return 1;
  return 0;
}

/* 1 if the tool presses on the body (everything but a plain stretch). */
static int presses(const kb *k, int tool) { return strcmp(kb_term_at(k, KB_TOOL, tool)->id, "stretch") != 0; }

static int has_region(const int *v, int n, int region) {
  for (int i = 0; i < n; i++) if (v[i] == region) return 1;
  return 0;
}

static void add_danger(home *h, int d) {
  for (int i = 0; i < h->n_dangers; i++) if (h->dangers[i] == d) return;
  if (h->n_dangers < HOME_MAX_DANGERS) h->dangers[h->n_dangers++] = d;
}

void home_build(const kb *k, const plan_input *in, const int *stopped, home *out) {
  memset(out, 0, sizeof *out);
  out->pain_pre = out->pain_post = -1;
  out->desk_hours = out->sleep_hours = -1;
  /* the session plan's reading of the contraindications: refer, and the modifiers' limits */
  plan p;
  char err[128];
  if (plan_build(k, in, &p, err, sizeof err) == 0) {
    out->refer = p.refer;   /* a session-wide contraindication, or the screen */
    out->band_max = p.band_max;
    out->hold_max = p.hold_max;
    out->n_modifiers = p.n_modifiers;
    memcpy(out->modifiers, p.modifiers, sizeof p.modifiers);
  }
  for (int i = 0; i < in->n_points; i++) {
    int tp = in->points[i].tp, side = in->points[i].side, m = kb_tp_at(k, tp)->muscle;
    home_item *it = NULL;
    for (int j = 0; j < out->n_items; j++)
      if (out->items[j].muscle == m && out->items[j].side == side) it = &out->items[j];
    if (!it) {
      it = &out->items[out->n_items++];
      it->muscle = m; it->side = side; it->tp = tp;
      it->skip = NULL; it->skip_contra = it->skip_region = it->skip_event = -1;
      it->press_danger = it->press_caution = it->forbid_contra = it->tool_contra = -1;
    }
    const kb_muscle *mu = kb_muscle_at(k, m);
    for (int d = 0; d < mu->n_dangers; d++) add_danger(out, mu->dangers[d]);
    int base = kb_tp_at(k, tp)->region;
    for (int d = 0; d < kb_n_terms(k, KB_DANGER); d++) {
      const kb_term *dt = kb_term_at(k, KB_DANGER, d);
      if (!has_region(dt->regions, dt->n_regions, base)) continue;
      add_danger(out, d);
      if (it->press_danger < 0) it->press_danger = d;   /* self-care never presses in a danger zone */
    }
    for (int c = 0; c < out->n_modifiers && it->press_caution < 0; c++) {
      const kb_term *ct = kb_term_at(k, KB_CONTRA, out->modifiers[c]);
      if (has_region(ct->caution, ct->n_caution, base)) it->press_caution = out->modifiers[c];
    }
    if (it->skip) continue;
    if (stopped && stopped[i] >= 0) {
      it->skip = "it gave sharp or nerve-like pain during treatment: leave it until your therapist has rechecked it";
      it->skip_event = stopped[i];
      continue;
    }
    if (out->refer) { it->skip = "no self-treatment until a doctor has cleared you"; continue; }
    for (int c = 0; c < in->n_contras && !it->skip; c++) {
      const kb_term *ct = kb_term_at(k, KB_CONTRA, in->contras[c].contra);
      if ((ct->scope == KB_SCOPE_LOCAL && plan_muscle_reached(k, &in->contras[c], m, side)) ||
          (ct->scope == KB_SCOPE_MODIFY && muscle_avoided(k, m, ct))) {
        it->skip = "not over or near this area until it has healed or been cleared";
        it->skip_contra = in->contras[c].contra;
        it->skip_region = in->contras[c].region;
      }
    }
    if (!it->skip && mu->selfcare_none) it->skip = mu->selfcare_none;
  }
  /* what each item leaves out: pressing in a danger zone or a caution area, forbidden movements */
  for (int i = 0; i < out->n_items; i++) {
    home_item *it = &out->items[i];
    const kb_muscle *mu = kb_muscle_at(k, it->muscle);
    if (it->skip) continue;
    int left = 0;
    for (int j = 0; j < mu->n_selfcare && j < 32; j++) {
      const kb_selfcare *sc = &mu->selfcare[j];
      int c = -1, out_ = presses(k, sc->tool) && (it->press_danger >= 0 || it->press_caution >= 0);
      if (!out_ && plan_forbidden(k, &p, sc->moves, sc->n_moves, &c) >= 0) { out_ = 1; it->forbid_contra = c; }
      for (int x = 0; !out_ && x < p.n_modifiers; x++) {
        const kb_term *ct = kb_term_at(k, KB_CONTRA, p.modifiers[x]);
        for (int y = 0; y < ct->n_exclude_tools; y++)
          if (ct->exclude_tools[y] == sc->tool) { out_ = 1; it->tool_contra = p.modifiers[x]; }
      }
      if (out_) { it->leave_out |= 1u << j; left++; }
    }
    int pressed = it->press_danger >= 0 || it->press_caution >= 0, moved = it->forbid_contra >= 0 || it->tool_contra >= 0;
    if (left && left == mu->n_selfcare)
      it->skip = pressed && moved ? "its exercises press where self-care never presses or take the neck into a position you should avoid: leave it to your therapist"
               : it->press_danger >= 0 ? "it lies in a danger zone, where self-care never presses: leave it to your therapist"
               : it->press_caution >= 0 ? "not at home while this caution applies: leave it to your therapist"
               : it->forbid_contra >= 0 ? "its stretches take the neck into a position you should avoid: leave it to your therapist"
               : "its exercises use a tool you should not use for now: leave it to your therapist";
  }
}

/* ---- what keeps it coming back ---- */

void home_context_init(home_context *c) {
  memset(c, 0, sizeof *c);
  c->desk_hours = c->sleep_hours = -1;
}

int home_context_activities(const kb *k, const char *list, home_context *c) {
  int skipped = 0;
  for (const char *p = list; p && *p;) {
    while (*p == ',' || *p == ' ') p++;
    size_t n = strcspn(p, ", ");
    if (!n) break;
    int a = kb_find_termn(k, KB_ACTIVITY, p, n);
    if (a < 0) skipped++;
    else {
      int dup = 0;
      for (int i = 0; i < c->n_activities; i++) dup |= c->activities[i] == a;
      if (!dup && c->n_activities < HOME_MAX_CONTEXT) c->activities[c->n_activities++] = a;
    }
    p += n;
  }
  return skipped;
}

static home_factor *factor_of(home *h, int activity) {
  for (int i = 0; i < h->n_factors; i++) if (h->factors[i].activity == activity) return &h->factors[i];
  return NULL;
}

static void add_factor(const kb *k, home *h, int activity, unsigned why) {
  home_factor *f = factor_of(h, activity);
  if (f) { f->why |= why; return; }
  int c = kb_find_term(k, KB_CORRECT, kb_term_at(k, KB_ACTIVITY, activity)->id);
  if (c < 0 || h->n_factors == HOME_MAX_FACTORS) return;
  f = &h->factors[h->n_factors++];
  memset(f, 0, sizeof *f);
  f->activity = activity; f->correct = c; f->why = why;
}

/* Note the treated muscles whose points list each factor's activity. */
static void link_muscles(const kb *k, home *h) {
  for (int i = 0; i < h->n_factors; i++) {
    home_factor *f = &h->factors[i];
    for (int j = 0; j < h->n_items; j++) {
      const kb_tp *tp = kb_tp_at(k, h->items[j].tp);
      int hit = 0;
      for (int a = 0; a < tp->n_perpetuating; a++) hit |= tp->perpetuating[a] == f->activity;
      if (!hit) continue;
      f->why |= HOME_POINT;
      int dup = 0;
      for (int m = 0; m < f->n_muscles; m++) dup |= f->muscles[m] == h->items[j].muscle;
      if (!dup && f->n_muscles < 4) f->muscles[f->n_muscles++] = h->items[j].muscle;
    }
  }
}

static int cmp_reported(const void *a, const void *b) {
  const home_factor *x = a, *y = b;
  int px = !(x->why & HOME_POINT), py = !(y->why & HOME_POINT);   /* linked to a point first */
  return px - py;
}

void home_perpetuating(const kb *k, const home_context *ctx, home *h) {
  h->n_factors = 0;
  h->has_context = ctx != NULL;
  h->desk_hours = ctx ? ctx->desk_hours : -1;
  h->sleep_hours = ctx ? ctx->sleep_hours : -1;
  if (ctx) {
    for (int i = 0; i < ctx->n_activities; i++) add_factor(k, h, ctx->activities[i], HOME_REPORTED);
    for (int c = 0; c < kb_n_terms(k, KB_CORRECT); c++) {
      const kb_term *t = kb_term_at(k, KB_CORRECT, c);
      int a = kb_find_term(k, KB_ACTIVITY, t->id);
      if (a < 0) continue;
      if ((t->lo && ctx->desk_hours >= t->lo) || (t->hi && ctx->sleep_hours >= 0 && ctx->sleep_hours < t->hi))
        add_factor(k, h, a, HOME_HOURS);
    }
  }
  link_muscles(k, h);
  /* the reported ones: those that keep a treated point going first (stable: insertion sort) */
  int n = h->n_factors;
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && cmp_reported(&h->factors[j - 1], &h->factors[j]) > 0; j--) {
      home_factor t = h->factors[j]; h->factors[j] = h->factors[j - 1]; h->factors[j - 1] = t;
    }
  /* then the treated points' own perpetuating activities, at most HOME_MAX_UNREPORTED */
  for (int j = 0; j < h->n_items && h->n_factors < n + HOME_MAX_UNREPORTED; j++) {
    const kb_tp *tp = kb_tp_at(k, h->items[j].tp);
    for (int a = 0; a < tp->n_perpetuating && h->n_factors < n + HOME_MAX_UNREPORTED; a++)
      add_factor(k, h, tp->perpetuating[a], 0);
  }
  link_muscles(k, h);
}
