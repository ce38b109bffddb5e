package io.litemodel.tensorflow;

/** Child-JVM main for {@link TfNativesTest}: prints what {@link TfModel#runtimeProblem()} says. */
public final class TfRuntimeProblemProbe {
  private TfRuntimeProblemProbe() {}

  /** @param args none */
  public static void main(String[] args) {
    System.out.println("problem=" + TfModel.runtimeProblem().orElse("none"));
  }
}
