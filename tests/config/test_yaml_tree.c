/* The YAML tree: shapes, positions, scalar typing. The refusals are in test_config_hostile. */
#include "config/yaml_tree.h"
#include "tests/support/check.h"

static struct yaml_node *parse(struct arena *a, struct diag_list *d, const char *y)
{
    struct yaml_node *root = NULL;
    diag_list_init(d);
    CHECK_INT_EQ(yaml_tree_parse(y, strlen(y), "y.yaml", a, d, &root), 0);
    diag_list_print(d, stderr);
    return root;
}

static void test_shape_and_positions(void)
{
    struct arena a = {0};
    struct diag_list d;
    struct yaml_node *r = parse(&a, &d,
                                "first: 1\n"
                                "list:\n"
                                "  - a\n"
                                "  - { k: 'quoted', n: ~ }\n"
                                "block: |\n"
                                "  two\n"
                                "  lines\n");
    CHECK(r && r->kind == YAML_MAP);
    CHECK_INT_EQ(r->count, 3);
    const struct yaml_node *first = yaml_tree_find(r, "first");
    CHECK_STR_EQ(first->value, "1");
    CHECK_INT_EQ(first->pos.line, 1);
    CHECK_INT_EQ(first->pos.col, 8);
    CHECK_INT_EQ(first->key_pos.col, 1);
    const struct yaml_node *list = yaml_tree_find(r, "list");
    CHECK(list->kind == YAML_LIST);
    CHECK_INT_EQ(list->count, 2);
    CHECK_INT_EQ(list->index, 1);
    const struct yaml_node *m = list->first->next;
    CHECK(m->kind == YAML_MAP);
    CHECK_INT_EQ(m->index, 1);
    CHECK_INT_EQ(m->pos.line, 4);
    CHECK_INT_EQ(m->pos.col, 5);
    CHECK(m->key == NULL);
    const struct yaml_node *k = yaml_tree_find(m, "k");
    CHECK_STR_EQ(k->value, "quoted");
    CHECK_INT_EQ(k->quoted, 1);
    CHECK(yaml_tree_is_null(yaml_tree_find(m, "n")));
    CHECK(yaml_tree_find(m, "missing") == NULL);
    CHECK(yaml_tree_find(list, "k") == NULL);
    const struct yaml_node *block = yaml_tree_find(r, "block");
    CHECK_STR_EQ(block->value, "two\nlines\n");
    CHECK_INT_EQ(block->quoted, 1);
    CHECK_STR_EQ(yaml_tree_kind_name(r), "a mapping");
    CHECK_STR_EQ(yaml_tree_kind_name(list), "a list");
    CHECK_STR_EQ(yaml_tree_kind_name(first), "a string");
    diag_list_free(&d);
    arena_free(&a);
}

static void test_scalar_typing(void)
{
    struct arena a = {0};
    struct diag_list d;
    struct yaml_node *r = parse(&a, &d, "[~, null, NULL, '', \"null\", true, FALSE, 'true', yes]");
    const struct yaml_node *n = r->first;
    int b = -1;
    CHECK(yaml_tree_is_null(n));
    CHECK(yaml_tree_is_null(n = n->next));
    CHECK(yaml_tree_is_null(n = n->next));
    CHECK(!yaml_tree_is_null(n = n->next)); /* '' is an empty string */
    CHECK(!yaml_tree_is_null(n = n->next));
    CHECK(yaml_tree_bool(n = n->next, &b) && b == 1);
    CHECK(yaml_tree_bool(n = n->next, &b) && b == 0);
    CHECK(!yaml_tree_bool(n = n->next, &b));
    CHECK(!yaml_tree_bool(n = n->next, &b)); /* YAML 1.1 "yes" is not a boolean here */
    diag_list_free(&d);
    arena_free(&a);
}

static void test_anchor_without_alias(void)
{
    struct arena a = {0};
    struct diag_list d;
    struct yaml_node *r = parse(&a, &d, "a: &x 1\nb: !!str 2\n");
    CHECK_STR_EQ(yaml_tree_find(r, "a")->value, "1");
    CHECK_STR_EQ(yaml_tree_find(r, "b")->value, "2");
    diag_list_free(&d);
    arena_free(&a);
}

static void test_duplicate_keys_all_reported(void)
{
    struct arena a = {0};
    struct diag_list d;
    diag_list_init(&d);
    struct yaml_node *r;
    const char *y = "a: 1\nb:\n  x: 1\n  x: 2\n  x: 3\na: 2\n";
    CHECK_INT_EQ(yaml_tree_parse(y, strlen(y), "y.yaml", &a, &d, &r), -1);
    CHECK_INT_EQ(d.count, 3);
    char buf[256];
    diag_format(&d.items[0], buf, sizeof buf);
    CHECK_STR_EQ(buf, "y.yaml:4:3: b.x: duplicate key 'x' (first at line 3)");
    diag_format(&d.items[1], buf, sizeof buf);
    CHECK_STR_EQ(buf, "y.yaml:5:3: b.x: duplicate key 'x' (first at line 3)");
    diag_format(&d.items[2], buf, sizeof buf);
    CHECK_STR_EQ(buf, "y.yaml:6:1: a: duplicate key 'a' (first at line 1)");
    diag_list_free(&d);
    arena_free(&a);
}

static void test_empty(void)
{
    struct arena a = {0};
    struct diag_list d;
    CHECK(parse(&a, &d, "") == NULL);
    CHECK(parse(&a, &d, "# nothing\n") == NULL);
    arena_free(&a);
}

int main(void)
{
    RUN(test_shape_and_positions);
    RUN(test_scalar_typing);
    RUN(test_anchor_without_alias);
    RUN(test_duplicate_keys_all_reported);
    RUN(test_empty);
    return check_summary();
}
