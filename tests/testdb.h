/* testdb.h: what the unit tests that need records share: the embedded knowledge base, and an
** empty SQLite database in a scratch directory of its own, removed at the end.  Include it
** after criterion.h. */
#ifndef MYOMAP_TESTDB_H
#define MYOMAP_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb.h"
#include "store.h"

/* The embedded knowledge base (the caller frees it with kb_free). */
static inline kb *test_kb(void) {
  kb *k;
  buf e;
  buf_init(&e);
  cr_assert_eq(kb_load_builtin(&k, &e), 0, "%s", e.data ? e.data : "");
  buf_free(&e);
  return k;
}

/* An empty database dir/t.db, dir made from /tmp/myomap-NAME-XXXXXX (64 bytes are enough for a
** short NAME); test_db_close closes it and removes dir. */
static inline store *test_db_open(char dir[64], const char *name) {
  snprintf(dir, 64, "/tmp/myomap-%s-XXXXXX", name);
  cr_assert(mkdtemp(dir), "mkdtemp %s", dir);
  char path[128], err[600];
  snprintf(path, sizeof path, "%s/t.db", dir);
  store *s;
  cr_assert_eq(store_open(&s, path, err, sizeof err), 0, "%s", err);
  return s;
}

static inline void test_db_close(store *s, const char *dir) {
  store_close(s);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

#endif
