/* cli.c: the `myomap` command line: subcommand table, option parsing and output. */
#include "cli.h"
#include "care.h"
#include "choir.h"
#include "clinic.h"
#include "http.h"
#include "cert.h"
#include "body.h"
#include "builtin.h"
#include "kb.h"
#include "outcome.h"
#include "present.h"
#include "rank.h"
#include "report.h"
#include "screen.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static int cmd_where(opts *o, int argc, char **argv);
static int cmd_muscle(opts *o, int argc, char **argv);
static int cmd_regions(opts *o, int argc, char **argv);
static int cmd_kb(opts *o, int argc, char **argv);

static const cmd commands[] = {
  {"where", cmd_where, "[options] REGION[:INTENSITY[:QUALITY]]...",
   "rank the trigger points most likely to refer this pain",
   "Ranks the trigger points whose referral zones best explain the painful regions, best\n"
   "first, one per muscle and side, after two screens: red flags that need a doctor, and\n"
   "trigger point pain versus general muscle soreness.  The list is of candidates to assess\n"
   "by palpation, not a diagnosis.\n\n"
   "  REGION       a region id with its side, e.g. temple-l (the patient's left); see `myomap regions`\n"
   "  INTENSITY    0-10;  QUALITY  ache, burning, sharp, tingling or numbness\n\n"
   "Options:\n"
   "  --json             one JSON object: {\"screen\":...,\"candidates\":[...]}\n"
   "  --top N            how many candidates (default 5, at most 64)\n"
   "  --context A,B      perpetuating activities, e.g. desk-work,phone-cradling\n"
   "  --onset WORD       gradual, sudden, after-exercise or injury\n"
   "  --hours H          hours since the pain began\n"
   "  --tender WORD      spot (a tender knot) or diffuse (the whole muscle)\n"
   "  --flag A,B         red-flag answers: numbness, weakness, shooting, fever, weight-loss,\n"
   "                     night-pain, bowel-bladder, trauma\n"
   "  --choir IDS        a CHOIR Body Map drawing, e.g. 128,117,107 (segments 101-136 front,\n"
   "                     201-238 back); each segment is \"pain somewhere in it\" (kb/choir.tsv)\n"
   "  --choir-map MAP    male (the standard numbering, default) or female\n"
   "  --batch FILE       read one JSON presentation per line from FILE (- for stdin) and write\n"
   "                     one JSON result per line; a bad line gives {\"line\":N,\"error\":...}\n"
   "                     and the run goes on.  Line format:\n"
   "                     {\"pain\":[{\"region\":\"temple-l\",\"intensity\":6,\"quality\":\"ache\"}],\n"
   "                      \"context\":[\"desk-work\"],\"onset\":\"gradual\",\"onset_hours\":72,\n"
   "                      \"tender\":\"spot\",\"flags\":[\"fever\"]}; a CHOIR drawing is\n"
   "                     {\"choir\":\"128,117,107\",\"map\":\"female\"}\n"
   "  --jobs N           with --batch: rank on N threads (0: one per core; default 1); the\n"
   "                     output is the same, line for line, in input order\n"
   "  --compact          with --batch: a short line per result: {\"screen\":LEVEL,\"flags\":[..],\n"
   "                     \"soreness\":VERDICT,\"candidates\":[[POINT,SIDE,SCORE,[ESSENTIAL..],\n"
   "                     [SPILLOVER..]],..]} (docs/api.md)\n\n"
   "When no one candidate explains the whole drawing, the answer says so and groups the\n"
   "candidates by the part of the drawing they explain (JSON: \"groups\", \"explained\").\n\n"
   "Examples:\n  myomap where temple-l:6:ache neck-side-l:4 --context desk-work\n"
   "  myomap where --choir 128,117,107 --choir-map female\n"},
  {"muscle", cmd_muscle, "[--json] NAME",
   "show a muscle's trigger points, zones, perpetuating factors and sources",
   "NAME is a muscle id (upper-trapezius) or its name (\"upper trapezius\").\n\n"
   "Options:\n  --json   print JSON\n"},
  {"regions", cmd_regions, "[--json]", "list the body regions with their sides",
   "Lists every concrete region id: paired regions as ID-l and ID-r (the patient's left and\n"
   "right), midline ones bare, with chart view, group and label.\n\n"
   "Options:\n  --json   print JSON\n"},
  {"kb", cmd_kb, "check | export [--json]", "check or export the knowledge base",
   "  kb check            validate the knowledge base (the embedded one, or --kb DIR): every\n"
   "                      error with file, line and the nearest valid id; every muscle of the\n"
   "                      catalogue covered.  Exit 0 when valid, 3 when not.\n"
   "  kb export [--json]  every trigger point on the patient's left side, zones as concrete\n"
   "                      region ids (the right side is the mirror); text is one TSV line each\n"},
  CARE_COMMANDS,
  CLINIC_COMMANDS,
  HTTP_COMMANDS,
  CERT_COMMANDS
};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

