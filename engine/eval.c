/* SPDX-License-Identifier: MIT */
/*
** eval.c -- the per-record evaluator: a switch over node kinds, with
** short-circuit AND/OR in optimised order and per-record caches.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "call_sites.h"
#include "cleanup.h"
#include "datecalc.h"
#include "error.h"
#include "eval.h"
#include "values.h"

/* The first text block; blocks double from here. */
#define TEXT_BLOCK_FIRST 4096
/* A block larger than this is not kept for the next record (one huge text
** must not pin its memory for the rest of the run). */
#define TEXT_BLOCK_KEEP_MAX ((size_t)16 << 20)

static text_block *text_block_new(size_t cap, text_block *next) {
  text_block *b = cl_malloc(sizeof *b + cap);
  b->next = next;
  b->used = 0;
  b->cap = cap;
  return b;
}

void eval_ctx_init(eval_ctx *c, const graph *g, void **tstate) {
  memset(c, 0, sizeof *c);
  c->g = g;
  c->slots = cl_calloc(g->nslots, sizeof *c->slots);
  c->tally = cl_calloc(tally_entries(g) ? tally_entries(g) : 1, sizeof *c->tally);
  c->site_gen = cl_calloc(g->nsites ? g->nsites : 1, sizeof *c->site_gen);
  c->cache = cl_calloc(g->ncache, sizeof *c->cache);
  c->macro_gen = cl_calloc(g->nmacros, sizeof *c->macro_gen);
  c->macro_val = cl_calloc(g->nmacros, sizeof *c->macro_val);
  c->tstate = tstate;
  c->texts = text_block_new(TEXT_BLOCK_FIRST, NULL);
}

/* c->texts is the block being filled, the largest; ->next the older, smaller
** ones. Reset frees those and keeps the head, so once a record's (or a
** batch's) texts have fit, the next ones fit in one block with no malloc. */
void eval_texts_reset(eval_ctx *c) {
  text_block *b = c->texts->next;
  while (b) {
    text_block *n = b->next;
    free(b);
    b = n;
  }
  c->texts->next = NULL;
  c->texts->used = 0;
  if (c->texts->cap > TEXT_BLOCK_KEEP_MAX) {
    free(c->texts);
    c->texts = text_block_new(TEXT_BLOCK_FIRST, NULL);
  }
}

/* A copy of a plugin's text result that lives until the next reset (the
** plugin may reuse its buffer on its next call; the value may be cached).
** Appends to the head block; a full head is replaced by one twice its size
** (or n, if larger), the old one kept behind it until the reset. */
const char *eval_keep_text(eval_ctx *c, const char *p, size_t n) {
  text_block *b = c->texts;
  if (b->cap - b->used < n) {
    size_t cap = b->cap * 2;
    while (cap < n && cap <= SIZE_MAX / 2) cap *= 2;
    if (cap < n) cap = n;
    b = c->texts = text_block_new(cap, b);
  }
  char *dst = b->data + b->used;
  if (n) memcpy(dst, p, n);
  b->used += n;
  return dst;
}

void eval_ctx_free(eval_ctx *c) {
  eval_texts_reset(c);
  free(c->texts);
  free(c->slots);
  free(c->tally);
  free(c->site_gen);
  free(c->cache);
  free(c->macro_gen);
  free(c->macro_val);
  memset(c, 0, sizeof *c);
}

static void set_missing(cleave_value *v, int type) {
  v->type = type;
  v->missing = 1;
}

/* The typed value of slot s for the current record, parsed at most once. */
static const cleave_value *slot_value(eval_ctx *c, uint32_t s) {
  slot_cache *sc = &c->slots[s];
  if (sc->gen == c->gen) return &sc->v;
  const slot *sl = &c->g->slots[s];
  const cleave_str raw = c->cols[sl->col];
  cleave_value *v = &sc->v;
  sc->gen = c->gen;
  v->type = sl->type;
  v->missing = raw.len == 0;
  if (v->missing) return v;
  switch (sl->type) {
  case VT_NUMBER:
    c->tally[s].present++;
    if (num_parse(raw.ptr, raw.len, &v->u.number) != 0)
      v->missing = 1, c->invalid++, tally_bad(&c->tally[s], raw.ptr, raw.len);
    break;
  case VT_DATE:
    c->tally[s].present++;
    if (date_parse_iso(raw.ptr, raw.len, &v->u.date) != 0)
      v->missing = 1, c->invalid++, tally_bad(&c->tally[s], raw.ptr, raw.len);
    break;
  case VT_TAGS:
    v->sep = sl->sep;
    /* fallthrough */
  default:
    v->u.str = raw;
    break;
  }
  return v;
}

