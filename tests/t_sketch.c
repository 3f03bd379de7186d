/* SPDX-License-Identifier: MIT */
/*
** t_sketch.c -- the KLL sketch (engine/sketch_kll.h) against exact
** quantiles of the sorted data: 1M values of several distributions (uniform,
** lognormal spend, many ties, all equal, sorted and reversed input), each
** quantile 0.01..0.99 within the documented rank error KLL_EPS; a merge of 4
** shards within the same bound; empty sketches; non-finite values refused;
** rebuilding from levels (as a stats file holds them) and its refusals.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sketch_kll.h"
#include "tap.h"

#define N 1000000

static uint64_t rs = 88172645463325252ULL;
static double urand(void) { /* xorshift64: the test's own data, not the sketch's coins */
  rs ^= rs << 13;
  rs ^= rs >> 7;
  rs ^= rs << 17;
  return (double)(rs >> 11) / 9007199254740992.0;
}

static double gauss(void) {
  double u = urand(), v = urand();
  return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* values < v and <= v in sorted x */
static void ranks(const double *x, size_t n, double v, size_t *lt, size_t *le) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    if (x[m] < v) lo = m + 1;
    else hi = m;
  }
  *lt = lo;
  hi = n;
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    if (x[m] <= v) lo = m + 1;
    else hi = m;
  }
  *le = lo;
}

/* The rank error of v as quantile q of sorted x: 0 when q*n lies in
** [values < v, values <= v), else how far outside, over n. */
static double rank_err(const double *x, size_t n, double v, double q) {
  size_t lt, le;
  ranks(x, n, v, &lt, &le);
  double t = q * (double)n, e = 0;
  if ((double)lt > t) e = ((double)lt - t) / (double)n;
  if ((double)le <= t) e = (t - (double)le + 1) / (double)n;
  return e;
}

/* The same for a lower quantile: exact when values < v < q*n <= values <= v. */
static double rank_err_lower(const double *x, size_t n, double v, double q) {
  size_t lt, le;
  ranks(x, n, v, &lt, &le);
  double t = q * (double)n, e = 0;
  if ((double)lt >= t) e = ((double)lt - t + 1) / (double)n;
  if ((double)le < t) e = (t - (double)le) / (double)n;
  return e;
}

typedef struct errs {
  double max, at50, at90, at99;
} errs;

static errs sketch_errs(const kll *s, const double *sorted, size_t n) {
  kll_view w;
  kll_view_init(&w, s);
  errs e = {0, 0, 0, 0};
  for (int i = 1; i <= 99; i++) {
    double q = i / 100.0, err = rank_err(sorted, n, kll_view_quantile(&w, q), q);
    double el = rank_err_lower(sorted, n, kll_view_quantile_lower(&w, q), q);
    if (el > err) err = el;
    if (err > e.max) e.max = err;
    if (i == 50) e.at50 = err;
    if (i == 90) e.at90 = err;
    if (i == 99) e.at99 = err;
  }
  kll_view_free(&w);
  return e;
}

static void fill(int dist, double *x) {
  for (size_t i = 0; i < N; i++) {
    switch (dist) {
    case 0: x[i] = urand() * 1000; break;
    case 1: x[i] = round(exp(5 + 1.3 * gauss()) * 100) / 100; break; /* spend, cents */
    case 2: x[i] = (double)(int)(urand() * 10); break;               /* 10 distinct values */
    case 3: x[i] = 42; break;
    case 4: x[i] = (double)i; break;
    default: x[i] = (double)(N - i); break;
    }
  }
}

static const char *const names[] = {"uniform", "lognormal spend", "many ties (10 values)",
                                    "all equal", "sorted input", "reversed input"};

