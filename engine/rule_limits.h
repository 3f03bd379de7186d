/* SPDX-License-Identifier: MIT */
/*
** rule_limits.h -- what one rule file may build, checked while it loads.
**
** Lua's own costs are capped by the sandbox (lua_memory_mb,
** lua_instructions); these caps bound what the compiled graph costs in C,
** so that no rule file can make an evaluator overflow its stack, make a
** counter wrap, or make `cleave run` use unbounded memory. Every cap is
** checked when the thing is built and refused with "file:line: ..." and
** exit 4. docs/rules.md ("Rule-file limits") documents them for users.
*/
#ifndef CLEAVE_RULE_LIMITS_H
#define CLEAVE_RULE_LIMITS_H

/* Nesting: a node's depth is 1 + the deepest of its operands (a field or a
** constant is 1). Every evaluator, explain, check and render walk the graph
** recursively, so this bounds their stack: a few hundred bytes per level. */
#define LIMIT_DEPTH 200

/* Nodes in the graph: every field, constant, calculation and condition
** (a Lua local used twice is one node). About 200 bytes each in the
** graph, plus the per-worker cost below. */
#define LIMIT_NODES 250000

/* Operands of one all/any/none/at_least/score. The counters of at_least
** (uint32_t) cannot wrap below this. */
#define LIMIT_KIDS 100000

/* Segments and declared columns. */
#define LIMIT_MICROS 100000
#define LIMIT_MACROS 1000
#define LIMIT_COLUMNS 10000

/* Memory the batch evaluator of one worker thread needs for the graph:
** a 1,024-row column for each declared column and each value that a
** segment uses, a 1,024-bit result for each condition a segment uses, one
** per micro segment. Values and conditions no segment uses cost nothing. */
#define LIMIT_EVAL_MB 128

#endif
