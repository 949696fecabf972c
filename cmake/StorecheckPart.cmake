# storecheck_part(NAME DEPS dep...): a static library from every .c file in the calling folder.
# Globbing lets a part grow a file without touching the build; CONFIGURE_DEPENDS re-globs.
function(storecheck_part name)
  cmake_parse_arguments(PART "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  if(sources)
    add_library(${name} STATIC ${sources})
    target_link_libraries(${name} PUBLIC ${PART_DEPS})
  else()
    add_library(${name} INTERFACE)
    target_link_libraries(${name} INTERFACE ${PART_DEPS})
  endif()
endfunction()
