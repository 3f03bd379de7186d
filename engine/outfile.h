/*
** outfile.h -- output files that appear whole or not at all: bytes go to a
** temporary file beside the target, which is renamed over it on commit and
** removed on abort. "-" writes to standard output directly, and so does a
** path naming a device or a FIFO (/dev/null is never renamed over).
*/
#ifndef CLEAVE_OUTFILE_H
#define CLEAVE_OUTFILE_H

#include <stddef.h>

#include "error.h"

typedef struct outfile {
  int fd;
  char *path;  /* target, or NULL for stdout */
  char *tmp;   /* temporary name while writing */
  int failed;
  int device;  /* writing straight to a device or FIFO (no rename) */
} outfile;

int outfile_open(outfile *f, const char *path, cl_error *err);
int outfile_write(outfile *f, const void *p, size_t n, cl_error *err);
/* fsync, close, rename into place. */
int outfile_commit(outfile *f, cl_error *err);
/* Close and remove the temporary file (safe to call after commit: no-op). */
void outfile_abort(outfile *f);

#endif
