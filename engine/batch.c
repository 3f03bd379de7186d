/* SPDX-License-Identifier: MIT */
/*
** batch.c -- column-at-a-time evaluation of the predicate graph (batch.h).
*/
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "batch.h"
#include "call_sites.h"
#include "cleanup.h"
#include "datecalc.h"
#include "error.h"
#include "graph_canon.h"
#include "values.h"

static inline int bit_at(const uint64_t *bm, uint32_t i) { return (int)(bm[i >> 6] >> (i & 63)) & 1; }
static inline void set_bit(uint64_t *bm, uint32_t i) { bm[i >> 6] |= 1ULL << (i & 63); }
static inline uint32_t words(const batch_ctx *b) { return (b->n + 63) / 64; }

static int none_set(const batch_ctx *b, const uint64_t *bm) {
  for (uint32_t w = 0; w < words(b); w++)
    if (bm[w]) return 0;
  return 1;
}

/* Every row of the batch. */
static void all_rows(const batch_ctx *b, uint64_t *out) {
  uint32_t nw = words(b);
  for (uint32_t w = 0; w < nw; w++) out[w] = ~0ULL;
  if (b->n & 63) out[nw - 1] = (1ULL << (b->n & 63)) - 1;
}

#define FOR_EACH_ROW(b, bm, i)                                                  \
  for (uint32_t w_ = 0; w_ < words(b); w_++)                                    \
    for (uint64_t m_ = (bm)[w_], i = 0; m_ && (i = w_ * 64 + (uint32_t)__builtin_ctzll(m_), 1); \
         m_ &= m_ - 1)

/* TEXT and TAGS slots point at the input column itself: nothing to allocate
** but the tag bits (TAGS) or the packed texts (TEXT). */
static size_t slot_bytes(int type) {
  switch (type) {
  case VT_NUMBER: return BATCH_MAX * sizeof(double);
  case VT_DATE: return BATCH_MAX * sizeof(int32_t);
  case VT_TAGS: return BATCH_MAX * sizeof(uint64_t) + 64 * sizeof(bitmap); /* bits, rows per tag */
  default: return BATCH_MAX * sizeof(uint64_t); /* TEXT: packed */
  }
}

static void alloc_slot(bcol *c, int type) {
  if (type == VT_NUMBER) c->v.num = cl_calloc(BATCH_MAX, sizeof *c->v.num);
  if (type == VT_DATE) c->v.date = cl_calloc(BATCH_MAX, sizeof *c->v.date);
  if (type == VT_TAGS) c->tags = cl_calloc(BATCH_MAX, sizeof *c->tags);
  if (type == VT_TAGS) c->tag_rows = cl_calloc(64, sizeof(bitmap));
  if (type == VT_TEXT) c->packed = cl_calloc(BATCH_MAX, sizeof *c->packed);
}

static void free_slot(bcol *c, int type) {
  if (type == VT_NUMBER) free(c->v.num);
  if (type == VT_DATE) free(c->v.date);
  free(c->tags);
  free(c->packed);
  free(c->code_rows);
  free(c->tag_rows);
}

static size_t col_bytes(int type) {
  switch (type) {
  case VT_NUMBER: return BATCH_MAX * sizeof(double);
  case VT_DATE: return BATCH_MAX * sizeof(int32_t);
  case VT_ENUM: case VT_BOOL: return BATCH_MAX * sizeof(uint32_t);
  default: return BATCH_MAX * sizeof(cleave_str);
  }
}

static void alloc_col(bcol *c, int type) {
  switch (type) {
  case VT_NUMBER: c->v.num = cl_calloc(BATCH_MAX, sizeof *c->v.num); break;
  case VT_DATE: c->v.date = cl_calloc(BATCH_MAX, sizeof *c->v.date); break;
  case VT_ENUM: case VT_BOOL: c->v.ix = cl_calloc(BATCH_MAX, sizeof *c->v.ix); break;
  default: c->v.str = cl_calloc(BATCH_MAX, sizeof *c->v.str); break;
  }
}

static void free_col(bcol *c, int type) {
  switch (type) {
  case VT_NUMBER: free(c->v.num); break;
  case VT_DATE: free(c->v.date); break;
  case VT_ENUM: case VT_BOOL: free(c->v.ix); break;
  default: free(c->v.str); break;
  }
}

/* Nodes whose values the batch keeps as a column (fields use their slot,
** constants are read in place; yes/no plugin results have a column too). */
static int has_col(const node *n) {
  return (n->type != VT_BOOL || n->kind == N_CALL) && n->kind != N_FIELD && n->kind != N_CONST;
}

/* Result bitmaps of a live condition: one, and one more when shared. */
static uint32_t pred_entries(const node *n) { return n->type == VT_BOOL ? 1u + (n->shared != 0) : 0; }

/* The at_least counters: one row of BATCH_MAX per depth up to the deepest
** live at_least (an at_least's operands are shallower, so nested ones
** never share a row). 0 when there is none. */
static uint32_t counter_rows(const graph *g, const uint8_t *live) {
  uint32_t rows = 0;
  for (uint32_t i = 0; i < g->nnodes; i++)
    if (live[i] && g->nodes[i].kind == N_ATLEAST && g->nodes[i].depth + 1u > rows)
      rows = g->nodes[i].depth + 1u;
  return rows;
}

/* What one node costs batch_init: its slot's column for a field, else its
** value column and result bitmaps when live, and its two index entries. */
static size_t node_bytes(const graph *g, const node *n, int live) {
  size_t b = 2 * sizeof(uint32_t);
  if (n->kind == N_FIELD) b += sizeof(bcol) + slot_bytes(g->slots[n->u.slot].type);
  if (!live) return b;
  if (has_col(n)) b += sizeof(bcol) + col_bytes(n->type);
  return b + pred_entries(n) * (sizeof(bitmap) + sizeof(uint32_t));
}

static uint8_t *live_nodes(const graph *g) {
  uint8_t *live = cl_calloc(g->nnodes ? g->nnodes : 1, 1);
  graph_live(g, live);
  return live;
}

static size_t dict_bytes(const graph *g, const uint8_t *live);

