/* live.c: the sessions running in the session room, their hold clocks, phone links and event
** queues, kept in the store as a log of commands per session (live.h) and cached here. */
#include "live.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "body.h"
#include "hold.h"
#include "record.h"
#include "session.h"
#include "sheet.h"

#define QUEUE 256            /* events kept per session for the watchers */
#define CACHE 128            /* sessions kept in memory (the store has them all) */

typedef struct live {
  int used;
  char id[LIVE_ID_LEN + 1], token[LIVE_ID_LEN + 1];
  long client, therapist, visit;
  double created;
  unsigned long touched;     /* for the cache: the last use */
  session s;
  int cur;                   /* index of the running hold in s.holds, or -1 */
  double t0;                 /* when it began */
  int phone;                 /* a phone has joined */
  int paused;                /* the client pressed Stop with no hold running; the next hold clears it */
  int ended, cancelled;
  long seq;                  /* commands applied (the store's count when caught up) */
  unsigned long nev;         /* events queued so far */
  char *queue[QUEUE];        /* event n % QUEUE, valid for nev - QUEUE .. nev - 1 */
} live;

struct live_set {
  const kb *k;
  store *s;
  int shared;                /* other processes may change sessions: catch up before each use */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  unsigned long gen;         /* events queued in all sessions */
  unsigned long clock;       /* cache use counter */
  live slots[CACHE];
};

static const int phone_events[] = {HOLD_EV_FEEDBACK, HOLD_EV_MORE, HOLD_EV_LESS, HOLD_EV_GOOD, HOLD_EV_RELEASED,
                                   HOLD_EV_STOP};

live_set *live_new(const kb *k, store *s) {
  if (sodium_init() < 0) return NULL;
  live_set *ls = xcalloc(1, sizeof *ls);
  ls->k = k;
  ls->s = s;
  ls->shared = store_shared(s);
  pthread_mutex_init(&ls->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&ls->cv, &ca);
  pthread_condattr_destroy(&ca);
  return ls;
}

static void drop(live *l) {
  if (l->used) session_free(&l->s);
  for (int i = 0; i < QUEUE; i++) free(l->queue[i]);
  memset(l, 0, sizeof *l);
}

void live_free(live_set *ls) {
  if (!ls) return;
  for (int i = 0; i < CACHE; i++) drop(&ls->slots[i]);
  pthread_mutex_destroy(&ls->mu);
  pthread_cond_destroy(&ls->cv);
  free(ls);
}

static void hexid(char out[LIVE_ID_LEN + 1]) {
  unsigned char raw[LIVE_ID_LEN / 2];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, LIVE_ID_LEN + 1, raw, sizeof raw);
}

/* Queue an event for the watchers (caller holds the mutex). */
static void emit(live_set *ls, live *l, const char *name, const buf *data) {
  buf e;
  buf_init(&e);
  buf_printf(&e, "id: %lu\nevent: %s\ndata: %.*s\n\n", l->nev + 1, name, (int)data->len, data->data ? data->data : "");
  int slot = (int)(l->nev % QUEUE);
  free(l->queue[slot]);
  l->queue[slot] = e.data;
  l->nev++;
  ls->gen++;
  pthread_cond_broadcast(&ls->cv);
}

static void emit_lit(live_set *ls, live *l, const char *name, const char *json) {
  buf d;
  buf_init(&d);
  buf_puts(&d, json);
  emit(ls, l, name, &d);
  buf_free(&d);
}

static double hold_t(const live *l, double now) {
  double t = now - l->t0;
  return t < 0 ? 0 : t;
}

static void advice_json(buf *b, int advice, double t) {
  buf_lit(b, "{\"advice\":");
  buf_json_str(b, hold_advice_name(advice));
  buf_lit(b, ",\"text\":");
  buf_json_str(b, hold_advice_text(advice));
  buf_lit(b, ",\"key\":");
  buf_json_str(b, hold_advice_key(advice));
  buf_printf(b, ",\"t\":%.1f}", t);
}

/* The hold at index i as JSON. */
static void hold_json(buf *b, const kb *k, const live *l, int i, double now, const char *lang) {
  const session_hold *sh = &l->s.holds[i];
  const hold *h = &sh->h;
  const plan_step *ps = &l->s.plan.steps[sh->step];
  const kb_muscle *m = kb_muscle_at(k, ps->muscle);
  buf_printf(b, "{\"step\":%d,\"phase\":", sh->step + 1);
  buf_json_str(b, plan_phase_name(ps->phase));
  buf_lit(b, ",\"muscle\":");
  buf_json_str(b, m->id);
  buf_lit(b, ",\"muscle_name\":");
  buf_json_str(b, kb_text(k, lang, "muscle", m->id, "name", m->name));
  buf_lit(b, ",\"tp\":");
  if (ps->tp >= 0) buf_json_str(b, kb_tp_at(k, ps->tp)->id); else buf_lit(b, "null");
  buf_lit(b, ",\"tp_name\":");
  if (ps->tp >= 0) buf_json_str(b, kb_tp_text(k, lang, ps->tp, "name")); else buf_lit(b, "null");
  buf_lit(b, ",\"side\":");
  buf_json_str(b, body_side_name(ps->side));
  buf_lit(b, ",\"technique\":");
  if (ps->technique >= 0) buf_json_str(b, kb_term_text(k, lang, KB_TECHNIQUE, ps->technique, "label")); else buf_lit(b, "null");
  double t = hold_done(h) ? h->t_end : (i == l->cur ? hold_t(l, now) : 0);
  buf_printf(b, ",\"hold\":[%d,%d],\"band\":[%d,%d],\"t\":%.1f,\"last\":", h->hold_min, h->hold_max, h->band_lo,
             h->band_hi, t);
  if (h->last >= 0) buf_int(b, h->last); else buf_lit(b, "null");
  buf_lit(b, ",\"outcome\":");
  buf_json_str(b, hold_done(h) ? hold_outcome_name(h->outcome) : "open");
  buf_lit(b, ",\"reason\":");
  if (hold_reason_name(h->reason)) buf_json_str(b, hold_reason_name(h->reason)); else buf_lit(b, "null");
  buf_printf(b, ",\"confirmed\":%s,\"advice\":", h->confirmed ? "true" : "false");
  if (h->n_advice) advice_json(b, h->advice[h->n_advice - 1].kind, h->advice[h->n_advice - 1].t);
  else buf_lit(b, "null");
  buf_putc(b, '}');
}

/* ---- the commands, applied in memory (caller holds the mutex) -------------------------------
** Each is deterministic given its time, so replaying a session's commands rebuilds it. */

