/* SPDX-License-Identifier: MIT */
/*
** state_history.h -- DIR/history.jsonl: the segment sizes of the last
** STATE_HISTORY_MAX successful runs with state, oldest first, committed with
** the state (docs/state.md). One JSON object a line:
**
**   {"run_at": "2026-12-02T12:00:00Z", "as_of": "2026-11-01",
**    "rules_sha256": "...", "customers": 20000,
**    "sizes": {"<micro>": 123, "<split>=<value>": 456, ...}}
**
** For the report: state_run_history() (state.h) gives the lines with this
** run's last; state_history_size reads one size back.
*/
#ifndef CLEAVE_STATE_HISTORY_H
#define CLEAVE_STATE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define STATE_HISTORY_MAX 30

typedef struct state_history {
  size_t n;
  char **lines; /* JSON objects, without the line end */
} state_history;

/* Read dir/history.jsonl (none: n = 0). Lines that are not an object are
** dropped; only the last STATE_HISTORY_MAX are kept. */
int state_history_read(const char *dir, state_history *h, cl_error *err);
/* Append a line (owned), dropping the oldest beyond STATE_HISTORY_MAX. */
void state_history_add(state_history *h, char *line);
/* The size line i records for key (a micro name or "split=value"): 1 and
** *n, or 0 when it has none (a segment added since). */
int state_history_size(const state_history *h, size_t i, const char *key, uint64_t *n);
/* A text member of line i ("run_at", "as_of", "rules_sha256") into out: 1,
** or 0 when absent. */
int state_history_text(const state_history *h, size_t i, const char *field, char *out,
                       size_t outlen);
void state_history_free(state_history *h);

#endif
