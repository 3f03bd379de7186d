/* SPDX-License-Identifier: MIT */
/*
** graph.c -- building, optimising and freeing the predicate graph.
*/
#include <stdlib.h>
#include <string.h>

#include "call_sites.h"
#include "error.h"
#include "graph.h"
#include "sha256.h"

const char *vt_name(int type) {
  switch (type) {
  case VT_BOOL: return "condition";
  case VT_NUMBER: return "number";
  case VT_TEXT: return "text";
  case VT_DATE: return "date";
  case VT_TAGS: return "tag list";
  case VT_ENUM: return "macro value";
  case CLEAVE_TEXT_LIST: return "list of texts";
  default: return "value";
  }
}

void graph_init(graph *g, const char *rules_path, int32_t as_of) {
  memset(g, 0, sizeof *g);
  g->rules_path = cl_strdup(rules_path ? rules_path : "(rules)");
  g->as_of = as_of;
}

uint32_t graph_add(graph *g, node_kind kind, int type, uint32_t line) {
  if (g->nnodes == g->cap_nodes) {
    g->cap_nodes = g->cap_nodes ? g->cap_nodes * 2 : 64;
    g->nodes = cl_realloc(g->nodes, g->cap_nodes * sizeof *g->nodes);
  }
  node *n = &g->nodes[g->nnodes];
  memset(n, 0, sizeof *n);
  n->kind = n->exec = (uint8_t)kind;
  n->type = (uint8_t)type;
  n->line = line;
  n->depth = 1;
  return g->nnodes++;
}

uint32_t graph_depth_of(const graph *g, const uint32_t *kids, uint32_t n) {
  uint32_t d = 0;
  for (uint32_t i = 0; i < n; i++)
    if (g->nodes[kids[i]].depth > d) d = g->nodes[kids[i]].depth;
  return d + 1;
}

void graph_set_kids(graph *g, uint32_t id, const uint32_t *kids, uint32_t n) {
  node *nd = &g->nodes[id];
  free(nd->kids);
  free(nd->order);
  nd->kids = cl_malloc((n ? n : 1) * sizeof *nd->kids);
  nd->order = cl_malloc((n ? n : 1) * sizeof *nd->order);
  if (n) memcpy(nd->kids, kids, n * sizeof *kids);
  for (uint32_t i = 0; i < n; i++) nd->order[i] = nd->kids[i];
  nd->nkids = n;
  uint32_t d = graph_depth_of(g, kids, n);
  nd->depth = (uint16_t)(d > UINT16_MAX ? UINT16_MAX : d);
}

/* "<type><sep><column>": one key per slot, so lookups hash. */
static char *slot_key(const char *column, int type, char sep, size_t *len) {
  size_t n = strlen(column);
  char *k = cl_malloc(n + 3);
  k[0] = (char)type;
  k[1] = sep ? sep : 1;
  memcpy(k + 2, column, n + 1);
  *len = n + 2;
  return k;
}

uint32_t graph_find_slot(const graph *g, const char *column, int type, char sep) {
  size_t len;
  char *k = slot_key(column, type, sep, &len);
  int64_t ix = strset_find(&g->slot_keys, k, len);
  free(k);
  return ix < 0 ? GRAPH_NONE : (uint32_t)ix;
}

uint32_t graph_slot(graph *g, const char *column, int type, char sep, uint32_t line) {
  uint32_t found = graph_find_slot(g, column, type, sep);
  if (found != GRAPH_NONE) return found;
  size_t len;
  char *k = slot_key(column, type, sep, &len);
  strset_add(&g->slot_keys, k, len); /* index nslots: keys and slots stay in step */
  free(k);
  if ((g->nslots & (g->nslots - 1)) == 0) /* grow by doubling at powers of two */
    g->slots = cl_realloc(g->slots, (g->nslots ? g->nslots * 2 : 1) * sizeof *g->slots);
  slot *s = &g->slots[g->nslots];
  memset(s, 0, sizeof *s);
  s->column = cl_strdup(column);
  s->type = (uint8_t)type;
  s->sep = sep;
  s->line = line;
  s->col = -1;
  s->node = GRAPH_NONE;
  strset_init(&s->tags);
  return g->nslots++;
}

