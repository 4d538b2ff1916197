/*
 * test_generic_ptr - the generic-PTR classifier case by case: each IP
 * encoding, tokens and server tokens, the built-in sender list, admin
 * patterns and not_generic entries, pattern errors, and hostile input.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "generic_ptr.h"
#include "strlist.h"
#include "check.h"

typedef struct tcase {
    const char *name;
    const char *ip;             /* NULL: classify without an address */
    bool generic;
    const char *reason_has;     /* substring the reason must contain, or NULL */
} tcase;

static const tcase cases[] = {
    /* the brief's names */
    {"c-24-61-36-227.hsd1.ma.comcast.net", "24.61.36.227", true,
     "client IP 24.61.36.227 embedded as 24-61-36-227 in the first label"},
    {"dsl.static851056487.ttnet.net.tr", "85.105.64.87", true,
     "client IP 85.105.64.87 embedded as 851056487 in label 2"},
    {"r186-49-230-196.dialup.adsl.anteldata.net", "186.49.230.196", true,
     "embedded as 186-49-230-196"},
    {"mail-wr1-f54.google.com", "209.85.221.54", false, "known mail sender domain google.com"},
    {"a8-30.smtp-out.amazonses.com", "54.240.8.30", false,
     "known mail sender domain amazonses.com"},
    {"mail-db8eur05on2100.outbound.protection.outlook.com", "40.107.20.100", false,
     "known mail sender domain outlook.com"},
    /* encodings */
    {"34.12.92.79.rev.sfr.net", "79.92.12.34", true, "embedded as 34.12.92.79"},
    {"dslb-178-012-034-056.178.pools.vodafone-ip.de", "178.12.34.56", true,
     "embedded as 178-012-034-056"},
    {"syn-071-085-012-034.res.spectrum.com", "71.85.12.34", true, "embedded as 071-085-012-034"},
    {"p57a1b2c3.dip0.t-ipconnect.de", "87.161.178.195", true, "embedded as 57a1b2c3"},
    {"0x5da40c22.bynxx3.customer.tele.dk", "93.164.12.34", true, "embedded as 5da40c22"},
    {"ool-c3a40c22.dyn.optonline.net", "34.12.164.195", true, "embedded as c3a40c22"},
    {"chello062178012034.4.11.vie.surfer.at", "62.178.12.34", true,
     "embedded as 062178012034"},
    {"kd106154012034.au-net.ne.jp", "106.154.12.34", true, "embedded as 106154012034"},
    {"host-1432961111.example-isp.net", "85.105.64.87", true, "embedded as 1432961111"},
    {"180.sub-174-201-60.myvzw.com", "174.201.60.180", true, "client IP 174.201.60.180"},
    {"host230.186-108-172.telecom.net.ar", "186.108.172.230", true, "client IP"},
    /* the host octet padded wider than three digits by a template */
    {"lpz-85-105-64-00087.example-isp.bo", "85.105.64.87", true, "client IP"},
    {"modemcable046.114-131-66.mc.videotron.ca", "66.131.114.46", true,
     "embedded as 046.114-131-66"},
    {"host19-144-dynamic.22-79-r.retail.telecomitalia.it", "79.22.144.19", true,
     "last two octets of client IP 79.22.144.19 embedded as 19-144"},
    {"cust-64-87.dsl.example-isp.net", "85.105.64.87", true, "last two octets"},
    {"adsl-105-64-87.example-isp.net", "85.105.64.87", true, "last three octets"},
    /* IPv6 */
    {"2a02-a45e-1234-1-abcd-ef01-2345-6789.fixed6.kpn.net",
     "2a02:a45e:1234:1:abcd:ef01:2345:6789", true, "embedded as 2a02-a45e-1234-1-abcd"},
    {"p200300c1e7123400b6b6fcfffe123456.dip0.t-ipconnect.de",
     "2003:c1:e712:3400:b6b6:fcff:fe12:3456", true, "client IP 2003:c1:e712:3400"},
    {"2001-db8-12-3400--1a.ipv6.example-isp.net", "2001:db8:12:3400::1a", true,
     "embedded as 2001-db8-12-3400--1a"},
    {"5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.1.0.0.d.c.b.a.8.b.d.0.1.0.0.2.ip6.example.net",
     "2001:db8:abcd:12::5", true, "client IP"},
    {"mail.example.org", "2001:db8:10::25", false, "no IP embedding or ISP token"},
    /* partial matches alone are not enough */
    {"a8-30.smtp-out.example-ses.com", "54.240.8.30", false, "with server token 'smtp'"},
    {"mail-wr1-f54.example-mail.com", "209.85.221.54", false, NULL},
    {"m64-87.example.com", "85.105.64.87", false, "only last two octets"},
    /* a full address beats a server-ish first label only when nothing else speaks */
    {"mail-85-105-64-87.example.com", "85.105.64.87", false, "server token 'mail'"},
    /* without an address: tokens and shapes only */
    {"c-24-61-36-227.hsd1.ma.comcast.net", NULL, true, "first label holds four numbers"},
    {"pool-96-255-12-34.washdc.fios.verizon.net", NULL, true, NULL},
    {"dynamic.pool.example-isp.net", NULL, true, "ISP token"},
    {"aduz34.neoplus.adsl.tpnet.pl", NULL, true,
     "ISP token 'adsl' in label 3, numbered first label"},
    {"mail.python.org", NULL, false, "no IP embedding or ISP token"},
    {"mx2.freebsd.org", NULL, false, "no IP embedding or ISP token"},
    {"mail.dynamic-design.co.uk", NULL, false, "weak signs only (ISP token 'dynamic')"},
    {"static.example-cdn.net", NULL, false, "weak signs only"},
    /* the embedded address of another host: the name's shape still counts */
    {"c-1-2-3-4.hsd1.ma.comcast.net", "85.105.64.87", true, NULL},
    /* issue 13: evidence on names nobody wrote a rule for */
    {"d53-64-35-171.nap.wideopenwest.com", "64.53.171.35", true, "octets permuted"},
    {"s233-64-90-216.try.wideopenwest.com", "64.233.216.90", true, "octets permuted"},
    {"s0106a84e3f1b2c3d.vc.shawcable.net", NULL, true, "MAC-address-like"},
    {"h0002a5d76857.ne.client2.attbi.com", "65.96.12.59", true, "MAC-address-like"},
    {"h53n2fls32o828.telia.com", NULL, true, "letter and digit runs"},
    {"pcp04024417pcs.toresd01.pa.comcast.net", "68.86.206.126", true, "wrapped in letters"},
    {"s271272.static.corbina.ru", "78.107.251.238", true, "a tag and a number of six"},
    {"a96134.upc-a.chello.nl", NULL, true, "a letter and a number"},
    {"cm89.omega139.maxonline.com.sg", NULL, true, "ISP token 'cm'"},
    {"ti0123a400-1234.bb.online.no", NULL, true, "ISP token 'bb'"},
    {"CM-vina5-168-207.cm.vtr.net", "200.104.168.207", true, "last two octets"},
    {"leased-line-54-82.telecom.by", "217.21.54.82", true, "ISP token 'leased'"},
    {"ca-morpark-cuda1-zone7-b-159.vnnyca.adelphia.net", "67.23.129.159", true,
     "client IP's host octet"},
    {"p3012345-ipngn200404osakachuo.osaka.ocn.ne.jp", NULL, true, "ISP token 'ipngn'"},
    {"natpool62.rev.net", "63.148.93.62", true, "'pool' in the first label"},
    /* issue 13, round 2: the host's last two octets as all the first label
     * holds, placeholders, hosters' words, numbered labels */
    {"85-100.example-net.ru", "89.185.85.100", true, "last two octets"},
    {"diup-199-27.example.net.il", "213.8.199.27", true, "embedded as 199-27"},
    {"31.158.access.example-isp.ru", "178.46.158.31", true, "embedded as 31.158"},
    {"n53-h187.gw-net.example.ru", "81.22.53.187", true, "embedded as n53-h187"},
    {"unassigned.example-transit.com", "104.223.123.98", true, "ISP token 'unassigned'"},
    {"vps-a34f1667.vps.example-hoster.net", NULL, true, "ISP token 'vps'"},
    {"441061389-dedicated.example-hoster.com", NULL, true, "ISP token 'dedicated'"},
    {"56.sta.idc-2.example.lk", "220.247.223.56", true, "ISP token 'sta'"},
    {"anon-37-180.vpn.example.se", "46.246.37.180", true, "ISP token 'vpn'"},
    {"143005.ip-example.tech", NULL, true, "a long number"},
    /* ... and the server names they must leave alone */
    {"a11-64.smtp-out.example-ses.com", "54.240.11.64", false, NULL},
    {"m228-12.example-esp.net", "159.135.228.12", false, NULL},
    {"85-100.mail.example.org", "89.185.85.100", false, NULL},
    {"v85-h100.example.org", "89.185.10.85", false, NULL},
    {"host66.insuranceiq.com", "65.217.159.66", false, NULL},
    {"vps123456.example-hosting.net", NULL, true, "ISP token 'vps'"},
    {"dd12345.kasserver.com", NULL, false, NULL},
    {"liverpool12.example.co.uk", NULL, false, NULL},
    {"fed1rmmtao104.cox.net", NULL, false, NULL},
    {"tk2dcpuba02.msn.com", "65.54.195.210", false, NULL},
    /* issue 13, round 3: a tag and a number in the millions; the last two
     * octets padded explain a long number, which is then no line id */
    {"h1832461.example-hoster.net", "85.214.85.40", true, "a tag and a number of six"},
    {"vmi1234567.example-vps.net", NULL, true, "a tag and a number of six"},
    {"p15105218.example-hoster.info", NULL, true, "a tag and a number of six"},
    {"p3012034-ipxg00b01tokyo.tokyo.example-isp.ne.jp", NULL, true,
     "a tag and a number of six"},
    /* without the address: its padded twelve digits, two octet-like numbers */
    {"n219076184117.example-isp.com", NULL, true, "padded to twelve digits"},
    {"softbank126012034056.example-isp.net", NULL, true, "padded to twelve digits"},
    {"mail-oln040092254012.example.com", NULL, false, NULL},
    {"cliente-12-34.example.com.ar", NULL, true, "two numbers like IPv4 octets"},
    {"m228-12.example-esp.net", NULL, false, NULL},
    {"i5e8636fa.example-isp.de", NULL, true, "eight hex digits"},
    {"c950fb5e.example-isp.com.br", NULL, true, "eight hex digits"},
    {"c950fb5e.example.com", "203.0.113.9", false, NULL},
    {"ff00aa11.example.com", NULL, false, NULL},
    {"180.sub-174-201-60.example-mobile.com", NULL, true, "spread over its labels"},
    {"ip.39.168.154.45.example-isp.net", NULL, true, "spread over its labels"},
    {"out-20.smtp.example.com", NULL, false, NULL},
    {"vms173005pub.example-telco.net", NULL, false, NULL},
    {"vms173005pub.example-telco.net", "206.46.173.5", false, "embedded as 173005"},
    {"mail1234567.example.com", NULL, false, NULL},
    /* octets in Roman numerals, hex words, parted by 'x'; the last two
     * octets behind a third octet-like number */
    {"pei-190-128-lxiii-xxx.example-isp.net.co", "190.128.63.30", true, "spelled out"},
    {"host-c0-a8-1-2.example-isp.net", "192.168.1.2", true, "spelled out"},
    {"113x36x12x34.ap113.example-isp.ne.jp", "113.36.12.34", true, "spelled out"},
    {"mix-dim-civ-vi.example.org", "10.20.30.6", false, NULL},
    {"tce-e-7-182-54.example-isp.net.cn", "202.106.182.54", true, "embedded as 182-54 in the first label"},
    {"mta-182-54.example-esp.com", "202.106.182.54", false, NULL},
    /* placeholders as all the host part says */
    {"hostby.example-vps.eu", "5.188.11.165", true, "'hostby'"},
    {"no-reverse-dns.example-hoster.net", NULL, true, "'noreverse'"},
    {"unknown.example-isp.net", "203.0.113.9", true, "'unknown'"},
    {"localhost", "203.0.113.9", true, "'localhost'"},
    {"mail-unknown.example.com", NULL, false, NULL},
    {"unknown-company.com", "203.0.113.9", false, NULL},
    {"dynamic.example-isp.net", "203.0.113.7", true, "'dynamic'"},
    {"dhcp.example-isp.com", NULL, true, "'dhcp'"},
    {"dynamic-design.example.com", NULL, false, NULL},
    {"hostbyte.example.com", NULL, false, NULL},
    /* access words of other languages and technologies, with a number */
    {"a1b-12-34.kunde.example-isp.dk", "192.0.12.34", true, "ISP token 'kund'"},
    {"a1b-12-34.example-isp.dk", "192.0.12.34", false, "not enough"},
    {"klient12.example-isp.pl", NULL, false, "weak signs only"},
    {"a1b-56-78.abonent.example-isp.ru", "192.0.56.78", true, "ISP token 'abon'"},
    {"a1b-56-78.gpon.example-isp.net", "192.0.56.78", true, "ISP token 'gpon'"},
    {"a1b-56-78.fibra.example-isp.it", "192.0.56.78", true, "ISP token 'fibra'"},
    {"a1b-56-78.kabel.example-isp.de", "192.0.56.78", true, "ISP token 'kabel'"},
    /* the host octet zero-padded behind a short tag */
    {"pl027.nas934.d-osaka.example-isp.ne.jp", "61.197.82.27", true, "host octet"},
    {"mx027.example.org", "61.197.82.27", false, NULL},
    {"box50101.example-hoster.com", NULL, false, NULL},
    /* round 4: the host octet glued to an access or hosting word that is
     * the whole word; a hoster's word glued to its sequence number; a
     * provider's members; mobile and fixed-wireless access words */
    {"hosting25.example-hoster.com", "2.57.121.25", true, "the client IP's host octet"},
    {"ip201.example-isp.net", "203.0.113.201", true, "the client IP's host octet"},
    {"ip201.example-isp.net", "203.0.113.200", false, NULL},
    {"nas1.example.org", "203.0.113.1", false, NULL},
    {"red1.example.org", "203.0.113.1", false, NULL},
    {"mx25.example.org", "203.0.113.25", false, NULL},
    {"dedi8230.example-hoster.com", "185.106.121.100", true, "ISP token 'dedi'"},
    {"vds4711.example-hoster.ru", NULL, true, "ISP token 'vds'"},
    {"vps12.example.org", "203.0.113.12", false, NULL},
    {"li679-170.members.example-cloud.com", NULL, true, "ISP token 'member'"},
    {"a1b-12-34.mbb.example-mobile.se", "192.0.12.34", true, "ISP token 'mbb'"},
    {"a1b-12-34.fwa.example-telco.net", "192.0.12.34", true, "ISP token 'fwa'"},
    {"a1b-12-34.hotspot.example-wifi.net", "192.0.12.34", true, "ISP token 'hotspot'"},
    {"a1b-12-34.vsat.example-sat.net", "192.0.12.34", true, "ISP token 'vsat'"},
    /* round 4: the host end of the address in hex as a run of its own,
     * the last three octets run together unpadded, the network part
     * padded, the /48 of an IPv6 address */
    {"static-8b22.example-isp.nl", "192.0.139.34", true, "last two octets of client IP, in hex,"},
    {"c-8b2201.example-isp.net", "198.139.34.1", true, "last three octets of client IP, in hex,"},
    {"static-beef.example.com", "192.0.190.239", false, NULL},
    {"smtp-fw-2101.example.com", "52.95.33.1", false, NULL},
    {"sh-1056487.example.net", "85.105.64.87", true, "embedded as 1056487"},
    {"static-085105064.example.net", "85.105.64.87", true, "network part of client IP"},
    {"2a02-8108-1234-xyz.static.example.de", "2a02:8108:1234:5::1", true,
     "network part of client IPv6 address"},
    {"mail.2a02-8108-1234.example.org", "2a02:8108:1234::25", false, NULL},
    /* round 4: a tag and six digits, parted by a separator or not */
    {"vmi123456.example-vps.net", "5.189.12.34", true, "a tag and a number of six"},
    {"hwsrv-123456.example-hoster.com", "104.168.12.34", true, "a tag and a number of six"},
    {"srv123456.example-cloud.com", NULL, true, "a tag and a number of six"},
    {"mail-123456.example.com", NULL, false, NULL},
    {"srv-12345.example.com", NULL, false, NULL},
    /* round 4: customers' pools and more placeholders as all the host part says */
    {"customer.example-hoster.com", "203.0.113.9", true, "'customer'"},
    {"cgnat.example-mobile.net", NULL, true, "'cgnat'"},
    {"default-rdns.example-isp.co.nz", "203.0.113.9", true, "'defaultrdns'"},
    {"nxdomain.example.net", NULL, true, "'nxdomain'"},
    {"customer-portal.example.com", NULL, false, NULL},
    {"customer.example.com", NULL, true, "'customer'"},
    {"mail.customer.example.com", NULL, false, NULL},
    /* round 4: the host octet as all the first label holds; the pair
     * behind a one-letter word */
    {"34.example-isp.net", "203.0.12.34", true, "host octet of client IP 203.0.12.34 embedded as 34"},
    {"034.example-isp.net", "203.0.12.34", true, "embedded as 034"},
    {"35.example-isp.net", "203.0.12.34", false, NULL},
    {"7.mo2.mail-out.example.net", "192.0.2.7", false, "server token 'mail'"},
    {"h-199-27.example-isp.net", "192.0.199.27", true, "embedded as 199-27"},
    /* round 4: two-digit hex words read as hex too */
    {"cb-00-0c-22.example-isp.net", "203.0.12.34", true, "octets spelled out"},
    {"host-00-0c-22.example-isp.net", "203.0.12.34", true, "embedded as 00-0c-22"},
    {"ab-10-12-22.example.com", "203.16.18.33", false, NULL},
    /* round 5: the last two octets zero-padded by a template, as numbers
     * of their own in the host part; an admin's "mail2-168" keeps them
     * unpadded, a padded run wrapped in letters stays weak */
    {"net143-068.example-isp.it", "195.110.143.68", true, "zero-padded"},
    {"h168.019.example-isp.am", "37.26.168.19", true, "zero-padded, 37.26.168.19 embedded as 168.019"},
    {"dnet-217003.example-isp.net.id", "115.69.217.3", true, "zero-padded"},
    {"net143-68.example.it", "195.110.143.68", false, NULL},
    {"mail143-068.example.com", "195.110.143.68", false, "server token 'mail'"},
    {"vms173005pub.example-telco.net", "206.46.173.6", false, NULL},
    /* round 5: the pair in in-addr.arpa order, each a word of its own */
    {"ptil-46-121-example-isp.net", "61.12.121.46", true, "reversed"},
    {"ptil-121-46-example.net", "61.12.121.46", false, NULL},
    {"m121-46.example-esp.net", "61.12.46.121", false, NULL},
    /* round 5: runs parted by one separator read joined */
    {"253060.050101.example-bb.com", "101.50.60.253", true,
     "client IP 101.50.60.253 embedded as 253060.050101"},
    {"corporativos_245187-181.example-isp.net.co", "201.245.187.181", true,
     "last three octets of client IP 201.245.187.181 embedded as 245187-181"},
    {"www.245187.181-example.com", "201.245.187.181", false, NULL},
    /* round 5: the host octet opening a line id of number, tag, number */
    {"131stb68.example-isp.net.do", "66.98.18.131", true, "opening with the client IP's host octet"},
    {"131stb68.example.net.do", "66.98.18.132", false, NULL},
    {"131stb68x.example.net.do", "66.98.18.131", false, NULL},
    /* round 5: an access word as a top-level label no registry has */
    {"hn.kd.ny.adsl", "125.44.139.5", true, "in the unlisted top-level label"},
    {"mail.example.local", "192.168.1.5", false, NULL},
    {"hn.kd.ny.host", NULL, false, NULL},
    /* case and trailing dot */
    {"C-24-61-36-227.HSD1.MA.COMCAST.NET.", "24.61.36.227", true, "embedded as 24-61-36-227"},
    {"MAIL-WR1-F54.GOOGLE.COM.", NULL, false, "known mail sender domain google.com"},
};