void eval_count_calls(eval_ctx *c) {
  cleave_value v;
  for (uint32_t k = 0; k < c->g->nsites; k++)
    if (c->site_gen[k] != c->gen) eval_value(c, c->g->sites[k].node, &v); /* eval_call counts */
}

void eval_count_invalid(eval_ctx *c) {
  for (uint32_t s = 0; s < c->g->nslots; s++)
    if (c->g->slots[s].type == VT_NUMBER || c->g->slots[s].type == VT_DATE) slot_value(c, s);
  eval_count_calls(c);
}

/* Call site k gave out from args on this record: counted once per record. */
static void count_call(eval_ctx *c, const node *n, const cleave_value *args,
                       const cleave_value *out) {
  uint32_t k = n->u.call.site;
  if (k >= c->g->nsites || c->site_gen[k] == c->gen) return;
  c->site_gen[k] = c->gen;
  if (!call_args_present(c->g, n, args)) return;
  slot_tally *t = &c->tally[c->g->nslots + k];
  t->present++;
  if (out->missing) c->invalid++, call_site_failed(t, c->g, n, args);
}

static uint64_t slot_tag_bits(eval_ctx *c, uint32_t s) {
  slot_cache *sc = &c->slots[s];
  const cleave_value *v = slot_value(c, s);
  if (sc->bits_gen != c->gen) {
    sc->bits_gen = c->gen;
    sc->bits = v->missing ? 0
               : tags_bits(v->u.str.ptr, v->u.str.len, v->sep, &c->g->slots[s].tags);
  }
  return sc->bits;
}

static void eval_call(eval_ctx *c, const node *n, cleave_value *out) {
  cleave_value args[CLEAVE_MAX_ARGS];
  const cleave_criterion *cr = n->u.call.crit;
  for (uint32_t i = 0; i < cr->nargs && i < CLEAVE_MAX_ARGS; i++) {
    if (n->u.call.argkid[i] >= 0)
      eval_value(c, n->kids[n->u.call.argkid[i]], &args[i]);
    else
      set_missing(&args[i], cr->args[i].type);
  }
  memset(out, 0, sizeof *out);
  out->type = cr->result;
  cleanup_mark("eval", n->u.call.label); /* after the arguments: they may unmark */
  cr->eval(n->u.call.inst, c->tstate[n->u.call.plugin], args, out);
  cleanup_mark(NULL, NULL);
  val_plugin_result(out, cr->result);
  count_call(c, n, args, out);
  if (!out->missing && (out->type == VT_TEXT || out->type == VT_TAGS))
    out->u.str.ptr = eval_keep_text(c, out->u.str.ptr, out->u.str.len);
}

uint32_t eval_bucket(const char *salt, const char *p, size_t len) {
  uint64_t h = strset_hash(salt, strlen(salt));
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211ULL;
  }
  h ^= h >> 33; /* FNV's low bits are weak: mix before the modulus */
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return (uint32_t)(h % 10000);
}

