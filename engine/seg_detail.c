/* SPDX-License-Identifier: MIT */
/*
** seg_detail.c -- cross and overlap counts (see seg_detail.h).
*/
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "batch.h"
#include "error.h"
#include "seg_detail.h"

/* Bits set in a[w] & b[w] over nw words. The build targets baseline x86-64,
** where __builtin_popcountll is a libgcc call (about 15 instructions a word):
** on a CPU with POPCNT (every x86-64 CPU since 2008) the same loop is
** compiled for it and chosen at seg_detail_init. */
static uint64_t and_count_base(const uint64_t *a, const uint64_t *b, uint32_t nw) {
  uint64_t c = 0;
  for (uint32_t w = 0; w < nw; w++) c += (uint64_t)__builtin_popcountll(a[w] & b[w]);
  return c;
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && !defined(__POPCNT__)
#define SEG_POPCNT_DISPATCH 1
__attribute__((target("popcnt"))) static uint64_t and_count_popcnt(const uint64_t *a,
                                                                   const uint64_t *b, uint32_t nw) {
  uint64_t c = 0;
  for (uint32_t w = 0; w < nw; w++) c += (uint64_t)__builtin_popcountll(a[w] & b[w]);
  return c;
}
#endif

static seg_and_count_fn pick_and_count(void) {
#ifdef SEG_POPCNT_DISPATCH
  __builtin_cpu_init();
  if (__builtin_cpu_supports("popcnt")) return and_count_popcnt;
#endif
  return and_count_base;
}

void seg_detail_init(seg_detail *d, const graph *g, const uint32_t *value_base, uint32_t nvalues) {
  memset(d, 0, sizeof *d);
  d->nd = seg_detail_micros(g);
  d->nvalues = nvalues;
  d->nmacros = g->nmacros;
  d->value_base = value_base;
  d->vbits = cl_calloc((size_t)(nvalues ? nvalues : 1) * BATCH_WORDS, sizeof *d->vbits);
  d->active = cl_calloc(d->nd ? d->nd : 1, sizeof *d->active);
  d->row_in = cl_calloc(d->nd ? d->nd : 1, sizeof *d->row_in);
  d->pair16 = cl_calloc(seg_overlap_pairs(d->nd) + 1, sizeof *d->pair16);
  d->and_count = pick_and_count();
}

void seg_detail_free(seg_detail *d) {
  free(d->vbits);
  free(d->active);
  free(d->row_in);
  free(d->pair16);
  memset(d, 0, sizeof *d);
}

/* overlap[p] += p16[p], and p16 cleared. Counting a batch in 16 bits keeps
** the counters a quarter of the size (the cache misses of adding to random
** pairs were most of the cost); this pass is sequential. */
static void add_pairs(uint64_t *overlap, uint16_t *p16, size_t np) {
  size_t p = 0;
#ifdef __SSE2__
  const __m128i z = _mm_setzero_si128();
  for (; p + 8 <= np; p += 8) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p16 + p));
    if (_mm_movemask_epi8(_mm_cmpeq_epi16(v, z)) == 0xFFFF) continue; /* no pair here */
    __m128i lo = _mm_unpacklo_epi16(v, z), hi = _mm_unpackhi_epi16(v, z);
    __m128i *o = (__m128i *)(void *)(overlap + p);
    _mm_storeu_si128(o, _mm_add_epi64(_mm_loadu_si128(o), _mm_unpacklo_epi32(lo, z)));
    _mm_storeu_si128(o + 1, _mm_add_epi64(_mm_loadu_si128(o + 1), _mm_unpackhi_epi32(lo, z)));
    _mm_storeu_si128(o + 2, _mm_add_epi64(_mm_loadu_si128(o + 2), _mm_unpacklo_epi32(hi, z)));
    _mm_storeu_si128(o + 3, _mm_add_epi64(_mm_loadu_si128(o + 3), _mm_unpackhi_epi32(hi, z)));
    _mm_storeu_si128((__m128i *)(void *)(p16 + p), z);
  }
#endif
  for (; p < np; p++) {
    overlap[p] += p16[p];
    p16[p] = 0;
  }
}

