/* SPDX-License-Identifier: MIT */
/*
** audience.c -- the audience files of a run (see audience.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audience.h"
#include "buf.h"
#include "fsafe.h"
#include "strset.h"
#include "suggest.h"
#include "utf8.h"

#define MANIFEST_MAGIC "cleave-audiences 1\n"
#define MANIFEST_MAX (4u << 20)

static char *joined(const char *a, const char *b, const char *c) {
  size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
  char *p = cl_malloc(n);
  snprintf(p, n, "%s%s%s", a, b, c);
  return p;
}

/* A name cleave may have written into DIR, hence may remove: the rule
** names' characters (and '=' between a split and its value), not starting
** with '.', ending in ".csv". */
static int file_name_ok(const char *s, size_t len) {
  if (len < 5 || len > 300 || s[0] == '.' || memcmp(s + len - 4, ".csv", 4) != 0) return 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '-' || c == '.' || c == '='))
      return 0;
  }
  return 1;
}

static int name_refused(const char *what, const char *name, uint32_t line, const graph *g,
                        cl_error *err) {
  return cl_fail(err, CL_EXIT_RULES, "%s:%u: %s '%s' cannot name an audience file: a name "
                 "starting with '.' would be a hidden file; rename it, or run without "
                 "audiences", g->rules_path, line, what, name);
}

int aud_plan(audiences *a, const config *cfg, const graph *g, logger *log, cl_error *err) {
  memset(a, 0, sizeof *a);
  a->log = log;
  if (!cfg->audiences) return 0;
  size_t dl = strlen(cfg->audiences);
  while (dl > 1 && cfg->audiences[dl - 1] == '/') dl--;
  a->dir = cl_strndup(cfg->audiences, dl);
  a->pattern = joined(a->dir, "/", "");
  a->lock = joined(a->dir, "/", ".cleave.lock");
  size_t nv = 0;
  for (uint32_t m = 0; cfg->audience_macros && m < g->nmacros; m++) nv += g->macros[m].nvalues;
  size_t n = g->nmicros + nv;
  if (n > AUD_MAX_FILES)
    return cl_fail(err, CL_EXIT_CONFIG, "audiences: %zu files (%u micro segments%s%zu macro "
                   "values), more than the %d cleave writes in one run (one open file each)%s",
                   n, g->nmicros, nv ? " and " : "", nv, AUD_MAX_FILES,
                   nv ? "; set audience_macros = no" : "");
  a->n = (uint32_t)n;
  a->names = cl_calloc(n ? n : 1, sizeof *a->names);
  a->paths = cl_calloc(n ? n : 1, sizeof *a->paths);
  a->files = cl_calloc(n ? n : 1, sizeof *a->files);
  for (uint32_t k = 0; k < g->nmicros; k++) {
    if (g->micros[k].name[0] == '.')
      return name_refused("micro segment", g->micros[k].name, g->micros[k].line, g, err);
    a->names[k] = joined(g->micros[k].name, ".csv", "");
  }
  size_t k = g->nmicros;
  for (uint32_t m = 0; cfg->audience_macros && m < g->nmacros; m++) {
    const macro *ms = &g->macros[m];
    if (ms->name[0] == '.') return name_refused("macro split", ms->name, ms->line, g, err);
    for (uint32_t v = 0; v < ms->nvalues; v++) {
      char *p = joined(ms->name, "=", ms->values[v]);
      a->names[k++] = joined(p, ".csv", "");
      free(p);
    }
  }
  for (uint32_t i = 0; i < a->n; i++) {
    if (!file_name_ok(a->names[i], strlen(a->names[i]))) /* rules.md's names cannot do this */
      return cl_fail(err, CL_EXIT_RULES, "audience file name '%s' is not a plain file name",
                     a->names[i]);
    a->paths[i] = joined(a->pattern, a->names[i], "");
  }
  return 0;
}

