/* SPDX-License-Identifier: MIT */
/*
** t_strset.c -- strset_index (small sets: the table keyed by the first 8
** bytes and the length) gives what strset_find (the hash table) gives, for
** sets of 0 to 40 random items -- short ones, long ones sharing their first
** 8 bytes, the empty text -- and random probes, present or not.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "strset.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

/* a random text: often a common 8-byte head with a short tail, so heads collide */
static size_t random_text(char *s) {
  size_t len;
  if (rnd() % 3 == 0) {
    memcpy(s, "category", 8);
    len = 8 + (size_t)(rnd() % 4);
  } else {
    len = (size_t)(rnd() % 12);
  }
  for (size_t i = (len > 8 && s[0] == 'c') ? 8 : 0; i < len; i++) s[i] = (char)('a' + rnd() % 3);
  return len;
}

int main(void) {
  long bad = 0, found = 0, probes = 0;
  char t[16];
  for (int round = 0; round < 3000; round++) {
    strset s;
    strset_init(&s);
    int n = (int)(rnd() % 41);
    for (int i = 0; i < n; i++) {
      size_t len = random_text(t);
      strset_add(&s, t, len);
    }
    for (uint32_t i = 0; i < s.n; i++) { /* every item finds itself */
      probes++;
      if (strset_index(&s, s.items[i], s.lens[i]) != (int64_t)i) bad++;
    }
    for (int k = 0; k < 50; k++) {
      size_t len = random_text(t);
      int64_t a = strset_index(&s, t, len), b = strset_find(&s, t, len);
      probes++;
      found += a >= 0;
      if (a != b && bad++ < 5) diag("set of %u: \"%.*s\": index %lld, find %lld", s.n, (int)len, t, (long long)a, (long long)b);
    }
    strset_free(&s);
  }
  ok(bad == 0, "strset_index == strset_find on %ld probes (%ld bad)", probes, bad);
  ok(found > 10000, "%ld probes were in their set", found);
  strset s;
  strset_init(&s);
  ok(strset_index(&s, "", 0) == -1, "the empty set has nothing");
  strset_add(&s, "", 0);
  strset_add(&s, "categoryab", 10);
  strset_add(&s, "categoryac", 10);
  ok(strset_index(&s, "", 0) == 0 && strset_index(&s, "categoryac", 10) == 2 &&
         strset_index(&s, "categoryad", 10) == -1 && strset_index(&s, "category", 8) == -1,
     "the empty text, and long items that share their first 8 bytes");
  strset_free(&s);
  return done_testing();
}
