/* present.c: a presentation (pain drawing plus onset, context and screening answers), and
** reading one from JSON or from command-line words. */
#include "present.h"
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUALITY_NAMES(X) X("") X("ache") X("burning") X("sharp") X("tingling") X("numbness")
#define QUALITY_NAME(s) s,
#define QUALITY_LEN(s) sizeof(s) - 1,
static const char *const qualities[N_QUALITIES] = {QUALITY_NAMES(QUALITY_NAME)};
static const char *const onsets[N_ONSETS] = {"", "gradual", "sudden", "after-exercise", "injury"};
static const char *const tenders[N_TENDERS] = {"", "spot", "diffuse"};
static const char *const flags[N_FLAGS] = {"numbness", "weakness", "shooting", "fever",
                                           "weight-loss", "night-pain", "bowel-bladder", "trauma"};

const char *present_quality_name(int q) { return q > 0 && q < N_QUALITIES ? qualities[q] : ""; }
const char *present_onset_name(int o) { return o > 0 && o < N_ONSETS ? onsets[o] : ""; }
/* How an onset reads to the client who picks it. */
static const char *const onset_labels[N_ONSETS] = {"", "it came on gradually, over time", "it came on suddenly",
                                                   "after exercise or unusual effort", "after an injury"};
const char *present_onset_label(int o) { return o > 0 && o < N_ONSETS ? onset_labels[o] : ""; }
static const char *const onset_labels_fr[N_ONSETS] = {"", "elle est apparue graduellement, avec le temps",
                                                      "elle est apparue soudainement",
                                                      "après un exercice ou un effort inhabituel", "après une blessure"};
const char *present_onset_label_lang(int o, const char *lang) {
  int fr = kb_lang_fr(lang);
  return o > 0 && o < N_ONSETS ? (fr ? onset_labels_fr : onset_labels)[o] : "";
}
const char *present_tender_name(int t) { return t > 0 && t < N_TENDERS ? tenders[t] : ""; }
const char *present_flag_name(int bit) { return bit >= 0 && bit < N_FLAGS ? flags[bit] : ""; }

static int find_name(const char *const *names, int n, const char *s, size_t len) {
  for (int i = 0; i < n; i++)
    if (strlen(names[i]) == len && len && memcmp(names[i], s, len) == 0) return i;
  return -1;
}

int present_find_quality(const char *name, size_t n) { return find_name(qualities, N_QUALITIES, name, n); }

/* "ache, burning, sharp, tingling or numbness" */
static void list_names(char *out, size_t n, const char *const *names, int count, int from) {
  size_t o = 0;
  out[0] = 0;
  for (int i = from; i < count && o < n; i++)
    o += (size_t)snprintf(out + o, n - o, "%s%s", i == from ? "" : i == count - 1 ? " or " : ", ", names[i]);
}

void present_init(present *p) {
  p->n_pain = 0;
  p->onset = ONSET_NONE;
  p->onset_hours = -1;
  p->tender = TENDER_NONE;
  p->flags = 0;
  p->answered = 0;
  p->n_context = 0;
  p->n_choir = 0;
  p->choir_map = -1;
}

int present_add(present *p, int region, int intensity, int quality) {
  if (intensity < -1 || intensity > 10 || quality < 0 || quality >= N_QUALITIES) return PRESENT_EBAD;
  for (int i = 0; i < p->n_pain; i++)
    if (p->pain[i].region == region) {
      if (intensity > p->pain[i].intensity) p->pain[i].intensity = intensity;
      if (quality) p->pain[i].quality = quality;
      return 0;
    }
  if (p->n_pain >= PRESENT_MAX_PAIN) return PRESENT_EBAD;
  p->pain[p->n_pain].region = region;
  p->pain[p->n_pain].intensity = intensity;
  p->pain[p->n_pain].quality = quality;
  p->pain[p->n_pain].unit = -1;
  p->n_pain++;
  return 0;
}

