/* export.c: a client's record as a FHIR R4 Bundle and as CSV (see export.h). */
#include "export.h"

#include "record.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- name-based UUIDs (version 5: SHA-1) -------------------------------------------------- */

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const unsigned char *p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
    else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
    else { f = b ^ c ^ d; k = 0xca62c1d6; }
    uint32_t t = rol(a, 5) + f + e + k + w[i];
    e = d; d = c; c = rol(b, 30); b = a; a = t;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1(const unsigned char *msg, size_t len, unsigned char out[20]) {
  uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  size_t n = (len + 8) / 64 * 64 + 64;  /* the message, 0x80, zeros, the 64-bit bit length */
  unsigned char *m = xcalloc(n, 1);
  memcpy(m, msg, len);
  m[len] = 0x80;
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) m[n - 1 - i] = (unsigned char)(bits >> (8 * i));
  for (size_t i = 0; i < n; i += 64) sha1_block(h, m + i);
  free(m);
  for (int i = 0; i < 20; i++) out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

void export_uuid(char out[37], const char *name) {
  /* The URL namespace of RFC 9562: 6ba7b811-9dad-11d1-80b4-00c04fd430c8. */
  static const unsigned char ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                       0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
  buf b;
  buf_init(&b);
  buf_append(&b, ns, sizeof ns);
  buf_puts(&b, EXPORT_NAME_BASE);
  buf_puts(&b, name);
  unsigned char d[20];
  sha1((const unsigned char *)b.data, b.len, d);
  buf_free(&b);
  d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);  /* version 5 */
  d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);  /* RFC variant */
  static const char hex[] = "0123456789abcdef";
  char *o = out;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
    *o++ = hex[d[i] >> 4];
    *o++ = hex[d[i] & 15];
  }
  *o = 0;
}

/* ---- shared helpers ----------------------------------------------------------------------- */

static const char *str(const char *s) { return s ? s : ""; }

/* The shortest decimal form of a stored number ("6", "2.5"). */
static void num_text(char out[32], const char *v) {
  double d = v ? strtod(v, NULL) : 0;
  snprintf(out, 32, "%.15g", d);
}

/* A FHIR dateTime with a time: "YYYY-MM-DDThh:mm:ss" + optional fraction + "Z" or +hh:mm. */
static int instant_ok(const char *s) {
  if (!s || strlen(s) < 20) return 0;
  char date[11];
  memcpy(date, s, 10);
  date[10] = 0;
  if (!util_date_ok(date) || s[10] != 'T') return 0;
  static const char shape[] = "dd:dd:dd";
  for (int i = 0; i < 8; i++)
    if (shape[i] == 'd' ? (s[11 + i] < '0' || s[11 + i] > '9') : s[11 + i] != shape[i]) return 0;
  if (atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 60) return 0;
  const char *p = s + 19;
  if (*p == '.') { p++; if (*p < '0' || *p > '9') return 0; while (*p >= '0' && *p <= '9') p++; }
  if (!strcmp(p, "Z")) return 1;
  return (p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':';
}

/* A FHIR date: YYYY, YYYY-MM or a real YYYY-MM-DD. */
static int fhir_date_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 10) return util_date_ok(s);
  if (n != 4 && n != 7) return 0;
  char full[11];
  snprintf(full, sizeof full, "%.4s-%.2s-01", s, n == 7 ? s + 5 : "01");
  return (n == 4 || s[4] == '-') && util_date_ok(full);
}

static const char *side_word(const char *side) {
  if (!side) return NULL;
  if (!strcmp(side, "l")) return "left";
  if (!strcmp(side, "r")) return "right";
  return NULL;
}

static const char *muscle_name(const kb *k, const char *id) {
  int m = kb_find_muscle(k, id);
  return m >= 0 ? kb_muscle_at(k, m)->name : id;
}

static const char *term_label(const kb *k, int vocab, const char *id) {
  int t = id ? kb_find_term(k, vocab, id) : -1;
  return t >= 0 ? kb_term_at(k, vocab, t)->label : str(id);
}

/* ---- what each kind of measure becomes ---------------------------------------------------- */

typedef struct measure_kind {
  const char *kind;
  const char *category;   /* observation-category code */
  int nprs;               /* coded LOINC 72514-3, valueInteger */
  const char *text;       /* code.text; "%s" takes the item */
  const char *ucum;       /* valueQuantity unit (UCUM), when not NPRS */
  const char *csv_unit;
} measure_kind;

