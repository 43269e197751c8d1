/* hold.c: the state machine of one sustained hold (rules R1-R9, T1-T3 in hold.h). */
#include "hold.h"
#include "kb.h"

#include <string.h>

static const char *const event_names[HOLD_N_EVENTS] = {
  "feedback", "more", "less", "good", "bracing", "sharp", "shooting", "numb", "tingling",
  "referral", "released", "stop"};

static const char *const outcome_names[HOLD_N_OUTCOMES] = {
  "open", "released", "max-hold", "stopped", "client-stop", "too-sensitive", "interrupted"};

/* Each advice line: its name, its English and its French (fr-CA). */
static const struct { const char *name, *text, *fr; } advice_table[HOLD_N_ADVICE] = {
  [HOLD_ADV_NONE] = {"none", "", ""},
  [HOLD_ADV_EASE_GUARD] = {"ease-off", "Ease off: 8 or more out of 10 means the client is guarding, and a guarding muscle does not release.",
    "Relâchez : 8 ou plus sur 10 signifie que le client se protège, et un muscle qui se protège ne relâche pas."},
  [HOLD_ADV_EASE_ABOVE] = {"ease-off", "Ease off a little: above the target band for this hold.",
    "Relâchez un peu : au-dessus de la zone cible pour cette pression."},
  [HOLD_ADV_EASE_BRACE] = {"ease-off", "Ease off: the client is bracing or holding their breath. Ask for a slow breath out.",
    "Relâchez : le client se crispe ou retient son souffle. Demandez-lui d'expirer lentement."},
  [HOLD_ADV_EASE_LESS] = {"ease-off", "Ease off: the client asked for less.",
    "Relâchez : le client a demandé moins."},
  [HOLD_ADV_IN_BAND] = {"in-band", "Productive: hold the pressure steady.",
    "Productif : maintenez une pression stable."},
  [HOLD_ADV_SLACK] = {"take-up-slack", "The point is easing: follow it in to the new barrier, without pushing harder.",
    "Le point cède : suivez-le jusqu'à la nouvelle barrière, sans appuyer plus fort."},
  [HOLD_ADV_BELOW] = {"below-band", "Below the target band: you may sink in a little more.",
    "Sous la zone cible : vous pouvez enfoncer un peu plus."},
  [HOLD_ADV_MORE] = {"more", "The client asked for more: add pressure slowly.",
    "Le client a demandé plus : ajoutez de la pression lentement."},
  [HOLD_ADV_MORE_TOP] = {"hold", "The client asked for more, but it is already at the top of the band: hold instead.",
    "Le client a demandé plus, mais la pression est déjà au haut de la zone cible : maintenez plutôt."},
  [HOLD_ADV_CONFIRMED] = {"confirmed", "Recognised referral reproduced: the point is confirmed.",
    "Douleur référée reconnue reproduite : le point est confirmé."},
  [HOLD_ADV_STOP_NERVE] = {"stop-point", "Stop this point now: sharp or shooting pain, numbness or tingling. Move off; do not return to it today.",
    "Arrêtez ce point maintenant : douleur vive ou en éclair, engourdissement ou picotements. Quittez-le; n'y revenez pas aujourd'hui."},
  [HOLD_ADV_STOP_CLIENT] = {"stop", "The client said stop: release slowly.",
    "Le client a dit d'arrêter : relâchez lentement."},
  [HOLD_ADV_TOO_SENSITIVE] = {"too-sensitive", "Third ease-off: the point is too sensitive today. Release and move on.",
    "Troisième relâchement : le point est trop sensible aujourd'hui. Relâchez et passez au suivant."},
  [HOLD_ADV_RELEASED] = {"released", "Released: let go slowly and move on.",
    "Relâché : lâchez lentement et passez au suivant."},
  [HOLD_ADV_RELEASED_EARLY] = {"released", "Released before the shortest hold: let go slowly; recheck the point later.",
    "Relâché avant le maintien le plus court : lâchez lentement; réévaluez le point plus tard."},
  [HOLD_ADV_MAX] = {"max-hold", "Longest hold reached: release slowly and move on.",
    "Maintien le plus long atteint : relâchez lentement et passez au suivant."},
  [HOLD_ADV_MIN] = {"min-hold", "Shortest hold reached: release when the tissue softens.",
    "Maintien le plus court atteint : relâchez quand le tissu s'assouplit."},
  [HOLD_ADV_ASK] = {"ask", "Ask: how strong is it now, 0 to 10?",
    "Demandez : quelle est l'intensité maintenant, de 0 à 10?"},
  [HOLD_ADV_LATE] = {"late", "The hold had already ended.",
    "La pression était déjà terminée."},
};

