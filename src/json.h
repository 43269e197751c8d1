/* json.h: a small allocation-free JSON parser into a caller-provided token array, and jansson's
** json_loadb built on it (json_tree). */
#ifndef MYOMAP_JSON_H
#define MYOMAP_JSON_H

#include <string.h>

#include <stddef.h>

/* jansson's json_type names JSON_OBJECT and five more of these: a file that includes <jansson.h>
** before this header sees json_tree alone (json.c has both, jansson's renamed) */
#ifndef JANSSON_H
enum json_type { JSON_NULL = 1, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

/* A token spans text[start, end): for a string, the contents between the quotes (still
** escaped); for an array or object, `size` is its number of elements (pairs for objects) and
** `next` the index of the token after its last descendant. Object members are key token
** then value token. */
typedef struct json_tok {
  int type;
  int start, end;
  int size;
  int next;
} json_tok;

/* Parse text[0..len) as one JSON value (whitespace around it allowed).  Fills toks[0..] and
** returns the number of tokens, or -1 with a message (naming the byte offset) in
** err[errlen].  Nesting deeper than 64 or more than `max` tokens is an error. */
int json_parse(const char *text, size_t len, json_tok *toks, int max, char *err, size_t errlen);

/* Copy string token t unescaped into out[outlen] (NUL-terminated).  Returns the length, or
** -1 when it does not fit or has a bad escape. */
int json_str(const char *text, const json_tok *t, char *out, size_t outlen);

/* Does string token t equal the plain ASCII word `s`? (no escapes considered; inline, so the
** length of a literal word is known when compiled) */
static inline int json_eq(const char *text, const json_tok *t, const char *s) {
  size_t n = (size_t)(t->end - t->start);
  return t->type == JSON_STRING && strlen(s) == n && memcmp(text + t->start, s, n) == 0;
}

/* Value of a number token as a double (strtod). */
double json_num(const char *text, const json_tok *t);
#endif

/* The same as jansson's json_loadb(text, len, 0, je) -- the same documents accepted, the same
** tree (members in the same order, integers and reals the same), the same error -- built from
** json_parse's tokens, which is ~8 times cheaper than jansson's lexer.  Whatever is not plainly
** what jansson would do (\u escapes, leading zeros, integers past 18 digits, a real that
** overflows, a top-level scalar, any error) is handed to json_loadb itself. */
typedef struct json_t json_t;
typedef struct json_error_t json_error_t;
json_t *json_tree(const char *text, size_t len, json_error_t *je);
/* json_tree's own tree, or NULL where json_tree hands the text to json_loadb (for the tests) */
json_t *json_tree_fast(const char *text, size_t len);
/* json_tree, the tree made in this thread's scratch memory: cheaper to make, and dropped whole
** (json_decref on it frees nothing; not calling it leaks nothing).  It lasts until the thread's
** next json_tree_scratch: nothing of it may be kept past that, or passed to another thread. */
json_t *json_tree_scratch(const char *text, size_t len, json_error_t *je);

#endif
