/* screen.c: the screens that come before any candidate: red flags that need a doctor, and
** trigger point pain versus general muscle soreness. */
#include "screen.h"

#include <string.h>

/* The red flags asked about (present.flags bits), in bit order.  Sources: finucane2020 (the
** international red-flag framework), alvarez2002. */
static const screen_item red_flags[N_FLAGS] = {
  {"numbness", "Numbness can mean a nerve or the spinal cord is compressed or damaged.",
   "Have a doctor assess nerve function before trigger point treatment.", SCREEN_REFER},
  {"weakness", "Real weakness (not pain-limited effort) can mean a nerve root or the spinal cord is involved.",
   "Have a doctor assess it before trigger point treatment.", SCREEN_REFER},
  {"shooting", "Sharp, shooting or electric pain along a limb suggests an irritated nerve root, not a trigger point.",
   "Have a doctor assess it before treatment.", SCREEN_REFER},
  {"fever", "Fever with pain can mean infection or inflammatory disease.",
   "See a doctor first; do not treat until it is cleared.", SCREEN_REFER},
  {"weight-loss", "Unexplained weight loss with pain can be a sign of cancer or systemic disease.",
   "See a doctor first.", SCREEN_REFER},
  {"night-pain", "Pain at night that rest and position do not ease can come from a tumour or infection.",
   "See a doctor first.", SCREEN_REFER},
  {"bowel-bladder", "A new change in bowel or bladder control can mean cauda equina syndrome, a surgical emergency.",
   "Seek emergency medical care now; do not treat.", SCREEN_URGENT},
  {"trauma", "Pain after recent trauma needs a fracture, dislocation or tear ruled out.",
   "Have a doctor assess the injury before treatment.", SCREEN_REFER},
};

/* The red flags as the client is asked them (on their own intake form), in bit order. */
static const char *const questions[N_FLAGS] = {
  "Do you have numbness, or pins and needles that do not go away?",
  "Do you have weakness in an arm or leg, or do you drop things or trip?",
  "Does pain shoot down an arm or leg, like an electric shock?",
  "Do you have a fever or chills, or feel generally unwell?",
  "Have you lost weight recently without trying?",
  "Do you have pain at night that rest and changing position do not ease?",
  "Have you noticed a change in your bowel or bladder control, or numbness around the groin?",
  "Have you had a recent fall, accident or blow to the painful area?",
};

/* The same in French (fr-CA), for a client who reads French. */
static const char *const questions_fr[N_FLAGS] = {
  "Avez-vous un engourdissement, ou des fourmillements qui ne partent pas?",
  "Avez-vous une faiblesse dans un bras ou une jambe, ou vous arrive-t-il d'échapper des objets ou de trébucher?",
  "Avez-vous une douleur qui descend dans un bras ou une jambe, comme un choc électrique?",
  "Avez-vous de la fièvre ou des frissons, ou vous sentez-vous mal en général?",
  "Avez-vous perdu du poids récemment sans le vouloir?",
  "Avez-vous de la douleur la nuit que le repos et les changements de position ne soulagent pas?",
  "Avez-vous remarqué un changement dans le contrôle de vos intestins ou de votre vessie, ou un engourdissement autour de l'aine?",
  "Avez-vous fait une chute, eu un accident ou reçu un coup récemment à l'endroit douloureux?",
};


const char *screen_question(int bit) { return bit >= 0 && bit < N_FLAGS ? questions[bit] : NULL; }
const char *screen_question_lang(int bit, const char *lang) {
  return bit >= 0 && bit < N_FLAGS ? (kb_lang_fr(lang) ? questions_fr : questions)[bit] : NULL;
}

static const screen_item tingling_item = {
  "tingling", "Tingling can come from a trigger point (scalenes, piriformis) but also from a compressed nerve.",
  "Check for nerve signs; refer if it spreads, persists or comes with numbness or weakness.", SCREEN_CAUTION};
static const screen_item sharp_item = {
  "sharp", "Trigger point pain is usually a deep ache; sharp pain needs a check for nerve, joint or acute injury.",
  "Ask whether it shoots along the limb; if so, refer before treatment.", SCREEN_CAUTION};
static const screen_item chest_item = {
  "chest-pain", "Chest pain, or pain down the inner left arm, can come from the heart as well as from pectoral trigger points.",
  "Rule out a cardiac cause first: new, exertional or unexplained chest pain needs a doctor today.", SCREEN_CAUTION};
