/* session.c: the record of a treatment session, its JSON log, and reading a log back. */
#include "session.h"
#include "sheet.h"

#include <jansson.h>
#include "json.h"   /* (after jansson.h: json_tree alone) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int session_init(session *s, const kb *k, const plan_input *in, const char *mode, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  s->in = *in;
  s->mode = mode;
  s->pain_pre = s->pain_post = -1;
  return plan_build(k, in, &s->plan, err, errlen);
}

void session_free(session *s) {
  free(s->holds); free(s->rom); free(s->strength); free(s->note);
  free(s->consents); free(s->cleared); free(s->cleared_refer);
  memset(s, 0, sizeof *s);
}

session_hold *session_add_hold(session *s, int step) {
  if (s->n_holds == s->cap_holds) {
    s->cap_holds = s->cap_holds ? 2 * s->cap_holds : 8;
    s->holds = xrealloc(s->holds, (size_t)s->cap_holds * sizeof *s->holds);
  }
  session_hold *sh = &s->holds[s->n_holds++];
  memset(sh, 0, sizeof *sh);
  sh->step = step;
  const plan_step *ps = &s->plan.steps[step];
  hold_start(&sh->h, ps->hold_min, ps->hold_max, ps->band_lo, ps->band_hi);
  return sh;
}

const char *session_should_skip(const session *s, int step) {
  const plan_step *ps = &s->plan.steps[step];
  for (int i = 0; i < s->n_holds; i++) {
    const plan_step *hs = &s->plan.steps[s->holds[i].step];
    if (hs->muscle != ps->muscle || hs->side != ps->side) continue;
    if (s->holds[i].h.outcome == HOLD_STOPPED) return "an earlier hold on this muscle was stopped for sharp or nerve pain";
    if (s->holds[i].h.outcome == HOLD_TOO_SENSITIVE && hs->tp == ps->tp) return "this point was too sensitive earlier";
  }
  return NULL;
}

void session_add_consent(session *s, int area, int written, int withdrawn, double epoch) {
  if (s->n_consents == s->cap_consents) {
    s->cap_consents = s->cap_consents ? 2 * s->cap_consents : 4;
    s->consents = xrealloc(s->consents, (size_t)s->cap_consents * sizeof *s->consents);
  }
  session_consent *c = &s->consents[s->n_consents++];
  memset(c, 0, sizeof *c);
  c->area = area;
  c->written = withdrawn ? 0 : written;
  c->withdrawn = withdrawn;
  session_time(c->at, epoch);
}

int session_consented(const session *s, int area) {
  for (int i = s->n_consents - 1; i >= 0; i--)
    if (s->consents[i].area == area) return !s->consents[i].withdrawn;
  return 0;
}

void session_set_text(char **field, const char *text) {
  free(*field);
  *field = text && *text ? xstrdup(text) : NULL;
}

void session_time(char out[32], double epoch) {
  /* clamp to years 1970..9999 so the cast and the format stay defined */
  time_t t = !(epoch > 0) ? 0 : epoch > 253402300799.0 ? (time_t)253402300799 : (time_t)epoch;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void str_or_null(buf *b, const char *s) { if (s && *s) buf_json_str(b, s); else buf_lit(b, "null"); }
static void int_or_null(buf *b, int v) { if (v >= 0) buf_int(b, v); else buf_lit(b, "null"); }

static void num(buf *b, double v) { buf_printf(b, "%.1f", v); }

static void json_hold(buf *b, const kb *k, const session *s, const session_hold *sh) {
  const plan_step *ps = &s->plan.steps[sh->step];
  const hold *h = &sh->h;
  buf_lit(b, "    {\"step\":"); buf_int(b, sh->step);
  buf_lit(b, ",\"phase\":"); buf_json_str(b, plan_phase_name(ps->phase));
  buf_lit(b, ",\"muscle\":"); buf_json_str(b, kb_muscle_at(k, ps->muscle)->id);
  buf_lit(b, ",\"tp\":"); str_or_null(b, ps->tp >= 0 ? kb_tp_at(k, ps->tp)->id : NULL);
  buf_lit(b, ",\"side\":"); buf_json_str(b, body_side_name(ps->side));
  buf_lit(b, ",\"technique\":"); buf_json_str(b, kb_term_at(k, KB_TECHNIQUE, ps->technique)->id);
  buf_lit(b, ",\n     \"start\":"); buf_json_str(b, sh->start);
  buf_lit(b, ",\"end\":"); buf_json_str(b, sh->end);
  buf_lit(b, ",\"seconds\":"); num(b, h->t_end);
  buf_lit(b, ",\"hold\":["); buf_int(b, h->hold_min); buf_putc(b, ','); buf_int(b, h->hold_max);
  buf_lit(b, "],\"band\":["); buf_int(b, h->band_lo); buf_putc(b, ','); buf_int(b, h->band_hi);
  buf_lit(b, "],\n     \"feedback\":[");
  for (int i = 0; i < h->n_samples; i++) {
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"t\":"); num(b, h->samples[i].t); buf_lit(b, ",\"value\":"); buf_int(b, h->samples[i].value); buf_putc(b, '}');
  }
  buf_lit(b, "],\n     \"events\":[");
  for (int i = 0; i < h->n_events; i++) {
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"t\":"); num(b, h->events[i].t); buf_lit(b, ",\"event\":"); buf_json_str(b, hold_event_name(h->events[i].kind)); buf_putc(b, '}');
  }
  buf_lit(b, "],\n     \"advice\":[");
  for (int i = 0; i < h->n_advice; i++) {
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"t\":"); num(b, h->advice[i].t); buf_lit(b, ",\"advice\":"); buf_json_str(b, hold_advice_name(h->advice[i].kind));
    buf_lit(b, ",\"text\":"); buf_json_str(b, hold_advice_text(h->advice[i].kind)); buf_putc(b, '}');
  }
  buf_lit(b, "],\n     \"outcome\":"); buf_json_str(b, hold_outcome_name(h->outcome));
  buf_lit(b, ",\"reason\":"); str_or_null(b, hold_reason_name(h->reason));
  buf_lit(b, ",\"confirmed\":"); buf_puts(b, h->confirmed ? "true" : "false");
  buf_putc(b, '}');
}

