/* SPDX-License-Identifier: MIT */
/*
** messages.h -- every message the rule language gives a marketer, in one
** place so the wording stays consistent.
**
** Who prints them: dsl_error() (dsl_core.c) prefixes "file:line: " and,
** inside a definition, "in micro segment 'x': " / "in macro split 'x': ",
** so the rule-language messages never name the file or line themselves.
** The formats of rules.c and sandbox.c (last two groups) are printed
** without that prefix and carry their own "%s:%u: " / "%s: ".
**
** House style, for new messages too:
**   * Say what is wrong, then what to write instead, last:
**       "<what> must be <kind>, not <what it is>; write it like <example>"
**   * Verbs: "X must be Y, not Z" for an argument of the wrong kind,
**     "X needs Y" for something missing, "X() works on Y; Z is not one"
**     for a method on the wrong kind of field, "is not defined" for names.
**   * Names the user chose go in single quotes ('age', 'apac'); texts as
**     written in the rule file go in double quotes ("my seg").
**   * Methods and functions are written with (), combinators that take a
**     list with {}: below(), one_of(), NOT(), all{}, score{}.
**   * Suggestions: " (did you mean 'x'?)" via MSG_DID_YOU_MEAN.
**
** They are macros, not variables, so that -Wformat checks each one against
** its arguments at every call (dsl_error, cl_fail, log_msg and buf_printf
** have printf format attributes). Formats marked "lua_pushfstring" go to
** Lua's formatter, which knows only %s %d %I %f %p %c %U and %%: keep them
** to those.
*/
#ifndef CLEAVE_MESSAGES_H
#define CLEAVE_MESSAGES_H

/* --- where: the prefixes of every rule error ----------------------------------- */

/* dsl_error(): file, line, [scope,] message; lua_pushfstring */
#define MSG_AT "%s:%d: %s"
#define MSG_AT_IN "%s:%d: in %s: %s"
/* the same as MSG_AT for printf-style callers (unsigned line) */
#define MSG_AT_U "%s:%u: %s"
/* the scope of a definition: kind, name ("micro segment 'vip'") */
#define MSG_SCOPE "%s '%s'"
#define MSG_SCOPE_MACRO "macro split"
#define MSG_SCOPE_MICRO "micro segment"

/* --- shared pieces ------------------------------------------------------------ */

/* " (did you mean 'x'?)" or nothing: use as
**   dsl_error(L, "... '%s'" MSG_DID_YOU_MEAN, name, MSG_DID_YOU_MEAN_ARGS(hint)) */
#define MSG_DID_YOU_MEAN "%s%s%s"
#define MSG_DID_YOU_MEAN_ARGS(hint) \
  (hint) ? " (did you mean '" : "", (hint) ? (hint) : "", (hint) ? "'?)" : ""

/* Examples of a constant of each type, for "like ..." endings. */
#define MSG_EXAMPLE_NUMBER "30"
#define MSG_EXAMPLE_TEXT "\"GB\""
#define MSG_EXAMPLE_DATE "\"2026-01-31\""

/* What to write for a value of each type (endings of MSG_VALUE_WRONG_TYPE). */
#define MSG_WRITE_NUMBER "; give a number field or a number without quotes, like 30"
#define MSG_WRITE_TEXT "; give a text field or a text in quotes, like \"GB\""
#define MSG_WRITE_DATE "; give a date field or a date in quotes, like \"2026-01-31\""
#define MSG_WRITE_TAGS "; give a field declared with tags \"column\""
#define MSG_WRITE_CONDITION "; write a test on a field, like age:below(30) or country:is \"GB\""

/* The methods each kind of value takes (endings of "works on" and "has no
** method" messages). MSG_METHODS_FOR(type) needs graph.h's VT_* names. */
#define MSG_METHODS_NUMBER \
  "a number takes :below, :at_most, :above, :at_least, :between, :is, :is_not, :one_of, " \
  ":none_of, :top_percent, :bottom_percent, :quantile_at_least or :quantile_below"
#define MSG_METHODS_DATE \
  "a date takes :before, :after, :between, :is, :is_not, :one_of or :none_of"
#define MSG_METHODS_TEXT "a text takes :is, :is_not, :one_of, :none_of or :starts_with"
#define MSG_METHODS_TAGS "a tag list takes :has, :has_any or :has_all"
#define MSG_METHODS_ENUM "a macro split takes :is, :is_not, :one_of or :none_of"
#define MSG_METHODS_CONDITION \
  "a condition has no methods; combine conditions with all{...}, any{...}, NOT(...), & or |"
