/* http.c: `myomap serve`, a thin libmicrohttpd shell over api.c that also serves the embedded
** web/ assets and streams the session room's events; and `myomap user`. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "builtin.h"
#include "cert.h"
#include "live.h"
#include "record.h"
#include "store.h"

#include "lazy.h"

/* libmicrohttpd, opened when the server starts (lazy.h), so the other commands don't link it
** and GnuTLS at start-up: its functions, called through this table under their own names. */
static struct {
  __typeof__(&MHD_start_daemon) MHD_start_daemon;
  __typeof__(&MHD_stop_daemon) MHD_stop_daemon;
  __typeof__(&MHD_create_response_from_buffer) MHD_create_response_from_buffer;
  __typeof__(&MHD_create_response_from_callback) MHD_create_response_from_callback;
  __typeof__(&MHD_add_response_header) MHD_add_response_header;
  __typeof__(&MHD_queue_response) MHD_queue_response;
  __typeof__(&MHD_destroy_response) MHD_destroy_response;
  __typeof__(&MHD_lookup_connection_value) MHD_lookup_connection_value;
  __typeof__(&MHD_get_connection_info) MHD_get_connection_info;
  __typeof__(&MHD_suspend_connection) MHD_suspend_connection;
  __typeof__(&MHD_resume_connection) MHD_resume_connection;
  __typeof__(&MHD_get_connection_values) MHD_get_connection_values;
  __typeof__(&MHD_set_connection_option) MHD_set_connection_option;
  __typeof__(&MHD_is_feature_supported) MHD_is_feature_supported;
} mhd;

static const lazy_sym mhd_syms[] = {
#define S(f) {#f, offsetof(__typeof__(mhd), f)}
  S(MHD_start_daemon),
  S(MHD_stop_daemon),
  S(MHD_create_response_from_buffer),
  S(MHD_create_response_from_callback),
  S(MHD_add_response_header),
  S(MHD_queue_response),
  S(MHD_destroy_response),
  S(MHD_lookup_connection_value),
  S(MHD_get_connection_info),
  S(MHD_suspend_connection),
  S(MHD_resume_connection),
  S(MHD_get_connection_values),
  S(MHD_set_connection_option),
  S(MHD_is_feature_supported),
#undef S
};
static const char *const mhd_names[] = {"libmicrohttpd.so.12", "libmicrohttpd.so", NULL};
static lazy_lib mhd_lib = {mhd_names, "libmicrohttpd12", mhd_syms, sizeof mhd_syms / sizeof mhd_syms[0], &mhd, 0, ""};

#define MHD_start_daemon mhd.MHD_start_daemon
#define MHD_stop_daemon mhd.MHD_stop_daemon
#define MHD_create_response_from_buffer mhd.MHD_create_response_from_buffer
#define MHD_create_response_from_callback mhd.MHD_create_response_from_callback
#define MHD_add_response_header mhd.MHD_add_response_header
#define MHD_queue_response mhd.MHD_queue_response
#define MHD_destroy_response mhd.MHD_destroy_response
#define MHD_lookup_connection_value mhd.MHD_lookup_connection_value
#define MHD_get_connection_info mhd.MHD_get_connection_info
#define MHD_suspend_connection mhd.MHD_suspend_connection
#define MHD_resume_connection mhd.MHD_resume_connection
#define MHD_get_connection_values mhd.MHD_get_connection_values
#define MHD_set_connection_option mhd.MHD_set_connection_option
#define MHD_is_feature_supported mhd.MHD_is_feature_supported



typedef struct stream stream;
typedef struct pending pending;

#define MAX_NAMES 16
#define MAX_IFADDRS 32

/* The names a request's Host may give (host_ok), so that a page on another site cannot reach
** the API through a name of its own pointed at this machine (DNS rebinding). */
typedef struct hosts {
  struct in_addr listen;            /* the listen address; INADDR_ANY: any of the machine's */
  char public_host[256];            /* --public-url's host, or "" */
  const char *names[MAX_NAMES];     /* --host NAME */
  int n_names;
  pthread_mutex_t mu;               /* guards the interface addresses below */
  struct in_addr ifaddrs[MAX_IFADDRS];
  int n_ifaddrs;
  double read_at;                   /* when they were last read (monotonic seconds) */
} hosts;

typedef struct server {
  api *api;
  const char *web_dir;     /* --web, or NULL for the embedded assets */
  pthread_mutex_t smu;     /* guards the list of event streams */
  stream *streams;
  store *listen;           /* PostgreSQL: the connection that hears other servers' changes */
  pthread_mutex_t jmu;     /* the slow requests waiting for a worker */
  pthread_cond_t jcv;
  pending *jobs, **jtail;
  hosts *hosts;
} server;

