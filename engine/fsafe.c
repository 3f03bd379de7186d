/* SPDX-License-Identifier: MIT */
/*
** fsafe.c -- opening files that other people may have planted (see fsafe.h).
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cleanup.h"
#include "error.h"
#include "fsafe.h"

char *fsafe_dirname(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return cl_strdup(".");
  return cl_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Fallback for kernels without openat2: one component at a time, never
** following a link (stricter than RESOLVE_BENEATH: a link inside is refused). */
static int walk_nofollow(int dfd, const char *rel, int oflags) {
  char *copy = cl_strdup(rel), *save = NULL;
  int cur = dup(dfd), fd = -1;
  char *comp = strtok_r(copy, "/", &save);
  while (cur >= 0 && comp) {
    char *next = strtok_r(NULL, "/", &save);
    if (strcmp(comp, "..") == 0) {
      errno = EXDEV;
      break;
    }
    if (strcmp(comp, ".") != 0 || !next) {
      int f = next ? openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                   : openat(cur, comp, oflags | O_NOFOLLOW);
      int e = errno;
      close(cur);
      cur = -1;
      errno = e;
      if (f < 0) break;
      if (!next) fd = f;
      else cur = f;
    }
    comp = next;
  }
  int e = errno;
  if (cur >= 0) close(cur);
  free(copy);
  errno = e;
  return fd;
}

static int open_beneath(const char *dir, const char *rel, int oflags) {
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return -1;
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)oflags;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = syscall(SYS_openat2, dfd, rel, &how, sizeof how);
  if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == E2BIG))
    fd = walk_nofollow(dfd, rel, oflags);
  int e = errno;
  close(dfd);
  errno = e;
  return (int)fd;
}

static const char *kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

int fsafe_output_dir(const char *path, mode_t mode, int *created, char why[FSAFE_WHY_MAX]) {
  struct stat st;
  *created = 0;
  if (lstat(path, &st) != 0) {
    if (errno != ENOENT || (mkdir(path, mode) != 0 && errno != EEXIST)) {
      int e = errno;
      snprintf(why, FSAFE_WHY_MAX, "%s%s", strerror(e),
               e == ENOENT ? " (only the last folder is created)" : "");
      return -1;
    }
    if (lstat(path, &st) != 0) {
      snprintf(why, FSAFE_WHY_MAX, "%s", strerror(errno));
      return -1;
    }
    *created = 1;
  }
  if (S_ISLNK(st.st_mode)) {
    snprintf(why, FSAFE_WHY_MAX, "it is a symbolic link");
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(why, FSAFE_WHY_MAX, "it is not a folder");
    return -1;
  }
  return 0;
}

int fsafe_open_own(const char *path, int access, struct stat *st, char why[FSAFE_WHY_MAX]) {
  int fd = open(path, access | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0) {
    int e = errno;
    if (e == ENXIO) { /* a FIFO nobody reads: O_NONBLOCK does not wait for one */
      snprintf(why, FSAFE_WHY_MAX, "it is a FIFO, not a regular file");
      e = EINVAL;
    } else {
      snprintf(why, FSAFE_WHY_MAX, "%s", e == ELOOP ? "it is a symbolic link" : strerror(e));
    }
    errno = e;
    return -1;
  }
  if (fstat(fd, st) != 0) {
    int e = errno;
    snprintf(why, FSAFE_WHY_MAX, "%s", strerror(e));
    close(fd);
    errno = e;
    return -1;
  }
  if (!S_ISREG(st->st_mode)) {
    snprintf(why, FSAFE_WHY_MAX, "it is %s, not a regular file", kind_of(st->st_mode));
    close(fd);
    errno = EINVAL;
    return -1;
  }
  fcntl(fd, F_SETFL, access & O_APPEND); /* blocking again: it is a regular file */
  return fd;
}

