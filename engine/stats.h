/* SPDX-License-Identifier: MIT */
/*
** stats.h -- population statistics of number columns (`cleave stats`): per
** column the values read, the missing ones, exact min and max and a KLL
** sketch (sketch_kll.h) for quantiles; as a JSON stats file (docs/stats.md),
** read back and merged across shards. The file is the one place thresholds
** like spend:top_percent(10) come from when a run is given --stats.
*/
#ifndef CLEAVE_STATS_H
#define CLEAVE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "sketch_kll.h"

#define STATS_FORMAT 1
#define STATS_MAX_BYTES (128L << 20) /* a column is at most ~80 KB of text: 1000 fit */
#define STATS_MAX_COLUMNS 1000

typedef struct col_stats {
  char *name;
  uint64_t count;   /* values that read as numbers (values.h: num_parse; stats_pass.c) */
  uint64_t missing; /* empty fields and values that are not numbers */
  kll sk;           /* sk.min, sk.max: exact */
} col_stats;

typedef struct stats_set {
  uint32_t k;
  uint64_t rows;    /* rows taken (as cleave run takes them: row_accept.h) */
  char **inputs;    /* the inputs read, one per shard merged */
  size_t ninputs;
  col_stats *cols;
  size_t ncols;
} stats_set;

void stats_init(stats_set *s, uint32_t k);
void stats_free(stats_set *s);
void stats_add_input(stats_set *s, const char *name);
/* Append a column (its sketch empty); returns its index. */
size_t stats_add_column(stats_set *s, const char *name);
/* The column named name, or -1. */
int64_t stats_find(const stats_set *s, const char *name);

/* The stats file's text (ends with a newline). */
void stats_json(const stats_set *s, buf *out);
/* Read a stats file (fsafe_open_read, at most STATS_MAX_BYTES); anything
** that is not one is CL_EXIT_INPUT naming the file and what is wrong. */
int stats_load(const char *path, stats_set *out, cl_error *err);
/* Add from (read from from_name) to into: the same columns in the same order
** and the same k, else CL_EXIT_INPUT naming the difference. */
int stats_merge(stats_set *into, const stats_set *from, const char *from_name, cl_error *err);

#endif
