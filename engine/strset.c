/* SPDX-License-Identifier: MIT */
/*
** strset.c -- open-addressing hash set of byte strings.
*/
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strset.h"

uint64_t strset_hash(const char *p, size_t len) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

void strset_init(strset *s) { memset(s, 0, sizeof *s); }

/* The small table's first slot for an item: its first 8 bytes and length,
** mixed (Fibonacci hashing), top 6 bits. */
static inline uint32_t small_slot(uint64_t head, size_t len) {
  return (uint32_t)(((head ^ (uint64_t)len << 56) * 0x9E3779B97F4A7C15ull) >> 58);
}

static void rehash(strset *s, uint32_t size) {
  free(s->table);
  s->table = cl_calloc(size, sizeof *s->table);
  s->mask = size - 1;
  for (uint32_t i = 0; i < s->n; i++) {
    uint32_t h = (uint32_t)strset_hash(s->items[i], s->lens[i]) & s->mask;
    while (s->table[h]) h = (h + 1) & s->mask;
    s->table[h] = i + 1;
  }
}

int64_t strset_find(const strset *s, const char *p, size_t len) {
  if (!s->n || len < s->minlen || len > s->maxlen) return -1;
  uint32_t h = (uint32_t)strset_hash(p, len) & s->mask;
  for (uint32_t ix; (ix = s->table[h]) != 0; h = (h + 1) & s->mask)
    if (s->lens[ix - 1] == len && memcmp(s->items[ix - 1], p, len) == 0)
      return ix - 1;
  return -1;
}

uint32_t strset_add(strset *s, const char *p, size_t len) {
  int64_t found = strset_find(s, p, len);
  if (found >= 0) return (uint32_t)found;
  if (!s->table || (s->n + 1) * 2 > s->mask + 1) {
    uint32_t size = s->table ? (s->mask + 1) * 2 : 16;
    s->items = cl_realloc(s->items, size / 2 * sizeof *s->items);
    s->lens = cl_realloc(s->lens, size / 2 * sizeof *s->lens);
    /* every per-item array grows with the table (doubling): adding n items
    ** copies O(n) bytes, never O(n^2) */
    s->head = cl_realloc(s->head, size / 2 * sizeof *s->head);
    if (s->n == 0 || s->packed) s->packed = cl_realloc(s->packed, size / 2 * sizeof *s->packed);
    rehash(s, size);
  }
  s->items[s->n] = cl_strndup(p, len);
  s->lens[s->n] = (uint32_t)len;
  s->head[s->n] = strset_head8(p, len);
  if (s->n == 0 || s->packed) { /* keep the packed form while items are short */
    if (len <= 7) {
      s->packed[s->n] = strset_pack7(p, len);
    } else {
      free(s->packed);
      s->packed = NULL;
    }
  }
  if (!s->n || len < s->minlen) s->minlen = (uint32_t)len;
  if (len > s->maxlen) s->maxlen = (uint32_t)len;
  uint32_t h = (uint32_t)strset_hash(p, len) & s->mask;
  while (s->table[h]) h = (h + 1) & s->mask;
  s->table[h] = ++s->n;
  if (s->n <= STRSET_SMALL) {
    uint32_t k = small_slot(s->head[s->n - 1], len);
    while (s->small[k]) k = (k + 1) % STRSET_SMALL_SLOTS;
    s->small[k] = (uint8_t)s->n;
  }
  return s->n - 1;
}

int64_t strset_index(const strset *s, const char *p, size_t len) {
  if (s->n > STRSET_SMALL) return strset_find(s, p, len);
  if (len < s->minlen || len > s->maxlen) return -1;
  uint64_t h = strset_head8(p, len);
  for (uint32_t k = small_slot(h, len), ix; (ix = s->small[k]) != 0; k = (k + 1) % STRSET_SMALL_SLOTS) {
    uint32_t i = ix - 1;
    if (s->head[i] == h && s->lens[i] == len && (len <= 8 || memcmp(s->items[i] + 8, p + 8, len - 8) == 0))
      return i;
  }
  return -1;
}

int strset_contains(const strset *s, const char *p, size_t len) {
  if (len < s->minlen || len > s->maxlen) return 0;
  if (s->packed && s->n <= 32) {
    uint64_t k = strset_pack7(p, len);
    for (uint32_t i = 0; i < s->n; i++)
      if (s->packed[i] == k) return 1;
    return 0;
  }
  return strset_index(s, p, len) >= 0;
}

int strset_has_prefix_of(const strset *s, const char *p, size_t len) {
  if (!s->n || len < s->minlen) return 0;
  size_t top = len < s->maxlen ? len : s->maxlen;
  for (size_t k = s->minlen; k <= top; k++)
    if (strset_find(s, p, k) >= 0) return 1;
  return 0;
}

void strset_free(strset *s) {
  for (uint32_t i = 0; i < s->n; i++) free(s->items[i]);
  free(s->items);
  free(s->lens);
  free(s->table);
  free(s->packed);
  free(s->head);
  memset(s, 0, sizeof *s);
}
