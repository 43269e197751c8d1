/* test_kbver.c: a visit's plan and home program stay what they were after the knowledge base
** changes: derived from the kb version stored with them (kbver), not from the running one. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "kbver.h"
#include "pack.h"
#include "record.h"
#include "session.h"
#include "testdb.h"

static kb *k;
static store *db;
static char dir[64];

static void setup(void) {
  k = test_kb();
  db = test_db_open(dir, "kbver");
}

static void teardown(void) {
  test_db_close(db, dir);
  kb_free(k);
}

TestSuite(kbver, .init = setup, .fini = teardown);

/* The embedded kb's files as kbver.c keeps them (name, NUL, length, NUL, bytes), with each
** from[i] replaced by to[i]. */
static void kb_text_edited(buf *out, int n, const char *const *from, const char *const *to) {
  for (int i = 0; i < n_builtin_files; i++) {
    const builtin_file *f = &builtin_files[i];
    if (strncmp(f->name, "kb/", 3)) continue;
    buf data;
    buf_init(&data);
    for (const char *p = (const char *)f->data, *end = p + f->len; p < end;) {
      int hit = -1;
      for (int j = 0; j < n && hit < 0; j++)
        if ((size_t)(end - p) >= strlen(from[j]) && !memcmp(p, from[j], strlen(from[j]))) hit = j;
      if (hit >= 0) { buf_puts(&data, to[hit]); p += strlen(from[hit]); }
      else buf_putc(&data, *p++);
    }
    buf_puts(out, f->name);
    buf_putc(out, 0);
    buf_printf(out, "%zu", data.len);
    buf_putc(out, 0);
    buf_append(out, data.data, data.len);
    buf_free(&data);
  }
}

/* The log of a session on upper trapezius TrP1, left, as session_json writes it (its plan from
** the running kb). */
static void session_text(buf *text) {
  char err[600];
  plan_input in;
  memset(&in, 0, sizeof in);
  in.points[0].tp = kb_find_tp(k, "upper-trapezius-tp1");
  in.points[0].side = BODY_L;
  in.n_points = 1;
  cr_assert_geq(in.points[0].tp, 0);
  session ss;
  cr_assert_eq(session_init(&ss, k, &in, "scripted", err, sizeof err), 0, "%s", err);
  snprintf(ss.started, sizeof ss.started, "2025-01-06T10:00:00Z");
  snprintf(ss.ended, sizeof ss.ended, "2025-01-06T10:30:00Z");
  ss.pain_pre = 6;
  ss.pain_post = 3;
  session_json(text, k, &ss);
  session_free(&ss);
}

/* That session stored for a new client. */
static long store_session(long *client) {
  char err[600];
  record_client c;
  record_client_init(&c);
  c.name = "Kb Version";
  c.birth = "1980-01-01";
  cr_assert_eq(record_client_add(db, k, &c, client, err, sizeof err), 0, "%s", err);
  buf text;
  buf_init(&text);
  session_text(&text);
  record_log *l;
  long visit;
  cr_assert_eq(record_log_parse(k, text.data, text.len, &l, err, sizeof err), 0, "%s", err);
  cr_assert_eq(record_log_add(db, k, *client, 0, l, &visit, err, sizeof err), 0, "%s", err);
  record_log_free(l);
  buf_free(&text);
  return visit;
}

