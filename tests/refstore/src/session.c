#include "session.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

#include "broken.h"

void session_set_cookie(struct exchange *x, const char *name, const char *value)
{
    if (broken(BROKEN_INSECURE_COOKIES))
        exchange_headerf(x, "Set-Cookie", "%s=%s; Path=/", name, value);
    else
        exchange_headerf(x, "Set-Cookie", "%s=%s; Path=/%s; HttpOnly; SameSite=Lax", name, value,
                         x->tls ? "; Secure" : "");
}

void session_private(struct exchange *x)
{
    if (broken(BROKEN_PUBLIC_CART_CACHE)) {
        /* The classic mistake: a shared cache may store one user's answer and cookie. */
        char id[33];
        session_new_id(id);
        exchange_header(x, "Cache-Control", "public, max-age=300");
        session_set_cookie(x, "session", id);
    } else {
        exchange_header(x, "Cache-Control", "private, no-store");
    }
}

void session_new_id(char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1)
        abort(); /* the OS random source is gone: nothing sensible is left to do */
    for (size_t i = 0; i < sizeof raw; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[32] = '\0';
}
