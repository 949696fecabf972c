/* Reading GraphQL answers by their structure: what counts as an answer, data and errors,
 * suggestions in messages, internals in errors[].extensions, batch answers, request bodies. */
#include <stdlib.h>
#include <string.h>

#include "probes/graphql.h"
#include "tests/support/check.h"

static int read_text(const char *text, struct gql_answer *a)
{
    return gql_read(text, strlen(text), a);
}

static void test_what_is_an_answer(void)
{
    struct gql_answer a;
    CHECK(read_text("{\"data\":{\"__typename\":\"Query\"}}", &a) == 0);
    CHECK(a.data && !a.errors);
    gql_answer_free(&a);
    CHECK(read_text("{\"errors\":[{\"message\":\"no\"}]}", &a) == 0);
    CHECK(!a.data && a.errors);
    gql_answer_free(&a);
    /* Null data with errors: an answer that ran nothing. */
    CHECK(read_text("{\"data\":null,\"errors\":[{\"message\":\"no\"}]}", &a) == 0);
    CHECK(!a.data && gql_error_count(&a) == 1);
    gql_answer_free(&a);
    static const char *const not_answers[] = {
        "",
        "<html>Not found</html>",
        "{}",
        "[]",
        "{\"data\":null}",
        "{\"errors\":[]}",
        "{\"errors\":\"no\"}",
        "{\"data\":[1]}",
        "\"data\"",
        "{\"data\":{}",
    };
    for (size_t i = 0; i < sizeof not_answers / sizeof *not_answers; i++) {
        CHECK(read_text(not_answers[i], &a) == -1);
        CHECK(!a.data && !a.errors);
        gql_answer_free(&a);
    }
    CHECK(gql_read(NULL, 0, &a) == -1);
    gql_answer_free(&a);
}

/* The length is honoured: no read past it, and no NUL needed after it. */
static void test_length_bounded(void)
{
    static const char text[] = "{\"data\":{\"a\":1}}trailing";
    struct gql_answer a;
    CHECK(gql_read(text, 16, &a) == 0);
    CHECK(a.data);
    gql_answer_free(&a);
    CHECK(gql_read(text, 10, &a) == -1);
    gql_answer_free(&a);
}

static void test_messages_and_paths(void)
{
    struct gql_answer a;
    CHECK(read_text("{\"errors\":[{\"message\":\"first\"},{\"code\":1},{\"message\":7}],"
                    "\"data\":{\"__schema\":{\"queryType\":{\"name\":\"Query\"}},\"x\":null}}",
                    &a) == 0);
    CHECK_INT_EQ(gql_error_count(&a), 3);
    CHECK_STR_EQ(gql_error_message(&a, 0), "first");
    CHECK(gql_error_message(&a, 1) == NULL);
    CHECK(gql_error_message(&a, 2) == NULL);
    CHECK(gql_error_message(&a, 3) == NULL);
    const cJSON *name = gql_data_at(&a, "__schema.queryType.name");
    CHECK(cJSON_IsString(name) && strcmp(name->valuestring, "Query") == 0);
    CHECK(gql_data_at(&a, "__schema.queryType.name.deeper") == NULL);
    CHECK(gql_data_at(&a, "__schema.mutationType") == NULL);
    CHECK(cJSON_IsNull(gql_data_at(&a, "x")));
    gql_answer_free(&a);
}

static void test_suggestions(void)
{
    struct gql_answer a;
    char out[200];
    CHECK(read_text("{\"errors\":[{\"message\":\"Cannot query field \\\"prodcts\\\" on type "
                    "\\\"Query\\\". Did you mean \\\"products\\\"?\"}]}",
                    &a) == 0);
    CHECK(gql_suggestion(&a, out, sizeof out) == 1);
    CHECK_CONTAINS(out, "\"products\"");
    gql_answer_free(&a);
    /* Stripped: the field is refused without naming any other. */
    CHECK(read_text("{\"errors\":[{\"message\":\"Cannot query field \\\"prodcts\\\" on type "
                    "\\\"Query\\\".\"}]}",
                    &a) == 0);
    CHECK(gql_suggestion(&a, out, sizeof out) == 0);
    gql_answer_free(&a);
    /* A suggestion in data is not an error's. */
    CHECK(read_text("{\"data\":{\"hint\":\"Did you mean shoes?\"}}", &a) == 0);
    CHECK(gql_suggestion(&a, out, sizeof out) == 0);
    gql_answer_free(&a);
}

