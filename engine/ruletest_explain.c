/*
** ruletest_explain.c -- the explain tree of a failing test, cut down to what
** the failed checks need: each macro split's value on one line, the cases of
** the splits that failed or that the failing segments read, and the
** failing segments' trees. When the tree's layout is not recognised, all of it.
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

/* Index of the macro split / micro segment called name (len bytes), or -1. */
static int named(const graph *g, int is_macro, const char *name, size_t len) {
  uint32_t n = is_macro ? g->nmacros : g->nmicros;
  for (uint32_t i = 0; i < n; i++) {
    const char *s = is_macro ? g->macros[i].name : g->micros[i].name;
    if (strlen(s) == len && memcmp(s, name, len) == 0) return (int)i;
  }
  return -1;
}

typedef struct cutter {
  const graph *g;
  const rt_focus *fo;
  buf *out;
  int in_micros; /* past the "micro segments:" line */
  int showing;   /* lines of the current block are kept */
  int lost;      /* a block start was not recognised */
} cutter;

/* "✓ name: ..." / "✗ name: ..." after two spaces: a micro segment's tree. */
static int micro_start(const char *p, size_t n, const char **name, size_t *len) {
  if (n < 6 || p[0] != ' ' || p[1] != ' ' || p[2] == ' ') return 0;
  const char *sp = memchr(p + 2, ' ', n - 2);
  if (!sp) return 0;
  const char *colon = memchr(sp + 1, ':', n - (size_t)(sp + 1 - p));
  if (!colon) return 0;
  *name = sp + 1;
  *len = (size_t)(colon - *name);
  return 1;
}

static void cut_line(cutter *c, const char *p, size_t n) {
  int keep = c->showing;
  if (n >= 6 && memcmp(p, "macro ", 6) == 0) {
    const char *eq = memmem(p, n, " = ", 3);
    int m = eq ? named(c->g, 1, p + 6, (size_t)(eq - p - 6)) : -1;
    c->lost |= m < 0;
    c->showing = m >= 0 && c->fo->macros[m];
    keep = 1; /* every split's value, on its first line */
  } else if (n >= 15 && memcmp(p, "micro segments:", 15) == 0) {
    c->in_micros = 1;
    c->showing = 0;
    keep = 1;
  } else if (c->in_micros && n > 2 && p[2] != ' ') {
    const char *name;
    size_t len;
    int m = micro_start(p, n, &name, &len) ? named(c->g, 0, name, len) : -1;
    c->lost |= m < 0;
    c->showing = keep = m >= 0 && c->fo->micros[m];
  }
  if (keep) {
    buf_put(c->out, p, n);
    buf_putc(c->out, '\n');
  }
}

void rt_explain(eval_ctx *ec, const rt_focus *fo, buf *out) {
  buf tree = {0};
  explain_record(ec, &tree);
  cutter c = {ec->g, fo, out, 0, 0, 0};
  size_t start = out->len;
  for (const char *p = tree.p, *end = tree.p + tree.len; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    cut_line(&c, p, n);
    p += n + 1;
  }
  if (c.lost || !c.in_micros) { /* not the layout this expects: all of it */
    out->len = start;
    buf_put(out, tree.p, tree.len);
  }
  buf_free(&tree);
}