int aud_distinct(const audiences *a, const commit_name *v, size_t n, cl_error *err) {
  size_t total = n + (a->dir ? a->n + 2 : 0);
  commit_name *all = cl_calloc(total ? total : 1, sizeof *all);
  memcpy(all, v, n * sizeof *v);
  if (a->dir) {
    for (uint32_t i = 0; i < a->n; i++) all[n + i] = (commit_name){"an audience file", a->paths[i], 1};
    all[n + a->n] = (commit_name){"the audience manifest", NULL, 1};
    all[n + a->n + 1] = (commit_name){"the audience lock", NULL, 1};
  }
  char *man = a->dir ? joined(a->pattern, AUD_MANIFEST, "") : NULL;
  if (a->dir) all[n + a->n].path = man;
  int rc = commit_distinct(all, total, err);
  free(man);
  free(all);
  return rc;
}

int aud_dir(audiences *a, cl_error *err) {
  if (!a->dir) return 0;
  char why[FSAFE_WHY_MAX];
  int created;
  if (fsafe_output_dir(a->dir, 0755, &created, why) != 0) {
    if (strcmp(why, "it is a symbolic link") == 0)
      return cl_fail(err, CL_EXIT_OUTPUT, "audiences: %s is a symbolic link: audience files are "
                     "never written through one (name the folder it leads to)", a->dir);
    if (strcmp(why, "it is not a folder") == 0)
      return cl_fail(err, CL_EXIT_OUTPUT, "audiences: %s is not a folder", a->dir);
    return cl_fail(err, CL_EXIT_OUTPUT, "audiences: cannot create the folder %s: %s", a->dir, why);
  }
  if (created) log_msg(a->log, LOG_INFO, "audiences: created the folder %s", a->dir);
  return 0;
}

/* --- the manifest ---------------------------------------------------------- */

typedef void (*manifest_fn)(void *ud, int gone, const char *name);

/* Read DIR's manifest (absent or unusable: nothing) and call fn for each
** valid entry. */
static void manifest_read(const audiences *a, manifest_fn fn, void *ud) {
  char why[FSAFE_WHY_MAX];
  int fd = fsafe_open_read(a->dir, AUD_MANIFEST, FSAFE_REGULAR | FSAFE_BENEATH, MANIFEST_MAX, why);
  if (fd < 0) {
    if (errno != ENOENT)
      log_msg(a->log, LOG_WARNING, "audiences: ignoring %s%s: %s", a->pattern, AUD_MANIFEST, why);
    return;
  }
  char *text = NULL;
  size_t len = 0;
  int e = fsafe_read_all(fd, MANIFEST_MAX, &text, &len);
  close(fd);
  size_t ml = strlen(MANIFEST_MAGIC);
  if (e || len < ml || memcmp(text, MANIFEST_MAGIC, ml) != 0) {
    log_msg(a->log, LOG_WARNING, "audiences: ignoring %s%s: %s", a->pattern, AUD_MANIFEST,
            e ? strerror(e) : "it is not a cleave audience manifest");
    free(text);
    return;
  }
  char *p = text + ml, *end = text + len;
  while (p < end) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) break; /* a cut last line is not trusted */
    *nl = '\0';
    int gone = strncmp(p, "gone ", 5) == 0;
    if ((gone || strncmp(p, "file ", 5) == 0) && file_name_ok(p + 5, strlen(p + 5)))
      fn(ud, gone, p + 5);
    p = nl + 1;
  }
  free(text);
}

/* A regular file of ours, directly in dfd? */
static int ours(int dfd, const char *name) {
  struct stat st;
  return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
         st.st_uid == geteuid();
}

typedef struct remover {
  int dfd;
  size_t removed;
} remover;

static void remove_gone(void *ud, int gone, const char *name) {
  remover *r = ud;
  if (gone && ours(r->dfd, name) && unlinkat(r->dfd, name, 0) == 0) r->removed++;
}

