/* SPDX-License-Identifier: MIT */
/*
** wrong_abi.c -- a test plugin built for the next major ABI: must be refused.
*/
#include "cleave/plugin.h"

static void noop_eval(const void *inst, void *ts, const cleave_value *args,
                      cleave_value *out) {
  (void)inst, (void)ts, (void)args;
  out->type = CLEAVE_BOOL;
  out->missing = 1;
}

static const cleave_criterion criteria[] = {
    {"noop", "always missing", CLEAVE_BOOL, 0, NULL, 0, 1, NULL, noop_eval, NULL, sizeof(cleave_criterion)}};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR + 1, 0, sizeof(cleave_plugin), "wrong_abi", "1.0",
    "claims a newer major ABI", NULL, NULL, NULL, NULL, NULL, criteria, 1, NULL, 0};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
