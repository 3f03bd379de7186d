/* SPDX-License-Identifier: MIT */
/*
** segmenter.c -- scan, check, evaluate and format the rows of one chunk.
** This is the hot path: no allocation per row once buffers have grown, no
** stdio, every typed value parsed at most once per row.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_fast.h"
#include "error.h"
#include "row_accept.h"
#include "segmenter.h"
#include "state.h"
#include "utf8.h"

/* Entries of seg_result.cross and .overlap (at least 1, for calloc). */
static size_t detail_cross(const seg_shape *sh) {
  size_t n = (size_t)seg_detail_micros(sh->g) * sh->nvalues;
  return n ? n : 1;
}

static size_t detail_pairs(const seg_shape *sh) {
  size_t n = seg_overlap_pairs(seg_detail_micros(sh->g));
  return n ? n : 1;
}

void seg_result_init(seg_result *r, const seg_shape *sh) {
  memset(r, 0, sizeof *r);
  r->value_counts = cl_calloc(sh->nvalues ? sh->nvalues : 1, sizeof *r->value_counts);
  r->micro_counts = cl_calloc(sh->g->nmicros ? sh->g->nmicros : 1, sizeof *r->micro_counts);
  r->cross = cl_calloc(detail_cross(sh), sizeof *r->cross);
  r->overlap = cl_calloc(detail_pairs(sh), sizeof *r->overlap);
  r->bad_utf8 = cl_calloc(sh->ncols ? sh->ncols : 1, sizeof *r->bad_utf8);
  r->bad_utf8_line = cl_calloc(sh->ncols ? sh->ncols : 1, sizeof *r->bad_utf8_line);
  r->tally = cl_calloc(tally_entries(sh->g) ? tally_entries(sh->g) : 1, sizeof *r->tally);
  r->aud = cl_calloc(sh->naud ? sh->naud : 1, sizeof *r->aud);
  r->naud = sh->naud;
}

void seg_result_reset(seg_result *r, const seg_shape *sh) {
  r->out.len = r->rejects.len = r->state.len = 0;
  r->rows = r->rejected = r->invalid = r->lines = 0;
  r->clean = 0;
  memset(r->tally, 0, (tally_entries(sh->g) ? tally_entries(sh->g) : 1) * sizeof *r->tally);
  for (uint32_t k = 0; k < sh->naud; k++) r->aud[k].len = 0;
  memset(r->value_counts, 0, (sh->nvalues ? sh->nvalues : 1) * sizeof *r->value_counts);
  memset(r->micro_counts, 0, (sh->g->nmicros ? sh->g->nmicros : 1) * sizeof *r->micro_counts);
  memset(r->cross, 0, detail_cross(sh) * sizeof *r->cross);
  memset(r->overlap, 0, detail_pairs(sh) * sizeof *r->overlap);
  if (r->any_bad_utf8) {
    memset(r->bad_utf8, 0, (sh->ncols ? sh->ncols : 1) * sizeof *r->bad_utf8);
    memset(r->bad_utf8_line, 0, (sh->ncols ? sh->ncols : 1) * sizeof *r->bad_utf8_line);
    r->any_bad_utf8 = 0;
  }
}

