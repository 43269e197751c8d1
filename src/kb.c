/* kb.c: the trigger point knowledge base: parsing, validating and querying the kb/ files. */
#include "kb.h"
#include "builtin.h"

#include <ctype.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ERRORS 100

/* ---- an arena: everything a kb holds is freed at once ---- */
typedef struct chunk { struct chunk *next; size_t used, cap; char data[]; } chunk;

struct kb {
  const body *body;
  chunk *arena;
  kb_muscle *muscles; int n_muscles, cap_muscles;
  kb_tp *tps; int n_tps, cap_tps;
  kb_term *terms[KB_N_VOCABS]; int n_terms[KB_N_VOCABS], cap_terms[KB_N_VOCABS];
  char **catalogue; int n_catalogue;   /* muscle ids the kb must / may define */
  int *muscle_order;                   /* muscle indices sorted by id */
  int *tp_order;                       /* tp indices sorted by id */
  int *term_order[KB_N_VOCABS];
  kb_condition *conditions; int n_conditions, cap_conditions;
  int image;   /* 1: the embedded kb, whose arrays are the constant tables of build/kbdata.inc
               ** (tools/kbgen.c): never written, and kb_free frees only this struct */
  int embedded; /* 1: the kb embedded in this binary, from its tables or its text (kb_is_embedded) */
  /* translations (kb/LANG/NAME.kb): the English texts a client reads, and their translations */
  struct tr_text *texts; int n_texts, cap_texts;   /* English, sorted by kind, id, key */
  struct tr_text *trs; int n_trs, cap_trs;         /* translations, sorted by lang, kind, id, key */
  unsigned langs;                                  /* bit i: a file of kb_langs[i] was given */
  unsigned langs_loaded;                           /* bit i: kb_load_lang has read kb_langs[i]'s */
  int texts_sorted;                                /* texts are sorted (sort_texts) */
  struct { const char *name, *text; size_t len; int lang; } *trfiles; int n_trfiles;  /* in the arena */
};

static void *arena_alloc(kb *k, size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (!k->arena || k->arena->used + n > k->arena->cap) {
    size_t cap = n > 65536 ? n : 65536;
    chunk *c = xmalloc(sizeof *c + cap);
    c->next = k->arena; c->used = 0; c->cap = cap;
    k->arena = c;
  }
  void *p = k->arena->data + k->arena->used;
  k->arena->used += n;
  memset(p, 0, n);
  return p;
}

