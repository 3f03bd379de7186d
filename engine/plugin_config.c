/* SPDX-License-Identifier: MIT */
/*
** plugin_config.c -- [plugin.<name>] checked against the plugin's declared
** keys (plugin_config.h).
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plugin_config.h"
#include "suggest.h"

#define LIST_MAX 512

/* The declaration i of d (its own stride: the plugin's struct_size). The
** loader hands on only normalised copies (plugin_loader.c), so this is
** d->config_decls[i]. */
static const cleave_config_decl *decl(const cleave_plugin *d, uint32_t i) {
  return &d->config_decls[i];
}

const char *plugin_config_type_name(int32_t type) {
  switch (type) {
  case CLEAVE_CFG_STRING: return "STRING";
  case CLEAVE_CFG_INT: return "INT";
  case CLEAVE_CFG_NUMBER: return "NUMBER";
  case CLEAVE_CFG_BOOL: return "BOOL";
  default: return "an unknown type";
  }
}

void plugin_config_describe(const cleave_config_decl *c, char *buf, size_t cap) {
  int lo = (c->flags & CLEAVE_CFG_MIN) != 0, hi = (c->flags & CLEAVE_CFG_MAX) != 0;
  const char *what = c->type == CLEAVE_CFG_INT ? "a whole number"
                     : c->type == CLEAVE_CFG_NUMBER ? "a number" : "a text";
  if (c->type == CLEAVE_CFG_BOOL) snprintf(buf, cap, "yes or no");
  else if (c->type == CLEAVE_CFG_STRING && lo && hi)
    snprintf(buf, cap, "a text of %g to %g bytes", c->min, c->max);
  else if (c->type == CLEAVE_CFG_STRING && lo) snprintf(buf, cap, "a text of at least %g bytes", c->min);
  else if (c->type == CLEAVE_CFG_STRING && hi) snprintf(buf, cap, "a text of at most %g bytes", c->max);
  else if (lo && hi) snprintf(buf, cap, "%s from %g to %g", what, c->min, c->max);
  else if (lo) snprintf(buf, cap, "%s of at least %g", what, c->min);
  else if (hi) snprintf(buf, cap, "%s of at most %g", what, c->max);
  else snprintf(buf, cap, "%s", what);
}

/* Parse text as c's type into v; 0, or -1 (not of the type), -2 (out of range). */
static int parse_value(const cleave_config_decl *c, const char *text, plugin_cfg_val *v) {
  char *end;
  double x = 0;
  v->text = text;
  switch (c->type) {
  case CLEAVE_CFG_INT: {
    errno = 0;
    long long n = strtoll(text, &end, 10);
    if (end == text || *end || errno == ERANGE) return -1;
    v->i = n;
    x = v->d = (double)n;
    break;
  }
  case CLEAVE_CFG_NUMBER:
    if (strpbrk(text, "xXnN") || !*text) return -1; /* no hex, inf or nan */
    x = strtod(text, &end);
    if (end == text || *end || !isfinite(x)) return -1;
    v->d = x;
    break;
  case CLEAVE_CFG_BOOL:
    if (!strcasecmp(text, "yes") || !strcasecmp(text, "true") || !strcasecmp(text, "on") ||
        !strcmp(text, "1"))
      v->b = 1;
    else if (!strcasecmp(text, "no") || !strcasecmp(text, "false") ||
             !strcasecmp(text, "off") || !strcmp(text, "0"))
      v->b = 0;
    else
      return -1;
    return 0;
  default:
    x = (double)strlen(text);
    break;
  }
  if ((c->flags & CLEAVE_CFG_MIN) && x < c->min) return -2;
  if ((c->flags & CLEAVE_CFG_MAX) && x > c->max) return -2;
  return 0;
}

/* [a-z][a-z0-9_]* */
static int key_name_ok(const char *s) {
  if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
  return 1;
}

