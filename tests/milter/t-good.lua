-- A mail server done right: PTR mail.good.milter.test, whose A record is
-- the client address, HELO with that name, a sender domain with an MX.
-- Every step continues, and the message gets both header fields. HELO
-- resolving to the client and the sender's MX being it are good evidence
-- (rewards): the score is negative.
-- log: client=203\.0\.113\.10 ptr=mail\.good\.milter\.test iprev=pass helo=mail\.good\.milter\.test from=<a@good\.milter\.test> score=-3\.0/7\.0 action=accept stage=eom result=header hits=helo_confirms,sender_mx_match
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
check_negotiation(conn)
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")
mt.macro(conn, SMFIC_MAIL, "i", "4XyZ1")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.header(conn, "From", "a@good.milter.test") == nil, "header")
check(mt.header(conn, "Subject", "hello") == nil, "header")
check(mt.eom(conn) == nil, "eom")
check(mt.getreply(conn) == SMFIR_CONTINUE, "eom reply")
expect_header(conn, "X-RDNS-Score",
  "-3.0/7.0 iprev=pass ptr=mail.good.milter.test hits=helo_confirms,sender_mx_match action=accept")
expect_header(conn, "Authentication-Results",
  "mx.milter.test; iprev=pass policy.iprev=203.0.113.10 (mail.good.milter.test)")
check(mt.eom_check(conn, MT_HDRINSERT, "X-RDNS-Score"), "X-RDNS-Score not inserted")
check(not mt.eom_check(conn, MT_HDRDELETE), "nothing was there to delete")
mt.disconnect(conn)
