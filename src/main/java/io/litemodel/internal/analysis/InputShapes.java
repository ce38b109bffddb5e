package io.litemodel.internal.analysis;

/**
 * Rules for input shapes that a model declares with dynamic ({@code -1}) dimensions: which default shapes can be
 * allocated, and which new shapes a caller may ask for.
 */
public final class InputShapes {
  private InputShapes() {}

  /**
   * @param tensor an input as declared in the file
   * @return a shape to check the model at when its stored default shape cannot be allocated (every dynamic dimension
   *     set to 1), or null when the default shape is fine
   */
  public static int[] checkShape(ModelGraph.Tensor tensor) {
    int[] signature = tensor.shapeSignature();
    if (signature == null || !hasDynamic(signature) || allocatable(tensor.shape(), signature)) {
      return null;
    }
    int[] check = signature.clone();
    for (int i = 0; i < check.length; i++) {
      if (check[i] < 0) {
        check[i] = 1;
      }
    }
    return check;
  }

  /** @return true when {@code shape} has the declared rank and no empty dimension */
  public static boolean allocatable(int[] shape, int[] signature) {
    if (shape.length != signature.length) {
      return false;
    }
    for (int dim : shape) {
      if (dim <= 0) {
        return false;
      }
    }
    return true;
  }

  /** @return true when some dimension is dynamic */
  public static boolean hasDynamic(int[] signature) {
    for (int dim : signature) {
      if (dim < 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks a requested shape against the declared one: same rank, positive dimensions, and only dynamic dimensions
   * may differ from the declaration.
   *
   * @param name the input's name, for messages
   * @return null when {@code requested} is allowed, else why not
   */
  public static String problem(String name, int[] signature, int[] requested) {
    String declared = java.util.Arrays.toString(signature);
    if (requested.length != signature.length) {
      return "input '" + name + "' is declared " + declared + " (rank " + signature.length + "); a shape of rank "
          + requested.length + " was given: " + java.util.Arrays.toString(requested);
    }
    for (int i = 0; i < requested.length; i++) {
      if (requested[i] <= 0) {
        return "input '" + name + "': dimension " + i + " must be positive, got " + requested[i];
      }
      if (signature[i] >= 0 && requested[i] != signature[i]) {
        return "input '" + name + "' is declared " + declared + ": dimension " + i + " is fixed at " + signature[i]
            + " and cannot become " + requested[i] + " (only -1 dimensions can be resized)";
      }
    }
    return null;
  }
}
