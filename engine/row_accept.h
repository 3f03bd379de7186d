/* SPDX-License-Identifier: MIT */
/*
** row_accept.h -- the one rule that says whether `cleave run` takes a row:
** run's segmenter, check's sampler and explain all ask row_accept, so a row
** is rejected (or not) for the same reason by every command.
**
** A row the CSV scanner could read is taken when it has as many fields as
** the header and a non-empty customer id. (Rows the scanner cannot read --
** bad quoting -- reach on_bad with the scanner's reason instead.)
*/
#ifndef CLEAVE_ROW_ACCEPT_H
#define CLEAVE_ROW_ACCEPT_H

#include <stddef.h>

#include "csv_scan.h"
#include "segmenter.h"

/* Room for any reason row_accept writes (the id column's name is cut). */
#define ROW_REASON_MAX 256

/* The reasons, formatted out of line (rare). */
const char *row_reject_width(const seg_shape *sh, const csv_row *r, char *why, size_t len);
const char *row_reject_empty_id(const seg_shape *sh, char *why, size_t len);

/* The kinds of reject summary.json counts (rejects_by_reason), named by
** row_reject_kind_names: every reason row_accept or the CSV scanner gives is
** one of them (bad quoting of any sort is "quoting"). */
enum { REJECT_FIELD_COUNT, REJECT_EMPTY_ID, REJECT_QUOTING, REJECT_FIELD_TOO_LARGE, REJECT_KINDS };
extern const char *const row_reject_kind_names[REJECT_KINDS];
/* The kind of a reject from its reason (reason[0..len)). */
int row_reject_kind(const char *reason, size_t len);

/* NULL when run takes row r; else the reason it is rejected, written in
** why (len bytes, ROW_REASON_MAX is enough). Inline: run calls it for every
** row. */
static inline const char *row_accept(const seg_shape *sh, const csv_row *r, char *why,
                                     size_t len) {
  if (__builtin_expect(r->nfields != sh->ncols, 0)) return row_reject_width(sh, r, why, len);
  if (__builtin_expect(r->cols[sh->id_col].len == 0, 0)) return row_reject_empty_id(sh, why, len);
  return NULL;
}

#endif