/* The running hold ended: set its end time, tell the watchers, clear it. */
static void hold_ended(live_set *ls, live *l, double now) {
  if (l->cur < 0) return;
  session_hold *sh = &l->s.holds[l->cur];
  session_time(sh->end, l->t0 + sh->h.t_end);
  buf d;
  buf_init(&d);
  hold_json(&d, ls->k, l, l->cur, now, NULL);
  l->cur = -1;
  emit(ls, l, "hold", &d);
  buf_free(&d);
}

static void emit_advice(live_set *ls, live *l, int advice, double t) {
  if (!advice) return;
  buf d;
  buf_init(&d);
  advice_json(&d, advice, t);
  emit(ls, l, "advice", &d);
  buf_free(&d);
}

/* Let the running hold's clock run to now.  Returns 1 when that changed anything. */
static int tick(live_set *ls, live *l, double now) {
  if (l->cur < 0 || l->ended) return 0;
  hold *h = &l->s.holds[l->cur].h;
  double t = hold_t(l, now);
  int changed = 0;
  for (int i = 0; i < 4 && !hold_done(h); i++) {
    int a = hold_tick(h, t);
    if (!a) break;
    changed = 1;
    emit_advice(ls, l, a, hold_done(h) ? h->t_end : t);
  }
  if (hold_done(h)) { hold_ended(ls, l, now); changed = 1; }
  return changed;
}

/* (why: -1, or HOLD_WHY_CONSENT when the client withdrew consent for its area) */
static void abort_running(live_set *ls, live *l, double now, int why) {
  if (l->cur < 0) return;
  tick(ls, l, now);
  if (l->cur < 0) return;
  hold_abort_why(&l->s.holds[l->cur].h, hold_t(l, now), why);
  hold_ended(ls, l, now);
}

static int do_hold(live_set *ls, live *l, int step, double now, char *err, size_t errlen) {
  if (step < 1 || step > l->s.plan.n_steps || !l->s.plan.steps[step - 1].timed) {
    snprintf(err, errlen, "step %d is not a timed step of this plan", step);
    return LIVE_EBAD;
  }
  const char *why = session_should_skip(&l->s, step - 1);
  if (why) { snprintf(err, errlen, "step %d should not be done today: %s", step, why); return LIVE_EBAD; }
  const plan_step *ps = &l->s.plan.steps[step - 1];
  int n = 0;
  for (int i = 0; i < ps->n_sensitive; i++) {
    if (session_consented(&l->s, ps->sensitive[i])) continue;
    if (!n++) snprintf(err, errlen, "step %d works in a sensitive area: record the client's consent first for the ", step);
    else snprintf(err + strlen(err), errlen - strlen(err), " and the ");
    snprintf(err + strlen(err), errlen - strlen(err), "%s", kb_term_at(ls->k, KB_SENSITIVE, ps->sensitive[i])->label);
  }
  if (n) return LIVE_ECONSENT;
  abort_running(ls, l, now, -1);
  l->paused = 0;
  session_hold *sh = session_add_hold(&l->s, step - 1);
  session_time(sh->start, now);
  l->cur = l->s.n_holds - 1;
  l->t0 = now;
  buf d;
  buf_init(&d);
  hold_json(&d, ls->k, l, l->cur, now, NULL);
  emit(ls, l, "hold", &d);
  buf_free(&d);
  return 0;
}

/* Check an event (before anything changes): its kind, or -1 with the message. */
static int event_kind(const char *event, int value, int from_phone, char *err, size_t errlen) {
  int kind = event ? hold_event_find(event) : -1;
  int allowed = kind >= 0;
  if (allowed && from_phone) {
    allowed = 0;
    for (size_t i = 0; i < sizeof phone_events / sizeof phone_events[0]; i++) allowed |= phone_events[i] == kind;
  }
  if (!allowed) {
    snprintf(err, errlen, "unknown event \"%.40s\": use %s", event ? event : "",
             from_phone ? "feedback (with value 0-10), more, less, good, released or stop"
                        : "feedback (with value 0-10), more, less, good, bracing, sharp, shooting, numb, tingling, "
                          "referral, released or stop");
    return -1;
  }
  if (kind == HOLD_EV_FEEDBACK && (value < 0 || value > 10)) {
    snprintf(err, errlen, "feedback %d is not 0-10", value);
    return -1;
  }
  return kind;
}

/* Apply a checked event to the running hold (the clock has been run to now). */
static int do_event(live_set *ls, live *l, int kind, int value, int from_phone, double now, buf *out,
                    char *err, size_t errlen) {
  tick(ls, l, now);
  if (l->cur < 0) {
    snprintf(err, errlen, "no hold is running: start one first");
    return LIVE_EBAD;
  }
  buf d;
  buf_init(&d);
  buf_lit(&d, "{\"event\":");
  buf_json_str(&d, hold_event_name(kind));
  buf_lit(&d, ",\"value\":");
  if (kind == HOLD_EV_FEEDBACK) buf_int(&d, value); else buf_lit(&d, "null");
  buf_printf(&d, ",\"from\":\"%s\",\"t\":%.1f}", from_phone ? "phone" : "therapist", hold_t(l, now));
  if (from_phone) emit(ls, l, "phone", &d);
  emit(ls, l, "feedback", &d);
  buf_free(&d);
  int i = l->cur;
  hold *h = &l->s.holds[i].h;
  double t = hold_t(l, now);
  int a = hold_event(h, t, kind, value);
  emit_advice(ls, l, a, t);
  if (out) {
    buf_lit(out, "{\"advice\":");
    if (a) advice_json(out, a, t); else buf_lit(out, "null");
    buf_lit(out, ",\"hold\":");
    hold_json(out, ls->k, l, i, now, NULL);
    buf_putc(out, '}');
  }
  if (hold_done(h)) hold_ended(ls, l, now);
  return 0;
}

static void do_pain(live *l, int post, int pain, const char *rom, const char *strength, const char *note) {
  if (post) {
    l->s.pain_post = pain;
    if (rom) session_set_text(&l->s.rom, rom);
    if (strength) session_set_text(&l->s.strength, strength);
    if (note) session_set_text(&l->s.note, note);
  } else l->s.pain_pre = pain;
}

static void do_phone(live_set *ls, live *l) {
  if (l->phone) return;
  l->phone = 1;
  emit_lit(ls, l, "phone", "{\"connected\":true}");
}