int present_add_choir(present *p, const choir *ch, int map, int id, char *err, size_t errlen) {
  const int *regs;
  int n = ch ? choir_segment(ch, map, id, &regs) : -1;
  if (n < 0) {
    snprintf(err, errlen, "%d: no such CHOIR segment%s (the %s map has 101-136 and 201-238)", id,
             ch ? "" : " table", choir_map_name(map));
    return PRESENT_EREGION;
  }
  if (p->choir_map >= 0 && p->choir_map != map) {
    snprintf(err, errlen, "a drawing's CHOIR segments are all on one map");
    return PRESENT_EBAD;
  }
  for (int i = 0; i < p->n_choir; i++) if (p->choir[i] == id) return 0;
  if (p->n_choir >= PRESENT_MAX_CHOIR) { snprintf(err, errlen, "too many CHOIR segments"); return PRESENT_EBAD; }
  p->choir_map = map;
  int unit = p->n_choir;
  p->choir[p->n_choir++] = id;
  for (int i = 0; i < n; i++) {
    int have = 0;
    for (int j = 0; j < p->n_pain && !have; j++) have = p->pain[j].region == regs[i];
    if (have) continue;
    if (p->n_pain >= PRESENT_MAX_PAIN) { snprintf(err, errlen, "pain: too many regions (at most %d)", PRESENT_MAX_PAIN); return PRESENT_EBAD; }
    present_pain *pp = &p->pain[p->n_pain++];
    pp->region = regs[i];
    pp->intensity = -1;
    pp->quality = Q_NONE;
    pp->unit = unit;
  }
  return 0;
}

int present_add_choir_list(present *p, const choir *ch, int map, const char *list, char *err, size_t errlen) {
  const char *s = list;
  while (*s) {
    char *end;
    long id = strtol(s, &end, 10);
    if (end == s || (*end && *end != ',') || id < 0 || id > 999) {
      snprintf(err, errlen, "CHOIR segments: expected ids separated by commas, as in 128,117,107, not \"%.40s\"", list);
      return PRESENT_EBAD;
    }
    int rc = present_add_choir(p, ch, map, (int)id, err, errlen);
    if (rc) return rc;
    s = *end ? end + 1 : end;
  }
  return 0;
}

static int region_error(const kb *k, const char *s, size_t n, char *err, size_t errlen) {
  char id[64];
  if (n >= sizeof id) n = sizeof id - 1;
  memcpy(id, s, n);
  id[n] = 0;
  const body *b = kb_body(k);
  int base = body_find_base(b, id);   /* "temple" without a side */
  if (base >= 0 && body_base_paired(b, base)) {
    snprintf(err, errlen, "%s: no such region; say which side: %s-l or %s-r (the patient's left or right)", id, id, id);
    return PRESENT_EREGION;
  }
  const char *hint = body_suggest(b, id);
  if (hint) snprintf(err, errlen, "%s: no such region; did you mean %s?", id, hint);
  else snprintf(err, errlen, "%s: no such region; `myomap regions` lists them", id);
  return PRESENT_EREGION;
}

int present_parse_word(const kb *k, const char *word, present *p, char *err, size_t errlen) {
  const char *c1 = strchr(word, ':');
  size_t rl = c1 ? (size_t)(c1 - word) : strlen(word);
  int region = body_findn(kb_body(k), word, rl);
  if (region < 0) return region_error(k, word, rl, err, errlen);
  int intensity = -1, quality = Q_NONE;
  if (c1) {
    const char *s = c1 + 1, *c2 = strchr(s, ':');
    size_t il = c2 ? (size_t)(c2 - s) : strlen(s);
    if (il) {
      char *end;
      long v = strtol(s, &end, 10);
      if (end != s + il || v < 0 || v > 10) {
        snprintf(err, errlen, "%s: intensity must be a whole number 0-10, as in temple-l:6:ache", word);
        return PRESENT_EBAD;
      }
      intensity = (int)v;
    }
    if (c2) {
      quality = present_find_quality(c2 + 1, strlen(c2 + 1));
      if (quality < 0) {
        char names[128];
        list_names(names, sizeof names, qualities, N_QUALITIES, 1);
        snprintf(err, errlen, "%s: unknown quality \"%s\"; use %s", word, c2 + 1, names);
        return PRESENT_EBAD;
      }
    }
  }
  if (present_add(p, region, intensity, quality)) {
    snprintf(err, errlen, "%s: too many regions (at most %d)", word, PRESENT_MAX_PAIN);
    return PRESENT_EBAD;
  }
  return 0;
}

