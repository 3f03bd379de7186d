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
#include "error.h"
#include "suggest.h"

/* Names end up in CSV output and summary.json: keep them plain. */
static int valid_name(const char *s, size_t len) {
  if (len == 0 || len > 128) return 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '-' || c == '.'))
      return 0;
  }
  return 1;
}

static const char *check_name(lua_State *L, int idx, const char *what) {
  size_t len;
  const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
  if (!s) dsl_error(L, "%s needs a name in quotes, like %s \"vip\"", what, what);
  if (!valid_name(s, len))
    dsl_error(L, "%s name \"%s\" may hold only letters, digits, _ - and . (no spaces)", what, s);
  return s;
}

static void check_unique(lua_State *L, const char *name) {
  const graph *g = dsl_of(L)->g;
  for (uint32_t i = 0; i < g->nmacros; i++)
    if (strcmp(g->macros[i].name, name) == 0)
      dsl_error(L, "the name '%s' is already used by the macro split at line %u", name,
                g->macros[i].line);
  for (uint32_t i = 0; i < g->nmicros; i++)
    if (strcmp(g->micros[i].name, name) == 0)
      dsl_error(L, "the name '%s' is already used by the micro segment at line %u", name,
                g->micros[i].line);
}

static void set_scope(lua_State *L, const char *kind, const char *name) {
  dsl *d = dsl_of(L);
  if (d->pending) { /* the previous micro/macro never got its table */
    lua_pushfstring(L, "%s:%d: %s has no { ... } with its conditions", d->display,
                    (int)d->scope_line, d->scope);
    free(d->scope);
    d->scope = NULL;
    d->pending = 0;
    lua_error(L);
  }
  d->pending = 1;
  free(d->scope);
  size_t n = strlen(kind) + strlen(name) + 4;
  d->scope = cl_malloc(n);
  snprintf(d->scope, n, "%s '%s'", kind, name);
  d->scope_line = dsl_line(L);
}

static void clear_scope(lua_State *L) {
  dsl *d = dsl_of(L);
  free(d->scope);
  d->scope = NULL;
  d->pending = 0;
}

int dsl_finish(dsl *d, cl_error *err) {
  if (!d->pending) return 0;
  return cl_fail(err, CL_EXIT_RULES, "%s:%u: %s has no { ... } with its conditions",
                 d->display, d->scope_line, d->scope);
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
    dsl_error(L, "unknown entry '%s' in %s%s%s%s", luaL_tolstring(L, -1, NULL), what,
              hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
  }
}

static int add_value(macro *m, const char *v) {
  for (uint32_t i = 0; i < m->nvalues; i++)
    if (strcmp(m->values[i], v) == 0) return (int)i;
  m->values = cl_realloc(m->values, (m->nvalues + 1) * sizeof *m->values);
  m->values[m->nvalues] = cl_strdup(v);
  return (int)m->nvalues++;
}

static int macro_body(lua_State *L) {
  static const char *const keys[] = {"otherwise", NULL};
  dsl *d = dsl_of(L);
  graph *g = d->g;
  const char *name = lua_tostring(L, lua_upvalueindex(1));
  if (lua_type(L, 1) != LUA_TTABLE || dsl_node_at(L, 1) >= 0)
    return dsl_error(L, "write a macro split as macro \"%s\" { {\"value\", condition}, ..., "
                        "otherwise = \"value\" }", name);
  check_keys(L, 1, keys, "a macro split (cases are {\"value\", condition})");
  lua_getfield(L, 1, "otherwise");
  if (lua_type(L, -1) != LUA_TSTRING)
    dsl_error(L, "no otherwise = \"value\": every customer needs a value when no case holds");
  check_name(L, -1, "otherwise");
  lua_Integer n = luaL_len(L, 1);
  /* Build the cases' conditions before the macro exists, so errors leave
  ** no half-made macro behind. */
  uint32_t *preds = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *preds, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    int c = lua_gettop(L);
    if (lua_type(L, c) != LUA_TTABLE || dsl_node_at(L, c) >= 0 || luaL_len(L, c) < 2)
      dsl_error(L, "case %d must be {\"value\", condition, ...}", (int)i);
    lua_geti(L, c, 1);
    check_name(L, -1, "a case's value");
    lua_pop(L, 1);
    lua_Integer k = luaL_len(L, c);
    lua_createtable(L, (int)k - 1, 0);
    for (lua_Integer j = 2; j <= k; j++) {
      lua_geti(L, c, j);
      lua_rawseti(L, -2, j - 1);
    }
    char what[64];
    snprintf(what, sizeof what, "case %d", (int)i);
    preds[i - 1] = dsl_combine(L, -1, N_AND, what);
    lua_pop(L, 2);
  }
  g->macros = cl_realloc(g->macros, (g->nmacros + 1) * sizeof *g->macros);
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
  uint32_t ix = g->nmacros++;
  if (m->nvalues > 64) dsl_error(L, "more than 64 different values");
  clear_scope(L);
  uint32_t id = dsl_node(L, N_MACRO, VT_ENUM, NULL, 0);
  g->nodes[id].u.macro = ix;
  g->nodes[id].line = m->line;
  dsl_push(L, id);
  return 1;
}

static int l_macro(lua_State *L) {
  const char *name = check_name(L, 1, "macro");
  check_unique(L, name);
  set_scope(L, "macro split", name);
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, macro_body, 1);
  return 1;
}

static int micro_body(lua_State *L) {
  static const char *const keys[] = {"within", NULL};
  dsl *d = dsl_of(L);
  graph *g = d->g;
  const char *name = lua_tostring(L, lua_upvalueindex(1));
  if (lua_type(L, 1) != LUA_TTABLE || dsl_node_at(L, 1) >= 0)
    return dsl_error(L, "write a micro segment as micro \"%s\" { condition, ... }", name);
  check_keys(L, 1, keys, "a micro segment");
  lua_Integer n = luaL_len(L, 1);
  lua_getfield(L, 1, "within");
  int has_within = !lua_isnil(L, -1);
  if (!has_within && n == 0)
    dsl_error(L, "no conditions: say who belongs, e.g. micro \"%s\" { age:below(30) }", name);
  int64_t within = has_within ? (int64_t)dsl_to_pred(L, -1, "within") : -1;
  uint32_t body = 0;
  if (n) { /* the list part alone (within = was checked above) */
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, 1, i);
      lua_rawseti(L, -2, i);
    }
    body = dsl_combine(L, -1, N_AND, "the segment's conditions");
    lua_pop(L, 1);
  }
  uint32_t pred;
  if (has_within && n) {
    uint32_t kids[2] = {(uint32_t)within, body};
    pred = dsl_node(L, N_AND, VT_BOOL, kids, 2);
  } else {
    pred = has_within ? (uint32_t)within : body;
  }
  g->micros = cl_realloc(g->micros, (g->nmicros + 1) * sizeof *g->micros);
  micro *m = &g->micros[g->nmicros++];
  m->name = cl_strdup(name);
  m->line = d->scope_line;
  m->pred = pred;
  m->within = within;
  clear_scope(L);
  dsl_push(L, pred);
  return 1;
}

static int l_micro(lua_State *L) {
  const char *name = check_name(L, 1, "micro");
  check_unique(L, name);
  set_scope(L, "micro segment", name);
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, micro_body, 1);
  return 1;
}

void dsl_open_segments(lua_State *L) {
  static const luaL_Reg globals[] = {{"macro", l_macro}, {"micro", l_micro}, {NULL, NULL}};
  luaL_setfuncs(L, globals, 0);
}