/* Consent for the sensitive areas in `areas` (KB_SENSITIVE indices) given or withdrawn at `now`;
** a withdrawal ends a running hold in one of them (interrupted). */
/* A consent's fields, as its stored command and its event both carry them:
** "areas":[ids],"how":"verbal"|"written"|null,"withdrawn":BOOL} (the closing brace too). */
static void consent_fields(buf *b, const kb *k, const int *areas, int n, int written, int withdrawn) {
  buf_lit(b, "\"areas\":[");
  for (int i = 0; i < n; i++) { if (i) buf_putc(b, ','); buf_json_str(b, kb_term_at(k, KB_SENSITIVE, areas[i])->id); }
  buf_printf(b, "],\"how\":%s,\"withdrawn\":%s}", withdrawn ? "null" : written ? "\"written\"" : "\"verbal\"",
             withdrawn ? "true" : "false");
}

static void do_consent(live_set *ls, live *l, const int *areas, int n, int written, int withdrawn, double now) {
  for (int i = 0; i < n; i++) session_add_consent(&l->s, areas[i], written, withdrawn, now);
  buf d;
  buf_init(&d);
  buf_putc(&d, '{');
  consent_fields(&d, ls->k, areas, n, written, withdrawn);
  emit(ls, l, "consent", &d);
  buf_free(&d);
  if (!withdrawn || l->cur < 0) return;
  const plan_step *ps = &l->s.plan.steps[l->s.holds[l->cur].step];
  int hit = 0;
  for (int i = 0; i < n; i++) hit |= plan_step_sensitive(ps, areas[i]);
  if (hit) abort_running(ls, l, now, HOLD_WHY_CONSENT);
}

/* The client pressed Stop on the phone with no hold running: the session pauses, and the
** therapist's screen is alerted. */
static void do_pause(live_set *ls, live *l, double now) {
  l->paused = 1;
  buf d;
  buf_init(&d);
  char at[32];
  session_time(at, now);
  buf_printf(&d, "{\"from\":\"phone\",\"at\":\"%s\",\"alert\":", at);
  buf_json_str(&d, "The client pressed Stop: the session is paused. Check in with them before the next hold.");
  buf_putc(&d, '}');
  emit(ls, l, "pause", &d);
  buf_free(&d);
}

/* The end's first half: the running hold interrupted, unreached timed steps listed as skipped,
** the end time set; the session log appended to `log` (NULL: not wanted). */
static void do_finish(live_set *ls, live *l, double now, int interrupted, buf *log) {
  abort_running(ls, l, now, -1);
  session *s = &l->s;
  int max_skips = (int)(sizeof s->skips / sizeof s->skips[0]);
  for (int i = 0; i < s->plan.n_steps && s->n_skips < max_skips; i++) {
    if (!s->plan.steps[i].timed) continue;
    int done = 0;
    for (int j = 0; j < s->n_holds && !done; j++) done = s->holds[j].step == i;
    for (int j = 0; j < s->n_skips && !done; j++) done = s->skips[j].step == i;
    if (!done) {
      s->skips[s->n_skips].step = i;
      s->skips[s->n_skips++].why = "not done in this session";
    }
  }
  if (interrupted) s->interrupted = 1;
  session_time(s->ended, now);
  if (log) session_json(log, ls->k, s);
}

/* The end's second half, once stored: the phone link dies, the watchers are told. */
static void do_ended(live_set *ls, live *l, long visit, int cancelled) {
  l->ended = 1;
  l->cancelled = cancelled;
  l->visit = visit;
  memset(l->token, 0, sizeof l->token);
  buf d;
  buf_init(&d);
  if (cancelled) buf_lit(&d, "{\"visit\":null,\"cancelled\":true}");
  else buf_printf(&d, "{\"visit\":%ld}", visit);
  emit(ls, l, "end", &d);
  buf_free(&d);
}

/* Replay one stored command (JSON text) at time `at`. */
static int replay(live_set *ls, live *l, const char *text, double at) {
  json_t *j = json_loads(text, 0, NULL);
  if (!j) return -1;
  const char *c = json_string_value(json_object_get(j, "c"));
  char err[256];
  int rc = 0, v = (int)json_integer_value(json_object_get(j, "v"));
  if (!c) rc = -1;
  else if (!strcmp(c, "tick")) tick(ls, l, at);
  else if (!strcmp(c, "pre") || !strcmp(c, "post"))
    do_pain(l, c[1] == 'o', v, json_string_value(json_object_get(j, "rom")),
            json_string_value(json_object_get(j, "strength")), json_string_value(json_object_get(j, "note")));
  else if (!strcmp(c, "hold")) rc = do_hold(ls, l, v, at, err, sizeof err);
  else if (!strcmp(c, "event")) {
    int phone = json_is_true(json_object_get(j, "phone"));
    int kind = event_kind(json_string_value(json_object_get(j, "e")), v, phone, err, sizeof err);
    rc = kind < 0 ? -1 : do_event(ls, l, kind, v, phone, at, NULL, err, sizeof err);
  } else if (!strcmp(c, "stop")) abort_running(ls, l, at, -1);
  else if (!strcmp(c, "phone")) do_phone(ls, l);
  else if (!strcmp(c, "pause")) do_pause(ls, l, at);
  else if (!strcmp(c, "consent")) {
    int areas[LIVE_MAX_AREAS], n = 0;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(j, "areas"), i, a) {
      int x = json_is_string(a) ? kb_find_term(ls->k, KB_SENSITIVE, json_string_value(a)) : -1;
      if (x < 0 || n == (int)(sizeof areas / sizeof areas[0])) { rc = -1; break; }
      areas[n++] = x;
    }
    const char *how = json_string_value(json_object_get(j, "how"));
    if (!rc) do_consent(ls, l, areas, n, how && !strcmp(how, "written"), json_is_true(json_object_get(j, "withdrawn")), at);
  } else if (!strcmp(c, "end")) {
    do_finish(ls, l, at, json_is_true(json_object_get(j, "interrupted")), NULL);
    do_ended(ls, l, (long)json_integer_value(json_object_get(j, "visit")), 0);
  } else if (!strcmp(c, "cancel")) {
    abort_running(ls, l, at, -1);
    do_ended(ls, l, 0, 1);
  }
  else rc = -1;
  json_decref(j);
  return rc;
}

/* ---- the store ----------------------------------------------------------------------------- */

