/* test_present.c: unit tests of reading presentations from JSON and command-line words. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "choir.h"
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

Test(present, screen_items_have_their_words_in_both_languages) {
  /* every item the screen can add (the 8 red flags in bit order, then the cautions), with a name,
  ** and a reason and advice in French that are not the English; the run's copies read the same */
  cr_assert_eq(screen_n_items(), N_FLAGS + 4);
  for (int i = 0; i < screen_n_items(); i++) {
    const screen_item *it = screen_item_at(i);
    cr_assert(it);
    if (i < N_FLAGS) cr_expect_eq(it, screen_flag(i), "item %d is red flag %d", i, i);
    cr_expect(strlen(screen_label(it, "en")) > 3 && strlen(screen_label(it, "fr")) > 3, "%s", it->id);
    cr_expect_str_eq(screen_reason(it, "en"), it->reason);
    cr_expect_str_eq(screen_advice(it, NULL), it->advice);
    cr_expect_str_neq(screen_reason(it, "fr"), it->reason, "%s: the French reason is the English", it->id);
    cr_expect_str_neq(screen_advice(it, "fr-CA"), it->advice, "%s: the French advice is the English", it->id);
    for (int j = 0; j < i; j++) cr_expect_str_neq(screen_item_at(j)->id, it->id);
  }
  cr_expect_null(screen_item_at(N_FLAGS + 4));
  cr_expect_str_eq(screen_label(screen_flag(6), "en"), "bowel or bladder change");
  screen_item copy = *screen_flag(3);
  cr_expect_str_eq(screen_reason(&copy, "fr"), screen_reason(screen_flag(3), "fr"));
}

/* The plain batch line is read by a one-pass reader (ids found a word at a time, up to the line's
** last bytes); a space before the closing bracket sends the same line to the general reader. */
static void both_readers(const char *line, present *fast, present *general, int *rc_fast, int *rc_general) {
  char err[256], spaced[512];
  size_t n = strlen(line);
  cr_assert(n > 2 && n + 2 < sizeof spaced && strcmp(line + n - 2, "]}") == 0, "%s", line);
  memcpy(spaced, line, n - 2);
  memcpy(spaced + n - 2, " ]}", 4);
  *rc_fast = parse(line, fast, err);
  *rc_general = parse(spaced, general, err);
}

static void expect_same(const char *line) {
  present a, b;
  int ra, rb;
  both_readers(line, &a, &b, &ra, &rb);
  cr_expect_eq(ra, rb, "%s: %d and %d", line, ra, rb);
  if (ra || rb) return;
  cr_expect_eq(a.n_pain, b.n_pain, "%s", line);
  for (int i = 0; i < a.n_pain && i < b.n_pain; i++) {
    cr_expect_eq(a.pain[i].region, b.pain[i].region, "%s", line);
    cr_expect_eq(a.pain[i].intensity, b.pain[i].intensity, "%s", line);
    cr_expect_eq(a.pain[i].quality, b.pain[i].quality, "%s", line);
  }
}

Test(present, plain_line_reads_as_the_general_reader) {
  const char *ids[] = {"temple-l", "sternum", "perineum", "upper-teeth-r", "shoulder-side-r", "x", "",
                       "temple-l\\u0030", "temple", "temple-lx", "temple-l-", "temple\"-l",
                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
  const char *tails[] = {"", ",\"quality\":\"ache\"", ",\"quality\":\"numbness\"", ",\"quality\":\"tingling\"",
                         ",\"quality\":\"sharp\"", ",\"quality\":\"burning\"", ",\"quality\":\"achy\"",
                         ",\"quality\":\"ach\"", ",\"quality\":\"numbnes\"", ",\"quality\":\"\"",
                         ",\"intensity\":7,\"quality\":\"sharp\""};
  char line[512];
  int n_ok = 0;
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
      /* alone (the id then ends within the line's last eight bytes) and before another region */
      snprintf(line, sizeof line, "{\"pain\":[{\"region\":\"%s\"%s}]}", ids[i], tails[t]);
      expect_same(line);
      present p;
      char err[256];
      n_ok += parse(line, &p, err) == 0;
      snprintf(line, sizeof line, "{\"pain\":[{\"region\":\"%s\"%s},{\"region\":\"eye-l\"}]}", ids[i], tails[t]);
      expect_same(line);
    }
  cr_expect_eq(n_ok, 5 * 7, "the five real ids with no quality or one of the five, or an intensity");
}

/* A CHOIR segment id out of any int's range is refused (it was cast first: the fuzzer's 1e+18) */
Test(present, choir_ids_out_of_range_refused) {
  const char *bad[] = {"{\"choir\":[1e+18]}", "{\"choir\":[-1]}", "{\"choir\":[1e9]}", "{\"choir\":[128.5]}"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    present p;
    char err[256] = "";
    cr_expect_eq(present_parse_json_choir(k, choir_builtin(), bad[i], strlen(bad[i]), &p, err, sizeof err), PRESENT_EBAD, "%s", bad[i]);
    cr_expect(strstr(err, "choir") != NULL, "%s: %s", bad[i], err);
  }
  present p;
  char err[256] = "";
  cr_expect_eq(present_parse_json_choir(k, choir_builtin(), "{\"choir\":[128]}", 15, &p, err, sizeof err), 0, "%s", err);
}