void graph_live(const graph *g, uint8_t *live) {
  for (uint32_t i = 0; i < g->nnodes; i++)
    if (g->nodes[i].kind == N_MACRO) live[i] = 1; /* every split is an output column */
  for (uint32_t m = 0; m < g->nmacros; m++)
    for (uint32_t c = 0; c < g->macros[m].ncases; c++) live[g->macros[m].cases[c].pred] = 1;
  for (uint32_t m = 0; m < g->nmicros; m++) live[g->micros[m].pred] = 1;
  /* kids have smaller ids than their parents: one pass downwards */
  for (uint32_t i = g->nnodes; i-- > 0;)
    if (live[i])
      for (uint32_t k = 0; k < g->nodes[i].nkids; k++) live[g->nodes[i].kids[k]] = 1;
}

/* --- optimisation ---------------------------------------------------------- */

static double leaf_cost(const graph *g, const node *n) {
  switch (n->kind) {
  case N_FIELD: return g->slots[n->u.slot].type == VT_TEXT ? 0.5 : 1.5;
  case N_CONST: case N_TRUE: return 0;
  case N_MACRO: return 0.5; /* computed once per record, then cached */
  case N_CALL: return n->u.call.crit->cost > 0 ? n->u.call.crit->cost : 2;
  case N_HAS: return 1.5;
  case N_BUCKET: return 3;
  default: return 1;
  }
}

/* Order children by cost, cheapest first (insertion sort: lists are short,
** and equal costs keep the order the marketer wrote). */
static void order_kids(node *n, const node *nodes) {
  for (uint32_t i = 0; i < n->nkids; i++) n->order[i] = n->kids[i];
  for (uint32_t i = 1; i < n->nkids; i++) {
    uint32_t v = n->order[i], j = i;
    while (j > 0 && nodes[n->order[j - 1]].cost > nodes[v].cost) {
      n->order[j] = n->order[j - 1];
      j--;
    }
    n->order[j] = v;
  }
}

/* Pick a shortcut for a leaf whose operands are a field or a constant. */
static void choose_exec(const graph *g, node *n) {
  if (n->shared) return; /* shared nodes go through the cache */
  const node *a = n->nkids ? &g->nodes[n->kids[0]] : NULL;
  const node *b = n->nkids > 1 ? &g->nodes[n->kids[1]] : NULL;
  int field = a && a->kind == N_FIELD;
  switch (n->kind) {
  case N_CMP:
    if (a->type == VT_NUMBER && b->kind == N_CONST) {
      n->exec = field ? X_SLOT_NUM_CMPK : X_NUM_CMPK;
      n->fslot = field ? a->u.slot : 0;
      n->fk = b->u.cval.u.number;
    } else if (field && a->type == VT_TEXT && b->kind == N_CONST &&
               (n->op == OP_EQ || n->op == OP_NE)) {
      n->exec = X_SLOT_TEXT_EQ;
      n->fslot = a->u.slot;
    }
    break;
  case N_IN:
    if (a->kind == N_MACRO) {
      n->exec = X_ENUM_IN;
      n->fslot = a->u.macro;
    } else if (field && a->type == VT_TEXT && !n->op) {
      n->exec = X_SLOT_TEXT_IN;
      n->fslot = a->u.slot;
    }
    break;
  case N_BETWEEN:
    if (field && a->type == VT_NUMBER) {
      n->exec = X_SLOT_BETWEEN;
      n->fslot = a->u.slot;
    }
    break;
  case N_MISSING:
    if (field) {
      n->exec = X_SLOT_MISSING;
      n->fslot = a->u.slot;
    }
    break;
  default: break;
  }
}

void graph_optimize(graph *g) {
  uint32_t *parents = cl_calloc(g->nnodes, sizeof *parents);
  for (uint32_t i = 0; i < g->nnodes; i++)
    for (uint32_t k = 0; k < g->nodes[i].nkids; k++) parents[g->nodes[i].kids[k]]++;
  for (uint32_t m = 0; m < g->nmacros; m++)
    for (uint32_t c = 0; c < g->macros[m].ncases; c++) parents[g->macros[m].cases[c].pred]++;
  for (uint32_t m = 0; m < g->nmicros; m++) parents[g->micros[m].pred]++;

  g->ncache = 0;
  /* Children always have smaller ids than their parents, so one pass in id
  ** order sees every child's cost before its parent's. */
  for (uint32_t i = 0; i < g->nnodes; i++) {
    node *n = &g->nodes[i];
    double c = leaf_cost(g, n);
    for (uint32_t k = 0; k < n->nkids; k++) c += g->nodes[n->kids[k]].cost;
    n->shared = parents[i] > 1 && n->kind != N_CONST && n->kind != N_FIELD &&
                n->kind != N_MACRO && n->kind != N_TRUE;
    if (n->shared) {
      n->cache_ix = g->ncache++;
      c = c * 0.5 + 0.5; /* usually computed already by another parent */
    }
    n->cost = c;
    if (n->kind == N_AND || n->kind == N_OR || n->kind == N_ATLEAST) order_kids(n, g->nodes);
    n->exec = n->kind;
    choose_exec(g, n);
  }
  free(parents);
  call_sites_find(g);
}

