/*
 * The typed configuration model: what config/config_load fills from YAML, and what probes,
 * loadgen and reports read. Nothing here parses or prints.
 *
 * Ownership: every string and array hangs off config->arena and is released by config_free;
 * readers never free a field. A field that the file did not set holds its documented default
 * (NULL for an optional string, 0 for an optional number).
 */
#ifndef STORECHECK_CONFIG_CONFIG_H
#define STORECHECK_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/arena.h"
#include "common/out_spec.h"
#include "common/strv.h"
#include "common/url.h"

/* Where a value stood in the config file (1-based); line 0 when it did not come from a file. */
struct srcpos {
    int line;
    int col;
};

struct kv {
    const char *key;
    const char *value;
    struct srcpos pos;
};

struct kv_list {
    struct kv *items;
    size_t count;
};

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV_COUNT };

/* Named paths of the store. A path may hold {{var}} templates (e.g. product: /p/{{id}}). */
enum endpoint {
    EP_HOME,          /* HTML home page */
    EP_PRODUCT_PAGE,  /* HTML product page */
    EP_CHECKOUT_PAGE, /* HTML checkout page (scripts, SRI) */
    EP_ACCOUNT,       /* account page */
    EP_CATALOG,       /* API: product list */
    EP_PRODUCT,       /* API: one product */
    EP_SEARCH,        /* API: search */
    EP_CART,          /* API: create a cart */
    EP_CART_ITEMS,    /* API: add an item to a cart */
    EP_CHECKOUT,      /* API: create an order */
    EP_LOGIN,         /* API: login (rate-limit target) */
    EP_HEALTH,        /* liveness */
    EP_READINESS,     /* readiness */
    EP_METRICS,       /* Prometheus metrics */
    EP_OPENAPI,       /* OpenAPI document */
    EP_STATIC_ASSET,  /* one static asset (CSS/JS) */
    EP_WEBHOOK_INTAKE, /* the store's own webhook receiver (payment callbacks) */
    EP_ORDERS,        /* API: orders by idempotency key ({{key}}), to count them */
    EP_COUNT
};

/* The config key of each endpoint, indexed by enum endpoint ("home", "product_page", ...). */
extern const char *const endpoint_names[EP_COUNT];

enum webhook_scheme { WEBHOOK_STANDARD, WEBHOOK_STRIPE, WEBHOOK_SHOPIFY };

struct webhooks {
    const char *subscribe;       /* path to subscribe a receiver URL; NULL: no subscription API */
    const char *secret;          /* signing secret of outgoing deliveries */
    enum webhook_scheme scheme;
    const char *intake_secret;   /* secret of the store's intake endpoint (EP_WEBHOOK_INTAKE) */
    enum webhook_scheme intake_scheme;
    uint64_t *schedule_ms;       /* declared retry intervals, for comparing the observed ones */
    size_t schedule_count;
    uint64_t wait_ms;            /* how long the webhook probe may wait for retries */
    const char *receiver_host;   /* where storecheck's receiver listens (default 127.0.0.1) */
    unsigned receiver_port;      /* its fixed port, for a store set up to send there (no
                                  * subscribe API); 0: a free port */
};

/* One half of a cooperative fault hook: an HTTP request to an admin URL, or a shell command. */
enum fault_kind { FAULT_NONE, FAULT_HTTP, FAULT_COMMAND };

struct fault_action {
    enum fault_kind kind;
    const char *method;  /* FAULT_HTTP: default POST */
    const char *url;     /* FAULT_HTTP: its host must be in allowed_hosts */
    const char *command; /* FAULT_COMMAND: run with /bin/sh -c */
    struct srcpos pos;   /* where the url or command stood */
};

struct fault {
    const char *name; /* e.g. "orders_down" */
    struct fault_action start;
    struct fault_action stop;
    struct srcpos pos;
};

/* target.graphql: the store's GraphQL API, when it has one. */
struct graphql_api {
    const char *path;            /* e.g. /graphql; NULL: the store has no GraphQL API */
    struct strv error_typenames; /* a result whose __typename ends in one of these is an error;
                                  * default Error and ErrorResult */
    int persisted_only;          /* 1: the store declares it runs persisted queries only */
    struct srcpos pos;
};

enum body_kind { BODY_NONE, BODY_RAW, BODY_JSON, BODY_FORM };

/* A check on a step's answer (scenario/check.h), as written. */
struct step_check {
    const char *expr;
    struct srcpos pos;
};

/*
 * An endpoint written as a request rather than a path: what to send and what a good answer
 * is. Its path stays in target.endpoints[] and the rest lives in the parallel
 * target.requests[]: the many probes that only need a URL keep reading the path array as
 * they always did, and a path-only endpoint is simply one whose request is not set.
 */
