/* cert.c: `myomap cert` (a local certificate authority and the server's certificate, with the
** GnuTLS x509 API) and the check of serve's certificate and key.  See cert.h. */
#include "cert.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/crypto.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lazy.h"

/* GnuTLS, opened when a certificate is made or checked (lazy.h): libmicrohttpd links it too, so
** `serve --tls-cert` finds it loaded already, and the other commands never load it. */
static struct {
  __typeof__(&gnutls_strerror) gnutls_strerror;
  __typeof__(&gnutls_rnd) gnutls_rnd;
  __typeof__(&gnutls_x509_crt_init) gnutls_x509_crt_init;
  __typeof__(&gnutls_x509_crt_deinit) gnutls_x509_crt_deinit;
  __typeof__(&gnutls_x509_crt_import) gnutls_x509_crt_import;
  __typeof__(&gnutls_x509_crt_export) gnutls_x509_crt_export;
  __typeof__(&gnutls_x509_crt_get_key_id) gnutls_x509_crt_get_key_id;
  __typeof__(&gnutls_x509_crt_get_activation_time) gnutls_x509_crt_get_activation_time;
  __typeof__(&gnutls_x509_crt_get_expiration_time) gnutls_x509_crt_get_expiration_time;
  __typeof__(&gnutls_x509_crt_get_subject_key_id) gnutls_x509_crt_get_subject_key_id;
  __typeof__(&gnutls_x509_crt_check_hostname) gnutls_x509_crt_check_hostname;
  __typeof__(&gnutls_x509_crt_check_ip) gnutls_x509_crt_check_ip;
  __typeof__(&gnutls_x509_crt_set_version) gnutls_x509_crt_set_version;
  __typeof__(&gnutls_x509_crt_set_serial) gnutls_x509_crt_set_serial;
  __typeof__(&gnutls_x509_crt_set_activation_time) gnutls_x509_crt_set_activation_time;
  __typeof__(&gnutls_x509_crt_set_expiration_time) gnutls_x509_crt_set_expiration_time;
  __typeof__(&gnutls_x509_crt_set_dn_by_oid) gnutls_x509_crt_set_dn_by_oid;
  __typeof__(&gnutls_x509_crt_set_key) gnutls_x509_crt_set_key;
  __typeof__(&gnutls_x509_crt_set_basic_constraints) gnutls_x509_crt_set_basic_constraints;
  __typeof__(&gnutls_x509_crt_set_key_usage) gnutls_x509_crt_set_key_usage;
  __typeof__(&gnutls_x509_crt_set_key_purpose_oid) gnutls_x509_crt_set_key_purpose_oid;
  __typeof__(&gnutls_x509_crt_set_subject_alt_name) gnutls_x509_crt_set_subject_alt_name;
  __typeof__(&gnutls_x509_crt_set_subject_key_id) gnutls_x509_crt_set_subject_key_id;
  __typeof__(&gnutls_x509_crt_set_authority_key_id) gnutls_x509_crt_set_authority_key_id;
  __typeof__(&gnutls_x509_crt_sign2) gnutls_x509_crt_sign2;
  __typeof__(&gnutls_x509_privkey_init) gnutls_x509_privkey_init;
  __typeof__(&gnutls_x509_privkey_deinit) gnutls_x509_privkey_deinit;
  __typeof__(&gnutls_x509_privkey_import2) gnutls_x509_privkey_import2;
  __typeof__(&gnutls_x509_privkey_generate) gnutls_x509_privkey_generate;
  __typeof__(&gnutls_x509_privkey_export_pkcs8) gnutls_x509_privkey_export_pkcs8;
  __typeof__(&gnutls_x509_privkey_get_key_id) gnutls_x509_privkey_get_key_id;
} tls;

