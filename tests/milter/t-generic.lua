-- An ISP's generic name with the address in it and no A record: fcrdns_fail
-- and ptr_generic (3 + 3 = 6 < 7): accepted, and the header says why.
-- log: client=203\.0\.113\.87 ptr=87-113-0-203\.dyn\.isp\.milter\.test iprev=fail
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.87")
step(conn, "helo", SMFIR_CONTINUE, "[203.0.113.87]")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score",
  "6.0/7.0 iprev=fail ptr=87-113-0-203.dyn.isp.milter.test hits=fcrdns_fail,ptr_generic action=accept")
expect_header(conn, "Authentication-Results",
  "mx.milter.test; iprev=fail policy.iprev=203.0.113.87 (87-113-0-203.dyn.isp.milter.test)")
mt.disconnect(conn)
