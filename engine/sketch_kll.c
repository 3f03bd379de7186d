/* SPDX-License-Identifier: MIT */
/*
** sketch_kll.c -- the KLL sketch (sketch_kll.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "error.h"
#include "sketch_kll.h"

#define KLL_SEED 0x636c65617665ULL /* "cleave" */

static uint64_t next_rand(uint64_t *st) { /* splitmix64 */
  uint64_t z = (*st += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint32_t kll_capacity(uint32_t k, uint32_t nlev, uint32_t h) {
  double c = ceil((double)k * pow(2.0 / 3.0, (double)(nlev - 1 - h)));
  return c < 2 ? 2 : (uint32_t)c;
}

static void set_max_size(kll *s) {
  s->max_size = 0;
  for (uint32_t h = 0; h < s->nlev; h++) s->max_size += kll_capacity(s->k, s->nlev, h);
}

static void grow(kll *s) {
  s->lev = cl_realloc(s->lev, (s->nlev + 1) * sizeof *s->lev);
  s->len = cl_realloc(s->len, (s->nlev + 1) * sizeof *s->len);
  s->alloc = cl_realloc(s->alloc, (s->nlev + 1) * sizeof *s->alloc);
  s->lev[s->nlev] = NULL;
  s->len[s->nlev] = s->alloc[s->nlev] = 0;
  s->nlev++;
  set_max_size(s);
}

static void room(kll *s, uint32_t h, uint32_t n) {
  if (s->len[h] + n <= s->alloc[h]) return;
  uint32_t a = s->alloc[h] ? s->alloc[h] : 16;
  while (a < s->len[h] + n) a *= 2;
  s->lev[h] = cl_realloc(s->lev[h], a * sizeof **s->lev);
  s->alloc[h] = a;
}

/* Level 0: items appended as they come. */
static void push(kll *s, uint32_t h, const double *x, uint32_t n) {
  if (!n) return;
  room(s, h, n);
  memcpy(s->lev[h] + s->len[h], x, n * sizeof *x);
  s->len[h] += n;
  s->size += n;
}

/* Levels 1 and up are kept sorted: the sorted run x (never inside level h)
** is merged in, from the back. A compaction then needs no sort. */
static void push_sorted(kll *s, uint32_t h, const double *x, uint32_t n) {
  if (!n) return;
  room(s, h, n);
  double *a = s->lev[h];
  size_t i = s->len[h], j = n, k = s->len[h] + n;
  while (j > 0) {
    if (i > 0 && a[i - 1] > x[j - 1]) a[--k] = a[--i];
    else a[--k] = x[--j];
  }
  s->len[h] += n;
  s->size += n;
}

void kll_init(kll *s, uint32_t k) {
  memset(s, 0, sizeof *s);
  s->k = k;
  s->rng = KLL_SEED;
  grow(s);
}

void kll_free(kll *s) {
  for (uint32_t h = 0; h < s->nlev; h++) free(s->lev[h]);
  free(s->lev);
  free(s->len);
  free(s->alloc);
  memset(s, 0, sizeof *s);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorting a level (no NaN ever enters): quicksort with a median-of-three
** Hoare partition (runs of equal values split evenly), insertion sort for
** short ranges, heapsort past a depth limit (O(n log n) whatever the data).
** qsort's comparison callback cost more than half of a stats pass. */
static void sift(double *a, size_t n, size_t i) {
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && a[c + 1] > a[c]) c++;
    if (!(a[c] > a[i])) return;
    double t = a[i];
    a[i] = a[c];
    a[c] = t;
    i = c;
  }
}

static void heap_sort(double *a, size_t n) {
  for (size_t i = n / 2; i-- > 0;) sift(a, n, i);
  for (size_t e = n; e-- > 1;) {
    double t = a[0];
    a[0] = a[e];
    a[e] = t;
    sift(a, e, 0);
  }
}

static void sort_doubles(double *a, size_t n, int depth) {
  while (n > 16) {
    if (depth-- == 0) {
      heap_sort(a, n);
      return;
    }
    double x = a[0], y = a[n / 2], z = a[n - 1];
    double p = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    size_t i = 0, j = n - 1;
    for (;;) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i >= j) break;
      double t = a[i];
      a[i] = a[j];
      a[j] = t;
      i++;
      j--;
    }
    /* a[0..j] <= p <= a[j+1..n): recurse on the smaller side */
    size_t left = j + 1;
    if (left < n - left) {
      sort_doubles(a, left, depth);
      a += left;
      n -= left;
    } else {
      sort_doubles(a + left, n - left, depth);
      n = left;
    }
  }
  for (size_t i = 1; i < n; i++) {
    double v = a[i];
    size_t k = i;
    while (k > 0 && a[k - 1] > v) {
      a[k] = a[k - 1];
      k--;
    }
    a[k] = v;
  }
}

/* Sort level h; every other item (from a random offset) moves up; an odd
** one out (the smallest) stays. */
static void compact(kll *s, uint32_t h) {
  if (h + 1 >= s->nlev) grow(s);
  double *x = s->lev[h];
  uint32_t n = s->len[h];
  if (h == 0) sort_doubles(x, n, 64); /* the others are sorted (push_sorted) */
  uint32_t start = n & 1, off = (uint32_t)(next_rand(&s->rng) >> 63), m = 0;
  for (uint32_t i = start; i + 1 < n; i += 2) x[start + m++] = x[i + off];
  s->len[h] = start;
  s->size -= n - start;
  push_sorted(s, h + 1, x + start, m);
}

