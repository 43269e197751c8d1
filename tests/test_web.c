/* test_web.c: the web app's core without HTTP: accounts (argon2id, sessions, CSRF, the login
** limiter, access to clients, the audit log), the session room (holds driven by events at
** given times, the phone's limits, the event queue, the stored log) and the API's routing and
** errors through api_handle. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "live.h"
#include "record.h"
#include "testdb.h"

static kb *k;
static store *db;
static char dir[64];

static void setup(void) {
  k = test_kb();
  db = test_db_open(dir, "web");
}

static void teardown(void) {
  test_db_close(db, dir);
  kb_free(k);
}

TestSuite(auth, .init = setup, .fini = teardown);
TestSuite(live, .init = setup, .fini = teardown);
TestSuite(api, .init = setup, .fini = teardown);

Test(auth, password_login_session_and_csrf) {
  char err[300], token[AUTH_TOKEN_LEN + 1];
  long id;
  cr_assert_eq(auth_user_add(db, "Ann", "Ann@Example.org", "short", "admin", &id, err, sizeof err), RECORD_EBAD);
  cr_assert_eq(auth_user_add(db, "Ann", "Ann@Example.org", "long enough pw", "admin", &id, err, sizeof err), 0, "%s", err);
  cr_assert_eq(auth_user_add(db, "Ann", "ann@example.org", "another password", "admin", &id, err, sizeof err), RECORD_EBAD,
               "a second account with the same email (any case)");
  store_rows r;
  cr_assert_eq(store_exec(db, "SELECT pwhash FROM therapist", NULL, &r), 0);
  cr_assert(!strncmp(store_cell(&r, 0, 0), "$argon2id$", 10), "stored as argon2id: %s", store_cell(&r, 0, 0));
  cr_assert_null(strstr(store_cell(&r, 0, 0), "long enough pw"));
  store_rows_free(&r);

  auth *a = auth_new();
  auth_user u;
  long retry = 0;
  cr_assert_eq(auth_login(a, db, "ann@example.org", "wrong password", "1.2.3.4", 1000, token, &u, &retry), AUTH_EDENIED);
  cr_assert_eq(auth_login(a, db, "nobody@example.org", "long enough pw", "1.2.3.4", 1000, token, &u, &retry), AUTH_EDENIED);
  cr_assert_eq(auth_login(a, db, "ANN@example.org", "long enough pw", "1.2.3.4", 1000, token, &u, &retry), 0);
  cr_assert_eq(u.id, id);
  cr_assert(u.admin);
  cr_assert_eq(strlen(token), AUTH_TOKEN_LEN);
  auth_user v;
  cr_assert_eq(auth_session(db, token, 1001, &v), 0);
  cr_assert_str_eq(v.csrf, u.csrf);
  cr_assert(auth_csrf_ok(&v, u.csrf));
  cr_assert_not(auth_csrf_ok(&v, NULL));
  char wrong[AUTH_TOKEN_LEN + 1];
  memcpy(wrong, u.csrf, sizeof wrong);
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  cr_assert_not(auth_csrf_ok(&v, wrong));
  cr_assert_eq(auth_session(db, token, 1000 + AUTH_SESSION_SECONDS + 1, &v), -1, "a session expires");
  auth_logout(db, token);
  cr_assert_eq(auth_session(db, token, 1001, &v), -1, "logged out");
  auth_free(a);
}

Test(auth, a_login_lives_in_the_store_as_a_hash) {
  char err[300], token[AUTH_TOKEN_LEN + 1];
  long id, retry = 0;
  cr_assert_eq(auth_user_add(db, "Ann", "ann@example.org", "long enough pw", "admin", &id, err, sizeof err), 0, "%s", err);
  auth *a = auth_new();
  auth_user u, v;
  cr_assert_eq(auth_login(a, db, "ann@example.org", "long enough pw", "1.2.3.4", 1000, token, &u, &retry), 0);
  auth_free(a);   /* the server stops: nothing of the login was in it */
  store_rows r;
  cr_assert_eq(store_exec(db, "SELECT token_hash, csrf, address, expires FROM login", NULL, &r), 0);
  cr_assert_eq(r.nrow, 1);
  cr_assert_str_neq(store_cell(&r, 0, 0), token, "the token itself is not stored");
  cr_assert_eq(strlen(store_cell(&r, 0, 0)), 64);
  cr_assert_str_eq(store_cell(&r, 0, 1), u.csrf);
  cr_assert_str_eq(store_cell(&r, 0, 2), "1.2.3.4");
  cr_assert_eq(atof(store_cell(&r, 0, 3)), 1000 + AUTH_SESSION_SECONDS);
  store_rows_free(&r);
  store_close(db);   /* and the database is opened again */
  char path[128];
  snprintf(path, sizeof path, "%s/t.db", dir);
  cr_assert_eq(store_open(&db, path, err, sizeof err), 0, "%s", err);
  cr_assert_eq(auth_session(db, token, 2000, &v), 0, "the login works after a restart");
  cr_assert_eq(v.id, id);
  cr_assert_str_eq(v.csrf, u.csrf);
  /* expired rows are pruned by the next login */
  cr_assert_eq(auth_start(db, id, "5.6.7.8", 1000 + AUTH_SESSION_SECONDS + 5, token, &u), 0);
  long n = 0;
  cr_assert_eq(store_exec_long(db, "SELECT COUNT(*) FROM login", NULL, &n), 0);
  cr_assert_eq(n, 1, "the expired login was pruned");
}

