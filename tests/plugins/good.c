/* SPDX-License-Identifier: MIT */
/*
** good.c -- a well-formed test plugin "testplug": double_it and is_even,
** with one config key (factor) and per-thread state.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleave/plugin.h"

typedef struct tp_state {
  const cleave_host *host;
  double factor; /* double_it multiplies by this (default 2) */
} tp_state;

typedef struct tp_thread {
  unsigned long calls;
} tp_thread;

static int tp_init(const cleave_host *host, const cleave_config *cfg, void **state,
                   cleave_err *err) {
  const char *f = host->config_get(cfg, "factor");
  char *end;
  double factor = 2;
  if (f) {
    factor = strtod(f, &end);
    if (end == f || *end || !isfinite(factor))
      return host->errorf(err, "factor = %s is not a number", f);
  }
  tp_state *st = malloc(sizeof *st);
  if (!st) return host->errorf(err, "out of memory");
  st->host = host;
  st->factor = factor;
  *state = st;
  return CLEAVE_OK;
}

static void tp_fini(void *state) { free(state); }

static int tp_thread_init(void *state, void **thread_state, cleave_err *err) {
  (void)state;
  *thread_state = calloc(1, sizeof(tp_thread));
  if (*thread_state) return CLEAVE_OK;
  snprintf(err->msg, sizeof err->msg, "out of memory");
  return CLEAVE_ERR;
}

static void tp_thread_fini(void *state, void *ts) {
  (void)state;
  free(ts);
}

/* inst is the plugin state itself: nothing per call site. */
static int tp_compile(void *state, const cleave_compile_ctx *ctx,
                      const cleave_value *consts, void **inst, cleave_err *err) {
  (void)ctx, (void)consts, (void)err;
  *inst = state;
  return CLEAVE_OK;
}

static void double_it_eval(const void *inst, void *ts, const cleave_value *args,
                           cleave_value *out) {
  const tp_state *st = inst;
  if (ts) ((tp_thread *)ts)->calls++;
  out->type = CLEAVE_NUMBER;
  out->missing = args[0].missing;
  if (!out->missing) out->u.number = args[0].u.number * st->factor;
}

static void is_even_eval(const void *inst, void *ts, const cleave_value *args,
                         cleave_value *out) {
  (void)inst, (void)ts;
  out->type = CLEAVE_BOOL;
  out->missing = args[0].missing;
  if (!out->missing) out->u.boolean = fmod(args[0].u.number, 2) == 0;
}

static const cleave_arg x_arg[] = {{"x", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)}};

static const cleave_criterion criteria[] = {
    {"double_it", "x times the configured factor (default 2)", CLEAVE_NUMBER,
     CLEAVE_PURE, x_arg, 1, 1, tp_compile, double_it_eval, NULL, sizeof(cleave_criterion)},
    {"is_even", "true when x is an even whole number", CLEAVE_BOOL, CLEAVE_PURE,
     x_arg, 1, 1, NULL, is_even_eval, NULL, sizeof(cleave_criterion)},
};

static const char *const keys[] = {"factor", NULL};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "testplug", "1.0",
    "test plugin: arithmetic on one number", keys, tp_init, tp_thread_init,
    tp_thread_fini, tp_fini, criteria, sizeof criteria / sizeof criteria[0], NULL, 0};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
