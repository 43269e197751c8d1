/* test_links.c: unit tests of the client's links (links.c): the tokens (random, 128 bits, hex),
** their hash (BLAKE2b-256, what the store keeps), and a link's life in a SQLite store: found by its
** token only, of its own kind only, used once (intake) or many times (home), revoked, expired. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "links.h"
#include "store.h"
#include "testdb.h"

Test(links, tokens_are_128_random_bits_in_lowercase_hex) {
  cr_assert(sodium_init() >= 0);
  char a[LINKS_TOKEN_LEN + 1], b[LINKS_TOKEN_LEN + 1];
  links_token_new(a);
  cr_assert_eq(strlen(a), 32);
  cr_assert(links_token_ok(a));
  int same = 0;
  for (int i = 0; i < 1000; i++) {
    links_token_new(b);
    same += !strcmp(a, b);
    cr_assert(links_token_ok(b), "%s", b);
  }
  cr_assert_eq(same, 0);
}

Test(links, malformed_tokens_are_refused_before_any_lookup) {
  cr_assert(!links_token_ok(NULL));
  cr_assert(!links_token_ok(""));
  cr_assert(!links_token_ok("0123456789abcdef0123456789abcde"));     /* 31 */
  cr_assert(!links_token_ok("0123456789abcdef0123456789abcdef0"));   /* 33 */
  cr_assert(!links_token_ok("0123456789ABCDEF0123456789abcdef"));    /* upper case */
  cr_assert(!links_token_ok("0123456789abcdef0123456789abcdeg"));
  cr_assert(!links_token_ok("0123456789abcdef0123456789abcd'f"));
  cr_assert(links_token_ok("0123456789abcdef0123456789abcdef"));
}

Test(links, the_hash_is_blake2b_256_in_hex) {
  char h[65];
  links_token_hash("abc", h);   /* the BLAKE2b-256 test vector of "abc" */
  cr_assert_str_eq(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

Test(links, times_are_iso_utc) {
  char t[21];
  links_time(0, t);
  cr_assert_str_eq(t, "1970-01-01T00:00:00Z");
  links_time(1796118300.9, t);
  cr_assert_str_eq(t, "2026-12-01T09:45:00Z");
}

static store *open_tmp(char *dir) {
  store *s = test_db_open(dir, "links");
  cr_assert_eq(store_exec(s, "INSERT INTO client (name, birth, created, updated) VALUES ('A', '1980-01-01', "
                             "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')", NULL, NULL), 0);
  return s;
}


Test(links, an_intake_link_is_found_by_its_token_and_used_once) {
  char dir[64], tok[LINKS_TOKEN_LEN + 1], other[LINKS_TOKEN_LEN + 1];
  store *s = open_tmp(dir);
  links_link l, f;
  const char *why;
  double now = 1796118300;
  cr_assert_eq(links_create(s, 1, 0, LINKS_INTAKE, now, tok, &l), 0);
  cr_assert_eq(l.expires, now + 7 * 86400);
  /* the store holds the hash, not the token */
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, tok);
  long n = -1;
  cr_assert_eq(store_exec_long(s, "SELECT COUNT(*) FROM client_link WHERE token_hash = $1", &a, &n), 0);
  cr_assert_eq(n, 0);
  cr_assert_eq(links_find(s, tok, LINKS_INTAKE, now + 1, &f, &why), 0);
  cr_assert_eq(f.id, l.id);
  cr_assert_eq(f.client, 1);
  cr_assert_eq(links_find(s, tok, LINKS_HOME, now + 1, &f, &why), LINKS_ENOTFOUND, "the other kind's route");
  strcpy(other, tok);
  other[0] = other[0] == 'a' ? 'b' : 'a';
  cr_assert_eq(links_find(s, other, LINKS_INTAKE, now + 1, &f, &why), LINKS_ENOTFOUND);
  cr_assert_eq(links_use(s, l.id, 0, now + 2), 0);
  cr_assert_eq(links_use(s, l.id, 0, now + 3), LINKS_EGONE, "used once");
  cr_assert_eq(links_find(s, tok, LINKS_INTAKE, now + 4, &f, &why), LINKS_EGONE);
  cr_assert_str_eq(why, "used");
  cr_assert_eq(f.uses, 1);
  test_db_close(s, dir);
}

Test(links, a_home_link_is_read_until_it_expires_or_is_revoked) {
  char dir[64], tok[LINKS_TOKEN_LEN + 1];
  store *s = open_tmp(dir);
  links_link l, f;
  const char *why;
  double now = 1796118300;
  cr_assert_eq(links_create(s, 1, 0, LINKS_HOME, now, tok, &l), 0);
  for (int i = 0; i < 3; i++) cr_assert_eq(links_use(s, l.id, 0, now + i), 0);
  cr_assert_eq(links_find(s, tok, LINKS_HOME, now + 30 * 86400 - 1, &f, &why), 0);
  cr_assert_eq(f.uses, 3);
  cr_assert_eq(links_find(s, tok, LINKS_HOME, now + 30 * 86400, &f, &why), LINKS_EGONE);
  cr_assert_str_eq(why, "expired");
  cr_assert_eq(links_use(s, l.id, 0, now + 30 * 86400), LINKS_EGONE);
  cr_assert_eq(links_revoke(s, 2, l.id, now + 5), LINKS_ENOTFOUND, "another client's link");
  cr_assert_eq(links_revoke(s, 1, l.id, now + 5), 0);
  cr_assert_eq(links_revoke(s, 1, l.id, now + 9), 0);
  cr_assert_eq(links_find(s, tok, LINKS_HOME, now + 6, &f, &why), LINKS_EGONE);
  cr_assert_str_eq(why, "revoked");
  cr_assert_eq(f.revoked, now + 5, "the first revocation stays");
  cr_assert_eq(links_use(s, l.id, 0, now + 6), LINKS_EGONE);
  test_db_close(s, dir);
}
