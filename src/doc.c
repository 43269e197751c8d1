/* doc.c: the printable note and record (see doc.h). */
#include "doc.h"

#include "body.h"
#include "careplan.h"
#include "note.h"
#include "outcome.h"
#include "record.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const char *s) { return s ? s : ""; }

/* Print styles: a section is a table whose thead (the identifiers) repeats on every page. */
static const char css[] =
  "body{font:11pt/1.4 Helvetica,Arial,sans-serif;color:#111;margin:1.5cm;max-width:50rem}"
  "table.sec{width:100%;border-collapse:collapse;margin:0 0 1.2em}"
  "table.sec>thead td{border-bottom:1.5pt solid #111;padding:0 0 .3em;font-size:9.5pt}"
  "table.sec>tbody>tr>td{padding:.5em 0 0}"
  ".ids{display:flex;justify-content:space-between;gap:1em}.ids b{font-size:11pt}"
  "h1{font-size:16pt;margin:.2em 0}h2{font-size:13pt;margin:.6em 0 .3em}h3{font-size:11pt;margin:.8em 0 .2em}"
  ".soap p,.addendum p{white-space:pre-wrap;margin:.1em 0 .5em}"
  ".sign{margin-top:1em;border-top:1pt solid #111;padding-top:.3em}.draft{color:#a00;font-weight:bold}"
  ".hash{font:8pt monospace;word-break:break-all;color:#444}"
  "table.grid{border-collapse:collapse;margin:.3em 0}table.grid td,table.grid th{border:.5pt solid #999;padding:.15em .5em;text-align:left}"
  ".chart{break-inside:avoid;page-break-inside:avoid;margin:.5em 0}figcaption{font-weight:bold;margin:.2em 0}"
  ".figend{font-size:8pt;color:#555}"
  ".chart svg{display:block;max-width:100%;height:auto;max-height:22cm}"
  "table.visit{break-before:page;page-break-before:always}"
  "@media print{body{margin:0;max-width:none}@page{margin:1.5cm}}";

/* The identifiers block of a section's thead. */
static void ids(buf *b, const char *name, const char *birth, long client, const char *clinic, const char *range) {
  buf_lit(b, "<thead><tr><td><div class=\"ids\"><span><b class=\"client\">");
  buf_xml(b, name);
  buf_lit(b, "</b>, born ");
  buf_xml(b, birth);
  buf_printf(b, " &middot; client %ld</span><span>", client);
  buf_xml(b, clinic);
  if (range && *range) { buf_lit(b, " &middot; "); buf_xml(b, range); }
  buf_lit(b, "</span></div></td></tr></thead>\n");
}

static void section_open(buf *b, const char *cls, const char *name, const char *birth, long client, const char *clinic,
                         const char *range) {
  buf_printf(b, "<table class=\"sec%s%s\">", cls ? " " : "", cls ? cls : "");
  ids(b, name, birth, client, clinic, range);
  buf_lit(b, "<tbody><tr><td>\n");
}

static void section_close(buf *b) { buf_lit(b, "</td></tr></tbody></table>\n"); }

