/* SPDX-License-Identifier: MIT */
/*
** crash.c -- a test plugin that crashes on purpose, for the crash message
** (cleanup.c): crash.at(x) is x, except that it dereferences NULL when x is
** 13 (SIGSEGV) and divides by zero when x is 14 (SIGFPE on x86). version
** "6.6.6" so tests can find it in the message.
*/
#include "cleave/plugin.h"

/* The crashes must be real signals in the sanitizer build too: UBSan would
** stop at the NULL load and the division before the CPU faults. */
#if defined(__GNUC__)
#define REAL_CRASH __attribute__((no_sanitize_undefined))
#else
#define REAL_CRASH
#endif

REAL_CRASH static void at_eval(const void *inst, void *ts, const cleave_value *args, cleave_value *out) {
  (void)inst, (void)ts;
  out->type = CLEAVE_NUMBER;
  out->missing = args[0].missing;
  if (out->missing) return;
  if (args[0].u.number == 13) {
    volatile int *volatile p = 0;
    out->u.number = *p;
    return;
  }
  if (args[0].u.number == 14) {
    volatile int zero = 0, seven = 7; /* both unknown: a real idiv */
    out->u.number = seven / zero;
    return;
  }
  out->u.number = args[0].u.number;
}

static const cleave_arg x_arg[] = {{"x", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)}};

static const cleave_criterion criteria[] = {
    {"at", "x; crashes (SIGSEGV) when x is 13, SIGFPE when 14", CLEAVE_NUMBER, 0, x_arg, 1, 1,
     NULL, at_eval, NULL, sizeof(cleave_criterion)}};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "crash", "6.6.6",
    "crashes on purpose", NULL, NULL, NULL, NULL, NULL, criteria, 1, NULL, 0};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
