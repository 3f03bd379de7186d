/* SPDX-License-Identifier: MIT */
/*
** graph_canon.c -- hash-consing of the rule graph's conditions (see
** graph_canon.h). Children have smaller ids than their parents, so one
** pass in id order sees every child's canonical id before its parent.
*/
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "graph_canon.h"

static void put_u32(buf *k, uint32_t v) { buf_put(k, (const char *)&v, sizeof v); }
static void put_f64(buf *k, double v) { buf_put(k, (const char *)&v, sizeof v); }
static void put_str(buf *k, const char *p, size_t n) {
  put_u32(k, (uint32_t)n);
  if (n) buf_put(k, p, n);
}

/* The node's identity as bytes; 0 when it is never merged. */
static int node_key(const graph *g, const node *n, const uint32_t *canon, buf *k) {
  k->len = 0;
  switch (n->kind) {
  case N_CALL: case N_SCORE: case N_BUCKET: case N_ATLEAST: return 0;
  default: break;
  }
  put_u32(k, n->kind);
  put_u32(k, n->type);
  put_u32(k, n->op);
  put_u32(k, n->nkids);
  for (uint32_t i = 0; i < n->nkids; i++) put_u32(k, canon[n->kids[i]]);
  switch (n->kind) {
  case N_FIELD: put_u32(k, n->u.slot); break;
  case N_MACRO: put_u32(k, n->u.macro); break;
  case N_CONST: {
    const cleave_value *v = &n->u.cval;
    put_u32(k, (uint32_t)v->type);
    put_u32(k, (uint32_t)v->missing);
    switch (v->type) {
    case VT_NUMBER: put_f64(k, v->u.number); break;
    case VT_DATE: put_u32(k, (uint32_t)v->u.date); break;
    case VT_TEXT: case VT_TAGS:
      put_str(k, v->u.str.ptr, v->u.str.len);
      put_u32(k, (uint32_t)(unsigned char)v->sep);
      break;
    case VT_BOOL: case VT_ENUM: put_u32(k, (uint32_t)v->u.boolean); break;
    default: return 0;
    }
    break;
  }
  case N_BETWEEN:
    put_f64(k, n->u.range.lo);
    put_f64(k, n->u.range.hi);
    break;
  case N_IN: case N_PREFIX: case N_HAS: {
    const strset *s = &n->u.in.set;
    put_u32(k, s->n);
    for (uint32_t i = 0; i < s->n; i++) put_str(k, s->items[i], s->lens[i]);
    put_u32(k, (uint32_t)n->u.in.nnums);
    for (size_t i = 0; i < n->u.in.nnums; i++) put_f64(k, n->u.in.nums[i]);
    buf_put(k, (const char *)&n->u.in.bits, sizeof n->u.in.bits);
    break;
  }
  case N_CMP: case N_ARITH: case N_NEG: case N_MISSING: case N_AND: case N_OR: case N_NOT:
  case N_TRUE:
    break;
  default: return 0; /* a kind this file does not know: never merged */
  }
  (void)g;
  return 1;
}

static uint64_t hash_bytes(const char *p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
  return h;
}

void graph_canon(const graph *g, const uint8_t *live, uint32_t *canon) {
  uint32_t n = g->nnodes;
  uint32_t size = 16;
  while (size < 2 * n) size *= 2;
  uint32_t *table = cl_calloc(size, sizeof *table); /* node id + 1, 0 = empty */
  size_t *koff = cl_calloc(n ? n : 1, sizeof *koff), *klen = cl_calloc(n ? n : 1, sizeof *klen);
  buf keys = {0}, k = {0};
  for (uint32_t i = 0; i < n; i++) {
    canon[i] = i;
    if (!live[i] || !node_key(g, &g->nodes[i], canon, &k)) continue;
    uint64_t h = hash_bytes(k.p, k.len);
    uint32_t at = (uint32_t)h & (size - 1);
    for (;; at = (at + 1) & (size - 1)) {
      uint32_t e = table[at];
      if (!e) {
        table[at] = i + 1;
        koff[i] = keys.len;
        klen[i] = k.len;
        buf_put(&keys, k.p, k.len);
        break;
      }
      if (klen[e - 1] == k.len && memcmp(keys.p + koff[e - 1], k.p, k.len) == 0) {
        canon[i] = e - 1;
        break;
      }
    }
  }
  buf_free(&keys);
  buf_free(&k);
  free(koff);
  free(klen);
  free(table);
}
