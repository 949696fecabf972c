#include "intake.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "broken.h"
#include "problem.h"
#include "store.h"
#include "whsig.h"

#define ID_MAX 128

/* The last INTAKE_SEEN_MAX accepted ids, oldest overwritten first. */
static char seen[INTAKE_SEEN_MAX][ID_MAX + 1];
static unsigned seen_next;

static bool seen_before(const char *id, size_t n)
{
    for (unsigned i = 0; i < INTAKE_SEEN_MAX; i++)
        if (strlen(seen[i]) == n && memcmp(seen[i], id, n) == 0)
            return true;
    return false;
}

static void remember(const char *id, size_t n)
{
    memcpy(seen[seen_next], id, n);
    seen[seen_next][n] = '\0';
    seen_next = (seen_next + 1) % INTAKE_SEEN_MAX;
}

static bool parse_ts(const char *s, size_t n, double *ts)
{
    if (n == 0 || n > 12)
        return false;
    double v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *ts = v;
    return true;
}

void intake_callback(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_INTAKE;
    if (broken(BROKEN_INTAKE_NO_VERIFY)) {
        exchange_static(x, 204, NULL, "", 0);
        return;
    }
    size_t id_len = 0, ts_len = 0, sig_len = 0;
    const char *id = exchange_header_in(x, "webhook-id", &id_len);
    const char *ts = exchange_header_in(x, "webhook-timestamp", &ts_len);
    const char *sig = exchange_header_in(x, "webhook-signature", &sig_len);
    double when;
    if (!id || !ts || id_len == 0 || id_len > ID_MAX || !parse_ts(ts, ts_len, &when)) {
        problem_reply(x, 400, "Bad Request",
                      "webhook-id and a numeric webhook-timestamp are required");
        return;
    }
    /* The signature first: an unauthenticated sender learns nothing about the rest. */
    if (!sig || !whsig_verify(store_cfg.intake_secret, id, id_len, ts, ts_len, x->req->body,
                              x->req->body_len, sig, sig_len)) {
        problem_reply(x, 401, "Unauthorized", "missing or invalid webhook-signature");
        return;
    }
    if (fabs(store_now() - when) > INTAKE_TOLERANCE_S) {
        problem_reply(x, 400, "Bad Request", "webhook-timestamp is more than 5 minutes off");
        return;
    }
    if (seen_before(id, id_len)) {
        problem_reply(x, 409, "Conflict", "this webhook-id was already processed");
        return;
    }
    remember(id, id_len);
    exchange_static(x, 204, NULL, "", 0);
}
