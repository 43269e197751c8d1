/* http.h: the web front end: `myomap serve` (libmicrohttpd carrying requests to api.c, the
** embedded web/ assets, the session room's event streams) and `myomap user` (accounts). */
#ifndef MYOMAP_HTTP_H
#define MYOMAP_HTTP_H

#include "cli.h"

int http_serve(opts *o, int argc, char **argv);
int http_user(opts *o, int argc, char **argv);

#define HTTP_COMMANDS \
  {"serve", http_serve, "[--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--public-url URL] [--host NAME]... " \
   "[--max-per-address N] [--web DIR] | --routes", \
   "run the web app and its JSON API (default http://127.0.0.1:8080)", \
   "Serves the therapist's web app, the client's phone page and the JSON API (docs/api.md)\n" \
   "from this binary, on the record database (--db, $MYOMAP_DB, default SQLite file).\n\n" \
   "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080); to let a client's phone\n" \
   "                      join a session, listen on the clinic network's address, e.g.\n" \
   "                      0.0.0.0:8080, and give --public-url\n" \
   "  --tls-cert FILE     serve HTTPS with this PEM certificate (chain) and its private key\n" \
   "  --tls-key FILE      (--tls-key); `myomap cert` makes both.  The session cookie is then\n" \
   "                      Secure.  Without TLS, any address but 127.0.0.1 gets a warning:\n" \
   "                      passwords and health data would cross the network in clear\n" \
   "  --public-url URL    the address phones use, e.g. https://192.168.1.20:8443 (default:\n" \
   "                      https://ADDR:PORT with TLS on one address, else the scheme served\n" \
   "                      and the address the therapist's browser used)\n" \
   "  --host NAME         a name the server is reached by (repeatable): an /api/ request whose\n" \
   "                      Host is not localhost, 127.0.0.1, the listen address (on 0.0.0.0:\n" \
   "                      any of the machine's addresses), --public-url's host or a NAME is\n" \
   "                      refused (400), so that no other site can reach the API by pointing\n" \
   "                      a name of its own at this machine\n" \
   "  --max-per-address N connections one client address may hold at once (default 32, 0 no\n" \
   "                      limit; behind a reverse proxy every client is the proxy's address)\n" \
   "  --web DIR           serve the page assets from DIR instead of the embedded copies\n" \
   "                      (for editing web/)\n" \
   "  --routes            list the API's routes (METHOD PATH, \"*\" one path segment) and exit\n\n" \
   "On the first visit the page asks for the first account (the clinic's admin); or create\n" \
   "it beforehand with `myomap user add`.  Stop with Ctrl-C.\n"}, \
  {"user", http_user, "add --name NAME --email EMAIL [--admin] | list [--json] | passwd|disable|enable --email EMAIL", \
   "add, list, disable or enable the web app's accounts, or set a password", \
   "  user add --name NAME --email EMAIL [--admin]\n" \
   "      an account to log in to `myomap serve` with: asks for the password twice on a\n" \
   "      terminal, or reads one line from standard input; 10-200 characters, not one of the\n" \
   "      common passwords, stored as an argon2id hash.  An existing therapist with this email\n" \
   "      gets the password.\n" \
   "  user passwd --email EMAIL\n" \
   "      a new password for the account (read as for add); its logins end.\n" \
   "  user disable --email EMAIL | user enable --email EMAIL\n" \
   "      a disabled account cannot log in and its logins end at once; the last admin who can\n" \
   "      log in cannot be disabled.\n" \
   "  user list [--json]\n"}

#endif