static void test_extension_leaks(void)
{
    struct gql_answer a;
    char out[200];
    /* Apollo Server 2-3 development mode. */
    CHECK(read_text(
              "{\"errors\":[{\"message\":\"x\",\"extensions\":{\"code\":\"INTERNAL\","
              "\"exception\":{\"stacktrace\":[\"Error: x\",\"    at f (/srv/app/a.js:1:2)\"]}}}]}",
              &a) == 0);
    CHECK_STR_EQ(gql_extensions_leak(&a, out, sizeof out), "stack trace");
    CHECK_CONTAINS(out, "exception");
    gql_answer_free(&a);
    /* A source path without a stack member. */
    CHECK(read_text("{\"errors\":[{\"message\":\"x\",\"extensions\":{\"origin\":"
                    "\"at resolve (/home/deploy/shop/src/cart.ts:88:13)\"}}]}",
                    &a) == 0);
    CHECK_STR_EQ(gql_extensions_leak(&a, out, sizeof out), "server source path");
    CHECK_CONTAINS(out, "/home/deploy/shop/src/cart.ts");
    gql_answer_free(&a);
    CHECK(read_text("{\"errors\":[{\"message\":\"x\",\"extensions\":{\"file\":"
                    "\"C:\\\\shop\\\\Cart.cs\"}}]}",
                    &a) == 0);
    CHECK_STR_EQ(gql_extensions_leak(&a, out, sizeof out), "internal path");
    gql_answer_free(&a);
    CHECK(read_text("{\"errors\":[{\"message\":\"x\",\"extensions\":{\"file\":"
                    "\"/srv/shop/resolvers/cart.py\"}}]}",
                    &a) == 0);
    CHECK_STR_EQ(gql_extensions_leak(&a, out, sizeof out), "internal path");
    gql_answer_free(&a);
    /* Debug output in a string (leaks.h's signs). */
    CHECK(read_text("{\"errors\":[{\"message\":\"x\",\"extensions\":{\"debug\":"
                    "\"Traceback (most recent call last): ...\"}}]}",
                    &a) == 0);
    CHECK_STR_EQ(gql_extensions_leak(&a, out, sizeof out), "stack trace");
    gql_answer_free(&a);
    /* What clients are meant to get: codes, a URL path, a file name, a stack switched off. */
    static const char *const clean[] = {
        "{\"errors\":[{\"message\":\"x\",\"extensions\":{\"code\":\"BAD_USER_INPUT\"}}]}",
        "{\"errors\":[{\"message\":\"x\",\"extensions\":{\"docs\":\"/docs/errors.js\"}}]}",
        "{\"errors\":[{\"message\":\"x\",\"extensions\":{\"asset\":\"app.js\"}}]}",
        "{\"errors\":[{\"message\":\"x\",\"extensions\":{\"stacktrace\":null,\"trace\":false}}]}",
        "{\"errors\":[{\"message\":\"at f (/srv/app/a.js:1:2)\"}]}",
        "{\"errors\":[{\"message\":\"x\",\"extensions\":\"/srv/app/a.js\"}]}",
    };
    for (size_t i = 0; i < sizeof clean / sizeof *clean; i++) {
        CHECK(read_text(clean[i], &a) == 0);
        const char *leak = gql_extensions_leak(&a, out, sizeof out);
        if (leak)
            fprintf(stderr, "clean[%zu] judged a %s: %s\n", i, leak, out);
        CHECK(leak == NULL);
        gql_answer_free(&a);
    }
}

static void test_batch(void)
{
    static const char ran[] = "[{\"data\":{\"__typename\":\"Query\"}},{\"data\":{}},"
                              "{\"errors\":[{\"message\":\"no\"}]},{\"data\":null},7]";
    CHECK_INT_EQ(gql_batch_executed(ran, strlen(ran)), 2);
    static const char refused[] = "{\"errors\":[{\"message\":\"batched operations are not "
                                  "accepted\"}]}";
    CHECK_INT_EQ(gql_batch_executed(refused, strlen(refused)), 0);
    CHECK_INT_EQ(gql_batch_executed("not json", 8), 0);
    CHECK_INT_EQ(gql_batch_executed(NULL, 0), 0);
}