/* The note of one visit: who and when, S O A P, the signature line, the addenda. */
static int note_body(buf *b, store *s, const kb *k, long visit, const note_head *h, int level, char *err, size_t errlen) {
  note n;
  if (note_current(s, k, visit, &n, err, errlen)) return RECORD_ESTORE;
  store_rows ad;
  if (note_addenda(s, visit, &ad)) { note_free(&n); return util_fail(RECORD_ESTORE, err, errlen, "%s", store_error(s)); }
  buf_printf(b, "<h%d>Treatment note, visit %ld, ", level, visit);
  buf_xml(b, h->date);
  buf_printf(b, "</h%d>\n<p>Session started ", level);
  buf_xml(b, h->started);
  buf_lit(b, "; therapist ");
  buf_xml(b, *h->therapist ? h->therapist : "not recorded");
  buf_lit(b, "; ");
  buf_xml(b, h->clinic);
  buf_lit(b, ".</p>\n<div class=\"soap\">");
  const struct { const char *head, *text; } parts[] = {
    {"S (subjective)", n.s}, {"O (objective)", n.o}, {"A (assessment)", n.a}, {"P (plan)", n.p},
  };
  for (int i = 0; i < 4; i++) {
    buf_printf(b, "<h%d>", level + 1);
    buf_xml(b, parts[i].head);
    buf_printf(b, "</h%d><p>", level + 1);
    buf_xml(b, str(parts[i].text));
    buf_lit(b, "</p>\n");
  }
  buf_lit(b, "</div>\n<div class=\"sign\">");
  if (h->is_signed) {
    buf_lit(b, "Signed by <b class=\"signer\">");
    buf_xml(b, h->signed_by);
    buf_lit(b, "</b> at ");
    buf_xml(b, h->signed_at);
    buf_lit(b, "<div class=\"hash\">SHA-256 of the note: ");
    buf_xml(b, h->hash);
    buf_lit(b, "</div>");
  } else
    buf_lit(b, "<span class=\"draft\">Draft: not signed.</span> Signature: ______________________ Date: __________");
  buf_lit(b, "</div>\n");
  for (int i = 0; i < ad.nrow; i++) {
    buf_printf(b, "<div class=\"addendum\"><h%d>Addendum, ", level + 1);
    buf_xml(b, store_cell(&ad, i, 1));
    buf_lit(b, ", signed by ");
    buf_xml(b, store_cell(&ad, i, 0));
    buf_printf(b, "</h%d><p>", level + 1);
    buf_xml(b, store_cell(&ad, i, 2));
    buf_lit(b, "</p><div class=\"hash\">SHA-256: ");
    buf_xml(b, store_cell(&ad, i, 3));
    buf_lit(b, "</div></div>\n");
  }
  store_rows_free(&ad);
  note_free(&n);
  return 0;
}

