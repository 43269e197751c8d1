/* clinic.c: the records front end: parses the command line, calls record.c and store.c,
** prints what was stored. */
#include "clinic.h"

#include "body.h"
#include "care.h"
#include "careplan.h"
#include "chart.h"
#include "doc.h"
#include "export.h"
#include "note.h"
#include "outcome.h"
#include "present.h"
#include "record.h"
#include "screen.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The exit code for a record.c error. */
static int code_of(int rc) {
  return rc == RECORD_EBAD ? EXIT_USAGE : rc == RECORD_ENOTFOUND ? EXIT_UNKNOWN : EXIT_IO;
}

static int fail(const cmd *c, int rc, const char *err) {
  fprintf(stderr, "myomap %s: %s\n", c->name, err);
  return code_of(rc);
}

static int open_db(const cmd *c, const opts *o, store **s) {
  char err[600];
  if (store_open(s, o->db, err, sizeof err)) {
    fprintf(stderr, "myomap %s: %s\n", c->name, err);
    return EXIT_IO;
  }
  long v, h;   /* visits stored before migration 7 take their stored form now (tests/upgrade.sh
               ** defers it with MYOMAP_NO_UPGRADE=1 to read the old rows first) */
  const char *no = getenv("MYOMAP_NO_UPGRADE");
  long pending = 0;
  if (!(no && !strcmp(no, "1")) && !record_upgrade_pending(*s, &pending) && pending > 1000)
    fprintf(stderr, "myomap: rewriting %ld visits stored by an older myomap into the lean form (once; about "
                    "a millisecond each)\n", pending);
  if (!(no && !strcmp(no, "1")) && record_upgrade(*s, NULL, &v, &h, err, sizeof err)) {
    fprintf(stderr, "myomap %s: upgrading the stored visits: %s\n", c->name, err);
    store_close(*s);
    *s = NULL;
    return EXIT_IO;
  }
  return 0;
}

/* Option `name` takes a value: returns it (advancing *i) or NULL after printing the error. */
static const char *value(const cmd *c, int argc, char **argv, int *i) {
  if (*i + 1 >= argc) { cli_usage_error(c, "%s needs a value", argv[*i]); return NULL; }
  return argv[++*i];
}

static int number(const cmd *c, const char *opt, const char *v, double lo, double hi, double *out) {
  char *end;
  double d = strtod(v, &end);
  if (!*v || *end || !(d >= lo && d <= hi)) {
    fprintf(stderr, "myomap %s: %s %s: expected a number from %g to %g\n(run `myomap %s --help` for usage)\n",
            c->name, opt, v, lo, hi, c->name);
    return EXIT_USAGE;
  }
  *out = d;
  return 0;
}

static int find_client(const cmd *c, store *s, const char *ref, long *id) {
  char err[300];
  int rc = record_client_find(s, ref, id, err, sizeof err);
  return rc ? fail(c, rc, err) : 0;
}

/* The subcommands about one client name it first: EXIT_USAGE, said, when argv[0] is missing or
** an option. */
static int client_first(const cmd *c, int argc, char **argv) {
  return argc >= 1 && argv[0][0] != '-' ? 0 : cli_usage_error(c, "%s", "give the CLIENT first (an id or a name)");
}

/* The database opened (*s, which the caller closes) and the client `ref` found (*id). */
static int open_client(const cmd *c, const opts *o, const char *ref, store **s, long *id) {
  int rc = open_db(c, o, s);
  return rc ? rc : find_client(c, *s, ref, id);
}

/* ---- client ------------------------------------------------------------------------------- */

/* client list's own options */
typedef struct list_opts { const char *search; int archived; } list_opts;

static int client_opts(const cmd *c, const kb *k, int argc, char **argv, int from, record_client *rc_, int *json,
                       list_opts *lo) {
  const char *cdate = NULL;
  for (int i = from; i < argc; i++) {
    const char *a = argv[i], *v = NULL;
    if (!strcmp(a, "--json")) { *json = 1; continue; }
    if (!strcmp(a, "--archived")) { lo->archived = 1; continue; }
    static const char *const takes[] = {"--name", "--birth", "--phone", "--email", "--consent", "--consent-date",
                                        "--history", "--contra", "--therapist", "--contra-add", "--contra-end",
                                        "--contra-date", "--archive", "--search"};
    int t = -1;
    for (int j = 0; j < (int)(sizeof takes / sizeof *takes); j++) if (!strcmp(a, takes[j])) t = j;
    if (t < 0) return cli_usage_error(c, "unknown option or argument \"%s\"", a);
    if (!(v = value(c, argc, argv, &i))) return EXIT_USAGE;
    switch (t) {
      case 0: rc_->name = v; break;
      case 1: rc_->birth = v; break;
      case 2: rc_->phone = v; break;
      case 3: rc_->email = v; break;
      case 4:
        if (!strcmp(v, "yes")) rc_->consent = 1;
        else if (!strcmp(v, "no")) rc_->consent = 0;
        else return cli_usage_error(c, "--consent %s: yes or no", v);
        break;
      case 5: rc_->consent_date = v; break;
      case 6: rc_->history = v; break;
      case 7: {
        rc_->set_contras = 1;
        if (!strcmp(v, "none")) break;
        plan_input in;
        memset(&in, 0, sizeof in);
        int r = care_parse_contras(c, k, v, &in);
        if (r) return r;
        for (int j = 0; j < in.n_contras && rc_->n_contras < PLAN_MAX_CONTRAS; j++) rc_->contras[rc_->n_contras++] = in.contras[j];
        break;
      }
      case 8: {
        double d;
        if (number(c, a, v, 1, 1e15, &d)) return EXIT_USAGE;
        rc_->therapist = (long)d;
        break;
      }
      case 9: case 10: {
        plan_input in;
        memset(&in, 0, sizeof in);
        int r = care_parse_contras(c, k, v, &in);
        if (r) return r;
        struct record_contra *list = t == 9 ? rc_->add : rc_->end;
        int *n = t == 9 ? &rc_->n_add : &rc_->n_end;
        for (int j = 0; j < in.n_contras && *n < PLAN_MAX_CONTRAS; j++) list[(*n)++] = (struct record_contra){in.contras[j], NULL};
        break;
      }
      case 11: cdate = v; break;
      case 12:
        if (!strcmp(v, "yes")) rc_->archive = 1;
        else if (!strcmp(v, "no")) rc_->archive = 0;
        else return cli_usage_error(c, "--archive %s: yes or no", v);
        break;
      case 13: lo->search = v; break;
    }
  }
  if (cdate && !rc_->n_add && !rc_->n_end) return cli_usage_error(c, "%s", "--contra-date goes with --contra-add or --contra-end");
  for (int j = 0; j < rc_->n_add; j++) rc_->add[j].date = cdate;
  for (int j = 0; j < rc_->n_end; j++) rc_->end[j].date = cdate;
  return 0;
}

