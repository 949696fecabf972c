/* The capacity reports from a fixed result: the JSON holds the verdict, every step and what
 * the live outputs did (and reads back), the HTML rings the knee on the curve, and neither
 * shows a secret or unescaped config text. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "reports/capacity_report.h"
#include "tests/support/check.h"

static const char *secret_items[] = {"s3cr3t-token"};
static const struct strv secrets = {secret_items, 1};

static char *line_a[] = {"p95 = 2s, allowed < <script>alert(1)</script> s3cr3t-token"};
static char *expr_a[] = {"p95 < 1s"};

static void fixture(struct capacity_report *r, struct capacity_report_step *st)
{
    memset(st, 0, 3 * sizeof *st);
    double rates[] = {100, 200, 150};
    const char *verdicts[] = {"holds", "breaks", "holds"};
    for (int i = 0; i < 3; i++) {
        st[i].offered_rate = rates[i];
        st[i].achieved_rate = rates[i] - 1;
        st[i].responses_rate = rates[i];
        st[i].window_us = 2000000;
        st[i].requests = st[i].responses = (uint64_t)(2 * rates[i]);
        st[i].p50 = 1000;
        st[i].p90 = 2000;
        st[i].p95 = 3000;
        st[i].p99 = (uint64_t)(rates[i] * 100);
        st[i].verdict = verdicts[i];
    }
    st[1].broken = line_a;
    st[1].broken_exprs = expr_a;
    st[1].broken_count = 1;
    *r = (struct capacity_report){
        .target = "http://127.0.0.1:8080/?key=s3cr3t-token",
        .profile = "steady.yaml",
        .secrets = &secrets,
        .start = 100,
        .step_factor = 2,
        .precision = 0.05,
        .precision_relative = 1,
        .max_rate = 400,
        .target_rate = 120,
        .abort_error_rate = 0.5,
        .warmup_us = 1000000,
        .window_us = 2000000,
        .max_steps = 20,
        .end = "found",
        .holds = 150,
        .breaks = 200,
        .first_broken = expr_a[0],
        .first_broken_line = line_a[0],
        .first_broken_rate = 200,
        .passed = 1,
        .steps = st,
        .step_count = 3,
    };
}

static void test_json(void)
{
    struct capacity_report r;
    struct capacity_report_step st[3];
    fixture(&r, st);
    char *text = capacity_json_render(&r);
    CHECK(strstr(text, "s3cr3t-token") == NULL);
    cJSON *doc = cJSON_Parse(text);
    CHECK(doc != NULL);
    const cJSON *v = cJSON_GetObjectItem(doc, "verdict");
    CHECK(cJSON_GetObjectItem(v, "holds")->valuedouble == 150);
    CHECK(cJSON_GetObjectItem(v, "knee")->valuedouble == 200);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "first_broken"), "expr")->valuestring,
                 "p95 < 1s");
    const cJSON *steps = cJSON_GetObjectItem(doc, "steps");
    CHECK_INT_EQ(cJSON_GetArraySize(steps), 3);
    const cJSON *second = cJSON_GetArrayItem(steps, 1);
    CHECK_STR_EQ(cJSON_GetObjectItem(second, "verdict")->valuestring, "breaks");
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(second, "broken")), 1);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(second, "abort_reason")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "rules"),
                                           "step_increment")));
    cJSON_Delete(doc);
    free(text);
}

/* The outputs are written as the load result writes them, secrets blanked, and read back; a
 * kind this version does not write is refused, naming the field. None asked: no member. */
static void test_outputs(void)
{
    struct capacity_report r;
    struct capacity_report_step st[3];
    fixture(&r, st);
    char *text = capacity_json_render(&r);
    cJSON *doc = cJSON_Parse(text);
    CHECK(cJSON_GetObjectItem(doc, "outputs") == NULL);
    cJSON_Delete(doc);
    free(text);

    struct out_stats outs[2] = {
        {.kind = OUT_PROMETHEUS_RW,
         .target = "http://127.0.0.1:9090/api/v1/write?token=s3cr3t-token",
         .sent = 12,
         .dropped = 2,
         .failed = 3,
         .error = "HTTP 500 from s3cr3t-token"},
        {.kind = OUT_CSV, .target = "/tmp/live.csv", .sent = 40},
    };
    r.outputs = outs;
    r.output_count = 2;
    text = capacity_json_render(&r);
    CHECK(strstr(text, "s3cr3t-token") == NULL);
    doc = cJSON_Parse(text);
    const cJSON *a = cJSON_GetObjectItem(doc, "outputs");
    CHECK_INT_EQ(cJSON_GetArraySize(a), 2);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "kind")->valuestring,
                 "prometheus-rw");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "error")));
    struct capacity_report back;
    char err[256] = "";
    CHECK_INT_EQ(capacity_report_read(doc, &back, err, sizeof err), 0);
    CHECK_INT_EQ(back.output_count, 2);
    if (back.output_count == 2) {
        CHECK(back.outputs[0].kind == OUT_PROMETHEUS_RW && back.outputs[1].kind == OUT_CSV);
        CHECK_INT_EQ(back.outputs[0].sent, 12);
        CHECK_INT_EQ(back.outputs[0].dropped, 2);
        CHECK_INT_EQ(back.outputs[0].failed, 3);
        CHECK(strstr(back.outputs[0].error, "HTTP 500 from ") == back.outputs[0].error);
        CHECK_STR_EQ(back.outputs[1].target, "/tmp/live.csv");
        CHECK_STR_EQ(back.outputs[1].error, "");
    }
    capacity_report_read_free(&back);
    cJSON_ReplaceItemInObject(cJSON_GetArrayItem(a, 1), "kind", cJSON_CreateString("xml"));
    CHECK_INT_EQ(capacity_report_read(doc, &back, err, sizeof err), -1);
    CHECK_CONTAINS(err, "outputs[].kind");
    cJSON_Delete(doc);
    free(text);
}

static void test_html(void)
{
    struct capacity_report r;
    struct capacity_report_step st[3];
    fixture(&r, st);
    char *html = capacity_html_render(&r);
    CHECK(strstr(html, "s3cr3t-token") == NULL);
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "&lt;script&gt;") != NULL);
    CHECK(strstr(html, "<svg") != NULL);
    CHECK(strstr(html, "class=\"knee\"") != NULL);
    CHECK(strstr(html, "knee: 200.0/s offered") != NULL);
    CHECK(strstr(html, "Holds 150.0/s; breaks at 200.0/s") != NULL);
    free(html);
}

int main(void)
{
    RUN(test_json);
    RUN(test_outputs);
    RUN(test_html);
    return check_summary();
}
