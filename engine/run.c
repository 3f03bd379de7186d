/*
** run.c -- the `cleave run` command.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "datecalc.h"
#include "outfile.h"
#include "pipeline.h"
#include "rules.h"
#include "run.h"
#include "suggest.h"
#include "summary.h"

#define DEFAULT_CHUNK (1u << 20)
#define REJECTS_LOGGED 10

int run_threads(const config *cfg) {
  if (cfg->threads > 0) return cfg->threads;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)(n > 256 ? 256 : n) : 1;
}

static int check_header(const bound_input *b, const config *cfg, cl_error *err) {
  for (size_t i = 0; i < b->ncols; i++)
    for (size_t j = i + 1; j < b->ncols && b->header[i][0]; j++)
      if (strcmp(b->header[i], b->header[j]) == 0)
        return cl_fail(err, CL_EXIT_INPUT, "%s:%llu: column '%s' appears twice in the header "
                       "(columns %zu and %zu)", b->in.name,
                       (unsigned long long)b->header_lines, b->header[i], i + 1, j + 1);
  for (size_t i = 0; i < b->ncols; i++)
    if (strcmp(b->header[i], cfg->id_column) == 0) return 0;
  const char *hint = suggest_closest(cfg->id_column, (const char *const *)b->header, b->ncols);
  return cl_fail(err, CL_EXIT_INPUT, "%s:%llu: no column '%s' for the customer id%s%s%s "
                 "(set id_column in [input] of engine.ini, or pass --id-column NAME)", b->in.name,
                 (unsigned long long)b->header_lines, cfg->id_column,
                 hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}

int bind_input(session *s, bound_input *b, cl_error *err) {
  memset(b, 0, sizeof *b);
  const config *cfg = &s->cfg;
  if (!cfg->input)
    return cl_fail(err, CL_EXIT_CONFIG, "no input: set path = FILE in [input] of engine.ini, "
                   "or pass --input FILE (- for standard input)");
  if (input_open(&b->in, cfg->input, err)) return err->code;
  if (input_header(&b->in, (unsigned char)cfg->delimiter, &b->header, &b->ncols,
                   &b->header_lines, err))
    return err->code;
  if (check_header(b, cfg, err)) return err->code;
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
  sh->delim = (unsigned char)cfg->delimiter;
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
  sh->line_max = 2; /* ",...,\n" around the values and segments */
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
} sinks;

static int sink_out(void *ud, const char *p, size_t n, cl_error *err) {
  sinks *k = ud;
  return outfile_write(&k->out, p, n, err);
}

static int sink_reject(void *ud, uint64_t line, uint64_t last, const char *reason, size_t rl,
                       const char *raw, size_t wl, cl_error *err) {
  sinks *k = ud;
  char where[48];
  if (last > line) snprintf(where, sizeof where, "%llu-%llu", (unsigned long long)line,
                            (unsigned long long)last);
  else snprintf(where, sizeof where, "%llu", (unsigned long long)line);
  if (k->logged++ < REJECTS_LOGGED || !k->have_rej)
    log_msg(k->log, LOG_WARNING, "%s:%s: row rejected: %.*s", k->input_name, where, (int)rl, reason);
  if (!k->have_rej) return 0;
  buf b = {0};
  buf_puts(&b, where);
  buf_putc(&b, ',');
  buf_csv_field(&b, reason, rl, ',');
  buf_putc(&b, ',');
  buf_csv_field(&b, raw, wl, ',');
  buf_putc(&b, '\n');
  int rc = outfile_write(&k->rej, b.p, b.len, err);
  buf_free(&b);
  return rc;
}

/* --- one run at a time ------------------------------------------------------ */

static int take_lock(const config *cfg, int *fd, cl_error *err) {
  *fd = -1;
  char *path = cfg->lock ? cl_strdup(cfg->lock) : NULL;
  if (!path && cfg->output && strcmp(cfg->output, "-") != 0) {
    size_t n = strlen(cfg->output) + 6;
    path = cl_malloc(n);
    snprintf(path, n, "%s.lock", cfg->output);
  }
  if (!path) return 0;
  *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (*fd < 0) {
    int rc = cl_fail(err, CL_EXIT_OUTPUT, "cannot create lock file %s: %s", path, strerror(errno));
    free(path);
    return rc;
  }
  if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = "", who[48] = "";
    ssize_t n = pread(*fd, pid, sizeof pid - 1, 0);
    pid[n > 0 ? n : 0] = '\0';
    pid[strcspn(pid, "\n")] = '\0';
    if (pid[0]) snprintf(who, sizeof who, " (pid %s)", pid);
    int rc = cl_fail(err, CL_EXIT_LOCKED, "another cleave run%s holds %s; not starting a "
                     "second one", who, path);
    free(path);
    close(*fd);
    *fd = -1;
    return rc;
  }
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
  if (ftruncate(*fd, 0) == 0 && pwrite(*fd, pid, (size_t)n, 0) < 0) { /* best effort */ }
  free(path);
  return 0;
}

