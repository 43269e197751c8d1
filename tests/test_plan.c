/* test_plan.c: the session plan (phases, techniques, danger zones, contraindications), the
** home program, and the kb's treatment coverage. */
#include <criterion/criterion.h>
#include <string.h>

#include "hold.h"
#include "home.h"
#include "plan.h"
#include "chart.h"
#include "sheet.h"

static kb *k;
static void setup(void) {
  buf e;
  buf_init(&e);
  cr_assert_eq(kb_load_builtin(&k, &e), 0, "%s", e.data ? e.data : "");
  buf_free(&e);
}
static void teardown(void) { kb_free(k); }
TestSuite(plan, .init = setup, .fini = teardown);

static int tp(const char *id) { int t = kb_find_tp(k, id); cr_assert_geq(t, 0, "%s", id); return t; }
static int contra(const char *id) { int c = kb_find_term(k, KB_CONTRA, id); cr_assert_geq(c, 0, "%s", id); return c; }
static int tech(const char *id) { return kb_find_term(k, KB_TECHNIQUE, id); }

static plan_input input1(const char *id, int side) {
  plan_input in;
  memset(&in, 0, sizeof in);
  in.points[0].tp = tp(id);
  in.points[0].side = side;
  in.n_points = 1;
  return in;
}

Test(plan, every_muscle_has_technique_and_selfcare_or_reason) {
  buf e;
  buf_init(&e);
  cr_expect_eq(kb_check_coverage(k, &e), 0, "%s", e.data ? e.data : "");
  buf_free(&e);
  for (int m = 0; m < kb_n_muscles(k); m++) {
    const kb_muscle *mu = kb_muscle_at(k, m);
    cr_expect_gt(mu->n_treats, 0, "%s", mu->id);
    cr_expect(mu->n_selfcare > 0 || mu->selfcare_none, "%s", mu->id);
    for (int i = 0; i < mu->n_treats; i++) {
      cr_expect(mu->treats[i].hold_min >= 1 && mu->treats[i].hold_min <= mu->treats[i].hold_max, "%s", mu->id);
      cr_expect(mu->treats[i].band_hi < 8, "%s: a target band never reaches guarding (8)", mu->id);
    }
  }
}

Test(plan, phases_in_order_with_a_timed_release_per_point) {
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  in.points[1].tp = tp("levator-scapulae-upper");
  in.points[1].side = BODY_L;
  in.n_points = 2;
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0, "%s", err);
  int last = -1, releases = 0;
  for (int i = 0; i < p.n_steps; i++) {
    cr_expect_geq(p.steps[i].phase, last, "phases never go back");
    last = p.steps[i].phase;
    if (p.steps[i].phase == PLAN_RELEASE) {
      releases++;
      cr_expect(p.steps[i].timed);
      cr_expect_eq(p.steps[i].technique, tech("ischemic-compression"));
      cr_expect(p.steps[i].hold_min >= 10 && p.steps[i].hold_max <= 90);
    }
  }
  cr_expect_eq(releases, 2);
  cr_expect_eq(p.steps[0].phase, PLAN_ASSESS);
  cr_expect_eq(p.steps[p.n_steps - 1].phase, PLAN_RECHECK);
}

static int has_danger(const plan *p, int phase, const char *id) {
  int d = kb_find_term(k, KB_DANGER, id);
  for (int i = 0; i < p->n_steps; i++)
    if (p->steps[i].phase == phase)
      for (int j = 0; j < p->steps[i].n_dangers; j++) if (p->steps[i].dangers[j] == d) return 1;
  return 0;
}

Test(plan, danger_zones_near_the_points) {
  static const struct { const char *muscle, *danger; } cases[] = {
    {"scalenes", "brachial-plexus"}, {"sternocleidomastoid", "anterior-neck"}, {"iliopsoas", "femoral-triangle"},
    {"pectineus", "femoral-triangle"}, {"piriformis", "sciatic-nerve"}, {"popliteus", "popliteal-fossa"}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    int m = kb_find_muscle(k, cases[c].muscle);
    cr_assert_geq(m, 0);
    plan_input in;
    memset(&in, 0, sizeof in);
    in.points[0].tp = kb_muscle_at(k, m)->first_tp;
    in.points[0].side = BODY_R;
    in.n_points = 1;
    plan p;
    char err[128];
    cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
    cr_expect(has_danger(&p, PLAN_RELEASE, cases[c].danger), "%s should warn of %s", cases[c].muscle, cases[c].danger);
  }
}

