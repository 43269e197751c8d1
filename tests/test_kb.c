/* test_kb.c: unit tests of the knowledge-base loader: the embedded kb, and errors for bad files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "kb.h"

static const char VOCAB[] =
  "[source ts1]\ncite = Simons et al. 1999\n"
  "[sensation ache]\nlabel = ache\n"
  "[activity desk-work]\nlabel = desk work\n"
  "[mimic tension-headache]\nlabel = tension-type headache\n";
static const char CATALOGUE[] = "id\tname\tgroup\nupper-trapezius\tupper trapezius\thead-neck\nmasseter\tmasseter\thead-neck\n";

/* Load VOCAB plus one file called "kb/test.kb"; returns the loader's result, errors in *e. */
static int load(const char *text, kb **k, buf *e) {
  const char *names[] = {"kb/vocab.kb", "kb/test.kb"};
  const char *texts[] = {VOCAB, text};
  size_t lens[] = {strlen(VOCAB), strlen(text)};
  buf_init(e);
  return kb_load_texts(k, 2, names, texts, lens, CATALOGUE, strlen(CATALOGUE), e);
}

static const char GOOD[] =
  "[muscle upper-trapezius]\nname = upper trapezius\ngroup = head-neck\nsource = ts1 ch 6\n"
  "perpetuating = desk-work\n"
  "[tp tp1]\nname = TrP1\nregion = shoulder-top\nlocation = upper border\n"
  "essential = neck-side temple opp:occiput\nspillover = both:eye sternum\nsensations = ache\n"
  "frequency = very-common\n";

Test(kb, embedded_kb_loads_and_covers_every_spec_muscle) {
  kb *k = NULL;
  buf e;
  buf_init(&e);
  cr_assert_eq(kb_load_builtin(&k, &e), 0, "%s", e.data ? e.data : "");
  cr_assert_eq(kb_check_coverage(k, &e), 0, "%s", e.data ? e.data : "");
  cr_assert_geq(kb_n_muscles(k), 110);
  for (int t = 0; t < kb_n_tps(k); t++) {
    const kb_tp *tp = kb_tp_at(k, t);
    cr_assert_gt(tp->n_essential, 0, "%s has an empty essential zone", tp->id);
    cr_assert_gt(tp->n_sources, 0, "%s has no source", tp->id);
  }
  kb_free(k);
  buf_free(&e);
}

Test(kb, good_file_loads_with_side_relative_zones) {
  kb *k = NULL;
  buf e;
  cr_assert_eq(load(GOOD, &k, &e), 0, "%s", e.data ? e.data : "");
  int t = kb_find_tp(k, "upper-trapezius-tp1");
  cr_assert_geq(t, 0);
  const kb_tp *tp = kb_tp_at(k, t);
  cr_assert_eq(tp->n_essential, 3);
  cr_assert_eq(tp->n_perpetuating, 1, "the muscle's activities are merged into the point's");
  cr_assert_eq(tp->frequency, KB_FREQ_VERY_COMMON);
  const body *b = kb_body(k);
  int r[2];
  cr_assert_eq(kb_zone_regions(k, tp->essential[2], BODY_L, r), 1);
  cr_assert_str_eq(body_at(b, r[0])->id, "occiput-r", "opp: crosses the midline");
  cr_assert_eq(kb_zone_regions(k, tp->essential[1], BODY_R, r), 1);
  cr_assert_str_eq(body_at(b, r[0])->id, "temple-r");
  cr_assert_eq(kb_zone_regions(k, tp->spillover[0], BODY_R, r), 2, "both: gives both sides");
  cr_assert_eq(kb_zone_regions(k, tp->spillover[1], BODY_L, r), 1);
  cr_assert_str_eq(body_at(b, r[0])->id, "sternum");
  cr_assert_eq(kb_find_muscle(k, "Upper Trapezius"), kb_find_muscle(k, "upper-trapezius"));
  kb_free(k);
  buf_free(&e);
}