int main(void) {
  double *x = malloc(N * sizeof *x), *sorted = malloc(N * sizeof *sorted);
  for (int dist = 0; dist < 6; dist++) {
    fill(dist, x);
    memcpy(sorted, x, N * sizeof *x);
    qsort(sorted, N, sizeof *sorted, cmpd);
    kll one, shard[4], merged;
    kll_init(&one, KLL_K);
    for (int j = 0; j < 4; j++) kll_init(&shard[j], KLL_K);
    for (size_t i = 0; i < N; i++) {
      kll_add(&one, x[i]);
      kll_add(&shard[i * 4 / N], x[i]);
    }
    kll_init(&merged, KLL_K);
    for (int j = 0; j < 4; j++) kll_merge(&merged, &shard[j]);
    is_int(one.n, N, "%s: n", names[dist]);
    ok(one.min == sorted[0] && one.max == sorted[N - 1], "%s: min and max are exact",
       names[dist]);
    ok(one.size < 4 * KLL_K, "%s: %llu items kept (of %d)", names[dist],
       (unsigned long long)one.size, N);
    errs e = sketch_errs(&one, sorted, N), m = sketch_errs(&merged, sorted, N);
    diag("%s: rank error max %.4f%% (q .5 %.4f%%, .9 %.4f%%, .99 %.4f%%); 4 shards merged: "
         "max %.4f%%", names[dist], 100 * e.max, 100 * e.at50, 100 * e.at90, 100 * e.at99,
         100 * m.max);
    ok(e.max <= KLL_EPS, "%s: every quantile 0.01..0.99 within %.2f%% rank error (max %.4f%%)",
       names[dist], 100 * KLL_EPS, 100 * e.max);
    ok(m.max <= KLL_EPS, "%s: merge of 4 shards within %.2f%% too (max %.4f%%)", names[dist],
       100 * KLL_EPS, 100 * m.max);
    is_int(merged.n, N, "%s: merged n", names[dist]);
    ok(merged.min == one.min && merged.max == one.max, "%s: merged min, max", names[dist]);
    if (dist == 3) {
      kll_view w;
      kll_view_init(&w, &merged);
      ok(kll_view_quantile(&w, 0.01) == 42 && kll_view_quantile(&w, 0.99) == 42,
         "all equal: every quantile is the value");
      kll_view_free(&w);
    }
    /* determinism: the same values in the same order, the same sketch */
    if (dist == 1) {
      kll again;
      kll_init(&again, KLL_K);
      for (size_t i = 0; i < N; i++) kll_add(&again, x[i]);
      int same = again.nlev == one.nlev && again.size == one.size;
      for (uint32_t h = 0; same && h < one.nlev; h++)
        same = again.len[h] == one.len[h] &&
               memcmp(again.lev[h], one.lev[h], one.len[h] * sizeof(double)) == 0;
      ok(same, "the same input gives the same sketch, item for item");
      kll_free(&again);
      /* rebuilt from its levels, it answers the same */
      kll r;
      char why[200] = "";
      int rc = kll_from_levels(&r, one.k, one.nlev, (const double *const *)one.lev, one.len,
                               one.n, one.min, one.max, why, sizeof why);
      ok(rc == 0, "rebuilt from levels (%s)", why);
      if (rc == 0) {
        kll_view a, b;
        kll_view_init(&a, &one);
        kll_view_init(&b, &r);
        int eq = 1;
        for (int i = 1; i <= 99; i++)
          eq = eq && kll_view_quantile(&a, i / 100.0) == kll_view_quantile(&b, i / 100.0);
        ok(eq, "the rebuilt sketch gives the same quantiles");
        kll_view_free(&a);
        kll_view_free(&b);
        kll_free(&r);
      }
      ok(kll_from_levels(&r, one.k, one.nlev, (const double *const *)one.lev, one.len,
                         one.n + 1, one.min, one.max, why, sizeof why) == -1,
         "levels that do not weigh n are refused: %s", why);
      ok(kll_from_levels(&r, one.k, one.nlev, (const double *const *)one.lev, one.len, one.n,
                         sorted[N / 2], one.max, why, sizeof why) == -1,
         "an item below min is refused: %s", why);
      ok(kll_from_levels(&r, 4, one.nlev, (const double *const *)one.lev, one.len, one.n,
                         one.min, one.max, why, sizeof why) == -1,
         "k out of range is refused: %s", why);
      ok(kll_from_levels(&r, 16, one.nlev, (const double *const *)one.lev, one.len, one.n,
                         one.min, one.max, why, sizeof why) == -1,
         "more items than k holds is refused: %s", why);
    }
    kll_free(&one);
    kll_free(&merged);
    for (int j = 0; j < 4; j++) kll_free(&shard[j]);
  }
  /* weights that wrap around 2^64 are refused, not taken for the count */
  {
    double one[1] = {1}, many[32];
    for (int i = 0; i < 32; i++) many[i] = 1;
    const double *items[60] = {0};
    uint32_t lens[60] = {0};
    items[0] = one;
    lens[0] = 1;
    items[59] = many;
    lens[59] = 32; /* 32 * 2^59 = 2^64: 1 + that wraps to 1 */
    kll r;
    char why[200] = "";
    ok(kll_from_levels(&r, KLL_K, 60, items, lens, 1, 1, 1, why, sizeof why) == -1,
       "levels weighing more than 2^64 are refused: %s", why);
  }
  /* empty sketches, refused values, mismatched k */
  kll e, f;
  kll_init(&e, KLL_K);
  kll_init(&f, 200);
  ok(kll_add(&e, NAN) == -1 && kll_add(&e, INFINITY) == -1 && e.n == 0,
     "NaN and infinities never enter");
  kll_view w;
  kll_view_init(&w, &e);
  ok(isnan(kll_view_quantile(&w, 0.5)), "an empty sketch has no quantile");
  kll_view_free(&w);
  ok(kll_merge(&e, &f) == -1, "sketches of different k do not merge");
  kll g;
  kll_init(&g, KLL_K);
  kll_add(&g, 7);
  ok(kll_merge(&e, &g) == 0 && kll_merge(&g, &f) == -1 && e.n == 1,
     "an empty sketch merges with one of one value");
  kll_view_init(&w, &e);
  ok(kll_view_quantile(&w, 0.5) == 7 && kll_view_quantile(&w, 0) == 7 &&
     kll_view_quantile(&w, 1) == 7, "one value: every quantile is it");
  kll_view_free(&w);
  /* small inputs are held exactly: upper x[floor(qn)], lower x[ceil(qn) - 1] */
  kll h;
  kll_init(&h, KLL_K);
  for (int i = 20; i >= 1; i--) kll_add(&h, i * 10);
  kll_view_init(&w, &h);
  ok(kll_view_quantile(&w, 0.9) == 190 && kll_view_quantile_lower(&w, 0.25) == 50 &&
     kll_view_quantile(&w, 0.5) == 110 && kll_view_quantile_lower(&w, 0.5) == 100 &&
     kll_view_quantile(&w, 0.03) == 10 && kll_view_quantile_lower(&w, 0.03) == 10,
     "20 values: quantile(.9) = 190, lower(.25) = 50, quantile(.5) = 110, lower(.5) = 100");
  kll_view_free(&w);
  kll_free(&h);
  kll_free(&e);
  kll_free(&f);
  kll_free(&g);
  free(x);
  free(sorted);
  return done_testing();
}
