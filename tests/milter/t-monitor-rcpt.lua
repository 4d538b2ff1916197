-- mode: monitor at the default reject_stage rcpt: every recipient enforce
-- mode would refuse is logged as a would-be 550 of its own (and counted so),
-- never_reject recipients as ever; the MTA is told to go on each time.
-- config: mode: monitor
-- log: rcpt=<user@example\.milter\.test> score=8\.0/7\.0 action=reject stage=rcpt result=550 hits=ptr_none,helo_not_fqdn mode=monitor$
-- log: rcpt=<other@example\.milter\.test> score=8\.0/7\.0 action=reject stage=rcpt result=550 hits=ptr_none,helo_not_fqdn mode=monitor$
-- log: rcpt=<postmaster> .*result=never_reject hits=ptr_none,helo_not_fqdn mode=monitor$
-- log: stats: monitor_reject=2 monitor_tempfail=0 monitor_reject_connect=0 monitor_reject_helo=0 monitor_reject_mail=0 monitor_reject_rcpt=2
-- log: stats: accept=1 reject=0 tempfail=0 never_reject=1
-- nolog: stage=(connect|helo|mail) result=
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<postmaster>")
step(conn, "rcptto", SMFIR_CONTINUE, "<other@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score",
  "8.0/7.0 iprev=permerror ptr=none hits=ptr_none,helo_not_fqdn action=reject mode=monitor")
mt.disconnect(conn)
