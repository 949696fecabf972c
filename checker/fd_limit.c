#include "checker/fd_limit.h"

#include <sys/resource.h>

uint64_t fd_limit_need(uint64_t connections, uint64_t threads)
{
    return connections + FD_LIMIT_MARGIN + FD_LIMIT_PER_THREAD * threads;
}

int fd_limit_fit(uint64_t files, uint64_t *limit)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 0; /* nothing known to refuse on */
    if (rl.rlim_cur != rl.rlim_max) {
        struct rlimit raised = {rl.rlim_max, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            rl.rlim_cur = rl.rlim_max;
    }
    if (rl.rlim_cur == RLIM_INFINITY || files <= rl.rlim_cur)
        return 0;
    *limit = rl.rlim_cur;
    return -1;
}
