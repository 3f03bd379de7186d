/* SPDX-License-Identifier: MIT */
/*
** invalid.h -- values present in a number or date column that cannot be
** read as one: counted per slot (a typed view of a column, graph.h) by both
** evaluators, summed per chunk and per run, reported per column and checked
** against max_invalid / max_invalid_column (the run fails with exit 9).
** Plugin calls that give no result from present arguments (call_sites.h)
** are counted the same way, one entry per call site after the slots.
*/
#ifndef CLEAVE_INVALID_H
#define CLEAVE_INVALID_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "error.h"
#include "graph.h"

#define INVALID_EXAMPLE_MAX 40

typedef struct slot_tally {
  uint64_t present;           /* values present (not empty) */
  uint64_t bad;               /* of them, not readable as the slot's type */
  uint32_t ex_len;            /* the first bad value's bytes kept */
  uint32_t ex_cut;            /* it was longer */
  char ex[INVALID_EXAMPLE_MAX];
} slot_tally;

/* Entries of a tally array: the graph's slots, then its call sites. */
static inline uint32_t tally_entries(const graph *g) { return g->nslots + g->nsites; }

/* One bad value p[0..len): counted; kept as the example when it is the first. */
static inline void tally_bad(slot_tally *t, const char *p, size_t len) {
  if (!t->bad++) {
    size_t n = len < INVALID_EXAMPLE_MAX ? len : INVALID_EXAMPLE_MAX;
    for (size_t i = 0; i < n; i++) t->ex[i] = p[i];
    t->ex_len = (uint32_t)n;
    t->ex_cut = n < len;
  }
}

/* t's example as a message quotes it: control bytes and '"' as '?', invalid
** UTF-8 as U+FFFD, a character cut by the limit dropped, "..." when cut. */
void tally_example(buf *b, const slot_tally *t);

/* Any unreadable value quoted the same way, in double quotes: "1,000". */
void invalid_quote(buf *b, const char *p, size_t len);

/* dst[i] += src[i] for n entries; dst keeps its example when it has one (the
** caller adds in input order, so the example is the input's first). */
void tally_add(slot_tally *dst, const slot_tally *src, uint32_t n);

/* Bad values summed per input column (ncols), for summary.json: the slots'
** and the failures of the call sites whose one per-row argument is a column;
** NULL when there is none. */
uint64_t *tally_by_column(const graph *g, const slot_tally *t, size_t ncols);

typedef struct invalid_check {
  const graph *g;
  const slot_tally *tally;  /* tally_entries: per slot, then per call site */
  const char *input;        /* the input's name, for the message */
  const char *const *header;/* column names (by slot col) */
  const cl_limit *total;    /* max_invalid */
  const cl_limit *column;   /* max_invalid_column */
  char decimal;             /* the configured decimal mark: hints */
} invalid_check;

/* 0, or CL_EXIT_INVALID with a message naming the column (or the call site
** and its column), its count and share, the first bad value, the limit and
** (for a number with a decimal comma) the likely fix. max_invalid_column
** applies to every slot and every call site on its own; max_invalid to
** their sum. Used by cleave run (on the whole input) and by cleave check
** (on the sample). */
int invalid_limits(const invalid_check *c, cl_error *err);

#endif
