/* SPDX-License-Identifier: MIT */
/*
** dsl_core.c -- the rule language's plumbing: node userdata, conversions
** between Lua values and nodes, error messages with file:line, installation.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datecalc.h"
#include "dsl_internal.h"
#include "error.h"
#include "rule_limits.h"
#include "messages.h"
#include "plugin_hint.h"
#include "render.h"
#include "suggest.h"

dsl *dsl_of(lua_State *L) { return sandbox_of(L)->user; }

uint32_t dsl_line(lua_State *L) {
  lua_Debug ar;
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "l", &ar);
    if (ar.currentline > 0) return (uint32_t)ar.currentline;
  }
  return 0;
}

int dsl_error(lua_State *L, const char *fmt, ...) {
  dsl *d = dsl_of(L);
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  uint32_t line = dsl_line(L);
  if (d->scope)
    lua_pushfstring(L, MSG_AT_IN, d->display, (int)line, d->scope, msg);
  else
    lua_pushfstring(L, MSG_AT, d->display, (int)line, msg);
  return lua_error(L);
}

uint32_t dsl_push(lua_State *L, uint32_t id) {
  uint32_t *u = lua_newuserdatauv(L, sizeof *u, 0);
  *u = id;
  luaL_setmetatable(L, NODE_MT);
  return id;
}

int64_t dsl_node_at(lua_State *L, int idx) {
  uint32_t *u = luaL_testudata(L, idx, NODE_MT);
  return u ? (int64_t)*u : -1;
}

const char *dsl_node_name(const graph *g, uint32_t id, char *out, size_t len) {
  buf b = {0};
  render_node(g, id, &b);
  snprintf(out, len, "%s", buf_cstr(&b));
  buf_free(&b);
  return out;
}

const char *dsl_describe(lua_State *L, int idx) {
  static const char *const kinds[] = {"", MSG_DESC_CONDITION, MSG_DESC_NUMBER, MSG_DESC_TEXT,
                                      MSG_DESC_DATE, MSG_DESC_TAGS};
  int64_t id = dsl_node_at(L, idx);
  if (id >= 0) {
    const graph *g = dsl_of(L)->g;
    int t = g->nodes[id].type;
    char name[200];
    dsl_node_name(g, (uint32_t)id, name, sizeof name);
    if (t == VT_BOOL) return lua_pushfstring(L, MSG_DESC_CONDITION_AT, (int)g->nodes[id].line);
    if (t == VT_ENUM) return lua_pushfstring(L, MSG_DESC_MACRO, name);
    return lua_pushfstring(L, MSG_DESC_NODE, t <= VT_TAGS ? kinds[t] : MSG_DESC_VALUE, name);
  }
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER: return lua_pushfstring(L, MSG_DESC_LUA_NUMBER, lua_tostring(L, idx));
  case LUA_TSTRING: return lua_pushfstring(L, MSG_DESC_LUA_TEXT, lua_tostring(L, idx));
  case LUA_TBOOLEAN: return lua_toboolean(L, idx) ? MSG_DESC_TRUE : MSG_DESC_FALSE;
  case LUA_TNIL: return MSG_DESC_NIL;
  case LUA_TTABLE: return MSG_DESC_TABLE;
  case LUA_TFUNCTION: return MSG_DESC_FUNCTION;
  default: return lua_typename(L, lua_type(L, idx));
  }
}

uint32_t dsl_node(lua_State *L, node_kind kind, int type, const uint32_t *kids,
                  uint32_t n) {
  dsl *d = dsl_of(L);
  if (d->g->nnodes >= LIMIT_NODES) dsl_error(L, MSG_LIMIT_NODES, LIMIT_NODES);
  if (graph_depth_of(d->g, kids, n) > LIMIT_DEPTH) dsl_error(L, MSG_LIMIT_DEPTH, LIMIT_DEPTH);
  uint32_t id = graph_add(d->g, kind, type, dsl_line(L));
  graph_set_kids(d->g, id, kids, n);
  return id;
}

static uint32_t const_node(lua_State *L, const cleave_value *v) {
  uint32_t id = dsl_node(L, N_CONST, v->type, NULL, 0);
  dsl_of(L)->g->nodes[id].u.cval = *v;
  return id;
}

/* What to write for a value of type t, after "must be a <t>, not ...". */
static const char *write_hint(int type) {
  switch (type) {
  case VT_NUMBER: return MSG_WRITE_NUMBER;
  case VT_TEXT: return MSG_WRITE_TEXT;
  case VT_DATE: return MSG_WRITE_DATE;
  case VT_TAGS: return MSG_WRITE_TAGS;
  case VT_BOOL: return MSG_WRITE_CONDITION;
  default: return "";
  }
}