#define MSG_METHODS_FOR(type)                                                   \
  ((type) == VT_NUMBER ? MSG_METHODS_NUMBER                                     \
   : (type) == VT_DATE ? MSG_METHODS_DATE                                       \
   : (type) == VT_TEXT ? MSG_METHODS_TEXT                                       \
   : (type) == VT_TAGS ? MSG_METHODS_TAGS                                       \
   : (type) == VT_ENUM ? MSG_METHODS_ENUM                                       \
   : (type) == VT_BOOL ? MSG_METHODS_CONDITION                                  \
                       : "see the methods in docs/rules.md, section 5")

/* --- how values are named in messages (dsl_describe) ------------------------ */
/* The "%s" of "not %s" / "%s is not one" in the messages below. */

#define MSG_DESC_CONDITION "a condition"
#define MSG_DESC_NUMBER "a number"
#define MSG_DESC_TEXT "a text"
#define MSG_DESC_DATE "a date"
#define MSG_DESC_TAGS "a tag list"
#define MSG_DESC_VALUE "a value"
#define MSG_DESC_CONDITION_AT "a condition (line %d)"     /* lua_pushfstring */
#define MSG_DESC_MACRO "macro split '%s'"                /* lua_pushfstring */
#define MSG_DESC_NODE "%s ('%s')"                         /* kind, rendering; lua_pushfstring */
#define MSG_DESC_LUA_NUMBER "the number %s"               /* lua_pushfstring */
#define MSG_DESC_LUA_TEXT "the text \"%s\""               /* lua_pushfstring */
#define MSG_DESC_TABLE "a table { ... }"
#define MSG_DESC_FUNCTION "a function (a name without its (...)?)"

/* --- declarations: number "age", text, date, tags ---------------------------- */

/* function, then an example: variable, function, column */
#define MSG_DECL_NO_COLUMN "%s needs a column name in quotes, like local %s = %s \"%s\""
#define MSG_DECL_TAGS_SEPARATOR \
  "tags(): the separator must be one character, not %s; write it like tags(\"sizes\", \"|\")"

/* --- conversions: an argument of the wrong kind ------------------------------ */

/* what, type name ("number"), what it is, MSG_WRITE_* */
#define MSG_VALUE_WRONG_TYPE "%s must be a %s, not %s%s"
#define MSG_NOT_A_DATE "%s \"%s\" is not a date; write dates as \"YYYY-MM-DD\", like \"2026-01-31\""
/* what, what it is, MSG_WRITE_CONDITION or "" (booleans and nil carry their own hint) */
#define MSG_NOT_A_CONDITION "%s must be a condition, not %s%s"
#define MSG_NODE_NOT_A_CONDITION \
  "%s must be a condition, but is %s; compare it, e.g. with :is(...), :at_least(...) or :has(...)"
/* The "what" of item i of a list: "all{}, item 2," */
#define MSG_WHAT_ITEM "%s, item %d,"

/* --- comparisons: below, at_most, above, at_least, is, is_not, before, after,
**     between ------------------------------------------------------------------- */

#define MSG_NOT_CALLED_WITH_COLON \
  "%s() must be called with ':' on a field, not on %s; write it like age:%s(...)"
/* method, what it works on, what it was called on, MSG_METHODS_FOR(its type) */
#define MSG_METHOD_WRONG_TYPE "%s() works on %s; %s is not one: %s"
/* what methods work on, for MSG_METHOD_WRONG_TYPE */
#define MSG_ON_ORDERED "numbers and dates"
#define MSG_ON_EQUALITY "numbers, dates, texts and macro splits"
#define MSG_ON_DATES "dates"
#define MSG_ON_SETS "texts, numbers, dates and macro splits"
#define MSG_ON_TEXTS "texts"
#define MSG_ON_TAGS "tag lists (declared with tags \"column\")"
#define MSG_COMPARE_NO_VALUE "%s() needs a value to compare with, like :%s(%s)"
/* The "what" of the value a comparison compares with: "is(): the value" */
#define MSG_WHAT_COMPARE_VALUE "%s(): the value"
#define MSG_BOUND_NOT_DATE                                                       \
  "%s(): bounds of a date range are dates like \"2026-01-31\", not %s; write it like " \
  "signup:between(\"2026-01-01\", \"2026-03-31\")"
