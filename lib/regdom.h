#ifndef RDNS_REGDOM_H
#define RDNS_REGDOM_H
/*
 * regdom - the registered (organisational) domain of a host name, from
 * the Public Suffix List (libpsl).
 *
 * The list is loaded once per process, on first use: the distribution's
 * file (Debian's "publicsuffix" package, /usr/share/publicsuffix) when it
 * is newer than the copy built into libpsl, else the built-in copy. After
 * that it is only read, so every thread may call these functions.
 *
 * Two views of the list:
 *   RDNS_REGDOM_ICANN  only the ICANN section: who registered the name
 *                      with a registry ("compute-1.amazonaws.com" is
 *                      under amazonaws.com). Right for PTR names, which
 *                      the address owner makes.
 *   RDNS_REGDOM_ANY    ICANN and private sections: who controls the name
 *                      ("x.blogspot.com", "foo.s3.amazonaws.com" are
 *                      registrations of their own). Right for trust
 *                      boundaries such as whitelist suffixes.
 */
#include <stdbool.h>
#include <stddef.h>

enum { RDNS_REGDOM_ICANN = 1, RDNS_REGDOM_ANY = 3 };

/* The registered domain of name (any case, one trailing dot allowed), as
 * a pointer into name; NULL when name is itself a public suffix, or is
 * empty, too long or holds bytes other than letters, digits, '-', '_'
 * and '.'. Unknown top-level domains count as public suffixes (the PSL's
 * default rule), so "host.example" gives "host.example". */
const char *rdns_regdom_find(const char *name, int sections);

/* How many labels the registered domain of name has (0 as for NULL). */
size_t rdns_regdom_labels(const char *name, int sections);

/* True when name (any case) is a public suffix in the given sections:
 * "co.uk", "com", "blogspot.com" (RDNS_REGDOM_ANY only). */
bool rdns_regdom_is_suffix(const char *name, int sections);

/* True when label (one label, any case) is a top-level domain the list
 * names ("com", "uk", "xn--p1ai"), false for one only the default rule
 * covers ("adsl", "local", "lan"); true when no list could be loaded,
 * since then nothing can be told apart. */
bool rdns_regdom_tld_listed(const char *label);

/* Where the list came from ("/usr/share/publicsuffix/...", "built-in")
 * and its date, for rdns-check and the log; loads it when not yet done. */
const char *rdns_regdom_source(void);

#endif
