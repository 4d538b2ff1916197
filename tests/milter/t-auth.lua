-- {auth_authen} at MAIL: the message is accepted as it is, not scored and
-- not touched, even from a client that would be refused. The next message
-- of the same connection without AUTH is scored again.
-- log: client=203\.0\.113\.66 from=<x@good\.milter\.test> authenticated=alice: not scored
-- log: rcpt=<user@example\.milter\.test> .*result=550
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
mt.macro(conn, SMFIC_MAIL, "{auth_authen}", "alice", "i", "Q1")
step(conn, "mailfrom", SMFIR_ACCEPT, "<x@good.milter.test>")

mt.macro(conn, SMFIC_MAIL, "i", "Q2")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
mt.disconnect(conn)
