/* A virtual user's cookie jar: set, replace, expire, fixed capacity, the Cookie header. */
#include <string.h>

#include "scenario/cookie_jar.h"
#include "tests/support/check.h"

static const char *header(const struct cookie_jar *j)
{
    static char buf[256];
    size_t n;
    if (cookie_jar_header(j, buf, sizeof buf - 1, &n))
        return NULL;
    buf[n] = '\0';
    return buf;
}

static int set(struct cookie_jar *j, const char *sc, int64_t now)
{
    return cookie_jar_set(j, sc, strlen(sc), now);
}

static void test_set_replace_delete(void)
{
    struct cookie_jar *j = cookie_jar_create(8, 256);
    CHECK_STR_EQ(header(j), "");
    CHECK(set(j, "session=s1; Path=/; HttpOnly; Secure", 0) == 0);
    CHECK(set(j, " cart = \"c 7\" ; SameSite=Lax", 0) == 0);
    CHECK_STR_EQ(header(j), "session=s1; cart=c 7");
    CHECK(set(j, "session=s2", 0) == 0);
    CHECK_INT_EQ(cookie_jar_count(j), 2);
    CHECK_STR_EQ(header(j), "cart=c 7; session=s2");
    CHECK(set(j, "cart=; Max-Age=0", 0) == 0);
    CHECK_STR_EQ(header(j), "session=s2");
    CHECK(set(j, "gone=1; Max-Age=-5", 0) == 0); /* never stored */
    CHECK(set(j, "empty=", 0) == 0);
    CHECK_STR_EQ(header(j), "session=s2; empty=");
    CHECK(set(j, "empty=; Max-Age=0", 0) == 0);
    CHECK(set(j, "novalue", 0) == -1);
    CHECK(set(j, "=x", 0) == -1);
    CHECK(set(j, "", 0) == -1);
    CHECK(set(j, "x=1\rInjected: yes", 0) == -1); /* would split the request's header */
    CHECK(set(j, "x\t=1", 0) == 0);               /* a tab around the name is space */
    CHECK(set(j, "x\ty=1", 0) == -1);
    cookie_jar_clear(j);
    CHECK_INT_EQ(cookie_jar_count(j), 0);
    CHECK_STR_EQ(header(j), "");
    cookie_jar_destroy(j);
}

static void test_expires(void)
{
    struct cookie_jar *j = cookie_jar_create(8, 256);
    const int64_t t2015 = 1445412480; /* Wed, 21 Oct 2015 07:28:00 GMT */
    CHECK(set(j, "a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", t2015 - 1) == 0);
    CHECK_STR_EQ(header(j), "a=1");
    CHECK(set(j, "a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", t2015) == 0);
    CHECK_STR_EQ(header(j), "");
    /* The usual way to delete, and the old two-digit-year form. */
    CHECK(set(j, "b=1", t2015) == 0);
    CHECK(set(j, "b=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/", t2015) == 0);
    CHECK_STR_EQ(header(j), "");
    CHECK(set(j, "c=1; Expires=Sunday, 06-Nov-94 08:49:37 GMT", 784111776) == 0);
    CHECK_STR_EQ(header(j), "c=1");
    CHECK(set(j, "c=1; Expires=Sunday, 06-Nov-94 08:49:37 GMT", 784111777) == 0);
    CHECK_STR_EQ(header(j), "");
    /* Max-Age wins over Expires; a date that does not parse is ignored. */
    CHECK(set(j, "d=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60", t2015) == 0);
    CHECK(set(j, "e=1; Expires=tomorrow", t2015) == 0);
    CHECK(set(j, "f=1; Expires=Thu, 01 Foo 1970 00:00:00 GMT", t2015) == 0);
    CHECK_STR_EQ(header(j), "d=1; e=1; f=1");
    cookie_jar_destroy(j);

    /* A year past what the seconds can hold is far future, not an overflow. */
    j = cookie_jar_create(8, 256);
    CHECK(set(j, "g=1; Expires=Thu, 01 Jan 99999999999999999 00:00:00 GMT", t2015) == 0);
    CHECK_STR_EQ(header(j), "g=1");
    cookie_jar_destroy(j);
}

static void test_capacity(void)
{
    struct cookie_jar *j = cookie_jar_create(2, 12);
    CHECK(set(j, "a=12345", 0) == 0); /* 7 bytes */
    CHECK(set(j, "b=123", 0) == 0);   /* 5: full */
    CHECK(set(j, "c=1", 0) == -1);    /* no slot */
    CHECK(set(j, "b=1234", 0) == -1); /* no room: unchanged */
    CHECK_STR_EQ(header(j), "a=12345; b=123");
    CHECK(set(j, "a=1", 0) == 0); /* smaller fits */
    CHECK(set(j, "b=1234567", 0) == 0);
    CHECK_STR_EQ(header(j), "a=1; b=1234567");
    char small[8];
    size_t n;
    CHECK(cookie_jar_header(j, small, sizeof small, &n) == -1);
    cookie_jar_destroy(j);
    CHECK(cookie_jar_create(1, (size_t)UINT32_MAX + 1) == NULL);
}

static void test_update_from_head(void)
{
    struct cookie_jar *j = cookie_jar_create(8, 256);
    const char *head = "HTTP/1.1 200 OK\r\n"
                       "Set-Cookie: session=s1; Path=/\r\n"
                       "Content-Type: text/html\r\n"
                       "set-cookie: cart=c9\r\n"
                       "Set-Cookie: broken\r\n"
                       "\r\n"
                       "Set-Cookie: body=not-a-header\r\n";
    CHECK_INT_EQ(cookie_jar_update(j, head, strlen(head), 0), 1);
    CHECK_STR_EQ(header(j), "session=s1; cart=c9");
    cookie_jar_destroy(j);
}

int main(void)
{
    RUN(test_set_replace_delete);
    RUN(test_expires);
    RUN(test_capacity);
    RUN(test_update_from_head);
    return check_summary();
}
