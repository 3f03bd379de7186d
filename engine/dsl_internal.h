/* SPDX-License-Identifier: MIT */
/*
** dsl_internal.h -- shared by the dsl_*.c files that make up the rule language.
*/
#ifndef CLEAVE_DSL_INTERNAL_H
#define CLEAVE_DSL_INTERNAL_H

#include <lauxlib.h>
#include <lua.h>

#include "dsl.h"

#define NODE_MT "cleave.node"

dsl *dsl_of(lua_State *L);
/* The rule-file line of the Lua code calling the running C function. */
uint32_t dsl_line(lua_State *L);
/* Raise "file:line: [in <scope>: ]message". Never returns. */
int dsl_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Push a node userdata for id; return id. */
uint32_t dsl_push(lua_State *L, uint32_t id);
/* The node at idx, or -1 when it is not a node. */
int64_t dsl_node_at(lua_State *L, int idx);
/* A short human name of what is at idx ("number 'age'", "a Lua string"...). */
const char *dsl_describe(lua_State *L, int idx);
/* Human name of node id for messages ("age", "spend_12m / orders_12m"). */
const char *dsl_node_name(const graph *g, uint32_t id, char *buf, size_t len);

/* A value of type `type` from idx: a node of that type, or a Lua constant
** that converts (number, text, "YYYY-MM-DD" for dates). what names the
** argument in errors. */
uint32_t dsl_to_value(lua_State *L, int idx, int type, const char *what);
/* A condition from idx: a condition node or a table (meaning all of it). */
uint32_t dsl_to_pred(lua_State *L, int idx, const char *what);
/* Build AND/OR of the conditions in the table at idx (array part). */
uint32_t dsl_combine(lua_State *L, int idx, node_kind kind, const char *what);
/* A node with the given kids. */
uint32_t dsl_node(lua_State *L, node_kind kind, int type, const uint32_t *kids,
                  uint32_t n);
/* Strings of the list at idx (a Lua array of strings/numbers, or one string)
** into set; returns the count. */
uint32_t dsl_strings(lua_State *L, int idx, strset *set, const char *what);

void dsl_open_values(lua_State *L);   /* field declarations + methods */
void dsl_open_logic(lua_State *L);    /* all any none NOT at_least score */
void dsl_open_segments(lua_State *L); /* macro micro */
void dsl_open_extras(lua_State *L);   /* list, bucket */
void dsl_open_quantiles(lua_State *L); /* top_percent, quantile_at_least, ... */
/* For the environment's __index: when name is a loaded plugin, initialise it
** (once), push its table, store it in the environment at index 1 and return
** 1; else 0. An init failure is recorded in d->plugin_err and raised. */
int dsl_plugin_global(lua_State *L, const char *name);
/* The loaded plugin name closest to name (a likely typo), or NULL. */
const char *dsl_plugin_suggest(lua_State *L, const char *name);

#endif