void seg_result_free(seg_result *r) {
  buf_free(&r->out);
  buf_free(&r->rejects);
  buf_free(&r->state);
  free(r->value_counts);
  free(r->micro_counts);
  free(r->tally);
  free(r->cross);
  free(r->overlap);
  free(r->bad_utf8);
  free(r->bad_utf8_line);
  for (uint32_t k = 0; k < r->naud; k++) buf_free(&r->aud[k]);
  free(r->aud);
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

/* A row to reject: in the fast path, ask for the exact one (which knows
** the row's lines and bytes); else record it. */
static void rejecting(segmenter *s, const csv_row *row, const char *reason) {
  if (!csv_scan_want_exact(&s->scan)) add_reject(s, row, reason);
}

/* --state: the row's membership record (micro bits, then one bit per macro
** value), for the state writer. tw: the row's micro bits already transposed
** (batches; bit k of word k / 64 is byte k / 8's bit k % 8), or NULL. */
static __attribute__((noinline)) void put_state(segmenter *s, cleave_str id, const uint32_t *vals,
                                                const uint64_t *const *members, uint32_t i,
                                                const uint64_t *tw) {
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  uint8_t *bits = s->state_bits;
  memset(bits, 0, sh->state_nb);
  if (tw)
    for (uint32_t j = 0; j < (g->nmicros + 7) / 8; j++)
      bits[j] = (uint8_t)(tw[j >> 3] >> ((j & 7) * 8));
  else
    for (uint32_t k = 0; k < g->nmicros; k++) /* no branch: the bits are unpredictable */
      bits[k >> 3] |= (uint8_t)(((members[k][i >> 6] >> (i & 63)) & 1) << (k & 7));
  for (uint32_t m = 0; m < g->nmacros; m++) {
    uint32_t b = g->nmicros + sh->value_base[m] + vals[m];
    bits[b >> 3] |= (uint8_t)(1u << (b & 7));
  }
  state_record(&s->res->state, id.ptr, id.len, bits, sh->state_nb);
}

/* Format one output line from macro value indices and micro membership. */
/* tw: this row's micro segments as bits (k in word k / 64: batches, see
** transpose_members), or NULL to test members[k] for each k (row at a time). */
static inline void put_line(segmenter *s, cleave_str id, const uint32_t *vals,
                            const uint64_t *const *members, uint32_t i, const uint64_t *tw) {
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  seg_result *r = s->res;
  buf *out = &r->out;
  const char od = sh->out_delim;
  if (__builtin_expect(sh->state_nb != 0, 0)) put_state(s, id, vals, members, i, tw);
  if (__builtin_expect(sh->format != 0, 0)) {
    seg_put_other(s, id, vals, members, i);
    return;
  }
  if (__builtin_expect(s->utf8_check, 0)) utf8_csv_field(out, id.ptr, id.len, od);
  else buf_csv_field(out, id.ptr, id.len, od);
  /* one capacity check for the rest of the line, then plain stores */
  if (out->cap - out->len < sh->line_max) buf_grow(out, sh->line_max);
  char *p = out->p + out->len;
  for (uint32_t m = 0; m < g->nmacros; m++) {
    uint32_t v = sh->value_base[m] + vals[m];
    *p++ = od;
    memcpy(p, g->macros[m].values[vals[m]], sh->value_len[v]);
    p += sh->value_len[v];
    r->value_counts[v]++;
  }
  *p++ = od;
  char *segs = p;
  int first = 1;
  if (tw) { /* only the segments the row is in: no per-segment work otherwise */
    for (uint32_t w = 0, nw = (g->nmicros + 63) / 64; w < nw; w++)
      for (uint64_t bits = tw[w]; bits; bits &= bits - 1) {
        uint32_t k = w * 64 + (uint32_t)__builtin_ctzll(bits);
        if (!first) *p++ = MICRO_LIST_SEP;
        memcpy(p, g->micros[k].name, sh->micro_len[k]);
        p += sh->micro_len[k];
        first = 0;
        r->micro_counts[k]++;
      }
  } else {
    for (uint32_t k = 0; k < g->nmicros; k++) {
      if (!((members[k][i >> 6] >> (i & 63)) & 1)) continue;
      if (!first) *p++ = MICRO_LIST_SEP;
      memcpy(p, g->micros[k].name, sh->micro_len[k]);
      p += sh->micro_len[k];
      first = 0;
      r->micro_counts[k]++;
    }
  }
  if (__builtin_expect(od == MICRO_LIST_SEP, 0) && memchr(segs, MICRO_LIST_SEP, (size_t)(p - segs))) {
    memmove(segs + 1, segs, (size_t)(p - segs)); /* "a;b": the list is one field */
    *segs = '"';
    p++;
    *p++ = '"';
  }
  if (__builtin_expect(sh->crlf, 0)) *p++ = '\r';
  *p++ = '\n';
  out->len = (size_t)(p - out->p);
  r->rows++;
}

/* The batch's membership by row: s->rowmic[i * nw + k / 64] holds bit k % 64
** when row i is in micro segment k (nw = words per row). Costs one pass over
** each segment's members, so a row's line costs what it is in, not how many
** segments there are. */
static const uint64_t *transpose_members(segmenter *s, const uint64_t *const *mic) {
  const graph *g = s->sh->g;
  size_t nw = (g->nmicros + 63) / 64, need = nw * (size_t)BATCH_MAX;
  if (!s->rowmic || s->rowmic_cap < need) { /* never NULL: memset(NULL, 0, 0) is UB */
    free(s->rowmic);
    s->rowmic = cl_malloc((need ? need : 1) * sizeof *s->rowmic);
    s->rowmic_cap = need;
  }
  uint64_t *t = s->rowmic;
  memset(t, 0, nw * s->n * sizeof *t);
  for (uint32_t k = 0; k < g->nmicros; k++) {
    const uint64_t *m = mic[k], bit = 1ull << (k & 63);
    uint64_t *col = t + (k >> 6);
    for (uint32_t w = 0; w < (s->n + 63) / 64; w++)
      for (uint64_t bits = m[w]; bits; bits &= bits - 1)
        col[(w * 64 + (uint32_t)__builtin_ctzll(bits)) * nw] |= bit;
  }
  return t;
}

/* Evaluate and write the gathered batch. */
static void flush_batch(segmenter *s) {
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  if (!s->n) return;
  const char *base = csv_scan_arena(&s->scan);
  size_t nc = sh->ncols;
  for (uint32_t k = 0; k < s->nkept; k++) {
    uint32_t c = s->kept[k];
    cleave_str *col = s->colv[c];
    for (uint32_t i = 0; i < s->n; i++) {
      col[i].ptr = base + s->offs[i * nc + c];
      col[i].len = s->lens[i * nc + c];
    }
  }
  batch_begin(&s->bc, (const cleave_str **)s->colv, s->n);
  const uint32_t *mv[64];
  const uint64_t *members[256];
  uint32_t vals[64];
  const uint64_t **mic = g->nmicros <= 256 ? members : cl_malloc(g->nmicros * sizeof *mic);
  const uint32_t **mvals = g->nmacros <= 64 ? mv : cl_malloc(g->nmacros * sizeof *mvals);
  uint32_t *vv = g->nmacros <= 64 ? vals : cl_malloc(g->nmacros * sizeof *vv);
  for (uint32_t m = 0; m < g->nmacros; m++) mvals[m] = batch_macro(&s->bc, m);
  batch_count_invalid(&s->bc);
  for (uint32_t k = 0; k < g->nmicros; k++) mic[k] = batch_micro(&s->bc, k);
  const uint64_t *tw = transpose_members(s, mic); /* the wide line, and overlaps */
  size_t nw = (g->nmicros + 63) / 64;
  seg_detail_batch(&s->det, s->n, mvals, mic, tw, nw, s->res->cross, s->res->overlap);
  const cleave_str *ids = s->colv[sh->id_col];
  if (sh->format != 0) tw = NULL; /* put_line: long and jsonl test members[k] */
  for (uint32_t i = 0; i < s->n; i++) {
    for (uint32_t m = 0; m < g->nmacros; m++) vv[m] = mvals[m][i];
    put_line(s, ids[i], vv, mic, i, tw ? tw + i * nw : NULL);
    if (sh->naud) {
      for (uint32_t j = 0; j < sh->naud_cols; j++) s->aud_f[j] = s->colv[sh->aud_cols[j]][i];
      seg_put_audiences(s, s->aud_f, vv, mic, i);
    }
  }
  if (mic != members) free(mic);
  if (mvals != mv) free(mvals);
  if (vv != vals) free(vv);
  s->res->invalid += s->bc.invalid;
  s->bc.invalid = 0;
  tally_add(s->res->tally, s->bc.tally, tally_entries(g));
  memset(s->bc.tally, 0, tally_entries(g) * sizeof *s->bc.tally);
  s->n = 0;
  csv_scan_clear_arena(&s->scan);
}

/* The chunk is not all UTF-8 (so this is the exact path): count the kept
** fields of this row that are not. */
static __attribute__((noinline, cold)) void check_utf8(segmenter *s, const csv_row *row) {
  seg_result *r = s->res;
  const size_t *off = csv_scan_row_offsets(&s->scan);
  for (uint32_t c = 0; c < s->sh->ncols; c++) {
    /* batches: the row's fields are at arena offsets (csv_scan_row_slots) */
    const char *p = s->scan.lazy_ptrs ? row->base + off[c] : row->cols[c].ptr;
    if (!s->sh->keep[c] || utf8_valid(p, row->cols[c].len)) continue;
    if (!r->bad_utf8[c]++) r->bad_utf8_line[c] = row->line + 1;
    r->any_bad_utf8 = 1;
  }
}

static void on_row(void *ud, const csv_row *row) {
  segmenter *s = ud;
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  char why[ROW_REASON_MAX];
  const char *reason = row_accept(sh, row, why, sizeof why);
  if (__builtin_expect(reason != NULL, 0)) {
    rejecting(s, row, reason);
    return;
  }
  if (__builtin_expect(s->utf8_check, 0)) check_utf8(s, row);
  if (!sh->row_at_a_time) { /* gather; evaluate BATCH_MAX rows at once */
    /* the scanner wrote the row into slot n (csv_scan_row_slots): keep it,
    ** and have the next row written into the next slot */
    if (++s->n == BATCH_MAX) flush_batch(s);
    csv_scan_row_slots(&s->scan, &s->offs[s->n * sh->ncols], &s->lens[s->n * sh->ncols]);
    return;
  }
  const cleave_str id = row->cols[sh->id_col];
  /* one row: a "batch" of one, membership in bit 0 of one word per micro */
  uint32_t *vals = s->row_vals;
  eval_begin(&s->ec, row->cols);
  for (uint32_t m = 0; m < g->nmacros; m++) vals[m] = eval_macro(&s->ec, m);
  for (uint32_t k = 0; k < g->nmicros; k++) s->row_bits[k] = (uint64_t)eval_pred(&s->ec, g->micros[k].pred);
  eval_count_invalid(&s->ec);
  seg_detail_row(&s->det, vals, s->row_bits, s->res->cross, s->res->overlap);
  put_line(s, id, vals, (const uint64_t *const *)s->row_members, 0, NULL);
  if (sh->naud) {
    for (uint32_t j = 0; j < sh->naud_cols; j++) s->aud_f[j] = row->cols[sh->aud_cols[j]];
    seg_put_audiences(s, s->aud_f, vals, (const uint64_t *const *)s->row_members, 0);
  }
}

int seg_scan_init(csv_scan *scan, const seg_shape *sh, const uint8_t *keep, csv_row_fn row_fn,
                  csv_bad_fn bad_fn, void *ud) {
  int rc = csv_scan_init(scan, sh->delim, sh->ncols, keep, row_fn, bad_fn, ud);
  csv_scan_set_quote(scan, sh->quote ? (unsigned char)sh->quote : INPUT_NO_QUOTE);
  csv_scan_set_decimal_comma(scan, sh->numcols);
  return rc;
}

void segmenter_init(segmenter *s, const seg_shape *sh, void **tstate) {
  memset(s, 0, sizeof *s);
  s->sh = sh;
  if (sh->state_nb) s->state_bits = cl_calloc(sh->state_nb, 1);
  seg_scan_init(&s->scan, sh, sh->keep, on_row, on_bad, s);
  eval_ctx_init(&s->ec, sh->g, tstate);
  s->aud_f = cl_calloc(sh->naud_cols ? sh->naud_cols : 1, sizeof *s->aud_f);
  seg_detail_init(&s->det, sh->g, sh->value_base, sh->nvalues);
  if (sh->row_at_a_time) {
    const graph *g = sh->g;
    s->row_vals = cl_calloc(g->nmacros ? g->nmacros : 1, sizeof *s->row_vals);
    s->row_bits = cl_calloc(g->nmicros ? g->nmicros : 1, sizeof *s->row_bits);
    s->row_members = cl_calloc(g->nmicros ? g->nmicros : 1, sizeof *s->row_members);
    for (uint32_t k = 0; k < g->nmicros; k++) s->row_members[k] = &s->row_bits[k];
    return;
  }
  csv_scan_keep_arena(&s->scan, 1);
  batch_init(&s->bc, sh->g, tstate);
  s->kept = cl_calloc(sh->ncols ? sh->ncols : 1, sizeof *s->kept);
  s->colv = cl_calloc(sh->ncols ? sh->ncols : 1, sizeof *s->colv);
  for (uint32_t c = 0; c < sh->ncols; c++)
    if (sh->keep[c]) {
      s->kept[s->nkept++] = c;
      s->colv[c] = cl_calloc(BATCH_MAX, sizeof **s->colv);
    }
  s->offs = cl_calloc((size_t)BATCH_MAX * (sh->ncols ? sh->ncols : 1), sizeof *s->offs);
  s->lens = cl_calloc((size_t)BATCH_MAX * (sh->ncols ? sh->ncols : 1), sizeof *s->lens);
  csv_scan_row_slots(&s->scan, s->offs, s->lens);
}

static void start(segmenter *s, seg_result *r) {
  seg_result_reset(r, s->sh);
  s->res = r;
  s->ec.invalid = 0;
  s->bc.invalid = 0;
  size_t tn = tally_entries(s->sh->g) * sizeof(slot_tally);
  if (tn) memset(s->ec.tally, 0, tn);
  if (tn && s->bc.tally) memset(s->bc.tally, 0, tn);
  s->n = 0;
  if (!s->sh->row_at_a_time) csv_scan_row_slots(&s->scan, s->offs, s->lens);
  csv_scan_reset(&s->scan);
  csv_scan_clear_arena(&s->scan);
}

/* The fast path: the vectorised reader first (reader = fast), libcsv for a
** chunk it is unsure of; 1 = the chunk is done. */
static int feed_fast(segmenter *s, const chunk *c, seg_result *r) {
  if (s->sh->reader == CSV_READER_FAST) {
    int rc = csv_fast_feed(&s->scan, c->data, c->len, c->final, &r->clean);
    if (rc != CSV_FAST_UNSURE) return rc == CSV_FAST_OK;
    start(s, r);
  }
  return csv_scan_feed_fast(&s->scan, c->data, c->len, c->final, &r->clean);
}

void segmenter_run(segmenter *s, const chunk *c, seg_result *r) {
  /* Most chunks hold no bad row: one libcsv call for all of it. A chunk
  ** with a reject is done again line by line, for exact lines and bytes. */
  start(s, r);
  /* a chunk that is all valid UTF-8 (ASCII: one test per 16 bytes) has no
  ** field that is not; else the exact path checks the kept fields, with
  ** their lines */
  s->utf8_check = !utf8_valid(c->data, c->len);
  if (!s->utf8_check && feed_fast(s, c, r)) {
    if (!s->sh->row_at_a_time) flush_batch(s);
    r->lines = csv_count_lines(c->data, c->len);
  } else {
    start(s, r);
    csv_scan_feed(&s->scan, c->data, c->len, c->final, &r->clean);
    if (!s->sh->row_at_a_time) flush_batch(s);
    r->lines = csv_scan_lines(&s->scan);
  }
  r->invalid += s->ec.invalid;
  tally_add(r->tally, s->ec.tally, tally_entries(s->sh->g));
  s->res = NULL;
}

void segmenter_free(segmenter *s) {
  csv_scan_free(&s->scan);
  eval_ctx_free(&s->ec);
  seg_detail_free(&s->det);
  free(s->row_vals);
  free(s->row_bits);
  free(s->row_members);
  free(s->rowmic);
  free(s->aud_f);
  buf_free(&s->aud_line);
  free(s->state_bits);
  if (s->sh->row_at_a_time) return;
  batch_free(&s->bc);
  for (uint32_t c = 0; c < s->sh->ncols; c++) free(s->colv[c]);
  free(s->colv);
  free(s->kept);
  free(s->offs);
  free(s->lens);
}
