/* test_util.c: unit tests of the small shared pieces: number formatting (util.c), the
** libraries opened on first use (lazy.c) and json_tree (json.c) against jansson's json_loadb. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"   /* (after jansson.h: json_tree alone) */
#include "lazy.h"
#include "util.h"

/* buf_dec (util.c) writes the chart's numbers: it must agree with printf's "%.Nf" with the
** trailing zeros trimmed, over a sweep of values and every precision it takes. */
static void trimmed(char *s, size_t n, double v, int dec) {
  snprintf(s, n, "%.*f", dec, v);
  if (strchr(s, '.')) {
    char *e = s + strlen(s) - 1;
    while (*e == '0') *e-- = 0;
    if (*e == '.') *e = 0;
  }
  if (strcmp(s, "-0") == 0) strcpy(s, "0");
}

Test(util, buf_dec_writes_what_printf_writes_without_trailing_zeros) {
  buf b;
  buf_init(&b);
  char want[64];
  unsigned x = 12345;
  int differ = 0;
  for (int i = 0; i < 200000; i++) {
    x = x * 1103515245u + 12345u;
    double v = ((double)(x >> 8) / (1 << 24) - 0.5) * (i % 7 == 0 ? 2e6 : i % 3 ? 900 : 2);
    if (i % 11 == 0) v = (double)(int)(v * 8) / 8;  /* exact binary fractions: halves and eighths */
    int dec = i % 7;
    trimmed(want, sizeof want, v, dec);
    buf_reset(&b);
    buf_dec(&b, v, dec);
    /* Values a hair from a rounding tie may round the other way: allow one unit in the last place. */
    if (strcmp(b.data, want) != 0) {
      double got = strtod(b.data, NULL), exp = strtod(want, NULL);
      cr_assert_leq(fabs(got - exp), pow(10, -dec) * 1.0001, "buf_dec(%.17g, %d) = %s, printf %s", v, dec, b.data, want);
      differ++;
    }
  }
  cr_expect_lt(differ, 100, "%d of 200000 differ from printf in the last place", differ);
  static const struct { double v; int dec; const char *s; } fixed[] = {
    {0, 2, "0"}, {-0.0, 2, "0"}, {-0.001, 2, "0"}, {12.5, 2, "12.5"}, {-3.25, 2, "-3.25"}, {100, 0, "100"},
    {0.1 + 0.2, 6, "0.3"}, {1e20, 2, "100000000000000000000"}, {2.675, 1, "2.7"}, {-7.999, 2, "-8"},
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    buf_reset(&b);
    buf_dec(&b, fixed[i].v, fixed[i].dec);
    cr_expect_str_eq(b.data, fixed[i].s, "buf_dec(%g, %d)", fixed[i].v, fixed[i].dec);
  }
  buf_free(&b);
}

/* ---- lazy.c ---- */

static struct { double (*cos)(double); double (*sqrt)(double); } m;
static const lazy_sym m_syms[] = {{"cos", offsetof(__typeof__(m), cos)}, {"sqrt", offsetof(__typeof__(m), sqrt)}};

Test(util, lazy_open_fills_the_table_once) {
  static const char *const names[] = {"libmyomap-no-such-library.so.9", "libm.so.6", NULL};
  lazy_lib lib = {names, "libc6", m_syms, 2, &m, 0, ""};
  cr_assert_eq(lazy_open(&lib), 0, "%s", lib.error);
  cr_assert_not_null(m.cos);
  cr_expect_float_eq(m.cos(0.0), 1.0, 1e-12);
  cr_expect_float_eq(m.sqrt(2.25), 1.5, 1e-12);
  m.cos = NULL;
  cr_assert_eq(lazy_open(&lib), 0, "a second call returns the first result");
  cr_expect_null(m.cos, "and does not load again");
}

Test(util, lazy_open_names_the_package_when_the_library_is_missing) {
  static const char *const names[] = {"libmyomap-no-such-library.so.9", NULL};
  lazy_lib lib = {names, "libmyomap-none", m_syms, 2, &m, 0, ""};
  cr_assert_eq(lazy_open(&lib), -1);
  cr_expect(strstr(lib.error, "libmyomap-no-such-library.so.9"), "%s", lib.error);
  cr_expect(strstr(lib.error, "install the Debian package libmyomap-none"), "%s", lib.error);
  cr_assert_eq(lazy_open(&lib), -1, "and stays failed");
}

