# install.cmake - `cmake --install BUILD [--prefix P]` (DESTDIR honoured)
#
# Lays rdns-milter out the way admins know from OpenDKIM and OpenDMARC:
#
#   sbin/rdns-milter                          the daemon (when it is built)
#   bin/rdns-check                            the command-line checker
#   share/man/man{1,5,8}/...                  every man/*.[1-8] page
#   SYSCONFDIR/rdns-milter/rdns-milter.yaml   the config, never overwritten
#   lib/systemd/system/rdns-milter.service    the unit, paths fitted to P
#   lib/tmpfiles.d/rdns-milter.conf           the socket directory below
#                                             Postfix's chroot
#   share/doc/rdns-milter/                    README and MTA snippets
#
# SYSCONFDIR follows GNUInstallDirs: PREFIX/etc, except /etc for the
# prefixes / and /usr and /etc/opt/X for /opt/X. GNUInstallDirs works that
# out when the build is configured, but `cmake --install --prefix` changes
# the prefix later, so it is worked out again here, at install time, with
# the same rules: `--prefix /usr` gives /etc whatever prefix was configured.
#
# The config is a conffile: an existing one is the admin's and is kept. The
# new default then goes next to it as rdns-milter.yaml.dist, with a message,
# like Debian's dpkg-dist (no .dist when the two are already the same).
# A distribution package turns that off (-DRDNS_KEEP_CONFIG=OFF): its
# staging tree is always fresh, and dpkg (or rpm) keeps a changed conffile.
include(GNUInstallDirs)

set(RDNS_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit goes: relative to the install prefix, or absolute")
set(RDNS_TMPFILESDIR "lib/tmpfiles.d" CACHE STRING
    "Where the tmpfiles.d snippet goes: relative to the install prefix, or absolute")
option(RDNS_KEEP_CONFIG
       "Keep an installed, changed config (new one as .dist); OFF when packaging" ON)

install(TARGETS rdns-check RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET rdns-milter)
  install(TARGETS rdns-milter RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
endif()

# One page per program and per config file; the section is the suffix.
file(GLOB RDNS_MAN_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-8])
foreach(page IN LISTS RDNS_MAN_PAGES)
  string(REGEX MATCH "[1-8]$" section "${page}")
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

install(FILES ${PROJECT_SOURCE_DIR}/etc/rdns-milter.tmpfiles
        DESTINATION ${RDNS_TMPFILESDIR} RENAME rdns-milter.conf)

foreach(doc README.md etc/postfix-main.cf.snippet etc/sendmail.mc.snippet)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${doc})
    install(FILES ${PROJECT_SOURCE_DIR}/${doc} DESTINATION ${CMAKE_INSTALL_DOCDIR})
  endif()
endforeach()

# Configure-time facts for the install-time code below.
install(CODE "
set(RDNS_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
set(RDNS_BINARY_DIR \"${PROJECT_BINARY_DIR}\")
set(RDNS_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
set(RDNS_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")
set(RDNS_UNITDIR \"${RDNS_SYSTEMD_UNITDIR}\")
set(RDNS_KEEP_CONFIG \"${RDNS_KEEP_CONFIG}\")
")

# Runs at install time, when CMAKE_INSTALL_PREFIX is the final prefix.
# No function(): file(INSTALL) records into the install manifest through a
# variable that a function scope would lose.
install(CODE [[
# GNUInstallDirs' special cases, for the prefix given now.
if(IS_ABSOLUTE "${RDNS_SYSCONFDIR}")
  set(rdns_etc "${RDNS_SYSCONFDIR}")
elseif(CMAKE_INSTALL_PREFIX MATCHES "^/(usr/?)?$")  # / and /usr
  set(rdns_etc "/${RDNS_SYSCONFDIR}")
elseif(CMAKE_INSTALL_PREFIX MATCHES "^/opt/" AND NOT CMAKE_INSTALL_PREFIX MATCHES "^/opt/homebrew/")
  set(rdns_etc "/${RDNS_SYSCONFDIR}${CMAKE_INSTALL_PREFIX}")
else()
  set(rdns_etc "${CMAKE_INSTALL_PREFIX}/${RDNS_SYSCONFDIR}")
endif()
string(REGEX REPLACE "/+$" "" rdns_prefix "${CMAKE_INSTALL_PREFIX}")
if(IS_ABSOLUTE "${RDNS_SBINDIR}")
  set(rdns_sbin "${RDNS_SBINDIR}")
else()
  set(rdns_sbin "${rdns_prefix}/${RDNS_SBINDIR}")
endif()
if(IS_ABSOLUTE "${RDNS_UNITDIR}")
  set(rdns_unitdir "${RDNS_UNITDIR}")
else()
  set(rdns_unitdir "${rdns_prefix}/${RDNS_UNITDIR}")
endif()

# The config: installed once, then the admin's.
set(rdns_confdir "${rdns_etc}/rdns-milter")
set(rdns_new "${RDNS_SOURCE_DIR}/etc/rdns-milter.yaml")
set(rdns_old "$ENV{DESTDIR}${rdns_confdir}/rdns-milter.yaml")
if(NOT RDNS_KEEP_CONFIG OR NOT EXISTS "${rdns_old}")
  file(INSTALL DESTINATION "${rdns_confdir}" TYPE FILE FILES "${rdns_new}")
else()
  file(SHA256 "${rdns_old}" rdns_old_sum)
  file(SHA256 "${rdns_new}" rdns_new_sum)
  if(rdns_old_sum STREQUAL rdns_new_sum)
    message(STATUS "Up-to-date: ${rdns_old}")
  else()
    file(INSTALL DESTINATION "${rdns_confdir}" TYPE FILE
         RENAME rdns-milter.yaml.dist FILES "${rdns_new}")
    message(STATUS "Keeping ${rdns_old}: it was changed locally. "
                   "The new default is ${rdns_old}.dist; compare the two "
                   "and merge what you need.")
  endif()
endif()

# The unit, with the daemon's and the config's real paths.
file(READ "${RDNS_SOURCE_DIR}/etc/rdns-milter.service" rdns_unit)
string(REPLACE "/usr/sbin/rdns-milter" "${rdns_sbin}/rdns-milter" rdns_unit "${rdns_unit}")
string(REPLACE "/etc/rdns-milter/" "${rdns_confdir}/" rdns_unit "${rdns_unit}")
# One scratch file per destination: installs may run side by side.
string(MD5 rdns_key "$ENV{DESTDIR}${rdns_unitdir}")
set(rdns_tmp "${RDNS_BINARY_DIR}/install/rdns-milter.service.${rdns_key}")
file(WRITE "${rdns_tmp}" "${rdns_unit}")
file(INSTALL DESTINATION "${rdns_unitdir}" TYPE FILE
     RENAME rdns-milter.service FILES "${rdns_tmp}")
file(REMOVE "${rdns_tmp}")
]])
