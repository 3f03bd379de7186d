/* SPDX-License-Identifier: MIT */
/*
** suggest.c -- Damerau-Levenshtein (optimal string alignment) distance.
*/
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "suggest.h"

size_t suggest_distance(const char *a, const char *b, size_t cap) {
  size_t la = strlen(a), lb = strlen(b);
  if ((la > lb ? la - lb : lb - la) > cap) return cap + 1;
  size_t *prev2 = cl_calloc(lb + 1, sizeof *prev2);
  size_t *prev = cl_calloc(lb + 1, sizeof *prev);
  size_t *cur = cl_calloc(lb + 1, sizeof *cur);
  for (size_t j = 0; j <= lb; j++) prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
      size_t best = prev[j - 1] + (ca != cb);
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
          tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
        best = prev2[j - 2] + 1;
      cur[j] = best;
    }
    size_t *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  size_t d = prev[lb];
  free(prev2);
  free(prev);
  free(cur);
  return d > cap ? cap + 1 : d;
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n) {
  size_t len = strlen(word), cap = len / 3 > 1 ? len / 3 : 1;
  const char *best = NULL;
  size_t best_d = cap + 1;
  for (size_t i = 0; i < n; i++) {
    size_t d = suggest_distance(word, cands[i], cap);
    if (d < best_d) {
      best_d = d;
      best = cands[i];
    }
  }
  return best;
}
