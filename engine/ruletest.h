/*
** ruletest.h -- `cleave test`: rule unit tests written in Lua beside the rules.
*/
#ifndef CLEAVE_RULETEST_H
#define CLEAVE_RULETEST_H

#include "session.h"

/* Returns the exit code (0 all passed, 1 some failed). Output is TAP. */
int cmd_test(const cli_opts *o);

#endif
