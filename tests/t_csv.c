/* SPDX-License-Identifier: MIT */
/*
** t_csv.c -- the CSV scanner (rows, bad rows, lines, raw bytes) and the
** input reader (header, BOM, row-aligned chunks from files and pipes).
*/
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h" /* first: its diag buffer is named like buf.h's type */

#include "buf.h"
#include "csv_scan.h"
#include "error.h"
#include "input.h"
#include "utf8.h"
#include "values.h"

/* --- recording scanner callbacks ----------------------------------------- */

typedef struct rec_row {
  int bad;
  size_t nfields;
  char **cols;     /* ncols NUL-terminated copies */
  size_t *lens;
  uint64_t line, last_line;
  char *raw;       /* NULL when the row's raw bytes lay outside the buffer */
  size_t raw_len;
  char *reason;
} rec_row;

typedef struct rec {
  rec_row *rows;
  size_t n, cap;
  size_t ncols;
  const char *base; /* the buffer being fed: raw must point into it */
  size_t base_len;
} rec;

static void rec_add(rec *r, const csv_row *row, int bad, const char *reason) {
  if (r->n == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 16;
    r->rows = cl_realloc(r->rows, r->cap * sizeof *r->rows);
  }
  rec_row *x = &r->rows[r->n++];
  memset(x, 0, sizeof *x);
  x->bad = bad;
  x->nfields = row->nfields;
  x->line = row->line;
  x->last_line = row->last_line;
  x->cols = cl_calloc(r->ncols ? r->ncols : 1, sizeof *x->cols);
  x->lens = cl_calloc(r->ncols ? r->ncols : 1, sizeof *x->lens);
  if (!bad)
    for (size_t i = 0; i < r->ncols; i++) {
      x->lens[i] = row->cols[i].len;
      x->cols[i] = cl_strndup(row->cols[i].len ? row->cols[i].ptr : "", row->cols[i].len);
    }
  uintptr_t b = (uintptr_t)r->base, p = (uintptr_t)row->raw;
  x->raw_len = row->raw_len;
  if (row->raw && p >= b && row->raw_len <= r->base_len && p - b <= r->base_len - row->raw_len)
    x->raw = cl_strndup(row->raw, row->raw_len);
  if (reason) x->reason = cl_strdup(reason);
}

static void on_row(void *ud, const csv_row *row) { rec_add(ud, row, 0, NULL); }
static void on_bad(void *ud, const csv_row *row, const char *reason) { rec_add(ud, row, 1, reason); }

static void rec_free(rec *r) {
  for (size_t i = 0; i < r->n; i++) {
    rec_row *x = &r->rows[i];
    for (size_t j = 0; j < r->ncols; j++) free(x->cols[j]);
    free(x->cols);
    free(x->lens);
    free(x->raw);
    free(x->reason);
  }
  free(r->rows);
  memset(r, 0, sizeof *r);
}

static size_t count_bad(const rec *r) {
  size_t n = 0;
  for (size_t i = 0; i < r->n; i++) n += (size_t)r->rows[i].bad;
  return n;
}

/* Scan text with a fresh scanner; the caller frees r. Returns bytes consumed. */
static size_t scan_n(rec *r, const char *text, size_t len, unsigned char delim, size_t ncols,
                     const uint8_t *keep, int final, int *clean) {
  csv_scan s;
  memset(r, 0, sizeof *r);
  r->ncols = ncols;
  r->base = text;
  r->base_len = len;
  csv_scan_init(&s, delim, ncols, keep, on_row, on_bad, r);
  size_t used = csv_scan_feed(&s, text, len, final, clean);
  csv_scan_free(&s);
  return used;
}

static size_t scan(rec *r, const char *text, size_t ncols, int final, int *clean) {
  return scan_n(r, text, strlen(text), ',', ncols, NULL, final, clean);
}

/* Row i is a good row with these fields (want has r->ncols entries). */
static void row_is(const rec *r, size_t i, const char *const *want, const char *what) {
  if (!ok(i < r->n && !r->rows[i].bad, "%s: row %zu read", what, i)) {
    if (i < r->n) diag("  bad row: %s", r->rows[i].reason);
    return;
  }
  const rec_row *x = &r->rows[i];
  for (size_t j = 0; j < r->ncols && want[j]; j++)
    is_str(x->cols[j], want[j], "%s: row %zu col %zu", what, i, j);
}

static void lines_are(const rec *r, size_t i, uint64_t line, uint64_t last, const char *what) {
  if (i >= r->n) {
    ok(0, "%s: row %zu exists for its lines", what, i);
    return;
  }
  is_int(r->rows[i].line, line, "%s: row %zu line", what, i);
  is_int(r->rows[i].last_line, last, "%s: row %zu last_line", what, i);
}

static const char *raw_of(const rec *r, size_t i) {
  return i < r->n && r->rows[i].raw ? r->rows[i].raw : "(no row or raw outside the buffer)";
}

/* --- csv_scan ------------------------------------------------------------- */

static void test_plain(void) {
  rec r;
  int clean = -1;
  const char *text = "a,b,c\n1,2,3\nxx,yy,zz\n";
  size_t used = scan(&r, text, 3, 0, &clean);
  is_int(used, strlen(text), "plain: all bytes consumed");
  is_int(clean, 1, "plain: ends clean");
  is_int(r.n, 3, "plain: three rows");
  is_int(count_bad(&r), 0, "plain: no bad rows");
  row_is(&r, 0, (const char *const[]){"a", "b", "c"}, "plain");
  row_is(&r, 1, (const char *const[]){"1", "2", "3"}, "plain");
  row_is(&r, 2, (const char *const[]){"xx", "yy", "zz"}, "plain");
  if (r.n == 3) {
    is_int(r.rows[1].nfields, 3, "plain: nfields");
    lines_are(&r, 0, 0, 0, "plain");
    lines_are(&r, 2, 2, 2, "plain");
    is_str(raw_of(&r, 1), "1,2,3", "plain: raw without the LF");
    is_int(r.rows[1].raw_len, 5, "plain: raw_len");
  }
  rec_free(&r);
}

static void test_quoted(void) {
  rec r;
  int clean;
  scan(&r, "\"a\",\"b c\",d\n", 3, 0, &clean);
  row_is(&r, 0, (const char *const[]){"a", "b c", "d"}, "quoted");
  is_str(raw_of(&r, 0), "\"a\",\"b c\",d", "quoted: raw keeps the quotes");
  rec_free(&r);

  scan(&r, "1,\"He said \"\"hi\"\"\",x\n", 3, 0, &clean);
  row_is(&r, 0, (const char *const[]){"1", "He said \"hi\"", "x"}, "doubled quotes");
  is_str(raw_of(&r, 0), "1,\"He said \"\"hi\"\"\",x", "doubled quotes: raw verbatim");
  rec_free(&r);

  scan(&r, "\"\"\"\",\"a\"\"\"\n", 2, 0, &clean);
  row_is(&r, 0, (const char *const[]){"\"", "a\""}, "field of only a doubled quote");
  rec_free(&r);

  scan(&r, "1,\"x, y, z\",2\n", 3, 0, &clean);
  row_is(&r, 0, (const char *const[]){"1", "x, y, z", "2"}, "embedded commas");
  if (r.n) is_int(r.rows[0].nfields, 3, "embedded commas: three fields");
  rec_free(&r);
}