/* One connection's request while its body arrives. */
struct pending {
  buf body;
  int too_large;
  /* a slow request (api_slow), answered by a worker while its connection is suspended */
  int state;                  /* 0: read here; 1: with a worker; 2: the worker's answer is in rs */
  struct MHD_Connection *con;
  char *copy[8];              /* the request's strings, copied for the worker */
  char ip[INET6_ADDRSTRLEN];
  api_req rq;
  api_resp rs;
  struct pending *next;
};

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const struct { const char *ext, *type; } types[] = {
  {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
  {".css", "text/css; charset=utf-8"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
  {".ico", "image/x-icon"}, {".json", "application/json"}, {".webmanifest", "application/manifest+json"},
};

static const char *type_of(const char *name) {
  const char *dot = strrchr(name, '.');
  for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
    if (!strcmp(dot, types[i].ext)) return types[i].type;
  return "application/octet-stream";
}

static void headers(struct MHD_Response *r, const char *type, int html) {
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  if (html)
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
}

static enum MHD_Result send_buf(struct MHD_Connection *con, int status, const char *type, const char *data,
                                size_t len, int copy, int html, const char *cache) {
  struct MHD_Response *r =
    MHD_create_response_from_buffer(len, (void *)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
  if (!r) return MHD_NO;
  headers(r, type, html);
  MHD_add_response_header(r, "Cache-Control", cache);
  enum MHD_Result ret = MHD_queue_response(con, (unsigned)status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *con, int status, const char *code, const char *msg) {
  char b[400];
  int n = snprintf(b, sizeof b, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, msg);
  return send_buf(con, status, "application/json", b, (size_t)n, 1, 0, "no-store");
}

/* The web asset a URL names: a file at the top of web/, or one of the app's modules in a fixed
** set of subdirectories with the one extension each holds (web/lib/NAME.js, web/screens/NAME.js,
** web/i18n/NAME.json).  A file name is letters, digits, '-', '_' and one '.'; anything else
** (a "..", a third level, another directory or extension) names no asset: returns 0. */
static int asset_name(const char *url, char *name, size_t n) {
  static const struct { const char *dir, *ext; } dirs[] = {{"lib/", ".js"}, {"screens/", ".js"}, {"i18n/", ".json"}};
  if (*url++ != '/' || strlen(url) >= 100) return 0;
  const char *file = url, *ext = NULL;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    if (!strncmp(url, dirs[i].dir, strlen(dirs[i].dir))) { file = url + strlen(dirs[i].dir); ext = dirs[i].ext; }
  int dots = 0;
  for (const char *p = file; *p; p++) {
    if (*p == '.') dots++;
    else if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') return 0;
  }
  if (dots != 1 || *file == '.') return 0;
  if (ext && strcmp(strchr(file, '.'), ext)) return 0;
  snprintf(name, n, "%s", url);
  return 1;
}

/* Does the request's Accept-Encoding take gzip (and not with q=0)? */
static int takes_gzip(struct MHD_Connection *con) {
  const char *ae = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept-Encoding");
  const char *g = ae ? strstr(ae, "gzip") : NULL;
  if (!g) return 0;
  const char *q = strstr(g, "q=");
  const char *comma = strchr(g, ',');
  return !(q && (!comma || q < comma) && strtod(q + 2, NULL) == 0);
}

/* An embedded asset: revalidated on every use (Cache-Control: no-cache) by its ETag, a 304
** without the bytes when the browser has them, and the gzip made at build time when the
** browser takes it (Vary: Accept-Encoding). */
static enum MHD_Result send_builtin(struct MHD_Connection *con, const builtin_file *f, const char *name) {
  const char *inm = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match");
  int fresh = f->etag && inm && (strstr(inm, f->etag) || !strcmp(inm, "*"));
  int gz = !fresh && f->gz && takes_gzip(con);
  struct MHD_Response *r = fresh ? MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT)
                         : MHD_create_response_from_buffer(gz ? f->gz_len : f->len, (void *)(gz ? f->gz : f->data),
                                                           MHD_RESPMEM_PERSISTENT);
  if (!r) return MHD_NO;
  headers(r, type_of(name), strstr(name, ".html") != NULL);
  MHD_add_response_header(r, "Cache-Control", "no-cache");
  if (f->etag) MHD_add_response_header(r, "ETag", f->etag);
  if (f->gz) MHD_add_response_header(r, "Vary", "Accept-Encoding");
  if (gz) MHD_add_response_header(r, "Content-Encoding", "gzip");
  enum MHD_Result ret = MHD_queue_response(con, fresh ? 304 : 200, r);
  MHD_destroy_response(r);
  return ret;
}

/* A page asset: "/" is web/index.html, "/p/TOKEN" the phone's page, "/i/TOKEN" the client's
** intake form, "/h/TOKEN" their home program, else what asset_name allows. */
static enum MHD_Result send_asset(server *sv, struct MHD_Connection *con, const char *url) {
  char name[160];
  if (!strcmp(url, "/")) snprintf(name, sizeof name, "index.html");
  else if (!strncmp(url, "/p/", 3) && !strchr(url + 3, '/')) snprintf(name, sizeof name, "phone.html");
  else if (!strncmp(url, "/i/", 3) && !strchr(url + 3, '/')) snprintf(name, sizeof name, "intake.html");
  else if (!strncmp(url, "/h/", 3) && !strchr(url + 3, '/')) snprintf(name, sizeof name, "homeprog.html");
  else if (!asset_name(url, name, sizeof name)) return send_error(con, 404, "not-found", "no such page");
  if (sv->web_dir) {
    char path[1200], *text;
    size_t len;
    snprintf(path, sizeof path, "%s/%s", sv->web_dir, name);
    if (util_read_file(path, &text, &len)) return send_error(con, 404, "not-found", "no such page");
    enum MHD_Result ret = send_buf(con, 200, type_of(name), text, len, 1, strstr(name, ".html") != NULL, "no-cache");
    free(text);
    return ret;
  }
  char key[200];
  snprintf(key, sizeof key, "web/%s", name);
  const builtin_file *f = builtin_find(key);
  if (!f) return send_error(con, 404, "not-found", "no such page");
  return send_builtin(con, f, name);
}

/* ---- server-sent events --------------------------------------------------------------------
** A stream's connection is parked (suspended) while its session has nothing new; the waker
** thread resumes it when any session queues an event, and each second so that the hold's
** clock runs and a keep-alive comment goes out every 15 s. */

#define KEEPALIVE 15.0

typedef struct stream {
  server *sv;
  struct MHD_Connection *con;
  char id[LIVE_ID_LEN + 1];
  unsigned long cursor, gen;   /* events given; all-session count at the last poll */
  buf out;
  size_t sent;
  int done, parked;
  double polled, wrote;        /* monotonic seconds */
  struct stream *next;
} stream;

static volatile sig_atomic_t stopping;

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *dst, size_t max) {
  (void)pos;
  stream *st = cls;
  server *sv = st->sv;
  if (st->sent == st->out.len) {
    buf_reset(&st->out);
    st->sent = 0;
    if (st->done || stopping) return MHD_CONTENT_READER_END_OF_STREAM;
    live_set *ls = api_live(sv->api);
    st->gen = live_changed(ls, 0, 0);
    st->polled = mono();
    int rc = live_poll(ls, st->id, &st->cursor, &st->out);
    if (rc) return MHD_CONTENT_READER_END_OF_STREAM;
    if (!st->out.len && st->polled - st->wrote >= KEEPALIVE) buf_lit(&st->out, ": keep-alive\n\n");
    if (!st->out.len) {
      MHD_suspend_connection(st->con);
      pthread_mutex_lock(&sv->smu);
      st->parked = 1;
      pthread_mutex_unlock(&sv->smu);
      return 0;
    }
  }
  size_t n = st->out.len - st->sent;
  if (n > max) n = max;
  memcpy(dst, st->out.data + st->sent, n);
  st->sent += n;
  st->wrote = mono();
  return (ssize_t)n;
}

static void stream_free(void *cls) {
  stream *st = cls;
  server *sv = st->sv;
  pthread_mutex_lock(&sv->smu);
  for (stream **p = &sv->streams; *p; p = &(*p)->next)
    if (*p == st) { *p = st->next; break; }
  pthread_mutex_unlock(&sv->smu);
  buf_free(&st->out);
  free(st);
}

/* Several servers on one PostgreSQL database: another server's session changes arrive as
** notifications, and the streams here poll again (live_external). */
static void *listener(void *arg) {
  server *sv = arg;
  while (!stopping) {
    char payload[80];
    int rc = store_wait(sv->listen, 0.5, payload, sizeof payload);
    if (rc > 0) live_external(api_live(sv->api));
    else if (rc < 0) {   /* reconnected: subscribe again, and poll in case one was missed */
      sleep(1);
      store_listen(sv->listen, LIVE_CHANNEL);
      live_external(api_live(sv->api));
    }
  }
  return NULL;
}

static void *waker(void *arg) {
  server *sv = arg;
  unsigned long gen = 0;
  double swept = mono();
  for (int last = 0; !last;) {
    last = stopping;
    if (mono() - swept > 60) {   /* open sessions idle for LIVE_IDLE are ended and stored */
      live_sweep(api_live(sv->api), wall());
      swept = mono();
    }
    gen = live_changed(api_live(sv->api), gen, last ? 0 : 0.25);
    double now = mono();
    struct MHD_Connection *wake[128];
    int n = 0;
    pthread_mutex_lock(&sv->smu);
    for (stream *st = sv->streams; st && n < 128; st = st->next)
      if (st->parked && (st->gen != gen || now - st->polled >= 1.0 || last)) {
        st->parked = 0;
        wake[n++] = st->con;
      }
    pthread_mutex_unlock(&sv->smu);
    for (int i = 0; i < n; i++) MHD_resume_connection(wake[i]);
  }
  return NULL;
}

static enum MHD_Result send_stream(server *sv, struct MHD_Connection *con, const char *id, unsigned long from) {
  stream *st = xcalloc(1, sizeof *st);
  st->sv = sv;
  st->cursor = from;
  st->con = con;
  snprintf(st->id, sizeof st->id, "%s", id);
  buf_init(&st->out);
  buf_lit(&st->out, "retry: 2000\n\n");
  st->wrote = mono();
  struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
  if (!r) { buf_free(&st->out); free(st); return MHD_NO; }
  pthread_mutex_lock(&sv->smu);
  st->next = sv->streams;
  sv->streams = st;
  pthread_mutex_unlock(&sv->smu);
  headers(r, "text/event-stream", 0);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Accel-Buffering", "no");
  enum MHD_Result ret = MHD_queue_response(con, 200, r);
  MHD_destroy_response(r);
  return ret;
}

/* ---- requests ------------------------------------------------------------------------------ */

/* A connection has HEADER_TIMEOUT seconds of silence while its request's headers arrive (and
** while it waits for the next request), BODY_TIMEOUT once they are in.  libmicrohttpd's
** connection timeout is one idle timeout for every phase: at 120 s, 512 connections that sent
** half a request line filled the connection limit and held it until they timed out. */
#define HEADER_TIMEOUT 10
#define BODY_TIMEOUT 120
/* Connections one address may hold (--max-per-address): a browser opens 6, a tablet's app
** and its event stream a few more; one address must not fill the server's 512. */
#define PER_ADDRESS 32

/* Refresh the machine's IPv4 addresses (at most once a second: a Host naming an unknown
** address triggers it, so a new DHCP lease is accepted without a restart). */
static void read_ifaddrs(hosts *h) {
  double now = mono();
  if (h->read_at && now - h->read_at < 1.0) return;
  h->read_at = now;
  struct ifaddrs *ifs;
  if (getifaddrs(&ifs)) return;
  h->n_ifaddrs = 0;
  for (struct ifaddrs *f = ifs; f && h->n_ifaddrs < MAX_IFADDRS; f = f->ifa_next)
    if (f->ifa_addr && f->ifa_addr->sa_family == AF_INET)
      h->ifaddrs[h->n_ifaddrs++] = ((struct sockaddr_in *)f->ifa_addr)->sin_addr;
  freeifaddrs(ifs);
}

/* Is `host` (a Host header: NAME, NAME:PORT, IPV4:PORT, [IPV6]:PORT) one this server answers
** to?  localhost, 127.0.0.1 and [::1]; the listen address, or when listening on 0.0.0.0 any
** IPv4 address of the machine's interfaces; --public-url's host; the --host names.  A
** request without Host (HTTP/1.0) passes: only a browser can be tricked, and it always sends
** one. */
static int host_ok(hosts *h, const char *host) {
  if (!host) return 1;
  char name[256];
  size_t n = strlen(host);
  const char *end = host + n;
  if (*host == '[') {
    const char *rb = strchr(host, ']');
    if (!rb) return 0;
    end = rb + 1;
  } else {
    const char *colon = strchr(host, ':');
    if (colon) end = colon;
  }
  if (*end) {   /* a port: digits only */
    if (*end != ':' || !end[1]) return 0;
    for (const char *p = end + 1; *p; p++)
      if (*p < '0' || *p > '9') return 0;
  }
  n = (size_t)(end - host);
  if (!n || n >= sizeof name) return 0;
  memcpy(name, host, n);
  name[n] = 0;
  if (n > 1 && name[n - 1] == '.') name[--n] = 0;   /* "localhost." is localhost */
  if (!strcasecmp(name, "localhost") || !strcmp(name, "127.0.0.1") || !strcmp(name, "[::1]")) return 1;
  if (h->public_host[0] && !strcasecmp(name, h->public_host)) return 1;
  for (int i = 0; i < h->n_names; i++)
    if (!strcasecmp(name, h->names[i])) return 1;
  struct in_addr a;
  if (inet_pton(AF_INET, name, &a) != 1) return 0;
  if (h->listen.s_addr == a.s_addr) return 1;
  if (h->listen.s_addr != htonl(INADDR_ANY)) return 0;
  pthread_mutex_lock(&h->mu);
  int ok = 0;
  for (int round = 0; round < 2 && !ok; round++) {
    if (round) read_ifaddrs(h);
    for (int i = 0; i < h->n_ifaddrs && !ok; i++) ok = h->ifaddrs[i].s_addr == a.s_addr;
  }
  pthread_mutex_unlock(&h->mu);
  return ok;
}

/* The request's framing headers, as a request smuggled past a proxy would bend them. */
typedef struct framing { int n_length, differ, bad_length, n_te, te_other; const char *length; } framing;

static enum MHD_Result framing_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  framing *f = cls;
  if (!value) value = "";
  if (!strcasecmp(key, "Content-Length")) {
    if (f->n_length++ && strcmp(f->length, value)) f->differ = 1;
    f->length = value;
    if (!*value || strspn(value, "0123456789") != strlen(value)) f->bad_length = 1;
  } else if (!strcasecmp(key, "Transfer-Encoding")) {
    f->n_te++;
    if (strcasecmp(value, "chunked")) f->te_other = 1;
  }
  return MHD_YES;
}

/* Why the request's body cannot be delimited for sure, or NULL: two Content-Lengths that
** differ (or one that is not a number), Content-Length together with Transfer-Encoding, or a
** Transfer-Encoding other than one "chunked". */
static const char *framing_bad(struct MHD_Connection *con) {
  framing f = {0};
  MHD_get_connection_values(con, MHD_HEADER_KIND, framing_one, &f);
  if (f.differ) return "conflicting Content-Length headers";
  if (f.bad_length) return "a Content-Length that is not a number";
  if (f.n_length && f.n_te) return "Content-Length together with Transfer-Encoding";
  if (f.n_te > 1 || f.te_other) return "a Transfer-Encoding other than chunked";
  return NULL;
}

static const char *query(void *ctx, const char *name) {
  return MHD_lookup_connection_value((struct MHD_Connection *)ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* Send the API's answer (and free its body). */
static enum MHD_Result answer(server *sv, struct MHD_Connection *con, api_resp *rsp) {
  api_resp rs = *rsp;
  buf_init(&rsp->body);
  enum MHD_Result ret;
  if (rs.stream[0] && rs.status == 200) ret = send_stream(sv, con, rs.stream, rs.stream_from);
  else {
    struct MHD_Response *r = MHD_create_response_from_buffer(rs.body.len, rs.body.data, MHD_RESPMEM_MUST_FREE);
    rs.body.data = NULL;
    if (!r) { buf_free(&rs.body); return MHD_NO; }
    headers(r, rs.type ? rs.type : "application/json", rs.type && !strncmp(rs.type, "text/html", 9));
    MHD_add_response_header(r, "Cache-Control", "no-store");   /* health records stay out of caches */
    if (rs.etag[0]) MHD_add_response_header(r, "ETag", rs.etag);
    if (rs.vary_lang) MHD_add_response_header(r, "Vary", "Accept-Language");
    if (rs.cookie[0]) {
      /* Behind a reverse proxy that does TLS (docs/deploy.md) the browser is on HTTPS: mark the
      ** cookie Secure as served HTTPS does.  Anyone may ask it: it only narrows the cookie. */
      const char *xfp = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Forwarded-Proto");
      size_t n = strlen(rs.cookie);
      if (xfp && !strcasecmp(xfp, "https") && !strstr(rs.cookie, "; Secure") && n + 9 < sizeof rs.cookie)
        memcpy(rs.cookie + n, "; Secure", 9);
      MHD_add_response_header(r, "Set-Cookie", rs.cookie);
    }
    if (rs.retry_after) {
      char ra[32];
      snprintf(ra, sizeof ra, "%ld", rs.retry_after);
      MHD_add_response_header(r, "Retry-After", ra);
    }
    ret = MHD_queue_response(con, (unsigned)rs.status, r);
    MHD_destroy_response(r);
  }
  buf_free(&rs.body);
  return ret;
}


static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)version;
  server *sv = cls;
  pending *p = *con_cls;
  if (!p) {   /* first call: the headers only */
    p = xcalloc(1, sizeof *p);
    buf_init(&p->body);
    *con_cls = p;
    /* The headers are in: the rest (a body, an event stream) may take longer than them. */
    MHD_set_connection_option(con, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)BODY_TIMEOUT);
    const char *why = framing_bad(con);
    if (why) return send_error(con, 400, "bad-request", why);
    const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > API_MAX_BODY)
      return send_error(con, 413, "too-large", "the request body is over 64 KiB");
    return MHD_YES;
  }
  if (*upload_size) {
    if (p->body.len + *upload_size > API_MAX_BODY) p->too_large = 1;
    else buf_append(&p->body, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (p->too_large) return send_error(con, 413, "too-large", "the request body is over 64 KiB");
  if (strncmp(url, "/api/", 5)) {
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) return send_error(con, 405, "method-not-allowed", "pages are read with GET");
    return send_asset(sv, con, url);
  }
  if (!host_ok(sv->hosts, MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Host")))
    return send_error(con, 400, "bad-request",
                      "the Host header names no address of this server: use its address, localhost, the "
                      "--public-url, or a name given to serve with --host NAME");
  char ip[INET6_ADDRSTRLEN] = "?";
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (ci && ci->client_addr) {
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
    else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
  }
  api_req rq = {
    .method = method, .path = url, .query = query, .ctx = con,
    .body = p->body.data, .body_len = p->body.len,
    .content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type"),
    .cookie = MHD_lookup_connection_value(con, MHD_COOKIE_KIND, "myomap_session"),
    .csrf = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-CSRF-Token"),
    .origin = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Origin"),
    .host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Host"),
    .ip = ip, .now = wall(),
    .last_event_id = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Last-Event-ID"),
    .if_none_match = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match"),
    .accept_language = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept-Language"),
  };
  if (p->state == 2) return answer(sv, con, &p->rs);
  if (p->state == 1) return MHD_YES;
  if (api_slow(&rq)) {   /* a password to hash: a worker answers it (see worker) */
    const char **f[] = {&rq.method, &rq.path, &rq.content_type, &rq.cookie, &rq.csrf, &rq.origin, &rq.host, NULL};
    for (int i = 0; f[i]; i++) if (*f[i]) *f[i] = p->copy[i] = xstrdup(*f[i]);
    snprintf(p->ip, sizeof p->ip, "%s", ip);
    rq.ip = p->ip;
    rq.query = NULL;
    rq.last_event_id = rq.if_none_match = rq.accept_language = NULL;
    p->rq = rq;
    p->con = con;
    p->state = 1;
    MHD_suspend_connection(con);
    pthread_mutex_lock(&sv->jmu);
    *sv->jtail = p;
    sv->jtail = &p->next;
    pthread_cond_signal(&sv->jcv);
    pthread_mutex_unlock(&sv->jmu);
    return MHD_YES;
  }
  api_resp rs;
  api_handle(sv->api, &rq, &rs);
  return answer(sv, con, &rs);
}

static void on_done(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)cls;
  /* Back to the short timeout while the connection waits for its next request's headers. */
  if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) MHD_set_connection_option(con, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)HEADER_TIMEOUT);
  pending *p = *con_cls;
  if (p) {
    buf_free(&p->body);
    buf_free(&p->rs.body);
    for (int i = 0; i < 8; i++) free(p->copy[i]);
    free(p);
    *con_cls = NULL;
  }
}

