/* json.c: a small allocation-free JSON parser into a caller-provided token array, and jansson's
** json_loadb built on it (json_tree). */
#include "json.h"

/* jansson's enumerators of the same names as json.h's, renamed while it is read (none of its
** macros that use them is used here) */
#define JSON_OBJECT JANSSON_OBJECT
#define JSON_ARRAY JANSSON_ARRAY
#define JSON_STRING JANSSON_STRING
#define JSON_TRUE JANSSON_TRUE
#define JSON_FALSE JANSSON_FALSE
#define JSON_NULL JANSSON_NULL
#include <jansson.h>
#undef JSON_OBJECT
#undef JSON_ARRAY
#undef JSON_STRING
#undef JSON_TRUE
#undef JSON_FALSE
#undef JSON_NULL
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  const char *s;
  size_t len, pos;
  json_tok *toks;
  int max, n;
  char *err;
  size_t errlen;
} parser;

static int bad(parser *p, const char *what) {
  snprintf(p->err, p->errlen, "%s at byte %zu", what, p->pos + 1);
  return -1;
}

static void ws(parser *p) {
  size_t pos = p->pos;
  while (pos < p->len) {
    char c = p->s[pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    pos++;
  }
  p->pos = pos;
}

static int value(parser *p, int depth);

static int newtok(parser *p, int type, int start) {
  if (p->n >= p->max) return bad(p, "too many values");
  json_tok *t = &p->toks[p->n];
  t->type = type; t->start = start; t->end = start; t->size = 0; t->next = p->n + 1;
  return p->n++;
}

/* the bytes a string's scan stops at: '"', '\\' and the control characters */
static const unsigned char stop[256] = {
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, ['"'] = 1, ['\\'] = 1};

static int string(parser *p) {
  size_t start = ++p->pos;
  while (p->pos < p->len) {
    const char *s = p->s;
    size_t pos = p->pos, len = p->len;
    while (pos < len && !stop[(unsigned char)s[pos]]) pos++;
    p->pos = pos;
    if (p->pos >= p->len) break;
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c == '"') {
      int t = newtok(p, JSON_STRING, (int)start);
      if (t < 0) return -1;
      p->toks[t].end = (int)p->pos++;
      return t;
    }
    if (c < 0x20) return bad(p, "control character in a string");
    if (c == '\\') {
      if (++p->pos >= p->len) break;
      char e = p->s[p->pos];
      if (e == 'u') {
        for (int i = 1; i <= 4; i++) {
          char h = p->pos + (size_t)i < p->len ? p->s[p->pos + (size_t)i] : 0;
          if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
            return bad(p, "bad \\u escape");
        }
        p->pos += 4;
      } else if (!strchr("\"\\/bfnrt", e) || !e) return bad(p, "bad escape");
    }
    p->pos++;
  }
  return bad(p, "unterminated string");
}

static int number(parser *p) {
  size_t start = p->pos;
  if (p->s[p->pos] == '-') p->pos++;
  size_t digits = p->pos;
  while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
  if (p->pos == digits) return bad(p, "bad number");
  if (p->pos < p->len && p->s[p->pos] == '.') {
    size_t d = ++p->pos;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    if (p->pos == d) return bad(p, "bad number");
  }
  if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
    p->pos++;
    if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) p->pos++;
    size_t d = p->pos;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    if (p->pos == d) return bad(p, "bad number");
  }
  int t = newtok(p, JSON_NUMBER, (int)start);
  if (t < 0) return -1;
  p->toks[t].end = (int)p->pos;
  return t;
}

static int literal(parser *p, const char *word, int type) {
  size_t n = strlen(word);
  if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n)) return bad(p, "unexpected character");
  int t = newtok(p, type, (int)p->pos);
  if (t < 0) return -1;
  p->pos += n;
  p->toks[t].end = (int)p->pos;
  return t;
}

static int container(parser *p, int depth, int object) {
  int t = newtok(p, object ? JSON_OBJECT : JSON_ARRAY, (int)p->pos);
  if (t < 0) return -1;
  p->pos++;
  ws(p);
  char close = object ? '}' : ']';
  if (p->pos < p->len && p->s[p->pos] == close) { p->pos++; goto done; }
  for (;;) {
    ws(p);
    if (object) {
      if (p->pos >= p->len || p->s[p->pos] != '"') return bad(p, "expected a string key");
      if (string(p) < 0) return -1;
      ws(p);
      if (p->pos >= p->len || p->s[p->pos] != ':') return bad(p, "expected ':'");
      p->pos++;
    }
    if (value(p, depth + 1) < 0) return -1;
    p->toks[t].size++;
    ws(p);
    if (p->pos >= p->len) return bad(p, object ? "unterminated object" : "unterminated array");
    char c = p->s[p->pos++];
    if (c == close) break;
    if (c != ',') { p->pos--; return bad(p, object ? "expected ',' or '}'" : "expected ',' or ']'"); }
  }
done:
  p->toks[t].end = (int)p->pos;
  p->toks[t].next = p->n;
  return t;
}

