/* SPDX-License-Identifier: MIT */
/*
** error.h -- exit codes and the error value every fallible engine call fills.
** A message names where the problem is (file:line, or input line) and what to
** change; the code says which kind of failure it is (and becomes the exit code).
*/
#ifndef CLEAVE_ERROR_H
#define CLEAVE_ERROR_H

/* Exit codes (documented in README.md; keep them stable). */
enum {
  CL_EXIT_OK = 0,
  CL_EXIT_FAIL = 1,     /* check/test/explain found problems */
  CL_EXIT_USAGE = 2,    /* bad command line */
  CL_EXIT_CONFIG = 3,   /* engine.ini unreadable or invalid */
  CL_EXIT_RULES = 4,    /* rule file: Lua error, unknown field, sandbox cap */
  CL_EXIT_INPUT = 5,    /* input unreadable, no header, unusable header; max_rejects */
  CL_EXIT_OUTPUT = 6,   /* output, rejects or summary could not be written */
  CL_EXIT_PLUGIN = 7,   /* plugin refused: missing entry, ABI mismatch, init */
  CL_EXIT_LOCKED = 8,   /* another run holds the lock */
  CL_EXIT_INVALID = 9,  /* more unreadable values than max_invalid(_column) allow */
  CL_EXIT_INTERNAL = 70 /* out of memory, thread failure: a bug or the machine */
};

#define CL_ERROR_MAX 2048

typedef struct cl_error {
  int code; /* one of CL_EXIT_*; 0 = no error */
  char msg[CL_ERROR_MAX];
} cl_error;

/* Set err (code and printf-style message); returns code. */
int cl_fail(cl_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix err->msg with printf-style context ("engine.ini: " + msg). */
void cl_error_prefix(cl_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Out-of-memory helpers: abort with a message naming what was allocated. */
void *cl_malloc(size_t n);
void *cl_calloc(size_t n, size_t size);
void *cl_realloc(void *p, size_t n);
/* Room for element n of an array of n elements that only grows by
** cl_grow: reallocated to 2n (1 for n = 0) when n is 0 or a power of two,
** else p as it is. Appending one by one then copies O(n) in all, not
** O(n^2) (20,000 micro segments grown by one each copied ~20 GB under
** ASan, whose realloc never grows in place). */
void *cl_grow(void *p, size_t n, size_t size);
char *cl_strdup(const char *s);
char *cl_strndup(const char *s, size_t n);

#endif