Test(util, lazy_open_refuses_a_library_without_a_function) {
  static const lazy_sym bad[] = {{"cos", offsetof(__typeof__(m), cos)}, {"myomap_no_such_function", offsetof(__typeof__(m), sqrt)}};
  static const char *const names[] = {"libm.so.6", NULL};
  lazy_lib lib = {names, "libc6", bad, 2, &m, 0, ""};
  cr_assert_eq(lazy_open(&lib), -1);
  cr_expect(strstr(lib.error, "no function myomap_no_such_function"), "%s", lib.error);
}

/* util_utf8_bad: the offset of the first byte that is not valid UTF-8, -1 when all are. */
#define BAD(lit) util_utf8_bad(lit, sizeof(lit) - 1)
Test(util, utf8_bad_finds_the_first_invalid_byte) {
  cr_expect_eq(BAD(""), -1);
  cr_expect_eq(BAD("Ann Lee"), -1);
  cr_expect_eq(BAD("Zo\xc3\xab \xe6\x9d\x8e \xf0\x9f\x98\x80"), -1, "2-, 3- and 4-byte characters");
  cr_expect_eq(BAD("\xef\xbf\xbd\xf4\x8f\xbf\xbf"), -1, "U+FFFD and U+10FFFF");
  cr_expect_eq(BAD("Ann\xffLee"), 3, "0xff never appears in UTF-8");
  cr_expect_eq(BAD("ab\x80"), 2, "a continuation byte without its lead");
  cr_expect_eq(BAD("caf\xc3"), 3, "a character cut at the end");
  cr_expect_eq(BAD("caf\xc3x"), 3, "a lead byte followed by ASCII");
  cr_expect_eq(BAD("\xe6\x9d"), 0, "three bytes announced, two given");
  cr_expect_eq(BAD("\xc0\xaf"), 0, "an overlong '/'");
  cr_expect_eq(BAD("x\xe0\x80\xaf"), 1, "an overlong three-byte form");
  cr_expect_eq(BAD("\xed\xa0\x80"), 0, "a UTF-16 surrogate (U+D800)");
  cr_expect_eq(BAD("\xf4\x90\x80\x80"), 0, "above U+10FFFF");
  cr_expect_eq(BAD("\xf5\x80\x80\x80"), 0, "0xf5 never appears in UTF-8");
  cr_expect_eq(util_utf8_bad("\xc3\xa9", 1), 0, "the length is respected: the 2-byte character is cut");
  cr_expect_eq(BAD("a\0b"), -1, "NUL is ASCII (the callers refuse it where text may not hold one)");
}

/* util_error_at (the knowledge base's tables): FILE:LINE: message a line, the list cut after
** UTIL_MAX_ERRORS - 1 with a line saying so, every error counted. */
Test(util, error_at_lists_errors_by_line_and_stops_the_list) {
  buf b;
  buf_init(&b);
  util_errors e = {&b, "kb/t.tsv", 0};
  util_error_at(&e, 7, "bad \"%s\"", "x");
  cr_assert_str_eq(b.data, "kb/t.tsv:7: bad \"x\"\n");
  for (int i = 1; i <= UTIL_MAX_ERRORS + 5; i++) util_error_at(&e, 100 + i, "e%d", i);
  cr_assert_eq(e.n, UTIL_MAX_ERRORS + 6);
  int lines = 0;
  for (const char *p = b.data; *p; p++) lines += *p == '\n';
  cr_assert_eq(lines, UTIL_MAX_ERRORS, "%d lines:\n%s", lines, b.data);
  char last[64];
  snprintf(last, sizeof last, "kb/t.tsv:%d: e%d\n", 100 + UTIL_MAX_ERRORS - 2, UTIL_MAX_ERRORS - 2);
  cr_assert(strstr(b.data, last), "no %s in\n%s", last, b.data);
  cr_assert(strstr(b.data, last) + strlen(last) == strstr(b.data, "kb/t.tsv: too many errors; stopping the list here\n"),
            "%s", b.data);
  buf_free(&b);
}

