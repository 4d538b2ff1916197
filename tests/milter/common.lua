-- Helpers shared by the t-*.lua scripts (loaded with dofile).
-- The daemon's socket comes from the runner in MILTER_SOCKET.

function check(cond, msg)
  if not cond then
    error(msg, 2)
  end
end

function open_conn()
  local conn = mt.connect(os.getenv("MILTER_SOCKET"), 40, 0.25)
  check(conn ~= nil, "mt.connect failed")
  return conn
end

-- Sends one step and checks the filter's reply to it.
function step(conn, what, want, ...)
  local err = mt[what](conn, ...)
  check(err == nil, "mt." .. what .. " failed: " .. tostring(err))
  local got = mt.getreply(conn)
  check(got == want, string.format("mt.%s: reply %q, expected %q", what, tostring(got),
                                   tostring(want)))
end

-- The value of the n-th (0-based) added header field, or nil.
function added(conn, name, n)
  return mt.getheader(conn, name, n or 0)
end

function expect_header(conn, name, want)
  local got = added(conn, name)
  check(got == want, string.format("%s: got %q, expected %q", name, tostring(got), want))
end

-- Every protocol step the filter does not need is switched off, but DATA.
function check_negotiation(conn)
  check(mt.test_option(conn, SMFIP_NOBODY), "SMFIP_NOBODY not negotiated")
  check(mt.test_option(conn, SMFIP_NOEOH), "SMFIP_NOEOH not negotiated")
  check(mt.test_option(conn, SMFIP_NOUNKNOWN), "SMFIP_NOUNKNOWN not negotiated")
  -- DATA is kept on purpose: skipping its reply costs a 40 ms Nagle /
  -- delayed-ACK stall per message on inet: sockets (callbacks.c).
  check(not mt.test_option(conn, SMFIP_NODATA), "SMFIP_NODATA negotiated")
  check(mt.test_action(conn, SMFIF_ADDHDRS), "SMFIF_ADDHDRS not negotiated")
  check(mt.test_action(conn, SMFIF_CHGHDRS), "SMFIF_CHGHDRS not negotiated")
end

-- One accepted session from ip: the connect macros (a flat list of names
-- and values, maybe empty), HELO, a sender and a recipient, then the
-- X-RDNS-Score the filter adds must be want.
function scored_session(macros, ip, helo, want)
  local conn = open_conn()
  if #macros > 0 then
    check(mt.macro(conn, SMFIC_CONNECT, table.unpack(macros)) == nil, "macro")
  end
  step(conn, "conninfo", SMFIR_CONTINUE, "unknown", ip)
  step(conn, "helo", SMFIR_CONTINUE, helo)
  step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
  step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
  check(mt.eom(conn) == nil, "eom")
  expect_header(conn, "X-RDNS-Score", want)
  mt.disconnect(conn)
end
