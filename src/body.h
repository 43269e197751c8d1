/* body.h: the body model: canonical regions, their sides and mirroring. */
#ifndef MYOMAP_BODY_H
#define MYOMAP_BODY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct body body;

enum body_side { BODY_MID = 0, BODY_L = 1, BODY_R = 2 };

/* One concrete region: a paired spec region becomes two of these ("temple-l", "temple-r"),
** a midline one stays one ("sternum"). */
typedef struct body_region {
  const char *id;     /* concrete id, e.g. "temple-l" */
  const char *base;   /* spec id without side, e.g. "temple" */
  const char *label;  /* "temple" */
  const char *view;   /* "front", "back" or "both" */
  const char *group;  /* "head", "neck", ... */
  int side;           /* BODY_MID, BODY_L or BODY_R */
  int mirror;         /* index of the same region on the other side (itself if midline) */
  int base_index;     /* index of the spec region (0..body_n_bases-1) */
} body_region;

/* Parse a regions table in the format of shared/spec/regions.tsv (text of `len` bytes) into a
** new body model.  Returns 0 and sets *out (free with body_free), or -1 and writes a message
** naming the line into err[errlen]. */
int body_load(body **out, const char *tsv, size_t len, char *err, size_t errlen);

/* The body model of the spec embedded in the binary: constant tables made from kb/regions.tsv
** at build time (tools/kbgen.c), shared, never freed.  Returns NULL only if the embedded table is
** broken (a build error). */
const body *body_builtin(void);

/* Append C source defining `body_data`, a constant `body` equal to b (the tables that
** body_builtin returns; tools/kbgen.c writes them, `kb check` compares them with the text). */
struct buf;
void body_write_c(const body *b, struct buf *out);

void body_free(body *b);

/* Number of concrete regions, and the i-th (0 <= i < body_n). Concrete regions are sorted
** by id. */
int body_n(const body *b);
const body_region *body_at(const body *b, int i);

/* Number of spec (base) regions, the i-th base id, and whether it is paired. */
int body_n_bases(const body *b);
const char *body_base_id(const body *b, int base);
int body_base_paired(const body *b, int base);

/* Index of concrete region `id`, or -1.  body_findn takes a length instead of a NUL. */
int body_find(const body *b, const char *id);
int body_findn(const body *b, const char *id, size_t n);
/* The same with the id's hash already taken: body_hash(id, n), eight bytes a step (the byte-a-step
** FNV it replaces was a fifth of a batch line's parse).  The steps are there for a reader that
** finds the id's end as it hashes: start from BODY_HASH_SEED, body_hash_word each whole word of
** eight bytes (as a little-endian number), then body_hash_end with the last 0-7 bytes as one
** (the first byte lowest) and the length. */
#define BODY_HASH_SEED 0x9e3779b97f4a7c15ull
#define BODY_HASH_K 0xff51afd7ed558ccdull
static inline uint64_t body_hash_word(uint64_t h, uint64_t w) {
  h = (h ^ w) * BODY_HASH_K;
  return h ^ h >> 29;
}
static inline unsigned body_hash_end(uint64_t h, uint64_t tail, size_t n) {
  h = body_hash_word(h, tail) ^ n;   /* then a finish that carries the high bits down */
  h *= BODY_HASH_K; h ^= h >> 33; h *= BODY_HASH_K;
  return (unsigned)(h ^ h >> 33);
}
static inline unsigned body_hash(const char *s, size_t n) {
  uint64_t h = BODY_HASH_SEED, w;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    w = 0;
    for (int j = 7; j >= 0; j--) w = w << 8 | (unsigned char)s[i + (size_t)j];
    h = body_hash_word(h, w);
  }
  w = 0;
  for (size_t j = n; j > i; j--) w = w << 8 | (unsigned char)s[j - 1];
  return body_hash_end(h, w, n);
}
int body_findh(const body *b, const char *id, size_t n, unsigned hash);
/* Index of the base region `id` (no side suffix), or -1. */
int body_find_base(const body *b, const char *id);
/* The concrete region of base `base` on `side` (BODY_L or BODY_R for a paired base, any side
** for a midline one: its single region), or -1 when a paired base is asked for BODY_MID. */
int body_concrete(const body *b, int base, int side);

/* Mirror a concrete region to the patient's other side (a midline region is its own mirror). */
int body_mirror(const body *b, int region);

/* The concrete region id nearest to `id` for a "did you mean" message, or NULL. */
const char *body_suggest(const body *b, const char *id);
/* The base id nearest to `id`, or NULL. */
const char *body_suggest_base(const body *b, const char *id);

/* A region's SNOMED CT body structure (kb/snomed.tsv), for FHIR bodySite. */
typedef struct body_sct {
  const char *code;     /* SNOMED CT concept id, e.g. "16982005" */
  const char *display;  /* its term, e.g. "Shoulder region structure" */
  const char *match;    /* "exact", "broader" or "underlying" (see kb/snomed.tsv) */
  const char *source;   /* a kb/sources.kb key */
  int sided;            /* 1: the code already holds the side (a sided row such as groin-l) */
} body_sct;

/* The SNOMED CT laterality qualifiers and the Laterality attribute. */
#define BODY_SCT_LEFT "7771000"
#define BODY_SCT_RIGHT "24028007"
#define BODY_SCT_LATERALITY "272741003"

/* Parse a kb/snomed.tsv text (len bytes) for body model b into a new table of body_n(b)
** entries, one per concrete region (free with body_sct_free(table, body_n(b))): a sided row
** (groin-l) sets its region, a base row both sides of a paired base (where no sided row is
** given) or its midline region.  Returns 0, or -1 with a message naming the line in err: an
** unknown region (with the nearest), a code that is not a SNOMED CT id (6-18 digits), a
** match other than exact, broader or underlying, an empty display or source, a duplicate,
** or a region left without a code. */
int body_sct_load(const body *b, const char *tsv, size_t len, body_sct **out, char *err, size_t errlen);
void body_sct_free(body_sct *t, int n);

/* The table of the embedded kb/snomed.tsv for body_builtin(), loaded on first use; NULL if
** it is missing or broken (a build error that `kb check` reports). */
const body_sct *body_sct_builtin(void);

/* "l", "r" or "mid". */
const char *body_side_name(int side);

#endif
