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

static kb *k;
static store *db;
static char dir[64];

static void setup(void) {
  buf e;
  buf_init(&e);
  cr_assert_eq(kb_load_builtin(&k, &e), 0, "%s", e.data ? e.data : "");
  buf_free(&e);
  snprintf(dir, sizeof dir, "/tmp/myomap-web-XXXXXX");
  cr_assert(mkdtemp(dir));
  char path[128], err[600];
  snprintf(path, sizeof path, "%s/t.db", dir);
  cr_assert_eq(store_open(&db, path, err, sizeof err), 0, "%s", err);
}

static void teardown(void) {
  store_close(db);
  kb_free(k);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
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
  cr_assert_eq(auth_session(a, token, 1001, &v), 0);
  cr_assert_str_eq(v.csrf, u.csrf);
  cr_assert(auth_csrf_ok(&v, u.csrf));
  cr_assert_not(auth_csrf_ok(&v, NULL));
  char wrong[AUTH_TOKEN_LEN + 1];
  memcpy(wrong, u.csrf, sizeof wrong);
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  cr_assert_not(auth_csrf_ok(&v, wrong));
  cr_assert_eq(auth_session(a, token, 1000 + AUTH_SESSION_SECONDS + 1, &v), -1, "a session expires");
  auth_logout(a, token);
  cr_assert_eq(auth_session(a, token, 1001, &v), -1, "logged out");
  auth_free(a);
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
  cr_assert_eq(auth_audit_list(db, 10, &out), 0);
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
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, t0, id, token, err, sizeof err), 0, "%s", err);
  cr_assert_str_neq(id, token);
  long client, th;
  cr_assert_eq(live_owner(ls, id, &client, &th), 0);
  cr_assert_eq(client, cl);
  cr_assert_eq(th, ther);
  char tok2[LIVE_ID_LEN + 1], id2[LIVE_ID_LEN + 1];
  cr_assert_eq(live_token(ls, id, tok2), 0);
  cr_assert_str_eq(tok2, token);
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, t0, id2, tok2, err, sizeof err), LIVE_EOPEN, "a second one asks first");
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
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, t0, id, token, err, sizeof err), 0, "%s", err);
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
  cr_assert_eq(live_create(ls, cl, ther, &in, 0, 100, id, token, err, sizeof err), 0, "%s", err);
  int step = first_timed(ls, id);
  cr_assert_eq(live_hold(ls, id, step, 100, err, sizeof err), 0);
  cr_assert_eq(live_event(ls, id, "tingling", -1, 0, 105, NULL, err, sizeof err), 0);
  cr_assert_eq(live_hold(ls, id, step, 110, err, sizeof err), LIVE_EBAD);
  cr_assert(strstr(err, "should not be done today"), "%s", err);
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
  call(a, "GET", "/api/regions", NULL, NULL, NULL, &rs);
  cr_assert_eq(rs.status, 401);
  cr_assert_str_eq(code_of(&rs), "unauthenticated");
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
