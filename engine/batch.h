/* SPDX-License-Identifier: MIT */
/*
** batch.h -- the column-at-a-time evaluator used by `cleave run`.
**
** Rows are gathered into batches of up to BATCH_MAX. Each leaf condition is
** a tight loop over one column producing a bitmap; all/any pass selection
** bitmaps down, so a later child only matters for rows still undecided;
** typed columns (numbers, dates, tag bits, plugin results, macro values) are
** computed once per batch and only when a rule needs them. The results are
** exactly those of the row-at-a-time evaluator (eval.h), which stays the
** reference and serves `explain`.
*/
#ifndef CLEAVE_BATCH_H
#define CLEAVE_BATCH_H

#include <stdint.h>

#include "cleave/plugin.h"
#include "eval.h"
#include "graph.h"
#include "textdict.h"
#include "invalid.h"

#define BATCH_MAX 1024
#define BATCH_WORDS (BATCH_MAX / 64)

typedef uint64_t bitmap[BATCH_WORDS];

/* A value column for one batch. */
typedef struct bcol {
  uint32_t gen;
  bitmap present;
  union {
    double *num;      /* NUMBER */
    int32_t *date;    /* DATE */
    cleave_str *str;  /* TEXT, TAGS (raw) */
    uint32_t *ix;     /* ENUM: value index */
  } v;
  uint64_t *tags;     /* TAGS read from a field: bits of the known tags */
  uint32_t tags_gen;
  bitmap done;        /* plugin results: rows computed so far this batch */
  uint64_t *packed;   /* TEXT fields: strset_pack7 of each row (lazily) */
  uint32_t packed_gen;
  bitmap *code_rows;  /* TEXT fields with a dictionary: rows of each code (lazily) */
  uint32_t codes_gen;
  bitmap *tag_rows;   /* TAGS fields: rows holding each known tag (lazily) */
  uint32_t tag_rows_gen;
} bcol;

typedef struct batch_ctx {
  const graph *g;
  uint32_t n;              /* rows in this batch */
  uint32_t gen;            /* bumped per batch */
  const cleave_str **cols; /* cols[c][i]: column c of row i (kept columns) */
  bcol *slots;             /* per slot */
  bcol *vals;              /* per value column (col_ix) */
  uint32_t *col_ix;        /* per node: its column in vals, or GRAPH_NONE */
  uint32_t nvals;
  bitmap *pred;            /* per pred_ix: last result; a shared node's next entry
                           ** is its result narrowed to a caller's rows */
  uint32_t *pred_ix;       /* per node: its entry in pred, or GRAPH_NONE */
  uint32_t *pred_gen;      /* per pred_ix: batch a shared result was computed in */
  uint32_t npred;
  uint32_t *canon;         /* per node: the identical node evaluated instead (graph_canon.h) */
  uint8_t *share;          /* per node: used by several conditions; cached per batch */
  uint32_t *counts;        /* at_least counters: BATCH_MAX per node depth */
  bitmap *micro_bits;      /* per micro segment: this batch's members */
  uint32_t *macro_node;    /* per macro: its N_MACRO node */
  eval_ctx rowc;           /* plugin thread states and text copies */
  uint64_t invalid;        /* present values that did not parse, failed calls */
  slot_tally *tally;       /* per slot: values present and not parsable; then
                           ** per call site (call_sites.h): failures */
  textdict **dict;         /* per slot: the texts its tests compare with, or NULL */
  uint8_t *dict_on;        /* per slot: tests use dict (textdict.h) */
  uint64_t *tmask;         /* per node: codes an is/one_of on a dict slot holds for */
  uint8_t *tdict;          /* per node: tested by tmask */
} batch_ctx;

/* Columns and results exist only for what a macro split or a micro segment
** can evaluate (graph_live); batch_memory() is what that costs. */
void batch_init(batch_ctx *b, const graph *g, void **tstate);
/* Bytes batch_init allocates for g (per worker thread). When the total
** passes cap, *line gets the rule-file line of the node where it did. */
size_t batch_memory(const graph *g, size_t cap, uint32_t *line);
void batch_free(batch_ctx *b);

/* Start a batch of n rows; cols[c] is column c for rows 0..n-1. */
void batch_begin(batch_ctx *b, const cleave_str **cols, uint32_t n);

/* Macro m's value index per row (valid until the next batch). */
const uint32_t *batch_macro(batch_ctx *b, uint32_t m);
/* Read every number and date column of the batch and compute every plugin
** call site for every row (so invalid counts every value that does not
** parse and every call that gives no result from present arguments,
** whether or not a rule needed it). */
void batch_count_invalid(batch_ctx *b);

/* Rows for which micro segment i holds. */
const uint64_t *batch_micro(batch_ctx *b, uint32_t i);

#endif
