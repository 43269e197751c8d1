/* test_hold.c: every rule of the hold state machine (R1-R9, T1-T3 in src/hold.h). */
#include <criterion/criterion.h>

#include "hold.h"

static hold h;
static void start(void) { hold_start(&h, 20, 90, 4, 7); }

TestSuite(hold, .init = start);

Test(hold, r1_event_after_longest_hold_ends_it_unapplied) {
  cr_expect_eq(hold_event(&h, 95, HOLD_EV_FEEDBACK, 5), HOLD_ADV_LATE);
  cr_expect_eq(h.outcome, HOLD_MAXED);
  cr_expect_eq(h.t_end, 90);
  cr_expect_eq(h.n_samples, 0, "the late event is not recorded");
  cr_expect_eq(hold_event(&h, 96, HOLD_EV_RELEASED, 0), HOLD_ADV_LATE, "nothing applies after the end");
}

Test(hold, r2_sharp_shooting_numb_tingling_stop_the_point) {
  int kinds[] = {HOLD_EV_SHARP, HOLD_EV_SHOOTING, HOLD_EV_NUMB, HOLD_EV_TINGLING};
  for (int i = 0; i < 4; i++) {
    hold_start(&h, 20, 90, 4, 7);
    hold_event(&h, 3, HOLD_EV_FEEDBACK, 5);
    cr_expect_eq(hold_event(&h, 7, kinds[i], 0), HOLD_ADV_STOP_NERVE);
    cr_expect_eq(h.outcome, HOLD_STOPPED);
    cr_expect_eq(h.reason, kinds[i], "the reason is recorded");
    cr_expect_eq(h.t_end, 7);
  }
}

Test(hold, r3_client_stop_ends_the_hold) {
  cr_expect_eq(hold_event(&h, 12, HOLD_EV_STOP, 0), HOLD_ADV_STOP_CLIENT);
  cr_expect_eq(h.outcome, HOLD_CLIENT_STOP);
}

Test(hold, r4_released_moves_on_early_or_not) {
  cr_expect_eq(hold_event(&h, 30, HOLD_EV_RELEASED, 0), HOLD_ADV_RELEASED);
  cr_expect_eq(h.outcome, HOLD_RELEASED);
  hold_start(&h, 20, 90, 4, 7);
  cr_expect_eq(hold_event(&h, 8, HOLD_EV_RELEASED, 0), HOLD_ADV_RELEASED_EARLY);
  cr_expect_eq(h.outcome, HOLD_RELEASED);
}

Test(hold, r5_referral_confirms_and_goes_on) {
  cr_expect_eq(hold_event(&h, 10, HOLD_EV_REFERRAL, 0), HOLD_ADV_CONFIRMED);
  cr_expect(h.confirmed);
  cr_expect_not(hold_done(&h));
}

Test(hold, r6_eight_or_more_bracing_or_above_band_ease_off) {
  cr_expect_eq(hold_event(&h, 2, HOLD_EV_FEEDBACK, 8), HOLD_ADV_EASE_GUARD);
  cr_expect_eq(hold_event(&h, 3, HOLD_EV_BRACING, 0), HOLD_ADV_EASE_BRACE);
  cr_expect_not(hold_done(&h));
  hold_start(&h, 10, 30, 2, 4);   /* a lowered band (anticoagulants) */
  cr_expect_eq(hold_event(&h, 2, HOLD_EV_FEEDBACK, 6), HOLD_ADV_EASE_ABOVE);
  cr_expect_eq(hold_event(&h, 3, HOLD_EV_FEEDBACK, 10), HOLD_ADV_EASE_GUARD);
}

Test(hold, r6_third_ease_off_stops_as_too_sensitive) {
  hold_event(&h, 2, HOLD_EV_FEEDBACK, 9);
  hold_event(&h, 13, HOLD_EV_BRACING, 0);
  cr_expect_not(hold_done(&h));
  cr_expect_eq(hold_event(&h, 24, HOLD_EV_LESS, 0), HOLD_ADV_TOO_SENSITIVE);
  cr_expect_eq(h.outcome, HOLD_TOO_SENSITIVE);
}