#define MSG_BOUND_NOT_NUMBER \
  "%s(): bounds must be numbers, not %s; write it like age:between(18, 30)"
#define MSG_BOUNDS_REVERSED \
  "between(): the low bound is above the high bound (%s > %s); write the lower bound first"

/* --- sets and tags: one_of, none_of, starts_with, has, has_any, has_all ------ */

#define MSG_LIST_EMPTY "%s(): the list is empty; give at least one value"
#define MSG_LIST_NOT_TEXTS "%s() needs a list of texts, not %s; write it like {\"a\", \"b\"}"
#define MSG_LIST_ITEM_NOT_TEXT "%s(): item %d is %s, not a text; write texts in quotes, like \"GB\""
/* method, what it was given, MSG_EXAMPLE_*_LIST */
#define MSG_SET_NOT_A_LIST "%s() needs a list, not %s; write it like %s"
#define MSG_EXAMPLE_NUMBER_LIST "{1, 2}"
#define MSG_EXAMPLE_DATE_LIST "{\"2026-01-01\", \"2026-01-31\"}"
#define MSG_SET_ITEM_NOT_NUMBER \
  "%s(): item %d (%s) is not a number; write numbers like 30 or 2.5, without units"
#define MSG_SET_ITEM_NOT_DATE "%s(): item %d (%s) is not a date like \"2026-01-31\""
/* method, item number, the field */
#define MSG_SET_ITEM_FIELD \
  "%s(): item %d is the field %s; a list holds fixed values (to compare two fields, use :is(field))"
/* what (e.g. "below()") */
/* --- population thresholds: top_percent, bottom_percent, quantile_at_least,
** quantile_below (dsl_quantile.c) --------------------------------------- */
/* method, what it was called on, method */
#define MSG_QUANTILE_FIELD \
  "%s works on a number column declared with number \"column\" (its quantiles come from " \
  "cleave stats), not on %s; write e.g. spend:%s(10)"
/* method, what was given, low, high, example */
#define MSG_QUANTILE_ARG "%s needs a number above %g and below %g, not %s; write e.g. %s"

#define MSG_NOT_FINITE "%s: the number is not finite (0/0 or 1/0?); write a plain number like 30"
#define MSG_TAG_NOT_ONE \
  "%s() needs one tag in quotes, like interests:%s \"tech\" (for several, use has_any or has_all)"
#define MSG_MISSING_NEEDS_FIELD "%s() needs a field or value, not %s; write it like %s(age)"

/* --- macro split values in comparisons: market:is "apac" -------------------- */

/* macro, value, did-you-mean, its values */
#define MSG_ENUM_NO_VALUE "macro split '%s' has no value '%s'" MSG_DID_YOU_MEAN " (its values: %s)"
/* method, macro, what it was given, its values */
#define MSG_ENUM_ARG \
  "%s() needs a value name of macro split '%s' in quotes, or a list of them, not %s; its " \
  "values: %s"
#define MSG_ENUM_ITEM \
  "%s(): item %d is %s, not a value name; write value names in quotes, like \"%s\""
#define MSG_ENUM_TOO_MANY "macro split '%s' has more than 64 values; merge some of them"

/* --- arithmetic: + - * / on numbers ----------------------------------------- */

#define MSG_ARITH_NOT_NUMBER \
  "%s works on numbers; %s is not a number: use number fields and numbers on both sides " \
  "(to add up conditions, use score{...})"

/* --- combinators: all, any, none, NOT, at_least, score, & | ~ ---------------- */

#define MSG_TOO_MANY_CONDITIONS "%s: too many conditions (%d; at most 100000); split the list"
#define MSG_COMBINE_UNKNOWN_KEY \
  "%s: unknown entry '%s'; write conditions as a list, like {a, b}"
#define MSG_EMPTY_ANY "an empty any{} can never hold; list at least one condition in it"
#define MSG_EMPTY_NONE \
  "none{} is empty; list at least one condition in it (an empty none{} would hold for everyone)"
#define MSG_NOT_ONE_ARG \
  "NOT() takes one condition, not %d; to negate several, write none{a, b} or NOT(all{a, b})"
#define MSG_WHAT_NOT_ARG "NOT()'s argument"
#define MSG_AT_LEAST_USAGE \
  "at_least() needs a count and a list of conditions, like at_least(2, {a, b, c})"
