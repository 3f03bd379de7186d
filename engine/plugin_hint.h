/* SPDX-License-Identifier: MIT */
/*
** plugin_hint.h -- is a name the rule file uses as if it were defined the
** name of a plugin cleave could load? Used by the rule language's "is not
** defined" message, so that forgetting --plugins names the missing plugin
** and its folder instead of suggesting a look-alike word.
*/
#ifndef CLEAVE_PLUGIN_HINT_H
#define CLEAVE_PLUGIN_HINT_H

#include <stddef.h>

/* 1 when name is a plugin's: one built from this source tree's plugins/
** (the names are compiled in, CLEAVE_PLUGIN_NAMES) or a <name>.so in the
** compiled-in plugin folder (CLEAVE_PLUGINDIR). */
int plugin_is_known(const char *name);

/* The message for a known plugin's name used while it is not loaded:
** plugin_dir is the folder that was searched (NULL: none configured).
** Written into out[0..len), cut short if need be. */
void plugin_missing_msg(char *out, size_t len, const char *name, const char *plugin_dir);

#endif
