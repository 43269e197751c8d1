/* live.c: the sessions running in the session room, their hold clocks, phone links and event
** queues. */
#include "live.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hold.h"
#include "session.h"
#include "sheet.h"

#define QUEUE 256            /* events kept per session for the watchers */

typedef struct live {
  int used;
  char id[LIVE_ID_LEN + 1], token[LIVE_ID_LEN + 1];
  long client, therapist, visit;
  double created;
  session s;
  int cur;                   /* index of the running hold in s.holds, or -1 */
  double t0;                 /* when it began */
  int phone;                 /* a phone has joined */
  int ended;
  unsigned long seq;         /* events queued so far */
  char *queue[QUEUE];        /* event seq % QUEUE, valid for seq - QUEUE .. seq - 1 */
} live;

struct live_set {
  const kb *k;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  unsigned long gen;         /* events queued in all sessions */
  live slots[LIVE_MAX];
};

static const int phone_events[] = {HOLD_EV_FEEDBACK, HOLD_EV_MORE, HOLD_EV_LESS, HOLD_EV_GOOD, HOLD_EV_RELEASED,
                                   HOLD_EV_STOP};

live_set *live_new(const kb *k) {
  if (sodium_init() < 0) return NULL;
  live_set *ls = xcalloc(1, sizeof *ls);
  ls->k = k;
  pthread_mutex_init(&ls->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&ls->cv, &ca);
  pthread_condattr_destroy(&ca);
  return ls;
}

static void drop(live *l) {
  session_free(&l->s);
  for (int i = 0; i < QUEUE; i++) free(l->queue[i]);
  memset(l, 0, sizeof *l);
}

void live_free(live_set *ls) {
  if (!ls) return;
  for (int i = 0; i < LIVE_MAX; i++)
    if (ls->slots[i].used) drop(&ls->slots[i]);
  pthread_mutex_destroy(&ls->mu);
  pthread_cond_destroy(&ls->cv);
  free(ls);
}

static void hexid(char out[LIVE_ID_LEN + 1]) {
  unsigned char raw[LIVE_ID_LEN / 2];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, LIVE_ID_LEN + 1, raw, sizeof raw);
}

/* Caller holds the mutex.  Matching compares in constant time. */
static live *find(live_set *ls, const char *key, int by_token) {
  if (!key || strlen(key) != LIVE_ID_LEN) return NULL;
  for (int i = 0; i < LIVE_MAX; i++) {
    live *l = &ls->slots[i];
    if (l->used && sodium_memcmp(by_token ? l->token : l->id, key, LIVE_ID_LEN) == 0) return l;
  }
  return NULL;
}

/* Queue an event for the watchers (caller holds the mutex). */
static void emit(live_set *ls, live *l, const char *name, const buf *data) {
  buf e;
  buf_init(&e);
  buf_printf(&e, "event: %s\ndata: %.*s\n\n", name, (int)data->len, data->data ? data->data : "");
  int slot = (int)(l->seq % QUEUE);
  free(l->queue[slot]);
  l->queue[slot] = e.data;
  l->seq++;
  ls->gen++;
  pthread_cond_broadcast(&ls->cv);
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
  buf_printf(b, ",\"t\":%.1f}", t);
}

/* The hold at index i as JSON. */
static void hold_json(buf *b, const kb *k, const live *l, int i, double now) {
  const session_hold *sh = &l->s.holds[i];
  const hold *h = &sh->h;
  const plan_step *ps = &l->s.plan.steps[sh->step];
  const kb_muscle *m = kb_muscle_at(k, ps->muscle);
  buf_printf(b, "{\"step\":%d,\"phase\":", sh->step + 1);
  buf_json_str(b, plan_phase_name(ps->phase));
  buf_lit(b, ",\"muscle\":");
  buf_json_str(b, m->id);
  buf_lit(b, ",\"muscle_name\":");
  buf_json_str(b, m->name);
  buf_lit(b, ",\"tp\":");
  if (ps->tp >= 0) buf_json_str(b, kb_tp_at(k, ps->tp)->id); else buf_lit(b, "null");
  buf_lit(b, ",\"tp_name\":");
  if (ps->tp >= 0) buf_json_str(b, kb_tp_at(k, ps->tp)->name); else buf_lit(b, "null");
  buf_lit(b, ",\"side\":");
  buf_json_str(b, body_side_name(ps->side));
  buf_lit(b, ",\"technique\":");
  if (ps->technique >= 0) buf_json_str(b, kb_term_at(k, KB_TECHNIQUE, ps->technique)->label); else buf_lit(b, "null");
  double t = hold_done(h) ? h->t_end : (i == l->cur ? hold_t(l, now) : 0);
  buf_printf(b, ",\"hold\":[%d,%d],\"band\":[%d,%d],\"t\":%.1f,\"last\":", h->hold_min, h->hold_max, h->band_lo,
             h->band_hi, t);
  if (h->last >= 0) buf_int(b, h->last); else buf_lit(b, "null");
  buf_lit(b, ",\"outcome\":");
  buf_json_str(b, hold_done(h) ? hold_outcome_name(h->outcome) : "open");
  buf_lit(b, ",\"reason\":");
  if (h->reason >= 0) buf_json_str(b, hold_event_name(h->reason)); else buf_lit(b, "null");
  buf_printf(b, ",\"confirmed\":%s,\"advice\":", h->confirmed ? "true" : "false");
  if (h->n_advice) advice_json(b, h->advice[h->n_advice - 1].kind, h->advice[h->n_advice - 1].t);
  else buf_lit(b, "null");
  buf_putc(b, '}');
}