static const measure_kind measure_kinds[] = {
  {"nprs", "survey", 1, "Pain severity, 0-10 numeric rating", NULL, "0-10"},
  {"psfs", "survey", 0, "Patient-Specific Functional Scale (0-10): %s", "{score}", "0-10"},
  {"ndi", "survey", 0, "Neck Disability Index, total score (0-50)", "{score}", "0-50"},
  {"rom", "exam", 0, "Range of motion, %s", "deg", "deg"},
};
#define N_MEASURE_KINDS ((int)(sizeof measure_kinds / sizeof measure_kinds[0]))

/* Range-of-motion items measured in another unit than degrees. */
static const struct { const char *item, *ucum; } rom_units[] = {
  {"jaw:opening", "mm"},
};

static const measure_kind *find_kind(const char *kind) {
  for (int i = 0; i < N_MEASURE_KINDS; i++)
    if (!strcmp(measure_kinds[i].kind, kind)) return &measure_kinds[i];
  return NULL;
}

static const char *measure_unit(const measure_kind *mk, const char *item, int csv) {
  if (!strcmp(mk->kind, "rom"))
    for (size_t i = 0; i < sizeof rom_units / sizeof rom_units[0]; i++)
      if (!strcmp(rom_units[i].item, item)) return rom_units[i].ucum;
  return csv ? mk->csv_unit : mk->ucum;
}

/* The NPRS items and the note each gets. */
static const struct { const char *item, *note; } nprs_items[] = {
  {"pre", "Before treatment"},
  {"post", "After treatment"},
};

/* ---- FHIR --------------------------------------------------------------------------------- */

#define LOINC_PAIN "72514-3"
#define LOINC_PAIN_DISPLAY "Pain severity - 0-10 verbal numeric rating [Score] - Reported"

/* A string, or NULL when s is NULL or empty (for json_pack's "o*", which then omits the key). */
static json_t *jopt(const char *s) { return s && *s ? json_string(s) : NULL; }

static json_t *reference(const char *uuid) {
  char url[64];
  snprintf(url, sizeof url, "urn:uuid:%s", uuid);
  return json_pack("{s:s}", "reference", url);
}

static json_t *category(const char *code) {
  static const struct { const char *code, *display; } cats[] = {{"survey", "Survey"}, {"exam", "Exam"}};
  const char *display = code;
  for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
    if (!strcmp(cats[i].code, code)) display = cats[i].display;
  return json_pack("[{s:[{s:s,s:s,s:s}]}]", "coding", "system",
                   "http://terminology.hl7.org/CodeSystem/observation-category", "code", code,
                   "display", display);
}

static json_t *pain_code(void) {
  return json_pack("{s:[{s:s,s:s,s:s}],s:s}", "coding", "system", "http://loinc.org", "code",
                   LOINC_PAIN, "display", LOINC_PAIN_DISPLAY, "text", "Pain severity, 0-10 numeric rating");
}

static json_t *quantity(double v, const char *ucum) {
  return json_pack("{s:f,s:s,s:s,s:s}", "value", v, "unit", ucum, "system",
                   "http://unitsofmeasure.org", "code", ucum);
}

static json_t *note1(const char *text) {
  return text && *text ? json_pack("[{s:s}]", "text", text) : NULL;
}

/* An integer when v is whole, else a decimal. */
static int whole(double v) { return v == floor(v) && fabs(v) < 1e15; }

/* Append {"fullUrl":"urn:uuid:UUID","resource":...} with the resource's id set to UUID (placed
** after resourceType, for the reader's sake).  Takes over `res`. */
static void add_entry(json_t *entries, const char *uuid, json_t *res) {
  char url[64];
  snprintf(url, sizeof url, "urn:uuid:%s", uuid);
  json_t *r = json_pack("{s:O,s:s}", "resourceType", json_object_get(res, "resourceType"), "id", uuid);
  json_object_update(r, res);
  json_decref(res);
  json_array_append_new(entries, json_pack("{s:s,s:o}", "fullUrl", url, "resource", r));
}

