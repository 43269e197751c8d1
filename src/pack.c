/* pack.c: the record store's packings: zstd (and, read only, the deflate of zlib that packings
** made before 2026-12-01 used) against the store's frozen dictionaries. */
#include "pack.h"

#include <string.h>
#include <pthread.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

/* Dictionary 1: the vocabulary of a session log as session.c writes it (compact JSON): its
** keys, the hold rules' advice with its text, events, outcomes, phases and techniques, the
** most common last.  Frozen: logs stored with it must stay readable; change it by adding a
** dictionary 2. */
static const char dict_log1[] =
  "\"reason\":\"sharp\",\"reason\":\"shooting\",\"reason\":\"numb\",\"reason\":\"tingling\",\"outcome\":\"too-sensitiv"
  "e\",\"outcome\":\"client-stop\",\"outcome\":\"stopped\",\"outcome\":\"max-hold\",\"outcome\":\"interrupted\",\"eve"
  "nt\":\"bracing\",\"event\":\"stop\",\"event\":\"more\",\"event\":\"less\",\"event\":\"good\",\"phase\":\"stretch\",\"pha"
  "se\":\"prepare\",\"phase\":\"integrate\",\"technique\":\"pin-and-stretch\",\"technique\":\"stretch\",\"technique"
  "\":\"post-isometric-relaxation\",\"technique\":\"stripping\",\"technique\":\"spray-and-stretch\",\"technique"
  "\":\"positional-release\",\"technique\":\"cupping\",\"technique\":\"gua-sha\",\"technique\":\"vibration\",\"tech"
  "nique\":\"intra-oral\",\"technique\":\"internal-pelvic\",{\"t\":0.0,\"advice\":\"ease-off\",\"text\":\"Ease off:"
  " 8 or more out of 10 means the client is guarding, and a guarding muscle does not release.\"},{\"t"
  "\":0.0,\"advice\":\"ease-off\",\"text\":\"Ease off a little: above the target band for this hold.\"},{\"t\""
  ":0.0,\"advice\":\"ease-off\",\"text\":\"Ease off: the client is bracing or holding their breath. Ask fo"
  "r a slow breath out.\"},{\"t\":0.0,\"advice\":\"ease-off\",\"text\":\"Ease off: the client asked for less."
  "\"},{\"t\":0.0,\"advice\":\"in-band\",\"text\":\"Productive: hold the pressure steady.\"},{\"t\":0.0,\"advice\""
  ":\"take-up-slack\",\"text\":\"The point is easing: follow it in to the new barrier, without pushing h"
  "arder.\"},{\"t\":0.0,\"advice\":\"below-band\",\"text\":\"Below the target band: you may sink in a little "
  "more.\"},{\"t\":0.0,\"advice\":\"more\",\"text\":\"The client asked for more: add pressure slowly.\"},{\"t\":"
  "0.0,\"advice\":\"hold\",\"text\":\"The client asked for more, but it is already at the top of the band:"
  " hold instead.\"},{\"t\":0.0,\"advice\":\"confirmed\",\"text\":\"Recognised referral reproduced: the point"
  " is confirmed.\"},{\"t\":0.0,\"advice\":\"stop-point\",\"text\":\"Stop this point now: sharp or shooting p"
  "ain, numbness or tingling. Move off; do not return to it today.\"},{\"t\":0.0,\"advice\":\"stop\",\"text"
  "\":\"The client said stop: release slowly.\"},{\"t\":0.0,\"advice\":\"too-sensitive\",\"text\":\"Third ease-"
  "off: the point is too sensitive today. Release and move on.\"},{\"t\":0.0,\"advice\":\"released\",\"text"
  "\":\"Released: let go slowly and move on.\"},{\"t\":0.0,\"advice\":\"released\",\"text\":\"Released before t"
  "he shortest hold: let go slowly; recheck the point later.\"},{\"t\":0.0,\"advice\":\"max-hold\",\"text\":"
  "\"Longest hold reached: release slowly and move on.\"},{\"t\":0.0,\"advice\":\"min-hold\",\"text\":\"Shorte"
  "st hold reached: release when the tissue softens.\"},{\"t\":0.0,\"advice\":\"ask\",\"text\":\"Ask: how str"
  "ong is it now, 0 to 10?\"},{\"t\":0.0,\"advice\":\"late\",\"text\":\"The hold had already ended.\"},{\"myoma"
  "p\":\"session\",\"version\":1,\"mode\":\"interactive\",\"mode\":\"scripted\",\"started\":\"2026-11-22T10:00:00Z\""
  ",\"ended\":\"2026-11-22T10:30:00Z\",\"interrupted\":false,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\""
  ":\"l\"},{\"tp\":\"\",\"side\":\"r\"}],\"contraindications\":[{\"id\":\"\",\"region\":null}],\"pain_pre\":6,\"pain_pos"
  "t\":3,\"rom\":null,\"strength\":null,\"note\":null,\"skipped\":[{\"step\":1,\"why\":\"\"}],\"holds\":[{\"step\":6,\""
  "phase\":\"release\",\"muscle\":\"\",\"tp\":\"\",\"side\":\"l\",\"technique\":\"ischemic-compression\",\"start\":\"2026"
  "-11-22T10:03:00Z\",\"end\":\"2026-11-22T10:03:35Z\",\"seconds\":35.0,\"hold\":[20,90],\"band\":[4,7],\"feedb"
  "ack\":[{\"t\":5.0,\"value\":5},{\"t\":20.0,\"value\":6}],\"events\":[{\"t\":5.0,\"event\":\"feedback\"},{\"t\":12.0"
  ",\"event\":\"referral\"},{\"t\":35.0,\"event\":\"released\"}],\"advice\":[{\"t\":5.0,\"advice\":\"in-band\",\"text\""
  ":\"Productive: hold the pressure steady.\"}],\"outcome\":\"released\",\"reason\":null,\"confirmed\":true},"
  "{\"step\":";