static char *arena_strndup(kb *k, const char *s, size_t n) {
  char *p = arena_alloc(k, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

static char *arena_strdup(kb *k, const char *s) { return arena_strndup(k, s, strlen(s)); }

/* ---- parsing into stanzas ---- */
typedef struct entry { const char *key, *value; int line; } entry;
typedef struct stanza {
  const char *file; int line;
  const char *kind, *id;
  entry *entries; int n_entries, cap_entries;
} stanza;

typedef struct loader {
  kb *k;
  buf *errors;
  int n_errors;
  stanza *stanzas; int n_stanzas, cap_stanzas;
} loader;

static void fail(loader *L, const char *file, int line, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
static void fail(loader *L, const char *file, int line, const char *fmt, ...) {
  L->n_errors++;
  if (L->n_errors > MAX_ERRORS) return;
  if (L->n_errors == MAX_ERRORS) { buf_puts(L->errors, "too many errors; stopping the list here\n"); return; }
  if (line > 0) buf_printf(L->errors, "%s:%d: ", file, line);
  else buf_printf(L->errors, "%s: ", file);
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(L->errors, fmt, ap);
  va_end(ap);
  buf_putc(L->errors, '\n');
}

/* " (did you mean "x"?)" or "" */
static const char *mean(char *tmp, size_t n, const char *s) {
  if (!s) return "";
  snprintf(tmp, n, " (did you mean \"%s\"?)", s);
  return tmp;
}

static int valid_id(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-')) return 0;
  return 1;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = 0;
  return s;
}

static void parse_text(loader *L, const char *name, const char *text, size_t len) {
  kb *k = L->k;
  const char *file = arena_strdup(k, name);
  char *copy = arena_strndup(k, text, len);
  if (memchr(text, 0, len)) { fail(L, file, 0, "file contains a NUL byte"); return; }
  stanza *cur = NULL;
  int lineno = 0;
  for (char *line = copy, *next; line; line = next) {
    lineno++;
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    char *s = trim(line);
    if (!*s || *s == '#') continue;
    if (*s == '[') {
      size_t n = strlen(s);
      char *sp = strchr(s, ' ');
      if (s[n - 1] != ']' || !sp) {
        fail(L, file, lineno, "expected a header \"[KIND ID]\", e.g. \"[muscle upper-trapezius]\"");
        cur = NULL;
        continue;
      }
      s[n - 1] = 0;
      *sp = 0;
      char *kind = s + 1, *id = trim(sp + 1);
      if (!valid_id(id)) {
        fail(L, file, lineno, "\"%s\" is not a valid id: use lowercase letters, digits and '-'", id);
        cur = NULL;
        continue;
      }
      if (L->n_stanzas == L->cap_stanzas) {
        L->cap_stanzas = L->cap_stanzas ? 2 * L->cap_stanzas : 256;
        L->stanzas = xrealloc(L->stanzas, (size_t)L->cap_stanzas * sizeof *L->stanzas);
      }
      cur = &L->stanzas[L->n_stanzas++];
      memset(cur, 0, sizeof *cur);
      cur->file = file; cur->line = lineno; cur->kind = kind; cur->id = id;
      continue;
    }
    char *eq = strchr(s, '=');
    if (!eq) {
      fail(L, file, lineno, "expected \"key = value\" or a header \"[KIND ID]\"");
      continue;
    }
    if (!cur) {
      fail(L, file, lineno, "\"key = value\" before any \"[KIND ID]\" header");
      continue;
    }
    *eq = 0;
    if (cur->n_entries == cur->cap_entries) {
      cur->cap_entries = cur->cap_entries ? 2 * cur->cap_entries : 16;
      cur->entries = xrealloc(cur->entries, (size_t)cur->cap_entries * sizeof *cur->entries);
    }
    entry *e = &cur->entries[cur->n_entries++];
    e->key = trim(s); e->value = trim(eq + 1); e->line = lineno;
  }
}

/* ---- the schema: which keys each kind takes ---- */
enum {
  T_TEXT, T_REGION, T_ZONE, T_SENSATIONS, T_ACTIVITIES, T_MIMICS, T_SOURCE, T_FREQ, T_YESNO,
  T_HOLD, T_BAND, T_INT, T_REGIONS, T_SCOPE, T_TOOL, T_DANGERS, T_MUSCLES, T_TECHNIQUES, T_PHASE, T_GROUP, T_HOURS
};
enum { F_REQUIRED = 1, F_REPEAT = 2 };
/* the safety and vocabulary keys (movements, cautions, activity words, tools ruled out) */
enum { T_MOVEMENTS = 64, T_CAUTION, T_WORDS, T_TOOLS };
typedef struct keydef { const char *key; int type, flags; } keydef;

static const keydef muscle_keys[] = {
  {"name", T_TEXT, F_REQUIRED}, {"group", T_TEXT, F_REQUIRED}, {"paired", T_YESNO, 0},
  {"perpetuating", T_ACTIVITIES, F_REPEAT}, {"perpetuating-note", T_TEXT, 0},
  {"mimics", T_MIMICS, F_REPEAT}, {"symptoms", T_TEXT, 0},
  {"source", T_SOURCE, F_REQUIRED | F_REPEAT}, {"danger", T_DANGERS, F_REPEAT},
  {"selfcare-none", T_TEXT, 0}, {0, 0, 0}};
static const keydef tp_keys[] = {
  {"name", T_TEXT, F_REQUIRED}, {"region", T_REGION, F_REQUIRED},
  {"location", T_TEXT, F_REQUIRED}, {"essential", T_ZONE, F_REQUIRED | F_REPEAT},
  {"spillover", T_ZONE, F_REPEAT}, {"sensations", T_SENSATIONS, F_REPEAT},
  {"perpetuating", T_ACTIVITIES, F_REPEAT}, {"mimics", T_MIMICS, F_REPEAT},
  {"symptoms", T_TEXT, 0}, {"frequency", T_FREQ, 0}, {"frequency-note", T_TEXT, 0},
  {"source", T_SOURCE, F_REPEAT}, {0, 0, 0}};
static const keydef term_keys[] = {{"label", T_TEXT, F_REQUIRED}, {0, 0, 0}};
static const keydef activity_keys[] = {{"label", T_TEXT, F_REQUIRED}, {"also", T_WORDS, F_REPEAT}, {0, 0, 0}};
static const keydef source_keys[] = {{"cite", T_TEXT, F_REQUIRED}, {0, 0, 0}};
static const keydef technique_keys[] = {
  {"label", T_TEXT, F_REQUIRED}, {"how", T_TEXT, F_REQUIRED}, {"hold", T_HOLD, F_REQUIRED},
  {"band", T_BAND, F_REQUIRED}, {"phase", T_PHASE, F_REQUIRED}, {"generic", T_YESNO, 0},
  {"source", T_SOURCE, F_REQUIRED | F_REPEAT}, {0, 0, 0}};
static const keydef advice_keys[] = {
  {"group", T_GROUP, F_REQUIRED}, {"label", T_TEXT, F_REQUIRED}, {"limited", T_TEXT, 0},
  {"source", T_SOURCE, F_REQUIRED | F_REPEAT}, {0, 0, 0}};
static const keydef correct_keys[] = {
  {"label", T_TEXT, F_REQUIRED}, {"desk-hours", T_HOURS, 0}, {"sleep-hours", T_HOURS, 0},
  {"source", T_SOURCE, F_REQUIRED | F_REPEAT}, {0, 0, 0}};
static const keydef danger_keys[] = {
  {"label", T_TEXT, F_REQUIRED}, {"why", T_TEXT, F_REQUIRED}, {"regions", T_REGIONS, F_REPEAT},
  {"source", T_SOURCE, F_REQUIRED | F_REPEAT}, {0, 0, 0}};
static const keydef sensitive_keys[] = {
  {"label", T_TEXT, F_REQUIRED}, {"why", T_TEXT, F_REQUIRED}, {"regions", T_REGIONS, F_REQUIRED | F_REPEAT},
  {"source", T_SOURCE, F_REQUIRED | F_REPEAT}, {0, 0, 0}};
static const keydef contra_keys[] = {
  {"label", T_TEXT, F_REQUIRED}, {"scope", T_SCOPE, F_REQUIRED}, {"advice", T_TEXT, F_REQUIRED},
  {"band-max", T_INT, 0}, {"hold-max", T_INT, 0}, {"avoid", T_REGIONS, F_REPEAT},
  {"exclude", T_TECHNIQUES, F_REPEAT}, {"forbid", T_MOVEMENTS, F_REPEAT}, {"exclude-tool", T_TOOLS, F_REPEAT},
  {"caution", T_CAUTION, F_REPEAT}, {"caution-note", T_TEXT, 0}, {"limb", T_YESNO, 0}, {"question", T_TEXT, 0},
  {"source", T_SOURCE, F_REQUIRED | F_REPEAT}, {0, 0, 0}};
static const keydef treat_keys[] = {
  {"position", T_TEXT, F_REQUIRED}, {"how", T_TEXT, F_REQUIRED}, {"hold", T_HOLD, 0},
  {"band", T_BAND, 0}, {"moves", T_MOVEMENTS, F_REPEAT}, {"source", T_SOURCE, F_REPEAT}, {0, 0, 0}};
static const keydef selfcare_keys[] = {
  {"tool", T_TOOL, F_REQUIRED}, {"position", T_TEXT, F_REQUIRED}, {"steps", T_TEXT, F_REQUIRED},
  {"hold", T_HOLD, F_REQUIRED}, {"frequency", T_TEXT, F_REQUIRED}, {"feel", T_TEXT, F_REQUIRED},
  {"avoid", T_TEXT, 0}, {"moves", T_MOVEMENTS, F_REPEAT}, {"source", T_SOURCE, F_REPEAT}, {0, 0, 0}};
static const keydef condition_keys[] = {
  {"name", T_TEXT, F_REQUIRED}, {"muscles", T_MUSCLES, F_REQUIRED | F_REPEAT},
  {"note", T_TEXT, 0}, {"source", T_SOURCE, F_REQUIRED | F_REPEAT}, {0, 0, 0}};

/* Stanza kinds, in the order they are processed. */
typedef struct kinddef { const char *kind; int vocab; const keydef *keys; } kinddef;
static const kinddef kinds[] = {
  {"source", KB_SOURCE, source_keys}, {"sensation", KB_SENSATION, term_keys},
  {"activity", KB_ACTIVITY, activity_keys}, {"mimic", KB_MIMIC, term_keys},
  {"technique", KB_TECHNIQUE, technique_keys}, {"tool", KB_TOOL, term_keys},
  {"movement", KB_MOVEMENT, term_keys},
  {"danger", KB_DANGER, danger_keys}, {"sensitive", KB_SENSITIVE, sensitive_keys}, {"contra", KB_CONTRA, contra_keys},
  {"advice", KB_ADVICE, advice_keys}, {"correct", KB_CORRECT, correct_keys},
  {"muscle", -1, muscle_keys}, {"tp", -1, tp_keys}, {"treat", -1, treat_keys},
  {"selfcare", -1, selfcare_keys}, {"condition", -1, condition_keys}};
#define N_KINDS ((int)(sizeof kinds / sizeof kinds[0]))

static const char *const freq_names[] = {NULL, "rare", "occasional", "common", "very-common"};

static const char *const scope_names[] = {NULL, "session", "local", "modify"};
const char *kb_scope_name(int s) { return s > 0 && s <= KB_SCOPE_MODIFY ? scope_names[s] : NULL; }
static const char *const phase_names[] = {"release", "stretch", "prepare"};
const char *kb_phase_name(int p) { return p >= 0 && p <= KB_PHASE_PREPARE ? phase_names[p] : NULL; }
static const char *const group_names[] = {"safety", "expect", "aftercare", "seek-care"};
const char *kb_advice_group_name(int g) { return g >= 0 && g < KB_N_ADVICE_GROUPS ? group_names[g] : NULL; }

/* strcmp(a, b) == 0, the first bytes compared inline: loading compares ids and keys by the
** ten thousand, and most differ at once. */
static inline int same(const char *a, const char *b) { return *a == *b && strcmp(a, b) == 0; }

/* Index of `name` in names[0..n-1], or -1. */
static int name_index(const char *const *names, int n, const char *name) {
  for (int i = 0; i < n; i++) if (names[i] && same(names[i], name)) return i;
  return -1;
}

const char *kb_freq_name(int f) { return f > 0 && f <= KB_FREQ_VERY_COMMON ? freq_names[f] : NULL; }

static const kinddef *find_kind(const char *kind) {
  for (int i = 0; i < N_KINDS; i++)
    if (same(kinds[i].kind, kind)) return &kinds[i];
  return NULL;
}

static const keydef *find_key(const keydef *keys, const char *key) {
  for (; keys->key; keys++)
    if (same(keys->key, key)) return keys;
  return NULL;
}

/* Check every entry of a stanza against its schema: unknown keys, repeats, missing keys. */
static int check_keys(loader *L, const stanza *s, const keydef *keys) {
  int ok = 1;
  char tmp[128];
  int n_keys = 0;
  while (keys[n_keys].key) n_keys++;
  int seen[16] = {0};
  for (int i = 0; i < s->n_entries; i++) {
    const entry *e = &s->entries[i];
    const keydef *d = find_key(keys, e->key);
    if (!d) {
      fail(L, s->file, e->line, "unknown key \"%s\" in a %s stanza%s", e->key, s->kind,
           mean(tmp, sizeof tmp, util_nearest(e->key, &keys[0].key, (size_t)n_keys, sizeof *keys)));
      ok = 0;
      continue;
    }
    int di = (int)(d - keys);
    if (seen[di]++ && !(d->flags & F_REPEAT)) {
      fail(L, s->file, e->line, "key \"%s\" given twice in [%s %s]", e->key, s->kind, s->id);
      ok = 0;
    }
  }
  for (int j = 0; j < n_keys; j++)
    if ((keys[j].flags & F_REQUIRED) && !seen[j]) {
      if (keys == muscle_keys && strcmp(keys[j].key, "group") == 0) continue;  /* from catalogue */
      fail(L, s->file, s->line, "[%s %s] lacks the required key \"%s\"", s->kind, s->id, keys[j].key);
      ok = 0;
    }
  return ok;
}

/* Copy a malloc'd array of n elements of `size` bytes into the arena, free the original and
** return the copy (never NULL, so an empty list is still a valid pointer). */
static void *keep(kb *k, void *v, int n, size_t size) {
  void *p = arena_alloc(k, (size_t)n * size + 1);
  if (n) memcpy(p, v, (size_t)n * size);
  free(v);
  return p;
}

/* ---- growable lists in malloc, copied into the arena when done ---- */
typedef struct ilist { int *v; int n, cap; } ilist;
static void ilist_add_unique(ilist *l, int x) {
  for (int i = 0; i < l->n; i++) if (l->v[i] == x) return;
  if (l->n == l->cap) { l->cap = l->cap ? 2 * l->cap : 8; l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v); }
  l->v[l->n++] = x;
}

/* Next space-separated word of *s, or NULL; NUL-terminates it in place. */
static char *word(char **s) {
  char *p = *s;
  while (*p == ' ' || *p == '\t' || *p == ',') p++;
  if (!*p) return NULL;
  char *w = p;
  while (*p && *p != ' ' && *p != '\t' && *p != ',') p++;
  if (*p) *p++ = 0;
  *s = p;
  return w;
}

static void parse_terms(loader *L, const stanza *s, const entry *e, int vocab, ilist *out) {
  static const char *const what[] = {"sensation", "activity", "mimic", "source", "technique", "tool", "danger", "contraindication", "advice", "corrective advice", "movement", "sensitive area"};
  char *v = arena_strdup(L->k, e->value), *w;
  char tmp[128];
  while ((w = word(&v))) {
    int t = kb_find_term(L->k, vocab, w);
    if (t < 0)
      fail(L, s->file, e->line, "unknown %s \"%s\"%s", vocab == KB_MOVEMENT ? "movement" : what[vocab], w,
           mean(tmp, sizeof tmp, kb_suggest_term(L->k, vocab, w)));
    else ilist_add_unique(out, t);
  }
}

typedef struct clist { kb_cite *v; int n, cap; } clist;
static void parse_source(loader *L, const stanza *s, const entry *e, clist *out) {
  char *v = arena_strdup(L->k, e->value);
  char *w = word(&v);
  char tmp[128];
  if (!w) { fail(L, s->file, e->line, "empty source: write \"source = KEY locator\", e.g. \"source = ts1 ch 6\""); return; }
  int t = kb_find_term(L->k, KB_SOURCE, w);
  if (t < 0) {
    fail(L, s->file, e->line, "unknown source \"%s\"%s", w, mean(tmp, sizeof tmp, kb_suggest_term(L->k, KB_SOURCE, w)));
    return;
  }
  if (out->n == out->cap) { out->cap = out->cap ? 2 * out->cap : 4; out->v = xrealloc(out->v, (size_t)out->cap * sizeof *out->v); }
  out->v[out->n].source = t;
  out->v[out->n++].locator = trim(v);
}

/* One side-relative region word ("temple", "opp:temple", "both:temple") into a zone ref. */
static int parse_region_word(loader *L, const stanza *s, int line, const char *w, int allow_prefix,
                             kb_zone_ref *out) {
  char tmp[128];
  int rel = KB_SAME;
  const char *colon = strchr(w, ':');
  if (colon) {
    size_t pl = (size_t)(colon - w);
    if (pl == 3 && strncmp(w, "opp", 3) == 0) rel = KB_OPP;
    else if (pl == 4 && strncmp(w, "both", 4) == 0) rel = KB_BOTH;
    else {
      fail(L, s->file, line, "unknown prefix \"%.*s:\" in \"%s\": use \"opp:\" (other side) or \"both:\"", (int)pl, w, w);
      return -1;
    }
    if (!allow_prefix) {
      fail(L, s->file, line, "\"%s\": the point's own region is on its own side and takes no prefix", w);
      return -1;
    }
    w = colon + 1;
  }
  const body *b = L->k->body;
  int base = body_find_base(b, w);
  if (base < 0) {
    const char *hint = body_suggest_base(b, w);
    fail(L, s->file, line, "unknown region \"%s\"%s", w, mean(tmp, sizeof tmp, hint));
    return -1;
  }
  if (rel != KB_SAME && !body_base_paired(b, base)) {
    fail(L, s->file, line, "\"%s\" is a midline region: it takes no \"%s:\" prefix", w, rel == KB_OPP ? "opp" : "both");
    return -1;
  }
  out->base = base;
  out->rel = rel;
  return 0;
}

typedef struct zlist { kb_zone_ref *v; int n, cap; } zlist;
static void parse_zone(loader *L, const stanza *s, const entry *e, zlist *out) {
  char *v = arena_strdup(L->k, e->value), *w;
  while ((w = word(&v))) {
    kb_zone_ref z;
    if (parse_region_word(L, s, e->line, w, 1, &z)) continue;
    int dup = 0;
    for (int i = 0; i < out->n; i++) dup |= out->v[i].base == z.base && out->v[i].rel == z.rel;
    if (dup) { fail(L, s->file, e->line, "region \"%s\" listed twice in the zone", w); continue; }
    if (out->n == out->cap) { out->cap = out->cap ? 2 * out->cap : 8; out->v = xrealloc(out->v, (size_t)out->cap * sizeof *out->v); }
    out->v[out->n++] = z;
  }
}

/* ---- building the kb ---- */
static int catalogue_has(const kb *k, const char *id) {
  for (int i = 0; i < k->n_catalogue; i++) if (same(k->catalogue[i], id)) return 1;
  return 0;
}

/* "LO-HI" or "N" within [min, max] into *lo, *hi. */
static int parse_range(loader *L, const stanza *s, const entry *e, int min, int max, int *lo, int *hi) {
  char *end;
  long a = strtol(e->value, &end, 10), b = a;
  if (end != e->value && *end == '-') { const char *p = end + 1; b = strtol(p, &end, 10); if (end == p) end = (char *)"x"; }
  while (*end == ' ') end++;
  if (end == e->value || (*end && strcmp(end, "s") != 0) || a < min || b > max || a > b) {
    fail(L, s->file, e->line, "%s must be a range LO-HI between %d and %d (e.g. \"%d-%d\"), not \"%s\"",
         e->key, min, max, min, max, e->value);
    return -1;
  }
  *lo = (int)a; *hi = (int)b;
  return 0;
}

static int parse_int(loader *L, const stanza *s, const entry *e, int min, int max, int *out) {
  int lo, hi;
  if (parse_range(L, s, e, min, max, &lo, &hi)) return -1;
  if (lo != hi) { fail(L, s->file, e->line, "%s takes one number, not a range", e->key); return -1; }
  *out = lo;
  return 0;
}

/* A list of base region ids without prefixes. */
static void parse_regions(loader *L, const stanza *s, const entry *e, ilist *out) {
  char *v = arena_strdup(L->k, e->value), *w;
  while ((w = word(&v))) {
    kb_zone_ref z;
    if (parse_region_word(L, s, e->line, w, 0, &z) == 0) ilist_add_unique(out, z.base);
  }
}

static void add_term(loader *L, const stanza *s, int vocab, const keydef *keys) {
  kb *k = L->k;
  for (int i = 0; i < k->n_terms[vocab]; i++)
    if (same(k->terms[vocab][i].id, s->id)) {
      fail(L, s->file, s->line, "duplicate %s \"%s\"", s->kind, s->id);
      return;
    }
  if (k->n_terms[vocab] == k->cap_terms[vocab]) {
    k->cap_terms[vocab] = k->cap_terms[vocab] ? 2 * k->cap_terms[vocab] : 64;
    k->terms[vocab] = xrealloc(k->terms[vocab], (size_t)k->cap_terms[vocab] * sizeof(kb_term));
  }
  if (vocab == KB_CORRECT && kb_find_term(k, KB_ACTIVITY, s->id) < 0) {
    char tmp[128];
    fail(L, s->file, s->line, "[correct %s]: unknown activity \"%s\"%s", s->id, s->id,
         mean(tmp, sizeof tmp, kb_suggest_term(k, KB_ACTIVITY, s->id)));
    return;
  }
  kb_term *t = &k->terms[vocab][k->n_terms[vocab]++];
  memset(t, 0, sizeof *t);
  t->id = s->id;
  t->label = "";
  ilist regions = {0}, excl = {0}, forbid = {0}, caution = {0}, tools = {0};
  clist src = {0};
  const char **also = NULL;
  int n_also = 0;
  for (int i = 0; i < s->n_entries; i++) {
    const entry *e = &s->entries[i];
    const keydef *d = find_key(keys, e->key);
    if (!d) continue;
    switch (d->type) {
    case T_TEXT:
      if (!*e->value) fail(L, s->file, e->line, "empty value for \"%s\"", e->key);
      if (strcmp(e->key, "label") == 0 || strcmp(e->key, "cite") == 0) t->label = e->value;
      else if (strcmp(e->key, "caution-note") == 0) t->caution_text = e->value;
      else if (strcmp(e->key, "limited") == 0) {
        t->limited = e->value;
        int known = !!strstr(e->value, "{band}") + !!strstr(e->value, "{hold}");
        const char *p = e->value;
        int others = 0;
        while ((p = strchr(p, '{'))) {
          others |= strncmp(p, "{band}", 6) && strncmp(p, "{hold}", 6) && strncmp(p, "{because}", 9);
          p++;
        }
        if (known != 1 || others)
          fail(L, s->file, e->line, "limited: name exactly one limit, {band} or {hold} (and {because} if wanted), and no other {...}");
      }
      else if (strcmp(e->key, "question") == 0) t->question = e->value;
      else t->text = e->value;
      break;
    case T_YESNO:
      if (strcmp(e->value, "yes") && strcmp(e->value, "no"))
        fail(L, s->file, e->line, "%s must be \"yes\" or \"no\", not \"%s\"", e->key, e->value);
      if (strcmp(e->key, "limb") == 0) t->limb = strcmp(e->value, "yes") == 0;
      else t->generic = strcmp(e->value, "yes") == 0;
      break;
    case T_MOVEMENTS: parse_terms(L, s, e, KB_MOVEMENT, &forbid); break;
    case T_TOOLS: parse_terms(L, s, e, KB_TOOL, &tools); break;
    case T_CAUTION: parse_regions(L, s, e, &caution); break;
    case T_WORDS: {
      char *v = arena_strdup(k, e->value), *w;
      while ((w = word(&v))) {
        if (!valid_id(w)) { fail(L, s->file, e->line, "\"%s\" is not a valid word: use lowercase letters, digits and '-'", w); continue; }
        also = xrealloc(also, (size_t)(n_also + 1) * sizeof *also);
        also[n_also++] = w;
      }
      break;
    }
    case T_HOLD: parse_range(L, s, e, 1, 600, &t->lo, &t->hi); break;
    case T_BAND: parse_range(L, s, e, 0, 10, &t->band_lo, &t->band_hi); break;
    case T_HOURS:
      if (strcmp(e->key, "desk-hours") == 0) parse_int(L, s, e, 1, 24, &t->lo);
      else parse_int(L, s, e, 1, 24, &t->hi);
      break;
    case T_INT:
      if (strcmp(e->key, "band-max") == 0) parse_int(L, s, e, 1, 10, &t->lo);
      else parse_int(L, s, e, 5, 600, &t->hi);
      break;
    case T_REGIONS: parse_regions(L, s, e, &regions); break;
    case T_TECHNIQUES: parse_terms(L, s, e, KB_TECHNIQUE, &excl); break;
    case T_SCOPE:
      t->scope = name_index(scope_names, KB_SCOPE_MODIFY + 1, e->value);
      if (t->scope < 1) { t->scope = 0; fail(L, s->file, e->line, "scope must be session, local or modify, not \"%s\"", e->value); }
      break;
    case T_PHASE:
      t->scope = name_index(phase_names, KB_PHASE_PREPARE + 1, e->value);
      if (t->scope < 0) { t->scope = 0; fail(L, s->file, e->line, "phase must be release, stretch or prepare, not \"%s\"", e->value); }
      break;
    case T_GROUP:
      t->scope = name_index(group_names, KB_N_ADVICE_GROUPS, e->value);
      if (t->scope < 0) { t->scope = 0; fail(L, s->file, e->line, "group must be safety, expect, aftercare or seek-care, not \"%s\"", e->value); }
      break;
    case T_SOURCE: parse_source(L, s, e, &src); break;
    }
  }
  if (vocab == KB_CONTRA && t->scope != KB_SCOPE_MODIFY && (t->lo || t->hi || regions.n || excl.n || forbid.n || caution.n || tools.n))
    fail(L, s->file, s->line, "[contra %s]: band-max, hold-max, avoid, exclude, exclude-tool, forbid and caution belong to a scope = modify contraindication", s->id);
  if (vocab == KB_CONTRA && t->question && t->scope == KB_SCOPE_LOCAL)
    fail(L, s->file, s->line, "[contra %s]: a question belongs to a contraindication the client can answer yes or no "
         "(scope session or modify): a local one needs its region from the therapist", s->id);
  if (vocab == KB_CONTRA && t->question && *t->question && t->question[strlen(t->question) - 1] != '?')
    fail(L, s->file, s->line, "[contra %s]: the question ends with a question mark", s->id);
  if (vocab == KB_CONTRA && t->limb && t->scope != KB_SCOPE_LOCAL)
    fail(L, s->file, s->line, "[contra %s]: limb = yes belongs to a scope = local contraindication", s->id);
  if (vocab == KB_CONTRA && (caution.n != 0) != (t->caution_text != NULL))
    fail(L, s->file, s->line, "[contra %s]: caution and caution-note go together (the regions, and what to say there)", s->id);
  t->n_exclude_tools = tools.n;
  t->exclude_tools = keep(k, tools.v, tools.n, sizeof *tools.v);
  t->n_forbid = forbid.n;
  t->forbid = keep(k, forbid.v, forbid.n, sizeof *forbid.v);
  t->n_caution = caution.n;
  t->caution = keep(k, caution.v, caution.n, sizeof *caution.v);
  t->n_also = n_also;
  t->also = keep(k, also, n_also, sizeof *also);
  t->n_exclude = excl.n;
  t->exclude = keep(k, excl.v, excl.n, sizeof *excl.v);
  t->n_regions = regions.n;
  t->regions = keep(k, regions.v, regions.n, sizeof *regions.v);
  t->n_sources = src.n;
  t->sources = keep(k, src.v, src.n, sizeof *src.v);
}

static void sort_terms(kb *k, int vocab);

static const char *value_of(const stanza *s, const char *key) {
  for (int i = 0; i < s->n_entries; i++) if (same(s->entries[i].key, key)) return s->entries[i].value;
  return NULL;
}

static void add_muscle(loader *L, const stanza *s) {
  kb *k = L->k;
  char tmp[128];
  if (!catalogue_has(k, s->id)) {
    const char *hint = util_nearest(s->id, k->catalogue, (size_t)k->n_catalogue, sizeof(char *));
    fail(L, s->file, s->line, "unknown muscle \"%s\"%s; a new muscle must first be added to muscles.tsv",
         s->id, mean(tmp, sizeof tmp, hint));
  }
  for (int i = 0; i < k->n_muscles; i++)
    if (same(k->muscles[i].id, s->id)) {
      fail(L, s->file, s->line, "duplicate muscle \"%s\" (first defined at %s:%d)", s->id, k->muscles[i].file, k->muscles[i].line);
      return;
    }
  if (k->n_muscles == k->cap_muscles) {
    k->cap_muscles = k->cap_muscles ? 2 * k->cap_muscles : 128;
    k->muscles = xrealloc(k->muscles, (size_t)k->cap_muscles * sizeof *k->muscles);
  }
  kb_muscle *m = &k->muscles[k->n_muscles++];
  memset(m, 0, sizeof *m);
  m->id = s->id; m->file = s->file; m->line = s->line; m->paired = 1;
  m->first_tp = k->n_tps;
  ilist perp = {0}, mim = {0}, dng = {0};
  clist src = {0};
  for (int i = 0; i < s->n_entries; i++) {
    const entry *e = &s->entries[i];
    const keydef *d = find_key(muscle_keys, e->key);
    if (!d) continue;
    switch (d->type) {
    case T_TEXT:
      if (!*e->value) fail(L, s->file, e->line, "empty value for \"%s\"", e->key);
      if (strcmp(e->key, "name") == 0) m->name = e->value;
      else if (strcmp(e->key, "group") == 0) m->group = e->value;
      else if (strcmp(e->key, "perpetuating-note") == 0) m->perpetuating_note = e->value;
      else if (strcmp(e->key, "selfcare-none") == 0) m->selfcare_none = e->value;
      else m->symptoms = e->value;
      break;
    case T_DANGERS: parse_terms(L, s, e, KB_DANGER, &dng); break;
    case T_YESNO:
      if (strcmp(e->value, "yes") && strcmp(e->value, "no"))
        fail(L, s->file, e->line, "paired must be \"yes\" or \"no\", not \"%s\"", e->value);
      m->paired = strcmp(e->value, "no") != 0;
      break;
    case T_ACTIVITIES: parse_terms(L, s, e, KB_ACTIVITY, &perp); break;
    case T_MIMICS: parse_terms(L, s, e, KB_MIMIC, &mim); break;
    case T_SOURCE: parse_source(L, s, e, &src); break;
    }
  }
  if (!m->group) m->group = "";
  m->n_perpetuating = perp.n;
  m->perpetuating = keep(k, perp.v, perp.n, sizeof *perp.v);
  m->n_mimics = mim.n;
  m->mimics = keep(k, mim.v, mim.n, sizeof *mim.v);
  m->n_sources = src.n;
  m->sources = keep(k, src.v, src.n, sizeof *src.v);
  m->n_dangers = dng.n;
  m->dangers = keep(k, dng.v, dng.n, sizeof *dng.v);
}

/* Techniques and self-care of the current muscle, gathered until the next muscle. */
typedef struct care { kb_treat *t; int nt, ct; kb_selfcare *c; int nc, cc; } care;

static void add_treat(loader *L, const stanza *s, care *cr) {
  kb *k = L->k;
  char tmp[128];
  int tech = kb_find_term(k, KB_TECHNIQUE, s->id);
  if (tech < 0) {
    fail(L, s->file, s->line, "unknown technique \"%s\"%s", s->id,
         mean(tmp, sizeof tmp, kb_suggest_term(k, KB_TECHNIQUE, s->id)));
    return;
  }
  for (int i = 0; i < cr->nt; i++)
    if (cr->t[i].technique == tech) { fail(L, s->file, s->line, "technique \"%s\" given twice for this muscle", s->id); return; }
  if (cr->nt == cr->ct) { cr->ct = cr->ct ? 2 * cr->ct : 4; cr->t = xrealloc(cr->t, (size_t)cr->ct * sizeof *cr->t); }
  kb_treat *t = &cr->t[cr->nt++];
  const kb_term *tt = kb_term_at(k, KB_TECHNIQUE, tech);
  memset(t, 0, sizeof *t);
  t->technique = tech;
  t->hold_min = tt->lo; t->hold_max = tt->hi;
  t->band_lo = tt->band_lo; t->band_hi = tt->band_hi;
  clist src = {0};
  ilist mv = {0};
  for (int i = 0; i < s->n_entries; i++) {
    const entry *e = &s->entries[i];
    const keydef *d = find_key(treat_keys, e->key);
    if (!d) continue;
    switch (d->type) {
    case T_TEXT:
      if (!*e->value) fail(L, s->file, e->line, "empty value for \"%s\"", e->key);
      if (strcmp(e->key, "position") == 0) t->position = e->value; else t->how = e->value;
      break;
    case T_HOLD: parse_range(L, s, e, 1, 600, &t->hold_min, &t->hold_max); break;
    case T_BAND: parse_range(L, s, e, 0, 10, &t->band_lo, &t->band_hi); break;
    case T_MOVEMENTS: parse_terms(L, s, e, KB_MOVEMENT, &mv); break;
    case T_SOURCE: parse_source(L, s, e, &src); break;
    }
  }
  t->n_moves = mv.n;
  t->moves = keep(k, mv.v, mv.n, sizeof *mv.v);
  if (src.n) { t->n_sources = src.n; t->sources = keep(k, src.v, src.n, sizeof *src.v); }
  else { free(src.v); t->sources = tt->sources; t->n_sources = tt->n_sources; }
}

static void add_selfcare(loader *L, const stanza *s, const kb_muscle *m, care *cr) {
  kb *k = L->k;
  char tmp[128];
  for (int i = 0; i < cr->nc; i++)
    if (strcmp(cr->c[i].id, s->id) == 0) { fail(L, s->file, s->line, "self-care \"%s\" given twice for this muscle", s->id); return; }
  if (cr->nc == cr->cc) { cr->cc = cr->cc ? 2 * cr->cc : 4; cr->c = xrealloc(cr->c, (size_t)cr->cc * sizeof *cr->c); }
  kb_selfcare *c = &cr->c[cr->nc++];
  memset(c, 0, sizeof *c);
  c->id = s->id;
  c->tool = -1;
  clist src = {0};
  ilist mv = {0};
  for (int i = 0; i < s->n_entries; i++) {
    const entry *e = &s->entries[i];
    const keydef *d = find_key(selfcare_keys, e->key);
    if (!d) continue;
    switch (d->type) {
    case T_TEXT:
      if (!*e->value) fail(L, s->file, e->line, "empty value for \"%s\"", e->key);
      if (strcmp(e->key, "position") == 0) c->position = e->value;
      else if (strcmp(e->key, "steps") == 0) c->steps = e->value;
      else if (strcmp(e->key, "frequency") == 0) c->frequency = e->value;
      else if (strcmp(e->key, "feel") == 0) c->feel = e->value;
      else c->avoid = e->value;
      break;
    case T_TOOL:
      c->tool = kb_find_term(k, KB_TOOL, e->value);
      if (c->tool < 0)
        fail(L, s->file, e->line, "unknown tool \"%s\"%s", e->value, mean(tmp, sizeof tmp, kb_suggest_term(k, KB_TOOL, e->value)));
      break;
    case T_HOLD: parse_range(L, s, e, 1, 600, &c->hold_min, &c->hold_max); break;
    case T_MOVEMENTS: parse_terms(L, s, e, KB_MOVEMENT, &mv); break;
    case T_SOURCE: parse_source(L, s, e, &src); break;
    }
  }
  c->n_moves = mv.n;
  c->moves = keep(k, mv.v, mv.n, sizeof *mv.v);
  if (src.n) { c->n_sources = src.n; c->sources = keep(k, src.v, src.n, sizeof *src.v); }
  else { free(src.v); c->sources = m->sources; c->n_sources = m->n_sources; }
}

static void flush_care(kb *k, int muscle, care *cr) {
  if (muscle >= 0) {
    kb_muscle *m = &k->muscles[muscle];
    m->n_treats = cr->nt; m->treats = keep(k, cr->t, cr->nt, sizeof *cr->t);
    m->n_selfcare = cr->nc; m->selfcare = keep(k, cr->c, cr->nc, sizeof *cr->c);
  } else { free(cr->t); free(cr->c); }
  memset(cr, 0, sizeof *cr);
}

static void add_condition(loader *L, const stanza *s) {
  kb *k = L->k;
  char tmp[128];
  for (int i = 0; i < k->n_conditions; i++)
    if (same(k->conditions[i].id, s->id)) { fail(L, s->file, s->line, "duplicate condition \"%s\"", s->id); return; }
  if (k->n_conditions == k->cap_conditions) {
    k->cap_conditions = k->cap_conditions ? 2 * k->cap_conditions : 16;
    k->conditions = xrealloc(k->conditions, (size_t)k->cap_conditions * sizeof *k->conditions);
  }
  kb_condition *c = &k->conditions[k->n_conditions++];
  memset(c, 0, sizeof *c);
  c->id = s->id;
  ilist mus = {0};
  clist src = {0};
  for (int i = 0; i < s->n_entries; i++) {
    const entry *e = &s->entries[i];
    const keydef *d = find_key(condition_keys, e->key);
    if (!d) continue;
    switch (d->type) {
    case T_TEXT:
      if (!*e->value) fail(L, s->file, e->line, "empty value for \"%s\"", e->key);
      if (strcmp(e->key, "name") == 0) c->name = e->value; else c->note = e->value;
      break;
    case T_MUSCLES: {
      char *v = arena_strdup(k, e->value), *w;
      while ((w = word(&v))) {
        int m = -1;
        for (int j = 0; j < k->n_muscles; j++) if (same(k->muscles[j].id, w)) m = j;
        if (m < 0) fail(L, s->file, e->line, "unknown muscle \"%s\"%s", w, mean(tmp, sizeof tmp, kb_suggest_muscle(k, w)));
        else {
          int before = mus.n;
          ilist_add_unique(&mus, m);
          if (mus.n == before) fail(L, s->file, e->line, "muscle \"%s\" listed twice", w);
        }
      }
      break;
    }
    case T_SOURCE: parse_source(L, s, e, &src); break;
    }
  }
  c->n_muscles = mus.n; c->muscles = keep(k, mus.v, mus.n, sizeof *mus.v);
  c->n_sources = src.n; c->sources = keep(k, src.v, src.n, sizeof *src.v);
}

static void add_tp(loader *L, const stanza *s, int muscle) {
  kb *k = L->k;
  kb_muscle *m = &k->muscles[muscle];
  size_t ml = strlen(m->id), ll = strlen(s->id);
  char *id = arena_alloc(k, ml + ll + 2);
  memcpy(id, m->id, ml); id[ml] = '-'; memcpy(id + ml + 1, s->id, ll);
  for (int i = m->first_tp; i < k->n_tps; i++)
    if (strcmp(k->tps[i].id, id) == 0) {
      fail(L, s->file, s->line, "duplicate trigger point \"%s\" (first defined at line %d)", id, k->tps[i].line);
      return;
    }
  if (k->n_tps == k->cap_tps) {
    k->cap_tps = k->cap_tps ? 2 * k->cap_tps : 256;
    k->tps = xrealloc(k->tps, (size_t)k->cap_tps * sizeof *k->tps);
  }
  kb_tp *t = &k->tps[k->n_tps++];
  memset(t, 0, sizeof *t);
  t->id = id; t->local = s->id; t->file = s->file; t->line = s->line; t->muscle = muscle;
  t->region = -1;
  m->n_tps++;
  ilist sens = {0}, perp = {0}, mim = {0};
  clist src = {0};
  zlist ess = {0}, spill = {0};
  for (int i = 0; i < s->n_entries; i++) {
    const entry *e = &s->entries[i];
    const keydef *d = find_key(tp_keys, e->key);
    if (!d) continue;
    switch (d->type) {
    case T_TEXT:
      if (!*e->value) fail(L, s->file, e->line, "empty value for \"%s\"", e->key);
      if (strcmp(e->key, "name") == 0) t->name = e->value;
      else if (strcmp(e->key, "location") == 0) t->location = e->value;
      else if (strcmp(e->key, "symptoms") == 0) t->symptoms = e->value;
      else t->frequency_note = e->value;
      break;
    case T_REGION: {
      kb_zone_ref z;
      char *v = arena_strdup(k, e->value), *w = word(&v);
      if (!w || word(&v)) fail(L, s->file, e->line, "region takes exactly one region id");
      else if (parse_region_word(L, s, e->line, w, 0, &z) == 0) t->region = z.base;
      break;
    }
    case T_ZONE:
      if (!*e->value && strcmp(e->key, "essential") == 0)
        fail(L, s->file, e->line, "empty essential zone for \"%s\": name at least one region", id);
      parse_zone(L, s, e, strcmp(e->key, "essential") == 0 ? &ess : &spill);
      break;
    case T_SENSATIONS: parse_terms(L, s, e, KB_SENSATION, &sens); break;
    case T_ACTIVITIES: parse_terms(L, s, e, KB_ACTIVITY, &perp); break;
    case T_MIMICS: parse_terms(L, s, e, KB_MIMIC, &mim); break;
    case T_SOURCE: parse_source(L, s, e, &src); break;
    case T_FREQ: {
      int f = 0;
      for (int j = 1; j <= KB_FREQ_VERY_COMMON; j++) if (strcmp(e->value, freq_names[j]) == 0) f = j;
      if (!f) fail(L, s->file, e->line, "frequency must be very-common, common, occasional or rare, not \"%s\"", e->value);
      t->frequency = f;
      break;
    }
    }
  }
  /* the same concrete region may not be both essential and spillover */
  for (int i = 0; i < ess.n; i++)
    for (int j = 0; j < spill.n; j++) {
      int a[2], b[2];
      int na = kb_zone_regions(k, ess.v[i], BODY_L, a), nb = kb_zone_regions(k, spill.v[j], BODY_L, b);
      for (int x = 0; x < na; x++)
        for (int y = 0; y < nb; y++)
          if (a[x] == b[y])
            fail(L, s->file, s->line, "region \"%s\" is in both the essential and the spillover zone of \"%s\"",
                 body_base_id(k->body, ess.v[i].base), id);
    }
  for (int i = 0; i < m->n_perpetuating; i++) ilist_add_unique(&perp, m->perpetuating[i]);
  for (int i = 0; i < m->n_mimics; i++) ilist_add_unique(&mim, m->mimics[i]);
  t->n_sensations = sens.n;
  t->sensations = keep(k, sens.v, sens.n, sizeof *sens.v);
  t->n_perpetuating = perp.n;
  t->perpetuating = keep(k, perp.v, perp.n, sizeof *perp.v);
  t->n_mimics = mim.n;
  t->mimics = keep(k, mim.v, mim.n, sizeof *mim.v);
  t->n_essential = ess.n;
  t->essential = keep(k, ess.v, ess.n, sizeof *ess.v);
  t->n_spillover = spill.n;
  t->spillover = keep(k, spill.v, spill.n, sizeof *spill.v);
  if (src.n) { t->n_sources = src.n; t->sources = keep(k, src.v, src.n, sizeof *src.v); }
  else { free(src.v); t->sources = m->sources; t->n_sources = m->n_sources; }
  if (t->n_essential == 0 && value_of(s, "essential") && *value_of(s, "essential"))
    fail(L, s->file, s->line, "trigger point \"%s\" has no valid essential region", id);
}

static int load_catalogue(loader *L, const char *text, size_t len) {
  kb *k = L->k;
  char *copy = arena_strndup(k, text, len);
  int cap = 0, lineno = 0;
  for (char *line = copy, *next; line && *line; line = next) {
    lineno++;
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    if (!*line || *line == '#' || strncmp(line, "id\t", 3) == 0) continue;
    char *tab = strchr(line, '\t');
    if (tab) *tab = 0;
    char *id = trim(line);
    if (!valid_id(id)) { fail(L, "muscles.tsv", lineno, "\"%s\" is not a valid muscle id", id); continue; }
    if (k->n_catalogue == cap) { cap = cap ? 2 * cap : 128; k->catalogue = xrealloc(k->catalogue, (size_t)cap * sizeof(char *)); }
    k->catalogue[k->n_catalogue++] = id;
  }
  return 0;
}

static const kb *cmp_kb;
static int cmp_muscle(const void *a, const void *b) {
  return strcmp(cmp_kb->muscles[*(const int *)a].id, cmp_kb->muscles[*(const int *)b].id);
}
static int cmp_tp(const void *a, const void *b) {
  return strcmp(cmp_kb->tps[*(const int *)a].id, cmp_kb->tps[*(const int *)b].id);
}
static int cmp_vocab;
static int cmp_term(const void *a, const void *b) {
  return strcmp(cmp_kb->terms[cmp_vocab][*(const int *)a].id, cmp_kb->terms[cmp_vocab][*(const int *)b].id);
}

static void sort_terms(kb *k, int vocab) {
  free(k->term_order[vocab]);
  int n = k->n_terms[vocab];
  k->term_order[vocab] = xmalloc((size_t)(n + 1) * sizeof(int));
  for (int i = 0; i < n; i++) k->term_order[vocab][i] = i;
  cmp_kb = k; cmp_vocab = vocab;
  qsort(k->term_order[vocab], (size_t)n, sizeof(int), cmp_term);
}

void kb_free(kb *k) {
  if (!k) return;
  if (k->image) { free(k); return; }
  while (k->arena) { chunk *c = k->arena; k->arena = c->next; free(c); }
  free(k->muscles); free(k->tps); free(k->catalogue); free(k->conditions);
  free(k->muscle_order); free(k->tp_order);
  free(k->texts); free(k->trs);
  for (int v = 0; v < KB_N_VOCABS; v++) { free(k->terms[v]); free(k->term_order[v]); }
  free(k);
}

/* ---- translations: the client's texts in other languages (kb/LANG/NAME.kb) ---- */
/* A client-facing text: an English one (lang NULL, where it was written) or a translation. */
typedef struct tr_text {
  const char *lang, *kind, *id, *key, *value;
  const char *file; int line;
} tr_text;

/* The languages a knowledge base can be translated into: a file in a directory of that name
** (kb/fr/client.kb) holds translations. */
static const char *const kb_langs[] = {"fr"};
#define N_LANGS ((int)(sizeof kb_langs / sizeof kb_langs[0]))

/* The keys whose texts a client reads (the home program, the handout), and those the therapist
** reads in the plan, the session room and the ranking (a technique's label and how, a muscle's own
** [treat] position and how, a trigger point's name and location, a contraindication's advice, a
** condition's name and note), by stanza kind; a `region` stanza translates a base region's label
** of regions.tsv. */
typedef struct trdef { const char *kind, *key; } trdef;
static const trdef tr_keys[] = {
  {"muscle", "name"}, {"muscle", "selfcare-none"},
  {"selfcare", "position"}, {"selfcare", "steps"}, {"selfcare", "frequency"}, {"selfcare", "feel"},
  {"selfcare", "avoid"},
  {"tool", "label"}, {"danger", "label"}, {"danger", "why"}, {"contra", "label"}, {"contra", "caution-note"}, {"contra", "question"},
  {"contra", "advice"},
  {"advice", "label"}, {"advice", "limited"}, {"correct", "label"}, {"activity", "label"}, {"sensation", "label"},
  {"region", "label"}, {"sensitive", "label"}, {"technique", "label"}, {"technique", "how"}, {"movement", "label"},
  {"treat", "position"}, {"treat", "how"}, {"tp", "name"}, {"tp", "location"},
  {"condition", "name"}, {"condition", "note"}};
#define N_TR_KEYS ((int)(sizeof tr_keys / sizeof tr_keys[0]))

/* The index in tr_keys of kind's first key, or -1; its keys follow it in the table. */
static int tr_kind(const char *kind) {
  for (int i = 0; i < N_TR_KEYS; i++)
    if ((i == 0 || tr_keys[i - 1].kind != tr_keys[i].kind) && same(tr_keys[i].kind, kind)) return i;
  return -1;
}
static int tr_key_of(int first, const char *key) {
  for (int i = first; first >= 0 && i < N_TR_KEYS && tr_keys[i].kind == tr_keys[first].kind; i++)
    if (same(tr_keys[i].key, key)) return 1;
  return 0;
}
static int tr_key(const char *kind, const char *key) { return tr_key_of(tr_kind(kind), key); }

/* The language of a translation file: the index in kb_langs of the directory that holds it
** ("kb/fr/client.kb", "DIR/fr/client.kb"), or -1 for a file of the knowledge base itself. */
static int file_lang(const char *name) {
  const char *slash = strrchr(name, '/');
  if (!slash) return -1;
  const char *dir = slash;
  while (dir > name && dir[-1] != '/') dir--;
  for (int i = 0; i < N_LANGS; i++)
    if (strlen(kb_langs[i]) == (size_t)(slash - dir) && strncmp(dir, kb_langs[i], (size_t)(slash - dir)) == 0) return i;
  return -1;
}

static void add_text(kb *k, int tr, const char *lang, const char *kind, const char *id, const char *key,
                     const char *value, const char *file, int line) {
  tr_text **v = tr ? &k->trs : &k->texts;
  int *n = tr ? &k->n_trs : &k->n_texts, *cap = tr ? &k->cap_trs : &k->cap_texts;
  if (*n == *cap) { *cap = *cap ? 2 * *cap : 1024; *v = xrealloc(*v, (size_t)*cap * sizeof **v); }
  (*v)[(*n)++] = (tr_text){lang, kind, id, key, value, file, line};
}

static int cmp_text(const void *a, const void *b) {
  const tr_text *x = a, *y = b;
  int c = strcmp(x->lang ? x->lang : "", y->lang ? y->lang : "");
  if (!c) c = strcmp(x->kind, y->kind);
  if (!c) c = strcmp(x->id, y->id);
  if (!c) c = strcmp(x->key, y->key);
  return c;
}

static const tr_text *find_text(const tr_text *v, int n, const char *lang, const char *kind, const char *id,
                                const char *key) {
  tr_text want = {lang, kind, id, key, NULL, NULL, 0};
  return n ? bsearch(&want, v, (size_t)n, sizeof *v, cmp_text) : NULL;
}

/* The English texts a client (or the therapist) reads, from the knowledge base's stanzas (a
** self-care exercise as MUSCLE-LOCAL, "upper-trapezius-ball-wall"; a muscle's technique as
** MUSCLE-TECHNIQUE, "upper-trapezius-pressure"; a trigger point by its full id,
** "upper-trapezius-tp1") and the body model's region labels. */
static void collect_texts(loader *L) {
  kb *k = L->k;
  const char *muscle = NULL, *muscle_file = NULL;
  for (int i = 0; i < L->n_stanzas; i++) {
    const stanza *s = &L->stanzas[i];
    if (same(s->kind, "muscle")) { muscle = s->id; muscle_file = s->file; }
    int kd = tr_kind(s->kind);
    if (kd < 0) continue;
    const char *id = s->id;
    if (same(s->kind, "selfcare") || same(s->kind, "treat") || same(s->kind, "tp")) {   /* MUSCLE-LOCAL */
      if (!muscle || muscle_file != s->file) continue;
      buf b; buf_init(&b);
      buf_printf(&b, "%s-%s", muscle, s->id);
      id = arena_strdup(k, b.data);
      buf_free(&b);
    }
    for (int j = 0; j < s->n_entries; j++)
      if (tr_key_of(kd, s->entries[j].key) && *s->entries[j].value)
        add_text(k, 0, NULL, s->kind, id, s->entries[j].key, s->entries[j].value, s->file, s->entries[j].line);
  }
  const body *b = k->body;
  for (int i = 0; i < body_n(b); i++) {
    const body_region *r = body_at(b, i);
    if (r->side == BODY_R) continue;
    add_text(k, 0, NULL, "region", r->base, "label", r->label, "kb/regions.tsv", r->base_index + 4);
  }
}

/* Sort the English texts, once, when a language is first read (not at every load). */
static void sort_texts(kb *k) {
  if (k->texts_sorted) return;
  qsort(k->texts, (size_t)k->n_texts, sizeof *k->texts, cmp_text);
  k->texts_sorted = 1;
}

/* The numbers and {placeholders} of a text, sorted, as one string ("{n} 30 60"): a translation
** keeps them all. */
static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void tokens(const char *s, buf *out) {
  char *tok[256];
  int n = 0;
  for (const char *p = s; *p && n < 256;) {
    const char *q = p;
    if (*p >= '0' && *p <= '9') { while (*q >= '0' && *q <= '9') q++; }
    else if (*p == '{' && strchr(p, '}')) { q = strchr(p, '}') + 1; }
    else { p++; continue; }
    tok[n++] = xstrndup(p, (size_t)(q - p));
    p = q;
  }
  qsort(tok, (size_t)n, sizeof *tok, cmp_cstr);
  for (int i = 0; i < n; i++) { if (i) buf_putc(out, ' '); buf_puts(out, tok[i]); free(tok[i]); }
  if (!out->data) buf_puts(out, "");
}

/* An order-free signature of a text's numbers and {placeholders} (the tokens of `tokens`): their
** count and two sums of their hashes, so that texts are compared without sorting; `tokens`
** spells them out when they differ. */
typedef struct token_sig { unsigned long long a, b; int n; } token_sig;
static token_sig sig_of(const char *s) {
  token_sig g = {0, 0, 0};
  for (const char *p = strpbrk(s, "0123456789{"); p; p = *p ? strpbrk(p, "0123456789{") : NULL) {
    const char *q = p;
    if (*p >= '0' && *p <= '9') { while (*q >= '0' && *q <= '9') q++; }
    else if (strchr(p, '}')) { q = strchr(p, '}') + 1; }
    else { p++; continue; }
    unsigned long long h = 1469598103934665603ULL;
    for (const char *c = p; c < q; c++) h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    g.a += h; g.b += h * h + (h >> 29); g.n++;
    p = q;
  }
  return g;
}

/* util_utf8_bad, skipping runs of ASCII eight bytes at a time (translations are mostly ASCII). */
static long utf8_bad(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned long long w;
    while (i + 8 <= n && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ULL))) i += 8;
    while (i < n && !((unsigned char)s[i] & 0x80)) i++;
    if (i >= n) break;
    unsigned char c = (unsigned char)s[i];
    size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 1;
    if (len > n - i) len = n - i;
    long b = util_utf8_bad(s + i, len);
    if (b >= 0) return (long)i + b;
    i += len;
  }
  return -1;
}

