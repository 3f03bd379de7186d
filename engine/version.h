/* SPDX-License-Identifier: MIT */
/*
** version.h -- cleave's version.
*/
#ifndef CLEAVE_VERSION_H
#define CLEAVE_VERSION_H

#define CLEAVE_VERSION "0.1.0"

#endif