size_t batch_memory(const graph *g, size_t cap, uint32_t *line) {
  uint8_t *live = live_nodes(g);
  size_t total = sizeof(batch_ctx) + (size_t)g->nmicros * sizeof(bitmap) +
                 (size_t)g->nmacros * sizeof(uint32_t) + (size_t)tally_entries(g) * sizeof(slot_tally) +
                 (size_t)counter_rows(g, live) * BATCH_MAX * sizeof(uint32_t);
  *line = 0;
  total += dict_bytes(g, live);
  for (uint32_t i = 0; i < g->nnodes; i++) {
    total += node_bytes(g, &g->nodes[i], live[i]);
    if (total > cap && !*line) *line = g->nodes[i].line;
  }
  if (total > cap && !*line) *line = g->nnodes ? g->nodes[g->nnodes - 1].line : 0;
  free(live);
  return total;
}

/* Identical conditions computed once (graph_canon.h): a condition is
** evaluated as its canonical node, and cached for the batch when the
** conditions that use it, counted over canonical nodes, are more than one.
** Sets b->canon and b->share; the duplicates are no longer live. */
static void share_init(batch_ctx *b, uint8_t *live) {
  const graph *g = b->g;
  uint32_t nn = g->nnodes ? g->nnodes : 1;
  b->canon = cl_malloc(nn * sizeof *b->canon);
  b->share = cl_calloc(nn, 1);
  graph_canon(g, live, b->canon);
  uint32_t *parents = cl_calloc(nn, sizeof *parents);
  for (uint32_t i = 0; i < g->nnodes; i++) {
    if (b->canon[i] != i) continue; /* a duplicate is never evaluated itself */
    for (uint32_t k = 0; k < g->nodes[i].nkids; k++) parents[b->canon[g->nodes[i].kids[k]]]++;
  }
  for (uint32_t m = 0; m < g->nmacros; m++)
    for (uint32_t c = 0; c < g->macros[m].ncases; c++) parents[b->canon[g->macros[m].cases[c].pred]]++;
  for (uint32_t m = 0; m < g->nmicros; m++) parents[b->canon[g->micros[m].pred]]++;
  for (uint32_t i = 0; i < g->nnodes; i++) {
    const node *n = &g->nodes[i];
    if (b->canon[i] != i) {
      if (n->type == VT_BOOL) live[i] = 0; /* its canonical node stands in (and is live) */
      continue;
    }
    b->share[i] = (parents[i] > 1 || n->shared) && n->kind != N_CONST && n->kind != N_FIELD &&
                  n->kind != N_MACRO && n->kind != N_TRUE;
  }
  free(parents);
}

/* The text field node id tests against constants (is, ==, ~=, one_of), or
** GRAPH_NONE; *texts gets the constants (set) or *one the constant. */
static uint32_t text_test_slot(const graph *g, uint32_t id, const strset **texts,
                               const cleave_str **one) {
  const node *n = &g->nodes[id];
  *texts = NULL;
  *one = NULL;
  if ((n->kind != N_IN && n->kind != N_CMP) || n->nkids < 1) return GRAPH_NONE;
  const node *ka = &g->nodes[n->kids[0]];
  if (ka->kind != N_FIELD || ka->type != VT_TEXT) return GRAPH_NONE;
  if (n->kind == N_IN) {
    *texts = &n->u.in.set;
    return ka->u.slot;
  }
  const node *kb = &g->nodes[n->kids[1]];
  if ((n->op != OP_EQ && n->op != OP_NE) || kb->kind != N_CONST || kb->type != VT_TEXT)
    return GRAPH_NONE;
  *one = &kb->u.cval.u.str;
  return ka->u.slot;
}

/* Dictionaries of the texts each text field is compared with (textdict.h),
** for fields tested more than once or with texts too long to compare as
** numbers (strset_pack7): the field is coded once per batch, each test is
** then a bit test per row. */
static void dict_init(batch_ctx *b, const uint8_t *live) {
  const graph *g = b->g;
  uint32_t ns = g->nslots ? g->nslots : 1, nn = g->nnodes ? g->nnodes : 1;
  b->dict = cl_calloc(ns, sizeof *b->dict);
  b->dict_on = cl_calloc(ns, 1);
  b->tmask = cl_calloc(nn, sizeof *b->tmask);
  b->tdict = cl_calloc(nn, 1);
  uint32_t *tests = cl_calloc(ns, sizeof *tests);
  uint8_t *dear = cl_calloc(ns, 1), *full = cl_calloc(ns, 1);
  for (uint32_t i = 0; i < g->nnodes; i++) {
    const strset *set;
    const cleave_str *one;
    uint32_t s = live[i] ? text_test_slot(g, i, &set, &one) : GRAPH_NONE;
    if (s == GRAPH_NONE) continue;
    tests[s]++;
    if (!b->dict[s]) {
      b->dict[s] = cl_malloc(sizeof *b->dict[s]);
      textdict_init(b->dict[s]);
    }
    if (set) {
      dear[s] |= !set->packed;
      for (uint32_t k = 0; k < set->n && !full[s]; k++)
        full[s] = textdict_add(b->dict[s], set->items[k], set->lens[k]) < 0;
    } else {
      dear[s] |= one->len > 7;
      full[s] |= textdict_add(b->dict[s], one->ptr, one->len) < 0;
    }
  }
  for (uint32_t s = 0; s < g->nslots; s++) {
    b->dict_on[s] = tests[s] && !full[s] && (tests[s] >= 2 || dear[s]);
    if (b->dict_on[s]) b->slots[s].code_rows = cl_calloc(TEXTDICT_MAX + 1, sizeof(bitmap));
  }
  for (uint32_t i = 0; i < g->nnodes; i++) {
    const strset *set;
    const cleave_str *one;
    uint32_t s = live[i] ? text_test_slot(g, i, &set, &one) : GRAPH_NONE;
    if (s == GRAPH_NONE || !b->dict_on[s]) continue;
    const textdict *d = b->dict[s];
    uint64_t m = 0;
    if (set)
      for (uint32_t k = 0; k < set->n; k++) m |= 1ULL << textdict_code(d, set->items[k], set->lens[k]);
    else
      m = 1ULL << textdict_code(d, one->ptr, one->len);
    b->tmask[i] = m;
    b->tdict[i] = 1;
  }
  free(tests);
  free(dear);
  free(full);
}

/* What dict_init may allocate: per slot tested against texts, a dictionary
** and its rows by code; per node, a mask and a flag. */
static size_t dict_bytes(const graph *g, const uint8_t *live) {
  uint8_t *seen = cl_calloc(g->nslots ? g->nslots : 1, 1);
  size_t total = (size_t)g->nslots * (sizeof(textdict *) + 1) + (size_t)g->nnodes * (sizeof(uint64_t) + 1);
  for (uint32_t i = 0; i < g->nnodes; i++) {
    const strset *set;
    const cleave_str *one;
    uint32_t s = live[i] ? text_test_slot(g, i, &set, &one) : GRAPH_NONE;
    if (s == GRAPH_NONE || seen[s]) continue;
    seen[s] = 1;
    total += sizeof(textdict) + (TEXTDICT_MAX + 1) * sizeof(bitmap);
  }
  free(seen);
  return total;
}

