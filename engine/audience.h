/* SPDX-License-Identifier: MIT */
/*
** audience.h -- audience files (--audiences DIR): one CSV per micro segment,
** DIR/<segment>.csv, and with audience_macros one per macro value,
** DIR/<split>=<value>.csv. Each holds the id column and the audience_columns
** (input order) of every customer in that segment, in input order, written
** in the same pass as the main output: the segmenter puts each chunk's lines
** in per-audience buffers of its seg_result (seg_format.c), and the
** pipeline's writer appends them in input order (aud_write).
**
** Files: every audience file is staged (outfile.h) and committed with the
** run's other files (commit.h); DIR itself is created when missing (its
** parent must exist) and refused when it is a symbolic link or not a
** directory. At most AUD_MAX_FILES files (one descriptor each while the run
** lasts; the soft RLIMIT_NOFILE is raised to what is needed, within the hard
** one). A segment or split whose name starts with '.' is refused (it would
** make a hidden file, "..csv" for ".."); names can hold no '/' (rules.md).
**
** Stale files: DIR/.cleave-audiences, committed with the files, lists what
** the run wrote ("file NAME") and what it found there from an earlier run
** that it no longer writes ("gone NAME"). The gone files are removed right
** after the commit; a run killed before that removes them when the next run
** starts (under the lock, after the journal's roll-forward). Only names
** cleave itself listed are ever removed, only regular files owned by the
** user running cleave: other files in DIR are left as they are.
*/
#ifndef CLEAVE_AUDIENCE_H
#define CLEAVE_AUDIENCE_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"
#include "config.h"
#include "error.h"
#include "graph.h"
#include "log.h"
#include "outfile.h"
#include "run.h"

#define AUD_MAX_FILES 1000
#define AUD_MANIFEST ".cleave-audiences"

typedef struct audiences {
  char *dir;       /* NULL: no audiences */
  char *pattern;   /* "<dir>/": for commit_recover, any file directly in dir */
  char *lock;      /* "<dir>/.cleave.lock": the lock when no other file is replaced */
  uint32_t n;      /* files: the micro segments, then the macro values */
  char **names;    /* "<segment>.csv", "<split>=<value>.csv" */
  char **paths;    /* "<dir>/<name>" */
  outfile *files;  /* n */
  outfile manifest;
  uint32_t opened; /* files[0..opened) are open (and added to the commit) */
  int manifest_open;
  uint32_t *cols;  /* input columns of each line: the id, then audience_columns */
  uint32_t ncols;
  char **gone;     /* stale files to remove once committed */
  size_t ngone;
  logger *log;
} audiences;

/* Names and paths (nothing touched on disk). */
int aud_plan(audiences *a, const config *cfg, const graph *g, logger *log, cl_error *err);
/* v[0..n) plus every audience path: commit_distinct. */
int aud_distinct(const audiences *a, const commit_name *v, size_t n, cl_error *err);
/* DIR: created when missing, refused when a symlink or not a directory. */
int aud_dir(audiences *a, cl_error *err);
/* Under the lock, after commit_recover: remove the files the committed
** manifest says are gone. */
void aud_recover(audiences *a);
/* audience_columns against the header: b->keep and the shape's aud_* set;
** an unknown column is CL_EXIT_CONFIG with a did-you-mean. */
int aud_bind(audiences *a, const config *cfg, bound_input *b, cl_error *err);
/* Open every file with its header line, and the manifest; add them to c. */
int aud_open(audiences *a, const bound_input *b, const config *cfg, commit *c, cl_error *err);
int aud_write(audiences *a, uint32_t k, const char *p, size_t n, cl_error *err);
/* After a successful commit: remove the stale files. */
void aud_committed(audiences *a);
/* The run failed: remove the staged files (commit_abort does it when the
** whole commit is dropped). */
void aud_abort(audiences *a);
void aud_free(audiences *a);

#endif