int present_add_context(const kb *k, const char *name, present *p, char *err, size_t errlen) {
  int t = kb_find_activity(k, name);   /* an activity id, or another word for it */
  if (t < 0) {
    const char *hint = kb_suggest_term(k, KB_ACTIVITY, name);
    if (hint) snprintf(err, errlen, "unknown context \"%s\"; did you mean %s? (`myomap kb export` lists the activities)", name, hint);
    else snprintf(err, errlen, "unknown context \"%s\"; use an activity such as desk-work, running or clenching", name);
    return PRESENT_EBAD;
  }
  for (int i = 0; i < p->n_context; i++) if (p->context[i] == t) return 0;
  if (p->n_context >= PRESENT_MAX_CONTEXT) {
    snprintf(err, errlen, "too many context activities (at most %d)", PRESENT_MAX_CONTEXT);
    return PRESENT_EBAD;
  }
  p->context[p->n_context++] = t;
  return 0;
}

static int set_named(const char *what, const char *const *names, int n, const char *name, int *out,
                     char *err, size_t errlen) {
  int i = find_name(names, n, name, strlen(name));
  if (i < 1) {
    char list[160];
    list_names(list, sizeof list, names, n, 1);
    snprintf(err, errlen, "unknown %s \"%s\"; use %s", what, name, list);
    return PRESENT_EBAD;
  }
  *out = i;
  return 0;
}

int present_set_onset(const char *name, present *p, char *err, size_t errlen) {
  return set_named("onset", onsets, N_ONSETS, name, &p->onset, err, errlen);
}

int present_set_tender(const char *name, present *p, char *err, size_t errlen) {
  return set_named("tenderness", tenders, N_TENDERS, name, &p->tender, err, errlen);
}

int present_add_flag(const char *name, present *p, char *err, size_t errlen) {
  const char *eq = strchr(name, '=');
  size_t n = eq ? (size_t)(eq - name) : strlen(name);
  int i = find_name(flags, N_FLAGS, name, n);
  if (i < 0) {
    char list[200];
    list_names(list, sizeof list, flags, N_FLAGS, 0);
    snprintf(err, errlen, "unknown flag \"%.*s\"; use %s", (int)n, name, list);
    return PRESENT_EBAD;
  }
  const char *v = eq ? eq + 1 : "yes";
  unsigned bit = 1u << i;
  if (!strcmp(v, "yes")) { p->flags |= bit; p->answered |= bit; }
  else if (!strcmp(v, "no")) { p->flags &= ~bit; p->answered |= bit; }
  else if (!strcmp(v, "not-asked")) { p->flags &= ~bit; p->answered &= ~bit; }
  else {
    snprintf(err, errlen, "flag %.*s: answer yes, no or not-asked, not \"%s\"", (int)n, name, v);
    return PRESENT_EBAD;
  }
  return 0;
}

void present_flags_text(const present *p, buf *out) {
  int n = 0;
  for (int b = 0; b < N_FLAGS; b++)
    if (p->flags & (1u << b)) buf_printf(out, "%s%s", n++ ? "," : "", flags[b]);
  for (int b = 0; b < N_FLAGS; b++)
    if ((p->answered & (1u << b)) && !(p->flags & (1u << b))) buf_printf(out, "%s%s=no", n++ ? "," : "", flags[b]);
  for (int b = 0; b < N_FLAGS; b++)
    if (!((p->answered | p->flags) & (1u << b))) buf_printf(out, "%s%s=not-asked", n++ ? "," : "", flags[b]);
}

/* ---- JSON ---- */
#define MAX_TOKS 1024

static int tok_string(const char *text, const json_tok *t, char *out, size_t n) {
  return t->type == JSON_STRING ? json_str(text, t, out, n) : -1;
}

/* String token t into s[n] (as tok_string) and the region it names (body_find), or -1; -2 when
** it is not a string that fits.  A string without escapes (most) is looked up as it stands. */
static int tok_region(const kb *k, const char *text, const json_tok *t, char *s, size_t n) {
  size_t len = (size_t)(t->end - t->start);
  if (t->type == JSON_STRING && len < n && !memchr(text + t->start, '\\', len)) {
    memcpy(s, text + t->start, len);
    s[len] = 0;
    return body_findn(kb_body(k), s, len);
  }
  if (tok_string(text, t, s, n) < 0) return -2;
  return body_find(kb_body(k), s);
}

