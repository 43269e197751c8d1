/* script.c: running a session plan from a script of events. */
#define _XOPEN_SOURCE 700
#include "script.h"
#include "sheet.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void script_advice_line(buf *out, double t, int advice) {
  int s = (int)t;
  buf_printf(out, "  %02d:%02d  %s\n", s / 60, s % 60, hold_advice_text(advice));
}

static int fail(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
  __attribute__((format(printf, 5, 6)));
static int fail(char *err, size_t errlen, const char *name, int line, const char *fmt, ...) {
  int n = snprintf(err, errlen, "%s:%d: ", name, line);
  if (n >= 0 && (size_t)n < errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static int parse_time(const char *s, double *out) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end || (*end && strcmp(end, "Z") != 0)) return -1;
  *out = (double)timegm(&tm);
  return 0;
}

static int parse_0_10(const char *s, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < 0 || v > 10) return -1;
  *out = (int)v;
  return 0;
}

/* Tick the hold second by second up to t, writing the advice that falls due; an event at
** exactly the longest hold still applies, so the clock stops short of ending it there. */
static void tick_to(hold *h, double from, double t, buf *out) {
  for (double x = (double)(int)from + 1; x <= t && !hold_done(h); x += 1) {
    if (x >= h->hold_max && x >= t) break;
    int a = hold_tick(h, x);
    if (a) script_advice_line(out, a == HOLD_ADV_MAX ? h->t_end : x, a);
  }
}

typedef struct walker {
  const kb *k;
  session *s;
  buf *out;
  int next;          /* next plan step to show */
  double clock;      /* session time, seconds since the epoch */
} walker;

/* Show the plan's untimed steps up to the next timed one; returns its index or -1. */
static int advance(walker *w) {
  const plan *p = &w->s->plan;
  while (w->next < p->n_steps && !p->steps[w->next].timed) {
    if (p->steps[w->next].phase != PLAN_RECHECK) sheet_step_text(w->out, w->k, p, w->next);
    w->next++;
  }
  return w->next < p->n_steps ? w->next : -1;
}

static void finish_hold(walker *w, session_hold *sh, double last) {
  hold *h = &sh->h;
  if (!hold_done(h)) tick_to(h, last, h->hold_max, w->out);
  if (!hold_done(h) && hold_tick(h, h->hold_max)) script_advice_line(w->out, h->t_end, HOLD_ADV_MAX);
  session_time(sh->start, w->clock);
  w->clock += h->t_end;
  session_time(sh->end, w->clock);
  buf_printf(w->out, "  outcome: %s after %.0f s%s%s%s\n", hold_outcome_name(h->outcome), h->t_end,
             h->reason >= 0 ? " (" : "", h->reason >= 0 ? hold_reason_name(h->reason) : "", h->reason >= 0 ? ")" : "");
  if (h->confirmed) buf_lit(w->out, "  point confirmed: referral reproduced\n");
}

