/* pack.h: compression of what the record store keeps (zstd; packings made before 2026-12-01 are
** zlib's deflate, still read): session logs against a preset dictionary of the log's own
** vocabulary, and knowledge-base versions.  No I/O. */
#ifndef MYOMAP_PACK_H
#define MYOMAP_PACK_H

#include <stddef.h>

#include "util.h"

/* Dictionaries.  A dictionary is frozen once data is stored with it: a new one gets a new id. */
enum { PACK_DICT_NONE = 0, PACK_DICT_LOG1 = 1 };

/* Append `len` bytes of `data`, compressed, to out: one byte of `tag` (the caller's), one of the
** dictionary id plus 0x10, then a zstd frame (level 3) against that dictionary (its content).
** A second byte without 0x10 (packings before 2026-12-01) is raw deflate. */
void pack_deflate(int tag, int dict, const void *data, size_t len, buf *out);

/* Undo pack_deflate: append the bytes to out (followed by a NUL not counted in out->len) and
** set *tag.  Returns 0, or -1 when the data is not such a packing (nothing usable appended). */
int pack_inflate(const void *data, size_t len, int *tag, buf *out);

#endif
