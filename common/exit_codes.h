#ifndef STORECHECK_COMMON_EXIT_CODES_H
#define STORECHECK_COMMON_EXIT_CODES_H

/* The exit-code contract, documented in README.md and every --help. */
enum exit_code {
    EXIT_PASSED = 0,      /* the gate passed */
    EXIT_GATE_FAILED = 1, /* a finding at or above --fail-on, or a threshold broken */
    EXIT_USAGE = 2,       /* usage or config error */
    EXIT_RUN_ERROR = 3,   /* the run could not be done: target unreachable, internal error */
};

#endif
