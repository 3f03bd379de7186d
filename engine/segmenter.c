/*
** segmenter.c -- scan, check, evaluate and format the rows of one chunk.
** This is the hot path: no allocation per row once buffers have grown, no
** stdio, every typed value parsed at most once per row.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "segmenter.h"

void seg_result_init(seg_result *r, const seg_shape *sh) {
  memset(r, 0, sizeof *r);
  r->value_counts = cl_calloc(sh->nvalues ? sh->nvalues : 1, sizeof *r->value_counts);
  r->micro_counts = cl_calloc(sh->g->nmicros ? sh->g->nmicros : 1, sizeof *r->micro_counts);
}

void seg_result_reset(seg_result *r, const seg_shape *sh) {
  r->out.len = r->rejects.len = 0;
  r->rows = r->rejected = r->invalid = r->lines = 0;
  r->clean = 0;
  memset(r->value_counts, 0, (sh->nvalues ? sh->nvalues : 1) * sizeof *r->value_counts);
  memset(r->micro_counts, 0, (sh->g->nmicros ? sh->g->nmicros : 1) * sizeof *r->micro_counts);
}

void seg_result_free(seg_result *r) {
  buf_free(&r->out);
  buf_free(&r->rejects);
  free(r->value_counts);
  free(r->micro_counts);
  memset(r, 0, sizeof *r);
}

/* Reject framing: u64 line, u64 last_line, u32 reason_len, reason,
** u32 raw_len, raw. */
static void put_u64(buf *b, uint64_t v) { buf_put(b, (const char *)&v, sizeof v); }
static void put_u32(buf *b, uint32_t v) { buf_put(b, (const char *)&v, sizeof v); }

static void add_reject(segmenter *s, const csv_row *row, const char *reason) {
  buf *b = &s->res->rejects;
  size_t rl = strlen(reason);
  put_u64(b, row->line);
  put_u64(b, row->last_line);
  put_u32(b, (uint32_t)rl);
  buf_put(b, reason, rl);
  put_u32(b, (uint32_t)row->raw_len);
  buf_put(b, row->raw, row->raw_len);
  s->res->rows++;
  s->res->rejected++;
}

void seg_result_rejects(const seg_result *r, reject_fn fn, void *ud) {
  const char *p = r->rejects.p, *end = p + r->rejects.len;
  while (p < end) {
    uint64_t line, last;
    uint32_t rl, wl;
    memcpy(&line, p, 8);
    memcpy(&last, p + 8, 8);
    memcpy(&rl, p + 16, 4);
    const char *reason = p + 20;
    memcpy(&wl, reason + rl, 4);
    const char *raw = reason + rl + 4;
    fn(ud, line, last, reason, rl, raw, wl);
    p = raw + wl;
  }
}

static void on_bad(void *ud, const csv_row *row, const char *reason) {
  add_reject(ud, row, reason);
}

static void on_row(void *ud, const csv_row *row) {
  segmenter *s = ud;
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  if (row->nfields != sh->ncols) {
    char reason[128];
    snprintf(reason, sizeof reason, "has %zu field%s, the header has %zu", row->nfields,
             row->nfields == 1 ? "" : "s", sh->ncols);
    add_reject(s, row, reason);
    return;
  }
  const cleave_str id = row->cols[sh->id_col];
  if (id.len == 0) {
    char reason[160];
    snprintf(reason, sizeof reason, "the customer id (column %s) is empty", sh->id_name);
    add_reject(s, row, reason);
    return;
  }
  seg_result *r = s->res;
  buf *out = &r->out;
  eval_begin(&s->ec, row->cols);
  buf_csv_field(out, id.ptr, id.len, ',');
  for (uint32_t m = 0; m < g->nmacros; m++) {
    uint32_t v = eval_macro(&s->ec, m);
    const char *name = g->macros[m].values[v];
    buf_putc(out, ',');
    buf_puts(out, name);
    r->value_counts[sh->value_base[m] + v]++;
  }
  buf_putc(out, ',');
  int first = 1;
  for (uint32_t i = 0; i < g->nmicros; i++) {
    if (!eval_pred(&s->ec, g->micros[i].pred)) continue;
    if (!first) buf_putc(out, ';');
    buf_puts(out, g->micros[i].name);
    first = 0;
    r->micro_counts[i]++;
  }
  buf_putc(out, '\n');
  r->rows++;
}

void segmenter_init(segmenter *s, const seg_shape *sh, void **tstate) {
  memset(s, 0, sizeof *s);
  s->sh = sh;
  csv_scan_init(&s->scan, sh->delim, sh->ncols, sh->keep, on_row, on_bad, s);
  eval_ctx_init(&s->ec, sh->g, tstate);
}

void segmenter_run(segmenter *s, const chunk *c, seg_result *r) {
  seg_result_reset(r, s->sh);
  s->res = r;
  s->ec.invalid = 0;
  csv_scan_reset(&s->scan);
  csv_scan_feed(&s->scan, c->data, c->len, c->final, &r->clean);
  r->lines = s->scan.line;
  r->invalid = s->ec.invalid;
  s->res = NULL;
}

void segmenter_free(segmenter *s) {
  csv_scan_free(&s->scan);
  eval_ctx_free(&s->ec);
}
