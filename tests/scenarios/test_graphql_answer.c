/* GraphQL error rules on answers of any schema: errors arrays, error unions, payload error
 * lists, partial data, answers that are not JSON, configured error type names. */
#include <string.h>

#include "scenario/graphql_answer.h"
#include "tests/support/check.h"

static const char *const defaults[] = {"Error", "ErrorResult"};

static enum graphql_verdict judge(const char *body, struct graphql_failure *f)
{
    return graphql_answer_judge(body, strlen(body), defaults, 2, f);
}

static void test_success(void)
{
    struct graphql_failure f;
    CHECK_INT_EQ(judge("{\"data\":{\"login\":{\"__typename\":\"CurrentUser\",\"token\":\"t\"}}}", &f),
                 GRAPHQL_OK);
    CHECK_INT_EQ(judge("{\"data\":{\"products\":[]},\"errors\":[]}", &f), GRAPHQL_OK);
    /* a type that merely contains Error is no error type */
    CHECK_INT_EQ(judge("{\"data\":{\"x\":{\"__typename\":\"ErrorLog\"}}}", &f), GRAPHQL_OK);
}

static void test_errors_array(void)
{
    struct graphql_failure f;
    CHECK_INT_EQ(judge("{\"errors\":[{\"message\":\"Not authorized\",\"extensions\":"
                       "{\"code\":\"FORBIDDEN\"}}],\"data\":null}",
                       &f),
                 GRAPHQL_ERRORS);
    CHECK_STR_EQ(f.reason, "graphql FORBIDDEN");
    CHECK_STR_EQ(f.got, "\"Not authorized\"");
    CHECK_INT_EQ(judge("{\"errors\":[{\"message\":\"Cannot query field \\\"x\\\"\"}]}", &f),
                 GRAPHQL_ERRORS);
    CHECK_STR_EQ(f.reason, "graphql \"Cannot query field \\\"x\\\"\"");
}

static void test_partial_data(void)
{
    struct graphql_failure f;
    CHECK_INT_EQ(judge("{\"data\":{\"a\":1,\"b\":null},\"errors\":[{\"message\":\"b failed\","
                       "\"path\":[\"b\"],\"extensions\":{\"code\":\"INTERNAL\"}}]}",
                       &f),
                 GRAPHQL_ERRORS);
    CHECK_STR_EQ(f.reason, "graphql INTERNAL");
}

static void test_error_union(void)
{
    struct graphql_failure f;
    CHECK_INT_EQ(judge("{\"data\":{\"addPaymentToOrder\":{\"__typename\":\"PaymentDeclinedError\","
                       "\"errorCode\":\"PAYMENT_DECLINED_ERROR\",\"message\":\"declined\"}}}",
                       &f),
                 GRAPHQL_ERROR_RESULT);
    CHECK_STR_EQ(f.reason, "graphql PAYMENT_DECLINED_ERROR");
    CHECK_INT_EQ(judge("{\"data\":{\"login\":{\"__typename\":\"InvalidCredentialsErrorResult\"}}}",
                       &f),
                 GRAPHQL_ERROR_RESULT);
    CHECK_STR_EQ(f.reason, "graphql InvalidCredentialsErrorResult");
}

static void test_nested_in_mutation_payload(void)
{
    struct graphql_failure f;
    CHECK_INT_EQ(judge("{\"data\":{\"checkout\":{\"order\":{\"id\":\"1\",\"payment\":{\"__typename\":"
                       "\"InsufficientStockError\",\"code\":\"OUT_OF_STOCK\"}}}}}",
                       &f),
                 GRAPHQL_ERROR_RESULT);
    CHECK_STR_EQ(f.reason, "graphql OUT_OF_STOCK");
    CHECK_INT_EQ(judge("{\"data\":{\"checkoutComplete\":{\"order\":null,\"errors\":[{\"field\":"
                       "\"payment\",\"code\":\"PAYMENT_ERROR\",\"message\":\"no\"}]}}}",
                       &f),
                 GRAPHQL_ERROR_RESULT);
    CHECK_STR_EQ(f.reason, "graphql PAYMENT_ERROR");
    CHECK_INT_EQ(judge("{\"data\":{\"cartCreate\":{\"cart\":{\"id\":\"c\"},\"userErrors\":[]}}}", &f),
                 GRAPHQL_OK);
}

static void test_not_json(void)
{
    struct graphql_failure f;
    CHECK_INT_EQ(judge("<html>502 Bad Gateway</html>", &f), GRAPHQL_NOT_JSON);
    CHECK_INT_EQ(judge("{\"data\":{\"a\":1}", &f), GRAPHQL_NOT_JSON);
    CHECK_INT_EQ(judge("[1]", &f), GRAPHQL_NOT_JSON);
    CHECK_INT_EQ(judge("{\"data\":1} x", &f), GRAPHQL_NOT_JSON);
    char deep[600];
    memset(deep, '[', sizeof deep - 20);
    strcpy(deep + sizeof deep - 20, "");
    CHECK_INT_EQ(judge(deep, &f), GRAPHQL_NOT_JSON);
}

static void test_custom_typenames(void)
{
    static const char *const custom[] = {"Problem"};
    const char *body = "{\"data\":{\"pay\":{\"__typename\":\"CardProblem\",\"code\":\"DECLINED\"}}}";
    struct graphql_failure f;
    CHECK_INT_EQ(graphql_answer_judge(body, strlen(body), custom, 1, &f), GRAPHQL_ERROR_RESULT);
    CHECK_STR_EQ(f.reason, "graphql DECLINED");
    CHECK_INT_EQ(judge(body, &f), GRAPHQL_OK);
}

static void test_bounded_reason(void)
{
    char body[4096];
    strcpy(body, "{\"errors\":[{\"message\":\"");
    size_t n = strlen(body);
    memset(body + n, 'x', 3000);
    strcpy(body + n + 3000, "\\u0001\"}]}");
    struct graphql_failure f;
    CHECK_INT_EQ(judge(body, &f), GRAPHQL_ERRORS);
    CHECK(strlen(f.reason) < GRAPHQL_REASON_MAX);
    CHECK(strstr(f.reason, "...") != NULL);
    CHECK(strlen(f.got) < CHECK_GOT_MAX);
}

int main(void)
{
    RUN(test_success);
    RUN(test_errors_array);
    RUN(test_partial_data);
    RUN(test_error_union);
    RUN(test_nested_in_mutation_payload);
    RUN(test_not_json);
    RUN(test_custom_typenames);
    RUN(test_bounded_reason);
    return check_summary();
}