/* Check the translation stanzas and keep their texts: each names an English stanza and keys
** that carry a client's text, keeps the English text's numbers and placeholders, once. */
static void add_translations(loader *L, loader *T) {
  kb *k = L->k;
  char tmp[160];
  for (int i = 0; i < T->n_stanzas; i++) {
    const stanza *s = &T->stanzas[i];
    int lang = file_lang(s->file);
    if (tr_kind(s->kind) < 0) {
      fail(L, s->file, s->line, "[%s %s]: a translation file holds only muscle, selfcare, treat, tp, condition, tool, danger, contra, advice, correct, activity, sensation, region, sensitive, technique and movement stanzas",
           s->kind, s->id);
      continue;
    }
    /* the English stanza: the first of its texts in k->texts (sorted by kind, id, key) */
    int lo = 0, hi = k->n_texts;
    while (lo < hi) {
      int mid = (lo + hi) / 2, c = strcmp(k->texts[mid].kind, s->kind);
      if (!c) c = strcmp(k->texts[mid].id, s->id);
      if (c < 0) lo = mid + 1; else hi = mid;
    }
    if (lo == k->n_texts || !same(k->texts[lo].kind, s->kind) || !same(k->texts[lo].id, s->id)) {
      int first = -1, last = -1;   /* texts of this kind are contiguous: the nearest id among them */
      for (int j = 0; j < k->n_texts; j++)
        if (same(k->texts[j].kind, s->kind)) { if (first < 0) first = j; last = j; }
      const char *hint = first >= 0 ? util_nearest(s->id, &k->texts[first].id, (size_t)(last - first + 1), sizeof(tr_text)) : NULL;
      fail(L, s->file, s->line, "unknown %s \"%s\"%s: a translation names an English stanza%s", s->kind, s->id,
           mean(tmp, sizeof tmp, hint), same(s->kind, "selfcare") ? " (a self-care exercise as MUSCLE-LOCAL)"
           : same(s->kind, "treat") ? " (a muscle's technique as MUSCLE-TECHNIQUE)"
           : same(s->kind, "tp") ? " (a trigger point by its full id, MUSCLE-LOCAL)" : "");
      continue;
    }
    for (int j = 0; j < s->n_entries; j++) {
      const entry *e = &s->entries[j];
      if (!tr_key(s->kind, e->key)) {
        fail(L, s->file, e->line, "\"%s\" is not a text a client reads in a %s stanza: it is not translated", e->key, s->kind);
        continue;
      }
      const tr_text *en = find_text(k->texts, k->n_texts, NULL, s->kind, s->id, e->key);
      if (!en) { fail(L, s->file, e->line, "[%s %s] has no English \"%s\" to translate", s->kind, s->id, e->key); continue; }
      if (!*e->value) { fail(L, s->file, e->line, "empty value for \"%s\"", e->key); continue; }
      token_sig ga = sig_of(en->value), gb = sig_of(e->value);
      if (ga.n != gb.n || ga.a != gb.a || ga.b != gb.b) {
        buf a, b;
        buf_init(&a); buf_init(&b);
        tokens(en->value, &a); tokens(e->value, &b);
        fail(L, s->file, e->line, "the numbers and placeholders of [%s %s] %s differ from the English (%s:%d): \"%s\" here, \"%s\" there",
             s->kind, s->id, e->key, en->file, en->line, b.data, a.data);
        buf_free(&a); buf_free(&b);
      }
      add_text(k, 1, kb_langs[lang], s->kind, s->id, e->key, e->value, s->file, e->line);
    }
  }
  qsort(k->trs, (size_t)k->n_trs, sizeof *k->trs, cmp_text);
  for (int i = 1; i < k->n_trs; i++)
    if (!cmp_text(&k->trs[i - 1], &k->trs[i]))
      fail(L, k->trs[i].file, k->trs[i].line, "[%s %s] %s translated twice (first at %s:%d)", k->trs[i].kind,
           k->trs[i].id, k->trs[i].key, k->trs[i - 1].file, k->trs[i - 1].line);
}