static void test_multiline(void) {
  rec r;
  int clean;
  scan(&r, "1,\"line1\nline2\",2\n3,4,5\n", 3, 0, &clean);
  is_int(r.n, 2, "quoted LF: two rows");
  is_int(clean, 1, "quoted LF: clean");
  row_is(&r, 0, (const char *const[]){"1", "line1\nline2", "2"}, "quoted LF");
  lines_are(&r, 0, 0, 1, "quoted LF");
  is_str(raw_of(&r, 0), "1,\"line1\nline2\",2", "quoted LF: raw holds both lines");
  row_is(&r, 1, (const char *const[]){"3", "4", "5"}, "quoted LF");
  lines_are(&r, 1, 2, 2, "quoted LF");
  rec_free(&r);

  scan(&r, "1,\"a\r\nb\",2\r\n3,4,5\r\n", 3, 0, &clean);
  is_int(r.n, 2, "quoted CRLF: two rows");
  row_is(&r, 0, (const char *const[]){"1", "a\r\nb", "2"}, "quoted CRLF");
  lines_are(&r, 0, 0, 1, "quoted CRLF");
  is_str(raw_of(&r, 0), "1,\"a\r\nb\",2", "quoted CRLF: raw holds both lines, no final CRLF");
  lines_are(&r, 1, 2, 2, "quoted CRLF");
  is_str(raw_of(&r, 1), "3,4,5", "quoted CRLF: next raw");
  rec_free(&r);

  /* a field spanning several lines, with blank lines inside it */
  scan(&r, "x,\"a\n\n\nb\"\ny,z\n", 2, 0, &clean);
  row_is(&r, 0, (const char *const[]){"x", "a\n\n\nb"}, "quoted blank lines");
  lines_are(&r, 0, 0, 3, "quoted blank lines");
  lines_are(&r, 1, 4, 4, "quoted blank lines");
  rec_free(&r);
}

static void test_line_ends(void) {
  rec r;
  int clean;
  scan(&r, "a,b\r\nc,d\r\n", 2, 0, &clean);
  is_int(r.n, 2, "CRLF: two rows, no empty ones");
  row_is(&r, 0, (const char *const[]){"a", "b"}, "CRLF");
  row_is(&r, 1, (const char *const[]){"c", "d"}, "CRLF");
  is_str(raw_of(&r, 0), "a,b", "CRLF: raw without CR");
  lines_are(&r, 1, 1, 1, "CRLF");
  is_int(clean, 1, "CRLF: clean");
  rec_free(&r);

  scan(&r, "a,b\n\n\nc,d\n\r\n\ne,f\n\n", 2, 0, &clean);
  is_int(r.n, 3, "blank lines skipped");
  row_is(&r, 1, (const char *const[]){"c", "d"}, "blank lines");
  lines_are(&r, 1, 3, 3, "blank lines: line numbers count them");
  lines_are(&r, 2, 6, 6, "blank lines (CRLF one too)");
  is_int(clean, 1, "blank lines: clean");
  rec_free(&r);

  /* the last row without a line ending */
  const char *text = "a,b\nc,d";
  size_t used = scan(&r, text, 2, 1, &clean);
  is_int(r.n, 2, "no final LF, final=1: the last row is flushed");
  row_is(&r, 1, (const char *const[]){"c", "d"}, "no final LF");
  lines_are(&r, 1, 1, 1, "no final LF");
  is_str(raw_of(&r, 1), "c,d", "no final LF: raw");
  is_int(clean, 1, "no final LF, final=1: clean");
  is_int(used, strlen(text), "no final LF: all consumed");
  rec_free(&r);

  used = scan(&r, text, 2, 0, &clean);
  is_int(r.n, 1, "no final LF, final=0: the partial row is not emitted");
  is_int(clean, 0, "no final LF, final=0: not clean");
  is_int(used, strlen(text), "no final LF, final=0: still consumes everything");
  rec_free(&r);

  scan(&r, "a,b\n1,\"open\n", 2, 0, &clean);
  is_int(r.n, 1, "open quote, final=0: only the complete row");
  is_int(clean, 0, "open quote, final=0: not clean");
  rec_free(&r);
}

/* The same scanner used again: lines restart at 0, a partial row is dropped
** by csv_scan_reset (the pipeline re-feeds after merging chunks). */
static void test_refeed(void) {
  rec r;
  csv_scan s;
  int clean;
  const char *a = "1,2\n3,", *b = "x,y\nz,w\n";
  memset(&r, 0, sizeof r);
  r.ncols = 2;
  csv_scan_init(&s, ',', 2, NULL, on_row, on_bad, &r);
  r.base = a;
  r.base_len = strlen(a);
  csv_scan_feed(&s, a, strlen(a), 0, &clean);
  is_int(clean, 0, "refeed: first buffer ends inside a row");
  csv_scan_reset(&s);
  r.base = b;
  r.base_len = strlen(b);
  csv_scan_feed(&s, b, strlen(b), 1, &clean);
  is_int(clean, 1, "refeed: after reset, clean");
  is_int(r.n, 3, "refeed: 1 + 2 rows");
  row_is(&r, 1, (const char *const[]){"x", "y"}, "refeed: reset forgot '3,'");
  lines_are(&r, 2, 1, 1, "refeed: lines relative to the new buffer");
  is_int(csv_scan_lines(&s), 2, "refeed: scanner line count is the buffer's LF count");
  csv_scan_free(&s);
  rec_free(&r);
}

