/* SPDX-License-Identifier: MIT */
/*
** fuzz_reader.c -- the vectorised reader (engine/csv_fast.c) against libcsv
** (engine/csv_scan.c), field by field and reject by reject.
**
** Input: 4 bytes of settings, then one chunk of CSV.
**   byte 0: bits 0-1 the delimiter (, ; tab |); bit 2 quote = none (libcsv's
**           quote is then 0xFF, as the engine scans); bit 3 the chunk is the
**           input's last (final); bit 4 decimal = comma on the columns of
**           byte 3; bit 5 keep the arena between rows (as the segmenter does)
**   byte 1: the header's width, 1..24 (ncols = 1 + byte % 24)
**   byte 2: bit i % 8 keeps column i (the id column 0 always)
**   byte 3: bit i % 8: column i is a number column (with bit 4 of byte 0)
**
** Both sides run the chunk as segmenter_run does, with a row code that
** rejects a row whose field count is not the header's (row_accept's first
** test): libcsv alone (csv_scan_feed_fast, and csv_scan_feed when that fails)
** and the fast reader first (csv_fast_feed, then the same fallbacks). They
** must give the same rows with the same fields, the same rejects with the
** same lines, bytes and reasons, and the same "ended between rows". Also:
**   * the SSE2 and the scalar kernels return the same and deliver the same;
**   * when the fast reader says OK, libcsv's fast path succeeds too; when it
**     asks for the exact path (a reject), libcsv's fast path fails too.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv_fast.h"
#include "csv_scan.h"
#include "error.h"
#include "input.h"

#include "fuzz.h"

typedef struct rec {
  buf out;      /* every row and reject, in order */
  size_t ncols;
  csv_scan *scan;
} rec;

static void put_num(buf *b, unsigned long long v) { buf_printf(b, "%llu ", v); }

static void put_bytes(buf *b, const char *p, size_t n) {
  put_num(b, n);
  if (n) buf_put(b, p, n);
  buf_putc(b, ' ');
}

static void reject(rec *r, const csv_row *row, const char *reason) {
  buf_puts(&r->out, "B ");
  put_num(&r->out, row->line);
  put_num(&r->out, row->last_line);
  put_bytes(&r->out, row->raw, row->raw_len);
  buf_puts(&r->out, reason);
  buf_putc(&r->out, '\n');
}

static void on_row(void *ud, const csv_row *row) {
  rec *r = ud;
  if (row->nfields != r->ncols) { /* a ragged row: a reject, with its lines */
    if (csv_scan_want_exact(r->scan)) return;
    reject(r, row, "ragged");
    return;
  }
  buf_puts(&r->out, "G ");
  put_num(&r->out, row->nfields);
  for (size_t i = 0; i < r->ncols; i++) {
    FUZZ_CHECK(row->cols[i].len == 0 || row->cols[i].ptr, "column %zu: bytes at NULL", i);
    put_bytes(&r->out, row->cols[i].ptr, row->cols[i].len);
  }
  /* the arena view the segmenter's batches read */
  const size_t *off = csv_scan_row_offsets(r->scan);
  const uint32_t *lens = csv_scan_row_lengths(r->scan);
  for (size_t i = 0; i < r->ncols; i++)
    if (row->cols[i].len) {
      FUZZ_CHECK(lens[i] == row->cols[i].len, "column %zu: lens %u, cols %zu", i, lens[i],
                 row->cols[i].len);
      FUZZ_CHECK(csv_scan_arena(r->scan) + off[i] == row->cols[i].ptr,
                 "column %zu: the arena offset does not point at the field", i);
    }
  buf_putc(&r->out, '\n');
}

static void on_bad(void *ud, const csv_row *row, const char *reason) { reject(ud, row, reason); }

enum { MAXCOLS = 24 };

typedef struct setup {
  unsigned char delim, quote;
  size_t ncols;
  uint8_t keep[MAXCOLS], numcols[MAXCOLS];
  int decimal_comma, keep_arena, final;
} setup;

static void scan_init(const setup *st, csv_scan *s, rec *r) {
  memset(r, 0, sizeof *r);
  r->ncols = st->ncols;
  r->scan = s;
  FUZZ_CHECK(csv_scan_init(s, st->delim, st->ncols, st->keep, on_row, on_bad, r) == 0,
             "csv_scan_init failed");
  csv_scan_set_quote(s, st->quote);
  if (st->decimal_comma) csv_scan_set_decimal_comma(s, st->numcols);
  csv_scan_keep_arena(s, st->keep_arena);
}