void batch_init(batch_ctx *b, const graph *g, void **tstate) {
  memset(b, 0, sizeof *b);
  b->g = g;
  uint32_t nn = g->nnodes ? g->nnodes : 1;
  uint8_t *live = live_nodes(g);
  b->slots = cl_calloc(g->nslots ? g->nslots : 1, sizeof *b->slots);
  for (uint32_t s = 0; s < g->nslots; s++) alloc_slot(&b->slots[s], g->slots[s].type);
  b->tally = cl_calloc(tally_entries(g) ? tally_entries(g) : 1, sizeof *b->tally);
  b->col_ix = cl_malloc(nn * sizeof *b->col_ix);
  b->pred_ix = cl_malloc(nn * sizeof *b->pred_ix);
  share_init(b, live);
  dict_init(b, live);
  for (uint32_t i = 0; i < g->nnodes; i++) {
    const node *n = &g->nodes[i];
    uint32_t pe = n->type == VT_BOOL ? 1u + b->share[i] : 0;
    b->col_ix[i] = live[i] && has_col(n) ? b->nvals++ : GRAPH_NONE;
    b->pred_ix[i] = live[i] && pe ? b->npred : GRAPH_NONE;
    if (live[i]) b->npred += pe;
  }
  b->vals = cl_calloc(b->nvals ? b->nvals : 1, sizeof *b->vals);
  for (uint32_t i = 0; i < g->nnodes; i++)
    if (b->col_ix[i] != GRAPH_NONE) alloc_col(&b->vals[b->col_ix[i]], g->nodes[i].type);
  b->pred = cl_calloc(b->npred ? b->npred : 1, sizeof *b->pred);
  b->pred_gen = cl_calloc(b->npred ? b->npred : 1, sizeof *b->pred_gen);
  uint32_t rows = counter_rows(g, live);
  b->counts = cl_calloc(rows ? (size_t)rows * BATCH_MAX : 1, sizeof *b->counts);
  b->micro_bits = cl_calloc(g->nmicros ? g->nmicros : 1, sizeof *b->micro_bits);
  b->macro_node = cl_calloc(g->nmacros ? g->nmacros : 1, sizeof *b->macro_node);
  for (uint32_t i = 0; i < g->nnodes; i++)
    if (g->nodes[i].kind == N_MACRO) b->macro_node[g->nodes[i].u.macro] = i;
  free(live);
  eval_ctx_init(&b->rowc, g, tstate);
}

void batch_free(batch_ctx *b) {
  const graph *g = b->g;
  for (uint32_t s = 0; s < g->nslots; s++) {
    free_slot(&b->slots[s], g->slots[s].type);
    if (b->dict[s]) textdict_free(b->dict[s]);
    free(b->dict[s]);
  }
  free(b->dict);
  free(b->dict_on);
  free(b->tmask);
  free(b->tdict);
  for (uint32_t i = 0; i < g->nnodes; i++)
    if (b->col_ix[i] != GRAPH_NONE) free_col(&b->vals[b->col_ix[i]], g->nodes[i].type);
  free(b->slots);
  free(b->tally);
  free(b->vals);
  free(b->col_ix);
  free(b->pred);
  free(b->pred_ix);
  free(b->pred_gen);
  free(b->canon);
  free(b->share);
  free(b->counts);
  free(b->micro_bits);
  free(b->macro_node);
  eval_ctx_free(&b->rowc);
  memset(b, 0, sizeof *b);
}

void batch_begin(batch_ctx *b, const cleave_str **cols, uint32_t n) {
  b->cols = cols;
  b->n = n;
  if (++b->gen == 0) {
    b->gen = 1;
    for (uint32_t s = 0; s < b->g->nslots; s++) b->slots[s].gen = b->slots[s].tags_gen = b->slots[s].packed_gen = b->slots[s].codes_gen =
          b->slots[s].tag_rows_gen = 0;
    for (uint32_t i = 0; i < b->nvals; i++) b->vals[i].gen = 0;
    for (uint32_t i = 0; i < b->npred; i++) b->pred_gen[i] = 0;
  }
  eval_texts_reset(&b->rowc);
}

/* --- value columns ----------------------------------------------------------- */

static const bcol *slot_col(batch_ctx *b, uint32_t s) {
  bcol *c = &b->slots[s];
  if (c->gen == b->gen) return c;
  c->gen = b->gen;
  const slot *sl = &b->g->slots[s];
  const cleave_str *raw = b->cols[sl->col];
  memset(c->present, 0, sizeof c->present);
  slot_tally *t = &b->tally[s];
  /* one loop per type (the type test out of the row loop) */
  if (sl->type == VT_NUMBER) {
    for (uint32_t i = 0; i < b->n; i++) {
      if (!raw[i].len) continue;
      t->present++;
      if (num_parse_fast(raw[i].ptr, raw[i].len, &c->v.num[i]) == 0) set_bit(c->present, i);
      else b->invalid++, tally_bad(t, raw[i].ptr, raw[i].len);
    }
  } else if (sl->type == VT_DATE) {
    for (uint32_t i = 0; i < b->n; i++) {
      if (!raw[i].len) continue;
      t->present++;
      if (date_parse_iso(raw[i].ptr, raw[i].len, &c->v.date[i]) == 0) set_bit(c->present, i);
      else b->invalid++, tally_bad(t, raw[i].ptr, raw[i].len);
    }
  } else { /* a text is present when not empty: 64 rows per word */
    for (uint32_t w = 0; w < words(b); w++) {
      uint64_t m = 0;
      uint32_t top = b->n - w * 64 < 64 ? b->n - w * 64 : 64;
      for (uint32_t j = 0; j < top; j++) m |= (uint64_t)(raw[w * 64 + j].len != 0) << j;
      c->present[w] = m;
    }
  }
  if (sl->type == VT_TEXT || sl->type == VT_TAGS) c->v.str = (cleave_str *)raw;
  return c;
}

