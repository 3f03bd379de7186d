/* SPDX-License-Identifier: MIT */
/*
** cmd_stats.h -- `cleave stats`: population statistics of number columns,
** or (--merge) the stats files of shards merged into one.
*/
#ifndef CLEAVE_CMD_STATS_H
#define CLEAVE_CMD_STATS_H

#include "session.h"

int cmd_stats(const cli_opts *o);

#endif
