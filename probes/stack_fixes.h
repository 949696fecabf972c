/*
 * Remediation per stack: for a probe and a recognised product (probes/stack.h), the directive
 * or the line of code that fixes the finding there — nginx's server_tokens, Express's
 * app.disable('x-powered-by'), Cloudflare's HSTS setting. A table of its own, keyed by probe id
 * and stack, so the probes keep their generic remediation and the reports put the fix for the
 * stack in front of the store first.
 */
#ifndef STORECHECK_PROBES_STACK_FIXES_H
#define STORECHECK_PROBES_STACK_FIXES_H

#include <stddef.h>

#include "probes/stack.h"

enum { STACK_FIX_MAX = 512 };

struct stack_fix {
    enum stack_id stack;
    char text[STACK_FIX_MAX];
};

/* The fix for probe_id on stack, in buf; 0, or -1 when the table has none (the generic
 * remediation is then the advice). */
int stack_fix(const char *probe_id, enum stack_id stack, char *buf, size_t len);

/* The fixes for probe_id on every recognised component of st that has one, edge inward;
 * returns how many were written to out (at most cap). */
size_t stack_fixes_for(const char *probe_id, const struct stack_report *st, struct stack_fix *out,
                       size_t cap);

#endif
