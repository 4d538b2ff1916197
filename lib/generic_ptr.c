/*
 * NAME
 *   generic_ptr - is a PTR name an ISP's generic name for a dynamic host?
 * SYNOPSIS
 *   #include "generic_ptr.h"
 * DESCRIPTION
 *   rdns_generic_classify() weighs evidence from one PTR name and,
 *   when known, the client address it was found for:
 *
 *   1. Names the admin lists as not generic (domain suffixes or "~regex")
 *      and the built-in list of domains of large outbound mail senders are
 *      never generic; they win over everything else. (The list can be held
 *      out with RDNS_GENERIC_NO_SENDER_LIST, to measure step 6 alone.)
 *   2. Admin regexes (PCRE2, caseless, compiled once, matched with a match
 *      and depth limit) make a name generic.
 *   3. The client address embedded in the name: all four octets in any
 *      order and encoding (dotted, dashed, zero-padded, run together, hex,
 *      one decimal integer, permuted) is strong evidence; three octets
 *      nearly so; the last two octets only count together with other
 *      evidence, a little more when they end the first label, and fully
 *      when they are all the first label holds but one word of letters
 *      ("85-100.", "diup-199-27.", "31.158.access.", "n53-h187.") or
 *      behind a third octet-like number ("tce-e-7-182-54."), or as a
 *      template writes them: one zero-padded ("net143-068.", "h168.019.",
 *      "dnet-217003."), or host octet first as words of their own
 *      ("ptil-46-121-"); the host octet alone at the edge of the first
 *      label, zero-padded behind a short tag ("pl027."), or glued to an access or hosting word that
 *      opens it ("hosting25.", "ip201.", not "host66."), only adds, but
 *      decides as all the first label holds ("34.", "034.") or as the
 *      opening of a line id of number, tag, number ("131stb68.").
 *      Runs parted by one separator are read joined for the address
 *      forms ("253060.050101.", "245187-181.").
 *      Octets may be spelled as Roman numerals or hex words or parted
 *      by an 'x' ("190-128-lxiii-xxx", "113x36x12x34"). The last two
 *      octets padded in a long number ("vms173005pub") mark the number
 *      as the host's address, not a line id. For IPv6, four or more 16-bit groups or the nibbles of
 *      the address.
 *   4. ISP tokens (dsl, dyn, pool, cable, ...) weighed by where they stand:
 *      in the host part they count fully, in the registered domain half.
 *      Access words of other languages count too ("kunde", "klient",
 *      "abonent", "kabel", "fibra"). An access word as a last label no
 *      registry has ("hn.kd.ny.adsl") decides alone. A first label made of four numbers
 *      that could be octets looks like an address even when the client
 *      address is not known, and so do twelve digits in four octet groups,
 *      four octet-like words spread over the first labels and, without
 *      the address only, eight hex digits behind a short tag; so do the
 *      marks of a line or customer id: a MAC-derived hex run, seven or
 *      more letter/digit runs, a long number wrapped in letters, a short
 *      tag and a number of six or more digits ("h1832461"), a letter
 *      and a number, two or three octet-like numbers, mostly digits,
 *      nothing but digits, every host label numbered. Hosters' words for
 *      a rented machine ("vps", "dedicated") count as whole words or
 *      glued to a number of three or more digits ("dedi8230"), a
 *      provider's "members" like its customers, and placeholders as all
 *      the host part says ("unassigned", "unknown", "no-reverse-dns",
 *      "hosted-by", a bare "dynamic") decide alone. The registered
 *      domain comes from the ICANN section of the Public Suffix List
 *      (regdom.h).
 *   5. Server tokens (mail, mx, smtp, relay, out ...) in the host part
 *      count against.
 *   6. A name that would be generic but forward-confirms (the caller says
 *      so with RDNS_GENERIC_CONFIRMED) and stands under an outbound-mail
 *      label within two labels of its registered domain, with no
 *      access-network token, is a mail server's: "a8-30.smtp-out.
 *      amazonses.com" without any list. An ISP's generic names confirm
 *      too, but carry access tokens or no mail label; a zombie cannot put
 *      its provider's name under one.
 *
 *   Points add up; a name at or above GENERIC_THRESHOLD is generic. The
 *   reason names the strongest evidence either way. Only bytes of the name
 *   that are digits, letters or separators ever reach the reason, so it
 *   is safe to log.
 *
 *   The classifier is read-only after creation. A call allocates nothing
 *   except PCRE2 match data when regexes are configured, so one
 *   classifier can serve every thread.
 * BUGS
 *   The built-in sender list trusts the name; that the name really belongs
 *   to the client is for forward-confirmation (fcrdns) to establish.
 */
#include "generic_ptr.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "mem.h"
#include "name.h"
#include "regdom.h"

/* Compile options shared by create and pattern_ok, so the config parser
 * rejects exactly what create would reject. Names are ASCII: no UTF mode,
 * so 8-bit bytes in a hostile name cannot trip UTF validity checks. */
#define GENERIC_PCRE2_OPTIONS PCRE2_CASELESS

/* An admin regex is matched against at most 253 bytes; these bounds stop
 * a pathological pattern from burning CPU on every connection. */
#define GENERIC_MATCH_LIMIT 100000
#define GENERIC_DEPTH_LIMIT 2000

#define GENERIC_THRESHOLD 8         /* points, see the table below */
#define GENERIC_MAX_LABELS 128
#define GENERIC_MAX_GROUPS 128

/* Points (half-units: a token in the registered domain counts half). */
#define PTS_IP_FULL 16              /* whole address */
#define PTS_IP_THREE 10             /* three octets of the host end */
#define PTS_IP_NET 6                /* first three octets (the /24) */
#define PTS_IP_TWO 4                /* last two octets */
#define PTS_IP_TWO_END 5            /* ... ending the first label ("cm-vina5-168-207") */
#define PTS_IP_TWO_BARE 8           /* ... as all there is to the first label but one
                                     * word ("85-100.", "diup-199-27.", "31.158.access.") */
#define PTS_IP_TWO_CHAIN 8          /* ... ending the first label behind a third octet-like
                                     * number: "tce-e-7-182-54" */
#define PTS_IP_TWO_PADDED 8         /* ... standing as numbers of their own in the host part,
                                     * one zero-padded: a template's "%03d", not an admin's
                                     * numbering ("net143-068", "h168.019", "dnet-217003") */
#define PTS_IP_TWO_REVERSED 8       /* ... host octet first, each a word of its own: the
                                     * in-addr.arpa order of a generator ("ptil-46-121-") */
#define PTS_IP_HOST 3               /* host octet alone, first or last number of the first label */
#define PTS_IP_HOST_BARE 8          /* ... as all the first label holds: "34.", "034." */
#define PTS_IP_HOST_LEAD 6          /* ... opening a line id of a number, a short tag and a
                                     * number: "131stb68" for x.x.x.131 */
#define PTS_IP6_HALF 12             /* four or more IPv6 groups */
#define PTS_SHAPE_QUAD 8            /* first label holds four octet-like numbers */
#define PTS_SHAPE_TRIPLE 4          /* ... three */
#define PTS_SHAPE_PAIR 4            /* ... two, joined: "cliente-12-34" */
#define PTS_SHAPE_HEX 8             /* without the address: eight hex digits behind a short
                                     * tag that read as a public address: "i5e8636fa" */
#define PTS_SHAPE_SPREAD 8          /* four octet-like numbers as words of the first host
                                     * labels: "180.sub-174-201-60", "ip.39.168.154.45" */
#define PTS_SHAPE_PADDED 8          /* twelve digits in four groups of three, each an
                                     * octet: "softbank126012034056" */
#define PTS_SHAPE_NUMBERED 2        /* any number in the first label */
#define PTS_SHAPE_LONG 4            /* a run of six or more digits: a line or customer id */
#define PTS_SHAPE_MAC 8             /* 12..16 hex digits: a modem's MAC address */
#define PTS_SHAPE_RUNS 8            /* seven or more letter/digit runs in one word: "h53n2fls32o828" */
#define PTS_SHAPE_SOME_RUNS 3       /* ... five or six */
#define PTS_SHAPE_SEGMENTS 3        /* four or more words, three with digits: "fl-edel-u2-c3c-233" */
#define PTS_SHAPE_WRAPPED 8         /* six or more digits between letters: "pcp04024417pcs" */
#define PTS_SHAPE_ID 8              /* a short tag and six or more digits open the first
                                     * label: "h1832461", "vmi123456", "hwsrv-123456" */
#define PTS_SHAPE_LETTER_ID 4       /* the first label is one letter and 5+ digits: "a96134" */
#define PTS_SHAPE_MOSTLY_DIGITS 2   /* two thirds of the first label are digits, 8 or more */
#define PTS_SHAPE_ALL_NUMBERED 2    /* two or more host labels, each with digits: "cm89.omega139" */
#define PTS_SHAPE_ALL_DIGITS 2      /* the first label is a number and nothing else: "143005." */
#define PTS_ACCESS_TLD 8            /* an access word as the last label of a name outside
                                     * the public DNS: "hn.kd.ny.adsl" */
#define PTS_PLACEHOLDER 8           /* the host part only says nobody named the address */
#define PTS_SERVER_FIRST (-12)      /* server token in the first label */
#define PTS_SERVER_HOST (-6)        /* ... elsewhere in the host part */

typedef struct generic_re {
    char *text;
    pcre2_code *re;
} generic_re;

struct rdns_generic {
    generic_re *patterns;           /* make a name generic */
    size_t npatterns;
    generic_re *not_re;             /* "~regex" entries of not_generic */
    size_t nnot_re;
    rdns_strlist not_suffix;        /* suffix entries of not_generic */
    pcre2_match_context *mctx;      /* limits; read-only after create */
};

/* Domains whose PTR names belong to large outbound mail services. They
 * often embed parts of the address (a8-30.smtp-out.amazonses.com is
 * 54.240.8.30) and must never be called generic. */
static const char *const generic_senders[] = {
    "google.com", "1e100.net", "googlemail.com",
    "amazonses.com", "amazon.com", "amazon.co.uk", "amazon.de",
    "outlook.com", "hotmail.com", "live.com", "microsoft.com",
    "mailgun.net", "mailgun.org", "mailgun.info",
    "sendgrid.net", "sendgrid.com",
    "mcsv.net", "mcdlv.net", "rsgsv.net", "mandrillapp.com", "mailchimp.com",
    "pphosted.com", "ppe-hosted.com", "proofpoint.com",
    "mimecast.com", "mimecast-offshore.com", "messagelabs.com",
    "sparkpostmail.com", "sparkpost.com", "mtasv.net", "postmarkapp.com",
    "zoho.com", "zohomail.com", "zoho.eu", "zoho.in",
    "yahoo.com", "yahoo.net", "yahoodns.net", "aol.com",
    "facebook.com", "facebookmail.com", "linkedin.com",
    "salesforce.com", "exacttarget.com", "exct.net", "sfdc.net",
    "icloud.com", "apple.com", "me.com",
    "messagingengine.com", "protonmail.ch", "protonmail.com", "mail-europe.com",
    "mailbox.org", "gmx.net", "gmx.com", "web.de", "mail.ru", "yandex.net",
    "yandex.ru", "qq.com", "163.com", "126.com", "netease.com",
    "emailsrvr.com", "iphmx.com", "ess.barracuda.com", "barracudanetworks.com",
    "mailjet.com", "sendinblue.com", "brevo.com", "constantcontact.com",
    "hubspotemail.net", "hubspot.com", "klaviyomail.com", "socketlabs.com",
    "email-od.com", "elasticemail.com", "smtp.com", "twitter.com",
    "github.com", "mailchannels.net", "fastmail.com", "ebay.com", "paypal.com",
};

/* ISP tokens. EXACT: the whole letter run or word; PREFIX: a run that
 * starts with it; SUBSTR: anywhere in a run (only for tokens no ordinary
 * word contains); SUFFIX: a run that ends with it and has at most three
 * letters before it ("natpool", "ippool", not "liverpool"). Points in
 * half-units for the host part. */
enum { TOK_EXACT, TOK_PREFIX, TOK_SUBSTR, TOK_SUFFIX };

typedef struct generic_token {
    const char *tok;
    size_t len;                     /* strlen(tok), known at compile time */
    int how;
    int pts;
} generic_token;