/* Each bad file must fail, and its message must name the file, the line and the hint. */
static void expect_error(const char *text, const char *needle) {
  kb *k = NULL;
  buf e;
  int rc = load(text, &k, &e);
  cr_assert_lt(rc, 0, "expected an error containing \"%s\"", needle);
  cr_assert_not_null(e.data);
  cr_assert(strstr(e.data, needle) != NULL, "expected \"%s\" in:\n%s", needle, e.data);
  buf_free(&e);
}

Test(kb, unknown_region_names_file_line_and_nearest) {
  char *t = strdup(GOOD);
  char *p = strstr(t, "neck-side temple");
  memcpy(p, "neck-side tempal", 16);
  expect_error(t, "kb/test.kb:10: unknown region \"tempal\" (did you mean \"temple\"?)");
  free(t);
}

Test(kb, unknown_muscle_is_an_error_with_nearest) {
  expect_error("[muscle upper-trapezus]\nname = x\ngroup = g\nsource = ts1\n[tp a]\nname = a\nregion = temple\nlocation = x\nessential = temple\n",
               "kb/test.kb:1: unknown muscle \"upper-trapezus\" (did you mean \"upper-trapezius\"?)");
}

Test(kb, duplicate_ids_are_errors) {
  char text[2048];
  snprintf(text, sizeof text, "%s%s", GOOD, "[tp tp1]\nname = again\nregion = temple\nlocation = x\nessential = temple\n");
  expect_error(text, "duplicate trigger point \"upper-trapezius-tp1\"");
  snprintf(text, sizeof text, "%s%s", GOOD, GOOD);
  expect_error(text, "duplicate muscle \"upper-trapezius\"");
}

Test(kb, empty_zone_is_an_error) {
  expect_error("[muscle masseter]\nname = m\ngroup = g\nsource = ts1\n[tp a]\nname = a\nregion = jaw\nlocation = x\nessential =\n",
               "kb/test.kb:9: empty essential zone");
}

Test(kb, missing_required_key_and_unknown_key) {
  expect_error("[muscle masseter]\nname = m\ngroup = g\nsource = ts1\n[tp a]\nname = a\nregion = jaw\nessential = jaw\n",
               "lacks the required key \"location\"");
  expect_error("[muscle masseter]\nname = m\ngroup = g\nsource = ts1\nsymptom = x\n[tp a]\nname = a\nregion = jaw\nlocation = x\nessential = jaw\n",
               "kb/test.kb:5: unknown key \"symptom\" in a muscle stanza (did you mean \"symptoms\"?)");
}

Test(kb, bad_prefix_vocab_source_and_frequency) {
  const char *head = "[muscle masseter]\nname = m\ngroup = g\nsource = ts1\n[tp a]\nname = a\nregion = jaw\nlocation = x\n";
  char text[1024];
  snprintf(text, sizeof text, "%sessential = other:jaw\n", head);
  expect_error(text, "unknown prefix \"other:\"");
  snprintf(text, sizeof text, "%sessential = opp:sternum\n", head);
  expect_error(text, "\"sternum\" is a midline region");
  snprintf(text, sizeof text, "%sessential = jaw\nsensations = akhe\n", head);
  expect_error(text, "unknown sensation \"akhe\" (did you mean \"ache\"?)");
  snprintf(text, sizeof text, "%sessential = jaw\nsource = ts2 ch 1\n", head);
  expect_error(text, "unknown source \"ts2\" (did you mean \"ts1\"?)");
  snprintf(text, sizeof text, "%sessential = jaw\nfrequency = often\n", head);
  expect_error(text, "frequency must be");
  snprintf(text, sizeof text, "%sessential = jaw\nspillover = jaw\n", head);
  expect_error(text, "in both the essential and the spillover zone");
}

