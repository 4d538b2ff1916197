-- An empty HELO argument is no FQDN: helo_not_fqdn hits.
-- log: client=203\.0\.113\.10 .*helo="" from=.*hits=helo_not_fqdn
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
step(conn, "helo", SMFIR_CONTINUE, "")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score",
  "3.0/7.0 iprev=pass ptr=mail.good.milter.test hits=helo_not_fqdn action=accept")
mt.disconnect(conn)
