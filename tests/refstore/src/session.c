#include "session.h"

#include <stdio.h>

#include "broken.h"
#include "ids.h"

void session_set_cookie(struct exchange *x, const char *name, const char *value)
{
    if (broken(BROKEN_INSECURE_COOKIES))
        exchange_headerf(x, "Set-Cookie", "%s=%s; Path=/", name, value);
    else
        exchange_headerf(x, "Set-Cookie", "%s=%s; Path=/%s; HttpOnly; SameSite=Lax", name, value,
                         x->tls ? "; Secure" : "");
    /* A __Host- cookie with a Domain: browsers refuse it. */
    if (broken(BROKEN_BAD_COOKIE_PREFIX))
        exchange_headerf(x, "Set-Cookie",
                         "__Host-%s=%s; Path=/; Domain=localhost; Secure; HttpOnly; SameSite=Lax",
                         name, value);
}

void session_private(struct exchange *x)
{
    if (broken(BROKEN_PUBLIC_CART_CACHE)) {
        /* The classic mistake: a shared cache may store one user's answer and cookie. */
        char id[33];
        ids_random(id);
        exchange_header(x, "Cache-Control", "public, max-age=300");
        session_set_cookie(x, "session", id);
    } else {
        exchange_header(x, "Cache-Control", "private, no-store");
    }
}
