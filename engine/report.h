/* SPDX-License-Identifier: MIT */
/*
** report.h -- report.html (--report FILE, [output] report): one
** self-contained page a marketer can open from an email -- no script or
** style fetched from anywhere, every chart an inline SVG drawn here in C
** (docs/report.md says why). Sections, each one function in report.c: the
** run (rule file hash, as_of, input), its accounting (rows, rejects by
** reason, invalid values by column), segment sizes (bar charts, largest
** first), macro value x micro segment heat map, micro overlap matrix, and,
** when the run keeps state, entered / exited per segment and the sizes of
** the last runs as a trend.
**
** Bounded for large rule sets: the heat map shows the REPORT_HEAT_MAX
** largest counted micro segments, the overlap matrix the REPORT_OVERLAP_MAX
** largest; the page says what it left out (summary.json has everything).
** Every text from rules or data goes through utf8_html_str.
*/
#ifndef CLEAVE_REPORT_H
#define CLEAVE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "summary.h"

#define REPORT_HEAT_MAX 200
#define REPORT_OVERLAP_MAX 40

/* Entered / exited / stayed since the last run, per segment (state). */
typedef struct report_delta_row {
  const char *name;
  uint64_t entered, exited, stayed;
} report_delta_row;

typedef struct report_delta {
  int baseline;             /* first run with an empty state: nothing to compare */
  uint64_t gone;            /* customers of the last run missing from this input */
  const report_delta_row *rows;
  size_t n;
} report_delta;

/* Segment sizes of the last runs, oldest first (state history). */
typedef struct report_trend {
  size_t nruns;
  const char *const *labels; /* per run: its as_of or time */
  size_t nseg;
  const char *const *names;  /* per segment */
  const uint64_t *sizes;     /* [segment * nruns + run] */
} report_trend;

typedef struct report_info {
  const summary_info *s;    /* a successful run's numbers */
  const report_delta *delta; /* NULL: no state kept */
  const report_trend *trend; /* NULL: no history */
} report_info;

void report_html(const report_info *r, buf *out);
/* The state sections alone (report_html calls them; NULL: nothing). The
** trend needs two runs or more. */
void report_delta_html(const report_delta *d, buf *out);
void report_trend_html(const report_trend *t, buf *out);

#endif
