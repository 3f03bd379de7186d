/* SPDX-License-Identifier: MIT */
/*
** bad_desc.c -- malformed descriptors the loader must refuse. By default the
** descriptor has a criterion without eval; the environment variable
** CLEAVE_TEST_BAD_DESC picks another defect (see the variants table), so one
** .so covers every check of plugin_loader.c.
*/
#include <stdlib.h>
#include <string.h>

#include "cleave/plugin.h"

static void noop_eval(const void *inst, void *ts, const cleave_value *args,
                      cleave_value *out) {
  (void)inst, (void)ts, (void)args;
  out->type = CLEAVE_BOOL;
  out->missing = 1;
}

static const cleave_arg one_num[] = {{"x", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)}};
static const cleave_arg bad_kind[] = {{"x", 7, CLEAVE_NUMBER, sizeof(cleave_arg)}};
static const cleave_arg const_bool[] = {{"flag", CLEAVE_ARG_CONST, CLEAVE_BOOL, sizeof(cleave_arg)}};
static const cleave_arg value_list[] = {{"xs", CLEAVE_ARG_VALUE, CLEAVE_TEXT_LIST, sizeof(cleave_arg)}};
static const cleave_arg no_arg_name[] = {{NULL, CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)}};
static const cleave_arg optional_gap[] = {
    {"a", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)},
    {"b", CLEAVE_ARG_CONST | CLEAVE_ARG_OPTIONAL, CLEAVE_NUMBER, sizeof(cleave_arg)},
    {"c", CLEAVE_ARG_CONST, CLEAVE_NUMBER, sizeof(cleave_arg)}};

#define CRIT(name, help, result, args, nargs, cost, eval) \
  {name, help, result, 0, args, nargs, cost, NULL, eval, NULL, sizeof(cleave_criterion)}

static const cleave_criterion c_no_eval[] = {
    CRIT("noop", "has no eval", CLEAVE_BOOL, one_num, 1, 1, NULL)};
static const cleave_criterion c_bad_name[] = {
    CRIT("DaysSince", "bad name", CLEAVE_BOOL, one_num, 1, 1, noop_eval)};
static const cleave_criterion c_no_name[] = {
    CRIT(NULL, "no name", CLEAVE_BOOL, one_num, 1, 1, noop_eval)};
static const cleave_criterion c_dup[] = {
    CRIT("noop", "first", CLEAVE_BOOL, one_num, 1, 1, noop_eval),
    CRIT("other", "second", CLEAVE_BOOL, one_num, 1, 1, noop_eval),
    CRIT("noop", "third", CLEAVE_BOOL, one_num, 1, 1, noop_eval)};
static const cleave_criterion c_bad_result[] = {
    CRIT("noop", "returns tags", CLEAVE_TAGS, one_num, 1, 1, noop_eval)};
static const cleave_criterion c_bad_kind[] = {
    CRIT("noop", "bad arg kind", CLEAVE_BOOL, bad_kind, 1, 1, noop_eval)};
static const cleave_criterion c_const_bool[] = {
    CRIT("noop", "const bool", CLEAVE_BOOL, const_bool, 1, 1, noop_eval)};
static const cleave_criterion c_value_list[] = {
    CRIT("noop", "value list", CLEAVE_BOOL, value_list, 1, 1, noop_eval)};
static const cleave_criterion c_no_arg_name[] = {
    CRIT("noop", "unnamed arg", CLEAVE_BOOL, no_arg_name, 1, 1, noop_eval)};
static const cleave_criterion c_optional_gap[] = {
    CRIT("noop", "optional gap", CLEAVE_BOOL, optional_gap, 3, 1, noop_eval)};
static const cleave_criterion c_args_null[] = {
    CRIT("noop", "args NULL", CLEAVE_BOOL, NULL, 1, 1, noop_eval)};
static const cleave_criterion c_too_many[] = {
    CRIT("noop", "nargs garbage", CLEAVE_BOOL, one_num, 100000, 1, noop_eval)};
static const cleave_criterion c_no_help[] = {
    CRIT("noop", NULL, CLEAVE_BOOL, one_num, 1, 1, noop_eval)};
static const cleave_criterion c_neg_cost[] = {
    CRIT("noop", "negative cost", CLEAVE_BOOL, one_num, 1, -1, noop_eval)};
static const cleave_criterion c_keyword[] = {
    CRIT("end", "a Lua keyword", CLEAVE_BOOL, one_num, 1, 1, noop_eval)};

/* ABI 1.1 sizes: a criterion array whose struct_size was left 0, one whose
** entries disagree, an argument array left 0. */
static const cleave_criterion c_size0[] = {
    {"noop", "size 0", CLEAVE_BOOL, 0, one_num, 1, 1, NULL, noop_eval, NULL, 0}};
static const cleave_criterion c_size_mixed[] = {
    CRIT("noop", "first", CLEAVE_BOOL, one_num, 1, 1, noop_eval),
    {"other", "second", CLEAVE_BOOL, 0, one_num, 1, 1, NULL, noop_eval, NULL, 200}};
static const cleave_arg arg_size0[] = {{"x", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, 0}};
static const cleave_criterion c_arg_size0[] = {
    CRIT("noop", "arg size 0", CLEAVE_BOOL, arg_size0, 1, 1, noop_eval)};

