/* SPDX-License-Identifier: MIT */
/*
** state.h -- memberships kept between runs (--state DIR, [state] dir) and
** the delta since the last successful run (docs/state.md).
**
** What a run does with state, in order:
**
** 1. state_begin (after commit_recover, under the lock): read the previous
**    state's header (DIR/state.bin), sweep scratch files of dead runs,
**    make P scratch partitions (unnamed files in DIR);
** 2. the pipeline's collector hands every chunk's membership records, in
**    input order, to state_rows, which appends each to the partition given
**    by the top bits of its id hash (bounded buffers);
** 3. state_finish: each partition in turn is sorted in bounded memory (on a
**    helper thread, one partition ahead, when the run has more than one
**    thread) and merge-joined against the previous state (one sorted
**    stream), giving the new DIR/state.bin, the delta files
**    DIR/delta/<key>.entered.csv and .exited.csv, DIR/history.jsonl and
**    the counts; every file is added to
**    the run's commit (commit.h), so they appear with the run's other files
**    or not at all;
** 4. after the commit, state_after_commit removes delta files of keys this
**    run did not write.
*/
#ifndef CLEAVE_STATE_H
#define CLEAVE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "commit.h"
#include "error.h"
#include "graph.h"
#include "log.h"

/* One membership key: a micro segment, or a macro value "split=value". */
enum { STATE_MICRO = 0, STATE_VALUE = 1 };

typedef struct state_key_delta {
  char *name;        /* micro name, or "split=value" */
  int kind;          /* STATE_MICRO or STATE_VALUE */
  uint64_t entered, exited, stayed;
  uint64_t previous; /* members in the previous state (0 for a new key) */
  uint64_t members;  /* members now (0 for a removed key) */
  int is_new;        /* not in the previous state: every member "entered" */
  int removed;       /* in the previous state, not in these rules: all exited */
  int files;         /* delta files written for it */
} state_key_delta;

typedef struct state_delta {
  int baseline;          /* no previous state: no entered/exited, no files */
  const char *dir;       /* the state folder */
  uint64_t previous;     /* customers in the previous state */
  uint64_t customers;    /* customers in the new state (distinct ids written) */
  uint64_t gone;         /* in the previous state, not in this input */
  uint64_t arrived;      /* in this input, not in the previous state */
  uint64_t duplicates;   /* rows whose id came earlier in this input (ignored) */
  size_t nkeys;          /* this run's keys, then the removed ones */
  state_key_delta *keys;
} state_delta;

typedef struct state_opts {
  const char *dir;        /* the state folder (created 0700 if missing) */
  const graph *g;
  const uint32_t *value_base; /* seg_shape's: macro m's values from value_base[m] */
  const char *id_column;  /* the delta files' header */
  int macro_files;        /* audience_macros = yes: delta files per macro value too */
  const char *rules_sha256, *as_of; /* for history.jsonl */
  logger *log;
  int threads;            /* the run's worker threads: > 1 sorts on a helper thread */
} state_opts;

typedef struct state_run state_run;

/* Bits per record: one per micro segment, one per macro value. */
uint32_t state_nbits(const graph *g);
/* The id hash the store is ordered by (FNV-1a 64, then a 64-bit finalizer). */
uint64_t state_hash(const char *id, size_t len);
/* Append one membership record (segmenter.c; bits: state_nbits, LSB first). */
void state_record(buf *b, const char *id, size_t len, const uint8_t *bits, size_t nb);

int state_begin(state_run **out, const state_opts *o, cl_error *err);
/* Records of one chunk, in input order (the collector thread). */
int state_rows(state_run *sr, const char *p, size_t n, cl_error *err);
/* Sort, merge, write; the new files are added to c. rows: rows written. */
int state_finish(state_run *sr, commit *c, uint64_t rows, cl_error *err);
const state_delta *state_run_delta(const state_run *sr);
/* The history lines (JSON objects, oldest first, this run's last) once
** state_finish has run; see state_history.h. */
const struct state_history *state_run_history(const state_run *sr);
/* After the commit: remove delta files of keys not written this time, and
** say where the delta is (info). */
void state_after_commit(state_run *sr, logger *log);
void state_free(state_run *sr);

/* "<dir>/lock" (malloc'd): the state folder's run lock. */
char *state_lock_path(const char *dir);
/* Create the folder (0700) and its delta/ folder when missing. */
int state_prepare_dir(const char *dir, cl_error *err);

/* The files of the state folder a commit may roll forward or sweep:
** state.bin, history.jsonl and the delta files of g's keys (malloc'd
** paths, *n of them). */
char **state_targets(const char *dir, const graph *g, int macro_files, size_t *n);
void state_targets_free(char **t, size_t n);

/* summary.json's "delta" member (without a leading comma), or nothing for
** d == NULL. */
void state_summary_json(const state_delta *d, buf *b);

#endif
