/* test_plan.c: the session plan (phases, techniques, danger zones, contraindications), the
** home program, and the kb's treatment coverage. */
#include <criterion/criterion.h>
#include <string.h>

#include "home.h"
#include "plan.h"

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