/* The plan input as the session's first command. */
static void start_json(buf *b, const kb *k, const plan_input *in, const char *cleared, const char *refer) {
  buf_lit(b, "{\"c\":\"start\",\"points\":[");
  for (int i = 0; i < in->n_points; i++) {
    buf_puts(b, i ? ",[" : "[");
    buf_json_str(b, kb_tp_at(k, in->points[i].tp)->id);
    buf_putc(b, ',');
    buf_json_str(b, body_side_name(in->points[i].side));
    buf_putc(b, ']');
  }
  buf_lit(b, "],\"contras\":[");
  for (int i = 0; i < in->n_contras; i++) {
    buf_puts(b, i ? ",[" : "[");
    buf_json_str(b, kb_term_at(k, KB_CONTRA, in->contras[i].contra)->id);
    buf_putc(b, ',');
    if (in->contras[i].region >= 0) buf_json_str(b, body_at(kb_body(k), in->contras[i].region)->id);
    else buf_lit(b, "null");
    buf_putc(b, ']');
  }
  buf_lit(b, "],\"fascial\":");
  buf_puts(b, in->fascial ? "true" : "false");
  if (cleared) {
    buf_lit(b, ",\"cleared\":");
    buf_json_str(b, cleared);
    buf_lit(b, ",\"refer\":");
    if (refer) buf_json_str(b, refer); else buf_lit(b, "null");
  }
  buf_putc(b, '}');
}

/* The start command back: the plan input, and who cleared a refer screen (*cleared and *refer
** malloc'd, or NULL; the caller frees them). */
static int start_parse(const kb *k, const char *text, plan_input *in, char **cleared, char **refer) {
  memset(in, 0, sizeof *in);
  *cleared = *refer = NULL;
  json_t *j = json_loads(text, 0, NULL), *v;
  if (!j) return -1;
  size_t i;
  int rc = 0;
  json_array_foreach(json_object_get(j, "points"), i, v) {
    int tp = kb_find_tp(k, json_string_value(json_array_get(v, 0)));
    const char *side = json_string_value(json_array_get(v, 1));
    if (tp < 0 || !side || in->n_points == PLAN_MAX_POINTS) { rc = -1; break; }
    in->points[in->n_points].tp = tp;
    in->points[in->n_points++].side = !strcmp(side, "l") ? BODY_L : !strcmp(side, "r") ? BODY_R : BODY_MID;
  }
  json_array_foreach(json_object_get(j, "contras"), i, v) {
    int ci = kb_find_term(k, KB_CONTRA, json_string_value(json_array_get(v, 0)));
    const char *where = json_string_value(json_array_get(v, 1));
    int region = where ? body_find(kb_body(k), where) : -1;
    if (ci < 0 || (where && region < 0) || in->n_contras == PLAN_MAX_CONTRAS) { rc = -1; break; }
    in->contras[in->n_contras].contra = ci;
    in->contras[in->n_contras++].region = region;
  }
  in->fascial = json_is_true(json_object_get(j, "fascial"));
  const char *cl = json_string_value(json_object_get(j, "cleared")), *rf = json_string_value(json_object_get(j, "refer"));
  if (cl) *cleared = xstrdup(cl);
  if (cl && rf) *refer = xstrdup(rf);
  json_decref(j);
  return rc;
}

/* The plan step the session is at (1-based: the running or last hold's), or 0. */
static int current_step(const live *l) {
  return l->s.n_holds ? l->s.holds[l->cur >= 0 ? l->cur : l->s.n_holds - 1].step + 1 : 0;
}

/* Append command `cmd` (JSON) at `at` to the session's log and its row, inside the caller's
** transaction when there is one.  On success l->seq moves on. */
static int append(live_set *ls, live *l, const char *cmd, double at, const char *state, long visit) {
  store *s = ls->s;
  if (store_begin(s)) return -1;
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, l->id);
  store_arg_int(&a, l->seq + 1);
  store_arg_real(&a, at);
  store_arg_text(&a, cmd);
  int rc = store_exec(s, "INSERT INTO live_cmd (session_id, seq, at, cmd) VALUES ($1, $2, $3, $4)", &a, NULL);
  if (!rc) {
    store_args_init(&a);
    store_arg_int(&a, l->seq + 1);
    store_arg_real(&a, at);
    int step = current_step(l);
    if (step) store_arg_int(&a, step); else store_arg_text(&a, NULL);
    store_arg_int(&a, l->phone);
    store_arg_text(&a, state);
    if (visit) store_arg_int(&a, visit); else store_arg_text(&a, NULL);
    store_arg_text(&a, l->id);
    rc = store_exec(s, strcmp(state, "open")
                         ? "UPDATE live_session SET seq = $1, updated = $2, step = $3, phone = $4, state = $5,"
                           " visit_id = $6, token = NULL WHERE id = $7"
                         : "UPDATE live_session SET seq = $1, updated = $2, step = $3, phone = $4, state = $5,"
                           " visit_id = $6 WHERE id = $7", &a, NULL);
  }
  if (!rc && ls->shared) rc = store_notify(s, LIVE_CHANNEL, l->id);
  if (rc || store_commit(s)) { store_rollback(s); return -1; }
  l->seq++;
  return 0;
}

/* Catch l up with the commands other processes stored after l->seq. */
static int catch_up(live_set *ls, live *l) {
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, l->id);
  store_arg_int(&a, l->seq);
  store_rows r;
  if (store_exec(ls->s, "SELECT seq, at, cmd FROM live_cmd WHERE session_id = $1 AND seq > $2 ORDER BY seq", &a, &r))
    return -1;
  int rc = 0;
  for (int i = 0; i < r.nrow && !rc; i++) {
    long seq = strtol(store_cell(&r, i, 0), NULL, 10);
    if (seq != l->seq + 1) { rc = -1; break; }
    if (seq == 1) { l->seq = 1; continue; }   /* the start, applied when the session was made */
    rc = replay(ls, l, store_cell(&r, i, 2), strtod(store_cell(&r, i, 1), NULL));
    if (!rc) l->seq = seq;
  }
  store_rows_free(&r);
  return rc;
}

/* A free cache slot: an empty one, else the least recently used is dropped (the store keeps it). */
static live *slot(live_set *ls) {
  live *best = NULL;
  for (int i = 0; i < CACHE; i++) {
    live *l = &ls->slots[i];
    if (!l->used) { best = l; break; }
    if (!best || l->touched < best->touched) best = l;
  }
  drop(best);
  return best;
}

/* Set up l as a new session (not yet stored). */
static int init(live_set *ls, live *l, const char *id, const char *token, long client, long therapist,
                const plan_input *in, double created, char *err, size_t errlen) {
  memset(l, 0, sizeof *l);
  if (session_init(&l->s, ls->k, in, "interactive", err, errlen)) { memset(l, 0, sizeof *l); return LIVE_EBAD; }
  l->used = 1;
  snprintf(l->id, sizeof l->id, "%s", id);
  snprintf(l->token, sizeof l->token, "%s", token ? token : "");
  l->client = client;
  l->therapist = therapist;
  l->created = created;
  l->cur = -1;
  session_time(l->s.started, created);
  return 0;
}

