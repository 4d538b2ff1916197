-- The null sender <> (bounces) is never penalised; it has no domain, so
-- sender_mx_match does not apply (helo_confirms does).
-- log: client=203\.0\.113\.10 .*from=<> score=-1\.0/7\.0 action=accept stage=eom
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")
step(conn, "mailfrom", SMFIR_CONTINUE, "<>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score",
  "-1.0/7.0 iprev=pass ptr=mail.good.milter.test hits=helo_confirms action=accept")
mt.disconnect(conn)
