/* SPDX-License-Identifier: MIT */
/*
** segmenter.h -- one worker's job: a chunk of CSV in; tagged output lines,
** rejected rows (with their reason) and segment counts out.
*/
#ifndef CLEAVE_SEGMENTER_H
#define CLEAVE_SEGMENTER_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "buf.h"
#include "csv_scan.h"
#include "eval.h"
#include "graph.h"
#include "input.h"
#include "seg_detail.h"

/* What every segmenter of a run shares (read-only). */
typedef struct seg_shape {
  const graph *g;
  size_t ncols;         /* header width */
  uint32_t id_col;      /* the customer id column */
  const char *id_name;  /* its name, for messages */
  const uint8_t *keep;  /* columns the rules read (and the id) */
  unsigned char delim;
  char quote;           /* '"', or 0 for quote = none */
  const uint8_t *numcols; /* decimal = comma: the number columns; NULL: point */
  char out_delim;       /* output field separator */
  int crlf;             /* output lines end with CRLF */
  uint32_t *value_base; /* macro m's values start at value_base[m] in counts */
  uint32_t nvalues;     /* all macros' values */
  uint32_t *value_len;  /* strlen of each value name (by value_base + v) */
  uint32_t *micro_len;  /* strlen of each micro name */
  size_t line_max;      /* longest output line, less the id */
  int row_at_a_time;    /* evaluate with eval.h instead of batch.h (tests) */
  int format;           /* CONFIG_FMT_*: wide, long or jsonl lines (seg_format.c) */
  /* audiences (audience.h): naud files, the micro segments first, then (with
  ** aud_macros) every macro value by value_base; each line holds the
  ** columns aud_cols[0..naud_cols) (the id first, then input order) */
  uint32_t naud;
  int aud_macros;
  const uint32_t *aud_cols;
  uint32_t naud_cols;
  int reader;           /* CSV_READER_FAST or CSV_READER_LIBCSV (csv_fast.h) */
  size_t state_nb;      /* --state: bytes of key bits per membership record, 0 = off */
  /* output lines: "<id>,<macro values...>,<segments>" */
} seg_shape;

typedef struct seg_result {
  buf out;              /* output lines */
  buf rejects;          /* framed: see segmenter.c */
  uint64_t rows, rejected, invalid;
  uint64_t lines;       /* LF bytes in the chunk */
  uint64_t *value_counts; /* per macro value (shape.nvalues) */
  uint64_t *micro_counts; /* per micro segment */
  uint64_t *cross;      /* seg_detail.h: per counted micro x macro value */
  uint64_t *overlap;    /* seg_detail.h: per pair of counted micros */
  int clean;            /* the chunk ended between rows */
  /* kept fields that are not valid UTF-8, per input column (ncols); the
  ** first one's line, relative to the chunk, plus 1 (0: none) */
  uint64_t *bad_utf8, *bad_utf8_line;
  int any_bad_utf8;
  slot_tally *tally;    /* tally_entries (invalid.h): per slot, then per call site */
  buf *aud;             /* naud audience buffers (lines, in input order) */
  uint32_t naud;        /* shape.naud */
  buf state;            /* --state: membership records (state.h), in row order */
} seg_result;

typedef struct segmenter {
  const seg_shape *sh;
  csv_scan scan;
  eval_ctx ec;          /* row at a time */
  batch_ctx bc;         /* batches */
  seg_detail det;       /* cross and overlap counts */
  seg_result *res;
  int utf8_check;       /* this chunk is not all valid UTF-8: check fields */
  /* the batch being gathered: arena offsets of the kept columns per row */
  uint32_t n;
  uint32_t nkept;
  uint32_t *kept;       /* kept column indices */
  size_t *offs;         /* [row * ncols + column]: arena offsets (kept columns) */
  uint32_t *lens;       /* [row * ncols + column]: lengths */
  cleave_str **colv;    /* per input column: BATCH_MAX views (kept only) */
  uint64_t *rowmic;     /* the batch's micro membership by row (segmenter.c) */
  size_t rowmic_cap;
  /* row at a time: this row's macro values and micro bits */
  uint32_t *row_vals;
  uint64_t *row_bits;
  uint64_t **row_members;
  cleave_str *aud_f;    /* one row's audience fields (shape.naud_cols) */
  buf aud_line;         /* one row's audience line */
  uint8_t *state_bits;  /* --state: this row's key bits */
} segmenter;

void seg_result_init(seg_result *r, const seg_shape *sh);
void seg_result_reset(seg_result *r, const seg_shape *sh);
void seg_result_free(seg_result *r);

/* A scanner for sh's dialect (delimiter, quote, decimal comma). */
int seg_scan_init(csv_scan *scan, const seg_shape *sh, const uint8_t *keep, csv_row_fn on_row,
                  csv_bad_fn on_bad, void *ud);

/* tstate: the plugins' states for this thread (owned by the caller). */
void segmenter_init(segmenter *s, const seg_shape *sh, void **tstate);
/* Process c into r (which is reset first). */
void segmenter_run(segmenter *s, const chunk *c, seg_result *r);
void segmenter_free(segmenter *s);

/* seg_format.c: the other output layouts and the audience lines. */
/* "long" or "jsonl" line(s) for one row, counting like the wide line. */
void seg_put_other(segmenter *s, cleave_str id, const uint32_t *vals,
                   const uint64_t *const *members, uint32_t i);
/* Append the row's audience line (fields: shape.naud_cols, by aud_cols) to
** the buffer of every audience it belongs to. */
void seg_put_audiences(segmenter *s, const cleave_str *fields, const uint32_t *vals,
                       const uint64_t *const *members, uint32_t i);
/* The main output's header for sh->format (BOM first if bom, but never for
** jsonl). */
void seg_header(const seg_shape *sh, const char *id_name, int bom, buf *h);

/* Walk the framed rejects of r: calls fn for each (lines relative to the
** chunk). */
typedef void (*reject_fn)(void *ud, uint64_t line, uint64_t last_line, const char *reason,
                          size_t reason_len, const char *raw, size_t raw_len);
void seg_result_rejects(const seg_result *r, reject_fn fn, void *ud);

#endif
