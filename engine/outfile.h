/* SPDX-License-Identifier: MIT */
/*
** outfile.h -- one output file of a run. What a path names decides how it
** is written (outfile_kind):
**
** * "-": standard output, written directly;
** * a regular file, a path that does not exist yet, or a symbolic link
**   anywhere but under /dev/: staged in a fresh temporary file beside it
**   (fsafe_temp: O_EXCL|O_NOFOLLOW, unpredictable name) and renamed over it
**   by commit.c -- a symlink at the path is replaced, never followed;
** * a character device or FIFO at the path itself, or any non-regular path
**   under /dev/ (/dev/null, /dev/stdout, /dev/full): written directly, and
**   a write error names that path.
**
** A symlink planted in an output folder and pointing to a device is thus
** replaced like any other symlink: only a /dev/ path is followed to a device.
*/
#ifndef CLEAVE_OUTFILE_H
#define CLEAVE_OUTFILE_H

#include <stddef.h>

#include "error.h"

enum { OUT_STDOUT, OUT_DIRECT, OUT_STAGED };

typedef struct outfile {
  int fd;
  int kind;    /* OUT_* */
  char *path;  /* target as named ("-" for standard output) */
  char *name;  /* for messages: path, or "standard output" */
  char *tmp;   /* OUT_STAGED: the temporary file while writing */
  int failed;
  unsigned long long written, kicked; /* OUT_STAGED: bytes written; of them, sent to the disk early */
} outfile;

/* How path would be written: OUT_*; -1 when it cannot be an output (a
** directory, a socket, a block device), with the reason in err. */
int outfile_kind(const char *path, cl_error *err);
int outfile_open(outfile *f, const char *path, cl_error *err);
int outfile_write(outfile *f, const void *p, size_t n, cl_error *err);
/* Make the bytes durable (fsync the temporary file) and close it; a direct
** output is closed. The file stays staged: commit.c renames it. */
int outfile_finish(outfile *f, cl_error *err);
/* Close and remove the temporary file (a no-op once it was renamed). */
void outfile_abort(outfile *f);
/* Free the names (after commit or abort). */
void outfile_free(outfile *f);

#endif
