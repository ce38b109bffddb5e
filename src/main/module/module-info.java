/**
 * LiteModel: TensorFlow Lite models on the JVM. Exports the public API and its wings; the runtimes
 * ({@code io.litemodel.internal.*}) are not exported, so on the module path only the API can be reached. Compiled on
 * its own, after the classes (see src/build/ModuleDescriptor.java): Spark's jars have no valid module name, so the
 * Spark package, like Spark itself, is used from the class path.
 */
module io.litemodel {
  requires java.desktop;
  requires java.management;
  requires jdk.management;
  requires org.bytedeco.javacpp;
  requires org.bytedeco.tensorflowlite;
  requires static org.bytedeco.opencv;
  requires static tensorflow.nativelib;
  requires static com.google.protobuf;
  requires static info.picocli;
  requires static me.tongfei.progressbar;
  requires static org.knowm.xchart;
  requires static com.fasterxml.jackson.databind;

  exports io.litemodel;
  exports io.litemodel.batch;
  exports io.litemodel.cli;
  exports io.litemodel.image;
  exports io.litemodel.io;
  exports io.litemodel.load;
  exports io.litemodel.open;
  exports io.litemodel.serving;
  exports io.litemodel.spark;
  exports io.litemodel.tensorflow;

  // JavaCPP's loader reads the presets' annotations and binds their native methods.
  opens io.litemodel.internal.presets to org.bytedeco.javacpp;

  uses io.litemodel.LiteModelBackend;

  provides io.litemodel.LiteModelBackend with io.litemodel.internal.runtime.TfLiteBackend;
}
