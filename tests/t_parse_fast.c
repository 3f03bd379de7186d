/* SPDX-License-Identifier: MIT */
/*
** t_parse_fast.c -- the inline number fast path (values.h: num_parse_plain,
** num_parse_fast) and the SWAR ISO date parser (datecalc.c) against
** independent references on many random strings: every double the fast
** path gives is bit-identical to strtod's and to num_parse's, it accepts
** only what num_parse accepts, and date_parse_iso agrees with a byte-by-byte
** reference parser (the one it replaced) and counts days without a gap.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "datecalc.h"
#include "values.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

/* strtod on the whole string: 0 and *out, or -1 */
static int ref_strtod(const char *s, size_t len, double *out) {
  char buf[64];
  if (len == 0 || len >= sizeof buf) return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  char *end;
  double v = strtod(buf, &end);
  if (end != buf + len || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* A random number-like string: mostly digits, sometimes a '.', a sign,
** an exponent, a space, or junk. */
static size_t random_number(char *s, size_t cap) {
  static const char junk[] = "0123456789.-+eE x,/:";
  size_t len = (size_t)(rnd() % 23);
  if (len >= cap) len = cap - 1;
  unsigned mode = (unsigned)(rnd() % 4);
  for (size_t i = 0; i < len; i++) {
    if (mode < 2) s[i] = (char)('0' + rnd() % 10); /* plain digits */
    else if (mode == 2) s[i] = rnd() % 8 ? (char)('0' + rnd() % 10) : '.';
    else s[i] = junk[rnd() % (sizeof junk - 1)];
  }
  if (mode < 2 && len > 1 && rnd() % 2) s[rnd() % len] = '.';
  s[len] = '\0';
  return len;
}

static void test_numbers(void) {
  char s[32];
  long accepted = 0, fast_bad = 0, full_bad = 0, agree_bad = 0;
  for (long n = 0; n < 400000; n++) {
    size_t len = random_number(s, sizeof s);
    double a = -1, b = -2, r = -3;
    int fa = num_parse_plain(s, len, &a);
    int fb = num_parse(s, len, &b);
    int fc = num_parse_fast(s, len, &r);
    if (fa == 0) {
      accepted++;
      double want;
      if (ref_strtod(s, len, &want) != 0 || !same_bits(a, want) || fb != 0 || !same_bits(a, b)) {
        if (fast_bad++ < 5) diag("fast path: \"%s\" -> %.17g", s, a);
      }
    }
    if (fb == 0) { /* the full parser on anything it accepts without spaces */
      double want;
      if (!memchr(s, ' ', len) && (ref_strtod(s, len, &want) != 0 || !same_bits(b, want)))
        if (full_bad++ < 5) diag("num_parse: \"%s\" -> %.17g", s, b);
    }
    if (fc != fb || (fc == 0 && !same_bits(r, b)))
      if (agree_bad++ < 5) diag("num_parse_fast != num_parse on \"%s\"", s);
  }
  ok(accepted > 100000, "the fast path took %ld of 400000 random strings", accepted);
  ok(fast_bad == 0, "every fast-path double is strtod's and num_parse's, bit for bit (%ld bad)", fast_bad);
  ok(full_bad == 0, "every num_parse double is strtod's (%ld bad)", full_bad);
  ok(agree_bad == 0, "num_parse_fast and num_parse agree on every string (%ld bad)", agree_bad);

  /* the edges: the 2^53 mantissa limit, 19 and 20 digits, a lone or last '.' */
  static const char *const edge[] = {
      "9007199254740992", "9007199254740993", "900719925474099.2", "900719925474099.3",
      "9007199254740993.5", "9999999999999999999", "18446744073709551615", "0.1", "0.30000000000000004",
      "123456789012345.678", "1.", ".5", ".", "00012", "1.2.3", "0", "5e3", "-1", "+1", " 1"};
  int bad = 0;
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    size_t len = strlen(edge[i]);
    double a = 0, b = 0, want = 0;
    int fa = num_parse_plain(edge[i], len, &a), fb = num_parse(edge[i], len, &b);
    if (fa == 0 && (fb != 0 || !same_bits(a, b) || ref_strtod(edge[i], len, &want) != 0 || !same_bits(a, want)))
      bad++, diag("edge \"%s\"", edge[i]);
    if (num_parse_fast(edge[i], len, &a) != fb || (fb == 0 && !same_bits(a, b))) bad++, diag("edge fast \"%s\"", edge[i]);
  }
  ok(bad == 0, "edge cases agree (2^53, 19/20 digits, '.', signs, spaces)");
  double x;
  ok(num_parse_plain("9007199254740993.5", 18, &x) != 0, "a mantissa past 2^53 with a '.' leaves the fast path");
  ok(num_parse_plain("1.", 2, &x) != 0 && num_parse_plain("-1", 2, &x) != 0, "'1.' and '-1' leave the fast path");
}

/* The byte-by-byte parser date_parse_iso replaced: the reference. */
static int ref_date(const char *s, size_t len, int32_t *days) {
  static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (len != 10 || s[4] != '-' || s[7] != '-') return -1;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return -1;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1) return -1;
  if (d > mdays[m - 1] + (m == 2 && leap)) return -1;
  *days = date_from_civil(y, m, d);
  return 0;
}

static void test_dates(void) {
  char s[16];
  long bad = 0, valid = 0;
  for (long n = 0; n < 400000; n++) {
    int y = (int)(rnd() % 10000), m = (int)(rnd() % 14), d = (int)(rnd() % 33);
    snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
    size_t len = 10;
    unsigned mut = (unsigned)(rnd() % 4);
    if (mut == 1) s[rnd() % 10] = (char)(rnd() % 256); /* any byte anywhere, NUL too */
    else if (mut == 2) len = (size_t)(rnd() % 11);
    int32_t a = 7, b = 7;
    int ra = date_parse_iso(s, len, &a), rb = ref_date(s, len, &b);
    valid += rb == 0;
    if (ra != rb || (ra == 0 && a != b))
      if (bad++ < 5) diag("date \"%.*s\": %d/%d vs %d/%d", (int)len, s, ra, a, rb, b);
  }
  ok(valid > 100000, "%ld of 400000 random date texts were valid", valid);
  ok(bad == 0, "date_parse_iso agrees with the reference parser (%ld bad)", bad);
  /* every day 1600-01-01 .. 2400-12-31 once, in order, one apart */
  long gaps = 0, days = 0;
  int32_t prev = 0;
  for (int y = 1600; y <= 2400; y++)
    for (int m = 1; m <= 12; m++)
      for (int d = 1; d <= 31; d++) {
        snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
        int32_t v, r;
        int rv = date_parse_iso(s, 10, &v), rr = ref_date(s, 10, &r);
        if (rv != rr || (rv == 0 && v != r)) gaps++;
        if (rv != 0) continue;
        if (days++ && v != prev + 1) gaps++;
        prev = v;
      }
  ok(gaps == 0 && days == 292560, "1600..2400: %ld valid days, each one after the last (%ld bad)", days, gaps);
  int32_t v;
  ok(date_parse_iso("1970-01-01", 10, &v) == 0 && v == 0, "1970-01-01 is day 0");
  ok(date_parse_iso("2000-02-29", 10, &v) == 0 && date_parse_iso("1900-02-29", 10, &v) != 0,
     "leap days: 2000 has one, 1900 does not");
  ok(date_parse_iso("2026-1-01x", 10, &v) != 0 && date_parse_iso("2026/11/01", 10, &v) != 0,
     "a misplaced or wrong separator is refused");
}

int main(void) {
  test_numbers();
  test_dates();
  return done_testing();
}