/* Load session `key` (an id, or a phone token of an open session) from the store. */
static live *load(live_set *ls, const char *key, int by_token, int *rc) {
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, key);
  store_rows r;
  *rc = LIVE_ESTORE;
  if (store_exec(ls->s, by_token ? "SELECT id, token, client_id, therapist_id, created FROM live_session"
                                   " WHERE token = $1 AND state = 'open'"
                                 : "SELECT id, token, client_id, therapist_id, created FROM live_session WHERE id = $1",
                 &a, &r))
    return NULL;
  if (!r.nrow) { store_rows_free(&r); *rc = LIVE_ENOTFOUND; return NULL; }
  char id[LIVE_ID_LEN + 1], token[LIVE_ID_LEN + 1];
  snprintf(id, sizeof id, "%s", store_cell(&r, 0, 0));
  snprintf(token, sizeof token, "%s", store_cell(&r, 0, 1) ? store_cell(&r, 0, 1) : "");
  long client = strtol(store_cell(&r, 0, 2), NULL, 10), therapist = strtol(store_cell(&r, 0, 3), NULL, 10);
  double created = strtod(store_cell(&r, 0, 4), NULL);
  store_rows_free(&r);
  store_args_init(&a);
  store_arg_text(&a, id);
  if (store_exec(ls->s, "SELECT cmd FROM live_cmd WHERE session_id = $1 AND seq = 1", &a, &r)) return NULL;
  plan_input in;
  char *cleared = NULL, *refer = NULL;
  int bad = !r.nrow || start_parse(ls->k, store_cell(&r, 0, 0), &in, &cleared, &refer);
  store_rows_free(&r);
  char err[256];
  live *l = slot(ls);
  if (bad || init(ls, l, id, token, client, therapist, &in, created, err, sizeof err)) {
    free(cleared);
    free(refer);
    *rc = LIVE_ESTORE;   /* a start the knowledge base no longer reads */
    return NULL;
  }
  l->s.cleared = cleared;
  l->s.cleared_refer = refer;
  if (catch_up(ls, l)) { drop(l); *rc = LIVE_ESTORE; return NULL; }
  *rc = 0;
  return l;
}

/* The session of `key` (an id, or a phone token), cached and caught up, or NULL with *rc. */
static live *get(live_set *ls, const char *key, int by_token, int *rc) {
  *rc = LIVE_ENOTFOUND;
  if (!key || strlen(key) != LIVE_ID_LEN) return NULL;
  live *l = NULL;
  for (int i = 0; i < CACHE && !l; i++) {
    live *c = &ls->slots[i];
    if (c->used && sodium_memcmp(by_token ? c->token : c->id, key, LIVE_ID_LEN) == 0) l = c;
  }
  if (l && ls->shared && catch_up(ls, l)) { drop(l); l = NULL; }
  if (!l && !(l = load(ls, key, by_token, rc))) return NULL;
  if (by_token && (l->ended || !l->token[0])) { *rc = LIVE_ENOTFOUND; return NULL; }
  l->touched = ++ls->clock;
  *rc = 0;
  return l;
}

/* Run the clock to now, storing a tick when it changed something. */
static int pretick(live_set *ls, live *l, double now) {
  if (!tick(ls, l, now)) return 0;
  if (!append(ls, l, "{\"c\":\"tick\"}", now, "open", 0)) return 0;
  drop(l);   /* memory is ahead of the store: read it again next time */
  return LIVE_ESTORE;
}

/* After a failed write: memory may be ahead of the store, so forget it. */
static int store_failed(live_set *ls, live *l, char *err, size_t errlen) {
  snprintf(err, errlen, "the database failed, nothing was changed: %s", store_error(ls->s));
  drop(l);
  return LIVE_ESTORE;
}

/* The command cmd on the open session l, at now, written to the store: 0, or the session dropped
** from memory and LIVE_ESTORE with err set (the store keeps what it had). */
static int write_cmd(live_set *ls, live *l, const char *cmd, double now, char *err, size_t errlen) {
  return append(ls, l, cmd, now, "open", 0) ? store_failed(ls, l, err, errlen) : 0;
}

/* ---- the calls ----------------------------------------------------------------------------- */

#define LOCK() pthread_mutex_lock(&ls->mu)
#define UNLOCK() pthread_mutex_unlock(&ls->mu)

static int count_open(live_set *ls, const char *where, long v, long *n) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, v);
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM live_session WHERE state = 'open' AND %s = $1", where);
  return store_exec_long(ls->s, sql, &a, n);
}

int live_create(live_set *ls, long client, long therapist, const plan_input *in, int another, const char *cleared,
                const char *refer, double now, char *id, char *token, char *err, size_t errlen) {
  live_sweep(ls, now);
  LOCK();
  long n = 0;
  if (!another) {
    store_args a;
    store_args_init(&a);
    store_arg_int(&a, client);
    store_rows r;
    if (store_exec(ls->s, "SELECT id FROM live_session WHERE state = 'open' AND client_id = $1 ORDER BY created DESC",
                   &a, &r)) {
      UNLOCK();
      snprintf(err, errlen, "the database failed: %s", store_error(ls->s));
      return LIVE_ESTORE;
    }
    int open = r.nrow > 0;
    if (open) snprintf(id, LIVE_ID_LEN + 1, "%s", store_cell(&r, 0, 0));
    store_rows_free(&r);
    if (open) {
      UNLOCK();
      snprintf(err, errlen, "this client has a session open already: resume it, or start another");
      return LIVE_EOPEN;
    }
  }
  if (count_open(ls, "therapist_id", therapist, &n)) {
    UNLOCK();
    snprintf(err, errlen, "the database failed: %s", store_error(ls->s));
    return LIVE_ESTORE;
  }
  if (n >= LIVE_PER_THERAPIST) {
    UNLOCK();
    snprintf(err, errlen, "you have %d sessions open already: end or cancel one first", LIVE_PER_THERAPIST);
    return LIVE_ELIMIT;
  }
  char nid[LIVE_ID_LEN + 1], ntok[LIVE_ID_LEN + 1];
  hexid(nid);
  hexid(ntok);
  live *l = slot(ls);
  int rc = init(ls, l, nid, ntok, client, therapist, in, now, err, errlen);
  if (rc) { UNLOCK(); return rc; }
  if (cleared) {
    l->s.cleared = xstrdup(cleared);
    if (refer) l->s.cleared_refer = xstrdup(refer);
  }
  buf cmd;
  buf_init(&cmd);
  start_json(&cmd, ls->k, in, cleared, refer);
  store *s = ls->s;
  store_args a;
  store_args_init(&a);
  store_arg_text(&a, nid);
  store_arg_text(&a, ntok);
  store_arg_int(&a, client);
  store_arg_int(&a, therapist);
  store_arg_real(&a, now);
  store_arg_real(&a, now);
  if (store_begin(s) ||
      store_exec(s, "INSERT INTO live_session (id, token, client_id, therapist_id, created, updated, state, seq, phone)"
                    " VALUES ($1, $2, $3, $4, $5, $6, 'open', 0, 0)", &a, NULL) ||
      append(ls, l, cmd.data, now, "open", 0) || store_commit(s)) {
    store_rollback(s);
    rc = store_failed(ls, l, err, errlen);
  } else {
    l->touched = ++ls->clock;
    memcpy(id, nid, sizeof nid);
    memcpy(token, ntok, sizeof ntok);
  }
  buf_free(&cmd);
  UNLOCK();
  return rc;
}

