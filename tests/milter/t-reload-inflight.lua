-- A reload does not change the rules of a session in flight: conn1 started
-- with threshold 7 and is refused at RCPT after the new config (threshold
-- 50) is live; conn2, started after, is accepted.
-- log: configuration reloaded
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn1 = open_conn()
step(conn1, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn1, "helo", SMFIR_CONTINUE, "localhost")

local conf = os.getenv("MILTER_CONF")
local f = assert(io.open(conf, "r"))
local text = f:read("*a")
f:close()
f = assert(io.open(conf, "w"))
f:write(text .. "threshold: 50\n")
f:close()
check(os.execute("kill -HUP " .. os.getenv("MILTER_PID")), "kill -HUP")
-- wait until the daemon says it reloaded
local log = os.getenv("MILTER_LOG")
local done = false
for i = 1, 100 do
  local lf = io.open(log, "r")
  if lf then
    done = lf:read("*a"):find("configuration reloaded", 1, true) ~= nil
    lf:close()
  end
  if done then break end
  mt.sleep(0.05)
end
check(done, "no reload in the log")

step(conn1, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn1, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
mt.disconnect(conn1)

local conn2 = open_conn()
step(conn2, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn2, "helo", SMFIR_CONTINUE, "localhost")
step(conn2, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn2, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
mt.disconnect(conn2)
