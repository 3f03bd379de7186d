/* SPDX-License-Identifier: MIT */
/*
** stats_pass.c -- filling a stats set from the input (stats_pass.h).
*/
#include <stdlib.h>
#include <string.h>

#include "csv_scan.h"
#include "row_accept.h"
#include "run.h"
#include "stats_pass.h"

typedef struct pass {
  const bound_input *b;
  stats_set *st;
  const int32_t *col; /* input column of each stats column */
} pass;

static void on_row(void *ud, const csv_row *r) {
  pass *p = ud;
  char why[ROW_REASON_MAX];
  if (row_accept(&p->b->shape, r, why, sizeof why)) return; /* run rejects it: not counted */
  p->st->rows++;
  for (size_t i = 0; i < p->st->ncols; i++) {
    cleave_str v = r->cols[p->col[i]];
    stats_add_field(&p->st->cols[i], v.ptr, v.len);
  }
}

static void on_bad(void *ud, const csv_row *r, const char *reason) {
  (void)ud, (void)r, (void)reason; /* run rejects it too */
}

int stats_pass(session *s, stats_set *st, cl_error *err) {
  bound_input b;
  int rc = bind_input(s, &b, err);
  int32_t *col = cl_calloc(st->ncols ? st->ncols : 1, sizeof *col);
  for (size_t i = 0; !rc && i < st->ncols; i++) {
    uint32_t sl = graph_find_slot(&s->g, st->cols[i].name, VT_NUMBER, 0);
    if (sl == GRAPH_NONE || s->g.slots[sl].col < 0)
      rc = cl_fail(err, CL_EXIT_INTERNAL, "stats column '%s' is not bound", st->cols[i].name);
    else col[i] = s->g.slots[sl].col;
  }
  if (!rc) {
    stats_add_input(st, b.in.name);
    pass p = {&b, st, col};
    csv_scan scan;
    seg_scan_init(&scan, &b.shape, b.keep, on_row, on_bad, &p);
    uint64_t base;
    int done = 0;
    rc = scan_input(&b, &scan, &base, &done, err);
    csv_scan_free(&scan);
  }
  free(col);
  bound_input_free(&b);
  return rc;
}