static const lazy_sym tls_syms[] = {
#define S(f) {#f, offsetof(__typeof__(tls), f)}
  S(gnutls_strerror), S(gnutls_rnd),
  S(gnutls_x509_crt_init), S(gnutls_x509_crt_deinit), S(gnutls_x509_crt_import), S(gnutls_x509_crt_export),
  S(gnutls_x509_crt_get_key_id), S(gnutls_x509_crt_get_activation_time), S(gnutls_x509_crt_get_expiration_time),
  S(gnutls_x509_crt_get_subject_key_id), S(gnutls_x509_crt_check_hostname), S(gnutls_x509_crt_check_ip),
  S(gnutls_x509_crt_set_version), S(gnutls_x509_crt_set_serial), S(gnutls_x509_crt_set_activation_time),
  S(gnutls_x509_crt_set_expiration_time), S(gnutls_x509_crt_set_dn_by_oid), S(gnutls_x509_crt_set_key),
  S(gnutls_x509_crt_set_basic_constraints), S(gnutls_x509_crt_set_key_usage), S(gnutls_x509_crt_set_key_purpose_oid),
  S(gnutls_x509_crt_set_subject_alt_name), S(gnutls_x509_crt_set_subject_key_id),
  S(gnutls_x509_crt_set_authority_key_id), S(gnutls_x509_crt_sign2),
  S(gnutls_x509_privkey_init), S(gnutls_x509_privkey_deinit), S(gnutls_x509_privkey_import2),
  S(gnutls_x509_privkey_generate), S(gnutls_x509_privkey_export_pkcs8), S(gnutls_x509_privkey_get_key_id),
#undef S
};
static const char *const tls_names[] = {"libgnutls.so.30", "libgnutls.so", NULL};
static lazy_lib tls_lib = {tls_names, "libgnutls30", tls_syms, sizeof tls_syms / sizeof tls_syms[0], &tls, 0, ""};

#define G(f) tls.f

/* ---- the check of serve's certificate and key ---------------------------------------------- */

static int read_text(const char *path, char **out, size_t *len, char *err, size_t errlen, const char *what) {
  struct stat st;
  const char *why = NULL;
  if (stat(path, &st)) why = strerror(errno);
  else if (S_ISDIR(st.st_mode)) why = "it is a directory";
  else if (access(path, R_OK)) why = strerror(errno);
  else if (util_read_file(path, out, len)) why = errno ? strerror(errno) : "read failed";
  if (why) {
    snprintf(err, errlen, "cannot read the %s %s: %s", what, path, why);
    return -1;
  }
  return 0;
}

static void day(time_t t, char *out, size_t n) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, n, "%Y-%m-%d %H:%M UTC", &tm);
}

