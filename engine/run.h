/* SPDX-License-Identifier: MIT */
/*
** run.h -- `cleave run`: segment the input, write the tagged output, the
** rejects and summary.json; all or nothing, one run at a time.
*/
#ifndef CLEAVE_RUN_H
#define CLEAVE_RUN_H

#include "input.h"
#include "segmenter.h"
#include "session.h"

/* Returns the process exit code; messages go to stderr. */
int cmd_run(const cli_opts *o);

/* Shared with check/explain: open the input, read and check its header,
** bind the rules to it, and describe what a segmenter needs. */
typedef struct bound_input {
  input in;
  char **header;
  size_t ncols;
  uint64_t header_lines;
  seg_shape shape;
  uint8_t *keep;
  uint8_t *numcols; /* decimal = comma: the columns read as numbers */
  char columns_what[256]; /* header = no: where the names came from, for messages */
} bound_input;

int bind_input(session *s, bound_input *b, cl_error *err);
void bound_input_free(bound_input *b);
/* Feed the rest of b's input to scan, chunk by chunk, until it ends or *done
** turns nonzero. *base tracks the line number of the chunk being scanned
** (rows' lines are relative to it); it starts after the header. Returns 0 or
** an error code (err is set). */
int scan_input(bound_input *b, csv_scan *scan, uint64_t *base, const int *done,
               cl_error *err);
/* Threads to use: cfg.threads, or one per core when 0. */
int run_threads(const config *cfg);

#endif
