/* SPDX-License-Identifier: MIT */
/*
** graph_canon.h -- structurally identical conditions, found once.
**
** Rule files written by hand or generated repeat the same tests in many
** segments (orders:at_least(3), country:is "GB", NOT(interests:has "pets"))
** as separate nodes. graph_canon maps every node to the first node with
** the same kind, type, operator, constants and (canonical) children, so the
** batch evaluator computes each distinct condition once per batch and
** narrows it for every segment that uses it. The graph is not changed:
** explain, check and the row evaluator still see every node with its own
** rule-file line.
*/
#ifndef CLEAVE_GRAPH_CANON_H
#define CLEAVE_GRAPH_CANON_H

#include <stdint.h>

#include "graph.h"

/* canon[i] (g->nnodes entries, filled): the smallest id of a node marked in
** live (graph_live) equal to node i (i itself when none is, and for every
** node not live: a node is only ever replaced by a live one). Plugin calls, scores, holdout buckets and
** at_least are never merged (a plugin may keep state per call site). */
void graph_canon(const graph *g, const uint8_t *live, uint32_t *canon);

#endif