/* A worker: answers the slow requests (api_slow) one at a time, each on a suspended
** connection that it resumes with the answer; one per core, as argon2id uses one each. */
static void *worker(void *arg) {
  server *sv = arg;
  for (;;) {
    pthread_mutex_lock(&sv->jmu);
    while (!sv->jobs && !stopping) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += 1;
      pthread_cond_timedwait(&sv->jcv, &sv->jmu, &ts);
    }
    pending *p = sv->jobs;
    if (p) { sv->jobs = p->next; if (!sv->jobs) sv->jtail = &sv->jobs; }
    pthread_mutex_unlock(&sv->jmu);
    if (!p) return NULL;   /* stopping, and nothing is left */
    p->rq.now = wall();
    api_handle(sv->api, &p->rq, &p->rs);
    p->state = 2;
    MHD_resume_connection(p->con);
  }
}

/* Four threads per core (8 at least, 64 at most): the ranking is CPU work, but a record
** request waits for its audit row's commit (audit.h), and while it waits its thread serves
** nobody; more threads in flight make larger group commits.  MYOMAP_THREADS overrides. */
static unsigned pool_threads(void) {
  const char *e = getenv("MYOMAP_THREADS");
  long n = e && *e ? strtol(e, NULL, 10) : 4 * sysconf(_SC_NPROCESSORS_ONLN), lo = e && *e ? 1 : 8;
  return n < lo ? (unsigned)lo : n > 64 ? 64 : (unsigned)n;
}