Test(auth, sessions_are_capped_per_user_never_evicting_another) {
  char err[300], tb[AUTH_TOKEN_LEN + 1], first[AUTH_TOKEN_LEN + 1], t[AUTH_TOKEN_LEN + 1];
  long ann, bo;
  cr_assert_eq(auth_user_add(db, "Ann", "ann@example.org", "long enough pw", "admin", &ann, err, sizeof err), 0, "%s", err);
  cr_assert_eq(auth_user_add(db, "Bo", "bo@example.org", "another long pw", NULL, &bo, err, sizeof err), 0, "%s", err);
  auth_user u;
  cr_assert_eq(auth_start(db, bo, "1.1.1.1", 100, tb, &u), 0);
  cr_assert_eq(auth_start(db, ann, "1.1.1.1", 101, first, &u), 0);
  for (int i = 0; i < 1100; i++) cr_assert_eq(auth_start(db, ann, "1.1.1.1", 102 + i * 0.001, t, &u), 0);
  cr_assert_eq(auth_session(db, tb, 200, &u), 0, "Bo is still logged in");
  cr_assert_eq(auth_session(db, t, 200, &u), 0, "Ann's newest login works");
  cr_assert_eq(auth_session(db, first, 200, &u), -1, "Ann's oldest login was ended");
  long n = 0;
  cr_assert_eq(store_exec_long(db, "SELECT COUNT(*) FROM login", NULL, &n), 0);
  cr_assert_eq(n, AUTH_SESSIONS_PER_USER + 1);
}

Test(auth, password_policy) {
  char err[300];
  static const char *const refused[] = {"password", "password123", "          ", "Summer2024", "PASSWORD1234",
                                        "qwertyuiop", "1234567890", "iloveyou12", "letmein!!!!", "\t \t \t \t \t "};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    err[0] = 0;
    cr_expect_eq(auth_password_ok(refused[i], err, sizeof err), RECORD_EBAD, "\"%s\" accepted", refused[i]);
    cr_expect(err[0], "a reason for \"%s\"", refused[i]);
  }
  cr_expect_eq(auth_password_ok("short", err, sizeof err), RECORD_EBAD);
  cr_expect(strstr(err, "at least 10 characters"), "%s", err);
  cr_expect_eq(auth_password_ok("Summer2024", err, sizeof err), RECORD_EBAD);
  cr_expect(strstr(err, "common passwords"), "%s", err);
  cr_expect_null(strstr(err, "Summer"), "the password is not echoed: %s", err);
  cr_expect_eq(auth_password_ok("          ", err, sizeof err), RECORD_EBAD);
  cr_expect(strstr(err, "only spaces"), "%s", err);
  cr_expect_eq(auth_password_ok("violet tractor on the moor", err, sizeof err), 0, "%s", err);
  cr_expect_eq(auth_password_ok("summer in lisbon 2024", err, sizeof err), 0, "%s", err);
}

Test(auth, limiter_never_forgets_a_locked_account) {
  char err[300], token[AUTH_TOKEN_LEN + 1];
  long id, retry = 0;
  cr_assert_eq(auth_user_add(db, "Bo", "bo@example.org", "the right one", NULL, &id, err, sizeof err), 0, "%s", err);
  auth_user u;
  auth_attempt t;
  for (int i = 0; i < AUTH_FAIL_LIMIT; i++) {
    cr_assert_eq(auth_login_check(db, "bo@example.org", "10.0.0.1", 100 + i, &t, &retry), 0);
    cr_assert_eq(auth_login_failed(db, &t, 100 + i), 0);
    cr_assert_eq(t.first, i == 0, "the first failure of the key is the one to audit");
  }
  /* 5,000 junk failures from 1,000 other addresses (no hashing needed to count them) */
  for (int i = 0; i < 5000; i++) {
    char ip[32], em[64];
    snprintf(ip, sizeof ip, "10.1.%d.%d", i / 5 / 250, i / 5 % 250);
    snprintf(em, sizeof em, "junk%d@example.org", i);
    int rc = auth_login_check(db, em, ip, 110 + i * 0.01, &t, &retry);
    cr_assert(rc == 0 || rc == AUTH_ELIMITED);
    if (!rc) cr_assert_eq(auth_login_failed(db, &t, 110 + i * 0.01), 0);
  }
  auth *a = auth_new();
  cr_assert_eq(auth_login(a, db, "bo@example.org", "the right one", "10.0.0.9", 300, token, &u, &retry), AUTH_ELIMITED,
               "still locked");
  auth_free(a);
}