Test(plan, session_contraindication_refers_and_treats_nothing) {
  const char *ids[] = {"fever", "dvt", "acute-cardiac"};
  for (int i = 0; i < 3; i++) {
    plan_input in = input1("upper-trapezius-tp1", BODY_L);
    in.contras[0].contra = contra(ids[i]);
    in.contras[0].region = -1;
    in.n_contras = 1;
    plan p;
    char err[128];
    cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
    cr_expect(p.refer);
    cr_expect_eq(p.n_steps, 0);
    cr_expect_gt(p.n_blocked, 0);
  }
}

Test(plan, screen_refer_treats_nothing) {
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  in.refer = "fever";
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect(p.refer);
  cr_expect_eq(p.n_steps, 0);
}

Test(plan, local_contraindication_needs_a_region) {
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  in.contras[0].contra = contra("open-wound");
  in.contras[0].region = -1;
  in.n_contras = 1;
  plan p;
  char err[128];
  cr_expect_eq(plan_build(k, &in, &p, err, sizeof err), -1);
  cr_expect(strstr(err, "open-wound") != NULL);
}

/* The property: for every trigger point on either side and every local contraindication at
** its region, the plan never treats (releases or stretches over) that region, and says why. */
Test(plan, local_contraindications_never_treated_over) {
  const body *b = kb_body(k);
  int n_checked = 0;
  for (int c = 0; c < kb_n_terms(k, KB_CONTRA); c++) {
    if (kb_term_at(k, KB_CONTRA, c)->scope != KB_SCOPE_LOCAL) continue;
    for (int t = 0; t < kb_n_tps(k); t++)
      for (int side = BODY_L; side <= BODY_R; side++) {
        int s = kb_muscle_at(k, kb_tp_at(k, t)->muscle)->paired ? side : BODY_MID;
        int base = kb_tp_at(k, t)->region;
        int region = body_concrete(b, base, body_base_paired(b, base) ? (s == BODY_MID ? BODY_L : s) : BODY_MID);
        plan_input in;
        memset(&in, 0, sizeof in);
        /* the point, its muscle's other points, and a point elsewhere */
        const kb_muscle *m = kb_muscle_at(k, kb_tp_at(k, t)->muscle);
        for (int u = m->first_tp; u < m->first_tp + m->n_tps; u++) { in.points[in.n_points].tp = u; in.points[in.n_points++].side = s; }
        in.points[in.n_points].tp = tp("upper-trapezius-tp1");
        in.points[in.n_points++].side = side;
        in.contras[0].contra = c;
        in.contras[0].region = region;
        in.n_contras = 1;
        plan p;
        char err[128];
        cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0, "%s", err);
        cr_assert_not(plan_treats_region(k, &p, region), "%s at %s treated over (point %s)",
                      kb_term_at(k, KB_CONTRA, c)->id, body_at(b, region)->id, kb_tp_at(k, t)->id);
        int blocked = 0;
        for (int i = 0; i < p.n_blocked; i++) blocked |= p.blocked[i].tp == t && p.blocked[i].contra == c;
        cr_assert(blocked, "%s: the block is reported", kb_tp_at(k, t)->id);
        n_checked++;
      }
  }
  cr_expect_gt(n_checked, 1000);
}

/* Modifying contraindications lower every band and hold, rule out their techniques, and keep
** away from their regions, for every muscle. */
Test(plan, modifiers_never_exceeded) {
  for (int c = 0; c < kb_n_terms(k, KB_CONTRA); c++) {
    const kb_term *ct = kb_term_at(k, KB_CONTRA, c);
    if (ct->scope != KB_SCOPE_MODIFY) continue;
    for (int m = 0; m < kb_n_muscles(k); m++) {
      const kb_muscle *mu = kb_muscle_at(k, m);
      plan_input in;
      memset(&in, 0, sizeof in);
      for (int u = mu->first_tp; u < mu->first_tp + mu->n_tps && in.n_points < PLAN_MAX_POINTS; u++) {
        in.points[in.n_points].tp = u;
        in.points[in.n_points++].side = mu->paired ? BODY_L : BODY_MID;
      }
      in.contras[0].contra = c;
      in.contras[0].region = -1;
      in.n_contras = 1;
      plan p;
      char err[128];
      cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
      for (int i = 0; i < p.n_steps; i++) {
        const plan_step *s = &p.steps[i];
        if (!s->timed) continue;
        if (ct->lo) cr_expect_leq(s->band_hi, ct->lo, "%s %s", ct->id, mu->id);
        if (ct->hi) cr_expect_leq(s->hold_max, ct->hi, "%s %s", ct->id, mu->id);
        for (int x = 0; x < ct->n_exclude; x++) cr_expect_neq(s->technique, ct->exclude[x], "%s %s", ct->id, mu->id);
        if (s->tp >= 0)
          for (int r = 0; r < ct->n_regions; r++) cr_expect_neq(kb_tp_at(k, s->tp)->region, ct->regions[r], "%s %s", ct->id, mu->id);
      }
    }
  }
}