int kb_load_lang(kb *k, const char *tag, buf *errors) {
  const char *lang = kb_lang_name(tag);
  int l = -1;
  for (int i = 0; lang && i < N_LANGS; i++) if (same(kb_langs[i], lang)) l = i;
  if (l < 0 || (k->langs_loaded >> l & 1)) return 0;
  k->langs_loaded |= 1u << l;
  sort_texts(k);
  loader L = {0}, T = {0};   /* L: the errors; T: the translation files' stanzas */
  L.k = T.k = k;
  L.errors = T.errors = errors;
  for (int i = 0; i < k->n_trfiles; i++) {
    if (k->trfiles[i].lang != l) continue;
    const char *name = k->trfiles[i].name, *text = k->trfiles[i].text;
    long bad = utf8_bad(text, k->trfiles[i].len);
    if (bad >= 0) {
      int line = 1;
      for (long j = 0; j < bad; j++) line += text[j] == '\n';
      fail(&L, name, line, "not valid UTF-8 (byte %ld of the file)", bad + 1);
      continue;
    }
    parse_text(&T, name, text, k->trfiles[i].len);
  }
  L.n_errors += T.n_errors;
  add_translations(&L, &T);
  for (int i = 0; i < T.n_stanzas; i++) free(T.stanzas[i].entries);
  free(T.stanzas);
  return -L.n_errors;
}

