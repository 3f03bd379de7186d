/* SPDX-License-Identifier: MIT */
/*
** old.c -- a plugin written for ABI 1.0 and built against the frozen 1.0
** header beside it (tests/plugins/abi10/cleave/plugin.h): no struct_size in
** its criteria and arguments, no config_decls, a 1.0-sized descriptor. The
** 1.1 engine must load it and run it unchanged (t_plugin_loader.c,
** t_plugins_cmd.sh). old.add(x, n) = x + n; old.tag(s) = "old:" + s (a TEXT
** in thread state); one untyped config key, offset, added to add's result.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleave/plugin.h"

#if CLEAVE_ABI_MINOR != 0
#error "old.c must be built against the frozen ABI 1.0 header"
#endif

typedef struct old_state {
  double offset;
} old_state;

static int old_init(const cleave_host *host, const cleave_config *cfg, void **state,
                    cleave_err *err) {
  const char *v = host->config_get(cfg, "offset");
  old_state *st = calloc(1, sizeof *st);
  if (!st) return host->errorf(err, "out of memory");
  if (v) st->offset = atof(v);
  *state = st;
  return CLEAVE_OK;
}

static void old_fini(void *state) { free(state); }

static int old_thread_init(void *state, void **ts, cleave_err *err) {
  (void)state, (void)err;
  *ts = calloc(1, 64);
  return *ts ? CLEAVE_OK : CLEAVE_ERR;
}

static void old_thread_fini(void *state, void *ts) {
  (void)state;
  free(ts);
}

typedef struct add_inst {
  double n, offset;
} add_inst;

static int add_compile(void *state, const cleave_compile_ctx *ctx, const cleave_value *consts,
                       void **inst, cleave_err *err) {
  add_inst *in = malloc(sizeof *in);
  if (!in) return ctx->host->errorf(err, "out of memory");
  in->n = consts[1].u.number;
  in->offset = ((const old_state *)state)->offset;
  *inst = in;
  return CLEAVE_OK;
}

static void add_eval(const void *inst, void *ts, const cleave_value *args, cleave_value *out) {
  const add_inst *in = inst;
  (void)ts;
  out->type = CLEAVE_NUMBER;
  out->missing = args[0].missing;
  if (!out->missing) out->u.number = args[0].u.number + in->n + in->offset;
}

static void tag_eval(const void *inst, void *ts, const cleave_value *args, cleave_value *out) {
  char *buf = ts;
  (void)inst;
  out->type = CLEAVE_TEXT;
  out->missing = args[0].missing;
  if (out->missing) return;
  size_t n = args[0].u.str.len < 59 ? args[0].u.str.len : 59;
  memcpy(buf, "old:", 4);
  memcpy(buf + 4, args[0].u.str.ptr, n);
  out->u.str.ptr = buf;
  out->u.str.len = n + 4;
}

static const cleave_arg add_args[] = {{"x", CLEAVE_ARG_VALUE, CLEAVE_NUMBER},
                                      {"n", CLEAVE_ARG_CONST, CLEAVE_NUMBER}};
static const cleave_arg tag_args[] = {{"s", CLEAVE_ARG_VALUE, CLEAVE_TEXT}};

static const cleave_criterion criteria[] = {
    {"add", "x + n (+ [plugin.old] offset)", CLEAVE_NUMBER, CLEAVE_PURE, add_args, 2, 1,
     add_compile, add_eval, free},
    {"tag", "\"old:\" and s", CLEAVE_TEXT, CLEAVE_PURE, tag_args, 1, 1, NULL, tag_eval, NULL},
};

static const char *const keys[] = {"offset", NULL};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "old", "1.0",
    "an ABI 1.0 plugin", keys, old_init, old_thread_init, old_thread_fini, old_fini,
    criteria, 2};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
