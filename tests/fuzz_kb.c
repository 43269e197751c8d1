/* fuzz_kb.c: libFuzzer target: the knowledge-base loader must turn any file into either a
** knowledge base or errors, never a crash.  The input is loaded as kb/fuzz.kb beside the
** embedded vocabulary and sources. */
#include "builtin.h"
#include "kb.h"
#include "rank.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const builtin_file *v = builtin_find("kb/vocab.kb"), *s = builtin_find("kb/sources.kb"),
                     *c = builtin_find("kb/muscles.tsv");
  const char *names[] = {"kb/vocab.kb", "kb/sources.kb", "kb/fuzz.kb"};
  const char *texts[] = {(const char *)v->data, (const char *)s->data, (const char *)data};
  size_t lens[] = {v->len, s->len, size};
  buf e;
  buf_init(&e);
  kb *k = NULL;
  if (kb_load_texts(&k, 3, names, texts, lens, (const char *)c->data, c->len, &e) == 0) {
    kb_check_coverage(k, &e);
    rank *r = rank_new(k);   /* a loaded kb must also index */
    rank_free(r);
    kb_free(k);
  }
  buf_free(&e);
  return 0;
}
