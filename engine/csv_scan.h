/* SPDX-License-Identifier: MIT */
/*
** csv_scan.h -- libcsv driven one physical line at a time, so that every row
** knows its first and last line and its raw bytes (for rejects and explain),
** and a parse error costs only the row it is in.
**
** A scanner is fed buffers that start at a row boundary. Rows go to on_row;
** rows that cannot be read (bad quoting, an unterminated quote at the end)
** go to on_bad with a reason. Checking the field count is the caller's job
** (on_row sees nfields). Line numbers are relative to the buffer (0 = its
** first line); a line ends at LF, or at a CR that no LF follows. Fields are copied only for the columns
** marked in keep; an empty field (quoted or not) has len 0.
*/
#ifndef CLEAVE_CSV_SCAN_H
#define CLEAVE_CSV_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include <csv.h>

#include "buf.h"
#include "cleave/plugin.h"

typedef struct csv_row {
  const cleave_str *cols; /* ncols views; columns not kept are empty */
  size_t nfields;         /* how many fields the row really had */
  uint64_t line;          /* first line of the row, relative to the buffer */
  uint64_t last_line;
  const char *raw;        /* the row's bytes, without its line ending */
  size_t raw_len;
  const char *base;       /* the field arena: cols point into it */
} csv_row;

typedef void (*csv_row_fn)(void *ud, const csv_row *row);
typedef void (*csv_bad_fn)(void *ud, const csv_row *row, const char *reason);

/* The scanner's state. Its fields are private to csv_scan.c: other files
** use the functions below (the inline ones cost nothing on the hot path). */
typedef struct csv_scan {
  struct csv_parser p;
  unsigned char delim;
  unsigned char quote;   /* libcsv's quote character (csv_scan_set_quote) */
  const uint8_t *numcols; /* decimal = comma: columns read as numbers, or NULL */
  size_t ncols;
  const uint8_t *keep;   /* keep[i]: copy column i; NULL = keep all */
  size_t *kept;          /* the kept columns' indices */
  size_t nkept;
  cleave_str *cols;      /* ncols */
  size_t *off;           /* arena offsets of kept columns (own_off, or a
                         ** caller's row slot: csv_scan_row_slots) */
  uint32_t *lens;        /* their lengths (as cols[].len) */
  size_t *own_off;       /* the scanner's own off and lens */
  uint32_t *own_lens;
  int lazy_ptrs;         /* rows carry no cols[].ptr (csv_scan_row_slots) */
  size_t nfields;
  buf arena;
  /* where we are */
  uint64_t line;
  const char *row_start;
  uint64_t row_line;
  const char *line_end;  /* end of the line being parsed (after its LF) */
  int stop;              /* on_row asked to stop (header reading) */
  int keep_arena;        /* fields stay in the arena after on_row, until
                         ** csv_scan_clear_arena (batches of rows) */
  int fast;              /* inside csv_scan_feed_fast: rows carry no position */
  int fast_failed;       /* set (by the scanner or on_row) to ask for the exact path */
  csv_row_fn on_row;
  csv_bad_fn on_bad;
  void *ud;
} csv_scan;

int csv_scan_init(csv_scan *s, unsigned char delim, size_t ncols, const uint8_t *keep,
                  csv_row_fn on_row, csv_bad_fn on_bad, void *ud);

/* The quote character (default '"'); input.h's INPUT_NO_QUOTE for none.
** Call before feeding. */
void csv_scan_set_quote(csv_scan *s, unsigned char quote);

/* decimal = comma: the fields of the columns marked in numcols (ncols
** entries; NULL = none) are rewritten as csv_decimal_comma says, so the
** number parser sees "1234.56". numcols must outlive the scanner. */
void csv_scan_set_decimal_comma(csv_scan *s, const uint8_t *numcols);

/* Rewrite the number f[0..len) written with a decimal comma, in place, as
** num_parse reads it; returns the new length (<= len). The rule: optional
** spaces, an optional sign, digits in which '.' may separate thousands (the
** first group 1 to 3 digits, every later one exactly 3: 1.234.567), then
** optionally ',' and digits, then optionally an exponent (e, sign, digits),
** optional spaces: "1.234,56" -> "1234.56", "12,5" -> "12.5", ",5" -> ".5".
** Anything else is not a number: when it holds a '.' (12.5, 1.23), each '.'
** becomes ',' so that num_parse refuses it (a missing value, counted as
** invalid); other text is left as it is. */
size_t csv_decimal_comma(char *f, size_t len);

