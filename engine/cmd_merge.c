/* SPDX-License-Identifier: MIT */
/*
** cmd_merge.c -- `cleave merge SUMMARY...`: the summaries of the shards of
** one run (cleave as a filter under parallel, Dask, Spark or Hadoop) summed
** into the summary.json a single run over the whole input would have
** written, except for the timings and thread counts.
**
** The rule, in one place (merge_value): objects are merged key by key (the
** union of their keys, in first-seen order); arrays element by element
** (their lengths must agree); whole numbers are summed, except the few
** that are not counts (schema_version, exit_code and detail_micros must
** agree, and so must a plugin call's rule_line; threads is
** summed as the threads used in all, seconds is the slowest shard's);
** a plugin call's first failing value is the first shard's that has one
** (null until then);
** strings must agree where they identify the run (as_of, status, versions,
** every sha256, the name of a value) and otherwise keep the first shard's
** (the input and output names). Shards of different rules, rule or list
** files, as_of dates or versions are refused, as is a failed shard.
** A file may hold one summary or many (one JSON value per line, as
** `cat shard*.json` gives), each counted as a shard.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd_merge.h"
#include "commit.h"
#include "error.h"
#include "fsafe.h"
#include "log.h"
#include "outfile.h"

#define SUMMARY_MAX (256L << 20) /* a summary of 100,000 segments is a few MB */

typedef struct merge_ctx {
  const char *file;  /* the shard being merged, for messages */
  size_t shard;      /* its number (1-based, over all files) */
  char path[512];    /* where in the document, for messages ("macro.band.low") */
  cl_error *err;
} merge_ctx;

/* Keys whose string values identify the run: shards must agree. */
static int must_agree(const char *key) {
  static const char *const keys[] = {"as_of", "status", "cleave_version", "schema_version",
                                     "rules_sha256", "abi", NULL};
  if (!key) return 1; /* an array element: a name in a list (plugins, values) */
  if (strstr(key, "sha256")) return 1;
  for (size_t i = 0; keys[i]; i++)
    if (strcmp(key, keys[i]) == 0) return 1;
  return 0;
}

static int fail_at(merge_ctx *m, const char *what) {
  return cl_fail(m->err, CL_EXIT_INPUT, "%s: shard %zu: %s%s%s", m->file, m->shard, what,
                 m->path[0] ? " at " : "", m->path);
}

static int merge_value(merge_ctx *m, const char *key, json_t *into, json_t *from);

static int merge_object(merge_ctx *m, json_t *into, json_t *from) {
  const char *k;
  json_t *v;
  size_t plen = strlen(m->path);
  json_object_foreach(from, k, v) {
    snprintf(m->path + plen, sizeof m->path - plen, "%s%s", plen ? "." : "", k);
    json_t *have = json_object_get(into, k);
    if (have && strcmp(k, "first") == 0 && (json_is_null(have) || json_is_null(v))) {
      /* plugin_failures: the input's first example, from the first shard with one */
      if (json_is_null(have) && json_object_set(into, k, v))
        return cl_fail(m->err, CL_EXIT_INTERNAL, "out of memory");
    } else if (!have) {
      if (json_object_set(into, k, v)) return cl_fail(m->err, CL_EXIT_INTERNAL, "out of memory");
    } else if (merge_value(m, k, have, v)) {
      return m->err->code;
    }
    m->path[plen] = 0;
  }
  return 0;
}

/* overlap: a sparse list of [a, b, n] (only pairs with n >= 1): summed by
** pair; the order (rule-file order of a, then b) is restored at the end. */
static int merge_pairs(merge_ctx *m, json_t *into, json_t *from) {
  json_t *ix = json_object();
  char k[1024];
  size_t i;
  json_t *t;
  json_array_foreach(into, i, t) {
    snprintf(k, sizeof k, "%s\x1f%s", json_string_value(json_array_get(t, 0)),
             json_string_value(json_array_get(t, 1)));
    json_object_set_new(ix, k, json_integer((json_int_t)i));
  }
  int rc = 0;
  json_array_foreach(from, i, t) {
    if (!json_is_array(t) || json_array_size(t) != 3 || !json_is_string(json_array_get(t, 0)) ||
        !json_is_string(json_array_get(t, 1)) || !json_is_integer(json_array_get(t, 2))) {
      rc = fail_at(m, "an overlap entry that is not [segment, segment, count]");
      break;
    }
    snprintf(k, sizeof k, "%s\x1f%s", json_string_value(json_array_get(t, 0)),
             json_string_value(json_array_get(t, 1)));
    json_t *at = json_object_get(ix, k);
    if (!at) {
      json_array_append(into, t);
      continue;
    }
    json_t *n = json_array_get(json_array_get(into, (size_t)json_integer_value(at)), 2);
    json_integer_set(n, json_integer_value(n) + json_integer_value(json_array_get(t, 2)));
  }
  json_decref(ix);
  return rc;
}

