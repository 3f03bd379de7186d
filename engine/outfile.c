/*
** outfile.c -- write to a temporary file, then rename (see outfile.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "outfile.h"

int outfile_open(outfile *f, const char *path, cl_error *err) {
  memset(f, 0, sizeof *f);
  if (strcmp(path, "-") == 0) {
    f->fd = 1;
    return 0;
  }
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    /* a device or a pipe (/dev/null, a FIFO): write to it, never rename over it */
    if (S_ISDIR(st.st_mode)) return cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: it is a directory", path);
    f->fd = open(path, O_WRONLY | O_CLOEXEC);
    if (f->fd < 0) return cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: %s", path, strerror(errno));
    f->device = 1;
    return 0;
  }
  size_t n = strlen(path) + 32;
  f->path = cl_strdup(path);
  f->tmp = cl_malloc(n);
  snprintf(f->tmp, n, "%s.tmp.%ld", path, (long)getpid());
  f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (f->fd >= 0) cleanup_add(f->tmp);
  if (f->fd < 0) {
    int e = errno;
    free(f->path);
    free(f->tmp);
    f->path = f->tmp = NULL;
    return cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: %s", path, strerror(e));
  }
  return 0;
}

int outfile_write(outfile *f, const void *p, size_t n, cl_error *err) {
  const char *c = p;
  while (n) {
    ssize_t w = write(f->fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      f->failed = 1;
      return cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: %s",
                     f->path ? f->path : "standard output", strerror(errno));
    }
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

int outfile_commit(outfile *f, cl_error *err) {
  if (f->device) {
    f->device = 0;
    if (close(f->fd) != 0) return cl_fail(err, CL_EXIT_OUTPUT, "cannot write output: %s", strerror(errno));
    return 0;
  }
  if (!f->path) return 0; /* stdout */
  int rc = 0;
  if (fsync(f->fd) != 0 && errno != EINVAL)
    rc = cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: %s", f->path, strerror(errno));
  if (close(f->fd) != 0 && !rc)
    rc = cl_fail(err, CL_EXIT_OUTPUT, "cannot write %s: %s", f->path, strerror(errno));
  f->fd = -1;
  if (!rc && rename(f->tmp, f->path) != 0)
    rc = cl_fail(err, CL_EXIT_OUTPUT, "cannot move %s into place: %s", f->path, strerror(errno));
  if (rc) unlink(f->tmp);
  cleanup_forget(f->tmp);
  free(f->path);
  free(f->tmp);
  f->path = f->tmp = NULL;
  return rc;
}

void outfile_abort(outfile *f) {
  if (f->device) {
    close(f->fd);
    f->device = 0;
    return;
  }
  if (!f->path) return;
  if (f->fd >= 0) close(f->fd);
  unlink(f->tmp);
  cleanup_forget(f->tmp);
  free(f->path);
  free(f->tmp);
  f->path = f->tmp = NULL;
}
