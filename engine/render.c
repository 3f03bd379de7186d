/* SPDX-License-Identifier: MIT */
/*
** render.c -- node and value rendering for people.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datecalc.h"
#include "render.h"

static const char *const cmp_sym[] = {"<", "<=", ">", ">=", "=", "!="};
static const char *const arith_sym[] = {"+", "-", "*", "/"};

/* The shortest text that reads back as x (0.2, not 0.20000000000000001). */
void render_number(double x, buf *out) {
  if (x == (double)(long long)x && x > -1e15 && x < 1e15) {
    buf_printf(out, "%lld", (long long)x);
    return;
  }
  char tmp[40];
  for (int prec = 6; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*g", prec, x);
    if (strtod(tmp, NULL) == x) break;
  }
  buf_puts(out, tmp);
}

/* How many values a set node holds (1 renders as = / !=). */
static uint32_t set_size(const graph *g, const node *n) {
  if (g->nodes[n->kids[0]].type == VT_ENUM) return (uint32_t)__builtin_popcountll(n->u.in.bits);
  return n->u.in.nnums ? (uint32_t)n->u.in.nnums : n->u.in.set.n;
}

/* The macro a node of type ENUM belongs to, or -1. */
static int64_t enum_macro(const graph *g, uint32_t id) {
  const node *n = &g->nodes[id];
  return n->kind == N_MACRO ? (int64_t)n->u.macro : -1;
}

void render_value(const graph *g, const cleave_value *v, int macro_ix, buf *out) {
  char d[16];
  if (v->missing) {
    buf_puts(out, "(missing)");
    return;
  }
  switch (v->type) {
  case VT_NUMBER: render_number(v->u.number, out); break;
  case VT_DATE: date_format_iso(v->u.date, d); buf_puts(out, d); break;
  case VT_BOOL: buf_puts(out, v->u.boolean ? "true" : "false"); break;
  case VT_ENUM:
    if (macro_ix >= 0) buf_puts(out, g->macros[macro_ix].values[v->u.boolean]);
    break;
  default:
    buf_putc(out, '"');
    buf_put(out, v->u.str.ptr, v->u.str.len);
    buf_putc(out, '"');
    break;
  }
}

static void render_set(const graph *g, const node *n, uint32_t kid, buf *out) {
  buf_putc(out, '{');
  if (g->nodes[kid].type == VT_ENUM) {
    const macro *m = &g->macros[enum_macro(g, kid) < 0 ? 0 : enum_macro(g, kid)];
    int first = 1;
    for (uint32_t v = 0; v < m->nvalues && v < 64; v++)
      if (n->u.in.bits >> v & 1) {
        buf_printf(out, "%s%s", first ? "" : ", ", m->values[v]);
        first = 0;
      }
  } else if (n->u.in.nnums) {
    for (size_t i = 0; i < n->u.in.nnums; i++) {
      if (i) buf_puts(out, ", ");
      if (g->nodes[kid].type == VT_DATE) {
        char d[16];
        date_format_iso((int32_t)n->u.in.nums[i], d);
        buf_puts(out, d);
      } else {
        render_number(n->u.in.nums[i], out);
      }
    }
  } else {
    for (uint32_t i = 0; i < n->u.in.set.n; i++) {
      if (i == 12 && n->u.in.set.n > 14) {
        buf_printf(out, ", ... %u more", n->u.in.set.n - 12);
        break;
      }
      buf_printf(out, "%s%s", i ? ", " : "", n->u.in.set.items[i]);
    }
  }
  buf_putc(out, '}');
}

static void render_kid(const graph *g, uint32_t kid, buf *out) {
  const node *k = &g->nodes[kid];
  int paren = k->kind == N_AND || k->kind == N_OR;
  if (paren) buf_putc(out, '(');
  render_node(g, kid, out);
  if (paren) buf_putc(out, ')');
}

/* An operand of arithmetic: brackets only where precedence needs them
** (a + b under * or /, and the right side of - and /). */
static void render_operand(const graph *g, const node *parent, uint32_t kid, int right, buf *out) {
  const node *k = &g->nodes[kid];
  int low = k->kind == N_ARITH && (k->op == AR_ADD || k->op == AR_SUB);
  int high_parent = parent->op == AR_MUL || parent->op == AR_DIV;
  int paren = k->kind == N_ARITH &&
              ((low && high_parent) || (right && (parent->op == AR_SUB || parent->op == AR_DIV) &&
                                        (low || parent->op == AR_DIV)));
  if (paren) buf_putc(out, '(');
  render_node(g, kid, out);
  if (paren) buf_putc(out, ')');
}