static void restart(csv_scan *s, rec *r) {
  r->out.len = 0;
  csv_scan_reset(s);
  csv_scan_clear_arena(s);
}

enum { BY_LIBCSV = -2 };

/* One chunk as segmenter_run reads it; kernel BY_LIBCSV = reader libcsv,
** else the fast reader with that kernel. *first: what the first reader
** returned (for the fast one: CSV_FAST_*; for libcsv: 1 ok, 0 failed). */
static int read_chunk(const setup *st, const char *p, size_t len, int kernel, rec *r,
                      int *first) {
  csv_scan s;
  scan_init(st, &s, r);
  int clean = 0, ok = 0;
  if (kernel != BY_LIBCSV) {
    int rc = csv_fast_feed_kernel(&s, p, len, st->final, &clean, kernel);
    *first = rc;
    FUZZ_CHECK(rc != CSV_FAST_OK || clean, "the fast reader said OK without a clean end");
    if (rc == CSV_FAST_OK) ok = 1;
    else if (rc == CSV_FAST_UNSURE) restart(&s, r);
    if (rc == CSV_FAST_UNSURE) ok = csv_scan_feed_fast(&s, p, len, st->final, &clean);
  } else {
    ok = csv_scan_feed_fast(&s, p, len, st->final, &clean);
    *first = ok;
  }
  if (!ok) {
    restart(&s, r);
    size_t used = csv_scan_feed(&s, p, len, st->final, &clean);
    FUZZ_CHECK(used == len, "csv_scan_feed consumed %zu of %zu bytes", used, len);
  }
  buf_printf(&r->out, "clean %d\n", clean);
  csv_scan_free(&s);
  return clean;
}

static void same(const rec *want, const rec *got, const char *what) {
  if (want->out.len == got->out.len &&
      (want->out.len == 0 || memcmp(want->out.p, got->out.p, want->out.len) == 0))
    return;
  fprintf(stderr, "--- libcsv:\n%.*s--- %s:\n%.*s---\n", (int)want->out.len,
          want->out.len ? want->out.p : "", what, (int)got->out.len,
          got->out.len ? got->out.p : "");
  FUZZ_CHECK(0, "%s: rows or rejects differ from libcsv's", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  static const unsigned char delims[4] = {',', ';', '\t', '|'};
  setup st;
  memset(&st, 0, sizeof st);
  st.delim = delims[data[0] & 3];
  st.quote = data[0] & 4 ? INPUT_NO_QUOTE : '"';
  st.final = (data[0] >> 3) & 1;
  st.decimal_comma = (data[0] >> 4) & 1;
  st.keep_arena = (data[0] >> 5) & 1;
  st.ncols = 1 + data[1] % MAXCOLS;
  for (size_t i = 0; i < MAXCOLS; i++) {
    st.keep[i] = i == 0 || ((data[2] >> (i % 8)) & 1);
    st.numcols[i] = (data[3] >> (i % 8)) & 1;
  }
  size_t len = size - 4;
  char *text = cl_malloc(len ? len : 1); /* exactly len bytes: reads past the end are seen */
  if (len) memcpy(text, data + 4, len);

  rec lib, simd, scalar;
  int lib_first, simd_first, scalar_first;
  read_chunk(&st, text, len, BY_LIBCSV, &lib, &lib_first);
  read_chunk(&st, text, len, 1, &simd, &simd_first);
  read_chunk(&st, text, len, 0, &scalar, &scalar_first);
  same(&lib, &simd, "fast reader (SSE2 kernel where built)");
  same(&lib, &scalar, "fast reader (scalar kernel)");
  FUZZ_CHECK(simd_first == scalar_first, "the SSE2 kernel returned %d, the scalar one %d",
             simd_first, scalar_first);
  if (simd_first == CSV_FAST_OK)
    FUZZ_CHECK(lib_first == 1, "the fast reader read the chunk, libcsv's fast path failed");
  if (simd_first == CSV_FAST_EXACT)
    FUZZ_CHECK(lib_first == 0, "the fast reader asked for the exact path, libcsv's did not");
  buf_free(&lib.out);
  buf_free(&simd.out);
  buf_free(&scalar.out);
  free(text);
  return 0;
}
