/* Profiles: the shipped files, the shape over time, overrides, located errors; the mix. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/profile.h"
#include "tests/support/check.h"

static char profiles_dir[1024];

static int parse(struct profile *p, const char *yaml, struct diag_list *d)
{
    return profile_parse(p, yaml, strlen(yaml), "p.yaml", d);
}

static int load_shipped(struct profile *p, const char *name)
{
    const char *dirs[] = {profiles_dir};
    char path[1200], err[256];
    struct diag_list d;
    diag_list_init(&d);
    int r = profile_resolve(name, dirs, 1, path, sizeof path, err, sizeof err);
    if (r == 0)
        r = profile_load(p, path, &d);
    if (r) {
        fprintf(stderr, "%s: %s\n", name, r ? err : "");
        diag_list_print(&d, stderr);
    }
    diag_list_free(&d);
    return r;
}

static void test_shipped_profiles(void)
{
    const char *names[] = {"smoke", "steady", "ramp", "flash-sale", "soak", "stress"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct profile p;
        CHECK(load_shipped(&p, names[i]) == 0);
        CHECK(p.description != NULL);
        CHECK(p.mix.count > 0 && p.mix.total > 0);
        CHECK(profile_duration_us(&p) > 0);
        CHECK(profile_peak(&p) > 0);
        profile_free(&p);
    }
}

static void test_flash_sale_shape(void)
{
    struct profile p;
    if (load_shipped(&p, "flash-sale")) {
        CHECK(0);
        return;
    }
    CHECK_INT_EQ(p.model, PROFILE_OPEN);
    const uint64_t s = 1000000;
    double base = profile_target_at(&p, 60 * s);
    double peak = profile_target_at(&p, (180 + 10 + 30) * s);
    CHECK(base == 20);
    CHECK(peak == 10 * base);
    /* The spike holds its peak for a minute. */
    CHECK(profile_target_at(&p, (180 + 10) * s) == 200);
    CHECK(profile_target_at(&p, (180 + 10 + 59) * s) == 200);
    CHECK(profile_target_at(&p, (180 + 80) * s) == 20);
    CHECK(fabs(profile_target_at(&p, (180 + 5) * s) - 110) < 1e-9); /* halfway up */
    profile_free(&p);

    struct profile smoke;
    if (load_shipped(&smoke, "smoke") == 0) {
        CHECK_INT_EQ(smoke.model, PROFILE_CLOSED);
        CHECK(smoke.think_min_us == 1000000 && smoke.think_max_us == 2000000);
        CHECK(profile_target_at(&smoke, 0) == 5);
        profile_free(&smoke);
    }
}

static const char *const ramp = "model: open\n"
                                "start_rate: 10\n"
                                "stages:\n"
                                "  - { duration: 10s, rate: 30 }\n" /* 10 -> 30: 200 arrivals */
                                "  - { duration: 0s, rate: 100 }\n" /* jump */
                                "  - { duration: 5s, rate: 100 }\n" /* 500 arrivals */
                                "  - { duration: 10s, rate: 0 }\n"  /* 100 -> 0: 500 arrivals */
                                "mix: { a: 3, b: 1, never: 0 }\n"
                                "max_vus: 50\n"
                                "pre_allocated_vus: 10\n"
                                "timeout: 2s\n";

