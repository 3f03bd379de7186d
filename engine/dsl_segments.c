/* SPDX-License-Identifier: MIT */
/*
** dsl_segments.c -- macro splits (ordered cases, first that holds wins, then
** `otherwise`) and micro segments (every one whose conditions hold).
**
**   local market = macro "market" {
**     { "north_america", country:one_of {"US", "CA", "MX"} },
**     otherwise = "other",
**   }
**   micro "apac_mobile" { within = market:is "apac", channel:one_of {"push", "sms"} }
*/
#include <stdlib.h>
#include <string.h>

#include "dsl_internal.h"
#include "batch.h"
#include "error.h"
#include "rule_limits.h"
#include "messages.h"
#include "suggest.h"

/* Names end up in CSV output and summary.json: keep them plain. */
#define NAME_MAX_LEN 128

static int name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-' || c == '.';
}

/* what names the name in messages ("micro"), example shows how to write it. */
static const char *check_name(lua_State *L, int idx, const char *what, const char *example) {
  size_t len = 0;
  const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
  if (!s) dsl_error(L, MSG_NAME_MISSING, what, example);
  if (len == 0) dsl_error(L, MSG_NAME_EMPTY, what);
  if (len > NAME_MAX_LEN) dsl_error(L, MSG_NAME_TOO_LONG, what, s);
  /* the same name with every run of other characters made one '_' (none at
  ** either end) */
  char fixed[NAME_MAX_LEN + 1];
  size_t n = 0;
  int bad = 0;
  for (size_t i = 0; i < len; i++) {
    if (name_char(s[i])) fixed[n++] = s[i];
    else if (n && fixed[n - 1] != '_') fixed[n++] = '_';
    bad |= !name_char(s[i]);
  }
  if (n && fixed[n - 1] == '_' && !name_char(s[len - 1])) n--; /* none for a final "!" */
  fixed[n] = '\0';
  if (bad) dsl_error(L, MSG_NAME_CHARS, what, s, n ? fixed : "vip");
  return s;
}

static void check_unique(lua_State *L, const char *name) {
  const dsl *d = dsl_of(L);
  size_t len = strlen(name);
  int64_t i = strset_find(&d->macro_names, name, len);
  if (i >= 0) dsl_error(L, MSG_NAME_TAKEN_MACRO, name, d->g->macros[i].line);
  i = strset_find(&d->micro_names, name, len);
  if (i >= 0) dsl_error(L, MSG_NAME_TAKEN_MICRO, name, d->g->micros[i].line);
}

/* "micro segment 'a' has no { ... }..." for the pending definition d->scope. */
static void no_body(const dsl *d, char *out, size_t len) {
  snprintf(out, len, MSG_NO_BODY, d->scope,
           strncmp(d->scope, MSG_SCOPE_MACRO, strlen(MSG_SCOPE_MACRO)) == 0 ? MSG_EXAMPLE_MACRO_BODY
                                                                          : MSG_EXAMPLE_MICRO_BODY);
}

static void set_scope(lua_State *L, const char *kind, const char *name) {
  dsl *d = dsl_of(L);
  if (d->pending) { /* the previous micro/macro never got its table */
    char msg[512];
    no_body(d, msg, sizeof msg);
    lua_pushfstring(L, MSG_AT, d->display, (int)d->scope_line, msg);
    free(d->scope);
    d->scope = NULL;
    d->pending = 0;
    lua_error(L);
  }
  d->pending = 1;
  free(d->scope);
  size_t n = (size_t)snprintf(NULL, 0, MSG_SCOPE, kind, name) + 1;
  d->scope = cl_malloc(n);
  snprintf(d->scope, n, MSG_SCOPE, kind, name);
  d->scope_line = dsl_line(L);
}

static void clear_scope(lua_State *L) {
  dsl *d = dsl_of(L);
  free(d->scope);
  d->scope = NULL;
  d->pending = 0;
}