#define MSG_AT_LEAST_COUNT "at_least(%d, ...) of %d conditions: the count must be from 1 to %d"
#define MSG_WHAT_AT_LEAST "at_least()"
#define MSG_SCORE_USAGE \
  "score{} needs a list of {condition, points} pairs, like score{ {a, 2}, {b, 1} }"
#define MSG_SCORE_EMPTY "score{}: the list is empty; give at least one {condition, points} pair"
#define MSG_SCORE_PAIR \
  "score{}: item %d must be a pair {condition, points}, like {age:below(30), 2}"
#define MSG_WHAT_SCORE "score{}"
#define MSG_SCORE_POINTS \
  "score{}: item %d: the points must be a number, not %s; write them without quotes, like {a, 2}"
#define MSG_WHAT_AND "the left or right side of &"
#define MSG_WHAT_OR "the left or right side of |"
#define MSG_WHAT_ALL "all{}"
#define MSG_WHAT_ANY "any{}"
#define MSG_WHAT_NONE "none{}"

/* --- names and definitions (macro splits and micro segments alike) ---------- */

#define MSG_NAME_MISSING "%s needs a name in quotes, like %s"
#define MSG_NAME_TOO_LONG \
  "%s name \"%.40s...\" is longer than 128 characters; give it a shorter name"
#define MSG_NAME_CHARS \
  "%s name \"%s\" may hold only letters, digits, _ - and . (no spaces); write it like \"%s\""
#define MSG_NAME_EMPTY \
  "%s name \"\" may hold only letters, digits, _ - and . (no spaces); give it a name"
#define MSG_NAME_TAKEN_MACRO \
  "the name '%s' is already used by the macro split at line %u; give this one another name"
#define MSG_NAME_TAKEN_MICRO \
  "the name '%s' is already used by the micro segment at line %u; give this one another name"
/* scope ("micro segment 'a'"), MSG_EXAMPLE_MICRO_BODY or _MACRO_BODY; the
** caller adds "file:line: " */
#define MSG_NO_BODY "%s has no { ... } with its conditions; write them right after the name, like %s"
#define MSG_EXAMPLE_MICRO_BODY "micro \"name\" { age:below(30) }"
#define MSG_EXAMPLE_MACRO_BODY \
  "macro \"name\" { {\"value\", condition}, otherwise = \"value\" }"
/* the entry, where, then a did-you-mean or MSG_UNKNOWN_KEY_ONLY */
#define MSG_UNKNOWN_KEY "unknown entry '%s' in %s" MSG_DID_YOU_MEAN "%s%s"
#define MSG_UNKNOWN_KEY_ONLY "; its named entries are "
/* may_be_empty = ... in a macro split / micro segment */
#define MSG_MAY_BE_EMPTY_LIST \
  "may_be_empty must be a value name in quotes or a list of them, like { \"unknown\" }, not %s"
#define MSG_MAY_BE_EMPTY_UNKNOWN "may_be_empty: '%s' is not a value of macro split '%s'" \
  MSG_DID_YOU_MEAN
#define MSG_MAY_BE_EMPTY_BOOL "may_be_empty must be true or false, not %s"
/* examples for MSG_NAME_MISSING */
#define MSG_EXAMPLE_MICRO "micro \"vip\" { ... }"
#define MSG_EXAMPLE_MACRO "macro \"tier\" { ... }"
#define MSG_EXAMPLE_CASE "{ \"gold\", spend:at_least(2000) }"
#define MSG_EXAMPLE_OTHERWISE "otherwise = \"other\""

/* --- macro splits: macro "name" { {"value", condition}, otherwise = "value" } */

#define MSG_WHERE_MACRO "a macro split (cases are {\"value\", condition})"
#define MSG_WHAT_MACRO "macro"
#define MSG_WHAT_CASE_VALUE "a case's value"
#define MSG_WHAT_OTHERWISE "otherwise"
#define MSG_WHAT_CASE "case %d"
#define MSG_MACRO_NO_TABLE \
  "macro \"%s\" needs its cases in { ... }, not %s; write it as macro \"%s\" " \
  "{ {\"value\", condition}, ..., otherwise = \"value\" }"
#define MSG_MACRO_NO_OTHERWISE \
  "no otherwise = \"value\": every customer needs a value when no case holds; " \
  "add one after the cases, like otherwise = \"other\""