static void test_target_and_arrivals(void)
{
    struct profile p;
    struct diag_list d;
    diag_list_init(&d);
    CHECK(parse(&p, ramp, &d) == 0);
    diag_list_print(&d, stderr);
    const uint64_t s = 1000000;
    CHECK_INT_EQ(profile_duration_us(&p), 25 * s);
    CHECK(profile_target_at(&p, 0) == 10);
    CHECK(profile_target_at(&p, 5 * s) == 20);
    CHECK(profile_target_at(&p, 10 * s) == 100);
    CHECK(profile_target_at(&p, 20 * s) == 50);
    CHECK(profile_target_at(&p, 99 * s) == 0);
    CHECK(profile_peak(&p) == 100);
    CHECK(p.max_vus == 50 && p.pre_allocated_vus == 10 && p.timeout_ms == 2000);

    CHECK(fabs(profile_arrivals_until(&p, 10 * s) - 200) < 1e-6);
    CHECK(fabs(profile_arrivals_until(&p, 15 * s) - 700) < 1e-6);
    CHECK(fabs(profile_arrivals_until(&p, 25 * s) - 1200) < 1e-6);
    CHECK(fabs(profile_arrivals_until(&p, 99 * s) - 1200) < 1e-6);

    /* profile_arrival_time inverts the integral everywhere, ramps up and down included. */
    uint64_t prev = 0;
    int ok = 1;
    for (int n = 0; n < 1200; n++) {
        uint64_t t;
        if (profile_arrival_time(&p, n, &t) != 0 || t < prev ||
            fabs(profile_arrivals_until(&p, t) - n) > 0.01) {
            fprintf(stderr, "arrival %d at %llu\n", n, (unsigned long long)t);
            ok = 0;
            break;
        }
        prev = t;
    }
    CHECK(ok);
    uint64_t t;
    CHECK(profile_arrival_time(&p, 1200.5, &t) == -1);
    CHECK(profile_arrival_time(&p, -1, &t) == -1);
    CHECK(profile_arrival_time(&p, 200, &t) == 0 && t == 10 * s);

    /* Overrides. */
    CHECK(profile_scale_duration(&p, 50 * s) == 0);
    CHECK_INT_EQ(profile_duration_us(&p), 50 * s);
    CHECK(profile_target_at(&p, 10 * s) == 20);
    CHECK(profile_scale_peak(&p, 400) == 0);
    CHECK(profile_peak(&p) == 400);
    CHECK(profile_target_at(&p, 0) == 40);
    CHECK(profile_scale_peak(&p, -1) == -1);
    profile_free(&p);
    diag_list_free(&d);
}

static void test_mix(void)
{
    struct profile p;
    struct diag_list d;
    diag_list_init(&d);
    CHECK(parse(&p, ramp, &d) == 0);
    const struct mix *m = &p.mix;
    CHECK_INT_EQ(m->count, 3);
    int counts[3] = {0};
    for (uint64_t i = 0; i < 40000; i++)
        counts[mix_pick_at(m, 1, i)]++;
    CHECK_INT_EQ(counts[2], 0);
    CHECK(fabs(counts[0] / 40000.0 - 0.75) < 0.01);
    /* Repeatable from the seed and the index alone, in any order. */
    int same = 1, differs = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        same &= mix_pick_at(m, 77, i) == mix_pick_at(m, 77, i);
        differs |= mix_pick_at(m, 77, i) != mix_pick_at(m, 78, i);
    }
    CHECK(same && differs);
    /* The edges of the unit interval. */
    CHECK_INT_EQ(mix_pick_unit(m, 0), 0);
    CHECK_INT_EQ(mix_pick_unit(m, 0.7499), 0);
    CHECK_INT_EQ(mix_pick_unit(m, 0.75), 1);
    CHECK_INT_EQ(mix_pick_unit(m, 1.0), 1); /* never the zero-weight last entry */

    struct scenario scenarios[] = {{.name = "a"}, {.name = "c"}};
    struct mix equal;
    struct mix_entry entries[2];
    mix_from_scenarios(&equal, entries, scenarios, 2);
    CHECK(equal.count == 2 && equal.total == 2);
    CHECK_STR_EQ(equal.items[1].name, "c");
    int firsts = 0;
    for (uint64_t i = 0; i < 10000; i++)
        firsts += mix_pick_at(&equal, 5, i) == 0;
    CHECK(firsts > 4700 && firsts < 5300);

    CHECK_INT_EQ(profile_check_mix(&p, scenarios, 2, &d), 2);
    CHECK_INT_EQ(d.count, 2);
    if (d.count == 2) {
        CHECK_STR_EQ(d.items[0].key_path, "mix.b");
        CHECK_INT_EQ(d.items[0].line, 8);
        CHECK_INT_EQ(d.items[0].col, 14);
        CHECK_CONTAINS(d.items[0].message, "'b' is not defined");
        CHECK_STR_EQ(d.items[1].key_path, "mix.never");
    }
    profile_free(&p);
    diag_list_free(&d);
}

