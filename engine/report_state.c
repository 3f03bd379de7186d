/* SPDX-License-Identifier: MIT */
/*
** report_state.c -- report.html for a run with --state: the delta
** (state.h) and the size history (state_history.h) turned into the report's
** entered / exited and trend sections (report.h).
*/
#include <stdlib.h>

#include "report.h"
#include "report_state.h"

void report_with_state(const summary_info *si, const state_delta *d, const state_history *h,
                       buf *out) {
  report_delta rd = {0, 0, NULL, 0};
  report_delta_row *rows = NULL;
  if (d) {
    rows = cl_calloc(d->nkeys ? d->nkeys : 1, sizeof *rows);
    for (size_t k = 0; k < d->nkeys; k++) /* the micro segments, removed ones included */
      if (d->keys[k].kind == STATE_MICRO)
        rows[rd.n++] = (report_delta_row){d->keys[k].name, d->keys[k].entered,
                                          d->keys[k].exited, d->keys[k].stayed};
    rd.baseline = d->baseline;
    rd.gone = d->gone;
    rd.rows = rows;
  }
  report_trend rt = {0, NULL, 0, NULL, NULL};
  const graph *g = si->g;
  char (*labels)[32] = NULL;
  const char **lp = NULL, **names = NULL;
  uint64_t *sizes = NULL;
  if (h && h->n >= 2 && g->nmicros) {
    labels = cl_calloc(h->n, sizeof *labels);
    lp = cl_calloc(h->n, sizeof *lp);
    names = cl_calloc(g->nmicros, sizeof *names);
    sizes = cl_calloc((size_t)g->nmicros * h->n, sizeof *sizes);
    for (size_t i = 0; i < h->n; i++) {
      if (!state_history_text(h, i, "as_of", labels[i], sizeof labels[i])) labels[i][0] = '\0';
      lp[i] = labels[i];
    }
    for (uint32_t k = 0; k < g->nmicros; k++) {
      names[k] = g->micros[k].name;
      for (size_t i = 0; i < h->n; i++) /* a segment added since: 0 before */
        if (!state_history_size(h, i, names[k], &sizes[(size_t)k * h->n + i]))
          sizes[(size_t)k * h->n + i] = 0;
    }
    rt = (report_trend){h->n, lp, g->nmicros, names, sizes};
  }
  report_info ri = {si, d ? &rd : NULL, rt.nruns ? &rt : NULL};
  report_html(&ri, out);
  free(rows);
  free(labels);
  free(lp);
  free(names);
  free(sizes);
}
