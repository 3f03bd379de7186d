/* SPDX-License-Identifier: MIT */
/*
** run.c -- the `cleave run` command.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audience.h"
#include "buf.h"
#include "commit.h"
#include "datecalc.h"
#include "fsafe.h"
#include "invalid.h"
#include "outfile.h"
#include "report_state.h"
#include "pipeline.h"
#include "rules.h"
#include "run.h"
#include "state.h"
#include "messages.h"
#include "suggest.h"
#include "summary.h"
#include "utf8.h"

#define DEFAULT_CHUNK (1u << 20)
#define REJECTS_LOGGED 10

int run_threads(const config *cfg) {
  if (cfg->threads > 0) return cfg->threads;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)(n > 256 ? 256 : n) : 1;
}

/* "comma", "semicolon", "tab", "pipe" */
static const char *delim_word(char d) {
  return d == ';' ? "semicolon" : d == '\t' ? "tab" : d == '|' ? "pipe" : "comma";
}

/* 0: a and b differ by more than spaces around them and ASCII case; else
** what they differ by. */
static const char *loose_match(const char *a, const char *b) {
  size_t al = strlen(a), bl = strlen(b);
  const char *as = a, *bs = b;
  while (al && (*as == ' ' || *as == '\t')) as++, al--;
  while (al && (as[al - 1] == ' ' || as[al - 1] == '\t')) al--;
  while (bl && (*bs == ' ' || *bs == '\t')) bs++, bl--;
  while (bl && (bs[bl - 1] == ' ' || bs[bl - 1] == '\t')) bl--;
  if (al != bl || !al || strncasecmp(as, bs, al) != 0) return NULL;
  int spaces = strlen(a) != al || strlen(b) != bl, cased = strncmp(as, bs, al) != 0;
  return spaces && cased ? "spaces and case" : spaces ? "spaces" : cased ? "case" : NULL;
}

/* The header's one name holds another delimiter: which one, or 0. */
static char other_delimiter(const bound_input *b, char delim) {
  static const char cands[] = {';', '\t', '|', ','};
  if (b->ncols != 1) return 0;
  for (size_t k = 0; k < sizeof cands; k++)
    if (cands[k] != delim && strchr(b->header[0], cands[k])) return cands[k];
  return 0;
}

static int id_missing(const bound_input *b, const config *cfg, cl_error *err) {
  char d = other_delimiter(b, (char)b->in.delim);
  if (d) {
    char shown[8];
    snprintf(shown, sizeof shown, d == '\t' ? "a tab" : "'%c'", d);
    return cl_fail(err, CL_EXIT_INPUT, MSG_HEADER_ONE_COLUMN, b->in.name,
                   (unsigned long long)b->header_lines, cfg->id_column, b->header[0], shown,
                   delim_word(d), delim_word(d));
  }
  for (size_t i = 0; i < b->ncols; i++) {
    const char *how = loose_match(cfg->id_column, b->header[i]);
    if (how)
      return cl_fail(err, CL_EXIT_INPUT, MSG_ID_LOOSE, b->in.name,
                     (unsigned long long)b->header_lines, cfg->id_column, b->header[i], how);
  }
  return 0;
}

/* A rule column missing from the header that a header name matches but for
** spaces or case: say so (before rules_bind's plainer "not in the header"). */
static int columns_loose(const session *s, const bound_input *b, cl_error *err) {
  strset names;
  strset_init(&names);
  for (size_t c = 0; c < b->ncols; c++) strset_add(&names, b->header[c], strlen(b->header[c]));
  int rc = 0, looked = 0;
  for (uint32_t i = 0; i < s->g.nslots && !rc && looked < 64; i++) {
    const slot *sl = &s->g.slots[i];
    if (strset_find(&names, sl->column, strlen(sl->column)) >= 0) continue;
    looked++; /* a few missing columns are looked for; rules_bind lists all */
    for (size_t c = 0; c < b->ncols && !rc; c++) {
      const char *how = loose_match(sl->column, b->header[c]);
      if (how)
        rc = cl_fail(err, CL_EXIT_RULES, MSG_COLUMN_LOOSE, s->g.rules_path, sl->line,
                     sl->column, b->in.name, b->header[c], how);
    }
  }
  strset_free(&names);
  return rc;
}

