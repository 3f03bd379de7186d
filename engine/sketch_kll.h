/* SPDX-License-Identifier: MIT */
/*
** sketch_kll.h -- a KLL quantile sketch (Karnin, Lang, Liberty, "Optimal
** Quantile Approximation in Streams", FOCS 2016): a stack of compactors,
** level h holding items of weight 2^h. A level that reaches its capacity
** (k * (2/3)^(depth below the top), at least 2) is sorted and every other
** item, from a random offset, moves up one level with twice the weight.
**
** Mergeable: merging two sketches appends their levels and compacts, so a
** sketch of shards answers like one sketch of the whole input, within the
** same bound. Deterministic: the coin flips come from a splitmix64 stream
** with a fixed seed held in the sketch (no global state), so the same values
** in the same order (and the same merges in the same order) give the same
** sketch, byte for byte. Levels above 0 are kept sorted (a compaction's
** output is merged in), so only level 0 is ever sorted.
**
** The bound (docs/stats.md): with KLL_K = 1024 the normalised rank error of
** a quantile is below KLL_EPS = 0.5 % of n (measured: under 0.12 % on 1M
** values of every distribution tests/t_sketch.c tries); min and max are
** exact. Only finite numbers enter (kll_add refuses the rest).
**
** Quantile q (0 < q < 1) is the smallest value v with more than q*n values
** <= v (so values >= quantile(0.9) are the top 10 %, ties included): for the
** exact data, sorted x[0..n), x[floor(q*n)]. The lower quantile is the
** smallest v with at least q*n values <= v (values <= lower quantile(0.1)
** are the bottom 10 %, ties included): x[ceil(q*n) - 1].
*/
#ifndef CLEAVE_SKETCH_KLL_H
#define CLEAVE_SKETCH_KLL_H

#include <stddef.h>
#include <stdint.h>

#define KLL_K 1024
#define KLL_EPS 0.005
#define KLL_MIN_K 8
#define KLL_MAX_K 65536
#define KLL_MAX_LEVELS 60

typedef struct kll {
  uint32_t k;
  uint32_t nlev;
  double **lev;      /* nlev levels of items */
  uint32_t *len;     /* items in each */
  uint32_t *alloc;   /* room in each */
  uint64_t n;        /* values added (the items' total weight) */
  uint64_t size;     /* items held */
  uint64_t max_size; /* compaction starts when size reaches it */
  double min, max;   /* exact; meaningful when n > 0 */
  uint64_t rng;      /* splitmix64 state */
} kll;

void kll_init(kll *s, uint32_t k);
void kll_free(kll *s);
/* Add x: 0, or -1 (nothing added) when x is not finite. */
int kll_add(kll *s, double x);
/* Add from's values to into: 0, or -1 when their k differ. */
int kll_merge(kll *into, const kll *from);
/* Capacity of level h in a sketch of nlev levels. */
uint32_t kll_capacity(uint32_t k, uint32_t nlev, uint32_t h);

/* Rebuild a sketch from its levels (as written by a stats file): 0, or -1
** with the reason in why (k out of range, too many levels or items, an item
** that is not finite or outside [min, max], weights that do not add up to n). */
int kll_from_levels(kll *s, uint32_t k, uint32_t nlev, const double *const *items,
                    const uint32_t *lens, uint64_t n, double min, double max,
                    char *why, size_t whylen);

/* A sorted view for queries. */
typedef struct kll_view {
  double *v;
  uint64_t *cum; /* total weight of v[0..i] */
  size_t m;
  uint64_t n;
  double min, max;
} kll_view;

void kll_view_init(kll_view *w, const kll *s);
void kll_view_free(kll_view *w);
/* Quantile q (clamped to [0, 1]; 0 = min, 1 = max); NaN for an empty sketch. */
double kll_view_quantile(const kll_view *w, double q);
/* The lower quantile q (the same clamping). */
double kll_view_quantile_lower(const kll_view *w, double q);

#endif
