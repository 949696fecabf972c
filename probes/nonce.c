#include "probes/nonce.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

void nonce_hex(char *out, size_t nbytes)
{
    unsigned char b[64];
    if (nbytes > sizeof b)
        nbytes = sizeof b;
    /* The kernel's generator: OpenSSL's would be set up (seeded, its tables loaded) for a
     * few bytes, a cost every run id paid even when nothing else used OpenSSL. */
    if (getrandom(b, nbytes, GRND_NONBLOCK) != (ssize_t)nbytes) {
        /* No entropy to be had: unique enough for a probe's own labels. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        memset(b, 0, sizeof b);
        memcpy(b, &ts, sizeof ts < nbytes ? sizeof ts : nbytes);
    }
    for (size_t i = 0; i < nbytes; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
    out[2 * nbytes] = '\0';
}