Test(hold, r6_ease_offs_within_ten_seconds_count_once) {
  hold_start(&h, 10, 30, 2, 4);   /* a lowered band (anticoagulants): 7 and 5 are above it */
  cr_expect_eq(hold_event(&h, 1, HOLD_EV_FEEDBACK, 7), HOLD_ADV_EASE_ABOVE);
  cr_expect_eq(hold_event(&h, 3, HOLD_EV_LESS, 0), HOLD_ADV_EASE_LESS, "still advised");
  cr_expect_eq(hold_event(&h, 5, HOLD_EV_FEEDBACK, 5), HOLD_ADV_EASE_ABOVE, "still advised");
  cr_expect_eq(h.ease_offs, 1, "7, less, 5 within 4 s is one ease-off");
  cr_expect_not(hold_done(&h), "and does not end the point");
  /* the window runs from the last counted one (t=1), not from the latest: 10.5 s counts */
  hold_event(&h, 9, HOLD_EV_BRACING, 0);
  cr_expect_eq(h.ease_offs, 1);
  hold_event(&h, 11.5, HOLD_EV_BRACING, 0);
  cr_expect_eq(h.ease_offs, 2, "a new ease-off 10 s after the last counted one counts");
  cr_expect_eq(hold_event(&h, 22, HOLD_EV_FEEDBACK, 9), HOLD_ADV_TOO_SENSITIVE, "the third, counted, stops the point");
}

Test(hold, r7_in_band_or_good_holds_steady) {
  for (int v = 4; v <= 7; v++) cr_expect_eq(hold_event(&h, v, HOLD_EV_FEEDBACK, v), HOLD_ADV_IN_BAND);
  cr_expect_eq(hold_event(&h, 12, HOLD_EV_GOOD, 0), HOLD_ADV_IN_BAND);
}

Test(hold, r8_drop_below_band_after_band_is_yielding) {
  cr_expect_eq(hold_event(&h, 2, HOLD_EV_FEEDBACK, 2), HOLD_ADV_BELOW, "below without a reading in band");
  cr_expect_eq(hold_event(&h, 5, HOLD_EV_FEEDBACK, 6), HOLD_ADV_IN_BAND);
  cr_expect_eq(hold_event(&h, 25, HOLD_EV_FEEDBACK, 3), HOLD_ADV_SLACK);
  cr_expect_eq(hold_event(&h, 27, HOLD_EV_FEEDBACK, 2), HOLD_ADV_BELOW, "once per yielding");
}

Test(hold, r9_more_and_less) {
  cr_expect_eq(hold_event(&h, 2, HOLD_EV_MORE, 0), HOLD_ADV_MORE);
  hold_event(&h, 3, HOLD_EV_FEEDBACK, 7);
  cr_expect_eq(hold_event(&h, 4, HOLD_EV_MORE, 0), HOLD_ADV_MORE_TOP, "at the top of the band: hold");
  cr_expect_eq(hold_event(&h, 5, HOLD_EV_LESS, 0), HOLD_ADV_EASE_LESS);
}

Test(hold, t1_longest_hold_ends) {
  cr_expect_eq(hold_tick(&h, 89.9) == HOLD_ADV_MAX, 0);
  cr_expect_eq(hold_tick(&h, 90), HOLD_ADV_MAX);
  cr_expect_eq(h.outcome, HOLD_MAXED);
  cr_expect_eq(hold_tick(&h, 91), HOLD_ADV_NONE);
}

Test(hold, t2_shortest_hold_told_once) {
  hold_event(&h, 15, HOLD_EV_FEEDBACK, 5);
  cr_expect_eq(hold_tick(&h, 19), HOLD_ADV_NONE);
  cr_expect_eq(hold_tick(&h, 20), HOLD_ADV_MIN);
  cr_expect_eq(hold_tick(&h, 21), HOLD_ADV_NONE);
}