static json_t *patient(const char *name, const char *birth, const char *phone, const char *email) {
  json_t *hn = json_pack("{s:s}", "text", name);
  const char *comma = strchr(name, ',');
  if (comma) {  /* "Family, Given Middle" */
    char *family = xstrndup(name, (size_t)(comma - name));
    const char *given = comma + 1;
    while (*given == ' ') given++;
    if (*family && *given) {
      json_t *gs = json_array();
      char *copy = xstrdup(given), *save = NULL;
      for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
        json_array_append_new(gs, json_string(w));
      free(copy);
      json_object_set_new(hn, "family", json_string(family));
      json_object_set_new(hn, "given", gs);
    }
    free(family);
  } else {  /* exactly two words: "Given Family"; more is ambiguous ("Anna van Dijk") */
    const char *sp = strchr(name, ' ');
    if (sp && sp > name && sp[1] && sp[1] != ' ' && !strchr(sp + 1, ' ')) {
      char *given = xstrndup(name, (size_t)(sp - name));
      json_object_set_new(hn, "family", json_string(sp + 1));
      json_object_set_new(hn, "given", json_pack("[s]", given));
      free(given);
    }
  }
  json_t *telecom = json_array();
  if (phone && *phone) json_array_append_new(telecom, json_pack("{s:s,s:s}", "system", "phone", "value", phone));
  if (email && *email) json_array_append_new(telecom, json_pack("{s:s,s:s}", "system", "email", "value", email));
  if (!json_array_size(telecom)) { json_decref(telecom); telecom = NULL; }
  return json_pack("{s:s,s:[o],s:o*,s:o*}", "resourceType", "Patient", "name", hn, "telecom", telecom,
                   "birthDate", jopt(birth));
}

/* Rows read for one export, in one transaction. */
typedef struct record {
  store_rows client, measures, pains, holds, stamp, consents, plans;
} record;

static void record_free(record *r) {
  store_rows_free(&r->client);
  store_rows_free(&r->measures);
  store_rows_free(&r->pains);
  store_rows_free(&r->holds);
  store_rows_free(&r->stamp);
  store_rows_free(&r->consents);
  store_rows_free(&r->plans);
}

static int record_read(store *s, long client, record *r, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  if (store_begin(s)) return util_fail(-1, err, errlen, "%s", store_error(s));
  int rc =
    store_exec(s, "SELECT name, birth, phone, email FROM client WHERE id = $1", &a, &r->client) ||
    store_exec(s, "SELECT id, date, kind, item, value, visit_id FROM measure WHERE client_id = $1"
                  " ORDER BY date, id", &a, &r->measures) ||
    store_exec(s, "SELECT i.id, i.date, p.region, p.intensity, p.quality FROM pain p"
                  " JOIN intake i ON i.id = p.intake_id WHERE i.client_id = $1"
                  " ORDER BY i.date, i.id, p.region", &a, &r->pains) ||
    store_exec(s, "SELECT v.id, t.seq, v.date, v.started, t.muscle, t.tp, t.side, t.technique,"
                  " t.seconds, t.outcome, t.reason, t.confirmed FROM treatment t"
                  " JOIN visit v ON v.id = t.visit_id WHERE v.client_id = $1"
                  " ORDER BY v.date, v.id, t.seq", &a, &r->holds) ||
    /* the visits whose log may hold consents (a compressed log is read in fhir_consents) */
    store_exec(s, "SELECT id FROM visit WHERE client_id = $1 AND (logz IS NOT NULL OR log LIKE '%\"consent\":[{%')"
                  " ORDER BY date, id", &a, &r->consents) ||
    store_exec(s, "SELECT MAX(t) FROM (SELECT updated AS t FROM client WHERE id = $1"
                  " UNION ALL SELECT created FROM intake WHERE client_id = $1"
                  " UNION ALL SELECT created FROM visit WHERE client_id = $1"
                  " UNION ALL SELECT created FROM assessment WHERE client_id = $1"
                  " UNION ALL SELECT created FROM measure WHERE client_id = $1"
                  " UNION ALL SELECT created FROM homeprog WHERE client_id = $1"
                  " UNION ALL SELECT created FROM care_plan WHERE client_id = $1) x", &a, &r->stamp) ||
    store_exec(s, "SELECT id, start, goals, target_kind, target_value, target_activity, visits, frequency,"
                  " reassess, created FROM care_plan WHERE client_id = $1 ORDER BY id", &a, &r->plans);
  if (rc) util_fail(-1, err, errlen, "%s", store_error(s));
  store_rollback(s);  /* read only: nothing to commit */
  if (!rc && r->client.nrow == 0) rc = util_fail(-1, err, errlen, "client %ld not found", client);
  if (rc) record_free(r);
  return rc ? -1 : 0;
}

