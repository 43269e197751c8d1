/* cert.h: TLS certificates with GnuTLS (opened on first use, lazy.h): `myomap cert`, a local
** certificate authority and a server certificate for the clinic's addresses, and the check of
** `serve --tls-cert FILE --tls-key FILE` before anything is served. */
#ifndef MYOMAP_CERT_H
#define MYOMAP_CERT_H

#include <stddef.h>

#include "cli.h"

int cert_cmd(opts *o, int argc, char **argv);

/* Read the PEM certificate (a chain: the server's first) at cert_path and the PEM private key
** at key_path and check them: both readable and parseable, the key the certificate's own, the
** certificate inside its validity period.  On success returns 0 with *cert_pem and *key_pem
** NUL-terminated copies of the files (the caller frees both); else -1, nothing allocated, and
** a message naming the file and what is wrong in err, e.g. "server.key is not the private key
** of server.crt (the certificate was made for another key)". */
int cert_load_pair(const char *cert_path, const char *key_path, char **cert_pem, char **key_pem, char *err,
                   size_t errlen);

/* Does the PEM certificate name `host` (a DNS name, or an IPv4/IPv6 literal) in its
** subjectAltName, so that a browser reaching the server by that name accepts it?  1 yes, 0 no,
** -1 when GnuTLS or the certificate cannot be read. */
int cert_names(const char *cert_pem, const char *host);

#define CERT_COMMANDS \
  {"cert", cert_cmd, "[--host NAME_OR_IP]... [--dir DIR] [--days N]", \
   "make a local certificate authority and the HTTPS certificate for `serve`", \
   "Makes (once, then reuses) a certificate authority for this clinic: ca.key and ca.crt in\n" \
   "DIR; and each time a server certificate signed by it, server.key and server.crt, for the\n" \
   "addresses phones and tablets use to reach this machine.  Keys are written mode 0600.\n" \
   "Then prints how to trust ca.crt on an iPad or iPhone, an Android phone and a laptop, and\n" \
   "the `myomap serve --tls-cert ... --tls-key ...` command to run.\n\n" \
   "  --host NAME_OR_IP  a name or address the server is reached at (repeatable); default:\n" \
   "                     this machine's non-loopback IPv4 addresses.  localhost and\n" \
   "                     127.0.0.1 are always included\n" \
   "  --dir DIR          where the files go (default ~/.local/share/myomap/tls)\n" \
   "  --days N           the server certificate's lifetime, 1-825 days (default 825, the\n" \
   "                     longest iOS and macOS accept); the authority lasts 10 years\n"}

#endif
