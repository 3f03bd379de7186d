/* SPDX-License-Identifier: MIT */
/*
** commit.c -- publish a run's files as one (see commit.h for the protocol).
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "buf.h"
#include "cleanup.h"
#include "commit.h"
#include "fsafe.h"
#include "messages.h"

#define JOURNAL_MAGIC "cleave-journal 1\n"
#define JOURNAL_END "end\n"
#define JOURNAL_MAX (1u << 20)

void commit_pause(const char *point) {
  const char *want = getenv("CLEAVE_TEST_PAUSE"); /* a test hook: see commit.h */
  if (want && strcmp(want, point) == 0) raise(SIGSTOP);
}

void commit_init(commit *c, const char *journal, logger *log) {
  memset(c, 0, sizeof *c);
  c->journal = journal ? cl_strdup(journal) : NULL;
  c->log = log;
}

void commit_add(commit *c, outfile *f) {
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 8;
    c->files = cl_realloc(c->files, c->cap * sizeof *c->files);
  }
  c->files[c->n++] = f;
}

void commit_abort(commit *c) {
  for (size_t i = 0; i < c->n; i++) outfile_abort(c->files[i]);
}

void commit_free(commit *c) {
  for (size_t i = 0; i < c->n; i++) outfile_free(c->files[i]);
  free(c->files);
  free(c->journal);
  memset(c, 0, sizeof *c);
}

/* --- the journal ----------------------------------------------------------- */

/* Write the journal as a temporary (fsync'ed); *jtmp gets its name. */
static int journal_stage(const commit *c, char **jtmp, cl_error *err) {
  buf b = {0};
  buf_puts(&b, JOURNAL_MAGIC);
  size_t staged = 0;
  for (size_t i = 0; i < c->n; i++) staged += c->files[i]->tmp != NULL;
  buf_printf(&b, "%zu\n", staged);
  for (size_t i = 0; i < c->n; i++) {
    const outfile *f = c->files[i];
    if (!f->tmp) continue;
    buf_put(&b, f->tmp, strlen(f->tmp) + 1);
    buf_put(&b, f->path, strlen(f->path) + 1);
  }
  buf_puts(&b, JOURNAL_END);
  int fd = fsafe_temp(c->journal, jtmp), e = fd < 0 ? errno : 0;
  if (!e) e = io_write_all(fd, b.p, b.len);
  if (!e && fsync(fd) != 0 && errno != EINVAL) e = errno;
  if (fd >= 0 && close(fd) != 0 && !e) e = errno;
  buf_free(&b);
  if (!e) return 0;
  if (fd >= 0) {
    unlink(*jtmp);
    cleanup_forget(*jtmp);
    free(*jtmp);
    *jtmp = NULL;
  }
  return cl_fail(err, CL_EXIT_OUTPUT, MSG_JOURNAL_WRITE, c->journal, strerror(e));
}

/* The commit point: the journal in place, the temporaries no longer
** removed on a signal (they belong to the journal now). */
static int journal_publish(commit *c, char *jtmp, cl_error *err) {
  cleanup_hold();
  int rc = rename(jtmp, c->journal) == 0 ? 0 : errno;
  cleanup_forget(jtmp);
  if (!rc)
    for (size_t i = 0; i < c->n; i++)
      if (c->files[i]->tmp) cleanup_forget(c->files[i]->tmp);
  cleanup_release();
  if (rc) {
    unlink(jtmp);
    free(jtmp);
    return cl_fail(err, CL_EXIT_OUTPUT, MSG_JOURNAL_WRITE, c->journal, strerror(rc));
  }
  free(jtmp);
  fsafe_sync_dir(c->journal); /* the journal is durable before any rename is */
  return 0;
}

/* --- publishing -------------------------------------------------------------- */

static int finish_all(commit *c, size_t *staged, cl_error *err) {
  *staged = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (outfile_finish(c->files[i], err)) return err->code;
    *staged += c->files[i]->tmp != NULL;
  }
  return 0;
}

static void renamed(outfile *f) {
  cleanup_forget(f->tmp);
  free(f->tmp);
  f->tmp = NULL;
}

