/*
 * The run report as JSON (reports/schema/report.schema.json): the contract of storecheck's
 * results. Every other report format is rendered from this document.
 */
#ifndef STORECHECK_REPORTS_REPORT_JSON_H
#define STORECHECK_REPORTS_REPORT_JSON_H

#include <cjson/cJSON.h>

#include "reports/report_model.h"

/* The document (the caller deletes it). Every string passes through the secret list. */
cJSON *report_json_build(const struct report_run *run);

#endif
