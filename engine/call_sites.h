/* SPDX-License-Identifier: MIT */
/*
** call_sites.h -- plugin results that cannot be computed from a present
** value: the one definition both evaluators count with.
**
** A call site is a plugin call (N_CALL) a macro split or a micro segment can
** evaluate (graph_live). On a row it FAILS when every argument it reads per
** row (a VALUE argument given a column or an expression: constants and
** conditions are always present) is present and its result is missing
** (dates.parse("4-Sep-2014", "%d-%m-%Y")). Each site is counted on every
** row, like a number column's unreadable values, whether or not the rules
** needed its result for that row, so the count does not depend on the order
** conditions are tried in or on the evaluator. The counts live in the
** evaluators' slot_tally arrays after the slots (invalid.h): entry
** nslots + k is site k; present = rows whose arguments were all present,
** bad = of them, the rows with no result, ex = the first one's arguments.
*/
#ifndef CLEAVE_CALL_SITES_H
#define CLEAVE_CALL_SITES_H

#include <stdint.h>

#include "buf.h"
#include "graph.h"
#include "invalid.h"

/* Fill g->sites (and every N_CALL's u.call.site) from the finished graph;
** graph_optimize calls it. */
void call_sites_find(graph *g);

/* The node argument a of call n reads per row, when it can be missing;
** GRAPH_NONE for a constant, a condition, or an argument not given. */
static inline uint32_t call_arg_node(const graph *g, const node *n, uint32_t a) {
  int32_t k = n->u.call.argkid[a];
  if (k < 0) return GRAPH_NONE;
  const node *kn = &g->nodes[n->kids[k]];
  return kn->kind == N_CONST || kn->type == VT_BOOL ? GRAPH_NONE : n->kids[k];
}

/* The arguments a row gave call n (eval's args[]): 1 when every one read
** per row is present, so a missing result is a failure. */
int call_args_present(const graph *g, const node *n, const cleave_value *args);

/* One failure of call n with these arguments counted in t (its first kept:
** the per-row arguments as text, ", " between them). */
void call_site_failed(slot_tally *t, const graph *g, const node *n, const cleave_value *args);

/* Site k for people: the call as the rules wrote it, "dates.parse(joined, \"%d-%m-%Y\")". */
void call_site_name(const graph *g, uint32_t k, buf *b);

#endif