Test(plan, anticoagulants_lower_band_and_hold) {
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  in.contras[0].contra = contra("anticoagulants");
  in.contras[0].region = -1;
  in.n_contras = 1;
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect_eq(p.band_max, 4);
  cr_expect_eq(p.hold_max, 30);
  int found = 0;
  for (int i = 0; i < p.n_steps; i++)
    if (p.steps[i].phase == PLAN_RELEASE) { found = 1; cr_expect(p.steps[i].modified); cr_expect_eq(p.steps[i].band_hi, 4); }
  cr_expect(found);
}

Test(plan, home_skips_stopped_points_and_contraindicated_areas) {
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  in.points[1].tp = tp("levator-scapulae-upper");
  in.points[1].side = BODY_L;
  in.points[2].tp = tp("gastrocnemius-tp1");
  in.points[2].side = BODY_R;
  in.n_points = 3;
  int region = body_concrete(kb_body(k), kb_tp_at(k, tp("gastrocnemius-tp1"))->region, BODY_R);
  in.contras[0].contra = contra("open-wound");
  in.contras[0].region = region;
  in.n_contras = 1;
  int stopped[PLAN_MAX_POINTS] = {-1, 5, -1};
  home h;
  home_build(k, &in, stopped, &h);
  cr_assert_eq(h.n_items, 3);
  cr_expect_null(h.items[0].skip);
  cr_expect_not_null(h.items[1].skip, "stopped in the session");
  cr_expect_eq(h.items[1].skip_event, 5);
  cr_expect_not_null(h.items[2].skip, "under a local contraindication");
  cr_expect_eq(h.items[2].skip_region, region);
}

Test(plan, conditions_named_in_the_issue_exist) {
  const char *ids[] = {"tension-headache", "desk-neck-shoulder", "low-back-pain", "sciatica-like", "tennis-elbow",
                       "runners-calf", "jaw-pain", "post-injury-stiffness"};
  for (int i = 0; i < 8; i++) {
    int c = kb_find_condition(k, ids[i]);
    cr_expect_geq(c, 0, "%s", ids[i]);
    if (c >= 0) { cr_expect_geq(kb_condition_at(k, c)->n_muscles, 3); cr_expect_gt(kb_condition_at(k, c)->n_sources, 0); }
  }
}

/* ---- safety (issue 13) ---- */
static plan_input with_contra(plan_input in, const char *id, int region) {
  in.contras[in.n_contras].contra = contra(id);
  in.contras[in.n_contras++].region = region;
  return in;
}
static int movement(const char *id) { int m = kb_find_term(k, KB_MOVEMENT, id); cr_assert_geq(m, 0, "%s", id); return m; }
static int has_move(const int *moves, int n, int mv) { for (int i = 0; i < n; i++) if (moves[i] == mv) return 1; return 0; }
static int muscle(const char *id) { int m = kb_find_muscle(k, id); cr_assert_geq(m, 0, "%s", id); return m; }

/* Does the plan have a step for muscle m whose technique takes the neck into movement mv? */
static int plan_moves(const plan *p, int m, int mv) {
  for (int i = 0; i < p->n_steps; i++) {
    const plan_step *s = &p->steps[i];
    if (s->muscle != m || s->treat < 0) continue;
    const kb_treat *t = &kb_muscle_at(k, m)->treats[s->treat];
    if (has_move(t->moves, t->n_moves, mv)) return 1;
  }
  return 0;
}
/* Is self-care `id` of the home item for muscle m offered? */
static int home_offers(const home *h, int m, const char *id) {
  for (int i = 0; i < h->n_items; i++) {
    const home_item *it = &h->items[i];
    if (it->muscle != m || it->skip) continue;
    const kb_muscle *mu = kb_muscle_at(k, m);
    for (int j = 0; j < mu->n_selfcare; j++)
      if (!strcmp(mu->selfcare[j].id, id)) return !(it->leave_out >> j & 1);
  }
  return 0;
}