int live_list(live_set *ls, long therapist, double now, buf *out, char *err, size_t errlen) {
  live_sweep(ls, now);
  LOCK();
  store_args a;
  store_args_init(&a);
  if (therapist) store_arg_int(&a, therapist);
  store_rows r;
  int rc = store_exec(ls->s, therapist
                      ? "SELECT s.id, s.client_id, c.name, s.therapist_id, s.created, s.updated, s.step, s.phone"
                        " FROM live_session s JOIN client c ON c.id = s.client_id"
                        " WHERE s.state = 'open' AND s.therapist_id = $1 ORDER BY s.created DESC"
                      : "SELECT s.id, s.client_id, c.name, s.therapist_id, s.created, s.updated, s.step, s.phone"
                        " FROM live_session s JOIN client c ON c.id = s.client_id"
                        " WHERE s.state = 'open' ORDER BY s.created DESC", &a, &r);
  UNLOCK();
  if (rc) { snprintf(err, errlen, "the database failed: %s", store_error(ls->s)); return LIVE_ESTORE; }
  buf_lit(out, "{\"sessions\":[");
  for (int i = 0; i < r.nrow; i++) {
    char started[32], updated[32];
    session_time(started, strtod(store_cell(&r, i, 4), NULL));
    session_time(updated, strtod(store_cell(&r, i, 5), NULL));
    buf_puts(out, i ? ",{\"id\":" : "{\"id\":");
    buf_json_str(out, store_cell(&r, i, 0));
    buf_printf(out, ",\"client\":%s,\"client_name\":", store_cell(&r, i, 1));
    buf_json_str(out, store_cell(&r, i, 2));
    buf_printf(out, ",\"therapist\":%s,\"started\":\"%s\",\"updated\":\"%s\",\"step\":%s,\"phone\":%s}",
               store_cell(&r, i, 3), started, updated, store_cell(&r, i, 6) ? store_cell(&r, i, 6) : "null",
               store_cell(&r, i, 7) && atoi(store_cell(&r, i, 7)) ? "true" : "false");
  }
  buf_lit(out, "]}");
  store_rows_free(&r);
  return 0;
}

int live_owner(live_set *ls, const char *id, long *client, long *therapist) {
  LOCK();
  int rc;
  live *l = get(ls, id, 0, &rc);
  if (l) { *client = l->client; *therapist = l->therapist; }
  UNLOCK();
  return l ? 0 : rc;
}

int live_token(live_set *ls, const char *id, char *token) {
  LOCK();
  int rc;
  live *l = get(ls, id, 0, &rc);
  if (l) rc = l->ended ? LIVE_EGONE : 0;
  if (!rc) memcpy(token, l->token, LIVE_ID_LEN + 1);
  UNLOCK();
  return rc;
}

int live_state(live_set *ls, const char *id, double now, buf *out) { return live_state_lang(ls, id, now, out, NULL); }

int live_state_lang(live_set *ls, const char *id, double now, buf *out, const char *lang) {
  LOCK();
  int rc;
  live *l = get(ls, id, 0, &rc);
  if (l && (rc = pretick(ls, l, now))) l = NULL;
  if (!l) { UNLOCK(); return rc; }
  buf_lit(out, "{\"id\":");
  buf_json_str(out, l->id);
  buf_printf(out, ",\"client\":%ld,\"started\":", l->client);
  buf_json_str(out, l->s.started);
  buf_lit(out, ",\"pain_pre\":");
  if (l->s.pain_pre >= 0) buf_int(out, l->s.pain_pre); else buf_lit(out, "null");
  buf_lit(out, ",\"pain_post\":");
  if (l->s.pain_post >= 0) buf_int(out, l->s.pain_post); else buf_lit(out, "null");
  buf_printf(out, ",\"phone\":%s,\"ended\":%s,\"cancelled\":%s,\"visit\":", l->phone ? "true" : "false",
             l->ended ? "true" : "false", l->cancelled ? "true" : "false");
  if (l->visit) buf_int(out, l->visit); else buf_lit(out, "null");
  buf_printf(out, ",\"paused\":%s,\"consent\":[", l->paused ? "true" : "false");
  for (int i = 0; i < l->s.n_consents; i++) {
    const session_consent *sc = &l->s.consents[i];
    if (i) buf_putc(out, ',');
    buf_lit(out, "{\"area\":");
    buf_json_str(out, kb_term_at(ls->k, KB_SENSITIVE, sc->area)->id);
    buf_printf(out, ",\"how\":%s,\"withdrawn\":%s,\"at\":\"%s\"}",
               sc->withdrawn ? "null" : sc->written ? "\"written\"" : "\"verbal\"", sc->withdrawn ? "true" : "false", sc->at);
  }
  buf_lit(out, "],\"consented\":[");
  for (int a = 0, n = 0; a < kb_n_terms(ls->k, KB_SENSITIVE); a++)
    if (session_consented(&l->s, a)) {
      if (n++) buf_putc(out, ',');
      buf_json_str(out, kb_term_at(ls->k, KB_SENSITIVE, a)->id);
    }
  buf_lit(out, "],\"cleared\":");
  if (l->s.cleared) {
    buf_lit(out, "{\"by\":");
    buf_json_str(out, l->s.cleared);
    buf_lit(out, ",\"refer\":");
    if (l->s.cleared_refer) buf_json_str(out, l->s.cleared_refer); else buf_lit(out, "null");
    buf_putc(out, '}');
  } else buf_lit(out, "null");
  buf_printf(out, ",\"events\":%lu,\"step\":", l->nev);
  if (current_step(l)) buf_int(out, current_step(l)); else buf_lit(out, "null");
  buf_lit(out, ",\"hold\":");
  if (l->cur >= 0) hold_json(out, ls->k, l, l->cur, now, lang); else buf_lit(out, "null");
  buf_lit(out, ",\"holds\":[");
  for (int i = 0; i < l->s.n_holds; i++) {
    if (i) buf_putc(out, ',');
    hold_json(out, ls->k, l, i, now, lang);
  }
  buf_lit(out, "],\"plan\":");
  sheet_plan_json_lang(out, ls->k, &l->s.plan, lang);
  buf_putc(out, '}');
  UNLOCK();
  return 0;
}

