/* SPDX-License-Identifier: MIT */
/*
** host_api.h -- the cleave_host table handed to plugins (include/cleave/plugin.h).
*/
#ifndef CLEAVE_HOST_API_H
#define CLEAVE_HOST_API_H

#include "cleave/plugin.h"
#include "log.h"

/* Fill h; plugin log calls go to lg (which must outlive the plugins). */
void host_api_make(cleave_host *h, logger *lg);

#endif