Test(plan, cervical_arterial_dysfunction_rules_out_extension_rotation_stretches) {
  int mv = movement("neck-extension-rotation"), scm = muscle("sternocleidomastoid");
  plan_input in = input1("sternocleidomastoid-clavicular", BODY_L);
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect(plan_moves(&p, scm, mv), "without the contraindication the SCM stretch turns the head back and round");
  home h;
  home_build(k, &in, NULL, &h);
  cr_expect(home_offers(&h, scm, "scm-stretch"));

  in = with_contra(in, "cervical-arterial-dysfunction", -1);
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect_not(p.refer);
  cr_expect_not(plan_moves(&p, scm, mv), "no end-range extension-rotation stretch for SCM");
  int blocked = 0;
  for (int i = 0; i < p.n_blocked; i++) blocked |= p.blocked[i].muscle == scm && p.blocked[i].movement == mv;
  cr_expect(blocked, "the stretch left out is listed with its movement");
  int released = 0;
  for (int i = 0; i < p.n_steps; i++) released |= p.steps[i].phase == PLAN_RELEASE && p.steps[i].muscle == scm;
  cr_expect(released, "the point itself is still treated");
  home_build(k, &in, NULL, &h);
  cr_expect_not(home_offers(&h, scm, "scm-stretch"), "nor at home");

  /* every tagged stretch of the neck, clinic and home, goes under the contraindication */
  plan_input in2 = input1("scalenes-anterior-medius-posterior", BODY_R);
  in2 = with_contra(in2, "cervical-arterial-dysfunction", -1);
  home_build(k, &in2, NULL, &h);
  cr_expect_not(home_offers(&h, muscle("scalenes"), "scalene-stretch"));
  int tagged = 0;
  for (int m = 0; m < kb_n_muscles(k); m++) {
    const kb_muscle *mu = kb_muscle_at(k, m);
    for (int i = 0; i < mu->n_treats; i++) tagged += has_move(mu->treats[i].moves, mu->treats[i].n_moves, mv);
    for (int i = 0; i < mu->n_selfcare; i++) tagged += has_move(mu->selfcare[i].moves, mu->selfcare[i].n_moves, mv);
  }
  cr_expect_geq(tagged, 4, "SCM (clinic and home), scalene and platysma stretches are tagged");
}

Test(plan, cervical_arterial_signs_and_high_risk_pregnancy_refer) {
  const char *ids[] = {"cervical-arterial-signs", "high-risk-pregnancy"};
  for (int i = 0; i < 2; i++) {
    plan_input in = with_contra(input1("upper-trapezius-tp1", BODY_L), ids[i], -1);
    plan p;
    char err[128];
    cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
    cr_expect(p.refer, "%s: no treatment today", ids[i]);
    cr_expect_eq(kb_term_at(k, KB_CONTRA, contra(ids[i]))->scope, KB_SCOPE_SESSION);
    cr_expect_gt(kb_term_at(k, KB_CONTRA, contra(ids[i]))->n_sources, 0);
  }
}

Test(plan, vertebral_artery_warned_at_the_suboccipitals) {
  plan_input in = input1("suboccipitals-central", BODY_L);
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect(has_danger(&p, PLAN_RELEASE, "vertebral-artery"));
  in = input1("semispinalis-capitis-tp3", BODY_L);
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect(has_danger(&p, PLAN_RELEASE, "vertebral-artery"));
}

/* The rule of kb/care.kb: self-care never presses where a danger zone lies.  For every point of
** the kb: if its region is a danger zone's, no exercise of the home program presses (only plain
** stretches remain).  And each danger zone that now has regions holds at least one point, so
** the rule is exercised for it. */
Test(plan, self_care_never_presses_in_a_danger_zone) {
  const char *newly[] = {"brachial-plexus", "sciatic-nerve", "abdominal-aorta", "kidneys"};
  int hits[4] = {0};
  int stretch = kb_find_term(k, KB_TOOL, "stretch");
  for (int t = 0; t < kb_n_tps(k); t++) {
    const kb_tp *tp_ = kb_tp_at(k, t);
    int in_danger = -1;
    for (int d = 0; d < kb_n_terms(k, KB_DANGER); d++) {
      const kb_term *dt = kb_term_at(k, KB_DANGER, d);
      for (int r = 0; r < dt->n_regions; r++)
        if (dt->regions[r] == tp_->region) {
          in_danger = d;
          for (int x = 0; x < 4; x++) hits[x] += !strcmp(dt->id, newly[x]);
        }
    }
    plan_input in = input1(tp_->id, kb_muscle_at(k, tp_->muscle)->paired ? BODY_L : BODY_MID);
    home h;
    home_build(k, &in, NULL, &h);
    cr_assert_eq(h.n_items, 1);
    const home_item *it = &h.items[0];
    const kb_muscle *mu = kb_muscle_at(k, tp_->muscle);
    for (int j = 0; !it->skip && j < mu->n_selfcare; j++) {
      int offered = !(it->leave_out >> j & 1);
      if (in_danger >= 0 && offered)
        cr_expect_eq(mu->selfcare[j].tool, stretch, "%s lies in %s, yet self-care %s presses there", tp_->id,
                     kb_term_at(k, KB_DANGER, in_danger)->id, mu->selfcare[j].id);
      if (in_danger < 0) cr_expect(offered, "%s: %s left out with no reason", tp_->id, mu->selfcare[j].id);
    }
  }
  for (int x = 0; x < 4; x++) cr_expect_gt(hits[x], 0, "danger zone %s has a region holding a point", newly[x]);
}

