/* SPDX-License-Identifier: MIT */
/*
** seg_detail.h -- the counts summary.json and the report give beyond segment
** sizes: customers per macro value x micro segment ("cross") and customers
** in both of two micro segments ("overlap"), counted per batch (popcounts of
** ANDed membership bitmaps) or per row, summed per chunk like value_counts.
**
** Bounded: only the first SEG_DETAIL_MAX micro segments (in rule-file order)
** are counted; summary.json says how many were left out. The overlap of nd
** counted segments is the upper triangle, nd*(nd-1)/2 pairs.
*/
#ifndef CLEAVE_SEG_DETAIL_H
#define CLEAVE_SEG_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

#define SEG_DETAIL_MAX 1000

/* How many micro segments get cross and overlap counts. */
static inline uint32_t seg_detail_micros(const graph *g) {
  return g->nmicros < SEG_DETAIL_MAX ? g->nmicros : SEG_DETAIL_MAX;
}

/* Pairs j < k of nd segments. */
static inline size_t seg_overlap_pairs(uint32_t nd) { return (size_t)nd * (nd ? nd - 1 : 0) / 2; }

/* The index of pair j < k in the upper triangle, row by row. */
static inline size_t seg_pair_ix(uint32_t nd, uint32_t j, uint32_t k) {
  return (size_t)j * (2 * (size_t)nd - j - 1) / 2 + (k - j - 1);
}

/* cross[k * nvalues + value_base[m] + v]: customers in micro k with value v of
** macro m. */
/* Bits set in a[w] & b[w], w < nw (a popcount kernel, chosen for the CPU). */
typedef uint64_t (*seg_and_count_fn)(const uint64_t *a, const uint64_t *b, uint32_t nw);

typedef struct seg_detail {
  uint32_t nd, nvalues, nmacros;
  const uint32_t *value_base;
  uint64_t *vbits;   /* batch: per value, BATCH_WORDS words of membership */
  uint32_t *active;  /* the counted segments with a member in this batch / row */
  uint32_t *row_in;  /* one row's counted segments (row-by-row counts) */
  uint16_t *pair16;  /* row-by-row overlaps of one batch (all 0 between batches) */
  seg_and_count_fn and_count;
} seg_detail;

void seg_detail_init(seg_detail *d, const graph *g, const uint32_t *value_base, uint32_t nvalues);
void seg_detail_free(seg_detail *d);

/* A batch of n rows: mvals[m][i] is row i's value of macro m, mic[k] the
** members of micro k (bits beyond n clear in the words that hold rows);
** tw, when not NULL, the same by row (row i's micros in tw[i * tnw ...],
** k in word k / 64). Cross and overlap counts are each made with popcounts
** over the batch, or row by row from tw when rows are in few segments
** (cheaper with many), whichever costs less. */
void seg_detail_batch(seg_detail *d, uint32_t n, const uint32_t *const *mvals,
                      const uint64_t *const *mic, const uint64_t *tw, size_t tnw,
                      uint64_t *cross, uint64_t *overlap);
/* One row: vals[m] its macro values, bits[k] & 1 its membership of micro k. */
void seg_detail_row(seg_detail *d, const uint32_t *vals, const uint64_t *bits, uint64_t *cross,
                    uint64_t *overlap);

#endif
