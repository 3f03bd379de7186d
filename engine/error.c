/* SPDX-License-Identifier: MIT */
/*
** error.c -- cl_error formatting and allocation that cannot return NULL.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"

int cl_fail(cl_error *err, int code, const char *fmt, ...) {
  va_list ap;
  err->code = code;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return code;
}

void cl_error_prefix(cl_error *err, const char *fmt, ...) {
  char prefix[512], old[CL_ERROR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof old);
  size_t pl = strnlen(prefix, sizeof prefix), ol = strnlen(old, sizeof old);
  if (pl > sizeof err->msg - 1) pl = sizeof err->msg - 1;
  if (ol > sizeof err->msg - 1 - pl) ol = sizeof err->msg - 1 - pl;
  memcpy(err->msg, prefix, pl);
  memcpy(err->msg + pl, old, ol);
  err->msg[pl + ol] = '\0';
}

static void *oom(size_t n) {
  cleanup_now(); /* before anything that could need memory; exit's atexit does it too */
  fprintf(stderr, "cleave: out of memory (allocating %zu bytes)\n", n);
  exit(CL_EXIT_INTERNAL);
}

void *cl_malloc(size_t n) {
  void *p = malloc(n ? n : 1);
  return p ? p : oom(n);
}

void *cl_calloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  return p ? p : oom(n * size);
}

void *cl_realloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  return q ? q : oom(n);
}

void *cl_grow(void *p, size_t n, size_t size) {
  if (n & (n - 1)) return p; /* neither 0 nor a power of two: there is room */
  size_t cap = n ? 2 * n : 1;
  if (cap / 2 != n || cap > SIZE_MAX / size) return oom(SIZE_MAX);
  return cl_realloc(p, cap * size);
}

char *cl_strdup(const char *s) { return cl_strndup(s, strlen(s)); }

char *cl_strndup(const char *s, size_t n) {
  char *p = cl_malloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}