Test(plan, raynauds_refuses_spray_and_stretch) {
  int spray = tech("spray-and-stretch");
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect(plan_allows(k, &p, spray));
  in = with_contra(in, "raynauds", -1);
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect_not(plan_allows(k, &p, spray), "no vapocoolant or ice with Raynaud's or cold intolerance");
  for (int i = 0; i < p.n_steps; i++) cr_expect_neq(p.steps[i].technique, spray);
}

Test(plan, no_massage_gun_on_blood_thinners) {
  const char *ids[] = {"anticoagulants", "antiplatelets", "bleeding-disorder"};
  int vl = muscle("vastus-lateralis");
  plan_input in = input1("vastus-lateralis-tp1", BODY_L);
  home h;
  home_build(k, &in, NULL, &h);
  cr_expect(home_offers(&h, vl, "massage-gun"));
  for (int i = 0; i < 3; i++) {
    plan_input in2 = with_contra(in, ids[i], -1);
    home_build(k, &in2, NULL, &h);
    cr_expect_not(home_offers(&h, vl, "massage-gun"), "%s", ids[i]);
    cr_expect(home_offers(&h, vl, "roller"), "%s: the foam roller stays", ids[i]);
    cr_expect_eq(h.items[0].tool_contra, contra(ids[i]));
  }
}

Test(plan, antiplatelets_beside_anticoagulants) {
  plan_input in = with_contra(input1("upper-trapezius-tp1", BODY_L), "antiplatelets", -1);
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect_not(p.refer);
  cr_expect_eq(p.band_max, 5);
  cr_expect_eq(p.hold_max, 30);
  cr_expect_not(plan_allows(k, &p, tech("gua-sha")));
  cr_expect_not(plan_allows(k, &p, tech("cupping")));
}

Test(plan, treated_dvt_excludes_the_whole_limb) {
  const body *bd = kb_body(k);
  int calf_l = body_find(bd, "calf-l");
  plan_input in = input1("vastus-lateralis-tp1", BODY_L);   /* a thigh point, on the limb of the clot */
  in.points[1].tp = tp("vastus-lateralis-tp1");
  in.points[1].side = BODY_R;
  in.points[2].tp = tp("tibialis-anterior-tp1");
  in.points[2].side = BODY_L;
  in.n_points = 3;
  in = with_contra(in, "dvt-treated", calf_l);
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  int left = 0, right = 0, blocked = 0;
  for (int i = 0; i < p.n_steps; i++) {
    if (p.steps[i].phase != PLAN_RELEASE && p.steps[i].phase != PLAN_STRETCH) continue;
    left += p.steps[i].side == BODY_L;
    right += p.steps[i].side == BODY_R;
  }
  for (int i = 0; i < p.n_blocked; i++) blocked += p.blocked[i].contra == contra("dvt-treated") && p.blocked[i].side == BODY_L;
  cr_expect_eq(left, 0, "nothing on the left leg: thigh and shin as well as the calf");
  cr_expect_gt(right, 0, "the other leg is treated");
  cr_expect_geq(blocked, 2);
  const kb_term *c = kb_term_at(k, KB_CONTRA, contra("dvt-treated"));
  cr_expect(kb_contra_reaches(k, c, calf_l, body_find(bd, "foot-top-l")));
  cr_expect_not(kb_contra_reaches(k, c, calf_l, body_find(bd, "calf-r")));
  cr_expect_not(kb_contra_reaches(k, c, calf_l, body_find(bd, "low-back-l")));
  cr_expect_not(kb_contra_reaches(k, kb_term_at(k, KB_CONTRA, contra("open-wound")), calf_l, body_find(bd, "shin-l")),
                "an ordinary local contraindication stays at its region");
}

