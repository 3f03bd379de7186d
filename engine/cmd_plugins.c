/* SPDX-License-Identifier: MIT */
/*
** cmd_plugins.c -- `cleave plugins [--plugins PATH]`: what the plugin path
** holds, for rule writers and plugin authors. Plugins are loaded and checked
** as a run loads them (trust, ELF, descriptor, [plugin.*] section names) but
** none is initialised: listing runs no plugin code beyond the ELF
** constructors and cleave_plugin_entry.
*/
#include <stdio.h>
#include <string.h>

#include "cmd_plugins.h"
#include "plugin_config.h"
#include "plugin_loader.h"

/* "rfm.recency(days NUMBER, [thresholds const TEXT]) -> NUMBER" */
static void print_criterion(FILE *f, const cleave_plugin *d, const cleave_criterion *c) {
  fprintf(f, "  %s.%s(", d->name, c->name);
  for (uint32_t i = 0; i < c->nargs; i++) {
    const cleave_arg *a = &c->args[i];
    int opt = (a->kind & CLEAVE_ARG_OPTIONAL) != 0;
    fprintf(f, "%s%s%s %s%s%s", i ? ", " : "", opt ? "[" : "", a->name,
            (a->kind & 0xff) == CLEAVE_ARG_CONST ? "const " : "", plugins_type_name(a->type, "?"),
            opt ? "]" : "");
  }
  fprintf(f, ") -> %s    (cost %g%s)\n      %s\n", plugins_type_name(c->result, "?"), c->cost,
          c->flags & CLEAVE_PURE ? ", pure" : "", c->help);
}

static void print_config(FILE *f, const cleave_plugin *d) {
  size_t nk = 0;
  while (d->config_keys && d->config_keys[nk]) nk++;
  if (!nk && !d->nconfig_decls) {
    fprintf(f, "  config: none\n");
    return;
  }
  fprintf(f, "  config [plugin.%s]:\n", d->name);
  for (uint32_t i = 0; i < d->nconfig_decls; i++) {
    const cleave_config_decl *c = &d->config_decls[i];
    char want[160];
    plugin_config_describe(c, want, sizeof want);
    fprintf(f, "    %s = %s (%s)", c->key, plugin_config_type_name(c->type), want);
    if (c->flags & CLEAVE_CFG_REQUIRED) fprintf(f, ", required");
    else if (c->default_value) fprintf(f, ", default \"%s\"", c->default_value);
    fprintf(f, "\n        %s\n", c->help);
  }
  for (size_t i = 0; i < nk; i++)
    fprintf(f, "    %s (untyped: the plugin reads the text)\n", d->config_keys[i]);
}

static void print_plugin(FILE *f, const loaded_plugin *lp) {
  const cleave_plugin *d = lp->desc;
  fprintf(f, "\n%s %s -- %s\n  file: %s (built for plugin ABI %u.%u)\n", d->name,
          d->version, d->summary, lp->path, lp->raw->abi_major, lp->raw->abi_minor);
  for (uint32_t k = 0; k < d->ncriteria; k++) print_criterion(f, d, &d->criteria[k]);
  print_config(f, d);
}

int cmd_plugins(const cli_opts *o) {
  cli_opts oo = *o;
  oo.rules_optional = 1;
  session s;
  cl_error err = {0, ""};
  int rc = session_open(&s, &oo, &err);
  if (rc) {
    log_msg(&s.log, LOG_ERROR, "%s", err.msg);
  } else {
    const char *src;
    int optional;
    const char *path = plugins_search_path(s.cfg.plugins, &src, &optional);
    printf("plugin path (%s): %s\nplugin ABI of this cleave: %d.%d\n", src, path,
           CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR);
    if (!s.plugins.n) printf("\nno plugins found\n");
    for (size_t i = 0; i < s.plugins.n; i++) print_plugin(stdout, &s.plugins.v[i]);
    if (fflush(stdout) != 0 || ferror(stdout)) rc = CL_EXIT_OUTPUT;
  }
  session_close(&s);
  return rc;
}