/* util_fail writes the message, cut to the buffer, and returns the code it was given. */
Test(util, fail_writes_the_message_and_returns_the_code) {
  char err[8];
  cr_assert_eq(util_fail(-3, err, sizeof err, "no client %d", 42), -3);
  cr_assert_str_eq(err, "no clie");
}

/* util_line and util_split_tabs (the kb's tables): lines cut at \n with a \r before it dropped,
** empty lines kept, the last line without a newline read, the end NULL; fields counted, one more
** than asked for when there are more. */
Test(util, line_and_split_tabs_read_a_table_in_place) {
  char text[] = "a\tb\r\n\nc\td\te\nlast";
  char *at = text, *l;
  const char *want[] = {"a\tb", "", "c\td\te", "last"};
  int n = 0;
  while ((l = util_line(&at))) {
    cr_assert_lt(n, 4);
    cr_assert_str_eq(l, want[n], "line %d: \"%s\"", n + 1, l);
    n++;
  }
  cr_assert_eq(n, 4);
  char *f[2];
  char two[] = "x\ty", three[] = "x\ty\tz", one[] = "x";
  cr_assert_eq(util_split_tabs(two, f, 2), 2);
  cr_assert_str_eq(f[0], "x");
  cr_assert_str_eq(f[1], "y");
  cr_assert_eq(util_split_tabs(three, f, 2), 3);
  cr_assert_eq(util_split_tabs(one, f, 2), 1);
  char empty[] = "";
  at = empty;
  cr_assert_null(util_line(&at));
}

/* json_tree must be json_loadb(text, len, 0, ...) exactly: both NULL, or both a tree, the same
** (json_equal) and written the same (member order, integer or real); json_tree_fast, the part
** of it that does not hand the text to jansson, must never give a tree jansson would not.
** Returns 0, or -1 with what differs in why. */
static int same_as_jansson(const char *s, size_t n, char *why, size_t whylen) {
  json_error_t je;
  json_t *want = json_loadb(s, n, 0, &je), *got = json_tree(s, n, NULL), *fast = json_tree_fast(s, n);
  int rc = 0;
  const json_t *mine[] = {got, fast};
  for (int i = 0; i < 2 && !rc; i++) {
    if (!mine[i]) {
      if (i == 0 && want) { snprintf(why, whylen, "jansson reads it, json_tree does not"); rc = -1; }
      continue;
    }
    if (!want) { snprintf(why, whylen, "%s reads it, jansson does not (%s)", i ? "json_tree_fast" : "json_tree", je.text); rc = -1; break; }
    char *a = json_dumps(want, JSON_COMPACT | JSON_PRESERVE_ORDER), *b = json_dumps(mine[i], JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!json_equal(want, mine[i]) || !a || !b || strcmp(a, b)) {
      snprintf(why, whylen, "jansson %.200s, %s %.200s", a ? a : "?", i ? "json_tree_fast" : "json_tree", b ? b : "?");
      rc = -1;
    }
    free(a);
    free(b);
  }
  json_decref(want);
  json_decref(got);
  json_decref(fast);
  return rc;
}

static char *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *s = malloc(1 << 20);
  *n = s ? fread(s, 1, 1 << 20, f) : 0;
  fclose(f);
  return s;
}

