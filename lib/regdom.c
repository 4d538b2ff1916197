/*
 * NAME
 *   regdom - registered domains from the Public Suffix List
 * SYNOPSIS
 *   #include "regdom.h"
 * DESCRIPTION
 *   One psl_ctx_t per process, made by psl_latest(NULL) under
 *   pthread_once: libpsl picks the newer of the distribution's DAFSA file
 *   (/usr/share/publicsuffix/public_suffix_list.dafsa, Debian package
 *   "publicsuffix") and its built-in list; if neither loads, psl_builtin()
 *   and, as a last resort, no list at all (then every name's registered
 *   domain is its last two labels, the PSL's default rule). The context is
 *   never changed after loading and never freed; libpsl's lookups only
 *   read it, so concurrent calls are safe.
 *
 *   A name is lowercased into a bounded buffer and must consist of
 *   letters, digits, '-', '_' and '.'; libpsl never sees anything else
 *   (no IDNA conversion on hostile bytes). The registered domain is the
 *   longest public suffix of the name plus the label to its left, found
 *   by asking libpsl about each suffix from the longest down, so the
 *   ICANN-only view needs no second list.
 * SEE ALSO
 *   https://publicsuffix.org/, libpsl(3)
 */
#include "regdom.h"

#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libpsl.h>

#include "name.h"

static pthread_once_t regdom_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *regdom_psl;
static char regdom_from[128];

static void regdom_load(void)
{
    const psl_ctx_t *p = psl_latest(NULL);
    const char *dist = psl_dist_filename();
    char day[16] = "?";
    struct stat st;
    struct tm tm;
    time_t t = 0;

    if (p == NULL)
        p = psl_builtin();
    regdom_psl = p;
    if (p == NULL) {
        snprintf(regdom_from, sizeof(regdom_from), "no list (default rule only)");
        return;
    }
    if (p == psl_builtin())
        t = psl_builtin_file_time();
    else if (dist != NULL && stat(dist, &st) == 0)
        t = st.st_mtime;
    if (t > 0 && gmtime_r(&t, &tm) != NULL)
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    snprintf(regdom_from, sizeof(regdom_from), "%s (%s)",
             p == psl_builtin() ? "libpsl built-in list" : dist, day);
}

static const psl_ctx_t *regdom_ctx(void)
{
    pthread_once(&regdom_once, regdom_load);
    return regdom_psl;
}

const char *rdns_regdom_source(void)
{
    (void)regdom_ctx();
    return regdom_from;
}

/* Lowercased copy without the trailing dot; false for names libpsl
 * should not see. */
static bool regdom_copy(const char *name, char *buf, size_t buflen, size_t *len)
{
    size_t n;

    if (name == NULL)
        return false;
    n = strnlen(name, RDNS_NAME_MAX + 2);
    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0 || n > RDNS_NAME_MAX || n >= buflen)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
        if (c == '.' && (i == 0 || name[i - 1] == '.'))
            return false;           /* empty label */
        buf[i] = c;
    }
    buf[n] = '\0';
    *len = n;
    return true;
}

static bool regdom_public(const psl_ctx_t *p, const char *s, int sections)
{
    int type = sections == RDNS_REGDOM_ICANN ? PSL_TYPE_ICANN : PSL_TYPE_ANY;

    if (p == NULL)                  /* no list: the default rule "*" */
        return strchr(s, '.') == NULL;
    return psl_is_public_suffix2(p, s, type) != 0;
}

/* The longest gap between a rule of the ICANN section and its nearest
 * public ancestor is one label ("*.kawasaki.jp" under "jp"). Checked
 * when this was written: for "a.b.RULE" of every ICANN rule of Debian's
 * list (7,380 names) the walk below and a walk over every suffix agree. */
#define REGDOM_ICANN_GAP 1

/* Offset of the registered domain in buf, or -1. The ICANN view walks
 * from the top-level label down (a top-level label is always public, by
 * the list or its default rule) and stops REGDOM_ICANN_GAP + 1 labels past
 * the last public suffix: two libpsl calls for most PTR names instead of
 * one per label. The private section has deeper gaps
 * (s3.dualstack.<region>.amazonaws.com), so the full view asks about
 * every suffix. */
static long regdom_offset(const char *buf, size_t len, int sections)
{
    const psl_ctx_t *p = regdom_ctx();
    size_t starts[RDNS_NAME_MAX / 2 + 2], ns = 0;
    long prev = -1;

    if (sections == RDNS_REGDOM_ICANN) {
        size_t gap = 0;
        long pub;

        for (size_t i = 0; i < len; i++)
            if (i == 0 || buf[i - 1] == '.')
                starts[ns++] = i;
        pub = (long)ns - 1;
        for (size_t k = ns - 1; k-- > 0 && gap <= REGDOM_ICANN_GAP;) {
            if (regdom_public(p, buf + starts[k], sections)) {
                pub = (long)k;
                gap = 0;
            } else {
                gap++;
            }
        }
        return pub <= 0 ? -1 : (long)starts[pub - 1];
    }
    for (size_t i = 0; i < len;) {
        if (regdom_public(p, buf + i, sections))
            return prev;
        prev = (long)i;
        while (i < len && buf[i] != '.')
            i++;
        i++;
    }
    return -1;                      /* not reached: the last label is public */
}

const char *rdns_regdom_find(const char *name, int sections)
{
    char buf[RDNS_NAME_MAX + 2];
    size_t len;
    long off;

    if (!regdom_copy(name, buf, sizeof(buf), &len))
        return NULL;
    off = regdom_offset(buf, len, sections);
    return off < 0 ? NULL : name + off;
}

size_t rdns_regdom_labels(const char *name, int sections)
{
    const char *d = rdns_regdom_find(name, sections);
    size_t n = 0;

    if (d == NULL)
        return 0;
    for (n = 1; *d != '\0'; d++)
        if (*d == '.' && d[1] != '\0')
            n++;
    return n;
}

bool rdns_regdom_is_suffix(const char *name, int sections)
{
    char buf[RDNS_NAME_MAX + 2];
    size_t len;

    if (!regdom_copy(name, buf, sizeof(buf), &len))
        return false;
    return regdom_public(regdom_ctx(), buf, sections);
}

bool rdns_regdom_tld_listed(const char *label)
{
    char buf[RDNS_NAME_MAX + 2];
    const psl_ctx_t *p = regdom_ctx();
    size_t len;

    if (!regdom_copy(label, buf, sizeof(buf), &len) || strchr(buf, '.') != NULL)
        return false;
    if (p == NULL)
        return true;
    return psl_is_public_suffix2(p, buf, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
}
