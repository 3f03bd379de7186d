/* SPDX-License-Identifier: MIT */
/*
** summary.h -- the run's numbers: summary.json for machines, a short table
** on stderr for people.
*/
#ifndef CLEAVE_SUMMARY_H
#define CLEAVE_SUMMARY_H

#include <stdio.h>

#include "buf.h"
#include "config.h"
#include "error.h"
#include "graph.h"
#include "pipeline.h"
#include "plugin_loader.h"
#include "segmenter.h"

typedef struct summary_info {
  const graph *g;
  const seg_shape *shape;
  const pipeline_stats *st; /* NULL in a failed run that read no rows */
  const config *cfg;
  int threads;
  double seconds;
  const char *input_name;
  const char *const *header; /* the input's column names (shape->ncols) */
  const struct state_delta *delta; /* --state: the delta (state.h), else NULL */
  const plugin_set *plugins; /* "plugins": the initialised ones; NULL: none */
} summary_info;

/* The schema summary.json follows (docs/summary.schema.json). */
#define SUMMARY_SCHEMA_VERSION 1

/* A run that succeeded: status "ok" and every count. */
void summary_json(const summary_info *s, buf *out);
/* A run that failed with e: status "failed", the reason and exit code, the
** run's identity (g may be NULL, or hold only the rule file's hash) and,
** when st is not NULL (the rows were read), their accounting. */
void summary_failed_json(const summary_info *s, const cl_error *e, buf *out);
void summary_print(const summary_info *s, FILE *f);

#endif
