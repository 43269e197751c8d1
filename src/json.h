/* json.h: a small allocation-free JSON parser into a caller-provided token array. */
#ifndef MYOMAP_JSON_H
#define MYOMAP_JSON_H

#include <string.h>

#include <stddef.h>

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
