/* SPDX-License-Identifier: MIT */
/*
** progress.h -- a one-line progress report on a terminal: rows, MB/s and,
** when the input's size is known (a regular file), percent done and the time
** left. At most four updates a second, cleared when the run ends. Only ever
** shown when stderr is a terminal: cron, pipes and log files never see it.
*/
#ifndef CLEAVE_PROGRESS_H
#define CLEAVE_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "input.h"

typedef struct progress {
  FILE *out;
  const input *in;  /* for the bytes read from a compressed file */
  uint64_t total;   /* input size in bytes; 0 = unknown (a pipe) */
  double start, last;
  int shown;        /* a line is on the screen */
} progress;

/* On when out is a terminal and enabled; returns whether it is on. */
int progress_start(progress *p, FILE *out, const input *in, int enabled);
/* Rows done and decoded bytes done so far; prints at most every 250 ms. */
void progress_tick(progress *p, uint64_t rows, uint64_t bytes);
/* Take the line off the screen for a message; the next update redraws it. */
void progress_hide(progress *p);
/* Clear the line for good (the run's own messages follow). */
void progress_end(progress *p);

#endif