Test(auth, disabled_accounts_and_password_changes_end_sessions) {
  char err[300], t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1], tb[AUTH_TOKEN_LEN + 1];
  long ann, bo;
  cr_assert_eq(auth_user_add(db, "Ann", "ann@example.org", "long enough pw", "admin", &ann, err, sizeof err), 0, "%s", err);
  cr_assert_eq(auth_user_add(db, "Bo", "bo@example.org", "another long pw", NULL, &bo, err, sizeof err), 0, "%s", err);
  auth_user ua, u;
  cr_assert_eq(auth_start(db, ann, "", 100, t1, &ua), 0);
  cr_assert_eq(auth_start(db, ann, "", 100, t2, &u), 0);
  cr_assert_eq(auth_start(db, bo, "", 100, tb, &u), 0);
  cr_assert_eq(auth_user_disable(db, &ua, ann, 1, err, sizeof err), RECORD_EBAD, "not oneself");
  cr_assert_eq(auth_user_disable(db, NULL, ann, 1, err, sizeof err), RECORD_EBAD, "not the last admin");
  cr_assert(strstr(err, "last admin"), "%s", err);
  cr_assert_eq(auth_user_disable(db, &ua, 999, 1, err, sizeof err), RECORD_ENOTFOUND);
  cr_assert_eq(auth_user_disable(db, &ua, bo, 1, err, sizeof err), 0, "%s", err);
  cr_assert_eq(auth_session(db, tb, 101, &u), -1, "a disabled account's session ends at once");
  cr_assert_eq(auth_start(db, bo, "", 102, tb, &u), AUTH_EDISABLED);
  long n = 0;
  cr_assert_eq(auth_count(db, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_eq(auth_user_disable(db, &ua, bo, 0, err, sizeof err), 0, "%s", err);
  cr_assert_eq(auth_start(db, bo, "", 103, tb, &u), 0, "enabled again");
  char hash[128];
  cr_assert_eq(auth_hash("a brand new secret", hash, sizeof hash, err, sizeof err), 0, "%s", err);
  cr_assert_eq(auth_password_set(db, ann, hash, t1), 0);
  cr_assert_eq(auth_session(db, t1, 104, &u), 0, "the session that changed it stays");
  cr_assert_eq(auth_session(db, t2, 104, &u), -1, "the other session ended");
  cr_assert_eq(auth_session(db, tb, 104, &u), 0, "another user's session stays");
  cr_assert_eq(auth_password_set(db, 999, hash, NULL), RECORD_ENOTFOUND);
}

Test(auth, setup_codes) {
  char code[AUTH_SETUP_CODE_LEN + 1];
  cr_assert_eq(auth_setup_code(db, 1000, code), 0);
  cr_assert_eq(strlen(code), 19);
  cr_assert_eq(code[4], '-');
  cr_assert_eq(auth_setup_code_ok(db, code, 1001), 1);
  char low[32];
  for (int i = 0; code[i]; i++) low[i] = (char)(code[i] == '-' ? ' ' : code[i] | 0x20);
  low[19] = 0;
  cr_assert_eq(auth_setup_code_ok(db, low, 1001), 1, "any case, spaces for dashes");
  cr_assert_eq(auth_setup_code_ok(db, "AAAA-AAAA-AAAA-AAAA", 1001), 0);
  cr_assert_eq(auth_setup_code_ok(db, "", 1001), 0);
  cr_assert_eq(auth_setup_code_ok(db, NULL, 1001), 0);
  cr_assert_eq(auth_setup_code_ok(db, code, 1000 + AUTH_SETUP_CODE_SECONDS + 1), 0, "it expires");
  cr_assert_eq(auth_setup_done(db), 0);
  cr_assert_eq(auth_setup_code_ok(db, code, 1001), 0, "used up");
}

Test(auth, audit_filters_and_pages) {
  char err[300];
  long ann;
  cr_assert_eq(auth_user_add(db, "Ann", "ann@example.org", "long enough pw", "admin", &ann, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < 25; i++) cr_assert_eq(auth_audit(db, i % 2 ? ann : 0, i % 3 ? "read" : "login", i % 5 + 1, "x"), 0);
  auth_audit_query q = {.limit = 10};
  long seen = 0, last = 1L << 40;
  int pages = 0;
  for (;;) {
    buf out;
    buf_init(&out);
    cr_assert_eq(auth_audit_list(db, &q, &out), 0);
    json_t *j = json_loadb(out.data, out.len, 0, NULL), *e;
    cr_assert_not_null(j, "%s", out.data);
    size_t i;
    json_array_foreach(json_object_get(j, "audit"), i, e) {
      long id = (long)json_integer_value(json_object_get(e, "id"));
      cr_assert_lt(id, last, "newest first, no repeats");
      last = id;
      seen++;
    }
    pages++;
    json_t *nx = json_object_get(j, "next");
    q.before = json_is_integer(nx) ? (long)json_integer_value(nx) : 0;
    json_decref(j);
    buf_free(&out);
    if (!q.before) break;
  }
  cr_assert_eq(seen, 25);
  cr_assert_eq(pages, 3);
  auth_audit_query f = {.user = ann, .action = "read", .client = 2, .limit = 100};
  buf out;
  buf_init(&out);
  cr_assert_eq(auth_audit_list(db, &f, &out), 0);
  json_t *j = json_loadb(out.data, out.len, 0, NULL), *e;
  size_t i, n = 0;
  json_array_foreach(json_object_get(j, "audit"), i, e) {
    cr_assert_str_eq(json_string_value(json_object_get(e, "action")), "read");
    cr_assert_eq(json_integer_value(json_object_get(e, "client")), 2);
    cr_assert_eq(json_integer_value(json_object_get(e, "user_id")), ann);
    n++;
  }
  /* i = 1..24 odd, i%3 != 0, i%5 == 1: 1, 11 */
  cr_assert_eq(n, 2, "%s", out.data);
  json_decref(j);
  buf_reset(&out);
  char today[11], tomorrow[11] = "2999-01-01";
  util_today(today);
  auth_audit_query d = {.from = today, .to = today, .limit = 1000};
  cr_assert_eq(auth_audit_list(db, &d, &out), 0);
  j = json_loadb(out.data, out.len, 0, NULL);
  cr_assert_eq(json_array_size(json_object_get(j, "audit")), 25, "today, the whole day");
  json_decref(j);
  buf_reset(&out);
  auth_audit_query later = {.from = tomorrow, .limit = 1000};
  cr_assert_eq(auth_audit_list(db, &later, &out), 0);
  j = json_loadb(out.data, out.len, 0, NULL);
  cr_assert_eq(json_array_size(json_object_get(j, "audit")), 0);
  json_decref(j);
  buf_free(&out);
}

Test(auth, limiter_locks_after_five_failures_for_the_window) {
  char err[300], token[AUTH_TOKEN_LEN + 1];
  long id, retry = 0;
  cr_assert_eq(auth_user_add(db, "Bo", "bo@example.org", "the right one", NULL, &id, err, sizeof err), 0, "%s", err);
  auth *a = auth_new();
  auth_user u;
  for (int i = 0; i < AUTH_FAIL_LIMIT; i++)
    cr_assert_eq(auth_login(a, db, "bo@example.org", "guess", "10.0.0.1", 100 + i, token, &u, &retry), AUTH_EDENIED);
  cr_assert_eq(auth_login(a, db, "bo@example.org", "the right one", "10.0.0.2", 110, token, &u, &retry), AUTH_ELIMITED,
               "the email is locked from any address");
  cr_assert(retry > 0 && retry <= AUTH_FAIL_WINDOW, "retry after %ld s", retry);
  cr_assert_eq(auth_login(a, db, "other@example.org", "x", "10.0.0.1", 111, token, &u, &retry), AUTH_ELIMITED,
               "the address is locked for any email");
  cr_assert_eq(auth_login(a, db, "bo@example.org", "the right one", "10.0.0.2", 100 + AUTH_FAIL_WINDOW + 1, token, &u, &retry), 0,
               "the lock ends with the window");
  auth_free(a);
}

Test(auth, therapists_see_their_own_clients_and_the_audit_records_it) {
  char err[300];
  long ann, bo, c1;
  cr_assert_eq(auth_user_add(db, "Ann", "ann@example.org", "password one", "admin", &ann, err, sizeof err), 0);
  cr_assert_eq(auth_user_add(db, "Bo", "bo@example.org", "password two", NULL, &bo, err, sizeof err), 0);
  record_client c;
  record_client_init(&c);
  c.name = "Cy Client";
  c.birth = "1970-01-02";
  c.therapist = bo;
  cr_assert_eq(record_client_add(db, k, &c, &c1, err, sizeof err), 0, "%s", err);
  auth_user ua = {.id = ann, .admin = 1}, ub = {.id = bo}, uc = {.id = 99};
  cr_assert_eq(auth_can_see(db, &ua, c1), 0);
  cr_assert_eq(auth_can_see(db, &ub, c1), 0);
  cr_assert_eq(auth_can_see(db, &uc, c1), AUTH_EFORBIDDEN);
  cr_assert_eq(auth_can_see(db, &ub, c1 + 5), RECORD_ENOTFOUND);
  cr_assert_eq(auth_audit(db, bo, "read", c1, "/api/clients/1"), 0);
  buf out;
  buf_init(&out);
  auth_audit_query q = {.limit = 10};
  cr_assert_eq(auth_audit_list(db, &q, &out), 0);
  json_t *j = json_loadb(out.data, out.len, 0, NULL);
  cr_assert_not_null(j, "%s", out.data);
  json_t *e = json_array_get(json_object_get(j, "audit"), 0);
  cr_assert_str_eq(json_string_value(json_object_get(e, "user")), "bo@example.org");
  cr_assert_str_eq(json_string_value(json_object_get(e, "action")), "read");
  cr_assert_eq(json_integer_value(json_object_get(e, "client")), c1);
  json_decref(j);
  buf_free(&out);
}

/* A plan input with upper trapezius TrP1 on the left. */
static void one_point(plan_input *in) {
  memset(in, 0, sizeof *in);
  in->points[0].tp = kb_find_tp(k, "upper-trapezius-tp1");
  in->points[0].side = BODY_L;
  in->n_points = 1;
}

/* The first timed step (1-based) of session id's plan, read from its state. */
static int first_timed(live_set *ls, const char *id) {
  buf st;
  buf_init(&st);
  cr_assert_eq(live_state(ls, id, 0, &st), 0);
  json_t *j = json_loadb(st.data, st.len, 0, NULL);
  cr_assert_not_null(j);
  json_t *steps = json_object_get(json_object_get(j, "plan"), "steps"), *s;
  size_t i;
  int n = 0;
  json_array_foreach(steps, i, s) if (!n && json_is_true(json_object_get(s, "timed"))) n = (int)json_integer_value(json_object_get(s, "n"));
  json_decref(j);
  buf_free(&st);
  cr_assert(n > 0);
  return n;
}

/* A therapist and a client in the test database (the sessions' rows refer to both). */
static void people(long *therapist, long *client) {
  cr_assert_eq(store_exec_long(db, "INSERT INTO therapist (name, email, role, created) VALUES "
                                   "('Tess', 'tess@example.org', 'therapist', '2026-12-01') RETURNING id", NULL, therapist), 0);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, *therapist);
  cr_assert_eq(store_exec_long(db, "INSERT INTO client (therapist_id, name, birth, created, updated) VALUES "
                                   "($1, 'Ann Lee', '1980-04-02', '2026-12-01', '2026-12-01') RETURNING id", &a, client), 0,
               "%s", store_error(db));
}

Test(live, a_hold_runs_on_the_clock_and_the_events) {
  long ther, cl;
  people(&ther, &cl);
  live_set *ls = live_new(k, db);
  plan_input in;
  one_point(&in);
  char id[LIVE_ID_LEN + 1], token[LIVE_ID_LEN + 1], err[300];
  double t0 = (double)time(NULL) - 60;   /* a visit may not be in the future; live_poll ticks at the wall clock */
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, NULL, NULL, t0, id, token, err, sizeof err), 0, "%s", err);
  cr_assert_str_neq(id, token);
  long client, th;
  cr_assert_eq(live_owner(ls, id, &client, &th), 0);
  cr_assert_eq(client, cl);
  cr_assert_eq(th, ther);
  char tok2[LIVE_ID_LEN + 1], id2[LIVE_ID_LEN + 1];
  cr_assert_eq(live_token(ls, id, tok2), 0);
  cr_assert_str_eq(tok2, token);
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, NULL, NULL, t0, id2, tok2, err, sizeof err), LIVE_EOPEN, "a second one asks first");
  cr_assert_str_eq(id2, id, "and names the open one");
  buf out;
  buf_init(&out);
  cr_assert_eq(live_event(ls, id, "good", -1, 0, t0 + 1, &out, err, sizeof err), LIVE_EBAD, "no hold running");
  int step = first_timed(ls, id);
  cr_assert_eq(live_hold(ls, id, 1000, t0 + 2, err, sizeof err), LIVE_EBAD);
  cr_assert_eq(live_hold(ls, id, step, t0 + 2, err, sizeof err), 0, "%s", err);
  buf_reset(&out);
  cr_assert_eq(live_event(ls, id, "feedback", 9, 0, t0 + 5, &out, err, sizeof err), 0, "%s", err);
  cr_assert(strstr(out.data, "\"ease-off\""), "9/10 means ease off: %s", out.data);
  cr_assert_eq(live_event(ls, id, "feedback", 11, 0, t0 + 6, &out, err, sizeof err), LIVE_EBAD);
  cr_assert_eq(live_event(ls, id, "shout", -1, 0, t0 + 6, &out, err, sizeof err), LIVE_EBAD);
  /* the phone: its six events only */
  long pc = 0;
  cr_assert_eq(live_phone_event(ls, token, "sharp", -1, t0 + 7, &pc, err, sizeof err), LIVE_EBAD);
  cr_assert_eq(live_phone_event(ls, token, "feedback", 5, t0 + 8, &pc, err, sizeof err), 0, "%s", err);
  cr_assert_eq(pc, cl);
  cr_assert_eq(live_phone_event(ls, "0123456789abcdef0123456789abcdef", "good", -1, t0 + 8, &pc, err, sizeof err), LIVE_ENOTFOUND);
  /* the clock: nothing for more than 10 s after the last rating asks for one */
  buf_reset(&out);
  unsigned long cursor = 0;
  cr_assert_eq(live_state(ls, id, t0 + 25, &out), 0);
  buf_reset(&out);
  cr_assert_eq(live_poll(ls, id, &cursor, &out), 0);
  cr_assert(strstr(out.data, "event: hold"), "%s", out.data);
  cr_assert(strstr(out.data, "event: phone"), "%s", out.data);
  cr_assert(strstr(out.data, "\"from\":\"phone\""), "%s", out.data);
  cr_assert(strstr(out.data, "\"advice\":\"ask\""), "%s", out.data);
  buf_reset(&out);
  cr_assert_eq(live_poll(ls, id, &cursor, &out), 0);
  cr_assert_eq(out.len, 0, "nothing new: %s", out.data ? out.data : "");
  cr_assert_eq(live_event(ls, id, "released", -1, 0, t0 + 40, &out, err, sizeof err), 0, "%s", err);
  cr_assert_eq(live_pain(ls, id, 0, 6, NULL, NULL, NULL, t0 + 41, err, sizeof err), 0);
  cr_assert_eq(live_pain(ls, id, 1, 11, NULL, NULL, NULL, t0 + 41, err, sizeof err), LIVE_EBAD);
  cr_assert_eq(live_pain(ls, id, 1, 3, "rotation 60 -> 75", NULL, "less headache", t0 + 42, err, sizeof err), 0);
  long visit = 0;
  cr_assert_eq(live_end(ls, id, t0 + 60, &visit, err, sizeof err), 0, "%s", err);
  cr_assert(visit > 0);
  cr_assert_eq(live_end(ls, id, t0 + 61, &visit, err, sizeof err), LIVE_EGONE);
  cr_assert_eq(live_phone_event(ls, token, "good", -1, t0 + 62, &pc, err, sizeof err), LIVE_ENOTFOUND, "the link dies with the session");
  cr_assert_eq(live_token(ls, id, tok2), LIVE_EGONE);
  /* the stored visit's log, its plan derived again from the kb version it names */
  buf lb;
  buf_init(&lb);
  cr_assert_eq(record_visit_log(db, k, visit, 1, &lb, err, sizeof err), 0, "%s", err);
  json_t *j = json_loads(lb.data, 0, NULL);
  buf_free(&lb);
  cr_assert(json_is_array(json_object_get(json_object_get(j, "plan"), "steps")) ||
            json_is_object(json_object_get(j, "plan")), "the plan is there again");
  json_t *h = json_array_get(json_object_get(j, "holds"), 0);
  cr_assert_str_eq(json_string_value(json_object_get(h, "outcome")), "released");
  cr_assert_float_eq(json_number_value(json_object_get(h, "seconds")), 38.0, 0.01);
  cr_assert_eq(json_integer_value(json_object_get(j, "pain_pre")), 6);
  cr_assert_eq(json_integer_value(json_object_get(j, "pain_post")), 3);
  json_decref(j);
  buf_free(&out);
  live_free(ls);
}