static void usage_all(FILE *f) {
  fprintf(f,
          "myomap %s: trace pain back to the myofascial trigger points that refer it\n\n"
          "Usage: myomap [--kb DIR] [--lang LANG] COMMAND [options] [args]\n\nCommands:\n", MYOMAP_VERSION);
  for (int i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(f,
          "\nGlobal options:\n"
          "  --kb DIR     use the knowledge-base files in DIR instead of the embedded ones\n"
          "  --db DB      the record database: a SQLite file (default ~/.local/share/myomap/myomap.db)\n"
          "               or postgresql://USER:PASSWORD@HOST/NAME; also from $MYOMAP_DB\n"
          "  --lang LANG  the client's language for the home program, its handout and the SOAP\n"
          "               note's fixed words: en (default) or fr (fr-CA); also from $MYOMAP_LANG\n"
          "  --help       this help; `myomap COMMAND --help` for a command's\n"
          "  --version    print the version\n\n"
          "Exit codes: 0 ok, 1 usage error, 2 unknown region or muscle, 3 invalid knowledge base,\n"
          "4 input/output or database error.\n");
}

static void usage_cmd(FILE *f, const cmd *c) {
  fprintf(f, "Usage: myomap %s %s\n\n%s: %s\n\n%s", c->name, c->args, c->name, c->summary, c->help);
}

int cli_usage_error(const cmd *c, const char *fmt, const char *arg) {
  fprintf(stderr, "myomap%s%s: ", c ? " " : "", c ? c->name : "");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(run `myomap %s%s--help` for usage)\n", c ? c->name : "", c ? " " : "");
  return EXIT_USAGE;
}

const cmd *cli_find(const char *name) {
  for (int i = 0; i < N_COMMANDS; i++) if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

int cli_load_kb(const opts *o, kb **out) {
  buf errors;
  buf_init(&errors);
  /* the tables of the embedded kb hold no translations: another language reads its text */
  int rc = o->kb_dir ? kb_load_dir(out, o->kb_dir, &errors)
         : o->lang && strcmp(o->lang, "en") ? kb_load_builtin_text(out, &errors) : kb_load_builtin(out, &errors);
  if (!rc && o->lang && (rc = kb_load_lang(*out, o->lang, &errors))) kb_free(*out);   /* the client's language: kb/fr/ */
  if (rc) {
    fputs(errors.data ? errors.data : "knowledge base failed to load\n", stderr);
    fprintf(stderr, "myomap: the knowledge base has errors (%d); nothing was done\n", rc < 0 ? -rc : rc);
  }
  buf_free(&errors);
  return rc ? EXIT_KB : 0;
}

int cli_write(const buf *b) {
  if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) return EXIT_IO;
  return 0;
}

int cli_read_input(const cmd *c, const char *path, char **text, size_t *len) {
  if (strcmp(path, "-") == 0) {
    buf b;
    buf_init(&b);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, stdin)) > 0) buf_append(&b, tmp, n);
    *text = b.data ? b.data : xstrdup("");
    *len = b.len;
    return 0;
  }
  if (util_read_file(path, text, len)) {
    fprintf(stderr, "myomap %s: cannot read %s: %s\n", c->name, path, strerror(errno));
    return EXIT_IO;
  }
  return 0;
}

/* Split a comma list and apply fn to each item. */
static int each_item(const char *list, int (*fn)(const kb *, const char *, present *, char *, size_t),
                     const kb *k, present *p) {
  char *copy = xstrdup(list), *save = NULL, err[256];
  int rc = 0;
  for (char *s = strtok_r(copy, ",", &save); s && !rc; s = strtok_r(NULL, ",", &save))
    if (fn(k, s, p, err, sizeof err)) { fprintf(stderr, "myomap where: %s\n", err); rc = EXIT_USAGE; }
  free(copy);
  return rc;
}
static int ctx_fn(const kb *k, const char *s, present *p, char *e, size_t n) { return present_add_context(k, s, p, e, n); }
static int flag_fn(const kb *k, const char *s, present *p, char *e, size_t n) { (void)k; return present_add_flag(s, p, e, n); }

/* ---- where --batch: chunks of lines, ranked on --jobs threads, written in input order ---- */
enum { CHUNK_BYTES = 1 << 18, MAX_JOBS = 64 };   /* a chunk: about 1,000 lines (0.6 ms of work) */

/* One job's ranking state (a rank and a report are not shared between threads). */
typedef struct ranker { kb *k; const choir *ch; rank *r; report *rp; int top, compact; } ranker;