static void test_table(void)
{
    char err[256], reason[256];
    rdns_generic *g = rdns_generic_create(NULL, NULL, err, sizeof(err));

    CHECK(g != NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const tcase *t = &cases[i];
        rdns_addr ip;
        bool got;

        if (t->ip != NULL)
            CHECK(rdns_addr_parse(t->ip, &ip));
        got = rdns_generic_classify(g, t->name, t->ip ? &ip : NULL, reason, sizeof(reason));
        if (got != t->generic || (t->reason_has && strstr(reason, t->reason_has) == NULL)) {
            fprintf(stderr, "case %zu %s (%s): got %s \"%s\", want %s \"%s\"\n", i, t->name,
                    t->ip ? t->ip : "no IP", got ? "generic" : "not generic", reason,
                    t->generic ? "generic" : "not generic",
                    t->reason_has ? t->reason_has : "");
        }
        CHECK(got == t->generic);
        CHECK(reason[0] != '\0');
        if (t->reason_has != NULL)
            CHECK(strstr(reason, t->reason_has) != NULL);
    }
    rdns_generic_free(g);
}

static void test_admin_lists(void)
{
    rdns_strlist pats = {0}, nots = {0};
    char err[256], reason[256];
    rdns_addr ip;
    rdns_generic *g;

    rdns_strlist_add(&pats, "^mx\\d+\\.badhosting\\.example$");
    rdns_strlist_add(&pats, "\\.cust\\.example-isp\\.net$");
    rdns_strlist_add(&nots, "example-isp.net");             /* suffix */
    rdns_strlist_add(&nots, ".friendly.example");           /* leading dot */
    rdns_strlist_add(&nots, "~^relay[0-9]+\\.partner\\.example$");
    g = rdns_generic_create(&pats, &nots, err, sizeof(err));
    CHECK(g != NULL);
    if (g == NULL)
        return;

    /* admin pattern makes a name generic; caseless */
    CHECK(rdns_generic_classify(g, "MX12.badhosting.example", NULL, reason, sizeof(reason)));
    CHECK_STR(reason, "matches admin pattern '^mx\\d+\\.badhosting\\.example$'");
    /* not_generic suffix wins over a pattern and over a full embedded IP */
    CHECK(rdns_addr_parse("85.105.64.87", &ip));
    CHECK(!rdns_generic_classify(g, "85-105-64-87.cust.example-isp.net", &ip,
                                 reason, sizeof(reason)));
    CHECK_STR(reason, "matches not_generic 'example-isp.net'");
    /* suffix matches at label boundaries only */
    CHECK(rdns_generic_classify(g, "85-105-64-87.dsl.notexample-isp.net", &ip,
                                reason, sizeof(reason)));
    CHECK(!rdns_generic_classify(g, "dsl-85-105-64-87.pool.friendly.example", &ip,
                                 reason, sizeof(reason)));
    CHECK_STR(reason, "matches not_generic '.friendly.example'");
    /* ~regex entry */
    CHECK(!rdns_generic_classify(g, "relay7.partner.example", NULL, reason, sizeof(reason)));
    CHECK_STR(reason, "matches not_generic pattern '^relay[0-9]+\\.partner\\.example$'");
    CHECK(rdns_generic_classify(g, "dynamic-85-105-64-87.pool.partner.example", &ip,
                                reason, sizeof(reason)));
    /* an admin not_generic entry beats the built-in list too (order of reasons) */
    rdns_generic_free(g);

    /* a built-in sender is never generic, even against an admin pattern */
    rdns_strlist_clear(&pats);
    rdns_strlist_add(&pats, "amazonses");
    g = rdns_generic_create(&pats, NULL, err, sizeof(err));
    CHECK(g != NULL);
    if (g != NULL) {
        CHECK(!rdns_generic_classify(g, "a8-30.smtp-out.amazonses.com", NULL,
                                     reason, sizeof(reason)));
        CHECK_STR(reason, "known mail sender domain amazonses.com");
        rdns_generic_free(g);
    }

    /* a bad regex: NULL and a message naming it */
    rdns_strlist_clear(&pats);
    rdns_strlist_add(&pats, "fine\\.example$");
    rdns_strlist_add(&pats, "(unclosed");
    err[0] = '\0';
    g = rdns_generic_create(&pats, NULL, err, sizeof(err));
    CHECK(g == NULL);
    CHECK(strstr(err, "(unclosed") != NULL);
    rdns_strlist_clear(&pats);
    rdns_strlist_add(&nots, "~[z-a]");
    err[0] = '\0';
    g = rdns_generic_create(NULL, &nots, err, sizeof(err));
    CHECK(g == NULL);
    CHECK(strstr(err, "[z-a]") != NULL);
    rdns_strlist_clear(&nots);
    rdns_strlist_add(&nots, "");
    g = rdns_generic_create(NULL, &nots, err, sizeof(err));
    CHECK(g == NULL);
    rdns_strlist_clear(&nots);

    /* a catastrophic pattern hits the match limit and does not match */
    rdns_strlist_add(&pats, "^(a+)+$");
    g = rdns_generic_create(&pats, NULL, err, sizeof(err));
    CHECK(g != NULL);
    if (g != NULL) {
        char evil[200];

        memset(evil, 'a', 60);
        strcpy(evil + 60, "b.example");
        CHECK(!rdns_generic_classify(g, evil, NULL, reason, sizeof(reason)));
        rdns_generic_free(g);
    }
    rdns_strlist_clear(&pats);
}