/* documents with their lengths (sizeof - 1: a NUL inside counts) */
#define DOC(s) {s, sizeof s - 1}
static const struct { const char *s; size_t n; } valid_docs[] = {
  DOC("{}"), DOC("[]"), DOC(" \t\r\n{ \r\n\t\"a\" \n:\t[ 1 ,\r2 ] , \"b\" : { } }\n\t "), DOC("[ ]"),
  DOC("[0,-0,1,-1,7,123456789012345678,-123456789012345678]"),
  DOC("[1.0,-0.0,0.5,1e2,1E2,1e+2,1e-2,-1.5e-3,0e5,2.5E-300,1e-400,3.141592653589793238462643383279]"),
  DOC("[9223372036854775807,-9223372036854775808,1234567890123456789]"),
  DOC("[true,false,null,[true],{\"t\":false,\"n\":null}]"),
  DOC("{\"a\":1,\"b\":2,\"a\":3}"), DOC("{\"a\":{\"x\":1},\"a\":[2],\"c\":\"d\",\"c\":null}"),
  DOC("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"a\\nb\",\"\\\\\",\"\"]"), DOC("{\"a\\nb\":1,\"\\\"\":\"\\t\"}"),
  DOC("[\"\\u00e9\\u20ac\\uD83D\\uDE00\",\"x\\u0041y\"]"), DOC("{\"\\u00e9\":1}"),
  DOC("{\"\xc3\xa9t\xc3\xa9\":\"\xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"}"), DOC("[\"caf\xc3\xa9\\n\"]"),
  DOC("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
};
static const struct { const char *s; size_t n; } invalid_docs[] = {
  DOC(""), DOC(" "), DOC("\"x\""), DOC("3"), DOC("-0"), DOC("true"), DOC("null"), DOC("{} x"), DOC("{}{}"),
  DOC("[1,]"), DOC("[,1]"), DOC("{\"a\"}"), DOC("{\"a\":}"), DOC("{\"a\":1,}"), DOC("{1:2}"), DOC("[1 2]"),
  DOC("[01]"), DOC("[-01]"), DOC("[00]"), DOC("[01.5]"), DOC("[-00.5]"), DOC("[1.]"), DOC("[.5]"), DOC("[+1]"),
  DOC("[1e]"), DOC("[1e+]"), DOC("[-]"), DOC("[0x10]"), DOC("[1e400]"), DOC("[-1e400]"), DOC("[Infinity]"), DOC("[NaN]"),
  DOC("[99999999999999999999]"), DOC("[-99999999999999999999]"), DOC("[9223372036854775808]"),
  DOC("[\"\\u0000\"]"), DOC("{\"a\\u0000b\":1}"), DOC("[\"\\ud800\"]"), DOC("[\"\\udc00\"]"), DOC("[\"\\ud800\\u0041\"]"),
  DOC("[\"\\u12G4\"]"), DOC("[\"\\x\"]"), DOC("[\"\\\"]"), DOC("[\"a\x01\"]"), DOC("[\"a\nb\"]"), DOC("[\"a\tb\"]"),
  DOC("{\"a\x1f\":1}"), DOC("[\"\xc3\"]"), DOC("[\"\xc3(\"]"), DOC("[\"\xc0\xaf\"]"), DOC("[\"\xed\xa0\x80\"]"),
  DOC("[\"\xf5\x80\x80\x80\"]"), DOC("[\"\x80\"]"), DOC("{\"\xff\":1}"), DOC("[\"a\"]\xc3\xa9"), DOC("\xef\xbb\xbf{}"),
  DOC("[\"abc"), DOC("[1"), DOC("{"), DOC("{\"a\":1"), DOC("[tru]"), DOC("[True]"), DOC("[nul]"), DOC("[truex]"),
  DOC("[1]\0"), DOC("[1,\0 2]"), DOC("[\"a\0b\"]"), DOC("[1]]"), DOC("]"), DOC("[\"a\" : 1]"),
};

Test(util, json_tree_reads_what_jansson_reads) {
  char why[600];
  for (size_t i = 0; i < sizeof valid_docs / sizeof *valid_docs; i++) {
    cr_expect(same_as_jansson(valid_docs[i].s, valid_docs[i].n, why, sizeof why) == 0, "%s: %s", valid_docs[i].s, why);
    json_t *t = json_tree(valid_docs[i].s, valid_docs[i].n, NULL);
    cr_expect(t != NULL, "json_tree refuses %s", valid_docs[i].s);
    json_decref(t);
  }
  for (size_t i = 0; i < sizeof invalid_docs / sizeof *invalid_docs; i++) {
    cr_expect(same_as_jansson(invalid_docs[i].s, invalid_docs[i].n, why, sizeof why) == 0, "%s: %s", invalid_docs[i].s, why);
    json_error_t je, jj;
    json_t *t = json_tree(invalid_docs[i].s, invalid_docs[i].n, &je), *j = json_loadb(invalid_docs[i].s, invalid_docs[i].n, 0, &jj);
    cr_expect(t == NULL, "json_tree reads %s", invalid_docs[i].s);
    cr_expect(j != NULL || (je.line == jj.line && je.position == jj.position && !strcmp(je.text, jj.text)),
              "%s: json_tree's error \"%s\", jansson's \"%s\"", invalid_docs[i].s, je.text, jj.text);
    json_decref(t);
    json_decref(j);
  }
}

/* a key given again keeps its first place and takes its last value, as in jansson */
Test(util, json_tree_keeps_a_repeated_key_where_it_first_stood) {
  const char s[] = "{\"a\":1,\"b\":2,\"a\":3}";
  json_t *t = json_tree(s, sizeof s - 1, NULL), *j = json_loadb(s, sizeof s - 1, 0, NULL);
  char *a = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER), *b = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
  cr_expect_str_eq(a, b);
  cr_expect_str_eq(a, "{\"a\":3,\"b\":2}");
  free(a);
  free(b);
  json_decref(t);
  json_decref(j);
}

