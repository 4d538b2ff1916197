/*
 * neighbours - the PTR names of adjacent addresses as evidence of a pool
 * (see neighbours.h for the contract).
 */
#include "neighbours.h"

#include <string.h>
#include <sys/socket.h>

#include "name.h"

/* Digits in a template's number: fewer and the names are more likely an
 * operator's numbered servers (mail1, mx02) than a pool. */
#define NB_MIN_DIGITS 3

static bool nb_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char nb_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool rdns_neighbours_candidate(const char *name)
{
    size_t run = 0;

    if (name == NULL)
        return false;
    for (const char *p = name; *p != '\0' && *p != '.'; p++) {
        run = nb_digit(*p) ? run + 1 : 0;
        if (run >= NB_MIN_DIGITS)
            return true;
    }
    return false;
}

bool rdns_neighbours_same_template(const char *a, const char *b)
{
    const char *pa, *pb, *x, *y;
    bool differs = false;

    if (a == NULL || b == NULL)
        return false;
    pa = strchr(a, '.');
    pb = strchr(b, '.');
    /* the same parent, and a parent below a top-level domain */
    if (pa == NULL || pb == NULL || strchr(pa + 1, '.') == NULL
        || !rdns_name_equal(pa + 1, pb + 1))
        return false;
    for (x = a, y = b; x < pa && y < pb;) {
        if (nb_digit(*x) && nb_digit(*y)) {
            const char *x0 = x, *y0 = y;

            while (x < pa && nb_digit(*x))
                x++;
            while (y < pb && nb_digit(*y))
                y++;
            if ((size_t)(x - x0) == (size_t)(y - y0) && memcmp(x0, y0, (size_t)(x - x0)) == 0)
                continue;
            if (x - x0 < NB_MIN_DIGITS || y - y0 < NB_MIN_DIGITS)
                return false;
            differs = true;
            continue;
        }
        if (nb_digit(*x) || nb_digit(*y) || nb_lower(*x) != nb_lower(*y))
            return false;
        x++;
        y++;
    }
    return x == pa && y == pb && differs;
}

/* One neighbour: does it have a name of the template? what gets its
 * name, or why not, for the detail line. */
static bool nb_fits(rdns_dns *dns, const rdns_addr *nb, const char *name, int64_t deadline,
                    char *what, size_t len)
{
    char rev[RDNS_REVNAME_LEN], ip[RDNS_ADDR_STRLEN], shown[80];
    rdns_dns_answer *ans;
    bool fits = false;

    rdns_addr_format(nb, ip, sizeof(ip));
    rdns_addr_revname(nb, rev, sizeof(rev));
    ans = rdns_dns_lookup(dns, rev, RDNS_DNS_PTR, deadline);
    if (ans->status != RDNS_DNS_OK || ans->names.n == 0) {
        rdns_textf(what, len, "%s %s", ip,
                   ans->status == RDNS_DNS_TEMPFAIL ? "did not answer" : "has no PTR");
    } else {
        size_t pick = 0;

        for (size_t i = 0; i < ans->names.n; i++) {
            if (rdns_neighbours_same_template(name, ans->names.v[i])) {
                fits = true;
                pick = i;
                break;
            }
        }
        rdns_sanitize(shown, sizeof(shown), ans->names.v[pick], strlen(ans->names.v[pick]));
        rdns_textf(what, len, "%s is %s", ip, shown);
    }
    rdns_dns_answer_free(ans);
    return fits;
}

bool rdns_neighbours_pool(rdns_dns *dns, const rdns_addr *client, const char *name,
                          int64_t deadline, char *detail, size_t len)
{
    int off[2] = {-1, 1};
    char what[2][128];
    bool fit[2];

    if (client == NULL || client->family != AF_INET || dns == NULL || name == NULL) {
        rdns_textf(detail, len, "neighbours not asked (IPv4 only)");
        return false;
    }
    if (client->b[3] == 0) {
        off[0] = 1;
        off[1] = 2;
    } else if (client->b[3] == 255) {
        off[0] = -2;
        off[1] = -1;
    }
    for (int k = 0; k < 2; k++) {
        rdns_addr nb = *client;

        nb.b[3] = (unsigned char)(client->b[3] + off[k]);
        fit[k] = nb_fits(dns, &nb, name, deadline, what[k], sizeof(what[k]));
    }
    if (fit[0] && fit[1]) {
        rdns_textf(detail, len, "named from one template with its neighbours (%s, %s): "
                   "a provider's pool", what[0], what[1]);
        return true;
    }
    rdns_textf(detail, len, "not one template with its neighbours (%s, %s)", what[0], what[1]);
    return false;
}