Test(kb, syntax_errors_and_orphans) {
  expect_error("[muscle masseter\n", "kb/test.kb:1: expected a header");
  expect_error("name = x\n", "kb/test.kb:1: \"key = value\" before any");
  expect_error("[tp a]\nname = a\nregion = jaw\nlocation = x\nessential = jaw\n", "must follow its [muscle ID]");
  expect_error("[musle masseter]\nname = m\n", "unknown stanza kind \"musle\" (did you mean \"muscle\"?)");
  expect_error("[muscle masseter]\nname = m\ngroup = g\nsource = ts1\n", "has no trigger points");
  expect_error("[muscle Masseter]\n", "not a valid id");
  expect_error("[muscle masseter]\njust words\n", "kb/test.kb:2: expected \"key = value\"");
}

Test(kb, load_dir_reports_missing_directory) {
  kb *k = NULL;
  buf e;
  buf_init(&e);
  cr_assert_lt(kb_load_dir(&k, "/nonexistent/kb", &e), 0);
  cr_assert(strstr(e.data, "/nonexistent/kb") != NULL);
  buf_free(&e);
}

/* The safety and vocabulary keys of issue 13: movements, cautions, limbs, activity words. */
Test(kb, safety_keys_and_activity_words) {
  const char *mv = "[movement neck-extension-rotation]\nlabel = head back and turned\n";
  char text[2048];
  snprintf(text, sizeof text, "%s[contra c]\nlabel = c\nscope = modify\nadvice = a\nforbid = neck-flexion\nsource = ts1\n", mv);
  expect_error(text, "unknown movement \"neck-flexion\"");
  snprintf(text, sizeof text, "%s[contra c]\nlabel = c\nscope = session\nadvice = a\nforbid = neck-extension-rotation\nsource = ts1\n", mv);
  expect_error(text, "belong to a scope = modify contraindication");
  expect_error("[contra c]\nlabel = c\nscope = modify\nadvice = a\ncaution = calf\nsource = ts1\n",
               "caution and caution-note go together");
  expect_error("[contra c]\nlabel = c\nscope = modify\nadvice = a\nlimb = yes\nsource = ts1\n",
               "limb = yes belongs to a scope = local contraindication");
  expect_error("[activity coughing]\nlabel = c\n[activity chronic-cough]\nlabel = cough\nalso = coughing\n",
               "the word \"coughing\" already names activity \"coughing\"");
  expect_error("[activity a]\nlabel = a\nalso = side-sleeping\n[activity b]\nlabel = b\nalso = side-sleeping\n",
               "already names activity \"a\"");
  expect_error("[activity a]\nlabel = a\nalso = Side_Sleeping\n", "not a valid word");
  expect_error("[technique t]\nlabel = t\nhow = h\nhold = 90-300\nband = 1-3\nphase = warmup\nsource = ts1\n",
               "phase must be release, stretch or prepare");
  /* and a good one loads: a stretch that names its movement, an activity word */
  snprintf(text, sizeof text,
           "%s[technique stretch]\nlabel = s\nhow = h\nhold = 20-30\nband = 1-3\nphase = stretch\nsource = ts1\n"
           "[technique hold]\nlabel = f\nhow = h\nhold = 90-300\nband = 1-3\nphase = prepare\ngeneric = yes\nsource = ts1\n"
           "[activity side-sleeping]\nlabel = side\nalso = side-lying\n"
           "[tool stretch]\nlabel = a stretch\n"
           "%s[treat stretch]\nposition = p\nhow = h\nmoves = neck-extension-rotation\n"
           "[selfcare s]\ntool = stretch\nposition = p\nsteps = s\nhold = 20\nfrequency = f\nfeel = f\nmoves = neck-extension-rotation\n",
           mv, GOOD);
  kb *k = NULL;
  buf e;
  cr_assert_eq(load(text, &k, &e), 0, "%s", e.data ? e.data : "");
  int m = kb_find_muscle(k, "upper-trapezius");
  cr_expect_eq(kb_muscle_at(k, m)->treats[0].n_moves, 1);
  cr_expect_eq(kb_muscle_at(k, m)->selfcare[0].n_moves, 1);
  cr_expect_eq(kb_find_activity(k, "side-lying"), kb_find_term(k, KB_ACTIVITY, "side-sleeping"));
  const kb_term *t = kb_term_at(k, KB_TECHNIQUE, kb_find_term(k, KB_TECHNIQUE, "hold"));
  cr_expect(t->generic);
  cr_expect_eq(t->scope, KB_PHASE_PREPARE);
  cr_expect_eq(t->hi, 300);
  kb_free(k);
  buf_free(&e);
}