int fsafe_open_read(const char *dir, const char *rel, unsigned flags, off_t max_size,
                    char why[FSAFE_WHY_MAX]) {
  int oflags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  int fd;
  if (flags & FSAFE_BENEATH) {
    fd = open_beneath(dir ? dir : ".", rel, oflags);
  } else if (dir) { /* dir/rel without the beneath rule */
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = cl_malloc(n);
    snprintf(p, n, "%s/%s", dir, rel);
    fd = open(p, oflags);
    free(p);
  } else {
    fd = open(rel, oflags);
  }
  if (fd < 0) {
    if (errno == EXDEV)
      snprintf(why, FSAFE_WHY_MAX, "it leads out of the rules folder (through .. or a "
               "symbolic link)");
    else if (errno == ELOOP && (flags & FSAFE_BENEATH))
      snprintf(why, FSAFE_WHY_MAX, "it is a symbolic link (not followed on this system)");
    else snprintf(why, FSAFE_WHY_MAX, "%s", strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    snprintf(why, FSAFE_WHY_MAX, "%s", strerror(errno));
    close(fd);
    return -1;
  }
  if ((flags & FSAFE_REGULAR) && !S_ISREG(st.st_mode)) {
    snprintf(why, FSAFE_WHY_MAX, "it is %s, not a regular file", kind_of(st.st_mode));
    close(fd);
    return -1;
  }
  if (max_size > 0 && S_ISREG(st.st_mode) && st.st_size > max_size) {
    snprintf(why, FSAFE_WHY_MAX, "it is larger than the limit of %lld bytes",
             (long long)max_size);
    close(fd);
    return -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}

int fsafe_read_all(int fd, size_t max, char **buf, size_t *len) {
  size_t cap = 65536, n = 0;
  char *p = cl_malloc(cap + 1);
  for (;;) {
    if (n == cap) {
      if (cap > max) break;
      cap *= 2;
      p = cl_realloc(p, cap + 1);
    }
    ssize_t r = read(fd, p + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      free(p);
      return e;
    }
    if (r == 0) break;
    n += (size_t)r;
    if (n > max) break;
  }
  if (n > max) {
    free(p);
    return EFBIG;
  }
  p[n] = '\0';
  *buf = p;
  *len = n;
  return 0;
}

static uint64_t random64(void) {
  uint64_t r;
  if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r) return r;
  struct timespec ts; /* no entropy yet: unpredictable enough with O_EXCL */
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
}

int fsafe_temp(const char *target, char **tmp) {
  size_t n = strlen(target) + 48;
  char *name = cl_malloc(n);
  for (int tries = 0; tries < 32; tries++) {
    snprintf(name, n, "%s.tmp.%ld.%016llx", target, (long)getpid(),
             (unsigned long long)random64());
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd >= 0) {
      cleanup_add(name);
      *tmp = name;
      return fd;
    }
    if (errno != EEXIST) break;
  }
  int e = errno;
  free(name);
  errno = e;
  return -1;
}

int fsafe_scratch(const char *dir) {
  int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  size_t n = strlen(dir) + 64;
  char *name = cl_malloc(n);
  for (int tries = 0; tries < 32; tries++) {
    snprintf(name, n, "%s/scratch.tmp.%ld.%016llx", dir, (long)getpid(),
             (unsigned long long)random64());
    fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd >= 0) {
      unlink(name);
      break;
    }
    if (errno != EEXIST) break;
  }
  int e = errno;
  free(name);
  errno = e;
  return fd;
}

long fsafe_temp_pid(const char *name, const char *base) {
  size_t bl = strlen(base);
  if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp.", 5) != 0) return 0;
  const char *p = name + bl + 5;
  char *end;
  errno = 0;
  long pid = strtol(p, &end, 10);
  if (errno || end == p || pid <= 0 || (p[0] < '0' || p[0] > '9')) return 0;
  if (*end == '\0') return pid; /* "<base>.tmp.<pid>": cleave before 0.x */
  if (*end != '.' || !end[1]) return 0;
  for (const char *h = end + 1; *h; h++)
    if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f'))) return 0;
  return pid;
}

int fsafe_sweep(const char *target) {
  char *dir = fsafe_dirname(target);
  const char *slash = strrchr(target, '/');
  const char *base = slash ? slash + 1 : target;
  int removed = 0;
  DIR *d = opendir(dir);
  if (d) {
    int dfd = dirfd(d);
    struct dirent *e;
    char any[NAME_MAX + 1];
    while ((e = readdir(d)) != NULL) {
      const char *b = base;
      if (!*base) { /* "DIR/": the temporary of any target in DIR */
        const char *t = NULL; /* the last ".tmp.": a segment may be "a.tmp.b" */
        for (const char *q = strstr(e->d_name, ".tmp."); q; q = strstr(q + 1, ".tmp.")) t = q;
        if (!t || (size_t)(t - e->d_name) > NAME_MAX) continue;
        memcpy(any, e->d_name, (size_t)(t - e->d_name));
        any[t - e->d_name] = '\0';
        b = any;
      }
      long pid = fsafe_temp_pid(e->d_name, b);
      if (!pid || pid == (long)getpid()) continue;
      if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive (or not ours to ask) */
      struct stat st;
      if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) continue;
      if (unlinkat(dfd, e->d_name, 0) == 0) removed++;
    }
    closedir(d);
  }
  free(dir);
  return removed;
}

int fsafe_sync_dir(const char *path) {
  char *dir = fsafe_dirname(path);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  free(dir);
  if (fd < 0) return errno;
  int rc = fsync(fd) == 0 || errno == EINVAL ? 0 : errno;
  close(fd);
  return rc;
}
