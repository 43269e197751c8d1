/* export.h: one client's record in exchange formats: a FHIR R4 Bundle (JSON) for another
** clinical system, and CSV of the measures, pain drawings and holds for a spreadsheet.
** Both read the record in one transaction and write nothing to the database. */
#ifndef MYOMAP_EXPORT_H
#define MYOMAP_EXPORT_H

#include <stddef.h>

#include "kb.h"
#include "store.h"
#include "util.h"

/* The FHIR code system of myomap's body-region ids ("temple-l", "sternum"). */
#define EXPORT_REGION_SYSTEM "https://myomap.org/fhir/CodeSystem/region"
/* SNOMED CT, for the regions' body structures (kb/snomed.tsv). */
#define EXPORT_SNOMED_SYSTEM "http://snomed.info/sct"
#define EXPORT_SENSITIVE_SYSTEM "https://myomap.org/fhir/CodeSystem/sensitive-area"   /* kb/care.kb [sensitive] ids */
/* Resource names are URLs under this base; their UUIDs are derived from them. */
#define EXPORT_NAME_BASE "https://myomap.org/fhir/"

/* The UUID of the exported resource called `name` ("Patient/3"): a name-based UUID version 5
** (RFC 9562, SHA-1) of the URL EXPORT_NAME_BASE + name in the standard URL namespace, written
** as 36 lower-case characters and a NUL into out.  The names used are:
**   Bundle/client-C          the bundle of client C
**   Patient/C                client C
**   Observation/measure-M    measure row M
**   Observation/pain-I-R     pain-drawing region R of intake I
**   Procedure/V-S            treatment row (visit V, seq S)
**   Consent/V-N              the N-th entry (1-based) of visit V's session-log "consent" list
** so the same record always exports to the same ids, and references can be re-derived. */
void export_uuid(char out[37], const char *name);

/* Append to `out` a FHIR R4 Bundle of type "collection" (JSON, indented, ending in a
** newline) holding client `client`'s record:
**  - a Patient: name (HumanName.text always; family and given when the name is "Family,
**    Given ..." or exactly two words), birthDate (omitted when empty), telecom phone and email;
**  - an Observation per measure row: NPRS (LOINC 72514-3, category survey, valueInteger, with
**    a note "Before treatment"/"After treatment" for items pre/post); PSFS and NDI (code.text
**    only: no LOINC code is claimed, valueQuantity in {score}); ROM (code.text, category exam,
**    valueQuantity in degrees, or millimetres for jaw:opening);
**  - an Observation per pain-drawing region (LOINC 72514-3, valueInteger = intensity, bodySite
**    coded in EXPORT_REGION_SYSTEM with text "temple, left", then in SNOMED CT: the region's
**    body structure from kb/snomed.tsv (code and display) and, for a region on one side whose
**    code does not hold the side, the post-coordinated expression STRUCTURE:272741003=7771000
**    (left) or =24028007 (right) with display "STRUCTURE DISPLAY, left"; the quality as a note);
**  - a Procedure per treatment row: status completed, performedDateTime = the visit's start
**    (its date when the start is not a full time), code.text = the technique's label, bodySite
**    text = the muscle's name and side, outcome.text and a note with the point, the seconds and
**    the outcome;
**  - a Consent per sensitive-area consent given in a visit's session log ("consent", entries
**    with withdrawn false): status active, or inactive when a later entry of that log withdrew
**    the same area; scope consentscope treatment; category LOINC 59284-0 (Patient Consent);
**    patient; dateTime = when it was given; policyRule.text "Verbal|Written consent before
**    treatment of a sensitive area, for this session"; provision type permit with the area
**    coded in EXPORT_SENSITIVE_SYSTEM (the kb/care.kb [sensitive] id, its label as display and
**    text).
**  - a CarePlan per plan of care (status active for the latest, revoked for each earlier one,
**    which the next one `replaces`; intent plan; description the goals; period start to the
**    reassessment date; one activity "N visits, FREQUENCY" with scheduledTiming.repeat count,
**    frequency, period and periodUnit; the target as a note).  Named CarePlan/P.
** Every resource's id is its export_uuid and its entry's fullUrl "urn:uuid:" + that id; every
** subject references the Patient's fullUrl.  Bundle.id is export_uuid("Bundle/client-C") and
** Bundle.timestamp the latest time the record was written (client.updated and the created
** stamps of its rows), so exporting the same record twice gives the same bytes.
** Returns 0, or -1 with a message in err when the client does not exist, the database fails,
** or a stored date is not a valid date (the message names the row); `out` is then unchanged. */
int export_fhir(store *s, const kb *k, long client, buf *out, char *err, size_t errlen);

/* Append to `out` the client's record as RFC 4180 CSV (CRLF line ends, a field quoted when it
** holds a comma, quote, CR or LF, quotes doubled), with the header
**   date,kind,item,value,unit,visit
** and one row per measure (kind nprs/psfs/ndi/rom, item as stored, unit 0-10, 0-50, deg or
** mm), per pain-drawing region (kind pain-drawing, item the region id, value the intensity,
** unit 0-10, visit empty) and per treatment row (kind treatment, item "muscle/tp:technique"
** with tp empty for a stretch, value the seconds held, unit s), sorted by date, then measures,
** pain drawings and holds in the order they were recorded.  visit is the visit id or empty.
** Numbers are written in the shortest form (6, 2.5).  Returns 0, or -1 with a message in err (and `out` unchanged). */
int export_csv(store *s, const kb *k, long client, buf *out, char *err, size_t errlen);

#endif
