package io.litemodel.cli;

import io.litemodel.LiteModel;
import picocli.CommandLine.IVersionProvider;

/** Prints LiteModel's version and the TensorFlow Lite version it runs. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    Package pkg = LiteModel.class.getPackage();
    String version = pkg.getImplementationVersion() != null ? pkg.getImplementationVersion() : "development build";
    return new String[] {"LiteModel " + version, "TensorFlow Lite " + LiteModel.tensorFlowLiteVersion()};
  }
}
