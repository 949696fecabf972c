#include "reports/json_exact.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/oom.h"
#include "reports/json_fields.h"

/* v as a raw item of its exact text (null when v is not finite, as cJSON prints it). */
static cJSON *exact_number(double v)
{
    if (!isfinite(v))
        return cJSON_CreateNull();
    char text[32];
    if (v == floor(v) && fabs(v) <= JSON_FIELDS_MAX_EXACT) {
        snprintf(text, sizeof text, "%.0f", v);
    } else {
        snprintf(text, sizeof text, "%.15g", v);
        if (strtod(text, NULL) != v)
            snprintf(text, sizeof text, "%.17g", v);
    }
    cJSON *item = cJSON_CreateRaw(text);
    if (!item)
        oom_abort(0);
    return item;
}

/* Every number under o becomes its exact text. */
static void numbers_to_text(cJSON *o)
{
    cJSON *next;
    for (cJSON *c = o->child; c; c = next) {
        next = c->next;
        if (cJSON_IsNumber(c)) {
            cJSON *text = exact_number(c->valuedouble);
            text->string = c->string; /* the member's name moves to its new value */
            c->string = NULL;
            cJSON_ReplaceItemViaPointer(o, c, text);
        } else {
            numbers_to_text(c);
        }
    }
}

char *json_print_exact(const cJSON *doc)
{
    /* A copy, as the caller's tree keeps its numbers for the renderers that read it. */
    cJSON *copy = cJSON_Duplicate(doc, 1);
    if (!copy)
        oom_abort(0);
    numbers_to_text(copy);
    char *text = cJSON_Print(copy);
    cJSON_Delete(copy);
    if (!text)
        oom_abort(0);
    return text;
}