struct endpoint_request {
    int set;                 /* 1: written as a request mapping */
    const char *method;      /* NULL: the method the probe uses for this endpoint */
    struct kv_list headers;  /* values are templates */
    enum body_kind body_kind;
    const char *body;        /* template, as a scenario step's */
    int *expect;             /* statuses of a good answer; empty: any 2xx */
    size_t expect_count;
    struct step_check *checks; /* every one must hold on a good answer */
    size_t check_count;
    /* graphql: the body carries a GraphQL operation, sent by POST to path or, when the
     * endpoint names none, to target.graphql.path; an answer reporting errors is not good. */
    int graphql;
    /* cart and checkout only: the JSON path where a good answer names the new cart
     * ({{cart_id}} of the requests after it) or the order; NULL: a top-level "id" (or that
     * of the one object the answer wraps) */
    const char *id_path;
    struct srcpos id_pos;
    struct srcpos pos;       /* the mapping, or the path when written as one */
    struct srcpos path_pos;  /* where the path stood, for template errors */
    struct srcpos body_pos;
};

struct target {
    const char *base_url;
    struct url base;             /* base_url parsed */
    const char *http_url;        /* the store's plain-HTTP address, for the HTTP->HTTPS
                                  * redirect check; NULL: http:// + base_url's host */
    struct strv allowed_hosts;   /* nothing else is ever contacted; default: base_url's host */
    const char *ca_file;         /* PEM bundle to verify the server; NULL: system store */
    int insecure;                /* 1: do not verify certificates (the TLS probes still judge) */
    uint64_t timeout_ms;         /* per-request timeout; default 10 s */
    struct kv_list headers;      /* sent with every request */
    const char *endpoints[EP_COUNT]; /* NULL where the store has no such endpoint */
    struct graphql_api graphql;
    struct webhooks webhooks;
    struct fault *faults;
    size_t fault_count;
    struct endpoint_request requests[EP_COUNT]; /* beside endpoints[], by the same index */
};

struct severity_override {
    const char *probe_id;
    enum severity severity;
    struct srcpos pos;
};

/* A manual check: something the tool cannot see from outside, declared with a date. */
struct attestation {
    const char *name;      /* e.g. "backup_restore_test" */
    const char *date;      /* YYYY-MM-DD as written */
    time_t when;           /* date at 00:00 UTC */
    const char *evidence;  /* link or note */
    uint32_t max_age_days;
    struct srcpos pos;
};

struct audit {
    enum severity fail_on;      /* default SEV_HIGH */
    const char *accept_file;    /* accepted-findings file, resolved against the config's dir */
    uint64_t deadline_ms;       /* whole audit; default 60 s */
    uint64_t probe_timeout_ms;  /* each probe; default 15 s */
    struct strv only;           /* probe ids or group letters; empty: all */
    struct strv skip;
    struct severity_override *severity_overrides;
    size_t severity_override_count;
    int allow_orders;           /* order-creating probes run only when 1 */
    uint64_t latency_budget_ms; /* median budget of key pages; default 800 ms */
    uint64_t clock_skew_ms;     /* tolerated Date header skew; default 60 s */
    uint32_t max_connections_per_host; /* open at once to one host; default 6, 1-256 */
    struct attestation *attestations;
    size_t attestation_count;
    int *idempotency_conflict;  /* the answers R-IDEMPOTENCY accepts for a reused key with
                                 * another body; none given: 409 and 422 */
    size_t idempotency_conflict_count;
    const char *session;        /* a scenario of load.scenarios run once before the probes,
                                 * whose variables and cookies endpoints use; NULL: none */
    struct srcpos session_pos;
    const char *order;          /* a scenario of load.scenarios that readies a cart for its
                                 * checkout and extracts cart_id; NULL: endpoints.cart and
                                 * cart_items make the cart */
    struct srcpos order_pos;
};

enum extract_source { EXTRACT_JSON, EXTRACT_HEADER, EXTRACT_COOKIE };

struct extraction {
    const char *var;        /* variable name set for later steps */
    enum extract_source source;
    const char *expr;       /* JSON path ($.items[0].id), header name or cookie name */
    struct srcpos pos;
};

/* What a GraphQL step does with an answer that reports errors (scenario/graphql_answer.h). */
enum graphql_errors {
    GRAPHQL_ERRORS_FAIL,   /* default: an errors array or an error-typed result fails the step */
    GRAPHQL_ERRORS_IGNORE, /* judged by status and checks only */
};

struct step {
    const char *name;
    const char *method;       /* default GET */
    const char *path;         /* template */
    struct kv_list headers;   /* values are templates */
    enum body_kind body_kind;
    const char *body;         /* template; BODY_JSON: JSON text, BODY_FORM: urlencoded with
                               * {{templates}} left as written */
    int *expect;              /* accepted statuses; empty: any 2xx or 3xx */
    size_t expect_count;
    struct extraction *extractions;
    size_t extraction_count;
    struct step_check *checks; /* every one must hold, or the step fails */
    size_t check_count;
    uint64_t think_min_ms;    /* think time after the step, uniform in [min, max] */
    uint64_t think_max_ms;
    struct srcpos pos;
    struct srcpos path_pos;   /* where path and the body stood, for template errors */
    struct srcpos body_pos;
    /* graphql: the body (BODY_JSON) carries a GraphQL operation, sent to path or, when the
     * step names none, to target.graphql.path (config/cfg_graphql.h). */
    int graphql;
    enum graphql_errors graphql_errors;
    const struct strv *graphql_error_typenames; /* target.graphql.error_typenames */
};

