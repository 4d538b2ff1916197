# rdns-milter: the daemon (included by milter/CMakeLists.txt).
# libmilter is only needed here; lib/ stays free of it.
pkg_check_modules(MILTER REQUIRED IMPORTED_TARGET milter)

add_executable(rdns-milter
  rdns_milter.c
  sockfile.c
  watch.c
  callbacks.c
  headers.c
  live.c
  log.c
  logkv.c
  reply.c
  stats.c
  control.c
  threadstack.c
  nodelay.c
  sigwait_wrap.c)
# The shared libmilter, as a distribution links it. sigwait_wrap.c defines
# sigwait(), which interposes on libmilter's (see there for why).
target_link_libraries(rdns-milter PRIVATE rdns PkgConfig::MILTER Threads::Threads)
target_compile_definitions(rdns-milter PRIVATE RDNS_VERSION="${PROJECT_VERSION}")