int kb_load_langs_of(kb *k, const kb *like, buf *errors) {
  int rc = 0;
  for (int i = 0; i < N_LANGS; i++)
    if (like->langs_loaded >> i & 1) rc += kb_load_lang(k, kb_langs[i], errors);
  return rc;
}

int kb_lang_fr(const char *tag) { const char *l = tag ? kb_lang_name(tag) : NULL; return l && !strcmp(l, "fr"); }

const char *kb_lang_name(const char *tag) {
  if (!tag || !*tag) return "en";
  size_t n = strcspn(tag, "-_.");
  if (n == 2 && strncasecmp(tag, "en", 2) == 0) return "en";
  for (int i = 0; i < N_LANGS; i++)
    if (strlen(kb_langs[i]) == n && strncasecmp(tag, kb_langs[i], n) == 0) return kb_langs[i];
  return NULL;
}

const char *kb_text(const kb *k, const char *lang, const char *kind, const char *id, const char *key,
                    const char *english) {
  lang = kb_lang_name(lang);
  if (!lang || same(lang, "en") || !id) return english;
  const tr_text *t = find_text(k->trs, k->n_trs, lang, kind, id, key);
  return t ? t->value : english;
}

const char *kb_selfcare_text(const kb *k, const char *lang, int muscle, int j, const char *key, const char *english) {
  lang = kb_lang_name(lang);
  if (!lang || same(lang, "en")) return english;
  const kb_muscle *m = &k->muscles[muscle];
  char id[256];
  snprintf(id, sizeof id, "%s-%s", m->id, m->selfcare[j].id);
  return kb_text(k, lang, "selfcare", id, key, english);
}

