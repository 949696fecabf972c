/* Webhook signature headers: the input is "secret\nid\ntimestamp\nsignature\nbody", verified
 * in all three schemes. Whatever the header says, verification ends with a verdict; and what
 * whsig_sign makes for that secret, id and body always verifies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/webhook_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Split off the next line of s (NUL-terminated in place). */
static char *next_line(char **s)
{
    char *line = *s, *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *s = nl + 1;
    } else {
        *s = line + strlen(line);
    }
    return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *p = text;
    char *secret = next_line(&p), *id = next_line(&p), *ts = next_line(&p);
    char *sig = next_line(&p), *body = p;
    static const enum webhook_scheme schemes[] = {WEBHOOK_STANDARD, WEBHOOK_STRIPE,
                                                  WEBHOOK_SHOPIFY};
    for (size_t i = 0; i < 3; i++) {
        long long t;
        char why[200];
        whsig_verify(schemes[i], secret, id, ts, sig, body, strlen(body), &t, why, sizeof why);
        char lines[3][256];
        if (strlen(id) > 100 || strchr(id, ' ') ||
            whsig_sign(schemes[i], secret, id, 1700000000LL, body, strlen(body), lines) != 0)
            continue;
        /* The value after "Name: " of the signature line. */
        const char *made = strchr(lines[schemes[i] == WEBHOOK_STANDARD ? 2 : 0], ':') + 2;
        if (whsig_verify(schemes[i], secret, id, "1700000000", made, body, strlen(body), &t, why,
                         sizeof why) != WHSIG_VALID)
            abort();
    }
    free(text);
    return 0;
}
