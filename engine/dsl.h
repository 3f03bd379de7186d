/* SPDX-License-Identifier: MIT */
/*
** dsl.h -- the rule language: Lua functions that build the predicate graph.
**
** A rule file declares typed fields (number "age"), builds conditions with
** methods (age:below(25), interests:has "tech"), combines them (all, any,
** none, NOT, at_least, score, & | ~), and defines macro splits and micro
** segments. Every call returns a node; nothing touches a customer record
** while the file runs. docs/rules.md is the user's guide.
*/
#ifndef CLEAVE_DSL_H
#define CLEAVE_DSL_H

#include "cleave/plugin.h"
#include "error.h"
#include "graph.h"
#include "log.h"
#include "plugin_loader.h"
#include "sandbox.h"

typedef struct dsl {
  graph *g;
  plugin_set *plugins;       /* may be NULL: no plugin namespaces; a plugin is
                             ** initialised when the rule file first names it */
  const char *plugin_dir;    /* where they were loaded from (NULL: none), for messages */
  cl_error plugin_err;       /* the first plugin that failed to initialise:
                             ** the run fails with it even if a pcall caught it */
  const cleave_host *host;
  logger *log;
  const char *display;       /* the rule file as named in messages */
  char *rules_dir;           /* lists are read relative to it */
  char *scope;               /* "micro segment 'x'" while its table is built */
  uint32_t scope_line;
  int pending;               /* micro "x" / macro "x" was called, its table not yet */
  strset macro_names;        /* item i: g->macros[i].name (hashed uniqueness) */
  strset micro_names;        /* item i: g->micros[i].name */
} dsl;

/* Install the DSL's globals into the environment table at the top of sb's
** stack. d must outlive the sandbox run. A plugin's table (dates with
** dates.days_since...) is made by the environment's __index the first time
** the rule file reads the name: that is when the plugin is initialised
** (plugins_use), so plugins the rule file never names are not. */
void dsl_install(dsl *d, sandbox *sb);

/* Conditions built but used by no segment (a sign of Lua's `and`/`or` used
** instead of all{}/any{}): calls warn(line) for each, returns the count. */
size_t dsl_unused_conditions(const graph *g, void (*warn)(void *ud, uint32_t line),
                             void *ud);

/* After the rule file ran: an unfinished `micro "x"` (no table) is an error,
** and so is a graph whose evaluation needs more than LIMIT_EVAL_MB per worker. */
int dsl_finish(dsl *d, cl_error *err);

void dsl_free(dsl *d);

#endif
