/*
** explain.h -- why a customer got its macro values and micro segments: every
** condition as a tree, with the value each test saw and whether it held.
*/
#ifndef CLEAVE_EXPLAIN_H
#define CLEAVE_EXPLAIN_H

#include "buf.h"
#include "eval.h"
#include "session.h"

/* The record must already be begun on ec (eval_begin). */
void explain_record(eval_ctx *ec, buf *out);

/* `cleave explain ID` / `cleave explain --row N`; returns the exit code. */
int cmd_explain(const cli_opts *o);

#endif