static void test_bad_rows(void) {
  rec r;
  int clean;
  scan(&r, "a,b\n1,\"abc\n2,3\n", 2, 1, &clean);
  is_int(r.n, 2, "unterminated quote: one good, one bad");
  if (r.n == 2) {
    ok(r.rows[1].bad, "unterminated quote: the open row is bad");
    like(r.rows[1].reason, "quote", "unterminated quote: reason mentions the quote");
    lines_are(&r, 1, 1, 2, "unterminated quote");
    is_str(raw_of(&r, 1), "1,\"abc\n2,3", "unterminated quote: raw to the end");
  }
  rec_free(&r);

  scan(&r, "1,\"abc", 2, 1, &clean);
  ok(r.n == 1 && r.rows[0].bad, "unterminated quote, no LF: bad row");
  lines_are(&r, 0, 0, 0, "unterminated quote, no LF");
  is_str(raw_of(&r, 0), "1,\"abc", "unterminated quote, no LF: raw");
  rec_free(&r);

  scan(&r, "1,2,3\n4,a\"b,6\n7,8,9\n", 3, 1, &clean);
  is_int(r.n, 3, "stray quote: three rows reported");
  if (r.n == 3) {
    ok(!r.rows[0].bad && r.rows[1].bad && !r.rows[2].bad, "stray quote: only that row is bad");
    like(r.rows[1].reason, "quote inside an unquoted field", "stray quote: reason");
    like(r.rows[1].reason, "byte 4", "stray quote: reason gives the byte");
    is_str(raw_of(&r, 1), "4,a\"b,6", "stray quote: raw");
    lines_are(&r, 1, 1, 1, "stray quote");
    row_is(&r, 2, (const char *const[]){"7", "8", "9"}, "stray quote: next row read");
    lines_are(&r, 2, 2, 2, "stray quote: next row");
  }
  is_int(clean, 1, "stray quote: clean at the end");
  rec_free(&r);

  scan(&r, "1,\"ab\"c,3\n4,5,6\n", 3, 1, &clean);
  is_int(r.n, 2, "text after closing quote: two rows");
  if (r.n == 2) {
    ok(r.rows[0].bad, "text after closing quote: bad");
    like(r.rows[0].reason, "after a closing quote", "text after closing quote: reason");
    is_str(raw_of(&r, 0), "1,\"ab\"c,3", "text after closing quote: raw");
    row_is(&r, 1, (const char *const[]){"4", "5", "6"}, "text after closing quote: next row");
    lines_are(&r, 1, 1, 1, "text after closing quote: next row");
  }
  rec_free(&r);

  /* bad quoting on the second line of a multi-line row */
  scan(&r, "1,\"a\nb\"x,2\n3,4,5\n", 3, 1, &clean);
  ok(r.n == 2 && r.rows[0].bad && !r.rows[1].bad, "bad quote on a continuation line");
  lines_are(&r, 0, 0, 1, "bad quote on a continuation line");
  is_str(raw_of(&r, 0), "1,\"a\nb\"x,2", "bad quote on a continuation line: raw");
  lines_are(&r, 1, 2, 2, "bad quote on a continuation line: next row");
  rec_free(&r);
}

static void test_empty_fields(void) {
  rec r;
  int clean;
  scan(&r, "1,,\"\"\n", 3, 0, &clean);
  row_is(&r, 0, (const char *const[]){"1", "", ""}, "empty fields");
  if (r.n) {
    is_int(r.rows[0].nfields, 3, "empty fields: nfields 3");
    is_int(r.rows[0].lens[1], 0, "empty unquoted field: len 0");
    is_int(r.rows[0].lens[2], 0, "empty quoted field: len 0");
  }
  rec_free(&r);

  scan(&r, ",\n", 2, 0, &clean);
  ok(r.n == 1 && r.rows[0].nfields == 2, "a lone comma is a row of two empty fields");
  rec_free(&r);

  scan(&r, "\"\"\n", 1, 0, &clean);
  ok(r.n == 1 && r.rows[0].nfields == 1 && r.rows[0].lens[0] == 0,
     "a lone \"\" is a row of one empty field");
  rec_free(&r);
}

static void test_keep(void) {
  rec r;
  int clean;
  static const uint8_t keep[] = {1, 0, 1, 0};
  const char *text = "a,b,c,d\n\"x,1\",\"y\",\"z\nz\",w\n";
  scan_n(&r, text, strlen(text), ',', 4, keep, 0, &clean);
  is_int(r.n, 2, "keep: two rows");
  row_is(&r, 0, (const char *const[]){"a", "", "c", ""}, "keep");
  row_is(&r, 1, (const char *const[]){"x,1", "", "z\nz", ""}, "keep");
  if (r.n == 2) {
    is_int(r.rows[1].nfields, 4, "keep: nfields counts dropped columns");
    is_int(r.rows[1].lens[1], 0, "keep: dropped column len 0");
    is_str(raw_of(&r, 1), "\"x,1\",\"y\",\"z\nz\",w", "keep: raw is the whole row");
  }
  rec_free(&r);
}

static void test_ragged(void) {
  rec r;
  int clean;
  static const uint8_t all[] = {1, 1, 1};
  const char *text = "1,2,3\n4\n5,6,7,8,9\n10,11\n";
  for (int k = 0; k < 2; k++) {
    const char *how = k ? "ragged (keep all)" : "ragged (keep NULL)";
    scan_n(&r, text, strlen(text), ',', 3, k ? all : NULL, 0, &clean);
    is_int(r.n, 4, "%s: four rows", how);
    is_int(count_bad(&r), 0, "%s: none bad (the count is the caller's job)", how);
    if (r.n == 4) {
      is_int(r.rows[1].nfields, 1, "%s: short row nfields", how);
      row_is(&r, 1, (const char *const[]){"4", "", ""}, how);
      is_int(r.rows[1].lens[2], 0, "%s: short row, later cols empty", how);
      is_int(r.rows[2].nfields, 5, "%s: long row nfields", how);
      row_is(&r, 2, (const char *const[]){"5", "6", "7"}, how);
      is_str(raw_of(&r, 2), "5,6,7,8,9", "%s: long row raw", how);
      is_int(r.rows[3].nfields, 2, "%s: short row after a long one", how);
      row_is(&r, 3, (const char *const[]){"10", "11", ""}, how);
    }
    rec_free(&r);
  }
}

static void test_long_field(void) {
  rec r;
  int clean;
  size_t big = 1u << 20;
  buf b = {0};
  buf_puts(&b, "1,\"");
  for (size_t i = 0; i < big; i++) {
    char c = (char)('a' + i % 26);
    if (i % 1000 == 999) c = '\n';
    buf_putc(&b, c);
  }
  buf_puts(&b, "\",2\n");
  buf_put(&b, "3,", 2);
  for (size_t i = 0; i < big; i++) buf_putc(&b, 'x');
  buf_puts(&b, ",4\n");
  scan_n(&r, b.p, b.len, ',', 3, NULL, 1, &clean);
  is_int(r.n, 2, "1 MB fields: two rows");
  if (r.n == 2 && !r.rows[0].bad && !r.rows[1].bad) {
    is_int(r.rows[0].lens[1], big, "1 MB quoted field (with LFs): len");
    ok(memcmp(r.rows[0].cols[1], b.p + 3, big) == 0, "1 MB quoted field: bytes");
    is_int(r.rows[0].last_line, big / 1000, "1 MB quoted field: last_line");
    is_int(r.rows[1].lens[1], big, "1 MB unquoted field: len");
    is_int(r.rows[1].line, big / 1000 + 1, "1 MB unquoted field: line");
    is_str(r.rows[1].cols[2], "4", "1 MB unquoted field: next field");
  } else {
    ok(0, "1 MB fields: rows good");
  }
  buf_free(&b);
  rec_free(&r);
}

static void test_delims(void) {
  rec r;
  int clean;
  const char *tsv = "a\tb c\t\"d\te\"\n1\t\t3\n";
  scan_n(&r, tsv, strlen(tsv), '\t', 3, NULL, 0, &clean);
  is_int(r.n, 2, "tab: two rows");
  row_is(&r, 0, (const char *const[]){"a", "b c", "d\te"}, "tab");
  row_is(&r, 1, (const char *const[]){"1", "", "3"}, "tab: empty middle field");
  if (r.n == 2) is_int(r.rows[1].nfields, 3, "tab: empty middle field counted");
  rec_free(&r);

  const char *semi = "1;2,5;\"x;y\"\n;;\n";
  scan_n(&r, semi, strlen(semi), ';', 3, NULL, 0, &clean);
  is_int(r.n, 2, "semicolon: two rows");
  row_is(&r, 0, (const char *const[]){"1", "2,5", "x;y"}, "semicolon");
  if (r.n == 2) is_int(r.rows[1].nfields, 3, "semicolon: ';;' is three empty fields");
  rec_free(&r);
}

