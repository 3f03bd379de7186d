/* SPDX-License-Identifier: MIT */
/*
** textdict.h -- the texts a rule file compares one text field with (every
** `is`, `==`, `~=` and `one_of` constant on that field), numbered 0..n-1,
** so that a batch can turn the field into one small code per row once and
** every such test on it becomes a bit test: `one_of` a mask of codes, `is`
** one code. A text that is none of them has code TEXTDICT_NONE, which no
** mask holds. At most TEXTDICT_MAX texts (a mask is one 64-bit word).
*/
#ifndef CLEAVE_TEXTDICT_H
#define CLEAVE_TEXTDICT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "strset.h"

#define TEXTDICT_MAX 63
#define TEXTDICT_NONE 63 /* a code no text has: bit 63 is in no mask */
#define TEXTDICT_SLOTS 256

typedef struct textdict {
  strset set;                    /* the texts; a text's code is its index */
  uint8_t table[TEXTDICT_SLOTS]; /* hash of (first 8 bytes, length) -> code + 1 */
  uint32_t minlen, maxlen;
} textdict;

void textdict_init(textdict *d);
/* Add a text; returns its code, or -1 when the dictionary is full. */
int textdict_add(textdict *d, const char *p, size_t len);
void textdict_free(textdict *d);

static inline uint32_t textdict_slot(uint64_t head, size_t len) {
  return (uint32_t)(((head ^ ((uint64_t)len << 59)) * 0x9E3779B97F4A7C15ULL) >> 56);
}

/* The code of p[0..len), or TEXTDICT_NONE. */
static inline uint32_t textdict_code(const textdict *d, const char *p, size_t len) {
  if (len < d->minlen || len > d->maxlen) return TEXTDICT_NONE;
  uint64_t h = strset_head8(p, len);
  for (uint32_t i = textdict_slot(h, len);; i = (i + 1) & (TEXTDICT_SLOTS - 1)) {
    uint32_t c = d->table[i];
    if (!c) return TEXTDICT_NONE;
    c--;
    if (d->set.head[c] == h && d->set.lens[c] == len &&
        (len <= 8 || memcmp(d->set.items[c] + 8, p + 8, len - 8) == 0))
      return c;
  }
}

#endif