/* Rank the lines of in[0..len) (each ended by '\n', the last perhaps not), the first of them
** line number `line`, appending one result line each to out; returns how many lines. */
static long batch_chunk(ranker *w, char *in, size_t len, long line, buf *out) {
  long first = line;
  present p;
  screen_result s;
  rank_result res;
  char err[256];
  for (char *q = in, *end = in + len; q < end; line++) {
    char *nl = memchr(q, '\n', (size_t)(end - q)), *e = nl ? nl : end;
    size_t n = (size_t)(e - q);
    while (n && (q[n - 1] == '\n' || q[n - 1] == '\r')) n--;
    q[n] = 0;
    int prc = present_parse_json_choir(w->k, w->ch, q, n, &p, err, sizeof err);
    if (prc) report_error_json(out, line, prc == PRESENT_EREGION ? "unknown-region" : "bad-input", err);
    else {
      screen_run(w->k, &p, &s);
      if (w->compact) {
        rank_run_list(w->r, &p, w->top, &res);
        report_where_compact(out, w->rp, &p, &s, &res);
      } else {
        rank_run(w->r, &p, w->top, &res);
        report_where_json(out, w->rp, &p, &s, &res);
      }
    }
    buf_putc(out, '\n');
    q = nl ? nl + 1 : end;
  }
  return line - first;
}

/* The reader: the next chunk of whole lines into `in` (what followed its last newline is kept
** in `carry` for the next one).  Returns 0 at the end of the input, 1 with a chunk, -1 on a read
** error. */
typedef struct reader { FILE *f; buf carry; int eof; } reader;
static int read_chunk(reader *rd, buf *in) {
  buf_reset(in);
  buf_append(in, rd->carry.data, rd->carry.len);
  buf_reset(&rd->carry);
  for (;;) {
    if (rd->eof) return in->len > 0;
    buf_reserve(in, CHUNK_BYTES + 1);
    size_t got = fread(in->data + in->len, 1, CHUNK_BYTES, rd->f);
    in->len += got;
    if (got < CHUNK_BYTES) {
      if (ferror(rd->f)) return -1;
      rd->eof = 1;
      continue;
    }
    char *nl = in->data + in->len;
    while (nl > in->data && nl[-1] != '\n') nl--;
    if (nl == in->data) continue;   /* a line longer than a chunk: read on */
    nl--;
    size_t keep = (size_t)(nl + 1 - in->data);
    buf_append(&rd->carry, nl + 1, in->len - keep);
    in->len = keep;
    return 1;
  }
}

static long count_lines(const buf *in) {
  long n = 0;
  for (const char *q = in->data, *end = in->data + in->len; q < end; n++) {
    const char *nl = memchr(q, '\n', (size_t)(end - q));
    q = nl ? nl + 1 : end;
  }
  return n;
}

/* The chunks in flight: the main thread reads chunk i into slot i % n_slots once chunk
** i - n_slots is written, the workers rank the chunks in order, and the main thread writes
** each chunk's results before it reuses its slot, so the output is in input order. */
typedef struct slot { buf in, out; long line; int done; } slot;
typedef struct pool {
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  slot *slots; int n_slots;
  long n_read, n_taken;   /* chunks read so far, chunks a worker has taken */
  int eof;
} pool;

/* A worker: its pool and its own ranking state. */
typedef struct worker_arg { pool *pl; ranker w; } worker_arg;

static void *worker_main(void *arg) {
  worker_arg *a = arg;
  pool *pl = a->pl;
  pthread_mutex_lock(&pl->mu);
  for (;;) {
    while (pl->n_taken == pl->n_read && !pl->eof) pthread_cond_wait(&pl->work, &pl->mu);
    if (pl->n_taken == pl->n_read) break;
    slot *sl = &pl->slots[pl->n_taken++ % pl->n_slots];
    pthread_mutex_unlock(&pl->mu);
    buf_reset(&sl->out);
    batch_chunk(&a->w, sl->in.data, sl->in.len, sl->line, &sl->out);
    pthread_mutex_lock(&pl->mu);
    sl->done = 1;
    pthread_cond_broadcast(&pl->done);
  }
  pthread_mutex_unlock(&pl->mu);
  return NULL;
}