static int open_dir(const audiences *a) {
  return open(a->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

void aud_recover(audiences *a) {
  if (!a->dir) return;
  remover r = {open_dir(a), 0};
  if (r.dfd < 0) return;
  manifest_read(a, remove_gone, &r);
  if (r.removed) {
    fsync(r.dfd);
    log_msg(a->log, LOG_WARNING, "audiences: removed %zu stale audience file%s that the last "
            "run, killed after its commit, had left in %s", r.removed, r.removed == 1 ? "" : "s",
            a->dir);
  }
  close(r.dfd);
  fsafe_sweep(a->pattern); /* temporaries of dead runs, whatever their segment's name */
}

typedef struct stale {
  const audiences *a;
  int dfd;
  strset now, seen;
  char **v;
  size_t n, cap;
} stale;

static void find_stale(void *ud, int gone, const char *name) {
  (void)gone;
  stale *s = ud;
  size_t len = strlen(name);
  if (strset_find(&s->now, name, len) >= 0 || strset_find(&s->seen, name, len) >= 0) return;
  strset_add(&s->seen, name, len);
  if (!ours(s->dfd, name)) return;
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->v = cl_realloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n++] = cl_strdup(name);
}

/* --- columns ---------------------------------------------------------------- */

int aud_bind(audiences *a, const config *cfg, bound_input *b, cl_error *err) {
  if (!a->dir) return 0;
  uint8_t *want = cl_calloc(b->ncols ? b->ncols : 1, 1);
  const char *list = cfg->audience_columns ? cfg->audience_columns : "";
  int rc = 0;
  while (*list && !rc) {
    size_t len = strcspn(list, ",");
    char *name = cl_strndup(list, len);
    size_t i = 0;
    while (i < b->ncols && strcmp(b->header[i], name) != 0) i++;
    if (!len)
      rc = cl_fail(err, CL_EXIT_CONFIG, "audience_columns = %s: an empty column name "
                   "(write the names separated by ',', no spaces)", cfg->audience_columns);
    else if (i == b->ncols) {
      const char *hint = suggest_closest(name, (const char *const *)b->header, b->ncols);
      rc = cl_fail(err, CL_EXIT_CONFIG, "audience_columns: no column '%s' in the header of "
                   "%s%s%s%s", name, b->in.name, hint ? " (did you mean '" : "",
                   hint ? hint : "", hint ? "'?)" : "");
    } else {
      want[i] = 1;
    }
    free(name);
    list += len;
    if (*list == ',') {
      list++;
      if (!*list && !rc)
        rc = cl_fail(err, CL_EXIT_CONFIG, "audience_columns = %s: an empty column name after "
                     "the last ','", cfg->audience_columns);
    }
  }
  if (!rc) {
    seg_shape *sh = &b->shape;
    a->cols = cl_calloc(b->ncols + 1, sizeof *a->cols);
    a->cols[a->ncols++] = sh->id_col;
    for (size_t i = 0; i < b->ncols; i++)
      if (want[i] && i != sh->id_col) {
        a->cols[a->ncols++] = (uint32_t)i;
        b->keep[i] = 1; /* the scanner cuts it out for us */
      }
    sh->naud = a->n;
    sh->aud_macros = cfg->audience_macros;
    sh->aud_cols = a->cols;
    sh->naud_cols = a->ncols;
  }
  free(want);
  return rc;
}

/* --- the files ----------------------------------------------------------------- */

/* One descriptor per file while the run lasts: raise the soft limit if
** needed (within the hard one). */
static int enough_fds(const audiences *a, cl_error *err) {
  struct rlimit rl;
  rlim_t need = (rlim_t)a->n + 64;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
    return 0;
  if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) {
    rl.rlim_cur = need;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0) return 0;
  }
  return cl_fail(err, CL_EXIT_OUTPUT, "audiences: %u files need %llu open files, and the limit "
                 "is %llu (ulimit -n)", a->n, (unsigned long long)need,
                 (unsigned long long)rl.rlim_max);
}