void session_json(buf *b, const kb *k, const session *s) {
  const body *bd = kb_body(k);
  buf_lit(b, "{\"myomap\":\"session\",\"version\":1,\"mode\":"); buf_json_str(b, s->mode);
  buf_lit(b, ",\n \"started\":"); buf_json_str(b, s->started);
  buf_lit(b, ",\"ended\":"); buf_json_str(b, s->ended);
  buf_lit(b, ",\"interrupted\":"); buf_puts(b, s->interrupted ? "true" : "false");
  buf_lit(b, ",\n \"points\":[");
  for (int i = 0; i < s->in.n_points; i++) {
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"tp\":"); buf_json_str(b, kb_tp_at(k, s->in.points[i].tp)->id);
    buf_lit(b, ",\"side\":"); buf_json_str(b, body_side_name(s->in.points[i].side)); buf_putc(b, '}');
  }
  buf_lit(b, "],\n \"contraindications\":[");
  for (int i = 0; i < s->in.n_contras; i++) {
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"id\":"); buf_json_str(b, kb_term_at(k, KB_CONTRA, s->in.contras[i].contra)->id);
    buf_lit(b, ",\"region\":"); str_or_null(b, s->in.contras[i].region >= 0 ? body_at(bd, s->in.contras[i].region)->id : NULL);
    buf_putc(b, '}');
  }
  buf_lit(b, "],\n \"fascial\":"); buf_puts(b, s->in.fascial ? "true" : "false");
  buf_lit(b, ",\n \"consent\":[");
  for (int i = 0; i < s->n_consents; i++) {
    const session_consent *c = &s->consents[i];
    const kb_term *t = kb_term_at(k, KB_SENSITIVE, c->area);
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"area\":"); buf_json_str(b, t->id);
    buf_lit(b, ",\"label\":"); buf_json_str(b, t->label);
    buf_lit(b, ",\"how\":"); if (c->withdrawn) buf_lit(b, "null"); else buf_json_str(b, c->written ? "written" : "verbal");
    buf_lit(b, ",\"withdrawn\":"); buf_puts(b, c->withdrawn ? "true" : "false");
    buf_lit(b, ",\"at\":"); buf_json_str(b, c->at);
    buf_putc(b, '}');
  }
  buf_lit(b, "],\n \"cleared\":");
  if (s->cleared) {
    buf_lit(b, "{\"by\":"); buf_json_str(b, s->cleared);
    buf_lit(b, ",\"refer\":"); str_or_null(b, s->cleared_refer);
    buf_putc(b, '}');
  } else buf_lit(b, "null");
  buf_lit(b, ",\"pain_pre\":"); int_or_null(b, s->pain_pre);
  buf_lit(b, ",\"pain_post\":"); int_or_null(b, s->pain_post);
  buf_lit(b, ",\"rom\":"); str_or_null(b, s->rom);
  buf_lit(b, ",\"strength\":"); str_or_null(b, s->strength);
  buf_lit(b, ",\"note\":"); str_or_null(b, s->note);
  buf_lit(b, ",\n \"holds\":[\n");
  for (int i = 0; i < s->n_holds; i++) {
    if (i) buf_lit(b, ",\n");
    json_hold(b, k, s, &s->holds[i]);
  }
  buf_lit(b, "],\n \"skipped\":[");
  for (int i = 0; i < s->n_skips; i++) {
    if (i) buf_putc(b, ',');
    buf_lit(b, "{\"step\":"); buf_int(b, s->skips[i].step);
    buf_lit(b, ",\"why\":"); buf_json_str(b, s->skips[i].why); buf_putc(b, '}');
  }
  buf_lit(b, "],\n \"plan\":");
  sheet_plan_json(b, k, &s->plan);
  buf_lit(b, "}\n");
}

