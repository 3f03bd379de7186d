/* SPDX-License-Identifier: MIT */
/*
** init_fails.c -- a test plugin whose init reports an error.
*/
#include "cleave/plugin.h"

static int if_init(const cleave_host *host, const cleave_config *cfg, void **state,
                   cleave_err *err) {
  (void)cfg, (void)state;
  return host->errorf(err, "cannot open lookup table %s", "/nonexistent/table.csv");
}

static void noop_eval(const void *inst, void *ts, const cleave_value *args,
                      cleave_value *out) {
  (void)inst, (void)ts, (void)args;
  out->type = CLEAVE_BOOL;
  out->missing = 1;
}

static const cleave_criterion criteria[] = {
    {"noop", "always missing", CLEAVE_BOOL, 0, NULL, 0, 1, NULL, noop_eval, NULL, sizeof(cleave_criterion)}};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "init_fails", "1.0",
    "init always fails", NULL, if_init, NULL, NULL, NULL, criteria, 1, NULL, 0};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