Test(plan, pregnancy_cautions_at_shoulder_top_thumb_web_and_calf) {
  const char *pts[] = {"upper-trapezius-tp1", "hand-interossei-first-dorsal", "soleus-tp1"};
  int preg = contra("pregnancy");
  cr_expect_not_null(kb_term_at(k, KB_CONTRA, preg)->caution_text);
  cr_expect(strstr(kb_term_at(k, KB_CONTRA, preg)->caution_text, "weak") != NULL, "the note says how weak the evidence is");
  for (int i = 0; i < 3; i++) {
    plan_input in = input1(pts[i], BODY_L);
    plan p;
    char err[128];
    cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
    for (int s = 0; s < p.n_steps; s++) cr_expect_eq(p.steps[s].n_cautions, 0, "%s: no caution without pregnancy", pts[i]);
    in = with_contra(in, "pregnancy", -1);
    cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
    int cautioned = 0;
    for (int s = 0; s < p.n_steps; s++)
      if (p.steps[s].phase == PLAN_RELEASE) cautioned += p.steps[s].n_cautions == 1 && p.steps[s].cautions[0] == preg;
    cr_expect_eq(cautioned, 1, "%s: the release step carries the pregnancy caution", pts[i]);
    home h;
    home_build(k, &in, NULL, &h);
    cr_expect_eq(h.items[0].press_caution, preg, "%s: no pressing at home", pts[i]);
  }
  plan_input in = with_contra(input1("upper-trapezius-tp1", BODY_L), "pregnancy", -1);
  home h;
  home_build(k, &in, NULL, &h);
  cr_expect_not(home_offers(&h, muscle("upper-trapezius"), "ball-wall"));
  cr_expect(home_offers(&h, muscle("upper-trapezius"), "side-bend-stretch"), "the stretch stays");
}

/* ---- myofascial release ---- */
Test(plan, fascial_adds_sustained_holds_and_multidirectional_stretch) {
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  in.points[1].tp = tp("gastrocnemius-tp1");
  in.points[1].side = BODY_R;
  in.n_points = 2;
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  for (int i = 0; i < p.n_steps; i++) cr_expect_not(p.steps[i].fascial, "no myofascial release unless asked");
  int plain = p.n_steps;
  in.fascial = 1;
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  cr_expect_eq(p.n_steps, plain + 4, "a fascial hold and a fascial stretch per muscle");
  int holds = 0, stretches = 0, last_prepare = -1, first_release = -1, last = -1;
  for (int i = 0; i < p.n_steps; i++) {
    const plan_step *s = &p.steps[i];
    cr_expect_geq(s->phase, last, "phases in order");
    last = s->phase;
    if (s->phase == PLAN_PREPARE) last_prepare = i;
    if (s->phase == PLAN_RELEASE && first_release < 0) first_release = i;
    if (!s->fascial) continue;
    cr_expect(s->timed);
    if (s->phase == PLAN_PREPARE) {
      holds++;
      cr_expect_eq(s->technique, tech("cross-hand-release"));
      cr_expect(s->hold_min >= 90 && s->hold_max >= 180, "held 90 s to several minutes (%d-%d)", s->hold_min, s->hold_max);
      cr_expect_leq(s->band_hi, 3, "light: the tissue yields, it is not forced");
    } else if (s->phase == PLAN_STRETCH) {
      stretches++;
      cr_expect_eq(s->technique, tech("fascial-stretch"));
    } else cr_expect(0, "a fascial step outside prepare and stretch");
  }
  cr_expect_eq(holds, 2);
  cr_expect_eq(stretches, 2);
  cr_expect_lt(last_prepare, first_release, "the sustained holds come before the pressure work");
  /* the contraindications' limits hold for them too */
  in = with_contra(in, "anticoagulants", -1);
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  for (int i = 0; i < p.n_steps; i++) if (p.steps[i].fascial) cr_expect_leq(p.steps[i].hold_max, 30);
}

