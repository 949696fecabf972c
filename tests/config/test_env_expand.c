#include "config/env_expand.h"
#include "common/strv.h"
#include "tests/config/config_test.h"

static const char *expand(struct arena *a, struct strv *secrets, const char *in, char *err,
                          size_t errlen)
{
    const char *out = NULL;
    err[0] = '\0';
    if (env_expand(in, &test_env, a, secrets, &out, err, errlen))
        return NULL;
    return out;
}

static void test_expansion(void)
{
    struct arena a = {0};
    struct strv secrets = {0};
    char err[256];
    CHECK_STR_EQ(expand(&a, &secrets, "plain", err, sizeof err), "plain");
    CHECK_STR_EQ(expand(&a, &secrets, "Bearer ${STORE_TOKEN}", err, sizeof err),
                 "Bearer tok-s3cr3t-value");
    CHECK_STR_EQ(expand(&a, &secrets, "${PORT}${PORT}", err, sizeof err), "84438443");
    CHECK_STR_EQ(expand(&a, &secrets, "${UNSET:-fallback value}", err, sizeof err),
                 "fallback value");
    CHECK_STR_EQ(expand(&a, &secrets, "${UNSET:-}", err, sizeof err), "");
    CHECK_STR_EQ(expand(&a, &secrets, "[${EMPTY}]", err, sizeof err), "[]");
    CHECK_STR_EQ(expand(&a, &secrets, "${EMPTY:-d}", err, sizeof err), "d");
    CHECK_STR_EQ(expand(&a, &secrets, "${PORT:-1}", err, sizeof err), "8443");
    CHECK_STR_EQ(expand(&a, &secrets, "$${PORT} costs $5 $", err, sizeof err),
                 "${PORT} costs $5 $");
    CHECK_STR_EQ(expand(&a, &secrets, "{{template}} $x", err, sizeof err), "{{template}} $x");
    /* Every environment value used is recorded; defaults and empty values are not. */
    strv_sort_unique(&secrets);
    CHECK_INT_EQ(secrets.count, 2);
    CHECK_STR_EQ(secrets.items[0], "tok-s3cr3t-value");
    CHECK_STR_EQ(secrets.items[1], "8443");
    arena_free(&a);
}

static void test_errors(void)
{
    struct arena a = {0};
    struct strv secrets = {0};
    char err[256];
    CHECK(expand(&a, &secrets, "x ${NOT_SET} y", err, sizeof err) == NULL);
    CHECK_STR_EQ(err, "environment variable NOT_SET is not set "
                      "(write ${NOT_SET:-default} to give a default)");
    CHECK(expand(&a, &secrets, "${PORT", err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "unterminated '${'");
    CHECK(expand(&a, &secrets, "${1X}", err, sizeof err) == NULL);
    CHECK_STR_EQ(err, "'${1X}' is not a variable reference: use ${NAME} or ${NAME:-default}");
    CHECK(expand(&a, &secrets, "${}", err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "is not a variable reference");
    CHECK(expand(&a, &secrets, "${PORT-1}", err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "'${PORT-1}' is not a variable reference");
    CHECK(expand(&a, &secrets, "${PORT:=1}", err, sizeof err) == NULL);
    CHECK_INT_EQ(secrets.count, 0);
    arena_free(&a);
}

static void test_tree(void)
{
    /* Values everywhere are expanded, keys are not; every error is reported with its path. */
    struct arena a = {0};
    struct strv secrets = {0};
    struct diag_list d;
    diag_list_init(&d);
    struct yaml_node *root;
    const char *y = "a:\n  ${PORT}: \"${PORT}\"\nb: [ok, \"${NOPE}\", [\"${ALSO_NOPE}\"]]\n";
    CHECK_INT_EQ(yaml_tree_parse(y, strlen(y), "e.yaml", &a, &d, &root), 0);
    CHECK_INT_EQ(env_expand_tree(root, "e.yaml", &test_env, &a, &secrets, &d), 2);
    CHECK_STR_EQ(root->first->first->key, "${PORT}");
    CHECK_STR_EQ(root->first->first->value, "8443");
    CHECK(test_has_diag(&d, "e.yaml:3:9: b[1]: environment variable NOPE is not set "
                            "(write ${NOPE:-default} to give a default)"));
    CHECK(test_has_diag(&d, "e.yaml:3:21: b[2][0]: environment variable ALSO_NOPE is not set "
                            "(write ${ALSO_NOPE:-default} to give a default)"));
    CHECK_INT_EQ(secrets.count, 1);
    diag_list_free(&d);
    arena_free(&a);
}

int main(void)
{
    RUN(test_expansion);
    RUN(test_errors);
    RUN(test_tree);
    return check_summary();
}
