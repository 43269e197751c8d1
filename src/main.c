/* main.c: the myomap program: hands the command line to cli.c. */
#include "cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }
