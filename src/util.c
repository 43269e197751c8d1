/* util.c: allocation that never fails, a growable buffer, and nearest-word suggestions. */
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(size_t n) {
  fprintf(stderr, "myomap: out of memory (%zu bytes)\n", n);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom(n);
  return p;
}

void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) oom(n * size);
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) oom(n);
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

void buf_init(buf *b) { b->data = NULL; b->len = b->cap = 0; }

void buf_free(buf *b) { free(b->data); buf_init(b); }

void buf_reset(buf *b) { b->len = 0; if (b->data) b->data[0] = 0; }

void buf_reserve(buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  buf_grow(b, extra);
}

void buf_grow(buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void buf_puts(buf *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_vprintf(buf *b, const char *fmt, va_list ap) {
  va_list aq;
  va_copy(aq, ap);
  char tmp[256];
  int n = vsnprintf(tmp, sizeof tmp, fmt, aq);
  va_end(aq);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) { buf_append(b, tmp, (size_t)n); return; }
  buf_reserve(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(b, fmt, ap);
  va_end(ap);
}

void buf_c_str(buf *b, const char *s) {
  if (!s) { buf_putc(b, '0'); return; }
  buf_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p >= ' ' && *p < 127 && *p != '"' && *p != '\\' && *p != '?') buf_putc(b, (char)*p);
    else buf_printf(b, "\\%03o", *p);
  }
  buf_putc(b, '"');
}

void buf_json_str(buf *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  buf_putc(b, '"');
  /* the bytes that end a run: NUL, the control characters, '"' and '\\' */
  static const unsigned char end[256] = {
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, ['"'] = 1, ['\\'] = 1};
  const unsigned char *p = (const unsigned char *)s, *run = p;
  for (;; p++) {
    while (!end[*p]) p++;
    unsigned char c = *p;
    if (p > run) buf_append(b, run, (size_t)(p - run));
    run = p + 1;
    if (!c) break;
    if (c == '"' || c == '\\') { char e[2] = {'\\', (char)c}; buf_append(b, e, 2); }
    else if (c == '\n') buf_append(b, "\\n", 2);
    else if (c == '\t') buf_append(b, "\\t", 2);
    else if (c == '\r') buf_append(b, "\\r", 2);
    else {
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      buf_append(b, u, 6);
    }
  }
  buf_putc(b, '"');
}

void buf_int(buf *b, long v) {
  char tmp[24];
  int i = sizeof tmp;
  unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
  do { tmp[--i] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) tmp[--i] = '-';
  buf_append(b, tmp + i, sizeof tmp - (size_t)i);
}

void buf_fixed3(buf *b, double v) {
  int neg = v < 0;
  if (neg) v = -v;
  long m = (long)(v * 1000.0 + 0.5);
  if (m >= 0) {   /* the digits and the sign in one append */
    char tmp[32];
    int i = sizeof tmp;
    unsigned long u = (unsigned long)m;
    tmp[--i] = (char)('0' + u % 10); u /= 10;
    tmp[--i] = (char)('0' + u % 10); u /= 10;
    tmp[--i] = (char)('0' + u % 10); u /= 10;
    tmp[--i] = '.';
    do { tmp[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    if (neg) tmp[--i] = '-';
    buf_append(b, tmp + i, sizeof tmp - (size_t)i);
    return;
  }
  if (neg) buf_putc(b, '-');
  buf_int(b, m / 1000);
  char t[4] = {'.', (char)('0' + m / 100 % 10), (char)('0' + m / 10 % 10), (char)('0' + m % 10)};
  buf_append(b, t, 4);
}

void buf_dec(buf *b, double v, int dec) {
  static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  if (dec < 0) dec = 0;
  if (dec > 6) dec = 6;
  double m = nearbyint(fabs(v) * scale[dec]);
  if (!(m < 1e15)) {  /* NAN, infinities and huge values: as printf writes them */
    char s[400];
    snprintf(s, sizeof s, "%.*f", dec, v);
    char *p = strchr(s, '.');
    if (p) {
      char *e = s + strlen(s) - 1;
      while (*e == '0') *e-- = 0;
      if (*e == '.') *e = 0;
    }
    buf_puts(b, s);
    return;
  }
  unsigned long long u = (unsigned long long)m, p10 = (unsigned long long)scale[dec];
  unsigned long long whole = u / p10, frac = u % p10;
  if (u && v < 0) buf_putc(b, '-');
  buf_int(b, (long)whole);
  if (!frac) return;
  while (frac % 10 == 0) { frac /= 10; dec--; }
  char t[8];
  t[0] = '.';
  for (int i = dec; i > 0; i--, frac /= 10) t[i] = (char)('0' + frac % 10);
  buf_append(b, t, (size_t)dec + 1);
}

int util_distance(const char *a, const char *b, int cap) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return cap;
  int row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    int prev = row[0], best = i;
    row[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int cur = row[j];
      int v = prev + (a[i - 1] != b[j - 1]);
      if (row[j] + 1 < v) v = row[j] + 1;
      if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
      row[j] = v;
      prev = cur;
      if (v < best) best = v;
    }
    if (best >= cap) return cap;
  }
  return row[lb] < cap ? row[lb] : cap;
}