static const uint64_t *slot_tags(batch_ctx *b, uint32_t s) {
  bcol *c = (bcol *)slot_col(b, s);
  if (c->tags_gen != b->gen) {
    c->tags_gen = b->gen;
    const slot *sl = &b->g->slots[s];
    for (uint32_t i = 0; i < b->n; i++)
      c->tags[i] = bit_at(c->present, i) ? tags_bits(c->v.str[i].ptr, c->v.str[i].len, sl->sep, &sl->tags) : 0;
  }
  return c->tags;
}

/* A TAGS field's rows by known tag: tag t's rows are tag_rows[t]. */
static const bitmap *slot_tag_rows(batch_ctx *b, uint32_t s) {
  const uint64_t *t = slot_tags(b, s);
  bcol *c = &b->slots[s];
  if (c->tag_rows_gen != b->gen) {
    c->tag_rows_gen = b->gen;
    memset(c->tag_rows, 0, 64 * sizeof(bitmap));
    for (uint32_t i = 0; i < b->n; i++)
      for (uint64_t bits = t[i]; bits; bits &= bits - 1) set_bit(c->tag_rows[__builtin_ctzll(bits)], i);
  }
  return (const bitmap *)c->tag_rows;
}

/* Short texts of a TEXT field as numbers, for comparing many rows at once.
** Missing rows pack as the empty text; callers mask with present. */
static const uint64_t *slot_packed(batch_ctx *b, uint32_t s) {
  bcol *c = (bcol *)slot_col(b, s);
  if (c->packed_gen != b->gen) {
    c->packed_gen = b->gen;
    for (uint32_t i = 0; i < b->n; i++) c->packed[i] = strset_pack7(c->v.str[i].ptr, c->v.str[i].len);
  }
  return c->packed;
}

/* A dictionary field's rows by code (textdict_code of each row): code c's
** rows are code_rows[c]. Rows not present code as the empty text: callers
** mask with present. */
static const bitmap *slot_code_rows(batch_ctx *b, uint32_t s) {
  bcol *c = (bcol *)slot_col(b, s);
  if (c->codes_gen != b->gen) {
    c->codes_gen = b->gen;
    const textdict *d = b->dict[s];
    memset(c->code_rows, 0, (TEXTDICT_MAX + 1) * sizeof(bitmap));
    for (uint32_t i = 0; i < b->n; i++)
      set_bit(c->code_rows[textdict_code(d, c->v.str[i].ptr, c->v.str[i].len)], i);
  }
  return (const bitmap *)c->code_rows;
}

/* out = rows of sel whose code is in mask, or not in it (neg); present rows
** only: the union of the codes' rows, one word of rows at a time. */
static void codes_in(const batch_ctx *b, const bitmap *rows, uint64_t mask, int neg,
                     const uint64_t *present, const uint64_t *sel, uint64_t *out) {
  uint32_t nw = words(b);
  bitmap u = {0};
  for (; mask; mask &= mask - 1) {
    const uint64_t *r = rows[__builtin_ctzll(mask)];
    for (uint32_t w = 0; w < nw; w++) u[w] |= r[w];
  }
  for (uint32_t w = 0; w < nw; w++) out[w] = (neg ? ~u[w] : u[w]) & present[w] & sel[w];
}

static const bcol *val(batch_ctx *b, uint32_t id);
static const bcol *val_for(batch_ctx *b, uint32_t id, const uint64_t *rows);
static const uint64_t *pred(batch_ctx *b, uint32_t id, const uint64_t *sel);

/* One row's value of node id, as the ABI's cleave_value. */
static void value_at(batch_ctx *b, uint32_t id, uint32_t i, cleave_value *out) {
  const node *n = &b->g->nodes[id];
  memset(out, 0, sizeof *out);
  out->type = n->type;
  if (n->kind == N_CONST) {
    *out = n->u.cval;
    return;
  }
  if (n->type == VT_BOOL) {
    bitmap all;
    all_rows(b, all);
    out->u.boolean = bit_at(pred(b, id, all), i);
    return;
  }
  bitmap one = {0};
  set_bit(one, i);
  const bcol *c = val_for(b, id, one);
  out->missing = !bit_at(c->present, i);
  if (out->missing) return;
  switch (n->type) {
  case VT_NUMBER: out->u.number = c->v.num[i]; break;
  case VT_DATE: out->u.date = c->v.date[i]; break;
  case VT_ENUM: out->u.boolean = (int32_t)c->v.ix[i]; break;
  case VT_TAGS:
    out->u.str = c->v.str[i];
    out->sep = n->kind == N_FIELD ? b->g->slots[n->u.slot].sep : ';';
    break;
  default: out->u.str = c->v.str[i]; break;
  }
}

static void compute_arith(batch_ctx *b, const node *n, bcol *c) {
  const node *ka = &b->g->nodes[n->kids[0]], *kb = &b->g->nodes[n->kids[1]];
  const bcol *A = ka->kind == N_CONST ? NULL : val(b, n->kids[0]);
  const bcol *B = kb->kind == N_CONST ? NULL : val(b, n->kids[1]);
  double ca = ka->kind == N_CONST ? ka->u.cval.u.number : 0;
  double cb = kb->kind == N_CONST ? kb->u.cval.u.number : 0;
  memset(c->present, 0, sizeof c->present);
  for (uint32_t i = 0; i < b->n; i++) {
    if ((A && !bit_at(A->present, i)) || (B && !bit_at(B->present, i))) continue;
    double x = A ? A->v.num[i] : ca, y = B ? B->v.num[i] : cb;
    if (val_arith(n->op, x, y, &c->v.num[i])) set_bit(c->present, i);
  }
}

/* One plugin call for row i with args filled in: the result into c. */
static inline void call_row(batch_ctx *b, const node *n, const cleave_criterion *cr, void *ts,
                            bcol *c, const cleave_value *args, uint32_t i) {
  cleave_value out;
  memset(&out, 0, sizeof out);
  out.type = cr->result;
  cr->eval(n->u.call.inst, ts, args, &out);
  val_plugin_result(&out, cr->result);
  if (out.missing) return;
  set_bit(c->present, i);
  switch (cr->result) {
  case VT_NUMBER: c->v.num[i] = out.u.number; break;
  case VT_DATE: c->v.date[i] = out.u.date; break;
  case VT_BOOL: c->v.ix[i] = (uint32_t)out.u.boolean; break;
  default:
    c->v.str[i].ptr = eval_keep_text(&b->rowc, out.u.str.ptr, out.u.str.len);
    c->v.str[i].len = out.u.str.len;
    break;
  }
}

