/* SPDX-License-Identifier: MIT */
/*
** render.h -- nodes as text a marketer reads: "spend_12m / orders_12m",
** "income >= 150000", "interests has any of {hiking, camping}". Used by
** messages, `cleave explain` and `cleave check`.
*/
#ifndef CLEAVE_RENDER_H
#define CLEAVE_RENDER_H

#include "buf.h"
#include "graph.h"

/* A finite number as the shortest text that reads back as it (0.2, 1834.25,
** 12, 1e+20): also valid JSON. */
void render_number(double x, buf *out);
void render_node(const graph *g, uint32_t id, buf *out);
/* A value as text: "92000", "2026-10-31", "\"GB\"", "(missing)". */
void render_value(const graph *g, const cleave_value *v, int macro_ix, buf *out);

#endif