/* Find an open session, its clock run to now: NULL with *rc and err set when there is none. */
static live *open_session(live_set *ls, const char *key, int by_token, double now, int *rc, char *err, size_t errlen) {
  live *l = get(ls, key, by_token, rc);
  if (l && l->ended) { *rc = LIVE_EGONE; l = NULL; snprintf(err, errlen, "this session has ended"); }
  if (l && (*rc = pretick(ls, l, now))) { l = NULL; snprintf(err, errlen, "the database failed: %s", store_error(ls->s)); }
  if (!l && *rc == LIVE_ESTORE && !*err) snprintf(err, errlen, "the database failed: %s", store_error(ls->s));
  return l;
}

int live_pain(live_set *ls, const char *id, int post, int pain, const char *rom, const char *strength,
              const char *note, double now, char *err, size_t errlen) {
  if (pain < 0 || pain > 10) { snprintf(err, errlen, "pain %d is not 0-10", pain); return LIVE_EBAD; }
  *err = 0;
  LOCK();
  int rc;
  live *l = open_session(ls, id, 0, now, &rc, err, errlen);
  if (l) {
    buf cmd;
    buf_init(&cmd);
    buf_printf(&cmd, "{\"c\":\"%s\",\"v\":%d", post ? "post" : "pre", pain);
    const char *names[] = {"rom", "strength", "note"}, *vals[] = {rom, strength, note};
    for (int i = 0; post && i < 3; i++)
      if (vals[i]) { buf_printf(&cmd, ",\"%s\":", names[i]); buf_json_str(&cmd, vals[i]); }
    buf_putc(&cmd, '}');
    do_pain(l, post, pain, rom, strength, note);
    rc = write_cmd(ls, l, cmd.data, now, err, errlen);
    buf_free(&cmd);
  }
  UNLOCK();
  return rc;
}

int live_hold(live_set *ls, const char *id, int step, double now, char *err, size_t errlen) {
  *err = 0;
  LOCK();
  int rc;
  live *l = open_session(ls, id, 0, now, &rc, err, errlen);
  if (l && !(rc = do_hold(ls, l, step, now, err, errlen))) {
    char cmd[64];
    snprintf(cmd, sizeof cmd, "{\"c\":\"hold\",\"v\":%d}", step);
    rc = write_cmd(ls, l, cmd, now, err, errlen);
  }
  UNLOCK();
  return rc;
}

int live_consent(live_set *ls, const char *id, const int *areas, int n, int written, int withdrawn, double now,
                 char *err, size_t errlen) {
  *err = 0;
  if (n < 1 || n > LIVE_MAX_AREAS) { snprintf(err, errlen, "name 1-%d sensitive areas", LIVE_MAX_AREAS); return LIVE_EBAD; }
  for (int i = 0; i < n; i++)
    if (areas[i] < 0 || areas[i] >= kb_n_terms(ls->k, KB_SENSITIVE)) { snprintf(err, errlen, "no such sensitive area"); return LIVE_EBAD; }
  LOCK();
  int rc;
  live *l = open_session(ls, id, 0, now, &rc, err, errlen);
  if (l) {
    buf cmd;
    buf_init(&cmd);
    buf_lit(&cmd, "{\"c\":\"consent\",");
    consent_fields(&cmd, ls->k, areas, n, written, withdrawn);
    do_consent(ls, l, areas, n, written, withdrawn, now);
    rc = write_cmd(ls, l, cmd.data, now, err, errlen);
    buf_free(&cmd);
  }
  UNLOCK();
  return rc;
}

int live_consent_needed(live_set *ls, const char *id, int step, buf *out) {
  LOCK();
  int rc;
  live *l = get(ls, id, 0, &rc);
  if (l) {
    buf_putc(out, '[');
    if (step >= 1 && step <= l->s.plan.n_steps) {
      const plan_step *ps = &l->s.plan.steps[step - 1];
      for (int i = 0, n = 0; i < ps->n_sensitive; i++) {
        if (session_consented(&l->s, ps->sensitive[i])) continue;
        if (n++) buf_putc(out, ',');
        buf_json_str(out, kb_term_at(ls->k, KB_SENSITIVE, ps->sensitive[i])->id);
      }
    }
    buf_putc(out, ']');
  }
  UNLOCK();
  return l ? 0 : rc;
}

/* An event on an open session l (from the therapist or the phone). */
static int event(live_set *ls, live *l, const char *event, int value, int from_phone, double now, buf *out,
                 char *err, size_t errlen) {
  int kind = event_kind(event, value, from_phone, err, errlen);
  if (kind < 0) return LIVE_EBAD;
  if (kind == HOLD_EV_STOP && from_phone) {
    tick(ls, l, now);   /* the hold may have ended on the clock: then Stop pauses */
    if (l->cur < 0) {
      do_pause(ls, l, now);
      if (out) buf_lit(out, "{\"advice\":null,\"hold\":null,\"paused\":true}");
      return write_cmd(ls, l, "{\"c\":\"pause\"}", now, err, errlen);
    }
  }
  int rc = do_event(ls, l, kind, value, from_phone, now, out, err, errlen);
  if (rc) return rc;
  buf cmd;
  buf_init(&cmd);
  buf_lit(&cmd, "{\"c\":\"event\",\"e\":");
  buf_json_str(&cmd, hold_event_name(kind));
  buf_printf(&cmd, ",\"v\":%d,\"phone\":%s}", kind == HOLD_EV_FEEDBACK ? value : 0, from_phone ? "true" : "false");
  rc = write_cmd(ls, l, cmd.data, now, err, errlen);
  buf_free(&cmd);
  return rc;
}

int live_event(live_set *ls, const char *id, const char *ev, int value, int from_phone, double now,
               buf *out, char *err, size_t errlen) {
  *err = 0;
  LOCK();
  int rc;
  live *l = open_session(ls, id, 0, now, &rc, err, errlen);
  if (l) rc = event(ls, l, ev, value, from_phone, now, out, err, errlen);
  UNLOCK();
  return rc;
}

int live_stop(live_set *ls, const char *id, double now, char *err, size_t errlen) {
  *err = 0;
  LOCK();
  int rc;
  live *l = open_session(ls, id, 0, now, &rc, err, errlen);
  if (l && l->cur >= 0) {
    abort_running(ls, l, now, -1);
    rc = write_cmd(ls, l, "{\"c\":\"stop\"}", now, err, errlen);
  }
  UNLOCK();
  return rc;
}