/* ---- reading a log back ---- */
static int side_of(const char *s) {
  static const char *const names[] = {"mid", "l", "r"};
  for (int i = 0; i < 3; i++) if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

int session_read(const kb *k, const char *text, size_t len, session_summary *out, char *err, size_t errlen) {
  json_error_t je;
  json_t *root = json_tree(text, len, &je);
  if (!root) {
    memset(out, 0, sizeof *out);
    snprintf(err, errlen, "not valid JSON: line %d: %s", je.line, je.text);
    return -1;
  }
  int rc = session_read_json(k, root, out, err, errlen);
  json_decref(root);
  return rc;
}

int session_read_json(const kb *k, const json_t *root_, session_summary *out, char *err, size_t errlen) {
  json_t *root = (json_t *)root_;  /* jansson's getters take non-const; nothing is changed */
  memset(out, 0, sizeof *out);
  out->pain_pre = out->pain_post = -1;
  int rc = -1;
  const char *what = json_string_value(json_object_get(root, "myomap"));
  json_t *points = json_object_get(root, "points"), *contras = json_object_get(root, "contraindications");
  if (!json_is_object(root) || !what || strcmp(what, "session") || !json_is_array(points)) {
    snprintf(err, errlen, "not a myomap session log (expected {\"myomap\":\"session\",\"points\":[...]})");
    goto done;
  }
  size_t i;
  json_t *v;
  json_array_foreach(points, i, v) {
    const char *tp = json_string_value(json_object_get(v, "tp")), *side = json_string_value(json_object_get(v, "side"));
    int t = tp ? kb_find_tp(k, tp) : -1, sd = side ? side_of(side) : -1;
    if (t < 0 || sd < 0) { snprintf(err, errlen, "points[%zu]: unknown trigger point or side", i); goto done; }
    if (out->in.n_points == PLAN_MAX_POINTS) { snprintf(err, errlen, "more than %d points", PLAN_MAX_POINTS); goto done; }
    out->stopped[out->in.n_points] = -1;
    out->in.points[out->in.n_points].tp = t;
    out->in.points[out->in.n_points++].side = sd;
  }
  json_array_foreach(contras, i, v) {
    const char *id = json_string_value(json_object_get(v, "id")), *region = json_string_value(json_object_get(v, "region"));
    int c = id ? kb_find_term(k, KB_CONTRA, id) : -1, r = region ? body_find(kb_body(k), region) : -1;
    if (c < 0 || (region && r < 0)) { snprintf(err, errlen, "contraindications[%zu]: unknown id or region", i); goto done; }
    if (out->in.n_contras == PLAN_MAX_CONTRAS) { snprintf(err, errlen, "more than %d contraindications", PLAN_MAX_CONTRAS); goto done; }
    out->in.contras[out->in.n_contras].contra = c;
    out->in.contras[out->in.n_contras++].region = r;
  }
  out->in.fascial = json_is_true(json_object_get(root, "fascial"));
  json_array_foreach(json_object_get(root, "holds"), i, v) {
    const char *outcome = json_string_value(json_object_get(v, "outcome"));
    const char *reason = json_string_value(json_object_get(v, "reason"));
    const char *tp = json_string_value(json_object_get(v, "tp")), *side = json_string_value(json_object_get(v, "side"));
    if (!outcome || strcmp(outcome, hold_outcome_name(HOLD_STOPPED)) || !tp || !side) continue;
    int t = kb_find_tp(k, tp), sd = side_of(side);
    for (int p = 0; p < out->in.n_points; p++)
      if (out->in.points[p].tp == t && out->in.points[p].side == sd) out->stopped[p] = reason ? hold_event_find(reason) : HOLD_EV_SHARP;
  }
  json_t *pre = json_object_get(root, "pain_pre"), *post = json_object_get(root, "pain_post");
  if (json_is_integer(pre)) out->pain_pre = (int)json_integer_value(pre);
  if (json_is_integer(post)) out->pain_post = (int)json_integer_value(post);
  const char *st = json_string_value(json_object_get(root, "started"));
  if (st) snprintf(out->started, sizeof out->started, "%s", st);
  rc = 0;
done:
  return rc;
}