const char *kb_treat_text(const kb *k, const char *lang, int muscle, int j, const char *key) {
  const kb_muscle *m = &k->muscles[muscle];
  const kb_treat *t = &m->treats[j];
  const char *en = same(key, "position") ? t->position : t->how;
  lang = kb_lang_name(lang);
  if (!lang || same(lang, "en")) return en;
  char id[256];
  snprintf(id, sizeof id, "%s-%s", m->id, k->terms[KB_TECHNIQUE][t->technique].id);
  return kb_text(k, lang, "treat", id, key, en);
}

const char *kb_tp_text(const kb *k, const char *lang, int tp, const char *key) {
  const kb_tp *t = kb_tp_at(k, tp);
  return kb_text(k, lang, "tp", t->id, key, same(key, "name") ? t->name : t->location);
}

const char *kb_condition_text(const kb *k, const char *lang, int i, const char *key) {
  const kb_condition *c = kb_condition_at(k, i);
  return kb_text(k, lang, "condition", c->id, key, same(key, "name") ? c->name : c->note);
}

const char *kb_term_text(const kb *k, const char *lang, int vocab, int i, const char *key) {
  static const char *const kinds_[KB_N_VOCABS] = {
    [KB_SENSATION] = "sensation", [KB_ACTIVITY] = "activity", [KB_MIMIC] = "mimic", [KB_SOURCE] = "source",
    [KB_TECHNIQUE] = "technique", [KB_TOOL] = "tool", [KB_DANGER] = "danger", [KB_CONTRA] = "contra",
    [KB_ADVICE] = "advice", [KB_CORRECT] = "correct", [KB_MOVEMENT] = "movement",
    [KB_SENSITIVE] = "sensitive"};
  const kb_term *t = &k->terms[vocab][i];
  const char *en = same(key, "label") ? t->label : same(key, "caution-note") ? t->caution_text
                 : same(key, "limited") ? t->limited : same(key, "question") ? t->question : t->text;
  return kb_text(k, lang, kinds_[vocab], t->id, key, en);
}

const char *kb_region_label(const kb *k, const char *lang, int region) {
  const body_region *r = body_at(k->body, region);
  return kb_text(k, lang, "region", r->base, "label", r->label);
}

static int cmp_where(const void *a, const void *b) {
  const tr_text *x = *(const tr_text *const *)a, *y = *(const tr_text *const *)b;
  int c = strcmp(x->file, y->file);
  return c ? c : x->line - y->line;
}

int kb_check_translations(kb *k, buf *errors) {
  int bad = 0;
  sort_texts(k);
  for (int l = 0; l < N_LANGS; l++)
    if (k->langs >> l & 1) bad -= kb_load_lang(k, kb_langs[l], errors);
  const tr_text **missing = xmalloc((size_t)(k->n_texts + 1) * sizeof *missing);
  for (int l = 0; l < N_LANGS; l++) {
    if (!(k->langs >> l & 1)) continue;
    int n = 0;
    for (int i = 0; i < k->n_texts; i++)
      if (!find_text(k->trs, k->n_trs, kb_langs[l], k->texts[i].kind, k->texts[i].id, k->texts[i].key))
        missing[n++] = &k->texts[i];
    qsort(missing, (size_t)n, sizeof *missing, cmp_where);   /* in the order of the English files */
    for (int i = 0; i < n; i++, bad++)
      if (bad < MAX_ERRORS)
        buf_printf(errors, "%s:%d: [%s %s] %s has no translation in kb/%s/\n", missing[i]->file, missing[i]->line,
                   missing[i]->kind, missing[i]->id, missing[i]->key, kb_langs[l]);
  }
  free(missing);
  return bad;
}

int kb_n_translations(const kb *k, const char *lang, int *n_english) {
  if (n_english) *n_english = k->n_texts;
  lang = kb_lang_name(lang);
  int n = 0;
  for (int i = 0; lang && i < k->n_trs; i++) n += same(k->trs[i].lang, lang);
  return n;
}

