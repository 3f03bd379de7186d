/* SPDX-License-Identifier: MIT */
/*
** explain.h -- why a customer got its macro values and micro segments: every
** condition as a tree, with the value each test saw and whether it held.
*/
#ifndef CLEAVE_EXPLAIN_H
#define CLEAVE_EXPLAIN_H

#include <stdint.h>

#include "buf.h"
#include "eval.h"
#include "session.h"

/* What explain_record shows. Every split's value is always on its first
** line, and the "micro segments:" line lists every segment the record has. */
typedef struct explain_focus {
  const uint8_t *macros; /* macros[m]: split m's cases too (NULL: every split's) */
  const uint8_t *micros; /* micros[k]: segment k's tree (NULL: every segment's) */
} explain_focus;

/* The tree for the record already begun on ec (eval_begin); fo NULL: all of
** it (cleave explain), else only what fo asks for (cleave test's failures). */
void explain_record(eval_ctx *ec, const explain_focus *fo, buf *out);

/* `cleave explain ID` / `cleave explain --row N`; returns the exit code: 0,
** 1 when no row matches or when cleave run would reject the row (the
** message on stdout then gives run's reason, with the row's line), or the
** code of a load error (2 usage, 3 engine.ini, 4 rules, 5 input, 7 plugin). */
int cmd_explain(const cli_opts *o);

#endif