Test(plan, fascial_hold_runs_its_long_range) {
  /* a 300 s hold: the clock runs, the client is asked less often than in a short hold, and it
  ** ends at its longest hold */
  hold hd;
  hold_start(&hd, 90, 300, 1, 3);
  int asks = 0, min_at = -1;
  for (int t = 1; t <= 300 && !hold_done(&hd); t++) {
    int a = hold_tick(&hd, t);
    asks += a == HOLD_ADV_ASK;
    if (a == HOLD_ADV_MIN) min_at = t;
  }
  cr_expect(hold_done(&hd));
  cr_expect_eq(hd.outcome, HOLD_MAXED);
  cr_expect_eq(hd.t_end, 300);
  cr_expect_eq(min_at, 90);
  cr_expect_leq(asks, 10, "asked every 30 s, not every 10 (%d asks)", asks);
  cr_expect_geq(asks, 8);
}

/* ---- the words clients use ---- */
Test(plan, context_words_name_activities) {
  cr_expect_eq(kb_find_activity(k, "coughing"), kb_find_term(k, KB_ACTIVITY, "chronic-cough"));
  cr_expect_eq(kb_find_activity(k, "bruxism"), kb_find_term(k, KB_ACTIVITY, "clenching"));
  cr_expect_eq(kb_find_activity(k, "no-such-word"), -1);
  const char *ties[][2] = {{"side-sleeping", "infraspinatus"}, {"carrying", "supraspinatus"}, {"writing", "adductor-pollicis"},
                           {"skiing", "adductor-longus"}, {"kneeling", "vastus-medialis"}, {"coughing", "scalenes"}};
  for (int i = 0; i < 6; i++) {
    int a = kb_find_activity(k, ties[i][0]);
    cr_assert_geq(a, 0, "%s", ties[i][0]);
    const kb_tp *t = kb_tp_at(k, kb_muscle_at(k, muscle(ties[i][1]))->first_tp);
    int tied = 0;
    for (int j = 0; j < t->n_perpetuating; j++) tied |= t->perpetuating[j] == a;
    cr_expect(tied, "%s is tied to %s", ties[i][0], ties[i][1]);
  }
}

/* ---- sensitive areas (issue 12): the plan marks the steps that work in one ---- */

static int area(const char *id) { int a = kb_find_term(k, KB_SENSITIVE, id); cr_assert_geq(a, 0, "%s", id); return a; }

/* 1 if every step of the point's muscle in the plan of that point is marked with `a`, and no other step is. */
static int marks_muscle_steps(const char *tpid, int a) {
  plan_input in = input1(tpid, BODY_L);
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0, "%s", err);
  int muscle = kb_tp_at(k, tp(tpid))->muscle, timed = 0;
  for (int i = 0; i < p.n_steps; i++) {
    const plan_step *s = &p.steps[i];
    if ((s->muscle == muscle) != plan_step_sensitive(s, a)) return 0;
    timed += s->timed && plan_step_sensitive(s, a);
  }
  return timed > 0;
}

Test(plan, sensitive_areas_have_regions_and_sources) {
  cr_assert_eq(kb_n_terms(k, KB_SENSITIVE), 4);
  for (int a = 0; a < kb_n_terms(k, KB_SENSITIVE); a++) {
    const kb_term *t = kb_term_at(k, KB_SENSITIVE, a);
    cr_expect_gt(t->n_regions, 0, "%s", t->id);
    cr_expect_gt(t->n_sources, 0, "%s", t->id);
    cr_expect(t->text && *t->text, "%s says what to explain", t->id);
  }
}

Test(plan, steps_in_a_sensitive_area_are_marked) {
  cr_expect(marks_muscle_steps("gluteus-maximus-tp2", area("gluteal")));
  cr_expect(marks_muscle_steps("pectoralis-major-sternal", area("breast-chest-wall")));
  cr_expect(marks_muscle_steps("adductor-longus-tp1", area("upper-inner-thigh")));
  cr_expect(marks_muscle_steps("rectus-abdominis-lower", area("abdomen-pelvis")));
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0);
  for (int i = 0; i < p.n_steps; i++) cr_expect_eq(p.steps[i].n_sensitive, 0, "step %d of an upper trapezius plan", i + 1);
}

/* ---- one composer of the home program's limits (issue 12) ---- */

/* The program of an upper trapezius point with contraindication `c` (NULL: none), in every
** form: text, JSON and the HTML handout, one after another. */
static void home_forms(const char *c, buf *out) {
  plan_input in = input1("upper-trapezius-tp1", BODY_L);
  if (c) in = with_contra(in, c, -1);
  home h;
  home_build(k, &in, NULL, &h);
  chart *ch;
  buf e;
  buf_init(&e);
  cr_assert_eq(chart_load_builtin(&ch, kb_body(k), &e), 0, "%s", e.data ? e.data : "");
  buf_free(&e);
  sheet_home_text(out, k, &h);
  sheet_home_json(out, k, &h);
  sheet_home_html(out, k, ch, &h, NULL);
  chart_free(ch);
}

