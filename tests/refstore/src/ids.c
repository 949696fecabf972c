#include "ids.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t key;

void ids_init(void)
{
    if (RAND_bytes((unsigned char *)&key, sizeof key) != 1)
        abort(); /* the OS random source is gone */
}

static uint32_t tag(char prefix, uint32_t seq)
{
    uint64_t h = key ^ ((uint64_t)(unsigned char)prefix << 56) ^ seq;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

void ids_make(char prefix, uint32_t seq, char out[IDS_LEN])
{
    snprintf(out, IDS_LEN, "%c_%08x%08x", prefix, seq, tag(prefix, seq));
}

static bool hex32(const char *s, uint32_t *v)
{
    *v = 0;
    for (int i = 0; i < 8; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return false;
        *v = *v << 4 | d;
    }
    return true;
}

bool ids_parse(char prefix, const char *s, size_t n, uint32_t *seq)
{
    uint32_t t;
    if (n != IDS_LEN - 1 || s[0] != prefix || s[1] != '_' || !hex32(s + 2, seq) ||
        !hex32(s + 10, &t))
        return false;
    return t == tag(prefix, *seq);
}

void ids_random(char out[IDS_RANDOM_LEN])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1)
        abort(); /* the OS random source is gone */
    for (size_t i = 0; i < sizeof raw; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[32] = '\0';
}
