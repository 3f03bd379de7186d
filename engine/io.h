/* SPDX-License-Identifier: MIT */
/*
** io.h -- whole reads and writes on a file descriptor, with EINTR retried:
** the one copy of the loops commit.c, decomp.c, plugin_trust.c and the
** state store each had.
*/
#ifndef CLEAVE_IO_H
#define CLEAVE_IO_H

#include <stddef.h>
#include <sys/types.h>

/* All n bytes of p to fd: 0, or the errno of the failed write. */
int io_write_all(int fd, const void *p, size_t n);
/* n bytes at offset at into p: 0, or an errno (EIO: the file ends first). */
int io_pread_all(int fd, void *p, size_t n, off_t at);

#endif