static const generic_token generic_isp_tokens[] = {
    {"dsl", 3, TOK_SUBSTR, 6}, {"dyn", 3, TOK_PREFIX, 6}, {"dynamic", 7, TOK_SUBSTR, 6},
    {"dinamic", 7, TOK_SUBSTR, 6}, {"dial", 4, TOK_PREFIX, 6}, {"pool", 4, TOK_PREFIX, 6},
    {"pools", 5, TOK_EXACT, 6}, {"pool", 4, TOK_SUFFIX, 6}, {"dhcp", 4, TOK_SUBSTR, 6}, {"ppp", 3, TOK_PREFIX, 6},
    {"pppoe", 5, TOK_SUBSTR, 6}, {"ipoe", 4, TOK_SUBSTR, 6}, {"cable", 5, TOK_PREFIX, 6},
    {"cust", 4, TOK_PREFIX, 6}, {"customer", 8, TOK_SUBSTR, 6},
    {"broadband", 9, TOK_SUBSTR, 6}, {"bredband", 8, TOK_SUBSTR, 6},
    {"residential", 11, TOK_SUBSTR, 6}, {"resi", 4, TOK_PREFIX, 4}, {"res", 3, TOK_EXACT, 4},
    {"cpe", 3, TOK_PREFIX, 6}, {"ftth", 4, TOK_PREFIX, 6}, {"fttx", 4, TOK_PREFIX, 6},
    {"fttb", 4, TOK_PREFIX, 6}, {"fttc", 4, TOK_PREFIX, 6}, {"fios", 4, TOK_EXACT, 6},
    {"hsd", 3, TOK_EXACT, 6}, {"hsi", 3, TOK_EXACT, 4}, {"catv", 4, TOK_SUBSTR, 6},
    {"docsis", 6, TOK_SUBSTR, 6}, {"cm", 2, TOK_EXACT, 4}, {"cgn", 3, TOK_EXACT, 4},
    {"nat", 3, TOK_EXACT, 4}, {"dip", 3, TOK_EXACT, 4}, {"subscriber", 10, TOK_SUBSTR, 6},
    {"abo", 3, TOK_EXACT, 4}, {"kund", 4, TOK_PREFIX, 4}, {"client", 6, TOK_PREFIX, 4},
    {"clients", 7, TOK_EXACT, 4}, {"user", 4, TOK_PREFIX, 4}, {"home", 4, TOK_PREFIX, 4},
    {"host", 4, TOK_EXACT, 3}, {"ip", 2, TOK_EXACT, 4}, {"ipv", 3, TOK_EXACT, 3},
    {"static", 6, TOK_PREFIX, 4}, {"fixed", 5, TOK_PREFIX, 4}, {"fix", 3, TOK_EXACT, 3},
    {"mobile", 6, TOK_PREFIX, 4}, {"mob", 3, TOK_EXACT, 4}, {"gprs", 4, TOK_PREFIX, 6},
    {"umts", 4, TOK_EXACT, 6}, {"lte", 3, TOK_EXACT, 4}, {"wireless", 8, TOK_SUBSTR, 4},
    {"wifi", 4, TOK_EXACT, 4}, {"wlan", 4, TOK_EXACT, 4}, {"wimax", 5, TOK_EXACT, 4},
    {"bb", 2, TOK_EXACT, 4}, {"adsl", 4, TOK_SUBSTR, 6}, {"vdsl", 4, TOK_SUBSTR, 6},
    {"xdsl", 4, TOK_SUBSTR, 6}, {"fiber", 5, TOK_PREFIX, 4}, {"fibre", 5, TOK_PREFIX, 4},
    {"hfc", 3, TOK_EXACT, 4}, {"bras", 4, TOK_PREFIX, 3}, {"nas", 3, TOK_EXACT, 3},
    {"rev", 3, TOK_EXACT, 3}, {"reverse", 7, TOK_EXACT, 3},
    /* placeholders an address owner puts on space nobody named */
    {"unassigned", 10, TOK_EXACT, 8}, {"unused", 6, TOK_EXACT, 8}, {"in", 2, TOK_EXACT, 0}, {"addr", 4, TOK_EXACT, 3},
    {"access", 6, TOK_EXACT, 3}, {"red", 3, TOK_EXACT, 3}, {"pc", 2, TOK_EXACT, 2},
    {"adsl", 4, TOK_SUBSTR, 6}, {"triband", 7, TOK_PREFIX, 6}, {"cbl", 3, TOK_EXACT, 4},
    {"business", 8, TOK_EXACT, 2}, {"biz", 3, TOK_EXACT, 2},
    /* learned from the corpus: access-network words of several ISPs
     * that no server name there uses */
    {"leased", 6, TOK_PREFIX, 4}, {"ipngn", 5, TOK_SUBSTR, 6}, {"upc", 3, TOK_EXACT, 4},
    {"lns", 3, TOK_EXACT, 4},
    /* abbreviations of access words, and tunnels of end users */
    {"sta", 3, TOK_EXACT, 4}, {"vpn", 3, TOK_EXACT, 4},
    /* the same words in the languages of the ISPs that use them: customer
     * or subscriber (de/da/sv "kunde", pl/cs "klient", it "utente", es/pt
     * "usuario", fr/ru "abonne"/"abonent", fi "asiakas", nl "klant"),
     * cable, fibre, static, dynamic (de/nl/pl "kabel", es/it/pt "fibra",
     * es "estatica", tr/de "statik", tr "dinamik"), private line (sv
     * "priv"), mobile (de/sv "mobil", es "movil", pt "movel"), broadband
     * (fi "laajakaista") */
    {"klient", 6, TOK_PREFIX, 4}, {"utent", 5, TOK_PREFIX, 4}, {"usuari", 6, TOK_PREFIX, 4},
    {"abon", 4, TOK_PREFIX, 4}, {"asiakas", 7, TOK_PREFIX, 4}, {"klant", 5, TOK_PREFIX, 4},
    {"kabel", 5, TOK_PREFIX, 6}, {"fibra", 5, TOK_PREFIX, 4}, {"estatic", 7, TOK_PREFIX, 4},
    {"statik", 6, TOK_PREFIX, 4}, {"dinamik", 7, TOK_PREFIX, 6}, {"priv", 4, TOK_EXACT, 3},
    {"mobil", 5, TOK_PREFIX, 4}, {"movil", 5, TOK_PREFIX, 4}, {"movel", 5, TOK_EXACT, 4},
    {"laajakaista", 11, TOK_PREFIX, 6},
    /* access technology: passive optical networks, carrier-grade NAT and
     * DS-Lite, broadband gateways, modems, GSM, fibre to the premises */
    {"gpon", 4, TOK_PREFIX, 6}, {"epon", 4, TOK_EXACT, 6}, {"xpon", 4, TOK_EXACT, 6},
    {"cgnat", 5, TOK_EXACT, 4}, {"aftr", 4, TOK_EXACT, 4}, {"bng", 3, TOK_EXACT, 4},
    {"modem", 5, TOK_PREFIX, 6}, {"gsm", 3, TOK_EXACT, 4}, {"fttp", 4, TOK_PREFIX, 6},
    /* mobile broadband and fixed wireless access (Telia/Telenor/Three
     * "mbb", US and Asian carriers' "cdma", "evdo", "hspa", "fwa"), ISDN
     * and high-speed internet access lines ("isdn", "hsia"), public
     * wireless hotspots and satellite terminals ("hotspot", "vsat") */
    {"mbb", 3, TOK_EXACT, 4}, {"cdma", 4, TOK_EXACT, 4}, {"evdo", 4, TOK_EXACT, 4},
    {"hspa", 4, TOK_PREFIX, 4}, {"fwa", 3, TOK_EXACT, 4}, {"isdn", 4, TOK_EXACT, 6},
    {"hsia", 4, TOK_EXACT, 6}, {"hotspot", 7, TOK_PREFIX, 4}, {"vsat", 4, TOK_EXACT, 4},
    /* a provider's subscribers ("li12-34.members.example-cloud.com",
     * "members.example-cable.nl"): the same word as customer */
    {"member", 6, TOK_PREFIX, 6},
    /* a hoster's word for its customers' machines ("hosting25."); a
     * company's web host may be called so, hence not more */
    {"hosting", 7, TOK_EXACT, 4},
};

/* Word tokens with digits ("3g"), matched against whole words only. */
static const generic_token generic_isp_words[] = {
    {"3g", 2, TOK_EXACT, 4}, {"4g", 2, TOK_EXACT, 4}, {"5g", 2, TOK_EXACT, 4},
    {"v4", 2, TOK_EXACT, 2}, {"v6", 2, TOK_EXACT, 2}, {"ipv4", 4, TOK_EXACT, 3},
    {"ipv6", 4, TOK_EXACT, 3},
    /* a hoster's words for a rented machine, as whole words, or glued
     * to a number of three or more digits (generic_tokens) */
    {"vps", 3, TOK_EXACT, 6}, {"vds", 3, TOK_EXACT, 6}, {"dedicated", 9, TOK_EXACT, 6},
    {"dedi", 4, TOK_EXACT, 6},
};

/* Tokens of a mail server's own name. */
static const generic_token generic_server_tokens[] = {
    {"mail", 4, TOK_PREFIX, 1}, {"mx", 2, TOK_PREFIX, 1}, {"smtp", 4, TOK_SUBSTR, 1},
    {"mta", 3, TOK_PREFIX, 1}, {"relay", 5, TOK_SUBSTR, 1}, {"out", 3, TOK_PREFIX, 1},
    {"mout", 4, TOK_EXACT, 1}, {"mxout", 5, TOK_EXACT, 1}, {"mailout", 7, TOK_EXACT, 1},
    {"outbound", 8, TOK_SUBSTR, 1}, {"bounce", 6, TOK_PREFIX, 1}, {"mailer", 6, TOK_SUBSTR, 1},
    {"email", 5, TOK_EXACT, 1}, {"exchange", 8, TOK_EXACT, 1}, {"postfix", 7, TOK_EXACT, 1},
    {"exim", 4, TOK_EXACT, 1}, {"sendmail", 8, TOK_EXACT, 1}, {"gateway", 7, TOK_EXACT, 1},
    {"forward", 7, TOK_PREFIX, 1}, {"esa", 3, TOK_EXACT, 1}, {"mailhost", 8, TOK_EXACT, 1},
    {"lists", 5, TOK_EXACT, 1}, {"list", 4, TOK_EXACT, 1}, {"newsletter", 10, TOK_EXACT, 1},
    {"imap", 4, TOK_EXACT, 1}, {"pop", 3, TOK_EXACT, 1}, {"webmail", 7, TOK_EXACT, 1},
};

/* Labels of an operator's outbound mail hosts, as the letter runs of a
 * label near the registered domain ("smtp-out", "outbound-mail", "mta"). */
static const generic_token generic_outbound_words[] = {
    {"mail", 4, TOK_EXACT, 1}, {"mailout", 7, TOK_EXACT, 1}, {"mailer", 6, TOK_PREFIX, 1},
    {"out", 3, TOK_EXACT, 1}, {"outbound", 8, TOK_EXACT, 1}, {"outgoing", 8, TOK_EXACT, 1},
    {"smtp", 4, TOK_PREFIX, 1}, {"esmtp", 5, TOK_EXACT, 1}, {"mta", 3, TOK_PREFIX, 1},
    {"mx", 2, TOK_EXACT, 1}, {"mxout", 5, TOK_EXACT, 1}, {"mout", 4, TOK_EXACT, 1},
    {"sender", 6, TOK_PREFIX, 1}, {"send", 4, TOK_EXACT, 1}, {"relay", 5, TOK_PREFIX, 1},
    {"bounce", 6, TOK_PREFIX, 1}, {"email", 5, TOK_EXACT, 1},
};

/* ISP tokens that describe an address rather than an access line; they
 * do not stop an outbound-mail label from deciding. */
static const char *const generic_address_words[] = {
    "ip", "host", "rev", "reverse", "addr", "ipv", "in",
    "business", "biz",
};

/* ------------------------------------------------------------------ */
/* Regexes                                                              */

static pcre2_code *generic_compile(const char *pattern, char *err, size_t errlen)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re;

    re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                       GENERIC_PCRE2_OPTIONS, &code, &off, NULL);
    if (re == NULL && err != NULL && errlen > 0) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(code, msg, sizeof(msg));
        snprintf(err, errlen, "bad regex '%s' at offset %zu: %s",
                 pattern, (size_t)off, (const char *)msg);
    }
    return re;
}

bool rdns_generic_pattern_ok(const char *pattern, char *err, size_t errlen)
{
    pcre2_code *re;

    if (pattern == NULL || *pattern == '\0') {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "empty regex");
        return false;
    }
    re = generic_compile(pattern, err, errlen);
    if (re == NULL)
        return false;
    pcre2_code_free(re);
    return true;
}