Test(live, a_restart_rebuilds_the_same_session_from_the_store) {
  long ther, cl;
  people(&ther, &cl);
  live_set *ls = live_new(k, db);
  plan_input in;
  one_point(&in);
  char id[LIVE_ID_LEN + 1], token[LIVE_ID_LEN + 1], err[300];
  double t0 = (double)time(NULL) - 60;   /* a visit may not be in the future; live_poll ticks at the wall clock */
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, NULL, NULL, t0, id, token, err, sizeof err), 0, "%s", err);
  int step = first_timed(ls, id);
  cr_assert_eq(live_pain(ls, id, 0, 7, NULL, NULL, NULL, t0 + 1, err, sizeof err), 0);
  cr_assert_eq(live_hold(ls, id, step, t0 + 2, err, sizeof err), 0, "%s", err);
  long pc;
  cr_assert_eq(live_phone_event(ls, token, "feedback", 6, t0 + 4, &pc, err, sizeof err), 0, "%s", err);
  cr_assert_eq(live_event(ls, id, "referral", -1, 0, t0 + 5, NULL, err, sizeof err), 0, "%s", err);
  buf before, after;
  buf_init(&before);
  buf_init(&after);
  cr_assert_eq(live_state(ls, id, t0 + 20, &before), 0);   /* 15 s without a rating: an ask, stored as a tick */
  live_free(ls);
  ls = live_new(k, db);   /* the server restarted: nothing in memory */
  cr_assert_eq(live_state(ls, id, t0 + 20, &after), 0);
  cr_assert_str_eq(after.data, before.data, "the same state after a restart");
  cr_assert(strstr(after.data, "\"last\":6"), "%s", after.data);
  buf_reset(&after);
  cr_assert_eq(live_list(ls, ther, t0 + 21, &after, err, sizeof err), 0);
  cr_assert(strstr(after.data, id) && strstr(after.data, "\"client_name\":\"Ann Lee\""), "%s", after.data);
  /* a cancel keeps no visit and kills the link */
  cr_assert_eq(live_cancel(ls, id, "test", t0 + 30, err, sizeof err), 0, "%s", err);
  cr_assert_eq(live_phone_event(ls, token, "good", -1, t0 + 31, &pc, err, sizeof err), LIVE_ENOTFOUND);
  long n = -1;
  cr_assert_eq(store_exec_long(db, "SELECT COUNT(*) FROM visit", NULL, &n), 0);
  cr_assert_eq(n, 0);
  buf_free(&before);
  buf_free(&after);
  live_free(ls);
}