static void on_signal(int sig) { (void)sig; stopping = 1; }

/* "ADDR:PORT" or ":PORT" or "PORT" into an IPv4 address. */
static int parse_listen(const char *s, struct sockaddr_in *sa) {
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  const char *colon = strrchr(s, ':');
  char host[64] = "127.0.0.1";
  const char *port = s;
  if (colon) {
    size_t n = (size_t)(colon - s);
    if (n >= sizeof host) return -1;
    if (n) { memcpy(host, s, n); host[n] = 0; }
    port = colon + 1;
  }
  char *end;
  long p = strtol(port, &end, 10);
  if (!*port || *end || p < 1 || p > 65535) return -1;
  if (!strcmp(host, "localhost")) snprintf(host, sizeof host, "127.0.0.1");
  if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) return -1;
  sa->sin_port = htons((unsigned short)p);
  return 0;
}

/* The host of an http(s):// URL into out ("" when there is none), brackets kept for IPv6. */
static void url_host(const char *url, char *out, size_t n) {
  const char *h = strstr(url, "://");
  h = h ? h + 3 : url;
  size_t len = strcspn(h, "/?#");
  const char *at = memchr(h, '@', len);
  if (at) { len -= (size_t)(at + 1 - h); h = at + 1; }
  const char *colon = *h == '[' ? memchr(h, ']', len) : NULL;
  size_t hl = colon ? (size_t)(colon + 1 - h) : strcspn(h, ":/?#");
  if (hl > len) hl = len;
  if (hl >= n) hl = 0;
  memcpy(out, h, hl);
  out[hl] = 0;
}

