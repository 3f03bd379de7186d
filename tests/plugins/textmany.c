/* SPDX-License-Identifier: MIT */
/*
** textmany.c -- test plugin "textmany" for the engine's buffer of plugin
** TEXT results (issue #7 item 12): label(x, k) returns the text "k:" plus
** the first bytes of x, from the worker's thread state, so the engine must
** copy every result.
**
** When CLEAVE_TEST_RSS_FILE is set, fini writes the process's peak resident
** set (getrusage ru_maxrss, KiB) to that file: a shell test reads how much
** memory a whole `cleave run` took without needing /usr/bin/time.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cleave/plugin.h"

#define TM_BUF 64

typedef struct tm_inst {
  int k;
} tm_inst;

static void tm_fini(void *state) {
  (void)state;
  const char *path = getenv("CLEAVE_TEST_RSS_FILE");
  struct rusage ru;
  if (!path || !*path || getrusage(RUSAGE_SELF, &ru) != 0) return;
  FILE *f = fopen(path, "w");
  if (!f) return;
  fprintf(f, "%ld\n", ru.ru_maxrss);
  fclose(f);
}

static int tm_thread_init(void *state, void **thread_state, cleave_err *err) {
  (void)state;
  *thread_state = malloc(TM_BUF);
  if (*thread_state) return CLEAVE_OK;
  snprintf(err->msg, sizeof err->msg, "out of memory");
  return CLEAVE_ERR;
}

static void tm_thread_fini(void *state, void *ts) {
  (void)state;
  free(ts);
}

static int tm_compile(void *state, const cleave_compile_ctx *ctx,
                      const cleave_value *consts, void **inst, cleave_err *err) {
  (void)state, (void)ctx;
  tm_inst *in = malloc(sizeof *in);
  if (!in) {
    snprintf(err->msg, sizeof err->msg, "out of memory");
    return CLEAVE_ERR;
  }
  in->k = consts[1].missing ? 0 : (int)consts[1].u.number;
  *inst = in;
  return CLEAVE_OK;
}

static void tm_free_inst(void *inst) { free(inst); }

static void label_eval(const void *inst, void *ts, const cleave_value *args,
                       cleave_value *out) {
  const tm_inst *in = inst;
  char *buf = ts;
  out->type = CLEAVE_TEXT;
  out->missing = !buf;
  if (out->missing) return;
  size_t take = args[0].missing ? 0 : args[0].u.str.len;
  int n = snprintf(buf, TM_BUF, "%d:", in->k);
  if (take > (size_t)(TM_BUF - n - 1)) take = (size_t)(TM_BUF - n - 1);
  if (take) memcpy(buf + n, args[0].u.str.ptr, take);
  out->u.str.ptr = buf;
  out->u.str.len = (size_t)n + take;
}

static const cleave_arg label_args[] = {{"x", CLEAVE_ARG_VALUE, CLEAVE_TEXT, sizeof(cleave_arg)},
                                        {"k", CLEAVE_ARG_CONST, CLEAVE_NUMBER, sizeof(cleave_arg)}};

static const cleave_criterion tm_criteria[] = {
    {"label", "\"k:\" and the start of x (a test of TEXT results)", CLEAVE_TEXT, 0,
     label_args, 2, 1, tm_compile, label_eval, tm_free_inst, sizeof(cleave_criterion)},
};

static const cleave_plugin tm_plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "textmany", "1.0",
    "returns texts, for the engine's text buffer tests", NULL, NULL, tm_thread_init,
    tm_thread_fini, tm_fini, tm_criteria, 1, NULL, 0};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &tm_plugin; }
