/* cli.h: the `myomap` command line: subcommand table, option parsing and output. */
#ifndef MYOMAP_CLI_H
#define MYOMAP_CLI_H

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_UNKNOWN = 2, EXIT_KB = 3, EXIT_IO = 4 };

#include "kb.h"
#include "util.h"

typedef struct opts {
  const char *kb_dir;
  int json;
  int top;
  const char *batch;
  int color;
  const char *db;   /* --db: the record database (SQLite path or postgresql:// URI), or NULL */
  int jobs;         /* where --batch --jobs: threads (0: one per core) */
  int compact;      /* where --batch --compact: the short result line */
  const char *lang; /* --lang or $MYOMAP_LANG: the client's language ("en", "fr"; kb_lang_name) */
} opts;

typedef struct cmd {
  const char *name;
  int (*fn)(opts *o, int argc, char **argv);
  const char *args;
  const char *summary;
  const char *help;
} cmd;

/* Shared by the front ends (cli.c, care.c): the command named `name`; a usage error (message
** with one %s argument) printed with a pointer to --help, returning EXIT_USAGE; loading the
** knowledge base (errors printed; returns 0 or EXIT_KB); writing a buffer to stdout (0 or
** EXIT_IO). */
const cmd *cli_find(const char *name);
int cli_usage_error(const cmd *c, const char *fmt, const char *arg);
int cli_load_kb(const opts *o, kb **out);
int cli_write(const buf *b);
/* Read a whole file ("-" for stdin) into a new buffer (caller frees *text); a failure is
** printed and returns EXIT_IO. */
int cli_read_input(const cmd *c, const char *path, char **text, size_t *len);

/* Run the command line; returns the process exit code. */
int cli_main(int argc, char **argv);

#endif
