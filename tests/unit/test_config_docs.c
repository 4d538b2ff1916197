/*
 * test_config_docs - rdns-milter.yaml(5) documents every key the parser
 * accepts, each with its default; the defaults it states for numbers are
 * the compiled-in ones; every YAML example in it is a valid config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"

#define MAN_PAGE RDNS_TEST_DATA "/../../man/rdns-milter.yaml.5"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t cap = 1 << 17, n;
    char *buf;

    if (f == NULL) {
        perror(path);
        return NULL;
    }
    buf = malloc(cap);
    n = buf ? fread(buf, 1, cap - 1, f) : 0;
    fclose(f);
    if (buf == NULL || n == 0 || n == cap - 1) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* The part of the page that documents key: from its ".TP\n.B key\n"
 * heading to the next heading or section (copied; free it). */
static char *key_block(const char *page, const char *key)
{
    char head[128];
    const char *start, *end, *p;
    char *out;

    snprintf(head, sizeof(head), "\n.TP\n.B %s\n", key);
    start = strstr(page, head);
    if (start == NULL)
        return NULL;
    start += strlen(head);
    end = start + strlen(start);
    if ((p = strstr(start, "\n.TP\n.B ")) != NULL && p < end)
        end = p;
    if ((p = strstr(start, "\n.SH ")) != NULL && p < end)
        end = p;
    out = malloc((size_t)(end - start) + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return out;
}

static void test_every_key_documented(const char *page)
{
    size_t n = 0;

    for (const char *const *k = rdns_config_keys(); *k != NULL; k++, n++) {
        char *block = key_block(page, *k);

        if (block == NULL) {
            fprintf(stderr, "man page: no \".TP/.B %s\" entry\n", *k);
            CHECK(0);
            continue;
        }
        CHECK(1);
        /* Each entry states its default and says something about it. */
        if (strstr(block, "efault") == NULL || strlen(block) < 60) {
            fprintf(stderr, "man page: entry %s lacks its default or an explanation\n", *k);
            CHECK(0);
        }
        free(block);
    }
    CHECK(n > 20);
}

/* Numbers the page gives as defaults equal the compiled-in ones. */
static void test_numeric_defaults(const char *page)
{
    rdns_config *d = rdns_config_default();
    const struct {
        const char *key;
        double value;
    } nums[] = {
        {"threshold", d->threshold},
        {"dns.timeout_ms", d->dns_timeout_ms},
        {"dns.retries", d->dns_retries},
        {"dns.budget_ms", d->dns_budget_ms},
        {"dns.max_ptr_names", d->max_ptr_names},
        {"dns.max_cname_depth", d->max_cname_depth},
        {"dns.cache_size", d->dns_cache_size},
        {"dns.cache_max_ttl", d->dns_cache_max_ttl},
        {"dns.cache_min_ttl", d->dns_cache_min_ttl},
        {"dns.workers", d->dns_workers},
        {"milter.stats_interval", d->stats_interval},
    };

    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        char *block = key_block(page, nums[i].key);
        char want[64];

        if (nums[i].value == (double)(long)nums[i].value && strchr(nums[i].key, '.'))
            snprintf(want, sizeof(want), "default\n.BR %ld .", (long)nums[i].value);
        else
            snprintf(want, sizeof(want), "default\n.BR %.1f .", nums[i].value);
        CHECK(block != NULL && strstr(block, want) != NULL);
        if (block == NULL || strstr(block, want) == NULL)
            fprintf(stderr, "man page: %s should say \"%s\"\n", nums[i].key, want);
        free(block);
    }
    for (int c = 0; c < RDNS_CHECK_COUNT; c++) {
        char key[64], want[64], *block;

        snprintf(key, sizeof(key), "weights.%s", rdns_check_name((rdns_check)c));
        snprintf(want, sizeof(want), "Default\n.BR %.1f .", d->weights[c]);
        block = key_block(page, key);
        CHECK(block != NULL && strstr(block, want) != NULL);
        if (block == NULL || strstr(block, want) == NULL)
            fprintf(stderr, "man page: %s should say \"%s\"\n", key, want);
        free(block);
    }
    rdns_config_free(d);
}

/* Roff source of an example back to the YAML it shows. */
static void unescape(char *s)
{
    static const struct {
        const char *from, *to;
    } esc[] = {{"\\-", "-"}, {"\\e", "\\"}, {"\\(aq", "'"}, {"\\(dq", "\""}};
    char *o = s;

    while (*s) {
        size_t i;

        for (i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
            size_t n = strlen(esc[i].from);

            if (strncmp(s, esc[i].from, n) == 0) {
                size_t m = strlen(esc[i].to);

                memmove(o, esc[i].to, m);
                o += m;
                s += n;
                break;
            }
        }
        if (i == sizeof(esc) / sizeof(esc[0]))
            *o++ = *s++;
    }
    *o = '\0';
}

/* Every .EX block that starts with a key is a config that must load. */
static void test_examples_parse(const char *page)
{
    const char *p = page;
    int parsed = 0;

    while ((p = strstr(p, "\n.EX\n")) != NULL) {
        const char *start = p + 5, *end = strstr(start, "\n.EE\n");
        char *yaml, err[512];
        rdns_config *c;

        if (end == NULL)
            break;
        p = end;
        if (*start < 'a' || *start > 'z')
            continue;           /* error output, not a config */
        yaml = malloc((size_t)(end - start) + 2);
        if (yaml == NULL)
            break;
        memcpy(yaml, start, (size_t)(end - start));
        yaml[end - start] = '\n';
        yaml[end - start + 1] = '\0';
        unescape(yaml);
        c = rdns_config_parse("example", yaml, strlen(yaml), err, sizeof(err));
        CHECK(c != NULL);
        if (c == NULL)
            fprintf(stderr, "man page example fails: %s\n---\n%s---\n", err, yaml);
        rdns_config_free(c);
        free(yaml);
        parsed++;
    }
    CHECK(parsed >= 4);
}

int main(void)
{
    char *page = read_all(MAN_PAGE);

    CHECK(page != NULL);
    if (page == NULL)
        CHECK_DONE();
    CHECK(strncmp(page, ".TH RDNS-MILTER.YAML 5", 22) == 0);
    test_every_key_documented(page);
    test_numeric_defaults(page);
    test_examples_parse(page);
    free(page);
    CHECK_DONE();
}
