/* SPDX-License-Identifier: MIT */
/*
** values.c -- fast, exact number parsing and tag-list matching.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "values.h"

/* The value rules themselves are static inline functions in values.h. */

const double num_pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod on a NUL-terminated copy (the slow, general path; the caller has
** checked the syntax). Any length: a long number is copied to the heap. */
static int num_parse_slow(const char *s, size_t len, double *out) {
  char small[128];
  char *buf = len < sizeof small ? small : cl_malloc(len + 1);
  memcpy(buf, s, len);
  buf[len] = '\0';
  char *end;
  double v = strtod(buf, &end);
  int bad = end != buf + len || !isfinite(v);
  if (buf != small) free(buf);
  if (bad) return -1;
  *out = v;
  return 0;
}

int num_parse(const char *s, size_t len, double *out) {
  if (num_parse_plain(s, len, out) == 0) return 0;
  while (len && (*s == ' ' || *s == '\t')) s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  if (!len) return -1;
  size_t i = 0;
  int neg = 0;
  if (s[0] == '-' || s[0] == '+') neg = s[i++] == '-';
  uint64_t mant = 0;
  int digits = 0, frac = 0, seen_dot = 0;
  for (; i < len; i++) {
    unsigned d = (unsigned char)s[i] - '0';
    if (d <= 9) {
      if (digits < 19) mant = mant * 10 + d;
      digits++;
      frac += seen_dot;
    } else if (s[i] == '.' && !seen_dot) {
      seen_dot = 1;
    } else {
      break;
    }
  }
  if (!digits) return -1;
  if (i < len) {
    /* exponent or junk: only an exponent is acceptable, via strtod */
    if (s[i] != 'e' && s[i] != 'E') return -1;
    return num_parse_slow(s, len, out);
  }
  /* Clinger's fast path: exact mantissa and exact power of ten. */
  if (digits <= 19 && mant <= (1ULL << 53) && frac <= 22) {
    double v = (double)mant / num_pow10_exact[frac];
    *out = neg ? -v : v;
    return 0;
  }
  return num_parse_slow(s, len, out);
}

uint64_t tags_bits(const char *s, size_t len, char sep, const strset *known) {
  uint64_t bits = 0;
  const char *end = s + len;
  while (s < end) {
    const char *e = memchr(s, sep, (size_t)(end - s));
    if (!e) e = end;
    int64_t ix = strset_index(known, s, (size_t)(e - s));
    if (ix >= 0 && ix < 64) bits |= 1ULL << ix;
    s = e + 1;
  }
  return bits;
}

int tags_has(const char *s, size_t len, char sep, const char *tag, size_t tlen) {
  const char *end = s + len;
  while (s < end) {
    const char *e = memchr(s, sep, (size_t)(end - s));
    if (!e) e = end;
    if ((size_t)(e - s) == tlen && memcmp(s, tag, tlen) == 0) return 1;
    s = e + 1;
  }
  return 0;
}