int clinic_client(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("client");
  if (argc < 1) return cli_usage_error(c, "%s", "say what to do: add, list, show or edit");
  const char *verb = argv[0];
  int is_add = !strcmp(verb, "add"), is_list = !strcmp(verb, "list"), is_show = !strcmp(verb, "show"),
      is_edit = !strcmp(verb, "edit");
  if (!is_add && !is_list && !is_show && !is_edit)
    return cli_usage_error(c, "unknown action \"%s\": add, list, show or edit", verb);
  if ((is_show || is_edit) && (argc < 2 || argv[1][0] == '-'))
    return cli_usage_error(c, "client %s needs the CLIENT (an id or a name)", verb);
  kb *k = NULL;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  record_client rcl;
  record_client_init(&rcl);
  int json = o->json;
  list_opts lo = {NULL, 0};
  rc = client_opts(c, k, argc, argv, is_show || is_edit ? 2 : 1, &rcl, &json, &lo);
  if (!rc && (is_list || is_show) && (rcl.name || rcl.birth || rcl.phone || rcl.email || rcl.history ||
                                       rcl.consent >= 0 || rcl.set_contras || rcl.therapist || rcl.n_add ||
                                       rcl.n_end || rcl.archive >= 0))
    rc = cli_usage_error(c, is_list ? "client %s takes only --json, --search and --archived" : "client %s takes only --json", verb);
  if (!rc && !is_list && (lo.search || lo.archived)) rc = cli_usage_error(c, "%s", "--search and --archived go with client list");
  if (!rc && is_add && (rcl.n_add || rcl.n_end || rcl.archive >= 0))
    rc = cli_usage_error(c, "%s", "client add takes --contra; --contra-add, --contra-end and --archive go with client edit");
  store *s = NULL;
  if (!rc) rc = open_db(c, o, &s);
  char err[600];
  buf out;
  buf_init(&out);
  if (!rc) {
    long id = 0;
    int r = 0;
    if (is_add) {
      if (!(r = record_client_add(s, k, &rcl, &id, err, sizeof err)))
        buf_printf(&out, "stored client %ld: %s, born %s\n", id, rcl.name, rcl.birth);
    } else if (is_list) {
      r = record_client_search(s, 0, lo.search, lo.archived, &out, json, err, sizeof err);
    } else if (!(rc = find_client(c, s, argv[1], &id))) {
      if (is_show) r = record_client_show(s, k, id, &out, json, err, sizeof err);
      else if (!(r = record_client_edit(s, k, id, &rcl, err, sizeof err)))
        buf_printf(&out, "updated client %ld\n", id);
    }
    if (r) rc = fail(c, r, err);
  }
  if (!rc) rc = cli_write(&out);
  buf_free(&out);
  store_close(s);
  kb_free(k);
  return rc;
}

/* ---- therapist ---------------------------------------------------------------------------- */

int clinic_therapist(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("therapist");
  if (argc < 1 || (strcmp(argv[0], "add") && strcmp(argv[0], "list")))
    return cli_usage_error(c, "%s", "say what to do: add NAME or list");
  const char *name = NULL, *email = NULL;
  int admin = 0, json = o->json;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--email")) { if (!(email = value(c, argc, argv, &i))) return EXIT_USAGE; }
    else if (!strcmp(argv[i], "--admin")) admin = 1;
    else if (!strcmp(argv[i], "--json")) json = 1;
    else if (argv[i][0] != '-' && !name && !strcmp(argv[0], "add")) name = argv[i];
    else return cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  if (!strcmp(argv[0], "add") && !name) return cli_usage_error(c, "%s", "therapist add needs a NAME");
  store *s;
  int rc = open_db(c, o, &s);
  if (rc) return rc;
  buf out;
  buf_init(&out);
  char err[600];
  if (!strcmp(argv[0], "add")) {
    long id;
    int r = record_therapist_add(s, name, email, admin ? "admin" : "therapist", &id, err, sizeof err);
    if (r) rc = fail(c, r, err);
    else buf_printf(&out, "stored therapist %ld: %s%s\n", id, name, admin ? " (admin)" : "");
  } else if (record_therapist_list(s, &out, json)) rc = fail(c, RECORD_ESTORE, store_error(s));
  if (!rc) rc = cli_write(&out);
  buf_free(&out);
  store_close(s);
  return rc;
}

/* ---- intake ------------------------------------------------------------------------------- */

static int each(const cmd *c, const kb *k, const char *list, present *p,
                int (*fn)(const kb *, const char *, present *, char *, size_t)) {
  char *copy = xstrdup(list), *save = NULL, err[300];
  int rc = 0;
  for (char *w = strtok_r(copy, ",", &save); w && !rc; w = strtok_r(NULL, ",", &save))
    if (fn(k, w, p, err, sizeof err)) rc = cli_usage_error(c, "%s", err);
  free(copy);
  return rc;
}
static int ctx(const kb *k, const char *w, present *p, char *e, size_t n) { return present_add_context(k, w, p, e, n); }
static int flag(const kb *k, const char *w, present *p, char *e, size_t n) { (void)k; return present_add_flag(w, p, e, n); }

