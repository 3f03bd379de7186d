/* SPDX-License-Identifier: MIT */
/*
** check.h -- `cleave check`: validate rules against the input's header and a
** sample of rows, without writing anything.
*/
#ifndef CLEAVE_CHECK_H
#define CLEAVE_CHECK_H

#include "session.h"

/* Returns the exit code. */
int cmd_check(const cli_opts *o);

#endif
