/* SPDX-License-Identifier: MIT */
/*
** pipeline.h -- the run's engine room: one reader (the calling thread) cuts
** the input into chunks, N workers segment them in parallel, and the calling
** thread writes their results strictly in input order. With one thread the
** same steps run inline. Output is identical for every thread count.
*/
#ifndef CLEAVE_PIPELINE_H
#define CLEAVE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "input.h"
#include "plugin_loader.h"
#include "progress.h"
#include "row_accept.h"
#include "segmenter.h"

typedef struct pipeline_sink {
  /* Write output bytes; nonzero = failure (err set). */
  int (*out)(void *ud, const char *p, size_t n, cl_error *err);
  /* A rejected row, lines absolute (1-based). */
  int (*reject)(void *ud, uint64_t line, uint64_t last_line, const char *reason,
                size_t reason_len, const char *raw, size_t raw_len, cl_error *err);
  void *ud;
  /* Audience k's lines of one chunk (shape.naud > 0); NULL: none. */
  int (*aud)(void *ud, uint32_t k, const char *p, size_t n, cl_error *err);
  /* --state: a chunk's membership records, in input order; NULL: none */
  int (*state)(void *ud, const char *p, size_t n, cl_error *err);
} pipeline_sink;

typedef struct pipeline_stats {
  uint64_t rows, written, rejected, invalid;
  uint64_t *value_counts; /* shape.nvalues */
  uint64_t *micro_counts; /* graph.nmicros */
  uint64_t *cross;        /* seg_detail.h: counted micros x shape.nvalues */
  uint64_t *overlap;      /* seg_detail.h: pairs of counted micros */
  uint64_t rejects_by[REJECT_KINDS]; /* per row_reject_kind (row_accept.h) */
  uint64_t chunks, merges;
  uint64_t bytes;         /* input bytes segmented (after the header) */
  /* kept fields that are not valid UTF-8, per input column (shape.ncols),
  ** and the line of each column's first; NULL while there is none */
  uint64_t *bad_utf8, *bad_utf8_line;
  slot_tally *tally;      /* tally_entries (invalid.h): per slot, then per call site */
} pipeline_stats;

typedef struct pipeline_opts {
  input *in;
  const seg_shape *shape;
  const plugin_set *plugins; /* per-thread plugin state */
  int threads;               /* >= 1 */
  size_t chunk_size;
  uint64_t first_line;       /* line number of the first row after the header */
  pipeline_sink sink;
  progress *progress;        /* NULL: no progress line */
} pipeline_opts;

/* stats->value_counts/micro_counts are allocated here (free with
** pipeline_stats_free). Errors come from reading or from the sink. */
int pipeline_run(const pipeline_opts *o, pipeline_stats *stats, cl_error *err);
void pipeline_stats_free(pipeline_stats *s);

#endif