/* ---- translations (kb/fr/NAME.kb) ---- */
static const char GOOD_NONE[] =
  "[muscle upper-trapezius]\nname = upper trapezius\ngroup = head-neck\nsource = ts1 ch 6\n"
  "selfcare-none = wait 48 hours, then see {who}\n"
  "[tp tp1]\nname = TrP1\nregion = shoulder-top\nlocation = upper border\nessential = neck-side\n";

/* Load VOCAB, GOOD_NONE and a French file "kb/fr/test.kb" with `fr`, then read the French
** (kb_load_lang); returns kb_load_lang's result, with *k loaded either way. */
static int load_fr(const char *fr, kb **k, buf *e) {
  const char *names[] = {"kb/vocab.kb", "kb/test.kb", "kb/fr/test.kb"};
  const char *texts[] = {VOCAB, GOOD_NONE, fr};
  size_t lens[] = {strlen(VOCAB), strlen(GOOD_NONE), strlen(fr)};
  buf_init(e);
  cr_assert_eq(kb_load_texts(k, 3, names, texts, lens, CATALOGUE, strlen(CATALOGUE), e), 0, "%s", e->data ? e->data : "");
  cr_assert_str_eq(kb_text(*k, "fr", "muscle", "upper-trapezius", "name", "en"), "en", "nothing French before kb_load_lang");
  return kb_load_lang(*k, "fr", e);
}

/* A translation `fr` that `load` refuses, with `needle` in its message. */
static void expect_refused(int (*load)(const char *, kb **, buf *), const char *fr, const char *needle) {
  kb *k = NULL;
  buf e;
  cr_assert_lt(load(fr, &k, &e), 0, "expected an error containing \"%s\"", needle);
  cr_assert(e.data && strstr(e.data, needle), "expected \"%s\" in:\n%s", needle, e.data ? e.data : "");
  kb_free(k);
  buf_free(&e);
}
static void expect_fr_error(const char *fr, const char *needle) { expect_refused(load_fr, fr, needle); }

Test(kb, french_overlay_gives_french_and_keeps_english) {
  kb *k = NULL;
  buf e;
  const char *fr = "[muscle upper-trapezius]\nname = trapèze supérieur\n"
                   "selfcare-none = attendez 48 heures, puis consultez {who}\n"
                   "[activity desk-work]\nlabel = travail de bureau\n";
  cr_assert_eq(load_fr(fr, &k, &e), 0, "%s", e.data ? e.data : "");
  int m = kb_find_muscle(k, "upper-trapezius");
  cr_assert_str_eq(kb_text(k, "fr", "muscle", "upper-trapezius", "name", "x"), "trapèze supérieur");
  cr_assert_str_eq(kb_text(k, "fr-CA", "muscle", "upper-trapezius", "name", "x"), "trapèze supérieur");
  cr_assert_str_eq(kb_text(k, "en", "muscle", "upper-trapezius", "name", kb_muscle_at(k, m)->name), "upper trapezius");
  cr_assert_str_eq(kb_text(k, NULL, "muscle", "upper-trapezius", "name", "upper trapezius"), "upper trapezius");
  cr_assert_str_eq(kb_term_text(k, "fr", KB_ACTIVITY, kb_find_term(k, KB_ACTIVITY, "desk-work"), "label"), "travail de bureau");
  cr_assert_str_eq(kb_term_text(k, "fr", KB_SENSATION, 0, "label"), "ache", "a missing translation falls back to English");
  cr_assert_str_eq(kb_lang_name("fr_CA.UTF-8"), "fr");
  cr_assert_null(kb_lang_name("de"));
  /* kb check: what the French lacks, at the English file and line */
  buf_reset(&e);
  cr_assert_gt(kb_check_translations(k, &e), 0);
  cr_assert(strstr(e.data, "kb/vocab.kb:4: [sensation ache] label has no translation in kb/fr/"), "%s", e.data);
  cr_assert(!strstr(e.data, "[muscle upper-trapezius]"), "%s", e.data);
  kb_free(k);
  buf_free(&e);
}

