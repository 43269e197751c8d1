/* test_body.c: unit tests of the body model: every spec region, sides, mirroring, lookup. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "builtin.h"

Test(body, every_spec_region_has_its_sided_ids) {
  const body *b = body_builtin();
  cr_assert_not_null(b);
  const builtin_file *f = builtin_find("kb/regions.tsv");
  cr_assert_not_null(f);
  int paired = 0, midline = 0;
  char *text = strndup((const char *)f->data, f->len), *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (line[0] == '#' || !strncmp(line, "id\t", 3)) continue;
    char id[64], lab[128], view[16], pair[8];
    cr_assert_eq(sscanf(line, "%63[^\t]\t%127[^\t]\t%15[^\t]\t%7[^\t]", id, lab, view, pair), 4);
    char l[80], r[80];
    snprintf(l, sizeof l, "%s-l", id);
    snprintf(r, sizeof r, "%s-r", id);
    if (!strcmp(pair, "yes")) {
      paired++;
      cr_assert_geq(body_find(b, l), 0, "%s missing", l);
      cr_assert_geq(body_find(b, r), 0, "%s missing", r);
      cr_assert_lt(body_find(b, id), 0, "paired %s must not exist bare", id);
    } else {
      midline++;
      cr_assert_geq(body_find(b, id), 0, "%s missing", id);
      cr_assert_lt(body_find(b, l), 0);
    }
  }
  free(text);
  cr_assert_eq(body_n(b), 2 * paired + midline);
  cr_assert_eq(body_n(b), 169, "the spec has 169 sided ids");
}

Test(body, mirror_swaps_sides_and_is_an_involution) {
  const body *b = body_builtin();
  for (int i = 0; i < body_n(b); i++) {
    const body_region *r = body_at(b, i);
    int m = body_mirror(b, i);
    cr_assert_eq(body_mirror(b, m), i);
    cr_assert_str_eq(body_at(b, m)->base, r->base);
    if (r->side == BODY_MID) cr_assert_eq(m, i);
    else cr_assert_eq(body_at(b, m)->side, r->side == BODY_L ? BODY_R : BODY_L);
  }
  cr_assert_str_eq(body_at(b, body_mirror(b, body_find(b, "temple-l")))->id, "temple-r");
  cr_assert_str_eq(body_at(b, body_mirror(b, body_find(b, "sternum")))->id, "sternum");
}

Test(body, suggests_the_nearest_region) {
  const body *b = body_builtin();
  cr_assert_str_eq(body_suggest(b, "temporal-l"), "temple-l");
  cr_assert_str_eq(body_suggest(b, "neck-sid-r"), "neck-side-r");
  cr_assert_null(body_suggest(b, "xyzzy-plugh-quux"));
}

Test(body, concrete_and_base_lookup) {
  const body *b = body_builtin();
  int t = body_find_base(b, "temple");
  cr_assert_geq(t, 0);
  cr_assert_str_eq(body_at(b, body_concrete(b, t, BODY_R))->id, "temple-r");
  cr_assert_eq(body_concrete(b, t, BODY_MID), -1);
  int s = body_find_base(b, "sacrum");
  cr_assert_str_eq(body_at(b, body_concrete(b, s, BODY_L))->id, "sacrum");
  cr_assert_eq(body_findn(b, "temple-lx", 8), body_find(b, "temple-l"));
}

Test(body, load_rejects_bad_tables) {
  body *b = NULL;
  char err[256];
  const char bad[] = "id\tlabel\tview\tpaired\tgroup\nfoo\tFoo\tfront\tmaybe\thead\n";
  cr_assert_eq(body_load(&b, bad, sizeof bad - 1, err, sizeof err), -1);
  cr_assert(strstr(err, "regions.tsv:2") != NULL, "%s", err);
  const char dup[] = "a\tA\tfront\tno\thead\na\tA\tfront\tno\thead\n";
  cr_assert_eq(body_load(&b, dup, sizeof dup - 1, err, sizeof err), -1);
  cr_assert(strstr(err, "duplicate") != NULL, "%s", err);
}

Test(body, each_id_found_as_itself_and_no_near_miss) {
  /* the lookup hashes a word at a time and compares only ids of the same length and hash bits:
  ** every id is found as itself, and an id with any one byte changed, cut or grown is not found */
  const body *b = body_builtin();
  char s[128];
  for (int i = 0; i < body_n(b); i++) {
    const char *id = body_at(b, i)->id;
    size_t n = strlen(id);
    cr_assert_lt(n, sizeof s - 2);
    cr_assert_eq(body_find(b, id), i, "%s", id);
    cr_assert_eq(body_findn(b, id, n), i, "%s", id);
    for (size_t j = 0; j < n; j++) {
      memcpy(s, id, n + 1);
      s[j] = s[j] == 'z' ? 'y' : (char)(s[j] + 1);
      int f = body_find(b, s);
      cr_expect(f < 0 || strcmp(body_at(b, f)->id, s) == 0, "%s found as %s", s, id);
    }
    cr_expect_neq(body_findn(b, id, n - 1), i, "%s cut", id);
    memcpy(s, id, n);
    s[n] = 'x'; s[n + 1] = 0;
    int f = body_find(b, s);
    cr_expect(f < 0 || strcmp(body_at(b, f)->id, s) == 0, "%s grown", id);
  }
}
