/*
 * The cooperative fault hook of target.faults: start or stop a named fault by an HTTP request
 * to an allowed host or by a shell command.
 */
#ifndef STORECHECK_CHECKER_FAULT_HOOK_H
#define STORECHECK_CHECKER_FAULT_HOOK_H

#include <stddef.h>

#include "common/config.h"

/* The fault of that name in target.faults, or NULL. */
const struct fault *fault_hook_find(const struct config *cfg, const char *name);

/* Run one action within the target timeout. 0, or -1 with the reason in err (an HTTP status
 * of 400 or more, a command exiting non-zero, a host not allowed, a timeout). */
int fault_hook_run(const struct config *cfg, const struct fault_action *a, char *err,
                   size_t errlen);

#endif
