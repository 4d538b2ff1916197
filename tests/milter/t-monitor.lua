-- mode: monitor refuses nothing at any stage, yet logs, counts and marks
-- what enforce mode would have done. reject_stage connect with a weight
-- that decides at connect: the zombie gets CONTINUE everywhere, its
-- message gets action=reject mode=monitor, and the would-be refusal is
-- logged once (at connect, where enforce mode would have ended the
-- session), not again at HELO, MAIL or RCPT.
-- config: mode: monitor
-- config: reject_stage: connect
-- config: weights: {ptr_none: 7.0}
-- log: client=203\.0\.113\.66 ptr=none iprev=permerror .*score=7\.0/7\.0 action=reject stage=connect result=550 hits=ptr_none mode=monitor$
-- log: client=203\.0\.113\.66 .*action=reject stage=eom result=header hits=ptr_none,helo_not_fqdn mode=monitor$
-- log: client=203\.0\.113\.10 .*action=accept stage=eom result=header hits=helo_confirms,sender_mx_match mode=monitor$
-- nolog: stage=(helo|mail|rcpt) result=550
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<other@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score",
  "10.0/7.0 iprev=permerror ptr=none hits=ptr_none,helo_not_fqdn action=reject mode=monitor")
mt.disconnect(conn)

-- A good client: accepted, and its header says the filter only monitors.
conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom good")
expect_header(conn, "X-RDNS-Score",
  "-3.0/7.0 iprev=pass ptr=mail.good.milter.test hits=helo_confirms,sender_mx_match action=accept mode=monitor")
mt.disconnect(conn)