/* The running hold ended: set its end time, tell the watchers, clear it. */
static void hold_ended(live_set *ls, live *l, double now) {
  if (l->cur < 0) return;
  session_hold *sh = &l->s.holds[l->cur];
  session_time(sh->end, l->t0 + sh->h.t_end);
  buf d;
  buf_init(&d);
  hold_json(&d, ls->k, l, l->cur, now);
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

/* Let the running hold's clock run to now (caller holds the mutex). */
static void tick(live_set *ls, live *l, double now) {
  if (l->cur < 0 || l->ended) return;
  hold *h = &l->s.holds[l->cur].h;
  double t = hold_t(l, now);
  for (int i = 0; i < 4 && !hold_done(h); i++) {
    int a = hold_tick(h, t);
    if (!a) break;
    emit_advice(ls, l, a, hold_done(h) ? h->t_end : t);
  }
  if (hold_done(h)) hold_ended(ls, l, now);
}

static void expire(live_set *ls, double now) {
  for (int i = 0; i < LIVE_MAX; i++) {
    live *l = &ls->slots[i];
    if (l->used && now - l->created > LIVE_KEEP) drop(l);
  }
}

int live_create(live_set *ls, long client, long therapist, const plan_input *in, double now,
                char *id, char *token, char *err, size_t errlen) {
  pthread_mutex_lock(&ls->mu);
  expire(ls, now);
  live *l = NULL;
  for (int i = 0; i < LIVE_MAX && !l; i++)
    if (!ls->slots[i].used) l = &ls->slots[i];
  if (!l) {   /* reuse the oldest ended session */
    for (int i = 0; i < LIVE_MAX; i++)
      if (ls->slots[i].ended && (!l || ls->slots[i].created < l->created)) l = &ls->slots[i];
    if (l) drop(l);
  }
  if (!l) {
    pthread_mutex_unlock(&ls->mu);
    snprintf(err, errlen, "%d sessions are running already: end one first", LIVE_MAX);
    return LIVE_EBAD;
  }
  memset(l, 0, sizeof *l);
  if (session_init(&l->s, ls->k, in, "interactive", err, errlen)) {
    memset(l, 0, sizeof *l);
    pthread_mutex_unlock(&ls->mu);
    return LIVE_EBAD;
  }
  l->used = 1;
  l->client = client;
  l->therapist = therapist;
  l->created = now;
  l->cur = -1;
  session_time(l->s.started, now);
  hexid(l->id);
  hexid(l->token);
  memcpy(id, l->id, LIVE_ID_LEN + 1);
  memcpy(token, l->token, LIVE_ID_LEN + 1);
  pthread_mutex_unlock(&ls->mu);
  return 0;
}

int live_owner(live_set *ls, const char *id, long *client, long *therapist) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  if (l) { *client = l->client; *therapist = l->therapist; }
  pthread_mutex_unlock(&ls->mu);
  return l ? 0 : LIVE_ENOTFOUND;
}

int live_token(live_set *ls, const char *id, char *token) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  int rc = !l ? LIVE_ENOTFOUND : l->ended ? LIVE_EGONE : 0;
  if (!rc) memcpy(token, l->token, LIVE_ID_LEN + 1);
  pthread_mutex_unlock(&ls->mu);
  return rc;
}