/* The lines a fresh scanner counts in text (final = 1). */
static uint64_t scan_lines(const char *text) {
  rec r;
  csv_scan s;
  int clean;
  memset(&r, 0, sizeof r);
  r.ncols = 2;
  r.base = text;
  r.base_len = strlen(text);
  csv_scan_init(&s, ',', 2, NULL, on_row, on_bad, &r);
  csv_scan_feed(&s, text, strlen(text), 1, &clean);
  uint64_t n = csv_scan_lines(&s);
  csv_scan_free(&s);
  rec_free(&r);
  return n;
}

/* A CR on its own ends a row for libcsv (CR-only files, or a stray CR in a
** field); the scanner counts it as a line end, and each row must still get
** its own raw bytes, inside the buffer. */
static void test_bare_cr(void) {
  rec r;
  int clean;
  scan(&r, "1,ab\rc,2\n3,4\n", 2, 1, &clean);
  is_int(r.n, 3, "bare CR: ends a row (libcsv)");
  if (r.n == 3) {
    ok(r.rows[1].raw != NULL, "bare CR: second row's raw lies inside the buffer");
    is_str(raw_of(&r, 0), "1,ab", "bare CR: first row's raw stops at the CR");
    is_str(raw_of(&r, 1), "c,2", "bare CR: second row's raw");
    is_str(raw_of(&r, 2), "3,4", "bare CR: next line's row is unaffected");
    row_is(&r, 1, (const char *const[]){"c", "2"}, "bare CR");
  }
  lines_are(&r, 0, 0, 0, "bare CR: a line of its own");
  lines_are(&r, 1, 1, 1, "bare CR: a line of its own");
  lines_are(&r, 2, 2, 2, "bare CR: counted as a line");
  is_int(clean, 1, "bare CR: clean");
  rec_free(&r);

  /* an old Mac file: CR only, no LF anywhere */
  const char *mac = "a,b\r1,2\r3,4\r";
  size_t used = scan(&r, mac, 2, 1, &clean);
  is_int(r.n, 3, "CR-only: three rows");
  row_is(&r, 0, (const char *const[]){"a", "b"}, "CR-only");
  row_is(&r, 2, (const char *const[]){"3", "4"}, "CR-only");
  is_str(raw_of(&r, 1), "1,2", "CR-only: raw without the CR");
  lines_are(&r, 2, 2, 2, "CR-only");
  is_int(used, strlen(mac), "CR-only: all consumed");
  is_int(scan_lines(mac), 3, "CR-only: three lines counted");
  rec_free(&r);
  scan(&r, "1,2\r3,4", 2, 1, &clean);
  is_int(r.n, 2, "CR-only, no final CR: the last row is flushed");
  is_str(raw_of(&r, 1), "3,4", "CR-only, no final CR: raw");
  lines_are(&r, 1, 1, 1, "CR-only, no final CR");
  rec_free(&r);

  /* CRLF, bare CR and LF mixed; an empty line between two CRs */
  scan(&r, "1,2\r\n3,4\r5,6\n", 2, 1, &clean);
  is_int(r.n, 3, "mixed line ends: three rows");
  is_str(raw_of(&r, 0), "1,2", "mixed line ends: CRLF row's raw");
  is_str(raw_of(&r, 1), "3,4", "mixed line ends: bare CR row's raw");
  is_str(raw_of(&r, 2), "5,6", "mixed line ends: LF row's raw");
  lines_are(&r, 2, 2, 2, "mixed line ends");
  rec_free(&r);
  scan(&r, "1,2\r\r3,4\r", 2, 1, &clean);
  is_int(r.n, 2, "CR CR: the empty line is skipped");
  lines_are(&r, 1, 2, 2, "CR CR: the empty line is counted");
  rec_free(&r);

  /* a CR inside quotes is field text; the row spans two lines */
  scan(&r, "1,\"a\rb\"\n2,3\n", 2, 1, &clean);
  is_int(r.n, 2, "quoted bare CR: two rows");
  row_is(&r, 0, (const char *const[]){"1", "a\rb"}, "quoted bare CR");
  is_str(raw_of(&r, 0), "1,\"a\rb\"", "quoted bare CR: raw holds the whole row");
  lines_are(&r, 0, 0, 1, "quoted bare CR");
  lines_are(&r, 1, 2, 2, "quoted bare CR");
  rec_free(&r);

  /* a bad row ended by a bare CR costs only itself */
  scan(&r, "1,\"x\"y\r2,3\r", 2, 1, &clean);
  is_int(r.n, 2, "bad row before a bare CR: two rows");
  if (r.n == 2) {
    ok(r.rows[0].bad && !r.rows[1].bad, "bad row before a bare CR: only the first is bad");
    is_str(raw_of(&r, 0), "1,\"x\"y", "bad row before a bare CR: its raw");
  }
  lines_are(&r, 1, 1, 1, "bad row before a bare CR: the next row");
  rec_free(&r);

  /* the pipeline counts a chunk's lines with csv_count_lines when no row is
  ** rejected, and with the scanner when one is: both must agree */
  static const char *const texts[] = {"a,b\n1,2\n", "a,b\r\n1,2\r\n", "1,\"a\nb\"\n",
                                      "1,2\r3,4\n", "a,b\r1,2\r3,4\r", NULL};
  for (int i = 0; texts[i]; i++) {
    uint64_t fast = csv_count_lines(texts[i], strlen(texts[i])), slow = scan_lines(texts[i]);
    ok(fast == slow, "csv_count_lines agrees with csv_scan_feed on text %d (%llu, %llu)", i,
       (unsigned long long)fast, (unsigned long long)slow);
  }
}

/* --- input ---------------------------------------------------------------- */

static char tmpdir[] = "/tmp/t_csv.XXXXXX";

static const char *tmp_path(const char *name) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  return path;
}

