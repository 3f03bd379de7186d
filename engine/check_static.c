/* SPDX-License-Identifier: MIT */
/*
** check_static.c -- what `cleave check` finds in the rules alone: macro
** cases that can never win (an earlier case holds whenever they do), cases
** and micro segments whose conditions contradict each other, and micro
** segments that need a macro value no customer can get.
**
** Every finding rests on a proof from check_prove.c, never on a guess.
*/
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"
#include "render.h"

#define COND_MAX 160 /* bytes of a condition quoted in a message */

/* --- conditions in words ---------------------------------------------------- */

static void words(const graph *g, uint32_t id, int nested, buf *out) {
  const node *n = &g->nodes[id];
  switch (n->kind) {
  case N_AND:
  case N_OR:
    if (nested) buf_putc(out, '(');
    for (uint32_t k = 0; k < n->nkids; k++) {
      if (k) buf_puts(out, n->kind == N_AND ? " and " : " or ");
      words(g, n->kids[k], 1, out);
    }
    if (nested) buf_putc(out, ')');
    return;
  case N_NOT: {
    const node *kid = &g->nodes[n->kids[0]];
    if (kid->kind == N_MISSING) break; /* "x is present" */
    if (kid->kind == N_OR) {
      buf_puts(out, "none of (");
      for (uint32_t k = 0; k < kid->nkids; k++) {
        if (k) buf_puts(out, ", ");
        words(g, kid->kids[k], 0, out);
      }
      buf_putc(out, ')');
      return;
    }
    buf_puts(out, "not (");
    words(g, n->kids[0], 0, out);
    buf_putc(out, ')');
    return;
  }
  case N_ATLEAST:
    buf_printf(out, "at least %u of (", n->u.count.k);
    for (uint32_t k = 0; k < n->nkids; k++) {
      if (k) buf_puts(out, ", ");
      words(g, n->kids[k], 0, out);
    }
    buf_putc(out, ')');
    return;
  case N_TRUE: buf_puts(out, "no conditions"); return;
  default: break;
  }
  render_node(g, id, out);
}

void check_render_cond(const graph *g, uint32_t id, size_t max, buf *out) {
  buf t = {0};
  words(g, id, 0, &t);
  if (t.len > max) { /* cut on a character boundary */
    size_t cut = max;
    while (cut > 0 && ((unsigned char)t.p[cut] & 0xC0) == 0x80) cut--;
    t.len = cut;
    buf_puts(&t, "...");
  }
  buf_put(out, t.p, t.len);
  buf_free(&t);
}

static char *cond_text(const graph *g, uint32_t id) {
  buf b = {0};
  check_render_cond(g, id, COND_MAX, &b);
  char *s = cl_strdup(buf_cstr(&b));
  buf_free(&b);
  return s;
}

/* --- macro cases ------------------------------------------------------------- */