int live_state(live_set *ls, const char *id, double now, buf *out) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  if (!l) { pthread_mutex_unlock(&ls->mu); return LIVE_ENOTFOUND; }
  tick(ls, l, now);
  buf_lit(out, "{\"id\":");
  buf_json_str(out, l->id);
  buf_printf(out, ",\"client\":%ld,\"started\":", l->client);
  buf_json_str(out, l->s.started);
  buf_lit(out, ",\"pain_pre\":");
  if (l->s.pain_pre >= 0) buf_int(out, l->s.pain_pre); else buf_lit(out, "null");
  buf_lit(out, ",\"pain_post\":");
  if (l->s.pain_post >= 0) buf_int(out, l->s.pain_post); else buf_lit(out, "null");
  buf_printf(out, ",\"phone\":%s,\"ended\":%s,\"visit\":", l->phone ? "true" : "false", l->ended ? "true" : "false");
  if (l->visit) buf_int(out, l->visit); else buf_lit(out, "null");
  buf_lit(out, ",\"hold\":");
  if (l->cur >= 0) hold_json(out, ls->k, l, l->cur, now); else buf_lit(out, "null");
  buf_lit(out, ",\"holds\":[");
  for (int i = 0; i < l->s.n_holds; i++) {
    if (i) buf_putc(out, ',');
    hold_json(out, ls->k, l, i, now);
  }
  buf_lit(out, "],\"plan\":");
  sheet_plan_json(out, ls->k, &l->s.plan);
  buf_putc(out, '}');
  pthread_mutex_unlock(&ls->mu);
  return 0;
}

int live_pain(live_set *ls, const char *id, int post, int pain, const char *rom, const char *strength,
              const char *note, char *err, size_t errlen) {
  if (pain < 0 || pain > 10) { snprintf(err, errlen, "pain %d is not 0-10", pain); return LIVE_EBAD; }
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  int rc = !l ? LIVE_ENOTFOUND : l->ended ? LIVE_EGONE : 0;
  if (!rc) {
    if (post) {
      l->s.pain_post = pain;
      if (rom) session_set_text(&l->s.rom, rom);
      if (strength) session_set_text(&l->s.strength, strength);
      if (note) session_set_text(&l->s.note, note);
    } else l->s.pain_pre = pain;
  }
  pthread_mutex_unlock(&ls->mu);
  if (rc == LIVE_EGONE) snprintf(err, errlen, "this session has ended");
  return rc;
}

static void abort_running(live_set *ls, live *l, double now) {
  if (l->cur < 0) return;
  tick(ls, l, now);
  if (l->cur < 0) return;
  hold_abort(&l->s.holds[l->cur].h, hold_t(l, now));
  hold_ended(ls, l, now);
}

int live_hold(live_set *ls, const char *id, int step, double now, char *err, size_t errlen) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  int rc = 0;
  if (!l) rc = LIVE_ENOTFOUND;
  else if (l->ended) { rc = LIVE_EGONE; snprintf(err, errlen, "this session has ended"); }
  else if (step < 1 || step > l->s.plan.n_steps || !l->s.plan.steps[step - 1].timed) {
    rc = LIVE_EBAD;
    snprintf(err, errlen, "step %d is not a timed step of this plan", step);
  } else {
    const char *why = session_should_skip(&l->s, step - 1);
    if (why) { rc = LIVE_EBAD; snprintf(err, errlen, "step %d should not be done today: %s", step, why); }
  }
  if (!rc) {
    abort_running(ls, l, now);
    session_hold *sh = session_add_hold(&l->s, step - 1);
    session_time(sh->start, now);
    l->cur = l->s.n_holds - 1;
    l->t0 = now;
    buf d;
    buf_init(&d);
    hold_json(&d, ls->k, l, l->cur, now);
    emit(ls, l, "hold", &d);
    buf_free(&d);
  }
  pthread_mutex_unlock(&ls->mu);
  return rc;
}

/* Apply an event (caller holds the mutex; l is live and not ended). */
static int apply(live_set *ls, live *l, const char *event, int value, int from_phone, double now, buf *out,
                 char *err, size_t errlen) {
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
    return LIVE_EBAD;
  }
  if (kind == HOLD_EV_FEEDBACK && (value < 0 || value > 10)) {
    snprintf(err, errlen, "feedback %d is not 0-10", value);
    return LIVE_EBAD;
  }
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
    hold_json(out, ls->k, l, i, now);
    buf_putc(out, '}');
  }
  if (hold_done(h)) hold_ended(ls, l, now);
  return 0;
}