int aud_open(audiences *a, const bound_input *b, const config *cfg, commit *c, cl_error *err) {
  if (!a->dir) return 0;
  if (enough_fds(a, err)) return err->code;
  buf h = {0};
  if (cfg->out_bom) buf_puts(&h, "\xEF\xBB\xBF");
  for (uint32_t j = 0; j < a->ncols; j++) {
    if (j) buf_putc(&h, cfg->out_delimiter);
    const char *name = b->header[a->cols[j]];
    utf8_csv_field(&h, name, strlen(name), cfg->out_delimiter);
  }
  buf_puts(&h, cfg->out_crlf ? "\r\n" : "\n");
  int rc = 0;
  for (uint32_t k = 0; k < a->n && !rc; k++) {
    if ((rc = outfile_open(&a->files[k], a->paths[k], err))) break;
    a->opened++;
    commit_add(c, &a->files[k]);
    rc = outfile_write(&a->files[k], h.p, h.len, err);
  }
  buf_free(&h);
  if (rc) return rc;
  /* the manifest: what this run writes, and what an earlier one wrote that it does not */
  stale s;
  memset(&s, 0, sizeof s);
  s.a = a;
  s.dfd = open_dir(a);
  strset_init(&s.now);
  strset_init(&s.seen);
  for (uint32_t k = 0; k < a->n; k++) strset_add(&s.now, a->names[k], strlen(a->names[k]));
  if (s.dfd >= 0) {
    manifest_read(a, find_stale, &s);
    close(s.dfd);
  }
  strset_free(&s.now);
  strset_free(&s.seen);
  a->gone = s.v;
  a->ngone = s.n;
  buf m = {0};
  buf_puts(&m, MANIFEST_MAGIC);
  for (uint32_t k = 0; k < a->n; k++) buf_printf(&m, "file %s\n", a->names[k]);
  for (size_t i = 0; i < a->ngone; i++) buf_printf(&m, "gone %s\n", a->gone[i]);
  char *path = joined(a->pattern, AUD_MANIFEST, "");
  rc = outfile_open(&a->manifest, path, err);
  free(path);
  if (!rc) {
    a->manifest_open = 1;
    commit_add(c, &a->manifest);
    rc = outfile_write(&a->manifest, m.p, m.len, err);
  }
  buf_free(&m);
  return rc;
}

int aud_write(audiences *a, uint32_t k, const char *p, size_t n, cl_error *err) {
  return outfile_write(&a->files[k], p, n, err);
}

void aud_committed(audiences *a) {
  if (!a->dir || !a->ngone) return;
  int dfd = open_dir(a);
  if (dfd < 0) return;
  size_t removed = 0;
  for (size_t i = 0; i < a->ngone; i++)
    if (ours(dfd, a->gone[i]) && unlinkat(dfd, a->gone[i], 0) == 0) removed++;
  fsync(dfd);
  close(dfd);
  log_msg(a->log, LOG_INFO, "audiences: removed %zu file%s of segments this run no longer has "
          "from %s", removed, removed == 1 ? "" : "s", a->dir);
}

void aud_abort(audiences *a) {
  for (uint32_t k = 0; k < a->opened; k++) outfile_abort(&a->files[k]);
  if (a->manifest_open) outfile_abort(&a->manifest);
}

void aud_free(audiences *a) {
  for (uint32_t k = 0; k < a->n; k++) {
    if (a->names) free(a->names[k]);
    if (a->paths) free(a->paths[k]);
    if (a->files) outfile_free(&a->files[k]);
  }
  for (size_t i = 0; i < a->ngone; i++) free(a->gone[i]);
  outfile_free(&a->manifest);
  free(a->gone);
  free(a->names);
  free(a->paths);
  free(a->files);
  free(a->cols);
  free(a->dir);
  free(a->pattern);
  free(a->lock);
  memset(a, 0, sizeof *a);
}
