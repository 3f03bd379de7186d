/* SPDX-License-Identifier: MIT */
/*
** typed.c -- a test plugin with typed config (ABI 1.1 config_decls): window
** INT 1..365 default 30, ratio NUMBER 0..1 default 0.5, mode STRING of 1 to
** 8 bytes default "fast", strict BOOL default no, api_key STRING required.
** typed.show() is a TEXT listing what init read through the host accessors,
** "window=30 ratio=0.5 mode=fast strict=0 api_key=k line=12".
*/
#include <stdio.h>
#include <stdlib.h>

#include "cleave/plugin.h"

typedef struct ty_state {
  char text[256];
} ty_state;

static int ty_init(const cleave_host *host, const cleave_config *cfg, void **state,
                   cleave_err *err) {
  ty_state *st = malloc(sizeof *st);
  if (!st) return host->errorf(err, "out of memory");
  snprintf(st->text, sizeof st->text, "window=%lld ratio=%g mode=%s strict=%d api_key=%s line=%d",
           (long long)host->config_int(cfg, "window"), host->config_number(cfg, "ratio"),
           host->config_string(cfg, "mode"), host->config_bool(cfg, "strict"),
           host->config_string(cfg, "api_key"), host->config_line(cfg, "api_key"));
  *state = st;
  return CLEAVE_OK;
}

static void ty_fini(void *state) { free(state); }

static int show_compile(void *state, const cleave_compile_ctx *ctx, const cleave_value *consts,
                        void **inst, cleave_err *err) {
  (void)ctx, (void)consts, (void)err;
  *inst = state;
  return CLEAVE_OK;
}

static void show_eval(const void *inst, void *ts, const cleave_value *args, cleave_value *out) {
  const ty_state *st = inst;
  size_t n = 0;
  (void)ts, (void)args;
  while (st->text[n]) n++;
  out->type = CLEAVE_TEXT;
  out->missing = 0;
  out->u.str.ptr = st->text;
  out->u.str.len = n;
}

static const cleave_criterion criteria[] = {
    {"show", "what init read from [plugin.typed]", CLEAVE_TEXT, 0, NULL, 0, 1, show_compile,
     show_eval, NULL, sizeof(cleave_criterion)}};

static const cleave_config_decl config[] = {
    {sizeof(cleave_config_decl), CLEAVE_CFG_INT, "window", "days looked back", "30",
     CLEAVE_CFG_MIN | CLEAVE_CFG_MAX, 1, 365},
    {sizeof(cleave_config_decl), CLEAVE_CFG_NUMBER, "ratio", "share kept", "0.5",
     CLEAVE_CFG_MIN | CLEAVE_CFG_MAX, 0, 1},
    {sizeof(cleave_config_decl), CLEAVE_CFG_STRING, "mode", "how to look", "fast",
     CLEAVE_CFG_MIN | CLEAVE_CFG_MAX, 1, 8},
    {sizeof(cleave_config_decl), CLEAVE_CFG_BOOL, "strict", "refuse odd values", "no", 0, 0, 0},
    {sizeof(cleave_config_decl), CLEAVE_CFG_STRING, "api_key", "the service's key", NULL,
     CLEAVE_CFG_REQUIRED, 0, 0},
};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "typed", "1.1",
    "typed config test", NULL, ty_init, NULL, NULL, ty_fini, criteria, 1,
    config, sizeof config / sizeof config[0]};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
