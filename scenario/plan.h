/*
 * A scenario plan: the config's scenarios compiled once before a run (templates, JSON paths,
 * variable ids, feeders read, the mix resolved to scenario indices), then shared read-only by
 * every worker thread. plan_render writes one step's request into a caller-given buffer and
 * never allocates: it runs for every request of a scenario run.
 */
#ifndef STORECHECK_SCENARIO_PLAN_H
#define STORECHECK_SCENARIO_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/url.h"
#include "config/config.h"
#include "loadgen/request.h"
#include "scenario/check.h"
#include "scenario/cookie_jar.h"
#include "scenario/feeder.h"
#include "scenario/jsonpath.h"
#include "scenario/mix.h"
#include "scenario/template.h"
#include "scenario/vars.h"

/* Per virtual user: the room for its variables and cookies (fixed at creation). */
enum { PLAN_VARS_BYTES = 2048, PLAN_JAR_COOKIES = 16, PLAN_JAR_BYTES = 2048 };
/* A slot's buffer: the largest rendered request (head and body) with its parts. */
enum { PLAN_REQUEST_MAX = 16384 };

struct plan_extract {
    int var;
    enum extract_source source;
    struct jsonpath *path; /* EXTRACT_JSON */
    const char *name;      /* EXTRACT_HEADER, EXTRACT_COOKIE */
};

struct plan_check {
    struct check *check;
    const char *expr; /* as written, for failure reasons */
};

struct plan_header {
    const char *name;
    struct template *value;
    char *field_name; /* in lower case, as HTTP/2 sends it; NULL: Host (sent as the authority)
                       * or a field of an HTTP/1.1 connection, which HTTP/2 leaves out */
    uint32_t field_name_len;
    int host;
};

struct plan_step {
    const char *name;
    const char *method;
    int no_body_response; /* HEAD */
    struct template *path;
    struct plan_header *headers;
    size_t header_count;
    struct template *body;    /* NULL: no body */
    uint32_t field_count;     /* the fields of its parts, without a Cookie */
    const char *content_type; /* added unless the step's headers set one; NULL: none */
    const int *expect;        /* empty: any 2xx or 3xx */
    size_t expect_count;
    struct plan_extract *extracts;
    size_t extract_count;
    struct plan_check *checks; /* at most LG_STEP_CHECKS_MAX */
    size_t check_count;
    uint64_t think_min_us, think_max_us;
    uint32_t index; /* in the plan's flat list of steps (per-step metrics) */
    int graphql_judge; /* a GraphQL step whose answer's errors fail it (graphql_answer.h) */
    const char *const *error_typenames;
    size_t error_typename_count;
};

struct plan_scenario {
    const char *name;
    struct plan_step *steps;
    size_t step_count;
};

struct plan_feeder {
    const char *name;
    struct feeder_data *data;
    enum feeder_mode mode;
    int *ids;       /* variable id of each column: {{column}} */
    int *named_ids; /* and as {{feeder.column}} */
};

struct plan {
    struct plan_scenario *scenarios;
    size_t scenario_count;
    const struct plan_step **steps; /* flat, by plan_step.index */
    size_t step_count;
    struct plan_feeder *feeders;
    size_t feeder_count;
    struct vars_schema schema;
    struct mix mix;            /* weights as the profile gave them */
    size_t *mix_scenario;      /* mix entry -> scenario index */
    char prefix[URL_PATH_MAX]; /* base_url's path without a trailing '/' */
    char *fixed_head;          /* "Host: ...\r\n" and the target's headers, rendered once */
    size_t fixed_len;
    /* The fixed head's parts: the authority and the fields, offsets in fixed_head. */
    struct request_span fixed_authority;
    struct request_field *fixed_fields;
    size_t fixed_field_count;
    char *fixed_names;                   /* the fixed fields' names */
    int tls;                             /* the target's scheme is https */
    uint64_t think_min_us, think_max_us; /* closed model: pause between iterations */
    uint64_t seed;                       /* the mix: the same seed picks the same scenarios */
    uint64_t nonce; /* mixed into the users' random values ({{uuid}}, {{randint}}, random
                     * rows and picks) so that two runs never send the same Idempotency-Key */
};

/*
 * Compile cfg's scenarios and feeders. The plan refers to names, methods and expected
 * statuses of load and to the mix's names, which must outlive it. base is the target (its path prefixes every step's
 * path); headers are "Name: value" lines sent with every request; mix is the profile's (count
 * 0: every scenario with weight 1), copied. 0, or -1 with a reason in err (a template that
 * does not compile, a feeder that cannot be read, a mix naming no scenario...).
 */
int plan_build(struct plan *p, const struct load *load, const struct url *base,
               const char *const *headers, size_t header_count, const struct mix *mix, char *err,
               size_t errlen);
void plan_free(struct plan *p);

/* The scenario index of iteration `index` of a run seeded with seed, from the mix. */
size_t plan_pick(const struct plan *p, uint64_t seed, uint64_t index);

/*
 * Render step st as an HTTP/1.1 request into buf[0..cap): request line, the fixed head, the
 * step's headers, the jar's Cookie header, Content-Type and Content-Length, the body; and
 * record its parts as it renders (request.h: offsets into buf), their fields kept at the end
 * of buf, so the request and its fields share the cap. scratch (scratch_cap bytes) holds the
 * body while the head is written. TPL_OK with *len and *parts, or a tpl_status (TPL_ERR_UNSET
 * with *unset_var).
 */
enum tpl_status plan_render(const struct plan *p, const struct plan_step *st,
                            const struct tpl_ctx *ctx, const struct cookie_jar *jar, char *buf,
                            size_t cap, char *scratch, size_t scratch_cap, size_t *len,
                            struct request_parts *parts, int *unset_var);

/* 1 when status is one the step accepts. */
int plan_status_ok(const struct plan_step *st, int status);

#endif
