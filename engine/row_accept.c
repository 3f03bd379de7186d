/*
** row_accept.c -- the reasons a row is rejected (see row_accept.h).
*/
#include <stdio.h>

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
