/* SPDX-License-Identifier: MIT */
/*
** rules.c -- rule file -> sandbox -> DSL -> graph; binding to a header.
*/
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dsl.h"
#include "messages.h"
#include "rules.h"
#include "sandbox.h"
#include "sha256.h"
#include "suggest.h"

typedef struct warn_ctx {
  const rules_opts *o;
  const char *display;
} warn_ctx;

static void warn_unused(void *ud, uint32_t line) {
  warn_ctx *w = ud;
  char msg[512];
  snprintf(msg, sizeof msg, MSG_UNUSED_CONDITION, w->display, line);
  if (w->o->warn) w->o->warn(w->o->warn_ud, msg);
  else log_msg(w->o->log, LOG_WARNING, "%s", msg);
}

static char *dir_of(const char *path) {
  char *tmp = cl_strdup(path);
  char *d = cl_strdup(dirname(tmp));
  free(tmp);
  return d;
}

int rules_load(graph *g, const rules_opts *o, cl_error *err) {
  const char *display = o->display ? o->display : o->path;
  graph_init(g, display, o->as_of);
  sandbox sb;
  if (sandbox_open(&sb, o->mem_limit, o->instr_limit, o->log, err)) return err->code;
  dsl d;
  memset(&d, 0, sizeof d);
  d.g = g;
  d.plugins = o->plugins;
  d.plugin_dir = o->plugin_dir;
  d.host = o->host;
  d.log = o->log;
  d.display = display;
  d.rules_dir = dir_of(o->path ? o->path : ".");
  sandbox_push_env(&sb);
  dsl_install(&d, &sb);
  char *file = NULL; /* the rule file's bytes: hashed as compiled */
  size_t flen = 0;
  int rc = o->source ? 0 : sandbox_read_file(o->path, display, &file, &flen, err);
  if (rc) {
    lua_pop(sb.L, 1);
  } else if (o->source) {
    rc = sandbox_run_string(&sb, o->source, o->source_len, display, err);
  } else {
    sha256 h;
    sha256_init(&h);
    sha256_update(&h, file, flen);
    sha256_hex(&h, g->rules_sha256);
    rc = sandbox_run_string(&sb, file, flen, display, err);
  }
  free(file);
  if (d.plugin_err.code) /* even when a pcall in the rule file caught it */
    rc = cl_fail(err, d.plugin_err.code, "%s", d.plugin_err.msg);
  if (!rc) rc = dsl_finish(&d, err);
  sandbox_close(&sb);
  dsl_free(&d);
  if (rc) return rc;
  if (g->nmacros == 0 && g->nmicros == 0)
    return cl_fail(err, CL_EXIT_RULES, MSG_NO_SEGMENTS, display);
  warn_ctx w = {o, display};
  dsl_unused_conditions(g, warn_unused, &w);
  if (g->nquants && !o->quantiles)
    return cl_fail(err, CL_EXIT_CONFIG, "%s:%u: population thresholds (%s) are not available "
                   "here", display, g->quants[0].line, g->quants[0].method);
  if (g->nquants && o->quantiles(o->quantiles_ud, g, err)) return err->code;
  graph_optimize(g);
  return 0;
}

int rules_bind(graph *g, char *const *header, size_t ncols, const char *input_name,
               cl_error *err) {
  buf msg = {0};
  strset names; /* hashed: declared columns x header width stays linear */
  strset_init(&names);
  int32_t *col_of = cl_malloc((ncols ? ncols : 1) * sizeof *col_of); /* per item of names */
  for (size_t c = 0; c < ncols; c++) {
    size_t n = names.n;
    uint32_t ix = strset_add(&names, header[c], strlen(header[c]));
    if (names.n > n) col_of[ix] = (int32_t)c; /* the first column of that name */
  }
  for (uint32_t s = 0; s < g->nslots; s++) {
    slot *sl = &g->slots[s];
    int64_t ix = strset_find(&names, sl->column, strlen(sl->column));
    sl->col = ix >= 0 ? col_of[ix] : -1;
    if (sl->col >= 0) continue;
    const char *hint = suggest_closest(sl->column, (const char *const *)header, ncols);
    if (msg.len) buf_puts(&msg, "\n");
    buf_printf(&msg, MSG_UNKNOWN_COLUMN, g->rules_path, sl->line, sl->column, input_name,
               MSG_DID_YOU_MEAN_ARGS(hint));
  }
  strset_free(&names);
  free(col_of);
  int rc = 0;
  if (msg.len) rc = cl_fail(err, CL_EXIT_RULES, "%s", buf_cstr(&msg));
  buf_free(&msg);
  return rc;
}
