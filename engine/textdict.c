/* SPDX-License-Identifier: MIT */
/*
** textdict.c -- building a dictionary of compared texts (textdict.h).
*/
#include "textdict.h"

void textdict_init(textdict *d) {
  memset(d, 0, sizeof *d);
  strset_init(&d->set);
}

int textdict_add(textdict *d, const char *p, size_t len) {
  int64_t have = strset_find(&d->set, p, len);
  if (have >= 0) return (int)have;
  if (d->set.n >= TEXTDICT_MAX) return -1;
  uint32_t c = strset_add(&d->set, p, len);
  uint64_t h = strset_head8(p, len);
  uint32_t i = textdict_slot(h, len);
  while (d->table[i]) i = (i + 1) & (TEXTDICT_SLOTS - 1);
  d->table[i] = (uint8_t)(c + 1);
  if (c == 0 || len < d->minlen) d->minlen = (uint32_t)len;
  if (len > d->maxlen) d->maxlen = (uint32_t)len;
  return (int)c;
}

void textdict_free(textdict *d) {
  strset_free(&d->set);
  memset(d, 0, sizeof *d);
}
