/* SPDX-License-Identifier: MIT */
/*
** dsl_logic.c -- combining conditions: all, any, none, NOT, at_least, score,
** and the operators & | ~ on conditions.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dsl_internal.h"
#include "error.h"
#include "rule_limits.h"
#include "messages.h"

/* Arguments as one list: f{a, b} or f(a, b). */
static int args_as_list(lua_State *L) {
  if (lua_gettop(L) == 1 && lua_type(L, 1) == LUA_TTABLE && dsl_node_at(L, 1) < 0) return 1;
  int n = lua_gettop(L);
  lua_createtable(L, n, 0);
  for (int i = 1; i <= n; i++) {
    lua_pushvalue(L, i);
    lua_rawseti(L, -2, i);
  }
  return lua_gettop(L);
}

static int l_all(lua_State *L) {
  dsl_push(L, dsl_combine(L, args_as_list(L), N_AND, MSG_WHAT_ALL));
  return 1;
}

static int l_any(lua_State *L) {
  dsl_push(L, dsl_combine(L, args_as_list(L), N_OR, MSG_WHAT_ANY));
  return 1;
}

static int l_none(lua_State *L) {
  int t = args_as_list(L);
  if (luaL_len(L, t) == 0) dsl_error(L, MSG_EMPTY_NONE);
  uint32_t any = dsl_combine(L, t, N_OR, MSG_WHAT_NONE);
  dsl_push(L, dsl_node(L, N_NOT, VT_BOOL, &any, 1));
  return 1;
}

static int l_not(lua_State *L) {
  if (lua_gettop(L) != 1) dsl_error(L, MSG_NOT_ONE_ARG, lua_gettop(L));
  uint32_t p = dsl_to_pred(L, 1, MSG_WHAT_NOT_ARG);
  dsl_push(L, dsl_node(L, N_NOT, VT_BOOL, &p, 1));
  return 1;
}

static int l_at_least(lua_State *L) {
  if (!lua_isinteger(L, 1) || lua_type(L, 2) != LUA_TTABLE || dsl_node_at(L, 2) >= 0)
    return dsl_error(L, MSG_AT_LEAST_USAGE);
  lua_Integer k = lua_tointeger(L, 1), n = luaL_len(L, 2);
  if (n > LIMIT_KIDS) dsl_error(L, MSG_LIMIT_KIDS, MSG_WHAT_AT_LEAST, (int)n, LIMIT_KIDS);
  if (k < 1 || k > n)
    dsl_error(L, MSG_AT_LEAST_COUNT, (int)k, (int)n, (int)n);
  uint32_t *kids = lua_newuserdatauv(L, (size_t)n * sizeof *kids, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 2, i);
    char what[64];
    snprintf(what, sizeof what, MSG_WHAT_ITEM, MSG_WHAT_AT_LEAST, (int)i);
    kids[i - 1] = dsl_to_pred(L, -1, what);
    lua_pop(L, 1);
  }
  uint32_t id = dsl_node(L, N_ATLEAST, VT_BOOL, kids, (uint32_t)n);
  dsl_of(L)->g->nodes[id].u.count.k = (uint32_t)k;
  dsl_push(L, id);
  return 1;
}

/* score{ {cond, weight}, ... } -> a number: the sum of the weights of the
** conditions that hold. */
static int l_score(lua_State *L) {
  if (lua_type(L, 1) != LUA_TTABLE || dsl_node_at(L, 1) >= 0)
    return dsl_error(L, MSG_SCORE_USAGE);
  lua_Integer n = luaL_len(L, 1);
  if (n < 1) dsl_error(L, MSG_SCORE_EMPTY);
  if (n > LIMIT_KIDS) dsl_error(L, MSG_LIMIT_KIDS, MSG_WHAT_SCORE, (int)n, LIMIT_KIDS);
  uint32_t *kids = lua_newuserdatauv(L, (size_t)n * sizeof *kids, 0);
  double *w = lua_newuserdatauv(L, (size_t)n * sizeof *w, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    if (lua_type(L, -1) != LUA_TTABLE || dsl_node_at(L, -1) >= 0 || luaL_len(L, -1) != 2)
      dsl_error(L, MSG_SCORE_PAIR, (int)i);
    lua_geti(L, -1, 1);
    char what[64];
    snprintf(what, sizeof what, MSG_WHAT_ITEM, MSG_WHAT_SCORE, (int)i);
    kids[i - 1] = dsl_to_pred(L, -1, what);
    lua_geti(L, -2, 2);
    if (lua_type(L, -1) != LUA_TNUMBER)
      dsl_error(L, MSG_SCORE_POINTS, (int)i, dsl_describe(L, -1));
    w[i - 1] = lua_tonumber(L, -1);
    if (!isfinite(w[i - 1])) dsl_error(L, MSG_SCORE_NOT_FINITE, (int)i);
    lua_pop(L, 3);
  }
  uint32_t id = dsl_node(L, N_SCORE, VT_NUMBER, kids, (uint32_t)n);
  node *nd = &dsl_of(L)->g->nodes[id];
  nd->u.count.weights = cl_malloc((size_t)n * sizeof *w);
  for (lua_Integer i = 0; i < n; i++) nd->u.count.weights[i] = w[i];
  dsl_push(L, id);
  return 1;
}

static int binop(lua_State *L, node_kind kind, const char *sym) {
  uint32_t kids[2] = {dsl_to_pred(L, 1, sym), dsl_to_pred(L, 2, sym)};
  dsl_push(L, dsl_node(L, kind, VT_BOOL, kids, 2));
  return 1;
}

static int mt_band(lua_State *L) { return binop(L, N_AND, MSG_WHAT_AND); }
static int mt_bor(lua_State *L) { return binop(L, N_OR, MSG_WHAT_OR); }
static int mt_bnot(lua_State *L) { /* Lua passes the operand twice */
  lua_settop(L, 1);
  return l_not(L);
}

void dsl_open_logic(lua_State *L) {
  static const luaL_Reg globals[] = {{"all", l_all},   {"any", l_any},
                                     {"none", l_none}, {"NOT", l_not},
                                     {"at_least", l_at_least}, {"score", l_score},
                                     {NULL, NULL}};
  static const luaL_Reg ops[] = {{"__band", mt_band}, {"__bor", mt_bor},
                                 {"__bnot", mt_bnot}, {NULL, NULL}};
  luaL_setfuncs(L, globals, 0);
  luaL_getmetatable(L, NODE_MT);
  luaL_setfuncs(L, ops, 0);
  lua_pop(L, 1);
}