Test(live, a_point_stopped_for_tingling_is_not_held_again) {
  long ther, cl;
  people(&ther, &cl);
  live_set *ls = live_new(k, db);
  plan_input in;
  one_point(&in);
  char id[LIVE_ID_LEN + 1], token[LIVE_ID_LEN + 1], err[300];
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, NULL, NULL, 100, id, token, err, sizeof err), 0, "%s", err);
  int step = first_timed(ls, id);
  cr_assert_eq(live_hold(ls, id, step, 100, err, sizeof err), 0);
  cr_assert_eq(live_event(ls, id, "tingling", -1, 0, 105, NULL, err, sizeof err), 0);
  cr_assert_eq(live_hold(ls, id, step, 110, err, sizeof err), LIVE_EBAD);
  cr_assert(strstr(err, "should not be done today"), "%s", err);
  live_free(ls);
}

/* Issue 12: consent for a sensitive area, the clearing of a refer screen and the phone's pause
** are stored commands: refused holds change nothing, and a restart rebuilds them all. */
Test(live, consent_clearing_and_pause_survive_a_restart) {
  long ther, cl;
  people(&ther, &cl);
  live_set *ls = live_new(k, db);
  plan_input in;
  memset(&in, 0, sizeof in);
  in.points[0].tp = kb_find_tp(k, "gluteus-maximus-tp2");
  in.points[0].side = BODY_L;
  in.n_points = 1;
  cr_assert_geq(in.points[0].tp, 0);
  char id[LIVE_ID_LEN + 1], token[LIVE_ID_LEN + 1], err[300];
  double t0 = (double)time(NULL) - 120;
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, "Dr Amy Chen, GP", "Fever with pain.", t0, id, token, err, sizeof err), 0, "%s", err);
  int step = first_timed(ls, id), gluteal = kb_find_term(k, KB_SENSITIVE, "gluteal");
  cr_assert_geq(gluteal, 0);
  cr_assert_eq(live_hold(ls, id, step, t0 + 1, err, sizeof err), LIVE_ECONSENT);
  cr_assert(strstr(err, "gluteal area"), "%s", err);
  buf need;
  buf_init(&need);
  cr_assert_eq(live_consent_needed(ls, id, step, &need), 0);
  cr_assert_str_eq(need.data, "[\"gluteal\"]");
  long pc;
  cr_assert_eq(live_phone_event(ls, token, "stop", -1, t0 + 2, &pc, err, sizeof err), 0, "%s", err);
  cr_assert_eq(live_consent(ls, id, &gluteal, 1, 0, 0, t0 + 3, err, sizeof err), 0, "%s", err);
  int bad = 99;
  cr_assert_eq(live_consent(ls, id, &bad, 1, 0, 0, t0 + 3, err, sizeof err), LIVE_EBAD);
  buf before, after;
  buf_init(&before);
  buf_init(&after);
  cr_assert_eq(live_state(ls, id, t0 + 4, &before), 0);
  cr_assert(strstr(before.data, "\"paused\":true"), "%s", before.data);
  cr_assert(strstr(before.data, "\"consented\":[\"gluteal\"]"), "%s", before.data);
  cr_assert(strstr(before.data, "\"cleared\":{\"by\":\"Dr Amy Chen, GP\""), "%s", before.data);
  live_free(ls);
  ls = live_new(k, db);   /* a restart */
  cr_assert_eq(live_state(ls, id, t0 + 4, &after), 0);
  cr_assert_str_eq(after.data, before.data, "the same consent, clearing and pause after a restart");
  cr_assert_eq(live_hold(ls, id, step, t0 + 5, err, sizeof err), 0, "%s", err);
  buf_reset(&after);
  cr_assert_eq(live_state(ls, id, t0 + 6, &after), 0);
  cr_assert(strstr(after.data, "\"paused\":false"), "the hold clears the pause: %s", after.data);
  cr_assert_eq(live_consent(ls, id, &gluteal, 1, 0, 1, t0 + 7, err, sizeof err), 0, "%s", err);
  buf_reset(&after);
  cr_assert_eq(live_state(ls, id, t0 + 8, &after), 0);
  cr_assert(strstr(after.data, "\"hold\":null"), "a withdrawal ends the hold there: %s", after.data);
  cr_assert(strstr(after.data, "\"outcome\":\"interrupted\""), "%s", after.data);
  cr_assert_eq(live_hold(ls, id, step, t0 + 9, err, sizeof err), LIVE_ECONSENT, "refused again");
  long visit = 0;
  cr_assert_eq(live_end(ls, id, t0 + 10, &visit, err, sizeof err), 0, "%s", err);
  buf stored;   /* the stored log, through record_visit_log (it is kept compressed) */
  buf_init(&stored);
  cr_assert_eq(record_visit_log(db, k, visit, 0, &stored, err, sizeof err), 0, "%s", err);
  json_t *j = json_loads(stored.data, 0, NULL);
  buf_free(&stored);
  json_t *c = json_object_get(j, "consent");
  cr_assert_eq(json_array_size(c), 2, "given and withdrawn, in order");
  cr_assert_str_eq(json_string_value(json_object_get(json_array_get(c, 0), "how")), "verbal");
  cr_assert(json_is_true(json_object_get(json_array_get(c, 1), "withdrawn")));
  cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "cleared"), "by")), "Dr Amy Chen, GP");
  json_decref(j);
  buf_free(&need);
  buf_free(&before);
  buf_free(&after);
  live_free(ls);
}