static void doc_open(buf *b, const char *title) {
  buf_lit(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
  buf_xml(b, title);
  buf_lit(b, "</title><style>");
  buf_puts(b, css);
  buf_lit(b, "</style></head><body>\n");
}

int doc_note_html(store *s, const kb *k, long visit, buf *out, char *err, size_t errlen) {
  note_head h;
  int rc = note_head_read(s, visit, &h, err, errlen);
  if (rc) return rc == NOTE_ENOTFOUND ? RECORD_ENOTFOUND : RECORD_ESTORE;
  char title[400];
  snprintf(title, sizeof title, "Treatment note: %s, %s", h.client_name, h.date);
  doc_open(out, title);
  section_open(out, "note", h.client_name, h.birth, h.client, h.clinic, NULL);
  rc = note_body(out, s, k, visit, &h, 1, err, errlen);
  section_close(out);
  buf_lit(out, "</body></html>\n");
  return rc;
}

/* ---- the record --------------------------------------------------------------------------- */

static int query(store *s, const char *sql, const store_args *a, store_rows *r, char *err, size_t errlen) {
  if (store_exec(s, sql, a, r)) return util_fail(RECORD_ESTORE, err, errlen, "database error: %s", store_error(s));
  return 0;
}

static void cell_td(buf *b, const char *v) {
  buf_lit(b, "<td>");
  buf_xml(b, str(v));
  buf_lit(b, "</td>");
}

/* A chart as a numbered figure kept on one page, its caption above and its end marked below
** (so a reader, and the print test, see that it is whole). */
static void fig_open(buf *b, const char *cls, int n, const char *title) {
  buf_printf(b, "<figure class=\"chart %s\" data-figure=\"%d\"><figcaption>Figure %d. ", cls, n, n);
  buf_xml(b, title);
  buf_lit(b, "</figcaption>");
}

static void fig_close(buf *b, int n) { buf_printf(b, "<div class=\"figend\">End of figure %d.</div></figure>\n", n); }

/* The home program's exercises in words, from its stored JSON. */
static void program_html(buf *b, const char *json) {
  json_t *h = json_loads(json ? json : "", 0, NULL), *ex = json_object_get(h, "exercises"), *e;
  size_t i;
  buf_lit(b, "<ul>");
  int n = 0;
  json_array_foreach(ex, i, e) {
    const char *skip = json_string_value(json_object_get(e, "skip"));
    const char *side = json_string_value(json_object_get(e, "side"));
    buf_lit(b, "<li>");
    buf_xml(b, side && !strcmp(side, "l") ? "left " : side && !strcmp(side, "r") ? "right " : "");
    buf_xml(b, str(json_string_value(json_object_get(e, "name"))));
    json_t *sc = json_array_get(json_object_get(e, "selfcare"), 0);
    if (skip) { buf_lit(b, ": left out ("); buf_xml(b, skip); buf_lit(b, ")"); }
    else if (sc) {
      buf_lit(b, ": ");
      buf_xml(b, str(json_string_value(json_object_get(sc, "tool_label"))));
      buf_lit(b, ", ");
      buf_xml(b, str(json_string_value(json_object_get(sc, "frequency"))));
    }
    buf_lit(b, "</li>");
    n++;
  }
  if (!n) buf_lit(b, "<li>no self-care exercises</li>");
  buf_lit(b, "</ul>\n");
  json_t *lim = json_object_get(h, "limits");
  json_int_t band = json_integer_value(json_object_get(lim, "band_max")), hold = json_integer_value(json_object_get(lim, "hold_max"));
  if (band || hold) {
    buf_lit(b, "<p>Limits:");
    if (band) buf_printf(b, " pressure at most %lld/10", (long long)band);
    if (hold) buf_printf(b, "%s holds at most %lld s", band ? ";" : "", (long long)hold);
    buf_lit(b, ".</p>\n");
  }
  json_decref(h);
}

int doc_record_html(store *s, const kb *k, const chart *ch, long client, const char *from, const char *to,
                    buf *out, char *err, size_t errlen) {
  if (from && !*from) from = NULL;
  if (to && !*to) to = NULL;
  if (from && !util_date_ok(from)) return util_fail(RECORD_EBAD, err, errlen, "from \"%.20s\": expected YYYY-MM-DD", from);
  if (to && !util_date_ok(to)) return util_fail(RECORD_EBAD, err, errlen, "to \"%.20s\": expected YYYY-MM-DD", to);
  if (from && to && strcmp(from, to) > 0) return util_fail(RECORD_EBAD, err, errlen, "from %s is after to %s", from, to);
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, client);
  store_arg_text(&a, from ? from : "0000-01-01");
  store_arg_text(&a, to ? to : "9999-12-31");
  store_rows c = {0}, ct = {0}, past = {0}, in = {0}, pn = {0}, vs = {0}, ms = {0}, hp = {0};
  int rc = query(s, "SELECT name, birth, phone, email, consent, consent_date, history, archived, "
                    "(SELECT value FROM setting WHERE name = 'clinic-name') FROM client WHERE id = $1 "
                    "AND CAST($2 AS TEXT) <= CAST($3 AS TEXT)", &a, &c, err, errlen);
  if (!rc && !c.nrow) rc = util_fail(RECORD_ENOTFOUND, err, errlen, "no client %ld", client);
  if (!rc) rc = query(s, "SELECT contra, region, started FROM client_contra WHERE client_id = $1 AND CAST($2 AS TEXT) <= CAST($3 AS TEXT) "
                         "ORDER BY contra, region", &a, &ct, err, errlen);
  if (!rc) rc = query(s, "SELECT contra, region, started, ended FROM client_contra_past WHERE client_id = $1 "
                         "AND CAST($2 AS TEXT) <= CAST($3 AS TEXT) ORDER BY ended, id", &a, &past, err, errlen);
  if (!rc) rc = query(s, "SELECT id, date, goals, activities, onset, flags, factors FROM intake WHERE client_id = $1 "
                         "AND date >= $2 AND date <= $3 ORDER BY date, id", &a, &in, err, errlen);
  if (!rc) rc = query(s, "SELECT p.intake_id, p.region, p.intensity, p.quality FROM pain p JOIN intake i ON "
                         "i.id = p.intake_id WHERE i.client_id = $1 AND i.date >= $2 AND i.date <= $3 "
                         "ORDER BY i.date, i.id, p.region", &a, &pn, err, errlen);
  if (!rc) rc = query(s, "SELECT id FROM visit WHERE client_id = $1 AND date >= $2 AND date <= $3 "
                         "ORDER BY started, id", &a, &vs, err, errlen);
  if (!rc) rc = query(s, "SELECT date, kind, item, value FROM measure WHERE client_id = $1 AND date >= $2 "
                         "AND date <= $3 ORDER BY date, id", &a, &ms, err, errlen);
  if (!rc) rc = query(s, "SELECT date, visit_id, id FROM homeprog WHERE client_id = $1 AND date >= $2 "
                         "AND date <= $3 ORDER BY date, id", &a, &hp, err, errlen);
  outcome *oc = NULL;
  if (!rc && ms.nrow && outcome_load(s, k, client, &oc, err, errlen)) rc = RECORD_ESTORE;
  if (rc) goto done;

  int figs = 0;
  const char *name = store_cell(&c, 0, 0), *birth = store_cell(&c, 0, 1);
  const char *clinic = store_cell(&c, 0, 8) ? store_cell(&c, 0, 8) : RECORD_CLINIC_DEFAULT;
  char range[64], today[11], title[400];
  util_today(today);
  snprintf(range, sizeof range, "%s to %s", from ? from : "first record", to ? to : today);
  snprintf(title, sizeof title, "Clinical record: %s", name);
  doc_open(out, title);

  /* the client */
  section_open(out, "client", name, birth, client, clinic, range);
  buf_lit(out, "<h1>Clinical record</h1>\n<table class=\"grid\">");
  static const char *const labels[] = {"Name", "Date of birth", "Phone", "Email"};
  for (int i = 0; i < 4; i++) {
    buf_lit(out, "<tr><th>");
    buf_xml(out, labels[i]);
    buf_lit(out, "</th>");
    cell_td(out, store_cell(&c, 0, i));
    buf_lit(out, "</tr>");
  }
  buf_lit(out, "<tr><th>Consent</th><td>");
  buf_xml(out, !strcmp(str(store_cell(&c, 0, 4)), "1") ? "given" : "not recorded");
  if (store_cell(&c, 0, 5)) { buf_lit(out, " on "); buf_xml(out, store_cell(&c, 0, 5)); }
  buf_lit(out, "</td></tr><tr><th>Health history</th>");
  cell_td(out, store_cell(&c, 0, 6));
  buf_lit(out, "</tr>");
  if (store_cell(&c, 0, 7)) { buf_lit(out, "<tr><th>Archived</th>"); cell_td(out, store_cell(&c, 0, 7)); buf_lit(out, "</tr>"); }
  buf_lit(out, "<tr><th>Printed</th>");
  cell_td(out, range);
  buf_lit(out, "</tr></table>\n<h2>Contraindications</h2>\n");
  if (!ct.nrow && !past.nrow) buf_lit(out, "<p>None recorded.</p>\n");
  else {
    buf_lit(out, "<table class=\"grid\"><tr><th>contraindication</th><th>region</th><th>from</th><th>to</th></tr>");
    for (int i = 0; i < ct.nrow + past.nrow; i++) {
      const store_rows *r = i < ct.nrow ? &ct : &past;
      int j = i < ct.nrow ? i : i - ct.nrow;
      int t = kb_find_term(k, KB_CONTRA, str(store_cell(r, j, 0)));
      buf_lit(out, "<tr>");
      cell_td(out, t >= 0 ? kb_term_at(k, KB_CONTRA, t)->label : store_cell(r, j, 0));
      cell_td(out, store_cell(r, j, 1));
      cell_td(out, store_cell(r, j, 2));
      cell_td(out, i < ct.nrow ? "current" : store_cell(r, j, 3));
      buf_lit(out, "</tr>");
    }
    buf_lit(out, "</table>\n");
  }
  buf care;
  buf_init(&care);
  if (careplan_html(s, k, client, &care, err, errlen) < 0) { buf_free(&care); rc = RECORD_ESTORE; goto done; }
  buf_append(out, care.data ? care.data : "", care.len);
  buf_free(&care);
  section_close(out);

  /* intakes with their drawings */
  if (in.nrow) {
    section_open(out, "intakes", name, birth, client, clinic, range);
    buf_printf(out, "<h2>Intakes (%d)</h2>\n", in.nrow);
    for (int i = 0; i < in.nrow; i++) {
      buf_lit(out, "<div class=\"intake\"><h3>Intake of ");
      buf_xml(out, store_cell(&in, i, 1));
      buf_lit(out, "</h3>\n");
      static const char *const ikeys[] = {"Goals", "Activities", "Onset", "Red-flag answers", "Other factors"};
      for (int j = 0; j < 5; j++) {
        if (!store_cell(&in, i, 2 + j)) continue;
        buf_lit(out, "<p><b>");
        buf_xml(out, ikeys[j]);
        buf_lit(out, ":</b> ");
        buf_xml(out, store_cell(&in, i, 2 + j));
        buf_lit(out, "</p>\n");
      }
      chart_mark marks[256];
      int nm = 0;
      buf_lit(out, "<p><b>Pain drawing:</b> ");
      for (int p = 0, first = 1; p < pn.nrow; p++) {
        if (strcmp(store_cell(&pn, p, 0), store_cell(&in, i, 0))) continue;
        int r = body_find(kb_body(k), store_cell(&pn, p, 1));
        buf_puts(out, first ? "" : ", ");
        first = 0;
        buf_xml(out, r >= 0 ? body_at(kb_body(k), r)->label : store_cell(&pn, p, 1));
        const char *rid = store_cell(&pn, p, 1);
        size_t rl = strlen(rid);
        if (rl > 2 && rid[rl - 2] == '-' && (rid[rl - 1] == 'l' || rid[rl - 1] == 'r'))
          buf_puts(out, rid[rl - 1] == 'l' ? " (left)" : " (right)");
        buf_lit(out, " ");
        buf_xml(out, store_cell(&pn, p, 2));
        buf_lit(out, "/10");
        if (store_cell(&pn, p, 3)) { buf_lit(out, " "); buf_xml(out, store_cell(&pn, p, 3)); }
        if (r >= 0 && nm < 256) marks[nm++] = (chart_mark){r, CHART_PAIN, (int)strtol(store_cell(&pn, p, 2), NULL, 10), NULL};
      }
      buf_lit(out, "</p>\n");
      char ttl[64];
      snprintf(ttl, sizeof ttl, "Pain drawing of %s", store_cell(&in, i, 1));
      fig_open(out, "drawing", ++figs, ttl);
      chart_svg(out, ch, marks, nm, ttl);
      fig_close(out, figs);
      buf_lit(out, "</div>\n");
    }
    section_close(out);
  }

  /* each visit's note, a page each */
  for (int i = 0; i < vs.nrow; i++) {
    long v = strtol(store_cell(&vs, i, 0), NULL, 10);
    note_head h;
    if (note_head_read(s, v, &h, err, errlen)) { rc = RECORD_ESTORE; goto done; }
    section_open(out, "visit", name, birth, client, clinic, range);
    if ((rc = note_body(out, s, k, v, &h, 2, err, errlen))) goto done;
    section_close(out);
  }

  /* measures and progress */
  section_open(out, "measures", name, birth, client, clinic, range);
  buf_printf(out, "<h2>Outcome measures (%d)</h2>\n", ms.nrow);
  if (!ms.nrow) buf_lit(out, "<p>None in this range.</p>\n");
  else {
    buf_lit(out, "<table class=\"grid\"><tr><th>date</th><th>measure</th><th>item</th><th>value</th></tr>");
    for (int i = 0; i < ms.nrow; i++) {
      buf_lit(out, "<tr>");
      for (int j = 0; j < 3; j++) cell_td(out, store_cell(&ms, i, j));
      buf_printf(out, "<td>%g</td></tr>", strtod(str(store_cell(&ms, i, 3)), NULL));
    }
    buf_lit(out, "</table>\n<h3>Progress over the whole record</h3>\n");
    fig_open(out, "progress", ++figs, "Pain, function and the pain drawings over time");
    outcome_svg_named(out, oc, name);
    fig_close(out, figs);
  }
  buf_printf(out, "<h2>Home programs given (%d)</h2>\n", hp.nrow);
  if (!hp.nrow) buf_lit(out, "<p>None in this range.</p>\n");
  for (int i = 0; i < hp.nrow; i++) {
    buf_lit(out, "<div class=\"home\"><h3>");
    buf_xml(out, store_cell(&hp, i, 0));
    if (store_cell(&hp, i, 1)) { buf_lit(out, ", visit "); buf_xml(out, store_cell(&hp, i, 1)); }
    buf_lit(out, "</h3>\n");
    buf prog;   /* kept as its context: derived again (record_home_load) */
    buf_init(&prog);
    if (record_home_load(s, k, strtol(store_cell(&hp, i, 2), NULL, 10), &prog, NULL, NULL, err, errlen) < 0) {
      buf_free(&prog);
      rc = RECORD_ESTORE;
      goto done;
    }
    program_html(out, prog.data ? prog.data : "");
    buf_free(&prog);
    buf_lit(out, "</div>\n");
  }
  section_close(out);
  buf_lit(out, "</body></html>\n");
done:
  outcome_free(oc);
  store_rows_free(&c), store_rows_free(&ct), store_rows_free(&past), store_rows_free(&in), store_rows_free(&pn);
  store_rows_free(&vs), store_rows_free(&ms), store_rows_free(&hp);
  return rc;
}