/* How compute_call fills an argument per row, decided once per batch. */
enum { ARG_FIXED, ARG_BOOL, ARG_NUM, ARG_DATE, ARG_STR };

/* Plugin results for the rows in want that are not computed yet: a plugin
** call is the dearest thing here, so rows already decided are skipped. */
static void compute_call(batch_ctx *b, uint32_t id, const uint64_t *want) {
  const node *n = &b->g->nodes[id];
  bcol *c = &b->vals[b->col_ix[id]];
  const cleave_criterion *cr = n->u.call.crit;
  void *ts = b->rowc.tstate[n->u.call.plugin];
  bitmap todo;
  int any = 0;
  for (uint32_t w = 0; w < words(b); w++) any |= (todo[w] = want[w] & ~c->done[w]) != 0;
  if (!any) return;
  cleave_value args[CLEAVE_MAX_ARGS];
  const bcol *argc_[CLEAVE_MAX_ARGS];
  uint8_t how[CLEAVE_MAX_ARGS];
  uint32_t nargs = cr->nargs < CLEAVE_MAX_ARGS ? cr->nargs : CLEAVE_MAX_ARGS;
  for (uint32_t a = 0; a < nargs; a++) {
    memset(&args[a], 0, sizeof args[a]);
    args[a].type = cr->args[a].type;
    args[a].missing = 1;
    argc_[a] = NULL;
    how[a] = ARG_FIXED;
    int32_t k = n->u.call.argkid[a];
    if (k < 0) continue;
    const node *kn = &b->g->nodes[n->kids[k]];
    if (kn->kind == N_CONST) {
      args[a] = kn->u.cval;
    } else if (kn->type == VT_BOOL) { /* filled per row below */
      args[a].type = VT_BOOL;
      how[a] = ARG_BOOL;
    } else {
      argc_[a] = val_for(b, n->kids[k], todo);
      how[a] = args[a].type == VT_NUMBER ? ARG_NUM : args[a].type == VT_DATE ? ARG_DATE : ARG_STR;
      if (args[a].type == VT_TAGS) args[a].sep = kn->kind == N_FIELD ? b->g->slots[kn->u.slot].sep : ';';
    }
  }
  /* the crash marker (cleanup.h): once per call site and batch, not per row;
  ** again after value_at, which may run (and unmark) another plugin call */
  cleanup_mark("eval", n->u.call.label);
  /* one argument read per row, the others fixed (rfm.recency(x) has its
  ** thresholds as constants): a loop with nothing to decide per row */
  uint32_t nvar = 0, va = 0;
  for (uint32_t a = 0; a < nargs; a++)
    if (how[a] != ARG_FIXED) nvar++, va = a;
  const bcol *ac = argc_[va];
  cleave_value *av = &args[va];
  if (nvar == 1 && how[va] == ARG_NUM) {
    FOR_EACH_ROW(b, todo, i) {
      av->missing = !bit_at(ac->present, (uint32_t)i);
      av->u.number = ac->v.num[i];
      call_row(b, n, cr, ts, c, args, (uint32_t)i);
    }
  } else if (nvar == 1 && how[va] == ARG_DATE) {
    FOR_EACH_ROW(b, todo, i) {
      av->missing = !bit_at(ac->present, (uint32_t)i);
      av->u.date = ac->v.date[i];
      call_row(b, n, cr, ts, c, args, (uint32_t)i);
    }
  } else if (nvar == 1 && how[va] == ARG_STR) {
    FOR_EACH_ROW(b, todo, i) {
      av->missing = !bit_at(ac->present, (uint32_t)i);
      av->u.str = ac->v.str[i];
      call_row(b, n, cr, ts, c, args, (uint32_t)i);
    }
  } else {
    FOR_EACH_ROW(b, todo, i) {
      for (uint32_t a = 0; a < nargs; a++) {
        const bcol *col = argc_[a];
        switch (how[a]) {
        case ARG_FIXED: continue;
        case ARG_BOOL:
          value_at(b, n->kids[n->u.call.argkid[a]], (uint32_t)i, &args[a]);
          cleanup_mark("eval", n->u.call.label);
          continue;
        case ARG_NUM: args[a].u.number = col->v.num[i]; break;
        case ARG_DATE: args[a].u.date = col->v.date[i]; break;
        default: args[a].u.str = col->v.str[i]; break;
        }
        args[a].missing = !bit_at(col->present, (uint32_t)i);
      }
      call_row(b, n, cr, ts, c, args, (uint32_t)i);
    }
  }
  cleanup_mark(NULL, NULL);
  for (uint32_t w = 0; w < words(b); w++) c->done[w] |= todo[w];
}

/* The column of node id, computed at least for rows (plugin calls are
** computed row by row on demand; everything else for the whole batch). */
static const bcol *val_for(batch_ctx *b, uint32_t id, const uint64_t *rows) {
  const node *n = &b->g->nodes[id];
  if (n->kind != N_CALL) return val(b, id);
  bcol *c = &b->vals[b->col_ix[id]];
  if (c->gen != b->gen) {
    c->gen = b->gen;
    memset(c->present, 0, sizeof c->present);
    memset(c->done, 0, sizeof c->done);
  }
  compute_call(b, id, rows);
  return c;
}

static uint32_t *macro_values(batch_ctx *b, uint32_t m, uint32_t *out);

static const bcol *val(batch_ctx *b, uint32_t id) {
  const node *n = &b->g->nodes[id];
  if (n->kind == N_FIELD) return slot_col(b, n->u.slot);
  if (n->kind == N_CALL) { /* every row */
    bitmap all;
    all_rows(b, all);
    return val_for(b, id, all);
  }
  bcol *c = &b->vals[b->col_ix[id]];
  if (c->gen == b->gen) return c;
  c->gen = b->gen;
  switch (n->kind) {
  case N_ARITH: compute_arith(b, n, c); break;
  case N_NEG: {
    const bcol *a = val(b, n->kids[0]);
    memcpy(c->present, a->present, sizeof c->present);
    for (uint32_t i = 0; i < b->n; i++) c->v.num[i] = -a->v.num[i];
    break;
  }
  case N_MACRO:
    all_rows(b, c->present);
    macro_values(b, n->u.macro, c->v.ix);
    break;
  case N_SCORE: {
    bitmap all;
    all_rows(b, all);
    memcpy(c->present, all, sizeof all);
    memset(c->v.num, 0, b->n * sizeof *c->v.num);
    for (uint32_t k = 0; k < n->nkids; k++) {
      const uint64_t *r = pred(b, n->kids[k], all);
      FOR_EACH_ROW(b, r, i) c->v.num[i] += n->u.count.weights[k];
    }
    for (uint32_t i = 0; i < b->n; i++)
      if (!val_number_ok(c->v.num[i])) c->present[i >> 6] &= ~(1ULL << (i & 63));
    break;
  }
  case N_BUCKET: {
    const bcol *a = val(b, n->kids[0]);
    memcpy(c->present, a->present, sizeof c->present);
    FOR_EACH_ROW(b, a->present, i)
      c->v.num[i] = eval_bucket(n->u.range.salt, a->v.str[i].ptr, a->v.str[i].len);
    break;
  }
  default: memset(c->present, 0, sizeof c->present); break;
  }
  return c;
}

