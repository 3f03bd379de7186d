/* SPDX-License-Identifier: MIT */
/*
** cmd_stats.c -- `cleave stats`: one pass over the input (read as cleave
** run reads it) with a KLL sketch per number column -- the columns the rule
** file reads as numbers, or --stats-columns -- written as a stats file
** (docs/stats.md) for --stats; `cleave stats --merge A.json B.json ...`
** merges the stats files of the shards of one input.
** The file goes to --output (default standard output), never to [output]
** path of engine.ini (that is the run's tagged CSV); it is written through
** outfile/commit, so it appears whole or not at all.
*/
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmd_stats.h"
#include "commit.h"
#include "input.h"
#include "outfile.h"
#include "stats_pass.h"

static int write_stats(const stats_set *st, const char *out, logger *lg, cl_error *err) {
  buf js = {0};
  stats_json(st, &js);
  outfile f;
  memset(&f, 0, sizeof f);
  commit c;
  commit_init(&c, NULL, lg);
  int rc = outfile_open(&f, out, err);
  if (!rc) {
    commit_add(&c, &f);
    rc = outfile_write(&f, js.p, js.len, err);
    if (!rc) rc = commit_publish(&c, err);
    else commit_abort(&c);
    outfile_free(&f);
  }
  commit_free(&c);
  buf_free(&js);
  return rc;
}

/* The same file, by name or by inode. */
static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  if (!a || !b || strcmp(a, "-") == 0 || strcmp(b, "-") == 0) return 0;
  if (strcmp(a, b) == 0) return 1;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

static int merge_files(const cli_opts *o, logger *lg, cl_error *err) {
  if (o->nargs < 1)
    return cl_fail(err, CL_EXIT_USAGE, "stats --merge needs the shards' stats files "
                   "(cleave stats --merge --output stats.json shard*.json)");
  const char *out = o->output ? o->output : "-";
  for (int i = 0; i < o->nargs; i++)
    if (same_file(o->args[i], out))
      return cl_fail(err, CL_EXIT_USAGE, "--output %s is also a stats file to merge", out);
  stats_set acc, one;
  int rc = stats_load(o->args[0], &acc, err);
  if (rc) return rc;
  for (int i = 1; !rc && i < o->nargs; i++) {
    rc = stats_load(o->args[i], &one, err);
    if (!rc) {
      rc = stats_merge(&acc, &one, o->args[i], err);
      stats_free(&one);
    }
  }
  if (!rc) rc = write_stats(&acc, out, lg, err);
  if (!rc)
    log_msg(lg, LOG_INFO, "merged %d stats files (%llu rows) into %s", o->nargs,
            (unsigned long long)acc.rows, strcmp(out, "-") ? out : "standard output");
  stats_free(&acc);
  return rc;
}

/* --stats-columns: a graph of just those number columns, for bind_input. */
static int columns_graph(session *s, const char *list, cl_error *err) {
  char **names;
  size_t n;
  if (input_columns(list, "--stats-columns", &names, &n, err)) return err->code;
  graph_init(&s->g, "--stats-columns", s->cfg.as_of);
  s->have_graph = 1;
  for (size_t i = 0; i < n; i++) {
    graph_slot(&s->g, names[i], VT_NUMBER, 0, 0);
    free(names[i]);
  }
  free(names);
  return 0;
}

static int describe_input(session *s, const cli_opts *o, cl_error *err) {
  if (o->stats_columns ? columns_graph(s, o->stats_columns, err)
                       : session_rules(s, NULL, NULL, err))
    return err->code;
  const char *out = o->output ? o->output : "-";
  if (same_file(s->cfg.input, out))
    return cl_fail(err, CL_EXIT_USAGE, "--output %s is the input", out);
  stats_set st;
  stats_init(&st, KLL_K);
  for (uint32_t i = 0; i < s->g.nslots; i++)
    if (s->g.slots[i].type == VT_NUMBER && stats_find(&st, s->g.slots[i].column) < 0)
      stats_add_column(&st, s->g.slots[i].column);
  int rc = 0;
  if (st.ncols > STATS_MAX_COLUMNS)
    rc = cl_fail(err, CL_EXIT_USAGE, "%zu number columns: at most %d in one stats file (about "
                 "25 KB of memory each); name the ones thresholds need with --stats-columns",
                 st.ncols, STATS_MAX_COLUMNS);
  if (!rc && !st.ncols)
    rc = cl_fail(err, CL_EXIT_RULES, "%s reads no column as a number: name the columns "
                 "with --stats-columns A,B", s->g.rules_path);
  if (!rc) rc = stats_pass(s, &st, err);
  if (!rc) rc = write_stats(&st, out, &s->log, err);
  if (!rc)
    log_msg(&s->log, LOG_INFO, "stats of %zu column%s over %llu rows of %s written to %s",
            st.ncols, st.ncols == 1 ? "" : "s", (unsigned long long)st.rows, s->cfg.input,
            strcmp(out, "-") ? out : "standard output");
  stats_free(&st);
  return rc;
}

int cmd_stats(const cli_opts *o) {
  cl_error err = {0, ""};
  int rc;
  if (o->merge) {
    logger lg;
    log_init(&lg, LOG_INFO, stderr);
    lg.out_info = !o->quiet && (o->verbose || isatty(STDERR_FILENO));
    rc = merge_files(o, &lg, &err);
    if (rc) log_msg(&lg, LOG_ERROR, "%s", err.msg);
    return rc;
  }
  cli_opts oo = *o;
  oo.rules_optional = o->stats_columns != NULL; /* the columns are named: no rules needed */
  session s;
  rc = session_open(&s, &oo, &err);
  s.skip_quantiles = 1;
  if (!rc) rc = describe_input(&s, o, &err);
  if (rc) log_msg(&s.log, LOG_ERROR, "%s", err.msg);
  session_close(&s);
  return rc;
}
