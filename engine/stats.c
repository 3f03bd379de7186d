/* SPDX-License-Identifier: MIT */
/*
** stats.c -- stats files: writing, reading and merging them (stats.h).
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fsafe.h"
#include "render.h"
#include "stats.h"
#include "utf8.h"

void stats_init(stats_set *s, uint32_t k) {
  memset(s, 0, sizeof *s);
  s->k = k;
}

void stats_free(stats_set *s) {
  for (size_t i = 0; i < s->ncols; i++) {
    free(s->cols[i].name);
    kll_free(&s->cols[i].sk);
  }
  for (size_t i = 0; i < s->ninputs; i++) free(s->inputs[i]);
  free(s->cols);
  free(s->inputs);
  memset(s, 0, sizeof *s);
}

void stats_add_input(stats_set *s, const char *name) {
  s->inputs = cl_realloc(s->inputs, (s->ninputs + 1) * sizeof *s->inputs);
  s->inputs[s->ninputs++] = cl_strdup(name);
}

size_t stats_add_column(stats_set *s, const char *name) {
  s->cols = cl_realloc(s->cols, (s->ncols + 1) * sizeof *s->cols);
  col_stats *c = &s->cols[s->ncols];
  memset(c, 0, sizeof *c);
  c->name = cl_strdup(name);
  kll_init(&c->sk, s->k);
  return s->ncols++;
}

int64_t stats_find(const stats_set *s, const char *name) {
  for (size_t i = 0; i < s->ncols; i++)
    if (strcmp(s->cols[i].name, name) == 0) return (int64_t)i;
  return -1;
}


/* --- writing ---------------------------------------------------------------- */

static void put_num(buf *b, double x) { render_number(x, b); }

static void column_json(const col_stats *c, buf *b) {
  buf_puts(b, "    {\"name\": ");
  utf8_json_str(b, c->name, strlen(c->name));
  buf_printf(b, ", \"count\": %llu, \"missing\": %llu", (unsigned long long)c->count,
             (unsigned long long)c->missing);
  if (!c->count) {
    buf_puts(b, ", \"min\": null, \"max\": null, \"quantiles\": {}, \"levels\": []}");
    return;
  }
  buf_puts(b, ",\n     \"min\": ");
  put_num(b, c->sk.min);
  buf_puts(b, ", \"max\": ");
  put_num(b, c->sk.max);
  buf_puts(b, ",\n     \"quantiles\": {");
  kll_view w;
  kll_view_init(&w, &c->sk);
  for (int i = 1; i <= 99; i++) {
    buf_printf(b, "%s\"0.%02d\": ", i == 1 ? "" : i % 10 == 1 ? ",\n       " : ", ", i);
    put_num(b, kll_view_quantile(&w, i / 100.0));
  }
  kll_view_free(&w);
  buf_puts(b, "},\n     \"levels\": [");
  for (uint32_t h = 0; h < c->sk.nlev; h++) {
    buf_puts(b, h ? ",\n       [" : "[");
    for (uint32_t i = 0; i < c->sk.len[h]; i++) {
      if (i) buf_putc(b, ',');
      put_num(b, c->sk.lev[h][i]);
    }
    buf_putc(b, ']');
  }
  buf_puts(b, "]}");
}

void stats_json(const stats_set *s, buf *b) {
  buf_printf(b, "{\n  \"cleave_stats\": %d,\n  \"sketch\": \"kll\",\n  \"k\": %u,\n"
             "  \"rank_error\": %g,\n  \"rows\": %llu,\n  \"inputs\": [", STATS_FORMAT, s->k,
             KLL_EPS, (unsigned long long)s->rows);
  for (size_t i = 0; i < s->ninputs; i++) {
    if (i) buf_puts(b, ", ");
    utf8_json_str(b, s->inputs[i], strlen(s->inputs[i]));
  }
  buf_puts(b, "],\n  \"columns\": [\n");
  for (size_t i = 0; i < s->ncols; i++) {
    column_json(&s->cols[i], b);
    buf_puts(b, i + 1 < s->ncols ? ",\n" : "\n");
  }
  buf_puts(b, "  ]\n}\n");
}

/* --- reading ---------------------------------------------------------------- */