static int parse_pain_item(const kb *k, const char *text, const json_tok *toks, int i, present *p,
                           int index, char *err, size_t errlen) {
  const json_tok *t = &toks[i];
  char s[64];
  if (t->type == JSON_STRING) {
    int r = tok_region(k, text, t, s, sizeof s);
    if (r == -2) return region_error(k, text + t->start, (size_t)(t->end - t->start), err, errlen);
    if (r < 0) return region_error(k, s, strlen(s), err, errlen);
    if (present_add(p, r, -1, Q_NONE)) { snprintf(err, errlen, "pain: too many regions (at most %d)", PRESENT_MAX_PAIN); return PRESENT_EBAD; }
    return 0;
  }
  if (t->type != JSON_OBJECT) {
    snprintf(err, errlen, "pain[%d]: expected an object like {\"region\":\"temple-l\",\"intensity\":6} or a region id", index);
    return PRESENT_EBAD;
  }
  int region = -1, intensity = -1, quality = Q_NONE;
  for (int j = i + 1; j < t->next; j = toks[j + 1].next) {
    const json_tok *key = &toks[j], *v = &toks[j + 1];
    if (json_eq(text, key, "region")) {
      region = tok_region(k, text, v, s, sizeof s);
      if (region == -2) {
        if (v->type == JSON_STRING) return region_error(k, text + v->start, (size_t)(v->end - v->start), err, errlen);
        snprintf(err, errlen, "pain[%d].region: expected a region id string such as \"temple-l\"", index);
        return PRESENT_EBAD;
      }
      if (region < 0) return region_error(k, s, strlen(s), err, errlen);
    } else if (json_eq(text, key, "intensity")) {
      if (v->type == JSON_NULL) continue;
      double d = v->type == JSON_NUMBER ? json_num(text, v) : -1;
      if (v->type != JSON_NUMBER || !(d >= 0 && d <= 10)) {
        snprintf(err, errlen, "pain[%d].intensity: expected a number 0-10, got %.*s", index,
                 (int)(v->end - v->start > 20 ? 20 : v->end - v->start), text + v->start);
        return PRESENT_EBAD;
      }
      intensity = (int)(d + 0.5);
    } else if (json_eq(text, key, "quality")) {
      if (v->type == JSON_NULL) continue;
      quality = v->type == JSON_STRING ? present_find_quality(text + v->start, (size_t)(v->end - v->start)) : -1;
      if (quality < 0) {
        char list[128];
        list_names(list, sizeof list, qualities, N_QUALITIES, 1);
        snprintf(err, errlen, "pain[%d].quality: expected %s", index, list);
        return PRESENT_EBAD;
      }
    }  /* other keys are left for other tools */
  }
  if (region < 0) {
    snprintf(err, errlen, "pain[%d]: missing \"region\"", index);
    return PRESENT_EBAD;
  }
  if (present_add(p, region, intensity, quality)) {
    snprintf(err, errlen, "pain: too many regions (at most %d)", PRESENT_MAX_PAIN);
    return PRESENT_EBAD;
  }
  return 0;
}

/* Apply fn to each string of a string-or-array value. */
static int each_string(const char *text, const json_tok *toks, int i, const char *what,
                       int (*fn)(const kb *, const char *, present *, char *, size_t),
                       const kb *k, present *p, char *err, size_t errlen) {
  char s[64];
  int first = i, last = i + 1;
  if (toks[i].type == JSON_ARRAY) { first = i + 1; last = toks[i].next; }
  for (int j = first; j < last; j = toks[j].next) {
    if (tok_string(text, &toks[j], s, sizeof s) < 0) {
      snprintf(err, errlen, "%s: expected a string or an array of strings", what);
      return PRESENT_EBAD;
    }
    int rc = fn(k, s, p, err, errlen);
    if (rc) return rc;
  }
  return 0;
}

