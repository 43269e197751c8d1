/* home.c: building the home program. */
#include "home.h"
#include "hold.h"

#include <string.h>

static int muscle_avoided(const kb *k, int muscle, const kb_term *c) {
  const kb_muscle *m = kb_muscle_at(k, muscle);
  for (int t = m->first_tp; t < m->first_tp + m->n_tps; t++)
    for (int i = 0; i < c->n_regions; i++) if (c->regions[i] == kb_tp_at(k, t)->region) return 1;
  return 0;
}

static void add_danger(home *h, int d) {
  for (int i = 0; i < h->n_dangers; i++) if (h->dangers[i] == d) return;
  if (h->n_dangers < HOME_MAX_DANGERS) h->dangers[h->n_dangers++] = d;
}

void home_build(const kb *k, const plan_input *in, const int *stopped, home *out) {
  memset(out, 0, sizeof *out);
  out->pain_pre = out->pain_post = -1;
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
    }
    const kb_muscle *mu = kb_muscle_at(k, m);
    for (int d = 0; d < mu->n_dangers; d++) add_danger(out, mu->dangers[d]);
    for (int d = 0; d < kb_n_terms(k, KB_DANGER); d++) {
      const kb_term *dt = kb_term_at(k, KB_DANGER, d);
      for (int r = 0; r < dt->n_regions; r++) if (dt->regions[r] == kb_tp_at(k, tp)->region) add_danger(out, d);
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
      if ((ct->scope == KB_SCOPE_LOCAL && plan_muscle_lies_in(k, m, side, in->contras[c].region)) ||
          (ct->scope == KB_SCOPE_MODIFY && muscle_avoided(k, m, ct))) {
        it->skip = "not over or near this area until it has healed or been cleared";
        it->skip_contra = in->contras[c].contra;
        it->skip_region = in->contras[c].region;
      }
    }
    if (!it->skip && mu->selfcare_none) it->skip = mu->selfcare_none;
  }
}
