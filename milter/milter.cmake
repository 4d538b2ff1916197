# rdns-milter: the daemon (included by milter/CMakeLists.txt).
# libmilter is only needed here; lib/ stays free of it.
pkg_check_modules(MILTER REQUIRED IMPORTED_TARGET milter)
# Static, so that -Wl,--wrap=sigwait reaches libmilter's own calls: see
# sigwait_wrap.c for why its signal thread must not take SIGHUP.
find_library(MILTER_STATIC NAMES libmilter.a HINTS ${MILTER_LIBRARY_DIRS} REQUIRED)

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
  sigwait_wrap.c)
target_include_directories(rdns-milter PRIVATE ${MILTER_INCLUDE_DIRS})
target_link_libraries(rdns-milter PRIVATE rdns ${MILTER_STATIC} Threads::Threads)
target_link_options(rdns-milter PRIVATE -Wl,--wrap=sigwait)
target_compile_definitions(rdns-milter PRIVATE RDNS_VERSION="${PROJECT_VERSION}")
