/* SPDX-License-Identifier: MIT */
/*
** quantile.h -- giving population thresholds (graph.quants: top_percent,
** quantile_at_least, ...) their values, after the rule file ran and before
** the graph is optimised (rules_opts.quantiles):
**
**   * with a stats file (--stats FILE, [input] stats): its sketches -- the
**     merge of the shards' stats, so every shard uses the same thresholds;
**   * else, on a regular input file, a first pass over it (stats_pass.h);
**   * else (standard input, a FIFO): a CL_EXIT_CONFIG error saying to pass
**     --stats.
** The value becomes the constant of a plain comparison: evaluation costs
** and results are those of spend:at_least(<the value>).
*/
#ifndef CLEAVE_QUANTILE_H
#define CLEAVE_QUANTILE_H

#include "config.h"
#include "error.h"
#include "graph.h"
#include "stats.h"

/* Fill g's thresholds from st (source: where st came from, for messages and
** summary.json). A column st lacks, or has no number in, is an error. */
int quantile_apply(graph *g, const stats_set *st, const char *source, cl_error *err);

/* rules_opts.quantiles for run, check and explain: ud is the session. */
int quantile_resolve_session(void *ud, graph *g, cl_error *err);
/* For cleave test (no input to read): only from a stats file; ud is the
** config. */
int quantile_resolve_stats(void *ud, graph *g, cl_error *err);
/* For cleave stats: nothing is evaluated, the thresholds are left as they are. */
int quantile_resolve_none(void *ud, graph *g, cl_error *err);

#endif
