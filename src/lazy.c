/* lazy.c: shared libraries opened on first use.  See lazy.h. */
#include "lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int load(lazy_lib *lib) {
  void *h = NULL;
  char why[200] = "no library name";
  for (const char *const *n = lib->sonames; *n && !h; n++)   /* the first name's error says most */
    if (!(h = dlopen(*n, RTLD_NOW | RTLD_LOCAL)) && n == lib->sonames) snprintf(why, sizeof why, "%s", dlerror());
  if (!h) {
    snprintf(lib->error, sizeof lib->error, "%s (install the Debian package %s)", why, lib->package);
    return -1;
  }
  for (size_t i = 0; i < lib->n_syms; i++) {
    void *f = dlsym(h, lib->syms[i].name);
    if (!f) {
      snprintf(lib->error, sizeof lib->error, "%s: no function %s (the library is too old)", lib->sonames[0],
               lib->syms[i].name);
      dlclose(h);
      return -1;
    }
    memcpy((char *)lib->table + lib->syms[i].offset, &f, sizeof f);
  }
  return 0;   /* the handle stays open for the life of the process */
}

int lazy_open(lazy_lib *lib) {
  pthread_mutex_lock(&lock);
  if (!lib->state) lib->state = load(lib) ? -1 : 1;
  int rc = lib->state > 0 ? 0 : -1;
  pthread_mutex_unlock(&lock);
  return rc;
}
