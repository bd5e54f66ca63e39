// Framebuffer → PNG for --screenshot.
#include "app/png.h"

#define GL_GLEXT_PROTOTYPES
#include <GL/gl.h>
#include <stb_image_write.h>

#include <vector>

namespace wardwatch::console {

Status WriteFramebufferPng(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) return MakeError("screenshot: empty framebuffer");
  const std::size_t stride = static_cast<std::size_t>(width) * 3;
  std::vector<unsigned char> pixels(stride * static_cast<std::size_t>(height));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  if (const GLenum e = glGetError(); e != GL_NO_ERROR) {
    return MakeError("screenshot: glReadPixels failed (GL error " + std::to_string(e) + ")");
  }
  // OpenGL's rows start at the bottom; PNG's at the top.
  stbi_flip_vertically_on_write(1);
  if (stbi_write_png(path.c_str(), width, height, 3, pixels.data(), static_cast<int>(stride)) ==
      0) {
    return MakeError("screenshot: cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace wardwatch::console