int clinic_intake(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("intake");
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  kb *k;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  present p;
  present_init(&p);
  record_intake in;
  record_intake_init(&in);
  in.drawing = &p;
  char err[600];
  for (int i = 1; i < argc && !rc; i++) {
    const char *a = argv[i], *v;
    double d;
    if (a[0] != '-') {
      int r = present_parse_word(k, a, &p, err, sizeof err);
      if (r) { fprintf(stderr, "myomap intake: %s\n", err); rc = r == PRESENT_EREGION ? EXIT_UNKNOWN : EXIT_USAGE; }
      continue;
    }
    if (!(v = value(c, argc, argv, &i))) { rc = EXIT_USAGE; break; }
    if (!strcmp(a, "--date")) in.date = v;
    else if (!strcmp(a, "--goal")) in.goals = v;
    else if (!strcmp(a, "--factors")) in.factors = v;
    else if (!strcmp(a, "--context")) rc = each(c, k, v, &p, ctx);
    else if (!strcmp(a, "--flag")) rc = each(c, k, v, &p, flag);
    else if (!strcmp(a, "--onset")) { if (present_set_onset(v, &p, err, sizeof err)) rc = cli_usage_error(c, "%s", err); }
    else if (!strcmp(a, "--nprs")) { if (!(rc = number(c, a, v, 0, 10, &d))) in.nprs = (int)d; if (!rc && d != (int)d) rc = cli_usage_error(c, "--nprs %s: a whole number 0-10", v); }
    else if (!strcmp(a, "--stress")) { if (!(rc = number(c, a, v, 0, 10, &d))) in.stress = (int)d; }
    else if (!strcmp(a, "--desk-hours")) rc = number(c, a, v, 0, 24, &in.desk_hours);
    else if (!strcmp(a, "--training-hours")) rc = number(c, a, v, 0, 168, &in.training_hours);
    else if (!strcmp(a, "--sleep-hours")) rc = number(c, a, v, 0, 24, &in.sleep_hours);
    else rc = cli_usage_error(c, "unknown option \"%s\"", a);
  }
  if (!rc && !p.n_pain) rc = cli_usage_error(c, "%s", "give the pain drawing: REGION[:INTENSITY[:QUALITY]]...");
  store *s = NULL;
  long client = 0, id = 0;
  if (!rc) rc = open_client(c, o, argv[0], &s, &client);
  if (!rc) {
    int r = record_intake_add(s, k, client, &in, &id, err, sizeof err);
    if (r) rc = fail(c, r, err);
  }
  if (!rc) {
    buf out;
    buf_init(&out);
    buf_printf(&out, "stored intake %ld for client %ld: %d painful region%s\n", id, client, p.n_pain, p.n_pain == 1 ? "" : "s");
    screen_result sr;
    screen_run(k, &p, &sr);
    for (int i = 0; i < sr.n_items; i++)
      buf_printf(&out, "red flag (%s): %s. %s\n", screen_level_name(sr.items[i].level), sr.items[i].reason, sr.items[i].advice);
    if (sr.level >= SCREEN_REFER)
      buf_puts(&out, "Refer before treating: the red-flag screen needs a doctor's assessment first.\n");
    rc = cli_write(&out);
    buf_free(&out);
  }
  store_close(s);
  kb_free(k);
  return rc;
}

/* ---- assess ------------------------------------------------------------------------------- */

int clinic_assess(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("assess");
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  kb *k;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  record_finding f[64];
  int n = 0;
  const char *date = NULL;
  double visit = 0;
  char err[600];
  for (int i = 1; i < argc && !rc; i++) {
    const char *a = argv[i], *v;
    if (a[0] != '-') {
      if (n == 64) rc = cli_usage_error(c, "%s", "at most 64 findings at once");
      else if (record_finding_parse(k, a, &f[n], err, sizeof err)) rc = cli_usage_error(c, "%s", err);
      else n++;
      continue;
    }
    if (!(v = value(c, argc, argv, &i))) { rc = EXIT_USAGE; break; }
    if (!strcmp(a, "--date")) date = v;
    else if (!strcmp(a, "--visit")) rc = number(c, a, v, 1, 1e15, &visit);
    else rc = cli_usage_error(c, "unknown option \"%s\"", a);
  }
  if (!rc && !n) rc = cli_usage_error(c, "%s", "give at least one FINDING, e.g. upper-trapezius-tp1:l:active:referral");
  store *s = NULL;
  long client = 0;
  if (!rc) rc = open_client(c, o, argv[0], &s, &client);
  if (!rc) {
    int r = record_assess_add(s, k, client, date, (long)visit, f, n, err, sizeof err);
    if (r) rc = fail(c, r, err);
    else printf("stored %d finding%s for client %ld\n", n, n == 1 ? "" : "s", client);
  }
  store_close(s);
  kb_free(k);
  return rc;
}

/* ---- log ---------------------------------------------------------------------------------- */

/* log --batch: the list's lines, each a client and a log file. */
typedef struct batch_line { char *client, *file; long id; int line; } batch_line;
enum { BATCH_LINES = 1000000, BATCH_LINE_MAX = 4096 };

/* The list's text cut into lines[0..*n): "CLIENT<tab>FILE", or "CLIENT FILE" when there is no tab;
** blank lines and lines starting with # skipped.  0, or EXIT_USAGE said (nothing was stored). */
static int batch_parse(const cmd *c, const char *list, char *text, size_t len, batch_line **out, int *n) {
  long bad = util_utf8_bad(text, len);
  if (bad >= 0) {
    fprintf(stderr, "myomap log: %s: byte %ld is not UTF-8; nothing was stored\n", list, bad + 1);
    return EXIT_USAGE;
  }
  batch_line *l = NULL;
  int m = 0, cap = 0, no = 0;
  for (char *p = text, *end = text + len; p < end;) {
    char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
    no++;
    if (e > p && e[-1] == '\r') e--;
    *e = 0;
    const char *why = NULL;
    if (e - p > BATCH_LINE_MAX) why = "longer than 4096 bytes";
    for (char *q = p; !why && q < e; q++) if ((unsigned char)*q < 0x20 && *q != '\t') why = "has a control character";
    if (!why && *p && *p != '#') {
      char *sep = strchr(p, '\t');
      if (!sep) sep = strchr(p, ' ');
      char *f = sep ? sep + 1 : NULL;
      while (f && (*f == ' ' || *f == '\t')) f++;
      if (!sep || sep == p || !*f) why = "is not CLIENT FILE";
      else if (!strcmp(f, "-")) why = "names - (each log is a file)";
      else if (m == BATCH_LINES) why = "is past 1,000,000 logs";
      else {
        *sep = 0;
        if (m == cap) l = xrealloc(l, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *l);
        l[m++] = (batch_line){p, f, 0, no};
      }
    }
    if (why) {
      fprintf(stderr, "myomap log: %s line %d %s; nothing was stored\n", list, no, why);
      free(l);
      return EXIT_USAGE;
    }
    p = nl ? nl + 1 : end;
  }
  if (!m) {
    free(l);
    return cli_usage_error(c, "%s has no CLIENT FILE lines", list);
  }
  *out = l;
  *n = m;
  return 0;
}