int plugin_config_check_decls(const char *path, const cleave_plugin *d, cl_error *err) {
  for (uint32_t i = 0; i < d->nconfig_decls; i++) {
    const cleave_config_decl *c = decl(d, i);
    if (!key_name_ok(c->key))
      return cl_fail(err, CL_EXIT_PLUGIN,
                     "%s: config key %u of '%s' (%s) is not usable in engine.ini; use "
                     "lower case letters, digits and '_', starting with a letter",
                     path, i + 1, d->name, c->key ? c->key : "no name");
    if (c->type < CLEAVE_CFG_STRING || c->type > CLEAVE_CFG_BOOL)
      return cl_fail(err, CL_EXIT_PLUGIN,
                     "%s: config key '%s' of '%s' has type %d; use CLEAVE_CFG_STRING, "
                     "INT, NUMBER or BOOL", path, c->key, d->name, (int)c->type);
    if (!c->help)
      return cl_fail(err, CL_EXIT_PLUGIN,
                     "%s: config key '%s' of '%s' has no help text; give it one line "
                     "(shown by `cleave plugins`)", path, c->key, d->name);
    if ((c->flags & CLEAVE_CFG_MIN) && (c->flags & CLEAVE_CFG_MAX) && !(c->min <= c->max))
      return cl_fail(err, CL_EXIT_PLUGIN,
                     "%s: config key '%s' of '%s' has min %g above max %g", path, c->key,
                     d->name, c->min, c->max);
    for (uint32_t j = 0; j < i; j++)
      if (strcmp(decl(d, j)->key, c->key) == 0)
        return cl_fail(err, CL_EXIT_PLUGIN,
                       "%s: config key '%s' of '%s' is declared twice (entries %u and %u)",
                       path, c->key, d->name, j + 1, i + 1);
    for (size_t k = 0; d->config_keys && d->config_keys[k]; k++)
      if (strcmp(d->config_keys[k], c->key) == 0)
        return cl_fail(err, CL_EXIT_PLUGIN,
                       "%s: config key '%s' of '%s' is both in config_keys and in "
                       "config_decls; keep it in config_decls only", path, c->key, d->name);
    plugin_cfg_val v;
    char want[160];
    if (c->default_value && parse_value(c, c->default_value, &v) != 0) {
      plugin_config_describe(c, want, sizeof want);
      return cl_fail(err, CL_EXIT_PLUGIN,
                     "%s: config key '%s' of '%s' has default '%s', which is not %s",
                     path, c->key, d->name, c->default_value, want);
    }
  }
  return 0;
}

/* ---- the section -------------------------------------------------------- */

const char *plugin_config_guess(const char *word, const char *const *names, size_t n) {
  const char *g = suggest_closest(word, names, n);
  size_t len = strlen(word);
  for (size_t i = 0; !g && len >= 3 && i < n; i++)
    if (strncmp(names[i], word, len) == 0) g = names[i];
  return g;
}

static const char *ini_name(const char *ini) { return ini ? ini : "engine.ini"; }

/* The keys d accepts: config_keys, then config_decls (a malloc'd array). */
static const char **accepted_keys(const cleave_plugin *d, size_t *n) {
  size_t nk = 0;
  while (d->config_keys && d->config_keys[nk]) nk++;
  const char **keys = cl_calloc(nk + d->nconfig_decls + 1, sizeof *keys);
  for (size_t i = 0; i < nk; i++) keys[i] = d->config_keys[i];
  for (uint32_t i = 0; i < d->nconfig_decls; i++) keys[nk + i] = decl(d, i)->key;
  *n = nk + d->nconfig_decls;
  return keys;
}

static int unknown_key(const char *ini, const config_section *s,
                       const cleave_config_entry *e, const cleave_plugin *d,
                       const char **keys, size_t nk, cl_error *err) {
  char accepted[LIST_MAX] = "", hint[160] = "";
  size_t len = 0;
  for (size_t i = 0; i < nk; i++) {
    int w = snprintf(accepted + len, sizeof accepted - len, "%s%s", i ? ", " : "", keys[i]);
    if (w < 0 || (size_t)w >= sizeof accepted - len) {
      memcpy(accepted + sizeof accepted - 4, "...", 4);
      break;
    }
    len += (size_t)w;
  }
  const char *g = plugin_config_guess(e->key, keys, nk);
  if (g) snprintf(hint, sizeof hint, " (did you mean '%s'?)", g);
  if (nk)
    return cl_fail(err, CL_EXIT_CONFIG,
                   "%s:%d: unknown key '%s' in [plugin.%s]%s; %s accepts: %s (see "
                   "cleave plugins)", ini_name(ini), e->line, e->key, s->name, hint,
                   d->name, accepted);
  return cl_fail(err, CL_EXIT_CONFIG,
                 "%s:%d: unknown key '%s' in [plugin.%s]; %s accepts no keys, "
                 "remove the line", ini_name(ini), e->line, e->key, s->name, d->name);
}