static void compress(kll *s) {
  while (s->size >= s->max_size) {
    for (uint32_t h = 0; h < s->nlev; h++) {
      if (s->len[h] >= kll_capacity(s->k, s->nlev, h)) {
        compact(s, h);
        if (s->size < s->max_size) break;
      }
    }
  }
}

int kll_add(kll *s, double x) {
  if (!isfinite(x)) return -1;
  if (!s->n || x < s->min) s->min = x;
  if (!s->n || x > s->max) s->max = x;
  s->n++;
  push(s, 0, &x, 1);
  if (s->size >= s->max_size) compress(s);
  return 0;
}

int kll_merge(kll *into, const kll *from) {
  if (into->k != from->k) return -1;
  if (!from->n) return 0;
  while (into->nlev < from->nlev) grow(into);
  push(into, 0, from->lev[0], from->len[0]);
  for (uint32_t h = 1; h < from->nlev; h++) push_sorted(into, h, from->lev[h], from->len[h]);
  if (!into->n || from->min < into->min) into->min = from->min;
  if (!into->n || from->max > into->max) into->max = from->max;
  into->n += from->n;
  if (into->size >= into->max_size) compress(into);
  return 0;
}

int kll_from_levels(kll *s, uint32_t k, uint32_t nlev, const double *const *items,
                    const uint32_t *lens, uint64_t n, double min, double max,
                    char *why, size_t whylen) {
  memset(s, 0, sizeof *s);
  if (k < KLL_MIN_K || k > KLL_MAX_K) {
    snprintf(why, whylen, "k = %u is not from %d to %d", k, KLL_MIN_K, KLL_MAX_K);
    return -1;
  }
  if (nlev < 1 || nlev > KLL_MAX_LEVELS) {
    snprintf(why, whylen, "%u levels (1 to %d)", nlev, KLL_MAX_LEVELS);
    return -1;
  }
  kll_init(s, k);
  while (s->nlev < nlev) grow(s);
  uint64_t total = 0, weight = 0;
  for (uint32_t h = 0; h < nlev; h++) total += lens[h];
  if (total >= s->max_size) {
    snprintf(why, whylen, "%llu items, more than a sketch of k = %u holds",
             (unsigned long long)total, k);
    kll_free(s);
    return -1;
  }
  for (uint32_t h = 0; h < nlev; h++) {
    for (uint32_t i = 0; i < lens[h]; i++) {
      double x = items[h][i];
      if (!isfinite(x) || x < min || x > max) {
        snprintf(why, whylen, "level %u item %u is not a finite number within min..max", h, i);
        kll_free(s);
        return -1;
      }
    }
    push(s, h, items[h], lens[h]);
    if (h) sort_doubles(s->lev[h], s->len[h], 64); /* levels above 0 are kept sorted */
    if (lens[h] && (h >= 64 || lens[h] > (UINT64_MAX - weight) >> h)) {
      snprintf(why, whylen, "level %u weighs more than 2^64 values", h);
      kll_free(s);
      return -1;
    }
    weight += (uint64_t)lens[h] << h;
  }
  if (weight != n || (n && !(min <= max))) {
    snprintf(why, whylen, "the levels weigh %llu, not the count %llu", (unsigned long long)weight,
             (unsigned long long)n);
    kll_free(s);
    return -1;
  }
  s->n = n;
  s->min = min;
  s->max = max;
  return 0;
}

typedef struct witem {
  double v;
  uint64_t w;
} witem;

static int cmp_witem(const void *a, const void *b) {
  return cmp_double(&((const witem *)a)->v, &((const witem *)b)->v);
}

void kll_view_init(kll_view *w, const kll *s) {
  memset(w, 0, sizeof *w);
  w->n = s->n;
  w->min = s->min;
  w->max = s->max;
  size_t m = (size_t)s->size;
  witem *it = cl_malloc((m ? m : 1) * sizeof *it);
  size_t j = 0;
  for (uint32_t h = 0; h < s->nlev; h++)
    for (uint32_t i = 0; i < s->len[h]; i++) it[j++] = (witem){s->lev[h][i], 1ULL << h};
  qsort(it, m, sizeof *it, cmp_witem);
  w->v = cl_malloc((m ? m : 1) * sizeof *w->v);
  w->cum = cl_malloc((m ? m : 1) * sizeof *w->cum);
  uint64_t c = 0;
  for (size_t i = 0; i < m; i++) {
    c += it[i].w;
    w->v[i] = it[i].v;
    w->cum[i] = c;
  }
  w->m = m;
  free(it);
}

void kll_view_free(kll_view *w) {
  free(w->v);
  free(w->cum);
  memset(w, 0, sizeof *w);
}

/* The first item with more weight than q*n at or below it (lower: at least). */
static double quantile(const kll_view *w, double q, int lower) {
  if (!w->n || !w->m) return NAN;
  if (!(q > 0)) return w->min;
  if (q >= 1) return w->max;
  double target = q * (double)w->n;
  size_t lo = 0, hi = w->m - 1;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (lower ? (double)w->cum[mid] >= target : (double)w->cum[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  double v = w->v[lo];
  return v < w->min ? w->min : v > w->max ? w->max : v;
}

double kll_view_quantile(const kll_view *w, double q) { return quantile(w, q, 0); }
double kll_view_quantile_lower(const kll_view *w, double q) { return quantile(w, q, 1); }