static int fhir_measure(const kb *k, const record *r, int i, const char *pat, json_t *entries,
                        char *err, size_t errlen) {
  (void)k;
  const char *id = store_cell(&r->measures, i, 0), *date = str(store_cell(&r->measures, i, 1));
  const char *kind = str(store_cell(&r->measures, i, 2)), *item = str(store_cell(&r->measures, i, 3));
  double v = strtod(str(store_cell(&r->measures, i, 4)), NULL);
  if (!util_date_ok(date)) return util_fail(-1, err, errlen, "measure %s: date \"%s\" is not a date (YYYY-MM-DD)", id, date);
  const measure_kind *mk = find_kind(kind);
  if (!mk) return util_fail(-1, err, errlen, "measure %s: unknown kind \"%s\" (nprs, psfs, ndi or rom)", id, kind);
  char name[64], uuid[37];
  snprintf(name, sizeof name, "Observation/measure-%s", id);
  export_uuid(uuid, name);
  json_t *o = json_pack("{s:s,s:s,s:o}", "resourceType", "Observation", "status", "final",
                        "category", category(mk->category));
  if (mk->nprs) {
    json_object_set_new(o, "code", pain_code());
  } else {
    buf t;
    buf_init(&t);
    buf_printf(&t, mk->text, item);
    json_object_set_new(o, "code", json_pack("{s:s}", "text", t.data));
    buf_free(&t);
  }
  json_object_set_new(o, "subject", reference(pat));
  json_object_set_new(o, "effectiveDateTime", json_string(date));
  if (mk->nprs && whole(v)) json_object_set_new(o, "valueInteger", json_integer((json_int_t)v));
  else json_object_set_new(o, "valueQuantity", quantity(v, mk->nprs ? "{score}" : measure_unit(mk, item, 0)));
  if (mk->nprs)
    for (size_t j = 0; j < sizeof nprs_items / sizeof nprs_items[0]; j++)
      if (!strcmp(nprs_items[j].item, item)) json_object_set_new(o, "note", note1(nprs_items[j].note));
  add_entry(entries, uuid, o);
  return 0;
}

static int fhir_pain(const kb *k, const record *r, int i, const char *pat, json_t *entries,
                     char *err, size_t errlen) {
  const char *intake = store_cell(&r->pains, i, 0), *date = str(store_cell(&r->pains, i, 1));
  const char *region = str(store_cell(&r->pains, i, 2)), *quality = store_cell(&r->pains, i, 4);
  long intensity = strtol(str(store_cell(&r->pains, i, 3)), NULL, 10);
  if (!util_date_ok(date)) return util_fail(-1, err, errlen, "intake %s: date \"%s\" is not a date (YYYY-MM-DD)", intake, date);
  char name[160], uuid[37];
  snprintf(name, sizeof name, "Observation/pain-%s-%.100s", intake, region);
  export_uuid(uuid, name);
  const body *b = kb_body(k);
  int ri = body_find(b, region);
  json_t *site;
  if (ri >= 0) {
    const body_region *br = body_at(b, ri);
    buf t;
    buf_init(&t);
    buf_puts(&t, br->label);
    if (br->side == BODY_L) buf_puts(&t, ", left");
    if (br->side == BODY_R) buf_puts(&t, ", right");
    site = json_pack("{s:[{s:s,s:s,s:s}],s:s}", "coding", "system", EXPORT_REGION_SYSTEM, "code", region,
                     "display", t.data, "text", t.data);
    buf_free(&t);
    const body_sct *sct = b == body_builtin() ? body_sct_builtin() : NULL;
    if (sct) {   /* the SNOMED CT structure, and with a side the structure refined by its laterality */
      const body_sct *e = &sct[ri];
      json_t *coding = json_object_get(site, "coding");
      json_array_append_new(coding, json_pack("{s:s,s:s,s:s}", "system", EXPORT_SNOMED_SYSTEM, "code", e->code,
                                              "display", e->display));
      if (br->side != BODY_MID && !e->sided) {
        buf x, d;
        buf_init(&x);
        buf_init(&d);
        buf_printf(&x, "%s:%s=%s", e->code, BODY_SCT_LATERALITY, br->side == BODY_L ? BODY_SCT_LEFT : BODY_SCT_RIGHT);
        buf_printf(&d, "%s, %s", e->display, br->side == BODY_L ? "left" : "right");
        json_array_append_new(coding, json_pack("{s:s,s:s,s:s}", "system", EXPORT_SNOMED_SYSTEM, "code", x.data,
                                                "display", d.data));
        buf_free(&x);
        buf_free(&d);
      }
    }
  } else {
    site = json_pack("{s:s}", "text", region);  /* not in this body model: keep the id as text */
  }
  json_t *note = NULL;
  if (quality && *quality) {
    buf t;
    buf_init(&t);
    buf_printf(&t, "Quality: %s", quality);
    note = note1(t.data);
    buf_free(&t);
  }
  json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:I,s:o,s:o*}", "resourceType", "Observation",
                        "status", "final", "category", category("survey"), "code", pain_code(),
                        "subject", reference(pat), "effectiveDateTime", date,
                        "valueInteger", (json_int_t)intensity, "bodySite", site, "note", note);
  add_entry(entries, uuid, o);
  return 0;
}

