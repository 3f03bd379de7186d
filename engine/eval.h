/* SPDX-License-Identifier: MIT */
/*
** eval.h -- evaluating the predicate graph on one record. No Lua is called.
**
** One eval_ctx per worker thread: it holds the per-record caches (typed field
** values parsed lazily and once, shared sub-predicates, macro values) and the
** plugins' per-thread states. The graph itself is shared read-only.
*/
#ifndef CLEAVE_EVAL_H
#define CLEAVE_EVAL_H

#include <stdint.h>

#include "cleave/plugin.h"
#include "graph.h"
#include "invalid.h"

typedef struct slot_cache {
  uint32_t gen;
  uint32_t bits_gen;
  cleave_value v;
  uint64_t bits; /* tag bits (VT_TAGS) */
} slot_cache;

typedef struct node_cache {
  uint32_t gen;
  cleave_value v; /* predicates: v.u.boolean */
} node_cache;

/* Texts returned by plugins, copied for the rest of the record. */
typedef struct text_block {
  struct text_block *next;
  size_t used, cap;
  char data[];
} text_block;

typedef struct eval_ctx {
  const graph *g;
  const cleave_str *cols; /* the current record's columns, by input index */
  uint32_t gen;           /* bumped per record; caches compare against it */
  slot_cache *slots;
  node_cache *cache;
  uint32_t *macro_gen;
  uint32_t *macro_val;
  void **tstate;          /* per plugin (index = call.plugin): thread state */
  uint64_t invalid;       /* number/date values present but not parsable (after
                          ** eval_count_invalid: all of the record's) */
  slot_tally *tally;      /* per slot: values present and not parsable; then
                          ** per call site (call_sites.h): failures */
  uint32_t *site_gen;     /* per call site: the record it was counted for */
  text_block *texts;      /* block being filled (the largest); kept by reset */
} eval_ctx;

void eval_texts_reset(eval_ctx *c);
/* Copy a plugin's text result so it lives until the next reset. */
const char *eval_keep_text(eval_ctx *c, const char *p, size_t n);
/* The holdout bucket (0..9999) of a text value: a stable hash with a salt. */
uint32_t eval_bucket(const char *salt, const char *p, size_t len);

/* tstate: array owned by the caller (one entry per loaded plugin). */
void eval_ctx_init(eval_ctx *c, const graph *g, void **tstate);
void eval_ctx_free(eval_ctx *c);

/* Start a new record: cols[i] is column i (len 0 = missing). */
static inline void eval_begin(eval_ctx *c, const cleave_str *cols) {
  c->cols = cols;
  if (c->texts->used) eval_texts_reset(c);
  if (++c->gen == 0) { /* wrapped: forget everything */
    c->gen = 1;
    for (uint32_t i = 0; i < c->g->nslots; i++) c->slots[i].gen = c->slots[i].bits_gen = 0;
    for (uint32_t i = 0; i < c->g->ncache; i++) c->cache[i].gen = 0;
    for (uint32_t i = 0; i < c->g->nmacros; i++) c->macro_gen[i] = 0;
    for (uint32_t i = 0; i < c->g->nsites; i++) c->site_gen[i] = 0;
  }
}

/* Read every number and date column of the current record and compute
** every plugin call site (so invalid counts every value that does not parse
** and every call that gives no result from present arguments, whether or
** not a rule needed it). */
void eval_count_invalid(eval_ctx *c);
/* Only the plugin call sites (cleave check counts the columns itself). */
void eval_count_calls(eval_ctx *c);

/* The value of a value node / the truth of a predicate node. */
void eval_value(eval_ctx *c, uint32_t id, cleave_value *out);
int eval_pred(eval_ctx *c, uint32_t id);
/* The winning value index of macro m. */
uint32_t eval_macro(eval_ctx *c, uint32_t m);
/* The index of the macro case that won, or -1 for the default. */
int eval_macro_case(eval_ctx *c, uint32_t m);

#endif
