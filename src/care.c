/* care.c: the treatment front end: plan, session, homecare and condition commands. */
#define _XOPEN_SOURCE 700
#include "care.h"
#include "chart.h"
#include "home.h"
#include "plan.h"
#include "run.h"
#include "script.h"
#include "session.h"
#include "sheet.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What the point-taking commands share. */
typedef struct sel {
  plan_input in;
  const char *where;     /* --where FILE */
  int top;
  const char *events, *log, *out_file, *now, *session_log;
  int html, list_contras;
  int n_args;            /* positional arguments */
  home_context ctx;      /* homecare: --context, --desk-hours, --sleep-hours */
  int has_ctx;
} sel;

/* --context A,B for homecare: every id must be an activity. */
static int parse_context(const cmd *c, const kb *k, const char *v, home_context *ctx) {
  char w[128];
  for (const char *p = v; *p;) {
    while (*p == ',' || *p == ' ') p++;
    size_t n = strcspn(p, ", ");
    if (!n) break;
    snprintf(w, sizeof w, "%.*s", (int)n, p);
    if (kb_find_term(k, KB_ACTIVITY, w) < 0) {
      const char *hint = kb_suggest_term(k, KB_ACTIVITY, w);
      char msg[320];
      snprintf(msg, sizeof msg, "unknown activity \"%s\"%s%s%s (`myomap kb export` lists them)", w,
               hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
      return cli_usage_error(c, "%s", msg);
    }
    p += n;
  }
  home_context_activities(k, v, ctx);
  return 0;
}

static int parse_hours(const cmd *c, const char *a, const char *v, double *out) {
  char *end;
  double h = strtod(v, &end);
  if (*end || end == v || h < 0 || h > 24) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s takes hours 0-24, not \"%.60s\"", a, v);
    return cli_usage_error(c, "%s", msg);
  }
  *out = h;
  return 0;
}

