# Project-wide warning and sanitizer settings, applied per target through wardwatch_options.
add_library(wardwatch_options INTERFACE)
add_library(wardwatch::options ALIAS wardwatch_options)
target_compile_options(wardwatch_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                   -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(WARDWATCH_WERROR)
  target_compile_options(wardwatch_options INTERFACE -Werror)
endif()
if(WARDWATCH_SANITIZE)
  target_compile_options(wardwatch_options INTERFACE -fsanitize=address,undefined
                                                     -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(wardwatch_options INTERFACE -fsanitize=address,undefined)
endif()
