/* clinic.h: the records front end: clients, therapists, intakes, findings, session logs,
** measures, progress, notes, export, backup and restore, and the database itself. */
#ifndef MYOMAP_CLINIC_H
#define MYOMAP_CLINIC_H

#include "cli.h"

int clinic_client(opts *o, int argc, char **argv);
int clinic_therapist(opts *o, int argc, char **argv);
int clinic_intake(opts *o, int argc, char **argv);
int clinic_assess(opts *o, int argc, char **argv);
int clinic_log(opts *o, int argc, char **argv);
int clinic_measure(opts *o, int argc, char **argv);
int clinic_progress(opts *o, int argc, char **argv);
int clinic_note(opts *o, int argc, char **argv);
int clinic_export(opts *o, int argc, char **argv);
int clinic_backup(opts *o, int argc, char **argv);
int clinic_restore(opts *o, int argc, char **argv);
int clinic_db(opts *o, int argc, char **argv);
int clinic_clinic(opts *o, int argc, char **argv);
int clinic_record(opts *o, int argc, char **argv);
int clinic_careplan(opts *o, int argc, char **argv);

#define CLINIC_DB_HELP \
  "  --db DB        the record database: a SQLite file, or postgresql://USER:PASS@HOST/NAME\n" \
  "                 (default $MYOMAP_DB, else ~/.local/share/myomap/myomap.db)\n"