static int add_context_fn(const kb *k, const char *s, present *p, char *err, size_t errlen) {
  return present_add_context(k, s, p, err, errlen);
}
static int add_flag_fn(const kb *k, const char *s, present *p, char *err, size_t errlen) {
  (void)k;
  return present_add_flag(s, p, err, errlen);
}

/* The common batch line, {"pain":[{"region":"ID","intensity":N,"quality":"Q"},...]} (intensity
** and quality optional) written without spaces or escapes, as bench_rank --write and most
** programs write it, read in one pass: 1 with *out filled by the same present_add calls the
** general reader below makes for it, or 0 for any other line (which that reader then reads,
** and names what is wrong with).  A third of a batch line's time went to the general reader. */
static const unsigned char quality_by_letter[256] = {['a'] = Q_ACHE, ['b'] = Q_BURNING, ['s'] = Q_SHARP,
                                                     ['t'] = Q_TINGLING, ['n'] = Q_NUMBNESS};
static const unsigned char quality_len[N_QUALITIES] = {QUALITY_NAMES(QUALITY_LEN)};
static int parse_plain(const kb *k, const char *s, size_t len, present *out) {
  const char *p = s, *end = s + len;
#define LIT(lit) ((size_t)(end - p) >= sizeof(lit) - 1 && memcmp(p, lit, sizeof(lit) - 1) == 0 && (p += sizeof(lit) - 1, 1))
  enum { SEEN_WORDS = 8 };
  uint64_t seen[SEEN_WORDS] = {0};   /* the regions of this line so far (out is empty at first) */
  if (!LIT("{\"pain\":[")) return 0;
  if (LIT("]}")) return p == end;
  for (;;) {
    if (!LIT("{\"region\":\"")) return 0;
    /* the id up to its quote, found and hashed a word at a time: the bytes are not checked one
    ** by one, as only a region's own id (of id_char bytes, no quote or escape) is found */
    const char *id = p, *q = p;
    unsigned hash;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t h = BODY_HASH_SEED, x;
    for (;;) {   /* a word at a time while eight bytes are left: its first quote, or it is hashed */
      if (end - q < 8 || q - id >= 64) break;
      memcpy(&x, q, 8);
      uint64_t y = x ^ 0x2222222222222222ull, z = (y - 0x0101010101010101ull) & ~y & 0x8080808080808080ull;
      if (z) {   /* (the lowest byte flagged is the first quote) */
        unsigned r = (unsigned)__builtin_ctzll(z) >> 3;
        q += r;
        x = r ? x & (~0ull >> (64 - 8 * r)) : 0;
        goto found;
      }
      h = body_hash_word(h, x);
      q += 8;
    }
    {   /* the line's last bytes (fewer than eight), or no quote in 64 */
      const char *t = q;
      size_t left = (size_t)(end - t);
      if (t - id >= 64 || !(q = memchr(t, '"', left))) return 0;
      x = 0;
      for (const char *c = q; c > t; c--) x = x << 8 | (unsigned char)c[-1];
    }
  found:
    if (q == id || q - id >= 64) return 0;
    hash = body_hash_end(h, x, (size_t)(q - id));
#else
    if (!(q = memchr(p, '"', (size_t)(end - p) < 64 ? (size_t)(end - p) : 64)) || q == id) return 0;
    hash = body_hash(id, (size_t)(q - id));
#endif
    size_t n = (size_t)(q - id);
    int region = body_findh(kb_body(k), id, n, hash), intensity = -1, quality = Q_NONE;
    if (region < 0) return 0;
    p = q + 1;
    if (LIT(",\"intensity\":")) {
      if (p == end || *p < '0' || *p > '9') return 0;
      intensity = *p++ - '0';
      if (p < end && *p >= '0' && *p <= '9') intensity = intensity * 10 + (*p++ - '0');
      if (intensity > 10) return 0;
    }
    if (LIT(",\"quality\":\"")) {
      /* the quality named by its first letter, then checked whole (its first and last four
      ** bytes, as each name has four to eight) with its closing quote */
      if (p == end || (quality = quality_by_letter[(unsigned char)*p]) < 1) return 0;
      size_t n = quality_len[quality];
      if ((size_t)(end - p) <= n || p[n] != '"') return 0;
      uint32_t a, b, x, y;
      memcpy(&a, p, 4); memcpy(&b, p + n - 4, 4);
      memcpy(&x, qualities[quality], 4); memcpy(&y, qualities[quality] + n - 4, 4);
      if ((a ^ x) | (b ^ y)) return 0;
      p += n + 1;
    }
    if (!LIT("}")) return 0;
    /* a region not met before on this line is added as present_add would, without its search */
    uint64_t bit = 1ULL << (region & 63);
    if (region < 64 * SEEN_WORDS && !(seen[region >> 6] & bit) && out->n_pain < PRESENT_MAX_PAIN) {
      seen[region >> 6] |= bit;
      present_pain *pp = &out->pain[out->n_pain++];
      pp->region = region;
      pp->intensity = intensity;
      pp->quality = quality;
      pp->unit = -1;
    } else if (present_add(out, region, intensity, quality)) return 0;
    if (LIT(",")) continue;
    return LIT("]}") && p == end;
  }
#undef LIT
}

