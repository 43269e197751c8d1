/* kbver.h: the versions of the knowledge base that records were made with, each kept once in
** the store (table kbver: the texts of the embedded knowledge base, compressed, under their
** SHA-256), so that what a visit planned and handed out can be derived again, exactly as it was,
** after the knowledge base has changed.  No I/O beyond the store. */
#ifndef MYOMAP_KBVER_H
#define MYOMAP_KBVER_H

#include "kb.h"
#include "store.h"

/* The SHA-256 (64 hex digits) of the knowledge base embedded in this binary (its kb/ files),
** computed once per process. */
const char *kbver_builtin_hash(void);

/* The kbver row of the embedded knowledge base, added when the store has none yet (inside the
** caller's transaction when there is one).  Returns 0 and sets *id, or -1 (store_error).  Only
** for a kb that kb_is_embedded says is the embedded one: records made with an edited --kb copy
** keep their derived data instead. */
int kbver_current(store *s, long *id);

/* The knowledge base of kbver row `id`: `running` when that is the embedded kb of this binary
** and the row is its version, else the stored version, loaded once per process and kept (owned
** here, never freed before exit), with the translations `running` has read (kb_load_langs_of).
** Returns it, or NULL with a message in err. */
const kb *kbver_kb(store *s, const kb *running, long id, char *err, size_t errlen);

#endif