static int bad(cl_error *err, const char *path, const char *what) {
  return cl_fail(err, CL_EXIT_INPUT, "%s: not a cleave stats file: %s (write one with cleave "
                 "stats)", path, what);
}

static int get_count(json_t *o, const char *key, uint64_t *out) {
  json_t *v = json_object_get(o, key);
  if (!json_is_integer(v) || json_integer_value(v) < 0) return -1;
  *out = (uint64_t)json_integer_value(v);
  return 0;
}

static int load_column(const char *path, size_t ix, json_t *jc, uint32_t k, col_stats *c,
                       cl_error *err) {
  char what[512];
  json_t *name = json_object_get(jc, "name");
  if (!json_is_object(jc) || !json_is_string(name)) {
    snprintf(what, sizeof what, "column %zu has no name", ix + 1);
    return bad(err, path, what);
  }
  memset(c, 0, sizeof *c);
  c->name = cl_strdup(json_string_value(name));
  if (get_count(jc, "count", &c->count) || get_count(jc, "missing", &c->missing)) {
    snprintf(what, sizeof what, "column '%.200s': count and missing must be whole numbers",
             c->name);
    return bad(err, path, what);
  }
  json_t *levels = json_object_get(jc, "levels");
  json_t *jmin = json_object_get(jc, "min"), *jmax = json_object_get(jc, "max");
  if (!json_is_array(levels) || (c->count && (!json_is_number(jmin) || !json_is_number(jmax)))) {
    snprintf(what, sizeof what, "column '%.200s' has no levels, min or max", c->name);
    return bad(err, path, what);
  }
  if (!c->count) {
    kll_init(&c->sk, k);
    return 0;
  }
  size_t nlev = json_array_size(levels);
  double **items = cl_calloc(nlev ? nlev : 1, sizeof *items);
  uint32_t *lens = cl_calloc(nlev ? nlev : 1, sizeof *lens);
  int rc = 0;
  for (size_t h = 0; h < nlev && !rc; h++) {
    json_t *lv = json_array_get(levels, h);
    size_t n = json_array_size(lv);
    if (!json_is_array(lv) || n > 8u * KLL_MAX_K) {
      snprintf(what, sizeof what, "column '%.200s': level %zu is not a list of numbers", c->name, h);
      rc = bad(err, path, what);
      break;
    }
    items[h] = cl_malloc((n ? n : 1) * sizeof **items);
    lens[h] = (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
      json_t *x = json_array_get(lv, i);
      if (!json_is_number(x)) {
        snprintf(what, sizeof what, "column '%.200s': level %zu holds a value that is not a "
                 "number", c->name, h);
        rc = bad(err, path, what);
        break;
      }
      items[h][i] = json_number_value(x);
    }
  }
  char why[200];
  if (!rc && kll_from_levels(&c->sk, k, (uint32_t)nlev, (const double *const *)items, lens,
                             c->count, json_number_value(jmin), json_number_value(jmax), why,
                             sizeof why)) {
    snprintf(what, sizeof what, "column '%.200s': its sketch is damaged: %s", c->name, why);
    rc = bad(err, path, what);
  }
  for (size_t h = 0; h < nlev; h++) free(items[h]);
  free(items);
  free(lens);
  return rc;
}

static int load_doc(const char *path, json_t *doc, stats_set *s, cl_error *err) {
  uint64_t k;
  json_t *fmt = json_object_get(doc, "cleave_stats");
  if (!json_is_object(doc) || !json_is_integer(fmt)) return bad(err, path, "no \"cleave_stats\"");
  if (json_integer_value(fmt) != STATS_FORMAT)
    return cl_fail(err, CL_EXIT_INPUT, "%s: stats format %lld; this cleave reads format %d",
                   path, (long long)json_integer_value(fmt), STATS_FORMAT);
  json_t *sk = json_object_get(doc, "sketch");
  if (!json_is_string(sk) || strcmp(json_string_value(sk), "kll") != 0)
    return bad(err, path, "the sketch is not \"kll\"");
  if (get_count(doc, "k", &k) || k < KLL_MIN_K || k > KLL_MAX_K)
    return bad(err, path, "k is not a whole number from 8 to 65536");
  stats_init(s, (uint32_t)k);
  if (get_count(doc, "rows", &s->rows)) return bad(err, path, "no row count");
  json_t *inputs = json_object_get(doc, "inputs"), *cols = json_object_get(doc, "columns");
  if (!json_is_array(inputs) || !json_is_array(cols)) return bad(err, path, "no inputs or columns");
  size_t i;
  json_t *v;
  json_array_foreach(inputs, i, v) {
    if (!json_is_string(v)) return bad(err, path, "an input name is not a string");
    stats_add_input(s, json_string_value(v));
  }
  if (json_array_size(cols) > STATS_MAX_COLUMNS) return bad(err, path, "more than 1000 columns");
  s->cols = cl_calloc(json_array_size(cols) ? json_array_size(cols) : 1, sizeof *s->cols);
  json_array_foreach(cols, i, v) {
    s->ncols++;
    if (load_column(path, i, v, s->k, &s->cols[i], err)) return err->code;
    if (stats_find(s, s->cols[i].name) != (int64_t)i) {
      char what[300];
      snprintf(what, sizeof what, "column '%.200s' appears twice", s->cols[i].name);
      return bad(err, path, what);
    }
  }
  return 0;
}