static void eval_value_uncached(eval_ctx *c, const node *n, cleave_value *out) {
  cleave_value a, b;
  switch (n->kind) {
  case N_FIELD:
    *out = *slot_value(c, n->u.slot);
    return;
  case N_CONST:
    *out = n->u.cval;
    return;
  case N_ARITH:
    eval_value(c, n->kids[0], &a);
    eval_value(c, n->kids[1], &b);
    out->type = VT_NUMBER;
    out->missing = a.missing || b.missing ||
                   !val_arith(n->op, a.u.number, b.u.number, &out->u.number);
    return;
  case N_NEG:
    eval_value(c, n->kids[0], out);
    out->u.number = -out->u.number;
    return;
  case N_CALL:
    eval_call(c, n, out);
    return;
  case N_MACRO:
    out->type = VT_ENUM;
    out->missing = 0;
    out->u.boolean = (int32_t)eval_macro(c, n->u.macro);
    return;
  case N_SCORE: {
    double sum = 0;
    for (uint32_t i = 0; i < n->nkids; i++)
      if (eval_pred(c, n->kids[i])) sum += n->u.count.weights[i];
    out->type = VT_NUMBER;
    out->missing = !val_number_ok(sum);
    out->u.number = sum;
    return;
  }
  case N_BUCKET:
    eval_value(c, n->kids[0], &a);
    out->type = VT_NUMBER;
    out->missing = a.missing;
    if (!a.missing) out->u.number = eval_bucket(n->u.range.salt, a.u.str.ptr, a.u.str.len);
    return;
  default: /* not a value node: the DSL never builds this */
    set_missing(out, n->type);
    return;
  }
}

void eval_value(eval_ctx *c, uint32_t id, cleave_value *out) {
  const node *n = &c->g->nodes[id];
  if (n->type == VT_BOOL) { /* conditions cache as conditions */
    out->type = VT_BOOL;
    out->missing = 0;
    out->u.boolean = eval_pred(c, id);
    return;
  }
  if (!n->shared) {
    eval_value_uncached(c, n, out);
    return;
  }
  node_cache *nc = &c->cache[n->cache_ix];
  if (nc->gen != c->gen) {
    eval_value_uncached(c, n, &nc->v);
    nc->gen = c->gen;
  }
  *out = nc->v;
}

static int cmp_values(int op, const cleave_value *a, const cleave_value *b) {
  int r; /* <0, 0, >0 */
  switch (a->type) {
  case VT_NUMBER:
    r = (a->u.number > b->u.number) - (a->u.number < b->u.number);
    break;
  case VT_DATE:
  case VT_ENUM:
  case VT_BOOL:
    r = (a->u.date > b->u.date) - (a->u.date < b->u.date);
    break;
  default: return val_text_cmp(op, a->u.str, b->u.str);
  }
  return cmp_holds(op, r, 0);
}

/* --- typed access: the hot path avoids copying whole values ---------------- */

static inline uint32_t id_of(const eval_ctx *c, const node *n) {
  return (uint32_t)(n - c->g->nodes);
}

/* 1 = present, with the number in *x. */
static int num_of(eval_ctx *c, const node *n, double *x) {
  if (n->kind == N_FIELD) {
    const cleave_value *v = slot_value(c, n->u.slot);
    *x = v->u.number;
    return !v->missing;
  }
  if (n->kind == N_CONST) {
    *x = n->u.cval.u.number;
    return 1;
  }
  if (n->kind == N_ARITH && !n->shared) {
    double a, b;
    return num_of(c, &c->g->nodes[n->kids[0]], &a) && num_of(c, &c->g->nodes[n->kids[1]], &b) &&
           val_arith(n->op, a, b, x);
  }
  cleave_value v;
  eval_value(c, id_of(c, n), &v);
  *x = v.u.number;
  return !v.missing;
}

static int date_of(eval_ctx *c, const node *n, int32_t *d) {
  if (n->kind == N_FIELD) {
    const cleave_value *v = slot_value(c, n->u.slot);
    *d = v->u.date;
    return !v->missing;
  }
  if (n->kind == N_CONST) {
    *d = n->u.cval.u.date;
    return 1;
  }
  cleave_value v;
  eval_value(c, id_of(c, n), &v);
  *d = v.u.date;
  return !v.missing;
}

static int text_of(eval_ctx *c, const node *n, cleave_str *s) {
  if (n->kind == N_FIELD) {
    const cleave_value *v = slot_value(c, n->u.slot);
    *s = v->u.str;
    return !v->missing;
  }
  if (n->kind == N_CONST) {
    *s = n->u.cval.u.str;
    return 1;
  }
  cleave_value v;
  eval_value(c, id_of(c, n), &v);
  *s = v.u.str;
  return !v.missing;
}