static const char *write_file(const char *name, const char *text, size_t len) {
  const char *path = tmp_path(name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
  return path;
}

static void free_names(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

typedef struct header_result {
  int rc;
  cl_error err;
  char **names;
  size_t ncols;
  uint64_t lines;
  int more;       /* input_chunk after the header: 1, 0 or an error */
  chunk first;    /* the first chunk, when more == 1 */
} header_result;

/* Open text as a file, read its header and one chunk. */
static void read_header(const char *text, size_t len, header_result *h) {
  input in;
  memset(h, 0, sizeof *h);
  const char *path = write_file("h.csv", text, len);
  h->rc = input_open(&in, path, &h->err);
  if (!h->rc) h->rc = input_header(&in, ',', &h->names, &h->ncols, &h->lines, &h->err);
  if (!h->rc) h->more = input_chunk(&in, 1 << 16, &h->first, &h->err);
  input_close(&in);
}

static void header_done(header_result *h) {
  if (!h->rc) free_names(h->names, h->ncols);
  if (h->more == 1) free(h->first.data);
}

#define NO_LINES UINT64_MAX /* header_is: do not check *lines */

static void header_is(const char *text, size_t len, const char *const *want, size_t n,
                      uint64_t lines, const char *rest, const char *what) {
  header_result h;
  read_header(text, len, &h);
  if (!ok(h.rc == 0, "%s: header read", what)) {
    diag("  rc %d: %s", h.rc, h.err.msg);
    return;
  }
  is_int(h.ncols, n, "%s: ncols", what);
  for (size_t i = 0; i < n && i < h.ncols; i++) is_str(h.names[i], want[i], "%s: name %zu", what, i);
  if (lines != NO_LINES) is_int(h.lines, lines, "%s: lines", what);
  if (rest) {
    if (ok(h.more == 1, "%s: a chunk follows", what)) {
      ok(h.first.len == strlen(rest) && memcmp(h.first.data, rest, h.first.len) == 0,
         "%s: the chunk is the rest of the file", what);
      ok(h.first.final, "%s: that chunk is final", what);
    }
  } else {
    is_int(h.more, 0, "%s: no chunk after the header", what);
  }
  header_done(&h);
}

/* todo: "" or " # TODO reason" for the message check */
static void header_fails(const char *text, size_t len, const char *msg, const char *what,
                         const char *todo) {
  header_result h;
  read_header(text, len, &h);
  is_int(h.rc, CL_EXIT_INPUT, "%s: CL_EXIT_INPUT", what);
  like(h.err.msg, msg, "%s: message%s", what, todo);
  header_done(&h);
}

#define TXT(s) s, sizeof(s) - 1

static void test_header(void) {
  header_is(TXT("id,name,age\n1,a,2\n"), (const char *const[]){"id", "name", "age"}, 3, 1,
            "1,a,2\n", "plain header");
  header_is(TXT("\xEF\xBB\xBFid,name\n1,x\n"), (const char *const[]){"id", "name"}, 2, 1,
            "1,x\n", "BOM stripped");
  header_is(TXT("\xEF\xBB\xBF\"id\",x\n"), (const char *const[]){"id", "x"}, 2, 1, NULL,
            "BOM before a quoted name");
  header_is(TXT("id,\"last, first\",x\n1,\"a, b\",2\n"),
            (const char *const[]){"id", "last, first", "x"}, 3, 1, "1,\"a, b\",2\n",
            "quoted name with a comma");
  header_is(TXT("id,name\n"), (const char *const[]){"id", "name"}, 2, 1, NULL, "header only");
  header_is(TXT("id,name"), (const char *const[]){"id", "name"}, 2, NO_LINES, NULL,
            "header only, no LF");
  header_is(TXT("id,name\r\n1,2\r\n"), (const char *const[]){"id", "name"}, 2, 1, "1,2\r\n",
            "CRLF header");
  header_is(TXT("id,\"first\nname\",x\n1,2,3\n"), (const char *const[]){"id", "first\nname", "x"},
            3, 2, "1,2,3\n", "header spanning lines");
  header_is(TXT("\n\r\n\nid,x\n1,2\n"), (const char *const[]){"id", "x"}, 2, 4, "1,2\n",
            "blank lines before the header");
  header_is(TXT("id,name\r1,2\r3,4\r"), (const char *const[]){"id", "name"}, 2, 1, "1,2\r3,4\r",
            "CR-only file: the header stops at the first CR");
  header_is(TXT("id,name\r1,2\n3,4\n"), (const char *const[]){"id", "name"}, 2, 1, "1,2\n3,4\n",
            "header ended by a bare CR, rows by LF");
  header_is(TXT("\r\rid,x\r1,2\r"), (const char *const[]){"id", "x"}, 2, 3, "1,2\r",
            "blank CR lines before the header");

  header_fails(TXT(""), "no header", "empty file", "");
  header_fails(TXT("\n\n\r\n\n"), "no header", "only blank lines", "");
  header_fails(TXT("\xEF\xBB\xBF"), "no header", "only a BOM", "");
  header_fails(TXT("id,\"open\n1,2\n"), "cannot read the header row",
               "open quote in the header", "");
  header_fails(TXT("id,\"open\n1,2\n"), "a quoted field is never closed",
               "open quote in the header: the reason", "");
  header_fails(TXT("id,\"open\n1,2"), "cannot read the header row",
               "open quote in the header, no final LF", "");
  header_fails(TXT("id,a\"b\n1,2\n"), "cannot read the header row", "stray quote in the header", "");

  input in;
  cl_error err = {0};
  int rc = input_open(&in, tmp_path("does-not-exist.csv"), &err);
  is_int(rc, CL_EXIT_INPUT, "missing file: CL_EXIT_INPUT");
  like(err.msg, "cannot open input", "missing file: message");
  like(err.msg, "does-not-exist.csv", "missing file: message names it");

  /* a header longer than the first 64 KB read */
  buf b = {0};
  size_t nbig = 9000;
  for (size_t i = 0; i < nbig; i++) buf_printf(&b, "%scol%05zu", i ? "," : "", i);
  buf_puts(&b, "\n1,2\n");
  header_result h;
  read_header(b.p, b.len, &h);
  if (ok(h.rc == 0, "long header: read")) {
    is_int(h.ncols, nbig, "long header: ncols");
    is_str(h.names[nbig - 1], "col08999", "long header: last name");
    ok(h.more == 1 && h.first.len == 4 && memcmp(h.first.data, "1,2\n", 4) == 0,
       "long header: the rest follows");
  }
  header_done(&h);
  buf_free(&b);
}

/* A header and nrows rows with quoted LFs and CRLFs, doubled quotes and
** commas; *hdr is the header's length. */
static void make_tricky(buf *b, size_t nrows, size_t *hdr) {
  static const char *const tails[] = {"", "\n", ",\n\"\"\n,", "x\r\n\r\ny"};
  buf_puts(b, "id,\"note, long\",n\n");
  *hdr = b->len;
  for (size_t i = 0; i < nrows; i++) {
    switch (i % 7) {
    case 0: buf_printf(b, "%zu,plain,%zu\n", i, i * 3); break;
    case 1: buf_printf(b, "%zu,\"two\nlines\",%zu\n", i, i); break;
    case 2: buf_printf(b, "%zu,\"say \"\"hi\"\"\nand\n\"\"bye\"\"\",%zu\r\n", i, i); break;
    case 3: buf_printf(b, "%zu,\"a, b\r\nc\",\"\"\n", i); break;
    case 4: buf_printf(b, "\"%zu\",\"\"\"\n\"\"\",x\n", i); break;
    case 5: buf_printf(b, "%zu,,\n", i); break;
    default: buf_printf(b, "%zu,\"%s\",y\n", i, tails[i % 4]); break;
    }
  }
}

typedef struct chunk_check {
  size_t nchunks, rows, bad, unclean, no_lf, max_len;
  int last_final;    /* the last chunk had final = 1 */
  int last_lf;       /* the last chunk ends with LF */
  int final_early;   /* a chunk with final = 1 was followed by more */
  int rc;            /* input_chunk's last return */
  buf all;           /* the chunks, concatenated */
} chunk_check;

/* Read every chunk of in, checking each can be scanned on its own. */
static void read_chunks(input *in, size_t target, size_t ncols, chunk_check *cc) {
  cl_error err = {0};
  chunk c;
  int seen_final = 0;
  memset(cc, 0, sizeof *cc);
  while ((cc->rc = input_chunk(in, target, &c, &err)) == 1) {
    rec r;
    int clean;
    if (seen_final) cc->final_early = 1;
    cc->nchunks++;
    buf_put(&cc->all, c.data, c.len);
    if (c.len > cc->max_len) cc->max_len = c.len;
    if (!c.final && (c.len == 0 || c.data[c.len - 1] != '\n')) cc->no_lf++;
    scan_n(&r, c.data, c.len, ',', ncols, NULL, c.final, &clean);
    cc->rows += r.n;
    cc->bad += count_bad(&r);
    if (!clean) cc->unclean++;
    rec_free(&r);
    cc->last_final = c.final;
    cc->last_lf = c.len > 0 && c.data[c.len - 1] == '\n';
    seen_final |= c.final;
    free(c.data);
  }
  if (cc->rc != 0) diag("  input_chunk: %d %s", cc->rc, err.msg);
}

static void check_chunks(const chunk_check *cc, const char *data, size_t len, size_t nrows,
                         const char *what) {
  is_int(cc->rc, 0, "%s: input_chunk ends with 0", what);
  ok(cc->all.len == len && memcmp(cc->all.p, data, len) == 0,
     "%s: chunks concatenate to the file minus its header", what);
  is_int(cc->no_lf, 0, "%s: every non-final chunk ends with LF", what);
  is_int(cc->unclean, 0, "%s: every chunk ends at a row boundary", what);
  is_int(cc->bad, 0, "%s: no bad rows", what);
  is_int(cc->rows, nrows, "%s: all rows", what);
  ok(!cc->final_early, "%s: nothing after a final chunk", what);
}

static void test_chunks(void) {
  buf b = {0};
  size_t hdr, nrows = 6000;
  make_tricky(&b, nrows, &hdr);
  const char *path = write_file("tricky.csv", b.p, b.len);
  diag("tricky.csv: %zu bytes, %zu rows", b.len, nrows);
  static const size_t targets[] = {7, 64, 1000, 65536, 1 << 20};
  size_t not_final = 0;
  for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
    input in;
    cl_error err = {0};
    char **names = NULL;
    size_t ncols = 0;
    uint64_t lines;
    char what[64];
    chunk_check cc;
    snprintf(what, sizeof what, "chunks of %zu", targets[t]);
    input_open(&in, path, &err);
    if (!ok(input_header(&in, ',', &names, &ncols, &lines, &err) == 0 && ncols == 3,
            "%s: header", what)) {
      diag("  %s", err.msg);
      input_close(&in);
      continue;
    }
    read_chunks(&in, targets[t], ncols, &cc);
    check_chunks(&cc, b.p + hdr, b.len - hdr, nrows, what);
    if (targets[t] < 65536) ok(cc.nchunks > 10, "%s: many chunks (%zu)", what, cc.nchunks);
    if (!cc.last_final) {
      /* allowed (input.h): EOF was not seen yet; the next call says end */
      diag("%s: the last chunk has final = 0", what);
      not_final++;
      is_int(cc.rc, 0, "%s: after a last chunk with final = 0, input_chunk returns 0", what);
      ok(cc.last_lf, "%s: a last chunk with final = 0 ends at a line end", what);
    }
    free_names(names, ncols);
    buf_free(&cc.all);
    input_close(&in);
  }
  /* without a final LF the last row can only be flushed by a final chunk */
  buf_puts(&b, "last,\"row\nwithout\",LF");
  path = write_file("nolf.csv", b.p, b.len);
  for (int k = 0; k < 2; k++) {
    size_t target = k ? 1000 : 7;
    input in;
    cl_error err = {0};
    char **names = NULL;
    size_t ncols = 0;
    uint64_t lines;
    char what[64];
    chunk_check cc;
    snprintf(what, sizeof what, "no final LF, chunks of %zu", target);
    input_open(&in, path, &err);
    if (!ok(input_header(&in, ',', &names, &ncols, &lines, &err) == 0, "%s: header", what)) {
      input_close(&in);
      continue;
    }
    read_chunks(&in, target, ncols, &cc);
    check_chunks(&cc, b.p + hdr, b.len - hdr, nrows + 1, what);
    ok(cc.last_final, "%s: the last chunk has final = 1", what);
    free_names(names, ncols);
    buf_free(&cc.all);
    input_close(&in);
  }

  diag("%zu of %zu targets ended with a final = 0 chunk", not_final,
       sizeof targets / sizeof targets[0]);

  /* one row far longer than the target (and than the first 64 KB read),
  ** with LFs and doubled quotes inside */
  buf fixed = {0};
  buf_puts(&fixed, "id,text\n1,short\n2,\"");
  hdr = 8;
  for (size_t i = 0; i < 300000; i++) {
    if (i % 100 == 99) buf_putc(&fixed, '\n');
    else if (i % 7 == 0) buf_puts(&fixed, "\"\"");
    else buf_putc(&fixed, 'q');
  }
  buf_puts(&fixed, "\"\n3,after\n");
  path = write_file("long.csv", fixed.p, fixed.len);
  for (int k = 0; k < 2; k++) {
    size_t target = k ? 1000 : 64;
    input in;
    cl_error err = {0};
    char **names = NULL;
    size_t ncols = 0;
    uint64_t lines;
    char what[64];
    chunk_check cc;
    snprintf(what, sizeof what, "long row, chunks of %zu", target);
    input_open(&in, path, &err);
    if (!ok(input_header(&in, ',', &names, &ncols, &lines, &err) == 0, "%s: header", what)) {
      input_close(&in);
      continue;
    }
    read_chunks(&in, target, ncols, &cc);
    check_chunks(&cc, fixed.p + hdr, fixed.len - hdr, 3, what);
    ok(cc.max_len > 300000, "%s: the long row came out whole in one chunk", what);
    free_names(names, ncols);
    buf_free(&cc.all);
    input_close(&in);
  }
  buf_free(&fixed);
  buf_free(&b);

  /* an old Mac file (CR only): rows still come out whole and in order */
  buf mac = {0};
  buf_puts(&mac, "id,text\r");
  for (size_t i = 0; i < 5000; i++) buf_printf(&mac, "%zu,\"row\r%zu\"\r", i, i);
  path = write_file("mac.csv", mac.p, mac.len);
  {
    input in;
    cl_error err = {0};
    char **names = NULL;
    size_t ncols = 0;
    uint64_t lines;
    chunk_check cc;
    input_open(&in, path, &err);
    if (ok(input_header(&in, ',', &names, &ncols, &lines, &err) == 0 && ncols == 2,
           "CR-only file: header")) {
      read_chunks(&in, 1000, ncols, &cc);
      is_int(cc.rc, 0, "CR-only file: input_chunk ends with 0");
      ok(cc.all.len == mac.len - 8 && memcmp(cc.all.p, mac.p + 8, cc.all.len) == 0,
         "CR-only file: chunks concatenate to the file minus its header");
      is_int(cc.rows, 5000, "CR-only file: all rows");
      is_int(cc.bad, 0, "CR-only file: no bad rows");
      ok(cc.nchunks > 10, "CR-only file, chunks of 1000: many chunks (%zu, the largest %zu bytes)",
         cc.nchunks, cc.max_len);
      free_names(names, ncols);
      buf_free(&cc.all);
    } else {
      diag("  %s", err.msg);
    }
    input_close(&in);
  }
  buf_free(&mac);
}

/* --- input from a pipe ---------------------------------------------------- */

typedef struct writer_arg {
  int fd;
  const char *data;
  size_t len;
} writer_arg;

/* Write in uneven small pieces so reads come back short. */
static void *writer_main(void *ud) {
  writer_arg *w = ud;
  size_t off = 0, piece = 1;
  while (off < w->len) {
    size_t n = w->len - off < piece ? w->len - off : piece;
    ssize_t k = write(w->fd, w->data + off, n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) break;
    off += (size_t)k;
    piece = piece * 7 % 4093 + 1;
  }
  close(w->fd);
  return NULL;
}

static void test_pipe(void) {
  buf b = {0};
  size_t hdr, nrows = 9000; /* well past the first 64 KB read */
  buf_puts(&b, "\xEF\xBB\xBF");
  make_tricky(&b, nrows, &hdr);
  int fds[2];
  if (!ok(pipe(fds) == 0, "pipe")) return;
  fflush(stdout);
  int saved = dup(0); /* -1 if there was no standard input */
  dup2(fds[0], 0);
  close(fds[0]);
  writer_arg w = {fds[1], b.p, b.len};
  pthread_t tid;
  pthread_create(&tid, NULL, writer_main, &w);

  input in;
  cl_error err = {0};
  char **names = NULL;
  size_t ncols = 0;
  uint64_t lines = 0;
  chunk_check cc;
  is_int(input_open(&in, "-", &err), 0, "pipe: input_open(\"-\")");
  is_int(in.fd, 0, "pipe: \"-\" is fd 0");
  is_str(in.name, "standard input", "pipe: named standard input");
  if (ok(input_header(&in, ',', &names, &ncols, &lines, &err) == 0, "pipe: header")) {
    is_int(ncols, 3, "pipe: ncols");
    is_str(names[0], "id", "pipe: BOM stripped");
    is_str(names[1], "note, long", "pipe: quoted name");
    read_chunks(&in, 100, ncols, &cc);
    check_chunks(&cc, b.p + hdr, b.len - hdr, nrows, "pipe, chunks of 100");
    ok(cc.nchunks > 10, "pipe: many chunks (%zu)", cc.nchunks);
    buf_free(&cc.all);
    free_names(names, ncols);
  } else {
    diag("  %s", err.msg);
  }
  input_close(&in);
  pthread_join(tid, NULL);
  if (saved >= 0) {
    dup2(saved, 0);
    close(saved);
  } else {
    close(0);
  }
  buf_free(&b);
}

/* --- the interface a row consumer uses (csv_scan.h accessors) ------------- */

/* A consumer like the segmenter: rows are gathered as arena offsets and
** lengths (csv_scan_row_offsets/lengths, keep_arena) and read back from
** csv_scan_arena after the whole buffer; a row it refuses in the fast path
** asks for the exact path (csv_scan_want_exact). */
typedef struct gather {
  csv_scan *scan;
  size_t n;
  size_t offs[8][3];
  uint32_t lens[8][3];
  int refused, refused_exact; /* rows refused in the fast / exact path */
  uint64_t refused_line;
  char refused_raw[32];
  int stop_after;             /* csv_scan_stop after this many rows (0: never) */
} gather;

static void gather_row(void *ud, const csv_row *r) {
  gather *g = ud;
  if (r->nfields == 2) { /* "refuse" two-field rows, as run rejects them */
    if (csv_scan_want_exact(g->scan)) {
      g->refused++;
      return;
    }
    g->refused_exact++;
    g->refused_line = r->line;
    snprintf(g->refused_raw, sizeof g->refused_raw, "%.*s", (int)r->raw_len, r->raw);
    return;
  }
  if (g->n < 8) {
    memcpy(g->offs[g->n], csv_scan_row_offsets(g->scan), sizeof g->offs[0]);
    memcpy(g->lens[g->n], csv_scan_row_lengths(g->scan), sizeof g->lens[0]);
  }
  g->n++;
  if (g->stop_after && (int)g->n == g->stop_after) csv_scan_stop(g->scan);
}

static void gather_bad(void *ud, const csv_row *r, const char *reason) {
  (void)ud, (void)r, (void)reason;
}

static int gathered_is(const gather *g, const csv_scan *s, size_t row, size_t col, const char *want) {
  const char *base = csv_scan_arena(s);
  return g->lens[row][col] == strlen(want) && memcmp(base + g->offs[row][col], want, strlen(want)) == 0;
}

static void test_consumer_interface(void) {
  csv_scan s;
  gather g;
  int clean;
  const char *text = "a,b,c\nd,\"e,e\",f\ng,h,i\n";
  memset(&g, 0, sizeof g);
  g.scan = &s;
  csv_scan_init(&s, ',', 3, NULL, gather_row, gather_bad, &g);
  csv_scan_keep_arena(&s, 1);
  ok(csv_scan_feed_fast(&s, text, strlen(text), 1, &clean), "interface: a clean buffer stays on the fast path");
  is_int(g.n, 3, "interface: three rows gathered");
  ok(gathered_is(&g, &s, 0, 0, "a") && gathered_is(&g, &s, 1, 1, "e,e") && gathered_is(&g, &s, 2, 2, "i"),
     "interface: kept arena + row offsets/lengths give every gathered field after the buffer");
  is_int(csv_scan_lines(&s), 0, "interface: the fast path counts no lines (csv_count_lines does)");
  is_int(csv_count_lines(text, strlen(text)), 3, "interface: csv_count_lines of the buffer");
  csv_scan_clear_arena(&s);
  csv_scan_free(&s);

  /* a refused row: the fast pass is abandoned, the exact one has its position */
  const char *bad = "a,b,c\nd,e\ng,h,i\n";
  memset(&g, 0, sizeof g);
  g.scan = &s;
  csv_scan_init(&s, ',', 3, NULL, gather_row, gather_bad, &g);
  csv_scan_keep_arena(&s, 1);
  ok(!csv_scan_feed_fast(&s, bad, strlen(bad), 1, &clean), "interface: want_exact in the fast path fails it");
  is_int(g.refused, 1, "interface: the row was refused once in the fast path");
  csv_scan_reset(&s);
  csv_scan_clear_arena(&s);
  g.n = 0;
  csv_scan_feed(&s, bad, strlen(bad), 1, &clean);
  is_int(g.refused_exact, 1, "interface: the exact path delivers it (want_exact returns 0)");
  is_int(g.refused_line, 1, "interface: with its line");
  is_str(g.refused_raw, "d,e", "interface: and its bytes");
  is_int(g.n, 2, "interface: the other rows are gathered on the exact path");
  ok(gathered_is(&g, &s, 1, 0, "g"), "interface: exact path, kept arena: fields readable after the buffer");
  is_int(csv_scan_lines(&s), 3, "interface: the exact path counts the buffer's lines");
  ok(!csv_scan_stopped(&s), "interface: not stopped");
  csv_scan_free(&s);

  /* stop after the first row (the header reader, check's sample) */
  memset(&g, 0, sizeof g);
  g.scan = &s;
  g.stop_after = 1;
  csv_scan_init(&s, ',', 3, NULL, gather_row, gather_bad, &g);
  size_t used = csv_scan_feed(&s, text, strlen(text), 1, &clean);
  ok(csv_scan_stopped(&s) && g.n == 1, "interface: csv_scan_stop ends the feed after the row");
  is_int(used, 6, "interface: stopped right after the first line");
  is_int(csv_scan_lines(&s), 1, "interface: one line read");
  csv_scan_free(&s);
}

/* What text is a number (docs/rules.md, "Declaring columns": the rule is
** stated there from num_parse): every example the guide gives, checked. */
static void test_number_rule(void) {
  static const struct {
    const char *text;
    int number;
    double value;
  } cases[] = {
      {"12", 1, 12},           {"-3.5", 1, -3.5},        {"+4", 1, 4},
      {"1e3", 1, 1000},        {"1E+3", 1, 1000},        {"2.5e-1", 1, 0.25},
      {".95e2", 1, 95},        {"90.", 1, 90},           {".5", 1, 0.5},
      {"-.5", 1, -0.5},        {"007", 1, 7},            {"\t42", 1, 42},
      {" 42 ", 1, 42},         {"42\t", 1, 42},          {"1.e3", 1, 1000},
      {"1e-400", 1, 0},        {"nan", 0, 0},            {"NaN", 0, 0},
      {"inf", 0, 0},           {"-Infinity", 0, 0},      {"1e400", 0, 0},
      {"1_000", 0, 0},         {"1,000", 0, 0},          {"$50", 0, 0},
      {"42\xc2\xa0", 0, 0},    {"\xc2\xa0" "42", 0, 0},  {" ", 0, 0},
      {"", 0, 0},              {".", 0, 0},              {"-", 0, 0},
      {"+", 0, 0},             {"1e", 0, 0},             {"1e+", 0, 0},
      {"e5", 0, 0},            {".e3", 0, 0},            {"1.2.3", 0, 0},
      {"1e5.5", 0, 0},         {"- 5", 0, 0},            {"4 2", 0, 0},
      {"0x10", 0, 0},          {"12abc", 0, 0},          {"abc", 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double x = -1;
    int got = num_parse(cases[i].text, strlen(cases[i].text), &x) == 0;
    ok(got == cases[i].number && (!got || x == cases[i].value), "number rule: \"%s\" is %s",
       cases[i].text, cases[i].number ? "a number" : "not a number (missing)");
  }
}

/* decimal = comma: the rule of csv_decimal_comma, then what num_parse reads */
static void test_decimal_comma(void) {
  static const struct {
    const char *in, *out;
    int number; /* num_parse reads the result */
  } cases[] = {
      {"1.234,56", "1234.56", 1}, {"12,5", "12.5", 1},      {",5", ".5", 1},
      {"-1.234.567,8", "-1234567.8", 1}, {"1234", "1234", 1}, {"1.234", "1234", 1},
      {" 12,5 ", " 12.5 ", 1},      {"1,5e3", "1.5e3", 1},   {"999.999", "999999", 1},
      {"12.5", "12,5", 0},          {"1.23", "1,23", 0},     {"1234.567", "1234,567", 0},
      {"1.2345", "1,2345", 0},      {".5", ",5", 0},         {"1.234.56", "1,234,56", 0},
      {"12,", "12,", 0},            {"1,2,3", "1,2,3", 0},   {"abc", "abc", 0},
      {"-", "-", 0},                {"1.234,5.6", "1,234,5,6", 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char f[32];
    const char *in = cases[i].in, *want = cases[i].out;
    size_t len = strlen(in);
    memcpy(f, in, len);
    len = csv_decimal_comma(f, len);
    f[len] = '\0';
    is_str(f, want, "decimal comma case %zu: '%s'", i, in);
    double x;
    ok((num_parse(f, len, &x) == 0) == cases[i].number, "decimal comma case %zu: %sa number", i,
       cases[i].number ? "" : "not ");
  }
}

/* The one U+FFFD rule (utf8.h) */
static void test_utf8(void) {
  static const struct {
    const char *in, *out;
    int valid;
  } cases[] = {
      {"plain", "plain", 1},
      {"Z\xC3\xBCrich", "Z\xC3\xBCrich", 1},
      {"\xE2\x82\xAC 5", "\xE2\x82\xAC 5", 1},
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", 1},
      {"Z\xFCrich", "Z\xEF\xBF\xBDrich", 0},                    /* Latin-1 */
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD", 0},            /* overlong */
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 0}, /* surrogate */
      {"a\xE2\x82", "a\xEF\xBF\xBD\xEF\xBF\xBD", 0},          /* truncated */
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 0},
      {"0123456789abcdef\xFF", "0123456789abcdef\xEF\xBF\xBD", 0}}; /* past 16 bytes */
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *in = cases[i].in;
    ok(utf8_valid(in, strlen(in)) == cases[i].valid, "utf8_valid case %zu", i);
    buf b = {0};
    utf8_sanitize_into(&b, in, strlen(in));
    is_str(buf_cstr(&b), cases[i].out, "utf8_sanitize_into case %zu", i);
    buf_free(&b);
  }
  buf j = {0};
  utf8_json_str(&j, "a\"\\\x01\x7f\xFF", 6);
  is_str(buf_cstr(&j), "\"a\\\"\\\\\\u0001\\u007f\xEF\xBF\xBD\"", "utf8_json_str escapes and replaces");
  buf_free(&j);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

int main(void) {
  test_plain();
  test_quoted();
  test_multiline();
  test_line_ends();
  test_refeed();
  test_bad_rows();
  test_empty_fields();
  test_keep();
  test_ragged();
  test_long_field();
  test_delims();
  test_bare_cr();
  test_consumer_interface();
  test_decimal_comma();
  test_number_rule();
  test_utf8();

  if (!mkdtemp(tmpdir)) {
    ok(0, "mkdtemp: %s", strerror(errno));
    return done_testing();
  }
  test_header();
  test_chunks();
  test_pipe();
  nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  return done_testing();
}