Test(kb, french_missing_key_is_reported_by_english_line) {
  kb *k = NULL;
  buf e;
  cr_assert_eq(load_fr("[muscle upper-trapezius]\nname = trapèze supérieur\n", &k, &e), 0, "%s", e.data ? e.data : "");
  buf_reset(&e);
  cr_assert_gt(kb_check_translations(k, &e), 0);
  cr_assert(strstr(e.data, "kb/test.kb:5: [muscle upper-trapezius] selfcare-none has no translation in kb/fr/"), "%s", e.data);
  kb_free(k);
  buf_free(&e);
}

Test(kb, french_errors_name_the_file_and_line) {
  expect_fr_error("[muscle upper-trapezius]\nselfcare-none = attendez 24 heures, puis consultez {who}\n",
                  "kb/fr/test.kb:2: the numbers and placeholders of [muscle upper-trapezius] selfcare-none differ from the English (kb/test.kb:5)");
  expect_fr_error("[muscle upper-trapezius]\nselfcare-none = attendez 48 heures, puis consultez {qui}\n",
                  "\"48 {qui}\" here, \"48 {who}\" there");
  expect_fr_error("[muscle upper-trapezius-x]\nname = trapèze\n", "kb/fr/test.kb:1: unknown muscle \"upper-trapezius-x\" (did you mean \"upper-trapezius\"?)");
  expect_fr_error("[muscle upper-trapezius]\ngroup = tête\n", "kb/fr/test.kb:2: \"group\" is not a text a client reads");
  expect_fr_error("[source ts1]\ncite = Simons et coll.\n", "kb/fr/test.kb:1: [source ts1]: a translation file holds only");
  expect_fr_error("[activity desk-work]\nlabel = travail\n[activity desk-work]\nlabel = bureau\n", "kb/fr/test.kb:4: [activity desk-work] label translated twice (first at kb/fr/test.kb:2)");
  expect_fr_error("[activity desk-work]\nlabel = travail \xff\n", "kb/fr/test.kb:2: not valid UTF-8");
}

/* ---- the therapist's texts in French: a muscle's [treat], its points, a contraindication's
** advice, a condition ---- */
static const char CARE[] =
  "[technique ischemic-compression]\nlabel = pressure release\nhow = press and hold\nhold = 30-90\nband = 5-7\n"
  "phase = release\nsource = ts1 ch 3\n"
  "[contra anticoagulants]\nlabel = blood thinners\nscope = modify\nband-max = 4\n"
  "advice = light pressure only, holds under 30 s\nsource = ts1 ch 3\n";
static const char THERAPIST[] =
  "[muscle upper-trapezius]\nname = upper trapezius\ngroup = head-neck\nsource = ts1 ch 6\n"
  "selfcare-none = none\n"
  "[treat ischemic-compression]\nposition = supine\nhow = squeeze for 5 to 10 seconds\n"
  "[tp tp1]\nname = TrP1, upper border\nregion = shoulder-top\nlocation = mid upper border\nessential = neck-side\n"
  "[condition tension-headache]\nname = tension-type headache\nmuscles = upper-trapezius\nnote = screen after 50\nsource = ts1 ch 6\n";