#define CLINIC_COMMANDS \
  {"client", clinic_client, "add|list|show|edit [options]", \
   "add, list, show or edit clients", \
   "  client add --name NAME --birth YYYY-MM-DD [--phone P] [--email E] [--consent yes|no]\n" \
   "             [--consent-date D] [--history TEXT] [--contra C]... [--therapist ID]\n" \
   "  client list [--search TEXT] [--archived] [--json]   by name, birth date or phone;\n" \
   "             archived clients only with --archived\n" \
   "  client show CLIENT [--json]      details, contraindications, intakes, visits, measures\n" \
   "  client edit CLIENT [any add option; an empty value clears an optional field;\n" \
   "             --contra replaces the list, --contra none empties it]\n" \
   "             [--contra-add C]... [--contra-end C]... [--contra-date D] [--archive yes|no]\n" \
   "             add or end contraindications (on D, default today; an ended one is kept in\n" \
   "             the history); archive a client (hidden from lists, kept) or bring it back\n\n" \
   "  CLIENT         a client id, or the full name (case-insensitive) when it is unique\n" \
   "  --contra C     a contraindication, with its region when local: open-wound:calf-l,\n" \
   "                 anticoagulants (`myomap plan --contras` lists them)\n" \
   CLINIC_DB_HELP "\n" \
   "Example:\n  myomap client add --name \"Ann Lee\" --birth 1984-03-09 --consent yes --contra anticoagulants\n"}, \
  {"therapist", clinic_therapist, "add NAME [--email E] [--admin] | list [--json]", \
   "add or list the clinic's therapists", \
   "  therapist add NAME [--email E] [--admin]   a therapist (or the clinic's admin)\n" \
   "  therapist list [--json]\n" CLINIC_DB_HELP}, \
  {"intake", clinic_intake, "CLIENT [options] REGION[:INTENSITY[:QUALITY]]...", \
   "record an intake: the pain drawing, goals and perpetuating factors", \
   "Stores the pain drawing (every region with its 0-10 intensity), the activities, goals and\n" \
   "what keeps the pain going, and runs the red-flag screen on it.\n\n" \
   "  --date D             the day (default today)\n" \
   "  --nprs N             pain now, 0-10 (stored as a measure)\n" \
   "  --goal TEXT          what the client wants to be able to do\n" \
   "  --context A,B        activities: desk-work, phone-cradling, running, ... (see `myomap where --help`)\n" \
   "  --onset WORD         gradual, sudden, after-exercise or injury\n" \
   "  --flag A,B           red-flag answers: numbness, weakness, shooting, fever, weight-loss,\n" \
   "                       night-pain, bowel-bladder, trauma\n" \
   "  --desk-hours H       hours a day at a desk or screen\n" \
   "  --training-hours H   hours of training a week\n" \
   "  --sleep-hours H      hours of sleep a night\n" \
   "  --stress N           stress 0-10\n" \
   "  --factors TEXT       other perpetuating factors in words\n" \
   CLINIC_DB_HELP "\n" \
   "Example:\n  myomap intake 1 temple-l:6:ache neck-back-l:4 --nprs 6 --desk-hours 9 --context desk-work\n"}, \
  {"assess", clinic_assess, "CLIENT [--date D] [--visit N] FINDING...", \
   "record palpation findings: points active or latent, referral, pressure threshold", \
   "  FINDING    TP:SIDE:active|latent[:referral][:ppt=KG], e.g. upper-trapezius-tp1:l:active:referral:ppt=2.5\n" \
   "             (active: the point reproduces the client's pain; referral: pressure reproduced\n" \
   "             the referred pain; ppt: pressure pain threshold in kg/cm2)\n" \
   "  --date D   the day (default today);  --visit N  the visit it belongs to\n" CLINIC_DB_HELP}, \
  {"log", clinic_log, "CLIENT [--therapist ID] LOG... | --batch [LIST] [--therapist ID]", \
   "store session logs as visits (with their holds, pain and home program)", \
   "Every LOG (a JSON file written by `myomap session run`, - for stdin) is checked, and if\n" \
   "any is bad nothing is stored: they are stored together in one transaction, all or none\n" \
   "(the later ones read while the earlier are written), and acknowledged after it with a line\n" \
   "`stored visit N (FILE)` each.  A log already stored for the client, or given twice, is\n" \
   "refused (naming its file).\n" \
   "  --batch LIST  many clients' logs at once (a clinic's history brought over): LIST (- or\n" \
   "                none: stdin) has a line `CLIENT<tab>FILE` (or `CLIENT FILE`) a log, CLIENT an\n" \
   "                id or a name, FILE from the current directory; blank lines and # comments\n" \
   "                skipped.  All of them in one transaction, or none (a refusal names the\n" \
   "                line), each checked as above; progress on stderr when it is a terminal\n" \
   CLINIC_DB_HELP}, \
  {"measure", clinic_measure, "CLIENT [--date D] [--visit N] MEASURE...", \
   "record outcome measures: pain, PSFS, Neck Disability Index, range of motion", \
   "  --nprs N            pain 0-10 (Numeric Pain Rating Scale)\n" \
   "  --psfs \"ACT=S\"      Patient-Specific Functional Scale: an activity scored 0 (unable) to\n" \
   "                      10 (as before the problem); repeat for each activity\n" \
   "  --ndi N             Neck Disability Index, raw score 0-50\n" \
   "  --rom J:D=V         range of motion in degrees (jaw in mm), e.g. cervical:rotation-l=60,\n" \
   "                      shoulder-r:abduction=150; repeat\n" \
   "  --rom-list          list the joints and directions\n" \
   "  --date D            the day (default today);  --visit N  the visit they belong to\n" \
   CLINIC_DB_HELP "\n" \
   "Example:\n  myomap measure 1 --nprs 4 --psfs \"reach overhead=6\" --rom cervical:rotation-l=70\n"}, \
  {"progress", clinic_progress, "CLIENT [--json] [--svg FILE]", \
   "a client's outcomes over visits, against clinically important change", \
   "One row per date: pain (NPRS) before and after treatment, its change from the first rating\n" \
   "in points and percent, PSFS, NDI, range of motion and the pain drawing's spread (regions,\n" \
   "total intensity, new and resolved regions), with flags where a change reaches a published\n" \
   "threshold (kb/outcomes.tsv, with its sources): NPRS 2 points or 30%, 50% as substantial\n" \
   "relief; PSFS 2 points (mean) or 3 (one activity); NDI 7.5 points.  A reading of the scores,\n" \
   "not a diagnosis.\n\n" \
   "  --json       print JSON\n" \
   "  --svg FILE   also write the charts: pain, PSFS and NDI over time, and the pain drawings\n" \
   "               across visits as a body heat map (a self-contained SVG)\n" CLINIC_DB_HELP}, \
  {"note", clinic_note, "CLIENT [--visit N | --date D] [--save | --sign | --addendum TEXT] [--html [-o FILE]]", \
   "a SOAP note for a visit, from its session data", \
   "Writes the note from what is stored: S from the latest intake (pain drawing, goals,\n" \
   "perpetuating factors) and the pain before; O the points palpated, the range of motion and\n" \
   "the holds with their outcomes; A the response (pain before and after, points released or\n" \
   "stopped, change since the first rating); P the home program and what to recheck.\n\n" \
   "  --visit N   the visit (default: the client's latest)\n" \
   "  --date D    the client's visit on that day\n" \
   "  --save      store the note with the visit (refused once it is signed)\n" \
   "  --sign --therapist ID\n" \
   "              sign the note as it stands (saved now if it was not), as the visit's own\n" \
   "              therapist: the name, the time and the SHA-256 of its text; no change after\n" \
   "  --addendum TEXT --therapist ID\n" \
   "              add a dated addendum, signed by that therapist, to a signed note\n" \
   "  --html [-o FILE]\n" \
   "              the note as a printable document (identifiers, signature line, addenda)\n" \
   "  --lang fr   the note's fixed words in French (fr-CA); also $MYOMAP_LANG\n" CLINIC_DB_HELP}, \
  {"record", clinic_record, "CLIENT [--from D] [--to D] --html [-o FILE]", \
   "the client's record as a printable document, for a date range", \
   "A self-contained HTML document for print: the client's identifiers on every page, the\n" \
   "contraindications and the plan of care, the intakes with their pain drawings, each visit's\n" \
   "note with its signature and addenda (a page each), the measures with the progress charts\n" \
   "and the home programs given.\n\n" \
   "  --from D, --to D   the range (YYYY-MM-DD; default: the whole record)\n" \
   "  --html             HTML (the one format)\n" \
   "  -o FILE            write to FILE (owner-only) instead of standard output\n" CLINIC_DB_HELP}, \
  {"careplan", clinic_careplan, "CLIENT [--nprs N | --psfs \"ACT=S\"] --visits N --frequency F --reassess D", \
   "the plan of care: goals, a measurable target, visits planned, reassessment; progress", \
   "Without options, shows the current plan and the progress against it: met (50% pain relief\n" \
   "from the first rating, or the target reached), reassessment due, or not working (the\n" \
   "planned visits used up without meeting it: change course or refer).  With options, stores\n" \
   "a new plan (the earlier ones are kept).\n\n" \
   "  --nprs N          the target: pain at most N/10\n" \
   "  --psfs \"ACT=S\"   the target: the activity scored at least S/10\n" \
   "  --visits N        the visits planned, 1-100\n" \
   "  --frequency F     daily, twice-weekly, weekly, every-2-weeks or monthly\n" \
   "  --reassess D      the reassessment date\n" \
   "  --start D         the plan's first day (default today)\n" \
   "  --goals TEXT      the goals (default: those of the latest intake)\n" \
   "  --therapist ID    who made the plan\n" \
   "  --json            print JSON\n" CLINIC_DB_HELP}, \
  {"clinic", clinic_clinic, "[--name NAME]", \
   "the clinic's name on notes and records", \
   "  clinic              show the clinic's name (default \"myomap\")\n" \
   "  clinic --name NAME  set it (1-200 characters, one line)\n" CLINIC_DB_HELP}, \
  {"export", clinic_export, "CLIENT (--fhir | --csv) [-o FILE]", \
   "export a client's record as a FHIR R4 Bundle or as CSV", \
   "  --fhir   a FHIR R4 Bundle (JSON): the Patient; Observations of pain severity (LOINC\n" \
   "           72514-3), one per rating and one per region of each pain drawing with its\n" \
   "           bodySite; PSFS, NDI and range of motion; a Procedure per treatment hold; a\n" \
   "           CarePlan per plan of care\n" \
   "  --csv    one row per measure, drawn region and hold: date,kind,item,value,unit,visit\n" \
   "  -o FILE  write to FILE (owner-only) instead of standard output\n" CLINIC_DB_HELP}, \
  {"backup", clinic_backup, "[-o FILE]", \
   "copy every record to a file (JSON lines; restores into SQLite or PostgreSQL)", \
   "Reads the whole database in one transaction and writes it as JSON lines, to FILE (created\n" \
   "owner-only, replaced only when complete) or standard output.\n" CLINIC_DB_HELP}, \
  {"restore", clinic_restore, "FILE", \
   "load a backup into a new, empty database", \
   "All or nothing: every line is checked and written in one transaction.  Restoring a SQLite\n" \
   "backup into PostgreSQL moves a clinic onto a server.\n" CLINIC_DB_HELP}, \
  {"db", clinic_db, "check | info | log VISIT", \
   "check the record database's integrity, show where it is, or a stored session log", \
   "  db check   the backend's integrity check, the schema version, no row without its parent\n" \
   "             (exit 0 when all is well, 4 when not)\n" \
   "  db info    backend, location, schema version and the number of rows per table\n" \
   "  db log VISIT  the session log stored for visit VISIT (JSON), its plan derived again from\n" \
   "             the knowledge-base version it was planned with\n" \
   CLINIC_DB_HELP}

#endif