/* The batch evaluator's memory per worker, counted in node order: the
** message names the line where the total passes the cap. */
static int check_eval_memory(dsl *d, cl_error *err) {
  uint32_t line = 0;
  size_t need = batch_memory(d->g, (size_t)LIMIT_EVAL_MB << 20, &line);
  if (need <= (size_t)LIMIT_EVAL_MB << 20) return 0;
  return cl_fail(err, CL_EXIT_RULES, MSG_LIMIT_EVAL_MEMORY, d->display, line,
                 (unsigned)LIMIT_EVAL_MB, (unsigned)LIMIT_EVAL_MB);
}

int dsl_finish(dsl *d, cl_error *err) {
  if (!d->pending) return check_eval_memory(d, err);
  char msg[512];
  no_body(d, msg, sizeof msg);
  return cl_fail(err, CL_EXIT_RULES, MSG_AT_U, d->display, d->scope_line, msg);
}

/* Reject keys other than the list part and the allowed names. */
static void check_keys(lua_State *L, int t, const char *const *allowed, const char *what) {
  lua_Integer n = luaL_len(L, t);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 && lua_tointeger(L, -1) <= n) continue;
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int ok = 0;
    size_t na = 0;
    for (; allowed[na]; na++) ok |= k && strcmp(k, allowed[na]) == 0;
    if (ok) continue;
    static const char *const synonyms[][2] = {
        {"default", "otherwise"}, {"else", "otherwise"},  {"fallback", "otherwise"},
        {"other", "otherwise"},   {"rest", "otherwise"},  {"scope", "within"},
        {"inside", "within"},     {"where", "within"},    {"only", "within"},
        {"macro", "within"},      {NULL, NULL}};
    const char *hint = k ? suggest_closest(k, allowed, na) : NULL;
    for (int j = 0; k && !hint && synonyms[j][0]; j++)
      for (size_t a = 0; a < na; a++)
        if (strcmp(k, synonyms[j][0]) == 0 && strcmp(allowed[a], synonyms[j][1]) == 0)
          hint = allowed[a];
    char names[128] = "";
    for (size_t a = 0; a < na; a++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s = ...",
               a ? (a + 1 == na ? " and " : ", ") : "", allowed[a]);
    dsl_error(L, MSG_UNKNOWN_KEY, luaL_tolstring(L, -1, NULL), what, MSG_DID_YOU_MEAN_ARGS(hint),
              hint ? "" : MSG_UNKNOWN_KEY_ONLY, hint ? "" : names);
  }
}

static int add_value(macro *m, const char *v) {
  for (uint32_t i = 0; i < m->nvalues; i++)
    if (strcmp(m->values[i], v) == 0) return (int)i;
  m->values = cl_grow(m->values, m->nvalues, sizeof *m->values);
  m->values[m->nvalues] = cl_strdup(v);
  return (int)m->nvalues++;
}

