/* SPDX-License-Identifier: MIT */
/*
** dsl_extras.c -- plugin criteria as Lua functions (dates.days_since(...)),
** lists read from files (list "lists/london.txt"), and holdout buckets
** (bucket(id) is a stable number 0..9999 per customer).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cleanup.h"
#include "dsl_internal.h"
#include "error.h"
#include "fsafe.h"
#include "messages.h"
#include "suggest.h"

/* --- plugin criteria -------------------------------------------------------- */

static void const_arg(lua_State *L, int idx, const cleave_arg *a, cleave_value *v,
                      const char *fname) {
  memset(v, 0, sizeof *v);
  v->type = a->type;
  switch (a->type) {
  case CLEAVE_NUMBER:
    if (lua_type(L, idx) != LUA_TNUMBER)
      dsl_error(L, MSG_PLUGIN_ARG_NUMBER, fname, a->name, dsl_describe(L, idx));
    v->u.number = lua_tonumber(L, idx);
    return;
  case CLEAVE_TEXT: {
    size_t len;
    if (lua_type(L, idx) != LUA_TSTRING)
      dsl_error(L, MSG_PLUGIN_ARG_TEXT, fname, a->name, dsl_describe(L, idx));
    const char *s = lua_tolstring(L, idx, &len);
    v->u.str.ptr = cl_strndup(s, len);
    v->u.str.len = len;
    return;
  }
  case CLEAVE_TEXT_LIST: {
    if (lua_type(L, idx) != LUA_TTABLE)
      dsl_error(L, MSG_PLUGIN_ARG_LIST, fname, a->name, dsl_describe(L, idx));
    lua_Integer n = luaL_len(L, idx);
    if (n == 0) dsl_error(L, MSG_PLUGIN_ARG_LIST_EMPTY, fname, a->name);
    cleave_str *items = cl_calloc((size_t)n, sizeof *items);
    v->u.list.items = items;
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, idx, i);
      size_t len;
      const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
      if (s) {
        items[v->u.list.n].ptr = cl_strndup(s, len);
        items[v->u.list.n++].len = len;
      }
      lua_pop(L, 1);
      if (!s) dsl_error(L, MSG_PLUGIN_ARG_LIST_ITEM, fname, a->name, (int)i);
    }
    return;
  }
  default:
    dsl_error(L, MSG_PLUGIN_ARG_BAD_TYPE, fname, a->name);
  }
}

static int call_criterion(lua_State *L) {
  dsl *d = dsl_of(L);
  uint32_t pix = (uint32_t)lua_tointeger(L, lua_upvalueindex(1));
  uint32_t cix = (uint32_t)lua_tointeger(L, lua_upvalueindex(2));
  const loaded_plugin *lp = &d->plugins->v[pix];
  const cleave_criterion *cr = &lp->desc->criteria[cix];
  char fname[160];
  snprintf(fname, sizeof fname, "%s.%s", lp->desc->name, cr->name);
  int given = lua_gettop(L);
  uint32_t required = 0;
  for (uint32_t i = 0; i < cr->nargs; i++)
    if (!(cr->args[i].kind & CLEAVE_ARG_OPTIONAL)) required = i + 1;
  if (given < (int)required || given > (int)cr->nargs) {
    buf b = {0};
    for (uint32_t i = 0; i < cr->nargs; i++)
      buf_printf(&b, "%s%s%s", i ? ", " : "", cr->args[i].name,
                 cr->args[i].kind & CLEAVE_ARG_OPTIONAL ? "?" : "");
    lua_pushstring(L, buf_cstr(&b));
    buf_free(&b);
    int few = given < (int)required; /* else too many */
    uint32_t want = few ? required : cr->nargs;
    dsl_error(L, MSG_PLUGIN_ARG_COUNT, fname,
              required == cr->nargs ? "" : few ? "at least " : "up to ", want,
              want == 1 ? "" : "s", lua_tostring(L, -1), given);
  }
  /* the node first, so everything allocated below is owned by the graph */
  uint32_t id = dsl_node(L, N_CALL, cr->result, NULL, 0);
  node *n = &d->g->nodes[id];
  n->u.call.crit = cr;
  n->u.call.plugin = pix;
  n->u.call.label = cl_strdup(fname);
  n->u.call.consts = cl_calloc(cr->nargs ? cr->nargs : 1, sizeof(cleave_value));
  n->u.call.argkid = cl_calloc(cr->nargs ? cr->nargs : 1, sizeof(int32_t));
  for (uint32_t i = 0; i < cr->nargs; i++) {
    n->u.call.consts[i].type = cr->args[i].type;
    n->u.call.consts[i].missing = 1;
    n->u.call.argkid[i] = -1;
  }
  uint32_t kids[16], nk = 0;
  for (uint32_t i = 0; i < cr->nargs && i < 16; i++) {
    const cleave_arg *a = &cr->args[i];
    if ((int)i >= given || lua_isnil(L, (int)i + 1)) {
      if (!(a->kind & CLEAVE_ARG_OPTIONAL)) dsl_error(L, MSG_PLUGIN_ARG_MISSING, fname, a->name);
      continue;
    }
    char what[200];
    snprintf(what, sizeof what, MSG_WHAT_PLUGIN_ARG, fname, a->name);
    if ((a->kind & 0xff) == CLEAVE_ARG_VALUE) {
      uint32_t k = dsl_to_value(L, (int)i + 1, a->type, what);
      n = &d->g->nodes[id];
      n->u.call.argkid[i] = (int32_t)nk;
      kids[nk++] = k;
    } else {
      /* written in place: the graph owns (and frees) it even on error */
      const_arg(L, (int)i + 1, a, &d->g->nodes[id].u.call.consts[i], fname);
    }
  }
  graph_set_kids(d->g, id, kids, nk);
  n = &d->g->nodes[id];
  if (cr->compile) {
    cleave_err e;
    e.msg[0] = '\0';
    char where[300];
    snprintf(where, sizeof where, "%s:%u", d->display, n->line);
    cleave_compile_ctx ctx = {d->host, d->g->as_of, where};
    cleanup_mark("compile", fname);
    int rc = cr->compile(lp->state, &ctx, n->u.call.consts, &n->u.call.inst, &e);
    cleanup_mark(NULL, NULL);
    if (rc != CLEAVE_OK)
      dsl_error(L, MSG_PLUGIN_REFUSED, fname, e.msg[0] ? e.msg : MSG_PLUGIN_REFUSED_NO_REASON);
  }
  dsl_push(L, id);
  return 1;
}