static const screen_item saddle_item = {
  "saddle", "Pain or numbness in the perineum with bowel or bladder change is the pattern of cauda equina syndrome.",
  "Seek emergency medical care now; do not treat.", SCREEN_URGENT};

const char *screen_level_name(int level) {
  static const char *const names[] = {"none", "caution", "refer", "urgent"};
  return level >= 0 && level <= SCREEN_URGENT ? names[level] : "none";
}

const char *screen_favours_name(int f) {
  static const char *const names[] = {"unclear", "trigger-point", "soreness"};
  return f >= 0 && f <= FAVOURS_SORENESS ? names[f] : "unclear";
}

/* (Each item is added at most once a run, and their ids differ: the list needs no search.) */
static void add(screen_result *out, const screen_item *it) {
  if (out->n_items >= (int)(sizeof out->items / sizeof out->items[0])) return;
  out->items[out->n_items++] = *it;
  if (it->level > out->level) out->level = it->level;
}

static void compare(screen_result *out, const char *what, int favours, const char *finding) {
  screen_compare *c = &out->compare[out->n_compare++];
  c->characteristic = what;
  c->favours = favours;
  c->finding = finding;
}

/* Whether base region id r->base is `base` (base is at least one byte long; the first two
** bytes compared first without a branch, as most differ, so only a likely match is a branch). */
static int is_base(const body_region *r, const char *base) {
  return ((r->base[0] == base[0]) & (r->base[1] == base[1])) && strcmp(r->base, base) == 0;
}

void screen_run(const kb *k, const present *p, screen_result *out) {
  out->n_items = out->level = out->n_compare = out->verdict = out->n_not_asked = 0;
  out->source = "finucane2020 alvarez2002 cheung2003";
  /* one pass over the drawing: its qualities, the regions that matter, its body groups */
  const body *b = kb_body(k);
  unsigned qual = 0;
  int perineum = 0, chest = 0, groups = p->n_pain > 0, other = 0;
  const char *g0 = p->n_pain > 0 ? body_at(b, p->pain[0].region)->group : NULL;
  for (int i = 0; i < p->n_pain; i++) {
    const body_region *r = body_at(b, p->pain[i].region);
    qual |= 1u << (p->pain[i].quality & 31);
    perineum |= is_base(r, "perineum");
    chest |= is_base(r, "chest") | is_base(r, "sternum");
    other |= r->group != g0;   /* (the tables share each group's text: a second pass sees) */
  }
  for (int i = 1; other && i < p->n_pain && groups == 1; i++) {
    const char *g = body_at(b, p->pain[i].region)->group;
    if (g != g0 && (*g != *g0 || strcmp(g, g0))) groups = 2;
  }
#define HAS_QUALITY(q) ((qual >> (q)) & 1)
  unsigned flags = p->flags;
  if (HAS_QUALITY(Q_NUMBNESS)) flags |= FLAG_NUMBNESS;
  const unsigned all = (1u << N_FLAGS) - 1;
  for (unsigned f = flags & all; f; f &= f - 1) add(out, &red_flags[__builtin_ctz(f)]);
  for (unsigned f = ~(flags | p->answered) & all; f; f &= f - 1)   /* (not_asked holds N_FLAGS) */
    out->not_asked[out->n_not_asked++] = red_flags[__builtin_ctz(f)].id;
  if ((flags & FLAG_BOWEL_BLADDER) && perineum) add(out, &saddle_item);
  if (HAS_QUALITY(Q_TINGLING)) add(out, &tingling_item);
  if (HAS_QUALITY(Q_SHARP) && !(flags & FLAG_SHOOTING)) add(out, &sharp_item);
  if (chest) add(out, &chest_item);

  /* trigger point pain versus general muscle soreness (delayed onset muscle soreness) */
  int sharp = HAS_QUALITY(Q_SHARP) || HAS_QUALITY(Q_BURNING);
  if (sharp) compare(out, "sensation", FAVOURS_TRIGGER_POINT, "sharp or intense pain, as a trigger point can give");
  else if (HAS_QUALITY(Q_ACHE)) compare(out, "sensation", FAVOURS_NEITHER, "an ache: both give one (deep and focal for a trigger point, dull and widespread for soreness)");
  else compare(out, "sensation", FAVOURS_NEITHER, "no quality given");

  if (p->tender == TENDER_SPOT) compare(out, "location", FAVOURS_TRIGGER_POINT, "a small, hard, tender spot or knot in the muscle");
  else if (p->tender == TENDER_DIFFUSE) compare(out, "location", FAVOURS_SORENESS, "the whole muscle is tender and tired");
  else compare(out, "location", FAVOURS_NEITHER, "not said whether it is a spot or the whole muscle");

  if (groups >= 2) compare(out, "pattern", FAVOURS_TRIGGER_POINT, "pain spread across body areas in a pattern, as referred pain is");
  else if (p->n_pain) compare(out, "pattern", FAVOURS_SORENESS, "pain kept to one area");
  else compare(out, "pattern", FAVOURS_NEITHER, "no pain drawn");

  if (p->onset == ONSET_AFTER_EXERCISE && p->onset_hours >= 12 && p->onset_hours <= 48)
    compare(out, "onset", FAVOURS_SORENESS, "began 12-48 hours after strenuous exercise, as muscle soreness does");
  else if (p->onset == ONSET_AFTER_EXERCISE && p->onset_hours < 0)
    compare(out, "onset", FAVOURS_SORENESS, "after strenuous exercise (soreness typically starts 12-48 hours later)");
  else if (p->onset == ONSET_AFTER_EXERCISE)
    compare(out, "onset", FAVOURS_TRIGGER_POINT, "after exercise, but outside the 12-48 hour window of muscle soreness");
  else if (p->onset == ONSET_GRADUAL || p->onset == ONSET_SUDDEN)
    compare(out, "onset", FAVOURS_TRIGGER_POINT, p->onset == ONSET_GRADUAL ? "developed over time, as from chronic strain" : "came on suddenly, as from an overload");
  else if (p->onset == ONSET_INJURY)
    compare(out, "onset", FAVOURS_NEITHER, "after an injury: check the injury itself first");
  else compare(out, "onset", FAVOURS_NEITHER, "onset not given");

  int tp = 0, sore = 0;
  for (int i = 0; i < out->n_compare; i++) {
    tp += out->compare[i].favours == FAVOURS_TRIGGER_POINT;
    sore += out->compare[i].favours == FAVOURS_SORENESS;
  }
  /* the timing after exercise is the strongest single sign of soreness */
  int onset_sore = out->compare[3].favours == FAVOURS_SORENESS;
  out->verdict = sore > tp && onset_sore ? FAVOURS_SORENESS
               : tp > sore ? FAVOURS_TRIGGER_POINT : FAVOURS_NEITHER;
#undef HAS_QUALITY
}