int kb_load_texts(kb **out, int n, const char *const *names, const char *const *texts,
                  const size_t *lens, const char *catalogue, size_t catalogue_len, buf *errors) {
  loader L = {0};
  L.errors = errors;
  L.k = xcalloc(1, sizeof *L.k);
  kb *k = L.k;
  k->body = body_builtin();
  if (!k->body) { fail(&L, "regions.tsv", 0, "the embedded body model is broken"); kb_free(k); return -1; }
  load_catalogue(&L, catalogue, catalogue_len);
  /* the translation files are kept, and read when their language is asked for (kb_load_lang) */
  for (int i = 0; i < n; i++) if (file_lang(names[i]) >= 0) k->n_trfiles++;
  k->trfiles = arena_alloc(k, (size_t)(k->n_trfiles + 1) * sizeof *k->trfiles);
  k->n_trfiles = 0;
  for (int i = 0; i < n; i++) {
    int lang = file_lang(names[i]);
    if (lang < 0) { parse_text(&L, names[i], texts[i], lens[i]); continue; }
    k->langs |= 1u << lang;
    k->trfiles[k->n_trfiles].name = arena_strdup(k, names[i]);
    k->trfiles[k->n_trfiles].text = arena_strndup(k, texts[i], lens[i]);
    k->trfiles[k->n_trfiles].len = lens[i];
    k->trfiles[k->n_trfiles++].lang = lang;
  }
  /* pass by kind, so vocabularies exist before anything refers to them */
  char tmp[128];
  for (int i = 0; i < L.n_stanzas; i++)
    if (!find_kind(L.stanzas[i].kind)) {
      const char *names_[N_KINDS];
      for (int j = 0; j < N_KINDS; j++) names_[j] = kinds[j].kind;
      fail(&L, L.stanzas[i].file, L.stanzas[i].line, "unknown stanza kind \"%s\"%s", L.stanzas[i].kind,
           mean(tmp, sizeof tmp, util_nearest(L.stanzas[i].kind, names_, N_KINDS, sizeof(char *))));
    }
  for (int kd = 0; kd < N_KINDS; kd++) {
    if (kinds[kd].vocab < 0) continue;
    for (int i = 0; i < L.n_stanzas; i++) {
      stanza *s = &L.stanzas[i];
      if (!same(s->kind, kinds[kd].kind)) continue;
      check_keys(&L, s, kinds[kd].keys);
      add_term(&L, s, kinds[kd].vocab, kinds[kd].keys);
    }
    sort_terms(k, kinds[kd].vocab);
  }
  /* an activity's other words name it alone: not another activity's id or word */
  for (int i = 0; i < k->n_terms[KB_ACTIVITY]; i++)
    for (int j = 0; j < k->terms[KB_ACTIVITY][i].n_also; j++) {
      const char *w = k->terms[KB_ACTIVITY][i].also[j];
      int other = kb_find_term(k, KB_ACTIVITY, w);
      for (int x = 0; other < 0 && x <= i; x++)
        for (int y = 0; y < k->terms[KB_ACTIVITY][x].n_also && (x < i || y < j); y++)
          if (strcmp(k->terms[KB_ACTIVITY][x].also[y], w) == 0) other = x;
      if (other >= 0)
        fail(&L, "kb/vocab.kb", 0, "activity \"%s\": the word \"%s\" already names activity \"%s\"",
             k->terms[KB_ACTIVITY][i].id, w, k->terms[KB_ACTIVITY][other].id);
    }
  int muscle = -1;
  const char *muscle_file = NULL;
  care cr = {0};
  for (int i = 0; i < L.n_stanzas; i++) {
    stanza *s = &L.stanzas[i];
    int is_tp = same(s->kind, "tp"), is_treat = same(s->kind, "treat");
    int is_self = same(s->kind, "selfcare");
    if (same(s->kind, "muscle")) {
      flush_care(k, muscle, &cr);
      check_keys(&L, s, muscle_keys);
      int before = k->n_muscles;
      add_muscle(&L, s);
      muscle = k->n_muscles > before ? k->n_muscles - 1 : -1;
      muscle_file = s->file;
    } else if (is_tp || is_treat || is_self) {
      check_keys(&L, s, is_tp ? tp_keys : is_treat ? treat_keys : selfcare_keys);
      if (muscle < 0 || muscle_file != s->file)
        fail(&L, s->file, s->line, "[%s %s] must follow its [muscle ID] stanza in the same file", s->kind, s->id);
      else if (is_tp) add_tp(&L, s, muscle);
      else if (is_treat) add_treat(&L, s, &cr);
      else add_selfcare(&L, s, &k->muscles[muscle], &cr);
    }
  }
  flush_care(k, muscle, &cr);
  for (int i = 0; i < L.n_stanzas; i++)
    if (same(L.stanzas[i].kind, "condition")) {
      check_keys(&L, &L.stanzas[i], condition_keys);
      add_condition(&L, &L.stanzas[i]);
    }
  for (int i = 0; i < k->n_muscles; i++) {
    const kb_muscle *m = &k->muscles[i];
    if (m->selfcare_none && m->n_selfcare)
      fail(&L, m->file, m->line, "muscle \"%s\" has both self-care and \"selfcare-none\": keep one", m->id);
  }
  for (int i = 0; i < k->n_muscles; i++)
    if (k->muscles[i].n_tps == 0)
      fail(&L, k->muscles[i].file, k->muscles[i].line, "muscle \"%s\" has no trigger points: add a [tp ...] stanza", k->muscles[i].id);
  collect_texts(&L);
  for (int i = 0; i < L.n_stanzas; i++) free(L.stanzas[i].entries);
  free(L.stanzas);
  if (L.n_errors) { kb_free(k); return -L.n_errors; }
  k->muscle_order = xmalloc((size_t)(k->n_muscles + 1) * sizeof(int));
  for (int i = 0; i < k->n_muscles; i++) k->muscle_order[i] = i;
  k->tp_order = xmalloc((size_t)(k->n_tps + 1) * sizeof(int));
  for (int i = 0; i < k->n_tps; i++) k->tp_order[i] = i;
  cmp_kb = k;
  qsort(k->muscle_order, (size_t)k->n_muscles, sizeof(int), cmp_muscle);
  qsort(k->tp_order, (size_t)k->n_tps, sizeof(int), cmp_tp);
  *out = k;
  return 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

int kb_load_builtin_text(kb **out, buf *errors) {
  const char *names[64], *texts[64];
  size_t lens[64];
  int n = 0;
  for (int i = 0; i < n_builtin_files && n < 64; i++) {
    const builtin_file *f = &builtin_files[i];
    if (strncmp(f->name, "kb/", 3) || !ends_with(f->name, ".kb")) continue;
    names[n] = f->name; texts[n] = (const char *)f->data; lens[n] = f->len; n++;
  }
  const builtin_file *cat = builtin_find("kb/muscles.tsv");
  if (!cat) { buf_puts(errors, "kb/muscles.tsv: not embedded in this binary\n"); return -1; }
  int rc = kb_load_texts(out, n, names, texts, lens, (const char *)cat->data, cat->len, errors);
  if (!rc) (*out)->embedded = 1;
  return rc;
}

#ifdef MYOMAP_BOOTSTRAP
/* tools/kbgen.c, which writes the tables, parses the embedded text instead */
int kb_load_builtin(kb **out, buf *errors) { return kb_load_builtin_text(out, errors); }
#else
/* kb_data: the embedded kb/ files as constant tables, written by tools/kbgen.c with kb_write_c */
#define KBDATA_KB
#include "kbdata.inc"
int kb_load_builtin(kb **out, buf *errors) {
  const body *b = body_builtin();
  if (!b) { buf_puts(errors, "regions.tsv: the embedded body model is broken\n"); return -1; }
  kb *k = xmalloc(sizeof *k);
  *k = kb_data;
  k->body = b;
  *out = k;
  return 0;
}
#endif

/* ---- writing a kb as constant C tables (tools/kbgen.c; `kb check` compares them) ---- */
/* Every array is written once, before the first array that points to it, as kb_aN (N in the
** order met), so arrays the loader shares (a point's sources that are its muscle's) stay
** shared; an empty one is kb_empty, a NULL one 0.  A field added to the structs of kb.h must be
** added here too. */
/* A guard for that: a struct of kb.h that grows fails the build here (on 64-bit targets, where
** the sizes were taken) until its new field is written below and the size updated. */
#if UINTPTR_MAX == 0xffffffffffffffffu
_Static_assert(sizeof(kb_term) == 184 && sizeof(kb_tp) == 168 && sizeof(kb_muscle) == 168 &&
               sizeof(kb_treat) == 72 && sizeof(kb_selfcare) == 96 && sizeof(kb_condition) == 56 &&
               sizeof(kb_cite) == 16 && sizeof(kb_zone_ref) == 8 && sizeof(struct kb) == 456,
               "a kb.h struct changed: write its new field in kb_write_c (and update the size here)");
#endif

typedef struct cw {
  buf *out;
  const void **keys; int *ids; size_t cap; int n;   /* open addressing: array -> its N */
} cw;

static int cw_seen(cw *w, const void *p, int *id) {
  if ((size_t)w->n * 2 >= w->cap) {
    size_t cap = w->cap ? 2 * w->cap : 4096;
    const void **keys = xcalloc(cap, sizeof *keys);
    int *ids = xcalloc(cap, sizeof *ids);
    for (size_t i = 0; i < w->cap; i++)
      if (w->keys[i]) {
        size_t h = ((uintptr_t)w->keys[i] >> 3) * 0x9E3779B97F4A7C15ULL & (cap - 1);
        while (keys[h]) h = (h + 1) & (cap - 1);
        keys[h] = w->keys[i]; ids[h] = w->ids[i];
      }
    free(w->keys); free(w->ids);
    w->keys = keys; w->ids = ids; w->cap = cap;
  }
  size_t h = ((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ULL & (w->cap - 1);
  while (w->keys[h] && w->keys[h] != p) h = (h + 1) & (w->cap - 1);
  if (w->keys[h]) { *id = w->ids[h]; return 1; }
  w->keys[h] = p; w->ids[h] = *id = w->n++;
  return 0;
}

typedef void (*cw_el)(cw *w, buf *b, const void *el);

/* Write array p (n elements of `size` bytes, each by el) unless written already, and append
** its name to ref. */
static void cw_arr(cw *w, buf *ref, const char *type, const void *p, int n, size_t size, cw_el el) {
  if (!p) { buf_putc(ref, '0'); return; }
  if (!n) { buf_printf(ref, "(const %s *)kb_empty", type); return; }
  int id;
  if (!cw_seen(w, p, &id)) {
    buf b;
    buf_init(&b);
    for (int i = 0; i < n; i++) el(w, &b, (const char *)p + (size_t)i * size);
    buf_printf(w->out, "static const %s kb_a%d[%d] = {", type, id, n);
    buf_append(w->out, b.data, b.len);
    buf_lit(w->out, "};\n");
    buf_free(&b);
  }
  buf_printf(ref, "kb_a%d", id);
}

static void el_int(cw *w, buf *b, const void *e) { (void)w; buf_printf(b, "%d,", *(const int *)e); }
static void el_str(cw *w, buf *b, const void *e) { (void)w; buf_c_str(b, *(const char *const *)e); buf_putc(b, ','); }
static void el_cite(cw *w, buf *b, const void *e) {
  (void)w;
  const kb_cite *c = e;
  buf_printf(b, "{%d,", c->source);
  buf_c_str(b, c->locator);
  buf_lit(b, "},");
}
static void el_zone(cw *w, buf *b, const void *e) {
  (void)w;
  const kb_zone_ref *z = e;
  buf_printf(b, "{%d,%d},", z->base, z->rel);
}
static void cw_ints(cw *w, buf *b, const char *field, const int *v, int n) {
  buf_printf(b, ", .%s = ", field);
  cw_arr(w, b, "int", v, n, sizeof *v, el_int);
  buf_printf(b, ", .n_%s = %d", field, n);
}
static void cw_cites(cw *w, buf *b, const kb_cite *v, int n) {
  buf_lit(b, ", .sources = ");
  cw_arr(w, b, "kb_cite", v, n, sizeof *v, el_cite);
  buf_printf(b, ", .n_sources = %d", n);
}
static void cw_text(buf *b, const char *field, const char *v) {
  buf_printf(b, ", .%s = ", field);
  buf_c_str(b, v);
}

static void el_term(cw *w, buf *b, const void *e) {
  const kb_term *t = e;
  buf_lit(b, "\n {.id = ");
  buf_c_str(b, t->id);
  cw_text(b, "label", t->label);
  cw_text(b, "text", t->text);
  cw_ints(w, b, "regions", t->regions, t->n_regions);
  buf_printf(b, ", .scope = %d, .lo = %d, .hi = %d, .band_lo = %d, .band_hi = %d", t->scope, t->lo, t->hi, t->band_lo, t->band_hi);
  cw_ints(w, b, "exclude", t->exclude, t->n_exclude);
  cw_ints(w, b, "forbid", t->forbid, t->n_forbid);
  cw_ints(w, b, "exclude_tools", t->exclude_tools, t->n_exclude_tools);
  cw_ints(w, b, "caution", t->caution, t->n_caution);
  cw_text(b, "caution_text", t->caution_text);
  cw_text(b, "limited", t->limited);
  cw_text(b, "question", t->question);
  buf_printf(b, ", .limb = %d, .generic = %d, .also = ", t->limb, t->generic);
  cw_arr(w, b, "char *const", t->also, t->n_also, sizeof *t->also, el_str);
  buf_printf(b, ", .n_also = %d", t->n_also);
  cw_cites(w, b, t->sources, t->n_sources);
  buf_lit(b, "},");
}

static void el_treat(cw *w, buf *b, const void *e) {
  const kb_treat *t = e;
  buf_printf(b, "\n {.technique = %d", t->technique);
  cw_text(b, "position", t->position);
  cw_text(b, "how", t->how);
  buf_printf(b, ", .hold_min = %d, .hold_max = %d, .band_lo = %d, .band_hi = %d", t->hold_min, t->hold_max, t->band_lo, t->band_hi);
  cw_ints(w, b, "moves", t->moves, t->n_moves);
  cw_cites(w, b, t->sources, t->n_sources);
  buf_lit(b, "},");
}

static void el_selfcare(cw *w, buf *b, const void *e) {
  const kb_selfcare *c = e;
  buf_lit(b, "\n {.id = ");
  buf_c_str(b, c->id);
  buf_printf(b, ", .tool = %d", c->tool);
  cw_text(b, "position", c->position);
  cw_text(b, "steps", c->steps);
  cw_text(b, "frequency", c->frequency);
  cw_text(b, "feel", c->feel);
  cw_text(b, "avoid", c->avoid);
  buf_printf(b, ", .hold_min = %d, .hold_max = %d", c->hold_min, c->hold_max);
  cw_ints(w, b, "moves", c->moves, c->n_moves);
  cw_cites(w, b, c->sources, c->n_sources);
  buf_lit(b, "},");
}

static void el_condition(cw *w, buf *b, const void *e) {
  const kb_condition *c = e;
  buf_lit(b, "\n {.id = ");
  buf_c_str(b, c->id);
  cw_text(b, "name", c->name);
  cw_text(b, "note", c->note);
  cw_ints(w, b, "muscles", c->muscles, c->n_muscles);
  cw_cites(w, b, c->sources, c->n_sources);
  buf_lit(b, "},");
}

static void el_tp(cw *w, buf *b, const void *e) {
  const kb_tp *t = e;
  buf_lit(b, "\n {.id = ");
  buf_c_str(b, t->id);
  cw_text(b, "local", t->local);
  cw_text(b, "name", t->name);
  cw_text(b, "location", t->location);
  cw_text(b, "symptoms", t->symptoms);
  cw_text(b, "frequency_note", t->frequency_note);
  cw_text(b, "file", t->file);
  buf_printf(b, ", .line = %d, .muscle = %d, .region = %d, .frequency = %d, .essential = ", t->line, t->muscle, t->region, t->frequency);
  cw_arr(w, b, "kb_zone_ref", t->essential, t->n_essential, sizeof *t->essential, el_zone);
  buf_printf(b, ", .n_essential = %d, .spillover = ", t->n_essential);
  cw_arr(w, b, "kb_zone_ref", t->spillover, t->n_spillover, sizeof *t->spillover, el_zone);
  buf_printf(b, ", .n_spillover = %d", t->n_spillover);
  cw_ints(w, b, "sensations", t->sensations, t->n_sensations);
  cw_ints(w, b, "perpetuating", t->perpetuating, t->n_perpetuating);
  cw_ints(w, b, "mimics", t->mimics, t->n_mimics);
  cw_cites(w, b, t->sources, t->n_sources);
  buf_lit(b, "},");
}

static void el_muscle(cw *w, buf *b, const void *e) {
  const kb_muscle *m = e;
  buf_lit(b, "\n {.id = ");
  buf_c_str(b, m->id);
  cw_text(b, "name", m->name);
  cw_text(b, "group", m->group);
  cw_text(b, "perpetuating_note", m->perpetuating_note);
  cw_text(b, "symptoms", m->symptoms);
  cw_text(b, "file", m->file);
  buf_printf(b, ", .line = %d, .paired = %d, .first_tp = %d, .n_tps = %d", m->line, m->paired, m->first_tp, m->n_tps);
  cw_ints(w, b, "perpetuating", m->perpetuating, m->n_perpetuating);
  cw_ints(w, b, "mimics", m->mimics, m->n_mimics);
  cw_cites(w, b, m->sources, m->n_sources);
  buf_lit(b, ", .treats = ");
  cw_arr(w, b, "kb_treat", m->treats, m->n_treats, sizeof *m->treats, el_treat);
  buf_printf(b, ", .n_treats = %d, .selfcare = ", m->n_treats);
  cw_arr(w, b, "kb_selfcare", m->selfcare, m->n_selfcare, sizeof *m->selfcare, el_selfcare);
  buf_printf(b, ", .n_selfcare = %d", m->n_selfcare);
  cw_text(b, "selfcare_none", m->selfcare_none);
  cw_ints(w, b, "dangers", m->dangers, m->n_dangers);
  buf_lit(b, "},");
}

void kb_write_c(const kb *k, buf *out) {
  cw w = {0};
  w.out = out;
  buf b;
  buf_init(&b);
  buf_lit(out, "static const void *const kb_empty[4];\n");
  buf_lit(&b, "static const kb kb_data = {\n  .muscles = (kb_muscle *)");
  cw_arr(&w, &b, "kb_muscle", k->muscles, k->n_muscles, sizeof *k->muscles, el_muscle);
  buf_printf(&b, ", .n_muscles = %d,\n  .tps = (kb_tp *)", k->n_muscles);
  cw_arr(&w, &b, "kb_tp", k->tps, k->n_tps, sizeof *k->tps, el_tp);
  buf_printf(&b, ", .n_tps = %d,\n  .terms = {", k->n_tps);
  for (int v = 0; v < KB_N_VOCABS; v++) {
    buf_puts(&b, v ? ", (kb_term *)" : "(kb_term *)");
    cw_arr(&w, &b, "kb_term", k->terms[v], k->n_terms[v], sizeof(kb_term), el_term);
  }
  buf_lit(&b, "},\n  .n_terms = {");
  for (int v = 0; v < KB_N_VOCABS; v++) buf_printf(&b, "%s%d", v ? ", " : "", k->n_terms[v]);
  buf_lit(&b, "},\n  .catalogue = (char **)");
  cw_arr(&w, &b, "char *const", k->catalogue, k->n_catalogue, sizeof(char *), el_str);
  buf_printf(&b, ", .n_catalogue = %d,\n  .muscle_order = (int *)", k->n_catalogue);
  cw_arr(&w, &b, "int", k->muscle_order, k->n_muscles, sizeof(int), el_int);
  buf_lit(&b, ", .tp_order = (int *)");
  cw_arr(&w, &b, "int", k->tp_order, k->n_tps, sizeof(int), el_int);
  buf_lit(&b, ",\n  .term_order = {");
  for (int v = 0; v < KB_N_VOCABS; v++) {
    buf_puts(&b, v ? ", (int *)" : "(int *)");
    cw_arr(&w, &b, "int", k->term_order[v], k->n_terms[v], sizeof(int), el_int);
  }
  buf_lit(&b, "},\n  .conditions = (kb_condition *)");
  cw_arr(&w, &b, "kb_condition", k->conditions, k->n_conditions, sizeof *k->conditions, el_condition);
  buf_printf(&b, ", .n_conditions = %d,\n  .image = 1};\n", k->n_conditions);
  buf_append(out, b.data, b.len);
  buf_free(&b);
  free(w.keys); free(w.ids);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Append the paths of directory dir's *.kb files to paths[*n..]; -1 if it cannot be opened. */
static int list_kb(const char *dir, char ***paths, int *n, int *cap) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.' || !ends_with(de->d_name, ".kb")) continue;
    if (*n == *cap) { *cap = *cap ? 2 * *cap : 32; *paths = xrealloc(*paths, (size_t)*cap * sizeof **paths); }
    buf p; buf_init(&p);
    buf_printf(&p, "%s/%s", dir, de->d_name);
    (*paths)[(*n)++] = p.data;
  }
  closedir(d);
  return 0;
}

int kb_load_dir(kb **out, const char *dir, buf *errors) {
  char **paths = NULL;
  int n = 0, cap = 0;
  if (list_kb(dir, &paths, &n, &cap)) { buf_printf(errors, "%s: cannot open the knowledge-base directory\n", dir); return -1; }
  int n_main = n;
  for (int l = 0; l < N_LANGS; l++) {   /* the translations: DIR/fr/NAME.kb */
    buf p; buf_init(&p);
    buf_printf(&p, "%s/%s", dir, kb_langs[l]);
    list_kb(p.data, &paths, &n, &cap);
    buf_free(&p);
  }
  qsort(paths, (size_t)n, sizeof *paths, cmp_str);
  char **texts = xcalloc((size_t)n + 1, sizeof *texts);
  size_t *lens = xcalloc((size_t)n + 1, sizeof *lens);
  int rc = 0;
  for (int i = 0; i < n; i++)
    if (util_read_file(paths[i], &texts[i], &lens[i])) {
      buf_printf(errors, "%s: cannot read the file\n", paths[i]);
      rc = -1;
    }
  if (n_main == 0) { buf_printf(errors, "%s: no .kb files in this directory\n", dir); rc = -1; }
  char *cat = NULL;
  size_t cat_len = 0;
  buf cp; buf_init(&cp);
  buf_printf(&cp, "%s/muscles.tsv", dir);
  if (rc == 0) {
    if (util_read_file(cp.data, &cat, &cat_len) == 0)
      rc = kb_load_texts(out, n, (const char *const *)paths, (const char *const *)texts, lens, cat, cat_len, errors);
    else {
      const builtin_file *f = builtin_find("kb/muscles.tsv");
      rc = kb_load_texts(out, n, (const char *const *)paths, (const char *const *)texts, lens,
                         (const char *)f->data, f->len, errors);
    }
  }
  buf_free(&cp);
  free(cat);
  for (int i = 0; i < n; i++) { free(paths[i]); free(texts[i]); }
  free(paths); free(texts); free(lens);
  return rc;
}

int kb_check_coverage(const kb *k, buf *errors) {
  int bad = 0;
  for (int i = 0; i < k->n_catalogue; i++) {
    int m = kb_find_muscle(k, k->catalogue[i]);
    if (m < 0 || strcmp(k->muscles[m].id, k->catalogue[i])) {   /* by id, not by a display name */
      buf_printf(errors, "muscles.tsv: muscle \"%s\" has no [muscle %s] stanza in the knowledge base\n",
                 k->catalogue[i], k->catalogue[i]);
      bad++;
      continue;
    }
    const kb_muscle *mu = &k->muscles[m];
    if (!mu->n_treats) {
      buf_printf(errors, "%s:%d: muscle \"%s\" has no technique: add a [treat TECHNIQUE] stanza\n", mu->file, mu->line, mu->id);
      bad++;
    }
    if (!mu->n_selfcare && !mu->selfcare_none) {
      buf_printf(errors, "%s:%d: muscle \"%s\" has no self-care: add a [selfcare ID] stanza, or \"selfcare-none = why\"\n",
                 mu->file, mu->line, mu->id);
      bad++;
    }
  }
  return bad;
}

int kb_n_conditions(const kb *k) { return k->n_conditions; }
const kb_condition *kb_condition_at(const kb *k, int i) { return &k->conditions[i]; }

int kb_find_condition(const kb *k, const char *id) {
  for (int i = 0; i < k->n_conditions; i++)
    if (strcmp(k->conditions[i].id, id) == 0 || strcasecmp(k->conditions[i].name, id) == 0) return i;
  return -1;
}

const char *kb_suggest_condition(const kb *k, const char *id) {
  if (!k->n_conditions) return NULL;
  return util_nearest(id, &k->conditions[0].id, (size_t)k->n_conditions, sizeof(kb_condition));
}

const body *kb_body(const kb *k) { return k->body; }
int kb_is_builtin(const kb *k) { return k->image; }
int kb_is_embedded(const kb *k) { return k->image || k->embedded; }
int kb_n_muscles(const kb *k) { return k->n_muscles; }
const kb_muscle *kb_muscle_at(const kb *k, int i) { return &k->muscles[i]; }
int kb_n_tps(const kb *k) { return k->n_tps; }
const kb_tp *kb_tp_at(const kb *k, int i) { return &k->tps[i]; }
int kb_n_terms(const kb *k, int v) { return k->n_terms[v]; }
const kb_term *kb_term_at(const kb *k, int v, int i) { return &k->terms[v][i]; }

int kb_find_muscle(const kb *k, const char *id) {
  int lo = 0, hi = k->n_muscles - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, c = strcmp(id, k->muscles[k->muscle_order[mid]].id);
    if (c == 0) return k->muscle_order[mid];
    if (c < 0) hi = mid - 1; else lo = mid + 1;
  }
  for (int i = 0; i < k->n_muscles; i++)
    if (k->muscles[i].name && strcasecmp(k->muscles[i].name, id) == 0) return i;
  return -1;
}

int kb_find_tp(const kb *k, const char *id) {
  int lo = 0, hi = k->n_tps - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, c = strcmp(id, k->tps[k->tp_order[mid]].id);
    if (c == 0) return k->tp_order[mid];
    if (c < 0) hi = mid - 1; else lo = mid + 1;
  }
  return -1;
}

