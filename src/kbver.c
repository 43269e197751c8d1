/* kbver.c: knowledge-base versions kept once in the store, and loaded back for old records. */
#include "kbver.h"

#include "builtin.h"
#include "pack.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The embedded kb as one text: for each kb/ file in table order, its name, a NUL, its length
** in decimal, a NUL, and its bytes.  The hash and the stored copy are of this text. */
static void builtin_text(buf *out) {
  for (int i = 0; i < n_builtin_files; i++) {
    const builtin_file *f = &builtin_files[i];
    if (strncmp(f->name, "kb/", 3)) continue;
    buf_puts(out, f->name);
    buf_putc(out, 0);
    buf_printf(out, "%zu", (size_t)f->len);
    buf_putc(out, 0);
    buf_append(out, f->data, f->len);
  }
}

static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static char builtin_hash[65];

static void hash_builtin(void) {
  buf t;
  buf_init(&t);
  builtin_text(&t);
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)t.data, t.len);
  sodium_bin2hex(builtin_hash, sizeof builtin_hash, h, sizeof h);
  buf_free(&t);
}

const char *kbver_builtin_hash(void) {
  pthread_once(&hash_once, hash_builtin);
  return builtin_hash;
}

int kbver_current(store *s, long *id) {
  const char *h = kbver_builtin_hash();
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, h);
  store_rows r;
  if (store_exec(s, "SELECT id FROM kbver WHERE hash = $1", &a, &r)) return -1;
  int found = r.nrow > 0;
  if (found) *id = strtol(store_cell(&r, 0, 0), NULL, 10);
  store_rows_free(&r);
  if (found) return 0;
  buf t, z;
  buf_init(&t);
  buf_init(&z);
  builtin_text(&t);
  pack_deflate('K', PACK_DICT_NONE, t.data, t.len, &z);
  char now[32];
  util_now(now);
  store_args ins;
  store_args_init(&ins);
  store_arg_text(&ins, h);
  store_arg_blob(&ins, z.data, z.len);
  store_arg_text(&ins, now);
  /* Another process may add the same version at the same moment: the second insert does
  ** nothing, and the row is read back. */
  int rc = store_begin(s) ||
           store_exec(s, "INSERT INTO kbver (hash, kb, created) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING", &ins, NULL) ||
           store_exec_long(s, "SELECT id FROM kbver WHERE hash = $1", &a, id) ||
           store_commit(s) ? -1 : 0;
  if (rc) store_rollback(s);
  buf_free(&t);
  buf_free(&z);
  return rc;
}

/* Stored versions loaded in this process. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kcache { char hash[65]; kb *k; } *cache;   /* never freed: a few versions at most */
static int n_cache, cap_cache;

static kb *load_text(const char *t, size_t len, buf *errors) {
  const char *names[64], *texts[64], *cat = NULL;
  size_t lens[64], cat_len = 0;
  int n = 0;
  for (const char *p = t, *end = t + len; p < end;) {
    const char *name = p, *z = memchr(p, 0, (size_t)(end - p));
    if (!z) return NULL;
    char *e;
    size_t l = strtoul(z + 1, &e, 10);
    if (*e || e >= end || l > (size_t)(end - e - 1)) return NULL;
    const char *data = e + 1;
    p = data + l;
    size_t nl = strlen(name);
    if (!strcmp(name, "kb/muscles.tsv")) { cat = data; cat_len = l; }
    else if (nl > 3 && !strcmp(name + nl - 3, ".kb") && n < 64) { names[n] = name; texts[n] = data; lens[n] = l; n++; }
  }
  if (!cat) { buf_puts(errors, "no kb/muscles.tsv"); return NULL; }
  kb *k;
  return kb_load_texts(&k, n, names, texts, lens, cat, cat_len, errors) ? NULL : k;
}

const kb *kbver_kb(store *s, const kb *running, long id, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows r;
  if (store_exec(s, "SELECT hash FROM kbver WHERE id = $1", &a, &r)) {
    snprintf(err, errlen, "knowledge-base version %ld: %s", id, store_error(s));
    return NULL;
  }
  char hash[65];
  snprintf(hash, sizeof hash, "%s", r.nrow && store_cell(&r, 0, 0) ? store_cell(&r, 0, 0) : "");
  store_rows_free(&r);
  if (!*hash) { snprintf(err, errlen, "knowledge-base version %ld is not in the database", id); return NULL; }
  if (kb_is_embedded(running) && !strcmp(hash, kbver_builtin_hash())) return running;
  pthread_mutex_lock(&cache_lock);
  for (int i = 0; i < n_cache; i++)
    if (!strcmp(cache[i].hash, hash)) { kb *k = cache[i].k; pthread_mutex_unlock(&cache_lock); return k; }
  pthread_mutex_unlock(&cache_lock);
  if (store_exec(s, "SELECT kb FROM kbver WHERE id = $1", &a, &r)) {
    snprintf(err, errlen, "knowledge-base version %ld: %s", id, store_error(s));
    return NULL;
  }
  buf t, errors;
  buf_init(&t);
  buf_init(&errors);
  int tag = 0;
  kb *k = NULL;
  if (r.nrow && !pack_inflate(store_cell(&r, 0, 0), store_cell_len(&r, 0, 0), &tag, &t) && tag == 'K')
    k = load_text(t.data, t.len, &errors);
  /* the client's language as the running kb has it (--lang fr); a text that version's
  ** translation lacks or has wrong is read in English */
  if (k) { buf le; buf_init(&le); kb_load_langs_of(k, running, &le); buf_free(&le); }
  store_rows_free(&r);
  buf_free(&t);
  if (!k) {
    snprintf(err, errlen, "knowledge-base version %ld (%.12s) cannot be loaded: %.300s", id, hash,
             errors.data ? errors.data : "damaged");
    buf_free(&errors);
    return NULL;
  }
  buf_free(&errors);
  pthread_mutex_lock(&cache_lock);
  for (int i = 0; i < n_cache; i++)   /* another thread was quicker */
    if (!strcmp(cache[i].hash, hash)) { kb_free(k); k = cache[i].k; pthread_mutex_unlock(&cache_lock); return k; }
  if (n_cache == cap_cache) {
    cap_cache = cap_cache ? 2 * cap_cache : 4;
    cache = xrealloc(cache, (size_t)cap_cache * sizeof *cache);
  }
  snprintf(cache[n_cache].hash, sizeof cache[0].hash, "%s", hash);
  cache[n_cache++].k = k;
  pthread_mutex_unlock(&cache_lock);
  return k;
}
