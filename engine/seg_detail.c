/* SPDX-License-Identifier: MIT */
/*
** seg_detail.c -- cross and overlap counts (see seg_detail.h).
*/
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "error.h"
#include "seg_detail.h"

void seg_detail_init(seg_detail *d, const graph *g, const uint32_t *value_base, uint32_t nvalues) {
  memset(d, 0, sizeof *d);
  d->nd = seg_detail_micros(g);
  d->nvalues = nvalues;
  d->nmacros = g->nmacros;
  d->value_base = value_base;
  d->vbits = cl_calloc((size_t)(nvalues ? nvalues : 1) * BATCH_WORDS, sizeof *d->vbits);
  d->active = cl_calloc(d->nd ? d->nd : 1, sizeof *d->active);
}

void seg_detail_free(seg_detail *d) {
  free(d->vbits);
  free(d->active);
  memset(d, 0, sizeof *d);
}

static inline uint64_t and_count(const uint64_t *a, const uint64_t *b, uint32_t nw) {
  uint64_t c = 0;
  for (uint32_t w = 0; w < nw; w++) c += (uint64_t)__builtin_popcountll(a[w] & b[w]);
  return c;
}

/* Overlaps row by row: each row adds 1 to the pairs of the segments it is in. */
static void overlap_rows(seg_detail *d, uint32_t n, const uint64_t *tw, size_t tnw,
                         uint64_t *overlap) {
  uint32_t *in = d->active; /* reused: the active list is done with */
  size_t dw = ((size_t)d->nd + 63) / 64;
  for (uint32_t i = 0; i < n; i++) {
    const uint64_t *r = tw + (size_t)i * tnw;
    uint32_t c = 0;
    for (size_t w = 0; w < dw; w++) {
      uint64_t bits = r[w];
      if (w == dw - 1 && d->nd % 64) bits &= (1ULL << (d->nd % 64)) - 1; /* counted micros only */
      for (; bits; bits &= bits - 1) in[c++] = (uint32_t)(w * 64 + (uint32_t)__builtin_ctzll(bits));
    }
    for (uint32_t a = 0; a + 1 < c; a++)
      for (uint32_t b = a + 1; b < c; b++) overlap[seg_pair_ix(d->nd, in[a], in[b])]++;
  }
}

void seg_detail_batch(seg_detail *d, uint32_t n, const uint32_t *const *mvals,
                      const uint64_t *const *mic, const uint64_t *tw, size_t tnw,
                      uint64_t *cross, uint64_t *overlap) {
  if (!d->nd || !n) return;
  uint32_t nw = (n + 63) / 64, na = 0;
  for (uint32_t k = 0; k < d->nd; k++) { /* segments with no member here cost nothing */
    uint64_t any = 0;
    for (uint32_t w = 0; w < nw; w++) any |= mic[k][w];
    if (any) d->active[na++] = k;
  }
  if (!na) return;
  if (d->nvalues) {
    memset(d->vbits, 0, (size_t)d->nvalues * BATCH_WORDS * sizeof *d->vbits);
    for (uint32_t m = 0; m < d->nmacros; m++) {
      uint64_t *vb = d->vbits + (size_t)d->value_base[m] * BATCH_WORDS;
      const uint32_t *mv = mvals[m];
      for (uint32_t i = 0; i < n; i++) vb[(size_t)mv[i] * BATCH_WORDS + (i >> 6)] |= 1ULL << (i & 63);
    }
    for (uint32_t a = 0; a < na; a++) {
      uint32_t k = d->active[a];
      uint64_t *row = cross + (size_t)k * d->nvalues;
      for (uint32_t v = 0; v < d->nvalues; v++)
        row[v] += and_count(mic[k], d->vbits + (size_t)v * BATCH_WORDS, nw);
    }
  }
  /* pair by pair costs na^2/2 word ANDs per word of rows; row by row, the
  ** pairs of each row's segments: take the cheaper */
  uint64_t members = 0;
  for (uint32_t a = 0; a < na; a++) members += and_count(mic[d->active[a]], mic[d->active[a]], nw);
  double by_pairs = (double)na * (double)(na - 1) / 2 * nw;
  double by_rows = (double)members * ((double)members / n + 1) / 2 + (double)n * (d->nd / 64 + 1);
  if (tw && by_rows < by_pairs) {
    overlap_rows(d, n, tw, tnw, overlap);
    return;
  }
  for (uint32_t a = 0; a < na; a++) {
    uint32_t j = d->active[a];
    for (uint32_t b = a + 1; b < na; b++) {
      uint32_t k = d->active[b];
      overlap[seg_pair_ix(d->nd, j, k)] += and_count(mic[j], mic[k], nw);
    }
  }
}

void seg_detail_row(seg_detail *d, const uint32_t *vals, const uint64_t *bits, uint64_t *cross,
                    uint64_t *overlap) {
  uint32_t na = 0;
  for (uint32_t k = 0; k < d->nd; k++)
    if (bits[k] & 1) d->active[na++] = k;
  for (uint32_t a = 0; a < na; a++) {
    uint32_t k = d->active[a];
    uint64_t *row = cross + (size_t)k * d->nvalues;
    for (uint32_t m = 0; m < d->nmacros; m++) row[d->value_base[m] + vals[m]]++;
    for (uint32_t b = a + 1; b < na; b++) overlap[seg_pair_ix(d->nd, k, d->active[b])]++;
  }
}
