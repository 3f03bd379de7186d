/*
** dsl_logic.c -- combining conditions: all, any, none, NOT, at_least, score,
** and the operators & | ~ on conditions.
*/
#include <stdlib.h>

#include "dsl_internal.h"
#include "error.h"

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
  dsl_push(L, dsl_combine(L, args_as_list(L), N_AND, "all"));
  return 1;
}

static int l_any(lua_State *L) {
  dsl_push(L, dsl_combine(L, args_as_list(L), N_OR, "any"));
  return 1;
}

static int l_none(lua_State *L) {
  uint32_t any = dsl_combine(L, args_as_list(L), N_OR, "none");
  dsl_push(L, dsl_node(L, N_NOT, VT_BOOL, &any, 1));
  return 1;
}

static int l_not(lua_State *L) {
  if (lua_gettop(L) != 1) dsl_error(L, "NOT() takes one condition");
  uint32_t p = dsl_to_pred(L, 1, "NOT()'s argument");
  dsl_push(L, dsl_node(L, N_NOT, VT_BOOL, &p, 1));
  return 1;
}

static int l_at_least(lua_State *L) {
  if (!lua_isinteger(L, 1) || lua_type(L, 2) != LUA_TTABLE || dsl_node_at(L, 2) >= 0)
    return dsl_error(L, "at_least needs a count and a list: at_least(2, {a, b, c})");
  lua_Integer k = lua_tointeger(L, 1), n = luaL_len(L, 2);
  if (k < 1 || k > n)
    dsl_error(L, "at_least(%d, ...) of %d conditions: the count must be from 1 to %d",
              (int)k, (int)n, (int)n);
  uint32_t *kids = lua_newuserdatauv(L, (size_t)n * sizeof *kids, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 2, i);
    kids[i - 1] = dsl_to_pred(L, -1, "at_least, an item,");
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
    return dsl_error(L, "score needs a list of {condition, points} pairs: "
                        "score{ {a, 2}, {b, 1} }");
  lua_Integer n = luaL_len(L, 1);
  if (n < 1) dsl_error(L, "score{}: the list is empty");
  uint32_t *kids = lua_newuserdatauv(L, (size_t)n * sizeof *kids, 0);
  double *w = lua_newuserdatauv(L, (size_t)n * sizeof *w, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    if (lua_type(L, -1) != LUA_TTABLE || dsl_node_at(L, -1) >= 0 || luaL_len(L, -1) != 2)
      dsl_error(L, "score: item %d must be a pair {condition, points}", (int)i);
    lua_geti(L, -1, 1);
    kids[i - 1] = dsl_to_pred(L, -1, "score, a condition,");
    lua_geti(L, -2, 2);
    if (lua_type(L, -1) != LUA_TNUMBER)
      dsl_error(L, "score: item %d: the points must be a number, not %s", (int)i,
                dsl_describe(L, -1));
    w[i - 1] = lua_tonumber(L, -1);
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

static int mt_band(lua_State *L) { return binop(L, N_AND, "the left or right side of &"); }
static int mt_bor(lua_State *L) { return binop(L, N_OR, "the left or right side of |"); }
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
