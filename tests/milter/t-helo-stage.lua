-- reject_stage: helo: the zombie passes connect (ptr_none alone is 5 < 7)
-- and is refused at HELO localhost (5 + 3).
-- config: reject_stage: helo
-- log: client=203\.0\.113\.66 .*helo=localhost .*action=reject stage=helo result=550
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_REPLYCODE, "localhost")
mt.disconnect(conn)