static int check_header(const bound_input *b, const config *cfg, cl_error *err) {
  strset seen; /* hashed: a header of 100,000 columns is checked in linear time */
  strset_init(&seen);
  size_t *first = cl_malloc((b->ncols ? b->ncols : 1) * sizeof *first); /* per item of seen */
  int rc = 0;
  for (size_t j = 0; j < b->ncols && !rc; j++) {
    size_t len = strlen(b->header[j]);
    if (!len) continue; /* unnamed columns may repeat */
    int64_t i = strset_find(&seen, b->header[j], len);
    if (i >= 0 && !cfg->in_header)
      rc = cl_fail(err, CL_EXIT_CONFIG, "%s: '%s' is named twice (names %zu and %zu)",
                   b->columns_what, b->header[j], first[i] + 1, j + 1);
    else if (i >= 0)
      rc = cl_fail(err, CL_EXIT_INPUT, "%s:%llu: column '%s' appears twice in the header "
                   "(columns %zu and %zu)", b->in.name,
                   (unsigned long long)b->header_lines, b->header[j], first[i] + 1, j + 1);
    else
      first[strset_add(&seen, b->header[j], len)] = j;
  }
  strset_free(&seen);
  free(first);
  if (rc) return rc;
  for (size_t i = 0; i < b->ncols; i++)
    if (strcmp(b->header[i], cfg->id_column) == 0) return 0;
  if (!cfg->in_header) {
    const char *hint = suggest_closest(cfg->id_column, (const char *const *)b->header, b->ncols);
    return cl_fail(err, CL_EXIT_CONFIG, "%s: no column '%s' for the customer id%s%s%s (name "
                   "it there, or pass --id-column NAME)", b->columns_what, cfg->id_column,
                   hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
  }
  if (id_missing(b, cfg, err)) return err->code;
  const char *hint = suggest_closest(cfg->id_column, (const char *const *)b->header, b->ncols);
  return cl_fail(err, CL_EXIT_INPUT, "%s:%llu: no column '%s' for the customer id%s%s%s "
                 "(set id_column in [input] of engine.ini, or pass --id-column NAME)", b->in.name,
                 (unsigned long long)b->header_lines, cfg->id_column,
                 hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}

/* header = no: the names from columns = a,b,c, or from the first row of
** columns_from = FILE (read as the input is, its delimiter sniffed when auto). */
static int no_header(const config *cfg, bound_input *b, cl_error *err) {
  if (input_no_header(&b->in, (unsigned char)cfg->delimiter, err)) return err->code;
  if (cfg->columns) {
    snprintf(b->columns_what, sizeof b->columns_what, "columns = %.200s%s", cfg->columns,
             strlen(cfg->columns) > 200 ? "..." : "");
    return input_columns(cfg->columns, b->columns_what, &b->header, &b->ncols, err);
  }
  snprintf(b->columns_what, sizeof b->columns_what, "the header of %.200s (columns_from)",
           cfg->columns_from);
  input h;
  uint64_t lines;
  int rc = input_open(&h, cfg->columns_from, err);
  if (!rc) rc = input_set_dialect(&h, cfg->quote, cfg->encoding, err);
  if (!rc) rc = input_header(&h, (unsigned char)cfg->delimiter, &b->header, &b->ncols, &lines, err);
  if (rc) cl_error_prefix(err, "columns_from: ");
  input_close(&h);
  return rc;
}

int bind_input(session *s, bound_input *b, cl_error *err) {
  memset(b, 0, sizeof *b);
  const config *cfg = &s->cfg;
  if (!cfg->input)
    return cl_fail(err, CL_EXIT_CONFIG, "no input: set path = FILE in [input] of engine.ini, "
                   "or pass --input FILE (- for standard input)");
  if (input_open(&b->in, cfg->input, err)) return err->code;
  if (input_set_dialect(&b->in, cfg->quote, cfg->encoding, err)) return err->code;
  if (cfg->in_header ? input_header(&b->in, (unsigned char)cfg->delimiter, &b->header,
                                    &b->ncols, &b->header_lines, err)
                     : no_header(cfg, b, err))
    return err->code;
  if (!cfg->delimiter)
    log_msg(&s->log, LOG_INFO, MSG_DELIMITER_SNIFFED, b->in.name, delim_word((char)b->in.delim));
  if (check_header(b, cfg, err)) return err->code;
  if (columns_loose(s, b, err)) return err->code;
  if (rules_bind(&s->g, b->header, b->ncols, b->in.name, err)) return err->code;
  b->keep = cl_calloc(b->ncols, 1);
  seg_shape *sh = &b->shape;
  sh->g = &s->g;
  sh->ncols = b->ncols;
  for (size_t i = 0; i < b->ncols; i++)
    if (strcmp(b->header[i], cfg->id_column) == 0) sh->id_col = (uint32_t)i;
  sh->id_name = cfg->id_column;
  b->keep[sh->id_col] = 1;
  for (uint32_t i = 0; i < s->g.nslots; i++) b->keep[s->g.slots[i].col] = 1;
  sh->keep = b->keep;
  sh->delim = b->in.delim; /* as given, or as sniffed */
  sh->quote = cfg->quote;
  sh->reader = cfg->reader;
  sh->out_delim = cfg->out_delimiter;
  sh->crlf = cfg->out_crlf;
  if (cfg->decimal == ',') { /* the number columns get the comma rule */
    b->numcols = cl_calloc(b->ncols, 1);
    for (uint32_t i = 0; i < s->g.nslots; i++)
      if (s->g.slots[i].type == VT_NUMBER) b->numcols[s->g.slots[i].col] = 1;
    sh->numcols = b->numcols;
  }
  sh->value_base = cl_calloc(s->g.nmacros ? s->g.nmacros : 1, sizeof *sh->value_base);
  for (uint32_t m = 0; m < s->g.nmacros; m++) {
    sh->value_base[m] = sh->nvalues;
    sh->nvalues += s->g.macros[m].nvalues;
  }
  sh->value_len = cl_calloc(sh->nvalues ? sh->nvalues : 1, sizeof *sh->value_len);
  for (uint32_t m = 0; m < s->g.nmacros; m++)
    for (uint32_t v = 0; v < s->g.macros[m].nvalues; v++)
      sh->value_len[sh->value_base[m] + v] = (uint32_t)strlen(s->g.macros[m].values[v]);
  sh->micro_len = cl_calloc(s->g.nmicros ? s->g.nmicros : 1, sizeof *sh->micro_len);
  for (uint32_t k = 0; k < s->g.nmicros; k++)
    sh->micro_len[k] = (uint32_t)strlen(s->g.micros[k].name);
  sh->line_max = 5; /* ",...,\r\n" around the values and segments, "" around them */
  for (uint32_t m = 0; m < s->g.nmacros; m++) {
    uint32_t longest = 0;
    for (uint32_t v = 0; v < s->g.macros[m].nvalues; v++)
      if (sh->value_len[sh->value_base[m] + v] > longest) longest = sh->value_len[sh->value_base[m] + v];
    sh->line_max += longest + 1;
  }
  for (uint32_t k = 0; k < s->g.nmicros; k++) sh->line_max += sh->micro_len[k] + 1;
  return 0;
}

void bound_input_free(bound_input *b) {
  for (size_t i = 0; i < b->ncols; i++) free(b->header[i]);
  free(b->header);
  free(b->keep);
  free(b->numcols);
  free(b->shape.value_base);
  free(b->shape.value_len);
  free(b->shape.micro_len);
  input_close(&b->in);
}

int scan_input(bound_input *b, csv_scan *scan, uint64_t *base, const int *done,
               cl_error *err) {
  *base = b->header_lines + 1;
  int rc = 0, clean;
  chunk c;
  while (!*done && (rc = input_chunk(&b->in, 1 << 20, &c, err)) == 1) {
    csv_scan_feed(scan, c.data, c.len, c.final, &clean);
    *base += scan->line;
    free(c.data);
  }
  if (*done) return 0;
  if (rc == 0) csv_scan_feed(scan, "", 0, 1, &clean); /* a last row without a line end */
  return rc;
}

/* --- where the rows go --------------------------------------------------- */

typedef struct sinks {
  outfile out, rej;
  int have_rej;
  logger *log;
  const char *input_name;
  uint64_t logged;
  progress pg;  /* the terminal's progress line, if any */
  audiences *aud;
  state_run *state; /* --state: membership records go here */
} sinks;

static int sink_out(void *ud, const char *p, size_t n, cl_error *err) {
  sinks *k = ud;
  return outfile_write(&k->out, p, n, err);
}

static int sink_aud(void *ud, uint32_t a, const char *p, size_t n, cl_error *err) {
  return aud_write(((sinks *)ud)->aud, a, p, n, err);
}

static int sink_state(void *ud, const char *p, size_t n, cl_error *err) {
  sinks *k = ud;
  return state_rows(k->state, p, n, err);
}

static int sink_reject(void *ud, uint64_t line, uint64_t last, const char *reason, size_t rl,
                       const char *raw, size_t wl, cl_error *err) {
  sinks *k = ud;
  char where[48];
  if (last > line) snprintf(where, sizeof where, "%llu-%llu", (unsigned long long)line,
                            (unsigned long long)last);
  else snprintf(where, sizeof where, "%llu", (unsigned long long)line);
  if (k->logged++ < REJECTS_LOGGED || !k->have_rej) {
    progress_hide(&k->pg); /* the message gets a line of its own */
    log_msg(k->log, LOG_WARNING, "%s:%s: row rejected: %.*s", k->input_name, where, (int)rl,
            reason);
  }
  if (!k->have_rej) return 0;
  buf b = {0};
  buf_puts(&b, where);
  buf_putc(&b, ',');
  buf_csv_field(&b, reason, rl, ',');
  buf_putc(&b, ',');
  utf8_csv_field(&b, raw, wl, ','); /* the record as read; bad bytes as U+FFFD */
  buf_putc(&b, '\n');
  int rc = outfile_write(&k->rej, b.p, b.len, err);
  buf_free(&b);
  return rc;
}

/* --- one run at a time ------------------------------------------------------ */

/* The files a run names, decided before anything is opened. */
typedef struct run_files {
  const char *out;      /* output path, "-" for standard output */
  char *rej;            /* NULL: no reject file */
  char *lock;           /* NULL: no lock (no file of this run is replaced) */
  char *journal;        /* "<lock>.journal" */
  const char *staged[4]; /* output, rejects, summary, report when renamed into place */
} run_files;

#define LOCK_PID_WIDTH 11 /* "%-10ld\n": the lock is never truncated, always this wide */

static void lock_holder(int fd, char *who, size_t n) {
  char pid[LOCK_PID_WIDTH + 1] = "";
  ssize_t r = pread(fd, pid, LOCK_PID_WIDTH, 0);
  pid[r > 0 ? r : 0] = '\0';
  pid[strcspn(pid, " \n")] = '\0';
  who[0] = '\0';
  if (pid[0]) snprintf(who, n, " (pid %s)", pid);
}

/* The lock: opened O_NOFOLLOW (a planted symlink is refused), a regular
** file only, never truncated, never removed (removing it would let a run
** that waits on the old inode and a run on a new one both "hold" it). The
** pid is written, at a fixed width, only into a lock file that is ours alone
** (owned by the effective user, one link): a hard link planted to another
** file is used for flock but never written. */
static int take_lock(const char *path, int *fd, cl_error *err) {
  *fd = -1;
  if (!path) return 0;
  struct stat st;
  char why[FSAFE_WHY_MAX];
  *fd = fsafe_open_own(path, O_RDWR, &st, why);
  if (*fd < 0) {
    if (errno == ELOOP)
      return cl_fail(err, CL_EXIT_OUTPUT, MSG_LOCK_UNUSABLE, path,
                     "it is a symbolic link (a lock file is never followed)");
    if (errno == EINVAL) return cl_fail(err, CL_EXIT_OUTPUT, MSG_LOCK_UNUSABLE, path, why);
    return cl_fail(err, CL_EXIT_OUTPUT, "cannot create lock file %s: %s", path, why);
  }
  if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
    char who[48];
    lock_holder(*fd, who, sizeof who);
    close(*fd);
    *fd = -1;
    return cl_fail(err, CL_EXIT_LOCKED, "another cleave run%s holds %s; not starting a "
                   "second one", who, path);
  }
  if (st.st_uid == geteuid() && st.st_nlink == 1) {
    char pid[32];
    snprintf(pid, sizeof pid, "%-10ld\n", (long)getpid() % 10000000000L);
    if (pwrite(*fd, pid, LOCK_PID_WIDTH, 0) < 0) { /* best effort: only for the message */ }
  }
  return 0;
}

/* Default rejects: "<output>.rejects.csv" beside an output file; none when
** the output is standard output or a device (/dev/null.rejects.csv is no
** place for a file). */
static char *default_rejects(const config *cfg, int out_kind) {
  if (cfg->rejects) return cl_strdup(cfg->rejects);
  if (!cfg->output || out_kind != OUT_STAGED) return NULL;
  size_t n = strlen(cfg->output) + 16;
  char *p = cl_malloc(n);
  snprintf(p, n, "%s.rejects.csv", cfg->output);
  return p;
}

static char *suffixed(const char *path, const char *suffix) {
  size_t n = strlen(path) + strlen(suffix) + 1;
  char *p = cl_malloc(n);
  snprintf(p, n, "%s%s", path, suffix);
  return p;
}

static void run_files_free(run_files *f) {
  free(f->rej);
  free(f->lock);
  free(f->journal);
}

/* Decide every path; refuse a file named twice. The lock defaults to
** "<first replaced file>.lock" (the output, else the rejects, else the
** summary): no lock when nothing is replaced (--output - or /dev/null). */
static int plan_files(const config *cfg, run_files *f, const audiences *aud, cl_error *err) {
  memset(f, 0, sizeof *f);
  f->out = cfg->output ? cfg->output : "-";
  int ko = outfile_kind(f->out, err);
  if (ko < 0) return err->code;
  f->rej = default_rejects(cfg, ko);
  int kr = f->rej ? outfile_kind(f->rej, err) : OUT_STDOUT;
  if (kr < 0) return err->code;
  int ks = cfg->summary ? outfile_kind(cfg->summary, err) : OUT_STDOUT;
  if (ks < 0) return err->code;
  size_t n = 0;
  if (ko == OUT_STAGED) f->staged[n++] = f->out;
  if (kr == OUT_STAGED) f->staged[n++] = f->rej;
  if (ks == OUT_STAGED) f->staged[n++] = cfg->summary;
  int kh = cfg->report ? outfile_kind(cfg->report, err) : OUT_STDOUT;
  if (kh < 0) return err->code;
  if (kh == OUT_STAGED) f->staged[n++] = cfg->report;
  if (cfg->lock) f->lock = cl_strdup(cfg->lock);
  else if (n) f->lock = suffixed(f->staged[0], ".lock");
  else if (aud->dir) f->lock = cl_strdup(aud->lock);
  else if (cfg->state_dir) f->lock = state_lock_path(cfg->state_dir);
  if (f->lock) f->journal = suffixed(f->lock, ".journal");
  commit_name names[] = {
      {"the input", cfg->input, 0},         {"the rule file", cfg->rules, 0},
      {"the output", f->out, 1},            {"the reject file", f->rej, 1},
      {"the summary", cfg->summary, 1},     {"the report", cfg->report, 1},
      {"the lock file", f->lock, 1},
      {"the commit journal", f->journal, 1}};
  return aud_distinct(aud, names, sizeof names / sizeof *names, err);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Open the outputs (summary before rejects: a bad path fails before any
** row is read) and add them to the commit. */
static int open_outputs(const config *cfg, const run_files *f, sinks *k, outfile *sum,
                        int *sum_open, commit *c, cl_error *err) {
  if (outfile_open(&k->out, f->out, err)) return err->code;
  commit_add(c, &k->out);
  if (cfg->summary) {
    if (outfile_open(sum, cfg->summary, err)) return err->code;
    *sum_open = 1;
    commit_add(c, sum);
  }
  if (f->rej) {
    if (outfile_open(&k->rej, f->rej, err)) return err->code;
    k->have_rej = 1;
    commit_add(c, &k->rej);
    if (outfile_write(&k->rej, "line,reason,record\n", 19, err)) return err->code;
  }
  return 0;
}

/* max_rejects: the run fails, and none of its files replaces the previous
** run's (all or nothing). The rows the operator must look at are kept apart,
** as "<rejects>.failed" (failed_rejects_name), replaced by the next failing
** run and never read by cleave. */
static char *failed_rejects_name(const char *rejects) {
  size_t n = strlen(rejects) + sizeof ".failed";
  char *p = cl_malloc(n);
  snprintf(p, n, "%s.failed", rejects);
  return p;
}

/* failed: where the staged rejects go (owned; NULL: a device that has had
** its rows already). */
static void keep_failed_rejects(sinks *k, char *failed, outfile *sum, int sum_open,
                                logger *log) {
  outfile_abort(&k->out);
  if (sum_open) outfile_abort(sum);
  if (failed) {
    free(k->rej.path);
    k->rej.path = failed;
  }
  commit c;
  commit_init(&c, NULL, log);
  commit_add(&c, &k->rej);
  cl_error e2 = {0, ""};
  if (commit_publish(&c, &e2)) log_msg(log, LOG_ERROR, "%s", e2.msg);
  free(c.files);
  free(c.journal);
}

/* A failed run's summary.json (status "failed", summary_failed_json), under
** the lock, after the run's own files were aborted: it alone replaces the
** previous summary (one rename, no journal), so the previous run's other
** files stay and nobody reads yesterday's "ok" as today's. Best effort: the
** run's error is what is reported and returned. */
static void write_failed_summary(const config *cfg, const summary_info *si, const cl_error *e,
                                 logger *log) {
  if (!cfg->summary) return;
  buf js = {0};
  summary_failed_json(si, e, &js);
  outfile f;
  memset(&f, 0, sizeof f);
  commit c;
  commit_init(&c, NULL, log);
  cl_error e2 = {0, ""};
  if (outfile_open(&f, cfg->summary, &e2) == 0) {
    commit_add(&c, &f);
    if (outfile_write(&f, js.p, js.len, &e2) == 0) commit_publish(&c, &e2);
    else commit_abort(&c);
  }
  if (e2.code)
    log_msg(log, e->code == CL_EXIT_OUTPUT ? LOG_DEBUG : LOG_WARNING,
            "the failed run's summary was not written either: %s", e2.msg);
  if (!c.n) outfile_free(&f);
  commit_free(&c);
  buf_free(&js);
}

/* The rule file did not load: its failed summary, written under the lock
** like any failed run's. Without rules the audience files are unknown, so
** when a killed run's journal waits to be rolled forward (it may name
** them) nothing is written: the next run that loads its rules does that. */
static void rules_failed(session *s, double t0, const cl_error *err) {
  run_files rf;
  memset(&rf, 0, sizeof rf);
  audiences none;
  memset(&none, 0, sizeof none);
  cl_error e2 = {0, ""};
  int lock_fd = -1;
  struct stat jst;
  if (s->cfg.summary && plan_files(&s->cfg, &rf, &none, &e2) == 0 &&
      take_lock(rf.lock, &lock_fd, &e2) == 0 && (!rf.journal || lstat(rf.journal, &jst) != 0)) {
    summary_info fi = {s->have_graph ? &s->g : NULL, NULL, NULL, &s->cfg, run_threads(&s->cfg),
                       now_s() - t0, NULL, NULL, NULL, &s->plugins};
    write_failed_summary(&s->cfg, &fi, err, &s->log);
  }
  if (lock_fd >= 0) close(lock_fd);
  run_files_free(&rf);
}

static int do_run(session *s, const cli_opts *o, cl_error *err) {
  config *cfg = &s->cfg;
  double t0 = now_s();
  if (session_rules(s, NULL, NULL, err)) {
    rules_failed(s, t0, err);
    return err->code;
  }
  char day[16];
  date_format_iso(cfg->as_of, day);
  log_event(&s->log, LOG_INFO, "run start: rules %s (sha256 %s), input %s, output %s, as of %s, "
            "%d threads", cfg->rules, s->g.rules_sha256, cfg->input ? cfg->input : "(none)",
            cfg->output ? cfg->output : "-", day, run_threads(cfg));
  run_files rf;
  memset(&rf, 0, sizeof rf);
  audiences aud;
  if (aud_plan(&aud, cfg, &s->g, &s->log, err) || plan_files(cfg, &rf, &aud, err) ||
      aud_dir(&aud, err)) {
    aud_free(&aud);
    run_files_free(&rf);
    return err->code;
  }
  int lock_fd = -1, state_fd = -1;
  /* --state: the folder's own lock too (two outputs, one state), and its
  ** files among those a journal may roll forward */
  char *state_lock = cfg->state_dir ? state_lock_path(cfg->state_dir) : NULL;
  size_t ntargets = 0;
  char **stargets = cfg->state_dir ? state_targets(cfg->state_dir, &s->g, cfg->audience_macros,
                                                   &ntargets) : NULL;
  const char **targets = cl_calloc(5 + ntargets, sizeof *targets);
  const char *base_targets[] = {rf.staged[0], rf.staged[1], rf.staged[2], rf.staged[3],
                                aud.pattern};
  memcpy(targets, base_targets, sizeof base_targets);
  for (size_t i = 0; i < ntargets; i++) targets[5 + i] = stargets[i];
  int lrc = take_lock(rf.lock, &lock_fd, err);
  if (!lrc && state_lock && strcmp(state_lock, rf.lock) != 0)
    lrc = state_prepare_dir(cfg->state_dir, err) || take_lock(state_lock, &state_fd, err);
  if (lrc || commit_recover(rf.journal, targets, 5 + ntargets, &s->log, err)) {
    if (lock_fd >= 0) close(lock_fd);
    if (state_fd >= 0) close(state_fd);
    free(targets);
    state_targets_free(stargets, ntargets);
    free(state_lock);
    aud_free(&aud);
    run_files_free(&rf);
    return err->code;
  }
  free(targets);
  state_targets_free(stargets, ntargets);
  free(state_lock);
  aud_recover(&aud);
  bound_input b;
  sinks k;
  memset(&k, 0, sizeof k);
  outfile sum;
  memset(&sum, 0, sizeof sum);
  int sum_open = 0, max_hit = 0;
  outfile rep; /* --report: report.html, committed with the rest */
  memset(&rep, 0, sizeof rep);
  rep.fd = -1;
  int rep_open = 0;
  char *failed_rej = NULL; /* max_rejects: "<rejects>.failed" */
  commit cm;
  commit_init(&cm, rf.journal, &s->log);
  pipeline_stats st;
  memset(&st, 0, sizeof st);
  int rc = bind_input(s, &b, err);
  int ran = 0;
  b.shape.format = cfg->format;
  if (!rc) rc = aud_bind(&aud, cfg, &b, err);
  if (!rc && cfg->state_dir) {
    char asof[16];
    date_format_iso(cfg->as_of, asof);
    state_opts so = {cfg->state_dir, &s->g, b.shape.value_base, cfg->id_column,
                     cfg->audience_macros, s->g.rules_sha256, asof, &s->log,
                     run_threads(cfg)};
    rc = state_begin(&k.state, &so, err);
    b.shape.state_nb = (state_nbits(&s->g) + 7) / 8;
  }
  if (!rc) rc = open_outputs(cfg, &rf, &k, &sum, &sum_open, &cm, err);
  if (!rc) rc = aud_open(&aud, &b, cfg, &cm, err);
  if (!rc && cfg->report && (rc = outfile_open(&rep, cfg->report, err)) == 0) {
    rep_open = 1;
    commit_add(&cm, &rep);
  }
  if (!rc && cfg->out_header) {
    buf h = {0};
    seg_header(&b.shape, cfg->id_column, cfg->out_bom, &h);
    rc = outfile_write(&k.out, h.p, h.len, err);
    buf_free(&h);
  }
  int threads = run_threads(cfg);
  if (!rc) {
    k.log = &s->log;
    k.input_name = b.in.name;
    pipeline_opts po;
    memset(&po, 0, sizeof po);
    po.in = &b.in;
    po.shape = &b.shape;
    po.plugins = &s->plugins;
    po.threads = threads;
    po.chunk_size = o->chunk_size > 0 ? (size_t)o->chunk_size : DEFAULT_CHUNK;
    po.first_line = b.header_lines + 1;
    po.sink = (pipeline_sink){sink_out, sink_reject, &k, aud.dir ? sink_aud : NULL,
                              k.state ? sink_state : NULL};
    k.aud = &aud;
    b.shape.row_at_a_time = o->row_at_a_time;
    if (progress_start(&k.pg, stderr, &b.in, s->log.out_info && s->log.level >= LOG_INFO))
      po.progress = &k.pg;
    rc = pipeline_run(&po, &st, err);
    progress_end(&k.pg);
    ran = !rc;
  }
  if (!rc && k.logged > REJECTS_LOGGED && k.have_rej)
    log_msg(&s->log, LOG_WARNING, "... %llu more rejected rows: see %s",
            (unsigned long long)(k.logged - REJECTS_LOGGED), rf.rej);
  for (size_t c = 0; ran && st.bad_utf8 && c < b.ncols; c++)
    if (st.bad_utf8[c])
      log_msg(&s->log, LOG_WARNING, MSG_INVALID_UTF8, b.in.name,
              (unsigned long long)st.bad_utf8_line[c], (unsigned long long)st.bad_utf8[c],
              st.bad_utf8[c] == 1 ? "" : "s", b.header[c], st.bad_utf8[c] == 1 ? "is" : "are");
  if (!rc && cfg->max_rejects >= 0 && st.rejected > (uint64_t)cfg->max_rejects) {
    max_hit = 1;
    if (k.have_rej && k.rej.kind == OUT_STAGED) failed_rej = failed_rejects_name(rf.rej);
    rc = cl_fail(err, CL_EXIT_INPUT, "%llu rows rejected, more than max_rejects = %ld: "
                 "no file replaced (the rejected rows are in %s)",
                 (unsigned long long)st.rejected, cfg->max_rejects,
                 failed_rej ? failed_rej : rf.rej ? rf.rej : "the log");
  }
  if (!rc && ran) {
    invalid_check ic = {&s->g, st.tally, b.in.name, (const char *const *)b.header,
                        &cfg->max_invalid, &cfg->max_invalid_column, cfg->decimal};
    if (invalid_limits(&ic, err)) {
      rc = err->code;
      max_hit = 1;
      if (k.have_rej && k.rej.kind == OUT_STAGED && st.rejected)
        failed_rej = failed_rejects_name(rf.rej);
      size_t n = strlen(err->msg);
      snprintf(err->msg + n, sizeof err->msg - n, "; no file replaced%s%s%s",
               failed_rej ? " (the rejected rows are in " : "", failed_rej ? failed_rej : "",
               failed_rej ? ")" : "");
    }
  }
  if (!rc && k.state) rc = state_finish(k.state, &cm, st.written, err);
  double secs = now_s() - t0;
  summary_info si = {&s->g, &b.shape, &st, cfg, threads, secs, b.in.name,
                     (const char *const *)b.header, ran ? state_run_delta(k.state) : NULL,
                     &s->plugins};
  buf js = {0};
  if (ran) summary_json(&si, &js);
  /* all of the run's files, or none of them (commit.c) */
  if (!rc && sum_open) rc = outfile_write(&sum, js.p, js.len, err);
  if (!rc && rep_open) {
    buf h = {0};
    report_with_state(&si, si.delta, state_run_history(k.state), &h);
    rc = outfile_write(&rep, h.p, h.len, err);
    buf_free(&h);
  }
  if (!rc) rc = commit_publish(&cm, err);
  else if (max_hit && k.have_rej && (failed_rej || k.rej.kind != OUT_STAGED)) {
    keep_failed_rejects(&k, failed_rej, &sum, sum_open, &s->log);
    aud_abort(&aud);
    if (rep_open) outfile_abort(&rep);
  } else commit_abort(&cm);
  if (!rc) aud_committed(&aud);
  if (!rc && k.state) state_after_commit(k.state, &s->log);
  if (rc) {
    si.st = ran ? &st : NULL;
    if (!ran) si.header = NULL;
    write_failed_summary(cfg, &si, err, &s->log);
  }
  if (!rc && s->log.out_info && s->log.level >= LOG_INFO) summary_print(&si, stderr);
  if (!rc)
    log_event(&s->log, LOG_INFO, "run end: ok, %llu rows read, %llu written, %llu rejected, "
              "%llu invalid values, %.2f s", (unsigned long long)st.rows,
              (unsigned long long)st.written, (unsigned long long)st.rejected,
              (unsigned long long)st.invalid, secs);
  commit_free(&cm);
  if (!rep_open) outfile_free(&rep);
  aud_free(&aud);
  state_free(k.state); /* after the commit: it held the state's outfiles */
  buf_free(&js);
  pipeline_stats_free(&st);
  bound_input_free(&b);
  run_files_free(&rf);
  if (lock_fd >= 0) close(lock_fd);
  if (state_fd >= 0) close(state_fd);
  return rc;
}

int cmd_run(const cli_opts *o) {
  session s;
  cl_error err = {0, ""};
  int rc = session_open(&s, o, &err);
  if (!rc) rc = do_run(&s, o, &err);
  if (rc) {
    log_msg(&s.log, LOG_ERROR, "%s", err.msg);
    log_event(&s.log, LOG_ERROR, "run end: failed, exit %d", rc);
  }
  session_close(&s);
  return rc;
}
