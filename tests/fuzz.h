/* fuzz.h: what the libFuzzer targets (tests/fuzz_*.c) share: the embedded knowledge base and an
** empty SQLite database, each made on the first input and kept for the run; failing to make
** them aborts (it is no input's fault, and the fuzzer must not go on without them). */
#ifndef MYOMAP_FUZZ_H
#define MYOMAP_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kb.h"
#include "store.h"

static inline kb *fuzz_kb(void) {
  static kb *k;
  if (!k) {
    buf e;
    buf_init(&e);
    if (kb_load_builtin(&k, &e)) abort();
    buf_free(&e);
  }
  return k;
}

/* The database of fuzz_db: in a directory of its own under /tmp, closed and removed at exit. */
struct fuzz_scratch {
  store *db;
  char dir[32], path[64];
};
static inline struct fuzz_scratch *fuzz_scratch(void) {
  static struct fuzz_scratch s = {NULL, "/tmp/myomap-fuzz-XXXXXX", ""};
  return &s;
}
static inline void fuzz_db_remove(void) {
  struct fuzz_scratch *s = fuzz_scratch();
  store_close(s->db);
  static const char *const ext[] = {"", "-wal", "-shm"};
  for (int i = 0; i < 3; i++) {
    char p[96];
    snprintf(p, sizeof p, "%s%s", s->path, ext[i]);
    unlink(p);
  }
  rmdir(s->dir);
}
static inline store *fuzz_db(void) {
  struct fuzz_scratch *s = fuzz_scratch();
  if (!s->db) {
    char err[600];
    if (!mkdtemp(s->dir)) abort();
    snprintf(s->path, sizeof s->path, "%s/f.db", s->dir);
    if (store_open(&s->db, s->path, err, sizeof err)) abort();
    atexit(fuzz_db_remove);
  }
  return s->db;
}

#endif