static int run_batch(opts *o, kb *k, const choir *ch, rank *r, report *rp) {
  FILE *in = strcmp(o->batch, "-") == 0 ? stdin : fopen(o->batch, "r");
  if (!in) {
    fprintf(stderr, "myomap where: cannot open %s: %s\n", o->batch, strerror(errno));
    return EXIT_IO;
  }
  int jobs = o->jobs;
  if (jobs == 0) { long c = sysconf(_SC_NPROCESSORS_ONLN); jobs = c < 1 ? 1 : c > MAX_JOBS ? MAX_JOBS : (int)c; }
  reader rd = {in, {0}, 0};
  buf_init(&rd.carry);
  int rc = 0, rrc;
  long line = 1;
  if (jobs == 1) {
    ranker w = {k, ch, r, rp, o->top, o->compact};
    buf chunk, out;
    buf_init(&chunk);
    buf_init(&out);
    while ((rrc = read_chunk(&rd, &chunk)) > 0) {
      buf_reset(&out);
      line += batch_chunk(&w, chunk.data, chunk.len, line, &out);
      if (cli_write(&out)) { rc = EXIT_IO; break; }
    }
    if (rrc < 0) rc = -1;
    buf_free(&chunk);
    buf_free(&out);
  } else {
    pool pl = {0};
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.work, NULL);
    pthread_cond_init(&pl.done, NULL);
    pl.n_slots = 2 * jobs;
    pl.slots = xcalloc((size_t)pl.n_slots, sizeof *pl.slots);
    worker_arg *args = xcalloc((size_t)jobs, sizeof *args);
    pthread_t *th = xcalloc((size_t)jobs, sizeof *th);
    int started = 0;
    for (int j = 0; j < jobs; j++) {
      args[j].pl = &pl;
      rank *rj = j ? rank_new(k) : r;
      args[j].w = (ranker){k, ch, rj, j ? report_new(k, rj) : rp, o->top, o->compact};
      if (pthread_create(&th[j], NULL, worker_main, &args[j])) {   /* go on with those started */
        if (j) { report_free(args[j].w.rp); rank_free(rj); }
        break;
      }
      started++;
    }
    if (!started) {
      fprintf(stderr, "myomap where: cannot start a thread: %s\n", strerror(errno));
      rc = -2;
      pl.eof = 1;
    }
    long written = 0;
    for (; started;) {
      /* the slot of the next chunk: write what it holds first (the oldest chunk in flight) */
      slot *sl = &pl.slots[pl.n_read % pl.n_slots];
      if (pl.n_read >= pl.n_slots) {
        pthread_mutex_lock(&pl.mu);
        while (!sl->done) pthread_cond_wait(&pl.done, &pl.mu);
        pthread_mutex_unlock(&pl.mu);
        if (!rc && cli_write(&sl->out)) rc = EXIT_IO;
        written++;
      }
      sl->done = 0;
      rrc = rc ? 0 : read_chunk(&rd, &sl->in);
      if (rrc < 0) rc = -1;
      pthread_mutex_lock(&pl.mu);
      if (rrc > 0) {
        sl->line = line;
        line += count_lines(&sl->in);
        pl.n_read++;
        pthread_cond_signal(&pl.work);
      } else {
        pl.eof = 1;
        pthread_cond_broadcast(&pl.work);
      }
      pthread_mutex_unlock(&pl.mu);
      if (rrc <= 0) break;
    }
    for (; written < pl.n_read; written++) {   /* the chunks still in flight, in order */
      slot *sl = &pl.slots[written % pl.n_slots];
      pthread_mutex_lock(&pl.mu);
      while (!sl->done) pthread_cond_wait(&pl.done, &pl.mu);
      pthread_mutex_unlock(&pl.mu);
      if (!rc && cli_write(&sl->out)) rc = EXIT_IO;
    }
    for (int j = 0; j < started; j++) pthread_join(th[j], NULL);
    for (int j = 1; j < started; j++) { report_free(args[j].w.rp); rank_free(args[j].w.r); }
    for (int i = 0; i < pl.n_slots; i++) { buf_free(&pl.slots[i].in); buf_free(&pl.slots[i].out); }
    free(pl.slots); free(args); free(th);
    pthread_mutex_destroy(&pl.mu);
    pthread_cond_destroy(&pl.work);
    pthread_cond_destroy(&pl.done);
  }
  if (rc == -1) { fprintf(stderr, "myomap where: error reading %s\n", o->batch); rc = EXIT_IO; }
  else if (rc == -2) rc = EXIT_IO;   /* said above */
  else {
    if (fflush(stdout)) rc = EXIT_IO;
    if (rc == EXIT_IO) fprintf(stderr, "myomap where: cannot write the output: %s\n", strerror(errno));
  }
  buf_free(&rd.carry);
  if (in != stdin) fclose(in);
  return rc;
}