static int macro_body(lua_State *L) {
  static const char *const keys[] = {"otherwise", "may_be_empty", NULL};
  dsl *d = dsl_of(L);
  graph *g = d->g;
  const char *name = lua_tostring(L, lua_upvalueindex(1));
  check_unique(L, name); /* the function macro "x" returned, called a second time */
  if (lua_type(L, 1) != LUA_TTABLE || dsl_node_at(L, 1) >= 0)
    return dsl_error(L, MSG_MACRO_NO_TABLE, name, dsl_describe(L, 1), name);
  check_keys(L, 1, keys, MSG_WHERE_MACRO);
  lua_getfield(L, 1, "otherwise");
  if (lua_isnil(L, -1)) dsl_error(L, MSG_MACRO_NO_OTHERWISE);
  check_name(L, -1, MSG_WHAT_OTHERWISE, MSG_EXAMPLE_OTHERWISE);
  lua_Integer n = luaL_len(L, 1);
  /* Build the cases' conditions before the macro exists, so errors leave
  ** no half-made macro behind. */
  uint32_t *preds = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *preds, 0);
  lua_newtable(L); /* the distinct values so far (otherwise included) */
  int seen = lua_gettop(L), nvalues = 1;
  lua_pushvalue(L, -3);
  lua_pushboolean(L, 1);
  lua_rawset(L, seen);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    int c = lua_gettop(L);
    if (lua_type(L, c) != LUA_TTABLE || dsl_node_at(L, c) >= 0 || luaL_len(L, c) < 2)
      dsl_error(L, MSG_MACRO_CASE, (int)i);
    lua_geti(L, c, 1);
    check_name(L, -1, MSG_WHAT_CASE_VALUE, MSG_EXAMPLE_CASE);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, seen) == LUA_TNIL && ++nvalues > 64) dsl_error(L, MSG_MACRO_TOO_MANY_VALUES);
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_rawset(L, seen);
    lua_Integer k = luaL_len(L, c);
    lua_createtable(L, (int)k - 1, 0);
    for (lua_Integer j = 2; j <= k; j++) {
      lua_geti(L, c, j);
      lua_rawseti(L, -2, j - 1);
    }
    char what[64];
    snprintf(what, sizeof what, MSG_WHAT_CASE, (int)i);
    preds[i - 1] = dsl_combine(L, -1, N_AND, what);
    lua_pop(L, 2);
  }
  /* may_be_empty = "v" or { "v", ... }: values of this split check does not
  ** warn about when no row gets them; each must be one of its values */
  lua_getfield(L, 1, "may_be_empty");
  int mbe = lua_gettop(L);
  if (!lua_isnil(L, mbe) && !lua_isstring(L, mbe) &&
      (lua_type(L, mbe) != LUA_TTABLE || dsl_node_at(L, mbe) >= 0))
    dsl_error(L, MSG_MAY_BE_EMPTY_LIST, dsl_describe(L, mbe));
  lua_Integer nm = lua_type(L, mbe) == LUA_TTABLE ? luaL_len(L, mbe) : !lua_isnil(L, mbe);
  for (lua_Integer i = 1; i <= nm; i++) {
    if (lua_type(L, mbe) == LUA_TTABLE) lua_geti(L, mbe, i);
    else lua_pushvalue(L, mbe);
    if (lua_type(L, -1) != LUA_TSTRING) dsl_error(L, MSG_MAY_BE_EMPTY_LIST, dsl_describe(L, -1));
    lua_pushvalue(L, -1);
    if (lua_rawget(L, seen) == LUA_TNIL) {
      const char *cands[65];
      size_t nc = 0;
      lua_pushnil(L);
      while (nc < 65 && lua_next(L, seen)) {
        lua_pop(L, 1);
        cands[nc++] = lua_tostring(L, -1);
      }
      const char *hint = suggest_closest(lua_tostring(L, -2), cands, nc);
      dsl_error(L, MSG_MAY_BE_EMPTY_UNKNOWN, lua_tostring(L, -2), name,
                MSG_DID_YOU_MEAN_ARGS(hint));
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 2); /* may_be_empty, seen */
  g->macros = cl_grow(g->macros, g->nmacros, sizeof *g->macros);
  macro *m = &g->macros[g->nmacros];
  memset(m, 0, sizeof *m);
  m->name = cl_strdup(name);
  m->line = d->scope_line;
  m->cases = cl_calloc((size_t)(n ? n : 1), sizeof *m->cases);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    lua_geti(L, -1, 1);
    m->cases[i - 1].value = (uint32_t)add_value(m, lua_tostring(L, -1));
    m->cases[i - 1].pred = preds[i - 1];
    m->cases[i - 1].line = g->nodes[preds[i - 1]].line;
    lua_pop(L, 2);
  }
  m->ncases = (uint32_t)n;
  m->otherwise = (uint32_t)add_value(m, lua_tostring(L, -2));
  lua_getfield(L, 1, "may_be_empty"); /* checked above */
  if (lua_type(L, -1) == LUA_TTABLE) {
    for (lua_Integer i = 1, len = luaL_len(L, -1); i <= len; i++) {
      lua_geti(L, -1, i);
      m->may_be_empty |= 1ULL << add_value(m, lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    m->may_be_empty |= 1ULL << add_value(m, lua_tostring(L, -1));
  }
  lua_pop(L, 1);
  uint32_t ix = g->nmacros++;
  strset_add(&d->macro_names, name, strlen(name));
  clear_scope(L);
  uint32_t id = dsl_node(L, N_MACRO, VT_ENUM, NULL, 0);
  g->nodes[id].u.macro = ix;
  g->nodes[id].line = m->line;
  dsl_push(L, id);
  return 1;
}

static int l_macro(lua_State *L) {
  const char *name = check_name(L, 1, MSG_WHAT_MACRO, MSG_EXAMPLE_MACRO);
  check_unique(L, name);
  if (dsl_of(L)->g->nmacros >= LIMIT_MACROS) dsl_error(L, MSG_LIMIT_MACROS, LIMIT_MACROS);
  set_scope(L, MSG_SCOPE_MACRO, name);
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, macro_body, 1);
  return 1;
}

