#include "probes/problem.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

int problem_check(const struct http_response *r, char *why, size_t len)
{
    const char *ct = http_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "application/problem+json", 24) != 0) {
        snprintf(why, len, "Content-Type: %s, not application/problem+json", ct ? ct : "(none)");
        return -1;
    }
    cJSON *doc = cJSON_Parse(r->body ? r->body : "");
    int rc = -1;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(doc, "status");
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(doc, "title");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "type");
    if (!cJSON_IsObject(doc))
        snprintf(why, len, "the body is not a JSON object");
    else if (status && (!cJSON_IsNumber(status) || (int)status->valuedouble != r->status))
        snprintf(why, len, "\"status\" %s does not match the HTTP status %d",
                 cJSON_IsNumber(status) ? "member" : "is not a number and", r->status);
    else if (!cJSON_IsString(title))
        snprintf(why, len, "no \"title\" string");
    else if (type && !cJSON_IsString(type))
        snprintf(why, len, "\"type\" is not a string (a URI reference)");
    else {
        snprintf(why, len, "problem+json: type %s, title \"%.60s\", status %s",
                 type ? type->valuestring : "(about:blank)", title->valuestring,
                 status ? "matches" : "(absent)");
        rc = 0;
    }
    cJSON_Delete(doc);
    return rc;
}