#define MSG_MACRO_CASE \
  "case %d must be {\"value\", condition, ...}, like { \"gold\", spend:at_least(2000) }"
#define MSG_MACRO_TOO_MANY_VALUES \
  "more than 64 different values (a macro split has at most 64); merge some of them"

/* --- micro segments: micro "name" { within = ..., condition, ... } ----------- */

#define MSG_WHERE_MICRO "a micro segment"
#define MSG_WHAT_MICRO "micro"
#define MSG_WHAT_WITHIN "within"
#define MSG_WHAT_MICRO_BODY "the segment's conditions"
#define MSG_MICRO_NO_TABLE \
  "micro \"%s\" needs its conditions in { ... }, not %s; write it as micro \"%s\" " \
  "{ condition, ... }"
#define MSG_MICRO_EMPTY "no conditions; say who belongs, like micro \"%s\" { age:below(30) }"

/* --- plugins: dates.days_since(...) ------------------------------------------ */

/* "dates.days_since(): since" names an argument in MSG_VALUE_WRONG_TYPE */
#define MSG_WHAT_PLUGIN_ARG "%s(): %s"
#define MSG_PLUGIN_ARG_NUMBER \
  "%s(): %s must be a number, not %s; write it without quotes, like 30"
#define MSG_PLUGIN_ARG_TEXT "%s(): %s must be a text in quotes, not %s"
#define MSG_PLUGIN_ARG_LIST \
  "%s(): %s must be a list of texts, not %s; write it like {\"a\", \"b\"}"
#define MSG_PLUGIN_ARG_LIST_EMPTY \
  "%s(): %s: the list is empty; give at least one text, like {\"a\"}"
#define MSG_PLUGIN_ARG_LIST_ITEM \
  "%s(): %s: item %d is not a text; write every item in quotes, like \"a\""
#define MSG_PLUGIN_ARG_BAD_TYPE \
  "%s(): argument %s has a type a constant cannot have; this is a bug in the plugin: " \
  "tell its author"
/* name, "at least "/"up to "/"", count, "s" or "", the argument names, the count given */
#define MSG_PLUGIN_ARG_COUNT "%s() takes %s%u argument%s (%s), not %d"
#define MSG_PLUGIN_ARG_MISSING "%s(): %s is missing; give it a value"
#define MSG_PLUGIN_REFUSED "%s(): %s"
#define MSG_PLUGIN_REFUSED_NO_REASON "refused by the plugin (it gave no reason)"
/* plugin.criterion, plugin, " (did you mean 'x.y'?)" or "", plugin, its criteria */
#define MSG_PLUGIN_NO_CRITERION "%s is not a criterion of plugin %s%s; %s has: %s"

/* --- lists and buckets: list "lists/x.txt", bucket(id) ---------------------- */

#define MSG_LIST_NO_FILE "list needs a file name in quotes, like list \"lists/zones.txt\""
#define MSG_LIST_OUTSIDE \
  "list \"%s\": name a file inside the rule file's folder (no absolute paths, no ..)"
#define MSG_LIST_UNREADABLE \
  "list \"%s\": cannot read %s: %s; the name is relative to the rule file's folder"
#define MSG_LIST_FILE_EMPTY \
  "list \"%s\" is empty; put one item per line in it (lines starting with # are comments)"
#define MSG_BUCKET_NOT_TEXT \
  "bucket() needs a text field, not %s; write it like bucket(text \"customer_id\")"
#define MSG_BUCKET_SALT \
  "bucket(): the second argument (the salt) must be a text, not %s; write it like " \
  "bucket(id, \"2026q4\")"

/* --- Lua pitfalls: Lua operators and values that are not rules -------------- */

#define MSG_DESC_FALSE \
  "false (a Lua boolean: did you write == or `not`? use :is() or NOT())"
#define MSG_DESC_TRUE "true (a Lua boolean: did you write ~=? use :is_not() or NOT())"
#define MSG_DESC_NIL "nothing (nil: a misspelt name, or a missing argument?)"
#define MSG_LUA_EQ \
  "== cannot compare conditions or fields; use :is(value) (and :is_not(value) or NOT(...) " \
  "for ~=)"
#define MSG_LUA_LT \
  "< and <= cannot compare fields in rule files; use :below(x), :at_most(x), :above(x) or " \
  ":at_least(x)"
