/*
** strset.h -- an immutable-after-build set of byte strings (open addressing),
** used for `one_of {...}`, tag sets, lists loaded from files and prefixes.
*/
#ifndef CLEAVE_STRSET_H
#define CLEAVE_STRSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct strset {
  char **items;      /* in insertion order, NUL-terminated copies */
  uint32_t *lens;
  uint32_t n;
  uint32_t *table;   /* open-addressing slots: item index + 1, 0 = empty */
  uint32_t mask;     /* table size - 1 */
  uint32_t minlen, maxlen;
  uint64_t *packed;  /* when every item is at most 7 bytes: item i as a number */
} strset;

void strset_init(strset *s);
/* Add a copy; returns its index (the existing index for a duplicate). */
uint32_t strset_add(strset *s, const char *p, size_t len);
/* Index of p in s, or -1. */
int64_t strset_find(const strset *s, const char *p, size_t len);
/* 1 if p is in s: the fast test for evaluation (short items compare as
** numbers, small sets are scanned, large ones hashed). */
int strset_contains(const strset *s, const char *p, size_t len);
/* 1 if some item is a prefix of p (prefix matching for postal lists). */
int strset_has_prefix_of(const strset *s, const char *p, size_t len);
void strset_free(strset *s);

/* The FNV-1a hash used by the set (also the holdout bucket hash). */
uint64_t strset_hash(const char *p, size_t len);

#endif
