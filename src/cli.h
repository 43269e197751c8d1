/* cli.h: the `myomap` command line: subcommand table, option parsing and output. */
#ifndef MYOMAP_CLI_H
#define MYOMAP_CLI_H

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_UNKNOWN = 2, EXIT_KB = 3, EXIT_IO = 4 };

/* Run the command line; returns the process exit code. */
int cli_main(int argc, char **argv);

#endif