/* ---- api_handle ---------------------------------------------------------------------------- */

static void call(api *a, const char *method, const char *path, const char *body, const char *cookie, const char *csrf,
                 api_resp *rs) {
  api_req rq = {.method = method, .path = path, .body = body, .body_len = body ? strlen(body) : 0,
                .content_type = body ? "application/json" : NULL, .cookie = cookie, .csrf = csrf,
                .host = "127.0.0.1:8080", .ip = "127.0.0.1", .now = 2e9};
  api_handle(a, &rq, rs);
}

static const char *code_of(api_resp *rs) {
  static char code[64];
  json_t *j = json_loadb(rs->body.data, rs->body.len, 0, NULL);
  snprintf(code, sizeof code, "%s", j ? json_string_value(json_object_get(json_object_get(j, "error"), "code")) ?: "" : "not json");
  json_decref(j);
  return code;
}

Test(api, routes_errors_and_the_first_account) {
  api *a = api_new(k, db, NULL);
  cr_assert_not_null(a);
  api_resp rs;
  call(a, "GET", "/api/muscles", NULL, NULL, NULL, &rs);
  cr_assert_eq(rs.status, 401);
  cr_assert_str_eq(code_of(&rs), "unauthenticated");
  buf_free(&rs.body);
  call(a, "GET", "/api/regions", NULL, NULL, NULL, &rs);
  cr_assert_eq(rs.status, 200, "the regions are public: the client's phone draws its intake on them");
  buf_free(&rs.body);
  call(a, "GET", "/api/nothing", NULL, NULL, NULL, &rs);
  cr_assert_eq(rs.status, 404);
  buf_free(&rs.body);
  call(a, "DELETE", "/api/where", NULL, NULL, NULL, &rs);
  cr_assert_eq(rs.status, 405);
  buf_free(&rs.body);
  call(a, "POST", "/api/setup", "{\"name\":\"Ann\",\"email\":\"ann@example.org\",\"password\":\"pw pw pw pw\"", NULL, NULL, &rs);
  cr_assert_eq(rs.status, 400, "malformed JSON");
  cr_assert_str_eq(code_of(&rs), "bad-request");
  buf_free(&rs.body);
  call(a, "POST", "/api/setup", "{\"name\":\"Ann\",\"email\":\"ann@example.org\",\"password\":\"pw pw pw pw\"}", NULL, NULL, &rs);
  cr_assert_eq(rs.status, 200, "%s", rs.body.data);
  cr_assert(strstr(rs.cookie, "HttpOnly") && strstr(rs.cookie, "SameSite=Strict"), "%s", rs.cookie);
  char cookie[AUTH_TOKEN_LEN + 1];
  snprintf(cookie, sizeof cookie, "%.64s", rs.cookie + strlen("myomap_session="));
  json_t *j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
  char csrf[AUTH_TOKEN_LEN + 1];
  snprintf(csrf, sizeof csrf, "%s", json_string_value(json_object_get(j, "csrf")));
  json_decref(j);
  buf_free(&rs.body);
  call(a, "POST", "/api/setup", "{\"name\":\"Eve\",\"email\":\"eve@example.org\",\"password\":\"pw pw pw pw\"}", NULL, NULL, &rs);
  cr_assert_eq(rs.status, 409, "only one first account");
  buf_free(&rs.body);
  const char *where = "{\"pain\":[{\"region\":\"temple-l\",\"intensity\":6}],\"top\":3}";
  call(a, "POST", "/api/where", where, cookie, NULL, &rs);
  cr_assert_eq(rs.status, 403);
  cr_assert_str_eq(code_of(&rs), "csrf");
  buf_free(&rs.body);
  call(a, "POST", "/api/where", where, cookie, csrf, &rs);
  cr_assert_eq(rs.status, 200, "%s", rs.body.data);
  j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
  cr_assert_not_null(j, "%s", rs.body.data);
  json_t *cands = json_object_get(j, "candidates"), *zones = json_object_get(j, "zones");
  cr_assert_eq(json_array_size(cands), 3);
  for (size_t i = 0; i < 3; i++) {
    json_t *c = json_array_get(cands, i);
    char key[160];
    snprintf(key, sizeof key, "%s:%s", json_string_value(json_object_get(c, "trigger_point")),
             json_string_value(json_object_get(c, "side")));
    json_t *z = json_object_get(zones, key);
    cr_assert_not_null(z, "zones for %s", key);
    cr_assert(json_array_size(json_object_get(z, "essential")) > 0);
    cr_assert(json_is_string(json_object_get(z, "at")));
  }
  json_decref(j);
  buf_free(&rs.body);
  call(a, "POST", "/api/where", "{\"pain\":[{\"region\":\"temple-x\",\"intensity\":6}]}", cookie, csrf, &rs);
  cr_assert_eq(rs.status, 400);
  cr_assert(strstr(rs.body.data, "temple-x"), "%s", rs.body.data);
  buf_free(&rs.body);
  call(a, "POST", "/api/where", "[1,2]", cookie, csrf, &rs);
  cr_assert_eq(rs.status, 400);
  buf_free(&rs.body);
  api_free(a);
}