/* Each advice line's own key (several lines share a name): GET /api/vocabulary lists the lines
** by key with their text in the asked language, and the web app shows them from there. */
static const char *const advice_keys[HOLD_N_ADVICE] = {
  [HOLD_ADV_NONE] = "none",
  [HOLD_ADV_EASE_GUARD] = "ease-guard",
  [HOLD_ADV_EASE_ABOVE] = "ease-above",
  [HOLD_ADV_EASE_BRACE] = "ease-brace",
  [HOLD_ADV_EASE_LESS] = "ease-less",
  [HOLD_ADV_IN_BAND] = "in-band",
  [HOLD_ADV_SLACK] = "slack",
  [HOLD_ADV_BELOW] = "below",
  [HOLD_ADV_MORE] = "more",
  [HOLD_ADV_MORE_TOP] = "more-top",
  [HOLD_ADV_CONFIRMED] = "confirmed",
  [HOLD_ADV_STOP_NERVE] = "stop-nerve",
  [HOLD_ADV_STOP_CLIENT] = "stop-client",
  [HOLD_ADV_TOO_SENSITIVE] = "too-sensitive",
  [HOLD_ADV_RELEASED] = "released",
  [HOLD_ADV_RELEASED_EARLY] = "released-early",
  [HOLD_ADV_MAX] = "max",
  [HOLD_ADV_MIN] = "min",
  [HOLD_ADV_ASK] = "ask",
  [HOLD_ADV_LATE] = "late",
};

const char *hold_event_name(int k) { return k >= 0 && k < HOLD_N_EVENTS ? event_names[k] : "?"; }
const char *hold_outcome_name(int o) { return o >= 0 && o < HOLD_N_OUTCOMES ? outcome_names[o] : "?"; }
const char *hold_advice_name(int a) { return a >= 0 && a < HOLD_N_ADVICE ? advice_table[a].name : "?"; }
const char *hold_advice_key(int a) { return a >= 0 && a < HOLD_N_ADVICE && advice_keys[a] ? advice_keys[a] : "none"; }
const char *hold_advice_text(int a) { return a >= 0 && a < HOLD_N_ADVICE ? advice_table[a].text : ""; }
const char *hold_advice_text_lang(int a, const char *lang) {
  int fr = kb_lang_fr(lang);
  return a >= 0 && a < HOLD_N_ADVICE ? (fr ? advice_table[a].fr : advice_table[a].text) : "";
}

int hold_event_find(const char *name) {
  for (int i = 0; i < HOLD_N_EVENTS; i++) if (strcmp(event_names[i], name) == 0) return i;
  return -1;
}

void hold_start(hold *h, int hold_min, int hold_max, int band_lo, int band_hi) {
  memset(h, 0, sizeof *h);
  h->hold_min = hold_min; h->hold_max = hold_max;
  h->band_lo = band_lo; h->band_hi = band_hi;
  h->reason = -1;
  h->last = -1;
}

int hold_done(const hold *h) { return h->outcome != HOLD_OPEN; }

double hold_ask_every(const hold *h) {
  double every = h->hold_max / 10.0;   /* a long fascial hold asks less often */
  return every > HOLD_ASK_EVERY ? every : HOLD_ASK_EVERY;
}

static void mark(hold_mark *v, int *n, double t, int kind) {
  if (*n < HOLD_MAX_LOG) { v[*n].t = t; v[*n].kind = kind; (*n)++; }
}

static int advise(hold *h, double t, int a) {
  if (a != HOLD_ADV_NONE) mark(h->advice, &h->n_advice, t, a);
  return a;
}

static int end(hold *h, double t, int outcome, int a) {
  h->outcome = outcome;
  h->t_end = t;
  return advise(h, t, a);
}