int cert_load_pair(const char *cert_path, const char *key_path, char **cert_pem, char **key_pem, char *err,
                   size_t errlen) {
  if (lazy_open(&tls_lib)) { snprintf(err, errlen, "%s", tls_lib.error); return -1; }
  char *c = NULL, *k = NULL;
  size_t cl, kl;
  if (read_text(cert_path, &c, &cl, err, errlen, "certificate (--tls-cert)")) return -1;
  if (read_text(key_path, &k, &kl, err, errlen, "private key (--tls-key)")) { free(c); return -1; }
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t cd = {(unsigned char *)c, (unsigned)cl}, kd = {(unsigned char *)k, (unsigned)kl};
  int rc = -1, r;
  G(gnutls_x509_crt_init)(&crt);
  G(gnutls_x509_privkey_init)(&key);
  if ((r = G(gnutls_x509_crt_import)(crt, &cd, GNUTLS_X509_FMT_PEM)) < 0)
    snprintf(err, errlen, "%s is not a PEM certificate (\"-----BEGIN CERTIFICATE-----\"): %s", cert_path,
             G(gnutls_strerror)(r));
  else if ((r = G(gnutls_x509_privkey_import2)(key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0)
    snprintf(err, errlen, "%s is not an unencrypted PEM private key: %s", key_path, G(gnutls_strerror)(r));
  else {
    unsigned char a[64], b[64];
    size_t an = sizeof a, bn = sizeof b;
    time_t now = time(NULL), from = G(gnutls_x509_crt_get_activation_time)(crt),
           until = G(gnutls_x509_crt_get_expiration_time)(crt);
    char d[40];
    if (G(gnutls_x509_crt_get_key_id)(crt, 0, a, &an) < 0 || G(gnutls_x509_privkey_get_key_id)(key, 0, b, &bn) < 0 ||
        an != bn || memcmp(a, b, an))
      snprintf(err, errlen, "%s is not the private key of %s (the certificate was made for another key)", key_path,
               cert_path);
    else if (until != (time_t)-1 && until < now) {
      day(until, d, sizeof d);
      snprintf(err, errlen, "the certificate %s expired on %s: make a new one with `myomap cert`", cert_path, d);
    } else if (from != (time_t)-1 && from > now + 3600) {
      day(from, d, sizeof d);
      snprintf(err, errlen, "the certificate %s is not valid before %s (is this machine's clock right?)", cert_path, d);
    } else rc = 0;
  }
  G(gnutls_x509_crt_deinit)(crt);
  G(gnutls_x509_privkey_deinit)(key);
  if (rc) { free(c); free(k); return -1; }
  *cert_pem = c;
  *key_pem = k;
  return 0;
}

int cert_names(const char *cert_pem, const char *host) {
  if (lazy_open(&tls_lib)) return -1;
  gnutls_x509_crt_t crt;
  gnutls_datum_t cd = {(unsigned char *)cert_pem, (unsigned)strlen(cert_pem)};
  G(gnutls_x509_crt_init)(&crt);
  int rc = -1;
  if (G(gnutls_x509_crt_import)(crt, &cd, GNUTLS_X509_FMT_PEM) >= 0) {
    unsigned char ip[16];
    if (inet_pton(AF_INET, host, ip) == 1) rc = G(gnutls_x509_crt_check_ip)(crt, ip, 4, 0) != 0;
    else if (inet_pton(AF_INET6, host, ip) == 1) rc = G(gnutls_x509_crt_check_ip)(crt, ip, 16, 0) != 0;
    else rc = G(gnutls_x509_crt_check_hostname)(crt, host) != 0;
  }
  G(gnutls_x509_crt_deinit)(crt);
  return rc;
}

/* ---- myomap cert --------------------------------------------------------------------------- */

#define MAX_HOSTS 32
#define CA_DAYS 3650

typedef struct names { const char *v[MAX_HOSTS]; char own[MAX_HOSTS][INET_ADDRSTRLEN]; int n; } names;

static int names_add(names *h, const char *s) {
  for (int i = 0; i < h->n; i++)
    if (!strcasecmp(h->v[i], s)) return 0;
  if (h->n == MAX_HOSTS) return -1;
  h->v[h->n++] = s;
  return 0;
}

/* A host name as a certificate may carry it: letters, digits, '-' and '.', labels not empty. */
static int dns_ok(const char *s) {
  size_t n = strlen(s), label = 0;
  if (!n || n > 253) return 0;
  for (const char *p = s; *p; p++) {
    if (*p == '.') { if (!label) return 0; label = 0; continue; }
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-')) return 0;
    if (++label > 63) return 0;
  }
  return label > 0;
}

/* Write `len` bytes to DIR/NAME through a temporary file renamed over it, with `mode`. */
static int write_file(const char *dir, const char *name, const void *data, size_t len, mode_t mode) {
  char path[1200], tmp[1210];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  unlink(tmp);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) return -1;
  int ok = fchmod(fd, mode) == 0 && write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
  if (close(fd)) ok = 0;
  if (!ok || rename(tmp, path)) { unlink(tmp); return -1; }
  return 0;
}

/* mkdir -p `dir`, new directories with mode 0700. */
static int mkdirs(const char *dir) {
  char d[1100];
  snprintf(d, sizeof d, "%s", dir);
  for (char *p = d + 1;; p++) {
    if (*p && *p != '/') continue;
    char c = *p;
    *p = 0;
    if (mkdir(d, 0700) && errno != EEXIST) return -1;
    if (!(*p = c)) return 0;
  }
}

static int exists(const char *dir, const char *name) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return access(path, F_OK) == 0;
}

static int fail(const char *what, int r) {
  fprintf(stderr, "myomap cert: %s: %s\n", what, r < 0 ? tls.gnutls_strerror(r) : strerror(errno));
  return EXIT_IO;
}

static int new_key(gnutls_x509_privkey_t *key) {
  G(gnutls_x509_privkey_init)(key);
  return G(gnutls_x509_privkey_generate)(*key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
}

/* The common settings of both certificates: version 3, a random positive serial, valid from an
** hour ago (a phone's clock a little behind) for `days`, the subject's organisation and name. */
static int crt_base(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *cn, int days) {
  unsigned char serial[16];
  int r;
  if ((r = G(gnutls_rnd)(GNUTLS_RND_NONCE, serial, sizeof serial)) < 0) return r;
  serial[0] &= 0x7f;
  serial[0] |= 0x10;
  time_t now = time(NULL);
  if ((r = G(gnutls_x509_crt_set_version)(crt, 3)) < 0 || (r = G(gnutls_x509_crt_set_serial)(crt, serial, sizeof serial)) < 0 ||
      (r = G(gnutls_x509_crt_set_activation_time)(crt, now - 3600)) < 0 ||
      (r = G(gnutls_x509_crt_set_expiration_time)(crt, now + (time_t)days * 86400)) < 0 ||
      (r = G(gnutls_x509_crt_set_dn_by_oid)(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "myomap", 6)) < 0 ||
      (r = G(gnutls_x509_crt_set_dn_by_oid)(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned)strlen(cn))) < 0 ||
      (r = G(gnutls_x509_crt_set_key)(crt, key)) < 0)
    return r;
  unsigned char id[64];
  size_t idn = sizeof id;
  if ((r = G(gnutls_x509_privkey_get_key_id)(key, 0, id, &idn)) < 0) return r;
  return G(gnutls_x509_crt_set_subject_key_id)(crt, id, idn);
}