static void test_pattern_ok(void)
{
    char err[256];

    CHECK(rdns_generic_pattern_ok("^dyn-\\d+\\.example\\.net$", err, sizeof(err)));
    CHECK(rdns_generic_pattern_ok("(?:pool|dhcp)[.-]", err, sizeof(err)));
    err[0] = '\0';
    CHECK(!rdns_generic_pattern_ok("(unclosed", err, sizeof(err)));
    CHECK(strstr(err, "(unclosed") != NULL);
    CHECK(strstr(err, "offset") != NULL);
    CHECK(!rdns_generic_pattern_ok("a{2,1}", err, sizeof(err)));
    CHECK(!rdns_generic_pattern_ok("\\", err, sizeof(err)));
    CHECK(!rdns_generic_pattern_ok("", err, sizeof(err)));
    /* a tiny err buffer is cut, not overrun */
    {
        char small[8];

        memset(small, 'x', sizeof(small));
        CHECK(!rdns_generic_pattern_ok("(unclosed", small, sizeof(small)));
        CHECK(memchr(small, '\0', sizeof(small)) != NULL);
    }
    CHECK(!rdns_generic_pattern_ok("(unclosed", NULL, 0));
}

static void test_odd_input(void)
{
    char err[256], reason[256], name[400];
    rdns_addr ip;
    rdns_generic *g = rdns_generic_create(NULL, NULL, err, sizeof(err));

    CHECK(g != NULL);
    CHECK(rdns_addr_parse("85.105.64.87", &ip));

    CHECK(!rdns_generic_classify(g, "", &ip, reason, sizeof(reason)));
    CHECK_STR(reason, "empty name");
    CHECK(!rdns_generic_classify(g, ".", &ip, reason, sizeof(reason)));
    CHECK_STR(reason, "empty name");

    /* 255+ characters: not generic, reason says too long */
    memset(name, 0, sizeof(name));
    strcpy(name, "dsl-85-105-64-87.");
    for (size_t i = strlen(name); i < 300; i++)
        name[i] = (i % 10 == 9) ? '.' : 'a';
    strcpy(name + 300, "example.net");
    CHECK(!rdns_generic_classify(g, name, &ip, reason, sizeof(reason)));
    CHECK(strstr(reason, "too long") != NULL);
    /* exactly 253 characters plus a trailing dot is still a name */
    memset(name, 0, sizeof(name));
    strcpy(name, "dsl-85-105-64-87");
    for (size_t i = strlen(name); i < 253 - 12; i++)
        name[i] = (i % 20 == 0) ? '.' : 'b';
    strcat(name, ".example.net");
    CHECK(strlen(name) == 253);
    strcat(name, ".");
    CHECK(rdns_generic_classify(g, name, &ip, reason, sizeof(reason)));
    CHECK(strstr(reason, "too long") == NULL);

    /* 8-bit bytes and control characters: classified, never echoed */
    CHECK(rdns_generic_classify(g, "dsl-85-105-64-87.\xff\xfe\r\n.example.net", &ip,
                                reason, sizeof(reason)));
    for (const char *p = reason; *p; p++)
        CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
    CHECK(!rdns_generic_classify(g, "\xc3\xa9t\xc3\xa9.example.org", NULL,
                                 reason, sizeof(reason)));
    /* Found by fuzz_generic_ptr: an 8-bit byte taken as a separator inside
     * the embedded address reached the reason raw. */
    {
        rdns_addr ip2;

        rdns_addr_parse("83.233.203.233", &ip2);
        CHECK(rdns_generic_classify(g, "\x01S\xe9\xcb\xe9" "c-83-233-203\xbd-233.example.se",
                                    &ip2, reason, sizeof(reason)));
        for (const char *p = reason; *p; p++)
            CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
        CHECK(strstr(reason, "\\xbd") != NULL);      /* shown, escaped */
    }

    /* only separators and digits */
    CHECK(!rdns_generic_classify(g, "..--..", &ip, reason, sizeof(reason)));
    CHECK(!rdns_generic_classify(g, "85.105.64.87", NULL, reason, sizeof(reason)) ||
          strstr(reason, "four numbers") != NULL);

    /* many labels and numbers: bounded work, no crash */
    memset(name, 0, sizeof(name));
    for (size_t i = 0; i + 2 < 253; i += 2) {
        name[i] = '1';
        name[i + 1] = '.';
    }
    name[252] = 'x';
    (void)rdns_generic_classify(g, name, &ip, reason, sizeof(reason));
    CHECK(reason[0] != '\0');

    /* reason buffer: small or absent */
    {
        char small[10];

        memset(small, 'x', sizeof(small));
        CHECK(rdns_generic_classify(g, "dsl-85-105-64-87.example.net", &ip,
                                    small, sizeof(small)));
        CHECK(memchr(small, '\0', sizeof(small)) != NULL);
        CHECK(rdns_generic_classify(g, "dsl-85-105-64-87.example.net", &ip, NULL, 0));
    }

    /* a NULL classifier still applies the built-in evidence */
    CHECK(rdns_generic_classify(NULL, "dsl-85-105-64-87.example.net", &ip,
                                reason, sizeof(reason)));
    rdns_generic_free(g);
    rdns_generic_free(NULL);
}

