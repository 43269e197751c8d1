/* test_store.c: the store's bulk rows (store_copy_begin/row/end, store_ids) on SQLite: the rows
** as bound, refusals, and a failing row that leaves nothing behind.  (PostgreSQL's COPY is
** tested through `myomap log` by tests/records.sh on that backend.) */
#include <criterion/criterion.h>

#include "testdb.h"

static long count(store *s, const char *sql) {
  long n = -1;
  cr_assert_eq(store_exec_long(s, sql, NULL, &n), 0, "%s", store_error(s));
  return n;
}

Test(store, copy_writes_the_rows_as_bound) {
  char dir[64];
  store *s = test_db_open(dir, "copy");
  cr_assert_eq(store_exec(s, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL, c BLOB)", NULL, NULL), 0);
  cr_assert_neq(store_copy_begin(s, "t", "id, a, b, c", 4), 0, "outside a transaction: refused");
  cr_assert_eq(store_begin(s), 0);
  long ids[3];
  cr_assert_eq(store_ids(s, "t", 3, ids), 0, "%s", store_error(s));
  cr_assert(ids[0] == 1 && ids[1] == 2 && ids[2] == 3, "the next ids: %ld %ld %ld", ids[0], ids[1], ids[2]);
  cr_assert_eq(store_copy_begin(s, "t", "id, a, b, c", 4), 0, "%s", store_error(s));
  static const char bytes[] = {'\\', '\t', 0, '\n', (char)0xff};
  for (int i = 0; i < 3; i++) {
    store_args a;
    store_args_init(&a);
    store_arg_int(&a, ids[i]);
    store_arg_text(&a, i == 1 ? NULL : i ? "tab\there, new\nline, back\\slash" : "plain");
    store_arg_real(&a, 0.5 * i);
    store_arg_blob(&a, bytes, sizeof bytes);
    cr_assert_eq(store_copy_row(s, &a), 0, "%s", store_error(s));
  }
  store_args few;
  store_args_init(&few);
  store_arg_int(&few, 9);
  cr_assert_neq(store_copy_row(s, &few), 0, "a row of 1 value for 4 columns is refused");
  cr_assert(strstr(store_error(s), "1 values for 4 columns"), "%s", store_error(s));
  store_copy_end(s);
  cr_assert_eq(store_copy_begin(s, "t", "id, a, b, c", 4), 0, "%s", store_error(s));
  cr_assert_eq(store_copy_send(s), 0, "the end sent");
  cr_assert_eq(store_copy_end(s), 0, "and its end taken: %s", store_error(s));
  cr_assert_eq(store_copy_begin(s, "t", "id, a, b, c", 4), 0, "%s", store_error(s));
  cr_assert_eq(store_copy_send(s), 0);
  cr_assert_neq(store_copy_row(s, &few), 0, "no row after the end is sent");
  cr_assert_neq(store_copy_end(s), 0, "and that fails the copy");
  cr_assert_eq(store_commit(s), 0, "%s", store_error(s));
  store_rows r;
  cr_assert_eq(store_exec(s, "SELECT a, b, c FROM t ORDER BY id", NULL, &r), 0);
  cr_assert_eq(r.nrow, 3);
  cr_assert_str_eq(store_cell(&r, 0, 0), "plain");
  cr_assert_null(store_cell(&r, 1, 0), "NULL stays NULL");
  cr_assert_str_eq(store_cell(&r, 2, 0), "tab\there, new\nline, back\\slash");
  cr_assert_str_eq(store_cell(&r, 2, 1), "1.0");
  cr_assert(store_cell_len(&r, 2, 2) == sizeof bytes && !memcmp(store_cell(&r, 2, 2), bytes, sizeof bytes), "the blob's bytes");
  store_rows_free(&r);
  cr_assert_eq(store_begin(s), 0);
  cr_assert_eq(store_ids(s, "t", 2, ids), 0);
  cr_assert(ids[0] == 4 && ids[1] == 5, "past the rows written: %ld %ld", ids[0], ids[1]);
  cr_assert_eq(store_ids(s, "t", 2, ids), 0);
  cr_assert(ids[0] == 6 && ids[1] == 7, "past those given before in the transaction, not written yet: %ld %ld", ids[0], ids[1]);
  store_rollback(s);
  cr_assert_eq(store_begin(s), 0);
  cr_assert_eq(store_ids(s, "t", 1, ids), 0);
  cr_assert(ids[0] == 4, "a new transaction starts past the rows written again: %ld", ids[0]);
  store_rollback(s);
  test_db_close(s, dir);
}

Test(store, copy_a_failing_row_fails_the_copy_and_its_transaction_keeps_nothing) {
  char dir[64];
  store *s = test_db_open(dir, "copyfail");
  cr_assert_eq(store_exec(s, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER CHECK (v BETWEEN 0 AND 10))", NULL, NULL), 0);
  cr_assert_eq(store_begin(s), 0);
  cr_assert_eq(store_copy_begin(s, "t", "id, v", 2), 0);
  int ok = 1;
  for (int i = 0; i < 4 && ok; i++) {
    store_args a;
    store_args_init(&a);
    store_arg_int(&a, i + 1);
    store_arg_int(&a, i == 2 ? 11 : i);
    ok = !store_copy_row(s, &a);
  }
  cr_assert_eq(ok, 0, "the third row breaks the CHECK");
  cr_assert_neq(store_copy_end(s), 0, "and the copy fails");
  cr_assert(strstr(store_error(s), "CHECK"), "with the store's message: %s", store_error(s));
  store_rollback(s);
  cr_assert_eq(count(s, "SELECT COUNT(*) FROM t"), 0, "nothing of it kept");
  test_db_close(s, dir);
}