/* Load VOCAB, CARE, THERAPIST and a French file with `fr`, then kb_load_lang. */
static int load_fr_therapist(const char *fr, kb **k, buf *e) {
  const char *names[] = {"kb/vocab.kb", "kb/care.kb", "kb/test.kb", "kb/fr/test.kb"};
  const char *texts[] = {VOCAB, CARE, THERAPIST, fr};
  size_t lens[] = {strlen(VOCAB), strlen(CARE), strlen(THERAPIST), strlen(fr)};
  buf_init(e);
  cr_assert_eq(kb_load_texts(k, 4, names, texts, lens, CATALOGUE, strlen(CATALOGUE), e), 0, "%s", e->data ? e->data : "");
  return kb_load_lang(*k, "fr", e);
}

static const char FR_THERAPIST[] =
  "[treat upper-trapezius-ischemic-compression]\nposition = en décubitus dorsal\nhow = serrez pendant 5 à 10 secondes\n"
  "[tp upper-trapezius-tp1]\nname = PG1, bord supérieur\nlocation = milieu du bord supérieur\n"
  "[contra anticoagulants]\nadvice = pression légère seulement, maintiens de moins de 30 s\n"
  "[condition tension-headache]\nname = céphalée de tension\nnote = dépistez après 50 ans\n";

Test(kb, french_therapist_texts_treat_tp_contra_condition) {
  kb *k = NULL;
  buf e;
  cr_assert_eq(load_fr_therapist(FR_THERAPIST, &k, &e), 0, "%s", e.data ? e.data : "");
  int m = kb_find_muscle(k, "upper-trapezius"), t = kb_find_tp(k, "upper-trapezius-tp1");
  int c = kb_find_term(k, KB_CONTRA, "anticoagulants"), cond = kb_find_condition(k, "tension-headache");
  cr_assert(m >= 0 && t >= 0 && c >= 0 && cond >= 0);
  cr_assert_str_eq(kb_treat_text(k, "fr", m, 0, "position"), "en décubitus dorsal");
  cr_assert_str_eq(kb_treat_text(k, "fr-CA", m, 0, "how"), "serrez pendant 5 à 10 secondes");
  cr_assert_str_eq(kb_treat_text(k, "en", m, 0, "how"), "squeeze for 5 to 10 seconds", "English asked, English given");
  cr_assert_str_eq(kb_tp_text(k, "fr", t, "name"), "PG1, bord supérieur");
  cr_assert_str_eq(kb_tp_text(k, "fr", t, "location"), "milieu du bord supérieur");
  cr_assert_str_eq(kb_tp_text(k, NULL, t, "name"), "TrP1, upper border");
  cr_assert_str_eq(kb_term_text(k, "fr", KB_CONTRA, c, "advice"), "pression légère seulement, maintiens de moins de 30 s");
  cr_assert_str_eq(kb_term_text(k, "en", KB_CONTRA, c, "advice"), "light pressure only, holds under 30 s");
  cr_assert_str_eq(kb_condition_text(k, "fr", cond, "name"), "céphalée de tension");
  cr_assert_str_eq(kb_condition_text(k, "fr", cond, "note"), "dépistez après 50 ans");
  cr_assert_str_eq(kb_condition_text(k, "en", cond, "name"), "tension-type headache");
  /* kb check lists only what the French lacks (here the muscle's and the technique's own texts) */
  buf_reset(&e);
  kb_check_translations(k, &e);
  cr_assert(!strstr(e.data, "[treat ") && !strstr(e.data, "[tp ") && !strstr(e.data, "advice") && !strstr(e.data, "[condition "), "%s", e.data);
  kb_free(k);
  buf_free(&e);
}

