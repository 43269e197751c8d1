/* test_rank.c: unit tests of the ranking model and the screens. */
#include <criterion/criterion.h>
#include <string.h>

#include "rank.h"
#include "screen.h"

static const char VOCAB[] =
  "[source ts1]\ncite = Simons et al. 1999\n"
  "[sensation ache]\nlabel = ache\n[sensation tingling]\nlabel = tingling\n"
  "[activity desk-work]\nlabel = desk work\n[activity running]\nlabel = running\n";
static const char CATALOGUE[] = "id\nmuscle-a\nmuscle-b\nmuscle-c\n";

static kb *small(const char *text) {
  const char *names[] = {"kb/vocab.kb", "kb/t.kb"};
  const char *texts[] = {VOCAB, text};
  size_t lens[] = {strlen(VOCAB), strlen(text)};
  buf e;
  buf_init(&e);
  kb *k = NULL;
  cr_assert_eq(kb_load_texts(&k, 2, names, texts, lens, CATALOGUE, strlen(CATALOGUE), &e), 0, "%s", e.data ? e.data : "");
  buf_free(&e);
  return k;
}

#define M(id) "[muscle " id "]\nname = " id "\ngroup = g\nsource = ts1\n"
#define TP(extra) "[tp tp1]\nname = p\nregion = buttock\nlocation = x\n" extra

static present drawing(const kb *k, const char *const *regions) {
  present p;
  present_init(&p);
  char err[256];
  for (; *regions; regions++) cr_assert_eq(present_parse_word(k, *regions, &p, err, sizeof err), 0, "%s", err);
  return p;
}

static const char *top_muscle(const kb *k, const rank_result *res, int i) {
  return kb_muscle_at(k, kb_tp_at(k, res->cand[i].tp)->muscle)->id;
}