static char *default_rejects(const config *cfg) {
  if (cfg->rejects) return cl_strdup(cfg->rejects);
  if (!cfg->output || strcmp(cfg->output, "-") == 0) return NULL;
  size_t n = strlen(cfg->output) + 16;
  char *p = cl_malloc(n);
  snprintf(p, n, "%s.rejects.csv", cfg->output);
  return p;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int do_run(session *s, const cli_opts *o, cl_error *err) {
  config *cfg = &s->cfg;
  double t0 = now_s();
  if (session_rules(s, NULL, NULL, err)) return err->code;
  int lock_fd = -1;
  if (take_lock(cfg, &lock_fd, err)) return err->code;
  bound_input b;
  sinks k;
  memset(&k, 0, sizeof k);
  outfile sum;
  int sum_open = 0;
  char *rej_path = default_rejects(cfg);
  pipeline_stats st;
  memset(&st, 0, sizeof st);
  int rc = bind_input(s, &b, err);
  int out_open = 0, ran = 0;
  if (!rc) rc = outfile_open(&k.out, cfg->output ? cfg->output : "-", err);
  out_open = !rc;
  if (!rc && cfg->summary) { /* opened now: a bad path fails before any output */
    rc = outfile_open(&sum, cfg->summary, err);
    sum_open = !rc;
  }
  if (!rc && rej_path) {
    rc = outfile_open(&k.rej, rej_path, err);
    k.have_rej = !rc;
    if (!rc) rc = outfile_write(&k.rej, "line,reason,record\n", 19, err);
  }
  if (!rc) {
    buf h = {0};
    buf_csv_field(&h, cfg->id_column, strlen(cfg->id_column), ',');
    for (uint32_t m = 0; m < s->g.nmacros; m++) buf_printf(&h, ",%s", s->g.macros[m].name);
    buf_puts(&h, ",segments\n");
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
    po.sink = (pipeline_sink){sink_out, sink_reject, &k};
    b.shape.row_at_a_time = o->row_at_a_time;
    rc = pipeline_run(&po, &st, err);
    ran = !rc;
  }
  if (!rc && k.logged > REJECTS_LOGGED && k.have_rej)
    log_msg(&s->log, LOG_WARNING, "... %llu more rejected rows: see %s",
            (unsigned long long)(k.logged - REJECTS_LOGGED), rej_path);
  if (!rc && cfg->max_rejects >= 0 && st.rejected > (uint64_t)cfg->max_rejects)
    rc = cl_fail(err, CL_EXIT_INPUT, "%llu rows rejected, more than max_rejects = %ld: "
                 "no output written (the rejected rows are in %s)",
                 (unsigned long long)st.rejected, cfg->max_rejects, rej_path ? rej_path : "the log");
  double secs = now_s() - t0;
  summary_info si = {&s->g, &b.shape, &st, cfg, threads, secs, b.in.name};
  buf js = {0};
  if (ran) summary_json(&si, &js);
  /* commit order: rejects first (kept even when the run fails on them),
  ** then output, then summary; any failure before leaves no new output */
  if (k.have_rej && ran) {
    cl_error e2;
    if (outfile_commit(&k.rej, &e2) && !rc) rc = cl_fail(err, e2.code, "%s", e2.msg);
  } else if (k.have_rej) {
    outfile_abort(&k.rej);
  }
  if (!rc && sum_open) rc = outfile_write(&sum, js.p, js.len, err);
  if (!rc) rc = outfile_commit(&k.out, err);
  else if (out_open) outfile_abort(&k.out);
  if (!rc && sum_open) rc = outfile_commit(&sum, err);
  else if (sum_open) outfile_abort(&sum);
  if (!rc && !o->quiet) summary_print(&si, stderr);
  buf_free(&js);
  pipeline_stats_free(&st);
  bound_input_free(&b);
  free(rej_path);
  if (lock_fd >= 0) close(lock_fd);
  return rc;
}

int cmd_run(const cli_opts *o) {
  session s;
  cl_error err = {0, ""};
  int rc = session_open(&s, o, &err);
  if (!rc) rc = do_run(&s, o, &err);
  if (rc) log_msg(&s.log, LOG_ERROR, "%s", err.msg);
  session_close(&s);
  return rc;
}