int http_serve(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("serve");
  const char *listen = "127.0.0.1:8080", *public_url = NULL, *web = NULL, *tls_cert = NULL, *tls_key = NULL,
             *per = NULL;
  static hosts hs = {.mu = PTHREAD_MUTEX_INITIALIZER};
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--routes")) {   /* the API's route table, for docs and scripts */
      buf out;
      buf_init(&out);
      api_routes(&out);
      int rc = cli_write(&out);
      buf_free(&out);
      return rc;
    }
    const char *name = NULL;
    const char **dst = !strcmp(argv[i], "--listen") ? &listen : !strcmp(argv[i], "--public-url") ? &public_url
                     : !strcmp(argv[i], "--web") ? &web : !strcmp(argv[i], "--tls-cert") ? &tls_cert
                     : !strcmp(argv[i], "--tls-key") ? &tls_key : !strcmp(argv[i], "--max-per-address") ? &per
                     : !strcmp(argv[i], "--host") ? &name : NULL;
    if (!dst) return cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
    if (i + 1 >= argc) return cli_usage_error(c, "%s needs a value", argv[i]);
    *dst = argv[++i];
    if (name) {
      if (hs.n_names == MAX_NAMES) return cli_usage_error(c, "at most 16 --host names, not \"%s\" too", name);
      if (!*name || strlen(name) > 253 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != strlen(name))
        return cli_usage_error(c, "--host takes a host name (letters, digits, '-' and '.'), not \"%s\"", name);
      hs.names[hs.n_names++] = name;
    }
  }
  struct sockaddr_in sa;
  if (parse_listen(listen, &sa)) return cli_usage_error(c, "--listen takes ADDR:PORT, e.g. 127.0.0.1:8080, not \"%s\"", listen);
  if (public_url && strncmp(public_url, "http://", 7) && strncmp(public_url, "https://", 8))
    return cli_usage_error(c, "--public-url starts with http:// or https://, not \"%s\"", public_url);
  if (!tls_cert != !tls_key)
    return cli_usage_error(c, "%s", tls_cert ? "--tls-cert needs --tls-key too (the certificate's private key)"
                                             : "--tls-key needs --tls-cert too (the certificate)");
  unsigned per_address = PER_ADDRESS;
  if (per) {
    char *end;
    long v = strtol(per, &end, 10);
    if (!*per || *end || v < 0 || v > 512)
      return cli_usage_error(c, "--max-per-address takes 0 (no limit) to 512, not \"%s\"", per);
    per_address = (unsigned)v;
  }
  int secure = tls_cert != NULL;
  char ipbuf[INET_ADDRSTRLEN], url[300];
  inet_ntop(AF_INET, &sa.sin_addr, ipbuf, sizeof ipbuf);
  int any = sa.sin_addr.s_addr == htonl(INADDR_ANY), loopback = (ntohl(sa.sin_addr.s_addr) >> 24) == 127;
  if (secure && !public_url && !any) {   /* the join links name the address served */
    snprintf(url, sizeof url, "https://%s:%u", ipbuf, (unsigned)ntohs(sa.sin_port));
    public_url = url;
  }
  hs.listen = sa.sin_addr;
  if (public_url) url_host(public_url, hs.public_host, sizeof hs.public_host);
  if (lazy_open(&mhd_lib)) {
    fprintf(stderr, "myomap serve: %s\n", mhd_lib.error);
    return EXIT_IO;
  }
  char *cert_pem = NULL, *key_pem = NULL, err[600];
  if (secure) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      fprintf(stderr, "myomap serve: this libmicrohttpd is built without TLS (Debian's libmicrohttpd12 has it)\n");
      return EXIT_IO;
    }
    if (cert_load_pair(tls_cert, tls_key, &cert_pem, &key_pem, err, sizeof err)) {
      fprintf(stderr, "myomap serve: %s\n", err);
      return EXIT_IO;
    }
    const char *names[2] = {hs.public_host, any || loopback ? NULL : ipbuf};
    for (int i = 0; i < 2; i++) {
      char bare[256];
      if (!names[i] || !*names[i]) continue;
      snprintf(bare, sizeof bare, "%s", names[i] + (*names[i] == '['));
      if (*names[i] == '[') bare[strcspn(bare, "]")] = 0;
      if (cert_names(cert_pem, bare) == 0)
        fprintf(stderr, "myomap serve: warning: the certificate %s does not name %s, so browsers will refuse it there:\n"
                        "  make one that does with `myomap cert --host %s`\n", tls_cert, bare, bare);
    }
  }
  /* the server answers in the language each request asks (?lang=, Accept-Language): the kb's
  ** texts and their French are read once, here, not per request */
  opts ko = *o;
  ko.lang = "fr";
  kb *k;
  int rc = cli_load_kb(&ko, &k);
  if (rc) { free(cert_pem); free(key_pem); return rc; }
  store *s = NULL;
  long uv, uh;
  const char *no = getenv("MYOMAP_NO_UPGRADE");   /* tests/upgrade.sh: see clinic.c */
  long pending = 0;
  if (store_open(&s, o->db, err, sizeof err) ||
      (!(no && !strcmp(no, "1")) && !record_upgrade_pending(s, &pending) && pending > 1000 &&
       fprintf(stderr, "myomap serve: rewriting %ld visits stored by an older myomap into the lean form first "
                       "(once; about a millisecond each)\n", pending) < 0) ||
      (!(no && !strcmp(no, "1")) && record_upgrade(s, k, &uv, &uh, err, sizeof err))) {
    fprintf(stderr, "myomap serve: %s\n", err);
    store_close(s);
    kb_free(k);
    free(cert_pem);
    free(key_pem);
    return EXIT_IO;
  }
  server sv = {.api = api_new(k, s, public_url), .web_dir = web, .smu = PTHREAD_MUTEX_INITIALIZER,
               .jmu = PTHREAD_MUTEX_INITIALIZER, .jcv = PTHREAD_COND_INITIALIZER, .hosts = &hs};
  sv.jtail = &sv.jobs;
  if (!sv.api) {
    fprintf(stderr, "myomap serve: could not start (libsodium or the embedded body chart failed)\n");
    store_close(s);
    kb_free(k);
    free(cert_pem);
    free(key_pem);
    return EXIT_IO;
  }
  api_set_secure(sv.api, secure);
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = on_signal;
  sigaction(SIGINT, &act, NULL);
  sigaction(SIGTERM, &act, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct MHD_OptionItem tls_opts[] = {
    {secure ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert_pem},
    {MHD_OPTION_HTTPS_MEM_KEY, 0, key_pem},
    {MHD_OPTION_END, 0, NULL},
  };
  /* poll, not epoll: at its connection limit libmicrohttpd 0.9.75's epoll loop does not see a
  ** held connection close, so after 2,000 half-sent requests from 64 addresses its 512
  ** connections sat in CLOSE-WAIT, the listen queue full behind them, and the server answered
  ** no one until they timed out (past 150 s at the old 120 s timeout).  Its poll loop sees the
  ** closes at once (answered 13-30 ms after).  512 descriptors split between the pool's
  ** threads cost poll nothing measurable. */
  errno = 0;
  struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME |
                                          MHD_USE_ERROR_LOG | (secure ? MHD_USE_TLS : 0),
                                          0, NULL, NULL, on_request, &sv,
                                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                          MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                                          MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
                                          MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address,
                                          MHD_OPTION_THREAD_POOL_SIZE, pool_threads(),
                                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HEADER_TIMEOUT,
                                          MHD_OPTION_ARRAY, tls_opts,
                                          MHD_OPTION_END);
  if (!d) {
    if (secure && errno != EADDRINUSE)
      fprintf(stderr, "myomap serve: cannot serve HTTPS on %s with %s and %s (see libmicrohttpd's message above)\n",
              listen, tls_cert, tls_key);
    else
      fprintf(stderr, "myomap serve: cannot listen on %s: %s (is another server on that port?)\n", listen,
              strerror(errno ? errno : EADDRINUSE));
    api_free(sv.api);
    store_close(s);
    kb_free(k);
    free(cert_pem);
    free(key_pem);
    return EXIT_IO;
  }
  pthread_t wk, li;
  pthread_create(&wk, NULL, waker, &sv);
  long ncores = sysconf(_SC_NPROCESSORS_ONLN);
  int nwork = ncores < 1 ? 1 : ncores > 16 ? 16 : (int)ncores;
  pthread_t wks[16];
  for (int i = 0; i < nwork; i++) pthread_create(&wks[i], NULL, worker, &sv);
  if (store_shared(s)) {
    if (store_clone(s, &sv.listen, err, sizeof err)) sv.listen = NULL;
    else if (store_listen(sv.listen, LIVE_CHANNEL) < 0) {
      snprintf(err, sizeof err, "%s", store_error(sv.listen));
      store_close(sv.listen);
      sv.listen = NULL;
    }
    if (sv.listen) pthread_create(&li, NULL, listener, &sv);
    else fprintf(stderr, "myomap serve: warning: cannot hear other servers' session changes: %s\n", err);
  }
  live_sweep(api_live(sv.api), wall());
  long accounts = 0;
  char code[AUTH_SETUP_CODE_LEN + 1] = "";
  if (!auth_count(s, &accounts) && !accounts) auth_setup_code(s, wall(), code);   /* asked for once therapists exist */
  fprintf(stderr, "myomap: serving %s://%s/ (records: %s %s)\n%s%s%s  Stop with Ctrl-C.\n", secure ? "https" : "http", listen,
          store_backend(s), store_where(s),
          accounts ? "" : "  No account can log in yet: open the page to create the clinic's first (admin) account.\n",
          code[0] ? "  setup code: " : "", code[0] ? code : "");
  if (code[0]) fputc('\n', stderr);
  if (!secure && !loopback)
    fprintf(stderr,
            "myomap serve: warning: plain HTTP on %s: passwords, the session cookie and clients' health\n"
            "  data cross the network in clear, readable by anyone on it.  Serve HTTPS instead:\n"
            "  `myomap cert`, then serve --tls-cert FILE --tls-key FILE (docs/deploy.md), or listen\n"
            "  on 127.0.0.1 behind a reverse proxy that does TLS.\n", listen);
  while (!stopping) pause();
  fprintf(stderr, "myomap: stopping\n");
  pthread_join(wk, NULL);   /* its last round resumes every parked stream, which then ends */
  pthread_mutex_lock(&sv.jmu);
  pthread_cond_broadcast(&sv.jcv);
  pthread_mutex_unlock(&sv.jmu);
  for (int i = 0; i < nwork; i++) pthread_join(wks[i], NULL);   /* they answer what is queued, then end */
  if (sv.listen) { pthread_join(li, NULL); store_close(sv.listen); }
  MHD_stop_daemon(d);
  api_free(sv.api);
  store_close(s);
  kb_free(k);
  free(cert_pem);
  free(key_pem);
  return EXIT_OK;
}