/* Issue 13 item 3: outbound mail hosts by structure, only for names
 * that forward-confirm, and the built-in list held out. */
static void test_structure(void)
{
    static const struct {
        const char *name, *ip;
        unsigned flags;
        bool generic;
        const char *reason_has;
    } sc[] = {
        {"198-51-100-20.out.esp.example", "198.51.100.20", 0, true, "client IP"},
        {"198-51-100-20.out.esp.example", "198.51.100.20", RDNS_GENERIC_CONFIRMED, false,
         "outbound-mail label 'out' of esp.example"},
        {"o167-89-97-77.outbound-mail.sendgrid.net", "167.89.97.77",
         RDNS_GENERIC_NO_SENDER_LIST, true, "client IP"},
        {"o167-89-97-77.outbound-mail.sendgrid.net", "167.89.97.77",
         RDNS_GENERIC_NO_SENDER_LIST | RDNS_GENERIC_CONFIRMED, false, "label 'outbound'"},
        {"o167-89-97-77.outbound-mail.sendgrid.net", "167.89.97.77", 0, false,
         "known mail sender domain sendgrid.net"},
        {"66-220-155-151.mail-mail.facebook.com", "66.220.155.151",
         RDNS_GENERIC_NO_SENDER_LIST | RDNS_GENERIC_CONFIRMED, false, "label 'mail'"},
        {"outbound-10-20-30-40.mailgun.example", "10.20.30.40", RDNS_GENERIC_CONFIRMED, false,
         NULL},
        {"10-20-30-40.smtp.out.pool.esp.example", "10.20.30.40", RDNS_GENERIC_CONFIRMED, true,
         "client IP"},                          /* 'pool' is an access token */
        {"dsl-198-51-100-22.mail.esp.example", "198.51.100.22", RDNS_GENERIC_CONFIRMED, true,
         "ISP token 'dsl'"},
        {"mx-ll-110-164-48-47.static.3bb.co.th", "110.164.48.47", RDNS_GENERIC_CONFIRMED, true,
         NULL},
        /* more than two labels from the registered domain: not its outbound label */
        {"198-51-100-20.out.pop1.site2.esp.example", "198.51.100.20", RDNS_GENERIC_CONFIRMED,
         true, "client IP"},
        /* the registered domain comes from the PSL: "smtp" under co.uk's
         * registrant, not a label of co.uk */
        {"81-2-3-4.smtp.example.co.uk", "81.2.3.4", RDNS_GENERIC_CONFIRMED, false,
         "of example.co.uk"},
        /* confirmation alone does not make a generic name a server */
        {"c-24-61-36-227.hsd1.ma.comcast.net", "24.61.36.227", RDNS_GENERIC_CONFIRMED, true,
         NULL},
    };
    char err[256], reason[256];
    rdns_generic *g = rdns_generic_create(NULL, NULL, err, sizeof(err));

    CHECK(g != NULL);
    for (size_t i = 0; i < sizeof(sc) / sizeof(*sc); i++) {
        rdns_addr ip;
        bool got;

        CHECK(rdns_addr_parse(sc[i].ip, &ip));
        got = rdns_generic_classify_ex(g, sc[i].name, &ip, sc[i].flags, reason,
                                       sizeof(reason));
        if (got != sc[i].generic ||
            (sc[i].reason_has && strstr(reason, sc[i].reason_has) == NULL))
            fprintf(stderr, "structure case %zu %s flags %u: got %s \"%s\"\n", i,
                    sc[i].name, sc[i].flags, got ? "generic" : "not generic", reason);
        CHECK(got == sc[i].generic);
        if (sc[i].reason_has != NULL)
            CHECK(strstr(reason, sc[i].reason_has) != NULL);
    }
    /* classify is classify_ex without flags */
    {
        rdns_addr ip;

        CHECK(rdns_addr_parse("198.51.100.20", &ip));
        CHECK(rdns_generic_classify(g, "198-51-100-20.out.esp.example", &ip, reason,
                                    sizeof(reason)));
    }
    rdns_generic_free(g);
}

int main(void)
{
    test_table();
    test_structure();
    test_admin_lists();
    test_pattern_ok();
    test_odd_input();
    CHECK_DONE();
}
