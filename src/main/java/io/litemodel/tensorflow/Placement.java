package io.litemodel.tensorflow;

import io.litemodel.LiteModelException;
import java.util.List;

/**
 * Where a {@link TfModel}'s operations run, as decided at load time: the placement asked for, the device kind used,
 * the devices TensorFlow sees, and, for a fallback, why the GPU was not used.
 */
public final class Placement {
  /** What to do when TensorFlow sees no GPU; named in the messages so that users know how to get one. */
  static final String GPU_HOWTO = "GPU placement needs the natives with classifier linux-x86_64-gpu instead of "
      + "linux-x86_64, an NVIDIA driver, and the CUDA 12 and cuDNN 9 libraries where the dynamic linker finds them "
      + "(see the README, \"TensorFlow runtime on CUDA\")";

  private final DevicePlacement requested;
  private final DevicePlacement used;
  private final List<String> devices;
  private final String reason;

  private Placement(DevicePlacement requested, DevicePlacement used, List<String> devices, String reason) {
    this.requested = requested;
    this.used = used;
    this.devices = List.copyOf(devices);
    this.reason = reason;
  }

  /**
   * Decides the placement for a loaded session.
   *
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when the GPU was
   *     required and TensorFlow sees none
   */
  static Placement check(TfGraphSession session, DevicePlacement requested) {
    boolean gpu = session.deviceTypes().contains("GPU");
    switch (requested) {
      case CPU:
        return new Placement(requested, DevicePlacement.CPU, session.deviceNames(), "GPUs hidden from the session");
      case GPU:
        if (!gpu) {
          throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
              "GPU placement was required, but TensorFlow sees no GPU (devices: " + session.deviceNames() + "). "
                  + GPU_HOWTO);
        }
        return new Placement(requested, DevicePlacement.GPU, session.deviceNames(), "GPU required and found");
      default:
        return gpu
            ? new Placement(requested, DevicePlacement.GPU, session.deviceNames(), "GPU found")
            : new Placement(requested, DevicePlacement.CPU, session.deviceNames(),
                "CPU fallback: TensorFlow sees no GPU. " + GPU_HOWTO);
    }
  }

  /** @return the placement asked for */
  public DevicePlacement requested() {
    return requested;
  }

  /** @return {@link DevicePlacement#GPU} when a GPU serves the model, else {@link DevicePlacement#CPU} */
  public DevicePlacement used() {
    return used;
  }

  /** @return true when {@link DevicePlacement#AUTO} fell back to the CPU */
  public boolean isFallback() {
    return requested == DevicePlacement.AUTO && used == DevicePlacement.CPU;
  }

  /** @return TensorFlow's names of the devices the session sees */
  public List<String> devices() {
    return devices;
  }

  /** @return why this placement (for a fallback: what is missing for the GPU) */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return "placement " + used + " (" + requested + " requested; " + reason + ")";
  }
}
