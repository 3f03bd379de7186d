/* SPDX-License-Identifier: MIT */
/*
** cmd_merge.h -- `cleave merge`: shard summaries summed into one.
*/
#ifndef CLEAVE_CMD_MERGE_H
#define CLEAVE_CMD_MERGE_H

#include "session.h"

int cmd_merge(const cli_opts *o);

#endif
