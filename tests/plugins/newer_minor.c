/* SPDX-License-Identifier: MIT */
/*
** newer_minor.c -- a test plugin built for a newer minor ABI than the engine:
** it may rely on fields this engine does not know, so it must be refused.
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
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR + 1, sizeof(cleave_plugin), "newer_minor",
    "1.0", "claims a newer minor ABI", NULL, NULL, NULL, NULL, NULL, criteria, 1, NULL, 0};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