static int wrong_value(lua_State *L, int idx, int type, const char *what) {
  return dsl_error(L, MSG_VALUE_WRONG_TYPE, what, vt_name(type), dsl_describe(L, idx),
                   write_hint(type));
}

uint32_t dsl_to_value(lua_State *L, int idx, int type, const char *what) {
  dsl *d = dsl_of(L);
  int64_t id = dsl_node_at(L, idx);
  if (id >= 0) {
    if (d->g->nodes[id].type != type) wrong_value(L, idx, type, what);
    return (uint32_t)id;
  }
  cleave_value v;
  memset(&v, 0, sizeof v);
  v.type = type;
  if (type == VT_NUMBER && lua_type(L, idx) == LUA_TNUMBER) {
    v.u.number = lua_tonumber(L, idx);
    if (!isfinite(v.u.number)) dsl_error(L, MSG_NOT_FINITE, what);
    return const_node(L, &v);
  }
  if (type == VT_TEXT && lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    uint32_t nid = const_node(L, &v);
    node *n = &d->g->nodes[nid];
    n->u.cval.u.str.ptr = cl_strndup(s, len);
    n->u.cval.u.str.len = len;
    return nid;
  }
  if (type == VT_DATE && lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (date_parse_iso(s, len, &v.u.date) != 0)
      dsl_error(L, MSG_NOT_A_DATE, what, s);
    return const_node(L, &v);
  }
  return wrong_value(L, idx, type, what);
}

uint32_t dsl_combine(lua_State *L, int idx, node_kind kind, const char *what) {
  idx = lua_absindex(L, idx);
  lua_Integer n = luaL_len(L, idx);
  if (n > LIMIT_KIDS) dsl_error(L, MSG_LIMIT_KIDS, what, (int)n, LIMIT_KIDS);
  uint32_t *kids = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *kids, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, idx, i);
    char w[160];
    snprintf(w, sizeof w, MSG_WHAT_ITEM, what, (int)i);
    kids[i - 1] = dsl_to_pred(L, -1, w);
    lua_pop(L, 1);
  }
  /* keys other than the array part are a mistake here (e.g. a stray name=) */
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
      dsl_error(L, MSG_COMBINE_UNKNOWN_KEY, what, luaL_tolstring(L, -1, NULL));
  }
  uint32_t id;
  if (n == 1) id = kids[0];
  else if (n == 0 && kind == N_AND) id = dsl_node(L, N_TRUE, VT_BOOL, NULL, 0);
  else if (n == 0) id = dsl_error(L, MSG_EMPTY_ANY);
  else id = dsl_node(L, kind, VT_BOOL, kids, (uint32_t)n);
  lua_pop(L, 1);
  return id;
}

uint32_t dsl_to_pred(lua_State *L, int idx, const char *what) {
  int64_t id = dsl_node_at(L, idx);
  if (id >= 0) {
    if (dsl_of(L)->g->nodes[id].type != VT_BOOL)
      dsl_error(L, MSG_NODE_NOT_A_CONDITION, what, dsl_describe(L, idx));
    return (uint32_t)id;
  }
  if (lua_type(L, idx) == LUA_TTABLE) return dsl_combine(L, idx, N_AND, what);
  /* booleans and nil are described with their own hint */
  int t = lua_type(L, idx);
  return dsl_error(L, MSG_NOT_A_CONDITION, what, dsl_describe(L, idx),
                   t == LUA_TBOOLEAN || t == LUA_TNIL ? "" : MSG_WRITE_CONDITION);
}

uint32_t dsl_strings(lua_State *L, int idx, strset *set, const char *what) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    strset_add(set, s, len);
    return 1;
  }
  if (lua_type(L, idx) != LUA_TTABLE)
    dsl_error(L, MSG_LIST_NOT_TEXTS, what, dsl_describe(L, idx));
  lua_Integer n = luaL_len(L, idx);
  if (n == 0) dsl_error(L, MSG_LIST_EMPTY, what);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, idx, i);
    int t = lua_type(L, -1);
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
      dsl_error(L, MSG_LIST_ITEM_NOT_TEXT, what, (int)i, dsl_describe(L, -1));
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    strset_add(set, s, len);
    lua_pop(L, 1);
  }
  return (uint32_t)n;
}

/* --- metatable: mistakes Lua would otherwise turn into silent booleans ---- */

static int mt_eq(lua_State *L) {
  return dsl_error(L, MSG_LUA_EQ);
}

static int mt_lt(lua_State *L) {
  return dsl_error(L, MSG_LUA_LT);
}