/* The same request with a given Host. */
static void call_host(api *a, const char *method, const char *path, const char *body, const char *cookie,
                      const char *csrf, const char *host, api_resp *rs) {
  api_req rq = {.method = method, .path = path, .body = body, .body_len = body ? strlen(body) : 0,
                .content_type = body ? "application/json" : NULL, .cookie = cookie, .csrf = csrf,
                .host = host, .ip = "127.0.0.1", .now = 2e9};
  api_handle(a, &rq, rs);
}

/* The join link of a new session started with `host`, as the JSON answer gives it (parsed). */
static void join_with(api *a, const char *cookie, const char *csrf, long client, const char *host, char *url, size_t n) {
  char body[200];
  snprintf(body, sizeof body, "{\"client\":%ld,\"another\":true,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}", client);
  api_resp rs;
  call_host(a, "POST", "/api/sessions", body, cookie, csrf, host, &rs);
  cr_assert_eq(rs.status, 200, "%s", rs.body.data);
  json_t *j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
  cr_assert_not_null(j, "the answer is JSON whatever the Host: %s", rs.body.data);
  const char *u = json_string_value(json_object_get(json_object_get(j, "join"), "url"));
  const char *t = json_string_value(json_object_get(json_object_get(j, "join"), "token"));
  cr_assert(u && t);
  snprintf(url, n, "%s", u);
  char *p = strstr(url, t);
  cr_assert(p && p >= url + 3 && !strncmp(p - 3, "/p/", 3) && !p[strlen(t)], "the url ends in /p/TOKEN: %s", url);
  p[-3] = 0;   /* keep the base */
  json_decref(j);
  buf_free(&rs.body);
}