static int cmd_where(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("where");
  kb *k;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  present p;
  present_init(&p);
  char err[256];
  int n_regions = 0;
  const char *choir_ids = NULL, *choir_map = "male";
  /* the CHOIR table: DIR/choir.tsv with --kb DIR when there is one, else the embedded one */
  choir *own = NULL;
  const choir *ch = choir_builtin();
  if (o->kb_dir) {
    char path[4096], *text = NULL;
    size_t len;
    snprintf(path, sizeof path, "%s/choir.tsv", o->kb_dir);
    if (!util_read_file(path, &text, &len)) {
      buf e;
      buf_init(&e);
      if (choir_load(&own, kb_body(k), path, text, len, &e)) { fputs(e.data, stderr); rc = EXIT_KB; }
      ch = own;
      buf_free(&e);
      free(text);
    }
  }
  for (int i = 0; i < argc && !rc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--json") == 0) o->json = 1;
    else if (strcmp(a, "--no-color") == 0) o->color = 0;
    else if (strcmp(a, "--compact") == 0) o->compact = 1;
    else if (!strcmp(a, "--top") || !strcmp(a, "--context") || !strcmp(a, "--onset") || !strcmp(a, "--hours") ||
             !strcmp(a, "--tender") || !strcmp(a, "--flag") || !strcmp(a, "--batch") ||
             !strcmp(a, "--choir") || !strcmp(a, "--choir-map") || !strcmp(a, "--jobs")) {
      if (!v) { rc = cli_usage_error(c, "%s needs a value", a); break; }
      i++;
      char *end;
      if (!strcmp(a, "--top")) {
        long t = strtol(v, &end, 10);
        if (*end || t < 1 || t > RANK_MAX) rc = cli_usage_error(c, "--top takes a number 1-64, not \"%s\"", v);
        else o->top = (int)t;
      } else if (!strcmp(a, "--jobs")) {
        long j = strtol(v, &end, 10);
        if (*end || !*v || j < 0 || j > MAX_JOBS) rc = cli_usage_error(c, "--jobs takes a number 0-64 (0: one per core), not \"%s\"", v);
        else o->jobs = (int)j;
      } else if (!strcmp(a, "--hours")) {
        long h = strtol(v, &end, 10);
        if (*end || h < 0) rc = cli_usage_error(c, "--hours takes a whole number of hours >= 0, not \"%s\"", v);
        else p.onset_hours = (int)h;
      } else if (!strcmp(a, "--context")) rc = each_item(v, ctx_fn, k, &p);
      else if (!strcmp(a, "--flag")) rc = each_item(v, flag_fn, k, &p);
      else if (!strcmp(a, "--onset") && present_set_onset(v, &p, err, sizeof err)) rc = cli_usage_error(c, "%s", err);
      else if (!strcmp(a, "--tender") && present_set_tender(v, &p, err, sizeof err)) rc = cli_usage_error(c, "%s", err);
      else if (!strcmp(a, "--batch")) o->batch = v;
      else if (!strcmp(a, "--choir")) choir_ids = v;
      else if (!strcmp(a, "--choir-map")) choir_map = v;
    } else if (a[0] == '-' && a[1]) rc = cli_usage_error(c, "unknown option \"%s\"", a);
    else {
      int prc = present_parse_word(k, a, &p, err, sizeof err);
      if (prc == PRESENT_EREGION) { fprintf(stderr, "myomap where: %s\n", err); rc = EXIT_UNKNOWN; }
      else if (prc) rc = cli_usage_error(c, "%s", err);
      n_regions++;
    }
  }
  if (!rc && choir_ids) {
    int map = choir_find_map(choir_map, strlen(choir_map));
    if (map < 0) rc = cli_usage_error(c, "--choir-map takes male or female, not \"%s\"", choir_map);
    else {
      int prc = present_add_choir_list(&p, ch, map, choir_ids, err, sizeof err);
      if (prc == PRESENT_EREGION) { fprintf(stderr, "myomap where: %s\n", err); rc = EXIT_UNKNOWN; }
      else if (prc) rc = cli_usage_error(c, "%s", err);
      else if (!p.n_choir) rc = cli_usage_error(c, "%s", "--choir takes segment ids, e.g. --choir 128,117,107");
      n_regions++;
    }
  }
  if (!rc && o->batch && n_regions) rc = cli_usage_error(c, "%s", "give regions or --batch, not both");
  if (!rc && !o->batch && (o->compact || o->jobs != 1)) rc = cli_usage_error(c, "%s", "--jobs and --compact go with --batch FILE");
  if (!rc && !o->batch && !n_regions) rc = cli_usage_error(c, "%s", "name at least one painful region, e.g. `myomap where temple-l neck-side-l`");
  if (rc) { choir_free(own); kb_free(k); return rc; }
  rank *r = rank_new(k);
  report *rp = report_new(k, r);
  if (o->batch) rc = run_batch(o, k, ch, r, rp);
  else {
    screen_result s;
    rank_result res;
    buf out;
    buf_init(&out);
    screen_run(k, &p, &s);
    rank_run(r, &p, o->top, &res);
    if (o->json) { report_where_json(&out, rp, &p, &s, &res); buf_putc(&out, '\n'); }
    else report_where_text(&out, rp, &p, &s, &res, o->color);
    rc = cli_write(&out);
    buf_free(&out);
  }
  report_free(rp);
  rank_free(r);
  choir_free(own);
  kb_free(k);
  return rc;
}

