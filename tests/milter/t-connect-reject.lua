-- reject_stage: connect refuses the zombie at connect, before HELO.
-- config: reject_stage: connect
-- config: weights: {ptr_none: 7.0}
-- log: client=203\.0\.113\.66 ptr=none iprev=permerror .*score=7\.0/7\.0 action=reject stage=connect result=550 hits=ptr_none
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_REPLYCODE, "unknown", "203.0.113.66")
mt.disconnect(conn)

-- A good client passes the same stage.
conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
mt.disconnect(conn)