Test(api, over_https_the_cookie_is_secure_and_the_join_link_never_copies_a_strange_host) {
  api *a = api_new(k, db, NULL);
  cr_assert_not_null(a);
  api_set_secure(a, 1);
  api_resp rs;
  call(a, "POST", "/api/setup", "{\"name\":\"Ann\",\"email\":\"ann@example.org\",\"password\":\"pw pw pw pw\"}", NULL, NULL, &rs);
  cr_assert_eq(rs.status, 200, "%s", rs.body.data);
  cr_assert(strstr(rs.cookie, "; Secure"), "%s", rs.cookie);
  char cookie[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
  snprintf(cookie, sizeof cookie, "%.64s", rs.cookie + strlen("myomap_session="));
  json_t *j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
  snprintf(csrf, sizeof csrf, "%s", json_string_value(json_object_get(j, "csrf")));
  json_decref(j);
  buf_free(&rs.body);
  call(a, "POST", "/api/clients", "{\"name\":\"Bo\",\"birth\":\"1980-01-01\",\"consent\":true}", cookie, csrf, &rs);
  cr_assert_eq(rs.status, 200, "%s", rs.body.data);
  j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
  long client = (long)json_integer_value(json_object_get(j, "id"));
  json_decref(j);
  buf_free(&rs.body);
  char url[300];
  join_with(a, cookie, csrf, client, "clinic.local:8443", url, sizeof url);
  cr_assert_str_eq(url, "https://clinic.local:8443");
  join_with(a, cookie, csrf, client, "a\"b<c>\x0b\x85:1", url, sizeof url);
  cr_assert_str_eq(url, "https://127.0.0.1:8080", "a Host with quotes, <, > and control bytes is never copied");
  api_free(a);

  a = api_new(k, db, "https://x\"<y>");   /* a strange --public-url is escaped, not trusted to be plain */
  call(a, "POST", "/api/login", "{\"email\":\"ann@example.org\",\"password\":\"pw pw pw pw\"}", NULL, NULL, &rs);
  cr_assert_eq(rs.status, 200, "%s", rs.body.data);
  cr_assert_null(strstr(rs.cookie, "Secure"), "plain HTTP: no Secure flag: %s", rs.cookie);
  snprintf(cookie, sizeof cookie, "%.64s", rs.cookie + strlen("myomap_session="));
  j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
  snprintf(csrf, sizeof csrf, "%s", json_string_value(json_object_get(j, "csrf")));
  json_decref(j);
  buf_free(&rs.body);
  join_with(a, cookie, csrf, client, "127.0.0.1:8080", url, sizeof url);
  cr_assert_str_eq(url, "https://x\"<y>");
  api_free(a);
}
