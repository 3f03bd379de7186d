/*
** check.c -- TEMPORARY: replaced in this session by the real `cleave check`.
*/
#include <stdio.h>

#include "check.h"

int cmd_check(const cli_opts *o) {
  (void)o;
  fprintf(stderr, "cleave: check is not built yet\n");
  return CL_EXIT_INTERNAL;
}
