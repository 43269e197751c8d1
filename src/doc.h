/* doc.h: the printable documents of the record: a visit's note (identifiers at the top, the
** SOAP sections, the signature line, the addenda) and the client's record over a date range
** (identifiers on every printed page, intakes with their pain drawings, each visit's note,
** measures with the progress charts, home programs, the plan of care).  Each is one
** self-contained HTML document: no scripts, no outside references, every stored text escaped. */
#ifndef MYOMAP_DOC_H
#define MYOMAP_DOC_H

#include <stddef.h>

#include "chart.h"
#include "kb.h"
#include "store.h"
#include "util.h"

/* Append the note of visit `visit` as an HTML document.  Returns 0, or RECORD_ENOTFOUND /
** RECORD_ESTORE with a message (out may hold part of the document then: the caller drops it). */
int doc_note_html(store *s, const kb *k, long visit, buf *out, char *err, size_t errlen);

/* Append client `client`'s record from `from` to `to` (YYYY-MM-DD, either NULL or "" for
** open) as an HTML document for print: every section a table whose <thead> holds the client's
** name, date of birth, id, the clinic and the range, so a browser repeats it on every printed
** page; a page break before each visit; charts that are not split across pages.  Returns 0,
** RECORD_EBAD (a bad date, from after to), RECORD_ENOTFOUND or RECORD_ESTORE with a message. */
int doc_record_html(store *s, const kb *k, const chart *ch, long client, const char *from, const char *to,
                    buf *out, char *err, size_t errlen);

#endif
