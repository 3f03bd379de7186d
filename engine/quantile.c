/* SPDX-License-Identifier: MIT */
/*
** quantile.c -- resolving population thresholds (quantile.h).
*/
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "quantile.h"
#include "session.h"
#include "stats_pass.h"

int quantile_apply(graph *g, const stats_set *st, const char *source, cl_error *err) {
  for (uint32_t i = 0; i < g->nquants; i++) {
    graph_quant *t = &g->quants[i];
    const char *col = g->slots[t->slot].column;
    int64_t c = stats_find(st, col);
    if (c < 0)
      return cl_fail(err, CL_EXIT_CONFIG, "%s:%u: %s:%s needs the quantiles of column '%s', "
                     "and %s has none (make it with cleave stats and the same rules)",
                     g->rules_path, t->line, col, t->method, col, source);
    if (!st->cols[c].count)
      return cl_fail(err, CL_EXIT_INPUT, "%s:%u: %s:%s: column '%s' has no number in %s, so "
                     "it has no quantiles", g->rules_path, t->line, col, t->method, col, source);
    kll_view w;
    kll_view_init(&w, &st->cols[c].sk);
    g->nodes[t->cnode].u.cval.u.number =
        t->lower ? kll_view_quantile_lower(&w, t->q) : kll_view_quantile(&w, t->q);
    kll_view_free(&w);
  }
  free(g->quant_source);
  g->quant_source = cl_strdup(source);
  return 0;
}

static int from_file(graph *g, const char *path, cl_error *err) {
  stats_set st;
  if (stats_load(path, &st, err)) return err->code;
  buf src = {0};
  buf_printf(&src, "stats file %s", path);
  int rc = quantile_apply(g, &st, buf_cstr(&src), err);
  buf_free(&src);
  stats_free(&st);
  return rc;
}

int quantile_resolve_session(void *ud, graph *g, cl_error *err) {
  session *s = ud;
  const config *cfg = &s->cfg;
  if (cfg->stats) return from_file(g, cfg->stats, err);
  const graph_quant *t = &g->quants[0];
  struct stat sb;
  if (!cfg->input || strcmp(cfg->input, "-") == 0 || stat(cfg->input, &sb) != 0 ||
      !S_ISREG(sb.st_mode))
    return cl_fail(err, CL_EXIT_CONFIG, "%s:%u: %s:%s needs the column's quantiles, and %s "
                   "cannot be read twice: compute them first with cleave stats and pass "
                   "--stats FILE (or set stats in [input] of engine.ini)", g->rules_path,
                   t->line, g->slots[t->slot].column, t->method,
                   !cfg->input ? "there is no input" : strcmp(cfg->input, "-") == 0
                                                        ? "standard input"
                                                        : cfg->input);
  stats_set st;
  stats_init(&st, KLL_K);
  for (uint32_t i = 0; i < g->nquants; i++) {
    const char *col = g->slots[g->quants[i].slot].column;
    if (stats_find(&st, col) < 0) stats_add_column(&st, col);
  }
  int rc = stats_pass(s, &st, err);
  if (!rc)
    log_msg(&s->log, LOG_INFO, "population thresholds: a first pass over %s (%llu rows, %zu "
            "column%s)", cfg->input, (unsigned long long)st.rows, st.ncols,
            st.ncols == 1 ? "" : "s");
  if (!rc) {
    buf src = {0};
    buf_printf(&src, "a first pass over %s", cfg->input);
    rc = quantile_apply(g, &st, buf_cstr(&src), err);
    buf_free(&src);
  }
  stats_free(&st);
  return rc;
}

int quantile_resolve_stats(void *ud, graph *g, cl_error *err) {
  const config *cfg = ud;
  if (cfg->stats) return from_file(g, cfg->stats, err);
  const graph_quant *t = &g->quants[0];
  return cl_fail(err, CL_EXIT_CONFIG, "%s:%u: %s:%s needs the column's quantiles: pass "
                 "--stats FILE (made by cleave stats)", g->rules_path, t->line,
                 g->slots[t->slot].column, t->method);
}

int quantile_resolve_none(void *ud, graph *g, cl_error *err) {
  (void)ud, (void)g, (void)err;
  return 0;
}
