/*
 * The accepted-findings file: known findings a team has decided to live with for a while.
 *
 *   accepted:
 *     - probe: S-HSTS
 *       target: https://shop.example.com   # the target.base_url it applies to; "*": any
 *       reason: HSTS is added by the CDN in production
 *       expires: 2026-12-31                # accepted through this day (UTC)
 *
 * An accepted finding does not fail the gate until it expires; it is still reported, marked.
 * Errors come back located (file:line:col) in a diag_list, like the config's.
 */
#ifndef STORECHECK_CHECKER_ACCEPT_H
#define STORECHECK_CHECKER_ACCEPT_H

#include <stddef.h>
#include <time.h>

#include "common/arena.h"
#include "config/config.h"
#include "common/diag.h"

struct acceptance {
    const char *probe_id;
    const char *target;
    const char *reason;
    const char *expires; /* YYYY-MM-DD as written */
    time_t expires_at;   /* the first second after that day, UTC */
    struct srcpos pos;
};

struct accept_list {
    struct acceptance *items;
    size_t count;
    struct arena arena; /* owns everything */
};

/* 1 if a check of this id exists. */
typedef int (*accept_known_fn)(const char *probe_id);

/* Read path into l. Returns 0, or -1 with every error in diags. l is always initialised and
 * must be freed with accept_free. */
int accept_load(struct accept_list *l, const char *path, accept_known_fn known,
                struct diag_list *diags);
/* The same from a buffer (tests); path names it in errors. */
int accept_parse(struct accept_list *l, const char *text, size_t len, const char *path,
                 accept_known_fn known, struct diag_list *diags);
void accept_free(struct accept_list *l);

/* The acceptance of probe_id for target (a base URL), or NULL. */
const struct acceptance *accept_find(const struct accept_list *l, const char *probe_id,
                                     const char *target);

int accept_expired(const struct acceptance *a, time_t now);

#endif