/* --- conditions -------------------------------------------------------------- */

/* out = rows of sel where column A (number) <op> k. The comparisons are
** made for all 64 rows of a word (values of rows not present are compared
** too, then masked). With SSE2 (baseline on x86-64) two rows per compare
** and movemask; else one row a step. NaN compares as C's operators do. */
#ifdef __SSE2__
#define CMP_LOOP(F, OPEXPR)                                                     \
  {                                                                             \
    const __m128d kk = _mm_set1_pd(k);                                          \
    for (uint32_t w = 0; w < nw; w++) {                                         \
      uint64_t word = 0;                                                        \
      const double *x = A + w * 64;                                             \
      for (uint32_t j = 0; j < 64; j += 8) {                                    \
        uint64_t m = (uint64_t)_mm_movemask_pd(F(_mm_loadu_pd(x + j), kk)) |     \
                     (uint64_t)_mm_movemask_pd(F(_mm_loadu_pd(x + j + 2), kk)) << 2 | \
                     (uint64_t)_mm_movemask_pd(F(_mm_loadu_pd(x + j + 4), kk)) << 4 | \
                     (uint64_t)_mm_movemask_pd(F(_mm_loadu_pd(x + j + 6), kk)) << 6;  \
        word |= m << j;                                                         \
      }                                                                         \
      out[w] = word & present[w] & sel[w];                                      \
    }                                                                           \
  }
#else
#define CMP_LOOP(F, OPEXPR)                                                     \
  for (uint32_t w = 0; w < nw; w++) {                                           \
    uint64_t word = 0;                                                          \
    const double *x = A + w * 64;                                               \
    for (uint32_t j = 0; j < 64; j++) word |= (uint64_t)(OPEXPR) << j;          \
    out[w] = word & present[w] & sel[w];                                        \
  }
#endif

static void cmp_num_k(const batch_ctx *b, int op, const double *A, const uint64_t *present,
                      double k, const uint64_t *sel, uint64_t *out) {
  uint32_t nw = words(b);
  switch (op) {
  case OP_LT: CMP_LOOP(_mm_cmplt_pd, x[j] < k) break;
  case OP_LE: CMP_LOOP(_mm_cmple_pd, x[j] <= k) break;
  case OP_GT: CMP_LOOP(_mm_cmpgt_pd, x[j] > k) break;
  case OP_GE: CMP_LOOP(_mm_cmpge_pd, x[j] >= k) break;
  case OP_EQ: CMP_LOOP(_mm_cmpeq_pd, x[j] == k) break;
  default: CMP_LOOP(_mm_cmpneq_pd, x[j] != k) break;
  }
}

/* out = rows of sel where lo <= A <= hi (numbers). */
static void between_num(const batch_ctx *b, const double *A, const uint64_t *present, double lo,
                        double hi, const uint64_t *sel, uint64_t *out) {
  uint32_t nw = words(b);
#ifdef __SSE2__
  const __m128d vlo = _mm_set1_pd(lo), vhi = _mm_set1_pd(hi);
#define BETWEEN2(p) _mm_movemask_pd(_mm_and_pd(_mm_cmpge_pd(_mm_loadu_pd(p), vlo), \
                                               _mm_cmple_pd(_mm_loadu_pd(p), vhi)))
  for (uint32_t w = 0; w < nw; w++) {
    uint64_t word = 0;
    const double *x = A + w * 64;
    for (uint32_t j = 0; j < 64; j += 4)
      word |= ((uint64_t)BETWEEN2(x + j) | (uint64_t)BETWEEN2(x + j + 2) << 2) << j;
    out[w] = word & present[w] & sel[w];
  }
#undef BETWEEN2
#else
  for (uint32_t w = 0; w < nw; w++) {
    uint64_t word = 0;
    const double *x = A + w * 64;
    for (uint32_t j = 0; j < 64; j++) word |= (uint64_t)val_between(x[j], lo, hi) << j;
    out[w] = word & present[w] & sel[w];
  }
#endif
}

static void eval_cmp(batch_ctx *b, const node *n, const uint64_t *sel, uint64_t *out) {
  const node *ka = &b->g->nodes[n->kids[0]], *kb = &b->g->nodes[n->kids[1]];
  const bcol *A = val_for(b, n->kids[0], sel);
  uint32_t id = (uint32_t)(n - b->g->nodes);
  if (b->tdict[id]) { /* a text field is / is not a text: its code */
    codes_in(b, slot_code_rows(b, ka->u.slot), b->tmask[id], n->op == OP_NE, A->present, sel, out);
    return;
  }
  if (ka->type == VT_NUMBER && kb->kind == N_CONST) {
    cmp_num_k(b, n->op, A->v.num, A->present, kb->u.cval.u.number, sel, out);
    return;
  }
  if (ka->type == VT_TEXT && ka->kind == N_FIELD && kb->kind == N_CONST &&
      (n->op == OP_EQ || n->op == OP_NE) && kb->u.cval.u.str.len <= 7) {
    const uint64_t *pk = slot_packed(b, ka->u.slot);
    uint64_t k = strset_pack7(kb->u.cval.u.str.ptr, kb->u.cval.u.str.len);
    for (uint32_t w = 0; w < words(b); w++) {
      uint64_t word = 0;
      for (uint32_t j = 0; j < 64; j++) word |= (uint64_t)(pk[w * 64 + j] == k) << j;
      out[w] = (n->op == OP_EQ ? word : ~word) & A->present[w] & sel[w];
    }
    return;
  }
  memset(out, 0, sizeof(bitmap));
  const bcol *B = kb->kind == N_CONST ? NULL : val_for(b, n->kids[1], sel);
  FOR_EACH_ROW(b, sel, i) {
    if (!bit_at(A->present, i) || (B && !bit_at(B->present, i))) continue;
    int r;
    switch (ka->type) {
    case VT_NUMBER: r = cmp_holds(n->op, A->v.num[i], B ? B->v.num[i] : kb->u.cval.u.number); break;
    case VT_DATE: r = val_date_cmp(n->op, A->v.date[i], B ? B->v.date[i] : kb->u.cval.u.date); break;
    case VT_ENUM: r = cmp_holds(n->op, A->v.ix[i], B ? B->v.ix[i] : (uint32_t)kb->u.cval.u.boolean); break;
    default: r = val_text_cmp(n->op, A->v.str[i], B ? B->v.str[i] : kb->u.cval.u.str); break;
    }
    if (r) set_bit(out, i);
  }
}