/* plugin.name where name is no criterion: did you mean, and the list. */
static int plugin_index(lua_State *L) {
  dsl *d = dsl_of(L);
  const cleave_plugin *desc = d->plugins->v[lua_tointeger(L, lua_upvalueindex(1))].desc;
  const char *name = luaL_tolstring(L, 2, NULL);
  const char **names = lua_newuserdatauv(L, (desc->ncriteria + 1) * sizeof *names, 0);
  buf all = {0};
  for (uint32_t c = 0; c < desc->ncriteria; c++) {
    names[c] = desc->criteria[c].name;
    buf_printf(&all, "%s%s", c ? ", " : "", names[c]);
  }
  const char *g = suggest_closest(name, names, desc->ncriteria);
  char hint[200] = "", full[200];
  if (g) snprintf(hint, sizeof hint, " (did you mean %s.%s?)", desc->name, g);
  snprintf(full, sizeof full, "%s.%s", desc->name, name);
  lua_pushstring(L, buf_cstr(&all));
  buf_free(&all);
  return dsl_error(L, MSG_PLUGIN_NO_CRITERION, full, desc->name, hint, desc->name,
                   desc->ncriteria ? lua_tostring(L, -1) : "no criteria");
}

static int plugin_newindex(lua_State *L) {
  return dsl_error(L, MSG_LUA_SET_FIELD, luaL_tolstring(L, 2, NULL));
}

static int64_t plugin_index_of(const dsl *d, const char *name) {
  for (size_t p = 0; d->plugins && p < d->plugins->n; p++)
    if (strcmp(d->plugins->v[p].desc->name, name) == 0) return (int64_t)p;
  return -1;
}

int dsl_plugin_global(lua_State *L, const char *name) {
  dsl *d = dsl_of(L);
  int64_t p = plugin_index_of(d, name);
  if (p < 0) return 0;
  if (!d->plugin_err.code && plugins_use(d->plugins, (size_t)p, &d->plugin_err) == 0) {
    const cleave_plugin *desc = d->plugins->v[p].desc;
    lua_createtable(L, 0, (int)desc->ncriteria);
    for (uint32_t c = 0; c < desc->ncriteria; c++) {
      lua_pushinteger(L, p);
      lua_pushinteger(L, c);
      lua_pushcclosure(L, call_criterion, 2);
      lua_setfield(L, -2, desc->criteria[c].name);
    }
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, p);
    lua_pushcclosure(L, plugin_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, plugin_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pushstring(L, name);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1); /* later reads find it without __index */
    return 1;
  }
  size_t len = strlen(d->plugin_err.msg);
  if (!strstr(d->plugin_err.msg, " (the rule file names "))
    snprintf(d->plugin_err.msg + len, sizeof d->plugin_err.msg - len,
             " (the rule file names %s at %s:%u)", name, d->display, dsl_line(L));
  return luaL_error(L, "%s", d->plugin_err.msg);
}

const char *dsl_plugin_suggest(lua_State *L, const char *name) {
  dsl *d = dsl_of(L);
  if (!d->plugins || !d->plugins->n) return NULL;
  const char **names = lua_newuserdatauv(L, d->plugins->n * sizeof *names, 0);
  for (size_t p = 0; p < d->plugins->n; p++) names[p] = d->plugins->v[p].desc->name;
  return suggest_closest(name, names, d->plugins->n);
}

/* --- lists ------------------------------------------------------------------ */

