/* choir.h: the CHOIR Body Map (74 segments, ids 101-136 front and 201-238 back) as sets of
** our body regions (kb/choir.tsv), for ranking a CHOIR drawing and naming a drawing's segments. */
#ifndef MYOMAP_CHOIR_H
#define MYOMAP_CHOIR_H

#include "body.h"
#include "util.h"

typedef struct choir choir;

enum choir_map { CHOIR_MALE = 0, CHOIR_FEMALE = 1, CHOIR_N_MAPS };
#define CHOIR_N_SEGMENTS 74
#define CHOIR_MAX_REGIONS 32   /* regions of one segment */

/* Parse a table in the format of kb/choir.tsv (`len` bytes) against body model `b` (which must
** outlive it): every map has each of the 74 ids once, with its view, side, name and at least one
** region, every region a concrete id of `b` on the segment's side or the midline.  Returns 0
** and sets *out (free with choir_free), or the number of errors and appends one line per error
** to `errors`, each "NAME:LINE: what is wrong" (NAME is `name`, e.g. "kb/choir.tsv"). */
int choir_load(choir **out, const body *b, const char *name, const char *text, size_t len, buf *errors);

/* The embedded kb/choir.tsv over body_builtin(), loaded on first use and shared; never freed.
** NULL only when the embedded table is missing or broken (a build error). */
const choir *choir_builtin(void);

void choir_free(choir *c);

/* "male" / "female", and the map of a name (`n` bytes), or -1. */
const char *choir_map_name(int map);
int choir_find_map(const char *name, size_t n);

/* The concrete regions of segment `id` on `map`: returns how many and points *regions at them
** (owned by the table), or -1 when the map has no such segment. */
int choir_segment(const choir *c, int map, int id, const int **regions);
/* A segment's name ("Knee (front-right)"), or NULL. */
const char *choir_segment_name(const choir *c, int map, int id);

/* The ids of the segments of `map` that cover concrete region `region`, ascending, into
** ids[max]; returns how many (at most max). */
int choir_segments_of(const choir *c, int map, int region, int *ids, int max);

#endif