static int text_in(const strset *set, cleave_str s) { return strset_contains(set, s.ptr, s.len); }

static void eval_in(batch_ctx *b, const node *n, const uint64_t *sel, uint64_t *out) {
  const node *ka = &b->g->nodes[n->kids[0]];
  const bcol *A = val_for(b, n->kids[0], sel);
  memset(out, 0, sizeof(bitmap));
  if (ka->type == VT_ENUM) {
    uint64_t bits = n->u.in.bits;
    for (uint32_t w = 0; w < words(b); w++) {
      uint64_t word = 0;
      for (uint32_t j = 0; j < 64; j++) word |= ((bits >> (A->v.ix[w * 64 + j] & 63)) & 1) << j;
      out[w] = (n->op ? ~word : word) & A->present[w] & sel[w];
    }
    return;
  }
  uint32_t id = (uint32_t)(n - b->g->nodes);
  if (b->tdict[id]) { /* a text field one_of texts: a mask of its codes */
    codes_in(b, slot_code_rows(b, ka->u.slot), b->tmask[id], n->op != 0, A->present, sel, out);
    return;
  }
  if (ka->type == VT_TEXT && ka->kind == N_FIELD && n->u.in.set.packed) {
    const uint64_t *pk = slot_packed(b, ka->u.slot), *items = n->u.in.set.packed;
    uint32_t ni = n->u.in.set.n;
    for (uint32_t w = 0; w < words(b); w++) {
      uint64_t word = 0;
      if (sel[w])
        for (uint32_t j = 0; j < 64; j++) {
          uint64_t v = pk[w * 64 + j], f = 0;
          for (uint32_t k = 0; k < ni; k++) f |= items[k] == v;
          word |= f << j;
        }
      out[w] = (n->op ? ~word : word) & A->present[w] & sel[w];
    }
    return;
  }
  FOR_EACH_ROW(b, sel, i) {
    if (!bit_at(A->present, i)) continue;
    int found = 0;
    if (ka->type == VT_TEXT) {
      found = text_in(&n->u.in.set, A->v.str[i]);
    } else {
      double x = ka->type == VT_DATE ? A->v.date[i] : A->v.num[i];
      found = val_in_nums(n->u.in.nums, n->u.in.nnums, x);
    }
    if (found != n->op) set_bit(out, i);
  }
}

static void eval_has(batch_ctx *b, const node *n, const uint64_t *sel, uint64_t *out) {
  const node *ka = &b->g->nodes[n->kids[0]];
  memset(out, 0, sizeof(bitmap));
  if (ka->kind == N_FIELD && n->u.in.bits) { /* the union (any) or intersection (all) of the tags' rows */
    const bitmap *tr = slot_tag_rows(b, ka->u.slot);
    uint64_t want = n->u.in.bits;
    uint32_t nw = words(b);
    bitmap acc;
    memcpy(acc, tr[__builtin_ctzll(want)], sizeof acc);
    for (want &= want - 1; want; want &= want - 1) {
      const uint64_t *r = tr[__builtin_ctzll(want)];
      if (n->op)
        for (uint32_t w = 0; w < nw; w++) acc[w] &= r[w];
      else
        for (uint32_t w = 0; w < nw; w++) acc[w] |= r[w];
    }
    for (uint32_t w = 0; w < nw; w++) out[w] = acc[w] & sel[w];
    return;
  }
  const bcol *A = val_for(b, n->kids[0], sel);
  char sep = ka->kind == N_FIELD ? b->g->slots[ka->u.slot].sep : ';';
  FOR_EACH_ROW(b, sel, i) {
    if (!bit_at(A->present, i)) continue;
    int all = 1, any = 0;
    for (uint32_t k = 0; k < n->u.in.set.n; k++) {
      int h = tags_has(A->v.str[i].ptr, A->v.str[i].len, sep, n->u.in.set.items[k], n->u.in.set.lens[k]);
      all &= h;
      any |= h;
    }
    if (n->op ? all : any) set_bit(out, i);
  }
}

