/* SPDX-License-Identifier: MIT */
/*
** session.h -- what every command needs before touching records: the
** configuration (engine.ini overridden by command-line flags), a logger,
** the plugins (loaded, version-checked, initialised) and the compiled rules.
*/
#ifndef CLEAVE_SESSION_H
#define CLEAVE_SESSION_H

#include "cleave/plugin.h"
#include "config.h"
#include "error.h"
#include "graph.h"
#include "log.h"
#include "plugin_loader.h"

/* Command-line settings; NULL / -1 = not given (engine.ini or default). */
typedef struct cli_opts {
  const char *command;
  const char *config;   /* -c FILE */
  int no_config;        /* --no-config: no engine.ini at all */
  const char *rules, *input, *output, *plugins, *rejects, *summary, *as_of;
  const char *report; /* --report FILE */
  const char *stats;  /* --stats FILE */
  const char *stats_columns; /* stats --stats-columns a,b */
  int merge;          /* stats --merge */
  const char *id_column; /* --id-column */
  const char *state;    /* --state DIR */
  /* dialect words, checked by cli.c (config_word_*); NULL = not given */
  const char *delimiter, *quote, *decimal, *encoding, *out_delimiter;
  /* limits, checked by cli.c; NULL = not given */
  const char *max_rejects, *max_invalid, *max_invalid_column;
  int no_header;        /* --no-header */
  const char *columns;  /* --columns a,b,c */
  const char *columns_from; /* --columns-from FILE */
  const char *summary_format; /* --summary-format pretty|line */
  int no_output_header; /* --no-output-header */
  const char *reader;   /* --reader fast|libcsv */
  int out_bom;          /* --output-bom */
  int crlf;             /* --crlf */
  const char *format;   /* --format wide|long|jsonl (checked by cli.c) */
  const char *audiences;        /* --audiences DIR */
  int audience_macros;          /* --audience-macros */
  const char *audience_columns; /* --audience-columns a,b */
  int threads;          /* -1 = not given */
  long chunk_size;      /* bytes; -1 = default */
  int quiet;            /* -q: warnings and errors only on stderr */
  int verbose;          /* --verbose: info lines on stderr even when not a terminal */
  const char *log_file; /* --log-file FILE */
  int row_at_a_time;     /* --evaluator row */
  int rules_optional;    /* test: test files may name their rule file */
  int strict;           /* check --strict */
  long sample;          /* check --sample N; -1 = not given */
  long row;             /* explain --row N; -1 = not given */
  char **args;          /* remaining arguments */
  int nargs;
} cli_opts;

typedef struct session {
  config cfg;
  logger log;
  cleave_host host;
  plugin_set plugins;
  graph g;
  int have_graph;
  int skip_quantiles; /* cleave stats: thresholds are left unresolved (nothing is evaluated) */
} session;

/* Read engine.ini (the -c file, else ./engine.ini when present), apply
** flags, load and initialise plugins. */
int session_open(session *s, const cli_opts *o, cl_error *err);
/* Compile the rule file (cfg.rules). warn: NULL logs warnings. */
int session_rules(session *s, void (*warn)(void *ud, const char *msg), void *ud,
                  cl_error *err);
void session_close(session *s);

#endif