#define MSG_LUA_SET_FIELD \
  "fields and conditions cannot be changed (tried to set '%s'); keep a new value in a new " \
  "local instead: local name = ..."
#define MSG_LUA_CONCAT \
  "cannot join %s with ..: fields and conditions are not texts; join only texts in quotes"
/* what it is, method name, then a did-you-mean or "; " MSG_METHODS_FOR(type) */
#define MSG_NO_METHOD "%s has no method '%s'" MSG_DID_YOU_MEAN "%s%s"
#define MSG_UNDEFINED_HINT "'%s' is not defined (did you mean '%s'?)"
#define MSG_UNDEFINED "'%s' is not defined (declare fields with number/text/date/tags)"
/* a plugin's name (plugin_hint.h) used while the plugin is not loaded */
#define MSG_PLUGIN_NO_DIR                                                                  \
  "'%s' is a plugin, but no plugin folder is configured: pass --plugins DIR or set "       \
  "plugins = DIR in [engine] of engine.ini, DIR being the folder that holds %s.so "        \
  "(build/plugins in a source tree)"
#define MSG_PLUGIN_NOT_IN_DIR                                                              \
  "'%s' is a plugin, but the plugin folder %s has no %s.so: pass --plugins DIR or set "    \
  "plugins = DIR in [engine] of engine.ini to the folder that holds it"

/* --- loading a rule file (rules.c) ------------------------------------------- */

/* a warning: file, line */
#define MSG_UNUSED_CONDITION \
  "%s:%u: this condition is not used by any segment (to combine conditions use all{...}, " \
  "any{...}, & or |, not Lua's and/or)"
#define MSG_NO_SEGMENTS \
  "%s: defines no macro split and no micro segment; add at least one (see docs/rules.md " \
  "for a first rule file)"
/* file, line, column, input file, did-you-mean */
#define MSG_UNKNOWN_COLUMN "%s:%u: column '%s' is not in the header of %s" MSG_DID_YOU_MEAN

/* --- the sandbox (sandbox.c) -------------------------------------------------- */

/* where ("file:line: "), the limit; lua_pushfstring */
#define MSG_INSTRUCTION_CAP \
  "%sstopped after %I Lua instructions: does the rule file loop forever? (limit: " \
  "lua_instructions in engine.ini)"
#define MSG_MEMORY_CAP \
  "%s: rule file used more than %zu MB of memory (limit: lua_memory_mb in engine.ini)"
#define MSG_NO_PATTERNS \
  "string patterns (match, gmatch, gsub) are not available in rule files; use string.find " \
  "for plain text"
#define MSG_BINARY_CHUNK \
  "%s: is a compiled Lua chunk; rule files must be text: give cleave the .lua source"
#define MSG_RULE_FILE_UNREADABLE "cannot read rule file %s: %s"
#define MSG_RULE_FILE_READ_ERROR "cannot read rule file %s"
#define MSG_RULE_FILE_TOO_BIG \
  "%s: rule file larger than %u MB; move long lists into files read with list \"...\""

/* --- messages and row acceptance --------------------------------------------- */

/* error() raised something that is not a text. where ("file:line: "), the
** Lua type name; lua_pushfstring */
#define MSG_ERROR_NOT_TEXT \
  "%serror() called with a %s value; give error() a text, like error(\"age is missing\")"
/* why row_accept (row_accept.c) rejects a row: fields, "s", header width */
#define MSG_ROW_WIDTH "has %zu field%s, the header has %zu"
/* the id column's name */
#define MSG_ROW_EMPTY_ID "the customer id (column %s) is empty"
/* the CSV scanner (csv_scan.c): a field libcsv could not grow */
#define MSG_ROW_TOO_LARGE "field too large for memory"
/* `cleave explain` of such a row: input, line, run's reason */
#define MSG_EXPLAIN_REJECTED "%s:%llu: this row is rejected by cleave run: %s"
/* the header (input.c): input, line, the scanner's reason */
#define MSG_HEADER_UNREADABLE "%s:%llu: cannot read the header row: %s"
/* input, line */
#define MSG_HEADER_DOUBLE_BOM \
  "%s:%llu: the header starts with a byte-order mark twice (an invisible character, " \
  "U+FEFF, before the first column's name); save the file with one byte-order mark, or none"

/* --- rule-file limits --- */

