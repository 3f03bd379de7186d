/* SPDX-License-Identifier: MIT */
/*
** main.c -- cleave: a segmentation rule engine. Dispatches the command.
*/
#include <string.h>

#include "check.h"
#include "cmd_merge.h"
#include "cleanup.h"
#include "cli.h"
#include "cmd_plugins.h"
#include "cmd_stats.h"
#include "explain.h"
#include "ruletest.h"
#include "run.h"

int main(int argc, char **argv) {
  cli_opts o;
  int rc = cli_parse(argc, argv, &o);
  if (rc >= 0) return rc;
  cleanup_install();
  if (strcmp(o.command, "run") == 0) return cmd_run(&o);
  if (strcmp(o.command, "explain") == 0) return cmd_explain(&o);
  if (strcmp(o.command, "check") == 0) return cmd_check(&o);
  if (strcmp(o.command, "test") == 0) return cmd_test(&o);
  if (strcmp(o.command, "merge") == 0) return cmd_merge(&o);
  if (strcmp(o.command, "stats") == 0) return cmd_stats(&o);
  if (strcmp(o.command, "plugins") == 0) return cmd_plugins(&o);
  return 2;
}
