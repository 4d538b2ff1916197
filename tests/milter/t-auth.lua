-- {auth_authen} at MAIL: the message is not scored and never refused, even
-- from a client that would be, and gets no X-RDNS-Score of ours; but the
-- X-RDNS-Score the user's mail brings is deleted (no forging for the
-- recipients' filters). The next message of the same connection without
-- AUTH is scored again.
-- log: ^rdns-milter\[\d+\]: qid=Q1 client=203\.0\.113\.66 from=<x@good\.milter\.test> auth=alice stage=mail result=authenticated$
-- log: rcpt=<user@example\.milter\.test> .*result=550
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
mt.macro(conn, SMFIC_MAIL, "{auth_authen}", "alice", "i", "Q1")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.header(conn, "X-RDNS-Score", "0.0/7.0 forged by the user") == nil, "h1")
check(mt.eom(conn) == nil, "eom")
check(mt.eom_check(conn, MT_HDRDELETE, "X-RDNS-Score"), "forged X-RDNS-Score kept")
check(not mt.eom_check(conn, MT_HDRINSERT, "X-RDNS-Score"), "authenticated mail scored")
check(not mt.eom_check(conn, MT_HDRADD, "X-RDNS-Score"), "authenticated mail scored")

mt.macro(conn, SMFIC_MAIL, "i", "Q2")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
mt.disconnect(conn)