int present_json_int(const char *text, size_t len, const char *key, int lo, int hi, int def, int *out) {
  json_tok toks[MAX_TOKS];
  char e[96];
  *out = def;
  if (json_parse(text, len, toks, MAX_TOKS, e, sizeof e) < 1 || toks[0].type != JSON_OBJECT) return 0;
  size_t kl = strlen(key);
  for (int j = 1; j < toks[0].next; j = toks[j + 1].next) {
    const json_tok *t = &toks[j], *v = &toks[j + 1];
    if ((size_t)(t->end - t->start) != kl || memcmp(text + t->start, key, kl) || v->type == JSON_NULL) continue;
    int whole = v->type == JSON_NUMBER && !memchr(text + v->start, '.', (size_t)(v->end - v->start)) &&
                !memchr(text + v->start, 'e', (size_t)(v->end - v->start)) && !memchr(text + v->start, 'E', (size_t)(v->end - v->start));
    double d = whole ? json_num(text, v) : lo - 1.0;
    if (!(d >= lo && d <= hi) || d != (int)d) return -1;
    *out = (int)d;
  }
  return 0;
}

int present_parse_json(const kb *k, const char *text, size_t len, present *out, char *err, size_t errlen) {
  return present_parse_json_choir(k, choir_builtin(), text, len, out, err, errlen);
}

