package io.litemodel;

/** Child-JVM program for {@link NativeRuntimeTest}: loads the natives and prints the outcome. */
public final class NativeRuntimeProbe {
  private NativeRuntimeProbe() {}

  /** @param args ignored */
  public static void main(String[] args) {
    try {
      System.out.println("version=" + LiteModel.tensorFlowLiteVersion());
    } catch (LiteModelException e) {
      System.out.println("status=" + e.status());
      System.out.println("message=" + e.getMessage());
      try {
        LiteModel.tensorFlowLiteVersion();
      } catch (LiteModelException again) {
        System.out.println("same_on_retry=" + (again == e));
      }
    }
  }
}
