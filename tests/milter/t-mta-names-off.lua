-- milter.mta_names: false: the MTA's word is not taken even when it says
-- OK; 203.0.113.66 has no PTR in the test DNS, and that is what counts.
-- config: milter: {socket: "unix:${WORK}/milter.sock", pid_file: "${WORK}/milter.pid", user: root, mta_names: false}
-- log: client=203\.0\.113\.66 ptr=none iprev=permerror
-- nolog: iprev=pass
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

scored_session({"{client_name}", "mx.relay.milter.test", "{client_resolve}", "OK"},
               "203.0.113.66", "[203.0.113.66]",
               "5.0/7.0 iprev=permerror ptr=none hits=ptr_none action=accept")