/* `log --batch [LIST]`: every line's log stored for its client, all in one import, or none. */
static int log_batch(const cmd *c, opts *o, const char *list, long therapist) {
  char *text = NULL, err[600];
  size_t len = 0;
  batch_line *l = NULL;
  int n = 0, rc = cli_read_input(c, list, &text, &len);
  if (!rc) rc = batch_parse(c, list, text, len, &l, &n);
  kb *k = NULL;
  store *s = NULL;
  if (!rc) rc = cli_load_kb(o, &k);
  if (!rc) rc = open_db(c, o, &s);
  /* the clients found first, so that a line naming none is refused before anything is read */
  for (int i = 0; i < n && !rc; i++) {
    if (i && !strcmp(l[i].client, l[i - 1].client)) { l[i].id = l[i - 1].id; continue; }
    int r = record_client_find(s, l[i].client, &l[i].id, err, sizeof err);
    if (r) {
      fprintf(stderr, "myomap log: %s line %d: %s; nothing was stored\n", list, l[i].line, err);
      rc = code_of(r);
    }
  }
  record_import *im = NULL;
  int r = rc ? 0 : record_import_begin(s, k, therapist, &im, err, sizeof err);
  if (r) rc = fail(c, r, err);
  long *visits = xcalloc((size_t)n + 1, sizeof *visits);
  char **texts = xcalloc((size_t)n + 1, sizeof *texts);
  size_t *lens = xcalloc((size_t)n + 1, sizeof *lens);
  int tty = isatty(2);
  /* a client's run of lines at a time: its logs read, then handed to the import */
  for (int i = 0, j; i < n && !rc; i = j) {
    for (j = i; j < n && l[j].id == l[i].id; j++) {}
    for (int q = i; q < j && !rc; q++)
      if (util_read_file(l[q].file, &texts[q - i], &lens[q - i])) {
        fprintf(stderr, "myomap log: %s line %d: cannot read %s: %s; nothing was stored\n", list, l[q].line, l[q].file,
                strerror(errno));
        rc = EXIT_IO;
      }
    int at = -1;
    if (!rc && (r = record_import_logs(im, l[i].id, j - i, (const char *const *)texts, lens, &visits[i], &at, err,
                                       sizeof err))) {
      if (at >= 0) fprintf(stderr, "myomap log: %s line %d: %s: %s", list, l[i + at].line, l[i + at].file, err);
      else fprintf(stderr, "myomap log: %s line %d: %s", list, l[i].line, err);
      fprintf(stderr, "%s\n", r == RECORD_ESTORE ? "" : "; nothing was stored");
      rc = code_of(r);
    }
    for (int q = i; q < j; q++) { free(texts[q - i]); texts[q - i] = NULL; }
    if (tty && !rc) fprintf(stderr, "\rmyomap log: %d of %d logs read", j, n);
  }
  if (tty && n) fprintf(stderr, "\n");
  if (im && (r = record_import_end(im, !rc, err, sizeof err)) && !rc) rc = fail(c, r, err);
  for (int i = 0; i < n && !rc; i++) printf("stored visit %ld (%s)\n", visits[i], l[i].file);
  free(visits);
  free(texts);
  free(lens);
  free(l);
  free(text);
  store_close(s);
  kb_free(k);
  return rc;
}

int clinic_log(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("log");
  /* --batch [LIST] [--therapist ID] */
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--batch")) continue;
    double therapist = 0;
    const char *list = NULL;
    int rc = 0;
    for (int j = 0; j < argc && !rc; j++) {
      if (j == i) continue;
      if (!strcmp(argv[j], "--therapist")) {
        const char *v = value(c, argc, argv, &j);
        rc = v ? number(c, "--therapist", v, 1, 1e15, &therapist) : EXIT_USAGE;
      } else if (argv[j][0] == '-' && argv[j][1]) rc = cli_usage_error(c, "unknown option \"%s\"", argv[j]);
      else if (list) rc = cli_usage_error(c, "%s", "--batch takes one LIST (a file of CLIENT FILE lines; - or none: stdin)");
      else list = argv[j];
    }
    return rc ? rc : log_batch(c, o, list ? list : "-", (long)therapist);
  }
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  double therapist = 0;
  const char **files = xcalloc((size_t)argc, sizeof *files);
  int n = 0, rc = 0;
  for (int i = 1; i < argc && !rc; i++) {
    if (!strcmp(argv[i], "--therapist")) {
      const char *v = value(c, argc, argv, &i);
      rc = v ? number(c, "--therapist", v, 1, 1e15, &therapist) : EXIT_USAGE;
    } else if (argv[i][0] == '-' && argv[i][1]) rc = cli_usage_error(c, "unknown option \"%s\"", argv[i]);
    else files[n++] = argv[i];
  }
  if (!rc && !n) rc = cli_usage_error(c, "%s", "give at least one session LOG file");
  kb *k = NULL;
  if (!rc) rc = cli_load_kb(o, &k);
  char **texts = xcalloc((size_t)n + 1, sizeof *texts), err[600];
  size_t *lens = xcalloc((size_t)n + 1, sizeof *lens);
  for (int i = 0; i < n && !rc; i++) rc = cli_read_input(c, files[i], &texts[i], &lens[i]);
  /* one log read and checked before the store is opened; several read as they are stored */
  record_log *one = NULL;
  if (!rc && n == 1 && record_log_parse(k, texts[0], lens[0], &one, err, sizeof err)) {
    fprintf(stderr, "myomap log: %s: %s; nothing was stored\n", files[0], err);
    rc = EXIT_USAGE;
  }
  store *s = NULL;
  long client = 0;
  if (!rc) rc = open_client(c, o, argv[0], &s, &client);
  /* all of them in one transaction, or none */
  long *visits = xcalloc((size_t)n + 1, sizeof *visits);
  int at = -1, r = rc ? 0 : n == 1 ? record_log_add(s, k, client, (long)therapist, one, &visits[0], err, sizeof err)
                                    : record_logs_read(s, k, client, (long)therapist, n, (const char *const *)texts, lens,
                                                       visits, &at, err, sizeof err);
  if (r) {
    if (n == 1) at = 0;
    fprintf(stderr, "myomap log: %s%s%s%s\n", at >= 0 ? files[at] : "", at >= 0 ? ": " : "", err,
            r == RECORD_ESTORE ? "" : "; nothing was stored");   /* (a store's failure says so itself) */
    rc = code_of(r);
  }
  for (int i = 0; i < n && !rc; i++) printf("stored visit %ld (%s)\n", visits[i], files[i]);
  free(visits);
  record_log_free(one);
  for (int i = 0; i < n; i++) free(texts[i]);
  free(texts);
  free(lens);
  free(files);
  store_close(s);
  kb_free(k);
  return rc;
}

