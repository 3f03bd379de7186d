/* SPDX-License-Identifier: MIT */
/*
** stats_pass.h -- one pass over a session's input that fills a stats set:
** the input opened, its header checked and the rules' columns bound exactly
** as `cleave run` does (bind_input: dialect, encoding, decimal comma, header
** settings), and only the rows run takes (row_accept.h) counted.
*/
#ifndef CLEAVE_STATS_PASS_H
#define CLEAVE_STATS_PASS_H

#include "error.h"
#include "session.h"
#include "stats.h"

/* st's columns (already added) must each be a number column of s->g (a
** slot of type number); s->cfg.input is read to its end. */
int stats_pass(session *s, stats_set *st, cl_error *err);

#endif