/* list "lists/x.txt": one item per line; blank lines and # comments skipped,
** spaces around items trimmed. Paths are relative to the rule file and may
** not leave its directory. */
#define LIST_FILE_MAX (16u << 20) /* bytes in one list file */
#define LIST_LINE_MAX 4096        /* bytes in one line of it */

/* The file's bytes live in C memory owned by a userdata, so a Lua error
** (the memory cap, a bad line) cannot leak them: __gc frees them. */
static int listbuf_gc(lua_State *L) {
  char **b = lua_touserdata(L, 1);
  free(*b);
  *b = NULL;
  return 0;
}

static char **listbuf_new(lua_State *L) {
  char **b = lua_newuserdatauv(L, sizeof *b, 0);
  *b = NULL;
  if (luaL_newmetatable(L, "cleave.list_buffer")) {
    lua_pushcfunction(L, listbuf_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

/* One line p[0..ll) of the list: trimmed, without comments; added to table t. */
static void list_line(lua_State *L, int t, lua_Integer *n, const char *p, size_t ll, int first) {
  while (ll && (p[ll - 1] == '\r' || p[ll - 1] == ' ' || p[ll - 1] == '\t')) ll--;
  size_t s = 0;
  while (s < ll && (p[s] == ' ' || p[s] == '\t')) s++;
  if (first && ll - s >= 3 && memcmp(p + s, "\xEF\xBB\xBF", 3) == 0) s += 3;
  if (s >= ll || p[s] == '#') return;
  lua_pushlstring(L, p + s, ll - s);
  lua_rawseti(L, t, ++*n);
}

/* list "lists/x.txt": a regular file beneath the rule file's folder (no link
** out of it, no FIFO or device), at most LIST_FILE_MAX bytes, lines of at
** most LIST_LINE_MAX bytes (a longer one is an error naming file:line). */
static int l_list(lua_State *L) {
  dsl *d = dsl_of(L);
  size_t len;
  const char *rel = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
  if (!rel || !len) return dsl_error(L, MSG_LIST_NO_FILE);
  if (rel[0] == '/' || strstr(rel, "..") || memchr(rel, '\0', len))
    return dsl_error(L, MSG_LIST_OUTSIDE, rel);
  size_t plen = strlen(d->rules_dir) + len + 2;
  char *path = lua_newuserdatauv(L, plen, 0);
  snprintf(path, plen, "%s/%s", d->rules_dir, rel);
  char **text = listbuf_new(L);
  char why[FSAFE_WHY_MAX];
  int fd = fsafe_open_read(d->rules_dir, rel, FSAFE_REGULAR | FSAFE_BENEATH, LIST_FILE_MAX, why);
  if (fd < 0) return dsl_error(L, MSG_LIST_REFUSED, rel, path, why);
  size_t tl = 0;
  int e = fsafe_read_all(fd, LIST_FILE_MAX, text, &tl);
  close(fd);
  if (e == EFBIG) return dsl_error(L, MSG_LIST_TOO_BIG, rel, LIST_FILE_MAX >> 20);
  if (e) return dsl_error(L, MSG_LIST_UNREADABLE, rel, path, strerror(e));
  graph_add_file(d->g, rel, *text, tl); /* summary.json: the list's sha256 */
  lua_newtable(L);
  int t = lua_gettop(L);
  lua_Integer n = 0;
  const char *p = *text, *end = *text + tl;
  for (int line = 1; p < end; line++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ll = (size_t)((nl ? nl : end) - p);
    if (ll > LIST_LINE_MAX && !(ll == LIST_LINE_MAX + 1 && p[ll - 1] == '\r'))
      return dsl_error(L, MSG_LIST_LINE_TOO_LONG, rel, path, line, LIST_LINE_MAX);
    list_line(L, t, &n, p, ll, line == 1);
    p = nl ? nl + 1 : end;
  }
  free(*text);
  *text = NULL;
  if (n == 0) dsl_error(L, MSG_LIST_FILE_EMPTY, rel);
  return 1;
}

/* --- holdout buckets ---------------------------------------------------------- */

static int l_bucket(lua_State *L) {
  int64_t a = dsl_node_at(L, 1);
  if (a < 0 || dsl_of(L)->g->nodes[a].type != VT_TEXT)
    return dsl_error(L, MSG_BUCKET_NOT_TEXT, dsl_describe(L, 1));
  int st = lua_type(L, 2);
  if (st != LUA_TNONE && st != LUA_TNIL && st != LUA_TSTRING && st != LUA_TNUMBER)
    return dsl_error(L, MSG_BUCKET_SALT, dsl_describe(L, 2));
  const char *salt = luaL_optstring(L, 2, "");
  uint32_t kid = (uint32_t)a;
  uint32_t id = dsl_node(L, N_BUCKET, VT_NUMBER, &kid, 1);
  dsl_of(L)->g->nodes[id].u.range.salt = cl_strdup(salt);
  dsl_push(L, id);
  return 1;
}

void dsl_open_extras(lua_State *L) {
  static const luaL_Reg globals[] = {{"list", l_list}, {"bucket", l_bucket}, {NULL, NULL}};
  luaL_setfuncs(L, globals, 0);
}
