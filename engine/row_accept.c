/* SPDX-License-Identifier: MIT */
/*
** row_accept.c -- the reasons a row is rejected (see row_accept.h).
*/
#include <stdio.h>
#include <string.h>

#include "messages.h"
#include "row_accept.h"

const char *row_reject_width(const seg_shape *sh, const csv_row *r, char *why, size_t len) {
  snprintf(why, len, MSG_ROW_WIDTH, r->nfields, r->nfields == 1 ? "" : "s", sh->ncols);
  return why;
}

const char *row_reject_empty_id(const seg_shape *sh, char *why, size_t len) {
  snprintf(why, len, MSG_ROW_EMPTY_ID, sh->id_name);
  return why;
}

const char *const row_reject_kind_names[REJECT_KINDS] = {"field_count", "empty_id", "quoting",
                                                         "field_too_large"};

/* reason starts with fmt's text before its first conversion */
static int starts_as(const char *reason, size_t len, const char *fmt) {
  size_t n = strcspn(fmt, "%");
  return len >= n && memcmp(reason, fmt, n) == 0;
}

int row_reject_kind(const char *reason, size_t len) {
  if (starts_as(reason, len, MSG_ROW_WIDTH)) return REJECT_FIELD_COUNT;
  if (starts_as(reason, len, MSG_ROW_EMPTY_ID)) return REJECT_EMPTY_ID;
  if (starts_as(reason, len, MSG_ROW_TOO_LARGE)) return REJECT_FIELD_TOO_LARGE;
  return REJECT_QUOTING; /* the scanner's other reasons: all about quotes */
}