/* The conditions an all{...} requires, nested all{...} opened up. */
static void conjuncts(const graph *g, uint32_t id, uint32_t **v, size_t *n, int depth) {
  const node *nd = &g->nodes[id];
  if (nd->kind == N_AND && depth < 64) {
    for (uint32_t k = 0; k < nd->nkids; k++) conjuncts(g, nd->kids[k], v, n, depth + 1);
    return;
  }
  *v = cl_realloc(*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = id;
}

/* Two of the conditions id requires can never hold together: 1 and their
** ids, when found. */
static int contradiction(const graph *g, uint32_t id, uint32_t *x, uint32_t *y) {
  uint32_t *v = NULL;
  size_t n = 0;
  int found = 0;
  conjuncts(g, id, &v, &n, 0);
  for (size_t i = 0; i < n && !found; i++)
    for (size_t j = i + 1; j < n && !found; j++) {
      if (prove_disjoint(g, v[i], v[j])) {
        *x = v[i];
        *y = v[j];
        found = 1;
      }
    }
  free(v);
  return found;
}

static void never_holds(const graph *g, check_report *r, uint32_t line, const char *what,
                        uint32_t x, uint32_t y) {
  char *a = cond_text(g, x), *b = cond_text(g, y);
  check_add(r, &r->rules, CHK_WARNING, line, "%s:%u: %s can never hold: '%s' and '%s' are "
            "never true together; change one of them", g->rules_path, line, what, a, b);
  free(a);
  free(b);
}

static void covered(const graph *g, check_report *r, const macro *mc, uint32_t i, uint32_t j) {
  const macro_case *ci = &mc->cases[i], *cj = &mc->cases[j];
  const char *vi = mc->values[ci->value], *vj = mc->values[cj->value];
  char *ti = cond_text(g, ci->pred), *tj = cond_text(g, cj->pred);
  const char *path = g->rules_path;
  if (g->nodes[ci->pred].kind == N_TRUE)
    check_add(r, &r->rules, CHK_WARNING, cj->line, "%s:%u: macro split '%s': case '%s' can "
              "never win: case '%s' at line %u comes first and has no conditions, so it takes "
              "every customer; give '%s' a condition, or make it the otherwise value",
              path, cj->line, mc->name, vj, vi, ci->line, vi);
  else if (prove_same(g, ci->pred, cj->pred))
    check_add(r, &r->rules, CHK_WARNING, cj->line, "%s:%u: macro split '%s': case '%s' can "
              "never win: it repeats the condition of case '%s' at line %u (%s), which comes "
              "first and takes those customers; remove one of them or change its condition",
              path, cj->line, mc->name, vj, vi, ci->line, ti);
  else
    check_add(r, &r->rules, CHK_WARNING, cj->line, "%s:%u: macro split '%s': case '%s' can "
              "never win: every customer it would take (%s) already matches case '%s' at line "
              "%u (%s), which comes first; put the narrower case '%s' first, or change one of "
              "the conditions", path, cj->line, mc->name, vj, tj, vi, ci->line, ti, vj);
  free(ti);
  free(tj);
}

/* Warn about dead cases; *alive[v] = some customer can get value v. */
static void check_macro(const graph *g, const macro *mc, check_report *r, uint8_t *alive) {
  int takes_all = 0;
  for (uint32_t j = 0; j < mc->ncases; j++) {
    const macro_case *cj = &mc->cases[j];
    int dead = 0;
    for (uint32_t i = 0; i < j && !dead; i++) {
      if (prove_implies(g, cj->pred, mc->cases[i].pred)) {
        covered(g, r, mc, i, j);
        dead = 1;
      }
    }
    uint32_t x, y;
    if (!dead && contradiction(g, cj->pred, &x, &y)) {
      char what[400];
      snprintf(what, sizeof what, "macro split '%s': case '%s'", mc->name,
               mc->values[cj->value]);
      never_holds(g, r, cj->line, what, x, y);
      dead = 1;
    }
    if (dead) continue;
    alive[cj->value] = 1;
    takes_all |= g->nodes[cj->pred].kind == N_TRUE;
  }
  if (!takes_all) alive[mc->otherwise] = 1;
}

/* --- micro segments ---------------------------------------------------------- */

/* Why no customer gets value v of mc (it is not alive): its cases can never
** win, or it is the otherwise value and a case without conditions comes
** first. */
static void why_dead(const graph *g, const macro *mc, uint32_t v, buf *out) {
  for (uint32_t c = 0; c < mc->ncases; c++)
    if (mc->cases[c].value == v) {
      buf_printf(out, "every case giving '%s' can never win", mc->values[v]);
      return;
    }
  for (uint32_t c = 0; c < mc->ncases; c++)
    if (g->nodes[mc->cases[c].pred].kind == N_TRUE) {
      buf_printf(out, "'%s' is the otherwise value, and case '%s' at line %u takes every "
                 "customer first", mc->values[v], mc->values[mc->cases[c].value], mc->cases[c].line);
      return;
    }
}

/* Macro values a condition asks for (through all/any/at_least, not NOT)
** that no customer can get. required: the segment needs id to hold. */
static void dead_values(const graph *g, const micro *mi, uint32_t id, int required,
                        uint8_t *const *alive, uint64_t *said, check_report *r, int depth) {
  const node *n = &g->nodes[id];
  if (depth > 64) return;
  if (n->kind == N_AND || n->kind == N_OR || n->kind == N_ATLEAST) {
    for (uint32_t k = 0; k < n->nkids; k++)
      dead_values(g, mi, n->kids[k], required && n->kind == N_AND, alive, said, r, depth + 1);
    return;
  }
  if (n->kind != N_IN || n->op || g->nodes[n->kids[0]].kind != N_MACRO) return;
  uint32_t m = g->nodes[n->kids[0]].u.macro;
  const macro *mc = &g->macros[m];
  buf names = {0}, why = {0};
  int ndead = 0, any_alive = 0;
  for (uint32_t v = 0; v < mc->nvalues && v < 64; v++) {
    if (!(n->u.in.bits >> v & 1)) continue;
    if (alive[m][v]) {
      any_alive = 1;
      continue;
    }
    if (said[m] >> v & 1) continue;
    said[m] |= 1ULL << v;
    buf_printf(&names, "%s'%s'", ndead++ ? ", " : "", mc->values[v]);
    if (why.len) buf_puts(&why, "; ");
    why_dead(g, mc, v, &why);
  }
  if (ndead) {
    int scoped = mi->within >= 0 && (uint32_t)mi->within == id;
    check_add(r, &r->rules, CHK_WARNING, mi->line, "%s:%u: micro segment '%s' %s %s %s, but "
              "no customer can get %s: %s%s", g->rules_path, mi->line, mi->name,
              scoped ? "is scoped to" : "asks for", mc->name, buf_cstr(&names),
              ndead > 1 ? "those values" : "that value", buf_cstr(&why),
              required && !any_alive ? ", so the segment is always empty" : "");
  }
  buf_free(&names);
  buf_free(&why);
}

void check_static(const graph *g, check_report *r) {
  uint8_t **alive = cl_calloc(g->nmacros ? g->nmacros : 1, sizeof *alive);
  for (uint32_t m = 0; m < g->nmacros; m++) {
    alive[m] = cl_calloc(g->macros[m].nvalues ? g->macros[m].nvalues : 1, 1);
    check_macro(g, &g->macros[m], r, alive[m]);
  }
  uint64_t *said = cl_calloc(g->nmacros ? g->nmacros : 1, sizeof *said);
  for (uint32_t k = 0; k < g->nmicros; k++) {
    const micro *mi = &g->micros[k];
    memset(said, 0, (g->nmacros ? g->nmacros : 1) * sizeof *said);
    dead_values(g, mi, mi->pred, 1, alive, said, r, 0);
    uint32_t x, y;
    char what[300];
    snprintf(what, sizeof what, "micro segment '%s'", mi->name);
    if (contradiction(g, mi->pred, &x, &y)) never_holds(g, r, mi->line, what, x, y);
  }
  for (uint32_t m = 0; m < g->nmacros; m++) free(alive[m]);
  free(alive);
  free(said);
}
