/* SPDX-License-Identifier: MIT */
/*
** env_names.h -- every global name a rule file's environment defines: the
** Lua base functions and libraries the sandbox copies in (sandbox.c) and the
** rule language's functions (dsl_*.c). One list: the sandbox copies its part
** from it, the plugin loader refuses a plugin named like any of it (a plugin
** called `text` would hide the field declaration text "..."), and t_dsl.c
** checks that the environment a rule file sees holds exactly these names.
*/
#ifndef CLEAVE_ENV_NAMES_H
#define CLEAVE_ENV_NAMES_H

#include <stddef.h>

/* The Lua base functions sandbox_push_env copies (NULL-terminated). */
extern const char *const env_lua_base[];
/* Every global of a rule file's environment, base and DSL (NULL-terminated). */
extern const char *const env_globals[];

/* Nonzero when name is in env_globals. */
int env_name_reserved(const char *name);
/* "text, number, date, tags, ..." (the DSL's names first) into buf, for
** messages; cut short (never mid-name) when cap is too small. */
void env_names_list(char *buf, size_t cap);

#endif
