/* The process's file limit against the connections a load run will open. */
#ifndef STORECHECK_CHECKER_FD_LIMIT_H
#define STORECHECK_CHECKER_FD_LIMIT_H

#include <stdint.h>

/* Files the process needs besides the connections: standard streams, the report, feeder and
 * certificate files; and per worker thread its event loop, wake-up and timer descriptors. */
#define FD_LIMIT_MARGIN     64
#define FD_LIMIT_PER_THREAD 4

/* The files a run of `connections` over `threads` threads needs. */
uint64_t fd_limit_need(uint64_t connections, uint64_t threads);

/* Raise the soft RLIMIT_NOFILE to the hard one, then say whether `files` fit: 0 if they do,
 * else -1 with the (raised) soft limit in *limit. */
int fd_limit_fit(uint64_t files, uint64_t *limit);

#endif
