// Reads the current OpenGL framebuffer and writes it as a PNG (stb_image_write).
#pragma once

#include <string>

#include "wardwatch/result.h"

namespace wardwatch::console {

Status WriteFramebufferPng(const std::string& path, int width, int height);

}  // namespace wardwatch::console