static int pair_cmp(const void *pa, const void *pb, void *ud) {
  json_t *order = ud, *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
  for (size_t i = 0; i < 2; i++) {
    json_int_t x = json_integer_value(json_object_get(order, json_string_value(json_array_get(a, i))));
    json_int_t y = json_integer_value(json_object_get(order, json_string_value(json_array_get(b, i))));
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/* The merged overlap list in the order a single run writes it: by the
** micro segments' order in "micro" (rule-file order). */
static void order_pairs(json_t *acc) {
  json_t *pairs = json_object_get(acc, "overlap"), *micros = json_object_get(acc, "micro");
  if (!json_is_array(pairs) || !json_is_object(micros)) return;
  json_t *order = json_object();
  const char *k;
  json_t *v;
  json_int_t i = 0;
  json_object_foreach(micros, k, v) json_object_set_new(order, k, json_integer(i++));
  size_t n = json_array_size(pairs);
  json_t **items = cl_malloc((n ? n : 1) * sizeof *items);
  for (size_t j = 0; j < n; j++) items[j] = json_incref(json_array_get(pairs, j));
  qsort_r(items, n, sizeof *items, pair_cmp, order);
  json_array_clear(pairs);
  for (size_t j = 0; j < n; j++) json_array_append_new(pairs, items[j]);
  free(items);
  json_decref(order);
}

static int merge_array(merge_ctx *m, const char *key, json_t *into, json_t *from) {
  if (key && strcmp(key, "overlap") == 0) return merge_pairs(m, into, from);
  if (json_array_size(into) != json_array_size(from)) return fail_at(m, "lists of another length");
  size_t plen = strlen(m->path);
  for (size_t i = 0; i < json_array_size(from); i++) {
    snprintf(m->path + plen, sizeof m->path - plen, "[%zu]", i);
    json_t *a = json_array_get(into, i), *b = json_array_get(from, i);
    /* an element of a list of numbers is a count; of strings, a name */
    if (merge_value(m, json_is_number(a) ? key : NULL, a, b)) return m->err->code;
    m->path[plen] = 0;
  }
  return 0;
}

static int merge_value(merge_ctx *m, const char *key, json_t *into, json_t *from) {
  /* population thresholds (docs/stats.md): the same in every shard, or the
  ** shards segmented by different cut-offs */
  if (key && strcmp(key, "thresholds") == 0)
    return json_equal(into, from) ? 0 : fail_at(m, "other population thresholds (give every "
                                                   "shard the same --stats file: cleave stats "
                                                   "--merge of the shards' stats)");
  if (json_typeof(into) != json_typeof(from) &&
      !(json_is_boolean(into) && json_is_boolean(from)))
    return fail_at(m, "a value of another kind");
  switch (json_typeof(into)) {
  case JSON_OBJECT: return merge_object(m, into, from);
  case JSON_ARRAY: return merge_array(m, key, into, from);
  case JSON_STRING:
    if (must_agree(key) && strcmp(json_string_value(into), json_string_value(from)) != 0) {
      char what[600];
      snprintf(what, sizeof what, "'%.250s' where the first shard has '%.250s'",
               json_string_value(from), json_string_value(into));
      return fail_at(m, what);
    }
    return 0; /* input and output names: the first shard's */
  case JSON_INTEGER: {
    json_int_t a = json_integer_value(into), b = json_integer_value(from);
    /* not counts of customers: properties of the rules and the run */
    if (key && (strcmp(key, "schema_version") == 0 || strcmp(key, "exit_code") == 0 ||
                strcmp(key, "rule_line") == 0 ||
                strncmp(m->path, "detail_micros.", 14) == 0)) {
      if (a != b) return fail_at(m, "another value");
      return 0;
    }
    if (key && strcmp(key, "seconds") == 0) return json_integer_set(into, a > b ? a : b);
    if (a < 0 || b < 0 || b > INT64_MAX - a) return fail_at(m, "a count out of range");
    return json_integer_set(into, a + b);
  }
  case JSON_REAL: {
    double a = json_number_value(into), b = json_number_value(from);
    if (key && strcmp(key, "seconds") == 0) return json_real_set(into, a > b ? a : b);
    return fail_at(m, "a fraction, which cannot be summed");
  }
  case JSON_TRUE:
  case JSON_FALSE:
    if (json_is_true(into) != json_is_true(from)) return fail_at(m, "another true/false value");
    return 0;
  default: return 0; /* null */
  }
}

/* Every JSON value in the file at path, merged into *acc (NULL at first). */
static int merge_file(const char *path, json_t **acc, size_t *shards, cl_error *err) {
  char why[FSAFE_WHY_MAX];
  int fd = fsafe_open_read(NULL, path, FSAFE_REGULAR, SUMMARY_MAX, why);
  if (fd < 0) return cl_fail(err, CL_EXIT_INPUT, "cannot read summary %s: %s", path, why);
  FILE *f = fdopen(fd, "r");
  if (!f) {
    close(fd);
    return cl_fail(err, CL_EXIT_INTERNAL, "%s: %s", path, strerror(errno));
  }
  int rc = 0, any = 0;
  for (;;) {
    int c;
    while ((c = getc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t') {}
    if (c == EOF) break;
    ungetc(c, f);
    json_error_t je;
    json_t *doc = json_loadf(f, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
      rc = cl_fail(err, CL_EXIT_INPUT, "%s:%d: not a summary: %s", path, je.line, je.text);
      break;
    }
    ++*shards;
    any = 1;
    merge_ctx m = {path, *shards, "", err};
    if (!json_is_object(doc)) {
      rc = fail_at(&m, "not a JSON object");
    } else if (!json_is_string(json_object_get(doc, "rules_sha256")) ||
               !json_is_string(json_object_get(doc, "as_of"))) {
      rc = fail_at(&m, "no rules_sha256 or as_of: not the summary.json of a cleave run "
                       "(schema version 1 or later)");
    } else if (json_object_get(doc, "status") &&
               (!json_string_value(json_object_get(doc, "status")) ||
                strcmp(json_string_value(json_object_get(doc, "status")), "ok") != 0)) {
      rc = fail_at(&m, "a failed run's summary (status is not ok): run that shard again");
    } else if (!*acc) {
      *acc = json_deep_copy(doc);
    } else {
      rc = merge_value(&m, NULL, *acc, doc);
    }
    json_decref(doc);
    if (rc) break;
  }
  fclose(f);
  if (!rc && !any) rc = cl_fail(err, CL_EXIT_INPUT, "%s: empty: no summary in it", path);
  return rc;
}

int cmd_merge(const cli_opts *o) {
  logger lg;
  log_init(&lg, LOG_INFO, stderr);
  lg.out_info = !o->quiet && (o->verbose || isatty(STDERR_FILENO)); /* silent from cron */
  cl_error err = {0, ""};
  json_t *acc = NULL;
  size_t shards = 0;
  int rc = 0;
  if (o->nargs < 1)
    rc = cl_fail(&err, CL_EXIT_USAGE, "merge needs the shards' summary files "
                 "(cleave merge --output summary.json shard*.json)");
  for (int i = 0; !rc && i < o->nargs; i++) rc = merge_file(o->args[i], &acc, &shards, &err);
  char *text = NULL;
  if (!rc) order_pairs(acc);
  if (!rc) {
    text = json_dumps(acc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) rc = cl_fail(&err, CL_EXIT_INTERNAL, "out of memory");
  }
  if (!rc) {
    const char *out = o->output ? o->output : "-";
    outfile f;
    commit c;
    commit_init(&c, NULL, &lg);
    rc = outfile_open(&f, out, &err);
    if (!rc) {
      commit_add(&c, &f);
      rc = outfile_write(&f, text, strlen(text), &err);
      if (!rc) rc = outfile_write(&f, "\n", 1, &err);
      if (!rc) rc = commit_publish(&c, &err);
      else commit_abort(&c);
      outfile_free(&f);
    }
    commit_free(&c);
  }
  if (!rc) log_msg(&lg, LOG_INFO, "merged %zu shard summaries into %s", shards,
                   o->output ? o->output : "standard output");
  free(text);
  json_decref(acc);
  if (rc) log_msg(&lg, LOG_ERROR, "%s", err.msg);
  return rc;
}