struct scenario {
    const char *name;
    struct step *steps;
    size_t step_count;
    struct srcpos pos;
};

enum feeder_mode { FEEDER_RANDOM, FEEDER_SEQUENTIAL, FEEDER_UNIQUE };

struct feeder {
    const char *name;
    const char *file; /* CSV, resolved against the config's directory */
    enum feeder_mode mode;
    struct srcpos pos;
};

struct threshold {
    const char *expr; /* e.g. "p95(scenario:checkout) < 800ms" */
    int abort_on_fail;
    struct srcpos pos;
};

/* load.fault: inject target.faults[name] `at` after the load starts and undo it `duration`
 * later (always undone, also when the run is interrupted). */
struct load_fault {
    const char *name; /* NULL: no fault during the load */
    uint64_t at_ms;
    uint64_t duration_ms;
    struct srcpos pos;
};

/* The HTTP version load is sent with (load.http, --http). */
enum load_http { LOAD_HTTP_UNSET, LOAD_HTTP_1_1, LOAD_HTTP_2, LOAD_HTTP_AUTO };

/* "1.1", "2" or "auto" as an enum load_http; LOAD_HTTP_UNSET for any other text. */
enum load_http load_http_parse(const char *s);

struct load {
    const char *profile;      /* a name in profiles/ or a path; NULL: none */
    struct srcpos profile_pos;
    uint64_t duration_ms;     /* overrides the profile's; 0: the profile's */
    double rate;              /* overrides the profile's target rate; 0: the profile's */
    double max_rate;          /* the rate is never set above this; 0: no cap besides the profile */
    uint32_t connections;     /* 0: the profile's / default */
    uint32_t threads;         /* 0: all cores */
    enum load_http http;      /* LOAD_HTTP_UNSET: HTTP/1.1 unless --http says otherwise */
    uint64_t timeout_ms;      /* per request; default target.timeout_ms */
    uint64_t seed;            /* mix and random values; default 1 */
    struct scenario *scenarios;
    size_t scenario_count;
    struct feeder *feeders;
    size_t feeder_count;
    struct threshold *thresholds;
    size_t threshold_count;
    struct load_fault fault;
    struct out_spec *outputs; /* live outputs (json=, csv=, prometheus-rw=); files resolved */
    size_t output_count;
};

/* How `storecheck capacity` steps the arrival rate (docs/config.md, capacity). Rates are per
 * second; 0 where the file leaves a value out and there is no default. */
struct capacity {
    int present;              /* the file has a capacity section */
    struct srcpos pos;
    double start;             /* the first step's rate; default 10/s */
    double step_factor;       /* > 1: each step multiplies the rate (default 2) */
    double step_increment;    /* instead of step_factor: each step adds this */
    uint64_t step_ms;         /* the judged window of a step; default 10s */
    uint64_t warmup_ms;       /* the unjudged start of each step, whole seconds; default 2s */
    double precision;         /* the bracket the search narrows the knee to */
    int precision_relative;   /* precision is a fraction of the breaking rate (default 5%) */
    double max_rate;          /* no step above it; default load.max_rate */
    double target;            /* the rate the store must hold; 0: none */
    double abort_error_rate;  /* a step whose errors pass this fraction ends the search */
    uint32_t max_steps;       /* the budget of steps; default 20 */
};

struct report_paths {
    const char *json;
    const char *html;
    const char *junit;
    const char *markdown;
    const char *sarif;
};

struct config {
    const char *path;    /* the file it came from */
    const char *dir;     /* its directory, for resolving relative paths */
    struct target target;
    struct audit audit;
    struct load load;
    struct capacity capacity;
    struct report_paths reports;
    /* Every value that must never be shown: each ${VAR} expansion, header values of
     * Authorization, Cookie and other credential headers (redact_header_is_secret), webhook secrets. See common/redact.h. */
    struct strv secrets;
    struct arena arena;
};

/* Release everything the config owns; the struct may be reused after config_init. */
void config_init(struct config *cfg);
void config_free(struct config *cfg);

const char *severity_name(enum severity sev);
/* Parse "info", "low", "medium", "high", "critical"; -1 if unknown. */
int severity_parse(const char *s);

/* Index of an endpoint name, or -1. */
int endpoint_lookup(const char *name);

/* The scenario of load.scenarios named name (NULL: none), or NULL. */
const struct scenario *config_scenario(const struct config *cfg, const char *name);
/* 1 when a step of sc (NULL: none) extracts into var. */
int scenario_extracts(const struct scenario *sc, const char *var);

#endif
