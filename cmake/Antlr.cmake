# ANTLR 4.7.2 tool (Debian's antlr4 package) generating C++ for the 4.9 runtime (libantlr4-runtime-dev).
# The runtime's CMake config exports antlr4_shared without include directories, so we build our own
# imported target. clang-14 rejects `InterpreterData() {};` in misc/InterpreterDataReader.h; a patched
# copy of that one header is placed first on the include path.
set(ANTLR4_JARS
  /usr/share/java/antlr4.jar /usr/share/java/antlr4-runtime.jar /usr/share/java/antlr3-runtime.jar
  /usr/share/java/stringtemplate4.jar /usr/share/java/treelayout.jar)
foreach(jar IN LISTS ANTLR4_JARS)
  if(NOT EXISTS ${jar})
    message(FATAL_ERROR "ANTLR jar ${jar} missing: run scripts/setup.sh")
  endif()
endforeach()
string(JOIN ":" ANTLR4_CLASSPATH ${ANTLR4_JARS})

find_library(ANTLR4_RUNTIME_LIB antlr4-runtime REQUIRED)
set(ANTLR4_INCLUDE_DIR /usr/include/antlr4-runtime)

set(ANTLR4_PATCH_DIR ${CMAKE_BINARY_DIR}/antlr4-patch)
file(READ ${ANTLR4_INCLUDE_DIR}/misc/InterpreterDataReader.h _idr)
string(REPLACE "InterpreterData() {};" "InterpreterData() = default;" _idr "${_idr}")
file(WRITE ${ANTLR4_PATCH_DIR}/misc/InterpreterDataReader.h "${_idr}")
# antlr4-runtime.h includes it with quotes (its own dir first): copy the umbrella header next to the patch.
file(COPY ${ANTLR4_INCLUDE_DIR}/antlr4-runtime.h DESTINATION ${ANTLR4_PATCH_DIR})

add_library(antlr4_rt INTERFACE)
target_include_directories(antlr4_rt SYSTEM INTERFACE ${ANTLR4_PATCH_DIR} ${ANTLR4_INCLUDE_DIR})
target_link_libraries(antlr4_rt INTERFACE ${ANTLR4_RUNTIME_LIB})
target_compile_options(antlr4_rt INTERFACE -fno-char8_t)

# antlr_generate_parser(<target> <grammar.g4> <namespace>): generates the parser into the build tree.
function(antlr_generate_parser target grammar ns)
  get_filename_component(name ${grammar} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/generated)
  # No visitor or listener: rlsq walks the tree itself, and a runtime visitor would not see the children that
  # lib/parser/tree_support.h keeps outside ParseTree::children.
  set(srcs ${out}/${name}.cpp ${out}/${name}.h)
  add_custom_command(
    OUTPUT ${srcs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${Java_JAVA_EXECUTABLE} -cp ${ANTLR4_CLASSPATH} org.antlr.v4.Tool -Dlanguage=Cpp
            -no-visitor -no-listener -package ${ns} -Xexact-output-dir -o ${out} ${grammar}
    DEPENDS ${grammar}
    COMMENT "ANTLR: generating ${name}"
    VERBATIM)
  add_library(${target} STATIC ${srcs})
  # The grammar's @parser::postinclude names rlsq headers (lib/parser/tree_support.h).
  target_include_directories(${target} PUBLIC ${out} ${CMAKE_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC antlr4_rt)
  target_compile_options(${target} PRIVATE -w)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
