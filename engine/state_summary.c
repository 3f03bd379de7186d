/* SPDX-License-Identifier: MIT */
/*
** state_summary.c -- summary.json's "delta" member (docs/state.md).
*/
#include <string.h>

#include "state.h"
#include "utf8.h"

static void counts(buf *b, const state_key_delta *k, int baseline) {
  if (baseline) {
    buf_printf(b, "{\"members\": %llu}", (unsigned long long)k->members);
    return;
  }
  buf_printf(b, "{\"entered\": %llu, \"exited\": %llu, \"stayed\": %llu, \"previous\": %llu, "
             "\"members\": %llu, \"new\": %s, \"removed\": %s}",
             (unsigned long long)k->entered, (unsigned long long)k->exited,
             (unsigned long long)k->stayed, (unsigned long long)k->previous,
             (unsigned long long)k->members, k->is_new ? "true" : "false",
             k->removed ? "true" : "false");
}

static void section(buf *b, const state_delta *d, int kind, const char *name) {
  buf_printf(b, "    \"%s\": {", name);
  int any = 0;
  for (size_t i = 0; i < d->nkeys; i++) {
    const state_key_delta *k = &d->keys[i];
    if (k->kind != kind) continue;
    buf_puts(b, any++ ? ",\n      " : "\n      ");
    utf8_json_str(b, k->name, strlen(k->name));
    buf_puts(b, ": ");
    counts(b, k, d->baseline);
  }
  buf_puts(b, any ? "\n    }" : "}");
}

void state_summary_json(const state_delta *d, buf *b) {
  if (!d) return;
  buf_puts(b, "  \"delta\": {\n    \"state\": ");
  utf8_json_str(b, d->dir, strlen(d->dir));
  buf_printf(b, ",\n    \"baseline\": %s,\n", d->baseline ? "true" : "false");
  buf_printf(b, "    \"previous_customers\": %llu,\n    \"customers\": %llu,\n"
             "    \"gone\": %llu,\n    \"arrived\": %llu,\n    \"duplicate_ids\": %llu,\n",
             (unsigned long long)d->previous, (unsigned long long)d->customers,
             (unsigned long long)d->gone, (unsigned long long)d->arrived,
             (unsigned long long)d->duplicates);
  section(b, d, STATE_MICRO, "segments");
  buf_puts(b, ",\n");
  section(b, d, STATE_VALUE, "values");
  buf_puts(b, "\n  }");
}