static int cmd_muscle(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("muscle");
  const char *name = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) o->json = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error(c, "unknown option \"%s\"", argv[i]);
    else if (name) return cli_usage_error(c, "%s", "give one muscle");
    else name = argv[i];
  }
  if (!name) return cli_usage_error(c, "%s", "name a muscle, e.g. `myomap muscle upper-trapezius`");
  kb *k;
  int rc = cli_load_kb(o, &k);
  if (rc) return rc;
  int m = kb_find_muscle(k, name);
  if (m < 0) {
    const char *hint = kb_suggest_muscle(k, name);
    if (hint) fprintf(stderr, "myomap muscle: %s: no such muscle; did you mean %s?\n", name, hint);
    else fprintf(stderr, "myomap muscle: %s: no such muscle; `myomap kb export` lists them\n", name);
    kb_free(k);
    return EXIT_UNKNOWN;
  }
  buf out;
  buf_init(&out);
  if (o->json) { report_muscle_json(&out, k, m); buf_putc(&out, '\n'); }
  else report_muscle_text(&out, k, m);
  rc = cli_write(&out);
  buf_free(&out);
  kb_free(k);
  return rc;
}

static int cmd_regions(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("regions");
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) o->json = 1;
    else return cli_usage_error(c, "unexpected argument \"%s\"", argv[i]);
  }
  const body *b = body_builtin();
  if (!b) { fprintf(stderr, "myomap: the embedded body model is broken\n"); return EXIT_KB; }
  buf out;
  buf_init(&out);
  if (o->json) { report_regions_json(&out, b); buf_putc(&out, '\n'); }
  else report_regions_text(&out, b);
  int rc = cli_write(&out);
  buf_free(&out);
  return rc;
}

/* kb check of the SNOMED CT table: DIR/snomed.tsv with --kb DIR, else the embedded copy;
** every region coded, every source a kb/sources.kb key.  Returns the number of errors. */
static int check_snomed(const opts *o, const kb *k, buf *errors) {
  char *text = NULL, path[4096], err[512];
  size_t len = 0;
  const builtin_file *bf = builtin_find("kb/snomed.tsv");
  if (o->kb_dir) {
    snprintf(path, sizeof path, "%s/snomed.tsv", o->kb_dir);
    if (util_read_file(path, &text, &len)) { buf_printf(errors, "%s: cannot read: %s\n", path, strerror(errno)); return 1; }
  } else if (bf) text = xstrndup((const char *)bf->data, len = bf->len);
  else { buf_puts(errors, "kb/snomed.tsv: not embedded in this binary\n"); return 1; }
  body_sct *t;
  int bad = 0, n = body_n(kb_body(k));
  if (body_sct_load(kb_body(k), text, len, &t, err, sizeof err)) { buf_printf(errors, "kb/%s\n", err); bad = 1; }
  else {
    for (int i = 0; i < n; i++)
      if (kb_find_term(k, KB_SOURCE, t[i].source) < 0 && (i == 0 || strcmp(t[i].source, t[i - 1].source))) {
        buf_printf(errors, "kb/snomed.tsv: %s: unknown source \"%s\" (a key of kb/sources.kb)\n", body_at(kb_body(k), i)->id, t[i].source);
        bad++;
      }
    body_sct_free(t, n);
  }
  free(text);
  return bad;
}