Test(kbver, a_visit_made_with_another_kb_version_is_derived_from_that_version) {
  long client, visit = store_session(&client);
  char err[600];
  buf before, prog;
  buf_init(&before);
  buf_init(&prog);
  cr_assert_eq(record_visit_log(db, k, visit, 1, &before, err, sizeof err), 0, "%s", err);
  cr_assert(strstr(before.data, "sustained pressure (trigger point"), "the running kb's technique label");
  /* a knowledge base that differed: its technique and tool labels, stored as another version */
  buf t, z;
  buf_init(&t);
  buf_init(&z);
  static const char *const from[] = {"sustained pressure (trigger point", "tennis ball (soft; start here)"};
  static const char *const to[] = {"steady pressure, version two (trigger point", "tennis ball, version two"};
  kb_text_edited(&t, 2, from, to);
  pack_deflate('K', PACK_DICT_NONE, t.data, t.len, &z);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, "0000000000000000000000000000000000000000000000000000000000000002");
  store_arg_blob(&a, z.data, z.len);
  long id;
  cr_assert_eq(store_exec_long(db, "INSERT INTO kbver (hash, kb, created) VALUES ($1, $2, '2026-01-01T00:00:00Z') RETURNING id",
                               &a, &id), 0, "%s", store_error(db));
  store_args_init(&a);
  store_arg_int(&a, id);
  store_arg_int(&a, visit);
  cr_assert_eq(store_exec(db, "UPDATE visit SET kbver_id = $1 WHERE id = $2", &a, NULL), 0);
  cr_assert_eq(store_exec(db, "UPDATE homeprog SET kbver_id = $1 WHERE visit_id = $2", &a, NULL), 0);
  /* the plan and the home program now come from that version, not from the running kb */
  buf after;
  buf_init(&after);
  cr_assert_eq(record_visit_log(db, k, visit, 1, &after, err, sizeof err), 0, "%s", err);
  cr_assert(strstr(after.data, "steady pressure, version two (trigger point"), "the plan of the stored version");
  cr_assert_null(strstr(after.data, "sustained pressure (trigger point"));
  store_rows r;
  store_args_init(&a);
  store_arg_int(&a, visit);
  cr_assert_eq(store_exec(db, "SELECT id FROM homeprog WHERE visit_id = $1", &a, &r), 0);
  long hid = strtol(store_cell(&r, 0, 0), NULL, 10);
  store_rows_free(&r);
  home h;
  const kb *hk = NULL;
  cr_assert_eq(record_home_load(db, k, hid, &prog, &h, &hk, err, sizeof err), 1, "%s", err);
  cr_assert(hk && hk != k, "the stored version, loaded");
  cr_assert(strstr(prog.data, "tennis ball, version two"), "the home program of the stored version: %.200s", prog.data);
  /* loaded once: asked again, the same kb */
  const kb *again = kbver_kb(db, k, id, err, sizeof err);
  cr_assert_eq(again, hk);
  /* everything else of the log is what was stored */
  json_t *x = json_loads(before.data, 0, NULL), *y = json_loads(after.data, 0, NULL);
  json_object_del(x, "plan");
  json_object_del(y, "plan");
  cr_assert(json_equal(x, y));
  json_decref(x);
  json_decref(y);
  buf_free(&before); buf_free(&after); buf_free(&prog); buf_free(&t); buf_free(&z);
}

/* The kb compiled into tables (kb_load_builtin) and the same kb parsed from the embedded text
** (kb_load_builtin_text, as for --lang fr) are one version: a visit stored with either is read
** with the other as the running kb, not as a stored version loaded again, and gives one log. */
Test(kbver, the_tables_and_the_text_are_one_version) {
  buf e;
  buf_init(&e);
  kb *text_kb;
  cr_assert_eq(kb_load_builtin_text(&text_kb, &e), 0, "%s", e.data ? e.data : "");
  buf_free(&e);
  cr_assert(kb_is_builtin(k) && !kb_is_builtin(text_kb), "only the tables are the compiled image");
  cr_assert(kb_is_embedded(k) && kb_is_embedded(text_kb), "both are the embedded kb");
  long client, visit = store_session(&client);   /* stored with the tables */
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, visit);
  long id;
  cr_assert_eq(store_exec_long(db, "SELECT kbver_id FROM visit WHERE id = $1", &a, &id), 0, "%s", store_error(db));
  char err[600];
  cr_assert_eq(kbver_kb(db, text_kb, id, err, sizeof err), text_kb, "the text kb is the running version: %s", err);
  cr_assert_eq(kbver_kb(db, k, id, err, sizeof err), k, "and so are the tables: %s", err);
  buf x, y;
  buf_init(&x);
  buf_init(&y);
  cr_assert_eq(record_visit_log(db, k, visit, 1, &x, err, sizeof err), 0, "%s", err);
  cr_assert_eq(record_visit_log(db, text_kb, visit, 1, &y, err, sizeof err), 0, "%s", err);
  cr_assert(x.len > 100 && x.len == y.len && !memcmp(x.data, y.data, x.len), "the same log from both");
  long n;
  cr_assert_eq(store_exec_long(db, "SELECT COUNT(*) FROM kbver", NULL, &n), 0);
  cr_assert_eq(n, 1, "one version stored");
  buf_free(&x);
  buf_free(&y);
  kb_free(text_kb);
}

