/* SPDX-License-Identifier: MIT */
/*
** session.c -- configuration, plugins and rules, ready for a command.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_api.h"
#include "rules.h"
#include "quantile.h"
#include "session.h"

static void override(char **dst, const char *v) {
  if (!v) return;
  free(*dst);
  *dst = cl_strdup(v);
}

static int open_log(session *s, const char *path, cl_error *err) {
  char why[256];
  if (log_open_file(&s->log, path, why, sizeof why))
    return cl_fail(err, CL_EXIT_OUTPUT, "cannot append to the log file %s: %s", path, why);
  return 0;
}

int session_open(session *s, const cli_opts *o, cl_error *err) {
  memset(s, 0, sizeof *s);
  config_init(&s->cfg);
  log_init(&s->log, LOG_INFO, stderr);
  /* cron-shaped: info lines on stderr only for a person watching (or asked) */
  s->log.out_info = !o->quiet && (o->verbose || isatty(fileno(s->log.out)));
  /* --log-file first: a broken engine.ini is then in the log too */
  if (o->log_file && open_log(s, o->log_file, err)) return err->code;
  const char *ini = o->config;
  if (!ini && !o->no_config && access("engine.ini", F_OK) == 0) ini = "engine.ini";
  if (ini && config_load(&s->cfg, ini, err)) return err->code;
  s->log.level = s->cfg.log_level;
  if (!o->log_file && s->cfg.log_file && open_log(s, s->cfg.log_file, err)) return err->code;
  override(&s->cfg.rules, o->rules);
  override(&s->cfg.input, o->input);
  override(&s->cfg.stats, o->stats);
  override(&s->cfg.output, o->output);
  override(&s->cfg.plugins, o->plugins);
  override(&s->cfg.rejects, o->rejects);
  override(&s->cfg.summary, o->summary);
  override(&s->cfg.state_dir, o->state);
  override(&s->cfg.report, o->report);
  override(&s->cfg.id_column, o->id_column);
  if (o->threads >= 0) s->cfg.threads = o->threads;
  /* the dialect words were checked when the command line was read */
  if (o->delimiter) config_word_delimiter(o->delimiter, 1, &s->cfg.delimiter);
  if (o->quote) config_word_quote(o->quote, &s->cfg.quote);
  if (o->decimal) config_word_decimal(o->decimal, &s->cfg.decimal);
  if (o->encoding) config_word_encoding(o->encoding, &s->cfg.encoding);
  if (o->reader) config_word_reader(o->reader, &s->cfg.reader);
  if (o->out_delimiter) config_word_delimiter(o->out_delimiter, 0, &s->cfg.out_delimiter);
  if (o->max_rejects) s->cfg.max_rejects = strtol(o->max_rejects, NULL, 10);
  if (o->max_invalid) config_word_limit(o->max_invalid, &s->cfg.max_invalid);
  if (o->max_invalid_column) config_word_limit(o->max_invalid_column, &s->cfg.max_invalid_column);
  if (o->no_header) s->cfg.in_header = 0;
  override(&s->cfg.columns, o->columns);
  override(&s->cfg.columns_from, o->columns_from);
  if (o->no_output_header) s->cfg.out_header = 0;
  if (o->summary_format) config_word_summary_format(o->summary_format, &s->cfg.summary_line);
  if (!s->cfg.in_header && !s->cfg.columns == !s->cfg.columns_from)
    return cl_fail(err, CL_EXIT_CONFIG, "an input without a header row needs its column "
                   "names%s: pass --columns a,b,c or --columns-from FILE (or set columns "
                   "or columns_from in [input])", s->cfg.columns ? ", from one place only" : "");
  if (s->cfg.columns_from && strcmp(s->cfg.columns_from, "-") == 0)
    return cl_fail(err, CL_EXIT_USAGE, "--columns-from -: name a file (standard input is "
                   "for the records)");
  if (s->cfg.in_header && (s->cfg.columns || s->cfg.columns_from))
    return cl_fail(err, CL_EXIT_CONFIG, "%s is for an input without a header row: pass "
                   "--no-header (or set header = no in [input]), or drop it",
                   s->cfg.columns ? "columns" : "columns_from");
  if (o->out_bom) s->cfg.out_bom = 1;
  if (o->crlf) s->cfg.out_crlf = 1;
  if (o->format) config_word_format(o->format, &s->cfg.format);
  override(&s->cfg.audiences, o->audiences);
  override(&s->cfg.audience_columns, o->audience_columns);
  if (o->audience_macros) s->cfg.audience_macros = 1;
  if (o->as_of && config_parse_date(o->as_of, &s->cfg.as_of) != 0)
    return cl_fail(err, CL_EXIT_USAGE, "--as-of %s: not a date (write YYYY-MM-DD)", o->as_of);
  if (!s->cfg.rules && !o->rules_optional)
    return cl_fail(err, CL_EXIT_CONFIG, "no rule file: set rules = FILE in [engine] of "
                   "engine.ini, or pass --rules FILE");
  host_api_make(&s->host, &s->log);
  const char *src;
  int optional;
  const char *path = plugins_search_path(s->cfg.plugins, &src, &optional);
  log_msg(&s->log, LOG_DEBUG, "plugin path (%s): %s", src, path);
  if (plugins_load_path(&s->plugins, path, optional, err)) return err->code;
  /* init waits for the rule file to name the plugin (plugins_use) */
  if (plugins_configure(&s->plugins, &s->host, &s->cfg, err)) return err->code;
  return 0;
}

int session_rules(session *s, void (*warn)(void *ud, const char *msg), void *ud,
                  cl_error *err) {
  rules_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.path = s->cfg.rules;
  ro.as_of = s->cfg.as_of;
  ro.mem_limit = (size_t)s->cfg.lua_memory_mb << 20;
  ro.instr_limit = s->cfg.lua_instructions;
  ro.plugins = &s->plugins;
  ro.plugin_dir = s->cfg.plugins;
  ro.host = &s->host;
  ro.log = &s->log;
  ro.warn = warn;
  ro.warn_ud = ud;
  ro.quantiles = s->skip_quantiles ? quantile_resolve_none : quantile_resolve_session;
  ro.quantiles_ud = s;
  int rc = rules_load(&s->g, &ro, err);
  s->have_graph = 1;
  return rc;
}

void session_close(session *s) {
  if (s->have_graph) graph_free(&s->g); /* plugin instances: before plugins go */
  plugins_free(&s->plugins);
  config_free(&s->cfg);
  log_close(&s->log);
}
