/* json.c: a small allocation-free JSON parser into a caller-provided token array. */
#include "json.h"

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
