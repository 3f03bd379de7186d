/* SPDX-License-Identifier: MIT */
/*
** cli.h -- the command line: `cleave <command> [options]`.
*/
#ifndef CLEAVE_CLI_H
#define CLEAVE_CLI_H

#include "session.h"

/* Parse argv into o. Returns -1 when the program should continue, else an
** exit code (0 after --help/--version, CL_EXIT_USAGE on a bad command line,
** with a message on stderr). */
int cli_parse(int argc, char **argv, cli_opts *o);

#endif
