/* The starter config `storecheck init` writes. It validates as it is: a test checks. */
#ifndef STORECHECK_CHECKER_STARTER_CONFIG_H
#define STORECHECK_CHECKER_STARTER_CONFIG_H

extern const char starter_config[];

#endif
