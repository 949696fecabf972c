/* The process's file limit against the connections a load run will open. */
#ifndef STORECHECK_CHECKER_FD_LIMIT_H
#define STORECHECK_CHECKER_FD_LIMIT_H

#include <stdint.h>

/* Files the process needs besides the connections: standard streams, the event loops'
 * descriptors and timers per thread, the report and feeder files. */
#define FD_LIMIT_MARGIN 64

/* Raise the soft RLIMIT_NOFILE to the hard one, then say whether `connections` plus the
 * margin fit: 0 if they do, else -1 with the (raised) soft limit in *limit. */
int fd_limit_fit(uint64_t connections, uint64_t *limit);

#endif
