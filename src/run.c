/* run.c: the guided session in an ANSI terminal: a countdown for each hold, the client's
** feedback from single keys, the safety rules' advice as it applies, and the recheck. */
#include "run.h"
#include "script.h"
#include "sheet.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static struct termios saved;
static int raw_on;
static volatile sig_atomic_t interrupted;

static void raw_off(void) {
  if (raw_on) { tcsetattr(0, TCSAFLUSH, &saved); raw_on = 0; }
}

static void on_signal(int sig) { (void)sig; interrupted = 1; }

static int raw(void) {
  if (tcgetattr(0, &saved)) return -1;
  struct termios t = saved;
  t.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  if (tcsetattr(0, TCSAFLUSH, &t)) return -1;
  raw_on = 1;
  return 0;
}

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put(const buf *b) {
  if (b->len) fwrite(b->data, 1, b->len, stdout);
  fflush(stdout);
}

/* A line typed in cooked mode; NULL at end of input or on interrupt. */
static char *ask(const char *prompt, char *line, size_t n) {
  fputs(prompt, stdout);
  fflush(stdout);
  if (interrupted || !fgets(line, (int)n, stdin)) return NULL;
  line[strcspn(line, "\r\n")] = 0;
  return line;
}

static int ask_pain(const char *prompt) {
  char line[64];
  for (;;) {
    if (!ask(prompt, line, sizeof line)) return -1;
    if (!*line) return -1;
    char *end;
    long v = strtol(line, &end, 10);
    if (end != line && !*end && v >= 0 && v <= 10) return (int)v;
    fputs("  a number 0-10, or Enter to skip\n", stdout);
  }
}

/* The key table: key -> event (or a runner command). */
enum { K_NONE = -1, K_SKIP = -2, K_QUIT = -3 };
static const struct { char key; int event; } keys[] = {
  {'+', HOLD_EV_MORE}, {'-', HOLD_EV_LESS}, {'g', HOLD_EV_GOOD}, {'b', HOLD_EV_BRACING},
  {'s', HOLD_EV_SHARP}, {'n', HOLD_EV_NUMB}, {'f', HOLD_EV_REFERRAL}, {'r', HOLD_EV_RELEASED},
  {'x', HOLD_EV_STOP}, {'k', K_SKIP}, {'q', K_QUIT}, {3, K_QUIT}};

static void status(const hold *h, double t) {
  int s = (int)t, left = h->hold_max - s;
  if (left < 0) left = 0;
  printf("\r\033[K  \033[1m%02d:%02d\033[0m of %d-%d s  (%02d:%02d left)  target %d-%d/10  last: ", s / 60, s % 60,
         h->hold_min, h->hold_max, left / 60, left % 60, h->band_lo, h->band_hi);
  if (h->last >= 0) printf("%d/10", h->last); else fputs("-", stdout);
  fputs("   [0-9 ! + - g f r b s n x k q]", stdout);
  fflush(stdout);
}

static void advice(double t, int a) {
  buf b;
  buf_init(&b);
  script_advice_line(&b, t, a);
  const char *color = a == HOLD_ADV_STOP_NERVE || a == HOLD_ADV_TOO_SENSITIVE ? "\033[1;31m"
                    : (a >= HOLD_ADV_EASE_GUARD && a <= HOLD_ADV_EASE_LESS) ? "\033[33m" : "";
  printf("\r\033[K%s%.*s\033[0m", color, (int)b.len, b.data);
  buf_free(&b);
}

/* Run one hold; returns 0, K_SKIP or K_QUIT. */
static int run_hold(session_hold *sh) {
  hold *h = &sh->h;
  double t0 = mono(), w0 = wall();
  int rc = 0;
  if (raw()) return K_QUIT;
  while (!hold_done(h)) {
    double t = mono() - t0;
    int a = hold_tick(h, t);
    if (a) advice(a == HOLD_ADV_MAX ? h->t_end : t, a);
    if (hold_done(h)) break;
    status(h, t);
    struct pollfd p = {0, POLLIN, 0};
    int r = poll(&p, 1, 200);
    if (interrupted) { rc = K_QUIT; break; }
    if (r <= 0) continue;
    char ch;
    if (read(0, &ch, 1) != 1) { rc = K_QUIT; break; }
    t = mono() - t0;
    int ev = K_NONE, value = 0;
    if (ch >= '0' && ch <= '9') { ev = HOLD_EV_FEEDBACK; value = ch - '0'; }
    else if (ch == '!') { ev = HOLD_EV_FEEDBACK; value = 10; }
    else for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) if (keys[i].key == ch) ev = keys[i].event;
    if (ev == K_SKIP || ev == K_QUIT) { rc = ev; break; }
    if (ev == K_NONE) continue;
    a = hold_event(h, t, ev, value);
    if (a) advice(a == HOLD_ADV_LATE ? h->t_end : t, a);
  }
  if (!hold_done(h)) hold_abort(h, mono() - t0);
  raw_off();
  printf("\r\033[K  outcome: %s after %.0f s%s\n", hold_outcome_name(h->outcome), h->t_end,
         h->confirmed ? ", point confirmed" : "");
  session_time(sh->start, w0);
  session_time(sh->end, w0 + h->t_end);
  return rc;
}

