/* SPDX-License-Identifier: MIT */
/*
** check_prove.c -- questions `cleave check` asks about conditions, answered
** only with a proof: implies(a, b) is 1 only when b holds on every record on
** which a holds, disjoint(a, b) only when no record satisfies both, same(a,
** b) only when both were built the same way. "Don't know" is 0.
**
** Tests on one value (comparisons, ranges, sets, tags, prefixes) are turned
** into the set of values that pass; they are all false on a missing value,
** which is what makes reasoning one value at a time sound. all/any/none/NOT/
** at_least are taken apart. Numbers are compared as real numbers (so
** at_most(49) does not cover below(50): 49.5 is neither).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"

#define PROOF_BUDGET 20000 /* steps per question: rule files are small */
#define PAIRS_MAX 1000000  /* item pairs compared at most (lists from files) */

typedef struct prover {
  const graph *g;
  long budget;
} prover;

static int too_many(size_t a, size_t b) { return b && a > PAIRS_MAX / b; }

/* --- the same node, or one built the same way --------------------------------- */

static int str_eq(cleave_str a, cleave_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int same_value(const cleave_value *a, const cleave_value *b) {
  if (a->type != b->type || !a->missing != !b->missing) return 0;
  if (a->missing) return 1;
  switch (a->type) {
  case VT_NUMBER: return a->u.number == b->u.number;
  case VT_DATE: return a->u.date == b->u.date;
  case VT_BOOL: return a->u.boolean == b->u.boolean;
  case VT_TEXT:
  case VT_TAGS: return str_eq(a->u.str, b->u.str);
  case CLEAVE_TEXT_LIST:
    if (a->u.list.n != b->u.list.n) return 0;
    for (size_t i = 0; i < a->u.list.n; i++)
      if (!str_eq(a->u.list.items[i], b->u.list.items[i])) return 0;
    return 1;
  default: return 0;
  }
}

static int strset_within(const strset *a, const strset *b) {
  for (uint32_t i = 0; i < a->n; i++)
    if (strset_find(b, a->items[i], a->lens[i]) < 0) return 0;
  return 1;
}

static int nums_within(const double *a, size_t na, const double *b, size_t nb) {
  if (too_many(na, nb)) return 0;
  for (size_t i = 0; i < na; i++) {
    size_t j = 0;
    while (j < nb && b[j] != a[i]) j++;
    if (j == nb) return 0;
  }
  return 1;
}

static int same_call(const node *a, const node *b) {
  const cleave_criterion *cr = a->u.call.crit;
  if (cr != b->u.call.crit || !(cr->flags & CLEAVE_PURE)) return 0;
  for (uint32_t i = 0; i < cr->nargs; i++) {
    if (a->u.call.argkid[i] != b->u.call.argkid[i]) return 0;
    if (a->u.call.argkid[i] < 0 && !same_value(&a->u.call.consts[i], &b->u.call.consts[i]))
      return 0;
  }
  return 1;
}

/* The node-specific parts of two nodes of the same kind, kids aside. */
static int same_payload(const graph *g, const node *a, const node *b) {
  switch (a->kind) {
  case N_FIELD: return a->u.slot == b->u.slot;
  case N_CONST: return same_value(&a->u.cval, &b->u.cval);
  case N_MACRO: return a->u.macro == b->u.macro;
  case N_BETWEEN: return a->u.range.lo == b->u.range.lo && a->u.range.hi == b->u.range.hi;
  case N_BUCKET: return strcmp(a->u.range.salt, b->u.range.salt) == 0;
  case N_IN:
  case N_PREFIX:
  case N_HAS:
    if (g->nodes[a->kids[0]].type == VT_ENUM) return a->u.in.bits == b->u.in.bits;
    return strset_within(&a->u.in.set, &b->u.in.set) &&
           strset_within(&b->u.in.set, &a->u.in.set) &&
           nums_within(a->u.in.nums, a->u.in.nnums, b->u.in.nums, b->u.in.nnums) &&
           nums_within(b->u.in.nums, b->u.in.nnums, a->u.in.nums, a->u.in.nnums);
  case N_CALL: return same_call(a, b);
  case N_ATLEAST: return a->u.count.k == b->u.count.k;
  case N_SCORE:
    for (uint32_t i = 0; i < a->nkids; i++)
      if (a->u.count.weights[i] != b->u.count.weights[i]) return 0;
    return 1;
  default: return 1; /* ARITH NEG CMP MISSING AND OR NOT TRUE: op and kids say it all */
  }
}

static int same(prover *p, uint32_t a, uint32_t b) {
  if (a == b) return 1;
  if (--p->budget < 0) return 0;
  const node *A = &p->g->nodes[a], *B = &p->g->nodes[b];
  if (A->kind != B->kind || A->type != B->type || A->op != B->op || A->nkids != B->nkids)
    return 0;
  for (uint32_t k = 0; k < A->nkids; k++)
    if (!same(p, A->kids[k], B->kids[k])) return 0;
  return same_payload(p->g, A, B);
}

/* --- one test on one value, as the set of values that pass ----------------- */

enum { L_NONE, L_NUM, L_TEXT, L_PREFIX, L_ENUM, L_TAGS, L_MISSING };

typedef struct ival {
  double lo, hi;
  int lo_open, hi_open;
} ival;

typedef struct leaf {
  int kind;
  uint32_t value;  /* the node tested */
  ival *iv;        /* L_NUM: disjoint intervals of passing values */
  size_t niv;
  const strset *set; /* L_TEXT, L_PREFIX, L_TAGS: the items (or one) */
  cleave_str one;
  int neg;         /* L_TEXT: passing = not in the items */
  int all;         /* L_TAGS: has all of them (else any) */
  uint64_t bits;   /* L_ENUM: passing macro values */
} leaf;

static ival *ivals(leaf *l, size_t n) {
  l->iv = cl_calloc(n, sizeof *l->iv);
  l->niv = n;
  return l->iv;
}

static void ival_set(ival *v, double lo, int lo_open, double hi, int hi_open) {
  v->lo = lo;
  v->lo_open = lo_open;
  v->hi = hi;
  v->hi_open = hi_open;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* x in {points} (or not in them): sorted, without duplicates. */
static void num_points(leaf *l, const double *pts, size_t n, int negate) {
  double *s = cl_malloc((n ? n : 1) * sizeof *s);
  memcpy(s, pts, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_double);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (m == 0 || s[i] != s[m - 1]) s[m++] = s[i];
  if (!negate) {
    ival *v = ivals(l, m);
    for (size_t i = 0; i < m; i++) ival_set(&v[i], s[i], 0, s[i], 0);
  } else {
    ival *v = ivals(l, m + 1);
    double lo = -INFINITY;
    for (size_t i = 0; i <= m; i++) {
      double hi = i < m ? s[i] : INFINITY;
      ival_set(&v[i], lo, 1, hi, 1);
      lo = hi;
    }
  }
  free(s);
}

static void num_cmp(leaf *l, int op, double k) {
  switch (op) {
  case OP_LT: ival_set(ivals(l, 1), -INFINITY, 1, k, 1); break;
  case OP_LE: ival_set(ivals(l, 1), -INFINITY, 1, k, 0); break;
  case OP_GT: ival_set(ivals(l, 1), k, 1, INFINITY, 1); break;
  case OP_GE: ival_set(ivals(l, 1), k, 0, INFINITY, 1); break;
  default: num_points(l, &k, 1, op == OP_NE); break;
  }
}

/* What node id tests, if it is a test on one value; l->kind = L_NONE if not. */
static void leaf_of(const graph *g, uint32_t id, leaf *l) {
  memset(l, 0, sizeof *l);
  const node *n = &g->nodes[id];
  if (!n->nkids) return;
  const node *v = &g->nodes[n->kids[0]];
  l->value = n->kids[0];
  int num = v->type == VT_NUMBER || v->type == VT_DATE;
  switch (n->kind) {
  case N_MISSING: l->kind = L_MISSING; return;
  case N_CMP: {
    const node *k = &g->nodes[n->kids[1]];
    if (k->kind != N_CONST) return;
    if (num) {
      l->kind = L_NUM;
      num_cmp(l, n->op, v->type == VT_DATE ? (double)k->u.cval.u.date : k->u.cval.u.number);
    } else if (v->type == VT_TEXT && (n->op == OP_EQ || n->op == OP_NE)) {
      l->kind = L_TEXT;
      l->one = k->u.cval.u.str;
      l->neg = n->op == OP_NE;
    }
    return;
  }
  case N_BETWEEN:
    l->kind = L_NUM;
    ival_set(ivals(l, 1), n->u.range.lo, 0, n->u.range.hi, 0);
    return;
  case N_IN:
    if (v->type == VT_ENUM) {
      uint32_t nv = v->kind == N_MACRO ? g->macros[v->u.macro].nvalues : 64;
      uint64_t all = nv >= 64 ? ~0ULL : (1ULL << nv) - 1;
      l->kind = L_ENUM;
      l->bits = n->op ? all & ~n->u.in.bits : n->u.in.bits;
    } else if (num) {
      l->kind = L_NUM;
      num_points(l, n->u.in.nums, n->u.in.nnums, n->op);
    } else if (v->type == VT_TEXT) {
      l->kind = L_TEXT;
      l->set = &n->u.in.set;
      l->neg = n->op;
    }
    return;
  case N_PREFIX: l->kind = L_PREFIX; l->set = &n->u.in.set; return;
  case N_HAS: l->kind = L_TAGS; l->set = &n->u.in.set; l->all = n->op; return;
  default: return;
  }
}

static void leaf_free(leaf *l) { free(l->iv); }

static size_t items_n(const leaf *l) { return l->set ? l->set->n : 1; }

static cleave_str item(const leaf *l, size_t i) {
  if (!l->set) return l->one;
  return (cleave_str){l->set->items[i], l->set->lens[i]};
}

static int has_item(const leaf *l, cleave_str s) {
  if (!l->set) return str_eq(l->one, s);
  return strset_find(l->set, s.ptr, s.len) >= 0;
}

static int items_within(const leaf *a, const leaf *b) {
  for (size_t i = 0; i < items_n(a); i++)
    if (!has_item(b, item(a, i))) return 0;
  return 1;
}

static int items_meet(const leaf *a, const leaf *b) {
  for (size_t i = 0; i < items_n(a); i++)
    if (has_item(b, item(a, i))) return 1;
  return 0;
}

static int starts(cleave_str s, cleave_str pre) {
  return s.len >= pre.len && memcmp(s.ptr, pre.ptr, pre.len) == 0;
}

/* Every item of a starts with one of b's prefixes. */
static int items_prefixed(const leaf *a, const leaf *b) {
  if (too_many(items_n(a), items_n(b))) return 0;
  for (size_t i = 0; i < items_n(a); i++) {
    size_t j = 0;
    while (j < items_n(b) && !starts(item(a, i), item(b, j))) j++;
    if (j == items_n(b)) return 0;
  }
  return 1;
}

/* Some item of a starts with one of b's prefixes. */
static int items_some_prefixed(const leaf *a, const leaf *b) {
  if (too_many(items_n(a), items_n(b))) return 1; /* "maybe": proves nothing */
  for (size_t i = 0; i < items_n(a); i++)
    for (size_t j = 0; j < items_n(b); j++)
      if (starts(item(a, i), item(b, j))) return 1;
  return 0;
}

static int ival_empty(const ival *v) {
  return v->lo > v->hi || (v->lo == v->hi && (v->lo_open || v->hi_open));
}

static int ival_within(const ival *a, const ival *b) {
  int lo = b->lo < a->lo || (b->lo == a->lo && (!b->lo_open || a->lo_open));
  int hi = b->hi > a->hi || (b->hi == a->hi && (!b->hi_open || a->hi_open));
  return lo && hi;
}

/* The intervals share a value. */
static int ival_meet(const ival *a, const ival *b) {
  const ival *lo = a->lo > b->lo || (a->lo == b->lo && a->lo_open) ? a : b; /* higher start */
  const ival *hi = a->hi < b->hi || (a->hi == b->hi && a->hi_open) ? a : b; /* lower end */
  ival m;
  ival_set(&m, lo->lo, lo->lo_open, hi->hi, hi->hi_open);
  return !ival_empty(&m);
}

static int num_within(const leaf *a, const leaf *b) {
  if (too_many(a->niv, b->niv)) return 0;
  for (size_t i = 0; i < a->niv; i++) {
    if (ival_empty(&a->iv[i])) continue;
    size_t j = 0;
    while (j < b->niv && !ival_within(&a->iv[i], &b->iv[j])) j++;
    if (j == b->niv) return 0;
  }
  return 1;
}

static int num_meet(const leaf *a, const leaf *b) {
  if (too_many(a->niv, b->niv)) return 1; /* "maybe": proves nothing */
  for (size_t i = 0; i < a->niv; i++)
    for (size_t j = 0; j < b->niv; j++)
      if (ival_meet(&a->iv[i], &b->iv[j])) return 1;
  return 0;
}

/* a passes => b passes, for two tests on the same value. */
static int leaf_implies(const leaf *a, const leaf *b) {
  switch (a->kind * 8 + b->kind) {
  case L_NUM * 8 + L_NUM: return num_within(a, b);
  case L_ENUM * 8 + L_ENUM: return (a->bits & ~b->bits) == 0;
  case L_MISSING * 8 + L_MISSING: return 1;
  case L_TEXT * 8 + L_TEXT:
    if (!a->neg) return b->neg ? !items_meet(a, b) : items_within(a, b);
    return b->neg && items_within(b, a); /* not in A => not in B when B is in A */
  case L_TEXT * 8 + L_PREFIX: return !a->neg && items_prefixed(a, b);
  case L_PREFIX * 8 + L_PREFIX: return items_prefixed(a, b);
  case L_PREFIX * 8 + L_TEXT: return b->neg && !items_some_prefixed(b, a);
  case L_TAGS * 8 + L_TAGS:
    if (a->all) return b->all ? items_within(b, a) : items_meet(a, b);
    return b->all ? items_n(b) == 1 && items_within(a, b) : items_within(a, b);
  default: return 0;
  }
}

/* No value passes both tests. */
static int leaf_disjoint(const leaf *a, const leaf *b) {
  if (a->kind == L_MISSING || b->kind == L_MISSING) /* every other test fails on missing */
    return a->kind != b->kind;
  switch (a->kind * 8 + b->kind) {
  case L_NUM * 8 + L_NUM: return !num_meet(a, b);
  case L_ENUM * 8 + L_ENUM: return (a->bits & b->bits) == 0;
  case L_TEXT * 8 + L_TEXT:
    if (a->neg && b->neg) return 0;
    if (a->neg) return items_within(b, a);
    if (b->neg) return items_within(a, b);
    return !items_meet(a, b);
  case L_TEXT * 8 + L_PREFIX: return !a->neg && !items_some_prefixed(a, b);
  case L_PREFIX * 8 + L_TEXT: return !b->neg && !items_some_prefixed(b, a);
  case L_PREFIX * 8 + L_PREFIX: return !items_some_prefixed(a, b) && !items_some_prefixed(b, a);
  default: return 0;
  }
}

/* Two tests: 1 = implies (or disjoint, when want_disjoint), 0 = not proven. */
static int leaves(prover *p, uint32_t a, uint32_t b, int want_disjoint) {
  leaf la, lb;
  leaf_of(p->g, a, &la);
  leaf_of(p->g, b, &lb);
  int r = 0;
  if (la.kind != L_NONE && lb.kind != L_NONE && same(p, la.value, lb.value))
    r = want_disjoint ? leaf_disjoint(&la, &lb) : leaf_implies(&la, &lb);
  leaf_free(&la);
  leaf_free(&lb);
  return r;
}

/* --- implication and contradiction ------------------------------------------ */

static int disjoint(prover *p, uint32_t a, uint32_t b);

static int implies(prover *p, uint32_t a, uint32_t b) {
  if (--p->budget < 0) return 0;
  if (same(p, a, b)) return 1;
  const node *A = &p->g->nodes[a], *B = &p->g->nodes[b];
  uint32_t k, held;
  if (B->kind == N_TRUE) return 1;
  if (B->kind == N_AND) {
    for (k = 0; k < B->nkids && implies(p, a, B->kids[k]); k++) {}
    if (k == B->nkids) return 1;
  }
  if (A->kind == N_AND)
    for (k = 0; k < A->nkids; k++)
      if (implies(p, A->kids[k], b)) return 1;
  if (A->kind == N_OR) {
    for (k = 0; k < A->nkids && implies(p, A->kids[k], b); k++) {}
    if (k == A->nkids) return 1;
  }
  if (B->kind == N_OR)
    for (k = 0; k < B->nkids; k++)
      if (implies(p, a, B->kids[k])) return 1;
  if (A->kind == N_ATLEAST) { /* k of n hold: one is among those implying b */
    for (k = held = 0; k < A->nkids; k++) held += (uint32_t)implies(p, A->kids[k], b);
    if (held + A->u.count.k > A->nkids) return 1;
  }
  if (B->kind == N_ATLEAST) {
    for (k = held = 0; k < B->nkids; k++) held += (uint32_t)implies(p, a, B->kids[k]);
    if (held >= B->u.count.k) return 1;
  }
  if (B->kind == N_NOT && disjoint(p, a, B->kids[0])) return 1;
  if (A->kind == N_NOT && B->kind == N_NOT && implies(p, B->kids[0], A->kids[0])) return 1;
  return leaves(p, a, b, 0);
}

static int disjoint(prover *p, uint32_t a, uint32_t b) {
  if (--p->budget < 0) return 0;
  const node *A = &p->g->nodes[a], *B = &p->g->nodes[b];
  uint32_t k, held;
  for (int side = 0; side < 2; side++) {
    const node *X = side ? B : A;
    uint32_t other = side ? a : b;
    if (X->kind == N_AND)
      for (k = 0; k < X->nkids; k++)
        if (disjoint(p, X->kids[k], other)) return 1;
    if (X->kind == N_OR) {
      for (k = 0; k < X->nkids && disjoint(p, X->kids[k], other); k++) {}
      if (k == X->nkids) return 1;
    }
    if (X->kind == N_ATLEAST) { /* k of n hold: one is among those clashing */
      for (k = held = 0; k < X->nkids; k++) held += (uint32_t)disjoint(p, X->kids[k], other);
      if (held + X->u.count.k > X->nkids) return 1;
    }
    if (X->kind == N_NOT && implies(p, other, X->kids[0])) return 1;
  }
  return leaves(p, a, b, 1);
}

/* --- the questions ---------------------------------------------------------- */

int prove_same(const graph *g, uint32_t a, uint32_t b) {
  prover p = {g, PROOF_BUDGET};
  return same(&p, a, b);
}

int prove_implies(const graph *g, uint32_t a, uint32_t b) {
  prover p = {g, PROOF_BUDGET};
  return implies(&p, a, b);
}

int prove_disjoint(const graph *g, uint32_t a, uint32_t b) {
  prover p = {g, PROOF_BUDGET};
  return disjoint(&p, a, b);
}
