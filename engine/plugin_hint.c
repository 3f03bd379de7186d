/* SPDX-License-Identifier: MIT */
/*
** plugin_hint.c -- a known plugin's name that is not loaded (plugin_hint.h).
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "messages.h"
#include "plugin_hint.h"

#ifndef CLEAVE_PLUGIN_NAMES
#define CLEAVE_PLUGIN_NAMES ""
#endif
#ifndef CLEAVE_PLUGINDIR
#define CLEAVE_PLUGINDIR ""
#endif

/* [a-z][a-z0-9_]*, at most 64 bytes: a plugin name, safe in a path. */
static int plugin_word(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 64 || s[0] < 'a' || s[0] > 'z') return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) return 0;
  return 1;
}

static int in_list(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, " ");
    if (len == n && memcmp(p, name, n) == 0) return 1;
    p += len;
    p += strspn(p, " ");
  }
  return 0;
}

int plugin_is_known(const char *name) {
  if (!plugin_word(name)) return 0;
  if (in_list(CLEAVE_PLUGIN_NAMES, name)) return 1;
  if (!CLEAVE_PLUGINDIR[0]) return 0;
  buf p = {0};
  buf_printf(&p, "%s/%s.so", CLEAVE_PLUGINDIR, name);
  int there = access(buf_cstr(&p), F_OK) == 0;
  buf_free(&p);
  return there;
}

void plugin_missing_msg(char *out, size_t len, const char *name, const char *plugin_dir) {
  if (plugin_dir)
    snprintf(out, len, MSG_PLUGIN_NOT_IN_DIR, name, plugin_dir, name);
  else
    snprintf(out, len, MSG_PLUGIN_NO_DIR, name, name);
}