/* ---- measure ------------------------------------------------------------------------------ */

int clinic_measure(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("measure");
  if (argc >= 1 && !strcmp(argv[0], "--rom-list")) {
    buf out;
    buf_init(&out);
    record_rom_list(&out);
    int rc = cli_write(&out);
    buf_free(&out);
    return rc;
  }
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  record_measure m[64];
  int n = 0, rc = 0;
  const char *date = NULL;
  double visit = 0;
  char err[600];
  for (int i = 1; i < argc && !rc; i++) {
    const char *a = argv[i], *v;
    if (!(v = value(c, argc, argv, &i))) { rc = EXIT_USAGE; break; }
    if (!strcmp(a, "--date")) date = v;
    else if (!strcmp(a, "--visit")) rc = number(c, a, v, 1, 1e15, &visit);
    else if (a[0] == '-' && a[1] == '-' && (!strcmp(a + 2, "nprs") || !strcmp(a + 2, "psfs") || !strcmp(a + 2, "ndi") ||
                                             !strcmp(a + 2, "rom"))) {
      if (n == 64) rc = cli_usage_error(c, "%s", "at most 64 measures at once");
      else if (record_measure_parse(a + 2, v, &m[n], err, sizeof err)) rc = cli_usage_error(c, "%s", err);
      else n++;
    } else rc = cli_usage_error(c, "unknown option or argument \"%s\"", a);
  }
  if (!rc && !n) rc = cli_usage_error(c, "%s", "give at least one measure: --nprs, --psfs, --ndi or --rom");
  store *s = NULL;
  long client = 0;
  if (!rc) rc = open_client(c, o, argv[0], &s, &client);
  if (!rc) {
    int r = record_measure_add(s, client, date, (long)visit, m, n, err, sizeof err);
    if (r) rc = fail(c, r, err);
    else printf("stored %d measure%s for client %ld\n", n, n == 1 ? "" : "s", client);
  }
  store_close(s);
  return rc;
}

/* ---- backup, restore, db ------------------------------------------------------------------ */

static int write_private(const cmd *c, const char *path, const buf *b);

/* ---- note, export ------------------------------------------------------------------------- */