static int side_code(const char *s) {
  static const char *const names[] = {"mid", "l", "r"};
  for (int i = 0; i < 3; i++) if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

static int add_point(plan_input *in, int tp, int side) {
  for (int i = 0; i < in->n_points; i++) if (in->points[i].tp == tp && in->points[i].side == side) return 0;
  if (in->n_points == PLAN_MAX_POINTS) return -1;
  in->points[in->n_points].tp = tp;
  in->points[in->n_points++].side = side;
  return 0;
}

/* "upper-trapezius-tp1:l" or "upper-trapezius:l" (all its points). */
static int parse_point(const cmd *c, const kb *k, const char *arg, plan_input *in) {
  char id[128];
  const char *colon = strrchr(arg, ':');
  size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
  if (n >= sizeof id) return cli_usage_error(c, "\"%s\" is too long for a point id", arg);
  memcpy(id, arg, n);
  id[n] = 0;
  int tp = kb_find_tp(k, id), m = tp >= 0 ? kb_tp_at(k, tp)->muscle : kb_find_muscle(k, id);
  if (m < 0) {
    const char *hint = kb_suggest_muscle(k, id);
    fprintf(stderr, "myomap %s: %s: no such trigger point or muscle%s%s%s\n", c->name, id,
            hint ? "; did you mean " : "", hint ? hint : "", hint ? "? (`myomap muscle NAME` lists its points)" : "");
    return EXIT_UNKNOWN;
  }
  const kb_muscle *mu = kb_muscle_at(k, m);
  int side = BODY_MID;
  if (mu->paired) {
    if (!colon) {
      fprintf(stderr, "myomap %s: %s: say the side, e.g. %s:l (the patient's left) or %s:r\n", c->name, arg, id, id);
      return EXIT_USAGE;
    }
    side = side_code(colon + 1);
    if (side != BODY_L && side != BODY_R) {
      fprintf(stderr, "myomap %s: %s: the side must be l or r (the patient's left or right), e.g. %s:l\n", c->name, arg, id);
      return EXIT_USAGE;
    }
  } else if (colon && side_code(colon + 1) != BODY_MID) {
    fprintf(stderr, "myomap %s: %s is a midline muscle: give it without a side\n", c->name, mu->id);
    return EXIT_USAGE;
  }
  int lo = tp >= 0 ? tp : mu->first_tp, hi = tp >= 0 ? tp + 1 : mu->first_tp + mu->n_tps;
  for (int t = lo; t < hi; t++)
    if (add_point(in, t, side)) return cli_usage_error(c, "at most %s points in one session", "32");
  return 0;
}

/* "open-wound:calf-l", "anticoagulants"; comma lists. */
int care_parse_contras(const cmd *c, const kb *k, const char *list, plan_input *in) {
  char *copy = xstrdup(list), *save = NULL;
  int rc = 0;
  for (char *s = strtok_r(copy, ",", &save); s && !rc; s = strtok_r(NULL, ",", &save)) {
    char *colon = strchr(s, ':');
    if (colon) *colon++ = 0;
    int ci = kb_find_term(k, KB_CONTRA, s);
    if (ci < 0) {
      const char *hint = kb_suggest_term(k, KB_CONTRA, s);
      fprintf(stderr, "myomap %s: unknown contraindication \"%s\"%s%s%s (`myomap plan --contras` lists them)\n", c->name, s,
              hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
      rc = EXIT_UNKNOWN;
      break;
    }
    const kb_term *ct = kb_term_at(k, KB_CONTRA, ci);
    int region = -1;
    if (colon) {
      region = body_find(kb_body(k), colon);
      if (region < 0) {
        const char *hint = body_suggest(kb_body(k), colon);
        fprintf(stderr, "myomap %s: unknown region \"%s\"%s%s%s\n", c->name, colon,
                hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
        rc = EXIT_UNKNOWN;
        break;
      }
    }
    if (ct->scope == KB_SCOPE_LOCAL && region < 0) {
      fprintf(stderr, "myomap %s: %s is local: say where, e.g. %s:calf-l\n", c->name, s, s);
      rc = EXIT_USAGE;
      break;
    }
    if (in->n_contras == PLAN_MAX_CONTRAS) { rc = cli_usage_error(c, "at most %s contraindications", "16"); break; }
    in->contras[in->n_contras].contra = ci;
    in->contras[in->n_contras++].region = region;
  }
  free(copy);
  return rc;
}

/* The top candidates of a `where --json` result, and its screen. */
static int read_where(const cmd *c, const kb *k, sel *s, char *refer, size_t refer_len) {
  char *text;
  size_t len;
  int rc = cli_read_input(c, s->where, &text, &len);
  if (rc) return rc;
  json_error_t je;
  json_t *root = json_loadb(text, len, 0, &je);
  free(text);
  json_t *cands = root ? json_object_get(root, "candidates") : NULL;
  if (!json_is_array(cands)) {
    fprintf(stderr, "myomap %s: %s is not the output of `myomap where --json`%s%s\n", c->name, s->where,
            root ? "" : ": ", root ? "" : je.text);
    json_decref(root);
    return EXIT_USAGE;
  }
  size_t i;
  json_t *v;
  json_array_foreach(cands, i, v) {
    if ((int)i >= s->top) break;
    const char *tp = json_string_value(json_object_get(v, "trigger_point"));
    const char *side = json_string_value(json_object_get(v, "side"));
    int t = tp ? kb_find_tp(k, tp) : -1, sd = side ? side_code(side) : -1;
    if (t < 0 || sd < 0) {
      fprintf(stderr, "myomap %s: %s: candidate %zu names an unknown trigger point or side\n", c->name, s->where, i + 1);
      json_decref(root);
      return EXIT_UNKNOWN;
    }
    add_point(&s->in, t, sd);
  }
  json_t *screen = json_object_get(root, "screen");
  if (json_is_true(json_object_get(screen, "refer"))) {
    json_t *flags = json_object_get(screen, "flags"), *f;
    size_t at = (size_t)snprintf(refer, refer_len, "the red-flag screen says refer first");
    json_array_foreach(flags, i, f) {
      const char *reason = json_string_value(json_object_get(f, "reason"));
      if (reason && at < refer_len) at += (size_t)snprintf(refer + at, refer_len - at, "%s %s", i ? "" : ":", reason);
    }
    s->in.refer = refer;
  }
  json_decref(root);
  return 0;
}

/* Parse the options shared by plan, session run and homecare into s, emptied first (the top 3
** candidates of --where unless --top says otherwise). */
static int parse_sel(const cmd *c, opts *o, const kb *k, int argc, char **argv, sel *s, char *refer, size_t refer_len) {
  memset(s, 0, sizeof *s);
  s->top = 3;
  int rc = 0;
  for (int i = 0; i < argc && !rc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int takes = !strcmp(a, "--contra") || !strcmp(a, "--where") || !strcmp(a, "--top") || !strcmp(a, "--events") ||
                !strcmp(a, "--log") || !strcmp(a, "-o") || !strcmp(a, "--now") ||
                !strcmp(a, "--context") || !strcmp(a, "--desk-hours") || !strcmp(a, "--sleep-hours");
    int home_opt = !strcmp(a, "--context") || !strcmp(a, "--desk-hours") || !strcmp(a, "--sleep-hours");
    if (home_opt && strcmp(c->name, "homecare")) return cli_usage_error(c, "unknown option \"%s\"", a);
    if (takes && !v) return cli_usage_error(c, "%s needs a value", a);
    if (!strcmp(a, "--json")) o->json = 1;
    else if (!strcmp(a, "--html")) s->html = 1;
    else if (!strcmp(a, "--contras")) s->list_contras = 1;
    else if (!strcmp(a, "--fascial")) s->in.fascial = 1;
    else if (!strcmp(a, "--contra")) { rc = care_parse_contras(c, k, v, &s->in); i++; }
    else if (!strcmp(a, "--where")) { s->where = v; i++; }
    else if (!strcmp(a, "--events")) { s->events = v; i++; }
    else if (!strcmp(a, "--log")) { s->log = v; i++; }
    else if (!strcmp(a, "-o")) { s->out_file = v; i++; }
    else if (!strcmp(a, "--now")) { s->now = v; i++; }
    else if (home_opt) {
      if (!s->has_ctx) { home_context_init(&s->ctx); s->has_ctx = 1; }
      if (!strcmp(a, "--context")) rc = parse_context(c, k, v, &s->ctx);
      else rc = parse_hours(c, a, v, !strcmp(a, "--desk-hours") ? &s->ctx.desk_hours : &s->ctx.sleep_hours);
      i++;
    }
    else if (!strcmp(a, "--top")) {
      char *end;
      long t = strtol(v, &end, 10);
      if (*end || t < 1 || t > PLAN_MAX_POINTS) return cli_usage_error(c, "--top takes a number 1-32, not \"%s\"", v);
      s->top = (int)t;
      i++;
    } else if (a[0] == '-' && a[1]) return cli_usage_error(c, "unknown option \"%s\"", a);
    else {
      s->n_args++;
      size_t n = strlen(a);
      if (!strcmp(c->name, "homecare") && n > 5 && !strcmp(a + n - 5, ".json")) { s->session_log = a; continue; }
      rc = parse_point(c, k, a, &s->in);
    }
  }
  if (!rc && s->where) rc = read_where(c, k, s, refer, refer_len);
  return rc;
}

static int list_contras(const kb *k, int json) {
  buf out;
  buf_init(&out);
  if (json) buf_putc(&out, '[');
  for (int i = 0; i < kb_n_terms(k, KB_CONTRA); i++) {
    const kb_term *t = kb_term_at(k, KB_CONTRA, i);
    if (json) {
      if (i) buf_putc(&out, ',');
      buf_lit(&out, "{\"id\":"); buf_json_str(&out, t->id);
      buf_lit(&out, ",\"scope\":"); buf_json_str(&out, kb_scope_name(t->scope));
      buf_lit(&out, ",\"label\":"); buf_json_str(&out, t->label);
      buf_lit(&out, ",\"advice\":"); buf_json_str(&out, t->text);
      buf_putc(&out, '}');
    } else buf_printf(&out, "%-20s %-8s %s%s\n", t->id, kb_scope_name(t->scope), t->label,
                      t->scope == KB_SCOPE_LOCAL ? " (give its region: ID:REGION)" : "");
  }
  if (json) buf_lit(&out, "]\n");
  int rc = cli_write(&out);
  buf_free(&out);
  return rc;
}

static int need_points(const cmd *c, const sel *s) {
  if (s->in.n_points || s->in.refer) return 0;
  return cli_usage_error(c, "%s", "name the trigger points to treat (e.g. upper-trapezius-tp1:l) or give --where FILE");
}

int care_plan(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("plan");
  kb *k;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  sel s;
  char refer[512], err[256];
  rc = parse_sel(c, o, k, argc, argv, &s, refer, sizeof refer);
  if (!rc && s.list_contras) { rc = list_contras(k, o->json); kb_free(k); return rc; }
  if (!rc) rc = need_points(c, &s);
  if (rc) { kb_free(k); return rc; }
  plan p;
  if (plan_build(k, &s.in, &p, err, sizeof err)) { fprintf(stderr, "myomap plan: %s\n", err); kb_free(k); return EXIT_USAGE; }
  buf out;
  buf_init(&out);
  if (o->json) { sheet_plan_json(&out, k, &p); buf_putc(&out, '\n'); }
  else sheet_plan_text(&out, k, &p);
  rc = cli_write(&out);
  buf_free(&out);
  kb_free(k);
  return rc;
}

static int write_file(const char *cmdname, const char *path, const buf *b) {
  FILE *f = fopen(path, "w");
  if (!f || (b->len && fwrite(b->data, 1, b->len, f) != b->len) || fclose(f)) {
    fprintf(stderr, "myomap %s: cannot write %s: %s\n", cmdname, path, strerror(errno));
    if (f) fclose(f);
    return EXIT_IO;
  }
  return 0;
}

int care_session(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("session");
  if (argc < 1 || strcmp(argv[0], "run")) return cli_usage_error(c, "%s", "say `session run` (see `myomap session --help`)");
  kb *k;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  sel s;
  char refer[512], err[512];
  rc = parse_sel(c, o, k, argc - 1, argv + 1, &s, refer, sizeof refer);
  if (!rc) rc = need_points(c, &s);
  double now = (double)time(NULL);
  if (!rc && s.now) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s.now, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || (*end && strcmp(end, "Z"))) rc = cli_usage_error(c, "--now takes a UTC time like 2026-11-22T10:00:00Z, not \"%s\"", s.now);
    else now = (double)timegm(&tm);
  }
  if (!rc && !s.events && !(isatty(0) && isatty(1)))
    rc = cli_usage_error(c, "%s", "an interactive session needs a terminal; give --events FILE to run from a script");
  if (rc) { kb_free(k); return rc; }
  session ss;
  if (session_init(&ss, k, &s.in, s.events ? "scripted" : "interactive", err, sizeof err)) {
    fprintf(stderr, "myomap session: %s\n", err);
    kb_free(k);
    return EXIT_USAGE;
  }
  char logname[64];
  if (!s.log) {
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(logname, sizeof logname, "myomap-session-%Y%m%d-%H%M%S.json", &tm);
    s.log = logname;
  }
  buf out;
  buf_init(&out);
  if (s.events) {
    char *text;
    size_t len;
    rc = cli_read_input(c, s.events, &text, &len);
    if (!rc) {
      buf_lit(&out, "Session plan\n");
      if (script_run(k, &ss, s.events, text, len, now, &out, err, sizeof err)) {
        cli_write(&out);
        fprintf(stderr, "myomap session: %s\n(no session log written)\n", err);
        rc = EXIT_USAGE;
      }
      free(text);
    }
  } else rc = run_terminal(k, &ss);
  if (!rc) {
    buf log;
    buf_init(&log);
    session_json(&log, k, &ss);
    rc = write_file("session", s.log, &log);
    buf_free(&log);
    if (!rc) buf_printf(&out, "\nSession log written to %s\nNext: myomap homecare %s --html -o handout.html\n", s.log, s.log);
    if (cli_write(&out)) rc = EXIT_IO;
  }
  buf_free(&out);
  session_free(&ss);
  kb_free(k);
  return rc;
}

int care_homecare(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("homecare");
  kb *k;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  sel s;
  char refer[512], err[512];
  rc = parse_sel(c, o, k, argc, argv, &s, refer, sizeof refer);
  int stopped[PLAN_MAX_POINTS];
  for (int i = 0; i < PLAN_MAX_POINTS; i++) stopped[i] = -1;
  if (!rc && s.session_log) {
    if (s.in.n_points || s.where) rc = cli_usage_error(c, "%s", "give a session log or points, not both");
    else {
      char *text;
      size_t len;
      rc = cli_read_input(c, s.session_log, &text, &len);
      if (!rc) {
        session_summary sum;
        if (session_read(k, text, len, &sum, err, sizeof err)) {
          fprintf(stderr, "myomap homecare: %s: %s\n", s.session_log, err);
          rc = EXIT_USAGE;
        } else {
          plan_input extra = s.in;   /* --contra given on the command line are added */
          s.in = sum.in;
          for (int i = 0; i < extra.n_contras && s.in.n_contras < PLAN_MAX_CONTRAS; i++) s.in.contras[s.in.n_contras++] = extra.contras[i];
          memcpy(stopped, sum.stopped, sizeof stopped);
        }
        free(text);
      }
    }
  }
  if (!rc && o->json && s.html) rc = cli_usage_error(c, "%s", "choose --json or --html, not both");
  if (!rc) rc = need_points(c, &s);
  if (rc) { kb_free(k); return rc; }
  home h;
  home_build(k, &s.in, stopped, &h);
  home_perpetuating(k, s.has_ctx ? &s.ctx : NULL, &h);
  buf out;
  buf_init(&out);
  if (o->json) { sheet_home_json_lang(&out, k, &h, o->lang); buf_putc(&out, '\n'); }
  else if (s.html) {
    chart *ch;
    buf errors;
    buf_init(&errors);
    if (chart_load_builtin(&ch, kb_body(k), &errors)) {
      fputs(errors.data ? errors.data : "", stderr);
      buf_free(&errors);
      buf_free(&out);
      kb_free(k);
      return EXIT_KB;
    }
    buf_free(&errors);
    sheet_home_html_lang(&out, k, ch, &h, NULL, o->lang);
    chart_free(ch);
  } else sheet_home_text_lang(&out, k, &h, o->lang);
  rc = s.out_file ? write_file("homecare", s.out_file, &out) : cli_write(&out);
  if (!rc && s.out_file) fprintf(stderr, "myomap homecare: wrote %s\n", s.out_file);
  buf_free(&out);
  kb_free(k);
  return rc;
}

int care_condition(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("condition");
  const char *name = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) o->json = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error(c, "unknown option \"%s\"", argv[i]);
    else if (name) return cli_usage_error(c, "%s", "give one condition");
    else name = argv[i];
  }
  kb *k;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  buf out;
  buf_init(&out);
  if (!name) {
    if (o->json) { sheet_conditions_json(&out, k); buf_putc(&out, '\n'); }
    else sheet_conditions_text(&out, k);
  } else {
    int ci = kb_find_condition(k, name);
    if (ci < 0) {
      const char *hint = kb_suggest_condition(k, name);
      fprintf(stderr, "myomap condition: %s: no such condition%s%s%s (`myomap condition` lists them)\n", name,
              hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
      buf_free(&out);
      kb_free(k);
      return EXIT_UNKNOWN;
    }
    if (o->json) { sheet_condition_json(&out, k, ci); buf_putc(&out, '\n'); }
    else sheet_condition_text(&out, k, ci);
  }
  rc = cli_write(&out);
  buf_free(&out);
  kb_free(k);
  return rc;
}
