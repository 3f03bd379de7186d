/* SPDX-License-Identifier: MIT */
/*
** report_state.h -- report.html with the state's sections: entered / exited
** per micro segment from the run's delta, and the sizes of the last runs
** from the state's history (both NULL: a run without --state).
*/
#ifndef CLEAVE_REPORT_STATE_H
#define CLEAVE_REPORT_STATE_H

#include "buf.h"
#include "state.h"
#include "state_history.h"
#include "summary.h"

void report_with_state(const summary_info *si, const state_delta *d, const state_history *h,
                       buf *out);

#endif
