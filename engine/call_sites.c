/* SPDX-License-Identifier: MIT */
/*
** call_sites.c -- the plugin call sites whose failures are counted
** (call_sites.h).
*/
#include <stdlib.h>
#include <string.h>

#include "call_sites.h"
#include "error.h"
#include "render.h"

void call_sites_find(graph *g) {
  uint8_t *live = cl_calloc(g->nnodes ? g->nnodes : 1, 1);
  graph_live(g, live);
  free(g->sites);
  g->sites = NULL;
  g->nsites = 0;
  for (uint32_t i = 0; i < g->nnodes; i++) {
    node *n = &g->nodes[i];
    if (n->kind != N_CALL) continue;
    n->u.call.site = GRAPH_NONE;
    if (!live[i]) continue;
    uint32_t col = GRAPH_NONE, per_row = 0;
    for (uint32_t a = 0; a < n->u.call.crit->nargs && a < CLEAVE_MAX_ARGS; a++) {
      uint32_t k = call_arg_node(g, n, a);
      if (k == GRAPH_NONE) continue;
      per_row++;
      col = g->nodes[k].kind == N_FIELD ? g->nodes[k].u.slot : GRAPH_NONE;
    }
    g->sites = cl_grow(g->sites, g->nsites, sizeof *g->sites);
    g->sites[g->nsites] = (call_site){i, per_row == 1 ? col : GRAPH_NONE};
    n->u.call.site = g->nsites++;
  }
  free(live);
}

int call_args_present(const graph *g, const node *n, const cleave_value *args) {
  for (uint32_t a = 0; a < n->u.call.crit->nargs && a < CLEAVE_MAX_ARGS; a++)
    if (call_arg_node(g, n, a) != GRAPH_NONE && args[a].missing) return 0;
  return 1;
}

void call_site_failed(slot_tally *t, const graph *g, const node *n, const cleave_value *args) {
  if (t->bad) {
    t->bad++;
    return;
  }
  buf b = {0};
  for (uint32_t a = 0, shown = 0; a < n->u.call.crit->nargs && a < CLEAVE_MAX_ARGS; a++) {
    if (call_arg_node(g, n, a) == GRAPH_NONE) continue;
    if (shown++) buf_puts(&b, ", ");
    if (args[a].type == VT_TEXT || args[a].type == VT_TAGS) buf_put(&b, args[a].u.str.ptr, args[a].u.str.len);
    else render_value(g, &args[a], -1, &b);
  }
  tally_bad(t, b.p ? b.p : "", b.len);
  buf_free(&b);
}

void call_site_name(const graph *g, uint32_t k, buf *b) { render_node(g, g->sites[k].node, b); }