/* How each outcome reads in the Procedure's note. */
static const struct { const char *outcome, *text; } outcomes[] = {
  {"released", "released"},
  {"max-hold", "held to the longest hold without release"},
  {"stopped", "stopped"},
  {"client-stop", "stopped at the client's request"},
  {"too-sensitive", "stopped as too sensitive"},
  {"interrupted", "interrupted"},
};

static const char *hold_outcome_words(const char *o) {
  for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
    if (o && !strcmp(outcomes[i].outcome, o)) return outcomes[i].text;
  return o && *o ? o : "not recorded";
}

static int fhir_hold(const kb *k, const record *r, int i, const char *pat, json_t *entries,
                     char *err, size_t errlen) {
  const char *visit = store_cell(&r->holds, i, 0), *seq = store_cell(&r->holds, i, 1);
  const char *date = str(store_cell(&r->holds, i, 2)), *started = store_cell(&r->holds, i, 3);
  const char *muscle = str(store_cell(&r->holds, i, 4)), *tp = store_cell(&r->holds, i, 5);
  const char *side = store_cell(&r->holds, i, 6), *tech = store_cell(&r->holds, i, 7);
  const char *secs = store_cell(&r->holds, i, 8), *outcome = store_cell(&r->holds, i, 9);
  const char *reason = store_cell(&r->holds, i, 10), *confirmed = store_cell(&r->holds, i, 11);
  const char *when = instant_ok(started) ? started : date;
  if (!instant_ok(when) && !util_date_ok(when))
    return util_fail(-1, err, errlen, "visit %s: date \"%s\" is not a date (YYYY-MM-DD)", visit, date);
  char name[64], uuid[37];
  snprintf(name, sizeof name, "Procedure/%s-%s", visit, seq);
  export_uuid(uuid, name);
  buf site, note;
  buf_init(&site);
  buf_init(&note);
  buf_puts(&site, muscle_name(k, muscle));
  if (side_word(side)) buf_printf(&site, ", %s", side_word(side));
  int t = tp ? kb_find_tp(k, tp) : -1;
  if (t >= 0) buf_printf(&note, "Trigger point %s. ", kb_tp_at(k, t)->name);
  else if (tp && *tp) buf_printf(&note, "Trigger point %s. ", tp);
  if (secs) {
    char n[32];
    num_text(n, secs);
    buf_printf(&note, "Held %s s. ", n);
  }
  buf_printf(&note, "Outcome: %s", hold_outcome_words(outcome));
  if (reason && *reason) buf_printf(&note, " (%s)", reason);
  buf_puts(&note, ".");
  if (confirmed && !strcmp(confirmed, "1")) buf_puts(&note, " Recognised referral reproduced.");
  json_t *p = json_pack("{s:s,s:s,s:{s:s},s:o,s:s,s:[{s:s}],s:{s:s},s:o}", "resourceType", "Procedure",
                        "status", outcome && !strcmp(outcome, "stopped") ? "stopped" : "completed",
                        "code", "text", term_label(k, KB_TECHNIQUE, tech),
                        "subject", reference(pat), "performedDateTime", when,
                        "bodySite", "text", site.data, "outcome", "text", hold_outcome_words(outcome),
                        "note", note1(note.data));
  buf_free(&site);
  buf_free(&note);
  add_entry(entries, uuid, p);
  return 0;
}