/* A stored version read for a client in French (the running kb has read kb/fr/) has the French
** texts too: the handout of an old visit stays in the client's language. */
Test(kbver, a_stored_version_has_the_running_kbs_languages) {
  buf e;
  buf_init(&e);
  kb *fr;
  cr_assert_eq(kb_load_builtin_text(&fr, &e), 0, "%s", e.data ? e.data : "");
  cr_assert_eq(kb_load_lang(fr, "fr", &e), 0, "%s", e.data ? e.data : "");
  buf_free(&e);
  const char *name = kb_text(fr, "fr", "muscle", "upper-trapezius", "name", "?");
  cr_assert(strcmp(name, "?") && strcmp(name, "upper trapezius"), "the running kb in French: %s", name);
  buf t, z;
  buf_init(&t);
  buf_init(&z);
  static const char *const from[] = {"sustained pressure (trigger point"};
  static const char *const to[] = {"steady pressure, version three (trigger point"};
  kb_text_edited(&t, 1, from, to);
  pack_deflate('K', PACK_DICT_NONE, t.data, t.len, &z);
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, "0000000000000000000000000000000000000000000000000000000000000003");
  store_arg_blob(&a, z.data, z.len);
  long id;
  cr_assert_eq(store_exec_long(db, "INSERT INTO kbver (hash, kb, created) VALUES ($1, $2, '2026-01-01T00:00:00Z') RETURNING id",
                               &a, &id), 0, "%s", store_error(db));
  char err[600];
  const kb *old = kbver_kb(db, fr, id, err, sizeof err);
  cr_assert(old && old != fr, "the stored version: %s", err);
  cr_assert_str_eq(kb_text(old, "fr", "muscle", "upper-trapezius", "name", "?"), name, "its French name");
  buf_free(&t);
  buf_free(&z);
  kb_free(fr);
}

Test(kbver, pack_round_trip_and_damage) {
  const char *text = "{\"myomap\":\"session\",\"holds\":[{\"advice\":\"in-band\",\"text\":\"Productive: hold the pressure steady.\"}]}";
  buf z, out;
  buf_init(&z);
  buf_init(&out);
  pack_deflate('P', PACK_DICT_LOG1, text, strlen(text), &z);
  cr_assert_lt(z.len, strlen(text), "the dictionary makes it smaller");
  int tag = 0;
  cr_assert_eq(pack_inflate(z.data, z.len, &tag, &out), 0);
  cr_assert_eq(tag, 'P');
  cr_assert_str_eq(out.data, text);
  buf_reset(&out);
  cr_assert_eq(pack_inflate(z.data, z.len - 2, &tag, &out), -1, "a cut packing is refused");
  z.data[1] = 9;
  cr_assert_eq(pack_inflate(z.data, z.len, &tag, &out), -1, "an unknown dictionary is refused");
  buf_free(&z);
  buf_free(&out);
}

/* A packing made before zstd (deflate against dictionary 1: the example log, kept whole, as a
** store made on 2026-12-01 before this change wrote it) still reads as its log. */
Test(kbver, pack_reads_deflate_packings_made_before) {
  char *old, *log;
  size_t on, ln;
  cr_assert_eq(util_read_file("tests/fixtures/pack-deflate-L.bin", &old, &on), 0);
  cr_assert_eq(util_read_file("docs/examples/session.json", &log, &ln), 0);
  cr_assert_eq(old[1], PACK_DICT_LOG1, "deflate against dictionary 1");
  buf out;
  buf_init(&out);
  int tag = 0;
  cr_assert_eq(pack_inflate(old, on, &tag, &out), 0);
  cr_assert_eq(tag, 'L');
  cr_assert_eq(out.len, ln);
  cr_assert(!memcmp(out.data, log, ln), "the log as it was stored");
  buf z;
  buf_init(&z);
  pack_deflate('L', PACK_DICT_LOG1, log, ln, &z);
  cr_assert_neq(z.data[1], PACK_DICT_LOG1, "new packings are zstd's");
  buf_reset(&out);
  cr_assert_eq(pack_inflate(z.data, z.len, &tag, &out), 0);
  cr_assert(out.len == ln && !memcmp(out.data, log, ln), "and read back the same");
  buf_free(&z);
  buf_free(&out);
  free(old);
  free(log);
}

/* ---- a log's plan read as text (record.c: plan_split, log_read_planless) ---------------------- */