/* Parse len bytes starting at a row boundary. final: the input ends here
** (a last row without a line ending is flushed; an open quote is an error).
** Returns the number of bytes consumed (len, unless on_row set s->stop).
** *clean is set to 1 when the buffer ended at a row boundary. */
size_t csv_scan_feed(csv_scan *s, const char *data, size_t len, int final, int *clean);

/* The fast path: the whole buffer in one libcsv call, rows without line
** numbers or raw bytes (row->line = 0, raw = NULL). Returns 1, or 0 when
** a row could not be read or on_row set s->fast_failed: the caller then
** forgets what it did with this buffer and feeds it to csv_scan_feed. */
int csv_scan_feed_fast(csv_scan *s, const char *data, size_t len, int final, int *clean);

/* The space function the scanner gives libcsv: nothing is trimmed (RFC 4180;
** the benchmark's parse-only baseline uses it too). */
int csv_no_space(unsigned char c);

/* Count line ends: LF, and CR not followed by LF (what csv_scan_feed counts). */
uint64_t csv_count_lines(const char *data, size_t len);

/* Forget any partly read row (after an unclean end, before re-feeding). */
void csv_scan_reset(csv_scan *s);
/* Drop the fields of rows already delivered (keep_arena mode). */
void csv_scan_clear_arena(csv_scan *s);

void csv_scan_free(csv_scan *s);

/* --- for on_row callbacks and the code that drives a scanner ---------------- */

/* Inside on_row during csv_scan_feed_fast, a row the caller cannot take as
** it is (to reject it with its line and bytes): ask for the exact path and
** return 1 (the fast pass is then abandoned; see csv_scan_feed_fast). Outside
** the fast path, return 0: the row has its position, handle it now. */
static inline int csv_scan_want_exact(csv_scan *s) {
  if (!s->fast) return 0;
  s->fast_failed = 1;
  return 1;
}

/* Stop csv_scan_feed after the current row (a header, a full sample). */
static inline void csv_scan_stop(csv_scan *s) { s->stop = 1; }
/* The last csv_scan_feed stopped that way. */
static inline int csv_scan_stopped(const csv_scan *s) { return s->stop; }

/* Keep delivered rows' fields in the arena until csv_scan_clear_arena, so
** that a caller can gather a batch of rows and read them all at once. */
static inline void csv_scan_keep_arena(csv_scan *s, int keep) { s->keep_arena = keep; }
/* The arena's start: valid until the next fed row (or clear, in keep mode). */
static inline const char *csv_scan_arena(const csv_scan *s) { return s->arena.p; }
/* The current row's kept columns, by column: offsets into the arena and
** lengths (ncols entries; columns not kept are stale). For on_row. */
static inline const size_t *csv_scan_row_offsets(const csv_scan *s) { return s->off; }
static inline const uint32_t *csv_scan_row_lengths(const csv_scan *s) { return s->lens; }

/* Have the scanner write the kept columns' offsets and lengths of the rows
** it reads from now on straight into off[0..ncols) and lens[0..ncols) (a
** caller's batch slot, which on_row may move on for the next row: a batch
** gathers rows with no copy), and leave cols[].ptr unset: on_row reads
** csv_scan_arena() + off instead (cols[].len is set as before). Column-mask
** scanners only (keep given). NULL, NULL: the scanner's own arrays again,
** and pointers. */
static inline void csv_scan_row_slots(csv_scan *s, size_t *off, uint32_t *lens) {
  int to = off && lens && s->keep;
  s->off = to ? off : s->own_off;
  s->lens = to ? lens : s->own_lens;
  s->lazy_ptrs = to;
}

/* For another reader of the fast path (csv_fast.c): the row whose fields
** are in the arena (off, lens, cols[].len of the kept columns; nfields
** counted) is complete: deliver it as libcsv's row end does (a row of no
** fields is a blank line and is skipped). */
void csv_scan_end_row(csv_scan *s);

/* Lines the last csv_scan_feed went through (its line ends counted). */
static inline uint64_t csv_scan_lines(const csv_scan *s) { return s->line; }

#endif