/* The sensitive-area consents of the session log of visit row i (its "consent" list): a FHIR
** Consent per consent given, status active, or inactive when the client withdrew it later in
** that session; scope treatment, category LOINC 59284-0, the patient, when it was given, and
** a permit provision coded with the area. */
static int fhir_consents(store *s, const kb *k, const record *r, int i, const char *pat, json_t *entries, char *err,
                         size_t errlen) {
  const char *visit = store_cell(&r->consents, i, 0);
  buf text;   /* the visit's session log, through record_visit_log (it may be kept compressed) */
  buf_init(&text);
  if (record_visit_log(s, k, strtol(visit, NULL, 10), 0, &text, err, errlen)) { buf_free(&text); return -1; }
  json_t *log = json_loadb(text.data ? text.data : "", text.len, 0, NULL);
  buf_free(&text);
  json_t *list = json_object_get(log, "consent"), *v;
  size_t n;
  int rc = 0;
  json_array_foreach(list, n, v) {
    if (json_is_true(json_object_get(v, "withdrawn"))) continue;
    const char *area = json_string_value(json_object_get(v, "area")), *at = json_string_value(json_object_get(v, "at"));
    const char *how = json_string_value(json_object_get(v, "how"));
    if (!area || !at || !instant_ok(at)) { rc = util_fail(-1, err, errlen, "visit %s: consent %zu has no area or time", visit, n + 1); break; }
    int a = kb_find_term(k, KB_SENSITIVE, area);
    const char *label = a >= 0 ? kb_term_at(k, KB_SENSITIVE, a)->label : area;
    int withdrawn = 0;
    for (size_t m = n + 1; m < json_array_size(list); m++) {
      json_t *w = json_array_get(list, m);
      const char *wa = json_string_value(json_object_get(w, "area"));
      if (wa && !strcmp(wa, area)) { withdrawn = json_is_true(json_object_get(w, "withdrawn")); break; }
    }
    char name[96], uuid[37], rule[160];
    snprintf(name, sizeof name, "Consent/%s-%zu", visit, n + 1);
    export_uuid(uuid, name);
    snprintf(rule, sizeof rule, "%s consent before treatment of a sensitive area, for this session",
             how && !strcmp(how, "written") ? "Written" : "Verbal");
    json_t *c = json_pack("{s:s,s:s,s:{s:[{s:s,s:s,s:s}]},s:[{s:[{s:s,s:s,s:s}]}],s:o,s:s,s:{s:s},"
                          "s:{s:s,s:[{s:[{s:s,s:s,s:s}],s:s}]}}",
                          "resourceType", "Consent", "status", withdrawn ? "inactive" : "active",
                          "scope", "coding", "system", "http://terminology.hl7.org/CodeSystem/consentscope",
                          "code", "treatment", "display", "Treatment",
                          "category", "coding", "system", "http://loinc.org", "code", "59284-0", "display", "Patient Consent",
                          "patient", reference(pat), "dateTime", at, "policyRule", "text", rule,
                          "provision", "type", "permit", "code", "coding", "system", EXPORT_SENSITIVE_SYSTEM,
                          "code", area, "display", label, "text", label);
    add_entry(entries, uuid, c);
  }
  json_decref(log);
  return rc;
}

/* The plans of care as CarePlan resources: the latest active, each earlier one revoked and
** replaced by the next; the visits planned as an activity with its timing, the target as a note. */
static const struct { const char *freq; int frequency; int period; const char *unit; } timings[] = {
  {"daily", 1, 1, "d"}, {"twice-weekly", 2, 1, "wk"}, {"weekly", 1, 1, "wk"}, {"every-2-weeks", 1, 2, "wk"},
  {"monthly", 1, 1, "mo"},
};