Test(rank, essential_outweighs_spillover) {
  kb *k = small(M("muscle-a") TP("essential = temple\nspillover = calf\n")
                M("muscle-b") TP("essential = calf\nspillover = temple\n"));
  rank *r = rank_new(k);
  present p = drawing(k, (const char *[]){"temple-l", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_geq(res.n, 2);
  cr_assert_str_eq(top_muscle(k, &res, 0), "muscle-a");
  cr_assert_gt(res.cand[0].score, res.cand[1].score);
  rank_free(r);
  kb_free(k);
}

Test(rank, pain_left_unexplained_counts_against) {
  kb *k = small(M("muscle-a") TP("essential = temple\n")
                M("muscle-b") TP("essential = temple neck-side\n"));
  rank *r = rank_new(k);
  present p = drawing(k, (const char *[]){"temple-r", "neck-side-r", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_str_eq(top_muscle(k, &res, 0), "muscle-b");
  rank_explain ex;
  rank_explain_candidate(r, &p, &res.cand[1], &ex);
  cr_assert_eq(ex.n_essential, 1);
  cr_assert_eq(ex.n_unexplained, 1);
  cr_assert_eq(p.pain[ex.unexplained[0]].region, body_find(kb_body(k), "neck-side-r"));
  rank_free(r);
  kb_free(k);
}

Test(rank, side_of_pain_picks_side_of_point_and_mirrors) {
  kb *k = small(M("muscle-a") TP("essential = temple opp:occiput\n"));
  rank *r = rank_new(k);
  present p = drawing(k, (const char *[]){"temple-l:7", "occiput-r:3", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_eq(res.cand[0].side, BODY_L);
  double left = res.cand[0].score;
  /* the mirrored drawing ranks the mirrored point with the same score */
  const body *b = kb_body(k);
  for (int i = 0; i < p.n_pain; i++) p.pain[i].region = body_mirror(b, p.pain[i].region);
  rank_run(r, &p, 10, &res);
  cr_assert_eq(res.cand[0].side, BODY_R);
  cr_assert_float_eq(res.cand[0].score, left, 1e-6);
  rank_free(r);
  kb_free(k);
}

Test(rank, frequency_prior_and_context_break_ties) {
  kb *k = small(M("muscle-a") TP("essential = calf\n")
                M("muscle-b") TP("essential = calf\nfrequency = common\n")
                M("muscle-c") TP("essential = calf\nperpetuating = running\n"));
  rank *r = rank_new(k);
  present p = drawing(k, (const char *[]){"calf-l", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_str_eq(top_muscle(k, &res, 0), "muscle-b", "the common point comes first");
  char err[256];
  cr_assert_eq(present_add_context(k, "running", &p, err, sizeof err), 0);
  rank_run(r, &p, 10, &res);
  cr_assert_str_eq(top_muscle(k, &res, 0), "muscle-c", "a matching activity lifts its point");
  rank_explain ex;
  rank_explain_candidate(r, &p, &res.cand[0], &ex);
  cr_assert_eq(ex.n_context, 1);
  rank_free(r);
  kb_free(k);
}

Test(rank, quality_the_point_gives_helps) {
  kb *k = small(M("muscle-a") TP("essential = calf\nsensations = ache\n")
                M("muscle-b") TP("essential = calf\nsensations = tingling\n"));
  rank *r = rank_new(k);
  present p = drawing(k, (const char *[]){"calf-r:5:tingling", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_str_eq(top_muscle(k, &res, 0), "muscle-b");
  rank_free(r);
  kb_free(k);
}

Test(rank, top_limit_and_no_candidates) {
  kb *k = small(M("muscle-a") TP("essential = calf\n"));
  rank *r = rank_new(k);
  present p = drawing(k, (const char *[]){"temple-l", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_eq(res.n, 0, "a point that explains nothing is not a candidate");
  p = drawing(k, (const char *[]){"calf-l", "calf-r", NULL});
  rank_run(r, &p, 1, &res);
  cr_assert_eq(res.n, 1);
  cr_assert_eq(res.n_considered, 2);
  rank_free(r);
  kb_free(k);
}

static kb *full;
static void load_full(void) {
  buf e;
  buf_init(&e);
  cr_assert_eq(kb_load_builtin(&full, &e), 0);
  buf_free(&e);
}
static void free_full(void) { kb_free(full); }

Test(rank_kb, every_region_is_answered, .init = load_full, .fini = free_full) {
  rank *r = rank_new(full);
  const body *b = kb_body(full);
  for (int i = 0; i < body_n(b); i++) {
    present p;
    present_init(&p);
    present_add(&p, i, 5, Q_NONE);
    rank_result res;
    rank_run(r, &p, 10, &res);
    cr_assert_gt(res.n, 0, "no trigger point refers to %s", body_at(b, i)->id);
    /* one-sided pain: the best candidate is on that side (or midline) */
    int side = body_at(b, i)->side;
    if (side != BODY_MID) cr_assert(res.cand[0].side == side || res.cand[0].side == BODY_MID, "%s", body_at(b, i)->id);
  }
  rank_free(r);
}

Test(rank_kb, classic_temple_headache, .init = load_full, .fini = free_full) {
  rank *r = rank_new(full);
  present p = drawing(full, (const char *[]){"temple-r:6:ache", "neck-side-r:4", "mastoid-r:3", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_str_eq(top_muscle(full, &res, 0), "upper-trapezius");
  cr_assert_eq(res.cand[0].side, BODY_R);
  for (int i = 1; i < res.n; i++) cr_assert_leq(res.cand[i].score, res.cand[i - 1].score, "best first");
  rank_free(r);
}

Test(screen, red_flags_refer_first, .init = load_full, .fini = free_full) {
  present p = drawing(full, (const char *[]){"low-back-l:7", "perineum:3:numbness", NULL});
  char err[256];
  cr_assert_eq(present_add_flag("bowel-bladder", &p, err, sizeof err), 0);
  screen_result s;
  screen_run(full, &p, &s);
  cr_assert_eq(s.level, SCREEN_URGENT);
  int numb = 0;
  for (int i = 0; i < s.n_items; i++) numb |= !strcmp(s.items[i].id, "numbness");
  cr_assert(numb, "numbness as a quality raises the numbness flag");
  p = drawing(full, (const char *[]){"temple-l:5:ache", NULL});
  screen_run(full, &p, &s);
  cr_assert_eq(s.level, 0, "no flag for a plain ache");
  p = drawing(full, (const char *[]){"chest-l:5", NULL});
  screen_run(full, &p, &s);
  cr_assert_eq(s.level, SCREEN_CAUTION, "chest pain: rule out the heart");
}

Test(screen, soreness_versus_trigger_point, .init = load_full, .fini = free_full) {
  present p = drawing(full, (const char *[]){"thigh-front-l:4:ache", "thigh-front-r:4:ache", NULL});
  char err[256];
  present_set_onset("after-exercise", &p, err, sizeof err);
  p.onset_hours = 24;
  present_set_tender("diffuse", &p, err, sizeof err);
  screen_result s;
  screen_run(full, &p, &s);
  cr_assert_eq(s.verdict, FAVOURS_SORENESS);
  cr_assert_eq(s.n_compare, 4);
  p = drawing(full, (const char *[]){"temple-l:6:ache", "neck-side-l:4", NULL});
  present_set_onset("gradual", &p, err, sizeof err);
  present_set_tender("spot", &p, err, sizeof err);
  screen_run(full, &p, &s);
  cr_assert_eq(s.verdict, FAVOURS_TRIGGER_POINT);
}

Test(rank, rare_region_says_more) {
  /* the sole is reached by one point, the calf by four: with idf the sole weighs more */
  kb *k = small(M("muscle-a") TP("essential = sole heel\n")
                M("muscle-b") TP("essential = calf\n")
                M("muscle-c") TP("essential = calf shin\n") "[tp tp2]\nname = q\nregion = calf\nlocation = x\nessential = calf knee-back\n");
  rank_params pm;
  rank_params_default(&pm);
  pm.idf = 0;
  rank *r = rank_new_params(k, &pm);
  present p = drawing(k, (const char *[]){"sole-l", "calf-l", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_str_eq(top_muscle(k, &res, 0), "muscle-b", "without idf the point with no unmarked zone region wins");
  rank_free(r);
  pm.idf = 1;
  r = rank_new_params(k, &pm);
  rank_run(r, &p, 10, &res);
  cr_assert_str_eq(top_muscle(k, &res, 0), "muscle-a", "with idf the rare region decides");
  rank_free(r);
  kb_free(k);
}

Test(rank, unexplained_region_costs_when_another_point_explains_it) {
  kb *k = small(M("muscle-a") TP("essential = temple\n") M("muscle-b") TP("essential = calf\n"));
  rank_params pm;
  rank_params_default(&pm);
  pm.unexplained = 0;
  pm.idf = 0;   /* every region weighs 1 */
  rank *r = rank_new_params(k, &pm);
  present p = drawing(k, (const char *[]){"temple-l", "calf-l", "sole-l", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  double s0 = res.cand[0].score;
  rank_free(r);
  pm.unexplained = 1;
  r = rank_new_params(k, &pm);
  rank_run(r, &p, 10, &res);
  /* the calf (explained by b) costs a; the sole, which no point explains, costs nothing */
  cr_assert_float_eq(res.cand[0].score, s0 - pm.unexplained, 1e-4, "%g %g", res.cand[0].score, s0);
  rank_free(r);
  kb_free(k);
}

Test(rank, choir_segment_is_explained_by_any_of_its_regions) {
  kb *k = small(M("muscle-a") TP("essential = temple\n"));
  rank *r = rank_new(k);
  const body *b = kb_body(k);
  present one = drawing(k, (const char *[]){"temple-l", NULL}), seg;
  present_init(&seg);
  const char *ids[] = {"temple-l", "neck-side-l", "ear-l"};
  for (int i = 0; i < 3; i++) { present_add(&seg, body_find(b, ids[i]), -1, Q_NONE); seg.pain[i].unit = 0; }
  seg.choir[0] = 201;
  seg.n_choir = 1;
  seg.choir_map = CHOIR_MALE;
  rank_result a, c;
  rank_run(r, &one, 10, &a);
  rank_run(r, &seg, 10, &c);
  cr_assert_eq(c.n, 1);
  cr_assert_float_eq(c.cand[0].score, a.cand[0].score, 1e-5, "the segment counts as one region explained");
  rank_explain ex;
  rank_explain_candidate(r, &seg, &c.cand[0], &ex);
  cr_assert_eq(ex.n_unexplained, 0, "the segment's other regions are not unexplained");
  cr_assert_float_eq(c.explained, 1.0, 1e-6);
  rank_free(r);
  kb_free(k);
}

Test(rank, differential_puts_the_second_problem_before_look_alikes) {
  kb *k = small(M("muscle-a") TP("essential = temple neck-side\n")
                M("muscle-b") TP("essential = calf\n")
                M("muscle-c") TP("essential = temple neck-side mastoid\n"));
  rank_params pm;
  rank_params_default(&pm);
  pm.temperature = 1;
  pm.part_threshold = 0;
  rank *r = rank_new_params(k, &pm);
  present p = drawing(k, (const char *[]){"temple-l", "neck-side-l", "calf-r", NULL});
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_eq(res.n, 3);
  cr_assert_str_eq(top_muscle(k, &res, 0), "muscle-a");
  cr_assert_str_eq(top_muscle(k, &res, 1), "muscle-b", "the calf's source before the headache's look-alike");
  cr_assert_gt(res.cand[2].score, res.cand[1].score, "though the look-alike scores higher alone");
  cr_assert_eq(res.n_groups, 2);
  cr_assert_eq(res.group[0].n_cand, 2, "a and its look-alike c explain the head and neck");
  cr_assert_eq(res.group[1].n_cand, 1);
  cr_assert_eq(res.pain_group[2], 1, "the calf is the second part");
  cr_assert_float_eq(res.explained, 1.0, 1e-6);
  cr_assert_float_eq(res.explained_best, 2.0 / 3, 1e-6);
  rank_free(r);
  kb_free(k);
}

Test(rank_kb, choir_drawing_parses_and_ranks, .init = load_full, .fini = free_full) {
  present p;
  char err[256];
  const char *j = "{\"choir\":\"128,117,107\",\"map\":\"female\"}";
  cr_assert_eq(present_parse_json(full, j, strlen(j), &p, err, sizeof err), 0, "%s", err);
  cr_assert_eq(p.n_choir, 3);
  cr_assert_eq(p.choir_map, CHOIR_FEMALE);
  cr_assert_gt(p.n_pain, 3, "a segment stands for several regions");
  int units[3] = {0};
  for (int i = 0; i < p.n_pain; i++) { cr_assert(p.pain[i].unit >= 0 && p.pain[i].unit < 3); units[p.pain[i].unit]++; }
  for (int u = 0; u < 3; u++) cr_assert_gt(units[u], 0);
  rank *r = rank_new(full);
  rank_result res;
  rank_run(r, &p, 10, &res);
  cr_assert_eq(res.n, 10);
  cr_assert_geq(res.n_groups, 2, "a left hand and a right shoulder are two parts");
  rank_free(r);
  j = "{\"choir\":\"128,999\"}";
  cr_assert_eq(present_parse_json(full, j, strlen(j), &p, err, sizeof err), PRESENT_EREGION);
  cr_assert(strstr(err, "999"), "%s", err);
  j = "{\"choir\":\"128\",\"map\":\"child\"}";
  cr_assert_eq(present_parse_json(full, j, strlen(j), &p, err, sizeof err), PRESENT_EBAD);
}