/* The profile must fail with a diagnostic at line:col naming key_path and saying msg. */
static void expect_error(const char *yaml, int line, int col, const char *key_path, const char *msg)
{
    struct profile p;
    struct diag_list d;
    diag_list_init(&d);
    CHECK(parse(&p, yaml, &d) == -1);
    int found = 0;
    for (size_t i = 0; i < d.count; i++) {
        const struct diag *g = &d.items[i];
        found |=
            g->line == line && g->col == col &&
            (key_path ? g->key_path && strcmp(g->key_path, key_path) == 0 : g->key_path == NULL) &&
            strstr(g->message, msg) != NULL && g->file && strcmp(g->file, "p.yaml") == 0;
    }
    if (!found) {
        fprintf(stderr, "wanted %d:%d %s: %s, got:\n", line, col, key_path ? key_path : "", msg);
        diag_list_print(&d, stderr);
    }
    CHECK(found);
    diag_list_free(&d);
}

static void test_errors(void)
{
    expect_error("", 0, 0, NULL, "empty profile");
    expect_error("model: open\nstages: [ {duration: 1s, rate: 1}\n", 3, 1, NULL, "YAML");
    expect_error("- a\n", 1, 1, NULL, "a profile is a mapping");
    expect_error("stages:\n  - { duration: 1s, rate: 1 }\n", 1, 1, NULL, "needs 'model");
    expect_error("model: open\n", 1, 1, NULL, "needs stages");
    expect_error("model: open\nstages: []\n", 2, 9, "stages", "at least one stage");
    expect_error("model: sideways\nstages: [{duration: 1s, rate: 1}]\n", 1, 8, "model",
                 "open or closed");
    expect_error("model: open\nstages:\n  - { duration: 1s, rate: 1 }\n  - { duration: 1x, "
                 "rate: 2 }\n",
                 4, 17, "stages[1].duration", "unknown unit");
    expect_error("model: open\nstages:\n  - { duration: 1s }\n", 3, 5, "stages[0]",
                 "needs a target");
    expect_error("model: open\nstages:\n  - { rate: 5 }\n", 3, 5, "stages[0]", "needs a duration");
    expect_error("model: open\nstages:\n  - { duration: 1s, users: 5 }\n", 3, 5, "stages[0]",
                 "an open-model stage sets rate");
    expect_error("model: closed\nstages:\n  - { duration: 1s, rate: 5 }\n", 3, 5, "stages[0]",
                 "a closed-model stage sets users");
    expect_error("model: open\nstages:\n  - { duration: 1s, rate: 1, users: 1 }\n", 3, 30,
                 "stages[0].users", "one of rate or users");
    expect_error("model: open\nstages:\n  - { duration: 1s, rate: 1, ramp: yes }\n", 3, 30,
                 "stages[0].ramp", "unknown key 'ramp'");
    expect_error("model: open\nstages: [{duration: 0s, rate: 1}]\n", 2, 9, "stages", "0s in total");
    expect_error("model: open\nstages: [{duration: 300d, rate: 1}, {duration: 300d, rate: 1}]\n", 2,
                 9, "stages", "longer than a year");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nmix: { a: -1 }\n", 3, 11, "mix.a",
                 "a weight is a number >= 0");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nmix: { a: 1, a: 2 }\n", 3, 14,
                 "mix.a", "in the mix twice");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nmix: { a: 0 }\n", 3, 6, "mix",
                 "every weight is 0");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nmix: [a, b]\n", 3, 6, "mix",
                 "expected scenario names");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nthink_time: 1s\n", 3, 1,
                 "think_time", "belongs to the closed model");
    expect_error("model: closed\nstages: [{duration: 1s, users: 1}]\nmax_vus: 3\n", 3, 1, NULL,
                 "belong to the open model");
    expect_error("model: closed\nstages: [{duration: 1s, users: 1}]\nthink_time: 3s-1s\n", 3, 13,
                 "think_time", "runs backwards");
    expect_error("model: closed\nstages: [{duration: 1s, users: 1}]\nthink_time: 0s\n", 3, 13,
                 "think_time", "must be above 0");
    expect_error("model: closed\nstages: [{duration: 1s, users: 1}]\nthink_time: 0s-0ms\n", 3, 13,
                 "think_time", "must end above 0");
    /* A range may start at 0: a pause drawn from 0 to 3 s. */
    struct profile p;
    struct diag_list d;
    diag_list_init(&d);
    CHECK(parse(&p, "model: closed\nstages: [{duration: 1s, users: 1}]\nthink_time: 0s-3s\n", &d) ==
          0);
    CHECK(p.think_min_us == 0 && p.think_max_us == 3000000);
    profile_free(&p);
    diag_list_free(&d);
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nmax_vus: 5\n"
                 "pre_allocated_vus: 6\n",
                 4, 1, "pre_allocated_vus", "above max_vus");
    expect_error("model: open\nstart_users: 3\nstages: [{duration: 1s, rate: 1}]\n", 2, 1, NULL,
                 "starts with start_rate");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nthreads: 4\n", 3, 1, "threads",
                 "unknown key 'threads'");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\ntimeout: soon\n", 3, 10,
                 "timeout", "not a number");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nmax_vus: 5000000000\n", 3, 10,
                 "max_vus", "too large");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1}]\nmix: {a: 1}\nmix: {b: 1}\n", 4, 1,
                 "mix", "'mix' is given twice");
    expect_error("model: open\nstages: [{duration: 1s, rate: 1, duration: 2s}]\n", 2, 34,
                 "stages[0].duration", "'duration' is given twice");
    expect_error("model: [open]\nstages: [{duration: 1s, rate: 1}]\n", 1, 8, "model",
                 "expected a single value");
}