static bool generic_add_re(generic_re **v, size_t *n, const char *text,
                           char *err, size_t errlen)
{
    pcre2_code *re;

    if (!rdns_generic_pattern_ok(text, err, errlen))
        return false;
    re = generic_compile(text, err, errlen);
    if (re == NULL)
        return false;
    /* JIT makes matching much cheaper; without JIT support the
     * interpreter is used, so a failure here is not an error. */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    *v = rdns_realloc(*v, (*n + 1) * sizeof(**v));
    (*v)[*n].text = rdns_strdup(text);
    (*v)[*n].re = re;
    (*n)++;
    return true;
}

static void generic_free_re(generic_re *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].text);
        pcre2_code_free(v[i].re);
    }
    free(v);
}

rdns_generic *rdns_generic_create(const rdns_strlist *patterns,
                                  const rdns_strlist *not_generic,
                                  char *err, size_t errlen)
{
    rdns_generic *g = rdns_calloc(1, sizeof(*g));

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    g->mctx = pcre2_match_context_create(NULL);
    if (g->mctx == NULL) {
        fprintf(stderr, "rdns: out of memory creating a PCRE2 match context\n");
        abort();
    }
    pcre2_set_match_limit(g->mctx, GENERIC_MATCH_LIMIT);
    pcre2_set_depth_limit(g->mctx, GENERIC_DEPTH_LIMIT);

    for (size_t i = 0; patterns != NULL && i < patterns->n; i++) {
        if (!generic_add_re(&g->patterns, &g->npatterns, patterns->v[i], err, errlen))
            goto fail;
    }
    for (size_t i = 0; not_generic != NULL && i < not_generic->n; i++) {
        const char *e = not_generic->v[i];

        if (e[0] == '~') {
            if (!generic_add_re(&g->not_re, &g->nnot_re, e + 1, err, errlen))
                goto fail;
        } else if (e[0] == '\0' || (e[0] == '.' && e[1] == '\0')) {
            if (err != NULL && errlen > 0)
                snprintf(err, errlen, "empty not_generic suffix");
            goto fail;
        } else {
            rdns_strlist_add(&g->not_suffix, e);
        }
    }
    return g;

fail:
    rdns_generic_free(g);
    return NULL;
}

void rdns_generic_free(rdns_generic *g)
{
    if (g == NULL)
        return;
    generic_free_re(g->patterns, g->npatterns);
    generic_free_re(g->not_re, g->nnot_re);
    rdns_strlist_clear(&g->not_suffix);
    pcre2_match_context_free(g->mctx);
    free(g);
}

/* Match data for one regex match; out of memory here is not survivable. */
static pcre2_match_data *generic_match_data(void)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);

    if (md == NULL) {
        fprintf(stderr, "rdns: out of memory creating PCRE2 match data\n");
        abort();
    }
    return md;
}

/* Index of the first regex of v that matches name, or -1. A regex that
 * hits its match limit counts as not matching: a bad pattern must not
 * turn into a verdict. */
