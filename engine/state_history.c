/* SPDX-License-Identifier: MIT */
/*
** state_history.c -- the per-run size history of a state folder.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsafe.h"
#include "state_history.h"

#define HISTORY_FILE_MAX (8u << 20)

void state_history_add(state_history *h, char *line) {
  if (h->n == STATE_HISTORY_MAX) {
    free(h->lines[0]);
    memmove(h->lines, h->lines + 1, (h->n - 1) * sizeof *h->lines);
    h->n--;
  }
  h->lines = cl_realloc(h->lines, (h->n + 1) * sizeof *h->lines);
  h->lines[h->n++] = line;
}

int state_history_read(const char *dir, state_history *h, cl_error *err) {
  memset(h, 0, sizeof *h);
  size_t n = strlen(dir) + 16;
  char *path = cl_malloc(n);
  snprintf(path, n, "%s/history.jsonl", dir);
  char why[FSAFE_WHY_MAX];
  int fd = fsafe_open_read(NULL, path, FSAFE_REGULAR, HISTORY_FILE_MAX, why);
  if (fd < 0) {
    int missing = errno == ENOENT;
    int rc = missing ? 0 : cl_fail(err, CL_EXIT_INPUT, "cannot read %s: %s", path, why);
    free(path);
    return rc;
  }
  char *text = NULL;
  size_t len = 0;
  int e = fsafe_read_all(fd, HISTORY_FILE_MAX, &text, &len);
  close(fd);
  if (e) {
    int rc = cl_fail(err, CL_EXIT_INPUT, "cannot read %s: %s", path, strerror(e));
    free(path);
    return rc;
  }
  free(path);
  for (char *p = text, *end = text + len; p < end;) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t l = (size_t)((nl ? nl : end) - p);
    if (l >= 2 && p[0] == '{' && p[l - 1] == '}' && !memchr(p, '\0', l)) {
      char *line = cl_malloc(l + 1);
      memcpy(line, p, l);
      line[l] = '\0';
      state_history_add(h, line);
    }
    p += l + 1;
  }
  free(text);
  return 0;
}

/* Key names are letters, digits, '_', '-', '.' and '=' (docs/rules.md):
** "\"key\": " matches only that member. */
int state_history_size(const state_history *h, size_t i, const char *key, uint64_t *n) {
  if (i >= h->n) return 0;
  const char *sizes = strstr(h->lines[i], "\"sizes\": {");
  if (!sizes) return 0;
  size_t kl = strlen(key);
  char *pat = cl_malloc(kl + 5);
  snprintf(pat, kl + 5, "\"%s\": ", key);
  const char *at = strstr(sizes, pat);
  free(pat);
  if (!at) return 0;
  char *end;
  unsigned long long v = strtoull(at + kl + 4, &end, 10);
  if (end == at + kl + 4) return 0;
  *n = v;
  return 1;
}

int state_history_text(const state_history *h, size_t i, const char *field, char *out,
                       size_t outlen) {
  if (i >= h->n || !outlen) return 0;
  size_t fl = strlen(field);
  char *pat = cl_malloc(fl + 6);
  snprintf(pat, fl + 6, "\"%s\": \"", field);
  const char *at = strstr(h->lines[i], pat);
  free(pat);
  if (!at) return 0;
  at += fl + 5;
  const char *q = strchr(at, '"');
  if (!q) return 0;
  size_t l = (size_t)(q - at) < outlen - 1 ? (size_t)(q - at) : outlen - 1;
  memcpy(out, at, l);
  out[l] = '\0';
  return 1;
}

void state_history_free(state_history *h) {
  for (size_t i = 0; i < h->n; i++) free(h->lines[i]);
  free(h->lines);
  memset(h, 0, sizeof *h);
}
