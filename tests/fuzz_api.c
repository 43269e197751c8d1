/* fuzz_api.c: libFuzzer target for the web API (api_handle) as a logged-in therapist: the
** input's first line is "METHOD PATH", the rest the JSON body.  Every request must get a
** status from the documented set and, unless it is an asset or stream, a JSON body; an error
** must be {"error":{"code","message"}}.  Never a crash, never a 500. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "fuzz.h"
#include "util.h"

static api *a;
static char cookie[80], csrf[80];

static void call(const char *method, const char *path, const char *body, size_t len, api_resp *rs) {
  api_req rq = {.method = method, .path = path, .body = body, .body_len = len,
                .content_type = "application/json", .cookie = cookie, .csrf = csrf,
                .host = "127.0.0.1:8080", .ip = "127.0.0.1", .now = 2e9};
  api_handle(a, &rq, rs);
}

static void init(void) {
  a = api_new(fuzz_kb(), fuzz_db(), NULL);
  if (!a) abort();
  api_resp rs;
  const char *setup = "{\"name\":\"Fuzz\",\"email\":\"fuzz@example.org\",\"password\":\"fuzz fuzz fuzz\"}";
  call("POST", "/api/setup", setup, strlen(setup), &rs);
  if (rs.status != 200) abort();
  snprintf(cookie, sizeof cookie, "%.64s", rs.cookie + strlen("myomap_session="));
  json_t *j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
  snprintf(csrf, sizeof csrf, "%s", json_string_value(json_object_get(j, "csrf")));
  json_decref(j);
  buf_free(&rs.body);
  const char *client = "{\"name\":\"Cy\",\"birth\":\"1970-01-01\",\"consent\":true}";
  call("POST", "/api/clients", client, strlen(client), &rs);
  buf_free(&rs.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!a) init();
  const char *nl = memchr(data, '\n', size);
  size_t head = nl ? (size_t)(nl - (const char *)data) : size;
  char line[256];
  if (head >= sizeof line) return 0;
  memcpy(line, data, head);
  line[head] = 0;
  char *sp = strchr(line, ' ');
  if (!sp) return 0;
  *sp = 0;
  const char *method = line, *path = sp + 1;
  if (strcmp(method, "GET") && strcmp(method, "POST")) return 0;
  if (strstr(path, "/export") || strstr(path, "/api/setup")) return 0;   /* slow, and one-off */
  const char *body = nl ? nl + 1 : "";
  size_t len = nl ? size - head - 1 : 0;
  api_resp rs;
  call(method, path, body, len, &rs);
  static const int ok[] = {200, 400, 401, 403, 404, 405, 409, 410, 413, 415, 429, 503};
  int known = 0;
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) known |= rs.status == ok[i];
  if (!known) { fprintf(stderr, "status %d for %s %s\n", rs.status, method, path); abort(); }
  if (rs.status != 200) {
    json_t *j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
    json_t *err = json_object_get(j, "error");
    if (!json_is_string(json_object_get(err, "code")) || !json_is_string(json_object_get(err, "message"))) {
      fprintf(stderr, "not a JSON error for %s %s: %.*s\n", method, path, (int)rs.body.len, rs.body.data);
      abort();
    }
    json_decref(j);
  }
  buf_free(&rs.body);
  return 0;
}