static int present(eval_ctx *c, const node *n) {
  if (n->kind == N_FIELD) return !slot_value(c, n->u.slot)->missing;
  double x;
  if (n->type == VT_NUMBER) return num_of(c, n, &x);
  cleave_value v;
  eval_value(c, id_of(c, n), &v);
  return !v.missing;
}

static int eval_cmp(eval_ctx *c, const node *n) {
  const node *a = &c->g->nodes[n->kids[0]], *b = &c->g->nodes[n->kids[1]];
  switch (a->type) {
  case VT_NUMBER: {
    double x, y;
    return num_of(c, a, &x) && num_of(c, b, &y) && cmp_holds(n->op, x, y);
  }
  case VT_DATE: {
    int32_t x, y;
    return date_of(c, a, &x) && date_of(c, b, &y) && val_date_cmp(n->op, x, y);
  }
  case VT_TEXT: {
    cleave_str x, y;
    return text_of(c, a, &x) && text_of(c, b, &y) && val_text_cmp(n->op, x, y);
  }
  default: break;
  }
  cleave_value va, vb;
  eval_value(c, n->kids[0], &va);
  if (va.missing) return 0;
  eval_value(c, n->kids[1], &vb);
  return !vb.missing && cmp_values(n->op, &va, &vb);
}

/* Small sets are scanned (no hashing); large ones hashed. */
static int text_in(const strset *set, cleave_str s) { return strset_contains(set, s.ptr, s.len); }

/* a in set; op 1 = not in set. Either way a missing value gives false. */
static int eval_in(eval_ctx *c, const node *n) {
  const node *a = &c->g->nodes[n->kids[0]];
  int found;
  switch (a->type) {
  case VT_ENUM: {
    uint32_t v = a->kind == N_MACRO ? eval_macro(c, a->u.macro) : 0;
    if (a->kind != N_MACRO) {
      cleave_value ev;
      eval_value(c, n->kids[0], &ev);
      v = (uint32_t)ev.u.boolean;
    }
    found = (int)((n->u.in.bits >> v) & 1);
    break;
  }
  case VT_TEXT: {
    cleave_str s;
    if (!text_of(c, a, &s)) return 0;
    found = text_in(&n->u.in.set, s);
    break;
  }
  case VT_NUMBER:
  case VT_DATE: {
    double x;
    int32_t d;
    if (a->type == VT_DATE ? !date_of(c, a, &d) : !num_of(c, a, &x)) return 0;
    if (a->type == VT_DATE) x = d;
    found = val_in_nums(n->u.in.nums, n->u.in.nnums, x);
    break;
  }
  default: return 0;
  }
  return found != n->op;
}

static int eval_has(eval_ctx *c, const node *n) {
  const node *kid = &c->g->nodes[n->kids[0]];
  const strset *want = &n->u.in.set;
  if (kid->kind == N_FIELD && n->u.in.bits) { /* all wanted tags have bits */
    uint64_t have = slot_tag_bits(c, kid->u.slot) & n->u.in.bits;
    return n->op ? have == n->u.in.bits : have != 0;
  }
  cleave_value a;
  eval_value(c, n->kids[0], &a);
  if (a.missing) return 0;
  for (uint32_t i = 0; i < want->n; i++) {
    int has = tags_has(a.u.str.ptr, a.u.str.len, a.sep ? a.sep : ';', want->items[i], want->lens[i]);
    if (n->op && !has) return 0;
    if (!n->op && has) return 1;
  }
  return n->op ? 1 : 0;
}

static int pred(eval_ctx *c, const node *n);

