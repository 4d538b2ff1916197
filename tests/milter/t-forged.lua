-- Senders forge X-RDNS-Score and our Authentication-Results: every
-- X-RDNS-Score and every A-R with our authserv-id (any case) is deleted,
-- A-R of other hosts stay; ours are added.
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
-- header steps get no reply (SMFIP_NR_HDR)
check(mt.header(conn, "X-RDNS-Score", "0.0/7.0 iprev=pass hits=none") == nil, "h1")
check(mt.header(conn, "Authentication-Results", "other.example; spf=pass") == nil, "h2")
check(mt.header(conn, "x-rdns-score", "-100.0/7.0 forged") == nil, "h3")
check(mt.header(conn, "Authentication-Results",
                "(forged) MX.Milter.Test; iprev=pass policy.iprev=203.0.113.10") == nil, "h4")
check(mt.eom(conn) == nil, "eom")
check(mt.eom_check(conn, MT_HDRDELETE, "X-RDNS-Score"), "forged X-RDNS-Score kept")
check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"), "forged A-R kept")
expect_header(conn, "X-RDNS-Score",
  "-3.0/7.0 iprev=pass ptr=mail.good.milter.test hits=helo_confirms,sender_mx_match action=accept")
mt.disconnect(conn)

-- Another A-R id only: nothing of it is deleted.
conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.header(conn, "Authentication-Results", "mx.milter.test.evil; spf=pass") == nil, "h5")
check(mt.eom(conn) == nil, "eom")
check(not mt.eom_check(conn, MT_HDRDELETE), "a foreign A-R was deleted")
mt.disconnect(conn)
