/* SPDX-License-Identifier: MIT */
/*
** cmd_plugins.h -- `cleave plugins`: every plugin on the plugin path, with
** its criteria (arguments, result, help) and its [plugin.<name>] keys.
*/
#ifndef CLEAVE_CMD_PLUGINS_H
#define CLEAVE_CMD_PLUGINS_H

#include "session.h"

/* Returns the exit code. */
int cmd_plugins(const cli_opts *o);

#endif