/* kb check of the embedded tables (build/kbdata.inc): they must hold what the embedded text
** holds (k, loaded from it), or the build is stale.  Returns the number of errors. */
static int check_image(const kb *k, buf *errors) {
  int bad = 0;
  buf a, b;
  buf_init(&a);
  buf_init(&b);
  kb *img = NULL;
  buf e;
  buf_init(&e);
  if (kb_load_builtin(&img, &e)) bad++;
  else {
    kb_write_c(k, &a);
    kb_write_c(img, &b);
    if (a.len != b.len || memcmp(a.data, b.data, a.len)) bad++;
    rank *rt = rank_new(k), *ri = rank_new(img);   /* computed, and the tables */
    buf_reset(&a); buf_reset(&b);
    rank_write_c(rt, &a);
    rank_write_c(ri, &b);
    if (a.len != b.len || memcmp(a.data, b.data, a.len)) bad++;
    rank_free(rt);
    rank_free(ri);
  }
  kb_free(img);
  buf_free(&e);
  const builtin_file *rf = builtin_find("kb/regions.tsv"), *cf = builtin_find("kb/choir.tsv");
  body *bt = NULL;
  choir *ct = NULL;
  char err[256];
  buf_reset(&a); buf_reset(&b);
  if (!rf || body_load(&bt, (const char *)rf->data, rf->len, err, sizeof err)) bad++;
  else {
    body_write_c(bt, &a);
    body_write_c(body_builtin(), &b);
    if (a.len != b.len || memcmp(a.data, b.data, a.len)) bad++;
    buf_reset(&a); buf_reset(&b);
    if (!cf || choir_load(&ct, bt, "kb/choir.tsv", (const char *)cf->data, cf->len, &e)) bad++;
    else {
      choir_write_c(ct, &a);
      choir_write_c(choir_builtin(), &b);
      if (a.len != b.len || memcmp(a.data, b.data, a.len)) bad++;
    }
  }
  if (bad) buf_puts(errors, "build/kbdata.inc: the embedded tables differ from the embedded kb/ text (a stale build: run make)\n");
  choir_free(ct);
  body_free(bt);
  buf_free(&e);
  buf_free(&a);
  buf_free(&b);
  return bad;
}

static int cmd_kb(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("kb");
  const char *sub = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) o->json = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error(c, "unknown option \"%s\"", argv[i]);
    else if (sub) return cli_usage_error(c, "unexpected argument \"%s\"", argv[i]);
    else sub = argv[i];
  }
  if (!sub) return cli_usage_error(c, "%s", "say `kb check` or `kb export`");
  int check = strcmp(sub, "check") == 0;
  if (!check && strcmp(sub, "export")) return cli_usage_error(c, "unknown subcommand \"%s\": use check or export", sub);
  kb *k;
  int rc = 0;
  if (check && !o->kb_dir) {   /* the embedded text itself, not the tables made from it */
    buf errors;
    buf_init(&errors);
    rc = kb_load_builtin_text(&k, &errors);
    if (rc) fprintf(stderr, "%smyomap: the knowledge base has errors (%d); nothing was done\n", errors.data ? errors.data : "", -rc);
    buf_free(&errors);
    if (rc) return EXIT_KB;
  } else if ((rc = cli_load_kb(o, &k))) return rc;
  buf out;
  buf_init(&out);
  if (check) {
    buf errors;
    buf_init(&errors);
    int bad = kb_check_coverage(k, &errors);
    if (!o->kb_dir) bad += check_image(k, &errors);
    bad += kb_check_translations(k, &errors);
    /* the outcome thresholds: DIR/outcomes.tsv with --kb DIR, else the embedded copy */
    char *text = NULL;
    size_t len = 0;
    const builtin_file *bf = builtin_find("kb/outcomes.tsv");
    if (o->kb_dir) {
      char path[4096];
      snprintf(path, sizeof path, "%s/outcomes.tsv", o->kb_dir);
      if (util_read_file(path, &text, &len)) { buf_printf(&errors, "%s: cannot read: %s\n", path, strerror(errno)); bad++; }
    } else if (bf) text = xstrndup((const char *)bf->data, len = bf->len);
    else { buf_puts(&errors, "kb/outcomes.tsv: not embedded in this binary\n"); bad++; }
    if (text) bad += outcome_check_table(k, text, len, &errors);
    free(text);
    bad += check_snomed(o, k, &errors);
    /* the CHOIR segments: DIR/choir.tsv with --kb DIR, else the embedded copy */
    text = NULL;
    const builtin_file *cf = builtin_find("kb/choir.tsv");
    char cpath[4096] = "kb/choir.tsv";
    if (o->kb_dir) {
      snprintf(cpath, sizeof cpath, "%s/choir.tsv", o->kb_dir);
      if (util_read_file(cpath, &text, &len)) { buf_printf(&errors, "%s: cannot read: %s\n", cpath, strerror(errno)); bad++; }
    } else if (cf) text = xstrndup((const char *)cf->data, len = cf->len);
    else { buf_puts(&errors, "kb/choir.tsv: not embedded in this binary\n"); bad++; }
    if (text) {
      choir *chk = NULL;
      bad += choir_load(&chk, kb_body(k), cpath, text, len, &errors);
      choir_free(chk);
    }
    free(text);
    if (bad) {
      fputs(errors.data, stderr);
      fprintf(stderr, "myomap: the knowledge base has errors (%d)\n", bad);
      rc = EXIT_KB;
    } else {
      int n_zone = 0;
      for (int t = 0; t < kb_n_tps(k); t++) n_zone += kb_tp_at(k, t)->n_essential + kb_tp_at(k, t)->n_spillover;
      buf_printf(&out, "knowledge base ok: %d muscles, %d trigger points, %d zone entries, %d sources\n",
                 kb_n_muscles(k), kb_n_tps(k), n_zone, kb_n_terms(k, KB_SOURCE));
      int n_en, n_fr = kb_n_translations(k, "fr", &n_en);
      if (n_fr) buf_printf(&out, "translations ok: fr %d of %d texts\n", n_fr, n_en);
    }
    buf_free(&errors);
  } else if (o->json) { report_export_json(&out, k); buf_putc(&out, '\n'); }
  else report_export_text(&out, k);
  if (!rc) rc = cli_write(&out);
  buf_free(&out);
  kb_free(k);
  return rc;
}

