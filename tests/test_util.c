/* test_util.c: unit tests of the small shared pieces: number formatting (util.c) and the
** libraries opened on first use (lazy.c). */
#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