int script_run(const kb *k, session *s, const char *name, const char *text, size_t len, double now,
               buf *out, char *err, size_t errlen) {
  walker w = {k, s, out, 0, now};
  char *copy = xmalloc(len + 1);
  memcpy(copy, text, len);
  copy[len] = 0;
  int lineno = 0, rc = 0, started = 0;
  session_hold *cur = NULL;
  double last = 0;
  double start = now;
  if (s->plan.refer) {
    buf_lit(out, "No treatment today: ");
    buf_puts(out, s->plan.refer_why ? s->plan.refer_why : "a contraindication says refer first");
    buf_lit(out, ".\n");
  }
  for (char *line = copy, *nextl; line && !rc; line = nextl) {
    lineno++;
    nextl = strchr(line, '\n');
    if (nextl) *nextl++ = 0;
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    while (*line && isspace((unsigned char)*line)) line++;
    size_t n = strlen(line);
    while (n && isspace((unsigned char)line[n - 1])) line[--n] = 0;
    if (!*line) continue;
    char *arg = line;
    while (*arg && !isspace((unsigned char)*arg)) arg++;
    if (*arg) { *arg++ = 0; while (isspace((unsigned char)*arg)) arg++; }
    const char *word = line;
#define FAIL(...) (rc = fail(err, errlen, name, lineno, __VA_ARGS__))
    if (isdigit((unsigned char)word[0]) || word[0] == '.') {
      /* T EVENT */
      char *end;
      double t = strtod(word, &end);
      if (*end || !(t >= 0)) { FAIL("\"%s\" is not a time in seconds", word); break; }
      if (t > 3600) { FAIL("time %s s is past an hour into the hold", word); break; }
      if (!cur) { FAIL("an event outside a hold: put \"hold\" before it"); break; }
      if (t < last) { FAIL("time %s s goes back (the last event was at %.0f s)", word, last); break; }
      if (hold_done(&cur->h)) {
        FAIL("the hold already ended at %.0f s (%s); start the next with \"hold\"", cur->h.t_end, hold_outcome_name(cur->h.outcome));
        break;
      }
      int kind, value = 0;
      if (parse_0_10(arg, &value) == 0) kind = HOLD_EV_FEEDBACK;
      else if ((kind = hold_event_find(arg)) < 0 || kind == HOLD_EV_FEEDBACK) {
        FAIL("unknown event \"%s\": use a number 0-10, more, less, good, bracing, sharp, shooting, numb, tingling, referral, released or stop", arg);
        break;
      }
      tick_to(&cur->h, last, t, out);
      if (hold_done(&cur->h)) {
        FAIL("the hold ended at its longest hold, %d s, before this event at %s s", cur->h.hold_max, word);
        break;
      }
      int a = hold_event(&cur->h, t, kind, value);
      int ts = (int)t;
      buf_printf(out, "  %02d:%02d  %-9s", ts / 60, ts % 60, kind == HOLD_EV_FEEDBACK ? "" : hold_event_name(kind));
      if (kind == HOLD_EV_FEEDBACK) { out->len -= 9; buf_printf(out, "%2d/10    ", value); }
      buf_printf(out, "-> %s\n", hold_advice_text(a));
      last = t;
      continue;
    }
    if (cur && strcmp(word, "hold") && strcmp(word, "skip") && strcmp(word, "wait")) {
      /* any other directive closes the open hold */
      finish_hold(&w, cur, last);
      cur = NULL;
    }
    if (strcmp(word, "start") == 0) {
      if (started) { FAIL("\"start\" must come first, before any hold"); break; }
      if (parse_time(arg, &start)) { FAIL("start takes a UTC time like 2026-11-22T10:00:00Z, not \"%s\"", arg); break; }
      w.clock = start;
    } else if (strcmp(word, "pre") == 0 || strcmp(word, "post") == 0) {
      int v;
      if (parse_0_10(arg, &v)) { FAIL("%s takes a pain score 0-10, not \"%s\"", word, arg); break; }
      if (word[1] == 'r') { s->pain_pre = v; buf_printf(out, "Pain before: %d/10\n", v); }
      else {
        s->pain_post = v;
        buf_printf(out, "Pain after: %d/10", v);
        if (s->pain_pre >= 0) buf_printf(out, " (before: %d/10)", s->pain_pre);
        buf_putc(out, '\n');
      }
    } else if (strcmp(word, "hold") == 0 || strcmp(word, "skip") == 0) {
      if (cur) { finish_hold(&w, cur, last); cur = NULL; }
      if (!started) { session_time(s->started, start); started = 1; }
      int st;
      const char *why;
      while ((st = advance(&w)) >= 0 && (why = session_should_skip(s, st))) {
        buf_putc(out, '\n');
        sheet_step_text(out, k, &s->plan, st);
        buf_printf(out, "  skipped: %s\n", why);
        if (s->n_skips < (int)(sizeof s->skips / sizeof s->skips[0])) { s->skips[s->n_skips].step = st; s->skips[s->n_skips++].why = why; }
        w.next++;
      }
      if (st < 0) { FAIL("no timed step left in the plan for this \"%s\"", word); break; }
      buf_putc(out, '\n');
      sheet_step_text(out, k, &s->plan, st);
      w.next++;
      if (word[1] == 'k') {
        if (s->n_skips < (int)(sizeof s->skips / sizeof s->skips[0])) {
          s->skips[s->n_skips].step = st;
          s->skips[s->n_skips++].why = "skipped by the therapist";
        }
        buf_lit(out, "  skipped\n");
      } else {
        const plan_step *ps = &s->plan.steps[st];
        for (int a = 0; a < ps->n_sensitive && !rc; a++)
          if (!session_consented(s, ps->sensitive[a]))
            FAIL("this step works in the %s: record the client's consent first (consent %s verbal|written)",
                 kb_term_at(k, KB_SENSITIVE, ps->sensitive[a])->label, kb_term_at(k, KB_SENSITIVE, ps->sensitive[a])->id);
        if (rc) break;
        cur = session_add_hold(s, st);
        last = 0;
        buf_lit(out, "  hold begins\n");
      }
    } else if (strcmp(word, "consent") == 0 || strcmp(word, "withdraw") == 0) {
      /* consent AREA... verbal|written, or withdraw AREA...: at the session's time (after the
      ** hold before it, which this directive closed) */
      int give = word[0] == 'c', written = 0, n = 0, areas[16];
      char *save = NULL, *list = xstrdup(arg);
      for (char *a = strtok_r(list, " \t", &save); a && !rc; a = strtok_r(NULL, " \t", &save)) {
        if (give && (!strcmp(a, "verbal") || !strcmp(a, "written"))) { written = a[0] == 'w'; give = 2; continue; }
        int x = kb_find_term(k, KB_SENSITIVE, a);
        if (x < 0) FAIL("unknown sensitive area \"%s\": use breast-chest-wall, upper-inner-thigh, gluteal or abdomen-pelvis", a);
        else if (n < 16) areas[n++] = x;
      }
      free(list);
      if (rc) break;
      if (!n || give == 1) { FAIL(give ? "consent takes the areas and how: consent gluteal verbal" : "withdraw takes the areas: withdraw gluteal"); break; }
      if (!started) { session_time(s->started, start); started = 1; }
      for (int i = 0; i < n; i++) {
        session_add_consent(s, areas[i], written, !give, w.clock);
        buf_printf(out, "Consent for the %s %s\n", kb_term_at(k, KB_SENSITIVE, areas[i])->label,
                   !give ? "withdrawn" : written ? "given in writing" : "given verbally");
      }
    } else if (strcmp(word, "wait") == 0) {
      char *end;
      double v = strtod(arg, &end);
      if (end == arg || *end || !(v >= 0)) { FAIL("wait takes seconds, not \"%s\"", arg); break; }
      if (v > 86400) { FAIL("wait %s s is longer than a day", arg); break; }
      if (cur) { finish_hold(&w, cur, last); cur = NULL; }
      w.clock += v;
    } else if (strcmp(word, "rom") == 0) session_set_text(&s->rom, arg);
    else if (strcmp(word, "strength") == 0) session_set_text(&s->strength, arg);
    else if (strcmp(word, "note") == 0) session_set_text(&s->note, arg);
    else if (strcmp(word, "quit") == 0) { s->interrupted = 1; break; }
    else {
      FAIL("unknown directive \"%s\": use start, pre, hold, skip, a time and an event, wait, consent, withdraw, post, rom, strength, note or quit", word);
      break;
    }
#undef FAIL
  }
  if (!rc && cur) finish_hold(&w, cur, last);
  if (!rc) {
    if (!started) session_time(s->started, start);
    /* timed steps never reached */
    for (int i = w.next; i < s->plan.n_steps; i++) {
      if (!s->plan.steps[i].timed || s->n_skips >= (int)(sizeof s->skips / sizeof s->skips[0])) continue;
      const char *why = session_should_skip(s, i);
      s->skips[s->n_skips].step = i;
      s->skips[s->n_skips++].why = why ? why : s->interrupted ? "the session ended early" : "not reached";
    }
    if (!s->interrupted) {
      advance(&w);
    }
    session_time(s->ended, w.clock);
  }
  free(copy);
  return rc;
}
