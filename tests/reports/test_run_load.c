/* What `storecheck run` loads the store with: URLs from the endpoints, the profile's shape,
 * think time as a rate, load.rate and max_rate. */
#include "checker/run_load.h"
#include "scenario/profile.h"
#include "tests/config/config_test.h"

#define TARGET                                                                                     \
    "target:\n"                                                                                    \
    "  base_url: http://127.0.0.1:8080/\n"                                                         \
    "  headers: { X-Shop: a, Authorization: \"Bearer ${STORE_TOKEN}\" }\n"                         \
    "  endpoints: { home: /, product: \"/api/v1/products/{{id}}\", cart: /api/v1/carts }\n"

static int plan(const char *yaml, struct run_load_plan *p, char *err, size_t errlen)
{
    struct config cfg;
    struct diag_list d;
    if (test_load(&cfg, &d, yaml)) {
        test_print_diags(&d);
        diag_list_free(&d);
        config_free(&cfg);
        return -2;
    }
    diag_list_free(&d);
    int rc = run_load_plan(&cfg, p, err, errlen);
    config_free(&cfg);
    return rc;
}

static double peak(const struct loadgen_params *lp)
{
    double m = lp->start;
    for (size_t i = 0; i < lp->stage_count; i++)
        m = lp->stages[i].target > m ? lp->stages[i].target : m;
    return m;
}

static void test_constant_rate(void)
{
    struct run_load_plan p;
    char err[256];
    CHECK_INT_EQ(plan(TARGET "load: { rate: 50, duration: 3s }\n", &p, err, sizeof err), 0);
    CHECK_INT_EQ(p.params.model, LG_MODEL_OPEN);
    CHECK(p.params.start == 50);
    CHECK_INT_EQ(p.params.duration_us, 3000000);
    CHECK_INT_EQ(p.params.url_count, 2); /* home and product: cart is no GET page */
    CHECK_STR_EQ(p.meta.urls[0], "http://127.0.0.1:8080/");
    CHECK_STR_EQ(p.meta.urls[1], "http://127.0.0.1:8080/api/v1/products/1");
    CHECK_INT_EQ(p.params.header_count, 2);
    CHECK_STR_EQ(p.params.headers[0], "X-Shop: a");
    run_load_plan_free(&p);
}

static void test_profiles(void)
{
    struct run_load_plan p;
    char err[256];
    /* 5 users thinking 1-2 s between requests send 5 / 1.5 s. */
    CHECK_INT_EQ(plan(TARGET "load: { profile: smoke, duration: 4s }\n", &p, err, sizeof err), 0);
    CHECK_INT_EQ(p.params.model, LG_MODEL_OPEN);
    CHECK(peak(&p.params) > 3.333 && peak(&p.params) < 3.334);
    CHECK_INT_EQ(p.params.duration_us, 4000000);
    CHECK_CONTAINS(p.note, "users / mean think time");
    run_load_plan_free(&p);
    /* max_rate caps the profile's peak; the shape stays. */
    CHECK_INT_EQ(plan(TARGET "load: { profile: flash-sale, max_rate: 40, duration: 10s }\n", &p,
                      err, sizeof err),
                 0);
    CHECK(peak(&p.params) > 39.999 && peak(&p.params) < 40.001);
    CHECK(p.params.stage_count > 1);
    run_load_plan_free(&p);
    /* load.rate sets the peak. */
    CHECK_INT_EQ(plan(TARGET "load: { profile: flash-sale, rate: 70, duration: 10s }\n", &p, err,
                      sizeof err),
                 0);
    CHECK(peak(&p.params) > 69.999 && peak(&p.params) < 70.001);
    run_load_plan_free(&p);
}

static void test_nothing_to_load(void)
{
    struct run_load_plan p;
    char err[256] = "";
    CHECK_INT_EQ(plan(TARGET, &p, err, sizeof err), 1);
    run_load_plan_free(&p);
    CHECK_INT_EQ(plan("target: { base_url: http://127.0.0.1, endpoints: { cart: /c } }\n"
                      "load: { rate: 5 }\n",
                      &p, err, sizeof err),
                 -1);
    CHECK_CONTAINS(err, "no endpoint to load");
    run_load_plan_free(&p);
    CHECK_INT_EQ(plan(TARGET "load: { profile: nope }\n", &p, err, sizeof err), -1);
    CHECK_CONTAINS(err, "nope");
    run_load_plan_free(&p);
}

static void test_scenarios(void)
{
    /* With scenarios, virtual users run them against base_url under the profile. */
    struct run_load_plan p;
    char err[256];
    CHECK_INT_EQ(plan(TARGET "load:\n"
                             "  profile: steady\n"
                             "  rate: 30\n"
                             "  duration: 5s\n"
                             "  scenarios:\n"
                             "    browse: [ { name: home, path: / } ]\n"
                             "    search: [ { name: find, path: \"/api/v1/search?q=lamp\" } ]\n"
                             "    cart: [ { name: new, method: POST, path: /api/v1/carts } ]\n"
                             "    checkout: [ { name: pay, method: POST, path: /api/v1/checkout } ]\n",
                      &p, err, sizeof err),
                 0);
    CHECK(p.params.users != NULL);
    CHECK_INT_EQ(p.params.model, LG_MODEL_OPEN);
    CHECK_INT_EQ(p.params.url_count, 1);
    CHECK_STR_EQ(p.meta.urls[0], "http://127.0.0.1:8080/");
    CHECK(peak(&p.params) > 29.999 && peak(&p.params) < 30.001);
    CHECK_INT_EQ(p.params.duration_us, 5000000);
    CHECK_CONTAINS(p.note, "4 scenarios under steady");
    CHECK(p.meta.profile && strstr(p.meta.profile, "steady.yaml"));
    run_load_plan_free(&p);
}

int main(void)
{
    RUN(test_constant_rate);
    RUN(test_profiles);
    RUN(test_nothing_to_load);
    RUN(test_scenarios);
    return check_summary();
}