static int mt_newindex(lua_State *L) {
  return dsl_error(L, MSG_LUA_SET_FIELD, luaL_tolstring(L, 2, NULL));
}

static int mt_concat(lua_State *L) {
  return dsl_error(L, MSG_LUA_CONCAT, dsl_describe(L, dsl_node_at(L, 1) >= 0 ? 1 : 2));
}

static int mt_tostring(lua_State *L) {
  lua_pushstring(L, dsl_describe(L, 1));
  return 1;
}

static int mt_index(lua_State *L) {
  /* upvalue 1: the methods table */
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  /* a suggestion from the method names, or the methods this kind takes */
  const char *hint = NULL;
  if (lua_type(L, 2) == LUA_TSTRING) {
    const char *cands[64];
    size_t n = 0;
    lua_pushnil(L);
    while (n < 64 && lua_next(L, lua_upvalueindex(1))) {
      lua_pop(L, 1);
      if (lua_type(L, -1) == LUA_TSTRING) cands[n++] = lua_tostring(L, -1);
    }
    if (n == 64) lua_pop(L, 1); /* the key lua_next left when stopped early */
    hint = suggest_closest(lua_tostring(L, 2), cands, n);
  }
  int t = dsl_of(L)->g->nodes[dsl_node_at(L, 1)].type;
  return dsl_error(L, MSG_NO_METHOD, dsl_describe(L, 1), luaL_tolstring(L, 2, NULL),
                   MSG_DID_YOU_MEAN_ARGS(hint), hint ? "" : "; ", hint ? "" : MSG_METHODS_FOR(t));
}

/* Reading a name nobody defined: in Lua that is a silent nil, which would
** drop a condition from a list; here it is an error with a suggestion taken
** from the caller's locals and the rule language's names. */
static int env_index(lua_State *L) {
  const char *name = lua_tostring(L, 2);
  if (!name) return 0;
  if (dsl_plugin_global(L, name)) return 1; /* a loaded plugin: its table */
  if (plugin_is_known(name)) { /* `dates.x` without --plugins: say so, not "did you mean date" */
    char msg[512];
    plugin_missing_msg(msg, sizeof msg, name, dsl_of(L)->plugin_dir);
    return dsl_error(L, "%s", msg);
  }
  const char *hint = sandbox_closest_name(L, name);
  if (!hint) hint = dsl_plugin_suggest(L, name);
  if (hint) return dsl_error(L, MSG_UNDEFINED_HINT, name, hint);
  return dsl_error(L, MSG_UNDEFINED, name);
}

void dsl_install(dsl *d, sandbox *sb) {
  lua_State *L = sb->L;
  sb->user = d;
  luaL_newmetatable(L, NODE_MT);
  lua_newtable(L); /* methods, filled by dsl_open_values */
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "methods");
  lua_pushcclosure(L, mt_index, 1);
  lua_setfield(L, -2, "__index");
  static const luaL_Reg mt[] = {{"__eq", mt_eq},         {"__lt", mt_lt},
                                {"__le", mt_lt},         {"__newindex", mt_newindex},
                                {"__concat", mt_concat}, {"__tostring", mt_tostring},
                                {NULL, NULL}};
  luaL_setfuncs(L, mt, 0);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  dsl_open_values(L);
  dsl_open_logic(L);
  dsl_open_segments(L);
  dsl_open_extras(L);
  dsl_open_quantiles(L);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, env_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
}

size_t dsl_unused_conditions(const graph *g, void (*warn)(void *ud, uint32_t line),
                             void *ud) {
  uint8_t *used = cl_calloc(g->nnodes, 1);
  for (uint32_t i = 0; i < g->nnodes; i++)
    for (uint32_t k = 0; k < g->nodes[i].nkids; k++) used[g->nodes[i].kids[k]] = 1;
  for (uint32_t m = 0; m < g->nmacros; m++)
    for (uint32_t c = 0; c < g->macros[m].ncases; c++) used[g->macros[m].cases[c].pred] = 1;
  for (uint32_t m = 0; m < g->nmicros; m++) used[g->micros[m].pred] = 1;
  size_t n = 0;
  for (uint32_t i = 0; i < g->nnodes; i++)
    if (!used[i] && g->nodes[i].type == VT_BOOL && g->nodes[i].kind != N_TRUE) {
      warn(ud, g->nodes[i].line);
      n++;
    }
  free(used);
  return n;
}

void dsl_free(dsl *d) {
  free(d->rules_dir);
  free(d->scope);
  strset_free(&d->macro_names);
  strset_free(&d->micro_names);
  d->rules_dir = d->scope = NULL;
}
