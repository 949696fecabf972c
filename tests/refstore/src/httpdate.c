#include "httpdate.h"

#include <stdio.h>
#include <string.h>

#include "broken.h"
#include "store.h"

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void httpdate_format(time_t t, char *out)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    /* Years past 9999 would not fit; the compiler cannot know they never come. */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    memcpy(out, tmp, HTTPDATE_LEN);
    out[HTTPDATE_LEN] = '\0';
}

const char *httpdate_now(void)
{
    static char cached[HTTPDATE_LEN + 1];
    static time_t cached_at = -1;
    time_t now = (time_t)store_now() - (broken(BROKEN_CLOCK_SKEW) ? 3600 : 0);
    if (now != cached_at) {
        httpdate_format(now, cached);
        cached_at = now;
    }
    return cached;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool httpdate_parse(const char *s, size_t n, time_t *t)
{
    if (n != HTTPDATE_LEN || s[3] != ',' || s[4] != ' ' || memcmp(s + 25, " GMT", 4) != 0)
        return false;
    struct tm tm = {0};
    tm.tm_mday = num(s + 5, 2);
    tm.tm_mon = -1;
    for (int i = 0; i < 12; i++)
        if (memcmp(s + 8, months[i], 3) == 0)
            tm.tm_mon = i;
    tm.tm_year = num(s + 12, 4) - 1900;
    tm.tm_hour = num(s + 17, 2);
    tm.tm_min = num(s + 20, 2);
    tm.tm_sec = num(s + 23, 2);
    if (tm.tm_mday < 1 || tm.tm_mon < 0 || tm.tm_year < 70 || tm.tm_hour < 0 || tm.tm_min < 0 ||
        tm.tm_sec < 0 || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
        s[22] != ':')
        return false;
    *t = timegm(&tm);
    return true;
}