static void test_resolve(void)
{
    char out[1200], err[256];
    const char *dirs[] = {NULL, "/nonexistent", profiles_dir};
    char want[1200];
    snprintf(want, sizeof want, "%s/ramp.yaml", profiles_dir);
    CHECK(profile_resolve("ramp", dirs, 3, out, sizeof out, err, sizeof err) == 0);
    CHECK_STR_EQ(out, want);
    CHECK(profile_resolve(want, dirs, 0, out, sizeof out, err, sizeof err) == 0);
    CHECK_STR_EQ(out, want);
    CHECK(profile_resolve("nope", dirs, 3, out, sizeof out, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "unknown profile 'nope' (looked in /nonexistent, ");
    CHECK(profile_resolve("missing.yaml", dirs, 3, out, sizeof out, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "missing.yaml");
    CHECK(profile_resolve("../etc", dirs, 3, out, sizeof out, err, sizeof err) == -1);
    CHECK(profile_resolve("a b", dirs, 3, out, sizeof out, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "not a profile name");
    CHECK(strstr(profile_installed_dir(), "/storecheck/profiles") != NULL);

    /* Without installing, the default search finds the source tree's profiles. */
    const char *search[3];
    unsetenv("STORECHECK_PROFILE_DIR");
    size_t n = profile_search_dirs(search);
    CHECK_INT_EQ(n, 2);
    CHECK_STR_EQ(search[0], profile_installed_dir());
    CHECK(profile_resolve("flash-sale", search, n, out, sizeof out, err, sizeof err) == 0);
    CHECK_CONTAINS(out, "/flash-sale.yaml");
    setenv("STORECHECK_PROFILE_DIR", "/elsewhere", 1);
    CHECK_INT_EQ(profile_search_dirs(search), 3);
    CHECK_STR_EQ(search[0], "/elsewhere");
    unsetenv("STORECHECK_PROFILE_DIR");

    struct profile p;
    struct diag_list d;
    diag_list_init(&d);
    CHECK(profile_load(&p, "/nonexistent/x.yaml", &d) == -1);
    CHECK(d.count == 1 && strstr(d.items[0].message, "cannot open"));
    diag_list_free(&d);
}

int main(void)
{
    const char *src = getenv("STORECHECK_SOURCE_DIR");
    snprintf(profiles_dir, sizeof profiles_dir, "%s/profiles", src ? src : ".");
    RUN(test_shipped_profiles);
    RUN(test_flash_sale_shape);
    RUN(test_target_and_arrivals);
    RUN(test_mix);
    RUN(test_errors);
    RUN(test_resolve);
    return check_summary();
}
