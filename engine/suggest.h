/* SPDX-License-Identifier: MIT */
/*
** suggest.h -- "did you mean": the closest known name to a misspelt one.
*/
#ifndef CLEAVE_SUGGEST_H
#define CLEAVE_SUGGEST_H

#include <stddef.h>

/* Edit distance (insert, delete, substitute, swap adjacent), ASCII
** case-insensitive, capped: returns cap+1 when larger than cap. */
size_t suggest_distance(const char *a, const char *b, size_t cap);

/* The candidate closest to word, if close enough to be a likely typo
** (distance <= max(1, strlen(word)/3)); else NULL. Ties go to the first. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

#endif
