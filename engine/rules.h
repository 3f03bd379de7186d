/* SPDX-License-Identifier: MIT */
/*
** rules.h -- loading a rule file into a graph, and binding its fields to
** the columns of an input header.
*/
#ifndef CLEAVE_RULES_H
#define CLEAVE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "cleave/plugin.h"
#include "error.h"
#include "graph.h"
#include "log.h"
#include "plugin_loader.h"

typedef struct rules_opts {
  const char *path;      /* the rule file */
  const char *display;   /* its name in messages (default: path) */
  const char *source;    /* if set, the rule text itself (path is then only a name) */
  size_t source_len;
  int32_t as_of;
  size_t mem_limit;      /* bytes */
  long instr_limit;
  plugin_set *plugins; /* may be NULL; initialised as the rule file names them */
  const char *plugin_dir;    /* the folder plugins were loaded from, for messages (NULL: none) */
  const cleave_host *host;
  logger *log;
  /* Called for each warning ("file:line: ..."); NULL = log them. */
  void (*warn)(void *ud, const char *msg);
  void *warn_ud;
  /* Rules with population thresholds (graph.quants, quantile.h): called once
  ** the rule file ran, before the graph is optimised, to give them their
  ** values; NULL: such rules are refused. */
  int (*quantiles)(void *ud, graph *g, cl_error *err);
  void *quantiles_ud;
} rules_opts;

/* Run the rule file in a fresh sandbox and build g from it. Errors are
** CL_EXIT_RULES with "file:line: message". */
int rules_load(graph *g, const rules_opts *o, cl_error *err);

/* Resolve every declared field against the header (columns 0..ncols-1).
** Unknown columns: CL_EXIT_RULES, one line each, with the rule file's line
** and a "did you mean" from the header. */
int rules_bind(graph *g, char *const *header, size_t ncols, const char *input_name,
               cl_error *err);

#endif