static void test_body(void)
{
    char *b = gql_body("{a(s:\"x\\\"y\")}", "{\"n\":1}", NULL);
    CHECK_STR_EQ(b, "{\"query\":\"{a(s:\\\"x\\\\\\\"y\\\")}\",\"variables\":{\"n\":1}}");
    free(b);
    b = gql_body("{a}", NULL, "{\"persistedQuery\":{\"version\":1}}");
    CHECK_STR_EQ(b, "{\"query\":\"{a}\",\"extensions\":{\"persistedQuery\":{\"version\":1}}}");
    free(b);
    CHECK(gql_body("{a}", "{not json", NULL) == NULL);
}

/* An introspection answer: a Query field without required arguments whose type has a field
 * of that same type, preferred over one without; wrappers (non-null, list) looked through. */
static void test_schema(void)
{
    static const char shop[] =
        "{\"data\":{\"__schema\":{\"queryType\":{\"name\":\"Query\"},\"types\":["
        "{\"name\":\"Query\",\"kind\":\"OBJECT\",\"fields\":["
        " {\"name\":\"shop\",\"args\":[],\"type\":{\"kind\":\"OBJECT\",\"name\":\"Shop\"}},"
        " {\"name\":\"product\",\"args\":[{\"defaultValue\":null,\"type\":{\"kind\":\"NON_NULL\"}}]"
        ","
        "  \"type\":{\"kind\":\"OBJECT\",\"name\":\"Product\"}},"
        " {\"name\":\"products\",\"args\":[{\"defaultValue\":\"10\",\"type\":{\"kind\":\"NON_"
        "NULL\"}}],"
        "  \"type\":{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":{\"kind\":\"LIST\","
        "   \"name\":null,\"ofType\":{\"kind\":\"OBJECT\",\"name\":\"Product\"}}}}]},"
        "{\"name\":\"Shop\",\"kind\":\"OBJECT\",\"fields\":["
        " {\"name\":\"name\",\"args\":[],\"type\":{\"kind\":\"SCALAR\",\"name\":\"String\"}}]},"
        "{\"name\":\"Product\",\"kind\":\"OBJECT\",\"fields\":["
        " {\"name\":\"id\",\"args\":[],\"type\":{\"kind\":\"SCALAR\",\"name\":\"ID\"}},"
        " {\"name\":\"related\",\"args\":[],\"type\":{\"kind\":\"LIST\",\"name\":null,"
        "  \"ofType\":{\"kind\":\"OBJECT\",\"name\":\"Product\"}}}]}]}}}";
    struct gql_schema s;
    CHECK(gql_schema_parse(shop, strlen(shop), &s) == 0);
    CHECK_STR_EQ(s.root_field, "products");
    CHECK_STR_EQ(s.recursive, "related");
    CHECK(s.root_is_object);
    gql_schema_free(&s);
    /* Only a field with a required argument leads to the recursion: none to nest. */
    static const char flat[] =
        "{\"data\":{\"__schema\":{\"queryType\":{\"name\":\"Query\"},\"types\":["
        "{\"name\":\"Query\",\"kind\":\"OBJECT\",\"fields\":["
        " {\"name\":\"version\",\"args\":[],\"type\":{\"kind\":\"SCALAR\",\"name\":\"String\"}}]}]}"
        "}}";
    CHECK(gql_schema_parse(flat, strlen(flat), &s) == 0);
    CHECK_STR_EQ(s.root_field, "version");
    CHECK(!s.root_is_object && s.recursive == NULL);
    gql_schema_free(&s);
    /* Introspection refused. */
    static const char closed[] = "{\"errors\":[{\"message\":\"introspection is disabled\"}]}";
    CHECK(gql_schema_parse(closed, strlen(closed), &s) == -1);
    CHECK(s.root_field == NULL);
    gql_schema_free(&s);
}

int main(void)
{
    RUN(test_what_is_an_answer);
    RUN(test_length_bounded);
    RUN(test_messages_and_paths);
    RUN(test_suggestions);
    RUN(test_extension_leaks);
    RUN(test_batch);
    RUN(test_body);
    RUN(test_schema);
    return check_summary();
}