int present_parse_json_choir(const kb *k, const choir *ch, const char *text, size_t len, present *out,
                             char *err, size_t errlen) {
  present_init(out);
  if (parse_plain(k, text, len, out)) return 0;
  present_init(out);
  json_tok toks[MAX_TOKS];
  char jerr[96];
  long u = util_utf8_bad(text, len);
  if (u >= 0) {
    snprintf(err, errlen, "byte %ld (0x%02x) is not valid UTF-8: a presentation is UTF-8 JSON", u + 1, (unsigned char)text[u]);
    return PRESENT_EBAD;
  }
  int n = json_parse(text, len, toks, MAX_TOKS, jerr, sizeof jerr);
  if (n < 0) { snprintf(err, errlen, "malformed JSON: %s", jerr); return PRESENT_EBAD; }
  if (toks[0].type != JSON_OBJECT) {
    snprintf(err, errlen, "expected an object like {\"pain\":[{\"region\":\"temple-l\"}]}");
    return PRESENT_EBAD;
  }
  int have_pain = 0, choir_tok = -1, map = CHOIR_MALE;
  for (int j = 1; j < toks[0].next; j = toks[j + 1].next) {
    const json_tok *key = &toks[j];
    int v = j + 1;
    int rc = 0;
    char s[64];
    if (json_eq(text, key, "pain")) {
      if (toks[v].type != JSON_ARRAY) {
        snprintf(err, errlen, "pain: expected an array of regions");
        return PRESENT_EBAD;
      }
      have_pain = 1;
      int idx = 0;
      for (int e = v + 1; e < toks[v].next; e = toks[e].next, idx++)
        if ((rc = parse_pain_item(k, text, toks, e, out, idx, err, errlen))) return rc;
    } else if (json_eq(text, key, "context")) {
      rc = each_string(text, toks, v, "context", add_context_fn, k, out, err, errlen);
    } else if (json_eq(text, key, "flags") && toks[v].type == JSON_OBJECT) {
      /* {"fever":"yes","weight-loss":"no","night-pain":"not-asked"}: an answer per question */
      for (int q = v + 1; q < toks[v].next && !rc; q = toks[q + 1].next) {
        char name[64], ans[16], item[96];
        if (tok_string(text, &toks[q], name, sizeof name) < 0 || tok_string(text, &toks[q + 1], ans, sizeof ans) < 0) {
          snprintf(err, errlen, "flags: expected {\"fever\":\"yes\"|\"no\"|\"not-asked\", ...}");
          return PRESENT_EBAD;
        }
        snprintf(item, sizeof item, "%s=%s", name, ans);
        rc = present_add_flag(item, out, err, errlen);
      }
    } else if (json_eq(text, key, "flags")) {
      rc = each_string(text, toks, v, "flags", add_flag_fn, k, out, err, errlen);
    } else if (json_eq(text, key, "onset")) {
      if (toks[v].type == JSON_NULL) continue;
      if (tok_string(text, &toks[v], s, sizeof s) < 0) { snprintf(err, errlen, "onset: expected a string"); return PRESENT_EBAD; }
      rc = present_set_onset(s, out, err, errlen);
    } else if (json_eq(text, key, "tender")) {
      if (toks[v].type == JSON_NULL) continue;
      if (tok_string(text, &toks[v], s, sizeof s) < 0) { snprintf(err, errlen, "tender: expected a string"); return PRESENT_EBAD; }
      rc = present_set_tender(s, out, err, errlen);
    } else if (json_eq(text, key, "choir")) {
      if (toks[v].type != JSON_STRING && toks[v].type != JSON_ARRAY) {
        snprintf(err, errlen, "choir: expected segment ids, as in \"128,117,107\" or [128,117,107]");
        return PRESENT_EBAD;
      }
      choir_tok = v;
    } else if (json_eq(text, key, "map")) {
      if (toks[v].type == JSON_NULL) continue;
      map = toks[v].type == JSON_STRING ? choir_find_map(text + toks[v].start, (size_t)(toks[v].end - toks[v].start)) : -1;
      if (map < 0) { snprintf(err, errlen, "map: expected \"male\" or \"female\" (the CHOIR Body Map's numbering)"); return PRESENT_EBAD; }
    } else if (json_eq(text, key, "onset_hours")) {
      if (toks[v].type == JSON_NULL) continue;
      double d = toks[v].type == JSON_NUMBER ? json_num(text, &toks[v]) : -1;
      if (!(d >= 0 && d < 1e7)) { snprintf(err, errlen, "onset_hours: expected a number of hours >= 0"); return PRESENT_EBAD; }
      out->onset_hours = (int)d;
    }
    if (rc) return rc;
  }
  if (choir_tok >= 0) {
    const json_tok *t = &toks[choir_tok];
    int rc = 0;
    if (t->type == JSON_STRING) {
      char list[1024];
      if (json_str(text, t, list, sizeof list) < 0) { snprintf(err, errlen, "choir: too long"); return PRESENT_EBAD; }
      rc = present_add_choir_list(out, ch, map, list, err, errlen);
    } else {
      for (int e = choir_tok + 1; e < t->next && !rc; e = toks[e].next) {
        double d = toks[e].type == JSON_NUMBER ? json_num(text, &toks[e]) : -1;
        if (!(d >= 0 && d <= 99999) || d != (int)d) {   /* in range before the cast: 1e18 is no int */ snprintf(err, errlen, "choir: expected whole segment ids such as 128"); return PRESENT_EBAD; }
        rc = present_add_choir(out, ch, map, (int)d, err, errlen);
      }
    }
    if (rc) return rc;
    if (!out->n_choir) { snprintf(err, errlen, "choir: name at least one segment, as in \"128,117,107\""); return PRESENT_EBAD; }
    have_pain = 1;
  }
  if (!have_pain) {
    snprintf(err, errlen, "missing \"pain\": expected {\"pain\":[{\"region\":\"temple-l\"}]} or {\"choir\":\"128,117,107\"}");
    return PRESENT_EBAD;
  }
  return 0;
}
