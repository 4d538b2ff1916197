-- milter.mta_names (on by default): a name the MTA has forward-confirmed
-- ({client_resolve} OK) is taken as the verified PTR name without asking
-- PTR and A again; anything short of OK leaves the milter to its own
-- lookups. 203.0.113.66 has no PTR in the test DNS, so "iprev=pass" can
-- only come from the MTA's macros and "ptr=none" only from a lookup.
-- log: client=203\.0\.113\.66 ptr=mx\.relay\.milter\.test iprev=pass
-- log: client=203\.0\.113\.66 ptr=none iprev=permerror
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

-- Confirmed by the MTA: pass, and the HELO is compared with that name
-- (the same name: no HELO lookup, helo_confirms).
scored_session({"{client_name}", "mx.relay.milter.test", "{client_resolve}", "OK"},
               "203.0.113.66", "mx.relay.milter.test",
               "-1.0/7.0 iprev=pass ptr=mx.relay.milter.test hits=helo_confirms action=accept")

-- Sendmail may write the root's dot, any MTA any case: normalised.
scored_session({"{client_name}", "MX.Relay.Milter.TEST.", "{client_resolve}", "OK"},
               "203.0.113.66", "mx.relay.milter.test",
               "-1.0/7.0 iprev=pass ptr=mx.relay.milter.test hits=helo_confirms action=accept")

-- The MTA's name is classified like the milter's own: a generic name
-- confirmed by the MTA is still generic.
scored_session({"{client_name}", "87-113-0-203.dyn.isp.milter.test", "{client_resolve}", "OK"},
               "203.0.113.87", "[203.0.113.87]",
               "3.0/7.0 iprev=pass ptr=87-113-0-203.dyn.isp.milter.test hits=ptr_generic action=accept")

-- Anything short of OK: the milter asks DNS itself and finds no PTR.
local own = "5.0/7.0 iprev=permerror ptr=none hits=ptr_none action=accept"
for _, resolve in ipairs({"FORGED", "FAIL", "TEMP", "ok", ""}) do
  scored_session({"{client_name}", "mx.relay.milter.test", "{client_resolve}", resolve},
                 "203.0.113.66", "[203.0.113.66]", own)
end
-- A name without a resolve status (an MTA that does not send it) is not
-- evidence either, nor is a name that is not a host name.
scored_session({"{client_name}", "mx.relay.milter.test"}, "203.0.113.66", "[203.0.113.66]", own)
scored_session({"{client_name}", "unknown", "{client_resolve}", "OK"},
               "203.0.113.66", "[203.0.113.66]", own)
scored_session({"{client_name}", "[203.0.113.66]", "{client_resolve}", "OK"},
               "203.0.113.66", "[203.0.113.66]", own)
scored_session({"{client_name}", "mx relay.milter.test", "{client_resolve}", "OK"},
               "203.0.113.66", "[203.0.113.66]", own)
scored_session({}, "203.0.113.66", "[203.0.113.66]", own)
