#include "probes/nonce.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

void nonce_hex(char *out, size_t nbytes)
{
    unsigned char b[64];
    if (nbytes > sizeof b)
        nbytes = sizeof b;
    if (RAND_bytes(b, (int)nbytes) != 1) {
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
