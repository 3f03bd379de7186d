/* SPDX-License-Identifier: MIT */
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
  uint64_t *head;    /* first 8 bytes of each item, zero-padded (small sets) */
} strset;

void strset_init(strset *s);
/* Add a copy; returns its index (the existing index for a duplicate). */
uint32_t strset_add(strset *s, const char *p, size_t len);
/* Index of p in s, or -1. */
int64_t strset_find(const strset *s, const char *p, size_t len);
/* Index of p in s or -1, like strset_find; faster for small sets (scans
** the first 8 bytes of each item instead of hashing). */
int64_t strset_index(const strset *s, const char *p, size_t len);
/* 1 if p is in s: the fast test for evaluation (short items compare as
** numbers, small sets are scanned, large ones hashed). */
int strset_contains(const strset *s, const char *p, size_t len);
/* 1 if some item is a prefix of p (prefix matching for postal lists). */
int strset_has_prefix_of(const strset *s, const char *p, size_t len);
void strset_free(strset *s);

/* Up to 7 bytes and the length as one number (equal texts, equal numbers);
** STRSET_LONG for longer texts. */
#define STRSET_LONG UINT64_MAX
static inline uint64_t strset_pack7(const char *p, size_t len) {
  if (len > 7) return STRSET_LONG;
  uint64_t k = (uint64_t)len << 56;
  for (size_t i = 0; i < len; i++) k |= (uint64_t)(unsigned char)p[i] << (8 * i);
  return k;
}

/* The first 8 bytes of p (fewer when shorter), zero-padded. */
static inline uint64_t strset_head8(const char *p, size_t len) {
  uint64_t h = 0;
  size_t n = len < 8 ? len : 8;
  for (size_t i = 0; i < n; i++) h |= (uint64_t)(unsigned char)p[i] << (8 * i);
  return h;
}

/* The FNV-1a hash used by the set (also the holdout bucket hash). */
uint64_t strset_hash(const char *p, size_t len);

#endif
