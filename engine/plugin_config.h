/* SPDX-License-Identifier: MIT */
/*
** plugin_config.h -- a plugin's [plugin.<name>] section checked against what
** the plugin declares: the untyped config_keys of ABI 1.0 and the typed
** config_decls of 1.1 (include/cleave/plugin.h). The checked values are what
** the host's config_string/int/number/bool accessors (host_api.c) return.
*/
#ifndef CLEAVE_PLUGIN_CONFIG_H
#define CLEAVE_PLUGIN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "cleave/plugin.h"
#include "config.h"
#include "error.h"

typedef struct plugin_cfg_val {
  const char *key;  /* the declaration's */
  int32_t type;     /* cleave_config_type */
  const char *text; /* the value as written, or the default (NULL: none) */
  int64_t i;        /* INT */
  double d;         /* INT and NUMBER */
  int b;            /* BOOL */
  int line;         /* engine.ini line, 0 for the default */
} plugin_cfg_val;

struct cleave_config_typed {
  plugin_cfg_val *v; /* one per declaration, in declaration order */
  size_t n;
};

/* Load-time check of the declarations themselves (CL_EXIT_PLUGIN naming
** path): a usable key, once; a known type; help; a default that parses and
** is in range; min <= max. */
int plugin_config_check_decls(const char *path, const cleave_plugin *d, cl_error *err);

/* Check section s (NULL: none) of the ini file ini (NULL: no file) against
** plugin d and fill out (free with plugin_config_free). CL_EXIT_CONFIG with
** "engine.ini:LINE: ..." for an unknown key (did you mean), a value that
** is not of its type or out of range, a required key missing. */
int plugin_config_check(const char *ini, const config_section *s, const cleave_plugin *d,
                        struct cleave_config_typed *out, cl_error *err);

void plugin_config_free(struct cleave_config_typed *t);

/* "did you mean": a likely typo of word among names (suggest.h), else a name
** that word begins (at least 3 bytes: "recency" -> "recency_days"). */
const char *plugin_config_guess(const char *word, const char *const *names, size_t n);

/* The checked value of key, or NULL when the plugin did not declare it. */
const plugin_cfg_val *plugin_config_find(const struct cleave_config_typed *t, const char *key);

/* "INT", "NUMBER"... and "a whole number from 1 to 10"-style wording of a
** declaration's type and range, for messages and `cleave plugins`. */
const char *plugin_config_type_name(int32_t type);
void plugin_config_describe(const cleave_config_decl *c, char *buf, size_t cap);

#endif
