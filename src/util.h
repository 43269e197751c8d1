/* util.h: allocation that never fails, a growable buffer, and nearest-word suggestions. */
#ifndef MYOMAP_UTIL_H
#define MYOMAP_UTIL_H

/* The program's version, for --version and the web API's health answer. */
#ifndef MYOMAP_VERSION
#define MYOMAP_VERSION "0.1.0"
#endif

#include <stddef.h>
#include <stdarg.h>

/* Allocation wrappers: abort the process on out-of-memory, so callers never test for NULL.
** Memory from these is released with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer, always NUL-terminated after any append.  buf_init() makes it
** empty; buf_free() releases it (and leaves it empty and reusable).  The caller owns the
** struct; the buffer owns `data`. */
typedef struct buf {
  char *data;
  size_t len;
  size_t cap;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);                         /* len = 0, keeps the memory */
void buf_reserve(buf *b, size_t extra);         /* room for `extra` more bytes */
void buf_grow(buf *b, size_t extra);           /* slow path of buf_reserve */
void buf_puts(buf *b, const char *s);
/* Append n bytes / one byte (inline: these are the hot path of every JSON writer). */
static inline void buf_append(buf *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap) buf_grow(b, n);
  __builtin_memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}
static inline void buf_putc(buf *b, char c) {
  if (b->len + 2 > b->cap) buf_grow(b, 1);
  b->data[b->len++] = c;
  b->data[b->len] = 0;
}
/* Append a string literal without measuring it at run time. */
#define buf_lit(b, lit) buf_append((b), "" lit, sizeof(lit) - 1)
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Append `s` as a JSON string literal, with quotes and escapes. */
void buf_json_str(buf *b, const char *s);
/* Append `s` as a C string literal ("..." with octal escapes for every byte outside printable
** ASCII, and for '"', '\\' and '?', so no trigraph forms), or 0 for NULL: for the generators
** that write constant tables (tools/kbgen.c). */
void buf_c_str(buf *b, const char *s);
/* Append `s` escaped for XML text and attributes (SVG, HTML): & < > " ' as entities, an invalid
** UTF-8 byte as U+FFFD, other control characters but tab and newline as a space. */
void buf_xml(buf *b, const char *s);
/* Append a non-negative or negative integer in decimal (faster than printf). */
void buf_int(buf *b, long v);
/* Append `v` with exactly three decimals, e.g. 0.125 (faster than printf). */
void buf_fixed3(buf *b, double v);
/* Append `v` rounded to at most `dec` decimals (0-6) with no trailing zeros and no "-0", e.g.
** 12.5, 3, -0.25; NAN and infinities as with printf (faster than printf for the coordinates and
** scores of charts). */
void buf_dec(buf *b, double v, int dec);

/* Levenshtein distance between a and b, capped at `cap` (returns cap when larger). */
int util_distance(const char *a, const char *b, int cap);

/* FNV-1a of a NUL-terminated string (for hash tables). */
unsigned util_hash(const char *s);

/* The word of `words` (n of them) nearest to `w` by edit distance, or by a shared prefix or
** suffix, or NULL when none is close enough to be a useful suggestion.  `stride` is the
** distance in bytes between consecutive `const char *` entries, so the words may live inside
** an array of structs (pass sizeof the struct and a pointer to the first name field). */
const char *util_nearest(const char *w, const void *words, size_t n, size_t stride);

/* Read a whole file into a new NUL-terminated buffer (caller frees *out).  Returns 0, or -1
** with errno set. */
int util_read_file(const char *path, char **out, size_t *len);

/* The current time as "2026-11-22T10:00:00Z" (UTC) and today's date as "2026-11-22" (UTC). */
void util_now(char out[32]);
void util_today(char out[11]);
/* 1 when `s` is a real calendar date written YYYY-MM-DD (years 1900-2999), else 0. */
int util_date_ok(const char *s);

/* The offset (0-based) of the first byte of s[0..n) that does not begin or continue a valid
** UTF-8 character (a stray continuation byte, a truncated sequence, an overlong form, a
** surrogate, above U+10FFFF), or -1 when all of it is valid UTF-8. */
long util_utf8_bad(const char *s, size_t n);

/* Reading the knowledge base's tab-separated tables in place.  util_line: the next line of the
** text at *p (which it advances past it), its newline and a carriage return before it cut off;
** NULL at the end of the text.  util_split_tabs: s cut at its tabs into f[0..n); returns how
** many fields s has, n + 1 when it has more than n. */
char *util_line(char **p);
int util_split_tabs(char *s, char **f, int n);

/* The errors found reading a data file (the knowledge base's tables), one "FILE:LINE: message"
** line each appended to `out`: the first UTIL_MAX_ERRORS - 1 of them, then a line saying the list
** stops there; n counts them all.  Start with {out, "chart.tsv", 0}. */
#define UTIL_MAX_ERRORS 30
typedef struct util_errors {
  buf *out;
  const char *file;
  int n;
} util_errors;
void util_error_at(util_errors *e, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Write a message (as printf) to err, errlen bytes at most, and return rc: the error returns of
** the modules that fill a caller's message buffer, e.g. return util_fail(RECORD_EBAD, err,
** errlen, "no client %ld", id). */
int util_fail(int rc, char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
