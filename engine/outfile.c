/* SPDX-License-Identifier: MIT */
/*
** outfile.c -- stage an output in a temporary file, or write a device
** directly (see outfile.h). Renaming into place is commit.c's job.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsafe.h"
#include "outfile.h"

static int not_output(const char *path, mode_t m, cl_error *err) {
  const char *what = S_ISDIR(m) ? "it is a directory" : S_ISSOCK(m) ? "it is a socket"
                     : "it is a block device";
  cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: %s", path, what);
  return -1;
}

int outfile_kind(const char *path, cl_error *err) {
  if (strcmp(path, "-") == 0) return OUT_STDOUT;
  struct stat st;
  if (lstat(path, &st) != 0) return OUT_STAGED; /* new (or unreachable: the temp file says why) */
  int dev_link = 0;
  if (S_ISLNK(st.st_mode)) {
    if (strncmp(path, "/dev/", 5) != 0) return OUT_STAGED; /* replaced, never followed */
    if (stat(path, &st) != 0) return OUT_DIRECT;           /* the open says why */
    dev_link = 1; /* /dev/stdout, /dev/fd/N: whatever they lead to, written directly */
  }
  if (S_ISREG(st.st_mode)) return dev_link ? OUT_DIRECT : OUT_STAGED;
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return OUT_DIRECT;
  return not_output(path, st.st_mode, err);
}

int outfile_open(outfile *f, const char *path, cl_error *err) {
  memset(f, 0, sizeof *f);
  f->fd = -1;
  int kind = outfile_kind(path, err);
  if (kind < 0) return err->code;
  f->kind = kind;
  f->path = cl_strdup(path);
  f->name = cl_strdup(kind == OUT_STDOUT ? "standard output" : path);
  if (kind == OUT_STDOUT) {
    f->fd = 1;
    return 0;
  }
  if (kind == OUT_DIRECT) {
    /* /dev/stdout may lead to the regular file cron redirects to: append, as the shell would */
    struct stat st;
    int append = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? O_APPEND : 0;
    f->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | append);
  } else {
    f->fd = fsafe_temp(path, &f->tmp);
  }
  if (f->fd < 0) {
    int e = errno;
    outfile_free(f);
    return cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: %s", path, strerror(e));
  }
  return 0;
}

static int write_error(outfile *f, int e, cl_error *err) {
  f->failed = 1;
  if (e == EPIPE)
    return cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: the reading end of the pipe was "
                   "closed before the run ended (%s)", f->name, strerror(e));
  return cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: %s", f->name, strerror(e));
}

/* A staged file's writeback starts every OUTFILE_KICK bytes (Linux:
** sync_file_range, which only queues the pages), so the fsync of
** outfile_finish has just the tail left to wait for, not the whole file.
** Durability is still fsync's job; an error here is fsync's to report. */
#define OUTFILE_KICK (8u << 20)

static void kick_writeback(outfile *f) {
#ifdef SYNC_FILE_RANGE_WRITE
  if (f->kind == OUT_STAGED && f->written - f->kicked >= OUTFILE_KICK) {
    (void)sync_file_range(f->fd, (off_t)f->kicked, (off_t)(f->written - f->kicked), SYNC_FILE_RANGE_WRITE);
    f->kicked = f->written;
  }
#else
  (void)f;
#endif
}

int outfile_write(outfile *f, const void *p, size_t n, cl_error *err) {
  const char *c = p;
  while (n) {
    ssize_t w = write(f->fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return write_error(f, errno, err);
    c += w;
    n -= (size_t)w;
    f->written += (unsigned long long)w;
  }
  kick_writeback(f);
  return 0;
}

int outfile_finish(outfile *f, cl_error *err) {
  if (f->fd < 0 || f->kind == OUT_STDOUT) return 0;
  int rc = 0;
  if (f->kind == OUT_STAGED && fsync(f->fd) != 0 && errno != EINVAL)
    rc = write_error(f, errno, err);
  if (close(f->fd) != 0 && !rc) rc = write_error(f, errno, err);
  f->fd = -1;
  return rc;
}

void outfile_abort(outfile *f) {
  if (f->fd >= 0 && f->kind != OUT_STDOUT) close(f->fd);
  f->fd = -1;
  if (f->tmp) {
    unlink(f->tmp);
    cleanup_forget(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
  }
}

void outfile_free(outfile *f) {
  free(f->path);
  free(f->name);
  free(f->tmp);
  f->path = f->name = f->tmp = NULL;
}
