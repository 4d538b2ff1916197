-- milter.mta_names: false: the MTA's word is not taken even when it says
-- OK; 203.0.113.66 has no PTR in the test DNS, and that is what counts.
-- config: milter: {socket: "unix:${WORK}/milter.sock", pid_file: "${WORK}/milter.pid", user: root, mta_names: false}
-- log: client=203\.0\.113\.66 ptr=none iprev=permerror
-- nolog: iprev=pass
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
check(mt.macro(conn, SMFIC_CONNECT, "{client_name}", "mx.relay.milter.test",
               "{client_resolve}", "OK") == nil, "macro")
step(conn, "conninfo", SMFIR_CONTINUE, "mx.relay.milter.test", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "[203.0.113.66]")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
expect_header(conn, "X-RDNS-Score", "5.0/7.0 iprev=permerror ptr=none hits=ptr_none action=accept")
mt.disconnect(conn)
