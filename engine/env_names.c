/* SPDX-License-Identifier: MIT */
/*
** env_names.c -- the global names of a rule file's environment (env_names.h).
*/
#include <stddef.h>
#include <string.h>

#include "env_names.h"

/* Adding a global to the rule language? Add it here too: t_dsl.c fails until
** this list and the environment agree. */
#define DSL_NAMES                                                              \
  "text", "number", "date", "tags", "is_missing", "is_present", "all", "any",  \
      "none", "NOT", "at_least", "score", "macro", "micro", "list", "bucket"
#define LUA_BASE_NAMES                                                         \
  "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", \
      "tostring", "type", "rawequal", "rawlen"
#define LUA_OTHER_NAMES "print", "_VERSION", "string", "table", "math", "utf8"

const char *const env_lua_base[] = {LUA_BASE_NAMES, NULL};
const char *const env_globals[] = {DSL_NAMES, LUA_BASE_NAMES, LUA_OTHER_NAMES, NULL};

int env_name_reserved(const char *name) {
  for (const char *const *p = env_globals; *p; p++)
    if (strcmp(*p, name) == 0) return 1;
  return 0;
}

void env_names_list(char *buf, size_t cap) {
  size_t len = 0;
  if (!cap) return;
  buf[0] = '\0';
  for (const char *const *p = env_globals; *p; p++) {
    size_t n = strlen(*p);
    if (len + n + 3 >= cap) break;
    if (len) buf[len++] = ',', buf[len++] = ' ';
    memcpy(buf + len, *p, n + 1);
    len += n;
  }
}
