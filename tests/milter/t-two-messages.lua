-- Two messages on one connection, with an abort (RSET) between: each gets
-- its own header; the forged field of the first is not deleted again in
-- the second; the sender checks are per message.
-- log: qid=M1 client=203\.0\.113\.10 .*from=<a@good\.milter\.test> score=-3\.0/7\.0
-- log: qid=M3 client=203\.0\.113\.10 .*from=<b@nxdomain\.milter\.test> score=4\.0/7\.0 action=accept stage=eom result=header hits=from_domain_invalid
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")

mt.macro(conn, SMFIC_MAIL, "i", "M1")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.header(conn, "X-RDNS-Score", "forged") == nil, "header")
check(mt.eom(conn) == nil, "eom 1")
check(mt.eom_check(conn, MT_HDRDELETE, "X-RDNS-Score"), "forged field kept")
expect_header(conn, "X-RDNS-Score",
  "-3.0/7.0 iprev=pass ptr=mail.good.milter.test hits=helo_confirms,sender_mx_match action=accept")

mt.macro(conn, SMFIC_MAIL, "i", "M2")
step(conn, "mailfrom", SMFIR_CONTINUE, "<c@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.abort(conn) == nil, "abort")

mt.macro(conn, SMFIC_MAIL, "i", "M3")
step(conn, "mailfrom", SMFIR_CONTINUE, "<b@nxdomain.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom 2")
check(not mt.eom_check(conn, MT_HDRDELETE), "deleted a field in message 2")
expect_header(conn, "X-RDNS-Score",
  "4.0/7.0 iprev=pass ptr=mail.good.milter.test hits=from_domain_invalid action=accept")
mt.disconnect(conn)