/* Store `text` for a new client: the visit's id and whether it keeps its plan derived (kbver_id),
** or 0 with the error in err. */
static long store_text(const char *text, int *derived, char *err, size_t errlen) {
  static int n;
  record_client c;
  record_client_init(&c);
  char name[32];
  snprintf(name, sizeof name, "Plan Text %d", ++n);
  c.name = name;
  c.birth = "1980-01-01";
  long client, visit;
  cr_assert_eq(record_client_add(db, k, &c, &client, err, errlen), 0, "%s", err);
  record_log *l;
  if (record_log_parse(k, text, strlen(text), &l, err, errlen)) return 0;
  cr_assert_eq(record_log_add(db, k, client, 0, l, &visit, err, errlen), 0, "%s", err);
  record_log_free(l);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, visit);
  store_rows r;
  cr_assert_eq(store_exec(db, "SELECT kbver_id FROM visit WHERE id = $1", &a, &r), 0);
  *derived = store_cell(&r, 0, 0) != NULL;
  store_rows_free(&r);
  return visit;
}

/* The text with its first `from` (after `after`, when given) replaced by `to`. */
static char *edited(const char *text, const char *after, const char *from, const char *to) {
  const char *start = after ? strstr(text, after) : text;
  cr_assert(start, "%s", after);
  const char *at = strstr(start, from);
  cr_assert(at, "%s", from);
  buf b;
  buf_init(&b);
  buf_append(&b, text, (size_t)(at - text));
  buf_puts(&b, to);
  buf_puts(&b, at + strlen(from));
  return b.data;
}

Test(kbver, a_logs_plan_is_read_as_text_only_when_it_is_the_kbs_own) {
  buf text;
  buf_init(&text);
  session_text(&text);
  char err[600];
  int derived = -1;
  /* as written, and laid out otherwise with the plan first: derived, and read back the same */
  long v = store_text(text.data, &derived, err, sizeof err);
  cr_assert(v, "%s", err);
  cr_expect_eq(derived, 1);
  json_t *orig = json_loads(text.data, 0, NULL), *moved = json_object();
  json_object_set(moved, "plan", json_object_get(orig, "plan"));
  const char *key;
  json_t *val;
  json_object_foreach(orig, key, val) if (strcmp(key, "plan")) json_object_set(moved, key, val);
  char *spaced = json_dumps(moved, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
  v = store_text(spaced, &derived, err, sizeof err);
  cr_assert(v, "%s", err);
  cr_expect_eq(derived, 1, "the plan first, indented by 4");
  buf back;
  buf_init(&back);
  cr_assert_eq(record_visit_log(db, k, v, 1, &back, err, sizeof err), 0, "%s", err);
  json_t *b = json_loads(back.data, 0, NULL);
  cr_expect(json_equal(b, orig), "the log read back is the log stored");
  json_decref(b);
  /* whitespace inside a number is not JSON, in the plan or out of it: refused as before */
  char *bad1 = edited(text.data, NULL, "\"pain_pre\":6", "\"pain_pre\":6 0");
  cr_expect_eq(store_text(bad1, &derived, err, sizeof err), 0);
  cr_expect(strstr(err, "not valid JSON"), "%s", err);
  char *bad2 = edited(text.data, "\"plan\"", "30", "3 0");
  cr_expect_eq(store_text(bad2, &derived, err, sizeof err), 0);
  cr_expect(strstr(err, "not valid JSON"), "%s", err);
  /* a plan that differs from the kb's by one number: kept whole (not derived), as it was */
  char *other = edited(text.data, "\"plan\"", "30", "31");
  v = store_text(other, &derived, err, sizeof err);
  cr_assert(v, "%s", err);
  cr_expect_eq(derived, 0, "a plan the kb does not give back is kept whole");
  buf_free(&back);
  buf_init(&back);
  cr_assert_eq(record_visit_log(db, k, v, 1, &back, err, sizeof err), 0, "%s", err);
  json_t *x = json_loads(back.data, 0, NULL), *y = json_loads(other, 0, NULL);
  cr_expect(json_equal(x, y));
  /* "plan" twice: the whole parser decides, as before (the last one counts) */
  char *twice = edited(text.data, NULL, "{", "{\"plan\":{},");
  v = store_text(twice, &derived, err, sizeof err);
  cr_assert(v, "%s", err);
  json_decref(x); json_decref(y); json_decref(orig); json_decref(moved);
  free(spaced); free(bad1); free(bad2); free(other); free(twice);
  buf_free(&back); buf_free(&text);
}