int run_terminal(const kb *k, session *s) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  atexit(raw_off);
  buf b;
  buf_init(&b);
  sheet_plan_text(&b, k, &s->plan);
  put(&b);
  session_time(s->started, wall());
  if (s->plan.refer) {
    session_time(s->ended, wall());
    buf_free(&b);
    return 0;
  }
  s->pain_pre = ask_pain("\nPain now, before treatment (0-10, Enter to skip): ");
  char line[512];
  int quit = 0;
  for (int i = 0; i < s->plan.n_steps && !quit; i++) {
    const plan_step *st = &s->plan.steps[i];
    if (st->phase == PLAN_RECHECK) continue;
    buf_reset(&b);
    buf_putc(&b, '\n');
    sheet_step_text(&b, k, &s->plan, i);
    put(&b);
    const char *why = st->timed ? session_should_skip(s, i) : NULL;
    if (why) {
      printf("  skipped: %s\n", why);
      s->skips[s->n_skips].step = i;
      s->skips[s->n_skips++].why = why;
      continue;
    }
    if (!st->timed) {
      if (!ask("  Enter when done, k to skip, q to end: ", line, sizeof line) || line[0] == 'q') quit = 1;
      continue;
    }
    if (!ask("  Enter to start the hold, k to skip, q to end: ", line, sizeof line) || line[0] == 'q') { quit = 1; break; }
    if (line[0] == 'k') {
      s->skips[s->n_skips].step = i;
      s->skips[s->n_skips++].why = "skipped by the therapist";
      continue;
    }
    /* a sensitive area: the client's consent first, asked once per area and session */
    int refused = 0;
    for (int a = 0; a < st->n_sensitive && !refused && !quit; a++) {
      if (session_consented(s, st->sensitive[a])) continue;
      const kb_term *t = kb_term_at(k, KB_SENSITIVE, st->sensitive[a]);
      printf("  Sensitive area: the %s. %s\n", t->label, t->text);
      if (!ask("  Consent given? v verbal, w written, n no (skip the step), q to end: ", line, sizeof line) || line[0] == 'q') quit = 1;
      else if (line[0] == 'v' || line[0] == 'w') session_add_consent(s, st->sensitive[a], line[0] == 'w', 0, wall());
      else refused = 1;
    }
    if (quit) break;
    if (refused) {
      s->skips[s->n_skips].step = i;
      s->skips[s->n_skips++].why = "no consent for treatment of a sensitive area";
      continue;
    }
    session_hold *sh = session_add_hold(s, i);
    int r = run_hold(sh);
    if (r == K_QUIT) quit = 1;
  }
  if (quit) {
    s->interrupted = 1;
    for (int i = 0; i < s->plan.n_steps; i++) {
      int done = 0;
      for (int j = 0; j < s->n_holds; j++) done |= s->holds[j].step == i;
      for (int j = 0; j < s->n_skips; j++) done |= s->skips[j].step == i;
      if (s->plan.steps[i].timed && !done) { s->skips[s->n_skips].step = i; s->skips[s->n_skips++].why = "the session ended early"; }
    }
  }
  interrupted = 0;
  fputs("\nRecheck\n", stdout);
  s->pain_post = ask_pain("  Pain now, after treatment (0-10, Enter to skip): ");
  if (ask("  Range of motion (a note, Enter to skip): ", line, sizeof line)) session_set_text(&s->rom, line);
  if (ask("  Strength (a note, Enter to skip): ", line, sizeof line)) session_set_text(&s->strength, line);
  if (ask("  Note: ", line, sizeof line)) session_set_text(&s->note, line);
  session_time(s->ended, wall());
  buf_free(&b);
  return 0;
}
