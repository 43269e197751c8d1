/* care.h: the treatment front end: `plan`, `session`, `homecare` and `condition`. */
#ifndef MYOMAP_CARE_H
#define MYOMAP_CARE_H

#include "cli.h"
#include "plan.h"

int care_plan(opts *o, int argc, char **argv);
int care_session(opts *o, int argc, char **argv);
int care_homecare(opts *o, int argc, char **argv);
int care_condition(opts *o, int argc, char **argv);
/* Parse a comma list of contraindications ("open-wound:calf-l,anticoagulants") into in;
** errors are printed; returns 0 or an exit code. */
int care_parse_contras(const cmd *c, const kb *k, const char *list, plan_input *in);

#define CARE_POINTS_HELP \
  "  POINT          a trigger point with its side, e.g. upper-trapezius-tp1:l (the patient's\n" \
  "                 left), or a muscle with its side for all its points (upper-trapezius:l);\n" \
  "                 a midline muscle takes no side.  `myomap muscle NAME` lists the points.\n" \
  "  --where FILE   take the top candidates (and the red-flag screen) from the output of\n" \
  "                 `myomap where --json` (- for stdin)\n" \
  "  --top N        how many candidates to take from --where (default 3)\n" \
  "  --contra C     a contraindication, with its region when local: open-wound:calf-l,\n" \
  "                 anticoagulants; repeat or separate with commas.  `myomap plan --contras`\n" \
  "                 lists them.\n" \
  "  --fascial      add myofascial release: a sustained fascial hold (90 s to several minutes,\n" \
  "                 until the tissue yields) per muscle before the pressure work, and a\n" \
  "                 multi-directional fascial stretch after its stretch\n"

#define CARE_COMMANDS \
  {"plan", care_plan, "[--json] [--fascial] [--contra C]... (POINT... | --where FILE [--top N])", \
   "the treatment plan for the chosen trigger points", \
   "Builds the session plan: assess and map, prepare the tissue, release each point (technique,\n" \
   "position, hold and target band on 0-10, danger zones near it), stretch, integrate, recheck.\n" \
   "Contraindications block points or the whole session, or make the work gentler, with the\n" \
   "reason shown.  The points come from palpation; a ranking is not a diagnosis.\n\n" \
   CARE_POINTS_HELP \
   "  --json         print JSON\n" \
   "  --contras      list the contraindications and exit\n\n" \
   "Example:\n  myomap plan upper-trapezius-tp1:l levator-scapulae:l --contra anticoagulants\n"}, \
  {"session", care_session, "run [--events FILE] [--log FILE] [--fascial] [--contra C]... (POINT... | --where FILE)", \
   "run a treatment session: timed holds guided by the client's 0-10", \
   "Walks the plan step by step.  Each hold has a countdown; the therapist types the client's\n" \
   "feedback and the advice of the safety rules appears as it applies:\n" \
   "  0-9 (or ! for 10)  the client's 0-10        +  more     -  less     g  good\n" \
   "  f  referral reproduced (confirms the point)   r  released (moves on)\n" \
   "  b  bracing or holding breath (ease off)       s  sharp or shooting    n  numb or tingling\n" \
   "  x  the client says stop                       k  skip this step       q  end the session\n" \
   "8 or more, bracing or above the band says ease off; sharp, shooting, numbness or tingling\n" \
   "stops the point; released or the longest hold moves on.  At the end it asks the pain and\n" \
   "the recheck and writes the session log (JSON).\n\n" \
   CARE_POINTS_HELP \
   "  --events FILE  non-interactive: read the events from FILE (see docs/session.md), e.g.\n" \
   "                   pre 6\n                   hold\n                   5 6\n                   12 referral\n" \
   "                   31 released\n                   post 3\n" \
   "  --log FILE     where to write the session log (default myomap-session-TIME.json)\n" \
   "  --now TIME     the start time for a script without `start` (default: now)\n\n" \
   "Example:\n  myomap session run upper-trapezius-tp1:l --log today.json\n"}, \
  {"homecare", care_homecare, "[--json | --html] [-o FILE] [--contra C]... [--context A,B] [--desk-hours H] [--sleep-hours H] (LOG | POINT... | --where FILE)", \
   "the client's home program: self-care, safety, aftercare", \
   "The self-care exercises for the treated muscles (tool, position, steps, hold, how often, what\n" \
   "it should feel like), what not to press, what soreness to expect, aftercare and when to\n" \
   "stop and seek care.  From a session log (a .json file written by `session run`) or from\n" \
   "a list of points.  Points stopped in the session for sharp or nerve pain, and areas under\n" \
   "a contraindication, get no self-care.  What keeps it coming back: corrective advice\n" \
   "(kb/correct.kb) for the activities the client reported, the desk and sleep hours, and\n" \
   "the treated points' perpetuating activities.\n\n" \
   "  LOG            a session log\n" \
   CARE_POINTS_HELP \
   "  --json         print JSON\n" \
   "  --html         a printable, self-contained HTML handout with the body chart\n" \
   "  -o FILE        write to FILE instead of standard output\n" \
   "  --context A,B  activities the client reported: desk-work, phone-cradling, ... (repeatable)\n" \
   "  --desk-hours H hours a day at a desk or screen\n" \
   "  --sleep-hours H hours of sleep a night\n\n" \
   "Example:\n  myomap homecare today.json --context desk-work,phone-cradling --desk-hours 9 --html -o handout.html\n"}, \
  {"condition", care_condition, "[--json] [NAME]", \
   "the muscles to check for a common complaint", \
   "NAME is a condition id (tension-headache) or its name; without NAME, the list.  The\n" \
   "muscles come most often involved first, with sources: candidates to palpate.\n\n" \
   "  --json   print JSON\n"}

#endif