/* The largest unpacked text: a knowledge base is 0.5 MB, a session log 16 KB; anything far
** larger is a forged packing. */
#define PACK_MAX ((size_t)64 << 20)

static void dictionary(int dict, const unsigned char **d, unsigned *n) {
  *d = NULL; *n = 0;
  if (dict == PACK_DICT_LOG1) { *d = (const unsigned char *)dict_log1; *n = sizeof dict_log1 - 1; }
}

/* The second byte of a packing: its dictionary, plus ZSTD when it is zstd (else raw deflate). */
#define ZSTD 0x10

/* Each dictionary digested once for zstd (both ways), and a compressor and a decompressor per
** thread, kept between calls (ended with the thread).  Level 3: a session log without its plan
** (4.6 KB) packs to 657 bytes in 6 us, where deflate at level 9 took 23 us for 558 (measured
** 2026-12-01), and the store's bulk rate is bound by the client's time a session. */
#define LEVEL 3
static ZSTD_CDict *cdict[2];
static ZSTD_DDict *ddict[2];
static pthread_key_t ckey, dkey;
static pthread_once_t zonce = PTHREAD_ONCE_INIT;
static void cfree(void *p) { ZSTD_freeCCtx(p); }
static void dfree(void *p) { ZSTD_freeDCtx(p); }
static void zmake(void) {
  pthread_key_create(&ckey, cfree);
  pthread_key_create(&dkey, dfree);
  const unsigned char *d;
  unsigned dn;
  dictionary(PACK_DICT_LOG1, &d, &dn);
  cdict[PACK_DICT_LOG1] = ZSTD_createCDict(d, dn, LEVEL);
  ddict[PACK_DICT_LOG1] = ZSTD_createDDict(d, dn);
}

static ZSTD_CCtx *compressor(void) {
  pthread_once(&zonce, zmake);
  ZSTD_CCtx *c = pthread_getspecific(ckey);
  if (c) return c;
  c = ZSTD_createCCtx();
  if (!c) abort();   /* out of memory, as xmalloc */
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
  ZSTD_CCtx_setParameter(c, ZSTD_c_dictIDFlag, 0);
  pthread_setspecific(ckey, c);
  return c;
}

static ZSTD_DCtx *decompressor(void) {
  pthread_once(&zonce, zmake);
  ZSTD_DCtx *c = pthread_getspecific(dkey);
  if (c) return c;
  c = ZSTD_createDCtx();
  if (!c) abort();
  pthread_setspecific(dkey, c);
  return c;
}

void pack_deflate(int tag, int dict, const void *data, size_t len, buf *out) {
  ZSTD_CCtx *c = compressor();
  ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
  ZSTD_CCtx_refCDict(c, dict == PACK_DICT_LOG1 ? cdict[dict] : NULL);
  size_t bound = ZSTD_compressBound(len) + 2;
  buf_reserve(out, bound + 1);
  unsigned char *o = (unsigned char *)out->data + out->len;
  o[0] = (unsigned char)tag;
  o[1] = (unsigned char)(ZSTD | dict);
  size_t n = ZSTD_compress2(c, o + 2, bound - 2, data, len);
  if (ZSTD_isError(n)) abort();   /* the bound makes room for it */
  out->len += 2 + n;
  out->data[out->len] = 0;
}

/* A zstd packing's bytes (after its two) appended to out: 0, or -1. */
static int unzstd(const unsigned char *in, size_t len, int dict, buf *out) {
  unsigned long long n = ZSTD_getFrameContentSize(in, len);
  if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > PACK_MAX) return -1;
  ZSTD_DCtx *c = decompressor();
  ZSTD_DCtx_reset(c, ZSTD_reset_session_only);
  ZSTD_DCtx_refDDict(c, dict == PACK_DICT_LOG1 ? ddict[dict] : NULL);
  buf_reserve(out, (size_t)n + 1);
  size_t got = ZSTD_decompressDCtx(c, out->data + out->len, (size_t)n, in, len);
  if (ZSTD_isError(got) || got != n) { out->data[out->len] = 0; return -1; }
  out->len += got;
  out->data[out->len] = 0;
  return 0;
}

int pack_inflate(const void *data, size_t len, int *tag, buf *out) {
  const unsigned char *in = data;
  if (len < 3) return -1;
  const unsigned char *d;
  unsigned dn;
  int dict = in[1] & ~ZSTD;
  dictionary(dict, &d, &dn);
  if (dict != PACK_DICT_NONE && !d) return -1;
  *tag = in[0];
  if (in[1] & ZSTD) return unzstd(in + 2, len - 2, dict, out);
  /* deflate, as packings were made before */
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, -15) != Z_OK) return -1;
  if (d && inflateSetDictionary(&z, d, dn) != Z_OK) { inflateEnd(&z); return -1; }
  z.next_in = (unsigned char *)in + 2;
  z.avail_in = (uInt)(len - 2);
  size_t start = out->len;
  int rc;
  do {
    buf_reserve(out, 4 * len + 4096);
    z.next_out = (unsigned char *)out->data + out->len;
    z.avail_out = (uInt)(out->cap - out->len - 1);
    size_t before = z.total_out;
    rc = inflate(&z, Z_NO_FLUSH);
    out->len += z.total_out - before;
  } while (rc == Z_OK && out->len - start < PACK_MAX);
  inflateEnd(&z);
  out->data[out->len] = 0;
  if (rc != Z_STREAM_END) { out->len = start; out->data[start] = 0; return -1; }
  return 0;
}