static int export_crt(gnutls_x509_crt_t crt, buf *out) {
  char pem[8192];
  size_t n = sizeof pem;
  int r = G(gnutls_x509_crt_export)(crt, GNUTLS_X509_FMT_PEM, pem, &n);
  if (r >= 0) buf_append(out, pem, n);
  return r;
}

static int export_key(gnutls_x509_privkey_t key, buf *out) {
  char pem[8192];
  size_t n = sizeof pem;
  int r = G(gnutls_x509_privkey_export_pkcs8)(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, pem, &n);
  if (r >= 0) buf_append(out, pem, n);
  return r;
}

/* The authority: loaded from DIR when both files are there (and match), else made and written. */
static int load_or_make_ca(const char *dir, gnutls_x509_crt_t *ca, gnutls_x509_privkey_t *cakey, int *made) {
  int have_key = exists(dir, "ca.key"), have_crt = exists(dir, "ca.crt"), r;
  char ck[1200], cc[1200], err[700];
  snprintf(ck, sizeof ck, "%s/ca.key", dir);
  snprintf(cc, sizeof cc, "%s/ca.crt", dir);
  G(gnutls_x509_crt_init)(ca);
  *made = 0;
  if (have_key && have_crt) {
    char *cp, *kp;
    if (cert_load_pair(cc, ck, &cp, &kp, err, sizeof err)) {
      fprintf(stderr, "myomap cert: the authority in %s cannot be used: %s\n"
                      "  (move ca.key and ca.crt away to make a new one; devices that trust the old one must then\n"
                      "  trust the new one)\n", dir, err);
      return EXIT_IO;
    }
    gnutls_datum_t cd = {(unsigned char *)cp, (unsigned)strlen(cp)}, kd = {(unsigned char *)kp, (unsigned)strlen(kp)};
    G(gnutls_x509_privkey_init)(cakey);
    r = G(gnutls_x509_crt_import)(*ca, &cd, GNUTLS_X509_FMT_PEM);
    if (r >= 0) r = G(gnutls_x509_privkey_import2)(*cakey, &kd, GNUTLS_X509_FMT_PEM, NULL, 0);
    memset(kp, 0, strlen(kp));
    free(cp);
    free(kp);
    return r < 0 ? fail("reading the authority", r) : 0;
  }
  if (have_key || have_crt) {
    fprintf(stderr, "myomap cert: %s has %s but not %s: restore it, or move it away to make a new authority\n", dir,
            have_key ? "ca.key" : "ca.crt", have_key ? "ca.crt" : "ca.key");
    return EXIT_IO;
  }
  char host[128] = "", cn[200];
  gethostname(host, sizeof host - 1);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  snprintf(cn, sizeof cn, "myomap local CA %.60s %04d-%02d-%02d", host, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  if ((r = new_key(cakey)) < 0) return fail("making the authority's key", r);
  if ((r = crt_base(*ca, *cakey, cn, CA_DAYS)) < 0 || (r = G(gnutls_x509_crt_set_basic_constraints)(*ca, 1, 0)) < 0 ||
      (r = G(gnutls_x509_crt_set_key_usage)(*ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN)) < 0 ||
      (r = G(gnutls_x509_crt_sign2)(*ca, *ca, *cakey, GNUTLS_DIG_SHA256, 0)) < 0)
    return fail("making the authority's certificate", r);
  buf k, c;
  buf_init(&k);
  buf_init(&c);
  int rc = 0;
  if ((r = export_key(*cakey, &k)) < 0 || (r = export_crt(*ca, &c)) < 0) rc = fail("writing the authority", r);
  else if (write_file(dir, "ca.key", k.data, k.len, 0600)) rc = fail("writing ca.key", 0);
  else if (write_file(dir, "ca.crt", c.data, c.len, 0644)) rc = fail("writing ca.crt", 0);
  memset(k.data, 0, k.len);
  buf_free(&k);
  buf_free(&c);
  *made = !rc;
  return rc;
}

int cert_cmd(opts *o, int argc, char **argv) {
  (void)o;
  const cmd *c = cli_find("cert");
  names h = {0};
  const char *dir = NULL;
  long days = 825;
  int given = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--host") || !strcmp(argv[i], "--dir") || !strcmp(argv[i], "--days")) {
      if (i + 1 >= argc) return cli_usage_error(c, "%s needs a value", argv[i]);
      const char *v = argv[++i];
      if (argv[i - 1][2] == 'h') {
        unsigned char ip[16];
        if (inet_pton(AF_INET, v, ip) != 1 && inet_pton(AF_INET6, v, ip) != 1 && !dns_ok(v))
          return cli_usage_error(c, "--host takes a host name (letters, digits, '-' and '.') or an IP address, not \"%s\"", v);
        if (names_add(&h, v)) return cli_usage_error(c, "at most 32 hosts, not \"%s\" too", v);
        given = 1;
      } else if (argv[i - 1][2] == 'd' && argv[i - 1][3] == 'i') dir = v;
      else {
        char *end;
        days = strtol(v, &end, 10);
        if (*end || !*v || days < 1 || days > 825)
          return cli_usage_error(c, "--days takes 1-825 (iOS and macOS refuse a server certificate valid longer), not \"%s\"", v);
      }
    } else return cli_usage_error(c, "unknown option or argument \"%s\"", argv[i]);
  }
  if (!given) {   /* this machine's addresses on its networks */
    struct ifaddrs *ifs, *f;
    if (!getifaddrs(&ifs)) {
      for (f = ifs; f; f = f->ifa_next) {
        if (!f->ifa_addr || f->ifa_addr->sa_family != AF_INET || (f->ifa_flags & IFF_LOOPBACK) || h.n >= MAX_HOSTS - 2) continue;
        char *s = h.own[h.n];
        inet_ntop(AF_INET, &((struct sockaddr_in *)f->ifa_addr)->sin_addr, s, INET_ADDRSTRLEN);
        names_add(&h, s);
      }
      freeifaddrs(ifs);
    }
  }
  int first_lan = h.n ? 0 : -1;
  names_add(&h, "localhost");
  names_add(&h, "127.0.0.1");
  char dirbuf[1100];
  if (!dir) {
    const char *home = getenv("HOME");
    if (!home || !*home) { fprintf(stderr, "myomap cert: no $HOME: give --dir DIR\n"); return EXIT_USAGE; }
    snprintf(dirbuf, sizeof dirbuf, "%s/.local/share/myomap/tls", home);
    dir = dirbuf;
  }
  if (mkdirs(dir)) {
    fprintf(stderr, "myomap cert: cannot make the directory %s: %s\n", dir, strerror(errno));
    return EXIT_IO;
  }
  if (lazy_open(&tls_lib)) { fprintf(stderr, "myomap cert: %s\n", tls_lib.error); return EXIT_IO; }
  gnutls_x509_crt_t ca = NULL, crt = NULL;
  gnutls_x509_privkey_t cakey = NULL, key = NULL;
  int made, r, rc = load_or_make_ca(dir, &ca, &cakey, &made);
  buf k, out;
  buf_init(&k);
  buf_init(&out);
  if (rc) goto done;
  G(gnutls_x509_crt_init)(&crt);
  unsigned char caid[64];
  size_t caidn = sizeof caid;
  unsigned crit;
  if ((r = new_key(&key)) < 0) { rc = fail("making the server's key", r); goto done; }
  if ((r = crt_base(crt, key, h.v[0], (int)days)) < 0 || (r = G(gnutls_x509_crt_set_basic_constraints)(crt, 0, -1)) < 0 ||
      (r = G(gnutls_x509_crt_set_key_usage)(crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
      (r = G(gnutls_x509_crt_set_key_purpose_oid)(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0) {
    rc = fail("making the server's certificate", r);
    goto done;
  }
  for (int i = 0; i < h.n; i++) {
    unsigned char ip[16];
    if (inet_pton(AF_INET, h.v[i], ip) == 1) r = G(gnutls_x509_crt_set_subject_alt_name)(crt, GNUTLS_SAN_IPADDRESS, ip, 4, GNUTLS_FSAN_APPEND);
    else if (inet_pton(AF_INET6, h.v[i], ip) == 1) r = G(gnutls_x509_crt_set_subject_alt_name)(crt, GNUTLS_SAN_IPADDRESS, ip, 16, GNUTLS_FSAN_APPEND);
    else r = G(gnutls_x509_crt_set_subject_alt_name)(crt, GNUTLS_SAN_DNSNAME, h.v[i], (unsigned)strlen(h.v[i]), GNUTLS_FSAN_APPEND);
    if (r < 0) { rc = fail(h.v[i], r); goto done; }
  }
  if (G(gnutls_x509_crt_get_subject_key_id)(ca, caid, &caidn, &crit) >= 0) G(gnutls_x509_crt_set_authority_key_id)(crt, caid, caidn);
  if ((r = G(gnutls_x509_crt_sign2)(crt, ca, cakey, GNUTLS_DIG_SHA256, 0)) < 0) { rc = fail("signing the server's certificate", r); goto done; }
  if ((r = export_key(key, &k)) < 0 || (r = export_crt(crt, &out)) < 0 || (r = export_crt(ca, &out)) < 0) {
    rc = fail("writing the server's certificate", r);
    goto done;
  }
  if (write_file(dir, "server.key", k.data, k.len, 0600)) { rc = fail("writing server.key", 0); goto done; }
  if (write_file(dir, "server.crt", out.data, out.len, 0644)) { rc = fail("writing server.crt", 0); goto done; }

  const char *lan = first_lan == 0 ? h.v[0] : NULL;
  printf("%s the certificate authority %s/ca.crt (and its key ca.key, mode 0600; keep it private:\n"
         "whoever has it can make certificates every device that trusts it accepts).\n",
         made ? "Made" : "Reused", dir);
  printf("Made the server certificate %s/server.crt (key server.key, mode 0600), valid %ld days, for:\n ", dir, days);
  for (int i = 0; i < h.n; i++) printf(" %s", h.v[i]);
  printf("\n\nTrust the authority once on each device that opens the app or the join link (send it\n"
         "ca.crt, never ca.key):\n"
         "  iPad / iPhone: AirDrop or mail ca.crt to the device and open it; Settings > Profile\n"
         "    Downloaded > Install; then Settings > General > About > Certificate Trust Settings\n"
         "    and switch on full trust for \"myomap local CA\".\n"
         "  Android: copy ca.crt to the phone; Settings > Security > Encryption & credentials >\n"
         "    Install a certificate > CA certificate, and pick the file (the menu names vary a\n"
         "    little between makers: search Settings for \"certificate\").\n"
         "  macOS: open ca.crt in Keychain Access (System keychain), double-click \"myomap local CA\",\n"
         "    Trust > When using this certificate: Always Trust.\n"
         "  Windows: certmgr.msc > Trusted Root Certification Authorities > Certificates >\n"
         "    All Tasks > Import, and pick ca.crt.\n"
         "  Linux: sudo cp ca.crt /usr/local/share/ca-certificates/myomap-ca.crt &&\n"
         "    sudo update-ca-certificates; Firefox has its own store: Settings > Privacy & Security >\n"
         "    Certificates > View Certificates > Authorities > Import.\n\n"
         "Then serve the clinic's network over HTTPS:\n"
         "  myomap serve --listen 0.0.0.0:8443 --tls-cert %s/server.crt --tls-key %s/server.key",
         dir, dir);
  if (lan) printf(" \\\n      --public-url https://%s:8443", lan);
  printf("\n%s", lan ? "" : "(no network address found: give the names and addresses phones use with --host)\n");
  if (!given)
    printf("A new address (another network, a new DHCP lease) needs a new server certificate: run\n"
           "`myomap cert` again (the authority is reused, so the devices need nothing new).\n");
done:
  if (k.data) memset(k.data, 0, k.len);
  buf_free(&k);
  buf_free(&out);
  if (crt) G(gnutls_x509_crt_deinit)(crt);
  if (ca) G(gnutls_x509_crt_deinit)(ca);
  if (key) G(gnutls_x509_privkey_deinit)(key);
  if (cakey) G(gnutls_x509_privkey_deinit)(cakey);
  return rc;
}
