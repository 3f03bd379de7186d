/* SPDX-License-Identifier: MIT */
/*
** ruletest_explain.c -- the explain tree of a failing test, cut down to what
** the failed checks need: each macro split's value on one line, the cases of
** the splits that failed or that the failing segments read, and the
** failing segments' trees. explain_record builds only that (its focus), so
** nothing here reads the printed tree back.
*/
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "ruletest.h"

/* Mark the macros that node id (and the macros it reads) depend on. */
static void reach_macros(const graph *g, uint32_t id, uint8_t *seen, uint8_t *macros) {
  if (seen[id]) return;
  seen[id] = 1;
  const node *n = &g->nodes[id];
  if (n->kind == N_MACRO && !macros[n->u.macro]) {
    macros[n->u.macro] = 1;
    const macro *m = &g->macros[n->u.macro];
    for (uint32_t c = 0; c < m->ncases; c++) reach_macros(g, m->cases[c].pred, seen, macros);
  }
  for (uint32_t k = 0; k < n->nkids; k++) reach_macros(g, n->kids[k], seen, macros);
}

void rt_focus_micro(const graph *g, uint32_t mi, rt_focus *fo) {
  uint8_t *seen = cl_calloc(g->nnodes ? g->nnodes : 1, 1);
  fo->micros[mi] = 1;
  reach_macros(g, g->micros[mi].pred, seen, fo->macros);
  free(seen);
}

void rt_focus_macro(const graph *g, uint32_t m, rt_focus *fo) {
  uint8_t *seen = cl_calloc(g->nnodes ? g->nnodes : 1, 1);
  fo->macros[m] = 1;
  for (uint32_t c = 0; c < g->macros[m].ncases; c++)
    reach_macros(g, g->macros[m].cases[c].pred, seen, fo->macros);
  free(seen);
}

void rt_focus_init(rt_focus *fo, const graph *g) {
  fo->macros = cl_calloc(g->nmacros + 1, 1);
  fo->micros = cl_calloc(g->nmicros + 1, 1);
}

void rt_focus_free(rt_focus *fo) {
  free(fo->macros);
  free(fo->micros);
}

void rt_explain(eval_ctx *ec, const rt_focus *fo, buf *out) {
  const explain_focus ef = {fo->macros, fo->micros};
  explain_record(ec, &ef, out);
}
