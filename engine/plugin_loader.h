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

typedef struct loaded_plugin {
  char *path;                 /* the .so file, for messages */
  void *handle;               /* dlopen handle (never dlclosed while in use) */
  const cleave_plugin *desc;  /* what cleave_plugin_entry returned */
  void *state;                /* from desc->init, or NULL */
  int initialised;
} loaded_plugin;

typedef struct plugin_set {
  loaded_plugin *v;
  size_t n;
} plugin_set;

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

/* Call init on every plugin with its [plugin.<name>] section (or an empty
** one). A section naming no loaded plugin, or a key the plugin does not list
** in config_keys, is a CL_EXIT_CONFIG error naming the ini line. An init
** failure is CL_EXIT_PLUGIN, naming the plugin file and its message. */
int plugins_init(plugin_set *set, const cleave_host *host, const config *cfg,
                 cl_error *err);

/* The plugin called name, or NULL. */
const loaded_plugin *plugins_find(const plugin_set *set, const char *name);

/* One worker's plugin states (*ts: one per plugin, NULL where none).
** Errors are CL_EXIT_PLUGIN naming the plugin. set may be NULL. */
int plugins_thread_init(const plugin_set *set, void ***ts, cl_error *err);
void plugins_thread_fini(const plugin_set *set, void **ts);

/* fini every initialised plugin (reverse order) and free the set. */
void plugins_free(plugin_set *set);

#endif