int clinic_progress(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("progress");
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  const char *svg = NULL;
  int json = o->json, rc = 0;
  for (int i = 1; i < argc && !rc; i++) {
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (!strcmp(argv[i], "--svg")) { if (!(svg = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else rc = cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  if (rc) return rc;
  kb *k;
  if ((rc = cli_load_kb(o, &k))) return rc;
  store *s = NULL;
  long client = 0;
  char err[600];
  outcome *oc = NULL;
  if (!(rc = open_client(c, o, argv[0], &s, &client))) {
    if (outcome_load(s, k, client, &oc, err, sizeof err)) rc = fail(c, RECORD_ESTORE, err);
    else {
      buf out;
      buf_init(&out);
      if (svg) {
        outcome_svg(&out, oc);
        rc = write_private(c, svg, &out);
        buf_reset(&out);
      }
      if (json) { outcome_json(&out, oc); buf_putc(&out, '\n'); }
      else outcome_text(&out, oc);
      if (!rc) rc = cli_write(&out);
      buf_free(&out);
    }
  }
  outcome_free(oc);
  store_close(s);
  kb_free(k);
  return rc;
}

/* The name of therapist `id` into out: 0, or an error code with the message. */
static int therapist_name(store *s, long id, char *out, size_t cap, char *err, size_t errlen) {
  store_args a;
  store_args_init(&a);
  store_arg_int(&a, id);
  store_rows r;
  if (store_exec(s, "SELECT name FROM therapist WHERE id = $1", &a, &r)) {
    snprintf(err, errlen, "%s", store_error(s));
    return RECORD_ESTORE;
  }
  int rc = r.nrow ? 0 : RECORD_ENOTFOUND;
  if (rc) snprintf(err, errlen, "no therapist %ld (`myomap therapist list`)", id);
  else snprintf(out, cap, "%s", store_cell(&r, 0, 0));
  store_rows_free(&r);
  return rc;
}

/* A note_* error code as a record one (for the exit code). */
static int note_rc(int rc) {
  return !rc ? 0 : rc == NOTE_ESIGNED || rc == NOTE_EUNSIGNED || rc == NOTE_EBAD || rc == NOTE_EFORBIDDEN ? RECORD_EBAD
       : rc == NOTE_ENOTFOUND ? RECORD_ENOTFOUND : RECORD_ESTORE;
}

int clinic_note(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("note");
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  const char *date = NULL, *addendum = NULL, *path = NULL;
  double visit = 0, therapist = 0;
  int save = 0, sign = 0, html = 0, rc = 0;
  for (int i = 1; i < argc && !rc; i++) {
    const char *v;
    if (!strcmp(argv[i], "--save")) save = 1;
    else if (!strcmp(argv[i], "--sign")) sign = 1;
    else if (!strcmp(argv[i], "--html")) html = 1;
    else if (!strcmp(argv[i], "--date")) { if (!(date = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else if (!strcmp(argv[i], "--addendum")) { if (!(addendum = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else if (!strcmp(argv[i], "-o")) { if (!(path = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else if (!strcmp(argv[i], "--visit")) rc = (v = value(c, argc, argv, &i)) ? number(c, "--visit", v, 1, 1e15, &visit) : EXIT_USAGE;
    else if (!strcmp(argv[i], "--therapist")) rc = (v = value(c, argc, argv, &i)) ? number(c, "--therapist", v, 1, 1e15, &therapist) : EXIT_USAGE;
    else rc = cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  if (!rc && (sign || addendum) && !therapist) rc = cli_usage_error(c, "%s", "--sign and --addendum need --therapist ID (who signs)");
  if (!rc && save + sign + (addendum != NULL) > 1) rc = cli_usage_error(c, "%s", "one of --save, --sign and --addendum at a time");
  if (!rc && path && !html) rc = cli_usage_error(c, "%s", "-o goes with --html");
  if (rc) return rc;
  kb *k;
  if ((rc = cli_load_kb(o, &k))) return rc;
  store *s = NULL;
  long client = 0, id = 0;
  char err[600], who[256];
  if (!(rc = open_client(c, o, argv[0], &s, &client))) {
    int r = record_visit_find(s, client, date, (long)visit, &id, err, sizeof err);
    note_head h;
    note n = {0};
    if (!r && (sign || addendum)) r = therapist_name(s, (long)therapist, who, sizeof who, err, sizeof err);
    if (!r && sign) r = note_rc(note_sign(s, k, id, (long)therapist, who, err, sizeof err));
    if (!r && addendum) r = note_rc(note_addendum(s, id, (long)therapist, who, addendum, err, sizeof err));
    if (!r) r = note_rc(note_head_read(s, id, &h, err, sizeof err));
    buf out;
    buf_init(&out);
    if (!r && html) r = doc_note_html(s, k, id, &out, err, sizeof err);
    else if (!r) {
      /* a signed note as signed; else built from the record, as before */
      r = (h.is_signed ? note_current(s, k, id, &n, err, sizeof err) : note_build_lang(s, k, id, o->lang, &n, err, sizeof err)) ? RECORD_EBAD : 0;
      if (!r && save) r = note_rc(note_save(s, id, &n, err, sizeof err));
    }
    if (!r && !html) {
      note_text_lang(&out, &n, o->lang);
      if (save) buf_printf(&out, o->lang && !strcmp(o->lang, "fr") ? "(enregistrée avec la visite %ld)\n" : "(saved with visit %ld)\n", id);
      if (h.is_signed || sign) {
        note_head_read(s, id, &h, err, sizeof err);
        buf_printf(&out, "\nSigned by %s at %s (SHA-256 %s)\n", h.signed_by, h.signed_at, h.hash);
        store_rows ad;
        if (!note_addenda(s, id, &ad)) {
          for (int i = 0; i < ad.nrow; i++)
            buf_printf(&out, "\nAddendum, %s, by %s:\n%s\n", store_cell(&ad, i, 1), store_cell(&ad, i, 0), store_cell(&ad, i, 2));
          store_rows_free(&ad);
        }
      }
    }
    if (r) rc = fail(c, r, err);
    else rc = path ? write_private(c, path, &out) : cli_write(&out);
    buf_free(&out);
    note_free(&n);
  }
  store_close(s);
  kb_free(k);
  return rc;
}

int clinic_export(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("export");
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  int fhir = 0, csv = 0, rc = 0;
  const char *path = NULL;
  for (int i = 1; i < argc && !rc; i++) {
    if (!strcmp(argv[i], "--fhir")) fhir = 1;
    else if (!strcmp(argv[i], "--csv")) csv = 1;
    else if (!strcmp(argv[i], "-o")) { if (!(path = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else rc = cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  if (!rc && fhir + csv != 1) rc = cli_usage_error(c, "%s", "choose one format: --fhir or --csv");
  if (rc) return rc;
  kb *k;
  if ((rc = cli_load_kb(o, &k))) return rc;
  store *s = NULL;
  long client = 0;
  char err[600];
  buf out;
  buf_init(&out);
  if (!(rc = open_client(c, o, argv[0], &s, &client))) {
    if ((fhir ? export_fhir : export_csv)(s, k, client, &out, err, sizeof err)) rc = fail(c, RECORD_ESTORE, err);
    else rc = path ? write_private(c, path, &out) : cli_write(&out);
  }
  buf_free(&out);
  store_close(s);
  kb_free(k);
  return rc;
}

/* A file written whole or not at all: a temporary file beside it (PATH.tmp-XXXXXX, owner-only),
** renamed over PATH once complete and on disk; after any failure the temporary file is removed. */
typedef struct outfile {
  const char *path;
  char tmp[4096];
  int fd, err;   /* err: the errno of the first failure, 0 while all is well */
} outfile;

static int out_open(outfile *f, const char *path) {
  f->path = path;
  f->err = 0;
  int n = snprintf(f->tmp, sizeof f->tmp, "%s.tmp-XXXXXX", path);
  if (n < 0 || (size_t)n >= sizeof f->tmp) { f->fd = -1; f->err = ENAMETOOLONG; return -1; }
  f->fd = mkstemp(f->tmp);   /* mode 0600 */
  if (f->fd < 0) { f->err = errno; return -1; }
  return 0;
}

/* A store_write_fn: 0, or -1 with f->err set. */
static int out_write(void *ctx, const char *data, size_t len) {
  outfile *f = ctx;
  size_t done = 0;
  while (!f->err && done < len) {
    ssize_t w = write(f->fd, data + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) f->err = w < 0 ? errno : EIO;
    else done += (size_t)w;
  }
  return f->err ? -1 : 0;
}

static void out_abort(outfile *f) {
  if (f->fd >= 0) { close(f->fd); unlink(f->tmp); }
  f->fd = -1;
}

/* fsync, close, rename over the path, fsync the directory.  0, or -1 with f->err set (and the
** temporary file gone). */
static int out_commit(outfile *f) {
  if (!f->err && fsync(f->fd)) f->err = errno;
  if (close(f->fd) && !f->err) f->err = errno;
  f->fd = -1;
  if (!f->err && rename(f->tmp, f->path)) f->err = errno;
  if (f->err) { unlink(f->tmp); return -1; }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", f->path);
  char *slash = strrchr(dir, '/');
  if (slash) *(slash == dir ? slash + 1 : slash) = 0; else snprintf(dir, sizeof dir, ".");
  int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d >= 0) { fsync(d); close(d); }
  return 0;
}

/* Write b to path atomically (a temporary file beside it, renamed when complete), owner-only. */
static int write_private(const cmd *c, const char *path, const buf *b) {
  outfile f;
  if (out_open(&f, path) || out_write(&f, b->data ? b->data : "", b->len) || out_commit(&f)) {
    out_abort(&f);
    fprintf(stderr, "myomap %s: cannot write %s: %s\n", c->name, path, strerror(f.err));
    return EXIT_IO;
  }
  return 0;
}

/* The temporary file of a backup under way, removed if a signal ends the process (Ctrl-C, a
** kill, a hangup, a closed pipe): unlink and raise are async-signal-safe. */
static char *volatile backup_tmp;
static void backup_signal(int sig) {
  if (backup_tmp) unlink(backup_tmp);
  signal(sig, SIG_DFL);
  raise(sig);
}

/* A store_write_fn to stdout: 0, or -1 with *(int *)ctx set to the errno. */
static int stdout_write(void *ctx, const char *data, size_t len) {
  if (fwrite(data, 1, len, stdout) != len) { *(int *)ctx = errno ? errno : EIO; return -1; }
  return 0;
}

int clinic_backup(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("backup");
  const char *path = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o")) { if (!(path = value(c, argc, argv, &i))) return EXIT_USAGE; }
    else if (argv[i][0] != '-' && !path) path = argv[i];
    else return cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  if (path && !*path) return cli_usage_error(c, "%s", "-o needs a file name");
  signal(SIGXFSZ, SIG_IGN);   /* over a file size limit, write fails (EFBIG) and the file is removed */
  store *s;
  int rc = open_db(c, o, &s);
  if (rc) return rc;
  long rows = 0;
  if (path) {
    outfile f;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], backup_signal);
    if (out_open(&f, path)) {
      fprintf(stderr, "myomap backup: cannot create a file beside %s: %s\n", path, strerror(f.err));
      rc = EXIT_IO;
    } else if ((backup_tmp = f.tmp, store_backup(s, out_write, &f, &rows))) {
      if (f.err) fprintf(stderr, "myomap backup: cannot write %s: %s; no backup was written\n", f.tmp, strerror(f.err));
      else fprintf(stderr, "myomap backup: %s; no backup was written\n", store_error(s));
      out_abort(&f);
      rc = EXIT_IO;
    } else if (out_commit(&f)) {
      fprintf(stderr, "myomap backup: cannot write %s: %s; no backup was written\n", path, strerror(f.err));
      rc = EXIT_IO;
    } else
      fprintf(stderr, "myomap backup: %ld rows from %s written to %s\n", rows, store_where(s), path);
    backup_tmp = NULL;
  } else {
    int err = 0;
    if (store_backup(s, stdout_write, &err, &rows) || fflush(stdout)) {
      if (err || !store_error(s)[0]) fprintf(stderr, "myomap backup: cannot write the output: %s\n", strerror(err ? err : errno));
      else fprintf(stderr, "myomap backup: %s\n", store_error(s));
      rc = EXIT_IO;
    }
  }
  store_close(s);
  return rc;
}

int clinic_restore(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("restore");
  if (argc != 1) return cli_usage_error(c, "%s", "give the backup FILE (- for stdin)");
  FILE *f = strcmp(argv[0], "-") ? fopen(argv[0], "rb") : stdin;
  if (!f) {
    fprintf(stderr, "myomap restore: cannot read %s: %s\n", argv[0], strerror(errno));
    return EXIT_IO;
  }
  kb *k = NULL;
  int rc = cli_load_kb(o, &k);
  store *s = NULL;
  if (!rc && !(rc = open_db(c, o, &s))) {
    long rows;
    if (store_restore_file(s, f, record_row_check, k, &rows)) {
      fprintf(stderr, "myomap restore: %s: %s; nothing was restored\n", argv[0], store_error(s));
      rc = EXIT_USAGE;
    } else printf("restored %ld rows into %s\n", rows, store_where(s));
  }
  store_close(s);
  kb_free(k);
  if (f != stdin) fclose(f);
  return rc;
}

int clinic_db(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("db");
  int log = argc == 2 && !strcmp(argv[0], "log");
  if (!log && (argc != 1 || (strcmp(argv[0], "check") && strcmp(argv[0], "info"))))
    return cli_usage_error(c, "%s", "say check, info or log VISIT");
  double visit = 0;
  if (log && number(c, "VISIT", argv[1], 1, 1e15, &visit)) return EXIT_USAGE;
  kb *k = NULL;
  int rc = log ? cli_load_kb(o, &k) : 0;
  if (rc) return rc;
  store *s;
  if ((rc = open_db(c, o, &s))) { kb_free(k); return rc; }
  buf out;
  buf_init(&out);
  if (log) {
    char err[600];
    int r = record_visit_log(s, k, (long)visit, 1, &out, err, sizeof err);
    if (r) rc = fail(c, r, err);
  } else if (!strcmp(argv[0], "check")) {
    if (store_check(s, &out)) rc = EXIT_IO;
  } else {
    buf_printf(&out, "backend %s\nwhere %s\nschema %d\ndatabase %s\n", store_backend(s), store_where(s),
               store_schema_version(), store_database_id(s));
    if (store_counts(s, &out)) rc = fail(c, RECORD_ESTORE, store_error(s));
  }
  int w = rc ? 0 : cli_write(&out);
  buf_free(&out);
  store_close(s);
  kb_free(k);
  return rc ? rc : w;
}

/* ---- clinic, record, careplan ------------------------------------------------------------- */

int clinic_clinic(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("clinic");
  const char *name = NULL;
  int rc = 0;
  for (int i = 0; i < argc && !rc; i++) {
    if (!strcmp(argv[i], "--name")) { if (!(name = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else rc = cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  if (rc) return rc;
  store *s = NULL;
  if ((rc = open_db(c, o, &s))) return rc;
  char err[600], cur[256];
  buf out;
  buf_init(&out);
  int r = name ? record_setting_set(s, RECORD_CLINIC_NAME, name, err, sizeof err) : 0;
  if (!r) r = record_setting_get(s, RECORD_CLINIC_NAME, RECORD_CLINIC_DEFAULT, cur, sizeof cur);
  if (r == RECORD_ESTORE && !name) snprintf(err, sizeof err, "%s", store_error(s));
  if (r) rc = fail(c, r, err);
  else {
    buf_printf(&out, "%s%s\n", name ? "the clinic's name is now " : "", cur);
    rc = cli_write(&out);
  }
  buf_free(&out);
  store_close(s);
  return rc;
}

int clinic_record(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("record");
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  const char *from = NULL, *to = NULL, *path = NULL;
  int html = 0, rc = 0;
  for (int i = 1; i < argc && !rc; i++) {
    if (!strcmp(argv[i], "--html")) html = 1;
    else if (!strcmp(argv[i], "--from")) { if (!(from = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else if (!strcmp(argv[i], "--to")) { if (!(to = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else if (!strcmp(argv[i], "-o")) { if (!(path = value(c, argc, argv, &i))) rc = EXIT_USAGE; }
    else rc = cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  if (!rc && !html) rc = cli_usage_error(c, "%s", "say the format: --html");
  if (rc) return rc;
  kb *k;
  if ((rc = cli_load_kb(o, &k))) return rc;
  chart *ch = NULL;
  buf errs;
  buf_init(&errs);
  if (chart_load_builtin(&ch, kb_body(k), &errs)) {
    fprintf(stderr, "myomap record: the body chart: %s", errs.data ? errs.data : "failed\n");
    buf_free(&errs);
    kb_free(k);
    return EXIT_KB;
  }
  buf_free(&errs);
  store *s = NULL;
  long client = 0;
  char err[600];
  buf out;
  buf_init(&out);
  if (!(rc = open_client(c, o, argv[0], &s, &client))) {
    int r = doc_record_html(s, k, ch, client, from, to, &out, err, sizeof err);
    if (r) rc = fail(c, r, err);
    else rc = path ? write_private(c, path, &out) : cli_write(&out);
  }
  buf_free(&out);
  store_close(s);
  chart_free(ch);
  kb_free(k);
  return rc;
}

int clinic_careplan(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("careplan");
  if (client_first(c, argc, argv)) return EXIT_USAGE;
  careplan_in in;
  careplan_init(&in);
  int json = o->json, rc = 0, setting = 0, targets = 0;
  double visits = 0, therapist = 0;
  char act[128];
  for (int i = 1; i < argc && !rc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--json")) { json = 1; continue; }
    if (!(v = value(c, argc, argv, &i))) return EXIT_USAGE;
    setting = 1;
    if (!strcmp(a, "--nprs")) { in.kind = CAREPLAN_NPRS; rc = number(c, a, v, 0, 10, &in.target); targets++; }
    else if (!strcmp(a, "--psfs")) {
      const char *eq = strrchr(v, '=');
      if (!eq || eq == v || (size_t)(eq - v) >= sizeof act)
        return cli_usage_error(c, "--psfs %s: expected ACTIVITY=SCORE, e.g. \"reach overhead=7\"", v);
      memcpy(act, v, (size_t)(eq - v));
      act[eq - v] = 0;
      in.kind = CAREPLAN_PSFS;
      in.activity = act;
      rc = number(c, a, eq + 1, 0, 10, &in.target);
      targets++;
    } else if (!strcmp(a, "--visits")) rc = number(c, a, v, 1, 100, &visits);
    else if (!strcmp(a, "--frequency")) in.frequency = v;
    else if (!strcmp(a, "--reassess")) in.reassess = v;
    else if (!strcmp(a, "--start")) in.start = v;
    else if (!strcmp(a, "--goals")) in.goals = v;
    else if (!strcmp(a, "--therapist")) rc = number(c, a, v, 1, 1e15, &therapist);
    else rc = cli_usage_error(c, "unknown option or argument \"%s\"", a);
  }
  if (!rc && targets > 1) rc = cli_usage_error(c, "%s", "one target: --nprs or --psfs");
  if (!rc && setting && !targets) rc = cli_usage_error(c, "%s", "give the target: --nprs N or --psfs \"ACTIVITY=SCORE\"");
  if (rc) return rc;
  in.visits = (int)visits;
  if (visits != (int)visits) return cli_usage_error(c, "%s", "--visits is a whole number");
  kb *k;
  if ((rc = cli_load_kb(o, &k))) return rc;
  store *s = NULL;
  long client = 0, id = 0;
  char err[600];
  buf out;
  buf_init(&out);
  if (!(rc = open_client(c, o, argv[0], &s, &client))) {
    int r = setting ? careplan_set(s, client, (long)therapist, &in, &id, err, sizeof err) : 0;
    if (!r && setting && !json) buf_printf(&out, "stored plan of care %ld\n", id);
    if (!r) r = json ? careplan_json(s, k, client, &out, err, sizeof err) : careplan_text(s, k, client, &out, err, sizeof err);
    if (!r && json) buf_putc(&out, '\n');
    if (r) rc = fail(c, r, err);
    else rc = cli_write(&out);
  }
  buf_free(&out);
  store_close(s);
  kb_free(k);
  return rc;
}
