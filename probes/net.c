#include "probes/net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probes/probe.h"

enum { WAIT_SLICE_MS = 50 };

int net_wait(int fd, short events, uint64_t deadline_ms, atomic_int *cancel)
{
    for (;;) {
        if (cancel && atomic_load(cancel))
            return 0;
        uint64_t now = probe_now_ms();
        if (now >= deadline_ms)
            return 0;
        uint64_t left = deadline_ms - now;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, left < WAIT_SLICE_MS ? (int)left : WAIT_SLICE_MS);
        if (rc > 0)
            return 1;
        if (rc < 0 && errno != EINTR)
            return 1; /* let the following read or write report the error */
    }
}

int net_connect(const char *host, unsigned port, uint64_t deadline_ms, atomic_int *cancel,
                char *err, size_t errlen)
{
    char service[16];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, service, &hints, &res);
    if (gai != 0) {
        snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(gai));
        return -1;
    }
    snprintf(err, errlen, "no address for %s", host);
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (s < 0) {
            snprintf(err, errlen, "socket: %s", strerror(errno));
            continue;
        }
        fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
        if (connect(s, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            snprintf(err, errlen, "connect to %s port %u: %s", host, port, strerror(errno));
            close(s);
            continue;
        }
        if (!net_wait(s, POLLOUT, deadline_ms, cancel)) {
            snprintf(err, errlen, "connect to %s port %u: timed out", host, port);
            close(s);
            continue;
        }
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &sl);
        if (soerr) {
            snprintf(err, errlen, "connect to %s port %u: %s", host, port, strerror(soerr));
            close(s);
            continue;
        }
        fd = s;
    }
    freeaddrinfo(res);
    return fd;
}
