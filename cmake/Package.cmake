# `cpack -G DEB` in a build folder makes storecheck_VERSION_ARCH.deb from the install rules:
# the binary, the profiles, the man page and the docs with their copyright file. The
# package's dependencies are computed from the binary's shared libraries (dpkg-shlibdeps).
# Configure the build with -DCMAKE_INSTALL_PREFIX=/usr -DSTORECHECK_SOURCE_PROFILES=OFF: the
# binary then looks for its profiles where the package puts them, and never in the source tree.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME storecheck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "launch readiness audits and load tests for online stores")
set(CPACK_PACKAGE_CONTACT "storecheck developers")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "storecheck runs the STORE launch checklist (Security, Traffic management, Operations,\n\
Reliability, Extensibility) against a deployed online store from the outside, drives\n\
browsing, search, cart and checkout load with SLO thresholds, and gates a pipeline on one\n\
verdict with JSON, HTML, JUnit, Markdown and SARIF reports.")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The files go where the binary was built to look for them.
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
include(CPack)
