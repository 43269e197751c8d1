/* pack.c: deflate and inflate (zlib) with the record store's frozen dictionaries. */
#include "pack.h"

#include <string.h>
#include <pthread.h>
#include <stdlib.h>
#include <zlib.h>

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

/* A compressor per thread, kept between calls (made for the first, reset for the next: setting
** one up costs more than packing a session log), ended with its thread.  Level 3: a session log
** without its plan (4.6 KB) packs to 629 bytes in about half the time of level 9's 558 (11 us
** against 23 us a log on this machine's bench, 2026-12-01), and the store's bulk rate is bound by
** the client's time a session. */
static pthread_key_t zkey;
static pthread_once_t zonce = PTHREAD_ONCE_INIT;
static void zfree(void *p) { deflateEnd(p); free(p); }
static void zmake(void) { pthread_key_create(&zkey, zfree); }
static z_stream *compressor(void) {
  pthread_once(&zonce, zmake);
  z_stream *z = pthread_getspecific(zkey);
  if (z) { deflateReset(z); return z; }
  z = xcalloc(1, sizeof *z);
  deflateInit2(z, 3, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  pthread_setspecific(zkey, z);
  return z;
}

void pack_deflate(int tag, int dict, const void *data, size_t len, buf *out) {
  z_stream *z = compressor();
  const unsigned char *d;
  unsigned dn;
  dictionary(dict, &d, &dn);
  if (d) deflateSetDictionary(z, d, dn);
  size_t bound = deflateBound(z, (uLong)len) + 2;
  buf_reserve(out, bound + 1);
  unsigned char *o = (unsigned char *)out->data + out->len;
  o[0] = (unsigned char)tag;
  o[1] = (unsigned char)dict;
  z->next_in = (unsigned char *)data;
  z->avail_in = (uInt)len;
  z->next_out = o + 2;
  z->avail_out = (uInt)(bound - 2);
  deflate(z, Z_FINISH);   /* the bound makes it finish in one call */
  out->len += 2 + z->total_out;
  out->data[out->len] = 0;
}

int pack_inflate(const void *data, size_t len, int *tag, buf *out) {
  const unsigned char *in = data;
  if (len < 3) return -1;
  const unsigned char *d;
  unsigned dn;
  dictionary(in[1], &d, &dn);
  if (in[1] != PACK_DICT_NONE && !d) return -1;
  *tag = in[0];
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