int live_event(live_set *ls, const char *id, const char *event, int value, int from_phone, double now,
               buf *out, char *err, size_t errlen) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  int rc = !l ? LIVE_ENOTFOUND : l->ended ? LIVE_EGONE : 0;
  if (rc == LIVE_EGONE) snprintf(err, errlen, "this session has ended");
  if (!rc) rc = apply(ls, l, event, value, from_phone, now, out, err, errlen);
  pthread_mutex_unlock(&ls->mu);
  return rc;
}

int live_stop(live_set *ls, const char *id, double now) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  int rc = !l ? LIVE_ENOTFOUND : l->ended ? LIVE_EGONE : 0;
  if (!rc) abort_running(ls, l, now);
  pthread_mutex_unlock(&ls->mu);
  return rc;
}

int live_finish(live_set *ls, const char *id, double now, buf *log) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  int rc = !l ? LIVE_ENOTFOUND : l->ended ? LIVE_EGONE : 0;
  if (!rc) {
    abort_running(ls, l, now);
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
    session_time(s->ended, now);
    l->ended = 1;
    memset(l->token, 0, sizeof l->token);   /* the phone link dies with the session */
    session_json(log, ls->k, s);
  }
  pthread_mutex_unlock(&ls->mu);
  return rc;
}

void live_stored(live_set *ls, const char *id, long visit) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, id, 0);
  if (l) {
    l->visit = visit;
    buf d;
    buf_init(&d);
    buf_printf(&d, "{\"visit\":%ld}", visit);
    emit(ls, l, "end", &d);
    buf_free(&d);
  }
  pthread_mutex_unlock(&ls->mu);
}

int live_phone_state(live_set *ls, const char *token, double now, buf *out) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, token, 1);
  if (!l) { pthread_mutex_unlock(&ls->mu); return LIVE_ENOTFOUND; }
  tick(ls, l, now);
  if (!l->phone) {
    l->phone = 1;
    buf d;
    buf_init(&d);
    buf_lit(&d, "{\"connected\":true}");
    emit(ls, l, "phone", &d);
    buf_free(&d);
  }
  buf_lit(out, "{\"active\":true,\"hold\":");
  if (l->cur >= 0) {
    const session_hold *sh = &l->s.holds[l->cur];
    buf_lit(out, "{\"muscle_name\":");
    buf_json_str(out, kb_muscle_at(ls->k, l->s.plan.steps[sh->step].muscle)->name);
    buf_printf(out, ",\"t\":%.1f,\"max\":%d}", hold_t(l, now), sh->h.hold_max);
  } else buf_lit(out, "null");
  buf_putc(out, '}');
  pthread_mutex_unlock(&ls->mu);
  return 0;
}

int live_phone_event(live_set *ls, const char *token, const char *event, int value, double now,
                     char *err, size_t errlen) {
  pthread_mutex_lock(&ls->mu);
  live *l = find(ls, token, 1);
  int rc = l ? apply(ls, l, event, value, 1, now, NULL, err, errlen) : LIVE_ENOTFOUND;
  pthread_mutex_unlock(&ls->mu);
  return rc;
}

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int live_poll(live_set *ls, const char *id, unsigned long *cursor, buf *out) {
  pthread_mutex_lock(&ls->mu);
  int rc = 0;
  live *l = find(ls, id, 0);
  if (!l) rc = LIVE_ENOTFOUND;
  else {
    tick(ls, l, wall());
    if (*cursor + QUEUE < l->seq) *cursor = l->seq - QUEUE;   /* a slow watcher misses the oldest */
    for (; *cursor < l->seq; (*cursor)++) buf_puts(out, l->queue[*cursor % QUEUE]);
    if (!out->len && l->ended && l->visit) rc = LIVE_EGONE;
  }
  pthread_mutex_unlock(&ls->mu);
  return rc;
}

unsigned long live_changed(live_set *ls, unsigned long seen, double timeout) {
  pthread_mutex_lock(&ls->mu);
  if (ls->gen == seen && timeout > 0) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long ns = ts.tv_nsec + (long)(timeout * 1e9);
    ts.tv_sec += ns / 1000000000L;
    ts.tv_nsec = ns % 1000000000L;
    while (ls->gen == seen && pthread_cond_timedwait(&ls->cv, &ls->mu, &ts) == 0) {}
  }
  unsigned long g = ls->gen;
  pthread_mutex_unlock(&ls->mu);
  return g;
}
