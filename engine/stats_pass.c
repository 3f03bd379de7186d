/* SPDX-License-Identifier: MIT */
/*
** stats_pass.c -- filling a stats set from the input (stats_pass.h).
**
** Chunk by chunk, as the segmenter reads them: the vectorised reader (reader
** = fast) or libcsv's one-call path first, and line by line with libcsv when
** either is unsure of a chunk. A chunk's values wait in a buffer until its
** rows are known, so a chunk read again is never counted twice.
*/
#include <stdlib.h>
#include <string.h>

#include "csv_fast.h"
#include "csv_scan.h"
#include "row_accept.h"
#include "run.h"
#include "stats_pass.h"
#include "values.h"

typedef struct pending {
  double *v;
  size_t n, cap;
  uint64_t missing;
} pending;

typedef struct pass {
  const bound_input *b;
  stats_set *st;
  const int32_t *col; /* input column of each stats column */
  pending *pend;      /* per stats column: this chunk's values */
  uint64_t rows;      /* this chunk's rows taken */
} pass;

static void on_row(void *ud, const csv_row *r) {
  pass *p = ud;
  char why[ROW_REASON_MAX];
  if (row_accept(&p->b->shape, r, why, sizeof why)) return; /* run rejects it: not counted */
  p->rows++;
  for (size_t i = 0; i < p->st->ncols; i++) {
    cleave_str f = r->cols[p->col[i]];
    pending *q = &p->pend[i];
    double x;
    if (!f.len || num_parse(f.ptr, f.len, &x) != 0) {
      q->missing++;
      continue;
    }
    if (q->n == q->cap) {
      q->cap = q->cap ? 2 * q->cap : 4096;
      q->v = cl_realloc(q->v, q->cap * sizeof *q->v);
    }
    q->v[q->n++] = x;
  }
}

static void on_bad(void *ud, const csv_row *r, const char *reason) {
  (void)ud, (void)r, (void)reason; /* run rejects it too */
}

static void forget(pass *p) {
  for (size_t i = 0; i < p->st->ncols; i++) p->pend[i].n = p->pend[i].missing = 0;
  p->rows = 0;
}

static void commit(pass *p) {
  for (size_t i = 0; i < p->st->ncols; i++) {
    col_stats *c = &p->st->cols[i];
    pending *q = &p->pend[i];
    for (size_t j = 0; j < q->n; j++) kll_add(&c->sk, q->v[j]); /* num_parse: always finite */
    c->count += q->n;
    c->missing += q->missing;
  }
  p->st->rows += p->rows;
  forget(p);
}

/* One chunk the fast way; 1 when it is done. */
static int feed_fast(pass *p, csv_scan *scan, const chunk *c, int *clean) {
  if (p->b->shape.reader == CSV_READER_FAST) {
    int rc = csv_fast_feed(scan, c->data, c->len, c->final, clean);
    if (rc == CSV_FAST_OK) return 1;
    forget(p);
    csv_scan_reset(scan);
    csv_scan_clear_arena(scan);
    if (rc == CSV_FAST_EXACT) return 0;
  }
  if (csv_scan_feed_fast(scan, c->data, c->len, c->final, clean)) return 1;
  forget(p);
  csv_scan_reset(scan);
  csv_scan_clear_arena(scan);
  return 0;
}

static int read_all(pass *p, bound_input *b, cl_error *err) {
  csv_scan scan;
  seg_scan_init(&scan, &b->shape, b->keep, on_row, on_bad, p);
  int rc, clean = 1;
  chunk c;
  while ((rc = input_chunk(&b->in, 1 << 20, &c, err)) == 1) {
    /* a chunk after one that ended inside a row continues libcsv's parse */
    if (!clean || !feed_fast(p, &scan, &c, &clean))
      csv_scan_feed(&scan, c.data, c.len, c.final, &clean);
    commit(p);
    free(c.data);
  }
  if (rc == 0 && !clean) { /* a last row without a line end */
    csv_scan_feed(&scan, "", 0, 1, &clean);
    commit(p);
  }
  csv_scan_free(&scan);
  return rc;
}

int stats_pass(session *s, stats_set *st, cl_error *err) {
  bound_input b;
  int rc = bind_input(s, &b, err);
  size_t n = st->ncols ? st->ncols : 1;
  int32_t *col = cl_calloc(n, sizeof *col);
  pending *pend = cl_calloc(n, sizeof *pend);
  for (size_t i = 0; !rc && i < st->ncols; i++) {
    uint32_t sl = graph_find_slot(&s->g, st->cols[i].name, VT_NUMBER, 0);
    if (sl == GRAPH_NONE || s->g.slots[sl].col < 0)
      rc = cl_fail(err, CL_EXIT_INTERNAL, "stats column '%s' is not bound", st->cols[i].name);
    else col[i] = s->g.slots[sl].col;
  }
  if (!rc) {
    stats_add_input(st, b.in.name);
    pass p = {&b, st, col, pend, 0};
    rc = read_all(&p, &b, err);
  }
  for (size_t i = 0; i < n; i++) free(pend[i].v);
  free(pend);
  free(col);
  bound_input_free(&b);
  return rc;
}