static int ease(hold *h, double t, int a) {
  h->was_in_band = 0;
  if (h->ease_offs && t - h->t_eased < HOLD_EASE_WINDOW) return advise(h, t, a);   /* the same ease-off */
  h->t_eased = t;
  if (++h->ease_offs >= HOLD_EASE_LIMIT) return end(h, t, HOLD_TOO_SENSITIVE, HOLD_ADV_TOO_SENSITIVE);
  return advise(h, t, a);
}

void hold_abort(hold *h, double t) {
  if (h->outcome == HOLD_OPEN) { h->outcome = HOLD_INTERRUPTED; h->t_end = t; }
}

void hold_abort_why(hold *h, double t, int why) {
  if (h->outcome == HOLD_OPEN) { hold_abort(h, t); h->reason = why; }
}

const char *hold_reason_name(int r) {
  return r == HOLD_WHY_CONSENT ? "consent-withdrawn" : r >= 0 && r < HOLD_N_EVENTS ? event_names[r] : NULL;
}

int hold_tick(hold *h, double t) {
  if (h->outcome != HOLD_OPEN) return HOLD_ADV_NONE;
  if (t >= h->hold_max) return end(h, h->hold_max, HOLD_MAXED, HOLD_ADV_MAX);          /* T1 */
  if (!h->min_told && t >= h->hold_min) { h->min_told = 1; return advise(h, h->hold_min, HOLD_ADV_MIN); }  /* T2 */
  if (t - h->t_asked >= hold_ask_every(h)) { h->t_asked = t; return advise(h, t, HOLD_ADV_ASK); }   /* T3 */
  return HOLD_ADV_NONE;
}

int hold_event(hold *h, double t, int kind, int value) {
  if (h->outcome != HOLD_OPEN) return HOLD_ADV_LATE;
  if (t > h->hold_max) { end(h, h->hold_max, HOLD_MAXED, HOLD_ADV_MAX); return HOLD_ADV_LATE; }   /* R1 */
  if (t < 0) t = 0;
  mark(h->events, &h->n_events, t, kind);
  switch (kind) {
  case HOLD_EV_SHARP: case HOLD_EV_SHOOTING: case HOLD_EV_NUMB: case HOLD_EV_TINGLING:   /* R2 */
    h->reason = kind;
    return end(h, t, HOLD_STOPPED, HOLD_ADV_STOP_NERVE);
  case HOLD_EV_STOP: return end(h, t, HOLD_CLIENT_STOP, HOLD_ADV_STOP_CLIENT);           /* R3 */
  case HOLD_EV_RELEASED:                                                                   /* R4 */
    return end(h, t, HOLD_RELEASED, t < h->hold_min ? HOLD_ADV_RELEASED_EARLY : HOLD_ADV_RELEASED);
  case HOLD_EV_REFERRAL: h->confirmed = 1; return advise(h, t, HOLD_ADV_CONFIRMED);       /* R5 */
  case HOLD_EV_BRACING: return ease(h, t, HOLD_ADV_EASE_BRACE);                            /* R6 */
  case HOLD_EV_LESS: return ease(h, t, HOLD_ADV_EASE_LESS);                                /* R9 */
  case HOLD_EV_GOOD: h->t_asked = t; h->was_in_band = 1; return advise(h, t, HOLD_ADV_IN_BAND);  /* R7 */
  case HOLD_EV_MORE:                                                                       /* R9 */
    return advise(h, t, h->last >= h->band_hi ? HOLD_ADV_MORE_TOP : HOLD_ADV_MORE);
  case HOLD_EV_FEEDBACK: {
    if (value < 0) value = 0;
    if (value > 10) value = 10;
    if (h->n_samples < HOLD_MAX_LOG) { h->samples[h->n_samples].t = t; h->samples[h->n_samples++].value = value; }
    h->last = value;
    h->t_asked = t;
    if (value >= HOLD_GUARD) return ease(h, t, HOLD_ADV_EASE_GUARD);                       /* R6 */
    if (value > h->band_hi) return ease(h, t, HOLD_ADV_EASE_ABOVE);
    if (value >= h->band_lo) { h->was_in_band = 1; return advise(h, t, HOLD_ADV_IN_BAND); }  /* R7 */
    if (h->was_in_band) { h->was_in_band = 0; return advise(h, t, HOLD_ADV_SLACK); }       /* R8 */
    return advise(h, t, HOLD_ADV_BELOW);
  }
  }
  return HOLD_ADV_NONE;
}