/* The red-flag questions as the therapist asks them, in present.flags bit order. */
static const char *const flag_questions[N_FLAGS] = {
  "Numbness, or pins and needles that do not go away?",
  "Weakness in an arm or leg, dropping things, tripping?",
  "Pain shooting down an arm or leg, like an electric shock?",
  "Fever, chills or feeling generally unwell?",
  "Weight loss they cannot explain?",
  "Pain at night that rest and changing position do not ease?",
  "Changes in bowel or bladder control, or numbness around the groin?",
  "A recent fall, accident or blow to the painful area?",
};

static const char *const flag_questions_fr[N_FLAGS] = {
  "Engourdissement, ou fourmillements qui ne partent pas?",
  "Faiblesse dans un bras ou une jambe, échappe des objets, trébuche?",
  "Douleur en éclair dans un bras ou une jambe, comme un choc électrique?",
  "Fièvre, frissons ou malaise général?",
  "Perte de poids inexpliquée?",
  "Douleur la nuit que le repos et les changements de position ne soulagent pas?",
  "Changement du contrôle des intestins ou de la vessie, ou engourdissement autour de l'aine?",
  "Chute, accident ou coup récent à l'endroit douloureux?",
};

/* Every item's words in French (fr-CA), and each one's short name in both languages: the web
** app and the API's French answers read them here (docs/api.md, GET /api/vocabulary). */
static const struct { const char *id, *label, *label_fr, *reason_fr, *advice_fr; } words[] = {
  {"numbness", "numbness", "engourdissement",
   "Un engourdissement peut signifier qu'un nerf ou la moelle épinière est comprimé ou atteint.",
   "Faites évaluer la fonction nerveuse par un médecin avant tout traitement des points gâchettes."},
  {"weakness", "weakness", "faiblesse",
   "Une vraie faiblesse (pas un effort limité par la douleur) peut signifier qu'une racine nerveuse ou la moelle épinière est en cause.",
   "Faites-la évaluer par un médecin avant tout traitement des points gâchettes."},
  {"shooting", "shooting pain", "douleur en éclair",
   "Une douleur vive, en éclair ou électrique le long d'un membre évoque une racine nerveuse irritée, pas un point gâchette.",
   "Faites-la évaluer par un médecin avant le traitement."},
  {"fever", "fever", "fièvre",
   "Une fièvre avec de la douleur peut signifier une infection ou une maladie inflammatoire.",
   "Consulter un médecin d'abord; ne pas traiter avant son autorisation."},
  {"weight-loss", "weight loss", "perte de poids",
   "Une perte de poids inexpliquée avec de la douleur peut être un signe de cancer ou de maladie systémique.",
   "Consulter un médecin d'abord."},
  {"night-pain", "night pain", "douleur nocturne",
   "Une douleur la nuit que le repos et la position ne soulagent pas peut venir d'une tumeur ou d'une infection.",
   "Consulter un médecin d'abord."},
  {"bowel-bladder", "bowel or bladder change", "troubles intestinaux ou urinaires",
   "Un nouveau changement du contrôle des intestins ou de la vessie peut signifier un syndrome de la queue de cheval, une urgence chirurgicale.",
   "Obtenir des soins médicaux d'urgence maintenant; ne pas traiter."},
  {"trauma", "trauma", "traumatisme",
   "Une douleur après un traumatisme récent exige d'écarter une fracture, une luxation ou une déchirure.",
   "Faites évaluer la blessure par un médecin avant le traitement."},
  {"saddle", "saddle area", "région en selle",
   "Une douleur ou un engourdissement du périnée avec un changement intestinal ou urinaire est le tableau du syndrome de la queue de cheval.",
   "Obtenir des soins médicaux d'urgence maintenant; ne pas traiter."},
  {"tingling", "tingling", "picotements",
   "Les picotements peuvent venir d'un point gâchette (scalènes, piriforme), mais aussi d'un nerf comprimé.",
   "Vérifiez les signes neurologiques; orientez si cela s'étend, persiste ou s'accompagne d'engourdissement ou de faiblesse."},
  {"sharp", "sharp pain", "douleur vive",
   "La douleur d'un point gâchette est habituellement sourde et profonde; une douleur vive demande de vérifier un nerf, une articulation ou une blessure aiguë.",
   "Demandez si elle irradie le long du membre; si oui, orientez avant le traitement."},
  {"chest-pain", "chest pain", "douleur thoracique",
   "Une douleur à la poitrine, ou le long de la face interne du bras gauche, peut venir du cœur autant que des points gâchettes des pectoraux.",
   "Écartez d'abord une cause cardiaque : une douleur thoracique nouvelle, à l'effort ou inexpliquée exige un médecin aujourd'hui."},
};
#define N_WORDS (int)(sizeof words / sizeof *words)

