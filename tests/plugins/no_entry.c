/* SPDX-License-Identifier: MIT */
/*
** no_entry.c -- a shared object that exports no cleave_plugin_entry: must be
** refused as "not a cleave plugin".
*/
#include "cleave/plugin.h"

CLEAVE_EXPORT int not_a_plugin_entry(void);
int not_a_plugin_entry(void) { return 42; }
