# cmake -DDIR=folder -DFORBIDDEN="a;b" -P NeverInclude.cmake: fail, naming the file and the
# include, when a .c or .h file of DIR includes a header from one of the FORBIDDEN folders.
file(GLOB files ${DIR}/*.c ${DIR}/*.h)
set(bad 0)
foreach(file ${files})
  file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS includes)
    foreach(folder ${FORBIDDEN})
      if(line MATCHES "\"${folder}/")
        message(SEND_ERROR "${file}: ${line}: includes from ${folder}/, a room above this "
                           "one (README.md, Layout)")
        set(bad 1)
      endif()
    endforeach()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "lower rooms never include higher ones")
endif()