/* Row by row: each row adds 1 to the pairs of the segments it is in
** (overlap, when not NULL) and to its macro values in each of them (cross,
** when not NULL). */
static void detail_rows(seg_detail *d, uint32_t n, const uint32_t *const *mvals,
                        const uint64_t *tw, size_t tnw, uint64_t *cross, uint64_t *overlap) {
  uint32_t *in = d->row_in;
  uint16_t *p16 = d->pair16; /* a batch's overlaps (at most BATCH_MAX each), added below */
  size_t dw = ((size_t)d->nd + 63) / 64;
  uint32_t vo[64];
  uint32_t nm = d->nmacros <= 64 ? d->nmacros : 64; /* more: cross by popcount (below) */
  for (uint32_t i = 0; i < n; i++) {
    const uint64_t *r = tw + (size_t)i * tnw;
    uint32_t c = 0;
    for (size_t w = 0; w < dw; w++) {
      uint64_t bits = r[w];
      if (w == dw - 1 && d->nd % 64) bits &= (1ULL << (d->nd % 64)) - 1; /* counted micros only */
      for (; bits; bits &= bits - 1) in[c++] = (uint32_t)(w * 64 + (uint32_t)__builtin_ctzll(bits));
    }
    if (cross && c) {
      for (uint32_t m = 0; m < nm; m++) vo[m] = d->value_base[m] + mvals[m][i];
      for (uint32_t a = 0; a < c; a++) {
        uint64_t *row = cross + (size_t)in[a] * d->nvalues;
        for (uint32_t m = 0; m < nm; m++) row[vo[m]]++;
      }
    }
    if (overlap)
      for (uint32_t a = 0; a + 1 < c; a++) {
        /* pair (j, k), j < k, is at seg_pair_ix(j, j + 1) + k - j - 1: o + k
        ** (unsigned, so the wrap of o itself below 0 is defined) */
        size_t o = seg_pair_ix(d->nd, in[a], in[a] + 1) - in[a] - 1;
        uint32_t b = a + 1;
        for (; b + 4 <= c; b += 4) {
          p16[o + in[b]]++;
          p16[o + in[b + 1]]++;
          p16[o + in[b + 2]]++;
          p16[o + in[b + 3]]++;
        }
        for (; b < c; b++) p16[o + in[b]]++;
      }
  }
  if (overlap) add_pairs(overlap, p16, seg_overlap_pairs(d->nd));
}

void seg_detail_batch(seg_detail *d, uint32_t n, const uint32_t *const *mvals,
                      const uint64_t *const *mic, const uint64_t *tw, size_t tnw,
                      uint64_t *cross, uint64_t *overlap) {
  if (!d->nd || !n) return;
  seg_and_count_fn and_count = d->and_count;
  uint32_t nw = (n + 63) / 64, na = 0;
  for (uint32_t k = 0; k < d->nd; k++) { /* segments with no member here cost nothing */
    uint64_t any = 0;
    for (uint32_t w = 0; w < nw; w++) any |= mic[k][w];
    if (any) d->active[na++] = k;
  }
  if (!na) return;
  /* Each count is made over the whole batch with popcounts of ANDed words,
  ** or row by row from tw, whichever costs less: by popcount, cross costs
  ** na x nvalues x nw words and overlap na^2/2 x nw; by row, one pass over
  ** the rows' segments, plus per membership one add per macro (cross) and
  ** per pair of a row's segments one add (overlap). */
  uint64_t members = 0;
  for (uint32_t a = 0; a < na; a++) members += and_count(mic[d->active[a]], mic[d->active[a]], nw);
  double scan = (double)n * (d->nd / 64 + 1) + (double)members;
  double cross_pop = (double)na * d->nvalues * nw * 2, cross_row = (double)members * d->nmacros;
  double pairs_pop = (double)na * (double)(na - 1) / 2 * nw * 2;
  double pairs_row = (double)members * ((double)members / n + 1) / 2;
  int cross_by_row = tw && d->nvalues && d->nmacros <= 64 && cross_row + scan < cross_pop;
  int pairs_by_row = tw && (pairs_row + scan < pairs_pop || (cross_by_row && pairs_row < pairs_pop));
  if (cross_by_row || pairs_by_row)
    detail_rows(d, n, mvals, tw, tnw, cross_by_row ? cross : NULL, pairs_by_row ? overlap : NULL);
  if (d->nvalues && !cross_by_row) {
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
  if (pairs_by_row) return;
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
