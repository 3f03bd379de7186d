/* SPDX-License-Identifier: MIT */
/*
** commit.h -- all of a run's files replaced as one: after a failure at any
** step, or SIGKILL at any moment, the files are either all the previous
** run's or (once the next run has started) all the new run's.
**
** How: every file is staged as a temporary beside its target (outfile.c) and
** fsync'ed; direct outputs (devices, standard output) are written and closed
** before the commit point, so their failure aborts everything. The commit
** point is the journal: a file listing the temp -> target pairs, written as a
** temporary, fsync'ed and renamed into place (then its folder fsync'ed).
** The renames follow, then the folders' fsync, then the journal is removed.
** A run killed after the commit point leaves the journal; the next run, under
** the lock and before anything else, rolls it forward (commit_recover). A run
** killed before it leaves temporaries only, which commit_recover sweeps.
** With a single staged file one rename is atomic by itself: no journal.
**
** The journal lives beside the lock: "<lock>.journal". Roll-forward trusts
** nothing in it: a journal that is not a regular file owned by the effective
** user is ignored, and a pair is renamed only when its target is one of this
** run's outputs and its temporary is a regular file named "<target>.tmp.*",
** owned by the effective user.
**
** Test hook: CLEAVE_TEST_PAUSE=<point> makes the process stop itself
** (SIGSTOP) at that point, so a test can SIGKILL it exactly there. Points:
** "recovered" (after the roll-forward and sweep), "staged" (all files fsync'ed,
** no journal yet), "journal" (journal in place, nothing renamed), "rename-<i>"
** (after the i-th rename, 1-based), "renamed" (all renamed, journal still there).
*/
#ifndef CLEAVE_COMMIT_H
#define CLEAVE_COMMIT_H

#include <stddef.h>

#include "error.h"
#include "log.h"
#include "outfile.h"

typedef struct commit {
  outfile **files;
  size_t n, cap;
  char *journal; /* NULL: no journal (then there is at most one staged file) */
  logger *log;
} commit;

void commit_init(commit *c, const char *journal, logger *log);
/* Add an open outfile (the commit does not own the struct, only closes it). */
void commit_add(commit *c, outfile *f);
/* Publish every file, all or nothing. On failure before the commit point
** everything is aborted; after it the journal stays for the next run. */
int commit_publish(commit *c, cl_error *err);
/* Abort every file (remove the temporaries). */
void commit_abort(commit *c);
void commit_free(commit *c);

/* At start, under the lock: roll forward journal (NULL: none), then sweep
** the temporaries of dead processes beside each target and the journal. A
** target ending in '/' stands for every file directly in that folder. */
int commit_recover(const char *journal, const char *const *targets, size_t n, logger *log,
                   cl_error *err);

/* One of the files a run names, for commit_distinct. */
typedef struct commit_name {
  const char *role; /* "the output", "the rule file", ... */
  const char *path; /* NULL or "-": skipped */
  int output;       /* 1: a path cleave replaces (identity of the entry: lstat) */
} commit_name;

/* Refuse two names of one file (CL_EXIT_USAGE, see commit.c). */
int commit_distinct(const commit_name *v, size_t n, cl_error *err);

/* The test hook (see above). */
void commit_pause(const char *point);

#endif
