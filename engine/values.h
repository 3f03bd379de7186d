/*
** values.h -- turning field text into typed values (numbers, tags).
** Dates: datecalc.h. An empty or unparsable field is a missing value.
*/
#ifndef CLEAVE_VALUES_H
#define CLEAVE_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "strset.h"

/* Parse a decimal number ("12", "-3.5", "1e3", surrounding spaces allowed);
** correctly rounded. 0 on success, -1 if s is not a number. */
int num_parse(const char *s, size_t len, double *out);

/* Bits of the tags in "a;b;c" (split on sep) that are in known (bit i = item
** i of known; only the first 64 items have bits). */
uint64_t tags_bits(const char *s, size_t len, char sep, const strset *known);

/* 1 if tag occurs in the list s (exact match of one sep-separated item). */
int tags_has(const char *s, size_t len, char sep, const char *tag, size_t tlen);

#endif
