-- RFC 5321 4.5.1: a refused client can still reach postmaster (any case,
-- with or without a domain) and abuse; other recipients are refused one by
-- one, and the message for postmaster gets the header, action=reject.
-- log: rcpt=<PostMaster@example\.milter\.test> score=8\.0/7\.0 action=reject stage=rcpt result=never_reject
-- log: rcpt=<postmaster> .*result=never_reject
-- log: rcpt=<abuse@example\.milter\.test> .*result=never_reject
-- log: rcpt=<user@example\.milter\.test> .*result=550
-- log: action=reject stage=eom result=header
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<PostMaster@example.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<postmaster>")
step(conn, "rcptto", SMFIR_CONTINUE, "<abuse@example.milter.test>")
step(conn, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
check(mt.header(conn, "Subject", "please fix my DNS") == nil, "header")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score",
  "8.0/7.0 iprev=permerror ptr=none hits=ptr_none,helo_not_fqdn action=reject")
expect_header(conn, "Authentication-Results",
  "mx.milter.test; iprev=permerror policy.iprev=203.0.113.66")
mt.disconnect(conn)