Test(plan, home_lines_never_contradict_the_modified_limits) {
  buf b;
  buf_init(&b);
  home_forms(NULL, &b);
  cr_expect_not_null(strstr(b.data, "4 to 7 out of 10"), "without limits the general line stands");
  cr_expect_not_null(strstr(b.data, "30 to 60 seconds"));
  buf_free(&b);
  buf_init(&b);
  home_forms("anticoagulants", &b);
  cr_expect_null(strstr(b.data, "4 to 7"), "a warfarin client's program says no 4 to 7");
  cr_expect_null(strstr(b.data, "30 to 60"), "... and no 30 to 60 seconds");
  cr_expect_not_null(strstr(b.data, "no more than 4 out of 10"));
  cr_expect_not_null(strstr(b.data, "no longer than 30 seconds"));
  cr_expect_not_null(strstr(b.data, "\"text\":\"Because of anticoagulant medication"), "the JSON carries the limits sentence");
  buf_free(&b);
  buf_init(&b);
  home_forms("osteoporosis", &b);   /* lowers the band only */
  cr_expect_null(strstr(b.data, "4 to 7"));
  cr_expect_not_null(strstr(b.data, "30 to 60 seconds"), "a hold it does not limit keeps the general line");
  buf_free(&b);
}

/* The plan in French: the techniques' labels and generic how from kb/fr/care.kb, the muscles'
** names added; in English (NULL or "en") the same bytes as sheet_plan_json. */
Test(plan, plan_json_in_french_keeps_english_as_it_was) {
  plan_input in = input1("temporalis-tp1", BODY_L);
  in.fascial = 1;
  plan p;
  char err[128];
  cr_assert_eq(plan_build(k, &in, &p, err, sizeof err), 0, "%s", err);
  buf e, en, en2, fr;
  buf_init(&e); buf_init(&en); buf_init(&en2); buf_init(&fr);
  sheet_plan_json(&en, k, &p);
  sheet_plan_json_lang(&en2, k, &p, "en");
  cr_assert_str_eq(en.data, en2.data);
  kb *tk = NULL;   /* the kb parsed from its text, as for --lang (the tables have no translations) */
  cr_assert_eq(kb_load_builtin_text(&tk, &e), 0, "%s", e.data ? e.data : "");
  kb_free(k);
  k = tk;
  buf_reset(&en);
  sheet_plan_json(&en, k, &p);
  cr_assert_eq(kb_load_lang(k, "fr", &e), 0, "%s", e.data ? e.data : "");
  sheet_plan_json_lang(&fr, k, &p, "fr-CA");
  buf_reset(&en2);
  sheet_plan_json(&en2, k, &p);
  cr_assert_str_eq(en.data, en2.data, "English unchanged once French is read");
  cr_assert_null(strstr(en.data, "\"muscle_name\""));
  cr_assert_not_null(strstr(fr.data, "\"muscle_name\":\"temporal\""));
  cr_assert_not_null(strstr(fr.data, "\"lang\":\"fr\""));
  int timed = 0;
  for (int i = 0; i < p.n_steps; i++) {
    if (p.steps[i].technique < 0) continue;
    const char *lab = kb_term_text(k, "fr", KB_TECHNIQUE, p.steps[i].technique, "label");
    const kb_term *t = kb_term_at(k, KB_TECHNIQUE, p.steps[i].technique);
    cr_assert_str_neq(lab, t->label, "%s has a French label", t->id);
    buf want; buf_init(&want);
    buf_lit(&want, "\"label\":"); buf_json_str(&want, lab);
    cr_assert_not_null(strstr(fr.data, want.data), "%s", want.data);
    if (p.steps[i].treat < 0) {   /* a generic technique: its how in French too */
      buf_reset(&want); buf_lit(&want, "\"how\":"); buf_json_str(&want, kb_term_text(k, "fr", KB_TECHNIQUE, p.steps[i].technique, "how"));
      cr_assert_not_null(strstr(fr.data, want.data), "%s", want.data);
      cr_assert_null(strstr(fr.data, t->text), "%s: no English how", t->id);
    }
    buf_free(&want);
    timed++;
  }
  cr_assert_geq(timed, 3);
  buf_free(&e); buf_free(&en); buf_free(&en2); buf_free(&fr);
}
