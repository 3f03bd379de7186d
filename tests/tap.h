/* SPDX-License-Identifier: MIT */
/*
** tap.h -- a minimal TAP producer for cleave's C tests, read by `prove`.
** One test binary per area; each calls ok()/is_*() and ends with
** done_testing(), whose return value is the process exit status.
*/
#ifndef CLEAVE_TAP_H
#define CLEAVE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Test-harness counters: the one piece of file-scope state, confined to tests. */
static int tap_run, tap_failed;

static void tap_vdiag(const char *fmt, va_list ap) {
  char buf[4096];
  vsnprintf(buf, sizeof buf, fmt, ap);
  for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
    nl = strchr(line, '\n');
    printf("# %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
  }
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static void diag(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  tap_vdiag(fmt, ap);
  va_end(ap);
}

static int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static int ok(int cond, const char *fmt, ...) {
  va_list ap;
  tap_run++;
  if (!cond) tap_failed++;
  printf("%sok %d - ", cond ? "" : "not ", tap_run);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
  return cond;
}

#define is_int(got, want, ...)                                                \
  do {                                                                        \
    long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);          \
    if (!ok(tap_g_ == tap_w_, __VA_ARGS__))                                   \
      diag("  got: %lld\n  expected: %lld", tap_g_, tap_w_);                  \
  } while (0)

#define is_str(got, want, ...)                                                \
  do {                                                                        \
    const char *tap_g_ = (got), *tap_w_ = (want);                             \
    if (!ok(tap_g_ && tap_w_ && strcmp(tap_g_, tap_w_) == 0, __VA_ARGS__))    \
      diag("  got: '%s'\n  expected: '%s'", tap_g_ ? tap_g_ : "(null)",       \
           tap_w_ ? tap_w_ : "(null)");                                       \
  } while (0)

/* got contains the substring want */
#define like(got, want, ...)                                                  \
  do {                                                                        \
    const char *tap_g_ = (got), *tap_w_ = (want);                             \
    if (!ok(tap_g_ && tap_w_ && strstr(tap_g_, tap_w_) != NULL, __VA_ARGS__)) \
      diag("  got: '%s'\n  expected to contain: '%s'",                        \
           tap_g_ ? tap_g_ : "(null)", tap_w_ ? tap_w_ : "(null)");           \
  } while (0)

static int done_testing(void) __attribute__((unused));
static int done_testing(void) {
  printf("1..%d\n", tap_run);
  if (tap_failed) diag("failed %d of %d tests", tap_failed, tap_run);
  return tap_failed ? 1 : 0;
}

#endif
