/*
** ruletest.c -- TEMPORARY: replaced in this session by the real `cleave test`.
*/
#include <stdio.h>

#include "ruletest.h"

int cmd_test(const cli_opts *o) {
  (void)o;
  fprintf(stderr, "cleave: test is not built yet\n");
  return CL_EXIT_INTERNAL;
}