static int value(parser *p, int depth) {
  if (depth > 64) return bad(p, "nesting too deep");
  ws(p);
  if (p->pos >= p->len) return bad(p, "unexpected end of input");
  switch (p->s[p->pos]) {
  case '{': return container(p, depth, 1);
  case '[': return container(p, depth, 0);
  case '"': return string(p);
  case 't': return literal(p, "true", JSON_TRUE);
  case 'f': return literal(p, "false", JSON_FALSE);
  case 'n': return literal(p, "null", JSON_NULL);
  default:
    if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9')) return number(p);
    return bad(p, "unexpected character");
  }
}

int json_parse(const char *text, size_t len, json_tok *toks, int max, char *err, size_t errlen) {
  parser p = {text, len, 0, toks, max, 0, err, errlen};
  if (len > 0x7fffffff) return bad(&p, "input too long");
  if (value(&p, 0) < 0) return -1;
  ws(&p);
  if (p.pos != len) return bad(&p, "trailing characters after the value");
  return p.n;
}


static int hexval(char c) {
  return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

int json_str(const char *text, const json_tok *t, char *out, size_t outlen) {
  size_t o = 0;
  for (int i = t->start; i < t->end; i++) {
    unsigned cp = (unsigned char)text[i];
    if (cp == '\\') {
      char e = text[++i];
      switch (e) {
      case 'n': cp = '\n'; break;
      case 't': cp = '\t'; break;
      case 'r': cp = '\r'; break;
      case 'b': cp = '\b'; break;
      case 'f': cp = '\f'; break;
      case 'u':
        cp = 0;
        for (int k = 1; k <= 4; k++) cp = cp * 16 + (unsigned)hexval(text[i + k]);
        i += 4;
        break;
      default: cp = (unsigned char)e;
      }
      if (cp == 0) return -1;
      char enc[4];
      int n;
      if (cp < 0x80) { enc[0] = (char)cp; n = 1; }
      else if (cp < 0x800) { enc[0] = (char)(0xc0 | cp >> 6); enc[1] = (char)(0x80 | (cp & 63)); n = 2; }
      else { enc[0] = (char)(0xe0 | cp >> 12); enc[1] = (char)(0x80 | (cp >> 6 & 63)); enc[2] = (char)(0x80 | (cp & 63)); n = 3; }
      if (o + (size_t)n >= outlen) return -1;
      memcpy(out + o, enc, (size_t)n);
      o += (size_t)n;
    } else {
      if (o + 1 >= outlen) return -1;
      out[o++] = (char)cp;
    }
  }
  if (o >= outlen) return -1;
  out[o] = 0;
  return (int)o;
}

double json_num(const char *text, const json_tok *t) {
  char tmp[64];
  size_t n = (size_t)(t->end - t->start);
  if (n >= 1 && n <= 15) {   /* a plain whole number: exactly what strtod gives, without it */
    long v = 0;
    size_t i = 0;
    while (i < n && text[t->start + (int)i] >= '0' && text[t->start + (int)i] <= '9') v = v * 10 + (text[t->start + (int)i++] - '0');
    if (i == n) return (double)v;
  }
  if (n >= sizeof tmp) n = sizeof tmp - 1;
  memcpy(tmp, text + t->start, n);
  tmp[n] = 0;
  return strtod(tmp, NULL);
}

/* ---- json_tree: jansson's tree from json_parse's tokens ---- */

/* What json_tree keeps per thread, between calls (ended with its thread): the token array and
** the buffer a string with escapes is unescaped into. */
typedef struct tree_scratch {
  json_tok *toks;
  size_t ntoks;
  char *str;
  size_t nstr;
  /* json_tree_scratch's arena: chunks, each twice the last, and the bytes used of the last */
  char *chunk[24];
  size_t size[24], used;
  int nchunk, on;
} tree_scratch;
static pthread_key_t tree_key;
static pthread_once_t tree_once = PTHREAD_ONCE_INIT;
static _Thread_local tree_scratch *mine;   /* this thread's, for the allocator */
static void tree_free(void *p) {
  tree_scratch *sc = p;
  mine = NULL;
  free(sc->toks);
  free(sc->str);
  for (int i = 0; i < sc->nchunk; i++) free(sc->chunk[i]);
  free(sc);
}

/* ---- jansson's memory ----
** Every allocation of jansson's goes through these two (installed before main): on a thread
** inside json_tree_scratch it is cut from that thread's arena, and freeing it does nothing; at
** any other time they are malloc and free. */
static void *tree_alloc(size_t n) {
  tree_scratch *sc = mine;
  if (!sc || !sc->on) return malloc(n);
  n = (n + 15) & ~(size_t)15;
  if (sc->nchunk && sc->used + n <= sc->size[sc->nchunk - 1]) {
    void *p = sc->chunk[sc->nchunk - 1] + sc->used;
    sc->used += n;
    return p;
  }
  if (sc->nchunk == 24) return NULL;   /* 2^38 bytes: jansson reports "out of memory" */
  size_t want = sc->nchunk ? sc->size[sc->nchunk - 1] * 2 : (size_t)1 << 17;
  while (want < n) want *= 2;
  char *c = malloc(want);
  if (!c) return NULL;
  sc->chunk[sc->nchunk] = c;
  sc->size[sc->nchunk++] = want;
  sc->used = n;
  return c;
}

static void tree_release(void *p) {
  tree_scratch *sc = mine;
  for (int i = 0; sc && i < sc->nchunk; i++)
    if ((char *)p >= sc->chunk[i] && (char *)p < sc->chunk[i] + sc->size[i]) return;
  free(p);
}

__attribute__((constructor)) static void tree_install(void) { json_set_alloc_funcs(tree_alloc, tree_release); }
static void tree_make(void) { pthread_key_create(&tree_key, tree_free); }

/* p grown to hold n items of size sz (*have their number), or NULL when out of memory (p kept:
** it is freed with the rest) */
static void *grow(void *p, size_t *have, size_t n, size_t sz) {
  if (*have >= n) return p;
  void *q = realloc(p, n * sz);
  if (q) *have = n;
  return q;
}

/* the byte a plain escape stands for; 0 for \u, which is always left to jansson */
static const unsigned char unescaped[256] = {
  ['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t'};

/* String token t's text, unescaped when it has escapes (into sc->str, good until the next
** call): 1 when it is all ASCII, 0 when not (its UTF-8 still to check), -1 to leave it to
** jansson (a \u escape, or out of memory). */
static int tree_text(const char *s, const json_tok *t, tree_scratch *sc, const char **out, size_t *n) {
  const unsigned char *a = (const unsigned char *)s + t->start;
  size_t len = (size_t)(t->end - t->start), i;
  unsigned hi = 0;
  for (i = 0; i < len && a[i] != '\\'; i++) hi |= a[i];
  if (i == len) { *out = (const char *)a; *n = len; return !(hi & 0x80); }
  unsigned char *o = grow(sc->str, &sc->nstr, len + 1, 1);
  if (!o) return -1;
  sc->str = (char *)o;
  size_t k = 0;
  for (i = 0; i < len; i++) {   /* json_parse saw every escape complete and known */
    unsigned c = a[i];
    if (c == '\\' && !(c = unescaped[a[++i]])) return -1;
    hi |= c;
    o[k++] = (unsigned char)c;
  }
  *out = sc->str;
  *n = k;
  return !(hi & 0x80);
}

/* Number token t as jansson reads it, or NULL to leave it to jansson: a leading zero before a
** digit (jansson refuses it), an integer of more than 18 digits (it may overflow), a real
** strtod makes infinite (jansson: "real number overflow") or does not read whole. */
static json_t *tree_number(const char *s, const json_tok *t) {
  const char *a = s + t->start, *e = s + t->end, *d = a + (*a == '-');
  if (d[0] == '0' && d + 1 < e && d[1] >= '0' && d[1] <= '9') return NULL;
  const char *q = d;
  while (q < e && *q >= '0' && *q <= '9') q++;
  if (q == e) {   /* an integer ("-0" is 0), as strtoll reads it when it cannot overflow */
    if (q - d > 18) return NULL;
    json_int_t v = 0;
    for (q = d; q < e; q++) v = v * 10 + (*q - '0');
    return json_integer(*a == '-' ? -v : v);
  }
  char tmp[64], *end;
  size_t n = (size_t)(e - a);
  if (n >= sizeof tmp) return NULL;
  memcpy(tmp, a, n);
  tmp[n] = 0;
  double r = strtod(tmp, &end);
  if (end != tmp + n || isinf(r)) return NULL;
  return json_real(r);
}

/* the value of token i, or NULL to leave the whole document to jansson */
static json_t *tree_value(const char *s, const json_tok *toks, int i, tree_scratch *sc) {
  const json_tok *t = &toks[i];
  const char *p;
  size_t n;
  int ascii;
  switch (t->type) {
  case JSON_OBJECT: {
    json_t *o = json_object();
    int j = i + 1;   /* a member: its key's token j, its value's j + 1 */
    for (int m = 0; o && m < t->size; m++, j = toks[j + 1].next) {
      json_t *v = tree_value(s, toks, j + 1, sc);   /* (before the key: it may use sc->str) */
      if (!v || (ascii = tree_text(s, &toks[j], sc, &p, &n)) < 0) { json_decref(v); break; }
      /* the same call as jansson's (a key again: its value replaced where it stands); a key
      ** not ASCII has its UTF-8 checked by json_object_setn_new, as jansson's lexer did */
      if ((ascii ? json_object_setn_new_nocheck : json_object_setn_new)(o, p, n, v)) break;
    }
    if (o && j == t->next) return o;
    json_decref(o);
    return NULL;
  }
  case JSON_ARRAY: {
    json_t *arr = json_array();
    int j = i + 1;
    for (int m = 0; arr && m < t->size; m++, j = toks[j].next)
      if (json_array_append_new(arr, tree_value(s, toks, j, sc))) break;
    if (arr && j == t->next) return arr;
    json_decref(arr);
    return NULL;
  }
  case JSON_STRING:
    if ((ascii = tree_text(s, t, sc, &p, &n)) < 0) return NULL;
    return ascii ? json_stringn_nocheck(p, n) : json_stringn(p, n);   /* (NULL: not UTF-8) */
  case JSON_NUMBER: return tree_number(s, t);
  case JSON_TRUE: return json_true();
  case JSON_FALSE: return json_false();
  case JSON_NULL: return json_null();
  }
  return NULL;
}

static tree_scratch *scratch(void) {
  pthread_once(&tree_once, tree_make);
  tree_scratch *sc = pthread_getspecific(tree_key);
  if (!sc && (sc = calloc(1, sizeof *sc)) && pthread_setspecific(tree_key, sc)) { free(sc); sc = NULL; }
  return mine = sc;
}

json_t *json_tree_fast(const char *text, size_t len) {
  tree_scratch *sc = scratch();
  /* every token but the first takes two bytes at least (itself and a ',', ':' or bracket) */
  size_t max = len / 2 + 2;
  char err[96];
  json_tok *toks = sc && len < (1u << 28) ? grow(sc->toks, &sc->ntoks, max, sizeof *toks) : NULL;
  if (toks) sc->toks = toks;
  if (!toks || json_parse(text, len, sc->toks, (int)max, err, sizeof err) < 1 ||
      (sc->toks[0].type != JSON_OBJECT && sc->toks[0].type != JSON_ARRAY))   /* (jansson: "'[' or '{' expected") */
    return NULL;
  return tree_value(text, sc->toks, 0, sc);
}

json_t *json_tree(const char *text, size_t len, json_error_t *je) {
  json_t *root = json_tree_fast(text, len);
  if (!root) return json_loadb(text, len, 0, je);
  if (je) {   /* what json_loadb leaves in it when it succeeds */
    je->line = je->column = -1;
    je->position = (int)len;
    strcpy(je->source, "<buffer>");
    je->text[0] = 0;
  }
  return root;
}

json_t *json_tree_scratch(const char *text, size_t len, json_error_t *je) {
  tree_scratch *sc = scratch();
  if (!sc) return json_tree(text, len, je);
  /* the arena made empty: its largest chunk kept, the others given back */
  for (int i = 0; i + 1 < sc->nchunk; i++) free(sc->chunk[i]);
  if (sc->nchunk > 1) {
    sc->chunk[0] = sc->chunk[sc->nchunk - 1];
    sc->size[0] = sc->size[sc->nchunk - 1];
    sc->nchunk = 1;
  }
  sc->used = 0;
  sc->on = 1;
  json_t *root = json_tree(text, len, je);
  sc->on = 0;
  return root;
}
