/*
** summary.h -- the run's numbers: summary.json for machines, a short table
** on stderr for people.
*/
#ifndef CLEAVE_SUMMARY_H
#define CLEAVE_SUMMARY_H

#include <stdio.h>

#include "buf.h"
#include "config.h"
#include "graph.h"
#include "pipeline.h"
#include "segmenter.h"

typedef struct summary_info {
  const graph *g;
  const seg_shape *shape;
  const pipeline_stats *st;
  const config *cfg;
  int threads;
  double seconds;
  const char *input_name;
  const char *const *header; /* the input's column names (shape->ncols) */
} summary_info;

void summary_json(const summary_info *s, buf *out);
void summary_print(const summary_info *s, FILE *f);

#endif
