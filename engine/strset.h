/* SPDX-License-Identifier: MIT */
/*
** strset.h -- an immutable-after-build set of byte strings (open addressing),
** used for `one_of {...}`, tag sets, lists loaded from files and prefixes.
*/
#ifndef CLEAVE_STRSET_H
#define CLEAVE_STRSET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Sets of at most STRSET_SMALL items are also indexed by a small table
** (4 slots per item at most) keyed by the first 8 bytes and the length. */
#define STRSET_SMALL 16
#define STRSET_SMALL_SLOTS 64

typedef struct strset {
  char **items;      /* in insertion order, NUL-terminated copies */
  uint32_t *lens;
  uint32_t n;
  uint32_t *table;   /* open-addressing slots: item index + 1, 0 = empty */
  uint32_t mask;     /* table size - 1 */
  uint32_t minlen, maxlen;
  uint64_t *packed;  /* when every item is at most 7 bytes: item i as a number */
  uint64_t *head;    /* first 8 bytes of each item, zero-padded (small sets) */
  uint8_t small[STRSET_SMALL_SLOTS]; /* small sets: item index + 1 by strset_small_slot, 0 = empty */
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

#define STRSET_LONG UINT64_MAX
/* p[0..len), len < 8, as a little-endian number (byte i in bits 8i..8i+7),
** in at most three loads. */
static inline uint64_t strset_short_le(const char *p, size_t len) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t h = 0;
  size_t o = 0;
  if (len & 4) {
    uint32_t v;
    memcpy(&v, p, 4);
    h = v;
    o = 4;
  }
  if (len & 2) {
    uint16_t v;
    memcpy(&v, p + o, 2);
    h |= (uint64_t)v << (8 * o);
    o += 2;
  }
  if (len & 1) h |= (uint64_t)(unsigned char)p[o] << (8 * o);
  return h;
#else
  uint64_t h = 0;
  for (size_t i = 0; i < len; i++) h |= (uint64_t)(unsigned char)p[i] << (8 * i);
  return h;
#endif
}

/* Up to 7 bytes and the length as one number (equal texts, equal numbers);
** STRSET_LONG for longer texts. */
static inline uint64_t strset_pack7(const char *p, size_t len) {
  if (len > 7) return STRSET_LONG;
  return (uint64_t)len << 56 | strset_short_le(p, len);
}

/* The first 8 bytes of p (fewer when shorter), zero-padded, byte i in bits 8i. */
static inline uint64_t strset_head8(const char *p, size_t len) {
  if (len < 8) return strset_short_le(p, len);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t h;
  memcpy(&h, p, 8);
  return h;
#else
  uint64_t h = 0;
  for (size_t i = 0; i < 8; i++) h |= (uint64_t)(unsigned char)p[i] << (8 * i);
  return h;
#endif
}

/* The FNV-1a hash used by the set (also the holdout bucket hash). */
uint64_t strset_hash(const char *p, size_t len);

#endif