/* the cap (engine/rule_limits.h; docs/rules.md "Rule-file limits") */
#define MSG_LIMIT_DEPTH \
  "conditions or calculations nested more than %d deep (each all/any/NOT/at_least/score " \
  "and each + - * / adds a level); build long chains as a list: all{...}, any{...}, or " \
  "sum in halves"
#define MSG_LIMIT_NODES \
  "the rule file builds more than %d fields, values and conditions; is a loop building " \
  "conditions no segment uses?"
/* what, count, cap */
#define MSG_LIMIT_KIDS "%s: too many conditions (%d; at most %d); split the list"
#define MSG_LIMIT_MICROS "more than %d micro segments in one rule file"
#define MSG_LIMIT_MACROS "more than %d macro splits in one rule file"
#define MSG_LIMIT_COLUMNS "more than %d declared columns (number, text, date, tags) in one rule file"
/* file, line, MB needed, cap */
#define MSG_LIMIT_EVAL_MEMORY \
  "%s:%u: the segments defined up to here need more than %u MB per worker thread to " \
  "evaluate (limit: %u MB; a 1,024-row column per declared column and per value a " \
  "segment uses); use fewer columns or calculations"
#define MSG_SCORE_NOT_FINITE \
  "score: the points of item %d are not finite (0/0 or 1/0?); write a plain number like 10"

/* --- plugin trust --- */

/* Refusals of a plugin before anything of it is loaded (plugin_trust.c, via
** cl_fail with CL_EXIT_PLUGIN). The first %s is always the plugin file or
** folder as the user gave it. */

/* subject, kind ("plugin folder", "symlink target folder"), folder, who ("group",
** "others", "group and others"), mode, chmod argument, folder */
#define MSG_TRUST_FOLDER_WRITABLE \
  "%s: %s %s is writable by %s (mode %04o), who could make cleave run their code; " \
  "chmod %s %s, or keep the plugins in a folder only root or the user running " \
  "cleave can write"
/* subject, folder, who, mode, chmod argument, folder */
#define MSG_TRUST_PARENT_WRITABLE \
  "%s: %s, a folder on the plugin's path, is writable by %s (mode %04o), who could " \
  "swap the plugin for their own; chmod %s %s (only a sticky folder owned by root, " \
  "like /tmp, may be writable by others)"
/* subject, what ("plugin folder", "folder", "plugin file"), path, owner uid, euid, path */
#define MSG_TRUST_OWNER \
  "%s: %s %s is owned by uid %u, not by root or by the user running cleave (uid %u); " \
  "if you trust it, chown root %s, else remove it"
/* file, who, mode, chmod argument, file */
#define MSG_TRUST_FILE_WRITABLE \
  "%s: the plugin file is writable by %s (mode %04o), who could change the code " \
  "cleave runs; chmod %s %s"
/* file */
#define MSG_TRUST_NOT_REGULAR \
  "%s: not a regular file; a plugin is a .so file (built with `make`)"
/* file, reason */
#define MSG_TRUST_CANNOT_OPEN \
  "%s: cannot load plugin: %s (check the path, and that it was built for this " \
  "machine with `make`)"
/* subject, path, reason */
#define MSG_TRUST_CANNOT_CHECK "%s: cannot check %s: %s"
/* subject, path */
#define MSG_TRUST_CHANGED \
  "%s: %s changed while cleave was checking it (a folder became a symlink?); run " \
  "again, and find out who is changing it"

/* The ELF checks, before dlopen: nothing of the file has run. */
/* file */
#define MSG_ELF_NOT_ELF \
  "%s: not an ELF shared object; a plugin is a .so file built with `make` (nothing in " \
  "it was run)"
/* file, bits of the file, bits of cleave */
#define MSG_ELF_CLASS \
  "%s: a %u-bit ELF file, this cleave is %u-bit; rebuild the plugin on this machine " \
  "with `make` (nothing in it was run)"
/* file */
#define MSG_ELF_BYTE_ORDER \
  "%s: an ELF file of the other byte order; rebuild the plugin on this machine with " \
  "`make` (nothing in it was run)"
/* file, its e_machine, cleave's */
#define MSG_ELF_MACHINE \
  "%s: built for another kind of machine (ELF machine %u, this cleave is %u); rebuild " \
  "the plugin on this machine with `make` (nothing in it was run)"
/* file, what it is ("an executable", "an object file (.o)", ...) */
#define MSG_ELF_NOT_SHARED \
  "%s: %s, not a shared object; link the plugin with -shared (nothing in it was run)"
