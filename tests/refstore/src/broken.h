/*
 * The broken variants (--broken NAME,...): each turns one good behaviour into the form a real
 * store gets wrong. Names are the contract with the probes' tests; see ../README.md.
 */
#ifndef REFSTORE_BROKEN_H
#define REFSTORE_BROKEN_H

#include <stdbool.h>
#include <stddef.h>

#define BROKEN_LIST(X)                                                                             \
    X(NO_HSTS, "no-hsts")                                                                          \
    X(NO_HTTPS_REDIRECT, "no-https-redirect")                                                      \
    X(WEAK_HEADERS, "weak-headers")                                                                \
    X(INSECURE_COOKIES, "insecure-cookies")                                                        \
    X(BAD_COOKIE_PREFIX, "bad-cookie-prefix")                                                      \
    X(HSTS_BAD_PRELOAD, "hsts-bad-preload")                                                        \
    X(SERVER_VERSION, "server-version")                                                            \
    X(LEAK_GIT, "leak-git")                                                                        \
    X(LEAK_ENV, "leak-env")                                                                        \
    X(LEAK_BACKUP, "leak-backup")                                                                  \
    X(ADMIN_EXPOSED, "admin-exposed")                                                              \
    X(CORS_REFLECT, "cors-reflect")                                                                \
    X(NO_SRI, "no-sri")                                                                            \
    X(NO_GZIP, "no-gzip")                                                                          \
    X(NO_CACHE_HEADERS, "no-cache-headers")                                                        \
    X(PUBLIC_CART_CACHE, "public-cart-cache")                                                      \
    X(NO_RATE_LIMIT, "no-rate-limit")                                                              \
    X(RATE_LIMIT_500, "rate-limit-500")                                                            \
    X(TLS_LEGACY, "tls-legacy")                                                                    \
    X(NO_IDEMPOTENCY, "no-idempotency")                                                            \
    X(IDEMPOTENCY_NO_CONFLICT, "idempotency-no-conflict")                                          \
    X(IDEMPOTENT_BY_CART, "idempotent-by-cart")                                                    \
    X(UNSIGNED_WEBHOOKS, "unsigned-webhooks")                                                      \
    X(BAD_WEBHOOK_SIGNATURE, "bad-webhook-signature")                                              \
    X(NO_WEBHOOK_RETRIES, "no-webhook-retries")                                                    \
    X(UNSTABLE_WEBHOOK_ID, "unstable-webhook-id")                                                  \
    X(INTAKE_NO_VERIFY, "intake-no-verify")                                                        \
    X(STACK_TRACES, "stack-traces")                                                                \
    X(NO_PROBLEM_JSON, "no-problem-json")                                                          \
    X(OVERSIZE_500, "oversize-500")                                                                \
    X(HEALTH_LEAKS, "health-leaks")                                                                \
    X(PUBLIC_METRICS, "public-metrics")                                                            \
    X(NO_REQUEST_ID, "no-request-id")                                                              \
    X(CLOCK_SKEW, "clock-skew")                                                                    \
    X(ORDERS_DOWN_500, "orders-down-500")                                                          \
    X(ORDERS_DOWN_HANG, "orders-down-hang")                                                        \
    X(UNKNOWN_VERSION_200, "unknown-version-200")                                                  \
    X(NO_PAGINATION_CAP, "no-pagination-cap")                                                      \
    X(NO_DEPRECATION, "no-deprecation")                                                            \
    X(WEBHOOK_PAYLOAD_BARE, "webhook-payload-bare")                                                \
    X(SLOW, "slow")

enum broken_id {
#define BROKEN_ENUM(id, name) BROKEN_##id,
    BROKEN_LIST(BROKEN_ENUM)
#undef BROKEN_ENUM
        BROKEN_COUNT
};

extern bool broken_on[BROKEN_COUNT];

static inline bool broken(enum broken_id id)
{
    return broken_on[id];
}

/* Turns on the variants in a comma-separated list ("all" = every one); -1 names the first
 * unknown one in err. */
int broken_enable_list(const char *list, char *err, size_t errlen);
const char *broken_name(enum broken_id id);

#endif
