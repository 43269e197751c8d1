/* http.h: the web front end: `myomap serve` (libmicrohttpd carrying requests to api.c, the
** embedded web/ assets, the session room's event streams) and `myomap user` (accounts). */
#ifndef MYOMAP_HTTP_H
#define MYOMAP_HTTP_H

#include "cli.h"

int http_serve(opts *o, int argc, char **argv);
int http_user(opts *o, int argc, char **argv);

#define HTTP_COMMANDS \
  {"serve", http_serve, "[--listen ADDR:PORT] [--public-url URL] [--web DIR] | --routes", \
   "run the web app and its JSON API (default http://127.0.0.1:8080)", \
   "Serves the therapist's web app, the client's phone page and the JSON API (docs/api.md)\n" \
   "from this binary, on the record database (--db, $MYOMAP_DB, default SQLite file).\n\n" \
   "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080); to let a client's phone\n" \
   "                      join a session, listen on the clinic network's address, e.g.\n" \
   "                      0.0.0.0:8080, and give --public-url\n" \
   "  --public-url URL    the address phones use, e.g. http://192.168.1.20:8080 (default:\n" \
   "                      the address the therapist's browser used)\n" \
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
