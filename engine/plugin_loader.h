/* SPDX-License-Identifier: MIT */
/*
** plugin_loader.h -- find, dlopen, version-check and initialise criterion
** plugins (include/cleave/plugin.h is the ABI they implement).
*/
#ifndef CLEAVE_PLUGIN_LOADER_H
#define CLEAVE_PLUGIN_LOADER_H

#include <stddef.h>

#include "cleave/plugin.h"
#include "config.h"
#include "error.h"
#include "plugin_config.h"

typedef struct loaded_plugin {
  char *path;                 /* the .so file, for messages */
  void *handle;               /* dlopen handle (never dlclosed while in use) */
  /* The descriptor as this engine's structs: the plugin's descriptor, its
  ** criteria, their arguments and its config_decls copied at this engine's
  ** sizes, fields the plugin's struct_size does not cover zero (an ABI 1.0
  ** plugin's struct_size fields read 0). Owned by the set. */
  const cleave_plugin *desc;
  const cleave_plugin *raw;   /* what cleave_plugin_entry returned */
  void *state;                /* from desc->init, or NULL */
  int initialised;            /* init ran and succeeded (plugins_use) */
  struct cleave_config_typed typed; /* its checked [plugin.<name>] values */
} loaded_plugin;

typedef struct plugin_set {
  loaded_plugin *v;
  size_t n;
  const cleave_host *host; /* for plugins_use (plugins_configure) */
  const config *cfg;
} plugin_set;

/* A plugin type's name ("NUMBER"), or unknown for a value no type has:
** the one table the loader's messages and `cleave plugins` print. */
const char *plugins_type_name(int32_t t, const char *unknown);

/* Load one .so. First, with nothing of it mapped (plugin_trust.h): the file,
** its folder and the folders above it must be owned by root or the user
** running cleave and writable by no one else, and its ELF header and .dynsym
** must show a shared object for this machine exporting cleave_plugin_entry.
** Then dlopen(RTLD_NOW|RTLD_LOCAL) of the file checked -- which runs its ELF
** constructors -- cleave_plugin_entry, and the descriptor checks:
** abi_major == CLEAVE_ABI_MAJOR, abi_minor <= CLEAVE_ABI_MINOR, struct_size,
** a valid name (also unique in the set) and sane criteria.
** Errors (CL_EXIT_PLUGIN) name the file, e.g.
**   "plugins/geo.so: built for plugin ABI 2.0, this cleave provides 1.0;
**    rebuild it against include/cleave/plugin.h"
**   "plugins/geo.so: plugin folder /srv/plugins is writable by group (mode
**    0775), who could make cleave run their code; chmod g-w /srv/plugins, ..." */
int plugins_load_file(plugin_set *set, const char *path, cl_error *err);

/* Load every *.so in dir, in name order. A missing dir is an error, and so
** is a dir that fails the trust rule (checked before any file in it). */
int plugins_load_dir(plugin_set *set, const char *dir, cl_error *err);

/* Nonzero when a file of path's name (dates.so, whatever its folder) is
** already in the set. */
int plugins_loaded_file(const plugin_set *set, const char *path);

/* The plugin search path (plugin_path.c): the items of path, separated by
** ':', each a directory (plugins_load_dir) or a .so file (plugins_load_file),
** in order; an empty item is skipped. A file whose name (dates.so) was
** already loaded from an earlier item is skipped unopened, like PATH.
** optional: a missing directory is no error (the compiled-in default). */
int plugins_load_path(plugin_set *set, const char *path, int optional, cl_error *err);

/* The path cleave uses: configured (--plugins, else [engine] plugins) if
** not NULL, else $CLEAVE_PLUGIN_PATH if set and not empty, else the
** compiled-in CLEAVE_PLUGINDIR. *source says which ("--plugins or plugins =",
** "CLEAVE_PLUGIN_PATH", "the default"); *optional is set for the default. */
const char *plugins_search_path(const char *configured, const char **source, int *optional);

/* Remember host and cfg (both must outlive the set) for plugins_use, and
** check that every [plugin.<name>] section names a loaded plugin, once
** (CL_EXIT_CONFIG naming the ini line). Initialises nothing. */
int plugins_configure(plugin_set *set, const cleave_host *host, const config *cfg,
                      cl_error *err);

/* Initialise plugin i unless it is already: its [plugin.<name>] section is
** checked against config_keys/config_decls (CL_EXIT_CONFIG: unknown key,
** bad, missing or out-of-range value, naming the ini line), then init runs
** (CL_EXIT_PLUGIN naming the file and the plugin's message). The rule
** language calls it when a rule file first names the plugin (dsl_extras.c),
** so a plugin no rule uses is never initialised. */
int plugins_use(plugin_set *set, size_t i, cl_error *err);

/* plugins_configure, then plugins_use on every plugin (tests, benchmarks). */
int plugins_init(plugin_set *set, const cleave_host *host, const config *cfg,
                 cl_error *err);

/* The plugin called name, or NULL. */
const loaded_plugin *plugins_find(const plugin_set *set, const char *name);

/* One worker's plugin states (*ts: one per plugin, NULL where none; only
** initialised plugins get thread_init).
** Errors are CL_EXIT_PLUGIN naming the plugin. set may be NULL. */
int plugins_thread_init(const plugin_set *set, void ***ts, cl_error *err);
void plugins_thread_fini(const plugin_set *set, void **ts);

/* fini every initialised plugin (reverse order) and free the set. */
void plugins_free(plugin_set *set);

#endif