static int bad_value(const char *ini, const cleave_plugin *d, const cleave_config_decl *c,
                     const cleave_config_entry *e, int why, cl_error *err) {
  char want[160];
  plugin_config_describe(c, want, sizeof want);
  return cl_fail(err, CL_EXIT_CONFIG, "%s:%d: [plugin.%s] %s = %s: %s; write %s (%s)",
                 ini_name(ini), e->line, d->name, c->key, e->value,
                 why == -2 ? "out of range" : c->type == CLEAVE_CFG_BOOL ? "not yes or no"
                 : c->type == CLEAVE_CFG_INT ? "not a whole number" : "not a number",
                 want, c->help);
}

static int missing_key(const char *ini, const config_section *s, const cleave_plugin *d,
                       const cleave_config_decl *c, cl_error *err) {
  char want[160];
  plugin_config_describe(c, want, sizeof want);
  if (s)
    return cl_fail(err, CL_EXIT_CONFIG,
                   "%s:%d: [plugin.%s] has no %s, which %s needs (%s); add %s = ... (%s)",
                   ini_name(ini), s->line, d->name, c->key, d->name, c->help, c->key, want);
  return cl_fail(err, CL_EXIT_CONFIG,
                 "%s: plugin %s needs %s (%s); add a section [plugin.%s] with %s = ... (%s)",
                 ini ? ini : "no engine.ini was read", d->name, c->key, c->help, d->name,
                 c->key, want);
}

/* The last entry of s setting key, or NULL. */
static const cleave_config_entry *entry_for(const config_section *s, const char *key) {
  const cleave_config_entry *e = NULL;
  for (size_t i = 0; s && i < s->n; i++)
    if (strcmp(s->entries[i].key, key) == 0) e = &s->entries[i];
  return e;
}

int plugin_config_check(const char *ini, const config_section *s, const cleave_plugin *d,
                        struct cleave_config_typed *out, cl_error *err) {
  memset(out, 0, sizeof *out);
  size_t nk;
  const char **keys = accepted_keys(d, &nk);
  for (size_t k = 0; s && k < s->n; k++) {
    size_t i = 0;
    while (i < nk && strcmp(keys[i], s->entries[k].key) != 0) i++;
    if (i == nk) {
      unknown_key(ini, s, &s->entries[k], d, keys, nk, err);
      free(keys);
      return err->code;
    }
  }
  free(keys);
  out->v = cl_calloc(d->nconfig_decls ? d->nconfig_decls : 1, sizeof *out->v);
  out->n = d->nconfig_decls;
  for (uint32_t i = 0; i < d->nconfig_decls; i++) {
    const cleave_config_decl *c = decl(d, i);
    plugin_cfg_val *v = &out->v[i];
    v->key = c->key;
    v->type = c->type;
    const cleave_config_entry *e = entry_for(s, c->key);
    int rc = 0;
    if (e) {
      rc = parse_value(c, e->value, v);
      v->line = e->line;
    } else if (c->flags & CLEAVE_CFG_REQUIRED) {
      rc = 1;
    } else if (c->default_value) {
      parse_value(c, c->default_value, v); /* checked at load */
    }
    if (rc) {
      if (rc == 1) missing_key(ini, s, d, c, err);
      else bad_value(ini, d, c, e, rc, err);
      plugin_config_free(out);
      return err->code;
    }
  }
  return 0;
}

void plugin_config_free(struct cleave_config_typed *t) {
  free(t->v);
  t->v = NULL;
  t->n = 0;
}

const plugin_cfg_val *plugin_config_find(const struct cleave_config_typed *t, const char *key) {
  for (size_t i = 0; t && key && i < t->n; i++)
    if (strcmp(t->v[i].key, key) == 0) return &t->v[i];
  return NULL;
}
