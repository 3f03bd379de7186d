/* SPDX-License-Identifier: MIT */
/*
** plugin_path.c -- the plugin search path: --plugins, [engine] plugins,
** $CLEAVE_PLUGIN_PATH or the compiled-in CLEAVE_PLUGINDIR, each a
** ':'-separated list of directories and .so files (plugin_loader.h).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plugin_loader.h"

/* The Makefile passes -DCLEAVE_PLUGINDIR='"$(libdir)/cleave/plugins"'. */
#ifndef CLEAVE_PLUGINDIR
#define CLEAVE_PLUGINDIR "/usr/local/lib/cleave/plugins"
#endif

const char *plugins_search_path(const char *configured, const char **source, int *optional) {
  const char *env = getenv("CLEAVE_PLUGIN_PATH");
  *optional = 0;
  if (configured) {
    *source = "--plugins or [engine] plugins";
    return configured;
  }
  if (env && *env) {
    *source = "CLEAVE_PLUGIN_PATH";
    return env;
  }
  *source = "the default";
  *optional = 1;
  return CLEAVE_PLUGINDIR;
}

int plugins_load_path(plugin_set *set, const char *path, int optional, cl_error *err) {
  char *copy = cl_strdup(path);
  int rc = 0;
  for (char *item = copy, *next; item && !rc; item = next) {
    next = strchr(item, ':');
    if (next) *next++ = '\0';
    if (!*item) continue;
    struct stat st;
    if (stat(item, &st) != 0 && optional && errno == ENOENT) continue;
    if (stat(item, &st) == 0 && !S_ISDIR(st.st_mode)) {
      if (!plugins_loaded_file(set, item)) rc = plugins_load_file(set, item, err);
    } else {
      rc = plugins_load_dir(set, item, err);
    }
  }
  free(copy);
  return rc;
}