/* The items in words' order: the red flags, then the cautions. */
static const screen_item *const all_items[] = {
  &red_flags[0], &red_flags[1], &red_flags[2], &red_flags[3], &red_flags[4], &red_flags[5], &red_flags[6],
  &red_flags[7], &saddle_item, &tingling_item, &sharp_item, &chest_item};
_Static_assert(sizeof all_items / sizeof *all_items == sizeof words / sizeof *words, "an item without its words");

int screen_n_items(void) { return N_WORDS; }
const screen_item *screen_item_at(int i) { return i >= 0 && i < N_WORDS ? all_items[i] : NULL; }

static int words_of(const screen_item *it) {
  for (int i = 0; i < N_WORDS; i++) if (!strcmp(words[i].id, it->id)) return i;
  return -1;
}
const char *screen_label(const screen_item *it, const char *lang) {
  int w = words_of(it);
  return w < 0 ? it->id : kb_lang_fr(lang) ? words[w].label_fr : words[w].label;
}
const char *screen_reason(const screen_item *it, const char *lang) {
  int w = kb_lang_fr(lang) ? words_of(it) : -1;
  return w >= 0 ? words[w].reason_fr : it->reason;
}
const char *screen_advice(const screen_item *it, const char *lang) {
  int w = kb_lang_fr(lang) ? words_of(it) : -1;
  return w >= 0 ? words[w].advice_fr : it->advice;
}

const screen_item *screen_flag(int bit) { return bit >= 0 && bit < N_FLAGS ? &red_flags[bit] : NULL; }
const char *screen_flag_question(int bit) { return bit >= 0 && bit < N_FLAGS ? flag_questions[bit] : NULL; }
const char *screen_flag_question_lang(int bit, const char *lang) {
  return bit >= 0 && bit < N_FLAGS ? (kb_lang_fr(lang) ? flag_questions_fr : flag_questions)[bit] : NULL;
}