Test(hold, t3_ask_after_ten_quiet_seconds) {
  cr_expect_eq(hold_tick(&h, 9), HOLD_ADV_NONE);
  cr_expect_eq(hold_tick(&h, 10), HOLD_ADV_ASK);
  cr_expect_eq(hold_tick(&h, 15), HOLD_ADV_NONE);
  hold_event(&h, 16, HOLD_EV_FEEDBACK, 5);
  cr_expect_eq(hold_tick(&h, 19), HOLD_ADV_NONE, "feedback resets the clock");
  hold_tick(&h, 20);   /* min hold */
  cr_expect_eq(hold_tick(&h, 26), HOLD_ADV_ASK);
}

Test(hold, log_keeps_samples_events_and_advice) {
  hold_event(&h, 5, HOLD_EV_FEEDBACK, 6);
  hold_event(&h, 9, HOLD_EV_REFERRAL, 0);
  hold_event(&h, 30, HOLD_EV_RELEASED, 0);
  cr_expect_eq(h.n_samples, 1);
  cr_expect_eq(h.samples[0].value, 6);
  cr_expect_eq(h.n_events, 3);
  cr_expect_eq(h.n_advice, 3);
  cr_expect_str_eq(hold_outcome_name(h.outcome), "released");
  cr_expect_eq(hold_event_find("tingling"), HOLD_EV_TINGLING);
  cr_expect_eq(hold_event_find("tickle"), -1);
}

Test(hold, abort_marks_interrupted) {
  hold_abort(&h, 12);
  cr_expect_eq(h.outcome, HOLD_INTERRUPTED);
  cr_expect_eq(h.t_end, 12);
}

Test(hold, every_advice_line_has_a_key_and_its_words_in_both_languages) {
  /* the web app shows a line from GET /api/vocabulary by its key: keys distinct, texts in English
  ** and French, the French not the English, and an unknown language read as English */
  for (int a = 1; a < HOLD_N_ADVICE; a++) {
    const char *en = hold_advice_text_lang(a, "en"), *fr = hold_advice_text_lang(a, "fr-CA");
    cr_expect(strlen(en) > 10 && strlen(fr) > 10, "advice %d: %s / %s", a, en, fr);
    cr_expect_str_neq(en, fr, "advice %s: French is the English", hold_advice_key(a));
    cr_expect_str_eq(hold_advice_text_lang(a, NULL), hold_advice_text(a));
    cr_expect_str_eq(hold_advice_text_lang(a, "de"), en);
    cr_expect_str_neq(hold_advice_key(a), "none", "advice %d has no key", a);
    for (int b = 1; b < a; b++) cr_expect_str_neq(hold_advice_key(a), hold_advice_key(b), "advice %d and %d", b, a);
  }
  cr_expect_str_eq(hold_advice_text_lang(HOLD_N_ADVICE, "fr"), "");
  cr_expect_str_eq(hold_advice_text_lang(HOLD_ADV_IN_BAND, "fr"), "Productif : maintenez une pression stable.");
}

Test(hold, abort_for_consent_withdrawn_says_why) {
  hold_abort_why(&h, 7, HOLD_WHY_CONSENT);
  cr_expect_eq(h.outcome, HOLD_INTERRUPTED);
  cr_expect_str_eq(hold_reason_name(h.reason), "consent-withdrawn");
  hold_abort_why(&h, 9, -1);   /* an ended hold keeps its end and its reason */
  cr_expect_eq(h.t_end, 7);
  cr_expect_str_eq(hold_reason_name(h.reason), "consent-withdrawn");
  cr_expect_str_eq(hold_reason_name(HOLD_EV_SHARP), "sharp");
  cr_expect_null(hold_reason_name(-1));
  cr_expect_null(hold_reason_name(HOLD_WHY_CONSENT + 1));
}
