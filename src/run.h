/* run.h: the guided session in an ANSI terminal (the front end of `session run`). */
#ifndef MYOMAP_RUN_H
#define MYOMAP_RUN_H

#include "kb.h"
#include "session.h"

/* Walk session s (its plan built) on the terminal on stdin/stdout: the plan, pain before,
** each step, each hold timed with keys for the client's feedback, the recheck.  Returns 0
** (also when the therapist ends early: s->interrupted is set). */
int run_terminal(const kb *k, session *s);

#endif
