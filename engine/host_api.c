/* SPDX-License-Identifier: MIT */
/*
** host_api.c -- the cleave_host table: the only engine services a plugin
** may call (logging, error formatting, config lookup, date parsing).
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "datecalc.h"
#include "host_api.h"
#include "plugin_config.h"

/* Longest plugin log message kept; longer ones are cut. */
#define HOST_LOG_MAX 1024

static void host_log(void *host_ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Plugins may log from worker threads (thread_init, thread_fini, and in
** principle eval), so the message is formatted first and written under the
** stream's lock: log_msg writes it in several stdio calls. */
static void host_log(void *host_ctx, int level, const char *fmt, ...) {
  logger *lg = host_ctx;
  char buf[HOST_LOG_MAX];
  va_list ap;
  if (!lg || !fmt || level > lg->level) return;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  flockfile(lg->out);
  log_msg(lg, level, "plugin: %s", buf);
  funlockfile(lg->out);
}

static int host_errorf(cleave_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int host_errorf(cleave_err *err, const char *fmt, ...) {
  va_list ap;
  if (!err) return CLEAVE_ERR;
  if (!fmt) {
    err->msg[0] = '\0';
    return CLEAVE_ERR;
  }
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return CLEAVE_ERR;
}

/* The last entry wins, as when a key is repeated in an ini file. */
static const char *host_config_get(const cleave_config *cfg, const char *key) {
  const char *val = NULL;
  if (!cfg || !key) return NULL;
  for (size_t i = 0; i < cfg->n; i++)
    if (cfg->entries[i].key && strcmp(cfg->entries[i].key, key) == 0)
      val = cfg->entries[i].value;
  return val;
}

/* Typed values (ABI 1.1): what plugin_config_check made of the section. A key
** the plugin did not declare reads as unset: NULL, 0. */
static const plugin_cfg_val *typed(const cleave_config *cfg, const char *key) {
  return cfg ? plugin_config_find(cfg->typed, key) : NULL;
}

static const char *host_config_string(const cleave_config *cfg, const char *key) {
  const plugin_cfg_val *v = typed(cfg, key);
  return v ? v->text : NULL;
}

static int64_t host_config_int(const cleave_config *cfg, const char *key) {
  const plugin_cfg_val *v = typed(cfg, key);
  return v && v->text ? v->i : 0;
}

static double host_config_number(const cleave_config *cfg, const char *key) {
  const plugin_cfg_val *v = typed(cfg, key);
  return v && v->text ? v->d : 0;
}

static int host_config_bool(const cleave_config *cfg, const char *key) {
  const plugin_cfg_val *v = typed(cfg, key);
  return v && v->text ? v->b : 0;
}

static int host_config_line(const cleave_config *cfg, const char *key) {
  const plugin_cfg_val *v = typed(cfg, key);
  return v ? v->line : 0;
}

static int host_parse_date(cleave_str s, int32_t *days) {
  if (!s.ptr || !days) return -1;
  return date_parse_iso(s.ptr, s.len, days) == 0 ? 0 : -1;
}

void host_api_make(cleave_host *h, logger *lg) {
  memset(h, 0, sizeof *h);
  h->abi_major = CLEAVE_ABI_MAJOR;
  h->abi_minor = CLEAVE_ABI_MINOR;
  h->struct_size = (uint32_t)sizeof *h;
  h->log = host_log;
  h->errorf = host_errorf;
  h->config_get = host_config_get;
  h->parse_date = host_parse_date;
  h->host_ctx = lg;
  h->config_string = host_config_string;
  h->config_int = host_config_int;
  h->config_number = host_config_number;
  h->config_bool = host_config_bool;
  h->config_line = host_config_line;
}