/* An empty --db is a mistake (an unset variable, `--db "$DB"`), never the default file. */
#define DB_NEEDS "--db needs a database: a path or a postgresql:// URI"
#define LANG_NEEDS "--lang needs a language: en or fr"

int cli_main(int argc, char **argv) {
  const char *env_db = getenv("MYOMAP_DB");
  /* MYOMAP_DB= (set but empty) means not set, as with other variables of the environment */
  opts o = {NULL, 0, 5, NULL, isatty(1) && getenv("NO_COLOR") == NULL, env_db && *env_db ? env_db : NULL, 1, 0, NULL};
  const char *env_lang = getenv("MYOMAP_LANG");
  if (env_lang && *env_lang) {
    if (!kb_lang_name(env_lang)) return cli_usage_error(NULL, LANG_NEEDS " (in $MYOMAP_LANG: \"%s\")", env_lang);
    o.lang = kb_lang_name(env_lang);
  }
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--kb") == 0) {
      if (i + 1 >= argc) return cli_usage_error(NULL, "%s", "--kb needs a directory");
      o.kb_dir = argv[++i];
    } else if (strcmp(argv[i], "--db") == 0) {
      if (i + 1 >= argc || !argv[i + 1][0]) return cli_usage_error(NULL, "%s", DB_NEEDS);
      o.db = argv[++i];
    } else if (strcmp(argv[i], "--lang") == 0) {
      if (i + 1 >= argc || !kb_lang_name(argv[i + 1]) || !argv[i + 1][0])
        return cli_usage_error(NULL, LANG_NEEDS " (not \"%s\")", i + 1 < argc ? argv[i + 1] : "");
      o.lang = kb_lang_name(argv[++i]);
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "help") == 0) {
      const cmd *c = i + 1 < argc ? cli_find(argv[i + 1]) : NULL;
      if (c) usage_cmd(stdout, c); else usage_all(stdout);
      return EXIT_OK;
    } else if (strcmp(argv[i], "--version") == 0) {
      printf("myomap %s\n", MYOMAP_VERSION);
      return EXIT_OK;
    } else break;
  }
  if (i >= argc) { usage_all(stderr); return EXIT_USAGE; }
  const cmd *c = cli_find(argv[i]);
  if (!c) {
    const char *names[N_COMMANDS];
    for (int j = 0; j < N_COMMANDS; j++) names[j] = commands[j].name;
    const char *hint = util_nearest(argv[i], names, N_COMMANDS, sizeof(char *));
    fprintf(stderr, "myomap: unknown command \"%s\"%s%s%s\n(run `myomap --help` for the list)\n", argv[i],
            hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
    return EXIT_USAGE;
  }
  /* command options: --help anywhere, --kb anywhere */
  char **rest = xmalloc(sizeof(char *) * (size_t)(argc + 1));
  int n = 0;
  for (int j = i + 1; j < argc; j++) {
    if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0) { usage_cmd(stdout, c); free(rest); return EXIT_OK; }
    if (strcmp(argv[j], "--kb") == 0) {
      if (j + 1 >= argc) { free(rest); return cli_usage_error(c, "%s", "--kb needs a directory"); }
      o.kb_dir = argv[++j];
      continue;
    }
    if (strcmp(argv[j], "--db") == 0) {
      if (j + 1 >= argc || !argv[j + 1][0]) { free(rest); return cli_usage_error(c, "%s", DB_NEEDS); }
      o.db = argv[++j];
      continue;
    }
    if (strcmp(argv[j], "--lang") == 0) {
      if (j + 1 >= argc || !kb_lang_name(argv[j + 1]) || !argv[j + 1][0]) {
        free(rest);
        return cli_usage_error(c, LANG_NEEDS " (not \"%s\")", j + 1 < argc ? argv[j + 1] : "");
      }
      o.lang = kb_lang_name(argv[++j]);
      continue;
    }
    rest[n++] = argv[j];
  }
  int rc = c->fn(&o, n, rest);
  free(rest);
  return rc;
}
