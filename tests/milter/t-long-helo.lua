-- A 1000-byte HELO (miltertest itself cannot send much more) with control bytes: scored, never echoed raw; the log
-- line and the header stay bounded and printable.
-- log: helo=aaaa\S*\.\.\.
-- nolog: a{300}
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, string.rep("a", 500) .. "\t\001" .. string.rep("b", 490))
step(conn, "mailfrom", SMFIR_CONTINUE, "<" .. string.rep("c", 900) .. "@good.milter.test>")
step(conn, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<postmaster@example.milter.test>")
check(mt.eom(conn) == nil, "eom")
local h = added(conn, "X-RDNS-Score")
check(h ~= nil and #h < 998, "X-RDNS-Score missing or too long")
check(not h:find("[%c\128-\255]"), "control or 8-bit bytes in the header")
mt.disconnect(conn)