const char *kb_suggest_muscle(const kb *k, const char *id) {
  if (!k->n_muscles) return NULL;
  return util_nearest(id, &k->muscles[0].id, (size_t)k->n_muscles, sizeof(kb_muscle));
}

int kb_find_termn(const kb *k, int v, const char *id, size_t n) {
  const int *order = k->term_order[v];
  int lo = 0, hi = k->n_terms[v] - 1;
  if (!order) {  /* still loading: linear */
    for (int i = 0; i < k->n_terms[v]; i++)
      if (strncmp(k->terms[v][i].id, id, n) == 0 && !k->terms[v][i].id[n]) return i;
    return -1;
  }
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    const char *m = k->terms[v][order[mid]].id;
    int c = strncmp(id, m, n);
    if (c == 0 && m[n]) c = -1;
    if (c == 0) return order[mid];
    if (c < 0) hi = mid - 1; else lo = mid + 1;
  }
  return -1;
}

int kb_find_term(const kb *k, int v, const char *id) { return kb_find_termn(k, v, id, strlen(id)); }

int kb_find_activity(const kb *k, const char *w) {
  int t = kb_find_term(k, KB_ACTIVITY, w);
  for (int i = 0; t < 0 && i < k->n_terms[KB_ACTIVITY]; i++)
    for (int j = 0; j < k->terms[KB_ACTIVITY][i].n_also; j++)
      if (strcmp(k->terms[KB_ACTIVITY][i].also[j], w) == 0) return i;
  return t;
}

/* 0: not a limb; 1: the upper limb (arm, hand and the armpit, where its main vein runs);
** 2: the lower limb (thigh, knee, leg, foot, and the groin and hip over the femoral vein's
** upper end). */
static int limb_of(const body_region *r) {
  if (!strcmp(r->group, "arm") || !strcmp(r->group, "hand") || !strcmp(r->base, "axilla")) return 1;
  if (!strcmp(r->group, "thigh") || !strcmp(r->group, "knee") || !strcmp(r->group, "leg") || !strcmp(r->group, "foot") ||
      !strcmp(r->base, "groin") || !strcmp(r->base, "hip-lateral")) return 2;
  return 0;
}

int kb_contra_reaches(const kb *k, const kb_term *c, int at, int r) {
  if (at < 0 || r < 0) return 0;
  if (at == r) return 1;
  if (!c->limb) return 0;
  const body_region *a = body_at(k->body, at), *b = body_at(k->body, r);
  int la = limb_of(a);
  return la && la == limb_of(b) && a->side == b->side;
}

const char *kb_suggest_term(const kb *k, int v, const char *id) {
  if (!k->n_terms[v]) return NULL;
  return util_nearest(id, &k->terms[v][0].id, (size_t)k->n_terms[v], sizeof(kb_term));
}

int kb_zone_regions(const kb *k, kb_zone_ref z, int side, int out[2]) {
  const body *b = k->body;
  if (!body_base_paired(b, z.base)) { out[0] = body_concrete(b, z.base, BODY_MID); return 1; }
  if (z.rel == KB_BOTH) {
    out[0] = body_concrete(b, z.base, BODY_L);
    out[1] = body_concrete(b, z.base, BODY_R);
    return 2;
  }
  int s = side == BODY_MID ? BODY_L : side;   /* a midline point's "same side" zones: both */
  if (side == BODY_MID) {
    out[0] = body_concrete(b, z.base, BODY_L);
    out[1] = body_concrete(b, z.base, BODY_R);
    return 2;
  }
  if (z.rel == KB_OPP) s = s == BODY_L ? BODY_R : BODY_L;
  out[0] = body_concrete(b, z.base, s);
  return 1;
}
