-- trusted_networks: the whole connection is accepted at connect, never
-- scored, its headers untouched.
-- config: trusted_networks: [203.0.113.0/24]
-- log: ^rdns-milter\[\d+\]: client=203\.0\.113\.66 stage=connect result=trusted$
-- nolog: result=(?!trusted$)
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_ACCEPT, "unknown", "203.0.113.66")
mt.disconnect(conn)