static int micro_body(lua_State *L) {
  static const char *const keys[] = {"within", "may_be_empty", NULL};
  dsl *d = dsl_of(L);
  graph *g = d->g;
  const char *name = lua_tostring(L, lua_upvalueindex(1));
  check_unique(L, name); /* the function micro "x" returned, called a second time */
  if (lua_type(L, 1) != LUA_TTABLE || dsl_node_at(L, 1) >= 0)
    return dsl_error(L, MSG_MICRO_NO_TABLE, name, dsl_describe(L, 1), name);
  check_keys(L, 1, keys, MSG_WHERE_MICRO);
  lua_Integer n = luaL_len(L, 1);
  lua_getfield(L, 1, "may_be_empty"); /* true: check does not warn when it is empty */
  if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
    dsl_error(L, MSG_MAY_BE_EMPTY_BOOL, dsl_describe(L, -1));
  int may_be_empty = lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, 1, "within");
  int has_within = !lua_isnil(L, -1);
  if (!has_within && n == 0)
    dsl_error(L, MSG_MICRO_EMPTY, name);
  int64_t within = has_within ? (int64_t)dsl_to_pred(L, -1, MSG_WHAT_WITHIN) : -1;
  uint32_t body = 0;
  if (n) { /* the list part alone (within = was checked above) */
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, 1, i);
      lua_rawseti(L, -2, i);
    }
    body = dsl_combine(L, -1, N_AND, MSG_WHAT_MICRO_BODY);
    lua_pop(L, 1);
  }
  uint32_t pred;
  if (has_within && n) {
    uint32_t kids[2] = {(uint32_t)within, body};
    pred = dsl_node(L, N_AND, VT_BOOL, kids, 2);
  } else {
    pred = has_within ? (uint32_t)within : body;
  }
  g->micros = cl_grow(g->micros, g->nmicros, sizeof *g->micros);
  micro *m = &g->micros[g->nmicros++];
  m->name = cl_strdup(name);
  m->line = d->scope_line;
  m->pred = pred;
  m->within = within;
  m->may_be_empty = may_be_empty;
  strset_add(&d->micro_names, name, strlen(name));
  clear_scope(L);
  dsl_push(L, pred);
  return 1;
}

static int l_micro(lua_State *L) {
  const char *name = check_name(L, 1, MSG_WHAT_MICRO, MSG_EXAMPLE_MICRO);
  check_unique(L, name);
  if (dsl_of(L)->g->nmicros >= LIMIT_MICROS) dsl_error(L, MSG_LIMIT_MICROS, LIMIT_MICROS);
  set_scope(L, MSG_SCOPE_MICRO, name);
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, micro_body, 1);
  return 1;
}

void dsl_open_segments(lua_State *L) {
  static const luaL_Reg globals[] = {{"macro", l_macro}, {"micro", l_micro}, {NULL, NULL}};
  luaL_setfuncs(L, globals, 0);
}
