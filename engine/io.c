/* SPDX-License-Identifier: MIT */
/*
** io.c -- whole reads and writes (io.h).
*/
#include <errno.h>
#include <unistd.h>

#include "io.h"

int io_write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return errno;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

int io_pread_all(int fd, void *p, size_t n, off_t at) {
  char *c = p;
  while (n) {
    ssize_t got = pread(fd, c, n, at);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return got < 0 ? errno : EIO;
    c += got;
    n -= (size_t)got;
    at += got;
  }
  return 0;
}