static int eval_pred_uncached(eval_ctx *c, const node *n) {
  const node *nodes = c->g->nodes;
  switch (n->exec) {
  case X_SLOT_NUM_CMPK: {
    const cleave_value *v = slot_value(c, n->fslot);
    return !v->missing && cmp_holds(n->op, v->u.number, n->fk);
  }
  case X_NUM_CMPK: {
    double x;
    return num_of(c, &nodes[n->kids[0]], &x) && cmp_holds(n->op, x, n->fk);
  }
  case X_SLOT_TEXT_EQ: {
    const cleave_value *v = slot_value(c, n->fslot);
    const cleave_str k = nodes[n->kids[1]].u.cval.u.str;
    return !v->missing && val_text_cmp(n->op, v->u.str, k);
  }
  case X_ENUM_IN: return (int)((n->u.in.bits >> eval_macro(c, n->fslot)) & 1) != n->op;
  case X_SLOT_BETWEEN: {
    const cleave_value *v = slot_value(c, n->fslot);
    return !v->missing && val_between(v->u.number, n->u.range.lo, n->u.range.hi);
  }
  case X_SLOT_MISSING: return slot_value(c, n->fslot)->missing;
  case X_SLOT_TEXT_IN: {
    const cleave_value *v = slot_value(c, n->fslot);
    return !v->missing && text_in(&n->u.in.set, v->u.str);
  }
  case N_TRUE: return 1;
  case N_AND:
    for (uint32_t i = 0; i < n->nkids; i++)
      if (!pred(c, &nodes[n->order[i]])) return 0;
    return 1;
  case N_OR:
    for (uint32_t i = 0; i < n->nkids; i++)
      if (pred(c, &nodes[n->order[i]])) return 1;
    return 0;
  case N_NOT: return !pred(c, &nodes[n->kids[0]]);
  case N_ATLEAST: {
    uint32_t k = n->u.count.k, held = 0;
    for (uint32_t i = 0; i < n->nkids; i++) {
      if (pred(c, &nodes[n->order[i]]) && ++held >= k) return 1;
      if (held + (n->nkids - i - 1) < k) return 0; /* cannot reach k */
    }
    return held >= k;
  }
  case N_CMP: return eval_cmp(c, n);
  case N_BETWEEN: {
    const node *a = &c->g->nodes[n->kids[0]];
    double x;
    int32_t d;
    if (a->type == VT_DATE) {
      if (!date_of(c, a, &d)) return 0;
      x = d;
    } else if (!num_of(c, a, &x)) {
      return 0;
    }
    return val_between(x, n->u.range.lo, n->u.range.hi);
  }
  case N_IN: return eval_in(c, n);
  case N_PREFIX: {
    cleave_str s;
    return text_of(c, &c->g->nodes[n->kids[0]], &s) &&
           strset_has_prefix_of(&n->u.in.set, s.ptr, s.len);
  }
  case N_HAS: return eval_has(c, n);
  case N_MISSING: return !present(c, &c->g->nodes[n->kids[0]]);
  default: { /* a value node used as a condition: a BOOL criterion */
    cleave_value a;
    eval_value_uncached(c, n, &a);
    return !a.missing && a.u.boolean != 0;
  }
  }
}

static int pred(eval_ctx *c, const node *n) {
  if (__builtin_expect(!n->shared, 1)) return eval_pred_uncached(c, n);
  node_cache *nc = &c->cache[n->cache_ix];
  if (nc->gen != c->gen) {
    nc->v.u.boolean = eval_pred_uncached(c, n);
    nc->gen = c->gen;
  }
  return nc->v.u.boolean;
}

int eval_pred(eval_ctx *c, uint32_t id) { return pred(c, &c->g->nodes[id]); }

int eval_macro_case(eval_ctx *c, uint32_t m) {
  const macro *mc = &c->g->macros[m];
  for (uint32_t i = 0; i < mc->ncases; i++)
    if (eval_pred(c, mc->cases[i].pred)) return (int)i;
  return -1;
}

uint32_t eval_macro(eval_ctx *c, uint32_t m) {
  if (c->macro_gen[m] != c->gen) {
    const macro *mc = &c->g->macros[m];
    int k = eval_macro_case(c, m);
    c->macro_val[m] = k >= 0 ? mc->cases[k].value : mc->otherwise;
    c->macro_gen[m] = c->gen;
  }
  return c->macro_val[m];
}