int stats_load(const char *path, stats_set *s, cl_error *err) {
  memset(s, 0, sizeof *s);
  char why[FSAFE_WHY_MAX];
  int fd = fsafe_open_read(NULL, path, FSAFE_REGULAR, STATS_MAX_BYTES, why);
  if (fd < 0) return cl_fail(err, CL_EXIT_INPUT, "cannot read stats file %s: %s", path, why);
  char *text = NULL;
  size_t len = 0;
  int e = fsafe_read_all(fd, STATS_MAX_BYTES, &text, &len);
  if (e) {
    close(fd);
    free(text);
    return cl_fail(err, CL_EXIT_INPUT, "cannot read stats file %s: %s", path, strerror(e));
  }
  close(fd);
  json_error_t je;
  json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  free(text);
  if (!doc) return cl_fail(err, CL_EXIT_INPUT, "%s:%d: not a stats file: %s", path, je.line, je.text);
  int rc = load_doc(path, doc, s, err);
  json_decref(doc);
  if (rc) stats_free(s);
  return rc;
}

/* --- merging ---------------------------------------------------------------- */

int stats_merge(stats_set *into, const stats_set *from, const char *from_name, cl_error *err) {
  if (into->k != from->k)
    return cl_fail(err, CL_EXIT_INPUT, "%s: sketch k = %u, not k = %u as the files before it: "
                   "stats files of different k do not merge", from_name, from->k, into->k);
  int same = into->ncols == from->ncols;
  for (size_t i = 0; same && i < into->ncols; i++)
    same = strcmp(into->cols[i].name, from->cols[i].name) == 0;
  if (!same) {
    buf a = {0}, b = {0};
    for (size_t i = 0; i < into->ncols; i++) buf_printf(&a, "%s%s", i ? "," : "", into->cols[i].name);
    for (size_t i = 0; i < from->ncols; i++) buf_printf(&b, "%s%s", i ? "," : "", from->cols[i].name);
    cl_fail(err, CL_EXIT_INPUT, "%s: columns %.500s, not %.500s as the files before it: shards "
            "must have the same columns (run cleave stats on each with the same rules or "
            "--stats-columns)", from_name, buf_cstr(&b), buf_cstr(&a));
    buf_free(&a);
    buf_free(&b);
    return err->code;
  }
  for (size_t i = 0; i < into->ncols; i++)
    if (from->cols[i].count > UINT64_MAX / 2 - into->cols[i].count ||
        from->cols[i].missing > UINT64_MAX / 2 - into->cols[i].missing)
      return cl_fail(err, CL_EXIT_INPUT, "%s: column '%s': the counts add up to more than "
                     "2^63", from_name, from->cols[i].name);
  if (from->rows > UINT64_MAX / 2 - into->rows)
    return cl_fail(err, CL_EXIT_INPUT, "%s: the rows add up to more than 2^63", from_name);
  for (size_t i = 0; i < into->ncols; i++) {
    into->cols[i].count += from->cols[i].count;
    into->cols[i].missing += from->cols[i].missing;
    kll_merge(&into->cols[i].sk, &from->cols[i].sk);
  }
  into->rows += from->rows;
  for (size_t i = 0; i < from->ninputs; i++) stats_add_input(into, from->inputs[i]);
  return 0;
}