int commit_publish(commit *c, cl_error *err) {
  size_t staged;
  if (finish_all(c, &staged, err)) {
    commit_abort(c);
    return err->code;
  }
  if (staged == 0) return 0;
  commit_pause("staged");
  int journal = staged > 1 && c->journal;
  if (journal) {
    char *jtmp = NULL;
    if (journal_stage(c, &jtmp, err) || journal_publish(c, jtmp, err)) {
      commit_abort(c);
      return err->code;
    }
    commit_pause("journal");
  }
  size_t done = 0;
  for (size_t i = 0; i < c->n; i++) {
    outfile *f = c->files[i];
    if (!f->tmp) continue;
    if (rename(f->tmp, f->path) != 0) {
      int e = errno;
      if (done == 0) { /* nothing moved yet: back to the previous run's files */
        if (journal) unlink(c->journal);
        commit_abort(c);
        return cl_fail(err, CL_EXIT_OUTPUT, "cannot move %s into place: %s", f->path,
                       strerror(e));
      }
      return cl_fail(err, CL_EXIT_OUTPUT, MSG_COMMIT_HALF, f->path, strerror(e), done, staged,
                     c->journal);
    }
    renamed(f);
    char point[32];
    snprintf(point, sizeof point, "rename-%zu", ++done);
    commit_pause(point);
  }
  for (size_t i = 0; i < c->n; i++)
    if (c->files[i]->kind == OUT_STAGED) fsafe_sync_dir(c->files[i]->path);
  commit_pause("renamed");
  if (journal) {
    unlink(c->journal);
    fsafe_sync_dir(c->journal);
  }
  return 0;
}

/* --- recovery at start ------------------------------------------------------- */

/* A target ending in '/' stands for any file directly in that folder (the
** audience files, whose names follow the rules'). */
static int is_target(const char *path, const char *const *targets, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!targets[i]) continue;
    size_t tl = strlen(targets[i]);
    if (tl && targets[i][tl - 1] == '/') {
      if (strncmp(path, targets[i], tl) == 0 && path[tl] && !strchr(path + tl, '/')) return 1;
    } else if (strcmp(targets[i], path) == 0) {
      return 1;
    }
  }
  return 0;
}

/* A temporary the journal may rename: "<target>.tmp.<pid>.<hex>", ours. */
static int trusted_temp(const char *tmp, const char *target) {
  size_t tl = strlen(target);
  if (strncmp(tmp, target, tl) != 0 || strchr(tmp + tl, '/')) return 0;
  const char *slash = strrchr(target, '/');
  if (!fsafe_temp_pid(tmp + (slash ? (size_t)(slash + 1 - target) : 0),
                      slash ? slash + 1 : target))
    return 0;
  struct stat st;
  return lstat(tmp, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid();
}

/* Parse the journal in p[0..len) into pairs; returns their count, -1 if malformed. */
static long journal_parse(char *p, size_t len, char ***pairs) {
  size_t ml = strlen(JOURNAL_MAGIC), el = strlen(JOURNAL_END);
  if (len < ml + el || memcmp(p, JOURNAL_MAGIC, ml) != 0 ||
      memcmp(p + len - el, JOURNAL_END, el) != 0)
    return -1;
  char *q = p + ml, *end = p + len - el, *nl;
  unsigned long n = strtoul(q, &nl, 10);
  if (nl == q || *nl != '\n' || n > 1024) return -1;
  q = nl + 1;
  *pairs = cl_calloc(2 * n + 1, sizeof **pairs);
  for (unsigned long i = 0; i < 2 * n; i++) {
    char *z = memchr(q, '\0', (size_t)(end - q));
    if (!z) {
      free(*pairs);
      return -1;
    }
    (*pairs)[i] = q;
    q = z + 1;
  }
  if (q != end) {
    free(*pairs);
    return -1;
  }
  return (long)n;
}

static int roll_forward(const char *journal, char *text, size_t len, const char *const *targets,
                        size_t n, logger *log, cl_error *err) {
  char **pairs = NULL;
  long np = journal_parse(text, len, &pairs);
  if (np < 0) {
    log_msg(log, LOG_WARNING, MSG_JOURNAL_IGNORED, journal, "it is not a cleave journal");
    unlink(journal);
    return 0;
  }
  size_t moved = 0;
  for (long i = 0; i < np; i++) {
    const char *tmp = pairs[2 * i], *target = pairs[2 * i + 1];
    struct stat st;
    if (lstat(tmp, &st) != 0 && errno == ENOENT) continue; /* moved before the kill */
    if (!is_target(target, targets, n) || !trusted_temp(tmp, target)) {
      log_msg(log, LOG_WARNING, MSG_JOURNAL_PAIR_REFUSED, journal, tmp, target);
      continue;
    }
    if (rename(tmp, target) != 0) {
      int e = errno;
      free(pairs);
      return cl_fail(err, CL_EXIT_OUTPUT, MSG_JOURNAL_FAILED, journal, tmp, target, strerror(e));
    }
    fsafe_sync_dir(target);
    moved++;
  }
  free(pairs);
  unlink(journal);
  fsafe_sync_dir(journal);
  log_msg(log, LOG_WARNING, MSG_JOURNAL_ROLLED, moved, journal);
  return 0;
}

static int recover_journal(const char *journal, const char *const *targets, size_t n,
                           logger *log, cl_error *err) {
  int fd = open(journal, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno != ENOENT)
      log_msg(log, LOG_WARNING, MSG_JOURNAL_IGNORED, journal,
              errno == ELOOP ? "it is a symbolic link" : strerror(errno));
    return 0;
  }
  struct stat st;
  const char *why = NULL;
  if (fstat(fd, &st) != 0) why = strerror(errno);
  else if (!S_ISREG(st.st_mode)) why = "it is not a regular file";
  else if (st.st_uid != geteuid()) why = "another user owns it";
  char *text = NULL;
  size_t len = 0;
  int e = why ? 0 : fsafe_read_all(fd, JOURNAL_MAX, &text, &len);
  close(fd);
  if (!why && e) why = strerror(e);
  if (why) {
    log_msg(log, LOG_WARNING, MSG_JOURNAL_IGNORED, journal, why);
    return 0;
  }
  int rc = roll_forward(journal, text, len, targets, n, log, err);
  free(text);
  return rc;
}