static int fhir_careplan(const record *r, int i, const char *pat, json_t *entries, char *err, size_t errlen) {
  char key[64], uuid[37], prev[37];
  snprintf(key, sizeof key, "CarePlan/%s", store_cell(&r->plans, i, 0));
  export_uuid(uuid, key);
  const char *start = str(store_cell(&r->plans, i, 1)), *reassess = str(store_cell(&r->plans, i, 8));
  if (!fhir_date_ok(start) || !fhir_date_ok(reassess))
    return util_fail(-1, err, errlen, "care plan %s: a date is not a date", store_cell(&r->plans, i, 0));
  const char *freq = str(store_cell(&r->plans, i, 7));
  int t = -1;
  for (size_t j = 0; j < sizeof timings / sizeof timings[0]; j++) if (!strcmp(freq, timings[j].freq)) t = (int)j;
  if (t < 0) return util_fail(-1, err, errlen, "care plan %s: unknown frequency \"%s\"", store_cell(&r->plans, i, 0), freq);
  long visits = strtol(str(store_cell(&r->plans, i, 6)), NULL, 10);
  char desc[96], target[400];
  snprintf(desc, sizeof desc, "%ld visits, %s", visits, freq);
  double v = strtod(str(store_cell(&r->plans, i, 4)), NULL);
  if (!strcmp(str(store_cell(&r->plans, i, 3)), "nprs"))
    snprintf(target, sizeof target, "Target: pain (NPRS, LOINC 72514-3) at most %g/10, or 50%% relief from the first rating; "
             "reassess on %s.", v, reassess);
  else
    snprintf(target, sizeof target, "Target: the PSFS activity \"%.200s\" scored at least %g/10, or 50%% pain relief; "
             "reassess on %s.", str(store_cell(&r->plans, i, 5)), v, reassess);
  json_t *timing = json_pack("{s:{s:I,s:i,s:i,s:s}}", "repeat", "count", (json_int_t)visits, "frequency",
                             timings[t].frequency, "period", timings[t].period, "periodUnit", timings[t].unit);
  json_t *activity = json_pack("[{s:{s:s,s:s,s:o}}]", "detail", "status", i + 1 == r->plans.nrow ? "scheduled" : "cancelled",
                               "description", desc, "scheduledTiming", timing);
  json_t *cp = json_pack("{s:s,s:s,s:s,s:s,s:o*,s:o,s:{s:s,s:s},s:o*,s:o,s:o}", "resourceType", "CarePlan",
                         "status", i + 1 == r->plans.nrow ? "active" : "revoked", "intent", "plan",
                         "title", "Plan of care", "description", jopt(store_cell(&r->plans, i, 2)),
                         "subject", reference(pat), "period", "start", start, "end", reassess,
                         "created", instant_ok(str(store_cell(&r->plans, i, 9))) ? json_string(store_cell(&r->plans, i, 9)) : NULL,
                         "activity", activity, "note", note1(target));
  if (i > 0) {
    snprintf(key, sizeof key, "CarePlan/%s", store_cell(&r->plans, i - 1, 0));
    export_uuid(prev, key);
    json_object_set_new(cp, "replaces", json_pack("[o]", reference(prev)));
  }
  add_entry(entries, uuid, cp);
  return 0;
}

/* The bundle's timestamp: the latest write to the record, as an instant.  Stamps are written
** by util_now ("2026-11-22T10:00:00Z"); SQLite's "2026-11-22 10:00:00" (UTC) and a bare date
** are read too; anything else falls back to now. */
static void bundle_time(const record *r, char out[40]) {
  const char *t = str(store_cell(&r->stamp, 0, 0));
  char date[11];
  snprintf(date, sizeof date, "%s", t);
  if (instant_ok(t)) snprintf(out, 40, "%s", t);
  else if (strlen(t) == 19 && t[10] == ' ' && (snprintf(out, 40, "%.10sT%sZ", t, t + 11), instant_ok(out))) return;
  else if (util_date_ok(date) && strlen(t) == 10) snprintf(out, 40, "%sT00:00:00Z", date);
  else util_now(out);
}