/* nesting: json_parse stops at 64, jansson at 2048; both are json_loadb's verdict */
Test(util, json_tree_agrees_with_jansson_on_deep_nesting) {
  static const int depths[] = {63, 64, 65, 66, 100, 2047, 2048, 2049, 3000};
  char why[600];
  for (size_t d = 0; d < sizeof depths / sizeof *depths; d++) {
    int n = depths[d];
    char *s = malloc((size_t)n * 6 + 8);
    size_t k = 0;
    for (int i = 0; i < n; i++) k += (size_t)sprintf(s + k, i % 2 ? "{\"k\":" : "[");
    s[k++] = '1';
    for (int i = n - 1; i >= 0; i--) s[k++] = i % 2 ? '}' : ']';
    cr_expect(same_as_jansson(s, k, why, sizeof why) == 0, "depth %d: %s", n, why);
    free(s);
  }
}

/* the session logs myomap stores, as written (indented) and compact; json_tree_fast reads them
** itself (they are the hot path it is for), the same as jansson */
Test(util, json_tree_reads_a_session_log_as_jansson_does) {
  static const char *const paths[] = {"docs/examples/session.json", "build/bench-session.json"};
  char why[600];
  int read = 0;
  for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
    size_t n;
    char *s = read_all(paths[p], &n);
    if (!s) { cr_expect(p > 0, "cannot read %s", paths[p]); continue; }
    read++;
    json_t *j = json_loadb(s, n, 0, NULL);
    char *compact = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    cr_assert(compact, "%s is not JSON", paths[p]);
    const char *texts[] = {s, compact};
    size_t lens[] = {n, strlen(compact)};
    for (int i = 0; i < 2; i++) {
      cr_expect(same_as_jansson(texts[i], lens[i], why, sizeof why) == 0, "%s: %s", paths[p], why);
      json_t *f = json_tree_fast(texts[i], lens[i]);
      cr_expect(f != NULL, "json_tree_fast hands %s to jansson", paths[p]);
      json_decref(f);
    }
    free(compact);
    json_decref(j);
    free(s);
  }
  cr_expect(read > 0);
}

/* json_tree_scratch: the same tree as json_loadb, made in the thread's scratch memory, dropped
** whole; trees made the usual way before, between and after are untouched by it. */
Test(util, json_tree_scratch_is_jansson_tree_and_leaves_the_others_alone) {
  size_t n;
  char *s = read_all("docs/examples/session.json", &n);
  cr_assert(s);
  json_t *heap = json_loadb(s, n, 0, NULL), *copy = json_deep_copy(heap);
  cr_assert(heap && copy);
  for (int round = 0; round < 3; round++) {
    json_t *t = json_tree_scratch(s, n, NULL);
    cr_assert(t && json_equal(t, heap), "round %d: the same tree", round);
    json_t *more = json_tree(s, n, NULL);   /* the usual way, while a scratch tree lives */
    cr_assert(json_equal(more, heap));
    json_decref(more);
    if (round == 1) json_decref(t);   /* allowed: frees nothing */
  }
  json_error_t je;
  cr_assert_null(json_tree_scratch("{\"a\":", 5, &je), "an error is jansson's");
  cr_assert(je.text[0]);
  char *d = json_dumps(heap, JSON_COMPACT);   /* jansson's own allocations still free() */
  cr_assert(d);
  free(d);
  cr_assert(json_equal(heap, copy), "the tree made before is as it was");
  json_decref(heap);
  json_decref(copy);
  free(s);
}