/* Config declarations (1.1) that are themselves wrong. */
#define DECL(type, key, help, def, flags, min, max) \
  {sizeof(cleave_config_decl), type, key, help, def, flags, min, max}
static const cleave_config_decl d_bad_default[] = {
    DECL(CLEAVE_CFG_INT, "window", "days", "ten", 0, 0, 0)};
static const cleave_config_decl d_default_range[] = {
    DECL(CLEAVE_CFG_INT, "window", "days", "0", CLEAVE_CFG_MIN, 1, 0)};
static const cleave_config_decl d_no_help[] = {
    DECL(CLEAVE_CFG_BOOL, "fast", NULL, "no", 0, 0, 0)};
static const cleave_config_decl d_dup[] = {
    DECL(CLEAVE_CFG_BOOL, "fast", "a", NULL, 0, 0, 0),
    DECL(CLEAVE_CFG_BOOL, "fast", "b", NULL, 0, 0, 0)};
static const cleave_config_decl d_bad_type[] = {DECL(9, "fast", "a", NULL, 0, 0, 0)};
static const cleave_config_decl d_bad_key[] = {
    DECL(CLEAVE_CFG_BOOL, "Fast-Mode", "a", NULL, 0, 0, 0)};

#define N(a) (uint32_t)(sizeof a / sizeof a[0])
#define DESC(name, size, crit, n)                                            \
  {CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, size, name, "1.0", "a broken plugin", \
   NULL, NULL, NULL, NULL, NULL, crit, n, NULL, 0}
#define DESC_CFG(decls)                                                      \
  {CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "bad_desc", "1.0", \
   "a broken plugin", NULL, NULL, NULL, NULL, NULL, c_dup + 1, 1, decls, N(decls)}
#define FULL sizeof(cleave_plugin)

typedef struct variant {
  const char *name;
  cleave_plugin desc;
} variant;

static const variant variants[] = {
    {"no_eval", DESC("bad_desc", FULL, c_no_eval, N(c_no_eval))},
    {"bad_name", DESC("Bad-Name", FULL, c_no_eval, N(c_no_eval))},
    {"keyword_name", DESC("while", FULL, c_no_eval, N(c_no_eval))},
    {"no_name", DESC(NULL, FULL, c_no_eval, N(c_no_eval))},
    {"small_struct", DESC("bad_desc", 16, c_no_eval, N(c_no_eval))},
    {"null_criteria", DESC("bad_desc", FULL, NULL, 2)},
    {"crit_bad_name", DESC("bad_desc", FULL, c_bad_name, N(c_bad_name))},
    {"crit_no_name", DESC("bad_desc", FULL, c_no_name, N(c_no_name))},
    {"crit_keyword", DESC("bad_desc", FULL, c_keyword, N(c_keyword))},
    {"crit_dup", DESC("bad_desc", FULL, c_dup, N(c_dup))},
    {"bad_result", DESC("bad_desc", FULL, c_bad_result, N(c_bad_result))},
    {"bad_kind", DESC("bad_desc", FULL, c_bad_kind, N(c_bad_kind))},
    {"const_bool", DESC("bad_desc", FULL, c_const_bool, N(c_const_bool))},
    {"value_list", DESC("bad_desc", FULL, c_value_list, N(c_value_list))},
    {"no_arg_name", DESC("bad_desc", FULL, c_no_arg_name, N(c_no_arg_name))},
    {"optional_gap", DESC("bad_desc", FULL, c_optional_gap, N(c_optional_gap))},
    {"args_null", DESC("bad_desc", FULL, c_args_null, N(c_args_null))},
    {"too_many_args", DESC("bad_desc", FULL, c_too_many, N(c_too_many))},
    {"no_help", DESC("bad_desc", FULL, c_no_help, N(c_no_help))},
    {"neg_cost", DESC("bad_desc", FULL, c_neg_cost, N(c_neg_cost))},
    {"reserved_text", DESC("text", FULL, c_dup + 1, 1)},
    {"reserved_micro", DESC("micro", FULL, c_dup + 1, 1)},
    {"reserved_print", DESC("print", FULL, c_dup + 1, 1)},
    {"crit_size0", DESC("bad_desc", FULL, c_size0, N(c_size0))},
    {"crit_size_mixed", DESC("bad_desc", FULL, c_size_mixed, N(c_size_mixed))},
    {"arg_size0", DESC("bad_desc", FULL, c_arg_size0, N(c_arg_size0))},
    {"decl_bad_default", DESC_CFG(d_bad_default)},
    {"decl_default_range", DESC_CFG(d_default_range)},
    {"decl_no_help", DESC_CFG(d_no_help)},
    {"decl_dup", DESC_CFG(d_dup)},
    {"decl_bad_type", DESC_CFG(d_bad_type)},
    {"decl_bad_key", DESC_CFG(d_bad_key)},
};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) {
  const char *want = getenv("CLEAVE_TEST_BAD_DESC");
  if (!want) return &variants[0].desc;
  if (strcmp(want, "null_desc") == 0) return NULL;
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
    if (strcmp(variants[i].name, want) == 0) return &variants[i].desc;
  return &variants[0].desc;
}
