/* SPDX-License-Identifier: MIT */
/*
** csv_fast.h -- the vectorised reader: finds delimiters, quotes and line
** ends 16 bytes at a time (SSE2 on x86-64; a portable scalar kernel
** elsewhere, built and tested everywhere) and hands fields to the same row
** code as libcsv's fast path (csv_scan.c: the same arena layout, the same
** csv_row_fn callback, csv_scan_want_exact for rejects).
**
** It reads what libcsv reads with the engine's settings (CSV_STRICT |
** CSV_STRICT_FINI | CSV_REPALL_NL, nothing trimmed) for the common case:
** unquoted fields, quoted fields with "" escapes and embedded delimiters or
** line ends, LF or CRLF line ends, blank lines, decimal comma columns, any
** quote byte (quote = none is 0xFF, which never occurs). Anything else --
** a quote inside an unquoted field, text after a closing quote, a bare CR,
** a NUL byte, an open quote at the end, a chunk ending inside a row, header
** mode (no keep mask) -- is not guessed at: the whole chunk goes back to
** libcsv (CSV_FAST_UNSURE). tests/fuzz/fuzz_reader.c checks it against
** libcsv field by field and reject by reject.
*/
#ifndef CLEAVE_CSV_FAST_H
#define CLEAVE_CSV_FAST_H

#include <stddef.h>

#include "csv_scan.h"

enum {
  CSV_FAST_UNSURE = -1, /* not read: give the chunk to libcsv (csv_scan_feed_fast) */
  CSV_FAST_EXACT = 0,   /* a row asked for the exact path (csv_scan_want_exact) */
  CSV_FAST_OK = 1       /* every row delivered; *clean = 1 */
};

/* The reader = setting ([input] reader, --reader; config.h's CONFIG_READER_*). */
enum { CSV_READER_FAST = 0, CSV_READER_LIBCSV = 1 };

/* Read the chunk data[0..len) (starting at a row boundary) as
** csv_scan_feed_fast would, with the best kernel this build has. After a
** result other than CSV_FAST_OK the caller forgets what on_row did and
** resets the scanner (csv_scan_reset) before feeding the chunk elsewhere. */
int csv_fast_feed(csv_scan *s, const char *data, size_t len, int final, int *clean);

/* The same with a given kernel (for tests): simd 1 = SSE2 (when the build
** has it; else the scalar one), 0 = scalar. */
int csv_fast_feed_kernel(csv_scan *s, const char *data, size_t len, int final, int *clean,
                         int simd);

/* 1 when csv_fast_feed uses SSE2 in this build. */
int csv_fast_simd(void);

#endif
