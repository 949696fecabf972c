# storecheck_part(NAME DEPS dep... [NEVER_INCLUDE folder...]): a static library from every .c
# file in the calling folder. Globbing lets a part grow a file without touching the build;
# CONFIGURE_DEPENDS re-globs.
# NEVER_INCLUDE names the higher rooms this part must stay below: its files may not include
# their headers (checked each time the library is built, by cmake/NeverInclude.cmake) and it
# may not link their libraries (sc_FOLDER, checked once the whole build is configured).
function(storecheck_part name)
  cmake_parse_arguments(PART "" "" "DEPS;NEVER_INCLUDE" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  if(sources)
    add_library(${name} STATIC ${sources})
    target_link_libraries(${name} PUBLIC ${PART_DEPS})
  else()
    add_library(${name} INTERFACE)
    target_link_libraries(${name} INTERFACE ${PART_DEPS})
  endif()
  if(PART_NEVER_INCLUDE)
    add_custom_command(TARGET ${name} PRE_LINK
                       COMMAND ${CMAKE_COMMAND} -DDIR=${CMAKE_CURRENT_SOURCE_DIR}
                               "-DFORBIDDEN=${PART_NEVER_INCLUDE}"
                               -P ${CMAKE_SOURCE_DIR}/cmake/NeverInclude.cmake
                       VERBATIM)
    # A deferred call reads its variables when it runs: write their values into it now.
    cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY \"${CMAKE_SOURCE_DIR}\"
                   CALL storecheck_part_check_links ${name} ${PART_NEVER_INCLUDE})")
  endif()
endfunction()

# Fail the configuration when NAME links the library of one of the folders given.
function(storecheck_part_check_links name)
  get_target_property(links ${name} LINK_LIBRARIES)
  foreach(folder ${ARGN})
    if(sc_${folder} IN_LIST links)
      message(FATAL_ERROR "${name} links sc_${folder}: ${name} must stay below ${folder}/ "
                          "(README.md, Layout)")
    endif()
  endforeach()
endfunction()