/* ---- accounts ------------------------------------------------------------------------------ */

/* Read a password: twice without echo on a terminal, else one line of standard input. */
static int read_password(char *out, size_t cap) {
  int tty = isatty(STDIN_FILENO);
  char again[AUTH_PASSWORD_MAX + 8];
  for (int round = 0; round < (tty ? 2 : 1); round++) {
    char *dst = round ? again : out;
    size_t dcap = round ? sizeof again : cap;
    struct termios old, quiet;
    if (tty) {
      fprintf(stderr, round ? "Password again: " : "Password: ");
      tcgetattr(STDIN_FILENO, &old);
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char *got = fgets(dst, (int)dcap, stdin);
    if (tty) { tcsetattr(STDIN_FILENO, TCSANOW, &old); fputc('\n', stderr); }
    if (!got) return -1;
    dst[strcspn(dst, "\r\n")] = 0;
  }
  if (tty && strcmp(out, again)) { fprintf(stderr, "myomap user: the passwords differ\n"); return -2; }
  return 0;
}

/* `myomap user add|list|passwd|disable|enable`: accounts from the server's console. */
int http_user(opts *o, int argc, char **argv) {
  const cmd *c = cli_find("user");
  static const char *const verbs[] = {"add", "list", "passwd", "disable", "enable"};
  int verb = -1;
  for (int i = 0; argc >= 1 && i < 5; i++) if (!strcmp(argv[0], verbs[i])) verb = i;
  if (verb < 0) return cli_usage_error(c, "%s", "say what to do: add, list, passwd, disable or enable");
  const char *name = NULL, *email = NULL;
  int admin = 0;
  for (int i = 1; i < argc; i++) {
    if ((!strcmp(argv[i], "--name") || !strcmp(argv[i], "--email")) && i + 1 < argc) {
      if (argv[i][2] == 'n') name = argv[++i]; else email = argv[++i];
    } else if (!strcmp(argv[i], "--admin")) admin = 1;
    else if (!strcmp(argv[i], "--json")) o->json = 1;
    else return cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  int add = verb == 0;
  if (add && (!name || !email)) return cli_usage_error(c, "%s", "user add needs --name NAME and --email EMAIL");
  if (verb >= 2 && !email) return cli_usage_error(c, "user %s needs --email EMAIL", verbs[verb]);
  store *s;
  char err[600];
  if (store_open(&s, o->db, err, sizeof err)) {
    fprintf(stderr, "myomap user: %s\n", err);
    return EXIT_IO;
  }
  int rc = 0;
  long id = 0;
  buf out;
  buf_init(&out);
  if (verb >= 2) {
    int r = auth_user_find(s, email, &id);
    if (r) {
      if (r == RECORD_ENOTFOUND) fprintf(stderr, "myomap user: no account with email %s (see: myomap user list)\n", email);
      else fprintf(stderr, "myomap user: %s\n", store_error(s));
      buf_free(&out);
      store_close(s);
      return r == RECORD_ENOTFOUND ? EXIT_USAGE : EXIT_IO;
    }
  }
  if (add || verb == 2) {
    char pw[AUTH_PASSWORD_MAX + 8], hash[128];
    int r = read_password(pw, sizeof pw);
    if (r == -1) { fprintf(stderr, "myomap user: no password given\n"); rc = EXIT_USAGE; }
    else if (r) rc = EXIT_USAGE;
    else if (add && (r = auth_user_add(s, name, email, pw, admin ? "admin" : "therapist", &id, err, sizeof err))) {
      fprintf(stderr, "myomap user: %s\n", err);
      rc = r == RECORD_EBAD ? EXIT_USAGE : EXIT_IO;
    } else if (add) {
      buf_printf(&out, "account %ld: %s <%s>%s\n", id, name, email, admin ? " (admin)" : "");
      auth_audit(s, 0, "create-user", 0, email);
    } else if ((r = auth_hash(pw, hash, sizeof hash, err, sizeof err))) {
      fprintf(stderr, "myomap user: %s\n", err);
      rc = EXIT_USAGE;
    } else if (auth_password_set(s, id, hash, NULL)) {
      fprintf(stderr, "myomap user: %s; the password was not changed\n", store_error(s));
      rc = EXIT_IO;
    } else {
      buf_printf(&out, "account %ld: new password set; its sessions ended\n", id);
      char d[64];
      snprintf(d, sizeof d, "account %ld (command line)", id);
      auth_audit(s, 0, "password-reset", 0, d);
    }
    sodium_memzero(pw, sizeof pw);
  } else if (verb >= 3) {
    int r = auth_user_disable(s, NULL, id, verb == 3, err, sizeof err);
    if (r) {
      fprintf(stderr, "myomap user: %s\n", err);
      rc = r == RECORD_EBAD ? EXIT_USAGE : EXIT_IO;
    } else {
      buf_printf(&out, "account %ld: %s\n", id, verb == 3 ? "disabled; its sessions ended" : "enabled");
      char d[64];
      snprintf(d, sizeof d, "account %ld (command line)", id);
      auth_audit(s, 0, verb == 3 ? "disable-user" : "enable-user", 0, d);
    }
  } else if (auth_user_list(s, &out)) {
    fprintf(stderr, "myomap user: %s\n", store_error(s));
    rc = EXIT_IO;
  } else if (o->json) buf_putc(&out, '\n');
  else {   /* the same list as a table */
    json_t *j = json_loadb(out.data, out.len, 0, NULL), *u;
    size_t i;
    buf_reset(&out);
    buf_printf(&out, "%-5s %-28s %-32s %-10s %s\n", "id", "name", "email", "role", "can log in");
    json_array_foreach(json_object_get(j, "users"), i, u) {
      const char *em = json_string_value(json_object_get(u, "email"));
      buf_printf(&out, "%-5lld %-28s %-32s %-10s %s\n", (long long)json_integer_value(json_object_get(u, "id")),
                 json_string_value(json_object_get(u, "name")), em ? em : "-",
                 json_string_value(json_object_get(u, "role")),
                 json_is_true(json_object_get(u, "disabled")) ? "no (disabled)"
                 : json_is_true(json_object_get(u, "can_log_in")) ? "yes" : "no");
    }
    json_decref(j);
  }
  if (!rc) rc = cli_write(&out);
  buf_free(&out);
  store_close(s);
  return rc;
}