static void render_range(const graph *g, const node *n, buf *out) {
  if (g->nodes[n->kids[0]].type == VT_DATE) {
    char a[16], b[16];
    date_format_iso((int32_t)n->u.range.lo, a);
    date_format_iso((int32_t)n->u.range.hi, b);
    buf_printf(out, " between %s and %s", a, b);
  } else {
    buf_puts(out, " between ");
    render_number(n->u.range.lo, out);
    buf_puts(out, " and ");
    render_number(n->u.range.hi, out);
  }
}

void render_node(const graph *g, uint32_t id, buf *out) {
  const node *n = &g->nodes[id];
  switch (n->kind) {
  case N_FIELD: buf_puts(out, g->slots[n->u.slot].column); break;
  case N_CONST: render_value(g, &n->u.cval, -1, out); break;
  case N_ARITH:
    render_operand(g, n, n->kids[0], 0, out);
    buf_printf(out, " %s ", arith_sym[n->op]);
    render_operand(g, n, n->kids[1], 1, out);
    break;
  case N_NEG: { /* -(a + b), and never "--a" (a Lua comment) */
    const node *k = &g->nodes[n->kids[0]];
    int paren = k->kind == N_ARITH || k->kind == N_NEG;
    buf_puts(out, paren ? "-(" : "-");
    render_node(g, n->kids[0], out);
    if (paren) buf_putc(out, ')');
    break;
  }
  case N_CALL:
    buf_printf(out, "%s(", n->u.call.label);
    for (uint32_t i = 0, shown = 0; i < n->u.call.crit->nargs; i++) {
      int32_t k = n->u.call.argkid[i];
      if (k < 0 && n->u.call.consts[i].missing) continue; /* optional, left out */
      if (shown++) buf_puts(out, ", ");
      if (k >= 0) render_node(g, n->kids[k], out);
      else if (n->u.call.consts[i].type == CLEAVE_TEXT_LIST)
        buf_printf(out, "{%zu items}", n->u.call.consts[i].u.list.n);
      else render_value(g, &n->u.call.consts[i], -1, out);
    }
    buf_putc(out, ')');
    break;
  case N_MACRO: buf_puts(out, g->macros[n->u.macro].name); break;
  case N_SCORE: buf_printf(out, "score of %u conditions", n->nkids); break;
  case N_BUCKET:
    buf_puts(out, "bucket(");
    render_node(g, n->kids[0], out);
    buf_putc(out, ')');
    break;
  case N_CMP: {
    render_kid(g, n->kids[0], out);
    buf_printf(out, " %s ", cmp_sym[n->op]);
    render_kid(g, n->kids[1], out);
    const graph_quant *t = graph_quant_of(g, n->kids[1]); /* spend:top_percent(10) */
    if (t) buf_printf(out, " (%s)", t->label);
    break;
  }
  case N_BETWEEN: render_kid(g, n->kids[0], out); render_range(g, n, out); break;
  case N_IN:
    render_kid(g, n->kids[0], out);
    if (set_size(g, n) == 1) { /* one value: say =, and quote a text as :is does */
      buf t = {0};
      render_set(g, n, n->kids[0], &t);
      int quote = g->nodes[n->kids[0]].type == VT_TEXT;
      buf_puts(out, n->op ? " != " : " = ");
      if (quote) buf_putc(out, '"');
      buf_put(out, t.p + 1, t.len - 2); /* without the braces */
      if (quote) buf_putc(out, '"');
      buf_free(&t);
      break;
    }
    buf_puts(out, n->op ? " not in " : " in ");
    render_set(g, n, n->kids[0], out);
    break;
  case N_PREFIX:
    render_kid(g, n->kids[0], out);
    buf_puts(out, " starts with one of ");
    render_set(g, n, n->kids[0], out);
    break;
  case N_HAS:
    render_kid(g, n->kids[0], out);
    if (n->u.in.set.n == 1) buf_printf(out, " has %s", n->u.in.set.items[0]);
    else {
      buf_puts(out, n->op ? " has all of " : " has any of ");
      render_set(g, n, n->kids[0], out);
    }
    break;
  case N_MISSING: render_kid(g, n->kids[0], out); buf_puts(out, " is missing"); break;
  case N_AND: buf_puts(out, "all of"); break;
  case N_OR: buf_puts(out, "any of"); break;
  case N_NOT:
    if (g->nodes[n->kids[0]].kind == N_MISSING) {
      render_kid(g, g->nodes[n->kids[0]].kids[0], out);
      buf_puts(out, " is present");
    } else if (g->nodes[n->kids[0]].kind == N_OR) {
      buf_puts(out, "none of");
    } else {
      buf_puts(out, "not");
    }
    break;
  case N_ATLEAST: buf_printf(out, "at least %u of", n->u.count.k); break;
  case N_TRUE: buf_puts(out, "always"); break;
  default: buf_puts(out, "?"); break;
  }
}