/* file, what is wrong */
#define MSG_ELF_DAMAGED \
  "%s: damaged or truncated ELF file (%s); rebuild it with `make` (nothing in it was " \
  "run)"
/* file */
#define MSG_ELF_NO_DYNSYM \
  "%s: has no dynamic symbol table in its section headers (stripped with sstrip?); " \
  "strip plugins with `strip` only (nothing in it was run)"
/* file, entry symbol */
#define MSG_ELF_NO_ENTRY \
  "%s: no %s symbol (is it a cleave plugin? export it with CLEAVE_EXPORT and build " \
  "with -fvisibility=hidden; see docs/plugins.md); nothing in it was run"

/* --- files and commits (fsafe.c, commit.c) --- */

/* role, path, role, path */
#define MSG_SAME_FILE \
  "%s (%s) and %s (%s) are the same file; give each its own path (nothing was read or " \
  "written)"
/* path, reason */
#define MSG_LOCK_UNUSABLE "cannot use lock file %s: %s"
/* journal, reason */
#define MSG_JOURNAL_WRITE "cannot write the commit journal %s: %s (no file was replaced)"
/* target, reason, files moved, files staged, journal */
#define MSG_COMMIT_HALF \
  "cannot move %s into place: %s; %zu of the %zu files of this run are in place: the next " \
  "run finishes the commit from %s before it starts"
/* journal, reason */
#define MSG_JOURNAL_IGNORED "ignoring the commit journal %s: %s"
/* journal, temp, target */
#define MSG_JOURNAL_PAIR_REFUSED \
  "commit journal %s: not moving %s to %s (not one of this run's outputs, or not a " \
  "temporary file of cleave's own)"
/* files moved, journal */
#define MSG_JOURNAL_ROLLED \
  "the previous run was stopped while it replaced its files: finished its commit (%zu " \
  "files moved into place, from %s)"
/* journal, temp, target, reason */
#define MSG_JOURNAL_FAILED \
  "cannot finish the commit of an interrupted run from %s: cannot move %s to %s: %s"
/* count */
#define MSG_SWEPT "removed %d temporary files left by runs that were killed"
/* list name, path, reason (fsafe_open_read) */
#define MSG_LIST_REFUSED \
  "list \"%s\": cannot read %s: %s; a list is a regular file inside the rule file's folder"
/* list name, path, line, cap */
#define MSG_LIST_LINE_TOO_LONG \
  "list \"%s\": %s:%d: line longer than %d bytes; put one item per line"
/* list name, cap in MB */
#define MSG_LIST_TOO_BIG "list \"%s\": the file is larger than %u MB"
/* ini path, reason */
#define MSG_INI_UNREADABLE "cannot read %s: %s"

/* --- dialects and encodings --------------------------------------------------- */
/* input, encoding, strerror */
#define MSG_ICONV_OPEN "%s: cannot read it as %s: iconv: %s"
/* input, line, id column, the header's one column, delimiter shown, word, word */
#define MSG_HEADER_ONE_COLUMN \
  "%s:%llu: no column '%s' for the customer id: the header has one column '%s'; the file " \
  "seems to use %s as its delimiter: pass --delimiter %s (or auto), or set delimiter = %s " \
  "in [input] of engine.ini"
/* input, line, id column, header name, "spaces", "case" or "spaces and case" */
#define MSG_ID_LOOSE \
  "%s:%llu: no column '%s' for the customer id, but the header has '%s' (it differs by %s); " \
  "fix the header, or pass --id-column with the name as the header writes it"
/* rules, line, column, input, header name, how it differs */
#define MSG_COLUMN_LOOSE \
  "%s:%u: column '%s' is not in the header of %s, but the header has '%s' (it differs by " \
  "%s); fix the header, or declare the column as the header writes it"
/* input, line, count, "s"/"", column, "is"/"are" */
#define MSG_INVALID_UTF8 \
  "%s:%llu: %llu value%s of column '%s' %s not valid UTF-8 (the first is on this line); " \
  "rules see the bytes as they are (a rule's text never matches them) and every output " \
  "shows each such byte as U+FFFD; if the file is not UTF-8, pass --encoding latin-1 or " \
  "cp1252 (or set encoding in [input])"
/* input, delimiter word */
#define MSG_DELIMITER_SNIFFED "%s: delimiter = auto: the header line uses %s"

#endif