/* --- freeing --------------------------------------------------------------- */

static void node_free(node *n) {
  free(n->kids);
  free(n->order);
  switch (n->kind) {
  case N_CONST:
    if (n->u.cval.type == VT_TEXT || n->u.cval.type == VT_TAGS) free((char *)n->u.cval.u.str.ptr);
    break;
  case N_IN: case N_PREFIX: case N_HAS:
    strset_free(&n->u.in.set);
    free(n->u.in.nums);
    break;
  case N_ATLEAST: case N_SCORE: free(n->u.count.weights); break;
  case N_BUCKET: free(n->u.range.salt); break;
  case N_CALL: {
    const cleave_criterion *cr = n->u.call.crit;
    if (n->u.call.inst && cr->free_inst) cr->free_inst(n->u.call.inst);
    for (uint32_t i = 0; n->u.call.consts && i < cr->nargs; i++) {
      cleave_value *v = &n->u.call.consts[i];
      if (v->missing) continue;
      if (v->type == VT_TEXT) free((char *)v->u.str.ptr);
      if (v->type == CLEAVE_TEXT_LIST) {
        for (size_t k = 0; k < v->u.list.n; k++) free((char *)v->u.list.items[k].ptr);
        free((void *)v->u.list.items);
      }
    }
    free(n->u.call.consts);
    free(n->u.call.argkid);
    free(n->u.call.label);
    break;
  }
  default: break;
  }
}

void graph_add_file(graph *g, const char *path, const void *bytes, size_t len) {
  for (uint32_t i = 0; i < g->nfiles; i++)
    if (strcmp(g->files[i].path, path) == 0) return;
  g->files = cl_realloc(g->files, (g->nfiles + 1) * sizeof *g->files);
  graph_file *f = &g->files[g->nfiles++];
  f->path = cl_strdup(path);
  sha256 h;
  sha256_init(&h);
  sha256_update(&h, bytes, len);
  sha256_hex(&h, f->sha256);
}

void graph_free(graph *g) {
  for (uint32_t i = 0; i < g->nfiles; i++) free(g->files[i].path);
  free(g->files);
  for (uint32_t i = 0; i < g->nnodes; i++) node_free(&g->nodes[i]);
  free(g->nodes);
  for (uint32_t i = 0; i < g->nslots; i++) {
    free(g->slots[i].column);
    strset_free(&g->slots[i].tags);
  }
  free(g->slots);
  strset_free(&g->slot_keys);
  for (uint32_t m = 0; m < g->nmacros; m++) {
    macro *mc = &g->macros[m];
    free(mc->name);
    for (uint32_t v = 0; v < mc->nvalues; v++) free(mc->values[v]);
    free(mc->values);
    free(mc->cases);
  }
  free(g->macros);
  for (uint32_t m = 0; m < g->nmicros; m++) free(g->micros[m].name);
  free(g->micros);
  free(g->quants);
  free(g->quant_source);
  free(g->sites);
  free(g->rules_path);
  memset(g, 0, sizeof *g);
}

graph_quant *graph_add_quant(graph *g, uint32_t col_slot, uint32_t cnode, uint32_t cmp, double q) {
  g->quants = cl_realloc(g->quants, (g->nquants + 1) * sizeof *g->quants);
  graph_quant *t = &g->quants[g->nquants++];
  memset(t, 0, sizeof *t);
  t->slot = col_slot;
  t->cnode = cnode;
  t->cmp = cmp;
  t->q = q;
  return t;
}

const graph_quant *graph_quant_of(const graph *g, uint32_t cnode) {
  for (uint32_t i = 0; i < g->nquants; i++)
    if (g->quants[i].cnode == cnode) return &g->quants[i];
  return NULL;
}
