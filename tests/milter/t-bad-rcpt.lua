-- A zombie PC: no PTR, HELO localhost. With the default reject_stage
-- (rcpt) the dialogue goes on until RCPT, which gets 550 5.7.1 with the
-- reject_reply: score 5 (ptr_none) + 3 (helo_not_fqdn) = 8 >= 7.
-- log: client=203\.0\.113\.66 ptr=none iprev=permerror helo=localhost from=<x@good\.milter\.test> rcpt=<user@example\.milter\.test> score=8\.0/7\.0 action=reject stage=rcpt result=550 hits=ptr_none,helo_not_fqdn
-- nolog: result=header
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
-- SMFIR_REPLYCODE: a reject carrying our own 550 5.7.1 text
step(conn, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
-- the next recipient is refused as well, each on its own
step(conn, "rcptto", SMFIR_REPLYCODE, "<other@example.milter.test>")
mt.disconnect(conn)