/* End l, store its visit and mark it ended, in one transaction (caller holds the mutex). */
static int end(live_set *ls, live *l, double now, int interrupted, long *visit, char *err, size_t errlen) {
  buf log;
  buf_init(&log);
  do_finish(ls, l, now, interrupted, &log);
  record_log *rl;
  store *s = ls->s;
  int rc = record_log_parse(ls->k, log.data, log.len, &rl, err, errlen);
  buf_free(&log);
  if (rc) { drop(l); return LIVE_EBAD; }
  long v = 0;
  if (store_begin(s)) { record_log_free(rl); return store_failed(ls, l, err, errlen); }
  rc = record_log_add(s, ls->k, l->client, l->therapist, rl, &v, err, errlen);
  record_log_free(rl);
  if (rc) {
    store_rollback(s);
    char keep[512];
    snprintf(keep, sizeof keep, "%s", err);
    drop(l);
    snprintf(err, errlen, "the visit could not be stored, the session stays open: %s", keep);
    return rc == RECORD_EBAD ? LIVE_EBAD : LIVE_ESTORE;
  }
  char cmd[96];
  snprintf(cmd, sizeof cmd, "{\"c\":\"end\",\"visit\":%ld,\"interrupted\":%s}", v, interrupted ? "true" : "false");
  if (append(ls, l, cmd, now, "ended", v) || store_commit(s)) {
    store_rollback(s);
    snprintf(err, errlen, "the visit could not be stored, the session stays open: %s", store_error(s));
    drop(l);
    return LIVE_ESTORE;
  }
  do_ended(ls, l, v, 0);
  *visit = v;
  return 0;
}

int live_end(live_set *ls, const char *id, double now, long *visit, char *err, size_t errlen) {
  *err = 0;
  LOCK();
  int rc;
  live *l = open_session(ls, id, 0, now, &rc, err, errlen);
  if (l) rc = end(ls, l, now, 0, visit, err, errlen);
  UNLOCK();
  return rc;
}

int live_cancel(live_set *ls, const char *id, const char *reason, double now, char *err, size_t errlen) {
  *err = 0;
  LOCK();
  int rc;
  live *l = open_session(ls, id, 0, now, &rc, err, errlen);
  if (l) {
    abort_running(ls, l, now, -1);
    buf cmd;
    buf_init(&cmd);
    buf_lit(&cmd, "{\"c\":\"cancel\",\"reason\":");
    buf_json_str(&cmd, reason ? reason : "");
    buf_putc(&cmd, '}');
    if (append(ls, l, cmd.data, now, "cancelled", 0)) rc = store_failed(ls, l, err, errlen);
    else do_ended(ls, l, 0, 1);
    buf_free(&cmd);
  }
  UNLOCK();
  return rc;
}

int live_sweep(live_set *ls, double now) {
  LOCK();
  store_args a;
  store_args_init(&a);
  store_arg_real(&a, now - LIVE_IDLE);
  store_rows r;
  int n = 0;
  if (!store_exec(ls->s, "SELECT id FROM live_session WHERE state = 'open' AND updated < $1", &a, &r)) {
    for (int i = 0; i < r.nrow; i++) {
      char err[512] = "";
      int rc;
      long visit;
      live *l = open_session(ls, store_cell(&r, i, 0), 0, now, &rc, err, sizeof err);
      if (l && !end(ls, l, now, 1, &visit, err, sizeof err)) n++;
    }
    store_rows_free(&r);
  }
  UNLOCK();
  return n;
}

int live_phone_state(live_set *ls, const char *token, double now, long *client, buf *out) {
  char err[256] = "";
  LOCK();
  int rc;
  live *l = open_session(ls, token, 1, now, &rc, err, sizeof err);
  if (l && !l->phone) {
    do_phone(ls, l);
    if (append(ls, l, "{\"c\":\"phone\"}", now, "open", 0)) { rc = store_failed(ls, l, err, sizeof err); l = NULL; }
  }
  if (l) {
    if (client) *client = l->client;
    buf_printf(out, "{\"active\":true,\"paused\":%s,\"hold\":", l->paused ? "true" : "false");
    if (l->cur >= 0) {
      const session_hold *sh = &l->s.holds[l->cur];
      buf_lit(out, "{\"muscle_name\":");
      buf_json_str(out, kb_muscle_at(ls->k, l->s.plan.steps[sh->step].muscle)->name);
      buf_printf(out, ",\"t\":%.1f,\"max\":%d}", hold_t(l, now), sh->h.hold_max);
    } else buf_lit(out, "null");
    buf_putc(out, '}');
  }
  UNLOCK();
  return rc == LIVE_EGONE ? LIVE_ENOTFOUND : rc;
}

int live_phone_event(live_set *ls, const char *token, const char *ev, int value, double now,
                     long *client, char *err, size_t errlen) {
  *err = 0;
  LOCK();
  int rc;
  live *l = open_session(ls, token, 1, now, &rc, err, errlen);
  if (l) {
    if (client) *client = l->client;
    rc = event(ls, l, ev, value, 1, now, NULL, err, errlen);
  }
  UNLOCK();
  return rc == LIVE_EGONE ? LIVE_ENOTFOUND : rc;
}

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int live_poll(live_set *ls, const char *id, unsigned long *cursor, buf *out) {
  LOCK();
  int rc;
  live *l = get(ls, id, 0, &rc);
  if (l && !l->ended && pretick(ls, l, wall())) l = NULL;   /* the store failed: try on the next poll */
  if (l) {
    if (*cursor + QUEUE < l->nev) *cursor = l->nev - QUEUE;   /* a slow watcher misses the oldest */
    for (; *cursor < l->nev; (*cursor)++) buf_puts(out, l->queue[*cursor % QUEUE]);
    if (!out->len && l->ended) rc = LIVE_EGONE;
  } else if (rc == LIVE_ESTORE) rc = 0;
  UNLOCK();
  return rc;
}

unsigned long live_changed(live_set *ls, unsigned long seen, double timeout) {
  LOCK();
  if (ls->gen == seen && timeout > 0) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long ns = ts.tv_nsec + (long)(timeout * 1e9);
    ts.tv_sec += ns / 1000000000L;
    ts.tv_nsec = ns % 1000000000L;
    while (ls->gen == seen && pthread_cond_timedwait(&ls->cv, &ls->mu, &ts) == 0) {}
  }
  unsigned long g = ls->gen;
  UNLOCK();
  return g;
}

void live_external(live_set *ls) {
  LOCK();
  ls->gen++;
  pthread_cond_broadcast(&ls->cv);
  UNLOCK();
}
