/* SPDX-License-Identifier: MIT */
/*
** values.h -- what values mean: parsing field text into typed values, and
** the value semantics both evaluators (eval.c row at a time, batch.c column
** at a time) share, as static inline functions so the batch loops stay fast.
** Neither evaluator decides any of these rules on its own.
**
** The rules (retail-v1):
**   * An empty or unparsable field is a missing value. Dates: datecalc.h.
**   * Any comparison, range, set, prefix or tag test with a missing operand
**     is false (so is its "not" form: is_not, none_of); NOT flips a result as
**     it is; is_missing is the one test that is true for a missing value.
**   * Arithmetic with a missing operand is missing; so is a division by zero
**     and any result that is not a finite number (overflow, 0/0).
**   * A score is the sum of the points of the conditions that hold; a sum
**     that is not finite is missing (points themselves must be finite).
**   * Texts compare byte by byte, then the shorter first; = and != are exact.
**   * Dates compare as day numbers; numbers as doubles.
**   * A plugin's result has the criterion's declared type; a NUMBER that is
**     not finite (NaN, infinities) is missing; a BOOL is 0 or 1.
*/
#ifndef CLEAVE_VALUES_H
#define CLEAVE_VALUES_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cleave/plugin.h"
#include "datecalc.h"
#include "graph.h"
#include "strset.h"

/* Parse a decimal number ("12", "-3.5", "1e3", surrounding spaces allowed)
** of any length; correctly rounded. 0 on success, -1 if s is not a number
** or its value is not finite (1e400). A value too small for a double reads
** as the nearest one (0 or a subnormal), like strtod. */
int num_parse(const char *s, size_t len, double *out);

/* Exact powers of ten, 1e0..1e22 (values.c). */
extern const double num_pow10_exact[23];

/* num_parse's first step, inline for the column loops: 1 to 19 plain
** digits with at most one '.' inside them (no sign, no spaces, no
** exponent), read exactly when the mantissa is at most 2^53 (or there is
** no '.': (double) of a 64-bit integer rounds correctly). 0 with *out set,
** or -1 for anything else: then num_parse decides (and it starts with this
** same function, so both give the same double). */
static inline int num_parse_plain(const char *s, size_t len, double *out) {
  if (len == 0 || len > 19) return -1;
  if ((unsigned)((unsigned char)s[0] - '0') > 9u || (unsigned)((unsigned char)s[len - 1] - '0') > 9u)
    return -1;
  uint64_t mant = 0;
  size_t i = 0;
  unsigned d;
  while (i < len && (d = (unsigned)((unsigned char)s[i] - '0')) <= 9u) mant = mant * 10 + d, i++;
  if (i == len) {
    *out = (double)mant;
    return 0;
  }
  if (s[i] != '.') return -1;
  size_t frac = len - i - 1; /* >= 1: the last byte is a digit */
  for (i++; i < len; i++) {
    d = (unsigned)((unsigned char)s[i] - '0');
    if (d > 9u) return -1;
    mant = mant * 10 + d;
  }
  if (mant > (1ULL << 53)) return -1; /* not exact: the general path */
  *out = (double)mant / num_pow10_exact[frac];
  return 0;
}

/* num_parse with its common case inline. */
static inline int num_parse_fast(const char *s, size_t len, double *out) {
  return num_parse_plain(s, len, out) == 0 ? 0 : num_parse(s, len, out);
}

/* 1 when the text of a present (non-empty) field reads as a value of a
** column declared with type (num_parse for numbers, date_parse_iso for
** dates; texts and tags always do), 0 when rules see it as missing. The
** evaluators parse with the same two functions; check, explain and test ask
** this one. */
static inline int val_field_reads(int type, const char *p, size_t len) {
  double x;
  int32_t d;
  if (type == VT_NUMBER) return num_parse(p, len, &x) == 0;
  if (type == VT_DATE) return date_parse_iso(p, len, &d) == 0;
  return 1;
}

/* Bits of the tags in "a;b;c" (split on sep) that are in known (bit i = item
** i of known; only the first 64 items have bits). */
uint64_t tags_bits(const char *s, size_t len, char sep, const strset *known);

/* 1 if tag occurs in the list s (exact match of one sep-separated item). */
int tags_has(const char *s, size_t len, char sep, const char *tag, size_t tlen);

/* --- comparisons (both operands present) ------------------------------------ */

/* x <op> y for numbers (dates compare as their day numbers). */
static inline int cmp_holds(int op, double x, double y) {
  switch (op) {
  case OP_LT: return x < y;
  case OP_LE: return x <= y;
  case OP_GT: return x > y;
  case OP_GE: return x >= y;
  case OP_EQ: return x == y;
  default: return x != y;
  }
}

static inline int val_date_cmp(int op, int32_t x, int32_t y) { return cmp_holds(op, x, y); }

static inline int val_text_eq(cleave_str x, cleave_str y) {
  return x.len == y.len && (x.len == 0 || memcmp(x.ptr, y.ptr, x.len) == 0);
}

/* <0, 0, >0: bytes first, then the shorter text first. */
static inline int val_text_order(cleave_str x, cleave_str y) {
  size_t l = x.len < y.len ? x.len : y.len;
  int r = l ? memcmp(x.ptr, y.ptr, l) : 0;
  return r ? r : (x.len > y.len) - (x.len < y.len);
}

static inline int val_text_cmp(int op, cleave_str x, cleave_str y) {
  if (op == OP_EQ) return val_text_eq(x, y);
  if (op == OP_NE) return !val_text_eq(x, y);
  return cmp_holds(op, val_text_order(x, y), 0);
}

static inline int val_between(double x, double lo, double hi) { return x >= lo && x <= hi; }

/* x is one of nums (numbers, or dates as day numbers). */
static inline int val_in_nums(const double *nums, size_t n, double x) {
  for (size_t i = 0; i < n; i++)
    if (nums[i] == x) return 1;
  return 0;
}

/* --- calculations ------------------------------------------------------------ */

/* A computed number is a value only when finite. */
static inline int val_number_ok(double x) { return isfinite(x); }

/* a <op> b for present a and b: 1 with the result in *out, 0 = missing
** (division by zero, a result that is not finite). */
static inline int val_arith(int op, double a, double b, double *out) {
  double r;
  switch (op) {
  case AR_ADD: r = a + b; break;
  case AR_SUB: r = a - b; break;
  case AR_MUL: r = a * b; break;
  default:
    if (b == 0) return 0;
    r = a / b;
    break;
  }
  *out = r;
  return val_number_ok(r);
}

/* --- plugin results ------------------------------------------------------------ */

/* After a criterion's eval: the declared type, NaN and infinities missing,
** yes/no as 0 or 1. */
static inline void val_plugin_result(cleave_value *out, int type) {
  out->type = type;
  if (out->missing) return;
  if (type == VT_NUMBER && !val_number_ok(out->u.number)) out->missing = 1;
  if (type == VT_BOOL) out->u.boolean = out->u.boolean != 0;
}

#endif
