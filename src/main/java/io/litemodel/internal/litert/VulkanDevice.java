package io.litemodel.internal.litert;

/**
 * A Vulkan physical device as the Vulkan loader reports it.
 *
 * @param name the device name (for example "NVIDIA GeForce RTX 4090" or "SwiftShader Device (Subzero)")
 * @param type the VkPhysicalDeviceType code: 1 integrated, 2 discrete, 3 virtual, 4 CPU (software), 0 other
 */
public record VulkanDevice(String name, int type) {
  /** VK_PHYSICAL_DEVICE_TYPE_CPU: a software implementation such as SwiftShader or lavapipe. */
  static final int TYPE_CPU = 4;

  /** @return true for a device that is a GPU (not a CPU implementation of Vulkan) */
  public boolean hardware() {
    return type >= 1 && type <= 3;
  }

  /** @return Dawn's preference when it picks an adapter for high performance: discrete, integrated, virtual, CPU */
  int preference() {
    return switch (type) {
      case 2 -> 0;
      case 1 -> 1;
      case 3 -> 2;
      case TYPE_CPU -> 3;
      default -> 4;
    };
  }

  /** @return the name with its kind, as execution reports print it */
  public String describe() {
    String kind = switch (type) {
      case 1 -> "integrated GPU";
      case 2 -> "discrete GPU";
      case 3 -> "virtual GPU";
      case TYPE_CPU -> "CPU / software";
      default -> "other";
    };
    return name + " (Vulkan, " + kind + ")";
  }
}
