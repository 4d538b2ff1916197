#ifndef RDNS_REPORT_H
#define RDNS_REPORT_H
/*
 * report - rdns-check's two renderings of an evaluation: a page for people
 * (each check, its result, its score, and what to fix) and one JSON object
 * for scripts, whose field and check names are a stable interface.
 */
#include <stdbool.h>
#include <stdio.h>

#include "eval.h"

/* trusted: the client is in trusted_networks (the milter never scores it). */
void report_text(FILE *fp, const rdns_eval *ev, const rdns_config *cfg, bool trusted);
void report_json(FILE *fp, const rdns_eval *ev, const rdns_config *cfg, bool trusted);

/* rdns-check --classify: offline verdict on one name. */
void report_classify_text(FILE *fp, const char *name, bool generic, const char *reason);
void report_classify_json(FILE *fp, const char *name, bool generic, const char *reason);

#endif