Test(kb, french_therapist_text_missing_is_listed_at_its_english_line) {
  kb *k = NULL;
  buf e;
  /* the French without the treat how and the point's location */
  cr_assert_eq(load_fr_therapist("[treat upper-trapezius-ischemic-compression]\nposition = en décubitus dorsal\n"
                                 "[tp upper-trapezius-tp1]\nname = PG1, bord supérieur\n", &k, &e), 0, "%s", e.data ? e.data : "");
  int m = kb_find_muscle(k, "upper-trapezius"), t = kb_find_tp(k, "upper-trapezius-tp1");
  cr_assert_str_eq(kb_treat_text(k, "fr", m, 0, "how"), "squeeze for 5 to 10 seconds", "a missing one falls back to English");
  cr_assert_str_eq(kb_tp_text(k, "fr", t, "location"), "mid upper border");
  buf_reset(&e);
  cr_assert_gt(kb_check_translations(k, &e), 0);
  cr_assert(strstr(e.data, "kb/test.kb:8: [treat upper-trapezius-ischemic-compression] how has no translation in kb/fr/"), "%s", e.data);
  cr_assert(strstr(e.data, "kb/test.kb:12: [tp upper-trapezius-tp1] location has no translation in kb/fr/"), "%s", e.data);
  cr_assert(strstr(e.data, "kb/care.kb:12: [contra anticoagulants] advice has no translation in kb/fr/"), "%s", e.data);
  cr_assert(strstr(e.data, "kb/test.kb:17: [condition tension-headache] note has no translation in kb/fr/"), "%s", e.data);
  cr_assert(!strstr(e.data, "[treat upper-trapezius-ischemic-compression] position"), "%s", e.data);
  kb_free(k);
  buf_free(&e);
}

static void expect_fr_therapist_error(const char *fr, const char *needle) { expect_refused(load_fr_therapist, fr, needle); }

Test(kb, french_therapist_texts_are_checked) {
  /* a number changed (a hold of 5 to 12 seconds is not the English's 5 to 10) */
  expect_fr_therapist_error("[treat upper-trapezius-ischemic-compression]\nhow = serrez pendant 5 à 12 secondes\n",
                            "kb/fr/test.kb:2: the numbers and placeholders of [treat upper-trapezius-ischemic-compression] how differ from the English (kb/test.kb:8)");
  expect_fr_therapist_error("[contra anticoagulants]\nadvice = pression légère, maintiens de moins de 20 s\n",
                            "\"20\" here, \"30\" there");
  expect_fr_therapist_error("[tp upper-trapezius-tp1]\nname = PG, bord supérieur\n", "[tp upper-trapezius-tp1] name differ from the English");
  expect_fr_therapist_error("[condition tension-headache]\nnote = dépistez après {age} ans\n", "[condition tension-headache] note differ");
  /* unknown ids, with the nearest and the form of the id */
  expect_fr_therapist_error("[treat upper-trapezius-ischemic-compresion]\nhow = x\n",
                            "unknown treat \"upper-trapezius-ischemic-compresion\" (did you mean \"upper-trapezius-ischemic-compression\"?): a translation names an English stanza (a muscle's technique as MUSCLE-TECHNIQUE)");
  expect_fr_therapist_error("[treat ischemic-compression]\nhow = x\n", "unknown treat \"ischemic-compression\"");
  expect_fr_therapist_error("[tp upper-trapezius-tp2]\nname = PG2\n", "unknown tp \"upper-trapezius-tp2\" (did you mean \"upper-trapezius-tp1\"?)");
  expect_fr_therapist_error("[condition tension-headach]\nname = x\n", "unknown condition \"tension-headach\" (did you mean \"tension-headache\"?)");
  /* keys that are not translated: ids, regions, holds, the muscles of a condition */
  expect_fr_therapist_error("[tp upper-trapezius-tp1]\nregion = épaule\n", "kb/fr/test.kb:2: \"region\" is not a text a client reads in a tp stanza");
  expect_fr_therapist_error("[treat upper-trapezius-ischemic-compression]\nhold = 30-60\n", "\"hold\" is not a text a client reads in a treat stanza");
  expect_fr_therapist_error("[condition tension-headache]\nmuscles = trapèze\n", "\"muscles\" is not a text a client reads in a condition stanza");
  expect_fr_therapist_error("[treat upper-trapezius-ischemic-compression]\nhow = serrez 5 à 10 s\n"
                            "[treat upper-trapezius-ischemic-compression]\nhow = serrez 5 à 10 s\n",
                            "[treat upper-trapezius-ischemic-compression] how translated twice (first at kb/fr/test.kb:2)");
}