static void compute_pred(batch_ctx *b, uint32_t id, const uint64_t *sel, uint64_t *out) {
  const node *n = &b->g->nodes[id];
  const node *nodes = b->g->nodes;
  uint32_t nw = words(b);
  switch (n->kind) {
  case N_TRUE: memcpy(out, sel, sizeof(bitmap)); return;
  case N_AND: {
    bitmap cur;
    memcpy(cur, sel, sizeof cur);
    for (uint32_t k = 0; k < n->nkids && !none_set(b, cur); k++)
      memcpy(cur, pred(b, n->order[k], cur), sizeof cur);
    memcpy(out, cur, sizeof cur);
    return;
  }
  case N_OR: {
    bitmap rem, acc = {0};
    memcpy(rem, sel, sizeof rem);
    for (uint32_t k = 0; k < n->nkids && !none_set(b, rem); k++) {
      const uint64_t *r = pred(b, n->order[k], rem);
      for (uint32_t w = 0; w < nw; w++) {
        acc[w] |= r[w];
        rem[w] &= ~r[w];
      }
    }
    memcpy(out, acc, sizeof acc);
    return;
  }
  case N_NOT: {
    const uint64_t *r = pred(b, n->kids[0], sel);
    for (uint32_t w = 0; w < nw; w++) out[w] = sel[w] & ~r[w];
    return;
  }
  case N_ATLEAST: { /* its own counters: an at_least inside another is shallower */
    uint32_t *counts = b->counts + (size_t)n->depth * BATCH_MAX;
    memset(counts, 0, b->n * sizeof *counts);
    for (uint32_t k = 0; k < n->nkids; k++) {
      const uint64_t *r = pred(b, n->order[k], sel);
      FOR_EACH_ROW(b, r, i) counts[i]++;
    }
    memset(out, 0, sizeof(bitmap));
    FOR_EACH_ROW(b, sel, i) if (counts[i] >= n->u.count.k) set_bit(out, i);
    return;
  }
  case N_CMP: eval_cmp(b, n, sel, out); return;
  case N_BETWEEN: {
    const bcol *A = val_for(b, n->kids[0], sel);
    double lo = n->u.range.lo, hi = n->u.range.hi;
    int date = nodes[n->kids[0]].type == VT_DATE;
    if (!date) {
      between_num(b, A->v.num, A->present, lo, hi, sel, out);
      return;
    }
    memset(out, 0, sizeof(bitmap));
    FOR_EACH_ROW(b, sel, i) {
      if (!bit_at(A->present, i)) continue;
      double x = date ? A->v.date[i] : A->v.num[i];
      if (val_between(x, lo, hi)) set_bit(out, i);
    }
    return;
  }
  case N_IN: eval_in(b, n, sel, out); return;
  case N_PREFIX: {
    const bcol *A = val_for(b, n->kids[0], sel);
    memset(out, 0, sizeof(bitmap));
    FOR_EACH_ROW(b, sel, i)
      if (bit_at(A->present, i) && strset_has_prefix_of(&n->u.in.set, A->v.str[i].ptr, A->v.str[i].len))
        set_bit(out, i);
    return;
  }
  case N_HAS: eval_has(b, n, sel, out); return;
  case N_MISSING: {
    const node *ka = &nodes[n->kids[0]];
    if (ka->kind == N_CONST) {
      memset(out, 0, sizeof(bitmap));
      return;
    }
    const bcol *A = val_for(b, n->kids[0], sel);
    for (uint32_t w = 0; w < nw; w++) out[w] = sel[w] & ~A->present[w];
    return;
  }
  case N_CALL: { /* a yes/no criterion */
    const bcol *A = val_for(b, id, sel);
    memset(out, 0, sizeof(bitmap));
    FOR_EACH_ROW(b, sel, i) if (bit_at(A->present, i) && A->v.ix[i]) set_bit(out, i);
    return;
  }
  default: memset(out, 0, sizeof(bitmap)); return;
  }
}

static const uint64_t *pred(batch_ctx *b, uint32_t id, const uint64_t *sel) {
  id = b->canon[id]; /* the first of the identical conditions */
  uint32_t px = b->pred_ix[id];
  uint64_t *out = b->pred[px];
  if (!b->share[id]) {
    compute_pred(b, id, sel, out);
    return out;
  }
  /* shared: computed once for every row, then narrowed to sel */
  if (b->pred_gen[px] != b->gen) {
    bitmap all;
    all_rows(b, all);
    compute_pred(b, id, all, out);
    b->pred_gen[px] = b->gen;
  }
  uint64_t *masked = b->pred[px + 1];
  for (uint32_t w = 0; w < words(b); w++) masked[w] = out[w] & sel[w];
  return masked;
}

static uint32_t *macro_values(batch_ctx *b, uint32_t m, uint32_t *ix) {
  const macro *mc = &b->g->macros[m];
  bitmap rem;
  all_rows(b, rem);
  for (uint32_t k = 0; k < mc->ncases && !none_set(b, rem); k++) {
    const uint64_t *r = pred(b, mc->cases[k].pred, rem);
    uint32_t v = mc->cases[k].value;
    FOR_EACH_ROW(b, r, i) ix[i] = v;
    for (uint32_t w = 0; w < words(b); w++) rem[w] &= ~r[w];
  }
  FOR_EACH_ROW(b, rem, i) ix[i] = mc->otherwise;
  return ix;
}

const uint32_t *batch_macro(batch_ctx *b, uint32_t m) {
  return val(b, b->macro_node[m])->v.ix; /* the N_MACRO node holds the column */
}

const uint64_t *batch_micro(batch_ctx *b, uint32_t i) {
  bitmap all;
  all_rows(b, all);
  memcpy(b->micro_bits[i], pred(b, b->g->micros[i].pred, all), sizeof(bitmap));
  return b->micro_bits[i];
}

/* Call site k on every row of the batch: the rows whose per-row arguments
** are all present, and of them those with no result (call_sites.h). */
static void count_call(batch_ctx *b, uint32_t k) {
  const graph *g = b->g;
  uint32_t id = g->sites[k].node;
  const node *n = &g->nodes[id];
  bitmap all, fail;
  all_rows(b, all);
  const bcol *c = val_for(b, id, all); /* the rows no rule needed, too */
  uint32_t nargs = n->u.call.crit->nargs < CLEAVE_MAX_ARGS ? n->u.call.crit->nargs : CLEAVE_MAX_ARGS;
  for (uint32_t a = 0; a < nargs; a++) {
    uint32_t kid = call_arg_node(g, n, a);
    if (kid == GRAPH_NONE) continue;
    const bcol *ac = val_for(b, kid, all);
    for (uint32_t w = 0; w < words(b); w++) all[w] &= ac->present[w];
  }
  uint64_t present = 0, bad = 0;
  for (uint32_t w = 0; w < words(b); w++) {
    fail[w] = all[w] & ~c->present[w];
    present += (uint64_t)__builtin_popcountll(all[w]);
    bad += (uint64_t)__builtin_popcountll(fail[w]);
  }
  slot_tally *t = &b->tally[g->nslots + k];
  t->present += present;
  if (!bad) return;
  b->invalid += bad;
  if (t->bad) {
    t->bad += bad;
    return;
  }
  uint32_t first = 0;
  while (!fail[first >> 6]) first += 64;
  first += (uint32_t)__builtin_ctzll(fail[first >> 6]);
  cleave_value args[CLEAVE_MAX_ARGS];
  memset(args, 0, sizeof args);
  for (uint32_t a = 0; a < nargs; a++)
    if (call_arg_node(g, n, a) != GRAPH_NONE) value_at(b, call_arg_node(g, n, a), first, &args[a]);
  call_site_failed(t, g, n, args); /* the first, with its arguments */
  t->bad += bad - 1;
}

void batch_count_invalid(batch_ctx *b) {
  for (uint32_t s = 0; s < b->g->nslots; s++)
    if (b->g->slots[s].type == VT_NUMBER || b->g->slots[s].type == VT_DATE) slot_col(b, s);
  for (uint32_t k = 0; k < b->g->nsites; k++) count_call(b, k);
}
