package io.litemodel.cli;

import io.litemodel.BuildVersions;
import io.litemodel.LiteModel;
import picocli.CommandLine.IVersionProvider;

/** Prints LiteModel's version and the TensorFlow Lite version it runs. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"LiteModel " + BuildVersions.liteModel(),
        "TensorFlow Lite " + LiteModel.tensorFlowLiteVersion() + " (org.bytedeco:tensorflow-lite:"
            + BuildVersions.tensorFlowLiteArtifact() + ")"};
  }
}
