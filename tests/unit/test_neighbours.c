/* Tests of lib/neighbours.c (which names are worth asking about, what is
 * one template) and of the list check that neighbours never overrule
 * (rdns_generic_known_server). The lookups themselves run against NSD in
 * tests/scenarios (cases "Neighbours of an undecided name"). */
#include "check.h"
#include "generic_ptr.h"
#include "neighbours.h"
#include "strlist.h"

int main(void)
{
    rdns_strlist not_generic = {0};
    rdns_generic *g;
    char err[256];

    /* candidates: a run of three digits in the first label */
    CHECK(rdns_neighbours_candidate("kx20451.nbr.example"));
    CHECK(rdns_neighbours_candidate("web104.uniq.example"));
    CHECK(!rdns_neighbours_candidate("mail1.example.com"));
    CHECK(!rdns_neighbours_candidate("mx02.example.com"));
    CHECK(!rdns_neighbours_candidate("a1b2c3.example.com"));     /* no run of three */
    CHECK(!rdns_neighbours_candidate("mail.123.example"));       /* not the first label */
    CHECK(!rdns_neighbours_candidate(""));
    CHECK(!rdns_neighbours_candidate(NULL));

    /* one template: same parent, digits differing in runs of three or more */
    CHECK(rdns_neighbours_same_template("kx20451.nbr.example", "kx20452.nbr.example"));
    CHECK(rdns_neighbours_same_template("KX20451.nbr.example.", "kx20452.NBR.example"));
    CHECK(rdns_neighbours_same_template("c-700-131.sp.example.jp", "c-700-132.sp.example.jp"));
    CHECK(rdns_neighbours_same_template("line999.isp.example", "line1000.isp.example"));
    CHECK(!rdns_neighbours_same_template("kx20451.nbr.example", "kx20451.nbr.example"));
    CHECK(!rdns_neighbours_same_template("kx20451.nbr.example", "kx20452.other.example"));
    CHECK(!rdns_neighbours_same_template("kx20451.nbr.example", "ky20452.nbr.example"));
    CHECK(!rdns_neighbours_same_template("mail1.srv.example", "mail2.srv.example"));
    CHECK(!rdns_neighbours_same_template("f54.google.example", "f55.google.example"));
    CHECK(!rdns_neighbours_same_template("kx20451.nbr.example", "kx20451a.nbr.example"));
    CHECK(!rdns_neighbours_same_template("kx20451.example", "kx20452.example"));  /* TLD parent */
    CHECK(!rdns_neighbours_same_template("kx20451", "kx20452"));
    CHECK(!rdns_neighbours_same_template(NULL, "kx20452.nbr.example"));

    /* the lists neighbours never overrule */
    rdns_strlist_add(&not_generic, "srv2.nbr.example");
    rdns_strlist_add(&not_generic, "~^h[0-9]+\\.lst\\.example$");
    g = rdns_generic_create(NULL, &not_generic, err, sizeof(err));
    CHECK(g != NULL);
    CHECK(rdns_generic_known_server(g, "h10101.srv2.nbr.example", 0));
    CHECK(rdns_generic_known_server(g, "H777.lst.example.", 0));
    CHECK(rdns_generic_known_server(g, "mail-wr1-f54.google.com", 0));
    CHECK(!rdns_generic_known_server(g, "mail-wr1-f54.google.com", RDNS_GENERIC_NO_SENDER_LIST));
    CHECK(!rdns_generic_known_server(g, "10-20-30-40.out.esp.example", 0));
    CHECK(rdns_generic_known_server(g, "10-20-30-40.out.esp.example", RDNS_GENERIC_CONFIRMED));
    CHECK(!rdns_generic_known_server(g, "kx20451.nbr.example", RDNS_GENERIC_CONFIRMED));
    CHECK(!rdns_generic_known_server(g, "", 0));
    CHECK(!rdns_generic_known_server(NULL, "kx20451.nbr.example", 0));
    rdns_generic_free(g);
    rdns_strlist_clear(&not_generic);
    CHECK_DONE();
}
