/* test_present.c: unit tests of reading presentations from JSON and command-line words. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "present.h"
#include "screen.h"

static kb *k;
static void setup(void) {
  buf e;
  buf_init(&e);
  cr_assert_eq(kb_load_builtin(&k, &e), 0);
  buf_free(&e);
}
static void teardown(void) { kb_free(k); }
TestSuite(present, .init = setup, .fini = teardown);

static int parse(const char *s, present *p, char *err) { return present_parse_json(k, s, strlen(s), p, err, 256); }

Test(present, full_line_parses) {
  present p;
  char err[256];
  cr_assert_eq(parse("{\"pain\":[{\"region\":\"temple-l\",\"intensity\":6,\"quality\":\"ache\"},\"neck-side-l\"],"
                     "\"context\":[\"desk-work\"],\"onset\":\"after-exercise\",\"onset_hours\":24,"
                     "\"tender\":\"spot\",\"flags\":[\"fever\"],\"extra\":{\"ignored\":[1,2]}}", &p, err), 0, "%s", err);
  cr_assert_eq(p.n_pain, 2);
  cr_assert_eq(p.pain[0].intensity, 6);
  cr_assert_eq(p.pain[0].quality, Q_ACHE);
  cr_assert_eq(p.pain[1].intensity, -1);
  cr_assert_eq(p.n_context, 1);
  cr_assert_eq(p.onset, ONSET_AFTER_EXERCISE);
  cr_assert_eq(p.onset_hours, 24);
  cr_assert_eq(p.tender, TENDER_SPOT);
  cr_assert_eq(p.flags, FLAG_FEVER);
}

Test(present, errors_name_the_bad_input) {
  present p;
  char err[256];
  cr_assert_eq(parse("{\"pain\":[{\"region\":\"temporal-l\"}]}", &p, err), PRESENT_EREGION);
  cr_assert_str_eq(err, "temporal-l: no such region; did you mean temple-l?");
  cr_assert_eq(parse("{\"pain\":[\"temple\"]}", &p, err), PRESENT_EREGION);
  cr_assert(strstr(err, "temple-l or temple-r") != NULL, "%s", err);
  cr_assert_eq(parse("{\"pain\":[{\"region\":\"temple-l\",\"intensity\":11}]}", &p, err), PRESENT_EBAD);
  cr_assert(strstr(err, "pain[0].intensity") != NULL, "%s", err);
  cr_assert_eq(parse("{\"pain\":[{\"region\":\"temple-l\",\"quality\":\"dull\"}]}", &p, err), PRESENT_EBAD);
  cr_assert(strstr(err, "ache, burning, sharp, tingling or numbness") != NULL, "%s", err);
  cr_assert_eq(parse("{\"pain\":[{\"region\":\"temple-l\"}", &p, err), PRESENT_EBAD);
  cr_assert(strstr(err, "malformed JSON") != NULL, "%s", err);
  cr_assert_eq(parse("{\"region\":\"temple-l\"}", &p, err), PRESENT_EBAD);
  cr_assert(strstr(err, "missing \"pain\"") != NULL, "%s", err);
  cr_assert_eq(parse("{\"pain\":[\"temple-l\"],\"context\":[\"desk-wrk\"]}", &p, err), PRESENT_EBAD);
  cr_assert(strstr(err, "did you mean desk-work") != NULL, "%s", err);
  cr_assert_eq(parse("{\"pain\":[\"temple-l\"],\"flags\":[\"fevers\"]}", &p, err), PRESENT_EBAD);
  cr_assert_eq(parse("[1,2]", &p, err), PRESENT_EBAD);
  cr_assert_eq(parse("", &p, err), PRESENT_EBAD);
}

Test(present, words_and_merging) {
  present p;
  char err[256];
  present_init(&p);
  cr_assert_eq(present_parse_word(k, "temple-l:6:ache", &p, err, sizeof err), 0);
  cr_assert_eq(present_parse_word(k, "temple-l:8", &p, err, sizeof err), 0);
  cr_assert_eq(p.n_pain, 1, "a repeated region merges");
  cr_assert_eq(p.pain[0].intensity, 8);
  cr_assert_eq(p.pain[0].quality, Q_ACHE);
  cr_assert_eq(present_parse_word(k, "temple-l:12", &p, err, sizeof err), PRESENT_EBAD);
  cr_assert_eq(present_parse_word(k, "temple-l:5:dull", &p, err, sizeof err), PRESENT_EBAD);
  cr_assert_eq(present_parse_word(k, "templ-l", &p, err, sizeof err), PRESENT_EREGION);
}

Test(present, json_tokenizer_rejects_malformed_and_deep_input) {
  json_tok t[256];
  char err[96];
  const char *bad[] = {"{", "[1,]", "{\"a\" 1}", "\"\\x\"", "nul", "01x", "{\"a\":1}}", "\"abc", "-", "1.", "1e"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    cr_assert_lt(json_parse(bad[i], strlen(bad[i]), t, 256, err, sizeof err), 0, "accepted %s", bad[i]);
  char deep[300];
  memset(deep, '[', 200);
  deep[200] = 0;
  cr_assert_lt(json_parse(deep, 200, t, 256, err, sizeof err), 0);
  const char ok[] = " {\"a\":[1,-2.5e3,true,false,null,\"x\\u00e9\"]} ";
  cr_assert_eq(json_parse(ok, sizeof ok - 1, t, 256, err, sizeof err), 9, "%s", err);
  char s[16];
  cr_assert_eq(json_str(ok, &t[8], s, sizeof s), 3);
  cr_assert_str_eq(s, "x\xc3\xa9");
}

/* Issue 12: a red-flag question is answered yes, answered no, or not asked, and the three stay apart. */
Test(present, flags_yes_no_and_not_asked_kept_apart) {
  present p;
  char err[256];
  cr_assert_eq(parse("{\"pain\":[{\"region\":\"temple-l\",\"intensity\":4}],"
                     "\"flags\":{\"fever\":\"yes\",\"weight-loss\":\"no\",\"night-pain\":\"not-asked\"}}", &p, err), 0, "%s", err);
  cr_expect_eq(p.flags, FLAG_FEVER);
  cr_expect_eq(p.answered, FLAG_FEVER | FLAG_WEIGHT_LOSS, "night-pain not asked is not an answer");
  screen_result s;
  screen_run(k, &p, &s);
  cr_assert_eq(s.n_not_asked, N_FLAGS - 2, "every question but fever and weight-loss was not asked");
  for (int i = 0; i < s.n_not_asked; i++) {
    cr_expect_str_neq(s.not_asked[i], "fever");
    cr_expect_str_neq(s.not_asked[i], "weight-loss", "answered no is not 'not asked'");
  }
  buf b;
  buf_init(&b);
  present_flags_text(&p, &b);
  cr_expect_str_eq(b.data, "fever,weight-loss=no,numbness=not-asked,weakness=not-asked,shooting=not-asked,"
                           "night-pain=not-asked,bowel-bladder=not-asked,trauma=not-asked");
  /* read back as an intake stores it, item by item */
  present q;
  present_init(&q);
  char *copy = strdup(b.data), *save = NULL;
  for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) cr_assert_eq(present_add_flag(w, &q, err, sizeof err), 0, "%s", err);
  free(copy);
  buf_free(&b);
  cr_expect_eq(q.flags, p.flags);
  cr_expect_eq(q.answered, p.answered);
  cr_expect_eq(parse("{\"pain\":[\"temple-l\"],\"flags\":{\"fever\":\"maybe\"}}", &p, err), PRESENT_EBAD);
  cr_expect(strstr(err, "yes, no or not-asked") != NULL, "%s", err);
  /* the old list form (and an old intake's stored list) is read as before: those named are yes */
  cr_assert_eq(parse("{\"pain\":[\"temple-l\"],\"flags\":[\"fever\",\"trauma\"]}", &p, err), 0, "%s", err);
  cr_expect_eq(p.flags, FLAG_FEVER | FLAG_TRAUMA);
  screen_run(k, &p, &s);
  cr_expect_eq(s.n_not_asked, N_FLAGS - 2);
}

Test(present, screen_lists_each_item_once) {
  /* every item the screen can add at once (all flags but shooting, so that sharp pain is one):
  ** the screen adds them without searching its list, as their ids differ */
  present p;
  char err[256];
  cr_assert_eq(parse("{\"pain\":[{\"region\":\"perineum\",\"quality\":\"sharp\"},{\"region\":\"chest-l\",\"quality\":\"tingling\"},"
                     "{\"region\":\"sternum\",\"quality\":\"numbness\"}],\"flags\":[\"numbness\",\"weakness\",\"fever\","
                     "\"weight-loss\",\"night-pain\",\"bowel-bladder\",\"trauma\"]}", &p, err), 0, "%s", err);
  screen_result s;
  screen_run(k, &p, &s);
  cr_expect_eq(s.n_items, 11, "7 flags, saddle, tingling, sharp and chest-pain");
  for (int i = 0; i < s.n_items; i++)
    for (int j = 0; j < i; j++) cr_expect_str_neq(s.items[i].id, s.items[j].id, "item %d and %d", j, i);
  cr_expect_eq(s.level, SCREEN_URGENT);
}