int commit_recover(const char *journal, const char *const *targets, size_t n, logger *log,
                   cl_error *err) {
  if (journal && recover_journal(journal, targets, n, log, err)) return err->code;
  int swept = journal ? fsafe_sweep(journal) : 0;
  for (size_t i = 0; i < n; i++)
    if (targets[i]) swept += fsafe_sweep(targets[i]);
  if (swept) log_msg(log, LOG_INFO, MSG_SWEPT, swept);
  commit_pause("recovered");
  return 0;
}

/* --- one file named twice ------------------------------------------------------ */

typedef struct fid {
  int exists;
  dev_t dev;
  ino_t ino;
  char *dir;
  const char *base;
} fid;

static int fid_of(const commit_name *c, fid *f) {
  memset(f, 0, sizeof *f);
  struct stat st;
  int ok = (c->output ? lstat(c->path, &st) : stat(c->path, &st)) == 0;
  if (ok && !S_ISREG(st.st_mode) && !(c->output && S_ISLNK(st.st_mode)))
    return 0; /* a device, a FIFO, a directory: nothing a rename could destroy */
  if (ok) {
    f->exists = 1;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
  }
  char *d = fsafe_dirname(c->path);
  char real[PATH_MAX];
  f->dir = realpath(d, real) ? cl_strdup(real) : cl_strdup(d);
  free(d);
  const char *slash = strrchr(c->path, '/');
  f->base = slash ? slash + 1 : c->path;
  return 1;
}

static int fid_same(const fid *a, const fid *b) {
  if (a->exists && b->exists) return a->dev == b->dev && a->ino == b->ino;
  return strcmp(a->dir, b->dir) == 0 && strcmp(a->base, b->base) == 0;
}

/* Exit code: CL_EXIT_USAGE (2). The same file named twice is a mistake in
** how the run was asked for (flags or engine.ini), found before anything is
** read or written; it is not a file that failed to be written (6), and it is
** not always engine.ini's fault (3). */
int commit_distinct(const commit_name *v, size_t n, cl_error *err) {
  fid *f = cl_calloc(n, sizeof *f);
  int *have = cl_calloc(n, sizeof *have), rc = 0;
  for (size_t i = 0; i < n; i++)
    have[i] = v[i].path && strcmp(v[i].path, "-") != 0 && fid_of(&v[i], &f[i]);
  for (size_t i = 0; i < n && !rc; i++)
    for (size_t j = i + 1; j < n && !rc; j++)
      if (have[i] && have[j] && fid_same(&f[i], &f[j]))
        rc = cl_fail(err, CL_EXIT_USAGE, MSG_SAME_FILE, v[i].role, v[i].path, v[j].role,
                     v[j].path);
  for (size_t i = 0; i < n; i++) free(f[i].dir);
  free(f);
  free(have);
  return rc;
}