static size_t common_prefix(const char *a, const char *b) {
  size_t n = 0;
  while (a[n] && a[n] == b[n]) n++;
  return n;
}

const char *util_nearest(const char *w, const void *words, size_t n, size_t stride) {
  const char *best = NULL;
  int bestd = 1000;
  size_t lw = strlen(w);
  int cap = (int)(lw / 3) + 2;            /* allow about a third of the word to differ */
  for (size_t i = 0; i < n; i++) {
    const char *cand = *(const char *const *)((const char *)words + i * stride);
    if (!cand) continue;
    int d = util_distance(w, cand, cap);
    size_t lc = strlen(cand);
    /* "temporal" vs "temple-l": a long shared prefix is as good as a small distance */
    size_t pre = common_prefix(w, cand);
    if (d >= cap && pre >= 4 && pre * 2 >= (lw < lc ? lw : lc)) d = cap - 1;
    if (d < bestd) { bestd = d; best = cand; }
  }
  return bestd < cap ? best : NULL;
}

int util_read_file(const char *path, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  buf b;
  buf_init(&b);
  char tmp[65536];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_append(&b, tmp, n);
  int err = ferror(f);
  fclose(f);
  if (err) { buf_free(&b); errno = EIO; return -1; }
  if (!b.data) buf_append(&b, "", 0);
  *out = b.data;
  if (len) *len = b.len;
  return 0;
}

char *util_line(char **p) {
  char *s = *p;
  if (!s || !*s) return NULL;
  char *nl = strchr(s, '\n');
  if (nl) *nl++ = 0;
  *p = nl;
  size_t l = strlen(s);
  if (l && s[l - 1] == '\r') s[l - 1] = 0;
  return s;
}

int util_split_tabs(char *s, char **f, int n) {
  for (int k = 0;; k++) {
    if (k == n) return n + 1;
    f[k] = s;
    char *t = strchr(s, '\t');
    if (!t) return k + 1;
    *t = 0;
    s = t + 1;
  }
}

void util_error_at(util_errors *e, int line, const char *fmt, ...) {
  if (++e->n > UTIL_MAX_ERRORS) return;
  if (e->n == UTIL_MAX_ERRORS) { buf_printf(e->out, "%s: too many errors; stopping the list here\n", e->file); return; }
  buf_printf(e->out, "%s:%d: ", e->file, line);
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(e->out, fmt, ap);
  va_end(ap);
  buf_putc(e->out, '\n');
}

int util_fail(int rc, char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return rc;
}

void util_now(char out[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void util_today(char out[11]) {
  char now[32];
  util_now(now);
  memcpy(out, now, 10);
  out[10] = 0;
}

int util_date_ok(const char *s) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return 0;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap);
}

/* The length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one. */
static int utf8_len(const unsigned char *s) {
  int n = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
        : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
  for (int i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))) return 0;  /* overlong, surrogate */
  if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))) return 0;  /* overlong, > U+10FFFF */
  return n;
}

long util_utf8_bad(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {   /* ASCII, eight bytes at a time while it lasts */
      uint64_t w;
      for (i++; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ULL) break;
      }
      continue;
    }
    int len = p[i] >= 0xc2 && p[i] <= 0xdf ? 2 : p[i] >= 0xe0 && p[i] <= 0xef ? 3 : p[i] >= 0xf0 && p[i] <= 0xf4 ? 4 : 0;
    if (!len || n - i < (size_t)len) return (long)i;
    unsigned char tmp[5] = {0};
    memcpy(tmp, p + i, (size_t)len);
    if (utf8_len(tmp) != len) return (long)i;
    i += (size_t)len;
  }
  return -1;
}

void buf_xml(buf *o, const char *s) {
  static const char *const rep[] = {['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;"};
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int n = utf8_len(p);
    if (n == 0) { buf_lit(o, "\xef\xbf\xbd"); p++; continue; }
    if (n > 1) { buf_append(o, p, (size_t)n); p += n; continue; }
    if (*p < sizeof rep / sizeof rep[0] && rep[*p]) buf_puts(o, rep[*p]);
    else if (*p < 0x20 && *p != '\t' && *p != '\n') buf_putc(o, ' ');   /* not allowed in XML 1.0 */
    else buf_putc(o, (char)*p);
    p++;
  }
}

unsigned util_hash(const char *s) {
  unsigned h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}
