-- IPv6 clients: 2001:db8::25 has PTR mail6.good.milter.test with a
-- matching AAAA; in Authentication-Results the address is a quoted-string
-- (':' is not allowed in an RFC 2045 token). 2001:db8::66 has no PTR.
-- log: client=2001:db8::25 ptr=mail6\.good\.milter\.test iprev=pass
-- log: client=2001:db8::66 ptr=none iprev=permerror .*result=550
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail6.good.milter.test", "2001:db8::25")
step(conn, "helo", SMFIR_CONTINUE, "mail6.good.milter.test")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score",
  "-1.0/7.0 iprev=pass ptr=mail6.good.milter.test hits=helo_confirms action=accept")
expect_header(conn, "Authentication-Results",
  "mx.milter.test; iprev=pass policy.iprev=\"2001:db8::25\" (mail6.good.milter.test)")
mt.disconnect(conn)

conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "2001:db8::66")
step(conn, "helo", SMFIR_CONTINUE, "[IPv6:2001:db8::66]")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@nxdomain.milter.test>")
step(conn, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
mt.disconnect(conn)
