/* SPDX-License-Identifier: MIT */
/*
** fsafe.h -- the one way cleave opens files it did not create itself, and
** creates the temporary files it writes. cleave runs from cron, often as
** root, over folders other people can write, so:
**
** * files read (rule, list, test and ini files) are opened with O_NONBLOCK
**   and fstat'ed before a byte is read: a FIFO, a device or a directory is
**   refused with a reason instead of hanging the run, and a size cap applies;
** * a list file is opened *beneath* the rules folder: openat2() with
**   RESOLVE_BENEATH (symbolic links are allowed only while they stay inside
**   the folder); where openat2() is missing, a walk with O_NOFOLLOW on every
**   component refuses every symbolic link;
** * temporary files are "<target>.tmp.<pid>.<16 hex digits>", created with
**   O_CREAT|O_EXCL|O_NOFOLLOW: a planted file or symlink makes the creation
**   fail (and a new name is drawn), it is never written through;
** * fsafe_sweep() removes the temporary files of dead processes.
*/
#ifndef CLEAVE_FSAFE_H
#define CLEAVE_FSAFE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

enum {
  FSAFE_REGULAR = 1, /* refuse anything but a regular file */
  FSAFE_BENEATH = 2  /* rel must resolve inside dir (no .., no link out) */
};

#define FSAFE_WHY_MAX 160

/* Open dir/rel for reading (dir NULL: rel as it is). Returns an fd (O_CLOEXEC,
** blocking again once it is known to be a regular file), or -1 with why set
** to the reason ("No such file or directory", "it is a FIFO, not a regular
** file", "it is larger than 16 MB", "it leads out of the rules folder").
** max_size 0: no cap. */
int fsafe_open_read(const char *dir, const char *rel, unsigned flags, off_t max_size,
                    char why[FSAFE_WHY_MAX]);

/* A folder cleave writes its outputs in (audiences, the state): created with
** mode when missing (only the last component), never a symbolic link, and a
** folder. 0 (*created set), or -1 with why set ("it is a symbolic link",
** "it is not a folder", or the errno text; " (only the last folder is
** created)" when the parent is missing). */
int fsafe_output_dir(const char *path, mode_t mode, int *created, char why[FSAFE_WHY_MAX]);

/* Open (creating it, mode 0644) a file cleave keeps writing in place -- the
** lock, the log file -- for access (O_RDWR, or O_WRONLY|O_APPEND): never
** through a symbolic link, never a FIFO or a device (O_NONBLOCK until it is
** known to be a regular file). Returns the fd with *st filled, or -1 with
** why set and errno: ELOOP (a symlink), EINVAL (not a regular file) or the
** open's own. */
int fsafe_open_own(const char *path, int access, struct stat *st, char why[FSAFE_WHY_MAX]);

/* Read all of fd (at most max bytes; more is an error, EFBIG). *buf is
** malloc'd and NUL-terminated. Returns 0 or an errno value. */
int fsafe_read_all(int fd, size_t max, char **buf, size_t *len);

/* Create a temporary file beside target, registered with cleanup.c so every
** exit path removes it. Returns the fd (O_WRONLY) and sets *tmp (malloc'd);
** -1 with errno on failure. */
int fsafe_temp(const char *target, char **tmp);

/* An unnamed scratch file in dir, for reading and writing (O_RDWR, 0600):
** O_TMPFILE where the file system has it, else "<dir>/scratch.tmp.<pid>.<hex>"
** created O_EXCL|O_NOFOLLOW and unlinked at once (a run killed in between
** leaves it to fsafe_sweep("<dir>/scratch")). Returns the fd, or -1 with
** errno. */
int fsafe_scratch(const char *dir);

/* Does name (a directory entry) look like a temporary of base, and if so
** which process made it? Returns the pid, or 0. */
long fsafe_temp_pid(const char *name, const char *base);

/* Remove "<target>.tmp.<pid>[.<hex>]" files of processes that no longer exist
** (kill(pid, 0) fails with ESRCH), regular files owned by the effective user
** only; target "DIR/": those of every file in DIR. Returns how many were
** removed. */
int fsafe_sweep(const char *target);

/* fsync the directory holding path (best effort: 0 or an errno value). */
int fsafe_sync_dir(const char *path);

/* The directory part of path ("." when there is none); malloc'd. */
char *fsafe_dirname(const char *path);

#endif
