-- No macros at all and no client address (a Unix-socket or pipe client):
-- nothing breaks, address checks are skipped, the header says so.
-- log: client=unknown ptr=none iprev=temperror helo=mail\.good\.milter\.test from=<a@good\.milter\.test> score=0\.0/7\.0
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "localhost", "unspec")
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score", "0.0/7.0 iprev=temperror ptr=none hits=none action=accept")
expect_header(conn, "Authentication-Results", "mx.milter.test; none")
mt.disconnect(conn)
