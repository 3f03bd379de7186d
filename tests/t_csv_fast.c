/* SPDX-License-Identifier: MIT */
/*
** t_csv_fast.c -- the vectorised reader (engine/csv_fast.c): what it reads
** itself and what it hands back, with both kernels; its fields are libcsv's
** (tests/fuzz/fuzz_reader.c checks that on any bytes, t_readers.sh on whole
** runs). Here: each case's return code, the fields of the cases it reads,
** and that a generated retail file is read by it, chunk after chunk.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h" /* first: its diag buffer is named like buf.h's type */

#include "buf.h"
#include "csv_fast.h"
#include "csv_scan.h"
#include "error.h"

typedef struct rec {
  buf out;
  size_t ncols;
  csv_scan *s;
  size_t rows;
} rec;

static void on_row(void *ud, const csv_row *row) {
  rec *r = ud;
  if (row->nfields != r->ncols && csv_scan_want_exact(r->s)) return;
  r->rows++;
  for (size_t i = 0; i < r->ncols; i++) {
    if (i) buf_putc(&r->out, '|');
    if (row->cols[i].len) buf_put(&r->out, row->cols[i].ptr, row->cols[i].len);
  }
  buf_putc(&r->out, '\n');
}

static void on_bad(void *ud, const csv_row *row, const char *reason) {
  (void)ud;
  (void)row;
  (void)reason;
}

/* Read text with the fast reader (kernel simd); the rows in r->out. */
static int fast(const char *text, size_t len, size_t ncols, int final, int simd,
                unsigned char delim, unsigned char quote, const uint8_t *numcols, rec *r) {
  csv_scan s;
  uint8_t keep[32];
  memset(keep, 1, sizeof keep);
  memset(r, 0, sizeof *r);
  r->ncols = ncols;
  r->s = &s;
  csv_scan_init(&s, delim, ncols, keep, on_row, on_bad, r);
  csv_scan_set_quote(&s, quote);
  csv_scan_set_decimal_comma(&s, numcols);
  char *copy = cl_malloc(len ? len : 1); /* exactly len bytes */
  memcpy(copy, text, len);
  int clean = 0;
  int rc = csv_fast_feed_kernel(&s, copy, len, final, &clean, simd);
  free(copy);
  csv_scan_free(&s);
  buf_putc(&r->out, '\0');
  return rc;
}

typedef struct tcase {
  const char *name, *text;
  size_t ncols;
  int final, want;
  const char *rows; /* for CSV_FAST_OK */
} tcase;

int main(int argc, char **argv) {
  (void)argc;
  static const tcase cases[] = {
      {"plain", "a,b\n1,2\n", 2, 0, CSV_FAST_OK, "a|b\n1|2\n"},
      {"quoted, escapes, embedded , and line ends", "\"a,\"\"x\"\"\",\"l1\nl2\"\r\n\"\",\n", 2, 0,
       CSV_FAST_OK, "a,\"x\"|l1\nl2\n|\n"},
      {"blank lines and CRLF ones", "\n1,2\n\r\n\n3,4\r\n", 2, 0, CSV_FAST_OK, "1|2\n3|4\n"},
      {"a last row without a line end, final", "1,2\n3,", 2, 1, CSV_FAST_OK, "1|2\n3|\n"},
      {"a last row without a line end, not final", "1,2\n3,", 2, 0, CSV_FAST_UNSURE, NULL},
      {"a ragged row asks for the exact path", "1,2\n3\n", 2, 0, CSV_FAST_EXACT, NULL},
      {"a quote inside an unquoted field", "1,a\"b\n", 2, 0, CSV_FAST_UNSURE, NULL},
      {"text after a closing quote", "1,\"a\"b\n", 2, 0, CSV_FAST_UNSURE, NULL},
      {"a bare CR", "1,2\r3,4\n", 2, 0, CSV_FAST_UNSURE, NULL},
      {"a NUL", "1,a\0b\n", 2, 0, CSV_FAST_UNSURE, NULL},
      {"an open quote at the end", "1,\"2\n", 2, 1, CSV_FAST_UNSURE, NULL},
      {"a field of 100 bytes across blocks",
       "1,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
       "xxxxxxxxxxxx\n",
       2, 0, CSV_FAST_OK,
       "1|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
       "xxxxxxxxxxxxxx\n"},
  };
  for (int simd = 1; simd >= 0; simd--) {
    const char *k = simd ? (csv_fast_simd() ? "SSE2" : "scalar (no SSE2 here)") : "scalar";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      const tcase *c = &cases[i];
      size_t len = strlen(c->text);
      if (strcmp(c->name, "a NUL") == 0) len = 7;
      rec r;
      int rc = fast(c->text, len, c->ncols, c->final, simd, ',', '"', NULL, &r);
      is_int(rc, c->want, "%s: %s", k, c->name);
      if (c->rows && rc == CSV_FAST_OK) is_str(r.out.p, c->rows, "%s: %s: the fields", k, c->name);
      buf_free(&r.out);
    }
    rec r;
    static const uint8_t numcols[3] = {0, 1, 0};
    int rc = fast("x;1.234,5;2,5\n", 14, 3, 0, simd, ';', '"', numcols, &r);
    ok(rc == CSV_FAST_OK && strcmp(r.out.p, "x|1234.5|2,5\n") == 0,
       "%s: decimal comma on the number column only", k);
    buf_free(&r.out);
    rc = fast("a\t\"b\t\"c\"\n", 9, 3, 0, simd, '\t', 0xFF, NULL, &r);
    ok(rc == CSV_FAST_OK && strcmp(r.out.p, "a|\"b|\"c\"\n") == 0,
       "%s: quote = none: '\"' is an ordinary byte", k);
    buf_free(&r.out);
  }

  /* a generated retail file (quoted fields, embedded line ends) in 64 KiB
  ** pieces cut at line ends with even quote counts: every one read by the
  ** fast reader itself */
  /* the generator beside this test: <build>/tests/t_csv_fast.t -> <build>/tools */
  char cmd[4096];
  const char *slash = strrchr(argv[0], '/');
  snprintf(cmd, sizeof cmd, "'%.*s/../tools/gen_retail' --rows 5000 --seed 3",
           slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
  FILE *f = popen(cmd, "r");
  buf all = {0};
  char tmp[65536];
  size_t n;
  while (f && (n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_put(&all, tmp, n);
  if (!ok(f && pclose(f) == 0 && all.len > 100000, "gen_retail wrote %zu bytes", all.len)) {
    buf_free(&all);
    return done_testing();
  }
  const char *p = (const char *)memchr(all.p, '\n', all.len) + 1, *end = all.p + all.len;
  size_t pieces = 0, read_fast = 0, rows = 0;
  while (p < end) {
    const char *cut = p + 65536 < end ? p + 65536 : end;
    if (cut < end) { /* back to a line end at even quote parity */
      for (;;) {
        while (cut > p && cut[-1] != '\n') cut--;
        size_t q = 0;
        for (const char *x = p; x < cut; x++) q += *x == '"';
        if (!(q & 1)) break;
        cut--;
      }
    }
    rec r;
    pieces++;
    if (fast(p, (size_t)(cut - p), 21, cut == end, 1, ',', '"', NULL, &r) == CSV_FAST_OK) read_fast++;
    rows += r.rows;
    buf_free(&r.out);
    p = cut;
  }
  ok(pieces > 5 && read_fast == pieces, "generated retail rows: %zu of %zu pieces read by the fast reader",
     read_fast, pieces);
  is_int(rows, 5000, "  ... and they hold the 5000 rows");
  buf_free(&all);
  return done_testing();
}