static int generic_match_any(const rdns_generic *g, const generic_re *v, size_t n,
                             const char *name, size_t len, pcre2_match_data *md)
{
    for (size_t i = 0; i < n; i++) {
        int rc = pcre2_match(v[i].re, (PCRE2_SPTR)name, len, 0, 0, md, g->mctx);

        if (rc >= 0)
            return (int)i;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* The name, cut into pieces once                                       */

typedef struct generic_label {
    size_t off, len;
} generic_label;

typedef struct generic_num {        /* a maximal run of decimal digits */
    size_t off, len;
    unsigned long val;              /* saturates; only small runs matter */
    size_t label;                   /* index of its label */
} generic_num;

typedef struct generic_name {
    const char *s;                  /* lowercased, no trailing dot */
    size_t len;
    generic_label lab[GENERIC_MAX_LABELS];
    size_t nlab;
    size_t host_labels;             /* labels left of the registered domain */
    generic_num num[GENERIC_MAX_GROUPS];
    size_t nnum;
    bool tld_access;                /* the last label is an access word, no TLD */
} generic_name;

static bool generic_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool generic_is_alpha(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool generic_is_hex(char c)
{
    return generic_is_digit(c) || (c >= 'a' && c <= 'f');
}

static bool generic_is_sep(char c)
{
    return c == '-' || c == '.' || c == '_';
}

/* How many labels form the registered domain, from the ICANN section of
 * the Public Suffix List: a PTR name is made by whoever holds the address
 * space, so "ec2-...compute-1.amazonaws.com" is under amazonaws.com and
 * "p1-ipoe.ipoe.ocn.ne.jp" under ocn.ne.jp. A name that is itself a
 * public suffix is all domain; one libpsl refuses (bytes outside LDH and
 * '_') is taken to end in a two-label domain. */
static size_t generic_domain_labels(const generic_name *n)
{
    size_t k = rdns_regdom_labels(n->s, RDNS_REGDOM_ICANN);

    if (k == 0)
        k = rdns_regdom_is_suffix(n->s, RDNS_REGDOM_ICANN) ? n->nlab : 2;
    return k > n->nlab ? n->nlab : k;
}

static void generic_split(generic_name *n)
{
    size_t start = 0;

    n->nlab = n->nnum = 0;
    n->tld_access = false;
    for (size_t i = 0; i <= n->len; i++) {
        if (i == n->len || n->s[i] == '.') {
            if (n->nlab < GENERIC_MAX_LABELS) {
                n->lab[n->nlab].off = start;
                n->lab[n->nlab].len = i - start;
                n->nlab++;
            }
            start = i + 1;
        }
    }
    for (size_t i = 0, l = 0; i < n->len && n->nnum < GENERIC_MAX_GROUPS;) {
        if (n->s[i] == '.') {
            l++;
            i++;
            continue;
        }
        if (!generic_is_digit(n->s[i])) {
            i++;
            continue;
        }
        generic_num *g = &n->num[n->nnum++];
        g->off = i;
        g->val = 0;
        g->label = l;
        while (i < n->len && generic_is_digit(n->s[i])) {
            if (g->val < 100000000000UL)
                g->val = g->val * 10 + (unsigned long)(n->s[i] - '0');
            i++;
        }
        g->len = i - g->off;
    }
    n->host_labels = n->nlab - generic_domain_labels(n);
}

static const char *generic_where(const generic_name *n, size_t label, char *buf,
                                 size_t len)
{
    if (label == 0)
        snprintf(buf, len, "the first label");
    else if (n->tld_access && label + 1 == n->nlab)
        snprintf(buf, len, "the unlisted top-level label");
    else if (label >= n->host_labels)
        snprintf(buf, len, "the domain");
    else
        snprintf(buf, len, "label %zu", label + 1);
    return buf;
}

/* ------------------------------------------------------------------ */
/* The client address in the name                                       */

typedef struct generic_ipev {
    int pts;
    const char *what;               /* "client IP", "last two octets of client IP" */
    size_t off, len;                /* where in the name */
    size_t label;
} generic_ipev;

static void generic_ipev_take(generic_ipev *best, int pts, const char *what,
                              size_t off, size_t len, size_t label)
{
    if (pts > best->pts) {
        best->pts = pts;
        best->what = what;
        best->off = off;
        best->len = len;
        best->label = label;
    }
}

/* Are numbers i..i+k-1 adjacent, each joined to the next by exactly one
 * separator, and do they hold at most 3 digits (octet-like)? */
static bool generic_num_chain(const generic_name *n, size_t i, size_t k)
{
    if (i + k > n->nnum)
        return false;
    for (size_t j = i; j < i + k; j++) {
        if (n->num[j].len > 3 || n->num[j].val > 255)
            return false;
        if (j > i) {
            size_t gap = n->num[j].off - (n->num[j - 1].off + n->num[j - 1].len);
            char sep = n->s[n->num[j].off - 1];

            if (gap != 1 || !(sep == '-' || sep == '.' || sep == '_'))
                return false;
        }
    }
    return true;
}

/* Numbers i..i+k-1 hold the octets o[0..k-1] in some other order
 * ("53-64-35-171" for 64.53.171.35): each octet used once. */
static bool generic_chain_perm(const generic_name *n, size_t i, const unsigned char *o,
                               size_t k)
{
    bool used[4] = {false, false, false, false};

    for (size_t j = 0; j < k; j++) {
        size_t m;

        for (m = 0; m < k; m++)
            if (!used[m] && n->num[i + j].val == o[m])
                break;
        if (m == k)
            return false;
        used[m] = true;
    }
    return true;
}

static bool generic_chain_eq(const generic_name *n, size_t i, const unsigned char *o,
                             size_t k, bool reverse)
{
    for (size_t j = 0; j < k; j++) {
        unsigned want = reverse ? o[k - 1 - j] : o[j];

        if (n->num[i + j].val != want)
            return false;
    }
    return true;
}

/* Is number g an octet, perhaps zero-padded wider than three digits by
 * a template ("00214" in "lpz-190-104-25-00214")? */
static bool generic_num_octet(const generic_name *n, const generic_num *g)
{
    if (g->val > 255 || g->len > 6)
        return false;
    for (size_t k = 0; k + 3 < g->len; k++)
        if (n->s[g->off + k] != '0')
            return false;
    return true;
}

/* The /24 found at number i; is the host octet a number of its own in
 * the host part ("180.sub-174-201-60", "host230.186-108-172")? Then the
 * whole address is there, only split. */
static void generic_ip4_split(const generic_name *n, const unsigned char *b, size_t i,
                              generic_ipev *best)
{
    for (size_t j = 0; j < n->nnum; j++) {
        const generic_num *h = &n->num[j];
        size_t st, end;

        if (j >= i && j < i + 3)
            continue;
        if (!generic_num_octet(n, h) || h->val != b[3] || h->label >= n->host_labels)
            continue;
        st = h->off < n->num[i].off ? h->off : n->num[i].off;
        end = h->off < n->num[i].off ? n->num[i + 2].off + n->num[i + 2].len
                                     : h->off + h->len;
        generic_ipev_take(best, PTS_IP_FULL, "client IP", st, end - st,
                          n->num[st == h->off ? j : i].label);
        return;
    }
}

/* Is number g a word of its own: nothing but separators or the ends of
 * the name next to it ("46" in "ptil-46-121-", not in "m46")? */
static bool generic_num_word(const generic_name *n, const generic_num *g)
{
    size_t end = g->off + g->len;

    return (g->off == 0 || generic_is_sep(n->s[g->off - 1])) &&
           (end == n->len || generic_is_sep(n->s[end]));
}

/* Is number g an octet written with a leading zero ("019", "068", "03")? */
static bool generic_num_padded(const generic_name *n, const generic_num *g)
{
    return g->len >= 2 && g->len <= 3 && n->s[g->off] == '0';
}

/* The pair at numbers i, i+1 is all the first label holds but one word
 * of letters before it ("85-100", "diup-199-27", "h-199-27"), or the first two
 * labels are the pair and nothing else ("31.158.access"): a name built
 * around the host's octets. A mail host numbered from its address keeps
 * a letter-digit word ("a11-64.smtp-out", "m228-12") or a server word. */
static bool generic_ip4_two_bare(const generic_name *n, size_t i)
{
    const generic_num *a = &n->num[i], *b = &n->num[i + 1];
    size_t lo = n->lab[0].off, hi = lo + n->lab[0].len;

    if (n->host_labels == 0 || a->label != 0)
        return false;
    if (b->label == 1)              /* whole labels, inside the host part */
        return n->host_labels >= 2 && a->off == lo && a->len == n->lab[0].len &&
               b->off == n->lab[1].off && b->len == n->lab[1].len;
    if (b->off + b->len != hi)
        return false;
    if (a->off == lo)
        return true;
    if (a->off - lo < 2 || !generic_is_sep(n->s[a->off - 1]))
        return false;               /* a word of letters, and a separator */
    for (size_t k = lo; k < a->off - 1; k++)
        if (!generic_is_alpha(n->s[k]))
            return false;
    return true;
}

/* The first label is nothing but the last two octets, each tagged with
 * one letter ("n53-h187" for 81.22.53.187): the same as a bare pair. */
static void generic_ip4_tagged(const generic_name *n, const unsigned char *b,
                               generic_ipev *best)
{
    const char *s = n->s + n->lab[0].off;
    size_t len = n->lab[0].len, i = 0;
    unsigned long v[2];

    if (n->host_labels == 0)
        return;
    for (int k = 0; k < 2; k++) {
        size_t st;

        if (k == 1 && i < len && generic_is_sep(s[i]))
            i++;
        if (i >= len || !generic_is_alpha(s[i]))
            return;
        st = ++i;
        v[k] = 0;
        while (i < len && generic_is_digit(s[i]) && i - st < 3)
            v[k] = v[k] * 10 + (unsigned long)(s[i++] - '0');
        if (i == st || (i < len && generic_is_digit(s[i])))
            return;
    }
    if (i == len && v[0] == b[2] && v[1] == b[3])
        generic_ipev_take(best, PTS_IP_TWO_BARE, "last two octets of client IP",
                          n->lab[0].off, len, 0);
}

/* The first label is the host octet and nothing else, perhaps padded
 * to three digits ("56.sta.", "034.pool."): the name was made from the
 * address. Admins name hosts with words; a mail host numbered so keeps a
 * server label ("7.mo2.mail-out.") that outweighs it. */
static void generic_ip4_bare(const generic_name *n, const unsigned char *b,
                             generic_ipev *best)
{
    const generic_num *g = &n->num[0];

    if (n->host_labels == 0 || n->nnum == 0 || g->label != 0 || g->off != 0 ||
        g->len != n->lab[0].len || g->len > 3 || g->val != b[3])
        return;
    generic_ipev_take(best, PTS_IP_HOST_BARE, "host octet of client IP", 0, g->len, 0);
}

/* Octets as separate numbers, in either order. */
static void generic_ip4_groups(const generic_name *n, const unsigned char *b,
                               generic_ipev *best)
{
    for (size_t i = 0; i < n->nnum; i++) {
        size_t end;

        if (generic_num_chain(n, i, 4) && generic_chain_perm(n, i, b, 4)) {
            end = n->num[i + 3].off + n->num[i + 3].len;
            generic_ipev_take(best, PTS_IP_FULL, generic_chain_eq(n, i, b, 4, false) ||
                              generic_chain_eq(n, i, b, 4, true) ? "client IP"
                              : "client IP, octets permuted,", n->num[i].off,
                              end - n->num[i].off, n->num[i].label);
        }
        if (generic_num_chain(n, i, 3)) {
            end = n->num[i + 2].off + n->num[i + 2].len;
            if (generic_chain_eq(n, i, b + 1, 3, false) ||
                generic_chain_eq(n, i, b + 1, 3, true))
                generic_ipev_take(best, PTS_IP_THREE, "last three octets of client IP",
                                  n->num[i].off, end - n->num[i].off, n->num[i].label);
            if (generic_chain_eq(n, i, b, 3, false) || generic_chain_eq(n, i, b, 3, true)) {
                generic_ipev_take(best, PTS_IP_NET, "network part of client IP",
                                  n->num[i].off, end - n->num[i].off, n->num[i].label);
                generic_ip4_split(n, b, i, best);
            }
        }
        if (generic_num_chain(n, i, 2)) {
            bool fwd = generic_chain_eq(n, i, b + 2, 2, false);
            bool rev = generic_chain_eq(n, i, b + 2, 2, true);

            end = n->num[i + 1].off + n->num[i + 1].len;
            if (fwd || rev) {
                /* at the end of the first label, after a separator, the
                 * pair is where a generic name puts the host's octets */
                bool ends = n->num[i].label == 0 && n->nlab > 1 &&
                            end == n->lab[0].off + n->lab[0].len &&
                            n->num[i].off > 0 && generic_is_sep(n->s[n->num[i].off - 1]);
                /* ... and behind a third octet-like number it stands where
                 * the address stands in a generic name whose network part
                 * is recoded (a site or pool number): two pieces of
                 * evidence, the octets and the address-like chain */
                bool chain = ends && i > 0 && n->num[i - 1].label == 0 &&
                             generic_num_chain(n, i - 1, 3);
                int pts = generic_ip4_two_bare(n, i) ? PTS_IP_TWO_BARE
                          : chain ? PTS_IP_TWO_CHAIN
                          : ends ? PTS_IP_TWO_END : PTS_IP_TWO;

                generic_ipev_take(best, pts,
                                  "last two octets of client IP",
                                  n->num[i].off, end - n->num[i].off, n->num[i].label);
                /* a leading zero is a template's "%03d": admins number
                 * their hosts "mail2-168", not "mail2-068"; the pair must
                 * end its word ("h168.019", "net143-068") and stand in the
                 * host part */
                if (n->num[i + 1].label < n->host_labels &&
                    (end == n->len || generic_is_sep(n->s[end])) &&
                    (generic_num_padded(n, &n->num[i]) || generic_num_padded(n, &n->num[i + 1])))
                    generic_ipev_take(best, PTS_IP_TWO_PADDED,
                                      "last two octets of client IP, zero-padded,",
                                      n->num[i].off, end - n->num[i].off, n->num[i].label);
                /* host octet first, as in-addr.arpa writes it: a generator's
                 * order; hosts numbered by their admins from the address
                 * keep it ("a8-30.smtp-out", "m228-12") */
                if (rev && !fwd && generic_num_word(n, &n->num[i]) &&
                    generic_num_word(n, &n->num[i + 1]))
                    generic_ipev_take(best, PTS_IP_TWO_REVERSED,
                                      "last two octets of client IP, reversed,",
                                      n->num[i].off, end - n->num[i].off, n->num[i].label);
            }
        }
    }
}

/* Six digits that read as two octets padded to three ("173005" in
 * "vms173005pub" for 206.46.173.5): half an address, the way an
 * operator numbers its servers by address, not a subscriber id. */
static bool generic_two_padded(const char *d, size_t len)
{
    return len == 6 && (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0') <= 255 &&
           (d[3] - '0') * 100 + (d[4] - '0') * 10 + (d[5] - '0') <= 255 &&
           (d[0] == '0' || d[3] == '0');
}

/* Are numbers i and i+1 parted by exactly one separator? */
static bool generic_num_joined(const generic_name *n, size_t i)
{
    return i + 1 < n->nnum && n->num[i + 1].off == n->num[i].off + n->num[i].len + 1 &&
           generic_is_sep(n->s[n->num[i + 1].off - 1]);
}

/* Can number i take part in a run form: six digits or more, or four and
 * more with runs joined to it that make seven digits in all? A cheap
 * test that spares formatting the forms for most names. */
static bool generic_run_worth(const generic_name *n, size_t i)
{
    size_t len = n->num[i].len;

    if (len >= 6)
        return true;
    if (len < 4)
        return false;
    for (size_t k = i; k > 0 && k + 2 > i && generic_num_joined(n, k - 1); k--)
        len += n->num[k - 1].len;
    for (size_t k = i; k < i + 2 && generic_num_joined(n, k); k++)
        len += n->num[k + 1].len;
    return len >= 7;
}

/* Octets run together in one digit run: unpadded ("851056487") or padded
 * to three digits ("085105064087"), either order; the last three octets
 * padded ("105064087") or not ("1056487", six digits at least), the
 * network part padded ("085105064"); or the address as one 32-bit
 * decimal integer.
 * The last two octets padded ("173005" in "vms173005pub" for
 * 206.46.173.5) are only a part of the address, weak evidence; but
 * finding them tells that the long number is the host's address, not
 * a subscriber id, so the shape of a line id no longer counts. As a
 * number of its own in the host part, its zero padding showing
 * ("dnet-217003" for x.x.217.3), they are a template's work and count
 * fully.
 * Two or three runs parted by single separators are read joined too,
 * one of them four digits or more, seven digits in all, for the whole
 * address or its last three octets split over words or labels
 * ("253060.050101" for 101.50.60.253, "245187-181" for
 * x.245.187.181); only the address forms are compared, not the pair. */
#define GENERIC_RUN_FORMS 12
static void generic_ip4_runs(const generic_name *n, const unsigned char *b,
                             generic_ipev *best)
{
    char forms[GENERIC_RUN_FORMS][16];
    size_t flen[GENERIC_RUN_FORMS];
    static const int pts[GENERIC_RUN_FORMS] = {PTS_IP_FULL, PTS_IP_FULL, PTS_IP_FULL,
                                               PTS_IP_FULL, PTS_IP_FULL, PTS_IP_THREE,
                                               PTS_IP_THREE, PTS_IP_TWO, PTS_IP_TWO,
                                               PTS_IP_THREE, PTS_IP_THREE, PTS_IP_NET};
    static const char *const what[GENERIC_RUN_FORMS] = {
        "client IP", "client IP", "client IP", "client IP", "client IP",
        "last three octets of client IP", "last three octets of client IP",
        "last two octets of client IP", "last two octets of client IP",
        "last three octets of client IP", "last three octets of client IP",
        "network part of client IP"};
    uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    size_t i;

    for (i = 0; i < n->nnum && !generic_run_worth(n, i); i++)
        ;
    if (i == n->nnum)
        return;                     /* no run long enough: spare the formatting */
    snprintf(forms[0], sizeof(forms[0]), "%u%u%u%u", b[0], b[1], b[2], b[3]);
    snprintf(forms[1], sizeof(forms[1]), "%u%u%u%u", b[3], b[2], b[1], b[0]);
    snprintf(forms[2], sizeof(forms[2]), "%03u%03u%03u%03u", b[0], b[1], b[2], b[3]);
    snprintf(forms[3], sizeof(forms[3]), "%03u%03u%03u%03u", b[3], b[2], b[1], b[0]);
    snprintf(forms[4], sizeof(forms[4]), "%lu", (unsigned long)v);
    snprintf(forms[5], sizeof(forms[5]), "%03u%03u%03u", b[1], b[2], b[3]);
    snprintf(forms[6], sizeof(forms[6]), "%03u%03u%03u", b[3], b[2], b[1]);
    snprintf(forms[7], sizeof(forms[7]), "%03u%03u", b[2], b[3]);
    snprintf(forms[8], sizeof(forms[8]), "%03u%03u", b[3], b[2]);
    snprintf(forms[9], sizeof(forms[9]), "%u%u%u", b[1], b[2], b[3]);
    snprintf(forms[10], sizeof(forms[10]), "%u%u%u", b[3], b[2], b[1]);
    snprintf(forms[11], sizeof(forms[11]), "%03u%03u%03u", b[0], b[1], b[2]);
    for (size_t f = 0; f < GENERIC_RUN_FORMS; f++)
        flen[f] = strlen(forms[f]);

    for (i = 0; i < n->nnum; i++) {
        const generic_num *g = &n->num[i];

        if (g->len < 6)             /* shorter runs are too easy to hit by chance */
            continue;
        for (size_t f = 0; f < GENERIC_RUN_FORMS; f++) {
            if (flen[f] != g->len || memcmp(forms[f], n->s + g->off, g->len) != 0)
                continue;
            generic_ipev_take(best, pts[f], what[f], g->off, g->len, g->label);
            if ((f == 7 || f == 8) && g->label < n->host_labels && generic_num_word(n, g) &&
                generic_two_padded(n->s + g->off, g->len))
                generic_ipev_take(best, PTS_IP_TWO_PADDED,
                                  "last two octets of client IP, zero-padded,",
                                  g->off, g->len, g->label);
        }
    }
    for (i = 0; i + 1 < n->nnum; i++) {
        char joined[16];
        size_t jl = 0, longest = 0;

        for (size_t k = i; k < n->nnum && k < i + 3; k++) {
            const generic_num *g = &n->num[k];

            if (g->label >= n->host_labels || jl + g->len >= sizeof(joined))
                break;
            if (k > i && !generic_num_joined(n, k - 1))
                break;
            memcpy(joined + jl, n->s + g->off, g->len);
            jl += g->len;
            if (g->len > longest)
                longest = g->len;
            if (k == i || longest < 4 || jl < 7)
                continue;
            for (size_t f = 0; f < GENERIC_RUN_FORMS; f++) {
                if (f == 7 || f == 8 || flen[f] != jl ||
                    memcmp(forms[f], joined, jl) != 0)
                    continue;
                generic_ipev_take(best, pts[f], what[f], n->num[i].off,
                                  g->off + g->len - n->num[i].off, n->num[i].label);
            }
        }
    }
}

/* The address as eight hex digits ("p57a1b2c3", "0x57a1b2c3"), in either
 * byte order, anywhere in a label but not inside a longer hex run on its
 * right. 32 bits do not match by chance. */
static void generic_ip4_hex(const generic_name *n, const unsigned char *b,
                            generic_ipev *best)
{
    static const char hexd[] = "0123456789abcdef";
    char fwd[8], rev[8];
    const char *f3 = fwd + 2, *r3 = rev, *f2 = fwd + 4, *r2 = rev;

    for (int k = 0; k < 4; k++) {
        fwd[2 * k] = rev[6 - 2 * k] = hexd[b[k] >> 4];
        fwd[2 * k + 1] = rev[7 - 2 * k] = hexd[b[k] & 15];
    }
    for (size_t l = 0; l < n->nlab; l++) {
        const char *s = n->s + n->lab[l].off;
        size_t len = n->lab[l].len;

        for (size_t i = 0; i + 8 <= len; i++) {
            if (i + 8 < len && generic_is_hex(s[i + 8]))
                continue;
            if (memcmp(s + i, fwd, 8) == 0 || memcmp(s + i, rev, 8) == 0)
                generic_ipev_take(best, PTS_IP_FULL, "client IP",
                                  n->lab[l].off + i, 8, l);
        }
        if (l >= n->host_labels)
            continue;
        /* the host end of the address in hex, as a whole hex run of its
         * own ("node-c-8b22" for x.x.139.34): six digits are the last
         * three octets, four the last two */
        for (size_t i = 0; i < len;) {
            size_t st = i;

            while (i < len && generic_is_hex(s[i]))
                i++;
            if (i == st) {
                i++;
                continue;
            }
            /* a run of its own with a digit: "mailcafe", "facet" or
             * "beef" are words */
            if ((st > 0 && generic_is_alpha(s[st - 1])) || (i < len && generic_is_alpha(s[i])) ||
                strspn(s + st, "abcdef") == i - st)
                continue;
            if (i - st == 6 && (memcmp(s + st, f3, 6) == 0 || memcmp(s + st, r3, 6) == 0))
                generic_ipev_take(best, PTS_IP_THREE, "last three octets of client IP, in hex,",
                                  n->lab[l].off + st, 6, l);
            if (i - st == 4 && (memcmp(s + st, f2, 4) == 0 || memcmp(s + st, r2, 4) == 0))
                generic_ipev_take(best, l == 0 && i == len && st > 0 ? PTS_IP_TWO_END
                                  : PTS_IP_TWO, "last two octets of client IP, in hex,",
                                  n->lab[l].off + st, 4, l);
        }
    }
}

static size_t generic_label_of(const generic_name *n, size_t off)
{
    for (size_t l = 0; l < n->nlab; l++)
        if (off <= n->lab[l].off + n->lab[l].len)
            return l;
    return 0;
}

/* IPv6: the name is cut at separators into pieces; pieces of 1..4 hex
 * digits are compared as numbers with the address's 16-bit groups (so
 * "1" matches 0001). Four or more groups in a row (a /64 or the interface
 * identifier) are strong evidence, all eight the whole address; the
 * first three (the /48) count like an IPv4 network part. The
 * compressed form ("2a02-a45e--1"), and 16 or 32 nibbles in either order,
 * with or without separators, count too. */
static void generic_ip6(const generic_name *n, const unsigned char *b,
                        generic_ipev *best)
{
    unsigned grp[8];
    char nib[33], rnib[33], text[RDNS_ADDR_STRLEN];
    char buf[RDNS_NAME_MAX + 1];
    size_t map[RDNS_NAME_MAX + 1], bl = 0;
    struct { size_t off, len; unsigned val; } pc[GENERIC_MAX_GROUPS];
    size_t npc = 0;
    rdns_addr a;

    for (int i = 0; i < 8; i++)
        grp[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];

    /* pieces between separators; a non-hex piece is kept as a break */
    for (size_t i = 0; i < n->len && npc < GENERIC_MAX_GROUPS;) {
        size_t st = i;
        bool hex = true;
        unsigned val = 0;

        while (i < n->len && !generic_is_sep(n->s[i])) {
            hex = hex && generic_is_hex(n->s[i]);
            if (hex && i - st < 4)
                val = val << 4 | (unsigned)(generic_is_digit(n->s[i]) ? n->s[i] - '0'
                                            : n->s[i] - 'a' + 10);
            i++;
        }
        pc[npc].off = st;
        pc[npc].len = (hex && i - st >= 1 && i - st <= 4) ? i - st : 0;
        pc[npc].val = val;
        npc++;
        /* all-hex pieces feed the nibbles, and so do long hex runs after
         * a letter prefix ("p200300c1e7...") */
        for (size_t j = st; j < i;) {
            size_t hs = j;

            while (j < i && generic_is_hex(n->s[j]))
                j++;
            if (j > hs && (j - hs >= 16 || (hs == st && j == i)))
                for (size_t k = hs; k < j; k++) {
                    map[bl] = k;
                    buf[bl++] = n->s[k];
                }
            while (j < i && !generic_is_hex(n->s[j]))
                j++;
        }
        i++;
    }
    for (size_t i = 0; i < npc; i++) {
        for (size_t start = 0; start < 8; start++) {
            size_t k = 0;

            while (i + k < npc && start + k < 8 && pc[i + k].len > 0 &&
                   pc[i + k].val == grp[start + k])
                k++;
            if (k >= 4) {
                size_t end = pc[i + k - 1].off + pc[i + k - 1].len;

                generic_ipev_take(best, k == 8 ? PTS_IP_FULL : PTS_IP6_HALF,
                                  k == 8 ? "client IP" : "part of client IPv6 address",
                                  pc[i].off, end - pc[i].off,
                                  generic_label_of(n, pc[i].off));
            } else if (k == 3 && start == 0 && grp[0] != 0) {
                /* the first three groups: the /48 a provider routes to a
                 * site or customer ("2a02-8108-1234-..." with the rest
                 * recoded); like the network part of an IPv4 address */
                size_t end = pc[i + 2].off + pc[i + 2].len;

                generic_ipev_take(best, PTS_IP_NET, "network part of client IPv6 address",
                                  pc[i].off, end - pc[i].off, generic_label_of(n, pc[i].off));
            }
        }
    }

    /* compressed text form with '-' for ':' */
    memset(&a, 0, sizeof(a));
    a.family = AF_INET6;
    memcpy(a.b, b, 16);
    rdns_addr_format(&a, text, sizeof(text));
    for (char *c = text; *c; c++)
        if (*c == ':')
            *c = '-';
    if (strstr(text, "--") != NULL) {
        const char *at = strstr(n->s, text);

        if (at != NULL)
            generic_ipev_take(best, PTS_IP_FULL, "client IP", (size_t)(at - n->s),
                              strlen(text), generic_label_of(n, (size_t)(at - n->s)));
    }

    for (size_t i = 0; i < 16; i++)
        snprintf(nib + 2 * i, 3, "%02x", b[i]);
    for (size_t i = 0; i < 32; i++)
        rnib[i] = nib[31 - i];
    rnib[32] = '\0';
    for (size_t i = 0; i + 16 <= bl; i++) {
        for (size_t h = 0; h <= 16; h += 16) {
            bool whole, part;

            part = memcmp(buf + i, nib + h, 16) == 0 || memcmp(buf + i, rnib + h, 16) == 0;
            if (!part)
                continue;
            whole = i + 32 <= bl && (memcmp(buf + i, nib, 32) == 0 ||
                                     memcmp(buf + i, rnib, 32) == 0);
            generic_ipev_take(best, whole ? PTS_IP_FULL : PTS_IP6_HALF,
                              whole ? "client IP" : "part of client IPv6 address",
                              map[i], map[i + (whole ? 31 : 15)] + 1 - map[i],
                              generic_label_of(n, map[i]));
        }
    }
}

static int generic_roman_digit(char c)
{
    switch (c) {
    case 'i': return 1;
    case 'v': return 5;
    case 'x': return 10;
    case 'l': return 50;
    case 'c': return 100;
    default: return 0;
    }
}

/* A Roman numeral of 1..255 in canonical form ("lxiii" 63, "xxx" 30),
 * or -1: "mix" or "dim" are words, not numbers. */
static int generic_roman(const char *w, size_t len)
{
    static const char *const tens[] = {"", "x", "xx", "xxx", "xl", "l", "lx", "lxx",
                                       "lxxx", "xc"};
    static const char *const ones[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii",
                                       "viii", "ix"};
    char buf[16];
    int v = 0;

    if (len == 0 || len > 12)
        return -1;
    for (size_t k = 0; k < len; k++) {
        int cur = generic_roman_digit(w[k]);
        int next = k + 1 < len ? generic_roman_digit(w[k + 1]) : 0;

        if (cur <= 0)
            return -1;
        v += cur < next ? -cur : cur;
    }
    if (v < 1 || v > 255)
        return -1;
    /* only the canonical spelling: "iiii" or "vx" are not numerals */
    snprintf(buf, sizeof(buf), "%s%s%s", v >= 200 ? "cc" : v >= 100 ? "c" : "",
             tens[(v / 10) % 10], ones[v % 10]);
    return strlen(buf) == len && memcmp(buf, w, len) == 0 ? v : -1;
}

/* One word of the host part that may be an octet: its values as a
 * decimal number of up to three digits, a Roman numeral, or two hex
 * digits ("c0", "a8", "22"); -1 where a reading does not apply. */
typedef struct generic_oword {
    size_t off, len;
    int val[2];
    bool joined;                    /* one separator from the word before */
} generic_oword;

static void generic_oword_read(const char *w, size_t len, generic_oword *o)
{
    bool digits = true, hexletter = false, hex = true;

    o->val[0] = o->val[1] = -1;
    for (size_t k = 0; k < len; k++) {
        digits = digits && generic_is_digit(w[k]);
        hex = hex && generic_is_hex(w[k]);
        hexletter = hexletter || (generic_is_hex(w[k]) && !generic_is_digit(w[k]));
    }
    if (digits && len <= 3) {
        int v = 0;

        for (size_t k = 0; k < len; k++)
            v = v * 10 + (w[k] - '0');
        o->val[0] = v <= 255 ? v : -1;
        /* two digits may be hex as well: "22" is 34 in "cb-00-0c-22" */
        if (len == 2)
            o->val[1] = (w[0] - '0') * 16 + (w[1] - '0');
        return;
    }
    o->val[0] = generic_roman(w, len);
    if (hex && hexletter && len == 2)
        o->val[1] = (int)strtol((char[3]){w[0], w[1], '\0'}, NULL, 16);
}

static bool generic_oword_is(const generic_oword *o, unsigned v)
{
    return o->val[0] == (int)v || o->val[1] == (int)v;
}

/* Words k..k+m-1 hold the octets o[0..m-1] in order, reversed, or (for
 * the whole address) permuted. */
static bool generic_owords_match(const generic_oword *w, size_t k, const unsigned char *o,
                                 size_t m, bool perm)
{
    bool fwd = true, rev = true, used[4] = {false, false, false, false};

    for (size_t j = 0; j < m; j++) {
        fwd = fwd && generic_oword_is(&w[k + j], o[j]);
        rev = rev && generic_oword_is(&w[k + j], o[m - 1 - j]);
    }
    if (fwd || rev || !perm)
        return fwd || rev;
    for (size_t j = 0; j < m; j++) {
        size_t q;

        for (q = 0; q < m; q++)
            if (!used[q] && generic_oword_is(&w[k + j], o[q]))
                break;
        if (q == m)
            return false;
        used[q] = true;
    }
    return true;
}

/* Octets spelled other than as plain decimal groups: Roman numerals
 * ("pei-190-128-lxiii-xxx" for 190.128.63.30), two hex digits per octet
 * ("c0-a8-1-2"), or numbers parted by an 'x' ("113x36x12x34"). The host
 * part is cut into words at separators and at an 'x' between digits;
 * four joined words holding the address are the whole address, three
 * its host end. Each reading must give the client's own octets, so a
 * word that happens to read as a number proves nothing by itself. */
static void generic_ip4_words(const generic_name *n, const unsigned char *b,
                              generic_ipev *best)
{
    generic_oword w[GENERIC_MAX_GROUPS];
    size_t nw = 0, end;

    if (n->host_labels == 0)
        return;
    end = n->lab[n->host_labels - 1].off + n->lab[n->host_labels - 1].len;
    for (size_t i = 0; i < end && nw < GENERIC_MAX_GROUPS;) {
        size_t st = i;
        bool joined = nw > 0 && st == w[nw - 1].off + w[nw - 1].len + 1;

        while (i < end && (generic_is_digit(n->s[i]) || generic_is_alpha(n->s[i]))) {
            if (n->s[i] == 'x' && i > st && i + 1 < end && generic_is_digit(n->s[i - 1]) &&
                generic_is_digit(n->s[i + 1]))
                break;
            i++;
        }
        if (i > st) {
            w[nw].off = st;
            w[nw].len = i - st;
            w[nw].joined = joined;
            generic_oword_read(n->s + st, i - st, &w[nw]);
            nw++;
        }
        i++;
    }
    for (size_t k = 0; k < nw; k++) {
        size_t run = 1;

        while (k + run < nw && run < 4 && w[k + run].joined)
            run++;
        if (run == 4 && generic_owords_match(w, k, b, 4, true))
            generic_ipev_take(best, PTS_IP_FULL, "client IP, octets spelled out,",
                              w[k].off, w[k + 3].off + w[k + 3].len - w[k].off,
                              generic_label_of(n, w[k].off));
        if (run >= 3 && generic_owords_match(w, k, b + 1, 3, false))
            generic_ipev_take(best, PTS_IP_THREE, "last three octets of client IP",
                              w[k].off, w[k + 2].off + w[k + 2].len - w[k].off,
                              generic_label_of(n, w[k].off));
    }
}

static void generic_ip(const generic_name *n, const rdns_addr *ip, generic_ipev *best)
{
    if (ip->family == AF_INET) {
        generic_ip4_groups(n, ip->b, best);
        generic_ip4_words(n, ip->b, best);
        generic_ip4_tagged(n, ip->b, best);
        generic_ip4_runs(n, ip->b, best);
        generic_ip4_hex(n, ip->b, best);
        generic_ip4_bare(n, ip->b, best);
    } else if (ip->family == AF_INET6) {
        generic_ip6(n, ip->b, best);
    }
}

/* ------------------------------------------------------------------ */
/* Tokens and shape                                                     */

typedef struct generic_tokev {
    int isp_pts;                    /* sum, capped */
    const char *isp;                /* strongest ISP token */
    size_t isp_label;
    int isp_best;
    int server_pts;                 /* most negative */
    const char *server;
    size_t server_label;
} generic_tokev;

/* A word that decides alone (a placeholder, an access word as the last
 * label) becomes the strongest ISP token when it outweighs the one found. */
static bool generic_tokev_raise(generic_tokev *ev, int pts, const char *word, size_t label)
{
    if (word == NULL || ev->isp_best >= pts)
        return false;
    ev->isp_pts += pts;
    ev->isp_best = pts;
    ev->isp = word;
    ev->isp_label = label;
    return true;
}

static bool generic_tok_match(const generic_token *t, const char *w, size_t wl)
{
    size_t tl = t->len;

    if (tl > wl || (t->how != TOK_SUBSTR && t->how != TOK_SUFFIX && w[0] != t->tok[0]))
        return false;
    switch (t->how) {
    case TOK_EXACT:
        return tl == wl && memcmp(w, t->tok, tl) == 0;
    case TOK_PREFIX:
        return memcmp(w, t->tok, tl) == 0;
    case TOK_SUFFIX:
        return wl <= tl + 3 && w[wl - 1] == t->tok[tl - 1] &&
               memcmp(w + wl - tl, t->tok, tl) == 0;
    default:
        for (size_t i = 0; i + tl <= wl; i++)
            if (w[i] == t->tok[0] && memcmp(w + i, t->tok, tl) == 0)
                return true;
        return false;
    }
}

/* Best-scoring token of table t for word w (NULL if none). */
static const generic_token *generic_tok_find(const generic_token *t, size_t nt,
                                             const char *w, size_t wl)
{
    const generic_token *best = NULL;

    for (size_t i = 0; i < nt; i++)
        if (generic_tok_match(&t[i], w, wl) &&
            (best == NULL || t[i].pts > best->pts ||
             (t[i].pts == best->pts && t[i].len > best->len)))
            best = &t[i];           /* ties: the longer token names it better */
    return best;
}

static void generic_isp_hit(generic_tokev *ev, const generic_token *t, size_t label,
                            bool domain)
{
    int pts = domain ? t->pts / 2 : t->pts;

    if (pts <= 0)
        return;
    ev->isp_pts += pts;
    if (pts > ev->isp_best) {
        ev->isp_best = pts;
        ev->isp = t->tok;
        ev->isp_label = label;
    }
}

/* Every label is cut into words at '-' and '_'; each word, and each run
 * of letters inside it, is looked up. A token counts once per name. */
static void generic_tokens(const generic_name *n, generic_tokev *ev)
{
    const generic_token *seen[16];
    size_t nseen = 0;

    memset(ev, 0, sizeof(*ev));
    for (size_t l = 0; l < n->nlab; l++) {
        const char *s = n->s + n->lab[l].off;
        size_t len = n->lab[l].len;
        bool domain = l >= n->host_labels;

        for (size_t i = 0; i < len;) {
            size_t ws = i, we;

            while (i < len && s[i] != '-' && s[i] != '_')
                i++;
            we = i++;
            /* whole word, for "3g" and "ipv4" */
            const generic_token *t = generic_tok_find(generic_isp_words,
                                                      sizeof(generic_isp_words) /
                                                      sizeof(*generic_isp_words),
                                                      s + ws, we - ws);
            const generic_token *found[8];
            size_t nfound = 0;

            if (t != NULL)
                found[nfound++] = t;
            for (size_t j = ws; j < we;) {
                size_t rs;

                while (j < we && !generic_is_alpha(s[j]))
                    j++;
                rs = j;
                while (j < we && generic_is_alpha(s[j]))
                    j++;
                if (j == rs)
                    continue;
                t = generic_tok_find(generic_isp_tokens, sizeof(generic_isp_tokens) /
                                     sizeof(*generic_isp_tokens), s + rs, j - rs);
                if (t != NULL && nfound < 8)
                    found[nfound++] = t;
                /* a hoster's word glued to its sequence number of three or
                 * more digits ("vps123456", "dedi8230"): its default name
                 * for a rented machine; an admin's own "vps1" is smaller */
                if (j + 3 <= we && generic_is_digit(s[j]) && generic_is_digit(s[j + 1]) &&
                    generic_is_digit(s[j + 2]) &&
                    (t = generic_tok_find(generic_isp_words, sizeof(generic_isp_words) /
                                          sizeof(*generic_isp_words), s + rs, j - rs)) != NULL &&
                    nfound < 8)
                    found[nfound++] = t;
                t = generic_tok_find(generic_server_tokens, sizeof(generic_server_tokens) /
                                     sizeof(*generic_server_tokens), s + rs, j - rs);
                if (t != NULL && !domain) {
                    int pts = l == 0 ? PTS_SERVER_FIRST : PTS_SERVER_HOST;

                    if (pts < ev->server_pts) {
                        ev->server_pts = pts;
                        ev->server = t->tok;
                        ev->server_label = l;
                    }
                }
            }
            for (size_t k = 0; k < nfound; k++) {
                bool dup = false;

                for (size_t m = 0; m < nseen; m++)
                    dup |= seen[m] == found[k];
                if (dup)
                    continue;
                if (nseen < 16)
                    seen[nseen++] = found[k];
                generic_isp_hit(ev, found[k], l, domain);
            }
        }
    }
    if (ev->isp_pts > 16)
        ev->isp_pts = 16;
}

/* The last label is no top-level domain of the public DNS but an access
 * word of weight ("hn.kd.ny.adsl", "x.y.dialup"): an ISP's internal zone
 * leaked into its PTR records. Servers outside the public DNS end in
 * "local", "lan" or "internal", not in access words. Returns the word. */
static const char *generic_access_tld(const generic_name *n)
{
    const generic_label *l = &n->lab[n->nlab - 1];
    const generic_token *t;
    char tld[24];

    if (n->nlab < 2 || l->len < 2 || l->len >= sizeof(tld))
        return NULL;
    for (size_t k = 0; k < l->len; k++)
        if (!generic_is_alpha(n->s[l->off + k]))
            return NULL;
    t = generic_tok_find(generic_isp_tokens, sizeof(generic_isp_tokens) /
                         sizeof(*generic_isp_tokens), n->s + l->off, l->len);
    if (t == NULL || t->pts < 6)
        return NULL;
    memcpy(tld, n->s + l->off, l->len);
    tld[l->len] = '\0';
    return rdns_regdom_tld_listed(tld) ? NULL : t->tok;
}

/* What an address owner writes where nobody named the address, as
 * letters with the separators taken out ("no-reverse-dns" is
 * "noreversedns", "hosted-by" "hostedby"). */
static const char *const generic_placeholders[] = {
    "unknown", "unassigned", "unallocated", "unnamed", "noname", "undefined",
    "unconfigured", "notconfigured", "notassigned", "noreverse", "norevdns", "nordns",
    "noptr", "notset", "notdefined", "hostedby", "hostby", "localhost",
    "nxdomain", "defaultrdns", "defaultptr",
};

/* Words of end-user access that name a whole pool when they are all the
 * host part says ("dynamic.example-isp.net", "dhcp.example-isp.com",
 * "customer.example-hoster.com", "cgnat.example-mobile.net").
 * Not "static" ("static.example-cdn.net" serves files) nor "cable" or
 * "pool", which other trades use. */
static const char *const generic_pool_words[] = {
    "dynamic", "dyn", "dhcp", "dialup", "dsl", "adsl", "xdsl", "vdsl", "ppp", "pppoe",
    "broadband", "subscriber", "subscribers", "residential", "ftth",
    "customer", "customers", "cust", "client", "clients", "cgnat", "gprs",
};

/* Is the host part nothing but a placeholder: letters and separators
 * only, holding one of the words above? "unknown.example.net",
 * "no-reverse-dns.example.org", "hosted-by.example-hoster.com". A
 * server's name is a word its admin chose; a number beside the
 * placeholder leaves the decision to the other evidence. A name with no
 * host part is a registered domain a company chose ("unknown-company.com"),
 * unless it is "localhost" itself. */
static const char *generic_placeholder(const generic_name *n)
{
    char buf[64];
    bool first[64], last[64];      /* a word of the name starts / ends here */
    size_t bl = 0, end;

    if (n->host_labels == 0)
        return n->lab[0].len == 9 && memcmp(n->s, "localhost", 9) == 0 ? "localhost" : NULL;
    end = n->lab[n->host_labels - 1].off + n->lab[n->host_labels - 1].len;
    for (size_t i = 0; i < end; i++) {
        if (generic_is_sep(n->s[i]))
            continue;
        if (!generic_is_alpha(n->s[i]) || bl + 1 >= sizeof(buf))
            return NULL;
        first[bl] = i == 0 || generic_is_sep(n->s[i - 1]);
        last[bl] = i + 1 == end || generic_is_sep(n->s[i + 1]);
        buf[bl++] = n->s[i];
    }
    buf[bl] = '\0';
    for (size_t k = 0; k < sizeof(generic_pool_words) / sizeof(*generic_pool_words); k++)
        if (strcmp(buf, generic_pool_words[k]) == 0 && n->host_labels == 1)
            return generic_pool_words[k];
    for (size_t k = 0; k < sizeof(generic_placeholders) / sizeof(*generic_placeholders); k++) {
        const char *p = generic_placeholders[k];
        size_t pl = strlen(p);

        /* whole words of the name, with at most a few letters of wording
         * around them ("reverse-not-set", "no-reverse-dns-configured"),
         * never part of a word ("hostbyte") */
        if (bl > pl + 14)
            continue;
        for (const char *at = strstr(buf, p); at != NULL; at = strstr(at + 1, p)) {
            size_t o = (size_t)(at - buf);

            if (first[o] && last[o + pl - 1])
                return p;
        }
    }
    return NULL;
}

/* Subscriber-line shapes in one word of the first label (cut at '-' and
 * '_'): a hex run of 12..16 digits with letters and digits (a cable
 * modem's MAC address, "h0002a5d76857", "s0106a84e3f1b2c3d"), and the
 * number of alternating letter and digit runs ("h53n2fls32o828": 8). */
static void generic_word_shape(const char *w, size_t len, bool *mac, bool *wrapped,
                               size_t *runs)
{
    size_t r = 0;
    int prev = 0;                   /* 1 letter, 2 digit */

    /* a subscriber number wrapped in letters: "pcp04024417pcs" */
    for (size_t i = 2; i < len; i++) {
        size_t j = i;

        if (!generic_is_digit(w[i]) || generic_is_digit(w[i - 1]))
            continue;
        while (j < len && generic_is_digit(w[j]))
            j++;
        if (j - i >= 6 && j + 2 <= len && generic_is_alpha(w[i - 1]) &&
            generic_is_alpha(w[i - 2]) && generic_is_alpha(w[j]) && generic_is_alpha(w[j + 1]) &&
            !generic_two_padded(w + i, j - i))
            *wrapped = true;
        i = j;
    }
    for (size_t i = 0; i < len;) {
        size_t st = i, digits = 0, letters = 0;

        while (i < len && generic_is_hex(w[i])) {
            if (generic_is_digit(w[i]))
                digits++;
            else
                letters++;
            i++;
        }
        if (i - st >= 12 && i - st <= 16 && digits >= 3 && letters >= 1)
            *mac = true;
        if (i == st)
            i++;
    }
    for (size_t i = 0; i < len; i++) {
        int k = generic_is_digit(w[i]) ? 2 : generic_is_alpha(w[i]) ? 1 : 0;

        if (k != 0 && k != prev)
            r++;
        prev = k;
    }
    if (r > *runs)
        *runs = r;
}

/* The first label opens with a short tag of letters and a number of six
 * or more digits, the tag and the number alone in their word or parted
 * by one '-' or '_' ("h1832461", "vmi123456", "srv123456",
 * "hwsrv-123456", "n219076184117", "p3012034-ipxg..."): a provider
 * numbering its customers, lines or rented machines by the hundred
 * thousand. A host someone named carries a small number ("mx2",
 * "box5010", the hoster relay "dd12345"); a longer one with a server
 * word ("mail-oln040092254012") loses to that word. */
static bool generic_tagged_id(const char *s, size_t len)
{
    size_t i = 0, st;

    while (i < len && generic_is_alpha(s[i]))
        i++;
    if (i == 0 || i > 6)
        return false;
    if (i < len && (s[i] == '-' || s[i] == '_'))
        i++;
    st = i;
    while (i < len && generic_is_digit(s[i]))
        i++;
    return i - st >= 6 && (i == len || s[i] == '-' || s[i] == '_');
}
/* A run of exactly twelve digits in the first label whose groups of
 * three are each an octet ("softbank126012034056", "kd106154012034"):
 * the padded address even when the client address is not known. One in
 * 250 twelve-digit numbers reads so by chance, and hosts someone named
 * do not carry twelve digits. */
static bool generic_padded_quad(const generic_name *n)
{
    for (size_t i = 0; i < n->nnum && n->num[i].label == 0; i++) {
        const char *d = n->s + n->num[i].off;
        bool ok = n->num[i].len == 12;

        for (int k = 0; ok && k < 4; k++)
            ok = (d[3 * k] - '0') * 100 + (d[3 * k + 1] - '0') * 10 + (d[3 * k + 2] - '0') <= 255;
        if (ok)
            return true;
    }
    return false;
}

/* The first label is a tag of up to three letters and eight hex digits,
 * digits and letters mixed ("i5e8636fa", "c950fb5e", "zaq7a1b0809"),
 * whose first byte is a public unicast octet: the address in hex, the
 * form of several ISPs. Used only when the client address is unknown:
 * with it, the hex matcher checks the exact address, and eight hex
 * digits that are not the client's are a hash, not an address. */
static bool generic_hex_quad(const generic_name *n)
{
    const char *s = n->s + n->lab[0].off;
    size_t len = n->lab[0].len, digits = 0, letters = 0;
    int first;

    if (len < 8 || len - 8 > 3)
        return false;
    for (size_t k = 0; k < len - 8; k++)
        if (!generic_is_alpha(s[k]))
            return false;
    for (size_t k = len - 8; k < len; k++) {
        if (!generic_is_hex(s[k]))
            return false;
        digits += generic_is_digit(s[k]);
        letters += !generic_is_digit(s[k]);
    }
    first = (int)strtol((char[3]){s[len - 8], s[len - 7], '\0'}, NULL, 16);
    return digits >= 2 && letters >= 1 && first >= 1 && first <= 223 && first != 10 &&
           first != 127;
}

/* Four octet-like numbers in a row, each a word of its own, in the host
 * part, the first in the first two labels, with nothing but separators
 * and words of letters between them ("180.sub-174-201-60",
 * "ip.39.168.154.45"): the address spread over labels. */
static bool generic_spread_quad(const generic_name *n)
{
    for (size_t i = 0; i + 4 <= n->nnum; i++) {
        bool ok = n->num[i].label <= 1 && n->num[i + 3].label < n->host_labels;

        for (size_t j = i; ok && j < i + 4; j++) {
            const generic_num *g = &n->num[j];
            size_t end = g->off + g->len;

            ok = g->len <= 3 && g->val <= 255 &&
                 (g->off == 0 || generic_is_sep(n->s[g->off - 1])) &&
                 (end == n->len || generic_is_sep(n->s[end]));
            /* between two numbers: separators and letters only */
            for (size_t k = end; ok && j + 1 < i + 4 && k < n->num[j + 1].off; k++)
                ok = generic_is_sep(n->s[k]) || generic_is_alpha(n->s[k]);
        }
        if (ok)
            return true;
    }
    return false;
}

/* Shape of the first label: numbers that look like octets, or the
 * marks of a line or customer id (long numbers, MAC addresses, runs of
 * letters and digits, many numbered segments). */
static int generic_shape(const generic_name *n, bool no_ip, const char **what)
{
    size_t octets = 0, longest = 0, run = 0, runs = 0, words = 0, numbered = 0;
    const char *s = n->s + n->lab[0].off;
    size_t len = n->lab[0].len, numbered_labels = 0, digits = 0, alnum = 0;
    bool mac = false, wrapped = false;
    int pts = 0, extra = 0;

    *what = NULL;
    if (n->host_labels == 0)
        return 0;
    for (size_t i = 0; i < n->nnum && n->num[i].label == 0; i++) {
        if (n->num[i].len > longest)
            longest = n->num[i].len;
        if (generic_num_chain(n, i, 1) && (run == 0 || generic_num_chain(n, i - 1, 2)))
            run++;
        else
            run = generic_num_chain(n, i, 1) ? 1 : 0;
        if (run > octets)
            octets = run;
    }
    /* dotted forms spread over labels: "34.12.92.79.rev.sfr.net" */
    if (octets < 4) {
        for (size_t i = 0; i + 4 <= n->nnum; i++)
            if (n->num[i].label == 0 && generic_num_chain(n, i, 4) &&
                n->num[i + 3].label < n->host_labels)
                octets = 4;
    }
    for (size_t i = 0; i < len;) {
        size_t st = i;
        bool digit = false;

        while (i < len && s[i] != '-' && s[i] != '_') {
            digit |= generic_is_digit(s[i]);
            digits += generic_is_digit(s[i]);
            alnum += generic_is_digit(s[i]) || generic_is_alpha(s[i]);
            i++;
        }
        generic_word_shape(s + st, i - st, &mac, &wrapped, &runs);
        words++;
        numbered += digit;
        i++;
    }
    if (octets >= 4) {
        *what = "four numbers like an IPv4 address";
        return PTS_SHAPE_QUAD;
    }
    if (generic_padded_quad(n)) {
        *what = "an IPv4 address padded to twelve digits";
        return PTS_SHAPE_PADDED;
    }
    if (generic_spread_quad(n)) {
        *what = "four numbers like IPv4 octets spread over its labels";
        return PTS_SHAPE_SPREAD;
    }
    if (no_ip && generic_hex_quad(n)) {
        *what = "eight hex digits like an IPv4 address";
        return PTS_SHAPE_HEX;
    }
    if (mac) {
        *what = "a MAC-address-like hex id";
        return PTS_SHAPE_MAC;
    }
    if (runs >= 7) {
        *what = "a line id of letter and digit runs";
        return PTS_SHAPE_RUNS;
    }
    if (wrapped) {
        *what = "a long number wrapped in letters";
        return PTS_SHAPE_WRAPPED;
    }
    if (generic_tagged_id(s, len)) {
        *what = "a tag and a number of six or more digits";
        return PTS_SHAPE_ID;
    }
    for (size_t l = 0; l < n->host_labels; l++) {
        const char *ls = n->s + n->lab[l].off;

        for (size_t k = 0; k < n->lab[l].len; k++)
            if (generic_is_digit(ls[k])) {
                numbered_labels++;
                break;
            }
    }
    if (octets == 3) {
        *what = "three numbers like IPv4 octets";
        pts = PTS_SHAPE_TRIPLE;
    } else if (octets == 2) {
        /* the host's last two octets, as generic names end; a server
         * numbered that way keeps a server word ("mail12-34") */
        *what = "two numbers like IPv4 octets";
        pts = PTS_SHAPE_PAIR;
    } else if (longest >= 6) {
        *what = "a long number";
        pts = PTS_SHAPE_LONG;
    } else if (len >= 6 && generic_is_alpha(s[0]) && digits == len - 1) {
        *what = "a letter and a number";
        pts = PTS_SHAPE_LETTER_ID;
    } else if (longest > 0) {
        *what = "a number";
        pts = PTS_SHAPE_NUMBERED;
    }
    if (runs >= 5)
        extra += PTS_SHAPE_SOME_RUNS;
    if (words >= 4 && numbered >= 3)
        extra += PTS_SHAPE_SEGMENTS;
    if (n->host_labels >= 2 && numbered_labels == n->host_labels)
        extra += PTS_SHAPE_ALL_NUMBERED;
    if (digits >= 8 && 3 * digits >= 2 * alnum)
        extra += PTS_SHAPE_MOSTLY_DIGITS;
    if (digits == len)
        extra += PTS_SHAPE_ALL_DIGITS;
    if (extra > 0 && pts <= PTS_SHAPE_NUMBERED)
        *what = words >= 4 && numbered >= 3 ? "numbered segments like a line id"
                : digits == len ? "a number and nothing else" : "letter and digit runs";
    pts += extra;
    return pts > PTS_SHAPE_QUAD ? PTS_SHAPE_QUAD : pts;
}

/* The host octet of the client address as the first or last number of
 * the first label, standing alone or behind a one-letter prefix
 * ("ky-richmond2a-123" for 68.71.36.123, "h234n2fls32o895" for
 * 217.208.73.234), not glued to a word as in a server's "host66": one
 * octet matches by chance one time in 256, so it only adds to other
 * signs. */
static bool generic_num_alone(const generic_name *n, const generic_num *g)
{
    size_t lo = n->lab[0].off, hi = lo + n->lab[0].len;
    size_t st = g->off, end = g->off + g->len;
    bool left = st == lo || generic_is_sep(n->s[st - 1]) ||
                (st == lo + 1 && generic_is_alpha(n->s[lo]));

    /* zero-padded to three digits behind a tag of up to three letters
     * ("pl027" for 61.197.82.27): a template's "%03d", not a number an
     * admin gave a host ("mx07", "server040" keep two or add a word) */
    if (!left && g->len == 3 && n->s[st] == '0' && st - lo <= 3) {
        left = true;
        for (size_t k = lo; k < st; k++)
            left = left && generic_is_alpha(n->s[k]);
    }

    return g->len <= 3 && left && (end == hi || !generic_is_digit(n->s[end]));
}

/* The host octet glued to the access or hosting word that opens the
 * first label ("hosting25" for 2.57.121.25, "dyn57", "ip201"): the
 * address owner numbering its customers' addresses. The word must be the
 * token itself ("dynamo25" is not "dyn") and one of weight: not "host",
 * which admins give their own machines ("host66" for a company's
 * x.x.x.66), nor "nas" or "red" ("nas1", "red1" of a cluster), nor any
 * other word of letters ("mx25", "box25"). */
static bool generic_num_tagged(const generic_name *n, const generic_num *g)
{
    size_t lo = n->lab[0].off, hi = lo + n->lab[0].len, end = g->off + g->len;
    const generic_token *t;

    if (g->len > 3 || g->off == lo || (end < hi && !generic_is_sep(n->s[end])))
        return false;
    for (size_t k = lo; k < g->off; k++)
        if (!generic_is_alpha(n->s[k]))
            return false;
    t = generic_tok_find(generic_isp_tokens, sizeof(generic_isp_tokens) /
                         sizeof(*generic_isp_tokens), n->s + lo, g->off - lo);
    /* the whole word is the token: "dyn57", not "dynamo57" */
    return t != NULL && t->pts >= 4 && t->len == g->off - lo;
}

/* The first label is a line id: the host octet, a tag of one to four
 * letters, a number, and nothing else ("131stb68" for x.x.x.131). A
 * name someone chose opens with a word, not with its address's last
 * octet; a hash that opens with digits has more runs than three. */
static bool generic_num_lead(const generic_name *n, const generic_num *g)
{
    const char *s = n->s + n->lab[0].off;
    size_t len = n->lab[0].len, i = g->len, st;

    if (g->off != n->lab[0].off || g->len > 3)
        return false;
    st = i;
    while (i < len && generic_is_alpha(s[i]))
        i++;
    if (i == st || i - st > 4 || i == len)
        return false;
    while (i < len && generic_is_digit(s[i]))
        i++;
    return i == len;
}

/* Points for the host octet at the edge of the first label; *at says
 * where it stands, for the reason ("opening with", "ending in"). */
static int generic_ip4_host(const generic_name *n, const rdns_addr *ip, const char **at)
{
    size_t first = n->nnum, last = n->nnum;
    size_t hi = n->lab[0].off + n->lab[0].len;

    *at = "holding";
    if (ip == NULL || ip->family != AF_INET || n->host_labels == 0)
        return 0;
    for (size_t i = 0; i < n->nnum && n->num[i].label == 0; i++) {
        if (first == n->nnum)
            first = i;
        last = i;
    }
    if (first == n->nnum)
        return 0;
    if (n->num[first].off == n->lab[0].off)
        *at = "opening with";
    else if (n->num[first].off + n->num[first].len == hi)
        *at = "ending in";
    if (n->num[first].val == ip->b[3] && generic_num_lead(n, &n->num[first]))
        return PTS_IP_HOST_LEAD;
    if (n->num[first].val == ip->b[3] && (generic_num_alone(n, &n->num[first]) ||
                                          generic_num_tagged(n, &n->num[first])))
        return PTS_IP_HOST;
    if (n->num[last].val == ip->b[3] && n->num[last].off + n->num[last].len == hi &&
        n->num[last].len <= 3 && n->num[last].off > n->lab[0].off &&
        generic_is_sep(n->s[n->num[last].off - 1])) {
        *at = "ending in";
        return PTS_IP_HOST;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Outbound mail hosts by structure                                     */

/* Is one of the two host labels next to the registered domain an
 * outbound-mail label, and is no access-network token anywhere in the
 * host part? Sets *word to the label's word and *label to its index. */
static bool generic_outbound(const generic_name *n, const char **word, size_t *label)
{
    const generic_token *hit = NULL;
    size_t hit_label = 0;

    for (size_t l = 0; l < n->host_labels; l++) {
        const char *s = n->s + n->lab[l].off;
        size_t len = n->lab[l].len;
        bool near = l + 2 >= n->host_labels;

        for (size_t i = 0; i < len;) {
            size_t st;

            while (i < len && !generic_is_alpha(s[i]))
                i++;
            st = i;
            while (i < len && generic_is_alpha(s[i]))
                i++;
            if (i == st)
                continue;
            const generic_token *t = generic_tok_find(generic_isp_tokens,
                                                      sizeof(generic_isp_tokens) /
                                                      sizeof(*generic_isp_tokens),
                                                      s + st, i - st);
            if (t != NULL && t->pts >= 4) {
                bool neutral = false;

                for (size_t k = 0; k < sizeof(generic_address_words) /
                                       sizeof(*generic_address_words); k++)
                    neutral |= strcmp(t->tok, generic_address_words[k]) == 0;
                if (!neutral)
                    return false;   /* "mail.dsl.isp.net" is still a home line */
            }
            if (near && hit == NULL) {
                t = generic_tok_find(generic_outbound_words,
                                     sizeof(generic_outbound_words) /
                                     sizeof(*generic_outbound_words), s + st, i - st);
                if (t != NULL) {
                    hit = t;
                    hit_label = l;
                }
            }
        }
    }
    if (hit == NULL)
        return false;
    *word = hit->tok;
    *label = hit_label;
    return true;
}

/* ------------------------------------------------------------------ */
/* Classification                                                       */

static bool generic_reason(char *reason, size_t len, bool generic, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool generic_reason(char *reason, size_t len, bool generic, const char *fmt, ...)
{
    va_list ap;

    if (reason != NULL && len > 0) {
        va_start(ap, fmt);
        vsnprintf(reason, len, fmt, ap);
        va_end(ap);
        /* Whatever a format pulled in, the reason goes to logs, headers
         * and replies: printable ASCII only. */
        for (char *p = reason; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                *p = '?';
    }
    return generic;
}

/* Known senders: name is lowercase without a trailing dot, len bytes;
 * the list is lowercase too, so bytes compare. */
static const char *generic_known_sender(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(generic_senders) / sizeof(*generic_senders); i++) {
        const char *d = generic_senders[i];
        size_t dl = strlen(d);

        if (dl <= len && memcmp(name + len - dl, d, dl) == 0 &&
            (dl == len || name[len - dl - 1] == '.'))
            return d;
    }
    return NULL;
}

bool rdns_generic_classify(const rdns_generic *g, const char *name,
                           const rdns_addr *ip, char *reason, size_t reasonlen)
{
    return rdns_generic_classify_ex(g, name, ip, 0, reason, reasonlen);
}

/* name lowercased into low (RDNS_NAME_MAX + 2 bytes), one trailing dot
 * dropped; returns its length: 0 for an empty name, over RDNS_NAME_MAX
 * (low then unset) for one too long. */
static size_t generic_lower(const char *name, char *low)
{
    size_t len = name != NULL ? strnlen(name, RDNS_NAME_MAX + 2) : 0;

    if (len > 0 && name[len - 1] == '.' && len <= RDNS_NAME_MAX + 1)
        len--;
    if (len > RDNS_NAME_MAX)
        return len;
    for (size_t k = 0; k < len; k++)
        low[k] = (name[k] >= 'A' && name[k] <= 'Z') ? (char)(name[k] - 'A' + 'a') : name[k];
    low[len] = '\0';
    return len;
}

bool rdns_generic_classify_ex(const rdns_generic *g, const char *name,
                              const rdns_addr *ip, unsigned flags,
                              char *reason, size_t reasonlen)
{
    char low[RDNS_NAME_MAX + 2];
    generic_name n;
    generic_ipev ipev;
    generic_tokev tokev;
    const char *shape_what, *hit;
    char where[32], ipbuf[RDNS_ADDR_STRLEN], frag[RDNS_NAME_MAX + 1];
    size_t len;
    int shape, total, i, hostoct = 0;
    const char *hostat = "holding";

    if (reason != NULL && reasonlen > 0)
        reason[0] = '\0';
    len = generic_lower(name, low);
    if (len > RDNS_NAME_MAX)
        return generic_reason(reason, reasonlen, false,
                              "name too long (over %d characters)", RDNS_NAME_MAX);
    if (len == 0)
        return generic_reason(reason, reasonlen, false, "empty name");

    /* 1. never generic */
    if (g != NULL) {
        for (size_t k = 0; k < g->not_suffix.n; k++)
            if (rdns_name_has_suffix(low, g->not_suffix.v[k]))
                return generic_reason(reason, reasonlen, false,
                                      "matches not_generic '%s'", g->not_suffix.v[k]);
    }
    if (!(flags & RDNS_GENERIC_NO_SENDER_LIST) && (hit = generic_known_sender(low, len)) != NULL)
        return generic_reason(reason, reasonlen, false,
                              "known mail sender domain %s", hit);
    if (g != NULL && (g->nnot_re > 0 || g->npatterns > 0)) {
        pcre2_match_data *md = generic_match_data();

        i = generic_match_any(g, g->not_re, g->nnot_re, low, len, md);
        if (i >= 0) {
            pcre2_match_data_free(md);
            return generic_reason(reason, reasonlen, false,
                                  "matches not_generic pattern '%s'", g->not_re[i].text);
        }
        /* 2. admin patterns */
        i = generic_match_any(g, g->patterns, g->npatterns, low, len, md);
        pcre2_match_data_free(md);
        if (i >= 0)
            return generic_reason(reason, reasonlen, true,
                                  "matches admin pattern '%s'", g->patterns[i].text);
    }

    /* 3.-5. evidence from the name itself */
    n.s = low;
    n.len = len;
    generic_split(&n);
    memset(&ipev, 0, sizeof(ipev));
    if (ip != NULL)
        generic_ip(&n, ip, &ipev);
    generic_tokens(&n, &tokev);
    generic_tokev_raise(&tokev, PTS_PLACEHOLDER, generic_placeholder(&n), 0);
    if (generic_tokev_raise(&tokev, PTS_ACCESS_TLD, generic_access_tld(&n), n.nlab - 1))
        n.tld_access = true;
    shape = generic_shape(&n, ip == NULL, &shape_what);
    /* the address found in the name already explains its shape */
    if (ipev.pts > 0)
        shape = 0;
    else
        shape += hostoct = generic_ip4_host(&n, ip, &hostat);
    if (hostoct > 0 && shape_what == NULL)
        shape_what = "a number";
    total = ipev.pts + tokev.isp_pts + shape + tokev.server_pts;

    if (ipev.pts > 0) {
        rdns_addr_format(ip, ipbuf, sizeof(ipbuf));
        /* The matcher takes any non-digit between numbers as a separator,
         * so the slice may hold bytes no log line should carry. */
        rdns_sanitize(frag, sizeof(frag), low + ipev.off, ipev.len);
        generic_where(&n, ipev.label, where, sizeof(where));
    }
    if (total >= GENERIC_THRESHOLD && (flags & RDNS_GENERIC_CONFIRMED)) {
        const char *word;
        size_t ol;

        if (generic_outbound(&n, &word, &ol)) {
            char dom[RDNS_NAME_MAX + 1];
            size_t doff = n.lab[n.host_labels].off;

            rdns_sanitize(dom, sizeof(dom), low + doff, len - doff);
            return generic_reason(reason, reasonlen, false,
                                  "forward-confirmed name under outbound-mail label '%s' "
                                  "of %s, no access-network token: a mail server",
                                  word, dom);
        }
    }
    if (total >= GENERIC_THRESHOLD) {
        char tokpart[96] = "";
        char tw[32];

        if (tokev.isp != NULL)
            snprintf(tokpart, sizeof(tokpart), ", ISP token '%s' in %s", tokev.isp,
                     generic_where(&n, tokev.isp_label, tw, sizeof(tw)));
        if (ipev.pts > 0)
            return generic_reason(reason, reasonlen, true, "%s %s embedded as %s in %s%s",
                                  ipev.what, ipbuf, frag, where, tokpart);
        if (shape > PTS_SHAPE_NUMBERED)
            return generic_reason(reason, reasonlen, true, "first label holds %s%s%s%s%s",
                                  shape_what, hostoct > 0 ? " " : "", hostoct > 0 ? hostat : "",
                                  hostoct > 0 ? " the client IP's host octet" : "", tokpart);
        return generic_reason(reason, reasonlen, true, "ISP token%s '%s' in %s%s",
                              tokev.isp_pts > tokev.isp_best ? "s including" : "",
                              tokev.isp, generic_where(&n, tokev.isp_label, tw, sizeof(tw)),
                              shape > 0 ? ", numbered first label" : "");
    }
    if (tokev.server != NULL && total - tokev.server_pts >= GENERIC_THRESHOLD) {
        char sw[32];

        return generic_reason(reason, reasonlen, false,
                              "server token '%s' in %s outweighs %s",
                              tokev.server,
                              generic_where(&n, tokev.server_label, sw, sizeof(sw)),
                              ipev.pts > 0 ? "the embedded address"
                              : tokev.isp != NULL ? "ISP tokens" : "its numbers");
    }
    if (ipev.pts > 0)
        return generic_reason(reason, reasonlen, false,
                              "only %s %s embedded as %s in %s, not enough for a "
                              "generic name%s%s%s", ipev.what, ipbuf, frag, where,
                              tokev.server ? " with server token '" : "",
                              tokev.server ? tokev.server : "", tokev.server ? "'" : "");
    if (tokev.isp != NULL || shape > PTS_SHAPE_NUMBERED)
        return generic_reason(reason, reasonlen, false,
                              "weak signs only (%s%s%s), no IP embedding",
                              tokev.isp != NULL ? "ISP token '" : "",
                              tokev.isp != NULL ? tokev.isp : shape_what,
                              tokev.isp != NULL ? "'" : "");
    return generic_reason(reason, reasonlen, false, "no IP embedding or ISP token");
}

bool rdns_generic_known_server(const rdns_generic *g, const char *name, unsigned flags)
{
    char low[RDNS_NAME_MAX + 2];
    generic_name n;
    const char *word;
    size_t len, label;
    bool known = false;

    len = generic_lower(name, low);
    if (len == 0 || len > RDNS_NAME_MAX)
        return false;
    for (size_t k = 0; g != NULL && k < g->not_suffix.n && !known; k++)
        known = rdns_name_has_suffix(low, g->not_suffix.v[k]);
    if (!known && !(flags & RDNS_GENERIC_NO_SENDER_LIST))
        known = generic_known_sender(low, len) != NULL;
    if (!known && g != NULL && g->nnot_re > 0) {
        pcre2_match_data *md = generic_match_data();

        known = generic_match_any(g, g->not_re, g->nnot_re, low, len, md) >= 0;
        pcre2_match_data_free(md);
    }
    if (!known && (flags & RDNS_GENERIC_CONFIRMED)) {
        n.s = low;
        n.len = len;
        generic_split(&n);
        known = generic_outbound(&n, &word, &label);
    }
    return known;
}