int export_fhir(store *s, const kb *k, long client, buf *out, char *err, size_t errlen) {
  record r;
  if (record_read(s, client, &r, err, errlen)) return -1;
  const char *name = str(store_cell(&r.client, 0, 0)), *birth = str(store_cell(&r.client, 0, 1));
  if (*birth && !fhir_date_ok(birth)) {
    util_fail(-1, err, errlen, "client %ld: birth date \"%s\" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", client, birth);
    record_free(&r);
    return -1;
  }
  char pat[37], bid[37], key[64], stamp[40];
  snprintf(key, sizeof key, "Patient/%ld", client);
  export_uuid(pat, key);
  snprintf(key, sizeof key, "Bundle/client-%ld", client);
  export_uuid(bid, key);
  bundle_time(&r, stamp);
  json_t *entries = json_array();
  add_entry(entries, pat, patient(name, birth, store_cell(&r.client, 0, 2), store_cell(&r.client, 0, 3)));
  int rc = 0;
  for (int i = 0; !rc && i < r.measures.nrow; i++) rc = fhir_measure(k, &r, i, pat, entries, err, errlen);
  for (int i = 0; !rc && i < r.pains.nrow; i++) rc = fhir_pain(k, &r, i, pat, entries, err, errlen);
  for (int i = 0; !rc && i < r.holds.nrow; i++) rc = fhir_hold(k, &r, i, pat, entries, err, errlen);
  for (int i = 0; !rc && i < r.consents.nrow; i++) rc = fhir_consents(s, k, &r, i, pat, entries, err, errlen);
  for (int i = 0; !rc && i < r.plans.nrow; i++) rc = fhir_careplan(&r, i, pat, entries, err, errlen);
  record_free(&r);
  if (rc) { json_decref(entries); return -1; }
  json_t *bundle = json_pack("{s:s,s:s,s:s,s:s,s:o}", "resourceType", "Bundle", "id", bid, "type",
                             "collection", "timestamp", stamp, "entry", entries);
  char *text = json_dumps(bundle, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
  json_decref(bundle);
  buf_puts(out, text);
  buf_putc(out, '\n');
  free(text);
  return 0;
}

/* ---- CSV ---------------------------------------------------------------------------------- */

/* Would a spreadsheet read `f` as a formula?  A cell starting with = + - @, a tab or a carriage
** return (OWASP's CSV injection list), unless it is a plain number such as our own "-2.5". */
static int csv_formula(const char *f) {
  if (!*f || !strchr("=+-@\t\r", *f)) return 0;
  char *end;
  strtod(f, &end);
  return end == f || *end;
}

/* One cell, RFC 4180 quoted when needed; a formula-like cell gets a leading single quote, so a
** spreadsheet shows the text instead of running it (a client's "=HYPERLINK(...)"). */
static void csv_field(buf *b, const char *f) {
  f = str(f);
  int q = csv_formula(f);
  if (!strpbrk(f, ",\"\r\n")) {
    if (q) buf_putc(b, '\'');
    buf_puts(b, f);
    return;
  }
  buf_putc(b, '"');
  if (q) buf_putc(b, '\'');
  for (const char *p = f; *p; p++) {
    if (*p == '"') buf_putc(b, '"');
    buf_putc(b, *p);
  }
  buf_putc(b, '"');
}

static void csv_row(buf *b, const char *date, const char *kind, const char *item, const char *value,
                    const char *unit, const char *visit) {
  const char *f[] = {date, kind, item, value, unit, visit};
  for (int i = 0; i < 6; i++) {
    if (i) buf_putc(b, ',');
    csv_field(b, f[i]);
  }
  buf_lit(b, "\r\n");
}

int export_csv(store *s, const kb *k, long client, buf *out, char *err, size_t errlen) {
  (void)k;  /* the CSV keeps the ids; labels belong to the reader */
  record r;
  if (record_read(s, client, &r, err, errlen)) return -1;
  buf b;
  buf_init(&b);
  buf_lit(&b, "date,kind,item,value,unit,visit\r\n");
  /* Merge the three date-sorted lists; on the same date measures, then drawings, then holds. */
  int im = 0, ip = 0, ih = 0;
  for (;;) {
    const char *dm = im < r.measures.nrow ? str(store_cell(&r.measures, im, 1)) : NULL;
    const char *dp = ip < r.pains.nrow ? str(store_cell(&r.pains, ip, 1)) : NULL;
    const char *dh = ih < r.holds.nrow ? str(store_cell(&r.holds, ih, 2)) : NULL;
    char num[32];
    if (dm && (!dp || strcmp(dm, dp) <= 0) && (!dh || strcmp(dm, dh) <= 0)) {
      const char *kind = str(store_cell(&r.measures, im, 2)), *item = store_cell(&r.measures, im, 3);
      const measure_kind *mk = find_kind(kind);
      num_text(num, store_cell(&r.measures, im, 4));
      csv_row(&b, dm, kind, item, num, mk ? measure_unit(mk, str(item), 1) : "", store_cell(&r.measures, im, 5));
      im++;
    } else if (dp && (!dh || strcmp(dp, dh) <= 0)) {
      num_text(num, store_cell(&r.pains, ip, 3));
      csv_row(&b, dp, "pain-drawing", store_cell(&r.pains, ip, 2), num, "0-10", NULL);
      ip++;
    } else if (dh) {
      buf item;
      buf_init(&item);
      buf_printf(&item, "%s/%s:%s", str(store_cell(&r.holds, ih, 4)), str(store_cell(&r.holds, ih, 5)),
                 str(store_cell(&r.holds, ih, 7)));
      const char *secs = store_cell(&r.holds, ih, 8);
      if (secs) num_text(num, secs);
      csv_row(&b, dh, "treatment", item.data, secs ? num : "", "s", store_cell(&r.holds, ih, 0));
      buf_free(&item);
      ih++;
    } else break;
  }
  record_free(&r);
  buf_append(out, b.data, b.len);
  buf_free(&b);
  return 0;
}
