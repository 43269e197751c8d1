/* lazy.h: shared libraries opened when first needed (dlopen), not when the program starts.
**
** Linking libpq and libmicrohttpd in the ordinary way made every command pay for them and for
** what they pull in (OpenSSL, Kerberos, LDAP; GnuTLS): about 6.5 ms and 2.7 ms of dynamic
** linking on each start, where a `myomap where` needs 2-3 ms in all.  So the PostgreSQL
** backend and the web server open their library on first use, through a table of the
** functions they call. */
#ifndef MYOMAP_LAZY_H
#define MYOMAP_LAZY_H

#include <stddef.h>

typedef struct lazy_sym {
  const char *name;   /* the function's name in the library */
  size_t offset;      /* where its pointer goes in the caller's table (offsetof) */
} lazy_sym;

typedef struct lazy_lib {
  const char *const *sonames;  /* tried in order, NULL-terminated: "libpq.so.5", ... */
  const char *package;         /* the Debian package that has it, for the error message */
  const lazy_sym *syms;
  size_t n_syms;
  void *table;                 /* a struct of function pointers, filled in */
  int state;                   /* 0 not tried, 1 loaded, -1 failed: keep it 0 */
  char error[256];
} lazy_lib;

/* Open `lib` and fill its table, once: later calls return at once with the same result (safe
** from several threads).  Returns 0, or -1 with a message in lib->error, e.g. "libpq.so.5:
** cannot open shared object file (install the Debian package libpq5)". */
int lazy_open(lazy_lib *lib);

#endif
